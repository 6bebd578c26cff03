/* The schedule table pane: every schedule of the registry side by side (makespan, ratio
 * to the lower bound, bubble, memory against the limit, status), the best (export's one
 * rule: the fastest within the memory limit) lit and starred,
 * the shown one (A) and B marked; its selection, scrolling, keys and clicks. */
#include "tui/explorer/pane.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "export/export.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/results.h"

enum { C_NUM, C_NAME, C_MS, C_LB, C_BUB, C_MEM, C_ST, C_N };

/* The table's columns: their heads, widths and alignment, and which fit. */
struct columns {
    struct {
        const char *head;
        int w;
        bool right;
    } col[C_N];
    bool on[C_N];
};

/* The table's makespan: always one decimal, so the column lines up. */
/* The screens' one rounding rule for ms (ps_fmt_ms_short): the header, the messages and
 * this column say the same number. */
static void fmt_makespan(char *buf, size_t size, int64_t ns)
{
    tui_fmt_ms(buf, size, ps_ns_to_ms(ns));
}

static void fmt_mem_cell(const struct tui_app *app, const struct ps_schedule *s, char *buf,
                         size_t size)
{
    char a[24], b[24];
    tui_fmt_units(a, sizeof(a), tui_peak_memory(s));
    if (app->sc.has_memory_limit) {
        tui_fmt_units(b, sizeof(b), app->sc.memory_limit);
        snprintf(buf, size, "%s/%s", a, b);
    } else
        snprintf(buf, size, "%s", a);
}

/* Text for a result's status: solver status, error, or "press r". */
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

/* Columns in order of importance; the ones that do not fit in inner are left out. */
static void fit_columns(const struct tui_app *app, int inner, struct columns *cs)
{
    *cs = (struct columns){.col = {{"#", 3, false},
                                   {"schedule", 12, false},
                                   {"makespan", 10, true},
                                   {"xLB", 6, true},
                                   {"bubble", 7, true},
                                   {"memory", 10, true},
                                   {"status", 11, false}}};
    /* The makespan and memory columns are as wide as their widest value. */
    for (size_t i = 0; i < app->n_res; i++) {
        const struct ps_schedule *s = app->res[i].sched;
        if (s == NULL || !s->timed)
            continue;
        char v[48];
        fmt_makespan(v, sizeof(v), s->makespan_ns);
        if ((int)strlen(v) + 2 > cs->col[C_MS].w)
            cs->col[C_MS].w = (int)strlen(v) + 2;
        fmt_mem_cell(app, s, v, sizeof(v));
        if ((int)strlen(v) + 2 > cs->col[C_MEM].w)
            cs->col[C_MEM].w = (int)strlen(v) + 2;
    }
    int used = 0;
    /* Columns by importance when they do not all fit: memory (over the limit or not)
     * before the ratios. */
    static const int order[C_N] = {C_NUM, C_NAME, C_MS, C_MEM, C_BUB, C_LB, C_ST};
    for (int k = 0; k < C_N; k++) {
        int i = order[k];
        cs->on[i] = used + cs->col[i].w <= inner;
        if (cs->on[i])
            used += cs->col[i].w;
    }
    /* Spare room goes to the name column. */
    if (used < inner)
        cs->col[C_NAME].w += (inner - used) > 12 ? 12 : inner - used;
}

/* The style of cell k of row i when the row is not selected. */
static enum tui_style cell_style(const struct tui_app *app, int i, int k, const bool *best,
                                 enum tui_style base)
{
    const struct tui_result *r = &app->res[i];
    const struct ps_schedule *s = r->sched;
    bool ok = s && s->timed && s->solver.status != PS_SOLVE_INFEASIBLE;
    if (k == C_MS && ok && best[i])
        return TUI_S_OK;
    if (k == C_MEM && ok && !s->memory_ok)
        return TUI_S_ERR;
    if (k == C_ST && (r->error[0] || (s && s->solver.status == PS_SOLVE_INFEASIBLE)))
        return TUI_S_ERR;
    if (k == C_ST && !s)
        return TUI_S_DIM;
    if (k == C_NUM && i == app->shown)
        return TUI_S_TITLE_FOCUS;
    return base;
}

