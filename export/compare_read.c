/* Reading a comparison back (compare --format json, the explorer's E): the rows' names,
 * parameters, makespans and provenance, enough to rebuild their scenario and open them
 * again (`pipescope tui FILE.json`). */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/json.h"

static void text(const cJSON *o, const char *key, char *buf, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    snprintf(buf, size, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static double number(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* One row; false when it is not an object with a schedule name. */
static bool read_row(const cJSON *e, struct ps_compare_row *r)
{
    memset(r, 0, sizeof *r);
    if (!cJSON_IsObject(e))
        return false;
    text(e, "scenario", r->scenario, sizeof r->scenario);
    text(e, "schedule", r->schedule, sizeof r->schedule);
    text(e, "status", r->status, sizeof r->status);
    text(e, "status_text", r->status_text, sizeof r->status_text);
    text(e, "params", r->params, sizeof r->params);
    text(e, "scenario_hash", r->scenario_hash, sizeof r->scenario_hash);
    text(e, "origin", r->origin, sizeof r->origin);
    r->makespan_ms = number(e, "makespan_ms");
    r->bubble_ratio = number(e, "bubble_ratio");
    r->peak_memory = number(e, "peak_memory");
    r->lower_bound_ms = number(e, "lower_bound_ms");
    r->bound_ms = number(e, "bound_ms");
    r->gap = number(e, "gap");
    r->memory_ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "memory_ok"));
    /* the edits: an array of "PATH=VALUE", one line each */
    const cJSON *ed = cJSON_GetObjectItemCaseSensitive(e, "edits");
    size_t used = 0;
    for (const cJSON *x = cJSON_IsArray(ed) ? ed->child : NULL; x != NULL; x = x->next) {
        if (!cJSON_IsString(x))
            return false;
        int k = snprintf(r->edits + used, sizeof r->edits - used, "%s%s", used ? "\n" : "",
                         x->valuestring);
        if (k < 0 || (size_t)k >= sizeof r->edits - used)
            return false; /* longer than a row holds: not one of ours */
        used += (size_t)k;
    }
    return r->schedule[0] != '\0';
}

enum ps_status ps_import_compare_json(const char *text_, size_t len, struct ps_compare_row **rows,
                                      size_t *n, struct ps_diag *d)
{
    *rows = NULL;
    *n = 0;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text_, len, &end, false);
    if (root == NULL)
        return ps_diag_set(d, PS_EPARSE, "", "invalid JSON");
    enum ps_status st = PS_OK;
    if (!cJSON_IsArray(root) || cJSON_GetArraySize(root) == 0)
        st = ps_diag_set(d, PS_EINVAL, "", "not a comparison (an array of rows)");
    size_t count = st == PS_OK ? (size_t)cJSON_GetArraySize(root) : 0;
    if (count > 0 && (*rows = calloc(count, sizeof **rows)) == NULL)
        st = ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    size_t i = 0;
    for (const cJSON *e = st == PS_OK ? root->child : NULL; e != NULL; e = e->next, i++)
        if (!read_row(e, &(*rows)[i])) {
            char path[32];
            snprintf(path, sizeof path, "[%zu]", i);
            st = ps_diag_set(d, PS_EINVAL, path, "not a comparison row (no schedule name)");
            break;
        }
    cJSON_Delete(root);
    if (st != PS_OK) {
        free(*rows);
        *rows = NULL;
        return st;
    }
    *n = count;
    return PS_OK;
}
