/* The teaching pane (t): the shown schedule at the time cursor. Per device what it runs
 * (and whether that op is on the critical path), its activation memory against the limit,
 * and, when it idles, why (the bubble breakdown's cause of that instant) and what its next
 * op waits for (core's explanation); the idle time so far by cause; and what is in flight
 * on each link (queued, sending, in its latency, or handed over at that instant). The time
 * cursor itself is drawn over the timeline, a line down the column of its time. Reads the state
 * only; teach.c moves the cursor. */
#include "tui/explorer/pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/teach.h"

/* The op device d runs at t (a compute op, then a data-parallel one), or NULL; *index its
 * place in dev_ops (-1 for a data-parallel op). An op that starts at t is the one running
 * (the one ending at t has just finished). */
static const struct ps_op *running(const struct ps_schedule *s, int d, int64_t t, long *index)
{
    *index = -1;
    for (size_t i = 0; i < s->dev_n[d]; i++) {
        const struct ps_op *op = &s->dev_ops[d][i];
        if (op->start_ns > t)
            break;
        if (t < op->end_ns) {
            *index = (long)i;
            return op;
        }
    }
    for (size_t i = 0; s->dp_ops && i < s->dp_n[d]; i++) {
        const struct ps_op *op = &s->dp_ops[d][i];
        if (op->start_ns <= t && t < op->end_ns)
            return op;
    }
    return NULL;
}

/* The first compute op of device d that starts after t, -1 when none. */
static long next_op(const struct ps_schedule *s, int d, int64_t t)
{
    for (size_t i = 0; i < s->dev_n[d]; i++)
        if (s->dev_ops[d][i].start_ns > t)
            return (long)i;
    return -1;
}

/* "F3", "B0 c1", "W2 part 1/2". */
static void op_name(const struct ps_schedule *s, const struct ps_op *op, char *buf, size_t size)
{
    int k =
        snprintf(buf, size, "%s%d", ps_op_kind_str((enum ps_op_kind)op->kind), (int)op->microbatch);
    if (s->chunks > 1 && k > 0 && (size_t)k < size)
        k += snprintf(buf + k, size - (size_t)k, " c%d", op->chunk);
    if (op->parts > 1 && k > 0 && (size_t)k < size)
        snprintf(buf + k, size - (size_t)k, " part %d/%d", op->part + 1, op->parts);
}

/* A bar of w cells: filled for v of top, over the limit in the error colour. */
static void mem_bar(const struct tui_app *app, struct tui_canvas *c, int x, int y, int w, double v,
                    double top, bool over)
{
    int fill = top > 0 ? (int)(v / top * w + 0.5) : 0;
    if (v > 0 && fill == 0)
        fill = 1;
    for (int i = 0; i < w; i++) {
        if (i < fill)
            tui_canvas_glyph(c, x + i, y, TUI_G_FULL, over ? TUI_S_ERR : TUI_S_OK);
        else
            tui_canvas_glyph(c, x + i, y, app->unicode ? TUI_G_SHADE_LIGHT : TUI_G_MIDDOT,
                             TUI_S_DIM);
    }
}

/* The time cursor over the timeline: a line down the plot's column of t (over idle cells;
 * ops keep their colour) and a mark on the axis. */
static void draw_cursor(const struct tui_app *app, const struct tui_layout *lo,
                        struct tui_canvas *c)
{
    int64_t npc = app->view_ns_per_col > 0 ? app->view_ns_per_col : 1;
    if (app->teach_t < app->view_t0)
        return;
    int64_t col = (app->teach_t - app->view_t0) / npc;
    if (col >= lo->plot.w)
        return;
    int x = lo->plot.x + (int)col;
    for (int y = lo->plot.y; y < lo->plot.y + lo->plot.h; y++) {
        struct tui_cell *cell = tui_canvas_at(c, x, y);
        if (cell == NULL)
            continue;
        bool idle =
            cell->style == TUI_S_NORMAL || cell->style == TUI_S_DIM || cell->style == TUI_S_BORDER;
        /* the line in the warning colour over idle cells, in an op's own ink over it (the
         * column of t may be shared with the op that ends or starts at t) */
        cell->glyph = TUI_G_VLINE;
        if (idle) {
            cell->style = TUI_S_WARN;
            cell->flags = 0;
        }
    }
    tui_canvas_glyph(c, x, lo->plot.y + lo->plot.h, TUI_G_ARROW_UP, TUI_S_WARN);
}

/* One transfer in flight at t, as a line: "act 3 s0>s1  sending 40%, arrives 5.2 ms". */
static bool in_flight(const struct ps_transfer *x, int64_t t)
{
    return (x->ready_ns <= t && t < x->arrive_ns) || (x->ready_ns == t && x->arrive_ns == t);
}

