/* The independent checker of timed schedules (SPEC 3-5), for files read back: it checks
 * the recorded times against the model without re-simulating. Times read from files
 * went through milliseconds in text, so comparisons allow 1000 ns (1 us) of rounding. */
#include "core/sim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched_internal.h"
#include "core/units.h"

#define TOL_NS INT64_C(1000)

/* Where the check is: kept as numbers and turned into a path only for the first
 * violation (formatting every op of a valid schedule would cost more than checking it). */
enum where_kind { AT_NONE, AT_OP, AT_STAGE, AT_XFER, AT_LANE, AT_MAKESPAN };

struct checker {
    const struct ps_schedule *s;
    struct ps_diag *d;
    int n;
    enum where_kind at;
    int at_stage;
    size_t at_index;
};

static inline void at(struct checker *ck, enum where_kind kind, int stage, size_t index)
{
    ck->at = kind;
    ck->at_stage = stage;
    ck->at_index = index;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
violation(struct checker *ck, const char *fmt, ...)
{
    if (ck->n++ > 0 || ck->d == NULL)
        return;
    char *path = ck->d->path;
    size_t size = sizeof ck->d->path;
    int st = ck->at_stage;
    size_t i = ck->at_index;
    switch (ck->at) {
    case AT_OP:
        snprintf(path, size, "stage %d, op %zu", st, i);
        break;
    case AT_STAGE:
        snprintf(path, size, "stage %d", st);
        break;
    case AT_XFER:
        snprintf(path, size, "transfers[%zu]", i);
        break;
    case AT_LANE:
        snprintf(path, size, "stage %d, data-parallel op %zu", st, i);
        break;
    case AT_MAKESPAN:
        snprintf(path, size, "makespan_ms");
        break;
    case AT_NONE:
        path[0] = '\0';
        break;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ck->d->msg, sizeof ck->d->msg, fmt, ap);
    va_end(ap);
}

static const char *ms(int64_t ns, char *buf)
{
    ps_fmt_ms(ns, buf, 32);
    return buf;
}

/* Points at an op and names it in `what`, for the first violation only. */
#define NAME_OP(d_, idx_, op_)                                                                     \
    do {                                                                                           \
        at(ck, AT_OP, (d_), (size_t)(idx_));                                                       \
        if (ck->n == 0)                                                                            \
            ps_op_describe((op_), what, sizeof what);                                              \
    } while (0)

struct tables {
    struct ps_lookup L; /* first/last filled by the time-ordered walk below */
    uint8_t *np;        /* parts seen per op key */
    int *dc;            /* DC per device */
    bool *has_w;
};

/* Ops of each device in time order: fields, durations, overlaps, parts, microbatch
 * order, memory. Fills first/last. */
static enum ps_status check_devices(struct checker *ck, struct tables *T)
{
    const struct ps_schedule *s = ck->s;
    const struct ps_scenario *sc = s->sc;
    struct ps_lookup *L = &T->L;
    char what[96], a[32], b[32];
    size_t maxn = 1;
    for (int d = 0; d < L->S; d++)
        if (s->dev_n[d] > maxn)
            maxn = s->dev_n[d];
    struct ps_span *sl = malloc(maxn * sizeof *sl);
    int *lastmb = malloc(PS_COMPUTE_KINDS * (size_t)L->V * sizeof *lastmb);
    if (sl == NULL || lastmb == NULL) {
        free(sl);
        free(lastmb);
        return PS_ENOMEM;
    }
    double w = sc->weight_share;
    for (int d = 0; d < L->S; d++) {
        const struct ps_op *ops = s->dev_ops[d];
        size_t n = s->dev_n[d];
        for (size_t i = 0; i < n; i++)
            sl[i] = (struct ps_span){0, ops[i].start_ns, ops[i].end_ns, (int32_t)i};
        qsort(sl, n, sizeof *sl, ps_span_cmp);
        for (int k = 0; k < PS_COMPUTE_KINDS * L->V; k++)
            lastmb[k] = -1;
        int64_t prev_end = 0;
        int32_t prev = -1;
        double cur = 0, peak = 0;
        for (size_t j = 0; j < n; j++) {
            const struct ps_op *op = &ops[sl[j].id];
            if (op->kind > PS_OP_R || op->chunk >= L->V || op->microbatch < 0 ||
                op->microbatch >= L->M || op->parts < 1 || op->part >= op->parts ||
                op->stage != d) {
                NAME_OP(d, sl[j].id, op);
                violation(ck,
                          "not an op of this schedule (kind %d, chunk %d, microbatch %d, part "
                          "%d of %d, stage %d)",
                          op->kind, op->chunk, (int)op->microbatch, op->part + 1, op->parts,
                          op->stage);
                continue;
            }
            if (op->kind == PS_OP_W && !T->has_w[d]) {
                NAME_OP(d, sl[j].id, op);
                violation(ck, "%s: this schedule has no W ops on stage %d", what, d);
                continue;
            }
            if (op->kind == PS_OP_R && !ps_schedule_has_r(s, d, (int)op->microbatch)) {
                NAME_OP(d, sl[j].id, op);
                violation(ck, "%s: stage %d does not replay microbatch %d (its recompute is 0)",
                          what, d, (int)op->microbatch);
                continue;
            }
            if (op->start_ns < 0) {
                NAME_OP(d, sl[j].id, op);
                violation(ck, "%s starts before time 0 (%s ms)", what, ms(op->start_ns, a));
            }
            int64_t whole =
                ps_schedule_op_ns(s, d, (enum ps_op_kind)op->kind, op->chunk, (int)op->microbatch);
            int64_t want = ps_split_ns(whole, op->part, op->parts);
            int64_t got = op->end_ns - op->start_ns;
            if (got - want > TOL_NS || want - got > TOL_NS) {
                NAME_OP(d, sl[j].id, op);
                violation(ck, "%s lasts %s ms; the model says %s ms", what, ms(got, a),
                          ms(want, b));
            }
            if (prev >= 0 && op->start_ns < prev_end - TOL_NS) {
                char pw[96];
                NAME_OP(d, sl[j].id, op);
                ps_op_describe(&ops[prev], pw, sizeof pw);
                violation(ck, "%s starts at %s ms, before %s ends at %s ms on stage %d", what,
                          ms(op->start_ns, a), pw, ms(prev_end, b), d);
            }
            if (op->end_ns > prev_end || prev < 0) {
                prev_end = op->end_ns;
                prev = sl[j].id;
            }
            int v = L->vtab[d * L->V + op->chunk];
            size_t key = ps_op_key(L, op->kind, v, (int)op->microbatch);
            if (T->np[key] != op->part) {
                NAME_OP(d, sl[j].id, op);
                violation(ck, "%s is duplicated or runs before its earlier parts", what);
                continue;
            }
            if (op->part > 0 && s->dev_ops[d][L->first[key]].parts != op->parts) {
                NAME_OP(d, sl[j].id, op);
                violation(ck, "%s: its parts disagree on how many there are", what);
                continue;
            }
            T->np[key]++;
            double mem = ps_scenario_stage_memory(sc, d, (int)op->microbatch) / L->V;
            double remat = ps_scenario_recompute_memory(sc, d, (int)op->microbatch) / L->V;
            if (op->part == 0) {
                L->first[key] = sl[j].id;
                int *lm = &lastmb[op->kind * L->V + op->chunk];
                /* F in microbatch order; B, W and R in backward rank (docs/model.md) */
                int pos = op->kind == PS_OP_F ? (int)op->microbatch : L->rank[op->microbatch];
                if (*lm >= 0 && pos < (op->kind == PS_OP_F ? *lm : L->rank[*lm])) {
                    NAME_OP(d, sl[j].id, op);
                    violation(ck,
                              "%s runs after microbatch %d: ops of one kind and chunk must "
                              "run in increasing microbatch order (backward ops: in backward "
                              "rank, the slices of a sequence last to first)",
                              what, *lm);
                }
                *lm = (int)op->microbatch;
                if (op->kind == PS_OP_F || op->kind == PS_OP_R) {
                    cur += op->kind == PS_OP_F ? mem - remat : remat;
                    if (cur > peak)
                        peak = cur;
                }
            }
            if (op->part + 1 == op->parts) {
                L->last[key] = sl[j].id;
                if (op->kind == PS_OP_B)
                    cur -= T->has_w[d] ? (1 - w) * mem : mem;
                else if (op->kind == PS_OP_W)
                    cur -= w * mem;
            }
        }
        if (sc->has_memory_limit && peak > sc->memory_limit + 1e-9 && s->memory_ok) {
            at(ck, AT_STAGE, d, 0);
            violation(ck,
                      "peak memory %.6g units exceeds the limit %.6g (and the schedule does "
                      "not flag it)",
                      peak, sc->memory_limit);
        }
    }
    free(sl);
    free(lastmb);
    return PS_OK;
}

/* Every op of the model is there with all its parts. */
static void check_complete(struct checker *ck, struct tables *T)
{
    const struct ps_schedule *s = ck->s;
    struct ps_lookup *L = &T->L;

    for (int v = 0; v < L->SV; v++) {
        int d = L->dev_of_v[v];
        int c = ps_vstage_chunk(v, L->S, L->V, s->traversal);
        for (int k = 0; k < PS_COMPUTE_KINDS; k++) {
            if (k == PS_OP_W && !T->has_w[d])
                continue;
            for (int m = 0; m < L->M; m++) {
                if (k == PS_OP_R && !ps_lookup_has_r(L, v, m))
                    continue;
                size_t key = ps_op_key(L, k, v, m);
                at(ck, AT_STAGE, d, 0);
                if (L->first[key] < 0) {
                    violation(ck, "%s of microbatch %d (chunk %d) is missing",
                              ps_op_kind_str((enum ps_op_kind)k), m, c);
                    continue;
                }
                int parts = s->dev_ops[d][L->first[key]].parts;
                if (T->np[key] != parts)
                    violation(ck, "%s of microbatch %d (chunk %d) has %d of its %d parts",
                              ps_op_kind_str((enum ps_op_kind)k), m, c, T->np[key], parts);
            }
        }
    }
}

static int64_t channel_key(const struct tables *T, int a, int b)
{
    if (T->dc[a] != T->dc[b])
        return -1 - ((int64_t)T->dc[a] * PS_MAX_DCS + T->dc[b]);
    return (int64_t)a * PS_MAX_STAGES + b;
}

static void channel_text(const struct ps_schedule *s, const struct tables *T, int a, int b,
                         char *buf, size_t size)
{
    if (T->dc[a] != T->dc[b])
        snprintf(buf, size, "%s->%s", s->sc->dcs[T->dc[a]].name, s->sc->dcs[T->dc[b]].name);
    else
        snprintf(buf, size, "stage %d->%d", a, b);
}

static void check_same_device(struct checker *ck, struct tables *T);

/* Transfers: one per cross-device dependency, each timed as the model says; consumers
 * start after their inputs; channels send one message at a time. */
static enum ps_status check_transfers(struct checker *ck, struct tables *T)
{
    const struct ps_schedule *s = ck->s;
    const struct ps_scenario *sc = s->sc;
    struct ps_lookup *L = &T->L;
    char what[96], a[32], b[32], ch[160];
    struct ps_span *cs = malloc((s->n_transfers + 1) * sizeof *cs);
    if (cs == NULL)
        return PS_ENOMEM;
    size_t ncs = 0;
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        at(ck, AT_XFER, 0, i);
        if (x->kind > 1 || x->from_vstage < 0 || x->from_vstage >= L->SV || x->microbatch < 0 ||
            x->microbatch >= L->M) {
            violation(ck, "not a transfer of this schedule");
            continue;
        }
        int to = ps_boundary_to(s, x->kind, x->from_vstage);
        int fd = L->dev_of_v[x->from_vstage], td = to >= 0 ? L->dev_of_v[to] : -1;
        if (to < 0 || fd == td) {
            violation(ck,
                      "%s of microbatch %d from virtual stage %d matches no dependency between "
                      "two devices",
                      ps_xfer_kind_str((enum ps_xfer_kind)x->kind), (int)x->microbatch,
                      x->from_vstage);
            continue;
        }
        size_t key = ps_xfer_key(s, x->kind, x->from_vstage, x->microbatch);
        if (L->xfer[key] >= 0) {
            violation(ck, "duplicates transfers[%d]", (int)L->xfer[key]);
            continue;
        }
        L->xfer[key] = (int32_t)i;
        if (x->from_stage != fd || x->to_stage != td)
            violation(ck, "goes from stage %d to %d; the dependency is from %d to %d",
                      x->from_stage, x->to_stage, fd, td);
        struct ps_link link = ps_scenario_link(sc, fd, td);
        int64_t tx = ps_tx_ns(ps_scenario_message_mb(sc, x->microbatch), link.bandwidth_gbps);
        int64_t lat = ps_ms_to_ns(link.latency_ms);
        int64_t dur = x->end_ns - x->start_ns;
        if (dur - tx > TOL_NS || tx - dur > TOL_NS)
            violation(ck, "transmits for %s ms; the link needs %s ms", ms(dur, a), ms(tx, b));
        int64_t gap = x->arrive_ns - x->end_ns;
        if (gap - lat > TOL_NS || lat - gap > TOL_NS)
            violation(ck, "arrives %s ms after its transmission ends; the latency is %s ms",
                      ms(gap, a), ms(lat, b));
        if (x->start_ns < 0)
            violation(ck, "starts before time 0");
        int pk = x->kind == PS_XFER_ACTIVATION ? PS_OP_F : PS_OP_B;
        int32_t pi = L->last[ps_op_key(L, pk, x->from_vstage, x->microbatch)];
        if (pi >= 0) {
            const struct ps_op *p = &s->dev_ops[fd][pi];
            if (x->start_ns < p->end_ns - TOL_NS) {
                ps_op_describe(p, what, sizeof what);
                violation(ck,
                          "starts at %s ms, before its producer %s on stage %d ends "
                          "at %s ms",
                          ms(x->start_ns, a), what, fd, ms(p->end_ns, b));
            }
            if (x->chunk != p->chunk)
                violation(ck, "says chunk %d; its producer runs chunk %d", x->chunk, p->chunk);
        }
        if (tx > 0)
            cs[ncs++] =
                (struct ps_span){channel_key(T, fd, td), x->start_ns, x->end_ns, (int32_t)i};
    }
    /* channels: serial */
    qsort(cs, ncs, sizeof *cs, ps_span_cmp);
    for (size_t j = 1; j < ncs; j++) {
        if (cs[j].key != cs[j - 1].key || cs[j].t0 >= cs[j - 1].t1 - TOL_NS)
            continue;
        const struct ps_transfer *x = &s->transfers[cs[j].id];
        channel_text(s, T, x->from_stage, x->to_stage, ch, sizeof ch);
        at(ck, AT_XFER, 0, (size_t)cs[j].id);
        violation(ck, "transmits on %s from %s ms while transfers[%d] still does (until %s ms)", ch,
                  ms(cs[j].t0, a), (int)cs[j - 1].id, ms(cs[j - 1].t1, b));
    }
    free(cs);
    /* every dependency: the consumer starts after its input */
    for (int v = 0; v < L->SV; v++) {
        int d = L->dev_of_v[v];
        for (int k = 0; k < PS_COMPUTE_KINDS; k++) {
            for (int m = 0; m < L->M; m++) {
                int pk, pv, xk;
                if (!ps_input_of(L, k, v, m, &pk, &pv, &xk))
                    continue;
                int32_t ci = L->first[ps_op_key(L, k, v, m)];
                int32_t pi = L->last[ps_op_key(L, pk, pv, m)];
                if (ci < 0 || pi < 0)
                    continue; /* reported as missing */
                const struct ps_op *c = &s->dev_ops[d][ci];
                const struct ps_op *p = &s->dev_ops[L->dev_of_v[pv]][pi];
                if (xk < 0) {
                    if (c->start_ns < p->end_ns - TOL_NS) {
                        char pw[96];
                        NAME_OP(d, ci, c);
                        ps_op_describe(p, pw, sizeof pw);
                        violation(ck, "%s starts at %s ms, before its input %s ends at %s ms", what,
                                  ms(c->start_ns, a), pw, ms(p->end_ns, b));
                    }
                    continue;
                }
                int32_t xi = L->xfer[ps_xfer_key(s, xk, pv, m)];
                if (xi < 0) {
                    NAME_OP(d, ci, c);
                    violation(ck, "%s has no transfer record for its %s from stage %d", what,
                              ps_xfer_kind_str((enum ps_xfer_kind)xk), L->dev_of_v[pv]);
                    continue;
                }
                const struct ps_transfer *x = &s->transfers[xi];
                if (c->start_ns < x->arrive_ns - TOL_NS) {
                    NAME_OP(d, ci, c);
                    violation(ck,
                              "%s starts at %s ms, before its %s (transfers[%d]) arrives at %s ms",
                              what, ms(c->start_ns, a), ps_xfer_kind_str((enum ps_xfer_kind)xk),
                              (int)xi, ms(x->arrive_ns, b));
                }
            }
        }
    }
    check_same_device(ck, T);
    return PS_OK;
}

