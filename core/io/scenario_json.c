/* Scenario files: the JSON mapping of SPEC section 2 (strict: unknown keys and wrong types
 * are errors that name the field) and the writer that gives the same scenario back. */
#include "core/io/io.h"
#include "core/io/file.h"
#include "core/io/json.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 160

/* ---- paths ---------------------------------------------------------------------------- */

/* Appends src to out (PATH_MAX_LEN bytes), truncating: paths are for messages only. */
static void path_cat(char *out, const char *src)
{
    size_t n = strlen(out);
    while (*src != '\0' && n + 1 < PATH_MAX_LEN)
        out[n++] = *src++;
    out[n] = '\0';
}

static void path_key(char *out, const char *base, const char *key)
{
    char tmp[PATH_MAX_LEN] = "";
    path_cat(tmp, base);
    if (base[0] != '\0')
        path_cat(tmp, ".");
    path_cat(tmp, key);
    memcpy(out, tmp, PATH_MAX_LEN);
}

static void path_index(char *out, const char *base, int i)
{
    char num[16];
    snprintf(num, sizeof num, "%d", i);
    path_key(out, base, num);
}

/* ---- reading ----------------------------------------------------------------------------- */

/* Rejects keys that are not in `known` (NULL-terminated), and duplicates. "comment" and
 * "_comment" are always allowed. */
static enum ps_status check_keys(const cJSON *obj, const char *path, const char *const *known,
                                 struct ps_diag *d)
{
    for (const cJSON *c = obj->child; c != NULL; c = c->next) {
        char p[PATH_MAX_LEN];
        path_key(p, path, c->string);
        bool ok = strcmp(c->string, "comment") == 0 || strcmp(c->string, "_comment") == 0;
        for (size_t i = 0; !ok && known[i] != NULL; i++)
            ok = strcmp(c->string, known[i]) == 0;
        if (!ok) {
            char list[256] = "";
            size_t used = 0;
            for (size_t i = 0; known[i] != NULL && used < sizeof list; i++) {
                int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", known[i]);
                if (n < 0)
                    break;
                used += (size_t)n;
            }
            return ps_diag_set(d, PS_EINVAL, p, "unknown field (known: %s)", list);
        }
        for (const cJSON *e = obj->child; e != c; e = e->next)
            if (strcmp(e->string, c->string) == 0)
                return ps_diag_set(d, PS_EINVAL, p, "duplicate field");
    }
    return PS_OK;
}

static enum ps_status want_object(const cJSON *v, const char *path, struct ps_diag *d)
{
    if (!cJSON_IsObject(v))
        return ps_diag_set(d, PS_EINVAL, path, "must be an object (got %s)", ps_json_type_name(v));
    return PS_OK;
}

/* A number field. Absent: an error when required, else *out = def. null is not a number
 * (only memory.limit and the optional objects take null, and read it themselves). */
static enum ps_status get_number(const cJSON *obj, const char *key, const char *base, bool required,
                                 double def, double *out, struct ps_diag *d)
{
    char p[PATH_MAX_LEN];
    path_key(p, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) {
        if (required)
            return ps_diag_set(d, PS_EINVAL, p, "missing (required)");
        *out = def;
        return PS_OK;
    }
    if (!cJSON_IsNumber(v))
        return ps_diag_set(d, PS_EINVAL, p, "must be a number (got %s)", ps_json_type_name(v));
    if (!isfinite(v->valuedouble)) /* 1e999: strtod's infinity, not a number we can use */
        return ps_diag_set(d, PS_EINVAL, p,
                           "must be a finite number (got a number too large to represent)");
    *out = v->valuedouble;
    return PS_OK;
}

static enum ps_status as_int(const cJSON *v, const char *p, int *out, struct ps_diag *d)
{
    if (!cJSON_IsNumber(v))
        return ps_diag_set(d, PS_EINVAL, p, "must be an integer (got %s)", ps_json_type_name(v));
    double x = v->valuedouble;
    if (!isfinite(x))
        return ps_diag_set(d, PS_EINVAL, p,
                           "must be an integer (got a number too large to represent)");
    if (x != floor(x) || x < INT_MIN || x > INT_MAX) {
        char num[32];
        return ps_diag_set(d, PS_EINVAL, p, "must be an integer (got %s)", ps_json_number(x, num));
    }
    *out = (int)x;
    return PS_OK;
}

