/* The simulator's checks of the orders (docs/model.md, "The simulator"): every op of the
 * model exactly once, on its device, its parts in order (SPEC 4), each (kind, chunk) in
 * increasing microbatch order (SPEC 3; backward kinds in backward rank with token slices),
 * W only where the stage has it, R only for the microbatches a stage replays, and every
 * op's duration from the scenario as it is now. The engine makes the same checks while it
 * times the ops; this pass, in device order, names the first problem when it met one. */
#include "core/sim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t sim_op_ns(const struct sim *m, int d, int kind, int chunk, int mb, int part, int parts)
{
    int64_t t = m->whole[((size_t)d * PS_COMPUTE_KINDS + (size_t)kind) * (size_t)m->mt +
                         (size_t)(m->mt == 1 ? 0 : mb)];
    if (m->V > 1)
        t = ps_split_ns(t, chunk, m->V);
    return parts > 1 ? ps_split_ns(t, part, parts) : t;
}

struct check {
    int *cnt;         /* S*4*V: next position per (device, kind, chunk) */
    uint8_t *seen;    /* per key: parts seen so far */
    uint8_t *partsof; /* per key: the op's part count, 0 before its part 0 */
};

static bool replays(const struct sim *m, int d, int mb)
{
    return m->has_r != NULL && m->has_r[(size_t)d * (size_t)m->M + (size_t)mb];
}

/* The microbatch at position pos of a kind's order (backward rank with token slices). */
static int order_mb(const struct sim *m, int kind, int pos)
{
    return kind == PS_OP_F || m->by_rank == NULL ? pos : m->by_rank[pos];
}

/* The first problem with op i's fields, or PS_OK. */
static enum ps_status check_fields(const struct sim *m, int dv, size_t i, struct ps_diag *d)
{
    const struct ps_op *op = &m->s->dev_ops[dv][i];
    bool malformed = op->kind > PS_OP_R || op->chunk >= m->V || op->microbatch < 0 ||
                     op->microbatch >= m->M || op->parts < 1 || op->part >= op->parts ||
                     op->stage != dv;
    bool no_r = !malformed && op->kind == PS_OP_R && !replays(m, dv, op->microbatch);
    bool no_w = !malformed && op->kind == PS_OP_W && !m->has_w[dv];
    if (!malformed && !no_r && !no_w)
        return PS_OK; /* the common case: nothing to format */
    char path[64], what[96];
    snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
    if (malformed)
        return ps_diag_set(d, PS_EINVAL, path,
                           "malformed op (kind %d, chunk %d, microbatch %d, part %d of %d, "
                           "stage %d)",
                           op->kind, op->chunk, (int)op->microbatch, op->part, op->parts,
                           op->stage);
    ps_op_describe(op, what, sizeof what);
    if (no_r)
        return ps_diag_set(d, PS_EINVAL, path,
                           "%s: stage %d does not replay microbatch %d (its recompute is 0)", what,
                           dv, (int)op->microbatch);
    return ps_diag_set(d, PS_EINVAL, path, "%s: this schedule has no W ops on stage %d", what, dv);
}

/* Part 0 of op i in its kind's order. */
static enum ps_status check_order(const struct sim *m, const struct ps_op *op, int *c, int dv,
                                  size_t i, struct ps_diag *d)
{
    int at = op->kind == PS_OP_F || m->rank == NULL ? op->microbatch : m->rank[op->microbatch];
    /* R exists for some microbatches only: increasing backward rank, gaps allowed */
    if (op->kind == PS_OP_R && at > *c)
        *c = at;
    if (at == *c) {
        (*c)++;
        return PS_OK;
    }
    char path[64], what[96];
    snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
    ps_op_describe(op, what, sizeof what);
    if (at < *c)
        return ps_diag_set(d, PS_EINVAL, path, "%s appears twice or out of order", what);
    if (op->kind != PS_OP_F && m->rank != NULL)
        return ps_diag_set(d, PS_EINVAL, path,
                           "%s comes before microbatch %d: backward ops of one kind and chunk "
                           "run in increasing backward rank (the slices of a sequence last to "
                           "first)",
                           what, order_mb(m, op->kind, *c));
    return ps_diag_set(d, PS_EINVAL, path,
                       "%s comes before microbatch %d: ops of one kind and chunk must run in "
                       "increasing microbatch order",
                       what, *c);
}

