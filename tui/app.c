/* The explorer's state and actions: editing the scenario and the schedule parameters,
 * recomputing every fast schedule after each edit, the Gantt view (zoom, scroll, op
 * cursor), prompts, pickers, files and the background solve. Nothing here draws. */
#include "tui/app.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/units.h"
#include "export/export.h"
#include "presets/presets.h"

#define MAX_GROWS 4096

void tui_message(struct tui_app *app, enum tui_msg_level lv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->msg, sizeof(app->msg), fmt, ap);
    va_end(ap);
    app->msg_level = lv;
}

/* The one refusal format: "refused: PATH: REASON (got TYPED)". A reason that already ends
 * in "(got ...)" has it replaced by what was typed (the scenario may quote a clamped or
 * reformatted value). typed NULL keeps the reason as it is. */
static void refuse(struct tui_app *app, const char *path, const char *reason, const char *typed)
{
    char r[400];
    snprintf(r, sizeof(r), "%s", reason);
    char *got = strstr(r, " (got ");
    if (typed != NULL && got != NULL)
        *got = '\0';
    if (typed != NULL)
        tui_message(app, TUI_MSG_ERR, "refused: %s: %s (got %s)", path, r, typed);
    else
        tui_message(app, TUI_MSG_ERR, "refused: %s: %s", path, r);
}

static void refuse_diag(struct tui_app *app, const struct ps_diag *d, const char *path,
                        enum ps_status st, const char *typed)
{
    refuse(app, d->path[0] ? d->path : path, d->msg[0] ? d->msg : ps_status_str(st), typed);
}

/* Trims "%.6g"-style zeros: 38.000 -> 38, 1.250 -> 1.25. */
static void trim_zeros(char *buf)
{
    if (strchr(buf, '.') == NULL || strchr(buf, 'e') != NULL)
        return;
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
}

void tui_fmt_ms(char *buf, size_t size, double ms)
{
    double a = fabs(ms);
    if (a >= 100)
        snprintf(buf, size, "%.1f", ms);
    else if (a >= 1)
        snprintf(buf, size, "%.2f", ms);
    else
        snprintf(buf, size, "%.3g", ms);
    trim_zeros(buf);
}

/* Full precision, for values handed to the scenario. */
static void fmt_num(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.10g", v);
}

/* Four significant digits, for the screen. */
static void fmt_show(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.4g", v);
}

const struct ps_schedule *tui_shown(const struct tui_app *app)
{
    if (app->shown < 0 || (size_t)app->shown >= app->n_res)
        return NULL;
    return app->res[app->shown].sched;
}

/* ---- results ------------------------------------------------------------------------ */

static void free_crit(struct tui_result *r)
{
    if (r->crit == NULL)
        return;
    int n = r->sched ? r->sched->n_stages : 0;
    for (int s = 0; s < n; s++)
        free(r->crit[s]);
    free(r->crit);
    r->crit = NULL;
}

static void drop_result(struct tui_result *r)
{
    free_crit(r);
    ps_schedule_free(r->sched);
    r->sched = NULL;
    if (r->own_sc) {
        ps_scenario_fini(r->own_sc);
        free(r->own_sc);
        r->own_sc = NULL;
    }
    r->error[0] = '\0';
}

static void set_error(struct tui_result *r, enum ps_status st, const struct ps_diag *d)
{
    char buf[sizeof(r->error)];
    if (d->msg[0])
        ps_diag_format(d, NULL, buf, sizeof(buf));
    else
        snprintf(buf, sizeof(buf), "%s", ps_status_str(st));
    snprintf(r->error, sizeof(r->error), "%s", buf);
    r->diag = *d;
}

