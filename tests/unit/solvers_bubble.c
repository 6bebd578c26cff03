/* The bubble breakdown (docs/model.md, "Bubble breakdown"): for every schedule family, on the
 * presets and on random scenarios under every communication arrangement, the causes of each
 * device add up exactly to its idle time, and in total to the bubble ratio; and the causes of
 * small cases worked by hand. Also: an order's peak memory is the simulated one. */
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
#include "presets/presets.h"
#include "solvers/solver.h"

#define MS(x) ((int64_t)llround((x)*1e6))

static struct ps_schedule *run(const struct ps_scenario *sc, const char *name, const char *kv)
{
    const struct ps_solver *sv = ps_solver_find(name);
    assert_non_null(sv);
    struct ps_params p = {0};
    struct ps_diag d;
    if (kv != NULL)
        assert_int_equal(ps_params_parse_kv(&p, kv, &d), PS_OK);
    struct ps_schedule *s = NULL;
    enum ps_status st = ps_solver_run(sv, sc, &p, NULL, &s, &d);
    if (st != PS_OK)
        return NULL; /* e.g. a blocking order that deadlocks: not this test's business */
    return s;
}

/* Per device: the causes add up to makespan - busy; in total to the bubble ratio. */
static void check_sums(const struct ps_schedule *s, const char *what)
{
    if (!s->timed || s->makespan_ns <= 0)
        return;
    int64_t idle = 0, total[PS_BUBBLE_COUNT];
    for (int d = 0; d < s->n_stages; d++) {
        int64_t sum = 0;
        for (int c = 0; c < PS_BUBBLE_COUNT; c++) {
            int64_t v = s->bubble_ns[(size_t)d * PS_BUBBLE_COUNT + c];
            if (v < 0)
                fail_msg("%s: device %d: %s = %lld < 0", what, d, ps_bubble_cause_str(c),
                         (long long)v);
            sum += v;
        }
        if (sum != s->makespan_ns - s->busy_ns[d])
            fail_msg("%s: device %d: causes add up to %lld ns, idle is %lld ns", what, d,
                     (long long)sum, (long long)(s->makespan_ns - s->busy_ns[d]));
        idle += sum;
    }
    ps_bubble_totals(s, total);
    double ratio = 0;
    for (int c = 0; c < PS_BUBBLE_COUNT; c++)
        ratio += (double)total[c] / ((double)s->n_stages * (double)s->makespan_ns);
    if (fabs(ratio - s->bubble_ratio) > 1e-12)
        fail_msg("%s: causes %.17g, bubble ratio %.17g", what, ratio, s->bubble_ratio);
    if (s->sc->arrangement == PS_ARRANGE_DECOUPLED && total[PS_BUBBLE_RENDEZVOUS] != 0)
        fail_msg("%s: a rendezvous wait without a rendezvous", what);
    if (!s->sc->has_memory_limit && total[PS_BUBBLE_MEMORY] != 0)
        fail_msg("%s: a memory wait without a memory limit", what);
    if (!s->sc->has_data_parallel && total[PS_BUBBLE_DP] != 0)
        fail_msg("%s: an all-gather wait without data parallelism", what);
}

/* Stepping through time: the breakdown probed at t agrees with the whole one (all of it
 * before the makespan; no cause while a device computes, one while it idles), and the
 * memory at t peaks at the simulated peak. */
