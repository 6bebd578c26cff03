/* The event-driven queue simulation (docs/cluster.md section 5): arrivals, the scheduling
 * pass in the policy's order (the first job that cannot be placed blocks the rest), GPUs
 * held by number, links shared equally by the jobs on them with iteration times derived
 * again whenever a share changes, completions that release everything, and energy billed
 * only while a job runs (section 6). */
#include "core/cluster_sim.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 100 years: no job may end later (times stay far from int64 overflow). */
#define HORIZON_NS ((int64_t)3155760000 * INT64_C(1000000000))

enum job_status { J_FUTURE = 0, J_WAITING, J_RUNNING, J_DONE, J_NEVER };

struct job_state {
    enum job_status status;
    double remaining; /* iterations */
    int64_t iter_ns;
    int64_t last_ns; /* progress counted up to here */
    int64_t end_ns;  /* predicted completion */
    bool derive;     /* iteration time must be derived again */
    double share[PS_CLUSTER_MAX_REGIONS];
    int hold_begin, hold_end; /* its entries in out->holds */
};

struct sim {
    const struct ps_cluster *c;
    const struct ps_job_plan *plans;
    const struct ps_cluster_policy_ops *ops;
    ps_iter_time_fn fn;
    void *user;
    struct ps_cluster_result *out;
    struct ps_diag *d;
    int n_pairs;
    int *free_gpus, *link_jobs;
    double *link_load, *link_bw, *link_lat;
    bool *link_changed;
    int **owner; /* owner[r][g]: the job holding GPU g of region r, or -1 */
    int *waiting, n_waiting;
    int *running, n_running;
    int *target; /* GPUs of each job's placement on the empty cluster */
    struct job_state *js;
    int holds_cap;
    int64_t now;
};

/* ---- the empty cluster --------------------------------------------------------------- */

enum ps_status ps_cluster_empty_init(struct ps_cluster_empty *e, const struct ps_cluster *c,
                                     const struct ps_job_plan *plans)
{
    memset(e, 0, sizeof *e);
    int R = c->n_regions, P = R * (R - 1) / 2;
    size_t np = (size_t)(P > 0 ? P : 1);
    e->free_gpus = malloc((size_t)R * sizeof *e->free_gpus);
    e->link_jobs = calloc(np, sizeof *e->link_jobs);
    e->link_load = calloc(np, sizeof *e->link_load);
    e->link_bw = calloc(np, sizeof *e->link_bw);
    e->link_latency = calloc(np, sizeof *e->link_latency);
    if (e->free_gpus == NULL || e->link_jobs == NULL || e->link_load == NULL ||
        e->link_bw == NULL || e->link_latency == NULL) {
        ps_cluster_empty_fini(e);
        return PS_ENOMEM;
    }
    for (int r = 0; r < R; r++)
        e->free_gpus[r] = c->regions[r].gpus;
    for (int a = 0; a < R; a++)
        for (int b = a + 1; b < R; b++) {
            struct ps_link l = ps_cluster_link(c, a, b);
            int p = ps_cluster_pair_index(c, a, b);
            e->link_bw[p] = l.bandwidth_gbps;
            e->link_latency[p] = l.latency_ms;
        }
    e->st = (struct ps_cluster_state){.c = c,
                                      .plans = plans,
                                      .free_gpus = e->free_gpus,
                                      .link_jobs = e->link_jobs,
                                      .link_load = e->link_load,
                                      .link_bw = e->link_bw,
                                      .link_latency = e->link_latency};
    return PS_OK;
}

void ps_cluster_empty_fini(struct ps_cluster_empty *e)
{
    free(e->free_gpus);
    free(e->link_jobs);
    free(e->link_load);
    free(e->link_bw);
    free(e->link_latency);
    memset(e, 0, sizeof *e);
}

void ps_cluster_result_fini(struct ps_cluster_result *r)
{
    if (r == NULL)
        return;
    free(r->jobs);
    free(r->holds);
    memset(r, 0, sizeof *r);
}

/* ---- set-up -------------------------------------------------------------------------- */

static void sim_free(struct sim *s)
{
    if (s->owner != NULL)
        for (int r = 0; r < s->c->n_regions; r++)
            free(s->owner[r]);
    free(s->owner);
    free(s->free_gpus);
    free(s->link_jobs);
    free(s->link_load);
    free(s->link_bw);
    free(s->link_lat);
    free(s->link_changed);
    free(s->waiting);
    free(s->running);
    free(s->target);
    free(s->js);
}

