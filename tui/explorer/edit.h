/* The explorer's scenario edit path: + and -, and typed values, on the selected row of
 * the scenario panel (fields.h says what the rows are). Every edit is validated before
 * it replaces the scenario, refusals name the field, and every fast schedule is
 * recomputed after a change. */
#ifndef PS_TUI_EXPLORER_EDIT_H
#define PS_TUI_EXPLORER_EDIT_H

#include <stdint.h>

#include "tui/explorer/state.h"

/* Steps the selected row up (dir > 0) or down. */
void tui_edit_step(struct tui_app *app, int dir);

/* Opens the value prompt on the selected row with its exact value. */
void tui_edit_start(struct tui_app *app);

/* A typed value for the selected row (the accepted prompt). */
void tui_edit_enter(struct tui_app *app, const char *text);

/* The message after a good edit: "inter-DC latency = 2 ms: 1f1b 3702.8 -> 3800.1 ms",
 * before being the shown schedule's makespan before it (-1: none). When the shown
 * schedule is still updating, the message gets its makespan when it lands. */
void tui_edit_message(struct tui_app *app, int64_t before);

#endif
