/* The built-in presets: every one loads, validates, round-trips through JSON unchanged and
 * solves with every schedule of the registry (slow solvers skipped) into a schedule the
 * checker accepts; the calculated ones equal a rerun of the recipe in their description,
 * and their names tell their delay ratios truly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "presets/presets.h"
#include "solvers/solver.h"

static void fail_diag(const char *what, const struct ps_diag *d)
{
    char buf[600];
    print_error("%s: %s\n", what, ps_diag_format(d, NULL, buf, sizeof buf));
    fail();
}

static void load(const char *name, struct ps_scenario *sc)
{
    struct ps_diag d;
    if (ps_preset_load(name, sc, &d) != PS_OK)
        fail_diag(name, &d);
}

static void test_list(void **state)
{
    (void)state;
    assert_true(ps_preset_count() >= 20);
    assert_string_equal(ps_preset_at(0)->name, PS_DEFAULT_PRESET);
    assert_null(ps_preset_at(ps_preset_count()));
    for (size_t i = 0; i < ps_preset_count(); i++) {
        const struct ps_preset *p = ps_preset_at(i);
        assert_ptr_equal(ps_preset_find(p->name), p);
        assert_true(strlen(p->summary) > 20);
        /* One line in `pipescope presets`. */
        assert_null(strchr(p->summary, '\n'));
        assert_true(strlen(p->summary) <= 100);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(ps_preset_at(j)->name, p->name);
    }
    char names[2048];
    ps_preset_list_names(names, sizeof names);
    assert_non_null(strstr(names, "default, teaching, crosspipe-fig8"));
    assert_non_null(strstr(names, "geopipe-llama2-72b"));

    struct ps_scenario sc;
    struct ps_diag d;
    setenv("PIPESCOPE_PRESETS", "/nonexistent/pipescope-test", 1);
    assert_int_equal(ps_preset_load("no-such-preset", &sc, &d), PS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "teaching"));
    unsetenv("PIPESCOPE_PRESETS");
}

/* Loads, validates, names itself, and to_json -> parse -> to_json is the identity. */
static void test_load_validate_roundtrip(void **state)
{
    (void)state;
    for (size_t i = 0; i < ps_preset_count(); i++) {
        const struct ps_preset *p = ps_preset_at(i);
        struct ps_scenario sc, back;
        struct ps_diag d;
        load(p->name, &sc);
        if (ps_scenario_validate(&sc, &d) != PS_OK)
            fail_diag(p->name, &d);
        assert_string_equal(sc.name, p->name);
        assert_non_null(sc.description);
        assert_true(strlen(sc.description) > 80);

        char *a = ps_scenario_to_json(&sc);
        assert_non_null(a);
        if (ps_scenario_parse(a, strlen(a), &back, &d) != PS_OK)
            fail_diag(p->name, &d);
        char *b = ps_scenario_to_json(&back);
        assert_non_null(b);
        if (strcmp(a, b) != 0) {
            print_error("%s does not round-trip:\n%s\n---\n%s\n", p->name, a, b);
            fail();
        }
        free(a);
        free(b);
        ps_scenario_fini(&back);
        ps_scenario_fini(&sc);
    }
}

/* The recipe "--model M --cluster C" that ends a calculated preset's description. */
static bool recipe(const char *desc, char *model, size_t msize, char *cluster, size_t csize)
{
    const char *r = strstr(desc, "Recipe: --model ");
    if (r == NULL)
        return false;
    r += strlen("Recipe: --model ");
    const char *sp = strstr(r, " --cluster ");
    assert_non_null(sp);
    snprintf(model, msize, "%.*s", (int)(sp - r), r);
    snprintf(cluster, csize, "%s", sp + strlen(" --cluster "));
    return true;
}

static void assert_near(const char *what, double got, double want)
{
    if (fabs(got - want) > 1e-9 * fmax(1.0, fabs(want))) {
        print_error("%s: got %.17g, want %.17g\n", what, got, want);
        fail();
    }
}

