/* Teaching mode's time cursor: the events of the shown schedule (every op's and transfer's
 * start and end, arrivals too), stepping over them or by dt, and play. */
#include "tui/explorer/teach.h"

#include <stdio.h>

#include "core/units.h"
#include "tui/explorer/layout.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/results.h"
#include "tui/explorer/view.h"

/* v as a candidate for the nearest event time after t (dir > 0) or before it. */
static void consider(int64_t v, int64_t t, int dir, int64_t *best)
{
    if (dir > 0 && v > t && (*best < 0 || v < *best))
        *best = v;
    if (dir < 0 && v < t && (*best < 0 || v > *best))
        *best = v;
}

int64_t tui_teach_event(const struct tui_app *app, int64_t t, int dir)
{
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL || !s->timed)
        return t;
    int64_t best = -1;
    if (dir < 0 && t > 0)
        best = 0;
    for (int d = 0; d < s->n_stages; d++) {
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            consider(s->dev_ops[d][i].start_ns, t, dir, &best);
            consider(s->dev_ops[d][i].end_ns, t, dir, &best);
        }
        for (size_t i = 0; s->dp_ops && i < s->dp_n[d]; i++) {
            consider(s->dp_ops[d][i].start_ns, t, dir, &best);
            consider(s->dp_ops[d][i].end_ns, t, dir, &best);
        }
    }
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        consider(x->start_ns, t, dir, &best);
        consider(x->end_ns, t, dir, &best);
        consider(x->arrive_ns, t, dir, &best);
    }
    return best < 0 ? t : best;
}

void tui_teach_event_index(const struct tui_app *app, int64_t t, int *index, int *count)
{
    /* Walks the events from 0: fine for the sizes one steps through by hand. */
    *index = 0;
    *count = 0;
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL || !s->timed)
        return;
    int64_t at = 0;
    for (int guard = 0; guard < 100000; guard++) {
        if (at <= t)
            *index = *count;
        (*count)++;
        int64_t next = tui_teach_event(app, at, 1);
        if (next <= at)
            break;
        at = next;
    }
}

void tui_teach_move(struct tui_app *app, int64_t t)
{
    const struct ps_schedule *s = tui_shown(app);
    int64_t end = s && s->timed ? s->makespan_ns : 0;
    if (t < 0)
        t = 0;
    if (t > end)
        t = end;
    app->teach_t = t;
    if (t == end && app->teach_play) {
        app->teach_play = false;
        tui_message(app, TUI_MSG_INFO, "the end: every op has run (Home: back to the start)");
    }
    /* Keep the cursor in view. */
    if (!app->fit && app->view_ns_per_col > 0) {
        struct tui_layout lo;
        tui_layout(app, &lo);
        int64_t span = app->view_ns_per_col * lo.plot.w;
        if (t < app->view_t0 || t >= app->view_t0 + span)
            app->view_t0 = t - span / 2 > 0 ? t - span / 2 : 0;
    }
}

void tui_teach_toggle(struct tui_app *app)
{
    app->teaching = !app->teaching;
    app->teach_play = false;
    if (!app->teaching) {
        tui_message(app, TUI_MSG_INFO, "teaching mode off");
        return;
    }
    const struct ps_schedule *s = tui_shown(app);
    if (app->teach_dt <= 0) {
        /* dt: a round number near a tenth of the shortest op */
        int64_t shortest = 0;
        for (int d = 0; s && s->timed && d < s->n_stages; d++)
            for (size_t i = 0; i < s->dev_n[d]; i++) {
                int64_t len = s->dev_ops[d][i].end_ns - s->dev_ops[d][i].start_ns;
                if (len > 0 && (shortest == 0 || len < shortest))
                    shortest = len;
            }
        double dt = shortest > 0 ? ps_ns_to_ms(shortest) : 1.0;
        app->teach_dt =
            ps_ms_to_ns(tui_ladder_step(dt * 1.0001, -1, &tui_ladder_coarse, 1e-3, false));
    }
    app->teach_t = 0;
    app->focus = TUI_FOCUS_GANTT;
    tui_result_crit(&app->res[app->shown]); /* "critical" beside the ops on the path */
    tui_message(app, TUI_MSG_INFO,
                "teaching mode: Right steps to the next event, ] by dt, Space plays; t leaves");
}

unsigned tui_teach_key(struct tui_app *app, const struct tui_cmd *cmd)
{
    const struct ps_schedule *s = tui_shown(app);
    char a[32];
    switch (cmd->action) {
    case TUI_A_RIGHT:
    case TUI_A_LEFT:
        app->teach_play = false;
        tui_teach_move(app,
                       tui_teach_event(app, app->teach_t, cmd->action == TUI_A_RIGHT ? 1 : -1));
        return TUI_REDRAW;
    case TUI_A_DT_FWD:
    case TUI_A_DT_BACK:
        app->teach_play = false;
        tui_teach_move(app, app->teach_t + (cmd->action == TUI_A_DT_FWD ? 1 : -1) * app->teach_dt);
        return TUI_REDRAW;
    case TUI_A_INC:
    case TUI_A_DEC: {
        double dt = tui_ladder_step(ps_ns_to_ms(app->teach_dt), cmd->action == TUI_A_INC ? 1 : -1,
                                    &tui_ladder_coarse, 1e-3, false);
        app->teach_dt = ps_ms_to_ns(dt);
        tui_fmt_ms(a, sizeof a, dt);
        tui_message(app, TUI_MSG_INFO, "dt = %s ms ([ and ] step by it)", a);
        return TUI_REDRAW;
    }
    case TUI_A_HOME:
    case TUI_A_END:
        app->teach_play = false;
        tui_teach_move(app, cmd->action == TUI_A_HOME ? 0 : s && s->timed ? s->makespan_ns : 0);
        return TUI_REDRAW;
    case TUI_A_PLAY:
        if (s && s->timed && app->teach_t >= s->makespan_ns)
            app->teach_t = 0; /* at the end: play from the start */
        app->teach_play = !app->teach_play;
        app->teach_last_ms = tui_now_ms();
        tui_message(app, TUI_MSG_INFO, "%s", app->teach_play ? "playing (Space pauses)" : "paused");
        return TUI_REDRAW;
    case TUI_A_TEACH:
    case TUI_A_ESC:
        tui_teach_toggle(app);
        return TUI_REDRAW;
    default:
        return 0;
    }
}

bool tui_teach_tick(struct tui_app *app)
{
    if (!app->teaching || !app->teach_play)
        return false;
    int64_t now = tui_now_ms();
    if (now - app->teach_last_ms < TUI_TEACH_PLAY_MS)
        return false;
    app->teach_last_ms = now;
    tui_teach_move(app, tui_teach_event(app, app->teach_t, 1));
    return true;
}
