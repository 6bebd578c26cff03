/* The sweep plot screen's state: the field, its values (its own ladder, as + and - step it,
 * around its value), the runs of every fast schedule at each, the knees, the export. */
#include "tui/explorer/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "tui/explorer/fields.h"
#include "tui/explorer/files.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A field the plot can sweep: a number of the whole scenario. */
static bool sweepable(const struct tui_app *app, const struct ps_field_def *f)
{
    return f->scope == PS_SCOPE_SCENARIO && !(f->flags & PS_FIELD_VIEW) &&
           (f->type == PS_FIELD_NUMBER || f->type == PS_FIELD_COUNT) && f->ladder != NULL &&
           !((f->flags & PS_FIELD_MULTI_DC) && app->sc.n_dcs < 2);
}

/* The values: the field's own, and up to `steps` steps of its ladder each way. */
static void make_values(const struct tui_app *app, struct tui_sweep *w)
{
    double down[8], up[8];
    int nd = 0, nu = 0;
    for (int dir = -1; dir <= 1; dir += 2) {
        struct ps_scenario tmp;
        if (ps_scenario_copy(&tmp, &app->sc) != PS_OK)
            continue;
        for (int k = 0; k < w->steps; k++) {
            char note[256];
            struct ps_diag d;
            double before = ps_field_get(&tmp, &w->ref, NULL);
            if (ps_field_step(&tmp, &w->ref, dir, note, sizeof note, &d) != PS_OK)
                break;
            double v = ps_field_get(&tmp, &w->ref, NULL);
            /* unlimited bandwidth (0) is the top of its ladder, not a value to plot */
            if (v == before || (w->ref.def->unit == PS_UNIT_GBPS && v <= 0))
                break;
            if (dir < 0)
                down[nd++] = v;
            else
                up[nu++] = v;
        }
        ps_scenario_fini(&tmp);
    }
    w->n_values = 0;
    for (int k = nd - 1; k >= 0; k--)
        w->values[w->n_values++] = down[k];
    w->current = w->n_values;
    w->values[w->n_values++] = ps_field_get(&app->sc, &w->ref, NULL);
    for (int k = 0; k < nu; k++)
        w->values[w->n_values++] = up[k];
}

/* Runs every fast schedule at every value; the knees over the values. */
static void compute(struct tui_app *app, struct tui_sweep *w)
{
    double t0 = now_ms();
    make_values(app, w);
    size_t n_sched = 0;
    for (size_t i = 0; i < app->n_res; i++)
        n_sched += !app->res[i].sv->slow;
    free(w->rows);
    w->n_sched = n_sched;
    w->n_rows = 0;
    w->rows = calloc((size_t)w->n_values * (n_sched ? n_sched : 1), sizeof *w->rows);
    for (int v = 0; w->rows && v < w->n_values; v++) {
        struct ps_scenario sc;
        char note[256];
        struct ps_diag d;
        if (ps_scenario_copy(&sc, &app->sc) != PS_OK)
            break;
        bool ok = ps_field_set(&sc, &w->ref, w->values[v], note, sizeof note, &d) == PS_OK;
        for (size_t i = 0; i < app->n_res; i++) {
            const struct tui_result *r = &app->res[i];
            if (r->sv->slow)
                continue;
            struct ps_compare_row *row = &w->rows[w->n_rows++];
            struct ps_schedule *s = NULL;
            if (ok && ps_solver_run(r->sv, &sc, &r->params, NULL, &s, &d) == PS_OK && s) {
                ps_compare_row_from(row, s);
            } else {
                memset(row, 0, sizeof *row);
                snprintf(row->schedule, sizeof row->schedule, "%s", r->sv->name);
                snprintf(row->status, sizeof row->status, "error");
                row->makespan_ms = row->bubble_ratio = NAN;
            }
            ps_schedule_free(s);
            row->n_extra = 1;
            snprintf(row->extra[0].key, sizeof row->extra[0].key, "%.31s", w->path);
            snprintf(row->extra[0].value, sizeof row->extra[0].value, "%.10g", w->values[v]);
        }
        ps_scenario_fini(&sc);
    }
    if (w->rows)
        ps_compare_knees(w->rows, w->n_rows, TUI_SWEEP_EPS);
    w->run_ms = now_ms() - t0;
    w->gen = app->gen;
}

static void start(struct tui_app *app, const struct ps_field_def *def)
{
    struct tui_sweep *w = app->sweep;
    w->ref = (struct ps_field_ref){def, -1, -1};
    ps_field_path(&app->sc, &w->ref, w->path, sizeof w->path);
    ps_field_label(&app->sc, &w->ref, w->label, sizeof w->label);
    compute(app, w);
    tui_message(app, w->rows ? TUI_MSG_INFO : TUI_MSG_ERR,
                "%s: %d values x %zu schedules (Left/Right: field, +/-: range, e: export, S: "
                "back)",
                w->label, w->n_values, w->n_sched);
}

