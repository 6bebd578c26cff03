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
#include "core/io/io.h"
#include "core/version.h"
#include "export/export_internal.h"

/* SPEC 9's ten columns, then the provenance (docs/formats.md). */
static const char *const columns[] = {"scenario",    "schedule",       "status",
                                      "makespan_ms", "bubble_ratio",   "peak_memory",
                                      "memory_ok",   "lower_bound_ms", "ratio_to_lower_bound",
                                      "solve_ms",    "bound_ms",       "gap",
                                      "status_text", "params",         "scenario_hash",
                                      "origin",      "edits",          "pipescope"};
#define N_COLUMNS (sizeof columns / sizeof columns[0])
/* Columns whose JSON value is text (the others are numbers, booleans or null). */
static bool text_column(size_t c)
{
    return c < 3 || c >= 12;
}

/* The scenario's part of a row: name, limit, lower bound, provenance. */
static void row_scenario(struct ps_compare_row *row, const struct ps_scenario *sc)
{
    snprintf(row->scenario, sizeof row->scenario, "%s", sc->name);
    row->has_memory_limit = sc->has_memory_limit;
    row->memory_limit = sc->memory_limit;
    row->bound_ms = NAN;
    row->gap = NAN;
    ps_scenario_hash(sc, row->scenario_hash);
    snprintf(row->origin, sizeof row->origin, "%s", sc->origin ? sc->origin : "");
    snprintf(row->edits, sizeof row->edits, "%s", sc->edits ? sc->edits : "");
}

void ps_compare_row_error(struct ps_compare_row *row, const struct ps_scenario *sc,
                          const char *schedule, const char *why)
{
    memset(row, 0, sizeof *row);
    row_scenario(row, sc);
    snprintf(row->schedule, sizeof row->schedule, "%s", schedule);
    snprintf(row->status, sizeof row->status, "error");
    snprintf(row->status_text, sizeof row->status_text, "%s", why ? why : "error");
    row->makespan_ms = NAN;
    row->bubble_ratio = NAN;
    row->peak_memory = NAN;
    row->ratio_to_lower_bound = NAN;
    row->lower_bound_ms = ps_ns_to_ms(ps_lower_bound_ns(sc));
}

