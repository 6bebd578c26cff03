/* The order formulation of the optimal solver: a start time per op and per transmission,
 * one binary per pair of ops of a device (and of transmissions of a channel) that no
 * precedence orders, big-M disjunctions with M from the two windows, memory rows linear in
 * the order literals, and energy rows. docs/model.md has the rows and their measurements. */
#include "solvers/optimal/internal.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"

static double op_latest_start(const struct model *m, const struct mop *o)
{
    return m->ub_ms - ms(o->tail) - ms(o->dur);
}

/* x = 1: a before b; big-M from the windows of a and b (or the loose horizon).
 */
static enum ps_status add_disjunction(struct model *m, int col, int ca, double sa, double da,
                                      double la, int cb, double sb, double db, double lb)
{
    /* sa, sb: earliest starts; la, lb: latest starts; da, db: durations */
    struct row r = {0};
    double big;
    /* a before b: t_b - t_a >= da - M_ab (1 - x) */
    big = (m->tighten & T_WINDOW) ? la + da - sb : m->horizon;
    if (big < 0)
        big = 0;
    opt_row_add(&r, cb, 1);
    opt_row_add(&r, ca, -1);
    opt_row_add(&r, col, -big);
    if (opt_row_end(m, &r, da - big, HUGE_VAL) != PS_OK)
        return PS_ENOMEM;
    /* b before a: t_a - t_b >= db - M_ba x */
    big = (m->tighten & T_WINDOW) ? lb + db - sa : m->horizon;
    if (big < 0)
        big = 0;
    opt_row_add(&r, ca, 1);
    opt_row_add(&r, cb, -1);
    opt_row_add(&r, col, big);
    return opt_row_end(m, &r, db, HUGE_VAL);
}

long opt_order_count(const struct model *m)
{
    long n_bin = 0;
    for (int dv = 0; dv < m->S; dv++)
        for (int i = 0; i < m->dev_n[dv]; i++)
            for (int j = i + 1; j < m->dev_n[dv]; j++)
                if (!reaches(m, m->dev_op[dv][i], m->dev_op[dv][j]) &&
                    !reaches(m, m->dev_op[dv][j], m->dev_op[dv][i]))
                    n_bin++;
    for (int c = 0; c < m->n_chans; c++)
        n_bin += (long)m->chan_n[c] * (m->chan_n[c] - 1) / 2;
    return n_bin;
}

