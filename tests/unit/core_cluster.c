/* The cluster model and the queue simulation against hand-checked values (docs/cluster.md):
 * the mean rule, the B5 cost rates, validation messages, scaling, a job's pipeline
 * scenario, K_min, and small queues timed with a closed-form iteration time and simple
 * policies written here (core links no solver): completion times, head-of-line blocking,
 * shared links slowing both jobs, jobs that can never run, and the invariants (no GPU held
 * twice, nothing before its submit time, cost = energy x price). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cluster.h"
#include "core/cluster_sim.h"

static void assert_close(double got, double want, double tol)
{
    if (fabs(got - want) > tol) {
        print_error("got %.12g, want %.12g (tolerance %g)\n", got, want, tol);
        fail();
    }
}

/* A cluster of n regions with the given GPUs, prices and bandwidths, no jobs yet. */
static void make(struct ps_cluster *c, int n, const int *gpus, const double *price,
                 const double *bw)
{
    ps_cluster_init(c);
    c->n_regions = n;
    c->regions = calloc((size_t)n, sizeof *c->regions);
    assert_non_null(c->regions);
    for (int i = 0; i < n; i++) {
        ps_region_init(&c->regions[i]);
        snprintf(c->regions[i].name, sizeof c->regions[i].name, "%c", 'A' + i);
        c->regions[i].gpus = gpus[i];
        c->regions[i].price_usd_per_kwh = price[i];
        c->regions[i].bandwidth_gbps = bw[i];
    }
}

static struct ps_cluster_job *add_job(struct ps_cluster *c, const char *name, double submit,
                                      int64_t iterations, int k_max)
{
    c->jobs = realloc(c->jobs, (size_t)(c->n_jobs + 1) * sizeof *c->jobs);
    assert_non_null(c->jobs);
    struct ps_cluster_job *j = &c->jobs[c->n_jobs++];
    ps_cluster_job_init(j);
    snprintf(j->name, sizeof j->name, "%s", name);
    j->submit_s = submit;
    j->iterations = iterations;
    j->microbatches = 4;
    j->k_max = k_max;
    j->t_comp_ms = 300;
    j->activation_mb = 10;
    return j;
}

/* seeds-others.md B4: bandwidths 100 / 50 / 25 give links of 75 / 62.5 / 37.5 Gb/s. */
static void test_mean_rule(void **state)
{
    (void)state;
    struct ps_cluster c;
    make(&c, 3, (int[]){8, 8, 8}, (double[]){0.1, 0.1, 0.1}, (double[]){100, 50, 25});
    c.regions[0].latency_ms = 10;
    c.regions[2].latency_ms = 30;
    assert_close(ps_cluster_link(&c, 0, 1).bandwidth_gbps, 75, 0);
    assert_close(ps_cluster_link(&c, 0, 2).bandwidth_gbps, 62.5, 0);
    assert_close(ps_cluster_link(&c, 1, 2).bandwidth_gbps, 37.5, 0);
    assert_close(ps_cluster_link(&c, 2, 1).bandwidth_gbps, 37.5, 0);
    assert_close(ps_cluster_link(&c, 0, 2).latency_ms, 20, 0);
    /* An override sets only what it gives, whatever the orientation. */
    c.links = calloc(1, sizeof *c.links);
    c.n_links = 1;
    c.links[0] = (struct ps_region_link){2, 0, false, true, 0, 99};
    assert_close(ps_cluster_link(&c, 0, 2).bandwidth_gbps, 62.5, 0);
    assert_close(ps_cluster_link(&c, 0, 2).latency_ms, 99, 0);
    /* Unordered pair indices cover 0 .. n(n-1)/2 - 1 once each. */
    assert_int_equal(ps_cluster_pair_index(&c, 0, 1), 0);
    assert_int_equal(ps_cluster_pair_index(&c, 2, 0), 1);
    assert_int_equal(ps_cluster_pair_index(&c, 1, 2), 2);
    ps_cluster_fini(&c);
}

/* B5: A ($0.156, 32 GPUs) + C ($0.200, 16) + B ($0.295, 16) at 300 W: $3.8736/h; all 64 in
 * B: $5.664/h, 31.6% more. */
