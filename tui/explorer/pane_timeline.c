/* The timeline pane: the Gantt chart of the shown schedule (and B's under it in the split
 * view): devices grouped by datacenter with the inter-DC channel rows between the groups,
 * op bars labelled by microbatch, the data-parallel lane, a blocking send's hold, the op
 * cursor, the critical path, the time axis with the makespan mark and a legend; its keys (cursor,
 * zoom, scroll) and clicks. The view's state (range, cursor) is view.c's. */
#include "tui/explorer/pane.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/view.h"

static enum tui_style op_style(enum ps_op_kind k)
{
    switch (k) {
    case PS_OP_F:
        return TUI_S_OP_F;
    case PS_OP_B:
        return TUI_S_OP_B;
    case PS_OP_W:
        return TUI_S_OP_W;
    case PS_OP_R:
        return TUI_S_OP_R;
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
                                      /* R: F's colour, hatched (the palette's rule) */
                                      .glyph = half               ? TUI_G_LOWER_HALF
                                               : st == TUI_S_OP_R ? TUI_G_SHADE_LIGHT
                                                                  : TUI_G_NONE,
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
            if (cell) {
                cell->ch = (unsigned char)label[i];
                if (cell->glyph == TUI_G_SHADE_LIGHT)
                    cell->glyph = TUI_G_NONE; /* the label over R's hatching */
            }
        }
        *last_end = first + len;
    } else if (!app->color && len > 0) {
        /* Monochrome: at least the kind letter. */
        struct tui_cell *cell = tui_canvas_at(c, lo->plot.x + c0, y);
        if (cell) {
            cell->ch = (unsigned char)label[0];
            if (cell->glyph == TUI_G_SHADE_LIGHT)
                cell->glyph = TUI_G_NONE;
        }
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

/* network.arrangement=blocking: '=' through the cells where one of device st's sends holds
 * its compute lane (from the producer's end to the end of the transmission), as in the
 * ASCII chart and the figure; no op of the device runs there. */
static void draw_holds(const struct tui_app *app, const struct tui_layout *lo, struct tui_canvas *c,
                       int y, const struct ps_schedule *s, int st)
{
    int64_t npc = app->view_ns_per_col > 0 ? app->view_ns_per_col : 1;
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        if (x->from_stage != st || x->end_ns <= x->ready_ns)
            continue;
        int64_t rel0 = x->ready_ns - app->view_t0, rel1 = x->end_ns - app->view_t0;
        if (rel1 <= 0)
            continue;
        int64_t c0 = rel0 < 0 ? 0 : rel0 / npc, c1 = (rel1 - 1) / npc;
        for (int64_t col = c0; col <= c1 && col < lo->plot.w; col++)
            tui_canvas_put(c, lo->plot.x + (int)col, y, '=', TUI_S_DIM);
    }
}

