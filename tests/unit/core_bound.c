/* The lower bound holds for every schedule: random scenarios, random deadlock-free
 * orders of every shape (V = 1..3 loop, wave, split or not, ops cut in parts), plus the
 * classic GPipe and 1F1B orders. Every simulated schedule also passes the checker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "tests/unit/core_sim_helpers.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int rnd(int n)
{
    return (int)(next_rand() % (uint64_t)n);
}

static double rndf(double lo, double hi)
{
    return lo + (hi - lo) * (double)(next_rand() % 1000000) / 1e6;
}

static void random_scenario(struct ps_scenario *sc)
{
    int n_dcs = 1 + rnd(3), per[3] = {1 + rnd(3), 1 + rnd(3), 1 + rnd(3)};
    int M = 1 + rnd(6);
    assert_int_equal(ps_scenario_make_uniform(sc, n_dcs, 1, M, rndf(0.2, 3), rndf(0.2, 4),
                                              rnd(3) == 0 ? 0 : rndf(0, 2)),
                     PS_OK);
    int S = 0;
    for (int i = 0; i < n_dcs; i++) {
        sc->dcs[i].stages = per[i];
        sc->dcs[i].compute_scale = rnd(2) ? 1 : rndf(0.5, 2);
        S += per[i];
    }
    sc->n_stages = S;
    if (rnd(2)) {
        sc->per_stage = calloc((size_t)S, sizeof *sc->per_stage);
        for (int s = 0; s < S; s++)
            sc->per_stage[s] =
                (struct ps_compute){rndf(0.2, 3), rndf(0.2, 4), rnd(3) == 0 ? 0 : rndf(0, 2)};
    }
    if (rnd(2)) {
        sc->per_microbatch = calloc((size_t)M, sizeof *sc->per_microbatch);
        for (int m = 0; m < M; m++)
            sc->per_microbatch[m] =
                (struct ps_mb_scale){.compute_scale = rndf(0.3, 2),
                                     .activation_scale = rnd(4) == 0 ? 0 : rndf(0.2, 2),
                                     .memory_scale = 1};
    }
    sc->activation_mb = rnd(4) == 0 ? 0 : rndf(0.1, 4);
    sc->intra_dc = (struct ps_link){rnd(2) ? 0 : rndf(0, 0.5), rnd(2) ? 0 : rndf(5, 100)};
    sc->inter_dc = (struct ps_link){rndf(0, 3), rnd(3) == 0 ? 0 : rndf(0.5, 20)};
    if (n_dcs > 1 && rnd(2)) {
        sc->n_pairs = 1;
        sc->pairs = calloc(1, sizeof *sc->pairs);
        sc->pairs[0] = (struct ps_pair){1, 0, {rndf(0, 5), rndf(0.5, 10)}, true, true};
    }
    if (rnd(3) == 0) {
        sc->has_data_parallel = true;
        sc->allgather_ms = rndf(0, 6);
        sc->reduce_scatter_ms = rndf(0, 6);
    }
    struct ps_diag d;
    if (ps_scenario_validate(sc, &d) != PS_OK)
        fail_msg("random scenario invalid: %s: %s", d.path, d.msg);
}

/* A random topological order: repeatedly append one op whose inputs are already placed,
 * keeping each (kind, vstage) in microbatch order; ops cut into 1..3 parts. */