static enum ps_status sim_alloc(struct sim *s)
{
    const struct ps_cluster *c = s->c;
    int R = c->n_regions;
    s->n_pairs = R * (R - 1) / 2;
    size_t np = (size_t)(s->n_pairs > 0 ? s->n_pairs : 1), nj = (size_t)(c->n_jobs ? c->n_jobs : 1);
    s->free_gpus = malloc((size_t)R * sizeof *s->free_gpus);
    s->link_jobs = calloc(np, sizeof *s->link_jobs);
    s->link_load = calloc(np, sizeof *s->link_load);
    s->link_bw = calloc(np, sizeof *s->link_bw);
    s->link_lat = calloc(np, sizeof *s->link_lat);
    s->link_changed = calloc(np, sizeof *s->link_changed);
    s->owner = calloc((size_t)R, sizeof *s->owner);
    s->waiting = malloc(nj * sizeof *s->waiting);
    s->running = malloc(nj * sizeof *s->running);
    s->target = calloc(nj, sizeof *s->target);
    s->js = calloc(nj, sizeof *s->js);
    s->out->jobs = calloc(nj, sizeof *s->out->jobs);
    if (s->free_gpus == NULL || s->link_jobs == NULL || s->link_load == NULL ||
        s->link_bw == NULL || s->link_lat == NULL || s->link_changed == NULL || s->owner == NULL ||
        s->waiting == NULL || s->running == NULL || s->target == NULL || s->js == NULL ||
        s->out->jobs == NULL)
        return PS_ENOMEM;
    for (int r = 0; r < R; r++) {
        s->free_gpus[r] = c->regions[r].gpus;
        s->owner[r] =
            malloc((size_t)(c->regions[r].gpus > 0 ? c->regions[r].gpus : 1) * sizeof *s->owner[r]);
        if (s->owner[r] == NULL)
            return PS_ENOMEM;
        for (int g = 0; g < c->regions[r].gpus; g++)
            s->owner[r][g] = -1;
    }
    for (int a = 0; a < R; a++)
        for (int b = a + 1; b < R; b++) {
            struct ps_link l = ps_cluster_link(c, a, b);
            int p = ps_cluster_pair_index(c, a, b);
            s->link_bw[p] = l.bandwidth_gbps;
            s->link_lat[p] = l.latency_ms;
        }
    s->out->n_jobs = c->n_jobs;
    return PS_OK;
}

static struct ps_cluster_state sim_state(const struct sim *s)
{
    return (struct ps_cluster_state){.c = s->c,
                                     .plans = s->plans,
                                     .now_ns = s->now,
                                     .free_gpus = s->free_gpus,
                                     .link_jobs = s->link_jobs,
                                     .link_load = s->link_load,
                                     .link_bw = s->link_bw,
                                     .link_latency = s->link_lat,
                                     .waiting = s->waiting,
                                     .n_waiting = s->n_waiting,
                                     .target = s->target};
}

/* ---- starting and ending a job ------------------------------------------------------- */

/* A placement a policy returned must name distinct regions with GPUs that are free, and
 * a size the job can run on: otherwise it is a bug in the policy, reported, never run. */
static enum ps_status check_placement(const struct sim *s, int j, const struct ps_placement *p)
{
    const struct ps_cluster *c = s->c;
    int k = ps_placement_gpus(p);
    const struct ps_job_plan *pl = &s->plans[j];
    bool ok = p->n >= 1 && p->n <= c->n_regions && k >= pl->k_min && k <= pl->k_star;
    for (int i = 0; ok && i < p->n; i++) {
        int r = p->region[i];
        ok = r >= 0 && r < c->n_regions && p->gpus[i] >= 1 && p->gpus[i] <= s->free_gpus[r];
        for (int q = 0; ok && q < i; q++)
            ok = p->region[q] != r;
    }
    if (ok)
        return PS_OK;
    return ps_diag_set(s->d, PS_EINVAL, "",
                       "policy error: job %s placed on %d regions with %d "
                       "GPUs (needs %d..%d, each region once, within its free GPUs)",
                       c->jobs[j].name, p->n, k, pl->k_min, pl->k_star);
}

