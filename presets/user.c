/* User presets: the scenario files a user keeps in a folder ($PIPESCOPE_PRESETS, or the
 * XDG config folder), listed beside the built-in presets and loaded by name. */
#include "presets/presets.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *ps_user_presets_dir(char *buf, size_t size)
{
    const char *env = getenv("PIPESCOPE_PRESETS");
    int n;
    if (env != NULL && env[0] != '\0') {
        n = snprintf(buf, size, "%s", env);
    } else {
        const char *xdg = getenv("XDG_CONFIG_HOME");
        const char *home = getenv("HOME");
        /* The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored. */
        if (xdg != NULL && xdg[0] == '/')
            n = snprintf(buf, size, "%s/pipescope/presets", xdg);
        else if (home != NULL && home[0] != '\0')
            n = snprintf(buf, size, "%s/.config/pipescope/presets", home);
        else
            return NULL;
    }
    if (n < 0 || (size_t)n >= size)
        return NULL;
    return buf;
}

/* "NAME.json" -> NAME, or false when the entry is not a preset file name. */
static bool preset_name(const char *file, char *name, size_t size)
{
    size_t n = strlen(file);
    if (n <= 5 || strcmp(file + n - 5, ".json") != 0 || file[0] == '.')
        return false;
    if (n - 5 >= size)
        return false;
    memcpy(name, file, n - 5);
    name[n - 5] = '\0';
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct ps_user_preset *)a)->name,
                  ((const struct ps_user_preset *)b)->name);
}

/* The summary: the description up to its first line break, else the scenario's name. */
static void summarize(struct ps_user_preset *p)
{
    struct ps_scenario sc;
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_scenario_load(p->path, &sc, &d) != PS_OK) {
        char why[512];
        p->valid = false;
        snprintf(p->summary, sizeof p->summary, "%s", ps_diag_format(&d, NULL, why, sizeof why));
        return;
    }
    p->valid = true;
    const char *text =
        sc.description != NULL && sc.description[0] != '\0' ? sc.description : sc.name;
    size_t n = strcspn(text, "\n");
    if (n >= sizeof p->summary)
        n = sizeof p->summary - 1;
    memcpy(p->summary, text, n);
    p->summary[n] = '\0';
    ps_scenario_fini(&sc);
}

enum ps_status ps_user_presets_list(struct ps_user_preset **out, size_t *n, struct ps_diag *d)
{
    char dir[1024];
    *out = NULL;
    *n = 0;
    ps_diag_clear(d);
    if (ps_user_presets_dir(dir, sizeof dir) == NULL)
        return PS_OK;
    DIR *dh = opendir(dir);
    if (dh == NULL) {
        if (errno == ENOENT || errno == ENOTDIR)
            return PS_OK;
        return ps_diag_set(d, PS_EIO, "presets", "%s: %s", dir, strerror(errno));
    }
    struct ps_user_preset *list = NULL;
    size_t count = 0, cap = 0;
    enum ps_status st = PS_OK;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        char name[PS_NAME_MAX];
        if (!preset_name(de->d_name, name, sizeof name))
            continue;
        struct ps_user_preset p = {0};
        snprintf(p.name, sizeof p.name, "%s", name);
        int len = snprintf(p.path, sizeof p.path, "%s/%s", dir, de->d_name);
        if (len < 0 || (size_t)len >= sizeof p.path)
            continue;
        struct stat sb;
        if (stat(p.path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct ps_user_preset *nl = realloc(list, ncap * sizeof *nl);
            if (nl == NULL) {
                st = ps_diag_set(d, PS_ENOMEM, "presets", "out of memory");
                break;
            }
            list = nl;
            cap = ncap;
        }
        summarize(&p);
        p.shadowed = ps_preset_find(p.name) != NULL;
        list[count++] = p;
    }
    closedir(dh);
    if (st != PS_OK) {
        free(list);
        return st;
    }
    if (count > 1)
        qsort(list, count, sizeof *list, by_name);
    *out = list;
    *n = count;
    return PS_OK;
}

enum ps_status ps_user_preset_load(const char *name, struct ps_scenario *sc, struct ps_diag *d)
{
    char dir[1024], path[1100];
    ps_scenario_init(sc);
    ps_diag_clear(d);
    /* A name, not a path: keep lookups inside the folder. */
    if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
        return ps_diag_set(d, PS_ENOTFOUND, "preset", "'%s' is not a preset name", name);
    if (ps_user_presets_dir(dir, sizeof dir) == NULL)
        return ps_diag_set(d, PS_ENOTFOUND, "preset",
                           "no user preset folder (set HOME or "
                           "PIPESCOPE_PRESETS)");
    int n = snprintf(path, sizeof path, "%s/%s.json", dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return ps_diag_set(d, PS_ENOTFOUND, "preset", "preset name too long");
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return ps_diag_set(d, PS_ENOTFOUND, "preset", "no user preset '%s' in %s", name, dir);
    enum ps_status st = ps_scenario_load(path, sc, d);
    if (st != PS_OK && d != NULL) {
        /* Name the file: "FILE:line:col: field" or "FILE: field", as the resolver does; a
         * long folder is elided so that the field still fits. */
        char file[80], where[sizeof d->path];
        size_t len = strlen(path);
        if (len < sizeof file)
            memcpy(file, path, len + 1);
        else
            snprintf(file, sizeof file, ".../%.50s.json", name);
        if (d->line > 0)
            snprintf(where, sizeof where, "%s:%d:%d%s%.40s", file, d->line, d->column,
                     d->path[0] ? ": " : "", d->path);
        else
            snprintf(where, sizeof where, "%s%s%.40s", file, d->path[0] ? ": " : "", d->path);
        memcpy(d->path, where, sizeof where);
        d->line = d->column = 0;
    }
    return st;
}
