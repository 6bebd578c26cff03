/* Comparison tables (SPEC 9): one row per (scenario, schedule) as CSV, JSON, or an aligned
 * text table for a terminal that marks the best makespan and memory over the limit. */
#include "export/export.h"

#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/text.h"
#include "core/units.h"
#include "export/export_internal.h"

static const char *const columns[] = {
    "scenario",    "schedule",  "status",         "makespan_ms",          "bubble_ratio",
    "peak_memory", "memory_ok", "lower_bound_ms", "ratio_to_lower_bound", "solve_ms"};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

void ps_compare_row_from(struct ps_compare_row *row, const struct ps_schedule *s)
{
    const struct ps_scenario *sc = s->sc;
    memset(row, 0, sizeof *row);
    snprintf(row->scenario, sizeof row->scenario, "%s", sc->name);
    snprintf(row->schedule, sizeof row->schedule, "%s", s->name);
    snprintf(row->status, sizeof row->status, "%s", ps_solve_status_str(s->solver.status));
    row->has_memory_limit = sc->has_memory_limit;
    row->memory_limit = sc->memory_limit;
    row->solve_ms = s->solver.solve_ms;
    for (int i = 0; i < s->solver.n_params; i++)
        if (strcmp(s->solver.params[i].key, "note") == 0)
            snprintf(row->note, sizeof row->note, "%s", s->solver.params[i].value);
    int64_t lb = s->timed && s->lower_bound_ns > 0 ? s->lower_bound_ns : ps_lower_bound_ns(sc);
    row->lower_bound_ms = ps_ns_to_ms(lb);
    if (!s->timed || s->solver.status == PS_SOLVE_INFEASIBLE) {
        row->makespan_ms = NAN;
        row->bubble_ratio = NAN;
        row->peak_memory = NAN;
        row->ratio_to_lower_bound = NAN;
        row->memory_ok = false;
        return;
    }
    row->makespan_ms = ps_ns_to_ms(s->makespan_ns);
    row->bubble_ratio = s->bubble_ratio;
    row->peak_memory = 0;
    for (int d = 0; d < s->n_stages; d++)
        if (s->peak_memory[d] > row->peak_memory)
            row->peak_memory = s->peak_memory[d];
    row->memory_ok = s->memory_ok;
    row->ratio_to_lower_bound = lb > 0 ? (double)s->makespan_ns / (double)lb : NAN;
}

/* The extra column names over all rows, in order of first appearance. */
static int extra_keys(const struct ps_compare_row *rows, size_t n, const char **keys, int max)
{
    int nk = 0;
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < rows[i].n_extra && j < 8; j++) {
            int k = 0;
            while (k < nk && strcmp(keys[k], rows[i].extra[j].key) != 0)
                k++;
            if (k == nk && nk < max)
                keys[nk++] = rows[i].extra[j].key;
        }
    return nk;
}

static const char *extra_value(const struct ps_compare_row *r, const char *key)
{
    for (int j = 0; j < r->n_extra && j < 8; j++)
        if (strcmp(r->extra[j].key, key) == 0)
            return r->extra[j].value;
    return NULL;
}

/* Milliseconds as exact-to-the-ns text; other numbers as round-trip doubles. */
static void ms_text(double ms, char *buf)
{
    if (isfinite(ms) && fabs(ms) < 1e12)
        ps_out_ms_str(ps_ms_to_ns(ms), buf);
    else
        ps_out_num(ms, buf);
}

/* The ten SPEC 9 values of a row as text; "" for a missing number. */
static void row_values(const struct ps_compare_row *r, char vals[N_COLUMNS][160])
{
    snprintf(vals[0], 160, "%s", r->scenario);
    snprintf(vals[1], 160, "%s", r->schedule);
    snprintf(vals[2], 160, "%s", r->status);
    const double nums[] = {r->makespan_ms,    r->bubble_ratio,         r->peak_memory, NAN,
                           r->lower_bound_ms, r->ratio_to_lower_bound, r->solve_ms};
    const bool is_ms[] = {true, false, false, false, true, false, true};
    for (int i = 0; i < 7; i++) {
        char *v = vals[3 + i];
        if (i == 3)
            snprintf(v, 160, "%s", r->memory_ok ? "true" : "false");
        else if (!isfinite(nums[i]))
            v[0] = '\0';
        else if (is_ms[i])
            ms_text(nums[i], v);
        else
            ps_out_num(nums[i], v);
    }
}

enum ps_status ps_csv_field(struct ps_buf *out, const char *text, bool last)
{
    enum ps_status st;
    /* a CSV file is often looked at with cat: names keep no control characters */
    char safe[4 * 160 + 1];
    const char *s = ps_text_safe(text, safe, sizeof safe);
    size_t len = strlen(s);
    if (strpbrk(s, ",\"\r\n") != NULL) {
        size_t need = csv_write(NULL, 0, s, len);
        char *q = malloc(need);
        if (q == NULL)
            return PS_ENOMEM;
        csv_write(q, need, s, len);
        st = ps_buf_append(out, q, need);
        free(q);
    } else {
        st = ps_buf_append(out, s, len);
    }
    if (st == PS_OK)
        st = ps_buf_append(out, last ? "\r\n" : ",", last ? 2 : 1);
    return st;
}

