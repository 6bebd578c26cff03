/* `pipescope tui FILE.json`: a schedule file's scenario and schedule, or a comparison's
 * scenario rebuilt from its provenance and its first two rows, opened in the explorer. */
#include "tui/explorer/viewfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/file.h"
#include "core/io/io.h"
#include "core/units.h"
#include "export/export.h"
#include "presets/presets.h"
#include "tui/cli/cli.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/results.h"

/* A schedule file: its scenario, and its schedule's name and parameters. */
static int load_schedule(const char *text, size_t len, struct ps_scenario *sc,
                         struct tui_view_file *vf, char *err, size_t size)
{
    struct ps_loaded_schedule ls;
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_import_schedule_json(text, len, &ls, NULL, &d) != PS_OK) {
        char why[400];
        ps_diag_format(&d, vf->path, why, sizeof why);
        snprintf(err, size, "%s", why);
        return PS_EXIT_FAILURE;
    }
    const struct ps_schedule *s = ls.sched;
    vf->n = 1;
    snprintf(vf->name[0], sizeof vf->name[0], "%s", s->name);
    size_t used = 0;
    for (int i = 0; i < s->solver.n_params && used + 2 < sizeof vf->params[0]; i++) {
        int k = snprintf(vf->params[0] + used, sizeof vf->params[0] - used, "%s%s=%s",
                         used ? "; " : "", s->solver.params[i].key, s->solver.params[i].value);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    vf->ms[0] = s->timed ? ps_ns_to_ms(s->makespan_ns) : NAN;
    enum ps_status st = ps_scenario_copy(sc, &ls.sc);
    ps_loaded_schedule_fini(&ls);
    if (st != PS_OK) {
        snprintf(err, size, "out of memory");
        return PS_EXIT_FAILURE;
    }
    return PS_EXIT_OK;
}

/* A comparison: the scenario its first row's provenance names, with its edits; the first
 * two rows' schedules. */
