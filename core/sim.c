/* The discrete-event simulator (SPEC 6, docs/model.md): per-device orders in, exact
 * integer times out. Ops are looked up through flat (kind, vstage, microbatch) tables,
 * transfers get fixed slots by (kind, boundary, microbatch), and one binary heap orders
 * the events (op ends, arrivals, channel frees, all-gather ends). */
#include "core/sim.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched_internal.h"
#include "core/units.h"

enum ev_type { EV_OP_END = 0, EV_ARRIVE, EV_CHAN_FREE, EV_AG_END };

struct event {
    int64_t t;
    uint32_t x; /* id << 2 | type */
};

struct sim {
    struct ps_schedule *s;
    const struct ps_scenario *sc;
    int S, V, SV, M;
    int *dev_of_v;  /* SV */
    int *vtab;      /* S*V: (stage, chunk) -> vstage */
    bool *has_w;    /* S */
    int32_t *pos;   /* 4*SV*M (F, B, W, R): index of part 0 in its device's order */
    uint8_t *pend;  /* 4*SV*M: inputs not yet arrived (part 0 only) */
    uint8_t *has_r; /* S*M: the device replays that microbatch (an R op per chunk), NULL: none */
    size_t *next;   /* S: index of the running or next op */
    uint8_t *busy;  /* S */
    int *bch;       /* 2*SV: channel per boundary, -1 none */
    int *bslot;     /* 2*SV: first transfer slot / M, -1 when same device */
    struct ps_link *blink;
    int64_t *blat;  /* 2*SV: latency per boundary, ns */
    int64_t *btx;   /* 2*SV: transmission per boundary, ns; -1 = depends on microbatch */
    double *msg_mb; /* M */
    size_t remaining;

    struct event *heap;
    size_t hn, hcap;

    /* per channel: the ready transfers waiting for it (one flat block, cq_off) */
    int32_t *cq;
    size_t *cq_off, *cq_n, *cq_head; /* FCFS: a FIFO q[head..n); ranked: a heap q[0..n) */
    uint8_t *ch_busy, *ch_dirty;
    int *dirty;
    int n_dirty;
    int64_t *ch_ranks; /* ranked mode: each channel's ranks sorted (flat, cq_off) */
    size_t *ch_sent;
    int32_t *ch_cur; /* the transfer on the channel when its arrival rides on the free event */
    /* token slices (docs/model.md): B and W run in backward rank, rank[mb] and its inverse;
     * NULL without slices (rank = microbatch). The slice dependencies themselves (F(v,m-1)
     * before F(v,m), B(v,m) before B(v,m-1), both on one device) follow from that order. */
    int *rank, *by_rank;

    /* Communication arrangement (docs/model.md): with a rendezvous a transfer is released to
     * its channel only once its receiver has posted the receive; blocking also holds the
     * sender until it has been transmitted. Unused (NULL) when decoupled. */
    bool rendezvous, blocking;
    int64_t *rel;     /* per transfer: when it was released to its channel (FCFS order) */
    int32_t *parked;  /* 3*SV*M: the transfer waiting for that consumer's post, -1 none */
    int32_t *ch_x;    /* per channel: the transfer being transmitted (blocking) */
    int *hold;        /* S: transmissions the device waits for (blocking) */
    int32_t *held_by; /* S: the last transfer a held device waits for, for the report */
};

/* Position of an op's microbatch in its kind's order on a device (SPEC 3 generalised). */
static inline int order_pos(const struct sim *m, int kind, int mb)
{
    return kind == PS_OP_F || m->rank == NULL ? mb : m->rank[mb];
}

/* The microbatch at position pos of a kind's order. */
static inline int order_mb(const struct sim *m, int kind, int pos)
{
    return kind == PS_OP_F || m->by_rank == NULL ? pos : m->by_rank[pos];
}

/* The op that receives the backward's input of (v, mb): its R when the device replays that
 * microbatch, else its B (docs/model.md, recomputation). */
static inline int bwd_entry(const struct sim *m, int v, int mb)
{
    return m->has_r != NULL && m->has_r[(size_t)m->dev_of_v[v] * (size_t)m->M + (size_t)mb]
               ? PS_OP_R
               : PS_OP_B;
}

static inline size_t key3(const struct sim *m, int kind, int v, int mb)
{
    return ((size_t)kind * (size_t)m->SV + (size_t)v) * (size_t)m->M + (size_t)mb;
}

/* ---- event heap ---------------------------------------------------------------------- */

static void heap_push(struct sim *m, int64_t t, uint32_t id, enum ev_type type)
{
    assert(m->hn < m->hcap);
    struct event e = {t, id << 2 | (uint32_t)type};
    size_t i = m->hn++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (m->heap[p].t <= t)
            break;
        m->heap[i] = m->heap[p];
        i = p;
    }
    m->heap[i] = e;
}

static struct event heap_pop(struct sim *m)
{
    struct event top = m->heap[0];
    struct event last = m->heap[--m->hn];
    size_t i = 0, n = m->hn;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && m->heap[c + 1].t < m->heap[c].t)
            c++;
        if (m->heap[c].t >= last.t)
            break;
        m->heap[i] = m->heap[c];
        i = c;
    }
    if (n > 0)
        m->heap[i] = last;
    return top;
}

/* ---- channel queues -------------------------------------------------------------------- */

/* FCFS order (SPEC 6): explicit rank first when ranked, then ready time, lower sending
 * device, activation before gradient, lower microbatch; the slot breaks what is left. */
static bool xfer_before(const struct sim *m, int32_t a, int32_t b)
{
    const struct ps_transfer *x = &m->s->transfers[a], *y = &m->s->transfers[b];
    if (m->ch_ranks != NULL) {
        int64_t ra = m->s->xfer_rank[ps_xfer_key(m->s, x->kind, x->from_vstage, x->microbatch)];
        int64_t rb = m->s->xfer_rank[ps_xfer_key(m->s, y->kind, y->from_vstage, y->microbatch)];
        if (ra != rb)
            return ra < rb;
    }
    int64_t rx = m->rel != NULL ? m->rel[a] : x->ready_ns;
    int64_t ry = m->rel != NULL ? m->rel[b] : y->ready_ns;
    if (rx != ry)
        return rx < ry;
    if (x->from_stage != y->from_stage)
        return x->from_stage < y->from_stage;
    if (x->kind != y->kind)
        return x->kind < y->kind;
    if (x->microbatch != y->microbatch)
        return x->microbatch < y->microbatch;
    return a < b;
}

