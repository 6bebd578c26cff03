/* Strict field readers and the --set path editor shared by the codecs that came after the
 * scenario's (cluster files): every error names the field by its dotted path. */
#include "core/io/json.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/suggest.h"

#define PATH_LEN 160

static void path_cat(char *out, const char *src)
{
    size_t n = strlen(out);
    while (*src != '\0' && n + 1 < PATH_LEN)
        out[n++] = *src++;
    out[n] = '\0';
}

void ps_json_path_key(char *out, const char *base, const char *key)
{
    char tmp[PATH_LEN] = "";
    path_cat(tmp, base);
    if (base[0] != '\0')
        path_cat(tmp, ".");
    path_cat(tmp, key);
    memcpy(out, tmp, PATH_LEN);
}

void ps_json_path_index(char *out, const char *base, int i)
{
    char num[16];
    snprintf(num, sizeof num, "%d", i);
    ps_json_path_key(out, base, num);
}

enum ps_status ps_json_check_keys(const cJSON *obj, const char *path, const char *const *known,
                                  struct ps_diag *d)
{
    for (const cJSON *c = obj->child; c != NULL; c = c->next) {
        char p[PATH_LEN];
        ps_json_path_key(p, path, c->string);
        bool ok = strcmp(c->string, "comment") == 0 || strcmp(c->string, "_comment") == 0;
        for (size_t i = 0; !ok && known[i] != NULL; i++)
            ok = strcmp(c->string, known[i]) == 0;
        if (!ok) {
            char list[320] = "";
            size_t used = 0;
            for (size_t i = 0; known[i] != NULL && used < sizeof list; i++) {
                int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", known[i]);
                if (n < 0)
                    break;
                used += (size_t)n;
            }
            struct ps_suggest sg;
            ps_suggest_init(&sg, c->string);
            for (size_t i = 0; known[i] != NULL; i++)
                ps_suggest_offer(&sg, known[i]);
            char hint[96];
            return ps_diag_set(d, PS_EINVAL, p, "unknown field (known: %s)%s", list,
                               ps_suggest_hint(&sg, hint, sizeof hint));
        }
        for (const cJSON *e = obj->child; e != c; e = e->next)
            if (strcmp(e->string, c->string) == 0)
                return ps_diag_set(d, PS_EINVAL, p, "duplicate field");
    }
    return PS_OK;
}

