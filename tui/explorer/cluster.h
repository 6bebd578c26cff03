/* The explorer's cluster screen state (docs/cluster.md, docs/explorer.md): the cluster as
 * loaded and edited, every policy's run on it, the selections of its three tables, and
 * the actions on it: open the screen, edit a field by its path, open a job's pipeline in
 * the timeline. The panes that draw it are pane_cluster*.c. */
#ifndef PS_TUI_EXPLORER_CLUSTER_H
#define PS_TUI_EXPLORER_CLUSTER_H

#include <stdbool.h>

#include "presets/cluster.h"
#include "solvers/cluster.h"
#include "tui/explorer/state.h"

#define TUI_CLUSTER_MAX_POL 16

enum tui_cfocus { TUI_CF_REGIONS = 0, TUI_CF_JOBS, TUI_CF_POLICIES, TUI_CF_COUNT };

struct tui_cluster {
    struct ps_cluster file; /* as loaded and edited, models resolved */
    struct ps_cluster eff;  /* the effective cluster (scales applied): what runs */
    char source[256];
    struct ps_cluster_timer *timer;
    struct ps_job_plan *plans; /* eff.n_jobs */
    int n_pol;
    struct ps_cluster_policy pol[TUI_CLUSTER_MAX_POL];
    struct ps_cluster_result res[TUI_CLUSTER_MAX_POL];
    bool ran[TUI_CLUSTER_MAX_POL];
    char error[400]; /* why the runs failed ("" when they did not) */
    double run_ms;   /* the latest plan and runs, wall time */

    enum tui_cfocus focus;
    int region_sel, region_col, region_scroll;
    int job_sel, job_col, job_scroll;
    int pol_sel;         /* its run is the Gantt chart's and the job table's */
    char edit_path[160]; /* the field the prompt edits */
};

/* The editable columns of the region and job tables: the field each edits. */
#define TUI_CLUSTER_REGION_COLS 7
#define TUI_CLUSTER_JOB_COLS 6
extern const char *const tui_cluster_region_fields[TUI_CLUSTER_REGION_COLS];
extern const char *const tui_cluster_job_fields[TUI_CLUSTER_JOB_COLS];

/* C: to the cluster screen (loading the default cluster preset the first time) and back. */
void tui_cluster_toggle(struct tui_app *app);

/* Frees the screen's state (NULL is fine). */
void tui_cluster_free(struct tui_cluster *cl);

/* Replaces the cluster with a cluster file (the old one stays when it fails). */
void tui_cluster_open_file(struct tui_app *app, const char *path);

/* The selected cell's value as the prompt shows it, into buf; false when the cell is not
 * editable (then the reason is on the status line). */
bool tui_cluster_edit_start(struct tui_app *app);

/* A typed value for the cell being edited (the accepted prompt). */
void tui_cluster_edit_enter(struct tui_app *app, const char *text);

/* + and -: steps the selected cell (counts by 1, other numbers along the 1-2-5 ladder). */
void tui_cluster_edit_step(struct tui_app *app, int dir);

/* Opens job j of the selected policy's run as the scenario of the pipeline screen: its
 * regions as datacenters, its GPUs as stages, the link shares it started with. */
void tui_cluster_open_job(struct tui_app *app, int j);

/* The run of the selected policy, NULL when none ran. */
const struct ps_cluster_result *tui_cluster_shown(const struct tui_cluster *cl);

/* A job's letter in the tables and the Gantt chart (A-Z, a-z, then '#'). */
char tui_cluster_job_letter(int j);

/* Exports the runs: .csv/.json the policy and job tables, .svg the selected policy's
 * region Gantt chart; pareto true: the cost-vs-JCT scatter (.svg). */
void tui_cluster_export(struct tui_app *app, const char *path, bool pareto);

/* The cluster as a cluster file to path. */
void tui_cluster_save(struct tui_app *app, const char *path);

#endif
