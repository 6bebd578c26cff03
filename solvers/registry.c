/* The registry of schedule generators, in display order, and ps_solver_run: the one way
 * every front end turns (scenario, schedule name, parameters) into a timed schedule. */
#include "solvers/solver.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/sim.h"
#include "core/suggest.h"

/* The greedy and optimal solvers (solvers/greedy.c, solvers/optimal/). Declared here too
 * so that the registry does not depend on the order in which solver.h lists them. */
extern const struct ps_solver ps_solver_greedy;
extern const struct ps_solver ps_solver_optimal;

static const struct ps_solver *const table[] = {
    &ps_solver_gpipe,  &ps_solver_1f1b,    &ps_solver_interleaved, &ps_solver_zb_h1,
    &ps_solver_zb_h2,  &ps_solver_zb_v,    &ps_solver_1f1b_warmup, &ps_solver_geopipe,
    &ps_solver_greedy, &ps_solver_optimal,
};

#define TABLE_LEN (sizeof table / sizeof table[0])

size_t ps_solver_count(void)
{
    return TABLE_LEN;
}

const struct ps_solver *ps_solver_at(size_t i)
{
    return i < TABLE_LEN ? table[i] : NULL;
}

const struct ps_solver *ps_solver_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t k = 0; k < TABLE_LEN; k++)
        if (strcasecmp(table[k]->name, name) == 0)
            return table[k];
    return NULL;
}

const char *ps_solver_suggest(const char *typed)
{
    struct ps_suggest sg;
    ps_suggest_init(&sg, typed);
    for (size_t k = 0; k < TABLE_LEN; k++)
        ps_suggest_offer(&sg, table[k]->name);
    return sg.best;
}

void ps_solver_list_names(char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < ps_solver_count() && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", ps_solver_at(i)->name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool has_param(const struct ps_schedule *s, const char *key)
{
    for (int i = 0; i < s->solver.n_params; i++)
        if (strcmp(s->solver.params[i].key, key) == 0)
            return true;
    return false;
}

enum ps_status ps_solver_run(const struct ps_solver *sv, const struct ps_scenario *sc,
                             const struct ps_params *params, const struct ps_solve_ctx *ctx,
                             struct ps_schedule **out, struct ps_diag *d)
{
    assert(sv != NULL && sc != NULL && out != NULL);
    *out = NULL;
    enum ps_status st = ps_scenario_validate(sc, d);
    if (st != PS_OK)
        return st;
    st = ps_params_check(sv, params, d);
    if (st != PS_OK)
        return st;

    static const struct ps_solve_ctx no_ctx = {0};
    struct ps_schedule *s = NULL;
    double t0 = now_ms();
    st = sv->generate(sc, params, ctx != NULL ? ctx : &no_ctx, &s, d);
    double t1 = now_ms();
    if (st != PS_OK) {
        ps_schedule_free(s);
        return st;
    }
    assert(s != NULL);
    s->solver.solve_ms = t1 - t0;

    /* Every parameter with its effective value, unless the generator already recorded
     * a resolved one (1f1b-warmup's "auto", for instance). */
    for (size_t i = 0; i < sv->n_params; i++) {
        const char *key = sv->params[i].key;
        if (!has_param(s, key))
            ps_schedule_set_param(s, key, ps_params_get(sv, params, key));
    }

    bool empty = ps_schedule_n_ops(s) == 0;
    if (s->solver.status == PS_SOLVE_INFEASIBLE ||
        (s->solver.status == PS_SOLVE_CANCELLED && empty)) {
        *out = s;
        return PS_OK;
    }
    st = ps_sim_run(s, d);
    if (st != PS_OK) {
        ps_schedule_free(s);
        return st;
    }
    s->solver.objective_ns = s->makespan_ns;
    /* A proof covers the decoupled model the solvers plan in (docs/model.md, "Communication
     * arrangement"): timed under a rendezvous, an optimum may come out longer than its bound,
     * and is then only a feasible schedule with that gap. */
    if (s->solver.status == PS_SOLVE_OPTIMAL && s->solver.bound_ns >= 0 &&
        s->makespan_ns > s->solver.bound_ns) {
        s->solver.status = PS_SOLVE_FEASIBLE;
        s->solver.gap = (double)(s->makespan_ns - s->solver.bound_ns) / (double)s->makespan_ns;
    }
    *out = s;
    return PS_OK;
}
