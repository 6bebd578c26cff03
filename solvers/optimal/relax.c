/* The one-device relaxation (docs/model.md, "One-device bound"): every device but one may
 * run any number of ops at once. What is left is one machine, its ops with their heads and
 * tails, the least time between the starts of two of them that a path through the rest
 * forces (a "lag"), its memory limit, and the channels that carry one stream (their order
 * is then the microbatch order): a transmission starts when the channel is free and the
 * lags from the machine's ops say its sender has ended, and holds back the machine's ops
 * after its receiver. Channels with two streams send at once. Every whole-op schedule of
 * the shape is a schedule of the relaxation, so the relaxation's optimum bounds the shape.
 * A small branch-and-bound over the machine's sequence finds it: it appends one op at a
 * time at its earliest start, cuts with Jackson's preemptive bound on the machine and on
 * every channel (heads raised along the lags and by the memory limit), runs a free first
 * where it fits in the idle time before a candidate, and remembers the partial sequences
 * searched before. */
#include "solvers/optimal/internal.h"

#include <stdlib.h>
#include <string.h>

/* A partial sequence's memo entry: the placed set, then the machine's end, the placed
 * ops' latest start + duration + tail, every unplaced op's earliest start, every timed
 * channel's end and the release so far of every transmission not timed yet. */
struct rent {
    int32_t next;
    size_t vals; /* offset in `vals`: words of the set (as int64), then 2 + unplaced */
    uint64_t hash;
};

struct relax {
    struct model *m; /* mutable for its time limit and cancel (opt_out_of_budget) only */
    int d, n, words;
    int *id; /* model op per local op, in topological order */
    int64_t *dur, *tail, *head;
    double *alloc;
    bool *is_f;
    int64_t *lag;   /* n*n: least start-to-start time from i to k, -1: i does not precede k */
    int *npred;     /* local predecessors not placed */
    int64_t *start; /* -1 while not placed */
    int64_t *rel;   /* per depth: n earliest starts from the placed ops (and heads) */
    int64_t *r;     /* the bound's heads (scratch) */
    int *cand;      /* per depth: n candidates */
    int64_t *cest;
    struct opt_jjob *jj;
    int *heap;
    uint64_t *set, *zob;
    uint64_t hash;
    int placed;
    int64_t end, done;
    double mem, limit;
    bool has_limit;
    int64_t cut, found, grid; /* nothing at or past cut is looked for; the sequence found */
    int64_t (*cutoff)(void *);
    void *user;
    long nodes, nodes_here, node_limit;
    bool aborted;
    /* memo */
    int32_t *bucket;
    uint64_t mask;
    struct rent *ents;
    size_t n_ents, cap_ents;
    int64_t *vals;
    size_t n_vals, cap_vals, max_vals;
    int64_t *sig; /* a signature per depth */
    size_t stride;
    /* the channels with transmission time, their transmissions channel by channel (in
     * sending order where timed): channel c's are [ch_first[c], ch_first[c + 1]) */
    int nch, nx;
    int *ch_first;
    bool *timed;   /* the channel carries one stream: timed (else only bounded) */
    int64_t *xtx;  /* transmission time */
    int64_t *xin;  /* n*nx: least time from op i's start to x's release (its sender's end) */
    int64_t *xout; /* nx*n: least time from x's end to op k's start, -1 none */
    int64_t *xq;   /* least time from x's end to the makespan */
    int *xpred;    /* ops of the machine, not placed, before x's sender */
    int *xp_first, *xp_op; /* those ops, CSR by transmission, with xin as xp_lag */
    int64_t *xp_lag;
    int *xid;       /* the model's transfer */
    int64_t *xrel;  /* per depth: nx releases from the placed ops and the heads */
    int *ntimed;    /* per depth: nch transmissions timed, a prefix of each channel */
    int64_t *chend; /* per depth: nch channel ends */
};

/* dist[o]: the longest path from src's start to o's start over the edges (CSR by sender,
 * pos[o]: o's place in the topological order), -1 where none. */
