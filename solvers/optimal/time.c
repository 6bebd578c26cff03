/* The slot (time-indexed) formulation of the optimal solver: z(o, t) = "o has started by
 * slot t", one binary per op (and per channel transmission) and slot of its window;
 * precedence, capacity and memory rows per slot. Exact when the slot divides every time;
 * with times rounded down ("rounded") a relaxation whose orders are re-timed exactly. */
#include "solvers/optimal/internal.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b != 0) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The time unit dividing every duration, transmission, latency and DP op, or 0 when a
 * compute op takes no time (the slot model needs every op to occupy its device). */
int64_t opt_time_unit(const struct model *m, int64_t ub)
{
    int64_t g = ub;
    for (int i = 0; i < m->n_ops; i++) {
        if (!m->ops[i].present)
            continue;
        if (m->ops[i].dur <= 0)
            return 0;
        g = gcd64(g, m->ops[i].dur);
    }
    for (int x = 0; x < m->n_xfers; x++) {
        g = gcd64(g, m->xfers[x].tx);
        g = gcd64(g, m->xfers[x].lat);
    }
    for (int d = 0; d < m->S; d++)
        for (int c = 0; c < m->V; c++) {
            g = gcd64(g, m->ag_end[d][c]);
            g = gcd64(g, m->rs[d][c]);
        }
    return g;
}

/* The slot model's variables are cumulative: z(o, t) = "o has started by slot t", one
 * binary per slot of the window but the last (where it is 1). Adds coef x z(o, t). */
static void row_add_started(struct row *r, int col0, int ws, int wl, long t, double coef)
{
    if (t < ws)
        return;
    if (t >= ws + wl - 1) {
        r->rhs_shift += coef; /* surely started */
        return;
    }
    opt_row_add(r, col0 + (int)(t - ws), coef);
}

/* Slot durations, heads and tails for a slot of `unit` ns: exact when the unit divides
 * every time; otherwise every duration, transmission and latency is rounded down, which
 * makes the slot model a relaxation (any schedule's orders, re-timed with the shorter
 * times, start on the grid and end no later), so its optimum is a lower bound. */
void opt_time_prepare(struct model *m, int64_t unit, bool relaxed)
{
    m->unit = unit;
    m->relaxed = relaxed;
    for (int i = 0; i < m->n_ops; i++)
        m->ops[i].sd = (long)(m->ops[i].dur / unit);
    for (int x = 0; x < m->n_xfers; x++) {
        m->xfers[x].stx = (long)(m->xfers[x].tx / unit);
        m->xfers[x].slat = (long)(m->xfers[x].lat / unit);
    }
    for (int d = 0; d < m->S; d++)
        for (int c = 0; c < m->V; c++) {
            /* AGs run back to back: the rounded lane end is the sum of rounded AGs */
            int64_t prev = c > 0 ? m->ag_end[d][c - 1] : 0;
            m->ag_s[d][c] =
                (c > 0 ? m->ag_s[d][c - 1] : 0) + (long)((m->ag_end[d][c] - prev) / unit);
            m->rs_s[d][c] = (long)(m->rs[d][c] / unit);
        }
    for (int k = 0; k < m->n_live; k++) {
        struct mop *o = &m->ops[m->topo[k]];
        o->sh = o->kind == PS_OP_F && o->mb == 0 ? m->ag_s[o->dev][o->chunk] : 0;
    }
    for (int k = 0; k < m->n_live; k++) {
        int a = m->topo[k];
        for (int e = 0; e < m->n_edges; e++) {
            const struct edge *ed = &m->edges[e];
            if (ed->from != a)
                continue;
            long dl = m->ops[a].sd;
            if (ed->xfer >= 0)
                dl += m->xfers[ed->xfer].stx + m->xfers[ed->xfer].slat;
            if (m->ops[ed->to].sh < m->ops[a].sh + dl)
                m->ops[ed->to].sh = m->ops[a].sh + dl;
        }
    }
    for (int k = m->n_live - 1; k >= 0; k--) {
        int a = m->topo[k];
        struct mop *o = &m->ops[a];
        o->st = opt_is_last_of_chunk(m, o) ? m->rs_s[o->dev][o->chunk] : 0;
        for (int e = 0; e < m->n_edges; e++) {
            const struct edge *ed = &m->edges[e];
            if (ed->from != a)
                continue;
            long dl = 0;
            if (ed->xfer >= 0)
                dl += m->xfers[ed->xfer].stx + m->xfers[ed->xfer].slat;
            const struct mop *b = &m->ops[ed->to];
            if (o->st < dl + b->sd + b->st)
                o->st = dl + b->sd + b->st;
        }
    }
    if (relaxed)
        return;
    /* exact slots: every schedule left-shifted starts on the grid, so the heads and tails
     * of the presolve (energy.c's included), rounded up to whole slots, hold too */
    for (int k = 0; k < m->n_live; k++) {
        struct mop *o = &m->ops[m->topo[k]];
        long h = (long)((o->head + unit - 1) / unit), t = (long)((o->tail + unit - 1) / unit);
        if (o->sh < h)
            o->sh = h;
        if (o->st < t)
            o->st = t;
    }
}

