/* The optimal scheduler: a MILP of the split-backward model (SPEC 3-6) solved
 * by GLPK's branch-and-cut, started from the greedy's schedule. The solver
 * decides the order of the ops on every device and of the transmissions on
 * every channel; the simulator re-times those orders, so the reported times are
 * exact. Model and tightenings: docs/model.md. */
#include "solvers/solver.h"

#include <assert.h>
#include <errno.h>
#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/sim.h"
#include "core/units.h"

/* Refuse models past these sizes rather than hang (GLPK builds dense work
 * arrays). */
#define MAX_BINARIES 40000
#define MAX_OPS 6000
#define MAX_SLOTS 4000
/* "auto" takes the slot model up to this many binaries: its LP bound is far stronger, but
 * its LP grows slow past it (S=8, M=16: 7k binaries, 20 s for the root LP alone) */
#define AUTO_TI_BINARIES 4000

/* Tightenings, each can be switched off with the "tighten" parameter (for
 * measurement). */
enum {
    T_MONO = 1u << 0,   /* monotonicity rows between the order binaries of a device */
    T_WINDOW = 1u << 1, /* time windows and pair-wise big-M from the incumbent's makespan */
    T_LB = 1u << 2,     /* lower bound on the makespan variable */
    T_ENERGY = 1u << 3, /* per-op rows: work that must follow (precede) an op */
    T_WARM = 1u << 4,   /* the greedy's schedule as GLPK's first incumbent */
    T_MIR = 1u << 5,    /* GLPK's cut generators */
    T_GMI = 1u << 6,
    T_COV = 1u << 7,
    T_CLQ = 1u << 8,
    T_PCH = 1u << 9,     /* pseudocost branching instead of Driebeck-Tomlin */
    T_DFS = 1u << 10,    /* depth-first backtracking instead of best bound */
    T_MEMPRE = 1u << 11, /* precedences the memory limit forces, found before solving */
    T_CINT = 1u << 12,   /* the makespan as an integer number of grid units */
    /* the default: mono is left out, it slowed GLPK's search more often than it helped
     * (docs/model.md has the measurements) */
    T_ALL = T_WINDOW | T_LB | T_ENERGY | T_WARM | T_MEMPRE,
};

static const struct {
    const char *name;
    unsigned bit;
} tighten_names[] = {
    {"mono", T_MONO}, {"window", T_WINDOW}, {"lb", T_LB},   {"energy", T_ENERGY},
    {"warm", T_WARM}, {"mir", T_MIR},       {"gmi", T_GMI}, {"cov", T_COV},
    {"clq", T_CLQ},   {"pch", T_PCH},       {"dfs", T_DFS}, {"mempre", T_MEMPRE},
    {"cint", T_CINT},
};

/* One compute op of the model. */
struct mop {
    int dev, v, chunk, kind, mb;
    bool present;
    int64_t dur;        /* ns */
    int64_t head, tail; /* earliest start, least time from end to the makespan */
    double alloc;       /* memory: + at start (F), - at end (B, W) */
    int col;            /* GLPK column of its start time (time-indexed: of slot ws) */
    int local;          /* index among its device's ops */
    int ws, wl;         /* time-indexed: first start slot and number of slots */
    long sd, sh, st;    /* time-indexed: duration, head and tail in slots */
};

/* One cross-device dependency. */
struct mxfer {
    int from, to; /* op ids */
    int kind, from_v, mb;
    int64_t tx, lat;
    int chan;  /* channel group, -1 when the transmission takes no time */
    int col;   /* transmission start column, 0 when tx == 0 */
    int local; /* index in its channel */
    int ws, wl;
    long stx, slat; /* time-indexed: transmission and latency in slots */
};

struct edge {
    int from, to;
    int64_t delay; /* from's end to to's start, at least */
    int xfer;      /* -1 for same-device edges */
};

struct model {
    const struct ps_scenario *sc;
    struct ps_schedule *shape; /* for durations and keys */
    int S, M, V, SV;
    enum ps_traversal tr;
    unsigned tighten;

    int n_ops, n_live; /* op slots, ops present */
    struct mop *ops;
    int n_xfers;
    struct mxfer *xfers;
    int n_edges, edge_cap;
    struct edge *edges;
    int n_mem_edges; /* precedences the memory limit forces (presolve) */
    bool oom;        /* an edge could not be added */
    int *topo;       /* ops in topological order */
    uint64_t *reach; /* reach[a*words + b/64]: a precedes b */
    size_t words;

    int *dev_n;   /* ops per device */
    int **dev_op; /* op ids per device */
    int **pair;   /* per device: n*n matrix of columns (+col: x = "i before j"), 0
                     fixed */

    int n_chans;
    int *chan_n;
    int **chan_x; /* transfer ids per channel */
    int **chan_pair;

    int64_t ag_end[PS_MAX_STAGES][2]; /* AG lane: F of chunk c waits for this */
    int64_t rs[PS_MAX_STAGES][2];     /* RS durations */
    int n_bin;

    /* GLPK matrix under construction */
    int n_cols;
    int col_c; /* makespan */
    int *ia, *ja;
    double *ar;
    size_t nz, nz_cap;
    glp_prob *lp;
    double horizon; /* big-M scale in ms when windows are off */
    double ub_ms;

    /* the makespan column counts units of c_unit_ms; an integer when every time is a
     * multiple of `grid` ns (then GLPK rounds its bounds up to the grid) */
    double c_unit_ms;
    bool c_int;
    int64_t grid;

    /* time-indexed formulation: one binary per (op, start slot of `unit` ns) */
    bool ti;
    bool relaxed; /* slots shorter than the times: every duration rounded down (a bound) */
    int64_t unit;
    int n_slots;
    long ag_s[PS_MAX_STAGES][2], rs_s[PS_MAX_STAGES][2];
    int col_rs[PS_MAX_STAGES]; /* two chunks with DP: "chunk 0's last op ends first" */
};

static inline int op_id(const struct model *m, int kind, int v, int mb)
{
    return (kind * m->SV + v) * m->M + mb;
}

static inline bool reaches(const struct model *m, int a, int b)
{
    return (m->reach[(size_t)a * m->words + (size_t)b / 64] >> (b % 64)) & 1u;
}

static inline double ms(int64_t ns)
{
    return (double)ns / 1e6;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void model_free(struct model *m)
{
    free(m->ops);
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
    int M = m->M;
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
            o->mb == M - 1 &&
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

static enum ps_status build_graph(struct model *m)
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
                double a = ps_scenario_memory_scale(sc, mb) / m->V;
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
    /* microbatch order of SPEC 3 as hard precedence */
    for (int kind = 0; kind < 3; kind++)
        for (int v = 0; v < SV; v++)
            for (int mb = 1; mb < M; mb++)
                add_edge(m, op_id(m, kind, v, mb - 1), op_id(m, kind, v, mb));
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
        if ((m->tighten & T_MEMPRE) == 0 || memory_precedences(m, &st) == 0 || st != PS_OK)
            break;
    }
    if (st != PS_OK)
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
    return PS_OK;
}

/* Transfer a is sent before transfer b on their channel whatever the schedule:
 * a's consumer precedes b's producer, or both carry one stream (same kind and
 * boundary) of equal-sized messages, where first-in-first-out by microbatch
 * loses nothing (swapping two equal transmissions keeps the channel's timeline
 * and serves the earlier consumer first). */
static bool xfer_fixed_before(const struct model *m, int a, int b, bool uniform)
{
    const struct mxfer *x = &m->xfers[a], *y = &m->xfers[b];
    if (x->to == y->from || reaches(m, x->to, y->from))
        return true;
    if (x->from == y->from || reaches(m, x->from, y->from)) {
        if (x->kind == y->kind && x->from_v == y->from_v && x->mb < y->mb && uniform)
            return true;
    }
    return false;
}

/* ---- GLPK rows ----------------------------------------------------------------------- */

static enum ps_status nz_reserve(struct model *m, size_t more)
{
    if (m->nz + more + 1 <= m->nz_cap)
        return PS_OK;
    size_t cap = m->nz_cap ? m->nz_cap : 4096;
    while (cap < m->nz + more + 1)
        cap *= 2;
    int *ia = realloc(m->ia, cap * sizeof *ia);
    if (ia == NULL)
        return PS_ENOMEM;
    m->ia = ia;
    int *ja = realloc(m->ja, cap * sizeof *ja);
    if (ja == NULL)
        return PS_ENOMEM;
    m->ja = ja;
    double *ar = realloc(m->ar, cap * sizeof *ar);
    if (ar == NULL)
        return PS_ENOMEM;
    m->ar = ar;
    m->nz_cap = cap;
    return PS_OK;
}