/* The dependencies that stay on one device: R after its own forward; the token slices
 * (docs/model.md): F(v,m) after F(v,m-1) and B(v,m-1) after B(v,m) when m continues m-1. */
static void check_same_device(struct checker *ck, struct tables *T)
{
    const struct ps_schedule *s = ck->s;
    struct ps_lookup *L = &T->L;
    char what[96], pw[96], a[32], b[32];
    for (int v = 0; v < L->SV; v++) {
        int d = L->dev_of_v[v];
        for (int m = 0; m < L->M; m++) {
            int edges[3][4] = {{PS_OP_F, m, PS_OP_R, m}, {-1}, {-1}}; /* producer, consumer */
            if (!ps_lookup_has_r(L, v, m))
                edges[0][0] = -1;
            if (ps_scenario_continues(s->sc, m)) {
                int e1[4] = {PS_OP_F, m - 1, PS_OP_F, m}, e2[4] = {PS_OP_B, m, PS_OP_B, m - 1};
                memcpy(edges[1], e1, sizeof e1);
                memcpy(edges[2], e2, sizeof e2);
            }
            for (int e = 0; e < 3; e++) {
                if (edges[e][0] < 0)
                    continue;
                int32_t pi = L->last[ps_op_key(L, edges[e][0], v, edges[e][1])];
                int32_t ci = L->first[ps_op_key(L, edges[e][2], v, edges[e][3])];
                if (pi < 0 || ci < 0)
                    continue; /* reported as missing */
                const struct ps_op *p = &s->dev_ops[d][pi], *c = &s->dev_ops[d][ci];
                if (c->start_ns >= p->end_ns - TOL_NS)
                    continue;
                NAME_OP(d, ci, c);
                ps_op_describe(p, pw, sizeof pw);
                violation(ck, "%s starts at %s ms, before %s ends at %s ms (%s)", what,
                          ms(c->start_ns, a), pw, ms(p->end_ns, b),
                          e == 0 ? "R replays that forward"
                                 : "a later token slice of its sequence");
            }
        }
    }
}