static enum ps_status add_hold(struct sim *s, int j, int r, int first, int count)
{
    struct ps_cluster_result *o = s->out;
    if (o->n_holds == s->holds_cap) {
        int cap = s->holds_cap ? 2 * s->holds_cap : 64;
        struct ps_gpu_hold *h = realloc(o->holds, (size_t)cap * sizeof *h);
        if (h == NULL)
            return PS_ENOMEM;
        o->holds = h;
        s->holds_cap = cap;
    }
    o->holds[o->n_holds++] = (struct ps_gpu_hold){j, r, first, count, s->now, -1};
    return PS_OK;
}

/* Takes the lowest free GPU numbers of region r (it has n free: check_placement), one
 * hold per run of consecutive numbers. */
static enum ps_status take_gpus(struct sim *s, int j, int r, int n)
{
    int *own = s->owner[r];
    int gpus = s->c->regions[r].gpus;
    int g = 0;
    while (n > 0) {
        while (g < gpus && own[g] != -1)
            g++;
        assert(g < gpus);
        int first = g;
        for (; g < gpus && own[g] == -1 && n > 0; g++, n--)
            own[g] = j;
        if (add_hold(s, j, r, first, g - first) != PS_OK)
            return PS_ENOMEM;
    }
    return PS_OK;
}

static enum ps_status start_job(struct sim *s, int wi, const struct ps_placement *p)
{
    int j = s->waiting[wi];
    struct job_state *js = &s->js[j];
    struct ps_job_result *jr = &s->out->jobs[j];
    enum ps_status st = check_placement(s, j, p);
    if (st != PS_OK)
        return st;
    js->hold_begin = s->out->n_holds;
    for (int i = 0; i < p->n; i++) {
        if (take_gpus(s, j, p->region[i], p->gpus[i]) != PS_OK)
            return ps_diag_set(s->d, PS_ENOMEM, "", "out of memory");
        s->free_gpus[p->region[i]] -= p->gpus[i];
    }
    js->hold_end = s->out->n_holds;
    for (int i = 0; i + 1 < p->n; i++) {
        int q = ps_cluster_pair_index(s->c, p->region[i], p->region[i + 1]);
        s->link_jobs[q]++;
        s->link_load[q] += s->plans[j].demand_gbps;
        s->link_changed[q] = true;
    }
    memmove(&s->waiting[wi], &s->waiting[wi + 1],
            (size_t)(s->n_waiting - wi - 1) * sizeof *s->waiting);
    s->n_waiting--;
    s->running[s->n_running++] = j;
    js->status = J_RUNNING;
    js->remaining = (double)s->c->jobs[j].iterations;
    js->last_ns = s->now;
    js->derive = true;
    jr->started = true;
    jr->start_ns = s->now;
    jr->placement = *p;
    return PS_OK;
}

static void bill(struct sim *s, int j)
{
    struct ps_job_result *jr = &s->out->jobs[j];
    double ms = (double)(jr->end_ns - jr->start_ns) / 1e6;
    jr->energy_kwh = jr->cost_usd = 0.0;
    for (int i = 0; i < jr->placement.n; i++) {
        const struct ps_region *r = &s->c->regions[jr->placement.region[i]];
        double kwh = jr->placement.gpus[i] * r->gpu_power_w * r->pue * ms / 3.6e9;
        jr->energy_kwh += kwh;
        jr->cost_usd += kwh * r->price_usd_per_kwh;
    }
}

static void end_job(struct sim *s, int ri)
{
    int j = s->running[ri];
    struct job_state *js = &s->js[j];
    struct ps_job_result *jr = &s->out->jobs[j];
    const struct ps_placement *p = &jr->placement;
    jr->end_ns = js->end_ns;
    for (int h = js->hold_begin; h < js->hold_end; h++) {
        struct ps_gpu_hold *hold = &s->out->holds[h];
        hold->end_ns = js->end_ns;
        for (int g = hold->first; g < hold->first + hold->count; g++)
            s->owner[hold->region][g] = -1;
    }
    for (int i = 0; i < p->n; i++)
        s->free_gpus[p->region[i]] += p->gpus[i];
    for (int i = 0; i + 1 < p->n; i++) {
        int q = ps_cluster_pair_index(s->c, p->region[i], p->region[i + 1]);
        s->link_jobs[q]--;
        s->link_load[q] -= s->plans[j].demand_gbps;
        if (s->link_jobs[q] == 0)
            s->link_load[q] = 0.0; /* no drift from adding and removing doubles */
        s->link_changed[q] = true;
    }
    js->status = J_DONE;
    js->remaining = 0.0;
    bill(s, j);
    s->running[ri] = s->running[--s->n_running];
}

