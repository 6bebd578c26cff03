/* `pipescope validate` (re-checks a schedule file against the model without trusting it)
 * and `pipescope replay` (re-simulates the file's orders and compares the times). */
#include "tui/cli.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "export/export.h"
#include "tui/cli_internal.h"

/* Parses the one FILE argument of validate/replay; returns -1 to go on. */
static int parse_file_args(const char *cmd, int argc, char **argv, const char **file, bool *fcfs)
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
            return cli_print_help(cmd);
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

/* Reads and imports a schedule file; prints why it cannot. */
static int load_file(const char *file, struct ps_loaded_schedule *ls,
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

static size_t count_ops(const struct ps_schedule *s)
{
    size_t n = 0;
    for (int st = 0; st < s->n_stages; st++) {
        n += s->dev_n[st];
        if (s->dp_n)
            n += s->dp_n[st];
    }
    return n;
}

/* Two milliseconds agree when they are within a nanosecond (files keep ns exactly). */
static bool same_ms(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-6 + 1e-12 * fabs(b);
}

const char cli_help_validate[] =
    "Usage: pipescope validate FILE.json\n"
    "\n"
    "Reads a schedule file back and re-checks it against the model without trusting it:\n"
    "every op once with its model duration, device and lane overlaps, every dependency\n"
    "with its transfer and channel, microbatch order, the memory limit; then recomputes\n"
    "the makespan, bubble ratio, lower bound and memory verdict and compares them with\n"
    "the ones recorded in the file. Exit 1 on any violation or mismatch.\n";

int cli_cmd_validate(int argc, char **argv)
{
    const char *file = NULL;
    int rc = parse_file_args("validate", argc, argv, &file, NULL);
    if (rc >= 0)
        return rc;
    struct ps_loaded_schedule ls;
    struct ps_recorded_metrics rec;
    if ((rc = load_file(file, &ls, &rec)) != PS_EXIT_OK)
        return rc;
    struct ps_schedule *s = ls.sched;
    bool ok = true;

    struct ps_diag d;
    ps_diag_clear(&d);
    int n_viol = 0;
    bool makespan_told = false; /* the validator's message already named makespan_ms */
    if (ps_schedule_validate(s, &d, &n_viol) != PS_OK) {
        makespan_told = strcmp(d.path, "makespan_ms") == 0;
        char msg[1024];
        ps_diag_format(&d, NULL, msg, sizeof(msg));
        printf("%s: invalid: %s\n", file, msg);
        if (n_viol > 1)
            printf("%s: %d violations in all (the first is shown)\n", file, n_viol);
        ok = false;
    }

    if (s->solver.status == PS_SOLVE_INFEASIBLE) {
        if (ok)
            printf("%s: valid: %s, infeasible (no ops): %s\n", file, s->name,
                   s->solver.error[0] ? s->solver.error : "no reason recorded");
        rc = ok ? PS_EXIT_OK : PS_EXIT_FAILURE;
        goto done;
    }

    /* Recompute the metrics from the ops' times and compare with the recorded ones. */
    if (ps_sim_metrics(s) != PS_OK) {
        printf("%s: cannot recompute the metrics\n", file);
        ok = false;
    } else {
        double makespan = ps_ns_to_ms(s->makespan_ns), lb = ps_ns_to_ms(s->lower_bound_ns);
        if (!same_ms(rec.makespan_ms, makespan) && makespan_told) {
            ok = false;
        } else if (!same_ms(rec.makespan_ms, makespan)) {
            printf("%s: mismatch: makespan_ms recorded %.6f, recomputed %.6f\n", file,
                   rec.makespan_ms, makespan);
            ok = false;
        }
        if (!(fabs(rec.bubble_ratio - s->bubble_ratio) <= 1e-9)) {
            printf("%s: mismatch: bubble_ratio recorded %.9f, recomputed %.9f\n", file,
                   rec.bubble_ratio, s->bubble_ratio);
            ok = false;
        }
        if (!same_ms(rec.lower_bound_ms, lb)) {
            printf("%s: mismatch: lower_bound_ms recorded %.6f, recomputed %.6f\n", file,
                   rec.lower_bound_ms, lb);
            ok = false;
        }
        if (rec.memory_ok != s->memory_ok) {
            printf("%s: mismatch: memory_ok recorded %s, recomputed %s\n", file,
                   rec.memory_ok ? "true" : "false", s->memory_ok ? "true" : "false");
            ok = false;
        }
        if (ok)
            printf("%s: valid: %s, %d microbatch%s x %d stage%s, %zu ops, %zu transfers, "
                   "makespan %.1f ms (matches)%s\n",
                   file, s->name, s->n_microbatches, s->n_microbatches == 1 ? "" : "es",
                   s->n_stages, s->n_stages == 1 ? "" : "s", count_ops(s), s->n_transfers, makespan,
                   s->memory_ok ? "" : ", over the memory limit");
    }
    rc = ok ? PS_EXIT_OK : PS_EXIT_FAILURE;
done:
    ps_loaded_schedule_fini(&ls);
    return rc;
}

/* ---- replay ------------------------------------------------------------------------ */

const char cli_help_replay[] =
    "Usage: pipescope replay [--fcfs] FILE.json\n"
    "\n"
    "Re-simulates the file: takes each device's order of ops and each channel's order of\n"
    "transfers (by their start times in the file), times them with the simulator, and\n"
    "reports whether every op, data-parallel op and transfer gets the file's times. Files\n"
    "pipescope writes always match. Exit 1 when a time differs or the orders cannot run.\n"
    "\n"
    "  --fcfs                 ignore the file's channel orders: channels serve transfers\n"
    "                         first-come-first-served (SPEC 6), as fixed schedules do\n";

/* Rebuilds the orders of `from` into a new untimed schedule of the same shape. */
static struct ps_schedule *rebuild(const struct ps_schedule *from, bool fcfs)
{
    struct ps_schedule *s =
        ps_schedule_new(from->sc, from->name, from->chunks, from->traversal, from->split_backward);
    if (!s)
        return NULL;
    for (int st = 0; st < from->n_stages; st++)
        for (size_t i = 0; i < from->dev_n[st]; i++) {
            const struct ps_op *op = &from->dev_ops[st][i];
            if (ps_schedule_push_part(s, st, (enum ps_op_kind)op->kind, op->chunk, op->microbatch,
                                      op->part, op->parts) != PS_OK) {
                ps_schedule_free(s);
                return NULL;
            }
        }
    if (!fcfs && from->n_transfers) {
        if (ps_schedule_enable_ranks(s) != PS_OK) {
            ps_schedule_free(s);
            return NULL;
        }
        size_t keys = ps_schedule_xfer_keys(s);
        for (size_t i = 0; i < from->n_transfers; i++) {
            const struct ps_transfer *t = &from->transfers[i];
            int v = ps_vstage_of(t->from_stage, t->chunk, from->n_stages, from->chunks,
                                 from->traversal);
            size_t key = ps_xfer_key(s, (enum ps_xfer_kind)t->kind, v, t->microbatch);
            if (key < keys)
                s->xfer_rank[key] = t->start_ns;
        }
    }
    return s;
}

static void op_name(const struct ps_op *op, char *buf, size_t size)
{
    if (op->kind == PS_OP_AG || op->kind == PS_OP_RS)
        snprintf(buf, size, "%s stage %d chunk %d", ps_op_kind_str((enum ps_op_kind)op->kind),
                 op->stage, op->chunk);
    else if (op->parts > 1)
        snprintf(buf, size, "%s stage %d chunk %d microbatch %d part %d/%d",
                 ps_op_kind_str((enum ps_op_kind)op->kind), op->stage, op->chunk, op->microbatch,
                 op->part + 1, op->parts);
    else
        snprintf(buf, size, "%s stage %d chunk %d microbatch %d",
                 ps_op_kind_str((enum ps_op_kind)op->kind), op->stage, op->chunk, op->microbatch);
}

struct diff_count {
    size_t ops, dp, transfers;
    bool first_done;
    int64_t first_ns; /* the file's time of the earliest difference */
    char first[400];
};

/* Keeps the earliest difference (by the file's time): later ones often only follow it. */
static void note_first(struct diff_count *dc, const char *what, int64_t file_ns, int64_t sim_ns)
{
    int64_t at = file_ns < sim_ns ? file_ns : sim_ns;
    if (dc->first_done && at >= dc->first_ns)
        return;
    dc->first_done = true;
    dc->first_ns = at;
    snprintf(dc->first, sizeof(dc->first), "%s: file %.6f ms, replay %.6f ms", what,
             ps_ns_to_ms(file_ns), ps_ns_to_ms(sim_ns));
}

static void compare_ops(const struct ps_op *a, const struct ps_op *b, size_t *count,
                        struct diff_count *dc)
{
    if (a->start_ns == b->start_ns && a->end_ns == b->end_ns)
        return;
    (*count)++;
    char name[160], what[200];
    op_name(a, name, sizeof(name));
    snprintf(what, sizeof(what), "%s %s", name, a->start_ns != b->start_ns ? "starts" : "ends");
    if (a->start_ns != b->start_ns)
        note_first(dc, what, a->start_ns, b->start_ns);
    else
        note_first(dc, what, a->end_ns, b->end_ns);
}

int cli_cmd_replay(int argc, char **argv)
{
    const char *file = NULL;
    bool fcfs = false;
    int rc = parse_file_args("replay", argc, argv, &file, &fcfs);
    if (rc >= 0)
        return rc;
    struct ps_loaded_schedule ls;
    struct ps_recorded_metrics rec;
    if ((rc = load_file(file, &ls, &rec)) != PS_EXIT_OK)
        return rc;
    const struct ps_schedule *f = ls.sched;
    struct ps_schedule *s = NULL;
    size_t *by_key = NULL;
    if (f->solver.status == PS_SOLVE_INFEASIBLE) {
        printf("%s: nothing to replay: %s is infeasible (no ops)\n", file, f->name);
        rc = PS_EXIT_OK;
        goto done;
    }
    s = rebuild(f, fcfs);
    if (!s) {
        rc = cli_fail("%s: cannot rebuild the orders (an op of the wrong kind or shape)", file);
        goto done;
    }
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = ps_sim_run(s, &d);
    if (st != PS_OK) {
        char msg[1024];
        if (!d.msg[0] && !d.path[0])
            snprintf(d.msg, sizeof(d.msg), "%s", ps_status_str(st));
        ps_diag_format(&d, NULL, msg, sizeof(msg));
        rc = cli_fail("%s: the orders cannot be simulated: %s", file, msg);
        goto done;
    }

    struct diff_count dc;
    memset(&dc, 0, sizeof(dc));
    /* Transfers are matched by their key (kind, producer's virtual stage, microbatch). */
    size_t keys = ps_schedule_xfer_keys(s);
    by_key = malloc((keys ? keys : 1) * sizeof(*by_key));
    if (!by_key) {
        rc = cli_fail("out of memory");
        goto done;
    }
    for (size_t k = 0; k < keys; k++)
        by_key[k] = SIZE_MAX;
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *t = &s->transfers[i];
        size_t key = ps_xfer_key(s, (enum ps_xfer_kind)t->kind, t->from_vstage, t->microbatch);
        if (key < keys)
            by_key[key] = i;
    }
    for (size_t i = 0; i < f->n_transfers; i++) {
        const struct ps_transfer *a = &f->transfers[i];
        int v = ps_vstage_of(a->from_stage, a->chunk, f->n_stages, f->chunks, f->traversal);
        size_t key = ps_xfer_key(s, (enum ps_xfer_kind)a->kind, v, a->microbatch);
        char what[200];
        snprintf(what, sizeof(what), "%s of microbatch %d from stage %d to %d",
                 ps_xfer_kind_str((enum ps_xfer_kind)a->kind), a->microbatch, a->from_stage,
                 a->to_stage);
        if (key >= keys || by_key[key] == SIZE_MAX) {
            dc.transfers++;
            if (!dc.first_done) {
                dc.first_done = true;
                snprintf(dc.first, sizeof(dc.first), "%s: not a dependency of the model", what);
            }
            continue;
        }
        const struct ps_transfer *b = &s->transfers[by_key[key]];
        if (a->start_ns != b->start_ns || a->end_ns != b->end_ns || a->arrive_ns != b->arrive_ns) {
            dc.transfers++;
            char w2[240];
            snprintf(w2, sizeof(w2), "%s %s", what,
                     a->start_ns != b->start_ns ? "starts"
                     : a->end_ns != b->end_ns   ? "ends"
                                                : "arrives");
            if (a->start_ns != b->start_ns)
                note_first(&dc, w2, a->start_ns, b->start_ns);
            else if (a->end_ns != b->end_ns)
                note_first(&dc, w2, a->end_ns, b->end_ns);
            else
                note_first(&dc, w2, a->arrive_ns, b->arrive_ns);
        }
    }
    /* Ops after transfers: on a tie, the late message is the cause, the op the effect. */
    for (int stg = 0; stg < f->n_stages; stg++) {
        for (size_t i = 0; i < f->dev_n[stg]; i++)
            compare_ops(&f->dev_ops[stg][i], &s->dev_ops[stg][i], &dc.ops, &dc);
        size_t fn = f->dp_n ? f->dp_n[stg] : 0, sn = s->dp_n ? s->dp_n[stg] : 0;
        for (size_t i = 0; i < fn && i < sn; i++)
            compare_ops(&f->dp_ops[stg][i], &s->dp_ops[stg][i], &dc.dp, &dc);
        if (fn != sn) {
            dc.dp += fn > sn ? fn - sn : sn - fn;
            if (!dc.first_done) {
                dc.first_done = true;
                snprintf(dc.first, sizeof(dc.first),
                         "stage %d: %zu data-parallel ops in the file, %zu in the replay", stg, fn,
                         sn);
            }
        }
    }
    if (f->n_transfers != s->n_transfers && dc.transfers == 0) {
        dc.transfers = f->n_transfers > s->n_transfers ? f->n_transfers - s->n_transfers
                                                       : s->n_transfers - f->n_transfers;
        if (!dc.first_done) {
            dc.first_done = true;
            snprintf(dc.first, sizeof(dc.first), "%zu transfers in the file, %zu in the replay",
                     f->n_transfers, s->n_transfers);
        }
    }

    double file_ms = rec.makespan_ms, sim_ms = ps_ns_to_ms(s->makespan_ns);
    if (dc.ops + dc.dp + dc.transfers == 0 && same_ms(file_ms, sim_ms)) {
        printf("%s: replay matches: %zu ops and %zu transfers at the file's times, makespan "
               "%.1f ms%s\n",
               file, count_ops(s), s->n_transfers, sim_ms,
               fcfs ? " (channels first-come-first-served)" : "");
        rc = PS_EXIT_OK;
    } else {
        size_t n_ops = 0, n_dp = 0;
        for (int stg = 0; stg < f->n_stages; stg++) {
            n_ops += f->dev_n[stg];
            n_dp += f->dp_n ? f->dp_n[stg] : 0;
        }
        if (dc.ops + dc.dp + dc.transfers == 0)
            /* every op and transfer at its time: only the recorded makespan is off */
            printf("%s: replay differs: every op and transfer is at the file's time, but the "
                   "file records makespan_ms %.6f and the replay ends at %.6f ms%s\n",
                   file, file_ms, sim_ms, fcfs ? " (channels first-come-first-served)" : "");
        else
            printf("%s: replay differs: at other times: ops %zu of %zu, data-parallel ops %zu "
                   "of %zu, transfers %zu of %zu; makespan file %.6f ms, replay %.6f ms%s\n",
                   file, dc.ops, n_ops, dc.dp, n_dp, dc.transfers, f->n_transfers, file_ms, sim_ms,
                   fcfs ? " (channels first-come-first-served)" : "");
        if (dc.first_done)
            printf("%s: earliest difference: %s\n", file, dc.first);
        rc = PS_EXIT_FAILURE;
    }
done:
    free(by_key);
    ps_schedule_free(s);
    ps_loaded_schedule_fini(&ls);
    return rc;
}
