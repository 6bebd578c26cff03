/* Comparison tables (SPEC 9): exact columns, empty/null for a missing makespan, sweep
 * columns, and the text table's marks; plus the text summary and its Gantt chart. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "core/sim.h"
#include "core/units.h"
#include "core/version.h"
#include "export/export.h"
#include "presets/presets.h"

static struct ps_compare_row row(const char *sched, double makespan, double peak, bool ok)
{
    struct ps_compare_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.scenario, sizeof r.scenario, "default");
    snprintf(r.schedule, sizeof r.schedule, "%s", sched);
    snprintf(r.status, sizeof r.status, "%s", isnan(makespan) ? "infeasible" : "heuristic");
    r.makespan_ms = makespan;
    r.bubble_ratio = isnan(makespan) ? NAN : 0.25;
    r.peak_memory = peak;
    r.memory_ok = ok;
    r.lower_bound_ms = 100;
    r.ratio_to_lower_bound = makespan / 100;
    r.solve_ms = 1.5;
    r.has_memory_limit = true;
    r.memory_limit = 8;
    r.bound_ms = NAN;
    r.gap = NAN;
    snprintf(r.status_text, sizeof r.status_text, "%s", r.status);
    snprintf(r.scenario_hash, sizeof r.scenario_hash, "0123456789abcdef");
    snprintf(r.origin, sizeof r.origin, "preset default");
    /* the bubble by cause: 0.15 fill, 0.1 cross-DC */
    for (int c = 0; c < PS_BUBBLE_COUNT; c++)
        r.bubble_by[c] = isnan(makespan) ? NAN : 0;
    if (!isnan(makespan)) {
        r.bubble_by[PS_BUBBLE_FILL] = 0.15;
        r.bubble_by[PS_BUBBLE_CROSS_DC] = 0.1;
    }
    r.bubble_reduction = r.makespan_reduction = NAN;
    return r;
}

#define HEADER                                                                                     \
    "scenario,schedule,status,makespan_ms,bubble_ratio,peak_memory,memory_ok,lower_bound_ms,"      \
    "ratio_to_lower_bound,solve_ms,bubble_fill,bubble_cross_dc,bubble_intra_dc,bubble_memory,"     \
    "bubble_rendezvous,bubble_dp,bubble_end,bound_ms,gap,status_text,params,scenario_hash,origin," \
    "edits,pipescope"
#define BY ",0.15,0.1,0,0,0,0,0"
#define NO_BY ",,,,,,,"
/* The provenance columns of row(): no bound, no gap, the status, no params, no edits. */
#define PROV(status) ",,," status ",,0123456789abcdef,preset default,," PS_VERSION

static void test_csv(void **state)
{
    (void)state;
    struct ps_compare_row rows[3] = {row("1f1b", 150.25, 8, true), row("gpipe", 180, 12, false),
                                     row("optimal", NAN, NAN, false)};
    snprintf(rows[0].scenario, sizeof rows[0].scenario, "a, \"b\"");
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_csv(rows, 3, &b), PS_OK);
    assert_string_equal(
        b.data, HEADER
        "\r\n"
        "\"a, \"\"b\"\"\",1f1b,heuristic,150.25,0.25,8,true,100,"
        "1.5025,1.5" BY PROV(
            "heuristic") "\r\n"
                         "default,gpipe,heuristic,180,0.25,12,false,100,1.8,1.5" BY PROV(
                             "heuristic") "\r\n"
                                          "default,optimal,infeasible,,,,false,100,,1.5" NO_BY PROV(
                                              "infeasible") "\r\n");
    ps_buf_fini(&b);

    /* sweep columns after the fixed ones */
    for (int i = 0; i < 2; i++) {
        rows[i].n_extra = 1;
        snprintf(rows[i].extra[0].key, sizeof rows[i].extra[0].key, "latency_ms");
        snprintf(rows[i].extra[0].value, sizeof rows[i].extra[0].value, "%d", 10 * (i + 1));
    }
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_csv(rows + 1, 2, &b), PS_OK);
    assert_string_equal(b.data, HEADER
                        ",latency_ms\r\n"
                        "default,gpipe,heuristic,180,0.25,12,false,100,1.8,1.5" BY PROV(
                            "heuristic") ",20\r\n"
                                         "default,optimal,infeasible,,,,false,100,,1.5" NO_BY PROV(
                                             "infeasible") ",\r\n");
    ps_buf_fini(&b);
}

