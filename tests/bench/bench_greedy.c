/* Benchmark of the CrossPipe greedy: CPU time and makespan from S=4, M=8 up to S=64,
 * M=1024 (two DCs, F = B = W = 1 ms, inter-DC latency = T_F, the 1F1B memory budget),
 * for single variants, for each traversal's full portfolio and for the default portfolio,
 * against ZB-H1 and 1F1B. Targets: the default under about 3 ms up to S=16, M=64, and
 * under 200 ms at S=64, M=1024. `bench_greedy sweep N [SEED]` compares the default with
 * the full portfolios on N random scenarios of the explorer's range instead.
 * `bench_greedy presets` prints, per built-in preset, the greedy's own variants (fixed=none),
 * the default portfolio (which also times the fixed families), the best fixed family within
 * memory, the memory-aware lower bound and the CPU time. `bench_greedy big [S M LIMIT]`
 * times the default portfolio at S=512, M=1024 (two DCs of 256, limits 512 and 8). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/units.h"
#include "presets/presets.h"
#include "solvers/solver.h"

/* Process CPU time: the machine may be shared, so wall time would count other work. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Runs a solver with space-separated key=value params; returns its makespan in ms (-1 on
 * failure) and the best CPU time over `reps` runs (generate + simulate) in *ms. */
static double run(const char *name, const struct ps_scenario *sc, const char *kvs, int reps,
                  double *ms)
{
    const struct ps_solver *sv = ps_solver_find(name);
    if (sv == NULL)
        return -1;
    struct ps_params p = {0};
    struct ps_diag d;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", kvs != NULL ? kvs : "");
    for (char *save = NULL, *kv = strtok_r(buf, " ", &save); kv != NULL;
         kv = strtok_r(NULL, " ", &save))
        if (ps_params_parse_kv(&p, kv, &d) != PS_OK)
            return -1;
    double makespan = -1;
    *ms = 1e300;
    for (int r = 0; r < reps; r++) {
        struct ps_schedule *s = NULL;
        double t0 = cpu_ms();
        enum ps_status st = ps_solver_run(sv, sc, &p, NULL, &s, &d);
        double t = cpu_ms() - t0;
        if (t < *ms)
            *ms = t;
        if (st == PS_OK && s != NULL && s->solver.status != PS_SOLVE_INFEASIBLE)
            makespan = ps_ns_to_ms(s->makespan_ns);
        ps_schedule_free(s);
    }
    return makespan;
}