/* Window of an op in slots for an incumbent of ub_s slots. */
static void op_window(const struct mop *o, long ub_s, int *ws, int *wl)
{
    long we = ub_s - o->st - o->sd;
    *ws = (int)o->sh;
    *wl = we >= o->sh ? (int)(we - o->sh + 1) : 1;
}

static void xfer_window(const struct model *m, const struct mxfer *t, long ub_s, int *ws, int *wl)
{
    const struct mop *a = &m->ops[t->from], *b = &m->ops[t->to];
    long lo = a->sh + a->sd, we = ub_s - b->st - b->sd - t->stx - t->slat;
    *ws = (int)lo;
    *wl = we >= lo ? (int)(we - lo + 1) : 1;
}

/* Counts the time-indexed binaries (after opt_time_prepare) for an incumbent of ub ns. */
long opt_time_count(const struct model *m, int64_t ub)
{
    long n = 0, ub_s = (long)(ub / m->unit);
    for (int i = 0; i < m->n_ops; i++) {
        if (!m->ops[i].present)
            continue;
        int ws, wl;
        op_window(&m->ops[i], ub_s, &ws, &wl);
        n += wl - 1;
    }
    for (int x = 0; x < m->n_xfers; x++) {
        if (m->xfers[x].chan < 0)
            continue;
        int ws, wl;
        xfer_window(m, &m->xfers[x], ub_s, &ws, &wl);
        n += wl - 1;
    }
    return n;
}

/* One "at most one at a time" row per slot for a set of windows (device or channel). */
static enum ps_status ti_capacity(struct model *m, const int *cols, const int *ws, const int *wl,
                                  const long *dur, int n)
{
    struct row r = {0};
    for (int t = 0; t < m->n_slots; t++) {
        /* busy at t: started by t, not by t - dur */
        for (int i = 0; i < n; i++) {
            if (dur[i] <= 0)
                continue;
            row_add_started(&r, cols[i], ws[i], wl[i], t, 1);
            row_add_started(&r, cols[i], ws[i], wl[i], t - dur[i], -1);
        }
        if (r.n + r.xn > 1) {
            if (opt_row_end(m, &r, -HUGE_VAL, 1) != PS_OK)
                return PS_ENOMEM;
        } else {
            opt_row_drop(&r);
        }
    }
    return PS_OK;
}

/* Columns: the makespan, the cumulative start binaries of every op and transmission, and
 * with two chunks and data parallelism which chunk's RS goes first. */
