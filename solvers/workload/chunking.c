/* Granularity: a batch of sequences into chunks (docs/model.md, "Granularity"): batch
 * (pack whole sequences), token (fixed slices, Seq1F1B-like), even (K even slices and
 * fixed packing, the paper's "w/o wbc") and elastic (Alg. 1: K slices of equal time, hybrid
 * chunks, best fit on time). */
#include "solvers/workload/plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------------------- */

struct bin {
    int chunk;  /* index in the chunking */
    int tokens; /* tokens so far */
    double time;
};

/* Sequence indices sorted by length, longest first (ties: lower index). */
static int *by_length_desc(const struct ps_workload *w, const int *idx, int n)
{
    int *s = malloc((size_t)(n > 0 ? n : 1) * sizeof *s);
    if (s == NULL)
        return NULL;
    memcpy(s, idx, (size_t)n * sizeof *s);
    /* insertion sort is too slow for 16384; a counting-free merge via qsort_r is not C11:
     * a simple bottom-up merge sort keeps it stable and portable */
    int *tmp = malloc((size_t)(n > 0 ? n : 1) * sizeof *tmp);
    if (tmp == NULL) {
        free(s);
        return NULL;
    }
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = w->lengths[s[j]] > w->lengths[s[i]] ? s[j++] : s[i++];
            while (i < mid)
                tmp[k++] = s[i++];
            while (j < hi)
                tmp[k++] = s[j++];
        }
        memcpy(s, tmp, (size_t)n * sizeof *s);
    }
    free(tmp);
    return s;
}

/* First-fit decreasing by tokens into new batched chunks of at most `capacity` tokens (a
 * sequence longer than that gets a chunk of its own). */
static enum ps_status pack_ffd(const struct ps_workload *w, const int *shorts, int n, int capacity,
                               struct ps_chunking *out)
{
    if (n == 0)
        return PS_OK;
    int *order = by_length_desc(w, shorts, n);
    struct bin *bins = malloc((size_t)n * sizeof *bins);
    int *members = malloc((size_t)n * sizeof *members), *bin_of = NULL;
    bin_of = malloc((size_t)n * sizeof *bin_of);
    enum ps_status st = PS_OK;
    if (order == NULL || bins == NULL || members == NULL || bin_of == NULL) {
        st = PS_ENOMEM;
        goto done;
    }
    int nb = 0;
    for (int i = 0; i < n; i++) {
        int len = w->lengths[order[i]], b = 0;
        while (b < nb && bins[b].tokens + len > capacity)
            b++;
        if (b == nb)
            bins[nb++] = (struct bin){.tokens = 0};
        bins[b].tokens += len;
        bin_of[i] = b;
    }
    /* emit bin by bin, members in the order they were placed */
    int *start = calloc((size_t)nb + 1, sizeof *start);
    if (start == NULL) {
        st = PS_ENOMEM;
        goto done;
    }
    for (int i = 0; i < n; i++)
        start[bin_of[i] + 1]++;
    for (int b = 0; b < nb; b++)
        start[b + 1] += start[b];
    for (int i = 0; i < n; i++)
        members[start[bin_of[i]]++] = order[i];
    for (int b = nb; b > 0; b--)
        start[b] = start[b - 1];
    start[0] = 0;
    for (int b = 0; b < nb && st == PS_OK; b++) {
        st = ps_chunking_push(out, PS_CHUNK_BATCHED, -1, 0, 1, 0, 0);
        for (int k = start[b]; k < start[b + 1] && st == PS_OK; k++)
            st = ps_chunking_add_member(out, members[k], w->lengths[members[k]]);
    }
    free(start);
done:
    free(order);
    free(bins);
    free(members);
    free(bin_of);
    return st;
}

/* Cuts sequence `seq` at the token positions cuts[0..n_cuts-1] (increasing, all below its
 * length): slices [0,c0), [c0,c1), ..., the last up to its length. Every slice but the last
 * becomes a split chunk; the last (the tail) too unless tail_out is not NULL, in which case
 * its context and tokens are returned for a bucket. */
