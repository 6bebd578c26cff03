/* The explorer's view: a pure function of the app state that fills our own cell grid.
 * Layout, header, scenario panel, Gantt chart (devices grouped by DC, inter-DC channel
 * rows, time axis, op cursor, critical path), comparison table, detail and status lines,
 * and the overlays (help, pickers). No curses here. */
#include "tui/app.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "presets/presets.h"

#define MAX_GROWS 4096

/* ---- layout ---------------------------------------------------------------------------- */

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int digits(int v)
{
    int d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
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
    int w = name + 1 + digits(app->sc.n_stages > 0 ? app->sc.n_stages - 1 : 0) + 1;
    /* A wide terminal has room for the channel rows' full names ("east>west"). */
    if (app->cols >= 140 && app->show_channels)
        for (int i = 0; i + 1 < app->sc.n_dcs; i++) {
            int n = (int)(strlen(app->sc.dcs[i].name) + strlen(app->sc.dcs[i + 1].name)) + 2;
            if (n > w && n <= 20)
                w = n;
        }
    return w < 8 ? 8 : w;
}

static void sched_rows(const struct tui_app *app, int r, bool title, int dev_h,
                       struct tui_grow *out, int *n, int max);

/* Plot rows at one row per device, and how many of them are devices. */
static int count_rows(const struct tui_app *app, int *n_dev)
{
    static struct tui_grow rows[MAX_GROWS];
    int n = 0;
    *n_dev = 0;
    if (app->n_res == 0 || app->sc.n_stages == 0)
        return 0;
    bool split = app->split_b >= 0 && (size_t)app->split_b < app->n_res;
    sched_rows(app, app->shown, split, 1, rows, &n, MAX_GROWS);
    if (split)
        sched_rows(app, app->split_b, true, 1, rows, &n, MAX_GROWS);
    for (int i = 0; i < n; i++)
        *n_dev += rows[i].kind == TUI_GROW_DEVICE;
    return n;
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
    int n_res = (int)app->n_res;
    lo->wide = cols >= 120;
    int n_dev = 0;
    int need = count_rows(app, &n_dev) + 1 + 2; /* rows, axis, border */
    if (lo->wide) {
        int pw = clampi(cols / 5, 34, 44);
        int th = clampi(n_res + 3, 5, body_h / 2);
        /* Give the chart what it needs; the table takes the rest (up to its rows). */
        if (body_h - th > need)
            th = clampi(body_h - need, th, n_res + 3 > th ? n_res + 3 : th);
        /* Rows the chart cannot use (its bars are at most three rows tall) go to the
         * table and the memory pane. */
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
    } else {
        /* The chart takes what it needs with bars up to three rows tall; the panel and
         * the table below share the rest, up to what they can show. */
        int n_fields = tui_fields(app, NULL, 0);
        int bh = body_h - (need + 2 * n_dev);
        int max_bh = n_res + 3 > n_fields + 2 ? n_res + 3 : n_fields + 2;
        bh = clampi(bh, 8, max_bh);
        if (bh > body_h - 6)
            bh = body_h - 6;
        int pw = cols * 9 / 20;
        lo->gantt = (struct tui_rect){0, body_y, cols, body_h - bh};
        lo->panel = (struct tui_rect){0, body_y + body_h - bh, pw, bh};
        lo->table = (struct tui_rect){pw, body_y + body_h - bh, cols - pw, bh};
    }
    lo->label_w = label_width(app);
    lo->plot = (struct tui_rect){lo->gantt.x + 1 + lo->label_w, lo->gantt.y + 1,
                                 lo->gantt.w - 2 - lo->label_w, lo->gantt.h - 3};
    if (lo->plot.w < 1)
        lo->plot.w = 1;
    if (lo->plot.h < 1)
        lo->plot.h = 1;
    lo->dev_h = 1;
    if (n_dev > 0)
        lo->dev_h = clampi(1 + (lo->plot.h - (need - 3)) / n_dev, 1, 3);
}

/* ---- Gantt rows -------------------------------------------------------------------------- */

static void add_grow(struct tui_grow *out, int *n, int max, enum tui_grow_kind k, int sched,
                     int index)
{
    if (*n < max)
        out[(*n)++] = (struct tui_grow){k, sched, index, 0};
}

/* Index of the inter-DC channel from -> to in s, or -1. */
static int dc_channel(const struct ps_schedule *s, int from, int to)
{
    for (int i = 0; i < s->n_channels; i++) {
        const struct ps_channel *c = &s->channels[i];
        if (c->from_stage < 0 && c->from_dc == from && c->to_dc == to)
            return i;
    }
    return -1;
}

static void sched_rows(const struct tui_app *app, int r, bool title, int dev_h,
                       struct tui_grow *out, int *n, int max)
{
    const struct ps_scenario *sc = &app->sc;
    const struct ps_schedule *s = app->res[r].sched;
    if (title)
        add_grow(out, n, max, TUI_GROW_TITLE, r, 0);
    if (title && r != app->shown && (s == NULL || !s->timed))
        return; /* B without a schedule: its title says why */
    for (int d = 0; d < sc->n_dcs; d++) {
        if (d > 0) {
            /* The DC boundary: the links that cross it, or a plain separator. */
            int added = 0;
            if (app->show_channels && s && s->timed) {
                int c1 = dc_channel(s, d - 1, d), c2 = dc_channel(s, d, d - 1);
                if (c1 >= 0) {
                    add_grow(out, n, max, TUI_GROW_CHANNEL, r, c1);
                    added++;
                }
                if (c2 >= 0) {
                    add_grow(out, n, max, TUI_GROW_CHANNEL, r, c2);
                    added++;
                }
            }
            if (!added)
                add_grow(out, n, max, TUI_GROW_SEP, r, d);
        }
        int first = ps_scenario_dc_first_stage(sc, d);
        for (int st = first; st < first + sc->dcs[d].stages; st++)
            for (int sub = 0; sub < dev_h; sub++) {
                add_grow(out, n, max, TUI_GROW_DEVICE, r, st);
                if (*n > 0)
                    out[*n - 1].sub = sub;
            }
    }
}

int tui_gantt_rows(const struct tui_app *app, struct tui_grow *out, int max)
{
    int n = 0;
    if (app->n_res == 0 || app->sc.n_stages == 0)
        return 0;
    struct tui_layout lo;
    tui_layout(app, &lo);
    bool split = app->split_b >= 0 && (size_t)app->split_b < app->n_res;
    sched_rows(app, app->shown, split, lo.dev_h, out, &n, max);
    if (split)
        sched_rows(app, app->split_b, true, lo.dev_h, out, &n, max);
    return n;
}

/* ---- small helpers ------------------------------------------------------------------------- */

static void fmt_ms(char *buf, size_t size, int64_t ns)
{
    tui_fmt_ms(buf, size, ps_ns_to_ms(ns));
}

static double peak_memory(const struct ps_schedule *s)
{
    double p = 0;
    for (int i = 0; s->peak_memory && i < s->n_stages; i++)
        if (s->peak_memory[i] > p)
            p = s->peak_memory[i];
    return p;
}

/* Text for a result's status: solver status, error, or "press r". */
/* The table's makespan: always one decimal, so the column lines up. */
static void fmt_makespan(char *buf, size_t size, int64_t ns)
{
    snprintf(buf, size, "%.1f", ps_ns_to_ms(ns));
}

/* Memory in units: an integer as an integer (1024, not 1.02e+03), else up to 4 digits. */
static void fmt_units(char *buf, size_t size, double v)
{
    if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else if (fabs(v) >= 1000)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.4g", v);
}

static void fmt_mem_cell(const struct tui_app *app, const struct ps_schedule *s, char *buf,
                         size_t size)
{
    char a[24], b[24];
    fmt_units(a, sizeof(a), peak_memory(s));
    if (app->sc.has_memory_limit) {
        fmt_units(b, sizeof(b), app->sc.memory_limit);
        snprintf(buf, size, "%s/%s", a, b);
    } else
        snprintf(buf, size, "%s", a);
}

static const char *result_status(const struct tui_app *app, int i,
                                 const struct tui_worker_state *ws)
{
    const struct tui_result *r = &app->res[i];
    if (r->pending)
        return "updating";
    if (ws->running && ws->sv == r->sv)
        return ws->cancelling ? "cancelling" : "solving";
    if (r->sched)
        return ps_solve_status_str(r->sched->solver.status);
    if (r->error[0])
        return "error";
    return r->sv->slow ? "press r" : "-";
}