/* Row i of the table at screen row y. */
static void draw_row(const struct tui_app *app, const struct tui_frame *fr,
                     const struct columns *cs, int i, int y, const bool *best, struct tui_canvas *c)
{
    const struct tui_rect *t = &fr->lo.table;
    bool focus = app->focus == TUI_FOCUS_TABLE;
    const struct tui_result *r = &app->res[i];
    const struct ps_schedule *s = r->sched;
    bool ok = s && s->timed && s->solver.status != PS_SOLVE_INFEASIBLE;
    bool sel = i == app->table_sel;
    enum tui_style base = sel && focus ? TUI_S_SEL : sel ? TUI_S_SEL_DIM : TUI_S_NORMAL;
    int x0 = t->x + 1;
    if (sel)
        tui_canvas_fill(c, x0, y, t->w - 2, 1, base);
    char cell[C_N][48];
    snprintf(cell[C_NUM], 48, "%s%d", i == app->shown ? ">" : i == app->split_b ? "B" : " ", i + 1);
    /* The best (the one rule: the fastest within the memory limit) is starred, as in
     * compare's table, so it shows without colour too. */
    snprintf(cell[C_NAME], 48, "%s%s", r->sv->name, best[i] ? " *" : "");
    if (ok) {
        fmt_makespan(cell[C_MS], 48, s->makespan_ns);
        snprintf(cell[C_LB], 48, "%.2f",
                 s->lower_bound_ns > 0 ? (double)s->makespan_ns / (double)s->lower_bound_ns : 0.0);
        snprintf(cell[C_BUB], 48, "%.1f%%", s->bubble_ratio * 100);
        fmt_mem_cell(app, s, cell[C_MEM], 48);
    } else {
        for (int k = C_MS; k <= C_MEM; k++)
            snprintf(cell[k], 48, "-");
    }
    snprintf(cell[C_ST], 48, "%s", result_status(app, i, &fr->ws));
    int x = x0;
    for (int k = 0; k < C_N; k++) {
        if (!cs->on[k])
            continue;
        enum tui_style st = sel ? base : cell_style(app, i, k, best, base);
        int w = cs->col[k].w;
        int len = (int)strlen(cell[k]);
        if (len > w - 1)
            len = w - 1;
        int cx = cs->col[k].right ? x + w - 1 - len : x + 1;
        tui_canvas_text(c, cx, y, w - 1, st, cell[k]);
        x += w;
    }
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_rect *t = &fr->lo.table;
    bool focus = app->focus == TUI_FOCUS_TABLE;
    const struct ps_schedule *any = NULL;
    const struct ps_schedule *all[TUI_MAX_SOLVERS] = {0};
    bool best[TUI_MAX_SOLVERS] = {0};
    for (size_t i = 0; i < app->n_res; i++) {
        const struct ps_schedule *s = app->res[i].sched;
        all[i] = s;
        if (s && s->timed && s->solver.status != PS_SOLVE_INFEASIBLE)
            any = s;
    }
    ps_schedule_best(all, app->n_res, best);
    char title[96];
    if (any && any->lower_bound_ns > 0) {
        char lb[32];
        tui_fmt_ms(lb, sizeof(lb), ps_ns_to_ms(any->lower_bound_ns));
        snprintf(title, sizeof(title), "Schedules (lower bound %s ms)", lb);
    } else
        snprintf(title, sizeof(title), "Schedules");
    tui_canvas_box(c, t->x, t->y, t->w, t->h, focus ? TUI_S_BORDER_FOCUS : TUI_S_BORDER, title,
                   focus ? TUI_S_TITLE_FOCUS : TUI_S_TITLE);
    struct columns cs;
    fit_columns(app, t->w - 2, &cs);
    int y = t->y + 1, x = t->x + 1;
    for (int i = 0; i < C_N; i++) {
        if (!cs.on[i])
            continue;
        int len = (int)strlen(cs.col[i].head);
        int cx = cs.col[i].right ? x + cs.col[i].w - 1 - len : x + 1;
        tui_canvas_text(c, cx, y, len, TUI_S_BOLD, cs.col[i].head);
        x += cs.col[i].w;
    }
    int vis = t->h - 3;
    for (int row = 0; row < vis && app->table_scroll + row < (int)app->n_res; row++)
        draw_row(app, fr, &cs, app->table_scroll + row, y + 1 + row, best, c);
    if (app->table_scroll > 0)
        tui_canvas_glyph(c, t->x + t->w - 1, y + 1, TUI_G_ARROW_UP, TUI_S_TITLE);
    if (app->table_scroll + vis < (int)app->n_res)
        tui_canvas_glyph(c, t->x + t->w - 1, t->y + t->h - 2, TUI_G_ARROW_DOWN, TUI_S_TITLE);
}