/* Calculated presets are what the calculator gives for their recipe (so no number in them
 * is typed by hand); at least the paper settings of issue 7 are calculated. */
static void test_calculated_presets_match_recipe(void **state)
{
    (void)state;
    int n_calc = 0;
    for (size_t i = 0; i < ps_preset_count(); i++) {
        const struct ps_preset *p = ps_preset_at(i);
        struct ps_scenario sc, calc;
        struct ps_diag d;
        char model[64], cluster[512];
        load(p->name, &sc);
        if (!recipe(sc.description, model, sizeof model, cluster, sizeof cluster)) {
            ps_scenario_fini(&sc);
            continue;
        }
        n_calc++;
        if (ps_scenario_from_model(model, cluster, &calc, &d) != PS_OK)
            fail_diag(p->name, &d);
        assert_int_equal(sc.n_stages, calc.n_stages);
        assert_int_equal(sc.n_microbatches, calc.n_microbatches);
        assert_int_equal(sc.n_dcs, calc.n_dcs);
        for (int k = 0; k < sc.n_dcs; k++) {
            assert_int_equal(sc.dcs[k].stages, calc.dcs[k].stages);
            assert_string_equal(sc.dcs[k].name, calc.dcs[k].name);
        }
        for (int s = 0; s < sc.n_stages; s++) {
            struct ps_compute a = ps_scenario_stage_compute(&sc, s);
            struct ps_compute b = ps_scenario_stage_compute(&calc, s);
            assert_near("forward_ms", a.forward_ms, b.forward_ms);
            assert_near("backward_ms", a.backward_ms, b.backward_ms);
            assert_near("weight_ms", a.weight_ms, b.weight_ms);
        }
        assert_true((sc.per_stage == NULL) == (calc.per_stage == NULL));
        assert_near("activation_mb", sc.activation_mb, calc.activation_mb);
        assert_near("inter latency", sc.inter_dc.latency_ms, calc.inter_dc.latency_ms);
        assert_near("inter bandwidth", sc.inter_dc.bandwidth_gbps, calc.inter_dc.bandwidth_gbps);
        assert_near("intra latency", sc.intra_dc.latency_ms, calc.intra_dc.latency_ms);
        assert_near("intra bandwidth", sc.intra_dc.bandwidth_gbps, calc.intra_dc.bandwidth_gbps);
        assert_int_equal(sc.has_memory_limit, calc.has_memory_limit);
        if (sc.has_memory_limit)
            assert_near("memory.limit", sc.memory_limit, calc.memory_limit);
        assert_near("weight_share", sc.weight_share, calc.weight_share);
        ps_scenario_fini(&calc);
        ps_scenario_fini(&sc);
    }
    /* 3 M8 + 7 M70 2-DC + 5 M70 4-DC + Llama 3 405B + GeoPipe */
    assert_int_equal(n_calc, 17);
}

/* "m70-2dc-lat0.25-bw2": latency = 0.25 T_F and transmission = 2 T_F. */
static void test_names_tell_delay_ratios(void **state)
{
    (void)state;
    int n = 0;
    for (size_t i = 0; i < ps_preset_count(); i++) {
        const char *name = ps_preset_at(i)->name;
        const char *lat = strstr(name, "-lat");
        if (lat == NULL)
            continue;
        double rl, rb;
        assert_int_equal(sscanf(lat, "-lat%lf-bw%lf", &rl, &rb), 2);
        struct ps_scenario sc;
        load(name, &sc);
        double tf = ps_scenario_max_forward_ms(&sc);
        assert_near("latency ratio", sc.inter_dc.latency_ms / tf, rl);
        double tx = sc.inter_dc.bandwidth_gbps > 0
                        ? sc.activation_mb * 8.0 / sc.inter_dc.bandwidth_gbps
                        : 0.0;
        /* Bandwidth is rounded to 6 significant digits. */
        assert_true(fabs(tx / tf - rb) < 1e-5);
        /* Case 1 of Tables 5 and 6: memory as 1F1B. */
        assert_true(sc.has_memory_limit);
        assert_near("memory.limit", sc.memory_limit, sc.n_stages);
        ps_scenario_fini(&sc);
        n++;
    }
    assert_int_equal(n, 15);
}

