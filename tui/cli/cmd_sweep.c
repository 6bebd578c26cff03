/* `pipescope sweep`: compare over the cartesian product of --vary values (scenario fields,
 * calculator settings, schedule parameters), one extra column per varied path and a knee
 * per numeric one; every point is built before any schedule runs. With --shard I/N it
 * computes its share of the points and writes a shard for `pipescope merge`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "presets/presets.h"
#include "tui/cli/common.h"
#include "tui/cli/compare_common.h"
#include "tui/cli/sweep.h"

const char cli_help_sweep[] =
    "Usage: pipescope sweep [SCENARIO OPTIONS] --vary PATH=V1,V2,... [--vary ...]\n"
    "                       [--schedules a,b,...|all] [--param [NAME.]KEY=VALUE ...]\n"
    "                       [--baseline NAME] [--knee-eps E] [--no-timing]\n"
    "                       [--shard I/N] [--format csv|json|table|svg|latex|markdown]\n"
    "                       [-o FILE]\n"
    "\n"
    "Compares the schedules at every point of the cartesian product of the --vary values\n"
    "(applied in the order given), one row per (point, schedule), with one extra column per\n"
    "varied PATH holding the value set, and for each numeric PATH a column knee:PATH.\n"
    "\n"
    "  -v, --vary PATH=VALUES  what to vary (at most 8 --vary, at most 10000 points):\n"
    "                         a scenario field (any --set path: network.inter_dc.latency_ms);\n"
    "                         a calculator setting with --model/--cluster (model.seq,\n"
    "                         model.microbatch_size, cluster.pp, cluster.dp, ...); a schedule\n"
    "                         parameter (greedy.n_sub, or KEY for every schedule that has it).\n"
    "                         VALUES is a comma-separated list whose items are a value (20,\n"
    "                         null), a range START:STOP:STEP (0:100:25 is 0,25,50,75,100), or\n"
    "                         NUMx, a multiple of the scenario's largest forward time T_F\n"
    "                         (for _ms fields)\n"
    "  -s, --schedules LIST   as in compare (default: all)\n"
    "  -p, --param ...        as in compare\n"
    "  -b, --baseline NAME    as in compare, per point\n"
    "      --knee-eps E       the knee of PATH is the smallest value at which a schedule's\n"
    "                         makespan is within E of its best over PATH's range, the other\n"
    "                         paths fixed (default 0.05)\n"
    "      --no-timing        leave solve_ms empty, so that two runs of one sweep write the\n"
    "                         same bytes\n"
    "      --shard I/N        compute only the points p with p mod N = I (0 <= I < N) and\n"
    "                         write a shard (JSON) for `pipescope merge`, which writes what one\n"
    "                         run would have, in --format\n"
    "  -f, --format FORMAT    csv (default), json, table, latex, markdown, or svg: a plot of\n"
    "                         makespan and bubble against the first numeric PATH, a line per\n"
    "                         schedule, knees ringed\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "      --force            replace FILE even when it is read-only\n"
    "\n"
    "Every point is built before any schedule runs: an invalid point fails the sweep\n"
    "(naming the point) and writes nothing.\n";

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* "I/N" -> shard I of N. */
static int parse_shard(const char *text, int *shard, int *shards)
{
    char *end;
    long i = strtol(text, &end, 10), n = -1;
    if (end != text && *end == '/')
        n = strtol(end + 1, &end, 10);
    if (*end != '\0' || n < 1 || n > 100000 || i < 0 || i >= n)
        return cli_usage("sweep", "sweep: --shard '%s': expected I/N with 0 <= I < N", text);
    *shard = (int)i;
    *shards = (int)n;
    return PS_EXIT_OK;
}

/* Every point once, before anything runs; notes what cannot matter. */
static int check_points(const struct sweep *w, struct ps_params *params, int *idx)
{
    bool any_multi_dc = false;
    for (long pt = 0; pt < w->points; pt++) {
        struct ps_scenario sc;
        int rc = sweep_point(w, pt, &sc, params, idx);
        if (rc != PS_EXIT_OK)
            return rc;
        any_multi_dc |= sc.n_dcs > 1;
        ps_scenario_fini(&sc);
    }
    for (int k = 0; k < w->n_vary && !any_multi_dc; k++)
        if (strncmp(w->vs[k].path, "network.inter_dc", 16) == 0 ||
            strncmp(w->vs[k].path, "network.pairs", 13) == 0)
            fprintf(stderr,
                    "pipescope: sweep: note: every point has one datacenter, so no message "
                    "crosses an inter-DC link and --vary %s changes nothing\n",
                    w->vs[k].path);
    return PS_EXIT_OK;
}

/* Runs the points p = shard, shard + shards, ... into rows (l->n per point); *ran counts the
 * schedules that ran. */
