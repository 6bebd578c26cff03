/* The table of scenario fields (core/field.h): every row resolves by its own path, reads,
 * formats and steps; text with units; refusals that leave the scenario as it was; the one
 * resize rule; and the edits that do more than their field (per-stage times, pairs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/field.h"

static void make(struct ps_scenario *sc)
{
    assert_int_equal(ps_scenario_make_uniform(sc, 2, 2, 8, 10, 10, 5), PS_OK);
    snprintf(sc->dcs[0].name, sizeof sc->dcs[0].name, "east");
    snprintf(sc->dcs[1].name, sizeof sc->dcs[1].name, "west");
    sc->activation_mb = 10;
    sc->inter_dc.latency_ms = 2;
    sc->inter_dc.bandwidth_gbps = 40;
}

static void set_ok(struct ps_scenario *sc, const char *path, const char *text, char *note)
{
    struct ps_diag d;
    char buf[256];
    if (ps_field_set_path(sc, path, text, note ? note : buf, 256, &d) != PS_OK)
        fail_msg("%s=%s: %s: %s", path, text, d.path, d.msg);
}

static struct ps_field_ref ref(const struct ps_scenario *sc, const char *path)
{
    struct ps_field_ref r;
    struct ps_diag d;
    if (ps_field_resolve(sc, path, &r, &d) != PS_OK)
        fail_msg("resolve %s: %s: %s", path, d.path, d.msg);
    return r;
}

/* Every row: each of its items resolves back from its own path, reads and formats. */
static void test_rows(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make(&sc);
    assert_int_equal(ps_scenario_set_pair(&sc, 0, 1, true, 7), PS_OK);
    for (size_t i = 0; i < ps_field_count(); i++) {
        const struct ps_field_def *f = ps_field_at(i);
        assert_non_null(f->label);
        assert_non_null(f->section);
        int n = ps_field_items(f, &sc);
        assert_true(n >= 1);
        for (int k = 0; k < n; k++) {
            struct ps_field_ref r = ps_field_item(f, &sc, k);
            char path[96], text[96], label[96];
            ps_field_path(&sc, &r, path, sizeof path);
            ps_field_format(&sc, &r, text, sizeof text);
            ps_field_label(&sc, &r, label, sizeof label);
            assert_true(text[0] != '\0' || f->type == PS_FIELD_TEXT);
            if (f->flags & PS_FIELD_VIEW)
                continue;
            if (f->scope == PS_SCOPE_PAIR && ps_scenario_find_pair(&sc, r.index, r.index2) < 0)
                continue; /* named by the index it would get */
            struct ps_field_ref back = ref(&sc, path);
            assert_ptr_equal(back.def, f);
            assert_int_equal(back.index, r.index);
            assert_int_equal(back.index2, r.index2);
        }
    }
    ps_scenario_fini(&sc);
}

/* + then - on every number comes back near where it started, and each step changes it. */
static void test_steps(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make(&sc);
    for (size_t i = 0; i < ps_field_count(); i++) {
        const struct ps_field_def *f = ps_field_at(i);
        if (f->type != PS_FIELD_NUMBER || f->scope == PS_SCOPE_PAIR)
            continue;
        struct ps_field_ref r = ps_field_item(f, &sc, 0);
        char note[256];
        struct ps_diag d;
        double before = ps_field_get(&sc, &r, NULL);
        if (ps_field_step(&sc, &r, +1, note, sizeof note, &d) != PS_OK)
            fail_msg("%s +: %s: %s", f->path, d.path, d.msg);
        double up = ps_field_get(&sc, &r, NULL);
        if (!(up > before || (f->unit == PS_UNIT_GBPS && up == 0) ||
              (f->unit == PS_UNIT_SHARE && before == 1)))
            fail_msg("%s: + went from %g to %g", f->path, before, up);
        if (ps_field_step(&sc, &r, -1, note, sizeof note, &d) != PS_OK)
            fail_msg("%s -: %s: %s", f->path, d.path, d.msg);
        double down = ps_field_get(&sc, &r, NULL);
        if (!(down < up || (f->unit == PS_UNIT_GBPS && up == 0)))
            fail_msg("%s: - went from %g to %g", f->path, up, down);
    }
    ps_scenario_fini(&sc);
}

