/* A branch-and-bound of our own over the device orders of one shape (docs/model.md,
 * "Branch-and-bound"), for shapes small enough to search: it appends one op at a time at
 * its earliest start, in the order of the ops' start times, so every combination of device
 * orders is met exactly once; it skips an op that a free could run before, prunes with
 * heads recomputed from the partial schedule, memory floors and Jackson's preemptive bound
 * on every device and channel, and cuts a partial schedule that one searched before
 * dominates (the memo). When the search completes, the best schedule it met (or the
 * starting one) is optimal for the shape. It applies where the simulator's times follow
 * from the device orders alone: no data-parallel lane, and every channel with transmission
 * time carries one stream of equal messages, sent in microbatch order as the sender places
 * them. */
#include "solvers/optimal/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"

/* The memo's budget: past it, no new partial schedule is remembered (the search stays
 * complete, only slower). */
#define BNB_MEMO_BYTES ((size_t)256 << 20)
/* A neighbourhood's width: about this many ops per device */
#define LNS_WIDTH 8

/* Partial schedules searched to the end, by placed set: each set keeps a list of the
 * searched schedules' signatures (every device's and channel's end, the arrival of every
 * transfer sent but not yet received, then the start of every placed op with an unplaced
 * successor on another device, in op order), their sum of starts and their last key. */
struct mset {
    uint64_t hash;
    int32_t next;  /* the next set in the bucket, -1 none */
    int32_t first; /* its first entry, -1 none */
    size_t bits;   /* offset of its placed set in `words` */
};

struct ment {
    int32_t next;
    int32_t n;  /* signature length */
    size_t sig; /* offset in `vals` */
    int64_t sum, t_last;
    int d_last;
};

struct memo {
    int32_t *bucket; /* 2^k heads */
    uint64_t mask;
    struct mset *sets;
    size_t n_sets, cap_sets;
    struct ment *ents;
    size_t n_ents, cap_ents;
    int64_t *vals;
    size_t n_vals, cap_vals;
    uint64_t *words;
    size_t n_words, cap_words;
    size_t bytes, max_bytes; /* stops storing past max_bytes */
};

struct bnb {
    struct model *m;
    struct warm *w;
    int n;                          /* op slots */
    int *pfirst, *pop;              /* incoming edges, CSR by op */
    int64_t *pdelay;                /* start-to-start */
    int *pxfer;                     /* the edge's transfer when it takes channel time, or -1 */
    int *xfirst, *xout;             /* transfers with channel time, CSR by sender */
    int64_t *arrive, *xprev;        /* a sent transfer's arrival; its channel's end before */
    int64_t *chan_end;              /* the end of each channel's last transmission */
    int *sfirst, *sop;              /* outgoing edges */
    int *npred;                     /* predecessors not yet placed */
    int64_t *start;                 /* -1 while not placed */
    int64_t *r, *floor_;            /* the bound's heads and memory floors (scratch) */
    int *cand;                      /* candidates, n_live per depth */
    int64_t *cest;                  /* their earliest starts */
    struct keyed *keys;             /* a leaf's device order */
    struct opt_jjob *jj;            /* Jackson's jobs of one device */
    int *heap;                      /* and its heap */
    int64_t dev_end[PS_MAX_STAGES]; /* the end of each device's last placed op */
    double mem[PS_MAX_STAGES];      /* memory in use after the placed ops */
    int64_t t_last;                 /* start of the last placed op */
    int d_last;                     /* its device */
    int64_t done_lb;                /* max(start + dur + tail) of the placed ops */
    int placed, n_live;
    int64_t ub, grid;
    double limit;
    bool has_limit;
    long nodes, node_limit, mismatches;
    bool aborted;
    enum ps_status st;
    /* memo of fully searched partial schedules (see dominated()) */
    uint64_t *zob; /* a random word per op: the placed set's hash is their xor */
    uint64_t hash; /* of the placed set */
    int64_t sum;   /* the placed ops' starts added up */
    int words;     /* placed set as a bitset of this many words */
    uint64_t *set; /* the placed set now */
    struct memo memo;
    long memo_hits;
    void (*on_better)(void *); /* told of each shorter schedule */
    int64_t (*cutoff)(void *); /* the shortest schedule found elsewhere */
    void *user;
    int64_t cut;   /* its last answer */
    int64_t *sigs; /* a signature per depth */
    size_t sig_cap;
    /* a neighbourhood (opt_bnb_lns): on device d, the ops before place lo[d] and from place
     * hi[d] of the incumbent's order keep their places; seq == NULL: the whole search */
    int *seq;       /* the incumbent's orders, device d's from seq_first[d] */
    int *seq_first; /* S + 1 */
    int lo[PS_MAX_STAGES], hi[PS_MAX_STAGES];
    int cnt[PS_MAX_STAGES]; /* ops placed per device */
    int *tpos;              /* an op's place in the topological order */
};

bool opt_lns_applies(const struct model *m)
{
    if (m->sc->has_data_parallel || m->n_live > LNS_MAX_OPS)
        return false;
    for (int c = 0; c < m->n_chans; c++)
        for (int i = 1; i < m->chan_n[c]; i++)
            if (m->ops[m->xfers[m->chan_x[c][i]].from].dev !=
                m->ops[m->xfers[m->chan_x[c][0]].from].dev)
                return false;
    return true;
}

