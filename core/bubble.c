/* The bubble breakdown (docs/model.md, "Bubble breakdown"): every idle instant of every
 * device, up to the makespan, charged to one cause, from the recorded times alone (so a
 * schedule read back from a file gets the same breakdown as the run that wrote it). */
#include "core/sim.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched_internal.h"

struct acct {
    const struct ps_schedule *s;
    const struct ps_lookup *L;
    bool rendezvous; /* receives are posted late (rendezvous, blocking) */
    int64_t *out;    /* this device's PS_BUBBLE_COUNT counters */
    /* A probe (ps_bubble_at): the cause charged at instant probe, and the idle time charged
     * before it; NULL when not probing. */
    int64_t probe;
    int *probe_cause;
    int64_t *before; /* this device's PS_BUBBLE_COUNT counters, clipped at probe */
};

static void charge(struct acct *A, enum ps_bubble_cause c, int64_t from, int64_t to)
{
    if (to <= from)
        return;
    A->out[c] += to - from;
    if (A->probe_cause != NULL && from <= A->probe && A->probe < to)
        *A->probe_cause = (int)c;
    if (A->before != NULL && from < A->probe)
        A->before[c] += (to < A->probe ? to : A->probe) - from;
}

static enum ps_bubble_cause link_cause(const struct ps_schedule *s, const struct ps_transfer *x)
{
    const struct ps_scenario *sc = s->sc;
    return ps_scenario_dc_of(sc, x->from_stage) != ps_scenario_dc_of(sc, x->to_stage)
               ? PS_BUBBLE_CROSS_DC
               : PS_BUBBLE_INTRA_DC;
}

/* When the receiver of x posted its receive: the end of the op before the consumer's first
 * part in its order (0 when the consumer is first). Only meaningful with a rendezvous. */
static int64_t post_time(const struct acct *A, const struct ps_transfer *x)
{
    const struct ps_lookup *L = A->L;
    int to = ps_boundary_to(A->s, x->kind, x->from_vstage);
    if (to < 0)
        return 0;
    int ckind = x->kind == PS_XFER_ACTIVATION           ? PS_OP_F
                : ps_lookup_has_r(L, to, x->microbatch) ? PS_OP_R /* the gradient feeds R */
                                                        : PS_OP_B;
    int32_t i = L->first[ps_op_key(L, ckind, to, x->microbatch)];
    return i > 0 ? A->s->dev_ops[L->dev_of_v[to]][i - 1].end_ns : 0;
}

/* How long the rendezvous held x back: from its producer's end to the receiver's post (or
 * its start, if it started earlier). */
static int64_t held_back(const struct acct *A, const struct ps_transfer *x)
{
    if (!A->rendezvous)
        return 0;
    int64_t post = post_time(A, x);
    int64_t until = post < x->start_ns ? post : x->start_ns;
    return until > x->ready_ns ? until - x->ready_ns : 0;
}

/* A receiver waiting [a, b) for x: before the producer ended, fill; then the link; the last
 * part of the wait, as long as the rendezvous held the message back, is the rendezvous's (it
 * would have arrived that much earlier with the receive pre-posted). */
static void charge_receive(struct acct *A, const struct ps_transfer *x, int64_t a, int64_t b)
{
    int64_t ready = x->ready_ns;
    charge(A, PS_BUBBLE_FILL, a, ready < b ? ready : b);
    int64_t from = a > ready ? a : ready;
    if (b <= from)
        return;
    int64_t rdv_from = x->arrive_ns - held_back(A, x);
    if (rdv_from < from)
        rdv_from = from;
    if (rdv_from > b)
        rdv_from = b;
    charge(A, link_cause(A->s, x), from, rdv_from);
    charge(A, PS_BUBBLE_RENDEZVOUS, rdv_from, b);
}

/* The transfer feeding op (kind, v, mb) from another device, or NULL. */
static const struct ps_transfer *input_xfer(const struct acct *A, int kind, int v, int mb)
{
    int pkind, pv, xkind;
    if (!ps_input_of(A->L, kind, v, mb, &pkind, &pv, &xkind) || xkind < 0)
        return NULL;
    int32_t t = A->L->xfer[ps_xfer_key(A->s, (enum ps_xfer_kind)xkind, pv, mb)];
    return t >= 0 ? &A->s->transfers[t] : NULL;
}

/* The all-gather the first forward of (d, chunk) waits for; its end, or 0. */
static int64_t ag_end(const struct ps_schedule *s, int d, int chunk)
{
    for (size_t i = 0; i < s->dp_n[d]; i++)
        if (s->dp_ops[d][i].kind == PS_OP_AG && s->dp_ops[d][i].chunk == chunk)
            return s->dp_ops[d][i].end_ns;
    return 0;
}

/* When the input of F op f (on device d, at index j) is there; INT64_MAX when its producer
 * comes later on the same device, or is missing. */