static void time_columns(struct model *m, int64_t ub, int64_t lb, bool names)
{
    const struct ps_scenario *sc = m->sc;
    int64_t u = m->unit;
    long ub_s = (long)(ub / u);

    if (m->relaxed) {
        /* the relaxation may go below the true lower bound: its own heads and tails */
        lb = 0;
        for (int i = 0; i < m->n_ops; i++)
            if (m->ops[i].present && (m->ops[i].sh + m->ops[i].sd + m->ops[i].st) * u > lb)
                lb = (m->ops[i].sh + m->ops[i].sd + m->ops[i].st) * u;
    }
    opt_makespan_col(m, (m->tighten & T_LB) ? ms(lb) : 0, ms(ub), names);
    for (int i = 0; i < m->n_ops; i++) {
        struct mop *o = &m->ops[i];
        if (!o->present)
            continue;
        op_window(o, ub_s, &o->ws, &o->wl);
        o->col = o->wl > 1 ? glp_add_cols(m->lp, o->wl - 1) : 0;
        for (int k = 0; k < o->wl - 1; k++) {
            glp_set_col_kind(m->lp, o->col + k, GLP_BV);
            opt_col_name(m, o->col + k, names, "z_%c_v%d_m%d_s%d", opt_kind_ch[o->kind], o->v,
                         o->mb, o->ws + k);
        }
        m->n_bin += o->wl - 1;
    }
    for (int x = 0; x < m->n_xfers; x++) {
        struct mxfer *t = &m->xfers[x];
        if (t->chan < 0)
            continue;
        xfer_window(m, t, ub_s, &t->ws, &t->wl);
        t->col = t->wl > 1 ? glp_add_cols(m->lp, t->wl - 1) : 0;
        for (int k = 0; k < t->wl - 1; k++) {
            glp_set_col_kind(m->lp, t->col + k, GLP_BV);
            opt_col_name(m, t->col + k, names, "y_%s_v%d_m%d_s%d",
                         t->kind == PS_XFER_ACTIVATION ? "act" : "grad", t->from_v, t->mb,
                         t->ws + k);
        }
        m->n_bin += t->wl - 1;
    }
    for (int d = 0; d < m->S; d++)
        m->col_rs[d] = 0;
    if (sc->has_data_parallel && m->V == 2)
        for (int d = 0; d < m->S; d++) {
            m->col_rs[d] = glp_add_cols(m->lp, 1);
            glp_set_col_kind(m->lp, m->col_rs[d], GLP_BV);
            opt_col_name(m, m->col_rs[d], names, "rs_first_%d", d);
            m->n_bin++;
        }
    m->n_cols = glp_get_num_cols(m->lp);
}

/* "Started stays started", and precedence aggregated per slot: b started by t implies a
 * started by t - delay. */
static enum ps_status time_precedence_rows(struct model *m)
{
    struct row r = {0};

    /* started stays started */
    for (int i = 0; i < m->n_ops + m->n_xfers; i++) {
        int col0, wl;
        if (i < m->n_ops) {
            if (!m->ops[i].present)
                continue;
            col0 = m->ops[i].col, wl = m->ops[i].wl;
        } else {
            if (m->xfers[i - m->n_ops].chan < 0)
                continue;
            col0 = m->xfers[i - m->n_ops].col, wl = m->xfers[i - m->n_ops].wl;
        }
        for (int k = 0; k + 1 < wl - 1; k++) {
            opt_row_add(&r, col0 + k, 1);
            opt_row_add(&r, col0 + k + 1, -1);
            if (opt_row_end(m, &r, -HUGE_VAL, 0) != PS_OK)
                return PS_ENOMEM;
        }
    }
    /* precedence, aggregated: b started by t => a started by t - delay */
    for (int e = 0; e < m->n_edges; e++) {
        const struct edge *ed = &m->edges[e];
        const struct mop *a = &m->ops[ed->from], *b = &m->ops[ed->to];
        int hops = 1;
        int c0[2], w0[2], l0[2], c1[2], w1[2], l1[2];
        long k[2];
        if (ed->xfer >= 0 && m->xfers[ed->xfer].chan >= 0) {
            const struct mxfer *t = &m->xfers[ed->xfer];
            hops = 2;
            c0[0] = a->col, w0[0] = a->ws, l0[0] = a->wl;
            c1[0] = t->col, w1[0] = t->ws, l1[0] = t->wl, k[0] = a->sd;
            c0[1] = t->col, w0[1] = t->ws, l0[1] = t->wl;
            c1[1] = b->col, w1[1] = b->ws, l1[1] = b->wl, k[1] = t->stx + t->slat;
        } else {
            c0[0] = a->col, w0[0] = a->ws, l0[0] = a->wl;
            c1[0] = b->col, w1[0] = b->ws, l1[0] = b->wl;
            k[0] = a->sd + (ed->xfer >= 0 ? m->xfers[ed->xfer].stx + m->xfers[ed->xfer].slat : 0);
        }
        for (int h = 0; h < hops; h++)
            for (long t = w1[h]; t < w1[h] + l1[h] - 1; t++) {
                if (t - k[h] >= w0[h] + l0[h] - 1)
                    break; /* the predecessor has surely started */
                row_add_started(&r, c1[h], w1[h], l1[h], t, 1);
                row_add_started(&r, c0[h], w0[h], l0[h], t - k[h], -1);
                if (opt_row_end(m, &r, -HUGE_VAL, 0) != PS_OK)
                    return PS_ENOMEM;
            }
    }
    return PS_OK;
}