bool opt_bnb_applies(const struct model *m)
{
    if (m->sc->has_data_parallel || m->n_live > BNB_MAX_OPS)
        return false;
    /* every channel with transmission time carries one stream: its order is fixed */
    for (int c = 0; c < m->n_chans; c++)
        if (!opt_chan_one_stream(m, c))
            return false;
    return true;
}

/* Nothing at or past this is worth finding: the incumbent, or a schedule found elsewhere. */
static int64_t limit(const struct bnb *b)
{
    return b->cut < b->ub ? b->cut : b->ub;
}

/* The earliest start of a ready op o (every predecessor placed) after its device's last
 * op. */
static int64_t earliest(const struct bnb *b, int o)
{
    const struct model *m = b->m;
    const struct mop *op = &m->ops[o];
    int64_t t = b->dev_end[op->dev];
    if (op->kind == PS_OP_F && t < m->ag_end[op->dev][op->chunk])
        t = m->ag_end[op->dev][op->chunk];
    for (int k = b->pfirst[o]; k < b->pfirst[o + 1]; k++) {
        int64_t s = b->pxfer[k] >= 0 ? b->arrive[b->pxfer[k]] : b->start[b->pop[k]] + b->pdelay[k];
        if (s > t)
            t = s;
    }
    return t;
}

/* Heads of the ops not placed yet, from the placed ops' starts and every unplaced op's
 * floor (its device's end, the last placed start, a memory floor), along the edges. */
static int64_t heads(struct bnb *b)
{
    const struct model *m = b->m;
    int64_t lb = b->done_lb;
    for (int k = 0; k < m->n_live; k++) {
        int o = m->topo[k];
        if (b->start[o] >= 0)
            continue;
        const struct mop *op = &m->ops[o];
        int64_t t = op->head;
        if (t < b->dev_end[op->dev])
            t = b->dev_end[op->dev];
        if (t < b->t_last)
            t = b->t_last;
        if (t < b->floor_[o])
            t = b->floor_[o];
        for (int e = b->pfirst[o]; e < b->pfirst[o + 1]; e++) {
            int p = b->pop[e];
            int64_t s = b->start[p] < 0    ? b->r[p] + b->pdelay[e]
                        : b->pxfer[e] >= 0 ? b->arrive[b->pxfer[e]]
                                           : b->start[p] + b->pdelay[e];
            if (s > t)
                t = s;
        }
        b->r[o] = t;
        if (t + op->dur + op->tail > lb)
            lb = t + op->dur + op->tail;
    }
    return lb;
}

/* A device whose memory cannot take any of its next forwards has to end one of its frees
 * first: every unplaced F there starts no earlier than the earliest such end. True when a
 * floor rose. */
static bool memory_floors(struct bnb *b)
{
    const struct model *m = b->m;
    bool rose = false;
    if (!b->has_limit)
        return false;
    for (int d = 0; d < m->S; d++) {
        double least = 1e300;
        int64_t free_end = INT64_MAX;
        for (int i = 0; i < m->dev_n[d]; i++) {
            int o = m->dev_op[d][i];
            const struct mop *op = &m->ops[o];
            if (b->start[o] >= 0)
                continue;
            if (op->kind == PS_OP_F) {
                if (op->alloc < least)
                    least = op->alloc;
            } else if (op->alloc < 0 && b->r[o] + op->dur < free_end) {
                free_end = b->r[o] + op->dur;
            }
        }
        if (least > 1e299 || b->mem[d] + least <= b->limit + 1e-9 || free_end == INT64_MAX)
            continue;
        for (int i = 0; i < m->dev_n[d]; i++) {
            int o = m->dev_op[d][i];
            if (b->start[o] < 0 && m->ops[o].kind == PS_OP_F && b->r[o] < free_end) {
                b->floor_[o] = free_end;
                rose = true;
            }
        }
    }
    return rose;
}

/* In a neighbourhood, device d's ops left run in a known order but for the window's: its
 * fixed ops in turn, each at its head or after the one before, the window's unplaced ops
 * (their least end: in the order of their heads), then the fixed ones after the window.
 * The largest end + tail on the way bounds every completion the window allows. */
static int64_t window_pass(struct bnb *b, int d)
{
    const struct model *m = b->m;
    const int *sq = &b->seq[b->seq_first[d]];
    int n = b->seq_first[d + 1] - b->seq_first[d], c = b->cnt[d], lo = b->lo[d], hi = b->hi[d];
    int64_t t = b->dev_end[d], lb = 0;
    for (int i = c; i < lo; i++) {
        const struct mop *op = &m->ops[sq[i]];
        t = (b->r[sq[i]] > t ? b->r[sq[i]] : t) + op->dur;
        if (t + op->tail > lb)
            lb = t + op->tail;
    }
    if (c < hi) {
        int k = 0;
        for (int i = lo; i < hi; i++)
            if (b->start[sq[i]] < 0)
                b->jj[k++] = (struct opt_jjob){b->r[sq[i]], m->ops[sq[i]].dur, 0};
        opt_sort_release(b->jj, k);
        for (int i = 0; i < k; i++)
            t = (b->jj[i].r > t ? b->jj[i].r : t) + b->jj[i].p;
        if (t > lb)
            lb = t;
    }
    for (int i = hi > c ? hi : c; i < n; i++) {
        const struct mop *op = &m->ops[sq[i]];
        t = (b->r[sq[i]] > t ? b->r[sq[i]] : t) + op->dur;
        if (t + op->tail > lb)
            lb = t + op->tail;
    }
    return lb;
}

