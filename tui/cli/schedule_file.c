/* What validate and replay share: their FILE argument, reading a schedule file back (and
 * naming the other outputs of pipescope when given one), counting ops, comparing times. */
#include "tui/cli/schedule_file.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_file_args(const struct cli_env *env, const char *cmd, int argc, char **argv,
                  const char **file, bool *fcfs, struct ps_cli_scenario *so)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"fcfs", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int taken = ps_cli_scenario_opt(so, c, optarg);
        if (taken < 0)
            return PS_EXIT_USAGE;
        if (taken)
            continue;
        if (c == 'h')
            return cli_print_help(env, cmd);
        if (c == 'F' && fcfs) {
            *fcfs = true;
            continue;
        }
        return cli_getopt_error(cmd, c == 'F' ? '?' : c, argv);
    }
    if (optind >= argc)
        return cli_usage(cmd, "%s: which file? pipescope %s FILE.json (or FILE.csv --preset NAME)",
                         cmd, cmd);
    if (optind + 1 < argc)
        return cli_usage(cmd, "%s: one file at a time (unexpected '%s')", cmd, argv[optind + 1]);
    *file = argv[optind];
    return -1;
}

/* What a file that is not a schedule JSON looks like it is (another file pipescope
 * writes), or NULL. */
static const char *other_output_kind(const char *text, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    const char *t = text + i;
    size_t n = len - i;
#define STARTS(lit) (n >= sizeof(lit) - 1 && memcmp(t, lit, sizeof(lit) - 1) == 0)
    if (STARTS("record,kind,stage"))
        return "a schedule CSV";
    if (STARTS("scenario,schedule,"))
        return "a comparison CSV (compare or sweep)";
    if (STARTS("<svg") || STARTS("<?xml"))
        return "an SVG figure";
    if (STARTS("{\"traceEvents\""))
        return "a Perfetto/Chrome trace";
    if (STARTS("[") && n > 1) {
        size_t k = 1;
        while (k < n && (t[k] == ' ' || t[k] == '\n' || t[k] == '\r' || t[k] == '\t'))
            k++;
        if (n - k >= 12 && memcmp(t + k, "{ \"scenario\"", 12) == 0)
            return "a comparison JSON (compare or sweep)";
    }
#undef STARTS
    return NULL;
}

int cli_load_schedule_file(const char *file, struct ps_loaded_schedule *ls,
                           struct ps_recorded_metrics *rec)
{
    char *text;
    size_t len;
    int rc = cli_read_file(file, &text, &len);
    if (rc != PS_EXIT_OK)
        return rc;
    struct ps_diag d;
    ps_diag_clear(&d);
    memset(ls, 0, sizeof(*ls));
    memset(rec, 0, sizeof(*rec));
    enum ps_status st = ps_import_schedule_json(text, len, ls, rec, &d);
    const char *kind = st != PS_OK ? other_output_kind(text, len) : NULL;
    free(text);
    if (kind != NULL)
        return cli_fail("%s: this is %s; validate and replay read the schedule JSON (write it "
                        "with: pipescope solve SCHEDULE ... -o FILE.json)",
                        file, kind);
    if (st != PS_OK) {
        if (!d.msg[0] && !d.path[0])
            snprintf(d.msg, sizeof(d.msg), "%s", ps_status_str(st));
        return cli_fail_diag(&d, file);
    }
    return PS_EXIT_OK;
}

size_t cli_count_ops(const struct ps_schedule *s)
{
    size_t n = 0;
    for (int st = 0; st < s->n_stages; st++) {
        n += s->dev_n[st];
        if (s->dp_n)
            n += s->dp_n[st];
    }
    return n;
}

bool cli_same_ms(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-6 + 1e-12 * fabs(b);
}

bool cli_scenario_given(const struct ps_cli_scenario *so)
{
    return so->src.scenario_file || so->src.preset || so->src.model || so->src.cluster ||
           so->src.n_sets > 0;
}

/* A torch CSV: its scenario from the options, then the actions. */
static int load_torch(const char *cmd, const char *file, const char *text, size_t len,
                      const struct ps_cli_scenario *so, bool fcfs, struct cli_schedule_input *in)
{
    if (!cli_scenario_given(so))
        return cli_usage(cmd,
                         "%s: %s is a torch action CSV, which holds no scenario: give the one "
                         "it runs on (--preset NAME, --scenario FILE, ...)",
                         cmd, file);
    int rc = ps_cli_scenario_resolve(so, &in->sc, NULL, 0);
    if (rc != PS_EXIT_OK)
        return rc;
    in->have_sc = true;
    const char *base = strrchr(file, '/');
    char name[PS_SCHED_NAME_MAX];
    snprintf(name, sizeof name, "%.*s", (int)sizeof name - 1, base ? base + 1 : file);
    struct ps_diag d;
    enum ps_status st = ps_import_torch_csv(text, len, &in->sc, name, &in->torch, &in->info, &d);
    if (st != PS_OK)
        return cli_fail_diag(&d, file);
    if (fcfs) {
        free(in->torch->xfer_rank); /* first come, first served: no channel order */
        in->torch->xfer_rank = NULL;
    }
    return PS_EXIT_OK;
}

int cli_load_schedule_input(const char *cmd, const char *file, const struct ps_cli_scenario *so,
                            bool fcfs, struct cli_schedule_input *in)
{
    memset(in, 0, sizeof *in);
    char *text;
    size_t len;
    int rc = cli_read_file(file, &text, &len);
    if (rc != PS_EXIT_OK)
        return rc;
    if (ps_torch_csv_looks_like(text, len)) {
        rc = load_torch(cmd, file, text, len, so, fcfs, in);
        free(text);
        return rc;
    }
    free(text);
    if (cli_scenario_given(so))
        return cli_usage(cmd,
                         "%s: %s: scenario options are for a torch CSV; a schedule file has "
                         "its scenario",
                         cmd, file);
    return cli_load_schedule_file(file, &in->ls, &in->rec);
}

void cli_schedule_input_fini(struct cli_schedule_input *in)
{
    ps_schedule_free(in->torch);
    if (in->ls.sched)
        ps_loaded_schedule_fini(&in->ls);
    if (in->have_sc)
        ps_scenario_fini(&in->sc);
    memset(in, 0, sizeof *in);
}

void cli_torch_summary(const struct cli_schedule_input *in, bool fcfs, char *buf, size_t size)
{
    const struct ps_torch_info *i = &in->info;
    char channels[160];
    if (!i->lowered || fcfs)
        snprintf(channels, sizeof channels, "channels first-come-first-served");
    else
        snprintf(channels, sizeof channels,
                 "%d channel%s in the order of the sends, %d first-come-first-served",
                 i->ordered_channels, i->ordered_channels == 1 ? "" : "s", i->fcfs_channels);
    snprintf(buf, size,
             "torch schedule (%s; %s), %d ranks x %d chunk%s (%s), %s backward, %d microbatches, "
             "scenario %s",
             i->lowered ? "lowered" : "compute-only", channels, i->n_ranks, i->chunks,
             i->chunks == 1 ? "" : "s", ps_traversal_str(i->traversal), i->split ? "split" : "full",
             in->sc.n_microbatches, in->sc.name);
}
