/* `pipescope compare` (every schedule of one scenario side by side with the lower bound)
 * and `pipescope sweep` (the same over the cartesian product of scenario values, one
 * extra column per varied field). */
#include "tui/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/sim.h"
#include "core/units.h"
#include "export/export.h"
#include "presets/presets.h"
#include "solvers/solver.h"
#include "tui/cli_internal.h"

#define MAX_SCHEDULES 64
#define MAX_VARY 8
#define MAX_VALUES 10000
#define MAX_POINTS 10000

/* The schedules to run and each one's parameters. */
struct sched_list {
    size_t n;
    const struct ps_solver *sv[MAX_SCHEDULES];
    struct ps_params params[MAX_SCHEDULES];
};

static bool list_has(const struct sched_list *l, const struct ps_solver *sv)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->sv[i] == sv)
            return true;
    return false;
}

static void list_add(struct sched_list *l, const struct ps_solver *sv)
{
    if (!list_has(l, sv) && l->n < MAX_SCHEDULES)
        l->sv[l->n++] = sv;
}

/* "all", "all,optimal", "gpipe,1f1b", ...; NULL means "all". */
static int parse_schedules(const char *cmd, const char *text, struct sched_list *l)
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
                return cli_usage(cmd, "%s: unknown schedule '%s' (known: %s, or all)", cmd, name,
                                 names);
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
static int apply_params(const char *cmd, struct sched_list *l, char **kvs, int n_kv)
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

bool cli_run_row(const struct ps_solver *sv, const struct ps_scenario *sc,
                 const struct ps_params *params, struct ps_compare_row *row)
{
    struct ps_schedule *s = NULL;
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = cli_solver_run(sv, sc, params, &s, &d);
    if (st == PS_OK && s) {
        ps_compare_row_from(row, s);
        ps_schedule_free(s);
        return true;
    }
    ps_schedule_free(s);
    memset(row, 0, sizeof(*row));
    snprintf(row->scenario, sizeof(row->scenario), "%s", sc->name);
    snprintf(row->schedule, sizeof(row->schedule), "%s", sv->name);
    snprintf(row->status, sizeof(row->status), "error");
    row->makespan_ms = NAN;
    row->bubble_ratio = NAN;
    row->peak_memory = NAN;
    row->memory_ok = false;
    row->lower_bound_ms = ps_ns_to_ms(ps_lower_bound_ns(sc));
    row->ratio_to_lower_bound = NAN;
    row->solve_ms = 0;
    char msg[1024];
    if (!d.msg[0] && !d.path[0])
        snprintf(d.msg, sizeof(d.msg), "%s", ps_status_str(st));
    ps_diag_format(&d, sv->name, msg, sizeof(msg));
    fprintf(stderr, "pipescope: %s\n", msg);
    return false;
}

static int write_rows(const char *format, const char *out, const struct ps_compare_row *rows,
                      size_t n)
{
    struct ps_buf buf;
    ps_buf_init(&buf);
    enum ps_status st;
    if (strcmp(format, "csv") == 0)
        st = ps_export_compare_csv(rows, n, &buf);
    else if (strcmp(format, "json") == 0)
        st = ps_export_compare_json(rows, n, &buf);
    else
        st = ps_export_compare_table(rows, n, &buf);
    int rc;
    if (st != PS_OK)
        rc = cli_fail("cannot write the %s output: %s", format, ps_status_str(st));
    else
        rc = cli_write_output(out, buf.data ? buf.data : "", buf.len);
    ps_buf_fini(&buf);
    return rc;
}

/* Options common to compare and sweep. */
struct compare_opts {
    struct ps_cli_scenario so;
    const char *schedules, *format, *out;
    int width;       /* svg figure width in px */
    char **param_kv; /* borrowed from argv */
    int n_param;
    char **vary; /* sweep only, borrowed from argv */
    int n_vary;
};