static void draw_device_row(const struct tui_app *app, const struct tui_layout *lo,
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
    int name_w = lo->label_w - 1 - tui_digits(sc->n_stages - 1) - 1;
    snprintf(lab, sizeof(lab), "%-*.*s %*d", name_w, name_w, first ? sc->dcs[dc].name : "",
             tui_digits(sc->n_stages - 1), st);
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
    if (labelled && sc->arrangement == PS_ARRANGE_BLOCKING)
        draw_holds(app, lo, c, y, s, st);
    int64_t t_end = app->view_t0 + app->view_ns_per_col * lo->plot.w;
    for (size_t i = 0; i < s->dev_n[st]; i++) {
        const struct ps_op *op = &s->dev_ops[st][i];
        if (op->end_ns <= app->view_t0)
            continue;
        if (op->start_ns >= t_end)
            break;
        /* The second shade: odd chunks when there are chunks (a V or a loop shows), else odd
         * microbatches (neighbours stay apart). */
        uint8_t flags = (s->chunks > 1 ? op->chunk & 1 : op->microbatch & 1) ? TUI_F_ALT : 0;
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

static void draw_channel_row(const struct tui_app *app, const struct tui_layout *lo,
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

static void draw_axis(const struct tui_app *app, const struct tui_layout *lo, struct tui_canvas *c,
                      int y)
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

/* The legend in the bottom border (colour only: the bars speak for themselves). */
static void draw_legend(const struct tui_app *app, const struct tui_rect *g, struct tui_canvas *c)
{
    static const struct {
        const char *name;
        enum tui_style st;
    } legend[] = {{"F", TUI_S_OP_F},       {"R", TUI_S_OP_R},        {"B", TUI_S_OP_B},
                  {"W", TUI_S_OP_W},       {"AG", TUI_S_OP_AG},      {"RS", TUI_S_OP_RS},
                  {"act", TUI_S_XFER_ACT}, {"grad", TUI_S_XFER_GRAD}};
    if (!app->color)
        return;
    bool recompute = ps_scenario_has_recompute(&app->sc); /* R only when it can occur */
    int lx = g->x + g->w - 2;
    /* Chunks of a V > 1 schedule: odd chunks in the lighter shade (the V's and loops show). */
    const struct ps_schedule *s = tui_shown(app);
    if (s && s->chunks > 1) {
        static const char odd[] = "odd chunk";
        int len = (int)sizeof odd - 1;
        lx -= len + 3;
        if (lx >= g->x + 2) {
            int y = g->y + g->h - 1;
            tui_canvas_put(c, lx, y, ' ', TUI_S_BORDER);
            tui_canvas_put(c, lx + 1, y, ' ', TUI_S_OP_F);
            tui_canvas_text(c, lx + 2, y, len, TUI_S_OP_F, odd);
            tui_canvas_put(c, lx + 2 + len, y, ' ', TUI_S_OP_F);
            for (int x = lx + 1; x <= lx + 2 + len; x++)
                tui_canvas_at(c, x, y)->flags |= TUI_F_ALT;
        }
    }
    for (int i = (int)(sizeof(legend) / sizeof(legend[0])) - 1; i >= 0; i--) {
        if (legend[i].st == TUI_S_OP_R && !recompute)
            continue;
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

/* Nothing to draw for A: say why in the middle, centred and wrapped at spaces over up to
 * four lines. */
static void draw_why_empty(const struct tui_app *app, const struct tui_frame *fr,
                           struct tui_canvas *c)
{
    const struct tui_rect *g = &fr->lo.gantt;
    const struct tui_result *r = &app->res[app->shown];
    const struct ps_schedule *s = r->sched;
    const struct tui_worker_state *ws = &fr->ws;
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
}

/* The plot's rows from gantt_scroll on. */
static void draw_rows(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_layout *lo = &fr->lo;
    const struct tui_rect *g = &lo->gantt;
    for (int i = 0; i < lo->plot.h; i++) {
        int k = app->gantt_scroll + i;
        if (k >= fr->n_rows)
            break;
        int y = lo->plot.y + i;
        const struct tui_grow *gr = &fr->rows[k];
        const struct ps_schedule *rs = app->res[gr->sched].sched;
        switch (gr->kind) {
        case TUI_GROW_TITLE:
            tui_split_draw_title(app, fr, c, y, gr->sched);
            break;
        case TUI_GROW_DEVICE:
            if (rs == NULL && gr->sched != app->shown)
                break;
            draw_device_row(app, lo, c, y, gr->sched, gr->index, gr->sub);
            break;
        case TUI_GROW_CHANNEL:
            if (rs)
                draw_channel_row(app, lo, c, y, gr->sched, gr->index);
            break;
        case TUI_GROW_SEP:
            tui_canvas_hline(c, g->x + 1, y, lo->label_w - 1, TUI_G_HLINE_HEAVY, TUI_S_DIM);
            tui_canvas_glyph(c, lo->plot.x - 1, y, TUI_G_CROSS, TUI_S_BORDER);
            tui_canvas_hline(c, lo->plot.x, y, lo->plot.w, TUI_G_HLINE, TUI_S_DIM);
            break;
        }
    }
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_layout *lo = &fr->lo;
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
    draw_legend(app, g, c);
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL || !s->timed || s->solver.status == PS_SOLVE_INFEASIBLE) {
        draw_why_empty(app, fr, c);
        if (app->split_b < 0)
            return;
    }
    draw_rows(app, fr, c);
    if (app->gantt_scroll > 0)
        tui_canvas_glyph(c, g->x + g->w - 1, lo->plot.y, TUI_G_ARROW_UP, TUI_S_TITLE);
    if (app->gantt_scroll + lo->plot.h < fr->n_rows)
        tui_canvas_glyph(c, g->x + g->w - 1, lo->plot.y + lo->plot.h - 1, TUI_G_ARROW_DOWN,
                         TUI_S_TITLE);
    draw_axis(app, lo, c, lo->plot.y + lo->plot.h);
}

static void init(struct tui_app *app)
{
    app->fit = true;
    app->show_channels = true;
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    switch (cmd->action) {
    case TUI_A_UP:
    case TUI_A_DOWN:
        tui_view_cursor_move(app, cmd->action == TUI_A_UP ? -1 : 1, 0);
        return TUI_REDRAW;
    case TUI_A_PGUP:
    case TUI_A_PGDN:
        tui_view_scroll(app, cmd->action == TUI_A_PGUP ? -1 : 1);
        return TUI_REDRAW;
    case TUI_A_HOME:
    case TUI_A_END:
        tui_view_cursor_move(app, 0, cmd->action == TUI_A_HOME ? -1000000 : 1000000);
        return TUI_REDRAW;
    case TUI_A_LEFT:
    case TUI_A_RIGHT:
        tui_view_cursor_move(app, 0, cmd->action == TUI_A_LEFT ? -1 : 1);
        return TUI_REDRAW;
    case TUI_A_INC:
    case TUI_A_DEC:
        tui_view_zoom(app, cmd->action == TUI_A_INC ? 1 : -1);
        return TUI_REDRAW;
    case TUI_A_ENTER:
        tui_view_cursor_start(app);
        return TUI_REDRAW;
    default:
        return 0;
    }
}

/* A click on a bar puts the cursor on that op (in B's rows: B becomes A first); the
 * wheel scrolls time when zoomed, else the rows. */
static unsigned mouse(struct tui_app *app, const struct tui_layout *lo, const struct tui_event *ev)
{
    if (!tui_rect_has(&lo->gantt, ev->x, ev->y))
        return 0;
    int wheel = ev->button == TUI_BTN_WHEEL_UP ? -1 : ev->button == TUI_BTN_WHEEL_DOWN ? 1 : 0;
    app->focus = TUI_FOCUS_GANTT;
    if (wheel) {
        if (!app->fit)
            tui_view_scroll(app, wheel);
        else if (app->gantt_scroll + wheel * 3 >= 0)
            app->gantt_scroll += wheel * 3;
        else
            app->gantt_scroll = 0;
        return TUI_REDRAW;
    }
    if (!tui_rect_has(&lo->plot, ev->x, ev->y))
        return TUI_REDRAW;
    int n;
    struct tui_grow *rows = tui_rows_new(app, lo->dev_h, &n);
    int r = app->gantt_scroll + (ev->y - lo->plot.y);
    struct tui_grow row = {.kind = TUI_GROW_TITLE};
    if (rows && r >= 0 && r < n)
        row = rows[r];
    free(rows);
    if (row.kind != TUI_GROW_DEVICE)
        return TUI_REDRAW;
    if (row.sched != app->shown)
        tui_split_swap(app, row.sched); /* a click in B's rows shows B */
    const struct ps_schedule *s = tui_shown(app);
    int st = row.index;
    if (s == NULL || st >= s->n_stages || s->dev_n[st] == 0)
        return TUI_REDRAW;
    int64_t t = app->view_t0 + (int64_t)(ev->x - lo->plot.x) * app->view_ns_per_col +
                app->view_ns_per_col / 2;
    app->cursor_on = true;
    app->cur_stage = st;
    app->cur_index = tui_view_nearest_op(s, st, t);
    return TUI_REDRAW;
}

const struct tui_pane tui_pane_timeline = {
    .name = "chart", .init = init, .draw = draw, .key = key, .mouse = mouse};
