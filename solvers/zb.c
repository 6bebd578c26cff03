/* The handcrafted Zero Bubble schedules (Qi et al., ICLR'24), split backward, one chunk:
 * ZB-H1 keeps 1F1B's warm-up and memory and delays stage s's W by s microbatches so they
 * fill the cool-down; ZB-H2 doubles the warm-up (2(S-s-1) forwards, up to 2S-1 in flight)
 * and delays W by 2s, which turns the trapezoid into a parallelogram. */
#include "solvers/solver.h"

#include <stdlib.h>

#include "solvers/fixed.h"

/* factor 1: ZB-H1; factor 2: ZB-H2. */
static enum ps_status build(const struct ps_scenario *sc, const char *name, int factor,
                            struct ps_schedule **out, struct ps_diag *d)
{
    int S = sc->n_stages;
    int *warmup = malloc((size_t)S * sizeof *warmup);
    int *delay = malloc((size_t)S * sizeof *delay);
    struct ps_schedule *s = NULL;
    enum ps_status st;
    if (warmup == NULL || delay == NULL) {
        st = ps_diag_set(d, PS_ENOMEM, "", "%s: out of memory", name);
        goto done;
    }
    for (int dev = 0; dev < S; dev++) {
        warmup[dev] = factor * (S - dev - 1);
        delay[dev] = factor * dev;
    }
    st = ps_fixed_new(sc, name, 1, PS_TRAVERSAL_LOOP, true, &s, d);
    if (st != PS_OK)
        goto done;
    st = ps_fixed_push_1f1b(s, warmup, delay);
    if (st != PS_OK) {
        ps_diag_set(d, st, "", "%s: %s", name, ps_status_str(st));
        ps_schedule_free(s);
        goto done;
    }
    *out = s;
done:
    free(delay);
    free(warmup);
    return st;
}

static enum ps_status gen_h1(const struct ps_scenario *sc, const struct ps_params *params,
                             const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                             struct ps_diag *d)
{
    (void)params;
    (void)ctx;
    return build(sc, "zb-h1", 1, out, d);
}

static enum ps_status gen_h2(const struct ps_scenario *sc, const struct ps_params *params,
                             const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                             struct ps_diag *d)
{
    (void)params;
    (void)ctx;
    return build(sc, "zb-h2", 2, out, d);
}

const struct ps_solver ps_solver_zb_h1 = {
    .name = "zb-h1",
    .summary = "Zero Bubble H1: 1F1B with W deferred into the cool-down (memory S)",
    .split_backward = true,
    .traversals = PS_TRAV_LOOP_BIT,
    .min_chunks = 1,
    .max_chunks = 1,
    .slow = false,
    .params = NULL,
    .n_params = 0,
    .generate = gen_h1,
};

const struct ps_solver ps_solver_zb_h2 = {
    .name = "zb-h2",
    .summary = "Zero Bubble H2: twice the warm-up, W deferred (memory 2S-1)",
    .split_backward = true,
    .traversals = PS_TRAV_LOOP_BIT,
    .min_chunks = 1,
    .max_chunks = 1,
    .slow = false,
    .params = NULL,
    .n_params = 0,
    .generate = gen_h2,
};
