/* The simulator's rooms (not part of the public API): setup and the entry point (sim.c),
 * the order checks that also give every op its model duration (sim_check.c), the dataflow
 * engine that times ops and the channels that keep their own order (sim_engine.c), the
 * event queue of the channels that need global time order (sim_events.c), and the metrics
 * (sim_metrics.c). The design: docs/model.md, "The simulator". */
#ifndef PS_CORE_SIM_INTERNAL_H
#define PS_CORE_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sched_internal.h"
#include "core/sim.h"

/* How a channel decides the order of its transmissions. */
enum sim_chan_mode {
    CH_INORDER = 0, /* FCFS with one sending device and no ties: the sender's order */
    CH_RANKED,      /* explicit, distinct ranks: the rank order */
    CH_GENERAL,     /* FCFS among several senders, ties or equal ranks: in time order */
};

/* How an output picks its consumer (recomputation makes it depend on the microbatch). */
enum sim_sel {
    SEL_FIXED = 0, /* base */
    SEL_BWD,       /* the backward's entry: rbase (R) when the consumer's device replays the
                      microbatch, else base (B) */
    SEL_IF_R,      /* base, only when the consumer's device replays the microbatch */
};

/* How the fast engine (sim_engine.c) passes an output on, fixed at setup. */
enum sim_path {
    OUT_LOCAL = 0, /* to an op on the same device */
    OUT_FREE,      /* a transfer that takes no transmission time (no channel, or tx 0) */
    OUT_INORDER,   /* a transmission on a CH_INORDER channel */
    OUT_OTHER,     /* a transmission on a ranked or general channel */
    OUT_SLOW,      /* the general engine only (the size or consumer depends on mb, rendezvous) */
};

/* One output of an op, compiled from ps_dep_rules for one (kind, vstage). */
struct sim_out {
    int32_t base;   /* the consumer's key for microbatch 0 */
    int32_t rbase;  /* SEL_BWD: the R consumer's key for microbatch 0 */
    int32_t sel;    /* enum sim_sel */
    int32_t to_dev; /* the consumer's device */
    int32_t slot0;  /* the first transfer slot of the boundary, -1: same device */
    int32_t chan;   /* the channel, -1: none (the transmission takes no time) */
    int64_t lat;    /* latency, ns */
    int64_t tx;     /* transmission, ns; -1: depends on the microbatch */
    double bw;      /* bandwidth, for tx < 0 */
    int16_t from_v; /* the producer's vstage */
    uint8_t xkind;  /* enum ps_xfer_kind */
    uint8_t path;   /* enum sim_path */
    /* the fields of its transfers that do not depend on time (microbatch 0), for the fast
     * engine */
    struct ps_transfer tmpl;
};

/* What the engine needs of one (device, kind, chunk), compiled at setup (64 bytes, so an
 * index is a shift). */
struct sim_dk {
    int32_t kbase; /* the op's key for microbatch 0; -1: no such op (W without W) */
    int32_t next;  /* the position its next part 0 must have (SPEC 3): the microbatch, or
                      with token slices the backward rank for B, W and R (R: at least) */
    int32_t n_out; /* its number of outputs */
    int32_t count; /* parts 0 seen (R only: the other kinds have next) */
    const struct sim_out *out; /* its first output in sim.outs */
    int64_t dur;               /* its duration when it does not depend on the microbatch */
    double free_fac;           /* B and W: the share of a they free at their end (SPEC 5) */
    /* the fast engine's memory change, dmem * mem_mb[mb]: F allocates (+1, what F keeps),
     * B and W free (-free_fac, a); 0 otherwise */
    double dmem;
    const double *mem_mb; /* M: this device's table */
    int64_t pad;
};

/* One pending event of the general channels. */
struct sim_event {
    int64_t t;
    uint32_t x; /* id << 1 | type: transfer ready (0) or channel free (1) */
};

/* One device's state in the engine (one cache line). */
struct sim_dev {
    struct ps_op *ops; /* its order (s->dev_ops[d], dev_n[d]) */
    size_t n;
    size_t next;      /* the first op not yet timed */
    int64_t free_at;  /* end of its last timed op */
    int64_t busy;     /* compute time so far */
    double mem;       /* activations held now */
    double peak;      /* and at most so far */
    int32_t wait_key; /* the key of the op it waits for; -1 when on the stack */
    int32_t wait_dk;  /* the fast engine: the (kind, chunk) of that op, -1: none */
};

