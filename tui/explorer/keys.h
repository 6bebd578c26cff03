/* The one key table of the explorer: the command of an event in the app's mode, and the
 * help screen's lines generated from the same table. */
#ifndef PS_TUI_EXPLORER_KEYS_H
#define PS_TUI_EXPLORER_KEYS_H

#include "tui/explorer/state.h"
#include "tui/explorer/event.h"

/* The command of an event in the app's current mode. */
struct tui_cmd tui_key_lookup(const struct tui_app *app, const struct tui_event *ev);

/* The help screen's lines: "KEYS       text", a long text going on over lines of its own
 * (at most TUI_HELP_TEXT_W characters of it per line); returns the number of lines (at
 * most max). docs/explorer.md's "Keys" is this list (tests/tui/tui_docs.c). */
#define TUI_HELP_TEXT_W 78
#define TUI_HELP_LINES 160
int tui_help_lines(char lines[][96], int max);

#endif
