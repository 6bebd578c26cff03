/* The cluster model: lifetime, validation naming every field, the effective (scaled)
 * cluster, the mean rule for links, cost rates, and the pipeline scenario of a job placed
 * on a path of regions (docs/cluster.md sections 1, 2 and 6). */
#include "core/cluster.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ps_region_init(struct ps_region *r)
{
    memset(r, 0, sizeof *r);
    r->gpu_power_w = 300.0;
    r->pue = 1.0;
}

void ps_cluster_job_init(struct ps_cluster_job *j)
{
    memset(j, 0, sizeof *j);
}

void ps_cluster_init(struct ps_cluster *c)
{
    assert(c != NULL);
    memset(c, 0, sizeof *c);
    snprintf(c->gpu.name, sizeof c->gpu.name, "A6000");
    c->gpu.tflops = 154.8;
    c->gpu.util = 0.4;
    c->gpu.memory_gb = 48.0;
    snprintf(c->schedule, sizeof c->schedule, "1f1b");
    c->policy.alpha_adaptive = true;
    c->policy.alpha = 0.5;
    c->policy.seed = PS_SEED_MOST_GPUS;
    c->scale.bandwidth = 1.0;
    c->scale.gpus = 1.0;
    c->scale.jobs = 1;
}

void ps_cluster_fini(struct ps_cluster *c)
{
    if (c == NULL)
        return;
    free(c->description);
    free(c->regions);
    free(c->links);
    free(c->jobs);
    ps_cluster_init(c);
}

static void *dup_array(const void *src, size_t n, size_t size, bool *failed)
{
    if (src == NULL || n == 0)
        return NULL;
    void *p = malloc(n * size);
    if (p == NULL) {
        *failed = true;
        return NULL;
    }
    memcpy(p, src, n * size);
    return p;
}

enum ps_status ps_cluster_copy(struct ps_cluster *dst, const struct ps_cluster *src)
{
    assert(dst != NULL && src != NULL);
    bool failed = false;
    *dst = *src;
    dst->description = NULL;
    if (src->description != NULL)
        dst->description = dup_array(src->description, strlen(src->description) + 1, 1, &failed);
    dst->regions = dup_array(src->regions, (size_t)src->n_regions, sizeof *src->regions, &failed);
    dst->links = dup_array(src->links, (size_t)src->n_links, sizeof *src->links, &failed);
    dst->jobs = dup_array(src->jobs, (size_t)src->n_jobs, sizeof *src->jobs, &failed);
    if (failed) {
        ps_cluster_fini(dst);
        return PS_ENOMEM;
    }
    return PS_OK;
}

/* ---- validation ---------------------------------------------------------------------- */

static bool check_range(struct ps_diag *d, const char *path, double x, double min, bool min_strict,
                        double max)
{
    if (!isfinite(x))
        return ps_diag_set(d, PS_EINVAL, path, "must be a finite number (got %g)", x), false;
    if (min_strict ? !(x > min) : !(x >= min))
        return ps_diag_set(d, PS_EINVAL, path, "must be %s %g (got %g)",
                           min_strict ? ">" : ">=", min, x),
               false;
    if (x > max)
        return ps_diag_set(d, PS_EINVAL, path, "must be <= %g (got %g)", max, x), false;
    return true;
}

static bool check_field(struct ps_diag *d, const char *base, int i, const char *field, double x,
                        double min, bool strict, double max)
{
    char path[160];
    if (i >= 0)
        snprintf(path, sizeof path, "%s.%d.%s", base, i, field);
    else
        snprintf(path, sizeof path, "%s.%s", base, field);
    return check_range(d, path, x, min, strict, max);
}

/* Names sorted with their index, to find duplicates in n log n. */
struct name_ref {
    const char *name;
    int index;
};