struct sim {
    struct ps_schedule *s;
    const struct ps_scenario *sc;
    int S, V, SV, M;
    unsigned mode; /* PS_SIM_* */
    int *dev_of_v; /* SV */
    int *vtab;     /* S*V: (stage, chunk) -> vstage */
    bool *has_w;   /* S */

    /* per op key (kind, vstage, microbatch), for the kinds that have ops (nk: F and B, W
     * where a stage has it, R with recomputation); pend apart from ready, so that the
     * counts of the keys in flight stay in the cache */
    int nk;
    int64_t *ready;   /* the latest known input arrival */
    uint8_t *pend;    /* inputs not yet known */
    uint8_t *seen;    /* ops cut into parts: parts seen so far */
    uint8_t *partsof; /* ops cut into parts: their part count, 0 before part 0 */
    int64_t *whole;   /* (stage, kind F/B/W/R, microbatch column): whole-stage durations */
    int mt;           /* columns of whole: M with per-microbatch scales, else 1 */

    /* the compiled rules: outputs, and per (device, kind, chunk) where they are */
    struct sim_out *outs; /* at most 3*SV*ps_n_dep_rules */
    int n_outs;
    struct sim_dk *dks; /* S*4*V (F, B, W, R) */
    double *amb;        /* M: a/V of each microbatch (SPEC 5) */
    /* memory per (device, microbatch) when stages differ (sc->mb_stage): what F allocates
     * (a - r: it keeps what is not replayed) and what B and W free from (a); NULL: amb */
    double *f_alloc, *a_free;
    double *r_alloc; /* S*M: what R allocates again (r/V), NULL without recomputation */
    uint8_t *has_r;  /* S*M: the device replays the microbatch (R ops), NULL: none */
    int *rank;       /* M: backward rank with token slices, NULL: the microbatch */
    int *by_rank;    /* M: the microbatch of a rank */
    int *n_r;        /* S: microbatches a device replays (R ops per chunk) */

    /* per device */
    struct sim_dev *dev;
    int *work; /* devices that can advance (a stack) */
    int n_work;

    /* per boundary (2*SV) */
    int *bch;         /* channel, -1 none */
    int *bslot;       /* first transfer slot / M, -1 when the boundary stays on a device */
    int64_t *blat;    /* latency, ns */
    int64_t *btx;     /* transmission, ns; -1: depends on the microbatch */
    double *bbw;      /* bandwidth */
    int32_t *bbase;   /* the consumer's key for microbatch 0 */
    int32_t *brbase;  /* the R consumer's key when the receiver replays the mb, -1: none */
    int32_t *bto_dev; /* the consumer's device */
    double *msg_mb;   /* M: message size */
    bool zero_ops;    /* an op may take no time: FCFS ties possible, no CH_INORDER */

    /* per channel */
    int n_ch;
    uint8_t *ch_mode;    /* enum sim_chan_mode */
    int64_t *ch_free;    /* CH_INORDER, CH_RANKED: when the last transmission ends */
    int64_t *ch_busy_ns; /* transmission time so far */
    size_t *ch_off;      /* n_ch+1: each channel's block in ch_seq, cq, ch_ranks */
    int32_t *ch_seq;     /* CH_RANKED: transfer slots in rank order */
    size_t *ch_pos;      /* CH_RANKED: next index in ch_seq; CH_GENERAL: transmissions sent */
    int32_t *x_seq;      /* per transfer slot: its index in ch_seq (CH_RANKED) */
    uint16_t *x_waiting; /* per transfer slot: ready, waiting for its rank */

    /* CH_GENERAL: events in time order, ready queues per channel */
    struct sim_event *heap;
    size_t hn, hcap;
    int32_t *cq;            /* flat, ch_off */
    size_t *cq_n, *cq_head; /* FCFS: a FIFO q[head..n); ranked: a heap q[0..n) */
    int64_t *ch_ranks;      /* ranked: each channel's ranks sorted (flat, ch_off) */
    uint8_t *ch_busy, *ch_dirty;
    int *dirty;
    int n_dirty;

