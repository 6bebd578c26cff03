/* The cluster planner's figures as self-contained SVG (the house style of export/svg.c):
 * the region Gantt chart of one policy's run (a band per region, a row per GPU, a block per
 * job holding GPUs) and the cost-vs-JCT scatter of several policies with the Pareto front. */
#include "export/cluster_export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_internal.h"

#define FONT "Helvetica, Arial, sans-serif"
#define PAD 10.0
#define IDLE_FILL "#EFEFEF"

/* Okabe-Ito, then the same eight lightened: jobs cycle through 16 colours. */
static const char *const job_fill[8] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                        "#D55E00", "#56B4E9", "#F0E442", "#000000"};

static void fill_of(int job, char out[8])
{
    unsigned rgb = (unsigned)strtoul(job_fill[job % 8] + 1, NULL, 16);
    double t = (job / 8) % 2 ? 0.5 : 0.0;
    unsigned c[3] = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
    for (int i = 0; i < 3; i++)
        c[i] = (unsigned)lround((double)c[i] + (255.0 - c[i]) * t);
    snprintf(out, 8, "#%02X%02X%02X", c[0] & 0xFF, c[1] & 0xFF, c[2] & 0xFF);
}

static const char *ink_on(const char *hex)
{
    unsigned rgb = (unsigned)strtoul(hex + 1, NULL, 16);
    double lum = 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
    return lum > 140 ? "#000000" : "#FFFFFF";
}

static enum ps_status text(struct ps_buf *b, double x, double y, double fs, const char *anchor,
                           const char *weight, const char *fill, const char *s, size_t max)
{
    char xs[32], ys[32];
    enum ps_status st = ps_buf_printf(b,
                                      "<text x=\"%s\" y=\"%s\" font-family=\"" FONT
                                      "\" font-size=\"%g\" text-anchor=\"%s\"%s%s%s fill=\"%s\">",
                                      ps_svg_num(xs, x), ps_svg_num(ys, y), fs, anchor,
                                      weight ? " font-weight=\"" : "", weight ? weight : "",
                                      weight ? "\"" : "", fill);
    if (st == PS_OK)
        st = ps_svg_text(b, s, max);
    return st == PS_OK ? ps_buf_printf(b, "</text>\n") : st;
}

static enum ps_status rect(struct ps_buf *b, double x, double y, double w, double h,
                           const char *fill, const char *extra)
{
    char xs[32], ys[32], ws[32], hs[32];
    return ps_buf_printf(b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"%s/>\n",
                         ps_svg_num(xs, x), ps_svg_num(ys, y), ps_svg_num(ws, w), ps_svg_num(hs, h),
                         fill, extra ? extra : "");
}

static enum ps_status line(struct ps_buf *b, double x1, double y1, double x2, double y2,
                           const char *stroke, double width, const char *extra)
{
    char a[32], c[32], e[32], f[32];
    return ps_buf_printf(b,
                         "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
                         "stroke-width=\"%g\"%s/>\n",
                         ps_svg_num(a, x1), ps_svg_num(c, y1), ps_svg_num(e, x2), ps_svg_num(f, y2),
                         stroke, width, extra ? extra : "");
}

/* A number for an axis label: no more decimals than the step needs. */
static void tick_label(double v, double step, char *buf, size_t size)
{
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    snprintf(buf, size, "%.*f", dec, v);
    char *comma = strchr(buf, ',');
    if (comma)
        *comma = '.';
}

/* ---- the region Gantt chart ---------------------------------------------------------- */

struct gantt {
    double x0, x1; /* plot area */
    double top;    /* first band */
    double row;    /* px per GPU */
    double end_h;  /* time axis end, hours */
    double band[PS_CLUSTER_MAX_REGIONS + 1];
};

static double gx(const struct gantt *g, int64_t ns)
{
    return g->x0 + (g->x1 - g->x0) * ((double)ns / 3.6e12) / g->end_h;
}

