/* Where a cluster comes from: a cluster file or a built-in cluster preset, --set edits, and
 * the jobs' model names resolved with the calculator's catalogue (docs/cluster.md, the
 * presets in docs/presets.md). */
#include "presets/cluster.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "presets/presets.h"

enum ps_status ps_cluster_resolve_models(struct ps_cluster *c, struct ps_diag *d)
{
    for (int i = 0; i < c->n_jobs; i++) {
        struct ps_cluster_job *j = &c->jobs[i];
        if (j->model[0] == '\0')
            continue;
        char name[PS_NAME_MAX];
        struct ps_diag inner;
        ps_diag_clear(&inner);
        enum ps_status st = ps_model_parse(j->model, &j->calc, name, sizeof name, &inner);
        if (st != PS_OK) {
            char path[64];
            snprintf(path, sizeof path, "jobs.%d.model", i);
            /* The calculator's own "model" path is this field's; deeper ones stay. */
            bool own = inner.path[0] == '\0' || strcmp(inner.path, "model") == 0;
            return ps_diag_set(d, st, path, "%s%s%s", own ? "" : inner.path, own ? "" : ": ",
                               inner.msg);
        }
        j->has_calc = true;
    }
    return PS_OK;
}

/* Puts the source in front of the path: "SOURCE: path" or "SOURCE:line:col". */
static void prefix_diag(struct ps_diag *d, const char *source)
{
    if (d == NULL)
        return;
    char path[sizeof d->path + 200];
    if (d->line > 0)
        snprintf(path, sizeof path, "%s:%d:%d%s%s", source, d->line, d->column,
                 d->path[0] != '\0' ? ": " : "", d->path);
    else if (d->path[0] != '\0')
        snprintf(path, sizeof path, "%s: %s", source, d->path);
    else
        snprintf(path, sizeof path, "%s", source);
    size_t len = strlen(path);
    if (len >= sizeof d->path)
        len = sizeof d->path - 1;
    memcpy(d->path, path, len);
    d->path[len] = '\0';
    d->line = d->column = 0;
}

enum ps_status ps_cluster_set(struct ps_cluster *c, const char *path, const char *value,
                              struct ps_diag *d)
{
    struct ps_cluster copy;
    if (ps_cluster_copy(&copy, c) != PS_OK)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    enum ps_status st = ps_cluster_set_path(&copy, path, value, d);
    if (st == PS_OK)
        st = ps_cluster_resolve_models(&copy, d);
    if (st == PS_OK) {
        ps_cluster_fini(c);
        *c = copy;
    } else {
        ps_cluster_fini(&copy);
    }
    return st;
}

static enum ps_status apply_set(struct ps_cluster *c, const char *set, struct ps_diag *d)
{
    char source[200];
    snprintf(source, sizeof source, "--set %.180s", set);
    const char *eq = strchr(set, '=');
    enum ps_status st;
    if (eq == NULL || eq == set) {
        st = ps_diag_set(d, PS_EINVAL, "", "expected PATH=VALUE");
    } else {
        char path[160];
        size_t n = (size_t)(eq - set);
        if (n >= sizeof path)
            n = sizeof path - 1;
        memcpy(path, set, n);
        path[n] = '\0';
        st = ps_cluster_set(c, path, eq + 1, d);
    }
    if (st != PS_OK)
        prefix_diag(d, source);
    return st;
}

enum ps_status ps_cluster_resolve(const struct ps_cluster_source *src, struct ps_cluster *c,
                                  struct ps_diag *d)
{
    enum ps_status st;
    ps_diag_clear(d);
    ps_cluster_init(c);
    if (src->file != NULL && src->preset != NULL)
        return ps_diag_set(d, PS_EINVAL, "", "give a cluster file or a preset, not both");
    if (src->file != NULL) {
        st = ps_cluster_load(src->file, c, d);
        if (st != PS_OK)
            prefix_diag(d, src->file);
    } else {
        const char *name = src->preset != NULL ? src->preset : PS_DEFAULT_CLUSTER_PRESET;
        const struct ps_cluster_preset *p = ps_cluster_preset_find(name);
        if (p == NULL) {
            char names[256] = "";
            size_t used = 0;
            for (size_t i = 0; i < ps_cluster_preset_count() && used < sizeof names; i++) {
                int n = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                 ps_cluster_preset_at(i)->name);
                used += n > 0 ? (size_t)n : 0;
            }
            return ps_diag_set(d, PS_ENOTFOUND, "", "unknown cluster preset '%.40s' (known: %s)",
                               name, names);
        }
        st = ps_cluster_parse(p->json, strlen(p->json), c, d);
        if (st != PS_OK) {
            char source[96];
            snprintf(source, sizeof source, "preset %s", name);
            prefix_diag(d, source);
        }
    }
    if (st == PS_OK) {
        st = ps_cluster_resolve_models(c, d);
        if (st != PS_OK)
            prefix_diag(d, src->file != NULL ? src->file : "preset");
    }
    for (int i = 0; st == PS_OK && i < src->n_sets; i++)
        st = apply_set(c, src->sets[i], d);
    if (st != PS_OK)
        ps_cluster_fini(c);
    return st;
}
