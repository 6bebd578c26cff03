/* The metrics of a timed schedule (SPEC 6): makespan, bubble, busy time and peak memory
 * per device, whether memory fits, channel use and the lower bound. The simulator calls it
 * after timing; loaders call ps_sim_metrics on times read from a file. */
#include "core/sim_internal.h"

#include <assert.h>
#include <string.h>

#include "core/units.h"

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

/* What op changes on its device's memory (docs/model.md): *alloc from its start, *freed
 * from its end. F keeps what is not replayed; R allocates the rest again; B frees its share
 * (1 - w of it when a W follows), W the rest. The one rule of the peak and of
 * ps_memory_at. */
static void mem_delta(const struct ps_schedule *s, int d, const struct ps_op *op, bool has_w,
                      double *alloc, double *freed)
{
    const struct ps_scenario *sc = s->sc;
    double w = sc->weight_share;
    double a = ps_scenario_stage_memory(sc, d, op->microbatch) / s->chunks;
    double r = ps_scenario_recompute_memory(sc, d, op->microbatch) / s->chunks;
    *alloc = *freed = 0;
    if ((op->kind == PS_OP_F || op->kind == PS_OP_R) && op->part == 0)
        *alloc = op->kind == PS_OP_F ? a - r : r;
    if (op->part == op->parts - 1) {
        if (op->kind == PS_OP_B)
            *freed = has_w ? (1 - w) * a : a;
        else if (op->kind == PS_OP_W)
            *freed = w * a;
    }
}

double ps_memory_at(const struct ps_schedule *s, int d, int64_t t)
{
    double cur = 0;
    bool has_w = ps_schedule_has_w(s, d);
    for (size_t i = 0; i < s->dev_n[d]; i++) {
        const struct ps_op *op = &s->dev_ops[d][i];
        if (op->start_ns > t)
            break;
        if (op->microbatch < 0 || op->microbatch >= s->n_microbatches)
            continue;
        double alloc, freed;
        mem_delta(s, d, op, has_w, &alloc, &freed);
        cur += alloc;
        if (op->end_ns <= t)
            cur -= freed;
    }
    return cur;
}

/* What both metric passes set once their per-device loop has the makespan, the busy time
 * of every device and whether each fits the memory limit. */
static void set_totals(struct ps_schedule *s, int64_t makespan, int64_t busy_total, bool ok)
{
    s->makespan_ns = makespan;
    s->bubble_ratio =
        makespan > 0 ? 1.0 - (double)busy_total / ((double)s->n_stages * (double)makespan) : 0.0;
    s->memory_ok = ok;
}

static void set_lower_bound(struct ps_schedule *s)
{
    struct ps_bound lb;
    ps_lower_bound(s->sc, &lb);
    s->lower_bound_ns = lb.value;
    s->lower_bound_binds = (int)lb.binds;
}

void sim_compute_metrics(struct ps_schedule *s)
{
    const struct ps_scenario *sc = s->sc;
    int64_t makespan = 0, busy_total = 0;
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
            double alloc, freed;
            mem_delta(s, d, op, has_w, &alloc, &freed);
            cur += alloc;
            if (cur > peak)
                peak = cur;
            cur -= freed;
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
    set_totals(s, makespan, busy_total, ok);
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
    set_lower_bound(s);
    if (ps_bubble_compute(s, s->bubble_ns) != PS_OK) /* out of memory: no breakdown */
        memset(s->bubble_ns, 0, (size_t)s->n_stages * PS_BUBBLE_COUNT * sizeof *s->bubble_ns);
}

void sim_engine_metrics(struct sim *m)
{
    struct ps_schedule *s = m->s;
    const struct ps_scenario *sc = s->sc;
    int64_t makespan = 0, busy_total = 0;
    bool ok = true;
    for (int d = 0; d < s->n_stages; d++) {
        if (m->dev[d].free_at > makespan)
            makespan = m->dev[d].free_at;
        for (size_t i = 0; i < s->dp_n[d]; i++)
            if (s->dp_ops[d][i].end_ns > makespan)
                makespan = s->dp_ops[d][i].end_ns;
        s->busy_ns[d] = m->dev[d].busy;
        busy_total = add_sat(busy_total, m->dev[d].busy);
        s->peak_memory[d] = m->dev[d].peak;
        if (sc->has_memory_limit && m->dev[d].peak > sc->memory_limit + 1e-9)
            ok = false;
    }
    set_totals(s, makespan, busy_total, ok);
    /* channels: their transmission time, and how many transfers they carried */
    for (int c = 0; c < s->n_channels; c++) {
        s->channels[c].busy_ns = m->ch_busy_ns[c];
        s->channels[c].n_transfers = 0;
    }
    for (int b = 0; b < 2 * m->SV; b++) {
        int c = m->bch[b];
        if (c < 0 || m->bslot[b] < 0)
            continue;
        if (m->btx[b] >= 0) /* every message has the same size */
            s->channels[c].n_transfers += m->btx[b] > 0 ? m->M : 0;
        else
            for (int mb = 0; mb < m->M; mb++)
                s->channels[c].n_transfers += ps_tx_ns(m->msg_mb[mb], m->bbw[b]) > 0;
    }
    if (m->mode & PS_SIM_TIMES_ONLY)
        return;
    set_lower_bound(s);
    ps_bubble_compute_with(s, &m->L, s->bubble_ns);
}

enum ps_status ps_sim_metrics(struct ps_schedule *s)
{
    assert(s != NULL);
    sim_compute_metrics(s);
    return PS_OK;
}
