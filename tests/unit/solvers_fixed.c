/* The fixed schedule families against their closed forms (ZB paper, Megatron, the
 * CrossPipe and GeoPipe notes in research/), what communication delays do to them, and
 * a randomized check that every family gives a complete, valid, deadlock-free order. */
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
#include "solvers/solver.h"

#define MS(x) ((int64_t)llround((x)*1e6))

/* Runs schedule `name` with params "k=v" (NULL-terminated) and returns the schedule;
 * fails the test on any error or an invalid result. */
static struct ps_schedule *run_v(const struct ps_scenario *sc, const char *name, va_list ap)
{
    const struct ps_solver *sv = ps_solver_find(name);
    if (sv == NULL)
        fail_msg("no solver %s", name);
    struct ps_params p = {0};
    struct ps_diag d;
    const char *kv;
    while ((kv = va_arg(ap, const char *)) != NULL)
        assert_int_equal(ps_params_parse_kv(&p, kv, &d), PS_OK);
    struct ps_schedule *s = NULL;
    enum ps_status st = ps_solver_run(sv, sc, &p, NULL, &s, &d);
    if (st != PS_OK)
        fail_msg("%s: %s: %s: %s", name, ps_status_str(st), d.path, d.msg);
    assert_non_null(s);
    assert_true(s->timed);
    int nv = 0;
    if (ps_schedule_validate(s, &d, &nv) != PS_OK)
        fail_msg("%s: invalid schedule: %s: %s", name, d.path, d.msg);
    return s;
}

static struct ps_schedule *run(const struct ps_scenario *sc, const char *name, ...)
{
    va_list ap;
    va_start(ap, name);
    struct ps_schedule *s = run_v(sc, name, ap);
    va_end(ap);
    return s;
}

static int64_t makespan(const struct ps_scenario *sc, const char *name, ...)
{
    va_list ap;
    va_start(ap, name);
    struct ps_schedule *s = run_v(sc, name, ap);
    va_end(ap);
    int64_t ms = s->makespan_ns;
    ps_schedule_free(s);
    return ms;
}

/* Longest per-device span (first start to last end): the ZB paper's bubble is this minus
 * the device's work, since it removes the synchronisation before the optimizer step. */
static int64_t max_span(const struct ps_schedule *s, int64_t *min_span)
{
    int64_t hi = 0, lo = INT64_MAX;
    for (int dev = 0; dev < s->n_stages; dev++) {
        int64_t first = INT64_MAX, last = 0;
        for (size_t i = 0; i < s->dev_n[dev]; i++) {
            const struct ps_op *op = &s->dev_ops[dev][i];
            if (op->start_ns < first)
                first = op->start_ns;
            if (op->end_ns > last)
                last = op->end_ns;
        }
        if (last - first > hi)
            hi = last - first;
        if (last - first < lo)
            lo = last - first;
    }
    if (min_span != NULL)
        *min_span = lo;
    return hi;
}

static const char *param_of(const struct ps_schedule *s, const char *key)
{
    for (int i = 0; i < s->solver.n_params; i++)
        if (strcmp(s->solver.params[i].key, key) == 0)
            return s->solver.params[i].value;
    return NULL;
}

/* ---- the Zero Bubble paper's example: S=4, M=12, F=5, B=6, W=4 ------------------------ */

