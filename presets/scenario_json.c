/* Scenario files: the JSON mapping of SPEC section 2 (strict: unknown keys and wrong types
 * are errors that name the field), the pretty writer, and --set edits by field path. */
#include "presets/presets.h"
#include "presets/scenario_cjson.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 160
/* export/export.h's PS_SCHEDULE_FORMAT; presets/ must not include export/ */
#define SCHEDULE_FORMAT "pipescope-schedule/1"

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

const char *ps_json_type_name(const cJSON *v)
{
    if (v == NULL)
        return "nothing";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsObject(v))
        return "object";
    return "invalid";
}

char *ps_json_number(double x, char *buf)
{
    if (!isfinite(x)) {
        snprintf(buf, 32, "null");
        return buf;
    }
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, 32, "%.0f", x == 0.0 ? 0.0 : x);
    } else {
        snprintf(buf, 32, "%.15g", x);
        if (strtod(buf, NULL) != x)
            snprintf(buf, 32, "%.17g", x);
    }
    /* Only LC_CTYPE is ever set, but never let a locale put a comma in a file. */
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
    return buf;
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
    if (!isfinite(v->valuedouble))
        return ps_diag_set(d, PS_EINVAL, p, "must be a finite number");
    *out = v->valuedouble;
    return PS_OK;
}

