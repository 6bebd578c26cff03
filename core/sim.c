/* The simulator (SPEC 6, docs/model.md "The simulator"): per-device orders in, exact integer
 * times out. This file sets it up: the dependency rules compiled per (kind, vstage), the
 * boundaries and their transfer slots, each channel's way of ordering its transmissions,
 * the data-parallel lanes; then runs the engine (sim_engine.c) and names a stuck op when
 * the orders deadlock. */
#include "core/sim_internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"

static void sim_free(struct sim *m)
{
    free(m->dev_of_v);
    free(m->vtab);
    free(m->has_w);
    free(m->ready);
    free(m->pend);
    free(m->seen);
    free(m->partsof);
    free(m->whole);
    free(m->outs);
    free(m->dks);
    free(m->amb);
    free(m->f_alloc);
    free(m->a_free);
    free(m->r_alloc);
    free(m->has_r);
    free(m->rank);
    free(m->by_rank);
    free(m->n_r);
    free(m->dev);
    free(m->work);
    free(m->bch);
    free(m->bslot);
    free(m->blat);
    free(m->btx);
    free(m->bbw);
    free(m->bbase);
    free(m->brbase);
    free(m->bto_dev);
    free(m->msg_mb);
    free(m->ch_mode);
    free(m->ch_free);
    free(m->ch_busy_ns);
    free(m->ch_off);
    free(m->ch_seq);
    free(m->ch_pos);
    free(m->x_seq);
    free(m->x_waiting);
    free(m->heap);
    ps_lookup_fini(&m->L);
    free(m->pos);
    free(m->parked);
    free(m->rel);
    free(m->hold);
    free(m->held_by);
    free(m->cq);
    free(m->cq_n);
    free(m->cq_head);
    free(m->ch_ranks);
    free(m->ch_busy);
    free(m->ch_dirty);
    free(m->dirty);
}

/* Whole-stage durations per (stage, kind, microbatch column): every op's duration comes
 * from the model, even if the scenario changed since the op was pushed. Also whether an
 * op may take no time (a part of a chunk shorter than 256 ns may), which allows ties. */
static enum ps_status whole_times(struct sim *m)
{
    int mt = m->sc->per_microbatch != NULL ? m->M : 1;
    m->mt = mt;
    m->whole = malloc((size_t)m->S * PS_COMPUTE_KINDS * (size_t)mt * sizeof *m->whole);
    if (m->whole == NULL)
        return PS_ENOMEM;
    int64_t least = INT64_MAX;
    for (int d = 0; d < m->S; d++) {
        for (int mb = 0; mb < mt; mb++) {
            int64_t *w = &m->whole[((size_t)d * PS_COMPUTE_KINDS) * (size_t)mt + (size_t)mb];
            w[0] = ps_scenario_stage_time_ns(m->sc, d, mb, PS_TIME_F);
            w[(size_t)mt] = ps_scenario_stage_time_ns(
                m->sc, d, mb, m->s->split_backward ? PS_TIME_B : PS_TIME_B_COMBINED);
            w[2 * (size_t)mt] = ps_scenario_stage_time_ns(m->sc, d, mb, PS_TIME_W);
            w[3 * (size_t)mt] = ps_scenario_stage_time_ns(m->sc, d, mb, PS_TIME_R);
            /* R ops (zero-length ones too) exist only where the stage replays */
            for (int kind = 0; kind < (m->has_w[d] ? 3 : 2); kind++)
                for (int c = 0; c < m->V; c++) {
                    int64_t t = ps_split_ns(w[(size_t)kind * (size_t)mt], c, m->V);
                    least = t < least ? t : least;
                }
        }
    }
    m->zero_ops = least < 256 || m->has_r != NULL; /* parts are at most 255 */
    return PS_OK;
}

/* Recomputation, token slices and per-stage memory (docs/model.md): which microbatches a
 * device replays, the backward rank, and what each op allocates and frees. */
