/* `pipescope compare`: every schedule of one scenario side by side with the lower bound,
 * as a table, csv, json or an svg figure of the schedules on one time axis. */
#include "tui/cli/common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "tui/cli/compare_common.h"

const char cli_help_compare[] =
    "Usage: pipescope compare [SCENARIO OPTIONS] [--schedules a,b,...|all]\n"
    "                         [--param [NAME.]KEY=VALUE ...] [--format FORMAT]\n"
    "                         [FIGURE OPTIONS] [-o FILE]\n"
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
    "  -f, --format FORMAT    table (default), csv or json (SPEC 9, with the provenance),\n"
    "                         latex (booktabs) or markdown for papers, or svg, pdf, png:\n"
    "                         a figure with the schedules stacked on one time axis; with\n"
    "                         -o FILE the name decides (.csv, .json, .tex, .md, .txt, .svg,\n"
    "                         .pdf, .png; in any case); other names are refused unless\n"
    "                         --format is given\n"
    "  -b, --baseline NAME    compare every row with schedule NAME: the change of the bubble\n"
    "                         ratio and of the makespan (GeoPipe's \"bubble ratio reduced by\n"
    "                         X%\"); columns bubble_reduction and makespan_reduction in files\n"
    "      --arrangement LIST run under each communication arrangement of LIST (decoupled,\n"
    "                         rendezvous, blocking, or all), one group of rows each; with\n"
    "                         decoupled and rendezvous the table ends with CrossPipe's headline:\n"
    "                         the greedy against the best static schedule under each\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "      --force            replace FILE even when it is read-only\n"
    "\n"
    "Files carry the bubble by cause (bubble_fill, bubble_cross_dc, ...: shares of S x\n"
    "makespan that add up to bubble_ratio); the table shows it as a bar of tenths. The best\n"
    "makespan within the memory limit is starred (bold in latex and markdown); '!' marks a\n"
    "peak over the limit. FIGURE OPTIONS: see below.\n";

/* compare's figure (svg, pdf, png): runs every schedule, keeps the ones that ran and draws
 * them stacked on one time axis. A schedule that cannot run is reported on stderr and left
 * out, as a table row would say "error". */
static int write_figure(const struct cli_sched_list *l, const struct ps_scenario *sc,
                        const char *out, const struct cli_compare_opts *o)
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
        rc = cli_write_figure("compare", o->fmt, out, (const struct ps_schedule *const *)s, n,
                              &o->fig);
    }
    for (size_t i = 0; i < n; i++)
        ps_schedule_free(s[i]);
    free(s);
    return rc;
}

/* --arrangement LIST: the arrangements in the order given ("all": every one). Returns the
 * count, or -1 after a usage message. */
static int parse_arrangements(const char *text, enum ps_arrangement *out)
{
    int n = 0;
    if (strcmp(text, "all") == 0) {
        for (int a = 0; a < PS_ARRANGE_COUNT; a++)
            out[n++] = (enum ps_arrangement)a;
        return n;
    }
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        char word[32];
        snprintf(word, sizeof word, "%.*s", (int)(len < 31 ? len : 31), p);
        int a = ps_arrangement_parse(word);
        bool dup = false;
        for (int i = 0; i < n; i++)
            dup |= out[i] == (enum ps_arrangement)a;
        if (a < 0 || dup || n == PS_ARRANGE_COUNT) {
            cli_usage("compare",
                      "compare: --arrangement '%s': expected decoupled, rendezvous, blocking "
                      "(each once) or all",
                      text);
            return -1;
        }
        out[n++] = (enum ps_arrangement)a;
        if (p[len] == '\0')
            return n;
        p += len + 1;
    }
}

static const char *row_arrangement(const struct ps_compare_row *r)
{
    for (int k = 0; k < r->n_extra; k++)
        if (strcmp(r->extra[k].key, "network.arrangement") == 0)
            return r->extra[k].value;
    return "";
}

/* The best static (not adaptive) row within memory under arrangement a, or NULL. */
static const struct ps_compare_row *best_static(const struct cli_sched_list *l,
                                                const struct ps_compare_row *rows, size_t n,
                                                const char *a)
{
    const struct ps_compare_row *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct ps_compare_row *r = &rows[i];
        if (strcmp(row_arrangement(r), a) != 0 || !r->memory_ok || !isfinite(r->makespan_ms) ||
            l->sv[i % l->n]->adaptive)
            continue;
        if (best == NULL || r->makespan_ms < best->makespan_ms)
            best = r;
    }
    return best;
}

/* CrossPipe's headline (its abstract: 33.6% faster than the original static schedules, 21.9%
 * than the optimized ones): the greedy on its own engine (decoupled) against the best static
 * schedule within memory under Megatron's rendezvous and under decoupled. "" when the rows
 * do not hold both. */
