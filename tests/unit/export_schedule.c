/* Schedule files: JSON written, read back and written again is the same text; the import
 * keeps every op and transfer time; CSV parses back with libcsv; bad files name the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <csv.h>

#include "core/sim.h"
#include "core/units.h"
#include "export/export.h"
#include "presets/presets.h"

/* 1F1B order on every device; in a split schedule each B is followed by its W. */
static struct ps_schedule *one_f_one_b(const struct ps_scenario *sc, bool split)
{
    struct ps_schedule *s =
        ps_schedule_new(sc, split ? "1f1b-split" : "1f1b", 1, PS_TRAVERSAL_LOOP, split);
    assert_non_null(s);
    int S = sc->n_stages, M = sc->n_microbatches;
    for (int d = 0; d < S; d++) {
        int warm = S - d - 1 < M ? S - d - 1 : M, f = 0, b = 0;
        for (; f < warm; f++)
            assert_int_equal(ps_schedule_push(s, d, PS_OP_F, 0, f), PS_OK);
        while (b < M) {
            if (f < M)
                assert_int_equal(ps_schedule_push(s, d, PS_OP_F, 0, f++), PS_OK);
            assert_int_equal(ps_schedule_push(s, d, PS_OP_B, 0, b), PS_OK);
            if (split && ps_schedule_has_w(s, d))
                assert_int_equal(ps_schedule_push(s, d, PS_OP_W, 0, b), PS_OK);
            b++;
        }
    }
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    return s;
}

/* A scenario with every optional part: two DCs, a slow asymmetric link, per-stage
 * times, data parallel, per-microbatch scales and a memory limit. */
static const char rich_json[] =
    "{ \"format\": \"pipescope-scenario/1\", \"name\": \"rich, \\\"quoted\\\"\",\n"
    "  \"stages\": 4, \"microbatches\": 6,\n"
    "  \"datacenters\": [ {\"name\": \"east\", \"stages\": 2},\n"
    "                    {\"name\": \"west\", \"stages\": 2, \"compute_scale\": 1.25} ],\n"
    "  \"compute\": { \"forward_ms\": 1.5, \"backward_ms\": 2.25, \"weight_ms\": 0.75,\n"
    "    \"per_stage\": [ {\"forward_ms\": 1.5}, {}, {\"backward_ms\": 3.1}, {} ] },\n"
    "  \"activation_mb\": 12.5,\n"
    "  \"network\": { \"intra_dc\": {\"latency_ms\": 0.01, \"bandwidth_gbps\": 400},\n"
    "               \"inter_dc\": {\"latency_ms\": 2, \"bandwidth_gbps\": 50},\n"
    "               \"pairs\": [ {\"from\": \"west\", \"to\": \"east\", \"latency_ms\": 3} ] },\n"
    "  \"memory\": { \"limit\": 4, \"weight_share\": 0.4 },\n"
    "  \"data_parallel\": { \"allgather_ms\": 0.5, \"reduce_scatter_ms\": 0.7 },\n"
    "  \"per_microbatch\": [ {}, {\"compute_scale\": 1.1}, {\"activation_scale\": 0.5}, {},\n"
    "                      {\"memory_scale\": 2}, {} ] }\n";

static void load_rich(struct ps_scenario *sc)
{
    struct ps_diag d;
    enum ps_status st = ps_scenario_parse(rich_json, strlen(rich_json), sc, &d);
    if (st != PS_OK)
        fail_msg("rich scenario: %s: %s", d.path, d.msg);
}

static char *export_json(const struct ps_schedule *s)
{
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_json(s, &b), PS_OK);
    return b.data;
}

