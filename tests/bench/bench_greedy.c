/* Benchmark of the CrossPipe greedy: CPU time and makespan from S=4, M=8 up to S=64,
 * M=1024 (two DCs, F = B = W = 1 ms, inter-DC latency = T_F, the 1F1B memory budget),
 * for single variants, for each traversal's full portfolio and for the default portfolio,
 * against ZB-H1 and 1F1B. Targets: the default under about 3 ms up to S=16, M=64, and
 * under 200 ms at S=64, M=1024. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/units.h"
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

int main(int argc, char **argv)
{
    static const int sizes[][2] = {{4, 8},   {8, 16},  {8, 64},   {16, 16},
                                   {16, 32}, {16, 64}, {32, 256}, {64, 1024}};
    static const struct {
        const char *label, *params;
    } variants[] = {
        {"loop n_sub=1 paper", "traversal=loop n_sub=1 rules=paper merge=adjacent"},
        {"loop n_sub=4 paper", "traversal=loop n_sub=4 rules=paper merge=adjacent"},
        {"loop n_sub=4 +wmove", "traversal=loop n_sub=4 rules=paper merge=auto"},
        {"wave n_sub=4 paper", "traversal=wave n_sub=4 rules=paper merge=adjacent"},
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