static void nap(void)
{
    struct timespec ts = {0, 200000}; /* 0.2 ms */
    nanosleep(&ts, NULL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Starts r's job on its lane for the current scenario and parameters. */
static bool lane_start(struct tui_app *app, struct tui_result *r)
{
    if (r->lane == NULL)
        r->lane = tui_worker_new();
    if (r->lane == NULL || tui_worker_start(r->lane, r->sv, &app->sc, &r->params, r->job) != PS_OK)
        return false;
    r->pending = true;
    return true;
}

static void run_one(struct tui_app *app, size_t i)
{
    struct tui_result *r = &app->res[i];
    drop_result(r);
    r->job = ++app->jobs; /* a result of an older job is stale */
    if (r->sv->slow)
        return; /* only on demand, in the background */
    if (r->lane) {
        struct tui_worker_state ws;
        tui_worker_peek(r->lane, &ws);
        if (ws.running) {
            /* A stale job still runs (the fixed families do not poll the cancel flag):
             * never wait for it; when it ends, poll_lanes drops it and starts this one.
             * So an edit never blocks, and each schedule has at most one job. */
            tui_worker_cancel(r->lane);
            r->pending = true;
            return;
        }
        if (ws.has_result) {
            struct tui_worker_result res;
            if (tui_worker_take(r->lane, &res))
                tui_worker_result_fini(&res);
        }
    }
    r->pending = false;
    if (!app->sync_only && r->last_ms > TUI_ASYNC_MS && lane_start(app, r))
        return;
    struct ps_diag d;
    ps_diag_clear(&d);
    struct ps_schedule *s = NULL;
    double t0 = now_ms();
    enum ps_status st = ps_solver_run(r->sv, &app->sc, &r->params, NULL, &s, &d);
    r->last_ms = now_ms() - t0;
    if (st != PS_OK) {
        ps_schedule_free(s);
        set_error(r, st, &d);
        return;
    }
    r->sched = s;
}

static void undo_param(struct tui_app *app, struct tui_result *r);
static bool failed_on_param(const struct tui_result *r, const char *key);

/* Installs finished lane results. Returns true when one landed. */
static bool poll_lanes(struct tui_app *app, bool wait)
{
    bool changed = false;
    for (size_t i = 0; i < app->n_res; i++) {
        struct tui_result *r = &app->res[i];
        if (!r->pending)
            continue;
        struct tui_worker_result res;
        bool got;
        while (!(got = tui_worker_take(r->lane, &res)) && wait)
            nap();
        if (!got)
            continue;
        if (res.gen != r->job) {
            /* A stale job ended: now the current one. */
            tui_worker_result_fini(&res);
            if (lane_start(app, r)) {
                if (wait)
                    i--; /* wait for it too */
                continue;
            }
            r->pending = false;
            snprintf(r->error, sizeof(r->error), "could not start a background run");
            changed = true;
            continue;
        }
        r->pending = false;
        changed = true;
        drop_result(r);
        r->last_ms = res.wall_ms;
        if (res.status != PS_OK) {
            set_error(r, res.status, &res.diag);
            tui_worker_result_fini(&res);
            if (r->has_undo && failed_on_param(r, r->undo_key))
                undo_param(app, r);
            continue;
        }
        r->has_undo = false;
        r->sched = res.sched;
        r->own_sc = res.sc;
        if ((int)i == app->shown && app->await_before >= 0 && app->await_gen == app->gen &&
            r->sched->timed) {
            char a[32], b[32];
            tui_fmt_ms(a, sizeof(a), ps_ns_to_ms(app->await_before));
            tui_fmt_ms(b, sizeof(b), ps_ns_to_ms(r->sched->makespan_ns));
            tui_message(app, TUI_MSG_OK, "%s: %s makespan %s -> %s ms", app->await_prefix,
                        r->sv->name, a, b);
            app->await_before = -1;
        }
    }
    return changed;
}

bool tui_app_pending(const struct tui_app *app)
{
    for (size_t i = 0; i < app->n_res; i++)
        if (app->res[i].pending)
            return true;
    return false;
}

/* Computes the critical path of a result when the highlight is on and it is missing. */
static void ensure_crit(struct tui_result *r)
{
    if (r->crit || r->sched == NULL || !r->sched->timed)
        return;
    const struct ps_schedule *s = r->sched;
    bool **on = calloc((size_t)s->n_stages, sizeof(*on));
    if (on == NULL)
        return;
    for (int st = 0; st < s->n_stages; st++) {
        on[st] = calloc(s->dev_n[st] ? s->dev_n[st] : 1, sizeof(**on));
        if (on[st] == NULL) {
            for (int k = 0; k < st; k++)
                free(on[k]);
            free(on);
            return;
        }
    }
    ps_sim_critical_path(s, on);
    r->crit = on;
}

static void clamp_cursor(struct tui_app *app);
static void refit(struct tui_app *app);

/* The scenario changed: every fast schedule again, slow results are stale. */
static void recompute_all(struct tui_app *app)
{
    app->gen++;
    struct tui_worker_state ws;
    if (app->worker) {
        tui_worker_peek(app->worker, &ws);
        if (ws.running)
            tui_worker_cancel(app->worker);
    }
    for (size_t i = 0; i < app->n_res; i++)
        run_one(app, i);
    clamp_cursor(app);
}

static void drop_all(struct tui_app *app)
{
    for (size_t i = 0; i < app->n_res; i++)
        drop_result(&app->res[i]);
}

enum ps_status tui_app_init(struct tui_app *app, struct ps_scenario *sc, const char *source,
                            int cols, int rows)
{
    memset(app, 0, sizeof(*app));
    app->sc = *sc;
    ps_scenario_init(sc);
    snprintf(app->source, sizeof(app->source), "%s", source ? source : "");
    app->cols = cols;
    app->rows = rows;
    app->color = true;
    app->unicode = true;
    app->fit = true;
    app->split_b = -1;
    app->show_channels = true;
    app->focus = TUI_FOCUS_PANEL;
    app->field_sel = 1;
    app->await_before = -1;
    app->worker = tui_worker_new();
    if (app->worker == NULL)
        return PS_ENOMEM;
    size_t n = ps_solver_count();
    for (size_t i = 0; i < n && app->n_res < TUI_MAX_SOLVERS; i++)
        app->res[app->n_res++].sv = ps_solver_at(i);
    /* Show 1F1B first when the registry has it: the baseline everyone knows. */
    app->shown = 0;
    for (size_t i = 0; i < app->n_res; i++)
        if (strcmp(app->res[i].sv->name, "1f1b") == 0)
            app->shown = (int)i;
    app->table_sel = app->shown;
    /* The first frame waits for no slow generator: a guess of each run's time from the
     * size of the scenario sends the slow ones to their lanes at once (rows "updating"),
     * and their measured times decide from then on. */
    double ops = 3.0 * app->sc.n_stages * app->sc.n_microbatches;
    for (size_t i = 0; i < app->n_res; i++) {
        const struct ps_solver *sv = app->res[i].sv;
        double per_op_ms = strcmp(sv->name, "greedy") == 0 ? 1e-2 : 2e-4;
        app->res[i].last_ms = ops * (sv->max_chunks > 1 ? 2 : 1) * per_op_ms;
    }
    recompute_all(app);
    refit(app);
    tui_message(app, TUI_MSG_INFO, "%s: %d stage%s, %d microbatch%s, %d DC%s. Press ? for help.",
                app->sc.name[0] ? app->sc.name : "scenario", app->sc.n_stages,
                app->sc.n_stages == 1 ? "" : "s", app->sc.n_microbatches,
                app->sc.n_microbatches == 1 ? "" : "es", app->sc.n_dcs,
                app->sc.n_dcs == 1 ? "" : "s");
    return PS_OK;
}

void tui_app_fini(struct tui_app *app)
{
    tui_worker_free(app->worker);
    app->worker = NULL;
    for (size_t i = 0; i < app->n_res; i++) {
        tui_worker_free(app->res[i].lane);
        app->res[i].lane = NULL;
    }
    drop_all(app);
    ps_scenario_fini(&app->sc);
}

/* ---- the left panel: fields ------------------------------------------------------------ */

static void add_field(struct tui_field *out, int *n, int max, enum tui_field_kind k, int index,
                      int index2, const char *label, const char *value, const char *path)
{
    if (out == NULL || *n >= max) {
        (*n)++;
        return;
    }
    struct tui_field *f = &out[(*n)++];
    f->kind = k;
    f->index = index;
    f->index2 = index2;
    snprintf(f->label, sizeof(f->label), "%s", label);
    snprintf(f->value, sizeof(f->value), "%s", value);
    snprintf(f->path, sizeof(f->path), "%s", path ? path : "");
}

static void fmt_ms_unit(char *buf, size_t size, double ms)
{
    char t[32];
    tui_fmt_ms(t, sizeof(t), ms);
    snprintf(buf, size, "%s ms", t);
}

static void fmt_bw(char *buf, size_t size, double gbps)
{
    if (gbps <= 0)
        snprintf(buf, size, "unlimited");
    else {
        char t[32];
        fmt_show(t, sizeof(t), gbps);
        snprintf(buf, size, "%s Gb/s", t);
    }
}

/* Index of the pair override from -> to, or -1. */
static int find_pair(const struct ps_scenario *sc, int from, int to)
{
    for (int i = 0; i < sc->n_pairs; i++)
        if (sc->pairs[i].from == from && sc->pairs[i].to == to)
            return i;
    return -1;
}

static struct ps_link pair_link(const struct ps_scenario *sc, int from, int to)
{
    return ps_scenario_dc_link(sc, from, to);
}

int tui_fields(const struct tui_app *app, struct tui_field *out, int max)
{
    const struct ps_scenario *sc = &app->sc;
    int n = 0;
    char v[64], l[64], p[96];
    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Topology", "", NULL);
    snprintf(v, sizeof(v), "%d", sc->n_dcs);
    add_field(out, &n, max, TUI_FK_DCS, 0, 0, "datacenters", v, NULL);
    for (int i = 0; i < sc->n_dcs; i++) {
        snprintf(l, sizeof(l), " %.20s stages", sc->dcs[i].name);
        snprintf(v, sizeof(v), "%d", sc->dcs[i].stages);
        add_field(out, &n, max, TUI_FK_DC_STAGES, i, 0, l, v, NULL);
        snprintf(l, sizeof(l), " %.20s compute x", sc->dcs[i].name);
        fmt_show(v, sizeof(v), sc->dcs[i].compute_scale);
        snprintf(p, sizeof(p), "datacenters.%d.compute_scale", i);
        add_field(out, &n, max, TUI_FK_DC_SCALE, i, 0, l, v, p);
    }
    snprintf(v, sizeof(v), "%d", sc->n_stages);
    add_field(out, &n, max, TUI_FK_STAGES, 0, 0, "stages S", v, NULL);
    snprintf(v, sizeof(v), "%d", sc->n_microbatches);
    add_field(out, &n, max, TUI_FK_MICROBATCHES, 0, 0, "microbatches M", v, NULL);

    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Compute per stage", "", NULL);
    fmt_ms_unit(v, sizeof(v), sc->compute.forward_ms);
    add_field(out, &n, max, TUI_FK_F, 0, 0, "forward F", v, "compute.forward_ms");
    fmt_ms_unit(v, sizeof(v), sc->compute.backward_ms);
    add_field(out, &n, max, TUI_FK_B, 0, 0, "backward B", v, "compute.backward_ms");
    fmt_ms_unit(v, sizeof(v), sc->compute.weight_ms);
    add_field(out, &n, max, TUI_FK_W, 0, 0, "weight W", v, "compute.weight_ms");
    fmt_show(l, sizeof(l), sc->activation_mb);
    snprintf(v, sizeof(v), "%.20s MB", l);
    add_field(out, &n, max, TUI_FK_ACT_MB, 0, 0, "activation", v, "activation_mb");

    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Network", "", NULL);
    fmt_ms_unit(v, sizeof(v), sc->intra_dc.latency_ms);
    add_field(out, &n, max, TUI_FK_INTRA_LAT, 0, 0, "intra-DC latency", v,
              "network.intra_dc.latency_ms");
    fmt_bw(v, sizeof(v), sc->intra_dc.bandwidth_gbps);
    add_field(out, &n, max, TUI_FK_INTRA_BW, 0, 0, "intra-DC bandwidth", v,
              "network.intra_dc.bandwidth_gbps");
    if (sc->n_dcs > 1) {
        fmt_ms_unit(v, sizeof(v), sc->inter_dc.latency_ms);
        add_field(out, &n, max, TUI_FK_INTER_LAT, 0, 0, "inter-DC latency", v,
                  "network.inter_dc.latency_ms");
        fmt_bw(v, sizeof(v), sc->inter_dc.bandwidth_gbps);
        add_field(out, &n, max, TUI_FK_INTER_BW, 0, 0, "inter-DC bandwidth", v,
                  "network.inter_dc.bandwidth_gbps");
    }
    /* Per DC pair when there are more than two DCs (or overrides exist): the pipeline
     * only crosses between neighbouring DCs, in both directions. */
    if (sc->n_dcs > 2 || sc->n_pairs > 0) {
        for (int i = 0; i + 1 < sc->n_dcs; i++) {
            for (int dir = 0; dir < 2; dir++) {
                int from = dir ? i + 1 : i, to = dir ? i : i + 1;
                struct ps_link lk = pair_link(sc, from, to);
                int pi = find_pair(sc, from, to);
                snprintf(l, sizeof(l), " %.12s>%.12s lat", sc->dcs[from].name, sc->dcs[to].name);
                fmt_ms_unit(v, sizeof(v), lk.latency_ms);
                if (pi < 0 || !sc->pairs[pi].has_latency)
                    strncat(v, "*", sizeof(v) - strlen(v) - 1);
                add_field(out, &n, max, TUI_FK_PAIR_LAT, from, to, l, v, NULL);
                snprintf(l, sizeof(l), " %.12s>%.12s bw", sc->dcs[from].name, sc->dcs[to].name);
                fmt_bw(v, sizeof(v), lk.bandwidth_gbps);
                if (pi < 0 || !sc->pairs[pi].has_bandwidth)
                    strncat(v, "*", sizeof(v) - strlen(v) - 1);
                add_field(out, &n, max, TUI_FK_PAIR_BW, from, to, l, v, NULL);
            }
        }
    }

    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Memory", "", NULL);
    double budget = ps_scenario_1f1b_budget(sc);
    if (sc->has_memory_limit) {
        fmt_show(l, sizeof(l), sc->memory_limit);
        snprintf(v, sizeof(v), "%.20s units", l);
    } else
        snprintf(v, sizeof(v), "none");
    add_field(out, &n, max, TUI_FK_MEM_LIMIT, 0, 0, "limit", v, "memory.limit");
    if (sc->has_memory_limit && budget > 0)
        snprintf(v, sizeof(v), "%.3gx", sc->memory_limit / budget);
    else
        snprintf(v, sizeof(v), "-");
    add_field(out, &n, max, TUI_FK_MEM_MULT, 0, 0, "limit / 1F1B budget", v, NULL);
    fmt_show(v, sizeof(v), sc->weight_share);
    add_field(out, &n, max, TUI_FK_WSHARE, 0, 0, "weight share w", v, "memory.weight_share");

    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Data parallel (ZeRO-1)", "", NULL);
    if (sc->has_data_parallel)
        fmt_ms_unit(v, sizeof(v), sc->allgather_ms);
    else
        snprintf(v, sizeof(v), "off");
    add_field(out, &n, max, TUI_FK_DP_AG, 0, 0, "all-gather AG", v, "data_parallel.allgather_ms");
    if (sc->has_data_parallel)
        fmt_ms_unit(v, sizeof(v), sc->reduce_scatter_ms);
    add_field(out, &n, max, TUI_FK_DP_RS, 0, 0, "reduce-scatter RS", v,
              "data_parallel.reduce_scatter_ms");

    if (app->shown >= 0 && (size_t)app->shown < app->n_res) {
        const struct tui_result *r = &app->res[app->shown];
        snprintf(l, sizeof(l), "Schedule %s", r->sv->name);
        add_field(out, &n, max, TUI_FK_SECTION, 0, 0, l, "", NULL);
        for (size_t i = 0; i < r->sv->n_params; i++) {
            const struct ps_param_def *pd = &r->sv->params[i];
            const char *val = ps_params_get(r->sv, &r->params, pd->key);
            add_field(out, &n, max, TUI_FK_PARAM, (int)i, 0, pd->key, val ? val : "", NULL);
        }
        if (r->sv->n_params == 0)
            add_field(out, &n, max, TUI_FK_SECTION, 1, 0, " (no parameters)", "", NULL);
    }
    return n;
}

struct tui_field *tui_fields_new(const struct tui_app *app, int *n)
{
    int count = tui_fields(app, NULL, 0);
    struct tui_field *f = malloc((size_t)(count > 0 ? count : 1) * sizeof(*f));
    *n = f ? tui_fields(app, f, count) : 0;
    return f;
}

/* ---- changing the scenario ------------------------------------------------------------- */

/* Replaces the scenario with tmp (validated first) and recomputes. Takes tmp's contents
 * on success; on failure tmp is freed and the old scenario stays. */
static bool commit_scenario(struct tui_app *app, struct ps_scenario *tmp, const char *what)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status vst = ps_scenario_validate(tmp, &d);
    if (vst != PS_OK) {
        refuse_diag(app, &d, what, vst, app->typed[0] ? app->typed : NULL);
        ps_scenario_fini(tmp);
        return false;
    }
    drop_all(app); /* the schedules point at the old scenario */
    ps_scenario_fini(&app->sc);
    app->sc = *tmp;
    ps_scenario_init(tmp);
    recompute_all(app);
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
        refuse(app, what, "out of range", NULL);
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
        refuse_diag(app, &d, path, st, app->typed[0] ? app->typed : NULL);
        return false;
    }
    recompute_all(app);
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

/* The next value on a ladder of round numbers (mantissas m[] times powers of ten);
 * below lo comes 0 when zero_ok, else lo is the floor. */
static double ladder(double v, int dir, const double *m, int nm, double lo, bool zero_ok)
{
    if (v <= 0)
        return dir > 0 ? lo : 0;
    double e = floor(log10(v));
    if (dir > 0) {
        for (double k = e - 1; k <= e + 1; k++)
            for (int i = 0; i < nm; i++) {
                double c = m[i] * pow(10, k);
                if (c > v * (1 + 1e-9))
                    return c;
            }
        return v * 2;
    }
    for (double k = e + 1; k >= e - 1; k--)
        for (int i = nm - 1; i >= 0; i--) {
            double c = m[i] * pow(10, k);
            if (c < v * (1 - 1e-9))
                return c < lo * (1 - 1e-9) ? (zero_ok ? 0 : lo) : c;
        }
    return zero_ok ? 0 : lo;
}

static const double fine[] = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8};
static const double coarse[] = {1, 2, 5};
#define NFINE (int)(sizeof(fine) / sizeof(fine[0]))
#define NCOARSE (int)(sizeof(coarse) / sizeof(coarse[0]))
#define BW_TOP 1000.0 /* Gb/s: one step above is unlimited */

