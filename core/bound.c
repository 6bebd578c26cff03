/* The lower bound (SPEC 6, docs/model.md "Lower bound"): a makespan no schedule of a
 * scenario within its memory limit can beat, whatever its chunk count (1..16), traversal
 * or split, and which of its parts binds. Pieces of work are counted only where every shape
 * has them; a chunk's share of a stage is at least floor(T / 16). The memory part bounds
 * how many microbatches can be in flight on device 0, each for at least its round trip. */
#include "core/sim.h"

#include <math.h>
#include <stdlib.h>

#include "core/units.h"

/* Per-stage, per-microbatch values; without per-microbatch scales all microbatches
 * share one column (mt == 1) so big uniform scenarios cost O(S) roundings. */
struct table {
    const struct ps_scenario *sc;
    int S, M, mt;
    int64_t *f, *b, *bw;  /* F, split B (+ R), min(B + W, combined B) (+ R) */
    int64_t *up, *down;   /* boundary j: j -> j+1 and j+1 -> j: latency + transmission */
    int64_t *head, *tail; /* per device: earliest start, least time after its last B */
    int64_t ag_min, rs_min;
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

static void table_free(struct table *t)
{
    free(t->f);
    free(t->b);
    free(t->bw);
    free(t->up);
    free(t->down);
    free(t->head);
    free(t->tail);
}

static bool table_fill(struct table *t, const struct ps_scenario *sc)
{
    int S = sc->n_stages, M = sc->n_microbatches;
    *t = (struct table){.sc = sc, .S = S, .M = M, .mt = sc->per_microbatch != NULL ? M : 1};
    size_t n = (size_t)S * (size_t)t->mt;
    t->f = malloc(n * sizeof *t->f);
    t->b = malloc(n * sizeof *t->b);
    t->bw = malloc(n * sizeof *t->bw);
    t->up = malloc(n * sizeof *t->up);
    t->down = malloc(n * sizeof *t->down);
    t->head = malloc((size_t)S * sizeof *t->head);
    t->tail = malloc((size_t)S * sizeof *t->tail);
    if (t->f == NULL || t->b == NULL || t->bw == NULL || t->up == NULL || t->down == NULL ||
        t->head == NULL || t->tail == NULL)
        return false;
    for (int d = 0; d < S; d++) {
        for (int m = 0; m < t->mt; m++) {
            size_t i = (size_t)d * (size_t)t->mt + (size_t)m;
            /* an R op (recomputation) sits on the backward's path of every schedule: it
             * counts with B */
            int64_t r = ps_scenario_stage_time_ns(sc, d, m, PS_TIME_R);
            t->f[i] = ps_scenario_stage_time_ns(sc, d, m, PS_TIME_F);
            t->b[i] = ps_scenario_stage_time_ns(sc, d, m, PS_TIME_B) + r;
            int64_t split = t->b[i] + ps_scenario_stage_time_ns(sc, d, m, PS_TIME_W);
            int64_t comb = ps_scenario_stage_time_ns(sc, d, m, PS_TIME_B_COMBINED) + r;
            t->bw[i] = split < comb ? split : comb;
            t->up[i] = d + 1 < S ? link_cost(sc, d, d + 1, m) : 0;
            t->down[i] = d + 1 < S ? link_cost(sc, d + 1, d, m) : 0;
        }
    }
    /* The smallest share of a data-parallel op any chunking gives. */
    t->ag_min = sc->has_data_parallel ? ps_ms_to_ns(sc->allgather_ms) / PS_MAX_CHUNKS : 0;
    t->rs_min = sc->has_data_parallel ? ps_ms_to_ns(sc->reduce_scatter_ms) / PS_MAX_CHUNKS : 0;
    /* head[d]: earliest start of any op on device d (its first op is an F, after the
     * forward of some microbatch crossed every boundary below d); tail[d]: after device
     * d's last B, that microbatch's gradient still crosses every boundary below d.
     * Per microbatch the sums grow with d: one pass over the stages. */
    for (int d = 0; d < S; d++)
        t->head[d] = t->tail[d] = INT64_MAX;
    for (int m = 0; m < t->mt; m++) {
        int64_t hm = t->ag_min, tm = 0;
        for (int d = 0; d < S; d++) {
            t->head[d] = hm < t->head[d] ? hm : t->head[d];
            t->tail[d] = tm < t->tail[d] ? tm : t->tail[d];
            hm += at(t, t->up, d, m) + at(t, t->f, d, m) / PS_MAX_CHUNKS;
            tm += at(t, t->down, d, m) + at(t, t->b, d, m) / PS_MAX_CHUNKS;
        }
    }
    return true;
}

/* (a) each device's work between its head and its tail */
static int64_t bound_work(const struct table *t)
{
    int64_t best = 0;
    for (int d = 0; d < t->S; d++) {
        int64_t fb = 0, all = 0;
        for (int m = 0; m < t->mt; m++) {
            fb += at(t, t->f, d, m) + at(t, t->b, d, m);
            all += at(t, t->f, d, m) + at(t, t->bw, d, m);
        }
        if (t->mt == 1) {
            fb *= t->M;
            all *= t->M;
        }
        best = max64(best, t->head[d] + fb + t->tail[d]);
        best = max64(best, t->head[d] + all + t->rs_min);
    }
    return best;
}

/* (b) microbatch m's round trip: every shape crosses each boundary at least once in
 * each direction, and does all of m's F and B; on device 0, vstage 0's F of earlier
 * microbatches come before and its B of later ones after. */
static int64_t bound_round_trip(const struct table *t)
{
    int M = t->M;
    int64_t best = 0, f0_before = 0, b0_after = 0;
    if (t->mt == 1) { /* every round trip alike: the ends are the extremes */
        int64_t rt = t->ag_min;
        for (int d = 0; d < t->S; d++)
            rt += at(t, t->f, d, 0) + at(t, t->b, d, 0) + at(t, t->up, d, 0) + at(t, t->down, d, 0);
        int64_t f0 = at(t, t->f, 0, 0) / PS_MAX_CHUNKS, b0 = at(t, t->b, 0, 0) / PS_MAX_CHUNKS;
        return rt + max64((int64_t)(M - 1) * f0, (int64_t)(M - 1) * b0);
    }
    for (int m = 1; m < M; m++)
        b0_after += at(t, t->b, 0, m) / PS_MAX_CHUNKS;
    for (int m = 0; m < M; m++) {
        int64_t rt = t->ag_min + f0_before + b0_after;
        for (int d = 0; d < t->S; d++)
            rt += at(t, t->f, d, m) + at(t, t->b, d, m) + at(t, t->up, d, m) + at(t, t->down, d, m);
        best = max64(best, rt);
        f0_before += at(t, t->f, 0, m) / PS_MAX_CHUNKS;
        if (m + 1 < M)
            b0_after -= at(t, t->b, 0, m + 1) / PS_MAX_CHUNKS;
    }
    return best;
}

/* (c) each directed channel of a boundary carries at least one message per
 * microbatch: its transmissions, after the sender's head and first F, then latency. */
static int64_t bound_links(const struct table *t)
{
    const struct ps_scenario *sc = t->sc;
    int64_t best = 0;
    for (int j = 0; j + 1 < t->S; j++) {
        for (int dir = 0; dir < 2; dir++) {
            int from = dir == 0 ? j : j + 1, to = dir == 0 ? j + 1 : j;
            struct ps_link l = ps_scenario_link(sc, from, to);
            if (!(l.bandwidth_gbps > 0))
                continue;
            int64_t busy = 0, first = INT64_MAX;
            for (int m = 0; m < t->mt; m++) {
                busy += ps_tx_ns(ps_scenario_message_mb(sc, m), l.bandwidth_gbps);
                int64_t f = at(t, t->f, from, m) / PS_MAX_CHUNKS;
                if (f < first)
                    first = f;
            }
            if (t->mt == 1)
                busy *= t->M;
            best = max64(best, t->head[from] + first + busy + ps_ms_to_ns(l.latency_ms));
        }
    }
    return best;
}

/* ---- memory ------------------------------------------------------------------------- */

/* Per microbatch what the memory part needs: its work over every stage (F and B, with R),
 * its crossings of the boundaries (each direction once), the wrap-around link of loops
 * (device S-1 to 0 and back), and what it keeps on device 0 between its F and its B. */
struct mem {
    int M;
    double *work, *cross, *wrap, *keep;
};

static bool mem_fill(struct mem *mm, const struct table *t)
{
    const struct ps_scenario *sc = t->sc;
    int M = t->M, S = t->S;
    mm->M = M;
    mm->work = malloc((size_t)M * sizeof *mm->work);
    mm->cross = malloc((size_t)M * sizeof *mm->cross);
    mm->wrap = malloc((size_t)M * sizeof *mm->wrap);
    mm->keep = malloc((size_t)M * sizeof *mm->keep);
    if (mm->work == NULL || mm->cross == NULL || mm->wrap == NULL || mm->keep == NULL)
        return false;
    bool alike = t->mt == 1 && sc->mb_stage == NULL;
    for (int m = 0; m < M; m++) {
        if (alike && m > 0) { /* every microbatch like the first */
            mm->work[m] = mm->work[0];
            mm->cross[m] = mm->cross[0];
            mm->wrap[m] = mm->wrap[0];
            mm->keep[m] = mm->keep[0];
            continue;
        }
        double w = 0, x = 0;
        for (int d = 0; d < S; d++) {
            w += (double)at(t, t->f, d, m) + (double)at(t, t->b, d, m);
            x += (double)at(t, t->up, d, m) + (double)at(t, t->down, d, m);
        }
        mm->work[m] = w;
        mm->cross[m] = x;
        mm->wrap[m] = S > 1 ? (double)(link_cost(sc, S - 1, 0, m) + link_cost(sc, 0, S - 1, m)) : 0;
        /* F keeps what recomputation does not replay, until its B ends */
        mm->keep[m] = ps_scenario_stage_memory(sc, 0, m) - ps_scenario_recompute_memory(sc, 0, m);
    }
    return true;
}

static void mem_free(struct mem *mm)
{
    free(mm->work);
    free(mm->cross);
    free(mm->wrap);
    free(mm->keep);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The least round trip of chunk c on device 0 of a shape: from the start of its F to the
 * end of its B the chunk's microbatch does the work of every later vstage and crosses
 * their boundaries. Loops (V chunks): chunks c..V-1 of every stage (at least (V-c)/V of
 * the work, less half a nanosecond of rounding per stage and kind), V-c crossings of each
 * boundary and V-1-c of the wrap-around link, each way. Wave (V = 2): chunk 0 everything
 * and every boundary twice each way; chunk 1 (vstage 2S-1) only its own F and B. */
static double chunk_trip(const struct table *t, const struct mem *mm, int m, bool wave, int V,
                         int c)
{
    if (wave) {
        if (c == 0)
            return mm->work[m] + 2 * mm->cross[m];
        double f0 = (double)at(t, t->f, 0, m), b0 = (double)at(t, t->b, 0, m);
        return (f0 + b0) / 2 - 1;
    }
    return mm->work[m] * (V - c) / V - t->S + (V - c) * mm->cross[m] + (V - 1 - c) * mm->wrap[m];
}

/* The memory part for one shape: microbatch m holds at least keep/V on device 0 over an
 * interval of at least its chunk's round trip, for each of its chunks there.
 * Area: the device's memory over time, at most limit x makespan, covers every interval.
 * Depth (chunk 0): at most L microbatches fit on device 0 at once, and L intervals of at
 * least R each cannot overlap at any instant more than L deep, so ceil(M/L) x R. */
static double shape_bound(const struct table *t, const struct mem *mm, double *sorted, bool wave,
                          int V)
{
    const struct ps_scenario *sc = t->sc;
    double area = 0, r0 = INFINITY;
    /* every microbatch alike (one column, one memory per stage): one of them, M times */
    bool alike = t->mt == 1 && sc->mb_stage == NULL;
    for (int m = 0; m < (alike ? 1 : mm->M); m++) {
        double h = mm->keep[m] / V;
        for (int c = 0; c < V; c++) {
            double r = chunk_trip(t, mm, m, wave, V, c);
            area += h * (r > 0 ? r : 0);
            if (c == 0 && r < r0)
                r0 = r;
        }
    }
    if (alike)
        area *= mm->M;
    double best = area / sc->memory_limit;
    /* the most microbatches whose chunk-0 holdings fit together: the smallest first */
    double held = 0;
    int L = 0;
    for (int i = 0; i < mm->M; i++) {
        held += sorted[i] / V;
        if (held > sc->memory_limit + 1e-9)
            break;
        L++;
    }
    if (L >= 1 && L < mm->M && r0 > 0) {
        double depth = ceil((double)mm->M / L) * r0;
        best = depth > best ? depth : best;
    }
    return best;
}

/* The least over every shape a schedule can have of its memory part. */
static int64_t bound_memory(const struct table *t)
{
    const struct ps_scenario *sc = t->sc;
    if (!sc->has_memory_limit || !(sc->memory_limit > 0))
        return 0;
    struct mem mm = {0};
    double *sorted = malloc((size_t)t->M * sizeof *sorted);
    int64_t out = 0;
    if (sorted != NULL && mem_fill(&mm, t)) {
        for (int m = 0; m < t->M; m++)
            sorted[m] = mm.keep[m];
        qsort(sorted, (size_t)t->M, sizeof *sorted, cmp_double);
        double least = shape_bound(t, &mm, sorted, true, 2);
        for (int V = 1; V <= PS_MAX_CHUNKS; V++) {
            double b = shape_bound(t, &mm, sorted, false, V);
            least = b < least ? b : least;
        }
        /* a makespan is whole nanoseconds: floor, and a little less for the doubles */
        out = least > 1 ? (int64_t)floor(least * (1 - 1e-12)) : 0;
    }
    mem_free(&mm);
    free(sorted);
    return out;
}

/* ---- the bound -------------------------------------------------------------------------- */

void ps_lower_bound(const struct ps_scenario *sc, struct ps_bound *out)
{
    *out = (struct ps_bound){0};
    if (sc->n_stages < 1 || sc->n_microbatches < 1 || sc->dcs == NULL)
        return;
    struct table t;
    if (!table_fill(&t, sc)) {
        table_free(&t);
        return;
    }
    out->part[PS_BOUND_WORK] = bound_work(&t);
    out->part[PS_BOUND_ROUND_TRIP] = bound_round_trip(&t);
    out->part[PS_BOUND_LINK] = bound_links(&t);
    /* (d) the lane does every AG and RS, one at a time */
    if (sc->has_data_parallel)
        out->part[PS_BOUND_DP] = ps_ms_to_ns(sc->allgather_ms) + ps_ms_to_ns(sc->reduce_scatter_ms);
    out->part[PS_BOUND_MEMORY] = bound_memory(&t);
    table_free(&t);
    out->binds = PS_BOUND_WORK;
    for (int p = 0; p < PS_BOUND_COUNT; p++)
        if (out->part[p] > out->part[out->binds])
            out->binds = (enum ps_bound_part)p;
    out->value = out->part[out->binds];
}

int64_t ps_lower_bound_ns(const struct ps_scenario *sc)
{
    struct ps_bound b;
    ps_lower_bound(sc, &b);
    return b.value;
}

int64_t ps_bound_without_memory(const struct ps_bound *b)
{
    int64_t best = 0;
    for (int p = 0; p < PS_BOUND_COUNT; p++)
        if (p != PS_BOUND_MEMORY && b->part[p] > best)
            best = b->part[p];
    return best;
}

const char *ps_bound_part_str(enum ps_bound_part p)
{
    static const char *const names[PS_BOUND_COUNT] = {"work", "round trip", "link", "data parallel",
                                                      "memory"};
    return p >= 0 && p < PS_BOUND_COUNT ? names[p] : "?";
}