static enum ps_status as_int(const cJSON *v, const char *p, int *out, struct ps_diag *d)
{
    if (!cJSON_IsNumber(v))
        return ps_diag_set(d, PS_EINVAL, p, "must be an integer (got %s)", ps_json_type_name(v));
    double x = v->valuedouble;
    if (!isfinite(x) || x != floor(x) || x < INT_MIN || x > INT_MAX) {
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
    static const char *const keys[] = {"intra_dc", "inter_dc", "pairs", NULL};
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

/* Line and column (1-based) of byte `off` of text. */
static void line_col(const char *text, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Describes the text at a syntax error: a short printable excerpt. */
static void near_text(const char *text, size_t len, size_t off, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = off; i < len && n + 1 < size && n < 16; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n' || ch == '\r')
            break;
        out[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    out[n] = '\0';
}

static bool blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

enum ps_status ps_json_parse_text(const char *text, size_t len, cJSON **out, struct ps_diag *d)
{
    *out = NULL;
    size_t start = 0;
    while (start < len && blank(text[start]))
        start++;
    if (start == len) {
        if (d != NULL) {
            ps_diag_set(d, PS_EPARSE, "", "empty input (expected a JSON object)");
            line_col(text, len, &d->line, &d->column);
        }
        return PS_EPARSE;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    size_t off;
    if (root == NULL) {
        off = end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        char near[24];
        near_text(text, len, off, near, sizeof near);
        if (d != NULL) {
            if (near[0] != '\0')
                ps_diag_set(d, PS_EPARSE, "", "invalid JSON near '%s'", near);
            else
                ps_diag_set(d, PS_EPARSE, "", "invalid JSON (unexpected end of input)");
            line_col(text, off, &d->line, &d->column);
        }
        return PS_EPARSE;
    }
    off = (size_t)(end - text);
    while (off < len && (blank(text[off]) || text[off] == '\0'))
        off++;
    if (off < len) {
        cJSON_Delete(root);
        if (d != NULL) {
            ps_diag_set(d, PS_EPARSE, "", "unexpected text after the JSON value");
            line_col(text, off, &d->line, &d->column);
        }
        return PS_EPARSE;
    }
    *out = root;
    return PS_OK;
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
    if (cJSON_IsString(fmt) && strcmp(fmt->valuestring, SCHEDULE_FORMAT) == 0 &&
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
    ps_diag_clear(d);
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL)
        return ps_diag_set(d, PS_EIO, "", "cannot open: %s", strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            if (!is_stdin)
                fclose(f);
            return ps_diag_set(d, PS_ENOMEM, "", NULL);
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
        if (len == cap) {
            if (cap > (size_t)1 << 30) {
                free(buf);
                if (!is_stdin)
                    fclose(f);
                return ps_diag_set(d, PS_EIO, "", "file too large");
            }
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL)
                free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    bool failed = ferror(f) != 0;
    if (!is_stdin)
        fclose(f);
    if (failed) {
        free(buf);
        return ps_diag_set(d, PS_EIO, "", "cannot read: %s", strerror(errno));
    }
    enum ps_status st = ps_scenario_parse(buf, len, sc, d);
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

/* A small string builder for the pretty printer. */
struct sb {
    char *s;
    size_t len, cap;
    bool failed;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (ns == NULL) {
            b->failed = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(struct sb *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_quoted(struct sb *b, const char *s)
{
    sb_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"':
            sb_add(b, "\\\"", 2);
            break;
        case '\\':
            sb_add(b, "\\\\", 2);
            break;
        case '\n':
            sb_add(b, "\\n", 2);
            break;
        case '\t':
            sb_add(b, "\\t", 2);
            break;
        case '\r':
            sb_add(b, "\\r", 2);
            break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                sb_add(b, esc, 6);
            } else {
                sb_add(b, (const char *)p, 1);
            }
        }
    }
    sb_add(b, "\"", 1);
}

static void emit(struct sb *b, const cJSON *v, int indent);

static bool is_container(const cJSON *v)
{
    return cJSON_IsArray(v) || cJSON_IsObject(v);
}

static void emit_scalar(struct sb *b, const cJSON *v)
{
    char num[32];
    if (cJSON_IsString(v))
        sb_quoted(b, v->valuestring);
    else if (cJSON_IsNumber(v))
        sb_str(b, ps_json_number(v->valuedouble, num));
    else if (cJSON_IsTrue(v))
        sb_str(b, "true");
    else if (cJSON_IsFalse(v))
        sb_str(b, "false");
    else
        sb_str(b, "null");
}

/* Containers of scalars print on one line ({ "name": "east", "stages": 4 }) when short. */
static bool emit_inline(struct sb *b, const cJSON *v, size_t budget)
{
    for (const cJSON *c = v->child; c != NULL; c = c->next)
        if (is_container(c))
            return false;
    size_t start = b->len;
    bool obj = cJSON_IsObject(v);
    if (v->child == NULL) {
        sb_str(b, obj ? "{}" : "[]");
        return true;
    }
    sb_str(b, obj ? "{ " : "[");
    for (const cJSON *c = v->child; c != NULL; c = c->next) {
        if (obj) {
            sb_quoted(b, c->string);
            sb_str(b, ": ");
        }
        emit_scalar(b, c);
        if (c->next != NULL)
            sb_str(b, ", ");
    }
    sb_str(b, obj ? " }" : "]");
    if (b->failed || b->len - start > budget) {
        if (!b->failed) {
            b->len = start;
            b->s[start] = '\0';
        }
        return false;
    }
    return true;
}

static void emit_indent(struct sb *b, int indent)
{
    static const char spaces[] = "                                ";
    while (indent > 0) {
        int n = indent < 32 ? indent : 32;
        sb_add(b, spaces, (size_t)n);
        indent -= n;
    }
}

static void emit(struct sb *b, const cJSON *v, int indent)
{
    if (!is_container(v)) {
        emit_scalar(b, v);
        return;
    }
    size_t budget = indent < 60 ? (size_t)(96 - indent) : 36;
    if (emit_inline(b, v, budget))
        return;
    bool obj = cJSON_IsObject(v);
    sb_str(b, obj ? "{\n" : "[\n");
    for (const cJSON *c = v->child; c != NULL; c = c->next) {
        emit_indent(b, indent + 2);
        if (obj) {
            sb_quoted(b, c->string);
            sb_str(b, ": ");
        }
        emit(b, c, indent + 2);
        sb_str(b, c->next != NULL ? ",\n" : "\n");
    }
    emit_indent(b, indent);
    sb_str(b, obj ? "}" : "]");
}

char *ps_json_pretty(const cJSON *v)
{
    struct sb b = {0};
    emit(&b, v, 0);
    sb_str(&b, "\n");
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
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

static bool parse_index(const char *tok, int *out)
{
    if (tok[0] == '\0')
        return false;
    long v = 0;
    for (const char *p = tok; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
        if (v > INT_MAX)
            return false;
    }
    *out = (int)v;
    return true;
}

/* The value text of --set: JSON when it parses as JSON (20, null, true, "x", [..], {..}),
 * otherwise a string (so name=east needs no quotes). */
static cJSON *value_from_text(const char *text, const cJSON *old)
{
    const char *end = NULL;
    /* A field that holds a string takes the text as it is (name=2024 is a name). */
    if (cJSON_IsString(old) && text[0] != '"')
        return cJSON_CreateString(text);
    cJSON *v = cJSON_ParseWithOpts(text, &end, 1);
    if (v != NULL)
        return v;
    return cJSON_CreateString(text);
}

/* "datacenters=4+4": the stage counts of the datacenters (names kept where they exist,
 * new ones named dc<i>), and "stages" set to their sum. */
static enum ps_status set_dc_shorthand(cJSON *root, const char *value, const char *path,
                                       struct ps_diag *d)
{
    int counts[PS_MAX_DCS], n = 0;
    const char *p = value;
    bool lone = strchr(value, '+') == NULL;
    if (lone) {
        /* A lone number is the datacenter count (as in the explorer): the scenario's
         * stages are spread over them as evenly as possible, earlier DCs get the rest. */
        char *end;
        errno = 0;
        long want = strtol(value, &end, 10);
        if (end == value || *end != '\0' || errno != 0 || want < 1 || want > PS_MAX_DCS)
            return ps_diag_set(d, PS_EINVAL, path,
                               "expected a datacenter count 1..%d, stage counts like 4+4, or a "
                               "JSON array (got '%.40s')",
                               PS_MAX_DCS, value);
        const cJSON *cur = cJSON_GetObjectItemCaseSensitive(root, "stages");
        int total = cJSON_IsNumber(cur) ? (int)cur->valuedouble : 0;
        if (total < want)
            return ps_diag_set(d, PS_EINVAL, path,
                               "%ld datacenters need at least %ld stages (the scenario has %d; "
                               "set stages first, or give stage counts like 4+4)",
                               want, want, total);
        n = (int)want;
        for (int i = 0; i < n; i++)
            counts[i] = total / n + (i < total % n ? 1 : 0);
    }
    while (!lone) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno != 0 || v < 1 || v > PS_MAX_STAGES || n == PS_MAX_DCS)
            return ps_diag_set(d, PS_EINVAL, path,
                               "expected stage counts like 4+4 or a JSON array (got '%.40s')",
                               value);
        counts[n++] = (int)v;
        if (*end == '\0')
            break;
        if (*end != '+')
            return ps_diag_set(d, PS_EINVAL, path,
                               "expected stage counts like 4+4 or a JSON array (got '%.40s')",
                               value);
        p = end + 1;
    }
    cJSON *old = cJSON_GetObjectItemCaseSensitive(root, "datacenters");
    cJSON *arr = cJSON_CreateArray();
    if (arr == NULL)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    int total = 0;
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON *prev = old != NULL ? cJSON_GetArrayItem(old, i) : NULL;
        if (o == NULL) {
            cJSON_Delete(arr);
            return ps_diag_set(d, PS_ENOMEM, path, NULL);
        }
        cJSON_AddItemToArray(arr, o);
        const cJSON *nm = prev != NULL ? cJSON_GetObjectItemCaseSensitive(prev, "name") : NULL;
        const cJSON *cs =
            prev != NULL ? cJSON_GetObjectItemCaseSensitive(prev, "compute_scale") : NULL;
        char name[PS_NAME_MAX];
        if (cJSON_IsString(nm))
            snprintf(name, sizeof name, "%s", nm->valuestring);
        else
            snprintf(name, sizeof name, "dc%d", i);
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddNumberToObject(o, "stages", counts[i]);
        if (cJSON_IsNumber(cs))
            cJSON_AddNumberToObject(o, "compute_scale", cs->valuedouble);
        total += counts[i];
    }
    cJSON_ReplaceItemInObjectCaseSensitive(root, "datacenters", arr);
    /* Pair overrides of datacenters that are gone go with them (as in the explorer). */
    cJSON *net = cJSON_GetObjectItemCaseSensitive(root, "network");
    cJSON *pairs = cJSON_IsObject(net) ? cJSON_GetObjectItemCaseSensitive(net, "pairs") : NULL;
    for (int i = cJSON_IsArray(pairs) ? cJSON_GetArraySize(pairs) - 1 : -1; i >= 0; i--) {
        const cJSON *pr = cJSON_GetArrayItem(pairs, i);
        bool keep = true;
        for (int e = 0; e < 2 && keep; e++) {
            const cJSON *ref =
                cJSON_IsObject(pr) ? cJSON_GetObjectItemCaseSensitive(pr, e ? "to" : "from") : NULL;
            if (cJSON_IsNumber(ref)) {
                keep = ref->valuedouble < n;
            } else if (cJSON_IsString(ref)) {
                bool found = false;
                for (const cJSON *o = arr->child; o != NULL && !found; o = o->next) {
                    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(o, "name");
                    found = cJSON_IsString(nm) && strcmp(nm->valuestring, ref->valuestring) == 0;
                }
                keep = found;
            }
        }
        if (!keep)
            cJSON_DeleteItemFromArray(pairs, i);
    }
    cJSON *st = cJSON_CreateNumber(total);
    if (st == NULL)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(root, "stages", st);
    return PS_OK;
}

/* Creates a missing container on the way down a --set path, when it is an optional part
 * of the scenario: per_stage and per_microbatch filled with the current defaults. */
static cJSON *create_missing(cJSON *parent, const char *key, const struct ps_scenario *sc)
{
    cJSON *c = NULL;
    if (strcmp(key, "per_stage") == 0) {
        c = cJSON_CreateArray();
        for (int i = 0; c != NULL && i < sc->n_stages; i++) {
            cJSON *o = cJSON_CreateObject();
            if (o == NULL)
                break;
            cJSON_AddItemToArray(c, o);
            cJSON_AddNumberToObject(o, "forward_ms", sc->compute.forward_ms);
            cJSON_AddNumberToObject(o, "backward_ms", sc->compute.backward_ms);
            cJSON_AddNumberToObject(o, "weight_ms", sc->compute.weight_ms);
        }
    } else if (strcmp(key, "per_microbatch") == 0) {
        c = cJSON_CreateArray();
        for (int i = 0; c != NULL && i < sc->n_microbatches; i++) {
            cJSON *o = cJSON_CreateObject();
            if (o == NULL)
                break;
            cJSON_AddItemToArray(c, o);
            cJSON_AddNumberToObject(o, "compute_scale", 1);
            cJSON_AddNumberToObject(o, "activation_scale", 1);
        }
    } else if (strcmp(key, "pairs") == 0) {
        c = cJSON_CreateArray();
    } else {
        /* Any other object: the parser rejects it if the key is not a known one. */
        c = cJSON_CreateObject();
    }
    if (c != NULL)
        cJSON_AddItemToObject(parent, key, c);
    return c;
}

/* Resizes an optional per-item array (per_stage, per_microbatch) to n entries: extra
 * entries are dropped, new ones copy `fill` (a template object). Absent arrays stay absent. */
static void resize_array(cJSON *root, const char *key, int n, const cJSON *fill)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!cJSON_IsArray(arr))
        return;
    while (cJSON_GetArraySize(arr) > n)
        cJSON_DeleteItemFromArray(arr, cJSON_GetArraySize(arr) - 1);
    while (cJSON_GetArraySize(arr) < n) {
        cJSON *o = cJSON_Duplicate(fill, 1);
        if (o == NULL)
            return;
        cJSON_AddItemToArray(arr, o);
    }
}

static int json_int(const cJSON *root, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 1e6 &&
                   v->valuedouble == (double)(int)v->valuedouble
               ? (int)v->valuedouble
               : -1;
}

/* Keeps the counts that depend on each other consistent after one --set, as a user
 * expects: "stages=N" spreads N over the datacenters (evenly, the first ones taking the
 * remainder), "datacenters.K.stages=N" makes "stages" their sum, and both resize
 * per_stage; "microbatches=N" resizes per_microbatch. Values the parser will refuse
 * (not a count) are left for it to name. */
static enum ps_status reconcile_counts(cJSON *root, const char *path, struct ps_diag *d)
{
    cJSON *dcs = cJSON_GetObjectItemCaseSensitive(root, "datacenters");
    int n_dcs = cJSON_IsArray(dcs) ? cJSON_GetArraySize(dcs) : 0;
    bool dc_stages = strncmp(path, "datacenters.", 12) == 0 && strlen(path) > 19 &&
                     strcmp(path + strlen(path) - 7, ".stages") == 0;
    if (strcmp(path, "stages") == 0 && n_dcs > 0) {
        int s = json_int(root, "stages");
        if (s < 1 || s > PS_MAX_STAGES)
            return PS_OK;
        if (s < n_dcs)
            return ps_diag_set(d, PS_EINVAL, "stages",
                               "%d stages cannot cover %d datacenters (every datacenter needs "
                               "a stage; set datacenters=... first)",
                               s, n_dcs);
        for (int i = 0; i < n_dcs; i++) {
            cJSON *dc = cJSON_GetArrayItem(dcs, i);
            int share = s / n_dcs + (i < s % n_dcs ? 1 : 0);
            cJSON *v = cJSON_CreateNumber(share);
            if (v == NULL)
                return ps_diag_set(d, PS_ENOMEM, path, NULL);
            if (cJSON_GetObjectItemCaseSensitive(dc, "stages") != NULL)
                cJSON_ReplaceItemInObjectCaseSensitive(dc, "stages", v);
            else
                cJSON_AddItemToObject(dc, "stages", v);
        }
    } else if (dc_stages) {
        int total = 0;
        for (int i = 0; i < n_dcs; i++) {
            int k = json_int(cJSON_GetArrayItem(dcs, i), "stages");
            if (k < 1)
                return PS_OK;
            total += k;
        }
        cJSON *v = cJSON_CreateNumber(total);
        if (v == NULL)
            return ps_diag_set(d, PS_ENOMEM, path, NULL);
        cJSON_ReplaceItemInObjectCaseSensitive(root, "stages", v);
    }
    if (strcmp(path, "stages") == 0 || dc_stages || strcmp(path, "datacenters") == 0) {
        int s = json_int(root, "stages");
        cJSON *compute = cJSON_GetObjectItemCaseSensitive(root, "compute");
        if (s >= 1 && s <= PS_MAX_STAGES && cJSON_IsObject(compute)) {
            static const char *const keys[] = {"forward_ms", "backward_ms", "weight_ms"};
            cJSON *fill = cJSON_CreateObject();
            if (fill == NULL)
                return ps_diag_set(d, PS_ENOMEM, path, NULL);
            for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(compute, keys[i]);
                if (cJSON_IsNumber(v))
                    cJSON_AddNumberToObject(fill, keys[i], v->valuedouble);
            }
            resize_array(compute, "per_stage", s, fill);
            cJSON_Delete(fill);
        }
    }
    if (strcmp(path, "microbatches") == 0) {
        int m = json_int(root, "microbatches");
        cJSON *fill = cJSON_CreateObject();
        if (fill == NULL)
            return ps_diag_set(d, PS_ENOMEM, path, NULL);
        cJSON_AddNumberToObject(fill, "compute_scale", 1);
        cJSON_AddNumberToObject(fill, "activation_scale", 1);
        if (m >= 1 && m <= PS_MAX_MICROBATCHES)
            resize_array(root, "per_microbatch", m, fill);
        cJSON_Delete(fill);
    }
    return PS_OK;
}

enum ps_status ps_scenario_set_path(struct ps_scenario *sc, const char *path, const char *value,
                                    struct ps_diag *d)
{
    ps_diag_clear(d);
    if (path == NULL || path[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, "", "empty field path");
    if (strlen(path) >= PATH_MAX_LEN)
        return ps_diag_set(d, PS_EINVAL, "", "field path too long");
    cJSON *root = ps_scenario_to_cjson(sc);
    if (root == NULL)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);

    enum ps_status st = PS_OK;
    char toks[PATH_MAX_LEN];
    snprintf(toks, sizeof toks, "%s", path);
    if (strcmp(path, "datacenters") == 0 && value[0] >= '0' && value[0] <= '9') {
        st = set_dc_shorthand(root, value, path, d);
    } else {
        cJSON *cur = root;
        char sofar[PATH_MAX_LEN] = "";
        char *save = NULL;
        char *tok = strtok_r(toks, ".", &save);
        while (tok != NULL && st == PS_OK) {
            char *next = strtok_r(NULL, ".", &save);
            char here[PATH_MAX_LEN];
            path_key(here, sofar, tok);
            if (cJSON_IsArray(cur)) {
                int idx, n = cJSON_GetArraySize(cur);
                if (!parse_index(tok, &idx)) {
                    st = ps_diag_set(d, PS_EINVAL, here, "expected an index (0..%d)", n - 1);
                    break;
                }
                if (idx >= n) {
                    st = n == 0
                             ? ps_diag_set(d, PS_EINVAL, here, "index out of range (%s is empty)",
                                           sofar)
                             : ps_diag_set(d, PS_EINVAL, here, "index out of range (0..%d)", n - 1);
                    break;
                }
                if (next == NULL) {
                    cJSON *v = value_from_text(value, cJSON_GetArrayItem(cur, idx));
                    if (v == NULL || !cJSON_ReplaceItemInArray(cur, idx, v)) {
                        cJSON_Delete(v);
                        st = ps_diag_set(d, PS_ENOMEM, path, NULL);
                    }
                    break;
                }
                cur = cJSON_GetArrayItem(cur, idx);
            } else if (cJSON_IsObject(cur)) {
                cJSON *child = cJSON_GetObjectItemCaseSensitive(cur, tok);
                if (next == NULL) {
                    cJSON *v = value_from_text(value, child);
                    if (v == NULL) {
                        st = ps_diag_set(d, PS_ENOMEM, path, NULL);
                    } else if (child != NULL) {
                        cJSON_ReplaceItemInObjectCaseSensitive(cur, tok, v);
                    } else {
                        cJSON_AddItemToObject(cur, tok, v);
                    }
                    break;
                }
                if (child == NULL || cJSON_IsNull(child)) {
                    if (child != NULL)
                        cJSON_DeleteItemFromObjectCaseSensitive(cur, tok);
                    child = create_missing(cur, tok, sc);
                    if (child == NULL)
                        st = ps_diag_set(d, PS_ENOMEM, path, NULL);
                }
                cur = child;
            } else {
                st = ps_diag_set(d, PS_EINVAL, here, "unknown field (%s is a %s)", sofar,
                                 ps_json_type_name(cur));
                break;
            }
            memcpy(sofar, here, sizeof sofar);
            tok = next;
        }
    }

    if (st == PS_OK)
        st = reconcile_counts(root, path, d);
    if (st == PS_OK) {
        struct ps_scenario fresh;
        st = ps_scenario_from_cjson(root, "", true, &fresh, d);
        if (st == PS_OK) {
            ps_scenario_fini(sc);
            *sc = fresh;
        }
    }
    cJSON_Delete(root);
    /* Text that is not a number reads as a string: quote what was typed, not its type
     * ("must be an integer (got 'abc')" rather than "(got string)"). */
    char *got = st != PS_OK && strcmp(d->path, path) == 0 ? strstr(d->msg, "(got string)") : NULL;
    if (got != NULL && got[12] == '\0')
        snprintf(got, sizeof d->msg - (size_t)(got - d->msg), "(got '%.60s')", value);
    return st;
}