static void check_same_times(const struct ps_schedule *a, const struct ps_schedule *b)
{
    assert_int_equal(a->n_stages, b->n_stages);
    for (int d = 0; d < a->n_stages; d++) {
        assert_int_equal(a->dev_n[d], b->dev_n[d]);
        for (size_t i = 0; i < a->dev_n[d]; i++) {
            const struct ps_op *x = &a->dev_ops[d][i], *y = &b->dev_ops[d][i];
            assert_int_equal(x->kind, y->kind);
            assert_int_equal(x->microbatch, y->microbatch);
            assert_int_equal(x->chunk, y->chunk);
            assert_int_equal(x->start_ns, y->start_ns);
            assert_int_equal(x->end_ns, y->end_ns);
        }
        assert_int_equal(a->dp_n[d], b->dp_n[d]);
        for (size_t i = 0; i < a->dp_n[d]; i++) {
            assert_int_equal(a->dp_ops[d][i].kind, b->dp_ops[d][i].kind);
            assert_int_equal(a->dp_ops[d][i].start_ns, b->dp_ops[d][i].start_ns);
            assert_int_equal(a->dp_ops[d][i].end_ns, b->dp_ops[d][i].end_ns);
        }
    }
    assert_int_equal(a->n_transfers, b->n_transfers);
    for (size_t i = 0; i < a->n_transfers; i++) {
        const struct ps_transfer *x = &a->transfers[i], *y = &b->transfers[i];
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->from_stage, y->from_stage);
        assert_int_equal(x->to_stage, y->to_stage);
        assert_int_equal(x->microbatch, y->microbatch);
        assert_int_equal(x->ready_ns, y->ready_ns);
        assert_int_equal(x->start_ns, y->start_ns);
        assert_int_equal(x->end_ns, y->end_ns);
        assert_int_equal(x->arrive_ns, y->arrive_ns);
        assert_int_equal(x->channel, y->channel);
    }
    assert_int_equal(a->makespan_ns, b->makespan_ns);
}