/* Columns: the makespan, op starts, transmission starts, then the order binaries. */
static enum ps_status order_columns(struct model *m, double ub_ms, double lb_ms, bool uniform_msgs,
                                    bool names)
{
    bool win = (m->tighten & T_WINDOW) != 0;

    /* loose horizon: every op and every transfer one after the other */
    double hz = 0;
    for (int i = 0; i < m->n_ops; i++)
        if (m->ops[i].present)
            hz += ms(m->ops[i].dur);
    for (int x = 0; x < m->n_xfers; x++)
        hz += ms(m->xfers[x].tx + m->xfers[x].lat);
    for (int d = 0; d < m->S; d++)
        for (int c = 0; c < m->V; c++)
            hz += ms(m->ag_end[d][c] + m->rs[d][c]);
    m->horizon = hz > ub_ms ? hz : ub_ms;
    double top = win ? ub_ms : m->horizon;

    opt_makespan_col(m, (m->tighten & T_LB) ? lb_ms : 0, top, names);
    for (int i = 0; i < m->n_ops; i++) {
        struct mop *o = &m->ops[i];
        if (!o->present)
            continue;
        o->col = glp_add_cols(m->lp, 1);
        double lo = ms(o->head), hi = win ? op_latest_start(m, o) : m->horizon;
        if (hi < lo)
            hi = lo;
        glp_set_col_bnds(m->lp, o->col, lo == hi ? GLP_FX : GLP_DB, lo, hi);
        opt_col_name(m, o->col, names, "t_%c_v%d_m%d", opt_kind_ch[o->kind], o->v, o->mb);
    }
    for (int x = 0; x < m->n_xfers; x++) {
        struct mxfer *t = &m->xfers[x];
        if (t->chan < 0)
            continue;
        t->col = glp_add_cols(m->lp, 1);
        const struct mop *a = &m->ops[t->from], *b = &m->ops[t->to];
        double lo = ms(a->head + a->dur);
        double hi = win ? op_latest_start(m, b) - ms(t->tx + t->lat) : m->horizon;
        if (hi < lo)
            hi = lo;
        glp_set_col_bnds(m->lp, t->col, lo == hi ? GLP_FX : GLP_DB, lo, hi);
        opt_col_name(m, t->col, names, "y_%s_v%d_m%d",
                     t->kind == PS_XFER_ACTIVATION ? "act" : "grad", t->from_v, t->mb);
    }
    /* device order binaries: pairs that no precedence orders */
    m->n_bin = 0;
    for (int d = 0; d < m->S; d++) {
        int n = m->dev_n[d];
        m->pair[d] = calloc((size_t)n * (size_t)n + 1, sizeof **m->pair);
        if (m->pair[d] == NULL)
            return PS_ENOMEM;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                int a = m->dev_op[d][i], b = m->dev_op[d][j];
                if (reaches(m, a, b) || reaches(m, b, a))
                    continue;
                int col = glp_add_cols(m->lp, 1);
                glp_set_col_kind(m->lp, col, GLP_BV);
                m->pair[d][i * n + j] = col;
                m->n_bin++;
                opt_col_name(m, col, names, "x_%c%d_%d_%c%d_%d", opt_kind_ch[m->ops[a].kind],
                             m->ops[a].v, m->ops[a].mb, opt_kind_ch[m->ops[b].kind], m->ops[b].v,
                             m->ops[b].mb);
            }
    }
    for (int c = 0; c < m->n_chans; c++) {
        int n = m->chan_n[c];
        m->chan_pair[c] = calloc((size_t)n * (size_t)n + 1, sizeof **m->chan_pair);
        if (m->chan_pair[c] == NULL)
            return PS_ENOMEM;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                int a = m->chan_x[c][i], b = m->chan_x[c][j];
                if (opt_xfer_fixed_before(m, a, b, uniform_msgs) ||
                    opt_xfer_fixed_before(m, b, a, uniform_msgs))
                    continue;
                int col = glp_add_cols(m->lp, 1);
                glp_set_col_kind(m->lp, col, GLP_BV);
                m->chan_pair[c][i * n + j] = col;
                m->n_bin++;
                opt_col_name(m, col, names, "z_%d_%d_%d_%d", m->xfers[a].from_v, m->xfers[a].mb,
                             m->xfers[b].from_v, m->xfers[b].mb);
            }
    }
    m->n_cols = glp_get_num_cols(m->lp);

    return PS_OK;
}

/* Precedence (same device: end before start; across: via the transfer) and the channel
 * orders fixed whatever the schedule. */
static enum ps_status order_precedence_rows(struct model *m, bool uniform_msgs)
{
    struct row r = {0};