static void test_zb_paper_example(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 12, 5, 6, 4), PS_OK);
    int S = 4, M = 12;
    double F = 5, B = 6, W = 4;

    assert_int_equal(makespan(&sc, "1f1b", NULL), MS(225)); /* (M+S-1)(F+B+W) */
    assert_int_equal(makespan(&sc, "1f1b", "split_backward=true", NULL), MS(213));

    struct ps_schedule *h1 = run(&sc, "zb-h1", NULL);
    assert_int_equal(h1->makespan_ns, MS(M * (F + B + W) + (S - 1) * (F + B - W))); /* 201 */
    assert_true(h1->peak_memory[0] <= S + 1e-9);
    for (int dev = 0; dev < S; dev++)
        assert_true(h1->peak_memory[dev] <= S + 1e-9);
    ps_schedule_free(h1);

    /* ZB-H2: the paper's bubble (S-1)(F+B-2W) = 9 is per device (first op to last op,
     * the optimizer synchronisation being removed): the longest span is M(F+B+W) + 9.
     * The makespan adds the last device's start offset (S-1)F: 195. */
    struct ps_schedule *h2 = run(&sc, "zb-h2", NULL);
    assert_int_equal(max_span(h2, NULL), MS(M * (F + B + W) + (S - 1) * (F + B - 2 * W)));
    assert_int_equal(h2->makespan_ns, MS(195));
    assert_true(fabs(h2->peak_memory[0] - (2 * S - 1)) < 1e-9);
    for (int dev = 0; dev < S; dev++)
        assert_true(h2->peak_memory[dev] <= 2 * S - 1 + 1e-9);
    ps_schedule_free(h2);

    struct ps_schedule *v = run(&sc, "zb-v", NULL);
    assert_int_equal(v->makespan_ns, MS(189));
    for (int dev = 0; dev < S; dev++)
        assert_true(v->peak_memory[dev] <= S + 1e-9);
    ps_schedule_free(v);
    ps_scenario_fini(&sc);
}

/* ---- unit times F=B=W=1, S=4, M=8 ----------------------------------------------------- */

static void test_unit_times(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 1, 1), PS_OK);
    assert_int_equal(makespan(&sc, "zb-h1", NULL), MS(27));
    assert_int_equal(makespan(&sc, "1f1b", NULL), MS(33));
    assert_int_equal(makespan(&sc, "gpipe", NULL), MS(33));

    /* Interleaved, loop: bubble (S-1)(F+B+W)/V, stage 0 holds V*S+S-1 chunks. */
    static const struct {
        int V;
        double makespan;
    } il[] = {{2, 28.5}, {3, 27}, {4, 26.25}};
    for (size_t i = 0; i < sizeof il / sizeof il[0]; i++) {
        char kv[32];
        snprintf(kv, sizeof kv, "chunks=%d", il[i].V);
        struct ps_schedule *s = run(&sc, "interleaved", kv, NULL);
        int V = il[i].V;
        assert_int_equal(s->chunks, V);
        /* V=3: chunks of 1/3 ms are rounded to whole ns (333333 + 333334 + 333333). */
        assert_true(llabs(s->makespan_ns - MS(il[i].makespan)) <= 16);
        assert_true(llabs(s->makespan_ns - MS(24 + 3.0 * 3 / V)) <= 16);
        assert_true(fabs(s->peak_memory[0] - (double)(V * 4 + 4 - 1) / V) < 1e-9);
        ps_schedule_free(s);
    }

    /* ZB-H2 and ZB-V: zero bubble on every device (span = its work, 24). */
    const char *zero[] = {"zb-h2", "zb-v"};
    for (size_t i = 0; i < 2; i++) {
        struct ps_schedule *s = run(&sc, zero[i], NULL);
        int64_t lo;
        assert_int_equal(max_span(s, &lo), MS(24));
        assert_int_equal(lo, MS(24));
        ps_schedule_free(s);
    }
    ps_scenario_fini(&sc);
}

/* ---- GPipe and 1F1B: (M+S-1)(F+B), and a slow middle boundary ------------------------ */

static void test_gpipe_1f1b_delays(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 8, 1, 2, 0), PS_OK);
    struct ps_schedule *s = run(&sc, "1f1b", NULL);
    assert_int_equal(s->makespan_ns, MS(33));
    assert_true(fabs(s->bubble_ratio - 3.0 / 11.0) < 1e-12);
    for (int dev = 0; dev < 4; dev++)
        assert_true(fabs(s->peak_memory[dev] - (4 - dev)) < 1e-9);
    ps_schedule_free(s);
    s = run(&sc, "gpipe", NULL);
    assert_int_equal(s->makespan_ns, MS(33));
    assert_true(fabs(s->peak_memory[0] - 8) < 1e-9);
    ps_schedule_free(s);

    static const double lat[] = {0.5, 1, 2, 3.7};
    for (size_t i = 0; i < sizeof lat / sizeof lat[0]; i++) {
        double L = lat[i];
        sc.inter_dc.latency_ms = L;
        assert_int_equal(makespan(&sc, "gpipe", NULL), MS(33 + 2 * L));
        assert_int_equal(makespan(&sc, "1f1b", NULL), MS(33 + 8 * L));
    }
    /* Transmission 2 ms (1 MB at 4 Gb/s), no latency: queues form under GPipe. */
    sc.inter_dc.latency_ms = 0;
    sc.inter_dc.bandwidth_gbps = 4;
    sc.activation_mb = 1;
    assert_int_equal(makespan(&sc, "gpipe", NULL), MS(44));
    assert_int_equal(makespan(&sc, "1f1b", NULL), MS(49));
    ps_scenario_fini(&sc);
}