static void cq_push(struct sim *m, int c, int32_t id)
{
    int32_t *q = m->cq + m->cq_off[c];
    size_t i = m->cq_n[c]++;
    if (m->ch_ranks == NULL) {
        /* FCFS: transfers become ready in time order, so the queue is a FIFO; only ties
         * at one instant need sorting */
        while (i > m->cq_head[c] && xfer_before(m, id, q[i - 1])) {
            q[i] = q[i - 1];
            i--;
        }
        q[i] = id;
        return;
    }
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!xfer_before(m, id, q[p]))
            break;
        q[i] = q[p];
        i = p;
    }
    q[i] = id;
}

static bool cq_empty(const struct sim *m, int c)
{
    return m->cq_n[c] == m->cq_head[c];
}

static int32_t cq_top(const struct sim *m, int c)
{
    return m->cq[m->cq_off[c] + m->cq_head[c]];
}

static int32_t cq_pop(struct sim *m, int c)
{
    int32_t *q = m->cq + m->cq_off[c];
    if (m->ch_ranks == NULL)
        return q[m->cq_head[c]++];
    int32_t top = q[0];
    size_t n = --m->cq_n[c];
    int32_t last = q[n];
    size_t i = 0;
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= n)
            break;
        if (k + 1 < n && xfer_before(m, q[k + 1], q[k]))
            k++;
        if (!xfer_before(m, q[k], last))
            break;
        q[i] = q[k];
        i = k;
    }
    if (n > 0)
        q[i] = last;
    return top;
}

static void mark_dirty(struct sim *m, int c)
{
    if (!m->ch_dirty[c]) {
        m->ch_dirty[c] = 1;
        m->dirty[m->n_dirty++] = c;
    }
}

/* ---- the simulation proper ----------------------------------------------------------- */

static void try_start(struct sim *m, int d, int64_t t)
{
    if (m->busy[d] || m->next[d] >= m->s->dev_n[d] || (m->hold != NULL && m->hold[d] > 0))
        return;
    struct ps_op *op = &m->s->dev_ops[d][m->next[d]];
    if (op->part == 0 && m->pend[key3(m, op->kind, m->vtab[d * m->V + op->chunk], op->microbatch)])
        return;
    op->start_ns = t;
    m->busy[d] = 1;
    heap_push(m, t + op->dur_ns, (uint32_t)d, EV_OP_END);
#if defined(__GNUC__)
    /* 64 devices walk 64 streams of ops: fetch the next one while this one runs */
    __builtin_prefetch(op + 1, 1);
    __builtin_prefetch((const char *)(op + 2) - 1, 1); /* a 40-byte op may span two lines */
#endif
}

/* One input of op (kind, v, mb) has arrived at t. */
static void satisfy(struct sim *m, int kind, int v, int mb, int64_t t)
{
    size_t k = key3(m, kind, v, mb);
    assert(m->pend[k] > 0);
    if (--m->pend[k] == 0) {
        int d = m->dev_of_v[v];
        if (m->next[d] == (size_t)m->pos[k])
            try_start(m, d, t);
    }
}

static void deliver(struct sim *m, const struct ps_transfer *x)
{
    int to = ps_boundary_to(m->s, x->kind, x->from_vstage);
    satisfy(m, x->kind == PS_XFER_ACTIVATION ? PS_OP_F : bwd_entry(m, to, x->microbatch), to,
            x->microbatch, x->arrive_ns);
}

/* A blocking sender's transmission of x has ended at t. */
static void sent(struct sim *m, const struct ps_transfer *x, int64_t t)
{
    if (m->blocking && --m->hold[x->from_stage] == 0)
        try_start(m, x->from_stage, t);
}

/* Transfer id goes to its channel at t (its producer has ended, and with a rendezvous its
 * receiver has posted). */
static void release(struct sim *m, int32_t id, int64_t t)
{
    struct ps_transfer *x = &m->s->transfers[id];
    int b = ps_boundary(m->s, x->kind, x->from_vstage);
    int c = m->bch[b];
    int64_t tx = 0;
    if (m->rel != NULL)
        m->rel[id] = t;
    if (c >= 0)
        tx = m->btx[b] >= 0 ? m->btx[b]
                            : ps_tx_ns(m->msg_mb[x->microbatch], m->blink[b].bandwidth_gbps);
    if (tx == 0) {
        x->channel = -1;
        x->start_ns = x->end_ns = t;
        x->arrive_ns = t + m->blat[b];
        if (x->arrive_ns == t)
            deliver(m, x);
        else
            heap_push(m, x->arrive_ns, (uint32_t)id, EV_ARRIVE);
        sent(m, x, t);
        return;
    }
    x->channel = c;
    x->end_ns = tx; /* the transmission time, until the channel sends it */
    cq_push(m, c, id);
    if (!m->ch_busy[c])
        mark_dirty(m, c);
}

/* Op (F or B) of vstage v, microbatch mb ended at t: send its output along boundary. */
static void send(struct sim *m, int kind, int v, int mb, int chunk, int64_t t)
{
    int b = ps_boundary(m->s, kind, v);
    int to = ps_boundary_to(m->s, kind, v);
    int consumer = kind == PS_XFER_ACTIVATION ? PS_OP_F : bwd_entry(m, to, mb);
    if (m->bslot[b] < 0) {
        satisfy(m, consumer, to, mb, t);
        return;
    }
    int32_t id = m->bslot[b] * m->M + mb;
    struct ps_transfer *x = &m->s->transfers[id];
    x->ready_ns = t;
    x->microbatch = mb;
    x->from_stage = (int16_t)m->dev_of_v[v];
    x->to_stage = (int16_t)m->dev_of_v[to];
    x->from_vstage = (int16_t)v;
    x->kind = (uint8_t)kind;
    x->chunk = (uint8_t)chunk;
    if (m->blocking) {
        m->hold[x->from_stage]++;
        m->held_by[x->from_stage] = id;
    }
    if (m->rendezvous) {
        /* posted once the op before the consumer's first part has ended */
        size_t k = key3(m, consumer, to, mb);
        int rd = m->dev_of_v[to];
        if (m->pos[k] > 0 && m->next[rd] < (size_t)m->pos[k]) {
            m->parked[k] = id;
            return;
        }
    }
    release(m, id, t);
}