static void random_order(struct ps_schedule *s, bool cut)
{
    int S = s->n_stages, V = s->chunks, SV = S * V, M = s->n_microbatches;
    int *next = calloc(3 * (size_t)SV, sizeof *next);
    int cand_k[3 * 16 * 64], cand_v[3 * 16 * 64];
    for (;;) {
        int n = 0;
        for (int v = 0; v < SV; v++) {
            int d = ps_vstage_device(v, S, V, s->traversal);
            int f = next[0 * SV + v], b = next[1 * SV + v], w = next[2 * SV + v];
            if (f < M && (v == 0 || next[0 * SV + v - 1] > f)) {
                cand_k[n] = PS_OP_F;
                cand_v[n++] = v;
            }
            if (b < M && (v == SV - 1 ? f > b : next[1 * SV + v + 1] > b)) {
                cand_k[n] = PS_OP_B;
                cand_v[n++] = v;
            }
            if (ps_schedule_has_w(s, d) && w < M && b > w) {
                cand_k[n] = PS_OP_W;
                cand_v[n++] = v;
            }
        }
        if (n == 0)
            break;
        int i = rnd(n), k = cand_k[i], v = cand_v[i];
        int d = ps_vstage_device(v, S, V, s->traversal);
        int c = ps_vstage_chunk(v, S, V, s->traversal);
        int parts = cut ? 1 + rnd(3) : 1;
        for (int p = 0; p < parts; p++)
            assert_int_equal(
                ps_schedule_push_part(s, d, (enum ps_op_kind)k, c, next[k * SV + v], p, parts),
                PS_OK);
        next[k * SV + v]++;
    }
    free(next);
}

static void check(struct ps_schedule *s, int64_t lb)
{
    struct ps_diag d;
    enum ps_status st = ps_sim_run(s, &d);
    if (st != PS_OK)
        fail_msg("sim: %s: %s", d.path, d.msg);
    if (lb > s->makespan_ns)
        fail_msg("lower bound %lld > makespan %lld (S=%d M=%d V=%d %s %s)", (long long)lb,
                 (long long)s->makespan_ns, s->n_stages, s->n_microbatches, s->chunks,
                 ps_traversal_str(s->traversal), s->split_backward ? "split" : "combined");
    assert_int_equal(s->lower_bound_ns, lb);
    int n = 0;
    if (ps_schedule_validate(s, &d, &n) != PS_OK)
        fail_msg("validate: %s: %s (%d violations)", d.path, d.msg, n);
}

/* Ranks equal to the order FCFS chose reproduce the same times exactly; random ranks
 * either deadlock (reported) or give a valid schedule above the bound. */
static void check_ranks(struct ps_schedule *s, int64_t lb)
{
    size_t n = s->n_transfers;
    int64_t *start = malloc((n + 1) * sizeof *start);
    for (size_t i = 0; i < n; i++)
        start[i] = s->transfers[i].start_ns;
    int64_t makespan = s->makespan_ns;
    assert_int_equal(ps_schedule_enable_ranks(s), PS_OK);
    for (size_t i = 0; i < n; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        /* the start time orders a channel; the index breaks ties like FCFS did */
        s->xfer_rank[ps_xfer_key(s, x->kind, x->from_vstage, x->microbatch)] =
            start[i] * 4096 + (int64_t)i;
    }
    check(s, lb);
    assert_int_equal(s->makespan_ns, makespan);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(s->transfers[i].start_ns, start[i]);
    for (size_t i = 0; i < ps_schedule_xfer_keys(s); i++)
        s->xfer_rank[i] = rnd(3) == 0 ? INT64_MAX : rnd(1000);
    struct ps_diag d;
    enum ps_status st = ps_sim_run(s, &d);
    assert_true(st == PS_OK || st == PS_EDEADLOCK);
    if (st == PS_OK)
        check(s, lb);
    else
        assert_non_null(strstr(d.msg, "waits for"));
    free(s->xfer_rank);
    s->xfer_rank = NULL;
    free(start);
}

