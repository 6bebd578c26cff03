/* Workload planning (solvers/workload/) against closed forms, brute force and the
 * simulator: the chunk windows of I4, the variable count of I7, the checkpoint ILP against
 * every assignment on tiny cases (never more than L/d_p layers, fits whenever anything
 * fits, the fewest layers), Eq. 14's DP against every contiguous partition, the
 * granularity modes' invariants, sliced schedules of every family that takes them
 * through validate and a JSON round trip, and the planning errors. */
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
#include "core/workload.h"
#include "export/export.h"
#include "solvers/solver.h"
#include "solvers/workload/plan.h"

static uint64_t rng_state = 12345;

static double rnd01(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) * 0x1.0p-53;
}

static int rnd(int n)
{
    return (int)(rnd01() * n);
}

/* ---- I4: windows ------------------------------------------------------------------------ */

/* The most chunks a stage holds in the slice-aware 1F1B (ps_1f1b_events). */
static int max_window(int n, const bool *cont, int S, int s)
{
    int ev[64], res = 0, best = 0;
    ps_1f1b_events(n, cont, S - s - 1, ev);
    for (int i = 0; i < 2 * n; i++) {
        res += ev[i] >= 0 ? 1 : -1;
        if (ev[i] >= 0 && res > best)
            best = res;
    }
    return best;
}

/* |W_p| = d_p - p + N_split (p 1-indexed): d_p = 4 gives 4, 3, 2, 1 with N_split = 1 and
 * 6, 5, 4, 3 with N_split = 3 (the longest sequence first). */
static void test_i4_windows(void **state)
{
    (void)state;
    bool plain[12] = {false};
    bool split[12] = {false};
    split[1] = split[2] = true; /* a sequence of 3 slices first */
    split[4] = true;            /* then one of 2 */
    const int want_plain[4] = {4, 3, 2, 1}, want_split[4] = {6, 5, 4, 3};
    for (int s = 0; s < 4; s++) {
        assert_int_equal(max_window(12, plain, 4, s), want_plain[s]);
        assert_int_equal(max_window(12, split, 4, s), want_split[s]);
    }
    /* every event once, F in order, B in backward rank */
    int ev[24];
    ps_1f1b_events(12, split, 0, ev);
    int nf = 0, nb = 0;
    for (int i = 0; i < 24; i++) {
        if (ev[i] >= 0)
            assert_int_equal(ev[i], nf++);
        else
            nb++;
    }
    assert_int_equal(nf, 12);
    assert_int_equal(nb, 12);
    assert_int_equal(ev[3], -1 - 2); /* the last stage: F0 F1 F2, then B of slice 2 */
}

/* ---- tiny workloads ------------------------------------------------------------------------ */

/* A small model: L layers over S stages, lengths as given, no all-to-all (d_s 1). */
static void tiny_scenario(struct ps_scenario *sc, int S, int L, const int *lengths, int n,
                          double hbm_gb)
{
    assert_int_equal(ps_scenario_make_uniform(sc, 1, S, 1, 1, 1, 0), PS_OK);
    struct ps_workload *w = ps_workload_new();
    sc->workload = w;
    assert_int_equal(ps_workload_set_lengths(w, lengths, n), PS_OK);
    w->cap_tokens = 65536;
    w->sp = 1;
    w->model = (struct ps_wl_model){
        .layers = L, .hidden = 1024, .kv_hidden = 256, .vocab = 1000, .bytes = 2, .params_b = 0.05};
    w->fwd = (struct ps_cost_coef){.alpha1_ms = 1e-6, .alpha2_ms = 0.01, .beta1_ms = 1};
    w->bwd = (struct ps_cost_coef){.alpha1_ms = 2e-6, .alpha2_ms = 0.02, .beta1_ms = 1};
    w->wgt = (struct ps_cost_coef){.alpha1_ms = 0, .alpha2_ms = 0, .beta1_ms = 0};
    w->mem.hbm_gb = hbm_gb;
    w->mem.reserve_gb = 0;
    w->mem.has_model_states = true;
    w->mem.model_states_gb = 0;
    struct ps_diag d;
    assert_int_equal(ps_workload_apply_raw(sc, &d), PS_OK);
}

