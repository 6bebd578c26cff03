/* `pipescope merge`: joins the shards of one sweep (sweep --shard I/N) into exactly the file
 * one unsharded run writes: the rows in point order, then the baseline and the knees, which
 * need every point. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/common.h"
#include "tui/cli/compare_common.h"

#define MERGE_FORMATS "table|csv|json|svg|latex|markdown"

const char cli_help_merge[] =
    "Usage: pipescope merge SHARD... [--format csv|json|table|svg|latex|markdown] [-o FILE]\n"
    "\n"
    "Joins the shards of one sweep (pipescope sweep ... --shard I/N -o SHARD) into the file\n"
    "the sweep writes when run whole: the same rows, knees and baseline, byte for byte (with\n"
    "--no-timing; otherwise each row keeps its own solve time). Every shard 0..N-1 of the\n"
    "same sweep must be given once, in any order.\n"
    "\n"
    "  -f, --format FORMAT    csv, json, table, svg (the sweep's plot), latex or markdown\n"
    "                         (default: the -o name's, else the sweep's --format)\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "      --force            replace FILE even when it is read-only\n";

struct shard_file {
    const char *path;
    struct ps_sweep_shard info;
    struct ps_compare_row *rows;
    long *points;
    size_t n;
};

static int load_shard(struct shard_file *f)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cli_read_file(f->path, &text, &len);
    if (rc != PS_EXIT_OK)
        return rc;
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = ps_import_sweep_shard(text, len, &f->info, &f->rows, &f->points, &f->n, &d);
    free(text);
    if (st != PS_OK) {
        char msg[1024];
        ps_diag_format(&d, f->path, msg, sizeof(msg));
        return cli_fail("merge: %s", msg);
    }
    return PS_EXIT_OK;
}

/* The shards belong to one sweep and cover it exactly. */
static int check_cover(const struct shard_file *f, int n)
{
    const struct ps_sweep_shard *a = &f[0].info;
    int seen[256] = {0};
    if (a->shards != n)
        return cli_fail("merge: the sweep has %d shard%s, %d given", a->shards,
                        a->shards == 1 ? "" : "s", n);
    for (int i = 0; i < n; i++) {
        const struct ps_sweep_shard *b = &f[i].info;
        if (strcmp(a->sweep, b->sweep) != 0 || a->shards != b->shards || a->points != b->points ||
            a->per_point != b->per_point)
            return cli_fail("merge: %s is a shard of another sweep than %s", f[i].path, f[0].path);
        if (b->shard < 256 && seen[b->shard]++)
            return cli_fail("merge: shard %d of %d given twice (%s)", b->shard, b->shards,
                            f[i].path);
        long want = (a->points - b->shard + a->shards - 1) / a->shards * a->per_point;
        if ((long)f[i].n != want)
            return cli_fail("merge: %s holds %zu rows, its share is %ld", f[i].path, f[i].n, want);
    }
    return PS_EXIT_OK;
}

int cli_cmd_merge(const struct cli_env *env, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *format = NULL, *out = NULL;
    int c, rc;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":hf:o:", opts, NULL)) != -1) {
        if (c == 'f' && (rc = cli_once("merge", &format, "--format", optarg)) >= 0)
            return rc;
        else if (c == 'o' && (rc = cli_once("merge", &out, "--output", optarg)) >= 0)
            return rc;
        else if (c == 'F')
            cli_set_force(true);
        else if (c == 'f' || c == 'o')
            continue;
        else if (c == 'h')
            return cli_print_help(env, "merge");
        else
            return cli_getopt_error("merge", c, argv);
    }
    int n = argc - optind;
    if (n < 1)
        return cli_usage("merge", "merge: no shards given");
    if (n > 256)
        return cli_usage("merge", "merge: at most 256 shards");
    enum ps_format fmt;
    if (format && (rc = cli_output_format("merge", format, out, MERGE_FORMATS, PS_FMT_CSV, &fmt)) !=
                      PS_EXIT_OK)
        return rc;
    rc = cli_check_output_path(out);
    if (rc != PS_EXIT_OK)
        return rc;
    struct shard_file *f = calloc((size_t)n, sizeof(*f));
    struct ps_compare_row *rows = NULL;
    if (!f)
        return cli_fail("out of memory");
    for (int i = 0; i < n && rc == PS_EXIT_OK; i++) {
        f[i].path = argv[optind + i];
        rc = load_shard(&f[i]);
    }
    if (rc == PS_EXIT_OK)
        rc = check_cover(f, n);
    size_t total = rc == PS_EXIT_OK ? (size_t)f[0].info.points * (size_t)f[0].info.per_point : 0;
    if (rc == PS_EXIT_OK && !(rows = calloc(total ? total : 1, sizeof(*rows))))
        rc = cli_fail("out of memory");
    /* Point p's rows are in shard p mod N, in schedule order: put each at p x per_point + k. */
    size_t ran = 0;
    for (int i = 0; i < n && rc == PS_EXIT_OK; i++)
        for (size_t r = 0; r < f[i].n; r++) {
            long p = f[i].points[r];
            size_t at = (size_t)p * (size_t)f[i].info.per_point + r % (size_t)f[i].info.per_point;
            if (p < 0 || p >= f[i].info.points || p % f[i].info.shards != f[i].info.shard) {
                rc = cli_fail("merge: %s: rows[%zu] is point %ld, not of this shard", f[i].path, r,
                              p);
                break;
            }
            rows[at] = f[i].rows[r];
            ran += isfinite(rows[at].makespan_ms) || strcmp(rows[at].status, "error") != 0;
        }
    if (rc == PS_EXIT_OK && ran == 0 && out != NULL && strcmp(out, "-") != 0)
        rc = cli_fail("merge: no schedule could run at any point (%s not written)", out);
    if (rc == PS_EXIT_OK) {
        const struct ps_sweep_shard *a = &f[0].info;
        if (a->baseline[0])
            ps_compare_baseline(rows, total, a->baseline);
        ps_compare_knees(rows, total, a->knee_eps);
        /* The one format rule; without --format or a telling name, the sweep's own. */
        rc = cli_output_format("merge", format, out, MERGE_FORMATS, ps_format_parse(a->output),
                               &fmt);
        if (rc == PS_EXIT_OK)
            rc = cli_write_rows(fmt, out, rows, total, NULL);
        if (rc == PS_EXIT_OK && ran == 0)
            rc = cli_fail("merge: no schedule could run at any point");
    }
    for (int i = 0; i < n; i++) {
        free(f[i].rows);
        free(f[i].points);
    }
    free(f);
    free(rows);
    return rc;
}
