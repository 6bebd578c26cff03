/* The prompt's line editor: a UTF-8 line with a cursor, the editing keys of a shell
 * (Left/Right, Home/End and C-a/C-e, Backspace/Delete, C-u and C-k to the start or the end,
 * C-w the word before) and a history per kind of prompt (values, file names) walked with
 * Up and Down. Plain functions on a buffer: no drawing, no state besides the history. */
#ifndef PS_TUI_EXPLORER_LINEEDIT_H
#define PS_TUI_EXPLORER_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A line being edited: buf (NUL-terminated, size bytes) and the cursor, a byte offset at
 * the start of a character. */
struct tui_line {
    char *buf;
    size_t size;
    size_t *cur;
};

enum tui_line_op {
    TUI_LINE_LEFT = 0,
    TUI_LINE_RIGHT,
    TUI_LINE_HOME,
    TUI_LINE_END,
    TUI_LINE_BACKSPACE,  /* the character before the cursor */
    TUI_LINE_DELETE,     /* the character under the cursor */
    TUI_LINE_KILL_START, /* C-u: everything before the cursor */
    TUI_LINE_KILL_END,   /* C-k: everything from the cursor */
    TUI_LINE_KILL_WORD,  /* C-w: the word before the cursor (and the spaces after it) */
};

/* Applies an editing key; returns true when the line or the cursor changed. */
bool tui_line_edit(struct tui_line *l, enum tui_line_op op);

/* Inserts code point cp at the cursor; false when it does not fit or is not text. */
bool tui_line_insert(struct tui_line *l, uint32_t cp);

/* The number of characters (cells) in the first n bytes of s. */
int tui_line_cells(const char *s, size_t n);

/* The history of one kind of prompt: the latest TUI_LINE_HISTORY accepted lines, newest
 * last, and where Up and Down are (at == n: the line being typed, kept in draft). */
#define TUI_LINE_HISTORY 32
struct tui_line_history {
    char *items[TUI_LINE_HISTORY];
    int n;
    int at;
    char *draft;
};

/* Remembers an accepted line (not an empty one, nor a repeat of the newest); the walk
 * starts again at the line being typed. */
void tui_line_history_add(struct tui_line_history *h, const char *text);

/* Up (dir < 0: older) or Down (newer): the line becomes that entry, the cursor at its end;
 * past the newest comes back the line that was being typed. False at either end. */
bool tui_line_history_walk(struct tui_line_history *h, struct tui_line *l, int dir);

/* Forgets where the walk was (a new prompt). */
void tui_line_history_reset(struct tui_line_history *h);

void tui_line_history_fini(struct tui_line_history *h);

#endif
