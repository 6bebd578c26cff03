/* The layout search's rows (pipescope search): one per point, as CSV, JSON or a table that
 * marks the best point and says why the others that cannot run do not. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "export/export_internal.h"

static const char *const columns[] = {
    "pp",           "tp",        "dp",           "mbs",          "seq",          "dcs",
    "pipeline_dcs", "dn",        "microbatches", "gpus_per_dc",  "gpus",         "feasible",
    "why",          "schedule",  "makespan_ms",  "tokens_per_s", "bubble_ratio", "peak_memory",
    "memory_limit", "static_gb", "dp_ms",        "best"};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

/* Column c of r as text ("" when missing); *quoted for JSON strings. */
static void cell(const struct ps_search_row *r, size_t c, char *v, bool *quoted)
{
    const int ints[] = {r->pp, r->tp, r->dp, r->mbs, r->seq, r->dcs, r->pipeline_dcs};
    *quoted = false;
    v[0] = '\0';
    if (c < 7) {
        snprintf(v, 200, "%d", ints[c]);
        return;
    }
    switch (c) {
    case 7:
        snprintf(v, 200, "%s", r->dn);
        *quoted = r->dn[0] != '\0';
        return;
    case 8:
        snprintf(v, 200, "%d", r->microbatches);
        return;
    case 9:
        snprintf(v, 200, "%d", r->gpus_per_dc);
        return;
    case 10:
        snprintf(v, 200, "%ld", r->gpus);
        return;
    case 11:
        snprintf(v, 200, "%s", r->feasible ? "true" : "false");
        return;
    case 12:
        snprintf(v, 200, "%s", r->why);
        *quoted = r->why[0] != '\0';
        return;
    case 13:
        snprintf(v, 200, "%s", r->schedule);
        *quoted = r->schedule[0] != '\0';
        return;
    case 21:
        snprintf(v, 200, "%s", r->best ? "true" : "false");
        return;
    default:
        break;
    }
    const double nums[] = {r->makespan_ms,
                           r->tokens_per_s,
                           r->bubble_ratio,
                           r->peak_memory,
                           r->has_memory_limit ? r->memory_limit : NAN,
                           r->static_gb,
                           r->dp_ms};
    double x = nums[c - 14];
    if (isfinite(x))
        ps_out_num(x, v);
}

static enum ps_status csv_text(struct ps_buf *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL)
        return ps_buf_append(out, s, strlen(s));
    enum ps_status st = ps_buf_append(out, "\"", 1);
    for (const char *p = s; *p && st == PS_OK; p++)
        st = *p == '"' ? ps_buf_append(out, "\"\"", 2) : ps_buf_append(out, p, 1);
    return st == PS_OK ? ps_buf_append(out, "\"", 1) : st;
}

enum ps_status ps_export_search_csv(const struct ps_search_row *rows, size_t n, struct ps_buf *out)
{
    enum ps_status st = PS_OK;
    for (size_t c = 0; c < N_COLUMNS && st == PS_OK; c++)
        st = ps_buf_printf(out, "%s%s", columns[c], c + 1 == N_COLUMNS ? "\r\n" : ",");
    for (size_t i = 0; i < n && st == PS_OK; i++)
        for (size_t c = 0; c < N_COLUMNS && st == PS_OK; c++) {
            char v[200], safe[4 * 200 + 1];
            bool quoted;
            cell(&rows[i], c, v, &quoted);
            st = csv_text(out, ps_text_safe(v, safe, sizeof safe));
            if (st == PS_OK)
                st = ps_buf_append(out, c + 1 == N_COLUMNS ? "\r\n" : ",",
                                   c + 1 == N_COLUMNS ? 2 : 1);
        }
    return st;
}

enum ps_status ps_export_search_json(const struct ps_search_row *rows, size_t n, struct ps_buf *out)
{
    enum ps_status st = ps_buf_append(out, "[", 1);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        st = ps_buf_append(out, i ? ",\n  { " : "\n  { ", i ? 6 : 5);
        for (size_t c = 0; c < N_COLUMNS && st == PS_OK; c++) {
            char v[200];
            bool quoted;
            cell(&rows[i], c, v, &quoted);
            st = ps_buf_printf(out, "%s\"%s\": ", c ? ", " : "", columns[c]);
            if (st == PS_OK)
                st = quoted         ? ps_buf_json_string(out, v)
                     : v[0] == '\0' ? ps_buf_append(out, "null", 4)
                                    : ps_buf_append(out, v, strlen(v));
        }
        if (st == PS_OK)
            st = ps_buf_append(out, " }", 2);
    }
    return st == PS_OK ? ps_buf_append(out, n ? "\n]\n" : "]\n", n ? 3 : 2) : st;
}

