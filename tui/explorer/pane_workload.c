/* The workload screen (W): the plan's settings (granularity, checkpoint policy, order,
 * slices, pipelines: +/- change one and the workload is planned again in the background),
 * what the plan gave (chunks, pipelines, iteration, the checkpoint ILP), the length
 * histogram, peak memory per stage against the HBM (the memory pane's bars), and the chunk
 * list in microbatch order (type, sequence and slice, context, tokens, times, memory, the
 * share of layers each stage replays). W or Esc go back to the pipeline screen. */
#include "tui/explorer/pane.h"

#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "tui/explorer/workload.h"

struct wl_layout {
    struct tui_rect header, plan, hist, mem, chunks, detail, status;
};

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Length buckets: powers of two from 2^lo to 2^hi. */
struct buckets {
    long count[32], tokens[32], total;
    int lo, hi, longest;
};

static void bucket(const struct ps_workload *w, struct buckets *b)
{
    memset(b, 0, sizeof *b);
    b->lo = 31;
    for (int i = 0; i < w->n_seqs; i++) {
        int k = 0;
        while (k < 31 && (1L << (k + 1)) <= w->lengths[i])
            k++;
        b->count[k]++;
        b->tokens[k] += w->lengths[i];
        b->total += w->lengths[i];
        b->lo = k < b->lo ? k : b->lo;
        b->hi = k > b->hi ? k : b->hi;
        b->longest = w->lengths[i] > b->longest ? w->lengths[i] : b->longest;
    }
    if (b->lo > b->hi)
        b->lo = b->hi = 0;
}

#define PLAN_LINES 8 /* the summary under the settings */

static void layout(const struct tui_app *app, struct wl_layout *lo)
{
    int cols = app->cols, rows = app->rows;
    memset(lo, 0, sizeof *lo);
    lo->header = (struct tui_rect){0, 0, cols, 1};
    lo->detail = (struct tui_rect){0, rows - 2, cols, 1};
    lo->status = (struct tui_rect){0, rows - 1, cols, 1};
    int body = rows - 3;
    int S = app->sc.n_stages > 0 ? app->sc.n_stages : 1;
    /* The plan box's rows, the histogram's and the memory bars', whichever is tallest,
     * leaving the chunk list at least five rows. */
    int want = TUI_WL_ROWS + 1 + PLAN_LINES + 2;
    if (S + 2 > want)
        want = S + 2;
    int h1 = clampi(want, 6, body - 5);
    int pw = clampi(cols * 2 / 5, 40, 64);
    int rest = cols - pw;
    int hw = rest / 2;
    lo->plan = (struct tui_rect){0, 1, pw, h1};
    lo->hist = (struct tui_rect){pw, 1, hw, h1};
    lo->mem = (struct tui_rect){pw + hw, 1, rest - hw, h1};
    lo->chunks = (struct tui_rect){0, 1 + h1, cols, body - h1};
}

static void draw_header(const struct tui_app *app, const struct wl_layout *lo, struct tui_canvas *c)
{
    const struct ps_workload *w = app->sc.workload;
    struct buckets b;
    bucket(w, &b);
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, app->sc.n_stages);
    tui_canvas_fill(c, 0, lo->header.y, app->cols, 1, TUI_S_HEADER);
    char text[512];
    snprintf(text, sizeof text,
             " pipescope workload | %s | %d sequences, %ld tokens, longest %d (cap %d) | %d "
             "stages x d_s %d = %d GPUs",
             app->sc.name[0] ? app->sc.name : "scenario", w->n_seqs, b.total, b.longest,
             w->cap_tokens, app->sc.n_stages, cx.ds, cx.n_gpus);
    tui_canvas_text(c, 0, lo->header.y, app->cols, TUI_S_HEADER, text);
}

