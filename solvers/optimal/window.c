/* The windows bound and search (docs/model.md, "Windows bound and search"): a makespan T
 * is refuted when the
 * time windows it leaves every op and transmission ([earliest start, latest start], the
 * latest from T less the tail) cannot all be kept. The windows are narrowed to a fixed
 * point by rules every whole-op schedule of at most T obeys (the precedence edges with
 * their transfers; one transmission at a time on a channel, in first-in-first-out order on
 * a stream; one op at a time on a device, so an op that cannot end before another's latest
 * start comes after it; the room an F needs under the memory limit, taken from the frees
 * that can still end before it); an empty window, or a device or channel whose preemptive
 * schedule cannot meet the windows, refutes T. The least T not refuted, found by
 * bisection, bounds the shape's whole-op schedules. Unlike the one-device relaxations,
 * what one device forces moves the windows on every other. The makespan just below the
 * incumbent is then searched by ranking the devices' orders, narrowing at every node: a
 * fully ranked leaf is a schedule, and a search that refutes every branch proves the
 * incumbent. */
#include "solvers/optimal/internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rounds of the rules per trial; each round costs about the devices' ops squared. */
#define WINDOW_ROUNDS 200
/* The bisection's budget: steps of the rules (a count; default's takes 5 x 10^6,
 * infinipipe-13b-cc48k's wave of 888 ops 7 x 10^8 for nothing) */
#define WINDOW_BISECT_WORK 2e8
/* The search's levels at most (one per op ranked) */
#define WINDOW_DEPTH 8192

struct win {
    const struct model *m;
    bool uniform;
    bool parts;           /* ops may be cut into parts: no order follows from two ops' windows */
    int64_t *est, *lst;   /* ops: start window (with parts: of the first part) */
    int64_t *xest, *xlst; /* transmissions: send window */
    int *first, *succ;    /* out-edges of every op */
    uint8_t **chan_fix;   /* per channel: n*n, 1 when i is sent before j whatever */
    uint8_t **ord;        /* per device: n*n, 1 when i precedes j on this branch (ranked) */
    uint8_t **dev_reach;  /* per device: n*n, 1 when i precedes j whatever */
    uint8_t *dirty;       /* per device, then per channel: windows moved since last looked at */
    struct opt_rjob *jobs;
    struct opt_free *frees;
    int *cand;      /* the frees that can still end before an F */
    uint8_t *needy; /* F whose own allocation and its predecessors' pass the limit */
    struct opt_jjob *jj;
    int *heap;
    long steps, nodes, leaves, mismatches, better;
    long step_limit;    /* the branching stops past this many steps */
    struct warm *inc;   /* the incumbent a leaf may replace */
    struct keyed *keys; /* a device's ops by earliest start */
    enum ps_status st;
    int64_t **stack; /* saved windows, one per level of the search, allocated when reached */
    int **cands;     /* refute_rank's candidates and orders set, per level */
    uint8_t *ranked; /* refute_rank: the op's place in its device's order is fixed */
    int *nrank;      /* per device: ops ranked */
    double *memd;    /* per device: memory held after its ranked ops */
    size_t state_words;
    int cap; /* the most ops on one device or channel */
    bool moved;
};

static int cmp_due(const void *a, const void *b)
{
    const struct opt_rjob *x = a, *y = b;
    return (x->r > y->r) - (x->r < y->r);
}

/* The latest time one machine can start the jobs, each ending by its r (here a due
 * time), so that all of them meet it: the mirror of completion. */
static int64_t latest_begin(struct opt_rjob *j, int n)
{
    qsort(j, (size_t)n, sizeof *j, cmp_due);
    int64_t t = INT64_MAX;
    for (int i = n - 1; i >= 0; i--) {
        if (t > j[i].r)
            t = j[i].r;
        t -= j[i].p;
    }
    return t;
}

static void raise_to(struct win *w, int64_t *v, int64_t x)
{
    if (*v < x) {
        *v = x;
        w->moved = true;
    }
}

static void lower_to(struct win *w, int64_t *v, int64_t x)
{
    if (*v > x) {
        *v = x;
        w->moved = true;
    }
}

