/* The slot model as a yes-or-no question per makespan, answered by CaDiCaL: is there a
 * schedule of the shape with every op on the slot grid, ending by slot T? The same
 * variables and constraints as the slot MILP (time.c): z(o, t) = "o has started by slot
 * t", monotone in t; precedences per slot; at most one op (transmission) busy per slot on
 * a device (channel); the memory limit at every slot an F may start. Exact when the slot
 * divides every time: no schedule shorter than the least satisfiable T exists, and a model
 * found is re-timed by the simulator. docs/model.md, "Slot model by satisfiability". */
#include "solvers/optimal/internal.h"

#include <ccadical.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Constant literals: negation is unary minus, as for variables. */
#define L_TRUE INT_MAX
#define L_FALSE (-INT_MAX)

/* The formula is refused past these sizes: CaDiCaL's memory grows by about 200 bytes a
 * clause (crosspipe-fig15's wave at its bound: 3.8 million clauses, 795 MB resident, not
 * decided in 30 s), so at most about 300 MB (the 8x16 unit wave takes 56,000 variables and
 * 280,000 clauses). */
#define SAT_MAX_VARS 400000L
#define SAT_MAX_CLAUSES 1500000L
/* The vstages of one device (the shapes have one or two) and the chains there: one per
 * kind (F, B, W) and vstage. */
#define SAT_MAX_VSTAGES 16
#define SAT_MAX_CHAINS (3 * SAT_MAX_VSTAGES)
/* A memory sum's distinct values at one node of its merge tree. */
#define SAT_MAX_VALUES 4096

struct cnf {
    const struct model *m;
    CCaDiCaL *s;
    int nv;
    long clauses;
    bool empty; /* an empty clause: unsatisfiable as built */
    bool too_big;
    long T;        /* slots */
    int *zb, *xzb; /* first variable of each op's and transmission's window */
    int *ws, *wl, *xws, *xwl;
    int64_t q; /* memory quantum: every allocation is a whole number of quanta (in 1e-9 units) */
    long max_vars;
};

static int new_var(struct cnf *c)
{
    return ++c->nv;
}

/* Adds the clause of n literals (constants folded); an empty one marks the formula
 * unsatisfiable. */
static void clause(struct cnf *c, const int *lits, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (lits[i] == L_TRUE)
            return;
        if (lits[i] != L_FALSE)
            k++;
    }
    if (k == 0) {
        c->empty = true;
        return;
    }
    for (int i = 0; i < n; i++)
        if (lits[i] != L_FALSE)
            ccadical_add(c->s, lits[i]);
    ccadical_add(c->s, 0);
    if (++c->clauses > SAT_MAX_CLAUSES)
        c->too_big = true;
}

static void clause2(struct cnf *c, int a, int b)
{
    int l[2] = {a, b};
    clause(c, l, 2);
}

static void clause3(struct cnf *c, int a, int b, int d)
{
    int l[3] = {a, b, d};
    clause(c, l, 3);
}

/* "Started by slot t" of a window [ws, ws + wl): false before it, true from its last slot. */
static int started(int zb, int ws, int wl, long t)
{
    if (t < ws)
        return L_FALSE;
    if (t >= ws + wl - 1)
        return L_TRUE;
    return zb + (int)(t - ws);
}

static int op_started(const struct cnf *c, int o, long t)
{
    return started(c->zb[o], c->ws[o], c->wl[o], t);
}

static int x_started(const struct cnf *c, int x, long t)
{
    return started(c->xzb[x], c->xws[x], c->xwl[x], t);
}

/* A window's first slot and number of slots: [lo, hi] narrowed to the start window [est,
 * lst] (ns; est below 0 and lst past INT64_MAX / 4: none); false when it is empty. */
static bool window_slots(long lo, long hi, int64_t est, int64_t lst, int64_t u, int *ws, int *wl)
{
    if (est > 0 && (est + u - 1) / u > lo)
        lo = (long)((est + u - 1) / u);
    if (lst < INT64_MAX / 4 && (lst >= 0 ? lst / u : -1) < hi)
        hi = lst >= 0 ? (long)(lst / u) : -1;
    if (hi < lo)
        return false;
    *ws = (int)lo;
    *wl = (int)(hi - lo + 1);
    return true;
}

