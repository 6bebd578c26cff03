/* The cluster policies against the worked examples of seeds-others.md (B3 priority flip, B4
 * feasible links, B5 cost-min allocation) and hand-checked placements of every baseline on a
 * small cluster; the policy names; and the iteration-time provider (the registry's 1F1B
 * makespan, cached by content, not names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solvers/cluster.h"

static void assert_close(double got, double want, double tol)
{
    if (fabs(got - want) > tol) {
        print_error("got %.12g, want %.12g (tolerance %g)\n", got, want, tol);
        fail();
    }
}

static void make(struct ps_cluster *c, int n, const char *const *names, const int *gpus,
                 const double *price, const double *bw)
{
    ps_cluster_init(c);
    c->n_regions = n;
    c->regions = calloc((size_t)n, sizeof *c->regions);
    assert_non_null(c->regions);
    for (int i = 0; i < n; i++) {
        ps_region_init(&c->regions[i]);
        snprintf(c->regions[i].name, sizeof c->regions[i].name, "%s", names[i]);
        c->regions[i].gpus = gpus[i];
        c->regions[i].price_usd_per_kwh = price[i];
        c->regions[i].bandwidth_gbps = bw[i];
    }
}

/* B3: (I, D) = J1 (0.9, 0.3), J2 (0.2, 0.8), J3 (0.5, 0.1). */
static void test_priority_b3(void **state)
{
    (void)state;
    assert_close(ps_cluster_priority(0.2, 0.9, 0.3), 0.22, 1e-12);
    assert_close(ps_cluster_priority(0.2, 0.2, 0.8), 0.68, 1e-12);
    assert_close(ps_cluster_priority(0.2, 0.5, 0.1), 0.58, 1e-12);
    assert_close(ps_cluster_priority(0.8, 0.9, 0.3), 0.58, 1e-12);
    assert_close(ps_cluster_priority(0.8, 0.2, 0.8), 0.32, 1e-12);
    assert_close(ps_cluster_priority(0.8, 0.5, 0.1), 0.82, 1e-12);

    /* The same three as raw work and demand, min-max normalised among the waiting jobs:
     * alpha 0.2 picks J2 first, alpha 0.8 picks J3 (the flip). */
    struct ps_cluster c;
    const char *names[] = {"r"};
    make(&c, 1, names, (int[]){8}, (double[]){0.1}, (double[]){10});
    c.policy.alpha_adaptive = false;
    struct ps_job_plan plans[3] = {{.work_gpu_s = 0.9, .demand_gbps = 0.3},
                                   {.work_gpu_s = 0.2, .demand_gbps = 0.8},
                                   {.work_gpu_s = 0.5, .demand_gbps = 0.1}};
    int waiting[3] = {0, 1, 2};
    double lb = 0, ll = 0;
    struct ps_cluster_state st = {.c = &c,
                                  .plans = plans,
                                  .waiting = waiting,
                                  .n_waiting = 3,
                                  .link_bw = &lb,
                                  .link_load = &ll};
    c.policy.alpha = 0.2;
    assert_int_equal(ps_cluster_pick(PS_ORDER_BACE, &st), 1);
    c.policy.alpha = 0.8;
    assert_int_equal(ps_cluster_pick(PS_ORDER_BACE, &st), 2);
    double i_norm, d_norm;
    ps_cluster_normalised(&st, 2, &i_norm, &d_norm);
    assert_close(i_norm, 0.3 / 0.7, 1e-12);
    assert_close(d_norm, 0, 0);
    /* FCFS takes the first in line; SJF the shortest alone. */
    plans[0].solo_s = 5;
    plans[1].solo_s = 7;
    plans[2].solo_s = 3;
    assert_int_equal(ps_cluster_pick(PS_ORDER_FCFS, &st), 0);
    assert_int_equal(ps_cluster_pick(PS_ORDER_SJF, &st), 2);
    /* Adaptive alpha is the network's utilisation: an idle network gives 0. */
    c.policy.alpha_adaptive = true;
    assert_close(ps_cluster_alpha(&st), 0, 0);
    ps_cluster_fini(&c);
}

