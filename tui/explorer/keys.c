/* The one key table of the explorer: every binding, the modes it applies in, and the
 * help text that the help screen (?) is generated from. */
#include "tui/explorer/keys.h"

#include <stdio.h>
#include <string.h>

struct tui_binding {
    int key;
    enum tui_action action;
    int arg;
    unsigned modes;
    const char *label; /* the keys as the help shows them; NULL: same line as above */
    const char *help;
};

#define N TUI_IN_NORMAL
#define P TUI_IN_PROMPT
#define K TUI_IN_PICKER
#define H TUI_IN_HELP

static const struct tui_binding bindings[] = {
    {TUI_KEY_UP, TUI_A_UP, 0, N | P | K | H, "Up k", "move up: field, device, table row"},
    {'k', TUI_A_UP, 0, N | K | H, NULL, NULL},
    {TUI_KEY_DOWN, TUI_A_DOWN, 0, N | P | K | H, "Down j", "move down"},
    {'j', TUI_A_DOWN, 0, N | K | H, NULL, NULL},
    {TUI_KEY_LEFT, TUI_A_LEFT, 0, N | P, "Left h",
     "step the value down; chart: previous op; table: previous"},
    {'h', TUI_A_LEFT, 0, N, NULL, NULL},
    {TUI_KEY_RIGHT, TUI_A_RIGHT, 0, N | P, "Right l",
     "step the value up; chart: next op; table: next"},
    {'l', TUI_A_RIGHT, 0, N, NULL, NULL},
    {'+', TUI_A_INC, 0, N, "+ -",
     "step the value (counts by 1, times and links 1-2-5); chart: zoom"},
    {'=', TUI_A_INC, 0, N, NULL, NULL},
    {'-', TUI_A_DEC, 0, N, NULL, NULL},
    {TUI_KEY_ENTER, TUI_A_ENTER, 0, N | P | K, "Enter", "type a value / show the row / accept"},
    {TUI_KEY_ESC, TUI_A_ESC, 0, N | P | K | H, "Esc",
     "cancel the solve, a prompt, a picker; close the A/B split"},
    {TUI_KEY_TAB, TUI_A_NEXT_PANE, 0, N, "Tab S-Tab", "next / previous pane"},
    {TUI_KEY_BTAB, TUI_A_PREV_PANE, 0, N, NULL, NULL},
    {TUI_KEY_PGUP, TUI_A_PGUP, 0, N | K | H, "PgUp PgDn", "page up / down"},
    {TUI_KEY_PGDN, TUI_A_PGDN, 0, N | K | H, NULL, NULL},
    {TUI_KEY_HOME, TUI_A_HOME, 0, N | P | K | H, "Home End", "first / last (field, op, row)"},
    {TUI_KEY_END, TUI_A_END, 0, N | P | K | H, NULL, NULL},
    {'g', TUI_A_HOME, 0, N | K | H, NULL, NULL},
    {'G', TUI_A_END, 0, N | K | H, NULL, NULL},
    {'1', TUI_A_SCHEDULE, 0, N, "1-9", "show schedule 1-9 of the table"},
    {'2', TUI_A_SCHEDULE, 1, N, NULL, NULL},
    {'3', TUI_A_SCHEDULE, 2, N, NULL, NULL},
    {'4', TUI_A_SCHEDULE, 3, N, NULL, NULL},
    {'5', TUI_A_SCHEDULE, 4, N, NULL, NULL},
    {'6', TUI_A_SCHEDULE, 5, N, NULL, NULL},
    {'7', TUI_A_SCHEDULE, 6, N, NULL, NULL},
    {'8', TUI_A_SCHEDULE, 7, N, NULL, NULL},
    {'9', TUI_A_SCHEDULE, 8, N, NULL, NULL},
    {'n', TUI_A_NEXT_SCHEDULE, 0, N, "n", "next schedule"},
    {'s', TUI_A_PICK_SCHEDULE, 0, N, "s", "schedule picker"},
    {'v', TUI_A_SPLIT, 0, N, "v", "split view A/B (B: the table row, else 1F1B or the greedy)"},
    {'r', TUI_A_SOLVE, 0, N, "r", "run the slow (optimal) solver in the background"},
    {'z', TUI_A_ZOOM_IN, 0, N, "z Z", "zoom the time axis in / out"},
    {'Z', TUI_A_ZOOM_OUT, 0, N, NULL, NULL},
    {'f', TUI_A_FIT, 0, N, "f", "fit the time axis to the makespan"},
    {'<', TUI_A_SCROLL_LEFT, 0, N, "< >", "scroll the time axis"},
    {',', TUI_A_SCROLL_LEFT, 0, N, NULL, NULL},
    {'>', TUI_A_SCROLL_RIGHT, 0, N, NULL, NULL},
    {'.', TUI_A_SCROLL_RIGHT, 0, N, NULL, NULL},
    {'x', TUI_A_CRIT, 0, N, "x", "highlight the critical path"},
    {'c', TUI_A_CHANNELS, 0, N, "c", "show / hide the inter-DC channel rows"},
    {'e', TUI_A_EXPORT, 0, N, "e",
     "export what is shown: A or A/B, critical path (.json .csv .svg .pdf .png "
     ".trace.json .txt)"},
    {'E', TUI_A_EXPORT_CMP, 0, N, "E", "export the comparison table (.csv .json .tex .md .txt)"},
    {'o', TUI_A_OPEN, 0, N, "o", "open a scenario file"},
    {'p', TUI_A_PICK_PRESET, 0, N, "p", "preset picker"},
    {'w', TUI_A_SAVE, 0, N, "w", "save the edited scenario (under the file's name)"},
    {'t', TUI_A_TEACH, 0, N, "t",
     "teaching mode: a time cursor (Left/Right op by op, [ ] by dt, +- dt, Space plays, "
     "Home/End): what each device runs, its memory, why it waits, what is in flight"},
    {'[', TUI_A_DT_BACK, 0, N, NULL, NULL},
    {']', TUI_A_DT_FWD, 0, N, NULL, NULL},
    {' ', TUI_A_PLAY, 0, N, NULL, NULL},
    {'u', TUI_A_UNDO, 0, N, "u U", "undo / redo a scenario edit (a preset or file loaded too)"},
    {'U', TUI_A_REDO, 0, N, NULL, NULL},
    {'b', TUI_A_BUBBLE, 0, N, "b",
     "bars of each device's idle time by cause beside the timeline (f fill, x cross-DC, i "
     "intra-DC, m memory, r rendezvous, d all-gather, e end)"},
    {'S', TUI_A_SWEEP, 0, N, "S",
     "sweep plot (S or Esc: back): makespan and bubble of every schedule against the "
     "selected field, knees marked; e exports it as .svg"},
    {'C', TUI_A_CLUSTER, 0, N, "C",
     "cluster planner screen (C or Esc: back): regions, jobs, policies; Enter on a job's "
     "name opens its pipeline here"},
    {'W', TUI_A_WORKLOAD, 0, N, "W",
     "workload screen of a long-context scenario (W or Esc: back): lengths, chunks, "
     "granularity and checkpointing, memory per stage"},
    {TUI_KEY_CTRL_L, TUI_A_REDRAW, 0, N | P | K | H, "C-l", "redraw the screen"},
    {'?', TUI_A_HELP, 0, N | H, "? F1", "this help"},
    {TUI_KEY_F1, TUI_A_HELP, 0, N | H, NULL, NULL},
    {'q', TUI_A_QUIT, 0, N, "q",
     "quit (q closes help and pickers first; asks before losing edits)"},
    {'q', TUI_A_ESC, 0, K | H, NULL, NULL},
    {TUI_KEY_BACKSPACE, TUI_A_BACKSPACE, 0, P, "Backspace Del",
     "in a prompt: delete before / under the cursor; Left Right Home End (C-a C-e) move"},
    {TUI_KEY_DELETE, TUI_A_DELETE, 0, P, NULL, NULL},
    {TUI_CTRL('a'), TUI_A_HOME, 0, P, NULL, NULL},
    {TUI_CTRL('e'), TUI_A_END, 0, P, NULL, NULL},
    {TUI_CTRL('b'), TUI_A_LEFT, 0, P, NULL, NULL},
    {TUI_CTRL('f'), TUI_A_RIGHT, 0, P, NULL, NULL},
    {TUI_CTRL('u'), TUI_A_KILL_START, 0, P, "C-u C-k C-w",
     "in a prompt: delete to the start / to the end / the word before"},
    {TUI_CTRL('k'), TUI_A_KILL_END, 0, P, NULL, NULL},
    {TUI_CTRL('w'), TUI_A_KILL_WORD, 0, P, NULL, NULL},
    {TUI_CTRL('p'), TUI_A_UP, 0, P, "Up Down",
     "in a prompt: the values (or file names) typed before (C-p C-n)"},
    {TUI_CTRL('n'), TUI_A_DOWN, 0, P, NULL, NULL},
};

