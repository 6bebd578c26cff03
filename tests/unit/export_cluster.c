/* The cluster planner's writers on a hand-made run: exact seconds in CSV and JSON, a job
 * that never started (empty cells, nulls and its why), the path and GPUs per region, names
 * that need escaping in CSV, JSON and SVG, and the Pareto front. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export/cluster_export.h"

static void make(struct ps_cluster *c, struct ps_cluster_result *r)
{
    ps_cluster_init(c);
    snprintf(c->name, sizeof c->name, "t");
    c->n_regions = 2;
    c->regions = calloc(2, sizeof *c->regions);
    c->n_jobs = 2;
    c->jobs = calloc(2, sizeof *c->jobs);
    r->jobs = calloc(2, sizeof *r->jobs);
    r->holds = calloc(2, sizeof *r->holds);
    assert_true(c->regions && c->jobs && r->jobs && r->holds);
    for (int i = 0; i < 2; i++) {
        ps_region_init(&c->regions[i]);
        c->regions[i].gpus = 4;
        c->regions[i].price_usd_per_kwh = 0.1;
        c->regions[i].bandwidth_gbps = 10;
    }
    snprintf(c->regions[0].name, sizeof c->regions[0].name, "east");
    snprintf(c->regions[1].name, sizeof c->regions[1].name, "we\"st");
    snprintf(c->jobs[0].name, sizeof c->jobs[0].name, "a&b<c>,d");
    snprintf(c->jobs[1].name, sizeof c->jobs[1].name, "never");
    r->n_jobs = 2;
    r->jobs[0] = (struct ps_job_result){.started = true,
                                        .submit_ns = 500000000,
                                        .start_ns = 1500000001,
                                        .end_ns = 3600000000000,
                                        .placement = {2, {0, 1}, {3, 1}},
                                        .cost_usd = 0.25};
    r->jobs[1].submit_ns = 0;
    snprintf(r->jobs[1].why, sizeof r->jobs[1].why, "needs 9 GPUs, \"too\" many");
    r->n_holds = 2;
    r->holds[0] = (struct ps_gpu_hold){0, 0, 0, 3, 1500000001, 3600000000000};
    r->holds[1] = (struct ps_gpu_hold){0, 1, 0, 1, 1500000001, 3600000000000};
    r->started = 1;
    r->never_started = 1;
    r->avg_jct_s = 3599.5;
    r->total_cost_usd = 0.25;
    r->makespan_s = 3600;
    r->gpu_util = 0.5;
}

static void test_tables(void **state)
{
    (void)state;
    struct ps_cluster c;
    struct ps_cluster_result r = {0};
    make(&c, &r);
    struct ps_cluster_run run = {"bace", &r};
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_cluster_csv(&c, &run, 1, false, &b), PS_OK);
    assert_non_null(strstr(b.data, "policy,avg_jct_s,total_cost_usd,makespan_s,gpu_util,started,"
                                   "never_started\r\nbace,3599.5,0.25,3600,0.5,1,1\r\n"));
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_cluster_csv(&c, &run, 1, true, &b), PS_OK);
    assert_non_null(strstr(b.data,
                           "bace,\"a&b<c>,d\",0.5,1.500000001,3600,3599.5,\"east>we\"\"st\","
                           "3+1,0.25,\r\n"));
    assert_non_null(strstr(b.data, "bace,never,0,,,,,,,\"needs 9 GPUs, \"\"too\"\" many\"\r\n"));
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_cluster_json(&c, &run, 1, true, &b), PS_OK);
    assert_non_null(strstr(b.data, "\"start_s\": 1.500000001, \"end_s\": 3600, \"jct_s\": 3599.5, "
                                   "\"path\": [\"east\", \"we\\\"st\"], \"gpus\": { \"east\": 3, "
                                   "\"we\\\"st\": 1 }, \"cost_usd\": 0.25 }"));
    assert_non_null(strstr(b.data, "\"start_s\": null, \"end_s\": null, \"jct_s\": null, "
                                   "\"path\": [], \"gpus\": {}, \"cost_usd\": null, \"why\": "));
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_cluster_gantt_svg(&c, "bace", &r, 600, &b), PS_OK);
    assert_non_null(strstr(b.data, "a&amp;b&lt;c&gt;,d: GPUs 0-2 of east"));
    assert_null(strstr(b.data, "a&b"));
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_cluster_pareto_svg(&c, &run, 1, 0, &b), PS_OK);
    assert_non_null(strstr(b.data, "class=\"policy front\""));
    ps_buf_fini(&b);
    free(r.jobs);
    free(r.holds);
    ps_cluster_fini(&c);
}

/* (1, 5), (2, 3), (3, 4), (4, 1), (2, 3) again, (5, 1): the front is (1, 5), both (2, 3),
 * (4, 1); (3, 4) is beaten by (2, 3) and (5, 1) by (4, 1). */
static void test_pareto(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 2, 5, NAN}, y[] = {5, 3, 4, 1, 3, 1, 0};
    bool f[7];
    ps_cluster_pareto(x, y, 7, f);
    const bool want[] = {true, true, false, true, true, false, false};
    for (int i = 0; i < 7; i++)
        assert_int_equal(f[i], want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_pareto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
