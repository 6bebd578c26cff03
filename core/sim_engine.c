/* The simulator's engine (docs/model.md, "The simulator"): a dataflow evaluation. Each
 * device times its ops in its order as far as their inputs are known: an op starts when
 * its device is free and its inputs have arrived, and then its outputs are known at once
 * (same device: at its end; across devices: when the transfer arrives). Channels that
 * keep their own order (one sending device, or explicit distinct ranks) place each
 * transmission as soon as it is their turn; only the first-come-first-served channels
 * shared by several senders (or with ties) need global time order, and go through the
 * event queue (sim_events.c). */
#include "core/sim_internal.h"

#include <stddef.h>
#include <string.h>

#include "core/units.h"

/* Every stream the engine walks (a device's ops, the inputs of one (kind, vstage), the
 * transfers of one boundary) is walked in order, one element per visit, and dozens of
 * streams interleave: more than the hardware prefetcher follows once the schedule
 * outgrows the L2 cache. So each visit fetches the stream's next element for the next. */
#if defined(__GNUC__)
#define PREFETCH_W(p) __builtin_prefetch((p), 1)
#else
#define PREFETCH_W(p) ((void)(p))
#endif

/* An input of op key k (on device dev) is known to arrive at t; the device wakes when it
 * waits for this op and this was its last missing input. */
static inline void satisfy(struct sim *m, size_t k, int dev, int64_t t)
{
    if (m->ready[k] < t)
        m->ready[k] = t;
    if (--m->pend[k] == 0 && m->dev[dev].wait_key == (int32_t)k)
        m->work[m->n_work++] = dev;
}

void sim_deliver(struct sim *m, int32_t id)
{
    const struct ps_transfer *x = &m->s->transfers[id];
    int b = ps_boundary(m->s, x->kind, x->from_vstage), to = m->bto_dev[b];
    int32_t base =
        m->brbase[b] >= 0 && sim_replays(m, to, x->microbatch) ? m->brbase[b] : m->bbase[b];
    satisfy(m, (size_t)base + (size_t)x->microbatch, to, x->arrive_ns);
}

/* Transmission of transfer x (its transmission time parked in end_ns) on channel c from
 * `start`, with latency lat. */
static inline void transmit(struct sim *m, int c, struct ps_transfer *x, int64_t start, int64_t lat)
{
    int64_t tx = x->end_ns;
    x->start_ns = start;
    x->end_ns = start + tx;
    x->arrive_ns = x->end_ns + lat;
    m->ch_free[c] = x->end_ns;
    m->ch_busy_ns[c] += tx;
}

/* A ranked channel sends transfer id, then every following one that is already ready. */
static void ranked_send(struct sim *m, int c, int32_t id)
{
    for (;;) {
        struct ps_transfer *x = &m->s->transfers[id];
        int64_t lat = m->blat[ps_boundary(m->s, x->kind, x->from_vstage)];
        transmit(m, c, x, x->ready_ns > m->ch_free[c] ? x->ready_ns : m->ch_free[c], lat);
        sim_deliver(m, id);
        id = m->ch_seq[m->ch_off[c] + ++m->ch_pos[c]];
        if (id < 0 || !m->x_waiting[id])
            return;
        m->x_waiting[id] = 0;
    }
}

/* ---- communication arrangements (docs/model.md) ---------------------------------------- */

void sim_sent(struct sim *m, int d, int64_t t)
{
    if (m->dev[d].free_at < t)
        m->dev[d].free_at = t;
    if (--m->hold[d] == 0 && m->dev[d].wait_key == SIM_HELD)
        m->work[m->n_work++] = d;
}

void sim_release(struct sim *m, int32_t id, int64_t rel)
{
    struct ps_transfer *x = &m->s->transfers[id];
    m->rel[id] = rel;
    if (x->channel < 0) {
        x->start_ns = x->end_ns = rel;
        x->arrive_ns = rel + m->blat[ps_boundary(m->s, x->kind, x->from_vstage)];
        sim_deliver(m, id);
        if (m->blocking)
            sim_sent(m, x->from_stage, rel);
        return;
    }
    sim_event_push(m, rel, (uint32_t)id, 0);
}