/* ---- header ---------------------------------------------------------------------------- */

struct seg {
    char text[160];
    enum tui_style st;
    int drop; /* 0: always shown; higher ones are left out first when short of room */
};

static void render_header(const struct tui_app *app, const struct tui_layout *lo,
                          const struct tui_worker_state *ws, struct tui_canvas *c)
{
    tui_canvas_fill(c, 0, lo->header.y, lo->header.w, 1, TUI_S_HEADER);
    const struct tui_result *r = &app->res[app->shown];
    const struct ps_schedule *s = r->sched;
    struct seg segs[10];
    memset(segs, 0, sizeof(segs));
    int n = 0;
    char a[32], b[32];
    snprintf(segs[n].text, sizeof(segs[n].text), "%s", app->sc.name[0] ? app->sc.name : "scenario");
    segs[n++].st = TUI_S_HEADER_HI;
    snprintf(segs[n].text, sizeof(segs[n].text), "%s", r->sv->name);
    segs[n++].st = TUI_S_HEADER_HI;
    if (s && s->timed && s->solver.status != PS_SOLVE_INFEASIBLE) {
        fmt_ms(a, sizeof(a), s->makespan_ns);
        snprintf(segs[n].text, sizeof(segs[n].text), "makespan %s ms", a);
        segs[n++].st = TUI_S_HEADER_HI;
        snprintf(segs[n].text, sizeof(segs[n].text), "bubble %.1f%%", s->bubble_ratio * 100);
        segs[n].drop = 4;
        segs[n++].st = TUI_S_HEADER;
        if (s->lower_bound_ns > 0) {
            fmt_ms(a, sizeof(a), s->lower_bound_ns);
            snprintf(segs[n].text, sizeof(segs[n].text), "%.2fx LB (%s ms)",
                     (double)s->makespan_ns / (double)s->lower_bound_ns, a);
            segs[n].drop = 5;
            segs[n++].st = TUI_S_HEADER;
        }
        double pk = peak_memory(s);
        if (app->sc.has_memory_limit) {
            snprintf(a, sizeof(a), "%.4g", pk);
            snprintf(b, sizeof(b), "%.4g", app->sc.memory_limit);
            snprintf(segs[n].text, sizeof(segs[n].text), "mem %s/%s %s", a, b,
                     s->memory_ok ? "ok" : "OVER");
        } else {
            snprintf(a, sizeof(a), "%.4g", pk);
            snprintf(segs[n].text, sizeof(segs[n].text), "mem %s (no limit)", a);
        }
        segs[n].drop = s->memory_ok ? 3 : 1;
        segs[n++].st = s->memory_ok ? TUI_S_HEADER : TUI_S_ERR;
    } else if (s && s->solver.status == PS_SOLVE_INFEASIBLE) {
        snprintf(segs[n].text, sizeof(segs[n].text), "infeasible");
        segs[n++].st = TUI_S_ERR;
    } else if (r->pending) {
        snprintf(segs[n].text, sizeof(segs[n].text), "updating...");
        segs[n++].st = TUI_S_WARN;
    } else if (r->error[0]) {
        snprintf(segs[n].text, sizeof(segs[n].text), "error");
        segs[n++].st = TUI_S_ERR;
    }
    /* The solver: live progress of a background solve, else the shown one's status. */
    if (ws->running) {
        char inc[32] = "-", bnd[32] = "-", gap[32] = "-";
        if (ws->has_progress && ws->progress.incumbent_ns >= 0)
            fmt_ms(inc, sizeof(inc), ws->progress.incumbent_ns);
        if (ws->has_progress && ws->progress.bound_ns >= 0)
            fmt_ms(bnd, sizeof(bnd), ws->progress.bound_ns);
        if (ws->has_progress && ws->progress.gap >= 0)
            snprintf(gap, sizeof(gap), "%.1f%%", ws->progress.gap * 100);
        snprintf(segs[n].text, sizeof(segs[n].text), "%s %s %.1fs inc %s bnd %s gap %s",
                 ws->sv->name, ws->cancelling ? "cancelling" : "solving", ws->elapsed_ms / 1000,
                 inc, bnd, gap);
        segs[n++].st = TUI_S_WARN;
    } else if (s && s->solver.status != PS_SOLVE_INFEASIBLE) {
        if (s->solver.status == PS_SOLVE_FEASIBLE || s->solver.status == PS_SOLVE_CANCELLED) {
            char bnd[32] = "-";
            if (s->solver.bound_ns >= 0)
                fmt_ms(bnd, sizeof(bnd), s->solver.bound_ns);
            snprintf(segs[n].text, sizeof(segs[n].text), "%s, bound %s gap %.1f%%",
                     ps_solve_status_str(s->solver.status), bnd,
                     s->solver.gap >= 0 ? s->solver.gap * 100 : 0.0);
        } else
            snprintf(segs[n].text, sizeof(segs[n].text), "%s",
                     ps_solve_status_str(s->solver.status));
        segs[n].drop = 6;
        segs[n++].st = s->solver.status == PS_SOLVE_OPTIMAL ? TUI_S_HEADER_HI : TUI_S_HEADER;
    }
    /* Short of room: the least important segments go first (memory stays longest). */
    int total = 11;
    for (int i = 0; i < n; i++)
        total += 3 + (int)strlen(segs[i].text);
    while (total > lo->header.w) {
        int worst = -1;
        for (int i = 0; i < n; i++)
            if (segs[i].drop > 0 && segs[i].text[0] &&
                (worst < 0 || segs[i].drop > segs[worst].drop))
                worst = i;
        if (worst < 0)
            break;
        total -= 3 + (int)strlen(segs[worst].text);
        segs[worst].text[0] = '\0';
    }
    int x = 0;
    x += tui_canvas_text(c, x, 0, -1, TUI_S_HEADER_HI, " pipescope ");
    for (int i = 0; i < n; i++) {
        int len = (int)strlen(segs[i].text); /* ASCII text */
        if (len == 0)
            continue;
        if (x + 3 + len > lo->header.w)
            break;
        tui_canvas_glyph(c, x + 1, 0, TUI_G_VLINE, TUI_S_HEADER);
        x += 3;
        x += tui_canvas_text(c, x, 0, len, segs[i].st, segs[i].text);
    }
    /* The panes as tabs on the right, the focused one lit (Tab moves), if they fit. */
    static const char *const names[] = {"scenario", "chart", "schedules"};
    int tw = 0;
    for (int i = 0; i < TUI_FOCUS_COUNT; i++)
        tw += (int)strlen(names[i]) + 2;
    if (x + tw + 2 <= lo->header.w) {
        int tx = lo->header.w - tw - 1;
        for (int i = 0; i < TUI_FOCUS_COUNT; i++) {
            enum tui_style st = i == (int)app->focus ? TUI_S_SEL : TUI_S_HEADER;
            int len = (int)strlen(names[i]);
            tui_canvas_put(c, tx, 0, ' ', st);
            tui_canvas_text(c, tx + 1, 0, len, st, names[i]);
            tui_canvas_put(c, tx + 1 + len, 0, ' ', st);
            tx += len + 2;
        }
    }
}

/* ---- the scenario panel ------------------------------------------------------------------ */