/* An op's (a transmission's) window narrowed: its device (channel) is looked at again. */
static void raise_op(struct win *w, int a, int64_t x)
{
    if (w->est[a] < x) {
        w->est[a] = x;
        w->moved = true;
        w->dirty[w->m->ops[a].dev] = 1;
    }
}

static void lower_op(struct win *w, int a, int64_t x)
{
    if (w->lst[a] > x) {
        w->lst[a] = x;
        w->moved = true;
        w->dirty[w->m->ops[a].dev] = 1;
    }
}

static void raise_x(struct win *w, int xi, int64_t x)
{
    if (w->xest[xi] < x) {
        w->xest[xi] = x;
        w->moved = true;
        w->dirty[w->m->S + w->m->xfers[xi].chan] = 1;
    }
}

static void lower_x(struct win *w, int xi, int64_t x)
{
    if (w->xlst[xi] > x) {
        w->xlst[xi] = x;
        w->moved = true;
        w->dirty[w->m->S + w->m->xfers[xi].chan] = 1;
    }
}

/* The edges (and transfers) forward in topological order, then backward; a channel's
 * fixed order moves its transmissions too. */
static void edges_pass(struct win *w)
{
    const struct model *m = w->m;
    for (int k = 0; k < m->n_live; k++) {
        int a = m->topo[k];
        for (int j = w->first[a]; j < w->first[a + 1]; j++) {
            const struct edge *e = &m->edges[w->succ[j]];
            const struct mxfer *x = e->xfer >= 0 ? &m->xfers[e->xfer] : NULL;
            if (x == NULL || x->chan < 0) {
                raise_op(w, e->to, w->est[a] + e->delay);
                continue;
            }
            int xi = e->xfer;
            raise_x(w, xi, w->est[a] + m->ops[a].dur);
            int c = x->chan, n = m->chan_n[c];
            for (int i = 0; i < n; i++) /* sent before it whatever the schedule */
                if (w->chan_fix[c][i * n + x->local]) {
                    int y = m->chan_x[c][i];
                    raise_x(w, xi, w->xest[y] + m->xfers[y].tx);
                }
            raise_op(w, e->to, w->xest[xi] + x->tx + x->lat);
        }
    }
    for (int k = m->n_live - 1; k >= 0; k--) {
        int a = m->topo[k];
        for (int j = w->first[a]; j < w->first[a + 1]; j++) {
            const struct edge *e = &m->edges[w->succ[j]];
            const struct mxfer *x = e->xfer >= 0 ? &m->xfers[e->xfer] : NULL;
            if (x == NULL || x->chan < 0) {
                lower_op(w, a, w->lst[e->to] - e->delay);
                continue;
            }
            int xi = e->xfer;
            lower_x(w, xi, w->lst[e->to] - x->tx - x->lat);
            int c = x->chan, n = m->chan_n[c];
            for (int i = 0; i < n; i++)
                if (w->chan_fix[c][x->local * n + i]) {
                    int y = m->chan_x[c][i];
                    lower_x(w, xi, w->xlst[y] - x->tx);
                }
            lower_op(w, a, w->xlst[xi] - m->ops[a].dur);
        }
    }
}

/* One machine of n jobs (start windows est..lst, durations p): a job that cannot end
 * before another's latest start follows it; every job starts after all those that must
 * precede it can end and ends before all those that must follow it must begin. False when
 * two jobs cannot be in either order, or the preemptive schedule misses a window. */
static bool machine_pass(struct win *w, int n, int64_t **est, int64_t **lst, const int64_t *p,
                         const uint8_t *fixed, bool detect, int64_t T)
{
    for (int a = 0; a < n; a++) {
        int np = 0, ns = 0;
        struct opt_rjob *pre = w->jobs, *suc = w->jobs + n;
        for (int b = 0; b < n; b++) {
            if (b == a)
                continue;
            bool ab = fixed[a * n + b] || (detect && *est[b] + p[b] > *lst[a]); /* a first */
            bool ba = fixed[b * n + a] || (detect && *est[a] + p[a] > *lst[b]);
            if (ab && ba)
                return false;
            if (ba)
                pre[np++] = (struct opt_rjob){*est[b], p[b]};
            else if (ab)
                suc[ns++] = (struct opt_rjob){*lst[b] + p[b], p[b]};
        }
        w->steps += n;
        if (np > 0)
            raise_to(w, est[a], opt_completion(pre, np));
        if (ns > 0)
            lower_to(w, lst[a], latest_begin(suc, ns) - p[a]);
        if (*est[a] > *lst[a])
            return false;
    }
    /* preemptive: released at est, delivered T - (lst + p) after its end */
    for (int a = 0; a < n; a++)
        w->jj[a] = (struct opt_jjob){*est[a], p[a], T - (*lst[a] + p[a])};
    return opt_jackson(w->jj, n, w->heap) <= T;
}

