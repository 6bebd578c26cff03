/* Variable-length workloads: the batch of sequences, the seeded generators, validation
 * with field paths, and the names of the planning choices. The cost model is in
 * core/workload_cost.c, the step from planned chunks to microbatches in
 * core/workload_apply.c. */
#include "core/workload.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- lifetime ---------------------------------------------------------------------------- */

struct ps_workload *ps_workload_new(void)
{
    struct ps_workload *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->source = PS_WL_SEQUENCES;
    w->gen.dist = PS_WL_LOGNORMAL;
    w->gen.seed = 1;
    w->cap_tokens = 131072;
    w->sp = 8;
    /* The illustrative default set (docs/formats.md): a 13B-class model on A800-like GPUs
     * at an effective 120 TFLOP/s; not measured. */
    w->model = (struct ps_wl_model){.layers = 40,
                                    .hidden = 5120,
                                    .kv_hidden = 5120,
                                    .vocab = 32000,
                                    .bytes = 2,
                                    .params_b = 13};
    w->fwd = (struct ps_cost_coef){.alpha1_ms = 3.4e-6, .alpha2_ms = 0.22, .beta1_ms = 40};
    w->bwd = (struct ps_cost_coef){.alpha1_ms = 8.5e-6, .alpha2_ms = 0.22, .beta1_ms = 40};
    w->wgt = (struct ps_cost_coef){.alpha1_ms = 0, .alpha2_ms = 0.22, .beta1_ms = 0};
    w->a2a_bandwidth_gbps = 1200;
    w->a2a_latency_ms = 0.03;
    w->mem.hbm_gb = 80;
    w->mem.reserve_gb = 4;
    w->plan = (struct ps_wl_plan){.granularity = PS_GRAN_ELASTIC,
                                  .slices = 0,
                                  .max_slices = 16,
                                  .token_capacity = 0,
                                  .slice_tokens = 8192,
                                  .order = PS_ORDER_LONGEST_FIRST,
                                  .pipelines = 0,
                                  .checkpoint = PS_CKPT_ADAPTIVE,
                                  .ckpt_time_limit_s = 10.0};
    return w;
}

void ps_workload_free(struct ps_workload *w)
{
    if (w == NULL)
        return;
    free(w->lengths);
    free(w);
}

struct ps_workload *ps_workload_dup(const struct ps_workload *w)
{
    struct ps_workload *c = malloc(sizeof *c);
    if (c == NULL)
        return NULL;
    *c = *w;
    c->lengths = NULL;
    if (w->n_seqs > 0) {
        c->lengths = malloc((size_t)w->n_seqs * sizeof *c->lengths);
        if (c->lengths == NULL) {
            free(c);
            return NULL;
        }
        memcpy(c->lengths, w->lengths, (size_t)w->n_seqs * sizeof *c->lengths);
    }
    return c;
}

enum ps_status ps_workload_set_lengths(struct ps_workload *w, const int *lengths, int n)
{
    int *p = NULL;
    if (n > 0) {
        p = malloc((size_t)n * sizeof *p);
        if (p == NULL)
            return PS_ENOMEM;
        memcpy(p, lengths, (size_t)n * sizeof *p);
    }
    free(w->lengths);
    w->lengths = p;
    w->n_seqs = n > 0 ? n : 0;
    return PS_OK;
}

/* ---- the generators ------------------------------------------------------------------------ */