static void test_json(void **state)
{
    (void)state;
    struct ps_compare_row rows[2] = {row("1f1b", 150.25, 8, true), row("optimal", NAN, NAN, false)};
    rows[0].n_extra = 2;
    snprintf(rows[0].extra[0].key, sizeof rows[0].extra[0].key, "latency_ms");
    snprintf(rows[0].extra[0].value, sizeof rows[0].extra[0].value, "2.5");
    snprintf(rows[0].extra[1].key, sizeof rows[0].extra[1].key, "link");
    snprintf(rows[0].extra[1].value, sizeof rows[0].extra[1].value, "metro");
    /* a sweep over memory.limit=null,4: null is JSON null, not a string */
    rows[1].n_extra = 1;
    snprintf(rows[1].extra[0].key, sizeof rows[1].extra[0].key, "link");
    snprintf(rows[1].extra[0].value, sizeof rows[1].extra[0].value, "null");
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_json(rows, 2, &b), PS_OK);
    cJSON *root = cJSON_Parse(b.data);
    assert_non_null(root);
    assert_int_equal(cJSON_GetArraySize(root), 2);
    const char *keys[] = {"scenario",
                          "schedule",
                          "status",
                          "makespan_ms",
                          "bubble_ratio",
                          "peak_memory",
                          "memory_ok",
                          "lower_bound_ms",
                          "ratio_to_lower_bound",
                          "solve_ms",
                          "bubble_fill",
                          "bubble_cross_dc",
                          "bubble_intra_dc",
                          "bubble_memory",
                          "bubble_rendezvous",
                          "bubble_dp",
                          "bubble_end",
                          "bound_ms",
                          "gap",
                          "status_text",
                          "params",
                          "scenario_hash",
                          "origin",
                          "edits",
                          "pipescope"};
    for (int i = 0; i < 2; i++) {
        const cJSON *o = cJSON_GetArrayItem(root, i), *c = o->child;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++, c = c->next)
            assert_string_equal(c->string, keys[k]);
    }
    const cJSON *r0 = cJSON_GetArrayItem(root, 0), *r1 = cJSON_GetArrayItem(root, 1);
    assert_true(cJSON_GetObjectItem(r0, "makespan_ms")->valuedouble == 150.25);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r0, "memory_ok")));
    assert_true(cJSON_GetObjectItem(r0, "latency_ms")->valuedouble == 2.5);
    assert_string_equal(cJSON_GetObjectItem(r0, "link")->valuestring, "metro");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(r1, "link")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(r1, "makespan_ms")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(r1, "ratio_to_lower_bound")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(r1, "latency_ms")));
    assert_string_equal(cJSON_GetObjectItem(r1, "status")->valuestring, "infeasible");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(r1, "bound_ms")));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(r1, "edits")));
    assert_string_equal(cJSON_GetObjectItem(r1, "pipescope")->valuestring, PS_VERSION);
    cJSON_Delete(root);
    ps_buf_fini(&b);

    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_json(rows, 0, &b), PS_OK);
    assert_string_equal(b.data, "[]\n");
    ps_buf_fini(&b);
}