static enum ps_status setup_workload(struct sim *m)
{
    const struct ps_scenario *sc = m->sc;
    size_t S = (size_t)m->S, M = (size_t)m->M;
    m->n_r = calloc(S, sizeof *m->n_r);
    if (m->n_r == NULL)
        return PS_ENOMEM;
    if (ps_scenario_has_slices(sc)) {
        m->rank = malloc(M * sizeof *m->rank);
        m->by_rank = malloc(M * sizeof *m->by_rank);
        if (m->rank == NULL || m->by_rank == NULL)
            return PS_ENOMEM;
        ps_scenario_bwd_ranks(sc, m->rank, m->by_rank);
    }
    if (ps_scenario_has_recompute(sc)) {
        m->has_r = malloc(S * M);
        m->r_alloc = malloc(S * M * sizeof *m->r_alloc);
        if (m->has_r == NULL || m->r_alloc == NULL)
            return PS_ENOMEM;
        for (int d = 0; d < m->S; d++)
            for (int i = 0; i < m->M; i++) {
                bool r = ps_scenario_recompute(sc, d, i) > 0;
                m->has_r[(size_t)d * M + (size_t)i] = r;
                m->n_r[d] += r;
                m->r_alloc[(size_t)d * M + (size_t)i] =
                    ps_scenario_recompute_memory(sc, d, i) / m->V;
            }
    }
    if (sc->mb_stage != NULL) {
        m->f_alloc = malloc(S * M * sizeof *m->f_alloc);
        m->a_free = malloc(S * M * sizeof *m->a_free);
        if (m->f_alloc == NULL || m->a_free == NULL)
            return PS_ENOMEM;
        for (int d = 0; d < m->S; d++)
            for (int i = 0; i < m->M; i++) {
                /* as the metrics of a file do: F keeps what is not replayed */
                double a = ps_scenario_stage_memory(sc, d, i) / m->V;
                double r = ps_scenario_recompute_memory(sc, d, i) / m->V;
                m->f_alloc[(size_t)d * M + (size_t)i] = a - r;
                m->a_free[(size_t)d * M + (size_t)i] = a;
            }
    }
    return PS_OK;
}

/* Shape tables and the per-key state. */
static enum ps_status setup_shape(struct sim *m, struct ps_schedule *s)
{
    m->s = s;
    m->sc = s->sc;
    m->S = s->n_stages;
    m->V = s->chunks;
    m->SV = m->S * m->V;
    m->M = s->n_microbatches;
    size_t S = (size_t)m->S, SV = (size_t)m->SV, M = (size_t)m->M;
    m->dev_of_v = malloc(SV * sizeof *m->dev_of_v);
    m->vtab = malloc(SV * sizeof *m->vtab);
    m->has_w = malloc(S * sizeof *m->has_w);
    m->outs = calloc(PS_COMPUTE_KINDS * SV * ps_n_dep_rules + 1, sizeof *m->outs);
    m->dks = calloc(PS_COMPUTE_KINDS * SV, sizeof *m->dks);
    m->amb = malloc(M * sizeof *m->amb);
    m->dev = calloc(S, sizeof *m->dev);
    m->work = malloc(S * sizeof *m->work);
    m->msg_mb = malloc(M * sizeof *m->msg_mb);
    if (m->dev_of_v == NULL || m->vtab == NULL || m->has_w == NULL || m->outs == NULL ||
        m->dks == NULL || m->amb == NULL || m->dev == NULL || m->work == NULL || m->msg_mb == NULL)
        return PS_ENOMEM;
    for (int v = 0; v < m->SV; v++) {
        int d = ps_vstage_device(v, m->S, m->V, s->traversal);
        m->dev_of_v[v] = d;
        m->vtab[d * m->V + ps_vstage_chunk(v, m->S, m->V, s->traversal)] = v;
    }
    bool any_w = false;
    for (int d = 0; d < m->S; d++) {
        m->has_w[d] = ps_schedule_has_w(s, d);
        any_w |= m->has_w[d];
        m->dev[d].ops = s->dev_ops[d];
        m->dev[d].n = s->dev_n[d];
        m->dev[d].wait_key = -1; /* on the stack */
        m->dev[d].wait_dk = -1;
    }
    for (int i = 0; i < m->M; i++) {
        m->msg_mb[i] = ps_scenario_message_mb(m->sc, i);
        m->amb[i] = ps_scenario_memory_scale(m->sc, i) / m->V;
    }
    enum ps_status st = setup_workload(m);
    if (st != PS_OK)
        return st;
    /* keys for the kinds that have ops: the engine touches no other (their kbase is -1) */
    m->nk = m->has_r != NULL ? PS_COMPUTE_KINDS : any_w ? PS_OP_W + 1 : PS_OP_B + 1;
    size_t nkeys = (size_t)m->nk * SV * M;
    m->ready = malloc(nkeys * sizeof *m->ready);
    m->pend = malloc(nkeys);
    /* only ops cut into parts touch these */
    m->seen = calloc(nkeys, 1);
    m->partsof = calloc(nkeys, 1);
    if (m->ready == NULL || m->pend == NULL || m->seen == NULL || m->partsof == NULL)
        return PS_ENOMEM;
    return whole_times(m);
}

