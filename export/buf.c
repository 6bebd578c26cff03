/* The byte buffer every writer appends to: amortized doubling in memory, always
 * NUL-terminated so a finished buffer can be printed as a string; or, with a sink, handed to
 * the file every 64 KB so that exports of any size run in constant memory. */
#include "export/export.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A streaming buffer hands its bytes over once it holds this many. */
#define FLUSH_AT ((size_t)1 << 16)

void ps_buf_init(struct ps_buf *b)
{
    memset(b, 0, sizeof *b);
}

void ps_buf_init_sink(struct ps_buf *b, struct ps_out *sink)
{
    ps_buf_init(b);
    b->sink = sink;
}

void ps_buf_fini(struct ps_buf *b)
{
    free(b->data);
    ps_buf_init(b);
}

size_t ps_buf_total(const struct ps_buf *b)
{
    return b->flushed + b->len;
}

static enum ps_status flush(struct ps_buf *b)
{
    if (b->sink_st == PS_OK && b->len > 0)
        b->sink_st = ps_out_write(b->sink, b->data, b->len);
    b->flushed += b->len;
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
    return b->sink_st;
}

static enum ps_status reserve(struct ps_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return PS_OK;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1) {
        if (cap > (SIZE_MAX >> 1))
            return PS_ENOMEM;
        cap *= 2;
    }
    char *nd = realloc(b->data, cap);
    if (nd == NULL)
        return PS_ENOMEM;
    b->data = nd;
    b->cap = cap;
    return PS_OK;
}

enum ps_status ps_buf_append(struct ps_buf *b, const char *data, size_t len)
{
    if (b->sink != NULL) {
        if (b->sink_st != PS_OK)
            return b->sink_st;
        if (b->len + len > FLUSH_AT && flush(b) != PS_OK)
            return b->sink_st;
        if (len > FLUSH_AT) { /* a large piece goes straight through */
            b->sink_st = ps_out_write(b->sink, data, len);
            b->flushed += len;
            return b->sink_st;
        }
    }
    if (reserve(b, len) != PS_OK)
        return PS_ENOMEM;
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return PS_OK;
}

enum ps_status ps_buf_printf(struct ps_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return PS_EINVAL;
    if ((size_t)n < sizeof small)
        return ps_buf_append(b, small, (size_t)n);
    if (b->sink != NULL && b->len > 0 && flush(b) != PS_OK)
        return b->sink_st;
    if (reserve(b, (size_t)n) != PS_OK)
        return PS_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return PS_OK;
}

enum ps_status ps_buf_finish(struct ps_buf *b, enum ps_status st, struct ps_diag *d)
{
    ps_diag_clear(d);
    struct ps_out *sink = b->sink;
    if (sink != NULL && (st == PS_OK || b->sink_st != PS_OK)) {
        flush(b);
        st = ps_out_commit(sink, d); /* reports a failed write and removes the tmp file */
    } else if (sink != NULL) {
        ps_out_abort(sink);
        if (st == PS_ENOMEM)
            ps_diag_set(d, st, "", "out of memory");
    }
    ps_buf_fini(b);
    return st;
}

enum ps_status ps_write_atomic(const char *path, const char *data, size_t len, struct ps_diag *d)
{
    return ps_file_write(path, data, len, 0, d);
}
