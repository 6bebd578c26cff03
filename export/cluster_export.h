/* The cluster planner's outputs (docs/cluster.md section 7): the policy table and the job
 * table as CSV, JSON or an aligned text table, one job's path and allocation, and two
 * figures as SVG: the region Gantt chart (which job holds which GPUs when) and the
 * cost-vs-JCT scatter with its Pareto front. */
#ifndef PS_EXPORT_CLUSTER_EXPORT_H
#define PS_EXPORT_CLUSTER_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/cluster.h"
#include "core/cluster_sim.h"
#include "export/export.h"

/* One policy's run on the (effective) cluster. */
struct ps_cluster_run {
    const char *policy;
    const struct ps_cluster_result *result;
};

/* The policy table (or, with jobs, the job table: one row per policy and job) as CSV:
 * policy,avg_jct_s,total_cost_usd,makespan_s,gpu_util,started,never_started, or
 * policy,name,submit_s,start_s,end_s,jct_s,path,gpus,cost_usd,why. Times in seconds,
 * exact to the nanosecond; CRLF line ends (RFC 4180). Appends to out. */
enum ps_status ps_export_cluster_csv(const struct ps_cluster *c, const struct ps_cluster_run *runs,
                                     size_t n, bool jobs, struct ps_buf *out);

/* { "cluster": NAME, "policies": [...], "jobs": [...] } (jobs only when asked); a job's
 * path is an array of region names, its gpus an object { REGION: n }; a job that never
 * started has null times and its "why". */
enum ps_status ps_export_cluster_json(const struct ps_cluster *c, const struct ps_cluster_run *runs,
                                      size_t n, bool jobs, struct ps_buf *out);

/* An aligned text table for a terminal (hours and dollars), the best avg JCT and the
 * lowest cost marked; with jobs, each policy's jobs under it. */
enum ps_status ps_export_cluster_table(const struct ps_cluster *c,
                                       const struct ps_cluster_run *runs, size_t n, bool jobs,
                                       struct ps_buf *out);

/* One job's allocation: { "job", "path": [...], "gpus": { REGION: n }, "usd_per_hour" }. */
enum ps_status ps_export_cluster_allocation_json(const struct ps_cluster *c, int job,
                                                 const struct ps_placement *p, struct ps_buf *out);

/* One link as `cluster path` shows it, for one job: the bandwidth it would get, its
 * communication and computation times per microbatch, their ratio, and feasibility. */
struct ps_cluster_link_row {
    int a, b; /* regions */
    double bandwidth_gbps, comm_ms, comp_ms, ratio;
    bool feasible;
};

/* `cluster path` as JSON: { "job", "k_star", "t_stage_ms", "seed", "path": [...], "found",
 * "bottleneck": { "from", "to", "ratio" } or null, "links": [...] }. path has n regions;
 * bottleneck_a < 0 means none. */
struct ps_cluster_path_out {
    int job, k_star, seed, n;
    const int *path;
    bool found;
    double t_stage_ms;
    int bottleneck_a, bottleneck_b;
    double bottleneck_ratio;
    const struct ps_cluster_link_row *links;
    int n_links;
};
enum ps_status ps_export_cluster_path_json(const struct ps_cluster *c,
                                           const struct ps_cluster_path_out *p, struct ps_buf *out);

/* Marks the Pareto front of n points (x, y both to minimise): on_front[i] is true when no
 * other point is at least as good in both and better in one. */
void ps_cluster_pareto(const double *x, const double *y, size_t n, bool *on_front);

/* The region Gantt chart of one run: a band per region, one row per GPU, a block per hold
 * coloured by job and labelled when it fits; a time axis in hours and a legend of the
 * jobs. width_px <= 0: 1000. Appends to out. */
enum ps_status ps_export_cluster_gantt_svg(const struct ps_cluster *c, const char *policy,
                                           const struct ps_cluster_result *r, int width_px,
                                           struct ps_buf *out);

/* Cost against average JCT, one labelled point per run, the Pareto front joined and
 * marked. width_px <= 0: 640. */
enum ps_status ps_export_cluster_pareto_svg(const struct ps_cluster *c,
                                            const struct ps_cluster_run *runs, size_t n,
                                            int width_px, struct ps_buf *out);

#endif
