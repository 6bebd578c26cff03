/* Cluster files and the bace-paper preset: strict reading with every error naming its
 * field, the writer's round trip, --set edits, model names resolved by the calculator, and
 * every policy run on the preset with the simulation's invariants; a job's iteration time
 * equals a plain solve of its pipeline (the cluster and single-pipeline views agree). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "presets/cluster.h"
#include "solvers/cluster.h"

#define HEAD                                                                                       \
    "{\"format\": \"pipescope-cluster/1\", \"regions\": [{\"name\": \"east\", \"gpus\": 8, "       \
    "\"price_usd_per_kwh\": 0.1, \"bandwidth_gbps\": 50}, {\"name\": \"west\", \"gpus\": 4, "      \
    "\"price_usd_per_kwh\": 0.2, \"bandwidth_gbps\": 25}]"
#define JOB                                                                                        \
    "{\"name\": \"a\", \"submit_s\": 0, \"iterations\": 10, \"t_comp_ms\": 300, "                  \
    "\"activation_mb\": 10, \"memory_gb\": 100, \"microbatches\": 8}"

static void expect_error(const char *text, const char *want)
{
    struct ps_cluster c;
    struct ps_diag d;
    char buf[600];
    enum ps_status st = ps_cluster_parse(text, strlen(text), &c, &d);
    if (st == PS_OK)
        st = ps_cluster_resolve_models(&c, &d);
    assert_int_not_equal(st, PS_OK);
    ps_diag_format(&d, "f.json", buf, sizeof buf);
    if (strstr(buf, want) == NULL) {
        print_error("got '%s', want '%s'\n", buf, want);
        fail();
    }
    ps_cluster_fini(&c);
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_error(HEAD ", \"links\": [{\"from\": \"east\", \"to\": \"wset\"}], \"jobs\": []}",
                 "f.json: links.0.to: unknown region 'wset'");
    expect_error("{\"format\": \"pipescope-cluster/1\", \"regions\": [{\"name\": \"e\", \"gpus\": "
                 "-4, \"price_usd_per_kwh\": 0.1, \"bandwidth_gbps\": 50}], \"jobs\": []}",
                 "f.json: regions.0.gpus: must be in 0..100000 (got -4)");
    expect_error("{\"format\": \"pipescope-cluster/1\", \"regions\": [{\"name\": \"e\", \"gpus\": "
                 "4, \"price_usd_per_kwh\": -0.1, \"bandwidth_gbps\": 50}], \"jobs\": []}",
                 "f.json: regions.0.price_usd_per_kwh: must be >= 0 (got -0.1)");
    expect_error(HEAD ", \"jobs\": [], \"regoins\": 1}", "f.json: regoins: unknown field (known: ");
    expect_error(HEAD ", \"jobs\": [" JOB ", " JOB "]}", "f.json: jobs.1.name: duplicate job name");
    expect_error(HEAD ", \"jobs\": [{\"name\": \"a\", \"submit_s\": 0, \"iterations\": 1, "
                      "\"model\": \"llama3-8b\", \"memory_gb\": 3, \"microbatches\": 8}]}",
                 "jobs.0.memory_gb: not with a model");
    expect_error(HEAD ", \"jobs\": [{\"name\": \"a\", \"submit_s\": 0, \"iterations\": 1, "
                      "\"model\": \"llama9\", \"microbatches\": 8}]}",
                 "jobs.0.model: unknown model");
    expect_error(HEAD ", \"jobs\": [{\"name\": \"a\", \"submit_s\": 0, \"iterations\": 1, "
                      "\"microbatches\": 8}]}",
                 "jobs.0: give a model or a profile");
    expect_error(HEAD ", \"jobs\": [], \"policy\": {\"alpha\": \"fast\"}}",
                 "policy.alpha: must be a number in [0, 1] or \"adaptive\"");
    expect_error(HEAD ", \"jobs\": [], \"policy\": {\"alpha\": 1.5}}",
                 "policy.alpha: must be <= 1 (got 1.5)");
    expect_error(HEAD ", \"jobs\": [], \"scale\": {\"gpus\": 0}}", "scale.gpus: must be > 0");
    expect_error(HEAD ", \"jobs\": [" JOB "], \"jobs\": []}", "jobs: duplicate field");
    expect_error(HEAD ", \"jobs\": [] ", "f.json:1:");
    expect_error("{\"regions\": [], \"jobs\": []}", "format: missing (required");
    expect_error(HEAD ", \"links\": [{\"from\": 0, \"to\": 1}, {\"from\": \"west\", \"to\": "
                      "\"east\"}], \"jobs\": []}",
                 "links.1: duplicate link west - east");
}

static void test_round_trip_and_set(void **state)
{
    (void)state;
    struct ps_cluster_source src = {.preset = "bace-paper"};
    struct ps_cluster c, back;
    struct ps_diag d;
    assert_int_equal(ps_cluster_resolve(&src, &c, &d), PS_OK);
    assert_int_equal(c.n_regions, 6);
    assert_int_equal(c.n_jobs, 8);
    assert_true(c.jobs[0].has_calc);
    char *text = ps_cluster_to_json(&c);
    assert_non_null(text);
    assert_int_equal(ps_cluster_parse(text, strlen(text), &back, &d), PS_OK);
    char *again = ps_cluster_to_json(&back);
    assert_string_equal(text, again);
    free(again);
    free(text);
    ps_cluster_fini(&back);
    /* The link between eu-west (100) and us-east-2 (50): mean 75, latency from the file. */
    struct ps_link l = ps_cluster_link(&c, 0, 1);
    assert_true(l.bandwidth_gbps == 75 && l.latency_ms == 38);

    assert_int_equal(ps_cluster_set(&c, "scale.bandwidth", "0.3", &d), PS_OK);
    assert_true(c.scale.bandwidth == 0.3 && c.jobs[0].has_calc);
    assert_int_equal(ps_cluster_set(&c, "policy.alpha", "0.25", &d), PS_OK);
    assert_false(c.policy.alpha_adaptive);
    assert_int_equal(ps_cluster_set(&c, "regions.9.gpus", "3", &d), PS_EINVAL);
    assert_string_equal(d.path, "regions.9");
    assert_string_equal(d.msg, "index out of range (0..5)");
    assert_int_equal(ps_cluster_set(&c, "regions.0.gpus", "-1", &d), PS_EINVAL);
    assert_int_equal(c.regions[0].gpus, 128); /* unchanged */
    assert_int_equal(ps_cluster_set(&c, "jobs.0.model", "llama9", &d), PS_ENOTFOUND);
    assert_string_equal(c.jobs[0].model, "llama3-70b,seq=4096");
    assert_int_equal(ps_cluster_set(&c, "regions.1.name", "2024", &d), PS_OK);
    assert_string_equal(c.regions[1].name, "2024"); /* a string field takes the text */
    ps_cluster_fini(&c);

    static const char *const sets[] = {"scale.jobs=3", "jobs.2.iterations=5"};
    struct ps_cluster_source s2 = {.preset = "bace-paper", .n_sets = 2, .sets = sets};
    assert_int_equal(ps_cluster_resolve(&s2, &c, &d), PS_OK);
    assert_int_equal(c.jobs[2].iterations, 5);
    ps_cluster_fini(&c);
    static const char *const bad[] = {"regions.0.gpus=x"};
    struct ps_cluster_source s3 = {.preset = "bace-paper", .n_sets = 1, .sets = bad};
    assert_int_equal(ps_cluster_resolve(&s3, &c, &d), PS_EINVAL);
    char buf[400];
    assert_string_equal(ps_diag_format(&d, NULL, buf, sizeof buf),
                        "--set regions.0.gpus=x: regions.0.gpus: must be an integer (got string)");
    struct ps_cluster_source s4 = {.preset = "nope"};
    assert_int_equal(ps_cluster_resolve(&s4, &c, &d), PS_ENOTFOUND);
}

