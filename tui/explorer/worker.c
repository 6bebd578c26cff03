/* The background solve thread: one job at a time, a copy of the scenario so the UI can
 * keep editing, a cancel flag the solver polls, and progress behind a mutex. */
#include "tui/explorer/worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tui_worker {
    pthread_mutex_t mu;
    pthread_t thread;
    bool thread_live; /* started and not yet joined */
    atomic_int cancel;

    /* Guarded by mu. */
    bool running, done;
    struct tui_worker_state st;
    struct tui_worker_result res;
    struct timespec t_start;

    /* Owned by the job while running. */
    struct ps_params params;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct tui_worker *tui_worker_new(void)
{
    struct tui_worker *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    if (pthread_mutex_init(&w->mu, NULL) != 0) {
        free(w);
        return NULL;
    }
    atomic_init(&w->cancel, 0);
    return w;
}

void tui_worker_result_fini(struct tui_worker_result *r)
{
    ps_schedule_free(r->sched);
    r->sched = NULL;
    if (r->sc) {
        ps_scenario_fini(r->sc);
        free(r->sc);
        r->sc = NULL;
    }
}

static void join(struct tui_worker *w)
{
    if (w->thread_live) {
        pthread_join(w->thread, NULL);
        w->thread_live = false;
    }
}

void tui_worker_free(struct tui_worker *w)
{
    if (w == NULL)
        return;
    atomic_store(&w->cancel, 1);
    join(w);
    tui_worker_result_fini(&w->res);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

/* Called from the solving thread. */
static void on_progress(const struct ps_progress *p, void *user)
{
    struct tui_worker *w = user;
    pthread_mutex_lock(&w->mu);
    w->st.progress = *p;
    w->st.has_progress = true;
    pthread_mutex_unlock(&w->mu);
}

static void *run(void *arg)
{
    struct tui_worker *w = arg;
    struct ps_solve_ctx ctx = {.cancel = &w->cancel, .progress = on_progress, .user = w};
    struct ps_schedule *sched = NULL;
    struct ps_diag d;
    ps_diag_clear(&d);
    double t0 = now_ms();
    enum ps_status st = ps_solver_run(w->res.sv, w->res.sc, &w->params, &ctx, &sched, &d);
    double t1 = now_ms();
    pthread_mutex_lock(&w->mu);
    w->res.wall_ms = t1 - t0;
    w->res.status = st;
    w->res.diag = d;
    w->res.sched = st == PS_OK ? sched : NULL;
    if (st != PS_OK)
        ps_schedule_free(sched);
    w->running = false;
    w->done = true;
    pthread_mutex_unlock(&w->mu);
    ps_solver_thread_exit(); /* GLPK's per-thread environment */
    return NULL;
}

enum ps_status tui_worker_start(struct tui_worker *w, const struct ps_solver *sv,
                                const struct ps_scenario *sc, const struct ps_params *params,
                                unsigned long gen)
{
    pthread_mutex_lock(&w->mu);
    bool busy = w->running || w->done;
    pthread_mutex_unlock(&w->mu);
    if (busy)
        return PS_EINVAL;
    join(w);

    struct ps_scenario *copy = malloc(sizeof(*copy));
    if (copy == NULL)
        return PS_ENOMEM;
    if (ps_scenario_copy(copy, sc) != PS_OK) {
        free(copy);
        return PS_ENOMEM;
    }
    memset(&w->res, 0, sizeof(w->res));
    w->res.gen = gen;
    w->res.sv = sv;
    w->res.sc = copy;
    w->params = params ? *params : (struct ps_params){0};
    atomic_store(&w->cancel, 0);

    pthread_mutex_lock(&w->mu);
    memset(&w->st, 0, sizeof(w->st));
    w->st.sv = sv;
    w->st.gen = gen;
    w->running = true;
    w->done = false;
    clock_gettime(CLOCK_MONOTONIC, &w->t_start);
    pthread_mutex_unlock(&w->mu);

    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_mutex_lock(&w->mu);
        w->running = false;
        pthread_mutex_unlock(&w->mu);
        tui_worker_result_fini(&w->res);
        return PS_EIO;
    }
    w->thread_live = true;
    return PS_OK;
}

void tui_worker_cancel(struct tui_worker *w)
{
    atomic_store(&w->cancel, 1);
}

void tui_worker_release(struct tui_worker *w)
{
    if (w == NULL)
        return;
    atomic_store(&w->cancel, 1);
    if (!w->thread_live)
        return;
    pthread_mutex_lock(&w->mu);
    bool finished = !w->running;
    pthread_mutex_unlock(&w->mu);
    if (finished)
        pthread_join(w->thread, NULL); /* it is only returning */
    else
        pthread_detach(w->thread);
    w->thread_live = false;
}

void tui_worker_peek(struct tui_worker *w, struct tui_worker_state *out)
{
    pthread_mutex_lock(&w->mu);
    *out = w->st;
    out->running = w->running;
    out->has_result = w->done;
    out->cancelling = w->running && atomic_load(&w->cancel) != 0;
    double start = (double)w->t_start.tv_sec * 1e3 + (double)w->t_start.tv_nsec / 1e6;
    out->elapsed_ms = w->running ? now_ms() - start : 0.0;
    pthread_mutex_unlock(&w->mu);
}

bool tui_worker_take(struct tui_worker *w, struct tui_worker_result *out)
{
    pthread_mutex_lock(&w->mu);
    bool done = w->done;
    pthread_mutex_unlock(&w->mu);
    if (!done)
        return false;
    join(w);
    pthread_mutex_lock(&w->mu);
    *out = w->res;
    memset(&w->res, 0, sizeof(w->res));
    w->done = false;
    pthread_mutex_unlock(&w->mu);
    return true;
}
