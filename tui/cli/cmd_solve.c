/* `pipescope solve`: one schedule of one scenario (or two, side by side), as a readable
 * summary with an ASCII Gantt chart, a schedule file (JSON, CSV), a figure (SVG, PDF, PNG),
 * a trace, or the action CSV PyTorch runs. */
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
    "                       [--compare-with NAME] [--format FORMAT] [--lowered]\n"
    "                       [FIGURE OPTIONS] [-o FILE]\n"
    "\n"
    "Computes one schedule of the scenario. 'text' prints a summary and an ASCII Gantt\n"
    "chart as wide as the terminal ($COLUMNS, else the terminal, else 100; at least 60);\n"
    "'json' and 'csv' print the schedule file (SPEC sections 7 and 8); 'svg', 'pdf' and\n"
    "'png' a Gantt figure for papers and slides; 'trace' a Chrome Trace Event file to\n"
    "open in ui.perfetto.dev; 'torch' the per-rank action CSV that\n"
    "torch.distributed.pipelining loads (docs/formats.md).\n"
    "\n"
    "  -s, --schedule NAME    the schedule (see: pipescope schedules); may also be given\n"
    "                         as the only argument: pipescope solve 1f1b\n"
    "  -p, --param KEY=VALUE  a parameter of the schedule (repeatable)\n"
    "  -c, --compare-with NAME  a second schedule (its defaults) beside the first: text\n"
    "                         and figures show both on one time axis with their\n"
    "                         difference, json and csv are their comparison (SPEC 9)\n"
    "  -f, --format FORMAT    text (default), json, csv, svg, pdf, png, trace or torch;\n"
    "                         with -o FILE the name decides (.json, .csv, .svg, .pdf,\n"
    "                         .png, .trace.json, .txt; in any case); other names are\n"
    "                         refused unless --format is given\n"
    "  --lowered              torch: the lowered form, with SEND/RECV actions in\n"
    "                         pipescope's order (replays the channel order exactly)\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "      --force            replace FILE even when it is read-only\n"
    "\n"
    "FIGURE OPTIONS: --width PX, --title TEXT, --critical-path, --hide-channels,\n"
    "--hide-numbers, --hide-lower-bound (see below).\n"
    "\n"
    "Slow schedules (optimal) show their progress on stderr when it is a terminal; Ctrl-C\n"
    "stops them with the best schedule found so far (a second Ctrl-C quits).\n";

#define SOLVE_FORMATS "text|json|csv|svg|pdf|png|trace|torch"

/* getopt_long value of --lowered. */
enum { OPT_LOWERED = 0x3000 };

/* What solve was asked for. */
struct solve_opts {
    struct ps_cli_scenario so;
    struct ps_params params;
    const char *name, *with, *format, *out;
    enum ps_format fmt;
    bool lowered;
    struct ps_svg_options fig;
};

/* Takes one option of solve that is not a scenario option; returns -1 to go on, else
 * the exit code. */
static int take_option(const struct cli_env *env, int c, char **argv, struct solve_opts *o)
{
    int taken = cli_figure_opt("solve", &o->fig, c, optarg);
    if (taken != 0)
        return taken > 0 ? -1 : PS_EXIT_USAGE;
    switch (c) {
    case 's':
        return cli_once("solve", &o->name, "--schedule", optarg);
    case 'c':
        return cli_once("solve", &o->with, "--compare-with", optarg);
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
    case OPT_LOWERED:
        o->lowered = true;
        return -1;
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
        CLI_FIGURE_LONG_OPTIONS,
        {"schedule", required_argument, NULL, 's'},
        {"compare-with", required_argument, NULL, 'c'},
        {"param", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"lowered", no_argument, NULL, OPT_LOWERED},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int c, rc;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":hs:c:p:f:o:w:", opts, NULL)) != -1) {
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
    if ((rc = cli_output_format("solve", o->format, o->out, SOLVE_FORMATS, PS_FMT_TEXT, &o->fmt)) !=
        PS_EXIT_OK)
        return rc;
    if (o->lowered && o->fmt != PS_FMT_TORCH)
        return cli_usage("solve", "solve: --lowered is for --format torch");
    return -1;
}