/* I7: n = 8 chunks on d_p = 4 stages: 32 layer counts, 11 variables. */
static void test_i7_variables(void **state)
{
    (void)state;
    struct ps_scenario sc;
    int lengths[8] = {3000, 2900, 2800, 2700, 2600, 2500, 2400, 2300};
    tiny_scenario(&sc, 4, 8, lengths, 8, 0.4);
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, sc.workload, 4);
    struct ps_chunking ch;
    ps_chunking_init(&ch);
    assert_int_equal(ps_wl_chunk(&cx, PS_GRAN_BATCH, 0, &ch), PS_OK);
    /* capacity = cap: every sequence alone is the test's wish; use a small capacity */
    sc.workload->plan.token_capacity = 3000;
    assert_int_equal(ps_wl_chunk(&cx, PS_GRAN_BATCH, 0, &ch), PS_OK);
    assert_int_equal(ch.n, 8);
    int mbs[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    struct ps_ckpt_result r;
    assert_int_equal(ps_wl_checkpoint(&cx, &ch, mbs, 8, PS_CKPT_ADAPTIVE, true, 1, &r), PS_OK);
    assert_int_equal(r.n_vars, 11);
    assert_true(r.fits);
    for (int i = 0; i < 8 * 4; i++)
        assert_true(r.layers[i] >= 0 && r.layers[i] <= 2); /* L / d_p = 2 */
    free(r.layers);
    ps_chunking_fini(&ch);
    ps_scenario_fini(&sc);
}

/* Simulates the 1F1B of a group with the given layers and says whether it fits. */
static bool fits_by_simulation(const struct ps_scenario *base, const struct ps_chunking *ch,
                               const int *mbs, int n, const int *layers)
{
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_copy(&sc, base), PS_OK);
    int *pipeline = calloc((size_t)n, sizeof *pipeline);
    struct ps_wl_result res = {.chunks = ch, .order = mbs, .pipeline = pipeline, .layers = layers};
    struct ps_diag d;
    assert_int_equal(ps_workload_apply(&sc, &res, &d), PS_OK);
    struct ps_params none = {0};
    struct ps_schedule *s = NULL;
    assert_int_equal(ps_solver_run(&ps_solver_1f1b, &sc, &none, NULL, &s, &d), PS_OK);
    bool ok = s->memory_ok;
    ps_schedule_free(s);
    free(pipeline);
    ps_scenario_fini(&sc);
    return ok;
}

/* The checkpoint ILP against every assignment of its n + S - 1 variables, the memory
 * judged by the simulator: never above L / d_p, fits whenever any assignment does (then
 * full recomputation does), and no assignment that fits uses fewer layers. */
static void test_ckpt_ilp_brute_force(void **state)
{
    (void)state;
    int cases = 0, fitting = 0;
    for (int trial = 0; trial < 14; trial++) {
        int n = 3 + rnd(2), S = 2, L = 4 + 2 * rnd(2); /* lmax 2 or 3 */
        int lengths[4];
        for (int i = 0; i < n; i++)
            lengths[i] = 500 + rnd(3500);
        /* a sequence of 2 slices first (when n = 4), then whole ones */
        struct ps_scenario sc;
        tiny_scenario(&sc, S, L, lengths, n, 1.0);
        struct ps_cost_ctx cx;
        ps_cost_ctx_init(&cx, sc.workload, S);
        struct ps_chunking ch;
        ps_chunking_init(&ch);
        sc.workload->plan.token_capacity = 1; /* every sequence alone */
        assert_int_equal(ps_wl_chunk(&cx, PS_GRAN_BATCH, 0, &ch), PS_OK);
        int mbs[4];
        for (int i = 0; i < ch.n; i++)
            mbs[i] = i;
        int m = ch.n;
        /* a limit between the no-recompute need and the full-recompute one */
        double full = 0;
        for (int i = 0; i < m; i++)
            full += ch.chunks[i].mem_gb;
        sc.workload->mem.hbm_gb = full * (0.35 + 0.6 * rnd01());
        ps_cost_ctx_init(&cx, sc.workload, S);
        sc.memory_limit = cx.limit_gb;
        int lmax = ps_cost_max_layers(&cx), nv = m + S - 1;
        struct ps_ckpt_result r;
        assert_int_equal(ps_wl_checkpoint(&cx, &ch, mbs, m, PS_CKPT_ADAPTIVE, true, 5, &r), PS_OK);
        for (int i = 0; i < m * S; i++)
            assert_true(r.layers[i] >= 0 && r.layers[i] <= lmax);
        /* brute force over C in [0, lmax]^nv with l(p,k) = C[b(k) + S - 1 - s] */
        int best = -1, total = 1;
        for (int j = 0; j < nv; j++)
            total *= lmax + 1;
        int layers[4 * 2];
        for (int code = 0; code < total; code++) {
            int c[8], x = code, sum = 0;
            for (int j = 0; j < nv; j++) {
                c[j] = x % (lmax + 1);
                x /= lmax + 1;
                sum += c[j];
            }
            if (best >= 0 && sum >= best)
                continue;
            for (int k = 0; k < m; k++) /* whole sequences: backward rank = k */
                for (int s = 0; s < S; s++)
                    layers[k * S + s] = c[k + S - 1 - s];
            if (fits_by_simulation(&sc, &ch, mbs, m, layers))
                best = sum;
        }
        int full_layers[4 * 2];
        for (int i = 0; i < m * S; i++)
            full_layers[i] = lmax;
        bool any = fits_by_simulation(&sc, &ch, mbs, m, full_layers);
        assert_int_equal(r.fits, any);
        assert_int_equal(best >= 0, any);
        if (r.fits) {
            assert_true(fits_by_simulation(&sc, &ch, mbs, m, r.layers));
            assert_int_equal(r.layers_sum, best); /* proved: tiny instances close */
            fitting++;
        }
        cases++;
        free(r.layers);
        ps_chunking_fini(&ch);
        ps_scenario_fini(&sc);
    }
    printf("checkpoint ILP = brute force on %d tiny cases (%d fit)\n", cases, fitting);
    assert_true(fitting >= 5 && fitting < cases);
}

