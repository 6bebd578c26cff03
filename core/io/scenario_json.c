/* Scenario files: the JSON mapping of SPEC section 2 (strict: unknown keys and wrong types
 * are errors that name the field) and the writer that gives the same scenario back. */
#include "core/io/io.h"
#include "core/io/file.h"
#include "core/io/json.h"
#include "core/io/strict.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN PS_IO_PATH_MAX

/* ---- reading ----------------------------------------------------------------------------- */

static const char *const link_keys[] = {"latency_ms", "bandwidth_gbps", NULL};

/* A LINK object; absent fields take `def` (free link: latency 0, unlimited bandwidth).
 * check_fields is false for a pair, whose object has more keys (checked by the caller). */
static enum ps_status read_link(const cJSON *v, const char *path, struct ps_link def,
                                bool check_fields, struct ps_link *out, struct ps_diag *d)
{
    enum ps_status st;
    if (v == NULL || cJSON_IsNull(v)) {
        *out = def;
        return PS_OK;
    }
    if ((st = ps_io_want_object(v, path, d)) ||
        (check_fields && (st = ps_io_check_keys(v, path, link_keys, d))) ||
        (st =
             ps_io_get_number(v, "latency_ms", path, false, def.latency_ms, &out->latency_ms, d)) ||
        (st = ps_io_get_number(v, "bandwidth_gbps", path, false, def.bandwidth_gbps,
                               &out->bandwidth_gbps, d)))
        return st;
    return PS_OK;
}

static const char *const compute_keys[] = {"forward_ms", "backward_ms", "weight_ms", NULL};

static enum ps_status read_dcs(const cJSON *v, const char *path, struct ps_scenario *sc,
                               struct ps_diag *d)
{
    static const char *const keys[] = {"name", "stages", "compute_scale", NULL};
    if (v == NULL)
        return ps_diag_set(d, PS_EINVAL, path, "missing (required)");
    if (!cJSON_IsArray(v))
        return ps_diag_set(d, PS_EINVAL, path, "must be an array (got %s)", ps_json_type_name(v));
    int n = cJSON_GetArraySize(v);
    if (n < 1 || n > PS_MAX_DCS)
        return ps_diag_set(d, PS_EINVAL, path, "must have 1 to %d datacenters (got %d)", PS_MAX_DCS,
                           n);
    sc->dcs = calloc((size_t)n, sizeof *sc->dcs);
    if (sc->dcs == NULL)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    sc->n_dcs = n;
    int i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        char p[PATH_MAX_LEN];
        enum ps_status st;
        struct ps_dc *dc = &sc->dcs[i];
        ps_io_path_index(p, path, i);
        if ((st = ps_io_want_object(e, p, d)) || (st = ps_io_check_keys(e, p, keys, d)) ||
            (st = ps_io_get_string(e, "name", p, true, dc->name, sizeof dc->name, d)) ||
            (st = ps_io_get_int(e, "stages", p, &dc->stages, d)) ||
            (st = ps_io_get_number(e, "compute_scale", p, false, 1.0, &dc->compute_scale, d)))
            return st;
        if (dc->name[0] == '\0') {
            char q[PATH_MAX_LEN];
            ps_io_path_key(q, p, "name");
            return ps_diag_set(d, PS_EINVAL, q, "must not be empty");
        }
        for (int j = 0; j < i; j++)
            if (strcmp(sc->dcs[j].name, dc->name) == 0) {
                char q[PATH_MAX_LEN];
                ps_io_path_key(q, p, "name");
                return ps_diag_set(d, PS_EINVAL, q, "duplicate datacenter name '%s'", dc->name);
            }
    }
    return PS_OK;
}

