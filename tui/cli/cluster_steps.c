/* The `cluster` command's set-up (the cluster resolved, scaled and planned) and its two
 * steps for one job on the empty cluster: `cluster path` (the pathfinder: every link's
 * comm/comp, the infeasible ones, the bottleneck) and `cluster allocate` (the cost-min
 * allocator: GPUs per region, the cost rate, the job's run time and cost there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/cluster_export.h"
#include "tui/cli/cluster_common.h"
#include "tui/cli/common.h"

int cli_cluster_prepare(const struct cli_cluster_opts *o, struct cli_cluster_ctx *x)
{
    memset(x, 0, sizeof *x);
    ps_cluster_init(&x->c);
    struct ps_cluster file;
    struct ps_diag d;
    enum ps_status st = ps_cluster_resolve(&o->src, &file, &d);
    if (st != PS_OK) {
        cli_fail_diag(&d, NULL);
        return st == PS_ENOTFOUND && o->src.file == NULL ? PS_EXIT_USAGE : PS_EXIT_FAILURE;
    }
    ps_cluster_fini(&x->c);
    st = ps_cluster_expand(&x->c, &file);
    ps_cluster_fini(&file);
    if (st != PS_OK)
        return cli_fail("out of memory");
    const char *schedule = o->schedule != NULL ? o->schedule : x->c.schedule;
    st = ps_cluster_timer_new(schedule, NULL, &x->timer, &d);
    if (st != PS_OK) {
        cli_fail_diag(&d, o->schedule != NULL ? "--schedule" : NULL);
        return st == PS_ENOTFOUND && o->schedule != NULL ? PS_EXIT_USAGE : PS_EXIT_FAILURE;
    }
    x->plans = calloc((size_t)(x->c.n_jobs ? x->c.n_jobs : 1), sizeof *x->plans);
    if (x->plans == NULL)
        return cli_fail("out of memory");
    if (ps_cluster_plan_jobs(&x->c, ps_cluster_timer_fn, x->timer, x->plans, &d) != PS_OK)
        return cli_fail_diag(&d, NULL);
    return PS_EXIT_OK;
}

void cli_cluster_ctx_fini(struct cli_cluster_ctx *x)
{
    ps_cluster_timer_free(x->timer);
    free(x->plans);
    ps_cluster_fini(&x->c);
    memset(x, 0, sizeof *x);
}

static void path_line(const struct ps_cluster *c, const int *regions, int n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++) {
        int k =
            snprintf(buf + used, size - used, "%s%s", i ? " > " : "", c->regions[regions[i]].name);
        used += k > 0 ? (size_t)k : 0;
    }
}

/* Every link's numbers for job j in state st. rows has n(n-1)/2 entries. */
static int link_rows(const struct cli_cluster_ctx *x, int j, const struct ps_cluster_state *st,
                     struct ps_cluster_link_row *rows)
{
    const struct ps_job_plan *pl = &x->plans[j];
    int n = 0;
    for (int a = 0; a < x->c.n_regions; a++)
        for (int k = a + 1; k < x->c.n_regions; k++, n++) {
            struct ps_cluster_link_row *l = &rows[n];
            l->a = a;
            l->b = k;
            l->bandwidth_gbps = ps_cluster_bw_avail(st, a, k);
            l->feasible = ps_cluster_link_feasible(pl->activation_mb, l->bandwidth_gbps,
                                                   pl->t_stage_ms, &l->comm_ms);
            l->comp_ms = pl->t_stage_ms;
            l->ratio = ps_cluster_link_ratio(st, j, a, k);
        }
    return n;
}

static int path_table(const struct cli_cluster_ctx *x, int j, const struct ps_cluster_state *st,
                      const struct ps_path_report *r, const struct ps_cluster_link_row *rows,
                      int n_rows, struct ps_buf *b)
{
    const struct ps_cluster *c = &x->c;
    const struct ps_job_plan *pl = &x->plans[j];
    char path[1024];
    path_line(c, r->region, r->n, path, sizeof path);
    ps_buf_printf(b,
                  "job %s: K* %d GPUs (at least %d), busiest stage %.1f ms per microbatch, "
                  "message %.1f MB: a link needs %.2f Gb/s\n",
                  c->jobs[j].name, pl->k_star, pl->k_min, pl->t_stage_ms, pl->activation_mb,
                  pl->demand_gbps);
    ps_buf_printf(b, "seed %s (%d free GPUs, policy.seed %s)\n", c->regions[r->seed].name,
                  st->free_gpus[r->seed],
                  c->policy.seed == PS_SEED_CHEAPEST ? "cheapest" : "most-gpus");
    ps_buf_printf(b, "path %s: %d free GPUs%s%s\n", path, r->free_on_path, r->found ? "" : "; ",
                  r->found ? "" : r->why);
    if (r->bottleneck_a >= 0)
        ps_buf_printf(b, "bottleneck %s - %s: comm/comp %.3f\n", c->regions[r->bottleneck_a].name,
                      c->regions[r->bottleneck_b].name, r->bottleneck_ratio);
    else
        ps_buf_printf(b, "bottleneck none (one region)\n");
    ps_buf_printf(b, "\n%-14s %-14s %9s %9s %9s %7s  %s\n", "link", "", "bw_gbps", "comm_ms",
                  "comp_ms", "ratio", "feasible");
    for (int i = 0; i < n_rows; i++) {
        const struct ps_cluster_link_row *l = &rows[i];
        ps_buf_printf(b, "%-14.14s %-14.14s %9.2f %9.3f %9.1f %7.3f  %s\n", c->regions[l->a].name,
                      c->regions[l->b].name, l->bandwidth_gbps, l->comm_ms, l->comp_ms, l->ratio,
                      l->feasible ? "yes" : "no (comm > comp)");
    }
    return PS_EXIT_OK;
}