/* Rows are collected as (row, col, value) triplets and loaded at once. */
struct row {
    int cols[64];
    double vals[64];
    int n;
    int *xcols; /* overflow for long rows */
    double *xvals;
    int xn, xcap;
    double rhs_shift; /* constants moved to the right-hand side */
    bool oom;
};

static void row_add(struct row *r, int col, double v)
{
    if (col <= 0 || v == 0)
        return;
    for (int i = 0; i < r->n; i++)
        if (r->cols[i] == col) {
            r->vals[i] += v;
            return;
        }
    for (int i = 0; i < r->xn; i++)
        if (r->xcols[i] == col) {
            r->xvals[i] += v;
            return;
        }
    if (r->n < 64) {
        r->cols[r->n] = col;
        r->vals[r->n++] = v;
        return;
    }
    if (r->xn == r->xcap) {
        int cap = r->xcap ? 2 * r->xcap : 64;
        int *c = realloc(r->xcols, (size_t)cap * sizeof *c);
        double *vv = c ? realloc(r->xvals, (size_t)cap * sizeof *vv) : NULL;
        if (c == NULL || vv == NULL) {
            if (c != NULL)
                r->xcols = c;
            r->oom = true;
            return;
        }
        r->xcols = c;
        r->xvals = vv;
        r->xcap = cap;
    }
    r->xcols[r->xn] = col;
    r->xvals[r->xn++] = v;
}

/* The order literal "a before b" on a device: a constant (precedence) or a
 * binary. Adds coef x literal to the row (constants go to rhs_shift). */
static void row_add_order(const struct model *m, struct row *r, int a, int b, double coef)
{
    const struct mop *oa = &m->ops[a], *ob = &m->ops[b];
    assert(oa->dev == ob->dev && a != b);
    if (reaches(m, a, b)) {
        r->rhs_shift += coef;
        return;
    }
    if (reaches(m, b, a))
        return;
    int n = m->dev_n[oa->dev];
    int col = m->pair[oa->dev][oa->local * n + ob->local];
    if (col > 0) {
        row_add(r, col, coef);
    } else {
        /* stored on (b, a): a before b = 1 - x(b before a) */
        col = m->pair[oa->dev][ob->local * n + oa->local];
        assert(col > 0);
        r->rhs_shift += coef;
        row_add(r, col, -coef);
    }
}

/* Adds sum(row) + rhs_shift in [lo, hi] (either may be +-HUGE_VAL). */
static enum ps_status row_end(struct model *m, struct row *r, double lo, double hi)
{
    enum ps_status st = PS_OK;
    if (r->oom) {
        st = PS_ENOMEM;
        goto out;
    }
    int n = r->n + r->xn;
    if (n == 0)
        goto out;
    if (nz_reserve(m, (size_t)n) != PS_OK) {
        st = PS_ENOMEM;
        goto out;
    }
    int row = glp_add_rows(m->lp, 1);
    for (int i = 0; i < r->n; i++) {
        m->nz++;
        m->ia[m->nz] = row;
        m->ja[m->nz] = r->cols[i];
        m->ar[m->nz] = r->vals[i];
    }
    for (int i = 0; i < r->xn; i++) {
        m->nz++;
        m->ia[m->nz] = row;
        m->ja[m->nz] = r->xcols[i];
        m->ar[m->nz] = r->xvals[i];
    }
    lo -= r->rhs_shift;
    hi -= r->rhs_shift;
    int type = lo == -HUGE_VAL ? (hi == HUGE_VAL ? GLP_FR : GLP_UP)
                               : (hi == HUGE_VAL ? GLP_LO : (lo == hi ? GLP_FX : GLP_DB));
    glp_set_row_bnds(m->lp, row, type, lo == -HUGE_VAL ? 0 : lo, hi == HUGE_VAL ? 0 : hi);
out:
    free(r->xcols);
    free(r->xvals);
    memset(r, 0, sizeof *r);
    return st;
}

static void row_drop(struct row *r)
{
    free(r->xcols);
    free(r->xvals);
    memset(r, 0, sizeof *r);
}

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
    row_add(&r, cb, 1);
    row_add(&r, ca, -1);
    row_add(&r, col, -big);
    if (row_end(m, &r, da - big, HUGE_VAL) != PS_OK)
        return PS_ENOMEM;
    /* b before a: t_a - t_b >= db - M_ba x */
    big = (m->tighten & T_WINDOW) ? lb + db - sa : m->horizon;
    if (big < 0)
        big = 0;
    row_add(&r, ca, 1);
    row_add(&r, cb, -1);
    row_add(&r, col, big);
    return row_end(m, &r, db, HUGE_VAL);
}

