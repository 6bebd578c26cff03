/* Shared by tests/unit/solvers_optimal.c and tests/bench/bench_exhaustive.c: the table of
 * small scenarios on which the optimal solver is checked against an exhaustive search
 * over every per-device order, the search itself, and the scenario builder. The cases the
 * suite runs enumerate at most 170k combinations; the heavier ones (200k to millions) run in the
 * benchmark with the same checks. */
#ifndef PS_TESTS_SOLVERS_SMALL_CASES_H
#define PS_TESTS_SOLVERS_SMALL_CASES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "core/sim.h"
#include "core/units.h"
#include "solvers/solver.h"

/* One device's order: (kind, chunk, microbatch) triples. */
struct dev_order {
    uint8_t kind[96], chunk[96];
    int16_t mb[96];
    int n;
};

struct orders {
    struct dev_order *v;
    size_t n, cap;
    bool oom;
};

struct enum_state {
    const struct ps_scenario *sc;
    int stage, M, V, S;
    bool has_w;
    int nf[2], nb[2], nw[2]; /* done per chunk */
    double mem;
    struct dev_order cur;
    struct orders *out;
};

static inline void small_push_order(struct orders *o, const struct dev_order *d)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        struct dev_order *v = realloc(o->v, cap * sizeof *v);
        if (v == NULL) {
            o->oom = true;
            return;
        }
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = *d;
}

static inline void small_try(struct enum_state *e, int kind, int c, int mb, double dmem);

/* Every order of one device's ops that keeps what its own device must respect: the
 * microbatch order per kind and chunk, F before B before W of one microbatch, the chunk
 * order of one microbatch (wave: F0 < F1 < B1 < B0), and the memory limit at each F. */
static inline void small_enum_dev(struct enum_state *e)
{
    int total = e->M * e->V * (e->has_w ? 3 : 2);
    if (e->cur.n == total) {
        small_push_order(e->out, &e->cur);
        return;
    }
    double w = e->sc->weight_share;
    for (int c = 0; c < e->V; c++) {
        /* the other chunk of a wave device: chunk 1 runs F after chunk 0's F of the same
         * microbatch, and chunk 0's B after chunk 1's B */
        int mb = e->nf[c];
        double a = ps_scenario_memory_scale(e->sc, mb < e->M ? mb : 0) / e->V;
        bool f_ok = mb < e->M && (c == 0 || e->nf[0] > mb);
        if (f_ok && (!e->sc->has_memory_limit || e->mem + a <= e->sc->memory_limit + 1e-9))
            small_try(e, PS_OP_F, c, mb, a);
        mb = e->nb[c];
        bool b_ok = mb < e->nf[c] && (e->V == 1 || c == 1 || e->nb[1] > mb);
        if (b_ok) {
            double ab = ps_scenario_memory_scale(e->sc, mb) / e->V;
            small_try(e, PS_OP_B, c, mb, -(e->has_w ? (1 - w) * ab : ab));
        }
        mb = e->nw[c];
        if (e->has_w && mb < e->nb[c])
            small_try(e, PS_OP_W, c, mb, -w * ps_scenario_memory_scale(e->sc, mb) / e->V);
    }
}

static inline void small_try(struct enum_state *e, int kind, int c, int mb, double dmem)
{
    int *cnt = kind == PS_OP_F ? e->nf : kind == PS_OP_B ? e->nb : e->nw;
    int k = e->cur.n++;
    e->cur.kind[k] = (uint8_t)kind, e->cur.chunk[k] = (uint8_t)c, e->cur.mb[k] = (int16_t)mb;
    cnt[c]++;
    e->mem += dmem;
    small_enum_dev(e);
    e->mem -= dmem;
    cnt[c]--;
    e->cur.n--;
}

/* The number of combinations of per-device orders the search would simulate, or -1 on out
 * of memory. *per (S entries) receives each device's orders (free each .v, then per). */