static enum ps_status get_int(const cJSON *obj, const char *key, const char *base, int *out,
                              struct ps_diag *d)
{
    char p[PATH_MAX_LEN];
    path_key(p, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return ps_diag_set(d, PS_EINVAL, p, "missing (required)");
    return as_int(v, p, out, d);
}

static enum ps_status get_string(const cJSON *obj, const char *key, const char *base, bool required,
                                 char *out, size_t size, struct ps_diag *d)
{
    char p[PATH_MAX_LEN];
    path_key(p, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL || cJSON_IsNull(v)) {
        if (required)
            return ps_diag_set(d, PS_EINVAL, p, "missing (required)");
        out[0] = '\0';
        return PS_OK;
    }
    if (!cJSON_IsString(v))
        return ps_diag_set(d, PS_EINVAL, p, "must be a string (got %s)", ps_json_type_name(v));
    if (strlen(v->valuestring) >= size)
        return ps_diag_set(d, PS_EINVAL, p, "too long (at most %zu characters)", size - 1);
    memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
    return PS_OK;
}

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
    if ((st = want_object(v, path, d)) ||
        (check_fields && (st = check_keys(v, path, link_keys, d))) ||
        (st = get_number(v, "latency_ms", path, false, def.latency_ms, &out->latency_ms, d)) ||
        (st = get_number(v, "bandwidth_gbps", path, false, def.bandwidth_gbps, &out->bandwidth_gbps,
                         d)))
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
        path_index(p, path, i);
        if ((st = want_object(e, p, d)) || (st = check_keys(e, p, keys, d)) ||
            (st = get_string(e, "name", p, true, dc->name, sizeof dc->name, d)) ||
            (st = get_int(e, "stages", p, &dc->stages, d)) ||
            (st = get_number(e, "compute_scale", p, false, 1.0, &dc->compute_scale, d)))
            return st;
        if (dc->name[0] == '\0') {
            char q[PATH_MAX_LEN];
            path_key(q, p, "name");
            return ps_diag_set(d, PS_EINVAL, q, "must not be empty");
        }
        for (int j = 0; j < i; j++)
            if (strcmp(sc->dcs[j].name, dc->name) == 0) {
                char q[PATH_MAX_LEN];
                path_key(q, p, "name");
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
    path_key(p, base, key);
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
    enum ps_status st = as_int(v, p, out, d);
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
    if ((st = want_object(v, path, d)) || (st = check_keys(v, path, keys, d)))
        return st;
    path_key(p, path, "intra_dc");
    if ((st = read_link(cJSON_GetObjectItemCaseSensitive(v, "intra_dc"), p, free_link, true,
                        &sc->intra_dc, d)))
        return st;
    path_key(p, path, "inter_dc");
    if ((st = read_link(cJSON_GetObjectItemCaseSensitive(v, "inter_dc"), p, free_link, true,
                        &sc->inter_dc, d)))
        return st;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(v, "arrangement");
    path_key(p, path, "arrangement");
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
    path_key(p, path, "pairs");
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
        path_index(q, p, i);
        /* A pair overrides inter_dc; the fields it leaves out follow inter_dc. */
        if ((st = want_object(e, q, d)) || (st = check_keys(e, q, pair_keys, d)) ||
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
            path_key(r, q, "to");
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
    if ((st = want_object(v, path, d)) || (st = check_keys(v, path, keys, d)) ||
        (st = get_number(v, "forward_ms", path, true, 0, &sc->compute.forward_ms, d)) ||
        (st = get_number(v, "backward_ms", path, true, 0, &sc->compute.backward_ms, d)) ||
        (st = get_number(v, "weight_ms", path, true, 0, &sc->compute.weight_ms, d)))
        return st;
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(v, "per_stage");
    path_key(p, path, "per_stage");
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
        path_index(q, p, i);
        /* An entry overrides only the keys it has; the others keep the defaults. */
        if ((st = want_object(e, q, d)) || (st = check_keys(e, q, compute_keys, d)) ||
            (st = get_number(e, "forward_ms", q, false, sc->compute.forward_ms, &c->forward_ms,
                             d)) ||
            (st = get_number(e, "backward_ms", q, false, sc->compute.backward_ms, &c->backward_ms,
                             d)) ||
            (st = get_number(e, "weight_ms", q, false, sc->compute.weight_ms, &c->weight_ms, d)))
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
    if ((st = want_object(v, path, d)) || (st = check_keys(v, path, keys, d)) ||
        (st = get_number(v, "weight_share", path, false, 0.5, &sc->weight_share, d)))
        return st;
    const cJSON *lim = cJSON_GetObjectItemCaseSensitive(v, "limit");
    if (lim == NULL || cJSON_IsNull(lim))
        return PS_OK;
    if ((st = get_number(v, "limit", path, true, 0, &sc->memory_limit, d)))
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
    if ((st = want_object(v, path, d)) || (st = check_keys(v, path, keys, d)) ||
        (st = get_number(v, "allgather_ms", path, false, 0, &sc->allgather_ms, d)) ||
        (st = get_number(v, "reduce_scatter_ms", path, false, 0, &sc->reduce_scatter_ms, d)))
        return st;
    sc->has_data_parallel = true;
    return PS_OK;
}

static enum ps_status read_per_microbatch(const cJSON *v, const char *path, struct ps_scenario *sc,
                                          struct ps_diag *d)
{
    static const char *const keys[] = {"compute_scale", "activation_scale", "memory_scale", NULL};
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
        char q[PATH_MAX_LEN];
        struct ps_mb_scale *m = &sc->per_microbatch[i];
        path_index(q, path, i);
        if ((st = want_object(e, q, d)) || (st = check_keys(e, q, keys, d)) ||
            (st = get_number(e, "compute_scale", q, false, 1.0, &m->compute_scale, d)) ||
            (st = get_number(e, "activation_scale", q, false, 1.0, &m->activation_scale, d)))
            return st;
        m->has_memory_scale = cJSON_GetObjectItemCaseSensitive(e, "memory_scale") != NULL;
        if ((st = get_number(e, "memory_scale", q, false, m->compute_scale, &m->memory_scale, d)))
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
                                    struct ps_scenario *sc, struct ps_diag *d)
{
    static const char *const keys[] = {
        "format",  "name",          "description", "stages", "microbatches",  "datacenters",
        "compute", "activation_mb", "network",     "memory", "data_parallel", "per_microbatch",
        NULL};
    enum ps_status st;
    char p[PATH_MAX_LEN];
    if (!cJSON_IsObject(obj))
        return ps_diag_set(d, PS_EINVAL, prefix[0] ? prefix : "(top level)",
                           "must be an object (got %s)", ps_json_type_name(obj));
    if ((st = check_keys(obj, prefix, keys, d)))
        return st;

    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(obj, "format");
    path_key(p, prefix, "format");
    if (fmt == NULL) {
        if (require_format)
            return ps_diag_set(d, PS_EINVAL, p, "missing (required: \"%s\")", PS_SCENARIO_FORMAT);
    } else if (!cJSON_IsString(fmt)) {
        return ps_diag_set(d, PS_EINVAL, p, "must be a string (got %s)", ps_json_type_name(fmt));
    } else if (strcmp(fmt->valuestring, PS_SCENARIO_FORMAT) != 0) {
        return ps_diag_set(d, PS_EINVAL, p, "unsupported format '%.64s' (expected \"%s\")",
                           fmt->valuestring, PS_SCENARIO_FORMAT);
    }

    if ((st = get_string(obj, "name", prefix, false, sc->name, sizeof sc->name, d)))
        return st;
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(obj, "description");
    path_key(p, prefix, "description");
    if (desc != NULL && !cJSON_IsNull(desc)) {
        if (!cJSON_IsString(desc))
            return ps_diag_set(d, PS_EINVAL, p, "must be a string (got %s)",
                               ps_json_type_name(desc));
        sc->description = strdup(desc->valuestring);
        if (sc->description == NULL)
            return ps_diag_set(d, PS_ENOMEM, p, NULL);
    }

    path_key(p, prefix, "stages");
    if ((st = get_int(obj, "stages", prefix, &sc->n_stages, d)) ||
        (st = check_count(sc->n_stages, PS_MAX_STAGES, p, d)))
        return st;
    path_key(p, prefix, "microbatches");
    if ((st = get_int(obj, "microbatches", prefix, &sc->n_microbatches, d)) ||
        (st = check_count(sc->n_microbatches, PS_MAX_MICROBATCHES, p, d)))
        return st;

    path_key(p, prefix, "datacenters");
    if ((st = read_dcs(cJSON_GetObjectItemCaseSensitive(obj, "datacenters"), p, sc, d)))
        return st;
    path_key(p, prefix, "compute");
    if ((st = read_compute(cJSON_GetObjectItemCaseSensitive(obj, "compute"), p, sc, d)))
        return st;
    if ((st = get_number(obj, "activation_mb", prefix, true, 0, &sc->activation_mb, d)))
        return st;
    path_key(p, prefix, "network");
    if ((st = read_network(cJSON_GetObjectItemCaseSensitive(obj, "network"), p, sc, d)))
        return st;
    path_key(p, prefix, "memory");
    if ((st = read_memory(cJSON_GetObjectItemCaseSensitive(obj, "memory"), p, sc, d)))
        return st;
    path_key(p, prefix, "data_parallel");
    if ((st = read_data_parallel(cJSON_GetObjectItemCaseSensitive(obj, "data_parallel"), p, sc, d)))
        return st;
    path_key(p, prefix, "per_microbatch");
    if ((st = read_per_microbatch(cJSON_GetObjectItemCaseSensitive(obj, "per_microbatch"), p, sc,
                                  d)))
        return st;

    struct ps_diag vd;
    ps_diag_clear(&vd);
    if ((st = ps_scenario_validate(sc, &vd)) != PS_OK) {
        char q[PATH_MAX_LEN];
        path_key(q, prefix, vd.path);
        if (vd.path[0] == '\0')
            path_key(q, "", prefix);
        return ps_diag_set(d, st, q, "%s", vd.msg);
    }
    return PS_OK;
}

enum ps_status ps_scenario_from_cjson(const cJSON *obj, const char *prefix, bool require_format,
                                      struct ps_scenario *sc, struct ps_diag *d)
{
    ps_scenario_init(sc);
    ps_diag_clear(d);
    enum ps_status st = read_scenario(obj, prefix ? prefix : "", require_format, sc, d);
    if (st != PS_OK)
        ps_scenario_fini(sc);
    return st;
}

enum ps_status ps_scenario_parse(const char *text, size_t len, struct ps_scenario *sc,
                                 struct ps_diag *d)
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
    if (cJSON_IsString(fmt) && strcmp(fmt->valuestring, PS_SCHEDULE_FORMAT) == 0 &&
        cJSON_IsObject(inner))
        st = ps_scenario_from_cjson(inner, "scenario", false, sc, d);
    else
        st = ps_scenario_from_cjson(root, "", true, sc, d);
    cJSON_Delete(root);
    return st;
}

enum ps_status ps_scenario_load(const char *path, struct ps_scenario *sc, struct ps_diag *d)
{
    ps_scenario_init(sc);
    char *buf;
    size_t len;
    enum ps_status st = ps_file_read(path, PS_FILE_MAX, &buf, &len, d);
    if (st != PS_OK)
        return st;
    st = ps_scenario_parse(buf, len, sc, d);
    free(buf);
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
        }
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

/* ---- --set edits ------------------------------------------------------------------------- */