/* The room an F needs under the memory limit: the frees that can still end before its
 * latest start must cover it (else T is refuted); one without which the rest fall short
 * comes before it; and it starts no earlier than its device finishes the ops that must
 * precede it and the least work of frees that makes the room. */
static bool memory_pass(struct win *w, int dv)
{
    const struct model *m = w->m;
    double limit = m->sc->memory_limit;
    int n = m->dev_n[dv];
    /* the gate: a free that precedes every other free of the device (its first B), so
     * every F that needs room starts after it */
    int gate = -1;
    for (int i = 0; i < n && gate < 0; i++) {
        int g = m->dev_op[dv][i];
        if (m->ops[g].alloc >= 0)
            continue;
        bool all = true;
        for (int k = 0; k < n && all; k++) {
            int f = m->dev_op[dv][k];
            all = f == g || m->ops[f].alloc >= 0 || reaches(m, g, f);
        }
        if (all)
            gate = g;
    }
    for (int qi = 0; qi < n; qi++) {
        int q = m->dev_op[dv][qi];
        const struct mop *oq = &m->ops[q];
        if (oq->kind != PS_OP_F || oq->alloc <= 0)
            continue;
        double need = oq->alloc - limit, total = 0;
        int np = 0, nf = 0, nc = 0;
        int64_t rmin = INT64_MAX, gated = 0;
        for (int i = 0; i < n; i++) {
            int p = m->dev_op[dv][i];
            const struct mop *op = &m->ops[p];
            if (p == q || reaches(m, q, p))
                continue;
            if (reaches(m, p, q)) {
                w->jobs[np++] = (struct opt_rjob){w->est[p], op->dur};
                need += op->alloc;
                /* after the gate: what it precedes, and every F that needs room */
                if (gate >= 0 && p != gate && (reaches(m, gate, p) || w->needy[p]))
                    gated += op->dur;
            } else if (op->alloc < 0 && w->est[p] + op->dur <= w->lst[q]) {
                total -= op->alloc;
                if (w->est[p] < rmin)
                    rmin = w->est[p];
                w->cand[nc++] = p;
            }
        }
        w->steps += n;
        if (need <= 1e-9)
            continue;
        if (total < need - 1e-9)
            return false;
        /* a candidate comes before q when the others without it and what it precedes
         * fall short */
        for (int i = 0; i < nc; i++) {
            int p = w->cand[i];
            double lost = -m->ops[p].alloc;
            for (int k = 0; k < nc; k++)
                if (k != i && reaches(m, p, w->cand[k]))
                    lost -= m->ops[w->cand[k]].alloc;
            w->steps += nc;
            if (total - lost >= need - 1e-9)
                continue;
            raise_to(w, &w->est[q], w->est[p] + m->ops[p].dur);
            lower_to(w, &w->lst[p], w->lst[q] - m->ops[p].dur);
        }
        double left_gate = need;
        for (int i = 0; i < nc; i++) {
            const struct mop *op = &m->ops[w->cand[i]];
            if (w->cand[i] == gate)
                left_gate += op->alloc;
            else
                w->frees[nf++] =
                    (struct opt_free){(double)op->dur / -op->alloc, op->dur, -op->alloc};
        }
        opt_sort_frees(w->frees, nf);
        double left = left_gate;
        /* the least work of frees other than the gate after it */
        double rest = opt_cover(w->frees, nf, &left, 1e-9);
        if (gate >= 0 && left <= 1e-9) {
            /* between the gate's start and q's: the gate, the rest of the room, and
             * every op that must precede q after the gate */
            int64_t span = m->ops[gate].dur + (int64_t)floor(rest) + gated;
            lower_to(w, &w->lst[gate], w->lst[q] - span);
            raise_to(w, &w->est[q], w->est[gate] + span);
        }
        /* q after its predecessors and the least work of frees making the room */
        for (int i = 0; i < nc; i++) {
            const struct mop *op = &m->ops[w->cand[i]];
            w->frees[i] = (struct opt_free){(double)op->dur / -op->alloc, op->dur, -op->alloc};
        }
        opt_sort_frees(w->frees, nc);
        left = need;
        double work = opt_cover(w->frees, nc, &left, 1e-9);
        w->jobs[np++] = (struct opt_rjob){rmin, (int64_t)floor(work)};
        raise_to(w, &w->est[q], opt_completion(w->jobs, np));
        if (w->est[q] > w->lst[q] || (gate >= 0 && w->est[gate] > w->lst[gate]))
            return false;
    }
    return true;
}