/* Windows for makespan T from the heads and tails, narrowed by the windows bound's rules
 * (window.c: est, lst of the ops, xest, xlst of the transmissions): false when some op
 * cannot fit (T refuted at once). */
static bool windows(struct cnf *c, const int64_t *est, const int64_t *lst, const int64_t *xest,
                    const int64_t *xlst)
{
    const struct model *m = c->m;
    for (int i = 0; i < m->n_ops; i++) {
        const struct mop *o = &m->ops[i];
        if (o->present && !window_slots(o->sh, c->T - o->st - o->sd, est[i], lst[i], m->unit,
                                        &c->ws[i], &c->wl[i]))
            return false;
    }
    for (int x = 0; x < m->n_xfers; x++) {
        const struct mxfer *t = &m->xfers[x];
        const struct mop *a = &m->ops[t->from], *b = &m->ops[t->to];
        if (t->chan >= 0 && !window_slots(a->sh + a->sd, c->T - b->st - b->sd - t->stx - t->slat,
                                          xest[x], xlst[x], m->unit, &c->xws[x], &c->xwl[x]))
            return false;
    }
    return true;
}

/* Variables of every window (its last slot is a constant), and "started stays started". */
static void variables(struct cnf *c)
{
    const struct model *m = c->m;
    long total = 0;
    for (int i = 0; i < m->n_ops; i++)
        if (m->ops[i].present)
            total += c->wl[i] - 1;
    for (int x = 0; x < m->n_xfers; x++)
        if (m->xfers[x].chan >= 0)
            total += c->xwl[x] - 1;
    if (total > c->max_vars) {
        c->too_big = true;
        return;
    }
    for (int i = 0; i < m->n_ops + m->n_xfers; i++) {
        int *zb, wl;
        if (i < m->n_ops) {
            if (!m->ops[i].present)
                continue;
            zb = &c->zb[i], wl = c->wl[i];
        } else {
            if (m->xfers[i - m->n_ops].chan < 0)
                continue;
            zb = &c->xzb[i - m->n_ops], wl = c->xwl[i - m->n_ops];
        }
        *zb = c->nv + 1;
        c->nv += wl - 1;
        for (int k = 0; k + 1 < wl - 1; k++)
            clause2(c, -(*zb + k), *zb + k + 1);
    }
}

/* b started by t implies a started by t - k, for every slot of b's window (its last
 * included: b surely started there). */
static void precedence(struct cnf *c)
{
    const struct model *m = c->m;
    for (int e = 0; e < m->n_edges && !c->too_big; e++) {
        const struct edge *ed = &m->edges[e];
        const struct mop *a = &m->ops[ed->from];
        if (ed->xfer >= 0 && m->xfers[ed->xfer].chan >= 0) {
            int x = ed->xfer;
            const struct mxfer *t = &m->xfers[x];
            for (long s = c->xws[x]; s < c->xws[x] + c->xwl[x]; s++)
                clause2(c, -x_started(c, x, s), op_started(c, ed->from, s - a->sd));
            for (long s = c->ws[ed->to]; s < c->ws[ed->to] + c->wl[ed->to]; s++)
                clause2(c, -op_started(c, ed->to, s), x_started(c, x, s - t->stx - t->slat));
        } else {
            long k = a->sd;
            if (ed->xfer >= 0)
                k += m->xfers[ed->xfer].stx + m->xfers[ed->xfer].slat;
            for (long s = c->ws[ed->to]; s < c->ws[ed->to] + c->wl[ed->to]; s++)
                clause2(c, -op_started(c, ed->to, s), op_started(c, ed->from, s - k));
        }
    }
}

/* At most one of the jobs busy at each slot: busy(i, t) = started by t and not by t - dur.
 * A sequential counter over the busy ones (Sinz), each "busy" a pair of literals. */