/* One op at a time per device, one transmission at a time per channel. */
static enum ps_status time_capacity_rows(struct model *m)
{

    int maxn = opt_max_machine_ops(m);
    int *cols = malloc((size_t)maxn * 3 * sizeof *cols);
    long *dur = malloc((size_t)maxn * sizeof *dur);
    if (cols == NULL || dur == NULL) {
        free(cols);
        free(dur);
        return PS_ENOMEM;
    }
    int *wss = cols + maxn, *wls = cols + 2 * maxn;
    enum ps_status st = PS_OK;
    for (int d = 0; d < m->S && st == PS_OK; d++) {
        for (int i = 0; i < m->dev_n[d]; i++) {
            const struct mop *o = &m->ops[m->dev_op[d][i]];
            cols[i] = o->col, wss[i] = o->ws, wls[i] = o->wl, dur[i] = o->sd;
        }
        st = ti_capacity(m, cols, wss, wls, dur, m->dev_n[d]);
    }
    for (int c = 0; c < m->n_chans && st == PS_OK; c++) {
        for (int i = 0; i < m->chan_n[c]; i++) {
            const struct mxfer *x = &m->xfers[m->chan_x[c][i]];
            cols[i] = x->col, wss[i] = x->ws, wls[i] = x->wl, dur[i] = x->stx;
        }
        st = ti_capacity(m, cols, wss, wls, dur, m->chan_n[c]);
    }
    free(cols);
    free(dur);
    return st;
}

/* memory at each slot where an F may start: allocations of the F started by then minus
 * the frees of the B and W ended by then (frees first) */
static enum ps_status time_memory_rows(struct model *m)
{
    const struct ps_scenario *sc = m->sc;
    struct row r = {0};

    for (int d = 0; d < m->S; d++)
        for (int t = 0; t < m->n_slots; t++) {
            bool any = false;
            for (int i = 0; i < m->dev_n[d]; i++) {
                const struct mop *o = &m->ops[m->dev_op[d][i]];
                if (o->kind == PS_OP_F && t >= o->ws && t < o->ws + o->wl)
                    any = true;
            }
            if (!any)
                continue;
            for (int i = 0; i < m->dev_n[d]; i++) {
                const struct mop *o = &m->ops[m->dev_op[d][i]];
                long at = o->alloc > 0 ? t : t - o->sd;
                row_add_started(&r, o->col, o->ws, o->wl, at, o->alloc);
            }
            if (r.n + r.xn == 0) {
                opt_row_drop(&r);
                continue;
            }
            if (opt_row_end(m, &r, -HUGE_VAL, sc->memory_limit + 1e-9) != PS_OK)
                return PS_ENOMEM;
        }
    return PS_OK;
}

/* The makespan after the last op of every chunk and its RS (and both RS with two chunks
 * and data parallelism). */
static enum ps_status time_makespan_rows(struct model *m, int64_t ub)
{
    const struct ps_scenario *sc = m->sc;
    int64_t u = m->unit;
    struct row r = {0};