static void longest_from(const struct model *m, const int *first, const int *to,
                         const int64_t *delay, const int *pos, int src, int64_t *dist)
{
    for (int k = 0; k < m->n_live; k++)
        dist[m->topo[k]] = -1;
    dist[src] = 0;
    for (int k = pos[src]; k < m->n_live; k++) {
        int o = m->topo[k];
        if (dist[o] < 0)
            continue;
        for (int e = first[o]; e < first[o + 1]; e++)
            if (dist[o] + delay[e] > dist[to[e]])
                dist[to[e]] = dist[o] + delay[e];
    }
}

/* Lags from every op of device d to every other, by longest paths over the whole graph
 * (the other devices and the channels never wait). */
static enum ps_status lags(struct relax *x)
{
    const struct model *m = x->m;
    int N = m->n_ops;
    int *first = calloc((size_t)N + 1, sizeof *first), *to = NULL;
    int64_t *delay = NULL, *dist = NULL;
    to = malloc(((size_t)m->n_edges + 1) * sizeof *to);
    delay = malloc(((size_t)m->n_edges + 1) * sizeof *delay);
    dist = malloc((size_t)N * sizeof *dist);
    int *pos = malloc((size_t)N * sizeof *pos);
    enum ps_status st = PS_ENOMEM;
    if (first == NULL || to == NULL || delay == NULL || dist == NULL || pos == NULL)
        goto out;
    for (int e = 0; e < m->n_edges; e++)
        first[m->edges[e].from + 1]++;
    for (int i = 0; i < N; i++)
        first[i + 1] += first[i];
    int *fill = calloc((size_t)N, sizeof *fill);
    if (fill == NULL)
        goto out;
    for (int e = 0; e < m->n_edges; e++) {
        int a = m->edges[e].from, k = first[a] + fill[a]++;
        to[k] = m->edges[e].to;
        delay[k] = m->edges[e].delay;
    }
    free(fill);
    for (int k = 0; k < m->n_live; k++)
        pos[m->topo[k]] = k;
    for (int i = 0; i < x->n; i++) {
        longest_from(m, first, to, delay, pos, x->id[i], dist);
        for (int k = 0; k < x->n; k++)
            x->lag[(size_t)i * (size_t)x->n + (size_t)k] = k == i ? -1 : dist[x->id[k]];
        for (int t = 0; t < x->nx; t++) {
            int u = m->xfers[x->xid[t]].from;
            x->xin[(size_t)i * (size_t)x->nx + (size_t)t] =
                dist[u] >= 0 ? dist[u] + m->ops[u].dur : -1;
        }
    }
    for (int t = 0; t < x->nx; t++) {
        const struct mxfer *xf = &m->xfers[x->xid[t]];
        longest_from(m, first, to, delay, pos, xf->to, dist);
        for (int k = 0; k < x->n; k++)
            x->xout[(size_t)t * (size_t)x->n + (size_t)k] =
                dist[x->id[k]] >= 0 ? xf->lat + dist[x->id[k]] : -1;
        const struct mop *v = &m->ops[xf->to];
        x->xq[t] = xf->lat + v->dur + v->tail;
        x->xtx[t] = xf->tx;
        x->xrel[t] = m->ops[xf->from].head + m->ops[xf->from].dur;
    }
    for (int k = 0; k < x->n; k++)
        for (int i = 0; i < x->n; i++)
            if (x->lag[(size_t)i * (size_t)x->n + (size_t)k] >= 0)
                x->npred[k]++;
    for (int t = 0; t < x->nx; t++)
        for (int i = 0; i < x->n; i++)
            if (x->xin[(size_t)i * (size_t)x->nx + (size_t)t] >= 0)
                x->xpred[t]++;
    x->xp_first = calloc((size_t)x->nx + 1, sizeof *x->xp_first);
    if (x->xp_first == NULL)
        goto out;
    for (int t = 0; t < x->nx; t++)
        x->xp_first[t + 1] = x->xp_first[t] + x->xpred[t];
    x->xp_op = malloc(((size_t)x->xp_first[x->nx] + 1) * sizeof *x->xp_op);
    x->xp_lag = malloc(((size_t)x->xp_first[x->nx] + 1) * sizeof *x->xp_lag);
    if (x->xp_op == NULL || x->xp_lag == NULL)
        goto out;
    for (int t = 0, k = 0; t < x->nx; t++)
        for (int i = 0; i < x->n; i++) {
            int64_t l = x->xin[(size_t)i * (size_t)x->nx + (size_t)t];
            if (l >= 0) {
                x->xp_op[k] = i;
                x->xp_lag[k++] = l;
            }
        }
    st = PS_OK;
out:
    free(first);
    free(to);
    free(delay);
    free(dist);
    free(pos);
    return st;
}

