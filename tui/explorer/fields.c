/* The rows of the scenario panel, every one a row of core's field table (core/field.h)
 * for one item, laid out in the table's order and sections: items of a datacenter or a
 * pair follow each other (east stages, east compute x, west stages, ...), the per-stage
 * and per-microbatch values form groups the user opens, and the shown schedule's
 * parameters come last. Labels, values, paths and the detail line are formatted here from
 * the table, when drawn. */
#include "tui/explorer/fields.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where rows go: an array of max (NULL: only counted), and the section of the last row. */
struct sink {
    struct tui_field *out;
    int max, n;
    const char *section;
};

static void add(struct sink *k, struct tui_field f)
{
    if (k->out && k->n < k->max)
        k->out[k->n] = f;
    k->n++;
}

/* A row of the table for one item, after its section's title when that is new. */
static void add_field(struct sink *k, enum tui_field_kind kind, struct ps_field_ref r, int depth)
{
    if (depth < 2 && (k->section == NULL || strcmp(k->section, r.def->section) != 0)) {
        k->section = r.def->section;
        add(k, (struct tui_field){
                   .kind = TUI_FK_SECTION, .index = TUI_SECTION_TITLE, .text = r.def->section});
    }
    add(k, (struct tui_field){.kind = kind, .ref = r, .depth = depth});
}

static size_t def_index(const struct ps_field_def *def)
{
    return (size_t)(def - ps_field_at(0));
}

bool tui_field_expanded(const struct tui_app *app, const struct ps_field_def *part)
{
    size_t i = def_index(part);
    return i < 64 && ((app->expanded >> i) & 1u) != 0;
}

/* The end of the run of table rows from i that share row i's scope. */
static size_t run_end(size_t i)
{
    size_t j = i + 1;
    while (j < ps_field_count() && ps_field_at(j)->scope == ps_field_at(i)->scope)
        j++;
    return j;
}

/* An optional part whose items (stages, microbatches) the panel shows as a group. */
static bool is_group(size_t i)
{
    const struct ps_field_def *next = ps_field_at(i + 1);
    return ps_field_at(i)->type == PS_FIELD_PART && next != NULL &&
           (next->scope == PS_SCOPE_STAGE || next->scope == PS_SCOPE_MICROBATCH);
}

/* The rows the panel shows: numbers, counts, limits and the layout; not texts (the
 * description has its own place), pair ends, or parts (groups aside). Fields that only
 * matter with more datacenters wait for them. */
static bool shown(const struct tui_app *app, const struct ps_field_def *def)
{
    if (def->type == PS_FIELD_TEXT || def->type == PS_FIELD_DC_REF || def->type == PS_FIELD_PART)
        return false;
    return !((def->flags & PS_FIELD_MULTI_DC) && app->sc.n_dcs < 2);
}

/* A pair's rows: with more than two DCs (or pairs of their own), each neighbouring pair in
 * both directions (the pipeline crosses only those), and every pair with a value of its
 * own. */
static bool pair_shown(const struct ps_scenario *sc, const struct ps_field_ref *r)
{
    if (sc->n_dcs <= 2 && sc->n_pairs == 0)
        return false;
    return abs(r->index - r->index2) == 1 || ps_scenario_find_pair(sc, r->index, r->index2) >= 0;
}

/* The rows of the table rows [i, j) of one item scope: per item, each row's field. */
static void item_rows(const struct tui_app *app, size_t i, size_t j, int depth, struct sink *k)
{
    const struct ps_field_def *first = ps_field_at(i);
    int items = ps_field_items(first, &app->sc);
    for (int it = 0; it < items; it++) {
        struct ps_field_ref r = ps_field_item(first, &app->sc, it);
        if (first->scope == PS_SCOPE_PAIR && !pair_shown(&app->sc, &r))
            continue;
        for (size_t d = i; d < j; d++)
            if (shown(app, ps_field_at(d)))
                add_field(k, TUI_FK_FIELD, (struct ps_field_ref){ps_field_at(d), r.index, r.index2},
                          depth);
    }
}

/* The shown schedule's parameters under its own title. */
static void param_rows(const struct tui_app *app, struct sink *k)
{
    if (app->shown < 0 || (size_t)app->shown >= app->n_res)
        return;
    const struct ps_solver *sv = app->res[app->shown].sv;
    add(k, (struct tui_field){.kind = TUI_FK_SECTION, .index = TUI_SECTION_SCHEDULE});
    for (size_t i = 0; i < sv->n_params; i++)
        add(k, (struct tui_field){.kind = TUI_FK_PARAM, .index = (int)i});
    if (sv->n_params == 0)
        add(k, (struct tui_field){
                   .kind = TUI_FK_SECTION, .index = TUI_SECTION_NOTE, .text = " (no parameters)"});
}