/* A duration for the eye: four significant digits or one decimal. */
static void short_num(double x, char *buf, size_t size)
{
    if (!isfinite(x))
        snprintf(buf, size, "-");
    else if (fabs(x) >= 1000)
        snprintf(buf, size, "%.1f", x);
    else
        snprintf(buf, size, "%.4g", x);
}

#define T_COLS 14

/* The table: layout, need, the best schedule and its numbers, then the reason when the
 * point cannot run; the columns of axes that do not vary are kept (they read as a recipe). */
static int table_cells(const struct ps_search_row *r, bool dn, char (*c)[200])
{
    int k = 0;
    snprintf(c[k++], 200, "%d", r->pp);
    snprintf(c[k++], 200, "%d", r->tp);
    snprintf(c[k++], 200, "%d", r->dp);
    snprintf(c[k++], 200, "%d", r->mbs);
    snprintf(c[k++], 200, "%d", r->seq);
    snprintf(c[k++], 200, "%d/%d", r->pipeline_dcs, r->dcs);
    if (dn)
        ps_text_safe(r->dn, c[k++], 200);
    snprintf(c[k++], 200, "%d", r->microbatches);
    snprintf(c[k++], 200, "%d", r->gpus_per_dc);
    if (!r->feasible) {
        char why[200];
        snprintf(c[k++], 200, "- %s", ps_text_safe(r->why, why, sizeof why));
        return k;
    }
    char name[40];
    snprintf(c[k++], 200, "%s%s", ps_text_safe(r->schedule, name, sizeof name),
             r->best ? " *" : "");
    short_num(r->makespan_ms, c[k++], 200);
    short_num(r->tokens_per_s, c[k++], 200);
    snprintf(c[k++], 200, "%.1f%%", 100 * r->bubble_ratio);
    if (r->has_memory_limit)
        snprintf(c[k++], 200, "%.1f/%.4g", r->peak_memory, r->memory_limit);
    else
        snprintf(c[k++], 200, "%.1f/-", r->peak_memory);
    return k;
}

enum ps_status ps_export_search_table(const struct ps_search_row *rows, size_t n,
                                      struct ps_buf *out)
{
    bool dn = false;
    for (size_t i = 0; i < n; i++)
        dn |= rows[i].dn[0] != '\0';
    const char *titles[T_COLS] = {"pp", "tp", "dp", "mbs", "seq", "dcs"};
    int nt = 6;
    if (dn)
        titles[nt++] = "dN";
    const char *rest[] = {"mb",       "gpus/DC", "schedule",  "iter_ms",
                          "tokens/s", "bubble",  "peak/limit"};
    for (int i = 0; i < 7; i++)
        titles[nt++] = rest[i];
    char(*cells)[T_COLS][200] = calloc(n ? n : 1, sizeof *cells);
    int *count = calloc(n ? n : 1, sizeof *count), width[T_COLS];
    if (cells == NULL || count == NULL) {
        free(cells);
        free(count);
        return PS_ENOMEM;
    }
    for (int c = 0; c < nt; c++)
        width[c] = (int)strlen(titles[c]);
    size_t feasible = 0;
    for (size_t i = 0; i < n; i++) {
        count[i] = table_cells(&rows[i], dn, cells[i]);
        feasible += rows[i].feasible;
        for (int c = 0; c < count[i]; c++) /* a reason spans the rest of the line */
            if (c + 1 < count[i] || rows[i].feasible)
                if ((int)strlen(cells[i][c]) > width[c])
                    width[c] = (int)strlen(cells[i][c]);
    }
    enum ps_status st = PS_OK;
    for (int c = 0; c < nt && st == PS_OK; c++)
        st = ps_buf_printf(out, "%s%*s%s", c ? "  " : "", c == nt - 5 ? -width[c] : width[c],
                           titles[c], c + 1 == nt ? "\n" : "");
    for (size_t i = 0; i < n && st == PS_OK; i++)
        for (int c = 0; c < count[i] && st == PS_OK; c++) {
            bool last = c + 1 == count[i], left = c == nt - 5 || (!rows[i].feasible && last);
            st = ps_buf_printf(out, "%s%*s%s", c ? "  " : "",
                               left ? (last ? 0 : -width[c]) : width[c], cells[i][c],
                               last ? "\n" : "");
        }
    if (st == PS_OK)
        st = ps_buf_printf(out,
                           "%zu of %zu points feasible; * most tokens per second; dcs: DCs a "
                           "pipeline spans / DCs; mb: microbatches per replica\n",
                           feasible, n);
    free(cells);
    free(count);
    return st;
}
