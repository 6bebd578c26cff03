/* GPipe: every device runs all its forwards, then all its backwards (combined backward,
 * one chunk). Peak memory M units on every device. */
#include "solvers/solver.h"

#include <stdlib.h>

#include "solvers/fixed.h"

static enum ps_status generate(const struct ps_scenario *sc, const struct ps_params *params,
                               const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                               struct ps_diag *d)
{
    (void)params;
    (void)ctx;
    struct ps_schedule *s;
    enum ps_status st = ps_fixed_new(sc, "gpipe", 1, PS_TRAVERSAL_LOOP, false, &s, d);
    if (st != PS_OK)
        return st;
    int M = sc->n_microbatches;
    /* backwards in backward rank: the token slices of a sequence last to first */
    int *rank = malloc((size_t)M * sizeof *rank), *order = malloc((size_t)M * sizeof *order);
    if (rank == NULL || order == NULL)
        st = PS_ENOMEM;
    else
        ps_scenario_bwd_ranks(sc, rank, order);
    for (int dev = 0; dev < sc->n_stages && st == PS_OK; dev++) {
        for (int m = 0; m < M && st == PS_OK; m++)
            st = ps_schedule_push(s, dev, PS_OP_F, 0, m);
        for (int k = 0; k < M && st == PS_OK; k++)
            st = ps_fixed_push_backward(s, dev, 0, order[k]);
    }
    free(rank);
    free(order);
    if (st != PS_OK) {
        ps_schedule_free(s);
        return ps_diag_set(d, st, "", "gpipe: %s", ps_status_str(st));
    }
    *out = s;
    return PS_OK;
}

const struct ps_solver ps_solver_gpipe = {
    .name = "gpipe",
    .summary = "GPipe: all forwards, then all backwards (combined backward; memory M)",
    .split_backward = false,
    .traversals = PS_TRAV_LOOP_BIT,
    .min_chunks = 1,
    .max_chunks = 1,
    .slow = false,
    .params = NULL,
    .n_params = 0,
    .generate = generate,
};
