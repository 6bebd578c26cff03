/* The `workload` section of a scenario (docs/formats.md) read strictly and written back,
 * workload files (--workload FILE: a JSON workload or a file of lengths) and the reader of
 * length files (one length per line, or CSV). */
#include "core/io/io.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/io/json.h"
#include "core/io/strict.h"

#define PATH_MAX_LEN PS_IO_PATH_MAX

/* ---- small readers ------------------------------------------------------------------------ */

static enum ps_status opt_int(const cJSON *obj, const char *key, const char *base, int *out,
                              struct ps_diag *d)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return PS_OK;
    char p[PATH_MAX_LEN];
    ps_io_path_key(p, base, key);
    return ps_io_as_int(v, p, out, d);
}

/* "auto" (-> 0) or an integer >= 1. */
static enum ps_status opt_auto_int(const cJSON *obj, const char *key, const char *base, int *out,
                                   struct ps_diag *d)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return PS_OK;
    char p[PATH_MAX_LEN];
    ps_io_path_key(p, base, key);
    if (cJSON_IsString(v)) {
        if (strcasecmp(v->valuestring, "auto") != 0)
            return ps_diag_set(d, PS_EINVAL, p, "must be auto or an integer (got '%.40s')",
                               v->valuestring);
        *out = 0;
        return PS_OK;
    }
    enum ps_status st = ps_io_as_int(v, p, out, d);
    if (st == PS_OK && *out < 1)
        return ps_diag_set(d, PS_EINVAL, p, "must be auto or an integer >= 1 (got %d)", *out);
    return st;
}

/* A name from a parse function (enum value), e.g. granularity. */
static enum ps_status opt_name(const cJSON *obj, const char *key, const char *base,
                               int (*parse)(const char *), const char *choices, int *out,
                               struct ps_diag *d)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return PS_OK;
    char p[PATH_MAX_LEN];
    ps_io_path_key(p, base, key);
    if (!cJSON_IsString(v))
        return ps_diag_set(d, PS_EINVAL, p, "must be one of %s (got %s)", choices,
                           ps_json_type_name(v));
    int x = parse(v->valuestring);
    if (x < 0)
        return ps_diag_set(d, PS_EINVAL, p, "must be one of %s (got '%.40s')", choices,
                           v->valuestring);
    *out = x;
    return PS_OK;
}

static enum ps_status opt_object(const cJSON *obj, const char *key, const char *base,
                                 const char *const *keys, const cJSON **out, char *path,
                                 struct ps_diag *d)
{
    *out = cJSON_GetObjectItemCaseSensitive(obj, key);
    ps_io_path_key(path, base, key);
    if (*out == NULL || cJSON_IsNull(*out)) {
        *out = NULL;
        return PS_OK;
    }
    enum ps_status st = ps_io_want_object(*out, path, d);
    if (st == PS_OK && keys != NULL)
        st = ps_io_check_keys(*out, path, keys, d);
    return st;
}

/* ---- sections -------------------------------------------------------------------------------- */

static enum ps_status read_sequences(const cJSON *v, const char *path, struct ps_workload *w,
                                     struct ps_diag *d)
{
    if (!cJSON_IsArray(v))
        return ps_diag_set(d, PS_EINVAL, path, "must be an array of lengths (got %s)",
                           ps_json_type_name(v));
    int n = cJSON_GetArraySize(v);
    if (n > PS_MAX_MICROBATCHES)
        return ps_diag_set(d, PS_EINVAL, path, "at most %d sequences (got %d)", PS_MAX_MICROBATCHES,
                           n);
    int *len = malloc((size_t)(n > 0 ? n : 1) * sizeof *len);
    if (len == NULL)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    int i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        char q[PATH_MAX_LEN];
        ps_io_path_index(q, path, i);
        enum ps_status st = ps_io_as_int(e, q, &len[i], d);
        if (st != PS_OK) {
            free(len);
            return st;
        }
    }
    enum ps_status st = ps_workload_set_lengths(w, len, n);
    free(len);
    return st == PS_OK ? PS_OK : ps_diag_set(d, st, path, NULL);
}

