/* Simulator throughput: 1F1B orders (split backward: W right after B) on growing
 * pipelines up to S = 64, M = 1024, 2 DCs with shared channels (latency and bandwidth),
 * timed by ps_sim_time (the simulator and its metrics), by ps_sim_run (also the lower
 * bound and the bubble breakdown), and with every channel on the general (event-ordered)
 * path. Prints a table; best of a few runs; times are this thread's CPU
 * time (the machine is shared). Memory per op: the schedule's ops (allocated capacity)
 * and transfers, and the simulator's 11 bytes per op key (ready time, inputs not yet known,
 * and two part counters only ops cut into parts touch; keys exist for the kinds that have
 * ops: F and B, and W with split backward).
 *   bench_sim               the table
 *   bench_sim S M SPLIT N   one shape N times (for valgrind --tool=callgrind: the
 *                           instruction count per op is the simulator's Ir / (N x ops)) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/sched_internal.h"
#include "core/sim.h"

static double now_ms(void)
{
    struct timespec ts;
    /* CPU time of this thread: the machine is shared, wall time would count others */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int build_1f1b(struct ps_schedule *s)
{
    int S = s->n_stages, M = s->n_microbatches;
    for (int d = 0; d < S; d++) {
        int warm = S - d - 1 < M ? S - d - 1 : M, f = 0;
        bool w = ps_schedule_has_w(s, d);
        for (; f < warm; f++)
            if (ps_schedule_push(s, d, PS_OP_F, 0, f) != PS_OK)
                return -1;
        for (int b = 0; b < M; b++) {
            if (f < M && ps_schedule_push(s, d, PS_OP_F, 0, f++) != PS_OK)
                return -1;
            if (ps_schedule_push(s, d, PS_OP_B, 0, b) != PS_OK)
                return -1;
            if (w && ps_schedule_push(s, d, PS_OP_W, 0, b) != PS_OK)
                return -1;
        }
    }
    return 0;
}

/* Best CPU time of `runs` simulations in the given mode; -1 on failure. */
static double best_ms(struct ps_schedule *s, int runs, unsigned mode)
{
    double best = 1e30;
    for (int r = 0; r < runs; r++) {
        struct ps_diag d;
        double t0 = now_ms();
        if (ps_sim_run_mode(s, &d, mode) != PS_OK) {
            fprintf(stderr, "sim failed: %s: %s\n", d.path, d.msg);
            return -1;
        }
        double t = now_ms() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

static struct ps_schedule *make(struct ps_scenario *sc, int S, int M, bool split)
{
    if (ps_scenario_make_uniform(sc, 2, S / 2, M, 1, 2, split ? 1 : 0) != PS_OK)
        return NULL;
    sc->activation_mb = 1;
    sc->inter_dc.latency_ms = 0.5;
    sc->inter_dc.bandwidth_gbps = 10;
    sc->intra_dc.bandwidth_gbps = 100;
    struct ps_schedule *s = ps_schedule_new(sc, "1f1b", 1, PS_TRAVERSAL_LOOP, split);
    if (s != NULL && build_1f1b(s) != 0) {
        ps_schedule_free(s);
        return NULL;
    }
    return s;
}

int main(int argc, char **argv)
{
    if (argc == 5) {
        struct ps_scenario sc;
        struct ps_schedule *s = make(&sc, atoi(argv[1]), atoi(argv[2]), atoi(argv[3]) != 0);
        if (s == NULL || best_ms(s, atoi(argv[4]), PS_SIM_TIMES_ONLY) < 0)
            return 1;
        printf("%zu ops, %d runs\n", ps_schedule_n_ops(s), atoi(argv[4]));
        ps_schedule_free(s);
        ps_scenario_fini(&sc);
        return 0;
    }
    static const int shapes[][2] = {{4, 16},   {8, 64},   {16, 128}, {32, 256},
                                    {32, 512}, {64, 512}, {64, 1024}};
    printf("%5s %6s %6s %9s %9s %8s %7s %8s %10s %10s\n", "S", "M", "split", "ops", "cpu_ms",
           "Mops/s", "ns/op", "bytes/op", "sim_run/s", "general/s");
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        for (int split = 0; split < 2; split++) {
            int S = shapes[i][0], M = shapes[i][1];
            struct ps_scenario sc;
            struct ps_schedule *s = make(&sc, S, M, split);
            if (s == NULL)
                return 1;
            int runs = S * M >= 16384 ? 7 : 15;
            double best = best_ms(s, runs, PS_SIM_TIMES_ONLY), full = best_ms(s, runs, 0),
                   general = best_ms(s, runs, PS_SIM_TIMES_ONLY | PS_SIM_ALL_GENERAL);
            if (best < 0 || full < 0 || general < 0)
                return 1;
            size_t ops = ps_schedule_n_ops(s), cap = 0;
            for (int d = 0; d < S; d++)
                cap += s->dev_cap[d];
            size_t keys = (split ? 3 : 2) * (size_t)S * (size_t)M;
            double bytes = (double)(cap * sizeof(struct ps_op) +
                                    s->n_transfers * sizeof(struct ps_transfer) + keys * 11) /
                           (double)ops;
            printf("%5d %6d %6s %9zu %9.2f %8.2f %7.1f %8.1f %10.2f %10.2f\n", S, M,
                   split ? "yes" : "no", ops, best, (double)ops / best / 1e3,
                   best * 1e6 / (double)ops, bytes, (double)ops / full / 1e3,
                   (double)ops / general / 1e3);
            ps_schedule_free(s);
            ps_scenario_fini(&sc);
        }
    }
    return 0;
}
