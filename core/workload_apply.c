/* From planned chunks to a scenario's microbatches (docs/model.md, Workloads): the mean
 * chunk becomes the scenario's compute and message, each chunk its scales, memory in GB
 * (1 activation unit = 1 GB), its slice links and its pipeline, and the checkpointed
 * layers its per-stage recomputation. */
#include "core/workload.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void fill_microbatch(const struct ps_cost_ctx *cx, const struct ps_chunk *c,
                            const double mean[4], struct ps_mb_scale *m)
{
    memset(m, 0, sizeof *m);
    m->compute_scale = c->f_ms / mean[0];
    m->has_backward_scale = true;
    m->backward_scale = c->b_ms / mean[1];
    if (mean[2] > 0 && c->w_ms > 0) {
        m->has_weight_scale = true;
        m->weight_scale = c->w_ms / mean[2];
    }
    m->activation_scale = mean[3] > 0 ? c->msg_mb / mean[3] : 1.0;
    m->has_memory_scale = true;
    m->memory_scale = ps_cost_full_gb(cx, c, 0);
    m->tokens = c->tokens;
    m->context = c->context;
}

/* Per-stage memory (the last stage's logits) and recomputation of microbatch i. Returns
 * true when some stage differs from the microbatch's defaults. */
static bool fill_stages(const struct ps_cost_ctx *cx, const struct ps_chunk *c, const int *layers,
                        struct ps_mb_stage *e)
{
    bool any = false;
    double base = ps_cost_full_gb(cx, c, 0);
    for (int s = 0; s < cx->dp; s++) {
        double full = ps_cost_full_gb(cx, c, s);
        int l = layers != NULL ? layers[s] : 0;
        e[s] = (struct ps_mb_stage){0};
        if (full != base) {
            e[s].has_memory_scale = true;
            e[s].memory_scale = full;
            any = true;
        }
        if (l > 0) {
            double r = l / cx->layers_per_stage;
            e[s].recompute = r < 1 ? r : 1;
            double remat = l * c->save_gb;
            e[s].recompute_memory = remat < full ? remat : full;
            any = true;
        }
    }
    return any;
}

enum ps_status ps_workload_apply(struct ps_scenario *sc, const struct ps_wl_result *r,
                                 struct ps_diag *d)
{
    assert(sc != NULL && sc->workload != NULL && r != NULL && r->chunks != NULL);
    const struct ps_chunking *ch = r->chunks;
    int n = ch->n, S = sc->n_stages;
    if (n < 1 || n > PS_MAX_MICROBATCHES)
        return ps_diag_set(d, PS_EINVAL, "workload",
                           "the plan has %d chunks (a pipeline runs 1..%d microbatches)", n,
                           PS_MAX_MICROBATCHES);
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, sc->workload, S);
    double mean[4] = {0, 0, 0, 0};
    for (int i = 0; i < n; i++) {
        mean[0] += ch->chunks[i].f_ms;
        mean[1] += ch->chunks[i].b_ms;
        mean[2] += ch->chunks[i].w_ms;
        mean[3] += ch->chunks[i].msg_mb;
    }
    for (int k = 0; k < 4; k++)
        mean[k] /= n;
    struct ps_mb_scale *pm = calloc((size_t)n, sizeof *pm);
    struct ps_mb_stage *ms = calloc((size_t)n * (size_t)S, sizeof *ms);
    if (pm == NULL || ms == NULL) {
        free(pm);
        free(ms);
        return ps_diag_set(d, PS_ENOMEM, "workload", NULL);
    }
    bool any_stage = false;
    double total = 0, replay = 0;
    for (int i = 0; i < n; i++) {
        const struct ps_chunk *c = &ch->chunks[r->order[i]];
        fill_microbatch(&cx, c, mean, &pm[i]);
        pm[i].pipeline = r->pipeline != NULL ? r->pipeline[i] : 0;
        if (i > 0 && c->seq >= 0 && c->slice > 0) {
            const struct ps_chunk *prev = &ch->chunks[r->order[i - 1]];
            pm[i].continues = prev->seq == c->seq && prev->slice == c->slice - 1;
        }
        const int *lay = r->layers != NULL ? &r->layers[(size_t)i * (size_t)S] : NULL;
        any_stage |= fill_stages(&cx, c, lay, &ms[(size_t)i * (size_t)S]);
        for (int s = 0; s < S; s++) {
            double rr = ms[(size_t)i * (size_t)S + (size_t)s].recompute;
            total += c->f_ms * (1 + rr) + c->b_ms + c->w_ms;
            replay += c->f_ms * rr;
        }
    }
    free(sc->per_microbatch);
    free(sc->mb_stage);
    free(sc->per_stage);
    sc->per_stage = NULL;
    sc->per_microbatch = pm;
    if (any_stage) {
        sc->mb_stage = ms;
    } else {
        sc->mb_stage = NULL;
        free(ms);
    }
    sc->n_microbatches = n;
    sc->compute.forward_ms = mean[0];
    sc->compute.backward_ms = mean[1];
    sc->compute.weight_ms = mean[2];
    sc->activation_mb = mean[3];
    sc->has_memory_limit = true;
    sc->memory_limit = cx.limit_gb;
    int pipelines = n > 0 && r->pipeline != NULL ? r->pipeline[n - 1] + 1 : 1;
    sc->workload->planned =
        (struct ps_wl_planned){.valid = true,
                               .slices = r->slices,
                               .pipelines = pipelines,
                               .chunks = n,
                               .recompute_share = total > 0 ? replay / total : 0};
    return PS_OK;
}

enum ps_status ps_workload_apply_raw(struct ps_scenario *sc, struct ps_diag *d)
{
    const struct ps_workload *w = sc->workload;
    assert(w != NULL);
    struct ps_chunking ch;
    ps_chunking_init(&ch);
    int *order = malloc((size_t)(w->n_seqs > 0 ? w->n_seqs : 1) * sizeof *order);
    enum ps_status st = order != NULL ? PS_OK : PS_ENOMEM;
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, sc->n_stages);
    for (int i = 0; i < w->n_seqs && st == PS_OK; i++) {
        order[i] = i;
        st = ps_chunking_push(&ch, PS_CHUNK_BATCHED, -1, 0, 1, 0, 0);
        if (st == PS_OK)
            st = ps_chunking_add_member(&ch, i, w->lengths[i]);
        if (st == PS_OK)
            ps_cost_chunk(&cx, &ch, &ch.chunks[ch.n - 1]);
    }
    if (st == PS_ENOMEM) {
        ps_diag_set(d, st, "workload", NULL);
    } else {
        struct ps_wl_result r = {.chunks = &ch, .order = order};
        st = ps_workload_apply(sc, &r, d);
        if (st == PS_OK)
            sc->workload->planned.valid = false;
    }
    free(order);
    ps_chunking_fini(&ch);
    return st;
}