int tui_fields(const struct tui_app *app, struct tui_field *out, int max)
{
    struct sink k = {.out = out, .max = max, .n = 0, .section = NULL};
    for (size_t i = 0; i < ps_field_count();) {
        const struct ps_field_def *def = ps_field_at(i);
        if (is_group(i)) {
            size_t j = run_end(i + 1);
            add_field(&k, TUI_FK_GROUP, (struct ps_field_ref){def, -1, -1}, 0);
            if (tui_field_expanded(app, def))
                item_rows(app, i + 1, j, 2, &k);
            i = j;
        } else if (def->scope != PS_SCOPE_SCENARIO) {
            size_t j = run_end(i);
            item_rows(app, i, j, 1, &k);
            i = j;
        } else {
            if (shown(app, def))
                add_field(&k, TUI_FK_FIELD, (struct ps_field_ref){def, -1, -1}, 0);
            i++;
        }
    }
    param_rows(app, &k);
    return k.n;
}

struct tui_field *tui_fields_new(const struct tui_app *app, int *n)
{
    int count = tui_fields(app, NULL, 0);
    struct tui_field *f = malloc((size_t)(count > 0 ? count : 1) * sizeof(*f));
    *n = f ? tui_fields(app, f, count) : 0;
    return f;
}

bool tui_field_selected(const struct tui_app *app, struct tui_field *out)
{
    int n;
    struct tui_field *fields = tui_fields_new(app, &n);
    bool ok = fields && app->field_sel >= 0 && app->field_sel < n;
    if (ok)
        *out = fields[app->field_sel];
    free(fields);
    return ok;
}

/* ---- the rows' text ------------------------------------------------------------------ */

static const struct ps_param_def *param_def(const struct tui_app *app, const struct tui_field *f)
{
    return &app->res[app->shown].sv->params[f->index];
}

void tui_field_label(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    char l[96];
    switch (f->kind) {
    case TUI_FK_SECTION:
        if (f->index == TUI_SECTION_SCHEDULE)
            snprintf(buf, size, "Schedule %s", app->res[app->shown].sv->name);
        else
            snprintf(buf, size, "%s", f->text ? f->text : "");
        return;
    case TUI_FK_PARAM:
        snprintf(buf, size, "%s", param_def(app, f)->key);
        return;
    case TUI_FK_GROUP: /* the pane draws the group's mark in the first column */
        snprintf(buf, size, "  %s", f->ref.def->label);
        return;
    case TUI_FK_FIELD:
        ps_field_label(&app->sc, &f->ref, l, sizeof(l));
        snprintf(buf, size, "%s%s", f->depth == 0 ? "" : f->depth == 1 ? " " : "  ", l);
        return;
    }
}

/* An item that follows a value from elsewhere: a pair following inter_dc, a stage the
 * global times, a microbatch the default scales. */
static bool follows(const struct tui_app *app, const struct tui_field *f)
{
    return f->kind == TUI_FK_FIELD && f->ref.def->scope != PS_SCOPE_SCENARIO &&
           f->ref.def->scope != PS_SCOPE_DC && ps_field_inherited(&app->sc, &f->ref);
}

void tui_field_value(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    const char *v;
    switch (f->kind) {
    case TUI_FK_SECTION:
        snprintf(buf, size, "%s", "");
        return;
    case TUI_FK_PARAM:
        v = ps_params_get(app->res[app->shown].sv, &app->res[app->shown].params,
                          param_def(app, f)->key);
        snprintf(buf, size, "%s", v ? v : "");
        return;
    case TUI_FK_GROUP:
    case TUI_FK_FIELD:
        ps_field_format(&app->sc, &f->ref, buf, size);
        if (follows(app, f) && strlen(buf) + 1 < size)
            strcat(buf, "*");
        return;
    }
}

void tui_field_exact(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    snprintf(buf, size, "%s", "");
    if (f->kind == TUI_FK_PARAM) {
        tui_field_value(app, f, buf, size);
        return;
    }
    if (f->kind != TUI_FK_FIELD)
        return; /* a group takes none (removes it), nothing else */
    const struct ps_field_def *def = f->ref.def;
    if (def->type == PS_FIELD_LAYOUT) {
        snprintf(buf, size, "%d", app->sc.n_dcs);
        return;
    }
    if (def->type == PS_FIELD_CHOICE) {
        ps_field_format(&app->sc, &f->ref, buf, size); /* its word */
        return;
    }
    bool none = false;
    double v = ps_field_get(&app->sc, &f->ref, &none);
    if (def->type == PS_FIELD_LIMIT && none && def->unit == PS_UNIT_MEMORY)
        snprintf(buf, size, "none");
    else if (!none && !isnan(v) &&
             !(def->scope == PS_SCOPE_SCENARIO && ps_field_inherited(&app->sc, &f->ref)))
        snprintf(buf, size, "%.10g", v); /* not data parallel off: that has no value */
}

void tui_field_path(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    if (f->kind == TUI_FK_PARAM)
        snprintf(buf, size, "param.%s", param_def(app, f)->key);
    else if (f->kind == TUI_FK_SECTION)
        snprintf(buf, size, "%s", "");
    else
        ps_field_path(&app->sc, &f->ref, buf, size);
}

