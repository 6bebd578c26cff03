/* `pipescope cluster`: the cluster planner (docs/cluster.md). Runs policies on a cluster
 * file or preset and prints one row per policy (and, with --jobs, one per job) as a table,
 * CSV, JSON or an SVG figure; `cluster path` and `cluster allocate` show the pathfinder's
 * and the cost-min allocator's steps for one job on the empty cluster (cluster_steps.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/cluster_export.h"
#include "tui/cli/cluster_common.h"
#include "tui/cli/common.h"

const char cli_help_cluster[] =
    "Usage: pipescope cluster [--cluster FILE | --preset NAME] [--set PATH=VALUE ...]\n"
    "                         [--policy NAME[,NAME...]|all] [--schedule NAME] [--jobs]\n"
    "                         [--format table|csv|json|svg] [--figure gantt|pareto]\n"
    "                         [--width PX] [-o FILE]\n"
    "       pipescope cluster path --job NAME [SOURCE OPTIONS] [--format table|json]\n"
    "       pipescope cluster allocate --job NAME [SOURCE OPTIONS] [--format table|json]\n"
    "\n"
    "Plans a queue of training jobs over regions of GPUs (BACE-Pipe, docs/cluster.md): each\n"
    "policy orders the queue and places every job on a chain of regions; a job runs as one\n"
    "pipeline whose datacenters are its regions, timed by the schedule's own simulation.\n"
    "Prints per policy the average job completion time, the total electricity cost, the\n"
    "makespan and the GPU utilisation; jobs that can never run are counted as never started,\n"
    "with why (--jobs).\n"
    "\n"
    "  -c, --cluster FILE     a cluster file (\"format\": \"pipescope-cluster/1\"; - reads\n"
    "                         standard input)\n"
    "      --preset NAME      a built-in cluster (default bace-paper; see pipescope presets)\n"
    "      --set PATH=VALUE   edit a field by its path (repeatable): regions.0.gpus=16,\n"
    "                         scale.bandwidth=0.3, scale.gpus=0.5, scale.jobs=3, policy.alpha=0.2\n"
    "  -p, --policy LIST      bace, sjf, lcf, ldf, cr-lcf, cr-ldf, bace-no-priority,\n"
    "                         bace-no-pathfinder, bace-no-costmin, ORDER/PLACE (e.g. sjf/ldf),\n"
    "                         or all (default)\n"
    "  -s, --schedule NAME    the pipeline schedule that times each job (default: the file's,\n"
    "                         1f1b; pipescope schedules lists them)\n"
    "  -j, --jobs             one row per job too (CSV and JSON: the job table)\n"
    "      --job NAME         the job of `cluster path` and `cluster allocate`\n"
    "  -f, --format FORMAT    table (default), csv, json, or svg; with -o FILE ending in .csv,\n"
    "                         .json or .svg the format follows the file name\n"
    "      --figure KIND      svg: gantt (which job holds which GPUs when; the first policy)\n"
    "                         or pareto (cost against average JCT); default gantt for one\n"
    "                         policy, pareto for several\n"
    "  -w, --width PX         width of the svg figure\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "      --force            replace FILE even when it is read-only\n";

static void opts_fini(struct cli_cluster_opts *o)
{
    free(o->sets);
}

/* Parses the options; returns -1 to go on, else the exit code. */
static int parse(const struct cli_env *env, int argc, char **argv, struct cli_cluster_opts *o)
{
    enum { OPT_PRESET = 0x2000, OPT_SET, OPT_JOB, OPT_FIGURE };
    static const struct option opts[] = {{"cluster", required_argument, NULL, 'c'},
                                         {"preset", required_argument, NULL, OPT_PRESET},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"policy", required_argument, NULL, 'p'},
                                         {"schedule", required_argument, NULL, 's'},
                                         {"jobs", no_argument, NULL, 'j'},
                                         {"job", required_argument, NULL, OPT_JOB},
                                         {"format", required_argument, NULL, 'f'},
                                         {"figure", required_argument, NULL, OPT_FIGURE},
                                         {"width", required_argument, NULL, 'w'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, 'F'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":c:p:s:jf:w:o:h", opts, NULL)) != -1) {
        int rc = -1;
        switch (c) {
        case 'c':
            rc = cli_once("cluster", &o->src.file, "--cluster", optarg);
            break;
        case OPT_PRESET:
            rc = cli_once("cluster", &o->src.preset, "--preset", optarg);
            break;
        case OPT_SET:
            if (strchr(optarg, '=') == NULL)
                return cli_usage("cluster", "cluster: --set needs PATH=VALUE (got '%s')", optarg);
            o->sets[o->src.n_sets++] = optarg;
            break;
        case 'p':
            rc = cli_once("cluster", &o->policies, "--policy", optarg);
            break;
        case 's':
            rc = cli_once("cluster", &o->schedule, "--schedule", optarg);
            break;
        case 'j':
            o->jobs = true;
            break;
        case OPT_JOB:
            rc = cli_once("cluster", &o->job, "--job", optarg);
            break;
        case 'f':
            rc = cli_once("cluster", &o->format, "--format", optarg);
            break;
        case OPT_FIGURE:
            rc = cli_once("cluster", &o->figure, "--figure", optarg);
            break;
        case 'w': {
            char *end;
            long w = strtol(optarg, &end, 10);
            if (*end != '\0' || w < 320 || w > 20000)
                return cli_usage("cluster", "cluster: --width must be 320..20000 (got '%s')",
                                 optarg);
            o->width = (int)w;
            break;
        }
        case 'o':
            rc = cli_once("cluster", &o->out, "--output", optarg);
            break;
        case 'F':
            cli_set_force(true);
            break;
        case 'h':
            return cli_print_help(env, "cluster");
        default:
            return cli_getopt_error("cluster", c, argv);
        }
        if (rc >= 0)
            return rc;
    }
    if (optind < argc)
        o->step = argv[optind++];
    if (optind < argc)
        return cli_usage("cluster", "cluster: unexpected argument '%s'", argv[optind]);
    if (o->src.file != NULL && o->src.preset != NULL)
        return cli_usage("cluster", "cluster: give --cluster FILE or --preset NAME, not both");
    if (o->step != NULL && o->job == NULL)
        return cli_usage("cluster", "cluster %s: which job? (--job NAME)", o->step);
    /* The one output-format rule of the command line (tui/cli/files.c). */
    enum ps_format fmt;
    int rc = cli_output_format("cluster", o->format, o->out,
                               o->step != NULL ? "table|json" : "table|csv|json|svg", PS_FMT_TABLE,
                               &fmt);
    if (rc != PS_EXIT_OK)
        return rc;
    o->format = ps_format_name(fmt);
    if (o->figure != NULL && !cli_word_in(o->figure, "gantt|pareto"))
        return cli_usage("cluster", "cluster: unknown figure '%s' (gantt, pareto)", o->figure);
    if (o->step != NULL && !cli_word_in(o->step, "path|allocate"))
        return cli_usage("cluster", "cluster: unknown step '%s' (path, allocate)", o->step);
    return -1;
}

