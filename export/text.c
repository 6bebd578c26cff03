/* The text summary of one schedule and its ASCII Gantt chart: a first look at a schedule
 * in any terminal or log, without the explorer. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/field.h"
#include "core/sim.h"
#include "core/text.h"
#include "core/units.h"
#include "export/export_internal.h"

#define LABEL_DC_MAX 10

/* Four significant digits or one decimal for the eye. */
static void eye_ms(int64_t ns, char *buf, size_t size)
{
    double ms = ps_ns_to_ms(ns);
    if (fabs(ms) >= 1000)
        snprintf(buf, size, "%.1f", ms);
    else if (fabs(ms) >= 10)
        snprintf(buf, size, "%.2f", ms);
    else
        snprintf(buf, size, "%.3f", ms);
}

static enum ps_status summary(const struct ps_schedule *s, int width, struct ps_buf *out)
{
    const struct ps_scenario *sc = s->sc;
    /* names and messages may come from a file: shown with their control characters
     * escaped (core/text.h) */
    char name[4 * sizeof sc->name], err[4 * sizeof s->solver.error];
    ps_text_safe(sc->name[0] ? sc->name : "(unnamed)", name, sizeof name);
    enum ps_status st =
        ps_buf_printf(out, "scenario  %s: %d stage%s in %d datacenter%s (", name, sc->n_stages,
                      sc->n_stages == 1 ? "" : "s", sc->n_dcs, sc->n_dcs == 1 ? "" : "s");
    for (int i = 0; i < sc->n_dcs && st == PS_OK; i++)
        st = ps_buf_printf(out, "%s%s %d", i ? ", " : "",
                           ps_text_safe(sc->dcs[i].name, name, sizeof name), sc->dcs[i].stages);
    if (st == PS_OK)
        st = ps_buf_printf(out, "), %d microbatch%s\n", sc->n_microbatches,
                           sc->n_microbatches == 1 ? "" : "es");
    char a[32], b[32], c[32], status[320];
    snprintf(a, sizeof a, "%.1f", s->solver.solve_ms);
    /* The outcome with its bound and gap ("feasible, bound 57 ms, gap 5.0%"); an
     * infeasible result says why on its own line below. */
    if (s->solver.status == PS_SOLVE_INFEASIBLE)
        snprintf(status, sizeof status, "%s", ps_solve_status_str(s->solver.status));
    else
        ps_solve_status_text(s, status, sizeof status);
    if (st == PS_OK)
        st = ps_buf_printf(out, "schedule  %s: %d chunk%s, %s, %s backward; %s, solved in %s ms\n",
                           ps_text_safe(s->name, name, sizeof name), s->chunks,
                           s->chunks == 1 ? "" : "s", ps_traversal_str(s->traversal),
                           s->split_backward ? "split" : "combined", status, a);
    if (st != PS_OK)
        return st;
    int64_t lb = s->timed && s->lower_bound_ns > 0 ? s->lower_bound_ns : ps_lower_bound_ns(sc);
    eye_ms(lb, b, sizeof b);
    if (!s->timed || s->solver.status == PS_SOLVE_INFEASIBLE) {
        return ps_buf_printf(out, "result    no schedule%s%s\nbound     lower bound %s ms\n",
                             s->solver.error[0] ? ": " : "",
                             ps_text_safe(s->solver.error, err, sizeof err), b);
    }
    eye_ms(s->makespan_ns, a, sizeof a);
    snprintf(c, sizeof c, "%.3f", lb > 0 ? (double)s->makespan_ns / (double)lb : NAN);
    st = ps_buf_printf(out, "makespan  %s ms   bubble %.1f%%   lower bound %s ms (ratio %s)\n", a,
                       100.0 * s->bubble_ratio, b, c);
    /* the bubble by cause, as shares of all devices' time (the non-zero ones), wrapped */
    int64_t by[PS_BUBBLE_COUNT];
    ps_bubble_totals(s, by);
    double whole = (double)s->n_stages * (double)s->makespan_ns;
    int used = 0;
    for (int k = 0; k < PS_BUBBLE_COUNT && st == PS_OK && whole > 0; k++) {
        if (by[k] == 0)
            continue;
        char item[48];
        int len = snprintf(item, sizeof item, "%s %.1f%%",
                           ps_bubble_cause_label((enum ps_bubble_cause)k), 100.0 * by[k] / whole);
        if (used == 0)
            used = (int)strlen("bubble by cause: "), st = ps_buf_printf(out, "bubble by cause: ");
        else if (used + 2 + len > width)
            used = 10, st = ps_buf_printf(out, ",\n%10s", "");
        else
            used += 2, st = ps_buf_printf(out, ", ");
        if (st == PS_OK)
            st = ps_buf_printf(out, "%s", item);
        used += len;
    }
    if (st == PS_OK && used > 0)
        st = ps_buf_printf(out, "\n");
    double peak = 0;
    int at = 0;
    for (int d = 0; d < s->n_stages; d++)
        if (s->peak_memory[d] > peak)
            peak = s->peak_memory[d], at = d;
    /* a workload's activation unit is 1 GB (docs/model.md, Workloads) */
    const char *unit = sc->workload != NULL ? "GB" : "units";
    if (st == PS_OK) {
        if (sc->has_memory_limit)
            st = ps_buf_printf(out, "memory    peak %.2f %s (stage %d), limit %g: %s\n", peak, unit,
                               at, sc->memory_limit, s->memory_ok ? "ok" : "OVER THE LIMIT");
        else
            st =
                ps_buf_printf(out, "memory    peak %.2f %s (stage %d), no limit\n", peak, unit, at);
    }
    return st;
}

