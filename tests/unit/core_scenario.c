/* Scenario rules (SPEC 2): a table of bad scenarios, each rejected with its field path and
 * reason; durations, splits, links and scales; diagnostics formatting; copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario.h"
#include "core/schedule.h"
#include "core/units.h"

/* A valid base: 2 DCs (east: 2 stages, west: 2 stages), M = 4, per-stage and
 * per-microbatch tables, a pair override, data parallel, a memory limit. */
static void base(struct ps_scenario *sc)
{
    assert_int_equal(ps_scenario_make_uniform(sc, 2, 2, 4, 1, 2, 1), PS_OK);
    strcpy(sc->dcs[0].name, "east");
    strcpy(sc->dcs[1].name, "west");
    sc->per_stage = calloc(4, sizeof *sc->per_stage);
    for (int s = 0; s < 4; s++)
        sc->per_stage[s] = (struct ps_compute){1, 2, 1};
    sc->per_microbatch = calloc(4, sizeof *sc->per_microbatch);
    for (int m = 0; m < 4; m++)
        sc->per_microbatch[m] =
            (struct ps_mb_scale){.compute_scale = 1, .activation_scale = 1, .memory_scale = 1};
    sc->n_pairs = 1;
    sc->pairs = calloc(1, sizeof *sc->pairs);
    sc->pairs[0] = (struct ps_pair){1, 0, {5, 10}, true, true};
    sc->inter_dc = (struct ps_link){2, 20};
    sc->intra_dc = (struct ps_link){0.01, 200};
    sc->activation_mb = 8;
    sc->has_memory_limit = true;
    sc->memory_limit = 4;
    sc->has_data_parallel = true;
    sc->allgather_ms = 1;
    sc->reduce_scatter_ms = 2;
}

struct bad_case {
    const char *id;
    void (*mutate)(struct ps_scenario *);
    const char *path;
    const char *msg; /* substring */
};

#define MUT(name, body)                                                                            \
    static void name(struct ps_scenario *sc)                                                       \
    {                                                                                              \
        body;                                                                                      \
    }

MUT(m_stages0, sc->n_stages = 0)
MUT(m_stages_big, sc->n_stages = 1025)
MUT(m_mb0, sc->n_microbatches = 0)
MUT(m_mb_big, sc->n_microbatches = 16385)
MUT(m_no_dcs, sc->n_dcs = 0)
MUT(m_dc_sum, sc->dcs[1].stages = 3)
MUT(m_dc_stages0, sc->dcs[1].stages = 0)
MUT(m_dc_name_empty, sc->dcs[1].name[0] = '\0')
MUT(m_dc_name_dup, strcpy(sc->dcs[1].name, "east"))
MUT(m_dc_scale0, sc->dcs[0].compute_scale = 0)
MUT(m_dc_scale_nan, sc->dcs[1].compute_scale = NAN)
MUT(m_fwd0, sc->compute.forward_ms = 0)
MUT(m_bwd_neg, sc->compute.backward_ms = -1)
MUT(m_w_neg, sc->compute.weight_ms = -0.5)
MUT(m_w_inf, sc->compute.weight_ms = INFINITY)
MUT(m_ps_fwd, sc->per_stage[3].forward_ms = -2)
MUT(m_ps_w_nan, sc->per_stage[2].weight_ms = NAN)
MUT(m_act_neg, sc->activation_mb = -1)
MUT(m_intra_lat, sc->intra_dc.latency_ms = -1)
MUT(m_inter_bw, sc->inter_dc.bandwidth_gbps = -5)
MUT(m_pair_from, sc->pairs[0].from = 2)
MUT(m_pair_to, sc->pairs[0].to = -1)
MUT(m_pair_same, sc->pairs[0].to = 1)
MUT(m_pair_lat, sc->pairs[0].link.latency_ms = -3)
MUT(m_limit0, sc->memory_limit = 0)
MUT(m_ws_big, sc->weight_share = 1.5)
MUT(m_ws_neg, sc->weight_share = -0.1)
MUT(m_ag_neg, sc->allgather_ms = -1)
MUT(m_rs_nan, sc->reduce_scatter_ms = NAN)
MUT(m_pm_cs0, sc->per_microbatch[2].compute_scale = 0)
MUT(m_pm_as_neg, sc->per_microbatch[1].activation_scale = -1)
MUT(m_pm_ms0, sc->per_microbatch[3].has_memory_scale = true; sc->per_microbatch[3].memory_scale = 0)
MUT(m_huge, sc->compute.forward_ms = 1e300; sc->per_stage[0].forward_ms = 1e300)
MUT(m_huge_latency, sc->inter_dc.latency_ms = 1e10)
MUT(m_huge_message, sc->activation_mb = 1e12; sc->intra_dc.bandwidth_gbps = 1e-3)
MUT(m_huge_dp, sc->allgather_ms = 1e12)
MUT(m_tiny_bandwidth, sc->inter_dc.bandwidth_gbps = 1e-12)
MUT(m_huge_pair_latency, sc->pairs[0].link.latency_ms = 1e11)

