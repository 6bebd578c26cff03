/* ZB-V (Qi et al., "Pipeline Parallelism with Controllable Memory" / the Zero Bubble
 * repository): two chunks per device in a V (wave traversal: device s holds virtual
 * stages s and 2S-1-s), split backward, peak memory S units as 1F1B. The order is the
 * handcrafted one of torch.distributed.pipelining's ScheduleZBVZeroBubble: warm-up
 * 2(S-s)-1 chunk-0 forwards, s pairs (F1, F0), S-s triples (F1, B1, W1), a steady state
 * of (F0, B0, W0, F1, B1, W1), and a cool-down that runs B first and W last. It is built
 * for max(M, 2S-1) microbatches and the ops of the padding ones are dropped. */
#include "solvers/solver.h"

#include "solvers/fixed.h"

struct counters {
    int f0, f1, b0, b1, w0, w1;
};

static enum ps_status emit(struct ps_schedule *s, int dev, enum ps_op_kind kind, int chunk, int mb)
{
    if (mb >= s->n_microbatches)
        return PS_OK; /* a padding microbatch */
    if (kind == PS_OP_W)
        return ps_fixed_push_w(s, dev, chunk, mb);
    if (kind == PS_OP_B)
        return ps_fixed_push_backward(s, dev, chunk, mb);
    return ps_schedule_push(s, dev, kind, chunk, mb);
}

#define EMIT(kind, chunk, mb)                                                                      \
    do {                                                                                           \
        st = emit(s, dev, (kind), (chunk), (mb));                                                  \
        if (st != PS_OK)                                                                           \
            return st;                                                                             \
    } while (0)

static enum ps_status build_device(struct ps_schedule *s, int dev)
{
    int S = s->n_stages;
    int n = s->n_microbatches > 2 * S - 1 ? s->n_microbatches : 2 * S - 1;
    struct counters c = {0};
    enum ps_status st;
    for (int i = 0; i < 2 * (S - dev) - 1; i++)
        EMIT(PS_OP_F, 0, c.f0++);
    for (int i = 0; i < dev; i++) {
        EMIT(PS_OP_F, 1, c.f1++);
        EMIT(PS_OP_F, 0, c.f0++);
    }
    for (int i = 0; i < S - dev; i++) {
        EMIT(PS_OP_F, 1, c.f1++);
        EMIT(PS_OP_B, 1, c.b1);
        EMIT(PS_OP_W, 1, c.b1++);
    }
    while (c.f1 < c.f0 || c.f0 < n) {
        if (c.f0 < n)
            EMIT(PS_OP_F, 0, c.f0++);
        EMIT(PS_OP_B, 0, c.b0);
        EMIT(PS_OP_W, 0, c.b0++);
        EMIT(PS_OP_F, 1, c.f1++);
        EMIT(PS_OP_B, 1, c.b1);
        EMIT(PS_OP_W, 1, c.b1++);
    }
    c.w0 = c.b0;
    c.w1 = c.b1;
    for (int i = 0; i < dev; i++) {
        EMIT(PS_OP_B, 0, c.b0++);
        EMIT(PS_OP_B, 1, c.b1++);
    }
    for (int i = 0; i < S - dev; i++) {
        EMIT(PS_OP_B, 0, c.b0++);
        EMIT(PS_OP_W, 0, c.w0++);
    }
    while (c.w1 < c.b1)
        EMIT(PS_OP_W, 1, c.w1++);
    while (c.w0 < c.b0)
        EMIT(PS_OP_W, 0, c.w0++);
    return PS_OK;
}

static enum ps_status generate(const struct ps_scenario *sc, const struct ps_params *params,
                               const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                               struct ps_diag *d)
{
    (void)params;
    (void)ctx;
    if (ps_scenario_has_slices(sc))
        return ps_fixed_no_slices("zb-v", d);
    struct ps_schedule *s;
    enum ps_status st = ps_fixed_new(sc, "zb-v", 2, PS_TRAVERSAL_WAVE, true, &s, d);
    if (st != PS_OK)
        return st;
    for (int dev = 0; dev < sc->n_stages && st == PS_OK; dev++)
        st = build_device(s, dev);
    if (st != PS_OK) {
        ps_schedule_free(s);
        return ps_diag_set(d, st, "", "zb-v: %s", ps_status_str(st));
    }
    *out = s;
    return PS_OK;
}

const struct ps_solver ps_solver_zb_v = {
    .name = "zb-v",
    .summary = "ZB-V: two chunks in a V, split backward, zero bubble at 1F1B's memory",
    .split_backward = true,
    .traversals = PS_TRAV_WAVE_BIT,
    .min_chunks = 2,
    .max_chunks = 2,
    .slow = false,
    .params = NULL,
    .n_params = 0,
    .generate = generate,
};
