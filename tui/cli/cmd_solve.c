/* `pipescope solve`: one schedule of one scenario, as a readable summary with an ASCII
 * Gantt chart or as a schedule file (JSON, CSV). */
#include "tui/cli/common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "export/export.h"
#include "solvers/solver.h"

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
    "      --force            replace FILE even when it is read-only\n"
    "\n"
    "Slow schedules (optimal) show their progress on stderr when it is a terminal; Ctrl-C\n"
    "stops them with the best schedule found so far (a second Ctrl-C quits).\n";

/* What solve was asked for. */
struct solve_opts {
    struct ps_cli_scenario so;
    struct ps_params params;
    const char *name, *format, *out;
    int width;
};

/* Takes one option of solve that is not a scenario option; returns -1 to go on, else
 * the exit code. */
static int take_option(const struct cli_env *env, int c, char **argv, struct solve_opts *o)
{
    switch (c) {
    case 's':
        return cli_once("solve", &o->name, "--schedule", optarg);
    case 'p':
        /* a workload planning setting is an edit of the scenario's workload */
        if (ps_cli_is_plan_param(optarg))
            return ps_cli_scenario_plan_param(&o->so, optarg) < 0 ? PS_EXIT_USAGE : -1;
        /* Keys are checked against the schedule once it is known. */
        return cli_param_add("solve", &o->params, optarg) == PS_EXIT_OK ? -1 : PS_EXIT_USAGE;
    case 'f':
        return cli_once("solve", &o->format, "--format", optarg);
    case 'o':
        return cli_once("solve", &o->out, "--output", optarg);
    case 'w': {
        char *end;
        long w = strtol(optarg, &end, 10);
        if (*end || w < 320 || w > 100000)
            return cli_usage("solve", "solve: --width '%s': expected pixels, 320 to 100000",
                             optarg);
        o->width = (int)w;
        return -1;
    }
    case 'F':
        cli_set_force(true);
        return -1;
    case 'h':
        return cli_print_help(env, "solve");
    default:
        return cli_getopt_error("solve", c, argv);
    }
}

/* Parses solve's arguments; returns -1 to go on, else the exit code. */
static int parse_solve_opts(const struct cli_env *env, int argc, char **argv, struct solve_opts *o)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"schedule", required_argument, NULL, 's'},
        {"param", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"width", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int c, rc;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":hs:p:f:o:w:", opts, NULL)) != -1) {
        int taken = ps_cli_scenario_opt(&o->so, c, optarg);
        if (taken < 0)
            return PS_EXIT_USAGE;
        if (!taken && (rc = take_option(env, c, argv, o)) >= 0)
            return rc;
    }
    if (optind < argc) {
        if (o->name || optind + 1 < argc)
            return cli_usage("solve", "solve: unexpected argument '%s'",
                             argv[o->name ? optind : optind + 1]);
        o->name = argv[optind];
    }
    if (!o->name) {
        char names[512];
        ps_solver_list_names(names, sizeof(names));
        return cli_usage("solve", "solve: which schedule? --schedule NAME (known: %s)", names);
    }
    if (!o->format)
        o->format = cli_format_of_path(o->out, true) ? cli_format_of_path(o->out, true) : "text";
    else if (cli_format_of_path(o->out, true) &&
             strcmp(cli_format_of_path(o->out, true), o->format) != 0)
        fprintf(stderr, "pipescope: solve: note: writing %s to %s (--format wins over the name)\n",
                o->format, o->out);
    if (!cli_word_in(o->format, "text|json|csv|svg|trace"))
        return cli_usage("solve", "solve: --format '%s': expected text, json, csv, svg or trace",
                         o->format);
    return -1;
}

