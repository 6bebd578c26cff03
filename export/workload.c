/* The workload panel (docs/formats.md): InfiniPipe's comparison of granularities and
 * checkpoint policies, one row per variant, as CSV, JSON or an aligned text table. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "export/export_internal.h"

static const char *const columns[] = {"scenario",
                                      "variant",
                                      "granularity",
                                      "checkpoint",
                                      "status",
                                      "iteration_ms",
                                      "vs_best",
                                      "bubble_ratio",
                                      "recompute_share",
                                      "peak_memory_gb",
                                      "peak_memory_gb_per_stage",
                                      "memory_limit_gb",
                                      "pipelines",
                                      "chunks",
                                      "slices"};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

void ps_wl_panel_rank(struct ps_wl_panel_row *rows, size_t n)
{
    double best = HUGE_VAL;
    for (size_t i = 0; i < n; i++)
        if (rows[i].fits && rows[i].iteration_ms < best)
            best = rows[i].iteration_ms;
    for (size_t i = 0; i < n; i++) {
        rows[i].best = rows[i].fits && rows[i].iteration_ms == best;
        rows[i].vs_best = rows[i].fits ? rows[i].iteration_ms / best - 1 : NAN;
    }
}

static double peak_max(const struct ps_wl_panel_row *r)
{
    double m = 0;
    int n = r->n_stages < PS_WL_PANEL_STAGES ? r->n_stages : PS_WL_PANEL_STAGES;
    for (int s = 0; s < n; s++)
        m = fmax(m, r->peak_gb[s]);
    return m;
}

/* Per-stage peaks as "59.7 59.1 58 52.3" (round-trip numbers, space separated). */
static void peaks_text(const struct ps_wl_panel_row *r, char *buf, size_t size, bool short_form)
{
    size_t used = 0;
    buf[0] = '\0';
    int n = r->n_stages < PS_WL_PANEL_STAGES ? r->n_stages : PS_WL_PANEL_STAGES;
    for (int s = 0; s < n && used + 40 < size; s++) {
        char num[32];
        if (short_form)
            snprintf(num, sizeof num, "%.1f", r->peak_gb[s]);
        else
            ps_out_num(r->peak_gb[s], num);
        used += (size_t)snprintf(buf + used, size - used, "%s%s", s ? " " : "", num);
    }
}

/* The row's values as text, "" for a missing number. */
static void row_values(const struct ps_wl_panel_row *r, char vals[N_COLUMNS][1600])
{
    snprintf(vals[0], 1600, "%s", r->scenario);
    snprintf(vals[1], 1600, "%s", r->variant);
    snprintf(vals[2], 1600, "%s", r->granularity);
    snprintf(vals[3], 1600, "%s", r->checkpoint);
    snprintf(vals[4], 1600, "%s", r->fits ? "ok" : "out_of_memory");
    for (size_t c = 5; c < N_COLUMNS; c++)
        vals[c][0] = '\0';
    ps_out_num(r->limit_gb, vals[11]);
    if (!r->fits)
        return;
    if (isfinite(r->iteration_ms) && fabs(r->iteration_ms) < 1e12)
        ps_out_ms_str(ps_ms_to_ns(r->iteration_ms), vals[5]);
    ps_out_num(r->vs_best, vals[6]);
    ps_out_num(r->bubble_ratio, vals[7]);
    ps_out_num(r->recompute_share, vals[8]);
    ps_out_num(peak_max(r), vals[9]);
    peaks_text(r, vals[10], 1600, false);
    snprintf(vals[12], 1600, "%d", r->pipelines);
    snprintf(vals[13], 1600, "%d", r->chunks);
    snprintf(vals[14], 1600, "%d", r->slices);
}

enum ps_status ps_export_wl_panel_csv(const struct ps_wl_panel_row *rows, size_t n,
                                      struct ps_buf *out)
{
    static char vals[N_COLUMNS][1600];
    enum ps_status st = PS_OK;
    for (size_t c = 0; c < N_COLUMNS && st == PS_OK; c++)
        st = ps_csv_field(out, columns[c], c + 1 == N_COLUMNS);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        row_values(&rows[i], vals);
        for (size_t c = 0; c < N_COLUMNS && st == PS_OK; c++)
            st = ps_csv_field(out, vals[c], c + 1 == N_COLUMNS);
    }
    return st;
}