static int path_step(const struct cli_cluster_opts *o, const struct cli_cluster_ctx *x, int j,
                     const struct ps_cluster_state *st, struct ps_buf *b)
{
    int n = x->c.n_regions;
    struct ps_cluster_link_row *rows = calloc((size_t)(n * (n - 1) / 2 + 1), sizeof *rows);
    if (rows == NULL)
        return cli_fail("out of memory");
    struct ps_path_report r;
    ps_cluster_path_report(st, j, &r);
    int n_rows = link_rows(x, j, st, rows);
    int rc = PS_EXIT_OK;
    if (strcmp(o->format, "json") == 0) {
        struct ps_cluster_path_out p = {j,
                                        x->plans[j].k_star,
                                        r.seed,
                                        r.n,
                                        r.region,
                                        r.found,
                                        x->plans[j].t_stage_ms,
                                        r.bottleneck_a,
                                        r.bottleneck_b,
                                        r.bottleneck_ratio,
                                        rows,
                                        n_rows};
        if (ps_export_cluster_path_json(&x->c, &p, b) != PS_OK)
            rc = cli_fail("out of memory");
    } else {
        rc = path_table(x, j, st, &r, rows, n_rows, b);
    }
    free(rows);
    return rc;
}

/* The allocation and, when it can start, its iteration time and the job's cost there. */
static int allocate(const struct cli_cluster_opts *o, const struct cli_cluster_ctx *x, int j,
                    const struct ps_cluster_state *st, struct ps_buf *b)
{
    const struct ps_cluster *c = &x->c;
    struct ps_placement p;
    char why[200];
    if (!ps_cluster_place(PS_PLACE_BACE, st, j, &p, why, sizeof why))
        return cli_fail("cluster allocate: job %s cannot be placed: %s", c->jobs[j].name, why);
    if (strcmp(o->format, "json") == 0)
        return ps_export_cluster_allocation_json(c, j, &p, b) == PS_OK ? PS_EXIT_OK
                                                                       : cli_fail("out of memory");
    struct ps_scenario sc;
    struct ps_diag d;
    int64_t iter = 0;
    if (ps_cluster_job_scenario(c, j, &p, NULL, &sc, &d) != PS_OK ||
        ps_cluster_timer_fn(x->timer, &sc, &iter, &d) != PS_OK) {
        ps_scenario_fini(&sc);
        return cli_fail_diag(&d, c->jobs[j].name);
    }
    ps_scenario_fini(&sc);
    double usd = ps_placement_usd_per_hour(c, &p), kw = 0;
    ps_buf_printf(b, "job %s on the empty cluster (pathfinder, then cost-min):\n", c->jobs[j].name);
    ps_buf_printf(b, "%-16s %6s %12s %8s %10s\n", "region", "gpus", "usd_per_kwh", "kw",
                  "usd_per_h");
    for (int i = 0; i < p.n; i++) {
        const struct ps_region *r = &c->regions[p.region[i]];
        double k = p.gpus[i] * r->gpu_power_w * r->pue / 1000;
        kw += k;
        ps_buf_printf(b, "%-16.16s %6d %12.3f %8.2f %10.4f\n", r->name, p.gpus[i],
                      r->price_usd_per_kwh, k, ps_region_usd_per_hour(r, p.gpus[i]));
    }
    double hours = (double)iter * (double)c->jobs[j].iterations / 3.6e12;
    ps_buf_printf(b, "%-16s %6d %12s %8.2f %10.4f\n", "total", ps_placement_gpus(&p), "", kw, usd);
    ps_buf_printf(b, "iteration %.3f s (%s), %lld iterations alone: %.2f h, %.1f kWh, $%.2f\n",
                  (double)iter / 1e9, o->schedule != NULL ? o->schedule : c->schedule,
                  (long long)c->jobs[j].iterations, hours, kw * hours, usd * hours);
    return PS_EXIT_OK;
}

int cli_cluster_step(const struct cli_cluster_opts *o, const struct cli_cluster_ctx *x)
{
    int j = ps_cluster_job_find(&x->c, o->job);
    if (j < 0)
        return cli_usage("cluster", "cluster %s: no job named '%s'", o->step, o->job);
    if (!x->plans[j].can_run)
        return cli_fail("cluster %s: job %s can never run: %s", o->step, o->job, x->plans[j].why);
    struct ps_cluster_empty e;
    if (ps_cluster_empty_init(&e, &x->c, x->plans) != PS_OK)
        return cli_fail("out of memory");
    struct ps_buf b;
    ps_buf_init(&b);
    int rc = PS_EXIT_OK;
    if (strcmp(o->step, "path") == 0) {
        rc = path_step(o, x, j, &e.st, &b);
    } else {
        rc = allocate(o, x, j, &e.st, &b);
    }
    if (rc == PS_EXIT_OK)
        rc = cli_write_output(o->out, b.data ? b.data : "", b.len);
    ps_buf_fini(&b);
    ps_cluster_empty_fini(&e);
    return rc;
}