static enum ps_status setup_channels(struct relax *x)
{
    const struct model *m = x->m;
    x->ch_first = calloc((size_t)m->n_chans + 2, sizeof *x->ch_first);
    if (x->ch_first == NULL)
        return PS_ENOMEM;
    x->timed = calloc((size_t)m->n_chans + 1, sizeof *x->timed);
    if (x->timed == NULL)
        return PS_ENOMEM;
    /* the channels of one stream first: they are timed; the others only bound */
    for (int pass = 0; pass < 2; pass++)
        for (int c = 0; c < m->n_chans; c++)
            if (m->chan_n[c] > 0 && opt_chan_one_stream(m, c) == (pass == 0)) {
                x->timed[x->nch] = pass == 0;
                x->nx += m->chan_n[c];
                x->ch_first[++x->nch] = x->nx;
            }
    size_t nx = (size_t)x->nx + 1, nn = (size_t)x->n + 1, nc = (size_t)x->nch + 1;
    x->xid = malloc(nx * sizeof *x->xid);
    x->xtx = malloc(nx * sizeof *x->xtx);
    x->xin = malloc(nn * nx * sizeof *x->xin);
    x->xout = malloc(nx * nn * sizeof *x->xout);
    x->xq = malloc(nx * sizeof *x->xq);
    x->xpred = calloc(nx, sizeof *x->xpred);
    x->xrel = malloc(nn * nx * sizeof *x->xrel);
    x->ntimed = calloc(nn * nc, sizeof *x->ntimed);
    x->chend = calloc(nn * nc, sizeof *x->chend);
    if (x->xid == NULL || x->xtx == NULL || x->xin == NULL || x->xout == NULL || x->xq == NULL ||
        x->xpred == NULL || x->xrel == NULL || x->ntimed == NULL || x->chend == NULL)
        return PS_ENOMEM;
    int t = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int c = 0; c < m->n_chans; c++)
            if (m->chan_n[c] > 0 && opt_chan_one_stream(m, c) == (pass == 0)) {
                /* chan_x lists a stream in microbatch order (transfers are made mb by mb) */
                for (int i = 0; i < m->chan_n[c]; i++)
                    x->xid[t++] = m->chan_x[c][i];
            }
    return PS_OK;
}