static void render_panel(const struct tui_app *app, const struct tui_layout *lo,
                         struct tui_canvas *c)
{
    const struct tui_rect *p = &lo->panel;
    bool focus = app->focus == TUI_FOCUS_PANEL;
    char title[300];
    snprintf(title, sizeof(title), "Scenario: %s", app->source[0] ? app->source : "edited");
    if ((int)strlen(title) > p->w - 4) /* a narrow panel: the name matters more */
        snprintf(title, sizeof(title), "%s", app->source[0] ? app->source : "edited");
    tui_canvas_box(c, p->x, p->y, p->w, p->h, focus ? TUI_S_BORDER_FOCUS : TUI_S_BORDER, title,
                   focus ? TUI_S_TITLE_FOCUS : TUI_S_TITLE);
    int n;
    struct tui_field *fields = tui_fields_new(app, &n);
    if (fields == NULL)
        n = 0;
    int inner_w = p->w - 2, vis = p->h - 2;
    for (int row = 0; row < vis; row++) {
        int i = app->field_scroll + row;
        if (i >= n)
            break;
        const struct tui_field *f = &fields[i];
        int y = p->y + 1 + row, x = p->x + 1;
        if (f->kind == TUI_FK_SECTION) {
            if (f->index == 1) { /* a note */
                tui_canvas_text(c, x + 1, y, inner_w - 1, TUI_S_DIM, f->label);
                continue;
            }
            int len = tui_canvas_text(c, x, y, inner_w, TUI_S_BOLD, f->label);
            tui_canvas_hline(c, x + len + 1, y, inner_w - len - 1, TUI_G_HLINE, TUI_S_DIM);
            continue;
        }
        bool sel = i == app->field_sel;
        enum tui_style st = sel ? (focus ? TUI_S_SEL : TUI_S_SEL_DIM) : TUI_S_NORMAL;
        if (sel)
            tui_canvas_fill(c, x, y, inner_w, 1, st);
        int vlen = (int)strlen(f->value);
        if (vlen > inner_w - 6)
            vlen = inner_w - 6;
        tui_canvas_text(c, x + 1, y, inner_w - vlen - 3, st, f->label);
        tui_canvas_text(c, x + inner_w - vlen - 1, y, vlen, sel ? st : TUI_S_BOLD, f->value);
    }
    /* Spare rows under the fields: what the scenario is (its description), wrapped. */
    int used = n - app->field_scroll;
    const char *desc = app->sc.description;
    if (desc && *desc && vis - used >= 4) {
        int y = p->y + 1 + used + 1;
        int len = tui_canvas_text(c, p->x + 1, y, inner_w, TUI_S_BOLD, "About");
        tui_canvas_hline(c, p->x + 2 + len, y, inner_w - len - 1, TUI_G_HLINE, TUI_S_DIM);
        y++;
        int w = inner_w - 2;
        const char *q = desc;
        while (*q && y < p->y + p->h - 1 && w > 8) {
            int take = (int)strlen(q);
            if (take > w) {
                take = w;
                while (take > w / 2 && q[take] != ' ')
                    take--;
            }
            char line[160];
            snprintf(line, sizeof(line), "%.*s", take, q);
            tui_canvas_text(c, p->x + 2, y++, w, TUI_S_DIM, line);
            q += take;
            while (*q == ' ')
                q++;
        }
    }
    /* Scroll marks on the right border. */
    if (app->field_scroll > 0)
        tui_canvas_glyph(c, p->x + p->w - 1, p->y + 1, TUI_G_ARROW_UP, TUI_S_TITLE);
    if (app->field_scroll + vis < n)
        tui_canvas_glyph(c, p->x + p->w - 1, p->y + p->h - 2, TUI_G_ARROW_DOWN, TUI_S_TITLE);
    free(fields);
}

/* ---- the Gantt chart --------------------------------------------------------------------- */

static enum tui_style op_style(enum ps_op_kind k)
{
    switch (k) {
    case PS_OP_F:
        return TUI_S_OP_F;
    case PS_OP_B:
        return TUI_S_OP_B;
    case PS_OP_W:
        return TUI_S_OP_W;
    case PS_OP_AG:
        return TUI_S_OP_AG;
    default:
        return TUI_S_OP_RS;
    }
}

/* Paints one bar [t0, t1) in a plot row (its label comes later, paint_label); returns
 * false when it is off screen. Every bar gets at least one cell. */
static bool paint_bar(const struct tui_app *app, const struct tui_layout *lo, struct tui_canvas *c,
                      int y, int64_t t0, int64_t t1, enum tui_style st, uint8_t flags)
{
    bool half = (flags & TUI_F_HALF) != 0;
    int64_t npc = app->view_ns_per_col > 0 ? app->view_ns_per_col : 1;
    int64_t rel0 = t0 - app->view_t0, rel1 = t1 - app->view_t0;
    if (rel1 <= 0)
        return false;
    int64_t c0 = rel0 / npc;
    int64_t c1 = (rel1 - 1) / npc; /* inclusive */
    if (rel0 < 0)
        c0 = 0;
    if (c0 >= lo->plot.w)
        return false;
    if (c1 >= lo->plot.w)
        c1 = lo->plot.w - 1;
    if (c1 < c0)
        c1 = c0;
    int w = (int)(c1 - c0 + 1);
    for (int i = 0; i < w; i++) {
        struct tui_cell *cell = tui_canvas_at(c, lo->plot.x + (int)c0 + i, y);
        if (cell)
            *cell = (struct tui_cell){.ch = ' ',
                                      .glyph = half ? TUI_G_LOWER_HALF : TUI_G_NONE,
                                      .style = (uint8_t)st,
                                      .flags = flags};
    }
    return true;
}

/* Writes a bar's label over its cells from t0 (the bar, or a run of an op's parts, ends
 * at t1) when it fits with room to spare, so neighbouring labels never run together. */
static void paint_label(const struct tui_app *app, const struct tui_layout *lo,
                        struct tui_canvas *c, int y, int64_t t0, int64_t t1, const char *label,
                        int64_t *last_end)
{
    int64_t npc = app->view_ns_per_col > 0 ? app->view_ns_per_col : 1;
    int64_t rel0 = t0 - app->view_t0, rel1 = t1 - app->view_t0;
    if (rel1 <= 0 || rel0 < 0 || rel0 / npc >= lo->plot.w)
        return; /* a bar cut by the left edge keeps its label off screen */
    /* Only cells the bar covers whole carry its label, and a label keeps a cell of gap
     * after the previous one in the row (*last_end), so labels never run together. */
    int c0 = (int)(rel0 / npc);
    int64_t first = (rel0 + npc - 1) / npc, end = rel1 / npc;
    int len = (int)strlen(label);
    if (len > 0 && end - first >= len && first > *last_end && first + len <= lo->plot.w) {
        for (int i = 0; i < len; i++) {
            struct tui_cell *cell = tui_canvas_at(c, lo->plot.x + (int)first + i, y);
            if (cell)
                cell->ch = (unsigned char)label[i];
        }
        *last_end = first + len;
    } else if (!app->color && len > 0) {
        /* Monochrome: at least the kind letter. */
        struct tui_cell *cell = tui_canvas_at(c, lo->plot.x + c0, y);
        if (cell)
            cell->ch = (unsigned char)label[0];
    }
}

static void op_label(const struct tui_app *app, const struct ps_op *op, char *buf, size_t size)
{
    const char *k = ps_op_kind_str((enum ps_op_kind)op->kind);
    if (op->kind == PS_OP_AG || op->kind == PS_OP_RS) {
        snprintf(buf, size, "%s", k);
        return;
    }
    if (app->color)
        snprintf(buf, size, "%d", (int)op->microbatch);
    else
        snprintf(buf, size, "%s%d", k, (int)op->microbatch);
}

