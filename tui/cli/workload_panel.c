/* The paper's comparison (seeds-others.md I9): the same workload planned with each
 * granularity and checkpoint policy, run as 1F1B: iteration time, bubble, recomputation,
 * peak memory per stage, pipelines. The variants that do not fit the memory say why. */
#include "tui/cli/workload_panel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/workload.h"
#include "export/export.h"
#include "solvers/solver.h"
#include "solvers/workload/plan.h"
#include "tui/cli/common.h"

struct variant {
    const char *name;
    enum ps_granularity g;
    enum ps_ckpt_policy p;
};

/* InfiniPipe's panel (docs/cli.md): the three granularities, each with the checkpointing
 * its system uses (Seq1F1B: static), and the ablations of the elastic one. */
static const struct variant panel[] = {
    {"batch", PS_GRAN_BATCH, PS_CKPT_ADAPTIVE},
    {"token (Seq1F1B)", PS_GRAN_TOKEN, PS_CKPT_UNIFORM},
    {"elastic", PS_GRAN_ELASTIC, PS_CKPT_ADAPTIVE},
    {"w/o wbc", PS_GRAN_EVEN, PS_CKPT_ADAPTIVE},
    {"w/o ckpt", PS_GRAN_ELASTIC, PS_CKPT_NONE},
    {"full ckpt", PS_GRAN_ELASTIC, PS_CKPT_FULL},
};
#define N_PANEL (sizeof panel / sizeof panel[0])

/* One variant planned and run: its row, and (when it fits) its schedule for the figure,
 * whose scenario the caller frees. */
static enum ps_status run_variant(const struct ps_scenario *raw, const struct variant *v,
                                  const struct ps_solver *sv, struct ps_wl_panel_row *row,
                                  struct ps_scenario *sc, struct ps_schedule **sched)
{
    memset(row, 0, sizeof *row);
    *sched = NULL;
    snprintf(row->scenario, sizeof row->scenario, "%s", raw->name);
    snprintf(row->variant, sizeof row->variant, "%s", v->name);
    snprintf(row->granularity, sizeof row->granularity, "%s", ps_granularity_str(v->g));
    snprintf(row->checkpoint, sizeof row->checkpoint, "%s", ps_ckpt_policy_str(v->p));
    row->n_stages = raw->n_stages;
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, raw->workload, raw->n_stages);
    row->limit_gb = cx.limit_gb;
    row->iteration_ms = row->vs_best = NAN;
    struct ps_wl_report rep;
    struct ps_diag d;
    enum ps_status st = ps_workload_plan_with(raw, v->g, v->p, sc, &rep, &d);
    if (st == PS_EINVAL && rep.why[0] != '\0') {
        snprintf(row->why, sizeof row->why, "%s", rep.why);
        ps_wl_report_fini(&rep);
        ps_scenario_init(sc);
        return PS_OK; /* does not fit: a row that says why */
    }
    if (st != PS_OK) {
        ps_wl_report_fini(&rep);
        char msg[512];
        ps_diag_format(&d, v->name, msg, sizeof msg);
        fprintf(stderr, "pipescope: %s\n", msg);
        ps_scenario_init(sc);
        return st;
    }
    /* name the variant in the figure's titles */
    char name[sizeof sc->name + 40];
    snprintf(name, sizeof name, "%s %s+%s", raw->name, row->granularity, row->checkpoint);
    snprintf(sc->name, sizeof sc->name, "%.*s", (int)sizeof sc->name - 1, name);
    struct ps_params none = {0};
    st = ps_solver_run(sv, sc, &none, NULL, sched, &d);
    if (st != PS_OK) {
        char msg[512];
        ps_diag_format(&d, sv->name, msg, sizeof msg);
        fprintf(stderr, "pipescope: %s: %s\n", v->name, msg);
        ps_wl_report_fini(&rep);
        return st;
    }
    const struct ps_schedule *s = *sched;
    row->fits = s->memory_ok;
    if (!row->fits)
        snprintf(row->why, sizeof row->why, "%s passes the limit of the 1F1B plan", sv->name);
    row->iteration_ms = (double)s->makespan_ns / 1e6;
    row->bubble_ratio = s->bubble_ratio;
    row->recompute_share = sc->workload->planned.recompute_share;
    for (int d2 = 0; d2 < s->n_stages && d2 < PS_WL_PANEL_STAGES; d2++)
        row->peak_gb[d2] = s->peak_memory[d2];
    row->pipelines = rep.pipelines;
    row->chunks = rep.chunks;
    row->slices = rep.slices;
    ps_wl_report_fini(&rep);
    return PS_OK;
}