/* ---- Eq. 14 --------------------------------------------------------------------------------- */

static void test_partition_dp_brute_force(void **state)
{
    (void)state;
    for (int trial = 0; trial < 200; trial++) {
        int C = 1 + rnd(8), want = rnd(3) == 0 ? 1 + rnd(C) : 0;
        double cost[9 * 9];
        for (int k = 0; k <= C; k++)
            for (int i = 0; i <= C; i++)
                cost[k * (C + 1) + i] = rnd(6) == 0 ? HUGE_VAL : 10 + rnd(100);
        int ends[8], ng;
        assert_int_equal(ps_wl_partition_dp(C, cost, want, ends, &ng), PS_OK);
        /* every contiguous partition: a bit per boundary between classes */
        double best = HUGE_VAL;
        int best_groups = 0;
        for (int mask = 0; mask < 1 << (C - 1); mask++) {
            int groups = 1 + __builtin_popcount((unsigned)mask);
            if (want > 0 && groups != (want < C ? want : C))
                continue;
            double v = 0;
            for (int a = 0, i = 1; i <= C; i++)
                if (i == C || (mask >> (i - 1) & 1)) {
                    v += cost[a * (C + 1) + i];
                    a = i;
                }
            if (v < best || (v == best && groups < best_groups)) {
                best = v;
                best_groups = groups;
            }
        }
        if (best == HUGE_VAL) {
            assert_int_equal(ng, 0);
            continue;
        }
        double got = 0;
        for (int g = 0, a = 0; g < ng; a = ends[g++])
            got += cost[a * (C + 1) + ends[g]];
        assert_true(got == best);
        assert_int_equal(ends[ng - 1], C);
        if (want == 0)
            assert_int_equal(ng, best_groups);
    }
}

/* ---- granularity ------------------------------------------------------------------------------
 */

static void check_tokens(const struct ps_workload *w, const struct ps_chunking *ch)
{
    long total = 0, got = 0;
    for (int i = 0; i < w->n_seqs; i++)
        total += w->lengths[i];
    for (int i = 0; i < ch->n; i++)
        got += ch->chunks[i].tokens;
    assert_true(got == total);
}

