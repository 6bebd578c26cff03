/* CrossPipe's greedy scheduler (CrossUDSub, ATC'25 section 4.2, with the priority rules of
 * the authors' released code): ops cut into sub-blocks, the device with the earliest
 * schedulable time goes next, sends take the earliest idle gap of their channel, and the
 * memory limit holds at every instant. A portfolio of traversals, sub-block counts and rule
 * variants runs, within a work budget; a run stops as soon as a lower bound says it cannot
 * win; the best makespan wins, then the authors' W move is tried on it (docs/model.md,
 * Greedy). */
#include "solvers/solver.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/scenario.h"
#include "core/schedule.h"
#include "core/sim.h"
#include "core/units.h"
#include "solvers/greedy_internal.h"

#define NO_TIME INT64_MAX
#define MEM_EPS 1e-9 /* the simulator's tolerance on the memory limit */
#define MAX_V 2      /* loop runs one chunk, wave two */
#define MAX_NSUB 32
#define MAX_RESERVE 64

enum { K_F = 0, K_B = 1, K_W = 2 };

/* How the priority table (crosspipe.md 4.2) is read. "paper" follows the authors' code,
 * where the table's conditions are memory tests (a B always fits, so after an F it is
 * B > F > W; after a B it is F > B > W while an F fits, else the faster memory release).
 * "avail" reads the conditions as "an op of that kind is ready now" (after an F with no
 * B ready: W > F > B). "prio": a device that waited picks by priority among the ops
 * arriving together, where the authors' code takes the one that arrived first; "btie"
 * does the same and, memory-blocked with equal release rates, runs the B first; "look"
 * is btie that also weighs ops arriving within a quarter F part of the device's ready
 * time (the authors' rule only sees ops already there, so a link delay of a few
 * microseconds can make it start a worse op instead of waiting). */
enum tie_mode { TIE_MB = 0, TIE_W, TIE_B };

struct rules {
    const char *name;
    bool avail;        /* conditions on readiness instead of memory */
    bool idle_arrival; /* an idle device takes what arrived first (paper), not priority */
    enum tie_mode tie; /* memory-blocked, equal release rates (paper: lower microbatch) */
    bool high_dev;     /* devices ready at the same time: higher device first */
    double slack;      /* look-ahead window, in parts of the device's F (paper: 0) */
};

static const struct rules rule_table[] = {
    {"paper", false, true, TIE_MB, false, 0}, {"prio", false, false, TIE_MB, false, 0},
    {"avail", true, false, TIE_W, false, 0},  {"hidev", false, true, TIE_MB, true, 0},
    {"btie", false, false, TIE_B, false, 0},  {"look", false, false, TIE_B, false, 0.25},
};
#define N_RULES (sizeof rule_table / sizeof rule_table[0])

/* The hot path is written once for any chunk count and compiled for one and two. */
#if defined(__GNUC__)
#define INLINE static inline __attribute__((always_inline))
#else
#define INLINE static inline
#endif

/* One planned part on a device (its times are the run's: the schedule needs the order). */
struct entry {
    int32_t mb;
    uint8_t kind, chunk, part;
};

/* What one greedy run produced: per-device sequences of parts and the planned start of
 * every transmission that occupies a channel. */
struct plan {
    int n_sub, reserve;
    const struct rules *r;
    struct entry **dev;
    size_t *n, *cap;
    int64_t *xfer_start; /* [kind][vstage][mb]; NO_TIME when no channel is occupied */
    int64_t makespan;    /* planned, data-parallel lane included */
};

/* A directed channel's reservations: sorted, disjoint, touching ones merged. */
struct chan {
    int64_t *s, *e;
    size_t n, cap, head;
};

/* Everything fixed for a scenario and a traversal. */
struct shape {
    const struct ps_scenario *sc;
    struct ps_schedule *probe; /* empty schedule: durations, has_w, transfer keys */
    int S, M, V, SV;
    enum ps_traversal tr;
    double limit, w;
    int *dev_of_v, *chunk_of_v, *v_of; /* v_of[d*V+c] */
    bool *has_w;                       /* per device */
    /* memory per (device, mb), / V: all of it (freed by B and W), what F keeps and what
     * the device's R allocates again at the B's start (docs/model.md, recomputation) */
    double *a, *keep, *remat;
    double *sufmax_a; /* per (device, mb): max keep over mb..M-1 */
    int *resv_cap;    /* per device: the most chunk-1 F's a chunk-0 F can keep room for
                         when nothing else is in memory (at least 1) */
    double *rmax;     /* per device: the largest remat, kept free for the next B */
    int *bwd_mb;      /* per backward position: its microbatch (token
                         slices run backward last slice first) */
    int last_b;       /* the microbatch of the last backward position */
    int64_t *lat[2];  /* per vstage boundary (kind, from v): latency */
    double *bw[2];    /* bandwidth, 0 = no occupancy */
    int *chan_id[2];  /* channel index, -1 when same device */
    int n_chan;
    double *msg_mb; /* per mb */
    bool has_dp;
    int64_t *ag, *rs;   /* per device*V+chunk */
    int64_t *work;      /* per device: all its compute */
    int64_t *workk;     /* [kind][v]: all the compute of a kind on a virtual stage */
    int64_t *last_op;   /* [kind][v]: the last microbatch's op */
    int64_t *last_link; /* [kind][v]: its message's latency + transmission to the next */
    /* The loop with alike microbatches under a memory limit: at most flight_k of them
     * between their F's start and their B's end on device 0 (0: no such bound), and a
     * microbatch's round trip (its F and B on every stage, links without queueing). */
    int flight_k;
    int64_t round_trip;
    int64_t *chan_tx;  /* per channel: all its transmissions */
    int64_t *chan_lat; /* per channel: the least latency after one */
};

struct dev_state {
    int64_t end;
    double mem;
    int last_full; /* K_F or K_B */
    int64_t dp_free;
    int next[3][MAX_V], part[3][MAX_V];
    int b_done[MAX_V];
    /* per chunk: the end and the plan position of the op after which its reduce-scatter
     * may run (the last W, or B without W), 0 before */
    int64_t close_end[MAX_V];
    size_t close_pos[MAX_V];
};

struct run {
    const struct shape *sh;
    const struct rules *r;
    int n_sub, max_sub;
    int reserve; /* wave: chunk-1 F's a chunk-0 F keeps room for (1: the authors' rule) */
    struct dev_state *ds;
    int64_t *avail[2]; /* F and B: [v*M+mb] */
    int64_t *seq[2];   /* when each became known (step number): arrival order */
    int64_t step;
    struct chan *ch;
    int P;             /* leaves of the tournament tree */
    int *tree;         /* 2P: winning device per node, -1 none */
    int64_t *tkey;     /* 2P: its key (NO_TIME none); ties: the lower device, or the higher */
    int *dec;          /* per device: the op it will run at key (kind * MAX_V + chunk) */
    int64_t *slack_ns; /* per device: look-ahead window (used when r->slack > 0) */
    int64_t *cav;      /* per device [3][MAX_V]: cand_avail as of its last tree_update */
    int64_t *part_ns;  /* [kind][v][part] durations, NULL when microbatches differ */
    int64_t *rem;      /* per device: compute time not planned yet */
    int64_t *remk;     /* [kind][v]: the same per kind and virtual stage */
    int64_t *last_end; /* [kind][v]: end of the last microbatch's F or B, NO_TIME before */
    int64_t *rem_tx;   /* per channel: the transmissions not placed yet */
    int64_t floor_t;
};

/* ---- small helpers ------------------------------------------------------------------- */

/* The duration of an op; a B of a microbatch its device replays includes that R (the
 * greedy plans them as one block, R first: docs/model.md, greedy). */
static int64_t op_ns(const struct shape *sh, int kind, int v, int mb)
{
    static const enum ps_op_kind map[3] = {PS_OP_F, PS_OP_B, PS_OP_W};
    int d = sh->dev_of_v[v], c = sh->chunk_of_v[v];
    int64_t t = ps_schedule_op_ns(sh->probe, d, map[kind], c, mb);
    if (kind == K_B && ps_schedule_has_r(sh->probe, d, mb))
        t += ps_schedule_op_ns(sh->probe, d, PS_OP_R, c, mb);
    return t;
}

/* The microbatch at position pos of a kind's order on a device (B and W: backward rank). */
static inline int mb_at(const struct shape *sh, int kind, int pos)
{
    return kind == K_F ? pos : sh->bwd_mb[pos];
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- channels ------------------------------------------------------------------------ */

/* Reserves the earliest window of length tx at or after ready; returns its start. */
static int64_t chan_place(struct chan *ch, int64_t ready, int64_t tx, int64_t floor_t)
{
    while (ch->head < ch->n && ch->e[ch->head] <= floor_t)
        ch->head++;
    if (ch->head > 256 && ch->head * 2 > ch->n) {
        memmove(ch->s, ch->s + ch->head, (ch->n - ch->head) * sizeof *ch->s);
        memmove(ch->e, ch->e + ch->head, (ch->n - ch->head) * sizeof *ch->e);
        ch->n -= ch->head;
        ch->head = 0;
    }
    size_t lo = ch->head, hi = ch->n; /* first reservation ending after ready */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ch->e[mid] <= ready)
            lo = mid + 1;
        else
            hi = mid;
    }
    int64_t t = ready;
    size_t i = lo;
    while (i < ch->n && ch->s[i] < t + tx) {
        if (ch->e[i] > t)
            t = ch->e[i];
        i++;
    }
    /* insert [t, t+tx) before i, merging with touching neighbours */
    bool left = i > 0 && ch->e[i - 1] == t;
    bool right = i < ch->n && ch->s[i] == t + tx;
    if (left && right) {
        ch->e[i - 1] = ch->e[i];
        memmove(ch->s + i, ch->s + i + 1, (ch->n - i - 1) * sizeof *ch->s);
        memmove(ch->e + i, ch->e + i + 1, (ch->n - i - 1) * sizeof *ch->e);
        ch->n--;
    } else if (left) {
        ch->e[i - 1] = t + tx;
    } else if (right) {
        ch->s[i] = t;
    } else {
        if (ch->n == ch->cap) {
            size_t cap = ch->cap ? 2 * ch->cap : 64;
            int64_t *s = realloc(ch->s, cap * sizeof *s);
            if (s == NULL)
                return -1;
            ch->s = s;
            int64_t *e = realloc(ch->e, cap * sizeof *e);
            if (e == NULL)
                return -1;
            ch->e = e;
            ch->cap = cap;
        }
        memmove(ch->s + i + 1, ch->s + i, (ch->n - i) * sizeof *ch->s);
        memmove(ch->e + i + 1, ch->e + i, (ch->n - i) * sizeof *ch->e);
        ch->s[i] = t;
        ch->e[i] = t + tx;
        ch->n++;
    }
    return t;
}

