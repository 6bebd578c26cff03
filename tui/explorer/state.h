/* The explorer's state: one struct tui_app that every pane reads and the actions change,
 * and the small core every file may use (messages, the shown schedule, the prompt). The
 * headers of the state sit below the drawing: panes draw by reading this struct (and the
 * layout and timeline rows computed from it), and nothing here draws. */
#ifndef PS_TUI_EXPLORER_STATE_H
#define PS_TUI_EXPLORER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/scenario.h"
#include "core/schedule.h"
#include "solvers/solver.h"
#include "tui/explorer/event.h"
#include "tui/explorer/lineedit.h"
#include "tui/explorer/worker.h"

#define TUI_MAX_SOLVERS 32
#define TUI_MIN_COLS 64
#define TUI_MIN_ROWS 20

enum tui_focus { TUI_FOCUS_PANEL = 0, TUI_FOCUS_GANTT, TUI_FOCUS_TABLE, TUI_FOCUS_COUNT };
enum tui_mode { TUI_MODE_NORMAL = 0, TUI_MODE_PROMPT, TUI_MODE_PICKER, TUI_MODE_HELP };
/* Bits for the key table: in which modes a key binding applies. */
#define TUI_IN_NORMAL (1u << TUI_MODE_NORMAL)
#define TUI_IN_PROMPT (1u << TUI_MODE_PROMPT)
#define TUI_IN_PICKER (1u << TUI_MODE_PICKER)
#define TUI_IN_HELP (1u << TUI_MODE_HELP)

enum tui_prompt_kind {
    TUI_PROMPT_VALUE = 0, /* a field of the left panel */
    TUI_PROMPT_EXPORT,    /* the shown schedule, .json or .csv */
    TUI_PROMPT_EXPORT_CMP,
    TUI_PROMPT_OPEN,
    TUI_PROMPT_SAVE,
    TUI_PROMPT_CONFIRM,        /* y/n: replace the existing file of the prompt before */
    TUI_PROMPT_DISCARD,        /* y/n: lose the scenario's unsaved edits (discard_then) */
    TUI_PROMPT_CLUSTER_VALUE,  /* a cell of the cluster screen's tables */
    TUI_PROMPT_CLUSTER_OPEN,   /* a cluster file */
    TUI_PROMPT_CLUSTER_EXPORT, /* the cluster runs (.csv/.json/.svg) */
    TUI_PROMPT_CLUSTER_PARETO, /* the cost-vs-JCT scatter (.svg) */
    TUI_PROMPT_CLUSTER_SAVE,   /* the edited cluster file */
    TUI_PROMPT_SWEEP_EXPORT,   /* the sweep plot (.svg) or its rows (.csv/.json) */
};
enum tui_picker_kind { TUI_PICK_SCHEDULE = 0, TUI_PICK_PRESET };
enum tui_msg_level { TUI_MSG_INFO = 0, TUI_MSG_OK, TUI_MSG_ERR };

/* One schedule of the registry and its latest result for the current scenario. */
struct tui_result {
    const struct ps_solver *sv;
    struct ps_params params;    /* the user's parameter values */
    struct ps_schedule *sched;  /* NULL when not computed or failed */
    struct ps_scenario *own_sc; /* slow solvers: the scenario copy sched points at */
    char error[400];            /* why sched is NULL (empty: not run yet) */
    bool **crit;                /* critical path marks, computed on demand */
    double last_ms;             /* wall time of its latest run */
    bool pending;               /* being recomputed on its lane (below) */
    struct tui_worker *lane;    /* background lane of a fast solver that got slow */
    unsigned long job;          /* its latest run's number: a lane result of another is stale */
    struct ps_diag diag;        /* the failure behind error (its path names a parameter) */
    /* A parameter change waiting for its run: refused (undo restored) when the run fails
     * on that parameter. */
    bool has_undo;
    struct ps_params undo;
    char undo_key[32];
    char undo_value[128];
};

/* A fast solver whose latest run took longer than this many ms is recomputed on a
 * background lane after an edit, so the frame is not held up; it lands a moment later. */
#define TUI_ASYNC_MS 4.0

struct tui_cluster;  /* the cluster screen's state (cluster.h) */
struct tui_sweep;    /* the sweep plot screen's state (sweep.h) */
struct tui_workload; /* the workload screen's state and planning (workload.h) */
struct tui_history;  /* undo and redo (undo.c) */

/* What waits for "lose the edits? (y/n)". */
enum tui_discard_then { TUI_THEN_QUIT = 0, TUI_THEN_PRESET, TUI_THEN_OPEN };

struct tui_app {
    struct ps_scenario sc; /* the last good scenario */
    char source[256];      /* "preset default", a file path, ... */
    unsigned long gen;     /* bumped on every scenario change */

    size_t n_res;
    struct tui_result res[TUI_MAX_SOLVERS];
    int shown;   /* index in res of the schedule in the Gantt (A) */
    int split_b; /* index of B in the split view, -1 when off */

    enum tui_focus focus;
    enum tui_mode mode;
    int field_sel, field_scroll;
    uint64_t expanded;   /* the panel's open groups: bit i for row i of core's field table */
    char edit_note[256]; /* what core said the latest edit did beyond its field ("" none) */
    int table_sel;