static void render_device_row(const struct tui_app *app, const struct tui_layout *lo,
                              struct tui_canvas *c, int y, int ri, int st, int sub)
{
    /* A tall bar: a half-block top row, the labelled row, then plain rows. */
    int label_sub = lo->dev_h > 1 ? 1 : 0;
    uint8_t half = lo->dev_h > 1 && sub == 0 ? TUI_F_HALF : 0;
    bool labelled = sub == label_sub;
    const struct tui_result *r = &app->res[ri];
    const struct ps_schedule *s = r->sched;
    const struct ps_scenario *sc = &app->sc;
    int dc = ps_scenario_dc_of(sc, st);
    bool first = ps_scenario_dc_first_stage(sc, dc) == st;
    char lab[64];
    int name_w = lo->label_w - 1 - digits(sc->n_stages - 1) - 1;
    snprintf(lab, sizeof(lab), "%-*.*s %*d", name_w, name_w, first ? sc->dcs[dc].name : "",
             digits(sc->n_stages - 1), st);
    bool cur_row = ri == app->shown && app->cursor_on && app->cur_stage == st;
    if (labelled) {
        tui_canvas_text(c, lo->gantt.x + 1, y, lo->label_w - 1, cur_row ? TUI_S_BOLD : TUI_S_DIM,
                        lab);
        if (first)
            tui_canvas_text(c, lo->gantt.x + 1, y, name_w, TUI_S_TITLE, sc->dcs[dc].name);
    }
    tui_canvas_glyph(c, lo->plot.x - 1, y, TUI_G_VLINE, TUI_S_BORDER);
    if (s == NULL || !s->timed || st >= s->n_stages)
        return;
    char label[24];
    bool crit = app->show_crit && r->crit;
    /* The data-parallel lane first; compute ops are drawn over it where both run. */
    for (size_t i = 0; s->dp_ops && i < s->dp_n[st]; i++) {
        const struct ps_op *op = &s->dp_ops[st][i];
        paint_bar(app, lo, c, y, op->start_ns, op->end_ns, op_style((enum ps_op_kind)op->kind),
                  (uint8_t)((crit ? TUI_F_FADED : 0) | half));
    }
    int64_t t_end = app->view_t0 + app->view_ns_per_col * lo->plot.w;
    for (size_t i = 0; i < s->dev_n[st]; i++) {
        const struct ps_op *op = &s->dev_ops[st][i];
        if (op->end_ns <= app->view_t0)
            continue;
        if (op->start_ns >= t_end)
            break;
        uint8_t flags = (op->microbatch & 1) ? TUI_F_ALT : 0;
        if (crit)
            flags |= r->crit[st][i] ? TUI_F_CRIT : TUI_F_FADED;
        enum tui_style sty = op_style((enum ps_op_kind)op->kind);
        if (ri == app->shown && app->cursor_on && app->cur_stage == st && app->cur_index == i)
            sty = TUI_S_CURSOR;
        paint_bar(app, lo, c, y, op->start_ns, op->end_ns, sty, (uint8_t)(flags | half));
    }
    if (!labelled)
        return;
    int64_t last_end = -2;
    for (size_t i = 0; s->dp_ops && i < s->dp_n[st]; i++) {
        const struct ps_op *op = &s->dp_ops[st][i];
        op_label(app, op, label, sizeof(label));
        paint_label(app, lo, c, y, op->start_ns, op->end_ns, label, &last_end);
    }
    last_end = -2;
    for (size_t i = 0; i < s->dev_n[st]; i++) {
        const struct ps_op *op = &s->dev_ops[st][i];
        if (op->start_ns >= t_end)
            break;
        /* Parts of one op that follow each other read as one bar: one label for the run. */
        bool cont = op->part > 0 && i > 0 && s->dev_ops[st][i - 1].end_ns == op->start_ns &&
                    s->dev_ops[st][i - 1].microbatch == op->microbatch &&
                    s->dev_ops[st][i - 1].kind == op->kind;
        if (cont)
            continue;
        int64_t run_end = op->end_ns;
        for (size_t j = i + 1; j < s->dev_n[st]; j++) {
            const struct ps_op *nx = &s->dev_ops[st][j];
            if (nx->part == 0 || nx->start_ns != run_end || nx->microbatch != op->microbatch ||
                nx->kind != op->kind)
                break;
            run_end = nx->end_ns;
        }
        op_label(app, op, label, sizeof(label));
        paint_label(app, lo, c, y, op->start_ns, run_end, label, &last_end);
    }
}

static void render_channel_row(const struct tui_app *app, const struct tui_layout *lo,
                               struct tui_canvas *c, int y, int ri, int ch)
{
    const struct ps_schedule *s = app->res[ri].sched;
    const struct ps_channel *chan = &s->channels[ch];
    char lab[160];
    const char *from = app->sc.dcs[chan->from_dc].name, *to = app->sc.dcs[chan->to_dc].name;
    int lw = lo->label_w - 1;
    /* "e>w" style when the names do not fit whole. */
    if ((int)(strlen(from) + strlen(to)) + 1 <= lw)
        snprintf(lab, sizeof(lab), "%s>%s", from, to);
    else
        snprintf(lab, sizeof(lab), "%.*s>%.*s", (lw - 1) / 2, from, (lw - 1) / 2, to);
    int x = lo->gantt.x + 1;
    tui_canvas_text(c, x, y, lw, TUI_S_DIM, lab);
    tui_canvas_glyph(c, lo->plot.x - 1, y, TUI_G_VLINE, TUI_S_BORDER);
    /* The link's idle time is a faint line, so the row reads as a wire. */
    for (int i = 0; i < lo->plot.w; i++)
        tui_canvas_glyph(c, lo->plot.x + i, y, TUI_G_MIDDOT, TUI_S_DIM);
    char label[24];
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *t = &s->transfers[i];
        if (t->channel != ch || t->end_ns <= t->start_ns)
            continue;
        paint_bar(app, lo, c, y, t->start_ns, t->end_ns,
                  t->kind == PS_XFER_ACTIVATION ? TUI_S_XFER_ACT : TUI_S_XFER_GRAD,
                  (t->microbatch & 1) ? TUI_F_ALT : 0);
    }
    int64_t last_end = -2;
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *t = &s->transfers[i];
        if (t->channel != ch || t->end_ns <= t->start_ns)
            continue;
        if (app->color)
            snprintf(label, sizeof(label), "%d", (int)t->microbatch);
        else
            snprintf(label, sizeof(label), "%c%d", t->kind == PS_XFER_ACTIVATION ? '>' : '<',
                     (int)t->microbatch);
        paint_label(app, lo, c, y, t->start_ns, t->end_ns, label, &last_end);
    }
}

static void render_title_row(const struct tui_app *app, const struct tui_layout *lo,
                             struct tui_canvas *c, int y, int ri)
{
    const struct tui_result *r = &app->res[ri];
    char ms[32] = "-";
    if (r->sched && r->sched->timed)
        fmt_ms(ms, sizeof(ms), r->sched->makespan_ns);
    int x = lo->gantt.x + 1;
    tui_canvas_hline(c, x, y, lo->gantt.w - 2, TUI_G_HLINE, TUI_S_DIM);
    char t[600];
    if (r->sched && r->sched->timed)
        snprintf(t, sizeof(t), " %s  %s  %s ms ", ri == app->shown ? "A" : "B", r->sv->name, ms);
    else
        snprintf(t, sizeof(t), " %s  %s: %s ", ri == app->shown ? "A" : "B", r->sv->name,
                 r->pending    ? "updating..."
                 : r->error[0] ? r->error
                               : "no schedule yet (r solves it)");
    tui_canvas_text(c, x + 1, y, lo->gantt.w - 4,
                    ri == app->shown ? TUI_S_TITLE_FOCUS : TUI_S_TITLE, t);
}

/* A round tick step (1, 2, 5 x 10^k ns) so that labels are at least min_cols apart. */
static int64_t tick_step(int64_t ns_per_col, int min_cols)
{
    int64_t want = ns_per_col * min_cols;
    int64_t step = 1000; /* 1 us */
    for (;;) {
        for (int m = 0; m < 3; m++) {
            int64_t s = step * (m == 0 ? 1 : m == 1 ? 2 : 5);
            if (s >= want)
                return s;
        }
        step *= 10;
    }
}

static void render_axis(const struct tui_app *app, const struct tui_layout *lo,
                        struct tui_canvas *c, int y)
{
    tui_canvas_text(c, lo->gantt.x + 1, y, lo->label_w - 1, TUI_S_DIM, "ms");
    tui_canvas_glyph(c, lo->plot.x - 1, y, TUI_G_BL, TUI_S_BORDER);
    tui_canvas_hline(c, lo->plot.x, y, lo->plot.w, TUI_G_HLINE, TUI_S_BORDER);
    int64_t npc = app->view_ns_per_col > 0 ? app->view_ns_per_col : 1;
    int64_t step = tick_step(npc, 10);
    int64_t t = (app->view_t0 + step - 1) / step * step;
    int last_end = -1;
    /* The makespan mark: a label it would cut is left out. */
    const struct ps_schedule *sm = tui_shown(app);
    int mark = -1;
    if (sm && sm->timed && sm->makespan_ns > app->view_t0)
        mark = (int)((sm->makespan_ns - app->view_t0 - 1) / npc);
    for (; t < app->view_t0 + npc * lo->plot.w; t += step) {
        int col = (int)((t - app->view_t0) / npc);
        char lab[32];
        tui_fmt_ms(lab, sizeof(lab), ps_ns_to_ms(t));
        int len = (int)strlen(lab);
        if (col <= last_end || col + 1 + len > lo->plot.w)
            continue;
        if (mark >= 0 && mark >= col && mark <= col + len)
            continue;
        tui_canvas_glyph(c, lo->plot.x + col, y, TUI_G_TICK, TUI_S_BORDER);
        tui_canvas_text(c, lo->plot.x + col + 1, y, len, TUI_S_DIM, lab);
        last_end = col + len + 1;
    }
    /* The makespan of the shown schedule, marked on the axis. */
    const struct ps_schedule *s = tui_shown(app);
    if (s && s->timed && s->makespan_ns > app->view_t0) {
        int64_t col = (s->makespan_ns - app->view_t0 - 1) / npc;
        if (col < lo->plot.w)
            tui_canvas_glyph(c, lo->plot.x + (int)col, y, TUI_G_ARROW_UP, TUI_S_WARN);
    }
}

