/* Tests of the optimal solver: on small scenarios its makespan equals an exhaustive search
 * over every per-device order (both formulations), it is never worse than the greedy, its
 * output passes validate, and its statuses (optimal, feasible, infeasible, cancelled),
 * progress reports, model file and size guard behave. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sim.h"
#include "core/units.h"
#include "presets/presets.h"
#include "solvers/optimal/internal.h"
#include "solvers/solver.h"
#include "tests/unit/solvers_small_cases.h"

/* Bounds on the work that make every result below the same on every machine: the time
 * limit never binds on these sizes, the node limit would (and then the status says
 * feasible, which the checks refuse), so a pass or a fail never depends on the load. */
#define LIMITS "time_limit=86400 node_limit=50000"

static struct ps_schedule *run(const struct ps_solver *sv, const struct ps_scenario *sc,
                               const char *kvs, const struct ps_solve_ctx *ctx)
{
    char err[512];
    struct ps_schedule *s = small_solve(sv->name, sc, kvs, ctx, err, sizeof err);
    if (s == NULL)
        fail_msg("%s", err);
    return s;
}

static const char *param(const struct ps_schedule *s, const char *key)
{
    return small_param(s, key);
}

static int64_t exhaustive(const struct ps_scenario *sc, int V, enum ps_traversal tr,
                          long max_combos, long *count)
{
    int64_t best = small_exhaustive(sc, V, tr, max_combos, count);
    assert_true(best != -2);
    return best;
}

/* The graph of sc's shape with every tightening (j keeps r), but the greedy's start when seq
 * (the warm start is then one microbatch at a time), its static bound in *stat. */
static void shape_graph(struct job *j, struct opt_run *r, const struct ps_scenario *sc,
                        enum ps_traversal tr, bool seq, int64_t *stat)
{
    memset(r, 0, sizeof *r);
    r->sc = sc;
    r->tighten = seq ? T_ALL & ~T_WARM : T_ALL;
    struct ps_diag d;
    assert_int_equal(opt_job_init(j, r, 0, tr, &d), PS_OK);
    assert_int_equal(opt_build_graph(&j->m), PS_OK);
    *stat = opt_static_bound(&j->m);
}

/* The one-device relaxations of sc's shape searched to their optimum (no incumbent to stop
 * at, a large node budget): the largest over the devices, and the static bound in *stat. */
static int64_t relax_optimum(const struct ps_scenario *sc, enum ps_traversal tr, int64_t *stat)
{
    struct opt_run r;
    struct job j;
    shape_graph(&j, &r, sc, tr, false, stat);
    int64_t best = 0;
    for (int dv = 0; dv < j.m.S; dv++) {
        struct opt_relax_result res;
        int64_t v = opt_relax_device(&j.m, dv, 0, INT64_MAX / 4, 2000000, 0, NULL, &res);
        assert_true(res.complete);
        if (v > best)
            best = v;
    }
    opt_job_fini(&j);
    return best;
}

/* The memory-cycle bound of sc's shape (0: none), the static bound in *stat. */
static int64_t cycle_of(const struct ps_scenario *sc, enum ps_traversal tr, int64_t *stat)
{
    struct opt_run r;
    struct job j;
    shape_graph(&j, &r, sc, tr, false, stat);
    int dev;
    int64_t v = opt_memory_cycle_bound(&j.m, &dev);
    assert_true((v > 0) == (dev >= 0));
    opt_job_fini(&j);
    return v;
}

/* n numbers in [0, 1) from the generator state *x (a 64-bit LCG): the random cases. */
static void uniforms(uint64_t *x, double *u, int n)
{
    for (int k = 0; k < n; k++) {
        *x = *x * 6364136223846793005u + 1442695040888963407u;
        u[k] = (double)(*x >> 11) / 9007199254740992.0;
    }
}

/* The small cases (up to SMALL_SUITE_MAX_COMBOS combinations of device orders; the others
 * run in tests/bench/bench_exhaustive): `auto` and `order` equal the exhaustive optimum,
 * proved; `rounded` bounds it (the benchmark checks `rounded` on every case). */
static void test_matches_exhaustive(void **state)
{
    (void)state;
    int improved = 0, ran = 0, searched = 0, raised = 0;
    for (size_t i = 0; i < SMALL_N_CASES; i++) {
        const struct small_case *c = &small_cases[i];
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(small_make(&sc, c, &d), PS_OK);
        struct orders *per = NULL;
        long combos = small_orders(&sc, c->wave ? 2 : 1,
                                   c->wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP, &per);
        small_orders_free(per, sc.n_stages);
        ps_scenario_fini(&sc);
        if (combos > SMALL_SUITE_MAX_COMBOS) {
            print_message("  %-16s %7ld orders: in bench_exhaustive\n", c->id, combos);
            continue;
        }
        /* rounded on the cases it proves in milliseconds; on the others its finest slot
         * model takes seconds, so they check it in the benchmark */
        bool rounded = c->rounded_quick;
        struct small_result r;
        char err[512];
        const char *fail = small_check(c, rounded, LIMITS, &r, err, sizeof err);
        if (fail != NULL)
            fail_msg("%s", fail);
        ran++;
        print_message("  %-16s %7ld orders  exhaustive %7.3f  optimal %7.3f (%s) %7.3f (%s) "
                      "%7.3f (%s)  greedy %7.3f\n",
                      c->id, r.combos, ps_ns_to_ms(r.exhaustive), ps_ns_to_ms(r.optimal[0]),
                      r.form[0], ps_ns_to_ms(r.optimal[1]), r.form[1], ps_ns_to_ms(r.optimal[3]),
                      r.form[3], ps_ns_to_ms(r.greedy));
        if (strcmp(r.form[3], "search") == 0)
            searched++;
        /* the relaxations' optimum bounds the exhaustive one */
        assert_int_equal(small_make(&sc, c, &d), PS_OK);
        int64_t stat,
            relax = relax_optimum(&sc, c->wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP, &stat);
        int64_t cyc = cycle_of(&sc, c->wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP, &stat);
        ps_scenario_fini(&sc);
        assert_true(relax <= r.exhaustive);
        assert_true(cyc <= r.exhaustive);
        if (relax > stat)
            raised++;
        if (r.optimal[0] < r.greedy)
            improved++;
    }
    assert_true(ran >= 16);
    print_message("  the solver beat the greedy on %d of %d cases; the branch-and-bound "
                  "proved %d; the one-device relaxations raised the static bound on %d\n",
                  improved, ran, searched, raised);
    assert_true(searched >= 8);
    assert_true(raised >= 1);
}

/* The branch-and-bound alone (no greedy start, no polish: it starts from one microbatch at a
 * time) on random small scenarios with uneven stage times, latencies, transmission times
 * and memory limits, loop and wave: whenever it says its search is complete, the schedule is the
 * exhaustive optimum, and every leaf it timed agreed with the simulator. */