/* What a slow middle boundary does to the other families (F=B=W=1, S=4 as 2+2, M=8).
 * Values from an independent prototype simulator (research notes' model): the loop order
 * crosses the boundary 6 times per microbatch, the V 4 times, the others twice, and how
 * much of it the warm-up hides differs per family. */
static void test_latency_effects(void **state)
{
    (void)state;
    static const struct {
        double L;
        double interleaved, zb_h1, zb_h2, zb_v, onefoneb_split;
    } cases[] = {
        {0, 28.5, 27, 27, 25.5, 30}, {0.5, 31.5, 29, 27.5, 28, 31}, {1, 35, 33, 28, 31, 34},
        {2, 47, 41, 31, 41, 42},     {4, 71, 57, 39, 61, 58},
    };
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 8, 1, 1, 1), PS_OK);
    int64_t prev[5] = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sc.inter_dc.latency_ms = cases[i].L;
        int64_t got[5] = {
            makespan(&sc, "interleaved", NULL),
            makespan(&sc, "zb-h1", NULL),
            makespan(&sc, "zb-h2", NULL),
            makespan(&sc, "zb-v", NULL),
            makespan(&sc, "1f1b", "split_backward=true", NULL),
        };
        double want[5] = {cases[i].interleaved, cases[i].zb_h1, cases[i].zb_h2, cases[i].zb_v,
                          cases[i].onefoneb_split};
        for (int k = 0; k < 5; k++) {
            assert_int_equal(got[k], MS(want[k]));
            assert_true(got[k] >= prev[k]); /* fixed orders: latency never helps */
            prev[k] = got[k];
        }
    }
    ps_scenario_fini(&sc);
}

/* ---- 1F1B with extra warm-up (GeoPipe; seeds-others.md 1.5) --------------------------- */