static void render_gantt(const struct tui_app *app, const struct tui_layout *lo,
                         const struct tui_worker_state *ws, struct tui_canvas *c)
{
    const struct tui_rect *g = &lo->gantt;
    bool focus = app->focus == TUI_FOCUS_GANTT;
    char title[160], a[32], b[32];
    tui_fmt_ms(a, sizeof(a), ps_ns_to_ms(app->view_t0));
    tui_fmt_ms(b, sizeof(b), ps_ns_to_ms(app->view_t0 + app->view_ns_per_col * lo->plot.w));
    const struct tui_result *r = &app->res[app->shown];
    if (app->split_b >= 0)
        snprintf(title, sizeof(title), "Timeline A/B %s | %s  %s-%s ms%s", r->sv->name,
                 app->res[app->split_b].sv->name, a, b, app->fit ? "" : " (zoomed)");
    else if (tui_shown(app) == NULL || !tui_shown(app)->timed)
        snprintf(title, sizeof(title), "Timeline %s", r->sv->name); /* no time range yet */
    else
        snprintf(title, sizeof(title), "Timeline %s  %s-%s ms%s", r->sv->name, a, b,
                 app->fit ? "" : " (zoomed)");
    tui_canvas_box(c, g->x, g->y, g->w, g->h, focus ? TUI_S_BORDER_FOCUS : TUI_S_BORDER, title,
                   focus ? TUI_S_TITLE_FOCUS : TUI_S_TITLE);
    /* A legend in the bottom border. */
    static const struct {
        const char *name;
        enum tui_style st;
    } legend[] = {{"F", TUI_S_OP_F},        {"B", TUI_S_OP_B},   {"W", TUI_S_OP_W},
                  {"AG", TUI_S_OP_AG},      {"RS", TUI_S_OP_RS}, {"act", TUI_S_XFER_ACT},
                  {"grad", TUI_S_XFER_GRAD}};
    if (app->color) {
        int lx = g->x + g->w - 2;
        for (int i = (int)(sizeof(legend) / sizeof(legend[0])) - 1; i >= 0; i--) {
            int len = (int)strlen(legend[i].name);
            lx -= len + 3;
            if (lx < g->x + 2)
                break;
            tui_canvas_put(c, lx, g->y + g->h - 1, ' ', TUI_S_BORDER);
            tui_canvas_put(c, lx + 1, g->y + g->h - 1, ' ', legend[i].st);
            tui_canvas_text(c, lx + 2, g->y + g->h - 1, len, legend[i].st, legend[i].name);
            tui_canvas_put(c, lx + 2 + len, g->y + g->h - 1, ' ', legend[i].st);
        }
    }
    static struct tui_grow rows[MAX_GROWS];
    int n = tui_gantt_rows(app, rows, MAX_GROWS);
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL || !s->timed || s->solver.status == PS_SOLVE_INFEASIBLE) {
        /* Nothing to draw for A: say why in the middle. */
        char msg[480];
        if (s && s->solver.status == PS_SOLVE_INFEASIBLE)
            snprintf(msg, sizeof(msg), "%s: infeasible: %s", r->sv->name, s->solver.error);
        else if (r->pending)
            snprintf(msg, sizeof(msg), "updating %s...", r->sv->name);
        else if (ws->running && ws->sv == r->sv)
            snprintf(msg, sizeof(msg), "%s is solving in the background (%.1f s); Esc cancels",
                     r->sv->name, ws->elapsed_ms / 1000);
        else if (r->error[0])
            snprintf(msg, sizeof(msg), "%s: %s", r->sv->name, r->error);
        else if (r->sv->slow)
            snprintf(msg, sizeof(msg), "%s runs on demand: press r (Esc cancels)", r->sv->name);
        else
            snprintf(msg, sizeof(msg), "%s: no schedule", r->sv->name);
        bool bad = r->error[0] || (s && s->solver.status == PS_SOLVE_INFEASIBLE);
        /* Centred, wrapped at spaces over up to four lines. */
        int width = g->w - 6;
        const char *p = msg;
        int line = 0;
        while (*p && line < 4 && width > 10) {
            int len = (int)strlen(p);
            int take = len;
            if (len > width) {
                take = width;
                while (take > width / 2 && p[take] != ' ')
                    take--;
            }
            char part[480];
            snprintf(part, sizeof(part), "%.*s", take, p);
            int x = g->x + (g->w - take) / 2;
            tui_canvas_text(c, x, g->y + g->h / 2 - 1 + line, width, bad ? TUI_S_ERR : TUI_S_WARN,
                            part);
            p += take;
            while (*p == ' ')
                p++;
            line++;
        }
        if (app->split_b < 0)
            return;
    }
    for (int i = 0; i < lo->plot.h; i++) {
        int k = app->gantt_scroll + i;
        if (k >= n)
            break;
        int y = lo->plot.y + i;
        const struct tui_grow *gr = &rows[k];
        const struct ps_schedule *rs = app->res[gr->sched].sched;
        switch (gr->kind) {
        case TUI_GROW_TITLE:
            render_title_row(app, lo, c, y, gr->sched);
            break;
        case TUI_GROW_DEVICE:
            if (rs == NULL && gr->sched != app->shown)
                break;
            render_device_row(app, lo, c, y, gr->sched, gr->index, gr->sub);
            break;
        case TUI_GROW_CHANNEL:
            if (rs)
                render_channel_row(app, lo, c, y, gr->sched, gr->index);
            break;
        case TUI_GROW_SEP:
            tui_canvas_hline(c, g->x + 1, y, lo->label_w - 1, TUI_G_HLINE_HEAVY, TUI_S_DIM);
            tui_canvas_glyph(c, lo->plot.x - 1, y, TUI_G_CROSS, TUI_S_BORDER);
            tui_canvas_hline(c, lo->plot.x, y, lo->plot.w, TUI_G_HLINE, TUI_S_DIM);
            break;
        }
    }
    if (app->gantt_scroll > 0)
        tui_canvas_glyph(c, g->x + g->w - 1, lo->plot.y, TUI_G_ARROW_UP, TUI_S_TITLE);
    if (app->gantt_scroll + lo->plot.h < n)
        tui_canvas_glyph(c, g->x + g->w - 1, lo->plot.y + lo->plot.h - 1, TUI_G_ARROW_DOWN,
                         TUI_S_TITLE);
    render_axis(app, lo, c, lo->plot.y + lo->plot.h);
}

/* ---- the comparison table ------------------------------------------------------------------ */

struct col {
    const char *head;
    int w;
    bool right;
};