static inline long small_orders(const struct ps_scenario *sc, int V, enum ps_traversal tr,
                                struct orders **per_out)
{
    int S = sc->n_stages;
    struct orders *per = calloc((size_t)S, sizeof *per);
    struct ps_schedule *s = ps_schedule_new(sc, "exhaustive", V, tr, true);
    long combos = per != NULL && s != NULL ? 1 : -1;
    for (int d = 0; d < S && combos > 0; d++) {
        struct enum_state e;
        memset(&e, 0, sizeof e);
        e.sc = sc, e.stage = d, e.M = sc->n_microbatches, e.V = V, e.S = S;
        e.has_w = ps_schedule_has_w(s, d);
        e.out = &per[d];
        small_enum_dev(&e);
        combos = per[d].oom ? -1 : combos * (long)per[d].n;
    }
    ps_schedule_free(s);
    *per_out = per;
    return combos;
}

static inline void small_orders_free(struct orders *per, int S)
{
    if (per == NULL)
        return;
    for (int d = 0; d < S; d++)
        free(per[d].v);
    free(per);
}

/* The least makespan over every combination of per-device orders (first-come-first-served
 * channels): -1 when none completes within the limit, -2 on an error (out of memory, a
 * simulator error other than a deadlock, more than max_combos combinations). *count gets
 * the number of combinations. Exact for the model when channel order cannot matter: with
 * one chunk and equal messages every channel carries one stream whose microbatch order is
 * optimal. */
static inline int64_t small_exhaustive(const struct ps_scenario *sc, int V, enum ps_traversal tr,
                                       long max_combos, long *count)
{
    int S = sc->n_stages;
    struct orders *per = NULL;
    long combos = small_orders(sc, V, tr, &per);
    *count = combos;
    struct ps_schedule *s = ps_schedule_new(sc, "exhaustive", V, tr, true);
    size_t *idx = calloc((size_t)S, sizeof *idx);
    int64_t best = combos < 0 || combos > max_combos || s == NULL || idx == NULL ? -2 : -1;
    for (long k = 0; k < combos && best != -2; k++) {
        ps_schedule_clear(s);
        for (int d = 0; d < S; d++) {
            const struct dev_order *o = &per[d].v[idx[d]];
            for (int i = 0; i < o->n; i++)
                if (ps_schedule_push(s, d, o->kind[i], o->chunk[i], o->mb[i]) != PS_OK)
                    best = -2;
        }
        enum ps_status st = ps_sim_time(s, NULL); /* the makespan is what counts */
        if (st == PS_OK && s->memory_ok && (best < 0 || s->makespan_ns < best))
            best = s->makespan_ns;
        else if (st != PS_OK && st != PS_EDEADLOCK)
            best = -2;
        for (int d = 0; d < S; d++) {
            if (++idx[d] < per[d].n)
                break;
            idx[d] = 0;
        }
    }
    small_orders_free(per, S);
    free(idx);
    ps_schedule_free(s);
    return best;
}

/* ---- the table of small scenarios ----------------------------------------------------- */

struct small_case {
    const char *id;
    int dcs[3]; /* stages per DC, 0-terminated */
    int M;
    double f, b, w;
    double inter_lat, inter_tx; /* ms; tx via 1 MB at the matching bandwidth */
    double intra_lat, intra_tx;
    double limit; /* 0: unlimited */
    double weight_share;
    double ag, rs; /* data parallel, 0: none */
    bool wave;
    bool rounded_quick; /* the rounded slot model proves it in milliseconds: in the suite */
};

/* Every case keeps channel order out of the question (one chunk, equal messages: each
 * channel carries one stream) or has no channel at all (wave with latency only), so the
 * exhaustive search over device orders with first-come-first-served channels is the
 * optimum of the model. */
