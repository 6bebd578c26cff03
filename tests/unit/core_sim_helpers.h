/* Shared by the core_* tests: classic orders built by hand, so the simulator is tested
 * against closed forms without depending on the solvers library. */
#ifndef PS_TESTS_CORE_SIM_HELPERS_H
#define PS_TESTS_CORE_SIM_HELPERS_H

#include "core/schedule.h"

/* GPipe (V = 1): all F in microbatch order, then all B (then W right after each B). */
static inline int build_gpipe(struct ps_schedule *s)
{
    int S = s->n_stages, M = s->n_microbatches;
    for (int d = 0; d < S; d++) {
        for (int m = 0; m < M; m++)
            if (ps_schedule_push(s, d, PS_OP_F, 0, m) != PS_OK)
                return -1;
        for (int m = 0; m < M; m++) {
            if (ps_schedule_push(s, d, PS_OP_B, 0, m) != PS_OK)
                return -1;
            if (ps_schedule_has_w(s, d) && ps_schedule_push(s, d, PS_OP_W, 0, m) != PS_OK)
                return -1;
        }
    }
    return 0;
}

/* 1F1B (V = 1): S-s-1 warm-up forwards, then alternate F and B, then the remaining B;
 * in a split schedule W right after each B. */
static inline int build_1f1b(struct ps_schedule *s)
{
    int S = s->n_stages, M = s->n_microbatches;
    for (int d = 0; d < S; d++) {
        int warm = S - d - 1 < M ? S - d - 1 : M;
        int f = 0, b = 0;
        bool w = ps_schedule_has_w(s, d);
        for (; f < warm; f++)
            if (ps_schedule_push(s, d, PS_OP_F, 0, f) != PS_OK)
                return -1;
        while (b < M) {
            if (f < M && ps_schedule_push(s, d, PS_OP_F, 0, f++) != PS_OK)
                return -1;
            if (ps_schedule_push(s, d, PS_OP_B, 0, b) != PS_OK)
                return -1;
            if (w && ps_schedule_push(s, d, PS_OP_W, 0, b) != PS_OK)
                return -1;
            b++;
        }
    }
    return 0;
}

/* GPipe-style order for any V and traversal: every F in (microbatch, chunk by vstage)
 * order, then every B in reverse vstage order, each W right after its B. */
static inline int build_gpipe_chunks(struct ps_schedule *s)
{
    int S = s->n_stages, M = s->n_microbatches, V = s->chunks;
    for (int d = 0; d < S; d++) {
        int order[16];
        for (int c = 0; c < V; c++)
            order[c] = c;
        /* chunks by increasing vstage on this device */
        for (int i = 0; i < V; i++)
            for (int j = i + 1; j < V; j++)
                if (ps_vstage_of(d, order[j], S, V, s->traversal) <
                    ps_vstage_of(d, order[i], S, V, s->traversal)) {
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
        for (int i = 0; i < V; i++)
            for (int m = 0; m < M; m++)
                if (ps_schedule_push(s, d, PS_OP_F, order[i], m) != PS_OK)
                    return -1;
        for (int i = V - 1; i >= 0; i--)
            for (int m = 0; m < M; m++) {
                if (ps_schedule_push(s, d, PS_OP_B, order[i], m) != PS_OK)
                    return -1;
                if (ps_schedule_has_w(s, d) &&
                    ps_schedule_push(s, d, PS_OP_W, order[i], m) != PS_OK)
                    return -1;
            }
    }
    return 0;
}

#endif
