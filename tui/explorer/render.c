/* The explorer's frame: computes what the panes share once (the layout, the background
 * solve's state, the timeline's rows and the panel's rows, in buffers sized to need and
 * freed at the end), then lets each pane draw, the overlay of the mode last. No curses
 * here, and nothing changes the state. */
#include "tui/explorer/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/explorer/pane.h"

/* The panes in drawing order, and the overlay of each mode. */
static const struct tui_pane *const base_panes[] = {
    &tui_pane_header, &tui_pane_timeline, &tui_pane_bubble, &tui_pane_scenario,
    &tui_pane_table,  &tui_pane_memory,   &tui_pane_status,
};
static const struct tui_pane *const overlays[] = {
    [TUI_MODE_NORMAL] = NULL,
    [TUI_MODE_PROMPT] = &tui_pane_prompt,
    [TUI_MODE_PICKER] = &tui_pane_picker,
    [TUI_MODE_HELP] = &tui_pane_help,
};

static void draw_too_small(const struct tui_app *app, struct tui_canvas *c)
{
    char a[96], b[96];
    snprintf(a, sizeof(a), "pipescope needs a terminal of at least %dx%d", TUI_MIN_COLS,
             TUI_MIN_ROWS);
    snprintf(b, sizeof(b), "this one is %dx%d; make it bigger (q quits)", app->cols, app->rows);
    int y = app->rows / 2 - 1;
    int xa = (app->cols - (int)strlen(a)) / 2, xb = (app->cols - (int)strlen(b)) / 2;
    tui_canvas_text(c, xa > 0 ? xa : 0, y, app->cols, TUI_S_WARN, a);
    tui_canvas_text(c, xb > 0 ? xb : 0, y + 1, app->cols, TUI_S_NORMAL, b);
}

void tui_render(const struct tui_app *app, struct tui_canvas *c)
{
    if (c->cols != app->cols || c->rows != app->rows)
        tui_canvas_resize(c, app->cols, app->rows);
    tui_canvas_clear(c);
    struct tui_frame fr;
    memset(&fr, 0, sizeof(fr));
    tui_layout(app, &fr.lo);
    if (fr.lo.too_small) {
        draw_too_small(app, c);
        return;
    }
    if (app->n_res == 0) {
        tui_canvas_text(c, 1, 1, app->cols - 2, TUI_S_ERR, "no schedules are registered");
        return;
    }
    if (app->workload_screen && app->sc.workload != NULL) { /* W: the workload screen */
        if (app->worker)
            tui_worker_peek(app->worker, &fr.ws);
        tui_pane_workload.draw(app, &fr, c);
        if (overlays[app->mode])
            overlays[app->mode]->draw(app, &fr, c);
        return;
    }
    if (app->cluster_screen) { /* the cluster screen (C) replaces the pipeline's panes */
        tui_pane_cluster.draw(app, &fr, c);
        if (overlays[app->mode])
            overlays[app->mode]->draw(app, &fr, c);
        return;
    }
    if (app->sweep_screen) { /* the sweep plot (S) replaces the pipeline's panes */
        tui_pane_sweep.draw(app, &fr, c);
        if (overlays[app->mode])
            overlays[app->mode]->draw(app, &fr, c);
        return;
    }
    if (app->worker)
        tui_worker_peek(app->worker, &fr.ws);
    fr.rows = tui_rows_new(app, fr.lo.dev_h, &fr.n_rows);
    fr.fields = tui_fields_new(app, &fr.n_fields);
    for (size_t i = 0; i < sizeof(base_panes) / sizeof(base_panes[0]); i++) {
        const struct tui_pane *p = base_panes[i];
        /* Teaching mode: its pane where the table and the memory pane were (and, narrow,
         * the panel), drawn after the timeline it marks. */
        if (app->teaching && (p == &tui_pane_table || p == &tui_pane_memory ||
                              (p == &tui_pane_scenario && !fr.lo.wide)))
            continue;
        p->draw(app, &fr, c);
        if (p == &tui_pane_timeline)
            tui_pane_teach.draw(app, &fr, c);
    }
    const struct tui_pane *overlay = overlays[app->mode];
    if (overlay)
        overlay->draw(app, &fr, c);
    free(fr.rows);
    free(fr.fields);
}
