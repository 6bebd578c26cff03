/* Why an op started when it did (the explorer's "explain"), and one critical path: the
 * chain of zero-slack edges (device order, inputs with their transfers, channel queues)
 * that ends at the makespan. */
#include "core/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched_internal.h"

/* The all-gather op of (stage, chunk), or NULL. */
static const struct ps_op *find_ag(const struct ps_schedule *s, int stage, int chunk)
{
    for (size_t i = 0; i < s->dp_n[stage]; i++)
        if (s->dp_ops[stage][i].kind == PS_OP_AG && s->dp_ops[stage][i].chunk == chunk)
            return &s->dp_ops[stage][i];
    return NULL;
}

/* Is op (stage, index) the first F of its chunk on its device? */
static bool first_f_of_chunk(const struct ps_schedule *s, int stage, size_t index)
{
    const struct ps_op *op = &s->dev_ops[stage][index];
    if (op->kind != PS_OP_F || op->part != 0)
        return false;
    for (size_t i = 0; i < index; i++)
        if (s->dev_ops[stage][i].kind == PS_OP_F && s->dev_ops[stage][i].chunk == op->chunk)
            return false;
    return true;
}

/* The transfer (kind, from_vstage, microbatch): a binary search, since simulated and
 * loaded schedules keep transfers in that order, else a scan. -1 when absent. */
static long find_xfer(const struct ps_schedule *s, int kind, int from_v, int mb)
{
    size_t lo = 0, hi = s->n_transfers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct ps_transfer *x = &s->transfers[mid];
        int c = x->kind != kind            ? (x->kind < kind ? -1 : 1)
                : x->from_vstage != from_v ? (x->from_vstage < from_v ? -1 : 1)
                : x->microbatch != mb      ? (x->microbatch < mb ? -1 : 1)
                                           : 0;
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        if (x->kind == kind && x->from_vstage == from_v && x->microbatch == mb)
            return (long)i;
    }
    return -1;
}

/* The last part of op (kind, chunk, microbatch) on device d, or NULL. */
static const struct ps_op *find_last(const struct ps_schedule *s, int d, int kind, int chunk,
                                     int mb)
{
    for (size_t i = 0; i < s->dev_n[d]; i++) {
        const struct ps_op *o = &s->dev_ops[d][i];
        if (o->kind == kind && o->chunk == chunk && o->microbatch == mb && o->part == o->parts - 1)
            return o;
    }
    return NULL;
}

/* When the receiver of x posted its receive (the end of the op before the consumer's first
 * part), -1 when it cannot be found. */
static int64_t post_of(const struct ps_schedule *s, const struct ps_transfer *x)
{
    int to = ps_boundary_to(s, x->kind, x->from_vstage);
    if (to < 0 || x->to_stage < 0 || x->to_stage >= s->n_stages)
        return -1;
    int kind = x->kind == PS_XFER_ACTIVATION ? PS_OP_F : PS_OP_B;
    int chunk = ps_vstage_chunk(to, s->n_stages, s->chunks, s->traversal);
    for (size_t i = 0; i < s->dev_n[x->to_stage]; i++) {
        const struct ps_op *o = &s->dev_ops[x->to_stage][i];
        if (o->kind == kind && o->chunk == chunk && o->microbatch == x->microbatch && o->part == 0)
            return i > 0 ? s->dev_ops[x->to_stage][i - 1].end_ns : 0;
    }
    return -1;
}

/* The transfer the last part `op` (on device d) sends to another device, or NULL. */
static const struct ps_transfer *sent_by(const struct ps_schedule *s, int d, const struct ps_op *op)
{
    if (op->kind > PS_OP_B || op->part + 1 != op->parts || op->chunk >= s->chunks)
        return NULL;
    int v = ps_vstage_of(d, op->chunk, s->n_stages, s->chunks, s->traversal);
    int kind = op->kind == PS_OP_F ? PS_XFER_ACTIVATION : PS_XFER_GRADIENT;
    long xi = find_xfer(s, kind, v, op->microbatch);
    return xi >= 0 ? &s->transfers[xi] : NULL;
}