static void roundtrip(bool split)
{
    struct ps_scenario sc;
    load_rich(&sc);
    struct ps_schedule *s = one_f_one_b(&sc, split);
    s->solver.solve_ms = 0.123457;
    ps_schedule_set_param(s, "exact", "true");
    ps_schedule_set_param(s, "order", "1f1b");
    ps_schedule_set_param(s, "slack", "2.5");
    char *text = export_json(s);

    struct ps_loaded_schedule ls;
    struct ps_recorded_metrics rec;
    struct ps_diag d;
    enum ps_status st = ps_import_schedule_json(text, strlen(text), &ls, &rec, &d);
    if (st != PS_OK)
        fail_msg("import: %s: %s (line %d)", d.path, d.msg, d.line);
    check_same_times(s, ls.sched);
    assert_true(rec.makespan_ms * 1e6 - (double)s->makespan_ns < 0.5);
    assert_int_equal(rec.memory_ok, s->memory_ok);
    assert_int_equal(ls.sched->split_backward, split);
    assert_string_equal(ls.sc.name, sc.name);

    /* written again after the metrics are recomputed: the very same file */
    assert_int_equal(ps_sim_metrics(ls.sched), PS_OK);
    char *again = export_json(ls.sched);
    assert_string_equal(text, again);
    free(again);
    free(text);
    ps_loaded_schedule_fini(&ls);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_json_roundtrip_combined(void **state)
{
    (void)state;
    roundtrip(false);
}

static void test_json_roundtrip_split(void **state)
{
    (void)state;
    roundtrip(true);
}

static void test_json_has_spec_fields(void **state)
{
    (void)state;
    struct ps_scenario sc;
    load_rich(&sc);
    struct ps_schedule *s = one_f_one_b(&sc, true);
    char *text = export_json(s);
    const char *keys[] = {"\"format\": \"pipescope-schedule/1\"",
                          "\"generator\": { \"name\": \"pipescope\", \"version\": \"",
                          "\"scenario\": {",
                          "\"schedule\": \"1f1b-split\"",
                          "\"chunks\": 1",
                          "\"traversal\": \"loop\"",
                          "\"status\": \"heuristic\"",
                          "\"bound_ms\": null",
                          "\"gap\": null",
                          "\"split_backward\": true",
                          "\"makespan_ms\": ",
                          "\"bubble_ratio\": ",
                          "\"lower_bound_ms\": ",
                          "\"peak_memory\": [",
                          "\"memory_limit\": 4",
                          "\"memory_ok\": ",
                          "{ \"kind\": \"F\", \"stage\": 0, \"chunk\": 0, \"microbatch\": 0, "
                          "\"part\": 0, \"parts\": 1, \"start_ms\": 0.5, \"end_ms\": 2 }",
                          "{ \"kind\": \"AG\", \"stage\": 0, \"chunk\": 0, \"microbatch\": -1",
                          "{ \"kind\": \"activation\", \"from_stage\": 0, \"to_stage\": 1, "
                          "\"chunk\": 0, \"microbatch\": 0, \"start_ms\": 2, \"end_ms\": 2.25, "
                          "\"arrive_ms\": 2.26, \"channel\": \"stage 0->1\" }"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strstr(text, keys[i]) == NULL)
            fail_msg("missing in schedule JSON: %s", keys[i]);
    assert_null(strstr(text, "\"error\""));
    free(text);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_infeasible_roundtrip(void **state)
{
    (void)state;
    struct ps_scenario sc;
    load_rich(&sc);
    struct ps_schedule *s = ps_schedule_new(&sc, "optimal", 1, PS_TRAVERSAL_LOOP, true);
    s->solver.status = PS_SOLVE_INFEASIBLE;
    snprintf(s->solver.error, sizeof s->solver.error, "needs 6 units on stage 0, limit 4");
    char *text = export_json(s);
    assert_non_null(strstr(text, "\"status\": \"infeasible\""));
    assert_non_null(strstr(text, "\"makespan_ms\": null"));
    assert_non_null(strstr(text, "\"ops\": []"));
    assert_non_null(strstr(text, "\"error\": \"needs 6 units on stage 0, limit 4\""));
    struct ps_loaded_schedule ls;
    struct ps_diag d;
    assert_int_equal(ps_import_schedule_json(text, strlen(text), &ls, NULL, &d), PS_OK);
    assert_int_equal(ls.sched->solver.status, PS_SOLVE_INFEASIBLE);
    assert_false(ls.sched->timed);
    assert_string_equal(ls.sched->solver.error, s->solver.error);
    ps_loaded_schedule_fini(&ls);

    /* a solve cancelled before any schedule: the same shape, and it reads back untimed */
    s->solver.status = PS_SOLVE_CANCELLED;
    char *cancelled = export_json(s);
    assert_non_null(strstr(cancelled, "\"status\": \"cancelled\""));
    assert_non_null(strstr(cancelled, "\"makespan_ms\": null"));
    assert_int_equal(ps_import_schedule_json(cancelled, strlen(cancelled), &ls, NULL, &d), PS_OK);
    assert_int_equal(ls.sched->solver.status, PS_SOLVE_CANCELLED);
    assert_false(ls.sched->timed);
    ps_loaded_schedule_fini(&ls);
    free(cancelled);
    s->solver.status = PS_SOLVE_INFEASIBLE;

    /* its CSV is the header and the provenance, with the reason in the status */
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_csv(s, &b), PS_OK);
    assert_int_equal(ps_buf_append(&b, "", 1), PS_OK);
    assert_true(strncmp(b.data,
                        "record,kind,stage,chunk,microbatch,part,start_ms,end_ms,"
                        "from_stage,to_stage,arrive_ms,value\r\nmeta,pipescope,",
                        86) == 0);
    const char *status = strstr(b.data, "\r\nmeta,status,,,,,,,,,,");
    assert_non_null(status);
    assert_non_null(strstr(status, "infeasible"));
    assert_null(strstr(b.data, "compute,"));
    ps_buf_fini(&b);
    free(text);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* ---- CSV ------------------------------------------------------------------------------- */

struct csv_rows {
    int n_rows, field;
    int bad_width; /* rows that do not have 11 fields */
    char cur[12][64];
    char (*rows)[12][64];
    int cap;
};

static void on_field(void *s, size_t len, void *data)
{
    struct csv_rows *r = data;
    if (r->field < 12) {
        size_t n = len < 63 ? len : 63;
        memcpy(r->cur[r->field], s, n);
        r->cur[r->field][n] = '\0';
    }
    r->field++;
}

static void on_row(int c, void *data)
{
    (void)c;
    struct csv_rows *r = data;
    if (r->field != 12)
        r->bad_width++;
    if (r->n_rows == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->rows = realloc(r->rows, (size_t)r->cap * sizeof *r->rows);
    }
    memcpy(r->rows[r->n_rows++], r->cur, sizeof r->cur);
    r->field = 0;
    memset(r->cur, 0, sizeof r->cur);
}

static void test_csv_parses_back(void **state)
{
    (void)state;
    struct ps_scenario sc;
    load_rich(&sc);
    struct ps_schedule *s = one_f_one_b(&sc, true);
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_csv(s, &b), PS_OK);

    struct csv_parser p;
    struct csv_rows r;
    memset(&r, 0, sizeof r);
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL), 0);
    assert_int_equal(csv_parse(&p, b.data, b.len, on_field, on_row, &r), b.len);
    assert_int_equal(csv_fini(&p, on_field, on_row, &r), 0);
    csv_free(&p);

    size_t n_dp = 0;
    for (int d = 0; d < s->n_stages; d++)
        n_dp += s->dp_n[d];
    assert_true(n_dp > 0);
    assert_int_equal(r.bad_width, 0);
    int n_meta = 0;
    while (n_meta + 1 < r.n_rows && strcmp(r.rows[1 + n_meta][0], "meta") == 0)
        n_meta++;
    assert_true(n_meta >= 5); /* version, scenario, hash, schedule, status at least */
    assert_string_equal(r.rows[1][1], "pipescope");
    assert_int_equal((size_t)r.n_rows,
                     1 + (size_t)n_meta + ps_schedule_n_ops(s) + n_dp + s->n_transfers);
    assert_string_equal(r.rows[0][0], "record");
    assert_string_equal(r.rows[0][10], "arrive_ms");
    assert_string_equal(r.rows[0][11], "value");

    /* rows in file order: device 0's ops, ..., DP lanes, transfers */
    int row = 1 + n_meta;
    for (int d = 0; d < s->n_stages; d++)
        for (size_t i = 0; i < s->dev_n[d]; i++, row++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            assert_string_equal(r.rows[row][0], "compute");
            assert_string_equal(r.rows[row][1], ps_op_kind_str((enum ps_op_kind)op->kind));
            assert_int_equal(atoi(r.rows[row][2]), d);
            assert_int_equal(atoi(r.rows[row][4]), op->microbatch);
            assert_int_equal(ps_ms_to_ns(strtod(r.rows[row][6], NULL)), op->start_ns);
            assert_int_equal(ps_ms_to_ns(strtod(r.rows[row][7], NULL)), op->end_ns);
            assert_string_equal(r.rows[row][8], "");
            assert_string_equal(r.rows[row][10], "");
        }
    for (int d = 0; d < s->n_stages; d++)
        for (size_t i = 0; i < s->dp_n[d]; i++, row++) {
            assert_string_equal(r.rows[row][0], "dp");
            assert_string_equal(r.rows[row][4], "");
            assert_int_equal(ps_ms_to_ns(strtod(r.rows[row][7], NULL)), s->dp_ops[d][i].end_ns);
        }
    for (size_t i = 0; i < s->n_transfers; i++, row++) {
        const struct ps_transfer *t = &s->transfers[i];
        assert_string_equal(r.rows[row][0], "transfer");
        assert_string_equal(r.rows[row][1], ps_xfer_kind_str((enum ps_xfer_kind)t->kind));
        assert_string_equal(r.rows[row][2], "");
        assert_int_equal(atoi(r.rows[row][8]), t->from_stage);
        assert_int_equal(atoi(r.rows[row][9]), t->to_stage);
        assert_int_equal(ps_ms_to_ns(strtod(r.rows[row][10], NULL)), t->arrive_ns);
    }
    free(r.rows);
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* ---- bad files ---------------------------------------------------------------------------- */