static void capacity(struct cnf *c, const int *zb, const int *ws, const int *wl, const long *dur,
                     int n, int *on, int *off)
{
    for (long t = 0; t < c->T && !c->too_big; t++) {
        int k = 0, sure = 0;
        for (int i = 0; i < n; i++) {
            if (dur[i] <= 0)
                continue;
            int a = started(zb[i], ws[i], wl[i], t), b = started(zb[i], ws[i], wl[i], t - dur[i]);
            if (a == L_FALSE || b == L_TRUE)
                continue;
            if (a == L_TRUE && b == L_FALSE) {
                sure++;
                continue;
            }
            on[k] = a, off[k] = b, k++;
        }
        if (sure > 1) {
            c->empty = true;
            return;
        }
        if (sure == 1) {
            for (int i = 0; i < k; i++)
                clause2(c, -on[i], off[i]);
            continue;
        }
        /* s_i: one of the first i + 1 is busy */
        int prev = 0;
        for (int i = 0; i < k; i++) {
            if (prev != 0)
                clause3(c, -on[i], off[i], -prev);
            if (i + 1 < k) {
                int s = new_var(c);
                clause3(c, -on[i], off[i], s);
                if (prev != 0)
                    clause2(c, -prev, s);
                prev = s;
            }
        }
    }
}

/* The vstages of device d's ops (at most SAT_MAX_VSTAGES), in vs; their number. */
static int device_vstages(const struct model *m, int d, int *vs)
{
    int n = 0;
    for (int i = 0; i < m->dev_n[d]; i++) {
        int v = m->ops[m->dev_op[d][i]].v, seen = 0;
        for (int h = 0; h < n; h++)
            seen |= vs[h] == v;
        if (!seen && n < SAT_MAX_VSTAGES)
            vs[n++] = v;
    }
    return n;
}

/* A device's ops of one kind on one vstage run one after another (the microbatch order is
 * a precedence), so "busy at t" is asked per such chain: b(chain, t) follows from any of
 * its ops busy at t, and at most one chain is busy per slot. */
static void device_capacity(struct cnf *c, int d)
{
    const struct model *m = c->m;
    int vs[SAT_MAX_VSTAGES], nvs = device_vstages(m, d, vs), b[SAT_MAX_CHAINS];
    for (long t = 0; t < c->T && !c->too_big && !c->empty; t++) {
        int nb = 0, sure = 0;
        for (int h = 0; h < nvs; h++)
            for (int kind = 0; kind < 3; kind++) {
                int lit = L_FALSE;
                for (int mb = 0; mb < m->M && lit != L_TRUE; mb++) {
                    int o = op_id(m, kind, vs[h], mb);
                    const struct mop *mo = &m->ops[o];
                    if (!mo->present || mo->sd <= 0)
                        continue;
                    int on = op_started(c, o, t), off = op_started(c, o, t - mo->sd);
                    if (on == L_FALSE || off == L_TRUE)
                        continue;
                    if (on == L_TRUE && off == L_FALSE) {
                        lit = L_TRUE;
                        break;
                    }
                    if (lit == L_FALSE)
                        lit = new_var(c);
                    clause3(c, -on, off, lit);
                }
                if (lit == L_TRUE)
                    sure++;
                else if (lit != L_FALSE)
                    b[nb++] = lit;
            }
        if (sure > 1)
            c->empty = true;
        for (int i = 0; i < nb; i++) {
            if (sure == 1)
                clause2(c, -b[i], L_FALSE);
            for (int k = i + 1; k < nb && sure == 0; k++)
                clause2(c, -b[i], -b[k]);
        }
    }
}

static void capacities(struct cnf *c)
{
    const struct model *m = c->m;
    int maxn = opt_max_machine_ops(m);
    int *buf = malloc((size_t)maxn * 5 * sizeof *buf);
    long *dur = malloc((size_t)maxn * sizeof *dur);
    if (buf == NULL || dur == NULL) {
        free(buf);
        free(dur);
        c->too_big = true;
        return;
    }
    int *zb = buf, *ws = buf + maxn, *wl = buf + 2 * maxn, *on = buf + 3 * maxn,
        *off = buf + 4 * maxn;
    for (int d = 0; d < m->S; d++)
        device_capacity(c, d);
    for (int h = 0; h < m->n_chans; h++) {
        for (int i = 0; i < m->chan_n[h]; i++) {
            int x = m->chan_x[h][i];
            zb[i] = c->xzb[x], ws[i] = c->xws[x], wl[i] = c->xwl[x], dur[i] = m->xfers[x].stx;
        }
        capacity(c, zb, ws, wl, dur, m->chan_n[h], on, off);
    }
    free(buf);
    free(dur);
}