static void op_end(struct sim *m, int d, int64_t t)
{
    struct ps_op *op = &m->s->dev_ops[d][m->next[d]];
    op->end_ns = t;
    m->busy[d] = 0;
    m->next[d]++;
    m->remaining--;
    if (m->rendezvous && m->next[d] < m->s->dev_n[d]) {
        /* the next op's receive is posted now: a message parked for it may go */
        const struct ps_op *nx = &m->s->dev_ops[d][m->next[d]];
        if (nx->part == 0 && nx->kind <= PS_OP_B) {
            size_t k = key3(m, nx->kind, m->vtab[d * m->V + nx->chunk], nx->microbatch);
            int32_t id = m->parked[k];
            if (id >= 0) {
                m->parked[k] = -1;
                release(m, id, t);
            }
        }
    }
    if (op->part == op->parts - 1) {
        int v = m->vtab[d * m->V + op->chunk], mb = op->microbatch;
        if (op->kind == PS_OP_F) {
            if (v < m->SV - 1)
                send(m, PS_XFER_ACTIVATION, v, mb, op->chunk, t);
            else
                satisfy(m, bwd_entry(m, v, mb), v, mb, t);
            if (v < m->SV - 1 && bwd_entry(m, v, mb) == PS_OP_R)
                satisfy(m, PS_OP_R, v, mb, t); /* R replays this forward */
        } else if (op->kind == PS_OP_R) {
            satisfy(m, PS_OP_B, v, mb, t);
        } else if (op->kind == PS_OP_B) {
            if (v > 0)
                send(m, PS_XFER_GRADIENT, v, mb, op->chunk, t);
            if (m->has_w[d])
                satisfy(m, PS_OP_W, v, mb, t);
        }
    }
    try_start(m, d, t);
}