struct bufs {
    int64_t **pe, **pl, *pd;
    uint8_t *fx;
};

/* Narrows the windows to a fixed point of the rules for a makespan of at most T; false
 * when T is refuted. */
static bool narrow(struct win *w, int64_t T, const struct bufs *b)
{
    const struct model *m = w->m;
    int64_t **pe = b->pe, **pl = b->pl, *pd = b->pd;
    uint8_t *fx = b->fx;
    for (int round = 0; round < WINDOW_ROUNDS; round++) {
        w->moved = false;
        edges_pass(w);
        bool any = w->moved;
        /* only the machines whose windows moved since they were last looked at */
        for (int dv = 0; dv < m->S; dv++) {
            if (!w->dirty[dv])
                continue;
            w->dirty[dv] = 0;
            w->moved = false;
            int n = m->dev_n[dv];
            for (int i = 0; i < n; i++) {
                int a = m->dev_op[dv][i];
                pe[i] = &w->est[a];
                pl[i] = &w->lst[a];
                pd[i] = m->ops[a].dur;
            }
            const uint8_t *rch = w->dev_reach[dv], *ord = w->ord[dv];
            for (int i = 0; i < n * n; i++)
                fx[i] = rch[i] | ord[i];
            if (!machine_pass(w, n, pe, pl, pd, fx, !w->parts, T))
                return false;
            if (m->sc->has_memory_limit && !memory_pass(w, dv))
                return false;
            if (w->moved)
                w->dirty[dv] = 1;
            any |= w->moved;
        }
        for (int c = 0; c < m->n_chans; c++) {
            if (!w->dirty[m->S + c])
                continue;
            w->dirty[m->S + c] = 0;
            w->moved = false;
            int n = m->chan_n[c];
            for (int i = 0; i < n; i++) {
                int x = m->chan_x[c][i];
                pe[i] = &w->xest[x];
                pl[i] = &w->xlst[x];
                pd[i] = m->xfers[x].tx;
            }
            memcpy(fx, w->chan_fix[c], (size_t)n * (size_t)n);
            if (!machine_pass(w, n, pe, pl, pd, fx, true, T))
                return false;
            if (w->moved)
                w->dirty[m->S + c] = 1;
            any |= w->moved;
        }
        if (!any || opt_out_of_budget((struct model *)m))
            break;
    }
    return true;
}

static void save_state(struct win *w, int64_t *save)
{
    const struct model *m = w->m;
    size_t n = (size_t)m->n_ops, x = (size_t)m->n_xfers;
    memcpy(save, w->est, n * sizeof *w->est);
    memcpy(save + n, w->lst, n * sizeof *w->lst);
    memcpy(save + 2 * n, w->xest, x * sizeof *w->xest);
    memcpy(save + 2 * n + x, w->xlst, x * sizeof *w->xlst);
}

static void restore_state(struct win *w, const int64_t *save)
{
    const struct model *m = w->m;
    size_t n = (size_t)m->n_ops, x = (size_t)m->n_xfers;
    memcpy(w->est, save, n * sizeof *w->est);
    memcpy(w->lst, save + n, n * sizeof *w->lst);
    memcpy(w->xest, save + 2 * n, x * sizeof *w->xest);
    memcpy(w->xlst, save + 2 * n + x, x * sizeof *w->xlst);
    memset(w->dirty, 0, (size_t)(m->S + m->n_chans)); /* a narrowed state */
}

