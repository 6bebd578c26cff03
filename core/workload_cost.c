/* The cost model of InfiniPipe (docs/model.md, Workloads; seeds-others.md 3.2): compute
 * time (Eq. 1), all-to-all (Eq. 3), messages, activation memory (Eq. 5) and what
 * checkpointing keeps (Eq. 9-10) for a chunk on a stage; and the chunk list itself. */
#include "core/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the chunk list ------------------------------------------------------------------------ */

void ps_chunking_init(struct ps_chunking *c)
{
    memset(c, 0, sizeof *c);
}

void ps_chunking_fini(struct ps_chunking *c)
{
    free(c->chunks);
    free(c->members);
    ps_chunking_init(c);
}

void ps_chunk_labels(const struct ps_chunking *c, const struct ps_chunk *ch, char seq[16],
                     char slice[16])
{
    snprintf(slice, 16, "-");
    if (ch->seq >= 0) {
        snprintf(seq, 16, "%d", ch->seq);
        snprintf(slice, 16, "%d/%d", ch->slice + 1, ch->n_slices);
    } else if (ch->n == 1) {
        snprintf(seq, 16, "%d", c->members[ch->first]);
    } else {
        snprintf(seq, 16, "%dx", ch->n);
    }
}

void ps_chunking_clear(struct ps_chunking *c)
{
    c->n = 0;
    c->n_members = 0;
    c->slices = 0;
}

enum ps_status ps_chunking_push(struct ps_chunking *c, enum ps_chunk_type type, int seq, int slice,
                                int n_slices, int context, int s0)
{
    if (c->n == c->cap) {
        int cap = c->cap > 0 ? 2 * c->cap : 64;
        struct ps_chunk *p = realloc(c->chunks, (size_t)cap * sizeof *p);
        if (p == NULL)
            return PS_ENOMEM;
        c->chunks = p;
        c->cap = cap;
    }
    c->chunks[c->n++] = (struct ps_chunk){.type = type,
                                          .seq = seq,
                                          .slice = slice,
                                          .n_slices = n_slices,
                                          .context = context,
                                          .s0 = s0,
                                          .first = c->n_members,
                                          .n = 0,
                                          .tokens = s0};
    return PS_OK;
}

enum ps_status ps_chunking_add_member(struct ps_chunking *c, int seq, int tokens)
{
    if (c->n_members == c->members_cap) {
        int cap = c->members_cap > 0 ? 2 * c->members_cap : 256;
        int *p = realloc(c->members, (size_t)cap * sizeof *p);
        if (p == NULL)
            return PS_ENOMEM;
        c->members = p;
        c->members_cap = cap;
    }
    c->members[c->n_members++] = seq;
    struct ps_chunk *k = &c->chunks[c->n - 1];
    k->n++;
    k->tokens += tokens;
    return PS_OK;
}

/* ---- constants ------------------------------------------------------------------------------ */

void ps_cost_ctx_init(struct ps_cost_ctx *cx, const struct ps_workload *w, int n_stages)
{
    cx->w = w;
    cx->dp = n_stages > 0 ? n_stages : 1;
    cx->ds = w->sp > 0 ? w->sp : 1;
    cx->n_gpus = cx->dp * cx->ds;
    const struct ps_wl_model *m = &w->model;
    cx->layers_per_stage = (double)m->layers / cx->dp;
    cx->token_bytes = w->mem.has_token_bytes
                          ? w->mem.token_bytes
                          : 17.0 * m->bytes * (double)m->hidden * (double)m->layers;
    cx->logits_bytes = w->mem.has_logits_bytes ? w->mem.logits_bytes : 4.0 * (double)m->vocab;
    cx->model_states_gb =
        w->mem.has_model_states ? w->mem.model_states_gb : 16.0 * m->params_b / (double)cx->n_gpus;
    cx->limit_gb = w->mem.hbm_gb - cx->model_states_gb - w->mem.reserve_gb;
}

/* ---- time ----------------------------------------------------------------------------------- */

