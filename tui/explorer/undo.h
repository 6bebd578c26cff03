/* Undo and redo of the scenario's edits: snapshots of the whole scenario taken around each
 * typed edit of core's field table (edit.c) and each scenario that replaces it (a preset, a
 * file, a cluster job), so u brings back exactly what was there, provenance and all (the
 * edit list, the "(edited)" name). Schedule parameters are not scenario edits. */
#ifndef PS_TUI_EXPLORER_UNDO_H
#define PS_TUI_EXPLORER_UNDO_H

#include <stdbool.h>

#include "tui/explorer/state.h"

/* How many snapshots are kept each way; the oldest goes first. */
#define TUI_UNDO_DEPTH 100

/* Takes a snapshot of app->sc before a change; the redo side is forgotten (a new change
 * starts a new line of history). Out of memory: no snapshot (the change still happens). */
void tui_undo_push(struct tui_app *app);

/* Forgets the snapshot just taken: the change it was for was refused. */
void tui_undo_cancel(struct tui_app *app);

/* u and U: back to the snapshot before the latest change, or forward again; every schedule
 * is recomputed and the status line says what changed. False (and a message) when there is
 * nothing to undo or redo. */
bool tui_undo(struct tui_app *app);
bool tui_redo(struct tui_app *app);

/* The number of changes u can undo (tests, the help line). */
int tui_undo_depth(const struct tui_app *app);

/* Frees every snapshot. */
void tui_undo_fini(struct tui_app *app);

#endif