/* ---- the shape ----------------------------------------------------------------------- */

static void shape_fini(struct shape *sh)
{
    ps_schedule_free(sh->probe);
    free(sh->dev_of_v);
    free(sh->chunk_of_v);
    free(sh->v_of);
    free(sh->has_w);
    free(sh->a);
    free(sh->keep);
    free(sh->remat);
    free(sh->rmax);
    free(sh->sufmax_a);
    free(sh->resv_cap);
    free(sh->bwd_mb);
    for (int k = 0; k < 2; k++) {
        free(sh->lat[k]);
        free(sh->bw[k]);
        free(sh->chan_id[k]);
    }
    free(sh->msg_mb);
    free(sh->ag);
    free(sh->rs);
    free(sh->work);
    free(sh->workk);
    free(sh->last_op);
    free(sh->last_link);
    free(sh->chan_tx);
    free(sh->chan_lat);
    memset(sh, 0, sizeof *sh);
}

/* The memory part of the run bound (run_bound), for the loop with alike microbatches: an F
 * starts on device 0 only when what the F's in flight keep, its own keep and the room of
 * the largest replay fit the limit, and a microbatch stays in flight until its B ends
 * there, a round trip after its F started at the earliest. */
static void flight_bound_init(struct shape *sh)
{
    const struct ps_scenario *sc = sh->sc;
    sh->flight_k = 0;
    sh->round_trip = 0;
    if (sh->V != 1 || !sc->has_memory_limit || sc->per_microbatch != NULL ||
        ps_scenario_has_slices(sc))
        return;
    double least = INFINITY; /* what the F's in flight keep at the least */
    for (int m = 0; m < sh->M; m++)
        least = fmin(least, sh->keep[m]);
    if (!(least > 0))
        return;
    double k = floor((sh->limit + MEM_EPS - sh->rmax[0]) / least);
    if (k < 1 || k >= sh->M)
        return;
    sh->flight_k = (int)k;
    for (int v = 0; v < sh->SV; v++) {
        sh->round_trip += sh->last_op[K_F * sh->SV + v] + sh->last_op[K_B * sh->SV + v];
        if (v + 1 < sh->SV)
            sh->round_trip += sh->last_link[K_F * sh->SV + v];
        if (v > 0)
            sh->round_trip += sh->last_link[K_B * sh->SV + v];
    }
}

static enum ps_status shape_init(struct shape *sh, const struct ps_scenario *sc,
                                 enum ps_traversal tr)
{
    memset(sh, 0, sizeof *sh);
    sh->sc = sc;
    sh->S = sc->n_stages;
    sh->M = sc->n_microbatches;
    sh->V = tr == PS_TRAVERSAL_WAVE ? 2 : 1;
    sh->SV = sh->S * sh->V;
    sh->tr = tr;
    sh->limit = sc->has_memory_limit ? sc->memory_limit : INFINITY;
    sh->w = sc->weight_share;
    int S = sh->S, M = sh->M, V = sh->V, SV = sh->SV;
    sh->probe = ps_schedule_new(sc, "greedy", V, tr, true);
    sh->dev_of_v = malloc((size_t)SV * sizeof(int));
    sh->chunk_of_v = malloc((size_t)SV * sizeof(int));
    sh->v_of = malloc((size_t)SV * sizeof(int));
    sh->has_w = malloc((size_t)S * sizeof(bool));
    size_t SM = (size_t)S * (size_t)M;
    sh->a = malloc(SM * sizeof(double));
    sh->keep = malloc(SM * sizeof(double));
    sh->remat = malloc(SM * sizeof(double));
    sh->rmax = calloc((size_t)S, sizeof(double));
    sh->sufmax_a = malloc(SM * sizeof(double));
    sh->resv_cap = malloc((size_t)S * sizeof(int));
    sh->bwd_mb = malloc((size_t)M * sizeof(int));
    sh->msg_mb = malloc((size_t)M * sizeof(double));
    sh->ag = calloc((size_t)SV, sizeof(int64_t));
    sh->rs = calloc((size_t)SV, sizeof(int64_t));
    sh->work = calloc((size_t)S, sizeof(int64_t));
    sh->workk = calloc(3 * (size_t)SV, sizeof(int64_t));
    sh->last_op = calloc(3 * (size_t)SV, sizeof(int64_t));
    sh->last_link = calloc(2 * (size_t)SV, sizeof(int64_t));
    for (int k = 0; k < 2; k++) {
        sh->lat[k] = calloc((size_t)SV, sizeof(int64_t));
        sh->bw[k] = calloc((size_t)SV, sizeof(double));
        sh->chan_id[k] = malloc((size_t)SV * sizeof(int));
    }
    if (sh->probe == NULL || !sh->dev_of_v || !sh->chunk_of_v || !sh->v_of || !sh->has_w ||
        !sh->a || !sh->keep || !sh->remat || !sh->rmax || !sh->sufmax_a || !sh->resv_cap ||
        !sh->bwd_mb || !sh->msg_mb || !sh->ag || !sh->rs || !sh->work || !sh->workk ||
        !sh->last_op || !sh->last_link || !sh->lat[0] || !sh->lat[1] || !sh->bw[0] || !sh->bw[1] ||
        !sh->chan_id[0] || !sh->chan_id[1]) {
        shape_fini(sh);
        return PS_ENOMEM;
    }
    for (int v = 0; v < SV; v++) {
        sh->dev_of_v[v] = ps_vstage_device(v, S, V, tr);
        sh->chunk_of_v[v] = ps_vstage_chunk(v, S, V, tr);
        sh->v_of[sh->dev_of_v[v] * V + sh->chunk_of_v[v]] = v;
    }
    for (int d = 0; d < S; d++) {
        sh->has_w[d] = ps_schedule_has_w(sh->probe, d);
        for (int c = 0; c < V; c++) {
            sh->ag[d * V + c] = ps_scenario_dp_ns(sc, d, true, c, V);
            sh->rs[d * V + c] = ps_scenario_dp_ns(sc, d, false, c, V);
        }
    }
    sh->has_dp = sc->has_data_parallel;
    int *rank = malloc((size_t)M * sizeof(int));
    if (rank == NULL) {
        shape_fini(sh);
        return PS_ENOMEM;
    }
    ps_scenario_bwd_ranks(sc, rank, sh->bwd_mb);
    free(rank);
    sh->last_b = sh->bwd_mb[M - 1];
    /* equal microbatches (no per-microbatch scales, so no replays): M times one op */
    bool same = sc->per_microbatch == NULL;
    for (int v = 0; v < SV; v++)
        for (int k = 0; k < 3; k++) {
            if (k == K_W && !sh->has_w[sh->dev_of_v[v]])
                continue;
            if (same)
                sh->workk[k * SV + v] = (int64_t)M * op_ns(sh, k, v, 0);
            for (int m = 0; m < M && !same; m++)
                sh->workk[k * SV + v] += op_ns(sh, k, v, m);
            sh->work[sh->dev_of_v[v]] += sh->workk[k * SV + v];
            sh->last_op[k * SV + v] = op_ns(sh, k, v, k == K_F ? M - 1 : sh->last_b);
        }
    for (int m = 0; m < M; m++)
        sh->msg_mb[m] = ps_scenario_message_mb(sc, m);
    for (int d = 0; d < S; d++) {
        for (int m = 0; m < M; m++) {
            size_t i = (size_t)d * (size_t)M + (size_t)m;
            sh->a[i] = ps_scenario_stage_memory(sc, d, m) / V;
            sh->remat[i] = ps_scenario_recompute_memory(sc, d, m) / V;
            sh->keep[i] = sh->a[i] - sh->remat[i];
            sh->rmax[d] = fmax(sh->rmax[d], sh->remat[i]);
        }
        for (int m = M - 1; m >= 0; m--) {
            size_t i = (size_t)d * (size_t)M + (size_t)m;
            sh->sufmax_a[i] = m == M - 1 ? sh->keep[i] : fmax(sh->keep[i], sh->sufmax_a[i + 1]);
        }
        /* a chunk-0 F on an otherwise empty device must always fit with its reserve */
        double most = sh->sufmax_a[(size_t)d * (size_t)M];
        double room = sh->limit + MEM_EPS - most - sh->rmax[d];
        sh->resv_cap[d] = most > 0 && room < most * M ? (int)fmax(1, floor(room / most)) : M;
    }
    /* channels: inter-DC per ordered DC pair, intra-DC per ordered device pair */
    int nd = sc->n_dcs;
    sh->n_chan = 0;
    int *inter_idx = malloc((size_t)nd * (size_t)nd * sizeof(int));
    int *pair_idx = malloc((size_t)(4 * S + 4) * sizeof(int));
    if (inter_idx == NULL || pair_idx == NULL) {
        free(inter_idx);
        free(pair_idx);
        shape_fini(sh);
        return PS_ENOMEM;
    }
    for (int i = 0; i < nd * nd; i++)
        inter_idx[i] = -1;
    for (int i = 0; i < 4 * S + 4; i++)
        pair_idx[i] = -1;
    for (int k = 0; k < 2; k++) {
        for (int v = 0; v < SV; v++) {
            int to_v = k == 0 ? v + 1 : v - 1;
            sh->chan_id[k][v] = -1;
            if (to_v < 0 || to_v >= SV)
                continue;
            int a = sh->dev_of_v[v], b = sh->dev_of_v[to_v];
            if (a == b)
                continue;
            struct ps_link l = ps_scenario_link(sc, a, b);
            sh->lat[k][v] = ps_ms_to_ns(l.latency_ms);
            sh->bw[k][v] = l.bandwidth_gbps;
            int da = ps_scenario_dc_of(sc, a), db = ps_scenario_dc_of(sc, b);
            int *slot;
            if (da != db)
                slot = &inter_idx[da * nd + db];
            else if (b == a + 1)
                slot = &pair_idx[2 * a];
            else if (b == a - 1)
                slot = &pair_idx[2 * a + 1];
            else /* the loop's wrap-around (not used with one chunk) */
                slot = &pair_idx[4 * S + (a < b ? 0 : 1)];
            if (*slot < 0)
                *slot = sh->n_chan++;
            sh->chan_id[k][v] = *slot;
        }
    }
    free(inter_idx);
    free(pair_idx);
    sh->chan_tx = calloc((size_t)sh->n_chan + 1, sizeof(int64_t));
    sh->chan_lat = malloc(((size_t)sh->n_chan + 1) * sizeof(int64_t));
    if (sh->chan_tx == NULL || sh->chan_lat == NULL) {
        shape_fini(sh);
        return PS_ENOMEM;
    }
    for (int c = 0; c < sh->n_chan; c++)
        sh->chan_lat[c] = INT64_MAX;
    for (int k = 0; k < 2; k++)
        for (int v = 0; v < SV; v++) {
            int c = sh->chan_id[k][v];
            if (c < 0)
                continue;
            sh->last_link[k * SV + v] =
                sh->lat[k][v] + ps_tx_ns(sh->msg_mb[k == 0 ? M - 1 : sh->last_b], sh->bw[k][v]);
            for (int m = 0; m < M; m++)
                sh->chan_tx[c] += ps_tx_ns(sh->msg_mb[m], sh->bw[k][v]);
            if (sh->lat[k][v] < sh->chan_lat[c])
                sh->chan_lat[c] = sh->lat[k][v];
        }
    flight_bound_init(sh);
    return PS_OK;
}

