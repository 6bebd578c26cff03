/* PyTorch interop: a schedule written as torch.distributed.pipelining's action CSV and read
 * back gives the same makespan on every family (the lowered form always; the compute-only
 * form whenever the channels are first-come-first-served); compute-only columns keep
 * PyTorch's lockstep; lowered sends and receives pair up in one order per pair of ranks;
 * files as PyTorch's own dumper writes them load; bad files are refused with the rank and
 * step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sim.h"
#include "core/units.h"
#include "export/export.h"
#include "presets/presets.h"
#include "solvers/solver.h"

static struct ps_schedule *run(const struct ps_scenario *sc, const char *name, const char *kv)
{
    struct ps_params p;
    memset(&p, 0, sizeof p);
    struct ps_diag d;
    ps_diag_clear(&d);
    /* "k=v,k=v" */
    char buf[128];
    snprintf(buf, sizeof buf, "%s", kv ? kv : "");
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
        assert_int_equal(ps_params_parse_kv(&p, tok, &d), PS_OK);
    struct ps_schedule *s = NULL;
    assert_int_equal(ps_solver_run(ps_solver_find(name), sc, &p, NULL, &s, &d), PS_OK);
    assert_true(s->timed);
    return s;
}

/* Writes s as a torch CSV and reads it back on its scenario, timed. */
static struct ps_schedule *round_trip(const struct ps_schedule *s, bool lowered, char **text,
                                      struct ps_torch_info *info)
{
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_torch(s, lowered, &b, NULL), PS_OK);
    assert_int_equal(ps_buf_append(&b, "", 1), PS_OK);
    assert_true(ps_torch_csv_looks_like(b.data, b.len - 1));
    struct ps_schedule *back = NULL;
    struct ps_diag d;
    enum ps_status st = ps_import_torch_csv(b.data, b.len - 1, s->sc, "back", &back, info, &d);
    if (st != PS_OK)
        fail_msg("%s: %s: %s", s->name, d.path, d.msg);
    st = ps_sim_run(back, &d);
    if (st != PS_OK)
        fail_msg("%s%s: %s: %s", s->name, lowered ? " lowered" : "", d.path, d.msg);
    *text = b.data;
    return back;
}

static const char *const presets[] = {"teaching", "crosspipe-fig8", "m8-2dc-lat0-bw2",
                                      "m8-2dc-lat2-bw0", "default"};
static const char *const families[][2] = {{"gpipe", NULL},
                                          {"1f1b", NULL},
                                          {"1f1b", "split_backward=true"},
                                          {"interleaved", NULL},
                                          {"interleaved", "chunks=3"},
                                          {"zb-h1", NULL},
                                          {"zb-h2", NULL},
                                          {"zb-v", NULL},
                                          {"1f1b-warmup", NULL},
                                          {"greedy", "n_sub=1"},
                                          {"greedy", "traversal=wave,n_sub=1"}};

/* The same makespan after the round trip, to the nanosecond; the table goes to stderr. */
static void test_round_trip_every_family(void **state)
{
    (void)state;
    fprintf(stderr, "%-16s %-28s %14s %14s %14s\n", "preset", "schedule", "pipescope_ms",
            "torch_ms", "lowered_ms");
    for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++) {
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(ps_preset_load(presets[p], &sc, &d), PS_OK);
        for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
            struct ps_schedule *s = run(&sc, families[f][0], families[f][1]);
            char *t1, *t2;
            struct ps_torch_info i1, i2;
            struct ps_schedule *plain = round_trip(s, false, &t1, &i1);
            struct ps_schedule *low = round_trip(s, true, &t2, &i2);
            char label[64];
            snprintf(label, sizeof label, "%s%s%s", families[f][0], families[f][1] ? " " : "",
                     families[f][1] ? families[f][1] : "");
            fprintf(stderr, "%-16s %-28s %14.6f %14.6f %14.6f\n", presets[p], label,
                    ps_ns_to_ms(s->makespan_ns), ps_ns_to_ms(plain->makespan_ns),
                    ps_ns_to_ms(low->makespan_ns));
            assert_false(i1.lowered);
            assert_true(i2.lowered);
            assert_int_equal(i1.chunks, s->chunks);
            assert_int_equal(i1.traversal, s->traversal);
            /* The lowered form carries every channel order pipescope chose. */
            assert_int_equal(low->makespan_ns, s->makespan_ns);
            /* Without channel orders, first-come-first-served channels: exact for the
             * schedules that use them. */
            if (s->xfer_rank == NULL)
                assert_int_equal(plain->makespan_ns, s->makespan_ns);
            /* The device orders come back as they were. */
            for (int dv = 0; dv < s->n_stages; dv++) {
                assert_int_equal(plain->dev_n[dv], s->dev_n[dv]);
                for (size_t k = 0; k < s->dev_n[dv]; k++) {
                    assert_int_equal(plain->dev_ops[dv][k].kind, s->dev_ops[dv][k].kind);
                    assert_int_equal(plain->dev_ops[dv][k].microbatch,
                                     s->dev_ops[dv][k].microbatch);
                    assert_int_equal(plain->dev_ops[dv][k].chunk, s->dev_ops[dv][k].chunk);
                }
            }
            free(t1);
            free(t2);
            ps_schedule_free(plain);
            ps_schedule_free(low);
            ps_schedule_free(s);
        }
        ps_scenario_fini(&sc);
    }
}