/* Rendezvous: transfer id, whose producer on device d ended at t, goes to its channel once
 * its receiver rd has posted the receive of consumer key kc; blocking holds d until then. */
static void rendezvous_send(struct sim *m, int d, int32_t id, size_t kc, int rd, int64_t t)
{
    if (m->blocking) {
        m->hold[d]++;
        m->held_by[d] = id;
    }
    int32_t p = m->pos[kc];
    if (p > 0 && m->dev[rd].next < (size_t)p) {
        m->parked[kc] = id;
        return;
    }
    int64_t post = p > 0 ? m->s->dev_ops[rd][p - 1].end_ns : 0;
    sim_release(m, id, t > post ? t : post);
}

/* Rendezvous: device d's op at index i has ended at t, which posts the receive of the next
 * op's input: a transfer parked for it goes. */
static void rendezvous_post(struct sim *m, int d, size_t i, int64_t t)
{
    if (i + 1 >= m->s->dev_n[d])
        return;
    const struct ps_op *nx = &m->s->dev_ops[d][i + 1];
    /* the kinds that take an input from another device (R: the backward's, when replayed) */
    if (nx->part != 0 || nx->kind == PS_OP_W || nx->kind > PS_OP_R || nx->chunk >= m->V ||
        nx->microbatch < 0 || nx->microbatch >= m->M)
        return;
    size_t k = sim_key(m, nx->kind, m->vtab[d * m->V + nx->chunk], nx->microbatch);
    int32_t id = m->parked[k];
    if (id >= 0) {
        m->parked[k] = -1;
        int64_t ready = m->s->transfers[id].ready_ns;
        sim_release(m, id, ready > t ? ready : t);
    }
}

/* ---- the engine ------------------------------------------------------------------------- */

/* A transfer that does not go in the sender's order: ranked or general channel. */
static void send_other(struct sim *m, int c, int32_t id, int64_t t)
{
    if (m->ch_mode[c] == CH_GENERAL)
        sim_event_push(m, t, (uint32_t)id, 0);
    else if ((size_t)m->x_seq[id] == m->ch_pos[c])
        ranked_send(m, c, id);
    else
        m->x_waiting[id] = 1;
}

/* A finished op's outputs: an input on the same device is ready at once; a transfer is
 * filled in and sent on its channel (or handed to the arrangement, which sends it when the
 * receiver has posted). A consumer whose last input this was goes back on the work list. */
static inline void deliver(struct sim *m, int d, const struct sim_dk *dk, uint32_t mb, unsigned ch,
                           int64_t t)
{
    int64_t *ready = m->ready;
    uint8_t *pend = m->pend;
    struct ps_transfer *xs = m->s->transfers;
    const struct sim_out *o = dk->out;
    for (int j = dk->n_out; j > 0; j--, o++) {
        size_t kc = (size_t)o->base + mb;
        if (o->sel != SEL_FIXED) { /* recomputation: the consumer depends on mb */
            int64_t kr = sim_consumer(m, o, mb);
            if (kr < 0)
                continue;
            kc = (size_t)kr;
        }
        PREFETCH_W(&ready[kc + 16]);
        if (o->slot0 < 0) { /* same device: the device loop will see it */
            if (ready[kc] < t)
                ready[kc] = t;
            pend[kc]--;
            continue;
        }
        int32_t id = o->slot0 + (int32_t)mb;
        struct ps_transfer *x = &xs[id];
        PREFETCH_W(x + 3);
        int64_t tx = o->tx >= 0 ? o->tx : ps_tx_ns(m->msg_mb[mb], o->bw);
        int c = tx > 0 ? o->chan : -1;
        x->ready_ns = t;
        x->microbatch = (int32_t)mb;
        x->channel = c;
        x->from_stage = (int16_t)d;
        x->to_stage = (int16_t)o->to_dev;
        x->from_vstage = o->from_v;
        x->kind = o->xkind;
        x->chunk = (uint8_t)ch;
        if (m->rendezvous) {
            x->end_ns = tx; /* the transmission time, until the channel sends it */
            rendezvous_send(m, d, id, kc, o->to_dev, t);
            continue;
        }
        if (c < 0) {
            x->start_ns = x->end_ns = t;
            x->arrive_ns = t + o->lat;
        } else if (m->ch_mode[c] == CH_INORDER) {
            int64_t start = t > m->ch_free[c] ? t : m->ch_free[c];
            x->start_ns = start;
            x->end_ns = m->ch_free[c] = start + tx;
            x->arrive_ns = x->end_ns + o->lat;
            m->ch_busy_ns[c] += tx;
        } else {
            x->end_ns = tx; /* the transmission time, until the channel sends it */
            send_other(m, c, id, t);
            continue;
        }
        if (ready[kc] < x->arrive_ns)
            ready[kc] = x->arrive_ns;
        if (--pend[kc] == 0 && m->dev[o->to_dev].wait_key == (int32_t)kc)
            m->work[m->n_work++] = o->to_dev;
    }
}

