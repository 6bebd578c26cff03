/* The sweep plot: makespan and bubble ratio against one swept value, a line per schedule
 * (and per combination of the other swept values), the knees marked (docs/formats.md,
 * "Sweep plot"). Self-contained SVG 1.1 like the Gantt figure. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_internal.h"

#define FONT "Helvetica, Arial, sans-serif"
#define PAD 10.0

/* Okabe-Ito, then black and greys: one colour per line, told apart by colour-blind readers. */
static const char *const line_colors[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00",
                                          "#56B4E9", "#000000", "#F0E442", "#777777", "#AAAAAA"};
#define N_COLORS (sizeof line_colors / sizeof line_colors[0])

struct series {
    char label[160];
    size_t *rows; /* indices, by increasing x */
    size_t n;
};

static const char *value_of(const struct ps_compare_row *r, const char *key)
{
    for (int k = 0; k < r->n_extra && k < 8; k++)
        if (strcmp(r->extra[k].key, key) == 0)
            return r->extra[k].value;
    return NULL;
}

static bool knee_of(const struct ps_compare_row *r, const char *key, double *x)
{
    for (int k = 0; k < r->n_extra && k < 8; k++)
        if (strcmp(r->extra[k].key, key) == 0 && r->has_knee[k]) {
            *x = strtod(r->knee[k], NULL);
            return true;
        }
    return false;
}

/* The label of r's line: its schedule and its other swept values. */
static void line_label(const struct ps_compare_row *r, const char *key, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "%s", r->schedule);
    bool first = true;
    for (int k = 0; k < r->n_extra && k < 8 && used < size; k++) {
        if (strcmp(r->extra[k].key, key) == 0)
            continue;
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", first ? " (" : ", ",
                                 r->extra[k].key, r->extra[k].value);
        first = false;
    }
    if (!first && used < size)
        snprintf(buf + used, size - used, ")");
}

static double x_value(const struct ps_compare_row *r, const char *key)
{
    const char *v = value_of(r, key);
    return v ? strtod(v, NULL) : NAN;
}

/* Groups the rows into lines, each sorted by x. Returns the count, -1 on out of memory. */
static int make_series(const struct ps_compare_row *rows, size_t n, const char *key,
                       struct series *out, int max)
{
    int ns = 0;
    for (size_t i = 0; i < n; i++) {
        char label[160];
        line_label(&rows[i], key, label, sizeof label);
        int s = 0;
        while (s < ns && strcmp(out[s].label, label) != 0)
            s++;
        if (s == ns) {
            if (ns == max)
                continue;
            snprintf(out[ns].label, sizeof out[ns].label, "%s", label);
            if (!(out[ns].rows = malloc(n * sizeof *out[ns].rows)))
                return -1;
            out[ns++].n = 0;
        }
        size_t k = out[s].n++;
        double x = x_value(&rows[i], key);
        while (k > 0 && x_value(&rows[out[s].rows[k - 1]], key) > x) {
            out[s].rows[k] = out[s].rows[k - 1];
            k--;
        }
        out[s].rows[k] = i;
    }
    return ns;
}

static double nice(double span)
{
    double p = pow(10, floor(log10(span > 0 ? span : 1)));
    static const double m[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++)
        if (m[i] * p >= span)
            return m[i] * p;
    return 10 * p;
}

struct axes {
    double x0, x1; /* data range of x */
    bool logx;
    double left, right; /* pixels */
};

static double px(const struct axes *a, double x)
{
    double t =
        a->logx ? (log(x) - log(a->x0)) / (log(a->x1) - log(a->x0)) : (x - a->x0) / (a->x1 - a->x0);
    if (!isfinite(t))
        t = 0.5;
    return a->left + t * (a->right - a->left);
}

