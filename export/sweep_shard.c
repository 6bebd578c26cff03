/* Sweep shards (docs/formats.md, "Sweep shards"): the rows one `sweep --shard I/N` computed,
 * with every number exact, so that `pipescope merge` rebuilds the very rows an unsharded run
 * holds and writes the same bytes. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/json.h"
#include "core/version.h"
#include "export/export_internal.h"

#define SHARD_FORMAT "pipescope-sweep-shard/1"

static enum ps_status put_num(struct ps_buf *out, const char *key, double x)
{
    char num[32];
    return ps_buf_printf(out, ", \"%s\": %s", key, ps_out_num(x, num));
}

static enum ps_status put_row(struct ps_buf *out, const struct ps_compare_row *r, long point)
{
    enum ps_status st = ps_buf_printf(out, "    { \"point\": %ld, \"scenario\": ", point);
    if (st == PS_OK)
        st = ps_buf_json_string(out, r->scenario);
    if (st == PS_OK)
        st = ps_buf_append(out, ", \"schedule\": ", 14);
    if (st == PS_OK)
        st = ps_buf_json_string(out, r->schedule);
    if (st == PS_OK)
        st = ps_buf_append(out, ", \"status\": ", 12);
    if (st == PS_OK)
        st = ps_buf_json_string(out, r->status);
    const char *keys[] = {"makespan_ms",    "bubble_ratio",         "peak_memory",
                          "lower_bound_ms", "ratio_to_lower_bound", "solve_ms"};
    const double vals[] = {r->makespan_ms,    r->bubble_ratio,         r->peak_memory,
                           r->lower_bound_ms, r->ratio_to_lower_bound, r->solve_ms};
    for (size_t k = 0; k < 6 && st == PS_OK; k++)
        st = put_num(out, keys[k], vals[k]);
    if (st == PS_OK)
        st = ps_buf_printf(out, ", \"memory_ok\": %s, \"has_memory_limit\": %s",
                           r->memory_ok ? "true" : "false", r->has_memory_limit ? "true" : "false");
    if (st == PS_OK)
        st = put_num(out, "memory_limit", r->memory_limit);
    if (st == PS_OK)
        st = ps_buf_append(out, ", \"bubble\": [", 13);
    for (int c = 0; c < PS_BUBBLE_COUNT && st == PS_OK; c++) {
        char num[32];
        st = ps_buf_printf(out, "%s%s", c ? ", " : "", ps_out_num(r->bubble_by[c], num));
    }
    if (st == PS_OK)
        st = ps_buf_append(out, "]", 1);
    /* The provenance (docs/formats.md), so that merge writes it as one run would. */
    if (st == PS_OK)
        st = put_num(out, "bound_ms", r->bound_ms);
    if (st == PS_OK)
        st = put_num(out, "gap", r->gap);
    const char *const texts[] = {"status_text", "params", "scenario_hash", "origin", "edits"};
    const char *const vals_s[] = {r->status_text, r->params, r->scenario_hash, r->origin, r->edits};
    for (size_t k = 0; k < 5 && st == PS_OK; k++) {
        st = ps_buf_printf(out, ", \"%s\": ", texts[k]);
        if (st == PS_OK)
            st = ps_buf_json_string(out, vals_s[k]);
    }
    if (st == PS_OK)
        st = ps_buf_append(out, ", \"extra\": [", 12);
    for (int k = 0; k < r->n_extra && k < 8 && st == PS_OK; k++) {
        st = ps_buf_append(out, k ? ", [" : "[", k ? 3 : 1);
        if (st == PS_OK)
            st = ps_buf_json_string(out, r->extra[k].key);
        if (st == PS_OK)
            st = ps_buf_append(out, ", ", 2);
        if (st == PS_OK)
            st = ps_buf_json_string(out, r->extra[k].value);
        if (st == PS_OK)
            st = ps_buf_append(out, "]", 1);
    }
    return st == PS_OK ? ps_buf_append(out, "] }", 3) : st;
}