/* The boundaries: channel, transfer slot, latency and transmission; the channels. */
static enum ps_status setup_boundaries(struct sim *m)
{
    struct ps_schedule *s = m->s;
    size_t SV = (size_t)m->SV, M = (size_t)m->M;
    m->bch = malloc(2 * SV * sizeof *m->bch);
    m->bslot = malloc(2 * SV * sizeof *m->bslot);
    m->blat = calloc(2 * SV, sizeof *m->blat);
    m->btx = calloc(2 * SV, sizeof *m->btx);
    m->bbw = calloc(2 * SV, sizeof *m->bbw);
    m->bbase = calloc(2 * SV, sizeof *m->bbase);
    m->brbase = calloc(2 * SV, sizeof *m->brbase);
    m->bto_dev = calloc(2 * SV, sizeof *m->bto_dev);
    if (m->bch == NULL || m->bslot == NULL || m->blat == NULL || m->btx == NULL || m->bbw == NULL ||
        m->bbase == NULL || m->brbase == NULL || m->bto_dev == NULL)
        return PS_ENOMEM;
    enum ps_status st = ps_build_channels(s, m->bch);
    if (st != PS_OK)
        return st;
    m->n_ch = s->n_channels;
    int n_cross = 0;
    for (int kind = 0; kind < 2; kind++) {
        for (int v = 0; v < m->SV; v++) {
            int b = kind * m->SV + v, to = ps_boundary_to(s, kind, v);
            m->bslot[b] = -1;
            if (to < 0 || m->dev_of_v[to] == m->dev_of_v[v])
                continue;
            m->bslot[b] = n_cross++;
            struct ps_link link = ps_scenario_link(m->sc, m->dev_of_v[v], m->dev_of_v[to]);
            m->bbw[b] = link.bandwidth_gbps;
            m->blat[b] = ps_ms_to_ns(link.latency_ms);
            /* without per-microbatch scales every message has the same size */
            m->btx[b] = m->sc->per_microbatch != NULL
                            ? -1
                            : ps_tx_ns(m->sc->activation_mb, link.bandwidth_gbps);
        }
    }
    size_t nx = (size_t)n_cross * M;
    /* event ids keep 1 bit for the type */
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
    return PS_OK;
}

/* One output of rule r for producer vstage v. */
static void compile_out(struct sim *m, const struct ps_dep_rule *r, int v, struct sim_out *o)
{
    int d = m->dev_of_v[v], to_v = v + r->dv, to_dev = m->dev_of_v[to_v];
    int b = r->xfer >= 0 && to_dev != d ? ps_boundary(m->s, r->xfer, v) : -1;
    memset(o, 0, sizeof *o);
    /* without recomputation the backward's entry is B */
    o->sel = m->has_r == NULL      ? SEL_FIXED
             : r->to == PS_DEP_BWD ? SEL_BWD
             : r->if_r             ? SEL_IF_R
                                   : SEL_FIXED;
    o->base = (int32_t)sim_key(m, r->to == PS_DEP_BWD ? PS_OP_B : r->to, to_v, 0);
    o->rbase = (int32_t)sim_key(m, PS_OP_R, to_v, 0);
    o->to_dev = to_dev;
    o->slot0 = -1;
    o->path = o->sel != SEL_FIXED ? OUT_SLOW : OUT_LOCAL;
    if (b < 0)
        return;
    o->slot0 = m->bslot[b] * m->M;
    o->chan = m->bch[b];
    o->lat = m->blat[b];
    o->bw = m->bbw[b];
    o->tx = o->chan < 0 ? 0 : m->btx[b];
    o->from_v = (int16_t)v;
    o->xkind = (uint8_t)r->xfer;
    if (o->sel != SEL_FIXED || o->tx < 0 || m->rendezvous)
        o->path = OUT_SLOW;
    else if (o->tx == 0)
        o->path = OUT_FREE;
    else
        o->path = m->ch_mode[o->chan] == CH_INORDER ? OUT_INORDER : OUT_OTHER;
    o->tmpl.channel = o->path == OUT_FREE ? -1 : o->chan;
    o->tmpl.from_stage = (int16_t)d;
    o->tmpl.to_stage = (int16_t)to_dev;
    o->tmpl.from_vstage = (int16_t)v;
    o->tmpl.kind = (uint8_t)r->xfer;
    o->tmpl.chunk = (uint8_t)ps_vstage_chunk(v, m->S, m->V, m->s->traversal);
    m->bbase[b] = o->base;
    m->brbase[b] = o->sel == SEL_BWD ? o->rbase : -1;
    m->bto_dev[b] = to_dev;
}

