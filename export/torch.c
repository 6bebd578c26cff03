/* The schedule as torch.distributed.pipelining's per-rank action CSV (docs/formats.md,
 * "PyTorch"): one row per rank, one action per cell ("0F1": stage 0, forward, microbatch
 * 1; "I" and "W" for a split backward, "B" for the full one). The compute-only form keeps
 * PyTorch's lockstep: an action's column (time step) comes after the columns of the actions
 * on other ranks it waits for, so PipelineScheduleMulti's step-by-step receives line up;
 * idle steps are empty cells. The lowered form adds SEND_F/RECV_F/SEND_B/RECV_B (and
 * REDUCE_GRAD after each stage's last backward) in the order of pipescope's times, so each
 * pair of ranks posts its sends and receives in one order and every channel sends in
 * pipescope's order. */
#include "export/export.h"

#include <stdlib.h>
#include <string.h>

#include "core/sim.h"

/* One action of one rank. */
struct act {
    int64_t key;  /* time: an op's start (its last part's), a send or receive's transmission */
    int cls;      /* at one time: sends, then receives, then compute */
    size_t order; /* device order, or the transfer's index */
    int rank, stage, mb;
    char type[12]; /* F, I, B, W, SEND_F, ... */
    int step;      /* compute-only: the column */
};

enum { CLS_SEND = 0, CLS_RECV = 1, CLS_COMPUTE = 2 };

static int cmp_act(const void *pa, const void *pb)
{
    const struct act *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->cls != b->cls)
        return a->cls - b->cls;
    if (a->rank != b->rank)
        return a->rank - b->rank;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The torch letter of a compute op: B is the full backward (a combined schedule's B, or a
 * split stage without W, whose B does all of it); a split B is I (input gradient). */
static const char *letter(const struct ps_schedule *s, const struct ps_op *op)
{
    switch (op->kind) {
    case PS_OP_F:
        return "F";
    case PS_OP_B:
        return s->split_backward && ps_schedule_has_w(s, op->stage) ? "I" : "B";
    default:
        return "W";
    }
}

/* The compute actions: whole ops, at their last part's place (an op cut into parts runs
 * whole in PyTorch). Returns the count; *parts says whether any op had parts. */
static size_t compute_actions(const struct ps_schedule *s, struct act *a, bool *parts)
{
    size_t n = 0;
    for (int d = 0; d < s->n_stages; d++)
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            *parts |= op->parts > 1;
            if (op->part + 1 != op->parts)
                continue;
            struct act *x = &a[n++];
            memset(x, 0, sizeof *x);
            x->key = op->start_ns;
            x->cls = CLS_COMPUTE;
            x->order = i;
            x->rank = d;
            x->stage = ps_vstage_of(d, op->chunk, s->n_stages, s->chunks, s->traversal);
            x->mb = op->microbatch;
            strcpy(x->type, letter(s, op));
        }
    return n;
}

static enum ps_status put_action(struct ps_buf *b, const struct act *x)
{
    if (x->mb >= 0)
        return ps_buf_printf(b, "%d%s%d", x->stage, x->type, x->mb);
    return ps_buf_printf(b, "%d%s", x->stage, x->type);
}

/* Compute-only: each action's column is one past the previous on its rank and one past its
 * input's on another rank (the forward of the stage before, the backward of the one
 * after), so that PyTorch's lockstep receives meet their sends. */
