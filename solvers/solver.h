/* The registry of schedule generators: every schedule family, the greedy and the optimal
 * solver describe themselves here (name, summary, shape, parameters with defaults), and
 * the command line and the explorer find them here. */
#ifndef PS_SOLVERS_SOLVER_H
#define PS_SOLVERS_SOLVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/schedule.h"
#include "core/status.h"

enum ps_param_type {
    PS_PARAM_INT,    /* integer within [min, max] */
    PS_PARAM_FLOAT,  /* number within [min, max] */
    PS_PARAM_BOOL,   /* true/false/1/0/yes/no */
    PS_PARAM_CHOICE, /* one of `choices` ("loop|wave") */
    PS_PARAM_LIST,   /* free text parsed by the solver (e.g. "1,1,0,0" or "auto") */
    PS_PARAM_STRING, /* free text (a file name) */
};

struct ps_param_def {
    const char *key;
    enum ps_param_type type;
    const char *def;     /* default, as text */
    const char *help;    /* one line */
    const char *choices; /* PS_PARAM_CHOICE: "a|b|c" */
    double min, max;     /* PS_PARAM_INT/FLOAT */
};

/* Parameter values as given by the user (key=value text). */
struct ps_params {
    int n;
    struct ps_kv kv[PS_PARAMS_MAX];
};

/* Live progress of a long solve (the optimal solver). */
struct ps_progress {
    int64_t incumbent_ns; /* -1 when none yet */
    int64_t bound_ns;     /* -1 when none yet */
    double gap;           /* < 0 when unknown */
    long nodes;
    double elapsed_ms;
};

typedef void (*ps_progress_fn)(const struct ps_progress *p, void *user);

/* How a caller steers a solve. All fields optional (NULL/0). */
struct ps_solve_ctx {
    atomic_int *cancel;      /* set non-zero from another thread to stop */
    ps_progress_fn progress; /* called from the solving thread */
    void *user;
};

/* A generator fills *out with a new schedule whose per-device orders (and channel
 * ranks, if it fixes them) are set; ps_solver_run simulates it. When no schedule can meet
 * the memory limit it returns PS_OK with a schedule that has no ops and
 * solver.status = PS_SOLVE_INFEASIBLE, solver.error saying why. It may set solver.status,
 * bound_ns and gap (optimal solver). On error it returns the status with d filled and
 * *out NULL. */
typedef enum ps_status (*ps_generate_fn)(const struct ps_scenario *sc,
                                         const struct ps_params *params,
                                         const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                                         struct ps_diag *d);

#define PS_TRAV_LOOP_BIT (1u << PS_TRAVERSAL_LOOP)
#define PS_TRAV_WAVE_BIT (1u << PS_TRAVERSAL_WAVE)

struct ps_solver {
    const char *name;    /* "1f1b" */
    const char *summary; /* one line */
    bool split_backward; /* by default */
    unsigned traversals; /* PS_TRAV_*_BIT */
    int min_chunks, max_chunks;
    bool slow; /* may take seconds (optimal): background in the explorer, not in "all" */
    /* its order adapts to the delays (greedy, optimal, geopipe): not a static schedule in
     * CrossPipe's sense (compare's headline) */
    bool adaptive;
    const struct ps_param_def *params;
    size_t n_params;
    ps_generate_fn generate;
};

/* The registry, in display order. */
size_t ps_solver_count(void);
const struct ps_solver *ps_solver_at(size_t i);

/* Looks a solver up by name; NULL when unknown. */
const struct ps_solver *ps_solver_find(const char *name);

/* The solver name closest to a mistyped one (core/suggest.h's rule), or NULL. */
const char *ps_solver_suggest(const char *typed);

/* Writes "gpipe, 1f1b, ..." into buf (for "unknown schedule; known: ..."). */
void ps_solver_list_names(char *buf, size_t size);

/* Checks params against the solver's definitions: unknown keys (listing the known ones),
 * values of the wrong type or out of range. Fills d with path "param.KEY". */
enum ps_status ps_params_check(const struct ps_solver *sv, const struct ps_params *p,
                               struct ps_diag *d);

/* Sets key=value (replacing). "KEY=VALUE" text form: ps_params_parse_kv. */
enum ps_status ps_params_set(struct ps_params *p, const char *key, const char *value);
enum ps_status ps_params_parse_kv(struct ps_params *p, const char *kv, struct ps_diag *d);

/* The value of key: the user's, else the solver's default; NULL when the solver has no
 * such parameter. Typed getters return the default on absence; they assume
 * ps_params_check passed. */
const char *ps_params_get(const struct ps_solver *sv, const struct ps_params *p, const char *key);
long ps_params_get_int(const struct ps_solver *sv, const struct ps_params *p, const char *key);
double ps_params_get_float(const struct ps_solver *sv, const struct ps_params *p, const char *key);
bool ps_params_get_bool(const struct ps_solver *sv, const struct ps_params *p, const char *key);

/* Runs a solver end to end: checks the scenario and params, generates, simulates
 * (ps_sim_run), records solve_ms, the status and the resolved parameters. *out is a new
 * schedule owned by the caller (ps_schedule_free), also when infeasible (then it has no
 * ops and solver.status == PS_SOLVE_INFEASIBLE with solver.error set). */
enum ps_status ps_solver_run(const struct ps_solver *sv, const struct ps_scenario *sc,
                             const struct ps_params *params, const struct ps_solve_ctx *ctx,
                             struct ps_schedule **out, struct ps_diag *d);

/* The solvers themselves (one file each). */
extern const struct ps_solver ps_solver_gpipe;
extern const struct ps_solver ps_solver_1f1b;
extern const struct ps_solver ps_solver_interleaved;
extern const struct ps_solver ps_solver_zb_h1;
extern const struct ps_solver ps_solver_zb_h2;
extern const struct ps_solver ps_solver_zb_v;
extern const struct ps_solver ps_solver_1f1b_warmup;
extern const struct ps_solver ps_solver_geopipe;
extern const struct ps_solver ps_solver_greedy;
extern const struct ps_solver ps_solver_optimal;

/* Frees the solver libraries' per-thread state (GLPK keeps an environment per thread).
 * A thread that ran solvers calls it before it exits; harmless when there is none.
 * (solvers/thread.c) */
void ps_solver_thread_exit(void);

#endif
