/* The simulator against closed forms (CrossPipe report section 9): GPipe and 1F1B without
 * communication, with a slow DC boundary, with transmission queues, and with four DCs;
 * plus explicit channel ranks, deadlocks, incomplete orders and determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "tests/unit/core_sim_helpers.h"

#define MS(x) ((int64_t)llround((x)*1e6))

struct fixture {
    struct ps_scenario sc;
    struct ps_schedule *s;
};

/* n_dcs DCs of per stages each, M microbatches, F=1, B=2, W=0 (combined backward). */
static struct ps_schedule *make(struct ps_scenario *sc, int n_dcs, int per, int M, bool split,
                                int (*build)(struct ps_schedule *))
{
    assert_int_equal(ps_scenario_make_uniform(sc, n_dcs, per, M, 1, 2, 0), PS_OK);
    (void)split;
    struct ps_schedule *s = ps_schedule_new(sc, "t", 1, PS_TRAVERSAL_LOOP, split);
    assert_non_null(s);
    (void)build;
    return s;
}

static int64_t run(struct ps_schedule *s, int (*build)(struct ps_schedule *))
{
    ps_schedule_clear(s);
    assert_int_equal(build(s), 0);
    struct ps_diag d;
    enum ps_status st = ps_sim_run(s, &d);
    if (st != PS_OK)
        fail_msg("sim: %s: %s", d.path, d.msg);
    assert_true(s->timed);
    return s->makespan_ns;
}

static void test_no_communication(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_schedule *s = make(&sc, 1, 4, 8, false, build_gpipe);
    assert_int_equal(run(s, build_gpipe), MS(33));
    assert_true(fabs(s->bubble_ratio - 3.0 / 11.0) < 1e-12);
    for (int d = 0; d < 4; d++) {
        assert_true(fabs(s->peak_memory[d] - 8) < 1e-12);
        assert_int_equal(s->busy_ns[d], MS(24));
    }
    assert_int_equal(s->n_transfers, 2 * 3 * 8);
    assert_int_equal(run(s, build_1f1b), MS(33));
    assert_true(fabs(s->bubble_ratio - 3.0 / 11.0) < 1e-12);
    for (int d = 0; d < 4; d++)
        assert_true(fabs(s->peak_memory[d] - (4 - d)) < 1e-12);
    assert_true(s->memory_ok);
    assert_int_equal(s->lower_bound_ns <= s->makespan_ns, 1);
    /* the simulator takes durations from the scenario as it is now */
    sc.compute.forward_ms = 2;
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    assert_int_equal(s->makespan_ns, MS(44));
    /* and refuses an invalid one, naming the field */
    sc.compute.forward_ms = -1;
    assert_int_equal(ps_sim_run(s, &d), PS_EINVAL);
    assert_string_equal(d.path, "scenario.compute.forward_ms");
    assert_false(s->timed);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_zb_closed_form(void **state)
{
    (void)state;
    /* 1F1B order with split backward and W right after B, F = B = W = 1, p = 4, m = 8:
     * each device does 3 units per microbatch; the makespan is 8*3 + 3*(1+1) = 30. The
     * ZB-H1 closed form (27) needs the W postponement, not tested here. */
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 1, 1), PS_OK);
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, true);
    assert_int_equal(run(s, build_1f1b), MS(30));
    for (int d = 0; d < 4; d++)
        assert_true(fabs(s->peak_memory[d] - (4 - d)) < 1e-12);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_latency_boundary(void **state)
{
    (void)state;
    const double lat[] = {0, 0.5, 1, 2};
    for (size_t i = 0; i < sizeof lat / sizeof lat[0]; i++) {
        struct ps_scenario sc;
        struct ps_schedule *s = make(&sc, 2, 2, 8, false, NULL);
        sc.inter_dc.latency_ms = lat[i];
        assert_int_equal(run(s, build_gpipe), MS(33 + 2 * lat[i]));
        assert_int_equal(run(s, build_1f1b), MS(33 + 8 * lat[i]));
        ps_schedule_free(s);
        ps_scenario_fini(&sc);
    }
}

