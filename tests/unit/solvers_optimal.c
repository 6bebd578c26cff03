/* Tests of the optimal solver: on small scenarios its makespan equals an exhaustive search
 * over every per-device order (both formulations), it is never worse than the greedy, its
 * output passes validate, and its statuses (optimal, feasible, infeasible, cancelled),
 * progress reports, model file and size guard behave. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sim.h"
#include "core/units.h"
#include "solvers/solver.h"

/* ---- the exhaustive search ---------------------------------------------------------- */

/* One device's order: (kind, chunk, microbatch) triples. */
struct dev_order {
    uint8_t kind[96], chunk[96];
    int16_t mb[96];
    int n;
};

struct orders {
    struct dev_order *v;
    size_t n, cap;
};

struct enum_state {
    const struct ps_scenario *sc;
    int stage, M, V, S;
    enum ps_traversal tr;
    bool has_w;
    int nf[2], nb[2], nw[2]; /* done per chunk */
    double mem;
    struct dev_order cur;
    struct orders *out;
};

static void push_order(struct orders *o, const struct dev_order *d)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 64;
        o->v = realloc(o->v, o->cap * sizeof *o->v);
        assert_non_null(o->v);
    }
    o->v[o->n++] = *d;
}

/* Every order of one device's ops that keeps what its own device must respect: the
 * microbatch order per kind and chunk, F before B before W of one microbatch, the chunk
 * order of one microbatch (wave: F0 < F1 < B1 < B0), and the memory limit at each F. */
static void enum_dev(struct enum_state *e)
{
    int total = e->M * e->V * (e->has_w ? 3 : 2);
    if (e->cur.n == total) {
        push_order(e->out, &e->cur);
        return;
    }
    double w = e->sc->weight_share;
    for (int c = 0; c < e->V; c++) {
        /* the other chunk of a wave device: chunk 1 runs F after chunk 0's F of the same
         * microbatch, and chunk 0's B after chunk 1's B */
        int mb = e->nf[c];
        double a = ps_scenario_memory_scale(e->sc, mb < e->M ? mb : 0) / e->V;
        bool f_ok = mb < e->M && (c == 0 || e->nf[0] > mb);
        if (f_ok && (!e->sc->has_memory_limit || e->mem + a <= e->sc->memory_limit + 1e-9)) {
            int k = e->cur.n++;
            e->cur.kind[k] = PS_OP_F, e->cur.chunk[k] = (uint8_t)c, e->cur.mb[k] = (int16_t)mb;
            e->nf[c]++;
            e->mem += a;
            enum_dev(e);
            e->mem -= a;
            e->nf[c]--;
            e->cur.n--;
        }
        mb = e->nb[c];
        bool b_ok = mb < e->nf[c] && (e->V == 1 || c == 1 || e->nb[1] > mb);
        if (b_ok) {
            double ab = ps_scenario_memory_scale(e->sc, mb) / e->V;
            double fr = e->has_w ? (1 - w) * ab : ab;
            int k = e->cur.n++;
            e->cur.kind[k] = PS_OP_B, e->cur.chunk[k] = (uint8_t)c, e->cur.mb[k] = (int16_t)mb;
            e->nb[c]++;
            e->mem -= fr;
            enum_dev(e);
            e->mem += fr;
            e->nb[c]--;
            e->cur.n--;
        }
        mb = e->nw[c];
        if (e->has_w && mb < e->nb[c]) {
            double fr = w * ps_scenario_memory_scale(e->sc, mb) / e->V;
            int k = e->cur.n++;
            e->cur.kind[k] = PS_OP_W, e->cur.chunk[k] = (uint8_t)c, e->cur.mb[k] = (int16_t)mb;
            e->nw[c]++;
            e->mem -= fr;
            enum_dev(e);
            e->mem += fr;
            e->nw[c]--;
            e->cur.n--;
        }
    }
}

