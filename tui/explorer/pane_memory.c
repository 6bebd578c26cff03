/* The memory pane, right of the table on a wide screen: the shown schedule's peak
 * activation memory per device (or per group of devices when they do not all fit) as
 * bars against the memory limit, over the limit in the error colour. A workload scenario
 * (its unit is 1 GB) draws the whole HBM of a GPU instead: model states and the reserve
 * (dim) under the activations, against the HBM. */
#include "tui/explorer/pane.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/workload.h"
#include "tui/explorer/numbers.h"

/* Peak activation memory per device of the shown schedule, as bars against the limit. */
static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_layout *lo = &fr->lo;
    const struct tui_rect *m = &lo->mem;
    if (m->w < 20 || m->h < 4) /* none (w = 0), or too small */
        return;
    const struct ps_schedule *s = tui_shown(app);
    const struct ps_scenario *sc = &app->sc;
    /* A workload: everything in GB of one GPU's HBM; base = what is not activations. */
    bool hbm = sc->workload != NULL && sc->has_memory_limit;
    double base = 0, limit = sc->memory_limit;
    if (hbm) {
        struct ps_cost_ctx cx;
        ps_cost_ctx_init(&cx, sc->workload, sc->n_stages);
        base = cx.model_states_gb + sc->workload->mem.reserve_gb;
        limit = sc->workload->mem.hbm_gb;
    }
    char title[128];
    if (hbm)
        snprintf(title, sizeof(title), "Peak memory GB of HBM %.4g (%.3g fixed)", limit, base);
    else if (sc->has_memory_limit)
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
    double top = sc->has_memory_limit ? limit : 0;
    for (int st = 0; st < n; st++)
        if (base + s->peak_memory[st] > top)
            top = base + s->peak_memory[st];
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
        peak += base;
        int y = m->y + 1 + row;
        char lab[64];
        int dc = ps_scenario_dc_of(sc, first);
        bool dc_first = ps_scenario_dc_first_stage(sc, dc) >= first &&
                        ps_scenario_dc_first_stage(sc, dc) <= last;
        int dw = tui_digits(n - 1);
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
        bool over = sc->has_memory_limit && peak > limit + 1e-9;
        int x0 = m->x + 1 + lw + 1;
        int filled = (int)(peak / top * bw + 0.5);
        int based = (int)(base / top * bw + 0.5);
        int limit_col = sc->has_memory_limit ? (int)(limit / top * bw + 0.5) : -1;
        for (int i = 0; i < bw; i++) {
            if (i < filled && i < based)
                tui_canvas_glyph(c, x0 + i, y, TUI_G_SHADE_DARK, TUI_S_DIM);
            else if (i < filled)
                tui_canvas_glyph(c, x0 + i, y, TUI_G_FULL,
                                 over && i >= limit_col ? TUI_S_ERR : TUI_S_OK);
            else
                tui_canvas_glyph(c, x0 + i, y, TUI_G_SHADE_LIGHT, TUI_S_DIM);
        }
        if (limit_col > 0 && limit_col < bw && limit_col >= filled)
            tui_canvas_glyph(c, x0 + limit_col, y, TUI_G_VLINE, TUI_S_WARN);
        char val[80], pa[32], pb[32];
        tui_fmt_units(pa, sizeof(pa), peak);
        tui_fmt_units(pb, sizeof(pb), limit);
        if (hbm) { /* GB to one decimal: 59.75 + 16.25 is "76.0/80" */
            snprintf(pa, sizeof(pa), "%.1f", peak);
            snprintf(pb, sizeof(pb), "%.4g", limit);
        }
        if (sc->has_memory_limit)
            snprintf(val, sizeof(val), "%s/%s", pa, pb);
        else
            snprintf(val, sizeof(val), "%s", pa);
        int len = (int)strlen(val);
        tui_canvas_text(c, m->x + m->w - 1 - len - 1, y, len, over ? TUI_S_ERR : TUI_S_NORMAL, val);
    }
}

const struct tui_pane tui_pane_memory = {.name = "memory", .draw = draw};
