/* The scenario options the command line and the explorer share (tui/cli/cli.h): option
 * parsing, conflicts, --set edits and the messages and exit codes of resolve. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/cli/cli.h"

static void test_default_preset(void **state)
{
    (void)state;
    struct ps_cli_scenario o;
    ps_cli_scenario_init(&o);
    struct ps_scenario sc;
    char err[512] = "";
    assert_int_equal(ps_cli_scenario_resolve(&o, &sc, err, sizeof(err)), PS_EXIT_OK);
    assert_string_equal(sc.name, "default");
    assert_int_equal(sc.n_stages, 8);
    assert_int_equal(sc.n_microbatches, 16);
    ps_scenario_fini(&sc);
    ps_cli_scenario_fini(&o);
}

static void test_preset_and_sets_in_order(void **state)
{
    (void)state;
    struct ps_cli_scenario o;
    ps_cli_scenario_init(&o);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_PRESET, "teaching"), 1);
    /* more --set than the initial capacity, the last one wins */
    char sets[20][32];
    for (int i = 0; i < 20; i++) {
        snprintf(sets[i], sizeof(sets[i]), "microbatches=%d", i + 1);
        assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_SET, sets[i]), 1);
    }
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_SET, "network.inter_dc.latency_ms=3"), 1);
    assert_int_equal(ps_cli_scenario_opt(&o, 'o', "x"), 0); /* not a scenario option */
    struct ps_scenario sc;
    char err[512] = "";
    assert_int_equal(ps_cli_scenario_resolve(&o, &sc, err, sizeof(err)), PS_EXIT_OK);
    /* Edited: the name says so, the provenance has the source and the edits (a run of one
     * path keeps its last value). */
    assert_string_equal(sc.name, "teaching (edited)");
    assert_string_equal(sc.origin, "preset teaching");
    assert_string_equal(sc.edits, "microbatches=20\nnetwork.inter_dc.latency_ms=3");
    assert_int_equal(sc.n_microbatches, 20);
    assert_true(sc.inter_dc.latency_ms == 3.0);
    ps_scenario_fini(&sc);
    ps_cli_scenario_fini(&o);
}

static void test_usage_errors(void **state)
{
    (void)state;
    struct ps_cli_scenario o;
    ps_cli_scenario_init(&o);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_PRESET, "teaching"), 1);
    /* two sources, a --set without '=' or without a path */
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_SCENARIO, "x.json"), -1);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_MODEL, "m70"), -1);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_SET, "microbatches"), -1);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_SET, "=3"), -1);
    /* the same source twice is refused (the last one silently winning hid mistakes), and
     * so is an empty file name */
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_PRESET, "default"), -1);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_CLUSTER, "dcs=2,pp=8"), 1);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_CLUSTER, "dcs=2,pp=4"), -1);
    ps_cli_scenario_fini(&o);
    ps_cli_scenario_init(&o);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_SCENARIO, ""), -1);
    ps_cli_scenario_fini(&o);
}

static void test_unknown_preset_is_usage(void **state)
{
    (void)state;
    struct ps_cli_scenario o;
    ps_cli_scenario_init(&o);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_PRESET, "nosuch"), 1);
    struct ps_scenario sc;
    char err[512] = "";
    assert_int_equal(ps_cli_scenario_resolve(&o, &sc, err, sizeof(err)), PS_EXIT_USAGE);
    assert_non_null(strstr(err, "nosuch"));
    assert_non_null(strstr(err, "default")); /* lists the known ones */
    ps_cli_scenario_fini(&o);
}

static void test_bad_set_names_the_path(void **state)
{
    (void)state;
    struct ps_cli_scenario o;
    ps_cli_scenario_init(&o);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_SET, "microbatches=1000000000"), 1);
    struct ps_scenario sc;
    char err[512] = "";
    assert_int_equal(ps_cli_scenario_resolve(&o, &sc, err, sizeof(err)), PS_EXIT_FAILURE);
    assert_non_null(strstr(err, "microbatches"));
    assert_non_null(strstr(err, "16384"));
    ps_cli_scenario_fini(&o);
}

static void test_file_errors_name_the_file(void **state)
{
    (void)state;
    char path[] = "/tmp/ps-tui-cli-XXXXXX.json";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    const char text[] = "{\n  \"stages\": 4,\n  \"microbatches\": [,\n}\n";
    assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
    close(fd);

    struct ps_cli_scenario o;
    ps_cli_scenario_init(&o);
    assert_int_equal(ps_cli_scenario_opt(&o, PS_CLI_OPT_SCENARIO, path), 1);
    struct ps_scenario sc;
    char err[512] = "", want[600];
    assert_int_equal(ps_cli_scenario_resolve(&o, &sc, err, sizeof(err)), PS_EXIT_FAILURE);
    snprintf(want, sizeof(want), "%s:3:", path); /* FILE:line:col: ... */
    assert_non_null(strstr(err, want));
    /* the file is named once, not twice */
    assert_ptr_equal(strstr(err + 1, path), NULL);
    unlink(path);
    ps_cli_scenario_fini(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_preset),
        cmocka_unit_test(test_preset_and_sets_in_order),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_unknown_preset_is_usage),
        cmocka_unit_test(test_bad_set_names_the_path),
        cmocka_unit_test(test_file_errors_name_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