static enum ps_status gantt_holds(struct ps_buf *b, const struct ps_cluster *c,
                                  const struct ps_cluster_result *r, const struct gantt *g)
{
    enum ps_status st = PS_OK;
    for (int h = 0; h < r->n_holds && st == PS_OK; h++) {
        const struct ps_gpu_hold *hd = &r->holds[h];
        char fill[8], tip[400];
        fill_of(hd->job, fill);
        double x = gx(g, hd->start_ns), w = fmax(gx(g, hd->end_ns) - x, 0.5);
        double y = g->band[hd->region] + hd->first * g->row, hh = hd->count * g->row;
        snprintf(tip, sizeof tip, "%s: GPUs %d-%d of %s, %.2f to %.2f h", c->jobs[hd->job].name,
                 hd->first, hd->first + hd->count - 1, c->regions[hd->region].name,
                 (double)hd->start_ns / 3.6e12, (double)hd->end_ns / 3.6e12);
        char xs[32], ys[32], ws[32], hs[32];
        st = ps_buf_printf(b,
                           "<rect class=\"hold\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
                           "fill=\"%s\" stroke=\"#FFFFFF\" stroke-width=\"0.5\"><title>",
                           ps_svg_num(xs, x), ps_svg_num(ys, y), ps_svg_num(ws, w),
                           ps_svg_num(hs, hh), fill);
        if (st == PS_OK)
            st = ps_svg_text(b, tip, 200);
        if (st == PS_OK)
            st = ps_buf_printf(b, "</title></rect>\n");
        size_t chars = strlen(c->jobs[hd->job].name);
        if (st == PS_OK && hh >= 11 && w >= (double)chars * 9 * 0.56 + 4)
            st = text(b, x + w / 2, y + hh / 2 + 3.5, 9, "middle", NULL, ink_on(fill),
                      c->jobs[hd->job].name, 40);
    }
    return st;
}

static enum ps_status gantt_axis(struct ps_buf *b, const struct gantt *g, double bottom)
{
    double step = ps_svg_nice_step(g->end_h * 90.0 / (g->x1 - g->x0));
    enum ps_status st = line(b, g->x0, bottom, g->x1, bottom, "#000000", 1, NULL);
    for (double t = 0; t <= g->end_h * (1 + 1e-9) && st == PS_OK; t += step) {
        double x = g->x0 + (g->x1 - g->x0) * t / g->end_h;
        char lab[32];
        tick_label(t, step, lab, sizeof lab);
        st = line(b, x, g->top, x, bottom, "#D0D0D0", 0.5, NULL);
        if (st == PS_OK)
            st = line(b, x, bottom, x, bottom + 4, "#000000", 1, NULL);
        if (st == PS_OK)
            st = text(b, x, bottom + 16, 11, "middle", NULL, "#000000", lab, 16);
    }
    if (st == PS_OK)
        st = text(b, (g->x0 + g->x1) / 2, bottom + 32, 11, "middle", NULL, "#000000",
                  "time (hours)", 20);
    return st;
}

/* The jobs that hold GPUs, in rows of legend entries. Returns the height used. */
static enum ps_status gantt_legend(struct ps_buf *b, const struct ps_cluster *c,
                                   const struct ps_cluster_result *r, double x0, double x1,
                                   double y, bool measure, double *height)
{
    double x = x0;
    enum ps_status st = PS_OK;
    *height = 0;
    for (int j = 0; j < r->n_jobs && st == PS_OK; j++) {
        if (!r->jobs[j].started)
            continue;
        double w = 16 + (double)strlen(c->jobs[j].name) * 11 * 0.56 + 14;
        if (x + w > x1 && x > x0) {
            x = x0;
            *height += 16;
        }
        if (!measure) {
            char fill[8];
            fill_of(j, fill);
            st = rect(b, x, y + *height, 11, 11, fill, NULL);
            if (st == PS_OK)
                st = text(b, x + 15, y + *height + 9.5, 11, "start", NULL, "#000000",
                          c->jobs[j].name, 40);
        }
        x += w;
    }
    *height += 16;
    return st;
}

