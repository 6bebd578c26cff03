/* The explorer's life and its one entry for commands: tui_apply routes a command to the
 * overlay of the mode (prompt, picker, help), else to the focused pane, the split view
 * and the keys every pane shares; then it keeps the view consistent with whatever
 * changed. Nothing here draws. */
#include "tui/explorer/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "tui/explorer/cluster.h"
#include "tui/explorer/files.h"
#include "tui/explorer/sweep.h"
#include "tui/explorer/layout.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/pane.h"
#include "tui/explorer/results.h"
#include "tui/explorer/teach.h"
#include "tui/explorer/undo.h"
#include "tui/explorer/view.h"
#include "tui/explorer/workload.h"

/* The panes that set up state, in order (the table's selection follows the shown
 * schedule, so it comes after the results). */
static const struct tui_pane *const init_panes[] = {
    &tui_pane_scenario,
    &tui_pane_timeline,
    &tui_pane_split,
    &tui_pane_table,
};
/* The pane of each focus, and the overlay of each mode. */
static const struct tui_pane *const focus_panes[TUI_FOCUS_COUNT] = {
    [TUI_FOCUS_PANEL] = &tui_pane_scenario,
    [TUI_FOCUS_GANTT] = &tui_pane_timeline,
    [TUI_FOCUS_TABLE] = &tui_pane_table,
};
static const struct tui_pane *const mode_panes[] = {
    [TUI_MODE_NORMAL] = NULL,
    [TUI_MODE_PROMPT] = &tui_pane_prompt,
    [TUI_MODE_PICKER] = &tui_pane_picker,
    [TUI_MODE_HELP] = &tui_pane_help,
};
/* The panes a click may land in. */
static const struct tui_pane *const mouse_panes[] = {
    &tui_pane_scenario,
    &tui_pane_table,
    &tui_pane_timeline,
};

enum ps_status tui_app_init(struct tui_app *app, struct ps_scenario *sc, const char *source,
                            int cols, int rows)
{
    memset(app, 0, sizeof(*app));
    app->sc = *sc;
    ps_scenario_init(sc);
    snprintf(app->source, sizeof(app->source), "%s", source ? source : "");
    app->cols = cols;
    app->rows = rows;
    app->color = true;
    app->unicode = true;
    app->await_before = -1;
    app->worker = tui_worker_new();
    if (app->worker == NULL)
        return PS_ENOMEM;
    tui_mark_clean(app);
    tui_results_init(app);
    for (size_t i = 0; i < sizeof(init_panes) / sizeof(init_panes[0]); i++)
        init_panes[i]->init(app);
    tui_results_recompute(app);
    tui_view_refit(app);
    tui_message(app, TUI_MSG_INFO, "%s: %d stage%s, %d microbatch%s, %d DC%s. Press ? for help.",
                app->sc.name[0] ? app->sc.name : "scenario", app->sc.n_stages,
                app->sc.n_stages == 1 ? "" : "s", app->sc.n_microbatches,
                app->sc.n_microbatches == 1 ? "" : "es", app->sc.n_dcs,
                app->sc.n_dcs == 1 ? "" : "s");
    tui_workload_reset(app); /* a workload: its plan in the background */
    return PS_OK;
}

void tui_app_fini(struct tui_app *app)
{
    tui_worker_free(app->worker);
    app->worker = NULL;
    tui_cluster_free(app->cluster);
    app->cluster = NULL;
    tui_sweep_free(app->sweep);
    app->sweep = NULL;
    tui_workload_free(app->wl);
    app->wl = NULL;
    tui_results_fini(app);
    tui_undo_fini(app);
    free(app->clean);
    app->clean = NULL;
    for (int i = 0; i < 2; i++)
        tui_line_history_fini(&app->prompt_hist[i]);
    ps_scenario_fini(&app->sc);
}

/* x: the critical path on or off, and what it is made of. */
static void toggle_crit(struct tui_app *app)
{
    app->show_crit = !app->show_crit;
    struct tui_result *r = &app->res[app->shown];
    if (!app->show_crit || r->sched == NULL) {
        tui_message(app, TUI_MSG_INFO, "critical path %s", app->show_crit ? "on" : "off");
        return;
    }
    tui_result_crit(r);
    size_t on = 0;
    int64_t busy = 0;
    for (int st = 0; r->crit && st < r->sched->n_stages; st++)
        for (size_t i = 0; i < r->sched->dev_n[st]; i++)
            if (r->crit[st][i]) {
                on++;
                busy += r->sched->dev_ops[st][i].end_ns - r->sched->dev_ops[st][i].start_ns;
            }
    char a[32], b[32];
    tui_fmt_ms(a, sizeof(a), ps_ns_to_ms(busy));
    tui_fmt_ms(b, sizeof(b), ps_ns_to_ms(r->sched->makespan_ns));
    tui_message(app, TUI_MSG_INFO,
                "critical path: %zu ops, compute %s of the %s ms makespan (the rest: "
                "transfers and waits; x hides)",
                on, a, b);
}

