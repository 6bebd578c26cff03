/* Status codes and diagnostics shared by every pipescope module: fallible functions
 * return enum ps_status, parsers and validators also describe the problem in a ps_diag. */
#ifndef PS_CORE_STATUS_H
#define PS_CORE_STATUS_H

#include <stdint.h>

enum ps_status {
    PS_OK = 0,
    PS_ENOMEM,    /* out of memory */
    PS_EINVAL,    /* invalid value or argument (diag names the field) */
    PS_EPARSE,    /* malformed input text (diag has line and column) */
    PS_EIO,       /* file system error (diag has the path and errno text) */
    PS_ENOTFOUND, /* unknown name: schedule, preset, field */
    PS_EDEADLOCK, /* an order that can never complete (diag names a stuck op) */
    PS_EUNSUPPORTED,
};

/* A diagnostic: which field, where in the input, and why. All strings are
 * NUL-terminated; an empty path means "not about one field". */
struct ps_diag {
    char path[160]; /* field path, e.g. "network.inter_dc.bandwidth_gbps" */
    int line;       /* 1-based line in the input, 0 when unknown */
    int column;     /* 1-based column, 0 when unknown */
    char msg[320];  /* the reason, e.g. "must be >= 0 (got -5)" */
};

/* Returns a static, human-readable name for a status ("out of memory", ...). */
const char *ps_status_str(enum ps_status st);

/* Clears a diagnostic. NULL is allowed. */
void ps_diag_clear(struct ps_diag *d);

/* Fills a diagnostic with a field path and a printf-style reason. NULL d is allowed
 * (then nothing happens). Returns st so callers can `return ps_diag_set(...)`. */
enum ps_status ps_diag_set(struct ps_diag *d, enum ps_status st, const char *path, const char *fmt,
                           ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Formats "PREFIX: path: msg" (or "PREFIX:line:col: msg") into buf; PREFIX may be NULL.
 * Returns buf. */
char *ps_diag_format(const struct ps_diag *d, const char *prefix, char *buf, unsigned long size);

#endif