/* How + and - step a field, and what Enter takes. */
static void step_text(const struct ps_field_def *def, char *buf, size_t size)
{
    const struct ps_ladder *l = def->ladder;
    if (def->type == PS_FIELD_PART)
        snprintf(buf, size, "+/- shows or hides its rows, Enter types none to remove it");
    else if (def->type == PS_FIELD_LAYOUT)
        snprintf(buf, size, "+/- adds or removes a DC (S stays), Enter types a count or 4+4");
    else if (def->type == PS_FIELD_CHOICE && l && l->words)
        snprintf(buf, size, "+/- goes round %s, %s, ...; Enter types one", l->words[0],
                 l->words[1] ? l->words[1] : "");
    else if (def->type == PS_FIELD_COUNT)
        snprintf(buf, size, "+/- by 1%s, Enter types a value",
                 def->scope == PS_SCOPE_DC ? " (S follows)" : "");
    else if (def->type == PS_FIELD_LIMIT && def->unit == PS_UNIT_MEMORY)
        snprintf(buf, size, "+/- by 1 unit; type none for no limit, Enter types a value");
    else if (l && l->linear > 0)
        snprintf(buf, size, "+/- by %g%s, Enter types a value", l->linear,
                 def->unit == PS_UNIT_BUDGET ? "x" : "");
    else if (l && l->top > 0)
        snprintf(buf, size, "+/- steps 1-2-5, above %g is unlimited (0), Enter types a value",
                 l->top);
    else if (l)
        snprintf(buf, size, "+/- steps %s, Enter types a value",
                 l->n_mantissas == 3 ? "1-2-5" : "by x1.2-x2");
    else
        snprintf(buf, size, "Enter types a value");
}

/* What makes the value not the whole story: the item follows another value, or items
 * override this one. */
static void override_note(const struct tui_app *app, const struct tui_field *f, char *buf,
                          size_t size)
{
    const struct ps_scenario *sc = &app->sc;
    const struct ps_field_def *def = f->ref.def;
    snprintf(buf, size, "%s", "");
    if (follows(app, f)) {
        snprintf(buf, size, " (* = %s)",
                 def->scope == PS_SCOPE_PAIR    ? "inherited from inter_dc"
                 : def->scope == PS_SCOPE_STAGE ? "the global time: no per-stage times yet"
                 : sc->per_microbatch != NULL   ? "follows compute x"
                                                : "1: no per-microbatch scales yet");
        return;
    }
    if (!(def->flags & PS_FIELD_OVERRIDEN) || f->kind != TUI_FK_FIELD)
        return;
    if (strncmp(def->path, "compute.", 8) == 0 && sc->per_stage != NULL) {
        snprintf(buf, size, " (per-stage times override it: a change scales all %d)", sc->n_stages);
        return;
    }
    bool latency = strstr(def->path, "latency") != NULL;
    int own = 0;
    for (int i = 0; i < sc->n_pairs; i++)
        own += latency ? sc->pairs[i].has_latency : sc->pairs[i].has_bandwidth;
    if (strncmp(def->path, "network.inter_dc.", 17) == 0 && own > 0)
        snprintf(buf, size, " (%d DC pair%s keep%s %s own)", own, own == 1 ? "" : "s",
                 own == 1 ? "s" : "", own == 1 ? "its" : "their");
}

/* The detail of a schedule's parameter: its help and how it steps. */
static void param_detail(const struct tui_app *app, const struct tui_field *f, char *buf,
                         size_t size)
{
    const struct ps_param_def *pd = param_def(app, f);
    char value[128];
    tui_field_value(app, f, value, sizeof(value));
    const char *step = pd->type == PS_PARAM_INT || pd->type == PS_PARAM_FLOAT     ? "+/- steps"
                       : pd->type == PS_PARAM_LIST || pd->type == PS_PARAM_STRING ? "Enter types it"
                                                                                  : "+/- cycles";
    snprintf(buf, size, "param.%s: %s = %s  |  %s, Enter types a value", pd->key,
             pd->help ? pd->help : "", value, step);
}

void tui_field_detail(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    if (f->kind == TUI_FK_PARAM) {
        param_detail(app, f, buf, size);
        return;
    }
    if (f->kind == TUI_FK_SECTION) {
        snprintf(buf, size, "%s", "");
        return;
    }
    const struct ps_field_def *def = f->ref.def;
    char path[160], note[96], value[64], step[128];
    tui_field_path(app, f, path, sizeof(path));
    if (def->unit == PS_UNIT_BUDGET)
        snprintf(path, sizeof(path), "memory.limit as a multiple of the 1F1B budget (%g units)",
                 ps_scenario_1f1b_budget(&app->sc));
    override_note(app, f, note, sizeof(note));
    tui_field_value(app, f, value, sizeof(value));
    step_text(def, step, sizeof(step));
    snprintf(buf, size, "%s%s = %s  |  %s", path, note, value, step);
}
