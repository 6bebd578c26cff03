/* The scenario pane: the panel of scenario fields and the shown schedule's parameters
 * (fields.c lists them, edit.c and params.c change them), its selection and scrolling,
 * and the scenario's description in the spare rows below. */
#include "tui/explorer/pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/explorer/edit.h"

/* Moves the selection count fields up (dir < 0) or down, over the section titles. */
static void move_field(struct tui_app *app, int dir, int count)
{
    int n;
    struct tui_field *fields = tui_fields_new(app, &n);
    if (fields == NULL)
        return;
    int i = app->field_sel;
    for (int k = 0; k < count; k++) {
        int j = i + dir;
        while (j >= 0 && j < n && fields[j].kind == TUI_FK_SECTION)
            j += dir;
        if (j < 0 || j >= n)
            break;
        i = j;
    }
    app->field_sel = i;
    free(fields);
}

void tui_scenario_fix_scroll(struct tui_app *app)
{
    int n;
    struct tui_field *fields = tui_fields_new(app, &n);
    if (fields == NULL)
        return;
    if (app->field_sel >= n)
        app->field_sel = n - 1;
    if (app->field_sel < 0)
        app->field_sel = 0;
    while (app->field_sel > 0 && fields[app->field_sel].kind == TUI_FK_SECTION)
        app->field_sel--;
    while (app->field_sel < n - 1 && fields[app->field_sel].kind == TUI_FK_SECTION)
        app->field_sel++;
    bool after_section = app->field_sel > 0 && fields[app->field_sel - 1].kind == TUI_FK_SECTION;
    free(fields);
    /* Keep the selection inside the panel's visible rows. */
    struct tui_layout lo;
    tui_layout(app, &lo);
    int vis = lo.panel.h - 2;
    if (vis < 1)
        vis = 1;
    if (app->field_sel < app->field_scroll)
        app->field_scroll = after_section ? app->field_sel - 1 : app->field_sel;
    if (app->field_sel >= app->field_scroll + vis)
        app->field_scroll = app->field_sel - vis + 1;
    if (app->field_scroll > n - vis)
        app->field_scroll = n - vis > 0 ? n - vis : 0;
    if (app->field_scroll < 0)
        app->field_scroll = 0;
}

static void init(struct tui_app *app)
{
    app->focus = TUI_FOCUS_PANEL;
    app->field_sel = 1;
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_rect *p = &fr->lo.panel;
    bool focus = app->focus == TUI_FOCUS_PANEL;
    char title[300];
    snprintf(title, sizeof(title), "Scenario: %s", app->source[0] ? app->source : "edited");
    if ((int)strlen(title) > p->w - 4) /* a narrow panel: the name matters more */
        snprintf(title, sizeof(title), "%s", app->source[0] ? app->source : "edited");
    tui_canvas_box(c, p->x, p->y, p->w, p->h, focus ? TUI_S_BORDER_FOCUS : TUI_S_BORDER, title,
                   focus ? TUI_S_TITLE_FOCUS : TUI_S_TITLE);
    const struct tui_field *fields = fr->fields;
    int n = fields ? fr->n_fields : 0;
    int inner_w = p->w - 2, vis = p->h - 2;
    for (int row = 0; row < vis; row++) {
        int i = app->field_scroll + row;
        if (i >= n)
            break;
        const struct tui_field *f = &fields[i];
        int y = p->y + 1 + row, x = p->x + 1;
        char label[128], value[64];
        tui_field_label(app, f, label, sizeof(label));
        if (f->kind == TUI_FK_SECTION) {
            if (f->index == TUI_SECTION_NOTE) {
                tui_canvas_text(c, x + 1, y, inner_w - 1, TUI_S_DIM, label);
                continue;
            }
            int len = tui_canvas_text(c, x, y, inner_w, TUI_S_BOLD, label);
            tui_canvas_hline(c, x + len + 1, y, inner_w - len - 1, TUI_G_HLINE, TUI_S_DIM);
            continue;
        }
        tui_field_value(app, f, value, sizeof(value));
        bool sel = i == app->field_sel;
        enum tui_style st = sel ? (focus ? TUI_S_SEL : TUI_S_SEL_DIM) : TUI_S_NORMAL;
        if (sel)
            tui_canvas_fill(c, x, y, inner_w, 1, st);
        int vlen = (int)strlen(value);
        if (vlen > inner_w - 6)
            vlen = inner_w - 6;
        tui_canvas_text(c, x + 1, y, inner_w - vlen - 3, st, label);
        if (f->kind == TUI_FK_GROUP) /* open or closed */
            tui_canvas_glyph(c, x + 1, y,
                             tui_field_expanded(app, f->ref.def) ? TUI_G_TRIANGLE_DOWN
                                                                 : TUI_G_TRIANGLE,
                             sel ? st : TUI_S_TITLE);
        tui_canvas_text(c, x + inner_w - vlen - 1, y, vlen, sel ? st : TUI_S_BOLD, value);
    }
    /* Spare rows under the fields: what the scenario is (its description), wrapped. */
    int used = n - app->field_scroll;
    const char *desc = app->sc.description;
    if (desc && *desc && vis - used >= 4) {
        int y = p->y + 1 + used + 1;
        int len = tui_canvas_text(c, p->x + 1, y, inner_w, TUI_S_BOLD, "About");
        tui_canvas_hline(c, p->x + 2 + len, y, inner_w - len - 1, TUI_G_HLINE, TUI_S_DIM);
        y++;
        int w = inner_w - 2;
        const char *q = desc;
        while (*q && y < p->y + p->h - 1 && w > 8) {
            int take = (int)strlen(q);
            if (take > w) {
                take = w;
                while (take > w / 2 && q[take] != ' ')
                    take--;
            }
            char line[160];
            snprintf(line, sizeof(line), "%.*s", take, q);
            tui_canvas_text(c, p->x + 2, y++, w, TUI_S_DIM, line);
            q += take;
            while (*q == ' ')
                q++;
        }
    }
    /* Scroll marks on the right border. */
    if (app->field_scroll > 0)
        tui_canvas_glyph(c, p->x + p->w - 1, p->y + 1, TUI_G_ARROW_UP, TUI_S_TITLE);
    if (app->field_scroll + vis < n)
        tui_canvas_glyph(c, p->x + p->w - 1, p->y + p->h - 2, TUI_G_ARROW_DOWN, TUI_S_TITLE);
}

