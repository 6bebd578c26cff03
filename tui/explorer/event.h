/* The explorer's input: the events the terminal backend reads (keys, mouse, resize, the
 * input timeout) and the commands the key table turns them into. Types only. */
#ifndef PS_TUI_EXPLORER_EVENT_H
#define PS_TUI_EXPLORER_EVENT_H

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

/* A control key as the terminal sends it (TUI_CTRL('u') is C-u). */
#define TUI_CTRL(c) ((c)&0x1f)

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
    TUI_A_CLUSTER,  /* the cluster screen and back */
    TUI_A_BUBBLE,   /* the bars of idle time by cause beside the timeline */
    TUI_A_SWEEP,    /* the sweep plot screen and back */
    TUI_A_WORKLOAD, /* the workload screen and back */
    TUI_A_UNDO,     /* the scenario before the latest edit */
    TUI_A_TEACH,    /* teaching mode on and off */
    TUI_A_DT_BACK,  /* teaching: the time cursor back by dt */
    TUI_A_DT_FWD,   /* teaching: forward by dt */
    TUI_A_PLAY,     /* teaching: play / pause */
    TUI_A_REDO,
    TUI_A_TEXT, /* arg: code point typed into a prompt */
    TUI_A_BACKSPACE,
    TUI_A_DELETE,     /* in a prompt: the character under the cursor */
    TUI_A_KILL_START, /* in a prompt: C-u */
    TUI_A_KILL_END,   /* in a prompt: C-k */
    TUI_A_KILL_WORD,  /* in a prompt: C-w */
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

/* What applying a command asks of the loop. */
#define TUI_REDRAW 1u
#define TUI_QUIT 2u

#endif