/* Every device's order is ranked: the earliest starts are the schedule of those orders (the
 * channels keep their fixed order), and its memory is the orders' alone. Simulated; true when it
 * completes within memory and within T (the shape has a schedule of at most T, which replaces the
 * incumbent when shorter). False refutes the branch. */
static bool leaf(struct win *w, int64_t T)
{
    const struct model *m = w->m;
    w->leaves++;
    struct ps_schedule *s = ps_schedule_new(m->sc, "optimal", m->V, m->tr, true);
    if (s == NULL) {
        w->st = PS_ENOMEM;
        return true; /* refutes nothing */
    }
    enum ps_status st = PS_OK;
    for (int d = 0; d < m->S && st == PS_OK; d++) {
        for (int i = 0; i < m->dev_n[d]; i++) {
            int o = m->dev_op[d][i];
            w->keys[i] = (struct keyed){(double)w->est[o], i, o};
        }
        st = opt_push_keyed(m, s, d, w->keys, m->dev_n[d]);
    }
    bool ok = st == PS_OK && opt_sim_ok(s);
    if (st != PS_OK) {
        w->st = st;
        ok = true;
    } else if (ok && s->makespan_ns > T) {
        w->mismatches++; /* the windows and the simulator disagree: a bug; refutes nothing */
    } else if (ok && w->inc != NULL && s->makespan_ns < w->inc->ub) {
        ps_schedule_free(w->inc->inc);
        w->inc->inc = s;
        w->inc->ub = s->makespan_ns;
        w->better++;
        s = NULL;
    }
    ps_schedule_free(s);
    return ok;
}

/* Refutes T by ranking: on the device whose earliest unranked op starts first, each op that
 * nothing unranked must precede is tried as the next of its order (before every other
 * unranked op there), earliest start first; a leaf once every device is ranked. True when
 * every branch is refuted. */
static bool refute_rank(struct win *w, int64_t T, const struct bufs *b, int depth, long *budget)
{
    if (!narrow(w, T, b))
        return true;
    const struct model *m = w->m;
    if (--*budget < 0 || depth >= WINDOW_DEPTH || w->steps > w->step_limit ||
        opt_out_of_budget((struct model *)m))
        return false;
    int d = -1;
    int64_t first = INT64_MAX;
    for (int dv = 0; dv < m->S; dv++) {
        if (m->dev_n[dv] - w->nrank[dv] <= 1)
            continue;
        for (int i = 0; i < m->dev_n[dv]; i++) {
            int a = m->dev_op[dv][i];
            if (!w->ranked[a] && w->est[a] < first) {
                first = w->est[a];
                d = dv;
            }
        }
    }
    if (d < 0)
        return !leaf(w, T);
    w->nodes++;
    int n = m->dev_n[d];
    if ((w->stack[depth] == NULL &&
         (w->stack[depth] = malloc(w->state_words * sizeof **w->stack)) == NULL) ||
        (w->cands[depth] == NULL &&
         (w->cands[depth] = malloc(2 * ((size_t)w->cap + 1) * sizeof **w->cands)) == NULL)) {
        w->st = PS_ENOMEM;
        return false;
    }
    int *cand = w->cands[depth], *set = cand + n + 1, nc = 0;
    const uint8_t *rch = w->dev_reach[d];
    for (int i = 0; i < n; i++) {
        int a = m->dev_op[d][i];
        if (w->ranked[a])
            continue;
        bool free_ = true;
        for (int k = 0; k < n && free_; k++) {
            int o = m->dev_op[d][k];
            if (k == i || w->ranked[o])
                continue;
            free_ =
                !(rch[k * n + i] || w->ord[d][k * n + i] || w->est[a] + m->ops[a].dur > w->lst[o]);
        }
        /* an F that the memory after the ranked ops cannot hold is not next */
        if (free_ && m->sc->has_memory_limit && m->ops[a].alloc > 0 &&
            w->memd[d] + m->ops[a].alloc > m->sc->memory_limit + 1e-9)
            free_ = false;
        if (free_)
            cand[nc++] = i;
    }
    /* earliest start first (insertion sort: a device's ops) */
    for (int x = 1; x < nc; x++) {
        int c = cand[x], y = x;
        for (; y > 0 && w->est[m->dev_op[d][cand[y - 1]]] > w->est[m->dev_op[d][c]]; y--)
            cand[y] = cand[y - 1];
        cand[y] = c;
    }
    int64_t *save = w->stack[depth];
    save_state(w, save);
    for (int x = 0; x < nc; x++) {
        if (w->steps > w->step_limit || opt_out_of_budget((struct model *)m))
            return false; /* a child refuted at once still costs its narrowing */
        int i = cand[x], a = m->dev_op[d][i], ns = 0;
        for (int k = 0; k < n; k++)
            if (k != i && !w->ranked[m->dev_op[d][k]] && !w->ord[d][i * n + k]) {
                w->ord[d][i * n + k] = 1;
                set[ns++] = k;
            }
        w->ranked[a] = 1;
        w->nrank[d]++;
        w->dirty[d] = 1;
        double mem = w->memd[d];
        w->memd[d] += m->ops[a].alloc;
        bool refuted = refute_rank(w, T, b, depth + 1, budget);
        w->memd[d] = mem;
        w->nrank[d]--;
        w->ranked[a] = 0;
        for (int k = 0; k < ns; k++)
            w->ord[d][i * n + set[k]] = 0;
        restore_state(w, save);
        if (!refuted)
            return false;
    }
    return true;
}