static void test_bnb_random(void **state)
{
    (void)state;
    uint64_t x = 12345;
    int complete = 0, tried = 0, raised = 0;
    for (int i = 0; i < 40 && tried < 14; i++) {
        double u[9];
        uniforms(&x, u, 9);
        struct small_case c = {"random",
                               {1, 1},
                               3,
                               0.5 + (int)(u[0] * 10) / 10.0,
                               0.5 + (int)(u[1] * 10) / 10.0,
                               0.3 + (int)(u[2] * 8) / 10.0,
                               (int)(u[3] * 5) * 0.5,
                               0,
                               0,
                               0,
                               u[4] < 0.25   ? 0
                               : u[4] < 0.5  ? 1.5
                               : u[4] < 0.75 ? 2
                                             : 2.5,
                               0.5,
                               0,
                               0,
                               u[5] < 0.3,
                               false};
        if (u[6] < 0.4 && !c.wave)
            c.dcs[1] = 2; /* three stages */
        if (c.wave)
            c.dcs[1] = 0; /* one device, both chunks: 58,639 orders at M=3 */
        c.M = c.wave ? 3 : 3 + (u[7] < 0.5);
        if (!c.wave)
            c.inter_tx = (int)(u[8] * 3) * 0.5; /* one stream per channel: its order is fixed */
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(small_make(&sc, &c, &d), PS_OK);
        int V = c.wave ? 2 : 1;
        enum ps_traversal tr = c.wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
        long combos = 0;
        int64_t best = small_exhaustive(&sc, V, tr, 60000, &combos);
        if (best <= 0) {
            ps_scenario_fini(&sc);
            continue;
        }
        tried++;
        char kv[160];
        snprintf(kv, sizeof kv, "traversal=%s tighten=window,lb,energy,mempre,bnb %s",
                 c.wave ? "wave" : "loop", LIMITS);
        struct ps_schedule *s = run(&ps_solver_optimal, &sc, kv, NULL);
        const char *search = param(s, "bnb");
        assert_null(strstr(search, "disagreed"));
        if (strncmp(search, "complete", 8) == 0) {
            complete++;
            assert_int_equal(s->makespan_ns, best);
        }
        if (s->solver.status == PS_SOLVE_OPTIMAL)
            assert_int_equal(s->makespan_ns, best);
        /* the one-device relaxations' optimum: a bound never above the optimum */
        int64_t stat, relax = relax_optimum(&sc, tr, &stat);
        assert_true(relax <= best);
        if (relax > stat)
            raised++;
        print_message("  %s S=%d M=%d f=%.1f b=%.1f w=%.1f lat=%.1f tx=%.1f limit=%.1f: "
                      "exhaustive %.3f (%ld orders), optimal %.3f, search %s, relaxations %.3f\n",
                      c.wave ? "wave" : "loop", sc.n_stages, c.M, c.f, c.b, c.w, c.inter_lat,
                      c.inter_tx, c.limit, ps_ns_to_ms(best), combos, ps_ns_to_ms(s->makespan_ns),
                      search[0] ? search : "-", ps_ns_to_ms(relax));
        ps_schedule_free(s);
        ps_scenario_fini(&sc);
    }
    assert_true(tried >= 10);
    assert_true(complete >= 8);
    print_message("  the one-device relaxations raised the static bound on %d of %d\n", raised,
                  tried);
}

/* A random small case from 10 uniforms u: a loop of 2-3 stages and 3-4 microbatches, uneven
 * F, B and W, latency, transmission, a memory limit or none, data parallelism; with `wave`,
 * two devices holding both chunks each (2 microbatches, no data parallelism), so that each
 * channel carries two streams. */
static struct small_case random_small(const double *u, const char *id, bool wave)
{
    struct small_case c = {id,
                           {1, u[0] < 0.5 ? 1 : 2},
                           3 + (u[1] < 0.5),
                           0.5 + (int)(u[2] * 10) / 10.0,
                           0.5 + (int)(u[3] * 10) / 10.0,
                           0.3 + (int)(u[4] * 8) / 10.0,
                           (int)(u[5] * 6) * 0.5,
                           (int)(u[6] * 3) * 0.5,
                           0,
                           0,
                           u[7] < 0.3 ? 0 : 1 + (int)(u[7] * 4) * 0.5,
                           0.3 + (int)(u[8] * 5) / 10.0,
                           u[9] < 0.2 ? 0.5 : 0,
                           u[9] < 0.2 ? 0.7 : 0,
                           wave,
                           false};
    if (wave) {
        c.dcs[1] = 1;
        c.M = 2;
        c.ag = c.rs = 0;
    }
    return c;
}

/* The one-device relaxations against the exhaustive search on random small cases: loops of
 * two or three stages and waves of two (uneven F, B and W, latency, transmission, memory
 * limits, data parallelism now and then); the wave's channels carry two streams, so the
 * exhaustive search, first-come-first-served, is only an upper bound there. Their optimum
 * never exceeds the exhaustive one, and it must exceed the static bound somewhere, or the
 * check would say little. */
static void test_relax_random(void **state)
{
    (void)state;
    uint64_t x = 777;
    int tried = 0, raised = 0, met = 0;
    int waves = 0;
    for (int i = 0; i < 400 && tried < 44; i++) {
        double u[10];
        uniforms(&x, u, 10);
        /* waves: each channel carries two streams, which the relaxation bounds without
         * timing them (up to 205,209 orders) */
        if (i % 2 == 1 && waves >= 4)
            continue;
        struct small_case c = random_small(u, "relax", i % 2 == 1);
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(small_make(&sc, &c, &d), PS_OK);
        long combos = 0;
        enum ps_traversal tr = c.wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
        int64_t best = small_exhaustive(&sc, c.wave ? 2 : 1, tr, c.wave ? 250000 : 60000, &combos);
        if (best <= 0) {
            ps_scenario_fini(&sc);
            continue;
        }
        tried++;
        waves += c.wave;
        int64_t stat, relax = relax_optimum(&sc, tr, &stat);
        if (relax > best)
            fail_msg("%s S=%d M=%d f=%.1f b=%.1f w=%.1f lat=%.1f tx=%.1f limit=%.1f: the "
                     "relaxations give %.3f above the exhaustive %.3f",
                     c.wave ? "wave" : "loop", sc.n_stages, c.M, c.f, c.b, c.w, c.inter_lat,
                     c.inter_tx, c.limit, ps_ns_to_ms(relax), ps_ns_to_ms(best));
        raised += relax > stat;
        met += relax == best;
        ps_scenario_fini(&sc);
    }
    print_message("  %d random cases (%d waves): the relaxations raised the static bound on %d, "
                  "met the optimum on %d\n",
                  tried, waves, raised, met);
    assert_true(tried >= 40 && waves >= 4);
    assert_true(raised >= 3);
}

/* A run of sc with every tightening but the greedy's start: one microbatch at a time. */
static void sequential_run(struct opt_run *r, const struct ps_scenario *sc)
{
    memset(r, 0, sizeof *r);
    r->sc = sc;
    r->tighten = T_ALL & ~T_WARM;
}

/* The windows bound and its search against the exhaustive search on random small loops
 * (2-3 stages, 3-4 microbatches, uneven F, B and W, latency, transmission, memory limits,
 * data parallelism) and waves of two devices (2 microbatches; the exhaustive search,
 * first-come-first-served on their two-stream channels, is an upper bound there): from the greedy's
 * start or (every other one) from one microbatch at a time, with a node budget, the bound never
 * exceeds the optimum, every schedule a leaf gave simulates at or above it, and a search that ended
 * proved the optimum itself. It must prove most of them, shorten most sequential starts and raise
 * the static bound somewhere, or the check would say little. */
static void test_window_random(void **state)
{
    (void)state;
    uint64_t x = 4242;
    int tried = 0, proved = 0, raised = 0, shorter = 0, n_seq = 0, waves = 0;
    for (int i = 0; i < 600 && (tried - waves < 30 || waves < 6); i++) {
        double u[10];
        uniforms(&x, u, 10);
        bool wave = i % 3 == 2;
        if (wave ? waves >= 6 : tried - waves >= 30)
            continue;
        struct small_case c = random_small(u, "window", wave);
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(small_make(&sc, &c, &d), PS_OK);
        long combos = 0;
        enum ps_traversal tr = c.wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
        int64_t best = small_exhaustive(&sc, c.wave ? 2 : 1, tr, c.wave ? 300000 : 60000, &combos);
        if (best <= 0) {
            ps_scenario_fini(&sc);
            continue;
        }
        tried++;
        waves += c.wave;
        struct opt_run r;
        struct job j;
        int64_t stat;
        bool seq = tried % 2 == 0; /* every other one from one microbatch at a time */
        shape_graph(&j, &r, &sc, tr, seq, &stat);
        assert_int_equal(opt_warm_start(&j.m, NULL, 0, &j.w, &d), PS_OK);
        int64_t start = j.w.ub;
        struct opt_window_result res;
        int64_t v =
            opt_window_bound(&j.m, true, false, true, stat, INT64_MAX, &j.w, 20000, 0, &res);
        assert_int_equal(res.st, PS_OK);
        if (!c.wave) /* a wave's leaf may leave two streams' order to the simulator */
            assert_int_equal(res.mismatches, 0);
        if (v > best || j.w.ub < best)
            fail_msg("%s S=%d M=%d f=%.1f b=%.1f w=%.1f lat=%.1f tx=%.1f limit=%.1f: windows "
                     "bound %.3f, search's schedule %.3f, exhaustive %.3f",
                     c.wave ? "wave" : "loop", sc.n_stages, c.M, c.f, c.b, c.w, c.inter_lat,
                     c.inter_tx, c.limit, ps_ns_to_ms(v), ps_ns_to_ms(j.w.ub), ps_ns_to_ms(best));
        assert_true(opt_sim_ok(j.w.inc) && j.w.inc->makespan_ns == j.w.ub);
        if (v >= j.w.ub) {
            assert_int_equal(j.w.ub, best);
            proved++;
        }
        raised += v > stat;
        shorter += seq && j.w.ub < start;
        n_seq += seq;
        opt_job_fini(&j);
        ps_scenario_fini(&sc);
    }
    print_message("  %d random cases (%d waves): the windows search proved %d, raised the static "
                  "bound on %d, shortened the sequential start on %d of %d\n",
                  tried, waves, proved, raised, shorter, n_seq);
    assert_true(tried - waves >= 30 && waves >= 6);
    assert_true(proved >= tried * 3 / 4);
    assert_true(raised >= 1);
    assert_true(shorter >= n_seq / 2);
}