static int run_points(const struct sweep *w, int shard, int shards, struct ps_compare_row *rows,
                      long *points, struct ps_params *params, int *idx, size_t *ran)
{
    const struct cli_sched_list *l = w->l;
    bool show = isatty(STDERR_FILENO) && w->points > 1, shown = false;
    double last = now_ms();
    size_t r = 0;
    for (long pt = shard; pt < w->points; pt += shards) {
        if (show && now_ms() - last >= 200) {
            /* Long sweeps say where they are (a terminal only; scripts get no noise). */
            fprintf(stderr, "\r\033[Kpipescope: sweep: point %ld of %ld", pt + 1, w->points);
            fflush(stderr);
            last = now_ms();
            shown = true;
        }
        struct ps_scenario sc;
        int rc = sweep_point(w, pt, &sc, params, idx);
        if (rc != PS_EXIT_OK)
            return rc;
        for (size_t i = 0; i < l->n; i++, r++) {
            if (cli_run_row(l->sv[i], &sc, &params[i], &rows[r]))
                (*ran)++;
            if (w->o->no_timing)
                rows[r].solve_ms = NAN;
            points[r] = pt;
            rows[r].n_extra = w->n_vary;
            for (int k = 0; k < w->n_vary; k++) {
                /* Same size: the path was checked to fit a column name. */
                memcpy(rows[r].extra[k].key, w->vs[k].path, sizeof(rows[r].extra[k].key));
                snprintf(rows[r].extra[k].value, sizeof(rows[r].extra[k].value), "%s",
                         w->vs[k].values[idx[k]]);
            }
        }
        ps_scenario_fini(&sc);
    }
    if (shown)
        fputs("\r\033[K", stderr);
    return PS_EXIT_OK;
}

static int write_shard(const struct sweep *w, int shard, int shards,
                       const struct ps_compare_row *rows, const long *points, size_t n)
{
    struct ps_sweep_shard info;
    memset(&info, 0, sizeof(info));
    sweep_fingerprint(w, info.sweep);
    info.shard = shard;
    info.shards = shards;
    info.points = w->points;
    info.per_point = (int)w->l->n;
    snprintf(info.output, sizeof(info.output), "%s", w->o->format);
    info.knee_eps = w->o->knee_eps;
    if (w->o->baseline)
        snprintf(info.baseline, sizeof(info.baseline), "%s", ps_solver_find(w->o->baseline)->name);
    struct ps_buf buf;
    ps_buf_init(&buf);
    enum ps_status st = ps_export_sweep_shard(&info, rows, points, n, &buf);
    int rc = st == PS_OK ? cli_write_output(w->o->out, buf.data ? buf.data : "", buf.len)
                         : cli_fail("cannot write the shard: %s", ps_status_str(st));
    ps_buf_fini(&buf);
    return rc;
}

static int check_baseline(const struct cli_compare_opts *o, const struct cli_sched_list *l)
{
    if (!o->baseline)
        return PS_EXIT_OK;
    const struct ps_solver *b = ps_solver_find(o->baseline);
    for (size_t i = 0; i < l->n && b; i++)
        if (l->sv[i] == b)
            return PS_EXIT_OK;
    return cli_usage("sweep", "sweep: --baseline %s: %s", o->baseline,
                     b ? "add it to --schedules" : "not a schedule");
}

int cli_cmd_sweep(const struct cli_env *env, int argc, char **argv)
{
    struct cli_compare_opts o;
    cli_compare_opts_init(&o, argc);
    struct cli_sched_list *l = calloc(1, sizeof(*l));
    struct ps_params *params = calloc(CLI_MAX_SCHEDULES, sizeof(*params));
    struct ps_compare_row *rows = NULL;
    long *points = NULL;
    struct sweep w;
    memset(&w, 0, sizeof(w));
    int rc, idx[CLI_MAX_VARY], shard = 0, shards = 1;
    if (!o.param_kv || !o.vary || !l || !params) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if ((rc = cli_compare_opts_parse(env, "sweep", argc, argv, &o)) >= 0)
        goto done;
    if (o.n_vary == 0) {
        rc = cli_usage("sweep", "sweep: nothing to vary: --vary PATH=V1,V2,...");
        goto done;
    }
    if ((rc = cli_parse_schedules("sweep", o.schedules, l)) != PS_EXIT_OK ||
        (rc = cli_apply_params("sweep", l, o.param_kv, o.n_param)) != PS_EXIT_OK ||
        (rc = check_baseline(&o, l)) != PS_EXIT_OK ||
        (o.shard && (rc = parse_shard(o.shard, &shard, &shards)) != PS_EXIT_OK) ||
        (rc = cli_check_output_path(o.out)) != PS_EXIT_OK ||
        (rc = sweep_setup(&w, &o, l)) != PS_EXIT_OK ||
        (rc = check_points(&w, params, idx)) != PS_EXIT_OK)
        goto done;

    size_t mine = (size_t)((w.points - shard + shards - 1) / shards) * l->n, ran = 0;
    rows = calloc(mine ? mine : 1, sizeof(*rows));
    points = calloc(mine ? mine : 1, sizeof(*points));
    if (!rows || !points) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if ((rc = run_points(&w, shard, shards, rows, points, params, idx, &ran)) != PS_EXIT_OK)
        goto done;
    if (o.shard) {
        rc = write_shard(&w, shard, shards, rows, points, mine);
        goto done;
    }
    if (ran == 0 && o.out != NULL && strcmp(o.out, "-") != 0) {
        rc = cli_fail("sweep: no schedule could run at any point (%s not written)", o.out);
        goto done;
    }
    if (o.baseline)
        ps_compare_baseline(rows, mine, ps_solver_find(o.baseline)->name);
    ps_compare_knees(rows, mine, o.knee_eps);
    rc = cli_write_rows(o.fmt, o.out, rows, mine, NULL);
    if (rc == PS_EXIT_OK && ran == 0)
        rc = cli_fail("sweep: no schedule could run at any point");
done:
    sweep_fini(&w);
    free(rows);
    free(points);
    free(params);
    free(l);
    cli_compare_opts_fini(&o);
    return rc;
}