/* A valid file of the teaching preset with 2 stages; each case replaces one piece. */
static char *valid_file(void)
{
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("teaching", &sc, &d), PS_OK);
    assert_int_equal(ps_scenario_set_path(&sc, "datacenters", "1+1", &d), PS_OK);
    assert_int_equal(ps_scenario_set_path(&sc, "microbatches", "2", &d), PS_OK);
    struct ps_schedule *s = one_f_one_b(&sc, false);
    char *text = export_json(s);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
    return text;
}

static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (at == NULL)
        fail_msg("test setup: '%s' not in the file", from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    size_t pre = (size_t)(at - text);
    memcpy(out, text, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    return out;
}

static void test_bad_files(void **state)
{
    (void)state;
    static const struct {
        const char *id, *from, *to, *path, *msg;
    } cases[] = {
        {"format", "pipescope-schedule/1", "pipescope-schedule/9", "format", "unsupported"},
        {"op-time-type", "\"start_ms\": 0,", "\"start_ms\": \"zero\",", "ops[0].start_ms",
         "must be a number (got string)"},
        {"op-stage-range", "\"kind\": \"F\", \"stage\": 0", "\"kind\": \"F\", \"stage\": 7",
         "ops[0].stage", "out of range (0..1)"},
        {"op-kind", "\"kind\": \"F\"", "\"kind\": \"X\"", "ops[0].kind", "unknown op kind"},
        {"op-end-before-start", "\"end_ms\": 1 }", "\"end_ms\": -1 }", "ops[0].end_ms",
         "must be >= start_ms"},
        {"op-missing", "\"microbatch\": 0, \"part\"", "\"part\"", "ops[0].microbatch", "missing"},
        {"xfer-kind", "\"kind\": \"activation\"", "\"kind\": \"push\"", "transfers[0].kind",
         "activation"},
        {"xfer-dest", "\"from_stage\": 0, \"to_stage\": 1", "\"from_stage\": 0, \"to_stage\": 0",
         "transfers[0].to_stage", "must be 1"},
        {"chunks", "\"chunks\": 1", "\"chunks\": 17", "chunks", "out of range"},
        {"traversal", "\"traversal\": \"loop\"", "\"traversal\": \"zigzag\"", "traversal", "loop"},
        {"wave-chunks", "\"traversal\": \"loop\"", "\"traversal\": \"wave\"", "chunks", "wave"},
        {"status", "\"status\": \"heuristic\",\n    \"objective_ms\"",
         "\"status\": \"great\",\n    \"objective_ms\"", "solver.status", "unknown status"},
        {"makespan", "\"makespan_ms\": ", "\"makespan_ms\": null, \"x\": ", "makespan_ms",
         "got null"},
        {"scenario", "\"stages\": 2", "\"stages\": 2.5", "scenario.stages", "integer"},
        {"scenario-unknown", "\"activation_mb\"", "\"activation_MB\"", "scenario.activation_MB",
         "unknown field"},
        {"ops-type", "\"ops\": [", "\"ops\": {}, \"x\": [", "ops", "must be an array"},
        {"huge-time", "\"start_ms\": 0,", "\"start_ms\": 1e300,", "ops[0].start_ms",
         "out of range"},
    };
    char *good = valid_file();
    struct ps_loaded_schedule ls;
    struct ps_diag d;
    assert_int_equal(ps_import_schedule_json(good, strlen(good), &ls, NULL, &d), PS_OK);
    ps_loaded_schedule_fini(&ls);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *bad = replace(good, cases[i].from, cases[i].to);
        enum ps_status st = ps_import_schedule_json(bad, strlen(bad), &ls, NULL, &d);
        if (st == PS_OK)
            fail_msg("case %s: accepted", cases[i].id);
        assert_null(ls.sched);
        if (strcmp(d.path, cases[i].path) != 0 || strstr(d.msg, cases[i].msg) == NULL)
            fail_msg("case %s: got '%s: %s', want '%s: ...%s...'", cases[i].id, d.path, d.msg,
                     cases[i].path, cases[i].msg);
        free(bad);
    }
    /* broken JSON: line and column */
    char *broken = replace(good, "\"chunks\": 1,", "\"chunks\": 1,,");
    assert_int_equal(ps_import_schedule_json(broken, strlen(broken), &ls, NULL, &d), PS_EPARSE);
    assert_true(d.line > 1);
    assert_true(d.column > 1);
    free(broken);
    assert_int_equal(ps_import_schedule_json("", 0, &ls, NULL, &d), PS_EPARSE);
    assert_int_equal(ps_import_schedule_json("[]", 2, &ls, NULL, &d), PS_EINVAL);
    free(good);
}