static void test_table(void **state)
{
    (void)state;
    struct ps_compare_row rows[3] = {row("1f1b", 150.25, 8, true), row("gpipe", 180, 12, false),
                                     row("optimal", NAN, NAN, false)};
    struct ps_buf b;
    /* a faster schedule over the memory limit does not take the star */
    struct ps_compare_row fast[2] = {row("1f1b", 150.25, 8, true), row("gpipe", 120, 12, false)};
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_table(fast, 2, &b), PS_OK);
    assert_non_null(strstr(b.data, "\n1f1b *"));
    assert_non_null(strstr(b.data, "\ngpipe  "));
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_table(rows, 3, &b), PS_OK);
    assert_string_equal(
        b.data,
        "schedule  status      makespan_ms  bubble  by cause    peak_mem/limit  ratio_LB  "
        "solve_ms\n"
        "1f1b *    heuristic        150.25   25.0%  ffffffxxxx           8.0/8     1.502     "
        "1.500\n"
        "gpipe     heuristic        180.00   25.0%  ffffffxxxx        12.0/8 !     1.800     "
        "1.500\n"
        "optimal   infeasible            -       -  -                      -/8         -     "
        "1.500\n"
        "lower bound 100.00 ms (no schedule can beat it); * best makespan within the "
        "memory limit; ! peak "
        "memory over the limit\n"
        "by cause: tenths of the bubble: f fill (warm-up, cool-down), x cross-DC, i "
        "intra-DC, m memory, r rendezvous, d all-gather, e idle at the end\n");
    ps_buf_fini(&b);

    /* no rows; and the widest table: several scenarios, 8 sweep keys, per-row bounds */
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_table(rows, 0, &b), PS_OK);
    assert_string_equal(b.data, "(no schedules)\n");
    ps_buf_fini(&b);
    struct ps_compare_row wide[2] = {row("a", 1, 1, true), row("b", 2, 1, true)};
    snprintf(wide[1].scenario, sizeof wide[1].scenario, "other");
    for (int i = 0; i < 2; i++) {
        wide[i].n_extra = 8;
        for (int k = 0; k < 8; k++) {
            snprintf(wide[i].extra[k].key, sizeof wide[i].extra[k].key, "k%d", k);
            snprintf(wide[i].extra[k].value, sizeof wide[i].extra[k].value, "%d", i + k);
        }
    }
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_table(wide, 2, &b), PS_OK);
    assert_non_null(strstr(b.data, "scenario  k0  k1"));
    assert_non_null(strstr(b.data, "LB_ms\n"));
    ps_buf_fini(&b);

    /* a sweep: one best per group, the lower bound per row */
    for (int i = 0; i < 3; i++) {
        rows[i].n_extra = 1;
        snprintf(rows[i].extra[0].key, sizeof rows[i].extra[0].key, "latency_ms");
        snprintf(rows[i].extra[0].value, sizeof rows[i].extra[0].value, "%s", i < 1 ? "1" : "2");
    }
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_table(rows, 3, &b), PS_OK);
    assert_non_null(strstr(b.data, "latency_ms  schedule"));
    assert_non_null(strstr(b.data, "1f1b *"));
    /* latency 2: gpipe is over the limit and optimal failed, so nothing fits: no star */
    assert_null(strstr(b.data, "gpipe *"));
    assert_non_null(strstr(b.data, "LB_ms"));
    ps_buf_fini(&b);

    /* no row within the limit: no star, and the legend says so */
    struct ps_compare_row over[2] = {row("1f1b", 150.25, 12, false), row("gpipe", 120, 16, false)};
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_table(over, 2, &b), PS_OK);
    assert_null(strchr(b.data, '*'));
    assert_non_null(strstr(b.data, "; no schedule fits the memory limit; ! peak memory over the "
                                   "limit\n"));
    ps_buf_fini(&b);
}

