/* The previous event-driven simulator (communication arrangements, recomputation, token
 * slices), kept for the tests as an independent oracle: one binary heap of every event (op
 * ends, arrivals, channel frees, all-gather ends), processed an instant at a time.
 * tests/unit/core_sim_random.c times random orders with it and with ps_sim_run and
 * compares every op and transfer. It assumes valid orders (ops pushed with their model
 * durations; no checks) and fills no metrics (ps_sim_metrics does). */
#ifndef PS_TESTS_CORE_SIM_REFERENCE_H
#define PS_TESTS_CORE_SIM_REFERENCE_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched_internal.h"
#include "core/sim.h"
#include "core/units.h"

enum ref_ev_type { REF_EV_OP_END = 0, REF_EV_ARRIVE, REF_EV_CHAN_FREE, REF_EV_AG_END };

struct ref_event {
    int64_t t;
    uint32_t x; /* id << 2 | type */
};

struct ref_sim {
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

    struct ref_event *heap;
    size_t hn, hcap;

    /* per channel: the ready transfers waiting for it (one flat block, cq_off) */
    int32_t *cq;
    size_t *cq_off, *cq_n, *cq_head; /* FCFS: a FIFO q[head..n); ranked: a heap q[0..n) */
    uint8_t *ch_busy, *ch_dirty;
    int *dirty;
    int n_dirty;
    int64_t *ch_ranks; /* ranked mode: each channel's ranks sorted (flat, cq_off) */
    size_t *ch_sent;
    int32_t *ch_cur; /* the transfer on the channel when its arrival rides on the free ref_event */
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
static inline int ref_order_pos(const struct ref_sim *m, int kind, int mb)
{
    return kind == PS_OP_F || m->rank == NULL ? mb : m->rank[mb];
}

/* The microbatch at position pos of a kind's order. */
static inline int ref_order_mb(const struct ref_sim *m, int kind, int pos)
{
    return kind == PS_OP_F || m->by_rank == NULL ? pos : m->by_rank[pos];
}

/* The op that receives the backward's input of (v, mb): its R when the device replays that
 * microbatch, else its B (docs/model.md, recomputation). */
static inline int ref_bwd_entry(const struct ref_sim *m, int v, int mb)
{
    return m->has_r != NULL && m->has_r[(size_t)m->dev_of_v[v] * (size_t)m->M + (size_t)mb]
               ? PS_OP_R
               : PS_OP_B;
}

static inline size_t ref_key3(const struct ref_sim *m, int kind, int v, int mb)
{
    return ((size_t)kind * (size_t)m->SV + (size_t)v) * (size_t)m->M + (size_t)mb;
}

/* ---- ref_event heap ---------------------------------------------------------------------- */

static inline void ref_heap_push(struct ref_sim *m, int64_t t, uint32_t id, enum ref_ev_type type)
{
    assert(m->hn < m->hcap);
    struct ref_event e = {t, id << 2 | (uint32_t)type};
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

static inline struct ref_event ref_heap_pop(struct ref_sim *m)
{
    struct ref_event top = m->heap[0];
    struct ref_event last = m->heap[--m->hn];
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
static inline bool ref_xfer_before(const struct ref_sim *m, int32_t a, int32_t b)
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

static inline void ref_cq_push(struct ref_sim *m, int c, int32_t id)
{
    int32_t *q = m->cq + m->cq_off[c];
    size_t i = m->cq_n[c]++;
    if (m->ch_ranks == NULL) {
        /* FCFS: transfers become ready in time order, so the queue is a FIFO; only ties
         * at one instant need sorting */
        while (i > m->cq_head[c] && ref_xfer_before(m, id, q[i - 1])) {
            q[i] = q[i - 1];
            i--;
        }
        q[i] = id;
        return;
    }
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ref_xfer_before(m, id, q[p]))
            break;
        q[i] = q[p];
        i = p;
    }
    q[i] = id;
}

static inline bool ref_cq_empty(const struct ref_sim *m, int c)
{
    return m->cq_n[c] == m->cq_head[c];
}

static inline int32_t ref_cq_top(const struct ref_sim *m, int c)
{
    return m->cq[m->cq_off[c] + m->cq_head[c]];
}

static inline int32_t ref_cq_pop(struct ref_sim *m, int c)
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
        if (k + 1 < n && ref_xfer_before(m, q[k + 1], q[k]))
            k++;
        if (!ref_xfer_before(m, q[k], last))
            break;
        q[i] = q[k];
        i = k;
    }
    if (n > 0)
        q[i] = last;
    return top;
}