/* splitmix64 (Steele, Lea, Flood): small, fast, and the same on every machine. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double next_unit(uint64_t *state)
{
    return (double)(next_u64(state) >> 11) * 0x1.0p-53;
}

static enum ps_status check_generator(const struct ps_workload *w, struct ps_diag *d)
{
    const struct ps_wl_generator *g = &w->gen;
    if (w->batch < 1 || w->batch > PS_MAX_MICROBATCHES)
        return ps_diag_set(d, PS_EINVAL, "workload.batch",
                           "must be an integer in 1..%d sequences (got %d)", PS_MAX_MICROBATCHES,
                           w->batch);
    switch (g->dist) {
    case PS_WL_FIXED:
        if (g->tokens < 1)
            return ps_diag_set(d, PS_EINVAL, "workload.generator.tokens",
                               "must be >= 1 token (got %d)", g->tokens);
        break;
    case PS_WL_UNIFORM:
    case PS_WL_ZIPF:
        if (g->min_tokens < 1)
            return ps_diag_set(d, PS_EINVAL, "workload.generator.min_tokens",
                               "must be >= 1 token (got %d)", g->min_tokens);
        if (g->max_tokens < g->min_tokens)
            return ps_diag_set(d, PS_EINVAL, "workload.generator",
                               "%s range [%d, %d] is empty (no mass)", ps_wl_dist_str(g->dist),
                               g->min_tokens, g->max_tokens);
        if (g->dist == PS_WL_ZIPF && !(isfinite(g->exponent) && g->exponent > 0))
            return ps_diag_set(d, PS_EINVAL, "workload.generator.exponent",
                               "must be a number > 0 (got %g)", g->exponent);
        break;
    case PS_WL_LOGNORMAL:
        if (!(isfinite(g->median_tokens) && g->median_tokens > 0))
            return ps_diag_set(d, PS_EINVAL, "workload.generator.median_tokens",
                               "must be a number > 0 (got %g)", g->median_tokens);
        if (!(isfinite(g->sigma) && g->sigma >= 0 && g->sigma <= 20))
            return ps_diag_set(d, PS_EINVAL, "workload.generator.sigma",
                               "must be a number in 0..20 (got %g)", g->sigma);
        break;
    default:
        return ps_diag_set(d, PS_EINVAL, "workload.generator.distribution", "unknown distribution");
    }
    return PS_OK;
}

static int clamp_len(double x, int lo, int cap)
{
    if (!(x >= lo)) /* also NaN */
        return lo;
    if (x >= cap)
        return cap;
    return (int)x;
}

static int draw_one(const struct ps_wl_generator *g, int cap, uint64_t *st)
{
    switch (g->dist) {
    case PS_WL_FIXED:
        return g->tokens < cap ? g->tokens : cap;
    case PS_WL_UNIFORM: {
        double span = (double)g->max_tokens - (double)g->min_tokens + 1;
        return clamp_len(g->min_tokens + floor(next_unit(st) * span), g->min_tokens, cap);
    }
    case PS_WL_LOGNORMAL: {
        double u1 = 1.0 - next_unit(st); /* (0, 1] */
        double u2 = next_unit(st);
        double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
        return clamp_len((double)llround(g->median_tokens * exp(g->sigma * z)), 1, cap);
    }
    case PS_WL_ZIPF: {
        /* a continuous power law on [a, b+1), inverted and rounded down */
        double a = g->min_tokens, b1 = (double)g->max_tokens + 1, s = g->exponent;
        double u = next_unit(st), x;
        if (fabs(s - 1.0) < 1e-12) {
            x = a * pow(b1 / a, u);
        } else {
            double lo = pow(a, 1 - s), hi = pow(b1, 1 - s);
            x = pow(lo + u * (hi - lo), 1 / (1 - s));
        }
        int v = clamp_len(floor(x), g->min_tokens, g->max_tokens);
        return v < cap ? v : cap;
    }
    }
    return 1;
}

enum ps_status ps_workload_draw(struct ps_workload *w, struct ps_diag *d)
{
    enum ps_status st = check_generator(w, d);
    if (st != PS_OK)
        return st;
    if (w->cap_tokens < 1 || w->cap_tokens > PS_WL_MAX_CAP)
        return ps_diag_set(d, PS_EINVAL, "workload.cap_tokens",
                           "must be an integer in 1..%d (got %d)", PS_WL_MAX_CAP, w->cap_tokens);
    int *p = malloc((size_t)w->batch * sizeof *p);
    if (p == NULL)
        return ps_diag_set(d, PS_ENOMEM, "workload", NULL);
    uint64_t state = w->gen.seed;
    for (int i = 0; i < w->batch; i++)
        p[i] = draw_one(&w->gen, w->cap_tokens, &state);
    free(w->lengths);
    w->lengths = p;
    w->n_seqs = w->batch;
    return PS_OK;
}

/* ---- validation ---------------------------------------------------------------------------- */

static enum ps_status check_coef(const struct ps_cost_coef *k, const char *name, bool needs_time,
                                 struct ps_diag *d)
{
    char path[96];
    const double v[3] = {k->alpha1_ms, k->alpha2_ms, k->beta1_ms};
    static const char *const keys[3] = {"alpha1_ms", "alpha2_ms", "beta1_ms"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "workload.cost.%s.%s", name, keys[i]);
        if (!(isfinite(v[i]) && v[i] >= 0 && v[i] <= 1e9))
            return ps_diag_set(d, PS_EINVAL, path, "must be a number in 0..1e9 (got %g)", v[i]);
    }
    if (needs_time && v[0] == 0 && v[1] == 0 && v[2] == 0) {
        snprintf(path, sizeof path, "workload.cost.%s", name);
        return ps_diag_set(d, PS_EINVAL, path,
                           "every coefficient is 0 (a chunk would take no time)");
    }
    return PS_OK;
}

