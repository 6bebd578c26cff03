/* What the policies know of each job before it runs (docs/cluster.md 2.1-2.3): its
 * smallest and best sizes, its iteration time alone in one region, its bandwidth demand
 * and its work. K* is found by timing the job's pipeline for every size in range. */
#include "core/cluster_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ps_status ps_cluster_solo_scenario(const struct ps_cluster *c, int j, int k,
                                        struct ps_scenario *sc, struct ps_diag *d)
{
    struct ps_cluster solo = *c;
    struct ps_region r;
    ps_region_init(&r);
    snprintf(r.name, sizeof r.name, "region");
    r.gpus = k;
    r.bandwidth_gbps = 1.0;
    solo.regions = &r;
    solo.n_regions = 1;
    solo.links = NULL;
    solo.n_links = 0;
    struct ps_placement p = {.n = 1};
    p.region[0] = 0;
    p.gpus[0] = k;
    return ps_cluster_job_scenario(&solo, j, &p, NULL, sc, d);
}

/* Two jobs whose plans are the same (everything but name, submit time and iterations). */
static bool same_profile(const struct ps_cluster_job *a, const struct ps_cluster_job *b)
{
    if (a->microbatches != b->microbatches || a->k_max != b->k_max ||
        a->recompute != b->recompute || strcmp(a->model, b->model) != 0 ||
        a->has_calc != b->has_calc)
        return false;
    if (a->model[0] != '\0')
        return !a->has_calc || memcmp(&a->calc, &b->calc, sizeof a->calc) == 0;
    return a->t_comp_ms == b->t_comp_ms && a->activation_mb == b->activation_mb &&
           a->memory_gb == b->memory_gb;
}

static void explain_cannot(const struct ps_cluster *c, int j, struct ps_job_plan *pl)
{
    const struct ps_cluster_job *job = &c->jobs[j];
    long long total = (long long)ps_cluster_total_gpus(c);
    if (job->model[0] != '\0' && !job->has_calc)
        snprintf(pl->why, sizeof pl->why, "model '%.80s' is not resolved", job->model);
    else if (job->model[0] != '\0' && pl->k_min > job->calc.layers + job->calc.extra_layers)
        snprintf(pl->why, sizeof pl->why,
                 "does not fit in %g GB per GPU even with one layer per stage (model states "
                 "and the activations 1F1B keeps%s)",
                 c->gpu.memory_gb, job->recompute ? "" : "; recompute would help");
    else if (pl->k_min > PS_MAX_STAGES)
        snprintf(pl->why, sizeof pl->why, "needs more than %d GPUs (stages)", PS_MAX_STAGES);
    else if (pl->k_min > total)
        snprintf(pl->why, sizeof pl->why,
                 "needs at least %d GPUs for its memory, the cluster has %lld", pl->k_min, total);
    else if (job->k_max > 0 && job->k_max < pl->k_min)
        snprintf(pl->why, sizeof pl->why, "k_max %d is below the %d GPUs its memory needs",
                 job->k_max, pl->k_min);
    else
        snprintf(pl->why, sizeof pl->why, "needs %d GPUs, at most %d allowed", pl->k_min,
                 pl->k_cap);
}

/* The busiest stage's F + B + W in ms. */
static double busiest_stage_ms(const struct ps_scenario *sc)
{
    double best = 0.0;
    for (int s = 0; s < sc->n_stages; s++) {
        struct ps_compute t = ps_scenario_stage_compute(sc, s);
        double x = t.forward_ms + t.backward_ms + t.weight_ms;
        if (x > best)
            best = x;
    }
    return best;
}

static enum ps_status plan_one(const struct ps_cluster *c, int j, ps_iter_time_fn fn, void *user,
                               struct ps_job_plan *pl, struct ps_diag *d)
{
    const struct ps_cluster_job *job = &c->jobs[j];
    memset(pl, 0, sizeof *pl);
    pl->k_min = ps_cluster_job_k_min(c, j);
    pl->k_cap = ps_cluster_job_k_cap(c, j);
    if (pl->k_min > pl->k_cap) {
        explain_cannot(c, j, pl);
        return PS_OK;
    }
    int64_t best = INT64_MAX;
    for (int k = pl->k_min; k <= pl->k_cap; k++) {
        struct ps_scenario sc;
        int64_t t = 0;
        enum ps_status st = ps_cluster_solo_scenario(c, j, k, &sc, d);
        if (st == PS_OK)
            st = fn(user, &sc, &t, d);
        if (st == PS_OK && t < best) {
            best = t;
            pl->k_star = k;
            pl->t_stage_ms = busiest_stage_ms(&sc);
            pl->activation_mb = sc.activation_mb;
        }
        ps_scenario_fini(&sc);
        if (st != PS_OK) {
            char msg[sizeof d->msg];
            snprintf(msg, sizeof msg, "%s", d != NULL ? d->msg : "");
            char path[64];
            snprintf(path, sizeof path, "jobs.%d", j);
            return ps_diag_set(d, st, path, "%s on %d GPUs: %s", job->name, k, msg);
        }
    }
    pl->can_run = true;
    pl->t_iter_ns = best;
    pl->demand_gbps = pl->t_stage_ms > 0.0 ? pl->activation_mb * 8.0 / pl->t_stage_ms : 0.0;
    pl->solo_s = (double)job->iterations * (double)best / 1e9;
    pl->work_gpu_s = pl->k_star * pl->solo_s;
    return PS_OK;
}

enum ps_status ps_cluster_plan_jobs(const struct ps_cluster *c, ps_iter_time_fn fn, void *user,
                                    struct ps_job_plan *plans, struct ps_diag *d)
{
    /* Distinct profiles seen so far (indices of their first job). */
    int *first = malloc((size_t)(c->n_jobs > 0 ? c->n_jobs : 1) * sizeof *first);
    if (first == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    int n_first = 0;
    for (int j = 0; j < c->n_jobs; j++) {
        int same = -1;
        for (int i = 0; i < n_first && same < 0; i++)
            if (same_profile(&c->jobs[first[i]], &c->jobs[j]))
                same = first[i];
        if (same >= 0) {
            plans[j] = plans[same];
            plans[j].solo_s = (double)c->jobs[j].iterations * (double)plans[j].t_iter_ns / 1e9;
            plans[j].work_gpu_s = plans[j].k_star * plans[j].solo_s;
            continue;
        }
        enum ps_status st = plan_one(c, j, fn, user, &plans[j], d);
        if (st != PS_OK) {
            free(first);
            return st;
        }
        first[n_first++] = j;
    }
    free(first);
    return PS_OK;
}