/* A pair's "from"/"to": a datacenter name or index. */
static enum ps_status read_dc_ref(const cJSON *obj, const char *key, const char *base,
                                  const struct ps_scenario *sc, int *out, struct ps_diag *d)
{
    char p[PATH_MAX_LEN];
    ps_io_path_key(p, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return ps_diag_set(d, PS_EINVAL, p, "missing (required)");
    if (cJSON_IsString(v)) {
        for (int i = 0; i < sc->n_dcs; i++)
            if (strcmp(sc->dcs[i].name, v->valuestring) == 0) {
                *out = i;
                return PS_OK;
            }
        return ps_diag_set(d, PS_EINVAL, p, "unknown datacenter '%.64s'", v->valuestring);
    }
    if (!cJSON_IsNumber(v))
        return ps_diag_set(d, PS_EINVAL, p, "must be a datacenter name or index (got %s)",
                           ps_json_type_name(v));
    enum ps_status st = ps_io_as_int(v, p, out, d);
    if (st)
        return st;
    if (*out < 0 || *out >= sc->n_dcs)
        return ps_diag_set(d, PS_EINVAL, p, "datacenter index out of range (0..%d)", sc->n_dcs - 1);
    return PS_OK;
}

static enum ps_status read_network(const cJSON *v, const char *path, struct ps_scenario *sc,
                                   struct ps_diag *d)
{
    static const char *const keys[] = {"intra_dc", "inter_dc", "pairs", "arrangement", NULL};
    static const char *const pair_keys[] = {"from", "to", "latency_ms", "bandwidth_gbps", NULL};
    const struct ps_link free_link = {0.0, 0.0};
    enum ps_status st;
    char p[PATH_MAX_LEN];
    if (v == NULL || cJSON_IsNull(v)) {
        sc->intra_dc = sc->inter_dc = free_link;
        return PS_OK;
    }
    if ((st = ps_io_want_object(v, path, d)) || (st = ps_io_check_keys(v, path, keys, d)))
        return st;
    ps_io_path_key(p, path, "intra_dc");
    if ((st = read_link(cJSON_GetObjectItemCaseSensitive(v, "intra_dc"), p, free_link, true,
                        &sc->intra_dc, d)))
        return st;
    ps_io_path_key(p, path, "inter_dc");
    if ((st = read_link(cJSON_GetObjectItemCaseSensitive(v, "inter_dc"), p, free_link, true,
                        &sc->inter_dc, d)))
        return st;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(v, "arrangement");
    ps_io_path_key(p, path, "arrangement");
    if (arr != NULL && !cJSON_IsNull(arr)) {
        if (!cJSON_IsString(arr))
            return ps_diag_set(d, PS_EINVAL, p, "must be a string (got %s)",
                               ps_json_type_name(arr));
        int a = ps_arrangement_parse(arr->valuestring);
        if (a < 0)
            return ps_diag_set(d, PS_EINVAL, p,
                               "must be decoupled, rendezvous or blocking (got '%.40s')",
                               arr->valuestring);
        sc->arrangement = (enum ps_arrangement)a;
    }
    const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(v, "pairs");
    ps_io_path_key(p, path, "pairs");
    if (pairs == NULL || cJSON_IsNull(pairs))
        return PS_OK;
    if (!cJSON_IsArray(pairs))
        return ps_diag_set(d, PS_EINVAL, p, "must be an array (got %s)", ps_json_type_name(pairs));
    int n = cJSON_GetArraySize(pairs);
    if (n > PS_MAX_DCS * PS_MAX_DCS)
        return ps_diag_set(d, PS_EINVAL, p, "too many pairs (%d)", n);
    if (n == 0)
        return PS_OK;
    sc->pairs = calloc((size_t)n, sizeof *sc->pairs);
    if (sc->pairs == NULL)
        return ps_diag_set(d, PS_ENOMEM, p, NULL);
    sc->n_pairs = n;
    int i = 0;
    for (const cJSON *e = pairs->child; e != NULL; e = e->next, i++) {
        char q[PATH_MAX_LEN];
        struct ps_pair *pr = &sc->pairs[i];
        ps_io_path_index(q, p, i);
        /* A pair overrides inter_dc; the fields it leaves out follow inter_dc. */
        if ((st = ps_io_want_object(e, q, d)) || (st = ps_io_check_keys(e, q, pair_keys, d)) ||
            (st = read_dc_ref(e, "from", q, sc, &pr->from, d)) ||
            (st = read_dc_ref(e, "to", q, sc, &pr->to, d)) ||
            (st = read_link(e, q, sc->inter_dc, false, &pr->link, d)))
            return st;
        const cJSON *lat = cJSON_GetObjectItemCaseSensitive(e, "latency_ms");
        const cJSON *bw = cJSON_GetObjectItemCaseSensitive(e, "bandwidth_gbps");
        pr->has_latency = lat != NULL && !cJSON_IsNull(lat);
        pr->has_bandwidth = bw != NULL && !cJSON_IsNull(bw);
        if (pr->from == pr->to) {
            char r[PATH_MAX_LEN];
            ps_io_path_key(r, q, "to");
            return ps_diag_set(d, PS_EINVAL, r, "must differ from \"from\"");
        }
        for (int j = 0; j < i; j++)
            if (sc->pairs[j].from == pr->from && sc->pairs[j].to == pr->to)
                return ps_diag_set(d, PS_EINVAL, q, "duplicate pair %s -> %s",
                                   sc->dcs[pr->from].name, sc->dcs[pr->to].name);
    }
    return PS_OK;
}

static enum ps_status read_compute(const cJSON *v, const char *path, struct ps_scenario *sc,
                                   struct ps_diag *d)
{
    static const char *const keys[] = {"forward_ms", "backward_ms", "weight_ms", "per_stage", NULL};
    enum ps_status st;
    char p[PATH_MAX_LEN];
    if (v == NULL)
        return ps_diag_set(d, PS_EINVAL, path, "missing (required)");
    if ((st = ps_io_want_object(v, path, d)) || (st = ps_io_check_keys(v, path, keys, d)) ||
        (st = ps_io_get_number(v, "forward_ms", path, true, 0, &sc->compute.forward_ms, d)) ||
        (st = ps_io_get_number(v, "backward_ms", path, true, 0, &sc->compute.backward_ms, d)) ||
        (st = ps_io_get_number(v, "weight_ms", path, true, 0, &sc->compute.weight_ms, d)))
        return st;
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(v, "per_stage");
    ps_io_path_key(p, path, "per_stage");
    if (ps == NULL || cJSON_IsNull(ps))
        return PS_OK;
    if (!cJSON_IsArray(ps))
        return ps_diag_set(d, PS_EINVAL, p, "must be an array (got %s)", ps_json_type_name(ps));
    int n = cJSON_GetArraySize(ps);
    if (n != sc->n_stages)
        return ps_diag_set(d, PS_EINVAL, p, "must have one entry per stage (%d), got %d",
                           sc->n_stages, n);
    sc->per_stage = calloc((size_t)n, sizeof *sc->per_stage);
    if (sc->per_stage == NULL)
        return ps_diag_set(d, PS_ENOMEM, p, NULL);
    int i = 0;
    for (const cJSON *e = ps->child; e != NULL; e = e->next, i++) {
        char q[PATH_MAX_LEN];
        struct ps_compute *c = &sc->per_stage[i];
        ps_io_path_index(q, p, i);
        /* An entry overrides only the keys it has; the others keep the defaults. */
        if ((st = ps_io_want_object(e, q, d)) || (st = ps_io_check_keys(e, q, compute_keys, d)) ||
            (st = ps_io_get_number(e, "forward_ms", q, false, sc->compute.forward_ms,
                                   &c->forward_ms, d)) ||
            (st = ps_io_get_number(e, "backward_ms", q, false, sc->compute.backward_ms,
                                   &c->backward_ms, d)) ||
            (st = ps_io_get_number(e, "weight_ms", q, false, sc->compute.weight_ms, &c->weight_ms,
                                   d)))
            return st;
    }
    return PS_OK;
}

static enum ps_status read_memory(const cJSON *v, const char *path, struct ps_scenario *sc,
                                  struct ps_diag *d)
{
    static const char *const keys[] = {"limit", "weight_share", NULL};
    enum ps_status st;
    sc->has_memory_limit = false;
    sc->memory_limit = 0;
    sc->weight_share = 0.5;
    if (v == NULL || cJSON_IsNull(v))
        return PS_OK;
    if ((st = ps_io_want_object(v, path, d)) || (st = ps_io_check_keys(v, path, keys, d)) ||
        (st = ps_io_get_number(v, "weight_share", path, false, 0.5, &sc->weight_share, d)))
        return st;
    const cJSON *lim = cJSON_GetObjectItemCaseSensitive(v, "limit");
    if (lim == NULL || cJSON_IsNull(lim))
        return PS_OK;
    if ((st = ps_io_get_number(v, "limit", path, true, 0, &sc->memory_limit, d)))
        return st;
    sc->has_memory_limit = true;
    return PS_OK;
}

static enum ps_status read_data_parallel(const cJSON *v, const char *path, struct ps_scenario *sc,
                                         struct ps_diag *d)
{
    static const char *const keys[] = {"allgather_ms", "reduce_scatter_ms", NULL};
    enum ps_status st;
    if (v == NULL || cJSON_IsNull(v))
        return PS_OK;
    if ((st = ps_io_want_object(v, path, d)) || (st = ps_io_check_keys(v, path, keys, d)) ||
        (st = ps_io_get_number(v, "allgather_ms", path, false, 0, &sc->allgather_ms, d)) ||
        (st = ps_io_get_number(v, "reduce_scatter_ms", path, false, 0, &sc->reduce_scatter_ms, d)))
        return st;
    sc->has_data_parallel = true;
    return PS_OK;
}

/* One entry's per_stage array (per-stage memory and recomputation). */
static enum ps_status read_mb_stages(const cJSON *v, const char *path, struct ps_scenario *sc,
                                     int m, struct ps_diag *d)
{
    static const char *const keys[] = {"memory_scale", "recompute", "recompute_memory", NULL};
    enum ps_status st;
    if (v == NULL || cJSON_IsNull(v))
        return PS_OK;
    if (!cJSON_IsArray(v))
        return ps_diag_set(d, PS_EINVAL, path, "must be an array (got %s)", ps_json_type_name(v));
    int n = cJSON_GetArraySize(v), S = sc->n_stages;
    if (n != S)
        return ps_diag_set(d, PS_EINVAL, path, "must have one entry per stage (%d), got %d", S, n);
    if (sc->mb_stage == NULL) {
        sc->mb_stage = calloc((size_t)sc->n_microbatches * (size_t)S, sizeof *sc->mb_stage);
        if (sc->mb_stage == NULL)
            return ps_diag_set(d, PS_ENOMEM, path, NULL);
    }
    int s = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, s++) {
        char q[PATH_MAX_LEN];
        struct ps_mb_stage *ms = &sc->mb_stage[(size_t)m * (size_t)S + (size_t)s];
        ps_io_path_index(q, path, s);
        if ((st = ps_io_want_object(e, q, d)) || (st = ps_io_check_keys(e, q, keys, d)) ||
            (st = ps_io_get_number(e, "recompute", q, false, 0, &ms->recompute, d)) ||
            (st = ps_io_get_number(e, "recompute_memory", q, false, 0, &ms->recompute_memory, d)))
            return st;
        ms->has_memory_scale = cJSON_GetObjectItemCaseSensitive(e, "memory_scale") != NULL;
        if ((st = ps_io_get_number(e, "memory_scale", q, false, 0, &ms->memory_scale, d)))
            return st;
    }
    return PS_OK;
}

