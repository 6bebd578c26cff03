/* Scenario files: every field survives a round trip, bad input is rejected whole with the
 * field path (or line and column), --set edits by path, and sources resolve with their
 * name in front of every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "presets/presets.h"

static const char rich_json[] =
    "{ \"format\": \"pipescope-scenario/1\", \"name\": \"rich \\\"one\\\"\",\n"
    "  \"description\": \"every optional field\\nand a second line\",\n"
    "  \"_comment\": \"comments are allowed\",\n"
    "  \"stages\": 4, \"microbatches\": 3,\n"
    "  \"datacenters\": [ {\"name\": \"east\", \"stages\": 1},\n"
    "                    {\"name\": \"west\", \"stages\": 3, \"compute_scale\": 1.1} ],\n"
    "  \"compute\": { \"forward_ms\": 0.1, \"backward_ms\": 2.000001, \"weight_ms\": 0,\n"
    "    \"per_stage\": [ {\"forward_ms\": 1e-6}, {}, {\"backward_ms\": 3.3333333333333335},\n"
    "                     {\"weight_ms\": 7} ] },\n"
    "  \"activation_mb\": 12.5,\n"
    "  \"network\": { \"intra_dc\": {\"latency_ms\": 0.01},\n"
    "               \"inter_dc\": {\"latency_ms\": 2, \"bandwidth_gbps\": 50},\n"
    "               \"pairs\": [ {\"from\": 1, \"to\": \"east\", \"bandwidth_gbps\": 25} ],\n"
    "               \"arrangement\": \"rendezvous\" },\n"
    "  \"memory\": { \"limit\": 4.5, \"weight_share\": 0.25 },\n"
    "  \"data_parallel\": { \"allgather_ms\": 0.5, \"reduce_scatter_ms\": 0.7 },\n"
    "  \"per_microbatch\": [ {}, {\"compute_scale\": 1.5, \"activation_scale\": 0},\n"
    "                      {\"memory_scale\": 2} ] }\n";

static void parse_ok(const char *text, struct ps_scenario *sc)
{
    struct ps_diag d;
    enum ps_status st = ps_scenario_parse(text, strlen(text), sc, &d);
    if (st != PS_OK)
        fail_msg("parse: %s: %s (line %d col %d)", d.path, d.msg, d.line, d.column);
}

static void assert_same_scenario(const struct ps_scenario *a, const struct ps_scenario *b)
{
    assert_string_equal(a->name, b->name);
    assert_true((a->description == NULL) == (b->description == NULL));
    if (a->description != NULL)
        assert_string_equal(a->description, b->description);
    assert_int_equal(a->n_stages, b->n_stages);
    assert_int_equal(a->n_microbatches, b->n_microbatches);
    assert_int_equal(a->n_dcs, b->n_dcs);
    for (int i = 0; i < a->n_dcs; i++) {
        assert_string_equal(a->dcs[i].name, b->dcs[i].name);
        assert_int_equal(a->dcs[i].stages, b->dcs[i].stages);
        assert_true(a->dcs[i].compute_scale == b->dcs[i].compute_scale);
    }
    assert_memory_equal(&a->compute, &b->compute, sizeof a->compute);
    assert_true((a->per_stage == NULL) == (b->per_stage == NULL));
    if (a->per_stage != NULL)
        assert_memory_equal(a->per_stage, b->per_stage, (size_t)a->n_stages * sizeof *a->per_stage);
    assert_true(a->activation_mb == b->activation_mb);
    assert_memory_equal(&a->intra_dc, &b->intra_dc, sizeof a->intra_dc);
    assert_memory_equal(&a->inter_dc, &b->inter_dc, sizeof a->inter_dc);
    assert_int_equal(a->n_pairs, b->n_pairs);
    for (int i = 0; i < a->n_pairs; i++) {
        assert_int_equal(a->pairs[i].from, b->pairs[i].from);
        assert_int_equal(a->pairs[i].to, b->pairs[i].to);
        assert_memory_equal(&a->pairs[i].link, &b->pairs[i].link, sizeof a->pairs[i].link);
    }
    assert_int_equal(a->arrangement, b->arrangement);
    assert_int_equal(a->has_memory_limit, b->has_memory_limit);
    if (a->has_memory_limit)
        assert_true(a->memory_limit == b->memory_limit);
    assert_true(a->weight_share == b->weight_share);
    assert_int_equal(a->has_data_parallel, b->has_data_parallel);
    assert_true(a->allgather_ms == b->allgather_ms);
    assert_true(a->reduce_scatter_ms == b->reduce_scatter_ms);
    assert_true((a->per_microbatch == NULL) == (b->per_microbatch == NULL));
    for (int i = 0; a->per_microbatch != NULL && i < a->n_microbatches; i++) {
        const struct ps_mb_scale *x = &a->per_microbatch[i], *y = &b->per_microbatch[i];
        assert_true(x->compute_scale == y->compute_scale);
        assert_true(x->activation_scale == y->activation_scale);
        assert_true(x->memory_scale == y->memory_scale);
        assert_int_equal(x->has_memory_scale, y->has_memory_scale);
    }
}

static void test_rich_values(void **state)
{
    (void)state;
    struct ps_scenario sc;
    parse_ok(rich_json, &sc);
    assert_string_equal(sc.name, "rich \"one\"");
    assert_int_equal(sc.n_dcs, 2);
    assert_true(sc.dcs[0].compute_scale == 1.0);
    assert_true(sc.dcs[1].compute_scale == 1.1);
    /* per-stage entries override only the keys they have */
    assert_true(sc.per_stage[0].forward_ms == 1e-6);
    assert_true(sc.per_stage[0].backward_ms == 2.000001);
    assert_true(sc.per_stage[3].weight_ms == 7);
    /* absent bandwidth is unlimited; a pair keeps inter_dc's values it does not name */
    assert_true(sc.intra_dc.bandwidth_gbps == 0);
    assert_int_equal(sc.n_pairs, 1);
    assert_int_equal(sc.pairs[0].from, 1);
    assert_int_equal(sc.pairs[0].to, 0);
    assert_true(sc.pairs[0].link.latency_ms == 2);
    assert_true(sc.pairs[0].link.bandwidth_gbps == 25);
    assert_true(sc.per_microbatch[1].memory_scale == 1.5);
    assert_false(sc.per_microbatch[1].has_memory_scale);
    assert_true(sc.per_microbatch[2].memory_scale == 2);
    assert_true(sc.per_microbatch[2].has_memory_scale);
    assert_int_equal(sc.arrangement, PS_ARRANGE_RENDEZVOUS);
    ps_scenario_fini(&sc);
    /* The default arrangement is not written: files from before the field stay the same. */
    parse_ok(ps_preset_find("default")->json, &sc);
    assert_int_equal(sc.arrangement, PS_ARRANGE_DECOUPLED);
    char *json = ps_scenario_to_json(&sc);
    assert_null(strstr(json, "arrangement"));
    free(json);
    ps_scenario_fini(&sc);
}

