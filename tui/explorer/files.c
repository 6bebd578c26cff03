/* The explorer's files: the shown schedule and the comparison exported (JSON or CSV),
 * a scenario opened from a file or a preset, the edited scenario saved. Every file goes
 * through the safe write, an existing file is replaced only once the user says so, and
 * every failure is a message, never a half-written file. */
#include "tui/explorer/files.h"

#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "presets/presets.h"
#include "tui/explorer/cluster.h"
#include "tui/explorer/results.h"
#include "tui/explorer/workload.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The safe write (core/io/file.h): a regular file replaced whole with its mode kept, a
 * read-only one refused, a device or FIFO written to (a FIFO without a reader is an error,
 * not a frozen screen). */
void tui_files_write(struct tui_app *app, const char *path, struct ps_buf *b, const char *what)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_file_write(path, b->data ? b->data : "", b->len, PS_OUT_NOBLOCK, &d) != PS_OK) {
        char buf[400];
        ps_diag_format(&d, NULL, buf, sizeof(buf));
        tui_message(app, TUI_MSG_ERR, "could not write %s: %s", what, buf);
        return;
    }
    tui_message(app, TUI_MSG_OK, "wrote %s to %s (%zu bytes)", what, path, b->len);
}

/* True when path is an existing file the user has not agreed to replace yet: asks
 * instead ("replace it? y/n"); the answer comes back through tui_files_confirm. */
bool tui_files_ask_first(struct tui_app *app, enum tui_prompt_kind k, const char *path)
{
    if (app->confirmed && strcmp(app->confirm_path, path) == 0) {
        app->confirmed = false;
        return false;
    }
    app->confirmed = false;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false; /* new, or a device or FIFO: written to, nothing is replaced */
    app->confirm_kind = k;
    snprintf(app->confirm_path, sizeof(app->confirm_path), "%s", path);
    const char *base = strrchr(path, '/');
    char label[96];
    snprintf(label, sizeof(label), "%.60s exists. Replace it? (y/n)", base ? base + 1 : path);
    tui_prompt_open(app, TUI_PROMPT_CONFIRM, label, "");
    return true;
}

void tui_files_confirm(struct tui_app *app, const char *answer)
{
    if (strcmp(answer, "y") != 0 && strcmp(answer, "yes") != 0 && strcmp(answer, "Y") != 0) {
        tui_message(app, TUI_MSG_INFO, "not replaced: %s", app->confirm_path);
        return;
    }
    char path[sizeof(app->confirm_path)];
    snprintf(path, sizeof(path), "%s", app->confirm_path);
    app->confirmed = true;
    if (app->confirm_kind == TUI_PROMPT_EXPORT)
        tui_files_export_schedule(app, path);
    else if (app->confirm_kind == TUI_PROMPT_EXPORT_CMP)
        tui_files_export_compare(app, path);
    else if (app->confirm_kind == TUI_PROMPT_CLUSTER_EXPORT ||
             app->confirm_kind == TUI_PROMPT_CLUSTER_PARETO)
        tui_cluster_export(app, path, app->confirm_kind == TUI_PROMPT_CLUSTER_PARETO);
    else if (app->confirm_kind == TUI_PROMPT_CLUSTER_SAVE)
        tui_cluster_save(app, path);
    else
        tui_files_save(app, path);
    app->confirmed = false;
}

void tui_files_export_schedule(struct tui_app *app, const char *path)
{
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL) {
        const struct tui_result *r = &app->res[app->shown];
        tui_message(app, TUI_MSG_ERR, "nothing to export: %s %s", r->sv->name,
                    r->pending ? "is updating; try again in a moment" : "has no schedule");
        return;
    }
    bool csv = ends_with(path, ".csv");
    if (!csv && !ends_with(path, ".json")) {
        tui_message(app, TUI_MSG_ERR, "export: the file name must end in .json or .csv");
        return;
    }
    if (tui_files_ask_first(app, TUI_PROMPT_EXPORT, path))
        return;
    struct ps_buf b;
    ps_buf_init(&b);
    enum ps_status st = csv ? ps_export_schedule_csv(s, &b) : ps_export_schedule_json(s, &b);
    if (st != PS_OK)
        tui_message(app, TUI_MSG_ERR, "export failed: %s", ps_status_str(st));
    else
        tui_files_write(app, path, &b, csv ? "the schedule (CSV)" : "the schedule (JSON)");
    ps_buf_fini(&b);
}

