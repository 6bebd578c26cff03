/* `geopipe`: GeoPipe's extra warm-up chosen by search instead of by rule. The schedule is
 * 1F1B with warm-up counts w[s] (1f1b-warmup's shape); the search picks w per stage to
 * minimise the simulated makespan with every stage's peak within the memory limit
 * (docs/model.md, "geopipe"). Deterministic: a block search over one extra count per
 * datacenter, then a per-stage hill climb, under a work budget counted in simulated ops. */
#include "solvers/solver.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "solvers/fixed.h"

/* Work budget: simulated ops over the whole search (a few seconds on the largest
 * scenarios, milliseconds on the presets); the start points always run. */
#define BUDGET_OPS 6000000L
#define MAX_BLOCK_POINTS 400

static const struct ps_param_def geopipe_params[] = {
    {.key = "slow_links",
     .type = PS_PARAM_CHOICE,
     .def = "inter_dc",
     .choices = "inter_dc|all",
     .help = "links the starting rule (1f1b-warmup's auto) covers"},
    {.key = "split_backward",
     .type = PS_PARAM_BOOL,
     .def = "false",
     .help = "split the backward into B and W, W right after its B"},
};

struct search {
    const struct ps_scenario *sc;
    struct ps_schedule *s; /* reused for every evaluation */
    const struct ps_solve_ctx *ctx;
    int S, M;
    int *lo, *hi; /* bounds of w[s]: plain 1F1B's warm-up, and what memory allows */
    int *best, *tmp;
    int64_t best_ns;
    long best_sum;
    long evaluated, ops_left;
    bool cancelled;
    enum ps_status err;
};

static long sum_of(const int *w, int n)
{
    long t = 0;
    for (int i = 0; i < n; i++)
        t += w[i];
    return t;
}

/* Times warm-up vector w; keeps it when faster (or as fast with less memory). Returns false
 * when the budget is spent, the user cancelled or something failed. */
static bool evaluate(struct search *x, const int *w, bool forced)
{
    if (x->err != PS_OK || x->cancelled)
        return false;
    if (x->ctx->cancel != NULL && atomic_load(x->ctx->cancel)) {
        x->cancelled = true;
        return false;
    }
    long n_ops = (long)x->S * x->M * (x->s->split_backward ? 3 : 2);
    if (!forced && x->ops_left < n_ops)
        return false;
    x->ops_left -= n_ops;
    ps_schedule_clear(x->s);
    enum ps_status st = ps_fixed_push_1f1b(x->s, w, NULL);
    if (st == PS_OK)
        st = ps_sim_time(x->s, NULL); /* candidates: the makespan is what counts */
    if (st != PS_OK) {
        x->err = st;
        return false;
    }
    x->evaluated++;
    long sum = sum_of(w, x->S);
    if (x->best_ns < 0 || x->s->makespan_ns < x->best_ns ||
        (x->s->makespan_ns == x->best_ns && sum < x->best_sum)) {
        x->best_ns = x->s->makespan_ns;
        x->best_sum = sum;
        memcpy(x->best, w, (size_t)x->S * sizeof *w);
    }
    return true;
}

/* w from one extra count per stage, clipped to the bounds and made non-increasing (a stage
 * never runs fewer warm-up forwards than the next one, nor more than its upstream feeds). */
static void clip(const struct search *x, const int *extra, int *w)
{
    for (int s = 0; s < x->S; s++) {
        int v = x->lo[s] + extra[s];
        if (v > x->hi[s])
            v = x->hi[s];
        if (s > 0 && v - x->lo[s] > w[s - 1] - x->lo[s - 1])
            v = x->lo[s] + (w[s - 1] - x->lo[s - 1]); /* extras never grow downstream */
        if (v < x->lo[s])
            v = x->lo[s];
        w[s] = v;
    }
    for (int s = x->S - 2; s >= 0; s--)
        if (w[s] < w[s + 1])
            w[s] = w[s + 1];
}

/* Phase A: one extra count per datacenter, non-increasing from the first datacenter to the
 * last, each a multiple of `step` up to `top` (the stage-0 room), every combination. */
static void block_search(struct search *x, int *extra, int dc, int cap, int step, int top)
{
    const struct ps_scenario *sc = x->sc;
    if (dc == sc->n_dcs) {
        clip(x, extra, x->tmp);
        evaluate(x, x->tmp, false);
        return;
    }
    int first = ps_scenario_dc_first_stage(sc, dc);
    for (int e = 0; e <= cap && e <= top && !x->cancelled && x->err == PS_OK; e += step) {
        for (int k = 0; k < sc->dcs[dc].stages; k++)
            extra[first + k] = e;
        block_search(x, extra, dc + 1, e, step, top);
    }
}

/* The number of non-increasing sequences of n values in 0..k (binomial(k+n, n)), capped. */
static long sequences(int n, int k)
{
    double c = 1;
    for (int i = 1; i <= n; i++) {
        c = c * (k + i) / i;
        if (c > 1e9)
            return 1000000000L;
    }
    return (long)(c + 0.5);
}

/* Phase B: from the best, move one stage's warm-up by one while it helps. */
static void hill_climb(struct search *x)
{
    bool improved = true;
    while (improved && !x->cancelled && x->err == PS_OK) {
        improved = false;
        for (int s = 0; s < x->S && !x->cancelled && x->err == PS_OK; s++) {
            for (int dir = -1; dir <= 1; dir += 2) {
                memcpy(x->tmp, x->best, (size_t)x->S * sizeof *x->tmp);
                int v = x->tmp[s] + dir;
                if (v < x->lo[s] || v > x->hi[s] || (s > 0 && v > x->tmp[s - 1]) ||
                    (s + 1 < x->S && v < x->tmp[s + 1]))
                    continue;
                x->tmp[s] = v;
                int64_t before = x->best_ns;
                long before_sum = x->best_sum;
                if (!evaluate(x, x->tmp, false))
                    return;
                if (x->best_ns < before || (x->best_ns == before && x->best_sum < before_sum))
                    improved = true;
            }
        }
    }
}

