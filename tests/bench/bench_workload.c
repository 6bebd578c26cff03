/* Workload planning speed (docs/model.md, Workloads). Two tables:
 *   1. chunking 512 sequences (the GitHub-like 30B preset's batch) with every granularity,
 *      target < 10 ms;
 *   2. the adaptive checkpoint ILP for d_p = 8 stages and n = 64 chunks (a long sequence in
 *      8 slices first, then whole ones) at several memory limits between what full
 *      recomputation and no recomputation need, target proved or within 2 % in < 1 s,
 *      against its greedy.
 * Times are this thread's CPU time (the machine is shared); best of a few runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/workload.h"
#include "presets/presets.h"
#include "solvers/workload/plan.h"

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int chunking_table(void)
{
    struct ps_scenario sc;
    struct ps_diag d;
    if (ps_preset_load("infinipipe-30b-gh96k", &sc, &d) != PS_OK)
        return 1;
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, sc.workload, sc.n_stages);
    static const struct {
        enum ps_granularity g;
        int K;
    } cases[] = {{PS_GRAN_BATCH, 0}, {PS_GRAN_TOKEN, 0},   {PS_GRAN_EVEN, 8},
                 {PS_GRAN_EVEN, 16}, {PS_GRAN_ELASTIC, 8}, {PS_GRAN_ELASTIC, 16}};
    printf("chunking %d sequences (infinipipe-30b-gh96k), target < 10 ms\n", sc.workload->n_seqs);
    printf("%-12s %3s %7s %10s\n", "granularity", "K", "chunks", "cpu_ms");
    struct ps_chunking ch;
    ps_chunking_init(&ch);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double best = 1e30;
        for (int run = 0; run < 15; run++) {
            double t0 = cpu_ms();
            if (ps_wl_chunk(&cx, cases[i].g, cases[i].K, &ch) != PS_OK)
                return 1;
            double t = cpu_ms() - t0;
            best = t < best ? t : best;
        }
        printf("%-12s %3d %7d %10.3f\n", ps_granularity_str(cases[i].g), cases[i].K, ch.n, best);
    }
    ps_chunking_fini(&ch);
    ps_scenario_fini(&sc);
    return 0;
}

/* 64 chunks on 8 stages: sequence 0 in 8 slices, then 56 whole sequences. */
static struct ps_workload *ilp_workload(unsigned seed, struct ps_chunking *ch)
{
    struct ps_workload *w = ps_workload_new();
    int lengths[57];
    lengths[0] = 65536;
    for (int i = 1; i < 57; i++) {
        seed = seed * 1103515245u + 12345u;
        lengths[i] = 2048 + (int)(seed >> 8) % 14336;
    }
    ps_workload_set_lengths(w, lengths, 57);
    w->cap_tokens = 65536;
    w->model = (struct ps_wl_model){.layers = 64,
                                    .hidden = 6656,
                                    .kv_hidden = 6656,
                                    .vocab = 32000,
                                    .bytes = 2,
                                    .params_b = 32.5};
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, 8);
    ps_chunking_init(ch);
    for (int k = 0; k < 8; k++)
        ps_chunking_push(ch, PS_CHUNK_SPLIT, 0, k, 8, k * 8192, 8192);
    for (int i = 1; i < 57; i++) {
        ps_chunking_push(ch, PS_CHUNK_BATCHED, -1, 0, 1, 0, 0);
        ps_chunking_add_member(ch, i, lengths[i]);
    }
    for (int i = 0; i < ch->n; i++)
        ps_cost_chunk(&cx, ch, &ch->chunks[i]);
    return w;
}

static int ilp_table(void)
{
    printf("\ncheckpoint ILP, d_p = 8, n = 64 chunks (n + d_p - 1 = 71 variables), target "
           "proved or within 2%% in < 1 s\n");
    printf("%4s %6s %9s %9s %8s %7s %6s %9s %9s\n", "seed", "room", "limit_GB", "ilp_sum", "greedy",
           "proved", "gap", "ilp_ms", "greedy_ms");
    int mbs[64];
    for (int i = 0; i < 64; i++)
        mbs[i] = i;
    for (unsigned seed = 1; seed <= 3; seed++) {
        for (int level = 1; level <= 3; level++) {
            struct ps_chunking ch;
            struct ps_workload *w = ilp_workload(seed, &ch);
            struct ps_cost_ctx cx;
            /* the limit between full recomputation's need (room 0) and none's (room 1) */
            w->mem.hbm_gb = 1000;
            ps_cost_ctx_init(&cx, w, 8);
            struct ps_ckpt_result r;
            ps_wl_checkpoint(&cx, &ch, mbs, 64, PS_CKPT_FULL, false, 10, &r);
            free(r.layers);
            double lo = 0, hi = 0; /* the largest window at full and no recomputation */
            for (int i = 0; i < 64; i++) {
                hi += ch.chunks[i].mem_last_gb;
                lo += ch.chunks[i].mem_last_gb - ps_cost_max_layers(&cx) * ch.chunks[i].save_gb;
            }
            double room = level / 4.0;
            w->mem.has_model_states = true;
            w->mem.model_states_gb = 0;
            w->mem.reserve_gb = 0;
            /* per-window sums are smaller than the totals: scale down to a window of ~20 */
            w->mem.hbm_gb = (lo + room * (hi - lo)) * 20.0 / 64.0;
            ps_cost_ctx_init(&cx, w, 8);
            double t0 = cpu_ms();
            ps_wl_checkpoint(&cx, &ch, mbs, 64, PS_CKPT_ADAPTIVE, true, 10, &r);
            double t_ilp = cpu_ms() - t0;
            long ilp_sum = r.layers_sum;
            bool fits = r.fits, proved = r.proved;
            double gap = r.gap;
            free(r.layers);
            t0 = cpu_ms();
            ps_wl_checkpoint(&cx, &ch, mbs, 64, PS_CKPT_ADAPTIVE, false, 10, &r);
            double t_gr = cpu_ms() - t0;
            if (fits)
                printf("%4u %6.2f %9.2f %9ld %8ld %7s %5.1f%% %9.1f %9.2f\n", seed, room,
                       cx.limit_gb, ilp_sum, r.layers_sum, proved ? "yes" : "no", 100 * gap, t_ilp,
                       t_gr);
            else
                printf("%4u %6.2f %9.2f %9s (does not fit)\n", seed, room, cx.limit_gb, "-");
            free(r.layers);
            ps_chunking_fini(&ch);
            ps_workload_free(w);
        }
    }
    return 0;
}

int main(void)
{
    if (chunking_table() != 0 || ilp_table() != 0) {
        fprintf(stderr, "bench_workload: failed\n");
        return 1;
    }
    return 0;
}
