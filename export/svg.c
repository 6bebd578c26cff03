/* The SVG figure of one schedule, or of several stacked on one shared time axis: one row
 * per device grouped by datacenter, optional rows for the inter-DC channels, a time axis,
 * a legend and a title line per schedule. Self-contained (no fonts, scripts or CSS), for
 * papers and slides. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "export/export_internal.h"
#include "export/palette.h"

/* The causes of idle time (Paul Tol's muted scheme, which stays apart from the op colours
 * and reads in grey): fill, cross-DC, intra-DC, memory, rendezvous, all-gather, end. */
static const char *const cause_fill[PS_BUBBLE_COUNT] = {"#BBBBBB", "#882255", "#CC6677", "#117733",
                                                        "#332288", "#DDCC77", "#E8E8E8"};
#define HELD_FILL "#777777"
#define BAR_W 64.0

#define FONT "Helvetica, Arial, sans-serif"
#define PAD 10.0
#define IDLE_FILL "#EFEFEF"
/* Fills lighter than this (relative luminance) get a grey outline instead of a white one,
 * so that they stand out from the white page and the light idle band. */
#define LIGHT 0.75
#define MIN_WIDTH 320
#define DEFAULT_WIDTH 1000

/* ---- text and numbers ---------------------------------------------------------------- */

/* A coordinate or length: two decimals at most, '.' whatever the locale. */
static const char *num(char *buf, double v)
{
    if (!isfinite(v))
        v = 0;
    snprintf(buf, 32, "%.2f", v);
    char *comma = strchr(buf, ',');
    if (comma)
        *comma = '.';
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    return buf;
}

/* Length of a valid UTF-8 sequence starting at p (1..4), or 0 when p starts no valid one. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = (p[0] & 0xE0) == 0xC0   ? 2
               : (p[0] & 0xF0) == 0xE0 ? 3
               : (p[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
    if (n == 0 || (n == 2 && p[0] < 0xC2) || (n == 4 && p[0] > 0xF4))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && p[0] == 0xE0 && p[1] < 0xA0)
        return 0; /* overlong */
    if (n == 3 && p[0] == 0xED && p[1] >= 0xA0)
        return 0; /* surrogate */
    if (n == 4 && p[0] == 0xF0 && p[1] < 0x90)
        return 0;
    if (n == 4 && p[0] == 0xF4 && p[1] >= 0x90)
        return 0;
    return n;
}

/* Characters (code points) of s as xml_text would write it. */
static size_t text_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t k = utf8_len(p);
        p += k ? k : 1;
        n++;
    }
    return n;
}

/* Appends s as XML character data or attribute text: markup characters escaped, control
 * characters (not allowed in XML 1.0) dropped, invalid UTF-8 bytes replaced by '?'. At most
 * max_chars characters; a longer text ends in an ellipsis. */
static enum ps_status xml_text(struct ps_buf *b, const char *s, size_t max_chars)
{
    bool cut = text_chars(s) > max_chars;
    size_t keep = cut ? (max_chars > 0 ? max_chars - 1 : 0) : max_chars;
    enum ps_status st = PS_OK;
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && st == PS_OK && chars < keep;
         chars++) {
        size_t k = utf8_len(p);
        if (k == 0) {
            st = ps_buf_append(b, "?", 1);
            p++;
            continue;
        }
        const char *rep = NULL;
        switch (*p) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        default:
            break;
        }
        if (rep)
            st = ps_buf_append(b, rep, strlen(rep));
        else if (*p < 0x20 || *p == 0x7F)
            st = *p == '\t' || *p == '\n' ? ps_buf_append(b, " ", 1) : PS_OK;
        else
            st = ps_buf_append(b, (const char *)p, k);
        p += k;
    }
    if (cut && st == PS_OK)
        st = ps_buf_append(b, "\xE2\x80\xA6", 3); /* U+2026 */
    return st;
}

/* Approximate width in px of text in a Helvetica-like font of size fs: what decides whether
 * a label fits, never where it goes. */
static double text_w(size_t chars, double fs, bool bold)
{
    return (double)chars * fs * (bold ? 0.61 : 0.56);
}

/* The colour behind a fill: "#RRGGBB", or a hatch pattern's base colour. */
static uint32_t fill_rgb(const char *fill)
{
    const char *hex = strncmp(fill, "url(#hatch-", 11) == 0 ? fill + 10 : fill;
    return (uint32_t)strtoul(hex + 1, NULL, 16);
}

/* Black or white, whichever reads better on the fill. */
static const char *ink_on(const char *fill)
{
    return ps_rgb_wants_dark_ink(fill_rgb(fill)) ? "#000000" : "#FFFFFF";
}

/* Milliseconds for a reader: four significant digits or so. */
static void eye_ms(int64_t ns, char *buf, size_t size)
{
    double ms = ps_ns_to_ms(ns);
    int decimals = fabs(ms) >= 1000 ? 1 : fabs(ms) >= 10 ? 2 : 3;
    snprintf(buf, size, "%.*f", decimals, ms);
    char *comma = strchr(buf, ',');
    if (comma)
        *comma = '.';
}

/* A tick step of 1, 2 or 5 times a power of ten, at least min_step. */
static double nice_step(double min_step)
{
    if (!(min_step > 0))
        return 1;
    double p = pow(10, floor(log10(min_step)));
    static const double m[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++)
        if (m[i] * p >= min_step * (1 - 1e-12))
            return m[i] * p;
    return 10 * p;
}

/* ---- layout -------------------------------------------------------------------------- */

struct panel {
    const struct ps_schedule *s;
    bool drawn;  /* timed with ops (not infeasible) */
    bool dp;     /* a data-parallel lane under each device */
    double y;    /* top of the title line */
    double *row; /* top of each device row */
    int n_ch;    /* channel rows */
    int *ch;     /* their channel indices */
    double *ch_y;
    double top, bottom; /* rows region */
};