/* The communication arrangement (docs/model.md): with a rendezvous no transfer starts before
 * its receiver posted the receive (the end of the op before the consumer); blocking, the
 * sender starts nothing else until its message has been transmitted. */
static void check_arrangement(struct checker *ck, struct tables *T)
{
    const struct ps_schedule *s = ck->s;
    enum ps_arrangement arr = s->sc->arrangement;
    struct ps_lookup *L = &T->L;
    char what[96], a[32], b[32];
    if (arr == PS_ARRANGE_DECOUPLED)
        return;
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        if (x->kind > 1 || x->from_vstage < 0 || x->from_vstage >= L->SV || x->microbatch < 0 ||
            x->microbatch >= L->M ||
            L->xfer[ps_xfer_key(s, x->kind, x->from_vstage, x->microbatch)] != (int32_t)i)
            continue; /* reported by check_transfers */
        int to = ps_boundary_to(s, x->kind, x->from_vstage);
        int fd = L->dev_of_v[x->from_vstage], td = L->dev_of_v[to];
        int ck_kind = x->kind == PS_XFER_ACTIVATION           ? PS_OP_F
                      : ps_lookup_has_r(L, to, x->microbatch) ? PS_OP_R
                                                              : PS_OP_B;
        int32_t ci = L->first[ps_op_key(L, ck_kind, to, x->microbatch)];
        if (ci > 0 && x->start_ns < s->dev_ops[td][ci - 1].end_ns - TOL_NS) {
            at(ck, AT_XFER, 0, i);
            if (ck->n == 0)
                ps_op_describe(&s->dev_ops[td][ci - 1], what, sizeof what);
            violation(ck,
                      "starts at %s ms, before stage %d posts its receive at %s ms (after %s; "
                      "network.arrangement=%s)",
                      ms(x->start_ns, a), td, ms(s->dev_ops[td][ci - 1].end_ns, b), what,
                      ps_arrangement_str(arr));
        }
        int32_t pi = L->last[ps_op_key(L, x->kind == PS_XFER_ACTIVATION ? PS_OP_F : PS_OP_B,
                                       x->from_vstage, x->microbatch)];
        if (arr != PS_ARRANGE_BLOCKING || pi < 0 || (size_t)pi + 1 >= s->dev_n[fd])
            continue;
        const struct ps_op *nx = &s->dev_ops[fd][pi + 1];
        if (nx->start_ns < x->end_ns - TOL_NS) {
            NAME_OP(fd, pi + 1, nx);
            violation(ck,
                      "%s starts at %s ms while its device's blocking send (transfers[%zu]) is "
                      "on the wire until %s ms",
                      what, ms(nx->start_ns, a), i, ms(x->end_ns, b));
        }
    }
}