static void test_transmission_queue(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_schedule *s = make(&sc, 2, 2, 8, false, NULL);
    sc.activation_mb = 1;
    sc.inter_dc.bandwidth_gbps = 4; /* 1 MB * 8 / 4 Gb/s = 2 ms */
    assert_int_equal(run(s, build_gpipe), MS(44));
    assert_int_equal(s->n_channels, 2);
    assert_int_equal(s->channels[0].n_transfers, 8);
    assert_int_equal(s->channels[0].busy_ns, MS(16));
    char name[32];
    ps_channel_name(s, 0, name, sizeof name);
    assert_string_equal(name, "dc0->dc1");
    ps_channel_name(s, 1, name, sizeof name);
    assert_string_equal(name, "dc1->dc0");
    assert_int_equal(run(s, build_1f1b), MS(49));
    /* the transfers over the boundary: 2 ms each, one at a time */
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        if (x->channel >= 0) {
            assert_int_equal(x->end_ns - x->start_ns, MS(2));
            assert_true(x->start_ns >= x->ready_ns);
            assert_int_equal(x->arrive_ns, x->end_ns);
        } else {
            assert_int_equal(x->start_ns, x->ready_ns);
        }
    }
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_four_dcs(void **state)
{
    (void)state;
    const double lat[] = {0, 0.5, 1, 2};
    const double want[] = {69, 79, 89, 109};
    for (size_t i = 0; i < 4; i++) {
        struct ps_scenario sc;
        struct ps_schedule *s = make(&sc, 4, 2, 16, false, NULL);
        sc.inter_dc.latency_ms = lat[i];
        assert_int_equal(run(s, build_1f1b), MS(want[i]));
        ps_schedule_free(s);
        ps_scenario_fini(&sc);
    }
}