enum ps_status ps_export_cluster_gantt_svg(const struct ps_cluster *c, const char *policy,
                                           const struct ps_cluster_result *r, int width_px,
                                           struct ps_buf *out)
{
    double W = width_px > 0 ? (width_px < 480 ? 480 : width_px) : 1000;
    struct gantt g = {.x0 = PAD + 120, .x1 = W - PAD - 10, .top = 44};
    int64_t total = ps_cluster_total_gpus(c);
    g.row = total > 0 ? fmin(4.0, fmax(0.25, 560.0 / (double)total)) : 4.0;
    g.end_h = r->makespan_s > 0 ? r->makespan_s / 3600 : 1;
    double y = g.top;
    for (int i = 0; i < c->n_regions; i++) {
        g.band[i] = y;
        y += fmax(c->regions[i].gpus * g.row, 2) + 6;
    }
    double bottom = y, legend_h;
    enum ps_status st = gantt_legend(out, c, r, PAD, W - PAD, 0, true, &legend_h);
    double H = bottom + 44 + legend_h + PAD;
    char ws[32], hs[32], head[400];
    st = ps_buf_printf(out,
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" "
                       "viewBox=\"0 0 %s %s\">\n",
                       ps_svg_num(ws, W), ps_svg_num(hs, H), ws, hs);
    if (st == PS_OK)
        st = rect(out, 0, 0, W, H, "#FFFFFF", NULL);
    snprintf(head, sizeof head,
             "%s, policy %s: avg JCT %.2f h \xC2\xB7 cost $%.2f \xC2\xB7 makespan %.2f h \xC2\xB7 "
             "GPU utilisation %.1f%%",
             c->name[0] ? c->name : "cluster", policy, r->avg_jct_s / 3600, r->total_cost_usd,
             r->makespan_s / 3600, 100 * r->gpu_util);
    if (st == PS_OK)
        st = text(out, PAD, 20, 12, "start", "bold", "#000000", head, 200);
    if (st == PS_OK)
        st = text(out, PAD, 36, 11, "start", NULL, "#555555",
                  "which job holds which GPUs when: a band per region, a row per GPU", 120);
    for (int i = 0; i < c->n_regions && st == PS_OK; i++) {
        char lab[96];
        double h = fmax(c->regions[i].gpus * g.row, 2);
        snprintf(lab, sizeof lab, "%s (%d)", c->regions[i].name, c->regions[i].gpus);
        st = rect(out, g.x0, g.band[i], g.x1 - g.x0, h, IDLE_FILL, NULL);
        if (st == PS_OK)
            st = text(out, g.x0 - 6, g.band[i] + fmin(h, 24) / 2 + 4, 11, "end", "bold", "#000000",
                      lab, 18);
    }
    if (st == PS_OK)
        st = gantt_axis(out, &g, bottom);
    if (st == PS_OK)
        st = gantt_holds(out, c, r, &g);
    if (st == PS_OK)
        st = gantt_legend(out, c, r, PAD, W - PAD, bottom + 44, false, &legend_h);
    return st == PS_OK ? ps_buf_printf(out, "</svg>\n") : st;
}

/* ---- the cost-vs-JCT scatter --------------------------------------------------------- */

struct axis {
    double lo, hi, step;
};

static struct axis nice_axis(double lo, double hi, int ticks)
{
    if (!(hi > lo)) {
        double m = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
        lo -= m;
        hi += m;
    }
    double pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
    if (lo < 0 && lo + pad >= 0)
        lo = 0;
    struct axis a = {lo, hi, ps_svg_nice_step((hi - lo) / ticks)};
    a.lo = floor(a.lo / a.step) * a.step;
    a.hi = ceil(a.hi / a.step) * a.step;
    return a;
}

/* Labels beside the points: runs at the same point share one label ("bace, sjf"), and a
 * label that would overlap one already placed moves down (then to the left of its point). */
