/* The cluster planner's policies and its iteration-time provider (docs/cluster.md sections
 * 2-4): ordering rules (FCFS, SJF, BACE priority), placement rules (the bandwidth-aware
 * pathfinder and the cost-min allocator, the paper's baselines and the ablations), the
 * table of named policies, and the provider that times a job's pipeline with the
 * registry's schedules (ps_solver_run), caching what repeats. */
#ifndef PS_SOLVERS_CLUSTER_H
#define PS_SOLVERS_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cluster.h"
#include "core/cluster_sim.h"
#include "core/status.h"
#include "solvers/solver.h"

/* ---- the iteration-time provider (solvers/cluster_timer.c) ---- */

struct ps_cluster_timer;

/* A provider that times pipelines with the registry's schedule `schedule` and params
 * (NULL: the schedule's defaults). PS_ENOTFOUND (d lists the names) for an unknown
 * schedule, PS_EINVAL for bad params, PS_ENOMEM. *out is owned by the caller. */
enum ps_status ps_cluster_timer_new(const char *schedule, const struct ps_params *params,
                                    struct ps_cluster_timer **out, struct ps_diag *d);
void ps_cluster_timer_free(struct ps_cluster_timer *t);

/* A ps_iter_time_fn: user is a struct ps_cluster_timer. The same scenario (every field that
 * affects timing; names do not) is simulated once and then answered from the cache. */
enum ps_status ps_cluster_timer_fn(void *user, const struct ps_scenario *sc, int64_t *iter_ns,
                                   struct ps_diag *d);

/* Cache statistics: scenarios answered from the cache and simulated. */
void ps_cluster_timer_stats(const struct ps_cluster_timer *t, long *hits, long *misses);

/* ---- ordering (solvers/cluster_order.c) ---- */

enum ps_cluster_order { PS_ORDER_FCFS = 0, PS_ORDER_SJF, PS_ORDER_BACE };

/* Priority = (1 - alpha)(1 - i) + alpha (1 - d), i and d normalised to [0, 1]. */
double ps_cluster_priority(double alpha, double i_norm, double d_norm);

/* The alpha in use: the file's number, or the network utilisation u (section 3). */
double ps_cluster_alpha(const struct ps_cluster_state *st);

/* The network utilisation u in [0, 1]: sum over links of min(bw, load) / sum of bw. */
double ps_cluster_network_utilisation(const struct ps_cluster_state *st);

/* Index in st->waiting of the job the ordering tries next. */
int ps_cluster_pick(enum ps_cluster_order order, const struct ps_cluster_state *st);

/* The normalised I_j and D_j of st->waiting[wi] among the waiting jobs (min-max; 0 when
 * all are equal). */
void ps_cluster_normalised(const struct ps_cluster_state *st, int wi, double *i_norm,
                           double *d_norm);

/* ---- placement (solvers/cluster_place.c) ---- */

enum ps_cluster_place {
    PS_PLACE_BACE = 0,      /* pathfinder + cost-min */
    PS_PLACE_LCF,           /* one region, the cheapest that fits */
    PS_PLACE_LDF,           /* one region, the most free GPUs */
    PS_PLACE_CR_LCF,        /* regions in ascending price */
    PS_PLACE_CR_LDF,        /* chain grown by capacity, no feasibility check */
    PS_PLACE_NO_PATHFINDER, /* cr-ldf's path, then cost-min */
    PS_PLACE_NO_COSTMIN,    /* pathfinder, then filled in the order regions joined */
};

/* Communication time of one message (ms) over bw_gbps and whether it is feasible: comm <=
 * t_stage_ms (section 4.1). */
bool ps_cluster_link_feasible(double activation_mb, double bw_gbps, double t_stage_ms,
                              double *comm_ms);

/* The bandwidth a new job would get on the link a-b: bw / (1 + jobs on it). */
double ps_cluster_bw_avail(const struct ps_cluster_state *st, int a, int b);

/* Places job j under rule `place` (section 4). Returns true with p filled, or false with
 * the reason in why. */
bool ps_cluster_place(enum ps_cluster_place place, const struct ps_cluster_state *st, int j,
                      struct ps_placement *p, char *why, size_t why_size);

/* The cost-min allocator alone (section 4.2): k GPUs on the path (n regions in pipeline
 * order, free[] their free GPUs, k >= n and k <= sum of free): one per region, then the
 * rest in ascending price x PUE (ties: path order). */
void ps_cluster_cost_min(const struct ps_cluster *c, const int *path, const int *free_gpus, int n,
                         int k, struct ps_placement *p);

/* What `cluster path` shows: the pathfinder's path for job j in state st, and every
 * link's comm/comp (ratio > 1: infeasible), the bottleneck being the path link with the
 * highest ratio (-1 on a one-region path). */
struct ps_path_report {
    bool found;    /* a path with at least K_min GPUs */
    char why[200]; /* when not */
    int seed;      /* region */
    int n;         /* regions on the path, pipeline order */
    int region[PS_CLUSTER_MAX_REGIONS];
    int join[PS_CLUSTER_MAX_REGIONS]; /* the order they joined (region indices) */
    int free_on_path;
    int bottleneck_a, bottleneck_b;
    double bottleneck_ratio;
};
void ps_cluster_path_report(const struct ps_cluster_state *st, int j, struct ps_path_report *r);

/* comm/comp of job j on the link a-b in state st (with the job's would-be share). */
double ps_cluster_link_ratio(const struct ps_cluster_state *st, int j, int a, int b);

/* ---- the policy table (solvers/cluster_policy.c) ---- */

struct ps_cluster_policy {
    char name[32];
    const char *summary;
    enum ps_cluster_order order;
    enum ps_cluster_place place;
};

/* The named policies of docs/cluster.md 4.4, in display order (`all`). */
size_t ps_cluster_policy_count(void);
const struct ps_cluster_policy *ps_cluster_policy_at(size_t i);

/* A named policy, or ORDER/PLACE with ORDER in fcfs|sjf|bace and PLACE in
 * bace|lcf|ldf|cr-lcf|cr-ldf|no-pathfinder|no-costmin. PS_ENOTFOUND with the names in d. */
enum ps_status ps_cluster_policy_parse(const char *name, struct ps_cluster_policy *out,
                                       struct ps_diag *d);

/* Writes "bace, sjf, lcf, ..." into buf. */
void ps_cluster_policy_list_names(char *buf, size_t size);

/* Runs one policy on the effective, model-resolved cluster c whose plans came from
 * ps_cluster_plan_jobs with the same timer. out as ps_cluster_simulate. */
enum ps_status ps_cluster_run(const struct ps_cluster *c, const struct ps_job_plan *plans,
                              const struct ps_cluster_policy *pol, struct ps_cluster_timer *t,
                              struct ps_cluster_result *out, struct ps_diag *d);

#endif