static enum ps_status check_range(double x, double lo, double hi, const char *path,
                                  struct ps_diag *d)
{
    if (!(isfinite(x) && x >= lo && x <= hi))
        return ps_diag_set(d, PS_EINVAL, path, "must be a number in %g..%g (got %g)", lo, hi, x);
    return PS_OK;
}

static enum ps_status check_int(int x, int lo, int hi, const char *path, struct ps_diag *d)
{
    if (x < lo || x > hi)
        return ps_diag_set(d, PS_EINVAL, path, "must be an integer in %d..%d (got %d)", lo, hi, x);
    return PS_OK;
}

static enum ps_status check_model(const struct ps_workload *w, int n_stages, struct ps_diag *d)
{
    enum ps_status st;
    const struct ps_wl_model *m = &w->model;
    if ((st = check_int(m->layers, 1, 1000000, "workload.model.layers", d)) ||
        (st = check_int(m->hidden, 1, 100000000, "workload.model.hidden", d)) ||
        (st = check_int(m->kv_hidden, 1, 100000000, "workload.model.kv_hidden", d)) ||
        (st = check_int(m->vocab, 1, 100000000, "workload.model.vocab", d)) ||
        (st = check_range(m->bytes, 0.125, 64, "workload.model.bytes", d)) ||
        (st = check_range(m->params_b, 1e-6, 1e6, "workload.model.params_b", d)))
        return st;
    if (m->layers < n_stages)
        return ps_diag_set(d, PS_EINVAL, "workload.model.layers",
                           "must be at least the number of stages (%d): every stage holds a "
                           "layer (got %d)",
                           n_stages, m->layers);
    return PS_OK;
}

static enum ps_status check_memory(const struct ps_workload *w, int n_stages, struct ps_diag *d)
{
    enum ps_status st;
    const struct ps_wl_memory *mm = &w->mem;
    if ((st = check_range(mm->hbm_gb, 1e-9, 1e9, "workload.memory.hbm_gb", d)) ||
        (st = check_range(mm->reserve_gb, 0, 1e9, "workload.memory.reserve_gb", d)))
        return st;
    if (mm->has_model_states &&
        (st = check_range(mm->model_states_gb, 0, 1e9, "workload.memory.model_states_gb", d)))
        return st;
    if (mm->has_token_bytes &&
        (st = check_range(mm->token_bytes, 1e-9, 1e15, "workload.memory.token_bytes", d)))
        return st;
    if (mm->has_logits_bytes &&
        (st = check_range(mm->logits_bytes, 0, 1e15, "workload.memory.logits_bytes", d)))
        return st;
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, n_stages);
    if (!(cx.limit_gb > 0))
        return ps_diag_set(d, PS_EINVAL, "workload.memory",
                           "model states %.4g GB + reserve %.4g GB leave nothing of hbm_gb %.4g",
                           cx.model_states_gb, mm->reserve_gb, mm->hbm_gb);
    return PS_OK;
}

static enum ps_status check_plan(const struct ps_wl_plan *p, struct ps_diag *d)
{
    enum ps_status st;
    if ((unsigned)p->granularity > PS_GRAN_EVEN)
        return ps_diag_set(d, PS_EINVAL, "workload.plan.granularity", "unknown granularity");
    if ((unsigned)p->checkpoint > PS_CKPT_ADAPTIVE)
        return ps_diag_set(d, PS_EINVAL, "workload.plan.checkpoint", "unknown policy");
    if ((unsigned)p->order > PS_ORDER_GIVEN)
        return ps_diag_set(d, PS_EINVAL, "workload.plan.order", "unknown order");
    if ((st = check_int(p->slices, 0, PS_WL_MAX_SLICES, "workload.plan.slices", d)) ||
        (st = check_int(p->max_slices, 1, PS_WL_MAX_SLICES, "workload.plan.max_slices", d)) ||
        (st = check_int(p->token_capacity, 0, PS_WL_MAX_CAP, "workload.plan.token_capacity", d)) ||
        (st = check_int(p->slice_tokens, 1, PS_WL_MAX_CAP, "workload.plan.slice_tokens", d)) ||
        (st = check_int(p->pipelines, 0, PS_WL_MAX_PIPELINES, "workload.plan.pipelines", d)) ||
        (st = check_range(p->ckpt_time_limit_s, 1e-3, 3600, "workload.plan.ckpt_time_limit_s", d)))
        return st;
    return PS_OK;
}