/* Every policy on the preset: every job runs, no GPU is held twice, nothing starts before
 * its submit time, each job's cost is its energy at its regions' prices; and the first
 * job's iteration time is a plain 1F1B solve of its pipeline. */
static void test_preset_policies(void **state)
{
    (void)state;
    struct ps_cluster_source src = {.preset = "bace-paper"};
    struct ps_cluster file, c;
    struct ps_diag d;
    assert_int_equal(ps_cluster_resolve(&src, &file, &d), PS_OK);
    assert_int_equal(ps_cluster_expand(&c, &file), PS_OK);
    struct ps_cluster_timer *t;
    assert_int_equal(ps_cluster_timer_new(c.schedule, NULL, &t, &d), PS_OK);
    struct ps_job_plan plans[8];
    assert_int_equal(ps_cluster_plan_jobs(&c, ps_cluster_timer_fn, t, plans, &d), PS_OK);
    for (int j = 0; j < 8; j++) {
        assert_true(plans[j].can_run);
        assert_true(plans[j].k_min <= plans[j].k_star && plans[j].k_star <= plans[j].k_cap);
    }
    assert_int_equal(plans[0].k_star, 82); /* Llama 3 70B: one counted layer per stage */
    for (size_t i = 0; i < ps_cluster_policy_count(); i++) {
        struct ps_cluster_result r;
        assert_int_equal(ps_cluster_run(&c, plans, ps_cluster_policy_at(i), t, &r, &d), PS_OK);
        assert_int_equal(r.started, 8);
        for (int a = 0; a < r.n_holds; a++)
            for (int b = 0; b < a; b++) {
                const struct ps_gpu_hold *x = &r.holds[a], *y = &r.holds[b];
                assert_false(x->region == y->region && x->first < y->first + y->count &&
                             y->first < x->first + x->count && x->start_ns < y->end_ns &&
                             y->start_ns < x->end_ns);
            }
        double total = 0;
        for (int j = 0; j < 8; j++) {
            const struct ps_job_result *jr = &r.jobs[j];
            assert_true(jr->start_ns >= jr->submit_ns);
            double cost = 0, h = (double)(jr->end_ns - jr->start_ns) / 3.6e12;
            for (int k = 0; k < jr->placement.n; k++) {
                const struct ps_region *reg = &c.regions[jr->placement.region[k]];
                cost += jr->placement.gpus[k] * reg->gpu_power_w * reg->pue / 1000 * h *
                        reg->price_usd_per_kwh;
            }
            assert_true(fabs(jr->cost_usd - cost) <= 1e-9 * cost);
            total += jr->cost_usd;
        }
        assert_true(fabs(r.total_cost_usd - total) <= 1e-9 * total);
        if (i == 0) {
            struct ps_scenario sc;
            struct ps_schedule *s;
            assert_int_equal(
                ps_cluster_job_scenario(&c, 0, &r.jobs[0].placement, r.jobs[0].share_gbps, &sc, &d),
                PS_OK);
            assert_int_equal(ps_solver_run(ps_solver_find("1f1b"), &sc, NULL, NULL, &s, &d), PS_OK);
            assert_int_equal(s->makespan_ns, r.jobs[0].first_iter_ns);
            ps_schedule_free(s);
            ps_scenario_fini(&sc);
        }
        ps_cluster_result_fini(&r);
    }
    ps_cluster_timer_free(t);
    ps_cluster_fini(&c);
    ps_cluster_fini(&file);
}