static void check_probes(const struct ps_schedule *s, const char *what)
{
    if (!s->timed || s->makespan_ns <= 0)
        return;
    int n = s->n_stages;
    int *cause = calloc((size_t)n, sizeof *cause);
    int64_t *before = calloc((size_t)n * PS_BUBBLE_COUNT, sizeof *before);
    assert_int_equal(ps_bubble_at(s, s->makespan_ns, cause, before), PS_OK);
    for (int i = 0; i < n * PS_BUBBLE_COUNT; i++)
        if (before[i] != s->bubble_ns[i])
            fail_msg("%s: idle before the makespan %lld, breakdown %lld (device %d)", what,
                     (long long)before[i], (long long)s->bubble_ns[i], i / PS_BUBBLE_COUNT);
    for (int d = 0; d < n; d++) {
        /* a few instants: the middle of ops and of the gaps before them */
        size_t step = s->dev_n[d] / 4 + 1;
        for (size_t i = 0; i < s->dev_n[d]; i += step) {
            const struct ps_op *op = &s->dev_ops[d][i];
            int64_t prev = i > 0 ? s->dev_ops[d][i - 1].end_ns : 0;
            if (op->end_ns > op->start_ns) {
                assert_int_equal(ps_bubble_at(s, (op->start_ns + op->end_ns) / 2, cause, NULL),
                                 PS_OK);
                if (cause[d] != -1)
                    fail_msg("%s: device %d charged idle while it computes", what, d);
            }
            if (op->start_ns > prev) {
                assert_int_equal(ps_bubble_at(s, (prev + op->start_ns) / 2, cause, NULL), PS_OK);
                if (cause[d] < 0)
                    fail_msg("%s: device %d idles with no cause", what, d);
            }
        }
        double peak = 0;
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            double m = ps_memory_at(s, d, s->dev_ops[d][i].start_ns);
            peak = m > peak ? m : peak;
        }
        if (fabs(peak - s->peak_memory[d]) > 1e-9)
            fail_msg("%s: device %d: memory over time peaks at %g, simulated %g", what, d, peak,
                     s->peak_memory[d]);
        if (fabs(ps_memory_at(s, d, s->makespan_ns)) > 1e-9)
            fail_msg("%s: device %d holds %g units at the end", what, d,
                     ps_memory_at(s, d, s->makespan_ns));
    }
    free(cause);
    free(before);
}

/* Every family but the optimal solver (its own test below), with their shapes. */
static const char *const runs[][2] = {
    {"gpipe", NULL},
    {"1f1b", NULL},
    {"1f1b", "split_backward=true"},
    {"interleaved", NULL},
    {"interleaved", "chunks=3"},
    {"zb-h1", NULL},
    {"zb-h2", NULL},
    {"zb-v", NULL},
    {"1f1b-warmup", NULL},
    {"geopipe", NULL},
    {"greedy", NULL},
    {"greedy", "n_sub=4"},
};

static void check_all(const struct ps_scenario *base, const char *label)
{
    for (int a = 0; a < PS_ARRANGE_COUNT; a++) {
        struct ps_scenario sc;
        assert_int_equal(ps_scenario_copy(&sc, base), PS_OK);
        sc.arrangement = (enum ps_arrangement)a;
        for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
            struct ps_schedule *s = run(&sc, runs[r][0], runs[r][1]);
            if (s == NULL)
                continue;
            char what[160];
            snprintf(what, sizeof what, "%s, %s, %s %s", label, ps_arrangement_str(sc.arrangement),
                     runs[r][0], runs[r][1] ? runs[r][1] : "");
            check_sums(s, what);
            check_probes(s, what);
            /* the peak of the order alone is the simulated peak (the layout search relies on
             * it to skip timing what cannot fit) */
            double *peak = calloc((size_t)s->n_stages, sizeof *peak);
            ps_schedule_order_peak(s, peak);
            for (int d = 0; d < s->n_stages; d++)
                if (fabs(peak[d] - s->peak_memory[d]) > 1e-12)
                    fail_msg("%s: device %d: order peak %g, simulated %g", what, d, peak[d],
                             s->peak_memory[d]);
            free(peak);
            ps_schedule_free(s);
        }
        ps_scenario_fini(&sc);
    }
}

static void test_presets(void **state)
{
    (void)state;
    static const char *const names[] = {"default", "teaching", "crosspipe-fig8", "m70-4dc-lat2-bw2",
                                        "geopipe-llama2-72b"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(ps_preset_load(names[i], &sc, &d), PS_OK);
        check_all(&sc, names[i]);
        ps_scenario_fini(&sc);
    }
}

static double rnd(unsigned *seed, int n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (double)((*seed >> 16) % (unsigned)n);
}

/* Random scenarios with everything on: uneven DCs, intra and inter delays, bandwidths, data
 * parallelism, per-microbatch scales, memory limits. */