/* The least makespan over every combination of per-device orders (first-come-first-served
 * channels), or -1 when none completes within the limit. *count gets the number of
 * combinations. Exact for the model when channel order cannot matter: with one chunk and
 * equal messages every channel carries one stream whose microbatch order is optimal. */
static int64_t exhaustive(const struct ps_scenario *sc, int V, enum ps_traversal tr,
                          long max_combos, long *count)
{
    int S = sc->n_stages;
    struct orders *per = calloc((size_t)S, sizeof *per);
    assert_non_null(per);
    struct ps_schedule *s = ps_schedule_new(sc, "exhaustive", V, tr, true);
    assert_non_null(s);
    long combos = 1;
    for (int d = 0; d < S; d++) {
        struct enum_state e;
        memset(&e, 0, sizeof e);
        e.sc = sc, e.stage = d, e.M = sc->n_microbatches, e.V = V, e.S = S, e.tr = tr;
        e.has_w = ps_schedule_has_w(s, d);
        e.out = &per[d];
        enum_dev(&e);
        combos *= (long)per[d].n;
    }
    *count = combos;
    assert_true(combos <= max_combos);
    int64_t best = -1;
    size_t *idx = calloc((size_t)S, sizeof *idx);
    assert_non_null(idx);
    for (long k = 0; k < combos; k++) {
        ps_schedule_clear(s);
        for (int d = 0; d < S; d++) {
            const struct dev_order *o = &per[d].v[idx[d]];
            for (int i = 0; i < o->n; i++)
                assert_int_equal(ps_schedule_push(s, d, o->kind[i], o->chunk[i], o->mb[i]), PS_OK);
        }
        struct ps_diag dd;
        enum ps_status st = ps_sim_run(s, &dd);
        if (st == PS_OK && s->memory_ok && (best < 0 || s->makespan_ns < best))
            best = s->makespan_ns;
        else if (st != PS_OK)
            assert_int_equal(st, PS_EDEADLOCK);
        for (int d = 0; d < S; d++) {
            if (++idx[d] < per[d].n)
                break;
            idx[d] = 0;
        }
    }
    for (int d = 0; d < S; d++)
        free(per[d].v);
    free(per);
    free(idx);
    ps_schedule_free(s);
    return best;
}

/* ---- running the solvers ------------------------------------------------------------- */

static struct ps_schedule *run(const struct ps_solver *sv, const struct ps_scenario *sc,
                               const char *kvs, const struct ps_solve_ctx *ctx)
{
    struct ps_params p = {0};
    struct ps_diag d;
    memset(&d, 0, sizeof d);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", kvs != NULL ? kvs : "");
    for (char *save = NULL, *kv = strtok_r(buf, " ", &save); kv != NULL;
         kv = strtok_r(NULL, " ", &save))
        assert_int_equal(ps_params_parse_kv(&p, kv, &d), PS_OK);
    struct ps_schedule *s = NULL;
    enum ps_status st = ps_solver_run(sv, sc, &p, ctx, &s, &d);
    if (st != PS_OK)
        fail_msg("%s: %s: %s", sv->name, d.path, d.msg);
    assert_non_null(s);
    if (s->solver.status != PS_SOLVE_INFEASIBLE) {
        int nv = 0;
        if (ps_schedule_validate(s, &d, &nv) != PS_OK)
            fail_msg("%s output invalid (%d violations): %s", sv->name, nv, d.msg);
        assert_true(s->memory_ok);
    }
    return s;
}

static const char *param(const struct ps_schedule *s, const char *key)
{
    for (int i = 0; i < s->solver.n_params; i++)
        if (strcmp(s->solver.params[i].key, key) == 0)
            return s->solver.params[i].value;
    return "";
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
};

/* Every case keeps channel order out of the question (one chunk, equal messages: each
 * channel carries one stream) or has no channel at all (wave with latency only), so the
 * exhaustive search over device orders with first-come-first-served channels is the
 * optimum of the model. */