/* An optional scale: has = given. */
static enum ps_status opt_scale(const cJSON *e, const char *key, const char *q, double *out,
                                bool *has, struct ps_diag *d)
{
    *has = cJSON_GetObjectItemCaseSensitive(e, key) != NULL;
    return ps_io_get_number(e, key, q, false, 0, out, d);
}

/* An optional integer, 0 when absent. */
static enum ps_status opt_count(const cJSON *e, const char *key, const char *q, int *out,
                                struct ps_diag *d)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
    char p[PATH_MAX_LEN];
    *out = 0;
    if (v == NULL)
        return PS_OK;
    ps_io_path_key(p, q, key);
    return ps_io_as_int(v, p, out, d);
}

static enum ps_status read_per_microbatch(const cJSON *v, const char *path, struct ps_scenario *sc,
                                          struct ps_diag *d)
{
    static const char *const keys[] = {"compute_scale",
                                       "activation_scale",
                                       "memory_scale",
                                       "backward_scale",
                                       "weight_scale",
                                       "continues",
                                       "pipeline",
                                       "tokens",
                                       "context",
                                       "per_stage",
                                       NULL};
    enum ps_status st;
    if (v == NULL || cJSON_IsNull(v))
        return PS_OK;
    if (!cJSON_IsArray(v))
        return ps_diag_set(d, PS_EINVAL, path, "must be an array (got %s)", ps_json_type_name(v));
    int n = cJSON_GetArraySize(v);
    if (n != sc->n_microbatches)
        return ps_diag_set(d, PS_EINVAL, path, "must have one entry per microbatch (%d), got %d",
                           sc->n_microbatches, n);
    sc->per_microbatch = calloc((size_t)n, sizeof *sc->per_microbatch);
    if (sc->per_microbatch == NULL)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    int i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        char q[PATH_MAX_LEN], r[PATH_MAX_LEN];
        struct ps_mb_scale *m = &sc->per_microbatch[i];
        ps_io_path_index(q, path, i);
        if ((st = ps_io_want_object(e, q, d)) || (st = ps_io_check_keys(e, q, keys, d)) ||
            (st = ps_io_get_number(e, "compute_scale", q, false, 1.0, &m->compute_scale, d)) ||
            (st = ps_io_get_number(e, "activation_scale", q, false, 1.0, &m->activation_scale, d)))
            return st;
        m->has_memory_scale = cJSON_GetObjectItemCaseSensitive(e, "memory_scale") != NULL;
        if ((st = ps_io_get_number(e, "memory_scale", q, false, m->compute_scale, &m->memory_scale,
                                   d)) ||
            (st = opt_scale(e, "backward_scale", q, &m->backward_scale, &m->has_backward_scale,
                            d)) ||
            (st = opt_scale(e, "weight_scale", q, &m->weight_scale, &m->has_weight_scale, d)) ||
            (st = opt_count(e, "pipeline", q, &m->pipeline, d)) ||
            (st = opt_count(e, "tokens", q, &m->tokens, d)) ||
            (st = opt_count(e, "context", q, &m->context, d)))
            return st;
        const cJSON *cont = cJSON_GetObjectItemCaseSensitive(e, "continues");
        if (cont != NULL) {
            ps_io_path_key(r, q, "continues");
            if (!cJSON_IsBool(cont))
                return ps_diag_set(d, PS_EINVAL, r, "must be true or false (got %s)",
                                   ps_json_type_name(cont));
            m->continues = cJSON_IsTrue(cont);
        }
        ps_io_path_key(r, q, "per_stage");
        if ((st = read_mb_stages(cJSON_GetObjectItemCaseSensitive(e, "per_stage"), r, sc, i, d)))
            return st;
    }
    return PS_OK;
}

