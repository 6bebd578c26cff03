/* `pipescope tui FILE.json`: a schedule file or a comparison opened in the explorer. The
 * scenario comes from the file (a schedule file carries it; a comparison's provenance, its
 * origin and edits, rebuilds it), and the file's schedules are shown with their parameters:
 * one in the timeline, two as the A/B split. */
#ifndef PS_TUI_EXPLORER_VIEWFILE_H
#define PS_TUI_EXPLORER_VIEWFILE_H

#include <stddef.h>

#include "core/schedule.h"
#include "tui/explorer/state.h"

/* What a file asks the explorer to show. */
struct tui_view_file {
    char path[512];
    int n; /* 1 or 2 schedules */
    char name[2][PS_SCHED_NAME_MAX];
    char params[2][512]; /* "key=value; key=value" */
    double ms[2];        /* their makespans in the file (NAN: none) */
    char note[400];      /* what did not match ("" none) */
};

/* Reads path (a schedule JSON file or a comparison JSON file) into sc (initialized by the
 * call) and vf. Returns 0, or an exit code with the reason in err ("FILE: why"). */
int tui_view_file_load(const char *path, struct ps_scenario *sc, struct tui_view_file *vf,
                       char *err, size_t size);

/* Shows what vf names in a set-up app: its schedules with their parameters, A and B, and a
 * message that compares the file's makespans with the explorer's. */
void tui_view_file_apply(struct tui_app *app, const struct tui_view_file *vf);

#endif