/* The named policies of --policy (a comma list, or all). */
static int parse_policies(const char *list, struct ps_cluster_policy **out, size_t *n)
{
    size_t cap = ps_cluster_policy_count() + 8;
    *out = calloc(cap, sizeof **out);
    *n = 0;
    if (*out == NULL)
        return cli_fail("out of memory");
    if (list == NULL || strcmp(list, "all") == 0) {
        for (size_t i = 0; i < ps_cluster_policy_count(); i++)
            (*out)[(*n)++] = *ps_cluster_policy_at(i);
        return PS_EXIT_OK;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        struct ps_diag d;
        if (strcmp(tok, "all") == 0) {
            for (size_t i = 0; i < ps_cluster_policy_count() && *n < cap; i++)
                (*out)[(*n)++] = *ps_cluster_policy_at(i);
            continue;
        }
        if (*n == cap)
            return cli_usage("cluster", "cluster: too many policies");
        if (ps_cluster_policy_parse(tok, &(*out)[*n], &d) != PS_OK)
            return cli_usage("cluster", "cluster: %s", d.msg);
        (*n)++;
    }
    if (*n == 0)
        return cli_usage("cluster", "cluster: --policy names no policy");
    return PS_EXIT_OK;
}

static int write_runs(const struct cli_cluster_opts *o, const struct ps_cluster *c,
                      const struct ps_cluster_run *runs, size_t n)
{
    struct ps_buf b;
    ps_buf_init(&b);
    enum ps_status st;
    if (strcmp(o->format, "csv") == 0)
        st = ps_export_cluster_csv(c, runs, n, o->jobs, &b);
    else if (strcmp(o->format, "json") == 0)
        st = ps_export_cluster_json(c, runs, n, o->jobs, &b);
    else if (strcmp(o->format, "svg") == 0) {
        bool gantt = o->figure != NULL ? strcmp(o->figure, "gantt") == 0 : n == 1;
        st = gantt ? ps_export_cluster_gantt_svg(c, runs[0].policy, runs[0].result, o->width, &b)
                   : ps_export_cluster_pareto_svg(c, runs, n, o->width, &b);
    } else
        st = ps_export_cluster_table(c, runs, n, o->jobs, &b);
    int rc = st == PS_OK ? cli_write_output(o->out, b.data ? b.data : "", b.len)
                         : cli_fail("cannot write the output: %s", ps_status_str(st));
    ps_buf_fini(&b);
    return rc;
}