static enum ps_status read_generator(const cJSON *v, const char *path, struct ps_workload *w,
                                     struct ps_diag *d)
{
    static const char *const by_dist[][6] = {
        {"distribution", "seed", "tokens", NULL},
        {"distribution", "seed", "min_tokens", "max_tokens", NULL},
        {"distribution", "seed", "median_tokens", "sigma", NULL},
        {"distribution", "seed", "min_tokens", "max_tokens", "exponent", NULL},
    };
    enum ps_status st;
    char p[PATH_MAX_LEN];
    if ((st = ps_io_want_object(v, path, d)))
        return st;
    int dist = -1;
    if ((st = opt_name(v, "distribution", path, ps_wl_dist_parse, "fixed, uniform, lognormal, zipf",
                       &dist, d)))
        return st;
    if (dist < 0) {
        ps_io_path_key(p, path, "distribution");
        return ps_diag_set(d, PS_EINVAL, p, "missing (required: fixed, uniform, lognormal, zipf)");
    }
    if ((st = ps_io_check_keys(v, path, by_dist[dist], d)))
        return st;
    struct ps_wl_generator *g = &w->gen;
    g->dist = (enum ps_wl_dist)dist;
    double seed = 1;
    if ((st = ps_io_get_number(v, "seed", path, false, 1, &seed, d)))
        return st;
    ps_io_path_key(p, path, "seed");
    if (!(seed >= 0 && seed <= 9007199254740992.0 && seed == floor(seed)))
        return ps_diag_set(d, PS_EINVAL, p, "must be an integer in 0..2^53 (got %g)", seed);
    g->seed = (uint64_t)seed;
    switch (g->dist) {
    case PS_WL_FIXED:
        return ps_io_get_int(v, "tokens", path, &g->tokens, d);
    case PS_WL_UNIFORM:
        if ((st = ps_io_get_int(v, "min_tokens", path, &g->min_tokens, d)))
            return st;
        return ps_io_get_int(v, "max_tokens", path, &g->max_tokens, d);
    case PS_WL_LOGNORMAL:
        if ((st = ps_io_get_number(v, "median_tokens", path, true, 0, &g->median_tokens, d)))
            return st;
        return ps_io_get_number(v, "sigma", path, true, 0, &g->sigma, d);
    case PS_WL_ZIPF:
        if ((st = ps_io_get_int(v, "min_tokens", path, &g->min_tokens, d)) ||
            (st = ps_io_get_int(v, "max_tokens", path, &g->max_tokens, d)))
            return st;
        return ps_io_get_number(v, "exponent", path, true, 0, &g->exponent, d);
    }
    return PS_OK;
}

static enum ps_status read_coef(const cJSON *cost, const char *key, const char *base,
                                struct ps_cost_coef *k, struct ps_diag *d)
{
    static const char *const keys[] = {"alpha1_ms", "alpha2_ms", "beta1_ms", NULL};
    char p[PATH_MAX_LEN];
    const cJSON *o;
    enum ps_status st = opt_object(cost, key, base, keys, &o, p, d);
    if (st != PS_OK || o == NULL)
        return st;
    if ((st = ps_io_get_number(o, "alpha1_ms", p, false, k->alpha1_ms, &k->alpha1_ms, d)) ||
        (st = ps_io_get_number(o, "alpha2_ms", p, false, k->alpha2_ms, &k->alpha2_ms, d)) ||
        (st = ps_io_get_number(o, "beta1_ms", p, false, k->beta1_ms, &k->beta1_ms, d)))
        return st;
    return PS_OK;
}

static enum ps_status read_cost(const cJSON *obj, const char *base, struct ps_workload *w,
                                struct ps_diag *d)
{
    static const char *const keys[] = {"forward", "backward", "weight", "alltoall", NULL};
    static const char *const a2a_keys[] = {"bandwidth_gbps", "latency_ms", NULL};
    char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
    const cJSON *o, *a;
    enum ps_status st = opt_object(obj, "cost", base, keys, &o, p, d);
    if (st != PS_OK || o == NULL)
        return st;
    if ((st = read_coef(o, "forward", p, &w->fwd, d)) ||
        (st = read_coef(o, "backward", p, &w->bwd, d)) ||
        (st = read_coef(o, "weight", p, &w->wgt, d)) ||
        (st = opt_object(o, "alltoall", p, a2a_keys, &a, q, d)))
        return st;
    if (a != NULL && ((st = ps_io_get_number(a, "bandwidth_gbps", q, false, w->a2a_bandwidth_gbps,
                                             &w->a2a_bandwidth_gbps, d)) ||
                      (st = ps_io_get_number(a, "latency_ms", q, false, w->a2a_latency_ms,
                                             &w->a2a_latency_ms, d))))
        return st;
    return PS_OK;
}