struct fig {
    const struct ps_svg_options *opt;
    double width, height;
    double left, plot_w; /* plot area in x */
    double t_max_ms;
    double rh, gap, dh, chh; /* row, gap between rows, data-parallel lane, channel row */
    double dc_col, dev_col;  /* label columns */
    size_t n;
    struct panel *p;
    double axis_y, legend_y;
    bool any_split, any_combined, any_w, any_r, any_dp, any_ch, any_chunks;
    double bar_x; /* the bars of idle time by cause (0: none) */
    bool cause[PS_BUBBLE_COUNT], any_held;
    const struct ps_scenario *common_sc; /* every schedule shares it, else NULL */
};

static double x_of(const struct fig *f, int64_t ns)
{
    return f->left + ps_ns_to_ms(ns) / f->t_max_ms * f->plot_w;
}

static int64_t lower_bound_of(const struct ps_schedule *s)
{
    return s->timed && s->lower_bound_ns > 0 ? s->lower_bound_ns : ps_lower_bound_ns(s->sc);
}

static bool drawn(const struct ps_schedule *s)
{
    return s->timed && s->solver.status != PS_SOLVE_INFEASIBLE && ps_schedule_n_ops(s) > 0;
}

/* Inter-DC channels that carried at least one transmission with a duration. */
static bool channel_shown(const struct ps_schedule *s, int c)
{
    return s->channels[c].from_stage < 0 && s->channels[c].n_transfers > 0 &&
           s->channels[c].busy_ns > 0;
}

static void fig_free(struct fig *f)
{
    if (!f->p)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->p[i].row);
        free(f->p[i].ch);
        free(f->p[i].ch_y);
    }
    free(f->p);
}

static enum ps_status layout(struct fig *f, const struct ps_schedule *const *scheds, size_t n,
                             const struct ps_svg_options *opt)
{
    f->opt = opt;
    f->n = n;
    f->width = opt->width_px > 0 ? opt->width_px : DEFAULT_WIDTH;
    if (f->width < MIN_WIDTH)
        f->width = MIN_WIDTH;
    f->p = calloc(n, sizeof(*f->p));
    if (!f->p)
        return PS_ENOMEM;

    int max_stages = 1;
    int64_t t_max = 0;
    f->common_sc = scheds[0]->sc;
    for (size_t i = 0; i < n; i++) {
        const struct ps_schedule *s = scheds[i];
        struct panel *p = &f->p[i];
        p->s = s;
        p->drawn = drawn(s);
        if (s->sc != f->common_sc)
            f->common_sc = NULL;
        if (s->n_stages > max_stages)
            max_stages = s->n_stages;
        if (!p->drawn)
            continue;
        if (s->makespan_ns > t_max)
            t_max = s->makespan_ns;
        for (int d = 0; d < s->n_stages; d++)
            if (s->dp_n && s->dp_n[d] > 0)
                p->dp = true;
        f->any_dp |= p->dp;
        f->any_split |= s->split_backward;
        f->any_combined |= !s->split_backward;
        f->any_chunks |= s->chunks > 1;
        for (int d = 0; d < s->n_stages; d++)
            for (size_t k = 0; k < s->dev_n[d]; k++) {
                f->any_w |= s->dev_ops[d][k].kind == PS_OP_W;
                f->any_r |= s->dev_ops[d][k].kind == PS_OP_R;
            }
        for (int d = 0; d < s->n_stages; d++)
            for (int c = 0; c < PS_BUBBLE_COUNT; c++)
                f->cause[c] |= s->bubble_ns[(size_t)d * PS_BUBBLE_COUNT + c] > 0;
        for (size_t k = 0; k < s->n_transfers && s->sc->arrangement == PS_ARRANGE_BLOCKING; k++)
            f->any_held |= s->transfers[k].end_ns > s->transfers[k].ready_ns;
        if (!opt->hide_channels) {
            p->ch = calloc((size_t)s->n_channels + 1, sizeof(int));
            p->ch_y = calloc((size_t)s->n_channels + 1, sizeof(double));
            if (!p->ch || !p->ch_y)
                return PS_ENOMEM;
            for (int c = 0; c < s->n_channels; c++)
                if (channel_shown(s, c))
                    p->ch[p->n_ch++] = c;
            f->any_ch |= p->n_ch > 0;
        }
    }
    f->t_max_ms = t_max > 0 ? ps_ns_to_ms(t_max) : 1.0;

    /* Rows shrink for deep pipelines so that the figure stays a figure. */
    f->rh = max_stages <= 16 ? 14 : fmax(4, 14.0 * 16 / max_stages);
    f->gap = f->rh >= 10 ? 2 : 1;
    f->dh = fmax(3, round(f->rh * 0.45));
    f->chh = fmax(4, round(f->rh * 0.8));

    /* Label columns: DC names (bold), device names, channel names. */
    double dc_w = 0, dev_w = text_w(2 + (size_t)floor(log10(max_stages)) + 1, 10, false);
    double ch_w = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ps_schedule *s = scheds[i];
        for (int d = 0; d < s->sc->n_dcs; d++)
            dc_w = fmax(dc_w, text_w(text_chars(s->sc->dcs[d].name), 11, true));
        for (int k = 0; k < f->p[i].n_ch; k++) {
            char name[160];
            ps_channel_name(s, f->p[i].ch[k], name, sizeof name);
            ch_w = fmax(ch_w, text_w(text_chars(name), 9.5, false));
        }
    }
    double cap = f->width * 0.22;
    f->dc_col = fmin(dc_w, cap * 0.6);
    f->dev_col = dev_w;
    double label_w = fmin(fmax(f->dc_col + 6 + f->dev_col, ch_w), cap);
    f->left = PAD + label_w + 6;
    f->plot_w = f->width - f->left - PAD - 4;
    if (!opt->hide_bubble && f->width >= 480) {
        f->plot_w -= BAR_W + 12;
        f->bar_x = f->left + f->plot_w + 12;
    }

    /* Vertical positions. */
    double y = PAD;
    y += 16; /* figure heading (scenario) */
    for (size_t i = 0; i < n; i++) {
        struct panel *p = &f->p[i];
        const struct ps_schedule *s = p->s;
        p->y = y;
        y += 18; /* title line */
        p->top = y;
        p->row = calloc((size_t)s->n_stages + 1, sizeof(double));
        if (!p->row)
            return PS_ENOMEM;
        for (int d = 0; d < s->n_stages; d++) {
            if (d > 0 && ps_scenario_dc_of(s->sc, d) != ps_scenario_dc_of(s->sc, d - 1))
                y += 5; /* room for the DC boundary line */
            p->row[d] = y;
            y += f->rh + (p->dp ? 1 + f->dh : 0) + f->gap;
        }
        if (p->n_ch > 0)
            y += 5;
        for (int k = 0; k < p->n_ch; k++) {
            p->ch_y[k] = y;
            y += f->chh + f->gap;
        }
        p->bottom = y - f->gap;
        y += 12;
    }
    f->axis_y = y - 8;
    f->legend_y = f->axis_y + 46;
    return PS_OK;
}

