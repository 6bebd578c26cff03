/* The optimal solver's model: every op and cross-device transfer of one shape, the
 * precedence graph with its transitive closure, earliest starts (heads) and least
 * remaining times (tails), the precedences the memory limit forces, and the static lower
 * bound they give. Both formulations are built on it. */
#include "solvers/optimal/internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/units.h"

double opt_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void opt_model_free(struct model *m)
{
    free(m->ops);
    free(m->brank);
    free(m->border);
    free(m->xfers);
    free(m->edges);
    free(m->topo);
    free(m->reach);
    if (m->dev_op != NULL)
        for (int d = 0; d < m->S; d++)
            free(m->dev_op[d]);
    if (m->pair != NULL)
        for (int d = 0; d < m->S; d++)
            free(m->pair[d]);
    free(m->dev_op);
    free(m->pair);
    free(m->dev_n);
    if (m->chan_x != NULL)
        for (int c = 0; c < m->n_chans; c++)
            free(m->chan_x[c]);
    if (m->chan_pair != NULL)
        for (int c = 0; c < m->n_chans; c++)
            free(m->chan_pair[c]);
    free(m->chan_x);
    free(m->chan_pair);
    free(m->chan_n);
    free(m->ia);
    free(m->ja);
    free(m->ar);
    if (m->lp != NULL)
        glp_delete_prob(m->lp);
    memset(m, 0, sizeof *m);
}

/* ---- the precedence graph -------------------------------------------------------------- */

static int channel_group(const struct ps_scenario *sc, int a, int z)
{
    int da = ps_scenario_dc_of(sc, a), dz = ps_scenario_dc_of(sc, z);
    if (da != dz)
        return PS_MAX_STAGES * PS_MAX_STAGES + da * PS_MAX_DCS + dz;
    return a * PS_MAX_STAGES + z;
}

static enum ps_status add_edge(struct model *m, int a, int b)
{
    if (!m->ops[a].present || !m->ops[b].present)
        return PS_OK;
    if (m->n_edges == m->edge_cap) {
        int ncap = m->edge_cap ? 2 * m->edge_cap : 1024;
        struct edge *e = realloc(m->edges, (size_t)ncap * sizeof *e);
        if (e == NULL) {
            m->oom = true;
            return PS_ENOMEM;
        }
        m->edges = e;
        m->edge_cap = ncap;
    }
    struct edge *e = &m->edges[m->n_edges++];
    e->from = a;
    e->to = b;
    e->delay = m->ops[a].dur;
    e->xfer = -1;
    return PS_OK;
}

/* A dependency between virtual stages v (producer) and its consumer, with its
 * transfer when they sit on different devices. */
static void add_dep(struct model *m, int a, int b, int kind, int *chan_ids, int *n_ids)
{
    const struct mop *pa = &m->ops[a], *pb = &m->ops[b];
    int before = m->n_edges;
    if (add_edge(m, a, b) != PS_OK || m->n_edges == before || pa->dev == pb->dev)
        return;
    struct edge *e = &m->edges[m->n_edges - 1];
    struct ps_link link = ps_scenario_link(m->sc, pa->dev, pb->dev);
    struct mxfer *x = &m->xfers[m->n_xfers];
    memset(x, 0, sizeof *x);
    x->from = a;
    x->to = b;
    x->kind = kind;
    x->from_v = pa->v;
    x->mb = pa->mb;
    x->tx = ps_tx_ns(ps_scenario_message_mb(m->sc, pa->mb), link.bandwidth_gbps);
    x->lat = ps_ms_to_ns(link.latency_ms);
    x->chan = -1;
    if (x->tx > 0) {
        int g = channel_group(m->sc, pa->dev, pb->dev);
        int i = 0;
        while (i < *n_ids && chan_ids[i] != g)
            i++;
        if (i == *n_ids)
            chan_ids[(*n_ids)++] = g;
        x->chan = i;
    }
    e->delay = pa->dur + x->tx + x->lat;
    e->xfer = m->n_xfers++;
}

/* Topological order, reachability, heads and tails of the precedence graph (again after
 * the memory presolve adds edges). */