/* Writes the schedule in the format asked for. */
static int write_schedule(const struct ps_solver *sv, const struct ps_schedule *sched,
                          const struct solve_opts *o)
{
    /* streamed: the file fills as the writer goes, in constant memory */
    struct ps_buf buf;
    int rc = cli_output_open(o->out, &buf);
    if (rc != PS_EXIT_OK)
        return rc;
    enum ps_status st;
    if (strcmp(o->format, "json") == 0)
        st = ps_export_schedule_json(sched, &buf);
    else if (strcmp(o->format, "csv") == 0)
        st = ps_export_schedule_csv(sched, &buf);
    else if (strcmp(o->format, "svg") == 0)
        st = ps_export_schedule_svg((const struct ps_schedule *const *)&sched, 1, o->width, &buf);
    else if (strcmp(o->format, "trace") == 0)
        st = ps_export_schedule_trace(sched, &buf);
    else
        st = ps_export_schedule_text(sched, cli_term_width(), &buf);
    bool writer_failed = st != PS_OK && buf.sink_st == PS_OK;
    rc = cli_output_finish(o->out, &buf, st);
    if (writer_failed)
        rc = cli_fail("%s: cannot write the %s output: %s", sv->name, o->format, ps_status_str(st));
    return rc;
}

/* Runs sv on sc and writes the schedule; says why when there is none to write. */
static int solve_and_write(const struct ps_solver *sv, const struct ps_scenario *sc,
                           const struct solve_opts *o)
{
    struct ps_schedule *sched = NULL;
    struct ps_diag d;
    ps_diag_clear(&d);
    int rc;
    enum ps_status st = cli_solver_run(sv, sc, &o->params, &sched, &d);
    if (st != PS_OK) {
        if (strncmp(d.path, "param.", 6) == 0) {
            /* A parameter value only the generator could judge: still a usage error. */
            char msg[1024];
            ps_diag_format(&d, sv->name, msg, sizeof(msg));
            rc = cli_usage("solve", "solve: %s", msg);
        } else {
            rc = cli_fail_diag(&d, sv->name);
        }
        ps_schedule_free(sched);
        return rc;
    }
    if (sched->solver.status == PS_SOLVE_CANCELLED && !sched->timed) {
        ps_schedule_free(sched);
        return PS_EXIT_FAILURE; /* stopped before any schedule: nothing to write */
    }
    if (sched->solver.status == PS_SOLVE_INFEASIBLE)
        fprintf(stderr, "pipescope: %s: infeasible: %s\n", sv->name,
                sched->solver.error[0] ? sched->solver.error : "no schedule meets the limits");
    else if (!sched->memory_ok)
        fprintf(stderr, "pipescope: %s: over the memory limit (shown anyway)\n", sv->name);
    for (int i = 0; i < sched->solver.n_params; i++)
        if (strcmp(sched->solver.params[i].key, "note") == 0)
            fprintf(stderr, "pipescope: %s: note: %s\n", sv->name, sched->solver.params[i].value);
    rc = write_schedule(sv, sched, o);
    ps_schedule_free(sched);
    return rc;
}

int cli_cmd_solve(const struct cli_env *env, int argc, char **argv)
{
    struct solve_opts o;
    memset(&o, 0, sizeof(o));
    ps_cli_scenario_init(&o.so);
    o.width = 1000;
    int rc = parse_solve_opts(env, argc, argv, &o);
    if (rc >= 0)
        goto done;
    const struct ps_solver *sv = ps_solver_find(o.name);
    if (!sv) {
        char names[512];
        ps_solver_list_names(names, sizeof(names));
        rc = cli_usage("solve", "solve: unknown schedule '%s' (known: %s)", o.name, names);
        goto done;
    }
    struct ps_diag d;
    ps_diag_clear(&d);
    if (ps_params_check(sv, &o.params, &d) != PS_OK) {
        char msg[1024];
        ps_diag_format(&d, sv->name, msg, sizeof(msg));
        rc = cli_usage("solve", "solve: %s", msg);
        goto done;
    }
    if ((rc = cli_check_output_path(o.out)) != PS_EXIT_OK)
        goto done;
    struct ps_scenario sc;
    if ((rc = ps_cli_scenario_resolve(&o.so, &sc, NULL, 0)) != PS_EXIT_OK)
        goto done;
    rc = solve_and_write(sv, &sc, &o);
    ps_scenario_fini(&sc);
done:
    ps_cli_scenario_fini(&o.so);
    return rc;
}
