/* The scenario edit path of the explorer: + and - and typed values on the rows of the
 * scenario panel (fields.c says what each row is). Counts reshape the per-stage and
 * per-microbatch arrays; plain numbers go through the scenario's --set paths; pair links
 * through core's pair setter. Every change is validated before it replaces the scenario,
 * and every fast schedule is recomputed after it. */
#include "tui/explorer/edit.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "core/io/io.h"
#include "tui/explorer/fields.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/params.h"
#include "tui/explorer/results.h"

#define BW_TOP 1000.0 /* Gb/s: one step above is unlimited */

/* ---- changing the scenario ------------------------------------------------------------- */

/* Replaces the scenario with tmp (validated first) and recomputes. Takes tmp's contents
 * on success; on failure tmp is freed and the old scenario stays. */
static bool commit_scenario(struct tui_app *app, struct ps_scenario *tmp, const char *what)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status vst = ps_scenario_validate(tmp, &d);
    if (vst != PS_OK) {
        tui_refuse_diag(app, &d, what, vst, app->typed[0] ? app->typed : NULL);
        ps_scenario_fini(tmp);
        return false;
    }
    tui_results_drop_all(app); /* the schedules point at the old scenario */
    ps_scenario_fini(&app->sc);
    app->sc = *tmp;
    ps_scenario_init(tmp);
    tui_results_recompute(app);
    return true;
}

/* A copy of the scenario with new DC stage counts and microbatch count: per-stage and
 * per-microbatch arrays are resized (new entries copy the last one / default to 1) and
 * pair overrides of removed DCs are dropped. */
static bool reshape(struct tui_app *app, int n_dcs, const int *dc_stages, int m, const char *what)
{
    const struct ps_scenario *old = &app->sc;
    /* set_count checks what the user typed; these only guard the arrays. */
    int s_total = 0;
    for (int i = 0; i < n_dcs && n_dcs <= PS_MAX_DCS; i++)
        s_total += dc_stages[i] < 1 ? PS_MAX_STAGES + 1 : dc_stages[i];
    if (n_dcs < 1 || n_dcs > PS_MAX_DCS || s_total > PS_MAX_STAGES || m < 1 ||
        m > PS_MAX_MICROBATCHES) {
        tui_refuse(app, what, "out of range", NULL);
        return false;
    }
    struct ps_scenario tmp;
    if (ps_scenario_copy(&tmp, old) != PS_OK) {
        tui_message(app, TUI_MSG_ERR, "out of memory");
        return false;
    }
    bool ok = true;
    struct ps_dc *dcs = realloc(tmp.dcs, (size_t)n_dcs * sizeof(*dcs));
    if (dcs == NULL)
        ok = false;
    else {
        tmp.dcs = dcs;
        for (int i = tmp.n_dcs; i < n_dcs; i++) {
            memset(&dcs[i], 0, sizeof(dcs[i]));
            dcs[i].compute_scale = 1.0;
            /* A name no other DC has. */
            for (int k = i;; k++) {
                snprintf(dcs[i].name, sizeof(dcs[i].name), "dc%d", k);
                bool clash = false;
                for (int j = 0; j < i; j++)
                    clash |= strcmp(dcs[j].name, dcs[i].name) == 0;
                if (!clash)
                    break;
            }
        }
        for (int i = 0; i < n_dcs; i++)
            dcs[i].stages = dc_stages[i];
        tmp.n_dcs = n_dcs;
    }
    if (ok && tmp.per_stage && s_total != tmp.n_stages) {
        struct ps_compute *ps = realloc(tmp.per_stage, (size_t)s_total * sizeof(*ps));
        if (ps == NULL)
            ok = false;
        else {
            for (int s = tmp.n_stages; s < s_total; s++)
                ps[s] = ps[tmp.n_stages - 1];
            tmp.per_stage = ps;
        }
    }
    if (ok && tmp.per_microbatch && m != tmp.n_microbatches) {
        struct ps_mb_scale *pm = realloc(tmp.per_microbatch, (size_t)m * sizeof(*pm));
        if (pm == NULL)
            ok = false;
        else {
            for (int i = tmp.n_microbatches; i < m; i++)
                pm[i] = (struct ps_mb_scale){.compute_scale = 1,
                                             .activation_scale = 1,
                                             .memory_scale = 1,
                                             .has_memory_scale = false};
            tmp.per_microbatch = pm;
        }
    }
    if (!ok) {
        ps_scenario_fini(&tmp);
        tui_message(app, TUI_MSG_ERR, "out of memory");
        return false;
    }
    tmp.n_stages = s_total;
    tmp.n_microbatches = m;
    int kept = 0;
    for (int i = 0; i < tmp.n_pairs; i++)
        if (tmp.pairs[i].from < n_dcs && tmp.pairs[i].to < n_dcs)
            tmp.pairs[kept++] = tmp.pairs[i];
    tmp.n_pairs = kept;
    return commit_scenario(app, &tmp, what);
}

