/* The help pane: the overlay of every key binding, generated from the key table (keys.c),
 * and its scrolling. */
#include "tui/explorer/pane.h"

#include <stdio.h>
#include <string.h>

#include "tui/explorer/keys.h"

static unsigned apply(struct tui_app *app, const struct tui_cmd *cmd)
{
    switch (cmd->action) {
    case TUI_A_UP:
        if (app->help_scroll > 0)
            app->help_scroll--;
        return TUI_REDRAW;
    case TUI_A_DOWN:
        app->help_scroll++;
        return TUI_REDRAW;
    case TUI_A_PGUP:
    case TUI_A_HOME:
        app->help_scroll = 0;
        return TUI_REDRAW;
    case TUI_A_PGDN:
    case TUI_A_END:
        app->help_scroll += 10;
        return TUI_REDRAW;
    case TUI_A_HELP:
    case TUI_A_ESC:
        app->mode = TUI_MODE_NORMAL;
        return TUI_REDRAW;
    default:
        return 0;
    }
}

/* Keeps the help's scroll within its lines (the overlay shows rows - 6 of them). */
static void clamp_help(struct tui_app *app)
{
    static char lines[TUI_HELP_LINES][96];
    int n = tui_help_lines(lines, TUI_HELP_LINES);
    int vis = app->rows - 6;
    int max = n - (vis > 1 ? vis : 1);
    if (app->help_scroll > max)
        app->help_scroll = max > 0 ? max : 0;
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    unsigned r = apply(app, cmd);
    clamp_help(app);
    return r;
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    (void)fr;
    static char lines[TUI_HELP_LINES][96];
    int n = tui_help_lines(lines, TUI_HELP_LINES);
    struct tui_rect r;
    int w = 78; /* as wide as the longest line, when the screen has room */
    for (int i = 0; i < n; i++)
        if ((int)strlen(lines[i]) + 4 > w)
            w = (int)strlen(lines[i]) + 4;
    tui_overlay_box(c, w, n + 4, "Keys (Esc or ? closes)", &r);
    int vis = r.h - 4; /* less a blank line and the footer */
    int scroll = app->help_scroll;
    if (scroll > n - vis)
        scroll = n - vis > 0 ? n - vis : 0;
    for (int i = 0; i < vis && scroll + i < n; i++) {
        const char *l = lines[scroll + i];
        int y = r.y + 1 + i;
        char keys[16];
        snprintf(keys, sizeof(keys), "%.10s", l); /* blank on a help's later lines */
        tui_canvas_text(c, r.x + 2, y, 10, TUI_S_KEY, keys);
        if (strlen(l) > 11)
            tui_canvas_text(c, r.x + 13, y, r.w - 15, TUI_S_NORMAL, l + 11);
    }
    tui_canvas_text(c, r.x + 2, r.y + r.h - 2, r.w - 4, TUI_S_DIM,
                    "Mouse: a click selects a field, an op or a schedule; the wheel scrolls.");
    if (scroll + vis < n)
        tui_canvas_glyph(c, r.x + r.w - 1, r.y + r.h - 2, TUI_G_ARROW_DOWN, TUI_S_TITLE);
}

const struct tui_pane tui_pane_help = {.name = "help", .draw = draw, .key = key};