enum ps_status ps_export_compare_csv(const struct ps_compare_row *rows, size_t n,
                                     struct ps_buf *out)
{
    const char *keys[64];
    int nk = extra_keys(rows, n, keys, 64);
    enum ps_status st = PS_OK;
    for (size_t c = 0; c < N_COLUMNS && st == PS_OK; c++)
        st = ps_csv_field(out, columns[c], c + 1 == N_COLUMNS && nk == 0);
    for (int k = 0; k < nk && st == PS_OK; k++)
        st = ps_csv_field(out, keys[k], k + 1 == nk);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        char vals[N_COLUMNS][160];
        row_values(&rows[i], vals);
        for (size_t c = 0; c < N_COLUMNS && st == PS_OK; c++)
            st = ps_csv_field(out, vals[c], c + 1 == N_COLUMNS && nk == 0);
        for (int k = 0; k < nk && st == PS_OK; k++) {
            const char *v = extra_value(&rows[i], keys[k]);
            st = ps_csv_field(out, v != NULL ? v : "", k + 1 == nk);
        }
    }
    return st;
}

/* A JSON value from text: a number when it is one, null/true/false as themselves (a sweep
 * over memory.limit=null,4), otherwise a string. */
static enum ps_status json_value_text(struct ps_buf *out, const char *v)
{
    if (strcmp(v, "null") == 0 || strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
        return ps_buf_append(out, v, strlen(v));
    char *end;
    double x = strtod(v, &end);
    if (v[0] != '\0' && *end == '\0' && isfinite(x) && strspn(v, "-0123456789.eE") == strlen(v) &&
        v[0] != '.' && v[0] != 'e' && v[0] != 'E')
        return ps_buf_append(out, v, strlen(v));
    return ps_buf_json_string(out, v);
}

enum ps_status ps_export_compare_json(const struct ps_compare_row *rows, size_t n,
                                      struct ps_buf *out)
{
    const char *keys[64];
    int nk = extra_keys(rows, n, keys, 64);
    enum ps_status st = ps_buf_append(out, "[", 1);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        char vals[N_COLUMNS][160];
        row_values(&rows[i], vals);
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
            if (c < 3)
                st = ps_buf_json_string(out, vals[c]);
            else if (vals[c][0] == '\0')
                st = ps_buf_append(out, "null", 4);
            else
                st = ps_buf_append(out, vals[c], strlen(vals[c]));
        }
        for (int k = 0; k < nk && st == PS_OK; k++) {
            const char *v = extra_value(&rows[i], keys[k]);
            st = ps_buf_append(out, ", ", 2);
            if (st == PS_OK)
                st = ps_buf_json_string(out, keys[k]);
            if (st == PS_OK)
                st = ps_buf_append(out, ": ", 2);
            if (st == PS_OK)
                st = v != NULL ? json_value_text(out, v) : ps_buf_append(out, "null", 4);
        }
        if (st == PS_OK)
            st = ps_buf_append(out, " }", 2);
    }
    if (st == PS_OK)
        st = ps_buf_append(out, n > 0 ? "\n]\n" : "]\n", n > 0 ? 3 : 2);
    return st;
}

/* ---- text table ------------------------------------------------------------------------- */

/* A duration for the eye: 4 significant digits or one decimal, whichever is longer. */
static void short_ms(double ms, char *buf, size_t size)
{
    if (!isfinite(ms))
        snprintf(buf, size, "-");
    else if (fabs(ms) >= 1000)
        snprintf(buf, size, "%.1f", ms);
    else if (fabs(ms) >= 10)
        snprintf(buf, size, "%.2f", ms);
    else
        snprintf(buf, size, "%.3f", ms);
}

/* Rows of one group (same scenario and the same sweep values) share a best makespan and a
 * lower bound. */
static bool same_group(const struct ps_compare_row *a, const struct ps_compare_row *b,
                       const char **keys, int nk)
{
    if (strcmp(a->scenario, b->scenario) != 0)
        return false;
    for (int k = 0; k < nk; k++) {
        const char *x = extra_value(a, keys[k]), *y = extra_value(b, keys[k]);
        if ((x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0))
            return false;
    }
    return true;
}

/* scenario + 8 sweep keys + 7 fixed + LB_ms */
#define T_COLS 17

enum ps_status ps_export_compare_table(const struct ps_compare_row *rows, size_t n,
                                       struct ps_buf *out)
{
    const char *keys[8];
    int nk = extra_keys(rows, n, keys, 8);
    bool many_scenarios = false, many_groups = false, any_star = false;
    if (n == 0)
        return ps_buf_printf(out, "(no schedules)\n");
    for (size_t i = 1; i < n; i++) {
        many_scenarios |= strcmp(rows[i].scenario, rows[0].scenario) != 0;
        many_groups |= !same_group(&rows[i], &rows[0], keys, nk);
    }