/* The slot model by satisfiability against the exhaustive search on random small loops
 * (2-3 stages, 3-4 microbatches, uneven F, B and W on a 0.1 ms grid, latency,
 * transmission, memory limits) and waves of two devices (whose exhaustive search,
 * first-come-first-served on two-stream channels, is an upper bound; the slot model
 * orders those channels freely), every other one from one microbatch at a time: its bound
 * never exceeds the optimum, and a schedule it found is simulated at its makespan, the
 * optimum itself (at most the upper bound for waves). Cases with a data-parallel lane are
 * left out (the slot model has none). It must decide most of them and refute some
 * makespans, or the check would say little. */
static void test_sat_random(void **state)
{
    (void)state;
    uint64_t x = 9191;
    int tried = 0, found = 0, refuted = 0, waves = 0;
    for (int i = 0; i < 600 && (tried - waves < 30 || waves < 6); i++) {
        double u[10];
        uniforms(&x, u, 10);
        bool wave = i % 3 == 2;
        if (wave ? waves >= 6 : tried - waves >= 30)
            continue;
        struct small_case c = random_small(u, "sat", wave);
        if (c.ag > 0 || c.rs > 0)
            continue;
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(small_make(&sc, &c, &d), PS_OK);
        long combos = 0;
        enum ps_traversal tr = c.wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
        int64_t best = small_exhaustive(&sc, c.wave ? 2 : 1, tr, c.wave ? 300000 : 60000, &combos);
        if (best <= 0) {
            ps_scenario_fini(&sc);
            continue;
        }
        tried++;
        waves += c.wave;
        struct opt_run r;
        struct job j;
        int64_t stat;
        shape_graph(&j, &r, &sc, tr, tried % 2 == 0, &stat);
        assert_int_equal(opt_warm_start(&j.m, NULL, 0, &j.w, &d), PS_OK);
        assert_true(opt_sat_applies(&j.m, j.w.ub));
        struct opt_sat_result res;
        int64_t v = opt_sat_search(&j.m, true, stat, &j.w, 1000000, 1000, 0, &res);
        assert_int_equal(res.st, PS_OK);
        assert_false(res.too_big);
        assert_int_equal(res.mismatches, 0);
        if (v > best || (res.found && (c.wave ? j.w.ub > best : j.w.ub != best)) ||
            (res.found && v != j.w.ub))
            fail_msg("%s S=%d M=%d f=%.1f b=%.1f w=%.1f lat=%.1f tx=%.1f limit=%.1f: slot "
                     "model's bound %.3f, its schedule %.3f (found: %d), exhaustive %.3f",
                     c.wave ? "wave" : "loop", sc.n_stages, c.M, c.f, c.b, c.w, c.inter_lat,
                     c.inter_tx, c.limit, ps_ns_to_ms(v), ps_ns_to_ms(j.w.ub), res.found,
                     ps_ns_to_ms(best));
        assert_true(opt_sim_ok(j.w.inc) && j.w.inc->makespan_ns == j.w.ub);
        found += res.found || v >= j.w.ub;
        refuted += res.refuted > 0;
        opt_job_fini(&j);
        ps_scenario_fini(&sc);
    }
    print_message("  %d random cases (%d waves): the slot model by satisfiability decided %d, "
                  "refuted a makespan on %d\n",
                  tried, waves, found, refuted);
    assert_true(tried - waves >= 30 && waves >= 6);
    assert_true(found >= tried * 3 / 4);
    assert_true(refuted >= 3);
}

/* A random loop of 2-3 stages and 6 microbatches (uneven F, B and W, latency and
 * transmission up to 2 and 1 ms, a memory limit or none) for the searches' tests. */
static void random_loop(uint64_t *x, const char *name, struct small_case *c, struct ps_scenario *sc)
{
    double u[8];
    uniforms(x, u, 8);
    *c = (struct small_case){name,
                             {1, u[0] < 0.5 ? 1 : 2},
                             6,
                             0.5 + (int)(u[1] * 10) / 10.0,
                             0.5 + (int)(u[2] * 10) / 10.0,
                             0.3 + (int)(u[3] * 8) / 10.0,
                             (int)(u[4] * 5) * 0.5,
                             (int)(u[5] * 3) * 0.5,
                             0,
                             0,
                             u[6] < 0.3 ? 0 : 1.5 + (int)(u[6] * 3) * 0.5,
                             0.5,
                             0,
                             0,
                             false,
                             false};
    struct ps_diag d;
    assert_int_equal(small_make(sc, c, &d), PS_OK);
}

/* The neighbourhood search alone, from one microbatch at a time (no greedy start, no
 * polish), on random loops of 2-3 stages and 6 microbatches (18-36 ops a device, so a
 * window holds a part of each device's order): every schedule it keeps is one the
 * simulator times as the search did, within memory, never longer than the start nor
 * shorter than the optimum (the branch-and-bound's, searched to the end); it must shorten
 * the start every time and reach the optimum often, or the windows would not be searched. */
static void test_lns_random(void **state)
{
    (void)state;
    uint64_t x = 4242;
    int tried = 0, met = 0;
    for (int i = 0; i < 40 && tried < 12; i++) {
        struct small_case c;
        struct ps_scenario sc;
        struct ps_diag d;
        random_loop(&x, "lns", &c, &sc);
        struct opt_run r;
        sequential_run(&r, &sc);
        struct job j;
        assert_int_equal(opt_job_init(&j, &r, 0, PS_TRAVERSAL_LOOP, &d), PS_OK);
        assert_int_equal(opt_build_graph(&j.m), PS_OK);
        assert_int_equal(opt_warm_start(&j.m, NULL, 0, &j.w, &d), PS_OK);
        assert_string_equal(j.w.from, "sequential");
        int64_t start = j.w.ub;
        struct opt_lns_result res;
        assert_int_equal(opt_bnb_lns(&j.m, &j.w, 0, 100000, 2000, NULL, &res), PS_OK);
        assert_int_equal(res.mismatches, 0);
        assert_true(opt_sim_ok(j.w.inc));
        assert_int_equal(j.w.inc->makespan_ns, j.w.ub);
        assert_true(j.w.ub < start);
        int64_t found = j.w.ub;
        /* the optimum: the whole search, from the neighbourhoods' schedule */
        struct opt_bnb_result br;
        assert_int_equal(opt_bnb(&j.m, &j.w, 0, 300000, NULL, &br), PS_OK);
        if (br.complete) {
            tried++;
            assert_true(found >= j.w.ub);
            int64_t stat;
            assert_true(cycle_of(&sc, PS_TRAVERSAL_LOOP, &stat) <= j.w.ub);
            met += found == j.w.ub;
            print_message("  S=%d f=%.1f b=%.1f w=%.1f lat=%.1f tx=%.1f limit=%.1f: start %.3f, "
                          "neighbourhoods %.3f (%ld windows, %ld shorter, %ld nodes), optimum "
                          "%.3f\n",
                          sc.n_stages, c.f, c.b, c.w, c.inter_lat, c.inter_tx, c.limit,
                          ps_ns_to_ms(start), ps_ns_to_ms(found), res.windows, res.better,
                          res.nodes, ps_ns_to_ms(j.w.ub));
        }
        opt_job_fini(&j);
        ps_scenario_fini(&sc);
    }
    print_message("  %d random loops: the neighbourhoods met the optimum on %d\n", tried, met);
    assert_true(tried >= 8);
    assert_true(met >= tried / 2);
}

