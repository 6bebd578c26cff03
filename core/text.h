/* Text from outside (files, the command line) made safe to show: control characters
 * become visible escapes, so a name can never move the cursor, change colours, set the
 * window title or ring the bell when it is printed to a terminal, a table or a CSV file. */
#ifndef PS_CORE_TEXT_H
#define PS_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Copies s into buf (size >= 1; always NUL-terminated) with every control character written
 * as a \xHH escape (ESC is "\x1b", a newline "\x0a"): C0 controls, DEL, the C1 controls
 * U+0080..U+009F and every byte that is not part of valid UTF-8. Valid UTF-8 is kept as it
 * is. A text too long for buf is cut before a whole character or escape. Returns buf. */
char *ps_text_safe(const char *s, char *buf, size_t size);

/* The length ps_text_safe would write (without the NUL) given unlimited room. */
size_t ps_text_safe_len(const char *s);

/* True when ps_text_safe would change nothing. */
bool ps_text_is_safe(const char *s);

#endif
