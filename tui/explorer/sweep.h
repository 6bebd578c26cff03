/* The explorer's sweep plot screen (S; docs/explorer.md): one scenario field stepped along
 * its ladder around its value, every fast schedule run at each value, the knees found, and
 * the plot exported as SVG. The pane that draws it is pane_sweep.c. */
#ifndef PS_TUI_EXPLORER_SWEEP_H
#define PS_TUI_EXPLORER_SWEEP_H

#include <stdbool.h>

#include "core/field.h"
#include "export/export.h"
#include "tui/explorer/state.h"

#define TUI_SWEEP_MAX_VALUES 17
#define TUI_SWEEP_EPS 0.05

struct tui_sweep {
    struct ps_field_ref ref; /* the field swept (of the scenario as it was when computed) */
    char path[96], label[96];
    int steps; /* values each side of the current one (2..8) */
    int n_values;
    double values[TUI_SWEEP_MAX_VALUES];
    int current;   /* the index of the scenario's own value */
    size_t n_rows; /* n_values x schedules, value-major */
    struct ps_compare_row *rows;
    size_t n_sched; /* schedules per value */
    double run_ms;
    unsigned long gen; /* the scenario generation it was computed for */
};

/* S: to the sweep screen on the scenario panel's selected field (a number), and back. */
void tui_sweep_toggle(struct tui_app *app);

/* Frees the screen's state (NULL is fine). */
void tui_sweep_free(struct tui_sweep *w);

/* Sweeps the previous or next numeric field of the table (dir -1 or +1). */
void tui_sweep_next_field(struct tui_app *app, int dir);

/* More (dir > 0) or fewer steps each side. */
void tui_sweep_widen(struct tui_app *app, int dir);

/* Writes the plot (.svg) or the rows (.csv, .json) to path. */
void tui_sweep_export(struct tui_app *app, const char *path);

#endif