static void test_granularity(void **state)
{
    (void)state;
    struct ps_scenario sc;
    int lengths[10] = {40000, 30000, 9000, 8000, 5000, 3000, 2000, 1500, 800, 300};
    tiny_scenario(&sc, 4, 8, lengths, 10, 80);
    struct ps_workload *w = sc.workload;
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, 4);
    struct ps_chunking ch;
    ps_chunking_init(&ch);
    /* batch: whole sequences, at most the capacity */
    w->plan.token_capacity = 40000;
    assert_int_equal(ps_wl_chunk(&cx, PS_GRAN_BATCH, 0, &ch), PS_OK);
    check_tokens(w, &ch);
    for (int i = 0; i < ch.n; i++) {
        assert_int_equal(ch.chunks[i].type, PS_CHUNK_BATCHED);
        assert_true(ch.chunks[i].tokens <= 40000);
    }
    /* token: slices of slice_tokens, the tail shorter */
    w->plan.slice_tokens = 4096;
    assert_int_equal(ps_wl_chunk(&cx, PS_GRAN_TOKEN, 0, &ch), PS_OK);
    check_tokens(w, &ch);
    for (int i = 0; i < ch.n; i++) {
        const struct ps_chunk *c = &ch.chunks[i];
        assert_true(c->tokens <= 4096);
        if (c->seq >= 0 && c->slice + 1 < c->n_slices)
            assert_int_equal(c->s0, 4096);
        if (c->seq >= 0)
            assert_int_equal(c->context, 4096 * c->slice);
    }
    /* even, K = 4: slices of ceil(40000 / 4) tokens */
    assert_int_equal(ps_wl_chunk(&cx, PS_GRAN_EVEN, 4, &ch), PS_OK);
    check_tokens(w, &ch);
    int slices0 = 0;
    for (int i = 0; i < ch.n; i++)
        if (ch.chunks[i].seq == 0) {
            slices0++;
            assert_int_equal(ch.chunks[i].s0, 10000);
        }
    assert_int_equal(slices0, 4);
    /* elastic, K = 4: the longest in 4 slices of equal total time (to a token), later
     * slices shorter; a tail with short sequences is a hybrid chunk */
    assert_int_equal(ps_wl_chunk(&cx, PS_GRAN_ELASTIC, 4, &ch), PS_OK);
    check_tokens(w, &ch);
    double t[4];
    int s0[4], n0 = 0;
    bool any_hybrid = false;
    for (int i = 0; i < ch.n; i++) {
        const struct ps_chunk *c = &ch.chunks[i];
        any_hybrid |= c->type == PS_CHUNK_HYBRID;
        if (c->seq == 0 && c->type == PS_CHUNK_SPLIT) {
            struct ps_cost_coef k = {w->fwd.alpha1_ms + w->bwd.alpha1_ms,
                                     w->fwd.alpha2_ms + w->bwd.alpha2_ms, 0};
            t[n0] = ps_cost_comp_ms(&cx, &k, c->context, c->s0, NULL, 0);
            s0[n0++] = c->s0;
        }
    }
    assert_true(n0 >= 3);
    for (int i = 1; i < n0; i++) {
        assert_true(s0[i] < s0[i - 1]);
        assert_true(fabs(t[i] - t[0]) < 1e-3 * t[0]);
    }
    assert_true(any_hybrid);
    ps_chunking_fini(&ch);
    ps_scenario_fini(&sc);
}

/* ---- sliced schedules ------------------------------------------------------------------------ */

/* A planned, sliced scenario: 2 stages, 3 sequences, elastic K = 3. */
static void sliced_scenario(struct ps_scenario *out, enum ps_ckpt_policy p, double hbm)
{
    struct ps_scenario sc;
    int lengths[3] = {12000, 2500, 1500};
    tiny_scenario(&sc, 2, 4, lengths, 3, hbm);
    sc.workload->plan.slices = 3;
    struct ps_diag d;
    enum ps_status st = ps_workload_plan_with(&sc, PS_GRAN_ELASTIC, p, out, NULL, &d);
    if (st != PS_OK)
        print_error("%s: %s\n", d.path, d.msg);
    assert_int_equal(st, PS_OK);
    assert_true(ps_scenario_has_slices(out));
    ps_scenario_fini(&sc);
}

/* Every family that takes slices gives a schedule that validate accepts and that reads
 * back from its JSON file to the same times when re-simulated. */