static enum ps_status cut_sequence(struct ps_chunking *out, int seq, int len, const int *cuts,
                                   int n_cuts, int *tail_ctx, int *tail_tokens)
{
    int n_slices = n_cuts + 1, from = 0;
    enum ps_status st = PS_OK;
    for (int i = 0; i <= n_cuts && st == PS_OK; i++) {
        int to = i < n_cuts ? cuts[i] : len;
        if (i == n_cuts && tail_ctx != NULL) {
            *tail_ctx = from;
            *tail_tokens = to - from;
            break;
        }
        st = ps_chunking_push(out, PS_CHUNK_SPLIT, seq, i, n_slices, from, to - from);
        from = to;
    }
    return st;
}

/* Fixed slices of `slice` tokens for sequences longer than it; the rest packed. */
static enum ps_status chunk_fixed(const struct ps_workload *w, int slice, struct ps_chunking *out)
{
    int n = w->n_seqs, ns = 0;
    int *shorts = malloc((size_t)n * sizeof *shorts);
    int *cuts = malloc(((size_t)w->cap_tokens / (size_t)slice + 2) * sizeof *cuts);
    enum ps_status st = PS_OK;
    if (shorts == NULL || cuts == NULL) {
        st = PS_ENOMEM;
        goto done;
    }
    for (int i = 0; i < n && st == PS_OK; i++) {
        int len = w->lengths[i];
        if (len <= slice) {
            shorts[ns++] = i;
            continue;
        }
        int nc = 0;
        for (int c = slice; c < len; c += slice)
            cuts[nc++] = c;
        st = cut_sequence(out, i, len, cuts, nc, NULL, NULL);
    }
    if (st == PS_OK)
        st = pack_ffd(w, shorts, ns, slice, out);
done:
    free(shorts);
    free(cuts);
    return st;
}

static int longest(const struct ps_workload *w)
{
    int m = 0;
    for (int i = 0; i < w->n_seqs; i++)
        if (w->lengths[i] > m)
            m = w->lengths[i];
    return m;
}

/* ---- elastic (Alg. 1) ------------------------------------------------------------------------ */

/* The mesh: K cuts of the longest sequence with equal total (F + B + W) time per slice.
 * The variable time of the first x tokens is a x^2 + b x (Eq. 1 summed over the kinds, the
 * all-to-all's per-token part included); slice i ends where it reaches i/K of the whole. */
static int mesh_cuts(const struct ps_cost_ctx *cx, int len, int K, int *cuts)
{
    const struct ps_workload *w = cx->w;
    double a = (w->fwd.alpha1_ms + w->bwd.alpha1_ms + w->wgt.alpha1_ms) / cx->n_gpus;
    double b = (w->fwd.alpha2_ms + w->bwd.alpha2_ms + w->wgt.alpha2_ms) / cx->n_gpus +
               2 * (ps_cost_a2a_ms(cx, 2) - ps_cost_a2a_ms(cx, 1));
    double total = a * (double)len * len + b * len;
    int n = 0, prev = 0;
    for (int i = 1; i < K; i++) {
        double y = total * i / K, x;
        if (a > 0)
            x = (-b + sqrt(b * b + 4 * a * y)) / (2 * a);
        else
            x = b > 0 ? y / b : (double)len * i / K;
        int c = (int)llround(x);
        if (c <= prev)
            c = prev + 1;
        if (c >= len)
            break;
        cuts[n++] = c;
        prev = c;
    }
    return n;
}

struct bucket {
    int chunk;                           /* chunking index once emitted, -1 */
    int tail_seq, tail_ctx, tail_tokens; /* tail_seq -1: none */
    int n_tail_slices;
    int tokens;
    double time;
    int first_member, n_members; /* in the bucket member list */
};

/* Total (F + B + W) time of one sequence of `len` tokens packed in a chunk, without the
 * chunk's fixed cost. */
static double seq_time(const struct ps_cost_ctx *cx, int len)
{
    const struct ps_workload *w = cx->w;
    struct ps_cost_coef k = {.alpha1_ms = w->fwd.alpha1_ms + w->bwd.alpha1_ms + w->wgt.alpha1_ms,
                             .alpha2_ms = w->fwd.alpha2_ms + w->bwd.alpha2_ms + w->wgt.alpha2_ms,
                             .beta1_ms = 0};
    double a2a = 2 * (ps_cost_a2a_ms(cx, len + 1) - ps_cost_a2a_ms(cx, 1));
    return ps_cost_comp_ms(cx, &k, 0, 0, &len, 1) + a2a;
}