static enum ps_status setup(struct relax *x)
{
    const struct model *m = x->m;
    int n = x->n = m->dev_n[x->d];
    size_t nn = (size_t)n + 1;
    if (setup_channels(x) != PS_OK)
        return PS_ENOMEM;
    x->id = malloc(nn * sizeof *x->id);
    x->dur = malloc(nn * sizeof *x->dur);
    x->tail = malloc(nn * sizeof *x->tail);
    x->head = malloc(nn * sizeof *x->head);
    x->alloc = malloc(nn * sizeof *x->alloc);
    x->is_f = malloc(nn * sizeof *x->is_f);
    x->lag = malloc(nn * nn * sizeof *x->lag);
    x->npred = calloc(nn, sizeof *x->npred);
    x->start = malloc(nn * sizeof *x->start);
    x->rel = malloc(nn * nn * sizeof *x->rel);
    x->r = malloc(nn * sizeof *x->r);
    x->cand = malloc(nn * nn * sizeof *x->cand);
    x->cest = malloc(nn * nn * sizeof *x->cest);
    size_t nj = nn > (size_t)x->nx + 1 ? nn : (size_t)x->nx + 1; /* a machine or a channel */
    x->jj = malloc(nj * sizeof *x->jj);
    x->heap = malloc(nj * sizeof *x->heap);
    x->words = (n + 63) / 64;
    x->set = calloc((size_t)x->words + 1, sizeof *x->set);
    x->zob = malloc(nn * sizeof *x->zob);
    x->stride = (size_t)x->words + 2 + nn + (size_t)x->nch + (size_t)x->nx;
    x->sig = malloc(nn * x->stride * sizeof *x->sig);
    x->mask = ((uint64_t)1 << 16) - 1;
    x->bucket = malloc(((size_t)x->mask + 1) * sizeof *x->bucket);
    if (x->id == NULL || x->dur == NULL || x->tail == NULL || x->head == NULL || x->alloc == NULL ||
        x->is_f == NULL || x->lag == NULL || x->npred == NULL || x->start == NULL ||
        x->rel == NULL || x->r == NULL || x->cand == NULL || x->cest == NULL || x->jj == NULL ||
        x->heap == NULL || x->set == NULL || x->zob == NULL || x->sig == NULL || x->bucket == NULL)
        return PS_ENOMEM;
    memset(x->bucket, 0xff, ((size_t)x->mask + 1) * sizeof *x->bucket);
    opt_zobrist(x->zob, n);
    for (int i = 0; i < n; i++) {
        int o = m->dev_op[x->d][i]; /* dev_op is in topological order */
        const struct mop *op = &m->ops[o];
        x->id[i] = o;
        x->dur[i] = op->dur;
        x->tail[i] = op->tail;
        x->head[i] = op->head;
        if (op->kind == PS_OP_F && x->head[i] < m->ag_end[x->d][op->chunk])
            x->head[i] = m->ag_end[x->d][op->chunk];
        x->alloc[i] = op->alloc;
        x->is_f[i] = op->kind == PS_OP_F;
        x->start[i] = -1;
        x->rel[i] = x->head[i];
    }
    x->has_limit = m->sc->has_memory_limit;
    x->limit = m->sc->memory_limit;
    return lags(x);
}

static void teardown(struct relax *x)
{
    free(x->id);
    free(x->dur);
    free(x->tail);
    free(x->head);
    free(x->alloc);
    free(x->is_f);
    free(x->lag);
    free(x->npred);
    free(x->start);
    free(x->rel);
    free(x->r);
    free(x->cand);
    free(x->cest);
    free(x->jj);
    free(x->heap);
    free(x->set);
    free(x->zob);
    free(x->sig);
    free(x->bucket);
    free(x->ents);
    free(x->vals);
    free(x->ch_first);
    free(x->timed);
    free(x->xid);
    free(x->xtx);
    free(x->xin);
    free(x->xout);
    free(x->xq);
    free(x->xpred);
    free(x->xp_first);
    free(x->xp_op);
    free(x->xp_lag);
    free(x->xrel);
    free(x->ntimed);
    free(x->chend);
}

/* Times, at depth p, every transmission whose release is known (no op of the machine
 * before its sender is left) once the ones before it on its channel are timed: it starts
 * when the channel is free, and the machine's ops after its receiver wait for it. */
static void advance(struct relax *x, int p)
{
    int n = x->n, nx = x->nx;
    int64_t *rel = &x->rel[(size_t)p * (size_t)n];
    const int64_t *xrel = &x->xrel[(size_t)p * (size_t)nx];
    int *ntimed = &x->ntimed[(size_t)p * (size_t)x->nch];
    int64_t *chend = &x->chend[(size_t)p * (size_t)x->nch];
    for (int c = 0; c < x->nch && x->timed[c]; c++)
        for (int t = x->ch_first[c] + ntimed[c]; t < x->ch_first[c + 1] && x->xpred[t] == 0; t++) {
            int64_t ts = xrel[t] > chend[c] ? xrel[t] : chend[c];
            chend[c] = ts + x->xtx[t];
            ntimed[c]++;
            if (chend[c] + x->xq[t] > x->done)
                x->done = chend[c] + x->xq[t];
            const int64_t *out = &x->xout[(size_t)t * (size_t)n];
            for (int k = 0; k < n; k++)
                if (out[k] >= 0 && x->start[k] < 0 && chend[c] + out[k] > rel[k])
                    rel[k] = chend[c] + out[k];
        }
}