/* ---- drawing ------------------------------------------------------------------------- */

/* <text> with escaped content. anchor: "start", "middle" or "end". */
static enum ps_status text(struct ps_buf *b, double x, double y, double fs, const char *anchor,
                           const char *attrs, const char *s, size_t max_chars)
{
    char a[32], c[32], d[32];
    enum ps_status st = ps_buf_printf(
        b, "<text x=\"%s\" y=\"%s\" font-size=\"%s\"%s%s%s%s>", num(a, x), num(c, y), num(d, fs),
        strcmp(anchor, "start") ? " text-anchor=\"" : "", strcmp(anchor, "start") ? anchor : "",
        strcmp(anchor, "start") ? "\"" : "", attrs ? attrs : "");
    if (st == PS_OK)
        st = xml_text(b, s, max_chars);
    if (st == PS_OK)
        st = ps_buf_printf(b, "</text>\n");
    return st;
}

static enum ps_status rect(struct ps_buf *b, double x, double y, double w, double h,
                           const char *fill, const char *extra)
{
    char a[32], c[32], d[32], e[32];
    return ps_buf_printf(b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"%s/>\n",
                         num(a, x), num(c, y), num(d, w), num(e, h), fill, extra ? extra : "");
}

/* One block (an op part or a transmission): a rect with a tooltip, and its microbatch
 * number inside when it fits. */
static enum ps_status block(struct ps_buf *b, const struct fig *f, const char *cls, int64_t t0,
                            int64_t t1, double y, double h, const char *fill, int microbatch,
                            const char *tip)
{
    double x0 = x_of(f, t0), x1 = x_of(f, t1);
    double w = fmax(x1 - x0, 0.4); /* a hairline still shows that the op is there */
    char a[32], c[32], d[32], e[32];
    /* A white hairline separates back-to-back blocks. */
    enum ps_status st = ps_buf_printf(
        b, "<rect class=\"%s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"%s>", cls,
        num(a, x0), num(c, y), num(d, w), num(e, h), fill,
        ps_rgb_luminance(fill_rgb(fill)) > LIGHT ? " stroke=\"#8C8C8C\" stroke-width=\"0.5\""
        : w >= 3                                 ? " stroke=\"#FFFFFF\" stroke-width=\"0.5\""
                                                 : "");
    if (st == PS_OK)
        st = ps_buf_printf(b, "<title>");
    if (st == PS_OK)
        st = xml_text(b, tip, 200);
    if (st == PS_OK)
        st = ps_buf_printf(b, "</title></rect>\n");
    if (st != PS_OK || microbatch < 0 || f->opt->hide_numbers)
        return st;
    double fs = fmin(9, h - 3);
    char label[16];
    snprintf(label, sizeof label, "%d", microbatch);
    if (fs < 6 || text_w(strlen(label), fs, false) + 2 > w)
        return PS_OK;
    char attrs[64];
    snprintf(attrs, sizeof attrs, " fill=\"%s\"", ink_on(fill));
    return text(b, x0 + w / 2, y + h / 2 + fs * 0.35, fs, "middle", attrs, label, 16);
}

static enum ps_status op_tip(char *buf, size_t size, const struct ps_op *op)
{
    char a[32], c[32];
    eye_ms(op->start_ns, a, sizeof a);
    eye_ms(op->end_ns, c, sizeof c);
    int n = 0;
    if (op->microbatch >= 0)
        n = snprintf(buf, size, "%s microbatch %d, chunk %d, stage %d", ps_op_kind_str(op->kind),
                     op->microbatch, op->chunk, op->stage);
    else
        n = snprintf(buf, size, "%s chunk %d, stage %d", ps_op_kind_str(op->kind), op->chunk,
                     op->stage);
    if (op->parts > 1 && n >= 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, ", part %d of %d", op->part + 1, op->parts);
    if (n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, ": %s to %s ms", a, c);
    return PS_OK;
}

/* A paint's fill for chunk c of V: its colour, or for a hatched paint (R) the pattern that
 * draw_patterns defines for that colour ("url(#hatch-RRGGBB)"). tmp holds 40 bytes. */
static const char *paint_fill(enum ps_paint p, int chunk, int chunks, char *tmp)
{
    uint32_t rgb = ps_paint_rgb(p, chunk, chunks);
    if (ps_palette(p)->hatched)
        snprintf(tmp, 40, "url(#hatch-%06X)", (unsigned)rgb);
    else
        ps_rgb_hex(rgb, tmp);
    return tmp;
}

/* The palette's fill of the op's kind; later chunks in lighter shades of it. */
static const char *op_fill(const struct ps_schedule *s, const struct ps_op *op, char *tmp)
{
    return paint_fill(ps_paint_of_op((enum ps_op_kind)op->kind), op->chunk, s->chunks, tmp);
}

static const char *paint_hex(enum ps_paint p, char tmp[8])
{
    return ps_rgb_hex(ps_palette(p)->rgb, tmp);
}

