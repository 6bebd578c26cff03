/* `pipescope search`: the layouts of a model on a cluster (PP x TP x DP, microbatch size,
 * sequence length, the DCs a pipeline spans, GeoPipe's extra warm-up), each through the
 * calculator and the simulator; a table of every point, the best marked, the infeasible
 * ones with why. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/common.h"
#include "tui/cli/compare_common.h"
#include "tui/cli/search.h"

const char cli_help_search[] =
    "Usage: pipescope search --model M --cluster C [--set PATH=VALUE ...]\n"
    "                        [--pp LIST] [--tp LIST] [--dp LIST] [--mbs LIST] [--seq LIST]\n"
    "                        [--pipeline-dcs LIST] [--dn LIST]\n"
    "                        [--schedules a,b,...] [--param [NAME.]KEY=VALUE ...]\n"
    "                        [--format table|csv|json] [-o FILE]\n"
    "\n"
    "Searches the layouts of a model on a cluster: every point of the cartesian product of\n"
    "the lists goes through the calculator (stage times, the memory limit from hbm=, the\n"
    "data-parallel all-gather and reduce-scatter from the parameters and the links, over\n"
    "the inter-DC links when a DP group spans DCs) and the simulator (each schedule), and\n"
    "keeps its fastest schedule within memory. One row per point: the best (most tokens\n"
    "per second) marked, the ones that cannot run with why (out of HBM, too few GPUs,\n"
    "tokens that are no whole number of microbatches). The cluster gives every other key\n"
    "(dcs, gpus= per DC, hbm=, tokens= or gbs=, gpu=, link=, ...; docs/presets.md).\n"
    "\n"
    "  --pp, --tp, --dp, --mbs, --seq LIST   values of that cluster key: 1,2,4 or 4:32:4\n"
    "  --pipeline-dcs LIST    DCs one pipeline spans (dcs: cross-DC PP; 1: cross-DC DP)\n"
    "  --dn LIST              GeoPipe's extra warm-up forwards: numbers (the same for every\n"
    "                         stage), auto (1f1b-warmup's rule, capped by memory) or search\n"
    "                         (geopipe: per stage, within memory); each value is a point and\n"
    "                         its schedule, instead of --schedules\n"
    "  -s, --schedules LIST   the candidates at each point (default: 1f1b,zb-h1)\n"
    "  -p, --param ...        as in compare\n"
    "  -f, --format FORMAT    table (default), csv or json\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "      --force            replace FILE even when it is read-only\n";

struct search_opts {
    struct ps_cli_scenario so;
    const char *schedules, *format, *out;
    const char *axes[AXIS_COUNT];
    char **param_kv;
    int n_param;
};

static int parse(const struct cli_env *env, int argc, char **argv, struct search_opts *o)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"pp", required_argument, NULL, 0x100 + AXIS_PP},
        {"tp", required_argument, NULL, 0x100 + AXIS_TP},
        {"dp", required_argument, NULL, 0x100 + AXIS_DP},
        {"mbs", required_argument, NULL, 0x100 + AXIS_MBS},
        {"seq", required_argument, NULL, 0x100 + AXIS_SEQ},
        {"pipeline-dcs", required_argument, NULL, 0x100 + AXIS_PIPELINE_DCS},
        {"dn", required_argument, NULL, 0x100 + AXIS_DN},
        {"schedules", required_argument, NULL, 's'},
        {"param", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int c, rc;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":hs:p:f:o:", opts, NULL)) != -1) {
        int taken = ps_cli_scenario_opt(&o->so, c, optarg);
        if (taken < 0)
            return PS_EXIT_USAGE;
        if (taken)
            continue;
        if (c >= 0x100 && c < 0x100 + AXIS_COUNT) {
            char name[32];
            snprintf(name, sizeof name, "--%s", search_axis_name((enum search_axis)(c - 0x100)));
            if ((rc = cli_once("search", &o->axes[c - 0x100], name, optarg)) >= 0)
                return rc;
            continue;
        }
        switch (c) {
        case 's':
            if ((rc = cli_once("search", &o->schedules, "--schedules", optarg)) >= 0)
                return rc;
            break;
        case 'p':
            o->param_kv[o->n_param++] = optarg;
            break;
        case 'f':
            if ((rc = cli_once("search", &o->format, "--format", optarg)) >= 0)
                return rc;
            break;
        case 'o':
            if ((rc = cli_once("search", &o->out, "--output", optarg)) >= 0)
                return rc;
            break;
        case 'F':
            cli_set_force(true);
            break;
        case 'h':
            return cli_print_help(env, "search");
        default:
            return cli_getopt_error("search", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage("search", "search: unexpected argument '%s'", argv[optind]);
    if (!o->so.src.model || o->so.src.scenario_file || o->so.src.preset)
        return cli_usage("search", "search: give a model and a cluster (--model, --cluster): "
                                   "the layouts are the calculator's");
    /* The one output-format rule of the command line (tui/cli/files.c). */
    enum ps_format fmt;
    rc = cli_output_format("search", o->format, o->out, "table|csv|json", PS_FMT_TABLE, &fmt);
    if (rc != PS_EXIT_OK)
        return rc;
    o->format = ps_format_name(fmt);
    if (o->axes[AXIS_DN] && o->schedules)
        return cli_usage("search", "search: --dn picks the schedule of each point (1f1b-warmup "
                                   "or geopipe); leave out --schedules");
    return -1;
}