static void test_1f1b_warmup_one_link(void **state)
{
    (void)state;
    static const struct {
        double c;
        double plain, warm;
        const char *extra;
        const char *in_flight;
    } cases[] = {
        {1, 41, 35, "1,1,0,0", "5,4,2,1"},
        {3, 57, 39, "2,2,0,0", "6,5,2,1"},
        {6, 81, 45, "4,4,0,0", "8,7,2,1"},
    };
    struct ps_scenario sc;
    /* S=4 as 2+2: the slow link is between stages 1 and 2; F=1, B=2 combined. */
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 8, 1, 2, 0), PS_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sc.inter_dc.latency_ms = cases[i].c;
        assert_int_equal(makespan(&sc, "1f1b", NULL), MS(cases[i].plain));

        struct ps_schedule *s = run(&sc, "1f1b-warmup", NULL); /* auto */
        assert_int_equal(s->makespan_ns, MS(cases[i].warm));
        assert_string_equal(param_of(s, "extra_warmup"), cases[i].extra);
        assert_string_equal(param_of(s, "in_flight"), cases[i].in_flight);
        assert_string_equal(param_of(s, "slow_links"), "inter_dc");
        assert_string_equal(param_of(s, "split_backward"), "false");
        /* The memory it costs shows in the peak: S-s+extra[s]. */
        for (int dev = 0; dev < 4; dev++)
            assert_true(fabs(s->peak_memory[dev] - (cases[i].in_flight[2 * dev] - '0')) < 1e-9);
        ps_schedule_free(s);

        char kv[64];
        snprintf(kv, sizeof kv, "extra_warmup=%s", cases[i].extra);
        assert_int_equal(makespan(&sc, "1f1b-warmup", kv, NULL), MS(cases[i].warm));
    }
    /* Same delay as a transmission (bandwidth) instead of a latency: 3 ms = 3 MB at 8 Gb/s. */
    sc.inter_dc.latency_ms = 0;
    sc.inter_dc.bandwidth_gbps = 8;
    sc.activation_mb = 3;
    struct ps_schedule *s = run(&sc, "1f1b-warmup", NULL);
    assert_string_equal(param_of(s, "extra_warmup"), "2,2,0,0");
    assert_int_equal(s->makespan_ns, MS(39));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_1f1b_warmup_two_links(void **state)
{
    (void)state;
    struct ps_scenario sc;
    /* S=8, M=32 over three DCs (3+3+2): slow links 2->3 and 5->6, c = 3. */
    assert_int_equal(ps_scenario_make_uniform(&sc, 3, 3, 32, 1, 2, 0), PS_OK);
    sc.dcs[2].stages = 2;
    sc.n_stages = 8;
    assert_int_equal(ps_scenario_validate(&sc, NULL), PS_OK);
    sc.inter_dc.latency_ms = 3;
    assert_int_equal(makespan(&sc, "1f1b", NULL), MS(219));
    struct ps_schedule *s = run(&sc, "1f1b-warmup", NULL);
    assert_string_equal(param_of(s, "extra_warmup"), "4,4,4,2,2,2,0,0");
    assert_string_equal(param_of(s, "in_flight"), "12,11,10,7,6,5,2,1");
    assert_int_equal(s->makespan_ns, MS(129));
    ps_schedule_free(s);
    /* One number for all stages, and the list form. */
    assert_int_equal(makespan(&sc, "1f1b-warmup", "extra_warmup=4,4,4,2,2,2,0,0", NULL), MS(129));
    s = run(&sc, "1f1b-warmup", "extra_warmup=0", NULL);
    assert_int_equal(s->makespan_ns, MS(219));
    assert_string_equal(param_of(s, "extra_warmup"), "0,0,0,0,0,0,0,0");
    ps_schedule_free(s);
    /* slow_links=all also counts intra-DC links that have a delay. */
    sc.intra_dc.latency_ms = 0.5;
    s = run(&sc, "1f1b-warmup", "slow_links=all", NULL);
    assert_string_equal(param_of(s, "extra_warmup"), "9,8,7,5,4,3,1,0");
    ps_schedule_free(s);
    s = run(&sc, "1f1b-warmup", NULL);
    assert_string_equal(param_of(s, "extra_warmup"), "4,4,4,2,2,2,0,0");
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* extra_warmup=auto under a memory limit (GeoPipe's HBM cap, seeds-others.md G3): S=8, M=32,
 * c=3 on both slow links; the auto rule wants 4,4,4,2,2,2,0,0 (12 units on stage 0). A limit
 * of L units allows L-1 warm-up forwards, so stage 0 keeps L-8 extra and no stage more than
 * the one before it: exactly the seeds' "cap on dN" of 1, 2, 3 and uncapped. */
static void test_1f1b_warmup_memory_cap(void **state)
{
    (void)state;
    static const struct {
        double limit, makespan;
        const char *extra;
    } cases[] =
        {
            {9, 210, "1,1,1,1,1,1,0,0"},  {10, 201, "2,2,2,2,2,2,0,0"},
            {11, 153, "3,3,3,2,2,2,0,0"}, {12, 129, "4,4,4,2,2,2,0,0"},
            {8, 219, "0,0,0,0,0,0,0,0"}, /* the 1F1B budget leaves no room: plain 1F1B */
        };
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 3, 3, 32, 1, 2, 0), PS_OK);
    sc.dcs[2].stages = 2;
    sc.n_stages = 8;
    sc.inter_dc.latency_ms = 3;
    sc.has_memory_limit = true;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sc.memory_limit = cases[i].limit;
        struct ps_schedule *s = run(&sc, "1f1b-warmup", NULL);
        assert_string_equal(param_of(s, "extra_warmup"), cases[i].extra);
        assert_int_equal(s->makespan_ns, MS(cases[i].makespan));
        assert_true(s->memory_ok);
        /* it says what it cut, and only when it cut something */
        const char *note = param_of(s, "note");
        if (cases[i].limit < 12)
            assert_non_null(strstr(note, "capped by the memory limit"));
        else
            assert_null(note);
        ps_schedule_free(s);
        /* the search never does worse than the rule, and stays within memory too */
        s = run(&sc, "geopipe", NULL);
        assert_true(s->memory_ok);
        assert_true(s->makespan_ns <= MS(cases[i].makespan));
        ps_schedule_free(s);
    }
    /* An explicit list is the user's: never capped, flagged when over. */
    sc.memory_limit = 9;
    struct ps_schedule *s = run(&sc, "1f1b-warmup", "extra_warmup=4,4,4,2,2,2,0,0", NULL);
    assert_false(s->memory_ok);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* geopipe on random scenarios: within memory whenever plain 1F1B is, never slower than
 * 1F1B nor than the capped rule, and deterministic. */
