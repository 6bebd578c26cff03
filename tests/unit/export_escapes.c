/* Names from files never reach a terminal raw: the text summary and Gantt chart of `solve`,
 * the comparison table and the comparison CSV show a scenario, datacenter, schedule or
 * sweep value holding ESC, BEL or a C1 control with \xHH escapes. JSON keeps the name
 * exactly (its own \u escapes are inert). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sim.h"
#include "export/export.h"
#include "solvers/solver.h"

#define EVIL "evil\x1b]0;pwned\x07\xc2\x9b"

static void assert_no_controls(const char *text, const char *what)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p == 0x1b || *p == 0x07 || (p[0] == 0xc2 && p[1] == 0x9b))
            fail_msg("%s: a raw control character at byte %td", what, (const char *)p - text);
}

static void test_summary_and_tables(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 2, 2, 4, 1, 1, 1), PS_OK);
    snprintf(sc.name, sizeof sc.name, "%s", EVIL);
    snprintf(sc.dcs[0].name, sizeof sc.dcs[0].name, "\x1b[31mred");
    struct ps_schedule *s = NULL;
    struct ps_diag d;
    struct ps_params p = {0};
    assert_int_equal(ps_solver_run(ps_solver_find("1f1b"), &sc, &p, NULL, &s, &d), PS_OK);

    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_text(s, 100, &b), PS_OK);
    assert_no_controls(b.data, "solve text");
    assert_non_null(strstr(b.data, "evil\\x1b]0;pwned\\x07\\xc2\\x9b"));
    assert_non_null(strstr(b.data, "\\x1b[31mred"));
    ps_buf_fini(&b);

    /* an infeasible schedule read from a file shows the file's reason */
    snprintf(s->solver.error, sizeof s->solver.error, "bad \x1b[2J reason");
    s->solver.status = PS_SOLVE_INFEASIBLE;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_text(s, 100, &b), PS_OK);
    assert_no_controls(b.data, "infeasible text");
    ps_buf_fini(&b);
    s->solver.status = PS_SOLVE_HEURISTIC;

    struct ps_compare_row rows[2];
    ps_compare_row_from(&rows[0], s);
    ps_compare_row_from(&rows[1], s);
    snprintf(rows[1].scenario, sizeof rows[1].scenario, "other\x1b[0m");
    rows[0].n_extra = rows[1].n_extra = 1;
    snprintf(rows[0].extra[0].key, sizeof rows[0].extra[0].key, "name");
    snprintf(rows[0].extra[0].value, sizeof rows[0].extra[0].value, "v\x07");
    rows[1].extra[0] = rows[0].extra[0];
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_table(rows, 2, &b), PS_OK);
    assert_no_controls(b.data, "compare table");
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_csv(rows, 2, &b), PS_OK);
    assert_no_controls(b.data, "compare CSV");
    assert_non_null(strstr(b.data, "evil\\x1b]0;pwned\\x07\\xc2\\x9b,1f1b,"));
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_compare_json(rows, 2, &b), PS_OK);
    assert_no_controls(b.data, "compare JSON");
    assert_non_null(strstr(b.data, "\"evil\\u001b]0;pwned\\u0007\\u009b\""));
    ps_buf_fini(&b);

    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_and_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
