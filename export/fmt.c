/* Locale-independent, exact number formatting for the writers: nanoseconds become
 * milliseconds with at most 6 decimals, so files round-trip to the nanosecond. */
#include "export/export_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/json.h"

size_t ps_out_i64(char *buf, int64_t v)
{
    char tmp[24];
    size_t n = 0, len = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        buf[len++] = '-';
    while (n > 0)
        buf[len++] = tmp[--n];
    return len;
}

size_t ps_out_ms(char *buf, int64_t ns)
{
    size_t len = 0;
    uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    if (ns < 0)
        buf[len++] = '-';
    len += ps_out_i64(buf + len, (int64_t)(u / 1000000u));
    uint32_t frac = (uint32_t)(u % 1000000u);
    if (frac != 0) {
        char digits[6];
        for (int i = 5; i >= 0; i--) {
            digits[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        int last = 5;
        while (digits[last] == '0')
            last--;
        buf[len++] = '.';
        memcpy(buf + len, digits, (size_t)last + 1);
        len += (size_t)last + 1;
    }
    return len;
}

char *ps_out_ms_str(int64_t ns, char *buf)
{
    buf[ps_out_ms(buf, ns)] = '\0';
    return buf;
}

char *ps_out_num(double x, char *buf)
{
    return ps_json_number(x, buf);
}

const char *ps_param_text(const char *v, char buf[32])
{
    char *end;
    double x = strtod(v, &end);
    if (v[0] != '\0' && *end == '\0' && isfinite(x) && strspn(v, "+-0123456789.eE") == strlen(v))
        return ps_json_number(x, buf);
    return v;
}

enum ps_status ps_buf_json_string(struct ps_buf *b, const char *s)
{
    enum ps_status st = ps_buf_append(b, "\"", 1);
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; st == PS_OK && *p; p++) {
        /* DEL and the C1 controls (U+0080..U+009F) are escaped too: a file shown with cat
         * must not drive the terminal */
        bool c1 = p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
        if (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7F && !c1)
            continue;
        st = ps_buf_append(b, run, (size_t)((const char *)p - run));
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            esc[2] = '\0';
        } else if (*p == '\n') {
            memcpy(esc, "\\n", 3);
        } else if (*p == '\t') {
            memcpy(esc, "\\t", 3);
        } else {
            snprintf(esc, sizeof esc, "\\u%04x", c1 ? p[1] : *p);
        }
        if (st == PS_OK)
            st = ps_buf_append(b, esc, strlen(esc));
        p += c1;
        run = (const char *)p + 1;
    }
    if (st == PS_OK)
        st = ps_buf_append(b, run, strlen(run));
    if (st == PS_OK)
        st = ps_buf_append(b, "\"", 1);
    return st;
}