/* Every key starts with no input known and the number of inputs its rules give it (which
 * depends on whether its device replays the microbatch). */
static void init_inputs(struct sim *m, const int *cnt0, const int *cnt1)
{
    size_t M = (size_t)m->M;
    memset(m->ready, 0, (size_t)m->nk * (size_t)m->SV * M * sizeof *m->ready);
    for (int kind = 0; kind < m->nk; kind++)
        for (int v = 0; v < m->SV; v++) {
            size_t kv = (size_t)kind * (size_t)m->SV + (size_t)v;
            uint8_t *p = &m->pend[sim_key(m, kind, v, 0)];
            if (m->has_r == NULL) {
                memset(p, cnt0[kv], M);
                continue;
            }
            const uint8_t *hr = m->has_r + (size_t)m->dev_of_v[v] * M;
            for (size_t mb = 0; mb < M; mb++)
                p[mb] = (uint8_t)(hr[mb] ? cnt1[kv] : cnt0[kv]);
        }
}

/* The dependency rules compiled per (kind, vstage): outputs and initial input counts;
 * and per (device, kind, chunk): keys, outputs, the memory an op frees. */
static enum ps_status compile_rules(struct sim *m)
{
    int SV = m->SV, V = m->V;
    size_t M = (size_t)m->M;
    double w = m->sc->weight_share;
    size_t nkv = PS_COMPUTE_KINDS * (size_t)SV;
    int *cnt = calloc(2 * nkv, sizeof *cnt); /* inputs per (kind, vstage): not / replayed */
    if (cnt == NULL)
        return PS_ENOMEM;
    m->n_outs = 0;
    for (int kind = 0; kind < PS_COMPUTE_KINDS; kind++)
        for (int v = 0; v < SV; v++) {
            int d = m->dev_of_v[v], chunk = ps_vstage_chunk(v, m->S, V, m->s->traversal);
            struct sim_dk *dk =
                &m->dks[((size_t)d * PS_COMPUTE_KINDS + (size_t)kind) * (size_t)V + chunk];
            bool exists = kind == PS_OP_W ? m->has_w[d] : kind != PS_OP_R || m->has_r != NULL;
            dk->kbase = exists ? (int32_t)sim_key(m, kind, v, 0) : -1;
            dk->out = &m->outs[m->n_outs];
            dk->next = 0;
            dk->count = 0;
            dk->dur = sim_op_ns(m, d, kind, chunk, 0, 0, 1);
            dk->free_fac = kind == PS_OP_B ? (m->has_w[d] ? 1 - w : 1) : w;
            /* memory per microbatch: the same on every stage unless stages differ */
            dk->dmem = kind == PS_OP_F ? 1 : kind == PS_OP_R ? 0 : -dk->free_fac;
            dk->mem_mb = kind == PS_OP_F     ? (m->f_alloc != NULL ? m->f_alloc + d * M : m->amb)
                         : m->a_free != NULL ? m->a_free + d * M
                                             : m->amb;
            for (size_t i = 0; i < ps_n_dep_rules; i++) {
                const struct ps_dep_rule *r = &ps_dep_rules[i];
                if (r->from != kind || !ps_dep_applies(r, v, SV, m->has_w[d]) ||
                    (r->if_r && m->has_r == NULL))
                    continue;
                compile_out(m, r, v, &m->outs[m->n_outs++]);
                int to_v = v + r->dv;
                for (int f = 0; f < 2; f++) {
                    int to = ps_dep_target(r, f);
                    if (to >= 0)
                        cnt[(size_t)f * nkv + (size_t)to * (size_t)SV + (size_t)to_v]++;
                }
            }
            dk->n_out = (int32_t)(&m->outs[m->n_outs] - dk->out);
        }
    init_inputs(m, cnt, cnt + nkv);
    free(cnt);
    return PS_OK;
}