static void test_row_and_text(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("default", &sc, &d), PS_OK);
    assert_int_equal(ps_scenario_set_path(&sc, "microbatches", "4", &d), PS_OK);
    struct ps_schedule *s = ps_schedule_new(&sc, "gpipe", 1, PS_TRAVERSAL_LOOP, false);
    for (int dv = 0; dv < sc.n_stages; dv++) {
        for (int m = 0; m < 4; m++)
            assert_int_equal(ps_schedule_push(s, dv, PS_OP_F, 0, m), PS_OK);
        for (int m = 0; m < 4; m++)
            assert_int_equal(ps_schedule_push(s, dv, PS_OP_B, 0, m), PS_OK);
    }
    assert_int_equal(ps_sim_run(s, &d), PS_OK);

    struct ps_compare_row r;
    ps_compare_row_from(&r, s);
    assert_string_equal(r.schedule, "gpipe");
    assert_string_equal(r.status, "heuristic");
    assert_true(r.makespan_ms == ps_ns_to_ms(s->makespan_ns));
    assert_true(r.peak_memory == 4);
    assert_true(r.has_memory_limit && r.memory_limit == 8);
    assert_true(fabs(r.ratio_to_lower_bound - r.makespan_ms / r.lower_bound_ms) < 1e-12);

    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_text(s, 72, &b), PS_OK);
    /* header lines, one row per device, a DC boundary, an axis; ASCII, at most 72 wide */
    assert_true(strncmp(b.data,
                        "scenario  default (edited): 8 stages in 2 datacenters (east 4, west 4)",
                        70) == 0);
    assert_non_null(strstr(b.data, "\nmakespan  "));
    assert_non_null(strstr(b.data, "\nmemory    peak 4.00 units (stage 0), limit 8: ok\n"));
    assert_non_null(strstr(b.data, "\neast s0 |F"));
    assert_non_null(strstr(b.data, "\nwest s7 |."));
    assert_non_null(strstr(b.data, "\n--------+-----"));
    assert_non_null(strstr(b.data, " ms\n"));
    int rows = 0;
    bool in_chart = false;
    for (const char *line = b.data; *line;) {
        const char *nl = strchr(line, '\n');
        assert_non_null(nl);
        /* the chart, its axis and its legend never exceed the width */
        in_chart |= nl == line;
        if (in_chart && nl - line > 72)
            fail_msg("line wider than 72: %.*s", (int)(nl - line), line);
        if (strstr(line, " |") != NULL && strstr(line, " |") < nl) {
            assert_int_equal(nl - line, 72);
            rows++;
        }
        for (const char *p = line; p < nl; p++)
            assert_true(*p >= 0x20 && *p < 0x7f);
        line = nl + 1;
    }
    assert_int_equal(rows, 8);
    ps_buf_fini(&b);

    /* an infeasible schedule: the summary says why, no chart */
    s->solver.status = PS_SOLVE_INFEASIBLE;
    snprintf(s->solver.error, sizeof s->solver.error, "needs 9 units");
    ps_compare_row_from(&r, s);
    assert_true(isnan(r.makespan_ms));
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_text(s, 72, &b), PS_OK);
    assert_non_null(strstr(b.data, "no schedule: needs 9 units"));
    assert_null(strstr(b.data, " |"));
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* GeoPipe's "bubble ratio reduced by X%" against a baseline, per group. */
static void test_baseline(void **state)
{
    (void)state;
    struct ps_compare_row rows[3] = {row("1f1b", 200, 8, true), row("greedy", 150, 8, true),
                                     row("optimal", NAN, NAN, false)};
    rows[0].bubble_ratio = 0.5;
    ps_compare_baseline(rows, 3, "1f1b");
    assert_true(fabs(rows[1].bubble_reduction - 0.5) < 1e-15);
    assert_true(fabs(rows[1].makespan_reduction - 0.25) < 1e-15);
    assert_true(rows[0].bubble_reduction == 0 && rows[0].makespan_reduction == 0);
    assert_true(isnan(rows[2].bubble_reduction));
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_table(rows, 3, &b), PS_OK);
    assert_non_null(strstr(b.data, "bubble vs 1f1b  time vs 1f1b"));
    assert_non_null(strstr(b.data, "-50.0%        -25.0%"));
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_csv(rows, 3, &b), PS_OK);
    assert_non_null(strstr(b.data, ",baseline,bubble_reduction,makespan_reduction,bound_ms"));
    assert_non_null(strstr(b.data, BY ",1f1b,0.5,0.25" PROV("heuristic") "\r\n"));
    ps_buf_fini(&b);
}

