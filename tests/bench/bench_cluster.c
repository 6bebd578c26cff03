/* The cluster planner's speed (docs/cluster.md): every policy on bace-paper with 24 jobs
 * (scale.jobs=3) over 6 regions (target < 1 s for all of them together), and on a
 * generated cluster of 1,000 jobs over 50 regions (target < 10 s). Prints one row per
 * policy: CPU ms of the plan (K* search, shared by the policies) and of each run, the
 * pipelines simulated and answered from the cache, and the results. CPU time of this
 * thread (the machine is shared). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "presets/cluster.h"
#include "solvers/cluster.h"

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A deterministic generator (xorshift), so the big case is the same every run. */
static uint64_t rng_state = 88172645463325252ull;

static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* 50 regions (GPUs from the paper's {16, 32, 64, 128}, prices in its range, 25/50/100
 * Gb/s) and 1,000 jobs of the paper's six models with its three dataset lengths, arriving
 * as a Poisson process of about 0.4 jobs an hour (a busy but not overloaded cluster). */
static int make_big(struct ps_cluster *c)
{
    static const char *const models[] = {"llama3-70b,seq=4096", "qwen2.5-14b", "qwen2.5-32b",
                                         "falcon-40b",          "gemma3-27b",  "flm-101b"};
    static const int gpus[] = {16, 32, 64, 128};
    static const double bw[] = {25, 50, 100};
    ps_cluster_init(c);
    snprintf(c->name, sizeof c->name, "generated-1000x50");
    c->n_regions = 50;
    c->n_jobs = 1000;
    c->regions = calloc(50, sizeof *c->regions);
    c->jobs = calloc(1000, sizeof *c->jobs);
    if (c->regions == NULL || c->jobs == NULL)
        return -1;
    c->intra_region = (struct ps_link){0.01, 100};
    for (int r = 0; r < 50; r++) {
        ps_region_init(&c->regions[r]);
        snprintf(c->regions[r].name, sizeof c->regions[r].name, "r%02d", r);
        c->regions[r].gpus = gpus[(int)(uniform() * 4)];
        c->regions[r].price_usd_per_kwh = 0.156 + uniform() * (0.295 - 0.156);
        c->regions[r].bandwidth_gbps = bw[(int)(uniform() * 3)];
        c->regions[r].latency_ms = 10 + uniform() * 60;
    }
    double t = 0;
    for (int j = 0; j < 1000; j++) {
        struct ps_cluster_job *job = &c->jobs[j];
        ps_cluster_job_init(job);
        int m = (int)(uniform() * 6);
        snprintf(job->name, sizeof job->name, "job%04d", j);
        snprintf(job->model, sizeof job->model, "%s", models[m]);
        job->recompute = true;
        job->microbatches = 32;
        double u = uniform();
        /* Alpaca, WikiText-103 or OpenWebText at 4096 tokens x 32 microbatches a step */
        job->iterations = u < 0.4 ? 95 : u < 0.8 ? 954 : 72479;
        job->submit_s = t;
        t += -9000.0 * log(1.0 - uniform()); /* mean 2.5 h between arrivals */
    }
    return 0;
}

static int run_all(const char *title, const struct ps_cluster *file, double target_ms)
{
    struct ps_cluster c;
    struct ps_diag d;
    char buf[512];
    if (ps_cluster_expand(&c, file) != PS_OK)
        return 1;
    struct ps_cluster_timer *t = NULL;
    if (ps_cluster_timer_new(c.schedule, NULL, &t, &d) != PS_OK) {
        fprintf(stderr, "%s\n", ps_diag_format(&d, NULL, buf, sizeof buf));
        return 1;
    }
    struct ps_job_plan *plans = calloc((size_t)c.n_jobs, sizeof *plans);
    double t0 = cpu_ms();
    if (plans == NULL || ps_cluster_plan_jobs(&c, ps_cluster_timer_fn, t, plans, &d) != PS_OK) {
        fprintf(stderr, "%s\n", ps_diag_format(&d, NULL, buf, sizeof buf));
        return 1;
    }
    double plan_ms = cpu_ms() - t0, total = plan_ms;
    long h0, m0;
    ps_cluster_timer_stats(t, &h0, &m0);
    printf("\n%s: %d jobs x %d regions, %lld GPUs\n", title, c.n_jobs, c.n_regions,
           (long long)ps_cluster_total_gpus(&c));
    printf("%-20s %9s %7s %7s %7s %12s %14s %12s %6s\n", "policy", "cpu_ms", "events", "simul",
           "cached", "avg_jct_h", "total_cost_usd", "makespan_h", "never");
    printf("%-20s %9.1f %7s %7ld %7ld\n", "(plan: K* search)", plan_ms, "", m0, h0);
    for (size_t i = 0; i < ps_cluster_policy_count(); i++) {
        const struct ps_cluster_policy *pol = ps_cluster_policy_at(i);
        struct ps_cluster_result r;
        long h1, m1;
        t0 = cpu_ms();
        enum ps_status st = ps_cluster_run(&c, plans, pol, t, &r, &d);
        double ms = cpu_ms() - t0;
        total += ms;
        ps_cluster_timer_stats(t, &h1, &m1);
        if (st != PS_OK) {
            printf("%-20s error: %s\n", pol->name, ps_diag_format(&d, NULL, buf, sizeof buf));
        } else {
            printf("%-20s %9.1f %7ld %7ld %7ld %12.2f %14.2f %12.2f %6d\n", pol->name, ms, r.events,
                   m1 - m0, h1 - h0, r.avg_jct_s / 3600, r.total_cost_usd, r.makespan_s / 3600,
                   r.never_started);
        }
        h0 = h1;
        m0 = m1;
        ps_cluster_result_fini(&r);
    }
    printf("all policies with the plan: %.1f ms of CPU (target < %.0f ms)\n", total, target_ms);
    free(plans);
    ps_cluster_timer_free(t);
    ps_cluster_fini(&c);
    return 0;
}

int main(void)
{
    static const char *const sets[] = {"scale.jobs=3"};
    struct ps_cluster_source src = {.preset = "bace-paper", .n_sets = 1, .sets = sets};
    struct ps_cluster c;
    struct ps_diag d;
    char buf[512];
    if (ps_cluster_resolve(&src, &c, &d) != PS_OK) {
        fprintf(stderr, "%s\n", ps_diag_format(&d, NULL, buf, sizeof buf));
        return 1;
    }
    int rc = run_all("bace-paper --set scale.jobs=3", &c, 1000);
    ps_cluster_fini(&c);
    if (rc != 0 || make_big(&c) != 0 || ps_cluster_resolve_models(&c, &d) != PS_OK)
        return 1;
    rc = run_all("generated", &c, 10000);
    ps_cluster_fini(&c);
    return rc;
}
