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

static const char *const columns[] = {
    "scenario",    "schedule",  "status",         "makespan_ms",          "bubble_ratio",
    "peak_memory", "memory_ok", "lower_bound_ms", "ratio_to_lower_bound", "solve_ms"};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

/* The scenario's part of a row: name, limit, lower bound, provenance; no numbers yet. */
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
    row->bubble_reduction = row->makespan_reduction = NAN;
    for (int c = 0; c < PS_BUBBLE_COUNT; c++)
        row->bubble_by[c] = NAN;
    row->makespan_ms = NAN;
    row->bubble_ratio = NAN;
    row->peak_memory = NAN;
    row->ratio_to_lower_bound = NAN;
    row->memory_ok = false;
}

void ps_compare_row_error(struct ps_compare_row *row, const struct ps_scenario *sc,
                          const char *schedule, const char *why)
{
    memset(row, 0, sizeof *row);
    row_scenario(row, sc);
    snprintf(row->schedule, sizeof row->schedule, "%s", schedule);
    snprintf(row->status, sizeof row->status, "error");
    snprintf(row->status_text, sizeof row->status_text, "%s", why ? why : "error");
    struct ps_bound b;
    ps_lower_bound(sc, &b);
    row->lower_bound_ms = ps_ns_to_ms(ps_lower_bound_ns(sc));
    snprintf(row->bound_binds, sizeof row->bound_binds, "%s", ps_bound_part_str(b.binds));
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
    enum ps_bound_part binds = (enum ps_bound_part)s->lower_bound_binds;
    if (!(s->timed && s->lower_bound_ns > 0)) {
        struct ps_bound b;
        ps_lower_bound(sc, &b);
        binds = b.binds;
    }
    row->lower_bound_ms = ps_ns_to_ms(lb);
    snprintf(row->bound_binds, sizeof row->bound_binds, "%s", ps_bound_part_str(binds));
    if (!s->timed || s->solver.status == PS_SOLVE_INFEASIBLE)
        return;
    row->makespan_ms = ps_ns_to_ms(s->makespan_ns);
    row->bubble_ratio = s->bubble_ratio;
    row->peak_memory = 0;
    for (int d = 0; d < s->n_stages; d++)
        if (s->peak_memory[d] > row->peak_memory)
            row->peak_memory = s->peak_memory[d];
    row->memory_ok = s->memory_ok;
    row->ratio_to_lower_bound = lb > 0 ? (double)s->makespan_ns / (double)lb : NAN;
    int64_t by[PS_BUBBLE_COUNT];
    ps_bubble_totals(s, by);
    double whole = (double)s->n_stages * (double)s->makespan_ns;
    for (int c = 0; c < PS_BUBBLE_COUNT; c++)
        row->bubble_by[c] = whole > 0 ? (double)by[c] / whole : 0;
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

/* The columns of a comparison file: the ten of SPEC 9, the bubble by cause, the baseline's
 * three when a row has one, the provenance (docs/formats.md), the sweep's keys, and a knee
 * per swept key that has one. */
enum col_kind { COL_SPEC, COL_BUBBLE, COL_BASELINE, COL_PROV, COL_EXTRA, COL_KNEE };

static const char *const provenance_columns[] = {
    "bound_ms", "gap", "status_text", "params", "scenario_hash", "origin", "edits", "pipescope"};
#define N_PROV (sizeof provenance_columns / sizeof provenance_columns[0])
/* A cell's text: the longest is a row's edits. */
#define VAL_SIZE 1100

struct col {
    enum col_kind kind;
    int index; /* in its kind */
    const char *key;
    char name[48];
};

struct layout {
    struct col cols[N_COLUMNS + PS_BUBBLE_COUNT + 3 + N_PROV + 2 * 64];
    int n;
};

static const char *const baseline_columns[] = {"baseline", "bubble_reduction",
                                               "makespan_reduction"};

static void add_col(struct layout *L, enum col_kind kind, int index, const char *key,
                    const char *prefix, const char *name)
{
    struct col *c = &L->cols[L->n++];
    c->kind = kind;
    c->index = index;
    c->key = key;
    snprintf(c->name, sizeof c->name, "%s%s", prefix, name);
}

static void make_layout(const struct ps_compare_row *rows, size_t n, struct layout *L)
{
    const char *keys[64];
    int nk = extra_keys(rows, n, keys, 64);
    bool baseline = false;
    L->n = 0;
    for (size_t c = 0; c < N_COLUMNS; c++)
        add_col(L, COL_SPEC, (int)c, NULL, "", columns[c]);
    for (int c = 0; c < PS_BUBBLE_COUNT; c++)
        add_col(L, COL_BUBBLE, c, NULL, "bubble_", ps_bubble_cause_str((enum ps_bubble_cause)c));
    for (size_t i = 0; i < n; i++)
        baseline |= rows[i].baseline[0] != '\0';
    for (int c = 0; c < 3 && baseline; c++)
        add_col(L, COL_BASELINE, c, NULL, "", baseline_columns[c]);
    for (size_t c = 0; c < N_PROV; c++)
        add_col(L, COL_PROV, (int)c, NULL, "", provenance_columns[c]);
    for (int k = 0; k < nk; k++)
        add_col(L, COL_EXTRA, k, keys[k], "", keys[k]);
    for (int k = 0; k < nk; k++) {
        bool any = false;
        for (size_t i = 0; i < n && !any; i++)
            for (int j = 0; j < rows[i].n_extra && j < 8; j++)
                any |= rows[i].has_knee[j] && strcmp(rows[i].extra[j].key, keys[k]) == 0;
        if (any)
            add_col(L, COL_KNEE, k, keys[k], "knee:", keys[k]);
    }
}

static const char *knee_value(const struct ps_compare_row *r, const char *key)
{
    for (int j = 0; j < r->n_extra && j < 8; j++)
        if (strcmp(r->extra[j].key, key) == 0)
            return r->has_knee[j] ? r->knee[j] : NULL;
    return NULL;
}

/* One cell as text ("" for a missing value); *quoted when JSON writes it as a string. */
/* A provenance cell (v holds VAL_SIZE): the bound and gap as numbers, the rest as text;
 * the edits joined with "; " (JSON writes them as an array, see edits_array). */
static void prov_cell(const struct ps_compare_row *r, int index, char *v, bool *quoted)
{
    *quoted = index >= 2;
    switch (index) {
    case 0:
        if (isfinite(r->bound_ms))
            ms_text(r->bound_ms, v);
        return;
    case 1:
        if (isfinite(r->gap))
            ps_out_num(r->gap, v);
        return;
    case 2:
        snprintf(v, VAL_SIZE, "%s", r->status_text);
        return;
    case 3:
        snprintf(v, VAL_SIZE, "%s", r->params);
        return;
    case 4:
        snprintf(v, VAL_SIZE, "%s", r->scenario_hash);
        return;
    case 5:
        snprintf(v, VAL_SIZE, "%s", r->origin);
        return;
    case 6: {
        size_t k = 0;
        for (const char *p = r->edits; *p && k + 3 < VAL_SIZE; p++) {
            if (*p == '\n') {
                v[k++] = ';';
                v[k++] = ' ';
            } else {
                v[k++] = *p;
            }
        }
        v[k] = '\0';
        return;
    }
    default:
        snprintf(v, VAL_SIZE, "%s", PS_VERSION);
        return;
    }
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

static void cell(const struct ps_compare_row *r, const struct col *c, char *v, bool *quoted)
{
    *quoted = false;
    v[0] = '\0';
    switch (c->kind) {
    case COL_SPEC: {
        if (c->index < 3) {
            snprintf(v, 160, "%s",
                     c->index == 0   ? r->scenario
                     : c->index == 1 ? r->schedule
                                     : r->status);
            *quoted = true;
            return;
        }
        if (c->index == 6) {
            snprintf(v, 160, "%s", r->memory_ok ? "true" : "false");
            return;
        }
        const double nums[] = {r->makespan_ms,    r->bubble_ratio,         r->peak_memory, NAN,
                               r->lower_bound_ms, r->ratio_to_lower_bound, r->solve_ms};
        double x = nums[c->index - 3];
        if (isfinite(x) && (c->index == 3 || c->index == 7 || c->index == 9))
            ms_text(x, v);
        else if (isfinite(x))
            ps_out_num(x, v);
        return;
    }
    case COL_BUBBLE:
        if (isfinite(r->bubble_by[c->index]))
            ps_out_num(r->bubble_by[c->index], v);
        return;
    case COL_BASELINE:
        if (c->index == 0) {
            snprintf(v, 160, "%s", r->baseline);
            *quoted = true;
        } else {
            double x = c->index == 1 ? r->bubble_reduction : r->makespan_reduction;
            if (isfinite(x))
                ps_out_num(x, v);
        }
        return;
    case COL_PROV:
        prov_cell(r, c->index, v, quoted);
        return;
    case COL_EXTRA:
    case COL_KNEE: {
        const char *t = c->kind == COL_EXTRA ? extra_value(r, c->key) : knee_value(r, c->key);
        if (t != NULL)
            snprintf(v, 160, "%s", t);
        *quoted = t != NULL; /* as json_value_text decides */
        return;
    }
    }
}

enum ps_status ps_csv_field(struct ps_buf *out, const char *text, bool last)
{
    enum ps_status st;
    /* a CSV file is often looked at with cat: names keep no control characters */
    char safe[4 * VAL_SIZE + 1];
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
    struct layout *L = malloc(sizeof *L);
    if (L == NULL)
        return PS_ENOMEM;
    make_layout(rows, n, L);
    enum ps_status st = PS_OK;
    for (int c = 0; c < L->n && st == PS_OK; c++)
        st = ps_csv_field(out, L->cols[c].name, c + 1 == L->n);
    for (size_t i = 0; i < n && st == PS_OK; i++)
        for (int c = 0; c < L->n && st == PS_OK; c++) {
            char v[VAL_SIZE];
            bool quoted;
            cell(&rows[i], &L->cols[c], v, &quoted);
            st = ps_csv_field(out, v, c + 1 == L->n);
        }
    free(L);
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
    struct layout *L = malloc(sizeof *L);
    if (L == NULL)
        return PS_ENOMEM;
    make_layout(rows, n, L);
    enum ps_status st = ps_buf_append(out, "[", 1);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        st = ps_buf_append(out, i ? ",\n  { " : "\n  { ", i ? 6 : 5);
        for (int c = 0; c < L->n && st == PS_OK; c++) {
            const struct col *col = &L->cols[c];
            char v[VAL_SIZE];
            bool quoted;
            cell(&rows[i], col, v, &quoted);
            if (c > 0)
                st = ps_buf_append(out, ", ", 2);
            if (st == PS_OK)
                st = ps_buf_json_string(out, col->name);
            if (st == PS_OK)
                st = ps_buf_append(out, ": ", 2);
            if (st != PS_OK)
                break;
            if (col->kind == COL_PROV && col->index == 6)
                st = edits_array(out, rows[i].edits);
            else if (col->kind == COL_EXTRA || col->kind == COL_KNEE)
                st = quoted ? json_value_text(out, v) : ps_buf_append(out, "null", 4);
            else if (quoted)
                st = ps_buf_json_string(out, v);
            else if (v[0] == '\0')
                st = ps_buf_append(out, "null", 4);
            else
                st = ps_buf_append(out, v, strlen(v));
        }
        if (st == PS_OK)
            st = ps_buf_append(out, " }", 2);
    }
    if (st == PS_OK)
        st = ps_buf_append(out, n > 0 ? "\n]\n" : "]\n", n > 0 ? 3 : 2);
    free(L);
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
                       const char *const *keys, int nk)
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

/* The best rows: within the memory limit, the smallest makespan of their group (rows of one
 * scenario and sweep point); when none of a group fits, none of it is best. The one rule
 * of every view (the explorer's table uses it too). */
/* The one rule of "best", for every view: a schedule that has a makespan and fits the
 * memory limit, with no such schedule faster. A faster schedule over the limit does not
 * count: it could not run. */
static bool may_be_best(double makespan_ms, bool memory_ok)
{
    return isfinite(makespan_ms) && memory_ok;
}

static bool beats(double a_ms, bool a_ok, double b_ms)
{
    return may_be_best(a_ms, a_ok) && a_ms < b_ms;
}

void ps_compare_best(const struct ps_compare_row *rows, size_t n, bool *best)
{
    const char *keys[8];
    int nk = extra_keys(rows, n, keys, 8);
    for (size_t i = 0; i < n; i++) {
        const struct ps_compare_row *r = &rows[i];
        best[i] = may_be_best(r->makespan_ms, r->memory_ok);
        for (size_t j = 0; j < n && best[i]; j++)
            if (same_group(&rows[j], r, keys, nk) &&
                beats(rows[j].makespan_ms, rows[j].memory_ok, r->makespan_ms))
                best[i] = false;
    }
}

/* A schedule's makespan for the rule: NAN without one. */
static double rule_ms(const struct ps_schedule *s)
{
    return s && s->timed && s->solver.status != PS_SOLVE_INFEASIBLE ? ps_ns_to_ms(s->makespan_ns)
                                                                    : NAN;
}

void ps_schedule_best(const struct ps_schedule *const *s, size_t n, bool *best)
{
    for (size_t i = 0; i < n; i++) {
        best[i] = may_be_best(rule_ms(s[i]), s[i] && s[i]->memory_ok);
        for (size_t j = 0; j < n && best[i]; j++)
            if (s[j] && beats(rule_ms(s[j]), s[j]->memory_ok, rule_ms(s[i])))
                best[i] = false;
    }
}

static bool over_limit(const struct ps_compare_row *r)
{
    return r->has_memory_limit && isfinite(r->peak_memory) &&
           r->peak_memory > r->memory_limit + 1e-9;
}

/* scenario + 8 sweep keys + 8 fixed + 2 baseline + LB_ms + 8 knees */
#define T_COLS 28

/* The bubble by cause as a bar of 10 letters, each about a tenth of the bubble (largest
 * remainders, so the letters add up to 10): f fill, x cross-DC, i intra-DC, m memory,
 * r rendezvous, d all-gather, e end. "-" without a bubble. */
static void cause_bar(const struct ps_compare_row *r, char *buf)
{
    static const char letters[PS_BUBBLE_COUNT] = {'f', 'x', 'i', 'm', 'r', 'd', 'e'};
    double share[PS_BUBBLE_COUNT], total = 0;
    for (int c = 0; c < PS_BUBBLE_COUNT; c++) {
        share[c] = isfinite(r->bubble_by[c]) ? r->bubble_by[c] : 0;
        total += share[c];
    }
    if (!(total > 0)) {
        snprintf(buf, 48, "-");
        return;
    }
    int count[PS_BUBBLE_COUNT];
    ps_bubble_cells(share, 10, count);
    int at = 0;
    for (int c = 0; c < PS_BUBBLE_COUNT; c++)
        for (int k = 0; k < count[c]; k++)
            buf[at++] = letters[c];
    buf[at] = '\0';
}

static void percent_change(double reduction, char *buf)
{
    if (isfinite(reduction) && fabs(reduction) < 5e-4)
        snprintf(buf, 48, "0.0%%");
    else if (isfinite(reduction))
        snprintf(buf, 48, "%+.1f%%", -100.0 * reduction);
    else
        snprintf(buf, 48, "-");
}

struct table {
    const char *keys[8];
    int nk;
    bool many_scenarios, many_groups, baseline, knee[8];
    char base_titles[2][48], knee_titles[8][48];
};

/* Column titles: [scenario] [sweep keys] schedule status makespan bubble by-cause mem ratio
 * solve [against the baseline] [lower bound when it differs between rows] [knees]. */
static int table_titles(const struct table *t, const char **titles, bool *right)
{
    int nc = 0;
    if (t->many_scenarios)
        titles[nc] = "scenario", right[nc++] = false;
    for (int k = 0; k < t->nk; k++)
        titles[nc] = t->keys[k], right[nc++] = true;
    static const char *const fixed[] = {"schedule", "status",         "makespan_ms", "bubble",
                                        "by cause", "peak_mem/limit", "ratio_LB",    "solve_ms"};
    static const bool fixed_right[] = {false, false, true, true, false, true, true, true};
    for (int i = 0; i < 8; i++)
        titles[nc] = fixed[i], right[nc++] = fixed_right[i];
    for (int i = 0; i < 2 && t->baseline; i++)
        titles[nc] = t->base_titles[i], right[nc++] = true;
    if (t->many_groups)
        titles[nc] = "LB_ms", right[nc++] = true;
    for (int k = 0; k < t->nk; k++)
        if (t->knee[k])
            titles[nc] = t->knee_titles[k], right[nc++] = true;
    return nc;
}

/* The cells of row i; returns how many. best[i] from ps_compare_best; with markers, the
 * best schedule gets " *" and a peak over the limit " !" (the text table's marks; LaTeX and
 * Markdown mark them their own way). */
static int table_row(const struct table *t, const struct ps_compare_row *rows, const bool *best,
                     size_t i, bool markers, char (*cells)[48])
{
    const struct ps_compare_row *r = &rows[i];
    int c = 0;
    if (t->many_scenarios)
        ps_text_safe(r->scenario, cells[c++], 48);
    for (int k = 0; k < t->nk; k++) {
        const char *v = extra_value(r, t->keys[k]);
        ps_text_safe(v != NULL ? v : "", cells[c++], 48);
    }
    char name[48];
    snprintf(cells[c++], 48, "%s%s", ps_text_safe(r->schedule, name, 44),
             markers && best[i] ? " *" : "");
    ps_text_safe(r->status, cells[c++], 48);
    short_ms(r->makespan_ms, cells[c++], 48);
    if (isfinite(r->bubble_ratio))
        snprintf(cells[c++], 48, "%.1f%%", 100.0 * r->bubble_ratio);
    else
        snprintf(cells[c++], 48, "-");
    cause_bar(r, cells[c++]);
    bool over = over_limit(r);
    char lim[32] = "-";
    if (r->has_memory_limit)
        snprintf(lim, sizeof lim, "%g", r->memory_limit);
    if (isfinite(r->peak_memory))
        snprintf(cells[c++], 48, "%.1f/%s%s", r->peak_memory, lim, markers && over ? " !" : "");
    else
        snprintf(cells[c++], 48, "-/%s", lim);
    if (isfinite(r->ratio_to_lower_bound))
        snprintf(cells[c++], 48, "%.3f", r->ratio_to_lower_bound);
    else
        snprintf(cells[c++], 48, "-");
    short_ms(r->solve_ms, cells[c++], 48);
    if (t->baseline) {
        percent_change(r->bubble_reduction, cells[c++]);
        percent_change(r->makespan_reduction, cells[c++]);
    }
    if (t->many_groups)
        short_ms(r->lower_bound_ms, cells[c++], 48);
    for (int k = 0; k < t->nk; k++)
        if (t->knee[k]) {
            const char *v = knee_value(r, t->keys[k]);
            ps_text_safe(v != NULL ? v : "-", cells[c++], 48);
        }
    return c;
}

static enum ps_status table_legend(const struct table *t, const struct ps_compare_row *rows,
                                   size_t n, bool any_star, struct ps_buf *out)
{
    bool any_over = false;
    enum ps_status st;
    for (size_t i = 0; i < n; i++)
        any_over |= rows[i].has_memory_limit && isfinite(rows[i].peak_memory) &&
                    rows[i].peak_memory > rows[i].memory_limit + 1e-9;
    if (n > 0 && !t->many_groups) {
        char lb[32];
        short_ms(rows[0].lower_bound_ms, lb, sizeof lb);
        if (rows[0].bound_binds[0] != '\0')
            st = ps_buf_printf(out, "lower bound %s ms (%s; no schedule%s can beat it)", lb,
                               rows[0].bound_binds,
                               rows[0].has_memory_limit ? " within the memory limit" : "");
        else
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
    if (st == PS_OK)
        st = ps_buf_printf(out, "by cause: tenths of the bubble: f fill (warm-up, cool-down), x "
                                "cross-DC, i intra-DC, m memory, r rendezvous, d all-gather, e "
                                "idle at the end\n");
    /* a solver's status in full where the column has room for one word only */
    for (size_t i = 0; i < n && st == PS_OK && !t->many_groups; i++)
        if ((!strcmp(rows[i].status, "feasible") || !strcmp(rows[i].status, "cancelled")) &&
            strcmp(rows[i].status_text, rows[i].status) != 0)
            st = ps_buf_printf(out, "%s: %s\n", rows[i].schedule, rows[i].status_text);
    if (st == PS_OK && t->baseline)
        st = ps_buf_printf(out,
                           "vs %s: change of the bubble ratio and of the makespan against %s "
                           "(negative: less)\n",
                           rows[0].baseline, rows[0].baseline);
    bool knees = false;
    for (int k = 0; k < t->nk; k++)
        knees |= t->knee[k];
    if (st == PS_OK && knees)
        st = ps_buf_printf(out, "knee:KEY: the smallest KEY at which that schedule's makespan is "
                                "within the sweep's margin of its best over the range\n");
    return st;
}

/* The table's shape: keys, groups, baseline and knee columns, titles. */
static void table_init(struct table *t, const struct ps_compare_row *rows, size_t n)
{
    memset(t, 0, sizeof *t);
    t->nk = extra_keys(rows, n, t->keys, 8);
    for (size_t i = 0; i < n; i++) {
        t->many_scenarios |= strcmp(rows[i].scenario, rows[0].scenario) != 0;
        t->many_groups |= !same_group(&rows[i], &rows[0], t->keys, t->nk);
        t->baseline |= rows[i].baseline[0] != '\0';
        for (int k = 0; k < t->nk; k++)
            t->knee[k] |= knee_value(&rows[i], t->keys[k]) != NULL;
    }
    snprintf(t->base_titles[0], 48, "bubble vs %.30s", n ? rows[0].baseline : "");
    snprintf(t->base_titles[1], 48, "time vs %.30s", n ? rows[0].baseline : "");
    for (int k = 0; k < t->nk; k++)
        snprintf(t->knee_titles[k], 48, "knee:%.40s", t->keys[k]);
}

/* The column of the schedule's name (the makespan is 2 after it, the memory 5). */
static int sched_col(const struct table *t)
{
    return (t->many_scenarios ? 1 : 0) + t->nk;
}

enum ps_status ps_export_compare_table(const struct ps_compare_row *rows, size_t n,
                                       struct ps_buf *out)
{
    if (n == 0)
        return ps_buf_printf(out, "(no schedules)\n");
    struct table t;
    table_init(&t, rows, n);
    const char *titles[T_COLS];
    bool right[T_COLS];
    int nc = table_titles(&t, titles, right);

    char(*cells)[T_COLS][48] = calloc(n, sizeof *cells);
    bool *best = calloc(n, sizeof *best);
    if (cells == NULL || best == NULL) {
        free(cells);
        free(best);
        return PS_ENOMEM;
    }
    ps_compare_best(rows, n, best);
    bool any_star = false;
    int width[T_COLS];
    for (int c = 0; c < nc; c++)
        width[c] = (int)strlen(titles[c]);
    for (size_t i = 0; i < n; i++) {
        int c = table_row(&t, rows, best, i, true, cells[i]);
        any_star |= best[i];
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
    free(best);
    return st == PS_OK ? table_legend(&t, rows, n, any_star, out) : st;
}

/* ---- baselines and knees ---------------------------------------------------------------- */

void ps_compare_baseline(struct ps_compare_row *rows, size_t n, const char *baseline)
{
    const char *keys[8];
    int nk = extra_keys(rows, n, keys, 8);
    for (size_t i = 0; i < n; i++) {
        struct ps_compare_row *r = &rows[i];
        snprintf(r->baseline, sizeof r->baseline, "%s", baseline);
        r->bubble_reduction = r->makespan_reduction = NAN;
        for (size_t j = 0; j < n; j++) {
            const struct ps_compare_row *b = &rows[j];
            if (strcmp(b->schedule, baseline) != 0 || !same_group(b, r, keys, nk))
                continue;
            if (isfinite(b->bubble_ratio) && isfinite(r->bubble_ratio) && b->bubble_ratio > 0)
                r->bubble_reduction = (b->bubble_ratio - r->bubble_ratio) / b->bubble_ratio;
            if (isfinite(b->makespan_ms) && isfinite(r->makespan_ms) && b->makespan_ms > 0)
                r->makespan_reduction = (b->makespan_ms - r->makespan_ms) / b->makespan_ms;
            break;
        }
    }
}

static bool number_text(const char *v, double *x)
{
    char *end;
    *x = strtod(v, &end);
    return v[0] != '\0' && *end == '\0' && isfinite(*x);
}

/* Rows a and b agree on the scenario, the schedule and every key but `skip`. */
static bool same_line(const struct ps_compare_row *a, const struct ps_compare_row *b,
                      const char **keys, int nk, int skip)
{
    if (strcmp(a->scenario, b->scenario) != 0 || strcmp(a->schedule, b->schedule) != 0)
        return false;
    for (int k = 0; k < nk; k++) {
        if (k == skip)
            continue;
        const char *x = extra_value(a, keys[k]), *y = extra_value(b, keys[k]);
        if ((x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0))
            return false;
    }
    return true;
}

static int extra_index(const struct ps_compare_row *r, const char *key)
{
    for (int j = 0; j < r->n_extra && j < 8; j++)
        if (strcmp(r->extra[j].key, key) == 0)
            return j;
    return -1;
}

void ps_compare_knees(struct ps_compare_row *rows, size_t n, double eps)
{
    const char *keys[8];
    int nk = extra_keys(rows, n, keys, 8);
    for (int k = 0; k < nk; k++) {
        bool numeric = true;
        double x;
        for (size_t i = 0; i < n && numeric; i++) {
            const char *v = extra_value(&rows[i], keys[k]);
            numeric = v == NULL || number_text(v, &x);
        }
        if (!numeric)
            continue;
        for (size_t i = 0; i < n; i++) {
            int j = extra_index(&rows[i], keys[k]);
            if (j < 0)
                continue;
            /* the best over this row's line, then the smallest value within eps of it */
            double best = INFINITY, knee = INFINITY;
            for (size_t o = 0; o < n; o++)
                if (same_line(&rows[o], &rows[i], keys, nk, k) && isfinite(rows[o].makespan_ms) &&
                    rows[o].makespan_ms < best)
                    best = rows[o].makespan_ms;
            const char *text = NULL;
            for (size_t o = 0; o < n && isfinite(best); o++) {
                const char *v = extra_value(&rows[o], keys[k]);
                if (v == NULL || !same_line(&rows[o], &rows[i], keys, nk, k) ||
                    !isfinite(rows[o].makespan_ms) || rows[o].makespan_ms > best * (1 + eps) ||
                    !number_text(v, &x) || x >= knee)
                    continue;
                knee = x;
                text = v;
            }
            rows[i].has_knee[j] = text != NULL;
            if (text != NULL)
                snprintf(rows[i].knee[j], sizeof rows[i].knee[j], "%s", text);
        }
    }
}

/* ---- tables for papers: LaTeX (booktabs) and Markdown ------------------------------------- */

/* A comparison laid out for a paper: the text table's columns and cells without its marks,
 * which rows are best and over the limit, and the lower bound. */
struct paper {
    struct table t;
    int nc;
    const char *titles[T_COLS];
    bool right[T_COLS];
    int sched_col;
    char (*cells)[T_COLS][48];
    bool *best, *over;
    bool any_star, any_over;
    char lb[32];
};

static void paper_fini(struct paper *p)
{
    free(p->cells);
    free(p->best);
    free(p->over);
}

static enum ps_status paper_build(struct paper *p, const struct ps_compare_row *rows, size_t n)
{
    memset(p, 0, sizeof *p);
    table_init(&p->t, rows, n);
    p->nc = table_titles(&p->t, p->titles, p->right);
    p->sched_col = sched_col(&p->t);
    p->cells = calloc(n ? n : 1, sizeof *p->cells);
    p->best = calloc(n ? n : 1, sizeof *p->best);
    p->over = calloc(n ? n : 1, sizeof *p->over);
    if (p->cells == NULL || p->best == NULL || p->over == NULL)
        return PS_ENOMEM;
    ps_compare_best(rows, n, p->best);
    for (size_t i = 0; i < n; i++) {
        table_row(&p->t, rows, p->best, i, false, p->cells[i]);
        p->over[i] = over_limit(&rows[i]);
        p->any_star |= p->best[i];
        p->any_over |= p->over[i];
    }
    if (n > 0 && !p->t.many_groups)
        short_ms(rows[0].lower_bound_ms, p->lb, sizeof p->lb);
    return PS_OK;
}

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
        {"by cause", "Bubble by cause", "Bubble by cause"},
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
    struct paper p;
    enum ps_status st = paper_build(&p, rows, n);
    if (st == PS_OK)
        st = table_provenance(out, rows, n, "% ", "");
    if (st == PS_OK)
        st = ps_buf_printf(out, "%% needs \\usepackage{booktabs}\n\\begin{tabular}{");
    for (int c = 0; c < p.nc && st == PS_OK; c++)
        st = ps_buf_printf(out, "%c", p.right[c] ? 'r' : 'l');
    if (st == PS_OK)
        st = ps_buf_printf(out, "}\n\\toprule\n");
    for (int c = 0; c < p.nc && st == PS_OK; c++) {
        const char *title = paper_title(p.titles[c], true);
        st = c ? ps_buf_printf(out, " & ") : PS_OK;
        /* Our own titles hold math on purpose; a sweep's field path is escaped. */
        if (st == PS_OK)
            st = title != p.titles[c] ? ps_buf_printf(out, "%s", title) : latex_text(out, title);
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, " \\\\\n\\midrule\n");
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        for (int c = 0; c < p.nc && st == PS_OK; c++) {
            if (c)
                st = ps_buf_printf(out, " & ");
            bool bold = c == p.sched_col + 2 && p.best[i];
            if (st == PS_OK && bold)
                st = ps_buf_printf(out, "\\textbf{");
            if (st == PS_OK)
                st = latex_text(out, p.cells[i][c]);
            if (st == PS_OK && bold)
                st = ps_buf_printf(out, "}");
            if (st == PS_OK && c == p.sched_col && p.best[i])
                st = ps_buf_printf(out, "$^{*}$");
            if (st == PS_OK && c == p.sched_col + 5 && p.over[i])
                st = ps_buf_printf(out, "$^{\\dagger}$");
        }
        if (st == PS_OK)
            st = ps_buf_printf(out, " \\\\\n");
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, "\\bottomrule\n\\multicolumn{%d}{l}{\\footnotesize ", p.nc);
    if (st == PS_OK && !p.t.many_groups)
        st = ps_buf_printf(out, "Lower bound %s~ms", p.lb);
    else if (st == PS_OK)
        st = ps_buf_printf(out, "Lower bound of each row's scenario");
    if (st == PS_OK && p.any_star)
        st = ps_buf_printf(out, "; $^{*}$ best makespan within the memory limit (bold)");
    if (st == PS_OK && p.any_over)
        st = ps_buf_printf(out, "; $^{\\dagger}$ peak memory over the limit");
    if (st == PS_OK)
        st = ps_buf_printf(out, ".}\n\\end{tabular}\n");
    paper_fini(&p);
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
    struct paper p;
    enum ps_status st = paper_build(&p, rows, n);
    if (st == PS_OK)
        st = table_provenance(out, rows, n, "<!-- ", " -->");
    for (int c = 0; c < p.nc && st == PS_OK; c++) {
        st = ps_buf_printf(out, "| ");
        if (st == PS_OK)
            st = md_text(out, paper_title(p.titles[c], false));
        if (st == PS_OK)
            st = ps_buf_printf(out, " ");
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, "|\n");
    for (int c = 0; c < p.nc && st == PS_OK; c++)
        st = ps_buf_printf(out, "|%s", p.right[c] ? "---:" : ":---");
    if (st == PS_OK)
        st = ps_buf_printf(out, "|\n");
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        for (int c = 0; c < p.nc && st == PS_OK; c++) {
            bool bold = c == p.sched_col + 2 && p.best[i];
            st = ps_buf_printf(out, "| %s", bold ? "**" : "");
            if (st == PS_OK)
                st = md_text(out, p.cells[i][c]);
            if (st == PS_OK)
                st = ps_buf_printf(out, "%s%s%s ", bold ? "**" : "",
                                   c == p.sched_col && p.best[i] ? " \\*" : "",
                                   c == p.sched_col + 5 && p.over[i] ? " !" : "");
        }
        if (st == PS_OK)
            st = ps_buf_printf(out, "|\n");
    }
    if (st == PS_OK && !p.t.many_groups)
        st = ps_buf_printf(out, "\nLower bound %s ms", p.lb);
    else if (st == PS_OK)
        st = ps_buf_printf(out, "\nLower bound of each row's scenario");
    if (st == PS_OK && p.any_star)
        st = ps_buf_printf(out, "; \\* best makespan within the memory limit (bold)");
    if (st == PS_OK && p.any_over)
        st = ps_buf_printf(out, "; ! peak memory over the limit");
    if (st == PS_OK)
        st = ps_buf_printf(out, ".\n");
    paper_fini(&p);
    return st;
}
