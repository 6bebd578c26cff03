/* The explorer's state and its actions: tui_apply changes the state in answer to one
 * command and never draws; render.c draws the state. Everything here runs without a
 * terminal, so the tests drive it directly. */
#ifndef PS_TUI_APP_H
#define PS_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/scenario.h"
#include "core/schedule.h"
#include "solvers/solver.h"
#include "tui/canvas.h"
#include "tui/worker.h"

#define TUI_MAX_SOLVERS 32
#define TUI_MIN_COLS 64
#define TUI_MIN_ROWS 20

/* Keys that are not characters (characters are their code points). */
enum tui_key {
    TUI_KEY_UP = 0x200000,
    TUI_KEY_DOWN,
    TUI_KEY_LEFT,
    TUI_KEY_RIGHT,
    TUI_KEY_PGUP,
    TUI_KEY_PGDN,
    TUI_KEY_HOME,
    TUI_KEY_END,
    TUI_KEY_ENTER,
    TUI_KEY_ESC,
    TUI_KEY_TAB,
    TUI_KEY_BTAB,
    TUI_KEY_BACKSPACE,
    TUI_KEY_DELETE,
    TUI_KEY_F1,
    TUI_KEY_CTRL_L,
};

enum tui_ev_type { TUI_EV_NONE = 0, TUI_EV_KEY, TUI_EV_MOUSE, TUI_EV_RESIZE, TUI_EV_TICK };

#define TUI_BTN_LEFT 1
#define TUI_BTN_WHEEL_UP 4
#define TUI_BTN_WHEEL_DOWN 5

struct tui_event {
    enum tui_ev_type type;
    int key;        /* TUI_EV_KEY: enum tui_key or a code point */
    int x, y;       /* TUI_EV_MOUSE: cell */
    int button;     /* TUI_EV_MOUSE: TUI_BTN_* */
    int cols, rows; /* TUI_EV_RESIZE: new size */
};

/* Everything a key can do. The key table (keys.c) maps keys to these per mode. */
enum tui_action {
    TUI_A_NONE = 0,
    TUI_A_QUIT,
    TUI_A_HELP,
    TUI_A_UP,
    TUI_A_DOWN,
    TUI_A_LEFT,
    TUI_A_RIGHT,
    TUI_A_PGUP,
    TUI_A_PGDN,
    TUI_A_HOME,
    TUI_A_END,
    TUI_A_INC,
    TUI_A_DEC,
    TUI_A_ENTER,
    TUI_A_ESC,
    TUI_A_NEXT_PANE,
    TUI_A_PREV_PANE,
    TUI_A_SCHEDULE, /* arg: registry index */
    TUI_A_NEXT_SCHEDULE,
    TUI_A_PICK_SCHEDULE,
    TUI_A_PICK_PRESET,
    TUI_A_OPEN,
    TUI_A_SAVE,
    TUI_A_EXPORT,
    TUI_A_EXPORT_CMP,
    TUI_A_SOLVE,
    TUI_A_SPLIT,
    TUI_A_CRIT,
    TUI_A_CHANNELS,
    TUI_A_ZOOM_IN,
    TUI_A_ZOOM_OUT,
    TUI_A_FIT,
    TUI_A_SCROLL_LEFT,
    TUI_A_SCROLL_RIGHT,
    TUI_A_REDRAW,
    TUI_A_TEXT, /* arg: code point typed into a prompt */
    TUI_A_BACKSPACE,
    TUI_A_MOUSE,
    TUI_A_RESIZE,
    TUI_A_TICK,
    TUI_A_COUNT
};

struct tui_cmd {
    enum tui_action action;
    int arg;
    struct tui_event ev;
};

/* What tui_apply asks of the loop. */
#define TUI_REDRAW 1u
#define TUI_QUIT 2u

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
};
enum tui_picker_kind { TUI_PICK_SCHEDULE = 0, TUI_PICK_PRESET };
enum tui_msg_level { TUI_MSG_INFO = 0, TUI_MSG_OK, TUI_MSG_ERR };

/* One row of the left panel: a section title, a scenario field or a schedule parameter. */
enum tui_field_kind {
    TUI_FK_SECTION = 0,
    TUI_FK_DCS,
    TUI_FK_DC_STAGES, /* index: DC */
    TUI_FK_DC_SCALE,  /* index: DC */
    TUI_FK_STAGES,
    TUI_FK_MICROBATCHES,
    TUI_FK_F,
    TUI_FK_B,
    TUI_FK_W,
    TUI_FK_ACT_MB,
    TUI_FK_INTRA_LAT,
    TUI_FK_INTRA_BW,
    TUI_FK_INTER_LAT,
    TUI_FK_INTER_BW,
    TUI_FK_PAIR_LAT, /* index: from DC, index2: to DC */
    TUI_FK_PAIR_BW,
    TUI_FK_MEM_LIMIT,
    TUI_FK_MEM_MULT,
    TUI_FK_WSHARE,
    TUI_FK_DP_AG,
    TUI_FK_DP_RS,
    TUI_FK_PARAM, /* index: param of the shown schedule's solver */
};