static void test_cost_rates_b5(void **state)
{
    (void)state;
    struct ps_cluster c;
    make(&c, 3, (int[]){32, 64, 16}, (double[]){0.156, 0.295, 0.200}, (double[]){1, 1, 1});
    struct ps_placement p = {.n = 3, .region = {0, 2, 1}, .gpus = {32, 16, 16}};
    assert_close(ps_placement_usd_per_hour(&c, &p), 3.8736, 1e-12);
    struct ps_placement all_b = {.n = 1, .region = {1}, .gpus = {64}};
    assert_close(ps_placement_usd_per_hour(&c, &all_b), 5.664, 1e-12);
    assert_close(1.0 - 3.8736 / 5.664, 0.316, 5e-4);
    c.regions[1].pue = 1.5; /* PUE multiplies the power */
    assert_close(ps_region_usd_per_hour(&c.regions[1], 64), 8.496, 1e-12);
    ps_cluster_fini(&c);
}

static void expect_invalid(struct ps_cluster *c, const char *path, const char *msg_part)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    assert_int_equal(ps_cluster_validate(c, &d), PS_EINVAL);
    if (strcmp(d.path, path) != 0 || strstr(d.msg, msg_part) == NULL) {
        print_error("got '%s: %s', want path '%s' and '%s'\n", d.path, d.msg, path, msg_part);
        fail();
    }
}

static void test_validate(void **state)
{
    (void)state;
    struct ps_cluster c;
    make(&c, 2, (int[]){8, 8}, (double[]){0.1, 0.2}, (double[]){10, 20});
    add_job(&c, "a", 0, 10, 0);
    assert_int_equal(ps_cluster_validate(&c, NULL), PS_OK);
    c.regions[1].gpus = -3;
    expect_invalid(&c, "regions.1.gpus", ">= 0 (got -3)");
    c.regions[1].gpus = 8;
    c.regions[0].price_usd_per_kwh = -0.1;
    expect_invalid(&c, "regions.0.price_usd_per_kwh", ">= 0");
    c.regions[0].price_usd_per_kwh = 0.1;
    c.regions[0].pue = 0.9;
    expect_invalid(&c, "regions.0.pue", ">= 1");
    c.regions[0].pue = 1;
    snprintf(c.regions[1].name, sizeof c.regions[1].name, "A");
    expect_invalid(&c, "regions.1.name", "duplicate region name");
    snprintf(c.regions[1].name, sizeof c.regions[1].name, "B");
    c.links = calloc(2, sizeof *c.links);
    c.n_links = 1;
    c.links[0] = (struct ps_region_link){0, 0, true, false, 5, 0};
    expect_invalid(&c, "links.0.to", "must differ");
    c.links[0].b = 1;
    c.links[1] = (struct ps_region_link){1, 0, true, false, 5, 0};
    c.n_links = 2;
    expect_invalid(&c, "links.1", "duplicate link B - A");
    c.n_links = 1;
    c.jobs[0].t_comp_ms = 0;
    expect_invalid(&c, "jobs.0.t_comp_ms", "> 0");
    c.jobs[0].t_comp_ms = 300;
    snprintf(c.jobs[0].model, sizeof c.jobs[0].model, "llama3-8b");
    expect_invalid(&c, "jobs.0.model", "either a model or a profile");
    c.jobs[0].model[0] = '\0';
    add_job(&c, "a", 1, 10, 0);
    expect_invalid(&c, "jobs.1.name", "duplicate job name 'a'");
    snprintf(c.jobs[1].name, sizeof c.jobs[1].name, "a-2");
    assert_int_equal(ps_cluster_validate(&c, NULL), PS_OK);
    c.scale.jobs = 2; /* copy 2 of "a" would be "a-2" too */
    expect_invalid(&c, "scale.jobs", "a copy's name is taken");
    c.scale.jobs = 1;
    c.jobs[1].iterations = 0;
    expect_invalid(&c, "jobs.1.iterations", ">= 1");
    ps_cluster_fini(&c);
}

