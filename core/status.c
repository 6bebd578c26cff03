/* Status names and diagnostics: the one way every module reports what went wrong and
 * where ("scenario.json: network.inter_dc.bandwidth_gbps: must be >= 0 (got -5)"). */
#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *ps_status_str(enum ps_status st)
{
    switch (st) {
    case PS_OK:
        return "ok";
    case PS_ENOMEM:
        return "out of memory";
    case PS_EINVAL:
        return "invalid value";
    case PS_EPARSE:
        return "parse error";
    case PS_EIO:
        return "input/output error";
    case PS_ENOTFOUND:
        return "not found";
    case PS_EDEADLOCK:
        return "deadlock";
    case PS_EUNSUPPORTED:
        return "not supported";
    }
    return "unknown status";
}

void ps_diag_clear(struct ps_diag *d)
{
    if (d == NULL)
        return;
    d->path[0] = '\0';
    d->line = 0;
    d->column = 0;
    d->msg[0] = '\0';
}

enum ps_status ps_diag_set(struct ps_diag *d, enum ps_status st, const char *path, const char *fmt,
                           ...)
{
    if (d == NULL)
        return st;
    snprintf(d->path, sizeof d->path, "%s", path != NULL ? path : "");
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->msg, sizeof d->msg, fmt, ap);
        va_end(ap);
    } else {
        snprintf(d->msg, sizeof d->msg, "%s", ps_status_str(st));
    }
    return st;
}

char *ps_diag_format(const struct ps_diag *d, const char *prefix, char *buf, unsigned long size)
{
    if (buf == NULL || size == 0)
        return buf;
    buf[0] = '\0';
    if (d == NULL)
        return buf;
    const char *msg = d->msg[0] != '\0' ? d->msg : "error";
    const char *pre = prefix != NULL ? prefix : "";
    const char *sep = prefix != NULL && prefix[0] != '\0' ? ": " : "";
    char where[48] = "";
    if (d->line > 0 && d->column > 0)
        snprintf(where, sizeof where, ":%d:%d", d->line, d->column);
    else if (d->line > 0)
        snprintf(where, sizeof where, ":%d", d->line);
    if (d->line > 0) {
        /* "PREFIX:line:col: msg", with the field path too when there is one */
        const char *w = pre[0] != '\0' ? where : where + 1;
        if (d->path[0] != '\0')
            snprintf(buf, size, "%s%s: %s: %s", pre, w, d->path, msg);
        else
            snprintf(buf, size, "%s%s: %s", pre, w, msg);
    } else if (d->path[0] != '\0') {
        snprintf(buf, size, "%s%s%s: %s", pre, sep, d->path, msg);
    } else {
        snprintf(buf, size, "%s%s%s", pre, sep, msg);
    }
    return buf;
}
