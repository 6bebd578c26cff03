/* The explorer's panes, in the ncdu/htop habit: each pane is one file with its part of
 * the state set up (init), its drawing (draw) and its keys and mouse (key, mouse). The
 * frame is what every pane's drawing reads besides the state, computed once per frame
 * with buffers sized to need; drawing never changes the state. */
#ifndef PS_TUI_EXPLORER_PANE_H
#define PS_TUI_EXPLORER_PANE_H

#include "tui/explorer/state.h"
#include "tui/explorer/canvas.h"
#include "tui/explorer/fields.h"
#include "tui/explorer/layout.h"
#include "tui/explorer/rows.h"
#include "tui/explorer/worker.h"

/* One frame being drawn. Owns rows and fields (render.c frees them). */
struct tui_frame {
    struct tui_layout lo;
    struct tui_worker_state ws; /* the background solve */
    struct tui_grow *rows;      /* the timeline's rows at lo.dev_h */
    int n_rows;
    struct tui_field *fields; /* the scenario panel's rows */
    int n_fields;
};

struct tui_pane {
    const char *name;
    /* Sets up the pane's part of a new app's state (NULL: nothing). */
    void (*init)(struct tui_app *app);
    /* Draws the pane from the state and the frame (NULL: drawn by another pane). */
    void (*draw)(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c);
    /* Applies a command (focus panes: while focused; overlays: in their mode); returns
     * TUI_REDRAW when the pane took it, 0 when it is not the pane's (NULL: none). */
    unsigned (*key)(struct tui_app *app, const struct tui_cmd *cmd);
    /* A mouse event; returns TUI_REDRAW when it was inside the pane (NULL: none). */
    unsigned (*mouse)(struct tui_app *app, const struct tui_layout *lo, const struct tui_event *ev);
};

extern const struct tui_pane tui_pane_header;   /* pane_header.c: the top bar */
extern const struct tui_pane tui_pane_scenario; /* pane_scenario.c: the scenario panel */
extern const struct tui_pane tui_pane_timeline; /* pane_timeline.c: the Gantt chart */
extern const struct tui_pane tui_pane_split;    /* pane_split.c: A/B on one time axis */
extern const struct tui_pane tui_pane_table;    /* pane_table.c: the schedule table */
extern const struct tui_pane tui_pane_memory;   /* pane_memory.c: peak memory per device */
extern const struct tui_pane tui_pane_status;   /* pane_status.c: detail and status lines */

/* The status line of a full-screen view (the cluster planner, the workload): the message
 * in its level's style, and the view's key hint at the right when both fit. */
void tui_status_line(const struct tui_app *app, struct tui_canvas *c, int y, const char *hint);
extern const struct tui_pane tui_pane_prompt;   /* pane_prompt.c: the prompt line */
extern const struct tui_pane tui_pane_picker;   /* pane_picker.c: schedule / preset pickers */
extern const struct tui_pane tui_pane_help;     /* pane_help.c: the keys overlay */
extern const struct tui_pane tui_pane_teach;    /* pane_teach.c: teaching mode's time cursor */
extern const struct tui_pane tui_pane_cluster;  /* pane_cluster.c: the cluster screen (C) */
extern const struct tui_pane tui_pane_bubble;   /* pane_bubble.c: idle by cause per device (b) */
extern const struct tui_pane tui_pane_sweep;    /* pane_sweep.c: the sweep plot screen (S) */
extern const struct tui_pane tui_pane_workload; /* pane_workload.c: the workload screen (W) */

/* ---- what the panes offer the dispatcher (app.c) ------------------------------------- */

/* Keeps the panel's selection on a field and inside its visible rows (pane_scenario.c). */
void tui_scenario_fix_scroll(struct tui_app *app);

/* Keeps the table's selection inside its visible rows (pane_table.c). */
void tui_table_fix_scroll(struct tui_app *app);

/* Opens a picker on the shown schedule or the first preset (pane_picker.c). */
void tui_picker_open(struct tui_app *app, enum tui_picker_kind k);

/* ---- what the split view shares with the timeline (pane_split.c) --------------------- */

/* The title row of schedule ri (A or B) in the timeline's plot, at row y. */
void tui_split_draw_title(const struct tui_app *app, const struct tui_frame *fr,
                          struct tui_canvas *c, int y, int ri);

/* B (index b) becomes A, and A becomes B: a click in B's rows. */
void tui_split_swap(struct tui_app *app, int b);

/* Turns the split off when B is gone or is A. */
void tui_split_fix(struct tui_app *app);

/* ---- drawing helpers the panes share (widgets.c) ------------------------------------- */

/* A centred box with a title over everything (help, pickers), at most the canvas less a
 * margin; *out gets where it went. */
void tui_overlay_box(struct tui_canvas *c, int w, int h, const char *title, struct tui_rect *out);

/* The highest peak memory over the devices of s (0 when it has none). */
double tui_peak_memory(const struct ps_schedule *s);

#endif
