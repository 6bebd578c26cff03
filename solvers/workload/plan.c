/* Planning a workload (docs/model.md, "Ordering and pipelines"): for each slice count K,
 * the chunks are ordered (longest first or as given), cut into 1F1B pipelines by the DP of
 * Eq. 14, checkpointed by the policy, turned into microbatches and simulated as 1F1B; the
 * K with the shortest iteration that fits the memory wins. */
#include "solvers/workload/plan.h"

#include <float.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "solvers/solver.h"

#define MAX_CLASSES 32
#define MIN_SLICE_TOKENS 512
#define FINALISTS 2

/* A unit: a sliced sequence with all its chunks, or one batched chunk. */
struct unit {
    int first, n; /* chunk indices in units_chunks[first .. first+n-1], slice order */
    double time;  /* F + B + W of its chunks */
    int key;      /* its first sequence in the batch (the given order) */
};

struct work {
    const struct ps_cost_ctx *cx;
    const struct ps_chunking *ch;
    enum ps_ckpt_policy policy;
    bool ilp; /* adaptive: GLPK for the final checkpoint (else its greedy) */
    double time_limit_s;
    struct unit *units;
    int n_units;
    int *unit_chunks; /* chunk indices grouped by unit */
    int *mbs;         /* chunk index per microbatch, in order */
    int *class_end;   /* microbatch index where each class ends */
    int n_classes;
};

static double chunk_time(const struct ps_chunk *c)
{
    return c->f_ms + c->b_ms + c->w_ms;
}

/* ---- units and their order --------------------------------------------------------------- */

static int cmp_units_longest(const void *a, const void *b)
{
    const struct unit *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    if (x->time != y->time)
        return x->time > y->time ? -1 : 1;
    return (x->key > y->key) - (x->key < y->key);
}