static int cmp_rank(const void *pa, const void *pb)
{
    const int64_t *a = pa, *b = pb; /* (rank, slot) pairs */
    if (a[0] != b[0])
        return (a[0] > b[0]) - (a[0] < b[0]);
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* Each channel's transfer slots with a transmission, and its rank order when ranked:
 * distinct ranks make it CH_RANKED, ties CH_GENERAL. pairs: (rank, slot), n_x x 2. */
static enum ps_status setup_ranked(struct sim *m, int64_t *pairs)
{
    struct ps_schedule *s = m->s;
    size_t *fill = calloc((size_t)m->n_ch + 1, sizeof *fill);
    if (fill == NULL)
        return PS_ENOMEM;
    for (int b = 0; b < 2 * m->SV; b++) {
        int c = m->bch[b];
        if (c < 0 || m->bslot[b] < 0)
            continue;
        for (int i = 0; i < m->M; i++) {
            if (ps_tx_ns(m->msg_mb[i], m->bbw[b]) == 0)
                continue;
            int64_t *p = &pairs[2 * (m->ch_off[c] + fill[c]++)];
            p[0] = s->xfer_rank[ps_xfer_key(s, (enum ps_xfer_kind)(b / m->SV), b % m->SV, i)];
            p[1] = (int64_t)m->bslot[b] * m->M + i;
        }
    }
    for (int c = 0; c < m->n_ch; c++) {
        int64_t *p = &pairs[2 * m->ch_off[c]];
        size_t n = fill[c];
        qsort(p, n, 2 * sizeof *p, cmp_rank);
        bool distinct = true;
        for (size_t i = 1; i < n && distinct; i++)
            distinct = p[2 * i] != p[2 * (i - 1)];
        if (!distinct || (m->mode & PS_SIM_ALL_GENERAL)) {
            m->ch_mode[c] = CH_GENERAL;
            for (size_t i = 0; i < n; i++)
                m->ch_ranks[m->ch_off[c] + i] = p[2 * i];
            continue;
        }
        m->ch_mode[c] = CH_RANKED;
        for (size_t i = 0; i < n; i++) {
            int32_t slot = (int32_t)p[2 * i + 1];
            m->ch_seq[m->ch_off[c] + i] = slot;
            m->x_seq[slot] = (int32_t)i;
        }
        /* past the end: no transfer left to wait for */
        m->ch_seq[m->ch_off[c] + n] = -1;
    }
    free(fill);
    return PS_OK;
}

/* The tables the bubble breakdown reads (core/bubble.c): the engine fills first and last
 * positions as it times the ops; transfer slots follow from the boundaries. */
static enum ps_status setup_lookup(struct sim *m)
{
    if (m->mode & PS_SIM_TIMES_ONLY)
        return PS_OK;
    struct ps_lookup *L = &m->L;
    L->S = m->S;
    L->V = m->V;
    L->SV = m->SV;
    L->M = m->M;
    size_t nk = PS_COMPUTE_KINDS * (size_t)m->SV * (size_t)m->M;
    size_t nx = 2 * (size_t)m->SV * (size_t)m->M;
    L->dev_of_v = malloc((size_t)m->SV * sizeof *L->dev_of_v);
    L->vtab = malloc((size_t)m->SV * sizeof *L->vtab);
    L->first = malloc(nk * sizeof *L->first);
    L->last = malloc(nk * sizeof *L->last);
    L->xfer = malloc(nx * sizeof *L->xfer);
    if (L->dev_of_v == NULL || L->vtab == NULL || L->first == NULL || L->last == NULL ||
        L->xfer == NULL)
        return PS_ENOMEM;
    L->rank = malloc((size_t)m->M * sizeof *L->rank);
    L->has_r = m->has_r != NULL ? malloc((size_t)m->S * (size_t)m->M) : NULL;
    if (L->rank == NULL || (m->has_r != NULL && L->has_r == NULL))
        return PS_ENOMEM;
    ps_scenario_bwd_ranks(m->sc, L->rank, NULL);
    if (m->has_r != NULL)
        memcpy(L->has_r, m->has_r, (size_t)m->S * (size_t)m->M);
    memcpy(L->dev_of_v, m->dev_of_v, (size_t)m->SV * sizeof *L->dev_of_v);
    memcpy(L->vtab, m->vtab, (size_t)m->SV * sizeof *L->vtab);
    for (int b = 0; b < 2 * m->SV; b++) {
        int32_t *x = L->xfer + (size_t)b * (size_t)m->M;
        for (int mb = 0; mb < m->M; mb++)
            x[mb] = m->bslot[b] < 0 ? -1 : m->bslot[b] * m->M + mb;
    }
    return PS_OK;
}

/* The arrangement's state: where each op's part 0 sits (the receiver's post is the end of
 * the op before it), parked transfers, release times, the blocking holds. */
static enum ps_status setup_arrangement(struct sim *m)
{
    struct ps_schedule *s = m->s;
    m->rendezvous = m->sc->arrangement != PS_ARRANGE_DECOUPLED;
    m->blocking = m->sc->arrangement == PS_ARRANGE_BLOCKING;
    m->ranked = s->xfer_rank != NULL && !m->rendezvous;
    if (!m->rendezvous)
        return PS_OK;
    size_t nkeys = PS_COMPUTE_KINDS * (size_t)m->SV * (size_t)m->M, nx = s->n_transfers;
    m->pos = malloc(nkeys * sizeof *m->pos);
    m->parked = malloc(nkeys * sizeof *m->parked);
    m->rel = calloc(nx + 1, sizeof *m->rel);
    m->hold = calloc((size_t)m->S, sizeof *m->hold);
    m->held_by = malloc((size_t)m->S * sizeof *m->held_by);
    if (m->pos == NULL || m->parked == NULL || m->rel == NULL || m->hold == NULL ||
        m->held_by == NULL)
        return PS_ENOMEM;
    memset(m->pos, 0xff, nkeys * sizeof *m->pos);
    memset(m->parked, 0xff, nkeys * sizeof *m->parked);
    for (int d = 0; d < m->S; d++) {
        m->held_by[d] = -1;
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            /* a malformed op is the engine's to report */
            if (op->part != 0 || op->kind > PS_OP_R || op->chunk >= m->V || op->microbatch < 0 ||
                op->microbatch >= m->M)
                continue;
            size_t k = sim_key(m, op->kind, m->vtab[d * m->V + op->chunk], op->microbatch);
            if (m->pos[k] < 0)
                m->pos[k] = (int32_t)i;
        }
    }
    return PS_OK;
}

