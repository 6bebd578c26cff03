/* --set PATH=VALUE: a value for one field goes through the core table of fields
 * (core/field.h), typed; a JSON array or object for a whole part (`network.pairs=[...]`,
 * `datacenters=[...]`, `data_parallel={...}`) is read by the same code that reads files, as
 * if the file said so at that path. */
#include "core/field.h"
#include "core/io/io.h"
#include "core/io/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 160

/* The optional parts a JSON value may create on the way down, filled with what the model
 * uses without them (so that the re-read scenario means the same). */
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
    } else if (strcmp(key, "pairs") == 0 || strcmp(key, "per_microbatch") == 0) {
        c = cJSON_CreateArray();
    } else {
        c = cJSON_CreateObject(); /* the reader refuses a key that is not a known one */
    }
    if (c != NULL)
        cJSON_AddItemToObject(parent, key, c);
    return c;
}

/* Walks the tree to the parent of the last segment of path, creating optional parts.
 * Returns the parent and sets *last to the last segment (in buf). */
static cJSON *walk(cJSON *root, const struct ps_scenario *sc, const char *path, char *buf,
                   const char **last, struct ps_diag *d)
{
    snprintf(buf, PATH_MAX_LEN, "%s", path);
    cJSON *cur = root;
    char *seg = buf;
    for (char *dot = strchr(seg, '.'); dot != NULL; dot = strchr(seg, '.')) {
        *dot = '\0';
        cJSON *next;
        if (cJSON_IsArray(cur)) {
            char *end;
            long i = strtol(seg, &end, 10);
            next = *end == '\0' && end != seg && i >= 0 ? cJSON_GetArrayItem(cur, (int)i) : NULL;
        } else {
            next = cJSON_GetObjectItemCaseSensitive(cur, seg);
            if (next == NULL || cJSON_IsNull(next)) {
                cJSON_DeleteItemFromObjectCaseSensitive(cur, seg);
                next = create_missing(cur, seg, sc);
            }
        }
        if (next == NULL || !(cJSON_IsArray(next) || cJSON_IsObject(next))) {
            *dot = '.';
            ps_diag_set(d, PS_EINVAL, path, "does not lead to a part that takes a JSON value");
            return NULL;
        }
        cur = next;
        seg = dot + 1;
    }
    *last = seg;
    return cur;
}

/* After a JSON "datacenters" array: "stages" is the sum of its stage counts, and per-stage
 * times follow the core resize rule. */
static enum ps_status after_datacenters(cJSON *root, const struct ps_scenario *sc,
                                        struct ps_diag *d)
{
    const cJSON *dcs = cJSON_GetObjectItemCaseSensitive(root, "datacenters");
    int total = 0;
    for (const cJSON *e = cJSON_IsArray(dcs) ? dcs->child : NULL; e != NULL; e = e->next) {
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "stages");
        if (!cJSON_IsNumber(st) || st->valuedouble < 1 || st->valuedouble > PS_MAX_STAGES)
            return PS_OK; /* the reader names it */
        total += (int)st->valuedouble;
    }
    cJSON *v = cJSON_CreateNumber(total);
    if (v == NULL)
        return ps_diag_set(d, PS_ENOMEM, "datacenters", NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(root, "stages", v);
    cJSON *compute = cJSON_GetObjectItemCaseSensitive(root, "compute");
    cJSON *ps = cJSON_GetObjectItemCaseSensitive(compute, "per_stage");
    if (cJSON_IsArray(ps)) {
        /* Grow or cut at the end, copying the last stage: the JSON array gave no stage
         * correspondence to follow. */
        while (cJSON_GetArraySize(ps) > total)
            cJSON_DeleteItemFromArray(ps, cJSON_GetArraySize(ps) - 1);
        while (cJSON_GetArraySize(ps) < total && total > 0) {
            cJSON *last = cJSON_GetArrayItem(ps, cJSON_GetArraySize(ps) - 1);
            cJSON *o = cJSON_Duplicate(last, 1);
            if (o == NULL)
                return ps_diag_set(d, PS_ENOMEM, "datacenters", NULL);
            cJSON_AddItemToArray(ps, o);
        }
    }
    (void)sc;
    return PS_OK;
}

static enum ps_status edit(struct ps_scenario *sc, const char *path, const char *value, char *note,
                           size_t note_size, struct ps_diag *d);