static enum ps_status draw_title(struct ps_buf *b, const struct fig *f, const struct panel *p)
{
    const struct ps_schedule *s = p->s;
    char a[32], c[32], shape[200] = "";
    if (!f->common_sc || s->chunks > 1) {
        int n = snprintf(shape, sizeof shape, "(%.40s", f->common_sc ? "" : s->sc->name);
        if (s->chunks > 1 && n >= 0 && (size_t)n < sizeof shape)
            snprintf(shape + n, sizeof shape - (size_t)n, "%s%d chunks, %s",
                     f->common_sc ? "" : ", ", s->chunks, ps_traversal_str(s->traversal));
        strcat(shape, ")");
    }
    /* What the line holds before the numbers, to choose a form of them that fits. */
    double used = PAD + text_w(text_chars(s->name) < 40 ? text_chars(s->name) : 40, 12, true) +
                  (shape[0] ? 4 + text_w(text_chars(shape), 12, false) : 0) + 10;
    double room = f->width - PAD - used;
    enum ps_status st = ps_buf_printf(b, "<text x=\"%s\" y=\"%s\" font-size=\"12\">", num(a, PAD),
                                      num(c, p->y + 12));
    if (st == PS_OK)
        st = ps_buf_printf(b, "<tspan font-weight=\"bold\">");
    if (st == PS_OK)
        st = xml_text(b, s->name, 40);
    if (st == PS_OK)
        st = ps_buf_printf(b, "</tspan>");
    if (st == PS_OK && shape[0]) {
        st = ps_buf_printf(b, "<tspan fill=\"#555555\" dx=\"4\">");
        if (st == PS_OK)
            st = xml_text(b, shape, sizeof shape);
        if (st == PS_OK)
            st = ps_buf_printf(b, "</tspan>");
    }
    if (st != PS_OK)
        return st;
    if (!p->drawn) {
        char why[320];
        snprintf(why, sizeof why, "no schedule%s%s", s->solver.error[0] ? ": " : "",
                 s->solver.error);
        st = ps_buf_printf(b, "<tspan fill=\"#D55E00\" dx=\"10\">");
        if (st == PS_OK)
            st = xml_text(b, why, (size_t)fmax(12, room / (12 * 0.56)));
        return st == PS_OK ? ps_buf_printf(b, "</tspan></text>\n") : st;
    }
    char ms[32], ratio[32], bub[32];
    eye_ms(s->makespan_ns, ms, sizeof ms);
    int64_t lbn = lower_bound_of(s);
    snprintf(ratio, sizeof ratio, "%.2f", lbn > 0 ? (double)s->makespan_ns / (double)lbn : NAN);
    snprintf(bub, sizeof bub, "%.1f", 100.0 * s->bubble_ratio);
    for (char *q = ratio; *q; q++)
        *q = *q == ',' ? '.' : *q;
    for (char *q = bub; *q; q++)
        *q = *q == ',' ? '.' : *q;
    /* A solver's status first (optimal; feasible, bound X, gap Y%): a heuristic's goes
     * without saying. */
    char status[3][300] = {"", "", ""};
    if (s->solver.status != PS_SOLVE_HEURISTIC) {
        char full[256];
        ps_solve_status_text(s, full, sizeof full);
        snprintf(status[0], sizeof status[0], "%s \xC2\xB7 ", full);
        char g[16];
        ps_gap_str(s->solver.gap, g, sizeof g);
        if (s->solver.gap > 0 && isfinite(s->solver.gap))
            snprintf(status[1], sizeof status[1], "%s, gap %s \xC2\xB7 ",
                     ps_solve_status_str(s->solver.status), g);
        else
            snprintf(status[1], sizeof status[1], "%s \xC2\xB7 ",
                     ps_solve_status_str(s->solver.status));
        snprintf(status[2], sizeof status[2], "%s \xC2\xB7 ",
                 ps_solve_status_str(s->solver.status));
    }
    /* Longest form that fits the width: the figure keeps one line per schedule. */
    char stats[3][480];
    snprintf(stats[0], sizeof stats[0],
             "%smakespan %s ms \xC2\xB7 bubble %s%% \xC2\xB7 %s\xC3\x97 lower bound", status[0], ms,
             bub, ratio);
    snprintf(stats[1], sizeof stats[1], "%s%s ms \xC2\xB7 bubble %s%% \xC2\xB7 %s\xC3\x97 bound",
             status[1], ms, bub, ratio);
    snprintf(stats[2], sizeof stats[2], "%s%s ms \xC2\xB7 %s%% \xC2\xB7 %s\xC3\x97", status[2], ms,
             bub, ratio);
    static const char *const over[3] = {"\xC2\xB7 over the memory limit",
                                        "\xC2\xB7 over memory limit", "\xC2\xB7 over limit"};
    int form = 2;
    for (int i = 0; i < 3; i++) {
        size_t chars = text_chars(stats[i]) + (s->memory_ok ? 0 : text_chars(over[i]));
        if (text_w(chars, 12, false) <= room) {
            form = i;
            break;
        }
    }
    st = ps_buf_printf(b, "<tspan dx=\"10\">");
    if (st == PS_OK)
        st = xml_text(b, stats[form], sizeof stats[form]);
    if (st == PS_OK)
        st = ps_buf_printf(b, "</tspan>");
    if (st == PS_OK && !s->memory_ok)
        st = ps_buf_printf(b, "<tspan fill=\"#D55E00\" font-weight=\"bold\" dx=\"4\">%s</tspan>",
                           over[form]);
    if (st == PS_OK)
        st = ps_buf_printf(b, "</text>\n");
    return st;
}

/* network.arrangement=blocking: a bar through the middle of a device's row while its
 * blocking send holds it (the producer's end to the end of the transmission). */
static enum ps_status draw_holds(struct ps_buf *b, const struct fig *f, const struct panel *p)
{
    const struct ps_schedule *s = p->s;
    enum ps_status st = PS_OK;
    char tip[200], t0[32], t1[32];
    for (size_t i = 0; i < s->n_transfers && st == PS_OK; i++) {
        const struct ps_transfer *t = &s->transfers[i];
        if (s->sc->arrangement != PS_ARRANGE_BLOCKING || t->end_ns <= t->ready_ns ||
            t->from_stage < 0 || t->from_stage >= s->n_stages)
            continue;
        eye_ms(t->ready_ns, t0, sizeof t0);
        eye_ms(t->end_ns, t1, sizeof t1);
        snprintf(tip, sizeof tip,
                 "stage %d held by its blocking send of the %s of microbatch %d: "
                 "%s to %s ms",
                 t->from_stage, ps_xfer_kind_str(t->kind), t->microbatch, t0, t1);
        st = block(b, f, "held", t->ready_ns, t->end_ns, p->row[t->from_stage] + f->rh * 0.35,
                   f->rh * 0.3, HELD_FILL, -1, tip);
    }
    return st;
}

