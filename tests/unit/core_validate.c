/* The independent checker accepts what the simulator produces and rejects tampered
 * schedules; the explanations and the critical path name what an op waited for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "tests/unit/core_sim_helpers.h"

#define MS(x) ((int64_t)llround((x)*1e6))

/* 2 DCs "east"/"west" of 2 stages, M = 8, F = 1, B = 1, W = 1; 1 MB messages, a 4 Gb/s
 * 1 ms link between the DCs (2 ms transmission), free links inside. */
static struct ps_schedule *timed(struct ps_scenario *sc, bool split,
                                 int (*build)(struct ps_schedule *))
{
    assert_int_equal(ps_scenario_make_uniform(sc, 2, 2, 8, 1, 1, 1), PS_OK);
    strcpy(sc->dcs[0].name, "east");
    strcpy(sc->dcs[1].name, "west");
    sc->activation_mb = 1;
    sc->inter_dc = (struct ps_link){1, 4};
    struct ps_schedule *s = ps_schedule_new(sc, "t", 1, PS_TRAVERSAL_LOOP, split);
    assert_int_equal(build(s), 0);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    return s;
}

static void expect_ok(const struct ps_schedule *s)
{
    struct ps_diag d;
    int n = -1;
    enum ps_status st = ps_schedule_validate(s, &d, &n);
    if (st != PS_OK)
        fail_msg("validate: %s: %s", d.path, d.msg);
    assert_int_equal(n, 0);
}

static void expect_bad(const struct ps_schedule *s, const char *path, const char *msg)
{
    struct ps_diag d;
    int n = 0;
    assert_int_equal(ps_schedule_validate(s, &d, &n), PS_EINVAL);
    assert_true(n >= 1);
    if (strstr(d.path, path) == NULL || strstr(d.msg, msg) == NULL)
        fail_msg("got \"%s: %s\", want \"%s\" / \"%s\"", d.path, d.msg, path, msg);
}

static void test_accepts_simulated(void **state)
{
    (void)state;
    int (*builds[])(struct ps_schedule *) = {build_gpipe, build_1f1b};
    for (int split = 0; split < 2; split++)
        for (int b = 0; b < 2; b++) {
            struct ps_scenario sc;
            struct ps_schedule *s = timed(&sc, split, builds[b]);
            expect_ok(s);
            ps_schedule_free(s);
            ps_scenario_fini(&sc);
            /* with data parallel, chunks, wave, parts, per-microbatch scales */
            assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 6, 1, 1, 0.5), PS_OK);
            sc.has_data_parallel = true;
            sc.allgather_ms = 2;
            sc.reduce_scatter_ms = 3;
            sc.activation_mb = 2;
            sc.inter_dc = (struct ps_link){0.5, 8};
            sc.intra_dc = (struct ps_link){0.1, 100};
            sc.per_microbatch = calloc(6, sizeof *sc.per_microbatch);
            for (int m = 0; m < 6; m++)
                sc.per_microbatch[m] = (struct ps_mb_scale){.compute_scale = 1 + 0.1 * m,
                                                            .activation_scale = m % 3 * 0.5,
                                                            .memory_scale = 1};
            for (int tr = 0; tr < 2; tr++) {
                s = ps_schedule_new(&sc, "t", 2, (enum ps_traversal)tr, split);
                assert_int_equal(build_gpipe_chunks(s), 0);
                struct ps_diag d;
                assert_int_equal(ps_sim_run(s, &d), PS_OK);
                expect_ok(s);
                ps_schedule_free(s);
            }
            ps_scenario_fini(&sc);
        }
}