static enum ps_status closure(struct model *m)
{
    /* topological order (Kahn) */
    int n = m->n_ops;
    free(m->topo);
    free(m->reach);
    m->reach = NULL;
    int *indeg = calloc((size_t)n, sizeof *indeg);
    int *first = malloc(((size_t)n + 1) * sizeof *first);
    int *succ = malloc(((size_t)m->n_edges + 1) * sizeof *succ);
    m->topo = malloc((size_t)n * sizeof *m->topo);
    if (indeg == NULL || first == NULL || succ == NULL || m->topo == NULL) {
        free(indeg);
        free(first);
        free(succ);
        return PS_ENOMEM;
    }
    for (int i = 0; i <= n; i++)
        first[i] = 0;
    for (int e = 0; e < m->n_edges; e++) {
        first[m->edges[e].from + 1]++;
        indeg[m->edges[e].to]++;
    }
    for (int i = 0; i < n; i++)
        first[i + 1] += first[i];
    int *fill = calloc((size_t)n, sizeof *fill);
    if (fill == NULL) {
        free(indeg);
        free(first);
        free(succ);
        return PS_ENOMEM;
    }
    for (int e = 0; e < m->n_edges; e++) {
        int a = m->edges[e].from;
        succ[first[a] + fill[a]++] = e;
    }
    free(fill);
    int nt = 0;
    for (int i = 0; i < n; i++)
        if (m->ops[i].present && indeg[i] == 0)
            m->topo[nt++] = i;
    for (int k = 0; k < nt; k++) {
        int a = m->topo[k];
        for (int j = first[a]; j < first[a + 1]; j++) {
            int b = m->edges[succ[j]].to;
            if (--indeg[b] == 0)
                m->topo[nt++] = b;
        }
    }
    free(indeg);
    if (nt != m->n_live) { /* a cycle: only a bug can make one */
        free(first);
        free(succ);
        return PS_EINVAL;
    }

    /* reachability, in reverse topological order */
    m->words = ((size_t)n + 63) / 64;
    m->reach = calloc((size_t)n * m->words, sizeof *m->reach);
    if (m->reach == NULL) {
        free(first);
        free(succ);
        return PS_ENOMEM;
    }
    for (int k = nt - 1; k >= 0; k--) {
        if (k % 64 == 0 && opt_out_of_budget(m)) /* 64 rows of n bits: far below 100 ms */
            break;
        int a = m->topo[k];
        uint64_t *ra = m->reach + (size_t)a * m->words;
        for (int j = first[a]; j < first[a + 1]; j++) {
            int b = m->edges[succ[j]].to;
            const uint64_t *rb = m->reach + (size_t)b * m->words;
            for (size_t wi = 0; wi < m->words; wi++)
                ra[wi] |= rb[wi];
            ra[b / 64] |= UINT64_C(1) << (b % 64);
        }
    }
    if (m->out != 0) { /* out of budget: the caller drops the model */
        free(first);
        free(succ);
        return PS_OK;
    }

    /* heads forward, tails backward */
    for (int k = 0; k < nt; k++) {
        struct mop *o = &m->ops[m->topo[k]];
        o->head = 0;
    }
    for (int k = 0; k < nt; k++) {
        struct mop *o = &m->ops[m->topo[k]];
        if (o->kind == PS_OP_F && o->mb == 0 && o->head < m->ag_end[o->dev][o->chunk])
            o->head = m->ag_end[o->dev][o->chunk];
        for (int j = first[m->topo[k]]; j < first[m->topo[k] + 1]; j++) {
            const struct edge *e = &m->edges[succ[j]];
            int64_t h = o->head + e->delay;
            if (m->ops[e->to].head < h)
                m->ops[e->to].head = h;
        }
    }
    for (int k = nt - 1; k >= 0; k--) {
        struct mop *o = &m->ops[m->topo[k]];
        bool last =
            o->mb == opt_last_mb(m, PS_OP_B) &&
            (o->kind == PS_OP_W || (o->kind == PS_OP_B && !ps_schedule_has_w(m->shape, o->dev)));
        o->tail = last ? m->rs[o->dev][o->chunk] : 0;
        for (int j = first[m->topo[k]]; j < first[m->topo[k] + 1]; j++) {
            const struct edge *e = &m->edges[succ[j]];
            const struct mop *b = &m->ops[e->to];
            int64_t t = e->delay - o->dur + b->dur + b->tail;
            if (o->tail < t)
                o->tail = t;
        }
    }
    free(first);
    free(succ);

    return PS_OK;
}

/* Memory presolve: an F that needs frees before it (the allocations that must precede
 * it exceed the limit) must follow every free op r without which the remaining frees
 * fall short (r precedes all the others, e.g. the device's first B). Adds those
 * precedences as edges; returns how many. */