static double step_bw(double v, int dir)
{
    if (v <= 0) /* unlimited */
        return dir > 0 ? 0 : BW_TOP;
    if (dir > 0 && v >= BW_TOP)
        return 0;
    return ladder(v, dir, coarse, NCOARSE, 1, false);
}

static void set_number(struct tui_app *app, const struct tui_field *f, double v)
{
    char buf[64];
    fmt_num(buf, sizeof(buf), v);
    if (f->kind == TUI_FK_PAIR_LAT || f->kind == TUI_FK_PAIR_BW) {
        set_pair(app, f->index, f->index2, f->kind == TUI_FK_PAIR_LAT, v);
        return;
    }
    if (f->path[0])
        set_path(app, f->path, buf);
}

/* Copies the selected field into *out; NULL when there is none. */
static const struct tui_field *selected_field(const struct tui_app *app, struct tui_field *out)
{
    int n;
    struct tui_field *fields = tui_fields_new(app, &n);
    bool ok = fields && app->field_sel >= 0 && app->field_sel < n;
    if (ok)
        *out = fields[app->field_sel];
    free(fields);
    return ok ? out : NULL;
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
            refuse(app, "datacenters", why, got);
            return;
        }
        /* New DCs copy the last DC's stage count; removed ones take their stages away. */
        for (int i = n; i < v; i++)
            st[i] = st[n - 1];
        if (sc->n_stages + (v > n ? (v - n) * st[n - 1] : 0) > PS_MAX_STAGES) {
            snprintf(why, sizeof(why), "the stages would add up to more than %d", PS_MAX_STAGES);
            refuse(app, "datacenters", why, got);
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
            refuse(app, path, why, got);
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
            refuse(app, "stages", why, got);
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
            refuse(app, "microbatches", why, got);
            return;
        }
        reshape(app, n, st, (int)v, "microbatches");
        return;
    default:
        return;
    }
}

static long count_value(const struct tui_app *app, const struct tui_field *f)
{
    switch (f->kind) {
    case TUI_FK_DCS:
        return app->sc.n_dcs;
    case TUI_FK_DC_STAGES:
        return app->sc.dcs[f->index].stages;
    case TUI_FK_STAGES:
        return app->sc.n_stages;
    case TUI_FK_MICROBATCHES:
        return app->sc.n_microbatches;
    default:
        return 0;
    }
}

static bool is_count(enum tui_field_kind k)
{
    return k == TUI_FK_DCS || k == TUI_FK_DC_STAGES || k == TUI_FK_STAGES ||
           k == TUI_FK_MICROBATCHES;
}

/* Did the latest run of r fail on its parameter key (a list the solver parses itself)? */
static bool failed_on_param(const struct tui_result *r, const char *key)
{
    char path[64];
    snprintf(path, sizeof(path), "param.%s", key);
    return r->sched == NULL && !r->pending && r->error[0] && strcmp(r->diag.path, path) == 0;
}

/* The latest run of r was refused on its new parameter: back to the old values. */
static void undo_param(struct tui_app *app, struct tui_result *r)
{
    r->params = r->undo;
    r->has_undo = false;
    char reason[sizeof(r->diag.msg)];
    char path[sizeof(r->diag.path)];
    snprintf(reason, sizeof(reason), "%s", r->diag.msg);
    snprintf(path, sizeof(path), "%s", r->diag.path);
    run_one(app, (size_t)(r - app->res));
    refuse(app, path, reason, r->undo_value);
}

static void rerun_param(struct tui_app *app, struct tui_result *r, const char *key,
                        const char *value)
{
    struct ps_params p = r->params;
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = ps_params_set(&p, key, value);
    if (st == PS_OK)
        st = ps_params_check(r->sv, &p, &d);
    if (st != PS_OK) {
        char path[64];
        snprintf(path, sizeof(path), "param.%s", key);
        refuse_diag(app, &d, path, st, value);
        return;
    }
    r->undo = r->params;
    snprintf(r->undo_key, sizeof(r->undo_key), "%s", key);
    snprintf(r->undo_value, sizeof(r->undo_value), "%s", value);
    r->params = p;
    size_t i = (size_t)(r - app->res);
    if (r->sv->slow) {
        drop_result(r); /* its parameters changed: solve again on demand */
        tui_message(app, TUI_MSG_INFO, "%s: %s = %s (press r to solve)", r->sv->name, key, value);
    } else {
        /* A list parameter is parsed by the solver itself: a run that fails on it is a
         * refusal, and the old value comes back. */
        r->has_undo = true;
        run_one(app, i);
        if (failed_on_param(r, key))
            undo_param(app, r);
        else if (r->pending)
            tui_message(app, TUI_MSG_OK, "%s: %s = %s (updating)", r->sv->name, key, value);
        else {
            r->has_undo = false;
            tui_message(app, r->sched ? TUI_MSG_OK : TUI_MSG_ERR, "%s: %s = %s%s%s", r->sv->name,
                        key, value, r->sched ? "" : ": ", r->sched ? "" : r->error);
        }
    }
    clamp_cursor(app);
}

static void step_param(struct tui_app *app, const struct tui_field *f, int dir)
{
    struct tui_result *r = &app->res[app->shown];
    const struct ps_param_def *pd = &r->sv->params[f->index];
    const char *cur = ps_params_get(r->sv, &r->params, pd->key);
    char buf[64];
    switch (pd->type) {
    case PS_PARAM_INT: {
        long v = cur ? strtol(cur, NULL, 10) + dir : 0;
        if (v < (long)pd->min || v > (long)pd->max) {
            char path[64], why[96], got[32];
            snprintf(path, sizeof(path), "param.%s", pd->key);
            snprintf(why, sizeof(why), "must be within %g..%g", pd->min, pd->max);
            snprintf(got, sizeof(got), "%ld", v);
            refuse(app, path, why, got);
            return;
        }
        snprintf(buf, sizeof(buf), "%ld", v);
        break;
    }
    case PS_PARAM_FLOAT: {
        double v = cur ? strtod(cur, NULL) : 0;
        v = ladder(v, dir, fine, NFINE, pd->min > 0 ? pd->min : 0.1, pd->min <= 0);
        if (v > pd->max)
            v = pd->max;
        if (v < pd->min)
            v = pd->min;
        fmt_num(buf, sizeof(buf), v);
        break;
    }
    case PS_PARAM_BOOL: {
        bool b =
            cur && (strcmp(cur, "true") == 0 || strcmp(cur, "1") == 0 || strcmp(cur, "yes") == 0);
        snprintf(buf, sizeof(buf), "%s", b ? "false" : "true");
        break;
    }
    case PS_PARAM_CHOICE: {
        /* Cycle through "a|b|c". */
        char ch[160];
        snprintf(ch, sizeof(ch), "%s", pd->choices ? pd->choices : "");
        char *opts[16];
        int no = 0;
        for (char *tok = strtok(ch, "|"); tok && no < 16; tok = strtok(NULL, "|"))
            opts[no++] = tok;
        if (no == 0)
            return;
        int at = 0;
        for (int i = 0; i < no; i++)
            if (cur && strcmp(opts[i], cur) == 0)
                at = i;
        at = ((at + dir) % no + no) % no;
        snprintf(buf, sizeof(buf), "%s", opts[at]);
        break;
    }
    default:
        tui_message(app, TUI_MSG_INFO, "press Enter to type %s", pd->key);
        return;
    }
    rerun_param(app, r, pd->key, buf);
}