/* Checks a count before anything is sized by it, so a huge number never allocates. */
static enum ps_status check_count(int value, int max, const char *path, struct ps_diag *d)
{
    if (value < 1 || value > max)
        return ps_diag_set(d, PS_EINVAL, path, "must be between 1 and %d (got %d)", max, value);
    return PS_OK;
}

static enum ps_status read_scenario(const cJSON *obj, const char *prefix, bool require_format,
                                    const char *base_dir, struct ps_scenario *sc, struct ps_diag *d)
{
    static const char *const keys[] = {
        "format",        "name",           "description",   "stages",  "microbatches",
        "datacenters",   "compute",        "activation_mb", "network", "memory",
        "data_parallel", "per_microbatch", "workload",      NULL};
    enum ps_status st;
    char p[PATH_MAX_LEN];
    if (!cJSON_IsObject(obj))
        return ps_diag_set(d, PS_EINVAL, prefix[0] ? prefix : "(top level)",
                           "must be an object (got %s)", ps_json_type_name(obj));
    if ((st = ps_io_check_keys(obj, prefix, keys, d)))
        return st;

    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(obj, "format");
    ps_io_path_key(p, prefix, "format");
    if (fmt == NULL) {
        if (require_format)
            return ps_diag_set(d, PS_EINVAL, p, "missing (required: \"%s\")", PS_SCENARIO_FORMAT);
    } else if (!cJSON_IsString(fmt)) {
        return ps_diag_set(d, PS_EINVAL, p, "must be a string (got %s)", ps_json_type_name(fmt));
    } else if (strcmp(fmt->valuestring, PS_SCENARIO_FORMAT) != 0) {
        return ps_diag_set(d, PS_EINVAL, p, "unsupported format '%.64s' (expected \"%s\")",
                           fmt->valuestring, PS_SCENARIO_FORMAT);
    }

    if ((st = ps_io_get_string(obj, "name", prefix, false, sc->name, sizeof sc->name, d)))
        return st;
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(obj, "description");
    ps_io_path_key(p, prefix, "description");
    if (desc != NULL && !cJSON_IsNull(desc)) {
        if (!cJSON_IsString(desc))
            return ps_diag_set(d, PS_EINVAL, p, "must be a string (got %s)",
                               ps_json_type_name(desc));
        sc->description = strdup(desc->valuestring);
        if (sc->description == NULL)
            return ps_diag_set(d, PS_ENOMEM, p, NULL);
    }

    ps_io_path_key(p, prefix, "stages");
    if ((st = ps_io_get_int(obj, "stages", prefix, &sc->n_stages, d)) ||
        (st = check_count(sc->n_stages, PS_MAX_STAGES, p, d)))
        return st;
    /* With a workload the microbatches are derived: a file may leave them out (they are
     * then the unplanned view, one per sequence). */
    const cJSON *wl = cJSON_GetObjectItemCaseSensitive(obj, "workload");
    bool derived = wl != NULL && !cJSON_IsNull(wl) &&
                   cJSON_GetObjectItemCaseSensitive(obj, "microbatches") == NULL;
    if (wl != NULL && !cJSON_IsNull(wl)) {
        ps_io_path_key(p, prefix, "workload");
        if ((st = ps_workload_from_cjson(wl, p, base_dir, &sc->workload, d)))
            return st;
    }
    ps_io_path_key(p, prefix, "microbatches");
    if (derived) {
        sc->n_microbatches = 1;
    } else if ((st = ps_io_get_int(obj, "microbatches", prefix, &sc->n_microbatches, d)) ||
               (st = check_count(sc->n_microbatches, PS_MAX_MICROBATCHES, p, d))) {
        return st;
    }

    ps_io_path_key(p, prefix, "datacenters");
    if ((st = read_dcs(cJSON_GetObjectItemCaseSensitive(obj, "datacenters"), p, sc, d)))
        return st;
    ps_io_path_key(p, prefix, "compute");
    if (derived) {
        static const char *const made[] = {"compute", "activation_mb", "per_microbatch"};
        for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
            if (cJSON_GetObjectItemCaseSensitive(obj, made[i]) != NULL) {
                ps_io_path_key(p, prefix, made[i]);
                return ps_diag_set(d, PS_EINVAL, p,
                                   "derived from the workload: give microbatches too, or leave "
                                   "them all out");
            }
        }
        sc->compute = (struct ps_compute){1, 1, 0};
    } else if ((st = read_compute(cJSON_GetObjectItemCaseSensitive(obj, "compute"), p, sc, d))) {
        return st;
    }
    if (!derived &&
        (st = ps_io_get_number(obj, "activation_mb", prefix, true, 0, &sc->activation_mb, d)))
        return st;
    ps_io_path_key(p, prefix, "network");
    if ((st = read_network(cJSON_GetObjectItemCaseSensitive(obj, "network"), p, sc, d)))
        return st;
    ps_io_path_key(p, prefix, "memory");
    if ((st = read_memory(cJSON_GetObjectItemCaseSensitive(obj, "memory"), p, sc, d)))
        return st;
    const cJSON *mem = cJSON_GetObjectItemCaseSensitive(obj, "memory");
    if (derived && cJSON_IsObject(mem) && cJSON_GetObjectItemCaseSensitive(mem, "limit") != NULL) {
        ps_io_path_key(p, prefix, "memory.limit");
        return ps_diag_set(d, PS_EINVAL, p,
                           "derived from the workload (memory.hbm_gb and reserve_gb): leave it "
                           "out");
    }
    ps_io_path_key(p, prefix, "data_parallel");
    if ((st = read_data_parallel(cJSON_GetObjectItemCaseSensitive(obj, "data_parallel"), p, sc, d)))
        return st;
    ps_io_path_key(p, prefix, "per_microbatch");
    if (!derived && (st = read_per_microbatch(
                         cJSON_GetObjectItemCaseSensitive(obj, "per_microbatch"), p, sc, d)))
        return st;
    if (derived) {
        /* the workload is checked before anything is derived from it */
        struct ps_diag wd;
        ps_diag_clear(&wd);
        if ((st = ps_workload_validate(sc->workload, sc->n_stages, &wd)) == PS_OK)
            st = ps_workload_apply_raw(sc, &wd);
        if (st != PS_OK) {
            char q[PATH_MAX_LEN];
            ps_io_path_key(q, prefix, wd.path);
            return ps_diag_set(d, st, q, "%s", wd.msg);
        }
    }

    struct ps_diag vd;
    ps_diag_clear(&vd);
    if ((st = ps_scenario_validate(sc, &vd)) != PS_OK) {
        char q[PATH_MAX_LEN];
        ps_io_path_key(q, prefix, vd.path);
        if (vd.path[0] == '\0')
            ps_io_path_key(q, "", prefix);
        return ps_diag_set(d, st, q, "%s", vd.msg);
    }
    return PS_OK;
}

