/* Heads and tails that a device's own work forces (docs/model.md, "Bounds"): an op starts
 * no earlier than the device can finish every op that must precede it, and, under a memory
 * limit, enough frees to make room for an F; it leaves at least the time the device needs
 * for every op that must follow it. Each is the least makespan of a one-machine problem
 * with release times (exact in release order), so it holds for every schedule of the
 * shape. The tightened heads and tails then travel along the precedence edges, and the
 * whole is repeated while it still moves. They tighten the static bound (Jackson's
 * preemptive bound, graph.c) and the order model's time windows. */
#include "solvers/optimal/internal.h"

#include <math.h>
#include <stdlib.h>

#define ENERGY_ROUNDS 4

static int cmp_release(const void *a, const void *b)
{
    const struct opt_rjob *x = a, *y = b;
    return (x->r > y->r) - (x->r < y->r);
}

static int cmp_ratio(const void *a, const void *b)
{
    const struct opt_free *x = a, *y = b;
    return (x->ratio > y->ratio) - (x->ratio < y->ratio);
}

void opt_sort_frees(struct opt_free *f, int n)
{
    qsort(f, (size_t)n, sizeof *f, cmp_ratio);
}

int64_t opt_completion(struct opt_rjob *j, int n)
{
    qsort(j, (size_t)n, sizeof *j, cmp_release);
    int64_t t = INT64_MIN;
    for (int i = 0; i < n; i++) {
        if (t < j[i].r)
            t = j[i].r;
        t += j[i].p;
    }
    return t;
}

double opt_cover(const struct opt_free *ops, int n, double *left, double eps)
{
    double total = 0;
    for (int i = 0; i<n && * left> eps; i++) {
        double take = ops[i].amount < *left ? ops[i].amount : *left;
        total += ops[i].ratio * take;
        *left -= take;
    }
    return total;
}

struct scratch {
    struct opt_rjob *jobs;
    struct opt_free *frees;
};

/* The least work of frees, none of them before q nor after it, that make `need` units of
 * room (fractions of an op allowed: a lower bound), and the earliest head among them, as
 * one job: no set of real frees finishes sooner next to the predecessors. False when the
 * frees cannot make the room (left to the model to find infeasible). */
static bool room_job(const struct model *m, int dv, int q, double need, struct scratch *sc,
                     struct opt_rjob *out)
{
    int n = 0;
    int64_t rmin = INT64_MAX;
    for (int i = 0; i < m->dev_n[dv]; i++) {
        int r = m->dev_op[dv][i];
        const struct mop *o = &m->ops[r];
        if (r == q || o->alloc >= 0 || reaches(m, r, q) || reaches(m, q, r))
            continue;
        sc->frees[n++] = (struct opt_free){(double)o->dur / -o->alloc, o->dur, -o->alloc};
        if (o->head < rmin)
            rmin = o->head;
    }
    opt_sort_frees(sc->frees, n);
    double work = opt_cover(sc->frees, n, &need, 1e-9);
    if (need > 1e-9)
        return false;
    *out = (struct opt_rjob){rmin, (int64_t)floor(work)};
    return true;
}

/* One device: every op's head from its predecessors there (and the room an F needs), its
 * tail from its successors there. True when something moved. */
static bool device_pass(struct model *m, int dv, struct scratch *sc)
{
    const struct ps_scenario *scn = m->sc;
    bool moved = false;
    for (int qi = 0; qi < m->dev_n[dv]; qi++) {
        if (qi % 64 == 0 && opt_out_of_budget(m))
            return false;
        int q = m->dev_op[dv][qi];
        struct mop *oq = &m->ops[q];
        int np = 0, ns = 0;
        double need = oq->alloc - scn->memory_limit;
        struct opt_rjob *succ = sc->jobs + m->dev_n[dv] + 1;
        for (int i = 0; i < m->dev_n[dv]; i++) {
            int p = m->dev_op[dv][i];
            const struct mop *op = &m->ops[p];
            if (p == q)
                continue;
            if (reaches(m, p, q)) {
                sc->jobs[np++] = (struct opt_rjob){op->head, op->dur};
                need += op->alloc;
            } else if (reaches(m, q, p)) {
                succ[ns++] = (struct opt_rjob){op->tail, op->dur};
            }
        }
        if (scn->has_memory_limit && oq->kind == PS_OP_F && need > 1e-9 &&
            room_job(m, dv, q, need, sc, &sc->jobs[np]))
            np++;
        if (np > 0) {
            int64_t h = opt_completion(sc->jobs, np);
            if (h > oq->head) {
                oq->head = h;
                moved = true;
            }
        }
        if (ns > 0) {
            int64_t t = opt_completion(succ, ns);
            if (t > oq->tail) {
                oq->tail = t;
                moved = true;
            }
        }
    }
    return moved;
}