/* scale: GPUs rounded half up, every bandwidth scaled, jobs repeated with -c names. */
static void test_expand(void **state)
{
    (void)state;
    struct ps_cluster c, e;
    make(&c, 2, (int[]){25, 16}, (double[]){0.1, 0.2}, (double[]){100, 50});
    c.links = calloc(1, sizeof *c.links);
    c.n_links = 1;
    c.links[0] = (struct ps_region_link){0, 1, true, false, 40, 0};
    add_job(&c, "x", 5, 10, 0);
    add_job(&c, "y", 7, 10, 0);
    c.scale = (struct ps_cluster_scale){0.3, 0.5, 3};
    assert_int_equal(ps_cluster_validate(&c, NULL), PS_OK);
    assert_int_equal(ps_cluster_expand(&e, &c), PS_OK);
    assert_int_equal(e.regions[0].gpus, 13);
    assert_int_equal(e.regions[1].gpus, 8);
    assert_close(e.regions[0].bandwidth_gbps, 30, 1e-12);
    assert_close(ps_cluster_link(&e, 0, 1).bandwidth_gbps, 12, 1e-12);
    assert_int_equal(e.n_jobs, 6);
    assert_string_equal(e.jobs[2].name, "x-2");
    assert_string_equal(e.jobs[5].name, "y-3");
    assert_close(e.jobs[5].submit_s, 7, 0);
    assert_int_equal(e.scale.jobs, 1);
    ps_cluster_fini(&e);
    ps_cluster_fini(&c);
}

/* A profiled job on A:2 > B:3: 5 stages of t/15 each kind, the pair at the share given. */
static void test_job_scenario(void **state)
{
    (void)state;
    struct ps_cluster c;
    make(&c, 2, (int[]){8, 8}, (double[]){0.1, 0.2}, (double[]){100, 50});
    c.intra_region = (struct ps_link){0.01, 200};
    c.regions[0].latency_ms = 20;
    add_job(&c, "a", 0, 10, 0);
    struct ps_placement p = {.n = 2, .region = {0, 1}, .gpus = {2, 3}};
    struct ps_scenario sc;
    double share[1] = {37.5};
    assert_int_equal(ps_cluster_job_scenario(&c, 0, &p, share, &sc, NULL), PS_OK);
    assert_int_equal(ps_scenario_validate(&sc, NULL), PS_OK);
    assert_int_equal(sc.n_stages, 5);
    assert_int_equal(sc.n_dcs, 2);
    assert_string_equal(sc.dcs[1].name, "B");
    assert_int_equal(sc.dcs[1].stages, 3);
    assert_close(sc.compute.forward_ms, 20, 1e-12);
    assert_close(sc.compute.weight_ms, 20, 1e-12);
    assert_close(sc.activation_mb, 10, 0);
    assert_close(ps_scenario_dc_link(&sc, 0, 1).bandwidth_gbps, 37.5, 0);
    assert_close(ps_scenario_dc_link(&sc, 1, 0).latency_ms, 10, 0);
    assert_close(ps_scenario_link(&sc, 2, 3).bandwidth_gbps, 200, 0);
    ps_scenario_fini(&sc);
    /* K_min from memory: 100 GB on 48 GB GPUs needs 3; the cap is the cluster's 16. */
    c.jobs[0].memory_gb = 100;
    assert_int_equal(ps_cluster_job_k_min(&c, 0), 3);
    assert_int_equal(ps_cluster_job_k_cap(&c, 0), 16);
    c.jobs[0].k_max = 4;
    assert_int_equal(ps_cluster_job_k_cap(&c, 0), 4);
    c.jobs[0].memory_gb = 96; /* exactly 2 GPUs' worth */
    assert_int_equal(ps_cluster_job_k_min(&c, 0), 2);
    ps_cluster_fini(&c);
}

/* ---- the queue with a closed-form timer and simple policies -------------------------- */

/* Iteration time: 8 s / stages, doubled when any cross-DC link gives less than 50 Gb/s. */
static enum ps_status fake_time(void *user, const struct ps_scenario *sc, int64_t *iter_ns,
                                struct ps_diag *d)
{
    (void)user;
    (void)d;
    int64_t t = INT64_C(8000000000) / sc->n_stages;
    for (int i = 0; i < sc->n_pairs; i++)
        if (sc->pairs[i].link.bandwidth_gbps < 50)
            t = 2 * INT64_C(8000000000) / sc->n_stages;
    *iter_ns = t;
    return PS_OK;
}