/* ---- plans --------------------------------------------------------------------------- */

static void plan_free(struct plan *p, int S)
{
    if (p == NULL)
        return;
    if (p->dev != NULL)
        for (int d = 0; d < S; d++)
            free(p->dev[d]);
    free(p->dev);
    free(p->n);
    free(p->cap);
    free(p->xfer_start);
    free(p);
}

/* A plan with room for runs of up to max_sub sub-blocks (plan_reset readies it for one). */
static struct plan *plan_new(const struct shape *sh, int max_sub)
{
    struct plan *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    int n_sub = max_sub;
    size_t nx = 2 * (size_t)sh->SV * (size_t)sh->M;
    p->dev = calloc((size_t)sh->S, sizeof *p->dev);
    p->n = calloc((size_t)sh->S, sizeof *p->n);
    p->cap = calloc((size_t)sh->S, sizeof *p->cap);
    p->xfer_start = malloc(nx * sizeof *p->xfer_start);
    if (!p->dev || !p->n || !p->cap || !p->xfer_start) {
        plan_free(p, sh->S);
        return NULL;
    }
    for (size_t i = 0; i < nx; i++)
        p->xfer_start[i] = NO_TIME;
    /* every device runs 3 ops per (chunk, microbatch), each in n_sub parts */
    size_t per_dev = 3 * (size_t)sh->V * (size_t)sh->M * (size_t)n_sub;
    for (int d = 0; d < sh->S; d++) {
        p->dev[d] = malloc(per_dev * sizeof **p->dev);
        if (p->dev[d] == NULL) {
            plan_free(p, sh->S);
            return NULL;
        }
        p->cap[d] = per_dev;
    }
    return p;
}

static void plan_reset(struct plan *p, const struct shape *sh, int n_sub, int reserve,
                       const struct rules *r)
{
    p->n_sub = n_sub;
    p->reserve = reserve;
    p->r = r;
    p->makespan = NO_TIME;
    for (int d = 0; d < sh->S; d++)
        p->n[d] = 0;
    size_t nx = 2 * (size_t)sh->SV * (size_t)sh->M;
    for (size_t i = 0; i < nx; i++)
        p->xfer_start[i] = NO_TIME;
}

static size_t xidx(const struct shape *sh, int kind, int v, int mb)
{
    return ((size_t)kind * (size_t)sh->SV + (size_t)v) * (size_t)sh->M + (size_t)mb;
}

/* ---- the greedy ---------------------------------------------------------------------- */

/* The room a chunk-0 F on device d keeps for chunk-1 F's, m1 the next of them: as many as
 * the run's reserve asks (1: the authors' rule), no more than are left, and no more than fit
 * beside one F on an empty device (so the device can always start one: no deadlock). */
INLINE double reserve_need(const struct run *g, int d, int m1)
{
    const struct shape *sh = g->sh;
    int r = g->reserve < sh->resv_cap[d] ? g->reserve : sh->resv_cap[d];
    if (r > sh->M - m1)
        r = sh->M - m1;
    return r * sh->sufmax_a[(size_t)d * (size_t)sh->M + (size_t)m1];
}

/* Availability of the next part of (kind, chunk) on device d, NO_TIME when there is none
 * or it does not fit in memory. */
INLINE int64_t cand_avail(const struct run *g, int d, int kind, int c, const int V)
{
    const struct shape *sh = g->sh;
    const struct dev_state *ds = &g->ds[d];
    int pos = ds->next[kind][c];
    if (pos >= sh->M)
        return NO_TIME;
    int m = mb_at(sh, kind, pos);
    if (ds->part[kind][c] > 0)
        return ds->end; /* an op already under way: its previous part has ended */
    int v = sh->v_of[d * V + c];
    if (kind == K_W)
        return pos < ds->b_done[c] ? ds->end : NO_TIME;
    int64_t t = g->avail[kind][(size_t)v * (size_t)sh->M + (size_t)m];
    size_t dm = (size_t)d * (size_t)sh->M;
    if (t == NO_TIME)
        return t;
    if (kind == K_B) {
        /* a replayed microbatch's B allocates its R's memory at its start */
        return ds->mem + sh->remat[dm + (size_t)m] > sh->limit + MEM_EPS ? NO_TIME : t;
    }
    /* F: memory (what it keeps) allocated at start, with the room of the largest replay
     * kept free so that a B can always start; with two chunks keep room for the next
     * chunk-1 F so that the device can always take it (no deadlock); all-gather before
     * the first */
    double need = sh->keep[dm + (size_t)m] + sh->rmax[d];
    if (V == 2 && c == 0) {
        int m1 = ds->next[K_F][1] + (ds->part[K_F][1] > 0 ? 1 : 0);
        if (m1 < sh->M)
            need += reserve_need(g, d, m1);
    }
    if (ds->mem + need > sh->limit + MEM_EPS)
        return NO_TIME;
    if (sh->has_dp && m == 0) {
        int64_t ag = ds->dp_free + sh->ag[d * V + c];
        if (ag > t)
            t = ag;
    }
    return t;
}

/* Device d's next schedulable time; caches its candidates' availability in g->cav
 * (every change of d's state is followed by a tree_update, so choose() can use it). */
INLINE int64_t dev_key(struct run *g, int d, const int V)
{
    int64_t best = NO_TIME;
    int64_t *cav = &g->cav[(size_t)d * 3 * MAX_V];
    for (int c = 0; c < V; c++) { /* kinds spelled out: each call specialises */
        int64_t tf = cand_avail(g, d, K_F, c, V);
        int64_t tb = cand_avail(g, d, K_B, c, V);
        int64_t tw = cand_avail(g, d, K_W, c, V);
        cav[K_F * MAX_V + c] = tf;
        cav[K_B * MAX_V + c] = tb;
        cav[K_W * MAX_V + c] = tw;
        best = tf < best ? tf : best;
        best = tb < best ? tb : best;
        best = tw < best ? tw : best;
    }
    if (best == NO_TIME)
        return NO_TIME;
    return best > g->ds[d].end ? best : g->ds[d].end;
}

/* Closeness to the end of its microbatch's path: among ops of one kind, the one nearer
 * the end goes first (F: higher virtual stage; B: lower). */
static int progress(const struct shape *sh, int kind, int v)
{
    return kind == K_F ? v : sh->SV - 1 - v;
}

/* Whether device d's memory lets an F go now (an F under way needs nothing more). */
INLINE bool f_fits(const struct run *g, int d, const int V)
{
    const struct shape *sh = g->sh;
    const struct dev_state *ds = &g->ds[d];
    for (int c = 0; c < V; c++) {
        int m = ds->next[K_F][c];
        if (m >= sh->M)
            continue;
        if (ds->part[K_F][c] > 0)
            return true;
        size_t dm = (size_t)d * (size_t)sh->M;
        double need = sh->keep[dm + (size_t)m] + sh->rmax[d];
        if (V == 2 && c == 0) {
            int m1 = ds->next[K_F][1] + (ds->part[K_F][1] > 0 ? 1 : 0);
            if (m1 < sh->M)
                need += reserve_need(g, d, m1);
        }
        if (ds->mem + need <= sh->limit + MEM_EPS)
            return true;
    }
    return false;
}