static inline void ref_mark_dirty(struct ref_sim *m, int c)
{
    if (!m->ch_dirty[c]) {
        m->ch_dirty[c] = 1;
        m->dirty[m->n_dirty++] = c;
    }
}

/* ---- the simulation proper ----------------------------------------------------------- */

static inline void ref_try_start(struct ref_sim *m, int d, int64_t t)
{
    if (m->busy[d] || m->next[d] >= m->s->dev_n[d] || (m->hold != NULL && m->hold[d] > 0))
        return;
    struct ps_op *op = &m->s->dev_ops[d][m->next[d]];
    if (op->part == 0 &&
        m->pend[ref_key3(m, op->kind, m->vtab[d * m->V + op->chunk], op->microbatch)])
        return;
    op->start_ns = t;
    m->busy[d] = 1;
    ref_heap_push(m, t + op->dur_ns, (uint32_t)d, REF_EV_OP_END);
#if defined(__GNUC__)
    /* 64 devices walk 64 streams of ops: fetch the next one while this one runs */
    __builtin_prefetch(op + 1, 1);
    __builtin_prefetch((const char *)(op + 2) - 1, 1); /* a 40-byte op may span two lines */
#endif
}

/* One input of op (kind, v, mb) has arrived at t. */
static inline void ref_satisfy(struct ref_sim *m, int kind, int v, int mb, int64_t t)
{
    size_t k = ref_key3(m, kind, v, mb);
    assert(m->pend[k] > 0);
    if (--m->pend[k] == 0) {
        int d = m->dev_of_v[v];
        if (m->next[d] == (size_t)m->pos[k])
            ref_try_start(m, d, t);
    }
}

static inline void ref_deliver(struct ref_sim *m, const struct ps_transfer *x)
{
    int to = ps_boundary_to(m->s, x->kind, x->from_vstage);
    ref_satisfy(m, x->kind == PS_XFER_ACTIVATION ? PS_OP_F : ref_bwd_entry(m, to, x->microbatch),
                to, x->microbatch, x->arrive_ns);
}

/* A blocking sender's transmission of x has ended at t. */
static inline void ref_sent(struct ref_sim *m, const struct ps_transfer *x, int64_t t)
{
    if (m->blocking && --m->hold[x->from_stage] == 0)
        ref_try_start(m, x->from_stage, t);
}

/* Transfer id goes to its channel at t (its producer has ended, and with a rendezvous its
 * receiver has posted). */
static inline void ref_release(struct ref_sim *m, int32_t id, int64_t t)
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
            ref_deliver(m, x);
        else
            ref_heap_push(m, x->arrive_ns, (uint32_t)id, REF_EV_ARRIVE);
        ref_sent(m, x, t);
        return;
    }
    x->channel = c;
    x->end_ns = tx; /* the transmission time, until the channel sends it */
    ref_cq_push(m, c, id);
    if (!m->ch_busy[c])
        ref_mark_dirty(m, c);
}

/* Op (F or B) of vstage v, microbatch mb ended at t: ref_send its output along boundary. */
static inline void ref_send(struct ref_sim *m, int kind, int v, int mb, int chunk, int64_t t)
{
    int b = ps_boundary(m->s, kind, v);
    int to = ps_boundary_to(m->s, kind, v);
    int consumer = kind == PS_XFER_ACTIVATION ? PS_OP_F : ref_bwd_entry(m, to, mb);
    if (m->bslot[b] < 0) {
        ref_satisfy(m, consumer, to, mb, t);
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
        size_t k = ref_key3(m, consumer, to, mb);
        int rd = m->dev_of_v[to];
        if (m->pos[k] > 0 && m->next[rd] < (size_t)m->pos[k]) {
            m->parked[k] = id;
            return;
        }
    }
    ref_release(m, id, t);
}

