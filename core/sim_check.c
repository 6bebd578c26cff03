/* The simulator's checks of the orders (docs/model.md, "The simulator"): every op of the
 * model exactly once, on its device, its parts in order (SPEC 4), each (kind, chunk) in
 * increasing microbatch order (SPEC 3), W only where the stage has it; and every op's
 * duration from the scenario as it is now. The engine makes the same checks while it times
 * the ops; this pass, in device order, names the first problem when it met one. */
#include "core/sim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_op_name(const struct ps_op *op, char *buf, size_t size)
{
    if (op->parts > 1)
        snprintf(buf, size, "%s of microbatch %d (chunk %d, part %d of %d)",
                 ps_op_kind_str(op->kind), (int)op->microbatch, op->chunk, op->part + 1, op->parts);
    else
        snprintf(buf, size, "%s of microbatch %d (chunk %d)", ps_op_kind_str(op->kind),
                 (int)op->microbatch, op->chunk);
}

int64_t sim_op_ns(const struct sim *m, int d, int kind, int chunk, int mb, int part, int parts)
{
    int64_t t =
        m->whole[((size_t)d * 3 + (size_t)kind) * (size_t)m->mt + (size_t)(m->mt == 1 ? 0 : mb)];
    if (m->V > 1)
        t = ps_split_ns(t, chunk, m->V);
    return parts > 1 ? ps_split_ns(t, part, parts) : t;
}

struct check {
    uint8_t *seen;    /* per key, ops cut into parts: parts seen so far */
    uint8_t *partsof; /* per key, ops cut into parts: their part count, 0 before part 0 */
};

/* Per (kind, chunk) of one device. */
struct kc {
    int32_t kbase; /* key of microbatch 0; -1: no such ops here (W without W) */
    int32_t next;  /* the microbatch its next part 0 must have */
    int64_t dur;   /* its duration when it does not depend on the microbatch */
};

/* The first problem of op i when its fields are wrong (the fast loop only knows that). */
static enum ps_status bad_op(const struct sim *m, int dv, size_t i, struct ps_diag *d)
{
    const struct ps_op *op = &m->s->dev_ops[dv][i];
    char path[64], what[96];
    snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
    if (op->kind > PS_OP_W || op->chunk >= m->V || op->microbatch < 0 || op->microbatch >= m->M ||
        op->parts < 1 || op->part >= op->parts || op->stage != dv)
        return ps_diag_set(d, PS_EINVAL, path,
                           "malformed op (kind %d, chunk %d, microbatch %d, part %d of %d, "
                           "stage %d)",
                           op->kind, op->chunk, (int)op->microbatch, op->part, op->parts,
                           op->stage);
    sim_op_name(op, what, sizeof what);
    return ps_diag_set(d, PS_EINVAL, path, "%s: this schedule has no W ops on stage %d", what, dv);
}

static enum ps_status bad_order(const struct ps_op *op, int dv, size_t i, int next,
                                struct ps_diag *d)
{
    char path[64], what[96];
    snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
    sim_op_name(op, what, sizeof what);
    if (next < 0)
        return ps_diag_set(d, PS_EINVAL, path, "%s does not follow its earlier parts in order",
                           what);
    if (op->microbatch < next)
        return ps_diag_set(d, PS_EINVAL, path, "%s appears twice or out of order", what);
    return ps_diag_set(d, PS_EINVAL, path,
                       "%s comes before microbatch %d: ops of one kind and chunk must run in "
                       "increasing microbatch order",
                       what, next);
}

/* After the loop: the first op of the device that lacks parts, and the first (kind,
 * chunk) that lacks microbatches. */