/* B4: links of 75 / 62.5 / 37.5 Gb/s, A = 4 Gbit (500 MB), t_comp = 0.1 s. */
static void test_feasible_b4(void **state)
{
    (void)state;
    double comm;
    assert_true(ps_cluster_link_feasible(500, 75, 100, &comm));
    assert_close(comm, 53.3333333333, 1e-9);
    assert_true(ps_cluster_link_feasible(500, 62.5, 100, &comm));
    assert_close(comm, 64, 1e-12);
    assert_false(ps_cluster_link_feasible(500, 37.5, 100, &comm));
    assert_close(comm, 106.666666667, 1e-8);
}

/* The pathfinder on B4's regions: US-East-2 (most GPUs) is the seed; EA-East has more free
 * GPUs than EU-West but joins US-East-2 only over the infeasible 37.5 Gb/s link, so
 * EU-West joins first and EA-East hangs off it. A chain grown by capacity alone (cr-ldf)
 * takes the infeasible link. */
static void test_pathfinder_b4(void **state)
{
    (void)state;
    struct ps_cluster c;
    const char *names[] = {"euw", "use2", "eae"};
    make(&c, 3, names, (int[]){2, 8, 6}, (double[]){0.3, 0.2, 0.1}, (double[]){100, 50, 25});
    struct ps_job_plan plans[1] = {
        {.can_run = true, .k_min = 1, .k_star = 16, .t_stage_ms = 100, .activation_mb = 500}};
    struct ps_cluster_empty e;
    assert_int_equal(ps_cluster_empty_init(&e, &c, plans), PS_OK);
    struct ps_placement p;
    char why[200];
    assert_true(ps_cluster_place(PS_PLACE_BACE, &e.st, 0, &p, why, sizeof why));
    assert_int_equal(p.n, 3);
    assert_int_equal(p.region[0], 1); /* use2 > euw > eae */
    assert_int_equal(p.region[1], 0);
    assert_int_equal(p.region[2], 2);
    assert_int_equal(ps_placement_gpus(&p), 16);
    struct ps_path_report rep;
    ps_cluster_path_report(&e.st, 0, &rep);
    assert_true(rep.found);
    assert_int_equal(rep.seed, 1);
    assert_int_equal(rep.bottleneck_a, 0);
    assert_int_equal(rep.bottleneck_b, 2);
    assert_close(rep.bottleneck_ratio, 0.64, 1e-12);
    assert_close(ps_cluster_link_ratio(&e.st, 0, 1, 2), 106.666666667 / 100, 1e-9);
    assert_true(ps_cluster_place(PS_PLACE_CR_LDF, &e.st, 0, &p, why, sizeof why));
    /* eae joins use2 first (more GPUs), over the 37.5 Gb/s link; euw then joins use2's
     * end, its better link: euw > use2 > eae */
    assert_int_equal(p.region[0], 0);
    assert_int_equal(p.region[1], 1);
    assert_int_equal(p.region[2], 2);
    /* A link that one job uses already offers half to the next: 75/2 > comm time. */
    int q = ps_cluster_pair_index(&c, 0, 1);
    e.link_jobs[q] = 1;
    assert_close(ps_cluster_bw_avail(&e.st, 0, 1), 37.5, 0);
    assert_true(ps_cluster_place(PS_PLACE_BACE, &e.st, 0, &p, why, sizeof why));
    assert_int_equal(p.n, 1); /* nothing feasible joins use2 now: 8 GPUs alone */
    assert_int_equal(p.gpus[0], 8);
    /* Once the job's size is fixed at 16, the lone seed is not enough: it waits. */
    int target = 16;
    e.st.target = &target;
    assert_false(ps_cluster_place(PS_PLACE_BACE, &e.st, 0, &p, why, sizeof why));
    assert_non_null(strstr(why, "the feasible path from use2 reaches 8 free GPUs, it needs 16"));
    ps_cluster_empty_fini(&e);
    ps_cluster_fini(&c);
}