static inline void ref_op_end(struct ref_sim *m, int d, int64_t t)
{
    struct ps_op *op = &m->s->dev_ops[d][m->next[d]];
    op->end_ns = t;
    m->busy[d] = 0;
    m->next[d]++;
    m->remaining--;
    if (op->part == op->parts - 1) {
        int v = m->vtab[d * m->V + op->chunk], mb = op->microbatch;
        if (op->kind == PS_OP_F) {
            if (v < m->SV - 1)
                ref_send(m, PS_XFER_ACTIVATION, v, mb, op->chunk, t);
            else
                ref_satisfy(m, ref_bwd_entry(m, v, mb), v, mb, t);
            if (v < m->SV - 1 && ref_bwd_entry(m, v, mb) == PS_OP_R)
                ref_satisfy(m, PS_OP_R, v, mb, t); /* R replays this forward */
        } else if (op->kind == PS_OP_R) {
            ref_satisfy(m, PS_OP_B, v, mb, t);
        } else if (op->kind == PS_OP_B) {
            if (v > 0)
                ref_send(m, PS_XFER_GRADIENT, v, mb, op->chunk, t);
            if (m->has_w[d])
                ref_satisfy(m, PS_OP_W, v, mb, t);
        }
    }
    /* Two corrections to the code this oracle was taken from: the post comes after the
     * sends (it may deliver the next op's input at once, and the device must not start
     * that op before its blocking sends let it go), and an R posts its receive too (the
     * gradient feeds it when the stage replays). docs/model.md. */
    if (m->rendezvous && m->next[d] < m->s->dev_n[d]) {
        /* the next op's receive is posted now: a message parked for it may go */
        const struct ps_op *nx = &m->s->dev_ops[d][m->next[d]];
        if (nx->part == 0 && nx->kind != PS_OP_W) {
            size_t k = ref_key3(m, nx->kind, m->vtab[d * m->V + nx->chunk], nx->microbatch);
            int32_t id = m->parked[k];
            if (id >= 0) {
                m->parked[k] = -1;
                ref_release(m, id, t);
            }
        }
    }
    ref_try_start(m, d, t);
}

static inline void ref_dispatch(struct ref_sim *m, int c, int64_t t)
{
    if (m->ch_busy[c] || ref_cq_empty(m, c))
        return;
    int32_t id = ref_cq_top(m, c);
    struct ps_transfer *x = &m->s->transfers[id];
    if (m->ch_ranks != NULL) {
        /* explicit order: only the lowest unsent rank may go */
        int64_t r = m->s->xfer_rank[ps_xfer_key(m->s, x->kind, x->from_vstage, x->microbatch)];
        if (r != m->ch_ranks[m->cq_off[c] + m->ch_sent[c]])
            return;
    }
    ref_cq_pop(m, c);
    m->ch_sent[c]++;
    if (m->ch_x != NULL)
        m->ch_x[c] = id;
    int64_t tx = x->end_ns;
    x->start_ns = t;
    x->end_ns = t + tx;
    x->arrive_ns = x->end_ns + m->blat[ps_boundary(m->s, x->kind, x->from_vstage)];
    m->ch_busy[c] = 1;
    ref_heap_push(m, x->end_ns, (uint32_t)c, REF_EV_CHAN_FREE);
    /* without latency the arrival is the channel's free ref_event itself: one ref_event less */
    if (x->arrive_ns == x->end_ns)
        m->ch_cur[c] = id;
    else
        ref_heap_push(m, x->arrive_ns, (uint32_t)id, REF_EV_ARRIVE);
}

static inline int ref_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* ---- data-parallel lane ----------------------------------------------------------------- */

/* AG ops run serially from 0 in the order of the chunks' first F. */
static inline void ref_plan_allgathers(struct ref_sim *m)
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
            m->pend[ref_key3(m, PS_OP_F, m->vtab[d * m->V + op->chunk], 0)]++;
            ref_heap_push(m, ag->end_ns, (uint32_t)(d * m->V + op->chunk), REF_EV_AG_END);
        }
    }
}

