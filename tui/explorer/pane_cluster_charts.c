/* The cluster screen's charts: the region Gantt chart of the selected policy's run (a band
 * of screen rows per region, each cell the job holding most of that band's GPUs at that
 * time, as its letter in its colour) and the cost-vs-JCT scatter (each policy at its
 * number, the Pareto front lit). */
#include "tui/explorer/cluster_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/cluster_export.h"

enum tui_style tui_cluster_job_style(int j)
{
    static const enum tui_style st[] = {TUI_S_OP_F,  TUI_S_OP_B,     TUI_S_OP_W,     TUI_S_OP_AG,
                                        TUI_S_OP_RS, TUI_S_XFER_ACT, TUI_S_XFER_GRAD};
    return st[j % (int)(sizeof st / sizeof st[0])];
}

/* The job holding most of GPUs [g0, g1) of region r at time t, -1 when none (a job may
 * hold several runs of GPUs in a band: they add up). */
static int holder(const struct ps_cluster_result *res, int r, int g0, int g1, int64_t t)
{
    enum { MAX_JOBS = 32 };
    int job[MAX_JOBS], count[MAX_JOBS], n = 0;
    for (int h = 0; h < res->n_holds; h++) {
        const struct ps_gpu_hold *hd = &res->holds[h];
        if (hd->region != r || t < hd->start_ns || t >= hd->end_ns)
            continue;
        int lo = hd->first > g0 ? hd->first : g0;
        int hi = hd->first + hd->count < g1 ? hd->first + hd->count : g1;
        if (hi <= lo)
            continue;
        int k = 0;
        while (k < n && job[k] != hd->job)
            k++;
        if (k == n) {
            if (n == MAX_JOBS)
                continue;
            job[n] = hd->job;
            count[n++] = 0;
        }
        count[k] += hi - lo;
    }
    int best = -1, most = 0;
    for (int k = 0; k < n; k++)
        if (count[k] > most) {
            most = count[k];
            best = job[k];
        }
    return best;
}

void tui_cluster_draw_gantt(const struct tui_app *app, const struct tui_rect *r, int sub,
                            struct tui_canvas *c)
{
    const struct tui_cluster *cl = app->cluster;
    const struct ps_cluster_result *res = tui_cluster_shown(cl);
    char title[160];
    snprintf(title, sizeof title, "Region Gantt: %s, which job holds which GPUs when",
             cl->pol[cl->pol_sel].name);
    tui_canvas_box(c, r->x, r->y, r->w, r->h, TUI_S_BORDER, title, TUI_S_TITLE);
    if (res == NULL || res->makespan_s <= 0) {
        tui_canvas_text(c, r->x + 2, r->y + 1, r->w - 4, TUI_S_DIM,
                        cl->error[0] ? cl->error : "no job ran");
        return;
    }
    int label = 12, x0 = r->x + 1 + label, w = r->w - 2 - label;
    if (w < 4)
        return;
    int64_t end = (int64_t)llround(res->makespan_s * 1e9);
    int y = r->y + 1, bottom = r->y + r->h - 2;
    for (int g = 0; g < cl->eff.n_regions && y < bottom; g++) {
        const struct ps_region *reg = &cl->eff.regions[g];
        char lab[32];
        snprintf(lab, sizeof lab, "%.7s %d", reg->name, reg->gpus);
        tui_canvas_text(c, r->x + 1, y, label - 1, TUI_S_BOLD, lab);
        for (int s = 0; s < sub && y < bottom; s++, y++) {
            int g0 = reg->gpus * s / sub, g1 = reg->gpus * (s + 1) / sub;
            for (int x = 0; x < w; x++) {
                int64_t t = (int64_t)(((double)x + 0.5) * (double)end / w);
                int j = g1 > g0 ? holder(res, g, g0, g1, t) : -1;
                if (j < 0)
                    tui_canvas_glyph(c, x0 + x, y, TUI_G_MIDDOT, TUI_S_DIM);
                else
                    tui_canvas_put(c, x0 + x, y, (uint32_t)tui_cluster_job_letter(j),
                                   tui_cluster_job_style(j));
            }
        }
    }
    char axis[64];
    snprintf(axis, sizeof axis, "%.1f h", res->makespan_s / 3600);
    tui_canvas_text(c, x0, bottom, 4, TUI_S_DIM, "0 h");
    tui_canvas_text(c, x0 + w - (int)strlen(axis), bottom, (int)strlen(axis), TUI_S_DIM, axis);
}