static bool set_path(struct tui_app *app, const char *path, const char *value)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    /* The schedules point at app->sc: set_path leaves it unchanged on failure and we
     * recompute right after a success, before anything draws. */
    enum ps_status st = ps_scenario_set_path(&app->sc, path, value, &d);
    if (st != PS_OK) {
        tui_refuse_diag(app, &d, path, st, app->typed[0] ? app->typed : NULL);
        return false;
    }
    tui_results_recompute(app);
    return true;
}

static bool set_pair(struct tui_app *app, int from, int to, bool latency, double v)
{
    struct ps_scenario tmp;
    if (ps_scenario_copy(&tmp, &app->sc) != PS_OK)
        return false;
    if (ps_scenario_set_pair(&tmp, from, to, latency, v) != PS_OK) {
        ps_scenario_fini(&tmp);
        return false;
    }
    return commit_scenario(app, &tmp, latency ? "the pair latency" : "the pair bandwidth");
}

static double step_bw(double v, int dir)
{
    if (v <= 0) /* unlimited */
        return dir > 0 ? 0 : BW_TOP;
    if (dir > 0 && v >= BW_TOP)
        return 0;
    return tui_ladder_step(v, dir, &tui_ladder_coarse, 1, false);
}

/* A plain number for a row: a pair's link, else the row's --set path. */
static void set_number(struct tui_app *app, const struct tui_field *f, double v)
{
    if (f->kind == TUI_FK_PAIR_LAT || f->kind == TUI_FK_PAIR_BW) {
        set_pair(app, f->index, f->index2, f->kind == TUI_FK_PAIR_LAT, v);
        return;
    }
    char buf[64];
    tui_fmt_num(buf, sizeof(buf), v);
    if (f->path[0])
        set_path(app, f->path, buf);
}

/* Applies a structural count edit (DCs, DC stages, S, M) with the new value. */
static void set_count(struct tui_app *app, const struct tui_field *f, long v)
{
    const struct ps_scenario *sc = &app->sc;
    int st[PS_MAX_DCS];
    int n = sc->n_dcs;
    for (int i = 0; i < n; i++)
        st[i] = sc->dcs[i].stages;
    int m = sc->n_microbatches;
    char got[160];
    snprintf(got, sizeof(got), "%s", app->typed[0] ? app->typed : "");
    if (got[0] == '\0')
        snprintf(got, sizeof(got), "%ld", v);
    char why[160];
    switch (f->kind) {
    case TUI_FK_DCS:
        if (v < 1 || v > PS_MAX_DCS) {
            snprintf(why, sizeof(why), "must be between 1 and %d", PS_MAX_DCS);
            tui_refuse(app, "datacenters", why, got);
            return;
        }
        /* New DCs copy the last DC's stage count; removed ones take their stages away. */
        for (int i = n; i < v; i++)
            st[i] = st[n - 1];
        if (sc->n_stages + (v > n ? (v - n) * st[n - 1] : 0) > PS_MAX_STAGES) {
            snprintf(why, sizeof(why), "the stages would add up to more than %d", PS_MAX_STAGES);
            tui_refuse(app, "datacenters", why, got);
            return;
        }
        n = (int)v;
        reshape(app, n, st, m, "datacenters");
        return;
    case TUI_FK_DC_STAGES: {
        char path[64];
        snprintf(path, sizeof(path), "datacenters.%d.stages", f->index);
        long room = PS_MAX_STAGES - (sc->n_stages - st[f->index]);
        if (v < 1 || v > room) {
            snprintf(why, sizeof(why), "must be between 1 and %ld (S at most %d)", room,
                     PS_MAX_STAGES);
            tui_refuse(app, path, why, got);
            return;
        }
        st[f->index] = (int)v;
        reshape(app, n, st, m, path);
        return;
    }
    case TUI_FK_STAGES: {
        /* Spread S over the DCs as evenly as possible (earlier DCs get the rest). */
        if (v < n || v > PS_MAX_STAGES) {
            snprintf(why, sizeof(why), "must be between %d (one per datacenter) and %d", n,
                     PS_MAX_STAGES);
            tui_refuse(app, "stages", why, got);
            return;
        }
        for (int i = 0; i < n; i++)
            st[i] = (int)(v / n + (i < v % n ? 1 : 0));
        reshape(app, n, st, m, "stages");
        return;
    }
    case TUI_FK_MICROBATCHES:
        if (v < 1 || v > PS_MAX_MICROBATCHES) {
            snprintf(why, sizeof(why), "must be between 1 and %d", PS_MAX_MICROBATCHES);
            tui_refuse(app, "microbatches", why, got);
            return;
        }
        reshape(app, n, st, (int)v, "microbatches");
        return;
    default:
        return;
    }
}