/* Windows for a makespan of at most T, narrowed (and with `branch` nodes, searched by
 * refute_rank()); false when T is refuted. */
static bool trial(struct win *w, int64_t T, const struct bufs *b, long branch)
{
    const struct model *m = w->m;
    for (int i = 0; i < m->n_ops; i++) {
        const struct mop *o = &m->ops[i];
        w->est[i] = o->head;
        w->lst[i] = T - o->tail - o->dur;
        if (o->present && w->est[i] > w->lst[i])
            return false;
    }
    for (int x = 0; x < m->n_xfers; x++) {
        w->xest[x] = INT64_MIN / 4;
        w->xlst[x] = INT64_MAX / 4;
    }
    for (int d = 0; d < m->S; d++)
        memset(w->ord[d], 0, (size_t)m->dev_n[d] * (size_t)m->dev_n[d]);
    memset(w->dirty, 1, (size_t)(m->S + m->n_chans));
    if (branch > 0) {
        memset(w->ranked, 0, (size_t)m->n_ops);
        memset(w->nrank, 0, (size_t)m->S * sizeof *w->nrank);
        for (int d = 0; d < m->S; d++)
            w->memd[d] = 0;
        return !refute_rank(w, T, b, 0, &branch);
    }
    return narrow(w, T, b);
}

/* Sets w up for m (buffers, out-edges, the channels' fixed orders, the devices' fixed
 * pairs, the forwards that need frees); false when out of memory (win_close frees what
 * was allocated). */