static int pick_first(const struct ps_cluster_state *st, void *user)
{
    (void)st;
    (void)user;
    return 0;
}

/* The shortest job alone first (an SJF written here). */
static int pick_short(const struct ps_cluster_state *st, void *user)
{
    (void)user;
    int best = 0;
    for (int k = 1; k < st->n_waiting; k++)
        if (st->plans[st->waiting[k]].solo_s < st->plans[st->waiting[best]].solo_s)
            best = k;
    return best;
}

/* K* GPUs in the first region that has them free; user != NULL: half in region 0 and half
 * in region 1 (a two-region chain). */
static bool place_simple(const struct ps_cluster_state *st, int j, void *user,
                         struct ps_placement *p, char *why, size_t size)
{
    int k = st->plans[j].k_star;
    if (user != NULL) {
        if (st->free_gpus[0] < k / 2 || st->free_gpus[1] < k - k / 2) {
            snprintf(why, size, "no room");
            return false;
        }
        *p = (struct ps_placement){.n = 2, .region = {0, 1}, .gpus = {k / 2, k - k / 2}};
        return true;
    }
    for (int r = 0; r < st->c->n_regions; r++)
        if (st->free_gpus[r] >= k) {
            *p = (struct ps_placement){.n = 1, .region = {r}, .gpus = {k}};
            return true;
        }
    snprintf(why, size, "no region has %d free GPUs", k);
    return false;
}

static void run(const struct ps_cluster *c, int (*pick)(const struct ps_cluster_state *, void *),
                void *user, struct ps_job_plan *plans, struct ps_cluster_result *r)
{
    struct ps_diag d;
    assert_int_equal(ps_cluster_validate(c, &d), PS_OK);
    assert_int_equal(ps_cluster_plan_jobs(c, fake_time, NULL, plans, &d), PS_OK);
    struct ps_cluster_policy_ops ops = {pick, place_simple, user};
    assert_int_equal(ps_cluster_simulate(c, plans, &ops, fake_time, NULL, r, &d), PS_OK);
}

/* No GPU held twice at once, nothing before its submit time, holds inside [start, end],
 * cost = sum over regions of energy x price. */
static void check_invariants(const struct ps_cluster *c, const struct ps_cluster_result *r)
{
    for (int a = 0; a < r->n_holds; a++) {
        const struct ps_gpu_hold *h = &r->holds[a];
        const struct ps_job_result *jr = &r->jobs[h->job];
        assert_true(h->start_ns == jr->start_ns && h->end_ns == jr->end_ns);
        assert_true(h->first >= 0 && h->first + h->count <= c->regions[h->region].gpus);
        for (int b = 0; b < a; b++) {
            const struct ps_gpu_hold *o = &r->holds[b];
            bool gpus = o->region == h->region && o->first < h->first + h->count &&
                        h->first < o->first + o->count;
            bool time = o->start_ns < h->end_ns && h->start_ns < o->end_ns;
            assert_false(gpus && time);
        }
    }
    for (int j = 0; j < r->n_jobs; j++) {
        const struct ps_job_result *jr = &r->jobs[j];
        if (!jr->started)
            continue;
        assert_true(jr->start_ns >= jr->submit_ns && jr->end_ns >= jr->start_ns);
        double hours = (double)(jr->end_ns - jr->start_ns) / 3.6e12, cost = 0, kwh = 0;
        for (int i = 0; i < jr->placement.n; i++) {
            const struct ps_region *reg = &c->regions[jr->placement.region[i]];
            double e = jr->placement.gpus[i] * reg->gpu_power_w * reg->pue / 1000.0 * hours;
            kwh += e;
            cost += e * reg->price_usd_per_kwh;
        }
        assert_close(jr->energy_kwh, kwh, 1e-9 * (1 + kwh));
        assert_close(jr->cost_usd, cost, 1e-9 * (1 + cost));
    }
}