/* The streaming reader of ops and transfers reads any valid JSON the same way cJSON would:
 * escapes, member order, unknown and nested members, a byte order mark. */
static void test_reader_accepts_json(void **state)
{
    (void)state;
    char *good = valid_file();
    struct ps_loaded_schedule ref, ls;
    struct ps_diag d;
    assert_int_equal(ps_import_schedule_json(good, strlen(good), &ref, NULL, &d), PS_OK);

    /* ops moved in front of everything, escaped keys and values, unknown members */
    const char *ops = strstr(good, "  \"ops\": [");
    const char *xfers = strstr(good, "  \"transfers\": [");
    assert_non_null(ops);
    assert_non_null(xfers);
    size_t n_ops = (size_t)(xfers - ops);
    char *moved = malloc(strlen(good) + 64);
    strcpy(moved, "\xEF\xBB\xBF{\n");
    strncat(moved, ops, n_ops);
    strncat(moved, good + 2, (size_t)(ops - good - 2));
    strcat(moved, xfers);
    char *esc = replace(moved, "{ \"kind\": \"F\"",
                        "{ \"x\": {\"kind\": [1, {\"a\": null}]}, \"\\u006bind\": \"\\u0046\"");
    char *esc2 = replace(esc, "\"from_stage\"", "\"note\": \"\\ud83d\\ude00\", \"from_stage\"");
    if (ps_import_schedule_json(esc2, strlen(esc2), &ls, NULL, &d) != PS_OK)
        fail_msg("reordered file: %s: %s (%d:%d)", d.path, d.msg, d.line, d.column);
    check_same_times(ref.sched, ls.sched);
    ps_loaded_schedule_fini(&ls);
    free(moved);
    free(esc);
    free(esc2);

    /* a second "ops" member is ignored (the first counts, as with cJSON lookups) */
    char *dup = replace(good, "  \"transfers\": [", "  \"ops\": 7,\n  \"transfers\": [");
    assert_int_equal(ps_import_schedule_json(dup, strlen(dup), &ls, NULL, &d), PS_OK);
    ps_loaded_schedule_fini(&ls);
    free(dup);

    /* an element that is not an object, and broken JSON inside the big arrays */
    char *notobj = replace(good, "\"ops\": [\n", "\"ops\": [\n    3,\n");
    assert_int_equal(ps_import_schedule_json(notobj, strlen(notobj), &ls, NULL, &d), PS_EINVAL);
    assert_string_equal(d.path, "ops[0]");
    assert_string_equal(d.msg, "must be an object (got number)");
    free(notobj);
    static const char *const broken[][2] = {
        {"\"start_ms\": 0,", "\"start_ms\": 0.,"}, {"\"start_ms\": 0,", "\"start_ms\": 01,"},
        {"\"kind\": \"F\"", "\"kind\": \"F\\x\""}, {"\"kind\": \"F\"", "\"kind\": \"\\udc00\""},
        {"\"parts\": 1,", "\"parts\": 1,,"},       {"\"parts\": 1,", "\"parts\": tru,"},
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        char *bad = replace(good, broken[i][0], broken[i][1]);
        assert_int_equal(ps_import_schedule_json(bad, strlen(bad), &ls, NULL, &d), PS_EPARSE);
        const char *line = bad;
        for (int l = 1; l < d.line; l++)
            line = strchr(line, '\n') + 1;
        /* the position points into the changed op's line */
        if (strncmp(line, "    { \"kind\"", 12) != 0)
            fail_msg("broken case %zu: %d:%d is not on an op line", i, d.line, d.column);
        free(bad);
    }
    ps_loaded_schedule_fini(&ref);
    free(good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_roundtrip_combined), cmocka_unit_test(test_json_roundtrip_split),
        cmocka_unit_test(test_json_has_spec_fields),    cmocka_unit_test(test_infeasible_roundtrip),
        cmocka_unit_test(test_csv_parses_back),         cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_reader_accepts_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