void tui_cluster_draw_scatter(const struct tui_app *app, const struct tui_rect *r,
                              struct tui_canvas *c)
{
    const struct tui_cluster *cl = app->cluster;
    tui_canvas_box(c, r->x, r->y, r->w, r->h, TUI_S_BORDER,
                   "Cost vs avg JCT (numbers: policies; lit: Pareto front)", TUI_S_TITLE);
    double x[TUI_CLUSTER_MAX_POL], y[TUI_CLUSTER_MAX_POL];
    bool front[TUI_CLUSTER_MAX_POL];
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (int i = 0; i < cl->n_pol; i++) {
        bool ok = cl->ran[i] && cl->res[i].started > 0;
        x[i] = ok ? cl->res[i].avg_jct_s / 3600 : NAN;
        y[i] = ok ? cl->res[i].total_cost_usd : NAN;
        if (ok) {
            xlo = fmin(xlo, x[i]), xhi = fmax(xhi, x[i]);
            ylo = fmin(ylo, y[i]), yhi = fmax(yhi, y[i]);
        }
    }
    if (!isfinite(xlo) || r->w < 24 || r->h < 6)
        return;
    ps_cluster_pareto(x, y, (size_t)cl->n_pol, front);
    int lw = 9, px = r->x + 1 + lw, pw = r->w - 3 - lw, py = r->y + 1, ph = r->h - 4;
    char lab[40];
    snprintf(lab, sizeof lab, "$%.0f", yhi);
    tui_canvas_text(c, r->x + 1, py, lw, TUI_S_DIM, lab);
    snprintf(lab, sizeof lab, "$%.0f", ylo);
    tui_canvas_text(c, r->x + 1, py + ph - 1, lw, TUI_S_DIM, lab);
    tui_canvas_vline(c, px - 1, py, ph, TUI_S_DIM);
    tui_canvas_hline(c, px - 1, py + ph, pw + 1, TUI_G_HLINE, TUI_S_DIM);
    snprintf(lab, sizeof lab, "%.1f h", xlo);
    tui_canvas_text(c, px, py + ph + 1, pw, TUI_S_DIM, lab);
    snprintf(lab, sizeof lab, "%.1f h", xhi);
    tui_canvas_text(c, px + pw - (int)strlen(lab), py + ph + 1, (int)strlen(lab), TUI_S_DIM, lab);
    for (int i = 0; i < cl->n_pol; i++) {
        if (!isfinite(x[i]))
            continue;
        int cx = xhi > xlo ? (int)lround((x[i] - xlo) / (xhi - xlo) * (pw - 1)) : pw / 2;
        int cy = yhi > ylo ? (int)lround((yhi - y[i]) / (yhi - ylo) * (ph - 1)) : ph / 2;
        /* Policies on one cell: the later number moves right. */
        while (cx < pw - 1 && tui_canvas_at(c, px + cx, py + cy) != NULL &&
               tui_canvas_at(c, px + cx, py + cy)->ch >= '1' &&
               tui_canvas_at(c, px + cx, py + cy)->ch <= '9')
            cx++;
        enum tui_style st = i == cl->pol_sel ? TUI_S_SEL : front[i] ? TUI_S_OK : TUI_S_NORMAL;
        tui_canvas_put(c, px + cx, py + cy, i < 9 ? (uint32_t)('1' + i) : '+', st);
    }
}
