/* Provenance: what every file pipescope writes says about how it was made (docs/formats.md,
 * "Provenance"): pipescope's version, the scenario (its name, canonical hash, where it came
 * from and the edits since), the schedule with its parameters, and the solver's outcome
 * with its bound and gap. One JSON object for the JSON files and the trace, one line of
 * text for figures, tables and CSV. */
#include "export/export.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/io/io.h"
#include "core/units.h"
#include "core/version.h"
#include "export/export_internal.h"

/* A number for the eye: "57", "1917.9", "0.125". */
static void eye_ms(int64_t ns, char *buf, size_t size)
{
    double ms = ps_ns_to_ms(ns);
    if (fabs(ms) >= 100)
        snprintf(buf, size, "%.1f", ms);
    else
        snprintf(buf, size, "%.4g", ms);
}

void ps_solve_status_text(const struct ps_schedule *s, char *buf, size_t size)
{
    const struct ps_solver_info *si = &s->solver;
    const char *st = ps_solve_status_str(si->status);
    char bound[48] = "", gap[48] = "";
    if (si->bound_ns >= 0) {
        char b[32];
        eye_ms(si->bound_ns, b, sizeof b);
        snprintf(bound, sizeof bound, ", bound %s ms", b);
    }
    if (si->gap >= 0 && isfinite(si->gap)) {
        char g[16];
        ps_gap_str(si->gap, g, sizeof g);
        snprintf(gap, sizeof gap, ", gap %s", g);
    }
    switch (si->status) {
    case PS_SOLVE_OPTIMAL:
    case PS_SOLVE_HEURISTIC:
        snprintf(buf, size, "%s", st);
        return;
    case PS_SOLVE_FEASIBLE:
        snprintf(buf, size, "%s%s%s", st, bound, gap);
        return;
    case PS_SOLVE_CANCELLED:
        snprintf(buf, size, "%s%s%s%s", st, s->timed ? " (best so far)" : " (no schedule)", bound,
                 gap);
        return;
    case PS_SOLVE_INFEASIBLE:
        snprintf(buf, size, "%s%s%.200s", st, si->error[0] ? ": " : "", si->error);
        return;
    }
    snprintf(buf, size, "%s", st);
}

/* Appends s as JSON text, or null. */
static enum ps_status str_or_null(struct ps_buf *b, const char *s)
{
    return s ? ps_buf_json_string(b, s) : ps_buf_append(b, "null", 4);
}

static enum ps_status edits_json(struct ps_buf *b, const char *edits)
{
    enum ps_status st = ps_buf_append(b, "[", 1);
    for (const char *p = edits; st == PS_OK && p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char one[1024];
        snprintf(one, sizeof one, "%.*s", (int)(n < sizeof one ? n : sizeof one - 1), p);
        if (p != edits)
            st = ps_buf_append(b, ", ", 2);
        if (st == PS_OK)
            st = ps_buf_json_string(b, one);
        p = nl ? nl + 1 : p + n;
    }
    return st == PS_OK ? ps_buf_append(b, "]", 1) : st;
}

