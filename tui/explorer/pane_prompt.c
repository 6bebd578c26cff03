/* The prompt pane: the status line while a value or a file name is typed (the label,
 * the end of a long input, a cursor), its editing keys (UTF-8 text, Backspace), and what
 * Enter does with the text: a value for the selected row (edit.c), or a file to export,
 * open or save (files.c). */
#include "tui/explorer/pane.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/explorer/cluster.h"
#include "tui/explorer/edit.h"
#include "tui/explorer/files.h"
#include "tui/explorer/sweep.h"

static unsigned accept_prompt(struct tui_app *app)
{
    char text[sizeof(app->prompt_buf)];
    snprintf(text, sizeof(text), "%s", app->prompt_buf);
    app->mode = TUI_MODE_NORMAL;
    /* Trim spaces around paths. */
    char *t = text;
    while (isspace((unsigned char)*t))
        t++;
    size_t n = strlen(t);
    while (n > 0 && isspace((unsigned char)t[n - 1]))
        t[--n] = '\0';
    if (app->prompt_kind == TUI_PROMPT_CONFIRM) {
        tui_files_confirm(app, t);
        return TUI_REDRAW;
    }
    if (app->prompt_kind == TUI_PROMPT_DISCARD)
        return tui_files_discard_answer(app, t);
    bool value =
        app->prompt_kind == TUI_PROMPT_VALUE || app->prompt_kind == TUI_PROMPT_CLUSTER_VALUE;
    if (!value && *t == '\0') {
        tui_message(app, TUI_MSG_INFO, "cancelled: no file name");
        return TUI_REDRAW;
    }
    /* A file name may start with ~/ (the home folder), as in a shell. */
    char home_path[sizeof(text) + 256];
    const char *home = getenv("HOME");
    if (!value && t[0] == '~' && (t[1] == '/' || t[1] == '\0') && home != NULL && *home != '\0' &&
        strlen(home) < 256) {
        snprintf(home_path, sizeof(home_path), "%s%s", home, t + 1);
        t = home_path;
    }
    switch (app->prompt_kind) {
    case TUI_PROMPT_VALUE: {
        int64_t before = tui_shown_makespan(app);
        app->msg[0] = '\0';
        tui_edit_enter(app, t);
        if (app->msg[0] == '\0')
            tui_edit_message(app, before);
        break;
    }
    case TUI_PROMPT_EXPORT:
        tui_files_export_view(app, t);
        break;
    case TUI_PROMPT_EXPORT_CMP:
        tui_files_export_compare(app, t);
        break;
    case TUI_PROMPT_OPEN:
        tui_files_open(app, t);
        break;
    case TUI_PROMPT_SAVE:
        tui_files_save(app, t);
        break;
    case TUI_PROMPT_CLUSTER_VALUE:
        tui_cluster_edit_enter(app, t);
        break;
    case TUI_PROMPT_CLUSTER_OPEN:
        tui_cluster_open_file(app, t);
        break;
    case TUI_PROMPT_CLUSTER_EXPORT:
    case TUI_PROMPT_CLUSTER_PARETO:
        tui_cluster_export(app, t, app->prompt_kind == TUI_PROMPT_CLUSTER_PARETO);
        break;
    case TUI_PROMPT_CLUSTER_SAVE:
        tui_cluster_save(app, t);
        break;
    case TUI_PROMPT_SWEEP_EXPORT:
        tui_sweep_export(app, t);
        break;
    case TUI_PROMPT_CONFIRM:
    case TUI_PROMPT_DISCARD:
        break;
    }
    return TUI_REDRAW;
}