static int memory_precedences(struct model *m, enum ps_status *st)
{
    const struct ps_scenario *sc = m->sc;
    int added = 0;
    *st = PS_OK;
    if (!sc->has_memory_limit)
        return 0;
    for (int q = 0; q < m->n_ops; q++) {
        const struct mop *oq = &m->ops[q];
        if (!oq->present || oq->kind != PS_OP_F)
            continue;
        if (opt_out_of_budget(m)) /* one F: a few passes over the ops */
            return 0;
        double need = oq->alloc - sc->memory_limit - 1e-9;
        for (int p = 0; p < m->n_ops; p++)
            if (p != q && m->ops[p].present && m->ops[p].dev == oq->dev && reaches(m, p, q))
                need += m->ops[p].alloc;
        if (need <= 0)
            continue;
        for (int r = 0; r < m->n_ops; r++) {
            const struct mop * or = &m->ops[r];
            if (! or->present || or->dev != oq->dev || or->alloc >= 0 || reaches(m, r, q) ||
                reaches(m, q, r))
                continue;
            double without = 0;
            for (int p = 0; p < m->n_ops; p++) {
                const struct mop *op = &m->ops[p];
                if (p == r || !op->present || op->dev != oq->dev || op->alloc >= 0 ||
                    reaches(m, p, q) || reaches(m, q, p) || reaches(m, r, p))
                    continue;
                without -= op->alloc;
            }
            if (without < need) {
                if (add_edge(m, r, q) != PS_OK) {
                    *st = PS_ENOMEM;
                    return added;
                }
                m->n_mem_edges++;
                added++;
            }
        }
    }
    return added;
}

enum ps_status opt_build_graph(struct model *m)
{
    const struct ps_scenario *sc = m->sc;
    int S = m->S, M = m->M, SV = m->SV;
    m->n_ops = 3 * SV * M;
    m->ops = calloc((size_t)m->n_ops, sizeof *m->ops);
    m->xfers = calloc((size_t)(2 * SV * M + 1), sizeof *m->xfers);
    int *chan_ids = calloc((size_t)(2 * SV + 1), sizeof *chan_ids);
    if (m->ops == NULL || m->xfers == NULL || chan_ids == NULL) {
        free(chan_ids);
        return PS_ENOMEM;
    }
    double w = sc->weight_share;
    for (int kind = 0; kind < 3; kind++)
        for (int v = 0; v < SV; v++)
            for (int mb = 0; mb < M; mb++) {
                struct mop *o = &m->ops[op_id(m, kind, v, mb)];
                o->dev = ps_vstage_device(v, S, m->V, m->tr);
                o->chunk = ps_vstage_chunk(v, S, m->V, m->tr);
                o->v = v;
                o->kind = kind;
                o->mb = mb;
                bool has_w = ps_schedule_has_w(m->shape, o->dev);
                o->present = kind != PS_OP_W || has_w;
                if (!o->present)
                    continue;
                m->n_live++;
                o->dur = ps_schedule_op_ns(m->shape, o->dev, (enum ps_op_kind)kind, o->chunk, mb);
                double a = ps_scenario_stage_memory(sc, o->dev, mb) / m->V;
                if (kind == PS_OP_F)
                    o->alloc = a;
                else if (kind == PS_OP_B)
                    o->alloc = -(has_w ? (1 - w) * a : a);
                else
                    o->alloc = -w * a;
            }
    int n_ids = 0;
    for (int mb = 0; mb < M; mb++) {
        for (int v = 1; v < SV; v++)
            add_dep(m, op_id(m, PS_OP_F, v - 1, mb), op_id(m, PS_OP_F, v, mb), PS_XFER_ACTIVATION,
                    chan_ids, &n_ids);
        add_edge(m, op_id(m, PS_OP_F, SV - 1, mb), op_id(m, PS_OP_B, SV - 1, mb));
        for (int v = SV - 1; v > 0; v--)
            add_dep(m, op_id(m, PS_OP_B, v, mb), op_id(m, PS_OP_B, v - 1, mb), PS_XFER_GRADIENT,
                    chan_ids, &n_ids);
        for (int v = 0; v < SV; v++)
            add_edge(m, op_id(m, PS_OP_B, v, mb), op_id(m, PS_OP_W, v, mb));
    }
    /* microbatch order of SPEC 3 as hard precedence (B and W: backward rank, which also
     * carries the token slices' dependencies) */
    for (int kind = 0; kind < 3; kind++)
        for (int v = 0; v < SV; v++)
            for (int mb = 0; mb < M; mb++) {
                int next = opt_next_mb(m, kind, mb);
                if (next >= 0)
                    add_edge(m, op_id(m, kind, v, mb), op_id(m, kind, v, next));
            }
    m->n_chans = n_ids;
    free(chan_ids);
    if (m->oom)
        return PS_ENOMEM;