static void set_col_name(struct model *m, int col, bool names, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#include <stdarg.h>
static void set_col_name(struct model *m, int col, bool names, const char *fmt, ...)
{
    if (!names)
        return;
    char buf[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    glp_set_col_name(m->lp, col, buf);
}

static const char kind_ch[] = {'F', 'B', 'W'};

/* The makespan column, between lo and hi ms: in grid units and integer when the model
 * has a grid, so that GLPK may round its bounds. */
static void makespan_col(struct model *m, double lo, double hi, bool names)
{
    m->col_c = glp_add_cols(m->lp, 1);
    if (m->c_int) {
        lo = ceil(lo / m->c_unit_ms - 1e-6);
        hi = floor(hi / m->c_unit_ms + 1e-6);
        glp_set_col_kind(m->lp, m->col_c, GLP_IV);
    } else {
        lo /= m->c_unit_ms;
        hi /= m->c_unit_ms;
    }
    if (lo > hi)
        lo = hi;
    glp_set_col_bnds(m->lp, m->col_c, lo < hi ? GLP_DB : GLP_FX, lo, hi);
    glp_set_obj_coef(m->lp, m->col_c, 1.0);
    set_col_name(m, m->col_c, names, "makespan");
}

/* Builds the whole MILP. ub_ms: the incumbent's makespan (an upper bound),
 * lb_ms: a lower bound on the makespan. */
static enum ps_status build_milp(struct model *m, double ub_ms, double lb_ms, bool uniform_msgs,
                                 bool names)
{
    const struct ps_scenario *sc = m->sc;
    m->lp = glp_create_prob();
    glp_set_obj_dir(m->lp, GLP_MIN);
    m->ub_ms = ub_ms;
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

    /* columns: makespan, op starts, transmission starts, then binaries */
    makespan_col(m, (m->tighten & T_LB) ? lb_ms : 0, top, names);
    for (int i = 0; i < m->n_ops; i++) {
        struct mop *o = &m->ops[i];
        if (!o->present)
            continue;
        o->col = glp_add_cols(m->lp, 1);
        double lo = ms(o->head), hi = win ? op_latest_start(m, o) : m->horizon;
        if (hi < lo)
            hi = lo;
        glp_set_col_bnds(m->lp, o->col, lo == hi ? GLP_FX : GLP_DB, lo, hi);
        set_col_name(m, o->col, names, "t_%c_v%d_m%d", kind_ch[o->kind], o->v, o->mb);
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
        set_col_name(m, t->col, names, "y_%s_v%d_m%d",
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
                set_col_name(m, col, names, "x_%c%d_%d_%c%d_%d", kind_ch[m->ops[a].kind],
                             m->ops[a].v, m->ops[a].mb, kind_ch[m->ops[b].kind], m->ops[b].v,
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
                if (xfer_fixed_before(m, a, b, uniform_msgs) ||
                    xfer_fixed_before(m, b, a, uniform_msgs))
                    continue;
                int col = glp_add_cols(m->lp, 1);
                glp_set_col_kind(m->lp, col, GLP_BV);
                m->chan_pair[c][i * n + j] = col;
                m->n_bin++;
                set_col_name(m, col, names, "z_%d_%d_%d_%d", m->xfers[a].from_v, m->xfers[a].mb,
                             m->xfers[b].from_v, m->xfers[b].mb);
            }
    }
    m->n_cols = glp_get_num_cols(m->lp);

    struct row r = {0};
    /* precedence: every edge (same device: end before start; across: via the
     * transfer) */
    for (int e = 0; e < m->n_edges; e++) {
        const struct edge *ed = &m->edges[e];
        const struct mop *a = &m->ops[ed->from], *b = &m->ops[ed->to];
        if (ed->xfer >= 0 && m->xfers[ed->xfer].chan >= 0) {
            const struct mxfer *t = &m->xfers[ed->xfer];
            row_add(&r, t->col, 1);
            row_add(&r, a->col, -1);
            if (row_end(m, &r, ms(a->dur), HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
            row_add(&r, b->col, 1);
            row_add(&r, t->col, -1);
            if (row_end(m, &r, ms(t->tx + t->lat), HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
        } else {
            row_add(&r, b->col, 1);
            row_add(&r, a->col, -1);
            if (row_end(m, &r, ms(ed->delay), HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
        }
    }
    /* fixed channel orders */
    for (int c = 0; c < m->n_chans; c++) {
        int n = m->chan_n[c];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                int a = m->chan_x[c][i], b = m->chan_x[c][j];
                if (i == j || !xfer_fixed_before(m, a, b, uniform_msgs))
                    continue;
                /* implied by precedence when a's consumer precedes b's producer */
                if (m->xfers[a].to == m->xfers[b].from ||
                    reaches(m, m->xfers[a].to, m->xfers[b].from))
                    continue;
                row_add(&r, m->xfers[b].col, 1);
                row_add(&r, m->xfers[a].col, -1);
                if (row_end(m, &r, ms(m->xfers[a].tx), HUGE_VAL) != PS_OK)
                    return PS_ENOMEM;
            }
    }
    /* makespan: after every sink op and every RS */
    for (int i = 0; i < m->n_ops; i++) {
        const struct mop *o = &m->ops[i];
        if (!o->present)
            continue;
        bool last_of_chunk =
            o->mb == m->M - 1 &&
            (o->kind == PS_OP_W || (o->kind == PS_OP_B && !ps_schedule_has_w(m->shape, o->dev)));
        if (!last_of_chunk)
            continue;
        row_add(&r, m->col_c, m->c_unit_ms);
        row_add(&r, o->col, -1);
        if (row_end(m, &r, ms(o->dur + m->rs[o->dev][o->chunk]), HUGE_VAL) != PS_OK)
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
            int a = op_id(m, kind0, v0, m->M - 1), b = op_id(m, kind0, v1, m->M - 1);
            double both = ms(m->rs[d][0] + m->rs[d][1]);
            /* C >= t_a + d_a + both - big (1 - [a before b]) */
            double big = m->horizon + both;
            row_add(&r, m->col_c, m->c_unit_ms);
            row_add(&r, m->ops[a].col, -1);
            row_add_order(m, &r, a, b, -big);
            if (row_end(m, &r, ms(m->ops[a].dur) + both - big, HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
            row_add(&r, m->col_c, m->c_unit_ms);
            row_add(&r, m->ops[b].col, -1);
            row_add_order(m, &r, b, a, -big);
            if (row_end(m, &r, ms(m->ops[b].dur) + both - big, HUGE_VAL) != PS_OK)
                return PS_ENOMEM;
        }
    }
    /* device disjunctions */
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
    /* monotonicity: a before b implies a's same-device predecessors before b and
     * a before b's same-device successors; only the immediate ones are needed
     * (chains) */
    if (m->tighten & T_MONO) {
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
                    if (ob->mb + 1 < m->M)
                        succ[ns++] = op_id(m, ob->kind, ob->v, ob->mb + 1);
                    if (ob->kind == PS_OP_B && m->ops[op_id(m, PS_OP_W, ob->v, ob->mb)].present)
                        succ[ns++] = op_id(m, PS_OP_W, ob->v, ob->mb);
                    for (int k = 0; k < ns; k++) {
                        int b2 = succ[k];
                        if (reaches(m, a, b2) || reaches(m, b2, a))
                            continue;
                        /* lit(a,b) <= lit(a,b2) */
                        row_add_order(m, &r, a, b, 1);
                        row_add_order(m, &r, a, b2, -1);
                        if (row_end(m, &r, -HUGE_VAL, 0) != PS_OK)
                            return PS_ENOMEM;
                    }
                }
        }
    }
    /* memory at every instant: just after each F starts, the allocations of the F
     * before it (and its own) minus the frees of the B and W ended before it stay
     * within the limit */
    if (sc->has_memory_limit) {
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
                        row_add_order(m, &r, p, q, m->ops[p].alloc);
                }
                if (row_end(m, &r, -HUGE_VAL, sc->memory_limit + 1e-9 - m->ops[q].alloc) != PS_OK)
                    return PS_ENOMEM;
            }
        }
    }
    /* energy: the work that must run after op i on its device (fixed or by order)
     * ends before the makespan; the work before it starts after the device's
     * earliest head */
    if (m->tighten & T_ENERGY) {
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
                row_add(&r, m->col_c, m->c_unit_ms);
                row_add(&r, m->ops[a].col, -1);
                for (int j = 0; j < n; j++) {
                    int b = m->dev_op[d][j];
                    if (b != a)
                        row_add_order(m, &r, a, b, -ms(m->ops[b].dur));
                }
                if (row_end(m, &r, ms(m->ops[a].dur + min_tail), HUGE_VAL) != PS_OK)
                    return PS_ENOMEM;
                row_add(&r, m->ops[a].col, 1);
                for (int j = 0; j < n; j++) {
                    int b = m->dev_op[d][j];
                    if (b != a)
                        row_add_order(m, &r, b, a, -ms(m->ops[b].dur));
                }
                if (row_end(m, &r, ms(min_head), HUGE_VAL) != PS_OK)
                    return PS_ENOMEM;
            }
        }
    }
    glp_load_matrix(m->lp, (int)m->nz, m->ia, m->ja, m->ar);
    return PS_OK;
}

/* ---- the time-indexed formulation ---------------------------------------------------- */

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
static int64_t ti_unit(const struct model *m, int64_t ub)
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

/* The common divisor of every time of the model (zero durations aside), or 0. */
static int64_t grid_of(const struct model *m, int64_t ub)
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
    row_add(r, col0 + (int)(t - ws), coef);
}

static bool is_last_of_chunk(const struct model *m, const struct mop *o)
{
    return o->mb == m->M - 1 &&
           (o->kind == PS_OP_W || (o->kind == PS_OP_B && !ps_schedule_has_w(m->shape, o->dev)));
}

/* Slot durations, heads and tails for a slot of `unit` ns: exact when the unit divides
 * every time; otherwise every duration, transmission and latency is rounded down, which
 * makes the slot model a relaxation (any schedule's orders, re-timed with the shorter
 * times, start on the grid and end no later), so its optimum is a lower bound. */
static void ti_prepare(struct model *m, int64_t unit, bool relaxed)
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
        o->st = is_last_of_chunk(m, o) ? m->rs_s[o->dev][o->chunk] : 0;
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

/* Counts the time-indexed binaries (after ti_prepare) for an incumbent of ub ns. */
static long ti_count(const struct model *m, int64_t ub)
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
            if (row_end(m, &r, -HUGE_VAL, 1) != PS_OK)
                return PS_ENOMEM;
        } else {
            row_drop(&r);
        }
    }
    return PS_OK;
}

