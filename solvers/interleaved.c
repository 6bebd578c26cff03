/* Megatron-LM's interleaved 1F1B (Narayanan et al., SC'21): V >= 2 chunks per device in
 * loop order, combined backward. The order follows Megatron's schedule table (groups of S
 * microbatches, chunk by chunk) and its warm-up count 2(S-s-1) + (V-1)S, capped at the
 * total. When S does not divide M (Megatron refuses that case) the table is built for M
 * rounded up to a multiple of S and the ops of the padding microbatches are dropped:
 * removing whole microbatches from an order that cannot deadlock leaves one that cannot
 * either, and where M is a multiple of S the order is exactly Megatron's. */
#include "solvers/solver.h"

#include <stdlib.h>

#include "solvers/fixed.h"

static const struct ps_param_def params_def[] = {
    {.key = "chunks",
     .type = PS_PARAM_INT,
     .def = "2",
     .help = "model chunks per device (V >= 2; memory grows like 1 + (S-1)/(S V))",
     .min = 2,
     .max = PS_MAX_CHUNKS},
};

struct slot {
    int microbatch, chunk;
};

static enum ps_status push_if_real(struct ps_schedule *s, int dev, enum ps_op_kind kind,
                                   struct slot sl)
{
    if (sl.microbatch >= s->n_microbatches)
        return PS_OK; /* a padding microbatch */
    if (kind == PS_OP_B)
        return ps_fixed_push_backward(s, dev, sl.chunk, sl.microbatch);
    return ps_schedule_push(s, dev, kind, sl.chunk, sl.microbatch);
}

static enum ps_status generate(const struct ps_scenario *sc, const struct ps_params *params,
                               const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                               struct ps_diag *d)
{
    if (ps_scenario_has_slices(sc))
        return ps_fixed_no_slices("interleaved", d);
    (void)ctx;
    int V = (int)ps_params_get_int(&ps_solver_interleaved, params, "chunks");
    int S = sc->n_stages, M = sc->n_microbatches;
    int padded = (M + S - 1) / S * S;
    size_t total = (size_t)padded * (size_t)V;
    struct slot *table = malloc(total * sizeof *table);
    if (table == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "interleaved: out of memory");

    /* Megatron's get_schedule_table: for each group of S microbatches, every chunk in
     * turn, the group's microbatches in order. */
    size_t k = 0;
    for (int lo = 0; lo < padded; lo += S)
        for (int c = 0; c < V; c++)
            for (int m = lo; m < lo + S; m++)
                table[k++] = (struct slot){m, c};

    struct ps_schedule *s;
    enum ps_status st = ps_fixed_new(sc, "interleaved", V, PS_TRAVERSAL_LOOP, false, &s, d);
    if (st != PS_OK) {
        free(table);
        return st;
    }
    for (int dev = 0; dev < S && st == PS_OK; dev++) {
        size_t warmup = (size_t)(2 * (S - dev - 1) + (V - 1) * S);
        if (warmup > total)
            warmup = total;
        for (size_t i = 0; i < warmup && st == PS_OK; i++)
            st = push_if_real(s, dev, PS_OP_F, table[i]);
        /* Then one forward, one backward; the i-th backward is the i-th table entry with
         * its chunk mirrored (the last chunk's backward comes first). */
        for (size_t i = 0; i < total && st == PS_OK; i++) {
            if (warmup + i < total)
                st = push_if_real(s, dev, PS_OP_F, table[warmup + i]);
            struct slot b = {table[i].microbatch, V - 1 - table[i].chunk};
            if (st == PS_OK)
                st = push_if_real(s, dev, PS_OP_B, b);
        }
    }
    free(table);
    if (st != PS_OK) {
        ps_diag_set(d, st, "", "interleaved: %s", ps_status_str(st));
        ps_schedule_free(s);
        return st;
    }
    *out = s;
    return PS_OK;
}

const struct ps_solver ps_solver_interleaved = {
    .name = "interleaved",
    .summary = "Megatron's interleaved 1F1B: V chunks per device in a loop (memory S+(S-1)/V)",
    .split_backward = false,
    .traversals = PS_TRAV_LOOP_BIT,
    .min_chunks = 2,
    .max_chunks = PS_MAX_CHUNKS,
    .slow = false,
    .params = params_def,
    .n_params = sizeof params_def / sizeof params_def[0],
    .generate = generate,
};
