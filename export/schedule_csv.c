/* The schedule file, CSV (SPEC 8): one row per op or transfer in a long format for pandas,
 * R or a spreadsheet. Text fields go through libcsv's RFC 4180 quoting. */
#include "export/export.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_internal.h"

#define CSV_HEADER                                                                                 \
    "record,kind,stage,chunk,microbatch,part,start_ms,end_ms,from_stage,to_stage,arrive_ms\r\n"

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

static void put_op(struct w *w, const struct ps_op *op, bool dp)
{
    put(w, dp ? "dp," : "compute,");
    put_text(w, ps_op_kind_str((enum ps_op_kind)op->kind));
    put(w, ",");
    put_int(w, op->stage);
    put(w, ",");
    put_int(w, op->chunk);
    put(w, ",");
    if (!dp) {
        put_int(w, op->microbatch);
        put(w, ",");
        put_int(w, op->part);
    } else {
        put(w, ",");
    }
    put(w, ",");
    put_ms(w, op->start_ns);
    put(w, ",");
    put_ms(w, op->end_ns);
    put(w, ",,,\r\n");
}

enum ps_status ps_export_schedule_csv(const struct ps_schedule *s, struct ps_buf *out)
{
    struct w w = {out, PS_OK};
    put(&w, CSV_HEADER);
    if (!s->timed || s->solver.status == PS_SOLVE_INFEASIBLE)
        return w.st;
    for (int d = 0; d < s->n_stages; d++)
        for (size_t i = 0; i < s->dev_n[d]; i++)
            put_op(&w, &s->dev_ops[d][i], false);
    for (int d = 0; d < s->n_stages; d++)
        for (size_t i = 0; i < s->dp_n[d]; i++)
            put_op(&w, &s->dp_ops[d][i], true);
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *t = &s->transfers[i];
        put(&w, "transfer,");
        put_text(&w, ps_xfer_kind_str((enum ps_xfer_kind)t->kind));
        put(&w, ",,");
        put_int(&w, t->chunk);
        put(&w, ",");
        put_int(&w, t->microbatch);
        put(&w, ",,");
        put_ms(&w, t->start_ns);
        put(&w, ",");
        put_ms(&w, t->end_ns);
        put(&w, ",");
        put_int(&w, t->from_stage);
        put(&w, ",");
        put_int(&w, t->to_stage);
        put(&w, ",");
        put_ms(&w, t->arrive_ns);
        put(&w, "\r\n");
    }
    return w.st;
}