static void test_roundtrip(void **state)
{
    (void)state;
    const char *texts[] = {rich_json, ps_preset_find("default")->json,
                           ps_preset_find("teaching")->json};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct ps_scenario a, b;
        parse_ok(texts[i], &a);
        char *json = ps_scenario_to_json(&a);
        assert_non_null(json);
        parse_ok(json, &b);
        assert_same_scenario(&a, &b);
        char *again = ps_scenario_to_json(&b);
        assert_string_equal(json, again);
        free(json);
        free(again);
        ps_scenario_fini(&a);
        ps_scenario_fini(&b);
    }
}

static void test_writer_shape(void **state)
{
    (void)state;
    struct ps_scenario sc;
    parse_ok(rich_json, &sc);
    char *json = ps_scenario_to_json(&sc);
    /* SPEC key order, format first, limit null when unlimited, names for pair ends */
    const char *order[] = {"\"format\"",  "\"name\"",          "\"description\"",
                           "\"stages\"",  "\"microbatches\"",  "\"datacenters\"",
                           "\"compute\"", "\"per_stage\"",     "\"activation_mb\"",
                           "\"network\"", "\"pairs\"",         "\"arrangement\"",
                           "\"memory\"",  "\"data_parallel\"", "\"per_microbatch\""};
    const char *at = json;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *next = strstr(at, order[i]);
        if (next == NULL)
            fail_msg("%s missing or out of order", order[i]);
        at = next;
    }
    assert_non_null(strstr(json, "{ \"from\": \"west\", \"to\": \"east\""));
    assert_non_null(strstr(json, "\"description\": \"every optional field\\nand a second line\""));
    assert_null(strchr(json, '\t'));
    free(json);
    ps_scenario_fini(&sc);

    const char *t = ps_preset_find("teaching")->json;
    parse_ok(t, &sc);
    json = ps_scenario_to_json(&sc);
    assert_non_null(strstr(json, "\"memory\": { \"limit\": null, \"weight_share\": 0.5 }"));
    free(json);
    ps_scenario_fini(&sc);
}