static void test_units(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make(&sc);
    set_ok(&sc, "network.inter_dc.latency_ms", "20ms", NULL);
    assert_true(sc.inter_dc.latency_ms == 20);
    set_ok(&sc, "network.inter_dc.latency_ms", "0.5 s", NULL);
    assert_true(sc.inter_dc.latency_ms == 500);
    set_ok(&sc, "network.inter_dc.latency_ms", "250us", NULL);
    assert_true(fabs(sc.inter_dc.latency_ms - 0.25) < 1e-12);
    set_ok(&sc, "network.inter_dc.latency_ms", "2x", NULL); /* times T_F = 10 ms */
    assert_true(sc.inter_dc.latency_ms == 20);
    set_ok(&sc, "network.inter_dc.bandwidth_gbps", "1.25 GB/s", NULL);
    assert_true(sc.inter_dc.bandwidth_gbps == 10);
    set_ok(&sc, "network.inter_dc.bandwidth_gbps", "500Mbps", NULL);
    assert_true(fabs(sc.inter_dc.bandwidth_gbps - 0.5) < 1e-12);
    set_ok(&sc, "network.inter_dc.bandwidth_gbps", "unlimited", NULL);
    assert_true(sc.inter_dc.bandwidth_gbps == 0);
    set_ok(&sc, "activation_mb", "1GB", NULL);
    assert_true(sc.activation_mb == 1000);
    set_ok(&sc, "memory.limit", "1.5x", NULL); /* times the 1F1B budget S = 4 */
    assert_true(sc.has_memory_limit && sc.memory_limit == 6);
    set_ok(&sc, "memory.limit", "none", NULL);
    assert_false(sc.has_memory_limit);
    set_ok(&sc, "memory.weight_share", "25%", NULL);
    assert_true(sc.weight_share == 0.25);
    set_ok(&sc, "datacenters.1.name", "\"far\"", NULL);
    assert_string_equal(sc.dcs[1].name, "far");
    ps_scenario_fini(&sc);
}

/* Refusals name the path, quote what was typed, and change nothing. */
static void test_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *path, *text, *want_path, *msg;
    } bad[] = {
        {"network.inter_dc.latency_ms", "-5", "network.inter_dc.latency_ms",
         "must be >= 0 (got '-5')"},
        {"network.inter_dc.latency_ms", "5 furlongs", "network.inter_dc.latency_ms",
         "unknown unit 'furlongs' (use ms, s, us, x)"},
        {"network.inter_dc.latency_ms", "007", "network.inter_dc.latency_ms", "must be a number"},
        {"network.inter_dc.latency_ms", "1e999", "network.inter_dc.latency_ms", "out of range"},
        {"compute.forward_ms", "0", "compute.forward_ms", "must be > 0"},
        {"microbatches", "2.5", "microbatches", "whole number"},
        {"network.inter_dc.latncy_ms", "3", "network.inter_dc.latncy_ms",
         "unknown field (known: latency_ms, bandwidth_gbps)"},
        {"network", "3", "network", "is a group of fields"},
        {"datacenters..name", "x", "datacenters..name", "empty segment"},
        {"datacenters.1.name", "east", "datacenters.1.name", "must be unique"},
        {"compute.per_stage", "3", "compute.per_stage", "only none (null) removes it"},
        {"memory.weight_share", "1.5", "memory.weight_share", "must be <= 1"},
    };
    struct ps_scenario sc;
    make(&sc);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ps_scenario keep;
        assert_int_equal(ps_scenario_copy(&keep, &sc), PS_OK);
        struct ps_diag d;
        char note[256];
        if (ps_field_set_path(&sc, bad[i].path, bad[i].text, note, sizeof note, &d) == PS_OK)
            fail_msg("%s=%s accepted", bad[i].path, bad[i].text);
        if (strcmp(d.path, bad[i].want_path) != 0 || strstr(d.msg, bad[i].msg) == NULL)
            fail_msg("%s=%s: got '%s: %s', want '%s: ...%s...'", bad[i].path, bad[i].text, d.path,
                     d.msg, bad[i].want_path, bad[i].msg);
        assert_int_equal(sc.n_stages, keep.n_stages);
        assert_true(sc.inter_dc.latency_ms == keep.inter_dc.latency_ms);
        assert_string_equal(sc.dcs[1].name, keep.dcs[1].name);
        ps_scenario_fini(&keep);
    }
    ps_scenario_fini(&sc);
}

/* A CHOICE field (network.arrangement): its words in any case, a JSON string, an index, a
 * refusal that lists the words and changes nothing, and +/- going round the words. */
