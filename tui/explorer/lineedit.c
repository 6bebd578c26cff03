/* The prompt's line editor: cursor moves and deletions by whole UTF-8 characters, the
 * shell's kill keys, and a history per kind of prompt. */
#include "tui/explorer/lineedit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_cont(char c)
{
    return ((unsigned char)c & 0xc0) == 0x80;
}

/* The start of the character before byte i. */
static size_t prev_char(const char *s, size_t i)
{
    while (i > 0 && is_cont(s[--i]))
        ;
    return i;
}

/* The start of the character after the one at byte i. */
static size_t next_char(const char *s, size_t i)
{
    if (s[i] == '\0')
        return i;
    i++;
    while (s[i] != '\0' && is_cont(s[i]))
        i++;
    return i;
}

/* Removes bytes [a, b) and puts the cursor at a. */
static bool cut(struct tui_line *l, size_t a, size_t b)
{
    if (a >= b)
        return false;
    memmove(l->buf + a, l->buf + b, strlen(l->buf + b) + 1);
    *l->cur = a;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

bool tui_line_edit(struct tui_line *l, enum tui_line_op op)
{
    size_t len = strlen(l->buf), c = *l->cur > len ? len : *l->cur, was = *l->cur;
    *l->cur = c;
    switch (op) {
    case TUI_LINE_LEFT:
        *l->cur = prev_char(l->buf, c);
        break;
    case TUI_LINE_RIGHT:
        *l->cur = next_char(l->buf, c);
        break;
    case TUI_LINE_HOME:
        *l->cur = 0;
        break;
    case TUI_LINE_END:
        *l->cur = len;
        break;
    case TUI_LINE_BACKSPACE:
        return cut(l, prev_char(l->buf, c), c);
    case TUI_LINE_DELETE:
        return cut(l, c, next_char(l->buf, c));
    case TUI_LINE_KILL_START:
        return cut(l, 0, c);
    case TUI_LINE_KILL_END:
        return cut(l, c, len);
    case TUI_LINE_KILL_WORD: {
        /* As a shell's C-w: the spaces before the cursor, then the word before them. A path's
         * slash ends a word too, so C-w takes back one folder at a time. */
        size_t a = c;
        while (a > 0 && is_space(l->buf[a - 1]))
            a--;
        if (a > 0 && l->buf[a - 1] == '/')
            a--;
        while (a > 0 && !is_space(l->buf[a - 1]) && l->buf[a - 1] != '/')
            a--;
        return cut(l, a, c);
    }
    }
    return *l->cur != was;
}

bool tui_line_insert(struct tui_line *l, uint32_t cp)
{
    char enc[4];
    size_t k;
    if (cp < 0x20 || cp == 0x7f || (cp >= 0xd800 && cp < 0xe000) || cp >= 0x110000)
        return false;
    if (cp < 0x80) {
        enc[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        enc[0] = (char)(0xc0 | (cp >> 6));
        enc[1] = (char)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        enc[0] = (char)(0xe0 | (cp >> 12));
        enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        enc[2] = (char)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        enc[0] = (char)(0xf0 | (cp >> 18));
        enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        enc[3] = (char)(0x80 | (cp & 0x3f));
        k = 4;
    }
    size_t len = strlen(l->buf), c = *l->cur > len ? len : *l->cur;
    if (len + k + 1 > l->size)
        return false;
    memmove(l->buf + c + k, l->buf + c, len - c + 1);
    memcpy(l->buf + c, enc, k);
    *l->cur = c + k;
    return true;
}

int tui_line_cells(const char *s, size_t n)
{
    int cells = 0;
    for (size_t i = 0; i < n && s[i]; i++)
        cells += !is_cont(s[i]);
    return cells;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void tui_line_history_add(struct tui_line_history *h, const char *text)
{
    tui_line_history_reset(h);
    if (text == NULL || *text == '\0' || (h->n > 0 && strcmp(h->items[h->n - 1], text) == 0))
        return;
    char *d = dup_str(text);
    if (d == NULL)
        return;
    if (h->n == TUI_LINE_HISTORY) {
        free(h->items[0]);
        memmove(h->items, h->items + 1, sizeof(h->items[0]) * (TUI_LINE_HISTORY - 1));
        h->n--;
    }
    h->items[h->n++] = d;
    h->at = h->n;
}

bool tui_line_history_walk(struct tui_line_history *h, struct tui_line *l, int dir)
{
    int to = h->at + (dir < 0 ? -1 : 1);
    if (to < 0 || to > h->n)
        return false;
    if (h->at == h->n) { /* leaving the line being typed: keep it */
        free(h->draft);
        h->draft = dup_str(l->buf);
    }
    h->at = to;
    const char *text = to == h->n ? (h->draft ? h->draft : "") : h->items[to];
    snprintf(l->buf, l->size, "%s", text);
    *l->cur = strlen(l->buf);
    return true;
}

void tui_line_history_reset(struct tui_line_history *h)
{
    h->at = h->n;
    free(h->draft);
    h->draft = NULL;
}

void tui_line_history_fini(struct tui_line_history *h)
{
    for (int i = 0; i < h->n; i++)
        free(h->items[i]);
    free(h->draft);
    memset(h, 0, sizeof(*h));
}
