/* The registry of schedule generators, in display order, and ps_solver_run: the one way
 * every front end turns (scenario, schedule name, parameters) into a timed schedule. */
#include "solvers/solver.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/sim.h"

/* The greedy and optimal solvers live in their own files, written alongside this one.
 * While a file is absent the registry refers to its solver weakly and skips it (address
 * NULL). A weak reference alone would not pull the object file out of the static
 * library, so once the file exists the reference is a strong one. */
#if defined(__has_include)
#if __has_include("solvers/greedy.c")
#define PS_HAVE_GREEDY 1
#endif
#if __has_include("solvers/optimal.c")
#define PS_HAVE_OPTIMAL 1
#endif
#endif

#ifdef PS_HAVE_GREEDY
extern const struct ps_solver ps_solver_greedy;
#else
extern const struct ps_solver ps_solver_greedy __attribute__((weak));
#endif
#ifdef PS_HAVE_OPTIMAL
extern const struct ps_solver ps_solver_optimal;
#else
extern const struct ps_solver ps_solver_optimal __attribute__((weak));
#endif

static const struct ps_solver *const table[] = {
    &ps_solver_gpipe,       &ps_solver_1f1b,   &ps_solver_interleaved,
    &ps_solver_zb_h1,       &ps_solver_zb_h2,  &ps_solver_zb_v,
    &ps_solver_1f1b_warmup, &ps_solver_greedy, &ps_solver_optimal,
};

#define TABLE_LEN (sizeof table / sizeof table[0])

size_t ps_solver_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < TABLE_LEN; i++)
        if (table[i] != NULL)
            n++;
    return n;
}

const struct ps_solver *ps_solver_at(size_t i)
{
    for (size_t k = 0; k < TABLE_LEN; k++) {
        if (table[k] == NULL)
            continue;
        if (i == 0)
            return table[k];
        i--;
    }
    return NULL;
}

const struct ps_solver *ps_solver_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t k = 0; k < TABLE_LEN; k++)
        if (table[k] != NULL && strcasecmp(table[k]->name, name) == 0)
            return table[k];
    return NULL;
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
    *out = s;
    return PS_OK;
}