/* Knees (seeds-others.md G5): bandwidths 50..800 with makespans 195, 147, 123, 121, 120: the
 * best is 120, within 5% means at most 126, reached first at 200. A flat line's knee is its
 * first value; a key that is not a number has none. */
static void test_knees(void **state)
{
    (void)state;
    static const double bw[] = {50, 100, 200, 400, 800}, ms[] = {195, 147, 123, 121, 120};
    struct ps_compare_row rows[10];
    for (int i = 0; i < 10; i++) {
        rows[i] = row(i < 5 ? "1f1b" : "gpipe", i < 5 ? ms[i] : 100, 1, true);
        rows[i].n_extra = 2;
        snprintf(rows[i].extra[0].key, sizeof rows[i].extra[0].key, "bw");
        snprintf(rows[i].extra[0].value, sizeof rows[i].extra[0].value, "%g", bw[i % 5]);
        snprintf(rows[i].extra[1].key, sizeof rows[i].extra[1].key, "link");
        snprintf(rows[i].extra[1].value, sizeof rows[i].extra[1].value, "metro");
    }
    ps_compare_knees(rows, 10, 0.05);
    for (int i = 0; i < 10; i++) {
        assert_true(rows[i].has_knee[0]);
        assert_string_equal(rows[i].knee[0], i < 5 ? "200" : "50");
        assert_false(rows[i].has_knee[1]);
    }
    ps_compare_knees(rows, 10, 0.2); /* within 20%: 147 <= 144 fails, so 200 still */
    assert_string_equal(rows[0].knee[0], "200");
    ps_compare_knees(rows, 10, 0.25); /* 147 <= 150 */
    assert_string_equal(rows[0].knee[0], "100");
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_csv(rows, 10, &b), PS_OK);
    assert_non_null(strstr(b.data, ",bw,link,knee:bw\r\n"));
    assert_non_null(strstr(b.data, ",50,metro,100\r\n"));
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_table(rows, 10, &b), PS_OK);
    assert_non_null(strstr(b.data, "knee:bw\n"));
    ps_buf_fini(&b);
}

/* One best rule for rows and for schedules: the fastest within the memory limit; a
 * faster schedule over the limit, an infeasible one and none at all are never best; ties
 * share it. */
static void test_best_rule(void **state)
{
    (void)state;
    struct ps_schedule s[5];
    memset(s, 0, sizeof s);
    const int64_t ms[5] = {30, 20, 25, 25, 10};
    const bool ok[5] = {true, false, true, true, true};
    for (int i = 0; i < 5; i++) {
        s[i].timed = true;
        s[i].makespan_ns = ms[i] * 1000000;
        s[i].memory_ok = ok[i];
    }
    s[4].solver.status = PS_SOLVE_INFEASIBLE;
    const struct ps_schedule *p[6] = {&s[0], &s[1], &s[2], &s[3], &s[4], NULL};
    bool best[6];
    ps_schedule_best(p, 6, best);
    const bool want[6] = {false, false, true, true, false, false};
    for (int i = 0; i < 6; i++)
        assert_int_equal(best[i], want[i]);
    /* the rows' rule says the same */
    struct ps_compare_row rows[4];
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < 4; i++) {
        snprintf(rows[i].scenario, sizeof rows[i].scenario, "x");
        rows[i].makespan_ms = (double)ms[i];
        rows[i].memory_ok = ok[i];
    }
    ps_compare_best(rows, 4, best);
    for (int i = 0; i < 4; i++)
        assert_int_equal(best[i], want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),       cmocka_unit_test(test_json),
        cmocka_unit_test(test_table),     cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_knees),     cmocka_unit_test(test_row_and_text),
        cmocka_unit_test(test_best_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