    for (int e = 0; e < m->n_edges; e++) {
        const struct edge *ed = &m->edges[e];
        const struct mop *a = &m->ops[ed->from], *b = &m->ops[ed->to];
        if (ed->xfer >= 0 && m->xfers[ed->xfer].chan >= 0) {
            const struct mxfer *t = &m->xfers[ed->xfer];
            opt_row_add(&r, t->col, 1);
            opt_row_add(&r, a->col, -1);
            if (opt_row_end(m, &r, ms(a->dur), HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
            opt_row_add(&r, b->col, 1);
            opt_row_add(&r, t->col, -1);
            if (opt_row_end(m, &r, ms(t->tx + t->lat), HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
        } else {
            opt_row_add(&r, b->col, 1);
            opt_row_add(&r, a->col, -1);
            if (opt_row_end(m, &r, ms(ed->delay), HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
        }
    }
    /* fixed channel orders */
    for (int c = 0; c < m->n_chans; c++) {
        int n = m->chan_n[c];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                int a = m->chan_x[c][i], b = m->chan_x[c][j];
                if (i == j || !opt_xfer_fixed_before(m, a, b, uniform_msgs))
                    continue;
                /* implied by precedence when a's consumer precedes b's producer */
                if (m->xfers[a].to == m->xfers[b].from ||
                    reaches(m, m->xfers[a].to, m->xfers[b].from))
                    continue;
                opt_row_add(&r, m->xfers[b].col, 1);
                opt_row_add(&r, m->xfers[a].col, -1);
                if (opt_row_end(m, &r, ms(m->xfers[a].tx), HUGE_VAL) != PS_OK)
                    return PS_ENOMEM;
            }
    }
    return PS_OK;
}

/* The makespan after every chunk's last op and its RS; with two chunks and data
 * parallelism, also after the first chunk's end plus both RS. */
static enum ps_status order_makespan_rows(struct model *m)
{
    const struct ps_scenario *sc = m->sc;
    struct row r = {0};

    for (int i = 0; i < m->n_ops; i++) {
        const struct mop *o = &m->ops[i];
        if (!o->present)
            continue;
        bool last_of_chunk =
            o->mb == opt_last_mb(m, PS_OP_B) &&
            (o->kind == PS_OP_W || (o->kind == PS_OP_B && !ps_schedule_has_w(m->shape, o->dev)));
        if (!last_of_chunk)
            continue;
        opt_row_add(&r, m->col_c, m->c_unit_ms);
        opt_row_add(&r, o->col, -1);
        if (opt_row_end(m, &r, ms(o->dur + m->rs[o->dev][o->chunk]), HUGE_VAL) != PS_OK)
            return PS_ENOMEM;
    }
    /* two chunks on a device with data parallelism: the RS lane serves the chunk
     * whose last op comes first, then the other: the makespan is also after the
     * first's end plus both RS */
    if (sc->has_data_parallel && m->V == 2) {
        for (int d = 0; d < m->S; d++) {
            int kind0 = ps_schedule_has_w(m->shape, d) ? PS_OP_W : PS_OP_B;
            int v0 = ps_vstage_of(d, 0, m->S, m->V, m->tr),
                v1 = ps_vstage_of(d, 1, m->S, m->V, m->tr);
            int a = op_id(m, kind0, v0, m->last_b), b = op_id(m, kind0, v1, m->last_b);
            double both = ms(m->rs[d][0] + m->rs[d][1]);
            /* C >= t_a + d_a + both - big (1 - [a before b]) */
            double big = m->horizon + both;
            opt_row_add(&r, m->col_c, m->c_unit_ms);
            opt_row_add(&r, m->ops[a].col, -1);
            opt_row_add_order(m, &r, a, b, -big);
            if (opt_row_end(m, &r, ms(m->ops[a].dur) + both - big, HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
            opt_row_add(&r, m->col_c, m->c_unit_ms);
            opt_row_add(&r, m->ops[b].col, -1);
            opt_row_add_order(m, &r, b, a, -big);
            if (opt_row_end(m, &r, ms(m->ops[b].dur) + both - big, HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
        }
    }
    return PS_OK;
}

/* One op at a time per device, one transmission at a time per channel. */
static enum ps_status order_disjunction_rows(struct model *m)
{
    bool win = (m->tighten & T_WINDOW) != 0;

    for (int d = 0; d < m->S; d++) {
        int n = m->dev_n[d];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                int col = m->pair[d][i * n + j];
                if (col <= 0)
                    continue;
                const struct mop *a = &m->ops[m->dev_op[d][i]], *b = &m->ops[m->dev_op[d][j]];
                if (add_disjunction(m, col, a->col, ms(a->head), ms(a->dur),
                                    win ? op_latest_start(m, a) : m->horizon, b->col, ms(b->head),
                                    ms(b->dur), win ? op_latest_start(m, b) : m->horizon) != PS_OK)
                    return PS_ENOMEM;
            }
    }
    /* channel disjunctions */
    for (int c = 0; c < m->n_chans; c++) {
        int n = m->chan_n[c];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                int col = m->chan_pair[c][i * n + j];
                if (col <= 0)
                    continue;
                const struct mxfer *a = &m->xfers[m->chan_x[c][i]], *b = &m->xfers[m->chan_x[c][j]];
                double sa = glp_get_col_lb(m->lp, a->col), la = glp_get_col_ub(m->lp, a->col);
                double sb = glp_get_col_lb(m->lp, b->col), lb = glp_get_col_ub(m->lp, b->col);
                if (add_disjunction(m, col, a->col, sa, ms(a->tx), la, b->col, sb, ms(b->tx), lb) !=
                    PS_OK)
                    return PS_ENOMEM;
            }
    }
    return PS_OK;
}

/* monotonicity: a before b implies a's same-device predecessors before b and
 * a before b's same-device successors; only the immediate ones are needed
 * (chains) */
static enum ps_status order_mono_rows(struct model *m)
{
    struct row r = {0};

    for (int d = 0; d < m->S; d++) {
        int n = m->dev_n[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                if (i == j)
                    continue;
                int a = m->dev_op[d][i], b = m->dev_op[d][j];
                int col = m->pair[d][i < j ? i * n + j : j * n + i];
                if (col <= 0)
                    continue;
                /* immediate successors b2 of b on the device: the same kind and
                 * chunk's next microbatch, and W after its B */
                const struct mop *ob = &m->ops[b];
                int succ[2], ns = 0;
                if (opt_next_mb(m, ob->kind, ob->mb) >= 0)
                    succ[ns++] = op_id(m, ob->kind, ob->v, opt_next_mb(m, ob->kind, ob->mb));
                if (ob->kind == PS_OP_B && m->ops[op_id(m, PS_OP_W, ob->v, ob->mb)].present)
                    succ[ns++] = op_id(m, PS_OP_W, ob->v, ob->mb);
                for (int k = 0; k < ns; k++) {
                    int b2 = succ[k];
                    if (reaches(m, a, b2) || reaches(m, b2, a))
                        continue;
                    /* lit(a,b) <= lit(a,b2) */
                    opt_row_add_order(m, &r, a, b, 1);
                    opt_row_add_order(m, &r, a, b2, -1);
                    if (opt_row_end(m, &r, -HUGE_VAL, 0) != PS_OK)
                        return PS_ENOMEM;
                }
            }
    }
    return PS_OK;
}

/* memory at every instant: just after each F starts, the allocations of the F
 * before it (and its own) minus the frees of the B and W ended before it stay
 * within the limit */
static enum ps_status order_memory_rows(struct model *m)
{
    const struct ps_scenario *sc = m->sc;
    struct row r = {0};

    for (int d = 0; d < m->S; d++) {
        int n = m->dev_n[d];
        for (int j = 0; j < n; j++) {
            int q = m->dev_op[d][j];
            if (m->ops[q].kind != PS_OP_F)
                continue;
            /* skip rows that no order can violate */
            double worst = m->ops[q].alloc;
            for (int i = 0; i < n; i++) {
                int p = m->dev_op[d][i];
                if (p == q || reaches(m, q, p))
                    continue;
                if (reaches(m, p, q) || m->ops[p].alloc > 0)
                    worst += m->ops[p].alloc;
            }
            if (worst <= sc->memory_limit + 1e-9)
                continue;
            for (int i = 0; i < n; i++) {
                int p = m->dev_op[d][i];
                if (p != q)
                    opt_row_add_order(m, &r, p, q, m->ops[p].alloc);
            }
            if (opt_row_end(m, &r, -HUGE_VAL, sc->memory_limit + 1e-9 - m->ops[q].alloc) != PS_OK)
                return PS_ENOMEM;
        }
    }
    return PS_OK;
}

/* energy: the work that must run after op i on its device (fixed or by order)
 * ends before the makespan; the work before it starts after the device's
 * earliest head */
static enum ps_status order_energy_rows(struct model *m)
{
    struct row r = {0};

    for (int d = 0; d < m->S; d++) {
        int n = m->dev_n[d];
        int64_t min_head = INT64_MAX;
        for (int i = 0; i < n; i++)
            if (m->ops[m->dev_op[d][i]].head < min_head)
                min_head = m->ops[m->dev_op[d][i]].head;
        for (int i = 0; i < n; i++) {
            int a = m->dev_op[d][i];
            int64_t min_tail = m->ops[a].tail;
            for (int j = 0; j < n; j++) {
                int b = m->dev_op[d][j];
                if (b != a && !reaches(m, b, a) && m->ops[b].tail < min_tail)
                    min_tail = m->ops[b].tail;
            }
            opt_row_add(&r, m->col_c, m->c_unit_ms);
            opt_row_add(&r, m->ops[a].col, -1);
            for (int j = 0; j < n; j++) {
                int b = m->dev_op[d][j];
                if (b != a)
                    opt_row_add_order(m, &r, a, b, -ms(m->ops[b].dur));
            }
            if (opt_row_end(m, &r, ms(m->ops[a].dur + min_tail), HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
            opt_row_add(&r, m->ops[a].col, 1);
            for (int j = 0; j < n; j++) {
                int b = m->dev_op[d][j];
                if (b != a)
                    opt_row_add_order(m, &r, b, a, -ms(m->ops[b].dur));
            }
            if (opt_row_end(m, &r, ms(min_head), HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
        }
    }
    return PS_OK;
}

enum ps_status opt_order_build(struct model *m, double ub_ms, double lb_ms, bool uniform_msgs,
                               bool names)
{
    m->lp = glp_create_prob();
    glp_set_obj_dir(m->lp, GLP_MIN);
    m->ub_ms = ub_ms;
    enum ps_status st = order_columns(m, ub_ms, lb_ms, uniform_msgs, names);
    if (st == PS_OK)
        st = order_precedence_rows(m, uniform_msgs);
    if (st == PS_OK)
        st = order_makespan_rows(m);
    if (st == PS_OK)
        st = order_disjunction_rows(m);
    if (st == PS_OK && (m->tighten & T_MONO))
        st = order_mono_rows(m);
    if (st == PS_OK && m->sc->has_memory_limit)
        st = order_memory_rows(m);
    if (st == PS_OK && (m->tighten & T_ENERGY))
        st = order_energy_rows(m);
    if (st != PS_OK)
        return st;
    glp_load_matrix(m->lp, (int)m->nz, m->ia, m->ja, m->ar);
    return PS_OK;
}

/* Fills x (1-based, n_cols) with the MILP values of a timed whole-op schedule.
 */
enum ps_status opt_order_incumbent(const struct model *m, const struct ps_schedule *s, double *x)
{
    int *pos = malloc((size_t)m->n_ops * sizeof *pos);
    if (pos == NULL)
        return PS_ENOMEM;
    for (int d = 0; d < m->S; d++)
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *o = &s->dev_ops[d][i];
            int v = ps_vstage_of(d, o->chunk, m->S, m->V, m->tr);
            int id = op_id(m, o->kind, v, o->microbatch);
            pos[id] = (int)i;
            x[m->ops[id].col] = ms(o->start_ns);
        }
    x[m->col_c] = ms(s->makespan_ns) / m->c_unit_ms;
    for (size_t k = 0; k < s->n_transfers; k++) {
        const struct ps_transfer *t = &s->transfers[k];
        for (int j = 0; j < m->n_xfers; j++) {
            const struct mxfer *mx = &m->xfers[j];
            if (mx->col > 0 && mx->kind == t->kind && mx->from_v == t->from_vstage &&
                mx->mb == t->microbatch) {
                x[mx->col] = ms(t->start_ns);
                break;
            }
        }
    }
    for (int d = 0; d < m->S; d++) {
        int n = m->dev_n[d];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (m->pair[d][i * n + j] > 0)
                    x[m->pair[d][i * n + j]] =
                        pos[m->dev_op[d][i]] < pos[m->dev_op[d][j]] ? 1.0 : 0.0;
    }
    for (int c = 0; c < m->n_chans; c++) {
        int n = m->chan_n[c];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (m->chan_pair[c][i * n + j] > 0) {
                    const struct mxfer *a = &m->xfers[m->chan_x[c][i]];
                    const struct mxfer *b = &m->xfers[m->chan_x[c][j]];
                    x[m->chan_pair[c][i * n + j]] = x[a->col] < x[b->col] ? 1.0 : 0.0;
                }
    }
    free(pos);
    return PS_OK;
}
/* Orders each device's ops by the number of ops the solution puts before them
 * (exact when the order binaries are a total order), ties by start time;
 * channels likewise. */
enum ps_status opt_order_orders(const struct model *m, struct ps_schedule *s)
{
    glp_prob *lp = m->lp;
    struct keyed *k = opt_keys_new(m);
    if (k == NULL)
        return PS_ENOMEM;
    enum ps_status st = PS_OK;
    ps_schedule_clear(s);
    for (int d = 0; d < m->S && st == PS_OK; d++) {
        int n = m->dev_n[d];
        for (int j = 0; j < n; j++) {
            int b = m->dev_op[d][j];
            int before = 0;
            for (int i = 0; i < n; i++) {
                if (i == j)
                    continue;
                int a = m->dev_op[d][i];
                if (reaches(m, a, b)) {
                    before++;
                } else if (!reaches(m, b, a)) {
                    int col = m->pair[d][i < j ? i * n + j : j * n + i];
                    double x = glp_mip_col_val(lp, col) > 0.5 ? 1 : 0;
                    before += (int)(i < j ? x : 1 - x);
                }
            }
            k[j].t = before;
            k[j].tie = (int)llround(glp_mip_col_val(lp, m->ops[b].col) * 1e6);
            k[j].id = b;
        }
        st = opt_push_keyed(m, s, d, k, n);
    }
    if (st == PS_OK && m->n_chans > 0)
        st = opt_ranks_begin(s);
    for (int c = 0; st == PS_OK && c < m->n_chans; c++) {
        int n = m->chan_n[c];
        for (int j = 0; j < n; j++) {
            int b = m->chan_x[c][j];
            k[j].t = glp_mip_col_val(lp, m->xfers[b].col);
            k[j].tie = m->xfers[b].mb;
            k[j].id = b;
        }
        opt_rank_keyed(m, s, k, n);
    }
    free(k);
    return st;
}