    /* data-parallel lane: AGs from 0 in the order of the chunks' first F (which
     * the precedence fixes: chunk c's first F precedes chunk c+1's in both
     * traversals) */
    for (int d = 0; d < S; d++) {
        int64_t lane = 0;
        for (int c = 0; c < m->V; c++) {
            m->ag_end[d][c] = 0;
            m->rs[d][c] = 0;
            if (!sc->has_data_parallel)
                continue;
            lane += ps_scenario_dp_ns(sc, d, true, c, m->V);
            m->ag_end[d][c] = lane;
            m->rs[d][c] = ps_scenario_dp_ns(sc, d, false, c, m->V);
        }
    }

    enum ps_status st;
    for (;;) {
        st = closure(m);
        if (st != PS_OK)
            return st;
        if (m->out != 0 || (m->tighten & T_MEMPRE) == 0 || memory_precedences(m, &st) == 0 ||
            st != PS_OK)
            break;
    }
    if (st != PS_OK || m->out != 0)
        return st;
    int n = m->n_ops, nt = m->n_live;
    /* device and channel membership */
    m->dev_n = calloc((size_t)S, sizeof *m->dev_n);
    m->dev_op = calloc((size_t)S, sizeof *m->dev_op);
    m->pair = calloc((size_t)S, sizeof *m->pair);
    m->chan_n = calloc((size_t)m->n_chans + 1, sizeof *m->chan_n);
    m->chan_x = calloc((size_t)m->n_chans + 1, sizeof *m->chan_x);
    m->chan_pair = calloc((size_t)m->n_chans + 1, sizeof *m->chan_pair);
    if (m->dev_n == NULL || m->dev_op == NULL || m->pair == NULL || m->chan_n == NULL ||
        m->chan_x == NULL || m->chan_pair == NULL)
        return PS_ENOMEM;
    for (int i = 0; i < n; i++)
        if (m->ops[i].present)
            m->dev_n[m->ops[i].dev]++;
    for (int d = 0; d < S; d++) {
        m->dev_op[d] = malloc(((size_t)m->dev_n[d] + 1) * sizeof **m->dev_op);
        if (m->dev_op[d] == NULL)
            return PS_ENOMEM;
        m->dev_n[d] = 0;
    }
    for (int k = 0; k < nt; k++) {
        struct mop *o = &m->ops[m->topo[k]];
        o->local = m->dev_n[o->dev];
        m->dev_op[o->dev][m->dev_n[o->dev]++] = m->topo[k];
    }
    for (int x = 0; x < m->n_xfers; x++)
        if (m->xfers[x].chan >= 0)
            m->chan_n[m->xfers[x].chan]++;
    for (int c = 0; c < m->n_chans; c++) {
        m->chan_x[c] = malloc(((size_t)m->chan_n[c] + 1) * sizeof **m->chan_x);
        if (m->chan_x[c] == NULL)
            return PS_ENOMEM;
        m->chan_n[c] = 0;
    }
    for (int x = 0; x < m->n_xfers; x++) {
        struct mxfer *t = &m->xfers[x];
        if (t->chan >= 0) {
            t->local = m->chan_n[t->chan];
            m->chan_x[t->chan][m->chan_n[t->chan]++] = x;
        }
    }
    if (m->tighten & T_ENERGY)
        return opt_energy_heads(m);
    return PS_OK;
}

/* Transfer a is sent before transfer b on their channel whatever the schedule:
 * a's consumer precedes b's producer, or both carry one stream (same kind and
 * boundary) of equal-sized messages, where first-in-first-out by microbatch
 * loses nothing (swapping two equal transmissions keeps the channel's timeline
 * and serves the earlier consumer first). */
bool opt_xfer_fixed_before(const struct model *m, int a, int b, bool uniform)
{
    const struct mxfer *x = &m->xfers[a], *y = &m->xfers[b];
    if (x->to == y->from || reaches(m, x->to, y->from))
        return true;
    if (x->from == y->from || reaches(m, x->from, y->from)) {
        /* first in first out in the producers' order (gradients: backward rank) */
        int px = x->kind == PS_XFER_GRADIENT ? m->brank[x->mb] : x->mb;
        int py = y->kind == PS_XFER_GRADIENT ? m->brank[y->mb] : y->mb;
        if (x->kind == y->kind && x->from_v == y->from_v && px < py && uniform)
            return true;
    }
    return false;
}