/* Time of a tail slice at context C (same terms). */
static double slice_time(const struct ps_cost_ctx *cx, int ctx, int tokens)
{
    const struct ps_workload *w = cx->w;
    struct ps_cost_coef k = {.alpha1_ms = w->fwd.alpha1_ms + w->bwd.alpha1_ms + w->wgt.alpha1_ms,
                             .alpha2_ms = w->fwd.alpha2_ms + w->bwd.alpha2_ms + w->wgt.alpha2_ms,
                             .beta1_ms = 0};
    double a2a = 2 * (ps_cost_a2a_ms(cx, tokens + 1) - ps_cost_a2a_ms(cx, 1));
    return ps_cost_comp_ms(cx, &k, ctx, tokens, NULL, 0) + a2a;
}

struct elastic {
    const struct ps_cost_ctx *cx;
    struct bucket *b;
    int nb;
    int *mem_seq, *mem_bucket; /* member list: sequence, bucket */
    int nm;
    double t_t; /* time threshold */
    int t_m;    /* token threshold */
};

/* Best fit of one short sequence (Alg. 1, lines 5-6). */
static void place_short(struct elastic *e, int seq, int len, double t)
{
    int lightest = -1;
    for (int i = 0; i < e->nb; i++)
        if (lightest < 0 || e->b[i].tokens < e->b[lightest].tokens)
            lightest = i;
    int pick = -1;
    if (lightest >= 0 && e->b[lightest].tokens + len <= e->t_m) {
        for (int pass = 0; pass < 2 && pick < 0; pass++) {
            double best = 0;
            for (int i = 0; i < e->nb; i++) {
                const struct bucket *b = &e->b[i];
                if (b->time + t > e->t_t || b->tokens + len > e->t_m)
                    continue;
                double ratio = b->time / (b->tokens > 0 ? b->tokens : 1);
                if (pick < 0 || ratio < best) {
                    pick = i;
                    best = ratio;
                }
            }
            if (pick < 0 && pass == 0) {
                /* loosen the time threshold to the lightest bucket in time plus this one */
                double min_t = e->b[0].time;
                for (int i = 1; i < e->nb; i++)
                    if (e->b[i].time < min_t)
                        min_t = e->b[i].time;
                if (min_t + t > e->t_t)
                    e->t_t = min_t + t;
            }
        }
    }
    if (pick < 0) {
        pick = e->nb++;
        e->b[pick] = (struct bucket){.chunk = -1, .tail_seq = -1};
    }
    e->b[pick].tokens += len;
    e->b[pick].time += t;
    e->mem_seq[e->nm] = seq;
    e->mem_bucket[e->nm++] = pick;
}

/* Buckets into chunks: a tail slice with short sequences is a hybrid chunk, alone a split
 * chunk; the others are batched. Members in the order they were placed. */
static enum ps_status emit_buckets(const struct elastic *e, struct ps_chunking *out)
{
    const struct ps_workload *w = e->cx->w;
    int *start = calloc((size_t)e->nb + 1, sizeof *start);
    int *members = malloc((size_t)(e->nm > 0 ? e->nm : 1) * sizeof *members);
    enum ps_status st = PS_OK;
    if (start == NULL || members == NULL) {
        st = PS_ENOMEM;
        goto done;
    }
    for (int k = 0; k < e->nm; k++)
        start[e->mem_bucket[k] + 1]++;
    for (int b = 0; b < e->nb; b++)
        start[b + 1] += start[b];
    for (int k = 0; k < e->nm; k++)
        members[start[e->mem_bucket[k]]++] = e->mem_seq[k];
    for (int b = e->nb; b > 0; b--)
        start[b] = start[b - 1];
    start[0] = 0;
    for (int bi = 0; bi < e->nb && st == PS_OK; bi++) {
        const struct bucket *b = &e->b[bi];
        bool has_short = start[bi + 1] > start[bi];
        if (b->tail_seq >= 0)
            st = ps_chunking_push(out, has_short ? PS_CHUNK_HYBRID : PS_CHUNK_SPLIT, b->tail_seq,
                                  b->n_tail_slices - 1, b->n_tail_slices, b->tail_ctx,
                                  b->tail_tokens);
        else
            st = ps_chunking_push(out, PS_CHUNK_BATCHED, -1, 0, 1, 0, 0);
        for (int k = start[bi]; k < start[bi + 1] && st == PS_OK; k++)
            st = ps_chunking_add_member(out, members[k], w->lengths[members[k]]);
    }
done:
    free(start);
    free(members);
    return st;
}