static enum ps_status read_model(const cJSON *obj, const char *base, struct ps_workload *w,
                                 struct ps_diag *d)
{
    static const char *const keys[] = {"layers", "hidden",   "kv_hidden", "vocab",
                                       "bytes",  "params_b", NULL};
    char p[PATH_MAX_LEN];
    const cJSON *o;
    enum ps_status st = opt_object(obj, "model", base, keys, &o, p, d);
    if (st != PS_OK || o == NULL)
        return st;
    struct ps_wl_model *m = &w->model;
    if ((st = opt_int(o, "layers", p, &m->layers, d)) ||
        (st = opt_int(o, "hidden", p, &m->hidden, d)) ||
        (st = opt_int(o, "kv_hidden", p, &m->kv_hidden, d)) ||
        (st = opt_int(o, "vocab", p, &m->vocab, d)) ||
        (st = ps_io_get_number(o, "bytes", p, false, m->bytes, &m->bytes, d)) ||
        (st = ps_io_get_number(o, "params_b", p, false, m->params_b, &m->params_b, d)))
        return st;
    return PS_OK;
}

/* A number whose absence (or null) means "derived": *has says whether it was given. */
static enum ps_status opt_derived(const cJSON *o, const char *key, const char *base, double *out,
                                  bool *has, struct ps_diag *d)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *has = v != NULL && !cJSON_IsNull(v);
    if (!*has)
        return PS_OK;
    return ps_io_get_number(o, key, base, true, 0, out, d);
}

static enum ps_status read_memory(const cJSON *obj, const char *base, struct ps_workload *w,
                                  struct ps_diag *d)
{
    static const char *const keys[] = {"hbm_gb",      "reserve_gb",   "model_states_gb",
                                       "token_bytes", "logits_bytes", NULL};
    char p[PATH_MAX_LEN];
    const cJSON *o;
    enum ps_status st = opt_object(obj, "memory", base, keys, &o, p, d);
    if (st != PS_OK || o == NULL)
        return st;
    struct ps_wl_memory *m = &w->mem;
    if ((st = ps_io_get_number(o, "hbm_gb", p, false, m->hbm_gb, &m->hbm_gb, d)) ||
        (st = ps_io_get_number(o, "reserve_gb", p, false, m->reserve_gb, &m->reserve_gb, d)) ||
        (st = opt_derived(o, "model_states_gb", p, &m->model_states_gb, &m->has_model_states, d)) ||
        (st = opt_derived(o, "token_bytes", p, &m->token_bytes, &m->has_token_bytes, d)) ||
        (st = opt_derived(o, "logits_bytes", p, &m->logits_bytes, &m->has_logits_bytes, d)))
        return st;
    return PS_OK;
}

static int parse_gran(const char *s)
{
    return ps_granularity_parse(s);
}
static int parse_ckpt(const char *s)
{
    return ps_ckpt_policy_parse(s);
}
static int parse_order(const char *s)
{
    return ps_wl_order_parse(s);
}

