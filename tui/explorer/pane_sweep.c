/* The sweep plot screen (S): makespan and bubble of every fast schedule against one scenario
 * field, its values along the field's ladder around its own value; each schedule a marker
 * (its table number), its knee (the smallest value within 5% of its best) shown reversed
 * and listed on the right. Keys: Left/Right another field, +/- more or fewer values, e
 * export (.svg plot, .csv/.json rows), S or Esc back. */
#include "tui/explorer/pane.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/explorer/numbers.h"
#include "tui/explorer/sweep.h"

#define LEGEND_W 30
#define YLAB_W 8

static const enum tui_style marker_styles[] = {TUI_S_OP_F,      TUI_S_OP_B,  TUI_S_OP_W,
                                               TUI_S_OP_AG,     TUI_S_OP_RS, TUI_S_XFER_ACT,
                                               TUI_S_XFER_GRAD, TUI_S_BOLD,  TUI_S_WARN};
#define N_STYLES (sizeof marker_styles / sizeof marker_styles[0])

static char marker(size_t i)
{
    return i < 9 ? (char)('1' + i) : (char)('a' + (i - 9) % 26);
}

/* The x column of value v (of n), spread over the plot's width. */
static int x_of(int v, int n, int x0, int w)
{
    return n <= 1 ? x0 + w / 2 : x0 + (int)lround((double)v * (w - 1) / (n - 1));
}

/* One plot: the y range of the values, the markers, the knees reversed. */
static void plot(const struct tui_app *app, const struct tui_sweep *w, struct tui_canvas *c, int x0,
                 int y0, int pw, int ph, bool bubble)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < w->n_rows; k++) {
        double y = bubble ? 100 * w->rows[k].bubble_ratio : w->rows[k].makespan_ms;
        if (isfinite(y))
            lo = fmin(lo, y), hi = fmax(hi, y);
    }
    if (!isfinite(lo))
        lo = 0, hi = 1;
    if (bubble)
        lo = 0;
    if (hi <= lo)
        hi = lo + 1;
    char lab[32];
    tui_canvas_text(c, x0, y0 - 1, pw + YLAB_W, TUI_S_TITLE,
                    bubble ? "bubble (%)" : "makespan (ms)");
    for (int r = 0; r < ph; r++) {
        double v = hi - (hi - lo) * r / (ph > 1 ? ph - 1 : 1);
        if (r % 3 == 0 || r == ph - 1) {
            tui_fmt_ms(lab, sizeof lab, v);
            tui_canvas_text(c, x0, y0 + r, YLAB_W - 1, TUI_S_DIM, lab);
        }
        tui_canvas_glyph(c, x0 + YLAB_W - 1, y0 + r, TUI_G_VLINE, TUI_S_BORDER);
    }
    int px0 = x0 + YLAB_W, n = w->n_values;
    for (size_t k = 0; k < w->n_rows; k++) {
        const struct ps_compare_row *row = &w->rows[k];
        double y = bubble ? 100 * row->bubble_ratio : row->makespan_ms;
        if (!isfinite(y))
            continue;
        int v = (int)(k / w->n_sched), i = (int)(k % w->n_sched);
        int yy = y0 + (int)lround((hi - y) / (hi - lo) * (ph - 1));
        bool knee = !bubble && row->has_knee[0] && strtod(row->knee[0], NULL) == w->values[v];
        enum tui_style st = app->color ? marker_styles[(size_t)i % N_STYLES] : TUI_S_NORMAL;
        tui_canvas_put(c, x_of(v, n, px0, pw), yy, (uint32_t)marker((size_t)i),
                       knee ? TUI_S_SEL : st);
    }
}

/* The x axis under a plot: each value, the scenario's own in bold. */
static void axis(const struct tui_sweep *w, struct tui_canvas *c, int x0, int y, int pw)
{
    int px0 = x0 + YLAB_W, last = -2;
    tui_canvas_hline(c, px0, y, pw, TUI_G_HLINE, TUI_S_BORDER);
    for (int v = 0; v < w->n_values; v++) {
        char lab[32];
        snprintf(lab, sizeof lab, "%g", w->values[v]);
        int x = x_of(v, w->n_values, px0, pw), len = (int)strlen(lab);
        tui_canvas_glyph(c, x, y, TUI_G_TICK, TUI_S_BORDER);
        int at = x - len / 2;
        if (at <= last || at + len > px0 + pw + 2)
            continue;
        tui_canvas_text(c, at, y + 1, len, v == w->current ? TUI_S_BOLD : TUI_S_DIM, lab);
        last = at + len;
    }
}