/* ---- one event time ------------------------------------------------------------------ */

static void advance(struct sim *s, int64_t t)
{
    for (int i = 0; i < s->n_running; i++) {
        struct job_state *js = &s->js[s->running[i]];
        if (js->iter_ns > 0)
            js->remaining -= (double)(t - js->last_ns) / (double)js->iter_ns;
        else
            js->remaining = 0.0;
        if (js->remaining < 0.0)
            js->remaining = 0.0;
        js->last_ns = t;
    }
}

static enum ps_status schedule_pass(struct sim *s)
{
    while (s->n_waiting > 0) {
        struct ps_cluster_state st = sim_state(s);
        int wi = s->ops->pick(&st, s->ops->user);
        assert(wi >= 0 && wi < s->n_waiting);
        struct ps_placement p;
        char why[200];
        memset(&p, 0, sizeof p);
        if (!s->ops->place(&st, s->waiting[wi], s->ops->user, &p, why, sizeof why))
            break; /* first in line and cannot start: it blocks the queue */
        enum ps_status e = start_job(s, wi, &p);
        if (e != PS_OK)
            return e;
    }
    return PS_OK;
}

/* Derives the iteration time of every running job whose link shares changed. */
static enum ps_status derive(struct sim *s)
{
    for (int i = 0; i < s->n_running; i++) {
        int j = s->running[i];
        struct job_state *js = &s->js[j];
        struct ps_job_result *jr = &s->out->jobs[j];
        const struct ps_placement *p = &jr->placement;
        double share[PS_CLUSTER_MAX_REGIONS];
        bool changed = js->derive;
        for (int b = 0; b + 1 < p->n; b++) {
            int q = ps_cluster_pair_index(s->c, p->region[b], p->region[b + 1]);
            share[b] = s->link_bw[q] / s->link_jobs[q];
            changed = changed || (s->link_changed[q] && share[b] != js->share[b]);
        }
        if (!changed)
            continue;
        struct ps_scenario sc;
        int64_t t = 0;
        enum ps_status st = ps_cluster_job_scenario(s->c, j, p, share, &sc, s->d);
        if (st == PS_OK)
            st = s->fn(s->user, &sc, &t, s->d);
        ps_scenario_fini(&sc);
        s->out->iter_evals++;
        if (st != PS_OK)
            return st;
        memcpy(js->share, share, sizeof share);
        js->iter_ns = t;
        if (js->derive) {
            memcpy(jr->share_gbps, share, sizeof share);
            jr->first_iter_ns = t;
        }
        js->derive = false;
        double left = js->remaining * (double)t;
        if (left > (double)(HORIZON_NS - s->now)) {
            char path[64];
            snprintf(path, sizeof path, "jobs.%d.iterations", j);
            return ps_diag_set(s->d, PS_EINVAL, path,
                               "job %s would run past 100 years (%.3g s per iteration)",
                               s->c->jobs[j].name, (double)t / 1e9);
        }
        js->end_ns = s->now + (int64_t)ceil(left);
    }
    memset(s->link_changed, 0, (size_t)(s->n_pairs > 0 ? s->n_pairs : 1) * sizeof *s->link_changed);
    return PS_OK;
}

/* ---- the run ------------------------------------------------------------------------- */

static int64_t submit_ns_of(const struct ps_cluster_job *job)
{
    return (int64_t)llround(job->submit_s * 1e9);
}

struct arrival {
    int64_t submit_ns;
    int job;
};

static int cmp_arrival(const void *a, const void *b)
{
    const struct arrival *x = a, *y = b;
    if (x->submit_ns != y->submit_ns)
        return x->submit_ns < y->submit_ns ? -1 : 1;
    return (x->job > y->job) - (x->job < y->job);
}

