/* The picker pane: an overlay list to choose the shown schedule or a preset to load, its
 * keys (move, Enter takes, Esc closes) and its drawing. */
#include "tui/explorer/pane.h"

#include <stdio.h>
#include <string.h>

#include "presets/presets.h"
#include "tui/explorer/files.h"
#include "tui/explorer/results.h"

static int picker_count(const struct tui_app *app)
{
    return app->picker_kind == TUI_PICK_SCHEDULE ? (int)app->n_res : (int)ps_preset_count();
}

void tui_picker_open(struct tui_app *app, enum tui_picker_kind k)
{
    app->mode = TUI_MODE_PICKER;
    app->picker_kind = k;
    app->picker_sel = k == TUI_PICK_SCHEDULE ? app->shown : 0;
}

static void accept_picker(struct tui_app *app)
{
    app->mode = TUI_MODE_NORMAL;
    if (app->picker_kind == TUI_PICK_SCHEDULE)
        tui_show_schedule(app, app->picker_sel);
    else {
        const struct ps_preset *p = ps_preset_at((size_t)app->picker_sel);
        if (p)
            tui_files_load_preset(app, p->name);
    }
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    int n = picker_count(app);
    switch (cmd->action) {
    case TUI_A_UP:
        if (app->picker_sel > 0)
            app->picker_sel--;
        return TUI_REDRAW;
    case TUI_A_DOWN:
        if (app->picker_sel < n - 1)
            app->picker_sel++;
        return TUI_REDRAW;
    case TUI_A_HOME:
    case TUI_A_PGUP:
        app->picker_sel = 0;
        return TUI_REDRAW;
    case TUI_A_END:
    case TUI_A_PGDN:
        app->picker_sel = n - 1;
        return TUI_REDRAW;
    case TUI_A_ENTER:
        accept_picker(app);
        return TUI_REDRAW;
    case TUI_A_ESC:
        app->mode = TUI_MODE_NORMAL;
        return TUI_REDRAW;
    default:
        return 0;
    }
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    (void)fr;
    bool sched = app->picker_kind == TUI_PICK_SCHEDULE;
    int n = sched ? (int)app->n_res : (int)ps_preset_count();
    /* The name column fits the longest name (up to 28). */
    int name_w = 8;
    for (int k = 0; k < n; k++) {
        const char *nm = sched ? app->res[k].sv->name : ps_preset_at((size_t)k)->name;
        int len = (int)strlen(nm) + 4;
        if (len > name_w)
            name_w = len;
    }
    if (name_w > 28)
        name_w = 28;
    struct tui_rect r;
    tui_overlay_box(c, 100, n + 2, sched ? "Show schedule (Enter)" : "Load preset (Enter)", &r);
    int vis = r.h - 2;
    int first = app->picker_sel >= vis ? app->picker_sel - vis + 1 : 0;
    for (int i = 0; i < vis && first + i < n; i++) {
        int k = first + i;
        int y = r.y + 1 + i;
        bool sel = k == app->picker_sel;
        enum tui_style st = sel ? TUI_S_SEL : TUI_S_NORMAL;
        if (sel)
            tui_canvas_fill(c, r.x + 1, y, r.w - 2, 1, st);
        const char *name, *summary;
        if (sched) {
            name = app->res[k].sv->name;
            summary = app->res[k].sv->summary;
        } else {
            const struct ps_preset *p = ps_preset_at((size_t)k);
            name = p->name;
            summary = p->summary;
        }
        tui_canvas_printf(c, r.x + 2, y, name_w, sel ? st : TUI_S_BOLD, "%2d %s", k + 1, name);
        tui_canvas_text(c, r.x + 3 + name_w, y, r.w - 5 - name_w, sel ? st : TUI_S_DIM, summary);
    }
}

const struct tui_pane tui_pane_picker = {.name = "picker", .draw = draw, .key = key};