static void dispatch(struct sim *m, int c, int64_t t)
{
    if (m->ch_busy[c] || cq_empty(m, c))
        return;
    int32_t id = cq_top(m, c);
    struct ps_transfer *x = &m->s->transfers[id];
    if (m->ch_ranks != NULL) {
        /* explicit order: only the lowest unsent rank may go */
        int64_t r = m->s->xfer_rank[ps_xfer_key(m->s, x->kind, x->from_vstage, x->microbatch)];
        if (r != m->ch_ranks[m->cq_off[c] + m->ch_sent[c]])
            return;
    }
    cq_pop(m, c);
    m->ch_sent[c]++;
    if (m->ch_x != NULL)
        m->ch_x[c] = id;
    int64_t tx = x->end_ns;
    x->start_ns = t;
    x->end_ns = t + tx;
    x->arrive_ns = x->end_ns + m->blat[ps_boundary(m->s, x->kind, x->from_vstage)];
    m->ch_busy[c] = 1;
    heap_push(m, x->end_ns, (uint32_t)c, EV_CHAN_FREE);
    /* without latency the arrival is the channel's free event itself: one event less */
    if (x->arrive_ns == x->end_ns)
        m->ch_cur[c] = id;
    else
        heap_push(m, x->arrive_ns, (uint32_t)id, EV_ARRIVE);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* ---- checks before simulating ----------------------------------------------------------- */

static void op_name(const struct ps_op *op, char *buf, size_t size)
{
    if (op->parts > 1)
        snprintf(buf, size, "%s of microbatch %d (chunk %d, part %d of %d)",
                 ps_op_kind_str(op->kind), (int)op->microbatch, op->chunk, op->part + 1, op->parts);
    else
        snprintf(buf, size, "%s of microbatch %d (chunk %d)", ps_op_kind_str(op->kind),
                 (int)op->microbatch, op->chunk);
}

/* Every op of the model exactly once, on its device, its parts in order (SPEC 4), and
 * each (kind, chunk) in increasing microbatch order (SPEC 3). Fills m->pos. */
static enum ps_status check_orders(struct sim *m, struct ps_diag *d)
{
    struct ps_schedule *s = m->s;
    int V = m->V;
    int *cnt = calloc((size_t)m->S * PS_COMPUTE_KINDS * (size_t)V, sizeof *cnt);
    /* parts seen so far */
    uint8_t *seen = calloc(PS_COMPUTE_KINDS * (size_t)m->SV * (size_t)m->M, 1);
    if (cnt == NULL || seen == NULL) {
        free(cnt);
        free(seen);
        return PS_ENOMEM;
    }
    /* whole-stage durations per (stage, kind, microbatch): every op's duration comes
     * from the model, even if the scenario changed since the op was pushed */
    int mt = m->sc->per_microbatch != NULL ? m->M : 1;
    int64_t *whole = malloc((size_t)m->S * PS_COMPUTE_KINDS * (size_t)mt * sizeof *whole);
    if (whole == NULL) {
        free(cnt);
        free(seen);
        return PS_ENOMEM;
    }
    for (int dv = 0; dv < m->S; dv++) {
        for (int mb = 0; mb < mt; mb++) {
            int64_t *w = &whole[((size_t)dv * PS_COMPUTE_KINDS) * (size_t)mt + (size_t)mb];
            w[0] = ps_scenario_stage_time_ns(m->sc, dv, mb, PS_TIME_F);
            w[(size_t)mt] = ps_scenario_stage_time_ns(
                m->sc, dv, mb, s->split_backward ? PS_TIME_B : PS_TIME_B_COMBINED);
            w[2 * (size_t)mt] = ps_scenario_stage_time_ns(m->sc, dv, mb, PS_TIME_W);
            w[3 * (size_t)mt] = ps_scenario_stage_time_ns(m->sc, dv, mb, PS_TIME_R);
        }
    }
    char path[64], what[96];
    enum ps_status st = PS_OK;
    for (int dv = 0; dv < m->S && st == PS_OK; dv++) {
        struct ps_op *ops = s->dev_ops[dv];
        size_t n = s->dev_n[dv];
        for (size_t i = 0; i < n; i++) {
            struct ps_op *op = &ops[i];
            if (op->kind > PS_OP_R || op->chunk >= V || op->microbatch < 0 ||
                op->microbatch >= m->M || op->parts < 1 || op->part >= op->parts ||
                op->stage != dv) {
                snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
                st = ps_diag_set(d, PS_EINVAL, path,
                                 "malformed op (kind %d, chunk %d, microbatch %d, part %d of %d, "
                                 "stage %d)",
                                 op->kind, op->chunk, (int)op->microbatch, op->part, op->parts,
                                 op->stage);
                break;
            }
            if (op->kind == PS_OP_R && !ps_schedule_has_r(s, dv, op->microbatch)) {
                op_name(op, what, sizeof what);
                snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
                st = ps_diag_set(d, PS_EINVAL, path,
                                 "%s: stage %d does not replay microbatch %d (its recompute is 0)",
                                 what, dv, (int)op->microbatch);
                break;
            }
            if (op->kind == PS_OP_W && !m->has_w[dv]) {
                op_name(op, what, sizeof what);
                snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
                st = ps_diag_set(d, PS_EINVAL, path, "%s: this schedule has no W ops on stage %d",
                                 what, dv);
                break;
            }
            int64_t t = whole[((size_t)dv * PS_COMPUTE_KINDS + op->kind) * (size_t)mt +
                              (size_t)(mt == 1 ? 0 : op->microbatch)];
            if (V > 1)
                t = ps_split_ns(t, op->chunk, V);
            op->dur_ns = op->parts > 1 ? ps_split_ns(t, op->part, op->parts) : t;
            size_t k = key3(m, op->kind, m->vtab[dv * V + op->chunk], op->microbatch);
            if (op->part > 0) {
                if (m->pos[k] < 0 || seen[k] != op->part || ops[m->pos[k]].parts != op->parts) {
                    op_name(op, what, sizeof what);
                    snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
                    st = ps_diag_set(d, PS_EINVAL, path,
                                     "%s does not follow its earlier parts in order", what);
                    break;
                }
                seen[k]++;
                continue;
            }
            int *c = &cnt[((size_t)dv * PS_COMPUTE_KINDS + op->kind) * (size_t)V + op->chunk];
            int at = order_pos(m, op->kind, op->microbatch);
            /* R exists for some microbatches only: increasing backward rank, gaps allowed */
            if (op->kind == PS_OP_R && at > *c)
                *c = at;
            if (at != *c) {
                op_name(op, what, sizeof what);
                snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
                if (at < *c)
                    st = ps_diag_set(d, PS_EINVAL, path, "%s appears twice or out of order", what);
                else if (op->kind != PS_OP_F && m->rank != NULL)
                    st = ps_diag_set(d, PS_EINVAL, path,
                                     "%s comes before microbatch %d: backward ops of one kind "
                                     "and chunk run in increasing backward rank (the slices of a "
                                     "sequence last to first)",
                                     what, order_mb(m, op->kind, *c));
                else
                    st = ps_diag_set(d, PS_EINVAL, path,
                                     "%s comes before microbatch %d: ops of one kind and chunk "
                                     "must run in increasing microbatch order",
                                     what, *c);
                break;
            }
            (*c)++;
            m->pos[k] = (int32_t)i;
            seen[k] = 1;
        }
        for (size_t i = 0; i < n && st == PS_OK; i++) {
            const struct ps_op *op = &ops[i];
            if (op->part != 0)
                continue;
            size_t k = key3(m, op->kind, m->vtab[dv * V + op->chunk], op->microbatch);
            if (seen[k] != op->parts) {
                op_name(op, what, sizeof what);
                snprintf(path, sizeof path, "stage %d, op %zu", dv, i);
                st = ps_diag_set(d, PS_EINVAL, path, "%s has %d of its %d parts", what, seen[k],
                                 op->parts);
            }
        }
        for (int kk = 0; kk < 3 && st == PS_OK; kk++) {
            if (kk == PS_OP_W && !m->has_w[dv])
                continue;
            for (int c = 0; c < V && st == PS_OK; c++) {
                int have = cnt[((size_t)dv * PS_COMPUTE_KINDS + kk) * (size_t)V + c];
                if (have < m->M) {
                    snprintf(path, sizeof path, "stage %d", dv);
                    st =
                        ps_diag_set(d, PS_EINVAL, path, "%s of microbatch %d (chunk %d) is missing",
                                    ps_op_kind_str((enum ps_op_kind)kk), order_mb(m, kk, have), c);
                }
            }
        }
    }
    for (int dv = 0; dv < m->S && st == PS_OK && m->has_r != NULL; dv++) {
        for (int c = 0; c < V && st == PS_OK; c++) {
            int v = m->vtab[dv * V + c];
            for (int mb = 0; mb < m->M && st == PS_OK; mb++) {
                if (!m->has_r[(size_t)dv * (size_t)m->M + (size_t)mb] ||
                    m->pos[key3(m, PS_OP_R, v, mb)] >= 0)
                    continue;
                snprintf(path, sizeof path, "stage %d", dv);
                st = ps_diag_set(d, PS_EINVAL, path,
                                 "R of microbatch %d (chunk %d) is missing (the stage replays "
                                 "part of its forward before the backward)",
                                 mb, c);
            }
        }
    }
    free(cnt);
    free(seen);
    free(whole);
    return st;
}

/* ---- metrics ---------------------------------------------------------------------------- */

/* a + b, saturating: times read from files are bounded (|t| <= 1e12 ms) but a file may
 * hold many long ops, and their sum must not overflow. */
static int64_t add_sat(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

static void compute_metrics(struct ps_schedule *s)
{
    const struct ps_scenario *sc = s->sc;
    int64_t makespan = 0, busy_total = 0;
    double w = sc->weight_share;
    bool ok = true;
    for (int d = 0; d < s->n_stages; d++) {
        int64_t busy = 0;
        double cur = 0, peak = 0;
        bool has_w = ps_schedule_has_w(s, d);
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            busy = add_sat(busy, op->end_ns - op->start_ns);
            if (op->end_ns > makespan)
                makespan = op->end_ns;
            if (op->microbatch < 0 || op->microbatch >= s->n_microbatches)
                continue; /* a malformed op read from a file: validate reports it */
            double a = ps_scenario_stage_memory(sc, d, op->microbatch) / s->chunks;
            double r = ps_scenario_recompute_memory(sc, d, op->microbatch) / s->chunks;
            /* F keeps what is not replayed; R allocates the rest again (docs/model.md) */
            if ((op->kind == PS_OP_F || op->kind == PS_OP_R) && op->part == 0) {
                cur += op->kind == PS_OP_F ? a - r : r;
                if (cur > peak)
                    peak = cur;
            }
            if (op->part == op->parts - 1) {
                if (op->kind == PS_OP_B)
                    cur -= has_w ? (1 - w) * a : a;
                else if (op->kind == PS_OP_W)
                    cur -= w * a;
            }
        }
        for (size_t i = 0; i < s->dp_n[d]; i++)
            if (s->dp_ops[d][i].end_ns > makespan)
                makespan = s->dp_ops[d][i].end_ns;
        s->busy_ns[d] = busy;
        busy_total = add_sat(busy_total, busy);
        s->peak_memory[d] = peak;
        if (sc->has_memory_limit && peak > sc->memory_limit + 1e-9)
            ok = false;
    }
    s->makespan_ns = makespan;
    s->bubble_ratio =
        makespan > 0 ? 1.0 - (double)busy_total / ((double)s->n_stages * (double)makespan) : 0.0;
    s->memory_ok = ok;
    for (int c = 0; c < s->n_channels; c++) {
        s->channels[c].busy_ns = 0;
        s->channels[c].n_transfers = 0;
    }
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        if (x->channel >= 0 && x->channel < s->n_channels) {
            s->channels[x->channel].busy_ns =
                add_sat(s->channels[x->channel].busy_ns, x->end_ns - x->start_ns);
            s->channels[x->channel].n_transfers++;
        }
    }
    s->lower_bound_ns = ps_lower_bound_ns(sc);
    if (ps_bubble_compute(s, s->bubble_ns) != PS_OK) /* out of memory: no breakdown */
        memset(s->bubble_ns, 0, (size_t)s->n_stages * PS_BUBBLE_COUNT * sizeof *s->bubble_ns);
}