/* Each device's idle time by cause, at the right of its row: a bar whose full width is the
 * makespan, the causes stacked in their order (docs/model.md, "Bubble breakdown"). */
static enum ps_status draw_bars(struct ps_buf *b, const struct fig *f, const struct panel *p)
{
    const struct ps_schedule *s = p->s;
    enum ps_status st = PS_OK;
    if (f->bar_x <= 0 || s->makespan_ns <= 0)
        return PS_OK;
    st = text(b, f->bar_x, p->top - 3, 8.5, "start", " fill=\"#555555\"", "idle by cause", 24);
    char tip[200], ms[32];
    for (int d = 0; d < s->n_stages && st == PS_OK; d++) {
        st = rect(b, f->bar_x, p->row[d], BAR_W, f->rh, "#FFFFFF",
                  " stroke=\"#BBBBBB\" stroke-width=\"0.5\"");
        double x = f->bar_x;
        for (int c = 0; c < PS_BUBBLE_COUNT && st == PS_OK; c++) {
            int64_t v = s->bubble_ns[(size_t)d * PS_BUBBLE_COUNT + c];
            if (v <= 0)
                continue;
            double w = BAR_W * (double)v / (double)s->makespan_ns;
            eye_ms(v, ms, sizeof ms);
            snprintf(tip, sizeof tip, "stage %d idle, %s: %s ms (%.1f%% of its time)", d,
                     ps_bubble_cause_label((enum ps_bubble_cause)c), ms,
                     100.0 * (double)v / (double)s->makespan_ns);
            char cls[32];
            snprintf(cls, sizeof cls, " class=\"bubble %s\"", ps_bubble_cause_str(c));
            st = ps_buf_printf(b, "<g%s><title>", cls);
            if (st == PS_OK)
                st = xml_text(b, tip, 200);
            if (st == PS_OK)
                st = ps_buf_printf(b, "</title>");
            if (st == PS_OK)
                st = rect(b, x, p->row[d], w, f->rh, cause_fill[c], NULL);
            if (st == PS_OK)
                st = ps_buf_printf(b, "</g>\n");
            x += w;
        }
    }
    return st;
}

