/* What sweep and merge share: the varied fields of a sweep (scenario fields, calculator
 * settings, schedule parameters), its points and its fingerprint. Not for use outside
 * tui/cli/. */
#ifndef PS_TUI_CLI_SWEEP_H
#define PS_TUI_CLI_SWEEP_H

#include <stdbool.h>

#include "tui/cli/compare_common.h"

#define SWEEP_MAX_VALUES 10000
#define SWEEP_MAX_POINTS 10000

/* What a --vary PATH changes. */
enum vary_kind {
    VARY_SCENARIO, /* a scenario field, set like --set after the scenario is built */
    VARY_MODEL,    /* a model size of the calculator (model.seq, model.hidden, ...) */
    VARY_CLUSTER,  /* a cluster key of the calculator (model.microbatch_size, cluster.pp) */
    VARY_PARAM,    /* a schedule parameter (greedy.n_sub, or KEY for every schedule with it) */
};

struct sweep_vary {
    char path[32]; /* as given: the column's name */
    enum vary_kind kind;
    char key[32];               /* the calculator's or the schedule's key */
    const struct ps_solver *sv; /* VARY_PARAM: the one schedule, NULL: each that has key */
    int n;                      /* values */
    char (*values)[64];         /* owned */
};

struct sweep {
    const struct cli_compare_opts *o;
    struct cli_sched_list *l; /* borrowed */
    struct ps_scenario base;  /* the scenario the sweep starts from (with the --set edits) */
    bool has_base;
    struct sweep_vary vs[CLI_MAX_VARY];
    int n_vary;
    long points; /* the product of the value counts */
    bool calc;   /* a calculator setting varies: every point is calculated again */
};

/* Parses and classifies o->vary against the schedule list and the base scenario (resolved
 * here). Returns PS_EXIT_OK, or the exit code after a message. */
int sweep_setup(struct sweep *w, const struct cli_compare_opts *o, struct cli_sched_list *l);
void sweep_fini(struct sweep *w);

/* Builds point `point` (mixed radix over the varies, the last fastest): its scenario (out,
 * initialized by the call), each schedule's parameters (params, l->n entries) and the index
 * of each vary's value (idx). Returns PS_EXIT_OK or PS_EXIT_FAILURE (message printed, naming
 * the point). */
int sweep_point(const struct sweep *w, long point, struct ps_scenario *out,
                struct ps_params *params, int *idx);

/* A fingerprint of everything that decides the sweep's rows and output (the base scenario,
 * the calculator's specs, schedules and parameters, varies, knee margin, baseline, format,
 * timing): shards of one sweep share it. out holds 17 bytes. */
void sweep_fingerprint(const struct sweep *w, char *out);

#endif
