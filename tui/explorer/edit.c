/* The scenario edit path of the explorer: + and -, and typed values, on the selected row
 * of the scenario panel. Every scenario field is edited through core's field table
 * (ps_field_step, ps_field_set_text): one range, one set of units and one resize rule, the
 * same as --set and sweep; core validates the whole scenario before it replaces it, and
 * says when an edit did more than its field (per-stage times scaled with a global time,
 * pairs keeping their own value), which the message then says too. Groups open and close;
 * schedule parameters go to params.c. */
#include "tui/explorer/edit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/field.h"
#include "core/units.h"
#include "tui/explorer/fields.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/params.h"
#include "tui/explorer/results.h"
#include "tui/explorer/undo.h"
#include "tui/explorer/workload.h"

/* A workload scenario's planned fields (microbatches, compute, ...) are not edited here:
 * true when f is one (refused, the status line says why). */
static bool derived(struct tui_app *app, const struct tui_field *f, const char *typed)
{
    if (app->sc.workload == NULL)
        return false;
    char path[160];
    tui_field_path(app, f, path, sizeof(path));
    return tui_workload_refuse_derived(app, path, typed);
}

/* An edit of app->sc was made (st == PS_OK: recompute every schedule; a workload plans
 * again) or refused (say why, quoting typed when it was typed). */
static void finish(struct tui_app *app, const struct tui_field *f, enum ps_status st,
                   const struct ps_diag *d, const char *typed, const char *note, int old_stages)
{
    if (st != PS_OK) {
        tui_undo_cancel(app); /* nothing changed */
        char path[160];
        tui_field_path(app, f, path, sizeof(path));
        tui_refuse_diag(app, d, path, st, typed);
        return;
    }
    snprintf(app->edit_note, sizeof(app->edit_note), "%s", note);
    /* The schedules point at app->sc, which core edited in place: they are all recomputed
     * before anything draws. */
    tui_results_recompute(app);
    tui_workload_edited(app, old_stages);
}

/* + opens a group (its per-item rows show), - closes it. */
static void toggle_group(struct tui_app *app, const struct tui_field *f, int dir)
{
    const struct ps_field_def *part = f->ref.def;
    size_t bit = (size_t)(part - ps_field_at(0));
    const struct ps_field_def *item = ps_field_at(bit + 1);
    if (bit >= 64 || item == NULL)
        return;
    if (dir > 0)
        app->expanded |= (uint64_t)1 << bit;
    else
        app->expanded &= ~((uint64_t)1 << bit);
    int items = ps_field_items(item, &app->sc);
    if (dir > 0)
        tui_message(app, TUI_MSG_INFO, "%s: the %d %s shown (- hides them)", part->label, items,
                    item->scope == PS_SCOPE_STAGE ? "stages' times" : "microbatches' scales");
    else
        tui_message(app, TUI_MSG_INFO, "%s: hidden (+ shows them)", part->label);
}

void tui_edit_step(struct tui_app *app, int dir)
{
    struct tui_field f;
    if (!tui_field_selected(app, &f) || f.kind == TUI_FK_SECTION)
        return;
    if (f.kind == TUI_FK_PARAM) {
        tui_param_step(app, f.index, dir);
        return;
    }
    if (f.kind == TUI_FK_GROUP) {
        toggle_group(app, &f, dir);
        return;
    }
    if (derived(app, &f, NULL))
        return;
    char note[256] = "";
    struct ps_diag d;
    ps_diag_clear(&d);
    app->edit_note[0] = '\0';
    tui_undo_push(app);
    int old_stages = app->sc.n_stages;
    enum ps_status st = ps_field_step(&app->sc, &f.ref, dir, note, sizeof(note), &d);
    finish(app, &f, st, &d, NULL, note, old_stages);
}

void tui_edit_enter(struct tui_app *app, const char *text)
{
    struct tui_field f;
    if (!tui_field_selected(app, &f) || f.kind == TUI_FK_SECTION)
        return;
    while (isspace((unsigned char)*text))
        text++;
    if (f.kind == TUI_FK_PARAM) {
        struct tui_result *r = &app->res[app->shown];
        tui_param_set(app, r, r->sv->params[f.index].key, text);
        return;
    }
    snprintf(app->typed, sizeof(app->typed), "%.*s", (int)sizeof(app->typed) - 1, text);
    size_t tl = strlen(app->typed);
    while (tl > 0 && isspace((unsigned char)app->typed[tl - 1]))
        app->typed[--tl] = '\0';
    if (derived(app, &f, tl > 0 ? app->typed : NULL)) {
        app->typed[0] = '\0';
        return;
    }
    char note[256] = "";
    struct ps_diag d;
    ps_diag_clear(&d);
    app->edit_note[0] = '\0';
    tui_undo_push(app);
    int old_stages = app->sc.n_stages;
    enum ps_status st = ps_field_set_text(&app->sc, &f.ref, app->typed, note, sizeof(note), &d);
    finish(app, &f, st, &d, tl > 0 ? app->typed : NULL, note, old_stages);
    app->typed[0] = '\0';
}

/* The row's label without its indent. */
static void bare_label(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    char l[128];
    tui_field_label(app, f, l, sizeof(l));
    const char *p = l;
    while (*p == ' ')
        p++;
    snprintf(buf, size, "%s", p);
}

void tui_edit_start(struct tui_app *app)
{
    struct tui_field f;
    if (!tui_field_selected(app, &f) || f.kind == TUI_FK_SECTION)
        return;
    char label[128], prompt[140], initial[64];
    bare_label(app, &f, label, sizeof(label));
    snprintf(prompt, sizeof(prompt), "%s:", label);
    /* The exact value, not the rounded one on screen, so Enter alone changes nothing. */
    tui_field_exact(app, &f, initial, sizeof(initial));
    tui_prompt_open(app, TUI_PROMPT_VALUE, prompt, initial);
}

void tui_edit_message(struct tui_app *app, int64_t before)
{
    struct tui_field f;
    char label[128] = "value", value[64] = "";
    if (tui_field_selected(app, &f)) {
        bare_label(app, &f, label, sizeof(label));
        tui_field_value(app, &f, value, sizeof(value));
    }
    const char *sep = app->edit_note[0] ? "; " : "";
    int64_t after = tui_shown_makespan(app);
    const struct ps_schedule *sh = tui_shown(app);
    const char *name = sh ? sh->name : "";
    if (before >= 0 && after >= 0) {
        char a[32], b[32];
        tui_fmt_ms(a, sizeof(a), ps_ns_to_ms(before));
        tui_fmt_ms(b, sizeof(b), ps_ns_to_ms(after));
        tui_message(app, TUI_MSG_OK, "%s = %s: %s makespan %s -> %s ms%s%s", label, value, name, a,
                    b, sep, app->edit_note);
    } else if (before >= 0 && app->res[app->shown].pending) {
        /* The shown schedule lands later (tui_results_poll finishes the message). */
        snprintf(app->await_prefix, sizeof(app->await_prefix), "%s = %s", label, value);
        app->await_before = before;
        app->await_gen = app->gen;
        tui_message(app, TUI_MSG_OK, "%s: %s updating...%s%s", app->await_prefix,
                    app->res[app->shown].sv->name, sep, app->edit_note);
    } else
        tui_message(app, TUI_MSG_OK, "%s = %s%s%s", label, value, sep, app->edit_note);
}