static int64_t f_ready(const struct acct *A, int d, size_t j, bool first_of_chunk)
{
    const struct ps_op *f = &A->s->dev_ops[d][j];
    const struct ps_lookup *L = A->L;
    int v = L->vtab[d * L->V + f->chunk];
    int64_t t = first_of_chunk ? ag_end(A->s, d, f->chunk) : 0;
    if (v == 0)
        return t;
    const struct ps_transfer *x = input_xfer(A, PS_OP_F, v, f->microbatch);
    int64_t in;
    if (x != NULL) {
        in = x->arrive_ns;
    } else {
        int32_t p = L->last[ps_op_key(L, PS_OP_F, v - 1, f->microbatch)];
        in = p >= 0 && (size_t)p < j ? A->s->dev_ops[d][p].end_ns : INT64_MAX;
    }
    return in > t ? in : t;
}

/* Device d idle over [a, b) before op i. */
static void charge_gap(struct acct *A, int d, size_t i, int64_t a, int64_t b, double held,
                       long next_f, bool next_f_first, bool first_of_chunk)
{
    const struct ps_schedule *s = A->s;
    const struct ps_op *o = &s->dev_ops[d][i];
    const struct ps_scenario *sc = s->sc;
    if (sc->has_memory_limit && next_f >= 0) {
        /* a later forward could have run but did not fit: memory, from its input on */
        const struct ps_op *f = &s->dev_ops[d][next_f];
        double a_f = (ps_scenario_stage_memory(sc, d, f->microbatch) -
                      ps_scenario_recompute_memory(sc, d, f->microbatch)) /
                     s->chunks;
        if (held + a_f > sc->memory_limit + 1e-9) {
            int64_t r = f_ready(A, d, (size_t)next_f, next_f_first);
            if (r < b) {
                int64_t from = r > a ? r : a;
                charge(A, PS_BUBBLE_MEMORY, from, b);
                b = from;
            }
        }
    }
    if (b <= a)
        return;
    int64_t x_end = a, g_end = first_of_chunk && o->kind == PS_OP_F ? ag_end(s, d, o->chunk) : a;
    if (o->part == 0 && o->kind <= PS_OP_R) {
        const struct ps_transfer *x =
            input_xfer(A, o->kind, A->L->vtab[d * A->L->V + o->chunk], o->microbatch);
        if (x != NULL) {
            x_end = x->arrive_ns < b ? x->arrive_ns : b;
            charge_receive(A, x, a, x_end);
        }
    }
    int64_t from = x_end > a ? x_end : a;
    int64_t to = g_end < b ? g_end : b;
    charge(A, PS_BUBBLE_DP, from, to);
    charge(A, PS_BUBBLE_FILL, to > from ? to : from, b); /* slack no input explains */
}

/* A blocking send holding device d from `from` until x has been transmitted (or `limit`). */
static int64_t charge_hold(struct acct *A, const struct ps_transfer *x, int64_t from, int64_t limit)
{
    int64_t until = x->end_ns < limit ? x->end_ns : limit;
    if (until <= from)
        return from;
    int64_t rdv = from + held_back(A, x);
    if (rdv > until)
        rdv = until;
    charge(A, PS_BUBBLE_RENDEZVOUS, from, rdv);
    charge(A, link_cause(A->s, x), rdv, until);
    return until;
}

/* The transfer op (a last part) sends to another device, or NULL. */
static const struct ps_transfer *output_xfer(const struct acct *A, int d, const struct ps_op *op)
{
    const struct ps_lookup *L = A->L;
    int v = L->vtab[d * L->V + op->chunk];
    int kind = op->kind == PS_OP_F ? PS_XFER_ACTIVATION : PS_XFER_GRADIENT;
    if (op->kind > PS_OP_B || op->part + 1 != op->parts || ps_boundary_to(A->s, kind, v) < 0)
        return NULL;
    int32_t t = L->xfer[ps_xfer_key(A->s, (enum ps_xfer_kind)kind, v, op->microbatch)];
    return t >= 0 ? &A->s->transfers[t] : NULL;
}

static bool is_f0(const struct acct *A, const struct ps_op *o)
{
    return o->kind == PS_OP_F && o->part == 0 && o->chunk < A->L->V && o->microbatch >= 0 &&
           o->microbatch < A->s->n_microbatches;
}

