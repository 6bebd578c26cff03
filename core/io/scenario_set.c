/* --set edits by field path: PATH=VALUE text applied to a scenario, validated whole. */
#include "core/io/io.h"
#include "core/io/json.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 160

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

/* After an edit of a scenario with a workload, its derived fields go: the parser derives
 * the unplanned view again, and the front end plans it (any edit can change the plan). */
static void drop_derived(cJSON *root)
{
    const cJSON *wl = cJSON_GetObjectItemCaseSensitive(root, "workload");
    if (wl == NULL || cJSON_IsNull(wl))
        return;
    static const char *const keys[] = {"microbatches", "compute", "activation_mb",
                                       "per_microbatch"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(root, keys[i]);
    cJSON *mem = cJSON_GetObjectItemCaseSensitive(root, "memory");
    if (cJSON_IsObject(mem))
        cJSON_DeleteItemFromObjectCaseSensitive(mem, "limit");
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
    if (sc->workload != NULL && is_derived(path)) {
        cJSON_Delete(root);
        return ps_diag_set(d, PS_EINVAL, path,
                           "derived from the workload; edit workload.* instead (or remove it: "
                           "workload=null)");
    }
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
    if (st == PS_OK)
        drop_derived(root);
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