/* One region of 4 GPUs: A (4 GPUs, 5 iterations of 2 s) runs 0-10 s, then B and C (2 GPUs,
 * 2 iterations of 4 s) side by side 10-18 s: JCTs 10, 18, 18. */
static void test_queue_fcfs(void **state)
{
    (void)state;
    struct ps_cluster c;
    make(&c, 1, (int[]){4}, (double[]){0.2}, (double[]){10});
    add_job(&c, "A", 0, 5, 4);
    add_job(&c, "B", 0, 2, 2);
    add_job(&c, "C", 0, 2, 2);
    struct ps_job_plan plans[3];
    struct ps_cluster_result r;
    run(&c, pick_first, NULL, plans, &r);
    assert_int_equal(plans[0].k_star, 4);
    assert_int_equal(plans[0].t_iter_ns, INT64_C(2000000000));
    assert_int_equal(r.started, 3);
    assert_int_equal(r.jobs[0].end_ns, INT64_C(10000000000));
    assert_int_equal(r.jobs[1].start_ns, INT64_C(10000000000));
    assert_int_equal(r.jobs[2].end_ns, INT64_C(18000000000));
    assert_close(r.avg_jct_s, (10.0 + 18 + 18) / 3, 1e-9);
    assert_close(r.makespan_s, 18, 1e-9);
    /* 4 GPUs x 300 W x 10 s = 1/300 kWh at $0.2 */
    assert_close(r.jobs[0].energy_kwh, 4 * 300.0 * 10 / 3.6e6, 1e-12);
    assert_close(r.jobs[0].cost_usd, 0.2 * 4 * 300.0 * 10 / 3.6e6, 1e-12);
    /* GPU-time 4x10 + 2x8 + 2x8 = 72 of 4 x 18 */
    assert_close(r.gpu_util, 72.0 / 72.0, 1e-12);
    /* B takes GPUs 0-1, C takes 2-3 */
    assert_int_equal(r.n_holds, 3);
    assert_int_equal(r.holds[1].first, 0);
    assert_int_equal(r.holds[2].first, 2);
    check_invariants(&c, &r);
    ps_cluster_result_fini(&r);
    ps_cluster_fini(&c);
}

/* Head-of-line blocking: X (2 GPUs, 0-20 s) runs; Y (4 GPUs) arrives at 1 s and waits;
 * Z (2 GPUs) arrives at 2 s: two GPUs are free, but first-come-first-served keeps Z behind
 * Y until Y has run (20-28 s), so Z starts at 28 s. Shortest first starts Z at 2 s. */
static void test_queue_hol(void **state)
{
    (void)state;
    struct ps_cluster c;
    make(&c, 1, (int[]){4}, (double[]){0.2}, (double[]){10});
    add_job(&c, "X", 0, 5, 2);
    add_job(&c, "Y", 1, 4, 4);
    add_job(&c, "Z", 2, 1, 2);
    struct ps_job_plan plans[3];
    struct ps_cluster_result r;
    run(&c, pick_first, NULL, plans, &r);
    assert_int_equal(r.jobs[1].start_ns, INT64_C(20000000000));
    assert_int_equal(r.jobs[2].start_ns, INT64_C(28000000000));
    check_invariants(&c, &r);
    ps_cluster_result_fini(&r);
    run(&c, pick_short, NULL, plans, &r);
    assert_int_equal(r.jobs[2].start_ns, INT64_C(2000000000));
    assert_int_equal(r.jobs[2].end_ns, INT64_C(6000000000));
    assert_int_equal(r.jobs[1].start_ns, INT64_C(20000000000));
    check_invariants(&c, &r);
    ps_cluster_result_fini(&r);
    ps_cluster_fini(&c);
}

/* Two jobs on the same link of 60 Gb/s: alone 2 s per iteration, sharing (30 Gb/s) 4 s.
 * P starts at 0 (10 iterations); Q arrives at 5 s when P has done 2.5; both then run at
 * 4 s: P's 7.5 left end at 35 s; Q has done 7.5 by then and ends alone at 40 s. */