enum ps_status ps_scenario_from_cjson(const cJSON *obj, const char *prefix, bool require_format,
                                      struct ps_scenario *sc, struct ps_diag *d)
{
    ps_scenario_init(sc);
    ps_diag_clear(d);
    enum ps_status st = read_scenario(obj, prefix ? prefix : "", require_format, NULL, sc, d);
    if (st != PS_OK)
        ps_scenario_fini(sc);
    return st;
}

static enum ps_status parse_at(const char *text, size_t len, const char *base_dir,
                               struct ps_scenario *sc, struct ps_diag *d)
{
    cJSON *root;
    ps_scenario_init(sc);
    ps_diag_clear(d);
    enum ps_status st = ps_json_parse_text(text, len, &root, d);
    if (st != PS_OK)
        return st;
    /* A schedule file carries its whole scenario: reading one as a scenario reproduces the
     * run's scenario. */
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(root, "scenario");
    bool sched = cJSON_IsString(fmt) && strcmp(fmt->valuestring, PS_SCHEDULE_FORMAT) == 0 &&
                 cJSON_IsObject(inner);
    st = read_scenario(sched ? inner : root, sched ? "scenario" : "", !sched, base_dir, sc, d);
    if (st != PS_OK)
        ps_scenario_fini(sc);
    cJSON_Delete(root);
    return st;
}