static enum ps_status read_plan(const cJSON *obj, const char *base, struct ps_workload *w,
                                struct ps_diag *d)
{
    static const char *const keys[] = {
        "granularity", "slices",    "max_slices", "token_capacity",    "slice_tokens",
        "order",       "pipelines", "checkpoint", "ckpt_time_limit_s", NULL};
    char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
    const cJSON *o;
    enum ps_status st = opt_object(obj, "plan", base, keys, &o, p, d);
    if (st != PS_OK || o == NULL)
        return st;
    struct ps_wl_plan *pl = &w->plan;
    int g = (int)pl->granularity, c = (int)pl->checkpoint, od = (int)pl->order;
    if ((st = opt_name(o, "granularity", p, parse_gran, "batch, token, elastic, even", &g, d)) ||
        (st = opt_name(o, "checkpoint", p, parse_ckpt, "none, full, uniform, adaptive", &c, d)) ||
        (st = opt_name(o, "order", p, parse_order, "longest_first, given", &od, d)) ||
        (st = opt_auto_int(o, "slices", p, &pl->slices, d)) ||
        (st = opt_auto_int(o, "pipelines", p, &pl->pipelines, d)) ||
        (st = opt_int(o, "max_slices", p, &pl->max_slices, d)) ||
        (st = opt_int(o, "slice_tokens", p, &pl->slice_tokens, d)) ||
        (st = ps_io_get_number(o, "ckpt_time_limit_s", p, false, pl->ckpt_time_limit_s,
                               &pl->ckpt_time_limit_s, d)))
        return st;
    pl->granularity = (enum ps_granularity)g;
    pl->checkpoint = (enum ps_ckpt_policy)c;
    pl->order = (enum ps_wl_order)od;
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(o, "token_capacity");
    ps_io_path_key(q, p, "token_capacity");
    if (cap != NULL && !cJSON_IsNull(cap)) {
        if ((st = ps_io_as_int(cap, q, &pl->token_capacity, d)))
            return st;
        if (pl->token_capacity < 1)
            return ps_diag_set(d, PS_EINVAL, q, "must be null or an integer >= 1 (got %d)",
                               pl->token_capacity);
    } else if (cap != NULL) {
        pl->token_capacity = 0;
    }
    return PS_OK;
}

/* What the last planning chose: read back so that a written file reads and writes the same,
 * never used to plan. */
static enum ps_status read_planned(const cJSON *obj, const char *base, struct ps_workload *w,
                                   struct ps_diag *d)
{
    static const char *const keys[] = {"slices", "pipelines", "chunks", "recompute_share", NULL};
    char p[PATH_MAX_LEN];
    const cJSON *o;
    enum ps_status st = opt_object(obj, "planned", base, keys, &o, p, d);
    if (st != PS_OK || o == NULL)
        return st;
    struct ps_wl_planned *pd = &w->planned;
    if ((st = opt_int(o, "slices", p, &pd->slices, d)) ||
        (st = opt_int(o, "pipelines", p, &pd->pipelines, d)) ||
        (st = opt_int(o, "chunks", p, &pd->chunks, d)) ||
        (st = ps_io_get_number(o, "recompute_share", p, false, 0, &pd->recompute_share, d)))
        return st;
    pd->valid = true;
    return PS_OK;
}