enum ps_status ps_sim_metrics(struct ps_schedule *s)
{
    assert(s != NULL);
    compute_metrics(s);
    return PS_OK;
}

/* ---- data-parallel lane ----------------------------------------------------------------- */

/* AG ops run serially from 0 in the order of the chunks' first F. */
static void plan_allgathers(struct sim *m)
{
    struct ps_schedule *s = m->s;
    for (int d = 0; d < m->S; d++) {
        s->dp_n[d] = 0;
        if (!m->sc->has_data_parallel)
            continue;
        int64_t lane = 0;
        uint32_t seen = 0;
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            if (op->kind != PS_OP_F || (seen >> op->chunk & 1u))
                continue;
            seen |= 1u << op->chunk;
            struct ps_op *ag = &s->dp_ops[d][s->dp_n[d]++];
            memset(ag, 0, sizeof *ag);
            ag->kind = PS_OP_AG;
            ag->stage = (int16_t)d;
            ag->chunk = op->chunk;
            ag->microbatch = -1;
            ag->parts = 1;
            ag->dur_ns = ps_scenario_dp_ns(m->sc, d, true, op->chunk, m->V);
            ag->start_ns = lane;
            ag->end_ns = lane + ag->dur_ns;
            lane = ag->end_ns;
            m->pend[key3(m, PS_OP_F, m->vtab[d * m->V + op->chunk], 0)]++;
            heap_push(m, ag->end_ns, (uint32_t)(d * m->V + op->chunk), EV_AG_END);
        }
    }
}

/* RS(s,c) after the last W (or B without W) of chunk c, in the order of those ops. */
static void plan_reduce_scatters(struct sim *m)
{
    struct ps_schedule *s = m->s;
    if (!m->sc->has_data_parallel)
        return;
    for (int d = 0; d < m->S; d++) {
        int last_kind = m->has_w[d] ? PS_OP_W : PS_OP_B;
        int64_t lane = s->dp_n[d] > 0 ? s->dp_ops[d][s->dp_n[d] - 1].end_ns : 0;
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            if (op->kind != last_kind || op->microbatch != order_mb(m, last_kind, m->M - 1) ||
                op->part != op->parts - 1)
                continue;
            struct ps_op *rs = &s->dp_ops[d][s->dp_n[d]++];
            memset(rs, 0, sizeof *rs);
            rs->kind = PS_OP_RS;
            rs->stage = (int16_t)d;
            rs->chunk = op->chunk;
            rs->microbatch = -1;
            rs->parts = 1;
            rs->dur_ns = ps_scenario_dp_ns(m->sc, d, false, op->chunk, m->V);
            rs->start_ns = op->end_ns > lane ? op->end_ns : lane;
            rs->end_ns = rs->start_ns + rs->dur_ns;
            lane = rs->end_ns;
        }
    }
}

/* ---- setup and run ---------------------------------------------------------------------- */

static void sim_free(struct sim *m)
{
    free(m->dev_of_v);
    free(m->vtab);
    free(m->has_w);
    free(m->pos);
    free(m->pend);
    free(m->next);
    free(m->busy);
    free(m->bch);
    free(m->bslot);
    free(m->blink);
    free(m->blat);
    free(m->btx);
    free(m->msg_mb);
    free(m->heap);
    free(m->cq);
    free(m->cq_off);
    free(m->cq_n);
    free(m->cq_head);
    free(m->ch_busy);
    free(m->ch_dirty);
    free(m->dirty);
    free(m->ch_ranks);
    free(m->ch_sent);
    free(m->ch_cur);
    free(m->rank);
    free(m->by_rank);
    free(m->has_r);
    free(m->rel);
    free(m->parked);
    free(m->ch_x);
    free(m->hold);
    free(m->held_by);
}