static void render_table(const struct tui_app *app, const struct tui_layout *lo,
                         const struct tui_worker_state *ws, struct tui_canvas *c)
{
    const struct tui_rect *t = &lo->table;
    bool focus = app->focus == TUI_FOCUS_TABLE;
    const struct ps_schedule *any = NULL;
    int64_t best = INT64_MAX;
    for (size_t i = 0; i < app->n_res; i++) {
        const struct ps_schedule *s = app->res[i].sched;
        if (s && s->timed && s->solver.status != PS_SOLVE_INFEASIBLE) {
            any = s;
            if (s->makespan_ns < best)
                best = s->makespan_ns;
        }
    }
    char title[96];
    if (any && any->lower_bound_ns > 0) {
        char lb[32];
        fmt_ms(lb, sizeof(lb), any->lower_bound_ns);
        snprintf(title, sizeof(title), "Schedules (lower bound %s ms)", lb);
    } else
        snprintf(title, sizeof(title), "Schedules");
    tui_canvas_box(c, t->x, t->y, t->w, t->h, focus ? TUI_S_BORDER_FOCUS : TUI_S_BORDER, title,
                   focus ? TUI_S_TITLE_FOCUS : TUI_S_TITLE);
    /* Columns in order of importance; the ones that do not fit are left out. */
    struct col cols[] = {{"#", 3, false},      {"schedule", 12, false}, {"makespan", 10, true},
                         {"xLB", 6, true},     {"bubble", 7, true},     {"memory", 10, true},
                         {"status", 11, false}};
    enum { C_NUM, C_NAME, C_MS, C_LB, C_BUB, C_MEM, C_ST, C_N };
    /* The makespan and memory columns are as wide as their widest value. */
    for (size_t i = 0; i < app->n_res; i++) {
        const struct ps_schedule *s = app->res[i].sched;
        if (s == NULL || !s->timed)
            continue;
        char v[48];
        fmt_makespan(v, sizeof(v), s->makespan_ns);
        if ((int)strlen(v) + 2 > cols[C_MS].w)
            cols[C_MS].w = (int)strlen(v) + 2;
        fmt_mem_cell(app, s, v, sizeof(v));
        if ((int)strlen(v) + 2 > cols[C_MEM].w)
            cols[C_MEM].w = (int)strlen(v) + 2;
    }
    int inner = t->w - 2;
    bool on[C_N];
    int used = 0;
    /* Columns by importance when they do not all fit: memory (over the limit or not)
     * before the ratios. */
    static const int order[C_N] = {C_NUM, C_NAME, C_MS, C_MEM, C_BUB, C_LB, C_ST};
    for (int k = 0; k < C_N; k++) {
        int i = order[k];
        on[i] = used + cols[i].w <= inner;
        if (on[i])
            used += cols[i].w;
    }
    /* Spare room goes to the name column. */
    if (used < inner)
        cols[C_NAME].w += (inner - used) > 12 ? 12 : inner - used;
    int x0 = t->x + 1, y = t->y + 1;
    int x = x0;
    for (int i = 0; i < C_N; i++) {
        if (!on[i])
            continue;
        int len = (int)strlen(cols[i].head);
        int cx = cols[i].right ? x + cols[i].w - 1 - len : x + 1;
        tui_canvas_text(c, cx, y, len, TUI_S_BOLD, cols[i].head);
        x += cols[i].w;
    }
    int vis = t->h - 3;
    for (int row = 0; row < vis; row++) {
        int i = app->table_scroll + row;
        if (i >= (int)app->n_res)
            break;
        const struct tui_result *r = &app->res[i];
        const struct ps_schedule *s = r->sched;
        bool ok = s && s->timed && s->solver.status != PS_SOLVE_INFEASIBLE;
        int yy = y + 1 + row;
        bool sel = i == app->table_sel;
        enum tui_style base = sel && focus ? TUI_S_SEL : sel ? TUI_S_SEL_DIM : TUI_S_NORMAL;
        if (sel)
            tui_canvas_fill(c, x0, yy, inner, 1, base);
        char cell[C_N][48];
        snprintf(cell[C_NUM], 48, "%s%d",
                 i == app->shown     ? ">"
                 : i == app->split_b ? "B"
                                     : " ",
                 i + 1);
        snprintf(cell[C_NAME], 48, "%s", r->sv->name);
        if (ok) {
            fmt_makespan(cell[C_MS], 48, s->makespan_ns);
            snprintf(cell[C_LB], 48, "%.2f",
                     s->lower_bound_ns > 0 ? (double)s->makespan_ns / (double)s->lower_bound_ns
                                           : 0.0);
            snprintf(cell[C_BUB], 48, "%.1f%%", s->bubble_ratio * 100);
            fmt_mem_cell(app, s, cell[C_MEM], 48);
        } else {
            for (int k = C_MS; k <= C_MEM; k++)
                snprintf(cell[k], 48, "-");
        }
        snprintf(cell[C_ST], 48, "%s", result_status(app, i, ws));
        x = x0;
        for (int k = 0; k < C_N; k++) {
            if (!on[k])
                continue;
            enum tui_style st = base;
            if (!sel) {
                if (k == C_MS && ok && s->makespan_ns == best)
                    st = TUI_S_OK;
                else if (k == C_MEM && ok && !s->memory_ok)
                    st = TUI_S_ERR;
                else if (k == C_ST &&
                         (r->error[0] || (s && s->solver.status == PS_SOLVE_INFEASIBLE)))
                    st = TUI_S_ERR;
                else if (k == C_ST && !s)
                    st = TUI_S_DIM;
                else if (k == C_NUM && i == app->shown)
                    st = TUI_S_TITLE_FOCUS;
            }
            int len = (int)strlen(cell[k]);
            if (len > cols[k].w - 1)
                len = cols[k].w - 1;
            int cx = cols[k].right ? x + cols[k].w - 1 - len : x + 1;
            tui_canvas_text(c, cx, yy, cols[k].w - 1, st, cell[k]);
            x += cols[k].w;
        }
    }
    if (app->table_scroll > 0)
        tui_canvas_glyph(c, t->x + t->w - 1, y + 1, TUI_G_ARROW_UP, TUI_S_TITLE);
    if (app->table_scroll + vis < (int)app->n_res)
        tui_canvas_glyph(c, t->x + t->w - 1, t->y + t->h - 2, TUI_G_ARROW_DOWN, TUI_S_TITLE);
}

/* ---- the memory pane ------------------------------------------------------------------ */

/* Peak activation memory per device of the shown schedule, as bars against the limit. */
static void render_memory(const struct tui_app *app, const struct tui_layout *lo,
                          struct tui_canvas *c)
{
    const struct tui_rect *m = &lo->mem;
    if (m->w < 20 || m->h < 4)
        return;
    const struct ps_schedule *s = tui_shown(app);
    const struct ps_scenario *sc = &app->sc;
    char title[128];
    if (sc->has_memory_limit)
        snprintf(title, sizeof(title), "Peak memory (limit %.4g units)", sc->memory_limit);
    else
        snprintf(title, sizeof(title), "Peak memory (no limit)");
    tui_canvas_box(c, m->x, m->y, m->w, m->h, TUI_S_BORDER, title, TUI_S_TITLE);
    if (s == NULL || !s->timed || s->peak_memory == NULL) {
        tui_canvas_text(c, m->x + 2, m->y + 1, m->w - 4, TUI_S_DIM, "no schedule");
        return;
    }
    int vis = m->h - 2;
    int n = s->n_stages;
    int per = (n + vis - 1) / vis; /* devices per row when they do not all fit */
    double top = sc->has_memory_limit ? sc->memory_limit : 0;
    for (int st = 0; st < n; st++)
        if (s->peak_memory[st] > top)
            top = s->peak_memory[st];
    if (top <= 0)
        top = 1;
    int lw = lo->label_w - 1;
    int vw = 10; /* "12.5/8" */
    int bw = m->w - 2 - lw - 1 - vw - 1;
    if (bw < 4)
        return;
    for (int row = 0; row * per < n && row < vis; row++) {
        int first = row * per, last = first + per - 1 < n - 1 ? first + per - 1 : n - 1;
        double peak = 0;
        for (int st = first; st <= last; st++)
            if (s->peak_memory[st] > peak)
                peak = s->peak_memory[st];
        int y = m->y + 1 + row;
        char lab[64];
        int dc = ps_scenario_dc_of(sc, first);
        bool dc_first = ps_scenario_dc_first_stage(sc, dc) >= first &&
                        ps_scenario_dc_first_stage(sc, dc) <= last;
        int dw = digits(n - 1);
        if (per == 1) {
            char num[16];
            snprintf(num, sizeof(num), "%d", first);
            int nw = lw - dw - 1 > 0 ? lw - dw - 1 : 0;
            snprintf(lab, sizeof(lab), "%-*.*s %*s", nw, nw, dc_first ? sc->dcs[dc].name : "",
                     dw > 8 ? 8 : dw, num);
        } else
            snprintf(lab, sizeof(lab), "%d-%d", first, last);
        tui_canvas_text(c, m->x + 1, y, lw, dc_first ? TUI_S_TITLE : TUI_S_DIM, lab);
        if (per == 1 && dc_first)
            tui_canvas_text(c, m->x + 1 + (int)strlen(sc->dcs[dc].name) + 1, y,
                            lw - (int)strlen(sc->dcs[dc].name) - 1, TUI_S_DIM,
                            lab + strlen(sc->dcs[dc].name) + 1);
        bool over = sc->has_memory_limit && peak > sc->memory_limit + 1e-9;
        int x0 = m->x + 1 + lw + 1;
        int filled = (int)(peak / top * bw + 0.5);
        int limit_col = sc->has_memory_limit ? (int)(sc->memory_limit / top * bw + 0.5) : -1;
        for (int i = 0; i < bw; i++) {
            if (i < filled)
                tui_canvas_glyph(c, x0 + i, y, TUI_G_FULL,
                                 over && i >= limit_col ? TUI_S_ERR : TUI_S_OK);
            else
                tui_canvas_glyph(c, x0 + i, y, TUI_G_SHADE_LIGHT, TUI_S_DIM);
        }
        if (limit_col > 0 && limit_col < bw && limit_col >= filled)
            tui_canvas_glyph(c, x0 + limit_col, y, TUI_G_VLINE, TUI_S_WARN);
        char val[80], pa[32], pb[32];
        fmt_units(pa, sizeof(pa), peak);
        fmt_units(pb, sizeof(pb), sc->memory_limit);
        if (sc->has_memory_limit)
            snprintf(val, sizeof(val), "%s/%s", pa, pb);
        else
            snprintf(val, sizeof(val), "%s", pa);
        int len = (int)strlen(val);
        tui_canvas_text(c, m->x + m->w - 1 - len - 1, y, len, over ? TUI_S_ERR : TUI_S_NORMAL, val);
    }
}