/* A lower bound on every completion of the partial schedule (in a neighbourhood: of every
 * completion it allows). */
static int64_t node_bound(struct bnb *b)
{
    const struct model *m = b->m;
    for (int d = 0; d < m->S; d++)
        for (int i = 0; i < m->dev_n[d]; i++)
            b->floor_[m->dev_op[d][i]] = 0;
    int64_t lb = heads(b);
    if (opt_up_to_grid(lb, b->grid) >= limit(b))
        return lb;
    for (int round = 0; round < 2; round++) {
        if (!memory_floors(b))
            break;
        int64_t lb2 = heads(b);
        if (lb2 > lb)
            lb = lb2;
        if (opt_up_to_grid(lb, b->grid) >= limit(b))
            return lb;
    }
    /* in a neighbourhood, first the passes over the known orders (no sorting) */
    for (int d = 0; d < m->S && b->seq != NULL; d++) {
        int64_t j = window_pass(b, d);
        if (j > lb)
            lb = j;
    }
    if (opt_up_to_grid(lb, b->grid) >= limit(b))
        return lb;
    for (int d = 0; d < m->S; d++) {
        int n = 0;
        for (int i = 0; i < m->dev_n[d]; i++) {
            int o = m->dev_op[d][i];
            if (b->start[o] < 0)
                b->jj[n++] = (struct opt_jjob){b->r[o], m->ops[o].dur, m->ops[o].tail};
        }
        int64_t j = opt_jackson(b->jj, n, b->heap);
        if (j > lb)
            lb = j;
    }
    /* each channel's transmissions still to send, from the channel's end on */
    for (int c = 0; c < m->n_chans; c++) {
        int n = 0;
        for (int i = 0; i < m->chan_n[c]; i++) {
            const struct mxfer *x = &m->xfers[m->chan_x[c][i]];
            if (b->start[x->from] >= 0)
                continue;
            int64_t rel = b->r[x->from] + m->ops[x->from].dur;
            b->jj[n++] = (struct opt_jjob){rel > b->chan_end[c] ? rel : b->chan_end[c], x->tx,
                                           x->lat + m->ops[x->to].dur + m->ops[x->to].tail};
        }
        int64_t j = opt_jackson(b->jj, n, b->heap);
        if (j > lb)
            lb = j;
    }
    return lb;
}

/* ---- the memo ---------------------------------------------------------------------------- */

/* Grows *p (elements of `size`) to hold `need`; false when out of memory or past the memo's
 * budget. */
static bool grow(struct memo *mm, void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 1024;
    while (ncap < need)
        ncap *= 2;
    if (mm->bytes + (ncap - *cap) * size > mm->max_bytes)
        return false;
    void *q = realloc(*p, ncap * size);
    if (q == NULL)
        return false;
    mm->bytes += (ncap - *cap) * size;
    *p = q;
    *cap = ncap;
    return true;
}

/* The signature of the partial schedule (see struct mset). Returns its length. */
static int signature(const struct bnb *b, int64_t *sig)
{
    const struct model *m = b->m;
    int n = 0;
    for (int d = 0; d < m->S; d++)
        sig[n++] = b->dev_end[d];
    for (int c = 0; c < m->n_chans; c++)
        sig[n++] = b->chan_end[c];
    for (int x = 0; x < m->n_xfers; x++)
        if (m->xfers[x].chan >= 0 && b->start[m->xfers[x].from] >= 0 &&
            b->start[m->xfers[x].to] < 0)
            sig[n++] = b->arrive[x];
    for (int o = 0; o < b->n; o++) {
        if (b->start[o] < 0)
            continue;
        /* a successor on the same device follows the device's end anyway */
        for (int k = b->sfirst[o]; k < b->sfirst[o + 1]; k++)
            if (b->start[b->sop[k]] < 0 && m->ops[b->sop[k]].dev != m->ops[o].dev) {
                sig[n++] = b->start[o];
                break;
            }
    }
    return n;
}

/* The memo's set for the placed set now, or -1. */
static int32_t find_set(const struct bnb *b)
{
    const struct memo *mm = &b->memo;
    if (mm->bucket == NULL)
        return -1;
    for (int32_t i = mm->bucket[b->hash & mm->mask]; i >= 0; i = mm->sets[i].next)
        if (mm->sets[i].hash == b->hash &&
            memcmp(&mm->words[mm->sets[i].bits], b->set, (size_t)b->words * sizeof *b->set) == 0)
            return i;
    return -1;
}

/* A partial schedule A searched to the end, with the same placed ops as this one (B), whose
 * devices end no later, whose frontier ops start no later, and whose starts add up to less
 * (or as much, A's last key being no later): any completion X of B, given A's prefix
 * instead, is a schedule X' no longer than X whose starts add up to less, or X' is in A's
 * subtree; either way B's subtree holds nothing that a schedule already covered does not
 * (docs/model.md, "Branch-and-bound"). */
