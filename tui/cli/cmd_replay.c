/* `pipescope replay`: re-simulates a schedule file's orders (by their start times) and
 * compares the times with the file's, naming the earliest difference. */
#include "tui/cli/common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "tui/cli/schedule_file.h"

const char cli_help_replay[] =
    "Usage: pipescope replay [--fcfs] FILE.json\n"
    "       pipescope replay [--fcfs] FILE.csv SCENARIO OPTIONS\n"
    "\n"
    "Re-simulates the file: takes each device's order of ops and each channel's order of\n"
    "transfers (by their start times in the file), times them with the simulator, and\n"
    "reports whether every op, data-parallel op and transfer gets the file's times. Files\n"
    "pipescope writes always match. Exit 1 when a time differs or the orders cannot run.\n"
    "\n"
    "A torch.distributed.pipelining action CSV (solve --format torch, or PyTorch's own\n"
    "_dump_csv) holds only orders: give the scenario it runs on, and replay prints the\n"
    "makespan of those orders under the scenario's delays (a lowered file's sends fix the\n"
    "order of each channel one rank feeds; docs/formats.md).\n"
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

/* Counts the transfers of f (the file) that s (the replay) times differently, matched by
 * their key (kind, producer's virtual stage, microbatch). Returns false on out of memory. */
static bool diff_transfers(const struct ps_schedule *f, const struct ps_schedule *s,
                           struct diff_count *dc)
{
    size_t keys = ps_schedule_xfer_keys(s);
    size_t *by_key = malloc((keys ? keys : 1) * sizeof(*by_key));
    if (!by_key)
        return false;
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
            dc->transfers++;
            if (!dc->first_done) {
                dc->first_done = true;
                snprintf(dc->first, sizeof(dc->first), "%s: not a dependency of the model", what);
            }
            continue;
        }
        const struct ps_transfer *b = &s->transfers[by_key[key]];
        if (a->start_ns != b->start_ns || a->end_ns != b->end_ns || a->arrive_ns != b->arrive_ns) {
            dc->transfers++;
            char w2[240];
            snprintf(w2, sizeof(w2), "%s %s", what,
                     a->start_ns != b->start_ns ? "starts"
                     : a->end_ns != b->end_ns   ? "ends"
                                                : "arrives");
            if (a->start_ns != b->start_ns)
                note_first(dc, w2, a->start_ns, b->start_ns);
            else if (a->end_ns != b->end_ns)
                note_first(dc, w2, a->end_ns, b->end_ns);
            else
                note_first(dc, w2, a->arrive_ns, b->arrive_ns);
        }
    }
    free(by_key);
    return true;
}

/* Counts the ops and data-parallel ops of f that s times differently. Ops come after
 * transfers: on a tie, the late message is the cause, the op the effect. */
static void diff_ops(const struct ps_schedule *f, const struct ps_schedule *s,
                     struct diff_count *dc)
{
    for (int stg = 0; stg < f->n_stages; stg++) {
        for (size_t i = 0; i < f->dev_n[stg]; i++)
            compare_ops(&f->dev_ops[stg][i], &s->dev_ops[stg][i], &dc->ops, dc);
        size_t fn = f->dp_n ? f->dp_n[stg] : 0, sn = s->dp_n ? s->dp_n[stg] : 0;
        for (size_t i = 0; i < fn && i < sn; i++)
            compare_ops(&f->dp_ops[stg][i], &s->dp_ops[stg][i], &dc->dp, dc);
        if (fn != sn) {
            dc->dp += fn > sn ? fn - sn : sn - fn;
            if (!dc->first_done) {
                dc->first_done = true;
                snprintf(dc->first, sizeof(dc->first),
                         "stage %d: %zu data-parallel ops in the file, %zu in the replay", stg, fn,
                         sn);
            }
        }
    }
    if (f->n_transfers != s->n_transfers && dc->transfers == 0) {
        dc->transfers = f->n_transfers > s->n_transfers ? f->n_transfers - s->n_transfers
                                                        : s->n_transfers - f->n_transfers;
        if (!dc->first_done) {
            dc->first_done = true;
            snprintf(dc->first, sizeof(dc->first), "%zu transfers in the file, %zu in the replay",
                     f->n_transfers, s->n_transfers);
        }
    }
}