/* The lengths source: exactly one of sequences, file, generator. */
static enum ps_status read_source(const cJSON *obj, const char *base, const char *base_dir,
                                  struct ps_workload *w, struct ps_diag *d)
{
    char p[PATH_MAX_LEN];
    const cJSON *seqs = cJSON_GetObjectItemCaseSensitive(obj, "sequences");
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(obj, "file");
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(obj, "generator");
    int given = (seqs != NULL) + (file != NULL) + (gen != NULL);
    if (given != 1)
        return ps_diag_set(d, PS_EINVAL, base[0] ? base : "workload",
                           "give exactly one of sequences, file, generator (got %d)", given);
    enum ps_status st;
    if (seqs != NULL) {
        ps_io_path_key(p, base, "sequences");
        w->source = PS_WL_SEQUENCES;
        return read_sequences(seqs, p, w, d);
    }
    if (gen != NULL) {
        ps_io_path_key(p, base, "generator");
        w->source = PS_WL_GENERATOR;
        return read_generator(gen, p, w, d);
    }
    ps_io_path_key(p, base, "file");
    if ((st = ps_io_get_string(obj, "file", base, true, w->file, sizeof w->file, d)))
        return st;
    if (w->file[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, p, "must be a file name");
    w->source = PS_WL_FILE;
    char full[PS_WL_FILE_MAX * 2];
    if (base_dir != NULL && base_dir[0] != '\0' && w->file[0] != '/')
        snprintf(full, sizeof full, "%s/%s", base_dir, w->file);
    else
        snprintf(full, sizeof full, "%s", w->file);
    int *len = NULL, n = 0;
    struct ps_diag fd;
    ps_diag_clear(&fd);
    st = ps_lengths_load(full, &len, &n, &fd);
    if (st != PS_OK)
        return ps_diag_set(d, st, p, "%s%s%s", fd.path, fd.path[0] ? ": " : "", fd.msg);
    st = ps_workload_set_lengths(w, len, n);
    free(len);
    return st == PS_OK ? PS_OK : ps_diag_set(d, st, p, NULL);
}

static enum ps_status read_workload(const cJSON *obj, const char *base, const char *base_dir,
                                    struct ps_workload *w, struct ps_diag *d)
{
    static const char *const keys[] = {"format",     "sequences", "file",  "generator", "batch",
                                       "cap_tokens", "sp",        "model", "cost",      "memory",
                                       "plan",       "planned",   NULL};
    enum ps_status st;
    char p[PATH_MAX_LEN];
    if ((st = ps_io_want_object(obj, base, d)) || (st = ps_io_check_keys(obj, base, keys, d)))
        return st;
    if ((st = read_source(obj, base, base_dir, w, d)) ||
        (st = opt_int(obj, "cap_tokens", base, &w->cap_tokens, d)) ||
        (st = opt_int(obj, "sp", base, &w->sp, d)) || (st = read_model(obj, base, w, d)) ||
        (st = read_cost(obj, base, w, d)) || (st = read_memory(obj, base, w, d)) ||
        (st = read_plan(obj, base, w, d)))
        return st;
    if ((st = read_planned(obj, base, w, d)))
        return st;
    const cJSON *batch = cJSON_GetObjectItemCaseSensitive(obj, "batch");
    ps_io_path_key(p, base, "batch");
    if (w->source == PS_WL_GENERATOR) {
        w->batch = 512;
        if (batch != NULL && (st = ps_io_as_int(batch, p, &w->batch, d)))
            return st;
        /* the generator's own checks come first: a distribution with no mass is named */
        struct ps_diag gd;
        ps_diag_clear(&gd);
        if ((st = ps_workload_draw(w, &gd)) != PS_OK)
            return ps_diag_set(d, st, gd.path, "%s", gd.msg);
    } else {
        w->batch = w->n_seqs;
        int b;
        if (batch != NULL && (st = ps_io_as_int(batch, p, &b, d)))
            return st;
        if (batch != NULL && b != w->n_seqs)
            return ps_diag_set(d, PS_EINVAL, p, "is %d but %d sequences are given", b, w->n_seqs);
    }
    return PS_OK;
}

enum ps_status ps_workload_from_cjson(const cJSON *obj, const char *path, const char *base_dir,
                                      struct ps_workload **out, struct ps_diag *d)
{
    *out = NULL;
    struct ps_workload *w = ps_workload_new();
    if (w == NULL)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    enum ps_status st = read_workload(obj, path, base_dir, w, d);
    if (st != PS_OK) {
        /* paths inside the section are "workload.x" already when path is "workload"; a
         * prefixed scenario ("scenario.workload") keeps its prefix */
        ps_workload_free(w);
        return st;
    }
    *out = w;
    return PS_OK;
}

/* ---- writing --------------------------------------------------------------------------------- */

static bool add_num(cJSON *o, const char *key, double x)
{
    return cJSON_AddNumberToObject(o, key, x) != NULL;
}

static cJSON *coef_obj(const struct ps_cost_coef *k)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !add_num(o, "alpha1_ms", k->alpha1_ms) ||
        !add_num(o, "alpha2_ms", k->alpha2_ms) || !add_num(o, "beta1_ms", k->beta1_ms)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static bool add_generator(cJSON *root, const struct ps_wl_generator *g)
{
    cJSON *o = cJSON_AddObjectToObject(root, "generator");
    if (o == NULL || !cJSON_AddStringToObject(o, "distribution", ps_wl_dist_str(g->dist)) ||
        !add_num(o, "seed", (double)g->seed))
        return false;
    switch (g->dist) {
    case PS_WL_FIXED:
        return add_num(o, "tokens", g->tokens);
    case PS_WL_UNIFORM:
        return add_num(o, "min_tokens", g->min_tokens) && add_num(o, "max_tokens", g->max_tokens);
    case PS_WL_LOGNORMAL:
        return add_num(o, "median_tokens", g->median_tokens) && add_num(o, "sigma", g->sigma);
    case PS_WL_ZIPF:
        return add_num(o, "min_tokens", g->min_tokens) && add_num(o, "max_tokens", g->max_tokens) &&
               add_num(o, "exponent", g->exponent);
    }
    return false;
}

static bool add_plan(cJSON *root, const struct ps_wl_plan *p)
{
    cJSON *o = cJSON_AddObjectToObject(root, "plan");
    if (o == NULL || !cJSON_AddStringToObject(o, "granularity", ps_granularity_str(p->granularity)))
        return false;
    if (p->slices > 0 ? !add_num(o, "slices", p->slices)
                      : cJSON_AddStringToObject(o, "slices", "auto") == NULL)
        return false;
    if (!add_num(o, "max_slices", p->max_slices))
        return false;
    if (p->token_capacity > 0 ? !add_num(o, "token_capacity", p->token_capacity)
                              : cJSON_AddNullToObject(o, "token_capacity") == NULL)
        return false;
    if (!add_num(o, "slice_tokens", p->slice_tokens) ||
        !cJSON_AddStringToObject(o, "order", ps_wl_order_str(p->order)))
        return false;
    if (p->pipelines > 0 ? !add_num(o, "pipelines", p->pipelines)
                         : cJSON_AddStringToObject(o, "pipelines", "auto") == NULL)
        return false;
    return cJSON_AddStringToObject(o, "checkpoint", ps_ckpt_policy_str(p->checkpoint)) != NULL &&
           add_num(o, "ckpt_time_limit_s", p->ckpt_time_limit_s);
}

static bool build(cJSON *root, const struct ps_workload *w)
{
    if (w->source == PS_WL_GENERATOR) {
        if (!add_generator(root, &w->gen) || !add_num(root, "batch", w->batch))
            return false;
    } else {
        /* a file's lengths are written inline: the scenario needs no other file */
        cJSON *arr = cJSON_AddArrayToObject(root, "sequences");
        if (arr == NULL)
            return false;
        for (int i = 0; i < w->n_seqs; i++) {
            cJSON *n = cJSON_CreateNumber(w->lengths[i]);
            if (n == NULL)
                return false;
            cJSON_AddItemToArray(arr, n);
        }
    }
    if (!add_num(root, "cap_tokens", w->cap_tokens) || !add_num(root, "sp", w->sp))
        return false;
    cJSON *m = cJSON_AddObjectToObject(root, "model");
    if (m == NULL || !add_num(m, "layers", w->model.layers) ||
        !add_num(m, "hidden", w->model.hidden) || !add_num(m, "kv_hidden", w->model.kv_hidden) ||
        !add_num(m, "bytes", w->model.bytes) || !add_num(m, "params_b", w->model.params_b) ||
        !add_num(m, "vocab", w->model.vocab))
        return false;
    cJSON *cost = cJSON_AddObjectToObject(root, "cost"), *k;
    if (cost == NULL)
        return false;
    const struct ps_cost_coef *ks[3] = {&w->fwd, &w->bwd, &w->wgt};
    static const char *const names[3] = {"forward", "backward", "weight"};
    for (int i = 0; i < 3; i++) {
        if ((k = coef_obj(ks[i])) == NULL)
            return false;
        cJSON_AddItemToObject(cost, names[i], k);
    }
    cJSON *a = cJSON_AddObjectToObject(cost, "alltoall");
    if (a == NULL || !add_num(a, "bandwidth_gbps", w->a2a_bandwidth_gbps) ||
        !add_num(a, "latency_ms", w->a2a_latency_ms))
        return false;
    cJSON *mem = cJSON_AddObjectToObject(root, "memory");
    if (mem == NULL || !add_num(mem, "hbm_gb", w->mem.hbm_gb) ||
        !add_num(mem, "reserve_gb", w->mem.reserve_gb) ||
        (w->mem.has_model_states && !add_num(mem, "model_states_gb", w->mem.model_states_gb)) ||
        (w->mem.has_token_bytes && !add_num(mem, "token_bytes", w->mem.token_bytes)) ||
        (w->mem.has_logits_bytes && !add_num(mem, "logits_bytes", w->mem.logits_bytes)))
        return false;
    if (!add_plan(root, &w->plan))
        return false;
    if (w->planned.valid) {
        cJSON *pd = cJSON_AddObjectToObject(root, "planned");
        if (pd == NULL || !add_num(pd, "slices", w->planned.slices) ||
            !add_num(pd, "pipelines", w->planned.pipelines) ||
            !add_num(pd, "chunks", w->planned.chunks) ||
            !add_num(pd, "recompute_share", w->planned.recompute_share))
            return false;
    }
    return true;
}

cJSON *ps_workload_to_cjson(const struct ps_workload *w)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL || !build(root, w)) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