static void test_random(void **state)
{
    (void)state;
    unsigned seed = 11;
    for (int iter = 0; iter < 25; iter++) {
        struct ps_scenario sc;
        int dcs = 1 + (int)rnd(&seed, 3), per = 1 + (int)rnd(&seed, 3);
        int M = 1 + (int)rnd(&seed, 10);
        assert_int_equal(ps_scenario_make_uniform(&sc, dcs, per, M, 1 + rnd(&seed, 3),
                                                  1 + rnd(&seed, 3), rnd(&seed, 3)),
                         PS_OK);
        sc.dcs[0].stages += (int)rnd(&seed, 2);
        sc.n_stages = 0;
        for (int i = 0; i < dcs; i++)
            sc.n_stages += sc.dcs[i].stages;
        sc.activation_mb = rnd(&seed, 3);
        sc.inter_dc.latency_ms = rnd(&seed, 4) * 0.5;
        sc.inter_dc.bandwidth_gbps = rnd(&seed, 3) * 4;
        sc.intra_dc.latency_ms = rnd(&seed, 2) * 0.25;
        sc.intra_dc.bandwidth_gbps = rnd(&seed, 2) * 16;
        if (rnd(&seed, 2) > 0) {
            sc.has_data_parallel = true;
            sc.allgather_ms = rnd(&seed, 4);
            sc.reduce_scatter_ms = rnd(&seed, 4);
        }
        if (rnd(&seed, 3) > 0) {
            sc.has_memory_limit = true;
            sc.memory_limit = sc.n_stages * (1 + rnd(&seed, 3) * 0.5);
        }
        if (rnd(&seed, 2) > 0) {
            sc.per_microbatch = calloc((size_t)M, sizeof *sc.per_microbatch);
            for (int m = 0; m < M; m++)
                sc.per_microbatch[m] =
                    (struct ps_mb_scale){.compute_scale = 0.5 + rnd(&seed, 3) * 0.5,
                                         .activation_scale = rnd(&seed, 3) * 0.5,
                                         .memory_scale = 1};
            for (int m = 0; m < M; m++)
                sc.per_microbatch[m].memory_scale = sc.per_microbatch[m].compute_scale;
        }
        struct ps_diag d;
        if (ps_scenario_validate(&sc, &d) != PS_OK)
            fail_msg("random scenario: %s: %s", d.path, d.msg);
        char label[32];
        snprintf(label, sizeof label, "random %d", iter);
        check_all(&sc, label);
        ps_scenario_fini(&sc);
    }
}

/* The optimal solver too, on a case it proves quickly. */
static void test_optimal(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("crosspipe-fig8", &sc, &d), PS_OK);
    struct ps_schedule *s = run(&sc, "optimal", "node_limit=1");
    assert_non_null(s);
    check_sums(s, "optimal crosspipe-fig8");
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* By hand: S=2 over two DCs, one microbatch, F=1, B=2, latency 3. Device 0 runs F [0,1] and
 * waits for the gradient until 10: its producer (B on device 1) ends at 7, so [1,7) is fill
 * and [7,10) the cross-DC link. Device 1 waits for the activation [0,4): [0,1) fill, [1,4)
 * the link; after its B it is idle [7,12): end. */
static void test_by_hand(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 1, 1, 1, 2, 0), PS_OK);
    sc.inter_dc.latency_ms = 3;
    struct ps_schedule *s = run(&sc, "1f1b", NULL);
    assert_int_equal(s->makespan_ns, MS(12));
    const int64_t *b0 = s->bubble_ns, *b1 = s->bubble_ns + PS_BUBBLE_COUNT;
    assert_int_equal(b0[PS_BUBBLE_FILL], MS(6));
    assert_int_equal(b0[PS_BUBBLE_CROSS_DC], MS(3));
    assert_int_equal(b0[PS_BUBBLE_END], 0);
    assert_int_equal(b1[PS_BUBBLE_FILL], MS(1));
    assert_int_equal(b1[PS_BUBBLE_CROSS_DC], MS(3));
    assert_int_equal(b1[PS_BUBBLE_END], MS(5));
    ps_schedule_free(s);
    /* The same inside one DC: the link is intra-DC. */
    ps_scenario_fini(&sc);
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 2, 1, 1, 2, 0), PS_OK);
    sc.intra_dc.latency_ms = 3;
    s = run(&sc, "1f1b", NULL);
    assert_int_equal(s->bubble_ns[PS_BUBBLE_INTRA_DC], MS(3));
    assert_int_equal(s->bubble_ns[PS_BUBBLE_CROSS_DC], 0);
    ps_schedule_free(s);
    /* Data parallel: an all-gather of 2 ms delays device 0's first forward: [0,2) dp. */
    sc.has_data_parallel = true;
    sc.allgather_ms = 2;
    s = run(&sc, "1f1b", NULL);
    assert_int_equal(s->bubble_ns[PS_BUBBLE_DP], MS(2));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_presets),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_optimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