/* The settings, then what the plan gave. */
static void draw_plan(const struct tui_app *app, const struct tui_rect *r, struct tui_canvas *c)
{
    const struct tui_workload *wl = app->wl;
    tui_canvas_box(c, r->x, r->y, r->w, r->h, TUI_S_BORDER_FOCUS, "Plan (+/- change)",
                   TUI_S_TITLE_FOCUS);
    int x = r->x + 2, w = r->w - 4, y = r->y + 1, bottom = r->y + r->h - 1;
    for (int i = 0; i < TUI_WL_ROWS && y < bottom; i++, y++) {
        char label[32], value[48], line[96];
        tui_workload_setting(app, i, label, sizeof label, value, sizeof value);
        snprintf(line, sizeof line, "%-12s %s", label, value);
        bool sel = wl != NULL && wl->sel == i;
        if (sel)
            tui_canvas_fill(c, r->x + 1, y, r->w - 2, 1, TUI_S_SEL);
        tui_canvas_text(c, x, y, w, sel ? TUI_S_SEL : TUI_S_NORMAL, line);
    }
    if (y < bottom)
        tui_canvas_hline(c, r->x + 1, y++, r->w - 2, TUI_G_HLINE, TUI_S_BORDER);
    const struct ps_workload *wk = app->sc.workload;
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, wk, app->sc.n_stages);
    char lines[PLAN_LINES][200];
    enum tui_style styles[PLAN_LINES];
    int n = 0;
    for (int i = 0; i < PLAN_LINES; i++)
        styles[i] = TUI_S_NORMAL;
    if (tui_workload_running(app)) {
        snprintf(lines[n], sizeof lines[0], "planning... (the chart shows the plan before)");
        styles[n++] = TUI_S_WARN;
    } else if (wl != NULL && wl->error[0]) {
        /* why, over up to four lines of the box */
        char why[sizeof wl->error + 16];
        snprintf(why, sizeof why, "no plan: %s", wl->error);
        int len = (int)strlen(why), step = w > 8 ? w : 8;
        for (int at = 0; at < len && n < 4; at += step) {
            snprintf(lines[n], sizeof lines[0], "%.*s", step, why + at);
            styles[n++] = TUI_S_ERR;
        }
    }
    const struct ps_wl_report *rep = wl != NULL && wl->has_plan ? &wl->rep : NULL;
    if (rep != NULL) {
        char k[32] = "";
        if (rep->slices > 0)
            snprintf(k, sizeof k, ", K = %d", rep->slices);
        snprintf(lines[n++], sizeof lines[0], "%d chunks in %d pipeline%s%s (planned in %.1f s)",
                 rep->chunks, rep->pipelines, rep->pipelines == 1 ? "" : "s", k, wl->plan_ms / 1e3);
        snprintf(lines[n++], sizeof lines[0], "1F1B iteration %.1f ms, imbalance %.2f",
                 rep->iteration_ms, rep->imbalance);
        const struct ps_schedule *s = tui_shown(app);
        if (s != NULL && s->timed)
            snprintf(lines[n++], sizeof lines[0], "shown %s: %.1f ms, bubble %.1f%%", s->name,
                     ps_ns_to_ms(s->makespan_ns), 100 * s->bubble_ratio);
        snprintf(lines[n++], sizeof lines[0], "recompute %.2f%% of compute",
                 100 * wk->planned.recompute_share);
        if (wl->rep_ckpt == PS_CKPT_ADAPTIVE) {
            if (rep->used_ilp && rep->proved)
                snprintf(lines[n++], sizeof lines[0], "adaptive: GLPK, proved; %ld layers",
                         rep->layers_sum);
            else if (rep->used_ilp)
                snprintf(lines[n++], sizeof lines[0], "adaptive: GLPK, gap %.1f%%; %ld layers",
                         100 * rep->gap, rep->layers_sum);
            else
                snprintf(lines[n++], sizeof lines[0], "adaptive: greedy; %ld layers",
                         rep->layers_sum);
        }
        snprintf(lines[n++], sizeof lines[0], "Eq. 14: delta %.1f + T_ckpt %.1f ms", rep->delta_ms,
                 rep->ckpt_ms);
    }
    if (n < PLAN_LINES)
        snprintf(lines[n++], sizeof lines[0],
                 "room %.2f GB = HBM %.4g - states %.3g - reserve %.3g", cx.limit_gb,
                 wk->mem.hbm_gb, cx.model_states_gb, wk->mem.reserve_gb);
    for (int i = 0; i < n && y < bottom; i++, y++)
        tui_canvas_text(c, x, y, w, styles[i], lines[i]);
}

static void fmt_tokens(char *buf, size_t size, long v)
{
    if (v >= 1024 && v % 1024 == 0)
        snprintf(buf, size, "%ldK", v / 1024);
    else
        snprintf(buf, size, "%ld", v);
}

