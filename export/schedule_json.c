/* The schedule file, JSON (SPEC 7). The scenario goes through the scenario writer; ops and
 * transfers (millions of them) are formatted straight into the buffer, one object per line,
 * so a large schedule writes in a fraction of a second, and streams to its file in constant
 * memory when the buffer has a sink. */
#include "export/export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "export/export_internal.h"

/* A writer that remembers the first failure, so the code below reads as the format. */
struct w {
    struct ps_buf *b;
    enum ps_status st;
};

static void put(struct w *w, const char *s)
{
    if (w->st == PS_OK)
        w->st = ps_buf_append(w->b, s, strlen(s));
}

static void put_n(struct w *w, const char *s, size_t n)
{
    if (w->st == PS_OK)
        w->st = ps_buf_append(w->b, s, n);
}

static void put_int(struct w *w, int64_t v)
{
    char buf[24];
    put_n(w, buf, ps_out_i64(buf, v));
}

static void put_ms(struct w *w, int64_t ns)
{
    char buf[32];
    put_n(w, buf, ps_out_ms(buf, ns));
}

static void put_num(struct w *w, double x)
{
    char buf[32];
    put(w, ps_out_num(x, buf));
}

static void put_str(struct w *w, const char *s)
{
    if (w->st == PS_OK)
        w->st = ps_buf_json_string(w->b, s);
}

/* Embeds the scenario's pretty JSON, indented one level. */
static void put_scenario(struct w *w, const struct ps_scenario *sc)
{
    char *text = ps_scenario_to_json(sc);
    if (text == NULL) {
        w->st = PS_ENOMEM;
        return;
    }
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')
        len--;
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            put_n(w, text + run, i + 1 - run);
            put(w, "  ");
            run = i + 1;
        }
    }
    put_n(w, text + run, len - run);
    free(text);
}

/* A solver parameter: a number or a boolean when the text is one, otherwise a string. */
static void put_param_value(struct w *w, const char *v)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
        put(w, v);
        return;
    }
    char *end;
    double x = strtod(v, &end);
    if (v[0] != '\0' && *end == '\0' && isfinite(x) && strspn(v, "+-0123456789.eE") == strlen(v))
        put(w, v[0] == '+' ? v + 1 : v);
    else
        put_str(w, v);
}

/* One op or transfer line, built on the stack and appended once: these lines are most of
 * a large file. 512 bytes hold the longest (a transfer with an escaped channel name). */
struct line {
    char b[512];
    size_t n;
};

static inline void l_lit(struct line *l, const char *s)
{
    size_t k = strlen(s);
    memcpy(l->b + l->n, s, k);
    l->n += k;
}

static inline void l_int(struct line *l, int64_t v)
{
    l->n += ps_out_i64(l->b + l->n, v);
}

static inline void l_ms(struct line *l, int64_t ns)
{
    l->n += ps_out_ms(l->b + l->n, ns);
}

static void put_op(struct w *w, const struct ps_op *op, bool first)
{
    struct line l = {.n = 0};
    l_lit(&l, first ? "\n    { \"kind\": \"" : ",\n    { \"kind\": \"");
    l_lit(&l, ps_op_kind_str((enum ps_op_kind)op->kind));
    l_lit(&l, "\", \"stage\": ");
    l_int(&l, op->stage);
    l_lit(&l, ", \"chunk\": ");
    l_int(&l, op->chunk);
    l_lit(&l, ", \"microbatch\": ");
    l_int(&l, op->microbatch);
    l_lit(&l, ", \"part\": ");
    l_int(&l, op->part);
    l_lit(&l, ", \"parts\": ");
    l_int(&l, op->parts);
    l_lit(&l, ", \"start_ms\": ");
    l_ms(&l, op->start_ns);
    l_lit(&l, ", \"end_ms\": ");
    l_ms(&l, op->end_ns);
    l_lit(&l, " }");
    put_n(w, l.b, l.n);
}