static void m_pair_dup(struct ps_scenario *sc)
{
    sc->pairs = realloc(sc->pairs, 2 * sizeof *sc->pairs);
    sc->pairs[1] = sc->pairs[0];
    sc->n_pairs = 2;
}

static const struct bad_case bad_cases[] = {
    {"stages-0", m_stages0, "stages", "must be an integer in 1..1024 (got 0)"},
    {"stages-1025", m_stages_big, "stages", "(got 1025)"},
    {"microbatches-0", m_mb0, "microbatches", "1..16384 (got 0)"},
    {"microbatches-big", m_mb_big, "microbatches", "(got 16385)"},
    {"dcs-empty", m_no_dcs, "datacenters", "at least one"},
    {"dcs-sum", m_dc_sum, "datacenters", "add up to stages = 4 (got 5)"},
    {"dc-stages-0", m_dc_stages0, "datacenters.1.stages", "must be >= 1 (got 0)"},
    {"dc-name-empty", m_dc_name_empty, "datacenters.1.name", "non-empty"},
    {"dc-name-dup", m_dc_name_dup, "datacenters.1.name", "unique"},
    {"dc-scale-0", m_dc_scale0, "datacenters.0.compute_scale", "must be > 0 (got 0)"},
    {"dc-scale-nan", m_dc_scale_nan, "datacenters.1.compute_scale", "finite"},
    {"forward-0", m_fwd0, "compute.forward_ms", "must be > 0 (got 0)"},
    {"backward-neg", m_bwd_neg, "compute.backward_ms", "must be > 0 (got -1)"},
    {"weight-neg", m_w_neg, "compute.weight_ms", "must be >= 0 (got -0.5)"},
    {"weight-inf", m_w_inf, "compute.weight_ms", "finite"},
    {"per-stage-fwd", m_ps_fwd, "compute.per_stage.3.forward_ms", "(got -2)"},
    {"per-stage-w-nan", m_ps_w_nan, "compute.per_stage.2.weight_ms", "finite"},
    {"activation-neg", m_act_neg, "activation_mb", "must be >= 0 (got -1)"},
    {"intra-latency", m_intra_lat, "network.intra_dc.latency_ms", "must be >= 0 (got -1)"},
    {"inter-bandwidth", m_inter_bw, "network.inter_dc.bandwidth_gbps", "must be >= 0 (got -5)"},
    {"pair-from", m_pair_from, "network.pairs.0.from", "datacenter"},
    {"pair-to", m_pair_to, "network.pairs.0.to", "datacenter"},
    {"pair-same", m_pair_same, "network.pairs.0.to", "must differ"},
    {"pair-latency", m_pair_lat, "network.pairs.0.latency_ms", "(got -3)"},
    {"pair-dup", m_pair_dup, "network.pairs.1", "duplicates pairs.0"},
    {"limit-0", m_limit0, "memory.limit", "must be > 0 (got 0)"},
    {"weight-share-big", m_ws_big, "memory.weight_share", "must be <= 1 (got 1.5)"},
    {"weight-share-neg", m_ws_neg, "memory.weight_share", "(got -0.1)"},
    {"allgather-neg", m_ag_neg, "data_parallel.allgather_ms", "(got -1)"},
    {"reduce-scatter-nan", m_rs_nan, "data_parallel.reduce_scatter_ms", "finite"},
    {"mb-compute-0", m_pm_cs0, "per_microbatch.2.compute_scale", "must be > 0"},
    {"mb-activation-neg", m_pm_as_neg, "per_microbatch.1.activation_scale", "(got -1)"},
    {"mb-memory-0", m_pm_ms0, "per_microbatch.3.memory_scale", "must be > 0"},
    {"too-large", m_huge, "compute.per_stage.0.forward_ms", "too large"},
    {"latency-too-large", m_huge_latency, "network.inter_dc.latency_ms",
     "too large to simulate: with 4 stages and 4 microbatches"},
    {"message-too-large", m_huge_message, "activation_mb", "too large to simulate"},
    {"bandwidth-too-small", m_tiny_bandwidth, "network.inter_dc.bandwidth_gbps",
     "must be at least about"},
    {"pair-latency-too-large", m_huge_pair_latency, "network.pairs.0.latency_ms",
     "must be at most about"},
    {"dp-too-large", m_huge_dp, "data_parallel.allgather_ms", "too large to simulate"},
};

