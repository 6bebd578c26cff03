/* Undo and redo of the scenario's edits: two stacks of whole-scenario snapshots (past and
 * future). A snapshot is a deep copy (ps_scenario_copy), so it keeps the origin and the
 * edit list with it, and the name says "(edited)" exactly when the restored scenario was. */
#include "tui/explorer/undo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/explorer/results.h"

struct tui_history {
    struct ps_scenario past[TUI_UNDO_DEPTH];
    int n_past;
    struct ps_scenario future[TUI_UNDO_DEPTH];
    int n_future;
};

static struct tui_history *history(struct tui_app *app)
{
    if (app->history == NULL)
        app->history = calloc(1, sizeof(*app->history));
    return app->history;
}

static void clear(struct ps_scenario *s, int *n)
{
    for (int i = 0; i < *n; i++)
        ps_scenario_fini(&s[i]);
    *n = 0;
}

/* Pushes a copy of sc on a stack, dropping the oldest when full. */
static bool push(struct ps_scenario *stack, int *n, const struct ps_scenario *sc)
{
    struct ps_scenario copy;
    if (ps_scenario_copy(&copy, sc) != PS_OK) {
        ps_scenario_fini(&copy);
        return false;
    }
    if (*n == TUI_UNDO_DEPTH) {
        ps_scenario_fini(&stack[0]);
        memmove(stack, stack + 1, sizeof(stack[0]) * (TUI_UNDO_DEPTH - 1));
        (*n)--;
    }
    stack[(*n)++] = copy;
    return true;
}

void tui_undo_push(struct tui_app *app)
{
    struct tui_history *h = history(app);
    if (h == NULL)
        return;
    clear(h->future, &h->n_future);
    push(h->past, &h->n_past, &app->sc);
}

void tui_undo_cancel(struct tui_app *app)
{
    struct tui_history *h = app->history;
    if (h && h->n_past > 0)
        ps_scenario_fini(&h->past[--h->n_past]);
}

/* The last line of an edit list ("microbatches=17"), into buf ("" when none). */
static void last_edit(const char *edits, char *buf, size_t size)
{
    buf[0] = '\0';
    if (edits == NULL || *edits == '\0')
        return;
    size_t n = strlen(edits);
    while (n > 0 && edits[n - 1] == '\n')
        n--;
    size_t b = n;
    while (b > 0 && edits[b - 1] != '\n')
        b--;
    snprintf(buf, size, "%.*s", (int)(n - b), edits + b);
}

static bool same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Moves the top of from into app->sc, the scenario it replaces onto to. */
static bool step(struct tui_app *app, struct ps_scenario *from, int *n_from, struct ps_scenario *to,
                 int *n_to, bool undo)
{
    if (*n_from == 0) {
        tui_message(app, TUI_MSG_INFO, "nothing to %s", undo ? "undo" : "redo");
        return false;
    }
    if (!push(to, n_to, &app->sc)) {
        tui_message(app, TUI_MSG_ERR, "%s: out of memory", undo ? "undo" : "redo");
        return false;
    }
    struct ps_scenario next = from[--*n_from];
    /* What changed: the edit undone (the later scenario's last edit), or the scenario
     * that replaced another. */
    const struct ps_scenario *later = undo ? &app->sc : &next;
    const struct ps_scenario *earlier = undo ? &next : &app->sc;
    char what[300];
    if (!same(later->origin, earlier->origin) || (later->edits == NULL && earlier->edits))
        snprintf(what, sizeof what, "loading %s (%s %s)",
                 later->origin ? later->origin : later->name, undo ? "back to" : "over",
                 earlier->name);
    else {
        last_edit(later->edits, what, sizeof what);
        if (what[0] == '\0')
            snprintf(what, sizeof what, "an edit");
    }
    tui_results_drop_all(app);
    ps_scenario_fini(&app->sc);
    app->sc = next;
    tui_results_recompute(app);
    tui_message(app, TUI_MSG_OK, "%s: %s (%d more to undo, %d to redo; u undo, U redo)",
                undo ? "undone" : "redone", what, *(undo ? n_from : n_to), *(undo ? n_to : n_from));
    return true;
}

bool tui_undo(struct tui_app *app)
{
    struct tui_history *h = history(app);
    if (h == NULL)
        return false;
    return step(app, h->past, &h->n_past, h->future, &h->n_future, true);
}

bool tui_redo(struct tui_app *app)
{
    struct tui_history *h = history(app);
    if (h == NULL)
        return false;
    return step(app, h->future, &h->n_future, h->past, &h->n_past, false);
}

int tui_undo_depth(const struct tui_app *app)
{
    return app->history ? app->history->n_past : 0;
}

void tui_undo_fini(struct tui_app *app)
{
    struct tui_history *h = app->history;
    if (h == NULL)
        return;
    clear(h->past, &h->n_past);
    clear(h->future, &h->n_future);
    free(h);
    app->history = NULL;
}