static enum ps_status incomplete(const struct sim *m, const struct check *c, const struct kc *kcs,
                                 int dv, struct ps_diag *d)
{
    const struct ps_op *ops = m->s->dev_ops[dv];
    char path[64], what[96];
    for (size_t i = 0; i < m->s->dev_n[dv]; i++) {
        const struct ps_op *op = &ops[i];
        if (op->part != 0 || op->parts == 1)
            continue;
        size_t k = sim_key(m, op->kind, m->vtab[dv * m->V + op->chunk], op->microbatch);
        if (c->seen[k] != op->parts) {
            sim_op_name(op, what, sizeof what);
            snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
            return ps_diag_set(d, PS_EINVAL, path, "%s has %d of its %d parts", what, c->seen[k],
                               op->parts);
        }
    }
    for (int kk = 0; kk < 3; kk++) {
        if (kk == PS_OP_W && !m->has_w[dv])
            continue;
        for (int ch = 0; ch < m->V; ch++) {
            int have = kcs[kk * m->V + ch].next;
            if (have < m->M) {
                snprintf(path, sizeof path, "stage %d", dv);
                return ps_diag_set(d, PS_EINVAL, path, "%s of microbatch %d (chunk %d) is missing",
                                   ps_op_kind_str((enum ps_op_kind)kk), have, ch);
            }
        }
    }
    return PS_OK;
}

/* One device's order; sets every op's duration. */
static enum ps_status check_device(struct sim *m, struct check *c, int dv, struct ps_diag *d)
{
    struct ps_op *ops = m->s->dev_ops[dv];
    const size_t n = m->s->dev_n[dv];
    const unsigned V = (unsigned)m->V, M = (unsigned)m->M;
    struct kc kcs[3 * PS_MAX_CHUNKS];
    for (unsigned kk = 0; kk < 3; kk++)
        for (unsigned ch = 0; ch < V; ch++) {
            struct kc *kc = &kcs[kk * V + ch];
            int v = m->vtab[dv * (int)V + (int)ch];
            kc->kbase = kk == PS_OP_W && !m->has_w[dv] ? -1 : (int32_t)sim_key(m, (int)kk, v, 0);
            kc->next = 0;
            kc->dur = sim_op_ns(m, dv, (int)kk, (int)ch, 0, 0, 1);
        }
    size_t firsts = 0, lasts = 0;
    for (size_t i = 0; i < n; i++) {
        struct ps_op *op = &ops[i];
        unsigned kind = op->kind, ch = op->chunk, part = op->part, parts = op->parts;
        uint32_t mb = (uint32_t)op->microbatch;
        if (kind > PS_OP_W || ch >= V || mb >= M || part >= parts || op->stage != dv)
            return bad_op(m, dv, i, d);
        struct kc *kc = &kcs[kind * V + ch];
        if (kc->kbase < 0)
            return bad_op(m, dv, i, d);
        if (m->mt > 1 || parts > 1)
            op->dur_ns = sim_op_ns(m, dv, (int)kind, (int)ch, (int)mb, (int)part, (int)parts);
        else
            op->dur_ns = kc->dur;
        size_t k = (size_t)kc->kbase + mb;
        if (part == 0) {
            if ((int32_t)mb != kc->next)
                return bad_order(op, dv, i, kc->next, d);
            kc->next++;
            firsts++;
            if (parts == 1) {
                lasts++;
                continue;
            }
            c->partsof[k] = (uint8_t)parts;
            c->seen[k] = 1;
            continue;
        }
        if (c->partsof[k] == 0 || c->seen[k] != part || c->partsof[k] != parts)
            return bad_order(op, dv, i, -1, d);
        c->seen[k]++;
        lasts += part + 1 == parts;
    }
    bool all = firsts == lasts;
    for (unsigned kk = 0; kk < 3 && all; kk++)
        for (unsigned ch = 0; ch < V; ch++)
            all &= kcs[kk * V + ch].kbase < 0 || kcs[kk * V + ch].next == (int32_t)M;
    return all ? PS_OK : incomplete(m, c, kcs, dv, d);
}

enum ps_status sim_check_orders(struct sim *m, struct ps_diag *d)
{
    size_t nkeys = 3 * (size_t)m->SV * (size_t)m->M;
    struct check c;
    c.seen = calloc(nkeys, 1);
    c.partsof = calloc(nkeys, 1);
    enum ps_status st = PS_OK;
    if (c.seen == NULL || c.partsof == NULL)
        st = ps_diag_set(d, PS_ENOMEM, "", "out of memory for %zu ops", ps_schedule_n_ops(m->s));
    for (int dv = 0; dv < m->S && st == PS_OK; dv++)
        st = check_device(m, &c, dv, d);
    free(c.seen);
    free(c.partsof);
    return st;
}