enum ps_status ps_export_sweep_shard(const struct ps_sweep_shard *info,
                                     const struct ps_compare_row *rows, const long *points,
                                     size_t n, struct ps_buf *out)
{
    char eps[32];
    enum ps_status st = ps_buf_printf(
        out,
        "{\n  \"format\": \"" SHARD_FORMAT "\",\n  \"generator\": \"pipescope " PS_VERSION "\",\n"
        "  \"sweep\": \"%s\",\n  \"shard\": %d,\n  \"shards\": %d,\n  \"points\": %ld,\n"
        "  \"per_point\": %d,\n  \"output\": \"%s\",\n  \"knee_eps\": %s,\n  \"baseline\": ",
        info->sweep, info->shard, info->shards, info->points, info->per_point, info->output,
        ps_out_num(info->knee_eps, eps));
    if (st == PS_OK)
        st = info->baseline[0] ? ps_buf_json_string(out, info->baseline)
                               : ps_buf_append(out, "null", 4);
    if (st == PS_OK)
        st = ps_buf_append(out, ",\n  \"rows\": [", 13);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        st = ps_buf_append(out, i ? ",\n" : "\n", i ? 2 : 1);
        if (st == PS_OK)
            st = put_row(out, &rows[i], points[i]);
    }
    return st == PS_OK ? ps_buf_append(out, n ? "\n  ]\n}\n" : "]\n}\n", n ? 7 : 4) : st;
}

/* ---- reading ------------------------------------------------------------------------- */

static double num_or_nan(const cJSON *o, const char *key, bool *ok)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsNumber(v))
        return v->valuedouble;
    if (!cJSON_IsNull(v))
        *ok = false;
    return NAN;
}

static bool str_into(const cJSON *o, const char *key, char *dst, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= size)
        return false;
    snprintf(dst, size, "%s", v->valuestring);
    return true;
}

static bool read_row(const cJSON *e, struct ps_compare_row *r, long *point)
{
    bool ok = true;
    memset(r, 0, sizeof *r);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "point");
    ok &= cJSON_IsNumber(p) && p->valuedouble >= 0 && p->valuedouble < 1e9;
    *point = ok ? (long)p->valuedouble : 0;
    ok &= str_into(e, "scenario", r->scenario, sizeof r->scenario);
    ok &= str_into(e, "schedule", r->schedule, sizeof r->schedule);
    ok &= str_into(e, "status", r->status, sizeof r->status);
    r->makespan_ms = num_or_nan(e, "makespan_ms", &ok);
    r->bubble_ratio = num_or_nan(e, "bubble_ratio", &ok);
    r->peak_memory = num_or_nan(e, "peak_memory", &ok);
    r->lower_bound_ms = num_or_nan(e, "lower_bound_ms", &ok);
    r->ratio_to_lower_bound = num_or_nan(e, "ratio_to_lower_bound", &ok);
    r->solve_ms = num_or_nan(e, "solve_ms", &ok);
    r->memory_limit = num_or_nan(e, "memory_limit", &ok);
    r->memory_ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "memory_ok"));
    r->has_memory_limit = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "has_memory_limit"));
    r->bubble_reduction = r->makespan_reduction = NAN;
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(e, "bubble");
    ok &= cJSON_IsArray(b) && cJSON_GetArraySize(b) == PS_BUBBLE_COUNT;
    for (int c = 0; ok && c < PS_BUBBLE_COUNT; c++) {
        const cJSON *v = cJSON_GetArrayItem(b, c);
        ok &= cJSON_IsNumber(v) || cJSON_IsNull(v);
        r->bubble_by[c] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    }
    /* provenance: optional (shards of 0.2 before it have none) */
    r->bound_ms = r->gap = NAN;
    if (cJSON_GetObjectItemCaseSensitive(e, "bound_ms") != NULL)
        r->bound_ms = num_or_nan(e, "bound_ms", &ok);
    if (cJSON_GetObjectItemCaseSensitive(e, "gap") != NULL)
        r->gap = num_or_nan(e, "gap", &ok);
    char *const dst[] = {r->status_text, r->params, r->scenario_hash, r->origin, r->edits};
    const size_t size[] = {sizeof r->status_text, sizeof r->params, sizeof r->scenario_hash,
                           sizeof r->origin, sizeof r->edits};
    const char *const texts[] = {"status_text", "params", "scenario_hash", "origin", "edits"};
    for (size_t k = 0; k < 5; k++)
        if (cJSON_GetObjectItemCaseSensitive(e, texts[k]) != NULL)
            ok &= str_into(e, texts[k], dst[k], size[k]);
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(e, "extra");
    ok &= cJSON_IsArray(x) && cJSON_GetArraySize(x) <= 8;
    for (const cJSON *kv = ok ? x->child : NULL; kv != NULL; kv = kv->next) {
        const cJSON *k = cJSON_GetArrayItem(kv, 0), *v = cJSON_GetArrayItem(kv, 1);
        struct ps_kv *d = &r->extra[r->n_extra];
        ok &= cJSON_IsString(k) && cJSON_IsString(v) && strlen(k->valuestring) < sizeof d->key &&
              strlen(v->valuestring) < sizeof d->value;
        if (!ok)
            break;
        snprintf(d->key, sizeof d->key, "%s", k->valuestring);
        snprintf(d->value, sizeof d->value, "%s", v->valuestring);
        r->n_extra++;
    }
    return ok;
}