static void test_shared_link(void **state)
{
    (void)state;
    struct ps_cluster c;
    make(&c, 2, (int[]){4, 4}, (double[]){0.1, 0.3}, (double[]){60, 60});
    add_job(&c, "P", 0, 10, 4);
    add_job(&c, "Q", 5, 10, 4);
    struct ps_job_plan plans[2];
    struct ps_cluster_result r;
    int two_regions = 1;
    run(&c, pick_first, &two_regions, plans, &r);
    assert_int_equal(r.jobs[0].first_iter_ns, INT64_C(2000000000));
    assert_int_equal(r.jobs[1].first_iter_ns, INT64_C(4000000000));
    assert_close(r.jobs[1].share_gbps[0], 30, 0);
    assert_int_equal(r.jobs[0].end_ns, INT64_C(35000000000));
    assert_int_equal(r.jobs[1].end_ns, INT64_C(40000000000));
    /* P's cost: 2 GPUs in each region for 35 s */
    assert_close(r.jobs[0].cost_usd, 2 * 300.0 * 35 / 3.6e6 * (0.1 + 0.3), 1e-12);
    check_invariants(&c, &r);
    ps_cluster_result_fini(&r);
    ps_cluster_fini(&c);
}

/* A job that needs more GPUs than the cluster has, and one the policy cannot place even on
 * the empty cluster (5 GPUs in one region of 4): both never start, with why; the rest runs. */
static void test_never_fits(void **state)
{
    (void)state;
    struct ps_cluster c;
    make(&c, 2, (int[]){4, 4}, (double[]){0.1, 0.3}, (double[]){60, 60});
    add_job(&c, "huge", 0, 1, 0)->memory_gb = 1000; /* 21 GPUs of 48 GB */
    add_job(&c, "wide", 0, 1, 5);
    add_job(&c, "ok", 0, 1, 4);
    struct ps_job_plan plans[3];
    struct ps_cluster_result r;
    run(&c, pick_first, NULL, plans, &r);
    assert_false(plans[0].can_run);
    assert_non_null(strstr(r.jobs[0].why, "needs at least 21 GPUs"));
    assert_false(r.jobs[1].started);
    assert_non_null(strstr(r.jobs[1].why, "even on the empty cluster: no region has 5"));
    assert_true(r.jobs[2].started);
    assert_int_equal(r.started, 1);
    assert_int_equal(r.never_started, 2);
    assert_close(r.avg_jct_s, 2, 1e-9); /* one iteration of 8 s / 4 stages */
    check_invariants(&c, &r);
    ps_cluster_result_fini(&r);
    ps_cluster_fini(&c);
}

/* Many jobs of random sizes and arrivals on three regions: the invariants hold. */
static void test_invariants_random(void **state)
{
    (void)state;
    struct ps_cluster c;
    make(&c, 3, (int[]){8, 5, 3}, (double[]){0.1, 0.3, 0.2}, (double[]){60, 60, 60});
    unsigned seed = 12345;
    for (int j = 0; j < 60; j++) {
        char name[16];
        snprintf(name, sizeof name, "j%d", j);
        seed = seed * 1103515245u + 12345u;
        int k = 1 + (int)((seed >> 16) % 8);
        seed = seed * 1103515245u + 12345u;
        add_job(&c, name, (seed >> 16) % 50, 1 + (seed >> 8) % 7, k);
    }
    struct ps_job_plan plans[60];
    struct ps_cluster_result r;
    run(&c, pick_short, NULL, plans, &r);
    assert_int_equal(r.started, 60);
    check_invariants(&c, &r);
    ps_cluster_result_fini(&r);
    run(&c, pick_first, NULL, plans, &r);
    assert_int_equal(r.started, 60);
    check_invariants(&c, &r);
    ps_cluster_result_fini(&r);
    ps_cluster_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_rule),    cmocka_unit_test(test_cost_rates_b5),
        cmocka_unit_test(test_validate),     cmocka_unit_test(test_expand),
        cmocka_unit_test(test_job_scenario), cmocka_unit_test(test_queue_fcfs),
        cmocka_unit_test(test_queue_hol),    cmocka_unit_test(test_shared_link),
        cmocka_unit_test(test_never_fits),   cmocka_unit_test(test_invariants_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