static enum ps_status build_ti(struct model *m, int64_t ub, int64_t lb, bool names)
{
    const struct ps_scenario *sc = m->sc;
    int64_t u = m->unit;
    m->lp = glp_create_prob();
    glp_set_obj_dir(m->lp, GLP_MIN);
    m->ub_ms = ms(ub);
    long ub_s = (long)(ub / u);
    m->n_slots = (int)ub_s;
    m->n_bin = 0;
    if (m->relaxed) {
        /* the relaxation may go below the true lower bound: its own heads and tails */
        lb = 0;
        for (int i = 0; i < m->n_ops; i++)
            if (m->ops[i].present && (m->ops[i].sh + m->ops[i].sd + m->ops[i].st) * u > lb)
                lb = (m->ops[i].sh + m->ops[i].sd + m->ops[i].st) * u;
    }
    makespan_col(m, (m->tighten & T_LB) ? ms(lb) : 0, ms(ub), names);
    for (int i = 0; i < m->n_ops; i++) {
        struct mop *o = &m->ops[i];
        if (!o->present)
            continue;
        op_window(o, ub_s, &o->ws, &o->wl);
        o->col = o->wl > 1 ? glp_add_cols(m->lp, o->wl - 1) : 0;
        for (int k = 0; k < o->wl - 1; k++) {
            glp_set_col_kind(m->lp, o->col + k, GLP_BV);
            set_col_name(m, o->col + k, names, "z_%c_v%d_m%d_s%d", kind_ch[o->kind], o->v, o->mb,
                         o->ws + k);
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
            set_col_name(m, t->col + k, names, "y_%s_v%d_m%d_s%d",
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
            set_col_name(m, m->col_rs[d], names, "rs_first_%d", d);
            m->n_bin++;
        }
    m->n_cols = glp_get_num_cols(m->lp);

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
            row_add(&r, col0 + k, 1);
            row_add(&r, col0 + k + 1, -1);
            if (row_end(m, &r, -HUGE_VAL, 0) != PS_OK)
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
                if (row_end(m, &r, -HUGE_VAL, 0) != PS_OK)
                    return PS_ENOMEM;
            }
    }
    /* one op at a time per device, one transmission at a time per channel */
    int maxn = 1;
    for (int d = 0; d < m->S; d++)
        if (m->dev_n[d] > maxn)
            maxn = m->dev_n[d];
    for (int c = 0; c < m->n_chans; c++)
        if (m->chan_n[c] > maxn)
            maxn = m->chan_n[c];
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
    if (st != PS_OK)
        return st;
    /* memory at each slot where an F may start: allocations of the F started by then minus
     * the frees of the B and W ended by then (frees first) */
    if (sc->has_memory_limit)
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
                    row_drop(&r);
                    continue;
                }
                if (row_end(m, &r, -HUGE_VAL, sc->memory_limit + 1e-9) != PS_OK)
                    return PS_ENOMEM;
            }
    /* makespan after the last op of every chunk and its RS */
    for (int i = 0; i < m->n_ops; i++) {
        const struct mop *o = &m->ops[i];
        if (!o->present || !is_last_of_chunk(m, o))
            continue;
        /* start slot = last window slot - (number of earlier slots started by) */
        row_add(&r, m->col_c, m->c_unit_ms);
        for (int k = 0; k < o->wl - 1; k++)
            row_add(&r, o->col + k, ms(u));
        int64_t end = (int64_t)(o->ws + o->wl - 1 + o->sd + m->rs_s[o->dev][o->chunk]) * u;
        if (row_end(m, &r, ms(end), HUGE_VAL) != PS_OK)
            return PS_ENOMEM;
    }
    if (sc->has_data_parallel && m->V == 2)
        for (int d = 0; d < m->S; d++) {
            int kind0 = ps_schedule_has_w(m->shape, d) ? PS_OP_W : PS_OP_B;
            int ids[2] = {op_id(m, kind0, ps_vstage_of(d, 0, m->S, 2, m->tr), m->M - 1),
                          op_id(m, kind0, ps_vstage_of(d, 1, m->S, 2, m->tr), m->M - 1)};
            double both = ms((m->rs_s[d][0] + m->rs_s[d][1]) * u), big = ms(ub) + both;
            for (int h = 0; h < 2; h++) {
                const struct mop *o = &m->ops[ids[h]];
                /* chunk 0's op ends first when rs_first = 1: the lane then runs RS 0 and
                 * RS 1 back to back after it: C >= end + both - big [not first] */
                row_add(&r, m->col_c, m->c_unit_ms);
                for (int k = 0; k < o->wl - 1; k++)
                    row_add(&r, o->col + k, ms(u));
                row_add(&r, m->col_rs[d], h == 0 ? -big : big);
                int64_t latest = (int64_t)(o->ws + o->wl - 1 + o->sd) * u;
                if (row_end(m, &r, ms(latest) + both - (h == 0 ? big : 0), HUGE_VAL) != PS_OK)
                    return PS_ENOMEM;
            }
        }
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
static enum ps_status incumbent_ti(const struct model *m, const struct ps_schedule *s, double *x)
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
        if (is_last_of_chunk(m, mo) && op_s[i] + mo->sd + m->rs_s[mo->dev][mo->chunk] > c_s)
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
                int id = op_id(m, kind0, ps_vstage_of(d, c, m->S, 2, m->tr), m->M - 1);
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

struct keyed {
    double t;
    int tie;
    int id;
};

static int cmp_keyed(const void *pa, const void *pb);

/* Key buffer large enough for the longest device or channel of the model (free()). */
static struct keyed *keys_new(const struct model *m)
{
    int maxn = 1;
    for (int d = 0; d < m->S; d++)
        if (m->dev_n[d] > maxn)
            maxn = m->dev_n[d];
    for (int c = 0; c < m->n_chans; c++)
        if (m->chan_n[c] > maxn)
            maxn = m->chan_n[c];
    return malloc((size_t)maxn * sizeof(struct keyed));
}

/* Sorts device d's keyed ops and appends them to its order in s. */
static enum ps_status push_keyed(const struct model *m, struct ps_schedule *s, int d,
                                 struct keyed *k, int n)
{
    qsort(k, (size_t)n, sizeof *k, cmp_keyed);
    for (int j = 0; j < n; j++) {
        const struct mop *o = &m->ops[k[j].id];
        enum ps_status st = ps_schedule_push(s, d, (enum ps_op_kind)o->kind, o->chunk, o->mb);
        if (st != PS_OK)
            return st;
    }
    return PS_OK;
}

/* Makes s carry explicit channel ranks, every transfer unranked for now. */
static enum ps_status ranks_begin(struct ps_schedule *s)
{
    if (s->xfer_rank == NULL && ps_schedule_enable_ranks(s) != PS_OK)
        return PS_ENOMEM;
    for (size_t i = 0; i < ps_schedule_xfer_keys(s); i++)
        s->xfer_rank[i] = INT64_MAX;
    return PS_OK;
}

/* Sorts one channel's keyed transfers and ranks them in that order. */
static void rank_keyed(const struct model *m, struct ps_schedule *s, struct keyed *k, int n)
{
    qsort(k, (size_t)n, sizeof *k, cmp_keyed);
    for (int j = 0; j < n; j++) {
        const struct mxfer *x = &m->xfers[k[j].id];
        s->xfer_rank[ps_xfer_key(s, (enum ps_xfer_kind)x->kind, x->from_v, x->mb)] = j;
    }
}

/* Device orders by start slot (ties cannot happen: every op occupies its slots), channel
 * ranks by transmission start. */
static enum ps_status orders_ti(const struct model *m, struct ps_schedule *s)
{
    struct keyed *k = keys_new(m);
    if (k == NULL)
        return PS_ENOMEM;
    enum ps_status st = PS_OK;
    ps_schedule_clear(s);
    for (int d = 0; d < m->S && st == PS_OK; d++) {
        int n = m->dev_n[d];
        for (int j = 0; j < n; j++) {
            const struct mop *o = &m->ops[m->dev_op[d][j]];
            k[j].t = ti_start(m->lp, o->col, o->ws, o->wl);
            k[j].tie = j; /* topological */
            k[j].id = m->dev_op[d][j];
        }
        st = push_keyed(m, s, d, k, n);
    }
    if (st == PS_OK && m->n_chans > 0)
        st = ranks_begin(s);
    for (int c = 0; st == PS_OK && c < m->n_chans; c++) {
        int n = m->chan_n[c];
        for (int j = 0; j < n; j++) {
            const struct mxfer *x = &m->xfers[m->chan_x[c][j]];
            k[j].t = ti_start(m->lp, x->col, x->ws, x->wl);
            k[j].tie = x->mb;
            k[j].id = m->chan_x[c][j];
        }
        rank_keyed(m, s, k, n);
    }
    free(k);
    return st;
}

/* ---- incumbents ------------------------------------------------------------------------ */

/* Fills x (1-based, n_cols) with the MILP values of a timed whole-op schedule.
 */
static enum ps_status incumbent_from(const struct model *m, const struct ps_schedule *s, double *x)
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

/* Largest violation of a row or column bound by x (for the self-check of
 * incumbents). */