void ps_compare_row_from(struct ps_compare_row *row, const struct ps_schedule *s)
{
    const struct ps_scenario *sc = s->sc;
    memset(row, 0, sizeof *row);
    row_scenario(row, sc);
    snprintf(row->schedule, sizeof row->schedule, "%s", s->name);
    snprintf(row->status, sizeof row->status, "%s", ps_solve_status_str(s->solver.status));
    ps_solve_status_text(s, row->status_text, sizeof row->status_text);
    size_t used = 0;
    for (int i = 0; i < s->solver.n_params && used + 1 < sizeof row->params; i++) {
        char canon[32];
        int n = snprintf(row->params + used, sizeof row->params - used, "%s%s=%s", i ? "; " : "",
                         s->solver.params[i].key, ps_param_text(s->solver.params[i].value, canon));
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (s->solver.bound_ns >= 0)
        row->bound_ms = ps_ns_to_ms(s->solver.bound_ns);
    if (s->solver.gap >= 0)
        row->gap = s->solver.gap;
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

#define VAL_SIZE 1100

/* The values of a row as text; "" for a missing number. Edits are joined with "; " (JSON
 * writes them as an array). */
static void row_values(const struct ps_compare_row *r, char vals[N_COLUMNS][VAL_SIZE])
{
    snprintf(vals[0], VAL_SIZE, "%s", r->scenario);
    snprintf(vals[1], VAL_SIZE, "%s", r->schedule);
    snprintf(vals[2], VAL_SIZE, "%s", r->status);
    const double nums[] = {
        r->makespan_ms,          r->bubble_ratio, r->peak_memory, NAN,   r->lower_bound_ms,
        r->ratio_to_lower_bound, r->solve_ms,     r->bound_ms,    r->gap};
    const bool is_ms[] = {true, false, false, false, true, false, true, true, false};
    for (int i = 0; i < 9; i++) {
        char *v = vals[3 + i];
        if (i == 3)
            snprintf(v, VAL_SIZE, "%s", r->memory_ok ? "true" : "false");
        else if (!isfinite(nums[i]))
            v[0] = '\0';
        else if (is_ms[i])
            ms_text(nums[i], v);
        else
            ps_out_num(nums[i], v);
    }
    snprintf(vals[12], VAL_SIZE, "%s", r->status_text);
    snprintf(vals[13], VAL_SIZE, "%s", r->params);
    snprintf(vals[14], VAL_SIZE, "%s", r->scenario_hash);
    snprintf(vals[15], VAL_SIZE, "%s", r->origin);
    size_t k = 0;
    for (const char *p = r->edits; *p && k + 3 < VAL_SIZE; p++) {
        if (*p == '\n') {
            vals[16][k++] = ';';
            vals[16][k++] = ' ';
        } else {
            vals[16][k++] = *p;
        }
    }
    vals[16][k] = '\0';
    snprintf(vals[17], VAL_SIZE, "%s", PS_VERSION);
}

/* A row's edits as a JSON array of strings. */
static enum ps_status edits_array(struct ps_buf *out, const char *edits)
{
    enum ps_status st = ps_buf_append(out, "[", 1);
    for (const char *p = edits; st == PS_OK && *p;) {
        size_t n = strcspn(p, "\n");
        char one[1024];
        snprintf(one, sizeof one, "%.*s", (int)n, p);
        if (p != edits)
            st = ps_buf_append(out, ", ", 2);
        if (st == PS_OK)
            st = ps_buf_json_string(out, one);
        p += n + (p[n] == '\n');
    }
    return st == PS_OK ? ps_buf_append(out, "]", 1) : st;
}

static enum ps_status csv_field(struct ps_buf *out, const char *text, bool last)
{
    enum ps_status st;
    /* a CSV file is often looked at with cat: names keep no control characters */
    char safe[4 * 1100 + 1];
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
        st = csv_field(out, columns[c], c + 1 == N_COLUMNS && nk == 0);
    for (int k = 0; k < nk && st == PS_OK; k++)
        st = csv_field(out, keys[k], k + 1 == nk);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        char(*vals)[VAL_SIZE] = malloc(N_COLUMNS * VAL_SIZE);
        if (vals == NULL)
            return PS_ENOMEM;
        row_values(&rows[i], vals);
        for (size_t c = 0; c < N_COLUMNS && st == PS_OK; c++)
            st = csv_field(out, vals[c], c + 1 == N_COLUMNS && nk == 0);
        free(vals);
        for (int k = 0; k < nk && st == PS_OK; k++) {
            const char *v = extra_value(&rows[i], keys[k]);
            st = csv_field(out, v != NULL ? v : "", k + 1 == nk);
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
        char(*vals)[VAL_SIZE] = malloc(N_COLUMNS * VAL_SIZE);
        if (vals == NULL)
            return PS_ENOMEM;
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
            if (c == 16)
                st = edits_array(out, rows[i].edits);
            else if (text_column(c))
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
        free(vals);
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

/* A comparison laid out for the eye: titles, cells, which rows are best and over the limit,
 * and what the legend says. Built once, drawn as text, LaTeX or Markdown. */
struct table {
    int nc;
    const char *titles[T_COLS];
    bool right[T_COLS];
    int sched_col; /* the column of the schedule's name */
    char (*cells)[T_COLS][48];
    bool *best, *over;
    bool many_groups, any_star, any_over;
    char lb[32]; /* the one lower bound, when there is one */
};

/* The best rows: within the memory limit, the smallest makespan of their group (rows of one
 * scenario and sweep point); when none of a group fits, none of it is best. The one rule
 * of every view (the explorer's table uses ps_compare_best too). */
void ps_compare_best(const struct ps_compare_row *rows, size_t n, bool *best)
{
    const char *keys[8];
    int nk = extra_keys(rows, n, keys, 8);
    for (size_t i = 0; i < n; i++) {
        const struct ps_compare_row *r = &rows[i];
        best[i] = isfinite(r->makespan_ms) && r->memory_ok;
        for (size_t j = 0; j < n && best[i]; j++)
            if (same_group(&rows[j], r, keys, nk) && isfinite(rows[j].makespan_ms) &&
                rows[j].memory_ok && rows[j].makespan_ms < r->makespan_ms)
                best[i] = false;
    }
}

static bool over_limit(const struct ps_compare_row *r)
{
    return r->has_memory_limit && isfinite(r->peak_memory) &&
           r->peak_memory > r->memory_limit + 1e-9;
}

static void table_fini(struct table *t)
{
    free(t->cells);
    free(t->best);
    free(t->over);
}

static enum ps_status table_build(struct table *t, const struct ps_compare_row *rows, size_t n)
{
    memset(t, 0, sizeof *t);
    const char *keys[8];
    int nk = extra_keys(rows, n, keys, 8);
    bool many_scenarios = false;
    for (size_t i = 1; i < n; i++) {
        many_scenarios |= strcmp(rows[i].scenario, rows[0].scenario) != 0;
        t->many_groups |= !same_group(&rows[i], &rows[0], keys, nk);
    }
    if (many_scenarios)
        t->titles[t->nc] = "scenario", t->right[t->nc++] = false;
    for (int k = 0; k < nk; k++)
        t->titles[t->nc] = keys[k], t->right[t->nc++] = true;
    const char *fixed[] = {"schedule",       "status",   "makespan_ms", "bubble",
                           "peak_mem/limit", "ratio_LB", "solve_ms"};
    const bool fixed_right[] = {false, false, true, true, true, true, true};
    t->sched_col = t->nc;
    for (int i = 0; i < 7; i++)
        t->titles[t->nc] = fixed[i], t->right[t->nc++] = fixed_right[i];
    if (t->many_groups)
        t->titles[t->nc] = "LB_ms", t->right[t->nc++] = true;

    t->cells = calloc(n > 0 ? n : 1, sizeof *t->cells);
    t->best = calloc(n > 0 ? n : 1, sizeof *t->best);
    t->over = calloc(n > 0 ? n : 1, sizeof *t->over);
    if (t->cells == NULL || t->best == NULL || t->over == NULL)
        return PS_ENOMEM;
    ps_compare_best(rows, n, t->best);
    for (size_t i = 0; i < n; i++) {
        const struct ps_compare_row *r = &rows[i];
        char(*cell)[48] = t->cells[i];
        int c = 0;
        /* Names from files are shown with their control characters escaped. */
        if (many_scenarios)
            ps_text_safe(r->scenario, cell[c++], 48);
        for (int k = 0; k < nk; k++) {
            const char *v = extra_value(r, keys[k]);
            ps_text_safe(v != NULL ? v : "", cell[c++], 48);
        }
        t->any_star |= t->best[i];
        t->over[i] = over_limit(r);
        t->any_over |= t->over[i];
        ps_text_safe(r->schedule, cell[c++], 44);
        ps_text_safe(r->status, cell[c++], 48);
        short_ms(r->makespan_ms, cell[c++], 48);
        if (isfinite(r->bubble_ratio))
            snprintf(cell[c++], 48, "%.1f%%", 100.0 * r->bubble_ratio);
        else
            snprintf(cell[c++], 48, "-");
        char lim[32] = "-";
        if (r->has_memory_limit)
            snprintf(lim, sizeof lim, "%g", r->memory_limit);
        if (isfinite(r->peak_memory))
            snprintf(cell[c++], 48, "%.1f/%s", r->peak_memory, lim);
        else
            snprintf(cell[c++], 48, "-/%s", lim);
        if (isfinite(r->ratio_to_lower_bound))
            snprintf(cell[c++], 48, "%.3f", r->ratio_to_lower_bound);
        else
            snprintf(cell[c++], 48, "-");
        short_ms(r->solve_ms, cell[c++], 48);
        if (t->many_groups)
            short_ms(r->lower_bound_ms, cell[c++], 48);
    }
    if (n > 0 && !t->many_groups)
        short_ms(rows[0].lower_bound_ms, t->lb, sizeof t->lb);
    return PS_OK;
}

/* The cell as the text table shows it: the star and the "!" beside their values. */
static void text_cell(const struct table *t, size_t i, int c, char *buf, size_t size)
{
    const char *v = t->cells[i][c];
    if (c == t->sched_col && t->best[i])
        snprintf(buf, size, "%s *", v);
    else if (c == t->sched_col + 4 && t->over[i])
        snprintf(buf, size, "%s !", v);
    else
        snprintf(buf, size, "%s", v);
}

enum ps_status ps_export_compare_table(const struct ps_compare_row *rows, size_t n,
                                       struct ps_buf *out)
{
    if (n == 0)
        return ps_buf_printf(out, "(no schedules)\n");
    struct table t;
    enum ps_status st = table_build(&t, rows, n);
    int width[T_COLS];
    char cell[64];
    for (int c = 0; c < t.nc; c++)
        width[c] = (int)strlen(t.titles[c]);
    for (size_t i = 0; i < n && st == PS_OK; i++)
        for (int c = 0; c < t.nc; c++) {
            text_cell(&t, i, c, cell, sizeof cell);
            if ((int)strlen(cell) > width[c])
                width[c] = (int)strlen(cell);
        }
    for (int c = 0; c < t.nc && st == PS_OK; c++)
        st = ps_buf_printf(out, "%s%*s%s", c ? "  " : "", t.right[c] ? width[c] : -width[c],
                           t.titles[c], c + 1 == t.nc ? "\n" : "");
    for (size_t i = 0; i < n && st == PS_OK; i++)
        for (int c = 0; c < t.nc && st == PS_OK; c++) {
            text_cell(&t, i, c, cell, sizeof cell);
            st = ps_buf_printf(out, "%s%*s%s", c ? "  " : "", t.right[c] ? width[c] : -width[c],
                               cell, c + 1 == t.nc ? "\n" : "");
        }
    if (st == PS_OK && !t.many_groups)
        st = ps_buf_printf(out, "lower bound %s ms (no schedule can beat it)", t.lb);
    else if (st == PS_OK)
        st = ps_buf_printf(out, "LB_ms: lower bound of each row's scenario");
    if (st == PS_OK && t.any_star)
        st = ps_buf_printf(out, "; * best makespan within the memory limit");
    else if (st == PS_OK && t.any_over)
        st = ps_buf_printf(out, "; no schedule fits the memory limit");
    if (st == PS_OK)
        st = ps_buf_printf(out, "%s\n", t.any_over ? "; ! peak memory over the limit" : "");
    table_fini(&t);
    return st;
}

/* ---- tables for papers: LaTeX (booktabs) and Markdown ------------------------------------- */

/* The provenance of a comparison, one line per scenario (rows of one scenario share it). */
static enum ps_status table_provenance(struct ps_buf *out, const struct ps_compare_row *rows,
                                       size_t n, const char *open, const char *close)
{
    enum ps_status st = PS_OK;
    /* Names and edits come from users and files: control characters escaped. */
    char a[4 * 256 + 1], b[4 * 256 + 1], c[4 * 1024 + 1], e[4 * 512 + 1];
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(rows[j].scenario_hash, rows[i].scenario_hash) == 0 &&
                   strcmp(rows[j].edits, rows[i].edits) == 0;
        if (seen)
            continue;
        st = ps_buf_printf(out, "%spipescope %s; scenario %s (hash %s%s%s)", open, PS_VERSION,
                           ps_text_safe(rows[i].scenario, a, sizeof a), rows[i].scenario_hash,
                           rows[i].origin[0] ? ", from " : "",
                           ps_text_safe(rows[i].origin, b, sizeof b));
        for (const char *p = rows[i].edits; st == PS_OK && *p;) {
            size_t k = strcspn(p, "\n");
            char one[1024];
            snprintf(one, sizeof one, "%.*s", (int)k, p);
            st = ps_buf_printf(out, "%s --set %s", p == rows[i].edits ? "; edits:" : "",
                               ps_text_safe(one, c, sizeof c));
            p += k + (p[k] == '\n');
        }
        if (st == PS_OK)
            st = ps_buf_printf(out, "%s\n", close);
    }
    for (size_t i = 0; i < n && st == PS_OK; i++)
        if (rows[i].params[0] || strcmp(rows[i].status_text, rows[i].status) != 0)
            st = ps_buf_printf(
                out, "%s%s: %s%s%s%s%s\n", open, ps_text_safe(rows[i].schedule, a, sizeof a),
                ps_text_safe(rows[i].status_text, b, sizeof b), rows[i].params[0] ? " (" : "",
                ps_text_safe(rows[i].params, e, sizeof e), rows[i].params[0] ? ")" : "", close);
    return st;
}

/* Appends text with LaTeX's special characters escaped. */
static enum ps_status latex_text(struct ps_buf *out, const char *s)
{
    enum ps_status st = PS_OK;
    for (; *s && st == PS_OK; s++) {
        switch (*s) {
        case '&':
        case '%':
        case '$':
        case '#':
        case '_':
        case '{':
        case '}':
            st = ps_buf_printf(out, "\\%c", *s);
            break;
        case '~':
            st = ps_buf_printf(out, "\\textasciitilde{}");
            break;
        case '^':
            st = ps_buf_printf(out, "\\textasciicircum{}");
            break;
        case '\\':
            st = ps_buf_printf(out, "\\textbackslash{}");
            break;
        default:
            st = ps_buf_append(out, s, 1);
        }
    }
    return st;
}

/* Column titles for papers. */
static const char *paper_title(const char *title, bool latex)
{
    static const struct {
        const char *key, *latex, *md;
    } names[] = {
        {"schedule", "Schedule", "Schedule"},
        {"status", "Status", "Status"},
        {"makespan_ms", "Makespan (ms)", "Makespan (ms)"},
        {"bubble", "Bubble", "Bubble"},
        {"peak_mem/limit", "Peak memory / limit", "Peak memory / limit"},
        {"ratio_LB", "$\\times$ lower bound", "× lower bound"},
        {"solve_ms", "Solve (ms)", "Solve (ms)"},
        {"LB_ms", "Lower bound (ms)", "Lower bound (ms)"},
        {"scenario", "Scenario", "Scenario"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(title, names[i].key) == 0)
            return latex ? names[i].latex : names[i].md;
    return title;
}

enum ps_status ps_export_compare_latex(const struct ps_compare_row *rows, size_t n,
                                       struct ps_buf *out)
{
    struct table t;
    enum ps_status st = table_build(&t, rows, n);
    if (st == PS_OK)
        st = table_provenance(out, rows, n, "% ", "");
    if (st == PS_OK)
        st = ps_buf_printf(out, "%% needs \\usepackage{booktabs}\n\\begin{tabular}{");
    for (int c = 0; c < t.nc && st == PS_OK; c++)
        st = ps_buf_printf(out, "%c", t.right[c] ? 'r' : 'l');
    if (st == PS_OK)
        st = ps_buf_printf(out, "}\n\\toprule\n");
    for (int c = 0; c < t.nc && st == PS_OK; c++) {
        const char *title = paper_title(t.titles[c], true);
        st = c ? ps_buf_printf(out, " & ") : PS_OK;
        /* Our own titles hold math on purpose; a sweep's field path is escaped. */
        if (st == PS_OK)
            st = title != t.titles[c] ? ps_buf_printf(out, "%s", title) : latex_text(out, title);
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, " \\\\\n\\midrule\n");
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        for (int c = 0; c < t.nc && st == PS_OK; c++) {
            if (c)
                st = ps_buf_printf(out, " & ");
            bool bold = c == t.sched_col + 2 && t.best[i];
            if (st == PS_OK && bold)
                st = ps_buf_printf(out, "\\textbf{");
            if (st == PS_OK)
                st = latex_text(out, t.cells[i][c]);
            if (st == PS_OK && bold)
                st = ps_buf_printf(out, "}");
            if (st == PS_OK && c == t.sched_col && t.best[i])
                st = ps_buf_printf(out, "$^{*}$");
            if (st == PS_OK && c == t.sched_col + 4 && t.over[i])
                st = ps_buf_printf(out, "$^{\\dagger}$");
        }
        if (st == PS_OK)
            st = ps_buf_printf(out, " \\\\\n");
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, "\\bottomrule\n\\multicolumn{%d}{l}{\\footnotesize ", t.nc);
    if (st == PS_OK && !t.many_groups)
        st = ps_buf_printf(out, "Lower bound %s~ms", t.lb);
    else if (st == PS_OK)
        st = ps_buf_printf(out, "Lower bound of each row's scenario");
    if (st == PS_OK && t.any_star)
        st = ps_buf_printf(out, "; $^{*}$ best makespan within the memory limit (bold)");
    if (st == PS_OK && t.any_over)
        st = ps_buf_printf(out, "; $^{\\dagger}$ peak memory over the limit");
    if (st == PS_OK)
        st = ps_buf_printf(out, ".}\n\\end{tabular}\n");
    table_fini(&t);
    return st;
}

/* Appends text with Markdown table cells' special characters escaped. */
static enum ps_status md_text(struct ps_buf *out, const char *s)
{
    enum ps_status st = PS_OK;
    for (; *s && st == PS_OK; s++)
        st = strchr("|*_`\\<>[]", *s) ? ps_buf_printf(out, "\\%c", *s) : ps_buf_append(out, s, 1);
    return st;
}

enum ps_status ps_export_compare_markdown(const struct ps_compare_row *rows, size_t n,
                                          struct ps_buf *out)
{
    struct table t;
    enum ps_status st = table_build(&t, rows, n);
    if (st == PS_OK)
        st = table_provenance(out, rows, n, "<!-- ", " -->");
    for (int c = 0; c < t.nc && st == PS_OK; c++) {
        st = ps_buf_printf(out, "| ");
        if (st == PS_OK)
            st = md_text(out, paper_title(t.titles[c], false));
        if (st == PS_OK)
            st = ps_buf_printf(out, " ");
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, "|\n");
    for (int c = 0; c < t.nc && st == PS_OK; c++)
        st = ps_buf_printf(out, "|%s", t.right[c] ? "---:" : ":---");
    if (st == PS_OK)
        st = ps_buf_printf(out, "|\n");
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        for (int c = 0; c < t.nc && st == PS_OK; c++) {
            bool bold = c == t.sched_col + 2 && t.best[i];
            st = ps_buf_printf(out, "| %s", bold ? "**" : "");
            if (st == PS_OK)
                st = md_text(out, t.cells[i][c]);
            if (st == PS_OK)
                st = ps_buf_printf(out, "%s%s%s ", bold ? "**" : "",
                                   c == t.sched_col && t.best[i] ? " \\*" : "",
                                   c == t.sched_col + 4 && t.over[i] ? " !" : "");
        }
        if (st == PS_OK)
            st = ps_buf_printf(out, "|\n");
    }
    if (st == PS_OK && !t.many_groups)
        st = ps_buf_printf(out, "\nLower bound %s ms", t.lb);
    else if (st == PS_OK)
        st = ps_buf_printf(out, "\nLower bound of each row's scenario");
    if (st == PS_OK && t.any_star)
        st = ps_buf_printf(out, "; \\* best makespan within the memory limit (bold)");
    if (st == PS_OK && t.any_over)
        st = ps_buf_printf(out, "; ! peak memory over the limit");
    if (st == PS_OK)
        st = ps_buf_printf(out, ".\n");
    table_fini(&t);
    return st;
}
