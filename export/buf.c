/* The growable byte buffer every writer appends to: amortized doubling, always
 * NUL-terminated so a finished buffer can be printed as a string. */
#include "export/export.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ps_buf_init(struct ps_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void ps_buf_fini(struct ps_buf *b)
{
    free(b->data);
    ps_buf_init(b);
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
    if (reserve(b, (size_t)n) != PS_OK)
        return PS_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return PS_OK;
}