/* B5: K = 64 on A ($0.156, 32 free), B ($0.295, 64), C ($0.200, 16): A 32, C 16, B 16. */
static void test_cost_min_b5(void **state)
{
    (void)state;
    struct ps_cluster c;
    const char *names[] = {"A", "B", "C"};
    make(&c, 3, names, (int[]){32, 64, 16}, (double[]){0.156, 0.295, 0.2}, (double[]){1, 1, 1});
    struct ps_placement p;
    ps_cluster_cost_min(&c, (int[]){0, 1, 2}, (int[]){32, 64, 16}, 3, 64, &p);
    assert_int_equal(p.gpus[0], 32);
    assert_int_equal(p.gpus[1], 16);
    assert_int_equal(p.gpus[2], 16);
    assert_close(ps_placement_usd_per_hour(&c, &p), 3.8736, 1e-12);
    /* Every region on the path keeps one GPU even when the cheap ones could take it all. */
    ps_cluster_cost_min(&c, (int[]){1, 0}, (int[]){64, 32}, 2, 20, &p);
    assert_int_equal(p.gpus[0], 1);
    assert_int_equal(p.gpus[1], 19);
    ps_cluster_fini(&c);
}

/* A ($0.3, 10 GPUs, 100 Gb/s), B ($0.1, 4, 50), C ($0.2, 6, 25), small messages (every
 * link feasible). */
static void test_baselines(void **state)
{
    (void)state;
    struct ps_cluster c;
    const char *names[] = {"A", "B", "C"};
    make(&c, 3, names, (int[]){10, 4, 6}, (double[]){0.3, 0.1, 0.2}, (double[]){100, 50, 25});
    struct ps_job_plan plans[1] = {
        {.can_run = true, .k_min = 2, .k_star = 8, .t_stage_ms = 100, .activation_mb = 1}};
    struct ps_cluster_empty e;
    assert_int_equal(ps_cluster_empty_init(&e, &c, plans), PS_OK);
    struct ps_placement p;
    char why[200];
    /* lcf: the cheapest region that can take min(K*, its GPUs): B, all 4 */
    assert_true(ps_cluster_place(PS_PLACE_LCF, &e.st, 0, &p, why, sizeof why));
    assert_true(p.n == 1 && p.region[0] == 1 && p.gpus[0] == 4);
    /* ldf: the most free GPUs: A, K* = 8 of them */
    assert_true(ps_cluster_place(PS_PLACE_LDF, &e.st, 0, &p, why, sizeof why));
    assert_true(p.n == 1 && p.region[0] == 0 && p.gpus[0] == 8);
    /* cr-lcf: B then C by price, filled in turn: B 4, C 4 */
    assert_true(ps_cluster_place(PS_PLACE_CR_LCF, &e.st, 0, &p, why, sizeof why));
    assert_true(p.n == 2 && p.region[0] == 1 && p.gpus[0] == 4 && p.region[1] == 2 &&
                p.gpus[1] == 4);
    plans[0].k_star = 14;
    /* cr-ldf: A, then the region with the most free GPUs (C): A 10, C 4 */
    assert_true(ps_cluster_place(PS_PLACE_CR_LDF, &e.st, 0, &p, why, sizeof why));
    assert_true(p.n == 2 && p.region[0] == 0 && p.gpus[0] == 10 && p.region[1] == 2 &&
                p.gpus[1] == 4);
    /* bace: A, then the best link (A-B 75 Gb/s): A 10, B 4 */
    assert_true(ps_cluster_place(PS_PLACE_BACE, &e.st, 0, &p, why, sizeof why));
    assert_true(p.n == 2 && p.region[0] == 0 && p.gpus[0] == 10 && p.region[1] == 1 &&
                p.gpus[1] == 4);
    plans[0].k_star = 12;
    /* cost-min fills B (cheaper) first: A 8, B 4; without it, A first: A 10, B 2 */
    assert_true(ps_cluster_place(PS_PLACE_BACE, &e.st, 0, &p, why, sizeof why));
    assert_true(p.gpus[0] == 8 && p.gpus[1] == 4);
    assert_true(ps_cluster_place(PS_PLACE_NO_COSTMIN, &e.st, 0, &p, why, sizeof why));
    assert_true(p.gpus[0] == 10 && p.gpus[1] == 2);
    /* no-pathfinder: cr-ldf's chain (A, C) with cost-min: C is cheaper: A 6, C 6 */
    assert_true(ps_cluster_place(PS_PLACE_NO_PATHFINDER, &e.st, 0, &p, why, sizeof why));
    assert_true(p.region[1] == 2 && p.gpus[0] == 6 && p.gpus[1] == 6);
    /* A job that needs 11 GPUs in one region cannot run under lcf/ldf */
    plans[0].k_min = 11;
    assert_false(ps_cluster_place(PS_PLACE_LDF, &e.st, 0, &p, why, sizeof why));
    assert_string_equal(why, "needs 11 GPUs in one region, the largest has 10");
    ps_cluster_empty_fini(&e);
    ps_cluster_fini(&c);
}