static int write_rows(const struct ps_wl_panel_row *rows, size_t n, const char *format,
                      const char *out)
{
    struct ps_buf b;
    ps_buf_init(&b);
    enum ps_status st = strcmp(format, "csv") == 0    ? ps_export_wl_panel_csv(rows, n, &b)
                        : strcmp(format, "json") == 0 ? ps_export_wl_panel_json(rows, n, &b)
                                                      : ps_export_wl_panel_table(rows, n, &b);
    int rc = st == PS_OK ? cli_write_output(out, b.data ? b.data : "", b.len)
                         : cli_fail("workload: %s", ps_status_str(st));
    ps_buf_fini(&b);
    return rc;
}

int cli_workload_panel(const struct ps_scenario *raw, bool pairs, const char *schedule,
                       const char *format, const char *out, int width)
{
    const struct ps_solver *sv = ps_solver_find(schedule != NULL ? schedule : "1f1b");
    if (sv == NULL)
        return cli_usage("workload", "workload: unknown schedule '%s'", schedule);
    struct variant all[16];
    size_t n = 0;
    if (pairs) {
        static const char *const names[4][4] = {
            {"batch+none", "batch+full", "batch+uniform", "batch+adaptive"},
            {"token+none", "token+full", "token+uniform", "token+adaptive"},
            {"elastic+none", "elastic+full", "elastic+uniform", "elastic+adaptive"},
            {"even+none", "even+full", "even+uniform", "even+adaptive"}};
        for (int g = 0; g < 4; g++)
            for (int p = 0; p < 4; p++)
                all[n++] =
                    (struct variant){names[g][p], (enum ps_granularity)g, (enum ps_ckpt_policy)p};
    } else {
        for (size_t i = 0; i < N_PANEL; i++)
            all[n++] = panel[i];
    }
    struct ps_wl_panel_row rows[16];
    struct ps_scenario scs[16];
    struct ps_schedule *scheds[16];
    int rc = PS_EXIT_OK;
    size_t done = 0;
    for (; done < n; done++) {
        if (run_variant(raw, &all[done], sv, &rows[done], &scs[done], &scheds[done]) != PS_OK) {
            rc = PS_EXIT_FAILURE;
            done++;
            break;
        }
    }
    if (rc == PS_EXIT_OK) {
        ps_wl_panel_rank(rows, n);
        if (strcmp(format, "svg") != 0) {
            rc = write_rows(rows, n, format, out);
        } else {
            const struct ps_schedule *fit[16];
            size_t nf = 0;
            for (size_t i = 0; i < n; i++)
                if (scheds[i] != NULL && rows[i].fits)
                    fit[nf++] = scheds[i];
            struct ps_buf b;
            ps_buf_init(&b);
            enum ps_status st = nf > 0 ? ps_export_schedule_svg(fit, nf, width, &b) : PS_EINVAL;
            rc = st == PS_OK ? cli_write_output(out, b.data ? b.data : "", b.len)
                             : cli_fail("workload: %s",
                                        nf > 0 ? ps_status_str(st) : "no variant fits the memory");
            ps_buf_fini(&b);
        }
    }
    for (size_t i = 0; i < done; i++) {
        ps_schedule_free(scheds[i]);
        ps_scenario_fini(&scs[i]);
    }
    return rc;
}
