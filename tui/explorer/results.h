/* The schedules of the explorer and their results: the registry's schedules, every fast
 * one recomputed after each change of the scenario (a slow-ish one on its background
 * lane), the slow solver on demand on the worker thread, critical paths on demand, and
 * the schedule shown. */
#ifndef PS_TUI_EXPLORER_RESULTS_H
#define PS_TUI_EXPLORER_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/explorer/state.h"

/* Fills app->res from the solver registry, shows 1F1B first, and guesses each run's time
 * from the scenario's size (so the first frame waits for no slow-ish schedule). */
void tui_results_init(struct tui_app *app);

/* Frees the lanes and every result. */
void tui_results_fini(struct tui_app *app);

/* Forgets r's schedule (and its scenario copy, critical path and error). */
void tui_results_drop(struct tui_result *r);
void tui_results_drop_all(struct tui_app *app);

/* Runs result i for the current scenario: now, or on its lane when its last run was
 * slow (it is pending then). A slow solver only runs on demand (tui_solve_start). */
void tui_results_run(struct tui_app *app, size_t i);

/* The scenario changed: every fast schedule again, slow results are stale (a running
 * solve is cancelled). */
void tui_results_recompute(struct tui_app *app);

/* Installs finished lane results (wait: until every lane is done). Returns true when one
 * landed. */
bool tui_results_poll(struct tui_app *app, bool wait);

/* True while a recompute runs on a background lane (the loop should poll soon). */
bool tui_app_pending(const struct tui_app *app);

/* Computes r's critical path when it is missing. */
void tui_result_crit(struct tui_result *r);

/* Did the latest run of r fail on its parameter key (a list the solver parses itself)? */
bool tui_result_failed_on_param(const struct tui_result *r, const char *key);

/* The latest run of r was refused on its new parameter: back to the old values, and the
 * refusal on the status line. */
void tui_result_undo_param(struct tui_app *app, struct tui_result *r);

/* Shows result i in the timeline (A) and says what it is. */
void tui_show_schedule(struct tui_app *app, int i);

/* Starts the slow solver (the shown one, or the first slow one) on the worker thread. */
void tui_solve_start(struct tui_app *app);

/* Collects a finished background solve. Returns true when the screen changed. */
bool tui_solve_poll(struct tui_app *app);

#endif