static void test_policy_names(void **state)
{
    (void)state;
    struct ps_cluster_policy pol;
    struct ps_diag d;
    assert_int_equal(ps_cluster_policy_count(), 9);
    assert_int_equal(ps_cluster_policy_parse("bace", &pol, &d), PS_OK);
    assert_true(pol.order == PS_ORDER_BACE && pol.place == PS_PLACE_BACE);
    assert_int_equal(ps_cluster_policy_parse("bace-no-priority", &pol, &d), PS_OK);
    assert_true(pol.order == PS_ORDER_FCFS && pol.place == PS_PLACE_BACE);
    assert_int_equal(ps_cluster_policy_parse("sjf/cr-ldf", &pol, &d), PS_OK);
    assert_true(pol.order == PS_ORDER_SJF && pol.place == PS_PLACE_CR_LDF);
    assert_string_equal(pol.name, "sjf/cr-ldf");
    assert_int_equal(ps_cluster_policy_parse("sjf/nope", &pol, &d), PS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "unknown policy 'sjf/nope' (known: bace, sjf, lcf"));
}

/* The provider gives the registry's 1F1B makespan and simulates a shape once, whatever the
 * datacenter names. */
static void test_timer(void **state)
{
    (void)state;
    struct ps_cluster_timer *t;
    struct ps_diag d;
    assert_int_equal(ps_cluster_timer_new("nope", NULL, &t, &d), PS_ENOTFOUND);
    assert_int_equal(ps_cluster_timer_new("1f1b", NULL, &t, &d), PS_OK);
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 8, 1, 1, 1), PS_OK);
    sc.activation_mb = 10;
    sc.inter_dc = (struct ps_link){2, 40};
    int64_t a = 0, b = 0;
    assert_int_equal(ps_cluster_timer_fn(t, &sc, &a, &d), PS_OK);
    snprintf(sc.dcs[0].name, sizeof sc.dcs[0].name, "elsewhere");
    assert_int_equal(ps_cluster_timer_fn(t, &sc, &b, &d), PS_OK);
    assert_int_equal(a, b);
    long hits, misses;
    ps_cluster_timer_stats(t, &hits, &misses);
    assert_int_equal(hits, 1);
    assert_int_equal(misses, 1);
    struct ps_schedule *s;
    assert_int_equal(ps_solver_run(ps_solver_find("1f1b"), &sc, NULL, NULL, &s, &d), PS_OK);
    assert_int_equal(s->makespan_ns, a);
    ps_schedule_free(s);
    sc.inter_dc.bandwidth_gbps = 20; /* a different share: simulated again, slower */
    assert_int_equal(ps_cluster_timer_fn(t, &sc, &b, &d), PS_OK);
    assert_true(b > a);
    ps_cluster_timer_stats(t, &hits, &misses);
    assert_int_equal(misses, 2);
    ps_scenario_fini(&sc);
    ps_cluster_timer_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_priority_b3),   cmocka_unit_test(test_feasible_b4),
        cmocka_unit_test(test_pathfinder_b4), cmocka_unit_test(test_cost_min_b5),
        cmocka_unit_test(test_baselines),     cmocka_unit_test(test_policy_names),
        cmocka_unit_test(test_timer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