static const struct small_case cases[] = {
    {"s1m4", {1}, 4, 1, 1, 1, 0, 0, 0, 0, 2, 0.5, 0, 0, false},
    {"s2m3-lat", {1, 1}, 3, 1, 1, 1, 1, 0, 0, 0, 0, 0.5, 0, 0, false},
    {"s2m4-lat-mem2", {1, 1}, 4, 1, 1, 1, 1, 0, 0, 0, 2, 0.5, 0, 0, false},
    {"s2m4-tx-mem2", {1, 1}, 4, 1, 1, 1, 0, 1, 0, 0, 2, 0.5, 0, 0, false},
    {"s2m4-lat2-tx", {1, 1}, 4, 1, 2, 1, 2, 0.5, 0, 0, 0, 0.5, 0, 0, false},
    {"s2m4-intra", {2}, 4, 2, 1, 1, 0, 0, 1, 1, 3, 0.5, 0, 0, false},
    {"s2m4-now", {1, 1}, 4, 1, 2, 0, 1, 1, 0, 0, 2, 0.5, 0, 0, false},
    {"s2m4-w03", {1, 1}, 4, 1, 1, 2, 0.5, 0, 0, 0, 1.5, 0.3, 0, 0, false},
    {"s2m4-dp", {1, 1}, 4, 1, 1, 1, 1, 0, 0, 0, 2, 0.5, 1, 2, false},
    {"s2m4-mem1", {1, 1}, 4, 1, 1, 1, 1, 1, 0, 0, 1, 0.5, 0, 0, false},
    {"s3m3-1dc", {3}, 3, 1, 1, 1, 0, 0, 0.5, 0, 0, 0.5, 0, 0, false},
    {"s3m3-2dc-lat", {2, 1}, 3, 1, 1, 1, 2, 0, 0, 0, 0, 0.5, 0, 0, false},
    {"s3m3-3dc-tx", {1, 1, 1}, 3, 1, 1, 1, 0.5, 1, 0, 0, 2, 0.5, 0, 0, false},
    {"s3m4-3dc-mem2", {1, 1, 1}, 4, 1, 1, 1, 1, 0.5, 0, 0, 2, 0.5, 0, 0, false},
    {"s3m4-2dc-mem1.5", {1, 2}, 4, 1, 1, 1, 1, 1, 0.5, 0, 1.5, 0.5, 0, 0, false},
    {"s3m3-dp-3dc", {1, 1, 1}, 3, 1, 1, 1, 1, 0, 0, 0, 2, 0.5, 0.5, 1, false},
    {"s3m4-uneven", {2, 1}, 4, 2, 1, 1, 1, 0, 0, 0, 2, 0.5, 0, 0, false},
    {"s2m4-offgrid", {1, 1}, 4, 1.03, 0.97, 1.01, 1.13, 0, 0, 0, 2, 0.5, 0, 0, false},
    {"s3m3-offgrid-tx", {2, 1}, 3, 1.1, 0.9, 0.7, 0.3, 0.45, 0.05, 0, 0, 0.4, 0, 0, false},
    {"wave-s1m3", {1}, 3, 1, 1, 1, 0, 0, 0, 0, 1.5, 0.5, 0, 0, true},
    {"wave-s2m2-lat", {1, 1}, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0.5, 0, 0, true},
    {"wave-s2m2-mem", {1, 1}, 2, 2, 2, 1, 1, 0, 0, 0, 1.5, 0.5, 0, 0, true},
    {"wave-s2m2-dp", {1, 1}, 2, 1, 2, 1, 1, 0, 0, 0, 1.5, 0.5, 0.5, 3, true},
};

static void make_case(struct ps_scenario *sc, const struct small_case *c)
{
    int n_dcs = 0, S = 0;
    while (n_dcs < 3 && c->dcs[n_dcs] > 0)
        S += c->dcs[n_dcs++];
    assert_int_equal(ps_scenario_make_uniform(sc, n_dcs, 1, c->M, c->f, c->b, c->w), PS_OK);
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
    struct ps_diag d;
    if (ps_scenario_validate(sc, &d) != PS_OK)
        fail_msg("case %s: %s: %s", c->id, d.path, d.msg);
}