static enum ps_status write_compute_only(const struct ps_schedule *s, struct act *a, size_t n,
                                         struct ps_buf *out)
{
    int SV = ps_schedule_vstages(s), M = s->n_microbatches;
    /* step of (F or backward, stage, microbatch); -1 until placed */
    int *done = malloc(2 * (size_t)SV * (size_t)M * sizeof *done);
    int *last = calloc((size_t)s->n_stages, sizeof *last);
    if (!done || !last) {
        free(done);
        free(last);
        return PS_ENOMEM;
    }
    memset(done, 0xff, 2 * (size_t)SV * (size_t)M * sizeof *done);
    for (int r = 0; r < s->n_stages; r++)
        last[r] = -1;
    qsort(a, n, sizeof *a, cmp_act);
    for (size_t i = 0; i < n; i++) {
        struct act *x = &a[i];
        int step = last[x->rank] + 1;
        bool fwd = x->type[0] == 'F', bwd = x->type[0] == 'I' || x->type[0] == 'B';
        int from = fwd ? x->stage - 1 : x->stage + 1;
        if ((fwd || bwd) && from >= 0 && from < SV &&
            ps_vstage_device(from, s->n_stages, s->chunks, s->traversal) != x->rank) {
            int dep = done[((fwd ? 0 : 1) * SV + from) * M + x->mb];
            if (dep >= step)
                step = dep + 1;
        }
        x->step = step;
        last[x->rank] = step;
        if (fwd || bwd)
            done[((fwd ? 0 : 1) * SV + x->stage) * M + x->mb] = step;
    }
    /* Rows: rank by rank, empty cells for idle steps. */
    enum ps_status st = PS_OK;
    for (int r = 0; r < s->n_stages && st == PS_OK; r++) {
        int col = 0;
        for (size_t i = 0; i < n && st == PS_OK; i++) {
            if (a[i].rank != r)
                continue;
            for (; col < a[i].step && st == PS_OK; col++)
                st = ps_buf_append(out, col ? "," : "", col ? 1 : 0);
            if (st == PS_OK && col > 0)
                st = ps_buf_append(out, ",", 1);
            if (st == PS_OK)
                st = put_action(out, &a[i]);
            col++;
        }
        if (st == PS_OK)
            st = ps_buf_append(out, "\r\n", 2);
    }
    free(done);
    free(last);
    return st;
}

/* Lowered: sends and receives beside the compute, in time order, and REDUCE_GRAD after each
 * stage's M-th B or W (as PyTorch's own lowering puts it). */
static enum ps_status write_lowered(const struct ps_schedule *s, struct act *a, size_t n,
                                    struct ps_buf *out)
{
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *t = &s->transfers[i];
        bool fwd = t->kind == PS_XFER_ACTIVATION;
        struct act *send = &a[n++], *recv = &a[n++];
        memset(send, 0, sizeof *send);
        send->key = t->start_ns;
        send->cls = CLS_SEND;
        send->order = i;
        send->rank = t->from_stage;
        send->stage = t->from_vstage;
        send->mb = t->microbatch;
        strcpy(send->type, fwd ? "SEND_F" : "SEND_B");
        *recv = *send;
        recv->cls = CLS_RECV;
        recv->rank = t->to_stage;
        recv->stage = t->from_vstage + (fwd ? 1 : -1);
        strcpy(recv->type, fwd ? "RECV_F" : "RECV_B");
    }
    qsort(a, n, sizeof *a, cmp_act);
    int SV = ps_schedule_vstages(s);
    int *count = calloc((size_t)SV, sizeof *count);
    if (!count)
        return PS_ENOMEM;
    enum ps_status st = PS_OK;
    for (int r = 0; r < s->n_stages && st == PS_OK; r++) {
        bool first = true;
        for (size_t i = 0; i < n && st == PS_OK; i++) {
            if (a[i].rank != r)
                continue;
            st = ps_buf_append(out, first ? "" : ",", first ? 0 : 1);
            first = false;
            if (st == PS_OK)
                st = put_action(out, &a[i]);
            bool reduce = a[i].cls == CLS_COMPUTE && (a[i].type[0] == 'B' || a[i].type[0] == 'W');
            if (st == PS_OK && reduce && ++count[a[i].stage] == s->n_microbatches)
                st = ps_buf_printf(out, ",%dREDUCE_GRAD", a[i].stage);
        }
        if (st == PS_OK)
            st = ps_buf_append(out, "\r\n", 2);
    }
    free(count);
    return st;
}

enum ps_status ps_export_schedule_torch(const struct ps_schedule *s, bool lowered,
                                        struct ps_buf *out, bool *had_parts)
{
    if (!s || !out || !s->timed || s->solver.status == PS_SOLVE_INFEASIBLE)
        return PS_EINVAL;
    /* PyTorch has no recomputation action (activation checkpointing lives inside a stage's
     * module and its backward): a schedule with R ops is not one it can run as written. */
    for (int d = 0; d < s->n_stages; d++)
        for (size_t i = 0; i < s->dev_n[d]; i++)
            if (s->dev_ops[d][i].kind == PS_OP_R)
                return PS_EUNSUPPORTED;
    size_t cap = ps_schedule_n_ops(s) + 2 * s->n_transfers + 1;
    struct act *a = malloc(cap * sizeof *a);
    if (!a)
        return PS_ENOMEM;
    bool parts = false;
    size_t n = compute_actions(s, a, &parts);
    if (had_parts)
        *had_parts = parts;
    enum ps_status st = lowered ? write_lowered(s, a, n, out) : write_compute_only(s, a, n, out);
    free(a);
    return st;
}
