/* Number formatting shared by the writers in export/: exact, compact and independent of
 * the locale (files always use '.'). Internal to export/. */
#ifndef PS_EXPORT_INTERNAL_H
#define PS_EXPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "export/export.h"

/* Writes v in decimal into buf (at least 24 bytes, not NUL-terminated); returns the length. */
size_t ps_out_i64(char *buf, int64_t v);

/* Writes ns as milliseconds with up to 6 decimals, trailing zeros trimmed ("12.5", "3",
 * "0.000001"): exact, so reading it back and rounding to ns gives ns again. buf holds at
 * least 32 bytes; not NUL-terminated; returns the length. */
size_t ps_out_ms(char *buf, int64_t ns);

/* Same, NUL-terminated, for printf-style use. Returns buf. */
char *ps_out_ms_str(int64_t ns, char *buf);

/* A double that reads back exactly ('.' whatever the locale; "null" when not finite).
 * buf holds 32 bytes. Returns buf. */
char *ps_out_num(double x, char *buf);

/* A solver parameter's value as the files give it back: a number in its canonical form (as
 * a schedule file reads back: "48.922500" is "48.9225"), any other text as it is. Returns v
 * or buf (32 bytes). */
const char *ps_param_text(const char *v, char buf[32]);

/* Appends one CSV field (RFC 4180 quoting by libcsv, control characters dropped), then a
 * comma, or CRLF when it is the row's last. */
enum ps_status ps_csv_field(struct ps_buf *out, const char *text, bool last);

/* Appends s as a JSON string literal (quoted and escaped). */
enum ps_status ps_buf_json_string(struct ps_buf *b, const char *s);

/* The SVG figures' text and numbers (export/svg.c): s as XML text (markup escaped, control
 * characters dropped, invalid UTF-8 as '?', at most max_chars characters, a longer text
 * cut with an ellipsis); a coordinate with at most two decimals ('.' whatever the locale;
 * buf holds 32 bytes); a tick step of 1, 2 or 5 x 10^k at least min_step. */
enum ps_status ps_svg_text(struct ps_buf *b, const char *s, size_t max_chars);
const char *ps_svg_num(char *buf, double v);
double ps_svg_nice_step(double min_step);

#endif