/* True in an ASan/UBSan build (gcc defines __SANITIZE_ADDRESS__; clang has the feature
 * test). */
static bool sanitized_build(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

/* The cases whose exhaustive search enumerates 800k orders or more. */
static bool is_heavy(const char *id)
{
    return strcmp(id, "s3m4-3dc-mem2") == 0 || strcmp(id, "s3m4-uneven") == 0 ||
           strcmp(id, "wave-s2m2-lat") == 0;
}

static void test_matches_exhaustive(void **state)
{
    (void)state;
    const struct ps_solver *opt = ps_solver_find("optimal");
    const struct ps_solver *greedy = ps_solver_find("greedy");
    assert_non_null(opt);
    assert_non_null(greedy);
    int improved = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct small_case *c = &cases[i];
        if (sanitized_build() && is_heavy(c->id)) {
            /* millions of orders to enumerate: minutes under the sanitizers, which add
             * nothing here that the smaller cases do not already exercise */
            print_message("  %-16s skipped in a sanitizer build\n", c->id);
            continue;
        }
        struct ps_scenario sc;
        make_case(&sc, c);
        int V = c->wave ? 2 : 1;
        enum ps_traversal tr = c->wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
        long combos = 0;
        int64_t best = exhaustive(&sc, V, tr, 4000000, &combos);
        assert_true(best > 0);
        const char *trv = c->wave ? "traversal=wave" : "traversal=loop";
        char kv[128];
        struct ps_schedule *g = run(greedy, &sc, trv, NULL);
        for (int f = 0; f < 3; f++) {
            /* the rounded slot model on a third of the cases, briefly */
            if (f == 2 && i % 3 != 0 && strstr(c->id, "offgrid") == NULL)
                continue;
            static const char *const forms[] = {"auto", "order", "rounded"};
            snprintf(kv, sizeof kv, "%s time_limit=%s formulation=%s", trv, f < 2 ? "30" : "1",
                     forms[f]);
            struct ps_schedule *s = run(opt, &sc, kv, NULL);
            if (f == 2) {
                /* rounded slots: a lower bound and an exact re-timing, never an optimum
                 * claim unless the bound meets the schedule */
                assert_true(s->solver.bound_ns <= best);
                assert_true(s->makespan_ns >= best);
                assert_true(s->makespan_ns <= g->makespan_ns);
                assert_true(s->solver.status == PS_SOLVE_OPTIMAL ||
                            s->solver.status == PS_SOLVE_FEASIBLE);
                if (s->solver.status == PS_SOLVE_OPTIMAL)
                    assert_int_equal(s->makespan_ns, best);
                ps_schedule_free(s);
                continue;
            }
            print_message("  %-16s %6ld orders  exhaustive %7.3f  optimal %7.3f (%s, %s)  "
                          "greedy %7.3f\n",
                          c->id, combos, ps_ns_to_ms(best), ps_ns_to_ms(s->makespan_ns),
                          param(s, "formulation"), ps_solve_status_str(s->solver.status),
                          ps_ns_to_ms(g->makespan_ns));
            /* proved optimal and equal to the exhaustive search; the greedy's schedule
             * with ops cut into parts may only be shorter (then reported as feasible) */
            if (s->solver.status == PS_SOLVE_OPTIMAL) {
                assert_int_equal(s->makespan_ns, best);
                assert_int_equal(s->solver.bound_ns, s->makespan_ns);
                assert_true(s->solver.gap == 0);
            } else {
                assert_int_equal(s->solver.status, PS_SOLVE_FEASIBLE);
                assert_true(s->makespan_ns < best);
            }
            assert_true(s->makespan_ns <= g->makespan_ns);
            if (f == 0 && s->makespan_ns < g->makespan_ns)
                improved++;
            ps_schedule_free(s);
        }
        ps_schedule_free(g);
        ps_scenario_fini(&sc);
    }
    print_message("  the solver beat the greedy on %d of %zu cases\n", improved,
                  sizeof cases / sizeof cases[0]);
}

