/* The timeline's view of the state: the time range shown (fit to the makespan, or zoomed
 * and scrolled), the op cursor, and the rows scrolled so that the cursor's device shows.
 * No drawing: the timeline pane draws what these keep. */
#include "tui/explorer/view.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/units.h"
#include "tui/explorer/layout.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/rows.h"

static int64_t view_span(const struct tui_app *app)
{
    int64_t span = 0;
    const struct ps_schedule *a = tui_shown(app);
    if (a && a->timed)
        span = a->makespan_ns;
    if (app->split_b >= 0 && (size_t)app->split_b < app->n_res) {
        const struct ps_schedule *b = app->res[app->split_b].sched;
        if (b && b->timed && b->makespan_ns > span)
            span = b->makespan_ns;
    }
    return span > 0 ? span : PS_NS_PER_MS;
}

static int plot_width(const struct tui_app *app)
{
    struct tui_layout lo;
    tui_layout(app, &lo);
    return lo.plot.w > 1 ? lo.plot.w : 1;
}

void tui_view_refit(struct tui_app *app)
{
    int w = plot_width(app);
    int64_t span = view_span(app);
    app->view_t0 = 0;
    app->view_ns_per_col = (span + w - 1) / w;
    if (app->view_ns_per_col < 1)
        app->view_ns_per_col = 1;
}

void tui_view_clamp(struct tui_app *app)
{
    int w = plot_width(app);
    int64_t span = view_span(app);
    int64_t vis = app->view_ns_per_col * w;
    if (vis >= span) {
        /* Zoomed out past the whole schedule: that is "fit". */
        app->fit = true;
        tui_view_refit(app);
        return;
    }
    if (app->view_t0 > span - vis)
        app->view_t0 = span - vis;
    if (app->view_t0 < 0)
        app->view_t0 = 0;
}

const struct ps_op *tui_view_cursor_op(const struct tui_app *app)
{
    const struct ps_schedule *s = tui_shown(app);
    if (!app->cursor_on || s == NULL || app->cur_stage < 0 || app->cur_stage >= s->n_stages ||
        app->cur_index >= s->dev_n[app->cur_stage])
        return NULL;
    return &s->dev_ops[app->cur_stage][app->cur_index];
}

void tui_view_clamp_cursor(struct tui_app *app)
{
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL || !s->timed || s->n_stages == 0) {
        app->cursor_on = false;
        return;
    }
    if (app->cur_stage >= s->n_stages)
        app->cur_stage = s->n_stages - 1;
    if (app->cur_stage < 0)
        app->cur_stage = 0;
    if (s->dev_n[app->cur_stage] == 0)
        app->cursor_on = false;
    else if (app->cur_index >= s->dev_n[app->cur_stage])
        app->cur_index = s->dev_n[app->cur_stage] - 1;
}

/* Scrolls the view (when zoomed) so that the cursor op is visible; also scrolls the
 * rows so that its device is. */
static void show_cursor(struct tui_app *app)
{
    const struct ps_op *op = tui_view_cursor_op(app);
    if (op == NULL)
        return;
    if (!app->fit) {
        int w = plot_width(app);
        int64_t vis = app->view_ns_per_col * w;
        if (op->start_ns < app->view_t0)
            app->view_t0 = op->start_ns - vis / 8;
        else if (op->end_ns > app->view_t0 + vis)
            app->view_t0 = op->end_ns - vis + vis / 8;
        tui_view_clamp(app);
    }
    struct tui_layout lo;
    tui_layout(app, &lo);
    int n;
    struct tui_grow *rows = tui_rows_new(app, lo.dev_h, &n);
    for (int i = 0; i < n; i++) {
        if (rows[i].kind == TUI_GROW_DEVICE && rows[i].sched == app->shown &&
            rows[i].index == app->cur_stage) {
            if (i < app->gantt_scroll)
                app->gantt_scroll = i;
            else if (i >= app->gantt_scroll + lo.plot.h)
                app->gantt_scroll = i - lo.plot.h + 1;
            break;
        }
    }
    free(rows);
}