/* The annealing alone, from one microbatch at a time, on random loops of 2-3 stages and 6
 * microbatches: every schedule it keeps simulates within memory at the makespan it
 * reports, never shorter than the optimum (the branch-and-bound's, searched to the end);
 * it shortens the start every time, a second run makes the same moves (fixed seed), and
 * it reaches the optimum on at least half (all 10 when written), or the moves would not be
 * searching. */
static void test_anneal_random(void **state)
{
    (void)state;
    uint64_t x = 1717;
    int tried = 0, met = 0;
    for (int i = 0; i < 40 && tried < 10; i++) {
        struct small_case c;
        struct ps_scenario sc;
        struct ps_diag d;
        random_loop(&x, "anneal", &c, &sc);
        struct opt_run r;
        sequential_run(&r, &sc);
        int64_t found[2], start = 0;
        struct opt_anneal_result res[2];
        struct job j;
        for (int run = 0; run < 2; run++) {
            if (run == 1)
                opt_job_fini(&j);
            assert_int_equal(opt_job_init(&j, &r, 0, PS_TRAVERSAL_LOOP, &d), PS_OK);
            assert_int_equal(opt_build_graph(&j.m), PS_OK);
            assert_int_equal(opt_warm_start(&j.m, NULL, 0, &j.w, &d), PS_OK);
            assert_string_equal(j.w.from, "sequential");
            start = j.w.ub;
            assert_int_equal(opt_anneal(&j.m, &j.w, 0, 20000, 0, 0, &res[run]), PS_OK);
            assert_true(opt_sim_ok(j.w.inc));
            assert_int_equal(j.w.inc->makespan_ns, j.w.ub);
            assert_int_equal(res[run].best_ns, j.w.ub);
            assert_true(j.w.ub < start);
            found[run] = j.w.ub;
        }
        assert_int_equal(found[0], found[1]);
        assert_int_equal(res[0].moves, res[1].moves);
        assert_int_equal(res[0].accepted, res[1].accepted);
        struct opt_bnb_result br;
        assert_int_equal(opt_bnb(&j.m, &j.w, 0, 300000, NULL, &br), PS_OK);
        if (br.complete) {
            tried++;
            assert_true(found[0] >= j.w.ub);
            met += found[0] == j.w.ub;
            print_message("  S=%d f=%.1f b=%.1f w=%.1f lat=%.1f tx=%.1f limit=%.1f: start %.3f, "
                          "annealed %.3f (%ld moves, %ld taken), optimum %.3f\n",
                          sc.n_stages, c.f, c.b, c.w, c.inter_lat, c.inter_tx, c.limit,
                          ps_ns_to_ms(start), ps_ns_to_ms(found[0]), res[0].moves, res[0].accepted,
                          ps_ns_to_ms(j.w.ub));
        }
        opt_job_fini(&j);
        ps_scenario_fini(&sc);
    }
    print_message("  %d random loops: the annealing met the optimum on %d\n", tried, met);
    assert_true(tried >= 8);
    assert_true(met >= tried / 2);
}

/* The memory-cycle bound against the exhaustive search on random small cases where memory
 * binds: loops of two or three stages (3-4 microbatches) and waves of two devices (two
 * microbatches, latency only, so no channel makes the exhaustive search a mere upper
 * bound), uneven F, B and W, weight shares from 0 to 1, limits from one microbatch's
 * memory up. It never exceeds the optimum, and it must rise above the static bound
 * somewhere, or the check would say little. */
static void test_memory_cycle_random(void **state)
{
    (void)state;
    uint64_t x = 2718;
    int tried = 0, raised = 0, met = 0;
    for (int i = 0; i < 300 && tried < 30; i++) {
        double u[9];
        uniforms(&x, u, 9);
        bool wave = i % 3 == 2;
        struct small_case c = {"cycle",
                               {1, wave ? 1 : (u[0] < 0.5 ? 1 : 2)},
                               wave ? 2 : 3 + (u[1] < 0.4),
                               0.5 + (int)(u[2] * 10) / 10.0,
                               0.5 + (int)(u[3] * 10) / 10.0,
                               0.3 + (int)(u[4] * 8) / 10.0,
                               (int)(u[5] * 6) * 0.5,
                               wave ? 0 : (int)(u[6] * 3) * 0.5,
                               0,
                               0,
                               (wave ? 1 : 1.5) + (int)(u[7] * 3) * 0.5,
                               (int)(u[8] * 5) / 4.0,
                               0,
                               0,
                               wave,
                               false};
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(small_make(&sc, &c, &d), PS_OK);
        long combos = 0;
        enum ps_traversal tr = wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
        int64_t best = small_exhaustive(&sc, wave ? 2 : 1, tr, 120000, &combos);
        if (best <= 0) {
            ps_scenario_fini(&sc);
            continue;
        }
        tried++;
        int64_t stat, cyc = cycle_of(&sc, tr, &stat);
        if (cyc > best)
            fail_msg("%s S=%d M=%d f=%.1f b=%.1f w=%.1f lat=%.1f tx=%.1f limit=%.1f share=%.2f: "
                     "the memory-cycle bound %.3f is above the exhaustive %.3f",
                     wave ? "wave" : "loop", sc.n_stages, c.M, c.f, c.b, c.w, c.inter_lat,
                     c.inter_tx, c.limit, c.weight_share, ps_ns_to_ms(cyc), ps_ns_to_ms(best));
        raised += cyc > stat;
        met += cyc == best;
        ps_scenario_fini(&sc);
    }
    print_message("  %d random cases: the memory-cycle bound rose above the static bound on %d "
                  "and met the optimum on %d\n",
                  tried, raised, met);
    assert_true(tried >= 24);
    assert_true(raised >= 1);
}

/* Jackson's preemptive bound against a slot-by-slot preemptive schedule (every slot, the
 * released job with the largest delivery time runs) on random job sets of 1-300 jobs with
 * many equal releases, which exercise the sort's partitions; the jobs come back sorted by
 * release, none lost. */
static void test_jackson(void **state)
{
    (void)state;
    uint64_t x = 31337;
    enum { MAXJ = 300 };
    struct opt_jjob jj[MAXJ], orig[MAXJ];
    int heap[MAXJ];
    for (int round = 0; round < 400; round++) {
        double u[2];
        uniforms(&x, u, 2);
        int n = 1 + (int)(u[0] * MAXJ), span = 1 + (int)(u[1] * 60);
        for (int i = 0; i < n; i++) {
            double v[3];
            uniforms(&x, v, 3);
            orig[i] = (struct opt_jjob){(int64_t)(v[0] * span), (int64_t)(v[1] * 5),
                                        (int64_t)(v[2] * 30)};
        }
        memcpy(jj, orig, (size_t)n * sizeof *jj);
        int64_t got = opt_jackson(jj, n, heap);
        /* the reference, one time slot at a time */
        int64_t left[MAXJ], want = 0, sum_r = 0, sum_got = 0;
        int done = 0;
        for (int i = 0; i < n; i++) {
            left[i] = orig[i].p;
            sum_r += orig[i].r;
            if (left[i] == 0) {
                done++;
                if (orig[i].r + orig[i].q > want)
                    want = orig[i].r + orig[i].q;
            }
        }
        for (int64_t t = 0; done < n; t++) {
            int pick = -1;
            for (int i = 0; i < n; i++)
                if (left[i] > 0 && orig[i].r <= t && (pick < 0 || orig[i].q > orig[pick].q))
                    pick = i;
            if (pick >= 0 && --left[pick] == 0) {
                done++;
                if (t + 1 + orig[pick].q > want)
                    want = t + 1 + orig[pick].q;
            }
        }
        assert_int_equal(got, want);
        for (int i = 0; i < n; i++) {
            sum_got += jj[i].r;
            if (i > 0)
                assert_true(jj[i - 1].r <= jj[i].r);
        }
        assert_int_equal(sum_got, sum_r);
    }
}