/* The op to run next on device d at time t (its key): returns the kind, sets *chunk. */
INLINE int choose(const struct run *g, int d, int64_t t, int *chunk, const int V)
{
    const struct shape *sh = g->sh;
    const struct dev_state *ds = &g->ds[d];
    int pick[3] = {-1, -1, -1}; /* best chunk per kind */
    if (g->r->idle_arrival && t > ds->end) {
        /* idle until t: the authors' code takes the op that arrived first */
        int best_k = -1;
        int64_t best_seq = INT64_MAX;
        for (int k = 0; k < 2; k++)
            for (int c = 0; c < V; c++) {
                if (g->cav[((size_t)d * 3 + (size_t)k) * MAX_V + (size_t)c] != t)
                    continue;
                int v = sh->v_of[d * V + c];
                int64_t q =
                    g->seq[k][(size_t)v * (size_t)sh->M + (size_t)mb_at(sh, k, ds->next[k][c])];
                if (q < best_seq) {
                    best_seq = q;
                    best_k = k;
                    *chunk = c;
                }
            }
        if (best_k >= 0)
            return best_k;
    }
    const int64_t *cav = &g->cav[(size_t)d * 3 * MAX_V];
    for (int k = 0; k < 3; k++) {
        bool a0 = cav[k * MAX_V] <= t; /* NO_TIME never is */
        if (V == 1 || cav[k * MAX_V + 1] > t) {
            pick[k] = a0 ? 0 : -1;
            continue;
        }
        if (!a0) {
            pick[k] = 1;
            continue;
        }
        /* both chunks: an op under way first, then the lower microbatch, then progress */
        bool cu = ds->part[k][1] > 0, pu = ds->part[k][0] > 0;
        int cm = ds->next[k][1], pm = ds->next[k][0];
        bool better;
        if (cu != pu)
            better = cu;
        else if (cm != pm)
            better = cm < pm;
        else
            better = progress(sh, k, sh->v_of[d * V + 1]) > progress(sh, k, sh->v_of[d * V]);
        pick[k] = better ? 1 : 0;
    }
    bool teardown = true;
    for (int c = 0; c < V; c++)
        if (ds->next[K_F][c] < sh->M)
            teardown = false;
    bool fe = pick[K_F] >= 0, de = pick[K_B] >= 0;
    bool f_ok = g->r->avail ? fe : f_fits(g, d, V);
    int order[3];
    if (g->r->avail && !fe && !de) {
        order[0] = K_W, order[1] = K_B, order[2] = K_F;
    } else if (teardown) {
        order[0] = K_B, order[1] = K_W, order[2] = K_F;
    } else if (ds->last_full == K_F) {
        if (!g->r->avail || de)
            order[0] = K_B, order[1] = K_F, order[2] = K_W;
        else
            order[0] = K_W, order[1] = K_F, order[2] = K_B;
    } else if (f_ok) {
        order[0] = K_F, order[1] = K_B, order[2] = K_W;
    } else {
        /* memory-blocked after a B: the faster memory release first */
        bool w_first = g->r->tie == TIE_W;
        int wc = pick[K_W], bc = pick[K_B];
        if (wc >= 0 && bc >= 0) {
            int vw = sh->v_of[d * V + wc], vb = sh->v_of[d * V + bc];
            int mw = mb_at(sh, K_W, ds->next[K_W][wc]), mb = mb_at(sh, K_B, ds->next[K_B][bc]);
            double tw = (double)op_ns(sh, K_W, vw, mw);
            double tb = (double)op_ns(sh, K_B, vb, mb);
            size_t dm = (size_t)d * (size_t)sh->M;
            double rw = sh->w * sh->a[dm + (size_t)mw] / (tw > 0 ? tw : 1);
            double rb = ((1 - sh->w) * sh->a[dm + (size_t)mb] - sh->remat[dm + (size_t)mb]) /
                        (tb > 0 ? tb : 1);
            if (rw != rb)
                w_first = rw > rb;
            else if (g->r->tie == TIE_MB)
                w_first = mw <= mb;
        }
        order[0] = w_first ? K_W : K_B, order[1] = w_first ? K_B : K_W, order[2] = K_F;
    }
    for (int i = 0; i < 3; i++)
        if (pick[order[i]] >= 0) {
            *chunk = pick[order[i]];
            return order[i];
        }
    return -1;
}

/* Recomputes device d's decision (what it runs next, and when) and its place in the
 * tournament tree. A device never starts before the current time of the search, so
 * decisions are taken in time order (a look-ahead may have made it wait past a
 * candidate that is now being reconsidered). */
INLINE void tree_update_v(struct run *g, int d, const int V)
{
    int64_t t = dev_key(g, d, V);
    if (t != NO_TIME) {
        if (t < g->floor_t)
            t = g->floor_t;
        int c = 0;
        int kind = choose(g, d, g->r->slack > 0 ? t + g->slack_ns[d] : t, &c, V);
        assert(kind >= 0);
        g->dec[d] = kind * MAX_V + c;
        int64_t av = g->cav[((size_t)d * 3 + (size_t)kind) * MAX_V + (size_t)c];
        if (av > t)
            t = av;
    }
    int i = g->P + d;
    g->tree[i] = t == NO_TIME ? -1 : d;
    g->tkey[i] = t;
    /* the left subtree holds the lower devices: on equal keys it wins unless high_dev */
    bool high = g->r->high_dev;
    for (i /= 2; i >= 1; i /= 2) {
        int64_t kl = g->tkey[2 * i], kr = g->tkey[2 * i + 1];
        int w = 2 * i + ((kr < kl) | ((kr == kl) & high));
        /* an unchanged node leaves every node above unchanged */
        if (g->tree[w] == g->tree[i] && g->tkey[w] == g->tkey[i])
            break;
        g->tree[i] = g->tree[w];
        g->tkey[i] = g->tkey[w];
    }
}

static void tree_update(struct run *g, int d)
{
    if (g->sh->V == 1)
        tree_update_v(g, d, 1);
    else
        tree_update_v(g, d, 2);
}

/* Sends the output of (kind, v, mb), finished at `end`, to its consumer; returns the
 * consumer's availability, or -1 on out of memory. */
static int64_t send(struct run *g, struct plan *p, int kind, int v, int mb, int64_t end)
{
    const struct shape *sh = g->sh;
    int cid = sh->chan_id[kind][v];
    if (cid < 0)
        return end; /* same device (the wave's turn) */
    int64_t tx = ps_tx_ns(sh->msg_mb[mb], sh->bw[kind][v]);
    int64_t start = end;
    if (tx > 0) {
        g->rem_tx[cid] -= tx;
        start = chan_place(&g->ch[cid], end, tx, g->floor_t);
        if (start < 0)
            return -1;
        p->xfer_start[xidx(sh, kind, v, mb)] = start;
    }
    return start + tx + sh->lat[kind][v];
}

static void run_free(struct run *g)
{
    free(g->ds);
    free(g->avail[0]);
    free(g->avail[1]);
    free(g->seq[0]);
    free(g->seq[1]);
    if (g->ch != NULL)
        for (int i = 0; i < g->sh->n_chan; i++) {
            free(g->ch[i].s);
            free(g->ch[i].e);
        }
    free(g->ch);
    free(g->tree);
    free(g->tkey);
    free(g->cav);
    free(g->dec);
    free(g->slack_ns);
    free(g->part_ns);
    free(g->rem);
    free(g->remk);
    free(g->last_end);
    free(g->rem_tx);
    memset(g, 0, sizeof *g);
}

/* The buffers of one traversal's runs, allocated once for runs of up to max_sub parts. */
static enum ps_status run_alloc(struct run *g, const struct shape *sh, int max_sub)
{
    memset(g, 0, sizeof *g);
    g->sh = sh;
    g->max_sub = max_sub;
    int S = sh->S, SV = sh->SV;
    size_t nav = (size_t)SV * (size_t)sh->M;
    g->ds = malloc((size_t)S * sizeof *g->ds);
    g->avail[0] = malloc(nav * sizeof(int64_t));
    g->avail[1] = malloc(nav * sizeof(int64_t));
    g->seq[0] = malloc(nav * sizeof(int64_t));
    g->seq[1] = malloc(nav * sizeof(int64_t));
    g->ch = calloc((size_t)sh->n_chan + 1, sizeof *g->ch);
    for (g->P = 1; g->P < S; g->P *= 2)
        ;
    g->tree = malloc(2 * (size_t)g->P * sizeof(int));
    g->tkey = malloc(2 * (size_t)g->P * sizeof(int64_t));
    g->cav = malloc((size_t)S * 3 * MAX_V * sizeof(int64_t));
    g->dec = malloc((size_t)S * sizeof(int));
    g->slack_ns = malloc((size_t)S * sizeof(int64_t));
    g->rem = malloc((size_t)S * sizeof(int64_t));
    g->remk = malloc(3 * (size_t)SV * sizeof(int64_t));
    g->last_end = malloc(2 * (size_t)SV * sizeof(int64_t));
    g->rem_tx = malloc(((size_t)sh->n_chan + 1) * sizeof(int64_t));
    if (sh->sc->per_microbatch == NULL)
        g->part_ns = malloc(3 * (size_t)SV * (size_t)max_sub * sizeof(int64_t));
    if (!g->ds || !g->avail[0] || !g->avail[1] || !g->seq[0] || !g->seq[1] || !g->ch || !g->tree ||
        !g->tkey || !g->cav || !g->dec || !g->slack_ns || !g->rem || !g->remk || !g->last_end ||
        !g->rem_tx || (sh->sc->per_microbatch == NULL && !g->part_ns)) {
        run_free(g);
        return PS_ENOMEM;
    }
    return PS_OK;
}

/* Readies g for a run of n_sub parts under rules r, keeping room for `reserve` chunk-1 F's. */
static void run_reset(struct run *g, int n_sub, int reserve, const struct rules *r)
{
    const struct shape *sh = g->sh;
    int S = sh->S, M = sh->M, V = sh->V, SV = sh->SV;
    g->r = r;
    g->n_sub = n_sub;
    g->reserve = reserve;
    g->step = 0;
    g->floor_t = 0;
    memset(g->ds, 0, (size_t)S * sizeof *g->ds);
    size_t nav = (size_t)SV * (size_t)M;
    for (size_t i = 0; i < nav; i++)
        g->avail[0][i] = g->avail[1][i] = NO_TIME;
    memset(g->seq[0], 0, nav * sizeof(int64_t));
    memset(g->seq[1], 0, nav * sizeof(int64_t));
    for (int i = 0; i < sh->n_chan; i++)
        g->ch[i].n = g->ch[i].head = 0;
    memcpy(g->rem_tx, sh->chan_tx, ((size_t)sh->n_chan + 1) * sizeof(int64_t));
    memset(g->dec, 0, (size_t)S * sizeof(int));
    memcpy(g->remk, sh->workk, 3 * (size_t)SV * sizeof(int64_t));
    for (int i = 0; i < 2 * SV; i++)
        g->last_end[i] = NO_TIME;
    for (int d = 0; d < S; d++) {
        g->rem[d] = sh->work[d];
        g->slack_ns[d] =
            r->slack > 0 ? (int64_t)(r->slack * (double)op_ns(sh, K_F, sh->v_of[d * V], 0) / n_sub)
                         : 0;
    }
    if (g->part_ns != NULL)
        for (int k = 0; k < 3; k++)
            for (int v = 0; v < SV; v++)
                for (int q = 0; q < n_sub; q++)
                    g->part_ns[((size_t)k * (size_t)SV + (size_t)v) * (size_t)n_sub + (size_t)q] =
                        ps_split_ns(op_ns(sh, k, v, 0), q, n_sub);
}

/* Planned makespan of a finished run: the last compute end, or the data-parallel lane's
 * last op (AGs run from 0 in first-F order, RSs after each chunk's last W or B, as the
 * simulator does). */
static int64_t run_makespan(const struct run *g)
{
    const struct shape *sh = g->sh;
    int64_t ms = 0;
    for (int d = 0; d < sh->S; d++) {
        const struct dev_state *ds = &g->ds[d];
        if (ds->end > ms) /* a device's parts run one after another */
            ms = ds->end;
        if (!sh->has_dp)
            continue;
        int64_t lane = 0;
        for (int c = 0; c < sh->V; c++)
            lane += sh->ag[d * sh->V + c];
        int order[MAX_V] = {0, 1};
        if (sh->V == 2 && ds->close_pos[1] < ds->close_pos[0])
            order[0] = 1, order[1] = 0;
        for (int i = 0; i < sh->V; i++) {
            int c = order[i];
            int64_t st = ds->close_end[c] > lane ? ds->close_end[c] : lane;
            lane = st + sh->rs[d * sh->V + c];
        }
        if (lane > ms)
            ms = lane;
    }
    return ms;
}