/* How each channel orders its transmissions, and the general path's queues and events. */
static enum ps_status setup_channels(struct sim *m)
{
    size_t nc = (size_t)m->n_ch, nx = m->s->n_transfers;
    m->ch_mode = calloc(nc + 1, 1);
    m->ch_free = calloc(nc + 1, sizeof *m->ch_free);
    m->ch_busy_ns = calloc(nc + 1, sizeof *m->ch_busy_ns);
    m->ch_off = calloc(nc + 1, sizeof *m->ch_off);
    m->ch_pos = calloc(nc + 1, sizeof *m->ch_pos);
    int *producer = malloc((nc + 1) * sizeof *producer);
    if (m->ch_mode == NULL || m->ch_free == NULL || m->ch_busy_ns == NULL || m->ch_off == NULL ||
        m->ch_pos == NULL || producer == NULL) {
        free(producer);
        return PS_ENOMEM;
    }
    for (size_t c = 0; c < nc; c++)
        producer[c] = -1;
    for (int b = 0; b < 2 * m->SV; b++) {
        int c = m->bch[b];
        if (c < 0)
            continue;
        /* a channel's block holds one slot per microbatch of each of its boundaries, plus
         * one sentinel */
        m->ch_off[c + 1] += (size_t)m->M + 1;
        int d = m->dev_of_v[b % m->SV];
        producer[c] = producer[c] == -1 || producer[c] == d ? d : -2;
    }
    for (size_t c = 0; c < nc; c++)
        m->ch_off[c + 1] += m->ch_off[c];
    bool any_general = false;
    for (size_t c = 0; c < nc; c++) {
        /* with a rendezvous the release order is not the sender's order */
        bool inorder =
            producer[c] >= 0 && !m->zero_ops && !(m->mode & PS_SIM_ALL_GENERAL) && !m->rendezvous;
        m->ch_mode[c] = inorder ? CH_INORDER : CH_GENERAL;
    }
    free(producer);
    enum ps_status st = PS_OK;
    if (m->ranked && nc > 0) {
        int64_t *pairs = malloc(2 * (m->ch_off[nc] + 1) * sizeof *pairs);
        m->ch_seq = malloc((m->ch_off[nc] + 1) * sizeof *m->ch_seq);
        m->ch_ranks = malloc((m->ch_off[nc] + 1) * sizeof *m->ch_ranks);
        m->x_seq = malloc((nx + 1) * sizeof *m->x_seq);
        m->x_waiting = calloc(nx + 1, sizeof *m->x_waiting);
        if (pairs == NULL || m->ch_seq == NULL || m->ch_ranks == NULL || m->x_seq == NULL ||
            m->x_waiting == NULL)
            st = PS_ENOMEM;
        else
            st = setup_ranked(m, pairs);
        free(pairs);
    }
    for (size_t c = 0; c < nc; c++)
        any_general |= m->ch_mode[c] == CH_GENERAL;
    if (st != PS_OK || !any_general)
        return st;
    m->cq = malloc((m->ch_off[nc] + 1) * sizeof *m->cq);
    m->cq_n = calloc(nc + 1, sizeof *m->cq_n);
    m->cq_head = calloc(nc + 1, sizeof *m->cq_head);
    m->ch_busy = calloc(nc + 1, 1);
    m->ch_dirty = calloc(nc + 1, 1);
    m->dirty = malloc((nc + 1) * sizeof *m->dirty);
    /* events in flight: one ready event per transfer, one free event per channel */
    m->hcap = nx + nc + 1;
    m->heap = malloc(m->hcap * sizeof *m->heap);
    if (m->cq == NULL || m->cq_n == NULL || m->cq_head == NULL || m->ch_busy == NULL ||
        m->ch_dirty == NULL || m->dirty == NULL || m->heap == NULL)
        return PS_ENOMEM;
    return PS_OK;
}

