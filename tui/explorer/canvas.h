/* The explorer's own cell grid: render.c fills it with glyphs and style enums, the curses
 * backend (term_curses.c) turns it into curses calls, and the tests dump it as text. No
 * curses type appears here. */
#ifndef PS_TUI_CANVAS_H
#define PS_TUI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a cell means to the eye; the backend maps each style to colours/attributes. */
enum tui_style {
    TUI_S_NORMAL = 0,
    TUI_S_DIM,       /* secondary text, grid lines */
    TUI_S_BOLD,      /* labels, emphasis */
    TUI_S_HEADER,    /* the top bar */
    TUI_S_HEADER_HI, /* a value in the top bar */
    TUI_S_TITLE,     /* a pane title */
    TUI_S_TITLE_FOCUS,
    TUI_S_BORDER,
    TUI_S_BORDER_FOCUS,
    TUI_S_SEL,     /* the selected row of a focused list */
    TUI_S_SEL_DIM, /* the selected row of an unfocused list */
    TUI_S_KEY,     /* a key name in a hint */
    TUI_S_OK,
    TUI_S_WARN,
    TUI_S_ERR,
    TUI_S_OP_F, /* compute ops, one per kind */
    TUI_S_OP_B,
    TUI_S_OP_W,
    TUI_S_OP_AG,
    TUI_S_OP_RS,
    TUI_S_XFER_ACT, /* inter-DC transmissions */
    TUI_S_XFER_GRAD,
    TUI_S_CURSOR, /* the op under the cursor */
    TUI_S_STATUS, /* the status line */
    TUI_S_OP_R,   /* a recompute (forward replay before a backward) */
    TUI_S_COUNT
};

/* Cell flags, combined with the style. */
#define TUI_F_ALT 0x01   /* second shade of an op colour (odd microbatches) */
#define TUI_F_CRIT 0x02  /* on the critical path */
#define TUI_F_FADED 0x04 /* not on the critical path while it is highlighted */
#define TUI_F_HALF 0x08  /* the top row of a tall bar: a lower half block in the bar's colour */

/* Drawing glyphs that have a Unicode form and an ASCII fallback. A cell holds either a
 * code point (text) or one of these (glyph != TUI_G_NONE). */
enum tui_glyph {
    TUI_G_NONE = 0,
    TUI_G_HLINE,
    TUI_G_VLINE,
    TUI_G_TL,
    TUI_G_TR,
    TUI_G_BL,
    TUI_G_BR,
    TUI_G_TEE_L, /* ├ */
    TUI_G_TEE_R, /* ┤ */
    TUI_G_TEE_T, /* ┬ */
    TUI_G_TEE_B, /* ┴ */
    TUI_G_CROSS,
    TUI_G_HLINE_HEAVY, /* DC boundary */
    TUI_G_FULL,        /* █ */
    TUI_G_SHADE_DARK,  /* ▓ */
    TUI_G_SHADE_MED,   /* ▒ */
    TUI_G_SHADE_LIGHT, /* ░ */
    TUI_G_LOWER_HALF,  /* ▄ */
    TUI_G_TICK,        /* ┴ on the axis */
    TUI_G_ARROW_UP,
    TUI_G_ARROW_DOWN,
    TUI_G_ARROW_LEFT,
    TUI_G_ARROW_RIGHT,
    TUI_G_BULLET, /* • */
    TUI_G_ELLIPSIS,
    TUI_G_MIDDOT,        /* · idle time */
    TUI_G_TRIANGLE,      /* ▸ selection marker; a closed group */
    TUI_G_TRIANGLE_DOWN, /* ▾ an open group */
    TUI_G_COUNT
};

struct tui_cell {
    uint32_t ch;   /* code point when glyph == TUI_G_NONE */
    uint8_t glyph; /* enum tui_glyph */
    uint8_t style; /* enum tui_style */
    uint8_t flags; /* TUI_F_* */
};

struct tui_canvas {
    int cols, rows;
    struct tui_cell *cells; /* rows * cols */
};

/* Allocates a blank canvas; returns false on out of memory (then c is empty). */
bool tui_canvas_init(struct tui_canvas *c, int cols, int rows);
void tui_canvas_fini(struct tui_canvas *c);
/* Resizes (contents cleared). Returns false on out of memory. */
bool tui_canvas_resize(struct tui_canvas *c, int cols, int rows);
void tui_canvas_clear(struct tui_canvas *c);

/* Cell at (x, y), NULL when outside. */
struct tui_cell *tui_canvas_at(struct tui_canvas *c, int x, int y);

/* Sets one cell (clipped). */
void tui_canvas_put(struct tui_canvas *c, int x, int y, uint32_t ch, enum tui_style st);
void tui_canvas_glyph(struct tui_canvas *c, int x, int y, enum tui_glyph g, enum tui_style st);
/* Fills a rectangle with spaces of a style. */
void tui_canvas_fill(struct tui_canvas *c, int x, int y, int w, int h, enum tui_style st);
/* Writes UTF-8 text from x, at most max_w cells (max_w < 0: to the right edge); returns
 * the number of cells written. Text past max_w is cut and ends with an ellipsis. */
int tui_canvas_text(struct tui_canvas *c, int x, int y, int max_w, enum tui_style st,
                    const char *text);
/* printf into the canvas, like tui_canvas_text. */
int tui_canvas_printf(struct tui_canvas *c, int x, int y, int max_w, enum tui_style st,
                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
void tui_canvas_hline(struct tui_canvas *c, int x, int y, int w, enum tui_glyph g,
                      enum tui_style st);
void tui_canvas_vline(struct tui_canvas *c, int x, int y, int h, enum tui_style st);
/* A box outline with an optional title in its top edge. */
void tui_canvas_box(struct tui_canvas *c, int x, int y, int w, int h, enum tui_style st,
                    const char *title, enum tui_style title_st);

/* The UTF-8 (unicode) or ASCII form of a glyph. Static strings. */
const char *tui_glyph_str(enum tui_glyph g, bool unicode);
/* The same as one code point. */
uint32_t tui_glyph_cp(enum tui_glyph g, bool unicode);

/* Dumps the canvas as text, one line per row with trailing spaces removed, into a
 * malloc'd string owned by the caller; NULL on out of memory. */
char *tui_canvas_dump(const struct tui_canvas *c, bool unicode);

#endif
