/* The fixed families in the greedy's portfolio (docs/model.md, Greedy): like CrossPipe's
 * engine, the greedy also times the static schedules (GPipe, 1F1B combined and split,
 * interleaved, ZB-H1, ZB-H2, ZB-V, 1F1B with GeoPipe's warm-up, combined and split) and keeps
 * the best one within the memory limit, so it is never beaten by one of them. A family
 * whose stage 0 must hold more than the limit is not even built, and one whose order is
 * the family's before it is not timed again. On large pipelines they run on a second
 * thread while the greedy's own variants run on the caller's, which then takes the
 * families still left. */
#include "solvers/greedy_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"

/* How many microbatches a family's stage 0 holds at its peak at least (each keeps what its
 * F keeps): GPipe all of them, ZB-H2 2S-1, ZB-V 2S-1 half ones, the 1F1B kind S, the
 * interleaved its warm-up's chunk forwards and one more, half a microbatch each. */
enum need { NEED_M, NEED_S, NEED_2S, NEED_V, NEED_INTERLEAVED };

/* In this order, which breaks ties between families (the first wins). Each 1F1B with
 * warm-up (a twin) follows the 1F1B of its split, whose very order it is when the rule adds
 * no warm-up; it is then not timed again. */
static const struct {
    const char *name, *param; /* param: KEY=VALUE or NULL */
    enum need need;
    bool twin; /* compared with the family before it */
    int shape; /* index in shapes[]: its chunks and traversal */
} families[] = {
    {"gpipe", NULL, NEED_M, false, 0},
    {"1f1b", NULL, NEED_S, false, 0},
    {"1f1b-warmup", NULL, NEED_S, true, 0},
    {"1f1b", "split_backward=true", NEED_S, false, 0},
    {"1f1b-warmup", "split_backward=true", NEED_S, true, 0},
    {"interleaved", NULL, NEED_INTERLEAVED, false, 1},
    {"zb-h1", NULL, NEED_S, false, 0},
    {"zb-h2", NULL, NEED_2S, false, 0},
    {"zb-v", NULL, NEED_V, false, 2},
};
#define N_FAMILIES (sizeof families / sizeof families[0])

/* The families' shapes: one chunk in a loop, two in a loop (interleaved), the V (ZB-V). */
static const struct {
    int chunks;
    enum ps_traversal tr;
} shapes[] = {{1, PS_TRAVERSAL_LOOP}, {2, PS_TRAVERSAL_LOOP}, {2, PS_TRAVERSAL_WAVE}};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

/* Groups of families (one with its twins) in the order the threads take them: the most ops
 * per (stage, microbatch) first, so that the last ones taken are short, but the two-chunk
 * shapes last, so that the greedy's makespan is likely known by then (see link_bound). */
static const size_t group_first[] = {3, 6, 7, 1, 0, 5, 8};
#define N_GROUPS (sizeof group_first / sizeof group_first[0])

/* The chunk forwards the interleaved schedule (solvers/interleaved.c, two chunks) runs on
 * stage 0 before its first backward: Megatron's warm-up of 2(S-1) + S table entries and the
 * first steady-state one, where entry i is microbatch (i / 2S) S + i % S (a padding one,
 * past M, is dropped). */
static int interleaved_warmup(int S, int M)
{
    int padded = (M + S - 1) / S * S, total = 2 * padded;
    int n = 3 * S - 2 + 1;
    if (n > total)
        n = total;
    int k = 0;
    for (int i = 0; i < n; i++)
        k += i / (2 * S) * S + i % S < M;
    return k;
}

/* True when family i surely breaks sc's memory limit (so it is not built). */
static bool surely_over(const struct ps_scenario *sc, size_t i)
{
    if (!sc->has_memory_limit)
        return false;
    int S = sc->n_stages, M = sc->n_microbatches;
    double least = INFINITY;
    for (int m = 0; m < M; m++)
        least = fmin(least,
                     ps_scenario_stage_memory(sc, 0, m) - ps_scenario_recompute_memory(sc, 0, m));
    int k = 0;
    double per = 1; /* of a microbatch's memory, per F counted */
    switch (families[i].need) {
    case NEED_M:
        k = M;
        break;
    case NEED_S:
        k = S < M ? S : M;
        break;
    case NEED_2S:
        k = 2 * S - 1 < M ? 2 * S - 1 : M;
        break;
    case NEED_V: /* 2S-1 chunk-0 forwards of half a microbatch each */
        k = (2 * S - 1 < M ? 2 * S - 1 : M) / 2;
        break;
    case NEED_INTERLEAVED:
        k = interleaved_warmup(S, M);
        per = 0.5;
        break;
    }
    return (double)k * per * least > sc->memory_limit + 1e-9;
}