/* Parses compare's or sweep's options; returns -1 to go on, else an exit code. */
static int parse_compare_opts(const char *cmd, int argc, char **argv, struct compare_opts *o)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"schedules", required_argument, NULL, 's'},
        {"param", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"vary", required_argument, NULL, 'v'},
        {"width", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    bool sweep = strcmp(cmd, "sweep") == 0;
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, sweep ? ":hs:p:f:o:v:" : ":hs:p:f:o:w:", opts, NULL)) !=
           -1) {
        int taken = ps_cli_scenario_opt(&o->so, c, optarg);
        if (taken < 0)
            return PS_EXIT_USAGE;
        if (taken)
            continue;
        switch (c) {
        case 's':
            o->schedules = optarg;
            break;
        case 'p':
            /* optind - 1 is the value's own slot when given as a separate argument;
             * store the pointer itself, argv outlives the command. */
            o->param_kv[o->n_param++] = optarg;
            break;
        case 'f':
            o->format = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'v':
            if (!sweep)
                return cli_getopt_error(cmd, '?', argv);
            if (o->n_vary == MAX_VARY)
                return cli_usage(cmd, "%s: at most %d --vary", cmd, MAX_VARY);
            o->vary[o->n_vary++] = optarg;
            break;
        case 'w': {
            if (sweep)
                return cli_getopt_error(cmd, '?', argv);
            char *end;
            long w = strtol(optarg, &end, 10);
            if (*end || w < 320 || w > 100000)
                return cli_usage(cmd, "%s: --width '%s': expected pixels, 320 to 100000", cmd,
                                 optarg);
            o->width = (int)w;
            break;
        }
        case 'h':
            return cli_print_help(cmd);
        default:
            return cli_getopt_error(cmd, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage(cmd, "%s: unexpected argument '%s'", cmd, argv[optind]);
    if (!o->format)
        o->format = cli_format_of_path(o->out, false) ? cli_format_of_path(o->out, false)
                    : sweep                           ? "csv"
                                                      : "table";
    else if (cli_format_of_path(o->out, false) &&
             strcmp(cli_format_of_path(o->out, false), o->format) != 0)
        fprintf(stderr, "pipescope: %s: note: writing %s to %s (--format wins over the name)\n",
                cmd, o->format, o->out);
    if (!cli_word_in(o->format, sweep ? "table|csv|json" : "table|csv|json|svg"))
        return cli_usage(cmd, "%s: --format '%s': expected table, csv or json%s", cmd, o->format,
                         sweep ? "" : " (or svg)");
    return -1;
}

static void compare_opts_init(struct compare_opts *o, int argc)
{
    memset(o, 0, sizeof(*o));
    o->width = 1000;
    ps_cli_scenario_init(&o->so);
    o->param_kv = calloc((size_t)argc + 1, sizeof(char *));
    o->vary = calloc(MAX_VARY, sizeof(char *));
}

static void compare_opts_fini(struct compare_opts *o)
{
    ps_cli_scenario_fini(&o->so);
    free(o->param_kv);
    free(o->vary);
}

const char cli_help_compare[] =
    "Usage: pipescope compare [SCENARIO OPTIONS] [--schedules a,b,...|all]\n"
    "                         [--param [NAME.]KEY=VALUE ...] [--format table|csv|json|svg]\n"
    "                         [--width PX] [-o FILE]\n"
    "\n"
    "Runs every schedule on the scenario and prints them side by side with the lower bound:\n"
    "makespan, bubble ratio, peak memory (and whether it fits the limit), ratio to the\n"
    "lower bound, solve time. A schedule that cannot run on the scenario shows as a row\n"
    "with status 'error' and the reason on stderr; the command fails only when none ran.\n"
    "\n"
    "  -s, --schedules LIST   comma-separated names, 'all' (default: every schedule but\n"
    "                         the slow ones) or 'all,optimal'\n"
    "  -p, --param NAME.KEY=VALUE  a parameter of one schedule; KEY=VALUE sets it on every\n"
    "                         compared schedule that has KEY (repeatable)\n"
    "  -f, --format FORMAT    table (default), csv or json (SPEC 9), or svg: a figure with\n"
    "                         the schedules stacked on one time axis; with -o FILE ending\n"
    "                         in .csv, .json or .svg the format follows the file name\n"
    "  -w, --width PX         width of the svg figure (default 1000, at least 320)\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n";

/* compare --format svg: runs every schedule, keeps the ones that ran and draws them
 * stacked on one time axis. A schedule that cannot run is reported on stderr and left
 * out, as a table row would say "error". */
static int write_svg(const struct sched_list *l, const struct ps_scenario *sc, const char *out,
                     int width)
{
    struct ps_schedule **s = calloc(l->n ? l->n : 1, sizeof(*s));
    if (!s)
        return cli_fail("out of memory");
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        struct ps_diag d;
        ps_diag_clear(&d);
        struct ps_schedule *one = NULL;
        enum ps_status st = ps_solver_run(l->sv[i], sc, &l->params[i], NULL, &one, &d);
        if (st == PS_OK && one) {
            s[n++] = one;
            continue;
        }
        ps_schedule_free(one);
        char msg[1024];
        if (!d.msg[0] && !d.path[0])
            snprintf(d.msg, sizeof(d.msg), "%s", ps_status_str(st));
        ps_diag_format(&d, l->sv[i]->name, msg, sizeof(msg));
        fprintf(stderr, "pipescope: %s\n", msg);
    }
    int rc;
    if (n == 0) {
        rc = cli_fail("compare: no schedule could run on this scenario");
    } else {
        struct ps_buf buf;
        ps_buf_init(&buf);
        enum ps_status st =
            ps_export_schedule_svg((const struct ps_schedule *const *)s, n, width, &buf);
        if (st != PS_OK)
            rc = cli_fail("cannot write the svg output: %s", ps_status_str(st));
        else
            rc = cli_write_output(out, buf.data ? buf.data : "", buf.len);
        ps_buf_fini(&buf);
    }
    for (size_t i = 0; i < n; i++)
        ps_schedule_free(s[i]);
    free(s);
    return rc;
}

int cli_cmd_compare(int argc, char **argv)
{
    struct compare_opts o;
    compare_opts_init(&o, argc);
    struct sched_list *l = calloc(1, sizeof(*l));
    struct ps_compare_row *rows = NULL;
    struct ps_scenario sc;
    bool have_sc = false;
    int rc;
    if (!o.param_kv || !o.vary || !l) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if ((rc = parse_compare_opts("compare", argc, argv, &o)) >= 0)
        goto done;
    if ((rc = parse_schedules("compare", o.schedules, l)) != PS_EXIT_OK)
        goto done;
    if ((rc = apply_params("compare", l, o.param_kv, o.n_param)) != PS_EXIT_OK)
        goto done;
    if ((rc = cli_check_output_path(o.out)) != PS_EXIT_OK)
        goto done;
    if ((rc = ps_cli_scenario_resolve(&o.so, &sc, NULL, 0)) != PS_EXIT_OK)
        goto done;
    have_sc = true;
    if (strcmp(o.format, "svg") == 0) {
        rc = write_svg(l, &sc, o.out, o.width);
        goto done;
    }
    rows = calloc(l->n ? l->n : 1, sizeof(*rows));
    if (!rows) {
        rc = cli_fail("out of memory");
        goto done;
    }
    size_t ran = 0;
    for (size_t i = 0; i < l->n; i++)
        if (cli_run_row(l->sv[i], &sc, &l->params[i], &rows[i]))
            ran++;
    if (ran == 0 && o.out != NULL && strcmp(o.out, "-") != 0) {
        /* A failed run never replaces a good file with a table of errors. */
        rc = cli_fail("compare: no schedule could run on this scenario (%s not written)", o.out);
        goto done;
    }
    rc = write_rows(o.format, o.out, rows, l->n);
    if (rc == PS_EXIT_OK && ran == 0)
        rc = cli_fail("compare: no schedule could run on this scenario");
done:
    free(rows);
    free(l);
    if (have_sc)
        ps_scenario_fini(&sc);
    compare_opts_fini(&o);
    return rc;
}

/* ---- sweep ------------------------------------------------------------------------- */

const char cli_help_sweep[] =
    "Usage: pipescope sweep [SCENARIO OPTIONS] --vary PATH=V1,V2,... [--vary ...]\n"
    "                       [--schedules a,b,...|all] [--param [NAME.]KEY=VALUE ...]\n"
    "                       [--format csv|json|table] [-o FILE]\n"
    "\n"
    "Compares the schedules at every point of the cartesian product of the --vary values\n"
    "(each applied to the scenario like --set, in the order given), one row per (point,\n"
    "schedule), with one extra column per varied PATH holding the value set.\n"
    "\n"
    "  -v, --vary PATH=VALUES  values of one scenario field (at most 8 --vary, at most\n"
    "                         10000 points). VALUES is a comma-separated list whose items\n"
    "                         are a value (20, null), a range START:STOP:STEP (0:100:25 is\n"
    "                         0,25,50,75,100), or a multiple of the scenario's largest\n"
    "                         forward time T_F written NUMx (2x is 2 x T_F ms; for _ms\n"
    "                         fields only)\n"
    "  -s, --schedules LIST   as in compare (default: all)\n"
    "  -p, --param ...        as in compare\n"
    "  -f, --format FORMAT    csv (default), json or table\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "\n"
    "Every point is built before any schedule runs: an invalid point fails the sweep\n"
    "(naming the point) and writes nothing.\n";

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One varied field and its values (expanded to plain text). */
struct vary {
    char path[sizeof(((struct ps_kv *)0)->key)];
    int n;
    char (*values)[64];
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool parse_number(const char *s, size_t len, double *out)
{
    char tmp[64];
    if (len == 0 || len >= sizeof(tmp))
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (*end != '\0' || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static int vary_push(const char *cmd, struct vary *v, double num, const char *text)
{
    if (v->n == MAX_VALUES)
        return cli_usage(cmd, "%s: --vary %s: more than %d values", cmd, v->path, MAX_VALUES);
    if (text)
        snprintf(v->values[v->n], sizeof(v->values[0]), "%s", text);
    else
        snprintf(v->values[v->n], sizeof(v->values[0]), "%.10g", num);
    v->n++;
    return PS_EXIT_OK;
}

/* Expands "PATH=a,b,START:STOP:STEP,2x". */
static int parse_vary(const char *cmd, const char *arg, double t_f_ms, struct vary *v)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return cli_usage(cmd, "%s: --vary '%s': expected PATH=V1,V2,...", cmd, arg);
    size_t plen = (size_t)(eq - arg);
    /* The path becomes a column name: struct ps_kv keys hold 31 characters. */
    if (plen >= sizeof(((struct ps_kv *)0)->key))
        return cli_usage(cmd, "%s: --vary '%s': path longer than %zu characters", cmd, arg,
                         sizeof(((struct ps_kv *)0)->key) - 1);
    memcpy(v->path, arg, plen);
    v->path[plen] = '\0';
    v->values = calloc(MAX_VALUES, sizeof(*v->values));
    if (!v->values)
        return cli_fail("out of memory");
    const char *p = eq + 1;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            return cli_usage(cmd, "%s: --vary '%s': empty value", cmd, arg);
        if (len >= 64)
            return cli_usage(cmd, "%s: --vary '%s': value too long", cmd, arg);
        const char *c1 = memchr(p, ':', len);
        double a, b, step, x;
        int rc;
        if (c1) {
            const char *c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - p));
            if (!c2 || !parse_number(p, (size_t)(c1 - p), &a) ||
                !parse_number(c1 + 1, (size_t)(c2 - c1 - 1), &b) ||
                !parse_number(c2 + 1, len - (size_t)(c2 + 1 - p), &step) || step <= 0 || b < a)
                return cli_usage(cmd,
                                 "%s: --vary %s: range '%.*s': expected START:STOP:STEP with "
                                 "STEP > 0 and STOP >= START",
                                 cmd, v->path, (int)len, p);
            double count = floor((b - a) / step + 1e-9) + 1;
            if (count > MAX_VALUES)
                return cli_usage(cmd, "%s: --vary %s: more than %d values", cmd, v->path,
                                 MAX_VALUES);
            for (int i = 0; i < (int)count; i++)
                if ((rc = vary_push(cmd, v, a + i * step, NULL)) != PS_EXIT_OK)
                    return rc;
        } else if (p[len - 1] == 'x' && parse_number(p, len - 1, &x)) {
            if (!ends_with(v->path, "_ms"))
                return cli_usage(cmd, "%s: --vary %s: '%.*s' (times T_F) is for _ms fields only",
                                 cmd, v->path, (int)len, p);
            if ((rc = vary_push(cmd, v, x * t_f_ms, NULL)) != PS_EXIT_OK)
                return rc;
        } else {
            char text[64];
            memcpy(text, p, len);
            text[len] = '\0';
            if ((rc = vary_push(cmd, v, 0, text)) != PS_EXIT_OK)
                return rc;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return PS_EXIT_OK;
}

/* Builds the scenario of point `point` (mixed-radix index over the varies). */
/* Which part of the pipeline's shape a --vary path changes: 1 the stage layout, 2 the
 * microbatches, 0 neither. */
static int vary_shape(const char *p)
{
    if (strcmp(p, "stages") == 0 || strcmp(p, "datacenters") == 0 ||
        (strncmp(p, "datacenters.", 12) == 0 && ends_with(p, ".stages")) ||
        strncmp(p, "compute.per_stage", 17) == 0)
        return 1;
    if (strcmp(p, "microbatches") == 0 || strncmp(p, "per_microbatch", 14) == 0)
        return 2;
    return 0;
}

/* Two --vary paths where the later can rewrite what the earlier set. */
static bool vary_overlap(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la < lb && strncmp(a, b, la) == 0 && b[la] == '.') ||
        (lb < la && strncmp(a, b, lb) == 0 && a[lb] == '.'))
        return true;
    return vary_shape(a) != 0 && vary_shape(a) == vary_shape(b);
}