/* A bound no completion of the run so far can beat. Every device still has its unplanned
 * compute to do, from its last end or from the time of the search, whichever is later;
 * every channel its transmissions not placed yet. And the last microbatch's F then B must
 * cross every virtual stage in turn (each op after the arrival of its input, and after the
 * ops of its kind before it on that stage: F and B run in microbatch order; on the loop
 * under a memory limit its F on device 0 also waits for the microbatches in flight), then
 * its W follows its B. */
static int64_t run_bound(const struct run *g)
{
    const struct shape *sh = g->sh;
    int SV = sh->SV, M = sh->M;
    int64_t lb = 0;
    for (int d = 0; d < sh->S; d++) {
        int64_t from = g->ds[d].end > g->floor_t ? g->ds[d].end : g->floor_t;
        if (from + g->rem[d] > lb)
            lb = from + g->rem[d];
    }
    /* a transmission not placed yet starts after its producer's end, so at the time of
     * the search at the earliest: its channel has all of them to carry from then on */
    for (int c = 0; c < sh->n_chan; c++)
        if (g->rem_tx[c] > 0 && g->floor_t + g->rem_tx[c] + sh->chan_lat[c] > lb)
            lb = g->floor_t + g->rem_tx[c] + sh->chan_lat[c];
    int64_t e = 0;
    for (int v = 0; v < SV; v++) {
        if (g->last_end[K_F * SV + v] != NO_TIME) {
            e = g->last_end[K_F * SV + v];
            continue;
        }
        const struct dev_state *ds = &g->ds[sh->dev_of_v[v]];
        int64_t from = ds->end > g->floor_t ? ds->end : g->floor_t;
        int64_t arr = v == 0 ? 0 : g->avail[K_F][(size_t)v * (size_t)M + (size_t)(M - 1)];
        if (arr == NO_TIME)
            arr = e + sh->last_link[K_F * SV + v - 1];
        if (v == 0 && sh->flight_k > 0) {
            /* memory: the F of microbatch u + j k waits for the B of u + (j-1) k, which
             * ends a round trip after that F started (u: the first not started yet) */
            int u = ds->next[K_F][0] + (ds->part[K_F][0] > 0 ? 1 : 0);
            if (u < M)
                arr = g->floor_t + (int64_t)((M - 1 - u) / sh->flight_k) * sh->round_trip;
        }
        e = arr + sh->last_op[K_F * SV + v];
        if (from + g->remk[K_F * SV + v] > e)
            e = from + g->remk[K_F * SV + v];
    }
    for (int v = SV - 1; v >= 0; v--) {
        if (g->last_end[K_B * SV + v] != NO_TIME) {
            e = g->last_end[K_B * SV + v];
        } else {
            const struct dev_state *ds = &g->ds[sh->dev_of_v[v]];
            int64_t from = ds->end > g->floor_t ? ds->end : g->floor_t;
            int64_t arr = e;
            if (v < SV - 1) {
                arr = g->avail[K_B][(size_t)v * (size_t)M + (size_t)sh->last_b];
                if (arr == NO_TIME)
                    arr = e + sh->last_link[K_B * SV + v + 1];
            }
            e = arr + sh->last_op[K_B * SV + v];
            int64_t own = from + g->remk[K_F * SV + v] + g->remk[K_B * SV + v];
            if (own > e)
                e = own;
        }
        if (e + sh->last_op[K_W * SV + v] > lb)
            lb = e + sh->last_op[K_W * SV + v];
    }
    return lb;
}

/* One greedy run into p (reset here), with g's buffers. cutoff: the run stops as soon as
 * its plan cannot end before it (*pruned set, p incomplete); NO_TIME for none. Returns
 * PS_OK, PS_ENOMEM, or PS_EDEADLOCK (a bug: the memory rules are meant to make it
 * impossible). */
static enum ps_status greedy_run(struct run *g_, struct plan *p, int n_sub, int reserve,
                                 const struct rules *r, int64_t cutoff, bool *pruned)
{
    struct run g = *g_;
    const struct shape *sh = g.sh;
    int S = sh->S, M = sh->M, V = sh->V, SV = sh->SV;
    enum ps_status st = PS_ENOMEM;
    *pruned = false;
    run_reset(&g, n_sub, reserve, r);
    plan_reset(p, sh, n_sub, reserve, r);
    for (int m = 0; m < M; m++)
        g.avail[K_F][m] = 0; /* virtual stage 0: every microbatch ready at time 0 */
    for (int d = 0; d < S; d++)
        g.ds[d].last_full = K_F;
    for (int i = 0; i < 2 * g.P; i++) {
        g.tree[i] = -1;
        g.tkey[i] = NO_TIME;
    }
    for (int d = 0; d < S; d++)
        tree_update(&g, d);
    int64_t lb = 0; /* max over devices of end + rem: only grows */
    int check = 0;

    size_t remaining = 0;
    for (int d = 0; d < S; d++)
        remaining += (size_t)V * (size_t)M * (size_t)n_sub * (sh->has_w[d] ? 3 : 2);
    while (remaining > 0) {
        int d = g.tree[1];
        if (d < 0) {
            st = PS_EDEADLOCK;
            goto done;
        }
        int64_t t = g.tkey[1];
        g.floor_t = t;
        int kind = g.dec[d] / MAX_V, c = g.dec[d] % MAX_V;
        struct dev_state *ds = &g.ds[d];
        int v = sh->v_of[d * V + c], pos = ds->next[kind][c], part = ds->part[kind][c];
        int m = mb_at(sh, kind, pos);
        int64_t dur =
            g.part_ns != NULL
                ? g.part_ns[((size_t)kind * (size_t)SV + (size_t)v) * (size_t)n_sub + (size_t)part]
                : ps_split_ns(op_ns(sh, kind, v, m), part, n_sub);
        size_t dmm = (size_t)d * (size_t)M + (size_t)m;
        if (kind == K_B && part == 0)
            ds->mem += sh->remat[dmm]; /* its R replays the forward */
        if (kind == K_F && part == 0) {
            ds->mem += sh->keep[dmm];
            if (sh->has_dp && m == 0)
                ds->dp_free += sh->ag[d * V + c];
        }
        int64_t end = t + dur;
        ds->end = end;
        g.step++;
        assert(p->n[d] < p->cap[d]);
        p->dev[d][p->n[d]++] = (struct entry){m, (uint8_t)kind, (uint8_t)c, (uint8_t)part};
        if (part == n_sub - 1 && m == sh->last_b && kind == (sh->has_w[d] ? K_W : K_B)) {
            ds->close_end[c] = end;
            ds->close_pos[c] = p->n[d] - 1;
        }
        remaining--;
        g.rem[d] -= dur;
        g.remk[kind * SV + v] -= dur;
        if (end + g.rem[d] > lb)
            lb = end + g.rem[d];
        if (cutoff != NO_TIME && (lb >= cutoff || (++check >= S && run_bound(&g) >= cutoff))) {
            *pruned = true;
            st = PS_OK;
            goto done;
        }
        if (check >= S)
            check = 0;
        if (++ds->part[kind][c] == n_sub) {
            ds->part[kind][c] = 0;
            ds->next[kind][c]++;
            if (pos == M - 1 && kind != K_W)
                g.last_end[kind * SV + v] = end;
            size_t at = (size_t)v * (size_t)M + (size_t)m;
            if (kind == K_F) {
                ds->last_full = K_F;
                if (v == SV - 1) {
                    g.avail[K_B][at] = end;
                    g.seq[K_B][at] = g.step;
                } else {
                    int64_t arr = send(&g, p, K_F, v, m, end);
                    if (arr < 0)
                        goto done;
                    g.avail[K_F][at + (size_t)M] = arr;
                    g.seq[K_F][at + (size_t)M] = g.step;
                    if (sh->dev_of_v[v + 1] != d)
                        tree_update(&g, sh->dev_of_v[v + 1]);
                }
            } else if (kind == K_B) {
                ds->last_full = K_B;
                ds->b_done[c]++;
                if (sh->has_w[d]) {
                    ds->mem -= (1 - sh->w) * sh->a[dmm];
                } else {
                    ds->mem -= sh->a[dmm];
                    ds->next[K_W][c]++; /* no W op: keep the W cursor in step */
                }
                if (v > 0) {
                    int64_t arr = send(&g, p, K_B, v, m, end);
                    if (arr < 0)
                        goto done;
                    g.avail[K_B][at - (size_t)M] = arr;
                    g.seq[K_B][at - (size_t)M] = g.step;
                    if (sh->dev_of_v[v - 1] != d)
                        tree_update(&g, sh->dev_of_v[v - 1]);
                }
            } else {
                ds->mem -= sh->w * sh->a[dmm];
            }
        }
        tree_update(&g, d);
    }
    p->makespan = run_makespan(&g);
    st = PS_OK;
done:
    *g_ = g; /* the channels may have grown */
    return st;
}

/* ---- from a plan to a schedule ------------------------------------------------------- */