/* A job that can never fit is reported as never started, with why; the others run. */
static void test_never_fits_file(void **state)
{
    (void)state;
    const char *text = HEAD ", \"jobs\": [" JOB ", {\"name\": \"huge\", \"submit_s\": 0, "
                            "\"iterations\": 1, \"t_comp_ms\": 100, \"memory_gb\": 5000, "
                            "\"microbatches\": 4}, {\"name\": \"wide\", \"submit_s\": 0, "
                            "\"iterations\": 1, \"t_comp_ms\": 100, \"memory_gb\": 400, "
                            "\"microbatches\": 4}]}";
    struct ps_cluster c;
    struct ps_diag d;
    assert_int_equal(ps_cluster_parse(text, strlen(text), &c, &d), PS_OK);
    struct ps_cluster_timer *t;
    assert_int_equal(ps_cluster_timer_new("1f1b", NULL, &t, &d), PS_OK);
    struct ps_job_plan plans[3];
    assert_int_equal(ps_cluster_plan_jobs(&c, ps_cluster_timer_fn, t, plans, &d), PS_OK);
    struct ps_cluster_policy ldf, bace;
    assert_int_equal(ps_cluster_policy_parse("ldf", &ldf, &d), PS_OK);
    assert_int_equal(ps_cluster_policy_parse("bace", &bace, &d), PS_OK);
    struct ps_cluster_result r;
    assert_int_equal(ps_cluster_run(&c, plans, &ldf, t, &r, &d), PS_OK);
    assert_string_equal(r.jobs[1].why,
                        "needs at least 105 GPUs for its memory, the cluster has 12");
    assert_string_equal(r.jobs[2].why, "cannot be placed even on the empty cluster: needs 9 GPUs "
                                       "in one region, the largest has 8");
    assert_true(r.jobs[0].started);
    assert_int_equal(r.never_started, 2);
    ps_cluster_result_fini(&r);
    /* Across regions the 9 GPUs are there. */
    assert_int_equal(ps_cluster_run(&c, plans, &bace, t, &r, &d), PS_OK);
    assert_true(r.jobs[2].started);
    assert_int_equal(ps_placement_gpus(&r.jobs[2].placement), 12);
    ps_cluster_result_fini(&r);
    ps_cluster_timer_free(t);
    ps_cluster_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_round_trip_and_set),
        cmocka_unit_test(test_preset_policies),
        cmocka_unit_test(test_never_fits_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