/* ", after N ms waiting for stage K to post the receive (rendezvous) and M ms queuing for the
 * link" for a transfer that did not start when its producer ended. */
static void delay_text(const struct ps_schedule *s, const struct ps_transfer *x, char *buf,
                       size_t size)
{
    char a[32], b[32];
    buf[0] = '\0';
    if (x->start_ns <= x->ready_ns)
        return;
    int64_t post = s->sc->arrangement != PS_ARRANGE_DECOUPLED ? post_of(s, x) : -1;
    int64_t held = post > x->ready_ns ? (post < x->start_ns ? post : x->start_ns) - x->ready_ns : 0;
    int64_t queued = x->start_ns - x->ready_ns - held;
    ps_fmt_ms(held, a, sizeof a);
    ps_fmt_ms(queued, b, sizeof b);
    if (held > 0 && queued > 0)
        snprintf(buf, size,
                 ", after %s ms waiting for stage %d to post the receive (rendezvous) and %s ms "
                 "queuing for the link",
                 a, x->to_stage, b);
    else if (held > 0)
        snprintf(buf, size, ", after %s ms waiting for stage %d to post the receive (rendezvous)",
                 a, x->to_stage);
    else
        snprintf(buf, size, ", after queuing %s ms for the link", b);
}

void ps_sim_explain(const struct ps_schedule *s, int stage, size_t index, char *buf, size_t size)
{
    if (size == 0)
        return;
    if (!s->timed || stage < 0 || stage >= s->n_stages || index >= s->dev_n[stage]) {
        snprintf(buf, size, "no timed op there");
        return;
    }
    int S = s->n_stages, V = s->chunks, SV = S * V;
    enum ps_traversal tr = s->traversal;
    const struct ps_op *op = &s->dev_ops[stage][index];
    int64_t prev_end = index > 0 ? s->dev_ops[stage][index - 1].end_ns : 0;
    char what[640] = "", ms[32], ms2[32];
    /* the latest input: its time and a description */
    int64_t in_t = -1;
    bool sane = op->chunk < V && op->microbatch >= 0 && op->microbatch < s->n_microbatches;
    if (op->part == 0 && op->kind <= PS_OP_R && sane) {
        int v = ps_vstage_of(stage, op->chunk, S, V, tr), mb = op->microbatch;
        /* the main input, by the dependency rules */
        int pk = -1, pv = -1, xk_rule = -1;
        if (!ps_dep_input(op->kind, v, SV, ps_schedule_has_r(s, stage, mb), &pk, &pv, &xk_rule))
            pk = pv = -1;
        int pd = pv >= 0 ? ps_vstage_device(pv, S, V, tr) : -1;
        if (pk >= 0 && pd != stage && xk_rule >= 0) {
            int xk = xk_rule;
            long xi = find_xfer(s, xk, pv, mb);
            if (xi >= 0) {
                const struct ps_transfer *x = &s->transfers[xi];
                char ch[200];
                if (x->channel >= 0) {
                    char name[160];
                    ps_channel_name(s, x->channel, name, sizeof name);
                    snprintf(ch, sizeof ch, " over %s", name);
                } else {
                    snprintf(ch, sizeof ch, "%s",
                             x->arrive_ns > x->end_ns ? " (latency only)" : "");
                }
                char queued[200];
                delay_text(s, x, queued, sizeof queued);
                in_t = x->arrive_ns;
                snprintf(what, sizeof what, "%s of microbatch %d from stage %d%s%s",
                         ps_xfer_kind_str((enum ps_xfer_kind)xk), mb, x->from_stage, ch, queued);
            }
        } else if (pk >= 0) {
            const struct ps_op *p = find_last(s, pd, pk, ps_vstage_chunk(pv, S, V, tr), mb);
            if (p != NULL) {
                char pn[96];
                ps_op_describe(p, pn, sizeof pn);
                in_t = p->end_ns;
                snprintf(what, sizeof what, "%s on this stage", pn);
            }
        }
        if (first_f_of_chunk(s, stage, index)) {
            const struct ps_op *ag = find_ag(s, stage, op->chunk);
            if (ag != NULL && ag->end_ns > in_t) {
                in_t = ag->end_ns;
                snprintf(what, sizeof what, "the all-gather of chunk %d", op->chunk);
            }
        }
    }
    /* blocking: the previous op's send held the device */
    const struct ps_transfer *held = index > 0 && s->sc->arrangement == PS_ARRANGE_BLOCKING
                                         ? sent_by(s, stage, &s->dev_ops[stage][index - 1])
                                         : NULL;
    if (held != NULL && held->end_ns > prev_end) {
        prev_end = held->end_ns;
        if (op->start_ns == prev_end && in_t < prev_end) {
            char delay[200];
            delay_text(s, held, delay, sizeof delay);
            ps_fmt_ms(held->end_ns - s->dev_ops[stage][index - 1].end_ns, ms, sizeof ms);
            snprintf(buf, size,
                     "held %s ms by its blocking send of the %s of microbatch %d to stage %d%s", ms,
                     ps_xfer_kind_str((enum ps_xfer_kind)held->kind), (int)held->microbatch,
                     held->to_stage, delay);
            return;
        }
    }
    int64_t ready = in_t > prev_end ? in_t : prev_end;
    if (in_t > prev_end && op->start_ns == in_t) {
        ps_fmt_ms(op->start_ns - prev_end, ms, sizeof ms);
        snprintf(buf, size, "waited %s ms for %s", ms, what);
    } else if (op->start_ns == ready && index > 0) {
        char pn[96];
        ps_op_describe(&s->dev_ops[stage][index - 1], pn, sizeof pn);
        snprintf(buf, size, "started right after the previous op (%s)", pn);
    } else if (op->start_ns == ready) {
        snprintf(buf, size, "started at time 0, the first op of the stage");
    } else if (op->start_ns > ready) {
        ps_fmt_ms(op->start_ns - ready, ms, sizeof ms);
        ps_fmt_ms(ready, ms2, sizeof ms2);
        snprintf(buf, size, "started %s ms after it was ready (at %s ms)", ms, ms2);
    } else {
        ps_fmt_ms(ready - op->start_ns, ms, sizeof ms);
        snprintf(buf, size, "started %s ms before its inputs or its stage were ready", ms);
    }
}

