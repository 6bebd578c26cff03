/* The timeline's view of the state: the time range (fit to the makespan, or zoomed and
 * scrolled) and the op cursor. The timeline pane draws what these keep. */
#ifndef PS_TUI_EXPLORER_VIEW_H
#define PS_TUI_EXPLORER_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "tui/explorer/state.h"

/* Shows the whole of the longer of A and B. */
void tui_view_refit(struct tui_app *app);

/* Keeps a zoomed view inside the schedule (zoomed out past it: fit again). */
void tui_view_clamp(struct tui_app *app);

/* The op under the cursor, NULL when the cursor is off. */
const struct ps_op *tui_view_cursor_op(const struct tui_app *app);

/* Keeps the cursor on an op of the shown schedule (off when it has none). */
void tui_view_clamp_cursor(struct tui_app *app);

/* Index of the op on device st of s nearest in time to t. */
size_t tui_view_nearest_op(const struct ps_schedule *s, int st, int64_t t);

/* Turns the cursor on at the first device, near the left edge of the view. */
void tui_view_cursor_start(struct tui_app *app);

/* Moves the cursor by dstage devices (to the op nearest in time) or dindex ops, and
 * scrolls so it shows. */
void tui_view_cursor_move(struct tui_app *app, int dstage, long dindex);

/* Zooms the time axis in (dir > 0) or out, around the cursor or the view's centre. */
void tui_view_zoom(struct tui_app *app, int dir);

/* Scrolls a zoomed time axis by a quarter of the plot. */
void tui_view_scroll(struct tui_app *app, int dir);

/* Keeps the plot's first row (gantt_scroll) where the rows still fill the plot. */
void tui_view_clamp_rows(struct tui_app *app);

#endif
