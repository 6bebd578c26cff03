/* The explorer's frame: every pane drawn from the state into our own cell grid. */
#ifndef PS_TUI_EXPLORER_RENDER_H
#define PS_TUI_EXPLORER_RENDER_H

#include "tui/explorer/state.h"
#include "tui/explorer/canvas.h"

/* Draws the whole frame into c (resized to the app's size). Reads app only. */
void tui_render(const struct tui_app *app, struct tui_canvas *c);

#endif