/* Unequal messages (per-microbatch activation scales): channel order is then a real
 * choice, which the order model makes with binaries and the slot model per slot. Both
 * prove the same optimum, no longer than any first-come-first-served schedule. */
static void test_unequal_messages(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 1, 4, 1, 1, 1), PS_OK);
    sc.activation_mb = 1;
    sc.inter_dc.bandwidth_gbps = 8; /* 1 ms per MB */
    sc.inter_dc.latency_ms = 0.5;
    sc.has_memory_limit = true;
    sc.memory_limit = 3;
    sc.per_microbatch = calloc(4, sizeof *sc.per_microbatch);
    assert_non_null(sc.per_microbatch);
    const double act[4] = {2, 0.5, 1, 0.5};
    for (int m = 0; m < 4; m++) {
        sc.per_microbatch[m].compute_scale = 1;
        sc.per_microbatch[m].memory_scale = 1;
        sc.per_microbatch[m].activation_scale = act[m];
    }
    struct ps_diag d;
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_OK);
    long combos = 0;
    int64_t fcfs = exhaustive(&sc, 1, PS_TRAVERSAL_LOOP, 4000000, &combos);
    struct ps_schedule *t = run(&ps_solver_optimal, &sc, "formulation=time time_limit=30", NULL);
    struct ps_schedule *o = run(&ps_solver_optimal, &sc, "formulation=order time_limit=30", NULL);
    print_message("  unequal messages: FCFS exhaustive %.3f, time %.3f (%s), order %.3f (%s)\n",
                  ps_ns_to_ms(fcfs), ps_ns_to_ms(t->makespan_ns),
                  ps_solve_status_str(t->solver.status), ps_ns_to_ms(o->makespan_ns),
                  ps_solve_status_str(o->solver.status));
    assert_int_equal(t->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(o->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(t->makespan_ns, o->makespan_ns);
    assert_true(t->makespan_ns <= fcfs);
    ps_schedule_free(t);
    ps_schedule_free(o);
    ps_scenario_fini(&sc);
}

/* Wave with transmissions: chunk 1's activations and chunk 0's gradients share each
 * inter-DC channel, so the channel order is a choice. The two formulations model it
 * independently (order binaries and big-M; one transmission per slot) and must agree;
 * neither may lose to first-come-first-served over every device order. */
static void test_wave_channels(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 1, 2, 1, 1, 1), PS_OK);
    sc.activation_mb = 1;
    sc.inter_dc.bandwidth_gbps = 8; /* 1 ms */
    sc.inter_dc.latency_ms = 0.5;
    sc.has_memory_limit = true;
    sc.memory_limit = 1.5;
    long combos = 0;
    int64_t fcfs = exhaustive(&sc, 2, PS_TRAVERSAL_WAVE, 4000000, &combos);
    struct ps_schedule *t =
        run(&ps_solver_optimal, &sc, "traversal=wave formulation=time time_limit=30", NULL);
    struct ps_schedule *o =
        run(&ps_solver_optimal, &sc, "traversal=wave formulation=order time_limit=30", NULL);
    print_message("  wave channels: FCFS exhaustive %.3f (%ld orders), time %.3f (%s), order %.3f "
                  "(%s)\n",
                  ps_ns_to_ms(fcfs), combos, ps_ns_to_ms(t->makespan_ns),
                  ps_solve_status_str(t->solver.status), ps_ns_to_ms(o->makespan_ns),
                  ps_solve_status_str(o->solver.status));
    assert_int_equal(t->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(o->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(t->makespan_ns, o->makespan_ns);
    assert_true(t->makespan_ns <= fcfs);
    ps_schedule_free(t);
    ps_schedule_free(o);
    ps_scenario_fini(&sc);
}

/* ---- statuses ---------------------------------------------------------------------- */

static void make_2dc(struct ps_scenario *sc, int S, int M, double lat, double limit)
{
    assert_int_equal(ps_scenario_make_uniform(sc, 2, S / 2, M, 1, 1, 1), PS_OK);
    sc->inter_dc.latency_ms = lat;
    if (limit > 0) {
        sc->has_memory_limit = true;
        sc->memory_limit = limit;
    }
}

static void test_infeasible(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 2, 4, 1, 0.5);
    struct ps_schedule *s = run(&ps_solver_optimal, &sc, NULL, NULL);
    assert_int_equal(s->solver.status, PS_SOLVE_INFEASIBLE);
    assert_int_equal(ps_schedule_n_ops(s), 0);
    assert_non_null(strstr(s->solver.error, "memory limit 0.5"));
    ps_schedule_free(s);
    /* exactly one microbatch fits: feasible (one microbatch at a time) */
    sc.memory_limit = 1;
    s = run(&ps_solver_optimal, &sc, NULL, NULL);
    assert_int_equal(s->solver.status, PS_SOLVE_OPTIMAL);
    assert_true(s->makespan_ns > 0);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_cancelled_before_start(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 4, 8, 1, 4);
    atomic_int cancel = 1;
    struct ps_solve_ctx ctx = {&cancel, NULL, NULL};
    struct ps_schedule *s = run(&ps_solver_optimal, &sc, NULL, &ctx);
    struct ps_schedule *g = run(ps_solver_find("greedy"), &sc, "traversal=loop", NULL);
    assert_int_equal(s->solver.status, PS_SOLVE_CANCELLED);
    assert_true(ps_schedule_n_ops(s) > 0);
    assert_true(s->makespan_ns <= g->makespan_ns);
    assert_true(s->solver.error[0] != '\0');
    ps_schedule_free(s);
    ps_schedule_free(g);
    ps_scenario_fini(&sc);
}