/* The history of the prompt's kind: values [0], file names [1]; NULL for y/n questions. */
static struct tui_line_history *history_of(struct tui_app *app)
{
    switch (app->prompt_kind) {
    case TUI_PROMPT_VALUE:
    case TUI_PROMPT_CLUSTER_VALUE:
        return &app->prompt_hist[0];
    case TUI_PROMPT_CONFIRM:
    case TUI_PROMPT_DISCARD:
        return NULL;
    default:
        return &app->prompt_hist[1];
    }
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    struct tui_line line = {app->prompt_buf, sizeof(app->prompt_buf), &app->prompt_cur};
    struct tui_line_history *h = history_of(app);
    static const enum tui_line_op ops[TUI_A_COUNT] = {
        [TUI_A_LEFT] = TUI_LINE_LEFT,
        [TUI_A_RIGHT] = TUI_LINE_RIGHT,
        [TUI_A_HOME] = TUI_LINE_HOME,
        [TUI_A_END] = TUI_LINE_END,
        [TUI_A_BACKSPACE] = TUI_LINE_BACKSPACE,
        [TUI_A_DELETE] = TUI_LINE_DELETE,
        [TUI_A_KILL_START] = TUI_LINE_KILL_START,
        [TUI_A_KILL_END] = TUI_LINE_KILL_END,
        [TUI_A_KILL_WORD] = TUI_LINE_KILL_WORD,
    };
    switch (cmd->action) {
    case TUI_A_ENTER:
        if (h)
            tui_line_history_add(h, app->prompt_buf);
        return accept_prompt(app);
    case TUI_A_ESC:
        app->mode = TUI_MODE_NORMAL;
        if (h)
            tui_line_history_reset(h);
        tui_message(app, TUI_MSG_INFO, "cancelled");
        return TUI_REDRAW;
    case TUI_A_UP:
    case TUI_A_DOWN:
        if (h)
            tui_line_history_walk(h, &line, cmd->action == TUI_A_UP ? -1 : 1);
        return TUI_REDRAW;
    case TUI_A_LEFT:
    case TUI_A_RIGHT:
    case TUI_A_HOME:
    case TUI_A_END:
    case TUI_A_BACKSPACE:
    case TUI_A_DELETE:
    case TUI_A_KILL_START:
    case TUI_A_KILL_END:
    case TUI_A_KILL_WORD:
        tui_line_edit(&line, ops[cmd->action]);
        return TUI_REDRAW;
    case TUI_A_TEXT:
        tui_line_insert(&line, (uint32_t)cmd->arg);
        return TUI_REDRAW;
    default:
        return 0;
    }
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_layout *lo = &fr->lo;
    int y = lo->status.y, w = lo->status.w;
    tui_canvas_fill(c, 0, y, w, 1, TUI_S_STATUS);
    int x = tui_canvas_text(c, 1, y, w - 2, TUI_S_KEY, app->prompt_label);
    x += 2;
    const char *hint = "Enter ok  Esc cancel";
    int hl = (int)strlen(hint);
    bool hint_fits = x + 24 + hl < w;
    int room = w - x - 1 - (hint_fits ? hl + 2 : 0);
    if (room < 2)
        room = 2;
    /* The text in a window that keeps the cursor in view (a long path shows its end). */
    const char *text = app->prompt_buf;
    size_t cur = app->prompt_cur > strlen(text) ? strlen(text) : app->prompt_cur;
    int before = tui_line_cells(text, cur), total = tui_line_cells(text, strlen(text));
    int first = 0;
    if (total + 1 > room)
        first = before + 1 > room ? before + 1 - room : 0;
    const char *p = text;
    for (int i = 0; i < first && *p; i++)
        do
            p++;
        while ((*p & 0xc0) == 0x80);
    tui_canvas_text(c, x, y, room, TUI_S_STATUS, p);
    /* The cursor: the cell at its place, drawn reversed. */
    int cx = x + before - first;
    struct tui_cell *cell = tui_canvas_at(c, cx, y);
    if (cell != NULL) {
        if (cur >= strlen(text))
            tui_canvas_put(c, cx, y, ' ', TUI_S_CURSOR);
        else
            cell->style = TUI_S_CURSOR;
    }
    if (hint_fits)
        tui_canvas_text(c, w - hl - 1, y, hl, TUI_S_DIM, hint);
}

const struct tui_pane tui_pane_prompt = {.name = "prompt", .draw = draw, .key = key};
