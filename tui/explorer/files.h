/* The explorer's files: export of the shown schedule and of the comparison, a scenario
 * opened from a file or a preset, the edited scenario saved. Each says on the status line
 * what it did or why it could not. */
#ifndef PS_TUI_EXPLORER_FILES_H
#define PS_TUI_EXPLORER_FILES_H

#include "tui/explorer/state.h"

/* The shown schedule to path (.json or .csv). */
void tui_files_export_schedule(struct tui_app *app, const char *path);

/* The comparison of every computed schedule to path (.csv or .json). */
void tui_files_export_compare(struct tui_app *app, const char *path);

/* A scenario file replaces the scenario (the old one stays when it fails). */
void tui_files_open(struct tui_app *app, const char *path);

/* A preset replaces the scenario (the old one stays when it fails). */
void tui_files_load_preset(struct tui_app *app, const char *name);

/* The scenario as a scenario file to path. */
void tui_files_save(struct tui_app *app, const char *path);

/* The answer to "replace it? (y/n)": y or yes does the write that asked, anything else
 * keeps the file. */
void tui_files_confirm(struct tui_app *app, const char *answer);

#endif