/* The optimal solver's orders (channel orders included) on a small case. */
static void test_round_trip_optimal(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("crosspipe-fig8", &sc, &d), PS_OK);
    struct ps_schedule *s = run(&sc, "optimal", "node_limit=1,time_limit=86400");
    char *t;
    struct ps_torch_info info;
    struct ps_schedule *low = round_trip(s, true, &t, &info);
    fprintf(stderr, "crosspipe-fig8 optimal (%s): pipescope %.6f ms, lowered torch %.6f ms\n",
            ps_solve_status_str(s->solver.status), ps_ns_to_ms(s->makespan_ns),
            ps_ns_to_ms(low->makespan_ns));
    assert_int_equal(low->makespan_ns, s->makespan_ns);
    free(t);
    ps_schedule_free(low);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* Splits the row `r` (0-based) of a CSV into its cells; returns the count. */
static int row_cells(const char *text, int r, char cells[][24], int max)
{
    const char *p = text;
    for (int i = 0; i < r; i++)
        p = strchr(p, '\n') + 1;
    int n = 0;
    for (;;) {
        size_t len = strcspn(p, ",\r\n");
        if (n < max) {
            snprintf(cells[n], 24, "%.*s", (int)len, p);
            n++;
        }
        if (p[len] != ',')
            break;
        p += len + 1;
    }
    return n;
}

/* Compute-only: an action on another rank than its input's comes in a later column. */
static void test_lockstep_columns(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("crosspipe-fig8", &sc, &d), PS_OK);
    struct ps_schedule *s = run(&sc, "zb-v", NULL);
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_torch(s, false, &b, NULL), PS_OK);
    assert_int_equal(ps_buf_append(&b, "", 1), PS_OK);
    static char cells[4][512][24];
    int n[4];
    for (int r = 0; r < 4; r++)
        n[r] = row_cells(b.data, r, cells[r], 512);
    int checked = 0;
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < n[r]; c++) {
            int v, m;
            char k;
            if (sscanf(cells[r][c], "%d%c%d", &v, &k, &m) != 3 || (k != 'F' && k != 'I'))
                continue;
            int from = k == 'F' ? v - 1 : v + 1;
            if (from < 0 || from >= 8)
                continue;
            int rf = ps_vstage_device(from, 4, 2, PS_TRAVERSAL_WAVE);
            if (rf == r)
                continue;
            char want[24];
            snprintf(want, sizeof want, "%d%c%d", from, k, m);
            int col = -1;
            for (int c2 = 0; c2 < n[rf]; c2++)
                if (strcmp(cells[rf][c2], want) == 0)
                    col = c2;
            assert_true(col >= 0);
            assert_true(col < c);
            checked++;
        }
    assert_true(checked > 20);
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* Lowered: between two ranks, the sends of one and the receives of the other come in one
 * order (NCCL matches them in order). */