/* quoted[c]: channel c's name as a JSON string literal, or "null" past the end. */
static void put_transfer(struct w *w, const struct ps_transfer *t, bool first, char (*quoted)[300],
                         int n_channels)
{
    struct line l = {.n = 0};
    l_lit(&l, first ? "\n    { \"kind\": \"" : ",\n    { \"kind\": \"");
    l_lit(&l, ps_xfer_kind_str((enum ps_xfer_kind)t->kind));
    l_lit(&l, "\", \"from_stage\": ");
    l_int(&l, t->from_stage);
    l_lit(&l, ", \"to_stage\": ");
    l_int(&l, t->to_stage);
    l_lit(&l, ", \"chunk\": ");
    l_int(&l, t->chunk);
    l_lit(&l, ", \"microbatch\": ");
    l_int(&l, t->microbatch);
    l_lit(&l, ", \"start_ms\": ");
    l_ms(&l, t->start_ns);
    l_lit(&l, ", \"end_ms\": ");
    l_ms(&l, t->end_ns);
    l_lit(&l, ", \"arrive_ms\": ");
    l_ms(&l, t->arrive_ns);
    l_lit(&l, ", \"channel\": ");
    l_lit(&l, t->channel >= 0 && t->channel < n_channels ? quoted[t->channel] : "null");
    l_lit(&l, " }");
    put_n(w, l.b, l.n);
}

/* The "solver" object: status, objective, bound, gap, time and parameters. */
static void put_solver(struct w *w, const struct ps_solver_info *si, const struct ps_schedule *s,
                       bool have_ops)
{
    put(w, "  \"solver\": {\n    \"status\": \"");
    put(w, ps_solve_status_str(si->status));
    put(w, "\",\n    \"objective_ms\": ");
    if (have_ops)
        put_ms(w, si->objective_ns > 0 ? si->objective_ns : s->makespan_ns);
    else
        put(w, "null");
    put(w, ",\n    \"bound_ms\": ");
    if (si->bound_ns >= 0)
        put_ms(w, si->bound_ns);
    else
        put(w, "null");
    put(w, ",\n    \"gap\": ");
    if (si->gap >= 0)
        put_num(w, si->gap);
    else
        put(w, "null");
    put(w, ",\n    \"solve_ms\": ");
    /* wall time: to the ns like every other time, not 17 digits of noise */
    if (isfinite(si->solve_ms) && fabs(si->solve_ms) < 1e12)
        put_ms(w, ps_ms_to_ns(si->solve_ms));
    else
        put_num(w, si->solve_ms);
    put(w, ",\n    \"params\": {");
    for (int i = 0; i < si->n_params; i++) {
        put(w, i ? ", " : " ");
        put_str(w, si->params[i].key);
        put(w, ": ");
        put_param_value(w, si->params[i].value);
    }
    put(w, si->n_params > 0 ? " }\n  },\n" : "}\n  },\n");
}

/* The metrics: bubble, lower bound, peak memory, busy time and the idle time by cause. */
static void put_metrics(struct w *w, const struct ps_schedule *s, bool have_ops)
{
    const struct ps_scenario *sc = s->sc;
    put(w, ",\n  \"metrics\": {\n    \"bubble_ratio\": ");
    if (have_ops)
        put_num(w, s->bubble_ratio);
    else
        put(w, "null");
    put(w, ",\n    \"lower_bound_ms\": ");
    put_ms(w, have_ops && s->lower_bound_ns > 0 ? s->lower_bound_ns : ps_lower_bound_ns(sc));
    put(w, ",\n    \"peak_memory\": [");
    for (int d = 0; have_ops && d < s->n_stages; d++) {
        put(w, d ? ", " : "");
        put_num(w, s->peak_memory[d]);
    }
    put(w, "],\n    \"memory_limit\": ");
    if (sc->has_memory_limit)
        put_num(w, sc->memory_limit);
    else
        put(w, "null");
    put(w, ",\n    \"memory_ok\": ");
    put(w, have_ops && s->memory_ok ? "true" : "false");
    put(w, ",\n    \"busy_ms\": [");
    for (int d = 0; have_ops && d < s->n_stages; d++) {
        put(w, d ? ", " : "");
        put_ms(w, s->busy_ns[d]);
    }
    /* the idle time of each device by cause (docs/model.md, "Bubble breakdown") */
    put(w, "],\n    \"bubble_ms\": {");
    for (int c = 0; c < PS_BUBBLE_COUNT; c++) {
        put(w, c ? ", \"" : " \"");
        put(w, ps_bubble_cause_str((enum ps_bubble_cause)c));
        put(w, "\": [");
        for (int d = 0; have_ops && d < s->n_stages; d++) {
            put(w, d ? ", " : "");
            put_ms(w, s->bubble_ns[(size_t)d * PS_BUBBLE_COUNT + c]);
        }
        put(w, "]");
    }
    put(w, " }\n  },\n");
}

enum ps_status ps_export_schedule_json(const struct ps_schedule *s, struct ps_buf *out)
{
    struct w w = {out, PS_OK};
    const struct ps_scenario *sc = s->sc;
    /* Without a timed result (infeasible, or cancelled before any schedule) the file has
     * no ops and null results, and says why in "error". */
    bool have_ops = s->timed && s->solver.status != PS_SOLVE_INFEASIBLE;

