/* The A/B split pane: two schedules on one time axis in the timeline, A (the shown one)
 * over B, each under a title row with its makespan. v turns it on (B: the table's row, else
 * 1F1B, else the greedy) and off; a click in B's rows swaps A and B. */
#include "tui/explorer/pane.h"

#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "export/export.h"
#include "tui/explorer/numbers.h"

/* B of the split view: the table's row when it is another schedule, else the 1F1B
 * baseline, else the greedy, else the first other schedule that has a result. */
static int pick_b(const struct tui_app *app)
{
    if (app->table_sel != app->shown && app->table_sel >= 0 && (size_t)app->table_sel < app->n_res)
        return app->table_sel;
    int first = -1, greedy = -1;
    for (size_t i = 0; i < app->n_res; i++) {
        if ((int)i == app->shown || app->res[i].sched == NULL)
            continue;
        if (strcmp(app->res[i].sv->name, "1f1b") == 0)
            return (int)i;
        if (strcmp(app->res[i].sv->name, "greedy") == 0)
            greedy = (int)i;
        if (first < 0)
            first = (int)i;
    }
    if (greedy >= 0)
        return greedy;
    return first >= 0 ? first : (int)(((size_t)app->shown + 1) % app->n_res);
}

static void init(struct tui_app *app)
{
    app->split_b = -1;
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    if (cmd->action != TUI_A_SPLIT)
        return 0;
    if (app->split_b >= 0) {
        app->split_b = -1;
        tui_message(app, TUI_MSG_INFO, "split view off");
    } else if (app->n_res > 1) {
        int b = pick_b(app);
        app->split_b = b;
        tui_message(app, TUI_MSG_INFO, "A = %s, B = %s on the same time axis",
                    app->res[app->shown].sv->name, app->res[b].sv->name);
    }
    return TUI_REDRAW;
}

void tui_split_swap(struct tui_app *app, int b)
{
    app->split_b = app->shown;
    app->shown = b;
    app->table_sel = b;
}

void tui_split_fix(struct tui_app *app)
{
    if (app->split_b >= 0 && ((size_t)app->split_b >= app->n_res || app->split_b == app->shown))
        app->split_b = -1;
}

void tui_split_draw_title(const struct tui_app *app, const struct tui_frame *fr,
                          struct tui_canvas *c, int y, int ri)
{
    const struct tui_layout *lo = &fr->lo;
    const struct tui_result *r = &app->res[ri];
    char ms[32] = "-";
    if (r->sched && r->sched->timed)
        tui_fmt_ms(ms, sizeof(ms), ps_ns_to_ms(r->sched->makespan_ns));
    int x = lo->gantt.x + 1;
    tui_canvas_hline(c, x, y, lo->gantt.w - 2, TUI_G_HLINE, TUI_S_DIM);
    char t[600];
    const struct ps_schedule *a = app->res[app->shown].sched;
    if (r->sched && r->sched->timed && ri != app->shown && a != NULL) {
        /* B's title says how it differs from A: the A/B line (export's, as solve -c). */
        char diff[400];
        ps_schedule_diff_text(a, r->sched, app->unicode, diff, sizeof diff);
        snprintf(t, sizeof(t), " B  %s  %s ms   %s ", r->sv->name, ms, diff);
    } else if (r->sched && r->sched->timed)
        snprintf(t, sizeof(t), " %s  %s  %s ms ", ri == app->shown ? "A" : "B", r->sv->name, ms);
    else
        snprintf(t, sizeof(t), " %s  %s: %s ", ri == app->shown ? "A" : "B", r->sv->name,
                 r->pending    ? "updating..."
                 : r->error[0] ? r->error
                               : "no schedule yet (r solves it)");
    tui_canvas_text(c, x + 1, y, lo->gantt.w - 4,
                    ri == app->shown ? TUI_S_TITLE_FOCUS : TUI_S_TITLE, t);
}

const struct tui_pane tui_pane_split = {.name = "split", .init = init, .key = key};
