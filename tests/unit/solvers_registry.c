/* The solver registry and its parameters: display order, lookup, the list of names for
 * "unknown schedule" messages, parameter checking with field paths, defaults, and what
 * ps_solver_run records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/sim.h"
#include "solvers/solver.h"

static const char *const fixed_names[] = {"gpipe", "1f1b", "interleaved", "zb-h1",
                                          "zb-h2", "zb-v", "1f1b-warmup"};
#define N_FIXED (sizeof fixed_names / sizeof fixed_names[0])

static void test_order_and_find(void **state)
{
    (void)state;
    assert_true(ps_solver_count() >= N_FIXED);
    for (size_t i = 0; i < N_FIXED; i++) {
        const struct ps_solver *sv = ps_solver_at(i);
        assert_non_null(sv);
        assert_string_equal(sv->name, fixed_names[i]);
        assert_ptr_equal(ps_solver_find(fixed_names[i]), sv);
        assert_true(strlen(sv->summary) > 10);
        assert_non_null(sv->generate);
        assert_false(sv->slow);
    }
    /* the searches follow: geopipe, greedy and optimal, in that order. */
    for (size_t i = N_FIXED; i < ps_solver_count(); i++) {
        const char *n = ps_solver_at(i)->name;
        assert_true(strcmp(n, "geopipe") == 0 || strcmp(n, "greedy") == 0 ||
                    strcmp(n, "optimal") == 0);
    }
    assert_null(ps_solver_at(ps_solver_count()));
    assert_null(ps_solver_find("zb-h3"));
    assert_null(ps_solver_find(""));
    assert_null(ps_solver_find(NULL));
    assert_ptr_equal(ps_solver_find("ZB-H1"), &ps_solver_zb_h1);

    assert_int_equal(ps_solver_find("zb-v")->traversals, PS_TRAV_WAVE_BIT);
    assert_true(ps_solver_find("zb-v")->split_backward);
    assert_false(ps_solver_find("1f1b")->split_backward);
    assert_int_equal(ps_solver_find("interleaved")->min_chunks, 2);
}

static void test_list_names(void **state)
{
    (void)state;
    char buf[512];
    ps_solver_list_names(buf, sizeof buf);
    assert_non_null(strstr(buf, "gpipe, 1f1b, interleaved, zb-h1, zb-h2, zb-v, 1f1b-warmup"));
    assert_ptr_equal(strstr(buf, "gpipe"), buf);
    char small[10];
    ps_solver_list_names(small, sizeof small); /* truncates, stays terminated */
    assert_true(strlen(small) < sizeof small);
    assert_int_equal(strncmp(small, "gpipe, 1f", 9), 0);
}

/* Every solver's defaults pass its own check. */
static void test_defaults_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < ps_solver_count(); i++) {
        const struct ps_solver *sv = ps_solver_at(i);
        struct ps_params p = {0};
        for (size_t k = 0; k < sv->n_params; k++) {
            assert_non_null(sv->params[k].def);
            assert_non_null(sv->params[k].help);
            assert_int_equal(ps_params_set(&p, sv->params[k].key, sv->params[k].def), PS_OK);
        }
        struct ps_diag d;
        if (ps_params_check(sv, &p, &d) != PS_OK)
            fail_msg("%s: default of %s rejected: %s", sv->name, d.path, d.msg);
    }
}

static void expect_param_error(const char *solver, const char *kv, const char *path,
                               const char *in_msg)
{
    const struct ps_solver *sv = ps_solver_find(solver);
    struct ps_params p = {0};
    struct ps_diag d;
    assert_int_equal(ps_params_parse_kv(&p, kv, &d), PS_OK);
    assert_int_equal(ps_params_check(sv, &p, &d), PS_EINVAL);
    assert_string_equal(d.path, path);
    if (strstr(d.msg, in_msg) == NULL)
        fail_msg("%s %s: message \"%s\" lacks \"%s\"", solver, kv, d.msg, in_msg);
}