/* ---- + and - --------------------------------------------------------------------------- */

/* The memory limit by one unit, or by a quarter of the 1F1B budget (as_multiple). */
static void step_memory(struct tui_app *app, const struct tui_field_def *def, int dir)
{
    const struct ps_scenario *sc = &app->sc;
    double budget = ps_scenario_1f1b_budget(sc);
    double unit = def->as_multiple ? budget / 4 : 1.0;
    double v;
    if (!sc->has_memory_limit) {
        if (dir > 0) {
            tui_message(app, TUI_MSG_INFO, "memory is already unlimited");
            return;
        }
        v = budget;
    } else {
        double q = sc->memory_limit / unit;
        v = (dir > 0 ? floor(q + 1e-9) + 1 : ceil(q - 1e-9) - 1) * unit;
        if (v <= 0) {
            tui_message(app, TUI_MSG_ERR, "refused: memory.limit must be > 0");
            return;
        }
    }
    char buf[32];
    tui_fmt_num(buf, sizeof(buf), v);
    set_path(app, "memory.limit", buf);
}

void tui_edit_step(struct tui_app *app, int dir)
{
    struct tui_field f;
    if (!tui_field_selected(app, &f) || f.kind == TUI_FK_SECTION)
        return;
    const struct tui_field_def *def = tui_field_def(f.kind);
    double cur = 0, v;
    bool has = def->get != NULL && def->get(&app->sc, &f, &cur);
    switch (def->step) {
    case TUI_STEP_COUNT:
        set_count(app, &f, (long)cur + dir);
        return;
    case TUI_STEP_PARAM:
        tui_param_step(app, f.index, dir);
        return;
    case TUI_STEP_MEM:
        step_memory(app, def, dir);
        return;
    case TUI_STEP_LADDER:
        v = tui_ladder_step(has ? cur : 0, dir, def->ladder, def->lo, def->zero_ok);
        break;
    case TUI_STEP_BW:
        v = step_bw(cur, dir);
        break;
    case TUI_STEP_SHARE:
        v = round((cur + dir * 0.05) * 100) / 100;
        if (v < 0)
            v = 0;
        if (v > 1)
            v = 1;
        break;
    default:
        return;
    }
    set_number(app, &f, v);
}

/* ---- typed values ---------------------------------------------------------------------- */

/* Takes the unit after a typed number: the ones the panel shows are accepted back; times
 * also in s and us; the memory limit in units or as a multiple (x) of the 1F1B budget.
 * False for a unit the row does not take. */
static bool take_unit(const struct tui_field_def *def, const char *unit, double *v, bool *as_mult)
{
    if (*unit == '\0')
        return true;
    if (def->unit == TUI_UNIT_TIME &&
        (strcmp(unit, "ms") == 0 || strcmp(unit, "s") == 0 || strcmp(unit, "us") == 0)) {
        *v *= strcmp(unit, "s") == 0 ? 1000.0 : strcmp(unit, "us") == 0 ? 0.001 : 1.0;
        return true;
    }
    if (def->unit == TUI_UNIT_MEM && (strcmp(unit, "units") == 0 || strcmp(unit, "unit") == 0)) {
        *as_mult = false;
        return true;
    }
    if (def->unit == TUI_UNIT_MEM && strcmp(unit, "x") == 0) {
        *as_mult = true;
        return true;
    }
    return (def->unit == TUI_UNIT_MB && strcmp(unit, "MB") == 0) ||
           (def->unit == TUI_UNIT_BW && strcmp(unit, "Gb/s") == 0);
}

static void enter_field(struct tui_app *app, const struct tui_field *f, const char *text)
{
    const struct tui_field_def *def = tui_field_def(f->kind);
    char path[160];
    tui_field_path(app, f, path, sizeof(path));
    bool mem = def->unit == TUI_UNIT_MEM;
    if (mem && (*text == '\0' || strcmp(text, "none") == 0 || strcmp(text, "null") == 0 ||
                strcmp(text, "-") == 0)) {
        set_path(app, "memory.limit", "null");
        return;
    }
    if (def->unit == TUI_UNIT_BW && (strcmp(text, "unlimited") == 0 || strcmp(text, "inf") == 0))
        text = "0";
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    bool num = end != text && errno == 0 && isfinite(v);
    while (isspace((unsigned char)*end))
        end++;
    bool as_mult = def->as_multiple;
    if (!num) {
        tui_refuse(app, path, "not a number", text);
        return;
    }
    if (!take_unit(def, end, &v, &as_mult)) {
        char why[96];
        snprintf(why, sizeof(why), "unknown unit '%.20s'", end);
        tui_refuse(app, path, why, text);
        return;
    }
    if (def->step == TUI_STEP_COUNT) {
        if (v != floor(v)) {
            tui_refuse(app, path, "must be a whole number", text);
            return;
        }
        set_count(app, f, v > 1e9 ? 1000000000L : v < -1e9 ? -1000000000L : (long)v);
        return;
    }
    char buf[32];
    if (mem) {
        tui_fmt_num(buf, sizeof(buf), as_mult ? v * ps_scenario_1f1b_budget(&app->sc) : v);
        set_path(app, "memory.limit", buf);
        return;
    }
    set_number(app, f, v);
}