static void step_field(struct tui_app *app, int dir)
{
    struct tui_field fbuf;
    const struct tui_field *f = selected_field(app, &fbuf);
    if (f == NULL || f->kind == TUI_FK_SECTION)
        return;
    const struct ps_scenario *sc = &app->sc;
    if (is_count(f->kind)) {
        set_count(app, f, count_value(app, f) + dir);
        return;
    }
    double v = 0;
    switch (f->kind) {
    case TUI_FK_DC_SCALE:
        v = ladder(sc->dcs[f->index].compute_scale, dir, fine, NFINE, 0.1, false);
        break;
    case TUI_FK_F:
        v = ladder(sc->compute.forward_ms, dir, fine, NFINE, 0.01, false);
        break;
    case TUI_FK_B:
        v = ladder(sc->compute.backward_ms, dir, fine, NFINE, 0.01, false);
        break;
    case TUI_FK_W:
        v = ladder(sc->compute.weight_ms, dir, fine, NFINE, 0.01, true);
        break;
    case TUI_FK_ACT_MB:
        v = ladder(sc->activation_mb, dir, coarse, NCOARSE, 1, true);
        break;
    case TUI_FK_INTRA_LAT:
        v = ladder(sc->intra_dc.latency_ms, dir, coarse, NCOARSE, 0.001, true);
        break;
    case TUI_FK_INTER_LAT:
        v = ladder(sc->inter_dc.latency_ms, dir, coarse, NCOARSE, 0.01, true);
        break;
    case TUI_FK_PAIR_LAT:
        v = ladder(pair_link(sc, f->index, f->index2).latency_ms, dir, coarse, NCOARSE, 0.01, true);
        break;
    case TUI_FK_INTRA_BW:
        v = step_bw(sc->intra_dc.bandwidth_gbps, dir);
        break;
    case TUI_FK_INTER_BW:
        v = step_bw(sc->inter_dc.bandwidth_gbps, dir);
        break;
    case TUI_FK_PAIR_BW:
        v = step_bw(pair_link(sc, f->index, f->index2).bandwidth_gbps, dir);
        break;
    case TUI_FK_MEM_LIMIT:
    case TUI_FK_MEM_MULT: {
        double budget = ps_scenario_1f1b_budget(sc);
        double unit = f->kind == TUI_FK_MEM_LIMIT ? 1.0 : budget / 4;
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
        fmt_num(buf, sizeof(buf), v);
        set_path(app, "memory.limit", buf);
        return;
    }
    case TUI_FK_WSHARE:
        v = round((sc->weight_share + dir * 0.05) * 100) / 100;
        if (v < 0)
            v = 0;
        if (v > 1)
            v = 1;
        break;
    case TUI_FK_DP_AG:
        v = ladder(sc->has_data_parallel ? sc->allgather_ms : 0, dir, fine, NFINE, 1, true);
        break;
    case TUI_FK_DP_RS:
        v = ladder(sc->has_data_parallel ? sc->reduce_scatter_ms : 0, dir, fine, NFINE, 1, true);
        break;
    case TUI_FK_PARAM:
        step_param(app, f, dir);
        return;
    default:
        return;
    }
    set_number(app, f, v);
}

/* The path a refusal names for a field. */
static void field_path(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    switch (f->kind) {
    case TUI_FK_DCS:
        snprintf(buf, size, "datacenters");
        return;
    case TUI_FK_DC_STAGES:
        snprintf(buf, size, "datacenters.%d.stages", f->index);
        return;
    case TUI_FK_STAGES:
        snprintf(buf, size, "stages");
        return;
    case TUI_FK_MICROBATCHES:
        snprintf(buf, size, "microbatches");
        return;
    case TUI_FK_MEM_MULT:
        snprintf(buf, size, "memory.limit");
        return;
    case TUI_FK_PAIR_LAT:
    case TUI_FK_PAIR_BW:
        snprintf(buf, size, "network.pairs %.20s->%.20s %s", app->sc.dcs[f->index].name,
                 app->sc.dcs[f->index2].name,
                 f->kind == TUI_FK_PAIR_LAT ? "latency_ms" : "bandwidth_gbps");
        return;
    default:
        snprintf(buf, size, "%s", f->path[0] ? f->path : f->label);
        return;
    }
}

static bool is_time(enum tui_field_kind k)
{
    return k == TUI_FK_F || k == TUI_FK_B || k == TUI_FK_W || k == TUI_FK_INTRA_LAT ||
           k == TUI_FK_INTER_LAT || k == TUI_FK_PAIR_LAT || k == TUI_FK_DP_AG || k == TUI_FK_DP_RS;
}

static void enter_field(struct tui_app *app, const struct tui_field *f, const char *text)
{
    char path[160];
    field_path(app, f, path, sizeof(path));
    if (f->kind == TUI_FK_MEM_LIMIT || f->kind == TUI_FK_MEM_MULT) {
        if (*text == '\0' || strcmp(text, "none") == 0 || strcmp(text, "null") == 0 ||
            strcmp(text, "-") == 0) {
            set_path(app, "memory.limit", "null");
            return;
        }
    }
    if (f->kind == TUI_FK_INTRA_BW || f->kind == TUI_FK_INTER_BW || f->kind == TUI_FK_PAIR_BW) {
        if (strcmp(text, "unlimited") == 0 || strcmp(text, "inf") == 0)
            text = "0";
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    bool num = end != text && errno == 0 && isfinite(v);
    while (isspace((unsigned char)*end))
        end++;
    /* Units: the ones the panel shows are accepted back; times also in s and us; the
     * memory limit in units or as a multiple (x) of the 1F1B budget. */
    const char *unit = end;
    double budget = ps_scenario_1f1b_budget(&app->sc);
    bool mem = f->kind == TUI_FK_MEM_LIMIT || f->kind == TUI_FK_MEM_MULT;
    bool as_mult = f->kind == TUI_FK_MEM_MULT;
    bool unit_ok = *unit == '\0';
    if (is_time(f->kind) &&
        (strcmp(unit, "ms") == 0 || strcmp(unit, "s") == 0 || strcmp(unit, "us") == 0)) {
        v *= strcmp(unit, "s") == 0 ? 1000.0 : strcmp(unit, "us") == 0 ? 0.001 : 1.0;
        unit_ok = true;
    } else if (mem && (strcmp(unit, "units") == 0 || strcmp(unit, "unit") == 0)) {
        as_mult = false;
        unit_ok = true;
    } else if (mem && strcmp(unit, "x") == 0) {
        as_mult = true;
        unit_ok = true;
    } else if ((f->kind == TUI_FK_ACT_MB && strcmp(unit, "MB") == 0) ||
               ((f->kind == TUI_FK_INTRA_BW || f->kind == TUI_FK_INTER_BW ||
                 f->kind == TUI_FK_PAIR_BW) &&
                strcmp(unit, "Gb/s") == 0))
        unit_ok = true;
    if (!num) {
        refuse(app, path, "not a number", text);
        return;
    }
    if (!unit_ok) {
        char why[96];
        snprintf(why, sizeof(why), "unknown unit '%.20s'", unit);
        refuse(app, path, why, text);
        return;
    }
    if (is_count(f->kind)) {
        if (v != floor(v)) {
            refuse(app, path, "must be a whole number", text);
            return;
        }
        set_count(app, f, v > 1e9 ? 1000000000L : v < -1e9 ? -1000000000L : (long)v);
        return;
    }
    char buf[32];
    if (mem) {
        fmt_num(buf, sizeof(buf), as_mult ? v * budget : v);
        set_path(app, "memory.limit", buf);
        return;
    }
    if (f->kind == TUI_FK_PAIR_LAT || f->kind == TUI_FK_PAIR_BW) {
        set_pair(app, f->index, f->index2, f->kind == TUI_FK_PAIR_LAT, v);
        return;
    }
    fmt_num(buf, sizeof(buf), v);
    if (f->path[0])
        set_path(app, f->path, buf);
}

/* A typed value for the selected field. */
static void enter_value(struct tui_app *app, const char *text)
{
    struct tui_field fbuf;
    const struct tui_field *f = selected_field(app, &fbuf);
    if (f == NULL || f->kind == TUI_FK_SECTION)
        return;
    while (isspace((unsigned char)*text))
        text++;
    if (f->kind == TUI_FK_PARAM) {
        struct tui_result *r = &app->res[app->shown];
        rerun_param(app, r, r->sv->params[f->index].key, text);
        return;
    }
    snprintf(app->typed, sizeof(app->typed), "%.*s", (int)sizeof(app->typed) - 1, text);
    size_t tl = strlen(app->typed);
    while (tl > 0 && isspace((unsigned char)app->typed[tl - 1]))
        app->typed[--tl] = '\0';
    if (tl == 0 && f->kind != TUI_FK_MEM_LIMIT && f->kind != TUI_FK_MEM_MULT) {
        app->typed[0] = '\0';
        char path[160];
        field_path(app, f, path, sizeof(path));
        refuse(app, path, "no value typed", NULL);
        return;
    }
    enter_field(app, f, app->typed);
    app->typed[0] = '\0';
}

/* ---- the Gantt view -------------------------------------------------------------------- */

static int64_t view_span(const struct tui_app *app)
{
    int64_t span = 0;
    const struct ps_schedule *a = tui_shown(app);
    if (a && a->timed)
        span = a->makespan_ns;
    if (app->split_b >= 0 && (size_t)app->split_b < app->n_res) {
        const struct ps_schedule *b = app->res[app->split_b].sched;
        if (b && b->timed && b->makespan_ns > span)
            span = b->makespan_ns;
    }
    return span > 0 ? span : PS_NS_PER_MS;
}

static int plot_width(const struct tui_app *app)
{
    struct tui_layout lo;
    tui_layout(app, &lo);
    return lo.plot.w > 1 ? lo.plot.w : 1;
}

static void refit(struct tui_app *app)
{
    int w = plot_width(app);
    int64_t span = view_span(app);
    app->view_t0 = 0;
    app->view_ns_per_col = (span + w - 1) / w;
    if (app->view_ns_per_col < 1)
        app->view_ns_per_col = 1;
}

static void clamp_view(struct tui_app *app)
{
    int w = plot_width(app);
    int64_t span = view_span(app);
    int64_t vis = app->view_ns_per_col * w;
    if (vis >= span) {
        /* Zoomed out past the whole schedule: that is "fit". */
        app->fit = true;
        refit(app);
        return;
    }
    if (app->view_t0 > span - vis)
        app->view_t0 = span - vis;
    if (app->view_t0 < 0)
        app->view_t0 = 0;
}

static const struct ps_op *cursor_op(const struct tui_app *app)
{
    const struct ps_schedule *s = tui_shown(app);
    if (!app->cursor_on || s == NULL || app->cur_stage < 0 || app->cur_stage >= s->n_stages ||
        app->cur_index >= s->dev_n[app->cur_stage])
        return NULL;
    return &s->dev_ops[app->cur_stage][app->cur_index];
}

static void clamp_cursor(struct tui_app *app)
{
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL || !s->timed || s->n_stages == 0) {
        app->cursor_on = false;
        return;
    }
    if (app->cur_stage >= s->n_stages)
        app->cur_stage = s->n_stages - 1;
    if (app->cur_stage < 0)
        app->cur_stage = 0;
    if (s->dev_n[app->cur_stage] == 0)
        app->cursor_on = false;
    else if (app->cur_index >= s->dev_n[app->cur_stage])
        app->cur_index = s->dev_n[app->cur_stage] - 1;
}

