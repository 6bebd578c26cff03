/* Teaching mode's time cursor: a time on the shown schedule, stepped event by event (an op
 * or a transfer starts or ends), by a chosen dt, or played; and what is true at that time
 * (pane_teach.c draws it). */
#ifndef PS_TUI_EXPLORER_TEACH_H
#define PS_TUI_EXPLORER_TEACH_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/explorer/state.h"

/* How long play stays on a step (ms). */
#define TUI_TEACH_PLAY_MS 600

/* t: teaching mode on (the cursor at the start, the critical path marked) or off. */
void tui_teach_toggle(struct tui_app *app);

/* The next (dir > 0) or previous event time of the shown schedule after or before t; t
 * itself when there is none. */
int64_t tui_teach_event(const struct tui_app *app, int64_t t, int dir);

/* The number of the event at or before t, and how many there are (for "step 6 of 52"). */
void tui_teach_event_index(const struct tui_app *app, int64_t t, int *index, int *count);

/* Moves the cursor to t (clamped to [0, makespan]), keeping it in view; says why it stopped
 * at an end. */
void tui_teach_move(struct tui_app *app, int64_t t);

/* The keys of teaching mode (Left/Right, [ ], + -, Space, Home/End, t, Esc); 0 when the key
 * is not one of them. */
unsigned tui_teach_key(struct tui_app *app, const struct tui_cmd *cmd);

/* The input timeout while playing: the next step when its time has come; true when it
 * stepped. */
bool tui_teach_tick(struct tui_app *app);

#endif