static enum ps_status read_info(const cJSON *root, struct ps_sweep_shard *info, struct ps_diag *d)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(f) || strcmp(f->valuestring, SHARD_FORMAT) != 0)
        return ps_diag_set(d, PS_EINVAL, "format", "not a sweep shard (expected \"%s\")",
                           SHARD_FORMAT);
    memset(info, 0, sizeof *info);
    const char *ints[] = {"shard", "shards", "points", "per_point"};
    double v[4];
    for (int k = 0; k < 4; k++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(root, ints[k]);
        if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble > 1e9 ||
            x->valuedouble != floor(x->valuedouble))
            return ps_diag_set(d, PS_EINVAL, ints[k], "must be a whole number");
        v[k] = x->valuedouble;
    }
    info->shard = (int)v[0];
    info->shards = (int)v[1];
    info->points = (long)v[2];
    info->per_point = (int)v[3];
    if (info->shards < 1 || info->shard >= info->shards)
        return ps_diag_set(d, PS_EINVAL, "shard", "shard %d of %d does not exist", info->shard,
                           info->shards);
    const cJSON *eps = cJSON_GetObjectItemCaseSensitive(root, "knee_eps");
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(root, "baseline");
    if (!str_into(root, "sweep", info->sweep, sizeof info->sweep) ||
        !str_into(root, "output", info->output, sizeof info->output) || !cJSON_IsNumber(eps) ||
        !(cJSON_IsNull(base) || str_into(root, "baseline", info->baseline, sizeof info->baseline)))
        return ps_diag_set(d, PS_EINVAL, "sweep", "malformed shard header");
    info->knee_eps = eps->valuedouble;
    return PS_OK;
}

enum ps_status ps_import_sweep_shard(const char *text, size_t len, struct ps_sweep_shard *info,
                                     struct ps_compare_row **rows, long **points, size_t *n,
                                     struct ps_diag *d)
{
    *rows = NULL;
    *points = NULL;
    *n = 0;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (root == NULL)
        return ps_diag_set(d, PS_EPARSE, "", "invalid JSON");
    enum ps_status st = read_info(root, info, d);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "rows");
    if (st == PS_OK && !cJSON_IsArray(arr))
        st = ps_diag_set(d, PS_EINVAL, "rows", "must be an array");
    size_t count = st == PS_OK ? (size_t)cJSON_GetArraySize(arr) : 0;
    if (st == PS_OK && count > 0) {
        *rows = calloc(count, sizeof **rows);
        *points = calloc(count, sizeof **points);
        if (*rows == NULL || *points == NULL)
            st = ps_diag_set(d, PS_ENOMEM, "rows", "out of memory");
    }
    size_t i = 0;
    for (const cJSON *e = st == PS_OK ? arr->child : NULL; e != NULL; e = e->next) {
        if (!read_row(e, &(*rows)[i], &(*points)[i])) {
            char path[48];
            snprintf(path, sizeof path, "rows[%zu]", i);
            st = ps_diag_set(d, PS_EINVAL, path, "malformed row");
            break;
        }
        i++;
    }
    cJSON_Delete(root);
    if (st != PS_OK) {
        free(*rows);
        free(*points);
        *rows = NULL;
        *points = NULL;
        return st;
    }
    *n = count;
    return PS_OK;
}