    /* Column titles: [scenario] [sweep keys] schedule status makespan bubble mem ratio
     * solve [lower bound when it differs between rows]. */
    const char *titles[T_COLS];
    bool right[T_COLS];
    int nc = 0;
    if (many_scenarios)
        titles[nc] = "scenario", right[nc++] = false;
    for (int k = 0; k < nk; k++)
        titles[nc] = keys[k], right[nc++] = true;
    const char *fixed[] = {"schedule",       "status",   "makespan_ms", "bubble",
                           "peak_mem/limit", "ratio_LB", "solve_ms"};
    const bool fixed_right[] = {false, false, true, true, true, true, true};
    for (int i = 0; i < 7; i++)
        titles[nc] = fixed[i], right[nc++] = fixed_right[i];
    if (many_groups)
        titles[nc] = "LB_ms", right[nc++] = true;

    char(*cells)[T_COLS][48] = calloc(n > 0 ? n : 1, sizeof *cells);
    if (cells == NULL)
        return PS_ENOMEM;
    int width[T_COLS];
    for (int c = 0; c < nc; c++)
        width[c] = (int)strlen(titles[c]);
    for (size_t i = 0; i < n; i++) {
        const struct ps_compare_row *r = &rows[i];
        int c = 0;
        if (many_scenarios)
            ps_text_safe(r->scenario, cells[i][c++], 48);
        for (int k = 0; k < nk; k++) {
            const char *v = extra_value(r, keys[k]);
            ps_text_safe(v != NULL ? v : "", cells[i][c++], 48);
        }
        /* The best makespan of its group among the rows within the memory limit gets a
         * star; when none of the group fits, no row does. */
        bool best = isfinite(r->makespan_ms) && r->memory_ok;
        for (size_t j = 0; j < n && best; j++)
            if (same_group(&rows[j], r, keys, nk) && isfinite(rows[j].makespan_ms) &&
                rows[j].memory_ok && rows[j].makespan_ms < r->makespan_ms)
                best = false;
        any_star |= best;
        char name[48];
        snprintf(cells[i][c++], 48, "%s%s", ps_text_safe(r->schedule, name, 44), best ? " *" : "");
        ps_text_safe(r->status, cells[i][c++], 48);
        short_ms(r->makespan_ms, cells[i][c++], 48);
        if (isfinite(r->bubble_ratio))
            snprintf(cells[i][c++], 48, "%.1f%%", 100.0 * r->bubble_ratio);
        else
            snprintf(cells[i][c++], 48, "-");
        bool over = r->has_memory_limit && isfinite(r->peak_memory) &&
                    r->peak_memory > r->memory_limit + 1e-9;
        char lim[32] = "-";
        if (r->has_memory_limit)
            snprintf(lim, sizeof lim, "%g", r->memory_limit);
        if (isfinite(r->peak_memory))
            snprintf(cells[i][c++], 48, "%.1f/%s%s", r->peak_memory, lim, over ? " !" : "");
        else
            snprintf(cells[i][c++], 48, "-/%s", lim);
        if (isfinite(r->ratio_to_lower_bound))
            snprintf(cells[i][c++], 48, "%.3f", r->ratio_to_lower_bound);
        else
            snprintf(cells[i][c++], 48, "-");
        short_ms(r->solve_ms, cells[i][c++], 48);
        if (many_groups)
            short_ms(r->lower_bound_ms, cells[i][c++], 48);
        for (int k = 0; k < c; k++)
            if ((int)strlen(cells[i][k]) > width[k])
                width[k] = (int)strlen(cells[i][k]);
    }

    enum ps_status st = PS_OK;
    for (int c = 0; c < nc && st == PS_OK; c++)
        st = ps_buf_printf(out, "%s%*s%s", c ? "  " : "", right[c] ? width[c] : -width[c],
                           titles[c], c + 1 == nc ? "\n" : "");
    for (size_t i = 0; i < n && st == PS_OK; i++)
        for (int c = 0; c < nc && st == PS_OK; c++)
            st = ps_buf_printf(out, "%s%*s%s", c ? "  " : "", right[c] ? width[c] : -width[c],
                               cells[i][c], c + 1 == nc ? "\n" : "");
    free(cells);
    if (st != PS_OK)
        return st;

    bool any_over = false;
    for (size_t i = 0; i < n; i++)
        any_over |= rows[i].has_memory_limit && isfinite(rows[i].peak_memory) &&
                    rows[i].peak_memory > rows[i].memory_limit + 1e-9;
    if (n > 0 && !many_groups) {
        char lb[32];
        short_ms(rows[0].lower_bound_ms, lb, sizeof lb);
        st = ps_buf_printf(out, "lower bound %s ms (no schedule can beat it)", lb);
    } else {
        st = ps_buf_printf(out, "LB_ms: lower bound of each row's scenario");
    }
    if (st == PS_OK && any_star)
        st = ps_buf_printf(out, "; * best makespan within the memory limit");
    else if (st == PS_OK && any_over)
        st = ps_buf_printf(out, "; no schedule fits the memory limit");
    if (st == PS_OK)
        st = ps_buf_printf(out, "%s\n", any_over ? "; ! peak memory over the limit" : "");
    return st;
}