struct progress_log {
    int calls;
    struct ps_progress last;
    atomic_int *cancel;
};

static void on_progress(const struct ps_progress *p, void *user)
{
    struct progress_log *log = user;
    log->calls++;
    log->last = *p;
    assert_true(p->incumbent_ns > 0);
    assert_true(p->bound_ns <= p->incumbent_ns);
    if (log->cancel != NULL)
        atomic_store(log->cancel, 1);
}

/* S=4, M=8 with latency: the greedy is 31 ms, the bound starts below. A time limit of 0
 * stops at once with the greedy's schedule, a bound and a gap. */
static void test_feasible_at_time_limit(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 4, 8, 1, 4);
    struct progress_log log = {0};
    struct ps_solve_ctx ctx = {NULL, on_progress, &log};
    struct ps_schedule *s = run(&ps_solver_optimal, &sc, "time_limit=0", &ctx);
    assert_int_equal(s->solver.status, PS_SOLVE_FEASIBLE);
    assert_true(s->solver.bound_ns >= ps_lower_bound_ns(&sc));
    assert_true(s->solver.bound_ns < s->makespan_ns);
    assert_true(s->solver.gap > 0 && s->solver.gap < 1);
    assert_true(log.calls >= 1);
    assert_int_equal(log.last.incumbent_ns, s->makespan_ns);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* The same scenario proved optimal, with progress reports; then cancelled from the
 * progress callback (as another thread would): the best schedule so far. */