static bool win_open(struct win *w, struct bufs *b, struct model *m, bool uniform, bool parts,
                     struct warm *inc)
{
    int n = m->n_ops, cap = opt_max_machine_ops(m);
    *w = (struct win){
        .m = m, .uniform = uniform, .parts = parts, .inc = inc, .step_limit = LONG_MAX};
    w->cap = cap;
    w->keys = opt_keys_new(m);
    w->est = malloc((size_t)n * sizeof *w->est);
    w->lst = malloc((size_t)n * sizeof *w->lst);
    w->xest = malloc(((size_t)m->n_xfers + 1) * sizeof *w->xest);
    w->xlst = malloc(((size_t)m->n_xfers + 1) * sizeof *w->xlst);
    bool ok = opt_out_edges(m, &w->first, &w->succ) == PS_OK;
    w->chan_fix = calloc((size_t)m->n_chans + 1, sizeof *w->chan_fix);
    w->jobs = malloc(2 * ((size_t)cap + 1) * sizeof *w->jobs);
    w->frees = malloc(((size_t)cap + 1) * sizeof *w->frees);
    w->cand = malloc(((size_t)cap + 1) * sizeof *w->cand);
    w->needy = calloc((size_t)n + 1, 1);
    w->jj = malloc(((size_t)cap + 1) * sizeof *w->jj);
    w->heap = malloc(((size_t)cap + 1) * sizeof *w->heap);
    b->pe = malloc(((size_t)cap + 1) * sizeof *b->pe);
    b->pl = malloc(((size_t)cap + 1) * sizeof *b->pl);
    b->pd = malloc(((size_t)cap + 1) * sizeof *b->pd);
    b->fx = malloc(((size_t)cap * (size_t)cap + 1) * sizeof *b->fx);
    w->ord = calloc((size_t)m->S, sizeof *w->ord);
    w->dev_reach = calloc((size_t)m->S, sizeof *w->dev_reach);
    w->dirty = calloc((size_t)(m->S + m->n_chans) + 1, 1);
    for (int d = 0; w->ord != NULL && w->dev_reach != NULL && d < m->S; d++) {
        int nd = m->dev_n[d];
        size_t k = (size_t)nd * (size_t)nd;
        w->ord[d] = calloc(k + 1, 1);
        w->dev_reach[d] = calloc(k + 1, 1);
        if (w->ord[d] == NULL || w->dev_reach[d] == NULL) {
            ok = false;
            continue;
        }
        for (int i = 0; i < nd; i++)
            for (int j = 0; j < nd; j++)
                w->dev_reach[d][i * nd + j] = reaches(m, m->dev_op[d][i], m->dev_op[d][j]);
    }
    w->state_words = 2 * (size_t)n + 2 * (size_t)m->n_xfers + 1;
    w->stack = calloc(WINDOW_DEPTH, sizeof *w->stack);
    w->cands = calloc(WINDOW_DEPTH, sizeof *w->cands);
    w->ranked = calloc((size_t)n + 1, 1);
    w->nrank = calloc((size_t)m->S + 1, sizeof *w->nrank);
    w->memd = calloc((size_t)m->S + 1, sizeof *w->memd);
    ok = ok && w->cands && w->ranked && w->nrank && w->memd && w->keys && w->ord && w->dev_reach &&
         w->dirty && w->stack && w->cand && w->needy && w->est && w->lst && w->xest && w->xlst &&
         w->chan_fix && w->jobs && w->frees && w->jj && w->heap && b->pe && b->pl && b->pd && b->fx;
    for (int c = 0; ok && c < m->n_chans; c++) {
        int k = m->chan_n[c];
        w->chan_fix[c] = calloc((size_t)k * (size_t)k + 1, sizeof **w->chan_fix);
        if (w->chan_fix[c] == NULL) {
            ok = false;
            break;
        }
        for (int a = 0; a < k; a++)
            for (int b2 = 0; b2 < k; b2++)
                w->chan_fix[c][a * k + b2] =
                    a != b2 && opt_xfer_fixed_before(m, m->chan_x[c][a], m->chan_x[c][b2], uniform);
    }
    for (int q = 0; ok && m->sc->has_memory_limit && q < n; q++) {
        const struct mop *oq = &m->ops[q];
        if (!oq->present || oq->kind != PS_OP_F || oq->alloc <= 0)
            continue;
        double need = oq->alloc - m->sc->memory_limit;
        for (int i = 0; i < m->dev_n[oq->dev]; i++) {
            int p = m->dev_op[oq->dev][i];
            if (p != q && reaches(m, p, q))
                need += m->ops[p].alloc;
        }
        w->needy[q] = need > 1e-9;
    }
    return ok;
}