static void test_bad_scenarios(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    base(&sc);
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_OK);
    ps_scenario_fini(&sc);
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        base(&sc);
        c->mutate(&sc);
        enum ps_status st = ps_scenario_validate(&sc, &d);
        if (st != PS_EINVAL)
            fail_msg("%s: accepted", c->id);
        if (strcmp(d.path, c->path) != 0)
            fail_msg("%s: path \"%s\", want \"%s\" (%s)", c->id, d.path, c->path, d.msg);
        if (strstr(d.msg, c->msg) == NULL)
            fail_msg("%s: message \"%s\" lacks \"%s\"", c->id, d.msg, c->msg);
        ps_scenario_fini(&sc);
    }
}

static void test_durations(void **state)
{
    (void)state;
    struct ps_scenario sc;
    base(&sc);
    sc.dcs[1].compute_scale = 1.5;
    sc.per_microbatch[2].compute_scale = 2;
    sc.per_stage[1] = (struct ps_compute){0.1, 0.2, 0.3};
    /* stage 3 is in west (x1.5), microbatch 2 (x2): F = 1 * 1.5 * 2 ms */
    assert_int_equal(ps_scenario_stage_time_ns(&sc, 3, 2, PS_TIME_F), 3000000);
    assert_int_equal(ps_scenario_stage_time_ns(&sc, 3, 0, PS_TIME_B), 3000000);
    assert_int_equal(ps_scenario_stage_time_ns(&sc, 1, 0, PS_TIME_B_COMBINED), 500000);
    assert_int_equal(ps_scenario_stage_time_ns(&sc, 1, 0, PS_TIME_W), 300000);
    /* chunk pieces add up exactly, even when T / V is not an integer */
    sc.per_stage[0].forward_ms = 1e-6 * 10; /* 10 ns */
    int64_t sum = 0;
    for (int c = 0; c < 3; c++)
        sum += ps_scenario_chunk_time_ns(&sc, 0, 0, PS_TIME_F, c, 3);
    assert_int_equal(sum, 10);
    assert_int_equal(ps_split_ns(10, 0, 3), 3);
    assert_int_equal(ps_split_ns(10, 1, 3), 4);
    assert_int_equal(ps_split_ns(10, 2, 3), 3);
    int64_t big = INT64_C(4000000000000000000);
    int64_t acc = 0;
    for (int i = 0; i < 7; i++)
        acc += ps_split_ns(big, i, 7);
    assert_true(acc == big);
    /* links: same DC intra, east->west inter, west->east the pair override */
    struct ps_link l = ps_scenario_link(&sc, 0, 1);
    assert_true(l.latency_ms == 0.01);
    l = ps_scenario_link(&sc, 1, 2);
    assert_true(l.latency_ms == 2 && l.bandwidth_gbps == 20);
    l = ps_scenario_link(&sc, 2, 1);
    assert_true(l.latency_ms == 5 && l.bandwidth_gbps == 10);
    /* a pair that sets only its latency follows inter_dc's bandwidth, even a later one */
    sc.pairs[0].has_bandwidth = false;
    sc.inter_dc.bandwidth_gbps = 30;
    l = ps_scenario_link(&sc, 2, 1);
    assert_true(l.latency_ms == 5 && l.bandwidth_gbps == 30);
    sc.pairs[0].has_latency = false;
    sc.pairs[0].has_bandwidth = true;
    l = ps_scenario_link(&sc, 2, 1);
    assert_true(l.latency_ms == 2 && l.bandwidth_gbps == 10);
    /* ps_scenario_set_pair adds a pair that sets one field */
    assert_int_equal(ps_scenario_set_pair(&sc, 0, 1, true, 7), PS_OK);
    assert_int_equal(sc.n_pairs, 2);
    assert_int_equal(ps_scenario_find_pair(&sc, 0, 1), 1);
    l = ps_scenario_link(&sc, 1, 2);
    assert_true(l.latency_ms == 7 && l.bandwidth_gbps == 30);
    assert_int_equal(ps_scenario_set_pair(&sc, 0, 1, false, 9), PS_OK);
    assert_int_equal(sc.n_pairs, 2);
    l = ps_scenario_link(&sc, 1, 2);
    assert_true(l.latency_ms == 7 && l.bandwidth_gbps == 9);
    assert_int_equal(ps_scenario_dc_of(&sc, 2), 1);
    assert_int_equal(ps_scenario_dc_first_stage(&sc, 1), 2);
    /* messages and memory */
    sc.per_microbatch[1].activation_scale = 0.5;
    assert_true(ps_scenario_message_mb(&sc, 1) == 4);
    assert_true(ps_scenario_memory_scale(&sc, 2) == 2);
    sc.per_microbatch[2].has_memory_scale = true;
    sc.per_microbatch[2].memory_scale = 0.25;
    assert_true(ps_scenario_memory_scale(&sc, 2) == 0.25);
    /* data parallel is communication: no compute scale */
    assert_int_equal(ps_scenario_dp_ns(&sc, 3, true, 0, 1), 1000000);
    assert_int_equal(ps_scenario_dp_ns(&sc, 3, false, 1, 2), 1000000);
    assert_true(ps_scenario_1f1b_budget(&sc) == 4);
    assert_true(fabs(ps_scenario_max_forward_ms(&sc) - 1.5) < 1e-12);
    assert_int_equal(ps_tx_ns(8, 20), 3200000);
    ps_scenario_fini(&sc);
}