/* Eq. 1 from the sums over the short sequences: sum(s) and sum(s^2). */
static double comp_sums(const struct ps_cost_ctx *cx, const struct ps_cost_coef *k, double context,
                        double s0, double sum_s, double sum_s2)
{
    /* (C + s0)^2 - C^2 = s0 (2C + s0): the causal pairs of the slice against its context
     * and itself */
    double pairs = s0 * (2 * context + s0) + sum_s2;
    return (k->alpha1_ms * pairs + k->alpha2_ms * (s0 + sum_s)) / cx->n_gpus + k->beta1_ms / cx->dp;
}

double ps_cost_comp_ms(const struct ps_cost_ctx *cx, const struct ps_cost_coef *k, int context,
                       int s0, const int *shorts, int n_shorts)
{
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n_shorts; i++) {
        double x = shorts[i];
        sum += x;
        sum2 += x * x;
    }
    return comp_sums(cx, k, context, s0, sum, sum2);
}

double ps_cost_a2a_ms(const struct ps_cost_ctx *cx, int tokens)
{
    if (cx->ds <= 1)
        return 0;
    const struct ps_workload *w = cx->w;
    double bytes =
        w->model.bytes * ((double)w->model.hidden + (double)w->model.kv_hidden) * tokens / cx->ds;
    double one = bytes * 8.0 / (w->a2a_bandwidth_gbps * 1e6) + 2.0 * w->a2a_latency_ms;
    return one * 2.0 * (double)w->model.layers / cx->dp;
}

double ps_cost_seq_fwd_ms(const struct ps_cost_ctx *cx, int tokens)
{
    return ps_cost_comp_ms(cx, &cx->w->fwd, 0, 0, &tokens, 1) + ps_cost_a2a_ms(cx, tokens);
}

/* ---- a chunk -------------------------------------------------------------------------------- */

void ps_cost_chunk(const struct ps_cost_ctx *cx, const struct ps_chunking *ch, struct ps_chunk *c)
{
    const struct ps_workload *w = cx->w;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < c->n; i++) {
        double len = w->lengths[ch->members[c->first + i]];
        sum += len;
        sum2 += len * len;
    }
    int short_tokens = (int)sum, tokens = c->s0 + short_tokens;
    c->tokens = tokens;
    double a2a = ps_cost_a2a_ms(cx, tokens);
    c->f_ms = comp_sums(cx, &w->fwd, c->context, c->s0, sum, sum2);
    c->b_ms = comp_sums(cx, &w->bwd, c->context, c->s0, sum, sum2);
    c->w_ms = comp_sums(cx, &w->wgt, c->context, c->s0, sum, sum2);
    c->a2a_ms = a2a;
    c->f_ms += a2a;
    c->b_ms += a2a;
    c->msg_mb = w->model.bytes * (double)w->model.hidden * tokens / 1e6;

    double n = cx->n_gpus;
    double e = w->model.bytes, D = w->model.hidden, Dkv = w->model.kv_hidden;
    double L = w->model.layers;
    /* Eq. 5: token activations, the last stage's logits, the K/V gradients of a slice */
    double dkv = 2.0 * e * L * Dkv / n * c->s0;
    c->mem_gb = (cx->token_bytes / n * tokens + dkv) / 1e9;
    c->mem_last_gb = c->mem_gb + cx->logits_bytes / cx->ds * tokens / 1e9;
    /* Eq. 9-10: one checkpointed layer keeps its input (and a slice's K and V) instead of
     * its activations */
    double act_layer = cx->token_bytes / (L * cx->ds);
    double save_slice = act_layer - e * (D + 2.0 * Dkv) / cx->ds;
    double save_short = act_layer - e * D / cx->ds;
    if (save_slice < 0)
        save_slice = 0;
    if (save_short < 0)
        save_short = 0;
    c->save_gb = (save_slice * c->s0 + save_short * short_tokens) / 1e9;
}

double ps_cost_full_gb(const struct ps_cost_ctx *cx, const struct ps_chunk *c, int stage)
{
    return stage == cx->dp - 1 ? c->mem_last_gb : c->mem_gb;
}

double ps_cost_kept_gb(const struct ps_cost_ctx *cx, const struct ps_chunk *c, int stage,
                       int layers)
{
    return ps_cost_full_gb(cx, c, stage) - layers * c->save_gb;
}

int ps_cost_max_layers(const struct ps_cost_ctx *cx)
{
    /* a stage counts L / d_p layers in its times; a fraction of a layer is never
     * checkpointed */
    return (int)floor(cx->layers_per_stage + 1e-9);
}