static enum ps_status pareto_labels(struct ps_buf *out, const struct ps_cluster_run *runs, size_t n,
                                    const double *x, const double *y, double xlo, double xhi,
                                    double ylo, double yhi, double px0, double px1, double py0,
                                    double py1)
{
    double *bx = calloc(n ? n : 1, 4 * sizeof *bx); /* placed boxes: x0, y0, x1, y1 */
    if (bx == NULL)
        return PS_ENOMEM;
    size_t placed = 0;
    enum ps_status st = PS_OK;
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        bool first = isfinite(x[i]);
        for (size_t k = 0; k < i && first; k++)
            first = !(x[k] == x[i] && y[k] == y[i]);
        if (!first)
            continue;
        char lab[160] = "";
        for (size_t k = i; k < n; k++)
            if (x[k] == x[i] && y[k] == y[i] &&
                strlen(lab) + strlen(runs[k].policy) + 3 < sizeof lab) {
                if (lab[0] != '\0')
                    strcat(lab, ", ");
                strcat(lab, runs[k].policy);
            }
        double w = (double)strlen(lab) * 10 * 0.56, h = 11;
        double cx = px0 + (px1 - px0) * (x[i] - xlo) / (xhi - xlo);
        double cy = py1 - (py1 - py0) * (y[i] - ylo) / (yhi - ylo);
        double lx = cx + 8, ly = cy + 3.5;
        for (int attempt = 0; attempt < 16; attempt++) {
            if (attempt == 8) {
                lx = cx - 8 - w;
                ly = cy + 3.5;
            }
            if (lx + w > px1 + 15)
                lx = cx - 8 - w;
            bool clash = false;
            for (size_t b = 0; b < placed && !clash; b++) {
                const double *q = &bx[4 * b];
                clash = lx < q[2] && q[0] < lx + w && ly - h < q[3] && q[1] < ly;
            }
            if (!clash)
                break;
            ly += h;
        }
        bx[4 * placed] = lx;
        bx[4 * placed + 1] = ly - h;
        bx[4 * placed + 2] = lx + w;
        bx[4 * placed + 3] = ly;
        placed++;
        if (ly != cy + 3.5) /* moved away from its point: a leader line */
            st = line(out, cx, cy, lx < cx ? lx + w + 1 : lx - 1, ly - 4, "#999999", 0.75, NULL);
        if (st == PS_OK)
            st = text(out, lx, ly, 10, "start", NULL, "#000000", lab, 80);
    }
    free(bx);
    return st;
}

enum ps_status ps_export_cluster_pareto_svg(const struct ps_cluster *c,
                                            const struct ps_cluster_run *runs, size_t n,
                                            int width_px, struct ps_buf *out)
{
    double W = width_px > 0 ? (width_px < 360 ? 360 : width_px) : 640, H = W * 0.66;
    double px0 = PAD + 70, px1 = W - PAD - 20, py0 = 40, py1 = H - 50;
    double *x = calloc(n ? n : 1, sizeof *x), *y = calloc(n ? n : 1, sizeof *y);
    bool *front = calloc(n ? n : 1, sizeof *front);
    if (x == NULL || y == NULL || front == NULL) {
        free(x);
        free(y);
        free(front);
        return PS_ENOMEM;
    }
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        bool ok = runs[i].result->started > 0;
        x[i] = ok ? runs[i].result->avg_jct_s / 3600 : NAN;
        y[i] = ok ? runs[i].result->total_cost_usd : NAN;
        if (ok) {
            xlo = fmin(xlo, x[i]), xhi = fmax(xhi, x[i]);
            ylo = fmin(ylo, y[i]), yhi = fmax(yhi, y[i]);
        }
    }
    if (!isfinite(xlo))
        xlo = ylo = 0, xhi = yhi = 1;
    ps_cluster_pareto(x, y, n, front);
    struct axis ax = nice_axis(xlo, xhi, 6), ay = nice_axis(ylo, yhi, 5);