static void test_copy(void **state)
{
    (void)state;
    struct ps_scenario a, b;
    base(&a);
    a.description = strdup("two halves");
    assert_int_equal(ps_scenario_copy(&b, &a), PS_OK);
    assert_ptr_not_equal(a.dcs, b.dcs);
    assert_ptr_not_equal(a.per_microbatch, b.per_microbatch);
    assert_string_equal(b.description, "two halves");
    assert_string_equal(b.dcs[1].name, "west");
    ps_scenario_fini(&a);
    struct ps_diag d;
    assert_int_equal(ps_scenario_validate(&b, &d), PS_OK);
    ps_scenario_fini(&b);
    ps_scenario_fini(&b); /* fini twice is harmless */
}

static void test_diag(void **state)
{
    (void)state;
    struct ps_diag d;
    char buf[512];
    assert_int_equal(
        ps_diag_set(&d, PS_EINVAL, "network.inter_dc.bandwidth_gbps", "must be >= 0 (got %d)", -5),
        PS_EINVAL);
    assert_string_equal(ps_diag_format(&d, "scenario.json", buf, sizeof buf),
                        "scenario.json: network.inter_dc.bandwidth_gbps: must be >= 0 (got -5)");
    ps_diag_clear(&d);
    d.line = 3;
    d.column = 7;
    snprintf(d.msg, sizeof d.msg, "expected a number");
    assert_string_equal(ps_diag_format(&d, "s.json", buf, sizeof buf),
                        "s.json:3:7: expected a number");
    assert_string_equal(ps_diag_format(&d, NULL, buf, sizeof buf), "3:7: expected a number");
    assert_int_equal(ps_diag_set(NULL, PS_EIO, "x", "y"), PS_EIO);
    assert_string_equal(ps_status_str(PS_EDEADLOCK), "deadlock");
    assert_string_equal(ps_status_str(PS_ENOMEM), "out of memory");
}

