/* Shared by the greedy's files (solvers/greedy.c, solvers/greedy_fixed.c); not part of the
 * registry API. */
#ifndef PS_SOLVERS_GREEDY_INTERNAL_H
#define PS_SOLVERS_GREEDY_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/schedule.h"
#include "solvers/solver.h"

/* The fixed families' part of the portfolio (greedy_fixed.c). */
struct greedy_fixed {
    const struct ps_scenario *sc;
    const struct ps_solve_ctx *ctx;
    struct ps_schedule *best; /* the shortest family within the memory limit, timed */
    char family[64];          /* its name and parameter, e.g. "1f1b split_backward=true" */
    int n_tried;              /* families built and timed */
    int n_over;               /* families not built: their stage 0 needs more than the limit */
    int64_t ops;              /* ops built (their work) */
    /* On a second thread: detached, so a solve abandoned at exit (the explorer's q) leaves no
     * joinable thread behind; finish waits for done instead of joining. */
    bool threaded;
    bool done; /* guarded by mu */
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

/* Times every fixed family that may fit (on a second thread when background, else now).
 * Never fails: a family that cannot be built or does not fit is not a candidate. */
void greedy_fixed_start(struct greedy_fixed *fx, const struct ps_scenario *sc,
                        const struct ps_solve_ctx *ctx, bool background);
/* Waits for the families (a no-op when they ran at start). */
void greedy_fixed_finish(struct greedy_fixed *fx);
/* Waits, then frees the best family's schedule unless the caller took it (set it NULL). */
void greedy_fixed_fini(struct greedy_fixed *fx);

#endif