/* Lengths in powers of two: count, a bar, share of the tokens. */
static void draw_hist(const struct tui_app *app, const struct tui_rect *r, struct tui_canvas *c)
{
    struct buckets b;
    bucket(app->sc.workload, &b);
    tui_canvas_box(c, r->x, r->y, r->w, r->h, TUI_S_BORDER, "Lengths (tokens: count, % tokens)",
                   TUI_S_TITLE);
    long most = 1;
    for (int k = b.lo; k <= b.hi; k++)
        most = b.count[k] > most ? b.count[k] : most;
    int bw = r->w - 2 - 13 - 6 - 7;
    int y = r->y + 1;
    for (int k = b.lo; k <= b.hi && y < r->y + r->h - 1; k++, y++) {
        char lo[24], hi[24], lab[64];
        fmt_tokens(lo, sizeof lo, 1L << k);
        fmt_tokens(hi, sizeof hi, 1L << (k + 1));
        snprintf(lab, sizeof lab, "%5s-%-5s%5ld", lo, hi, b.count[k]);
        tui_canvas_text(c, r->x + 1, y, 17, TUI_S_DIM, lab);
        int n = bw > 0 ? (int)((b.count[k] * bw + most - 1) / most) : 0;
        for (int i = 0; i < n; i++)
            tui_canvas_glyph(c, r->x + 19 + i, y, TUI_G_FULL, TUI_S_OP_F);
        char pct[16];
        snprintf(pct, sizeof pct, "%5.1f%%",
                 b.total > 0 ? 100.0 * (double)b.tokens[k] / (double)b.total : 0);
        tui_canvas_text(c, r->x + r->w - 8, y, 7, TUI_S_NORMAL, pct);
    }
}

static const char *type_name(enum ps_chunk_type t)
{
    return t == PS_CHUNK_BATCHED ? "batched" : t == PS_CHUNK_SPLIT ? "split" : "hybrid";
}

/* The number of chunk rows the list shows. */
static int chunk_rows(const struct wl_layout *lo)
{
    return lo->chunks.h - 3 > 0 ? lo->chunks.h - 3 : 0;
}

static void draw_chunks(const struct tui_app *app, const struct wl_layout *lo, struct tui_canvas *c)
{
    const struct tui_rect *r = &lo->chunks;
    const struct tui_workload *wl = app->wl;
    const struct ps_wl_report *rep = wl != NULL && wl->has_plan ? &wl->rep : NULL;
    char title[160];
    if (rep != NULL)
        snprintf(title, sizeof title,
                 "Chunks (%d, microbatch order; F, B+W ms per stage; mem GB stage 0/last; "
                 "replayed layers per stage)",
                 rep->chunking.n);
    else
        snprintf(title, sizeof title, "Chunks");
    tui_canvas_box(c, r->x, r->y, r->w, r->h, TUI_S_BORDER, title, TUI_S_TITLE);
    if (rep == NULL || rep->order == NULL) {
        tui_canvas_text(c, r->x + 2, r->y + 1, r->w - 4, TUI_S_DIM,
                        tui_workload_running(app) ? "planning..." : "no plan");
        return;
    }
    tui_canvas_printf(c, r->x + 1, r->y + 1, r->w - 2, TUI_S_BOLD,
                      "%5s %4s %-7s %6s %5s %7s %7s %8s %8s %11s  %s", "mb", "pipe", "type", "seq",
                      "slice", "context", "tokens", "F", "B+W", "mem", "replay");
    int S = app->sc.n_stages, rows = chunk_rows(lo);
    int n = rep->chunking.n < app->sc.n_microbatches ? rep->chunking.n : app->sc.n_microbatches;
    for (int k = 0; k < rows; k++) {
        int i = wl->scroll + k;
        if (i >= n)
            break;
        const struct ps_chunk *ch = &rep->chunking.chunks[rep->order[i]];
        char seq[16], slice[16], mem[32], replay[160] = "";
        ps_chunk_labels(&rep->chunking, ch, seq, slice);
        snprintf(mem, sizeof mem, "%.2f/%.2f", ch->mem_gb, ch->mem_last_gb);
        size_t used = 0;
        for (int s = 0; s < S && used + 6 < sizeof replay; s++)
            used += (size_t)snprintf(replay + used, sizeof replay - used, "%s%3.0f%%", s ? " " : "",
                                     100 * ps_scenario_recompute(&app->sc, s, i));
        int pipe = app->sc.per_microbatch != NULL ? app->sc.per_microbatch[i].pipeline : 0;
        tui_canvas_printf(c, r->x + 1, r->y + 2 + k, r->w - 2, TUI_S_NORMAL,
                          "%5d %4d %-7s %6s %5s %7d %7d %8.1f %8.1f %11s  %s", i, pipe,
                          type_name(ch->type), seq, slice, ch->context, ch->tokens, ch->f_ms,
                          ch->b_ms + ch->w_ms, mem, replay);
    }
}