static void test_random(void **state)
{
    (void)state;
    for (int iter = 0; iter < 300; iter++) {
        struct ps_scenario sc;
        random_scenario(&sc);
        int64_t lb = ps_lower_bound_ns(&sc);
        assert_true(lb > 0);
        for (int shape = 0; shape < 5; shape++) {
            int V = shape == 0 ? 1 : shape == 1 ? 2 : shape == 2 ? 3 : 2;
            enum ps_traversal tr = shape == 3 ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
            for (int split = 0; split < 2; split++) {
                struct ps_schedule *s = ps_schedule_new(&sc, "r", V, tr, split);
                assert_non_null(s);
                random_order(s, shape == 4);
                check(s, lb);
                check_ranks(s, lb);
                if (V == 1 && shape == 0) {
                    ps_schedule_clear(s);
                    assert_int_equal(build_gpipe(s), 0);
                    check(s, lb);
                    ps_schedule_clear(s);
                    assert_int_equal(build_1f1b(s), 0);
                    check(s, lb);
                } else if (shape != 4) {
                    ps_schedule_clear(s);
                    assert_int_equal(build_gpipe_chunks(s), 0);
                    check(s, lb);
                }
                ps_schedule_free(s);
            }
        }
        ps_scenario_fini(&sc);
    }
}

static void test_bound_terms(void **state)
{
    (void)state;
    struct ps_scenario sc;
    /* compute-bound: every device's work M * (F + B + W) = 8 * 4 = 32 ms, plus the
     * smallest head and tail any chunking allows */
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 2, 1), PS_OK);
    int64_t lb = ps_lower_bound_ns(&sc);
    assert_true(lb >= 32000000 && lb < 33000000);
    /* tight on one device: the makespan is exactly its work */
    ps_scenario_fini(&sc);
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 1, 5, 1.5, 2.25, 0.5), PS_OK);
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, true);
    assert_int_equal(build_1f1b(s), 0);
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    assert_int_equal(s->lower_bound_ns, s->makespan_ns);
    assert_int_equal(s->makespan_ns, 5 * INT64_C(4250000));
    ps_schedule_free(s);
    /* latency-bound: one microbatch, 4 DCs, 10 ms between each: the round trip crosses
     * 3 boundaries twice: 6 * 10 + 4 * (1 + 2) = 72 ms */
    ps_scenario_fini(&sc);
    assert_int_equal(ps_scenario_make_uniform(&sc, 4, 1, 1, 1, 2, 0), PS_OK);
    sc.inter_dc.latency_ms = 10;
    assert_int_equal(ps_lower_bound_ns(&sc), 72000000);
    /* bandwidth-bound: 100 microbatches of 10 MB over 1 Gb/s = 80 ms each on the link */
    ps_scenario_fini(&sc);
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 1, 100, 0.1, 0.1, 0), PS_OK);
    sc.activation_mb = 10;
    sc.inter_dc.bandwidth_gbps = 1;
    assert_true(ps_lower_bound_ns(&sc) >= 100 * INT64_C(80000000));
    /* data parallel lane */
    sc.activation_mb = 0;
    sc.has_data_parallel = true;
    sc.allgather_ms = 500;
    sc.reduce_scatter_ms = 700;
    assert_true(ps_lower_bound_ns(&sc) >= INT64_C(1200000000));
    ps_scenario_fini(&sc);
}

/* A random topological order that keeps every device within the memory limit (F only when
 * it fits); false when it gets stuck (every device full, waiting for inputs). */