/* The data-parallel lane: one AG and one RS per chunk, serial, AG before the chunk's
 * first F, RS after its last W (or B). */
static void check_lanes(struct checker *ck, struct tables *T)
{
    const struct ps_schedule *s = ck->s;
    const struct ps_scenario *sc = s->sc;
    struct ps_lookup *L = &T->L;
    char a[32], b[32];
    for (int d = 0; d < L->S; d++) {
        size_t n = s->dp_n != NULL ? s->dp_n[d] : 0;
        if (!sc->has_data_parallel) {
            if (n > 0) {
                at(ck, AT_LANE, d, 0);
                violation(ck, "the scenario has no data parallelism");
            }
            continue;
        }
        int seen[2][PS_MAX_CHUNKS] = {{0}};
        struct ps_span sl[2 * PS_MAX_CHUNKS];
        size_t ns = 0;
        for (size_t i = 0; i < n; i++) {
            const struct ps_op *op = &s->dp_ops[d][i];
            at(ck, AT_LANE, d, i);
            bool ag = op->kind == PS_OP_AG;
            if ((op->kind != PS_OP_AG && op->kind != PS_OP_RS) || op->chunk >= L->V ||
                seen[ag ? 0 : 1][op->chunk]++ > 0 || ns >= 2 * PS_MAX_CHUNKS) {
                violation(ck, "unexpected or duplicated data-parallel op");
                continue;
            }
            sl[ns++] = (struct ps_span){0, op->start_ns, op->end_ns, (int32_t)i};
            const char *name = ag ? "all-gather" : "reduce-scatter";
            int64_t want = ps_scenario_dp_ns(sc, d, ag, op->chunk, L->V);
            int64_t got = op->end_ns - op->start_ns;
            if (got - want > TOL_NS || want - got > TOL_NS)
                violation(ck, "%s of chunk %d lasts %s ms; the model says %s ms", name, op->chunk,
                          ms(got, a), ms(want, b));
            if (op->start_ns < 0)
                violation(ck, "%s starts before time 0", name);
            int v = L->vtab[d * L->V + op->chunk];
            if (ag) {
                int32_t fi = L->first[ps_op_key(L, PS_OP_F, v, 0)];
                if (fi >= 0 && s->dev_ops[d][fi].start_ns < op->end_ns - TOL_NS)
                    violation(ck,
                              "all-gather of chunk %d ends at %s ms, after the chunk's first F "
                              "starts at %s ms",
                              op->chunk, ms(op->end_ns, a), ms(s->dev_ops[d][fi].start_ns, b));
            } else {
                int lk = T->has_w[d] ? PS_OP_W : PS_OP_B;
                int last_mb = L->M - 1; /* the microbatch of the last backward rank */
                for (int m = 0; m < L->M; m++)
                    if (L->rank[m] == L->M - 1)
                        last_mb = m;
                int32_t li = L->last[ps_op_key(L, lk, v, last_mb)];
                if (li >= 0 && op->start_ns < s->dev_ops[d][li].end_ns - TOL_NS)
                    violation(ck,
                              "reduce-scatter of chunk %d starts at %s ms, before the chunk's "
                              "last %s ends at %s ms",
                              op->chunk, ms(op->start_ns, a), ps_op_kind_str((enum ps_op_kind)lk),
                              ms(s->dev_ops[d][li].end_ns, b));
            }
        }
        for (int c = 0; c < L->V; c++) {
            if (seen[0][c] == 0 || seen[1][c] == 0) {
                at(ck, AT_STAGE, d, 0);
                violation(ck, "the %s of chunk %d is missing",
                          seen[0][c] == 0 ? "all-gather" : "reduce-scatter", c);
            }
        }
        qsort(sl, ns, sizeof *sl, ps_span_cmp);
        for (size_t j = 1; j < ns; j++) {
            if (sl[j].t0 < sl[j - 1].t1 - TOL_NS) {
                at(ck, AT_LANE, d, (size_t)sl[j].id);
                violation(ck,
                          "starts at %s ms while the lane is busy until %s ms (data-parallel op "
                          "%d)",
                          ms(sl[j].t0, a), ms(sl[j - 1].t1, b), (int)sl[j - 1].id);
            }
        }
    }
}

