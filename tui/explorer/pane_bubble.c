/* The idle-time bars (b): beside each device row of the timeline (A's, and B's in the split
 * view), the device's idle time by cause (docs/model.md, "Bubble breakdown") as ten cells
 * whose full width is the makespan, a letter and a colour per cause, and the device's
 * bubble in percent. Reads the layout's bubble region; draws nothing when it is hidden. */
#include "tui/explorer/pane.h"

#include <math.h>
#include <stdio.h>

#include "core/sim.h"

#define CELLS 10

static const char letters[PS_BUBBLE_COUNT] = {'f', 'x', 'i', 'm', 'r', 'd', 'e'};

static enum tui_style cause_style(int c)
{
    static const enum tui_style styles[PS_BUBBLE_COUNT] = {
        TUI_S_DIM,   TUI_S_XFER_GRAD, TUI_S_XFER_ACT, TUI_S_OP_W,
        TUI_S_OP_RS, TUI_S_OP_AG,     TUI_S_DIM};
    return styles[c];
}

/* Cells per cause for a device: its idle share of CELLS, split by largest remainders. */
static int cells_of(const struct ps_schedule *s, int d, int *count)
{
    double share[PS_BUBBLE_COUNT], idle = 0;
    for (int c = 0; c < PS_BUBBLE_COUNT; c++) {
        share[c] = (double)s->bubble_ns[(size_t)d * PS_BUBBLE_COUNT + c];
        idle += share[c];
    }
    int total = (int)lround(CELLS * idle / (double)s->makespan_ns);
    ps_bubble_cells(share, total, count);
    return total;
}

static void draw_bar(const struct tui_app *app, const struct tui_rect *r, struct tui_canvas *c,
                     int y, const struct ps_schedule *s, int d)
{
    int count[PS_BUBBLE_COUNT], x = r->x;
    cells_of(s, d, count);
    for (int k = 0; k < PS_BUBBLE_COUNT; k++)
        for (int i = 0; i < count[k]; i++, x++)
            tui_canvas_put(c, x, y, (uint32_t)letters[k],
                           app->color ? cause_style(k) : TUI_S_NORMAL);
    for (; x < r->x + CELLS; x++)
        tui_canvas_glyph(c, x, y, TUI_G_MIDDOT, TUI_S_DIM);
    char pct[16];
    snprintf(pct, sizeof pct, "%3.0f%%",
             100.0 * (double)(s->makespan_ns - s->busy_ns[d]) / (double)s->makespan_ns);
    tui_canvas_text(c, r->x + CELLS, y, r->w - CELLS, TUI_S_DIM, pct);
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_layout *lo = &fr->lo;
    const struct tui_rect *r = &lo->bubble;
    if (r->w == 0)
        return;
    int label_sub = lo->dev_h > 1 ? 1 : 0;
    for (int i = 0; i < r->h; i++) {
        int k = app->gantt_scroll + i;
        if (k >= fr->n_rows)
            break;
        const struct tui_grow *gr = &fr->rows[k];
        const struct ps_schedule *s = app->res[gr->sched].sched;
        if (gr->kind != TUI_GROW_DEVICE || gr->sub != label_sub || s == NULL || !s->timed ||
            s->makespan_ns <= 0 || gr->index >= s->n_stages)
            continue;
        draw_bar(app, r, c, r->y + i, s, gr->index);
    }
    tui_canvas_text(c, r->x, r->y + r->h, r->w, TUI_S_DIM, "idle by cause");
}

const struct tui_pane tui_pane_bubble = {.name = "idle", .draw = draw};