/* ---- memory: sums of counters in unary ------------------------------------------------- */

/* A sum in unary: lit[i] = "the sum is at least val[i]", val increasing. */
struct usum {
    int n;
    int64_t *val;
    int *lit;
};

static void usum_free(struct usum *u)
{
    free(u->val);
    free(u->lit);
    u->val = NULL;
    u->lit = NULL;
    u->n = 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The distinct sums a + b (a in {0} + A, b in {0} + B), zero left out, as r's values with
 * fresh literals. False when there are too many. */
static bool merged_values(struct cnf *c, const struct usum *A, const struct usum *B, struct usum *r)
{
    size_t cap = (size_t)(A->n + 1) * (size_t)(B->n + 1);
    r->val = malloc(cap * sizeof *r->val);
    if (r->val == NULL)
        return false;
    size_t k = 0;
    for (int i = 0; i <= A->n; i++)
        for (int j = 0; j <= B->n; j++) {
            int64_t v = (i > 0 ? A->val[i - 1] : 0) + (j > 0 ? B->val[j - 1] : 0);
            if (v > 0)
                r->val[k++] = v;
        }
    qsort(r->val, k, sizeof *r->val, cmp_i64);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || r->val[u - 1] != r->val[i])
            r->val[u++] = r->val[i];
    if (u > SAT_MAX_VALUES) {
        free(r->val);
        r->val = NULL;
        return false;
    }
    r->n = (int)u;
    r->lit = malloc((u + 1) * sizeof *r->lit);
    if (r->lit == NULL)
        return false;
    for (size_t i = 0; i < u; i++)
        r->lit[i] = new_var(c);
    return true;
}

/* Index of the least value of r at least v (r->n when none). */
static int at_least(const struct usum *r, int64_t v)
{
    int lo = 0, hi = r->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (r->val[mid] >= v)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* r = A + B. up: r's literals are forced true by A and B (a sum that may only be
 * underestimated: the allocations); down: they are true only if A and B reach them (a sum
 * that may only be overestimated... never: the frees). Consumes A and B. */
static bool merge(struct cnf *c, struct usum *A, struct usum *B, bool up, struct usum *r)
{
    memset(r, 0, sizeof *r);
    bool ok = merged_values(c, A, B, r);
    for (int i = 0; ok && i <= A->n; i++)
        for (int j = 0; j <= B->n; j++) {
            if (up) {
                int64_t v = (i > 0 ? A->val[i - 1] : 0) + (j > 0 ? B->val[j - 1] : 0);
                if (v == 0)
                    continue;
                clause3(c, i > 0 ? -A->lit[i - 1] : L_FALSE, j > 0 ? -B->lit[j - 1] : L_FALSE,
                        r->lit[at_least(r, v)]);
            } else {
                /* A below its value i + 1 and B below j + 1: r below the least value past
                 * A's i-th and B's j-th */
                int64_t v = (i > 0 ? A->val[i - 1] : 0) + (j > 0 ? B->val[j - 1] : 0);
                int u = at_least(r, v + 1);
                if (u >= r->n)
                    continue;
                clause3(c, i < A->n ? A->lit[i] : L_FALSE, j < B->n ? B->lit[j] : L_FALSE,
                        -r->lit[u]);
            }
        }
    usum_free(A);
    usum_free(B);
    if (!ok)
        usum_free(r);
    return ok;
}