    /* Communication arrangement (docs/model.md): with a rendezvous a transfer goes to its
     * channel only once its receiver has posted (the end of the op before the consumer in
     * the receiver's order), every channel is first-come-first-served by that release and
     * ranks are not used; blocking also holds the sender until its transmission has ended.
     * NULL arrays when decoupled. */
    bool rendezvous, blocking;
    bool ranked;      /* channels follow s->xfer_rank (not with a rendezvous) */
    int32_t *pos;     /* per key: index of the op's part 0 in its device's order, -1 */
    int32_t *parked;  /* per key: the transfer waiting for that consumer's post, -1 */
    int64_t *rel;     /* per transfer: when it was released to its channel */
    int *hold;        /* per device: its transmissions not yet ended (blocking) */
    int32_t *held_by; /* per device: the last transfer it was held by, for the report */

    /* for the bubble breakdown: where each op and transfer sits, filled while timing (NULL
     * tables with PS_SIM_TIMES_ONLY) */
    struct ps_lookup L;

    size_t remaining;     /* ops not yet timed */
    size_t firsts, lasts; /* parts 0 and last parts timed */
    bool bad;             /* the engine met an op out of place: sim_check_orders says why */
    /* the fast engine runs: decoupled, no token slices, no recomputation, no per-microbatch
     * scales; it hands over to the general one at the first op cut into parts (or out of
     * place), for the rest of the run */
    bool fast;
};

static inline size_t sim_key(const struct sim *m, int kind, int v, int mb)
{
    return ((size_t)kind * (size_t)m->SV + (size_t)v) * (size_t)m->M + (size_t)mb;
}

/* True when device d replays microbatch mb (an R op per chunk). */
static inline bool sim_replays(const struct sim *m, int d, int mb)
{
    return m->has_r != NULL && m->has_r[(size_t)d * (size_t)m->M + (size_t)mb];
}

/* The consumer key of output o for microbatch mb, or -1 when it has none for it. */
static inline int64_t sim_consumer(const struct sim *m, const struct sim_out *o, size_t mb)
{
    if (o->sel == SEL_FIXED)
        return (int64_t)o->base + (int64_t)mb;
    bool r = sim_replays(m, o->to_dev, (int)mb);
    if (o->sel == SEL_BWD)
        return (int64_t)(r ? o->rbase : o->base) + (int64_t)mb;
    return r ? (int64_t)o->base + (int64_t)mb : -1;
}

/* sim_check.c: every op of the model exactly once, parts in order, microbatch order, W
 * only where the stage has it; sets every op's dur_ns from the scenario. PS_EINVAL with d.
 * The engine checks the same as it goes; this pass runs only to name what it found wrong
 * (or, on a deadlock, to rule out a wrong order first). */
enum ps_status sim_check_orders(struct sim *m, struct ps_diag *d);
/* The duration of op (stage d, kind, chunk, microbatch, part of parts). */
int64_t sim_op_ns(const struct sim *m, int d, int kind, int chunk, int mb, int part, int parts);

/* sim_engine.c: times every op it can; general channels' transmissions in time order. */
void sim_run_engine(struct sim *m);
/* A transfer's consumer learns its arrival (general channels call it at dispatch). */
void sim_deliver(struct sim *m, int32_t id);

/* Rendezvous: transfer id (its producer ended at x->ready_ns) goes to its channel at rel. */
void sim_release(struct sim *m, int32_t id, int64_t rel);
/* Blocking: sender d's transmission ended at t. */
void sim_sent(struct sim *m, int d, int64_t t);

/* A device that waits for no key: held by its blocking sends. */
#define SIM_HELD (-2)

/* sim_events.c: the general channels. */
void sim_event_push(struct sim *m, int64_t t, uint32_t id, unsigned type);
struct sim_event sim_event_pop(struct sim *m);
void sim_general_ready(struct sim *m, int c, int32_t id);
/* Processes every event at the earliest instant, then lets the general channels choose.
 * Returns false when there is none. */
bool sim_general_step(struct sim *m);

/* sim_metrics.c: the metrics from the times (files); from the engine's sums (simulator). */
void sim_compute_metrics(struct ps_schedule *s);
void sim_engine_metrics(struct sim *m);

#endif