bool opt_is_last_of_chunk(const struct model *m, const struct mop *o)
{
    return o->mb == opt_last_mb(m, PS_OP_B) &&
           (o->kind == PS_OP_W || (o->kind == PS_OP_B && !ps_schedule_has_w(m->shape, o->dev)));
}

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b != 0) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int64_t opt_grid_of(const struct model *m, int64_t ub)
{
    int64_t g = ub;
    for (int i = 0; i < m->n_ops; i++)
        if (m->ops[i].present)
            g = gcd64(g, m->ops[i].dur);
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

int opt_max_machine_ops(const struct model *m)
{
    int n = 1;
    for (int d = 0; d < m->S; d++)
        if (m->dev_n[d] > n)
            n = m->dev_n[d];
    for (int c = 0; c < m->n_chans; c++)
        if (m->chan_n[c] > n)
            n = m->chan_n[c];
    return n;
}

/* heap of job indices, largest delivery time on top */
static void heap_up(const struct opt_jjob *j, int *h, int k)
{
    while (k > 0 && j[h[(k - 1) / 2]].q < j[h[k]].q) {
        int t = h[k];
        h[k] = h[(k - 1) / 2];
        h[(k - 1) / 2] = t;
        k = (k - 1) / 2;
    }
}

static void heap_down(const struct opt_jjob *j, int *h, int n)
{
    int k = 0;
    for (;;) {
        int c = 2 * k + 1;
        if (c >= n)
            return;
        if (c + 1 < n && j[h[c + 1]].q > j[h[c]].q)
            c++;
        if (j[h[k]].q >= j[h[c]].q)
            return;
        int t = h[k];
        h[k] = h[c];
        h[c] = t;
        k = c;
    }
}

/* Sorts j[0..n) by release: a quicksort (median of three) down to runs of 16, then one
 * insertion pass; inline, it takes about a third of the library's qsort with its calls to
 * a comparison (the neighbourhood search sorts every device at every node). */
void opt_sort_release(struct opt_jjob *j, int n)
{
    while (n > 16) {
        int64_t a = j[0].r, b = j[n / 2].r, c = j[n - 1].r;
        int64_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        int i = 0, k = n - 1;
        for (;;) {
            while (j[i].r < pivot)
                i++;
            while (j[k].r > pivot)
                k--;
            if (i >= k)
                break;
            struct opt_jjob t = j[i];
            j[i++] = j[k];
            j[k--] = t;
        }
        /* [0, k] <= pivot <= [k + 1, n): the smaller side first, the larger in the loop */
        if (k + 1 < n - k - 1) {
            opt_sort_release(j, k + 1);
            j += k + 1;
            n -= k + 1;
        } else {
            opt_sort_release(j + k + 1, n - k - 1);
            n = k + 1;
        }
    }
    for (int i = 1; i < n; i++) {
        struct opt_jjob x = j[i];
        int k = i;
        for (; k > 0 && j[k - 1].r > x.r; k--)
            j[k] = j[k - 1];
        j[k] = x;
    }
}

/* Jackson's preemptive schedule: the least makespan of jobs with release times r,
 * durations p and delivery times q on one machine when a job may be interrupted (the
 * problem 1|r_j,q_j,pmtn|Cmax, which it solves exactly). Every schedule of the model runs
 * a device's ops (or a channel's transmissions) one at a time, so this is a lower bound
 * on the makespan. Sorts by release in place; the job to run is the released one with the
 * largest delivery time, kept on a heap. */
int64_t opt_jackson(struct opt_jjob *j, int n, int *heap)
{
    opt_sort_release(j, n);
    int64_t t = INT64_MIN, lb = 0;
    int next = 0, nh = 0;
    for (;;) {
        /* release every job due by t; a job with nothing to run only adds r + q */
        while (next < n && (j[next].r <= t || nh == 0)) {
            if (j[next].r > t)
                t = j[next].r;
            if (j[next].p <= 0) {
                if (j[next].r + j[next].q > lb)
                    lb = j[next].r + j[next].q;
            } else {
                heap[nh] = next;
                heap_up(j, heap, nh++);
            }
            next++;
        }
        if (nh == 0)
            return lb;
        int pick = heap[0];
        int64_t until = next < n ? j[next].r : INT64_MAX;
        if (t + j[pick].p <= until) {
            t += j[pick].p;
            j[pick].p = 0;
            if (t + j[pick].q > lb)
                lb = t + j[pick].q;
            heap[0] = heap[--nh];
            heap_down(j, heap, nh);
        } else {
            j[pick].p -= until - t;
            t = until;
        }
    }
}

/* The preemptive one-machine bound of every device (its ops with their heads and tails)
 * and of every channel (its transmissions: released when the sender ends, delivered after
 * the latency, the receiver and its tail). */
static int64_t machine_bounds(const struct model *m)
{
    struct opt_jjob *j = malloc((size_t)opt_max_machine_ops(m) * sizeof *j);
    int *heap = malloc((size_t)opt_max_machine_ops(m) * sizeof *heap);
    if (j == NULL || heap == NULL) {
        free(j);
        free(heap);
        return 0;
    }
    int64_t lb = 0;
    for (int dv = 0; dv < m->S; dv++) {
        int n = 0;
        for (int i = 0; i < m->dev_n[dv]; i++) {
            const struct mop *o = &m->ops[m->dev_op[dv][i]];
            j[n++] = (struct opt_jjob){o->head, o->dur, o->tail};
        }
        int64_t b = opt_jackson(j, n, heap);
        if (b > lb)
            lb = b;
    }
    for (int c = 0; c < m->n_chans; c++) {
        int n = 0;
        for (int i = 0; i < m->chan_n[c]; i++) {
            const struct mxfer *x = &m->xfers[m->chan_x[c][i]];
            const struct mop *a = &m->ops[x->from], *b = &m->ops[x->to];
            j[n++] = (struct opt_jjob){a->head + a->dur, x->tx, x->lat + b->dur + b->tail};
        }
        int64_t b = opt_jackson(j, n, heap);
        if (b > lb)
            lb = b;
    }
    free(j);
    free(heap);
    return lb;
}

int64_t opt_static_bound(const struct model *m)
{
    int64_t lb = ps_lower_bound_ns(m->sc);
    int64_t mb = machine_bounds(m);
    if (mb > lb)
        lb = mb;
    for (int i = 0; i < m->n_ops; i++)
        if (m->ops[i].present && m->ops[i].head + m->ops[i].dur + m->ops[i].tail > lb)
            lb = m->ops[i].head + m->ops[i].dur + m->ops[i].tail;
    return lb;
}

enum ps_status opt_out_edges(const struct model *m, int **first, int **succ)
{
    int n = m->n_ops;
    *first = calloc((size_t)n + 1, sizeof **first);
    *succ = malloc(((size_t)m->n_edges + 1) * sizeof **succ);
    int *fill = calloc((size_t)n + 1, sizeof *fill);
    if (*first == NULL || *succ == NULL || fill == NULL) {
        free(*first);
        free(*succ);
        free(fill);
        *first = *succ = NULL;
        return PS_ENOMEM;
    }
    for (int e = 0; e < m->n_edges; e++)
        (*first)[m->edges[e].from + 1]++;
    for (int i = 0; i < n; i++)
        (*first)[i + 1] += (*first)[i];
    for (int e = 0; e < m->n_edges; e++) {
        int a = m->edges[e].from;
        (*succ)[(*first)[a] + fill[a]++] = e;
    }
    free(fill);
    return PS_OK;
}

bool opt_chan_one_stream(const struct model *m, int c)
{
    const struct mxfer *x0 = &m->xfers[m->chan_x[c][0]];
    for (int i = 1; i < m->chan_n[c]; i++) {
        const struct mxfer *x = &m->xfers[m->chan_x[c][i]];
        if (x->kind != x0->kind || x->from_v != x0->from_v || x->tx != x0->tx)
            return false;
    }
    return true;
}

void opt_zobrist(uint64_t *w, int n)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < n; i++) {
        uint64_t z = (x += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        w[i] = z ^ (z >> 31);
    }
}

bool opt_identical_mbs(const struct model *m)
{
    for (int mb = 0; mb < m->M; mb++)
        if (m->brank != NULL && m->brank[mb] != mb)
            return false;
    for (int kind = 0; kind < 3; kind++)
        for (int v = 0; v < m->SV; v++) {
            const struct mop *o0 = &m->ops[op_id(m, kind, v, 0)];
            for (int mb = 1; mb < m->M; mb++) {
                const struct mop *o = &m->ops[op_id(m, kind, v, mb)];
                if (o->present != o0->present || o->dur != o0->dur || o->alloc != o0->alloc)
                    return false;
            }
        }
    return true;
}
