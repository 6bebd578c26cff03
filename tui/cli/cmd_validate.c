/* `pipescope validate`: re-checks a schedule file against the model without trusting it,
 * and the recorded metrics against the ones recomputed. */
#include "tui/cli/common.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "tui/cli/schedule_file.h"

const char cli_help_validate[] =
    "Usage: pipescope validate FILE.json\n"
    "       pipescope validate FILE.csv SCENARIO OPTIONS\n"
    "\n"
    "Reads a schedule file back and re-checks it against the model without trusting it:\n"
    "every op once with its model duration, device and lane overlaps, every dependency\n"
    "with its transfer and channel, microbatch order, the memory limit; then recomputes\n"
    "the makespan, bubble ratio, lower bound and memory verdict and compares them with\n"
    "the ones recorded in the file. Exit 1 on any violation or mismatch.\n"
    "\n"
    "A torch.distributed.pipelining action CSV is checked on the scenario given: every\n"
    "action parses, stages sit on their ranks in a loop or a V, every op of the model\n"
    "appears once in microbatch order, and the orders run without deadlock; then its\n"
    "timed schedule is checked like a file's.\n";

static int validate_file(const char *file, struct ps_loaded_schedule *lsp,
                         struct ps_recorded_metrics *recp);

/* A torch CSV: its orders, timed on the scenario, checked like a schedule file. */
static int validate_torch(const char *file, struct cli_schedule_input *in)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    char what[600];
    cli_torch_summary(in, false, what, sizeof what);
    enum ps_status st = ps_sim_run(in->torch, &d);
    if (st == PS_OK)
        st = ps_schedule_validate(in->torch, &d, NULL);
    if (st != PS_OK) {
        char msg[1024];
        if (!d.msg[0] && !d.path[0])
            snprintf(d.msg, sizeof(d.msg), "%s", ps_status_str(st));
        ps_diag_format(&d, NULL, msg, sizeof(msg));
        printf("%s: invalid: %s (%s)\n", file, msg, what);
        return PS_EXIT_FAILURE;
    }
    printf("%s: valid: %s; %zu compute actions, makespan %.3f ms%s\n", file, what,
           in->info.n_actions, ps_ns_to_ms(in->torch->makespan_ns),
           in->torch->memory_ok ? "" : ", over the memory limit");
    return PS_EXIT_OK;
}

int cli_cmd_validate(const struct cli_env *env, int argc, char **argv)
{
    const char *file = NULL;
    struct ps_cli_scenario so;
    ps_cli_scenario_init(&so);
    struct cli_schedule_input in;
    memset(&in, 0, sizeof in);
    int rc = cli_file_args(env, "validate", argc, argv, &file, NULL, &so);
    if (rc < 0) {
        rc = cli_load_schedule_input("validate", file, &so, false, &in);
        if (rc == PS_EXIT_OK && in.torch)
            rc = validate_torch(file, &in);
        else if (rc == PS_EXIT_OK)
            rc = validate_file(file, &in.ls, &in.rec);
    }
    cli_schedule_input_fini(&in);
    ps_cli_scenario_fini(&so);
    return rc;
}

/* A schedule file: checked against the model, its metrics recomputed. */
static int validate_file(const char *file, struct ps_loaded_schedule *lsp,
                         struct ps_recorded_metrics *recp)
{
    struct ps_recorded_metrics rec = *recp;
    int rc;
    struct ps_schedule *s = lsp->sched;
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
        if (!cli_same_ms(rec.makespan_ms, makespan) && makespan_told) {
            ok = false;
        } else if (!cli_same_ms(rec.makespan_ms, makespan)) {
            printf("%s: mismatch: makespan_ms recorded %.6f, recomputed %.6f\n", file,
                   rec.makespan_ms, makespan);
            ok = false;
        }
        if (!(fabs(rec.bubble_ratio - s->bubble_ratio) <= 1e-9)) {
            printf("%s: mismatch: bubble_ratio recorded %.9f, recomputed %.9f\n", file,
                   rec.bubble_ratio, s->bubble_ratio);
            ok = false;
        }
        if (!cli_same_ms(rec.lower_bound_ms, lb)) {
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
                   s->n_stages, s->n_stages == 1 ? "" : "s", cli_count_ops(s), s->n_transfers,
                   makespan, s->memory_ok ? "" : ", over the memory limit");
    }
    rc = ok ? PS_EXIT_OK : PS_EXIT_FAILURE;
done:
    return rc;
}