static void run_search(struct search *x, bool all_links)
{
    int S = x->S;
    int *extra = calloc((size_t)S, sizeof *extra);
    if (extra == NULL) {
        x->err = PS_ENOMEM;
        return;
    }
    /* Start points: plain 1F1B, and the rule (capped the way 1f1b-warmup caps it). */
    memcpy(x->tmp, x->lo, (size_t)S * sizeof *x->tmp);
    evaluate(x, x->tmp, true);
    ps_fixed_auto_extra(x->sc, all_links, extra);
    clip(x, extra, x->tmp);
    evaluate(x, x->tmp, true);

    int top = x->hi[0] - x->lo[0]; /* the room of stage 0 */
    if (top > 0 && x->sc->n_dcs > 1) {
        int step = 1;
        while (sequences(x->sc->n_dcs, top / step) > MAX_BLOCK_POINTS)
            step++;
        block_search(x, extra, 0, top, step, top);
    }
    hill_climb(x);
    free(extra);
}

static enum ps_status gen_geopipe(const struct ps_scenario *sc, const struct ps_params *params,
                                  const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                                  struct ps_diag *d)
{
    const struct ps_solver *sv = &ps_solver_geopipe;
    bool split = ps_params_get_bool(sv, params, "split_backward");
    bool all_links = strcmp(ps_params_get(sv, params, "slow_links"), "all") == 0;
    int S = sc->n_stages, M = sc->n_microbatches;
    struct search x = {.sc = sc, .ctx = ctx, .S = S, .M = M, .best_ns = -1};
    x.ops_left = BUDGET_OPS;
    x.lo = malloc((size_t)S * sizeof *x.lo);
    x.hi = malloc((size_t)S * sizeof *x.hi);
    x.best = malloc((size_t)S * sizeof *x.best);
    x.tmp = malloc((size_t)S * sizeof *x.tmp);
    enum ps_status st = ps_fixed_new(sc, "geopipe", 1, PS_TRAVERSAL_LOOP, split, &x.s, d);
    if (st == PS_OK && (x.lo == NULL || x.hi == NULL || x.best == NULL || x.tmp == NULL))
        st = ps_diag_set(d, PS_ENOMEM, "", "geopipe: out of memory");
    if (st != PS_OK)
        goto done;
    int cap = ps_fixed_warmup_cap(sc);
    for (int s = 0; s < S; s++) {
        x.lo[s] = S - s - 1 < M - 1 ? S - s - 1 : M - 1;
        x.hi[s] = cap > x.lo[s] ? cap : x.lo[s];
    }
    run_search(&x, all_links);
    if (x.err != PS_OK) {
        st = ps_diag_set(d, x.err, "", "geopipe: %s", ps_status_str(x.err));
        goto done;
    }
    /* The best orders, rebuilt (the simulator times them again in ps_solver_run). */
    ps_schedule_clear(x.s);
    st = ps_fixed_push_1f1b(x.s, x.best, NULL);
    if (st != PS_OK) {
        ps_diag_set(d, st, "", "geopipe: %s", ps_status_str(st));
        goto done;
    }
    int *in_flight = x.tmp, *extra = x.lo; /* reused: lo is no longer needed */
    for (int s = 0; s < S; s++) {
        extra[s] = x.best[s] - (S - s - 1 < M - 1 ? S - s - 1 : M - 1);
        in_flight[s] = x.best[s] + 1 < M ? x.best[s] + 1 : M;
    }
    char buf[sizeof x.s->solver.params[0].value];
    ps_fixed_format_list(extra, S, buf, sizeof buf);
    ps_schedule_set_param(x.s, "extra_warmup", buf);
    ps_fixed_format_list(in_flight, S, buf, sizeof buf);
    ps_schedule_set_param(x.s, "in_flight", buf);
    snprintf(buf, sizeof buf, "%ld", x.evaluated);
    ps_schedule_set_param(x.s, "evaluated", buf);
    if (sc->has_memory_limit)
        snprintf(buf, sizeof buf,
                 "searched %ld warm-up vectors within the memory limit (%g units: at most %d "
                 "warm-up forwards)%s",
                 x.evaluated, sc->memory_limit, cap < 0 ? 0 : cap,
                 x.ops_left <= 0 ? "; work budget reached" : "");
    else
        snprintf(buf, sizeof buf, "searched %ld warm-up vectors (no memory limit)%s", x.evaluated,
                 x.ops_left <= 0 ? "; work budget reached" : "");
    ps_schedule_set_param(x.s, "note", buf);
    if (x.cancelled)
        x.s->solver.status = PS_SOLVE_CANCELLED;
    *out = x.s;
    x.s = NULL;
done:
    ps_schedule_free(x.s);
    free(x.lo);
    free(x.hi);
    free(x.best);
    free(x.tmp);
    return st;
}

const struct ps_solver ps_solver_geopipe = {
    .name = "geopipe",
    .summary = "1F1B with extra warm-up per stage found by search, within the memory limit",
    .split_backward = false,
    .traversals = PS_TRAV_LOOP_BIT,
    .min_chunks = 1,
    .max_chunks = 1,
    .slow = false,
    .adaptive = true,
    .params = geopipe_params,
    .n_params = sizeof geopipe_params / sizeof geopipe_params[0],
    .generate = gen_geopipe,
};