enum ps_status ps_buf_provenance_json(struct ps_buf *b, const struct ps_scenario *sc,
                                      const struct ps_schedule *s)
{
    char hash[PS_SCENARIO_HASH_LEN + 1], num[32], status[320];
    enum ps_status st = ps_buf_printf(b, "{ \"pipescope\": \"%s\", \"scenario\": ", PS_VERSION);
    if (st == PS_OK)
        st = ps_buf_json_string(b, sc->name);
    if (st == PS_OK)
        st = ps_buf_printf(b,
                           ", \"scenario_hash\": \"%s\", \"origin\": ", ps_scenario_hash(sc, hash));
    if (st == PS_OK)
        st = str_or_null(b, sc->origin);
    if (st == PS_OK)
        st = ps_buf_append(b, ", \"edits\": ", 11);
    if (st == PS_OK)
        st = edits_json(b, sc->edits);
    if (st == PS_OK && s != NULL) {
        st = ps_buf_append(b, ", \"schedule\": ", 14);
        if (st == PS_OK)
            st = ps_buf_json_string(b, s->name);
        if (st == PS_OK)
            st = ps_buf_append(b, ", \"params\": {", 13);
        for (int i = 0; st == PS_OK && i < s->solver.n_params; i++) {
            st = ps_buf_append(b, i ? ", " : " ", i ? 2 : 1);
            if (st == PS_OK)
                st = ps_buf_json_string(b, s->solver.params[i].key);
            if (st == PS_OK)
                st = ps_buf_append(b, ": ", 2);
            char canon[32];
            if (st == PS_OK)
                st = ps_buf_json_string(b, ps_param_text(s->solver.params[i].value, canon));
        }
        ps_solve_status_text(s, status, sizeof status);
        if (st == PS_OK)
            st = ps_buf_printf(
                b, "%s}, \"status\": \"%s\", \"status_text\": ", s->solver.n_params ? " " : "",
                ps_solve_status_str(s->solver.status));
        if (st == PS_OK)
            st = ps_buf_json_string(b, status);
        if (st == PS_OK)
            st = ps_buf_append(b, ", \"bound_ms\": ", 14);
        if (st == PS_OK)
            st = s->solver.bound_ns >= 0 ? ps_buf_append(b, num, ps_out_ms(num, s->solver.bound_ns))
                                         : ps_buf_append(b, "null", 4);
        if (st == PS_OK)
            st = ps_buf_printf(b, ", \"gap\": %s",
                               s->solver.gap >= 0 ? ps_out_num(s->solver.gap, num) : "null");
    }
    return st == PS_OK ? ps_buf_append(b, " }", 2) : st;
}

/* Appends printf text to buf at *used, never past size. */
static void add(char *buf, size_t size, size_t *used, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void add(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
    if (*used + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, size - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n < size ? *used + (size_t)n : size - 1;
}

void ps_provenance_scenario_line(const struct ps_scenario *sc, char *buf, size_t size)
{
    char hash[PS_SCENARIO_HASH_LEN + 1];
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    add(buf, size, &used, "pipescope %s; scenario %s (hash %s", PS_VERSION, sc->name,
        ps_scenario_hash(sc, hash));
    if (sc->origin)
        add(buf, size, &used, ", from %s", sc->origin);
    add(buf, size, &used, ")");
    if (sc->edits && *sc->edits) {
        add(buf, size, &used, "; edits:");
        for (const char *p = sc->edits; *p;) {
            size_t n = strcspn(p, "\n");
            add(buf, size, &used, " --set %.*s", (int)n, p);
            p += n + (p[n] == '\n');
        }
    }
}

void ps_provenance_schedule_line(const struct ps_schedule *s, char *buf, size_t size)
{
    char status[320];
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    add(buf, size, &used, "%s", s->name);
    for (int i = 0; i < s->solver.n_params; i++) {
        char canon[32];
        add(buf, size, &used, "%s%s=%s", i ? ", " : " (", s->solver.params[i].key,
            ps_param_text(s->solver.params[i].value, canon));
    }
    if (s->solver.n_params)
        add(buf, size, &used, ")");
    ps_solve_status_text(s, status, sizeof status);
    add(buf, size, &used, ": %s", status);
}

void ps_provenance_line(const struct ps_schedule *const *scheds, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    const struct ps_scenario *last = NULL;
    for (size_t i = 0; i < n; i++) {
        if (scheds[i]->sc != last) {
            char line[2048];
            ps_provenance_scenario_line(scheds[i]->sc, line, sizeof line);
            /* The version once, at the start. */
            add(buf, size, &used, "%s%s", i ? "; " : "",
                i ? line + strlen("pipescope " PS_VERSION "; ") : line);
            last = scheds[i]->sc;
        }
        char one[1024];
        ps_provenance_schedule_line(scheds[i], one, sizeof one);
        add(buf, size, &used, "; schedule %s", one);
    }
}
