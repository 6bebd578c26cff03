/* The terminal backend: the only code that calls curses. It opens a screen with newterm
 * (colours, mouse, keypad), turns our cell grid into curses calls, and turns keys, mouse
 * clicks and resizes into tui_events. It also restores the terminal on exit and on fatal
 * signals. */
#ifndef PS_TUI_TERM_H
#define PS_TUI_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tui/explorer/event.h"
#include "tui/explorer/canvas.h"

struct tui_term;

/* Opens a curses screen on the given streams with newterm. term_type NULL means $TERM.
 * mono forces monochrome (NO_COLOR is also honoured here). Installs an atexit and
 * signal handlers that restore the terminal. Returns NULL when the terminal cannot be
 * set up; err (may be NULL) then says why. */
struct tui_term *tui_term_open(FILE *out, FILE *in, const char *term_type, bool mono, char *err,
                               size_t err_size);

/* Restores the terminal and frees t. NULL is a no-op. */
void tui_term_close(struct tui_term *t);

void tui_term_size(const struct tui_term *t, int *cols, int *rows);
bool tui_term_has_color(const struct tui_term *t);

/* Tells curses the terminal has a new size (tests; a real resize arrives as an event). */
void tui_term_resize(struct tui_term *t, int cols, int rows);

/* Draws the canvas and updates the physical screen. unicode selects the glyph forms. */
void tui_term_present(struct tui_term *t, const struct tui_canvas *c, bool unicode);

/* Makes the next present repaint every cell (C-l after the screen got garbled). */
void tui_term_invalidate(struct tui_term *t);

/* Waits up to timeout_ms (-1: forever) for input. Returns TUI_EV_TICK on timeout. */
struct tui_event tui_term_next_event(struct tui_term *t, int timeout_ms);

/* Reads back row y of the virtual screen as text (tests), NUL-terminated. */
void tui_term_read_row(struct tui_term *t, int y, char *buf, size_t size);

/* True once SIGINT/SIGTERM/SIGHUP arrived: the loop should quit cleanly. */
bool tui_term_interrupted(void);

/* The signal that asked the program to end (SIGINT, SIGTERM, SIGHUP, SIGPIPE), 0 when none. */
int tui_term_quit_signal(void);

#endif