    for (int i = 0; i < m->n_ops; i++) {
        const struct mop *o = &m->ops[i];
        if (!o->present || !opt_is_last_of_chunk(m, o))
            continue;
        /* start slot = last window slot - (number of earlier slots started by) */
        opt_row_add(&r, m->col_c, m->c_unit_ms);
        for (int k = 0; k < o->wl - 1; k++)
            opt_row_add(&r, o->col + k, ms(u));
        int64_t end = (int64_t)(o->ws + o->wl - 1 + o->sd + m->rs_s[o->dev][o->chunk]) * u;
        if (opt_row_end(m, &r, ms(end), HUGE_VAL) != PS_OK)
            return PS_ENOMEM;
    }
    if (sc->has_data_parallel && m->V == 2)
        for (int d = 0; d < m->S; d++) {
            int kind0 = ps_schedule_has_w(m->shape, d) ? PS_OP_W : PS_OP_B;
            int ids[2] = {op_id(m, kind0, ps_vstage_of(d, 0, m->S, 2, m->tr), m->last_b),
                          op_id(m, kind0, ps_vstage_of(d, 1, m->S, 2, m->tr), m->last_b)};
            double both = ms((m->rs_s[d][0] + m->rs_s[d][1]) * u), big = ms(ub) + both;
            for (int h = 0; h < 2; h++) {
                const struct mop *o = &m->ops[ids[h]];
                /* chunk 0's op ends first when rs_first = 1: the lane then runs RS 0 and
                 * RS 1 back to back after it: C >= end + both - big [not first] */
                opt_row_add(&r, m->col_c, m->c_unit_ms);
                for (int k = 0; k < o->wl - 1; k++)
                    opt_row_add(&r, o->col + k, ms(u));
                opt_row_add(&r, m->col_rs[d], h == 0 ? -big : big);
                int64_t latest = (int64_t)(o->ws + o->wl - 1 + o->sd) * u;
                if (opt_row_end(m, &r, ms(latest) + both - (h == 0 ? big : 0), HUGE_VAL) != PS_OK)
                    return PS_ENOMEM;
            }
        }
    return PS_OK;
}

enum ps_status opt_time_build(struct model *m, int64_t ub, int64_t lb, bool names)
{
    m->lp = glp_create_prob();
    glp_set_obj_dir(m->lp, GLP_MIN);
    m->ub_ms = ms(ub);
    m->n_slots = (int)(ub / m->unit);
    m->n_bin = 0;
    time_columns(m, ub, lb, names);
    enum ps_status st = time_precedence_rows(m);
    if (st == PS_OK)
        st = time_capacity_rows(m);
    if (st == PS_OK && m->sc->has_memory_limit)
        st = time_memory_rows(m);
    if (st == PS_OK)
        st = time_makespan_rows(m, ub);
    if (st != PS_OK)
        return st;
    glp_load_matrix(m->lp, (int)m->nz, m->ia, m->ja, m->ar);
    return PS_OK;
}

/* Start slots of a timed schedule's ops and transmissions in the slot model: its times
 * divided by the unit (exact), or its orders re-timed with the rounded-down slot times
 * (relaxed: a longest path over dependencies, device orders and channel orders). */