/* Esc: cancels a running solve, else closes the split, else hides the cursor. */
static void escape(struct tui_app *app)
{
    struct tui_worker_state ws;
    tui_worker_peek(app->worker, &ws);
    if (ws.running) {
        tui_worker_cancel(app->worker);
        tui_message(app, TUI_MSG_INFO, "cancelling %s...", ws.sv->name);
    } else if (app->split_b >= 0) {
        app->split_b = -1;
    } else if (app->cursor_on)
        app->cursor_on = false;
}

/* Tab and S-Tab: the next or previous pane (the chart's cursor appears). */
static void next_pane(struct tui_app *app, int dir)
{
    app->focus = (enum tui_focus)((app->focus + TUI_FOCUS_COUNT + dir) % TUI_FOCUS_COUNT);
    if (app->focus == TUI_FOCUS_GANTT)
        tui_view_cursor_start(app);
}

/* The prompts of the file keys, with a default file name. */
static void file_prompt(struct tui_app *app, enum tui_action a)
{
    char def[160];
    switch (a) {
    case TUI_A_EXPORT: {
        /* What is on screen: A, or the A/B pair; the name's ending picks the format. */
        const struct ps_schedule *s[2];
        size_t n;
        tui_files_view(app, s, &n);
        if (n == 2)
            snprintf(def, sizeof(def), "pipescope-%s-vs-%s.svg", s[0]->name, s[1]->name);
        else
            snprintf(def, sizeof(def), "pipescope-%s.json", app->res[app->shown].sv->name);
        tui_prompt_open(app, TUI_PROMPT_EXPORT,
                        n == 2 ? "Export A/B (.json .csv .svg .pdf .png .trace.json .txt):"
                               : "Export (.json .csv .svg .pdf .png .trace.json .txt):",
                        def);
        return;
    }
    case TUI_A_EXPORT_CMP:
        tui_prompt_open(app, TUI_PROMPT_EXPORT_CMP,
                        "Export comparison (.csv .json .tex .md .txt):", "pipescope-compare.csv");
        return;
    case TUI_A_OPEN:
        tui_prompt_open(app, TUI_PROMPT_OPEN, "Open scenario file:", "");
        return;
    default:
        tui_files_save_name(app, def, sizeof(def));
        tui_prompt_open(app, TUI_PROMPT_SAVE, "Save scenario to:", def);
        return;
    }
}

/* The keys that do the same whatever pane has the focus. */
static unsigned apply_global(struct tui_app *app, const struct tui_cmd *cmd)
{
    switch (cmd->action) {
    case TUI_A_QUIT:
        /* Unsaved edits are asked about first. */
        return tui_files_ask_discard(app, TUI_THEN_QUIT, NULL) ? TUI_REDRAW : TUI_QUIT;
    case TUI_A_UNDO:
        tui_undo(app);
        break;
    case TUI_A_TEACH:
        tui_teach_toggle(app);
        break;
    case TUI_A_REDO:
        tui_redo(app);
        break;
    case TUI_A_HELP:
        app->mode = TUI_MODE_HELP;
        app->help_scroll = 0;
        break;
    case TUI_A_ESC:
        escape(app);
        break;
    case TUI_A_NEXT_PANE:
    case TUI_A_PREV_PANE:
        next_pane(app, cmd->action == TUI_A_NEXT_PANE ? 1 : -1);
        break;
    case TUI_A_SCHEDULE:
        if ((size_t)cmd->arg >= app->n_res)
            tui_message(app, TUI_MSG_ERR, "no schedule %d (there are %zu)", cmd->arg + 1,
                        app->n_res);
        else
            tui_show_schedule(app, cmd->arg);
        break;
    case TUI_A_NEXT_SCHEDULE:
        if (app->n_res)
            tui_show_schedule(app, (int)(((size_t)app->shown + 1) % app->n_res));
        break;
    case TUI_A_PICK_SCHEDULE:
    case TUI_A_PICK_PRESET:
        tui_picker_open(app,
                        cmd->action == TUI_A_PICK_SCHEDULE ? TUI_PICK_SCHEDULE : TUI_PICK_PRESET);
        break;
    case TUI_A_SOLVE:
        tui_solve_start(app);
        break;
    case TUI_A_CRIT:
        toggle_crit(app);
        break;
    case TUI_A_CHANNELS:
        app->show_channels = !app->show_channels;
        break;
    case TUI_A_ZOOM_IN:
    case TUI_A_ZOOM_OUT:
        tui_view_zoom(app, cmd->action == TUI_A_ZOOM_IN ? 1 : -1);
        break;
    case TUI_A_FIT:
        app->fit = true;
        break;
    case TUI_A_SCROLL_LEFT:
    case TUI_A_SCROLL_RIGHT:
        tui_view_scroll(app, cmd->action == TUI_A_SCROLL_LEFT ? -1 : 1);
        break;
    case TUI_A_EXPORT:
    case TUI_A_EXPORT_CMP:
    case TUI_A_OPEN:
    case TUI_A_SAVE:
        file_prompt(app, cmd->action);
        break;
    case TUI_A_CLUSTER:
        app->workload_screen = false;
        app->sweep_screen = false;
        tui_cluster_toggle(app);
        break;
    case TUI_A_SWEEP:
        app->cluster_screen = false;
        app->workload_screen = false;
        tui_sweep_toggle(app);
        break;
    case TUI_A_BUBBLE:
        app->show_bubble = !app->show_bubble;
        tui_message(app, TUI_MSG_INFO, "%s",
                    app->show_bubble ? "idle time by cause beside each device (b hides it)"
                                     : "idle bars hidden");
        break;
    case TUI_A_WORKLOAD:
        app->cluster_screen = false;
        app->sweep_screen = false;
        tui_workload_toggle(app);
        break;
    case TUI_A_REDRAW:
        break;
    default:
        return 0;
    }
    return TUI_REDRAW;
}