static const struct small_case small_cases[] = {
    {"s1m4", {1}, 4, 1, 1, 1, 0, 0, 0, 0, 2, 0.5, 0, 0, false, true},
    {"s2m3-lat", {1, 1}, 3, 1, 1, 1, 1, 0, 0, 0, 0, 0.5, 0, 0, false, true},
    {"s2m4-lat-mem2", {1, 1}, 4, 1, 1, 1, 1, 0, 0, 0, 2, 0.5, 0, 0, false, false},
    {"s2m4-tx-mem2", {1, 1}, 4, 1, 1, 1, 0, 1, 0, 0, 2, 0.5, 0, 0, false, false},
    {"s2m4-lat2-tx", {1, 1}, 4, 1, 2, 1, 2, 0.5, 0, 0, 0, 0.5, 0, 0, false, false},
    {"s2m4-intra", {2}, 4, 2, 1, 1, 0, 0, 1, 1, 3, 0.5, 0, 0, false, false},
    {"s2m4-now", {1, 1}, 4, 1, 2, 0, 1, 1, 0, 0, 2, 0.5, 0, 0, false, false},
    {"s2m4-w03", {1, 1}, 4, 1, 1, 2, 0.5, 0, 0, 0, 1.5, 0.3, 0, 0, false, true},
    {"s2m4-dp", {1, 1}, 4, 1, 1, 1, 1, 0, 0, 0, 2, 0.5, 1, 2, false, false},
    {"s2m4-mem1", {1, 1}, 4, 1, 1, 1, 1, 1, 0, 0, 1, 0.5, 0, 0, false, true},
    {"s3m3-1dc", {3}, 3, 1, 1, 1, 0, 0, 0.5, 0, 0, 0.5, 0, 0, false, false},
    {"s3m3-2dc-lat", {2, 1}, 3, 1, 1, 1, 2, 0, 0, 0, 0, 0.5, 0, 0, false, false},
    {"s3m3-3dc-tx", {1, 1, 1}, 3, 1, 1, 1, 0.5, 1, 0, 0, 2, 0.5, 0, 0, false, false},
    {"s3m4-3dc-mem2", {1, 1, 1}, 4, 1, 1, 1, 1, 0.5, 0, 0, 2, 0.5, 0, 0, false, false},
    {"s3m4-2dc-mem1.5", {1, 2}, 4, 1, 1, 1, 1, 1, 0.5, 0, 1.5, 0.5, 0, 0, false, true},
    {"s3m3-dp-3dc", {1, 1, 1}, 3, 1, 1, 1, 1, 0, 0, 0, 2, 0.5, 0.5, 1, false, false},
    {"s3m4-uneven", {2, 1}, 4, 2, 1, 1, 1, 0, 0, 0, 2, 0.5, 0, 0, false, false},
    {"s2m4-offgrid", {1, 1}, 4, 1.03, 0.97, 1.01, 1.13, 0, 0, 0, 2, 0.5, 0, 0, false, false},
    {"s3m3-offgrid-tx", {2, 1}, 3, 1.1, 0.9, 0.7, 0.3, 0.45, 0.05, 0, 0, 0.4, 0, 0, false, false},
    {"wave-s1m3", {1}, 3, 1, 1, 1, 0, 0, 0, 0, 1.5, 0.5, 0, 0, true, true},
    {"wave-s2m2-lat", {1, 1}, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0.5, 0, 0, true, false},
    {"wave-s2m2-mem", {1, 1}, 2, 2, 2, 1, 1, 0, 0, 0, 1.5, 0.5, 0, 0, true, false},
    {"wave-s2m2-dp", {1, 1}, 2, 1, 2, 1, 1, 0, 0, 0, 1.5, 0.5, 0.5, 3, true, false},
};

#define SMALL_N_CASES (sizeof small_cases / sizeof small_cases[0])

/* Combinations above this run in tests/bench/bench_exhaustive only. */
#define SMALL_SUITE_MAX_COMBOS 170000L

/* Builds the case's scenario (ps_scenario_fini it). Returns PS_OK or the validation's
 * status with d filled. */
static inline enum ps_status small_make(struct ps_scenario *sc, const struct small_case *c,
                                        struct ps_diag *d)
{
    int n_dcs = 0, S = 0;
    while (n_dcs < 3 && c->dcs[n_dcs] > 0)
        S += c->dcs[n_dcs++];
    enum ps_status st = ps_scenario_make_uniform(sc, n_dcs, 1, c->M, c->f, c->b, c->w);
    if (st != PS_OK)
        return st;
    /* re-shape the DCs to the case's sizes */
    sc->n_stages = S;
    for (int i = 0; i < n_dcs; i++)
        sc->dcs[i].stages = c->dcs[i];
    sc->inter_dc.latency_ms = c->inter_lat;
    sc->intra_dc.latency_ms = c->intra_lat;
    if (c->inter_tx > 0 || c->intra_tx > 0)
        sc->activation_mb = 1;
    sc->inter_dc.bandwidth_gbps = c->inter_tx > 0 ? 8.0 / c->inter_tx : 0;
    sc->intra_dc.bandwidth_gbps = c->intra_tx > 0 ? 8.0 / c->intra_tx : 0;
    if (c->limit > 0) {
        sc->has_memory_limit = true;
        sc->memory_limit = c->limit;
    }
    sc->weight_share = c->weight_share;
    if (c->ag > 0 || c->rs > 0) {
        sc->has_data_parallel = true;
        sc->allgather_ms = c->ag;
        sc->reduce_scatter_ms = c->rs;
    }
    return ps_scenario_validate(sc, d);
}

