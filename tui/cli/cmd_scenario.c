/* `pipescope scenario`: the resolved scenario (after every --set) as a scenario file. */
#include "tui/cli/common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/io.h"

const char cli_help_scenario[] =
    "Usage: pipescope scenario [SCENARIO OPTIONS] [-o FILE]\n"
    "\n"
    "Prints the resolved scenario (after every --set) as a scenario file (JSON).\n"
    "\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "      --force            replace FILE even when it is read-only\n";

int cli_cmd_scenario(const struct cli_env *env, int argc, char **argv)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    struct ps_cli_scenario so;
    ps_cli_scenario_init(&so);
    const char *out = NULL;
    int c, rc = PS_EXIT_OK;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        int taken = ps_cli_scenario_opt(&so, c, optarg);
        if (taken < 0) {
            rc = PS_EXIT_USAGE;
            goto done;
        }
        if (taken)
            continue;
        if (c == 'o') {
            if ((rc = cli_once("scenario", &out, "--output", optarg)) >= 0)
                goto done;
            rc = PS_EXIT_OK;
        } else if (c == 'F') {
            cli_set_force(true);
        } else if (c == 'h') {
            rc = cli_print_help(env, "scenario");
            goto done;
        } else {
            rc = cli_getopt_error("scenario", c, argv);
            goto done;
        }
    }
    if (optind < argc) {
        rc = cli_usage("scenario", "scenario: unexpected argument '%s'", argv[optind]);
        goto done;
    }
    if ((rc = cli_check_output_path(out)) != PS_EXIT_OK)
        goto done;
    struct ps_scenario sc;
    if ((rc = ps_cli_scenario_resolve(&so, &sc, NULL, 0)) != PS_EXIT_OK)
        goto done;
    char *json = ps_scenario_to_json(&sc);
    if (!json)
        rc = cli_fail("out of memory");
    else
        rc = cli_write_output(out, json, strlen(json));
    free(json);
    ps_scenario_fini(&sc);
done:
    ps_cli_scenario_fini(&so);
    return rc;
}