size_t tui_view_nearest_op(const struct ps_schedule *s, int st, int64_t t)
{
    size_t best = 0;
    int64_t best_d = INT64_MAX;
    for (size_t i = 0; i < s->dev_n[st]; i++) {
        const struct ps_op *op = &s->dev_ops[st][i];
        int64_t d = t < op->start_ns ? op->start_ns - t : t >= op->end_ns ? t - op->end_ns + 1 : 0;
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

void tui_view_cursor_start(struct tui_app *app)
{
    const struct ps_schedule *s = tui_shown(app);
    if (app->cursor_on || s == NULL || !s->timed)
        return;
    app->cursor_on = true;
    app->cur_stage = 0;
    int64_t t = app->fit ? 0 : app->view_t0;
    app->cur_index = s->dev_n[0] ? tui_view_nearest_op(s, 0, t) : 0;
    tui_view_clamp_cursor(app);
}

void tui_view_cursor_move(struct tui_app *app, int dstage, long dindex)
{
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL || !s->timed)
        return;
    if (!app->cursor_on) {
        tui_view_cursor_start(app);
        show_cursor(app);
        return;
    }
    const struct ps_op *op = tui_view_cursor_op(app);
    if (op == NULL)
        return;
    if (dstage) {
        int st = app->cur_stage + dstage;
        while (st >= 0 && st < s->n_stages && s->dev_n[st] == 0)
            st += dstage;
        if (st < 0 || st >= s->n_stages)
            return;
        int64_t mid = op->start_ns + (op->end_ns - op->start_ns) / 2;
        app->cur_index = tui_view_nearest_op(s, st, mid);
        app->cur_stage = st;
    } else {
        long i = (long)app->cur_index + dindex;
        long n = (long)s->dev_n[app->cur_stage];
        if (i < 0)
            i = 0;
        if (i >= n)
            i = n - 1;
        app->cur_index = (size_t)i;
    }
    show_cursor(app);
}

void tui_view_zoom(struct tui_app *app, int dir)
{
    int w = plot_width(app);
    /* Zoom around the cursor op when there is one, else around the view's centre. */
    int64_t centre = app->view_t0 + app->view_ns_per_col * w / 2;
    const struct ps_op *op = tui_view_cursor_op(app);
    if (op)
        centre = op->start_ns + (op->end_ns - op->start_ns) / 2;
    int64_t npc = app->view_ns_per_col;
    if (dir > 0) {
        if (npc <= 1000) {
            tui_message(app, TUI_MSG_INFO, "zoomed in all the way (1 us per column)");
            return;
        }
        npc /= 2;
    } else {
        if (app->fit) {
            tui_message(app, TUI_MSG_INFO, "the whole schedule is shown");
            return;
        }
        npc *= 2;
    }
    app->fit = false;
    app->view_ns_per_col = npc;
    app->view_t0 = centre - npc * w / 2;
    tui_view_clamp(app);
    char a[32], b[32];
    tui_fmt_ms(a, sizeof(a), ps_ns_to_ms(app->view_t0));
    tui_fmt_ms(b, sizeof(b), ps_ns_to_ms(app->view_t0 + app->view_ns_per_col * w));
    tui_message(app, TUI_MSG_INFO, "showing %s-%s ms (z in, Z out, < > scroll, f fits)", a, b);
}

void tui_view_scroll(struct tui_app *app, int dir)
{
    if (app->fit) {
        tui_message(app, TUI_MSG_INFO, "zoom in (z) to scroll the time axis");
        return;
    }
    int w = plot_width(app);
    app->view_t0 += dir * app->view_ns_per_col * (w / 4 > 0 ? w / 4 : 1);
    tui_view_clamp(app);
}

void tui_view_clamp_rows(struct tui_app *app)
{
    struct tui_layout lo;
    tui_layout(app, &lo);
    int n = tui_rows_build(app, lo.dev_h, NULL, 0, NULL);
    if (app->gantt_scroll > n - lo.plot.h)
        app->gantt_scroll = n - lo.plot.h > 0 ? n - lo.plot.h : 0;
}