static void test_geopipe_random(void **state)
{
    (void)state;
    unsigned seed = 7;
    for (int iter = 0; iter < 40; iter++) {
        struct ps_scenario sc;
        seed = seed * 1103515245u + 12345u;
        int dcs = 1 + (int)(seed >> 16) % 3, per = 1 + (int)(seed >> 20) % 3;
        int M = 2 + (int)(seed >> 8) % 12;
        assert_int_equal(
            ps_scenario_make_uniform(&sc, dcs, per, M, 1, 1 + (seed >> 4) % 2, (seed >> 6) % 2),
            PS_OK);
        sc.inter_dc.latency_ms = (double)((seed >> 12) % 5);
        sc.has_memory_limit = (seed >> 3) % 4 != 0;
        sc.memory_limit = sc.n_stages + (double)((seed >> 24) % 5);
        struct ps_schedule *plain = run(&sc, "1f1b", NULL);
        struct ps_schedule *rule = run(&sc, "1f1b-warmup", NULL);
        struct ps_schedule *g = run(&sc, "geopipe", NULL);
        struct ps_schedule *again = run(&sc, "geopipe", NULL);
        if (plain->memory_ok)
            assert_true(g->memory_ok);
        assert_true(g->makespan_ns <= plain->makespan_ns);
        if (rule->memory_ok)
            assert_true(g->makespan_ns <= rule->makespan_ns);
        assert_int_equal(g->makespan_ns, again->makespan_ns);
        assert_string_equal(param_of(g, "extra_warmup"), param_of(again, "extra_warmup"));
        ps_schedule_free(plain);
        ps_schedule_free(rule);
        ps_schedule_free(g);
        ps_schedule_free(again);
        ps_scenario_fini(&sc);
    }
}

/* A list that grows along the pipeline would deadlock; it is raised, not refused. */
static void test_1f1b_warmup_monotone(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 2, 1), PS_OK);
    struct ps_schedule *s = run(&sc, "1f1b-warmup", "extra_warmup=0,0,3,0", NULL);
    /* warm-up forwards 3,2,4,0 -> 4,4,4,0, i.e. extras 1,2,3,0 */
    assert_string_equal(param_of(s, "extra_warmup"), "1,2,3,0");
    ps_schedule_free(s);
    s = run(&sc, "1f1b-warmup", "extra_warmup=100", "split_backward=yes", NULL);
    assert_true(s->split_backward);
    assert_true(fabs(s->peak_memory[0] - 8) < 1e-9); /* capped at M */
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
    /* A list too long for the record ends in "..." rather than being cut silently. */
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 100, 4, 1, 2, 1), PS_OK);
    s = run(&sc, "1f1b-warmup", "extra_warmup=0", NULL);
    const char *rec = param_of(s, "extra_warmup");
    size_t len = strlen(rec);
    assert_true(len > 100 && len < sizeof s->solver.params[0].value);
    assert_string_equal(rec + len - 5, "0,...");
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* ---- memory limits: flagged, never dropped -------------------------------------------- */