/* + and - (and the arrows) step the selected value; the message says what changed. */
static void step(struct tui_app *app, int dir)
{
    int64_t before = tui_shown_makespan(app);
    app->msg[0] = '\0';
    tui_edit_step(app, dir);
    if (app->msg[0] == '\0')
        tui_edit_message(app, before);
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    switch (cmd->action) {
    case TUI_A_UP:
    case TUI_A_DOWN:
        move_field(app, cmd->action == TUI_A_UP ? -1 : 1, 1);
        return TUI_REDRAW;
    case TUI_A_PGUP:
    case TUI_A_PGDN:
        move_field(app, cmd->action == TUI_A_PGUP ? -1 : 1, 8);
        return TUI_REDRAW;
    case TUI_A_HOME:
    case TUI_A_END:
        move_field(app, cmd->action == TUI_A_HOME ? -1 : 1, tui_fields(app, NULL, 0));
        return TUI_REDRAW;
    case TUI_A_LEFT:
    case TUI_A_DEC:
        step(app, -1);
        return TUI_REDRAW;
    case TUI_A_RIGHT:
    case TUI_A_INC:
        step(app, 1);
        return TUI_REDRAW;
    case TUI_A_ENTER:
        tui_edit_start(app);
        return TUI_REDRAW;
    default:
        return 0;
    }
}

/* A click selects a field; the wheel moves the selection. */
static unsigned mouse(struct tui_app *app, const struct tui_layout *lo, const struct tui_event *ev)
{
    if (!tui_rect_has(&lo->panel, ev->x, ev->y))
        return 0;
    int wheel = ev->button == TUI_BTN_WHEEL_UP ? -1 : ev->button == TUI_BTN_WHEEL_DOWN ? 1 : 0;
    app->focus = TUI_FOCUS_PANEL;
    if (wheel) {
        move_field(app, wheel, 3);
        return TUI_REDRAW;
    }
    int n;
    struct tui_field *fields = tui_fields_new(app, &n);
    int i = app->field_scroll + (ev->y - lo->panel.y - 1);
    if (fields && i >= 0 && i < n && fields[i].kind != TUI_FK_SECTION)
        app->field_sel = i;
    free(fields);
    return TUI_REDRAW;
}

const struct tui_pane tui_pane_scenario = {
    .name = "scenario", .init = init, .draw = draw, .key = key, .mouse = mouse};