/* RS(s,c) after the last W (or B without W) of chunk c, in the order of those ops. */
static inline void ref_plan_reduce_scatters(struct ref_sim *m)
{
    struct ps_schedule *s = m->s;
    if (!m->sc->has_data_parallel)
        return;
    for (int d = 0; d < m->S; d++) {
        int last_kind = m->has_w[d] ? PS_OP_W : PS_OP_B;
        int64_t lane = s->dp_n[d] > 0 ? s->dp_ops[d][s->dp_n[d] - 1].end_ns : 0;
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            if (op->kind != last_kind || op->microbatch != ref_order_mb(m, last_kind, m->M - 1) ||
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

static inline void ref_sim_free(struct ref_sim *m)
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

static inline enum ps_status ref_sim_setup(struct ref_sim *m, struct ps_schedule *s)
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
        memset(m->pend + ref_key3(m, PS_OP_F, v, 0), v > 0 ? 1 : 0, M);
        memset(m->pend + ref_key3(m, PS_OP_B, v, 0), 1, M);
        memset(m->pend + ref_key3(m, PS_OP_W, v, 0), 1, M);
        /* R waits for its forward and for the backward's input (on the last vstage that
         * is the same forward) */
        memset(m->pend + ref_key3(m, PS_OP_R, v, 0), v < m->SV - 1 ? 2 : 1, M);
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
    /* ref_event ids keep 2 bits for the type */
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
            qsort(m->ch_ranks + m->cq_off[c], m->cq_n[c], sizeof *m->ch_ranks, ref_cmp_i64);
            m->cq_n[c] = 0;
        }
    }
    /* events in flight: one op end per device, one all-gather per chunk, one free per
     * channel, and the arrivals of transfers already ref_sent */
    m->hcap = S + S * (size_t)m->V + nc + nx + 1;
    m->heap = malloc(m->hcap * sizeof *m->heap);
    if (m->heap == NULL)
        return PS_ENOMEM;
    return PS_OK;
}

/* Index of the last part of the op whose part 0 is at `first` on device d. */
/* Times s like ps_sim_run (same transfers, channels, lanes), then ps_sim_metrics. Returns
 * PS_OK, PS_EDEADLOCK or PS_ENOMEM. */
static inline enum ps_status ref_sim_run(struct ps_schedule *s)
{
    struct ref_sim m;
    s->timed = false;
    enum ps_status st = ref_sim_setup(&m, s);
    if (st != PS_OK) {
        ref_sim_free(&m);
        return st;
    }
    /* part 0 positions */
    for (int d = 0; d < m.S; d++)
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            if (op->part == 0)
                m.pos[ref_key3(&m, op->kind, m.vtab[d * m.V + op->chunk], op->microbatch)] =
                    (int32_t)i;
        }
    m.remaining = ps_schedule_n_ops(s);
    ref_plan_allgathers(&m);
    for (int dv = 0; dv < m.S; dv++)
        ref_try_start(&m, dv, 0);
    while (m.hn > 0) {
        int64_t t = m.heap[0].t;
        while (m.hn > 0 && m.heap[0].t == t) {
            struct ref_event e = ref_heap_pop(&m);
            uint32_t id = e.x >> 2;
            switch ((enum ref_ev_type)(e.x & 3u)) {
            case REF_EV_OP_END:
                ref_op_end(&m, (int)id, e.t);
                break;
            case REF_EV_ARRIVE:
                ref_deliver(&m, &s->transfers[id]);
                break;
            case REF_EV_CHAN_FREE:
                m.ch_busy[id] = 0;
                ref_mark_dirty(&m, (int)id);
                if (m.ch_x != NULL)
                    ref_sent(&m, &s->transfers[m.ch_x[id]], e.t);
                if (m.ch_cur[id] >= 0) {
                    ref_deliver(&m, &s->transfers[m.ch_cur[id]]);
                    m.ch_cur[id] = -1;
                }
                break;
            case REF_EV_AG_END: {
                int dv = (int)id / m.V, c = (int)id % m.V;
                ref_satisfy(&m, PS_OP_F, m.vtab[dv * m.V + c], 0, e.t);
                break;
            }
            }
        }
        for (int i = 0; i < m.n_dirty; i++) {
            m.ch_dirty[m.dirty[i]] = 0;
            ref_dispatch(&m, m.dirty[i], t);
        }
        m.n_dirty = 0;
    }
    if (m.remaining > 0) {
        ref_sim_free(&m);
        return PS_EDEADLOCK;
    }
    ref_plan_reduce_scatters(&m);
    ref_sim_free(&m);
    ps_sim_metrics(s);
    s->timed = true;
    return PS_OK;
}

#endif