enum ps_status ps_scenario_parse(const char *text, size_t len, struct ps_scenario *sc,
                                 struct ps_diag *d)
{
    return parse_at(text, len, NULL, sc, d);
}

enum ps_status ps_scenario_load(const char *path, struct ps_scenario *sc, struct ps_diag *d)
{
    ps_scenario_init(sc);
    ps_diag_clear(d);
    char *buf;
    size_t len;
    enum ps_status st = ps_file_read(path, PS_FILE_MAX, &buf, &len, d);
    if (st != PS_OK)
        return st;
    char dir[PS_IO_PATH_MAX * 2];
    ps_io_dirname(path, dir, sizeof dir);
    st = parse_at(buf, len, dir, sc, d);
    free(buf);
    /* Where it came from, for the provenance of what is computed from it. */
    if (st == PS_OK) {
        char origin[4200];
        snprintf(origin, sizeof origin, "file %.4000s", path);
        if (ps_scenario_set_origin(sc, origin) != PS_OK) {
            ps_scenario_fini(sc);
            return ps_diag_set(d, PS_ENOMEM, "", NULL);
        }
    }
    return st;
}

/* ---- writing ----------------------------------------------------------------------------- */

static bool add_num(cJSON *obj, const char *key, double x)
{
    return cJSON_AddNumberToObject(obj, key, x) != NULL;
}

