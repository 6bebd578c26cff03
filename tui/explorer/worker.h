/* The explorer's background solver thread: runs one slow solve (the optimal solver) on
 * its own copy of the scenario, publishes live progress under a mutex, and can be
 * cancelled. The UI polls it on its input timeout, so input never waits for a solve. */
#ifndef PS_TUI_WORKER_H
#define PS_TUI_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/scenario.h"
#include "core/schedule.h"
#include "solvers/solver.h"

struct tui_worker;

/* A snapshot of the worker for drawing. */
struct tui_worker_state {
    bool running;                /* a solve is in progress */
    bool has_result;             /* a finished solve waits for tui_worker_take */
    bool cancelling;             /* cancel was requested, the thread is winding down */
    const struct ps_solver *sv;  /* the solver of the current or last job */
    unsigned long gen;           /* the caller's generation tag of that job */
    bool has_progress;           /* progress below has been reported at least once */
    struct ps_progress progress; /* the latest progress report */
    double elapsed_ms;           /* wall time since the start */
};

/* A finished solve, handed over to the caller. */
struct tui_worker_result {
    unsigned long gen;
    const struct ps_solver *sv;
    enum ps_status status;     /* what ps_solver_run returned */
    struct ps_diag diag;       /* why, when status != PS_OK */
    struct ps_schedule *sched; /* owned by the receiver; NULL on error */
    struct ps_scenario *sc;    /* owned by the receiver (heap, ps_scenario_fini + free);
                                  sched->sc points here */
    double wall_ms;            /* wall time of the whole run (generate and simulate) */
};

/* Returns NULL on out of memory. */
struct tui_worker *tui_worker_new(void);

/* Cancels a running solve, waits for the thread and frees everything (also an untaken
 * result). NULL is a no-op. */
void tui_worker_free(struct tui_worker *w);

/* Starts sv on a private copy of sc and params; gen is returned with the result so the
 * caller can drop results of an older scenario. Returns PS_EINVAL when a solve is already
 * running or a result is untaken, PS_ENOMEM, or PS_EIO when the thread cannot start. */
enum ps_status tui_worker_start(struct tui_worker *w, const struct ps_solver *sv,
                                const struct ps_scenario *sc, const struct ps_params *params,
                                unsigned long gen);

/* Asks the running solve to stop (it returns its best schedule so far, if any). */
void tui_worker_cancel(struct tui_worker *w);

/* For a process about to exit with a job still running (q does not wait for a solver that
 * does not poll the flag): cancels the job, joins the thread when it has finished and
 * detaches it when it has not (the exit ends it), so that no thread is ever left neither
 * joined nor detached. w stays allocated (a running thread still uses it); NULL is a no-op. */
void tui_worker_release(struct tui_worker *w);

void tui_worker_peek(struct tui_worker *w, struct tui_worker_state *out);

/* Moves a finished result into *out and joins the thread. Returns false when there is
 * none yet. */
bool tui_worker_take(struct tui_worker *w, struct tui_worker_result *out);

/* Frees what a result owns (the schedule and the scenario copy). */
void tui_worker_result_fini(struct tui_worker_result *r);

#endif
