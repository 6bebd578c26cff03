/* The explorer's life and its one entry for commands: set up on a scenario, apply a
 * command (the key table's, a mouse event, a resize, the input timeout), wait for the
 * background lanes, tear down. The state it changes is state.h's. */
#ifndef PS_TUI_EXPLORER_APP_H
#define PS_TUI_EXPLORER_APP_H

#include "tui/explorer/state.h"

/* Sets up the app on sc (the app takes ownership of sc's contents: sc is left empty).
 * source says where it came from. Computes every fast schedule. Returns PS_ENOMEM. */
enum ps_status tui_app_init(struct tui_app *app, struct ps_scenario *sc, const char *source,
                            int cols, int rows);
void tui_app_fini(struct tui_app *app);

/* Applies one command; returns TUI_REDRAW and/or TUI_QUIT. */
unsigned tui_apply(struct tui_app *app, const struct tui_cmd *cmd);

/* Waits for every background lane and installs their results (tests, benchmarks). */
void tui_app_settle(struct tui_app *app);

#endif