/* The bound's heads r of the unplaced ops: from their earliest starts rel (no earlier than
 * the machine's end; a forward no earlier than f_floor), raised along the lags. rel may be
 * r itself (each op's own head is read before it is written). */
static void raise_heads(struct relax *x, const int64_t *rel, int64_t f_floor)
{
    int n = x->n;
    for (int k = 0; k < n; k++) {
        if (x->start[k] >= 0)
            continue;
        int64_t t = rel[k] > x->end ? rel[k] : x->end;
        if (x->is_f[k] && t < f_floor)
            t = f_floor;
        for (int i = 0; i < k; i++) {
            int64_t l = x->lag[(size_t)i * (size_t)n + (size_t)k];
            if (l >= 0 && x->start[i] < 0 && x->r[i] + l > t)
                t = x->r[i] + l;
        }
        x->r[k] = t;
    }
}

/* A lower bound on every completion of the partial sequence at depth p: heads raised
 * along the lags and by a memory floor, Jackson's preemptive bound on the machine and on
 * every channel. */
static int64_t bound(struct relax *x, int p)
{
    int n = x->n;
    int64_t lb = x->done;
    raise_heads(x, &x->rel[(size_t)p * (size_t)n], INT64_MIN);
    double least = 1e300;
    for (int k = 0; k < n; k++)
        if (x->start[k] < 0 && x->is_f[k] && x->alloc[k] < least)
            least = x->alloc[k];
    if (x->has_limit && least < 1e299 && x->mem + least > x->limit + 1e-9) {
        /* no forward fits before a free ends */
        int64_t fe = INT64_MAX;
        for (int k = 0; k < n; k++)
            if (x->start[k] < 0 && x->alloc[k] < 0 && x->r[k] + x->dur[k] < fe)
                fe = x->r[k] + x->dur[k];
        if (fe != INT64_MAX)
            raise_heads(x, x->r, fe);
    }
    int nj = 0;
    for (int k = 0; k < n; k++) {
        if (x->start[k] >= 0)
            continue;
        if (x->r[k] + x->dur[k] + x->tail[k] > lb)
            lb = x->r[k] + x->dur[k] + x->tail[k];
        x->jj[nj++] = (struct opt_jjob){x->r[k], x->dur[k], x->tail[k]};
    }
    int64_t j = opt_jackson(x->jj, nj, x->heap);
    if (j > lb)
        lb = j;
    /* each channel's transmissions not timed yet, from the channel's end */
    const int64_t *xrel = &x->xrel[(size_t)p * (size_t)x->nx];
    const int *ntimed = &x->ntimed[(size_t)p * (size_t)x->nch];
    const int64_t *chend = &x->chend[(size_t)p * (size_t)x->nch];
    for (int c = 0; c < x->nch; c++) {
        nj = 0;
        for (int t = x->ch_first[c] + ntimed[c]; t < x->ch_first[c + 1]; t++) {
            /* of a channel not timed, only what the ops left hold back (a relaxation of
             * the relaxation: it keeps the memo's signature short) */
            if (!x->timed[c] && x->xpred[t] == 0)
                continue;
            int64_t r = xrel[t] > chend[c] ? xrel[t] : chend[c];
            for (int k = x->xp_first[t]; k < x->xp_first[t + 1]; k++) {
                int i = x->xp_op[k];
                if (x->start[i] < 0 && x->r[i] + x->xp_lag[k] > r)
                    r = x->r[i] + x->xp_lag[k];
            }
            x->jj[nj++] = (struct opt_jjob){r, x->xtx[t], x->xq[t]};
        }
        j = opt_jackson(x->jj, nj, x->heap);
        if (j > lb)
            lb = j;
    }
    return lb;
}