/* Merges the n sums in a balanced tree into r (consumes them). */
static bool merge_all(struct cnf *c, struct usum *s, int n, bool up, struct usum *r)
{
    memset(r, 0, sizeof *r);
    if (n == 0)
        return true;
    while (n > 1) {
        int k = 0;
        for (int i = 0; i + 1 < n; i += 2) {
            struct usum t;
            if (!merge(c, &s[i], &s[i + 1], up, &t)) {
                for (int h = i + 2; h < n; h++)
                    usum_free(&s[h]);
                for (int h = 0; h < k; h++)
                    usum_free(&s[h]);
                return false;
            }
            s[k++] = t;
        }
        if (n % 2 == 1)
            s[k++] = s[n - 1];
        n = k;
    }
    *r = s[0];
    return true;
}

/* Quanta of op o's allocation (positive) or free (negative). */
static int64_t quanta(const struct cnf *c, const struct mop *o)
{
    return (int64_t)llround(o->alloc * 1e9 / (double)c->q);
}

/* A memory quantum dividing every allocation and free (to 1e-6 of it), with the limit's
 * count of them; false when none is found among a/k, a the smallest, k = 1..64. */
static bool choose_quantum(struct cnf *c)
{
    const struct model *m = c->m;
    double amin = 0;
    for (int i = 0; i < m->n_ops; i++)
        if (m->ops[i].present && m->ops[i].alloc != 0 &&
            (amin == 0 || fabs(m->ops[i].alloc) < amin))
            amin = fabs(m->ops[i].alloc);
    if (amin == 0) {
        c->q = 1;
        return true;
    }
    for (int k = 1; k <= 64; k++) {
        double q = amin / k;
        bool ok = q * 1e9 >= 1;
        for (int i = 0; ok && i < m->n_ops; i++) {
            double x = fabs(m->ops[i].alloc) / q;
            ok = !m->ops[i].present || fabs(x - round(x)) <= 1e-6 * fmax(1, x);
        }
        if (ok) {
            c->q = (int64_t)llround(q * 1e9);
            return c->q > 0;
        }
    }
    return false;
}

/* The memory limit at every slot where some F of device d may start: the allocations of the
 * F started by then less the frees of the B and W ended by then (frees first). Each chain
 * (a kind on a vstage, in microbatch order) is a counter in unary: its i-th op started
 * (ended) implies every earlier one did. */
static void memory_device(struct cnf *c, int d, struct usum *leaves, int64_t limit_q)
{
    const struct model *m = c->m;
    int vs[SAT_MAX_VSTAGES], nvs = device_vstages(m, d, vs);
    for (long t = 0; t < c->T && !c->too_big && !c->empty; t++) {
        bool any = false;
        for (int i = 0; i < m->dev_n[d] && !any; i++) {
            int o = m->dev_op[d][i];
            any = m->ops[o].kind == PS_OP_F && t >= c->ws[o] && t < c->ws[o] + c->wl[o];
        }
        if (!any)
            continue;
        int np = 0, nn = 0; /* leaves: allocations from the front, frees from the back */
        int64_t fixed = 0;
        bool ok = true;
        for (int h = 0; h < nvs && ok; h++)
            for (int kind = 0; kind < 3 && ok; kind++) {
                int mb = kind == PS_OP_F ? 0 : m->border[0];
                struct usum u = {0};
                int64_t sum = 0;
                for (; mb >= 0; mb = opt_next_mb(m, kind, mb)) {
                    int o = op_id(m, kind, vs[h], mb);
                    const struct mop *mo = &m->ops[o];
                    if (!mo->present || mo->alloc == 0)
                        continue;
                    int l = op_started(c, o, mo->alloc > 0 ? t : t - mo->sd);
                    int64_t w = quanta(c, mo);
                    if (l == L_FALSE)
                        break; /* and every later one of the chain */
                    if (l == L_TRUE) {
                        fixed += w;
                        continue;
                    }
                    if (u.n == 0) {
                        u.val = malloc((size_t)m->M * sizeof *u.val);
                        u.lit = malloc((size_t)m->M * sizeof *u.lit);
                        if (u.val == NULL || u.lit == NULL) {
                            usum_free(&u);
                            ok = false;
                            break;
                        }
                    }
                    sum += w > 0 ? w : -w;
                    u.val[u.n] = sum;
                    u.lit[u.n++] = l;
                }
                if (u.n == 0)
                    continue;
                if (kind == PS_OP_F)
                    leaves[np++] = u;
                else
                    leaves[SAT_MAX_CHAINS - 1 - nn++] = u;
            }
        struct usum P, N;
        ok = ok && merge_all(c, leaves, np, true, &P);
        if (!ok) {
            for (int i = 0; i < nn; i++)
                usum_free(&leaves[SAT_MAX_CHAINS - 1 - i]);
            c->too_big = true;
            return;
        }
        ok = merge_all(c, leaves + SAT_MAX_CHAINS - nn, nn, false, &N);
        if (!ok) {
            usum_free(&P);
            c->too_big = true;
            return;
        }
        /* fixed + P - N <= limit: P at least p forces N at least p + fixed - limit */
        for (int i = -1; i < P.n; i++) {
            int64_t need = (i >= 0 ? P.val[i] : 0) + fixed - limit_q;
            if (need <= 0)
                continue;
            int u = at_least(&N, need);
            clause2(c, i >= 0 ? -P.lit[i] : L_FALSE, u < N.n ? N.lit[u] : L_FALSE);
        }
        usum_free(&P);
        usum_free(&N);
    }
}