static void test_param_errors(void **state)
{
    (void)state;
    static const struct {
        const char *solver, *kv, *path, *in_msg;
    } cases[] = {
        {"1f1b", "splitbackward=true", "param.splitbackward", "known: split_backward"},
        {"1f1b-warmup", "warmup=2", "param.warmup",
         "known: extra_warmup, slow_links, split_backward"},
        {"gpipe", "chunks=2", "param.chunks", "has none"},
        {"1f1b", "split_backward=maybe", "param.split_backward", "true or false"},
        {"interleaved", "chunks=1", "param.chunks", "within 2..16"},
        {"interleaved", "chunks=17", "param.chunks", "(got 17)"},
        {"interleaved", "chunks=2.5", "param.chunks", "integer"},
        {"interleaved", "chunks=", "param.chunks", "integer"},
        {"1f1b-warmup", "slow_links=some", "param.slow_links", "inter_dc|all"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_param_error(cases[i].solver, cases[i].kv, cases[i].path, cases[i].in_msg);

    const struct ps_solver *sv = ps_solver_find("1f1b");
    struct ps_params p = {0};
    struct ps_diag d;
    assert_int_equal(ps_params_parse_kv(&p, "split_backward", &d), PS_EINVAL);
    assert_string_equal(d.path, "param");
    assert_int_equal(ps_params_parse_kv(&p, "=true", &d), PS_EINVAL);
    assert_int_equal(p.n, 0);
    for (size_t i = 0; i < 4; i++) {
        static const char *const yes[] = {"split_backward=TRUE", "split_backward=1",
                                          "split_backward=yes", "split_backward=on"};
        assert_int_equal(ps_params_parse_kv(&p, yes[i], &d), PS_OK);
        assert_int_equal(p.n, 1); /* replaced, not appended */
        assert_int_equal(ps_params_check(sv, &p, &d), PS_OK);
        assert_true(ps_params_get_bool(sv, &p, "split_backward"));
    }
    assert_int_equal(ps_params_parse_kv(&p, "split_backward=off", &d), PS_OK);
    assert_false(ps_params_get_bool(sv, &p, "split_backward"));
}

static void test_params_get_and_set(void **state)
{
    (void)state;
    const struct ps_solver *il = ps_solver_find("interleaved");
    assert_string_equal(ps_params_get(il, NULL, "chunks"), "2");
    assert_int_equal(ps_params_get_int(il, NULL, "chunks"), 2);
    assert_null(ps_params_get(il, NULL, "nope"));
    struct ps_params p = {0};
    assert_int_equal(ps_params_set(&p, "chunks", "4"), PS_OK);
    assert_int_equal(ps_params_get_int(il, &p, "chunks"), 4);
    assert_int_equal(ps_params_set(&p, "note", "a=b"), PS_OK);
    struct ps_diag d;
    assert_int_equal(ps_params_parse_kv(&p, "note=x=y", &d), PS_OK);
    assert_string_equal(p.kv[1].value, "x=y");
    /* The table is bounded: the 25th distinct key is refused, not dropped silently. */
    struct ps_params full = {0};
    for (int i = 0; i < PS_PARAMS_MAX; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(ps_params_set(&full, key, "1"), PS_OK);
    }
    assert_int_equal(ps_params_set(&full, "one_more", "1"), PS_EINVAL);
    assert_int_equal(ps_params_parse_kv(&full, "one_more=1", &d), PS_EINVAL);
    assert_string_equal(d.path, "param.one_more");
    assert_int_equal(ps_params_set(&full, "", "1"), PS_EINVAL);
}

static void test_run_errors(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 8, 1, 2, 1), PS_OK);
    struct ps_schedule *s = (struct ps_schedule *)&sc; /* must be reset to NULL */
    struct ps_diag d;
    struct ps_params p = {0};

    /* Bad parameter: no schedule, the path names it. */
    assert_int_equal(ps_params_parse_kv(&p, "chunks=0", &d), PS_OK);
    assert_int_equal(ps_solver_run(&ps_solver_interleaved, &sc, &p, NULL, &s, &d), PS_EINVAL);
    assert_null(s);
    assert_string_equal(d.path, "param.chunks");

    /* The 1f1b-warmup list is parsed by the solver, with the same kind of path. */
    static const char *const bad_lists[] = {
        "extra_warmup=1,1,0", "extra_warmup=1,1,0,0,0", "extra_warmup=1,x,0,0",  "extra_warmup=-1",
        "extra_warmup=",      "extra_warmup=1,,0,0",    "extra_warmup=automatic"};
    for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
        struct ps_params q = {0};
        assert_int_equal(ps_params_parse_kv(&q, bad_lists[i], &d), PS_OK);
        ps_diag_clear(&d);
        assert_int_equal(ps_solver_run(&ps_solver_1f1b_warmup, &sc, &q, NULL, &s, &d), PS_EINVAL);
        assert_null(s);
        assert_string_equal(d.path, "param.extra_warmup");
    }

    /* Invalid scenario: refused before any generator runs. */
    sc.compute.forward_ms = -1;
    assert_int_equal(ps_solver_run(&ps_solver_gpipe, &sc, NULL, NULL, &s, &d), PS_EINVAL);
    assert_null(s);
    assert_true(strlen(d.path) > 0);
    ps_scenario_fini(&sc);
}