/* Heads forward and tails backward along every precedence edge, in topological order. */
static void propagate(struct model *m, const int *first, const int *succ)
{
    for (int k = 0; k < m->n_live; k++) {
        int a = m->topo[k];
        for (int j = first[a]; j < first[a + 1]; j++) {
            const struct edge *e = &m->edges[succ[j]];
            int64_t h = m->ops[a].head + e->delay;
            if (m->ops[e->to].head < h)
                m->ops[e->to].head = h;
        }
    }
    for (int k = m->n_live - 1; k >= 0; k--) {
        int a = m->topo[k];
        struct mop *o = &m->ops[a];
        for (int j = first[a]; j < first[a + 1]; j++) {
            const struct edge *e = &m->edges[succ[j]];
            const struct mop *b = &m->ops[e->to];
            int64_t t = e->delay - o->dur + b->dur + b->tail;
            if (o->tail < t)
                o->tail = t;
        }
    }
}

enum ps_status opt_energy_heads(struct model *m)
{
    int cap = opt_max_machine_ops(m);
    struct scratch sc;
    sc.jobs = malloc(2 * ((size_t)cap + 1) * sizeof *sc.jobs);
    sc.frees = malloc(((size_t)cap + 1) * sizeof *sc.frees);
    int *first = NULL, *succ = NULL;
    if (sc.jobs == NULL || sc.frees == NULL || opt_out_edges(m, &first, &succ) != PS_OK) {
        free(sc.jobs);
        free(sc.frees);
        return PS_ENOMEM;
    }
    for (int round = 0; round < ENERGY_ROUNDS; round++) {
        bool moved = false;
        for (int dv = 0; dv < m->S; dv++)
            moved |= device_pass(m, dv, &sc);
        if (!moved || m->out != 0)
            break;
        propagate(m, first, succ);
    }
    free(sc.jobs);
    free(sc.frees);
    free(first);
    free(succ);
    return PS_OK;
}

static int cmp_ratio_desc(const void *a, const void *b)
{
    return cmp_ratio(b, a);
}

/* One device's memory-cycle bound (see opt_memory_cycle_bound); 0 when it says nothing. */
static int64_t device_cycle(const struct model *m, int dv, struct opt_free *fr, struct opt_free *fw)
{
    double limit = m->sc->memory_limit, alloc = 0;
    int64_t fdur = 0, fhead = INT64_MAX, t_free = INT64_MAX, fq = INT64_MAX;
    int nfr = 0, nfw = 0;
    for (int i = 0; i < m->dev_n[dv]; i++) {
        const struct mop *o = &m->ops[m->dev_op[dv][i]];
        if (o->kind == PS_OP_F) {
            if (o->alloc <= 0)
                continue;
            alloc += o->alloc;
            fdur += o->dur;
            fhead = o->head < fhead ? o->head : fhead;
            fq = o->tail < fq ? o->tail : fq;
            fw[nfw++] = (struct opt_free){(double)o->dur / o->alloc, o->dur, o->alloc};
            continue;
        }
        /* every B and W, freeing or not: a free's work includes its chunk's B */
        if (o->head < t_free)
            t_free = o->head;
        if (o->kind != PS_OP_B)
            continue;
        /* a chunk's frees: its B alone, or its B then its W, never its W alone */
        double b = o->alloc < 0 ? -o->alloc : 0, w = 0;
        int64_t wd = 0;
        int wi = op_id(m, PS_OP_W, o->v, o->mb);
        if (m->ops[wi].present && m->ops[wi].alloc < 0) {
            w = -m->ops[wi].alloc;
            wd = m->ops[wi].dur;
        }
        if (b + w <= 0)
            continue;
        double rate = (double)(o->dur + wd) / (b + w);
        if (b > 0 && (double)o->dur / b < rate)
            rate = (double)o->dur / b;
        fr[nfr++] = (struct opt_free){rate, o->dur + wd, b + w};
    }
    double need = alloc - limit - 1e-9; /* the simulator's tolerance */
    if (need <= 1e-9 || nfw == 0 || nfr == 0 || t_free == INT64_MAX)
        return 0;
    /* the least work that frees `need`: each unit at its chunk's best rate at least */
    opt_sort_frees(fr, nfr);
    double left = need, work = opt_cover(fr, nfr, &left, 1e-9);
    if (left > 1e-9)
        return 0; /* the frees cannot make the room: left to the model */
    /* the most forward work that can run before the first free: what fits in memory
     * together (the longest per unit first, fractions allowed), and no more than the time
     * from the first forward's head */
    qsort(fw, (size_t)nfw, sizeof *fw, cmp_ratio_desc);
    double room = limit + 1e-9, fit = opt_cover(fw, nfw, &room, 1e-12);
    if (fit > (double)(t_free - fhead))
        fit = (double)(t_free > fhead ? t_free - fhead : 0);
    double rest = (double)fdur - fit;
    return t_free + (int64_t)floor(work) + (rest > 0 ? (int64_t)floor(rest) : 0) + fq;
}

int64_t opt_memory_cycle_bound(const struct model *m, int *dev)
{
    *dev = -1;
    if (!m->sc->has_memory_limit)
        return 0;
    int cap = opt_max_machine_ops(m);
    struct opt_free *fr = malloc(((size_t)cap + 1) * sizeof *fr);
    struct opt_free *fw = malloc(((size_t)cap + 1) * sizeof *fw);
    int64_t best = 0;
    for (int dv = 0; dv < m->S && fr != NULL && fw != NULL; dv++) {
        int64_t v = device_cycle(m, dv, fr, fw);
        if (v > best) {
            best = v;
            *dev = dv;
        }
    }
    free(fr);
    free(fw);
    return best;
}
