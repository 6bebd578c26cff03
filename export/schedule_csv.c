/* The schedule file, CSV (SPEC 8): one row per op or transfer in a long format for pandas,
 * R or a spreadsheet, after "meta" rows with the provenance. Text fields go through libcsv's RFC
 * 4180 quoting. */
#include "export/export.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/io.h"
#include "core/version.h"
#include "export/export_internal.h"

#define CSV_HEADER                                                                                 \
    "record,kind,stage,chunk,microbatch,part,start_ms,end_ms,from_stage,to_stage,arrive_ms,"       \
    "value\r\n"

struct w {
    struct ps_buf *b;
    enum ps_status st;
};

static void put_n(struct w *w, const char *s, size_t n)
{
    if (w->st == PS_OK)
        w->st = ps_buf_append(w->b, s, n);
}

static void put(struct w *w, const char *s)
{
    put_n(w, s, strlen(s));
}

/* A text field, quoted by libcsv only when it needs quotes. */
static void put_text(struct w *w, const char *s)
{
    size_t len = strlen(s);
    if (strpbrk(s, ",\"\r\n") == NULL) {
        put_n(w, s, len);
        return;
    }
    size_t need = csv_write(NULL, 0, s, len);
    char *q = malloc(need);
    if (q == NULL) {
        w->st = PS_ENOMEM;
        return;
    }
    csv_write(q, need, s, len);
    put_n(w, q, need);
    free(q);
}

/* One row, built on the stack and appended once. Kinds never need quoting; they still go
 * through put_text's check so that any future kind name stays RFC 4180. */
struct line {
    char b[256];
    size_t n;
};

static void l_lit(struct line *l, const char *s)
{
    size_t k = strlen(s);
    memcpy(l->b + l->n, s, k);
    l->n += k;
}

static void l_int(struct line *l, int64_t v)
{
    l->n += ps_out_i64(l->b + l->n, v);
}

static void l_ms(struct line *l, int64_t ns)
{
    l->n += ps_out_ms(l->b + l->n, ns);
}

static bool plain(const char *s)
{
    return strpbrk(s, ",\"\r\n") == NULL;
}

static void put_op(struct w *w, const struct ps_op *op, bool dp)
{
    const char *kind = ps_op_kind_str((enum ps_op_kind)op->kind);
    struct line l = {.n = 0};
    l_lit(&l, dp ? "dp," : "compute,");
    if (plain(kind)) {
        l_lit(&l, kind);
    } else {
        put_n(w, l.b, l.n);
        put_text(w, kind);
        l.n = 0;
    }
    l_lit(&l, ",");
    l_int(&l, op->stage);
    l_lit(&l, ",");
    l_int(&l, op->chunk);
    l_lit(&l, ",");
    if (!dp) {
        l_int(&l, op->microbatch);
        l_lit(&l, ",");
        l_int(&l, op->part);
    } else {
        l_lit(&l, ",");
    }
    l_lit(&l, ",");
    l_ms(&l, op->start_ns);
    l_lit(&l, ",");
    l_ms(&l, op->end_ns);
    l_lit(&l, ",,,,\r\n");
    put_n(w, l.b, l.n);
}

static void put_transfer(struct w *w, const struct ps_transfer *t)
{
    const char *kind = ps_xfer_kind_str((enum ps_xfer_kind)t->kind);
    struct line l = {.n = 0};
    l_lit(&l, "transfer,");
    if (plain(kind)) {
        l_lit(&l, kind);
    } else {
        put_n(w, l.b, l.n);
        put_text(w, kind);
        l.n = 0;
    }
    l_lit(&l, ",,");
    l_int(&l, t->chunk);
    l_lit(&l, ",");
    l_int(&l, t->microbatch);
    l_lit(&l, ",,");
    l_ms(&l, t->start_ns);
    l_lit(&l, ",");
    l_ms(&l, t->end_ns);
    l_lit(&l, ",");
    l_int(&l, t->from_stage);
    l_lit(&l, ",");
    l_int(&l, t->to_stage);
    l_lit(&l, ",");
    l_ms(&l, t->arrive_ns);
    l_lit(&l, ",\r\n");
    put_n(w, l.b, l.n);
}

/* A provenance row: record "meta", the key in kind, the text in value. */
static void put_meta(struct w *w, const char *key, const char *value)
{
    put(w, "meta,");
    put_text(w, key);
    put(w, ",,,,,,,,,,");
    put_text(w, value);
    put(w, "\r\n");
}

/* The provenance (docs/formats.md) as meta rows before the ops. */
static void put_provenance(struct w *w, const struct ps_schedule *s)
{
    const struct ps_scenario *sc = s->sc;
    char buf[1024], num[32];
    put_meta(w, "pipescope", PS_VERSION);
    put_meta(w, "scenario", sc->name);
    put_meta(w, "scenario_hash", ps_scenario_hash(sc, buf));
    if (sc->origin)
        put_meta(w, "origin", sc->origin);
    for (const char *p = sc->edits; p && *p;) {
        size_t n = strcspn(p, "\n");
        snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), p);
        put_meta(w, "edit", buf);
        p += n + (p[n] == '\n');
    }
    put_meta(w, "schedule", s->name);
    for (int i = 0; i < s->solver.n_params; i++) {
        char canon[32];
        snprintf(buf, sizeof buf, "%s=%s", s->solver.params[i].key,
                 ps_param_text(s->solver.params[i].value, canon));
        put_meta(w, "param", buf);
    }
    ps_solve_status_text(s, buf, sizeof buf);
    put_meta(w, "status", buf);
    if (s->solver.bound_ns >= 0)
        put_meta(w, "bound_ms", ps_out_ms_str(s->solver.bound_ns, num));
    if (s->solver.gap >= 0)
        put_meta(w, "gap", ps_out_num(s->solver.gap, num));
}

enum ps_status ps_export_schedule_csv(const struct ps_schedule *s, struct ps_buf *out)
{
    struct w w = {out, PS_OK};
    put(&w, CSV_HEADER);
    put_provenance(&w, s);
    if (!s->timed || s->solver.status == PS_SOLVE_INFEASIBLE)
        return w.st;
    for (int d = 0; d < s->n_stages; d++)
        for (size_t i = 0; i < s->dev_n[d]; i++)
            put_op(&w, &s->dev_ops[d][i], false);
    for (int d = 0; d < s->n_stages; d++)
        for (size_t i = 0; i < s->dp_n[d]; i++)
            put_op(&w, &s->dp_ops[d][i], true);
    for (size_t i = 0; i < s->n_transfers; i++)
        put_transfer(&w, &s->transfers[i]);
    return w.st;
}