/* Times each device on the work stack in its order while its ops' inputs are known, and
 * passes their outputs on; keeps each device's busy time and memory (SPEC 5: F allocates
 * a/V at the start of part 0, B and W free at their end). A device stopped at an op waits
 * on that op's key alone, and only the input that completes that key wakes it. It checks
 * each op as it goes (fields, microbatch order, parts in order) and stops at the first
 * that is out of place (m->bad). This is the hot loop of every simulation: its state lives
 * in locals, so that no store makes the compiler reload the simulator's fields. */
static void run_work(struct sim *m)
{
    const unsigned V = (unsigned)m->V, M = (unsigned)m->M;
    const bool by_mb = m->mt > 1, rendezvous = m->rendezvous;
    const int *rank = m->rank;
    int64_t *ready = m->ready;
    const uint8_t *pend = m->pend;
    uint8_t *seen = m->seen, *partsof = m->partsof;
    int32_t *first_at = m->L.first, *last_at = m->L.last; /* NULL: not needed */
    const double *amb = m->amb;
    int *work = m->work;
    size_t timed = 0, firsts = 0, lasts = 0;
    while (m->n_work > 0 && !m->bad) {
        int d = work[--m->n_work];
        struct sim_dev *dv = &m->dev[d];
        struct ps_op *ops = dv->ops;
        const size_t n = dv->n, first = dv->next;
        size_t i = first;
        int64_t t = dv->free_at, busy = dv->busy;
        double mem = dv->mem, peak = dv->peak;
        struct sim_dk *dks = m->dks + (size_t)d * PS_COMPUTE_KINDS * V;
        /* memory per microbatch: the same on every stage unless stages differ */
        const double *fa = m->f_alloc != NULL ? m->f_alloc + (size_t)d * M : amb;
        const double *af = m->a_free != NULL ? m->a_free + (size_t)d * M : amb;
        dv->wait_key = -1;
        while (i < n) {
            struct ps_op *op = &ops[i];
            PREFETCH_W(op + 4); /* two lines ahead: the next visit may come at once */
            unsigned kind = op->kind, ch = op->chunk, part = op->part, parts = op->parts;
            uint32_t mb = (uint32_t)op->microbatch;
            /* one branch for the fields (the check in device order says which is wrong) */
            if ((kind > PS_OP_R) | (ch >= V) | (mb >= M) | (part >= parts) | (op->stage != d)) {
                m->bad = true;
                break;
            }
            struct sim_dk *dk = &dks[kind * V + ch];
            size_t k = (size_t)dk->kbase + mb;
            if (dk->kbase < 0) {
                m->bad = true;
                break;
            }
            if (part == 0) {
                /* SPEC 3: microbatch order; backward kinds in backward rank with token
                 * slices; R only where the stage replays, gaps allowed */
                int32_t at = rank != NULL && kind != PS_OP_F ? rank[mb] : (int32_t)mb;
                if (kind == PS_OP_R ? !sim_replays(m, d, (int)mb) || at < dk->next
                                    : at != dk->next) {
                    m->bad = true;
                    break;
                }
                if (pend[k] != 0) {
                    dv->wait_key = (int32_t)k;
                    break;
                }
                if (ready[k] > t)
                    t = ready[k];
                PREFETCH_W(&ready[k + 16]);
                if (first_at != NULL)
                    first_at[k] = (int32_t)i;
                dk->next = at + 1;
                dk->count++;
                firsts++;
                if (kind == PS_OP_F || kind == PS_OP_R) {
                    /* F keeps what R does not replay; R allocates that again */
                    mem += kind == PS_OP_F ? fa[mb] : m->r_alloc[(size_t)d * M + mb];
                    if (mem > peak)
                        peak = mem;
                }
                if (parts > 1) {
                    partsof[k] = (uint8_t)parts;
                    seen[k] = 1;
                }
            } else if (partsof[k] != parts || seen[k] != part) {
                m->bad = true;
                break;
            } else {
                seen[k]++;
            }
            int64_t dur = dk->dur;
            if (by_mb || parts > 1)
                dur = sim_op_ns(m, d, (int)kind, (int)ch, (int)mb, (int)part, (int)parts);
            op->dur_ns = dur;
            op->start_ns = t;
            t += dur;
            op->end_ns = t;
            busy += dur;
            i++;
            if (rendezvous) {
                /* the arrangement's hooks may raise this device's free time (a blocking
                 * send released at once) and hold it */
                dv->free_at = t;
                rendezvous_post(m, d, i - 1, t);
            }
            if (part + 1 != parts)
                continue;
            lasts++;
            if (last_at != NULL)
                last_at[k] = (int32_t)(i - 1);
            if (kind == PS_OP_B || kind == PS_OP_W)
                mem -= dk->free_fac * af[mb];
            deliver(m, d, dk, mb, ch, t);
            if (rendezvous) {
                t = dv->free_at;
                if (m->blocking && m->hold[d] > 0) {
                    dv->wait_key = SIM_HELD; /* sim_sent wakes it */
                    break;
                }
            }
        }
        timed += i - first;
        dv->next = i;
        dv->free_at = t;
        dv->busy = busy;
        dv->mem = mem;
        dv->peak = peak;
    }
    m->remaining -= timed;
    m->firsts += firsts;
    m->lasts += lasts;
}