    size_t n_xfers = have_ops ? s->n_transfers : 0;

    put(&w, "{\n  \"format\": \"" PS_SCHEDULE_FORMAT "\",\n");
    put(&w, "  \"generator\": { \"name\": \"pipescope\", \"version\": \"" PS_VERSION "\" },\n");
    put(&w, "  \"provenance\": ");
    if (w.st == PS_OK)
        w.st = ps_buf_provenance_json(w.b, sc, s);
    put(&w, ",\n  \"scenario\": ");
    put_scenario(&w, sc);
    put(&w, ",\n  \"schedule\": ");
    put_str(&w, s->name);
    put(&w, ",\n  \"chunks\": ");
    put_int(&w, s->chunks);
    put(&w, ",\n  \"traversal\": \"");
    put(&w, ps_traversal_str(s->traversal));
    put(&w, "\",\n");

    put_solver(&w, &s->solver, s, have_ops);

    put(&w, "  \"split_backward\": ");
    put(&w, s->split_backward ? "true" : "false");
    put(&w, ",\n  \"makespan_ms\": ");
    if (have_ops)
        put_ms(&w, s->makespan_ns);
    else
        put(&w, "null");

    put_metrics(&w, s, have_ops);

    /* Extra: the channels, with the name each transfer refers to (quoted once here). */
    char(*names)[48] = NULL;
    char(*quoted)[300] = NULL;
    if (have_ops && s->n_channels > 0) {
        names = calloc((size_t)s->n_channels, sizeof *names);
        quoted = calloc((size_t)s->n_channels, sizeof *quoted);
        if (names == NULL || quoted == NULL) {
            free(names);
            free(quoted);
            return PS_ENOMEM;
        }
        for (int c = 0; c < s->n_channels && w.st == PS_OK; c++) {
            struct ps_buf q;
            ps_buf_init(&q);
            ps_channel_name(s, c, names[c], sizeof names[c]);
            w.st = ps_buf_json_string(&q, names[c]);
            if (w.st == PS_OK)
                snprintf(quoted[c], sizeof quoted[c], "%s", q.data);
            ps_buf_fini(&q);
        }
    }
    put(&w, "  \"channels\": [");
    for (int c = 0; have_ops && c < s->n_channels; c++) {
        const struct ps_channel *ch = &s->channels[c];
        put(&w, c ? ",\n    { \"name\": " : "\n    { \"name\": ");
        put_str(&w, names[c]);
        put(&w, ", \"from_dc\": ");
        put_str(&w, sc->dcs[ch->from_dc].name);
        put(&w, ", \"to_dc\": ");
        put_str(&w, sc->dcs[ch->to_dc].name);
        put(&w, ", \"latency_ms\": ");
        put_num(&w, ch->link.latency_ms);
        put(&w, ", \"bandwidth_gbps\": ");
        put_num(&w, ch->link.bandwidth_gbps);
        put(&w, ", \"busy_ms\": ");
        put_ms(&w, ch->busy_ns);
        put(&w, ", \"transfers\": ");
        put_int(&w, ch->n_transfers);
        put(&w, " }");
    }
    put(&w, have_ops && s->n_channels > 0 ? "\n  ],\n" : "],\n");

    /* Ops in device order: each device's compute ops in execution order, then the
     * data-parallel lanes. */
    put(&w, "  \"ops\": [");
    bool first = true;
    for (int d = 0; have_ops && d < s->n_stages; d++)
        for (size_t i = 0; i < s->dev_n[d]; i++, first = false)
            put_op(&w, &s->dev_ops[d][i], first);
    for (int d = 0; have_ops && d < s->n_stages; d++)
        for (size_t i = 0; i < s->dp_n[d]; i++, first = false)
            put_op(&w, &s->dp_ops[d][i], first);
    put(&w, first ? "],\n" : "\n  ],\n");

    put(&w, "  \"transfers\": [");
    for (size_t i = 0; i < n_xfers; i++)
        put_transfer(&w, &s->transfers[i], i == 0, quoted, s->n_channels);
    put(&w, n_xfers > 0 ? "\n  ]" : "]");
    free(names);
    free(quoted);

    if (s->solver.error[0] != '\0') {
        put(&w, ",\n  \"error\": ");
        put_str(&w, s->solver.error);
    }
    put(&w, "\n}\n");
    return w.st;
}