static void test_sliced_schedules(void **state)
{
    (void)state;
    const char *names[] = {"gpipe", "1f1b", "1f1b-warmup", "zb-h1", "zb-h2", "greedy", "optimal"};
    for (int pass = 0; pass < 2; pass++) {
        struct ps_scenario sc;
        /* pass 1: tight memory, recomputation (R ops): the optimal solver does not model
         * those, and answers with the shortest other schedule and the core's bound */
        sliced_scenario(&sc, pass == 0 ? PS_CKPT_NONE : PS_CKPT_FULL, pass == 0 ? 10 : 0.6);
        assert_int_equal(ps_scenario_has_recompute(&sc), pass == 1);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            const struct ps_solver *sv = ps_solver_find(names[i]);
            struct ps_params none = {0};
            struct ps_schedule *s = NULL;
            struct ps_diag d;
            enum ps_status st = ps_solver_run(sv, &sc, &none, NULL, &s, &d);
            if (pass == 1 && strcmp(names[i], "optimal") == 0) {
                assert_int_equal(st, PS_OK);
                assert_non_null(strstr(s->solver.error, "recomputation"));
                assert_int_equal(s->solver.bound_ns, ps_lower_bound_ns(&sc));
                assert_true(s->solver.status == PS_SOLVE_FEASIBLE ||
                            s->solver.status == PS_SOLVE_OPTIMAL);
            }
            if (st != PS_OK)
                print_error("%s: %s: %s\n", names[i], d.path, d.msg);
            assert_int_equal(st, PS_OK);
            int nv = -1;
            if (ps_schedule_validate(s, &d, &nv) != PS_OK)
                print_error("%s: %s: %s\n", names[i], d.path, d.msg);
            assert_int_equal(nv, 0);
            size_t n_r = 0;
            for (int dv = 0; dv < s->n_stages; dv++)
                for (size_t k = 0; k < s->dev_n[dv]; k++)
                    n_r += s->dev_ops[dv][k].kind == PS_OP_R;
            assert_true(pass == 0 ? n_r == 0 : n_r > 0);
            /* the file, read back and simulated again */
            struct ps_buf b;
            ps_buf_init(&b);
            assert_int_equal(ps_export_schedule_json(s, &b), PS_OK);
            struct ps_loaded_schedule ls;
            assert_int_equal(ps_import_schedule_json(b.data, b.len, &ls, NULL, &d), PS_OK);
            assert_int_equal(ps_schedule_validate(ls.sched, &d, &nv), PS_OK);
            assert_int_equal(ps_sim_run(ls.sched, &d), PS_OK);
            assert_true(ls.sched->makespan_ns == s->makespan_ns);
            ps_loaded_schedule_fini(&ls);
            ps_buf_fini(&b);
            ps_schedule_free(s);
        }
        /* the families without a rule for slices say so */
        for (int k = 0; k < 2; k++) {
            struct ps_params none = {0};
            struct ps_schedule *s = NULL;
            struct ps_diag d;
            const struct ps_solver *sv = ps_solver_find(k ? "zb-v" : "interleaved");
            assert_int_equal(ps_solver_run(sv, &sc, &none, NULL, &s, &d), PS_EUNSUPPORTED);
            assert_non_null(strstr(d.msg, "token slices"));
        }
        ps_scenario_fini(&sc);
    }
}

/* A validated schedule whose slices run out of order is a violation. */
static void test_slice_order_violation(void **state)
{
    (void)state;
    struct ps_scenario sc;
    sliced_scenario(&sc, PS_CKPT_NONE, 10);
    struct ps_schedule *s = ps_schedule_new(&sc, "t", 1, PS_TRAVERSAL_LOOP, false);
    /* B in microbatch order: wrong for the slices */
    for (int dv = 0; dv < 2; dv++) {
        for (int m = 0; m < sc.n_microbatches; m++)
            assert_int_equal(ps_schedule_push(s, dv, PS_OP_F, 0, m), PS_OK);
        for (int m = 0; m < sc.n_microbatches; m++)
            assert_int_equal(ps_schedule_push(s, dv, PS_OP_B, 0, m), PS_OK);
    }
    struct ps_diag d;
    assert_int_equal(ps_sim_run(s, &d), PS_EINVAL);
    assert_non_null(strstr(d.msg, "backward rank"));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* ---- planning errors ------------------------------------------------------------------------ */

static void test_plan_errors(void **state)
{
    (void)state;
    struct ps_scenario sc, out;
    int lengths[3] = {12000, 2500, 1500};
    tiny_scenario(&sc, 2, 4, lengths, 3, 0.05); /* 50 MB: nothing fits */
    struct ps_diag d;
    struct ps_wl_report rep;
    assert_int_equal(ps_workload_plan_with(&sc, PS_GRAN_ELASTIC, PS_CKPT_ADAPTIVE, &out, &rep, &d),
                     PS_EINVAL);
    assert_string_equal(d.path, "workload");
    assert_non_null(strstr(d.msg, "no plan fits the memory (elastic, adaptive)"));
    assert_non_null(strstr(d.msg, "stage 0 needs"));
    assert_non_null(strstr(d.msg, "even with full recomputation"));
    assert_true(rep.n_tries > 0);
    /* without recomputation the message says so */
    assert_int_equal(ps_workload_plan_with(&sc, PS_GRAN_BATCH, PS_CKPT_NONE, &out, &rep, &d),
                     PS_EINVAL);
    assert_non_null(strstr(d.msg, "without recomputation"));
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i4_windows),
        cmocka_unit_test(test_i7_variables),
        cmocka_unit_test(test_ckpt_ilp_brute_force),
        cmocka_unit_test(test_partition_dp_brute_force),
        cmocka_unit_test(test_granularity),
        cmocka_unit_test(test_sliced_schedules),
        cmocka_unit_test(test_slice_order_violation),
        cmocka_unit_test(test_plan_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
