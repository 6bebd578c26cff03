/* The shown schedule's parameters on the scenario panel: + and - step them by type (a
 * number, a flag, a choice), a typed value sets one, and the schedule runs again; a run
 * that fails on the new value is refused and the old value comes back. */
#ifndef PS_TUI_EXPLORER_PARAMS_H
#define PS_TUI_EXPLORER_PARAMS_H

#include "tui/explorer/state.h"

/* Sets parameter key of r to value (checked first) and runs r again. */
void tui_param_set(struct tui_app *app, struct tui_result *r, const char *key, const char *value);

/* Steps parameter number index of the shown schedule up (dir > 0) or down. */
void tui_param_step(struct tui_app *app, int index, int dir);

#endif