struct tui_field {
    enum tui_field_kind kind;
    int index, index2;
    char label[64];
    char value[64];
    char path[96]; /* the --set path when the field has one, else "" */
};

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

/* Screen regions, computed from the terminal size (render and mouse share them). */
struct tui_rect {
    int x, y, w, h;
};
struct tui_layout {
    bool too_small;
    bool wide; /* panel on the left (wide) or below the chart (narrow) */
    struct tui_rect header, panel, gantt, table, detail, status;
    struct tui_rect mem;  /* peak memory per device, right of the table (w = 0: none) */
    struct tui_rect plot; /* the time columns and device rows inside the Gantt pane */
    int label_w;          /* width of the device labels left of plot */
    int dev_h;            /* screen rows per device (1-3: taller bars when there is room) */
};

/* What one row of the Gantt plot shows. */
enum tui_grow_kind { TUI_GROW_TITLE = 0, TUI_GROW_DEVICE, TUI_GROW_CHANNEL, TUI_GROW_SEP };
struct tui_grow {
    enum tui_grow_kind kind;
    int sched; /* index in app->res */
    int index; /* device, or channel index */
    int sub;   /* row within a device's bar (0..dev_h-1) */
};

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
    int table_sel;

    /* Gantt view: time at the left edge and time per column. fit: follow the makespan. */
    int64_t view_t0;
    int64_t view_ns_per_col;
    bool fit;
    int cur_stage;    /* op cursor: device and index in dev_ops */
    size_t cur_index; /* valid when cursor_on */
    bool cursor_on;
    bool show_channels, show_crit;
    int gantt_scroll; /* first plot row shown when the rows do not fit */
    int table_scroll;

    /* Prompt and picker. */
    enum tui_prompt_kind prompt_kind;
    char prompt_label[96];
    char prompt_buf[512];
    enum tui_picker_kind picker_kind;
    int picker_sel;
    int help_scroll;

    char msg[512];
    enum tui_msg_level msg_level;

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
};

/* Sets up the app on sc (the app takes ownership of sc's contents: sc is left empty).
 * source says where it came from. Computes every fast schedule. Returns PS_ENOMEM. */
enum ps_status tui_app_init(struct tui_app *app, struct ps_scenario *sc, const char *source,
                            int cols, int rows);
void tui_app_fini(struct tui_app *app);

/* True while a recompute runs on a background lane (the loop should poll soon). */
bool tui_app_pending(const struct tui_app *app);

/* Waits for every background lane and installs their results (tests, benchmarks). */
void tui_app_settle(struct tui_app *app);

/* Applies one command; returns TUI_REDRAW and/or TUI_QUIT. */
unsigned tui_apply(struct tui_app *app, const struct tui_cmd *cmd);

/* The key table: the command of an event in the app's current mode and focus. */
struct tui_cmd tui_key_lookup(const struct tui_app *app, const struct tui_event *ev);

/* The help screen's lines, generated from the key table: n lines of "KEYS  text";
 * returns the number of lines (at most max). */
int tui_help_lines(char lines[][96], int max);

/* The rows of the left panel for the current scenario and shown schedule: fills at most
 * max of them and returns how many there are (out NULL: only counts). */
int tui_fields(const struct tui_app *app, struct tui_field *out, int max);

/* All rows of the left panel in a new array (free it); *n their count. NULL on out of
 * memory (then *n is 0). */
struct tui_field *tui_fields_new(const struct tui_app *app, int *n);

/* The rows of the Gantt plot (all of them; the plot shows gantt_scroll onwards).
 * Returns the count (at most max). */
int tui_gantt_rows(const struct tui_app *app, struct tui_grow *out, int max);

/* The screen regions for the app's size and state. */
void tui_layout(const struct tui_app *app, struct tui_layout *lo);

/* Draws the whole frame into c (resized to the app's size). Pure: reads app only. */
void tui_render(const struct tui_app *app, struct tui_canvas *c);

/* The shown schedule (A), NULL when it has none. */
const struct ps_schedule *tui_shown(const struct tui_app *app);

/* Sets the status line. */
void tui_message(struct tui_app *app, enum tui_msg_level lv, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Formats a duration in ms for the screen ("38", "1.25", "0.013"). */
void tui_fmt_ms(char *buf, size_t size, double ms);

#endif