    /* Gantt view: time at the left edge and time per column. fit: follow the makespan. */
    int64_t view_t0;
    int64_t view_ns_per_col;
    bool fit;
    int cur_stage;    /* op cursor: device and index in dev_ops */
    size_t cur_index; /* valid when cursor_on */
    bool cursor_on;
    bool show_channels, show_crit;
    bool show_bubble; /* the bars of idle time by cause beside the timeline (b) */

    /* Teaching mode (t, teach.c): a time cursor on the shown schedule, stepped event by
     * event or by teach_dt, or playing; the teaching pane says what happens at teach_t. */
    bool teaching;
    int64_t teach_t, teach_dt;
    bool teach_play;
    int64_t teach_last_ms; /* when play last stepped (tui_now_ms) */
    int gantt_scroll;      /* first plot row shown when the rows do not fit */
    int table_scroll;

    /* Prompt and picker. */
    enum tui_prompt_kind prompt_kind;
    char prompt_label[96];
    char prompt_buf[512];
    size_t prompt_cur; /* the cursor in prompt_buf (a byte offset; lineedit.c) */
    /* The accepted lines of the value prompts [0] and of the file prompts [1]. */
    struct tui_line_history prompt_hist[2];
    /* A write that waits for "replace it?" (TUI_PROMPT_CONFIRM): what and where. */
    enum tui_prompt_kind confirm_kind;
    char confirm_path[512];
    bool confirmed; /* the next write of confirm_path may replace it */
    /* A step that would lose unsaved edits, waiting for TUI_PROMPT_DISCARD's yes: what and
     * its argument (a preset, a file); discard_ok lets the next such step through. */
    enum tui_discard_then discard_then;
    char discard_arg[512];
    bool discard_ok;
    /* The provenance (origin and edits) when the scenario was last loaded or saved: it
     * has unsaved edits when its own differs (tui_unsaved). */
    char *clean;
    enum tui_picker_kind picker_kind;
    int picker_sel;
    int help_scroll;

    char msg[512];
    enum tui_msg_level msg_level;
    int64_t msg_at; /* when it was set (tui_now_ms): it expires (tui_message_expire) */

    int cols, rows;
    bool color, unicode;

    struct tui_worker *worker; /* the background solve thread */
    unsigned long jobs;        /* the last job number given to a result */
    char typed[128];           /* the value being entered at the prompt, quoted by refusals */
    /* An edit whose shown schedule was still updating: its message gets the makespan
     * change when that schedule lands (await_before < 0: none). */
    int64_t await_before;
    unsigned long await_gen;
    char await_prefix[160];
    bool sync_only; /* never use the lanes (frames tests) */

    struct tui_history *history; /* undo and redo of the scenario (undo.c); NULL: none yet */

    /* The cluster screen (C): NULL until first opened; cluster_screen while shown. */
    struct tui_cluster *cluster;
    bool cluster_screen;
    /* The sweep plot screen (S): NULL until first opened; sweep_screen while shown. */
    struct tui_sweep *sweep;
    bool sweep_screen;

    /* A scenario with a workload: its planning and the workload screen (W). NULL until
     * the first plan; workload_screen while shown. */
    struct tui_workload *wl;
    bool workload_screen;
};

/* ---- the core every file may use (state.c) ------------------------------------------- */

/* Sets the status line. */
void tui_message(struct tui_app *app, enum tui_msg_level lv, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* How long a message stays: a note or a result, and an error (longer: it may need
 * reading twice). */
#define TUI_MSG_MS 6000
#define TUI_MSG_ERR_MS 15000

/* A monotonic clock in ms. */
int64_t tui_now_ms(void);

/* Clears the status line's message once it is older than its time; true when it did. */
bool tui_message_expire(struct tui_app *app);

/* The one refusal format: "refused: PATH: REASON (got TYPED)". A reason that already ends
 * in "(got ...)" has it replaced by what was typed (the scenario may quote a clamped or
 * reformatted value). typed NULL keeps the reason as it is. */
void tui_refuse(struct tui_app *app, const char *path, const char *reason, const char *typed);

/* tui_refuse with a diagnostic's path and message (path and the status when it has
 * none). */
void tui_refuse_diag(struct tui_app *app, const struct ps_diag *d, const char *path,
                     enum ps_status st, const char *typed);

/* The shown schedule (A), NULL when it has none. */
const struct ps_schedule *tui_shown(const struct tui_app *app);

/* The shown schedule's makespan, -1 when it has none. */
int64_t tui_shown_makespan(const struct tui_app *app);

/* Whether the scenario has edits made since it was loaded or saved (the command line's
 * --set edits are part of what was loaded). */
bool tui_unsaved(const struct tui_app *app);

/* Marks the scenario as it is now as loaded or saved (no unsaved edits). */
void tui_mark_clean(struct tui_app *app);

/* Opens the prompt line: label, then the text being typed (initial, may be NULL), the
 * cursor at its end. */
void tui_prompt_open(struct tui_app *app, enum tui_prompt_kind k, const char *label,
                     const char *initial);

#endif