/* ---- running the solvers and checking a case ------------------------------------------ */

/* Runs solver `name` with space-separated KEY=VALUE params; validates its output. NULL on
 * failure, with the reason in err. */
static inline struct ps_schedule *small_solve(const char *name, const struct ps_scenario *sc,
                                              const char *kvs, const struct ps_solve_ctx *ctx,
                                              char *err, size_t errsize)
{
    struct ps_params p = {0};
    struct ps_diag d;
    memset(&d, 0, sizeof d);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", kvs != NULL ? kvs : "");
    for (char *save = NULL, *kv = strtok_r(buf, " ", &save); kv != NULL;
         kv = strtok_r(NULL, " ", &save))
        if (ps_params_parse_kv(&p, kv, &d) != PS_OK) {
            snprintf(err, errsize, "%s: bad parameter %s: %s", name, kv, d.msg);
            return NULL;
        }
    struct ps_schedule *s = NULL;
    if (ps_solver_run(ps_solver_find(name), sc, &p, ctx, &s, &d) != PS_OK) {
        snprintf(err, errsize, "%s: %s: %s", name, d.path, d.msg);
        return NULL;
    }
    if (s->solver.status != PS_SOLVE_INFEASIBLE) {
        int nv = 0;
        if (ps_schedule_validate(s, &d, &nv) != PS_OK || !s->memory_ok) {
            snprintf(err, errsize, "%s output invalid (%d violations, memory %s): %s", name, nv,
                     s->memory_ok ? "ok" : "over", d.msg);
            ps_schedule_free(s);
            return NULL;
        }
    }
    return s;
}

static inline const char *small_param(const struct ps_schedule *s, const char *key)
{
    for (int i = 0; i < s->solver.n_params; i++)
        if (strcmp(s->solver.params[i].key, key) == 0)
            return s->solver.params[i].value;
    return "";
}

/* What one case gave. */
struct small_result {
    long combos;
    int64_t exhaustive, greedy, optimal[5], bound[5];
    enum ps_solve_status status[5];
    const char *form[5];
    double solve_ms[5];
    long nodes[5];
    /* auto, order, rounded (the MILP alone), auto with the search first, and auto with the
     * one-device relaxations first */
    bool ran[5];
    int64_t relax, stat; /* the relaxations' bound (0: none) and the static bound */
};

/* Checks the optimal solver on case c against the exhaustive search: with the `auto` and
 * `order` formulations (the MILP alone, without our branch-and-bound) and with the defaults
 * and the branch-and-bound starting from the one-microbatch-at-a-time schedule (no greedy,
 * no polish: the search has to find the optimum itself) proved optimal and equal to it (or,
 * reported feasible, shorter with the greedy's parts), never longer than the greedy; with
 * `rounded` (when `rounded`) a bound at most the optimum and a schedule at least it. The
 * branch-and-bound's leaves must all agree with the simulator. `limits` are extra parameters that
 * bound the work (node_limit=...). Returns NULL when every check holds, else what failed
 * (in err). */