static void test_memory_limit_flags(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 1, 1), PS_OK);
    sc.has_memory_limit = true;
    sc.memory_limit = 4;
    static const struct {
        const char *name;
        bool ok;
    } cases[] = {{"gpipe", false}, {"1f1b", true},   {"interleaved", false},
                 {"zb-h1", true},  {"zb-h2", false}, {"zb-v", true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ps_schedule *s = run(&sc, cases[i].name, NULL);
        assert_int_equal(s->memory_ok, cases[i].ok);
        assert_int_equal(s->solver.status, PS_SOLVE_HEURISTIC);
        assert_true(ps_schedule_n_ops(s) > 0);
        assert_int_equal(s->solver.objective_ns, s->makespan_ns);
        ps_schedule_free(s);
    }
    ps_scenario_fini(&sc);
}

/* ---- weight_ms = 0 and per-stage W: no W ops where there is no W work ------------------ */

static void test_no_weight_ops(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 2, 0), PS_OK);
    const char *names[] = {"zb-h1", "zb-h2", "zb-v"};
    for (size_t i = 0; i < 3; i++) {
        struct ps_schedule *s = run(&sc, names[i], NULL);
        for (int dev = 0; dev < 4; dev++)
            for (size_t k = 0; k < s->dev_n[dev]; k++)
                assert_int_not_equal(s->dev_ops[dev][k].kind, PS_OP_W);
        ps_schedule_free(s);
    }
    ps_scenario_fini(&sc);
}

/* ---- randomized: every family, complete valid orders, no deadlock --------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static double rnd_time(void)
{
    return (double)(1 + rnd(40)) / 4.0;
}

static void random_scenario(struct ps_scenario *sc)
{
    int n_dcs = 1 + (int)rnd(4);
    int per = 1 + (int)rnd(3);
    int S = n_dcs * per;
    int M = 1 + (int)rnd(3 * (uint32_t)S + 4); /* includes M < S and M not a multiple */
    assert_int_equal(ps_scenario_make_uniform(sc, n_dcs, per, M, rnd_time(), rnd_time(),
                                              rnd(4) == 0 ? 0 : rnd_time()),
                     PS_OK);
    if (rnd(2)) { /* uneven DC sizes */
        if (n_dcs > 1 && sc->dcs[0].stages > 1) {
            sc->dcs[0].stages--;
            sc->dcs[1].stages++;
        }
    }
    if (rnd(2)) {
        sc->per_stage = calloc((size_t)S, sizeof *sc->per_stage);
        assert_non_null(sc->per_stage);
        for (int s = 0; s < S; s++) {
            sc->per_stage[s].forward_ms = rnd_time();
            sc->per_stage[s].backward_ms = rnd_time();
            sc->per_stage[s].weight_ms = rnd(3) == 0 ? 0 : rnd_time();
        }
    }
    if (rnd(3) == 0)
        sc->dcs[rnd((uint32_t)n_dcs)].compute_scale = 0.5 + rnd(4) * 0.5;
    sc->activation_mb = rnd(2) ? 0 : 1 + rnd(100);
    sc->inter_dc.latency_ms = rnd(2) ? 0 : rnd_time();
    sc->inter_dc.bandwidth_gbps = rnd(2) ? 0 : 10 + rnd(400);
    sc->intra_dc.latency_ms = rnd(2) ? 0 : 0.01 * rnd(10);
    sc->intra_dc.bandwidth_gbps = rnd(2) ? 0 : 100 + rnd(800);
    if (rnd(2)) {
        sc->has_data_parallel = true;
        sc->allgather_ms = rnd_time();
        sc->reduce_scatter_ms = rnd_time();
    }
    if (rnd(2)) {
        sc->has_memory_limit = true;
        sc->memory_limit = 1 + rnd((uint32_t)S * 2);
    }
    if (rnd(4) == 0) {
        sc->per_microbatch = calloc((size_t)M, sizeof *sc->per_microbatch);
        assert_non_null(sc->per_microbatch);
        for (int m = 0; m < M; m++) {
            sc->per_microbatch[m].compute_scale = 0.5 + rnd(4) * 0.25;
            sc->per_microbatch[m].activation_scale = rnd(3) * 0.5;
            sc->per_microbatch[m].memory_scale = sc->per_microbatch[m].compute_scale;
        }
    }
    struct ps_diag d;
    if (ps_scenario_validate(sc, &d) != PS_OK)
        fail_msg("random scenario invalid: %s: %s", d.path, d.msg);
}