/* Normal mode: the focused pane's keys (moves, steps, Enter), the split view's, then
 * the keys every pane shares. */
static unsigned apply_normal(struct tui_app *app, const struct tui_cmd *cmd)
{
    if (app->workload_screen && app->sc.workload != NULL) {
        unsigned r = tui_pane_workload.key(app, cmd);
        return r != 0 ? r : apply_global(app, cmd);
    }
    if (app->cluster_screen) { /* its pane takes every key but quit, help and redraw */
        unsigned r = tui_pane_cluster.key(app, cmd);
        return r != 0 ? r : apply_global(app, cmd);
    }
    if (app->sweep_screen) { /* likewise the sweep plot's */
        unsigned r = tui_pane_sweep.key(app, cmd);
        return r != 0 ? r : apply_global(app, cmd);
    }
    unsigned r = app->teaching ? tui_teach_key(app, cmd) : 0;
    if (r == 0)
        r = focus_panes[app->focus]->key(app, cmd);
    if (r == 0)
        r = tui_pane_split.key(app, cmd);
    if (r == 0)
        r = apply_global(app, cmd);
    return r;
}

/* A click or the wheel: the pane under the pointer takes it. */
static unsigned apply_mouse(struct tui_app *app, const struct tui_event *ev)
{
    struct tui_layout lo;
    tui_layout(app, &lo);
    if (lo.too_small || app->mode != TUI_MODE_NORMAL)
        return 0;
    if (app->workload_screen && app->sc.workload != NULL)
        return tui_pane_workload.mouse(app, &lo, ev);
    if (app->cluster_screen)
        return tui_pane_cluster.mouse(app, &lo, ev);
    if (app->sweep_screen)
        return 0;
    for (size_t i = 0; i < sizeof(mouse_panes) / sizeof(mouse_panes[0]); i++) {
        unsigned r = mouse_panes[i]->mouse(app, &lo, ev);
        if (r)
            return r;
    }
    return 0;
}

/* The input timeout: finished background work lands; a running solve redraws its
 * progress. */
static unsigned tick(struct tui_app *app)
{
    unsigned r = tui_solve_poll(app) ? TUI_REDRAW : 0;
    if (tui_message_expire(app))
        r |= TUI_REDRAW;
    if (tui_teach_tick(app))
        r |= TUI_REDRAW;
    if (tui_workload_poll(app, false))
        r |= TUI_REDRAW;
    if (tui_results_poll(app, false))
        r |= TUI_REDRAW;
    if (tui_workload_running(app))
        r |= TUI_REDRAW; /* "planning..." */
    struct tui_worker_state ws;
    tui_worker_peek(app->worker, &ws);
    if (ws.running)
        r |= TUI_REDRAW; /* live progress */
    return r;
}

/* Keeps the derived view state consistent with whatever changed. */
static void settle_view(struct tui_app *app)
{
    tui_view_clamp_cursor(app);
    tui_scenario_fix_scroll(app);
    tui_table_fix_scroll(app);
    tui_split_fix(app);
    if (app->fit)
        tui_view_refit(app);
    else
        tui_view_clamp(app);
    if (app->show_crit) {
        tui_result_crit(&app->res[app->shown]);
        if (app->split_b >= 0)
            tui_result_crit(&app->res[app->split_b]);
    }
    tui_view_clamp_rows(app);
}

unsigned tui_apply(struct tui_app *app, const struct tui_cmd *cmd)
{
    unsigned r = 0;
    switch (cmd->action) {
    case TUI_A_RESIZE:
        app->cols = cmd->ev.cols;
        app->rows = cmd->ev.rows;
        r = TUI_REDRAW;
        break;
    case TUI_A_TICK:
        r = tick(app);
        break;
    case TUI_A_MOUSE:
        r = apply_mouse(app, &cmd->ev);
        break;
    default:
        r = mode_panes[app->mode] ? mode_panes[app->mode]->key(app, cmd) : apply_normal(app, cmd);
        break;
    }
    if (r & TUI_QUIT)
        return r;
    settle_view(app);
    return r;
}

void tui_app_settle(struct tui_app *app)
{
    tui_workload_poll(app, true);
    tui_results_poll(app, true);
    struct tui_cmd cmd = {.action = TUI_A_TICK, .ev = {.type = TUI_EV_TICK}};
    tui_apply(app, &cmd);
}