static double max_violation(glp_prob *lp, const double *x)
{
    double worst = 0;
    int nr = glp_get_num_rows(lp), nc = glp_get_num_cols(lp);
    int *ind = malloc(((size_t)nc + 1) * sizeof *ind);
    double *val = malloc(((size_t)nc + 1) * sizeof *val);
    if (ind == NULL || val == NULL) {
        free(ind);
        free(val);
        return HUGE_VAL;
    }
    for (int i = 1; i <= nr; i++) {
        int len = glp_get_mat_row(lp, i, ind, val);
        double act = 0;
        for (int k = 1; k <= len; k++)
            act += val[k] * x[ind[k]];
        int type = glp_get_row_type(lp, i);
        double lo = glp_get_row_lb(lp, i), hi = glp_get_row_ub(lp, i);
        if ((type == GLP_LO || type == GLP_DB || type == GLP_FX) && lo - act > worst)
            worst = lo - act;
        if ((type == GLP_UP || type == GLP_DB || type == GLP_FX) && act - hi > worst)
            worst = act - hi;
    }
    for (int j = 1; j <= nc; j++) {
        int type = glp_get_col_type(lp, j);
        double lo = glp_get_col_lb(lp, j), hi = glp_get_col_ub(lp, j);
        if ((type == GLP_LO || type == GLP_DB || type == GLP_FX) && lo - x[j] > worst)
            worst = lo - x[j];
        if ((type == GLP_UP || type == GLP_DB || type == GLP_FX) && x[j] - hi > worst)
            worst = x[j] - hi;
    }
    free(ind);
    free(val);
    return worst;
}

/* Pushes the whole ops of `src` (a schedule of the same shape, maybe with
 * parts: an op goes where its last part was, which keeps every precedence and
 * never raises memory) into `dst`. */
static enum ps_status copy_orders(struct ps_schedule *dst, const struct ps_schedule *src)
{
    ps_schedule_clear(dst);
    for (int d = 0; d < src->n_stages; d++)
        for (size_t i = 0; i < src->dev_n[d]; i++) {
            const struct ps_op *o = &src->dev_ops[d][i];
            if (o->part != o->parts - 1)
                continue;
            enum ps_status st =
                ps_schedule_push(dst, d, (enum ps_op_kind)o->kind, o->chunk, o->microbatch);
            if (st != PS_OK)
                return st;
        }
    return PS_OK;
}

/* Copies src's orders (parts included) and channel ranks into dst (same shape).
 */
static enum ps_status copy_exact(struct ps_schedule *dst, const struct ps_schedule *src)
{
    ps_schedule_clear(dst);
    for (int d = 0; d < src->n_stages; d++)
        for (size_t i = 0; i < src->dev_n[d]; i++) {
            const struct ps_op *o = &src->dev_ops[d][i];
            enum ps_status st = ps_schedule_push_part(dst, d, (enum ps_op_kind)o->kind, o->chunk,
                                                      o->microbatch, o->part, o->parts);
            if (st != PS_OK)
                return st;
        }
    free(dst->xfer_rank);
    dst->xfer_rank = NULL;
    if (src->xfer_rank != NULL) {
        if (ps_schedule_enable_ranks(dst) != PS_OK)
            return PS_ENOMEM;
        memcpy(dst->xfer_rank, src->xfer_rank, ps_schedule_xfer_keys(dst) * sizeof *dst->xfer_rank);
    }
    return PS_OK;
}

/* One microbatch at a time through the whole pipeline: always within the memory
 * limit when any schedule is (it holds one microbatch's activations per device
 * at most). */
static enum ps_status sequential_orders(struct ps_schedule *s, const struct model *m)
{
    ps_schedule_clear(s);
    for (int mb = 0; mb < m->M; mb++) {
        /* F forward through the vstages, then B and W backward */
        for (int v = 0; v < m->SV; v++) {
            const struct mop *o = &m->ops[op_id(m, PS_OP_F, v, mb)];
            enum ps_status st = ps_schedule_push(s, o->dev, PS_OP_F, o->chunk, mb);
            if (st != PS_OK)
                return st;
        }
        for (int v = m->SV - 1; v >= 0; v--) {
            const struct mop *o = &m->ops[op_id(m, PS_OP_B, v, mb)];
            enum ps_status st = ps_schedule_push(s, o->dev, PS_OP_B, o->chunk, mb);
            if (st == PS_OK && m->ops[op_id(m, PS_OP_W, v, mb)].present)
                st = ps_schedule_push(s, o->dev, PS_OP_W, o->chunk, mb);
            if (st != PS_OK)
                return st;
        }
    }
    return PS_OK;
}

/* ---- the GLPK callback ----------------------------------------------------------------- */

struct solve {
    struct model *m;
    const struct ps_solve_ctx *ctx;
    const double *x0; /* the incumbent to hand over, NULL when none */
    bool gave;
    double t0, last_report;
    double best_bound; /* ms, -inf when none */
    double incumbent;  /* ms */
    long nodes;
    bool cancelled;
};

static void report(struct solve *so, bool force)
{
    double t = now_s();
    if (so->ctx == NULL || so->ctx->progress == NULL)
        return;
    if (!force && t - so->last_report < 0.1)
        return;
    so->last_report = t;
    struct ps_progress p;
    p.incumbent_ns = so->incumbent < HUGE_VAL ? ps_ms_to_ns(so->incumbent) : -1;
    p.bound_ns = so->best_bound > -HUGE_VAL ? (int64_t)floor(so->best_bound * 1e6) : -1;
    p.gap = (p.incumbent_ns > 0 && p.bound_ns >= 0)
                ? (double)(p.incumbent_ns - p.bound_ns) / (double)p.incumbent_ns
                : -1;
    if (p.gap < 0 && p.gap != -1)
        p.gap = 0;
    p.nodes = so->nodes;
    p.elapsed_ms = (t - so->t0) * 1e3;
    so->ctx->progress(&p, so->ctx->user);
}

static void callback(glp_tree *tree, void *info)
{
    struct solve *so = info;
    int reason = glp_ios_reason(tree);
    if (reason == GLP_IHEUR && !so->gave && so->x0 != NULL) {
        so->gave = true;
        glp_ios_heur_sol(tree, so->x0);
    }
    if (reason == GLP_IBINGO && !so->m->relaxed) {
        double obj = glp_mip_obj_val(glp_ios_get_prob(tree)) * so->m->c_unit_ms;
        if (obj < so->incumbent)
            so->incumbent = obj;
    }
    int best = glp_ios_best_node(tree);
    if (best != 0) {
        double b = glp_ios_node_bound(tree, best) * so->m->c_unit_ms;
        if (b > so->best_bound)
            so->best_bound = b;
    }
    int a_cnt, n_cnt, t_cnt;
    glp_ios_tree_size(tree, &a_cnt, &n_cnt, &t_cnt);
    so->nodes = t_cnt;
    if (so->ctx != NULL && so->ctx->cancel != NULL && atomic_load(so->ctx->cancel)) {
        so->cancelled = true;
        glp_ios_terminate(tree);
    }
    report(so, false);
}

/* ---- turning a MILP solution into orders ----------------------------------------------- */

static int cmp_keyed(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return (a->tie > b->tie) - (a->tie < b->tie);
}

/* Orders each device's ops by the number of ops the solution puts before them
 * (exact when the order binaries are a total order), ties by start time;
 * channels likewise. */
static enum ps_status orders_from_solution(const struct model *m, struct ps_schedule *s)
{
    glp_prob *lp = m->lp;
    struct keyed *k = keys_new(m);
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
        st = push_keyed(m, s, d, k, n);
    }
    if (st == PS_OK && m->n_chans > 0)
        st = ranks_begin(s);
    for (int c = 0; st == PS_OK && c < m->n_chans; c++) {
        int n = m->chan_n[c];
        for (int j = 0; j < n; j++) {
            int b = m->chan_x[c][j];
            k[j].t = glp_mip_col_val(lp, m->xfers[b].col);
            k[j].tie = m->xfers[b].mb;
            k[j].id = b;
        }
        rank_keyed(m, s, k, n);
    }
    free(k);
    return st;
}

/* ---- the generator --------------------------------------------------------------------- */

/* Also declared in solvers/solver.h; repeated so this file stands on its own.
 */
extern const struct ps_solver ps_solver_optimal;