static int cmp_units_given(const void *a, const void *b)
{
    const struct unit *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static enum ps_status build_units(struct work *wk, enum ps_wl_order order)
{
    const struct ps_chunking *ch = wk->ch;
    const struct ps_workload *w = wk->cx->w;
    int n = ch->n, ns = w->n_seqs;
    int *unit_of_seq = malloc((size_t)ns * sizeof *unit_of_seq);
    wk->units = malloc((size_t)n * sizeof *wk->units);
    wk->unit_chunks = malloc((size_t)n * sizeof *wk->unit_chunks);
    wk->mbs = malloc((size_t)n * sizeof *wk->mbs);
    wk->class_end = malloc((size_t)n * sizeof *wk->class_end);
    int *count = calloc((size_t)n + 1, sizeof *count),
        *chunk_unit = malloc((size_t)n * sizeof(int));
    enum ps_status st = PS_OK;
    if (unit_of_seq == NULL || wk->units == NULL || wk->unit_chunks == NULL || wk->mbs == NULL ||
        wk->class_end == NULL || count == NULL || chunk_unit == NULL) {
        st = PS_ENOMEM;
        goto done;
    }
    for (int i = 0; i < ns; i++)
        unit_of_seq[i] = -1;
    wk->n_units = 0;
    for (int i = 0; i < n; i++) {
        const struct ps_chunk *c = &ch->chunks[i];
        int u;
        if (c->seq >= 0 && unit_of_seq[c->seq] >= 0) {
            u = unit_of_seq[c->seq];
        } else {
            u = wk->n_units++;
            wk->units[u] = (struct unit){.key = INT32_MAX};
            if (c->seq >= 0)
                unit_of_seq[c->seq] = u;
        }
        chunk_unit[i] = u;
        struct unit *un = &wk->units[u];
        un->n++;
        un->time += chunk_time(c);
        if (c->seq >= 0 && c->seq < un->key)
            un->key = c->seq;
        for (int k = 0; k < c->n; k++)
            if (ch->members[c->first + k] < un->key)
                un->key = ch->members[c->first + k];
    }
    /* chunks grouped by unit, in slice order (a sequence's slices are pushed in order and
     * its tail, in a bucket, after them) */
    for (int u = 0; u < wk->n_units; u++)
        count[u + 1] = count[u] + wk->units[u].n;
    for (int u = 0; u < wk->n_units; u++)
        wk->units[u].first = count[u];
    for (int i = 0; i < n; i++)
        wk->unit_chunks[count[chunk_unit[i]]++] = i;
    qsort(wk->units, (size_t)wk->n_units, sizeof *wk->units,
          order == PS_ORDER_LONGEST_FIRST ? cmp_units_longest : cmp_units_given);
    int m = 0;
    wk->n_classes = 0;
    for (int u = 0; u < wk->n_units; u++) {
        for (int k = 0; k < wk->units[u].n; k++)
            wk->mbs[m++] = wk->unit_chunks[wk->units[u].first + k];
        /* classes: runs of units with the same number of chunks */
        if (u + 1 == wk->n_units || wk->units[u + 1].n != wk->units[u].n)
            wk->class_end[wk->n_classes++] = m;
    }
    if (wk->n_classes > MAX_CLASSES) {
        /* too many runs (a given order): merge them into MAX_CLASSES blocks of about
         * equal size */
        int nc = wk->n_classes;
        for (int c = 0; c < MAX_CLASSES; c++)
            wk->class_end[c] = wk->class_end[(int)((long)(c + 1) * nc / MAX_CLASSES) - 1];
        wk->n_classes = MAX_CLASSES;
    }
done:
    free(unit_of_seq);
    free(count);
    free(chunk_unit);
    return st;
}

/* ---- pipelines: Eq. 14 --------------------------------------------------------------------------
 */

/* delta + T_ckpt of one pipeline holding microbatches [a, b) (Eq. 13-14), HUGE_VAL when
 * it cannot fit. The adaptive policy is estimated with its greedy here. */
static enum ps_status group_cost(const struct work *wk, int a, int b, double *cost)
{
    const struct ps_cost_ctx *cx = wk->cx;
    double sum = 0;
    for (int i = a; i < b; i++)
        sum += chunk_time(&wk->ch->chunks[wk->mbs[i]]);
    double delta = (cx->dp - 1) * sum / (b - a);
    struct ps_ckpt_result r;
    enum ps_status st =
        ps_wl_checkpoint(cx, wk->ch, wk->mbs + a, b - a, wk->policy, false, wk->time_limit_s, &r);
    if (st != PS_OK)
        return st;
    *cost = r.fits ? delta + r.bubble_ms : HUGE_VAL;
    free(r.layers);
    return PS_OK;
}

/* Cuts the classes into pipelines with the pure DP (ps_wl_partition_dp) over the costs of
 * every contiguous run of classes. Fills ends[] (microbatch end of each pipeline) and
 * *n_groups (0 when nothing fits). */
static enum ps_status group_dp(const struct work *wk, int want, int *ends, int *n_groups)
{
    int C = wk->n_classes;
    double *cost = malloc((size_t)(C + 1) * (size_t)(C + 1) * sizeof *cost);
    int *cls = malloc((size_t)(C > 0 ? C : 1) * sizeof *cls);
    enum ps_status st = cost != NULL && cls != NULL ? PS_OK : PS_ENOMEM;
    for (int k = 0; k < C && st == PS_OK; k++) {
        int a = k > 0 ? wk->class_end[k - 1] : 0;
        for (int i = k + 1; i <= C && st == PS_OK; i++)
            st = group_cost(wk, a, wk->class_end[i - 1], &cost[(size_t)k * (size_t)(C + 1) + i]);
    }
    if (st == PS_OK) {
        st = ps_wl_partition_dp(C, cost, want, cls, n_groups);
        for (int g = 0; st == PS_OK && g < *n_groups; g++)
            ends[g] = wk->class_end[cls[g] - 1];
    }
    free(cost);
    free(cls);
    return st;
}

enum ps_status ps_wl_partition_dp(int C, const double *cost, int want, int *ends, int *n_groups)
{
    *n_groups = 0;
    if (C < 1)
        return PS_OK;
    int G = want > 0 ? (want < C ? want : C) : C;
    size_t gg = (size_t)(G + 1) * (size_t)(C + 1);
    double *dp = malloc(gg * sizeof *dp);
    int *from = malloc(gg * sizeof *from);
    if (dp == NULL || from == NULL) {
        free(dp);
        free(from);
        return PS_ENOMEM;
    }
    for (size_t i = 0; i < gg; i++) {
        dp[i] = HUGE_VAL;
        from[i] = -1;
    }
    dp[0] = 0;
    /* dp[g][i]: the cheapest way to put classes 0..i-1 in g pipelines (Eq. 14) */
    for (int g = 1; g <= G; g++)
        for (int i = 1; i <= C; i++)
            for (int k = g - 1; k < i; k++) {
                double v = dp[(size_t)(g - 1) * (size_t)(C + 1) + k] +
                           cost[(size_t)k * (size_t)(C + 1) + i];
                if (v < dp[(size_t)g * (size_t)(C + 1) + i]) {
                    dp[(size_t)g * (size_t)(C + 1) + i] = v;
                    from[(size_t)g * (size_t)(C + 1) + i] = k;
                }
            }
    int best_g = G;
    if (want == 0) /* auto: the fewest pipelines among the cheapest */
        for (int g = 1; g <= G; g++)
            if (dp[(size_t)g * (size_t)(C + 1) + C] < dp[(size_t)best_g * (size_t)(C + 1) + C])
                best_g = g;
    if (dp[(size_t)best_g * (size_t)(C + 1) + C] < HUGE_VAL) {
        int i = C;
        for (int g = best_g; g >= 1; g--) {
            ends[g - 1] = i;
            i = from[(size_t)g * (size_t)(C + 1) + i];
        }
        *n_groups = best_g;
    }
    free(dp);
    free(from);
    return PS_OK;
}

/* ---- one K ---------------------------------------------------------------------------------- */

struct attempt {
    struct ps_scenario sc; /* planned, when fits */
    bool fits;
    double iteration_ms;
    int pipelines;
    bool used_ilp, proved;
    double gap, delta_ms, ckpt_ms;
    long layers_sum;
    char why[320];
    int *order; /* the chunk of each microbatch (owned), when fits */
};

static void attempt_fini(struct attempt *at)
{
    ps_scenario_fini(&at->sc);
    free(at->order);
    at->order = NULL;
}

/* Checkpoints each pipeline with the real policy (GLPK for adaptive) and writes the
 * microbatches into a copy of `in`. */
static enum ps_status realize(const struct work *wk, const struct ps_scenario *in, const int *ends,
                              int n_groups, int slices, struct attempt *at, struct ps_diag *d)
{
    const struct ps_cost_ctx *cx = wk->cx;
    int n = wk->ch->n, S = cx->dp;
    int *pipeline = malloc((size_t)n * sizeof *pipeline);
    int *layers = calloc((size_t)n * (size_t)S, sizeof *layers);
    enum ps_status st = pipeline != NULL && layers != NULL ? PS_OK : PS_ENOMEM;
    at->fits = true;
    at->used_ilp = wk->policy == PS_CKPT_ADAPTIVE;
    at->proved = at->used_ilp;
    for (int g = 0, a = 0; g < n_groups && st == PS_OK && at->fits; a = ends[g++]) {
        struct ps_ckpt_result r;
        st = ps_wl_checkpoint(cx, wk->ch, wk->mbs + a, ends[g] - a, wk->policy, wk->ilp,
                              wk->time_limit_s, &r);
        if (st != PS_OK)
            break;
        at->fits = r.fits;
        if (!r.fits)
            snprintf(at->why, sizeof at->why, "%s", r.why);
        at->used_ilp &= r.used_ilp;
        at->proved &= r.proved;
        at->gap = fmax(at->gap, r.gap);
        at->ckpt_ms += r.bubble_ms;
        at->layers_sum += r.layers_sum;
        double sum = 0;
        for (int i = a; i < ends[g]; i++) {
            pipeline[i] = g;
            sum += chunk_time(&wk->ch->chunks[wk->mbs[i]]);
        }
        at->delta_ms += (S - 1) * sum / (ends[g] - a);
        memcpy(layers + (size_t)a * (size_t)S, r.layers,
               (size_t)(ends[g] - a) * (size_t)S * sizeof *layers);
        free(r.layers);
    }
    if (st == PS_OK && at->fits) {
        struct ps_wl_result res = {.chunks = wk->ch,
                                   .order = wk->mbs,
                                   .pipeline = pipeline,
                                   .layers = layers,
                                   .slices = slices,
                                   .pipelines = n_groups};
        st = ps_scenario_copy(&at->sc, in);
        if (st == PS_OK) {
            st = ps_workload_apply(&at->sc, &res, d);
            if (st != PS_OK)
                ps_scenario_fini(&at->sc);
        }
    }
    free(pipeline);
    free(layers);
    return st;
}

/* The simulated 1F1B iteration of a planned scenario. */
static enum ps_status simulate(const struct ps_scenario *sc, double *ms, struct ps_diag *d)
{
    struct ps_params none = {0};
    struct ps_schedule *s = NULL;
    enum ps_status st = ps_solver_run(&ps_solver_1f1b, sc, &none, NULL, &s, d);
    if (st == PS_OK)
        *ms = (double)s->makespan_ns / 1e6;
    ps_schedule_free(s);
    return st;
}

static enum ps_status try_k(const struct ps_cost_ctx *cx, const struct ps_scenario *in,
                            enum ps_granularity g, enum ps_ckpt_policy p, int K, bool ilp,
                            struct ps_chunking *ch, struct attempt *at, struct ps_diag *d)
{
    const struct ps_wl_plan *pl = &cx->w->plan;
    memset(at, 0, sizeof *at);
    enum ps_status st = ps_wl_chunk(cx, g, K, ch);
    if (st != PS_OK)
        return ps_diag_set(d, st, "workload", "out of memory while chunking");
    if (ch->n > PS_MAX_MICROBATCHES) {
        snprintf(at->why, sizeof at->why, "%d chunks (a pipeline runs at most %d)", ch->n,
                 PS_MAX_MICROBATCHES);
        return PS_OK;
    }
    struct work wk = {
        .cx = cx, .ch = ch, .policy = p, .ilp = ilp, .time_limit_s = pl->ckpt_time_limit_s};
    int *ends = malloc((size_t)ch->n * sizeof *ends), n_groups = 0;
    st = ends != NULL ? build_units(&wk, pl->order) : PS_ENOMEM;
    if (st == PS_OK)
        st = group_dp(&wk, pl->pipelines, ends, &n_groups);
    if (st == PS_OK && n_groups == 0) {
        /* nothing fits: the checkpoint of the whole batch as one pipeline says where */
        struct ps_ckpt_result r;
        st = ps_wl_checkpoint(cx, ch, wk.mbs, ch->n, p, false, pl->ckpt_time_limit_s, &r);
        if (st == PS_OK)
            snprintf(at->why, sizeof at->why, "%s", r.fits ? "no pipeline grouping fits" : r.why);
        free(r.layers);
    } else if (st == PS_OK) {
        at->pipelines = n_groups;
        st = realize(&wk, in, ends, n_groups, K, at, d);
        if (st == PS_OK && at->fits) {
            st = simulate(&at->sc, &at->iteration_ms, d);
            if (st != PS_OK) {
                ps_scenario_fini(&at->sc);
            } else {
                at->order = wk.mbs; /* the attempt keeps its order */
                wk.mbs = NULL;
            }
        }
    }
    if (st == PS_ENOMEM)
        ps_diag_set(d, st, "workload", "out of memory while planning");
    free(ends);
    free(wk.units);
    free(wk.unit_chunks);
    free(wk.mbs);
    free(wk.class_end);
    return st;
}

/* ---- entry ---------------------------------------------------------------------------------- */

static double imbalance(const struct ps_chunking *ch)
{
    double max = 0, sum = 0;
    for (int i = 0; i < ch->n; i++) {
        double t = chunk_time(&ch->chunks[i]);
        sum += t;
        max = fmax(max, t);
    }
    return ch->n > 0 && sum > 0 ? max / (sum / ch->n) : 0;
}

/* Keeps the FINALISTS fastest Ks (ties: the smaller K, which came first). */
static void keep_finalist(int *k, double *ms, int *n, int K, double t)
{
    int i = *n < FINALISTS ? (*n)++ : FINALISTS;
    if (i == FINALISTS) {
        if (!(t < ms[FINALISTS - 1]))
            return;
        i = FINALISTS - 1;
    }
    while (i > 0 && t < ms[i - 1]) {
        k[i] = k[i - 1];
        ms[i] = ms[i - 1];
        i--;
    }
    k[i] = K;
    ms[i] = t;
}

/* at becomes the best when it is faster (ties keep the earlier, smaller K); the loser's
 * scenario is freed and the chunkings swap so that best_ch holds the best's. */
static void take_if_better(struct attempt *best, bool *have, struct attempt *at,
                           struct ps_chunking *best_ch, struct ps_chunking *ch)
{
    if (*have && !(at->iteration_ms < best->iteration_ms)) {
        attempt_fini(at);
        return;
    }
    if (*have)
        attempt_fini(best);
    *best = *at;
    *have = true;
    struct ps_chunking t = *best_ch;
    *best_ch = *ch;
    *ch = t;
}

/* The search's table shows the final (GLPK) time of a finalist. */
static void update_try(struct ps_wl_report *rep, int K, double ms)
{
    for (int i = 0; rep != NULL && i < rep->n_tries; i++)
        if (rep->tries[i].slices == K)
            rep->tries[i].iteration_ms = ms;
}

static void record(struct ps_wl_report *rep, const struct attempt *at, int K, int chunks)
{
    if (rep == NULL || rep->n_tries >= PS_WL_MAX_SLICES)
        return;
    rep->tries[rep->n_tries++] =
        (struct ps_wl_try){.slices = K,
                           .chunks = chunks,
                           .pipelines = at->pipelines,
                           .fits = at->fits,
                           .iteration_ms = at->fits ? at->iteration_ms : 0};
}

enum ps_status ps_workload_plan_with(const struct ps_scenario *in, enum ps_granularity g,
                                     enum ps_ckpt_policy p, struct ps_scenario *out,
                                     struct ps_wl_report *rep, struct ps_diag *d)
{
    ps_diag_clear(d);
    if (rep != NULL)
        memset(rep, 0, sizeof *rep);
    if (in->workload == NULL)
        return ps_scenario_copy(out, in) == PS_OK ? PS_OK : ps_diag_set(d, PS_ENOMEM, "", NULL);
    ps_scenario_init(out);
    enum ps_status st = ps_workload_validate(in->workload, in->n_stages, d);
    if (st != PS_OK)
        return st;
    const struct ps_workload *w = in->workload;
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, in->n_stages);
    int lmax = 0;
    for (int i = 0; i < w->n_seqs; i++)
        lmax = w->lengths[i] > lmax ? w->lengths[i] : lmax;
    int k_lo = 0, k_hi = 0; /* batch and token have no K */
    if (g == PS_GRAN_ELASTIC || g == PS_GRAN_EVEN) {
        k_lo = w->plan.slices > 0 ? w->plan.slices : 1;
        k_hi = w->plan.slices > 0 ? w->plan.slices : w->plan.max_slices;
        while (k_hi > k_lo && lmax / k_hi < MIN_SLICE_TOKENS)
            k_hi--;
    }
    struct ps_chunking ch, best_ch;
    ps_chunking_init(&ch);
    ps_chunking_init(&best_ch);
    struct attempt best = {0}, at;
    bool have = false;
    char why[320] = "";
    /* Every K with the adaptive policy's greedy (fast), then GLPK on the FINALISTS best Ks:
     * the ILP's answer for the K that it makes fastest is the plan. */
    double fin_ms[FINALISTS];
    int fin_k[FINALISTS], n_fin = 0;
    bool two_phase = p == PS_CKPT_ADAPTIVE && k_hi > k_lo;
    for (int K = k_lo; K <= k_hi && st == PS_OK; K++) {
        st = try_k(&cx, in, g, p, K, !two_phase, &ch, &at, d);
        if (st != PS_OK)
            break;
        record(rep, &at, K, ch.n);
        if (!at.fits) {
            if (why[0] == '\0' || K == k_hi)
                snprintf(why, sizeof why, "%s", at.why);
            continue;
        }
        if (two_phase) {
            keep_finalist(fin_k, fin_ms, &n_fin, K, at.iteration_ms);
            attempt_fini(&at);
            continue;
        }
        take_if_better(&best, &have, &at, &best_ch, &ch);
    }
    for (int i = 0; i < n_fin && st == PS_OK; i++) {
        st = try_k(&cx, in, g, p, fin_k[i], true, &ch, &at, d);
        if (st == PS_OK && at.fits) {
            update_try(rep, fin_k[i], at.iteration_ms);
            take_if_better(&best, &have, &at, &best_ch, &ch);
        }
    }
    if (st == PS_OK && !have) {
        if (rep != NULL)
            snprintf(rep->why, sizeof rep->why, "%s", why);
        st = ps_diag_set(d, PS_EINVAL, "workload", "no plan fits the memory (%s, %s): %s",
                         ps_granularity_str(g), ps_ckpt_policy_str(p), why);
    }
    if (st == PS_OK) {
        *out = best.sc;
        out->workload->plan.granularity = g;
        out->workload->plan.checkpoint = p;
        if (rep != NULL) {
            rep->slices = best_ch.slices;
            rep->pipelines = best.pipelines;
            rep->chunks = best_ch.n;
            rep->iteration_ms = best.iteration_ms;
            rep->delta_ms = best.delta_ms;
            rep->ckpt_ms = best.ckpt_ms;
            rep->imbalance = imbalance(&best_ch);
            rep->used_ilp = best.used_ilp;
            rep->proved = best.proved;
            rep->gap = best.gap;
            rep->layers_sum = best.layers_sum;
            rep->chunking = best_ch; /* the report owns them now */
            ps_chunking_init(&best_ch);
            rep->order = best.order;
            best.order = NULL;
        }
        free(best.order);
    } else if (have) {
        attempt_fini(&best);
    }
    ps_chunking_fini(&ch);
    ps_chunking_fini(&best_ch);
    return st;
}

void ps_wl_report_fini(struct ps_wl_report *rep)
{
    if (rep == NULL)
        return;
    ps_chunking_fini(&rep->chunking);
    free(rep->order);
    rep->order = NULL;
}

enum ps_status ps_workload_plan(const struct ps_scenario *in, struct ps_scenario *out,
                                struct ps_wl_report *rep, struct ps_diag *d)
{
    if (in->workload == NULL)
        return ps_workload_plan_with(in, PS_GRAN_ELASTIC, PS_CKPT_NONE, out, rep, d);
    return ps_workload_plan_with(in, in->workload->plan.granularity, in->workload->plan.checkpoint,
                                 out, rep, d);
}