#define PX(v) (px0 + (px1 - px0) * ((v)-ax.lo) / (ax.hi - ax.lo))
#define PY(v) (py1 - (py1 - py0) * ((v)-ay.lo) / (ay.hi - ay.lo))
    char ws[32], hs[32], head[300], lab[32];
    enum ps_status st =
        ps_buf_printf(out,
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" "
                      "viewBox=\"0 0 %s %s\">\n",
                      ps_svg_num(ws, W), ps_svg_num(hs, H), ws, hs);
    if (st == PS_OK)
        st = rect(out, 0, 0, W, H, "#FFFFFF", NULL);
    snprintf(head, sizeof head, "%s: total electricity cost against average JCT",
             c->name[0] ? c->name : "cluster");
    if (st == PS_OK)
        st = text(out, PAD, 20, 12, "start", "bold", "#000000", head, 120);
    for (double v = ax.lo; v <= ax.hi * (1 + 1e-12) && st == PS_OK; v += ax.step) {
        tick_label(v, ax.step, lab, sizeof lab);
        st = line(out, PX(v), py0, PX(v), py1, "#E0E0E0", 0.5, NULL);
        if (st == PS_OK)
            st = text(out, PX(v), py1 + 15, 11, "middle", NULL, "#000000", lab, 16);
    }
    for (double v = ay.lo; v <= ay.hi * (1 + 1e-12) && st == PS_OK; v += ay.step) {
        tick_label(v, ay.step, lab, sizeof lab);
        st = line(out, px0, PY(v), px1, PY(v), "#E0E0E0", 0.5, NULL);
        if (st == PS_OK)
            st = text(out, px0 - 5, PY(v) + 4, 11, "end", NULL, "#000000", lab, 16);
    }
    if (st == PS_OK)
        st = line(out, px0, py1, px1, py1, "#000000", 1, NULL);
    if (st == PS_OK)
        st = line(out, px0, py0, px0, py1, "#000000", 1, NULL);
    if (st == PS_OK)
        st = text(out, (px0 + px1) / 2, H - 14, 11, "middle", NULL, "#000000",
                  "average job completion time (hours)", 60);
    if (st == PS_OK) {
        char ty[32];
        st = ps_buf_printf(out,
                           "<text x=\"14\" y=\"%s\" font-family=\"" FONT "\" font-size=\"11\" "
                           "text-anchor=\"middle\" transform=\"rotate(-90 14 %s)\" "
                           "fill=\"#000000\">total electricity cost (USD)</text>\n",
                           ps_svg_num(ty, (py0 + py1) / 2), ty);
    }
    /* The front, joined left to right as a staircase (each step is a real trade-off). */
    double prev_x = NAN, prev_y = NAN;
    for (int pass = 0; pass < (int)n && st == PS_OK; pass++) {
        int best = -1;
        for (size_t i = 0; i < n; i++)
            if (front[i] && (isnan(prev_x) || x[i] > prev_x) && (best < 0 || x[i] < x[best]))
                best = (int)i;
        if (best < 0)
            break;
        if (!isnan(prev_x)) {
            st = line(out, PX(prev_x), PY(prev_y), PX(x[best]), PY(prev_y), "#D55E00", 1.5, NULL);
            if (st == PS_OK)
                st = line(out, PX(x[best]), PY(prev_y), PX(x[best]), PY(y[best]), "#D55E00", 1.5,
                          NULL);
        }
        prev_x = x[best];
        prev_y = y[best];
    }
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        if (!isfinite(x[i]))
            continue;
        char cx[32], cy[32], tip[200];
        snprintf(tip, sizeof tip, "%s: avg JCT %.2f h, cost $%.2f%s", runs[i].policy, x[i], y[i],
                 front[i] ? " (Pareto front)" : "");
        st = ps_buf_printf(out,
                           "<circle class=\"%s\" cx=\"%s\" cy=\"%s\" r=\"5\" fill=\"%s\" "
                           "stroke=\"%s\" stroke-width=\"1.5\"><title>",
                           front[i] ? "policy front" : "policy", ps_svg_num(cx, PX(x[i])),
                           ps_svg_num(cy, PY(y[i])), front[i] ? "#D55E00" : "#FFFFFF",
                           front[i] ? "#D55E00" : "#0072B2");
        if (st == PS_OK)
            st = ps_svg_text(out, tip, 200);
        if (st == PS_OK)
            st = ps_buf_printf(out, "</title></circle>\n");
    }
    if (st == PS_OK)
        st = pareto_labels(out, runs, n, x, y, ax.lo, ax.hi, ay.lo, ay.hi, px0, px1, py0, py1);
    if (st == PS_OK)
        st = text(out, px1, py0 - 8, 10, "end", NULL, "#D55E00",
                  "filled: the Pareto front (no policy is cheaper and faster)", 80);
#undef PX
#undef PY
    free(x);
    free(y);
    free(front);
    return st == PS_OK ? ps_buf_printf(out, "</svg>\n") : st;
}