static int write_rows(const char *format, const char *out, const struct ps_search_row *rows,
                      size_t n)
{
    struct ps_buf buf;
    ps_buf_init(&buf);
    enum ps_status st = strcmp(format, "csv") == 0    ? ps_export_search_csv(rows, n, &buf)
                        : strcmp(format, "json") == 0 ? ps_export_search_json(rows, n, &buf)
                                                      : ps_export_search_table(rows, n, &buf);
    int rc = st == PS_OK ? cli_write_output(out, buf.data ? buf.data : "", buf.len)
                         : cli_fail("cannot write the %s output: %s", format, ps_status_str(st));
    ps_buf_fini(&buf);
    return rc;
}

int cli_cmd_search(const struct cli_env *env, int argc, char **argv)
{
    struct search_opts o;
    memset(&o, 0, sizeof(o));
    ps_cli_scenario_init(&o.so);
    o.param_kv = calloc((size_t)argc + 1, sizeof(char *));
    struct cli_sched_list *l = calloc(1, sizeof(*l));
    struct search_spec *sp = calloc(1, sizeof(*sp));
    struct ps_search_row *rows = NULL;
    int rc;
    if (!o.param_kv || !l || !sp) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if ((rc = parse(env, argc, argv, &o)) >= 0)
        goto done;
    if ((rc = cli_parse_schedules("search", o.schedules ? o.schedules : "1f1b,zb-h1", l)) !=
            PS_EXIT_OK ||
        (rc = cli_apply_params("search", l, o.param_kv, o.n_param)) != PS_EXIT_OK)
        goto done;
    for (int a = 0; a < AXIS_COUNT; a++)
        if (o.axes[a] && (rc = search_axis_parse(sp, (enum search_axis)a, o.axes[a])) != PS_EXIT_OK)
            goto done;
    long points = search_points(sp);
    if (points > SEARCH_MAX_POINTS) {
        rc = cli_usage("search", "search: more than %d points", SEARCH_MAX_POINTS);
        goto done;
    }
    if ((rc = cli_check_output_path(o.out)) != PS_EXIT_OK)
        goto done;
    sp->src = o.so.src;
    sp->l = l;
    rows = calloc((size_t)points, sizeof(*rows));
    if (!rows) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if ((rc = search_run(sp, rows, NULL)) != PS_EXIT_OK)
        goto done;
    rc = write_rows(o.format, o.out, rows, (size_t)points);
done:
    free(rows);
    free(sp);
    free(l);
    free(o.param_kv);
    ps_cli_scenario_fini(&o.so);
    return rc;
}