/* Scrolls the view (when zoomed) so that the cursor op is visible; also scrolls the
 * rows so that its device is. */
static void show_cursor(struct tui_app *app)
{
    const struct ps_op *op = cursor_op(app);
    if (op == NULL)
        return;
    if (!app->fit) {
        int w = plot_width(app);
        int64_t vis = app->view_ns_per_col * w;
        if (op->start_ns < app->view_t0)
            app->view_t0 = op->start_ns - vis / 8;
        else if (op->end_ns > app->view_t0 + vis)
            app->view_t0 = op->end_ns - vis + vis / 8;
        clamp_view(app);
    }
    struct tui_layout lo;
    tui_layout(app, &lo);
    static struct tui_grow rows[MAX_GROWS];
    int n = tui_gantt_rows(app, rows, MAX_GROWS);
    for (int i = 0; i < n; i++) {
        if (rows[i].kind == TUI_GROW_DEVICE && rows[i].sched == app->shown &&
            rows[i].index == app->cur_stage) {
            if (i < app->gantt_scroll)
                app->gantt_scroll = i;
            else if (i >= app->gantt_scroll + lo.plot.h)
                app->gantt_scroll = i - lo.plot.h + 1;
            break;
        }
    }
}

/* Index of the op on device st nearest in time to t. */
static size_t nearest_op(const struct ps_schedule *s, int st, int64_t t)
{
    size_t best = 0;
    int64_t best_d = INT64_MAX;
    for (size_t i = 0; i < s->dev_n[st]; i++) {
        const struct ps_op *op = &s->dev_ops[st][i];
        int64_t d = t < op->start_ns ? op->start_ns - t : t >= op->end_ns ? t - op->end_ns + 1 : 0;
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

static void cursor_start(struct tui_app *app)
{
    const struct ps_schedule *s = tui_shown(app);
    if (app->cursor_on || s == NULL || !s->timed)
        return;
    app->cursor_on = true;
    app->cur_stage = 0;
    int64_t t = app->fit ? 0 : app->view_t0;
    app->cur_index = s->dev_n[0] ? nearest_op(s, 0, t) : 0;
    clamp_cursor(app);
}

static void cursor_move(struct tui_app *app, int dstage, long dindex)
{
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL || !s->timed)
        return;
    if (!app->cursor_on) {
        cursor_start(app);
        show_cursor(app);
        return;
    }
    const struct ps_op *op = cursor_op(app);
    if (op == NULL)
        return;
    if (dstage) {
        int st = app->cur_stage + dstage;
        while (st >= 0 && st < s->n_stages && s->dev_n[st] == 0)
            st += dstage;
        if (st < 0 || st >= s->n_stages)
            return;
        int64_t mid = op->start_ns + (op->end_ns - op->start_ns) / 2;
        app->cur_index = nearest_op(s, st, mid);
        app->cur_stage = st;
    } else {
        long i = (long)app->cur_index + dindex;
        long n = (long)s->dev_n[app->cur_stage];
        if (i < 0)
            i = 0;
        if (i >= n)
            i = n - 1;
        app->cur_index = (size_t)i;
    }
    show_cursor(app);
}

static void zoom(struct tui_app *app, int dir)
{
    int w = plot_width(app);
    /* Zoom around the cursor op when there is one, else around the view's centre. */
    int64_t centre = app->view_t0 + app->view_ns_per_col * w / 2;
    const struct ps_op *op = cursor_op(app);
    if (op)
        centre = op->start_ns + (op->end_ns - op->start_ns) / 2;
    int64_t npc = app->view_ns_per_col;
    if (dir > 0) {
        if (npc <= 1000) {
            tui_message(app, TUI_MSG_INFO, "zoomed in all the way (1 us per column)");
            return;
        }
        npc /= 2;
    } else {
        if (app->fit) {
            tui_message(app, TUI_MSG_INFO, "the whole schedule is shown");
            return;
        }
        npc *= 2;
    }
    app->fit = false;
    app->view_ns_per_col = npc;
    app->view_t0 = centre - npc * w / 2;
    clamp_view(app);
    char a[32], b[32];
    tui_fmt_ms(a, sizeof(a), ps_ns_to_ms(app->view_t0));
    tui_fmt_ms(b, sizeof(b), ps_ns_to_ms(app->view_t0 + app->view_ns_per_col * w));
    tui_message(app, TUI_MSG_INFO, "showing %s-%s ms (z in, Z out, < > scroll, f fits)", a, b);
}

static void scroll_view(struct tui_app *app, int dir)
{
    if (app->fit) {
        tui_message(app, TUI_MSG_INFO, "zoom in (z) to scroll the time axis");
        return;
    }
    int w = plot_width(app);
    app->view_t0 += dir * app->view_ns_per_col * (w / 4 > 0 ? w / 4 : 1);
    clamp_view(app);
}

/* ---- schedules ------------------------------------------------------------------------- */

static void show_schedule(struct tui_app *app, int i)
{
    if (i < 0 || (size_t)i >= app->n_res)
        return;
    bool same = app->shown == i;
    app->shown = i;
    app->table_sel = i;
    if (app->split_b == i)
        app->split_b = -1;
    if (!same)
        clamp_cursor(app);
    const struct tui_result *r = &app->res[i];
    if (r->sched)
        tui_message(app, TUI_MSG_INFO, "showing %s: %s", r->sv->name, r->sv->summary);
    else if (r->sv->slow && r->error[0] == '\0')
        tui_message(app, TUI_MSG_INFO, "%s runs on demand: press r to solve (Esc cancels)",
                    r->sv->name);
    else
        tui_message(app, TUI_MSG_ERR, "%s: %s", r->sv->name, r->error);
}

static void start_solve(struct tui_app *app)
{
    struct tui_result *r = &app->res[app->shown];
    int idx = app->shown;
    if (!r->sv->slow) {
        /* Find the first slow solver; the fast ones are always up to date. */
        idx = -1;
        for (size_t i = 0; i < app->n_res; i++)
            if (app->res[i].sv->slow) {
                idx = (int)i;
                break;
            }
        if (idx < 0) {
            tui_message(app, TUI_MSG_INFO, "every schedule is already computed (no slow solver)");
            return;
        }
        r = &app->res[idx];
    }
    struct tui_worker_state ws;
    tui_worker_peek(app->worker, &ws);
    if (ws.running) {
        tui_message(app, TUI_MSG_INFO, "%s is already solving (Esc cancels)", ws.sv->name);
        return;
    }
    if (ws.has_result) {
        /* An old result nobody took yet: take it now (it is dropped if stale). */
        struct tui_worker_result res;
        if (tui_worker_take(app->worker, &res))
            tui_worker_result_fini(&res);
    }
    enum ps_status st = tui_worker_start(app->worker, r->sv, &app->sc, &r->params, app->gen);
    if (st != PS_OK) {
        tui_message(app, TUI_MSG_ERR, "cannot start %s: %s", r->sv->name, ps_status_str(st));
        return;
    }
    drop_result(r);
    show_schedule(app, idx);
    tui_message(app, TUI_MSG_INFO, "solving %s in the background (Esc cancels)", r->sv->name);
}

/* Collects a finished background solve. Returns true when the screen changed. */
static bool poll_worker(struct tui_app *app)
{
    struct tui_worker_result res;
    if (!tui_worker_take(app->worker, &res))
        return false;
    if (res.gen != app->gen) {
        tui_worker_result_fini(&res);
        tui_message(app, TUI_MSG_INFO, "%s result dropped: the scenario changed (r solves again)",
                    res.sv->name);
        return true;
    }
    struct tui_result *r = NULL;
    for (size_t i = 0; i < app->n_res; i++)
        if (app->res[i].sv == res.sv)
            r = &app->res[i];
    if (r == NULL) {
        tui_worker_result_fini(&res);
        return true;
    }
    drop_result(r);
    if (res.status != PS_OK) {
        char buf[400];
        if (res.diag.msg[0])
            ps_diag_format(&res.diag, NULL, buf, sizeof(buf));
        else
            snprintf(buf, sizeof(buf), "%s", ps_status_str(res.status));
        snprintf(r->error, sizeof(r->error), "%s", buf);
        tui_message(app, TUI_MSG_ERR, "%s failed: %s", res.sv->name, buf);
        tui_worker_result_fini(&res);
        return true;
    }
    r->sched = res.sched;
    r->own_sc = res.sc;
    const struct ps_schedule *s = r->sched;
    char ms[32];
    tui_fmt_ms(ms, sizeof(ms), ps_ns_to_ms(s->makespan_ns));
    if (s->solver.status == PS_SOLVE_INFEASIBLE)
        tui_message(app, TUI_MSG_ERR, "%s: infeasible: %s", res.sv->name, s->solver.error);
    else if (s->solver.status == PS_SOLVE_OPTIMAL)
        tui_message(app, TUI_MSG_OK, "%s solver: makespan %s ms, proven optimal", res.sv->name, ms);
    else {
        char bnd[32] = "-";
        if (s->solver.bound_ns >= 0)
            tui_fmt_ms(bnd, sizeof(bnd), ps_ns_to_ms(s->solver.bound_ns));
        tui_message(app, TUI_MSG_OK, "%s solver: makespan %s ms (%s; bound %s ms)", res.sv->name,
                    ms, ps_solve_status_str(s->solver.status), bnd);
    }
    clamp_cursor(app);
    return true;
}

/* ---- prompts, pickers and files -------------------------------------------------------- */

static void open_prompt(struct tui_app *app, enum tui_prompt_kind k, const char *label,
                        const char *initial)
{
    app->mode = TUI_MODE_PROMPT;
    app->prompt_kind = k;
    snprintf(app->prompt_label, sizeof(app->prompt_label), "%s", label);
    snprintf(app->prompt_buf, sizeof(app->prompt_buf), "%s", initial ? initial : "");
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void write_out(struct tui_app *app, const char *path, struct ps_buf *b, const char *what)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_write_atomic(path, b->data ? b->data : "", b->len, &d) != PS_OK) {
        char buf[400];
        ps_diag_format(&d, NULL, buf, sizeof(buf));
        tui_message(app, TUI_MSG_ERR, "could not write %s: %s", what, buf);
        return;
    }
    tui_message(app, TUI_MSG_OK, "wrote %s to %s (%zu bytes)", what, path, b->len);
}

