/* The strict reading helpers every JSON codec of core/io shares: field paths for
 * messages, unknown and duplicate keys refused, typed getters that name the field. */
#include "core/io/strict.h"
#include "core/io/file.h"
#include "core/io/json.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/suggest.h"

/* ---- paths ---------------------------------------------------------------------------- */

/* Appends src to out (PS_IO_PATH_MAX bytes), truncating: paths are for messages only. */
static void path_cat(char *out, const char *src)
{
    size_t n = strlen(out);
    while (*src != '\0' && n + 1 < PS_IO_PATH_MAX)
        out[n++] = *src++;
    out[n] = '\0';
}

void ps_io_path_key(char *out, const char *base, const char *key)
{
    char tmp[PS_IO_PATH_MAX] = "";
    path_cat(tmp, base);
    if (base[0] != '\0')
        path_cat(tmp, ".");
    path_cat(tmp, key);
    memcpy(out, tmp, PS_IO_PATH_MAX);
}

void ps_io_path_index(char *out, const char *base, int i)
{
    char num[16];
    snprintf(num, sizeof num, "%d", i);
    ps_io_path_key(out, base, num);
}

/* Rejects keys that are not in `known` (NULL-terminated), and duplicates. "comment" and
 * "_comment" are always allowed. */
enum ps_status ps_io_check_keys(const cJSON *obj, const char *path, const char *const *known,
                                struct ps_diag *d)
{
    for (const cJSON *c = obj->child; c != NULL; c = c->next) {
        char p[PS_IO_PATH_MAX];
        ps_io_path_key(p, path, c->string);
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

enum ps_status ps_io_want_object(const cJSON *v, const char *path, struct ps_diag *d)
{
    if (!cJSON_IsObject(v))
        return ps_diag_set(d, PS_EINVAL, path, "must be an object (got %s)", ps_json_type_name(v));
    return PS_OK;
}

/* A number field. Absent: an error when required, else *out = def. null is not a number
 * (only memory.limit and the optional objects take null, and read it themselves). */
enum ps_status ps_io_get_number(const cJSON *obj, const char *key, const char *base, bool required,
                                double def, double *out, struct ps_diag *d)
{
    char p[PS_IO_PATH_MAX];
    ps_io_path_key(p, base, key);
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

enum ps_status ps_io_as_int(const cJSON *v, const char *p, int *out, struct ps_diag *d)
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

enum ps_status ps_io_get_int(const cJSON *obj, const char *key, const char *base, int *out,
                             struct ps_diag *d)
{
    char p[PS_IO_PATH_MAX];
    ps_io_path_key(p, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return ps_diag_set(d, PS_EINVAL, p, "missing (required)");
    return ps_io_as_int(v, p, out, d);
}

enum ps_status ps_io_get_string(const cJSON *obj, const char *key, const char *base, bool required,
                                char *out, size_t size, struct ps_diag *d)
{
    char p[PS_IO_PATH_MAX];
    ps_io_path_key(p, base, key);
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

enum ps_status ps_io_read_file(const char *path, char **out, size_t *len, struct ps_diag *d)
{
    return ps_file_read(path, PS_FILE_MAX, out, len, d);
}

void ps_io_dirname(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (strcmp(path, "-") == 0 || slash == NULL) {
        snprintf(out, size, ".");
        return;
    }
    size_t n = (size_t)(slash - path);
    if (n == 0)
        n = 1; /* "/file" lives in "/" */
    snprintf(out, size, "%.*s", (int)n, path);
}