/* The neighbourhood search on random waves of two devices whose channels carry two streams
 * (the forward of chunk 0 and the backward of chunk 1 share each link): it applies there
 * (the whole search does not), it times every channel first come, first served as the
 * simulator does (no disagreement), so its schedules are never below the best of every
 * device order with such channels (the exhaustive search), and from one microbatch at a
 * time it reaches that best on most. */
static void test_lns_two_streams(void **state)
{
    (void)state;
    uint64_t x = 9001;
    int tried = 0, met = 0;
    for (int i = 0; i < 40 && tried < 6; i++) {
        double u[6];
        uniforms(&x, u, 6);
        struct small_case c = {"lns2",
                               {1, 1},
                               2,
                               0.5 + (int)(u[0] * 10) / 10.0,
                               0.5 + (int)(u[1] * 10) / 10.0,
                               0.3 + (int)(u[2] * 8) / 10.0,
                               (int)(u[3] * 4) * 0.5,
                               0.5 + (int)(u[4] * 3) * 0.5,
                               0,
                               0,
                               1.5, /* (unlimited, the orders pass 10^6) */
                               0.3 + (int)(u[5] * 5) / 10.0,
                               0,
                               0,
                               true,
                               false};
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(small_make(&sc, &c, &d), PS_OK);
        long combos = 0;
        int64_t best = small_exhaustive(&sc, 2, PS_TRAVERSAL_WAVE, 400000, &combos);
        if (best <= 0) {
            ps_scenario_fini(&sc);
            continue;
        }
        struct opt_run r;
        memset(&r, 0, sizeof r);
        r.sc = &sc;
        r.tighten = T_ALL & ~T_WARM;
        struct job j;
        assert_int_equal(opt_job_init(&j, &r, 0, PS_TRAVERSAL_WAVE, &d), PS_OK);
        assert_int_equal(opt_build_graph(&j.m), PS_OK);
        assert_false(opt_bnb_applies(&j.m));
        assert_true(opt_lns_applies(&j.m));
        assert_int_equal(opt_warm_start(&j.m, NULL, 0, &j.w, &d), PS_OK);
        int64_t start = j.w.ub;
        struct opt_lns_result res;
        assert_int_equal(opt_bnb_lns(&j.m, &j.w, 0, 200000, 5000, NULL, &res), PS_OK);
        assert_int_equal(res.mismatches, 0);
        assert_true(opt_sim_ok(j.w.inc));
        assert_int_equal(j.w.inc->makespan_ns, j.w.ub);
        assert_true(j.w.ub <= start);
        assert_true(j.w.ub >= best);
        tried++;
        met += j.w.ub == best;
        print_message("  wave f=%.1f b=%.1f w=%.1f lat=%.1f tx=%.1f limit=%.1f: start %.3f, "
                      "neighbourhoods %.3f (%ld windows, %ld shorter), exhaustive %.3f (%ld "
                      "orders)\n",
                      c.f, c.b, c.w, c.inter_lat, c.inter_tx, c.limit, ps_ns_to_ms(start),
                      ps_ns_to_ms(j.w.ub), res.windows, res.better, ps_ns_to_ms(best), combos);
        opt_job_fini(&j);
        ps_scenario_fini(&sc);
    }
    print_message("  %d random waves with two streams per channel: the neighbourhoods met the "
                  "exhaustive best on %d\n",
                  tried, met);
    assert_true(tried >= 4);
    assert_true(met >= tried / 2);
}

/* Unequal messages (per-microbatch activation scales): channel order is then a real
 * choice, which the order model makes with binaries and the slot model per slot. Both
 * prove the same optimum, no longer than any first-come-first-served schedule. */
