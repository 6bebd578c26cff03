/* The planner's engine (docs/cluster.md sections 2.2-2.3, 5 and 6): per-job numbers
 * (K_min, K*, the iteration time alone, bandwidth demand, work), and the event-driven
 * simulation of the job queue under one policy. Core calls no solver: the iteration time
 * of a pipeline comes through ps_iter_time_fn, and the ordering and placement rules
 * through struct ps_cluster_policy_ops, both supplied by the caller (solvers/cluster.h). */
#ifndef PS_CORE_CLUSTER_SIM_H
#define PS_CORE_CLUSTER_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cluster.h"
#include "core/status.h"

/* The iteration time (makespan, ns) of one pipeline scenario. Returns PS_OK, or an error
 * with d filled. user is the caller's. */
typedef enum ps_status (*ps_iter_time_fn)(void *user, const struct ps_scenario *sc,
                                          int64_t *iter_ns, struct ps_diag *d);

/* What the policies know of a job before it runs (section 2.3). */
struct ps_job_plan {
    bool can_run;  /* K_min <= K_cap */
    char why[160]; /* when it cannot */
    int k_min, k_cap, k_star;
    int64_t t_iter_ns; /* iteration time alone in one region at K* */
    double t_stage_ms; /* the busiest stage's F + B + W per microbatch at K* */
    double activation_mb;
    double demand_gbps; /* D_raw = activation_mb x 8 / t_stage_ms */
    double work_gpu_s;  /* I_raw = K* x iterations x t_iter */
    double solo_s;      /* iterations x t_iter */
};

/* Fills plans[0..c->n_jobs-1] for the (effective, model-resolved) cluster c, timing one
 * single-region pipeline per k in [K_min, K_cap]. Jobs with the same profile share the
 * search. Returns PS_OK, or the provider's error (d names the job). */
enum ps_status ps_cluster_plan_jobs(const struct ps_cluster *c, ps_iter_time_fn fn, void *user,
                                    struct ps_job_plan *plans, struct ps_diag *d);

/* The single-region placement of k GPUs in region 0's stead (for the plan's scenarios):
 * one datacenter named "region". Exposed for tests and the explorer. */
enum ps_status ps_cluster_solo_scenario(const struct ps_cluster *c, int j, int k,
                                        struct ps_scenario *sc, struct ps_diag *d);

/* What a policy sees when it decides. Arrays are borrowed for the call only. */
struct ps_cluster_state {
    const struct ps_cluster *c;
    const struct ps_job_plan *plans;
    int64_t now_ns;
    const int *free_gpus;       /* per region */
    const int *link_jobs;       /* per pair (ps_cluster_pair_index): running jobs on it */
    const double *link_load;    /* per pair: sum of the running jobs' demand_gbps */
    const double *link_bw;      /* per pair: bandwidth_gbps */
    const double *link_latency; /* per pair: latency_ms */
    const int *waiting;         /* job indices waiting, in arrival order */
    int n_waiting;
    /* Per job, the GPUs its placement took on the empty cluster (a job's size is fixed:
     * chains wait until they can give it that many); NULL while that is being decided. */
    const int *target;
};

/* The rules of one policy. pick returns the index in st->waiting of the job to try next
 * (n_waiting >= 1). place fills p and returns true when job j can start now, or returns
 * false with the reason in why. user is the caller's. */
struct ps_cluster_policy_ops {
    int (*pick)(const struct ps_cluster_state *st, void *user);
    bool (*place)(const struct ps_cluster_state *st, int j, void *user, struct ps_placement *p,
                  char *why, size_t why_size);
    void *user;
};

struct ps_job_result {
    bool started;
    char why[200]; /* never started: why */
    int64_t submit_ns, start_ns, end_ns;
    struct ps_placement placement;
    double share_gbps[PS_CLUSTER_MAX_REGIONS]; /* per boundary, the bandwidth share at start */
    int64_t first_iter_ns;                     /* iteration time at start */
    double energy_kwh, cost_usd;
};

/* A region's GPUs [first, first + count) held by a job from start to end. */
struct ps_gpu_hold {
    int job, region, first, count;
    int64_t start_ns, end_ns;
};

struct ps_cluster_result {
    int n_jobs;
    struct ps_job_result *jobs; /* one per job of the cluster, in its order */
    int n_holds;
    struct ps_gpu_hold *holds;
    int started, never_started;
    double avg_jct_s, total_cost_usd, makespan_s, gpu_util;
    long events;     /* event times processed */
    long iter_evals; /* iteration times derived (cached or not) */
};

/* Simulates the queue of the effective, model-resolved cluster c with plans from
 * ps_cluster_plan_jobs under the policy ops (section 5), filling out (initialized by the
 * call; free with ps_cluster_result_fini, also after an error). Returns PS_OK, PS_ENOMEM,
 * or the provider's error (d names the job). Always terminates: jobs that cannot be placed
 * on the empty cluster are reported as never started. */
enum ps_status ps_cluster_simulate(const struct ps_cluster *c, const struct ps_job_plan *plans,
                                   const struct ps_cluster_policy_ops *ops, ps_iter_time_fn fn,
                                   void *user, struct ps_cluster_result *out, struct ps_diag *d);

void ps_cluster_result_fini(struct ps_cluster_result *r);

/* The empty cluster's state (all GPUs free, no load), with arrays owned by e. */
struct ps_cluster_empty {
    struct ps_cluster_state st;
    int *free_gpus, *link_jobs;
    double *link_load, *link_bw, *link_latency;
};
enum ps_status ps_cluster_empty_init(struct ps_cluster_empty *e, const struct ps_cluster *c,
                                     const struct ps_job_plan *plans);
void ps_cluster_empty_fini(struct ps_cluster_empty *e);

#endif