static void test_lowered_pairs(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("default", &sc, &d), PS_OK);
    struct ps_schedule *s = run(&sc, "greedy", "traversal=wave,n_sub=1");
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_torch(s, true, &b, NULL), PS_OK);
    assert_int_equal(ps_buf_append(&b, "", 1), PS_OK);
    int S = sc.n_stages;
    static char cells[8][2048][24];
    int n[8];
    for (int r = 0; r < S; r++)
        n[r] = row_cells(b.data, r, cells[r], 2048);
    int pairs = 0;
    for (int a = 0; a < S; a++)
        for (int c = 0; c < S; c++) {
            if (a == c)
                continue;
            /* sends a -> c, as "KIND MB STAGE-OF-RECEIVER" */
            char sends[512][24], recvs[512][24];
            int ns = 0, nr = 0;
            for (int i = 0; i < n[a]; i++) {
                int v, m;
                char kind;
                if (sscanf(cells[a][i], "%dSEND_%c%d", &v, &kind, &m) != 3)
                    continue;
                int to = kind == 'F' ? v + 1 : v - 1;
                if (ps_vstage_device(to, S, 2, PS_TRAVERSAL_WAVE) == c)
                    snprintf(sends[ns++], 24, "%c%d@%d", kind, m, to);
            }
            for (int i = 0; i < n[c]; i++) {
                int v, m;
                char kind;
                if (sscanf(cells[c][i], "%dRECV_%c%d", &v, &kind, &m) != 3)
                    continue;
                int from = kind == 'F' ? v - 1 : v + 1;
                if (ps_vstage_device(from, S, 2, PS_TRAVERSAL_WAVE) == a)
                    snprintf(recvs[nr++], 24, "%c%d@%d", kind, m, v);
            }
            assert_int_equal(ns, nr);
            for (int i = 0; i < ns; i++)
                assert_string_equal(sends[i], recvs[i]);
            pairs += ns > 0;
        }
    assert_true(pairs >= 2 * (S - 1));
    /* every stage's gradient reduction once, after its last backward */
    size_t reduce = 0;
    for (const char *p = b.data; (p = strstr(p, "REDUCE_GRAD")) != NULL; p++)
        reduce++;
    assert_int_equal(reduce, (size_t)ps_schedule_vstages(s));
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    const char *root = getenv("PS_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/unit/data/torch/%s", root ? root : ".", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Files as PyTorch writes them (ScheduleInterleaved1F1B, 4 ranks x 2 stages, 8
 * microbatches; tests/unit/data/torch/make_fixtures.py): its orders are Megatron's, so on
 * the teaching pipeline they run exactly as pipescope's interleaved. */
static void test_pytorch_dumps(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("teaching", &sc, &d), PS_OK);
    struct ps_schedule *ref = run(&sc, "interleaved", NULL);
    const char *files[] = {"interleaved_4x2_8mb.compute.csv", "interleaved_4x2_8mb.comms.csv"};
    for (int i = 0; i < 2; i++) {
        size_t len;
        char *text = slurp(files[i], &len);
        assert_true(ps_torch_csv_looks_like(text, len));
        struct ps_schedule *s = NULL;
        struct ps_torch_info info;
        enum ps_status st = ps_import_torch_csv(text, len, &sc, "pt", &s, &info, &d);
        if (st != PS_OK)
            fail_msg("%s: %s: %s", files[i], d.path, d.msg);
        assert_int_equal(info.n_ranks, 4);
        assert_int_equal(info.chunks, 2);
        assert_int_equal(info.traversal, PS_TRAVERSAL_LOOP);
        assert_false(info.split);
        assert_int_equal(info.n_actions, 2 * 2 * 8 * 4);
        assert_int_equal(info.lowered, i == 1);
        assert_true(i == 0 || info.skipped > 0); /* UNSHARD, RESHARD, REDUCE_GRAD */
        assert_int_equal(ps_sim_run(s, &d), PS_OK);
        assert_int_equal(s->makespan_ns, ref->makespan_ns);
        assert_int_equal(ps_schedule_validate(s, &d, NULL), PS_OK);
        ps_schedule_free(s);
    }
    ps_schedule_free(ref);
    ps_scenario_fini(&sc);
}

static void test_bad_files(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("teaching", &sc, &d), PS_OK);
    static const struct {
        const char *text, *path, *msg;
        enum ps_status st;
    } cases[] = {
        {"0F0\r\n1F0\r\n", "", "2 rows (ranks), but the scenario has 4 stages", PS_EINVAL},
        {"0F0,0X1\r\n\r\n\r\n\r\n", "rank 0, step 1", "'0X1' is not an action", PS_EPARSE},
        {"0F0,0F1x\r\n\r\n\r\n\r\n", "rank 0, step 1", "is not an action", PS_EPARSE},
        {"0F9\r\n1F0\r\n2F0\r\n3F0\r\n", "rank 0", "microbatch 9 of stage 0", PS_EINVAL},
        {"1F0\r\n0F0\r\n2F0\r\n3F0\r\n", "", "neither in a loop", PS_EINVAL},
        {"0F0,0F0\r\n1F0\r\n2F0\r\n3F0\r\n", "", "stage indices", PS_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ps_schedule *s = NULL;
        struct ps_torch_info info;
        enum ps_status st =
            ps_import_torch_csv(cases[i].text, strlen(cases[i].text), &sc, "bad", &s, &info, &d);
        if (st == PS_OK) {
            /* Some mistakes only the simulator's order check sees. */
            st = ps_sim_run(s, &d);
            ps_schedule_free(s);
            assert_int_not_equal(st, PS_OK);
            continue;
        }
        if (st != cases[i].st || strcmp(d.path, cases[i].path) != 0 ||
            strstr(d.msg, cases[i].msg) == NULL)
            fail_msg("case %zu: got %d '%s: %s'", i, st, d.path, d.msg);
        assert_null(s);
    }
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_family), cmocka_unit_test(test_round_trip_optimal),
        cmocka_unit_test(test_lockstep_columns),        cmocka_unit_test(test_lowered_pairs),
        cmocka_unit_test(test_pytorch_dumps),           cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
