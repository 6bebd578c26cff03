/* The cell grid the explorer renders into: clipping writes, boxes, text with UTF-8
 * decoding, and the text dump the snapshot tests compare. */
#include "tui/explorer/canvas.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool tui_canvas_init(struct tui_canvas *c, int cols, int rows)
{
    c->cols = 0;
    c->rows = 0;
    c->cells = NULL;
    return tui_canvas_resize(c, cols, rows);
}

void tui_canvas_fini(struct tui_canvas *c)
{
    free(c->cells);
    c->cells = NULL;
    c->cols = c->rows = 0;
}

bool tui_canvas_resize(struct tui_canvas *c, int cols, int rows)
{
    if (cols < 1)
        cols = 1;
    if (rows < 1)
        rows = 1;
    struct tui_cell *cells = calloc((size_t)cols * (size_t)rows, sizeof(*cells));
    if (cells == NULL)
        return false;
    free(c->cells);
    c->cells = cells;
    c->cols = cols;
    c->rows = rows;
    tui_canvas_clear(c);
    return true;
}

void tui_canvas_clear(struct tui_canvas *c)
{
    size_t n = (size_t)c->cols * (size_t)c->rows;
    for (size_t i = 0; i < n; i++)
        c->cells[i] = (struct tui_cell){.ch = ' ', .glyph = TUI_G_NONE, .style = TUI_S_NORMAL};
}

struct tui_cell *tui_canvas_at(struct tui_canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->cols || y >= c->rows)
        return NULL;
    return &c->cells[(size_t)y * (size_t)c->cols + (size_t)x];
}

void tui_canvas_put(struct tui_canvas *c, int x, int y, uint32_t ch, enum tui_style st)
{
    struct tui_cell *cell = tui_canvas_at(c, x, y);
    if (cell)
        *cell = (struct tui_cell){.ch = ch, .glyph = TUI_G_NONE, .style = (uint8_t)st};
}

void tui_canvas_glyph(struct tui_canvas *c, int x, int y, enum tui_glyph g, enum tui_style st)
{
    struct tui_cell *cell = tui_canvas_at(c, x, y);
    if (cell)
        *cell = (struct tui_cell){.ch = ' ', .glyph = (uint8_t)g, .style = (uint8_t)st};
}

void tui_canvas_fill(struct tui_canvas *c, int x, int y, int w, int h, enum tui_style st)
{
    for (int j = y; j < y + h; j++)
        for (int i = x; i < x + w; i++)
            tui_canvas_put(c, i, j, ' ', st);
}

/* Decodes one UTF-8 sequence; invalid bytes come out as '?'. */
static uint32_t utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t cp;
    int n;
    if (s[0] < 0x80) {
        *p = s + 1;
        return s[0];
    } else if ((s[0] & 0xe0) == 0xc0) {
        cp = s[0] & 0x1f;
        n = 1;
    } else if ((s[0] & 0xf0) == 0xe0) {
        cp = s[0] & 0x0f;
        n = 2;
    } else if ((s[0] & 0xf8) == 0xf0) {
        cp = s[0] & 0x07;
        n = 3;
    } else {
        *p = s + 1;
        return '?';
    }
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *p = s + i;
            return '?';
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    *p = s + n + 1;
    return cp;
}

int tui_canvas_text(struct tui_canvas *c, int x, int y, int max_w, enum tui_style st,
                    const char *text)
{
    if (max_w < 0)
        max_w = c->cols - x;
    if (max_w <= 0 || text == NULL)
        return 0;
    /* Count the code points first, so a cut string can end with an ellipsis. */
    int len = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        utf8_next(&p);
        len++;
    }
    int shown = len <= max_w ? len : max_w - 1;
    const unsigned char *p = (const unsigned char *)text;
    int i = 0;
    for (; i < shown && *p; i++) {
        uint32_t cp = utf8_next(&p);
        if (cp < 0x20 || cp == 0x7f)
            cp = '?';
        tui_canvas_put(c, x + i, y, cp, st);
    }
    if (len > max_w) {
        tui_canvas_glyph(c, x + i, y, TUI_G_ELLIPSIS, st);
        i++;
    }
    return i;
}

int tui_canvas_printf(struct tui_canvas *c, int x, int y, int max_w, enum tui_style st,
                      const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return tui_canvas_text(c, x, y, max_w, st, buf);
}

void tui_canvas_hline(struct tui_canvas *c, int x, int y, int w, enum tui_glyph g,
                      enum tui_style st)
{
    for (int i = 0; i < w; i++)
        tui_canvas_glyph(c, x + i, y, g, st);
}

void tui_canvas_vline(struct tui_canvas *c, int x, int y, int h, enum tui_style st)
{
    for (int j = 0; j < h; j++)
        tui_canvas_glyph(c, x, y + j, TUI_G_VLINE, st);
}