void tui_edit_enter(struct tui_app *app, const char *text)
{
    struct tui_field fbuf;
    const struct tui_field *f = &fbuf;
    if (!tui_field_selected(app, &fbuf) || f->kind == TUI_FK_SECTION)
        return;
    while (isspace((unsigned char)*text))
        text++;
    if (f->kind == TUI_FK_PARAM) {
        struct tui_result *r = &app->res[app->shown];
        tui_param_set(app, r, r->sv->params[f->index].key, text);
        return;
    }
    snprintf(app->typed, sizeof(app->typed), "%.*s", (int)sizeof(app->typed) - 1, text);
    size_t tl = strlen(app->typed);
    while (tl > 0 && isspace((unsigned char)app->typed[tl - 1]))
        app->typed[--tl] = '\0';
    if (tl == 0 && f->kind != TUI_FK_MEM_LIMIT && f->kind != TUI_FK_MEM_MULT) {
        app->typed[0] = '\0';
        char path[160];
        tui_field_path(app, f, path, sizeof(path));
        tui_refuse(app, path, "no value typed", NULL);
        return;
    }
    enter_field(app, f, app->typed);
    app->typed[0] = '\0';
}

void tui_edit_start(struct tui_app *app)
{
    struct tui_field fbuf;
    const struct tui_field *f = &fbuf;
    if (!tui_field_selected(app, &fbuf) || f->kind == TUI_FK_SECTION)
        return;
    /* Precisions: the field's strings are at most as long as their arrays. */
    char label[96], initial[64];
    snprintf(label, sizeof(label), "%.*s:", (int)sizeof(f->label) - 1,
             f->label[0] == ' ' ? f->label + 1 : f->label);
    snprintf(initial, sizeof(initial), "%.*s", (int)sizeof(f->value) - 1, f->value);
    /* The exact value, not the rounded one on screen, so Enter alone changes nothing. */
    double raw;
    if (tui_field_number(app, f, &raw))
        tui_fmt_num(initial, sizeof(initial), raw);
    /* Drop the unit and the "inherited" star, so the text is a plain number. */
    char *sp = strchr(initial, ' ');
    if (sp && f->kind != TUI_FK_PARAM)
        *sp = '\0';
    size_t len = strlen(initial);
    if (len && (initial[len - 1] == '*' || initial[len - 1] == 'x'))
        initial[len - 1] = '\0';
    if (strcmp(initial, "-") == 0 || strcmp(initial, "off") == 0)
        initial[0] = '\0';
    tui_prompt_open(app, TUI_PROMPT_VALUE, label, initial);
}

void tui_edit_message(struct tui_app *app, int64_t before)
{
    struct tui_field fbuf;
    const struct tui_field *f = tui_field_selected(app, &fbuf) ? &fbuf : NULL;
    char label[64] = "value", value[64] = "";
    if (f) {
        snprintf(label, sizeof(label), "%s", f->label[0] == ' ' ? f->label + 1 : f->label);
        snprintf(value, sizeof(value), "%s", f->value);
    }
    int64_t after = tui_shown_makespan(app);
    const struct ps_schedule *sh = tui_shown(app);
    const char *name = sh ? sh->name : "";
    if (before >= 0 && after >= 0) {
        char a[32], b[32];
        tui_fmt_ms(a, sizeof(a), ps_ns_to_ms(before));
        tui_fmt_ms(b, sizeof(b), ps_ns_to_ms(after));
        tui_message(app, TUI_MSG_OK, "%s = %s: %s makespan %s -> %s ms", label, value, name, a, b);
    } else if (before >= 0 && app->res[app->shown].pending) {
        /* The shown schedule lands later (poll_lanes finishes the message). */
        snprintf(app->await_prefix, sizeof(app->await_prefix), "%s = %s", label, value);
        app->await_before = before;
        app->await_gen = app->gen;
        tui_message(app, TUI_MSG_OK, "%s: %s updating...", app->await_prefix,
                    app->res[app->shown].sv->name);
    } else
        tui_message(app, TUI_MSG_OK, "%s = %s", label, value);
}