static void draw_lines(const struct tui_app *app, const struct wl_layout *lo, struct tui_canvas *c)
{
    const struct tui_workload *wl = app->wl;
    static const char *const about[TUI_WL_ROWS] = {
        "batch: whole sequences packed; token: fixed-size slices; elastic: InfiniPipe's Alg. "
        "1 (long sequences in K slices, short ones packed); even: every sequence in K slices",
        "none; full: every layer replayed; uniform: the same layers on every stage; adaptive: "
        "the ILP of Eq. 15-20 on GLPK (greedy past its size)",
        "longest-first: the chunks by time, longest first; given: the batch's order",
        "slices of a long sequence: auto searches K = 1.. (the fastest plan that fits)",
        "1F1B pipelines run one after another (gradient accumulation): auto is Eq. 14's DP",
    };
    int sel = wl != NULL ? clampi(wl->sel, 0, TUI_WL_ROWS - 1) : 0;
    tui_canvas_text(c, 0, lo->detail.y, app->cols, TUI_S_DIM, about[sel]);
    tui_status_line(app, c, lo->status.y,
                    "  Up/Down setting  +/- change  PgUp/PgDn chunks  W back  ? help");
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    if (app->sc.workload == NULL)
        return;
    struct wl_layout lo;
    layout(app, &lo);
    draw_header(app, &lo, c);
    draw_plan(app, &lo.plan, c);
    draw_hist(app, &lo.hist, c);
    /* The memory pane's bars (per stage against the HBM) in this screen's box. */
    struct tui_frame mf = *fr;
    mf.lo.mem = lo.mem;
    mf.lo.label_w = 8;
    tui_pane_memory.draw(app, &mf, c);
    draw_chunks(app, &lo, c);
    draw_lines(app, &lo, c);
}

/* ---- keys ---------------------------------------------------------------------------- */

static void scroll(struct tui_app *app, int delta)
{
    struct tui_workload *wl = app->wl;
    struct wl_layout lo;
    layout(app, &lo);
    int n = wl->has_plan ? wl->rep.chunking.n : 0;
    int last = n - chunk_rows(&lo);
    wl->scroll = clampi(wl->scroll + delta, 0, last > 0 ? last : 0);
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    struct tui_workload *wl = app->wl;
    if (wl == NULL)
        return 0;
    struct wl_layout lo;
    layout(app, &lo);
    int page = chunk_rows(&lo) > 1 ? chunk_rows(&lo) - 1 : 1;
    switch (cmd->action) {
    case TUI_A_UP:
    case TUI_A_DOWN:
        wl->sel = clampi(wl->sel + (cmd->action == TUI_A_UP ? -1 : 1), 0, TUI_WL_ROWS - 1);
        break;
    case TUI_A_INC:
    case TUI_A_RIGHT:
    case TUI_A_ENTER:
        tui_workload_step(app, wl->sel, 1);
        break;
    case TUI_A_DEC:
    case TUI_A_LEFT:
        tui_workload_step(app, wl->sel, -1);
        break;
    case TUI_A_PGUP:
    case TUI_A_PGDN:
        scroll(app, cmd->action == TUI_A_PGUP ? -page : page);
        break;
    case TUI_A_HOME:
    case TUI_A_END:
        scroll(app, cmd->action == TUI_A_HOME ? -(1 << 30) : 1 << 30);
        break;
    case TUI_A_ESC:
    case TUI_A_WORKLOAD:
        tui_workload_toggle(app);
        break;
    case TUI_A_QUIT:
    case TUI_A_HELP:
    case TUI_A_REDRAW:
    case TUI_A_PICK_PRESET:
    case TUI_A_OPEN:
    case TUI_A_SAVE:
    case TUI_A_PICK_SCHEDULE:
    case TUI_A_NEXT_SCHEDULE:
    case TUI_A_SCHEDULE:
        return 0; /* the keys every screen shares */
    default:
        return TUI_REDRAW; /* the pipeline screen's other keys do nothing here */
    }
    return TUI_REDRAW;
}

/* A click on a setting selects it; the wheel scrolls the chunk list. */
static unsigned mouse(struct tui_app *app, const struct tui_layout *unused,
                      const struct tui_event *ev)
{
    (void)unused;
    struct tui_workload *wl = app->wl;
    if (wl == NULL)
        return 0;
    struct wl_layout lo;
    layout(app, &lo);
    if (ev->button == TUI_BTN_WHEEL_UP || ev->button == TUI_BTN_WHEEL_DOWN) {
        scroll(app, ev->button == TUI_BTN_WHEEL_UP ? -3 : 3);
        return TUI_REDRAW;
    }
    int row = ev->y - lo.plan.y - 1;
    if (tui_rect_has(&lo.plan, ev->x, ev->y) && row >= 0 && row < TUI_WL_ROWS) {
        wl->sel = row;
        return TUI_REDRAW;
    }
    return 0;
}

const struct tui_pane tui_pane_workload = {
    .name = "workload", .draw = draw, .key = key, .mouse = mouse};
