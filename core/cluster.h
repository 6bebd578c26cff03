/* The cluster model (docs/cluster.md): regions with GPUs, prices and WAN bandwidth, the
 * links between them (the mean rule unless overridden), a queue of training jobs, and the
 * pipeline scenario of one job placed on a path of regions. Validation names the field.
 * The queue simulation is core/cluster_sim.h; the policies and the iteration-time provider
 * live in solvers/ and reach the model through function pointers. */
#ifndef PS_CORE_CLUSTER_H
#define PS_CORE_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calc.h"
#include "core/scenario.h"
#include "core/status.h"

#define PS_CLUSTER_MAX_REGIONS PS_MAX_DCS /* a path is one scenario's datacenters */
#define PS_CLUSTER_MAX_JOBS 20000
#define PS_CLUSTER_MAX_GPUS 100000 /* per region */
#define PS_CLUSTER_MAX_SCALE_JOBS 100
#define PS_CLUSTER_MODEL_MAX 256

struct ps_region {
    char name[PS_NAME_MAX];
    int gpus;                 /* free GPUs, >= 0 */
    double price_usd_per_kwh; /* >= 0 */
    double gpu_power_w;       /* >= 0, default 300 */
    double pue;               /* >= 1, default 1 */
    double bandwidth_gbps;    /* > 0, the WAN port */
    double latency_ms;        /* >= 0, default 0 */
};

/* Override of the mean rule for one unordered pair of regions. */
struct ps_region_link {
    int a, b; /* region indices, a != b */
    bool has_bandwidth, has_latency;
    double bandwidth_gbps, latency_ms;
};

struct ps_cluster_gpu {
    char name[PS_NAME_MAX];
    double tflops;    /* peak dense BF16 TFLOP/s, > 0 */
    double util;      /* (0, 1] */
    double memory_gb; /* > 0 */
};

struct ps_cluster_job {
    char name[PS_NAME_MAX];
    double submit_s;
    int64_t iterations;
    int microbatches;
    int k_max; /* 0 = no cap */
    /* Either a calculator model (model[0] != '\0'; calc filled by the front, has_calc)... */
    char model[PS_CLUSTER_MODEL_MAX];
    bool recompute; /* full layer recomputation (model jobs) */
    bool has_calc;
    struct ps_calc_model calc;
    /* ...or a profile. */
    double t_comp_ms;     /* F + B + W of one microbatch, whole model on one GPU */
    double activation_mb; /* message between stages per microbatch */
    double memory_gb;     /* the job's whole memory */
};

enum ps_cluster_seed { PS_SEED_MOST_GPUS = 0, PS_SEED_CHEAPEST };

struct ps_cluster_policy_opts {
    bool alpha_adaptive; /* alpha follows the network utilisation */
    double alpha;        /* [0, 1], when !alpha_adaptive */
    enum ps_cluster_seed seed;
};

struct ps_cluster_scale {
    double bandwidth; /* > 0 */
    double gpus;      /* > 0 */
    int jobs;         /* 1..PS_CLUSTER_MAX_SCALE_JOBS */
};

struct ps_cluster {
    char name[128];
    char *description; /* heap, may be NULL */
    struct ps_cluster_gpu gpu;
    struct ps_link intra_region;
    char schedule[32];
    struct ps_cluster_policy_opts policy;
    struct ps_cluster_scale scale;
    int n_regions;
    struct ps_region *regions;
    int n_links;
    struct ps_region_link *links;
    int n_jobs;
    struct ps_cluster_job *jobs;
};

/* Initializes c to an empty cluster with every default (no regions, no jobs). */
void ps_cluster_init(struct ps_cluster *c);

/* Releases everything c owns and leaves it as after ps_cluster_init. NULL is a no-op. */
void ps_cluster_fini(struct ps_cluster *c);

/* Deep copy into dst (initialized by the call). PS_ENOMEM leaves dst empty. */
enum ps_status ps_cluster_copy(struct ps_cluster *dst, const struct ps_cluster *src);

/* Default values of one region / job (as a file that leaves the optional fields out). */
void ps_region_init(struct ps_region *r);
void ps_cluster_job_init(struct ps_cluster_job *j);

/* Checks every rule of docs/cluster.md section 1 that needs no model catalogue. A model job
 * whose calc is not filled yet (has_calc false) passes here; the planner refuses it. On
 * failure returns PS_EINVAL with the field path ("regions.2.gpus") in d. */
enum ps_status ps_cluster_validate(const struct ps_cluster *c, struct ps_diag *d);

/* The effective cluster (section 1.2): scales applied to bandwidths and GPUs, the job list
 * repeated scale.jobs times, scale reset to 1. dst is initialized by the call. PS_ENOMEM
 * leaves it empty. */
enum ps_status ps_cluster_expand(struct ps_cluster *dst, const struct ps_cluster *src);

/* Index of a region by name, or -1. */
int ps_cluster_region_find(const struct ps_cluster *c, const char *name);

/* Index of a job by name, or -1. */
int ps_cluster_job_find(const struct ps_cluster *c, const char *name);

/* The link between regions a != b: the override's fields over the mean rule. */
struct ps_link ps_cluster_link(const struct ps_cluster *c, int a, int b);

/* Index of the unordered pair (a, b), a != b, in 0 .. n(n-1)/2 - 1. */
int ps_cluster_pair_index(const struct ps_cluster *c, int a, int b);

/* Cost rate of one region's GPUs while running, in $/h: g x gpu_power_w x pue x price /
 * 1000. */
double ps_region_usd_per_hour(const struct ps_region *r, int gpus);

/* A job on a path of regions, g GPUs (stages) in each, in pipeline order. */
struct ps_placement {
    int n;                              /* regions on the path, 0 = not placed */
    int region[PS_CLUSTER_MAX_REGIONS]; /* region indices in pipeline order */
    int gpus[PS_CLUSTER_MAX_REGIONS];   /* GPUs in each, >= 1 */
};

/* Total GPUs (stages) of a placement. */
int ps_placement_gpus(const struct ps_placement *p);

/* Cost rate of a placement in $/h (sum of ps_region_usd_per_hour). */
double ps_placement_usd_per_hour(const struct ps_cluster *c, const struct ps_placement *p);

/* The pipeline scenario of job j on placement p (docs/cluster.md section 2): one datacenter
 * per path region (named after it) with its GPUs as stages, the job's stage times (profile
 * split 1:1:1, or the calculator at pp = K), the intra-region link inside, and between
 * consecutive regions their latency and bandwidth bw[i] (Gb/s, the job's share of the link
 * from p->region[i] to p->region[i+1]; NULL: the whole link). sc is initialized by the call.
 * PS_EINVAL (d says why) when the job's model is not resolved or K is out of range. */
enum ps_status ps_cluster_job_scenario(const struct ps_cluster *c, int j,
                                       const struct ps_placement *p, const double *bw,
                                       struct ps_scenario *sc, struct ps_diag *d);

/* The smallest number of GPUs job j runs on (docs/cluster.md 2.1), and its cap K_cap
 * (2.2). A model job must be resolved. K_min > K_cap means it can never run. */
int ps_cluster_job_k_min(const struct ps_cluster *c, int j);
int ps_cluster_job_k_cap(const struct ps_cluster *c, int j);

/* Total GPUs of the cluster. */
int64_t ps_cluster_total_gpus(const struct ps_cluster *c);

#endif