/* Jobs that cannot run at all, or not on the empty cluster under this policy. */
static enum ps_status precheck(struct sim *s)
{
    struct ps_cluster_empty e;
    if (ps_cluster_empty_init(&e, s->c, s->plans) != PS_OK)
        return PS_ENOMEM;
    for (int j = 0; j < s->c->n_jobs; j++) {
        struct ps_job_result *jr = &s->out->jobs[j];
        jr->submit_ns = submit_ns_of(&s->c->jobs[j]);
        if (!s->plans[j].can_run) {
            s->js[j].status = J_NEVER;
            snprintf(jr->why, sizeof jr->why, "%s", s->plans[j].why);
            continue;
        }
        struct ps_placement p;
        char why[200] = "";
        memset(&p, 0, sizeof p);
        if (!s->ops->place(&e.st, j, s->ops->user, &p, why, sizeof why)) {
            s->js[j].status = J_NEVER;
            snprintf(jr->why, sizeof jr->why, "cannot be placed even on the empty cluster: %s",
                     why);
        } else {
            s->target[j] = ps_placement_gpus(&p);
        }
    }
    ps_cluster_empty_fini(&e);
    return PS_OK;
}

static void finish_metrics(struct sim *s)
{
    struct ps_cluster_result *o = s->out;
    double jct = 0.0, gpu_ns = 0.0;
    int64_t last = 0;
    for (int j = 0; j < s->c->n_jobs; j++) {
        const struct ps_job_result *jr = &o->jobs[j];
        if (!jr->started) {
            o->never_started++;
            continue;
        }
        o->started++;
        jct += (double)(jr->end_ns - jr->submit_ns) / 1e9;
        o->total_cost_usd += jr->cost_usd;
        gpu_ns += (double)ps_placement_gpus(&jr->placement) * (double)(jr->end_ns - jr->start_ns);
        if (jr->end_ns > last)
            last = jr->end_ns;
    }
    o->avg_jct_s = o->started > 0 ? jct / o->started : 0.0;
    o->makespan_s = (double)last / 1e9;
    int64_t total = ps_cluster_total_gpus(s->c);
    o->gpu_util = last > 0 && total > 0 ? gpu_ns / ((double)total * (double)last) : 0.0;
}

static enum ps_status run(struct sim *s, const struct arrival *order)
{
    const struct ps_cluster *c = s->c;
    int next = 0;
    for (;;) {
        int64_t t = INT64_MAX;
        if (next < c->n_jobs)
            t = order[next].submit_ns;
        for (int i = 0; i < s->n_running; i++)
            if (s->js[s->running[i]].end_ns < t)
                t = s->js[s->running[i]].end_ns;
        if (t == INT64_MAX)
            break;
        s->now = t;
        s->out->events++;
        advance(s, t);
        for (int i = s->n_running - 1; i >= 0; i--)
            if (s->js[s->running[i]].end_ns <= t)
                end_job(s, i);
        for (; next < c->n_jobs && order[next].submit_ns <= t; next++) {
            int j = order[next].job;
            if (s->js[j].status == J_NEVER)
                continue;
            s->js[j].status = J_WAITING;
            s->waiting[s->n_waiting++] = j;
        }
        enum ps_status st = schedule_pass(s);
        if (st == PS_OK)
            st = derive(s);
        if (st != PS_OK)
            return st;
    }
    /* Every job either ran or was never placeable: the queue always drains (the first job
     * in line fits the empty cluster). */
    assert(s->n_waiting == 0);
    return PS_OK;
}

enum ps_status ps_cluster_simulate(const struct ps_cluster *c, const struct ps_job_plan *plans,
                                   const struct ps_cluster_policy_ops *ops, ps_iter_time_fn fn,
                                   void *user, struct ps_cluster_result *out, struct ps_diag *d)
{
    memset(out, 0, sizeof *out);
    struct sim s = {.c = c, .plans = plans, .ops = ops, .fn = fn, .user = user, .out = out, .d = d};
    struct arrival *order = malloc((size_t)(c->n_jobs > 0 ? c->n_jobs : 1) * sizeof *order);
    enum ps_status st = order == NULL ? PS_ENOMEM : sim_alloc(&s);
    if (st == PS_OK)
        st = precheck(&s);
    if (st == PS_ENOMEM)
        ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    if (st == PS_OK) {
        for (int j = 0; j < c->n_jobs; j++)
            order[j] = (struct arrival){submit_ns_of(&c->jobs[j]), j};
        qsort(order, (size_t)c->n_jobs, sizeof *order, cmp_arrival);
        st = run(&s, order);
    }
    if (st == PS_OK)
        finish_metrics(&s);
    free(order);
    sim_free(&s);
    return st;
}