static int gcd_int(int a, int b)
{
    while (b != 0) {
        int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The authors' post-processing: each W part moves earlier, past parts of blocks not yet
 * finished, up to the last full-block end or the previous W. Works in place on seq. */
static void move_w_earlier(struct entry *seq, size_t n, int n_sub)
{
    size_t anchor = 0;
    for (size_t i = 0; i < n; i++) {
        struct entry e = seq[i];
        if (e.kind == K_W) {
            memmove(seq + anchor + 1, seq + anchor, (i - anchor) * sizeof *seq);
            seq[anchor] = e;
            anchor++;
        } else if (e.part == n_sub - 1) {
            anchor = i + 1;
        }
    }
}

/* Pushes one device's sequence, merging runs of adjacent parts of one op: an op whose
 * cuts all fall on multiples of g becomes n_sub/g parts (ps_split_ns adds up exactly). */
static enum ps_status push_merged(struct ps_schedule *s, const struct shape *sh, int d,
                                  const struct entry *seq, size_t n, int n_sub, uint8_t *g)
{
    size_t per = (size_t)sh->V * (size_t)sh->M;
    for (size_t i = 0; i < 3 * per; i++)
        g[i] = (uint8_t)n_sub;
    for (size_t i = 0; i < n; i++) {
        const struct entry *e = &seq[i];
        if (e->part == 0)
            continue;
        const struct entry *prev = i > 0 ? &seq[i - 1] : NULL;
        bool adjacent = prev != NULL && prev->kind == e->kind && prev->chunk == e->chunk &&
                        prev->mb == e->mb && prev->part + 1 == e->part;
        if (!adjacent) {
            size_t at = (size_t)e->kind * per + (size_t)e->chunk * (size_t)sh->M + (size_t)e->mb;
            g[at] = (uint8_t)gcd_int(g[at], e->part);
        }
    }
    static const enum ps_op_kind map[3] = {PS_OP_F, PS_OP_B, PS_OP_W};
    for (size_t i = 0; i < n; i++) {
        const struct entry *e = &seq[i];
        size_t at = (size_t)e->kind * per + (size_t)e->chunk * (size_t)sh->M + (size_t)e->mb;
        int gg = g[at];
        if (e->part % gg != 0)
            continue;
        int parts = n_sub / gg;
        if (e->kind == K_B && e->part == 0 && ps_schedule_has_r(s, d, e->mb)) {
            enum ps_status st = ps_schedule_push(s, d, PS_OP_R, e->chunk, e->mb);
            if (st != PS_OK)
                return st;
        }
        enum ps_status st = parts == 1 ? ps_schedule_push(s, d, map[e->kind], e->chunk, e->mb)
                                       : ps_schedule_push_part(s, d, map[e->kind], e->chunk, e->mb,
                                                               e->part / gg, parts);
        if (st != PS_OK)
            return st;
    }
    return PS_OK;
}

/* Builds a schedule from a plan: wmove applies the authors' W step before merging. */
static enum ps_status plan_to_schedule(const struct shape *sh, const struct plan *p, bool wmove,
                                       struct ps_schedule **out)
{
    enum ps_status st = PS_ENOMEM;
    struct ps_schedule *s = ps_schedule_new(sh->sc, "greedy", sh->V, sh->tr, true);
    uint8_t *g = malloc(3 * (size_t)sh->V * (size_t)sh->M);
    size_t maxn = 0;
    for (int d = 0; d < sh->S; d++)
        if (p->n[d] > maxn)
            maxn = p->n[d];
    struct entry *seq = malloc((maxn + 1) * sizeof *seq);
    if (s == NULL || g == NULL || seq == NULL)
        goto fail;
    for (int d = 0; d < sh->S; d++) {
        memcpy(seq, p->dev[d], p->n[d] * sizeof *seq);
        if (wmove)
            move_w_earlier(seq, p->n[d], p->n_sub);
        st = push_merged(s, sh, d, seq, p->n[d], p->n_sub, g);
        if (st != PS_OK)
            goto fail;
    }
    st = ps_schedule_enable_ranks(s);
    if (st != PS_OK)
        goto fail;
    for (int k = 0; k < 2; k++)
        for (int v = 0; v < sh->SV; v++)
            for (int m = 0; m < sh->M; m++) {
                int64_t t = p->xfer_start[xidx(sh, k, v, m)];
                if (t != NO_TIME)
                    s->xfer_rank[ps_xfer_key(s, (enum ps_xfer_kind)k, v, m)] = t;
            }
    free(g);
    free(seq);
    *out = s;
    return PS_OK;
fail:
    free(g);
    free(seq);
    ps_schedule_free(s);
    *out = NULL;
    return st;
}

/* ---- the solver ---------------------------------------------------------------------- */

/* Also declared in solvers/solver.h; repeated so this file stands on its own. */
extern const struct ps_solver ps_solver_greedy;

static const struct ps_param_def greedy_params[] = {
    {"traversal", PS_PARAM_CHOICE, "auto",
     "loop: unidirectional, one chunk (CrossUDSub); wave: V-shape, two chunks (CrossWave); "
     "auto: both, the better wins",
     "auto|loop|wave", 0, 0},
    {"n_sub", PS_PARAM_LIST, "auto",
     "sub-blocks per op, 1..32; auto tries 1, 2 and 4 (1 and 4 past S*M = 512) and keeps "
     "the best; with traversal, rules and reserve auto too, a fixed portfolio of 17 variants "
     "(21 under a memory limit) within a work budget (docs/model.md)",
     NULL, 0, 0},
    {"reserve", PS_PARAM_LIST, "auto",
     "wave: a chunk-0 F starts only with room left for this many chunk-1 F's, 1..64 (1: the "
     "authors' rule; more holds forwards back for the backward's return under latency); "
     "auto tries 1, 2 and 3 when memory is limited",
     NULL, 0, 0},
    {"rules", PS_PARAM_CHOICE, "auto",
     "reading of the priority rules: paper (the authors' code), prio, avail, hidev, btie, look; "
     "auto tries all",
     "auto|paper|prio|avail|hidev|btie|look", 0, 0},
    {"merge", PS_PARAM_CHOICE, "auto",
     "after the greedy: adjacent (merge touching parts only), wmove (the authors' W move "
     "first), auto (the better of the two)",
     "auto|adjacent|wmove", 0, 0},
    {"fixed", PS_PARAM_CHOICE, "auto",
     "auto: the default portfolio also times the fixed families (GPipe, 1F1B, interleaved, "
     "ZB-H1/H2, ZB-V, 1F1B with warm-up) and keeps the best within memory; none: greedy "
     "variants only",
     "auto|none", 0, 0},
};

/* Parses n_sub or reserve: "auto" (0) or an integer 1..max; -1 when invalid. */
static int parse_count(const char *text, int max)
{
    if (text == NULL || strcmp(text, "auto") == 0)
        return 0;
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < 1 || v > max)
        return -1;
    return (int)v;
}

static bool cancelled(const struct ps_solve_ctx *ctx)
{
    return ctx != NULL && ctx->cancel != NULL && atomic_load(ctx->cancel) != 0;
}

/* One variant of the portfolio: a traversal (index into the shapes), a sub-block count,
 * a reading of the rules and the wave's reserve. `rank` orders variants for ties (lower
 * wins): traversal, then n_sub as listed, then the rule table's order, then the reserve. */
struct variant {
    int tr, n_sub, reserve, rank;
    const struct rules *r;
};

/* Per traversal: its shape and the reusable buffers of its runs. */
struct lane {
    struct shape sh;
    struct run g;
    struct plan *p;    /* scratch plan of the current run, NULL until the next one */
    struct plan *best; /* best plan of this traversal, NULL until one */
    int64_t parts;     /* parts of a run with n_sub 1 */
    bool ready;
};

/* The best plan found so far across the portfolio. Plans are compared by their planned
 * makespan: the simulator runs the same orders as soon as possible and the plan starts
 * every op and transmission as soon as its order allows, so the two agree exactly for the
 * adjacent merge (the tests check makespan <= plan on every output). */
struct best {
    int tr; /* -1 none */
    int rank;
    int64_t makespan; /* planned, or simulated for merge=wmove */
    int n_tried;      /* variants run to the end */
    int n_pruned;     /* variants stopped early: they could not win */
    int n_skipped;    /* variants left out: past the work budget */
    int64_t steps;    /* parts placed so far, all runs together */
    int64_t budget;   /* parts the default portfolio may place; 0: no limit */
    bool big;         /* past BUDGET_BIG_SM: runs cut short count in full */
    bool cancelled;   /* the portfolio was cut short by the caller */
};

/* The default portfolio, in the order it runs. On a sweep of 600 random scenarios (S 2..16,
 * M 4..64, 1-4 DCs, latency and transmission 0..2 T_F, memory 1, 1.5, 2 x the 1F1B budget
 * or none, uneven stages) these 17 of the 36 (traversal, n_sub 1/2/4, rules) always
 * included a variant with the best makespan of all 36; the order is a greedy set cover
 * weighted by run time, so the variants that most often give the best come first and the
 * later ones are cut short early (docs/model.md, Greedy). */
static const struct {
    int tr, n_sub;
    const char *rule;
    int reserve;
} default_order[] = {
    {1, 1, "btie", 1},  {0, 1, "btie", 1}, {1, 1, "btie", 2}, {1, 1, "paper", 3},
    {1, 4, "look", 3},  {1, 4, "look", 2}, {0, 2, "btie", 1}, {0, 4, "look", 1},
    {1, 1, "look", 1},  {1, 4, "look", 1}, {0, 1, "look", 1}, {1, 4, "avail", 1},
    {0, 4, "paper", 1}, {1, 2, "look", 1}, {0, 2, "look", 1}, {0, 4, "avail", 1},
    {0, 1, "paper", 1}, {1, 4, "prio", 1}, {1, 2, "btie", 1}, {1, 1, "hidev", 1},
    {1, 4, "hidev", 1},
};
#define N_DEFAULT (sizeof default_order / sizeof default_order[0])

/* The default portfolio's work budget, in parts placed by all its runs together: 24 per
 * (stage, microbatch), and never less than for S*M = 1024 (about 2.5 ms on the reference
 * machine). The first variant always runs; a later one is left out when its full run would
 * pass the budget (runs cut short count what they placed). Deterministic: it counts work,
 * not time. */
#define BUDGET_PER_SM 24
#define BUDGET_MIN_SM 1024
/* Past this many (stage, microbatch) pairs the budget grows by only BUDGET_BIG_PER_SM,
 * enough for the wave's and the loop's n_sub=1 runs (6 + 3 parts per pair; the loop's with
 * the look rules, BIG_LOOP: its index in default_order), and a run cut short counts as a
 * full one, so these two are all that run, whatever the pruning. The one likelier to win
 * runs first, so that the other is cut short early: the loop when the memory limit is at
 * least a quarter of the 1F1B budget, else the wave. At S=512, M=1024 (the default preset's
 * times) the loop wins by 38-43% with the limit at 512 down to 256, the two are within 2%
 * at 128, and the wave wins by 25-38% at 64 down to 8; at 512 the wave is cut short after
 * an eighth of its parts, at 8 the loop at its first bound check. */
#define BUDGET_BIG_SM 16384
/* The reserve variants with ops in parts run up to this many (stage, microbatch) pairs:
 * they won on the 8-stage M70 presets (128 pairs) and cost 4 times the n_sub=1 runs. */
#define RESERVE_PARTS_SM 2048
#define BUDGET_BIG_PER_SM 9
#define BIG_LOOP 10
/* Past this many (stage, microbatch) pairs the fixed families run on a second thread. */
#define FIXED_THREAD_SM 16384

static int64_t budget_of(int64_t sm)
{
    if (sm <= BUDGET_BIG_SM)
        return BUDGET_PER_SM * (sm > BUDGET_MIN_SM ? sm : BUDGET_MIN_SM);
    return BUDGET_PER_SM * BUDGET_BIG_SM + BUDGET_BIG_PER_SM * (sm - BUDGET_BIG_SM);
}

static const struct rules *rule_find(const char *name)
{
    for (size_t i = 0; i < N_RULES; i++)
        if (strcmp(rule_table[i].name, name) == 0)
            return &rule_table[i];
    return NULL;
}

static int rank_of(int tr, int sub_i, const struct rules *r, int reserve)
{
    return ((tr * 64 + sub_i) * 16 + (int)(r - rule_table)) * (MAX_RESERVE + 1) + reserve;
}

static int sub_index(int n_sub)
{
    return n_sub == 1 ? 0 : n_sub == 2 ? 1 : n_sub == 4 ? 2 : 3 + n_sub;
}

static enum ps_status lane_ready(struct lane *ln, const struct ps_scenario *sc,
                                 enum ps_traversal tr, int max_sub)
{
    if (ln->ready)
        return PS_OK;
    enum ps_status st = shape_init(&ln->sh, sc, tr);
    if (st != PS_OK)
        return st;
    st = run_alloc(&ln->g, &ln->sh, max_sub);
    if (st == PS_OK) {
        ln->p = plan_new(&ln->sh, max_sub);
        if (ln->p == NULL) {
            run_free(&ln->g);
            st = PS_ENOMEM;
        }
    }
    if (st != PS_OK) {
        shape_fini(&ln->sh);
        return st;
    }
    ln->parts = 0;
    for (int d = 0; d < ln->sh.S; d++)
        ln->parts += (int64_t)ln->sh.V * ln->sh.M * (ln->sh.has_w[d] ? 3 : 2);
    ln->ready = true;
    return PS_OK;
}

static void lane_fini(struct lane *ln)
{
    if (!ln->ready)
        return;
    plan_free(ln->p, ln->sh.S);
    plan_free(ln->best, ln->sh.S);
    run_free(&ln->g);
    shape_fini(&ln->sh);
    ln->ready = false;
}

/* The simulated makespan of a plan's W-moved form (-1 when it breaks the memory limit). */
static enum ps_status wmove_makespan(const struct shape *sh, const struct plan *p, int64_t *out,
                                     struct ps_schedule **keep, struct ps_diag *d)
{
    struct ps_schedule *s = NULL;
    enum ps_status st = plan_to_schedule(sh, p, true, &s);
    if (st != PS_OK)
        return ps_diag_set(d, st, "", "out of memory");
    st = ps_sim_time(s, d);
    *out = st == PS_OK && s->memory_ok ? s->makespan_ns : -1;
    if (keep != NULL && st == PS_OK)
        *keep = s;
    else
        ps_schedule_free(s);
    return st;
}

/* Runs the variants in order, keeping the best (ties: the lower rank, so the order they run
 * in does not change the result). With by_wmove the W-moved form of every plan is
 * simulated and compared; else plans are compared and a run stops as soon as it cannot
 * win. A variant whose full run would pass the budget is left out. */
static enum ps_status search(struct lane *lanes, const struct variant *vs, int n, bool by_wmove,
                             const struct ps_solve_ctx *ctx, struct best *b, struct ps_diag *d)
{
    for (int i = 0; i < n; i++) {
        if (b->tr >= 0 && cancelled(ctx)) {
            b->cancelled = true;
            return PS_OK;
        }
        const struct variant *v = &vs[i];
        struct lane *ln = &lanes[v->tr];
        if (b->tr >= 0 && b->budget > 0 && b->steps + ln->parts * v->n_sub > b->budget) {
            b->n_skipped++;
            continue;
        }
        if (ln->p == NULL && (ln->p = plan_new(&ln->sh, ln->g.max_sub)) == NULL)
            return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
        int64_t cutoff = NO_TIME;
        if (b->tr >= 0 && !by_wmove)
            cutoff = v->rank < b->rank ? b->makespan + 1 : b->makespan;
        bool pruned = false;
        enum ps_status st = greedy_run(&ln->g, ln->p, v->n_sub, v->reserve, v->r, cutoff, &pruned);
        /* past BUDGET_BIG_SM a run cut short counts in full (see there) */
        b->steps += pruned && b->big ? ln->parts * v->n_sub : ln->g.step;
        if (st != PS_OK)
            return ps_diag_set(d, st, "", "greedy (n_sub %d, rules %s) failed: %s", v->n_sub,
                               v->r->name, ps_status_str(st));
        if (pruned) {
            b->n_pruned++;
            continue;
        }
        b->n_tried++;
        int64_t ms = ln->p->makespan;
        if (by_wmove) {
            st = wmove_makespan(&ln->sh, ln->p, &ms, NULL, d);
            if (st != PS_OK)
                return st;
            if (ms < 0)
                continue;
        }
        if (b->tr >= 0 && (ms > b->makespan || (ms == b->makespan && v->rank > b->rank)))
            continue;
        /* the run's plan becomes the lane's best; the old best, if any, its scratch */
        struct plan *won = ln->p;
        ln->p = ln->best;
        ln->best = won;
        b->tr = v->tr;
        b->rank = v->rank;
        b->makespan = ms;
    }
    return PS_OK;
}

/* The memory the greedy needs to make progress on a device: one microbatch at a time (its
 * whole activations, one F per chunk), or for a sequence cut into token slices all of its
 * slices (its first B needs every one forwarded), each as much as its F keeps, plus the
 * room kept for the largest replay (R). */
static double one_unit_need(const struct ps_scenario *sc)
{
    double need = 0;
    int M = sc->n_microbatches;
    for (int d = 0; d < sc->n_stages; d++) {
        double rmax = 0;
        for (int m = 0; m < M; m++)
            rmax = fmax(rmax, ps_scenario_recompute_memory(sc, d, m));
        for (int a = 0; a < M;) {
            double unit = 0;
            int b = a;
            do {
                unit += ps_scenario_stage_memory(sc, d, b) - ps_scenario_recompute_memory(sc, d, b);
                b++;
            } while (b < M && ps_scenario_continues(sc, b));
            need = fmax(need, unit + rmax);
            a = b;
        }
    }
    return need;
}

/* What the caller asked for. */
struct request {
    int n_sub;   /* 0: auto */
    int reserve; /* 0: auto */
    const char *rules;
    bool auto_rules, auto_trav, by_wmove, try_wmove, fixed;
    bool portfolio; /* nothing fixed: the default portfolio and its work budget */
    bool use_tr[2];
};

static enum ps_status read_request(const struct ps_scenario *sc, const struct ps_params *params,
                                   struct request *q, struct ps_diag *d)
{
    const struct ps_solver *sv = &ps_solver_greedy;
    const char *trav = ps_params_get(sv, params, "traversal");
    q->n_sub = parse_count(ps_params_get(sv, params, "n_sub"), MAX_NSUB);
    if (q->n_sub < 0)
        return ps_diag_set(d, PS_EINVAL, "param.n_sub", "must be auto or an integer 1..%d (got %s)",
                           MAX_NSUB, ps_params_get(sv, params, "n_sub"));
    q->reserve = parse_count(ps_params_get(sv, params, "reserve"), MAX_RESERVE);
    if (q->reserve < 0)
        return ps_diag_set(d, PS_EINVAL, "param.reserve",
                           "must be auto or an integer 1..%d (got %s)", MAX_RESERVE,
                           ps_params_get(sv, params, "reserve"));
    q->rules = ps_params_get(sv, params, "rules");
    const char *merge = ps_params_get(sv, params, "merge");
    const char *fixed = ps_params_get(sv, params, "fixed");
    q->auto_rules = q->rules == NULL || strcmp(q->rules, "auto") == 0;
    q->auto_trav = trav == NULL || strcmp(trav, "auto") == 0;
    q->by_wmove = merge != NULL && strcmp(merge, "wmove") == 0;
    q->try_wmove = merge == NULL || strcmp(merge, "adjacent") != 0;
    /* the fixed families join the default portfolio only */
    q->portfolio = q->auto_trav && q->auto_rules && q->n_sub == 0 && q->reserve == 0;
    q->fixed = (fixed == NULL || strcmp(fixed, "auto") == 0) && q->portfolio;
    q->use_tr[0] = q->auto_trav || strcmp(trav, "loop") == 0;
    q->use_tr[1] = q->auto_trav || strcmp(trav, "wave") == 0;
    if (ps_scenario_has_slices(sc)) {
        /* the wave's memory rule keeps room for one chunk-1 F; a sliced sequence needs all
         * of its slices' through both chunks on device 0, so only the loop is safe */
        if (!q->use_tr[0])
            return ps_diag_set(d, PS_EUNSUPPORTED, "param.traversal",
                               "wave has no deadlock-free memory rule for token slices (a "
                               "sliced workload): use loop or auto");
        q->use_tr[1] = false;
    }
    return PS_OK;
}

/* The variants to run: the default portfolio when nothing is fixed, else every combination
 * of what is allowed (n_sub auto: 1, 2, 4; past S*M = 512: 1 with every rule and 4 with
 * paper and look). Returns how many. */
static int build_variants(const struct ps_scenario *sc, const struct request *q, struct variant *vs)
{
    int nv = 0;
    if (q->portfolio) {
        /* large pipelines: the loop's n_sub=1 look (the best loop there) and the wave's
         * n_sub=1 btie run first, the likelier winner of the two first */
        bool big = (int64_t)sc->n_stages * sc->n_microbatches > BUDGET_BIG_SM;
        bool loop_first =
            !sc->has_memory_limit || 4 * sc->memory_limit >= ps_scenario_1f1b_budget(sc);
        for (size_t j = 0; j < N_DEFAULT; j++) {
            size_t i = !big || j == 0 ? j : j == 1 ? BIG_LOOP : j <= BIG_LOOP ? j - 1 : j;
            if (big && loop_first && j < 2)
                i = j == 0 ? BIG_LOOP : 0;
            if (!q->use_tr[default_order[i].tr])
                continue; /* sliced workloads: loop only */
            int res = default_order[i].reserve;
            if (res > 1 && (big || !sc->has_memory_limit))
                continue; /* a reserve changes nothing without a limit */
            if (res > 1 && default_order[i].n_sub > 1 &&
                (int64_t)sc->n_stages * sc->n_microbatches > RESERVE_PARTS_SM)
                continue; /* the costly ones: where they won, up to here */
            const struct rules *r = rule_find(default_order[i].rule);
            int k = default_order[i].n_sub, tr = default_order[i].tr;
            vs[nv++] = (struct variant){tr, k, res, rank_of(tr, sub_index(k), r, res), r};
        }
        return nv;
    }
    int subs[3] = {1, 2, 4}, n_subs = 3;
    if (q->n_sub > 0)
        subs[0] = q->n_sub, n_subs = 1;
    /* the wave's reserves (the loop has no chunk 1) */
    int res[3] = {1, 2, 3}, n_res = sc->has_memory_limit ? 3 : 1;
    if (q->reserve > 0)
        res[0] = q->reserve, n_res = 1;
    bool big =
        q->n_sub == 0 && q->auto_rules && (long)sc->n_stages * (long)sc->n_microbatches > 512;
    for (int t = 0; t < 2; t++) {
        if (!q->use_tr[t])
            continue;
        for (int i = 0; i < n_subs; i++) {
            if (big && i == 1)
                continue;
            for (size_t j = 0; j < N_RULES; j++) {
                const struct rules *r = &rule_table[j];
                if (!q->auto_rules && strcmp(q->rules, r->name) != 0)
                    continue;
                if (big && i == 2 && j != 0 && j != N_RULES - 1)
                    continue;
                for (int e = 0; e < (t == 1 ? n_res : 1); e++)
                    vs[nv++] = (struct variant){t, subs[i], res[e],
                                                rank_of(t, sub_index(subs[i]), r, res[e]), r};
            }
        }
    }
    return nv;
}

/* The schedule of the best variant (the authors' W move on it kept when not slower). */
static enum ps_status best_schedule(struct lane *lanes, struct best *b, const struct request *q,
                                    bool *wmove, struct ps_schedule **out, struct ps_diag *d)
{
    const struct lane *ln = &lanes[b->tr];
    struct ps_schedule *s = NULL;
    enum ps_status st = PS_OK;
    *wmove = q->by_wmove;
    if (!q->by_wmove && q->try_wmove && ln->best->n_sub > 1) {
        int64_t ms = -1;
        struct ps_schedule *ws = NULL;
        st = wmove_makespan(&ln->sh, ln->best, &ms, &ws, d);
        *wmove = st == PS_OK && ms >= 0 && ms <= b->makespan;
        if (*wmove) {
            b->makespan = ms;
            s = ws; /* already built: the caller times it again */
        } else {
            ps_schedule_free(ws);
        }
    }
    if (st == PS_OK && s == NULL) {
        st = plan_to_schedule(&ln->sh, ln->best, *wmove, &s);
        if (st != PS_OK)
            ps_diag_set(d, st, "", "out of memory");
    }
    *out = s;
    return st;
}

/* The winner's parameters replace "auto", so running them again gives this schedule; a
 * fixed family that beat every variant is the answer, named in `variant` and `fixed` (the
 * parameters stay auto: running them again times the families again). */
static void record_result(struct ps_schedule *s, const struct lane *lanes, const struct best *b,
                          bool wmove, const struct greedy_fixed *fx, bool family)
{
    const struct plan *p = b->tr >= 0 ? lanes[b->tr].best : NULL;
    char variant[240], val[32];
    if (p != NULL && !family) {
        const char *tname = ps_traversal_str(lanes[b->tr].sh.tr);
        ps_schedule_set_param(s, "traversal", tname);
        snprintf(val, sizeof val, "%d", p->n_sub);
        ps_schedule_set_param(s, "n_sub", val);
        snprintf(val, sizeof val, "%d", p->reserve);
        ps_schedule_set_param(s, "reserve", val);
        ps_schedule_set_param(s, "rules", p->r->name);
        ps_schedule_set_param(s, "merge", wmove ? "wmove" : "adjacent");
    }
    /* a family's plan is its timed schedule */
    snprintf(val, sizeof val, "%.6f",
             ps_ns_to_ms(family || p == NULL ? s->makespan_ns : p->makespan));
    ps_schedule_set_param(s, "planned_ms", val);
    if (family) {
        snprintf(variant, sizeof variant,
                 "fixed family %s, shorter than the best of %d greedy variants (%d more cut "
                 "short, %d skipped; %d families timed or bounded, %d over the memory limit)",
                 fx->family, b->n_tried, b->n_pruned, b->n_skipped, fx->n_tried, fx->n_over);
    } else {
        char resv[24] = "";
        if (lanes[b->tr].sh.V == 2)
            snprintf(resv, sizeof resv, " reserve=%d", p->reserve);
        snprintf(variant, sizeof variant,
                 "traversal=%s n_sub=%d rules=%s%s merge=%s (best of %d, %d more cut short, %d "
                 "skipped; %d fixed families timed or bounded, %d over memory)",
                 ps_traversal_str(lanes[b->tr].sh.tr), p->n_sub, p->r->name, resv,
                 wmove ? "wmove" : "adjacent", b->n_tried, b->n_pruned, b->n_skipped, fx->n_tried,
                 fx->n_over);
    }
    ps_schedule_set_param(s, "variant", variant);
    ps_schedule_set_param(s, "fixed", family ? fx->family : "none");
}

/* Runs the portfolio's greedy variants (and its fixed families when asked), keeps the best. */
static enum ps_status run_portfolio(const struct ps_scenario *sc, const struct request *q,
                                    const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                                    struct ps_diag *d)
{
    struct variant vs[4 * 3 * N_RULES + N_DEFAULT];
    int nv = build_variants(sc, q, vs), max_sub = 1;
    for (int i = 0; i < nv; i++)
        max_sub = vs[i].n_sub > max_sub ? vs[i].n_sub : max_sub;
    enum ps_traversal travs[2] = {PS_TRAVERSAL_LOOP, PS_TRAVERSAL_WAVE};
    struct lane lanes[2];
    memset(lanes, 0, sizeof lanes);
    struct best b = {.tr = -1};
    int64_t sm = (int64_t)sc->n_stages * sc->n_microbatches;
    if (q->portfolio) {
        b.budget = budget_of(sm);
        b.big = sm > BUDGET_BIG_SM;
    }
    struct greedy_fixed fx;
    memset(&fx, 0, sizeof fx);
    if (q->fixed) /* large pipelines: on a second thread, while the variants run here */
        greedy_fixed_start(&fx, sc, ctx, sm > FIXED_THREAD_SM);
    enum ps_status st = PS_OK;
    for (int t = 0; t < 2 && st == PS_OK; t++)
        if (q->use_tr[t]) {
            st = lane_ready(&lanes[t], sc, travs[t], max_sub);
            if (st != PS_OK)
                ps_diag_set(d, st, "", "out of memory");
        }
    /* the wave's reserve variants bring their own budget: the others keep theirs */
    for (int i = 0; i < nv && st == PS_OK && b.budget > 0; i++)
        if (vs[i].reserve > 1)
            b.budget += lanes[vs[i].tr].parts * vs[i].n_sub;
    if (st == PS_OK)
        st = search(lanes, vs, nv, q->by_wmove, ctx, &b, d);
    /* the greedy's schedule is built while the families may still run; then the caller takes
     * the families left */
    struct ps_schedule *s = NULL;
    bool wmove = false;
    if (st == PS_OK && b.tr >= 0) {
        greedy_fixed_greedy_done(&fx, b.makespan);
        st = best_schedule(lanes, &b, q, &wmove, &s, d);
    }
    if (st == PS_OK)
        greedy_fixed_help(&fx);
    greedy_fixed_finish(&fx);
    if (st == PS_OK && b.tr < 0 && fx.best == NULL)
        st = ps_diag_set(d, PS_EINVAL, "", "no greedy variant selected");
    /* a fixed family wins only when strictly shorter: ties go to the greedy's own plan */
    bool family = st == PS_OK && fx.best != NULL && (b.tr < 0 || fx.best->makespan_ns < b.makespan);
    if (family) {
        ps_schedule_free(s);
        s = fx.best;
        fx.best = NULL;
        snprintf(s->name, sizeof s->name, "greedy");
        s->solver.n_params = 0; /* the family's own parameters are not the greedy's */
        b.makespan = s->makespan_ns;
    }
    if (st == PS_OK) {
        record_result(s, lanes, &b, wmove, &fx, family);
        s->solver.status = b.cancelled ? PS_SOLVE_CANCELLED : PS_SOLVE_HEURISTIC;
        if (b.cancelled)
            snprintf(s->solver.error, sizeof s->solver.error,
                     "cancelled: best of the %d variants tried so far", b.n_tried + b.n_pruned);
        s->solver.objective_ns = b.makespan;
    }
    greedy_fixed_fini(&fx);
    for (int t = 0; t < 2; t++)
        lane_fini(&lanes[t]);
    *out = s;
    return st;
}

static enum ps_status greedy_generate(const struct ps_scenario *sc, const struct ps_params *params,
                                      const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                                      struct ps_diag *d)
{
    *out = NULL;
    double t0 = now_ms();
    struct request q;
    enum ps_status st = read_request(sc, params, &q, d);
    if (st != PS_OK)
        return st;
    int first_tr = q.use_tr[0] ? 0 : 1;
    double need = one_unit_need(sc);
    if (sc->has_memory_limit && need > sc->memory_limit + MEM_EPS) {
        enum ps_traversal tr = first_tr == 1 ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
        struct ps_schedule *s = ps_schedule_new(sc, "greedy", first_tr == 1 ? 2 : 1, tr, true);
        if (s == NULL)
            return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
        s->solver.status = PS_SOLVE_INFEASIBLE;
        snprintf(s->solver.error, sizeof s->solver.error,
                 "memory limit %g units is below the %g units one microbatch needs on a device "
                 "(its activations from one F per chunk; a sliced sequence: all its slices, "
                 "and room for the largest replay)",
                 sc->memory_limit, need);
        *out = s;
        return PS_OK;
    }
    st = run_portfolio(sc, &q, ctx, out, d);
    if (st == PS_OK)
        (*out)->solver.solve_ms = now_ms() - t0;
    return st;
}

const struct ps_solver ps_solver_greedy = {
    .name = "greedy",
    .summary = "CrossPipe's greedy: sub-blocks, earliest-ready device, link gap filling",
    .split_backward = true,
    .traversals = PS_TRAV_LOOP_BIT | PS_TRAV_WAVE_BIT,
    .min_chunks = 1,
    .max_chunks = 2,
    .slow = false,
    .adaptive = true,
    .params = greedy_params,
    .n_params = sizeof greedy_params / sizeof greedy_params[0],
    .generate = greedy_generate,
};