static void device(struct acct *A, int d)
{
    const struct ps_schedule *s = A->s;
    const struct ps_op *ops = s->dev_ops[d];
    size_t n = s->dev_n[d];
    bool blocking = s->sc->arrangement == PS_ARRANGE_BLOCKING, has_w = ps_schedule_has_w(s, d);
    double w = s->sc->weight_share, held = 0;
    uint32_t seen = 0; /* chunks whose first forward has been met */
    int64_t cursor = 0;
    size_t nf = 0; /* the first forward (part 0) after op i */
    for (size_t i = 0; i < n; i++) {
        const struct ps_op *o = &ops[i];
        while (nf < n && (nf <= i || !is_f0(A, &ops[nf])))
            nf++;
        long next_f = nf < n ? (long)nf : -1;
        if (o->kind > PS_OP_R || o->chunk >= A->L->V || o->microbatch < 0 ||
            o->microbatch >= s->n_microbatches)
            continue; /* a malformed op read from a file: validate reports it */
        bool first = o->kind == PS_OP_F && o->part == 0 && !(seen >> o->chunk & 1u);
        if (o->kind == PS_OP_F && o->part == 0)
            seen |= 1u << o->chunk;
        /* no forward starts between op i and next_f[i], so seen now tells whether it is the
         * first of its chunk */
        bool nf_first = next_f >= 0 && !(seen >> ops[next_f].chunk & 1u);
        if (o->start_ns > cursor)
            charge_gap(A, d, i, cursor, o->start_ns, held, next_f, nf_first, first);
        cursor = o->end_ns > cursor ? o->end_ns : cursor;
        double a = ps_scenario_stage_memory(s->sc, d, o->microbatch) / s->chunks;
        double r = ps_scenario_recompute_memory(s->sc, d, o->microbatch) / s->chunks;
        if (o->kind == PS_OP_F && o->part == 0)
            held += a - r; /* F keeps what R does not replay */
        if (o->kind == PS_OP_R && o->part == 0)
            held += r;
        if (o->part + 1 == o->parts && o->kind == PS_OP_B)
            held -= has_w ? (1 - w) * a : a;
        if (o->part + 1 == o->parts && o->kind == PS_OP_W)
            held -= w * a;
        const struct ps_transfer *x = blocking ? output_xfer(A, d, o) : NULL;
        if (x != NULL) {
            int64_t limit = i + 1 < n ? ops[i + 1].start_ns : s->makespan_ns;
            cursor = charge_hold(A, x, cursor, limit);
        }
    }
    charge(A, PS_BUBBLE_END, cursor, s->makespan_ns);
}

enum ps_status ps_bubble_compute(const struct ps_schedule *s, int64_t *out)
{
    memset(out, 0, (size_t)s->n_stages * PS_BUBBLE_COUNT * sizeof *out);
    if (s->makespan_ns <= 0)
        return PS_OK;
    struct ps_lookup L;
    if (ps_lookup_build(&L, s) != PS_OK)
        return PS_ENOMEM;
    ps_bubble_compute_with(s, &L, out);
    ps_lookup_fini(&L);
    return PS_OK;
}

void ps_bubble_compute_with(const struct ps_schedule *s, const struct ps_lookup *L, int64_t *out)
{
    memset(out, 0, (size_t)s->n_stages * PS_BUBBLE_COUNT * sizeof *out);
    if (s->makespan_ns <= 0)
        return;
    struct acct A = {s, L, s->sc->arrangement != PS_ARRANGE_DECOUPLED, NULL, 0, NULL, NULL};
    for (int d = 0; d < s->n_stages; d++) {
        A.out = out + (size_t)d * PS_BUBBLE_COUNT;
        device(&A, d);
    }
}

enum ps_status ps_bubble_at(const struct ps_schedule *s, int64_t t, int *cause_at, int64_t *before)
{
    for (int d = 0; d < s->n_stages; d++)
        cause_at[d] = -1;
    if (before != NULL)
        memset(before, 0, (size_t)s->n_stages * PS_BUBBLE_COUNT * sizeof *before);
    if (s->makespan_ns <= 0)
        return PS_OK;
    struct ps_lookup L;
    if (ps_lookup_build(&L, s) != PS_OK)
        return PS_ENOMEM;
    int64_t scratch[PS_BUBBLE_COUNT];
    /* The same accounting as the breakdown, probed at t: one rule for both. */
    struct acct A = {s, &L, s->sc->arrangement != PS_ARRANGE_DECOUPLED, scratch, t, NULL, NULL};
    for (int d = 0; d < s->n_stages; d++) {
        memset(scratch, 0, sizeof scratch);
        A.probe_cause = &cause_at[d];
        A.before = before != NULL ? before + (size_t)d * PS_BUBBLE_COUNT : NULL;
        device(&A, d);
    }
    ps_lookup_fini(&L);
    return PS_OK;
}

void ps_bubble_totals(const struct ps_schedule *s, int64_t out[PS_BUBBLE_COUNT])
{
    memset(out, 0, PS_BUBBLE_COUNT * sizeof *out);
    for (int d = 0; d < s->n_stages; d++)
        for (int c = 0; c < PS_BUBBLE_COUNT; c++)
            out[c] += s->bubble_ns[(size_t)d * PS_BUBBLE_COUNT + c];
}

void ps_bubble_cells(const double share[PS_BUBBLE_COUNT], int cells, int count[PS_BUBBLE_COUNT])
{
    double total = 0, rest[PS_BUBBLE_COUNT];
    for (int c = 0; c < PS_BUBBLE_COUNT; c++)
        total += share[c];
    int used = 0;
    for (int c = 0; c < PS_BUBBLE_COUNT; c++) {
        double part = total > 0 ? cells * share[c] / total : 0;
        count[c] = (int)floor(part);
        rest[c] = part - count[c];
        used += count[c];
    }
    for (; used < cells; used++) {
        int best = 0;
        for (int c = 1; c < PS_BUBBLE_COUNT; c++)
            if (rest[c] > rest[best])
                best = c;
        count[best]++;
        rest[best] = -1;
    }
}