void tui_sweep_toggle(struct tui_app *app)
{
    if (app->sweep_screen) {
        app->sweep_screen = false;
        tui_message(app, TUI_MSG_INFO, "pipeline screen (S: the sweep plot)");
        return;
    }
    if (app->sweep == NULL) {
        app->sweep = calloc(1, sizeof *app->sweep);
        if (app->sweep == NULL) {
            tui_message(app, TUI_MSG_ERR, "no sweep plot: out of memory");
            return;
        }
        app->sweep->steps = 4;
    }
    /* the panel's selected field when it is a number, else the one swept last, else the
     * inter-DC bandwidth (or the microbatches with one DC) */
    struct tui_field f;
    const struct ps_field_def *def = NULL;
    if (tui_field_selected(app, &f) && f.kind == TUI_FK_FIELD && sweepable(app, f.ref.def))
        def = f.ref.def;
    else if (app->sweep->ref.def && sweepable(app, app->sweep->ref.def))
        def = app->sweep->ref.def;
    else
        def = ps_field_find(app->sc.n_dcs > 1 ? "network.inter_dc.bandwidth_gbps" : "microbatches");
    app->sweep_screen = true;
    start(app, def);
}

void tui_sweep_free(struct tui_sweep *w)
{
    if (w == NULL)
        return;
    free(w->rows);
    free(w);
}

void tui_sweep_next_field(struct tui_app *app, int dir)
{
    size_t n = ps_field_count(), at = 0;
    while (at < n && ps_field_at(at) != app->sweep->ref.def)
        at++;
    for (size_t k = 1; k <= n; k++) {
        const struct ps_field_def *f = ps_field_at((at + n + (size_t)dir * k) % n);
        if (sweepable(app, f)) {
            start(app, f);
            return;
        }
    }
}

void tui_sweep_widen(struct tui_app *app, int dir)
{
    struct tui_sweep *w = app->sweep;
    int steps = w->steps + (dir > 0 ? 2 : -2);
    if (steps < 2 || steps > 8) {
        tui_message(app, TUI_MSG_INFO, "%d steps each side is the %s", w->steps,
                    steps < 2 ? "fewest" : "most");
        return;
    }
    w->steps = steps;
    start(app, w->ref.def);
}

void tui_sweep_export(struct tui_app *app, const char *path)
{
    struct tui_sweep *w = app->sweep;
    if (w == NULL || w->rows == NULL || w->n_rows == 0) {
        tui_message(app, TUI_MSG_ERR, "nothing to export: no sweep");
        return;
    }
    static const enum ps_format allowed[] = {PS_FMT_SVG,      PS_FMT_PDF,  PS_FMT_PNG,
                                             PS_FMT_CSV,      PS_FMT_JSON, PS_FMT_LATEX,
                                             PS_FMT_MARKDOWN, PS_FMT_TEXT, PS_FMT_NONE};
    enum ps_format fmt;
    if (!tui_files_format(app, path, allowed, "the sweep's files", &fmt))
        return;
    bool figure = fmt == PS_FMT_SVG || fmt == PS_FMT_PDF || fmt == PS_FMT_PNG;
    if (tui_files_ask_first(app, TUI_PROMPT_SWEEP_EXPORT, path))
        return;
    struct ps_buf b;
    ps_buf_init(&b);
    char title[256];
    snprintf(title, sizeof title, "%.100s: makespan and bubble against %.80s", app->sc.name,
             w->path);
    enum ps_status st;
    switch (fmt) {
    case PS_FMT_CSV:
        st = ps_export_compare_csv(w->rows, w->n_rows, &b);
        break;
    case PS_FMT_JSON:
        st = ps_export_compare_json(w->rows, w->n_rows, &b);
        break;
    case PS_FMT_LATEX:
        st = ps_export_compare_latex(w->rows, w->n_rows, &b);
        break;
    case PS_FMT_MARKDOWN:
        st = ps_export_compare_markdown(w->rows, w->n_rows, &b);
        break;
    case PS_FMT_TEXT:
        st = ps_export_compare_table(w->rows, w->n_rows, &b);
        break;
    default:
        st = ps_export_sweep_svg(w->rows, w->n_rows, w->path, title, 900, &b);
        break;
    }
    char what[64];
    snprintf(what, sizeof what, "the sweep (%s)", ps_format_name(fmt));
    if (st != PS_OK)
        tui_message(app, TUI_MSG_ERR, "export failed: %s", ps_status_str(st));
    else if (figure) /* one drawing: the SVG, or PDF and PNG rendered from it */
        tui_files_write_figure(app, path, fmt, &b, "the sweep plot");
    else
        tui_files_write(app, path, &b, what);
    ps_buf_fini(&b);
}