static int build_point(const struct ps_scenario *base, const struct vary *vs, int n_vary,
                       long point, struct ps_scenario *out, int *idx)
{
    long rest = point;
    for (int k = n_vary - 1; k >= 0; k--) {
        idx[k] = (int)(rest % vs[k].n);
        rest /= vs[k].n;
    }
    if (ps_scenario_copy(out, base) != PS_OK)
        return cli_fail("out of memory");
    for (int k = 0; k < n_vary; k++) {
        struct ps_diag d;
        ps_diag_clear(&d);
        if (ps_scenario_set_path(out, vs[k].path, vs[k].values[idx[k]], &d) != PS_OK) {
            char where[512] = "", msg[1024];
            size_t used = 0;
            for (int j = 0; j < n_vary; j++)
                used += (size_t)snprintf(where + used, sizeof(where) - used, "%s%s=%s",
                                         j ? ", " : "", vs[j].path, vs[j].values[idx[j]]);
            ps_diag_format(&d, NULL, msg, sizeof(msg));
            ps_scenario_fini(out);
            return cli_fail("sweep: point %s: %s", where, msg);
        }
    }
    return PS_EXIT_OK;
}

int cli_cmd_sweep(int argc, char **argv)
{
    struct compare_opts o;
    compare_opts_init(&o, argc);
    struct sched_list *l = calloc(1, sizeof(*l));
    struct vary vs[MAX_VARY];
    memset(vs, 0, sizeof(vs));
    struct ps_compare_row *rows = NULL;
    struct ps_scenario base;
    bool have_base = false;
    int rc, idx[MAX_VARY];
    if (!o.param_kv || !o.vary || !l) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if ((rc = parse_compare_opts("sweep", argc, argv, &o)) >= 0)
        goto done;
    if (o.n_vary == 0) {
        rc = cli_usage("sweep", "sweep: nothing to vary: --vary PATH=V1,V2,...");
        goto done;
    }
    if ((rc = parse_schedules("sweep", o.schedules, l)) != PS_EXIT_OK)
        goto done;
    if ((rc = apply_params("sweep", l, o.param_kv, o.n_param)) != PS_EXIT_OK)
        goto done;
    if ((rc = cli_check_output_path(o.out)) != PS_EXIT_OK)
        goto done;
    if ((rc = ps_cli_scenario_resolve(&o.so, &base, NULL, 0)) != PS_EXIT_OK)
        goto done;
    have_base = true;

    double t_f = ps_scenario_max_forward_ms(&base);
    long points = 1;
    for (int k = 0; k < o.n_vary; k++) {
        if ((rc = parse_vary("sweep", o.vary[k], t_f, &vs[k])) != PS_EXIT_OK)
            goto done;
        for (int j = 0; j < k; j++) {
            if (strcmp(vs[j].path, vs[k].path) == 0) {
                rc = cli_usage("sweep", "sweep: --vary %s given twice", vs[k].path);
                goto done;
            }
            if (vary_overlap(vs[j].path, vs[k].path))
                fprintf(stderr,
                        "pipescope: sweep: note: --vary %s is applied after --vary %s and may "
                        "change what it set; the %s column shows the value asked for\n",
                        vs[k].path, vs[j].path, vs[j].path);
        }
        points *= vs[k].n;
        if (points > MAX_POINTS) {
            rc = cli_usage("sweep", "sweep: more than %d points", MAX_POINTS);
            goto done;
        }
    }

    /* Every point first, so that an invalid one fails before any work or output. */
    bool any_multi_dc = false;
    for (long pt = 0; pt < points; pt++) {
        struct ps_scenario sc;
        if ((rc = build_point(&base, vs, o.n_vary, pt, &sc, idx)) != PS_EXIT_OK)
            goto done;
        any_multi_dc |= sc.n_dcs > 1;
        ps_scenario_fini(&sc);
    }
    for (int k = 0; k < o.n_vary && !any_multi_dc; k++)
        if (strncmp(vs[k].path, "network.inter_dc", 16) == 0 ||
            strncmp(vs[k].path, "network.pairs", 13) == 0)
            fprintf(stderr,
                    "pipescope: sweep: note: every point has one datacenter, so no message "
                    "crosses an inter-DC link and --vary %s changes nothing\n",
                    vs[k].path);

    size_t n_rows = (size_t)points * l->n, r = 0, ran = 0;
    rows = calloc(n_rows ? n_rows : 1, sizeof(*rows));
    if (!rows) {
        rc = cli_fail("out of memory");
        goto done;
    }
    bool show = isatty(STDERR_FILENO) && points > 1, shown = false;
    double last = now_ms();
    for (long pt = 0; pt < points; pt++) {
        struct ps_scenario sc;
        if (show && now_ms() - last >= 200) {
            /* Long sweeps say where they are (a terminal only; scripts get no noise). */
            fprintf(stderr, "\r\033[Kpipescope: sweep: point %ld of %ld", pt + 1, points);
            fflush(stderr);
            last = now_ms();
            shown = true;
        }
        if ((rc = build_point(&base, vs, o.n_vary, pt, &sc, idx)) != PS_EXIT_OK)
            goto done;
        for (size_t i = 0; i < l->n; i++, r++) {
            if (cli_run_row(l->sv[i], &sc, &l->params[i], &rows[r]))
                ran++;
            rows[r].n_extra = o.n_vary;
            for (int k = 0; k < o.n_vary; k++) {
                /* Same size: the path was checked to fit a column name. */
                memcpy(rows[r].extra[k].key, vs[k].path, sizeof(rows[r].extra[k].key));
                snprintf(rows[r].extra[k].value, sizeof(rows[r].extra[k].value), "%s",
                         vs[k].values[idx[k]]);
            }
        }
        ps_scenario_fini(&sc);
    }
    if (shown)
        fputs("\r\033[K", stderr);
    if (ran == 0 && o.out != NULL && strcmp(o.out, "-") != 0) {
        rc = cli_fail("sweep: no schedule could run at any point (%s not written)", o.out);
        goto done;
    }
    rc = write_rows(o.format, o.out, rows, n_rows);
    if (rc == PS_EXIT_OK && ran == 0)
        rc = cli_fail("sweep: no schedule could run at any point");
done:
    for (int k = 0; k < MAX_VARY; k++)
        free(vs[k].values);
    free(rows);
    free(l);
    if (have_base)
        ps_scenario_fini(&base);
    compare_opts_fini(&o);
    return rc;
}