static void export_schedule(struct tui_app *app, const char *path)
{
    const struct ps_schedule *s = tui_shown(app);
    if (s == NULL) {
        const struct tui_result *r = &app->res[app->shown];
        tui_message(app, TUI_MSG_ERR, "nothing to export: %s %s", r->sv->name,
                    r->pending ? "is updating; try again in a moment" : "has no schedule");
        return;
    }
    bool csv = ends_with(path, ".csv");
    if (!csv && !ends_with(path, ".json")) {
        tui_message(app, TUI_MSG_ERR, "export: the file name must end in .json or .csv");
        return;
    }
    struct ps_buf b;
    ps_buf_init(&b);
    enum ps_status st = csv ? ps_export_schedule_csv(s, &b) : ps_export_schedule_json(s, &b);
    if (st != PS_OK)
        tui_message(app, TUI_MSG_ERR, "export failed: %s", ps_status_str(st));
    else
        write_out(app, path, &b, csv ? "the schedule (CSV)" : "the schedule (JSON)");
    ps_buf_fini(&b);
}

static void export_compare(struct tui_app *app, const char *path)
{
    bool csv = ends_with(path, ".csv");
    if (!csv && !ends_with(path, ".json")) {
        tui_message(app, TUI_MSG_ERR, "export: the file name must end in .csv or .json");
        return;
    }
    struct ps_compare_row rows[TUI_MAX_SOLVERS];
    size_t n = 0;
    for (size_t i = 0; i < app->n_res; i++)
        if (app->res[i].sched)
            ps_compare_row_from(&rows[n++], app->res[i].sched);
    struct ps_buf b;
    ps_buf_init(&b);
    enum ps_status st =
        csv ? ps_export_compare_csv(rows, n, &b) : ps_export_compare_json(rows, n, &b);
    if (st != PS_OK)
        tui_message(app, TUI_MSG_ERR, "export failed: %s", ps_status_str(st));
    else
        write_out(app, path, &b, csv ? "the comparison (CSV)" : "the comparison (JSON)");
    ps_buf_fini(&b);
}

/* Loads a new scenario into the app; the old one stays when it fails. */
static void replace_scenario(struct tui_app *app, struct ps_scenario *sc, const char *source)
{
    drop_all(app);
    ps_scenario_fini(&app->sc);
    app->sc = *sc;
    ps_scenario_init(sc);
    snprintf(app->source, sizeof(app->source), "%.*s", (int)sizeof(app->source) - 1, source);
    app->field_sel = 1;
    app->field_scroll = 0;
    app->cursor_on = false;
    app->fit = true;
    recompute_all(app);
}

static void open_file(struct tui_app *app, const char *path)
{
    struct ps_scenario sc;
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_scenario_load(path, &sc, &d) != PS_OK) {
        char buf[400];
        ps_diag_format(&d, path, buf, sizeof(buf));
        tui_message(app, TUI_MSG_ERR, "could not open: %s", buf);
        ps_scenario_fini(&sc);
        return;
    }
    replace_scenario(app, &sc, path);
    tui_message(app, TUI_MSG_OK, "opened %s: %d stages, %d microbatches, %d DC%s", path,
                app->sc.n_stages, app->sc.n_microbatches, app->sc.n_dcs,
                app->sc.n_dcs == 1 ? "" : "s");
}

static void load_preset(struct tui_app *app, const char *name)
{
    struct ps_scenario sc;
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_preset_load(name, &sc, &d) != PS_OK) {
        char buf[400];
        ps_diag_format(&d, NULL, buf, sizeof(buf));
        tui_message(app, TUI_MSG_ERR, "could not load preset: %s", buf);
        ps_scenario_fini(&sc);
        return;
    }
    char src[128];
    snprintf(src, sizeof(src), "preset %s", name);
    replace_scenario(app, &sc, src);
    tui_message(app, TUI_MSG_OK, "loaded preset %s", name);
}

static void save_scenario(struct tui_app *app, const char *path)
{
    char *json = ps_scenario_to_json(&app->sc);
    if (json == NULL) {
        tui_message(app, TUI_MSG_ERR, "save failed: out of memory");
        return;
    }
    struct ps_buf b = {.data = json, .len = strlen(json), .cap = strlen(json) + 1};
    write_out(app, path, &b, "the scenario");
    free(json);
}

static int64_t shown_makespan(const struct tui_app *app)
{
    const struct ps_schedule *s = tui_shown(app);
    return s && s->timed ? s->makespan_ns : -1;
}

/* "inter-DC latency = 2 ms: 1f1b 3702.8 -> 3800.1 ms" after a good edit. */
static void edited_message(struct tui_app *app, int64_t before)
{
    struct tui_field fbuf;
    const struct tui_field *f = selected_field(app, &fbuf);
    char label[64] = "value", value[64] = "";
    if (f) {
        snprintf(label, sizeof(label), "%s", f->label[0] == ' ' ? f->label + 1 : f->label);
        snprintf(value, sizeof(value), "%s", f->value);
    }
    int64_t after = shown_makespan(app);
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
    if (app->prompt_kind != TUI_PROMPT_VALUE && *t == '\0') {
        tui_message(app, TUI_MSG_INFO, "cancelled: no file name");
        return;
    }
    /* A file name may start with ~/ (the home folder), as in a shell. */
    char home_path[sizeof(text) + 256];
    const char *home = getenv("HOME");
    if (app->prompt_kind != TUI_PROMPT_VALUE && t[0] == '~' && (t[1] == '/' || t[1] == '\0') &&
        home != NULL && *home != '\0' && strlen(home) < 256) {
        snprintf(home_path, sizeof(home_path), "%s%s", home, t + 1);
        t = home_path;
    }
    switch (app->prompt_kind) {
    case TUI_PROMPT_VALUE: {
        int64_t before = shown_makespan(app);
        app->msg[0] = '\0';
        enter_value(app, t);
        if (app->msg[0] == '\0')
            edited_message(app, before);
        break;
    }
    case TUI_PROMPT_EXPORT:
        export_schedule(app, t);
        break;
    case TUI_PROMPT_EXPORT_CMP:
        export_compare(app, t);
        break;
    case TUI_PROMPT_OPEN:
        open_file(app, t);
        break;
    case TUI_PROMPT_SAVE:
        save_scenario(app, t);
        break;
    }
}

static int picker_count(const struct tui_app *app)
{
    return app->picker_kind == TUI_PICK_SCHEDULE ? (int)app->n_res : (int)ps_preset_count();
}

static void open_picker(struct tui_app *app, enum tui_picker_kind k)
{
    app->mode = TUI_MODE_PICKER;
    app->picker_kind = k;
    app->picker_sel = k == TUI_PICK_SCHEDULE ? app->shown : 0;
}