static void memory(struct cnf *c)
{
    const struct model *m = c->m;
    if (!m->sc->has_memory_limit)
        return;
    if (!choose_quantum(c)) {
        c->too_big = true;
        return;
    }
    int64_t limit_q = (int64_t)floor(m->sc->memory_limit * 1e9 / (double)c->q + 1e-6);
    struct usum leaves[SAT_MAX_CHAINS];
    for (int d = 0; d < m->S && !c->too_big && !c->empty; d++)
        memory_device(c, d, leaves, limit_q);
}

/* ---- the search over makespans -------------------------------------------------------- */

bool opt_sat_applies(const struct model *m, int64_t ub)
{
    if (m->sc->has_data_parallel)
        return false;
    int64_t u = opt_time_unit(m, 0);
    return u > 0 && ub / u <= OPT_MAX_SLOTS;
}

static int terminate(void *user)
{
    return opt_out_of_budget((struct model *)user);
}

/* The schedule of a model of the formula: device orders by start slot, channel ranks by
 * transmission start; simulated. */
static enum ps_status decode(struct cnf *c, struct ps_schedule **out)
{
    const struct model *m = c->m;
    long *op_s = malloc(((size_t)m->n_ops + 1) * sizeof *op_s);
    long *x_s = malloc(((size_t)m->n_xfers + 1) * sizeof *x_s);
    struct ps_schedule *s = ps_schedule_new(m->sc, "optimal", m->V, m->tr, true);
    enum ps_status st = op_s && x_s && s ? PS_OK : PS_ENOMEM;
    for (int i = 0; i < m->n_ops && st == PS_OK; i++) {
        if (!m->ops[i].present)
            continue;
        long t = c->ws[i];
        while (t < c->ws[i] + c->wl[i] - 1 && ccadical_val(c->s, op_started(c, i, t)) < 0)
            t++;
        op_s[i] = t;
    }
    for (int x = 0; x < m->n_xfers && st == PS_OK; x++) {
        x_s[x] = 0;
        if (m->xfers[x].chan < 0)
            continue;
        long t = c->xws[x];
        while (t < c->xws[x] + c->xwl[x] - 1 && ccadical_val(c->s, x_started(c, x, t)) < 0)
            t++;
        x_s[x] = t;
    }
    if (st == PS_OK)
        st = opt_slot_orders(m, s, op_s, x_s);
    if (st == PS_OK && !opt_sim_ok(s))
        st = PS_EINVAL;
    free(op_s);
    free(x_s);
    if (st != PS_OK) {
        ps_schedule_free(s);
        s = NULL;
    }
    *out = s;
    return st;
}

