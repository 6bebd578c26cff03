/* What compare and sweep share: the list of schedules and their parameters, the options
 * of both commands, and the writer of their rows (table, csv, json). */
#include "tui/cli/compare_common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool list_has(const struct cli_sched_list *l, const struct ps_solver *sv)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->sv[i] == sv)
            return true;
    return false;
}

static void list_add(struct cli_sched_list *l, const struct ps_solver *sv)
{
    if (!list_has(l, sv) && l->n < CLI_MAX_SCHEDULES)
        l->sv[l->n++] = sv;
}

/* "all", "all,optimal", "gpipe,1f1b", ...; NULL means "all". */
int cli_parse_schedules(const char *cmd, const char *text, struct cli_sched_list *l)
{
    l->n = 0;
    if (!text)
        text = "all";
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        if (len == 0 || len >= sizeof(name))
            return cli_usage(cmd, "%s: --schedules '%s': expected NAME,NAME,... or all", cmd, text);
        memcpy(name, p, len);
        name[len] = '\0';
        if (strcmp(name, "all") == 0) {
            for (size_t i = 0; i < ps_solver_count(); i++)
                if (!ps_solver_at(i)->slow)
                    list_add(l, ps_solver_at(i));
        } else {
            const struct ps_solver *sv = ps_solver_find(name);
            if (!sv) {
                char names[512];
                ps_solver_list_names(names, sizeof(names));
                return cli_usage(cmd, "%s: unknown schedule '%s' (known: %s, or all)%s", cmd, name,
                                 names, cli_hint(ps_solver_suggest(name)));
            }
            list_add(l, sv);
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return PS_EXIT_OK;
}

static bool solver_has_param(const struct ps_solver *sv, const char *key)
{
    for (size_t i = 0; i < sv->n_params; i++)
        if (strcmp(sv->params[i].key, key) == 0)
            return true;
    return false;
}

/* --param NAME.KEY=VALUE (that schedule) or KEY=VALUE (every listed schedule having
 * KEY), then each schedule's parameters are checked. */
int cli_apply_params(const char *cmd, struct cli_sched_list *l, char **kvs, int n_kv)
{
    for (int i = 0; i < n_kv; i++) {
        const char *kv = kvs[i];
        const char *eq = strchr(kv, '=');
        if (!eq || eq == kv)
            return cli_usage(cmd, "%s: --param '%s': expected NAME.KEY=VALUE or KEY=VALUE", cmd,
                             kv);
        char key[96];
        size_t klen = (size_t)(eq - kv);
        if (klen >= sizeof(key))
            return cli_usage(cmd, "%s: --param '%s': key too long", cmd, kv);
        memcpy(key, kv, klen);
        key[klen] = '\0';
        const char *dot = strchr(key, '.');
        const struct ps_solver *only = NULL;
        const char *pkey = key;
        if (dot) {
            char sname[96];
            memcpy(sname, key, (size_t)(dot - key));
            sname[dot - key] = '\0';
            only = ps_solver_find(sname);
            if (only) {
                pkey = dot + 1;
                if (!*pkey)
                    return cli_usage(cmd, "%s: --param '%s': expected NAME.KEY=VALUE", cmd, kv);
                if (!list_has(l, only))
                    return cli_usage(cmd, "%s: --param '%s': schedule %s is not compared", cmd, kv,
                                     only->name);
            }
        }
        int applied = 0;
        for (size_t k = 0; k < l->n; k++) {
            if (only ? l->sv[k] != only : !solver_has_param(l->sv[k], pkey))
                continue;
            if (ps_params_set(&l->params[k], pkey, eq + 1) != PS_OK)
                return cli_usage(cmd, "%s: --param '%s': too many parameters", cmd, kv);
            applied++;
        }
        if (!applied)
            return cli_usage(cmd,
                             "%s: --param '%s': no compared schedule has a parameter '%s' "
                             "(see: pipescope schedules)",
                             cmd, kv, pkey);
    }
    for (size_t k = 0; k < l->n; k++) {
        struct ps_diag d;
        ps_diag_clear(&d);
        if (ps_params_check(l->sv[k], &l->params[k], &d) != PS_OK) {
            char msg[1024];
            ps_diag_format(&d, l->sv[k]->name, msg, sizeof(msg));
            return cli_usage(cmd, "%s: %s", cmd, msg);
        }
    }
    return PS_EXIT_OK;
}

/* A sweep's svg: the plot against the first swept path whose values are all numbers. */
static enum ps_status sweep_plot(const struct ps_compare_row *rows, size_t n, struct ps_buf *buf)
{
    for (int k = 0; n > 0 && k < rows[0].n_extra; k++) {
        const char *key = rows[0].extra[k].key;
        bool numeric = true;
        for (size_t i = 0; i < n && numeric; i++)
            for (int j = 0; j < rows[i].n_extra; j++)
                if (strcmp(rows[i].extra[j].key, key) == 0) {
                    char *end;
                    strtod(rows[i].extra[j].value, &end);
                    numeric = end != rows[i].extra[j].value && *end == '\0';
                }
        if (!numeric)
            continue;
        char title[256];
        snprintf(title, sizeof title, "%.100s: makespan and bubble against %.60s", rows[0].scenario,
                 key);
        return ps_export_sweep_svg(rows, n, key, title, 900, buf);
    }
    return PS_EINVAL;
}

int cli_write_rows(enum ps_format fmt, const char *out, const struct ps_compare_row *rows, size_t n,
                   const char *trailer)
{
    struct ps_buf buf;
    ps_buf_init(&buf);
    enum ps_status st;
    if (fmt == PS_FMT_CSV)
        st = ps_export_compare_csv(rows, n, &buf);
    else if (fmt == PS_FMT_JSON)
        st = ps_export_compare_json(rows, n, &buf);
    else if (fmt == PS_FMT_SVG)
        st = sweep_plot(rows, n, &buf);
    else if (fmt == PS_FMT_LATEX)
        st = ps_export_compare_latex(rows, n, &buf);
    else if (fmt == PS_FMT_MARKDOWN)
        st = ps_export_compare_markdown(rows, n, &buf);
    else
        st = ps_export_compare_table(rows, n, &buf);
    if (st == PS_OK && trailer != NULL && fmt == PS_FMT_TABLE)
        st = ps_buf_append(&buf, trailer, strlen(trailer));
    int rc;
    if (st != PS_OK)
        rc = cli_fail("cannot write the %s output: %s", ps_format_name(fmt), ps_status_str(st));
    else
        rc = cli_write_output(out, buf.data ? buf.data : "", buf.len);
    ps_buf_fini(&buf);
    return rc;
}

#define COMPARE_FORMATS "table|csv|json|svg|pdf|png|latex|markdown"
#define SWEEP_FORMATS "csv|json|table|svg|latex|markdown"

/* Parses compare's or sweep's options; returns -1 to go on, else an exit code. */
int cli_compare_opts_parse(const struct cli_env *env, const char *cmd, int argc, char **argv,
                           struct cli_compare_opts *o)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"schedules", required_argument, NULL, 's'},
        {"param", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"vary", required_argument, NULL, 'v'},
        CLI_FIGURE_LONG_OPTIONS,
        {"baseline", required_argument, NULL, 'b'},
        {"arrangement", required_argument, NULL, 'a'},
        {"knee-eps", required_argument, NULL, 'k'},
        {"shard", required_argument, NULL, 'S'},
        {"no-timing", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    bool sweep = strcmp(cmd, "sweep") == 0;
    int c, rc;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, sweep ? ":hs:p:f:o:v:b:" : ":hs:p:f:o:w:b:", opts, NULL)) !=
           -1) {
        int taken = ps_cli_scenario_opt(&o->so, c, optarg);
        if (taken < 0)
            return PS_EXIT_USAGE;
        if (taken)
            continue;
        if (!sweep && (taken = cli_figure_opt(cmd, &o->fig, c, optarg)) != 0) {
            if (taken < 0)
                return PS_EXIT_USAGE;
            continue;
        }
        switch (c) {
        case 's':
            if ((rc = cli_once(cmd, &o->schedules, "--schedules", optarg)) >= 0)
                return rc;
            break;
        case 'p':
            /* a workload planning setting is an edit of the scenario's workload */
            if (ps_cli_is_plan_param(optarg)) {
                if (ps_cli_scenario_plan_param(&o->so, optarg) < 0)
                    return PS_EXIT_USAGE;
                break;
            }
            /* optind - 1 is the value's own slot when given as a separate argument;
             * store the pointer itself, argv outlives the command. */
            o->param_kv[o->n_param++] = optarg;
            break;
        case 'f':
            if ((rc = cli_once(cmd, &o->format, "--format", optarg)) >= 0)
                return rc;
            break;
        case 'o':
            if ((rc = cli_once(cmd, &o->out, "--output", optarg)) >= 0)
                return rc;
            break;
        case 'v':
            if (!sweep)
                return cli_getopt_error(cmd, '?', argv);
            if (o->n_vary == CLI_MAX_VARY)
                return cli_usage(cmd, "%s: at most %d --vary", cmd, CLI_MAX_VARY);
            o->vary[o->n_vary++] = optarg;
            break;
        case 'b':
            if ((rc = cli_once(cmd, &o->baseline, "--baseline", optarg)) >= 0)
                return rc;
            break;
        case 'a':
            if (sweep)
                return cli_usage(cmd,
                                 "%s: --arrangement is compare's; sweep takes --vary "
                                 "network.arrangement=decoupled,rendezvous",
                                 cmd);
            if ((rc = cli_once(cmd, &o->arrangements, "--arrangement", optarg)) >= 0)
                return rc;
            break;
        case 'k':
        case 'S':
        case 'T':
            if (!sweep)
                return cli_getopt_error(cmd, '?', argv);
            if (c == 'T') {
                o->no_timing = true;
            } else if (c == 'S') {
                if ((rc = cli_once(cmd, &o->shard, "--shard", optarg)) >= 0)
                    return rc;
            } else {
                char *end;
                double e = strtod(optarg, &end);
                if (*end || !(e >= 0 && e < 10))
                    return cli_usage(cmd, "%s: --knee-eps '%s': expected a fraction like 0.05", cmd,
                                     optarg);
                o->knee_eps = e;
            }
            break;
        case 'F':
            cli_set_force(true);
            break;
        case 'h':
            return cli_print_help(env, cmd);
        default:
            return cli_getopt_error(cmd, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage(cmd, "%s: unexpected argument '%s'", cmd, argv[optind]);
    if (o->shard) {
        /* a shard is a shard file whatever its name; --format names what merge writes */
        o->fmt = o->format ? ps_format_parse(o->format) : PS_FMT_CSV;
        if (o->fmt != PS_FMT_CSV && o->fmt != PS_FMT_JSON && o->fmt != PS_FMT_TABLE &&
            o->fmt != PS_FMT_SVG)
            return cli_usage(cmd, "%s: --format '%s': expected table, csv, json or svg", cmd,
                             o->format);
        return -1;
    }
    rc = cli_output_format(cmd, o->format, o->out, sweep ? SWEEP_FORMATS : COMPARE_FORMATS,
                           sweep ? PS_FMT_CSV : PS_FMT_TABLE, &o->fmt);
    if (rc != PS_EXIT_OK)
        return rc;
    return -1;
}

void cli_compare_opts_init(struct cli_compare_opts *o, int argc)
{
    memset(o, 0, sizeof(*o));
    o->fig.width_px = 1000;
    o->knee_eps = 0.05;
    ps_cli_scenario_init(&o->so);
    o->param_kv = calloc((size_t)argc + 1, sizeof(char *));
    o->vary = calloc(CLI_MAX_VARY, sizeof(char *));
}

void cli_compare_opts_fini(struct cli_compare_opts *o)
{
    ps_cli_scenario_fini(&o->so);
    free(o->param_kv);
    free(o->vary);
}
