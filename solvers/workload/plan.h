/* Planning a workload (docs/model.md, Workloads): granularity (chunking.c), checkpoint
 * policies (ckpt.c), ordering, pipeline grouping (Eq. 14) and the search over the slice
 * count K (plan.c). The front ends call ps_workload_plan to turn a scenario's workload
 * into its microbatches. */
#ifndef PS_SOLVERS_WORKLOAD_PLAN_H
#define PS_SOLVERS_WORKLOAD_PLAN_H

#include <stdbool.h>

#include "core/scenario.h"
#include "core/status.h"
#include "core/workload.h"

/* ---- granularity (chunking.c) ------------------------------------------------------------- */

/* Cuts w's batch into chunks with granularity g (K slices for elastic and even) and fills
 * every chunk's costs. out is cleared first. PS_ENOMEM. */
enum ps_status ps_wl_chunk(const struct ps_cost_ctx *cx, enum ps_granularity g, int K,
                           struct ps_chunking *out);

/* ---- the 1F1B order of a pipeline (solvers/onefoneb.c) ---------------------------------- */

/* The op sequence of one stage in a slice-aware 1F1B over n microbatches (local 0..n-1),
 * cont[i] true when microbatch i continues i-1: F in microbatch order, B in backward rank,
 * and before its k-th backward the stage has run min(n, max(k + N_first, f(k)) + warmup)
 * forwards, N_first = the slices of the first sequence, f(k) = one more than the last
 * slice of every sequence whose backward started by rank k (plain 1F1B: warmup = S-s-1,
 * N_first = 1). ev[0..2n-1]: i >= 0 is F(i), -1-i is B(i). */
void ps_1f1b_events(int n, const bool *cont, int warmup, int *ev);

/* ---- checkpoint policies (ckpt.c) -------------------------------------------------------- */

struct ps_ckpt_result {
    int *layers;      /* n x S (microbatch-major): checkpointed layers, caller frees */
    bool fits;        /* every window within the limit */
    char why[320];    /* when not: the stages that do not fit, with need and limit */
    int n_vars;       /* variables of the policy (adaptive: n + S - 1) */
    bool used_ilp;    /* adaptive: GLPK gave the answer (else the greedy) */
    bool proved;      /* adaptive: GLPK proved it optimal */
    double gap;       /* adaptive: relative gap when not proved, else 0 */
    long layers_sum;  /* sum of the policy's variables (adaptive: sum of C) */
    double bubble_ms; /* recomputation on the critical path: sum over the diagonals of
                         their longest replay (Eq. 17) */
    double replay_ms; /* all replayed forward time of the group, every stage */
};

/* Chooses the checkpointed layers of one pipeline group: microbatches 0..n-1 hold the
 * chunks ch->chunks[mbs[i]] in that order, run as one 1F1B pipeline on cx->dp stages.
 * `ilp` false makes adaptive use its greedy (for quick estimates). PS_ENOMEM; a group
 * that cannot fit is PS_OK with fits false and `why` set. */
enum ps_status ps_wl_checkpoint(const struct ps_cost_ctx *cx, const struct ps_chunking *ch,
                                const int *mbs, int n, enum ps_ckpt_policy policy, bool ilp,
                                double time_limit_s, struct ps_ckpt_result *out);

/* ---- planning (plan.c) ------------------------------------------------------------------------
 */

/* Eq. 14's DP over C classes (runs of units with the same number of chunks, in order):
 * cost[k * (C+1) + i] is the cost (delta + T_ckpt; HUGE_VAL when it does not fit) of one
 * pipeline holding classes k..i-1. want 0: any number of pipelines (ties: the fewest), else
 * exactly min(want, C). Fills ends[g] = the class index where pipeline g ends (exclusive)
 * and *n_groups (0 when no partition fits). PS_ENOMEM. */
enum ps_status ps_wl_partition_dp(int C, const double *cost, int want, int *ends, int *n_groups);

/* What one K of the search gave. */
struct ps_wl_try {
    int slices, chunks, pipelines;
    bool fits;
    double iteration_ms; /* simulated 1F1B iteration, 0 when it does not fit */
};

/* What planning did, for reports (the workload command, the explorer's panel). */
struct ps_wl_report {
    int n_tries;
    struct ps_wl_try tries[PS_WL_MAX_SLICES];
    int slices, pipelines, chunks; /* chosen */
    double iteration_ms;           /* simulated 1F1B iteration of the plan */
    double delta_ms, ckpt_ms;      /* Eq. 13-14: sum of delta, sum of the groups' T_ckpt */
    double imbalance;              /* max / mean chunk time (F + B + W) */
    bool used_ilp, proved;         /* every group's adaptive checkpoint from GLPK, proved */
    double gap;                    /* worst group gap */
    long layers_sum;
    char why[320]; /* why no plan fits, when none does */
    /* The chosen chunks and the chunk of each microbatch (owned: ps_wl_report_fini). */
    struct ps_chunking chunking;
    int *order;
};

/* Frees what a report owns (the chunks); a zeroed report is fine. */
void ps_wl_report_fini(struct ps_wl_report *rep);

/* Plans in's workload with its plan settings (in->workload->plan) and writes the planned
 * scenario to out (initialized by the call): microbatches from the chosen chunks, in
 * order, with their pipelines and recomputation. rep may be NULL. When nothing fits the
 * memory, returns PS_EINVAL with d naming the stages ("workload: stage 0 needs ..."); a
 * scenario without a workload is copied as it is. PS_ENOMEM. */
enum ps_status ps_workload_plan(const struct ps_scenario *in, struct ps_scenario *out,
                                struct ps_wl_report *rep, struct ps_diag *d);

/* The plan of one granularity / policy pair, for comparisons: like ps_workload_plan with
 * those two settings replaced. */
enum ps_status ps_workload_plan_with(const struct ps_scenario *in, enum ps_granularity g,
                                     enum ps_ckpt_policy p, struct ps_scenario *out,
                                     struct ps_wl_report *rep, struct ps_diag *d);

#endif