static enum ps_status schedule_slots(const struct model *m, const struct ps_schedule *s, long *op_s,
                                     long *x_s)
{
    size_t nk = ps_schedule_xfer_keys(s);
    int *of_key = malloc((nk + 1) * sizeof *of_key);
    int64_t *xstart = malloc(((size_t)m->n_xfers + 1) * sizeof *xstart);
    if (of_key == NULL || xstart == NULL) {
        free(of_key);
        free(xstart);
        return PS_ENOMEM;
    }
    for (int x = 0; x < m->n_xfers; x++) {
        of_key[ps_xfer_key(s, (enum ps_xfer_kind)m->xfers[x].kind, m->xfers[x].from_v,
                           m->xfers[x].mb)] = x;
        xstart[x] = 0;
    }
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *t = &s->transfers[i];
        xstart[of_key[ps_xfer_key(s, (enum ps_xfer_kind)t->kind, t->from_vstage, t->microbatch)]] =
            t->start_ns;
    }
    enum ps_status st = PS_OK;
    if (!m->relaxed) {
        for (int d = 0; d < m->S; d++)
            for (size_t i = 0; i < s->dev_n[d]; i++) {
                const struct ps_op *o = &s->dev_ops[d][i];
                int v = ps_vstage_of(d, o->chunk, m->S, m->V, m->tr);
                if (o->start_ns % m->unit != 0)
                    st = PS_EINVAL;
                op_s[op_id(m, o->kind, v, o->microbatch)] = (long)(o->start_ns / m->unit);
            }
        for (int x = 0; x < m->n_xfers; x++) {
            if (xstart[x] % m->unit != 0)
                st = PS_EINVAL;
            x_s[x] = (long)(xstart[x] / m->unit);
        }
        free(of_key);
        free(xstart);
        return st;
    }
    /* relaxed: iterate the longest-path relaxation to a fixpoint (the constraint graph is
     * acyclic for a schedule that simulated, so this ends after at most its depth) */
    for (int i = 0; i < m->n_ops; i++)
        op_s[i] = m->ops[i].present && m->ops[i].kind == PS_OP_F && m->ops[i].mb == 0
                      ? m->ag_s[m->ops[i].dev][m->ops[i].chunk]
                      : 0;
    for (int x = 0; x < m->n_xfers; x++)
        x_s[x] = 0;
    int *chan_sorted = malloc(((size_t)m->n_xfers + 1) * sizeof *chan_sorted);
    if (chan_sorted == NULL) {
        free(of_key);
        free(xstart);
        return PS_ENOMEM;
    }
    bool changed = true;
    int rounds = 0;
    while (changed && rounds++ < m->n_live + m->n_xfers + 2) {
        changed = false;
#define RAISE(var, val)                                                                            \
    do {                                                                                           \
        long v_ = (val);                                                                           \
        if ((var) < v_) {                                                                          \
            (var) = v_;                                                                            \
            changed = true;                                                                        \
        }                                                                                          \
    } while (0)
        for (int e = 0; e < m->n_edges; e++) {
            const struct edge *ed = &m->edges[e];
            const struct mop *a = &m->ops[ed->from];
            if (ed->xfer >= 0 && m->xfers[ed->xfer].chan >= 0) {
                const struct mxfer *t = &m->xfers[ed->xfer];
                RAISE(x_s[ed->xfer], op_s[ed->from] + a->sd);
                RAISE(op_s[ed->to], x_s[ed->xfer] + t->stx + t->slat);
            } else {
                long dl = a->sd;
                if (ed->xfer >= 0)
                    dl += m->xfers[ed->xfer].stx + m->xfers[ed->xfer].slat;
                RAISE(op_s[ed->to], op_s[ed->from] + dl);
            }
        }
        for (int d = 0; d < m->S; d++)
            for (size_t i = 1; i < s->dev_n[d]; i++) {
                const struct ps_op *p0 = &s->dev_ops[d][i - 1], *p1 = &s->dev_ops[d][i];
                int a = op_id(m, p0->kind, ps_vstage_of(d, p0->chunk, m->S, m->V, m->tr),
                              p0->microbatch);
                int b = op_id(m, p1->kind, ps_vstage_of(d, p1->chunk, m->S, m->V, m->tr),
                              p1->microbatch);
                RAISE(op_s[b], op_s[a] + m->ops[a].sd);
            }
        for (int c = 0; c < m->n_chans; c++) {
            int n = m->chan_n[c];
            for (int i = 0; i < n; i++)
                chan_sorted[i] = m->chan_x[c][i];
            /* the schedule's channel order: by transmission start (insertion sort) */
            for (int i = 1; i < n; i++)
                for (int j = i; j > 0 && xstart[chan_sorted[j]] < xstart[chan_sorted[j - 1]]; j--) {
                    int tmp = chan_sorted[j];
                    chan_sorted[j] = chan_sorted[j - 1];
                    chan_sorted[j - 1] = tmp;
                }
            for (int i = 1; i < n; i++)
                RAISE(x_s[chan_sorted[i]],
                      x_s[chan_sorted[i - 1]] + m->xfers[chan_sorted[i - 1]].stx);
        }
#undef RAISE
    }
    if (changed)
        st = PS_EINVAL;
    free(chan_sorted);
    free(of_key);
    free(xstart);
    return st;
}

/* Fills x with the slot model's values of a timed schedule; PS_EINVAL when a time is off
 * the grid or outside its window. */