static enum ps_status draw_panel(struct ps_buf *b, const struct fig *f, const struct panel *p,
                                 double tick_step_ms)
{
    const struct ps_schedule *s = p->s;
    const struct ps_scenario *sc = s->sc;
    char a[32], c[32], d[32], e[32];
    enum ps_status st = draw_title(b, f, p);
    double row_pitch = f->rh + (p->dp ? 1 + f->dh : 0) + f->gap;
    int label_every = row_pitch >= 9 ? 1 : (int)ceil(9 / row_pitch);
    double x_end = p->drawn ? x_of(f, s->makespan_ns) : f->left + f->plot_w;

    /* Idle background of every lane, then the grid over it. */
    for (int dv = 0; dv < s->n_stages && st == PS_OK; dv++) {
        st = rect(b, f->left, p->row[dv], x_end - f->left, f->rh, IDLE_FILL, NULL);
        if (st == PS_OK && p->dp)
            st = rect(b, f->left, p->row[dv] + f->rh + 1, x_end - f->left, f->dh, "#F6F6F6", NULL);
    }
    for (int k = 0; k < p->n_ch && st == PS_OK; k++)
        st = rect(b, f->left, p->ch_y[k], x_end - f->left, f->chh, "#F6F6F6", NULL);
    for (long i = 1; st == PS_OK && i * tick_step_ms <= f->t_max_ms * (1 + 1e-9); i++) {
        double x = f->left + i * tick_step_ms / f->t_max_ms * f->plot_w;
        st = ps_buf_printf(b,
                           "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#FFFFFF\" "
                           "stroke-width=\"0.8\"/>\n",
                           num(a, x), num(c, p->top), num(d, x), num(e, p->bottom));
    }

    /* Datacenter groups: the name by the first row, a rule between groups. */
    for (int dc = 0; dc < sc->n_dcs && st == PS_OK; dc++) {
        int first = ps_scenario_dc_first_stage(sc, dc);
        int last = first + sc->dcs[dc].stages - 1;
        double ymid = (p->row[first] + p->row[last] + f->rh) / 2;
        if (sc->dcs[dc].stages == 1 || ymid - p->row[first] < 7)
            ymid = p->row[first] + f->rh / 2;
        size_t max_chars = (size_t)fmax(3, floor(f->dc_col / (11 * 0.61)));
        st = text(b, PAD, ymid + 4, 11, "start", " font-weight=\"bold\"", sc->dcs[dc].name,
                  max_chars);
        if (st == PS_OK && dc > 0) {
            double yl = p->row[first] - 2.5 - f->gap / 2;
            st = ps_buf_printf(b,
                               "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#333333\" "
                               "stroke-width=\"0.8\"/>\n",
                               num(a, PAD), num(c, yl), num(d, f->width - PAD), num(e, yl));
        }
    }
    for (int dv = 0; dv < s->n_stages && st == PS_OK; dv++) {
        if (dv % label_every)
            continue;
        char name[16];
        snprintf(name, sizeof name, "s%d", dv);
        double fs = fmin(10, fmax(6, row_pitch * 0.9 * label_every));
        st = text(b, f->left - 5, p->row[dv] + f->rh / 2 + fs * 0.35, fs, "end",
                  " fill=\"#333333\"", name, 16);
    }
    for (int k = 0; k < p->n_ch && st == PS_OK; k++) {
        char name[160];
        ps_channel_name(s, p->ch[k], name, sizeof name);
        /* Channel names read "east->west"; an arrow reads better in a figure. */
        char pretty[200];
        char *arrow = strstr(name, "->");
        if (arrow) {
            *arrow = '\0';
            snprintf(pretty, sizeof pretty, "%s\xE2\x86\x92%s", name, arrow + 2);
        } else {
            snprintf(pretty, sizeof pretty, "%s", name);
        }
        /* Thin rows of a deep pipeline get smaller labels, never overlapping ones. */
        double fs = fmin(9.5, (f->chh + f->gap) * 1.1);
        size_t max_chars = (size_t)fmax(4, floor((f->left - PAD - 5) / (fs * 0.56)));
        st = text(b, f->left - 5, p->ch_y[k] + f->chh / 2 + fs * 0.35, fs, "end",
                  " fill=\"#333333\" font-style=\"italic\"", pretty, max_chars);
    }
    if (st != PS_OK)
        return st;
    if (!p->drawn)
        return PS_OK;

    /* The blocks. */
    bool **crit = NULL;
    if (f->opt->critical_path) {
        crit = calloc((size_t)s->n_stages, sizeof(*crit));
        for (int dv = 0; crit && dv < s->n_stages; dv++)
            if (!(crit[dv] = calloc(s->dev_n[dv] + 1, sizeof(bool))))
                st = PS_ENOMEM;
        if (!crit)
            st = PS_ENOMEM;
        else if (st == PS_OK)
            ps_sim_critical_path(s, crit);
    }
    char tip[256], tmp[40];
    for (int dv = 0; dv < s->n_stages && st == PS_OK; dv++) {
        for (size_t k = 0; k < s->dev_n[dv] && st == PS_OK; k++) {
            const struct ps_op *op = &s->dev_ops[dv][k];
            char cls[16];
            snprintf(cls, sizeof cls, "op %s", ps_op_kind_str(op->kind));
            op_tip(tip, sizeof tip, op);
            st = block(b, f, cls, op->start_ns, op->end_ns, p->row[dv], f->rh, op_fill(s, op, tmp),
                       op->microbatch, tip);
        }
        if (!p->dp)
            continue;
        for (size_t k = 0; k < s->dp_n[dv] && st == PS_OK; k++) {
            const struct ps_op *op = &s->dp_ops[dv][k];
            char cls[16];
            snprintf(cls, sizeof cls, "op %s", ps_op_kind_str(op->kind));
            op_tip(tip, sizeof tip, op);
            st = block(b, f, cls, op->start_ns, op->end_ns, p->row[dv] + f->rh + 1, f->dh,
                       op_fill(s, op, tmp), -1, tip);
        }
    }
    for (size_t i = 0; i < s->n_transfers && st == PS_OK && p->n_ch > 0; i++) {
        const struct ps_transfer *t = &s->transfers[i];
        int k = 0;
        while (k < p->n_ch && p->ch[k] != t->channel)
            k++;
        if (k == p->n_ch || t->end_ns <= t->start_ns)
            continue;
        char t0[32], t1[32], t2[32];
        eye_ms(t->start_ns, t0, sizeof t0);
        eye_ms(t->end_ns, t1, sizeof t1);
        eye_ms(t->arrive_ns, t2, sizeof t2);
        snprintf(tip, sizeof tip,
                 "%s of microbatch %d, stage %d to %d: sent %s to %s ms, arrives %s ms",
                 ps_xfer_kind_str(t->kind), t->microbatch, t->from_stage, t->to_stage, t0, t1, t2);
        st =
            block(b, f, t->kind == PS_XFER_ACTIVATION ? "xfer activation" : "xfer gradient",
                  t->start_ns, t->end_ns, p->ch_y[k], f->chh,
                  paint_hex(ps_paint_of_xfer((enum ps_xfer_kind)t->kind), tmp), t->microbatch, tip);
    }
    if (st == PS_OK)
        st = draw_holds(b, f, p);
    if (st == PS_OK)
        st = draw_bars(b, f, p);
    /* The critical path's outlines go over every block, so that no neighbour hides them. */
    for (int dv = 0; crit && dv < s->n_stages && st == PS_OK; dv++)
        for (size_t k = 0; k < s->dev_n[dv] && st == PS_OK; k++) {
            if (!crit[dv][k])
                continue;
            const struct ps_op *op = &s->dev_ops[dv][k];
            double x0 = x_of(f, op->start_ns), x1 = x_of(f, op->end_ns);
            st = rect(b, x0, p->row[dv], fmax(x1 - x0, 0.4), f->rh, "none",
                      " class=\"critical\" stroke=\"#000000\" stroke-width=\"1.2\"");
        }
    for (int dv = 0; crit && dv < s->n_stages; dv++)
        free(crit[dv]);
    free(crit);

    /* The lower bound, dashed, where no schedule can end before. */
    int64_t lb = lower_bound_of(s);
    if (st == PS_OK && !f->opt->hide_lower_bound && lb > 0 &&
        ps_ns_to_ms(lb) <= f->t_max_ms * (1 + 1e-9)) {
        double x = x_of(f, lb);
        st = ps_buf_printf(b,
                           "<line class=\"lower-bound\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                           "stroke=\"#000000\" stroke-width=\"0.9\" stroke-dasharray=\"3,2\"/>\n",
                           num(a, x), num(c, p->top - 2), num(d, x), num(e, p->bottom + 2));
    }
    return st;
}

static enum ps_status draw_axis(struct ps_buf *b, const struct fig *f, double step)
{
    char a[32], c[32], d[32], e[32];
    double y = f->axis_y;
    enum ps_status st = ps_buf_printf(
        b,
        "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#000000\" stroke-width=\"0.8\"/>\n",
        num(a, f->left), num(c, y), num(d, f->left + f->plot_w), num(e, y));
    int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    for (long i = 0; st == PS_OK && i * step <= f->t_max_ms * (1 + 1e-9); i++) {
        double t = i * step;
        double x = f->left + t / f->t_max_ms * f->plot_w;
        st = ps_buf_printf(b,
                           "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#000000\" "
                           "stroke-width=\"0.8\"/>\n",
                           num(a, x), num(c, y), num(d, x), num(e, y + 4));
        char label[32];
        snprintf(label, sizeof label, "%.*f", decimals, t);
        for (char *q = label; *q; q++)
            *q = *q == ',' ? '.' : *q;
        if (st == PS_OK)
            st = text(b, x, y + 15, 10, "middle", NULL, label, 32);
    }
    if (st == PS_OK)
        st = text(b, f->left + f->plot_w / 2, y + 28, 10.5, "middle", NULL, "time (ms)", 16);
    return st;
}

