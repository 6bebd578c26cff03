/* The explorer's files: the shown schedule and the comparison exported (JSON or CSV),
 * a scenario opened from a file or a preset, the edited scenario saved. Every file goes
 * through the safe write, an existing file is replaced only once the user says so, and
 * every failure is a message, never a half-written file. */
#include "tui/explorer/files.h"

#include "tui/explorer/sweep.h"

#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "export/export.h"
#include "presets/presets.h"
#include "tui/explorer/cluster.h"
#include "tui/explorer/results.h"
#include "tui/explorer/undo.h"
#include "tui/explorer/workload.h"

/* The safe write (core/io/file.h): a regular file replaced whole with its mode kept, a
 * read-only one refused, a device or FIFO written to (a FIFO without a reader is an error,
 * not a frozen screen). */
bool tui_files_write(struct tui_app *app, const char *path, struct ps_buf *b, const char *what)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_file_write(path, b->data ? b->data : "", b->len, PS_OUT_NOBLOCK, &d) != PS_OK) {
        char buf[400];
        ps_diag_format(&d, NULL, buf, sizeof(buf));
        tui_message(app, TUI_MSG_ERR, "could not write %s: %s", what, buf);
        return false;
    }
    /* Where, in full: the explorer may have been started anywhere. */
    char cwd[4096];
    bool rel = path[0] != '/' && getcwd(cwd, sizeof cwd) != NULL;
    if (rel && strncmp(path, "./", 2) == 0)
        path += 2;
    tui_message(app, TUI_MSG_OK, "wrote %s to %s%s%s (%zu bytes)", what, rel ? cwd : "",
                rel ? "/" : "", path, b->len);
    return true;
}

bool tui_files_write_figure(struct tui_app *app, const char *path, enum ps_format fmt,
                            const struct ps_buf *svg, const char *what)
{
    char named[200];
    snprintf(named, sizeof named, "%s (%s)", what, ps_format_name(fmt));
    struct ps_buf b;
    ps_buf_init(&b);
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st;
    if (fmt == PS_FMT_SVG)
        st = ps_buf_append(&b, svg->data, svg->len);
    else {
        struct ps_render_info info = {what, NULL};
        st = ps_export_render(svg->data, svg->len, fmt, &info, &b, &d);
    }
    bool ok = false;
    if (st != PS_OK)
        tui_message(app, TUI_MSG_ERR, "could not export %s: %s", named,
                    d.msg[0] ? d.msg : ps_status_str(st));
    else
        ok = tui_files_write(app, path, &b, named);
    ps_buf_fini(&b);
    return ok;
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
        tui_files_export_view(app, path);
    else if (app->confirm_kind == TUI_PROMPT_EXPORT_CMP)
        tui_files_export_compare(app, path);
    else if (app->confirm_kind == TUI_PROMPT_CLUSTER_EXPORT ||
             app->confirm_kind == TUI_PROMPT_CLUSTER_PARETO)
        tui_cluster_export(app, path, app->confirm_kind == TUI_PROMPT_CLUSTER_PARETO);
    else if (app->confirm_kind == TUI_PROMPT_CLUSTER_SAVE)
        tui_cluster_save(app, path);
    else if (app->confirm_kind == TUI_PROMPT_SWEEP_EXPORT)
        tui_sweep_export(app, path);
    else
        tui_files_save(app, path);
    app->confirmed = false;
}