static void test_rejects_tampered(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_schedule *s = timed(&sc, true, build_1f1b);
    expect_ok(s);

    /* shift an op earlier: it overlaps its predecessor and starts before its input */
    struct ps_op keep = s->dev_ops[2][3];
    s->dev_ops[2][3].start_ns -= MS(0.5);
    s->dev_ops[2][3].end_ns -= MS(0.5);
    expect_bad(s, "stage 2, op 3", "before");
    s->dev_ops[2][3] = keep;
    expect_ok(s);

    /* a wrong duration */
    s->dev_ops[1][0].end_ns += MS(0.25);
    expect_bad(s, "stage 1, op 0", "lasts 1.25 ms; the model says 1.0 ms");
    s->dev_ops[1][0].end_ns -= MS(0.25);

    /* break a transfer: a too short transmission */
    size_t xi = 0;
    while (s->transfers[xi].channel < 0)
        xi++;
    struct ps_transfer xk = s->transfers[xi];
    s->transfers[xi].end_ns -= MS(1);
    s->transfers[xi].arrive_ns -= MS(1);
    char path[32];
    snprintf(path, sizeof path, "transfers[%zu]", xi);
    expect_bad(s, path, "transmits for 1.0 ms; the link needs 2.0 ms");
    s->transfers[xi] = xk;
    /* a missing latency */
    s->transfers[xi].arrive_ns = s->transfers[xi].end_ns;
    expect_bad(s, path, "the latency is 1.0 ms");
    s->transfers[xi] = xk;
    /* a transfer removed */
    s->n_transfers--;
    struct ps_diag d;
    int n;
    assert_int_equal(ps_schedule_validate(s, &d, &n), PS_EINVAL);
    assert_non_null(strstr(d.msg, "no transfer record"));
    s->n_transfers++;
    expect_ok(s);

    /* memory over a limit the schedule does not flag */
    sc.has_memory_limit = true;
    sc.memory_limit = 2;
    expect_bad(s, "stage 0", "peak memory 4 units exceeds the limit 2");
    s->memory_ok = false; /* flagged as over the limit: a valid, shown schedule */
    expect_ok(s);
    sc.has_memory_limit = false;
    s->memory_ok = true;

    /* recorded makespan */
    s->makespan_ns += MS(1);
    expect_bad(s, "makespan_ms", "recorded");
    s->makespan_ns -= MS(1);

    /* microbatch order */
    struct ps_op t0 = s->dev_ops[3][0], t1 = s->dev_ops[3][3];
    int32_t mb = t0.microbatch;
    s->dev_ops[3][0].microbatch = t1.microbatch;
    s->dev_ops[3][3].microbatch = mb;
    assert_int_equal(ps_schedule_validate(s, &d, &n), PS_EINVAL);
    s->dev_ops[3][0] = t0;
    s->dev_ops[3][3] = t1;
    expect_ok(s);

    /* a missing op */
    s->dev_n[0]--;
    expect_bad(s, "stage 0", "is missing");
    s->dev_n[0]++;
    expect_ok(s);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_channel_overlap(void **state)
{
    (void)state;
    /* a hand-timed schedule: S = 2 across east/west, M = 2, every transfer on one channel
     * takes 2 ms; put both activations on the channel at the same time */
    struct ps_scenario sc;
    struct ps_schedule *s = timed(&sc, false, build_gpipe);
    expect_ok(s);
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < s->n_transfers; i++) {
        struct ps_transfer *x = &s->transfers[i];
        if (x->channel < 0 || x->kind != PS_XFER_ACTIVATION)
            continue;
        if (first == SIZE_MAX) {
            first = i;
            continue;
        }
        /* x is microbatch 1's activation: make it overlap microbatch 0's by moving it
         * 1 ms earlier (its consumer starts later anyway) */
        x->start_ns -= MS(1);
        x->end_ns -= MS(1);
        x->arrive_ns -= MS(1);
        char path[32];
        snprintf(path, sizeof path, "transfers[%zu]", i);
        struct ps_diag d;
        int n;
        assert_int_equal(ps_schedule_validate(s, &d, &n), PS_EINVAL);
        assert_string_equal(d.path, path);
        assert_non_null(strstr(d.msg, "transmits on east->west from"));
        break;
    }
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_explain(void **state)
{
    (void)state;
    struct ps_scenario sc;
    /* 1F1B, combined, latency 2 ms only between the DCs: stage 1's B of microbatch 0
     * waits for the gradient from stage 2 */
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 4, 1, 2, 0), PS_OK);
    strcpy(sc.dcs[0].name, "east");
    strcpy(sc.dcs[1].name, "west");
    sc.inter_dc.latency_ms = 2;
    sc.activation_mb = 1;
    sc.inter_dc.bandwidth_gbps = 8; /* 1 ms */
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
    assert_int_equal(build_1f1b(s), 0);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    char buf[320];
    ps_sim_explain(s, 0, 0, buf, sizeof buf);
    assert_string_equal(buf, "started at time 0, the first op of the stage");
    ps_sim_explain(s, 0, 1, buf, sizeof buf);
    assert_string_equal(buf, "started right after the previous op (F of microbatch 0 (chunk 0))");
    /* stage 2's first F: F0 ends at 1 on stage 0, at 2 on stage 1, +1 ms transmission,
     * +2 ms latency: starts at 5, waited 5 ms */
    ps_sim_explain(s, 2, 0, buf, sizeof buf);
    assert_string_equal(buf, "waited 5.0 ms for activation of microbatch 0 from stage 1 over "
                             "east->west");
    /* stage 1's B of microbatch 0 (index 3 in its order: F0 F1 F2 B0) waits for the
     * gradient from stage 2 over west->east */
    assert_int_equal(s->dev_ops[1][3].kind, PS_OP_B);
    ps_sim_explain(s, 1, 3, buf, sizeof buf);
    assert_non_null(strstr(buf, "for gradient of microbatch 0 from stage 2 over west->east"));
    assert_int_equal(strncmp(buf, "waited ", 7), 0);

    /* critical path: ends at the makespan, passes the boundary */
    bool *rows[4];
    for (int i = 0; i < 4; i++)
        rows[i] = calloc(s->dev_n[i], sizeof *rows[i]);
    size_t n = ps_sim_critical_path(s, rows);
    assert_true(n >= 4);
    /* the last op of stage 0 ends the makespan and is on the path; so is F0 of stage 0 */
    assert_int_equal(s->dev_ops[0][s->dev_n[0] - 1].end_ns, s->makespan_ns);
    assert_true(rows[0][s->dev_n[0] - 1]);
    assert_true(rows[0][0]);
    size_t count = 0;
    int64_t busy_on_path = 0;
    for (int i = 0; i < 4; i++)
        for (size_t j = 0; j < s->dev_n[i]; j++)
            if (rows[i][j]) {
                count++;
                busy_on_path += s->dev_ops[i][j].dur_ns;
            }
    assert_int_equal(count, n);
    /* the path's compute plus its waits cover the makespan: compute alone is less */
    assert_true(busy_on_path <= s->makespan_ns);
    for (int i = 0; i < 4; i++)
        free(rows[i]);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_critical_path_no_comm(void **state)
{
    (void)state;
    /* without communication the GPipe critical path has no gaps: its compute adds up to
     * the makespan */
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 2, 0), PS_OK);
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
    assert_int_equal(build_gpipe(s), 0);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    bool *rows[4];
    for (int i = 0; i < 4; i++)
        rows[i] = calloc(s->dev_n[i], sizeof *rows[i]);
    ps_sim_critical_path(s, rows);
    int64_t sum = 0;
    for (int i = 0; i < 4; i++)
        for (size_t j = 0; j < s->dev_n[i]; j++)
            if (rows[i][j])
                sum += s->dev_ops[i][j].dur_ns;
    assert_int_equal(sum, s->makespan_ns);
    for (int i = 0; i < 4; i++)
        free(rows[i]);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_explain_allgather(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 2, 2, 1, 1, 0), PS_OK);
    sc.has_data_parallel = true;
    sc.allgather_ms = 3;
    sc.reduce_scatter_ms = 1;
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
    assert_int_equal(build_gpipe(s), 0);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    char buf[256];
    ps_sim_explain(s, 0, 0, buf, sizeof buf);
    assert_string_equal(buf, "waited 3.0 ms for the all-gather of chunk 0");
    /* stage 1's F0: its all-gather ended at 3, its input arrives at 4 */
    ps_sim_explain(s, 1, 0, buf, sizeof buf);
    assert_string_equal(buf, "waited 4.0 ms for activation of microbatch 0 from stage 0");
    expect_ok(s);
    /* the lane: an RS moved before the last B is caught */
    s->dp_ops[0][1].start_ns -= MS(2);
    s->dp_ops[0][1].end_ns -= MS(2);
    expect_bad(s, "stage 0, data-parallel op 1", "before the chunk's last B ends");
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_critical_path_queues(void **state)
{
    (void)state;
    /* with 2 ms transmissions GPipe's gradients queue on the link: the path still runs
     * from time 0 to the makespan through the channel queue, every op on it */
    for (int b = 0; b < 2; b++) {
        struct ps_scenario sc;
        assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 8, 1, 2, 0), PS_OK);
        sc.activation_mb = 1;
        sc.inter_dc.bandwidth_gbps = 4;
        struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
        assert_int_equal((b ? build_1f1b : build_gpipe)(s), 0);
        struct ps_diag d;
        assert_int_equal(ps_sim_run(s, &d), PS_OK);
        assert_int_equal(s->makespan_ns, MS(b ? 49 : 44));
        bool *rows[4];
        for (int i = 0; i < 4; i++)
            rows[i] = calloc(s->dev_n[i], sizeof *rows[i]);
        size_t n = ps_sim_critical_path(s, rows);
        int64_t first = INT64_MAX, last = 0;
        for (int i = 0; i < 4; i++)
            for (size_t j = 0; j < s->dev_n[i]; j++)
                if (rows[i][j]) {
                    if (s->dev_ops[i][j].start_ns < first)
                        first = s->dev_ops[i][j].start_ns;
                    if (s->dev_ops[i][j].end_ns > last)
                        last = s->dev_ops[i][j].end_ns;
                }
        assert_true(n > 8);
        assert_int_equal(first, 0);
        assert_int_equal(last, s->makespan_ns);
        for (int i = 0; i < 4; i++)
            free(rows[i]);
        ps_schedule_free(s);
        ps_scenario_fini(&sc);
    }
}