/* The schedules, their markers and knees, on the right. */
static void legend(const struct tui_app *app, const struct tui_sweep *w, struct tui_canvas *c,
                   int x, int y, int h)
{
    tui_canvas_text(c, x, y, LEGEND_W, TUI_S_TITLE, "schedule        knee");
    for (size_t i = 0; i < w->n_sched && (int)i + 1 < h; i++) {
        const struct ps_compare_row *row = &w->rows[i];
        const char *knee = "-";
        for (size_t k = i; k < w->n_rows; k += w->n_sched)
            if (w->rows[k].has_knee[0]) {
                knee = w->rows[k].knee[0];
                break;
            }
        enum tui_style st = app->color ? marker_styles[i % N_STYLES] : TUI_S_NORMAL;
        tui_canvas_put(c, x, y + 1 + (int)i, (uint32_t)marker(i), st);
        tui_canvas_printf(c, x + 2, y + 1 + (int)i, LEGEND_W - 2, TUI_S_NORMAL, "%-14.14s %s",
                          row->schedule, knee);
    }
    int yn = y + 2 + (int)w->n_sched;
    if (yn + 3 < y + h) {
        tui_canvas_text(c, x, yn, LEGEND_W, TUI_S_DIM, "knee: smallest value within");
        tui_canvas_text(c, x, yn + 1, LEGEND_W, TUI_S_DIM, "5% of the best (reversed)");
    }
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_sweep *w = app->sweep;
    tui_pane_header.draw(app, fr, c);
    tui_pane_status.draw(app, fr, c);
    int x = 0, y = 1, bw = app->cols, bh = app->rows - 3;
    char title[320];
    snprintf(title, sizeof title,
             "Sweep: %s (%s), %d values x %zu schedules  Left/Right field  "
             "+/- range  e export  S back",
             w ? w->label : "", w ? w->path : "", w ? w->n_values : 0, w ? w->n_sched : 0);
    tui_canvas_box(c, x, y, bw, bh, TUI_S_BORDER_FOCUS, title, TUI_S_TITLE_FOCUS);
    if (w == NULL || w->rows == NULL || w->n_rows == 0) {
        tui_canvas_text(c, x + 2, y + 2, bw - 4, TUI_S_ERR, "no sweep");
        return;
    }
    int pw = bw - 2 - YLAB_W - LEGEND_W - 3, inner = bh - 2;
    int ph = (inner - 6) / 2; /* two plots with a title row and an axis of two rows each */
    if (pw < 10 || ph < 3) {
        tui_canvas_text(c, x + 2, y + 2, bw - 4, TUI_S_WARN, "make the terminal bigger");
        return;
    }
    int top = y + 2;
    plot(app, w, c, x + 1, top, pw, ph, false);
    axis(w, c, x + 1, top + ph, pw);
    plot(app, w, c, x + 1, top + ph + 3, pw, ph, true);
    axis(w, c, x + 1, top + 2 * ph + 3, pw);
    legend(app, w, c, x + bw - LEGEND_W - 1, top - 1, inner);
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    switch (cmd->action) {
    case TUI_A_ESC:
    case TUI_A_SWEEP:
        tui_sweep_toggle(app);
        return TUI_REDRAW;
    case TUI_A_LEFT:
    case TUI_A_RIGHT:
    case TUI_A_UP:
    case TUI_A_DOWN:
        tui_sweep_next_field(app, cmd->action == TUI_A_LEFT || cmd->action == TUI_A_UP ? -1 : 1);
        return TUI_REDRAW;
    case TUI_A_INC:
    case TUI_A_DEC:
        tui_sweep_widen(app, cmd->action == TUI_A_INC ? 1 : -1);
        return TUI_REDRAW;
    case TUI_A_EXPORT:
    case TUI_A_EXPORT_CMP: {
        char def[128];
        snprintf(def, sizeof def, "sweep-%s.svg", app->sweep->path);
        for (char *p = def; *p; p++)
            if (*p == '/' || *p == ' ')
                *p = '_';
        tui_prompt_open(
            app, TUI_PROMPT_SWEEP_EXPORT,
            "Export the sweep (.svg .pdf .png plot; .csv .json .tex .md .txt rows):", def);
        return TUI_REDRAW;
    }
    case TUI_A_QUIT:
    case TUI_A_HELP:
    case TUI_A_REDRAW:
        return 0; /* the global keys */
    default:
        return TUI_REDRAW; /* nothing else applies here */
    }
}

const struct tui_pane tui_pane_sweep = {.name = "sweep", .draw = draw, .key = key};