bool tui_files_format(struct tui_app *app, const char *path, const enum ps_format *allowed,
                      const char *what, enum ps_format *fmt)
{
    *fmt = ps_format_of_path(path);
    char list[160] = "";
    size_t used = 0;
    for (size_t i = 0; allowed[i] != PS_FMT_NONE; i++) {
        if (allowed[i] == *fmt)
            return true;
        const struct ps_format_def *fd = ps_format_def(allowed[i]);
        int k = snprintf(list + used, sizeof list - used, "%s%s", i ? " " : "", fd ? fd->ext : "");
        if (k > 0 && (size_t)k < sizeof list - used)
            used += (size_t)k;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (*fmt == PS_FMT_NONE)
        tui_message(app, TUI_MSG_ERR, "refused: %s: the name has no ending; %s go to %s", base,
                    what, list);
    else
        tui_message(app, TUI_MSG_ERR,
                    "refused: %s: %s are written as %s (the name's ending "
                    "decides)",
                    base, what, list);
    return false;
}

void tui_files_view(const struct tui_app *app, const struct ps_schedule **s, size_t *n)
{
    *n = 0;
    const struct ps_schedule *a = tui_shown(app);
    if (a == NULL)
        return;
    s[(*n)++] = a;
    if (app->split_b >= 0 && (size_t)app->split_b < app->n_res && app->split_b != app->shown &&
        app->res[app->split_b].sched != NULL)
        s[(*n)++] = app->res[app->split_b].sched;
}

void tui_files_export_view(struct tui_app *app, const char *path)
{
    const struct ps_schedule *s[2];
    size_t n;
    tui_files_view(app, s, &n);
    if (n == 0) {
        const struct tui_result *r = &app->res[app->shown];
        tui_message(app, TUI_MSG_ERR, "nothing to export: %s %s", r->sv->name,
                    r->pending ? "is updating; try again in a moment" : "has no schedule");
        return;
    }
    static const enum ps_format allowed[] = {PS_FMT_JSON, PS_FMT_CSV,   PS_FMT_SVG,  PS_FMT_PDF,
                                             PS_FMT_PNG,  PS_FMT_TRACE, PS_FMT_TEXT, PS_FMT_NONE};
    enum ps_format fmt;
    if (!tui_files_format(app, path, allowed, "the view's files", &fmt))
        return;
    if (tui_files_ask_first(app, TUI_PROMPT_EXPORT, path))
        return;
    /* What is on screen: A (and B in the split), the critical path when it is lit, the
     * channel rows when they show. */
    struct ps_view_options vo = {.text_width = 100, .unicode = app->unicode};
    vo.fig.critical_path = app->show_crit;
    vo.fig.hide_channels = !app->show_channels;
    struct ps_buf b;
    ps_buf_init(&b);
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = ps_export_view(s, n, fmt, &vo, &b, &d);
    char what[300];
    const struct ps_format_def *fd = ps_format_def(fmt);
    int k = n == 2 ? snprintf(what, sizeof what, "A/B %s vs %s", s[0]->name, s[1]->name)
                   : snprintf(what, sizeof what, "%s", s[0]->name);
    bool figure = fmt == PS_FMT_SVG || fmt == PS_FMT_PDF || fmt == PS_FMT_PNG;
    if (k > 0 && (size_t)k < sizeof what)
        snprintf(what + k, sizeof what - (size_t)k, "%s (%s)",
                 figure && vo.fig.critical_path ? " with its critical path" : "",
                 fd ? fd->name : "?");
    if (st != PS_OK) {
        char buf[400];
        if (d.msg[0])
            ps_diag_format(&d, NULL, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "%s", ps_status_str(st));
        tui_message(app, TUI_MSG_ERR, "could not export %s: %s", what, buf);
    } else
        tui_files_write(app, path, &b, what);
    ps_buf_fini(&b);
}

void tui_files_export_compare(struct tui_app *app, const char *path)
{
    static const enum ps_format allowed[] = {PS_FMT_CSV,      PS_FMT_JSON, PS_FMT_LATEX,
                                             PS_FMT_MARKDOWN, PS_FMT_TEXT, PS_FMT_NONE};
    enum ps_format fmt;
    if (!tui_files_format(app, path, allowed, "comparisons", &fmt))
        return;
    if (tui_files_ask_first(app, TUI_PROMPT_EXPORT_CMP, path))
        return;
    struct ps_compare_row rows[TUI_MAX_SOLVERS];
    size_t n = 0;
    for (size_t i = 0; i < app->n_res; i++)
        if (app->res[i].sched)
            ps_compare_row_from(&rows[n++], app->res[i].sched);
    struct ps_buf b;
    ps_buf_init(&b);
    enum ps_status st;
    switch (fmt) {
    case PS_FMT_CSV:
        st = ps_export_compare_csv(rows, n, &b);
        break;
    case PS_FMT_JSON:
        st = ps_export_compare_json(rows, n, &b);
        break;
    case PS_FMT_LATEX:
        st = ps_export_compare_latex(rows, n, &b);
        break;
    case PS_FMT_MARKDOWN:
        st = ps_export_compare_markdown(rows, n, &b);
        break;
    default:
        st = ps_export_compare_table(rows, n, &b);
        break;
    }
    char what[96];
    const struct ps_format_def *fd = ps_format_def(fmt);
    snprintf(what, sizeof what, "the comparison of %zu schedules (%s)", n, fd ? fd->name : "?");
    if (st != PS_OK)
        tui_message(app, TUI_MSG_ERR, "could not export %s: %s", what, ps_status_str(st));
    else
        tui_files_write(app, path, &b, what);
    ps_buf_fini(&b);
}

/* Loads a new scenario into the app (u brings the old one back); the old one stays when
 * loading fails. */
static void replace_scenario(struct tui_app *app, struct ps_scenario *sc, const char *source)
{
    tui_undo_push(app);
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
    tui_mark_clean(app);
    tui_results_recompute(app);
    tui_workload_reset(app); /* a workload: its plan in the background */
}

void tui_files_use_scenario(struct tui_app *app, struct ps_scenario *sc, const char *source)
{
    replace_scenario(app, sc, source);
}

bool tui_files_ask_discard(struct tui_app *app, enum tui_discard_then then, const char *arg)
{
    if (app->discard_ok || !tui_unsaved(app)) {
        app->discard_ok = false;
        return false;
    }
    app->discard_then = then;
    snprintf(app->discard_arg, sizeof app->discard_arg, "%s", arg ? arg : "");
    static const char *const verbs[] = {"quit", "load the preset", "open the file"};
    char label[96];
    snprintf(label, sizeof label, "Unsaved edits (w saves, u undoes). Lose them and %s? (y/n)",
             verbs[then]);
    tui_prompt_open(app, TUI_PROMPT_DISCARD, label, "");
    return true;
}

unsigned tui_files_discard_answer(struct tui_app *app, const char *answer)
{
    if (strcmp(answer, "y") != 0 && strcmp(answer, "yes") != 0 && strcmp(answer, "Y") != 0) {
        tui_message(app, TUI_MSG_INFO, "kept the edits (w saves them)");
        return TUI_REDRAW;
    }
    char arg[sizeof app->discard_arg];
    snprintf(arg, sizeof arg, "%s", app->discard_arg);
    app->discard_ok = true;
    switch (app->discard_then) {
    case TUI_THEN_QUIT:
        return TUI_QUIT;
    case TUI_THEN_PRESET:
        tui_files_load_preset(app, arg);
        break;
    case TUI_THEN_OPEN:
        tui_files_open(app, arg);
        break;
    }
    app->discard_ok = false;
    return TUI_REDRAW;
}

void tui_files_open(struct tui_app *app, const char *path)
{
    if (tui_files_ask_discard(app, TUI_THEN_OPEN, path))
        return;
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
    tui_message(app, TUI_MSG_OK, "opened %s: %d stages, %d microbatches, %d DC%s (u: back)", path,
                app->sc.n_stages, app->sc.n_microbatches, app->sc.n_dcs,
                app->sc.n_dcs == 1 ? "" : "s");
}

void tui_files_load_preset(struct tui_app *app, const char *name)
{
    if (tui_files_ask_discard(app, TUI_THEN_PRESET, name))
        return;
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
    tui_message(app, TUI_MSG_OK, "loaded preset %s (u: back)", name);
}

void tui_files_save_name(const struct tui_app *app, char *buf, size_t size)
{
    char base[sizeof app->sc.name];
    ps_scenario_base_name(&app->sc, base, sizeof base);
    if (base[0] == '\0')
        snprintf(base, sizeof base, "scenario");
    /* A file name without spaces or slashes. */
    for (char *p = base; *p; p++)
        if (*p == ' ' || *p == '/')
            *p = '-';
    snprintf(buf, size, "%s%s.json", base, app->sc.edits ? "-edited" : "");
}

/* The name a scenario saved to path gets: the file's name without .json. */
static void name_of_path(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcasecmp(base + n - 5, ".json") == 0)
        n -= 5;
    snprintf(buf, size, "%.*s", (int)n, base);
}