/* A bound on the makespan of any schedule of shape k: each channel between two DCs carries
 * its messages one at a time (every crossing of a boundary between those DCs, in either
 * chunk), and the last one then needs its latency. Two chunks cross each boundary twice,
 * which can make such a shape lose to the greedy before it is even built. */
static int64_t link_bound(const struct ps_scenario *sc, size_t k)
{
    int S = sc->n_stages, M = sc->n_microbatches, V = shapes[k].chunks, nd = sc->n_dcs;
    if (!(sc->activation_mb > 0) || nd < 2 || nd > 64)
        return 0;
    int64_t busy[64 * 64] = {0}, lat[64 * 64];
    for (int i = 0; i < nd * nd; i++)
        lat[i] = INT64_MAX;
    int64_t best = 0;
    for (int kind = 0; kind < 2; kind++)
        for (int v = 0; v < S * V; v++) {
            int to = kind == 0 ? v + 1 : v - 1;
            if (to < 0 || to >= S * V)
                continue;
            int a = ps_vstage_device(v, S, V, shapes[k].tr);
            int z = ps_vstage_device(to, S, V, shapes[k].tr);
            int da = ps_scenario_dc_of(sc, a), dz = ps_scenario_dc_of(sc, z);
            if (da == dz)
                continue;
            struct ps_link l = ps_scenario_link(sc, a, z);
            if (!(l.bandwidth_gbps > 0))
                continue;
            int c = da * nd + dz;
            for (int m = 0; m < M; m++)
                busy[c] += ps_tx_ns(ps_scenario_message_mb(sc, m), l.bandwidth_gbps);
            int64_t ln = ps_ms_to_ns(l.latency_ms);
            lat[c] = ln < lat[c] ? ln : lat[c];
            if (busy[c] + lat[c] > best)
                best = busy[c] + lat[c];
        }
    return best;
}

/* Builds family i; NULL when it refuses the scenario (token slices, a shape) or fails. */
static struct ps_schedule *build_family(const struct ps_scenario *sc, size_t i)
{
    const struct ps_solver *sv = ps_solver_find(families[i].name);
    if (sv == NULL)
        return NULL;
    struct ps_params p = {0};
    struct ps_diag d;
    if (families[i].param != NULL && ps_params_parse_kv(&p, families[i].param, &d) != PS_OK)
        return NULL;
    static const struct ps_solve_ctx no_ctx = {0};
    struct ps_schedule *s = NULL;
    if (sv->generate(sc, &p, &no_ctx, &s, &d) != PS_OK || s == NULL) {
        ps_schedule_free(s);
        return NULL;
    }
    return s;
}

/* True when a and b hold the same per-device orders, so that the simulator times them alike. */
static bool same_orders(const struct ps_schedule *a, const struct ps_schedule *b)
{
    if (a->chunks != b->chunks || a->traversal != b->traversal ||
        a->split_backward != b->split_backward || a->xfer_rank != NULL || b->xfer_rank != NULL)
        return false;
    for (int d = 0; d < a->n_stages; d++) {
        if (a->dev_n[d] != b->dev_n[d])
            return false;
        for (size_t i = 0; i < a->dev_n[d]; i++) {
            const struct ps_op *x = &a->dev_ops[d][i], *y = &b->dev_ops[d][i];
            if (x->kind != y->kind || x->chunk != y->chunk || x->microbatch != y->microbatch ||
                x->part != y->part || x->parts != y->parts)
                return false;
        }
    }
    return true;
}

/* Times family i's schedule s (the caller keeps it as the family built last); makes it the
 * share's best when it fits and is shorter (as short and first in the table). */
static void time_family(struct greedy_fixed_share *sh, size_t i, struct ps_schedule *s)
{
    sh->n_tried++;
    if (s->solver.status == PS_SOLVE_INFEASIBLE || ps_sim_time(s, NULL) != PS_OK || !s->memory_ok)
        return;
    if (sh->best != NULL && (s->makespan_ns > sh->best->makespan_ns ||
                             (s->makespan_ns == sh->best->makespan_ns && i > sh->best_i)))
        return;
    ps_schedule_free(sh->best);
    sh->best = s;
    sh->best_i = i;
}

/* Builds and times the families of the group starting at family first (a twin whose order
 * is its predecessor's counts as timed: its time is the same, and it is later in the table).
 * A family whose shape's link bound is not below the greedy's makespan, when that is known,
 * cannot replace it (ties go to the greedy) and is not built: it counts as timed too, so
 * the counts do not depend on when the greedy finished. */