static enum ps_status set_json(struct ps_scenario *sc, const char *path, const char *value,
                               struct ps_diag *d)
{
    cJSON *v = NULL;
    enum ps_status st = ps_json_parse_text(value, strlen(value), &v, d);
    if (st != PS_OK) {
        char msg[sizeof d->msg];
        snprintf(msg, sizeof msg, "%s", d->msg);
        return ps_diag_set(d, PS_EINVAL, path, "%s (col %d of the value)", msg, d->column);
    }
    cJSON *root = ps_scenario_to_cjson(sc);
    if (root == NULL) {
        cJSON_Delete(v);
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    }
    char buf[PATH_MAX_LEN];
    const char *last = NULL;
    cJSON *parent = walk(root, sc, path, buf, &last, d);
    st = parent == NULL ? PS_EINVAL : PS_OK;
    if (st == PS_OK && cJSON_IsArray(parent)) {
        char *end;
        long i = strtol(last, &end, 10);
        if (*end != '\0' || end == last || i < 0 || i >= cJSON_GetArraySize(parent))
            st = ps_diag_set(d, PS_EINVAL, path, "index out of range (0..%d)",
                             cJSON_GetArraySize(parent) - 1);
        else
            cJSON_ReplaceItemInArray(parent, (int)i, v);
    } else if (st == PS_OK) {
        if (cJSON_GetObjectItemCaseSensitive(parent, last) != NULL)
            cJSON_ReplaceItemInObjectCaseSensitive(parent, last, v);
        else
            cJSON_AddItemToObject(parent, last, v);
    }
    if (st != PS_OK)
        cJSON_Delete(v);
    if (st == PS_OK && strcmp(path, "datacenters") == 0)
        st = after_datacenters(root, sc, d);
    if (st == PS_OK) {
        struct ps_scenario fresh;
        st = ps_scenario_from_cjson(root, "", true, &fresh, d);
        if (st == PS_OK) {
            /* The provenance is not in the file form: it moves over, with this edit. */
            fresh.origin = sc->origin;
            fresh.edits = sc->edits;
            sc->origin = sc->edits = NULL;
            ps_scenario_fini(sc);
            *sc = fresh;
            ps_scenario_record_edit(sc, path, value);
        }
    }
    cJSON_Delete(root);
    return st;
}

/* With a workload, these fields are planned from it (docs/formats.md). */
static bool is_derived(const char *path)
{
    static const char *const roots[] = {"microbatches", "compute", "activation_mb",
                                        "per_microbatch", "memory.limit"};
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        size_t n = strlen(roots[i]);
        if (strncmp(path, roots[i], n) == 0 && (path[n] == '\0' || path[n] == '.'))
            return true;
    }
    return false;
}

bool ps_scenario_path_derived(const struct ps_scenario *sc, const char *path)
{
    return sc->workload != NULL && path != NULL && is_derived(path);
}

/* A field of the workload section: the value is JSON when it reads as JSON, else a string
 * (granularity=token needs no quotes), set in the tree and read back like a file. */
static enum ps_status set_workload(struct ps_scenario *sc, const char *path, const char *value,
                                   struct ps_diag *d)
{
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithOpts(value, &end, 1);
    if (v == NULL)
        v = cJSON_CreateString(value);
    char *text = v != NULL ? cJSON_PrintUnformatted(v) : NULL;
    cJSON_Delete(v);
    if (text == NULL)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    enum ps_status st = set_json(sc, path, text, d);
    free(text);
    return st;
}

enum ps_status ps_scenario_edit(struct ps_scenario *sc, const char *path, const char *value,
                                char *note, size_t note_size, struct ps_diag *d)
{
    enum ps_status st = edit(sc, path, value, note, note_size, d);
    /* an edited workload scenario holds the unplanned view until a front end plans it:
     * any edit can change the plan */
    if (st == PS_OK && sc->workload != NULL && (st = ps_workload_apply_raw(sc, d)) != PS_OK)
        ps_diag_set(d, st, "workload", "%s", d->msg);
    return st;
}

static enum ps_status edit(struct ps_scenario *sc, const char *path, const char *value, char *note,
                           size_t note_size, struct ps_diag *d)
{
    ps_diag_clear(d);
    if (note != NULL && note_size > 0)
        note[0] = '\0';
    if (path == NULL || path[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, "", "empty field path");
    if (strlen(path) >= PATH_MAX_LEN - 1)
        return ps_diag_set(d, PS_EINVAL, "", "field path too long");
    if (ps_scenario_path_derived(sc, path))
        return ps_diag_set(d, PS_EINVAL, path, PS_DERIVED_MSG);
    if (strncmp(path, "workload", 8) == 0 && (path[8] == '.' || path[8] == '\0'))
        return set_workload(sc, path, value, d);
    const char *p = value;
    while (*p == ' ')
        p++;
    if (*p == '[' || *p == '{')
        return set_json(sc, path, value, d);
    return ps_field_set_path(sc, path, value, note, note_size, d);
}

enum ps_status ps_scenario_set_path(struct ps_scenario *sc, const char *path, const char *value,
                                    struct ps_diag *d)
{
    return ps_scenario_edit(sc, path, value, NULL, 0, d);
}