static void headline(const struct cli_sched_list *l, const struct ps_compare_row *rows, size_t n,
                     char *buf, size_t size)
{
    const struct ps_compare_row *greedy = NULL;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].schedule, "greedy") == 0 &&
            strcmp(row_arrangement(&rows[i]), "decoupled") == 0 && isfinite(rows[i].makespan_ms))
            greedy = &rows[i];
    const struct ps_compare_row *rdv = best_static(l, rows, n, "rendezvous");
    const struct ps_compare_row *dec = best_static(l, rows, n, "decoupled");
    if (greedy == NULL || rdv == NULL || dec == NULL)
        return;
    snprintf(buf, size,
             "CrossPipe's headline: greedy (decoupled) %.1f ms against the best static schedule "
             "within memory\n"
             "  under rendezvous (Megatron's original): %s %.1f ms, %.1f%% less time (CrossPipe: "
             "33.6%%)\n"
             "  under decoupled (receives posted ahead): %s %.1f ms, %.1f%% less time "
             "(CrossPipe: 21.9%%)\n"
             "  (CrossPipe's figures are for its headline setting, the default preset)\n",
             greedy->makespan_ms, rdv->schedule, rdv->makespan_ms,
             100 * (rdv->makespan_ms - greedy->makespan_ms) / rdv->makespan_ms, dec->schedule,
             dec->makespan_ms, 100 * (dec->makespan_ms - greedy->makespan_ms) / dec->makespan_ms);
}

/* Runs every schedule under each arrangement (rows grouped by arrangement, in list order). */
static size_t run_rows(const struct cli_sched_list *l, const struct ps_scenario *sc,
                       const enum ps_arrangement *arr, int n_arr, struct ps_compare_row *rows)
{
    size_t ran = 0, r = 0;
    for (int a = 0; a < (n_arr > 0 ? n_arr : 1); a++) {
        struct ps_scenario one;
        if (ps_scenario_copy(&one, sc) != PS_OK)
            return ran;
        if (n_arr > 0)
            one.arrangement = arr[a];
        for (size_t i = 0; i < l->n; i++, r++) {
            if (cli_run_row(l->sv[i], &one, &l->params[i], &rows[r]))
                ran++;
            if (rows[r].note[0] && a == 0)
                fprintf(stderr, "pipescope: %s: note: %s\n", rows[r].schedule, rows[r].note);
            if (n_arr > 1) {
                rows[r].n_extra = 1;
                snprintf(rows[r].extra[0].key, sizeof rows[r].extra[0].key, "network.arrangement");
                snprintf(rows[r].extra[0].value, sizeof rows[r].extra[0].value, "%s",
                         ps_arrangement_str(arr[a]));
            }
        }
        ps_scenario_fini(&one);
    }
    return ran;
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
    enum ps_arrangement arr[PS_ARRANGE_COUNT];
    int n_arr = 0;
    if (o.arrangements && (n_arr = parse_arrangements(o.arrangements, arr)) < 0) {
        rc = PS_EXIT_USAGE;
        goto done;
    }
    if (o.baseline && !ps_solver_find(o.baseline)) {
        rc = cli_usage("compare", "compare: --baseline '%s': not a schedule", o.baseline);
        goto done;
    }
    bool base_listed = false;
    for (size_t i = 0; i < l->n && o.baseline; i++)
        base_listed |= l->sv[i] == ps_solver_find(o.baseline);
    if (o.baseline && !base_listed) {
        rc = cli_usage("compare", "compare: --baseline %s: add it to --schedules", o.baseline);
        goto done;
    }
    if ((o.fmt == PS_FMT_SVG || o.fmt == PS_FMT_PDF || o.fmt == PS_FMT_PNG) && n_arr > 1) {
        rc = cli_usage("compare", "compare: a figure holds one arrangement");
        goto done;
    }
    if ((rc = cli_check_output_path(o.out)) != PS_EXIT_OK)
        goto done;
    if ((rc = ps_cli_scenario_resolve(&o.so, &sc, NULL, 0)) != PS_EXIT_OK)
        goto done;
    have_sc = true;
    if (n_arr == 1)
        sc.arrangement = arr[0];
    if (o.fmt == PS_FMT_SVG || o.fmt == PS_FMT_PDF || o.fmt == PS_FMT_PNG) {
        rc = write_figure(l, &sc, o.out, &o);
        goto done;
    }
    size_t n_rows = l->n * (size_t)(n_arr > 1 ? n_arr : 1);
    rows = calloc(n_rows ? n_rows : 1, sizeof(*rows));
    if (!rows) {
        rc = cli_fail("out of memory");
        goto done;
    }
    size_t ran = run_rows(l, &sc, arr, n_arr > 1 ? n_arr : 0, rows);
    if (ran == 0 && o.out != NULL && strcmp(o.out, "-") != 0) {
        /* A failed run never replaces a good file with a table of errors. */
        rc = cli_fail("compare: no schedule could run on this scenario (%s not written)", o.out);
        goto done;
    }
    if (o.baseline)
        ps_compare_baseline(rows, n_rows, ps_solver_find(o.baseline)->name);
    char head[1024];
    headline(l, rows, n_rows, head, sizeof head);
    rc = cli_write_rows(o.fmt, o.out, rows, n_rows, head);
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