static int load_comparison(const struct ps_compare_row *rows, size_t n, struct ps_scenario *sc,
                           struct tui_view_file *vf, char *err, size_t size)
{
    const struct ps_compare_row *r = &rows[0];
    struct ps_scenario_source src;
    char buf[sizeof r->origin];
    if (!ps_scenario_source_from_origin(r->origin, &src, buf, sizeof buf)) {
        snprintf(err, size,
                 "%s: the comparison does not say where its scenario came from (origin '%s'); "
                 "open its scenario with --preset or --scenario",
                 vf->path, r->origin);
        return PS_EXIT_FAILURE;
    }
    /* the edits, one "PATH=VALUE" per line, as --set takes them */
    char edits[sizeof r->edits];
    snprintf(edits, sizeof edits, "%s", r->edits);
    const char *sets[64];
    int n_sets = 0;
    for (char *p = edits; *p && n_sets < 64;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (*p)
            sets[n_sets++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    src.sets = sets;
    src.n_sets = n_sets;
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_scenario_resolve(&src, sc, &d) != PS_OK) {
        char why[400];
        ps_diag_format(&d, NULL, why, sizeof why);
        snprintf(err, size, "%s: its scenario (%s) cannot be rebuilt: %s", vf->path, r->origin,
                 why);
        return PS_EXIT_FAILURE;
    }
    char hash[PS_SCENARIO_HASH_LEN + 1];
    ps_scenario_hash(sc, hash);
    if (r->scenario_hash[0] && strcmp(hash, r->scenario_hash) != 0)
        snprintf(vf->note, sizeof vf->note,
                 "note: %s now hashes %s, the file says %s: it changed since the file was "
                 "written",
                 r->origin, hash, r->scenario_hash);
    vf->n = n >= 2 ? 2 : 1;
    for (int i = 0; i < vf->n; i++) {
        snprintf(vf->name[i], sizeof vf->name[i], "%s", rows[i].schedule);
        snprintf(vf->params[i], sizeof vf->params[i], "%s", rows[i].params);
        vf->ms[i] = rows[i].makespan_ms;
    }
    return PS_EXIT_OK;
}

int tui_view_file_load(const char *path, struct ps_scenario *sc, struct tui_view_file *vf,
                       char *err, size_t size)
{
    memset(vf, 0, sizeof *vf);
    ps_scenario_init(sc);
    snprintf(vf->path, sizeof vf->path, "%s", path);
    char *text;
    size_t len;
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_file_read(path, PS_FILE_MAX, &text, &len, &d) != PS_OK) {
        ps_diag_format(&d, path, err, size);
        return PS_EXIT_FAILURE;
    }
    int rc;
    struct ps_compare_row *rows = NULL;
    size_t n = 0;
    /* a comparison is an array of rows; anything else is read as a schedule file */
    const char *p = text;
    while (p < text + len && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    if (p < text + len && *p == '[') {
        ps_diag_clear(&d);
        if (ps_import_compare_json(text, len, &rows, &n, &d) != PS_OK) {
            char why[400];
            ps_diag_format(&d, path, why, sizeof why);
            snprintf(err, size, "%s", why);
            rc = PS_EXIT_FAILURE;
        } else
            rc = load_comparison(rows, n, sc, vf, err, size);
        free(rows);
    } else
        rc = load_schedule(text, len, sc, vf, err, size);
    free(text);
    return rc;
}

/* The registry index of a schedule name, -1 when none. */
static int find(const struct tui_app *app, const char *name)
{
    for (size_t i = 0; i < app->n_res; i++)
        if (strcmp(app->res[i].sv->name, name) == 0)
            return (int)i;
    return -1;
}

/* Sets r's parameters from "key=value; key=value", the ones its solver takes (a file also
 * lists what a solver resolved, like its note). */
static void set_params(struct tui_result *r, const char *text)
{
    struct ps_params p = r->params;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *kv = strtok(buf, ";"); kv != NULL; kv = strtok(NULL, ";")) {
        while (*kv == ' ')
            kv++;
        char *eq = strchr(kv, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        for (size_t i = 0; i < r->sv->n_params; i++)
            if (strcmp(r->sv->params[i].key, kv) == 0) {
                struct ps_params q = p;
                struct ps_diag d;
                if (ps_params_set(&q, kv, eq + 1) == PS_OK &&
                    ps_params_check(r->sv, &q, &d) == PS_OK)
                    p = q;
            }
    }
    r->params = p;
}

void tui_view_file_apply(struct tui_app *app, const struct tui_view_file *vf)
{
    int idx[2] = {-1, -1};
    for (int i = 0; i < vf->n; i++) {
        idx[i] = find(app, vf->name[i]);
        if (idx[i] < 0) {
            tui_message(app, TUI_MSG_ERR, "%s: no schedule '%s' in this pipescope", vf->path,
                        vf->name[i]);
            return;
        }
        set_params(&app->res[idx[i]], vf->params[i]);
    }
    tui_results_recompute(app);
    tui_results_poll(app, true);
    tui_show_schedule(app, idx[0]);
    if (vf->n == 2 && idx[1] != idx[0])
        app->split_b = idx[1];
    /* The file's makespans against the explorer's. */
    char msg[600];
    int k = snprintf(msg, sizeof msg, "opened %s:", vf->path);
    for (int i = 0; i < vf->n && k > 0 && (size_t)k < sizeof msg; i++) {
        const struct ps_schedule *s = app->res[idx[i]].sched;
        char f[32] = "-", now[32] = "-";
        if (isfinite(vf->ms[i]))
            tui_fmt_ms(f, sizeof f, vf->ms[i]);
        if (s && s->timed)
            tui_fmt_ms(now, sizeof now, ps_ns_to_ms(s->makespan_ns));
        bool same = strcmp(f, now) == 0;
        k += snprintf(msg + k, sizeof msg - (size_t)k, " %s%s %s ms%s%s%s", i ? "vs " : "",
                      vf->name[i], now, same ? " as in the file" : " (the file: ", same ? "" : f,
                      same ? "" : " ms)");
        if (app->res[idx[i]].sv->slow && !s)
            k += snprintf(msg + k, sizeof msg - (size_t)k, " (press r to solve it)");
    }
    if (vf->note[0] && k > 0 && (size_t)k < sizeof msg)
        snprintf(msg + k, sizeof msg - (size_t)k, "; %s", vf->note);
    tui_message(app, vf->note[0] ? TUI_MSG_ERR : TUI_MSG_OK, "%s", msg);
}
