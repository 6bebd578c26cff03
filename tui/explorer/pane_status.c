/* The status pane: the detail line (what the selected row edits and how it steps, the op
 * under the cursor and why it starts when it does, or the shown schedule's shape and
 * parameters) and the status line (the latest message with the focused pane's key
 * hints). */
#include "tui/explorer/pane.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "tui/explorer/numbers.h"

static void draw_detail(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_layout *lo = &fr->lo;
    int y = lo->detail.y;
    const struct tui_field *fields = fr->fields;
    int n = fr->n_fields;
    if (app->focus == TUI_FOCUS_PANEL && fields && app->field_sel >= 0 && app->field_sel < n &&
        fields[app->field_sel].kind != TUI_FK_SECTION) {
        char buf[512];
        tui_field_detail(app, &fields[app->field_sel], buf, sizeof(buf));
        int x = tui_canvas_text(c, 0, y, 2, TUI_S_KEY, " >");
        tui_canvas_text(c, x, y, lo->detail.w - x, TUI_S_NORMAL, buf);
        return;
    }
    const struct ps_schedule *s = tui_shown(app);
    const struct tui_result *r = &app->res[app->shown];
    char buf[640];
    if (s && s->timed && app->cursor_on && app->cur_stage < s->n_stages &&
        app->cur_index < s->dev_n[app->cur_stage]) {
        const struct ps_op *op = &s->dev_ops[app->cur_stage][app->cur_index];
        char a[32], b[32], d[32], why[400];
        tui_fmt_ms(a, sizeof(a), ps_ns_to_ms(op->start_ns));
        tui_fmt_ms(b, sizeof(b), ps_ns_to_ms(op->end_ns));
        tui_fmt_ms(d, sizeof(d), ps_ns_to_ms(op->end_ns - op->start_ns));
        ps_sim_explain(s, app->cur_stage, app->cur_index, why, sizeof(why));
        tui_round_numbers(why, sizeof(why));
        char part[32] = "";
        if (op->parts > 1)
            snprintf(part, sizeof(part), " part %d/%d", op->part + 1, op->parts);
        bool on_crit = app->show_crit && r->crit && r->crit[app->cur_stage][app->cur_index];
        snprintf(buf, sizeof(buf), "%s%d s%d/c%d%s %s-%s ms (%s ms)%s | %s",
                 ps_op_kind_str((enum ps_op_kind)op->kind), (int)op->microbatch, app->cur_stage,
                 op->chunk, part, a, b, d, on_crit ? " critical" : "", why);
        int x = tui_canvas_text(c, 0, y, 2, TUI_S_KEY, " >");
        tui_canvas_text(c, x, y, lo->detail.w - x, TUI_S_NORMAL, buf);
        return;
    }
    if (s && s->timed) {
        char params[400] = "";
        size_t used = 0;
        for (int i = 0; i < s->solver.n_params && used + 2 < sizeof(params); i++) {
            int k = snprintf(params + used, sizeof(params) - used, "%s%s=%s", i ? " " : "",
                             s->solver.params[i].key, s->solver.params[i].value);
            if (k < 0)
                break;
            used += (size_t)k;
        }
        snprintf(buf, sizeof(buf), " %s: %s  [V=%d %s, %s backward%s%s]", r->sv->name,
                 r->sv->summary, s->chunks, ps_traversal_str(s->traversal),
                 s->split_backward ? "split" : "combined", used ? "; " : "", params);
        tui_canvas_text(c, 0, y, lo->detail.w, TUI_S_DIM, buf);
        return;
    }
    snprintf(buf, sizeof(buf), " %s: %s", r->sv->name, r->sv->summary);
    tui_canvas_text(c, 0, y, lo->detail.w, TUI_S_DIM, buf);
}

/* "jk field  hl/+- step": each key in the key colour, its words dimmed. */
static void draw_hint(struct tui_canvas *c, int x, int y, int max_w, const char *hint)
{
    int end = x + max_w;
    bool key = true;
    for (const char *p = hint; *p && x < end; p++) {
        if (p[0] == ' ' && p[1] == ' ')
            key = true; /* the next pair starts */
        else if (*p == ' ')
            key = false;
        tui_canvas_put(c, x++, y, (unsigned char)*p, key && *p != ' ' ? TUI_S_KEY : TUI_S_STATUS);
    }
}

/* The status line: the message, and the focused pane's key hints when they fit. In the
 * prompt the prompt pane has the line. */
static void draw_status(const struct tui_app *app, const struct tui_layout *lo,
                        struct tui_canvas *c)
{
    if (app->mode == TUI_MODE_PROMPT)
        return;
    int y = lo->status.y, w = lo->status.w;
    tui_canvas_fill(c, 0, y, w, 1, TUI_S_STATUS);
    static const char *const hints[TUI_FOCUS_COUNT] = {
        "jk move  +- step  Enter type  Tab pane  1-9 show  v A/B  r optimal  e export  ? help",
        "hjkl op  zZ zoom  f fit  <> scroll  x critical  c links  Tab pane  e export  ? help",
        "jk move  Enter show  v A/B  r optimal  E export  Tab pane  ? help",
    };
    int ml = (int)strlen(app->msg);
    enum tui_style ms = app->msg_level == TUI_MSG_ERR  ? TUI_S_ERR
                        : app->msg_level == TUI_MSG_OK ? TUI_S_OK
                                                       : TUI_S_STATUS;
    /* The message wins the line: the pane's hints stand beside it when they fit, else the
     * essentials, else none. */
    const char *hint = hints[app->focus];
    int hl = (int)strlen(hint);
    if (ml > 0 && ml + hl + 4 > w) {
        hint = "Tab pane  ? help  q quit";
        hl = (int)strlen(hint);
        if (ml + hl + 4 > w)
            hint = NULL;
    } else if (ml == 0 && hl > w - 2) {
        hint = "Tab pane  ? help  q quit";
        hl = (int)strlen(hint);
    }
    if (ml > 0)
        tui_canvas_text(c, 1, y, w - 2, ms, app->msg);
    if (hint)
        draw_hint(c, ml == 0 ? 1 : w - hl - 1, y, ml == 0 ? w - 2 : hl, hint);
}

void tui_status_line(const struct tui_app *app, struct tui_canvas *c, int y, const char *hint)
{
    tui_canvas_fill(c, 0, y, app->cols, 1, TUI_S_STATUS);
    enum tui_style st = app->msg_level == TUI_MSG_ERR  ? TUI_S_ERR
                        : app->msg_level == TUI_MSG_OK ? TUI_S_OK
                                                       : TUI_S_STATUS;
    int hw = (int)strlen(hint);
    int mw = app->cols - hw > 20 ? app->cols - hw : app->cols;
    tui_canvas_text(c, 0, y, mw, st, app->msg);
    if (mw < app->cols)
        tui_canvas_text(c, mw, y, hw, TUI_S_KEY, hint);
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    draw_detail(app, fr, c);
    draw_status(app, &fr->lo, c);
}

const struct tui_pane tui_pane_status = {.name = "status", .draw = draw};