static bool dominated(struct bnb *b, const int64_t *sig, int n)
{
    int32_t si = find_set(b);
    if (si < 0)
        return false;
    const struct memo *mm = &b->memo;
    for (int32_t e = mm->sets[si].first; e >= 0; e = mm->ents[e].next) {
        const struct ment *en = &mm->ents[e];
        if (en->n != n)
            continue;
        if (!(en->sum < b->sum ||
              (en->sum == b->sum &&
               (en->t_last < b->t_last || (en->t_last == b->t_last && en->d_last <= b->d_last)))))
            continue;
        const int64_t *v = &mm->vals[en->sig];
        int k = 0;
        while (k < n && v[k] <= sig[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

/* Records the partial schedule now as searched to the end (nothing when the memo is full). */
static void remember(struct bnb *b, const int64_t *sig, int n)
{
    struct memo *mm = &b->memo;
    if (mm->bucket == NULL)
        return;
    int32_t si = find_set(b);
    if (si < 0) {
        if (!grow(mm, (void **)&mm->sets, &mm->cap_sets, mm->n_sets + 1, sizeof *mm->sets) ||
            !grow(mm, (void **)&mm->words, &mm->cap_words, mm->n_words + (size_t)b->words,
                  sizeof *mm->words))
            return;
        si = (int32_t)mm->n_sets++;
        struct mset *st = &mm->sets[si];
        st->hash = b->hash;
        st->first = -1;
        st->bits = mm->n_words;
        memcpy(&mm->words[mm->n_words], b->set, (size_t)b->words * sizeof *b->set);
        mm->n_words += (size_t)b->words;
        st->next = mm->bucket[b->hash & mm->mask];
        mm->bucket[b->hash & mm->mask] = si;
    }
    if (!grow(mm, (void **)&mm->ents, &mm->cap_ents, mm->n_ents + 1, sizeof *mm->ents) ||
        !grow(mm, (void **)&mm->vals, &mm->cap_vals, mm->n_vals + (size_t)n, sizeof *mm->vals))
        return;
    struct ment *en = &mm->ents[mm->n_ents];
    en->n = n;
    en->sig = mm->n_vals;
    en->sum = b->sum;
    en->t_last = b->t_last;
    en->d_last = b->d_last;
    memcpy(&mm->vals[mm->n_vals], sig, (size_t)n * sizeof *sig);
    mm->n_vals += (size_t)n;
    en->next = mm->sets[si].first;
    mm->sets[si].first = (int32_t)mm->n_ents++;
}

static void memo_free(struct memo *mm)
{
    free(mm->bucket);
    free(mm->sets);
    free(mm->ents);
    free(mm->vals);
    free(mm->words);
    memset(mm, 0, sizeof *mm);
}

/* Every op placed: the schedule's orders, re-timed by the simulator, become the incumbent
 * when shorter. */
static void leaf(struct bnb *b)
{
    const struct model *m = b->m;
    int64_t span = 0;
    for (int d = 0; d < m->S; d++)
        if (b->dev_end[d] > span)
            span = b->dev_end[d];
    if (span >= b->ub)
        return;
    struct ps_schedule *s = ps_schedule_new(m->sc, "optimal", m->V, m->tr, true);
    if (s == NULL) {
        b->st = PS_ENOMEM;
        return;
    }
    for (int d = 0; d < m->S && b->st == PS_OK; d++) {
        for (int i = 0; i < m->dev_n[d]; i++) {
            int o = m->dev_op[d][i];
            b->keys[i] = (struct keyed){(double)b->start[o], 0, o};
        }
        b->st = opt_push_keyed(m, s, d, b->keys, m->dev_n[d]);
    }
    if (b->st == PS_OK && opt_sim_ok(s)) {
        if (s->makespan_ns != span)
            b->mismatches++; /* the model and the simulator disagree: a bug */
        if (s->makespan_ns < b->ub) {
            ps_schedule_free(b->w->inc);
            b->w->inc = s;
            b->w->ub = b->ub = s->makespan_ns;
            s = NULL;
            if (b->on_better != NULL)
                b->on_better(b->user);
        }
    } else if (b->st == PS_OK) {
        b->mismatches++;
    }
    ps_schedule_free(s);
}

static void place(struct bnb *b, int o, int64_t t)
{
    const struct mop *op = &b->m->ops[o];
    b->start[o] = t;
    b->cnt[op->dev]++;
    b->dev_end[op->dev] = t + op->dur;
    b->mem[op->dev] += op->alloc;
    b->t_last = t;
    b->d_last = op->dev;
    if (t + op->dur + op->tail > b->done_lb)
        b->done_lb = t + op->dur + op->tail;
    b->placed++;
    b->hash ^= b->zob[o];
    b->sum += t;
    b->set[o / 64] |= (uint64_t)1 << (o % 64);
    for (int k = b->sfirst[o]; k < b->sfirst[o + 1]; k++)
        b->npred[b->sop[k]]--;
    for (int k = b->xfirst[o]; k < b->xfirst[o + 1]; k++) {
        const struct mxfer *x = &b->m->xfers[b->xout[k]];
        int64_t *ce = &b->chan_end[x->chan];
        int64_t ts = t + op->dur > *ce ? t + op->dur : *ce;
        b->xprev[b->xout[k]] = *ce;
        *ce = ts + x->tx;
        b->arrive[b->xout[k]] = ts + x->tx + x->lat;
    }
}

static void unplace(struct bnb *b, int o)
{
    const struct mop *op = &b->m->ops[o];
    for (int k = b->xfirst[o + 1] - 1; k >= b->xfirst[o]; k--)
        b->chan_end[b->m->xfers[b->xout[k]].chan] = b->xprev[b->xout[k]];
    for (int k = b->sfirst[o]; k < b->sfirst[o + 1]; k++)
        b->npred[b->sop[k]]++;
    b->placed--;
    b->hash ^= b->zob[o];
    b->sum -= b->start[o];
    b->set[o / 64] &= ~((uint64_t)1 << (o % 64));
    b->mem[op->dev] -= op->alloc;
    b->cnt[op->dev]--;
    b->start[o] = -1;
}

/* In a neighbourhood, a device whose next op is fixed, ready, and would start before the
 * last placed op (ties: a lower device) can never place it: nothing below is complete. */
static bool stuck(const struct bnb *b)
{
    if (b->seq == NULL)
        return false;
    for (int d = 0; d < b->m->S; d++) {
        int c = b->cnt[d];
        if ((c >= b->lo[d] && c < b->hi[d]) || c >= b->seq_first[d + 1] - b->seq_first[d])
            continue;
        int o = b->seq[b->seq_first[d] + c];
        if (b->npred[o] != 0)
            continue;
        int64_t t = earliest(b, o);
        if (t < b->t_last || (t == b->t_last && d < b->d_last))
            return true;
    }
    return false;
}

static void dfs(struct bnb *b);

/* Places o at t, searches below (unless cut_done and the placed ops alone reach the limit)
 * and takes o back. */
static void branch(struct bnb *b, int o, int64_t t, bool cut_done)
{
    int dev = b->m->ops[o].dev, save_d = b->d_last;
    int64_t save_t = b->t_last, save_lb = b->done_lb, save_end = b->dev_end[dev];
    place(b, o, t);
    if (!cut_done || opt_up_to_grid(b->done_lb, b->grid) < limit(b))
        dfs(b);
    unplace(b, o);
    b->dev_end[dev] = save_end;
    b->t_last = save_t;
    b->d_last = save_d;
    b->done_lb = save_lb;
}

/* In a neighbourhood, no device inside its window: every device's next op is fixed, and
 * only the one that starts first (ties: the lower device) can come next; any other would
 * leave it stuck. Placed without a bound or the memo, nor counted as a node. */
static bool all_fixed(const struct bnb *b)
{
    if (b->seq == NULL)
        return false;
    for (int d = 0; d < b->m->S; d++)
        if (b->cnt[d] >= b->lo[d] && b->cnt[d] < b->hi[d])
            return false;
    return true;
}

static void forced(struct bnb *b)
{
    const struct model *m = b->m;
    int o = -1;
    int64_t t = INT64_MAX;
    for (int d = 0; d < m->S; d++) {
        int c = b->cnt[d];
        if (c >= b->seq_first[d + 1] - b->seq_first[d])
            continue;
        int k = b->seq[b->seq_first[d] + c];
        const struct mop *op = &m->ops[k];
        if (b->npred[k] != 0 ||
            (op->kind == PS_OP_F && b->has_limit && b->mem[d] + op->alloc > b->limit + 1e-9))
            continue;
        int64_t e = earliest(b, k);
        if (e < t) {
            t = e;
            o = k;
        }
    }
    if (o < 0 || t < b->t_last || (t == b->t_last && m->ops[o].dev < b->d_last))
        return; /* nothing can come next */
    branch(b, o, t, true);
}

/* The candidates of a neighbourhood: on a device inside its window, the window's unplaced
 * ops; elsewhere the device's fixed next op. Returns how many, in cand (topological order
 * is restored by the sort's last key). */
static int window_ops(const struct bnb *b, int d, int *out)
{
    int c = b->cnt[d], n = 0;
    const int *sq = &b->seq[b->seq_first[d]];
    if (c >= b->lo[d] && c < b->hi[d]) {
        for (int i = b->lo[d]; i < b->hi[d]; i++)
            if (b->start[sq[i]] < 0)
                out[n++] = sq[i];
    } else if (c < b->seq_first[d + 1] - b->seq_first[d]) {
        out[n++] = sq[c];
    }
    return n;
}

static void dfs(struct bnb *b)
{
    struct model *m = b->m;
    if (b->aborted || b->st != PS_OK)
        return;
    if (b->placed < b->n_live && all_fixed(b)) {
        forced(b);
        return;
    }
    b->nodes++;
    if ((b->node_limit > 0 && b->nodes > b->node_limit) ||
        ((b->nodes & 255) == 0 && opt_out_of_budget(m))) {
        b->aborted = true;
        return;
    }
    if ((b->nodes & 1023) == 0 && b->cutoff != NULL) {
        int64_t c = b->cutoff(b->user);
        if (c < b->cut)
            b->cut = c;
    }
    if (b->placed == b->n_live) {
        leaf(b);
        return;
    }
    if (stuck(b))
        return;
    if (opt_up_to_grid(node_bound(b), b->grid) >= limit(b))
        return;
    int64_t *sig = &b->sigs[(size_t)b->placed * (size_t)b->sig_cap];
    int n_sig = signature(b, sig);
    if (dominated(b, sig, n_sig)) {
        b->memo_hits++;
        return;
    }
    /* candidates: ready ops that fit in memory and start no earlier than the last placed
     * op (ties: by device), so that each set of device orders is met once, in the order of
     * its starts */
    int *cand = &b->cand[(size_t)b->placed * (size_t)b->n_live];
    int64_t *est = &b->cest[(size_t)b->placed * (size_t)b->n_live];
    int nc = 0;
    if (b->seq != NULL) {
        for (int d = 0; d < m->S; d++)
            nc += window_ops(b, d, &cand[nc]);
    } else {
        for (int k = 0; k < m->n_live; k++)
            if (b->start[m->topo[k]] < 0)
                cand[nc++] = m->topo[k];
    }
    int ready = nc;
    nc = 0;
    for (int i = 0; i < ready; i++) {
        int o = cand[i];
        if (b->npred[o] != 0)
            continue;
        const struct mop *op = &m->ops[o];
        if (op->kind == PS_OP_F && b->has_limit && b->mem[op->dev] + op->alloc > b->limit + 1e-9)
            continue;
        int64_t t = earliest(b, o);
        if (t < b->t_last || (t == b->t_last && op->dev < b->d_last))
            continue;
        cand[nc] = o;
        est[nc++] = t;
    }
    /* a free (B or W) that could run and end on the same device before a candidate starts
     * goes first: moving it there delays nothing and only lowers memory later on (a
     * forward would raise it; moving one where memory could no longer bind was tried: no
     * fewer nodes anywhere, and 1.8x more before the 4x5 wave met its optimum) */
    int keep = 0;
    for (int i = 0; i < nc; i++) {
        const struct mop *op = &m->ops[cand[i]];
        bool dominated = false;
        const int *fs = m->dev_op[op->dev];
        int nf = m->dev_n[op->dev];
        if (b->seq != NULL) { /* only the window's ops may move */
            int c = b->cnt[op->dev];
            if (c < b->lo[op->dev] || c >= b->hi[op->dev])
                nf = 0;
            else {
                fs = &b->seq[b->seq_first[op->dev] + b->lo[op->dev]];
                nf = b->hi[op->dev] - b->lo[op->dev];
            }
        }
        for (int k = 0; k < nf && !dominated; k++) {
            int f = fs[k];
            const struct mop *fo = &m->ops[f];
            if (f == cand[i] || fo->kind == PS_OP_F || fo->dur <= 0 || b->start[f] >= 0 ||
                b->npred[f] != 0)
                continue;
            dominated = earliest(b, f) + fo->dur <= est[i];
        }
        if (!dominated) {
            cand[keep] = cand[i];
            est[keep++] = est[i];
        }
    }
    nc = keep;
    /* earliest first; then the op with more work behind it */
    for (int i = 1; i < nc; i++)
        for (int k = i; k > 0; k--) {
            const struct mop *a = &m->ops[cand[k - 1]], *c = &m->ops[cand[k]];
            if (est[k - 1] < est[k] ||
                (est[k - 1] == est[k] &&
                 (a->tail > c->tail ||
                  (a->tail == c->tail && b->tpos[cand[k - 1]] < b->tpos[cand[k]]))))
                break;
            int ti = cand[k];
            cand[k] = cand[k - 1];
            cand[k - 1] = ti;
            int64_t te = est[k];
            est[k] = est[k - 1];
            est[k - 1] = te;
        }
    for (int i = 0; i < nc && !b->aborted && b->st == PS_OK; i++) {
        branch(b, cand[i], est[i], false);
        if (opt_up_to_grid(b->done_lb, b->grid) >= limit(b))
            break;
    }
    if (!b->aborted && b->st == PS_OK)
        remember(b, sig, n_sig);
}

static enum ps_status setup(struct bnb *b)
{
    const struct model *m = b->m;
    int n = b->n = m->n_ops;
    b->pfirst = calloc((size_t)n + 1, sizeof *b->pfirst);
    b->sfirst = calloc((size_t)n + 1, sizeof *b->sfirst);
    b->pop = malloc(((size_t)m->n_edges + 1) * sizeof *b->pop);
    b->sop = malloc(((size_t)m->n_edges + 1) * sizeof *b->sop);
    b->pdelay = malloc(((size_t)m->n_edges + 1) * sizeof *b->pdelay);
    b->pxfer = malloc(((size_t)m->n_edges + 1) * sizeof *b->pxfer);
    b->xfirst = calloc((size_t)n + 1, sizeof *b->xfirst);
    b->xout = malloc(((size_t)m->n_xfers + 1) * sizeof *b->xout);
    b->arrive = calloc((size_t)m->n_xfers + 1, sizeof *b->arrive);
    b->xprev = calloc((size_t)m->n_xfers + 1, sizeof *b->xprev);
    b->chan_end = calloc((size_t)m->n_chans + 1, sizeof *b->chan_end);
    if (b->pxfer == NULL || b->xfirst == NULL || b->xout == NULL || b->arrive == NULL ||
        b->xprev == NULL || b->chan_end == NULL)
        return PS_ENOMEM;
    for (int x = 0; x < m->n_xfers; x++)
        if (m->xfers[x].chan >= 0)
            b->xfirst[m->xfers[x].from + 1]++;
    for (int i = 0; i < n; i++)
        b->xfirst[i + 1] += b->xfirst[i];
    {
        int *fill = calloc((size_t)n, sizeof *fill);
        if (fill == NULL)
            return PS_ENOMEM;
        for (int x = 0; x < m->n_xfers; x++)
            if (m->xfers[x].chan >= 0) {
                int f = m->xfers[x].from;
                b->xout[b->xfirst[f] + fill[f]++] = x;
            }
        free(fill);
    }
    b->npred = calloc((size_t)n, sizeof *b->npred);
    b->start = malloc((size_t)n * sizeof *b->start);
    b->r = calloc((size_t)n, sizeof *b->r);
    b->floor_ = calloc((size_t)n, sizeof *b->floor_);
    b->cand = malloc(((size_t)m->n_live + 1) * ((size_t)m->n_live + 1) * sizeof *b->cand);
    b->cest = malloc(((size_t)m->n_live + 1) * ((size_t)m->n_live + 1) * sizeof *b->cest);
    b->keys = opt_keys_new(m);
    b->jj = malloc((size_t)opt_max_machine_ops(m) * sizeof *b->jj);
    b->heap = malloc((size_t)opt_max_machine_ops(m) * sizeof *b->heap);
    if (b->heap == NULL)
        return PS_ENOMEM;
    b->sig_cap = (size_t)m->S + (size_t)m->n_chans + (size_t)m->n_xfers + (size_t)n;
    b->sigs = malloc(((size_t)m->n_live + 1) * b->sig_cap * sizeof *b->sigs);
    b->words = (n + 63) / 64;
    b->set = calloc((size_t)b->words, sizeof *b->set);
    b->zob = malloc((size_t)n * sizeof *b->zob);
    b->memo.mask = ((uint64_t)1 << 20) - 1;
    b->memo.bucket = malloc(((size_t)b->memo.mask + 1) * sizeof *b->memo.bucket);
    b->memo.max_bytes = BNB_MEMO_BYTES;
    if (b->sigs == NULL || b->set == NULL || b->zob == NULL || b->memo.bucket == NULL)
        return PS_ENOMEM;
    memset(b->memo.bucket, 0xff, ((size_t)b->memo.mask + 1) * sizeof *b->memo.bucket);
    opt_zobrist(b->zob, n);
    if (b->pfirst == NULL || b->sfirst == NULL || b->pop == NULL || b->sop == NULL ||
        b->pdelay == NULL || b->npred == NULL || b->start == NULL || b->r == NULL ||
        b->floor_ == NULL || b->cand == NULL || b->cest == NULL || b->keys == NULL || b->jj == NULL)
        return PS_ENOMEM;
    for (int e = 0; e < m->n_edges; e++) {
        b->pfirst[m->edges[e].to + 1]++;
        b->sfirst[m->edges[e].from + 1]++;
    }
    for (int i = 0; i < n; i++) {
        b->pfirst[i + 1] += b->pfirst[i];
        b->sfirst[i + 1] += b->sfirst[i];
    }
    int *pk = calloc((size_t)n, sizeof *pk), *sk = calloc((size_t)n, sizeof *sk);
    if (pk == NULL || sk == NULL) {
        free(pk);
        free(sk);
        return PS_ENOMEM;
    }
    for (int e = 0; e < m->n_edges; e++) {
        const struct edge *ed = &m->edges[e];
        int k = b->pfirst[ed->to] + pk[ed->to]++;
        b->pop[k] = ed->from;
        b->pdelay[k] = ed->delay;
        b->pxfer[k] = ed->xfer >= 0 && m->xfers[ed->xfer].chan >= 0 ? ed->xfer : -1;
        b->sop[b->sfirst[ed->from] + sk[ed->from]++] = ed->to;
        b->npred[ed->to]++;
    }
    free(pk);
    free(sk);
    for (int i = 0; i < n; i++)
        b->start[i] = -1;
    b->tpos = malloc((size_t)n * sizeof *b->tpos);
    if (b->tpos == NULL)
        return PS_ENOMEM;
    for (int k = 0; k < m->n_live; k++)
        b->tpos[m->topo[k]] = k;
    b->n_live = m->n_live;
    b->t_last = 0;
    b->d_last = 0;
    b->has_limit = m->sc->has_memory_limit;
    b->limit = m->sc->memory_limit;
    return PS_OK;
}

static void teardown(struct bnb *b)
{
    free(b->pfirst);
    free(b->sfirst);
    free(b->pop);
    free(b->sop);
    free(b->pdelay);
    free(b->pxfer);
    free(b->xfirst);
    free(b->xout);
    free(b->arrive);
    free(b->xprev);
    free(b->chan_end);
    free(b->npred);
    free(b->start);
    free(b->r);
    free(b->floor_);
    free(b->cand);
    free(b->cest);
    free(b->keys);
    free(b->jj);
    free(b->heap);
    free(b->sigs);
    free(b->set);
    free(b->zob);
    free(b->seq);
    free(b->seq_first);
    free(b->tpos);
    memo_free(&b->memo);
}

/* A search of m from w's incumbent, set up (b->st says whether it could be), with the
 * hooks' callbacks and their cutoff now. */
static void begin(struct bnb *b, struct model *m, struct warm *w, const struct opt_bnb_hooks *hooks)
{
    memset(b, 0, sizeof *b);
    b->m = m;
    b->w = w;
    b->ub = w->ub;
    b->grid = opt_grid_of(m, w->ub);
    b->on_better = hooks != NULL ? hooks->on_better : NULL;
    b->cutoff = hooks != NULL ? hooks->cutoff : NULL;
    b->user = hooks != NULL ? hooks->user : NULL;
    b->cut = b->cutoff != NULL ? b->cutoff(b->user) : INT64_MAX;
    b->st = setup(b);
}

enum ps_status opt_bnb(struct model *m, struct warm *w, int64_t lb, long node_limit,
                       const struct opt_bnb_hooks *hooks, struct opt_bnb_result *out)
{
    memset(out, 0, sizeof *out);
    if (w->inc == NULL || !opt_bnb_applies(m))
        return PS_OK;
    struct bnb b;
    begin(&b, m, w, hooks);
    b.node_limit = node_limit;
    if (b.st == PS_OK && opt_up_to_grid(lb, b.grid) < limit(&b))
        dfs(&b);
    teardown(&b);
    out->complete = b.st == PS_OK && !b.aborted;
    out->nodes = b.nodes;
    out->mismatches = b.mismatches;
    out->memo_hits = b.memo_hits;
    out->floor = limit(&b);
    return b.st;
}

/* ---- large-neighbourhood search ------------------------------------------------------- */

/* The incumbent's device orders as sequences (seq); false when out of
 * memory. */
static bool take_orders(struct bnb *b)
{
    const struct model *m = b->m;
    const struct ps_schedule *s = b->w->inc;
    if (b->seq == NULL) {
        b->seq = malloc(((size_t)m->n_live + 1) * sizeof *b->seq);
        b->seq_first = calloc((size_t)m->S + 1, sizeof *b->seq_first);
        if (b->seq == NULL || b->seq_first == NULL)
            return false;
    }
    for (int d = 0; d < m->S; d++) {
        b->seq_first[d + 1] = b->seq_first[d] + (int)s->dev_n[d];
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *o = &s->dev_ops[d][i];
            int v = ps_vstage_of(d, o->chunk, m->S, m->V, m->tr);
            int id = op_id(m, o->kind, v, o->microbatch);
            b->seq[b->seq_first[d] + (int)i] = id;
        }
    }
    return true;
}

/* The window [t0, t1) of the incumbent: on each device, the ops that start in it. */
static void set_window(struct bnb *b, int64_t t0, int64_t t1)
{
    const struct ps_schedule *s = b->w->inc;
    for (int d = 0; d < b->m->S; d++) {
        int n = (int)s->dev_n[d], lo = 0, hi;
        while (lo < n && s->dev_ops[d][lo].start_ns < t0)
            lo++;
        hi = lo;
        while (hi < n && s->dev_ops[d][hi].start_ns < t1)
            hi++;
        b->lo[d] = lo;
        b->hi[d] = hi;
    }
}

static void memo_clear(struct memo *mm)
{
    if (mm->bucket != NULL)
        memset(mm->bucket, 0xff, ((size_t)mm->mask + 1) * sizeof *mm->bucket);
    mm->n_sets = mm->n_ents = mm->n_vals = mm->n_words = 0;
    mm->bytes = 0;
}

enum ps_status opt_bnb_lns(struct model *m, struct warm *w, int64_t lb, long node_limit,
                           long window_nodes, const struct opt_bnb_hooks *hooks,
                           struct opt_lns_result *out)
{
    memset(out, 0, sizeof *out);
    if (w->inc == NULL || !opt_lns_applies(m) || node_limit <= 0)
        return PS_OK;
    struct bnb b;
    begin(&b, m, w, hooks);
    if (b.st == PS_OK && !take_orders(&b))
        b.st = PS_ENOMEM;
    /* windows of about LNS_WIDTH ops per device, half overlapping, swept from the start;
     * a sweep that finds nothing shorter widens them */
    int most = opt_max_machine_ops(m);
    long used = 0;
    int width = LNS_WIDTH;
    while (b.st == PS_OK && used < node_limit && width <= 4 * LNS_WIDTH) {
        int64_t span = w->ub, len = span * width / (most > 0 ? most : 1);
        if (len < 2)
            len = 2; /* a step of at least 1 ns, however short the ops */
        int64_t step = len / 2;
        bool better = false;
        for (int64_t t0 = 0; t0 < span && used < node_limit && b.st == PS_OK; t0 += step) {
            if (opt_up_to_grid(lb, b.grid) >= limit(&b) || opt_out_of_budget(m))
                goto done;
            set_window(&b, t0, t0 + len);
            memo_clear(&b.memo);
            int64_t before = b.ub;
            b.nodes = 0;
            b.aborted = false;
            b.node_limit = window_nodes < node_limit - used ? window_nodes : node_limit - used;
            dfs(&b);
            used += b.nodes;
            out->windows++;
            if (b.ub < before) {
                out->better++;
                better = true;
                if (!take_orders(&b)) /* the new incumbent's orders */
                    b.st = PS_ENOMEM;
                span = w->ub;
            }
        }
        if (!better)
            width += width / 2;
    }
done:
    out->nodes = used;
    out->mismatches = b.mismatches;
    teardown(&b);
    return b.st;
}