static cJSON *link_obj(struct ps_link l)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !add_num(o, "latency_ms", l.latency_ms) ||
        !add_num(o, "bandwidth_gbps", l.bandwidth_gbps)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The workload fields of a per_microbatch entry, each only when given. */
static bool add_mb_extra(cJSON *o, const struct ps_scenario *sc, int i)
{
    const struct ps_mb_scale *m = &sc->per_microbatch[i];
    if ((m->has_backward_scale && !add_num(o, "backward_scale", m->backward_scale)) ||
        (m->has_weight_scale && !add_num(o, "weight_scale", m->weight_scale)) ||
        (m->continues && cJSON_AddTrueToObject(o, "continues") == NULL) ||
        (m->pipeline != 0 && !add_num(o, "pipeline", m->pipeline)) ||
        (m->tokens > 0 && !add_num(o, "tokens", m->tokens)) ||
        (m->tokens > 0 && !add_num(o, "context", m->context)))
        return false;
    if (sc->mb_stage == NULL)
        return true;
    int S = sc->n_stages;
    const struct ps_mb_stage *e = &sc->mb_stage[(size_t)i * (size_t)S];
    bool any = false;
    for (int s = 0; s < S; s++)
        any |= e[s].has_memory_scale || e[s].recompute != 0 || e[s].recompute_memory != 0;
    if (!any)
        return true;
    cJSON *arr = cJSON_AddArrayToObject(o, "per_stage");
    if (arr == NULL)
        return false;
    for (int s = 0; s < S; s++) {
        cJSON *x = cJSON_CreateObject();
        if (x == NULL)
            return false;
        cJSON_AddItemToArray(arr, x);
        if ((e[s].has_memory_scale && !add_num(x, "memory_scale", e[s].memory_scale)) ||
            (e[s].recompute != 0 && !add_num(x, "recompute", e[s].recompute)) ||
            (e[s].recompute_memory != 0 && !add_num(x, "recompute_memory", e[s].recompute_memory)))
            return false;
    }
    return true;
}

