/* Text made safe to show: the one escaping of control characters every printer uses. */
#include "core/text.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at p that is not a control character, or 0 when the
 * byte at p must be escaped. */
static size_t plain_len(const unsigned char *p)
{
    unsigned char c = p[0];
    if (c >= 0x20 && c < 0x7F)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0; /* C0, DEL, continuation bytes, overlong leads, past U+10FFFF */
    size_t n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (c == 0xC2 && p[1] < 0xA0)
        return 0; /* U+0080..U+009F: the C1 controls (0x9B is a CSI to some terminals) */
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) || (c == 0xF0 && p[1] < 0x90) ||
        (c == 0xF4 && p[1] >= 0x90))
        return 0; /* overlong, surrogate or too large */
    return n;
}

char *ps_text_safe(const char *s, char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t k = plain_len(p);
        if (k > 0) {
            if (n + k >= size)
                break;
            memcpy(buf + n, p, k);
            n += k;
            p += k;
            continue;
        }
        if (n + 4 >= size)
            break;
        buf[n++] = '\\';
        buf[n++] = 'x';
        buf[n++] = hex[*p >> 4];
        buf[n++] = hex[*p & 15];
        p++;
    }
    buf[n] = '\0';
    return buf;
}

size_t ps_text_safe_len(const char *s)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t k = plain_len(p);
        n += k > 0 ? k : 4;
        p += k > 0 ? k : 1;
    }
    return n;
}

bool ps_text_is_safe(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t k = plain_len(p);
        if (k == 0)
            return false;
        p += k;
    }
    return true;
}