void tui_table_fix_scroll(struct tui_app *app)
{
    struct tui_layout lo;
    tui_layout(app, &lo);
    int vis = lo.table.h - 3; /* border, header, border */
    if (vis < 1)
        vis = 1;
    if (app->table_sel < app->table_scroll)
        app->table_scroll = app->table_sel;
    if (app->table_sel >= app->table_scroll + vis)
        app->table_scroll = app->table_sel - vis + 1;
    if (app->table_scroll > (int)app->n_res - vis)
        app->table_scroll = (int)app->n_res - vis > 0 ? (int)app->n_res - vis : 0;
}

static void init(struct tui_app *app)
{
    app->table_sel = app->shown;
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    int last = (int)app->n_res - 1;
    switch (cmd->action) {
    case TUI_A_UP:
    case TUI_A_DOWN: {
        int t = app->table_sel + (cmd->action == TUI_A_UP ? -1 : 1);
        if (t >= 0 && (size_t)t < app->n_res)
            app->table_sel = t;
        return TUI_REDRAW;
    }
    case TUI_A_PGUP:
    case TUI_A_HOME:
        app->table_sel = 0;
        return TUI_REDRAW;
    case TUI_A_PGDN:
    case TUI_A_END:
        app->table_sel = last;
        return TUI_REDRAW;
    case TUI_A_LEFT:
    case TUI_A_RIGHT: {
        int t = app->table_sel + (cmd->action == TUI_A_LEFT ? -1 : 1);
        if (t >= 0 && (size_t)t < app->n_res)
            tui_show_schedule(app, t);
        return TUI_REDRAW;
    }
    case TUI_A_INC:
    case TUI_A_DEC:
        return TUI_REDRAW; /* nothing to step in the table */
    case TUI_A_ENTER:
        tui_show_schedule(app, app->table_sel);
        return TUI_REDRAW;
    default:
        return 0;
    }
}

/* A click shows a row's schedule; the wheel moves the selection. */
static unsigned mouse(struct tui_app *app, const struct tui_layout *lo, const struct tui_event *ev)
{
    if (!tui_rect_has(&lo->table, ev->x, ev->y))
        return 0;
    int wheel = ev->button == TUI_BTN_WHEEL_UP ? -1 : ev->button == TUI_BTN_WHEEL_DOWN ? 1 : 0;
    app->focus = TUI_FOCUS_TABLE;
    if (wheel) {
        int t = app->table_sel + wheel;
        if (t >= 0 && (size_t)t < app->n_res)
            app->table_sel = t;
        return TUI_REDRAW;
    }
    int i = app->table_scroll + (ev->y - lo->table.y - 2);
    if (i >= 0 && (size_t)i < app->n_res) {
        app->table_sel = i;
        tui_show_schedule(app, i);
    }
    return TUI_REDRAW;
}

const struct tui_pane tui_pane_table = {
    .name = "schedules", .init = init, .draw = draw, .key = key, .mouse = mouse};