static void run_group(struct greedy_fixed *fx, struct greedy_fixed_share *sh, size_t first)
{
    struct ps_schedule *prev = NULL; /* the family built last: sh->best, or owned here */
    for (size_t i = first; i < N_FAMILIES && (i == first || families[i].twin); i++) {
        if (surely_over(fx->sc, i)) {
            sh->n_over++;
            continue;
        }
        if (fx->link_ns[families[i].shape] >= atomic_load(&fx->greedy_ns)) {
            sh->n_tried++;
            continue;
        }
        struct ps_schedule *s = build_family(fx->sc, i);
        if (s == NULL)
            continue;
        sh->ops += (int64_t)ps_schedule_n_ops(s);
        if (prev != NULL && same_orders(s, prev)) {
            sh->n_tried++;
            ps_schedule_free(s);
            continue;
        }
        if (prev != sh->best)
            ps_schedule_free(prev);
        prev = s;
        time_family(sh, i, s);
    }
    if (prev != sh->best)
        ps_schedule_free(prev);
}

/* Takes groups until none is left (or the caller cancels). */
static void take_groups(struct greedy_fixed *fx, struct greedy_fixed_share *sh)
{
    for (;;) {
        if (fx->ctx != NULL && fx->ctx->cancel != NULL && atomic_load(fx->ctx->cancel))
            return;
        int g = atomic_fetch_add(&fx->next, 1);
        if (g >= (int)N_GROUPS)
            return;
        run_group(fx, sh, group_first[g]);
    }
}

/* Joins the two shares into fx's result: the shorter best (ties: first in the table). */
static void merge_shares(struct greedy_fixed *fx)
{
    struct greedy_fixed_share *a = &fx->share[0], *b = &fx->share[1];
    if (b->best != NULL &&
        (a->best == NULL || b->best->makespan_ns < a->best->makespan_ns ||
         (b->best->makespan_ns == a->best->makespan_ns && b->best_i < a->best_i))) {
        struct greedy_fixed_share *t = a;
        a = b;
        b = t;
    }
    ps_schedule_free(b->best);
    fx->best = a->best;
    if (a->best != NULL) {
        size_t i = a->best_i;
        snprintf(fx->family, sizeof fx->family, "%s%s%s", families[i].name,
                 families[i].param != NULL ? " " : "",
                 families[i].param != NULL ? families[i].param : "");
    }
    fx->n_tried = a->n_tried + b->n_tried;
    fx->n_over = a->n_over + b->n_over;
    fx->ops = a->ops + b->ops;
    a->best = b->best = NULL;
}

static void *run_detached(void *arg)
{
    struct greedy_fixed *fx = arg;
    take_groups(fx, &fx->share[0]);
    pthread_mutex_lock(&fx->mu);
    fx->done = true; /* after this, fx belongs to the waiter again */
    pthread_cond_signal(&fx->cv);
    pthread_mutex_unlock(&fx->mu);
    return NULL;
}

static bool start_thread(struct greedy_fixed *fx)
{
    if (pthread_mutex_init(&fx->mu, NULL) != 0)
        return false;
    if (pthread_cond_init(&fx->cv, NULL) != 0) {
        pthread_mutex_destroy(&fx->mu);
        return false;
    }
    pthread_attr_t attr;
    pthread_t thread;
    bool ok = pthread_attr_init(&attr) == 0;
    if (ok) {
        ok = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
             pthread_create(&thread, &attr, run_detached, fx) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!ok) {
        pthread_cond_destroy(&fx->cv);
        pthread_mutex_destroy(&fx->mu);
    }
    return ok;
}

void greedy_fixed_start(struct greedy_fixed *fx, const struct ps_scenario *sc,
                        const struct ps_solve_ctx *ctx, bool background)
{
    memset(fx, 0, sizeof *fx);
    fx->sc = sc;
    fx->ctx = ctx;
    atomic_init(&fx->next, 0);
    atomic_init(&fx->greedy_ns, INT64_MAX);
    for (size_t k = 0; k < N_SHAPES; k++)
        fx->link_ns[k] = link_bound(sc, k);
    fx->started = true;
    fx->threaded = background && start_thread(fx);
    if (!fx->threaded)
        take_groups(fx, &fx->share[0]);
}

void greedy_fixed_greedy_done(struct greedy_fixed *fx, int64_t makespan_ns)
{
    if (fx->started)
        atomic_store(&fx->greedy_ns, makespan_ns);
}

void greedy_fixed_help(struct greedy_fixed *fx)
{
    if (fx->threaded)
        take_groups(fx, &fx->share[1]);
}

void greedy_fixed_finish(struct greedy_fixed *fx)
{
    if (!fx->started)
        return;
    if (fx->threaded) {
        pthread_mutex_lock(&fx->mu);
        while (!fx->done)
            pthread_cond_wait(&fx->cv, &fx->mu);
        pthread_mutex_unlock(&fx->mu);
        pthread_cond_destroy(&fx->cv);
        pthread_mutex_destroy(&fx->mu);
        fx->threaded = false;
    }
    merge_shares(fx);
    fx->started = false;
}

void greedy_fixed_fini(struct greedy_fixed *fx)
{
    greedy_fixed_finish(fx);
    ps_schedule_free(fx->best);
    fx->best = NULL;
}