static void test_unequal_messages(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 1, 4, 1, 1, 1), PS_OK);
    sc.activation_mb = 1;
    sc.inter_dc.bandwidth_gbps = 8; /* 1 ms per MB */
    sc.inter_dc.latency_ms = 0.5;
    sc.has_memory_limit = true;
    sc.memory_limit = 3;
    sc.per_microbatch = calloc(4, sizeof *sc.per_microbatch);
    assert_non_null(sc.per_microbatch);
    const double act[4] = {2, 0.5, 1, 0.5};
    for (int m = 0; m < 4; m++) {
        sc.per_microbatch[m].compute_scale = 1;
        sc.per_microbatch[m].memory_scale = 1;
        sc.per_microbatch[m].activation_scale = act[m];
    }
    struct ps_diag d;
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_OK);
    long combos = 0;
    int64_t fcfs = exhaustive(&sc, 1, PS_TRAVERSAL_LOOP, 4000000, &combos);
    struct ps_schedule *t = run(&ps_solver_optimal, &sc, "formulation=time " LIMITS, NULL);
    struct ps_schedule *o = run(&ps_solver_optimal, &sc, "formulation=order " LIMITS, NULL);
    print_message("  unequal messages: FCFS exhaustive %.3f, time %.3f (%s), order %.3f (%s)\n",
                  ps_ns_to_ms(fcfs), ps_ns_to_ms(t->makespan_ns),
                  ps_solve_status_str(t->solver.status), ps_ns_to_ms(o->makespan_ns),
                  ps_solve_status_str(o->solver.status));
    assert_int_equal(t->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(o->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(t->makespan_ns, o->makespan_ns);
    assert_true(t->makespan_ns <= fcfs);
    ps_schedule_free(t);
    ps_schedule_free(o);
    ps_scenario_fini(&sc);
}

/* Wave with transmissions: chunk 1's activations and chunk 0's gradients share each
 * inter-DC channel, so the channel order is a choice. The two formulations model it
 * independently (order binaries and big-M; one transmission per slot) and must agree;
 * neither may lose to first-come-first-served over every device order. */
static void test_wave_channels(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 1, 2, 1, 1, 1), PS_OK);
    sc.activation_mb = 1;
    sc.inter_dc.bandwidth_gbps = 8; /* 1 ms */
    sc.inter_dc.latency_ms = 0.5;
    sc.has_memory_limit = true;
    sc.memory_limit = 1.5;
    long combos = 0;
    int64_t fcfs = exhaustive(&sc, 2, PS_TRAVERSAL_WAVE, 4000000, &combos);
    struct ps_schedule *t =
        run(&ps_solver_optimal, &sc, "traversal=wave formulation=time " LIMITS, NULL);
    struct ps_schedule *o =
        run(&ps_solver_optimal, &sc, "traversal=wave formulation=order " LIMITS, NULL);
    print_message("  wave channels: FCFS exhaustive %.3f (%ld orders), time %.3f (%s), order %.3f "
                  "(%s)\n",
                  ps_ns_to_ms(fcfs), combos, ps_ns_to_ms(t->makespan_ns),
                  ps_solve_status_str(t->solver.status), ps_ns_to_ms(o->makespan_ns),
                  ps_solve_status_str(o->solver.status));
    assert_int_equal(t->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(o->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(t->makespan_ns, o->makespan_ns);
    assert_true(t->makespan_ns <= fcfs);
    ps_schedule_free(t);
    ps_schedule_free(o);
    ps_scenario_fini(&sc);
}

/* ---- statuses ---------------------------------------------------------------------- */

static void make_2dc(struct ps_scenario *sc, int S, int M, double lat, double limit)
{
    assert_int_equal(ps_scenario_make_uniform(sc, 2, S / 2, M, 1, 1, 1), PS_OK);
    sc->inter_dc.latency_ms = lat;
    if (limit > 0) {
        sc->has_memory_limit = true;
        sc->memory_limit = limit;
    }
}

/* The small heterogeneous case (4 stages over 2 DCs, 5 microbatches, latency 0.5):
 * alone, the loop's search proves 21.5 ms; beside the wave (traversal=auto) the search stops
 * at the shortest schedule found elsewhere, so the loop is beaten, its bound that schedule,
 * and the answer (the wave's) is never above it. */
static void test_search_cutoff(void **state)
{
    (void)state;
    static const double f[4] = {0.8, 1.3, 1.1, 0.9}, b[4] = {1.0, 1.5, 1.2, 0.9},
                        w[4] = {0.7, 1.1, 0.9, 0.8};
    struct ps_scenario sc;
    make_2dc(&sc, 4, 5, 0.5, 4);
    sc.dcs[0].stages = 2;
    sc.dcs[1].stages = 2;
    sc.per_stage = calloc(4, sizeof *sc.per_stage);
    assert_non_null(sc.per_stage);
    for (int i = 0; i < 4; i++)
        sc.per_stage[i] = (struct ps_compute){f[i], b[i], w[i]};
    struct ps_schedule *loop = run(&ps_solver_optimal, &sc, "traversal=loop " LIMITS, NULL);
    assert_int_equal(loop->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(loop->makespan_ns, ps_ms_to_ns(21.5));
    assert_non_null(strstr(param(loop, "bnb"), "complete"));
    /* the wave is not proved here: a small node limit keeps its MILP short */
    struct ps_schedule *any =
        run(&ps_solver_optimal, &sc, "time_limit=86400 node_limit=1000", NULL);
    print_message("  loop alone %.3f (%s); both: %.3f %s, bound %.3f [%s]\n",
                  ps_ns_to_ms(loop->makespan_ns), param(loop, "bnb"), ps_ns_to_ms(any->makespan_ns),
                  ps_solve_status_str(any->solver.status), ps_ns_to_ms(any->solver.bound_ns),
                  param(any, "shapes"));
    assert_non_null(strstr(param(any, "shapes"), "beaten; wave"));
    assert_true(any->makespan_ns < loop->makespan_ns);
    assert_true(any->solver.bound_ns <= any->makespan_ns);
    ps_schedule_free(loop);
    ps_schedule_free(any);
    ps_scenario_fini(&sc);
}

/* The 4x6 heterogeneous wave with only the start and the annealing: the greedy's
 * schedule with ops cut into parts (24.20 ms) beats the whole-op start, so it is annealed
 * too (one budget of 2,000 moves, on its own thread beside the shape's annealing; the 2 s limit
 * only keeps the MILP short: whatever it finds can only be shorter) and the answer is the
 * shortest, valid and named for what it is. A second run gives the same answer and the
 * same annealing of the parts, thread or not. */
static void test_anneal_reference(void **state)
{
    (void)state;
    static const double f[4] = {0.8, 1.3, 1.1, 0.9}, b[4] = {1.0, 1.5, 1.2, 0.9},
                        w[4] = {0.7, 1.1, 0.9, 0.8};
    struct ps_scenario sc;
    make_2dc(&sc, 4, 6, 0.5, 4);
    sc.per_stage = calloc(4, sizeof *sc.per_stage);
    assert_non_null(sc.per_stage);
    for (int i = 0; i < 4; i++)
        sc.per_stage[i] = (struct ps_compute){f[i], b[i], w[i]};
    struct ps_schedule *s =
        run(&ps_solver_optimal, &sc,
            "traversal=wave tighten=warm,anneal node_limit=2000 time_limit=2", NULL);
    print_message("  %.3f ms, %s; anneal_ref: %s\n", ps_ns_to_ms(s->makespan_ns), param(s, "shape"),
                  param(s, "anneal_ref"));
    assert_non_null(strstr(param(s, "anneal_ref"), "greedy with ops cut into parts"));
    assert_non_null(strstr(param(s, "anneal_ref"), "24.200 -> "));
    assert_true(s->makespan_ns < ps_ms_to_ns(24.2));
    assert_true(s->makespan_ns >= s->solver.bound_ns);
    assert_int_equal(ps_schedule_validate(s, NULL, NULL), PS_OK);
    struct ps_schedule *again =
        run(&ps_solver_optimal, &sc,
            "traversal=wave tighten=warm,anneal node_limit=2000 time_limit=2", NULL);
    assert_int_equal(again->makespan_ns, s->makespan_ns);
    /* the same moves and outcome (the seconds at the end may differ) */
    const char *a = param(s, "anneal_ref"), *b2 = param(again, "anneal_ref");
    const char *cut = strstr(a, " ms, ");
    assert_non_null(cut);
    assert_int_equal(strncmp(a, b2, (size_t)(cut - a)), 0);
    ps_schedule_free(again);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_infeasible(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 2, 4, 1, 0.5);
    struct ps_schedule *s = run(&ps_solver_optimal, &sc, NULL, NULL);
    assert_int_equal(s->solver.status, PS_SOLVE_INFEASIBLE);
    assert_int_equal(ps_schedule_n_ops(s), 0);
    assert_non_null(strstr(s->solver.error, "memory limit 0.5"));
    ps_schedule_free(s);
    /* exactly one microbatch fits: feasible (one microbatch at a time) */
    sc.memory_limit = 1;
    s = run(&ps_solver_optimal, &sc, "traversal=loop", NULL);
    assert_int_equal(s->solver.status, PS_SOLVE_OPTIMAL);
    assert_true(s->makespan_ns > 0);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_cancelled_before_start(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 4, 8, 1, 4);
    atomic_int cancel = 1;
    struct ps_solve_ctx ctx = {&cancel, NULL, NULL};
    struct ps_schedule *s = run(&ps_solver_optimal, &sc, NULL, &ctx);
    struct ps_schedule *g = run(ps_solver_find("greedy"), &sc, "traversal=loop", NULL);
    assert_int_equal(s->solver.status, PS_SOLVE_CANCELLED);
    assert_true(ps_schedule_n_ops(s) > 0);
    assert_true(s->makespan_ns <= g->makespan_ns);
    assert_true(s->solver.error[0] != '\0');
    ps_schedule_free(s);
    ps_schedule_free(g);
    ps_scenario_fini(&sc);
}

struct progress_log {
    int calls;
    struct ps_progress last;
    atomic_int *cancel;
};

static void on_progress(const struct ps_progress *p, void *user)
{
    struct progress_log *log = user;
    log->calls++;
    log->last = *p;
    assert_true(p->incumbent_ns > 0);
    assert_true(p->bound_ns <= p->incumbent_ns);
    if (log->cancel != NULL)
        atomic_store(log->cancel, 1);
}

/* S=4, M=8 with latency: the greedy is 31 ms, the static bound starts below. A time limit
 * of 0 stops at once with the greedy's schedule, a bound and a gap (without the one-device
 * relaxations, which prove this case optimal in a few hundred nodes). */
static void test_feasible_at_time_limit(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 4, 8, 1, 4);
    struct progress_log log = {0};
    struct ps_solve_ctx ctx = {NULL, on_progress, &log};
    struct ps_schedule *s =
        run(&ps_solver_optimal, &sc, "time_limit=0 tighten=window,lb,energy,warm,mempre,polish,bnb",
            &ctx);
    assert_int_equal(s->solver.status, PS_SOLVE_FEASIBLE);
    assert_true(s->solver.bound_ns >= ps_lower_bound_ns(&sc));
    assert_true(s->solver.bound_ns < s->makespan_ns);
    assert_true(s->solver.gap > 0 && s->solver.gap < 1);
    assert_true(log.calls >= 1);
    assert_int_equal(log.last.incumbent_ns, s->makespan_ns);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* The same scenario proved optimal, with progress reports; then cancelled from the
 * progress callback (as another thread would): the best schedule so far. */
static void test_optimal_and_cancel_midway(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 4, 8, 1, 4);
    struct progress_log log = {0};
    struct ps_solve_ctx ctx = {NULL, on_progress, &log};
    /* the loop shape (one chunk per device) is proved at 31 at once; the wave shape's
     * proof takes minutes here, so it is left out of this test of the proof */
    struct ps_schedule *s = run(&ps_solver_optimal, &sc, LIMITS " traversal=loop", &ctx);
    assert_int_equal(s->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(s->solver.bound_ns, s->makespan_ns);
    assert_int_equal(s->makespan_ns, ps_ms_to_ns(31));
    assert_true(log.calls >= 1);
    assert_int_equal(log.last.bound_ns, s->makespan_ns);
    assert_true(log.last.gap == 0);
    ps_schedule_free(s);

    atomic_int cancel = 0;
    struct progress_log log2 = {0};
    log2.cancel = &cancel;
    struct ps_solve_ctx ctx2 = {&cancel, on_progress, &log2};
    s = run(&ps_solver_optimal, &sc, LIMITS " formulation=order", &ctx2);
    assert_int_equal(s->solver.status, PS_SOLVE_CANCELLED);
    assert_true(s->makespan_ns <= ps_ms_to_ns(31));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_gap_parameter(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 4, 8, 1, 4);
    /* a gap of 10% is met by the greedy and the root bound at once */
    struct ps_schedule *s =
        run(&ps_solver_optimal, &sc, "gap=0.1 formulation=order traversal=loop " LIMITS, NULL);
    assert_true(s->solver.status == PS_SOLVE_FEASIBLE || s->solver.status == PS_SOLVE_OPTIMAL);
    assert_true(s->solver.gap <= 0.1 + 1e-9);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_write_model(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 2, 3, 1, 2);
    char path[] = "/tmp/ps_optimal_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char kv[160];
    for (int f = 0; f < 2; f++) {
        snprintf(kv, sizeof kv, "write_model=%s formulation=%s traversal=loop", path,
                 f ? "order" : "time");
        struct ps_schedule *s = run(&ps_solver_optimal, &sc, kv, NULL);
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf - 1, fp);
        buf[n] = '\0';
        fclose(fp);
        assert_non_null(strstr(buf, "Minimize"));
        assert_non_null(strstr(buf, "makespan"));
        assert_string_equal(param(s, "write_model"), path);
        ps_schedule_free(s);
    }
    remove(path);
    /* a device is written to, never replaced by a file (as root, a rename over /dev/null
     * would replace the system's) */
    struct ps_schedule *dn =
        run(&ps_solver_optimal, &sc, "write_model=/dev/null traversal=loop", NULL);
    ps_schedule_free(dn);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    /* an unwritable path is an error that names the parameter */
    struct ps_params p = {0};
    struct ps_diag d;
    memset(&d, 0, sizeof d);
    ps_params_set(&p, "write_model", "/nonexistent-dir/model.lp");
    struct ps_schedule *s = NULL;
    assert_int_equal(ps_solver_run(&ps_solver_optimal, &sc, &p, NULL, &s, &d), PS_EIO);
    assert_null(s);
    assert_string_equal(d.path, "param.write_model");
    ps_scenario_fini(&sc);
}

/* traversal=auto solves the loop and the wave shape side by side and answers with the
 * shorter. CrossPipe's Fig. 8 without delays: the best loop schedule takes 27 ms, the best
 * V-shape 25.5 ms (ZB-V's); both shapes are proved, so the answer is optimal at 25.5 with
 * the wave shape named, and never above ZB-V or the greedy as it once was. */
static void test_auto_shapes(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("crosspipe-fig8", &sc, &d), PS_OK);
    assert_int_equal(ps_scenario_set_path(&sc, "network.inter_dc.latency_ms", "0", &d), PS_OK);
    assert_int_equal(ps_scenario_set_path(&sc, "network.inter_dc.bandwidth_gbps", "0", &d), PS_OK);
    struct ps_schedule *s = run(&ps_solver_optimal, &sc, LIMITS, NULL);
    assert_int_equal(s->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(s->makespan_ns, ps_ms_to_ns(25.5));
    assert_int_equal(s->traversal, PS_TRAVERSAL_WAVE);
    assert_non_null(strstr(param(s, "shape"), "wave V=2"));
    assert_non_null(strstr(param(s, "shapes"), "loop: 27.000 ms optimal"));
    ps_schedule_free(s);
    /* loop alone: 27, optimal for that shape */
    s = run(&ps_solver_optimal, &sc, LIMITS " traversal=loop", NULL);
    assert_int_equal(s->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(s->makespan_ns, ps_ms_to_ns(27));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* Whatever its limits, the optimal row is never above another generator's schedule within
 * memory: with a node limit of a few nodes (the same result on every machine) on scenarios
 * whose proofs take minutes, its answer is at most every fast generator's makespan, and it
 * says optimal only with its bound at its makespan. */
static void test_never_above_others(void **state)
{
    (void)state;
    struct ps_scenario scs[3];
    struct ps_diag d;
    assert_int_equal(ps_preset_load("crosspipe-fig8", &scs[0], &d), PS_OK);
    make_2dc(&scs[1], 4, 8, 1, 4);
    assert_int_equal(ps_preset_load("m8-2dc-lat2-bw0", &scs[2], &d), PS_OK);
    for (int i = 0; i < 3; i++) {
        struct ps_schedule *o =
            run(&ps_solver_optimal, &scs[i], "node_limit=1 time_limit=86400", NULL);
        assert_true(o->memory_ok);
        if (o->solver.status == PS_SOLVE_OPTIMAL)
            assert_int_equal(o->solver.bound_ns, o->makespan_ns);
        else
            assert_true(o->solver.bound_ns < o->makespan_ns);
        for (size_t k = 0; k < ps_solver_count(); k++) {
            const struct ps_solver *sv = ps_solver_at(k);
            if (sv->slow)
                continue;
            struct ps_schedule *x = NULL;
            if (ps_solver_run(sv, &scs[i], NULL, NULL, &x, &d) == PS_OK && x->timed &&
                x->memory_ok && x->solver.status != PS_SOLVE_INFEASIBLE &&
                x->makespan_ns < o->makespan_ns)
                fail_msg("scenario %d: optimal %.3f ms above %s %.3f ms", i,
                         ps_ns_to_ms(o->makespan_ns), sv->name, ps_ns_to_ms(x->makespan_ns));
            ps_schedule_free(x);
        }
        ps_schedule_free(o);
        ps_scenario_fini(&scs[i]);
    }
}

/* Past the model's size: the shortest other schedule within memory, with the bound that
 * holds for every schedule and a gap, and the reason in `error`; with write_model the
 * refusal stands (no model to write) and no file appears. */
static void test_too_big(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 32, 256, 1, 1, 1), PS_OK);
    struct ps_params p = {0};
    struct ps_diag d;
    memset(&d, 0, sizeof d);
    struct ps_schedule *s = NULL;
    assert_int_equal(ps_solver_run(&ps_solver_optimal, &sc, &p, NULL, &s, &d), PS_OK);
    assert_non_null(s);
    assert_string_equal(s->name, "optimal");
    assert_non_null(strstr(s->solver.error, "at most 6000 ops"));
    assert_int_equal(s->solver.bound_ns, ps_lower_bound_ns(&sc));
    assert_true(s->solver.status == PS_SOLVE_FEASIBLE || s->solver.status == PS_SOLVE_OPTIMAL);
    assert_true(s->solver.gap >= 0 && s->solver.gap < 1);
    struct ps_schedule *g = run(&ps_solver_greedy, &sc, "", NULL);
    assert_true(s->makespan_ns <= g->makespan_ns);
    ps_schedule_free(g);
    ps_schedule_free(s);
    s = NULL;
    char path[] = "/tmp/pipescope-too-big-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    ps_params_set(&p, "write_model", path);
    assert_int_equal(ps_solver_run(&ps_solver_optimal, &sc, &p, NULL, &s, &d), PS_EUNSUPPORTED);
    assert_null(s);
    assert_non_null(strstr(d.msg, "greedy"));
    struct stat stt;
    assert_int_not_equal(stat(path, &stt), 0);
    ps_scenario_fini(&sc);
}

/* The registry entry: slow, split backward, loop and wave. */
static void test_registry(void **state)
{
    (void)state;
    const struct ps_solver *sv = ps_solver_find("optimal");
    assert_ptr_equal(sv, &ps_solver_optimal);
    assert_true(sv->slow);
    assert_true(sv->split_backward);
    assert_int_equal(sv->traversals, PS_TRAV_LOOP_BIT | PS_TRAV_WAVE_BIT);
    struct ps_params p = {0};
    struct ps_diag d;
    ps_params_set(&p, "tighten", "mono,bogus");
    struct ps_scenario sc;
    make_2dc(&sc, 2, 2, 0, 0);
    struct ps_schedule *s = NULL;
    assert_int_equal(ps_solver_run(sv, &sc, &p, NULL, &s, &d), PS_EINVAL);
    assert_null(s);
    ps_scenario_fini(&sc);
}

/* The static bound on the default preset (M70, 8 stages over 2 DCs, F = B = W = 38 ms,
 * cross-DC latency 1 ms + 1 GB at 105 Gb/s, intra-DC 0.01 ms, memory limit 8 with
 * weight share 0.5), derived by hand. A microbatch's round trip from the start of its F
 * to the start of its B on device 0 is RT = 8 F + 7 B + 2 (6 x 0.01 + 1 + 8000/105).
 * Device 0 holds at most 8 microbatches, so F 15 needs 8 units freed first: B 0..7 (4
 * units, forced) plus 8 more half-unit frees; before it the device runs 15 F + 16 frees
 * = 31 ops of 38 ms, and it idles from the 8th F until B 0 can start (at RT). F 15 then
 * starts at RT + (31 - 8) x 38, and its own round trip, B and W follow: makespan >=
 * 2 RT + 23 x 38 + 38 + 38 = 2399.0019 ms, 1.8% under the greedy's 2443 ms. */
static void test_default_memory_bound(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("default", &sc, &d), PS_OK);
    struct ps_schedule *s =
        run(&ps_solver_optimal, &sc, "traversal=loop time_limit=86400 node_limit=1", NULL);
    double rt = 8 * 38 + 7 * 38 + 2 * (6 * 0.01 + 1 + 8000.0 / 105);
    double want = 2 * rt + 23 * 38 + 38 + 38;
    assert_true(fabs(atof(param(s, "static_bound")) - want) < 1e-3);
    assert_true(ps_ns_to_ms(s->solver.bound_ns) >= want - 1e-3);
    assert_true(s->solver.gap < 0.02);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* The windows bound of sc's shape for schedules with ops cut into parts (no search). */
static int64_t parts_window_bound(const struct ps_scenario *sc, enum ps_traversal tr)
{
    struct opt_run r;
    struct job j;
    int64_t stat;
    shape_graph(&j, &r, sc, tr, false, &stat);
    struct opt_window_result res;
    int64_t v = opt_window_bound(&j.m, true, true, true, stat, 4 * stat, NULL, 0, 0, &res);
    assert_int_equal(res.st, PS_OK);
    assert_true(v >= stat);
    opt_job_fini(&j);
    return v;
}

/* With every microbatch the same, a schedule with ops cut into parts is never shorter than
 * the static bound of its shape (docs/model.md, "Parts": relabelling and re-splitting make
 * ops of one kind and chunk run one after another in microbatch order), nor than its
 * memory-cycle bound, nor than its windows bound for parts. Falsified if any of the
 * greedy's parts schedules (n_sub 2 and 4, three rule readings, the wave's reserve 1 and 2)
 * on a spread of small scenarios, loop and wave, with latency, transmission, memory limits
 * down to half the 1F1B budget and unequal stage times, and on llama3-405b-fig9 scaled to 4
 * stages (where the windows bound rises above the others), came out shorter than any. */
static void test_static_bound_holds_with_parts(void **state)
{
    (void)state;
    static const char *const rules[] = {"paper", "prio", "avail"};
    static const char *const trs[] = {"loop", "wave"};
    int checked = 0, binding = 0, windows = 0;
    unsigned seed = 12345;
    for (int k = 0; k < 20; k++) {
        seed = seed * 1103515245u + 12345u;
        int S = (seed >> 8) % 2 ? 4 : 2, M = 3 + (int)((seed >> 12) % 4);
        struct ps_scenario sc;
        int lim = (seed >> 20) % 3 == 0 ? 0 : (seed >> 20) % 3 == 1 ? S : S / 2;
        if (k >= 16) {
            /* llama3-405b-fig9 scaled to 4 stages (T_F = 1): a link of 2.5 T_F a message
             * and 0.3 latency, W holding most of the activation, 8 microbatches, the 1F1B
             * budget or twice it */
            make_2dc(&sc, 4, 8, 0.3, k % 2 ? 4 : 8);
            sc.compute = (struct ps_compute){1, 1.06, 0.96};
            sc.weight_share = 0.83;
            sc.activation_mb = 1;
            sc.inter_dc.bandwidth_gbps = 3.2;
            if (k >= 18)
                sc.n_microbatches = 12;
        } else {
            make_2dc(&sc, S, M, ((seed >> 16) % 5) * 0.5, lim);
            if ((seed >> 22) % 2) { /* a transmission of 0.5 or 1 ms across the DCs */
                sc.activation_mb = 1;
                sc.inter_dc.bandwidth_gbps = (seed >> 23) % 2 ? 16 : 8;
            }
            if ((seed >> 24) % 2) { /* unequal stages */
                sc.per_stage = calloc((size_t)S, sizeof *sc.per_stage);
                assert_non_null(sc.per_stage);
                for (int i = 0; i < S; i++)
                    sc.per_stage[i] =
                        (struct ps_compute){1 + 0.25 * (i % 3), 1 + 0.5 * (i % 2), 0.5 + 0.25 * i};
            }
        }
        for (int t = 0; t < 2; t++) {
            char kv[160];
            snprintf(kv, sizeof kv, "traversal=%s time_limit=86400 node_limit=1", trs[t]);
            struct ps_schedule *o = run(&ps_solver_optimal, &sc, kv, NULL);
            int64_t stat = ps_ms_to_ns(atof(param(o, "static_bound")));
            int64_t cyc = ps_ms_to_ns(atof(param(o, "memory_cycle"))); /* "" : 0 */
            int64_t win = parts_window_bound(&sc, t == 0 ? PS_TRAVERSAL_LOOP : PS_TRAVERSAL_WAVE);
            binding += cyc > stat;
            windows += win > stat && win > cyc;
            ps_schedule_free(o);
            for (int n = 2; n <= 4; n += 2)
                for (int r = 0; r < 6; r++) {
                    snprintf(kv, sizeof kv, "traversal=%s n_sub=%d rules=%s reserve=%d", trs[t], n,
                             rules[r % 3], 1 + r / 3);
                    struct ps_schedule *g = run(&ps_solver_greedy, &sc, kv, NULL);
                    if (g->memory_ok) {
                        if (g->makespan_ns + 1 < stat || g->makespan_ns + 1 < cyc ||
                            g->makespan_ns + 1 < win)
                            fail_msg("case %d %s: %.3f ms < static bound %.3f ms, "
                                     "memory-cycle bound %.3f ms or windows bound %.3f ms",
                                     k, kv, ps_ns_to_ms(g->makespan_ns), ps_ns_to_ms(stat),
                                     ps_ns_to_ms(cyc), ps_ns_to_ms(win));
                        checked++;
                    }
                    ps_schedule_free(g);
                }
        }
        ps_scenario_fini(&sc);
    }
    print_message("  %d parts schedules checked against their shape's static, memory-cycle and "
                  "windows bounds (the second above the first in %d shapes, the windows above "
                  "both in %d)\n",
                  checked, binding, windows);
    assert_true(checked > 100);
    assert_true(binding > 0);
    assert_true(windows > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_matches_exhaustive),
        cmocka_unit_test(test_relax_random),
        cmocka_unit_test(test_bnb_random),
        cmocka_unit_test(test_memory_cycle_random),
        cmocka_unit_test(test_window_random),
        cmocka_unit_test(test_sat_random),
        cmocka_unit_test(test_jackson),
        cmocka_unit_test(test_lns_random),
        cmocka_unit_test(test_anneal_random),
        cmocka_unit_test(test_anneal_reference),
        cmocka_unit_test(test_lns_two_streams),
        cmocka_unit_test(test_search_cutoff),
        cmocka_unit_test(test_unequal_messages),
        cmocka_unit_test(test_wave_channels),
        cmocka_unit_test(test_infeasible),
        cmocka_unit_test(test_cancelled_before_start),
        cmocka_unit_test(test_feasible_at_time_limit),
        cmocka_unit_test(test_optimal_and_cancel_midway),
        cmocka_unit_test(test_gap_parameter),
        cmocka_unit_test(test_write_model),
        cmocka_unit_test(test_auto_shapes),
        cmocka_unit_test(test_never_above_others),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_default_memory_bound),
        cmocka_unit_test(test_static_bound_holds_with_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