/* ---- critical path ------------------------------------------------------------------- */

static int32_t channel_pred(const struct ps_span *v, size_t n, int32_t channel, int64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].key < channel || (v[mid].key == channel && v[mid].t0 < t))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo].key == channel && v[lo].t0 == t ? v[lo].id : -1;
}

/* The op a transfer waited on: walking back along its channel while each transfer waited for
 * the one before, then (with a rendezvous) the receiver's op whose end posted the receive,
 * or the producer. Sets *pd, *pi (-1 when none has zero slack). */
static void follow_transfer(const struct ps_schedule *s, const struct ps_lookup *L,
                            const struct ps_span *ends, const struct ps_transfer *x, int *pd,
                            int32_t *pi)
{
    bool rendezvous = s->sc->arrangement != PS_ARRANGE_DECOUPLED;
    for (size_t guard = 0; guard <= s->n_transfers; guard++) {
        if (x->start_ns <= x->ready_ns)
            break;
        int32_t q =
            x->channel >= 0 ? channel_pred(ends, s->n_transfers, x->channel, x->start_ns) : -1;
        if (q >= 0) {
            x = &s->transfers[q];
            continue;
        }
        if (rendezvous && post_of(s, x) == x->start_ns) {
            int to = ps_boundary_to(s, x->kind, x->from_vstage);
            int32_t ci = L->first[ps_op_key(L, x->kind == PS_XFER_ACTIVATION ? PS_OP_F : PS_OP_B,
                                            to, x->microbatch)];
            *pd = L->dev_of_v[to];
            *pi = ci > 0 ? ci - 1 : -1;
            return;
        }
        break;
    }
    int xpk = x->kind == PS_XFER_ACTIVATION ? PS_OP_F : PS_OP_B;
    *pi = L->last[ps_op_key(L, xpk, x->from_vstage, x->microbatch)];
    *pd = L->dev_of_v[x->from_vstage];
    if (*pi >= 0 && s->dev_ops[*pd][*pi].end_ns != x->ready_ns)
        *pi = -1;
}