#undef N
#undef P
#undef K
#undef H

struct tui_cmd tui_key_lookup(const struct tui_app *app, const struct tui_event *ev)
{
    struct tui_cmd cmd = {.action = TUI_A_NONE, .arg = 0, .ev = *ev};
    switch (ev->type) {
    case TUI_EV_MOUSE:
        cmd.action = TUI_A_MOUSE;
        return cmd;
    case TUI_EV_RESIZE:
        cmd.action = TUI_A_RESIZE;
        return cmd;
    case TUI_EV_TICK:
        cmd.action = TUI_A_TICK;
        return cmd;
    case TUI_EV_KEY:
        break;
    default:
        return cmd;
    }
    unsigned mode = 1u << app->mode;
    for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
        if (bindings[i].key == ev->key && (bindings[i].modes & mode)) {
            cmd.action = bindings[i].action;
            cmd.arg = bindings[i].arg;
            return cmd;
        }
    }
    /* In a prompt every other printable character is text. */
    if (app->mode == TUI_MODE_PROMPT && ev->key >= 0x20 && ev->key < 0x110000 && ev->key != 0x7f) {
        cmd.action = TUI_A_TEXT;
        cmd.arg = ev->key;
    }
    return cmd;
}

int tui_help_lines(char lines[][96], int max)
{
    int n = 0;
    for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]) && n < max; i++) {
        if (bindings[i].label == NULL)
            continue;
        snprintf(lines[n], sizeof(lines[n]), "%-10s %s", bindings[i].label, bindings[i].help);
        n++;
    }
    return n;
}