/* The peak memory a family is published to need (SPEC 5 units). */
static double peak_need(const char *name, int V, int S, int M)
{
    if (strcmp(name, "gpipe") == 0 || strcmp(name, "1f1b-warmup") == 0)
        return M;
    if (strcmp(name, "zb-h2") == 0)
        return 2 * S - 1;
    if (strcmp(name, "interleaved") == 0)
        return S + (double)(S - 1) / V;
    return S; /* 1f1b, zb-h1, zb-v */
}

static void test_random_valid(void **state)
{
    (void)state;
    static const char *const runs[][2] = {
        {"gpipe", NULL},
        {"1f1b", NULL},
        {"1f1b", "split_backward=true"},
        {"interleaved", "chunks=2"},
        {"interleaved", "chunks=3"},
        {"interleaved", "chunks=5"},
        {"zb-h1", NULL},
        {"zb-h2", NULL},
        {"zb-v", NULL},
        {"1f1b-warmup", NULL},
        {"1f1b-warmup", "slow_links=all"},
        {"1f1b-warmup", "extra_warmup=3"},
        {"1f1b-warmup", "split_backward=true"},
    };
    for (int iter = 0; iter < 300; iter++) {
        struct ps_scenario sc;
        random_scenario(&sc);
        for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
            struct ps_schedule *s = run(&sc, runs[r][0], runs[r][1], NULL);
            /* the bound holds within the memory limit; over it, without its memory part */
            if (s->memory_ok) {
                assert_true(s->makespan_ns >= s->lower_bound_ns);
            } else {
                struct ps_bound lb;
                ps_lower_bound(&sc, &lb);
                assert_true(s->makespan_ns >= ps_bound_without_memory(&lb));
            }
            assert_int_equal(s->solver.objective_ns, s->makespan_ns);
            assert_true(s->solver.solve_ms >= 0);
            /* Every op of the model is there exactly once (the simulator checks it too). */
            size_t per_mb = (size_t)s->chunks * (size_t)sc.n_stages * 2;
            size_t n_w = 0;
            for (int dev = 0; dev < sc.n_stages; dev++)
                if (ps_schedule_has_w(s, dev))
                    n_w += (size_t)s->chunks;
            assert_int_equal(ps_schedule_n_ops(s), (per_mb + n_w) * (size_t)sc.n_microbatches);
            /* Each family's memory need (units of memory scale 1; capped by M anyway). */
            double need = peak_need(runs[r][0], s->chunks, sc.n_stages, sc.n_microbatches);
            for (int dev = 0; dev < sc.n_stages && sc.per_microbatch == NULL; dev++)
                if (s->peak_memory[dev] > need + 1e-9)
                    fail_msg("%s %s: peak %g on device %d above %g (S=%d M=%d)", runs[r][0],
                             runs[r][1] ? runs[r][1] : "", s->peak_memory[dev], dev, need,
                             sc.n_stages, sc.n_microbatches);
            ps_schedule_free(s);
        }
        ps_scenario_fini(&sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zb_paper_example),       cmocka_unit_test(test_unit_times),
        cmocka_unit_test(test_gpipe_1f1b_delays),      cmocka_unit_test(test_1f1b_warmup_one_link),
        cmocka_unit_test(test_1f1b_warmup_two_links),  cmocka_unit_test(test_1f1b_warmup_monotone),
        cmocka_unit_test(test_1f1b_warmup_memory_cap), cmocka_unit_test(test_geopipe_random),
        cmocka_unit_test(test_memory_limit_flags),     cmocka_unit_test(test_no_weight_ops),
        cmocka_unit_test(test_random_valid),           cmocka_unit_test(test_latency_effects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