static void test_names(void **state)
{
    (void)state;
    for (int k = 0; k < PS_OP_KIND_COUNT; k++)
        assert_int_equal(ps_op_kind_parse(ps_op_kind_str((enum ps_op_kind)k)), k);
    assert_int_equal(ps_op_kind_parse("X"), -1);
    assert_int_equal(ps_traversal_parse("wave"), PS_TRAVERSAL_WAVE);
    assert_int_equal(ps_traversal_parse("loop"), PS_TRAVERSAL_LOOP);
    assert_int_equal(ps_solve_status_parse("feasible"), PS_SOLVE_FEASIBLE);
    assert_string_equal(ps_xfer_kind_str(PS_XFER_GRADIENT), "gradient");
    /* virtual stages: loop and wave */
    assert_int_equal(ps_vstage_device(5, 4, 2, PS_TRAVERSAL_LOOP), 1);
    assert_int_equal(ps_vstage_chunk(5, 4, 2, PS_TRAVERSAL_LOOP), 1);
    assert_int_equal(ps_vstage_device(7, 4, 2, PS_TRAVERSAL_WAVE), 0);
    assert_int_equal(ps_vstage_device(4, 4, 2, PS_TRAVERSAL_WAVE), 3);
    assert_int_equal(ps_vstage_of(0, 1, 4, 2, PS_TRAVERSAL_WAVE), 7);
    for (int v = 0; v < 8; v++)
        for (int tr = 0; tr < 2; tr++) {
            int d = ps_vstage_device(v, 4, 2, (enum ps_traversal)tr);
            int c = ps_vstage_chunk(v, 4, 2, (enum ps_traversal)tr);
            assert_int_equal(ps_vstage_of(d, c, 4, 2, (enum ps_traversal)tr), v);
        }
    struct ps_scenario sc;
    base(&sc);
    assert_null(ps_schedule_new(&sc, "x", 3, PS_TRAVERSAL_WAVE, false));
    assert_null(ps_schedule_new(&sc, "x", 17, PS_TRAVERSAL_LOOP, false));
    struct ps_schedule *s = ps_schedule_new(&sc, "x", 2, PS_TRAVERSAL_LOOP, true);
    assert_non_null(s);
    ps_schedule_set_param(s, "memory", "1.0");
    ps_schedule_set_param(s, "memory", "2.0");
    assert_int_equal(s->solver.n_params, 1);
    assert_string_equal(s->solver.params[0].value, "2.0");
    assert_int_equal(ps_schedule_xfer_keys(s), 2 * 8 * 4);
    assert_int_equal(ps_xfer_key(s, PS_XFER_GRADIENT, 1, 2), (8 + 1) * 4 + 2);
    /* W only where the stage has weight time */
    sc.per_stage[2].weight_ms = 0;
    assert_false(ps_schedule_has_w(s, 2));
    assert_int_equal(ps_schedule_push(s, 2, PS_OP_W, 0, 0), PS_EINVAL);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_W, 0, 0), PS_OK);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_F, 2, 0), PS_EINVAL);
    assert_int_equal(ps_schedule_push(s, 1, PS_OP_F, 0, 4), PS_EINVAL);
    assert_int_equal(ps_schedule_push(s, 4, PS_OP_F, 0, 0), PS_EINVAL);
    assert_int_equal(ps_schedule_push(s, 0, PS_OP_AG, 0, 0), PS_EINVAL);
    ps_schedule_free(s);
    ps_schedule_free(NULL);
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_scenarios), cmocka_unit_test(test_durations),
        cmocka_unit_test(test_copy),          cmocka_unit_test(test_diag),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