/* Ops of the critical path: the earliest start and the latest end on it. */
static void path_span(const struct ps_schedule *s, int64_t *first, int64_t *last)
{
    bool *rows[PS_MAX_STAGES];
    for (int i = 0; i < s->n_stages; i++)
        rows[i] = calloc(s->dev_n[i] + 1, sizeof *rows[i]);
    ps_sim_critical_path(s, rows);
    *first = INT64_MAX;
    *last = 0;
    for (int i = 0; i < s->n_stages; i++) {
        for (size_t j = 0; j < s->dev_n[i]; j++)
            if (rows[i][j]) {
                if (s->dev_ops[i][j].start_ns < *first)
                    *first = s->dev_ops[i][j].start_ns;
                if (s->dev_ops[i][j].end_ns > *last)
                    *last = s->dev_ops[i][j].end_ns;
            }
        free(rows[i]);
    }
}

/* Arrangements (docs/model.md): the checker, the explanations and the critical path. S=2 over
 * two DCs, M=2, 1F1B, F=1, B=2. */
static void test_arrangements(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 1, 2, 1, 2, 0), PS_OK);
    sc.inter_dc.latency_ms = 3;
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
    assert_int_equal(build_1f1b(s), 0);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK); /* decoupled */
    sc.arrangement = PS_ARRANGE_RENDEZVOUS;     /* the same times, checked as a rendezvous */
    expect_bad(s, "transfers[1]", "before stage 1 posts its receive at 7.0 ms");
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    expect_ok(s);
    char buf[640];
    /* stage 1's F1 (F0 B0 F1 B1): the activation ready at 2 left at 7 and arrived at 10 */
    ps_sim_explain(s, 1, 2, buf, sizeof buf);
    assert_string_equal(buf, "waited 3.0 ms for activation of microbatch 1 from stage 0 (latency "
                             "only), after 5.0 ms waiting for stage 1 to post the receive "
                             "(rendezvous)");
    int64_t first, last;
    path_span(s, &first, &last);
    assert_int_equal(first, 0);
    assert_int_equal(last, s->makespan_ns);
    sc.arrangement = PS_ARRANGE_DECOUPLED; /* fewer rules: still valid */
    expect_ok(s);

    /* blocking, 1 ms transmissions, no latency: stage 0 is held [1,2) by its first send */
    sc.arrangement = PS_ARRANGE_BLOCKING;
    sc.inter_dc.latency_ms = 0;
    sc.activation_mb = 1;
    sc.inter_dc.bandwidth_gbps = 8;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    expect_ok(s);
    ps_sim_explain(s, 0, 1, buf, sizeof buf);
    assert_string_equal(buf, "held 1.0 ms by its blocking send of the activation of microbatch 0 "
                             "to stage 1");
    path_span(s, &first, &last);
    assert_int_equal(first, 0);
    assert_int_equal(last, s->makespan_ns);
    s->dev_ops[0][1].start_ns -= MS(1); /* F1 during the send */
    s->dev_ops[0][1].end_ns -= MS(1);
    expect_bad(s, "stage 0, op 1",
               "while its device's blocking send (transfers[0]) is on the wire");
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_assign_channels(void **state)
{
    (void)state;
    /* what a loader does: channels rebuilt from the transfers' stages give the
     * simulator's numbering, counts and busy times */
    struct ps_scenario sc;
    struct ps_schedule *s = timed(&sc, true, build_1f1b);
    sc.intra_dc.bandwidth_gbps = 100;
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    int n = s->n_channels;
    assert_int_equal(n, 2 + 4); /* east<->west, and stage 0<->1, 2<->3 both ways */
    struct ps_channel keep[8];
    memcpy(keep, s->channels, (size_t)n * sizeof *keep);
    int32_t *chan = malloc(s->n_transfers * sizeof *chan);
    for (size_t i = 0; i < s->n_transfers; i++) {
        chan[i] = s->transfers[i].channel;
        s->transfers[i].channel = 99;
    }
    assert_int_equal(ps_schedule_assign_channels(s), PS_OK);
    assert_int_equal(s->n_channels, n);
    for (int c = 0; c < n; c++) {
        assert_int_equal(s->channels[c].from_stage, keep[c].from_stage);
        assert_int_equal(s->channels[c].to_dc, keep[c].to_dc);
        assert_int_equal(s->channels[c].busy_ns, keep[c].busy_ns);
        assert_int_equal(s->channels[c].n_transfers, keep[c].n_transfers);
    }
    for (size_t i = 0; i < s->n_transfers; i++)
        assert_int_equal(s->transfers[i].channel, chan[i]);
    char name[64];
    ps_channel_name(s, 0, name, sizeof name);
    assert_string_equal(name, "stage 0->1");
    assert_int_equal(ps_sim_metrics(s), PS_OK);
    for (int c = 0; c < n; c++)
        assert_int_equal(s->channels[c].busy_ns, keep[c].busy_ns);
    free(chan);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_simulated),     cmocka_unit_test(test_rejects_tampered),
        cmocka_unit_test(test_channel_overlap),       cmocka_unit_test(test_explain),
        cmocka_unit_test(test_critical_path_no_comm), cmocka_unit_test(test_assign_channels),
        cmocka_unit_test(test_explain_allgather),     cmocka_unit_test(test_critical_path_queues),
        cmocka_unit_test(test_arrangements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