/* The torch CSV, with a word on what the format cannot hold. */
static enum ps_status write_torch(const struct ps_schedule *s, const struct solve_opts *o,
                                  struct ps_buf *buf)
{
    bool parts = false;
    enum ps_status st = ps_export_schedule_torch(s, o->lowered, buf, &parts);
    if (st == PS_EUNSUPPORTED)
        fprintf(stderr,
                "pipescope: solve: %s recomputes activations (R ops), which PyTorch's actions "
                "cannot say (its checkpointing runs inside a stage's backward)\n",
                s->name);
    if (st == PS_OK && parts)
        fprintf(stderr,
                "pipescope: solve: note: %s cuts ops into parts; PyTorch runs each op whole, at "
                "its last part's place (the replayed makespan differs; --param n_sub=1 gives "
                "whole ops)\n",
                s->name);
    if (st == PS_OK && !o->lowered && s->xfer_rank)
        fprintf(stderr,
                "pipescope: solve: note: %s orders its channels; the compute-only form does not "
                "say that order (--lowered does)\n",
                s->name);
    return st;
}

/* Writes one schedule (two with --compare-with) in the format asked for. */
static int write_result(const struct ps_schedule *const *s, size_t n, const struct solve_opts *o)
{
    if (o->fmt == PS_FMT_SVG || o->fmt == PS_FMT_PDF || o->fmt == PS_FMT_PNG)
        return cli_write_figure("solve", o->fmt, o->out, s, n, &o->fig);
    /* streamed: the file fills as the writer goes, in constant memory */
    struct ps_buf buf;
    int rc = cli_output_open(o->out, &buf);
    if (rc != PS_EXIT_OK)
        return rc;
    enum ps_status st;
    if (o->fmt == PS_FMT_TORCH)
        st = write_torch(s[0], o, &buf);
    else {
        struct ps_view_options vo = {.text_width = cli_term_width()};
        st = ps_export_view(s, n, o->fmt, &vo, &buf, NULL);
    }
    bool writer_failed = st != PS_OK && buf.sink_st == PS_OK;
    rc = cli_output_finish(o->out, &buf, st);
    if (writer_failed)
        rc = cli_fail("%s: cannot write the %s output: %s", s[0]->name, ps_format_name(o->fmt),
                      ps_status_str(st));
    return rc;
}

/* Runs sv on sc; says why when there is no schedule. Returns PS_EXIT_OK with *out set. */
static int run_one(const struct ps_solver *sv, const struct ps_scenario *sc,
                   const struct ps_params *params, struct ps_schedule **out)
{
    struct ps_schedule *sched = NULL;
    struct ps_diag d;
    ps_diag_clear(&d);
    int rc;
    *out = NULL;
    enum ps_status st = cli_solver_run(sv, sc, params, &sched, &d);
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
    *out = sched;
    return PS_EXIT_OK;
}

/* Runs the schedule (and the one to compare with) and writes the result. */
static int solve_and_write(const struct ps_solver *sv, const struct ps_solver *with,
                           const struct ps_scenario *sc, const struct solve_opts *o)
{
    struct ps_schedule *s[2] = {NULL, NULL};
    struct ps_params none;
    memset(&none, 0, sizeof none);
    int rc = run_one(sv, sc, &o->params, &s[0]);
    if (rc == PS_EXIT_OK && with)
        rc = run_one(with, sc, &none, &s[1]);
    if (rc == PS_EXIT_OK && o->fmt == PS_FMT_TORCH && s[0]->solver.status == PS_SOLVE_INFEASIBLE)
        rc = cli_fail("%s: no schedule to write as torch actions", sv->name);
    if (rc == PS_EXIT_OK)
        rc = write_result((const struct ps_schedule *const *)s, with ? 2 : 1, o);
    ps_schedule_free(s[0]);
    ps_schedule_free(s[1]);
    return rc;
}

/* The solver called name, or a usage error. */
static const struct ps_solver *find_solver(const char *name, int *rc)
{
    const struct ps_solver *sv = ps_solver_find(name);
    if (!sv) {
        char names[512];
        ps_solver_list_names(names, sizeof(names));
        *rc = cli_usage("solve", "solve: unknown schedule '%s' (known: %s)%s", name, names,
                        cli_hint(ps_solver_suggest(name)));
    }
    return sv;
}

int cli_cmd_solve(const struct cli_env *env, int argc, char **argv)
{
    struct solve_opts o;
    memset(&o, 0, sizeof(o));
    ps_cli_scenario_init(&o.so);
    o.fig.width_px = 1000;
    int rc = parse_solve_opts(env, argc, argv, &o);
    if (rc >= 0)
        goto done;
    const struct ps_solver *sv = find_solver(o.name, &rc), *with = NULL;
    if (!sv || (o.with && !(with = find_solver(o.with, &rc))))
        goto done;
    if (o.with && (o.fmt == PS_FMT_TORCH)) {
        rc = cli_usage("solve", "solve: --compare-with: a torch file holds one schedule");
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
    rc = solve_and_write(sv, with, &sc, &o);
    ps_scenario_fini(&sc);
done:
    ps_cli_scenario_fini(&o.so);
    return rc;
}
