/* The explorer's files: export of the shown schedule and of the comparison, a scenario
 * opened from a file or a preset, the edited scenario saved. Each says on the status line
 * what it did or why it could not. */
#ifndef PS_TUI_EXPLORER_FILES_H
#define PS_TUI_EXPLORER_FILES_H

#include "export/export.h"
#include "tui/explorer/state.h"

/* The schedules on screen: A, and B when the split view shows one; *n is 0, 1 or 2. */
void tui_files_view(const struct tui_app *app, const struct ps_schedule **s, size_t *n);

/* What is on screen to path, in the format its name says (the command line's rule): the
 * shown schedule or the A/B pair as a schedule file (.json, .csv; a pair: its comparison
 * rows), a figure (.svg, .pdf, .png) with the critical path when it is lit and the channel
 * rows when they show, a trace (.trace.json) or text (.txt). */
void tui_files_export_view(struct tui_app *app, const char *path);

/* The format of an export's file name by the one rule (ps_format_of_path): true when it is
 * one of allowed (a list ending in PS_FMT_NONE); else false, with a refusal on the status
 * line that lists the endings allowed for what ("the view's files"). */
bool tui_files_format(struct tui_app *app, const char *path, const enum ps_format *allowed,
                      const char *what, enum ps_format *fmt);

/* The comparison of every computed schedule to path: .csv, .json, .tex (booktabs), .md or
 * .txt (the text table). */
void tui_files_export_compare(struct tui_app *app, const char *path);

/* A scenario file replaces the scenario (the old one stays when it fails). */
void tui_files_open(struct tui_app *app, const char *path);

/* A preset replaces the scenario (the old one stays when it fails). */
void tui_files_load_preset(struct tui_app *app, const char *name);

/* sc replaces the scenario (the app takes sc's contents); source says where it came
 * from (the cluster screen's jobs). */
void tui_files_use_scenario(struct tui_app *app, struct ps_scenario *sc, const char *source);

/* True when the scenario has unsaved edits (sc.edits) and the user has not yet agreed to
 * lose them: asks instead ("Lose them and quit? y/n"); the answer comes back through
 * tui_files_discard_answer, which then does then (with arg: a preset, a file). */
bool tui_files_ask_discard(struct tui_app *app, enum tui_discard_then then, const char *arg);

/* The answer to "lose the edits?": y or yes does what waited (TUI_QUIT for quit), anything
 * else keeps the edits. Returns TUI_REDRAW and/or TUI_QUIT. */
unsigned tui_files_discard_answer(struct tui_app *app, const char *answer);

/* The file name the save prompt offers: the scenario's name without "(edited)", and
 * "-edited" when it has unsaved edits ("default-edited.json"). */
void tui_files_save_name(const struct tui_app *app, char *buf, size_t size);

/* The scenario as a scenario file to path, under the file's name (an edited scenario's
 * description says what it was made from); it is then the scenario on screen's origin,
 * with no unsaved edits. */
void tui_files_save(struct tui_app *app, const char *path);

/* The answer to "replace it? (y/n)": y or yes does the write that asked, anything else
 * keeps the file. */
void tui_files_confirm(struct tui_app *app, const char *answer);

/* True when path is an existing regular file the user has not agreed to replace yet: the
 * y/n prompt opens instead, and its yes comes back to the writer of kind k (files.c or
 * cluster.c) through tui_files_confirm. */
bool tui_files_ask_first(struct tui_app *app, enum tui_prompt_kind k, const char *path);

/* A figure drawn as SVG to path as fmt: the SVG itself, or PDF or PNG rendered from it;
 * says on the status line what it wrote ("WHAT (pdf)") or why not. */
bool tui_files_write_figure(struct tui_app *app, const char *path, enum ps_format fmt,
                            const struct ps_buf *svg, const char *what);

/* The safe write of b to path, and what it did on the status line ("wrote WHAT to ..."
 * with the full path); false when it could not. */
bool tui_files_write(struct tui_app *app, const char *path, struct ps_buf *b, const char *what);

#endif