/* ---- bad input ---------------------------------------------------------------------------- */

#define BASE_HEAD "{ \"format\": \"pipescope-scenario/1\", "
#define DCS                                                                                        \
    "\"datacenters\": [ {\"name\": \"a\", \"stages\": 2}, {\"name\": \"b\", \"stages\": 2} ], "
#define COMPUTE "\"compute\": {\"forward_ms\": 1, \"backward_ms\": 2, \"weight_ms\": 1}, "
#define VALID_BODY "\"stages\": 4, \"microbatches\": 8, " DCS COMPUTE "\"activation_mb\": 1"

static void test_bad_input(void **state)
{
    (void)state;
    static const struct {
        const char *id, *text, *path, *msg;
    } cases[] = {
        {"missing-format", "{ " VALID_BODY " }", "format", "missing"},
        {"wrong-format", "{ \"format\": \"pipescope-scenario/2\", " VALID_BODY " }", "format",
         "unsupported format"},
        {"unknown-top", BASE_HEAD VALID_BODY ", \"stagez\": 4 }", "stagez", "unknown field"},
        {"unknown-nested",
         BASE_HEAD VALID_BODY ", \"network\": {\"inter_dc\": {\"latncy_ms\": 3}} }",
         "network.inter_dc.latncy_ms", "unknown field (known: latency_ms, bandwidth_gbps)"},
        {"string-for-number",
         BASE_HEAD "\"stages\": 4, \"microbatches\": 8, " DCS
                   "\"compute\": {\"forward_ms\": \"38\", \"backward_ms\": 2, \"weight_ms\": 1}, "
                   "\"activation_mb\": 1 }",
         "compute.forward_ms", "must be a number (got string)"},
        {"missing-time",
         BASE_HEAD "\"stages\": 4, \"microbatches\": 8, " DCS
                   "\"compute\": {\"forward_ms\": 1, \"weight_ms\": 1}, \"activation_mb\": 1 }",
         "compute.backward_ms", "missing"},
        {"negative-time",
         BASE_HEAD "\"stages\": 4, \"microbatches\": 8, " DCS
                   "\"compute\": {\"forward_ms\": -1, \"backward_ms\": 2, \"weight_ms\": 1}, "
                   "\"activation_mb\": 1 }",
         "compute.forward_ms", "> 0 (got -1)"},
        {"fractional-stages", BASE_HEAD "\"stages\": 2.5 }", "stages", "must be an integer"},
        {"zero-microbatches", BASE_HEAD "\"stages\": 4, \"microbatches\": 0 }", "microbatches",
         "between 1 and 16384"},
        {"too-many-stages", BASE_HEAD "\"stages\": 4096 }", "stages", "between 1 and 1024"},
        {"missing-stages", BASE_HEAD "\"microbatches\": 8 }", "stages", "missing"},
        {"dcs-do-not-add-up",
         BASE_HEAD "\"stages\": 5, \"microbatches\": 8, " DCS COMPUTE "\"activation_mb\": 1 }",
         "datacenters", "add up"},
        {"duplicate-dc",
         BASE_HEAD "\"stages\": 2, \"microbatches\": 1, \"datacenters\": [ {\"name\": \"a\", "
                   "\"stages\": 1}, {\"name\": \"a\", \"stages\": 1} ], " COMPUTE
                   "\"activation_mb\": 1 }",
         "datacenters.1.name", "duplicate"},
        {"dc-not-object", BASE_HEAD "\"stages\": 2, \"microbatches\": 1, \"datacenters\": [3] }",
         "datacenters.0", "must be an object (got number)"},
        {"per-stage-length",
         BASE_HEAD
         "\"stages\": 4, \"microbatches\": 8, " DCS
         "\"compute\": {\"forward_ms\": 1, \"backward_ms\": 2, \"weight_ms\": 1, \"per_stage\": "
         "[{}, {}]}, \"activation_mb\": 1 }",
         "compute.per_stage", "one entry per stage (4), got 2"},
        {"per-stage-type",
         BASE_HEAD
         "\"stages\": 4, \"microbatches\": 8, " DCS
         "\"compute\": {\"forward_ms\": 1, \"backward_ms\": 2, \"weight_ms\": 1, \"per_stage\": "
         "[{}, {}, {\"forward_ms\": true}, {}]}, \"activation_mb\": 1 }",
         "compute.per_stage.2.forward_ms", "must be a number (got boolean)"},
        {"arrangement-word", BASE_HEAD VALID_BODY ", \"network\": {\"arrangement\": \"eager\"} }",
         "network.arrangement", "must be decoupled, rendezvous or blocking (got 'eager')"},
        {"arrangement-type", BASE_HEAD VALID_BODY ", \"network\": {\"arrangement\": 1} }",
         "network.arrangement", "must be a string (got number)"},
        {"pair-unknown-dc",
         BASE_HEAD VALID_BODY ", \"network\": {\"pairs\": [{\"from\": \"a\", \"to\": \"zz\"}]} }",
         "network.pairs.0.to", "unknown datacenter 'zz'"},
        {"pair-index-range",
         BASE_HEAD VALID_BODY ", \"network\": {\"pairs\": [{\"from\": 2, \"to\": 0}]} }",
         "network.pairs.0.from", "out of range"},
        {"pair-same-dc",
         BASE_HEAD VALID_BODY ", \"network\": {\"pairs\": [{\"from\": \"a\", \"to\": \"a\"}]} }",
         "network.pairs.0.to", "must differ"},
        {"negative-bandwidth",
         BASE_HEAD VALID_BODY ", \"network\": {\"inter_dc\": {\"bandwidth_gbps\": -5}} }",
         "network.inter_dc.bandwidth_gbps", ">= 0 (got -5)"},
        {"limit-string", BASE_HEAD VALID_BODY ", \"memory\": {\"limit\": \"8\"} }", "memory.limit",
         "must be a number (got string)"},
        {"weight-share", BASE_HEAD VALID_BODY ", \"memory\": {\"weight_share\": 1.5} }",
         "memory.weight_share", "<= 1"},
        {"per-microbatch-length", BASE_HEAD VALID_BODY ", \"per_microbatch\": [{}] }",
         "per_microbatch", "one entry per microbatch (8), got 1"},
        {"duplicate-key", BASE_HEAD VALID_BODY ", \"stages\": 4 }", "stages", "duplicate field"},
        {"name-type", BASE_HEAD VALID_BODY ", \"name\": 3 }", "name", "must be a string"},
        {"top-level-array", "[1, 2]", "(top level)", "must be an object"},
        {"huge-number", BASE_HEAD VALID_BODY ", \"memory\": {\"limit\": 1e999} }", "memory.limit",
         "finite"},
        {"data-parallel-type", BASE_HEAD VALID_BODY ", \"data_parallel\": [] }", "data_parallel",
         "must be an object (got array)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ps_scenario sc;
        struct ps_diag d;
        enum ps_status st = ps_scenario_parse(cases[i].text, strlen(cases[i].text), &sc, &d);
        if (st == PS_OK)
            fail_msg("case %s: accepted", cases[i].id);
        /* nothing half-loaded */
        assert_int_equal(sc.n_stages, 0);
        assert_null(sc.dcs);
        assert_null(sc.per_stage);
        if (strcmp(d.path, cases[i].path) != 0 || strstr(d.msg, cases[i].msg) == NULL)
            fail_msg("case %s: got '%s: %s', want '%s: ...%s...'", cases[i].id, d.path, d.msg,
                     cases[i].path, cases[i].msg);
    }

    /* a schedule file read as a scenario gives the scenario it carries */
    const char *sched =
        "{ \"format\": \"pipescope-schedule/1\", \"ops\": [], \"scenario\": {" VALID_BODY
        ", \"name\": \"inner\" } }";
    struct ps_scenario in;
    parse_ok(sched, &in);
    assert_string_equal(in.name, "inner");
    ps_scenario_fini(&in);

    /* the valid base really is valid, with or without comments */
    struct ps_scenario sc;
    parse_ok(BASE_HEAD VALID_BODY ", \"comment\": \"x\" }", &sc);
    assert_int_equal(sc.n_stages, 4);
    assert_false(sc.has_memory_limit);
    assert_true(sc.weight_share == 0.5);
    ps_scenario_fini(&sc);
}

static void test_broken_json_position(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line, column;
    } cases[] = {
        {"{\n  \"stages\": 4,\n  \"microbatches\": ,\n}", 3, 19},
        {"{ \"stages\": 4 } trailing", 1, 17},
        {"", 1, 1},
        {"{\n\"a\": [1, 2", 2, 10}, /* cJSON points at the last byte at the end */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ps_scenario sc;
        struct ps_diag d;
        assert_int_equal(ps_scenario_parse(cases[i].text, strlen(cases[i].text), &sc, &d),
                         PS_EPARSE);
        if (d.line != cases[i].line || d.column != cases[i].column)
            fail_msg("case %zu: got %d:%d (%s), want %d:%d", i, d.line, d.column, d.msg,
                     cases[i].line, cases[i].column);
        char buf[512];
        ps_diag_format(&d, "s.json", buf, sizeof buf);
        assert_true(strncmp(buf, "s.json:", 7) == 0);
    }
    /* text that is not NUL-terminated: only len bytes count */
    const char *text = BASE_HEAD VALID_BODY " }garbage";
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_scenario_parse(text, strlen(text) - 7, &sc, &d), PS_OK);
    ps_scenario_fini(&sc);
}