/* One device's order; sets every op's duration. */
static enum ps_status check_device(struct sim *m, struct check *c, int dv, struct ps_diag *d)
{
    struct ps_op *ops = m->s->dev_ops[dv];
    size_t n = m->s->dev_n[dv];
    int V = m->V;
    char path[64], what[96];
    int *cnt = &c->cnt[(size_t)dv * PS_COMPUTE_KINDS * (size_t)V];
    enum ps_status st = PS_OK;
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        struct ps_op *op = &ops[i];
        st = check_fields(m, dv, i, d);
        if (st != PS_OK)
            break;
        op->dur_ns = sim_op_ns(m, dv, op->kind, op->chunk, op->microbatch, op->part, op->parts);
        size_t k = sim_key(m, op->kind, m->vtab[dv * V + op->chunk], op->microbatch);
        if (op->part > 0) {
            if (c->partsof[k] == 0 || c->seen[k] != op->part || c->partsof[k] != op->parts) {
                ps_op_describe(op, what, sizeof what);
                snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
                st = ps_diag_set(d, PS_EINVAL, path,
                                 "%s does not follow its earlier parts in order", what);
            }
            c->seen[k]++;
            continue;
        }
        st = check_order(m, op, &cnt[op->kind * V + op->chunk], dv, i, d);
        c->partsof[k] = op->parts;
        c->seen[k] = 1;
    }
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        const struct ps_op *op = &ops[i];
        if (op->part != 0)
            continue;
        size_t k = sim_key(m, op->kind, m->vtab[dv * V + op->chunk], op->microbatch);
        if (c->seen[k] != op->parts) {
            ps_op_describe(op, what, sizeof what);
            snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
            st = ps_diag_set(d, PS_EINVAL, path, "%s has %d of its %d parts", what, c->seen[k],
                             op->parts);
        }
    }
    for (int kk = 0; kk < 3 && st == PS_OK; kk++) {
        if (kk == PS_OP_W && !m->has_w[dv])
            continue;
        for (int ch = 0; ch < V && st == PS_OK; ch++) {
            int have = cnt[kk * V + ch];
            if (have < m->M) {
                snprintf(path, sizeof path, "stage %d", dv);
                st = ps_diag_set(d, PS_EINVAL, path, "%s of microbatch %d (chunk %d) is missing",
                                 ps_op_kind_str((enum ps_op_kind)kk), order_mb(m, kk, have), ch);
            }
        }
    }
    return st;
}

/* Every R a stage needs (it replays part of its forward before the backward). */
static enum ps_status check_replays(const struct sim *m, const struct check *c, struct ps_diag *d)
{
    for (int dv = 0; dv < m->S && m->has_r != NULL; dv++)
        for (int ch = 0; ch < m->V; ch++) {
            int v = m->vtab[dv * m->V + ch];
            for (int mb = 0; mb < m->M; mb++) {
                if (!replays(m, dv, mb) || c->partsof[sim_key(m, PS_OP_R, v, mb)] != 0)
                    continue;
                char path[32];
                snprintf(path, sizeof path, "stage %d", dv);
                return ps_diag_set(d, PS_EINVAL, path,
                                   "R of microbatch %d (chunk %d) is missing (the stage replays "
                                   "part of its forward before the backward)",
                                   mb, ch);
            }
        }
    return PS_OK;
}

enum ps_status sim_check_orders(struct sim *m, struct ps_diag *d)
{
    size_t nkeys = PS_COMPUTE_KINDS * (size_t)m->SV * (size_t)m->M;
    struct check c;
    c.cnt = calloc((size_t)m->S * PS_COMPUTE_KINDS * (size_t)m->V, sizeof *c.cnt);
    c.seen = calloc(nkeys, 1);
    c.partsof = calloc(nkeys, 1);
    enum ps_status st = PS_OK;
    if (c.cnt == NULL || c.seen == NULL || c.partsof == NULL)
        st = ps_diag_set(d, PS_ENOMEM, "", "out of memory for %zu ops", ps_schedule_n_ops(m->s));
    for (int dv = 0; dv < m->S && st == PS_OK; dv++)
        st = check_device(m, &c, dv, d);
    if (st == PS_OK)
        st = check_replays(m, &c, d);
    free(c.cnt);
    free(c.seen);
    free(c.partsof);
    return st;
}