/* AG ops run serially from 0 in the order of the chunks' first F; each F of microbatch 0
 * of a chunk waits for its chunk's AG. */
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
            size_t k = sim_key(m, PS_OP_F, m->vtab[d * m->V + op->chunk], 0);
            if (m->ready[k] < ag->end_ns)
                m->ready[k] = ag->end_ns;
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
            /* the last in backward rank with token slices */
            int last_mb = m->by_rank != NULL ? m->by_rank[m->M - 1] : m->M - 1;
            if (op->kind != last_kind || op->microbatch != last_mb || op->part != op->parts - 1)
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

/* ---- deadlocks ------------------------------------------------------------------------- */

/* Index of part 0 of op (kind, chunk, mb) in device d's order (valid orders have it). */
static size_t find_first(const struct ps_schedule *s, int d, int kind, int chunk, int mb)
{
    for (size_t i = 0; i < s->dev_n[d]; i++) {
        const struct ps_op *p = &s->dev_ops[d][i];
        if (p->kind == kind && p->chunk == chunk && p->microbatch == mb && p->part == 0)
            return i;
    }
    return s->dev_n[d];
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
        int ck = x->kind == PS_XFER_ACTIVATION       ? PS_OP_F
                 : sim_replays(m, rd, x->microbatch) ? PS_OP_R /* the gradient feeds R */
                                                     : PS_OP_B;
        size_t k = sim_key(m, ck, to, x->microbatch);
        if (m->parked[k] != id)
            continue;
        char path[32], pred[96], stuck[96] = "the end of its order";
        ps_op_describe(&m->s->dev_ops[rd][m->pos[k] - 1], pred, sizeof pred);
        if (m->dev[rd].next < m->s->dev_n[rd])
            ps_op_describe(&m->s->dev_ops[rd][m->dev[rd].next], stuck, sizeof stuck);
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
    if (d == NULL) /* nobody reads the message (searches over many orders) */
        return PS_EDEADLOCK;
    if (m->blocking && report_held(m, d))
        return PS_EDEADLOCK;
    const struct ps_schedule *s = m->s;
    int dv = 0;
    while (dv < m->S && m->dev[dv].next >= s->dev_n[dv])
        dv++;
    if (dv == m->S)
        return ps_diag_set(d, PS_EDEADLOCK, "", "the orders can never complete");
    uint64_t seen[PS_MAX_STAGES / 64] = {0};
    char what[96], path[32], why[280] = "an input that never arrives", pname[96], sname[96];
    for (;;) {
        seen[dv / 64] |= UINT64_C(1) << (dv % 64);
        const struct ps_op *op = &s->dev_ops[dv][m->dev[dv].next];
        ps_op_describe(op, what, sizeof what);
        snprintf(path, sizeof path, "stage %d", dv);
        int v = m->vtab[dv * m->V + op->chunk], mb = op->microbatch;
        int pk = -1, pv = -1, xk;
        if (op->part > 0 ||
            !ps_dep_input(op->kind, v, m->SV, sim_replays(m, dv, mb), &pk, &pv, &xk))
            break;
        /* an R also waits for its own forward, later in the same order */
        if (op->kind == PS_OP_R && find_first(s, dv, PS_OP_F, op->chunk, mb) > m->dev[dv].next) {
            pk = PS_OP_F;
            pv = v;
        }
        int pd = m->dev_of_v[pv];
        size_t pi = find_first(s, pd, pk, ps_vstage_chunk(pv, m->S, m->V, s->traversal), mb);
        ps_op_describe(&s->dev_ops[pd][pi], pname, sizeof pname);
        if (last_part(s, pd, pi) < m->dev[pd].next) {
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
        const struct ps_op *stuck = &s->dev_ops[pd][m->dev[pd].next];
        if (m->dev[pd].next != pi) {
            ps_op_describe(stuck, sname, sizeof sname);
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

/* ---- the entry point -------------------------------------------------------------------- */

/* Every op that was timed had all its parts, and every (kind, chunk) all its microbatches. */
static bool complete(const struct sim *m)
{
    if (m->firsts != m->lasts)
        return false;
    for (int d = 0; d < m->S; d++)
        for (int i = 0; i < PS_COMPUTE_KINDS * m->V; i++) {
            const struct sim_dk *dk = &m->dks[(size_t)d * PS_COMPUTE_KINDS * (size_t)m->V + i];
            bool r = i / m->V == PS_OP_R;
            if (dk->kbase >= 0 && (r ? dk->count != m->n_r[d] : dk->next != m->M))
                return false;
        }
    return true;
}

enum ps_status ps_sim_run_mode(struct ps_schedule *s, struct ps_diag *d, unsigned mode)
{
    assert(s != NULL && s->sc != NULL);
    ps_diag_clear(d);
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
    struct sim m;
    memset(&m, 0, sizeof m);
    m.mode = mode;
    st = setup_shape(&m, s);
    if (st == PS_OK)
        st = setup_boundaries(&m);
    if (st == PS_ENOMEM)
        ps_diag_set(d, st, "", "out of memory for %zu ops", ps_schedule_n_ops(s));
    else if (st != PS_OK)
        ps_diag_set(d, st, "", "the schedule is too large to simulate");
    if (st == PS_OK)
        st = setup_arrangement(&m);
    if (st == PS_OK)
        st = setup_lookup(&m);
    if (st == PS_OK) {
        st = setup_channels(&m);
        if (st != PS_OK)
            ps_diag_set(d, st, "", "out of memory for %zu ops", ps_schedule_n_ops(s));
    }
    if (st != PS_OK) {
        sim_free(&m);
        return st;
    }
    st = compile_rules(&m);
    if (st != PS_OK) {
        sim_free(&m);
        return ps_diag_set(d, st, "", "out of memory for %zu ops", ps_schedule_n_ops(s));
    }
    m.remaining = ps_schedule_n_ops(s);
    m.fast = !m.rendezvous && m.rank == NULL && m.has_r == NULL && m.mt == 1;
    for (int i = 0; i < m.n_outs; i++)
        m.fast &= m.outs[i].path != OUT_SLOW;
    plan_allgathers(&m);
    sim_run_engine(&m);
    if (m.bad || m.remaining > 0 || !complete(&m)) {
        /* an op out of place (the check in device order names the first), else the
         * orders deadlock */
        st = sim_check_orders(&m, d);
        if (st == PS_OK)
            st = report_deadlock(&m, d);
        sim_free(&m);
        return st;
    }
    plan_reduce_scatters(&m);
    sim_engine_metrics(&m);
    sim_free(&m);
    s->timed = true;
    return PS_OK;
}

enum ps_status ps_sim_run(struct ps_schedule *s, struct ps_diag *d)
{
    return ps_sim_run_mode(s, d, 0);
}

enum ps_status ps_sim_time(struct ps_schedule *s, struct ps_diag *d)
{
    return ps_sim_run_mode(s, d, PS_SIM_TIMES_ONLY);
}