static enum ps_status sim_setup(struct sim *m, struct ps_schedule *s)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    m->sc = s->sc;
    m->S = s->n_stages;
    m->V = s->chunks;
    m->SV = m->S * m->V;
    m->M = s->n_microbatches;
    size_t S = (size_t)m->S, SV = (size_t)m->SV, M = (size_t)m->M;
    size_t nkeys = PS_COMPUTE_KINDS * SV * M;
    m->dev_of_v = malloc(SV * sizeof *m->dev_of_v);
    m->vtab = malloc(SV * sizeof *m->vtab);
    m->has_w = malloc(S * sizeof *m->has_w);
    m->pos = malloc(nkeys * sizeof *m->pos);
    m->pend = malloc(nkeys * sizeof *m->pend);
    m->next = calloc(S, sizeof *m->next);
    m->busy = calloc(S, sizeof *m->busy);
    m->bch = malloc(2 * SV * sizeof *m->bch);
    m->bslot = malloc(2 * SV * sizeof *m->bslot);
    m->blink = calloc(2 * SV, sizeof *m->blink);
    m->blat = calloc(2 * SV, sizeof *m->blat);
    m->btx = calloc(2 * SV, sizeof *m->btx);
    m->msg_mb = malloc(M * sizeof *m->msg_mb);
    if (m->dev_of_v == NULL || m->vtab == NULL || m->has_w == NULL || m->pos == NULL ||
        m->pend == NULL || m->next == NULL || m->busy == NULL || m->bch == NULL ||
        m->bslot == NULL || m->blink == NULL || m->blat == NULL || m->btx == NULL ||
        m->msg_mb == NULL)
        return PS_ENOMEM;
    for (int v = 0; v < m->SV; v++) {
        int d = ps_vstage_device(v, m->S, m->V, s->traversal);
        m->dev_of_v[v] = d;
        m->vtab[d * m->V + ps_vstage_chunk(v, m->S, m->V, s->traversal)] = v;
    }
    for (int d = 0; d < m->S; d++)
        m->has_w[d] = ps_schedule_has_w(s, d);
    for (int i = 0; i < m->M; i++)
        m->msg_mb[i] = ps_scenario_message_mb(m->sc, i);
    if (ps_scenario_has_slices(m->sc)) {
        m->rank = malloc(M * sizeof *m->rank);
        m->by_rank = malloc(M * sizeof *m->by_rank);
        if (m->rank == NULL || m->by_rank == NULL)
            return PS_ENOMEM;
        ps_scenario_bwd_ranks(m->sc, m->rank, m->by_rank);
    }
    memset(m->pos, 0xff, nkeys * sizeof *m->pos);
    /* pending inputs: F needs F(v-1); B needs B(v+1) or, last, F(v); W needs B */
    for (int v = 0; v < m->SV; v++) {
        memset(m->pend + key3(m, PS_OP_F, v, 0), v > 0 ? 1 : 0, M);
        memset(m->pend + key3(m, PS_OP_B, v, 0), 1, M);
        memset(m->pend + key3(m, PS_OP_W, v, 0), 1, M);
        /* R waits for its forward and for the backward's input (on the last vstage that
         * is the same forward) */
        memset(m->pend + key3(m, PS_OP_R, v, 0), v < m->SV - 1 ? 2 : 1, M);
    }
    if (ps_scenario_has_recompute(m->sc)) {
        m->has_r = malloc(S * M);
        if (m->has_r == NULL)
            return PS_ENOMEM;
        for (int d = 0; d < m->S; d++)
            for (int i = 0; i < m->M; i++)
                m->has_r[(size_t)d * M + (size_t)i] = ps_scenario_recompute(m->sc, d, i) > 0;
    }
    enum ps_status st = ps_build_channels(s, m->bch);
    if (st != PS_OK)
        return st;
    int n_cross = 0;
    for (int kind = 0; kind < 2; kind++) {
        for (int v = 0; v < m->SV; v++) {
            int b = kind * m->SV + v, to = ps_boundary_to(s, kind, v);
            m->bslot[b] = -1;
            if (to < 0 || m->dev_of_v[to] == m->dev_of_v[v])
                continue;
            m->bslot[b] = n_cross++;
            m->blink[b] = ps_scenario_link(m->sc, m->dev_of_v[v], m->dev_of_v[to]);
            m->blat[b] = ps_ms_to_ns(m->blink[b].latency_ms);
            /* without per-microbatch scales every message has the same size */
            m->btx[b] = m->sc->per_microbatch != NULL
                            ? -1
                            : ps_tx_ns(m->sc->activation_mb, m->blink[b].bandwidth_gbps);
        }
    }
    size_t nx = (size_t)n_cross * M;
    /* event ids keep 2 bits for the type */
    if (nx >= (size_t)1 << 30 || ps_schedule_n_ops(s) > INT32_MAX)
        return PS_EUNSUPPORTED;
    if (nx != s->n_transfers || s->transfers == NULL) {
        free(s->transfers);
        s->transfers = NULL;
        s->n_transfers = 0;
        if (nx > 0) {
            s->transfers = calloc(nx, sizeof *s->transfers);
            if (s->transfers == NULL)
                return PS_ENOMEM;
        }
        s->n_transfers = nx;
    }
    /* channel queues: each channel holds at most its boundaries' transfers */
    size_t nc = (size_t)s->n_channels;
    m->cq_off = calloc(nc + 1, sizeof *m->cq_off);
    m->cq_n = calloc(nc + 1, sizeof *m->cq_n);
    m->cq_head = calloc(nc + 1, sizeof *m->cq_head);
    m->ch_busy = calloc(nc + 1, 1);
    m->ch_dirty = calloc(nc + 1, 1);
    m->dirty = malloc((nc + 1) * sizeof *m->dirty);
    m->ch_sent = calloc(nc + 1, sizeof *m->ch_sent);
    m->ch_cur = malloc((nc + 1) * sizeof *m->ch_cur);
    if (m->cq_off == NULL || m->cq_n == NULL || m->cq_head == NULL || m->ch_busy == NULL ||
        m->ch_dirty == NULL || m->dirty == NULL || m->ch_sent == NULL || m->ch_cur == NULL)
        return PS_ENOMEM;
    for (size_t c = 0; c < nc; c++)
        m->ch_cur[c] = -1;
    for (int b = 0; b < 2 * m->SV; b++)
        if (m->bch[b] >= 0)
            m->cq_off[m->bch[b] + 1] += M;
    for (size_t c = 0; c < nc; c++)
        m->cq_off[c + 1] += m->cq_off[c];
    m->cq = malloc((m->cq_off[nc] + 1) * sizeof *m->cq);
    if (m->cq == NULL)
        return PS_ENOMEM;
    m->rendezvous = m->sc->arrangement != PS_ARRANGE_DECOUPLED;
    m->blocking = m->sc->arrangement == PS_ARRANGE_BLOCKING;
    if (m->rendezvous) {
        m->rel = malloc((nx + 1) * sizeof *m->rel);
        m->parked = malloc(nkeys * sizeof *m->parked);
        m->ch_x = malloc((nc + 1) * sizeof *m->ch_x);
        m->hold = calloc(S, sizeof *m->hold);
        m->held_by = malloc(S * sizeof *m->held_by);
        if (m->rel == NULL || m->parked == NULL || m->ch_x == NULL || m->hold == NULL ||
            m->held_by == NULL)
            return PS_ENOMEM;
        memset(m->parked, 0xff, nkeys * sizeof *m->parked);
        for (int d = 0; d < m->S; d++)
            m->held_by[d] = -1;
    }
    /* Explicit channel orders are plans for pre-posted receives: with a rendezvous the
     * channels serve transfers in the order they are released (docs/model.md). */
    if (s->xfer_rank != NULL && nc > 0 && !m->rendezvous) {
        /* ranked mode: every channel's ranks, sorted, tell which transfer may go next */
        m->ch_ranks = malloc((m->cq_off[nc] + 1) * sizeof *m->ch_ranks);
        if (m->ch_ranks == NULL)
            return PS_ENOMEM;
        for (int kind = 0; kind < 2; kind++) {
            for (int v = 0; v < m->SV; v++) {
                int b = kind * m->SV + v, c = m->bch[b];
                if (c < 0)
                    continue;
                for (int i = 0; i < m->M; i++) {
                    if (ps_tx_ns(m->msg_mb[i], m->blink[b].bandwidth_gbps) == 0)
                        continue;
                    m->ch_ranks[m->cq_off[c] + m->cq_n[c]++] =
                        s->xfer_rank[ps_xfer_key(s, kind, v, i)];
                }
            }
        }
        for (size_t c = 0; c < nc; c++) {
            qsort(m->ch_ranks + m->cq_off[c], m->cq_n[c], sizeof *m->ch_ranks, cmp_i64);
            m->cq_n[c] = 0;
        }
    }
    /* events in flight: one op end per device, one all-gather per chunk, one free per
     * channel, and the arrivals of transfers already sent */
    m->hcap = S + S * (size_t)m->V + nc + nx + 1;
    m->heap = malloc(m->hcap * sizeof *m->heap);
    if (m->heap == NULL)
        return PS_ENOMEM;
    return PS_OK;
}