static void take_note(void *user, const char *set, const char *note)
{
    snprintf(user, 300, "%s: %s", set, note);
}

/* ---- --set -------------------------------------------------------------------------------- */

static void set_ok(struct ps_scenario *sc, const char *path, const char *value)
{
    struct ps_diag d;
    if (ps_scenario_set_path(sc, path, value, &d) != PS_OK)
        fail_msg("set %s=%s: %s: %s", path, value, d.path, d.msg);
}

static void test_set_path(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("default", &sc, &d), PS_OK);
    set_ok(&sc, "network.inter_dc.latency_ms", "20");
    assert_true(sc.inter_dc.latency_ms == 20);
    set_ok(&sc, "compute.per_stage.3.forward_ms", "50");
    assert_non_null(sc.per_stage);
    assert_true(sc.per_stage[3].forward_ms == 50);
    assert_true(sc.per_stage[2].forward_ms == sc.compute.forward_ms);
    set_ok(&sc, "memory.limit", "null");
    assert_false(sc.has_memory_limit);
    set_ok(&sc, "memory.limit", "12.5");
    assert_true(sc.has_memory_limit && sc.memory_limit == 12.5);
    set_ok(&sc, "name", "2024");
    assert_string_equal(sc.name, "2024");
    set_ok(&sc, "datacenters.1.name", "far");
    assert_string_equal(sc.dcs[1].name, "far");
    set_ok(&sc, "datacenters.1.compute_scale", "2");
    assert_true(sc.dcs[1].compute_scale == 2);
    set_ok(&sc, "data_parallel.allgather_ms", "3");
    assert_true(sc.has_data_parallel && sc.allgather_ms == 3 && sc.reduce_scatter_ms == 0);
    set_ok(&sc, "per_microbatch.15.compute_scale", "2");
    assert_true(sc.per_microbatch[15].compute_scale == 2);
    assert_true(sc.per_microbatch[0].compute_scale == 1);
    set_ok(&sc, "network.pairs",
           "[{\"from\": \"far\", \"to\": \"east\", \"latency_ms\": 9, \"bandwidth_gbps\": 1}]");
    assert_int_equal(sc.n_pairs, 1);
    set_ok(&sc, "network.pairs.0.latency_ms", "10");
    assert_true(sc.pairs[0].link.latency_ms == 10);
    set_ok(&sc, "compute.per_stage", "null");
    assert_null(sc.per_stage);

    /* the shorthand resizes the pipeline and keeps names */
    set_ok(&sc, "per_microbatch", "null");
    set_ok(&sc, "datacenters", "3+5+2");
    assert_int_equal(sc.n_stages, 10);
    assert_int_equal(sc.n_dcs, 3);
    assert_string_equal(sc.dcs[0].name, "east");
    assert_string_equal(sc.dcs[2].name, "dc2");

    /* counts that depend on each other follow an edit: stages spread over the DCs,
     * a DC's stages make the total, per_stage and per_microbatch are resized by the one
     * rule: a stage keeps its times within its DC, a new stage copies its DC's last one */
    set_ok(&sc, "compute.per_stage.9.forward_ms", "50");
    set_ok(&sc, "compute.per_stage.2.forward_ms", "30");
    set_ok(&sc, "stages", "13");
    assert_int_equal(sc.n_stages, 13);
    assert_int_equal(sc.dcs[0].stages + sc.dcs[1].stages + sc.dcs[2].stages, 13);
    assert_int_equal(sc.dcs[0].stages, 5);
    assert_int_equal(sc.dcs[2].stages, 4);
    assert_true(sc.per_stage[2].forward_ms == 30);
    assert_true(sc.per_stage[3].forward_ms == 30 && sc.per_stage[4].forward_ms == 30);
    assert_true(sc.per_stage[5].forward_ms == sc.compute.forward_ms);
    assert_true(sc.per_stage[9].forward_ms == sc.compute.forward_ms);
    assert_true(sc.per_stage[10].forward_ms == 50 && sc.per_stage[12].forward_ms == 50);
    set_ok(&sc, "datacenters.1.stages", "1");
    assert_int_equal(sc.n_stages, 10);
    set_ok(&sc, "per_microbatch.3.compute_scale", "2");
    set_ok(&sc, "microbatches", "4");
    assert_true(sc.per_microbatch[3].compute_scale == 2);
    set_ok(&sc, "microbatches", "6");
    assert_true(sc.per_microbatch[5].compute_scale == 1);
    set_ok(&sc, "compute.per_stage", "null");
    set_ok(&sc, "per_microbatch", "null");

    /* a lone number is the datacenter count: the stages spread, names are kept */
    set_ok(&sc, "stages", "8");
    set_ok(&sc, "datacenters", "3");
    assert_int_equal(sc.n_dcs, 3);
    assert_int_equal(sc.n_stages, 8);
    assert_int_equal(sc.dcs[0].stages, 3);
    assert_int_equal(sc.dcs[1].stages, 3);
    assert_int_equal(sc.dcs[2].stages, 2);
    assert_string_equal(sc.dcs[0].name, "east");
    assert_int_equal(sc.n_pairs, 1); /* far -> east */
    set_ok(&sc, "datacenters", "1");
    assert_int_equal(sc.n_dcs, 1);
    assert_int_equal(sc.n_pairs, 0); /* it went with "far" */
    assert_int_equal(sc.dcs[0].stages, 8);
    set_ok(&sc, "datacenters", "3");

    /* failures leave the scenario as it was and name the path */
    static const struct {
        const char *path, *value, *want_path, *msg;
    } bad[] = {
        {"compute.forwrd_ms", "3", "compute.forwrd_ms", "unknown field"},
        {"network.inter_dc.latency_ms", "abc", "network.inter_dc.latency_ms",
         "must be a number (got 'abc')"},
        {"microbatches", "abc", "microbatches", "must be a whole number (got 'abc')"},
        {"datacenters.1.stages", "0", "datacenters.1.stages", "between 1 and"},
        {"stages", "2", "stages", "between 3 (one per datacenter)"},
        {"datacenters.7.stages", "1", "datacenters.7", "index out of range (0..2)"},
        {"stages.x", "1", "stages.x", "unknown field"},
        {"microbatches", "0", "microbatches", "between 1 and 16384"},
        {"compute.per_stage.x.forward_ms", "1", "compute.per_stage.x", "expected an index"},
        {"bogus.deep.path", "1", "bogus", "unknown field"},
        {"datacenters", "4+x", "datacenters", "4+4"},
        {"datacenters", "9", "datacenters", "9 datacenters need at least 9 stages"},
        {"datacenters", "0", "datacenters", "datacenter count"},
        {"memory.limit", "-1", "memory.limit", "> 0"},
        {"", "1", "", "empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *before = ps_scenario_to_json(&sc);
        enum ps_status st = ps_scenario_set_path(&sc, bad[i].path, bad[i].value, &d);
        if (st == PS_OK)
            fail_msg("set %s=%s: accepted", bad[i].path, bad[i].value);
        if (strcmp(d.path, bad[i].want_path) != 0 || strstr(d.msg, bad[i].msg) == NULL)
            fail_msg("set %s=%s: got '%s: %s', want '%s: ...%s...'", bad[i].path, bad[i].value,
                     d.path, d.msg, bad[i].want_path, bad[i].msg);
        char *after = ps_scenario_to_json(&sc);
        assert_string_equal(before, after);
        free(before);
        free(after);
    }
    ps_scenario_fini(&sc);
}