static void accept_picker(struct tui_app *app)
{
    app->mode = TUI_MODE_NORMAL;
    if (app->picker_kind == TUI_PICK_SCHEDULE)
        show_schedule(app, app->picker_sel);
    else {
        const struct ps_preset *p = ps_preset_at((size_t)app->picker_sel);
        if (p)
            load_preset(app, p->name);
    }
}

/* ---- the panel selection --------------------------------------------------------------- */

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

static void fix_field_sel(struct tui_app *app)
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

static void fix_table_scroll(struct tui_app *app)
{
    struct tui_layout lo;
    tui_layout(app, &lo);
    int vis = lo.table.h - 3; /* border, header, border */
    if (vis < 1)
        vis = 1;
    if (app->table_sel < app->table_scroll)
        app->table_scroll = app->table_sel;
    if (app->table_sel >= app->table_scroll + vis)
        app->table_scroll = app->table_sel - vis + 1;
    if (app->table_scroll > (int)app->n_res - vis)
        app->table_scroll = (int)app->n_res - vis > 0 ? (int)app->n_res - vis : 0;
}

/* The exact number behind a field; false for fields without one (none, off, text). */
static bool field_number(const struct tui_app *app, const struct tui_field *f, double *v)
{
    const struct ps_scenario *sc = &app->sc;
    switch (f->kind) {
    case TUI_FK_DC_SCALE:
        *v = sc->dcs[f->index].compute_scale;
        return true;
    case TUI_FK_F:
        *v = sc->compute.forward_ms;
        return true;
    case TUI_FK_B:
        *v = sc->compute.backward_ms;
        return true;
    case TUI_FK_W:
        *v = sc->compute.weight_ms;
        return true;
    case TUI_FK_ACT_MB:
        *v = sc->activation_mb;
        return true;
    case TUI_FK_INTRA_LAT:
        *v = sc->intra_dc.latency_ms;
        return true;
    case TUI_FK_INTRA_BW:
        *v = sc->intra_dc.bandwidth_gbps;
        return true;
    case TUI_FK_INTER_LAT:
        *v = sc->inter_dc.latency_ms;
        return true;
    case TUI_FK_INTER_BW:
        *v = sc->inter_dc.bandwidth_gbps;
        return true;
    case TUI_FK_PAIR_LAT:
        *v = pair_link(sc, f->index, f->index2).latency_ms;
        return true;
    case TUI_FK_PAIR_BW:
        *v = pair_link(sc, f->index, f->index2).bandwidth_gbps;
        return true;
    case TUI_FK_MEM_LIMIT:
        *v = sc->memory_limit;
        return sc->has_memory_limit;
    case TUI_FK_MEM_MULT:
        *v = sc->memory_limit / ps_scenario_1f1b_budget(sc);
        return sc->has_memory_limit;
    case TUI_FK_WSHARE:
        *v = sc->weight_share;
        return true;
    case TUI_FK_DP_AG:
        *v = sc->allgather_ms;
        return sc->has_data_parallel;
    case TUI_FK_DP_RS:
        *v = sc->reduce_scatter_ms;
        return sc->has_data_parallel;
    default:
        return false;
    }
}

static void start_edit(struct tui_app *app)
{
    struct tui_field fbuf;
    const struct tui_field *f = selected_field(app, &fbuf);
    if (f == NULL || f->kind == TUI_FK_SECTION)
        return;
    char label[96], initial[64];
    snprintf(label, sizeof(label), "%s:", f->label[0] == ' ' ? f->label + 1 : f->label);
    snprintf(initial, sizeof(initial), "%s", f->value);
    /* The exact value, not the rounded one on screen, so Enter alone changes nothing. */
    double raw;
    if (field_number(app, f, &raw))
        fmt_num(initial, sizeof(initial), raw);
    /* Drop the unit and the "inherited" star, so the text is a plain number. */
    char *sp = strchr(initial, ' ');
    if (sp && f->kind != TUI_FK_PARAM)
        *sp = '\0';
    size_t len = strlen(initial);
    if (len && (initial[len - 1] == '*' || initial[len - 1] == 'x'))
        initial[len - 1] = '\0';
    if (strcmp(initial, "-") == 0 || strcmp(initial, "off") == 0)
        initial[0] = '\0';
    open_prompt(app, TUI_PROMPT_VALUE, label, initial);
}

/* ---- mouse ----------------------------------------------------------------------------- */

static bool inside(const struct tui_rect *r, int x, int y)
{
    return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

static unsigned mouse(struct tui_app *app, const struct tui_event *ev)
{
    struct tui_layout lo;
    tui_layout(app, &lo);
    if (lo.too_small || app->mode != TUI_MODE_NORMAL)
        return 0;
    int wheel = ev->button == TUI_BTN_WHEEL_UP ? -1 : ev->button == TUI_BTN_WHEEL_DOWN ? 1 : 0;
    if (inside(&lo.panel, ev->x, ev->y)) {
        app->focus = TUI_FOCUS_PANEL;
        if (wheel) {
            move_field(app, wheel, 3);
            return TUI_REDRAW;
        }
        int n;
        struct tui_field *fields = tui_fields_new(app, &n);
        int i = app->field_scroll + (ev->y - lo.panel.y - 1);
        if (fields && i >= 0 && i < n && fields[i].kind != TUI_FK_SECTION)
            app->field_sel = i;
        free(fields);
        return TUI_REDRAW;
    }
    if (inside(&lo.table, ev->x, ev->y)) {
        app->focus = TUI_FOCUS_TABLE;
        if (wheel) {
            int t = app->table_sel + wheel;
            if (t >= 0 && (size_t)t < app->n_res)
                app->table_sel = t;
            return TUI_REDRAW;
        }
        int i = app->table_scroll + (ev->y - lo.table.y - 2);
        if (i >= 0 && (size_t)i < app->n_res) {
            app->table_sel = i;
            show_schedule(app, i);
        }
        return TUI_REDRAW;
    }
    if (inside(&lo.gantt, ev->x, ev->y)) {
        app->focus = TUI_FOCUS_GANTT;
        if (wheel) {
            /* Zoomed: the wheel scrolls time; fitted: the rows, when they overflow. */
            if (!app->fit)
                scroll_view(app, wheel);
            else if (app->gantt_scroll + wheel * 3 >= 0)
                app->gantt_scroll += wheel * 3;
            else
                app->gantt_scroll = 0;
            return TUI_REDRAW;
        }
        if (!inside(&lo.plot, ev->x, ev->y))
            return TUI_REDRAW;
        static struct tui_grow rows[MAX_GROWS];
        int n = tui_gantt_rows(app, rows, MAX_GROWS);
        int r = app->gantt_scroll + (ev->y - lo.plot.y);
        if (r < 0 || r >= n || rows[r].kind != TUI_GROW_DEVICE)
            return TUI_REDRAW;
        if (rows[r].sched != app->shown) {
            /* A click in B's rows shows B. */
            int b = rows[r].sched;
            app->split_b = app->shown;
            app->shown = b;
            app->table_sel = b;
        }
        const struct ps_schedule *s = tui_shown(app);
        int st = rows[r].index;
        if (s == NULL || st >= s->n_stages || s->dev_n[st] == 0)
            return TUI_REDRAW;
        int64_t t = app->view_t0 + (int64_t)(ev->x - lo.plot.x) * app->view_ns_per_col +
                    app->view_ns_per_col / 2;
        app->cursor_on = true;
        app->cur_stage = st;
        app->cur_index = nearest_op(s, st, t);
        return TUI_REDRAW;
    }
    return 0;
}

/* ---- the dispatcher -------------------------------------------------------------------- */

static unsigned apply_prompt(struct tui_app *app, const struct tui_cmd *cmd)
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

static unsigned apply_picker(struct tui_app *app, const struct tui_cmd *cmd)
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

static unsigned apply_help(struct tui_app *app, const struct tui_cmd *cmd)
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
    char lines[80][96];
    int n = tui_help_lines(lines, 80);
    int vis = app->rows - 6;
    int max = n - (vis > 1 ? vis : 1);
    if (app->help_scroll > max)
        app->help_scroll = max > 0 ? max : 0;
}

/* B of the split view: the table's row when it is another schedule, else the 1F1B
 * baseline, else the greedy, else the first other schedule that has a result. */
static int pick_b(const struct tui_app *app)
{
    if (app->table_sel != app->shown && app->table_sel >= 0 && (size_t)app->table_sel < app->n_res)
        return app->table_sel;
    int first = -1, greedy = -1;
    for (size_t i = 0; i < app->n_res; i++) {
        if ((int)i == app->shown || app->res[i].sched == NULL)
            continue;
        if (strcmp(app->res[i].sv->name, "1f1b") == 0)
            return (int)i;
        if (strcmp(app->res[i].sv->name, "greedy") == 0)
            greedy = (int)i;
        if (first < 0)
            first = (int)i;
    }
    if (greedy >= 0)
        return greedy;
    return first >= 0 ? first : (int)(((size_t)app->shown + 1) % app->n_res);
}

