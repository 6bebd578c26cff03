/* Shared by the greedy's files (solvers/greedy.c, solvers/greedy_fixed.c); not part of the
 * registry API. */
#ifndef PS_SOLVERS_GREEDY_INTERNAL_H
#define PS_SOLVERS_GREEDY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/schedule.h"
#include "solvers/solver.h"

/* What one thread found among the families it took. */
struct greedy_fixed_share {
    struct ps_schedule *best; /* its shortest family within the memory limit, timed */
    size_t best_i;            /* that family's index in the table */
    int n_tried, n_over;
    int64_t ops;
};

/* The fixed families' part of the portfolio (greedy_fixed.c). */
struct greedy_fixed {
    const struct ps_scenario *sc;
    const struct ps_solve_ctx *ctx;
    /* The result, once greedy_fixed_finish has returned: */
    struct ps_schedule *best; /* the shortest family within the memory limit, timed */
    char family[64];          /* its name and parameter, e.g. "1f1b split_backward=true" */
    int n_tried;              /* families timed (or bounded: see link_ns) */
    int n_over;               /* families not built: their stage 0 needs more than the limit */
    int64_t ops;              /* ops built (their work) */
    /* The work: groups of families taken in turn by the second thread (share[0]) and, once
     * its own variants are done, the caller (share[1]). */
    atomic_int next;
    struct greedy_fixed_share share[2];
    /* The greedy's planned makespan once its variants are done (INT64_MAX before), and per
     * family shape a bound from its links' load: a family whose bound is not below it is
     * not built. */
    _Atomic int64_t greedy_ns;
    int64_t link_ns[3];
    bool started; /* not finished yet */
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
/* Tells the families the greedy's makespan (its own schedule wins ties). */
void greedy_fixed_greedy_done(struct greedy_fixed *fx, int64_t makespan_ns);
/* The caller takes the families the second thread has not taken yet (a no-op when they
 * ran at start). */
void greedy_fixed_help(struct greedy_fixed *fx);
/* Waits for the families and sets the result (best, family, counts). Idempotent. */
void greedy_fixed_finish(struct greedy_fixed *fx);
/* Waits, then frees the best family's schedule unless the caller took it (set it NULL). */
void greedy_fixed_fini(struct greedy_fixed *fx);

#endif