/* One panel: y of every row from get (NAN: a gap), lines, markers, knees, y ticks. */
static enum ps_status panel(struct ps_buf *b, const struct ps_compare_row *rows,
                            const struct series *se, int ns, const char *key, const struct axes *ax,
                            double top, double h, bool bubble, const char *title)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int s = 0; s < ns; s++)
        for (size_t k = 0; k < se[s].n; k++) {
            const struct ps_compare_row *r = &rows[se[s].rows[k]];
            double y = bubble ? 100 * r->bubble_ratio : r->makespan_ms;
            if (isfinite(y)) {
                lo = fmin(lo, y);
                hi = fmax(hi, y);
            }
        }
    if (!isfinite(lo))
        lo = 0, hi = 1;
    if (bubble)
        lo = 0;
    double step = nice((hi - lo) / 4), y0 = floor(lo / step) * step, y1 = ceil(hi / step) * step;
    if (y1 <= y0)
        y1 = y0 + step;
    char a[32], c[32], d[32], e[32], f[32], g[32];
    enum ps_status st = ps_buf_printf(b,
                                      "<text x=\"%s\" y=\"%s\" font-size=\"11\" "
                                      "font-weight=\"bold\">",
                                      ps_out_num(ax->left, a), ps_out_num(top - 10, c));
    if (st == PS_OK)
        st = ps_svg_text(b, title, 80);
    if (st == PS_OK)
        st = ps_buf_printf(b, "</text>\n");
    for (double y = y0; y <= y1 + step * 1e-9 && st == PS_OK; y += step) {
        double yy = top + h - (y - y0) / (y1 - y0) * h;
        st = ps_buf_printf(b,
                           "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#E5E5E5\" "
                           "stroke-width=\"0.8\"/>\n<text x=\"%s\" y=\"%s\" font-size=\"10\" "
                           "text-anchor=\"end\">%g</text>\n",
                           ps_out_num(ax->left, a), ps_out_num(yy, c), ps_out_num(ax->right, d),
                           ps_out_num(yy, e), ps_out_num(ax->left - 4, f), ps_out_num(yy + 3.5, g),
                           y);
    }
    for (int s = 0; s < ns && st == PS_OK; s++) {
        const char *col = line_colors[(size_t)s % N_COLORS];
        bool pen = false;
        st = ps_buf_printf(b,
                           "<path class=\"line\" fill=\"none\" stroke=\"%s\" "
                           "stroke-width=\"1.6\" d=\"",
                           col);
        for (size_t k = 0; k < se[s].n && st == PS_OK; k++) {
            const struct ps_compare_row *r = &rows[se[s].rows[k]];
            double y = bubble ? 100 * r->bubble_ratio : r->makespan_ms, x = x_value(r, key);
            if (!isfinite(y) || !isfinite(x) || (ax->logx && x <= 0)) {
                pen = false;
                continue;
            }
            st = ps_buf_printf(b, "%s%s %s ", pen ? "L" : "M", ps_out_num(px(ax, x), a),
                               ps_out_num(top + h - (y - y0) / (y1 - y0) * h, c));
            pen = true;
        }
        if (st == PS_OK)
            st = ps_buf_printf(b, "\"/>\n");
        double knee = NAN;
        for (size_t k = 0; k < se[s].n && st == PS_OK; k++) {
            const struct ps_compare_row *r = &rows[se[s].rows[k]];
            double y = bubble ? 100 * r->bubble_ratio : r->makespan_ms, x = x_value(r, key);
            if (!isfinite(y) || !isfinite(x) || (ax->logx && x <= 0))
                continue;
            if (!bubble && isnan(knee))
                knee_of(r, key, &knee);
            double cx = px(ax, x), cy = top + h - (y - y0) / (y1 - y0) * h;
            st = ps_buf_printf(b, "<circle cx=\"%s\" cy=\"%s\" r=\"2.4\" fill=\"%s\"/>\n",
                               ps_out_num(cx, a), ps_out_num(cy, c), col);
            if (st == PS_OK && !bubble && knee == x)
                st = ps_buf_printf(b,
                                   "<circle class=\"knee\" cx=\"%s\" cy=\"%s\" r=\"6\" "
                                   "fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"><title>knee "
                                   "of %s at %s = %g</title></circle>\n",
                                   ps_out_num(cx, a), ps_out_num(cy, c), col, se[s].label, key, x);
        }
    }
    if (st == PS_OK)
        st = ps_buf_printf(b,
                           "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"none\" "
                           "stroke=\"#000000\" stroke-width=\"0.8\"/>\n",
                           ps_out_num(ax->left, a), ps_out_num(top, c),
                           ps_out_num(ax->right - ax->left, d), ps_out_num(h, e));
    return st;
}

/* The x axis under the lower panel: a tick at every value swept. */
static enum ps_status x_axis(struct ps_buf *b, const struct ps_compare_row *rows, size_t n,
                             const char *key, const struct axes *ax, double y)
{
    enum ps_status st = PS_OK;
    char a[32], c[32], d[32], e[32];
    double last_end = -INFINITY; /* a label that would overlap the one before is left out */
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        double x = x_value(&rows[i], key);
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = x_value(&rows[j], key) == x;
        if (seen || !isfinite(x) || (ax->logx && x <= 0))
            continue;
        double xx = px(ax, x);
        st = ps_buf_printf(b,
                           "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#000000\" "
                           "stroke-width=\"0.8\"/>\n",
                           ps_out_num(xx, a), ps_out_num(y, c), ps_out_num(xx, d),
                           ps_out_num(y + 4, e));
        char label[32];
        double half = 3.1 * snprintf(label, sizeof label, "%g", x);
        if (st == PS_OK && xx - half > last_end + 4) {
            st = ps_buf_printf(b,
                               "<text x=\"%s\" y=\"%s\" font-size=\"10\" "
                               "text-anchor=\"middle\">%s</text>\n",
                               ps_out_num(xx, a), ps_out_num(y + 15, c), label);
            last_end = xx + half;
        }
    }
    if (st == PS_OK)
        st = ps_buf_printf(b,
                           "<text x=\"%s\" y=\"%s\" font-size=\"10.5\" "
                           "text-anchor=\"middle\">",
                           ps_out_num((ax->left + ax->right) / 2, a), ps_out_num(y + 29, c));
    if (st == PS_OK)
        st = ps_svg_text(b, key, 80);
    if (st == PS_OK)
        st = ps_buf_printf(b, "%s</text>\n", ax->logx ? " (log scale)" : "");
    return st;
}