/* A pair that sets one field follows inter_dc for the other, through --set, files and
 * round trips (the file keeps only the fields the pair sets). */
static void test_partial_pair(void **state)
{
    (void)state;
    struct ps_scenario sc, back;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("default", &sc, &d), PS_OK);
    set_ok(&sc, "network.pairs", "[{\"from\": \"east\", \"to\": \"west\", \"latency_ms\": 9}]");
    set_ok(&sc, "network.inter_dc.bandwidth_gbps", "10");
    set_ok(&sc, "network.inter_dc.latency_ms", "3");
    struct ps_link l = ps_scenario_dc_link(&sc, 0, 1);
    assert_true(l.latency_ms == 9 && l.bandwidth_gbps == 10);
    l = ps_scenario_dc_link(&sc, 1, 0);
    assert_true(l.latency_ms == 3 && l.bandwidth_gbps == 10);
    l = ps_scenario_link(&sc, 3, 4);
    assert_true(l.latency_ms == 9 && l.bandwidth_gbps == 10);
    char *text = ps_scenario_to_json(&sc);
    assert_non_null(strstr(text, "{ \"from\": \"east\", \"to\": \"west\", \"latency_ms\": 9 }"));
    assert_int_equal(ps_scenario_parse(text, strlen(text), &back, &d), PS_OK);
    free(text);
    set_ok(&back, "network.inter_dc.bandwidth_gbps", "1");
    l = ps_scenario_dc_link(&back, 0, 1);
    assert_true(l.latency_ms == 9 && l.bandwidth_gbps == 1);
    /* setting the other field of the pair makes it its own */
    set_ok(&back, "network.pairs.0.bandwidth_gbps", "50");
    set_ok(&back, "network.inter_dc.bandwidth_gbps", "2");
    l = ps_scenario_dc_link(&back, 0, 1);
    assert_true(l.latency_ms == 9 && l.bandwidth_gbps == 50);
    ps_scenario_fini(&back);
    /* the core helper used by the explorer */
    assert_int_equal(ps_scenario_set_pair(&sc, 1, 0, false, 7), PS_OK);
    assert_int_equal(sc.n_pairs, 2);
    set_ok(&sc, "network.inter_dc.latency_ms", "4");
    l = ps_scenario_dc_link(&sc, 1, 0);
    assert_true(l.latency_ms == 4 && l.bandwidth_gbps == 7);
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_OK);
    ps_scenario_fini(&sc);
}

