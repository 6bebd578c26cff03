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
    "\n"
    "Reads a schedule file back and re-checks it against the model without trusting it:\n"
    "every op once with its model duration, device and lane overlaps, every dependency\n"
    "with its transfer and channel, microbatch order, the memory limit; then recomputes\n"
    "the makespan, bubble ratio, lower bound and memory verdict and compares them with\n"
    "the ones recorded in the file. Exit 1 on any violation or mismatch.\n";

int cli_cmd_validate(const struct cli_env *env, int argc, char **argv)
{
    const char *file = NULL;
    int rc = cli_file_args(env, "validate", argc, argv, &file, NULL);
    if (rc >= 0)
        return rc;
    struct ps_loaded_schedule ls;
    struct ps_recorded_metrics rec;
    if ((rc = cli_load_schedule_file(file, &ls, &rec)) != PS_EXIT_OK)
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
    ps_loaded_schedule_fini(&ls);
    return rc;
}
