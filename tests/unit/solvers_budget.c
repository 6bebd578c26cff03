/* Budgets before work in the optimal solver: the time limit and a cancel hold while the
 * model is built, not only once GLPK runs. On a scenario whose model takes seconds to build
 * and would then be refused as too large (S = 8, M = 250: 130k order variables), a tiny
 * time limit or a cancel gives the greedy's schedule at once, marked feasible or cancelled
 * (before, the solver built the whole graph and then refused the job). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "presets/presets.h"
#include "solvers/solver.h"

static void run(const char *time_limit, atomic_int *cancel, enum ps_solve_status want,
                const char *why)
{
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("default", &sc, &d), PS_OK);
    assert_int_equal(ps_scenario_set_path(&sc, "microbatches", "250", &d), PS_OK);
    struct ps_params p = {0};
    assert_int_equal(ps_params_set(&p, "time_limit", time_limit), PS_OK);
    struct ps_solve_ctx ctx = {.cancel = cancel};
    struct ps_schedule *s = NULL;
    enum ps_status st = ps_solver_run(ps_solver_find("optimal"), &sc, &p, &ctx, &s, &d);
    if (st != PS_OK)
        fail_msg("refused: %s %s", d.path, d.msg);
    assert_int_equal(s->solver.status, want);
    assert_true(s->timed);
    assert_string_equal(s->name, "optimal");
    assert_non_null(strstr(s->solver.error, why));
    assert_non_null(strstr(s->solver.error, "the starting schedule"));
    assert_true(s->makespan_ns >= s->lower_bound_ns);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_time_limit_while_building(void **state)
{
    (void)state;
    run("0.001", NULL, PS_SOLVE_FEASIBLE, "the time limit ran out while the model was");
}

static void test_cancel_while_building(void **state)
{
    (void)state;
    atomic_int cancel;
    atomic_init(&cancel, 1);
    run("100", &cancel, PS_SOLVE_CANCELLED, "cancelled while the model was being built");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_limit_while_building),
        cmocka_unit_test(test_cancel_while_building),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
