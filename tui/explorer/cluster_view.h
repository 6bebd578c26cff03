/* The cluster screen's regions and its drawing parts, shared by its pane (pane_cluster.c:
 * layout, keys, mouse, header and status lines) and its drawings (pane_cluster_tables.c,
 * pane_cluster_charts.c). Internal to tui/explorer/. */
#ifndef PS_TUI_EXPLORER_CLUSTER_VIEW_H
#define PS_TUI_EXPLORER_CLUSTER_VIEW_H

#include "tui/explorer/canvas.h"
#include "tui/explorer/cluster.h"
#include "tui/explorer/layout.h"

struct tui_cluster_layout {
    struct tui_rect header, regions, jobs, policies, scatter, gantt, detail, status;
    int gantt_sub; /* screen rows per region in the Gantt chart (1-3) */
};

/* The regions of the cluster screen for the app's size. */
void tui_cluster_layout(const struct tui_app *app, struct tui_cluster_layout *lo);

/* Visible data rows of a table box (border, heading, border). */
int tui_cluster_table_rows(const struct tui_rect *r);

/* The three tables (pane_cluster_tables.c). */
void tui_cluster_draw_regions(const struct tui_app *app, const struct tui_rect *r,
                              struct tui_canvas *c);
void tui_cluster_draw_jobs(const struct tui_app *app, const struct tui_rect *r,
                           struct tui_canvas *c);
void tui_cluster_draw_policies(const struct tui_app *app, const struct tui_rect *r,
                               struct tui_canvas *c);

/* The region Gantt chart and the cost-vs-JCT scatter (pane_cluster_charts.c). */
void tui_cluster_draw_gantt(const struct tui_app *app, const struct tui_rect *r, int sub,
                            struct tui_canvas *c);
void tui_cluster_draw_scatter(const struct tui_app *app, const struct tui_rect *r,
                              struct tui_canvas *c);

/* The style of job j's blocks (the op colours, in turn). */
enum tui_style tui_cluster_job_style(int j);

#endif