size_t ps_sim_critical_path(const struct ps_schedule *s, bool **on_path)
{
    bool blocking = s->sc->arrangement == PS_ARRANGE_BLOCKING;
    if (!s->timed)
        return 0;
    int d = -1;
    size_t i = 0;
    for (int k = 0; k < s->n_stages; k++)
        for (size_t j = 0; j < s->dev_n[k]; j++)
            if (d < 0 || s->dev_ops[k][j].end_ns > s->dev_ops[d][i].end_ns) {
                d = k;
                i = j;
            }
    if (d < 0)
        return 0;
    struct ps_lookup L;
    if (ps_lookup_build(&L, s) != PS_OK)
        return 0;
    struct ps_span *ends = malloc((s->n_transfers + 1) * sizeof *ends);
    if (ends == NULL) {
        ps_lookup_fini(&L);
        return 0;
    }
    for (size_t k = 0; k < s->n_transfers; k++) {
        ends[k] = (struct ps_span){s->transfers[k].channel, s->transfers[k].end_ns, 0, (int32_t)k};
    }
    qsort(ends, s->n_transfers, sizeof *ends, ps_span_cmp);
    size_t marked = 0, steps = ps_schedule_n_ops(s) + 1;
    while (d >= 0 && steps-- > 0) {
        const struct ps_op *op = &s->dev_ops[d][i];
        if (!on_path[d][i]) {
            on_path[d][i] = true;
            marked++;
        }
        int nd = -1;
        size_t ni = 0;
        /* an input with zero slack, followed through its transfer and channel queue */
        if (op->part == 0 && op->kind <= PS_OP_R && op->chunk < L.V && op->microbatch >= 0 &&
            op->microbatch < L.M) {
            int v = L.vtab[d * L.V + op->chunk], pk, pv, xk;
            if (ps_input_of(&L, op->kind, v, op->microbatch, &pk, &pv, &xk)) {
                int32_t xi = xk >= 0 ? L.xfer[ps_xfer_key(s, xk, pv, op->microbatch)] : -1;
                int32_t pi = -1;
                int pd = -1, pm = op->microbatch;
                if (xk < 0) {
                    pi = L.last[ps_op_key(&L, pk, pv, pm)];
                    pd = L.dev_of_v[pv];
                    if (pi >= 0 && s->dev_ops[pd][pi].end_ns != op->start_ns)
                        pi = -1;
                } else if (xi >= 0 && s->transfers[xi].arrive_ns == op->start_ns) {
                    /* walk back along the channel while each transfer waited for the
                     * previous one, then to the producer of the first */
                    follow_transfer(s, &L, ends, &s->transfers[xi], &pd, &pi);
                }
                if (pi >= 0) {
                    nd = pd;
                    ni = (size_t)pi;
                }
            }
        }
        const struct ps_transfer *held =
            nd < 0 && i > 0 && blocking ? sent_by(s, d, &s->dev_ops[d][i - 1]) : NULL;
        if (held != NULL && held->end_ns == op->start_ns && held->end_ns > held->ready_ns) {
            int pd = -1;
            int32_t pi = -1;
            follow_transfer(s, &L, ends, held, &pd, &pi);
            if (pi >= 0) {
                nd = pd;
                ni = (size_t)pi;
            }
        }
        if (nd < 0 && i > 0 && s->dev_ops[d][i - 1].end_ns == op->start_ns) {
            nd = d;
            ni = i - 1;
        }
        if (nd < 0)
            break;
        d = nd;
        i = ni;
    }
    free(ends);
    ps_lookup_fini(&L);
    return marked;
}