static bool random_order_within(struct ps_schedule *s, bool cut)
{
    const struct ps_scenario *sc = s->sc;
    int S = s->n_stages, V = s->chunks, SV = S * V, M = s->n_microbatches;
    int *next = calloc(3 * (size_t)SV, sizeof *next);
    double *mem = calloc((size_t)S, sizeof *mem), w = sc->weight_share;
    int cand_k[3 * 16 * 64], cand_v[3 * 16 * 64];
    bool ok = true;
    for (;;) {
        int n = 0;
        for (int v = 0; v < SV; v++) {
            int d = ps_vstage_device(v, S, V, s->traversal);
            int f = next[0 * SV + v], b = next[1 * SV + v], wn = next[2 * SV + v];
            if (f < M && (v == 0 || next[0 * SV + v - 1] > f) &&
                mem[d] + ps_scenario_memory_scale(sc, f) / V <= sc->memory_limit + 1e-9) {
                cand_k[n] = PS_OP_F;
                cand_v[n++] = v;
            }
            if (b < M && (v == SV - 1 ? f > b : next[1 * SV + v + 1] > b)) {
                cand_k[n] = PS_OP_B;
                cand_v[n++] = v;
            }
            if (ps_schedule_has_w(s, d) && wn < M && b > wn) {
                cand_k[n] = PS_OP_W;
                cand_v[n++] = v;
            }
        }
        if (n == 0)
            break;
        int i = rnd(n), k = cand_k[i], v = cand_v[i];
        int d = ps_vstage_device(v, S, V, s->traversal);
        int c = ps_vstage_chunk(v, S, V, s->traversal), mb = next[k * SV + v];
        double a = ps_scenario_memory_scale(sc, mb) / V;
        bool has_w = ps_schedule_has_w(s, d);
        mem[d] += k == PS_OP_F ? a : k == PS_OP_B ? -(has_w ? (1 - w) * a : a) : -w * a;
        int parts = cut ? 1 + rnd(3) : 1;
        for (int p = 0; p < parts; p++)
            assert_int_equal(ps_schedule_push_part(s, d, (enum ps_op_kind)k, c, mb, p, parts),
                             PS_OK);
        next[k * SV + v]++;
    }
    for (int k = 0; k < 3 && ok; k++)
        for (int v = 0; v < SV && ok; v++) {
            int d = ps_vstage_device(v, S, V, s->traversal);
            ok = next[k * SV + v] == M || (k == PS_OP_W && !ps_schedule_has_w(s, d));
        }
    free(next);
    free(mem);
    return ok;
}

/* The memory part holds for every schedule within the limit, of every shape: random
 * scenarios with a limit from one microbatch to S of them, random orders that fit it. Over
 * the limit only the other parts hold, and they do. */
static void test_memory_random(void **state)
{
    (void)state;
    int binds = 0, within = 0;
    for (int iter = 0; iter < 300; iter++) {
        struct ps_scenario sc;
        random_scenario(&sc);
        double most = 0;
        for (int m = 0; m < sc.n_microbatches; m++)
            if (ps_scenario_memory_scale(&sc, m) > most)
                most = ps_scenario_memory_scale(&sc, m);
        sc.has_memory_limit = true;
        sc.memory_limit = most * (1 + rnd(2 * sc.n_stages)) / 2.0;
        if (sc.memory_limit < most)
            sc.memory_limit = most;
        struct ps_bound lb;
        ps_lower_bound(&sc, &lb);
        binds += lb.binds == PS_BOUND_MEMORY;
        for (int shape = 0; shape < 5; shape++) {
            int V = shape == 0 ? 1 : shape == 1 ? 2 : shape == 2 ? 3 : 2;
            enum ps_traversal tr = shape == 3 ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
            for (int split = 0; split < 2; split++) {
                struct ps_schedule *s = ps_schedule_new(&sc, "r", V, tr, split);
                assert_non_null(s);
                if (random_order_within(s, shape == 4)) {
                    struct ps_diag d;
                    assert_int_equal(ps_sim_run(s, &d), PS_OK);
                    assert_true(s->memory_ok);
                    within++;
                    if (s->makespan_ns < lb.value)
                        fail_msg("memory-aware bound %lld (%s) > makespan %lld (S=%d M=%d V=%d "
                                 "%s, limit %g)",
                                 (long long)lb.value, ps_bound_part_str(lb.binds),
                                 (long long)s->makespan_ns, s->n_stages, s->n_microbatches, V,
                                 ps_traversal_str(tr), sc.memory_limit);
                }
                ps_schedule_clear(s);
                assert_int_equal(build_gpipe_chunks(s), 0);
                struct ps_diag d;
                assert_int_equal(ps_sim_run(s, &d), PS_OK);
                assert_true(s->makespan_ns >=
                            (s->memory_ok ? lb.value : ps_bound_without_memory(&lb)));
                ps_schedule_free(s);
            }
        }
        ps_scenario_fini(&sc);
    }
    print_message("  memory bound binds on %d of 300 scenarios; %d schedules within the limit\n",
                  binds, within);
    assert_true(binds > 30 && within > 500);
}

