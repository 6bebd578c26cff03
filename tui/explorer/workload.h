/* The explorer's workload screen state (docs/explorer.md, docs/model.md "Workloads"): a
 * scenario with a workload is planned on a background thread (granularity, ordering,
 * pipelines, checkpointing; seconds on a long-context batch), and the plan replaces the
 * scenario's microbatches when it lands; the latest plan's report (chunks, search, the
 * checkpoint ILP) for the screen; the settings the screen edits. Nothing here draws: the
 * screen is pane_workload.c. */
#ifndef PS_TUI_EXPLORER_WORKLOAD_H
#define PS_TUI_EXPLORER_WORKLOAD_H

#include <stdbool.h>

#include "solvers/workload/plan.h"
#include "tui/explorer/state.h"

/* The settings rows of the screen, in order. */
enum tui_wl_row {
    TUI_WL_GRANULARITY = 0,
    TUI_WL_CHECKPOINT,
    TUI_WL_ORDER,
    TUI_WL_SLICES,
    TUI_WL_PIPELINES,
    TUI_WL_ROWS
};

struct tui_wl_job; /* the planning thread's (workload.c) */

struct tui_workload {
    struct tui_wl_job *job; /* the running or finished plan, NULL when none */
    bool again;             /* the scenario changed while it ran: plan again when it lands */
    /* The plan app->sc holds (has_plan) and its report; else why planning failed. */
    bool has_plan;
    struct ps_wl_report rep;
    enum ps_ckpt_policy rep_ckpt; /* the policy of rep (the setting may be newer) */
    char error[400];
    double plan_ms; /* the latest plan's wall time */
    /* The screen: the selected setting, the first chunk row shown. */
    int sel;
    int scroll;
};

/* W: to the workload screen and back (a scenario without a workload says so). */
void tui_workload_toggle(struct tui_app *app);

/* A new scenario (opened, loaded, the app's first): the old plan's report is forgotten, a
 * workload is planned, and the workload screen closes when there is none. */
void tui_workload_reset(struct tui_app *app);

/* Plans app->sc's workload in the background (nothing without a workload); while a plan
 * runs, the newest request runs after it. */
void tui_workload_replan(struct tui_app *app);

/* Installs a finished plan: app->sc takes the planned microbatches and every schedule is
 * recomputed (a plan of a scenario that changed since is dropped). wait: until no plan
 * runs. Returns true when the screen changed. */
bool tui_workload_poll(struct tui_app *app, bool wait);

/* True while a plan runs (the loop should poll). */
bool tui_workload_running(const struct tui_app *app);

/* Steps setting row `row` (dir +1/-1) and plans again. */
void tui_workload_step(struct tui_app *app, int row, int dir);

/* The value of setting row `row` for the screen ("elastic", "auto (16)"). */
void tui_workload_setting(const struct tui_app *app, int row, char *label, size_t lsize,
                          char *value, size_t vsize);

/* An edit of a scenario field on a workload scenario: refuses the planned fields (true:
 * refused, the status line says why). */
bool tui_workload_refuse_derived(struct tui_app *app, const char *path, const char *typed);

/* After a field edit of a workload scenario: a new stage count takes the unplanned view
 * (old_stages: the count before), then plans again. */
void tui_workload_edited(struct tui_app *app, int old_stages);

/* Frees the state; a plan still running is waited for. NULL is fine. */
void tui_workload_free(struct tui_workload *wl);

/* For a process about to exit with a plan running: detaches its thread (the exit ends it)
 * or joins a finished one; wl stays allocated. NULL is fine. */
void tui_workload_release(struct tui_workload *wl);

#endif