static enum ps_status draw_legend(struct ps_buf *b, struct fig *f, bool measure_only)
{
    static const char *const thin = " stroke=\"#999999\" stroke-width=\"0.5\"";
    struct item {
        const char *fill; /* NULL: a dashed line */
        const char *stroke;
        const char *label;
        bool on;
    } items[] = {
        {NULL, NULL, "forward (F)", true},
        {NULL, NULL, f->any_split ? "input gradient (B)" : "backward (B)", true},
        {NULL, NULL, "weight gradient (W)", f->any_w},
        {NULL, NULL, "recomputation (R)", f->any_r},
        {NULL, NULL, "all-gather (AG)", f->any_dp},
        {NULL, NULL, "reduce-scatter (RS)", f->any_dp},
        {NULL, NULL, "activation sent", f->any_ch},
        {NULL, NULL, "gradient sent", f->any_ch},
        {IDLE_FILL, thin, "idle", true},
        {HELD_FILL, NULL, "held by a blocking send", f->any_held},
        {cause_fill[PS_BUBBLE_FILL], NULL, "idle: fill", f->bar_x > 0 && f->cause[0]},
        {cause_fill[PS_BUBBLE_CROSS_DC], NULL, "idle: cross-DC", f->bar_x > 0 && f->cause[1]},
        {cause_fill[PS_BUBBLE_INTRA_DC], NULL, "idle: intra-DC", f->bar_x > 0 && f->cause[2]},
        {cause_fill[PS_BUBBLE_MEMORY], NULL, "idle: memory", f->bar_x > 0 && f->cause[3]},
        {cause_fill[PS_BUBBLE_RENDEZVOUS], NULL, "idle: rendezvous", f->bar_x > 0 && f->cause[4]},
        {cause_fill[PS_BUBBLE_DP], NULL, "idle: all-gather", f->bar_x > 0 && f->cause[5]},
        {cause_fill[PS_BUBBLE_END], thin, "idle: end", f->bar_x > 0 && f->cause[6]},
        {NULL, NULL, "lower bound", !f->opt->hide_lower_bound},
        {"none", " stroke=\"#000000\" stroke-width=\"1.2\"", "critical path",
         f->opt->critical_path},
    };
    /* The first seven are the palette's, in its order; light ones get an outline. */
    char hexes[PS_PAINT_COUNT][40];
    for (int i = 0; i < PS_PAINT_COUNT; i++) {
        items[i].fill = paint_fill((enum ps_paint)i, 0, 1, hexes[i]);
        items[i].stroke = ps_rgb_luminance(ps_palette((enum ps_paint)i)->rgb) > LIGHT ? thin : NULL;
    }
    if (f->any_split && f->any_combined)
        items[1].label = "backward, or input gradient (B)";
    double x = f->left, y = f->legend_y;
    enum ps_status st = PS_OK;
    char a[32], c[32], d[32], e[32];
    for (size_t i = 0; i < sizeof items / sizeof items[0] && st == PS_OK; i++) {
        if (!items[i].on)
            continue;
        double w = 14 + 4 + text_w(strlen(items[i].label), 10, false) + 14;
        if (x + w > f->width - PAD && x > f->left) {
            x = f->left;
            y += 16;
        }
        if (!measure_only) {
            if (items[i].fill)
                st = rect(b, x, y - 8, 14, 10, items[i].fill, items[i].stroke);
            else
                st = ps_buf_printf(b,
                                   "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                                   "stroke=\"#000000\" stroke-width=\"0.9\" "
                                   "stroke-dasharray=\"3,2\"/>\n",
                                   num(a, x + 7), num(c, y - 10), num(d, x + 7), num(e, y + 4));
            if (st == PS_OK)
                st = text(b, x + 18, y + 1, 10, "start", NULL, items[i].label, 64);
        }
        x += w;
    }
    if (f->any_chunks) {
        const char *note = "lighter shade: later chunk";
        double w = text_w(strlen(note), 10, false);
        if (x + w > f->width - PAD && x > f->left) {
            x = f->left;
            y += 16;
        }
        if (!measure_only && st == PS_OK)
            st =
                text(b, x, y + 1, 10, "start", " fill=\"#555555\" font-style=\"italic\"", note, 64);
    }
    if (measure_only)
        f->height = y + 8 + PAD;
    return st;
}

static enum ps_status draw_heading(struct ps_buf *b, const struct fig *f)
{
    const char *title = f->opt->title;
    char line[512];
    if (!title && f->common_sc) {
        const struct ps_scenario *sc = f->common_sc;
        int n = snprintf(line, sizeof line, "%s: %d stage%s", sc->name[0] ? sc->name : "scenario",
                         sc->n_stages, sc->n_stages == 1 ? "" : "s");
        if (sc->n_dcs > 1 && n >= 0 && (size_t)n < sizeof line) {
            n += snprintf(line + n, sizeof line - (size_t)n, " in %d datacenters (", sc->n_dcs);
            for (int i = 0; i < sc->n_dcs && n >= 0 && (size_t)n < sizeof line; i++)
                n += snprintf(line + n, sizeof line - (size_t)n, "%s%s %d", i ? ", " : "",
                              sc->dcs[i].name, sc->dcs[i].stages);
            if (n >= 0 && (size_t)n < sizeof line)
                n += snprintf(line + n, sizeof line - (size_t)n, ")");
        }
        if (n >= 0 && (size_t)n < sizeof line)
            snprintf(line + n, sizeof line - (size_t)n, ", %d microbatch%s", sc->n_microbatches,
                     sc->n_microbatches == 1 ? "" : "es");
        title = line;
    }
    if (!title)
        return PS_OK;
    size_t max_chars = (size_t)fmax(10, floor((f->width - 2 * PAD) / (11 * 0.56)));
    return text(b, PAD, PAD + 10, 11, "start", " fill=\"#555555\"", title, max_chars);
}

/* The hatch patterns of the hatched paint (R, recomputation: grayscale tells it from the
 * other kinds by its stripes, not its lightness): one per colour the figure uses. */
