/* The lower bound (SPEC 6, docs/model.md): a makespan no schedule of a scenario can beat,
 * whatever its chunk count (1..16), traversal or split. Pieces of work are counted only
 * where every shape has them; a chunk's share of a stage is at least floor(T / 16). */
#include "core/sim.h"

#include <stdlib.h>

#include "core/units.h"

/* Per-stage, per-microbatch values; without per-microbatch scales all microbatches
 * share one column (mt == 1) so big uniform scenarios cost O(S) roundings. */
struct table {
    int S, M, mt;
    int64_t *f, *b, *bw; /* F, split B, min(B + W, combined B) */
    int64_t *up, *down;  /* boundary j: j -> j+1 and j+1 -> j: latency + transmission */
};

static inline int64_t at(const struct table *t, const int64_t *a, int row, int m)
{
    return a[(size_t)row * (size_t)t->mt + (size_t)(t->mt == 1 ? 0 : m)];
}

static int64_t link_cost(const struct ps_scenario *sc, int from, int to, int m)
{
    struct ps_link l = ps_scenario_link(sc, from, to);
    return ps_ms_to_ns(l.latency_ms) + ps_tx_ns(ps_scenario_message_mb(sc, m), l.bandwidth_gbps);
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

int64_t ps_lower_bound_ns(const struct ps_scenario *sc)
{
    int S = sc->n_stages, M = sc->n_microbatches;
    if (S < 1 || M < 1 || sc->dcs == NULL)
        return 0;
    struct table t = {S, M, sc->per_microbatch != NULL ? M : 1, NULL, NULL, NULL, NULL, NULL};
    size_t n = (size_t)S * (size_t)t.mt;
    t.f = malloc(n * sizeof *t.f);
    t.b = malloc(n * sizeof *t.b);
    t.bw = malloc(n * sizeof *t.bw);
    t.up = malloc(n * sizeof *t.up);
    t.down = malloc(n * sizeof *t.down);
    int64_t *head = malloc((size_t)S * sizeof *head);
    int64_t *tail = malloc((size_t)S * sizeof *tail);
    int64_t best = 0;
    if (t.f == NULL || t.b == NULL || t.bw == NULL || t.up == NULL || t.down == NULL ||
        head == NULL || tail == NULL)
        goto out;
    for (int d = 0; d < S; d++) {
        for (int m = 0; m < t.mt; m++) {
            size_t i = (size_t)d * (size_t)t.mt + (size_t)m;
            /* an R op (recomputation) sits on the backward's path of every schedule: it
             * counts with B */
            int64_t r = ps_scenario_stage_time_ns(sc, d, m, PS_TIME_R);
            t.f[i] = ps_scenario_stage_time_ns(sc, d, m, PS_TIME_F);
            t.b[i] = ps_scenario_stage_time_ns(sc, d, m, PS_TIME_B) + r;
            int64_t split = t.b[i] + ps_scenario_stage_time_ns(sc, d, m, PS_TIME_W);
            int64_t comb = ps_scenario_stage_time_ns(sc, d, m, PS_TIME_B_COMBINED) + r;
            t.bw[i] = split < comb ? split : comb;
            t.up[i] = d + 1 < S ? link_cost(sc, d, d + 1, m) : 0;
            t.down[i] = d + 1 < S ? link_cost(sc, d + 1, d, m) : 0;
        }
    }
    /* The smallest share of a data-parallel op any chunking gives. */
    int64_t ag_min = sc->has_data_parallel ? ps_ms_to_ns(sc->allgather_ms) / PS_MAX_CHUNKS : 0;
    int64_t rs_min = sc->has_data_parallel ? ps_ms_to_ns(sc->reduce_scatter_ms) / PS_MAX_CHUNKS : 0;
    if (sc->has_data_parallel) /* (d) the lane does every AG and RS, one at a time */
        best = ps_ms_to_ns(sc->allgather_ms) + ps_ms_to_ns(sc->reduce_scatter_ms);

    /* head[d]: earliest start of any op on device d (its first op is an F, after the
     * forward of some microbatch crossed every boundary below d); tail[d]: after device
     * d's last B, that microbatch's gradient still crosses every boundary below d. */
    for (int d = 0; d < S; d++) {
        int64_t h = INT64_MAX, tl = INT64_MAX;
        for (int m = 0; m < (t.mt == 1 ? 1 : M); m++) {
            int64_t hm = ag_min, tm = 0;
            for (int j = 0; j < d; j++) {
                hm += at(&t, t.up, j, m) + at(&t, t.f, j, m) / PS_MAX_CHUNKS;
                tm += at(&t, t.down, j, m) + at(&t, t.b, j, m) / PS_MAX_CHUNKS;
            }
            if (hm < h)
                h = hm;
            if (tm < tl)
                tl = tm;
        }
        head[d] = h;
        tail[d] = tl;
    }
    /* (a) each device's work between its head and its tail */
    for (int d = 0; d < S; d++) {
        int64_t fb = 0, all = 0;
        for (int m = 0; m < M; m++) {
            fb += at(&t, t.f, d, m) + at(&t, t.b, d, m);
            all += at(&t, t.f, d, m) + at(&t, t.bw, d, m);
        }
        best = max64(best, head[d] + fb + tail[d]);
        best = max64(best, head[d] + all + rs_min);
    }
    /* (b) microbatch m's round trip: every shape crosses each boundary at least once in
     * each direction, and does all of m's F and B; on device 0, vstage 0's F of earlier
     * microbatches come before and its B of later ones after. */
    int64_t f0_before = 0, b0_after = 0;
    for (int m = 1; m < M; m++)
        b0_after += at(&t, t.b, 0, m) / PS_MAX_CHUNKS;
    for (int m = 0; m < M; m++) {
        int64_t rt = ag_min + f0_before + b0_after;
        for (int d = 0; d < S; d++)
            rt += at(&t, t.f, d, m) + at(&t, t.b, d, m) + at(&t, t.up, d, m) + at(&t, t.down, d, m);
        best = max64(best, rt);
        f0_before += at(&t, t.f, 0, m) / PS_MAX_CHUNKS;
        if (m + 1 < M)
            b0_after -= at(&t, t.b, 0, m + 1) / PS_MAX_CHUNKS;
    }
    /* (c) each directed channel of a boundary carries at least one message per
     * microbatch: its transmissions, after the sender's head and first F, then latency. */
    for (int j = 0; j + 1 < S; j++) {
        for (int dir = 0; dir < 2; dir++) {
            int from = dir == 0 ? j : j + 1, to = dir == 0 ? j + 1 : j;
            struct ps_link l = ps_scenario_link(sc, from, to);
            if (!(l.bandwidth_gbps > 0))
                continue;
            int64_t busy = 0, first = INT64_MAX;
            for (int m = 0; m < t.mt; m++) {
                busy += ps_tx_ns(ps_scenario_message_mb(sc, m), l.bandwidth_gbps);
                int64_t f = at(&t, t.f, from, m) / PS_MAX_CHUNKS;
                if (f < first)
                    first = f;
            }
            if (t.mt == 1)
                busy *= M;
            best = max64(best, head[from] + first + busy + ps_ms_to_ns(l.latency_ms));
        }
    }
out:
    free(t.f);
    free(t.b);
    free(t.bw);
    free(t.up);
    free(t.down);
    free(head);
    free(tail);
    return best;
}