enum ps_status opt_time_incumbent(const struct model *m, const struct ps_schedule *s, double *x)
{
    long *op_s = malloc(((size_t)m->n_ops + 1) * sizeof *op_s);
    long *x_s = malloc(((size_t)m->n_xfers + 1) * sizeof *x_s);
    enum ps_status st = op_s && x_s ? schedule_slots(m, s, op_s, x_s) : PS_ENOMEM;
    long c_s = 0;
    for (int i = 0; i < m->n_ops && st == PS_OK; i++) {
        const struct mop *mo = &m->ops[i];
        if (!mo->present)
            continue;
        long k = op_s[i] - mo->ws;
        if (k < 0 || k >= mo->wl) {
            st = PS_EINVAL;
            break;
        }
        for (long q = k; q < mo->wl - 1; q++)
            x[mo->col + q] = 1;
        if (opt_is_last_of_chunk(m, mo) && op_s[i] + mo->sd + m->rs_s[mo->dev][mo->chunk] > c_s)
            c_s = op_s[i] + mo->sd + m->rs_s[mo->dev][mo->chunk];
    }
    for (int j = 0; j < m->n_xfers && st == PS_OK; j++) {
        const struct mxfer *mx = &m->xfers[j];
        if (mx->chan < 0)
            continue;
        long k = x_s[j] - mx->ws;
        if (k < 0 || k >= mx->wl) {
            st = PS_EINVAL;
            break;
        }
        for (long q = k; q < mx->wl - 1; q++)
            x[mx->col + q] = 1;
    }
    if (st == PS_OK && m->sc->has_data_parallel && m->V == 2)
        for (int d = 0; d < m->S; d++) {
            int kind0 = ps_schedule_has_w(m->shape, d) ? PS_OP_W : PS_OP_B;
            long end[2];
            for (int c = 0; c < 2; c++) {
                int id = op_id(m, kind0, ps_vstage_of(d, c, m->S, 2, m->tr), m->last_b);
                end[c] = op_s[id] + m->ops[id].sd;
            }
            x[m->col_rs[d]] = end[0] <= end[1] ? 1 : 0;
            long both = (end[0] <= end[1] ? end[0] : end[1]) + m->rs_s[d][0] + m->rs_s[d][1];
            if (both > c_s)
                c_s = both;
        }
    x[m->col_c] = ms(c_s * m->unit) / m->c_unit_ms;
    free(op_s);
    free(x_s);
    return st;
}

/* Start slot of a window in the MILP solution: the first slot started by. */
static int ti_start(glp_prob *lp, int col0, int ws, int wl)
{
    for (int k = 0; k < wl - 1; k++)
        if (glp_mip_col_val(lp, col0 + k) > 0.5)
            return ws + k;
    return ws + wl - 1;
}

/* Device orders by start slot (ties cannot happen: every op occupies its slots), channel
 * ranks by transmission start. */
enum ps_status opt_slot_orders(const struct model *m, struct ps_schedule *s, const long *op_s,
                               const long *x_s)
{
    struct keyed *k = opt_keys_new(m);
    if (k == NULL)
        return PS_ENOMEM;
    enum ps_status st = PS_OK;
    ps_schedule_clear(s);
    for (int d = 0; d < m->S && st == PS_OK; d++) {
        int n = m->dev_n[d];
        for (int j = 0; j < n; j++) {
            k[j].t = (double)op_s[m->dev_op[d][j]];
            k[j].tie = j; /* topological */
            k[j].id = m->dev_op[d][j];
        }
        st = opt_push_keyed(m, s, d, k, n);
    }
    if (st == PS_OK && m->n_chans > 0)
        st = opt_ranks_begin(s);
    for (int c = 0; st == PS_OK && c < m->n_chans; c++) {
        int n = m->chan_n[c];
        for (int j = 0; j < n; j++) {
            const struct mxfer *x = &m->xfers[m->chan_x[c][j]];
            k[j].t = (double)x_s[m->chan_x[c][j]];
            k[j].tie = x->mb;
            k[j].id = m->chan_x[c][j];
        }
        opt_rank_keyed(m, s, k, n);
    }
    free(k);
    return st;
}

/* The MILP solution's start slots, then opt_slot_orders. */
enum ps_status opt_time_orders(const struct model *m, struct ps_schedule *s)
{
    long *op_s = malloc(((size_t)m->n_ops + 1) * sizeof *op_s);
    long *x_s = malloc(((size_t)m->n_xfers + 1) * sizeof *x_s);
    enum ps_status st = op_s && x_s ? PS_OK : PS_ENOMEM;
    for (int i = 0; i < m->n_ops && st == PS_OK; i++) {
        const struct mop *o = &m->ops[i];
        op_s[i] = o->present ? ti_start(m->lp, o->col, o->ws, o->wl) : 0;
    }
    for (int x = 0; x < m->n_xfers && st == PS_OK; x++) {
        const struct mxfer *t = &m->xfers[x];
        x_s[x] = t->chan >= 0 ? ti_start(m->lp, t->col, t->ws, t->wl) : 0;
    }
    if (st == PS_OK)
        st = opt_slot_orders(m, s, op_s, x_s);
    free(op_s);
    free(x_s);
    return st;
}