/* A closed form: S = 2 in one DC without delays, F = B = 1 ms, no W, M = 4, a limit of one
 * microbatch. The least memory part over the shapes is the loop with 16 chunks: chunk c
 * holds 1/16 for at least (16-c)/16 of the 4 ms round trip (less 2 ns of rounding), so
 * device 0's memory over time is at least 4 x (34 ms - 32 ns) / 16 = 8.5 ms - 8 ns (floored
 * a hair lower, 1e-12 relative, against the rounding of its floating sums), above the work
 * part (8.125 ms). One shape alone is stricter: 1 chunk needs 4 round trips, 16
 * ms, and the wave 10 ms. */
static void test_memory_closed_form(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 2, 4, 1, 1, 0), PS_OK);
    sc.has_memory_limit = true;
    sc.memory_limit = 1;
    struct ps_bound lb;
    ps_lower_bound(&sc, &lb);
    assert_int_equal(lb.binds, PS_BOUND_MEMORY);
    assert_int_equal(lb.value, 8500000 - 9);
    assert_int_equal(lb.part[PS_BOUND_WORK], 8125000);
    /* the one-chunk schedule the limit allows, one microbatch at a time: 16 ms */
    struct ps_schedule *s = ps_schedule_new(&sc, "seq", 1, PS_TRAVERSAL_LOOP, true);
    for (int m = 0; m < 4; m++)
        for (int d = 0; d < 2; d++)
            assert_int_equal(ps_schedule_push(s, d, PS_OP_F, 0, m), PS_OK);
    ps_schedule_free(s);
    s = ps_schedule_new(&sc, "seq", 1, PS_TRAVERSAL_LOOP, true);
    for (int m = 0; m < 4; m++) {
        assert_int_equal(ps_schedule_push(s, 0, PS_OP_F, 0, m), PS_OK);
        assert_int_equal(ps_schedule_push(s, 1, PS_OP_F, 0, m), PS_OK);
        assert_int_equal(ps_schedule_push(s, 1, PS_OP_B, 0, m), PS_OK);
        assert_int_equal(ps_schedule_push(s, 0, PS_OP_B, 0, m), PS_OK);
    }
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_OK);
    assert_true(s->memory_ok);
    assert_int_equal(s->makespan_ns, 16000000);
    assert_int_equal(s->lower_bound_ns, lb.value);
    assert_int_equal(s->lower_bound_binds, PS_BOUND_MEMORY);
    ps_schedule_free(s);
    /* without a limit the work part binds again */
    sc.has_memory_limit = false;
    ps_lower_bound(&sc, &lb);
    assert_int_equal(lb.binds, PS_BOUND_WORK);
    assert_int_equal(lb.part[PS_BOUND_MEMORY], 0);
    assert_string_equal(ps_bound_part_str(PS_BOUND_MEMORY), "memory");
    ps_scenario_fini(&sc);
}

/* A gap that is not zero never reads "0.0%" (a 0.04% gap once did). */
static void test_gap_text(void **state)
{
    (void)state;
    static const struct {
        double gap;
        const char *text;
    } cases[] = {{0, "0.0%"},         {0.017, "1.7%"},   {0.0004, "0.04%"}, {0.00095, "0.1%"},
                 {0.00003, "<0.01%"}, {0.09871, "9.9%"}, {1, "100.0%"},     {0.000949, "0.09%"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[16];
        ps_gap_str(cases[i].gap, buf, sizeof buf);
        assert_string_equal(buf, cases[i].text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_gap_text),
        cmocka_unit_test(test_bound_terms),
        cmocka_unit_test(test_memory_random),
        cmocka_unit_test(test_memory_closed_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