static inline const char *small_check(const struct small_case *c, bool rounded, const char *limits,
                                      struct small_result *r, char *err, size_t errsize)
{
    static const char *const forms[] = {"auto", "order", "rounded", "auto", "auto"};
    static const char *const tighten[] = {"tighten=window,lb,energy,warm,mempre,polish",
                                          "tighten=window,lb,energy,warm,mempre,polish",
                                          "tighten=window,lb,energy,warm,mempre,polish",
                                          "tighten=window,lb,energy,mempre,bnb",
                                          "tighten=window,lb,energy,mempre,relax"};
    memset(r, 0, sizeof *r);
    struct ps_scenario sc;
    struct ps_diag d;
    if (small_make(&sc, c, &d) != PS_OK) {
        snprintf(err, errsize, "%s: %s: %s", c->id, d.path, d.msg);
        return err;
    }
    int V = c->wave ? 2 : 1;
    enum ps_traversal tr = c->wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
    const char *fail = NULL;
    r->exhaustive = small_exhaustive(&sc, V, tr, 4000000, &r->combos);
    const char *trv = c->wave ? "traversal=wave" : "traversal=loop";
    struct ps_schedule *g = small_solve("greedy", &sc, trv, NULL, err, errsize);
    if (r->exhaustive <= 0)
        snprintf(err, errsize, "%s: exhaustive search failed (%lld)", c->id,
                 (long long)r->exhaustive);
    if (r->exhaustive <= 0 || g == NULL)
        fail = err;
    if (g != NULL)
        r->greedy = g->makespan_ns;
    for (int f = 0; f < 5 && fail == NULL; f++) {
        if (f == 2 && !rounded)
            continue;
        char kv[256];
        snprintf(kv, sizeof kv, "%s formulation=%s %s %s", trv, forms[f], limits, tighten[f]);
        struct ps_schedule *s = small_solve("optimal", &sc, kv, NULL, err, errsize);
        if (s == NULL) {
            fail = err;
            break;
        }
        r->ran[f] = true;
        r->optimal[f] = s->makespan_ns;
        r->bound[f] = s->solver.bound_ns;
        r->status[f] = s->solver.status;
        r->solve_ms[f] = s->solver.solve_ms;
        r->nodes[f] = atol(small_param(s, "nodes"));
        const char *search = small_param(s, "bnb");
        r->form[f] = strncmp(search, "complete", 8) == 0                   ? "search"
                     : strcmp(small_param(s, "formulation"), "time") == 0  ? "time"
                     : strcmp(small_param(s, "formulation"), "order") == 0 ? "order"
                                                                           : "rounded";
        int64_t best = r->exhaustive, ms = s->makespan_ns;
        /* the static bound (heads, tails, Jackson's bound) holds for every schedule of
         * the shape, so never above the exhaustive optimum (it is not clipped to the
         * starting schedule here, unlike the reported bound) */
        double stat = atof(small_param(s, "static_bound"));
        /* the relaxations' bound too (it is the starting schedule's makespan when they
         * found nothing below it, so it must not be above the optimum either) */
        const char *relax = small_param(s, "relax");
        if (f == 4) {
            r->stat = ps_ms_to_ns(stat);
            r->relax =
                strncmp(relax, "none", 4) == 0 || relax[0] == '-' ? 0 : ps_ms_to_ns(atof(relax));
        }
        bool ok = ms <= r->greedy && (f == 2 || ps_ms_to_ns(stat) <= best + 1) &&
                  (f != 4 || r->relax <= best + 1) && strstr(search, "disagreed") == NULL &&
                  (f == 3 || search[0] == '\0');
        if (f == 2)
            /* rounded slots: a lower bound and an exact re-timing, never an optimum claim
             * unless the bound meets the schedule */
            ok = ok && s->solver.bound_ns <= best && ms >= best &&
                 (s->solver.status == PS_SOLVE_FEASIBLE ||
                  (s->solver.status == PS_SOLVE_OPTIMAL && ms == best));
        else if (s->solver.status == PS_SOLVE_OPTIMAL)
            ok = ok && ms == best && s->solver.bound_ns == ms && s->solver.gap == 0;
        else /* the greedy's schedule with ops cut into parts may only be shorter */
            ok = ok && s->solver.status == PS_SOLVE_FEASIBLE && ms < best;
        if (!ok) {
            snprintf(err, errsize,
                     "%s (%s, %s): optimal %.3f ms (%s, bound %.3f, relax %s) vs exhaustive "
                     "%.3f, greedy %.3f",
                     c->id, forms[f], tighten[f], ps_ns_to_ms(ms),
                     ps_solve_status_str(s->solver.status), ps_ns_to_ms(s->solver.bound_ns), relax,
                     ps_ns_to_ms(best), ps_ns_to_ms(r->greedy));
            fail = err;
        }
        ps_schedule_free(s);
    }
    ps_schedule_free(g);
    ps_scenario_fini(&sc);
    return fail;
}

#endif