/* ---- detail and status lines ------------------------------------------------------------- */

/* What the selected panel row edits and how it steps. */
static void field_detail(const struct tui_app *app, const struct tui_field *f, char *buf,
                         size_t size)
{
    const char *step = "+/- steps by x1.2-x2";
    char path[160];
    snprintf(path, sizeof(path), "%s", f->path);
    switch (f->kind) {
    case TUI_FK_DCS:
        snprintf(path, sizeof(path), "datacenters (count; a new DC copies the last one)");
        step = "+/- adds or removes the last DC";
        break;
    case TUI_FK_DC_STAGES:
        snprintf(path, sizeof(path), "datacenters.%d.stages", f->index);
        step = "+/- by 1 (S follows)";
        break;
    case TUI_FK_STAGES:
        snprintf(path, sizeof(path), "stages (S, spread evenly over the DCs)");
        step = "+/- by 1";
        break;
    case TUI_FK_MICROBATCHES:
        snprintf(path, sizeof(path), "microbatches");
        step = "+/- by 1";
        break;
    case TUI_FK_INTRA_LAT:
    case TUI_FK_INTER_LAT:
    case TUI_FK_PAIR_LAT:
    case TUI_FK_ACT_MB:
        step = "+/- steps 1-2-5";
        break;
    case TUI_FK_INTRA_BW:
    case TUI_FK_INTER_BW:
    case TUI_FK_PAIR_BW:
        step = "+/- steps 1-2-5, above 1000 is unlimited (0)";
        break;
    case TUI_FK_MEM_LIMIT:
        step = "+/- by 1 unit; type none for no limit";
        break;
    case TUI_FK_MEM_MULT:
        snprintf(path, sizeof(path), "memory.limit as a multiple of the 1F1B budget (%g units)",
                 ps_scenario_1f1b_budget(&app->sc));
        step = "+/- by 0.25x";
        break;
    case TUI_FK_WSHARE:
        step = "+/- by 0.05";
        break;
    case TUI_FK_PARAM: {
        const struct ps_solver *sv = app->res[app->shown].sv;
        const struct ps_param_def *pd = &sv->params[f->index];
        snprintf(path, sizeof(path), "param.%s: %s", pd->key, pd->help ? pd->help : "");
        step = pd->type == PS_PARAM_INT || pd->type == PS_PARAM_FLOAT     ? "+/- steps"
               : pd->type == PS_PARAM_LIST || pd->type == PS_PARAM_STRING ? "Enter types it"
                                                                          : "+/- cycles";
        break;
    }
    default:
        break;
    }
    if (f->kind == TUI_FK_PAIR_LAT || f->kind == TUI_FK_PAIR_BW)
        snprintf(path, sizeof(path), "network.pairs %.20s->%.20s %s%s", app->sc.dcs[f->index].name,
                 app->sc.dcs[f->index2].name,
                 f->kind == TUI_FK_PAIR_LAT ? "latency_ms" : "bandwidth_gbps",
                 strchr(f->value, '*') ? " (* = inherited from inter_dc)" : "");
    snprintf(buf, size, "%s = %s  |  %s, Enter types a value", path, f->value, step);
}