enum ps_status ps_schedule_validate(const struct ps_schedule *s, struct ps_diag *d,
                                    int *n_violations)
{
    struct checker ck = {s, d, 0, AT_NONE, 0, 0};
    ps_diag_clear(d);
    if (n_violations != NULL)
        *n_violations = 0;
    if (s == NULL || s->sc == NULL)
        return ps_diag_set(d, PS_EINVAL, "", "no schedule");
    if (s->solver.status == PS_SOLVE_INFEASIBLE && ps_schedule_n_ops(s) == 0)
        return PS_OK; /* an infeasible result has no ops to check */
    struct ps_diag sd;
    if (ps_scenario_validate(s->sc, &sd) != PS_OK) {
        char p[200];
        snprintf(p, sizeof p, "scenario.%s", sd.path);
        if (n_violations != NULL)
            *n_violations = 1;
        return ps_diag_set(d, PS_EINVAL, p, "%s", sd.msg);
    }
    if (s->n_stages != s->sc->n_stages || s->n_microbatches != s->sc->n_microbatches ||
        s->chunks < 1 || s->chunks > PS_MAX_CHUNKS ||
        (s->traversal == PS_TRAVERSAL_WAVE && s->chunks != 2)) {
        if (n_violations != NULL)
            *n_violations = 1;
        return ps_diag_set(d, PS_EINVAL, "chunks",
                           "the shape (%d stages, %d microbatches, %d chunks, %s) does not fit "
                           "the scenario",
                           s->n_stages, s->n_microbatches, s->chunks,
                           ps_traversal_str(s->traversal));
    }
    size_t missing = 0;
    enum ps_status st = ps_schedule_precheck(s, d, &missing);
    if (st != PS_OK) {
        if (n_violations != NULL)
            *n_violations = missing > INT32_MAX ? INT32_MAX : (int)missing;
        return st;
    }
    struct tables T;
    memset(&T, 0, sizeof T);
    st = ps_lookup_build(&T.L, s);
    if (st != PS_OK)
        return ps_diag_set(d, st, "", "out of memory");
    /* the walk below fills first/last/xfer itself, in time order and with checks */
    size_t nk = PS_COMPUTE_KINDS * (size_t)T.L.SV * (size_t)T.L.M;
    memset(T.L.first, 0xff, nk * sizeof *T.L.first);
    memset(T.L.last, 0xff, nk * sizeof *T.L.last);
    memset(T.L.xfer, 0xff, 2 * (size_t)T.L.SV * (size_t)T.L.M * sizeof *T.L.xfer);
    T.np = calloc(nk, 1);
    T.dc = malloc((size_t)s->n_stages * sizeof *T.dc);
    T.has_w = malloc((size_t)s->n_stages * sizeof *T.has_w);
    if (T.np == NULL || T.dc == NULL || T.has_w == NULL) {
        st = ps_diag_set(d, PS_ENOMEM, "", "out of memory");
        goto out;
    }
    for (int i = 0; i < s->n_stages; i++) {
        T.dc[i] = ps_scenario_dc_of(s->sc, i);
        T.has_w[i] = ps_schedule_has_w(s, i);
    }
    if ((st = check_devices(&ck, &T)) != PS_OK)
        goto out;
    check_complete(&ck, &T);
    if ((st = check_transfers(&ck, &T)) != PS_OK)
        goto out;
    check_arrangement(&ck, &T);
    check_lanes(&ck, &T);
    int64_t maxend = 0;
    for (int i = 0; i < s->n_stages; i++) {
        for (size_t j = 0; j < s->dev_n[i]; j++)
            if (s->dev_ops[i][j].end_ns > maxend)
                maxend = s->dev_ops[i][j].end_ns;
        for (size_t j = 0; s->dp_n != NULL && j < s->dp_n[i]; j++)
            if (s->dp_ops[i][j].end_ns > maxend)
                maxend = s->dp_ops[i][j].end_ns;
    }
    /* a loader that leaves makespan_ns at 0 skips this check */
    if (s->makespan_ns != 0 &&
        (s->makespan_ns - maxend > TOL_NS || maxend - s->makespan_ns > TOL_NS)) {
        char a[32], b[32];
        at(&ck, AT_MAKESPAN, 0, 0);
        violation(&ck, "recorded %s ms, but the last op ends at %s ms", ms(s->makespan_ns, a),
                  ms(maxend, b));
    }
out:
    free(T.np);
    free(T.dc);
    free(T.has_w);
    ps_lookup_fini(&T.L);
    if (st != PS_OK)
        return st;
    if (n_violations != NULL)
        *n_violations = ck.n;
    return ck.n > 0 ? PS_EINVAL : PS_OK;
}