static void flight_text(const struct ps_transfer *x, int64_t t, char *buf, size_t size)
{
    char arr[32], a[32];
    tui_fmt_ms(arr, sizeof arr, ps_ns_to_ms(x->arrive_ns));
    char what[64];
    snprintf(what, sizeof what, "%s %d s%d>s%d", x->kind == PS_XFER_ACTIVATION ? "act" : "grad",
             (int)x->microbatch, x->from_stage, x->to_stage);
    if (x->ready_ns == x->arrive_ns)
        snprintf(buf, size, "%-13s handed over at %s ms (this link costs nothing)", what, arr);
    else if (t < x->start_ns) {
        tui_fmt_ms(a, sizeof a, ps_ns_to_ms(x->start_ns));
        snprintf(buf, size, "%-13s queued: the link is busy until %s ms; arrives %s ms", what, a,
                 arr);
    } else if (t < x->end_ns) {
        double done = (double)(t - x->start_ns) / (double)(x->end_ns - x->start_ns);
        snprintf(buf, size, "%-13s sending, %.0f%% sent; arrives %s ms", what, done * 100, arr);
    } else
        snprintf(buf, size, "%-13s sent, in the link's latency; arrives %s ms", what, arr);
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    if (!app->teaching)
        return;
    const struct tui_layout *lo = &fr->lo;
    const struct tui_rect *r = &lo->teach;
    const struct ps_schedule *s = tui_shown(app);
    const struct tui_result *res = &app->res[app->shown];
    if (s != NULL && s->timed)
        draw_cursor(app, lo, c);
    if (r->w < 20 || r->h < 3)
        return;
    char title[200], t_ms[32], end_ms[32], dt[32];
    tui_fmt_ms(t_ms, sizeof t_ms, ps_ns_to_ms(app->teach_t));
    tui_fmt_ms(dt, sizeof dt, ps_ns_to_ms(app->teach_dt));
    int idx = 0, count = 0;
    tui_teach_event_index(app, app->teach_t, &idx, &count);
    if (s && s->timed) {
        tui_fmt_ms(end_ms, sizeof end_ms, ps_ns_to_ms(s->makespan_ns));
        snprintf(title, sizeof title, "Teaching: %s at t = %s ms of %s (event %d of %d)%s", s->name,
                 t_ms, end_ms, idx + 1, count, app->teach_play ? " playing" : "");
    } else
        snprintf(title, sizeof title, "Teaching: %s has no schedule", res->sv->name);
    tui_canvas_box(c, r->x, r->y, r->w, r->h, TUI_S_BORDER_FOCUS, title, TUI_S_TITLE_FOCUS);
    int x0 = r->x + 2, w = r->w - 4, y = r->y + 1, y_end = r->y + r->h - 1;
    char hint[160];
    snprintf(hint, sizeof hint,
             "Left/Right event by event  [ ] by dt = %s ms  +- dt  Space play  t leave", dt);
    if (r->h >= 6 && y < y_end)
        tui_canvas_text(c, x0, y++, w, TUI_S_DIM, hint);
    if (s == NULL || !s->timed)
        return;
    int n = s->n_stages;
    int *cause = calloc((size_t)n, sizeof *cause);
    int64_t *before = calloc((size_t)n * PS_BUBBLE_COUNT, sizeof *before);
    if (cause == NULL || before == NULL || ps_bubble_at(s, app->teach_t, cause, before) != PS_OK) {
        free(cause);
        free(before);
        tui_canvas_text(c, x0, y, w, TUI_S_ERR, "out of memory");
        return;
    }
    const struct ps_scenario *sc = s->sc;
    double top = sc->has_memory_limit ? sc->memory_limit : 0;
    for (int d = 0; d < n; d++)
        if (s->peak_memory[d] > top)
            top = s->peak_memory[d];
    int lw = 1 + tui_digits(n - 1) + 1; /* "s12 " */
    int now_w = w >= 100 ? 24 : 21, bar_w = w >= 100 ? 12 : 6, num_w = sc->has_memory_limit ? 9 : 5;
    /* Devices: as many as fit, leaving a line for the links. */
    int rows_left = y_end - y;
    int shown = n < rows_left - 1 ? n : rows_left - 1;
    if (shown < 1)
        shown = rows_left > 0 ? 1 : 0;
    for (int d = 0; d < shown; d++, y++) {
        int x = x0;
        tui_canvas_printf(c, x, y, lw, TUI_S_BOLD, "s%d", d);
        x += lw;
        long i;
        const struct ps_op *op = running(s, d, app->teach_t, &i);
        char buf[600], name[48];
        if (op != NULL) {
            op_name(s, op, name, sizeof name);
            char e[32];
            tui_fmt_ms(e, sizeof e, ps_ns_to_ms(op->end_ns));
            bool crit = i >= 0 && res->crit && res->crit[d][i];
            int cx = x + tui_canvas_text(c, x, y, 9, TUI_S_NORMAL, "runs ");
            enum tui_style st = op->kind == PS_OP_F    ? TUI_S_OP_F
                                : op->kind == PS_OP_B  ? TUI_S_OP_B
                                : op->kind == PS_OP_W  ? TUI_S_OP_W
                                : op->kind == PS_OP_R  ? TUI_S_OP_R
                                : op->kind == PS_OP_AG ? TUI_S_OP_AG
                                                       : TUI_S_OP_RS;
            cx += tui_canvas_text(c, cx, y, 14, app->color ? st : TUI_S_BOLD, name);
            cx += tui_canvas_printf(c, cx, y, x + now_w - 1 - cx, TUI_S_NORMAL, " to %s ms", e);
            if (crit && cx + 2 < x + now_w)
                tui_canvas_text(c, cx + 1, y, x + now_w - 2 - cx, TUI_S_WARN, "crit");
        } else if (cause[d] >= 0) {
            tui_canvas_printf(c, x, y, now_w - 1, TUI_S_DIM, "idle: %s",
                              ps_bubble_cause_label((enum ps_bubble_cause)cause[d]));
        } else
            tui_canvas_text(c, x, y, now_w - 1, TUI_S_DIM, "done");
        x += now_w;
        /* memory at t against the limit */
        double m = ps_memory_at(s, d, app->teach_t);
        bool over = sc->has_memory_limit && m > sc->memory_limit + 1e-9;
        mem_bar(app, c, x, y, bar_w, m, top, over);
        x += bar_w + 1;
        char mv[24], lim[24];
        tui_fmt_units(mv, sizeof mv, m);
        if (sc->has_memory_limit) {
            tui_fmt_units(lim, sizeof lim, sc->memory_limit);
            tui_canvas_printf(c, x, y, num_w, over ? TUI_S_ERR : TUI_S_NORMAL, "%s/%s", mv, lim);
        } else
            tui_canvas_text(c, x, y, num_w, TUI_S_NORMAL, mv);
        x += num_w;
        /* why it waits (idle), or its idle time so far by cause */
        buf[0] = '\0';
        long nx = next_op(s, d, app->teach_t);
        if (op == NULL && nx >= 0) {
            char why[400], at[32];
            op_name(s, &s->dev_ops[d][nx], name, sizeof name);
            tui_fmt_ms(at, sizeof at, ps_ns_to_ms(s->dev_ops[d][nx].start_ns));
            ps_sim_explain(s, d, (size_t)nx, why, sizeof why);
            tui_round_numbers(why, sizeof why);
            snprintf(buf, sizeof buf, "next %s at %s ms: %s", name, at, why);
        } else {
            int k = snprintf(buf, sizeof buf, "idle so far:");
            int64_t total = 0;
            for (int cz = 0; cz < PS_BUBBLE_COUNT; cz++) {
                int64_t v = before[(size_t)d * PS_BUBBLE_COUNT + cz];
                total += v;
                if (v > 0 && k > 0 && (size_t)k < sizeof buf) {
                    char vm[32];
                    tui_fmt_ms(vm, sizeof vm, ps_ns_to_ms(v));
                    k += snprintf(buf + k, sizeof buf - (size_t)k, " %s %s",
                                  ps_bubble_cause_label((enum ps_bubble_cause)cz), vm);
                }
            }
            if (total == 0)
                snprintf(buf, sizeof buf, "no idle time so far");
        }
        if (x < x0 + w)
            tui_canvas_text(c, x, y, x0 + w - x, TUI_S_NORMAL, buf);
    }
    if (shown < n && y < y_end)
        tui_canvas_printf(c, x0, y++, w, TUI_S_DIM,
                          "(%d more devices: a taller terminal shows them)", n - shown);
    /* In flight at t. */
    int flying = 0;
    for (size_t i = 0; i < s->n_transfers; i++)
        flying += in_flight(&s->transfers[i], app->teach_t);
    if (y < y_end) {
        if (flying == 0)
            tui_canvas_text(c, x0, y++, w, TUI_S_DIM, "in flight: nothing");
        else
            tui_canvas_printf(c, x0, y++, w, TUI_S_BOLD, "in flight: %d", flying);
    }
    for (size_t i = 0; i < s->n_transfers && y < y_end; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        if (!in_flight(x, app->teach_t))
            continue;
        char line[200];
        flight_text(x, app->teach_t, line, sizeof line);
        tui_canvas_text(c, x0 + 2, y++, w - 2, TUI_S_NORMAL, line);
    }
    free(cause);
    free(before);
}

const struct tui_pane tui_pane_teach = {.name = "teach", .draw = draw};