void tui_files_export_compare(struct tui_app *app, const char *path)
{
    bool csv = ends_with(path, ".csv");
    if (!csv && !ends_with(path, ".json")) {
        tui_message(app, TUI_MSG_ERR, "export: the file name must end in .csv or .json");
        return;
    }
    if (tui_files_ask_first(app, TUI_PROMPT_EXPORT_CMP, path))
        return;
    struct ps_compare_row rows[TUI_MAX_SOLVERS];
    size_t n = 0;
    for (size_t i = 0; i < app->n_res; i++)
        if (app->res[i].sched)
            ps_compare_row_from(&rows[n++], app->res[i].sched);
    struct ps_buf b;
    ps_buf_init(&b);
    enum ps_status st =
        csv ? ps_export_compare_csv(rows, n, &b) : ps_export_compare_json(rows, n, &b);
    if (st != PS_OK)
        tui_message(app, TUI_MSG_ERR, "export failed: %s", ps_status_str(st));
    else
        tui_files_write(app, path, &b, csv ? "the comparison (CSV)" : "the comparison (JSON)");
    ps_buf_fini(&b);
}

/* Loads a new scenario into the app; the old one stays when it fails. */
static void replace_scenario(struct tui_app *app, struct ps_scenario *sc, const char *source)
{
    tui_results_drop_all(app);
    ps_scenario_fini(&app->sc);
    app->sc = *sc;
    ps_scenario_init(sc);
    /* A longer file path is cut on screen (a precision, so the cut is no warning). */
    snprintf(app->source, sizeof(app->source), "%.*s", (int)sizeof(app->source) - 1, source);
    app->field_sel = 1;
    app->field_scroll = 0;
    app->cursor_on = false;
    app->fit = true;
    tui_results_recompute(app);
    tui_workload_reset(app); /* a workload: its plan in the background */
}

void tui_files_use_scenario(struct tui_app *app, struct ps_scenario *sc, const char *source)
{
    replace_scenario(app, sc, source);
}

void tui_files_open(struct tui_app *app, const char *path)
{
    struct ps_scenario sc;
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_scenario_load(path, &sc, &d) != PS_OK) {
        char buf[400];
        ps_diag_format(&d, path, buf, sizeof(buf));
        tui_message(app, TUI_MSG_ERR, "could not open: %s", buf);
        ps_scenario_fini(&sc);
        return;
    }
    replace_scenario(app, &sc, path);
    tui_message(app, TUI_MSG_OK, "opened %s: %d stages, %d microbatches, %d DC%s", path,
                app->sc.n_stages, app->sc.n_microbatches, app->sc.n_dcs,
                app->sc.n_dcs == 1 ? "" : "s");
}

void tui_files_load_preset(struct tui_app *app, const char *name)
{
    struct ps_scenario sc;
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_preset_load(name, &sc, &d) != PS_OK) {
        char buf[400];
        ps_diag_format(&d, NULL, buf, sizeof(buf));
        tui_message(app, TUI_MSG_ERR, "could not load preset: %s", buf);
        ps_scenario_fini(&sc);
        return;
    }
    char src[128];
    snprintf(src, sizeof(src), "preset %s", name);
    replace_scenario(app, &sc, src);
    tui_message(app, TUI_MSG_OK, "loaded preset %s", name);
}

void tui_files_save(struct tui_app *app, const char *path)
{
    if (tui_files_ask_first(app, TUI_PROMPT_SAVE, path))
        return;
    char *json = ps_scenario_to_json(&app->sc);
    if (json == NULL) {
        tui_message(app, TUI_MSG_ERR, "save failed: out of memory");
        return;
    }
    struct ps_buf b = {.data = json, .len = strlen(json), .cap = strlen(json) + 1};
    tui_files_write(app, path, &b, "the scenario");
    free(json);
}