/* ---- sources ------------------------------------------------------------------------------ */

static void format_diag(const struct ps_diag *d, char *buf, size_t size)
{
    ps_diag_format(d, NULL, buf, size);
}

static void test_resolve(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    char msg[600];

    struct ps_scenario_source src = {0};
    assert_int_equal(ps_scenario_resolve(&src, &sc, &d), PS_OK);
    assert_string_equal(sc.name, PS_DEFAULT_PRESET);
    ps_scenario_fini(&sc);

    const char *sets[] = {"microbatches=4", "network.inter_dc.latency_ms=5"};
    src.preset = "teaching";
    src.sets = sets;
    src.n_sets = 2;
    assert_int_equal(ps_scenario_resolve(&src, &sc, &d), PS_OK);
    assert_int_equal(sc.n_microbatches, 4);
    assert_true(sc.inter_dc.latency_ms == 5);
    ps_scenario_fini(&sc);

    /* An edit that does more than its field reaches the caller as a note. */
    const char *scaled[] = {"compute.per_stage.0.forward_ms=2", "compute.forward_ms=2"};
    char got_note[300] = "";
    src.sets = scaled;
    src.on_note = take_note;
    src.note_user = got_note;
    assert_int_equal(ps_scenario_resolve(&src, &sc, &d), PS_OK);
    assert_string_equal(got_note, "compute.forward_ms=2: per-stage times override "
                                  "compute.forward_ms: the 4 per-stage forward times were scaled "
                                  "by 2");
    ps_scenario_fini(&sc);
    src.on_note = NULL;

    const char *bad_sets[] = {"microbatches=4", "compute.forward_ms=abc"};
    src.sets = bad_sets;
    assert_int_equal(ps_scenario_resolve(&src, &sc, &d), PS_EINVAL);
    format_diag(&d, msg, sizeof msg);
    assert_string_equal(msg, "--set compute.forward_ms=abc: compute.forward_ms: must be a number "
                             "(got 'abc')");
    assert_int_equal(sc.n_stages, 0);

    const char *no_eq[] = {"microbatches"};
    src.sets = no_eq;
    src.n_sets = 1;
    assert_int_equal(ps_scenario_resolve(&src, &sc, &d), PS_EINVAL);
    format_diag(&d, msg, sizeof msg);
    assert_string_equal(msg, "--set microbatches: expected PATH=VALUE");

    /* a file: its name comes first, with line and column for broken JSON */
    char path[] = "/tmp/ps_presets_json_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *broken = "{\n  \"format\": \"pipescope-scenario/1\",\n  \"stages\": x\n}\n";
    assert_int_equal(write(fd, broken, strlen(broken)), (ssize_t)strlen(broken));
    close(fd);
    struct ps_scenario_source fsrc = {0};
    fsrc.scenario_file = path;
    assert_int_equal(ps_scenario_resolve(&fsrc, &sc, &d), PS_EPARSE);
    format_diag(&d, msg, sizeof msg);
    char want[600];
    snprintf(want, sizeof want, "%s:3:13: invalid JSON near 'x'", path);
    assert_string_equal(msg, want);

    FILE *f = fopen(path, "w");
    fputs("{ \"format\": \"pipescope-scenario/1\", \"stages\": 4, \"microbatches\": 8, " DCS
          "\"compute\": {\"forward_ms\": 1, \"backward_ms\": 2, \"weight_ms\": 1}, "
          "\"activation_mb\": -1 }",
          f);
    fclose(f);
    assert_int_equal(ps_scenario_resolve(&fsrc, &sc, &d), PS_EINVAL);
    format_diag(&d, msg, sizeof msg);
    snprintf(want, sizeof want, "%s: activation_mb: must be >= 0 (got -1)", path);
    assert_string_equal(msg, want);
    unlink(path);

    assert_int_equal(ps_scenario_resolve(&fsrc, &sc, &d), PS_EIO);
    format_diag(&d, msg, sizeof msg);
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "cannot open"));

    struct ps_scenario_source nsrc = {0};
    nsrc.preset = "nope";
    assert_int_equal(ps_scenario_resolve(&nsrc, &sc, &d), PS_ENOTFOUND);
    format_diag(&d, msg, sizeof msg);
    assert_non_null(strstr(msg, "default"));
    assert_non_null(strstr(msg, "teaching"));

    /* the model calculator, then --set edits on its result */
    struct ps_scenario_source msrc = {0};
    const char *msets[] = {"microbatches=4"};
    msrc.model = "llama3-70b";
    msrc.cluster = "dcs=2,pp=8";
    msrc.sets = msets;
    msrc.n_sets = 1;
    if (ps_scenario_resolve(&msrc, &sc, &d) != PS_OK)
        fail_msg("model: %s: %s", d.path, d.msg);
    assert_int_equal(sc.n_stages, 8);
    assert_int_equal(sc.n_dcs, 2);
    assert_int_equal(sc.n_microbatches, 4);
    ps_scenario_fini(&sc);
    msrc.model = "no-such-model";
    assert_int_equal(ps_scenario_resolve(&msrc, &sc, &d), PS_ENOTFOUND);
    assert_string_equal(d.path, "model");
    assert_int_equal(sc.n_stages, 0);
    msrc.model = NULL;
    assert_int_equal(ps_scenario_resolve(&msrc, &sc, &d), PS_EINVAL);

    struct ps_scenario_source two = {0};
    two.preset = "default";
    two.scenario_file = "x.json";
    assert_int_equal(ps_scenario_resolve(&two, &sc, &d), PS_EINVAL);
    assert_int_equal(sc.n_stages, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rich_values),          cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_writer_shape),         cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_broken_json_position), cmocka_unit_test(test_set_path),
        cmocka_unit_test(test_partial_pair),         cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