/* The signature of the partial sequence now (see struct rent); its length. */
static int signature(struct relax *x, int p, int64_t *sig)
{
    const int64_t *rel = &x->rel[(size_t)p * (size_t)x->n];
    const int64_t *xrel = &x->xrel[(size_t)p * (size_t)x->nx];
    const int *ntimed = &x->ntimed[(size_t)p * (size_t)x->nch];
    const int64_t *chend = &x->chend[(size_t)p * (size_t)x->nch];
    int k = 0;
    for (int w = 0; w < x->words; w++)
        sig[k++] = (int64_t)x->set[w];
    sig[k++] = x->end;
    sig[k++] = x->done;
    for (int i = 0; i < x->n; i++)
        if (x->start[i] < 0)
            sig[k++] = rel[i] > x->end ? rel[i] : x->end;
    for (int c = 0; c < x->nch; c++) {
        sig[k++] = chend[c];
        for (int t = x->ch_first[c] + ntimed[c]; t < x->ch_first[c + 1]; t++)
            if (x->timed[c] || x->xpred[t] > 0)
                sig[k++] = xrel[t];
    }
    return k;
}

/* A sequence of the same ops searched before ends no later, with no later starts possible
 * for every op left and no larger makespan so far: nothing new below. */
static bool dominated(const struct relax *x, const int64_t *sig, int n_sig)
{
    for (int32_t e = x->bucket[x->hash & x->mask]; e >= 0; e = x->ents[e].next) {
        if (x->ents[e].hash != x->hash)
            continue;
        const int64_t *v = &x->vals[x->ents[e].vals];
        if (memcmp(v, sig, (size_t)x->words * sizeof *v) != 0)
            continue;
        int k = x->words;
        while (k < n_sig && v[k] <= sig[k])
            k++;
        if (k == n_sig)
            return true;
    }
    return false;
}

static void remember(struct relax *x, const int64_t *sig, int n_sig)
{
    if (x->n_vals + (size_t)n_sig > x->max_vals)
        return;
    if (x->n_ents == x->cap_ents) {
        size_t c = x->cap_ents ? 2 * x->cap_ents : 4096;
        struct rent *p = realloc(x->ents, c * sizeof *p);
        if (p == NULL)
            return;
        x->ents = p;
        x->cap_ents = c;
    }
    if (x->n_vals + (size_t)n_sig > x->cap_vals) {
        size_t c = x->cap_vals ? 2 * x->cap_vals : 65536;
        while (c < x->n_vals + (size_t)n_sig)
            c *= 2;
        int64_t *p = realloc(x->vals, c * sizeof *p);
        if (p == NULL)
            return;
        x->vals = p;
        x->cap_vals = c;
    }
    struct rent *e = &x->ents[x->n_ents];
    e->hash = x->hash;
    e->vals = x->n_vals;
    memcpy(&x->vals[x->n_vals], sig, (size_t)n_sig * sizeof *sig);
    x->n_vals += (size_t)n_sig;
    e->next = x->bucket[x->hash & x->mask];
    x->bucket[x->hash & x->mask] = (int32_t)x->n_ents++;
}