static enum ps_status draw_patterns(struct ps_buf *b, const struct ps_schedule *const *scheds,
                                    size_t n)
{
    uint32_t seen[PS_MAX_CHUNKS + 1];
    int n_seen = 0;
    seen[n_seen++] = ps_paint_rgb(PS_PAINT_R, 0, 1); /* the legend's */
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < scheds[i]->chunks && n_seen <= PS_MAX_CHUNKS; c++) {
            uint32_t rgb = ps_paint_rgb(PS_PAINT_R, c, scheds[i]->chunks);
            bool have = false;
            for (int k = 0; k < n_seen; k++)
                have |= seen[k] == rgb;
            if (!have)
                seen[n_seen++] = rgb;
        }
    enum ps_status st = ps_buf_printf(b, "<defs>\n");
    for (int k = 0; k < n_seen && st == PS_OK; k++) {
        char hex[8];
        st = ps_buf_printf(b,
                           "<pattern id=\"hatch-%06X\" patternUnits=\"userSpaceOnUse\" width=\"4\" "
                           "height=\"4\" patternTransform=\"rotate(45)\"><rect width=\"4\" "
                           "height=\"4\" fill=\"%s\"/><rect width=\"1.5\" height=\"4\" "
                           "fill=\"#FFFFFF\"/></pattern>\n",
                           (unsigned)seen[k], ps_rgb_hex(seen[k], hex));
    }
    return st == PS_OK ? ps_buf_printf(b, "</defs>\n") : st;
}

/* The provenance (docs/formats.md): the line as the document's description, the objects
 * (one per schedule) as JSON in its metadata. */
static enum ps_status write_provenance(struct ps_buf *b, const struct ps_schedule *const *scheds,
                                       size_t n)
{
    char *line = malloc(8192);
    if (line == NULL)
        return PS_ENOMEM;
    ps_provenance_line(scheds, n, line, 8192);
    enum ps_status st = ps_buf_printf(b, "<desc>");
    if (st == PS_OK)
        st = xml_text(b, line, 8192);
    free(line);
    if (st == PS_OK)
        st = ps_buf_printf(b, "</desc>\n<metadata>");
    struct ps_buf json;
    ps_buf_init(&json);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        st = ps_buf_printf(&json, "%s", i ? ", " : "{ \"provenance\": [");
        if (st == PS_OK)
            st = ps_buf_provenance_json(&json, scheds[i]->sc, scheds[i]);
    }
    if (st == PS_OK)
        st = ps_buf_append(&json, "] }", 4); /* with the NUL */
    /* Element content: only &, < and > need escaping, so the JSON stays readable. */
    for (size_t i = 0, run = 0; st == PS_OK && i < json.len; i++) {
        char c = json.data[i];
        const char *rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : NULL;
        if (c == '\0' || rep) {
            st = ps_buf_append(b, json.data + run, i - run);
            if (st == PS_OK && rep)
                st = ps_buf_printf(b, "%s", rep);
            run = i + 1;
        }
    }
    ps_buf_fini(&json);
    return st == PS_OK ? ps_buf_printf(b, "</metadata>\n") : st;
}

enum ps_status ps_export_schedule_svg_opts(const struct ps_schedule *const *scheds, size_t n,
                                           const struct ps_svg_options *opt, struct ps_buf *out)
{
    if (!scheds || n == 0 || !out)
        return PS_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!scheds[i] || !scheds[i]->sc)
            return PS_EINVAL;
        if (!scheds[i]->timed && scheds[i]->solver.status != PS_SOLVE_INFEASIBLE)
            return PS_EINVAL;
    }
    struct ps_svg_options defaults;
    memset(&defaults, 0, sizeof defaults);
    if (!opt)
        opt = &defaults;
    struct fig f;
    memset(&f, 0, sizeof f);
    enum ps_status st = layout(&f, scheds, n, opt);
    double step = nice_step(f.t_max_ms / fmax(2, f.plot_w / 90));
    if (st == PS_OK)
        st = draw_legend(out, &f, true);
    char w[32], h[32];
    if (st == PS_OK)
        st = ps_buf_printf(out,
                           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                           "width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" "
                           "font-family=\"" FONT "\">\n",
                           num(w, f.width), num(h, ceil(f.height)), w, h);
    /* The document's name (viewers show it; screen readers read it): the schedules. */
    if (st == PS_OK)
        st = ps_buf_printf(out, "<title>");
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        st = ps_buf_printf(out, "%s", i ? ", " : "");
        if (st == PS_OK)
            st = xml_text(out, scheds[i]->name, PS_SCHED_NAME_MAX);
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, "</title>\n");
    if (st == PS_OK)
        st = write_provenance(out, scheds, n);
    if (st == PS_OK && f.any_r)
        st = draw_patterns(out, scheds, n);
    if (st == PS_OK)
        st = rect(out, 0, 0, f.width, ceil(f.height), "#FFFFFF", NULL);
    if (st == PS_OK)
        st = draw_heading(out, &f);
    for (size_t i = 0; i < n && st == PS_OK; i++)
        st = draw_panel(out, &f, &f.p[i], step);
    if (st == PS_OK)
        st = draw_axis(out, &f, step);
    if (st == PS_OK)
        st = draw_legend(out, &f, false);
    if (st == PS_OK)
        st = ps_buf_printf(out, "</svg>\n");
    fig_free(&f);
    return st;
}

enum ps_status ps_export_schedule_svg(const struct ps_schedule *const *scheds, size_t n,
                                      int width_px, struct ps_buf *out)
{
    struct ps_svg_options opt;
    memset(&opt, 0, sizeof opt);
    opt.width_px = width_px;
    return ps_export_schedule_svg_opts(scheds, n, &opt, out);
}

/* ---- shared with the other figures (export_internal.h) ------------------------------- */

enum ps_status ps_svg_text(struct ps_buf *b, const char *s, size_t max_chars)
{
    return xml_text(b, s, max_chars);
}

const char *ps_svg_num(char *buf, double v)
{
    return num(buf, v);
}

double ps_svg_nice_step(double min_step)
{
    return nice_step(min_step);
}