static enum ps_status legend(struct ps_buf *b, const struct series *se, int ns, double x0, double y,
                             double width, double *end_y)
{
    enum ps_status st = PS_OK;
    char a[32], c[32], d[32], e[32];
    double x = x0;
    for (int s = 0; s <= ns && st == PS_OK; s++) {
        const char *label = s < ns ? se[s].label
                                   : "knee: the smallest value within the sweep's "
                                     "margin of the best";
        double w = 26 + 6.2 * (double)strlen(label);
        if (x + w > width - PAD && x > x0) {
            x = x0;
            y += 16;
        }
        if (s < ns)
            st = ps_buf_printf(b,
                               "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
                               "stroke-width=\"2\"/>\n",
                               ps_out_num(x, a), ps_out_num(y - 4, c), ps_out_num(x + 16, d),
                               ps_out_num(y - 4, e), line_colors[(size_t)s % N_COLORS]);
        else
            st = ps_buf_printf(b,
                               "<circle cx=\"%s\" cy=\"%s\" r=\"5\" fill=\"none\" "
                               "stroke=\"#000000\" stroke-width=\"1.4\"/>\n",
                               ps_out_num(x + 8, a), ps_out_num(y - 4, c));
        if (st == PS_OK)
            st = ps_buf_printf(b, "<text x=\"%s\" y=\"%s\" font-size=\"10\">",
                               ps_out_num(x + 20, a), ps_out_num(y, c));
        if (st == PS_OK)
            st = ps_svg_text(b, label, 150);
        if (st == PS_OK)
            st = ps_buf_printf(b, "</text>\n");
        x += w;
    }
    *end_y = y;
    return st;
}

enum ps_status ps_export_sweep_svg(const struct ps_compare_row *rows, size_t n, const char *key,
                                   const char *title, int width_px, struct ps_buf *out)
{
    if (rows == NULL || n == 0 || key == NULL)
        return PS_EINVAL;
    double width = width_px >= 320 ? width_px : 800;
    struct series se[32];
    memset(se, 0, sizeof se);
    int ns = make_series(rows, n, key, se, 32);
    if (ns < 0) {
        for (int s = 0; s < 32; s++)
            free(se[s].rows);
        return PS_ENOMEM;
    }
    struct axes ax = {INFINITY, -INFINITY, false, PAD + 52, width - PAD - 8};
    for (size_t i = 0; i < n; i++) {
        double x = x_value(&rows[i], key);
        if (isfinite(x)) {
            ax.x0 = fmin(ax.x0, x);
            ax.x1 = fmax(ax.x1, x);
        }
    }
    if (!isfinite(ax.x0))
        ax.x0 = 0, ax.x1 = 1;
    ax.logx = ax.x0 > 0 && ax.x1 / ax.x0 >= 16;
    if (ax.x1 <= ax.x0)
        ax.x1 = ax.x0 + 1;
    double ph = 170, top1 = PAD + 44, top2 = top1 + ph + 38, axis_y = top2 + ph;
    double end_y = axis_y + 60;
    char head[256];
    snprintf(head, sizeof head, "%s", title ? title : "");
    /* the height needs the legend's rows: measure them with a throwaway buffer */
    struct ps_buf m;
    ps_buf_init(&m);
    legend(&m, se, ns, ax.left, axis_y + 56, width, &end_y);
    ps_buf_fini(&m);
    char a[32], c[32], d[32], e[32];
    enum ps_status st =
        ps_buf_printf(out,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
                      "xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%s\" "
                      "height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"" FONT "\">\n"
                      "<rect width=\"100%%\" height=\"100%%\" fill=\"#FFFFFF\"/>\n"
                      "<text x=\"%g\" y=\"%g\" font-size=\"12\">",
                      ps_out_num(width, a), ps_out_num(end_y + PAD, c), ps_out_num(width, d),
                      ps_out_num(end_y + PAD, e), PAD, PAD + 12);
    if (st == PS_OK)
        st = ps_svg_text(out, head, 150);
    if (st == PS_OK)
        st = ps_buf_printf(out, "</text>\n");
    if (st == PS_OK)
        st = panel(out, rows, se, ns, key, &ax, top1, ph, false, "makespan (ms)");
    if (st == PS_OK)
        st = panel(out, rows, se, ns, key, &ax, top2, ph, true, "bubble (%)");
    if (st == PS_OK)
        st = x_axis(out, rows, n, key, &ax, axis_y);
    if (st == PS_OK)
        st = legend(out, se, ns, ax.left, axis_y + 56, width, &end_y);
    if (st == PS_OK)
        st = ps_buf_printf(out, "</svg>\n");
    for (int s = 0; s < ns; s++)
        free(se[s].rows);
    return st;
}