static void win_close(struct win *w, struct bufs *b)
{
    const struct model *m = w->m;
    for (int c = 0; c < m->n_chans && w->chan_fix != NULL; c++)
        free(w->chan_fix[c]);
    for (int d = 0; d < m->S && w->ord != NULL; d++)
        free(w->ord[d]);
    for (int d = 0; d < m->S && w->dev_reach != NULL; d++)
        free(w->dev_reach[d]);
    free(w->ord);
    free(w->dev_reach);
    free(w->dirty);
    for (int i = 0; i < WINDOW_DEPTH && w->stack != NULL; i++)
        free(w->stack[i]);
    for (int i = 0; i < WINDOW_DEPTH && w->cands != NULL; i++)
        free(w->cands[i]);
    free(w->cands);
    free(w->ranked);
    free(w->nrank);
    free(w->memd);
    free(w->stack);
    free(w->keys);
    free(w->chan_fix);
    free(w->est);
    free(w->lst);
    free(w->xest);
    free(w->xlst);
    free(w->first);
    free(w->succ);
    free(w->jobs);
    free(w->frees);
    free(w->cand);
    free(w->needy);
    free(w->jj);
    free(w->heap);
    free(b->pe);
    free(b->pl);
    free(b->pd);
    free(b->fx);
}

int64_t opt_window_bound(struct model *m, bool uniform, bool parts, bool bisect, int64_t lb,
                         int64_t ub, struct warm *inc, long nodes, double work,
                         struct opt_window_result *out)
{
    memset(out, 0, sizeof *out);
    if (inc != NULL && inc->ub < ub)
        ub = inc->ub;
    double t0 = opt_now_s();
    if (parts)
        nodes = 0; /* a leaf is a whole-op schedule */
    struct win w;
    struct bufs b;
    bool ok = win_open(&w, &b, m, uniform, parts, inc);
    int64_t bound = lb;
    if (ok) {
        /* the least T in [lb, ub) not refuted; T = lo - 1 is refuted throughout */
        int64_t grid = opt_grid_of(m, ub);
        if (grid <= 0)
            grid = 1;
        int64_t lo = opt_up_to_grid(lb, grid), hi = ub;
        while (bisect && lo < hi && w.steps < WINDOW_BISECT_WORK && !opt_out_of_budget(m)) {
            int64_t mid = lo + (hi - lo) / 2;
            mid = mid / grid * grid;
            if (mid < lo)
                mid = lo;
            out->trials++;
            if (trial(&w, mid, &b, 0))
                hi = mid;
            else
                lo = opt_up_to_grid(mid + 1, grid);
        }
        /* branching: the makespan just below the incumbent, again while a leaf shortens it */
        long left = nodes;
        if (work > 0 && w.steps + work < (double)LONG_MAX)
            w.step_limit = w.steps + (long)work;
        hi = ub;
        while (lo < hi && left > 0 && w.steps <= w.step_limit && w.st == PS_OK &&
               !opt_out_of_budget(m)) {
            int64_t T = (hi - 1) / grid * grid;
            if (T < lo)
                break;
            out->trials++;
            out->branched++;
            long before = w.nodes;
            bool open = trial(&w, T, &b, left);
            left -= w.nodes - before + 1;
            if (!open) {
                lo = hi; /* nothing below the incumbent: proved */
                break;
            }
            if (inc == NULL || inc->ub >= hi)
                break; /* open and no shorter schedule: not decided */
            hi = inc->ub;
        }
        out->nodes = w.nodes;
        out->leaves = w.leaves;
        out->better = w.better;
        out->mismatches = w.mismatches;
        /* every T below lo was refuted (a trial stopped by the budget refutes nothing) */
        bound = lo > lb ? lo : lb;
    }
    out->steps = w.steps;
    if (w.st != PS_OK)
        out->st = w.st;
    out->seconds = opt_now_s() - t0;
    win_close(&w, &b);
    return bound;
}

bool opt_window_narrow(struct model *m, bool uniform, int64_t T, int64_t *est, int64_t *lst,
                       int64_t *xest, int64_t *xlst, enum ps_status *st)
{
    struct win w;
    struct bufs b;
    bool open = false;
    *st = PS_ENOMEM;
    if (win_open(&w, &b, m, uniform, false, NULL)) {
        *st = PS_OK;
        open = trial(&w, T, &b, 0);
        memcpy(est, w.est, (size_t)m->n_ops * sizeof *est);
        memcpy(lst, w.lst, (size_t)m->n_ops * sizeof *lst);
        memcpy(xest, w.xest, (size_t)m->n_xfers * sizeof *xest);
        memcpy(xlst, w.xlst, (size_t)m->n_xfers * sizeof *xlst);
    }
    win_close(&w, &b);
    return open;
}
