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

static void accept_prompt(struct tui_app *app)
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
        return;
    }
    bool value =
        app->prompt_kind == TUI_PROMPT_VALUE || app->prompt_kind == TUI_PROMPT_CLUSTER_VALUE;
    if (!value && *t == '\0') {
        tui_message(app, TUI_MSG_INFO, "cancelled: no file name");
        return;
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
        tui_files_export_schedule(app, t);
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
        break;
    }
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    size_t len = strlen(app->prompt_buf);
    switch (cmd->action) {
    case TUI_A_ENTER:
        accept_prompt(app);
        return TUI_REDRAW;
    case TUI_A_ESC:
        app->mode = TUI_MODE_NORMAL;
        tui_message(app, TUI_MSG_INFO, "cancelled");
        return TUI_REDRAW;
    case TUI_A_BACKSPACE:
        /* Remove one UTF-8 character. */
        while (len > 0) {
            unsigned char c = (unsigned char)app->prompt_buf[--len];
            app->prompt_buf[len] = '\0';
            if ((c & 0xc0) != 0x80)
                break;
        }
        return TUI_REDRAW;
    case TUI_A_TEXT: {
        char enc[5] = {0};
        unsigned cp = (unsigned)cmd->arg;
        if (cp < 0x80)
            enc[0] = (char)cp;
        else if (cp < 0x800) {
            enc[0] = (char)(0xc0 | (cp >> 6));
            enc[1] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            enc[0] = (char)(0xe0 | (cp >> 12));
            enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
            enc[2] = (char)(0x80 | (cp & 0x3f));
        } else
            return 0;
        if (len + strlen(enc) < sizeof(app->prompt_buf))
            memcpy(app->prompt_buf + len, enc, strlen(enc) + 1);
        return TUI_REDRAW;
    }
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
    /* Show the end of a long input. */
    const char *text = app->prompt_buf;
    int len = (int)strlen(text);
    int room = w - x - 2;
    if (room < 1)
        room = 1;
    if (len > room)
        text += len - room;
    x += tui_canvas_text(c, x, y, room, TUI_S_STATUS, text);
    tui_canvas_put(c, x, y, ' ', TUI_S_CURSOR);
    const char *hint = "Enter ok  Esc cancel";
    int hl = (int)strlen(hint);
    if (x + 2 + hl < w)
        tui_canvas_text(c, w - hl - 1, y, hl, TUI_S_DIM, hint);
}

const struct tui_pane tui_pane_prompt = {.name = "prompt", .draw = draw, .key = key};