/* A step for axis ticks: 1, 2 or 5 times a power of ten, at least min_step. */
static double nice_step(double min_step)
{
    if (!(min_step > 0))
        return 1;
    double p = pow(10, floor(log10(min_step)));
    for (int i = 0; i < 4; i++) {
        static const double m[] = {1, 2, 5, 10};
        if (m[i] * p >= min_step)
            return m[i] * p;
    }
    return 10 * p;
}

/* network.arrangement=blocking: the idle cells of device d while one of its sends holds it
 * (from its producer's end to the end of its transmission) become '='. Returns whether any
 * did. */
static bool draw_holds(const struct ps_schedule *s, int d, int cols, int64_t T, char *row)
{
    bool any = false;
    if (s->sc->arrangement != PS_ARRANGE_BLOCKING)
        return false;
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        if (x->from_stage != d || x->end_ns <= x->ready_ns)
            continue;
        double c0 = fmin(fmax((double)x->ready_ns * cols / (double)T, -1.0), cols + 1.0);
        double c1 = fmin(fmax((double)x->end_ns * cols / (double)T, -1.0), cols + 1.0);
        for (int cell = (int)ceil(c0 - 0.5); cell < (int)ceil(c1 - 0.5) && cell < cols; cell++)
            if (cell >= 0 && row[cell] == '.') {
                row[cell] = '=';
                any = true;
            }
    }
    return any;
}

static enum ps_status gantt(const struct ps_schedule *s, int width, struct ps_buf *out)
{
    const struct ps_scenario *sc = s->sc;
    int S = s->n_stages;
    int dcw = 0;
    for (int i = 0; i < sc->n_dcs; i++) {
        int l = (int)ps_text_safe_len(sc->dcs[i].name);
        if (l > dcw)
            dcw = l;
    }
    if (dcw > LABEL_DC_MAX)
        dcw = LABEL_DC_MAX;
    int sw = snprintf(NULL, 0, "%d", S - 1);
    int labelw = dcw + sw + 4; /* "east s12 |" */
    int cols = width - labelw;
    if (cols < 10)
        cols = 10;
    int64_t T = s->makespan_ns > 0 ? s->makespan_ns : 1;