/* ---- the fast engine --------------------------------------------------------------------- */

/* The fast engine's working set, in locals: no store through the simulator's arrays makes
 * the compiler reload them (an int store may alias m->n_work). */
struct fast {
    int64_t *ready;
    uint8_t *pend;
    struct ps_transfer *xs;
    int64_t *ch_free, *ch_busy_ns;
    const struct sim_dev *dev;
    int *work;
    int n_work;
};

/* The fields of a transfer from its microbatch on, the same for every microbatch of an
 * output but the microbatch itself: copied from the output's template. */
#define XFER_TAIL offsetof(struct ps_transfer, microbatch)

/* deliver for the fast engine: every output's way fixed at setup (enum sim_path), the
 * fields of its transfers that do not depend on time in a template. */
static inline void deliver_fast(struct sim *m, struct fast *f, const struct sim_dk *dk, uint32_t mb,
                                int64_t t)
{
    const struct sim_out *o = dk->out, *end = o + dk->n_out;
    for (; o < end; o++) {
        size_t kc = (size_t)o->base + mb;
        PREFETCH_W(&f->ready[kc + 16]);
        int64_t arrive = t;
        if (o->path != OUT_LOCAL) {
            int32_t id = o->slot0 + (int32_t)mb;
            struct ps_transfer *x = &f->xs[id];
            PREFETCH_W(x + 3);
            memcpy((char *)x + XFER_TAIL, (const char *)&o->tmpl + XFER_TAIL,
                   sizeof *x - XFER_TAIL);
            x->microbatch = (int32_t)mb;
            x->ready_ns = t;
            if (o->path == OUT_FREE) {
                x->start_ns = x->end_ns = t;
            } else if (o->path == OUT_INORDER) {
                int c = o->chan;
                int64_t start = t > f->ch_free[c] ? t : f->ch_free[c];
                x->start_ns = start;
                x->end_ns = f->ch_free[c] = start + o->tx;
                f->ch_busy_ns[c] += o->tx;
            } else {
                x->end_ns = o->tx; /* the transmission time, until the channel sends it */
                m->n_work = f->n_work;
                send_other(m, o->chan, id, t);
                f->n_work = m->n_work;
                continue;
            }
            arrive = x->arrive_ns = x->end_ns + o->lat;
        }
        if (f->ready[kc] < arrive)
            f->ready[kc] = arrive;
        if (--f->pend[kc] == 0 && f->dev[o->to_dev].wait_key == (int32_t)kc)
            f->work[f->n_work++] = o->to_dev;
    }
}