enum ps_status ps_json_get_number(const cJSON *obj, const char *key, const char *base,
                                  bool required, double def, double *out, struct ps_diag *d)
{
    char p[PATH_LEN];
    ps_json_path_key(p, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL || cJSON_IsNull(v)) {
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

enum ps_status ps_json_get_int64(const cJSON *obj, const char *key, const char *base, bool required,
                                 int64_t def, int64_t min, int64_t max, int64_t *out,
                                 struct ps_diag *d)
{
    char p[PATH_LEN];
    ps_json_path_key(p, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL || cJSON_IsNull(v)) {
        if (required)
            return ps_diag_set(d, PS_EINVAL, p, "missing (required)");
        *out = def;
        return PS_OK;
    }
    char num[32];
    if (!cJSON_IsNumber(v))
        return ps_diag_set(d, PS_EINVAL, p, "must be an integer (got %s)", ps_json_type_name(v));
    double x = v->valuedouble;
    if (!isfinite(x) || x != floor(x))
        return ps_diag_set(d, PS_EINVAL, p, "must be an integer (got %s)", ps_json_number(x, num));
    if (x < (double)min || x > (double)max)
        return ps_diag_set(d, PS_EINVAL, p, "must be in %lld..%lld (got %s)", (long long)min,
                           (long long)max, ps_json_number(x, num));
    *out = (int64_t)x;
    return PS_OK;
}

enum ps_status ps_json_get_string(const cJSON *obj, const char *key, const char *base,
                                  bool required, char *out, size_t size, struct ps_diag *d)
{
    char p[PATH_LEN];
    ps_json_path_key(p, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL || cJSON_IsNull(v)) {
        if (required)
            return ps_diag_set(d, PS_EINVAL, p, "missing (required)");
        out[0] = '\0';
        return PS_OK;
    }
    if (!cJSON_IsString(v))
        return ps_diag_set(d, PS_EINVAL, p, "must be a string (got %s)", ps_json_type_name(v));
    size_t n = strlen(v->valuestring);
    if (n >= size)
        return ps_diag_set(d, PS_EINVAL, p, "too long (at most %zu bytes)", size - 1);
    memcpy(out, v->valuestring, n + 1);
    return PS_OK;
}

/* ---- --set --------------------------------------------------------------------------- */

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

static enum ps_status bad_index(const char *here, int n, struct ps_diag *d)
{
    if (n == 0)
        return ps_diag_set(d, PS_EINVAL, here, "index out of range (the array is empty)");
    return ps_diag_set(d, PS_EINVAL, here, "index out of range (0..%d)", n - 1);
}

static cJSON *value_from_text(const char *text, const cJSON *old)
{
    if (cJSON_IsString(old) && text[0] != '"')
        return cJSON_CreateString(text);
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithOpts(text, &end, 1);
    return v != NULL ? v : cJSON_CreateString(text);
}

/* Puts v at cur[tok] (an object member or an existing array index). */
static enum ps_status put_leaf(cJSON *cur, const char *tok, const char *here, const char *value,
                               struct ps_diag *d)
{
    if (cJSON_IsArray(cur)) {
        int idx, n = cJSON_GetArraySize(cur);
        if (!parse_index(tok, &idx) || idx >= n)
            return bad_index(here, n, d);
        cJSON *v = value_from_text(value, cJSON_GetArrayItem(cur, idx));
        if (v == NULL || !cJSON_ReplaceItemInArray(cur, idx, v)) {
            cJSON_Delete(v);
            return ps_diag_set(d, PS_ENOMEM, here, "out of memory");
        }
        return PS_OK;
    }
    cJSON *child = cJSON_GetObjectItemCaseSensitive(cur, tok);
    cJSON *v = value_from_text(value, child);
    if (v == NULL)
        return ps_diag_set(d, PS_ENOMEM, here, "out of memory");
    if (child != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(cur, tok, v);
    else
        cJSON_AddItemToObject(cur, tok, v);
    return PS_OK;
}

enum ps_status ps_json_set_path(cJSON *root, const char *path, const char *value, struct ps_diag *d)
{
    if (path == NULL || path[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, "", "empty field path");
    if (strlen(path) >= PATH_LEN)
        return ps_diag_set(d, PS_EINVAL, "", "field path too long");
    char toks[PATH_LEN], sofar[PATH_LEN] = "";
    snprintf(toks, sizeof toks, "%s", path);
    cJSON *cur = root;
    char *save = NULL;
    for (char *tok = strtok_r(toks, ".", &save); tok != NULL;) {
        char *next = strtok_r(NULL, ".", &save);
        char here[PATH_LEN];
        ps_json_path_key(here, sofar, tok);
        if (!cJSON_IsArray(cur) && !cJSON_IsObject(cur))
            return ps_diag_set(d, PS_EINVAL, here, "unknown field (%s is a %s)", sofar,
                               ps_json_type_name(cur));
        if (next == NULL)
            return put_leaf(cur, tok, here, value, d);
        cJSON *child;
        if (cJSON_IsArray(cur)) {
            int idx, n = cJSON_GetArraySize(cur);
            if (!parse_index(tok, &idx) || idx >= n)
                return bad_index(here, n, d);
            child = cJSON_GetArrayItem(cur, idx);
        } else {
            child = cJSON_GetObjectItemCaseSensitive(cur, tok);
            if (child == NULL || cJSON_IsNull(child)) {
                if (child != NULL)
                    cJSON_DeleteItemFromObjectCaseSensitive(cur, tok);
                child = cJSON_CreateObject();
                if (child == NULL)
                    return ps_diag_set(d, PS_ENOMEM, here, "out of memory");
                cJSON_AddItemToObject(cur, tok, child);
            }
        }
        memcpy(sofar, here, sizeof sofar);
        cur = child;
        tok = next;
    }
    return PS_OK;
}