/* A small deterministic generator (xorshift) for the sweep. */
static uint32_t rnd(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static double rnd_unit(uint32_t *x)
{
    return (double)(rnd(x) % 100000) / 100000.0;
}

/* A random scenario of the explorer's range: S 2..16 over 1-4 DCs (uneven), M 4..64,
 * latency and/or transmission 0..2 T_F, memory 1, 1.5, 2 x the 1F1B budget or none,
 * sometimes uneven stage times or a different weight share. */
static int random_scenario(struct ps_scenario *sc, uint32_t *x)
{
    static const int Ss[] = {2, 3, 4, 6, 8, 12, 16};
    static const int Ms[] = {4, 6, 8, 12, 16, 24, 32, 48, 64};
    static const double xs[] = {0, 0.1, 0.25, 0.5, 1, 1.5, 2};
    static const double mems[] = {1, 1.5, 2, 0};
    int S = Ss[rnd(x) % 7], M = Ms[rnd(x) % 9];
    int nd = 1 + (int)(rnd(x) % 4);
    if (nd > S)
        nd = S;
    if (ps_scenario_make_uniform(sc, nd, 1, M, 1, 1, 1) != PS_OK)
        return -1;
    sc->n_stages = S;
    int left = S;
    for (int i = 0; i < nd; i++) {
        int k = i == nd - 1 ? left : S / nd + (rnd(x) % 3 == 0 && left - S / nd > nd - i - 1);
        if (left - k < nd - i - 1)
            k = left - (nd - i - 1);
        sc->dcs[i].stages = k;
        left -= k;
    }
    if (rnd(x) % 3 == 0) {
        sc->per_stage = calloc((size_t)S, sizeof *sc->per_stage);
        if (sc->per_stage == NULL)
            return -1;
        for (int s = 0; s < S; s++) {
            double f = 0.6 + 0.8 * rnd_unit(x);
            sc->per_stage[s].forward_ms = f;
            sc->per_stage[s].backward_ms = f * (0.8 + 0.6 * rnd_unit(x));
            sc->per_stage[s].weight_ms = f * (0.5 + 0.8 * rnd_unit(x));
        }
    }
    double tf = ps_scenario_max_forward_ms(sc);
    double lat = xs[rnd(x) % 7], tx = xs[rnd(x) % 7];
    int kind = (int)(rnd(x) % 3); /* latency, transmission, both */
    sc->inter_dc.latency_ms = kind != 1 ? lat * tf : 0;
    if (kind != 0 && tx > 0) {
        sc->activation_mb = 1;
        sc->inter_dc.bandwidth_gbps = 8.0 / (tx * tf);
    }
    double mem = mems[rnd(x) % 4];
    if (mem > 0) {
        sc->has_memory_limit = true;
        sc->memory_limit = mem * S;
    }
    if (rnd(x) % 4 == 0)
        sc->weight_share = 0.2 + 0.6 * rnd_unit(x);
    struct ps_diag d;
    return ps_scenario_validate(sc, &d) == PS_OK ? 0 : -1;
}

/* `bench_greedy sweep N [SEED]`: the default portfolio against the best of each
 * traversal's full portfolio (traversal=loop, traversal=wave) on N random scenarios:
 * how many come out worse or better, by how much, and the default's CPU time. */
static int sweep(int n, uint32_t seed)
{
    uint32_t x = seed != 0 ? seed : 4242;
    int worse = 0, better = 0, done = 0;
    double max_loss = 0, max_ms = 0, sum_ms = 0, max_full_ms = 0;
    for (int i = 0; i < n; i++) {
        struct ps_scenario sc;
        if (random_scenario(&sc, &x) != 0) {
            ps_scenario_fini(&sc);
            continue;
        }
        double t, tl, tw;
        double g = run("greedy", &sc, "", 3, &t);
        double l = run("greedy", &sc, "traversal=loop", 1, &tl);
        double w = run("greedy", &sc, "traversal=wave", 1, &tw);
        double full = l < w ? l : w;
        if (g > full + 1e-6) {
            worse++;
            if ((g - full) / full > max_loss)
                max_loss = (g - full) / full;
            printf("worse by %.3f%%: S=%d M=%d dcs=%d: %.3f vs %.3f ms\n", 100 * (g - full) / full,
                   sc.n_stages, sc.n_microbatches, sc.n_dcs, g, full);
        } else if (g < full - 1e-6) {
            better++;
        }
        if (t > max_ms)
            max_ms = t;
        if (tl + tw > max_full_ms)
            max_full_ms = tl + tw;
        sum_ms += t;
        done++;
        ps_scenario_fini(&sc);
    }
    printf("%d scenarios: default worse than loop+wave full portfolios in %d (at most %.3f%%), "
           "better in %d; default cpu max %.2f ms, mean %.2f ms (full: max %.2f ms)\n",
           done, worse, 100 * max_loss, better, max_ms, done ? sum_ms / done : 0, max_full_ms);
    return 0;
}

/* The best makespan (ms) among the fixed families within memory; its name in *name. */
static double best_family(const struct ps_scenario *sc, const char **name)
{
    static const char *const fams[] = {"gpipe", "1f1b", "interleaved", "zb-h1",
                                       "zb-h2", "zb-v", "1f1b-warmup"};
    static const char *const kvs[] = {"", "split_backward=true"};
    double best = -1;
    *name = "-";
    for (size_t i = 0; i < sizeof fams / sizeof fams[0]; i++)
        for (int k = 0; k < 2; k++) {
            if (k == 1 && strcmp(fams[i], "1f1b") != 0 && strcmp(fams[i], "1f1b-warmup") != 0)
                continue;
            const struct ps_solver *sv = ps_solver_find(fams[i]);
            struct ps_params p = {0};
            struct ps_diag d;
            struct ps_schedule *s = NULL;
            if (sv == NULL || (k == 1 && ps_params_parse_kv(&p, kvs[k], &d) != PS_OK))
                continue;
            if (ps_solver_run(sv, sc, &p, NULL, &s, &d) == PS_OK && s != NULL &&
                s->solver.status != PS_SOLVE_INFEASIBLE && s->memory_ok) {
                double ms = ps_ns_to_ms(s->makespan_ns);
                if (best < 0 || ms < best) {
                    best = ms;
                    *name = fams[i];
                }
            }
            ps_schedule_free(s);
        }
    return best;
}

/* `bench_greedy presets`: one row per built-in preset. */
static int presets_table(void)
{
    printf("%-28s %10s %10s %10s %-12s %10s %6s %8s\n", "preset", "variants", "greedy", "family",
           "(which)", "bound", "ratio", "cpu_ms");
    int beaten = 0;
    for (size_t i = 0; i < ps_preset_count(); i++) {
        const struct ps_preset *pr = ps_preset_at(i);
        struct ps_scenario sc;
        struct ps_diag d;
        if (ps_preset_load(pr->name, &sc, &d) != PS_OK)
            continue;
        double t, t2;
        double own = run("greedy", &sc, "fixed=none", 1, &t2);
        double g = run("greedy", &sc, "", 1, &t);
        const char *fam;
        double f = best_family(&sc, &fam);
        struct ps_bound b;
        ps_lower_bound(&sc, &b);
        double lb = ps_ns_to_ms(b.value);
        printf("%-28s %10.2f %10.2f %10.2f %-12s %10.2f %6.3f %8.1f%s\n", pr->name, own, g, f, fam,
               lb, lb > 0 ? g / lb : 0, t, f >= 0 && g > f + 1e-6 ? "  BEATEN" : "");
        beaten += f >= 0 && g > f + 1e-6;
        fflush(stdout);
        ps_scenario_fini(&sc);
    }
    printf("greedy beaten by a fixed family within memory on %d presets\n", beaten);
    return beaten != 0;
}

static double wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* `bench_greedy big [S M]`: the default portfolio at S x M (two DCs), limits 512 and 8.
 * cpu_ms is the whole process; caller_ms the calling thread's share (the fixed families run
 * on a second thread there, so on an idle machine the wall time is about the larger of
 * caller_ms and cpu_ms - caller_ms); wall_ms is the wall time, which other work on the
 * machine inflates. */