void tui_files_save(struct tui_app *app, const char *path)
{
    if (tui_files_ask_first(app, TUI_PROMPT_SAVE, path))
        return;
    /* Saved under a new name: the file's; an edited scenario's description says what it was
     * made from (a scenario file holds no other provenance). */
    struct ps_scenario out;
    if (ps_scenario_copy(&out, &app->sc) != PS_OK) {
        ps_scenario_fini(&out);
        tui_message(app, TUI_MSG_ERR, "save failed: out of memory");
        return;
    }
    name_of_path(path, out.name, sizeof out.name);
    if (out.name[0] == '\0')
        ps_scenario_base_name(&app->sc, out.name, sizeof out.name);
    if (app->sc.edits != NULL) {
        const char *old = app->sc.description ? app->sc.description : "";
        size_t size = strlen(old) + strlen(app->sc.edits) + 600;
        char *desc = malloc(size);
        if (desc != NULL) {
            int k = snprintf(desc, size, "%s%sMade from %s with:", old, *old ? "\n" : "",
                             app->sc.origin ? app->sc.origin : "a scenario");
            for (const char *p = app->sc.edits; *p && k > 0 && (size_t)k < size;) {
                size_t l = strcspn(p, "\n");
                k += snprintf(desc + k, size - (size_t)k, " --set %.*s", (int)l, p);
                p += l + (p[l] == '\n');
            }
            free(out.description);
            out.description = desc;
        }
    }
    char *json = ps_scenario_to_json(&out);
    if (json == NULL) {
        ps_scenario_fini(&out);
        tui_message(app, TUI_MSG_ERR, "save failed: out of memory");
        return;
    }
    struct ps_buf b = {.data = json, .len = strlen(json), .cap = strlen(json) + 1};
    bool wrote = tui_files_write(app, path, &b, "the scenario");
    free(json);
    if (!wrote) {
        ps_scenario_fini(&out);
        return;
    }
    /* The scenario on screen is now the file: its name, and no unsaved edits. */
    char origin[sizeof app->discard_arg + 8];
    snprintf(origin, sizeof origin, "file %.*s", (int)sizeof app->discard_arg, path);
    if (ps_scenario_set_origin(&out, origin) == PS_OK) {
        /* The schedules point at app->sc: the name moves in, the model is the same. */
        snprintf(app->sc.name, sizeof app->sc.name, "%s", out.name);
        char *t = app->sc.description;
        app->sc.description = out.description;
        out.description = t;
        t = app->sc.origin;
        app->sc.origin = out.origin;
        out.origin = t;
        t = app->sc.edits;
        app->sc.edits = out.edits;
        out.edits = t;
        snprintf(app->source, sizeof(app->source), "%.*s", (int)sizeof(app->source) - 1, path);
        tui_mark_clean(app);
    }
    ps_scenario_fini(&out);
}