static enum ps_status chunk_elastic(const struct ps_cost_ctx *cx, int K, struct ps_chunking *out)
{
    const struct ps_workload *w = cx->w;
    int n = w->n_seqs, lmax = longest(w);
    int *cuts = malloc((size_t)(K + 1) * sizeof *cuts), *shorts = malloc((size_t)n * sizeof(int));
    struct elastic e = {.cx = cx};
    e.b = malloc((size_t)(2 * n + 1) * sizeof *e.b);
    e.mem_seq = malloc((size_t)n * sizeof(int));
    e.mem_bucket = malloc((size_t)n * sizeof(int));
    int *sorted = NULL;
    enum ps_status st = PS_OK;
    if (cuts == NULL || shorts == NULL || e.b == NULL || e.mem_seq == NULL ||
        e.mem_bucket == NULL) {
        st = PS_ENOMEM;
        goto done;
    }
    int nc = mesh_cuts(cx, lmax, K, cuts);
    e.t_m = nc > 0 ? cuts[0] : lmax;
    /* times without the chunk's fixed cost: every bucket pays it once */
    e.t_t = nc > 0 ? slice_time(cx, 0, cuts[0]) : seq_time(cx, lmax);
    int ns = 0;
    for (int i = 0; i < n && st == PS_OK; i++) {
        int len = w->lengths[i];
        if (len <= e.t_m) {
            shorts[ns++] = i;
            continue;
        }
        int k = 0;
        while (k < nc && cuts[k] < len)
            k++;
        struct bucket *b = &e.b[e.nb++];
        *b = (struct bucket){.chunk = -1, .tail_seq = i, .n_tail_slices = k + 1};
        st = cut_sequence(out, i, len, cuts, k, &b->tail_ctx, &b->tail_tokens);
        b->tokens = b->tail_tokens;
        b->time = slice_time(cx, b->tail_ctx, b->tail_tokens);
    }
    if (st != PS_OK)
        goto done;
    /* short sequences, longest time first (time grows with length) */
    sorted = by_length_desc(w, shorts, ns);
    if (sorted == NULL) {
        st = PS_ENOMEM;
        goto done;
    }
    for (int i = 0; i < ns; i++)
        place_short(&e, sorted[i], w->lengths[sorted[i]], seq_time(cx, w->lengths[sorted[i]]));
    st = emit_buckets(&e, out);
done:
    free(cuts);
    free(shorts);
    free(sorted);
    free(e.b);
    free(e.mem_seq);
    free(e.mem_bucket);
    return st;
}

/* ---- entry ---------------------------------------------------------------------------------- */

enum ps_status ps_wl_chunk(const struct ps_cost_ctx *cx, enum ps_granularity g, int K,
                           struct ps_chunking *out)
{
    const struct ps_workload *w = cx->w;
    ps_chunking_clear(out);
    enum ps_status st = PS_OK;
    int cap = w->plan.token_capacity > 0 ? w->plan.token_capacity : w->cap_tokens;
    switch (g) {
    case PS_GRAN_BATCH: {
        int *all = malloc((size_t)w->n_seqs * sizeof *all);
        if (all == NULL)
            return PS_ENOMEM;
        for (int i = 0; i < w->n_seqs; i++)
            all[i] = i;
        st = pack_ffd(w, all, w->n_seqs, cap, out);
        free(all);
        break;
    }
    case PS_GRAN_TOKEN:
        st = chunk_fixed(w, w->plan.slice_tokens, out);
        break;
    case PS_GRAN_EVEN: {
        int lmax = longest(w);
        int slice = (lmax + K - 1) / (K > 0 ? K : 1);
        st = chunk_fixed(w, slice > 0 ? slice : 1, out);
        out->slices = K;
        break;
    }
    case PS_GRAN_ELASTIC:
        st = chunk_elastic(cx, K > 0 ? K : 1, out);
        out->slices = K;
        break;
    }
    for (int i = 0; i < out->n && st == PS_OK; i++)
        ps_cost_chunk(cx, out, &out->chunks[i]);
    return st;
}