/* Index of the last part of the op whose part 0 is at `first` on device d. */
static size_t last_part(const struct ps_schedule *s, int d, size_t first)
{
    const struct ps_op *p = &s->dev_ops[d][first];
    size_t i = first;
    while (i < s->dev_n[d] &&
           !(s->dev_ops[d][i].kind == p->kind && s->dev_ops[d][i].chunk == p->chunk &&
             s->dev_ops[d][i].microbatch == p->microbatch && s->dev_ops[d][i].part == p->parts - 1))
        i++;
    return i;
}

/* Blocking: a device held by a send whose receiver never posts (docs/model.md). */
static bool report_held(const struct sim *m, struct ps_diag *d)
{
    for (int dv = 0; dv < m->S; dv++) {
        int32_t id = m->held_by[dv];
        if (m->hold[dv] == 0 || id < 0)
            continue;
        const struct ps_transfer *x = &m->s->transfers[id];
        int to = ps_boundary_to(m->s, x->kind, x->from_vstage), rd = m->dev_of_v[to];
        size_t k = key3(m, x->kind == PS_XFER_ACTIVATION ? PS_OP_F : PS_OP_B, to, x->microbatch);
        if (m->parked[k] != id)
            continue;
        char path[32], pred[96], stuck[96] = "the end of its order";
        op_name(&m->s->dev_ops[rd][m->pos[k] - 1], pred, sizeof pred);
        if (m->next[rd] < m->s->dev_n[rd])
            op_name(&m->s->dev_ops[rd][m->next[rd]], stuck, sizeof stuck);
        snprintf(path, sizeof path, "stage %d", dv);
        ps_diag_set(d, PS_EDEADLOCK, path,
                    "held by its blocking send of the %s of microbatch %d to stage %d, which "
                    "posts that receive only after %s, but stage %d is stuck at %s "
                    "(network.arrangement=blocking)",
                    ps_xfer_kind_str(x->kind), (int)x->microbatch, rd, pred, rd, stuck);
        return true;
    }
    return false;
}

/* Names one stuck op and what it waits for. Follows the waits from device to device
 * until one repeats, so the op reported is on the cycle that blocks the orders. */
