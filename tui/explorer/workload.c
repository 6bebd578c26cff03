/* The explorer's workload planning: a plan runs on its own thread on a copy of the
 * scenario (planning cannot be cancelled: it is bounded by the checkpoint ILP's limits, a
 * few seconds on the long-context presets), and lands on the input timeout. A plan of a
 * scenario that changed meanwhile is dropped, and the newest request runs then. Field
 * edits of a workload scenario come here too: the planned fields are refused, everything
 * else plans again. Nothing here draws. */
#include "tui/explorer/workload.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/io/io.h"
#include "solvers/solver.h"
#include "tui/explorer/results.h"

struct tui_wl_job {
    pthread_t thread;
    pthread_mutex_t mu;
    bool finished; /* guarded by mu */
    unsigned long gen;
    double t0, wall_ms;
    struct ps_scenario in; /* the thread's own copy */
    /* The thread's answer, read after the join. */
    enum ps_status st;
    struct ps_scenario out;
    struct ps_wl_report rep;
    struct ps_diag d;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void *plan_main(void *arg)
{
    struct tui_wl_job *j = arg;
    ps_diag_clear(&j->d);
    j->st = ps_workload_plan(&j->in, &j->out, &j->rep, &j->d);
    ps_solver_thread_exit(); /* GLPK's environment of this thread */
    pthread_mutex_lock(&j->mu);
    j->wall_ms = now_ms() - j->t0;
    j->finished = true;
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

static void job_free(struct tui_wl_job *j)
{
    if (j == NULL)
        return;
    ps_scenario_fini(&j->in);
    ps_scenario_fini(&j->out);
    ps_wl_report_fini(&j->rep);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

static struct tui_workload *state(struct tui_app *app)
{
    if (app->wl == NULL)
        app->wl = calloc(1, sizeof *app->wl);
    return app->wl;
}

/* Starts a plan of app->sc; false (with a message) when it cannot. */
static bool start(struct tui_app *app)
{
    struct tui_workload *wl = app->wl;
    struct tui_wl_job *j = calloc(1, sizeof *j);
    if (j == NULL || pthread_mutex_init(&j->mu, NULL) != 0) {
        free(j);
        tui_message(app, TUI_MSG_ERR, "workload: out of memory");
        return false;
    }
    ps_scenario_init(&j->out);
    if (ps_scenario_copy(&j->in, &app->sc) != PS_OK) {
        pthread_mutex_destroy(&j->mu);
        free(j);
        tui_message(app, TUI_MSG_ERR, "workload: out of memory");
        return false;
    }
    j->gen = app->gen;
    j->t0 = now_ms();
    if (pthread_create(&j->thread, NULL, plan_main, j) != 0) {
        job_free(j);
        tui_message(app, TUI_MSG_ERR, "workload: cannot start the planning thread");
        return false;
    }
    wl->job = j;
    wl->again = false;
    return true;
}

void tui_workload_replan(struct tui_app *app)
{
    if (app->sc.workload == NULL)
        return;
    struct tui_workload *wl = state(app);
    if (wl == NULL) {
        tui_message(app, TUI_MSG_ERR, "workload: out of memory");
        return;
    }
    if (wl->job != NULL) {
        wl->again = true; /* the running plan is of an older scenario */
        return;
    }
    if (start(app))
        tui_message(app, TUI_MSG_INFO,
                    "planning the workload (%s, checkpoint %s)... W: the workload screen",
                    ps_granularity_str(app->sc.workload->plan.granularity),
                    ps_ckpt_policy_str(app->sc.workload->plan.checkpoint));
}

void tui_workload_reset(struct tui_app *app)
{
    struct tui_workload *wl = app->wl;
    if (wl != NULL) {
        ps_wl_report_fini(&wl->rep);
        wl->has_plan = false;
        wl->error[0] = '\0';
        wl->scroll = 0;
    }
    if (app->sc.workload == NULL)
        app->workload_screen = false;
    else
        tui_workload_replan(app);
}

bool tui_workload_running(const struct tui_app *app)
{
    return app->wl != NULL && app->wl->job != NULL;
}

/* The planned scenario takes app->sc's place; its report the screen's. */
static void install(struct tui_app *app, struct tui_wl_job *j)
{
    struct tui_workload *wl = app->wl;
    tui_results_drop_all(app);
    ps_scenario_fini(&app->sc);
    app->sc = j->out;
    ps_scenario_init(&j->out);
    ps_wl_report_fini(&wl->rep);
    wl->rep = j->rep;
    memset(&j->rep, 0, sizeof j->rep);
    wl->rep_ckpt = j->in.workload->plan.checkpoint;
    wl->has_plan = true;
    wl->error[0] = '\0';
    wl->plan_ms = j->wall_ms;
    tui_results_recompute(app);
    const struct ps_wl_report *r = &wl->rep;
    const struct ps_wl_plan *pl = &app->sc.workload->plan;
    char k[32] = "";
    if (r->slices > 0)
        snprintf(k, sizeof k, " K=%d", r->slices);
    tui_message(app, TUI_MSG_OK,
                "workload planned in %.1f s: %s%s, %d chunks in %d pipeline%s, checkpoint %s%s; "
                "1F1B iteration %.1f ms",
                j->wall_ms / 1e3, ps_granularity_str(pl->granularity), k, r->chunks, r->pipelines,
                r->pipelines == 1 ? "" : "s", ps_ckpt_policy_str(pl->checkpoint),
                pl->checkpoint == PS_CKPT_ADAPTIVE ? (r->used_ilp ? " (GLPK)" : " (greedy)") : "",
                r->iteration_ms);
}

/* A plan that found nothing: the scenario stays; the screen says why. */
static void failed(struct tui_app *app, struct tui_wl_job *j)
{
    struct tui_workload *wl = app->wl;
    if (j->d.msg[0] == '\0')
        snprintf(j->d.msg, sizeof j->d.msg, "%s", ps_status_str(j->st));
    ps_diag_format(&j->d, NULL, wl->error, sizeof wl->error);
    wl->has_plan = false;
    ps_wl_report_fini(&wl->rep);
    wl->rep = j->rep; /* the search's tries say which K fit */
    memset(&j->rep, 0, sizeof j->rep);
    wl->plan_ms = j->wall_ms;
    tui_message(app, TUI_MSG_ERR, "workload: no plan: %s", wl->error);
}

bool tui_workload_poll(struct tui_app *app, bool wait)
{
    struct tui_workload *wl = app->wl;
    bool changed = false;
    while (wl != NULL && wl->job != NULL) {
        struct tui_wl_job *j = wl->job;
        pthread_mutex_lock(&j->mu);
        bool done = j->finished;
        pthread_mutex_unlock(&j->mu);
        if (!done && !wait)
            break;
        pthread_join(j->thread, NULL);
        wl->job = NULL;
        changed = true;
        bool stale = wl->again || j->gen != app->gen || app->sc.workload == NULL;
        if (!stale && j->st == PS_OK)
            install(app, j);
        else if (!stale)
            failed(app, j);
        job_free(j);
        if (stale && wl->again && app->sc.workload != NULL && !start(app))
            break;
    }
    return changed;
}

/* ---- the settings ------------------------------------------------------------------------ */

void tui_workload_setting(const struct tui_app *app, int row, char *label, size_t lsize,
                          char *value, size_t vsize)
{
    static const char *const labels[TUI_WL_ROWS] = {"granularity", "checkpoint", "order",
                                                    "slices K", "pipelines"};
    snprintf(label, lsize, "%s", row >= 0 && row < TUI_WL_ROWS ? labels[row] : "");
    value[0] = '\0';
    const struct ps_workload *w = app->sc.workload;
    if (w == NULL)
        return;
    const struct ps_wl_plan *p = &w->plan;
    const struct ps_wl_report *r = app->wl && app->wl->has_plan ? &app->wl->rep : NULL;
    switch (row) {
    case TUI_WL_GRANULARITY:
        snprintf(value, vsize, "%s", ps_granularity_str(p->granularity));
        break;
    case TUI_WL_CHECKPOINT:
        snprintf(value, vsize, "%s", ps_ckpt_policy_str(p->checkpoint));
        break;
    case TUI_WL_ORDER:
        snprintf(value, vsize, "%s", ps_wl_order_str(p->order));
        break;
    case TUI_WL_SLICES:
        if (p->granularity != PS_GRAN_ELASTIC && p->granularity != PS_GRAN_EVEN)
            snprintf(value, vsize, "-");
        else if (p->slices > 0)
            snprintf(value, vsize, "%d", p->slices);
        else if (r != NULL && r->slices > 0)
            snprintf(value, vsize, "auto (%d)", r->slices);
        else
            snprintf(value, vsize, "auto");
        break;
    case TUI_WL_PIPELINES:
        if (p->pipelines > 0)
            snprintf(value, vsize, "%d", p->pipelines);
        else if (r != NULL)
            snprintf(value, vsize, "auto (%d)", r->pipelines);
        else
            snprintf(value, vsize, "auto");
        break;
    default:
        break;
    }
}

static int wrap(int v, int dir, int n)
{
    return ((v + dir) % n + n) % n;
}

void tui_workload_step(struct tui_app *app, int row, int dir)
{
    struct ps_workload *w = app->sc.workload;
    if (w == NULL)
        return;
    struct ps_wl_plan *p = &w->plan;
    dir = dir > 0 ? 1 : -1;
    switch (row) {
    case TUI_WL_GRANULARITY:
        p->granularity = (enum ps_granularity)wrap((int)p->granularity, dir, PS_GRAN_EVEN + 1);
        break;
    case TUI_WL_CHECKPOINT:
        p->checkpoint = (enum ps_ckpt_policy)wrap((int)p->checkpoint, dir, PS_CKPT_ADAPTIVE + 1);
        break;
    case TUI_WL_ORDER:
        p->order = (enum ps_wl_order)wrap((int)p->order, dir, PS_ORDER_GIVEN + 1);
        break;
    case TUI_WL_SLICES:
        if (p->granularity != PS_GRAN_ELASTIC && p->granularity != PS_GRAN_EVEN) {
            tui_message(app, TUI_MSG_INFO, "slices: only elastic and even granularity slice");
            return;
        }
        p->slices = wrap(p->slices, dir, p->max_slices + 1); /* 0: auto */
        break;
    case TUI_WL_PIPELINES:
        p->pipelines = wrap(p->pipelines, dir, PS_WL_MAX_PIPELINES + 1); /* 0: auto */
        break;
    default:
        return;
    }
    char label[32], value[32];
    tui_workload_setting(app, row, label, sizeof label, value, sizeof value);
    tui_workload_replan(app);
    if (tui_workload_running(app))
        tui_message(app, TUI_MSG_INFO, "workload.plan %s = %s: planning...", label, value);
}

/* ---- field edits ------------------------------------------------------------------------- */

bool tui_workload_refuse_derived(struct tui_app *app, const char *path, const char *typed)
{
    if (!ps_scenario_path_derived(&app->sc, path))
        return false;
    tui_refuse(app, path,
               "planned from the workload: W opens the workload screen (granularity, "
               "checkpointing)",
               typed);
    return true;
}

void tui_workload_edited(struct tui_app *app, int old_stages)
{
    if (app->sc.workload == NULL)
        return;
    if (app->sc.n_stages != old_stages) {
        /* the plan's per-stage memory and recomputation are of the old stages */
        struct ps_diag d;
        ps_diag_clear(&d);
        if (ps_workload_apply_raw(&app->sc, &d) != PS_OK) {
            tui_message(app, TUI_MSG_ERR, "workload: %s", d.msg);
            return;
        }
        tui_results_recompute(app);
    }
    tui_workload_replan(app);
}

/* ---- the screen and the state's life ----------------------------------------------------- */

void tui_workload_toggle(struct tui_app *app)
{
    if (app->workload_screen) {
        app->workload_screen = false;
        tui_message(app, TUI_MSG_INFO, "pipeline screen (W: the workload screen)");
        return;
    }
    if (app->sc.workload == NULL) {
        tui_message(app, TUI_MSG_ERR,
                    "no workload in this scenario: p loads one (infinipipe-13b-cc48k, "
                    "infinipipe-30b-gh96k, infinipipe-30b-2dc), or --workload FILE");
        return;
    }
    if (state(app) == NULL) {
        tui_message(app, TUI_MSG_ERR, "workload: out of memory");
        return;
    }
    app->workload_screen = true;
    if (!app->wl->has_plan && app->wl->job == NULL && app->wl->error[0] == '\0')
        tui_workload_replan(app);
    else
        tui_message(app, TUI_MSG_INFO,
                    "workload: Up/Down a setting, +/- or Left/Right change it (plans again), "
                    "PgUp/PgDn the chunks, W or Esc back");
}

void tui_workload_free(struct tui_workload *wl)
{
    if (wl == NULL)
        return;
    if (wl->job != NULL) {
        pthread_join(wl->job->thread, NULL);
        job_free(wl->job);
    }
    ps_wl_report_fini(&wl->rep);
    free(wl);
}

void tui_workload_release(struct tui_workload *wl)
{
    if (wl == NULL || wl->job == NULL)
        return;
    struct tui_wl_job *j = wl->job;
    pthread_mutex_lock(&j->mu);
    bool done = j->finished;
    pthread_mutex_unlock(&j->mu);
    if (done) {
        pthread_join(j->thread, NULL);
        job_free(j);
    } else {
        pthread_detach(j->thread); /* the exit ends it; j stays reachable */
    }
    wl->job = done ? NULL : j;
}