static bool build(cJSON *root, const struct ps_scenario *sc)
{
    if (!cJSON_AddStringToObject(root, "format", PS_SCENARIO_FORMAT) ||
        !cJSON_AddStringToObject(root, "name", sc->name))
        return false;
    if (sc->description != NULL && !cJSON_AddStringToObject(root, "description", sc->description))
        return false;
    if (!add_num(root, "stages", sc->n_stages) ||
        !add_num(root, "microbatches", sc->n_microbatches))
        return false;
    cJSON *dcs = cJSON_AddArrayToObject(root, "datacenters");
    if (dcs == NULL)
        return false;
    for (int i = 0; i < sc->n_dcs; i++) {
        cJSON *o = cJSON_CreateObject();
        if (o == NULL)
            return false;
        cJSON_AddItemToArray(dcs, o);
        if (!cJSON_AddStringToObject(o, "name", sc->dcs[i].name) ||
            !add_num(o, "stages", sc->dcs[i].stages))
            return false;
        if (sc->dcs[i].compute_scale != 1.0 &&
            !add_num(o, "compute_scale", sc->dcs[i].compute_scale))
            return false;
    }
    cJSON *comp = cJSON_AddObjectToObject(root, "compute");
    if (comp == NULL || !add_num(comp, "forward_ms", sc->compute.forward_ms) ||
        !add_num(comp, "backward_ms", sc->compute.backward_ms) ||
        !add_num(comp, "weight_ms", sc->compute.weight_ms))
        return false;
    if (sc->per_stage != NULL) {
        cJSON *arr = cJSON_AddArrayToObject(comp, "per_stage");
        if (arr == NULL)
            return false;
        for (int i = 0; i < sc->n_stages; i++) {
            cJSON *o = cJSON_CreateObject();
            if (o == NULL)
                return false;
            cJSON_AddItemToArray(arr, o);
            if (!add_num(o, "forward_ms", sc->per_stage[i].forward_ms) ||
                !add_num(o, "backward_ms", sc->per_stage[i].backward_ms) ||
                !add_num(o, "weight_ms", sc->per_stage[i].weight_ms))
                return false;
        }
    }
    if (!add_num(root, "activation_mb", sc->activation_mb))
        return false;
    cJSON *net = cJSON_AddObjectToObject(root, "network");
    cJSON *l;
    if (net == NULL || (l = link_obj(sc->intra_dc)) == NULL)
        return false;
    cJSON_AddItemToObject(net, "intra_dc", l);
    if ((l = link_obj(sc->inter_dc)) == NULL)
        return false;
    cJSON_AddItemToObject(net, "inter_dc", l);
    if (sc->n_pairs > 0) {
        cJSON *arr = cJSON_AddArrayToObject(net, "pairs");
        if (arr == NULL)
            return false;
        for (int i = 0; i < sc->n_pairs; i++) {
            const struct ps_pair *pr = &sc->pairs[i];
            cJSON *o = cJSON_CreateObject();
            if (o == NULL)
                return false;
            cJSON_AddItemToArray(arr, o);
            if (!cJSON_AddStringToObject(o, "from", sc->dcs[pr->from].name) ||
                !cJSON_AddStringToObject(o, "to", sc->dcs[pr->to].name) ||
                (pr->has_latency && !add_num(o, "latency_ms", pr->link.latency_ms)) ||
                (pr->has_bandwidth && !add_num(o, "bandwidth_gbps", pr->link.bandwidth_gbps)))
                return false;
        }
    }
    /* Written only when not the default, so files from before the field stay the same. */
    if (sc->arrangement != PS_ARRANGE_DECOUPLED &&
        !cJSON_AddStringToObject(net, "arrangement", ps_arrangement_str(sc->arrangement)))
        return false;
    cJSON *mem = cJSON_AddObjectToObject(root, "memory");
    if (mem == NULL)
        return false;
    if (sc->has_memory_limit ? !add_num(mem, "limit", sc->memory_limit)
                             : cJSON_AddNullToObject(mem, "limit") == NULL)
        return false;
    if (!add_num(mem, "weight_share", sc->weight_share))
        return false;
    if (sc->has_data_parallel) {
        cJSON *dp = cJSON_AddObjectToObject(root, "data_parallel");
        if (dp == NULL || !add_num(dp, "allgather_ms", sc->allgather_ms) ||
            !add_num(dp, "reduce_scatter_ms", sc->reduce_scatter_ms))
            return false;
    }
    if (sc->per_microbatch != NULL) {
        cJSON *arr = cJSON_AddArrayToObject(root, "per_microbatch");
        if (arr == NULL)
            return false;
        for (int i = 0; i < sc->n_microbatches; i++) {
            const struct ps_mb_scale *m = &sc->per_microbatch[i];
            cJSON *o = cJSON_CreateObject();
            if (o == NULL)
                return false;
            cJSON_AddItemToArray(arr, o);
            if (!add_num(o, "compute_scale", m->compute_scale) ||
                !add_num(o, "activation_scale", m->activation_scale))
                return false;
            if (m->has_memory_scale && !add_num(o, "memory_scale", m->memory_scale))
                return false;
            if (!add_mb_extra(o, sc, i))
                return false;
        }
    }
    if (sc->workload != NULL) {
        cJSON *w = ps_workload_to_cjson(sc->workload);
        if (w == NULL)
            return false;
        cJSON_AddItemToObject(root, "workload", w);
    }
    return true;
}

cJSON *ps_scenario_to_cjson(const struct ps_scenario *sc)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL || !build(root, sc)) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
char *ps_scenario_to_json(const struct ps_scenario *sc)
{
    cJSON *root = ps_scenario_to_cjson(sc);
    if (root == NULL)
        return NULL;
    char *text = ps_json_pretty(root);
    cJSON_Delete(root);
    return text;
}

char *ps_scenario_hash(const struct ps_scenario *sc, char out[PS_SCENARIO_HASH_LEN + 1])
{
    /* The model only: the same pipeline under another name hashes the same. A shallow
     * copy is enough, the writer only reads. */
    struct ps_scenario bare = *sc;
    bare.name[0] = '\0';
    bare.description = NULL;
    char *text = ps_scenario_to_json(&bare);
    uint64_t h = 14695981039346656037ull; /* FNV-1a, 64 bits */
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    free(text);
    if (text == NULL) {
        out[0] = '\0';
        return out;
    }
    snprintf(out, PS_SCENARIO_HASH_LEN + 1, "%016llx", (unsigned long long)h);
    return out;
}

/* ---- --set edits ------------------------------------------------------------------------- */
