/* What validate and replay share: their FILE argument, reading a schedule file back (and
 * naming the other outputs of pipescope when given one), counting ops, comparing times. */
#include "tui/cli/schedule_file.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_file_args(const struct cli_env *env, const char *cmd, int argc, char **argv,
                  const char **file, bool *fcfs)
{
    static const struct option opts[] = {
        {"fcfs", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_print_help(env, cmd);
        if (c == 'F' && fcfs) {
            *fcfs = true;
            continue;
        }
        return cli_getopt_error(cmd, c == 'F' ? '?' : c, argv);
    }
    if (optind >= argc)
        return cli_usage(cmd, "%s: which file? pipescope %s FILE.json", cmd, cmd);
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