static unsigned apply_normal(struct tui_app *app, const struct tui_cmd *cmd)
{
    enum tui_focus fo = app->focus;
    switch (cmd->action) {
    case TUI_A_QUIT:
        return TUI_QUIT;
    case TUI_A_HELP:
        app->mode = TUI_MODE_HELP;
        app->help_scroll = 0;
        return TUI_REDRAW;
    case TUI_A_UP:
    case TUI_A_DOWN: {
        int dir = cmd->action == TUI_A_UP ? -1 : 1;
        if (fo == TUI_FOCUS_PANEL)
            move_field(app, dir, 1);
        else if (fo == TUI_FOCUS_GANTT)
            cursor_move(app, dir, 0);
        else {
            int t = app->table_sel + dir;
            if (t >= 0 && (size_t)t < app->n_res)
                app->table_sel = t;
        }
        return TUI_REDRAW;
    }
    case TUI_A_PGUP:
    case TUI_A_PGDN: {
        int dir = cmd->action == TUI_A_PGUP ? -1 : 1;
        if (fo == TUI_FOCUS_PANEL)
            move_field(app, dir, 8);
        else if (fo == TUI_FOCUS_GANTT)
            scroll_view(app, dir);
        else
            app->table_sel = dir < 0 ? 0 : (int)app->n_res - 1;
        return TUI_REDRAW;
    }
    case TUI_A_HOME:
    case TUI_A_END: {
        bool home = cmd->action == TUI_A_HOME;
        if (fo == TUI_FOCUS_PANEL)
            move_field(app, home ? -1 : 1, tui_fields(app, NULL, 0));
        else if (fo == TUI_FOCUS_GANTT)
            cursor_move(app, 0, home ? -1000000 : 1000000);
        else
            app->table_sel = home ? 0 : (int)app->n_res - 1;
        return TUI_REDRAW;
    }
    case TUI_A_LEFT:
    case TUI_A_RIGHT:
    case TUI_A_INC:
    case TUI_A_DEC: {
        int dir = cmd->action == TUI_A_RIGHT || cmd->action == TUI_A_INC ? 1 : -1;
        bool lr = cmd->action == TUI_A_LEFT || cmd->action == TUI_A_RIGHT;
        if (fo == TUI_FOCUS_PANEL) {
            int64_t before = shown_makespan(app);
            app->msg[0] = '\0';
            step_field(app, dir);
            if (app->msg[0] == '\0')
                edited_message(app, before);
        } else if (fo == TUI_FOCUS_GANTT) {
            if (lr)
                cursor_move(app, 0, dir);
            else
                zoom(app, dir);
        } else if (lr) {
            int t = app->table_sel + dir;
            if (t >= 0 && (size_t)t < app->n_res)
                show_schedule(app, t);
        }
        return TUI_REDRAW;
    }
    case TUI_A_ENTER:
        if (fo == TUI_FOCUS_PANEL)
            start_edit(app);
        else if (fo == TUI_FOCUS_TABLE)
            show_schedule(app, app->table_sel);
        else
            cursor_start(app);
        return TUI_REDRAW;
    case TUI_A_ESC: {
        struct tui_worker_state ws;
        tui_worker_peek(app->worker, &ws);
        if (ws.running) {
            tui_worker_cancel(app->worker);
            tui_message(app, TUI_MSG_INFO, "cancelling %s...", ws.sv->name);
        } else if (app->split_b >= 0) {
            app->split_b = -1;
        } else if (app->cursor_on)
            app->cursor_on = false;
        return TUI_REDRAW;
    }
    case TUI_A_NEXT_PANE:
        app->focus = (enum tui_focus)((fo + 1) % TUI_FOCUS_COUNT);
        if (app->focus == TUI_FOCUS_GANTT)
            cursor_start(app);
        return TUI_REDRAW;
    case TUI_A_PREV_PANE:
        app->focus = (enum tui_focus)((fo + TUI_FOCUS_COUNT - 1) % TUI_FOCUS_COUNT);
        if (app->focus == TUI_FOCUS_GANTT)
            cursor_start(app);
        return TUI_REDRAW;
    case TUI_A_SCHEDULE:
        if ((size_t)cmd->arg >= app->n_res) {
            tui_message(app, TUI_MSG_ERR, "no schedule %d (there are %zu)", cmd->arg + 1,
                        app->n_res);
            return TUI_REDRAW;
        }
        show_schedule(app, cmd->arg);
        return TUI_REDRAW;
    case TUI_A_NEXT_SCHEDULE:
        if (app->n_res)
            show_schedule(app, (int)(((size_t)app->shown + 1) % app->n_res));
        return TUI_REDRAW;
    case TUI_A_PICK_SCHEDULE:
        open_picker(app, TUI_PICK_SCHEDULE);
        return TUI_REDRAW;
    case TUI_A_PICK_PRESET:
        open_picker(app, TUI_PICK_PRESET);
        return TUI_REDRAW;
    case TUI_A_SPLIT:
        if (app->split_b >= 0) {
            app->split_b = -1;
            tui_message(app, TUI_MSG_INFO, "split view off");
        } else if (app->n_res > 1) {
            int b = pick_b(app);
            app->split_b = b;
            tui_message(app, TUI_MSG_INFO, "A = %s, B = %s on the same time axis",
                        app->res[app->shown].sv->name, app->res[b].sv->name);
        }
        return TUI_REDRAW;
    case TUI_A_SOLVE:
        start_solve(app);
        return TUI_REDRAW;
    case TUI_A_CRIT: {
        app->show_crit = !app->show_crit;
        struct tui_result *r = &app->res[app->shown];
        if (!app->show_crit || r->sched == NULL) {
            tui_message(app, TUI_MSG_INFO, "critical path %s", app->show_crit ? "on" : "off");
            return TUI_REDRAW;
        }
        ensure_crit(r);
        size_t on = 0;
        int64_t busy = 0;
        for (int st = 0; r->crit && st < r->sched->n_stages; st++)
            for (size_t i = 0; i < r->sched->dev_n[st]; i++)
                if (r->crit[st][i]) {
                    on++;
                    busy += r->sched->dev_ops[st][i].end_ns - r->sched->dev_ops[st][i].start_ns;
                }
        char a[32], b[32];
        tui_fmt_ms(a, sizeof(a), ps_ns_to_ms(busy));
        tui_fmt_ms(b, sizeof(b), ps_ns_to_ms(r->sched->makespan_ns));
        tui_message(app, TUI_MSG_INFO,
                    "critical path: %zu ops, compute %s of the %s ms makespan (the rest: "
                    "transfers and waits; x hides)",
                    on, a, b);
        return TUI_REDRAW;
    }
    case TUI_A_CHANNELS:
        app->show_channels = !app->show_channels;
        return TUI_REDRAW;
    case TUI_A_ZOOM_IN:
        zoom(app, 1);
        return TUI_REDRAW;
    case TUI_A_ZOOM_OUT:
        zoom(app, -1);
        return TUI_REDRAW;
    case TUI_A_FIT:
        app->fit = true;
        return TUI_REDRAW;
    case TUI_A_SCROLL_LEFT:
        scroll_view(app, -1);
        return TUI_REDRAW;
    case TUI_A_SCROLL_RIGHT:
        scroll_view(app, 1);
        return TUI_REDRAW;
    case TUI_A_EXPORT: {
        char def[96];
        snprintf(def, sizeof(def), "pipescope-%s.json", app->res[app->shown].sv->name);
        open_prompt(app, TUI_PROMPT_EXPORT, "Export schedule to (.json/.csv):", def);
        return TUI_REDRAW;
    }
    case TUI_A_EXPORT_CMP:
        open_prompt(app, TUI_PROMPT_EXPORT_CMP,
                    "Export comparison to (.csv/.json):", "pipescope-compare.csv");
        return TUI_REDRAW;
    case TUI_A_OPEN:
        open_prompt(app, TUI_PROMPT_OPEN, "Open scenario file:", "");
        return TUI_REDRAW;
    case TUI_A_SAVE: {
        char def[160];
        snprintf(def, sizeof(def), "%s.json", app->sc.name[0] ? app->sc.name : "scenario");
        open_prompt(app, TUI_PROMPT_SAVE, "Save scenario to:", def);
        return TUI_REDRAW;
    }
    case TUI_A_REDRAW:
        return TUI_REDRAW;
    default:
        return 0;
    }
}

unsigned tui_apply(struct tui_app *app, const struct tui_cmd *cmd)
{
    unsigned r = 0;
    switch (cmd->action) {
    case TUI_A_RESIZE:
        app->cols = cmd->ev.cols;
        app->rows = cmd->ev.rows;
        r = TUI_REDRAW;
        break;
    case TUI_A_TICK: {
        r = poll_worker(app) ? TUI_REDRAW : 0;
        if (poll_lanes(app, false))
            r |= TUI_REDRAW;
        struct tui_worker_state ws;
        tui_worker_peek(app->worker, &ws);
        if (ws.running)
            r |= TUI_REDRAW; /* live progress */
        break;
    }
    case TUI_A_MOUSE:
        r = mouse(app, &cmd->ev);
        break;
    default:
        switch (app->mode) {
        case TUI_MODE_PROMPT:
            r = apply_prompt(app, cmd);
            break;
        case TUI_MODE_PICKER:
            r = apply_picker(app, cmd);
            break;
        case TUI_MODE_HELP:
            r = apply_help(app, cmd);
            clamp_help(app);
            break;
        default:
            r = apply_normal(app, cmd);
            break;
        }
    }
    if (r & TUI_QUIT)
        return r;
    /* Keep derived view state consistent with whatever changed. */
    clamp_cursor(app);
    fix_field_sel(app);
    fix_table_scroll(app);
    if (app->split_b >= 0 && ((size_t)app->split_b >= app->n_res || app->split_b == app->shown))
        app->split_b = -1;
    if (app->fit)
        refit(app);
    else
        clamp_view(app);
    if (app->show_crit) {
        ensure_crit(&app->res[app->shown]);
        if (app->split_b >= 0)
            ensure_crit(&app->res[app->split_b]);
    }
    static struct tui_grow rows[MAX_GROWS];
    int n = tui_gantt_rows(app, rows, MAX_GROWS);
    struct tui_layout lo;
    tui_layout(app, &lo);
    if (app->gantt_scroll > n - lo.plot.h)
        app->gantt_scroll = n - lo.plot.h > 0 ? n - lo.plot.h : 0;
    return r;
}

void tui_app_settle(struct tui_app *app)
{
    poll_lanes(app, true);
    struct tui_cmd cmd = {.action = TUI_A_TICK, .ev = {.type = TUI_EV_TICK}};
    tui_apply(app, &cmd);
}