static int run_policies(const struct cli_cluster_opts *o, struct cli_cluster_ctx *x)
{
    struct ps_cluster_policy *pols = NULL;
    size_t n = 0;
    int rc = parse_policies(o->policies, &pols, &n);
    struct ps_cluster_result *res = calloc(n ? n : 1, sizeof *res);
    struct ps_cluster_run *runs = calloc(n ? n : 1, sizeof *runs);
    if (rc == PS_EXIT_OK && (res == NULL || runs == NULL))
        rc = cli_fail("out of memory");
    size_t done = 0;
    for (; rc == PS_EXIT_OK && done < n; done++) {
        struct ps_diag d;
        ps_diag_clear(&d);
        if (ps_cluster_run(&x->c, x->plans, &pols[done], x->timer, &res[done], &d) != PS_OK) {
            char prefix[64];
            snprintf(prefix, sizeof prefix, "policy %s", pols[done].name);
            rc = cli_fail_diag(&d, prefix);
            ps_cluster_result_fini(&res[done]);
            break;
        }
        runs[done] = (struct ps_cluster_run){pols[done].name, &res[done]};
    }
    if (rc == PS_EXIT_OK)
        rc = write_runs(o, &x->c, runs, n);
    for (size_t i = 0; i < done && res != NULL; i++)
        ps_cluster_result_fini(&res[i]);
    free(res);
    free(runs);
    free(pols);
    return rc;
}

int cli_cmd_cluster(const struct cli_env *env, int argc, char **argv)
{
    struct cli_cluster_opts o = {0};
    o.sets = calloc((size_t)argc + 1, sizeof *o.sets);
    if (o.sets == NULL)
        return cli_fail("out of memory");
    o.src.sets = o.sets;
    int rc = parse(env, argc, argv, &o);
    if (rc >= 0) {
        opts_fini(&o);
        return rc;
    }
    if ((rc = cli_check_output_path(o.out)) != PS_EXIT_OK) {
        opts_fini(&o);
        return rc;
    }
    struct cli_cluster_ctx x;
    rc = cli_cluster_prepare(&o, &x);
    if (rc == PS_EXIT_OK) {
        if (o.step != NULL)
            rc = cli_cluster_step(&o, &x);
        else
            rc = run_policies(&o, &x);
    }
    cli_cluster_ctx_fini(&x);
    opts_fini(&o);
    return rc;
}
