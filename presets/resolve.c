/* Where a scenario comes from: a file, a preset or the model calculator, then the user's
 * --set edits in order. Every error names its source ("FILE: field.path: reason"). */
#include "presets/presets.h"

#include "core/io/io.h"
#include "core/workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rewrites d so that ps_diag_format(d, NULL, ...) reads "SOURCE: path: reason" or
 * "SOURCE:line:col: reason": the source goes in front of the path, and a line/column
 * moves into the path too (formatting would otherwise put it before the source). */
static void prefix_diag(struct ps_diag *d, const char *source)
{
    if (d == NULL)
        return;
    char path[512];
    int n;
    if (d->line > 0 && d->path[0] != '\0')
        n = snprintf(path, sizeof path, "%s:%d:%d: %s", source, d->line, d->column, d->path);
    else if (d->line > 0)
        n = snprintf(path, sizeof path, "%s:%d:%d", source, d->line, d->column);
    else if (d->path[0] != '\0')
        n = snprintf(path, sizeof path, "%s: %s", source, d->path);
    else
        n = snprintf(path, sizeof path, "%s", source);
    (void)n;
    size_t len = strlen(path);
    if (len >= sizeof d->path)
        len = sizeof d->path - 1;
    memcpy(d->path, path, len);
    d->path[len] = '\0';
    d->line = 0;
    d->column = 0;
}

static enum ps_status apply_set(const struct ps_scenario_source *src, struct ps_scenario *sc,
                                const char *set, struct ps_diag *d)
{
    const char *eq = strchr(set, '=');
    char source[192];
    snprintf(source, sizeof source, "--set %s", set);
    if (eq == NULL || eq == set) {
        ps_diag_set(d, PS_EINVAL, "", "expected PATH=VALUE");
        prefix_diag(d, source);
        return PS_EINVAL;
    }
    size_t plen = (size_t)(eq - set);
    char *path = malloc(plen + 1);
    if (path == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    memcpy(path, set, plen);
    path[plen] = '\0';
    char note[256];
    enum ps_status st = ps_scenario_edit(sc, path, eq + 1, note, sizeof note, d);
    free(path);
    if (st == PS_OK && note[0] != '\0' && src->on_note != NULL)
        src->on_note(src->note_user, set, note);
    if (st != PS_OK)
        prefix_diag(d, source);
    return st;
}

/* --workload FILE: the file's workload replaces the scenario's (a lengths file takes the
 * scenario's other workload settings), and the scenario holds its unplanned view. */
static enum ps_status attach_workload(const char *file, struct ps_scenario *sc, struct ps_diag *d)
{
    struct ps_workload *w = NULL;
    enum ps_status st = ps_workload_load(file, sc->workload, &w, d);
    if (st == PS_OK) {
        ps_workload_free(sc->workload);
        sc->workload = w;
        st = ps_workload_validate(w, sc->n_stages, d);
    }
    if (st == PS_OK)
        st = ps_workload_apply_raw(sc, d);
    if (st != PS_OK)
        prefix_diag(d, file);
    return st;
}

enum ps_status ps_scenario_resolve(const struct ps_scenario_source *src, struct ps_scenario *sc,
                                   struct ps_diag *d)
{
    enum ps_status st;
    ps_diag_clear(d);
    int n_sources = (src->scenario_file != NULL) + (src->preset != NULL) + (src->model != NULL);
    if (n_sources > 1) {
        ps_scenario_init(sc);
        return ps_diag_set(d, PS_EINVAL, "",
                           "give only one of a scenario file, a preset or a model");
    }
    if (src->cluster != NULL && src->model == NULL) {
        ps_scenario_init(sc);
        return ps_diag_set(d, PS_EINVAL, "", "a cluster needs a model");
    }

    if (src->scenario_file != NULL) {
        st = ps_scenario_load(src->scenario_file, sc, d);
        if (st != PS_OK)
            prefix_diag(d, src->scenario_file);
    } else if (src->model != NULL) {
        /* A plain (not weak) reference: a weak one alone would never pull presets/models.c
         * out of the static library, and the calculator would look absent. */
        /* Its paths already say where ("model", "cluster.pp"). */
        struct ps_model_source ms = {src->model,        src->cluster,      src->model_over,
                                     src->n_model_over, src->cluster_over, src->n_cluster_over};
        st = ps_scenario_from_model_ex(&ms, sc, src->report, d);
    } else {
        const char *name = src->preset != NULL ? src->preset : PS_DEFAULT_PRESET;
        st = ps_preset_load(name, sc, d);
        if (st != PS_OK && st != PS_ENOTFOUND) {
            char source[192];
            snprintf(source, sizeof source, "preset %s", name);
            prefix_diag(d, source);
        }
    }
    if (st != PS_OK)
        return st;
    if (src->workload_file != NULL && (st = attach_workload(src->workload_file, sc, d)) != PS_OK) {
        ps_scenario_fini(sc);
        return st;
    }
    char origin[1400];
    if (src->scenario_file != NULL)
        snprintf(origin, sizeof origin, "file %.1000s", src->scenario_file);
    else if (src->model != NULL)
        snprintf(origin, sizeof origin, "model %.500s, cluster %.500s", src->model,
                 src->cluster != NULL ? src->cluster : "(default)");
    else
        snprintf(origin, sizeof origin, "preset %.1000s",
                 src->preset != NULL ? src->preset : PS_DEFAULT_PRESET);
    if (src->workload_file != NULL)
        snprintf(origin + strlen(origin), sizeof origin - strlen(origin), ", workload %.300s",
                 src->workload_file);
    if (ps_scenario_set_origin(sc, origin) != PS_OK) {
        ps_scenario_fini(sc);
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    }

    for (int i = 0; i < src->n_sets; i++) {
        st = apply_set(src, sc, src->sets[i], d);
        if (st != PS_OK) {
            ps_scenario_fini(sc);
            return st;
        }
    }
    return PS_OK;
}

bool ps_scenario_source_from_origin(const char *origin, struct ps_scenario_source *src, char *buf,
                                    size_t size)
{
    memset(src, 0, sizeof *src);
    if (origin == NULL || snprintf(buf, size, "%s", origin) >= (int)size)
        return false;
    /* the workload comes last: ", workload F" */
    char *wl = strstr(buf, ", workload ");
    if (wl != NULL) {
        *wl = '\0';
        src->workload_file = wl + strlen(", workload ");
    }
    if (strncmp(buf, "preset ", 7) == 0 && buf[7] != '\0') {
        src->preset = buf + 7;
        return true;
    }
    if (strncmp(buf, "file ", 5) == 0 && buf[5] != '\0') {
        src->scenario_file = buf + 5;
        return true;
    }
    char *cl = strstr(buf, ", cluster ");
    if (strncmp(buf, "model ", 6) == 0 && cl != NULL) {
        *cl = '\0';
        src->model = buf + 6;
        const char *c = cl + strlen(", cluster ");
        src->cluster = strcmp(c, "(default)") == 0 ? NULL : c;
        return true;
    }
    return false;
}
