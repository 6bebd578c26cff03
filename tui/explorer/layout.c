/* The explorer's screen regions: wide (the panel on the left) or narrow (the panel and the
 * table under the chart); the chart gets the rows its devices need, with bars up to three
 * rows tall when there is room. */
#include "tui/explorer/layout.h"

#include <string.h>

#include "tui/explorer/fields.h"
#include "tui/explorer/numbers.h"

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Width of the device labels: "DCNAME NN" plus the separator column. */
static int label_width(const struct tui_app *app)
{
    int name = 2;
    for (int i = 0; i < app->sc.n_dcs; i++) {
        int n = (int)strlen(app->sc.dcs[i].name);
        if (n > name)
            name = n;
    }
    name = clampi(name, 2, 8);
    int w = name + 1 + tui_digits(app->sc.n_stages > 0 ? app->sc.n_stages - 1 : 0) + 1;
    /* A wide terminal has room for the channel rows' full names ("east>west"). */
    if (app->cols >= 140 && app->show_channels)
        for (int i = 0; i + 1 < app->sc.n_dcs; i++) {
            int n = (int)(strlen(app->sc.dcs[i].name) + strlen(app->sc.dcs[i + 1].name)) + 2;
            if (n > w && n <= 20)
                w = n;
        }
    return w < 8 ? 8 : w;
}

/* Wide: the panel on the left, the chart over the table (and the memory pane). */
static void layout_wide(const struct tui_app *app, struct tui_layout *lo, int body_y, int body_h,
                        int need, int n_dev)
{
    int cols = app->cols, n_res = (int)app->n_res;
    int pw = clampi(cols / 5, 34, 44);
    int th = clampi(n_res + 3, 5, body_h / 2);
    /* Give the chart what it needs; the table takes the rest (up to its rows). */
    if (body_h - th > need)
        th = clampi(body_h - need, th, n_res + 3 > th ? n_res + 3 : th);
    /* Rows the chart cannot use (its bars are at most three rows tall) go to the table
     * and the memory pane. */
    if (body_h - th > need + 2 * n_dev)
        th = body_h - (need + 2 * n_dev);
    lo->panel = (struct tui_rect){0, body_y, pw, body_h};
    lo->gantt = (struct tui_rect){pw, body_y, cols - pw, body_h - th};
    lo->table = (struct tui_rect){pw, body_y + body_h - th, cols - pw, th};
    /* A wide table leaves room for the memory pane on its right. */
    if (lo->table.w >= 110) {
        int mw = clampi(lo->table.w - 74, 30, 70);
        lo->table.w -= mw;
        lo->mem = (struct tui_rect){lo->table.x + lo->table.w, lo->table.y, mw, th};
    }
}

/* Narrow: the chart takes what it needs with bars up to three rows tall; the panel and
 * the table below share the rest, up to what they can show. */
static void layout_narrow(const struct tui_app *app, struct tui_layout *lo, int body_y, int body_h,
                          int need, int n_dev)
{
    int cols = app->cols, n_res = (int)app->n_res;
    int n_fields = tui_fields(app, NULL, 0);
    int bh = body_h - (need + 2 * n_dev);
    int max_bh = n_res + 3 > n_fields + 2 ? n_res + 3 : n_fields + 2;
    if (app->teaching) {
        /* The teaching pane below: a row per device and per transfer in flight; the chart
         * keeps a row per device. */
        bh = body_h - need;
        max_bh = 2 * n_dev + 6;
    }
    bh = clampi(bh, 8, max_bh);
    if (bh > body_h - 6)
        bh = body_h - 6;
    int pw = cols * 9 / 20;
    lo->gantt = (struct tui_rect){0, body_y, cols, body_h - bh};
    lo->panel = (struct tui_rect){0, body_y + body_h - bh, pw, bh};
    lo->table = (struct tui_rect){pw, body_y + body_h - bh, cols - pw, bh};
}

void tui_layout(const struct tui_app *app, struct tui_layout *lo)
{
    memset(lo, 0, sizeof(*lo));
    int cols = app->cols, rows = app->rows;
    lo->too_small = cols < TUI_MIN_COLS || rows < TUI_MIN_ROWS;
    lo->header = (struct tui_rect){0, 0, cols, 1};
    lo->detail = (struct tui_rect){0, rows - 2, cols, 1};
    lo->status = (struct tui_rect){0, rows - 1, cols, 1};
    int body_y = 1, body_h = rows - 3;
    lo->wide = cols >= 120;
    /* The plot's rows at one row per device, and how many of them are devices. */
    int n_dev = 0;
    int need = tui_rows_build(app, 1, NULL, 0, &n_dev) + 1 + 2; /* rows, axis, border */
    if (lo->wide)
        layout_wide(app, lo, body_y, body_h, need, n_dev);
    else
        layout_narrow(app, lo, body_y, body_h, need, n_dev);
    if (app->teaching) {
        /* The teaching pane takes the table's and the memory pane's place (and the
         * panel's, narrow: the chart keeps its height). */
        if (lo->wide)
            lo->teach =
                (struct tui_rect){lo->table.x, lo->table.y, lo->table.w + lo->mem.w, lo->table.h};
        else
            lo->teach = (struct tui_rect){0, lo->panel.y, cols, lo->panel.h};
        lo->table = lo->mem = (struct tui_rect){0, 0, 0, 0};
        if (!lo->wide)
            lo->panel = lo->table;
    }
    lo->label_w = label_width(app);
    lo->plot = (struct tui_rect){lo->gantt.x + 1 + lo->label_w, lo->gantt.y + 1,
                                 lo->gantt.w - 2 - lo->label_w, lo->gantt.h - 3};
    if (app->show_bubble && lo->plot.w >= 40) {
        lo->plot.w -= 16;
        lo->bubble = (struct tui_rect){lo->plot.x + lo->plot.w + 1, lo->plot.y, 15, lo->plot.h};
    }
    if (lo->plot.w < 1)
        lo->plot.w = 1;
    if (lo->plot.h < 1)
        lo->plot.h = 1;
    lo->dev_h = 1;
    if (n_dev > 0)
        lo->dev_h = clampi(1 + (lo->plot.h - (need - 3)) / n_dev, 1, 3);
}

bool tui_rect_has(const struct tui_rect *r, int x, int y)
{
    return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

int tui_gantt_rows(const struct tui_app *app, struct tui_grow *out, int max)
{
    if (app->n_res == 0 || app->sc.n_stages == 0)
        return 0;
    struct tui_layout lo;
    tui_layout(app, &lo);
    int n = tui_rows_build(app, lo.dev_h, out, max, NULL);
    return n < max ? n : max;
}