/* Rounds every decimal number of a sentence to the screen's format (686.500952 -> 686.5). */
static void round_numbers(char *text, size_t size)
{
    char out[640];
    size_t o = 0;
    const char *p = text;
    while (*p && o + 1 < sizeof(out)) {
        bool starts = isdigit((unsigned char)*p) && (p == text || !isalnum((unsigned char)p[-1]));
        if (starts) {
            const char *q = p;
            while (isdigit((unsigned char)*q))
                q++;
            if (*q == '.' && isdigit((unsigned char)q[1])) {
                char *end;
                double v = strtod(p, &end);
                char num[32];
                tui_fmt_ms(num, sizeof(num), v);
                int k = snprintf(out + o, sizeof(out) - o, "%s", num);
                if (k < 0 || (size_t)k >= sizeof(out) - o)
                    break;
                o += (size_t)k;
                p = end;
                continue;
            }
            while (p < q && o + 1 < sizeof(out))
                out[o++] = *p++;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    memcpy(text, out, o + 1 < size ? o + 1 : size);
    text[size - 1] = '\0';
}

static void render_detail(const struct tui_app *app, const struct tui_layout *lo,
                          struct tui_canvas *c)
{
    int y = lo->detail.y;
    if (app->focus == TUI_FOCUS_PANEL) {
        int n;
        struct tui_field *fields = tui_fields_new(app, &n);
        if (fields && app->field_sel >= 0 && app->field_sel < n &&
            fields[app->field_sel].kind != TUI_FK_SECTION) {
            char buf[512];
            field_detail(app, &fields[app->field_sel], buf, sizeof(buf));
            free(fields);
            int x = tui_canvas_text(c, 0, y, 2, TUI_S_KEY, " >");
            tui_canvas_text(c, x, y, lo->detail.w - x, TUI_S_NORMAL, buf);
            return;
        }
        free(fields);
    }
    const struct ps_schedule *s = tui_shown(app);
    const struct tui_result *r = &app->res[app->shown];
    char buf[640];
    if (s && s->timed && app->cursor_on && app->cur_stage < s->n_stages &&
        app->cur_index < s->dev_n[app->cur_stage]) {
        const struct ps_op *op = &s->dev_ops[app->cur_stage][app->cur_index];
        char a[32], b[32], d[32], why[400];
        fmt_ms(a, sizeof(a), op->start_ns);
        fmt_ms(b, sizeof(b), op->end_ns);
        fmt_ms(d, sizeof(d), op->end_ns - op->start_ns);
        ps_sim_explain(s, app->cur_stage, app->cur_index, why, sizeof(why));
        round_numbers(why, sizeof(why));
        char part[32] = "";
        if (op->parts > 1)
            snprintf(part, sizeof(part), " part %d/%d", op->part + 1, op->parts);
        bool on_crit = app->show_crit && r->crit && r->crit[app->cur_stage][app->cur_index];
        snprintf(buf, sizeof(buf), "%s%d s%d/c%d%s %s-%s ms (%s ms)%s | %s",
                 ps_op_kind_str((enum ps_op_kind)op->kind), (int)op->microbatch, app->cur_stage,
                 op->chunk, part, a, b, d, on_crit ? " critical" : "", why);
        int x = tui_canvas_text(c, 0, y, 2, TUI_S_KEY, " >");
        tui_canvas_text(c, x, y, lo->detail.w - x, TUI_S_NORMAL, buf);
        return;
    }
    if (s && s->timed) {
        char params[400] = "";
        size_t used = 0;
        for (int i = 0; i < s->solver.n_params && used + 2 < sizeof(params); i++) {
            int k = snprintf(params + used, sizeof(params) - used, "%s%s=%s", i ? " " : "",
                             s->solver.params[i].key, s->solver.params[i].value);
            if (k < 0)
                break;
            used += (size_t)k;
        }
        snprintf(buf, sizeof(buf), " %s: %s  [V=%d %s, %s backward%s%s]", r->sv->name,
                 r->sv->summary, s->chunks, ps_traversal_str(s->traversal),
                 s->split_backward ? "split" : "combined", used ? "; " : "", params);
        tui_canvas_text(c, 0, y, lo->detail.w, TUI_S_DIM, buf);
        return;
    }
    snprintf(buf, sizeof(buf), " %s: %s", r->sv->name, r->sv->summary);
    tui_canvas_text(c, 0, y, lo->detail.w, TUI_S_DIM, buf);
}

/* "jk field  hl/+- step": each key in the key colour, its words dimmed. */
static void render_hint(struct tui_canvas *c, int x, int y, int max_w, const char *hint)
{
    int end = x + max_w;
    bool key = true;
    for (const char *p = hint; *p && x < end; p++) {
        if (p[0] == ' ' && p[1] == ' ')
            key = true; /* the next pair starts */
        else if (*p == ' ')
            key = false;
        tui_canvas_put(c, x++, y, (unsigned char)*p, key && *p != ' ' ? TUI_S_KEY : TUI_S_STATUS);
    }
}

static void render_status(const struct tui_app *app, const struct tui_layout *lo,
                          struct tui_canvas *c)
{
    int y = lo->status.y, w = lo->status.w;
    tui_canvas_fill(c, 0, y, w, 1, TUI_S_STATUS);
    if (app->mode == TUI_MODE_PROMPT) {
        int x = tui_canvas_text(c, 1, y, w - 2, TUI_S_KEY, app->prompt_label);
        x += 2;
        /* Show the end of a long input. */
        const char *text = app->prompt_buf;
        int len = (int)strlen(text);
        int room = w - x - 2;
        if (room < 1)
            room = 1;
        if (len > room)
            text += len - room;
        x += tui_canvas_text(c, x, y, room, TUI_S_STATUS, text);
        tui_canvas_put(c, x, y, ' ', TUI_S_CURSOR);
        const char *hint = "Enter ok  Esc cancel";
        int hl = (int)strlen(hint);
        if (x + 2 + hl < w)
            tui_canvas_text(c, w - hl - 1, y, hl, TUI_S_DIM, hint);
        return;
    }
    static const char *const hints[TUI_FOCUS_COUNT] = {
        "jk move  +- step  Enter type  Tab pane  1-9 show  v A/B  r optimal  e export  ? help",
        "hjkl op  zZ zoom  f fit  <> scroll  x critical  c links  Tab pane  e export  ? help",
        "jk move  Enter show  v A/B  r optimal  E export  Tab pane  ? help",
    };
    int ml = (int)strlen(app->msg);
    enum tui_style ms = app->msg_level == TUI_MSG_ERR  ? TUI_S_ERR
                        : app->msg_level == TUI_MSG_OK ? TUI_S_OK
                                                       : TUI_S_STATUS;
    /* The message wins the line: the pane's hints stand beside it when they fit, else the
     * essentials, else none. */
    const char *hint = hints[app->focus];
    int hl = (int)strlen(hint);
    if (ml > 0 && ml + hl + 4 > w) {
        hint = "Tab pane  ? help  q quit";
        hl = (int)strlen(hint);
        if (ml + hl + 4 > w)
            hint = NULL;
    } else if (ml == 0 && hl > w - 2) {
        hint = "Tab pane  ? help  q quit";
        hl = (int)strlen(hint);
    }
    if (ml > 0)
        tui_canvas_text(c, 1, y, w - 2, ms, app->msg);
    if (hint)
        render_hint(c, ml == 0 ? 1 : w - hl - 1, y, ml == 0 ? w - 2 : hl, hint);
}

/* ---- overlays ------------------------------------------------------------------------------ */

static void overlay_box(struct tui_canvas *c, int w, int h, const char *title, struct tui_rect *out)
{
    if (w > c->cols - 2)
        w = c->cols - 2;
    if (h > c->rows - 2)
        h = c->rows - 2;
    int x = (c->cols - w) / 2, y = (c->rows - h) / 2;
    tui_canvas_fill(c, x, y, w, h, TUI_S_NORMAL);
    tui_canvas_box(c, x, y, w, h, TUI_S_BORDER_FOCUS, title, TUI_S_TITLE_FOCUS);
    *out = (struct tui_rect){x, y, w, h};
}

static void render_help(const struct tui_app *app, struct tui_canvas *c)
{
    char lines[80][96];
    int n = tui_help_lines(lines, 80);
    struct tui_rect r;
    int w = 78; /* as wide as the longest line, when the screen has room */
    for (int i = 0; i < n; i++)
        if ((int)strlen(lines[i]) + 4 > w)
            w = (int)strlen(lines[i]) + 4;
    overlay_box(c, w, n + 4, "Keys (Esc or ? closes)", &r);
    int vis = r.h - 4; /* less a blank line and the footer */
    int scroll = app->help_scroll;
    if (scroll > n - vis)
        scroll = n - vis > 0 ? n - vis : 0;
    for (int i = 0; i < vis && scroll + i < n; i++) {
        const char *l = lines[scroll + i];
        int y = r.y + 1 + i;
        char keys[16];
        snprintf(keys, sizeof(keys), "%.10s", l);
        tui_canvas_text(c, r.x + 2, y, 10, TUI_S_KEY, keys);
        if (strlen(l) > 11)
            tui_canvas_text(c, r.x + 13, y, r.w - 15, TUI_S_NORMAL, l + 11);
    }
    tui_canvas_text(c, r.x + 2, r.y + r.h - 2, r.w - 4, TUI_S_DIM,
                    "Mouse: a click selects a field, an op or a schedule; the wheel scrolls.");
    if (scroll + vis < n)
        tui_canvas_glyph(c, r.x + r.w - 1, r.y + r.h - 2, TUI_G_ARROW_DOWN, TUI_S_TITLE);
}

static void render_picker(const struct tui_app *app, struct tui_canvas *c)
{
    bool sched = app->picker_kind == TUI_PICK_SCHEDULE;
    int n = sched ? (int)app->n_res : (int)ps_preset_count();
    /* The name column fits the longest name (up to 28). */
    int name_w = 8;
    for (int k = 0; k < n; k++) {
        const char *nm = sched ? app->res[k].sv->name : ps_preset_at((size_t)k)->name;
        int len = (int)strlen(nm) + 4;
        if (len > name_w)
            name_w = len;
    }
    if (name_w > 28)
        name_w = 28;
    struct tui_rect r;
    overlay_box(c, 100, n + 2, sched ? "Show schedule (Enter)" : "Load preset (Enter)", &r);
    int vis = r.h - 2;
    int first = app->picker_sel >= vis ? app->picker_sel - vis + 1 : 0;
    for (int i = 0; i < vis && first + i < n; i++) {
        int k = first + i;
        int y = r.y + 1 + i;
        bool sel = k == app->picker_sel;
        enum tui_style st = sel ? TUI_S_SEL : TUI_S_NORMAL;
        if (sel)
            tui_canvas_fill(c, r.x + 1, y, r.w - 2, 1, st);
        const char *name, *summary;
        if (sched) {
            name = app->res[k].sv->name;
            summary = app->res[k].sv->summary;
        } else {
            const struct ps_preset *p = ps_preset_at((size_t)k);
            name = p->name;
            summary = p->summary;
        }
        tui_canvas_printf(c, r.x + 2, y, name_w, sel ? st : TUI_S_BOLD, "%2d %s", k + 1, name);
        tui_canvas_text(c, r.x + 3 + name_w, y, r.w - 5 - name_w, sel ? st : TUI_S_DIM, summary);
    }
}

/* ---- the frame ----------------------------------------------------------------------------- */

void tui_render(const struct tui_app *app, struct tui_canvas *c)
{
    if (c->cols != app->cols || c->rows != app->rows)
        tui_canvas_resize(c, app->cols, app->rows);
    tui_canvas_clear(c);
    struct tui_layout lo;
    tui_layout(app, &lo);
    if (lo.too_small) {
        char a[96], b[96];
        snprintf(a, sizeof(a), "pipescope needs a terminal of at least %dx%d", TUI_MIN_COLS,
                 TUI_MIN_ROWS);
        snprintf(b, sizeof(b), "this one is %dx%d; make it bigger (q quits)", app->cols, app->rows);
        int y = app->rows / 2 - 1;
        tui_canvas_text(c,
                        (app->cols - (int)strlen(a)) / 2 > 0 ? (app->cols - (int)strlen(a)) / 2 : 0,
                        y, app->cols, TUI_S_WARN, a);
        tui_canvas_text(c,
                        (app->cols - (int)strlen(b)) / 2 > 0 ? (app->cols - (int)strlen(b)) / 2 : 0,
                        y + 1, app->cols, TUI_S_NORMAL, b);
        return;
    }
    if (app->n_res == 0) {
        tui_canvas_text(c, 1, 1, app->cols - 2, TUI_S_ERR, "no schedules are registered");
        return;
    }
    struct tui_worker_state ws;
    memset(&ws, 0, sizeof(ws));
    if (app->worker)
        tui_worker_peek(app->worker, &ws);
    render_header(app, &lo, &ws, c);
    render_gantt(app, &lo, &ws, c);
    render_panel(app, &lo, c);
    render_table(app, &lo, &ws, c);
    if (lo.mem.w > 0)
        render_memory(app, &lo, c);
    render_detail(app, &lo, c);
    render_status(app, &lo, c);
    if (app->mode == TUI_MODE_HELP)
        render_help(app, c);
    else if (app->mode == TUI_MODE_PICKER)
        render_picker(app, c);
}
