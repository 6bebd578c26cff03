/* The schedules of the explorer and their results: every fast schedule recomputed after
 * each change of the scenario (on a background lane when it got slow, so the frame is not
 * held up), the slow solver on demand on the worker thread, the critical paths, and which
 * schedule is shown. */
#include "tui/explorer/results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/units.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/view.h"

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

void tui_results_drop(struct tui_result *r)
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

void tui_results_run(struct tui_app *app, size_t i)
{
    struct tui_result *r = &app->res[i];
    tui_results_drop(r);
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

bool tui_results_poll(struct tui_app *app, bool wait)
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
        tui_results_drop(r);
        r->last_ms = res.wall_ms;
        if (res.status != PS_OK) {
            set_error(r, res.status, &res.diag);
            tui_worker_result_fini(&res);
            if (r->has_undo && tui_result_failed_on_param(r, r->undo_key))
                tui_result_undo_param(app, r);
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
            tui_message(app, TUI_MSG_OK, "%s: %s makespan %s -> %s ms%s%s", app->await_prefix,
                        r->sv->name, a, b, app->edit_note[0] ? "; " : "", app->edit_note);
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

void tui_result_crit(struct tui_result *r)
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

void tui_results_recompute(struct tui_app *app)
{
    app->gen++;
    struct tui_worker_state ws;
    if (app->worker) {
        tui_worker_peek(app->worker, &ws);
        if (ws.running)
            tui_worker_cancel(app->worker);
    }
    for (size_t i = 0; i < app->n_res; i++)
        tui_results_run(app, i);
    tui_view_clamp_cursor(app);
}

void tui_results_drop_all(struct tui_app *app)
{
    for (size_t i = 0; i < app->n_res; i++)
        tui_results_drop(&app->res[i]);
}

void tui_results_init(struct tui_app *app)
{
    size_t n = ps_solver_count();
    for (size_t i = 0; i < n && app->n_res < TUI_MAX_SOLVERS; i++)
        app->res[app->n_res++].sv = ps_solver_at(i);
    /* Show 1F1B first when the registry has it: the baseline everyone knows. */
    app->shown = 0;
    for (size_t i = 0; i < app->n_res; i++)
        if (strcmp(app->res[i].sv->name, "1f1b") == 0)
            app->shown = (int)i;
    /* The first frame waits for no slow generator: a guess of each run's time from the
     * size of the scenario sends the slow ones to their lanes at once (rows "updating"),
     * and their measured times decide from then on. */
    double ops = 3.0 * app->sc.n_stages * app->sc.n_microbatches;
    for (size_t i = 0; i < app->n_res; i++) {
        const struct ps_solver *sv = app->res[i].sv;
        double per_op_ms = strcmp(sv->name, "greedy") == 0 ? 1e-2 : 2e-4;
        app->res[i].last_ms = ops * (sv->max_chunks > 1 ? 2 : 1) * per_op_ms;
    }
}

void tui_results_fini(struct tui_app *app)
{
    for (size_t i = 0; i < app->n_res; i++) {
        tui_worker_free(app->res[i].lane);
        app->res[i].lane = NULL;
    }
    tui_results_drop_all(app);
}

bool tui_result_failed_on_param(const struct tui_result *r, const char *key)
{
    char path[64];
    snprintf(path, sizeof(path), "param.%s", key);
    return r->sched == NULL && !r->pending && r->error[0] && strcmp(r->diag.path, path) == 0;
}

void tui_result_undo_param(struct tui_app *app, struct tui_result *r)
{
    r->params = r->undo;
    r->has_undo = false;
    char reason[sizeof(r->diag.msg)];
    char path[sizeof(r->diag.path)];
    snprintf(reason, sizeof(reason), "%s", r->diag.msg);
    snprintf(path, sizeof(path), "%s", r->diag.path);
    tui_results_run(app, (size_t)(r - app->res));
    tui_refuse(app, path, reason, r->undo_value);
}

/* ---- the shown schedule and the slow solver ------------------------------------------ */

void tui_show_schedule(struct tui_app *app, int i)
{
    if (i < 0 || (size_t)i >= app->n_res)
        return;
    bool same = app->shown == i;
    app->shown = i;
    app->table_sel = i;
    if (app->split_b == i)
        app->split_b = -1;
    if (!same)
        tui_view_clamp_cursor(app);
    const struct tui_result *r = &app->res[i];
    if (r->sched)
        tui_message(app, TUI_MSG_INFO, "showing %s: %s", r->sv->name, r->sv->summary);
    else if (r->sv->slow && r->error[0] == '\0')
        tui_message(app, TUI_MSG_INFO, "%s runs on demand: press r to solve (Esc cancels)",
                    r->sv->name);
    else
        tui_message(app, TUI_MSG_ERR, "%s: %s", r->sv->name, r->error);
}

void tui_solve_start(struct tui_app *app)
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
    tui_results_drop(r);
    tui_show_schedule(app, idx);
    tui_message(app, TUI_MSG_INFO, "solving %s in the background (Esc cancels)", r->sv->name);
}

bool tui_solve_poll(struct tui_app *app)
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
    tui_results_drop(r);
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
    tui_view_clamp_cursor(app);
    return true;
}