/* One makespan: 10 satisfiable (*found, simulated), 20 refuted, 0 unknown (budget). */
static int ask(struct model *m, bool uniform, long T, long conflicts, long max_vars,
               struct opt_sat_result *r, struct ps_schedule **found)
{
    int n = m->n_ops, x = m->n_xfers;
    struct cnf c = {.m = m, .T = T, .max_vars = max_vars};
    int *buf = calloc((size_t)(3 * n + 3 * x + 6), sizeof *buf);
    int64_t *win = malloc((size_t)(2 * n + 2 * x + 4) * sizeof *win);
    if (buf == NULL || win == NULL) {
        free(buf);
        free(win);
        r->st = PS_ENOMEM;
        return 0;
    }
    c.zb = buf, c.ws = buf + n, c.wl = buf + 2 * n;
    c.xzb = buf + 3 * n, c.xws = buf + 3 * n + x, c.xwl = buf + 3 * n + 2 * x;
    int res = 0;
    r->calls++;
    bool open = opt_window_narrow(m, uniform, T * m->unit, win, win + n, win + 2 * n,
                                  win + 2 * n + x, &r->st);
    if (r->st != PS_OK || !open || !windows(&c, win, win + n, win + 2 * n, win + 2 * n + x)) {
        free(buf);
        free(win);
        return r->st == PS_OK ? 20 : 0;
    }
    free(win);
    c.s = ccadical_init();
    /* nothing on the terminal (the explorer owns it): CaDiCaL reports on stdout otherwise */
    ccadical_set_option(c.s, "quiet", 1);
    ccadical_set_terminate(c.s, m, terminate);
    variables(&c);
    if (!c.too_big && !c.empty)
        precedence(&c);
    if (!c.too_big && !c.empty)
        capacities(&c);
    if (!c.too_big && !c.empty)
        memory(&c);
    if (c.nv > r->vars)
        r->vars = c.nv;
    if (c.clauses > r->clauses)
        r->clauses = c.clauses;
    if (c.too_big || c.nv > c.max_vars) {
        r->too_big = true;
    } else if (c.empty) {
        res = 20;
    } else if (!opt_out_of_budget(m)) {
        ccadical_limit(c.s, "conflicts", (int)(conflicts < INT_MAX ? conflicts : INT_MAX));
        res = ccadical_solve(c.s);
        if (res == 10) {
            r->st = decode(&c, found);
            if (r->st != PS_OK)
                res = 0;
        }
    }
    ccadical_release(c.s);
    free(buf);
    return res;
}

int64_t opt_sat_search(struct model *m, bool uniform, int64_t lb, struct warm *w, long conflicts,
                       int calls, long max_vars, struct opt_sat_result *out)
{
    memset(out, 0, sizeof *out);
    double t0 = opt_now_s();
    int64_t u = opt_time_unit(m, 0);
    out->st = PS_OK;
    if (u <= 0 || w == NULL || w->inc == NULL)
        return lb;
    opt_time_prepare(m, u, false);
    out->unit = u;
    for (long T = (long)((lb + u - 1) / u); T * u < w->ub && out->calls < calls; T++) {
        if (opt_out_of_budget(m))
            break;
        struct ps_schedule *s = NULL;
        int res = ask(m, uniform, T, conflicts,
                      max_vars > 0 && max_vars < SAT_MAX_VARS ? max_vars : SAT_MAX_VARS, out, &s);
        if (out->st != PS_OK || out->too_big)
            break;
        if (res == 20) {
            lb = (T + 1) * u;
            out->refuted++;
            continue;
        }
        if (res == 10 && s != NULL && s->makespan_ns > T * u) {
            out->mismatches++; /* the formula and the simulator disagree: a bug */
            ps_schedule_free(s);
            break;
        }
        if (res == 10 && s != NULL) {
            out->found = true;
            if (s->makespan_ns < w->ub) {
                ps_schedule_free(w->inc);
                w->inc = s;
                w->ub = s->makespan_ns;
            } else {
                ps_schedule_free(s);
            }
            if (lb < T * u && w->ub <= T * u)
                lb = T * u; /* no shorter schedule: every T below was refuted */
        }
        break;
    }
    out->seconds = opt_now_s() - t0;
    return lb;
}
