/* The rows of the timeline (Gantt) plot: per schedule shown (A, and B in the split view) a
 * title in the split view, then the devices grouped by datacenter with the inter-DC
 * channel rows (or a separator) between the groups. Read from the state only, so the
 * layout, the actions and the drawing all use the same rows. */
#ifndef PS_TUI_EXPLORER_ROWS_H
#define PS_TUI_EXPLORER_ROWS_H

#include "tui/explorer/state.h"

/* What one row of the Gantt plot shows. */
enum tui_grow_kind { TUI_GROW_TITLE = 0, TUI_GROW_DEVICE, TUI_GROW_CHANNEL, TUI_GROW_SEP };
struct tui_grow {
    enum tui_grow_kind kind;
    int sched; /* index in app->res */
    int index; /* device, or channel index */
    int sub;   /* row within a device's bar (0..dev_h-1) */
};

/* The plot's rows with dev_h screen rows per device: fills at most max of out (out NULL:
 * only counts) and returns how many there are; *n_dev (may be NULL) gets how many of them
 * are device rows. */
int tui_rows_build(const struct tui_app *app, int dev_h, struct tui_grow *out, int max, int *n_dev);

/* All of them in a new array sized to need (the caller frees it); *n their count. NULL
 * when there are none or on out of memory (then *n is 0). */
struct tui_grow *tui_rows_new(const struct tui_app *app, int dev_h, int *n);

#endif