void tui_canvas_box(struct tui_canvas *c, int x, int y, int w, int h, enum tui_style st,
                    const char *title, enum tui_style title_st)
{
    if (w < 2 || h < 2)
        return;
    tui_canvas_glyph(c, x, y, TUI_G_TL, st);
    tui_canvas_glyph(c, x + w - 1, y, TUI_G_TR, st);
    tui_canvas_glyph(c, x, y + h - 1, TUI_G_BL, st);
    tui_canvas_glyph(c, x + w - 1, y + h - 1, TUI_G_BR, st);
    tui_canvas_hline(c, x + 1, y, w - 2, TUI_G_HLINE, st);
    tui_canvas_hline(c, x + 1, y + h - 1, w - 2, TUI_G_HLINE, st);
    tui_canvas_vline(c, x, y + 1, h - 2, st);
    tui_canvas_vline(c, x + w - 1, y + 1, h - 2, st);
    if (title && *title && w > 6) {
        tui_canvas_put(c, x + 1, y, ' ', title_st);
        int n = tui_canvas_text(c, x + 2, y, w - 5, title_st, title);
        tui_canvas_put(c, x + 2 + n, y, ' ', title_st);
    }
}

const char *tui_glyph_str(enum tui_glyph g, bool unicode)
{
    static const char *const uni[TUI_G_COUNT] = {
        [TUI_G_NONE] = " ",
        [TUI_G_HLINE] = "\u2500",
        [TUI_G_VLINE] = "\u2502",
        [TUI_G_TL] = "\u256d",
        [TUI_G_TR] = "\u256e",
        [TUI_G_BL] = "\u2570",
        [TUI_G_BR] = "\u256f",
        [TUI_G_TEE_L] = "\u251c",
        [TUI_G_TEE_R] = "\u2524",
        [TUI_G_TEE_T] = "\u252c",
        [TUI_G_TEE_B] = "\u2534",
        [TUI_G_CROSS] = "\u253c",
        [TUI_G_HLINE_HEAVY] = "\u2501",
        [TUI_G_FULL] = "\u2588",
        [TUI_G_SHADE_DARK] = "\u2593",
        [TUI_G_SHADE_MED] = "\u2592",
        [TUI_G_SHADE_LIGHT] = "\u2591",
        [TUI_G_LOWER_HALF] = "\u2584",
        [TUI_G_TICK] = "\u2534",
        [TUI_G_ARROW_UP] = "\u2191",
        [TUI_G_ARROW_DOWN] = "\u2193",
        [TUI_G_ARROW_LEFT] = "\u2190",
        [TUI_G_ARROW_RIGHT] = "\u2192",
        [TUI_G_BULLET] = "\u2022",
        [TUI_G_ELLIPSIS] = "\u2026",
        [TUI_G_MIDDOT] = "\u00b7",
        [TUI_G_TRIANGLE] = "\u25b8",
        [TUI_G_TRIANGLE_DOWN] = "\u25be",
    };
    static const char *const ascii[TUI_G_COUNT] = {
        [TUI_G_NONE] = " ",        [TUI_G_HLINE] = "-",
        [TUI_G_VLINE] = "|",       [TUI_G_TL] = "+",
        [TUI_G_TR] = "+",          [TUI_G_BL] = "+",
        [TUI_G_BR] = "+",          [TUI_G_TEE_L] = "+",
        [TUI_G_TEE_R] = "+",       [TUI_G_TEE_T] = "+",
        [TUI_G_TEE_B] = "+",       [TUI_G_CROSS] = "+",
        [TUI_G_HLINE_HEAVY] = "=", [TUI_G_FULL] = "#",
        [TUI_G_SHADE_DARK] = "#",  [TUI_G_SHADE_MED] = "=",
        [TUI_G_SHADE_LIGHT] = ".", [TUI_G_LOWER_HALF] = "_",
        [TUI_G_TICK] = "+",        [TUI_G_ARROW_UP] = "^",
        [TUI_G_ARROW_DOWN] = "v",  [TUI_G_ARROW_LEFT] = "<",
        [TUI_G_ARROW_RIGHT] = ">", [TUI_G_BULLET] = "*",
        [TUI_G_ELLIPSIS] = "~",    [TUI_G_MIDDOT] = ".",
        [TUI_G_TRIANGLE] = ">",    [TUI_G_TRIANGLE_DOWN] = "v",
    };
    if ((unsigned)g >= TUI_G_COUNT)
        g = TUI_G_NONE;
    return unicode ? uni[g] : ascii[g];
}

uint32_t tui_glyph_cp(enum tui_glyph g, bool unicode)
{
    const unsigned char *p = (const unsigned char *)tui_glyph_str(g, unicode);
    return utf8_next(&p);
}

/* Appends the UTF-8 form of a code point. */
static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

char *tui_canvas_dump(const struct tui_canvas *c, bool unicode)
{
    size_t cap = (size_t)c->rows * ((size_t)c->cols * 4 + 1) + 1;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    size_t len = 0;
    for (int y = 0; y < c->rows; y++) {
        size_t line_start = len, last_nonspace = len;
        for (int x = 0; x < c->cols; x++) {
            const struct tui_cell *cell = &c->cells[(size_t)y * (size_t)c->cols + (size_t)x];
            if (cell->glyph != TUI_G_NONE) {
                const char *g = tui_glyph_str((enum tui_glyph)cell->glyph, unicode);
                size_t n = strlen(g);
                memcpy(out + len, g, n);
                len += n;
            } else {
                uint32_t cp = cell->ch;
                if (!unicode && cp >= 0x80)
                    cp = '?';
                len += put_utf8(out + len, cp);
            }
            if (!(len - 1 >= line_start && out[len - 1] == ' '))
                last_nonspace = len;
        }
        len = last_nonspace;
        out[len++] = '\n';
    }
    out[len] = '\0';
    return out;
}
