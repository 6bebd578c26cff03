/* The simulator's general channels (docs/model.md, "The simulator"): a first-come-first-
 * served channel with several senders, or with ties, must see every transfer ready at an
 * instant before it chooses. Their ready and free events go through one binary heap, an
 * instant at a time: every event at t first, then each free channel picks among what is
 * ready at or before t (explicit rank first, then ready time, lower sending device,
 * activation before gradient, lower microbatch; with a rendezvous, first come is first
 * released). The engine has timed every op that could end by then, since a transmission
 * takes time. */
#include "core/sim_internal.h"

#include <assert.h>

enum { EV_READY = 0, EV_FREE = 1 };

void sim_event_push(struct sim *m, int64_t t, uint32_t id, unsigned type)
{
    assert(m->hn < m->hcap);
    struct sim_event e = {t, id << 1 | type};
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

struct sim_event sim_event_pop(struct sim *m)
{
    struct sim_event top = m->heap[0];
    struct sim_event last = m->heap[--m->hn];
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

static int64_t rank_of(const struct sim *m, const struct ps_transfer *x)
{
    return m->s->xfer_rank[ps_xfer_key(m->s, x->kind, x->from_vstage, x->microbatch)];
}

/* FCFS order (SPEC 6): explicit rank first when ranked, then ready time, lower sending
 * device, activation before gradient, lower microbatch; the slot breaks what is left. */
static bool xfer_before(const struct sim *m, int32_t a, int32_t b)
{
    const struct ps_transfer *x = &m->s->transfers[a], *y = &m->s->transfers[b];
    if (m->ranked) {
        int64_t ra = rank_of(m, x), rb = rank_of(m, y);
        if (ra != rb)
            return ra < rb;
    }
    /* first come: ready, or released to the channel with a rendezvous */
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
    int32_t *q = m->cq + m->ch_off[c];
    size_t i = m->cq_n[c]++;
    if (!m->ranked) {
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

static int32_t cq_pop(struct sim *m, int c)
{
    int32_t *q = m->cq + m->ch_off[c];
    if (!m->ranked)
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

void sim_general_ready(struct sim *m, int c, int32_t id)
{
    cq_push(m, c, id);
    if (!m->ch_busy[c])
        mark_dirty(m, c);
}

/* A free channel sends the first transfer of its queue at t (ranked: only when it holds
 * the lowest rank not sent yet); the consumer learns the arrival at once. */
static void dispatch(struct sim *m, int c, int64_t t)
{
    if (m->ch_busy[c] || m->cq_n[c] == m->cq_head[c])
        return;
    int32_t id = m->cq[m->ch_off[c] + m->cq_head[c]];
    struct ps_transfer *x = &m->s->transfers[id];
    if (m->ranked && rank_of(m, x) != m->ch_ranks[m->ch_off[c] + m->ch_pos[c]])
        return;
    cq_pop(m, c);
    m->ch_pos[c]++;
    int64_t tx = x->end_ns;
    x->start_ns = t;
    x->end_ns = t + tx;
    x->arrive_ns = x->end_ns + m->blat[ps_boundary(m->s, x->kind, x->from_vstage)];
    m->ch_busy_ns[c] += tx;
    m->ch_busy[c] = 1;
    sim_event_push(m, x->end_ns, (uint32_t)c, EV_FREE);
    sim_deliver(m, id);
    if (m->blocking)
        sim_sent(m, x->from_stage, x->end_ns);
}

bool sim_general_step(struct sim *m)
{
    if (m->hn == 0)
        return false;
    int64_t t = m->heap[0].t;
    while (m->hn > 0 && m->heap[0].t == t) {
        struct sim_event e = sim_event_pop(m);
        uint32_t id = e.x >> 1;
        if ((e.x & 1u) == EV_READY) {
            sim_general_ready(m, m->s->transfers[id].channel, (int32_t)id);
        } else {
            m->ch_busy[id] = 0;
            mark_dirty(m, (int)id);
        }
    }
    for (int i = 0; i < m->n_dirty; i++) {
        m->ch_dirty[m->dirty[i]] = 0;
        dispatch(m, m->dirty[i], t);
    }
    m->n_dirty = 0;
    return true;
}