static const struct ps_param_def params[] = {
    {"time_limit", PS_PARAM_FLOAT, "10", "stop after this many seconds with the best so far", NULL,
     0, 86400},
    {"gap", PS_PARAM_FLOAT, "0", "stop at this relative gap (0: prove optimal)", NULL, 0, 1},
    {"traversal", PS_PARAM_CHOICE, "loop", "loop (one chunk per device) or wave (V-shape, two)",
     "loop|wave", 0, 0},
    {"write_model", PS_PARAM_STRING, "", "write the MILP in CPLEX LP format to this file", NULL, 0,
     0},
    {"formulation", PS_PARAM_CHOICE, "auto",
     "time: one binary per op and start slot (needs a common time unit); rounded: the same "
     "on a coarser slot with times rounded down (a bound, and orders re-timed exactly); "
     "order: order binaries and big-M; auto: time when the slot model is small, else order",
     "auto|time|rounded|order", 0, 0},
    {"tighten", PS_PARAM_LIST, "all",
     "model tightenings: all (window,lb,energy,warm,mempre), none, or a list of those and mono",
     NULL, 0, 0},
};

static bool parse_tighten(const char *text, unsigned *out)
{
    if (text == NULL || strcmp(text, "all") == 0 || text[0] == '\0') {
        *out = T_ALL;
        return true;
    }
    if (strcmp(text, "none") == 0) {
        *out = 0;
        return true;
    }
    unsigned bits = 0;
    const char *p = text;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        bool found = false;
        if (n == 3 && strncmp(p, "all", 3) == 0) {
            bits |= T_ALL;
            found = true;
        }
        for (size_t i = 0; i < sizeof tighten_names / sizeof tighten_names[0]; i++)
            if (strlen(tighten_names[i].name) == n && strncmp(p, tighten_names[i].name, n) == 0) {
                bits |= tighten_names[i].bit;
                found = true;
            }
        if (!found)
            return false;
        p += n;
        if (*p == ',')
            p++;
    }
    *out = bits;
    return true;
}

/* Writes the model atomically: a temporary file next to the target, then
 * rename. */
static enum ps_status write_model(glp_prob *lp, const char *path, struct ps_diag *d)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (tmp == NULL)
        return PS_ENOMEM;
    snprintf(tmp, n + 32, "%s.tmp%ld", path, (long)getpid());
    glp_term_out(GLP_OFF);
    if (glp_write_lp(lp, NULL, tmp) != 0) {
        remove(tmp);
        free(tmp);
        return ps_diag_set(d, PS_EIO, "param.write_model", "cannot write %s", path);
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        free(tmp);
        return ps_diag_set(d, PS_EIO, "param.write_model", "cannot write %s: %s", path,
                           strerror(e));
    }
    free(tmp);
    return PS_OK;
}

/* Simulates s; true when it completed and meets the memory limit. */
static bool sim_ok(struct ps_schedule *s)
{
    struct ps_diag dd;
    return ps_sim_run(s, &dd) == PS_OK && s->memory_ok;
}

/* Takes g's orders as whole ops, with g's channel ranks and with
 * first-come-first-served channels, and keeps the shorter in *best when it
 * beats *ub and meets the memory limit. */
static enum ps_status try_incumbent(struct ps_schedule **best, int64_t *ub,
                                    const struct ps_schedule *g)
{
    for (int ranked = 0; ranked < 2; ranked++) {
        if (ranked && g->xfer_rank == NULL)
            continue;
        struct ps_schedule *c =
            ps_schedule_new(g->sc, "optimal", g->chunks, g->traversal, g->split_backward);
        if (c == NULL)
            return PS_ENOMEM;
        enum ps_status st = copy_orders(c, g);
        if (st == PS_OK && ranked) {
            st = ps_schedule_enable_ranks(c);
            if (st == PS_OK)
                memcpy(c->xfer_rank, g->xfer_rank, ps_schedule_xfer_keys(c) * sizeof *c->xfer_rank);
        }
        if (st != PS_OK) {
            ps_schedule_free(c);
            return st;
        }
        if (sim_ok(c) && c->makespan_ns < *ub) {
            ps_schedule_free(*best);
            *best = c;
            *ub = c->makespan_ns;
        } else {
            ps_schedule_free(c);
        }
    }
    return PS_OK;
}