static void test_chunks(void **state)
{
    (void)state;
    /* loop V = 2 and wave V = 2, GPipe-style, no communication: every device does
     * M*(F+B) work; makespans are deterministic and at least that. */
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 8, 1, 2, 0), PS_OK);
    for (int tr = 0; tr < 2; tr++) {
        struct ps_schedule *s = ps_schedule_new(&sc, "t", 2, (enum ps_traversal)tr, false);
        assert_non_null(s);
        int64_t a = run(s, build_gpipe_chunks);
        assert_true(a >= MS(24));
        for (int d = 0; d < 4; d++)
            assert_int_equal(s->busy_ns[d], MS(24));
        /* wave keeps vstage S-1 -> S on one device: no transfer for it */
        size_t want = tr == PS_TRAVERSAL_WAVE ? 2 * 6 * 8 : 2 * 7 * 8;
        assert_int_equal(s->n_transfers, want);
        int64_t b = run(s, build_gpipe_chunks);
        assert_int_equal(a, b);
        ps_schedule_free(s);
    }
    /* wave GPipe-style, 1 stage per device round trip: S=4, M=1, F=1, B=2:
     * 8 vstages of F/2 then of B/2: 8*0.5 + 8*1 = 12 */
    ps_scenario_fini(&sc);
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 1, 1, 2, 0), PS_OK);
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 2, PS_TRAVERSAL_WAVE, false);
    assert_int_equal(run(s, build_gpipe_chunks), MS(12));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_deadlock(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 2, 2, 1, 2, 0), PS_OK);
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
    /* stage 0 wants B0 before F1, stage 1 wants F1 before B0: fine. Make it circular:
     * stage 1 runs B of microbatch 0 only after F of microbatch 1, while stage 0 waits
     * for that gradient before sending F of microbatch 1. */
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_F, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_B, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_F, 0, 1), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_B, 0, 1), PS_OK);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_F, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_F, 0, 1), PS_OK);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_B, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_B, 0, 1), PS_OK);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_EDEADLOCK);
    assert_false(s->timed);
    assert_string_equal(d.path, "stage 1");
    assert_string_equal(d.msg, "F of microbatch 1 (chunk 0) waits for F of microbatch 1 (chunk "
                               "0) on stage 0, but stage 0 is stuck earlier at B of microbatch "
                               "0 (chunk 0)");
    /* an op waiting for one later in its own order */
    ps_schedule_clear(s);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_F, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_F, 0, 1), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_B, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_B, 0, 1), PS_OK);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_B, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_F, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_F, 0, 1), PS_OK);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_B, 0, 1), PS_OK);
    assert_int_equal(ps_sim_run(s, &d), PS_EDEADLOCK);
    assert_string_equal(d.path, "stage 1");
    assert_string_equal(d.msg, "B of microbatch 0 (chunk 0) waits for F of microbatch 0 (chunk "
                               "0), which comes later in the same order");
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_incomplete(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 2, 2, 1, 2, 1), PS_OK);
    struct ps_diag d;
    /* a missing op */
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
    assert_int_equal(build_1f1b(s), 0);
    s->dev_n[1]--;
    assert_int_equal(ps_sim_run(s, &d), PS_EINVAL);
    assert_string_equal(d.path, "stage 1");
    assert_non_null(strstr(d.msg, "missing"));
    /* microbatch order */
    ps_schedule_clear(s);
    assert_int_equal(build_gpipe(s), 0);
    struct ps_op tmp = s->dev_ops[0][0];
    s->dev_ops[0][0] = s->dev_ops[0][1];
    s->dev_ops[0][1] = tmp;
    assert_int_equal(ps_sim_run(s, &d), PS_EINVAL);
    assert_string_equal(d.path, "stage 0, op 0");
    assert_non_null(strstr(d.msg, "increasing microbatch order"));
    /* W in a combined schedule is refused at push time */
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_W, 0, 0), PS_EINVAL);
    ps_schedule_free(s);
    /* a duplicated op */
    s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, true);
    assert_int_equal(build_gpipe(s), 0);
    s->dev_ops[0][1] = s->dev_ops[0][0];
    assert_int_equal(ps_sim_run(s, &d), PS_EINVAL);
    assert_non_null(strstr(d.msg, "twice"));
    /* parts out of order, and a part missing */
    ps_schedule_clear(s);
    assert_int_equal(ps_schedule_push_part(s, 0, PS_OP_F, 0, 0, 1, 2), PS_OK);
    assert_int_equal(ps_sim_run(s, &d), PS_EINVAL);
    assert_non_null(strstr(d.msg, "does not follow its earlier parts"));
    ps_schedule_clear(s);
    assert_int_equal(ps_schedule_push_part(s, 0, PS_OP_F, 0, 0, 0, 2), PS_OK);
    assert_int_equal(ps_schedule_push_part(s, 0, PS_OP_F, 0, 1, 0, 1), PS_OK);
    assert_int_equal(ps_sim_run(s, &d), PS_EINVAL);
    assert_non_null(strstr(d.msg, "has 1 of its 2 parts"));
    assert_int_equal(ps_schedule_push_part(s, 0, PS_OP_F, 0, 0, 3, 2), PS_EINVAL);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_parts(void **state)
{
    (void)state;
    /* GPipe with every op cut in 3 parts: same makespan as uncut without communication */
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 2, 0), PS_OK);
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
    for (int d = 0; d < 4; d++)
        for (int k = 0; k < 2; k++)
            for (int m = 0; m < 8; m++)
                for (int p = 0; p < 3; p++)
                    assert_int_equal(ps_schedule_push_part(s, d, (enum ps_op_kind)k, 0, m, p, 3),
                                     PS_OK);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    assert_int_equal(s->makespan_ns, MS(33));
    assert_int_equal(s->dev_ops[0][0].dur_ns + s->dev_ops[0][1].dur_ns + s->dev_ops[0][2].dur_ns,
                     MS(1));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_split_memory(void **state)
{
    (void)state;
    /* one stage, F0 B0 F1 W0 B1 W1: F allocates 1 at its start, B frees 1-w, W frees w.
     * With w = 0.2: 1, 0.2, 1.2 (peak), 1.0, 0.2, 0 */
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 1, 2, 1, 1, 1), PS_OK);
    sc.weight_share = 0.2;
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, true);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_F, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_B, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_F, 0, 1), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_W, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_B, 0, 1), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_W, 0, 1), PS_OK);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    assert_true(fabs(s->peak_memory[0] - 1.2) < 1e-12);
    assert_int_equal(s->makespan_ns, MS(6));
    assert_int_equal(s->n_transfers, 0);
    /* a limit of 1.1 is exceeded and flagged, not refused */
    sc.has_memory_limit = true;
    sc.memory_limit = 1.1;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    assert_false(s->memory_ok);
    sc.memory_limit = 1.2;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    assert_true(s->memory_ok);
    ps_schedule_free(s);
    /* a split schedule on a stage without W: B frees everything */
    sc.compute.weight_ms = 0;
    s = ps_schedule_new(&sc, "t", 2, PS_TRAVERSAL_LOOP, true);
    assert_false(ps_schedule_has_w(s, 0));
    assert_int_equal(build_gpipe_chunks(s), 0);
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    assert_true(fabs(s->peak_memory[0] - 2) < 1e-12); /* 2 microbatches x 2 chunks x 1/2 */
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_interleaved_parts(void **state)
{
    (void)state;
    /* parts of one op need not be back to back: F0 part 1, F1, F0 part 2 on stage 0;
     * stage 1's F0 waits for the last part */
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 2, 2, 1, 1, 0), PS_OK);
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
    assert_int_equal(ps_schedule_push_part(s, 0, PS_OP_F, 0, 0, 0, 2), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_F, 0, 1), PS_OK);
    assert_int_equal(ps_schedule_push_part(s, 0, PS_OP_F, 0, 0, 1, 2), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_B, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_B, 0, 1), PS_OK);
    for (int m = 0; m < 2; m++)
        assert_int_equal(ps_schedule_push(s, 1, PS_OP_F, 0, m), PS_OK);
    for (int m = 0; m < 2; m++)
        assert_int_equal(ps_schedule_push(s, 1, PS_OP_B, 0, m), PS_OK);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    /* stage 0: F0a [0,0.5], F1 [0.5,1.5], F0b [1.5,2]; stage 1: F0 at 2, F1 at 3 */
    assert_int_equal(s->dev_ops[0][2].end_ns, MS(2));
    assert_int_equal(s->dev_ops[1][0].start_ns, MS(2));
    /* F allocates at the start of part 1 of 2 */
    assert_true(fabs(s->peak_memory[0] - 2) < 1e-12);
    assert_int_equal(ps_schedule_validate(s, &d, NULL), PS_OK);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_ranks(void **state)
{
    (void)state;
    /* GPipe over a 2 ms link: FCFS gives 44. Force the gradient channel dc1->dc0 to
     * send in decreasing microbatch order: the gradients of 7..0 queue behind each other
     * while stage 1 produces them in increasing order, so every one waits for the last. */
    struct ps_scenario sc;
    struct ps_schedule *s = make(&sc, 2, 2, 8, false, NULL);
    sc.activation_mb = 1;
    sc.inter_dc.bandwidth_gbps = 4;
    assert_int_equal(ps_schedule_enable_ranks(s), PS_OK);
    for (int m = 0; m < 8; m++)
        s->xfer_rank[ps_xfer_key(s, PS_XFER_GRADIENT, 2, m)] = 8 - m;
    int64_t t = run(s, build_gpipe);
    /* stage 2 ends B of mb 7 at 24 + 2*... check instead the channel order */
    int64_t prev = INT64_MAX;
    for (int m = 0; m < 8; m++) {
        const struct ps_transfer *x = &s->transfers[0];
        for (size_t i = 0; i < s->n_transfers; i++)
            if (s->transfers[i].kind == PS_XFER_GRADIENT && s->transfers[i].from_vstage == 2 &&
                s->transfers[i].microbatch == m)
                x = &s->transfers[i];
        assert_true(x->start_ns < prev);
        prev = x->start_ns;
    }
    assert_true(t > MS(44));
    /* ranks equal for every transfer = FCFS */
    for (size_t i = 0; i < ps_schedule_xfer_keys(s); i++)
        s->xfer_rank[i] = 0;
    assert_int_equal(run(s, build_gpipe), MS(44));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_data_parallel(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_schedule *s = make(&sc, 1, 4, 8, false, NULL);
    sc.has_data_parallel = true;
    sc.allgather_ms = 3;
    sc.reduce_scatter_ms = 5;
    /* every F waits 3 ms for its all-gather; the last B of stage 0 ends at 36 and its
     * reduce-scatter ends at 41 */
    assert_int_equal(run(s, build_1f1b), MS(41));
    for (int d = 0; d < 4; d++) {
        assert_int_equal(s->dp_n[d], 2);
        assert_int_equal(s->dp_ops[d][0].kind, PS_OP_AG);
        assert_int_equal(s->dp_ops[d][0].end_ns, MS(3));
        assert_int_equal(s->dp_ops[d][1].kind, PS_OP_RS);
        assert_int_equal(s->dp_ops[d][1].dur_ns, MS(5));
    }
    assert_int_equal(s->dev_ops[0][0].start_ns, MS(3));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_determinism(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_schedule *s = make(&sc, 2, 4, 16, false, NULL);
    sc.activation_mb = 3;
    sc.inter_dc.bandwidth_gbps = 7;
    sc.inter_dc.latency_ms = 0.3;
    sc.intra_dc.bandwidth_gbps = 50;
    int64_t a = run(s, build_1f1b);
    size_t n = s->n_transfers;
    struct ps_transfer *copy = malloc(n * sizeof *copy);
    memcpy(copy, s->transfers, n * sizeof *copy);
    assert_int_equal(run(s, build_1f1b), a);
    assert_memory_equal(copy, s->transfers, n * sizeof *copy);
    free(copy);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* The first op of kind k and microbatch mb on device d. */
static const struct ps_op *op_of(const struct ps_schedule *s, int d, int kind, int mb)
{
    for (size_t i = 0; i < s->dev_n[d]; i++)
        if (s->dev_ops[d][i].kind == kind && s->dev_ops[d][i].microbatch == mb)
            return &s->dev_ops[d][i];
    fail_msg("no %d/%d on %d", kind, mb, d);
    return NULL;
}

/* Communication arrangements (docs/model.md) on 1F1B over two DCs, S=2, M=2, F=1, B=2.
 * Latency 3: decoupled 15. With a rendezvous, stage 1 posts the receive of F1 only when its
 * B0 ends (7), so the activation ready at 2 leaves at 7 and arrives at 10: F1 [10,11], B1
 * [11,13], and the gradient of B1 reaches stage 0 at 16: 18. Stage 1's wait [7,10) is the
 * rendezvous's (decoupled, it would have had no wait). */
static void test_rendezvous(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_schedule *s = make(&sc, 2, 1, 2, false, NULL);
    sc.inter_dc.latency_ms = 3;
    assert_int_equal(run(s, build_1f1b), MS(15));
    sc.arrangement = PS_ARRANGE_RENDEZVOUS;
    assert_int_equal(run(s, build_1f1b), MS(18));
    const struct ps_transfer *x = &s->transfers[1]; /* activation of microbatch 1 */
    assert_int_equal(x->kind, PS_XFER_ACTIVATION);
    assert_int_equal(x->microbatch, 1);
    assert_int_equal(x->ready_ns, MS(2));
    assert_int_equal(x->start_ns, MS(7));
    assert_int_equal(x->arrive_ns, MS(10));
    const int64_t *b1 = s->bubble_ns + PS_BUBBLE_COUNT;
    assert_int_equal(b1[PS_BUBBLE_RENDEZVOUS], MS(3));
    assert_int_equal(b1[PS_BUBBLE_FILL], MS(1));
    assert_int_equal(b1[PS_BUBBLE_CROSS_DC], MS(3));
    assert_int_equal(b1[PS_BUBBLE_END], MS(5));
    assert_int_equal(s->bubble_ns[PS_BUBBLE_FILL], MS(6));
    assert_int_equal(s->bubble_ns[PS_BUBBLE_CROSS_DC], MS(6));
    assert_int_equal(s->bubble_ns[PS_BUBBLE_RENDEZVOUS], 0);
    /* Without bandwidth limits a blocking send holds nothing: same times. */
    sc.arrangement = PS_ARRANGE_BLOCKING;
    assert_int_equal(run(s, build_1f1b), MS(18));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* Transmission 1 ms (1 MB at 8 Gb/s), no latency: decoupled 11; rendezvous 12 (the
 * activation of microbatch 1 waits for stage 1's B0); blocking 12 too, but stage 0 is held
 * while its first activation is on the wire, so its F1 starts at 2 instead of 1, and the hold
 * shows in the breakdown as cross-DC time of stage 0. */
static void test_blocking(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_schedule *s = make(&sc, 2, 1, 2, false, NULL);
    sc.activation_mb = 1;
    sc.inter_dc.bandwidth_gbps = 8;
    assert_int_equal(run(s, build_1f1b), MS(11));
    sc.arrangement = PS_ARRANGE_RENDEZVOUS;
    assert_int_equal(run(s, build_1f1b), MS(12));
    assert_int_equal(op_of(s, 0, PS_OP_F, 1)->start_ns, MS(1));
    sc.arrangement = PS_ARRANGE_BLOCKING;
    assert_int_equal(run(s, build_1f1b), MS(12));
    assert_int_equal(op_of(s, 0, PS_OP_F, 1)->start_ns, MS(2));
    /* stage 0 is held [1,2) while act 0 is on the wire, and [3,6) for act 1 (parked until
     * stage 1's B0 ends at 5: rendezvous, then on the wire [5,6)); it then waits [8,10) for
     * the gradient of microbatch 1 (B1 on stage 1 ends at 9: fill, then the wire) */
    assert_int_equal(s->bubble_ns[PS_BUBBLE_RENDEZVOUS], MS(2));
    assert_int_equal(s->bubble_ns[PS_BUBBLE_CROSS_DC], MS(3));
    assert_int_equal(s->bubble_ns[PS_BUBBLE_FILL], MS(1));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* A blocking send whose receiver posts only after an op that waits for the sender: ZB-H2's
 * order for S=2, M=4 (no communication cost) completes decoupled and deadlocks blocking. */
static int build_zbh2_2x4(struct ps_schedule *s)
{
    static const char *const orders[2] = {"F0F1F2B0W0F3B1W1B2W2B3W3", "F0B0F1B1F2B2W0F3B3W1W2W3"};
    for (int d = 0; d < 2; d++)
        for (const char *p = orders[d]; *p; p += 2) {
            int kind = *p == 'F' ? PS_OP_F : *p == 'B' ? PS_OP_B : PS_OP_W;
            if (ps_schedule_push(s, d, kind, 0, p[1] - '0') != PS_OK)
                return -1;
        }
    return 0;
}

static void test_blocking_deadlock(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 2, 4, 1, 1, 1), PS_OK);
    struct ps_schedule *s = ps_schedule_new(&sc, "zb-h2", 1, PS_TRAVERSAL_LOOP, true);
    assert_int_equal(run(s, build_zbh2_2x4), MS(13));
    sc.arrangement = PS_ARRANGE_RENDEZVOUS;
    assert_true(run(s, build_zbh2_2x4) >= MS(13));
    sc.arrangement = PS_ARRANGE_BLOCKING;
    ps_schedule_clear(s);
    assert_int_equal(build_zbh2_2x4(s), 0);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_EDEADLOCK);
    assert_non_null(strstr(d.msg, "held by its blocking send"));
    assert_non_null(strstr(d.msg, "network.arrangement=blocking"));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_communication),
        cmocka_unit_test(test_zb_closed_form),
        cmocka_unit_test(test_latency_boundary),
        cmocka_unit_test(test_transmission_queue),
        cmocka_unit_test(test_four_dcs),
        cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_deadlock),
        cmocka_unit_test(test_incomplete),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_ranks),
        cmocka_unit_test(test_data_parallel),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_split_memory),
        cmocka_unit_test(test_interleaved_parts),
        cmocka_unit_test(test_rendezvous),
        cmocka_unit_test(test_blocking),
        cmocka_unit_test(test_blocking_deadlock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
