/* The optimal solver's starting schedule: the greedy with the model's shape, once with
 * whole ops and once with its defaults (its parts taken as whole ops at the place of their
 * last part), and every other generator's schedule of that shape (a combined backward taken
 * as B then W), each re-timed with its channel ranks and with first-come-first-served
 * channels; the shortest within memory is the first incumbent. Without one, one microbatch
 * at a time. */
#include "solvers/optimal/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"

/* One microbatch at a time through the whole pipeline: always within the memory
 * limit when any schedule is (it holds one microbatch's activations per device
 * at most). */
static enum ps_status sequential_orders(struct ps_schedule *s, const struct model *m)
{
    ps_schedule_clear(s);
    /* a sequence cut into token slices goes through whole: its slices forward in order,
     * then backward last to first */
    for (int a = 0; a < m->M;) {
        int b = a;
        while (b + 1 < m->M && ps_scenario_continues(m->sc, b + 1))
            b++;
        for (int mb = a; mb <= b; mb++) {
            /* F forward through the vstages */
            for (int v = 0; v < m->SV; v++) {
                const struct mop *o = &m->ops[op_id(m, PS_OP_F, v, mb)];
                enum ps_status st = ps_schedule_push(s, o->dev, PS_OP_F, o->chunk, mb);
                if (st != PS_OK)
                    return st;
            }
        }
        for (int mb = b; mb >= a; mb--) {
            /* then B and W backward */
            for (int v = m->SV - 1; v >= 0; v--) {
                const struct mop *o = &m->ops[op_id(m, PS_OP_B, v, mb)];
                enum ps_status st = ps_schedule_push(s, o->dev, PS_OP_B, o->chunk, mb);
                if (st == PS_OK && m->ops[op_id(m, PS_OP_W, v, mb)].present)
                    st = ps_schedule_push(s, o->dev, PS_OP_W, o->chunk, mb);
                if (st != PS_OK)
                    return st;
            }
        }
        a = b + 1;
    }
    return PS_OK;
}

/* Takes g's orders as whole ops, with g's channel ranks and with first-come-first-served
 * channels, and keeps the shorter in w when it beats w->ub and meets the memory limit. */
static enum ps_status try_incumbent(const struct model *m, struct warm *w,
                                    const struct ps_schedule *g, const char *from)
{
    for (int ranked = 0; ranked < 2; ranked++) {
        if (ranked && g->xfer_rank == NULL)
            continue;
        struct ps_schedule *c = ps_schedule_new(g->sc, "optimal", m->V, m->tr, true);
        if (c == NULL)
            return PS_ENOMEM;
        enum ps_status st = opt_copy_orders(c, g);
        if (st == PS_OK && ranked) {
            st = ps_schedule_enable_ranks(c);
            if (st == PS_OK)
                memcpy(c->xfer_rank, g->xfer_rank, ps_schedule_xfer_keys(c) * sizeof *c->xfer_rank);
        }
        if (st != PS_OK) {
            ps_schedule_free(c);
            return st;
        }
        if (opt_sim_ok(c) && c->makespan_ns < w->ub) {
            ps_schedule_free(w->inc);
            w->inc = c;
            w->ub = c->makespan_ns;
            snprintf(w->from, sizeof w->from, "%s", from);
        } else {
            ps_schedule_free(c);
        }
    }
    return PS_OK;
}

/* True when g has m's shape: its chunks and traversal (either backward). */
static bool same_shape(const struct model *m, const struct ps_schedule *g)
{
    return g->chunks == m->V && g->traversal == m->tr && g->solver.status != PS_SOLVE_INFEASIBLE &&
           g->memory_ok;
}

/* The greedy's two passes (n_sub=1, then its defaults) into w. */
static enum ps_status warm_from_greedy(const struct model *m, struct warm *w)
{
    const struct ps_solver *greedy = ps_solver_find("greedy");
    if (greedy == NULL)
        return PS_OK;
    /* whole ops (n_sub=1) fit the model; the default may cut ops into parts, its orders are
     * taken whole */
    for (int pass = 0; pass < 2; pass++) {
        struct ps_params gp = {0};
        if (ps_params_get(greedy, &gp, "traversal") != NULL)
            ps_params_set(&gp, "traversal", ps_traversal_str(m->tr));
        if (pass == 0 && ps_params_get(greedy, &gp, "n_sub") != NULL)
            ps_params_set(&gp, "n_sub", "1");
        struct ps_schedule *g = NULL;
        struct ps_diag gd;
        enum ps_status st = PS_OK;
        if (ps_solver_run(greedy, m->sc, &gp, NULL, &g, &gd) == PS_OK && g != NULL &&
            same_shape(m, g) && g->split_backward)
            st = try_incumbent(m, w, g, "greedy");
        ps_schedule_free(g);
        if (st != PS_OK)
            return st;
    }
    return PS_OK;
}

enum ps_status opt_warm_start(const struct model *m, struct ps_schedule *const *refs, int n_refs,
                              struct warm *w, struct ps_diag *d)
{
    w->inc = NULL;
    w->ub = INT64_MAX;
    w->from[0] = '\0';
    if (m->tighten & T_WARM) {
        enum ps_status st = warm_from_greedy(m, w);
        for (int i = 0; i < n_refs && st == PS_OK; i++)
            if (same_shape(m, refs[i]))
                st = try_incumbent(m, w, refs[i], refs[i]->name);
        if (st != PS_OK)
            return st;
    }
    if (w->ub != INT64_MAX)
        return PS_OK;
    struct ps_schedule *q = ps_schedule_new(m->sc, "optimal", m->V, m->tr, true);
    if (q == NULL || sequential_orders(q, m) != PS_OK || !opt_sim_ok(q)) {
        ps_schedule_free(q);
        return ps_diag_set(d, PS_EINVAL, "", "internal: the sequential schedule does not simulate");
    }
    w->inc = q;
    w->ub = q->makespan_ns;
    snprintf(w->from, sizeof w->from, "sequential");
    return PS_OK;
}

void opt_warm_fini(struct warm *w)
{
    ps_schedule_free(w->inc);
    w->inc = NULL;
}