static enum ps_status generate(const struct ps_scenario *sc, const struct ps_params *p,
                               const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                               struct ps_diag *d)
{
    const struct ps_solver *self = &ps_solver_optimal;
    double t0 = now_s();
    *out = NULL;
    double time_limit = ps_params_get_float(self, p, "time_limit");
    double gap = ps_params_get_float(self, p, "gap");
    int tr = ps_traversal_parse(ps_params_get(self, p, "traversal"));
    const char *model_path = ps_params_get(self, p, "write_model");
    unsigned tighten;
    if (tr < 0)
        return ps_diag_set(d, PS_EINVAL, "param.traversal", "must be loop or wave");
    if (!parse_tighten(ps_params_get(self, p, "tighten"), &tighten))
        return ps_diag_set(
            d, PS_EINVAL, "param.tighten",
            "must be all, none, or a list of mono,window,lb,energy,warm,mempre (and GLPK "
            "options mir,gmi,cov,clq,pch,dfs) (got %s)",
            ps_params_get(self, p, "tighten"));
    if (!(time_limit >= 0) || !(gap >= 0))
        return ps_diag_set(d, PS_EINVAL, "param.time_limit", "must be >= 0");
    int V = tr == PS_TRAVERSAL_WAVE ? 2 : 1;
    if ((long)sc->n_stages * V * sc->n_microbatches * 3 > MAX_OPS)
        return ps_diag_set(d, PS_EUNSUPPORTED, "",
                           "the optimal solver takes at most %d ops (this scenario has %ld); "
                           "use the greedy",
                           MAX_OPS, (long)sc->n_stages * V * sc->n_microbatches * 3);

    struct ps_schedule *s = ps_schedule_new(sc, "optimal", V, (enum ps_traversal)tr, true);
    if (s == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    enum ps_status st = PS_OK;
    struct model m = {0};
    struct ps_schedule *inc = NULL, *parted = NULL;
    double *x0 = NULL;
    char buf[64];

    snprintf(buf, sizeof buf, "%g", time_limit);
    ps_schedule_set_param(s, "time_limit", buf);
    snprintf(buf, sizeof buf, "%g", gap);
    ps_schedule_set_param(s, "gap", buf);
    ps_schedule_set_param(s, "traversal", ps_traversal_str((enum ps_traversal)tr));

    /* infeasible exactly when one microbatch's activations do not fit on some
     * device: the sequential order holds at most one microbatch per device */
    if (sc->has_memory_limit) {
        for (int mb = 0; mb < sc->n_microbatches; mb++) {
            double a = ps_scenario_memory_scale(sc, mb);
            if (a > sc->memory_limit + 1e-9) {
                s->solver.status = PS_SOLVE_INFEASIBLE;
                snprintf(s->solver.error, sizeof s->solver.error,
                         "memory limit %g is below one microbatch's activations (%g) of "
                         "microbatch %d on stage 0: no schedule fits",
                         sc->memory_limit, a, mb);
                *out = s;
                return PS_OK;
            }
        }
    }

    m.sc = sc;
    m.shape = s;
    m.S = sc->n_stages;
    m.M = sc->n_microbatches;
    m.V = V;
    m.SV = m.S * V;
    m.tr = (enum ps_traversal)tr;
    m.tighten = tighten;
    st = build_graph(&m);
    if (st != PS_OK)
        goto fail;

    /* incumbent: the greedy (when it meets the memory limit), else the sequential
     * order */
    int64_t ub = INT64_MAX;
    const struct ps_solver *greedy = (tighten & T_WARM) ? ps_solver_find("greedy") : NULL;
    if (greedy != NULL) {
        /* whole ops (n_sub=1) fit the model; the default may cut ops into parts,
         * its orders are taken whole and it is kept aside in case it stays shorter
         */
        for (int pass = 0; pass < 2; pass++) {
            struct ps_params gp = {0};
            if (ps_params_get(greedy, &gp, "traversal") != NULL)
                ps_params_set(&gp, "traversal", ps_traversal_str((enum ps_traversal)tr));
            if (pass == 0 && ps_params_get(greedy, &gp, "n_sub") != NULL)
                ps_params_set(&gp, "n_sub", "1");
            struct ps_schedule *g = NULL;
            struct ps_diag gd;
            if (ps_solver_run(greedy, sc, &gp, NULL, &g, &gd) != PS_OK || g == NULL ||
                g->chunks != V || g->traversal != (enum ps_traversal)tr || !g->split_backward ||
                g->solver.status == PS_SOLVE_INFEASIBLE || !g->memory_ok) {
                ps_schedule_free(g);
                continue;
            }
            st = try_incumbent(&inc, &ub, g);
            if (st != PS_OK) {
                ps_schedule_free(g);
                goto fail;
            }
            if (pass == 1 && ps_schedule_n_ops(g) != (size_t)m.n_live) {
                ps_schedule_free(parted);
                parted = g;
            } else {
                ps_schedule_free(g);
            }
        }
    }
    if (ub == INT64_MAX) {
        struct ps_schedule *q = ps_schedule_new(sc, "optimal", V, (enum ps_traversal)tr, true);
        if (q == NULL || sequential_orders(q, &m) != PS_OK || !sim_ok(q)) {
            ps_schedule_free(q);
            st = ps_diag_set(d, PS_EINVAL, "",
                             "internal: the sequential schedule does not simulate");
            goto fail;
        }
        inc = q;
        ub = inc->makespan_ns;
    }
    bool uniform = true;
    for (int mb = 1; mb < m.M; mb++)
        if (ps_scenario_message_mb(sc, mb) != ps_scenario_message_mb(sc, 0))
            uniform = false;

    /* a lower bound: the core's, and per device its work between the earliest
     * head and the least tail */
    int64_t lb = ps_lower_bound_ns(sc);
    for (int dv = 0; dv < m.S; dv++) {
        int64_t work = 0, h = INT64_MAX, tl = INT64_MAX;
        for (int i = 0; i < m.dev_n[dv]; i++) {
            const struct mop *o = &m.ops[m.dev_op[dv][i]];
            work += o->dur;
            if (o->head < h)
                h = o->head;
            if (o->tail < tl)
                tl = o->tail;
        }
        if (m.dev_n[dv] > 0 && h + work + tl > lb)
            lb = h + work + tl;
    }
    for (int i = 0; i < m.n_ops; i++)
        if (m.ops[i].present && m.ops[i].head + m.ops[i].dur + m.ops[i].tail > lb)
            lb = m.ops[i].head + m.ops[i].dur + m.ops[i].tail;
    if (lb > ub)
        lb = ub;
    if (ctx != NULL && ctx->progress != NULL) {
        /* the starting schedule and the static bound, before the model is built */
        struct ps_progress pr = {ub, lb, ub > 0 ? (double)(ub - lb) / (double)ub : 0, 0,
                                 (now_s() - t0) * 1e3};
        ctx->progress(&pr, ctx->user);
    }

    /* the formulation: time-indexed when every duration is a multiple of a unit that keeps
     * the slot model small (its LP bound is far stronger), else order binaries */
    const char *form = ps_params_get(self, p, "formulation");
    bool names = model_path != NULL && model_path[0] != '\0';
    bool want_time = form != NULL && strcmp(form, "time") == 0;
    bool want_rounded = form != NULL && strcmp(form, "rounded") == 0;
    bool want_auto = form == NULL || strcmp(form, "auto") == 0;
    /* rounded is not in auto: rounding down every time along a path loses more than the
     * order model's big-M does (S=4, M=8 off the grid: bound 27.7 vs 28.0, 28.3 vs 29.3) */
    long cap = want_auto ? AUTO_TI_BINARIES : MAX_BINARIES;
    if (want_time || want_auto) {
        int64_t unit = ti_unit(&m, ub);
        if (unit > 0 && ub / unit <= MAX_SLOTS) {
            ti_prepare(&m, unit, false);
            m.ti = ti_count(&m, ub) <= cap;
        }
    }
    if (!m.ti && want_rounded) {
        /* rounded slots: as fine as the binaries allow, never coarser than the shortest op
         * (each op keeps at least one slot, or the bound would say little) */
        int64_t shortest = INT64_MAX;
        for (int i = 0; i < m.n_ops; i++)
            if (m.ops[i].present && m.ops[i].dur > 0 && m.ops[i].dur < shortest)
                shortest = m.ops[i].dur;
        for (long slots = MAX_SLOTS; slots >= 8 && !m.ti; slots = slots * 2 / 3) {
            int64_t unit = (ub + slots - 1) / slots;
            if (unit > shortest)
                break;
            if (unit < 1)
                continue;
            ti_prepare(&m, unit, true);
            m.ti = ti_count(&m, ub) <= AUTO_TI_BINARIES;
        }
    }
    if (!m.ti && (want_time || want_rounded)) {
        st = ps_diag_set(d, PS_EUNSUPPORTED, "param.formulation",
                         "%s: the slot model would be too large (at most %d slots and %d "
                         "binaries)%s",
                         form, MAX_SLOTS, MAX_BINARIES,
                         want_time ? ", or the durations have no common unit" : "");
        goto fail;
    }
    if (!m.ti) {
        /* count the binaries before building anything big */
        long n_bin = 0;
        for (int dv = 0; dv < m.S; dv++)
            for (int i = 0; i < m.dev_n[dv]; i++)
                for (int j = i + 1; j < m.dev_n[dv]; j++)
                    if (!reaches(&m, m.dev_op[dv][i], m.dev_op[dv][j]) &&
                        !reaches(&m, m.dev_op[dv][j], m.dev_op[dv][i]))
                        n_bin++;
        for (int c = 0; c < m.n_chans; c++)
            n_bin += (long)m.chan_n[c] * (m.chan_n[c] - 1) / 2;
        if (n_bin > MAX_BINARIES) {
            st = ps_diag_set(d, PS_EUNSUPPORTED, "",
                             "the optimal solver's model would need %ld order variables (limit "
                             "%d); use fewer stages or microbatches, or the greedy",
                             n_bin, MAX_BINARIES);
            goto fail;
        }
    }
    ps_schedule_set_param(s, "formulation", !m.ti ? "order" : m.relaxed ? "rounded" : "time");
    if (m.ti) {
        snprintf(buf, sizeof buf, "%.6g", ms(m.unit));
        ps_schedule_set_param(s, "slot_ms", buf);
    }
    /* every makespan is a sum of durations from 0: a multiple of their common divisor */
    m.grid = grid_of(&m, ub);
    m.c_unit_ms = 1;
    m.c_int = false;
    if ((tighten & T_CINT) && m.grid > 0 && ub / m.grid <= 1000000) {
        m.c_unit_ms = ms(m.grid);
        m.c_int = true;
    }

    glp_term_out(GLP_OFF);
    double tb = now_s();
    st = m.ti ? build_ti(&m, ub, lb, names) : build_milp(&m, ms(ub), ms(lb), uniform, names);
    if (st != PS_OK)
        goto fail;
    snprintf(buf, sizeof buf, "%.3f", (now_s() - tb) * 1e3);
    ps_schedule_set_param(s, "build_ms", buf);
    snprintf(buf, sizeof buf, "%d", m.n_bin);
    ps_schedule_set_param(s, "binaries", buf);
    if (model_path != NULL && model_path[0] != '\0') {
        st = write_model(m.lp, model_path, d);
        if (st != PS_OK)
            goto fail;
        ps_schedule_set_param(s, "write_model", model_path);
    }

    x0 = calloc((size_t)m.n_cols + 1, sizeof *x0);
    if (x0 == NULL) {
        st = PS_ENOMEM;
        goto fail;
    }
    st = m.ti ? incumbent_ti(&m, inc, x0) : incumbent_from(&m, inc, x0);
    if (st == PS_EINVAL) {
        /* off the slot grid: a bug; solve without the incumbent */
        free(x0);
        x0 = NULL;
        st = PS_OK;
    }
    if (st != PS_OK)
        goto fail;
    double viol = x0 != NULL ? max_violation(m.lp, x0) : 0;
    if (viol > 1e-6) {
        /* the model and the simulator disagree: a bug; keep the incumbent out of
         * GLPK */
        fprintf(stderr, "optimal: incumbent violates the model by %g ms\n", viol);
        free(x0);
        x0 = NULL;
    }

    struct solve so = {0};
    so.m = &m;
    so.ctx = ctx;
    so.x0 = x0;
    so.t0 = t0;
    so.best_bound = ms(lb);
    so.incumbent = ms(ub);
    so.last_report = now_s();
    int rc = -1;
    bool cancel_now = ctx != NULL && ctx->cancel != NULL && atomic_load(ctx->cancel);
    double left = time_limit - (now_s() - t0);
    if (cancel_now) {
        so.cancelled = true;
    } else if (left > 0 && ms(lb) < ms(ub) * (1 - 1e-9)) {
        glp_smcp smcp;
        glp_init_smcp(&smcp);
        smcp.msg_lev = GLP_MSG_OFF;
        smcp.presolve = GLP_OFF;
        /* the root LP in slices of 0.25 s (each resumes from the last basis), so that a
         * cancel is seen and progress keeps coming while a large LP solves */
        int src;
        for (;;) {
            double slice = left < 0.25 ? left : 0.25;
            smcp.tm_lim = slice * 1e3 < 1 ? 1 : (int)(slice * 1e3);
            glp_term_out(GLP_OFF);
            src = glp_simplex(m.lp, &smcp);
            if (src != GLP_ETMLIM)
                break;
            if (ctx != NULL && ctx->cancel != NULL && atomic_load(ctx->cancel)) {
                so.cancelled = true;
                break;
            }
            left = time_limit - (now_s() - t0);
            if (left <= 0)
                break;
            report(&so, false);
        }
        if (src == 0 && glp_get_status(m.lp) == GLP_OPT && !so.cancelled) {
            double root = glp_get_obj_val(m.lp) * m.c_unit_ms;
            if (root > so.best_bound)
                so.best_bound = root;
            left = time_limit - (now_s() - t0);
            glp_iocp iocp;
            glp_init_iocp(&iocp);
            iocp.msg_lev = GLP_MSG_OFF;
            iocp.presolve = GLP_OFF; /* the callback's incumbent uses our column numbers */
            iocp.tm_lim = (int)(left * 1e3 > 2e9 ? 2e9 : (left > 0.001 ? left * 1e3 : 1));
            iocp.mip_gap = gap;
            iocp.cb_func = callback;
            iocp.cb_info = &so;
            iocp.br_tech = (tighten & T_PCH) ? GLP_BR_PCH : GLP_BR_DTH;
            iocp.bt_tech = (tighten & T_DFS) ? GLP_BT_DFS : GLP_BT_BLB;
            iocp.mir_cuts = (tighten & T_MIR) ? GLP_ON : GLP_OFF;
            iocp.gmi_cuts = (tighten & T_GMI) ? GLP_ON : GLP_OFF;
            iocp.cov_cuts = (tighten & T_COV) ? GLP_ON : GLP_OFF;
            iocp.clq_cuts = (tighten & T_CLQ) ? GLP_ON : GLP_OFF;
            glp_term_out(GLP_OFF);
            rc = glp_intopt(m.lp, &iocp);
        }
    }
    if (!so.cancelled && ctx != NULL && ctx->cancel != NULL && atomic_load(ctx->cancel))
        so.cancelled = true;

    /* the answer: the MILP's orders when GLPK found a better solution, else the
     * incumbent */
    bool from_milp = false;
    if (rc == 0 || rc == GLP_ETMLIM || rc == GLP_ESTOP || rc == GLP_EMIPGAP) {
        int ms_st = glp_mip_status(m.lp);
        /* a relaxed objective is not a makespan: re-time and compare */
        if ((ms_st == GLP_OPT || ms_st == GLP_FEAS) &&
            (m.relaxed || glp_mip_obj_val(m.lp) * m.c_unit_ms < ms(ub) - 1e-6)) {
            st = m.ti ? orders_ti(&m, s) : orders_from_solution(&m, s);
            if (st != PS_OK)
                goto fail;
            if (sim_ok(s) && s->makespan_ns <= ub)
                from_milp = true;
        }
    }
    if (!from_milp) {
        st = copy_exact(s, inc);
        if (st != PS_OK)
            goto fail;
        if (!sim_ok(s)) {
            st = ps_diag_set(d, PS_EINVAL, "", "internal: the incumbent does not simulate");
            goto fail;
        }
    }
    int64_t obj = s->makespan_ns;
    /* the proved bound: GLPK's best node (or the proof), never above the
     * objective */
    bool proved = rc == 0 && !so.cancelled && !m.relaxed;
    if (rc == 0 && !so.cancelled && m.relaxed) {
        /* the relaxation's optimum bounds every schedule */
        double relaxed_opt = glp_mip_obj_val(m.lp) * m.c_unit_ms;
        if (relaxed_opt > so.best_bound)
            so.best_bound = relaxed_opt;
    }
    if (!so.cancelled && rc == -1 && ms(lb) >= ms(ub) * (1 - 1e-9) && !cancel_now)
        proved = true; /* the incumbent meets the lower bound */
    int64_t bound = proved ? obj : (int64_t)floor(so.best_bound * 1e6 * (1 - 1e-9));
    if (!proved && m.grid > 0) /* every makespan is a multiple of the grid */
        bound = (int64_t)ceil(so.best_bound * 1e6 / (double)m.grid - 1e-6) * m.grid;
    if (rc == GLP_EMIPGAP && !so.cancelled) {
        /* stopped at the requested gap: GLPK's last bound */
        double g2 = glp_mip_obj_val(m.lp) * m.c_unit_ms * (1 - gap);
        if (g2 * 1e6 > (double)bound)
            bound = (int64_t)floor(g2 * 1e6 * (1 - 1e-9));
    }
    if (bound < lb)
        bound = lb; /* exact in ns; GLPK's is in ms */
    if (bound > obj)
        bound = obj;
    s->solver.objective_ns = obj;
    s->solver.bound_ns = bound;
    s->solver.gap = obj > 0 ? (double)(obj - bound) / (double)obj : 0;
    if (parted != NULL && parted->makespan_ns < obj) {
        /* the greedy's schedule cuts ops into parts, which this model does not; it
         * stays shorter, so it is the answer, with the bound that holds for parts
         * too */
        int64_t whole = obj;
        st = copy_exact(s, parted);
        if (st != PS_OK)
            goto fail;
        if (!sim_ok(s)) {
            st = ps_diag_set(d, PS_EINVAL, "", "internal: the greedy's schedule does not simulate");
            goto fail;
        }
        obj = s->makespan_ns;
        bound = ps_lower_bound_ns(sc);
        if (bound > obj)
            bound = obj;
        s->solver.objective_ns = obj;
        s->solver.bound_ns = bound;
        s->solver.gap = obj > 0 ? (double)(obj - bound) / (double)obj : 0;
        s->solver.status = so.cancelled ? PS_SOLVE_CANCELLED : PS_SOLVE_FEASIBLE;
        snprintf(s->solver.error, sizeof s->solver.error,
                 "the greedy's schedule with ops cut into parts (%.3f ms) beats "
                 "the best "
                 "schedule of whole ops (%.3f ms%s)",
                 ms(obj), ms(whole), proved ? ", proved optimal" : "");
    } else if (so.cancelled) {
        s->solver.status = PS_SOLVE_CANCELLED;
        snprintf(s->solver.error, sizeof s->solver.error,
                 "cancelled: the best schedule found so far (%s)",
                 from_milp ? "from the solver" : "the starting schedule");
    } else if (proved || bound >= obj) {
        s->solver.status = PS_SOLVE_OPTIMAL;
        s->solver.bound_ns = obj;
        s->solver.gap = 0;
    } else {
        s->solver.status = PS_SOLVE_FEASIBLE;
    }
    so.incumbent = ms(obj);
    so.best_bound = ms(s->solver.bound_ns);
    report(&so, true);

    model_free(&m);
    ps_schedule_free(inc);
    ps_schedule_free(parted);
    free(x0);
    *out = s;
    return PS_OK;

fail:
    if (st == PS_ENOMEM && d != NULL && d->msg[0] == '\0')
        ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    model_free(&m);
    ps_schedule_free(inc);
    ps_schedule_free(parted);
    ps_schedule_free(s);
    free(x0);
    return st;
}

const struct ps_solver ps_solver_optimal = {
    .name = "optimal",
    .summary = "MILP on GLPK: proved-optimal orders of ops and transmissions, "
               "from the greedy",
    .split_backward = true,
    .traversals = PS_TRAV_LOOP_BIT | PS_TRAV_WAVE_BIT,
    .min_chunks = 1,
    .max_chunks = 2,
    .slow = true,
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    .generate = generate,
};