/* run_work for the common case (m->fast): ops whole (one part), no token slices, no
 * recomputation, durations and message sizes the same for every microbatch, decoupled
 * communication. The same times, checks and sums with fewer branches; a device woken for
 * the op it waited for times it without checking it again. At the first op it does not
 * handle (cut into parts, or out of place) it puts the device back on the stack and clears
 * m->fast: run_work takes over from there (and names what is wrong). */
static void run_fast(struct sim *m)
{
    const unsigned V = (unsigned)m->V, M = (unsigned)m->M;
    struct fast f = {m->ready,      m->pend, m->s->transfers, m->ch_free,
                     m->ch_busy_ns, m->dev,  m->work,         m->n_work};
    int32_t *first_at = m->L.first, *last_at = m->L.last; /* NULL: not needed */
    size_t timed = 0;
    while (f.n_work > 0) {
        int d = f.work[--f.n_work];
        struct sim_dev *dv = &m->dev[d];
        struct ps_op *ops = dv->ops;
        const size_t n = dv->n, first = dv->next;
        size_t i = first;
        int64_t t = dv->free_at, busy = dv->busy;
        double mem = dv->mem, peak = dv->peak;
        struct sim_dk *dks = m->dks + (size_t)d * PS_COMPUTE_KINDS * V;
        int32_t resume = dv->wait_dk;
        bool handover = false;
        dv->wait_key = -1;
        dv->wait_dk = -1;
        for (; i < n; i++) {
            struct ps_op *op = &ops[i];
            PREFETCH_W(op + 4); /* 160 bytes ahead: the next visit may come at once */
            struct sim_dk *dk;
            uint32_t mb;
            size_t k;
            if (resume >= 0) { /* checked, and its inputs are known now */
                dk = &dks[resume];
                resume = -1;
                mb = (uint32_t)dk->next;
                k = (size_t)dk->kbase + mb;
            } else {
                unsigned kind = op->kind, ch = op->chunk;
                mb = (uint32_t)op->microbatch;
                if (kind > PS_OP_R || ch >= V || mb >= M || op->part != 0 || op->parts != 1 ||
                    op->stage != d) {
                    handover = true;
                    break;
                }
                dk = &dks[kind * V + ch];
                if (dk->kbase < 0 || (int32_t)mb != dk->next) {
                    handover = true;
                    break;
                }
                k = (size_t)dk->kbase + mb;
                if (f.pend[k] != 0) {
                    dv->wait_key = (int32_t)k;
                    dv->wait_dk = (int32_t)(kind * V + ch);
                    break;
                }
            }
            if (f.ready[k] > t)
                t = f.ready[k];
            PREFETCH_W(&f.ready[k + 16]);
            dk->next = (int32_t)mb + 1;
            /* F allocates at its start, B and W free at their end: one op, one change */
            mem += dk->dmem * dk->mem_mb[mb];
            if (mem > peak)
                peak = mem;
            int64_t dur = dk->dur;
            op->dur_ns = dur;
            op->start_ns = t;
            t += dur;
            op->end_ns = t;
            busy += dur;
            if (first_at != NULL)
                first_at[k] = last_at[k] = (int32_t)i;
            deliver_fast(m, &f, dk, mb, t);
        }
        timed += i - first;
        dv->next = i;
        dv->free_at = t;
        dv->busy = busy;
        dv->mem = mem;
        dv->peak = peak;
        if (handover) {
            f.work[f.n_work++] = d;
            m->fast = false;
            break;
        }
    }
    m->n_work = f.n_work;
    m->remaining -= timed;
}

void sim_run_engine(struct sim *m)
{
    for (int d = m->S - 1; d >= 0; d--)
        m->work[m->n_work++] = d;
    for (;;) {
        if (m->fast)
            run_fast(m);
        if (!m->fast)
            run_work(m);
        if (m->bad || m->heap == NULL || !sim_general_step(m))
            return;
    }
}