enum ps_status ps_workload_validate(const struct ps_workload *w, int n_stages, struct ps_diag *d)
{
    enum ps_status st;
    assert(w != NULL);
    if ((st = check_int(w->cap_tokens, 1, PS_WL_MAX_CAP, "workload.cap_tokens", d)) ||
        (st = check_int(w->sp, 1, PS_WL_MAX_SP, "workload.sp", d)))
        return st;
    if (w->source == PS_WL_GENERATOR && (st = check_generator(w, d)) != PS_OK)
        return st;
    if (w->n_seqs < 1 || w->lengths == NULL)
        return ps_diag_set(d, PS_EINVAL,
                           w->source == PS_WL_FILE ? "workload.file" : "workload.sequences",
                           "the batch is empty (no sequence)");
    if (w->n_seqs > PS_MAX_MICROBATCHES)
        return ps_diag_set(d, PS_EINVAL, "workload.sequences", "at most %d sequences (got %d)",
                           PS_MAX_MICROBATCHES, w->n_seqs);
    for (int i = 0; i < w->n_seqs; i++) {
        char path[PS_WL_FILE_MAX + 64];
        if (w->source == PS_WL_FILE)
            snprintf(path, sizeof path, "workload.file (%s, sequence %d)", w->file, i + 1);
        else
            snprintf(path, sizeof path, "workload.sequences.%d", i);
        if (w->lengths[i] < 1)
            return ps_diag_set(d, PS_EINVAL, path, "must be >= 1 token (got %d)", w->lengths[i]);
        if (w->lengths[i] > w->cap_tokens)
            return ps_diag_set(d, PS_EINVAL, path, "%d tokens is longer than cap_tokens (%d)",
                               w->lengths[i], w->cap_tokens);
    }
    if ((st = check_model(w, n_stages, d)) || (st = check_coef(&w->fwd, "forward", true, d)) ||
        (st = check_coef(&w->bwd, "backward", true, d)) ||
        (st = check_coef(&w->wgt, "weight", false, d)) ||
        (st = check_range(w->a2a_bandwidth_gbps, 1e-9, 1e12,
                          "workload.cost.alltoall.bandwidth_gbps", d)) ||
        (st = check_range(w->a2a_latency_ms, 0, 1e9, "workload.cost.alltoall.latency_ms", d)) ||
        (st = check_memory(w, n_stages, d)) || (st = check_plan(&w->plan, d)))
        return st;
    return PS_OK;
}

/* ---- names -------------------------------------------------------------------------------- */

static const char *const gran_names[] = {"batch", "token", "elastic", "even"};
static const char *const ckpt_names[] = {"none", "full", "uniform", "adaptive"};
static const char *const dist_names[] = {"fixed", "uniform", "lognormal", "zipf"};
static const char *const order_names[] = {"longest_first", "given"};

#define N_OF(a) ((int)(sizeof(a) / sizeof(a)[0]))

static int parse_name(const char *s, const char *const *names, int n)
{
    if (s == NULL)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcasecmp(s, names[i]) == 0)
            return i;
    return -1;
}

const char *ps_granularity_str(enum ps_granularity g)
{
    return (unsigned)g < (unsigned)N_OF(gran_names) ? gran_names[g] : "?";
}

const char *ps_ckpt_policy_str(enum ps_ckpt_policy p)
{
    return (unsigned)p < (unsigned)N_OF(ckpt_names) ? ckpt_names[p] : "?";
}

const char *ps_wl_dist_str(enum ps_wl_dist dd)
{
    return (unsigned)dd < (unsigned)N_OF(dist_names) ? dist_names[dd] : "?";
}

const char *ps_wl_order_str(enum ps_wl_order o)
{
    return (unsigned)o < (unsigned)N_OF(order_names) ? order_names[o] : "?";
}

int ps_granularity_parse(const char *s)
{
    return parse_name(s, gran_names, N_OF(gran_names));
}

int ps_ckpt_policy_parse(const char *s)
{
    return parse_name(s, ckpt_names, N_OF(ckpt_names));
}

int ps_wl_dist_parse(const char *s)
{
    return parse_name(s, dist_names, N_OF(dist_names));
}

int ps_wl_order_parse(const char *s)
{
    return parse_name(s, order_names, N_OF(order_names));
}