static void dfs(struct relax *x)
{
    int n = x->n;
    if (x->aborted)
        return;
    x->nodes++;
    x->nodes_here++;
    if (x->node_limit > 0 && x->nodes_here > x->node_limit) {
        x->aborted = true;
        return;
    }
    const int64_t *rel = &x->rel[(size_t)x->placed * (size_t)n];
    if ((x->nodes_here & 1023) == 0) {
        if (opt_out_of_budget(x->m)) {
            x->aborted = true; /* time limit or cancel: the search is not complete */
            return;
        }
        if (x->cutoff != NULL) {
            int64_t c = x->cutoff(x->user);
            if (c < x->cut)
                x->cut = c; /* a schedule found elsewhere: nothing past it is worth finding */
        }
    }
    if (x->placed == n) {
        if (x->done < x->cut) {
            x->found = x->done;
            x->aborted = true; /* one is enough (below()) */
        }
        return;
    }
    if (opt_up_to_grid(bound(x, x->placed), x->grid) >= x->cut)
        return;
    int64_t *sig = &x->sig[(size_t)x->placed * x->stride];
    int n_sig = signature(x, x->placed, sig);
    if (dominated(x, sig, n_sig))
        return;
    int *cand = &x->cand[(size_t)x->placed * (size_t)n];
    int64_t *est = &x->cest[(size_t)x->placed * (size_t)n];
    int nc = 0;
    for (int k = 0; k < n; k++) {
        if (x->start[k] >= 0 || x->npred[k] != 0)
            continue;
        if (x->is_f[k] && x->has_limit && x->mem + x->alloc[k] > x->limit + 1e-9)
            continue;
        cand[nc] = k;
        est[nc++] = rel[k] > x->end ? rel[k] : x->end;
    }
    /* a free that fits, ready, in the idle time before a candidate goes first: it starts
     * nothing later and frees memory sooner */
    int keep = 0;
    for (int i = 0; i < nc; i++) {
        bool skip = false;
        for (int k = 0; k < nc && !skip; k++)
            skip = k != i && !x->is_f[cand[k]] && x->dur[cand[k]] > 0 &&
                   est[k] + x->dur[cand[k]] <= est[i];
        if (!skip) {
            cand[keep] = cand[i];
            est[keep++] = est[i];
        }
    }
    nc = keep;
    for (int i = 1; i < nc; i++)
        for (int k = i; k > 0; k--) {
            if (est[k - 1] < est[k] ||
                (est[k - 1] == est[k] && x->tail[cand[k - 1]] >= x->tail[cand[k]]))
                break;
            int tc = cand[k];
            cand[k] = cand[k - 1];
            cand[k - 1] = tc;
            int64_t te = est[k];
            est[k] = est[k - 1];
            est[k - 1] = te;
        }
    int64_t save_end = x->end, save_done = x->done;
    int p = x->placed, nx = x->nx, nch = x->nch;
    int64_t *next = &x->rel[(size_t)(p + 1) * (size_t)n];
    const int64_t *xrel = &x->xrel[(size_t)p * (size_t)nx];
    int64_t *xnext = &x->xrel[(size_t)(p + 1) * (size_t)nx];
    for (int c = 0; c < nc && !x->aborted; c++) {
        int o = cand[c];
        int64_t t = est[c];
        x->start[o] = t;
        x->end = t + x->dur[o];
        if (t + x->dur[o] + x->tail[o] > x->done)
            x->done = t + x->dur[o] + x->tail[o];
        x->mem += x->alloc[o];
        x->placed++;
        x->hash ^= x->zob[o];
        x->set[o / 64] |= (uint64_t)1 << (o % 64);
        for (int k = 0; k < n; k++) {
            int64_t l = x->lag[(size_t)o * (size_t)n + (size_t)k];
            next[k] = rel[k];
            if (l >= 0) {
                x->npred[k]--;
                if (t + l > next[k])
                    next[k] = t + l;
            }
        }
        for (int k = 0; k < nx; k++) {
            int64_t l = x->xin[(size_t)o * (size_t)nx + (size_t)k];
            xnext[k] = xrel[k];
            if (l >= 0) {
                x->xpred[k]--;
                if (t + l > xnext[k])
                    xnext[k] = t + l;
            }
        }
        memcpy(&x->ntimed[(size_t)(p + 1) * (size_t)nch], &x->ntimed[(size_t)p * (size_t)nch],
               (size_t)nch * sizeof *x->ntimed);
        memcpy(&x->chend[(size_t)(p + 1) * (size_t)nch], &x->chend[(size_t)p * (size_t)nch],
               (size_t)nch * sizeof *x->chend);
        advance(x, p + 1);
        if (opt_up_to_grid(x->done, x->grid) < x->cut)
            dfs(x);
        for (int k = 0; k < n; k++)
            if (x->lag[(size_t)o * (size_t)n + (size_t)k] >= 0)
                x->npred[k]++;
        for (int k = 0; k < nx; k++)
            if (x->xin[(size_t)o * (size_t)nx + (size_t)k] >= 0)
                x->xpred[k]++;
        x->set[o / 64] &= ~((uint64_t)1 << (o % 64));
        x->hash ^= x->zob[o];
        x->placed--;
        x->mem -= x->alloc[o];
        x->end = save_end;
        x->done = save_done;
        x->start[o] = -1;
    }
    if (!x->aborted)
        remember(x, sig, n_sig);
}

