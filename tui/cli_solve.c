/* `pipescope solve`: one schedule of one scenario, as a readable summary with an ASCII
 * Gantt chart or as a schedule file (JSON, CSV). */
#include "tui/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "export/export.h"
#include "solvers/solver.h"
#include "tui/cli_internal.h"

const char cli_help_solve[] =
    "Usage: pipescope solve [SCENARIO OPTIONS] --schedule NAME [--param KEY=VALUE ...]\n"
    "                       [--format text|json|csv|svg|trace] [--width PX] [-o FILE]\n"
    "\n"
    "Computes one schedule of the scenario. 'text' prints a summary and an ASCII Gantt\n"
    "chart as wide as the terminal ($COLUMNS, else the terminal, else 100; at least 60);\n"
    "'json' and 'csv' print the schedule file (SPEC sections 7 and 8); 'svg' a Gantt\n"
    "figure for papers; 'trace' a Chrome Trace Event file to open in ui.perfetto.dev.\n"
    "\n"
    "  -s, --schedule NAME    the schedule (see: pipescope schedules); may also be given\n"
    "                         as the only argument: pipescope solve 1f1b\n"
    "  -p, --param KEY=VALUE  a parameter of the schedule (repeatable)\n"
    "  -f, --format FORMAT    text (default), json, csv, svg or trace; with -o FILE\n"
    "                         ending in .json, .csv, .svg or .trace.json the format\n"
    "                         follows the file name\n"
    "  -w, --width PX         width of the svg figure (default 1000, at least 320)\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "\n"
    "Slow schedules (optimal) show their progress on stderr when it is a terminal; Ctrl-C\n"
    "stops them with the best schedule found so far (a second Ctrl-C quits).\n";

int cli_cmd_solve(int argc, char **argv)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"schedule", required_argument, NULL, 's'},
        {"param", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"width", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    struct ps_cli_scenario so;
    ps_cli_scenario_init(&so);
    struct ps_params params;
    memset(&params, 0, sizeof(params));
    const char *name = NULL, *format = NULL, *out = NULL;
    int c, rc = PS_EXIT_OK, width = 1000;
    bool have_sc = false;
    struct ps_scenario sc;
    struct ps_schedule *sched = NULL;
    struct ps_buf buf;
    ps_buf_init(&buf);

    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":hs:p:f:o:w:", opts, NULL)) != -1) {
        int taken = ps_cli_scenario_opt(&so, c, optarg);
        if (taken < 0) {
            rc = PS_EXIT_USAGE;
            goto done;
        }
        if (taken)
            continue;
        switch (c) {
        case 's':
            name = optarg;
            break;
        case 'p':
            /* Keys are checked against the schedule once it is known. */
            if ((rc = cli_param_add("solve", &params, optarg)) != PS_EXIT_OK)
                goto done;
            break;
        case 'f':
            format = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'w': {
            char *end;
            long w = strtol(optarg, &end, 10);
            if (*end || w < 320 || w > 100000) {
                rc = cli_usage("solve", "solve: --width '%s': expected pixels, 320 to 100000",
                               optarg);
                goto done;
            }
            width = (int)w;
            break;
        }
        case 'h':
            rc = cli_print_help("solve");
            goto done;
        default:
            rc = cli_getopt_error("solve", c, argv);
            goto done;
        }
    }
    if (optind < argc) {
        if (name || optind + 1 < argc) {
            rc = cli_usage("solve", "solve: unexpected argument '%s'",
                           argv[name ? optind : optind + 1]);
            goto done;
        }
        name = argv[optind];
    }
    if (!name) {
        char names[512];
        ps_solver_list_names(names, sizeof(names));
        rc = cli_usage("solve", "solve: which schedule? --schedule NAME (known: %s)", names);
        goto done;
    }
    if (!format)
        format = cli_format_of_path(out, true) ? cli_format_of_path(out, true) : "text";
    else if (cli_format_of_path(out, true) && strcmp(cli_format_of_path(out, true), format) != 0)
        fprintf(stderr, "pipescope: solve: note: writing %s to %s (--format wins over the name)\n",
                format, out);
    if (!cli_word_in(format, "text|json|csv|svg|trace")) {
        rc = cli_usage("solve", "solve: --format '%s': expected text, json, csv, svg or trace",
                       format);
        goto done;
    }
    const struct ps_solver *sv = ps_solver_find(name);
    if (!sv) {
        char names[512];
        ps_solver_list_names(names, sizeof(names));
        rc = cli_usage("solve", "solve: unknown schedule '%s' (known: %s)", name, names);
        goto done;
    }
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_params_check(sv, &params, &d) != PS_OK) {
        char msg[1024];
        ps_diag_format(&d, sv->name, msg, sizeof(msg));
        rc = cli_usage("solve", "solve: %s", msg);
        goto done;
    }
    if ((rc = cli_check_output_path(out)) != PS_EXIT_OK)
        goto done;
    if ((rc = ps_cli_scenario_resolve(&so, &sc, NULL, 0)) != PS_EXIT_OK)
        goto done;
    have_sc = true;

    enum ps_status st = cli_solver_run(sv, &sc, &params, &sched, &d);
    if (st != PS_OK) {
        if (strncmp(d.path, "param.", 6) == 0) {
            /* A parameter value only the generator could judge: still a usage error. */
            char msg[1024];
            ps_diag_format(&d, sv->name, msg, sizeof(msg));
            rc = cli_usage("solve", "solve: %s", msg);
        } else {
            rc = cli_fail_diag(&d, sv->name);
        }
        goto done;
    }
    if (sched->solver.status == PS_SOLVE_CANCELLED && !sched->timed) {
        rc = PS_EXIT_FAILURE; /* stopped before any schedule: nothing to write */
        goto done;
    }
    if (sched->solver.status == PS_SOLVE_INFEASIBLE)
        fprintf(stderr, "pipescope: %s: infeasible: %s\n", sv->name,
                sched->solver.error[0] ? sched->solver.error : "no schedule meets the limits");
    else if (!sched->memory_ok)
        fprintf(stderr, "pipescope: %s: over the memory limit (shown anyway)\n", sv->name);

    if (strcmp(format, "json") == 0)
        st = ps_export_schedule_json(sched, &buf);
    else if (strcmp(format, "csv") == 0)
        st = ps_export_schedule_csv(sched, &buf);
    else if (strcmp(format, "svg") == 0)
        st = ps_export_schedule_svg((const struct ps_schedule *const *)&sched, 1, width, &buf);
    else if (strcmp(format, "trace") == 0)
        st = ps_export_schedule_trace(sched, &buf);
    else
        st = ps_export_schedule_text(sched, cli_term_width(), &buf);
    if (st != PS_OK) {
        rc = cli_fail("%s: cannot write the %s output: %s", sv->name, format, ps_status_str(st));
        goto done;
    }
    rc = cli_write_output(out, buf.data ? buf.data : "", buf.len);
done:
    ps_buf_fini(&buf);
    ps_schedule_free(sched);
    if (have_sc)
        ps_scenario_fini(&sc);
    ps_cli_scenario_fini(&so);
    return rc;
}
