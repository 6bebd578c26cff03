/* The screen regions of the explorer, computed from the terminal size and the state: the
 * header, the scenario panel, the timeline with its plot, the schedule table, the memory
 * pane, and the detail and status lines. Drawing, the mouse and the view's scroll rules
 * all read the same regions. */
#ifndef PS_TUI_EXPLORER_LAYOUT_H
#define PS_TUI_EXPLORER_LAYOUT_H

#include <stdbool.h>

#include "tui/explorer/state.h"
#include "tui/explorer/rows.h"

struct tui_rect {
    int x, y, w, h;
};

struct tui_layout {
    bool too_small;
    bool wide; /* panel on the left (wide) or below the chart (narrow) */
    struct tui_rect header, panel, gantt, table, detail, status;
    struct tui_rect mem;    /* peak memory per device, right of the table (w = 0: none) */
    struct tui_rect plot;   /* the time columns and device rows inside the Gantt pane */
    struct tui_rect bubble; /* the idle-by-cause bars right of the plot (w = 0: hidden) */
    /* Teaching mode: the teaching pane, where the table and the memory pane (and, narrow,
     * the panel) would be; those are then empty (w = 0). */
    struct tui_rect teach;
    int label_w; /* width of the device labels left of plot */
    int dev_h;   /* screen rows per device (1-3: taller bars when there is room) */
};

/* The screen regions for the app's size and state. */
void tui_layout(const struct tui_app *app, struct tui_layout *lo);

/* True when (x, y) is inside r. */
bool tui_rect_has(const struct tui_rect *r, int x, int y);

/* The rows of the Gantt plot at the layout's bar height (all of them; the plot shows
 * gantt_scroll onwards): fills out with at most max and returns how many it filled. */
int tui_gantt_rows(const struct tui_app *app, struct tui_grow *out, int max);

#endif