static int cmp_name_ref(const void *a, const void *b)
{
    const struct name_ref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static enum ps_status check_regions(const struct ps_cluster *c, struct ps_diag *d)
{
    char path[160];
    if (c->n_regions < 1 || c->n_regions > PS_CLUSTER_MAX_REGIONS)
        return ps_diag_set(d, PS_EINVAL, "regions", "must have 1 to %d regions (got %d)",
                           PS_CLUSTER_MAX_REGIONS, c->n_regions);
    for (int i = 0; i < c->n_regions; i++) {
        const struct ps_region *r = &c->regions[i];
        snprintf(path, sizeof path, "regions.%d.name", i);
        if (r->name[0] == '\0')
            return ps_diag_set(d, PS_EINVAL, path, "must not be empty");
        for (int j = 0; j < i; j++)
            if (strcmp(c->regions[j].name, r->name) == 0)
                return ps_diag_set(d, PS_EINVAL, path, "duplicate region name '%s'", r->name);
        if (!check_field(d, "regions", i, "gpus", r->gpus, 0, false, PS_CLUSTER_MAX_GPUS) ||
            !check_field(d, "regions", i, "price_usd_per_kwh", r->price_usd_per_kwh, 0, false,
                         1e6) ||
            !check_field(d, "regions", i, "gpu_power_w", r->gpu_power_w, 0, false, 1e6) ||
            !check_field(d, "regions", i, "pue", r->pue, 1, false, 100) ||
            !check_field(d, "regions", i, "bandwidth_gbps", r->bandwidth_gbps, 0, true, 1e9) ||
            !check_field(d, "regions", i, "latency_ms", r->latency_ms, 0, false, 1e6))
            return PS_EINVAL;
    }
    return PS_OK;
}

static enum ps_status check_links(const struct ps_cluster *c, struct ps_diag *d)
{
    char path[160];
    for (int i = 0; i < c->n_links; i++) {
        const struct ps_region_link *l = &c->links[i];
        snprintf(path, sizeof path, "links.%d.from", i);
        if (l->a < 0 || l->a >= c->n_regions)
            return ps_diag_set(d, PS_EINVAL, path, "region index out of range (0..%d)",
                               c->n_regions - 1);
        snprintf(path, sizeof path, "links.%d.to", i);
        if (l->b < 0 || l->b >= c->n_regions)
            return ps_diag_set(d, PS_EINVAL, path, "region index out of range (0..%d)",
                               c->n_regions - 1);
        if (l->a == l->b)
            return ps_diag_set(d, PS_EINVAL, path, "must differ from \"from\"");
        for (int j = 0; j < i; j++) {
            const struct ps_region_link *o = &c->links[j];
            if ((o->a == l->a && o->b == l->b) || (o->a == l->b && o->b == l->a)) {
                snprintf(path, sizeof path, "links.%d", i);
                return ps_diag_set(d, PS_EINVAL, path,
                                   "duplicate link %s - %s (links are undirected; see links.%d)",
                                   c->regions[l->a].name, c->regions[l->b].name, j);
            }
        }
        if ((l->has_bandwidth &&
             !check_field(d, "links", i, "bandwidth_gbps", l->bandwidth_gbps, 0, true, 1e9)) ||
            (l->has_latency &&
             !check_field(d, "links", i, "latency_ms", l->latency_ms, 0, false, 1e6)))
            return PS_EINVAL;
    }
    return PS_OK;
}

static enum ps_status check_job(const struct ps_cluster *c, int i, struct ps_diag *d)
{
    const struct ps_cluster_job *j = &c->jobs[i];
    char path[160];
    snprintf(path, sizeof path, "jobs.%d.name", i);
    if (j->name[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, path, "must not be empty");
    if (c->scale.jobs > 1 && strlen(j->name) + 4 >= PS_NAME_MAX)
        return ps_diag_set(d, PS_EINVAL, path, "too long for scale.jobs copies (at most %d bytes)",
                           PS_NAME_MAX - 5);
    if (!check_field(d, "jobs", i, "submit_s", j->submit_s, 0, false, 1e9) ||
        !check_field(d, "jobs", i, "iterations", (double)j->iterations, 1, false, 1e9) ||
        !check_field(d, "jobs", i, "microbatches", j->microbatches, 1, false,
                     PS_MAX_MICROBATCHES) ||
        !check_field(d, "jobs", i, "k_max", j->k_max, 0, false, PS_MAX_STAGES))
        return PS_EINVAL;
    if (j->model[0] != '\0') {
        snprintf(path, sizeof path, "jobs.%d.model", i);
        if (j->t_comp_ms != 0.0 || j->activation_mb != 0.0 || j->memory_gb != 0.0)
            return ps_diag_set(d, PS_EINVAL, path,
                               "give either a model or a profile (t_comp_ms, activation_mb, "
                               "memory_gb), not both");
        return PS_OK;
    }
    if (j->recompute) {
        snprintf(path, sizeof path, "jobs.%d.recompute", i);
        return ps_diag_set(d, PS_EINVAL, path, "only with a model (a profile's times are given)");
    }
    if (!check_field(d, "jobs", i, "t_comp_ms", j->t_comp_ms, 0, true, 1e9) ||
        !check_field(d, "jobs", i, "activation_mb", j->activation_mb, 0, false, 1e9) ||
        !check_field(d, "jobs", i, "memory_gb", j->memory_gb, 0, false, 1e9))
        return PS_EINVAL;
    return PS_OK;
}

static enum ps_status check_job_names(const struct ps_cluster *c, struct ps_diag *d)
{
    if (c->n_jobs < 2)
        return PS_OK;
    struct name_ref *refs = malloc((size_t)c->n_jobs * sizeof *refs);
    if (refs == NULL)
        return ps_diag_set(d, PS_ENOMEM, "jobs", "out of memory");
    for (int i = 0; i < c->n_jobs; i++)
        refs[i] = (struct name_ref){c->jobs[i].name, i};
    qsort(refs, (size_t)c->n_jobs, sizeof *refs, cmp_name_ref);
    enum ps_status st = PS_OK;
    for (int i = 1; i < c->n_jobs && st == PS_OK; i++)
        if (strcmp(refs[i].name, refs[i - 1].name) == 0) {
            char path[160];
            snprintf(path, sizeof path, "jobs.%d.name", refs[i].index);
            st = ps_diag_set(d, PS_EINVAL, path, "duplicate job name '%s' (see jobs.%d)",
                             refs[i].name, refs[i - 1].index);
        }
    free(refs);
    return st;
}

/* A copy's name "a-2" must not be another job's name. */
static enum ps_status check_copy_names(const struct ps_cluster *c, struct ps_diag *d)
{
    if (c->scale.jobs < 2)
        return PS_OK;
    struct ps_cluster e;
    enum ps_status st = ps_cluster_expand(&e, c);
    if (st != PS_OK)
        return ps_diag_set(d, st, "scale.jobs", "out of memory");
    struct ps_diag inner;
    ps_diag_clear(&inner);
    st = check_job_names(&e, &inner);
    if (st == PS_EINVAL)
        ps_diag_set(d, PS_EINVAL, "scale.jobs", "a copy's name is taken: %s", inner.msg);
    ps_cluster_fini(&e);
    return st;
}

static enum ps_status check_top(const struct ps_cluster *c, struct ps_diag *d)
{
    if (!check_range(d, "gpu.tflops", c->gpu.tflops, 0, true, 1e9) ||
        !check_range(d, "gpu.util", c->gpu.util, 0, true, 1) ||
        !check_range(d, "gpu.memory_gb", c->gpu.memory_gb, 0, true, 1e9) ||
        !check_range(d, "intra_region.latency_ms", c->intra_region.latency_ms, 0, false, 1e6) ||
        !check_range(d, "intra_region.bandwidth_gbps", c->intra_region.bandwidth_gbps, 0, false,
                     1e9) ||
        (!c->policy.alpha_adaptive &&
         !check_range(d, "policy.alpha", c->policy.alpha, 0, false, 1)) ||
        !check_range(d, "scale.bandwidth", c->scale.bandwidth, 0, true, 1e6) ||
        !check_range(d, "scale.gpus", c->scale.gpus, 0, true, 1e3) ||
        !check_range(d, "scale.jobs", c->scale.jobs, 1, false, PS_CLUSTER_MAX_SCALE_JOBS))
        return PS_EINVAL;
    if (c->schedule[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, "schedule", "must not be empty");
    if (c->policy.seed != PS_SEED_MOST_GPUS && c->policy.seed != PS_SEED_CHEAPEST)
        return ps_diag_set(d, PS_EINVAL, "policy.seed", "must be most-gpus or cheapest");
    return PS_OK;
}

enum ps_status ps_cluster_validate(const struct ps_cluster *c, struct ps_diag *d)
{
    enum ps_status st;
    if ((st = check_top(c, d)) || (st = check_regions(c, d)) || (st = check_links(c, d)))
        return st;
    for (int i = 0; i < c->n_regions; i++) {
        double g = floor(c->regions[i].gpus * c->scale.gpus + 0.5);
        if (g > PS_CLUSTER_MAX_GPUS)
            return ps_diag_set(d, PS_EINVAL, "scale.gpus",
                               "region %s would have %.0f GPUs (at most %d)", c->regions[i].name, g,
                               PS_CLUSTER_MAX_GPUS);
    }
    if (c->n_jobs < 0 || (int64_t)c->n_jobs * c->scale.jobs > PS_CLUSTER_MAX_JOBS)
        return ps_diag_set(d, PS_EINVAL, c->scale.jobs > 1 ? "scale.jobs" : "jobs",
                           "at most %d jobs in all (got %lld)", PS_CLUSTER_MAX_JOBS,
                           (long long)c->n_jobs * c->scale.jobs);
    for (int i = 0; i < c->n_jobs; i++)
        if ((st = check_job(c, i, d)))
            return st;
    if ((st = check_job_names(c, d)) || (st = check_copy_names(c, d)))
        return st;
    return PS_OK;
}

/* ---- the effective cluster ----------------------------------------------------------- */

enum ps_status ps_cluster_expand(struct ps_cluster *dst, const struct ps_cluster *src)
{
    struct ps_cluster tmp = *src;
    int copies = src->scale.jobs < 1 ? 1 : src->scale.jobs;
    tmp.jobs = NULL;
    tmp.n_jobs = 0;
    enum ps_status st = ps_cluster_copy(dst, &tmp);
    if (st != PS_OK)
        return st;
    for (int i = 0; i < dst->n_regions; i++) {
        struct ps_region *r = &dst->regions[i];
        r->gpus = (int)floor(r->gpus * src->scale.gpus + 0.5);
        r->bandwidth_gbps *= src->scale.bandwidth;
    }
    for (int i = 0; i < dst->n_links; i++)
        dst->links[i].bandwidth_gbps *= src->scale.bandwidth;
    size_t n = (size_t)src->n_jobs * (size_t)copies;
    if (n > 0) {
        dst->jobs = malloc(n * sizeof *dst->jobs);
        if (dst->jobs == NULL) {
            ps_cluster_fini(dst);
            return PS_ENOMEM;
        }
        for (int c = 0; c < copies; c++)
            for (int i = 0; i < src->n_jobs; i++) {
                struct ps_cluster_job *j = &dst->jobs[(size_t)c * src->n_jobs + i];
                *j = src->jobs[i];
                if (c > 0) {
                    char name[PS_NAME_MAX + 16];
                    snprintf(name, sizeof name, "%s-%d", src->jobs[i].name, c + 1);
                    snprintf(j->name, sizeof j->name, "%.*s", PS_NAME_MAX - 1, name);
                }
            }
    }
    dst->n_jobs = (int)n;
    dst->scale.bandwidth = dst->scale.gpus = 1.0;
    dst->scale.jobs = 1;
    return PS_OK;
}

/* ---- lookups ------------------------------------------------------------------------- */

int ps_cluster_region_find(const struct ps_cluster *c, const char *name)
{
    for (int i = 0; i < c->n_regions; i++)
        if (strcmp(c->regions[i].name, name) == 0)
            return i;
    return -1;
}

int ps_cluster_job_find(const struct ps_cluster *c, const char *name)
{
    for (int i = 0; i < c->n_jobs; i++)
        if (strcmp(c->jobs[i].name, name) == 0)
            return i;
    return -1;
}

struct ps_link ps_cluster_link(const struct ps_cluster *c, int a, int b)
{
    assert(a >= 0 && a < c->n_regions && b >= 0 && b < c->n_regions && a != b);
    const struct ps_region *ra = &c->regions[a], *rb = &c->regions[b];
    struct ps_link l = {(ra->latency_ms + rb->latency_ms) / 2.0,
                        (ra->bandwidth_gbps + rb->bandwidth_gbps) / 2.0};
    for (int i = 0; i < c->n_links; i++) {
        const struct ps_region_link *o = &c->links[i];
        if ((o->a == a && o->b == b) || (o->a == b && o->b == a)) {
            if (o->has_latency)
                l.latency_ms = o->latency_ms;
            if (o->has_bandwidth)
                l.bandwidth_gbps = o->bandwidth_gbps;
            break;
        }
    }
    return l;
}

int ps_cluster_pair_index(const struct ps_cluster *c, int a, int b)
{
    assert(a != b);
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    int n = c->n_regions;
    return a * n - a * (a + 1) / 2 + (b - a - 1);
}

double ps_region_usd_per_hour(const struct ps_region *r, int gpus)
{
    return gpus * r->gpu_power_w * r->pue * r->price_usd_per_kwh / 1000.0;
}

int ps_placement_gpus(const struct ps_placement *p)
{
    int k = 0;
    for (int i = 0; i < p->n; i++)
        k += p->gpus[i];
    return k;
}

double ps_placement_usd_per_hour(const struct ps_cluster *c, const struct ps_placement *p)
{
    double usd = 0.0;
    for (int i = 0; i < p->n; i++)
        usd += ps_region_usd_per_hour(&c->regions[p->region[i]], p->gpus[i]);
    return usd;
}

int64_t ps_cluster_total_gpus(const struct ps_cluster *c)
{
    int64_t n = 0;
    for (int i = 0; i < c->n_regions; i++)
        n += c->regions[i].gpus;
    return n;
}

/* ---- a job's pipeline ---------------------------------------------------------------- */

/* The calculator's layout of a model job on k stages (TP 1, DP 1, b = 1, BF16). */
static void job_layout(const struct ps_cluster *c, const struct ps_cluster_job *job, int k,
                       struct ps_calc_layout *l, struct ps_calc_hw *hw)
{
    *l = (struct ps_calc_layout){
        .tp = 1, .pp = k, .dp = 1, .microbatch_size = 1, .recompute = job->recompute};
    *hw = (struct ps_calc_hw){c->gpu.tflops, c->gpu.util, 2.0};
}

int ps_cluster_job_k_cap(const struct ps_cluster *c, int j)
{
    const struct ps_cluster_job *job = &c->jobs[j];
    int64_t cap = PS_MAX_STAGES;
    int64_t total = ps_cluster_total_gpus(c);
    if (total < cap)
        cap = total;
    if (job->k_max > 0 && job->k_max < cap)
        cap = job->k_max;
    if (job->model[0] != '\0' && job->has_calc) {
        int layers = job->calc.layers + job->calc.extra_layers;
        if (layers < cap)
            cap = layers;
    }
    return (int)cap;
}

/* The smallest k at which the calculator's memory limit holds stage 0's 1F1B microbatches;
 * limit + 1 when none up to limit does. */
static int model_k_min(const struct ps_cluster *c, const struct ps_cluster_job *job, int limit)
{
    struct ps_calc_stage *st = malloc((size_t)(limit > 0 ? limit : 1) * sizeof *st);
    if (st == NULL)
        return limit + 1;
    int found = limit + 1;
    for (int k = 1; k <= limit; k++) {
        struct ps_calc_layout l;
        struct ps_calc_hw hw;
        job_layout(c, job, k, &l, &hw);
        if (ps_calc_stages(&job->calc, &l, &hw, st, NULL) != PS_OK)
            break;
        double units = ps_calc_memory_limit(st, k, c->gpu.memory_gb);
        int need = k < job->microbatches ? k : job->microbatches;
        if (units >= need) {
            found = k;
            break;
        }
    }
    free(st);
    return found;
}

int ps_cluster_job_k_min(const struct ps_cluster *c, int j)
{
    const struct ps_cluster_job *job = &c->jobs[j];
    if (job->model[0] != '\0') {
        if (!job->has_calc)
            return PS_MAX_STAGES + 1;
        return model_k_min(c, job, job->calc.layers + job->calc.extra_layers);
    }
    double k = ceil(job->memory_gb / c->gpu.memory_gb - 1e-9);
    if (k > PS_MAX_STAGES)
        return PS_MAX_STAGES + 1;
    return k < 1 ? 1 : (int)k;
}

/* Per-stage times of job on k stages into sc (compute, per_stage, activation_mb,
 * weight_share). */
static enum ps_status job_times(const struct ps_cluster *c, const struct ps_cluster_job *job, int k,
                                struct ps_scenario *sc, struct ps_diag *d)
{
    if (job->model[0] == '\0') {
        double t = job->t_comp_ms / (3.0 * k);
        sc->compute = (struct ps_compute){t, t, t};
        sc->activation_mb = job->activation_mb;
        return PS_OK;
    }
    if (!job->has_calc)
        return ps_diag_set(d, PS_EINVAL, "model", "job %s: model '%s' is not resolved", job->name,
                           job->model);
    struct ps_calc_layout l;
    struct ps_calc_hw hw;
    job_layout(c, job, k, &l, &hw);
    struct ps_calc_stage *st = malloc((size_t)k * sizeof *st);
    if (st == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    enum ps_status s = ps_calc_stages(&job->calc, &l, &hw, st, d);
    if (s != PS_OK) {
        free(st);
        return s;
    }
    int big = 0;
    bool uniform = true;
    for (int i = 1; i < k; i++) {
        if (st[i].forward_ms + st[i].backward_ms + st[i].weight_ms >
            st[big].forward_ms + st[big].backward_ms + st[big].weight_ms)
            big = i;
        uniform = uniform && st[i].forward_ms == st[0].forward_ms &&
                  st[i].backward_ms == st[0].backward_ms && st[i].weight_ms == st[0].weight_ms;
    }
    sc->compute = (struct ps_compute){st[big].forward_ms, st[big].backward_ms, st[big].weight_ms};
    if (!uniform) {
        sc->per_stage = malloc((size_t)k * sizeof *sc->per_stage);
        if (sc->per_stage == NULL) {
            free(st);
            return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
        }
        for (int i = 0; i < k; i++)
            sc->per_stage[i] =
                (struct ps_compute){st[i].forward_ms, st[i].backward_ms, st[i].weight_ms};
    }
    sc->activation_mb = ps_calc_message_bytes(&job->calc, &l, &hw) / 1e6;
    sc->weight_share = ps_calc_weight_share(&job->calc);
    free(st);
    return PS_OK;
}

enum ps_status ps_cluster_job_scenario(const struct ps_cluster *c, int j,
                                       const struct ps_placement *p, const double *bw,
                                       struct ps_scenario *sc, struct ps_diag *d)
{
    ps_scenario_init(sc);
    assert(j >= 0 && j < c->n_jobs);
    const struct ps_cluster_job *job = &c->jobs[j];
    int k = ps_placement_gpus(p);
    if (p->n < 1 || p->n > PS_CLUSTER_MAX_REGIONS || k < 1 || k > PS_MAX_STAGES)
        return ps_diag_set(d, PS_EINVAL, "", "job %s: a placement needs 1 to %d stages (got %d)",
                           job->name, PS_MAX_STAGES, k);
    sc->dcs = calloc((size_t)p->n, sizeof *sc->dcs);
    if (p->n > 1)
        sc->pairs = calloc((size_t)(2 * (p->n - 1)), sizeof *sc->pairs);
    if (sc->dcs == NULL || (p->n > 1 && sc->pairs == NULL)) {
        ps_scenario_fini(sc);
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    }
    char path[96] = "";
    size_t used = 0;
    for (int i = 0; i < p->n && used < sizeof path; i++) {
        int n = snprintf(path + used, sizeof path - used, "%s%s", i ? ">" : "",
                         c->regions[p->region[i]].name);
        used += n > 0 ? (size_t)n : 0;
    }
    snprintf(sc->name, sizeof sc->name, "%.60s on %s", job->name, path);
    sc->n_dcs = p->n;
    sc->n_stages = k;
    sc->n_microbatches = job->microbatches;
    for (int i = 0; i < p->n; i++) {
        snprintf(sc->dcs[i].name, sizeof sc->dcs[i].name, "%s", c->regions[p->region[i]].name);
        sc->dcs[i].stages = p->gpus[i];
        sc->dcs[i].compute_scale = 1.0;
    }
    sc->intra_dc = c->intra_region;
    for (int i = 0; i + 1 < p->n; i++) {
        struct ps_link l = ps_cluster_link(c, p->region[i], p->region[i + 1]);
        if (bw != NULL)
            l.bandwidth_gbps = bw[i];
        if (i == 0)
            sc->inter_dc = l;
        sc->pairs[2 * i] = (struct ps_pair){i, i + 1, l, true, true};
        sc->pairs[2 * i + 1] = (struct ps_pair){i + 1, i, l, true, true};
    }
    sc->n_pairs = 2 * (p->n - 1);
    enum ps_status st = job_times(c, job, k, sc, d);
    if (st != PS_OK)
        ps_scenario_fini(sc);
    return st;
}