/* The paper's own numbers where it gives them. */
static void test_paper_numbers(void **state)
{
    (void)state;
    struct ps_scenario sc;
    load("llama3-405b-fig9", &sc);
    assert_true(fabs(sc.compute.forward_ms - 109.0) < 0.5); /* "T_F ~ 109 ms" */
    assert_int_equal(sc.n_stages, 16);
    assert_int_equal(sc.n_microbatches, 32);
    assert_near("message", sc.activation_mb, 17179.9); /* 2 x 8192 x 16384 x 64 bytes */
    ps_scenario_fini(&sc);

    load("m70-2dc-lat0-bw2", &sc);
    assert_near("T_F", ps_scenario_max_forward_ms(&sc), 38.0);
    assert_near("message", sc.activation_mb, 67.1089); /* 64 MiB */
    ps_scenario_fini(&sc);

    load("crosspipe-fig15", &sc);
    assert_int_equal(sc.n_stages, 16);
    assert_int_equal(sc.n_microbatches, 32);
    assert_near("latency", sc.inter_dc.latency_ms, 1.5 * ps_scenario_max_forward_ms(&sc));
    ps_scenario_fini(&sc);

    /* GeoPipe: the memory limit comes from 64 GB HBM, more room than 1F1B's 8. */
    load("geopipe-llama2-72b", &sc);
    assert_int_equal(sc.n_dcs, 3);
    assert_true(sc.has_memory_limit);
    assert_true(sc.memory_limit > sc.n_stages && sc.memory_limit < 64);
    assert_non_null(sc.per_stage);
    ps_scenario_fini(&sc);
}

/* Every preset with every schedule (but slow solvers): runs, and the checker accepts it. */
static void test_solve_every_schedule(void **state)
{
    (void)state;
    for (size_t i = 0; i < ps_preset_count(); i++) {
        const struct ps_preset *p = ps_preset_at(i);
        struct ps_scenario sc;
        load(p->name, &sc);
        for (size_t k = 0; k < ps_solver_count(); k++) {
            const struct ps_solver *sv = ps_solver_at(k);
            if (sv->slow)
                continue;
            struct ps_params params = {0};
            struct ps_schedule *s = NULL;
            struct ps_diag d;
            if (ps_solver_run(sv, &sc, &params, NULL, &s, &d) != PS_OK) {
                print_error("%s / %s:\n", p->name, sv->name);
                fail_diag("solve", &d);
            }
            assert_non_null(s);
            if (s->solver.status != PS_SOLVE_INFEASIBLE) {
                int nv = 0;
                if (ps_schedule_validate(s, &d, &nv) != PS_OK) {
                    print_error("%s / %s: %d violations\n", p->name, sv->name, nv);
                    fail_diag("validate", &d);
                }
                /* the bound holds within the memory limit; over it, without its memory part */
                if (s->memory_ok) {
                    assert_true(s->makespan_ns >= s->lower_bound_ns);
                } else {
                    struct ps_bound lb;
                    ps_lower_bound(&sc, &lb);
                    assert_true(s->makespan_ns >= ps_bound_without_memory(&lb));
                }
                assert_true(s->makespan_ns > 0);
            } else {
                /* Only a memory-limited solver may give up, and it must say why. */
                assert_true(sc.has_memory_limit);
                assert_true(s->solver.error[0] != '\0');
            }
            ps_schedule_free(s);
        }
        ps_scenario_fini(&sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_load_validate_roundtrip),
        cmocka_unit_test(test_calculated_presets_match_recipe),
        cmocka_unit_test(test_names_tell_delay_ratios),
        cmocka_unit_test(test_paper_numbers),
        cmocka_unit_test(test_solve_every_schedule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