enum ps_status ps_export_wl_panel_json(const struct ps_wl_panel_row *rows, size_t n,
                                       struct ps_buf *out)
{
    static char vals[N_COLUMNS][1600];
    enum ps_status st = ps_buf_append(out, "[", 1);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        const struct ps_wl_panel_row *r = &rows[i];
        row_values(r, vals);
        st = ps_buf_append(out, i ? ",\n  { " : "\n  { ", i ? 6 : 5);
        for (size_t c = 0; c < N_COLUMNS && st == PS_OK; c++) {
            if (c > 0)
                st = ps_buf_append(out, ", ", 2);
            if (st == PS_OK)
                st = ps_buf_json_string(out, columns[c]);
            if (st == PS_OK)
                st = ps_buf_append(out, ": ", 2);
            if (st != PS_OK)
                break;
            if (c < 5) {
                st = ps_buf_json_string(out, vals[c]);
            } else if (c == 10) { /* an array of the per-stage peaks */
                st = ps_buf_append(out, "[", 1);
                int ns = r->n_stages < PS_WL_PANEL_STAGES ? r->n_stages : PS_WL_PANEL_STAGES;
                for (int s = 0; r->fits && s < ns && st == PS_OK; s++) {
                    char num[32];
                    ps_out_num(r->peak_gb[s], num);
                    st = ps_buf_printf(out, "%s%s", s ? ", " : "", num);
                }
                if (st == PS_OK)
                    st = ps_buf_append(out, "]", 1);
            } else if (vals[c][0] == '\0') {
                st = ps_buf_append(out, "null", 4);
            } else {
                st = ps_buf_append(out, vals[c], strlen(vals[c]));
            }
        }
        if (st == PS_OK && !r->fits) {
            st = ps_buf_append(out, ", \"error\": ", 11);
            if (st == PS_OK)
                st = ps_buf_json_string(out, r->why);
        }
        if (st == PS_OK)
            st = ps_buf_append(out, " }", 2);
    }
    if (st == PS_OK)
        st = ps_buf_append(out, n ? "\n]\n" : "]\n", n ? 3 : 2);
    return st;
}

enum ps_status ps_export_wl_panel_table(const struct ps_wl_panel_row *rows, size_t n,
                                        struct ps_buf *out)
{
    if (n == 0)
        return ps_buf_printf(out, "(no variants)\n");
    int wv = 7, wg = 11, wc = 10, wp = 8;
    char peaks[1600];
    for (size_t i = 0; i < n; i++) {
        int l = (int)strlen(rows[i].variant) + (rows[i].best ? 2 : 0);
        wv = l > wv ? l : wv;
        wg = (int)strlen(rows[i].granularity) > wg ? (int)strlen(rows[i].granularity) : wg;
        wc = (int)strlen(rows[i].checkpoint) > wc ? (int)strlen(rows[i].checkpoint) : wc;
        if (rows[i].fits) {
            peaks_text(&rows[i], peaks, sizeof peaks, true);
            wp = (int)strlen(peaks) > wp ? (int)strlen(peaks) : wp;
        }
    }
    char head[64];
    snprintf(head, sizeof head, "peak_GB/%.4g", rows[0].limit_gb);
    wp = (int)strlen(head) > wp ? (int)strlen(head) : wp;
    enum ps_status st =
        ps_buf_printf(out, "%-*s  %-*s  %-*s  %12s  %7s  %6s  %9s  %-*s  %5s  %6s  %2s\n", wv,
                      "variant", wg, "granularity", wc, "checkpoint", "iteration_ms", "vs_best",
                      "bubble", "recompute", wp, head, "pipes", "chunks", "K");
    bool any_best = false;
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        const struct ps_wl_panel_row *r = &rows[i];
        char name[48];
        snprintf(name, sizeof name, "%s%s", r->variant, r->best ? " *" : "");
        any_best |= r->best;
        if (!r->fits) {
            /* the first stage's reason; the files have all of it */
            const char *semi = strstr(r->why, "; ");
            int more = 0;
            for (const char *q = semi; q != NULL; q = strstr(q + 2, "; "))
                more++;
            int len = semi != NULL ? (int)(semi - r->why) : (int)strlen(r->why);
            char tail[48] = "";
            if (more > 0)
                snprintf(tail, sizeof tail, " (and %d more stage%s)", more, more == 1 ? "" : "s");
            st = ps_buf_printf(out, "%-*s  %-*s  %-*s  %12s  does not fit: %.*s%s\n", wv, name, wg,
                               r->granularity, wc, r->checkpoint, "-", len, r->why, tail);
            continue;
        }
        peaks_text(r, peaks, sizeof peaks, true);
        char vs[16], k[16];
        if (r->best)
            snprintf(vs, sizeof vs, "-");
        else
            snprintf(vs, sizeof vs, "+%.1f%%", 100 * r->vs_best);
        if (r->slices > 0)
            snprintf(k, sizeof k, "%d", r->slices);
        else
            snprintf(k, sizeof k, "-");
        st = ps_buf_printf(
            out, "%-*s  %-*s  %-*s  %12.1f  %7s  %5.1f%%  %8.1f%%  %-*s  %5d  %6d  %2s\n", wv, name,
            wg, r->granularity, wc, r->checkpoint, r->iteration_ms, vs, 100 * r->bubble_ratio,
            100 * r->recompute_share, wp, peaks, r->pipelines, r->chunks, k);
    }
    if (st == PS_OK)
        st = ps_buf_printf(out,
                           "%s; iteration of the planned 1F1B; recompute: replayed forward time "
                           "over all compute\n",
                           any_best ? "* fastest that fits the memory" : "no variant fits");
    return st;
}