    char *row = malloc((size_t)cols + 1);
    if (row == NULL)
        return PS_ENOMEM;
    enum ps_status st = PS_OK;
    bool held = false;
    for (int d = 0; d < S && st == PS_OK; d++) {
        int dc = ps_scenario_dc_of(sc, d);
        if (d > 0 && ps_scenario_dc_first_stage(sc, dc) == d) {
            /* DC boundary */
            for (int i = 0; i < labelw - 1 && st == PS_OK; i++)
                st = ps_buf_append(out, "-", 1);
            if (st == PS_OK)
                st = ps_buf_append(out, "+", 1);
            for (int i = 0; i < cols && st == PS_OK; i++)
                st = ps_buf_append(out, "-", 1);
            if (st == PS_OK)
                st = ps_buf_append(out, "\n", 1);
        }
        memset(row, '.', (size_t)cols);
        row[cols] = '\0';
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            char ch = ps_op_kind_str((enum ps_op_kind)op->kind)[0];
            if (op->microbatch % 2 == 1)
                ch = (char)(ch - 'A' + 'a');
            /* cells whose centre lies inside the op; a short op still shows in the cell
             * where it starts when that cell is idle */
            /* clamped before any cast: a file read back may hold times past the makespan */
            double c0 = fmin(fmax((double)op->start_ns * cols / (double)T, -1.0), cols + 1.0);
            double c1 = fmin(fmax((double)op->end_ns * cols / (double)T, -1.0), cols + 1.0);
            int from = (int)ceil(c0 - 0.5), to = (int)ceil(c1 - 0.5);
            if (from < 0)
                from = 0;
            if (to > cols)
                to = cols;
            if (from >= to) {
                int cell = (int)floor(c0);
                if (cell >= 0 && cell < cols && row[cell] == '.')
                    row[cell] = ch;
                continue;
            }
            for (int cell = from; cell < to; cell++)
                row[cell] = ch;
        }
        held |= draw_holds(s, d, cols, T, row);
        char label[LABEL_DC_MAX + 1];
        ps_text_safe(sc->dcs[dc].name, label, sizeof label);
        st = ps_buf_printf(out, "%-*s s%-*d |%s\n", dcw, label, sw, d, row);
    }

    /* Time axis: ticks at a round step, at least 10 columns apart; a label only where it
     * fits, so that no line is wider than the chart. */
    double tms = ps_ns_to_ms(T);
    double step = nice_step(tms * 10.0 / cols);
    memset(row, '-', (size_t)cols);
    char *labels = malloc((size_t)cols + 1);
    if (labels == NULL) {
        free(row);
        return PS_ENOMEM;
    }
    memset(labels, ' ', (size_t)cols);
    labels[cols] = '\0';
    int last_end = -1;
    for (int k = 0;; k++) {
        double t = k * step;
        if (t > tms + 1e-9)
            break;
        int cell = (int)floor(t / tms * cols + 1e-9);
        if (cell >= cols)
            cell = cols - 1;
        row[cell] = '+';
        char num[24];
        int len = snprintf(num, sizeof num, "%g", t);
        int at = cell + len <= cols ? cell : cols - len; /* the last one ends at the edge */
        if (at > last_end && at >= 0) {
            memcpy(labels + at, num, (size_t)len);
            last_end = at + len;
        }
    }
    int end = cols;
    while (end > 0 && labels[end - 1] == ' ')
        end--;
    labels[end] = '\0';
    if (st == PS_OK)
        st = ps_buf_printf(out, "%*s%s\n%*s%s%s\n", labelw, "", row, labelw, "", labels,
                           end + 3 <= cols ? " ms" : "");
    free(labels);
    free(row);

    /* The legend, wrapped at its "; " separators to the chart's width. */
    char scale[64];
    snprintf(scale, sizeof scale, "one column = %.3g ms", tms / cols);
    bool any_r = ps_scenario_has_recompute(s->sc);
    const char *items[] = {s->split_backward ? "F forward, B input gradient, W weight gradient"
                                             : "F forward, B backward",
                           any_r ? "R recomputation (replayed forward)" : NULL,
                           "lower case: odd microbatches",
                           ". idle",
                           held ? "= held by a blocking send" : NULL,
                           "axis in ms",
                           scale};
    int used = 0;
    for (size_t i = 0; i < sizeof items / sizeof items[0] && st == PS_OK; i++) {
        if (items[i] == NULL)
            continue;
        int len = (int)strlen(items[i]);
        if (used > 0 && used + 2 + len <= cols) {
            st = ps_buf_printf(out, "; %s", items[i]);
            used += 2 + len;
        } else {
            st = ps_buf_printf(out, "%s%*s%s", used > 0 ? "\n" : "", labelw, "", items[i]);
            used = len;
        }
    }
    if (st == PS_OK)
        st = ps_buf_append(out, "\n", 1);
    return st;
}

enum ps_status ps_export_schedule_text(const struct ps_schedule *s, int width, struct ps_buf *out)
{
    enum ps_status st = summary(s, width, out);
    if (st != PS_OK || !s->timed || s->solver.status == PS_SOLVE_INFEASIBLE)
        return st;
    if ((st = ps_buf_append(out, "\n", 1)) != PS_OK)
        return st;
    return gantt(s, width > 0 ? width : 80, out);
}

/* The largest peak over the devices (0 without a timed result). */
static double max_peak(const struct ps_schedule *s)
{
    double peak = 0;
    for (int d = 0; s->timed && s->peak_memory && d < s->n_stages; d++)
        if (s->peak_memory[d] > peak)
            peak = s->peak_memory[d];
    return peak;
}

void ps_schedule_diff_text(const struct ps_schedule *a, const struct ps_schedule *b, bool unicode,
                           char *buf, size_t size)
{
    const char *delta = unicode ? "\xCE\x94" : "d";
    bool ta = a->timed && a->solver.status != PS_SOLVE_INFEASIBLE;
    bool tb = b->timed && b->solver.status != PS_SOLVE_INFEASIBLE;
    if (!ta || !tb) {
        snprintf(buf, size, "%s %s - %s: %s has no schedule", delta, b->name, a->name,
                 ta ? b->name : a->name);
        return;
    }
    char ms[32];
    double dm = ps_ns_to_ms(b->makespan_ns - a->makespan_ns);
    double pct = a->makespan_ns > 0 ? 100.0 * dm / ps_ns_to_ms(a->makespan_ns) : 0;
    double dp = max_peak(b) - max_peak(a);
    /* the screens' one rounding rule for ms (the explorer shows this line too) */
    ps_fmt_ms_short(ms, sizeof ms, dm);
    snprintf(buf, size,
             "%s %s - %s: makespan %s%s ms (%+.1f%%), bubble %+.1f points, peak memory %+.4g "
             "units",
             delta, b->name, a->name, dm > 0 ? "+" : "", ms, pct,
             100.0 * (b->bubble_ratio - a->bubble_ratio), dp);
}