/* Is there a sequence shorter than *T (or than a schedule found elsewhere meanwhile, which
 * then becomes *T)? Searches with the cut there, stopping at the first one found (its
 * makespan in *found, else -1) or after `budget` nodes. True when it ended. */
static bool below(struct relax *x, int64_t *T, long budget, int64_t *found)
{
    memset(x->bucket, 0xff, ((size_t)x->mask + 1) * sizeof *x->bucket);
    x->n_ents = x->n_vals = 0;
    x->cut = *T;
    if (x->cutoff != NULL) {
        int64_t c = x->cutoff(x->user);
        if (c < x->cut)
            x->cut = c;
    }
    x->found = -1;
    x->nodes_here = 0;
    x->node_limit = budget;
    x->aborted = false;
    dfs(x);
    *found = x->found;
    *T = x->cut;
    return !x->aborted || *found >= 0;
}

int64_t opt_relax_device(struct model *m, int d, int64_t lb, int64_t ub, long node_limit,
                         double work_limit, const struct opt_bnb_hooks *hooks,
                         struct opt_relax_result *out)
{
    memset(out, 0, sizeof *out);
    if (m->dev_n[d] == 0 || ub <= lb)
        return lb;
    struct relax x = {0};
    x.m = m;
    x.d = d;
    x.grid = opt_grid_of(m, ub);
    x.max_vals = ((size_t)64 << 20) / sizeof *x.vals;
    x.cutoff = hooks != NULL ? hooks->cutoff : NULL;
    x.user = hooks != NULL ? hooks->user : NULL;
    if (setup(&x) == PS_OK) {
        advance(&x, 0); /* the transmissions no op of the machine comes before */
        /* a node's work: the bound's lags and the channels' predecessors */
        double per_node = (double)x.n * x.n + x.xp_first[x.nx] + x.nx + 1;
        if (work_limit > 0 && (node_limit <= 0 || work_limit / per_node < (double)node_limit))
            node_limit = (long)(work_limit / per_node) + 1;
        /* bisection on the cut: each search either finds a sequence below it (the
         * optimum is lower), proves none (a bound), or runs out (try a lower cut) */
        int64_t g = x.grid > 0 ? x.grid : 1, lo = opt_up_to_grid(lb, g), hi = ub, T = ub;
        bool exact = true; /* hi is a sequence's makespan (or ub), not a cut given up */
        long left = node_limit;
        while (lo < hi && left > 0 && !opt_out_of_budget(m)) {
            int64_t found, asked = T;
            bool ended = below(&x, &T, left, &found);
            left -= x.nodes_here;
            if (T < asked && T < hi)
                hi = T; /* a schedule found elsewhere: no need to look past it */
            if (found >= 0) {
                hi = found; /* a sequence below T: the optimum is at most found */
            } else if (ended) {
                lo = T; /* none below T */
            } else {
                hi = T; /* unknown: look lower */
                exact = false;
            }
            /* the next cut: halfway, on the grid, above lo and at most hi */
            T = lo + g * (((hi - lo) / g + 1) / 2);
            if (T > hi)
                T = hi;
        }
        out->complete = exact && lo >= hi;
        lb = lo;
    }
    out->nodes = x.nodes;
    teardown(&x);
    return lb;
}