static void test_optimal_and_cancel_midway(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 4, 8, 1, 4);
    struct progress_log log = {0};
    struct ps_solve_ctx ctx = {NULL, on_progress, &log};
    struct ps_schedule *s = run(&ps_solver_optimal, &sc, "time_limit=60", &ctx);
    assert_int_equal(s->solver.status, PS_SOLVE_OPTIMAL);
    assert_int_equal(s->solver.bound_ns, s->makespan_ns);
    assert_int_equal(s->makespan_ns, ps_ms_to_ns(31));
    assert_true(log.calls >= 1);
    assert_int_equal(log.last.bound_ns, s->makespan_ns);
    assert_true(log.last.gap == 0);
    ps_schedule_free(s);

    atomic_int cancel = 0;
    struct progress_log log2 = {0};
    log2.cancel = &cancel;
    struct ps_solve_ctx ctx2 = {&cancel, on_progress, &log2};
    s = run(&ps_solver_optimal, &sc, "time_limit=60 formulation=order", &ctx2);
    assert_int_equal(s->solver.status, PS_SOLVE_CANCELLED);
    assert_true(s->makespan_ns <= ps_ms_to_ns(31));
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_gap_parameter(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 4, 8, 1, 4);
    /* a gap of 10% is met by the greedy and the root bound at once */
    struct ps_schedule *s = run(&ps_solver_optimal, &sc, "gap=0.1 formulation=order", NULL);
    assert_true(s->solver.status == PS_SOLVE_FEASIBLE || s->solver.status == PS_SOLVE_OPTIMAL);
    assert_true(s->solver.gap <= 0.1 + 1e-9);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_write_model(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make_2dc(&sc, 2, 3, 1, 2);
    char path[] = "/tmp/ps_optimal_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char kv[160];
    for (int f = 0; f < 2; f++) {
        snprintf(kv, sizeof kv, "write_model=%s formulation=%s", path, f ? "order" : "time");
        struct ps_schedule *s = run(&ps_solver_optimal, &sc, kv, NULL);
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf - 1, fp);
        buf[n] = '\0';
        fclose(fp);
        assert_non_null(strstr(buf, "Minimize"));
        assert_non_null(strstr(buf, "makespan"));
        assert_string_equal(param(s, "write_model"), path);
        ps_schedule_free(s);
    }
    remove(path);
    /* an unwritable path is an error that names the parameter */
    struct ps_params p = {0};
    struct ps_diag d;
    memset(&d, 0, sizeof d);
    ps_params_set(&p, "write_model", "/nonexistent-dir/model.lp");
    struct ps_schedule *s = NULL;
    assert_int_equal(ps_solver_run(&ps_solver_optimal, &sc, &p, NULL, &s, &d), PS_EIO);
    assert_null(s);
    assert_string_equal(d.path, "param.write_model");
    ps_scenario_fini(&sc);
}

static void test_too_big(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 32, 256, 1, 1, 1), PS_OK);
    struct ps_params p = {0};
    struct ps_diag d;
    memset(&d, 0, sizeof d);
    struct ps_schedule *s = NULL;
    assert_int_equal(ps_solver_run(&ps_solver_optimal, &sc, &p, NULL, &s, &d), PS_EUNSUPPORTED);
    assert_null(s);
    assert_non_null(strstr(d.msg, "greedy"));
    ps_scenario_fini(&sc);
}

/* The registry entry: slow, split backward, loop and wave. */
static void test_registry(void **state)
{
    (void)state;
    const struct ps_solver *sv = ps_solver_find("optimal");
    assert_ptr_equal(sv, &ps_solver_optimal);
    assert_true(sv->slow);
    assert_true(sv->split_backward);
    assert_int_equal(sv->traversals, PS_TRAV_LOOP_BIT | PS_TRAV_WAVE_BIT);
    struct ps_params p = {0};
    struct ps_diag d;
    ps_params_set(&p, "tighten", "mono,bogus");
    struct ps_scenario sc;
    make_2dc(&sc, 2, 2, 0, 0);
    struct ps_schedule *s = NULL;
    assert_int_equal(ps_solver_run(sv, &sc, &p, NULL, &s, &d), PS_EINVAL);
    assert_null(s);
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_matches_exhaustive),
        cmocka_unit_test(test_unequal_messages),
        cmocka_unit_test(test_wave_channels),
        cmocka_unit_test(test_infeasible),
        cmocka_unit_test(test_cancelled_before_start),
        cmocka_unit_test(test_feasible_at_time_limit),
        cmocka_unit_test(test_optimal_and_cancel_midway),
        cmocka_unit_test(test_gap_parameter),
        cmocka_unit_test(test_write_model),
        cmocka_unit_test(test_too_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
