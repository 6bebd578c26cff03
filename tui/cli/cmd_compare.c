/* `pipescope compare`: every schedule of one scenario side by side with the lower bound,
 * as a table, csv, json or an svg figure of the schedules on one time axis. */
#include "tui/cli/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "tui/cli/compare_common.h"

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
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "      --force            replace FILE even when it is read-only\n";

/* compare --format svg: runs every schedule, keeps the ones that ran and draws them
 * stacked on one time axis. A schedule that cannot run is reported on stderr and left
 * out, as a table row would say "error". */
static int write_svg(const struct cli_sched_list *l, const struct ps_scenario *sc, const char *out,
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

int cli_cmd_compare(const struct cli_env *env, int argc, char **argv)
{
    struct cli_compare_opts o;
    cli_compare_opts_init(&o, argc);
    struct cli_sched_list *l = calloc(1, sizeof(*l));
    struct ps_compare_row *rows = NULL;
    struct ps_scenario sc;
    bool have_sc = false;
    int rc;
    if (!o.param_kv || !o.vary || !l) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if ((rc = cli_compare_opts_parse(env, "compare", argc, argv, &o)) >= 0)
        goto done;
    if ((rc = cli_parse_schedules("compare", o.schedules, l)) != PS_EXIT_OK)
        goto done;
    if ((rc = cli_apply_params("compare", l, o.param_kv, o.n_param)) != PS_EXIT_OK)
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
    for (size_t i = 0; i < l->n; i++) {
        if (cli_run_row(l->sv[i], &sc, &l->params[i], &rows[i]))
            ran++;
        if (rows[i].note[0])
            fprintf(stderr, "pipescope: %s: note: %s\n", rows[i].schedule, rows[i].note);
    }
    if (ran == 0 && o.out != NULL && strcmp(o.out, "-") != 0) {
        /* A failed run never replaces a good file with a table of errors. */
        rc = cli_fail("compare: no schedule could run on this scenario (%s not written)", o.out);
        goto done;
    }
    rc = cli_write_rows(o.format, o.out, rows, l->n);
    if (rc == PS_EXIT_OK && ran == 0)
        rc = cli_fail("compare: no schedule could run on this scenario");
done:
    free(rows);
    free(l);
    if (have_sc)
        ps_scenario_fini(&sc);
    cli_compare_opts_fini(&o);
    return rc;
}