static int big(int S, int M)
{
    static const double limits[] = {512, 8};
    printf("%5s %6s %6s %10s %10s %-12s %10s %6s %8s %9s %8s\n", "S", "M", "limit", "greedy",
           "family", "(which)", "bound", "ratio", "cpu_ms", "caller_ms", "wall_ms");
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        struct ps_scenario sc;
        struct ps_diag d;
        if (ps_preset_load(PS_DEFAULT_PRESET, &sc, &d) != PS_OK || sc.n_dcs != 2 ||
            sc.per_stage != NULL)
            return 1;
        /* the default preset's times and links, with S/2 stages per DC and M microbatches */
        sc.n_microbatches = M;
        sc.dcs[0].stages = S / 2;
        sc.dcs[1].stages = S - S / 2;
        sc.n_stages = S;
        sc.has_memory_limit = true;
        sc.memory_limit = limits[i];
        if (ps_scenario_validate(&sc, &d) != PS_OK) {
            fprintf(stderr, "%s: %s\n", d.path, d.msg);
            return 1;
        }
        double t, c0 = thread_cpu_ms(), w0 = wall_ms();
        double g = run("greedy", &sc, "", 1, &t);
        double caller = thread_cpu_ms() - c0, wall = wall_ms() - w0;
        const char *fam;
        double f = best_family(&sc, &fam);
        struct ps_bound b;
        ps_lower_bound(&sc, &b);
        double lb = ps_ns_to_ms(b.value);
        printf("%5d %6d %6g %10.1f %10.1f %-12s %10.1f %6.3f %8.0f %9.0f %8.0f\n", S, M, limits[i],
               g, f, fam, lb, lb > 0 ? g / lb : 0, t, caller, wall);
        fflush(stdout);
        ps_scenario_fini(&sc);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "presets") == 0)
        return presets_table();
    if (argc > 1 && strcmp(argv[1], "big") == 0)
        return big(argc > 2 ? atoi(argv[2]) : 512, argc > 3 ? atoi(argv[3]) : 1024);
    if (argc > 1 && strcmp(argv[1], "sweep") == 0)
        return sweep(argc > 2 ? atoi(argv[2]) : 200,
                     argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0);
    static const int sizes[][2] = {{4, 8},   {8, 16},  {8, 64},   {16, 16},
                                   {16, 32}, {16, 64}, {32, 256}, {64, 1024}};
    static const struct {
        const char *label, *params;
    } variants[] = {
        {"loop n_sub=1 paper", "traversal=loop n_sub=1 rules=paper merge=adjacent"},
        {"loop n_sub=4 paper", "traversal=loop n_sub=4 rules=paper merge=adjacent"},
        {"loop n_sub=4 +wmove", "traversal=loop n_sub=4 rules=paper merge=auto"},
        {"wave n_sub=4 paper", "traversal=wave n_sub=4 rules=paper reserve=1 merge=adjacent"},
        {"loop, all variants", "traversal=loop"},
        {"wave, all variants", "traversal=wave"},
        {"portfolio (default)", ""},
    };
    int max_s = argc > 1 ? atoi(argv[1]) : 64;
    printf("greedy benchmark: 2 DCs, F=B=W=1 ms, inter-DC latency 1 ms, limit S units\n");
    printf("%4s %6s  %-22s %10s %10s %9s %9s\n", "S", "M", "variant", "cpu_ms", "makespan",
           "vs_zbh1", "vs_1f1b");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int S = sizes[i][0], M = sizes[i][1];
        if (S > max_s)
            break;
        struct ps_scenario sc;
        if (ps_scenario_make_uniform(&sc, 2, S / 2, M, 1, 1, 1) != PS_OK)
            return 1;
        sc.inter_dc.latency_ms = 1;
        sc.has_memory_limit = true;
        sc.memory_limit = S;
        int reps = S * M <= 1024 ? 20 : 3;
        double t;
        double zb = run("zb-h1", &sc, NULL, 1, &t);
        double ofob = run("1f1b", &sc, NULL, 1, &t);
        for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
            double ms = run("greedy", &sc, variants[v].params, reps, &t);
            printf("%4d %6d  %-22s %10.2f %10.1f %8.1f%% %8.1f%%\n", S, M, variants[v].label, t, ms,
                   100.0 * (ms - zb) / zb, 100.0 * (ms - ofob) / ofob);
            fflush(stdout);
        }
        ps_scenario_fini(&sc);
    }
    return 0;
}