/* Prints the verdict; returns the exit code. */
static int report(const char *file, bool fcfs, const struct ps_schedule *f,
                  const struct ps_schedule *s, const struct ps_recorded_metrics *rec,
                  const struct diff_count *dc)
{
    const char *how = fcfs ? " (channels first-come-first-served)" : "";
    double file_ms = rec->makespan_ms, sim_ms = ps_ns_to_ms(s->makespan_ns);
    if (dc->ops + dc->dp + dc->transfers == 0 && cli_same_ms(file_ms, sim_ms)) {
        printf("%s: replay matches: %zu ops and %zu transfers at the file's times, makespan "
               "%.1f ms%s\n",
               file, cli_count_ops(s), s->n_transfers, sim_ms, how);
        return PS_EXIT_OK;
    }
    size_t n_ops = 0, n_dp = 0;
    for (int stg = 0; stg < f->n_stages; stg++) {
        n_ops += f->dev_n[stg];
        n_dp += f->dp_n ? f->dp_n[stg] : 0;
    }
    if (dc->ops + dc->dp + dc->transfers == 0)
        /* every op and transfer at its time: only the recorded makespan is off */
        printf("%s: replay differs: every op and transfer is at the file's time, but the "
               "file records makespan_ms %.6f and the replay ends at %.6f ms%s\n",
               file, file_ms, sim_ms, how);
    else
        printf("%s: replay differs: at other times: ops %zu of %zu, data-parallel ops %zu "
               "of %zu, transfers %zu of %zu; makespan file %.6f ms, replay %.6f ms%s\n",
               file, dc->ops, n_ops, dc->dp, n_dp, dc->transfers, f->n_transfers, file_ms, sim_ms,
               how);
    if (dc->first_done)
        printf("%s: earliest difference: %s\n", file, dc->first);
    return PS_EXIT_FAILURE;
}

/* A torch CSV: its orders timed under the scenario's delays. */
static int replay_torch(const char *file, bool fcfs, struct cli_schedule_input *in)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = ps_sim_run(in->torch, &d);
    char what[600];
    cli_torch_summary(in, fcfs, what, sizeof what);
    if (st != PS_OK) {
        char msg[1024];
        if (!d.msg[0] && !d.path[0])
            snprintf(d.msg, sizeof(d.msg), "%s", ps_status_str(st));
        ps_diag_format(&d, NULL, msg, sizeof(msg));
        return cli_fail("%s: the orders cannot run: %s (%s)", file, msg, what);
    }
    printf("%s: replayed makespan %.3f ms: %s; %zu compute actions, %zu transfers\n", file,
           ps_ns_to_ms(in->torch->makespan_ns), what, in->info.n_actions, in->torch->n_transfers);
    if (in->info.dropped_w)
        printf("%s: note: %zu W actions on stages without weight work (weight_ms 0) left out\n",
               file, in->info.dropped_w);
    return PS_EXIT_OK;
}

int cli_cmd_replay(const struct cli_env *env, int argc, char **argv)
{
    const char *file = NULL;
    bool fcfs = false;
    struct ps_cli_scenario so;
    ps_cli_scenario_init(&so);
    struct cli_schedule_input in;
    memset(&in, 0, sizeof in);
    struct ps_schedule *s = NULL;
    int rc = cli_file_args(env, "replay", argc, argv, &file, &fcfs, &so);
    if (rc >= 0)
        goto done;
    if ((rc = cli_load_schedule_input("replay", file, &so, fcfs, &in)) != PS_EXIT_OK)
        goto done;
    if (in.torch) {
        rc = replay_torch(file, fcfs, &in);
        goto done;
    }
    const struct ps_schedule *f = in.ls.sched;
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
    if (!diff_transfers(f, s, &dc)) {
        rc = cli_fail("out of memory");
        goto done;
    }
    diff_ops(f, s, &dc);
    rc = report(file, fcfs, f, s, &in.rec, &dc);
done:
    ps_schedule_free(s);
    cli_schedule_input_fini(&in);
    ps_cli_scenario_fini(&so);
    return rc;
}