static const char *param_of(const struct ps_schedule *s, const char *key)
{
    for (int i = 0; i < s->solver.n_params; i++)
        if (strcmp(s->solver.params[i].key, key) == 0)
            return s->solver.params[i].value;
    return NULL;
}

static void test_run_records(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 8, 1, 2, 1), PS_OK);
    sc.inter_dc.latency_ms = 1;
    struct ps_diag d;
    for (size_t i = 0; i < N_FIXED; i++) {
        const struct ps_solver *sv = ps_solver_find(fixed_names[i]);
        struct ps_schedule *a = NULL, *b = NULL;
        assert_int_equal(ps_solver_run(sv, &sc, NULL, NULL, &a, &d), PS_OK);
        assert_int_equal(ps_solver_run(sv, &sc, NULL, NULL, &b, &d), PS_OK);
        assert_string_equal(a->name, sv->name);
        assert_int_equal(a->solver.status, PS_SOLVE_HEURISTIC);
        assert_int_equal(a->solver.objective_ns, a->makespan_ns);
        assert_int_equal(a->solver.bound_ns, -1);
        assert_true(a->solver.gap < 0);
        assert_true(a->solver.solve_ms >= 0);
        assert_int_equal(a->split_backward, sv->split_backward);
        for (size_t k = 0; k < sv->n_params; k++)
            assert_non_null(param_of(a, sv->params[k].key));
        /* Deterministic: same orders, same times. */
        assert_int_equal(a->makespan_ns, b->makespan_ns);
        for (int dev = 0; dev < sc.n_stages; dev++) {
            assert_int_equal(a->dev_n[dev], b->dev_n[dev]);
            for (size_t k = 0; k < a->dev_n[dev]; k++) {
                const struct ps_op *x = &a->dev_ops[dev][k], *y = &b->dev_ops[dev][k];
                assert_int_equal(x->kind, y->kind);
                assert_int_equal(x->chunk, y->chunk);
                assert_int_equal(x->microbatch, y->microbatch);
                assert_int_equal(x->start_ns, y->start_ns);
                assert_int_equal(x->end_ns, y->end_ns);
            }
        }
        ps_schedule_free(a);
        ps_schedule_free(b);
    }
    struct ps_schedule *s;
    assert_int_equal(ps_solver_run(&ps_solver_1f1b, &sc, NULL, NULL, &s, &d), PS_OK);
    assert_string_equal(param_of(s, "split_backward"), "false");
    ps_schedule_free(s);
    assert_int_equal(ps_solver_run(&ps_solver_interleaved, &sc, NULL, NULL, &s, &d), PS_OK);
    assert_string_equal(param_of(s, "chunks"), "2");
    assert_int_equal(s->chunks, 2);
    ps_schedule_free(s);
    /* auto is recorded resolved: one slow link (1 ms each way) -> ceil(2 / 4) = 1. */
    assert_int_equal(ps_solver_run(&ps_solver_1f1b_warmup, &sc, NULL, NULL, &s, &d), PS_OK);
    assert_string_equal(param_of(s, "extra_warmup"), "1,1,0,0");
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_find),     cmocka_unit_test(test_list_names),
        cmocka_unit_test(test_defaults_valid),     cmocka_unit_test(test_param_errors),
        cmocka_unit_test(test_params_get_and_set), cmocka_unit_test(test_run_errors),
        cmocka_unit_test(test_run_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