static enum ps_status report_deadlock(const struct sim *m, struct ps_diag *d)
{
    if (m->blocking && report_held(m, d))
        return PS_EDEADLOCK;
    const struct ps_schedule *s = m->s;
    int dv = 0;
    while (dv < m->S && m->next[dv] >= s->dev_n[dv])
        dv++;
    if (dv == m->S)
        return ps_diag_set(d, PS_EDEADLOCK, "", "the orders can never complete");
    uint64_t seen[PS_MAX_STAGES / 64] = {0};
    char what[96], path[32], why[280] = "an input that never arrives", pname[96], sname[96];
    for (;;) {
        seen[dv / 64] |= UINT64_C(1) << (dv % 64);
        const struct ps_op *op = &s->dev_ops[dv][m->next[dv]];
        op_name(op, what, sizeof what);
        snprintf(path, sizeof path, "stage %d", dv);
        int v = m->vtab[dv * m->V + op->chunk], mb = op->microbatch;
        int pk = -1, pv = -1;
        if (op->kind == PS_OP_F && v > 0) {
            pk = PS_OP_F;
            pv = v - 1;
        } else if (op->kind == PS_OP_B && bwd_entry(m, v, mb) == PS_OP_R) {
            pk = PS_OP_R;
            pv = v;
        } else if (op->kind == PS_OP_B || op->kind == PS_OP_R) {
            pk = v < m->SV - 1 ? PS_OP_B : PS_OP_F;
            pv = v < m->SV - 1 ? v + 1 : v;
            /* an R also waits for its own forward, earlier in the same order */
            if (op->kind == PS_OP_R && m->pos[key3(m, PS_OP_F, v, mb)] > (int32_t)m->next[dv]) {
                pk = PS_OP_F;
                pv = v;
            }
        } else if (op->kind == PS_OP_W) {
            pk = PS_OP_B;
            pv = v;
        }
        if (op->part > 0 || pk < 0)
            break;
        int pd = m->dev_of_v[pv];
        size_t pi = (size_t)m->pos[key3(m, pk, pv, mb)];
        op_name(&s->dev_ops[pd][pi], pname, sizeof pname);
        if (last_part(s, pd, pi) < m->next[pd]) {
            snprintf(why, sizeof why,
                     "the %s of microbatch %d from stage %d, held back by its channel's explicit "
                     "order",
                     pk == PS_OP_F ? "activation" : "gradient", mb, pd);
            break;
        }
        if (pd == dv) {
            snprintf(why, sizeof why, "%s, which comes later in the same order", pname);
            break;
        }
        const struct ps_op *stuck = &s->dev_ops[pd][m->next[pd]];
        if (m->next[pd] != pi) {
            op_name(stuck, sname, sizeof sname);
            snprintf(why, sizeof why, "%s on stage %d, but stage %d is stuck earlier at %s", pname,
                     pd, pd, sname);
        } else {
            snprintf(why, sizeof why, "%s on stage %d", pname, pd);
        }
        if (seen[pd / 64] >> (pd % 64) & 1)
            break; /* a cycle: this op is on it */
        dv = pd;
    }
    return ps_diag_set(d, PS_EDEADLOCK, path, "%s waits for %s", what, why);
}

enum ps_status ps_sim_run(struct ps_schedule *s, struct ps_diag *d)
{
    assert(s != NULL && s->sc != NULL);
    ps_diag_clear(d);
    struct sim m;
    s->timed = false;
    struct ps_diag sd;
    if (ps_scenario_validate(s->sc, &sd) != PS_OK) {
        char p[200];
        snprintf(p, sizeof p, "scenario.%s", sd.path);
        return ps_diag_set(d, PS_EINVAL, p, "%s", sd.msg);
    }
    if (s->n_stages != s->sc->n_stages || s->n_microbatches != s->sc->n_microbatches)
        return ps_diag_set(d, PS_EINVAL, "",
                           "the schedule has %d stages and %d microbatches, "
                           "its scenario %d and %d",
                           s->n_stages, s->n_microbatches, s->sc->n_stages, s->sc->n_microbatches);
    enum ps_status st = ps_schedule_precheck(s, d, NULL);
    if (st != PS_OK)
        return st;
    st = sim_setup(&m, s);
    if (st == PS_ENOMEM)
        ps_diag_set(d, st, "", "out of memory for %zu ops", ps_schedule_n_ops(s));
    else if (st != PS_OK)
        ps_diag_set(d, st, "", "the schedule is too large to simulate");
    if (st == PS_OK)
        st = check_orders(&m, d);
    if (st != PS_OK) {
        sim_free(&m);
        return st;
    }
    m.remaining = ps_schedule_n_ops(s);
    plan_allgathers(&m);
    for (int dv = 0; dv < m.S; dv++)
        try_start(&m, dv, 0);
    /* One instant at a time: every event at t (op ends, arrivals, frees) first, then the
     * channels choose among everything that became ready at or before t. */
    while (m.hn > 0) {
        int64_t t = m.heap[0].t;
        while (m.hn > 0 && m.heap[0].t == t) {
            struct event e = heap_pop(&m);
            uint32_t id = e.x >> 2;
            switch ((enum ev_type)(e.x & 3u)) {
            case EV_OP_END:
                op_end(&m, (int)id, e.t);
                break;
            case EV_ARRIVE:
                deliver(&m, &s->transfers[id]);
                break;
            case EV_CHAN_FREE:
                m.ch_busy[id] = 0;
                mark_dirty(&m, (int)id);
                if (m.ch_x != NULL)
                    sent(&m, &s->transfers[m.ch_x[id]], e.t);
                if (m.ch_cur[id] >= 0) {
                    deliver(&m, &s->transfers[m.ch_cur[id]]);
                    m.ch_cur[id] = -1;
                }
                break;
            case EV_AG_END: {
                int dv = (int)id / m.V, c = (int)id % m.V;
                satisfy(&m, PS_OP_F, m.vtab[dv * m.V + c], 0, e.t);
                break;
            }
            }
        }
        for (int i = 0; i < m.n_dirty; i++) {
            m.ch_dirty[m.dirty[i]] = 0;
            dispatch(&m, m.dirty[i], t);
        }
        m.n_dirty = 0;
    }
    if (m.remaining > 0) {
        st = report_deadlock(&m, d);
        sim_free(&m);
        return st;
    }
    plan_reduce_scatters(&m);
    sim_free(&m);
    compute_metrics(s);
    s->timed = true;
    return PS_OK;
}