static void test_choice(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make(&sc);
    struct ps_field_ref r = ref(&sc, "network.arrangement");
    assert_int_equal(r.def->type, PS_FIELD_CHOICE);
    char text[64], note[256];
    struct ps_diag d;
    ps_field_format(&sc, &r, text, sizeof text);
    assert_string_equal(text, "decoupled");
    assert_true(ps_field_get(&sc, &r, NULL) == 0);
    set_ok(&sc, "network.arrangement", "rendezvous", NULL);
    assert_int_equal(sc.arrangement, PS_ARRANGE_RENDEZVOUS);
    set_ok(&sc, "network.arrangement", "BLOCKING", NULL);
    assert_int_equal(sc.arrangement, PS_ARRANGE_BLOCKING);
    set_ok(&sc, "network.arrangement", "\"decoupled\"", NULL);
    assert_int_equal(sc.arrangement, PS_ARRANGE_DECOUPLED);
    assert_int_equal(ps_field_set(&sc, &r, 2, note, sizeof note, &d), PS_OK);
    assert_int_equal(sc.arrangement, PS_ARRANGE_BLOCKING);
    assert_int_equal(ps_field_set(&sc, &r, 3, note, sizeof note, &d), PS_EINVAL);
    assert_int_equal(ps_field_set_path(&sc, "network.arrangement", "eager", note, sizeof note, &d),
                     PS_EINVAL);
    assert_string_equal(d.path, "network.arrangement");
    assert_non_null(strstr(d.msg, "must be one of decoupled, rendezvous, blocking (got 'eager')"));
    assert_int_equal(sc.arrangement, PS_ARRANGE_BLOCKING); /* unchanged */
    assert_int_equal(ps_field_step(&sc, &r, +1, note, sizeof note, &d), PS_OK);
    assert_int_equal(sc.arrangement, PS_ARRANGE_DECOUPLED); /* round */
    assert_int_equal(ps_field_step(&sc, &r, -1, note, sizeof note, &d), PS_OK);
    assert_int_equal(sc.arrangement, PS_ARRANGE_BLOCKING);
    assert_int_equal(ps_field_step(&sc, &r, -1, note, sizeof note, &d), PS_OK);
    ps_field_format(&sc, &r, text, sizeof text);
    assert_string_equal(text, "rendezvous");
    sc.arrangement = (enum ps_arrangement)7; /* the validator has the last word */
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_EINVAL);
    assert_string_equal(d.path, "network.arrangement");
    ps_scenario_fini(&sc);
}

/* One meaning everywhere: datacenters=N keeps S and spreads it; stages=N spreads N over
 * the datacenters; a DC's stages make the total. */
static void test_resize_rule(void **state)
{
    (void)state;
    struct ps_scenario sc;
    char note[256];
    make(&sc); /* east 2 + west 2 */
    set_ok(&sc, "compute.per_stage.1.forward_ms", "11", NULL);
    set_ok(&sc, "compute.per_stage.3.forward_ms", "13", NULL);
    set_ok(&sc, "stages", "6", note); /* 3+3: each DC copies its last stage */
    assert_int_equal(sc.dcs[0].stages, 3);
    assert_int_equal(sc.dcs[1].stages, 3);
    assert_non_null(strstr(note, "3+3"));
    assert_true(sc.per_stage[1].forward_ms == 11 && sc.per_stage[2].forward_ms == 11);
    assert_true(sc.per_stage[3].forward_ms == 10 && sc.per_stage[4].forward_ms == 13 &&
                sc.per_stage[5].forward_ms == 13);
    set_ok(&sc, "datacenters", "3", note); /* S stays 6: 2+2+2, stages keep their times */
    assert_int_equal(sc.n_dcs, 3);
    assert_int_equal(sc.n_stages, 6);
    assert_true(sc.per_stage[2].forward_ms == 11 && sc.per_stage[5].forward_ms == 13);
    assert_string_equal(sc.dcs[2].name, "dc2");
    set_ok(&sc, "datacenters.2.stages", "4", NULL); /* S = 8, the new stages copy 13 */
    assert_int_equal(sc.n_stages, 8);
    assert_true(sc.per_stage[7].forward_ms == 13);
    set_ok(&sc, "datacenters", "2+1", NULL);
    assert_int_equal(sc.n_stages, 3);
    assert_int_equal(sc.n_dcs, 2);
    set_ok(&sc, "per_microbatch.7.compute_scale", "2", NULL);
    set_ok(&sc, "microbatches", "10", NULL);
    assert_true(sc.per_microbatch[7].compute_scale == 2 && sc.per_microbatch[9].compute_scale == 1);
    ps_scenario_fini(&sc);
}

/* Never a silent no-op: a global time under per-stage times scales them; inter_dc under
 * pairs that set their own value says so. */
static void test_overrides(void **state)
{
    (void)state;
    struct ps_scenario sc;
    char note[256];
    make(&sc);
    set_ok(&sc, "compute.per_stage.0.forward_ms", "20", NULL);
    set_ok(&sc, "compute.forward_ms", "15", note);
    assert_true(sc.per_stage[0].forward_ms == 30 && sc.per_stage[1].forward_ms == 15);
    assert_non_null(strstr(note, "scaled by 1.5"));
    set_ok(&sc, "compute.weight_ms", "0", note);
    set_ok(&sc, "compute.weight_ms", "4", note);
    assert_true(sc.per_stage[3].weight_ms == 4);
    assert_non_null(strstr(note, "set"));
    set_ok(&sc, "network.pairs", "null", NULL);
    assert_int_equal(ps_scenario_set_pair(&sc, 0, 1, true, 7), PS_OK);
    set_ok(&sc, "network.inter_dc.latency_ms", "3", note);
    assert_non_null(strstr(note, "1 DC pair sets its own latency"));
    assert_true(ps_scenario_dc_link(&sc, 0, 1).latency_ms == 7);
    assert_true(ps_scenario_dc_link(&sc, 1, 0).latency_ms == 3);
    set_ok(&sc, "network.inter_dc.bandwidth_gbps", "3", note);
    assert_string_equal(note, "");
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),        cmocka_unit_test(test_steps),
        cmocka_unit_test(test_units),       cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_resize_rule), cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
