/* Simulator throughput: 1F1B orders (split backward: W right after B) on growing
 * pipelines up to S = 64, M = 1024, timed by ps_sim_run. Prints a table; best of a few
 * runs. Memory per op counts the schedule (ops, transfers) and the simulator's tables
 * (see below). Times are this thread's CPU time (the machine is shared). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

int main(void)
{
    static const int shapes[][2] = {{4, 16},   {8, 64},   {16, 128}, {32, 256},
                                    {32, 512}, {64, 512}, {64, 1024}};
    printf("%5s %6s %6s %9s %9s %8s %8s\n", "S", "M", "split", "ops", "cpu_ms", "Mops/s",
           "bytes/op");
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        for (int split = 0; split < 2; split++) {
            int S = shapes[i][0], M = shapes[i][1];
            struct ps_scenario sc;
            if (ps_scenario_make_uniform(&sc, 2, S / 2, M, 1, 2, split ? 1 : 0) != PS_OK)
                return 1;
            sc.activation_mb = 1;
            sc.inter_dc.latency_ms = 0.5;
            sc.inter_dc.bandwidth_gbps = 10;
            sc.intra_dc.bandwidth_gbps = 100;
            struct ps_schedule *s = ps_schedule_new(&sc, "1f1b", 1, PS_TRAVERSAL_LOOP, split);
            if (s == NULL || build_1f1b(s) != 0)
                return 1;
            double best = 1e30;
            int runs = S * M >= 16384 ? 5 : 9;
            for (int r = 0; r < runs; r++) {
                struct ps_diag d;
                double t0 = now_ms();
                if (ps_sim_run(s, &d) != PS_OK) {
                    fprintf(stderr, "sim failed: %s: %s\n", d.path, d.msg);
                    return 1;
                }
                double t = now_ms() - t0;
                if (t < best)
                    best = t;
            }
            size_t ops = ps_schedule_n_ops(s), cap = 0;
            for (int d = 0; d < S; d++)
                cap += s->dev_cap[d];
            /* what a run holds: the ops (allocated capacity) and transfers, and the
             * simulator's tables: position 4 B, pending 1 B and parts-seen 1 B per op
             * key; per transfer one heap event (16 B) and one queue slot (4 B) */
            size_t keys = 3 * (size_t)S * (size_t)M;
            double bytes =
                (double)(cap * sizeof(struct ps_op) +
                         s->n_transfers * (sizeof(struct ps_transfer) + 16 + 4) + keys * 6) /
                (double)ops;
            printf("%5d %6d %6s %9zu %9.2f %8.2f %8.1f\n", S, M, split ? "yes" : "no", ops, best,
                   (double)ops / best / 1e3, bytes);
            ps_schedule_free(s);
            ps_scenario_fini(&sc);
        }
    }
    return 0;
}
