/* The cluster planner's tables: one row per policy (avg JCT, total cost, makespan, GPU
 * utilisation) or per policy and job (submit, start, end, JCT, path, GPUs per region,
 * cost), as CSV, JSON or a text table; one job's allocation as JSON; the Pareto front. */
#include "export/cluster_export.h"

#include <csv.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_internal.h"

/* Seconds from ns, exact: up to 9 decimals, trailing zeros trimmed. */
static char *sec_text(int64_t ns, char *buf)
{
    int64_t s = ns / 1000000000, f = ns % 1000000000;
    if (f < 0) {
        f = -f;
        snprintf(buf, 40, "-%" PRId64, -s);
    } else {
        snprintf(buf, 40, "%" PRId64, s);
    }
    if (f != 0) {
        char frac[16];
        snprintf(frac, sizeof frac, "%09" PRId64, f);
        for (int i = 8; i >= 0 && frac[i] == '0'; i--)
            frac[i] = '\0';
        strcat(buf, ".");
        strcat(buf, frac);
    }
    return buf;
}

static char *num_text(double x, char *buf)
{
    return ps_out_num(x, buf);
}

/* "a>b>c" and "32+16+1". */
static void path_text(const struct ps_cluster *c, const struct ps_placement *p, char *path,
                      size_t psize, char *gpus, size_t gsize)
{
    size_t pu = 0, gu = 0;
    path[0] = gpus[0] = '\0';
    for (int i = 0; i < p->n; i++) {
        int n =
            snprintf(path + pu, psize - pu, "%s%s", i ? ">" : "", c->regions[p->region[i]].name);
        pu += n > 0 && (size_t)n < psize - pu ? (size_t)n : 0;
        n = snprintf(gpus + gu, gsize - gu, "%s%d", i ? "+" : "", p->gpus[i]);
        gu += n > 0 && (size_t)n < gsize - gu ? (size_t)n : 0;
    }
}

/* ---- CSV ----------------------------------------------------------------------------- */

static enum ps_status csv_cell(struct ps_buf *out, const char *s, bool last)
{
    enum ps_status st;
    size_t len = strlen(s);
    if (strpbrk(s, ",\"\r\n") != NULL) {
        size_t need = csv_write(NULL, 0, s, len);
        char *q = malloc(need);
        if (q == NULL)
            return PS_ENOMEM;
        csv_write(q, need, s, len);
        st = ps_buf_append(out, q, need);
        free(q);
    } else {
        st = ps_buf_append(out, s, len);
    }
    if (st == PS_OK)
        st = ps_buf_append(out, last ? "\r\n" : ",", last ? 2 : 1);
    return st;
}

static enum ps_status csv_row(struct ps_buf *out, const char *const *cells, size_t n)
{
    enum ps_status st = PS_OK;
    for (size_t i = 0; i < n && st == PS_OK; i++)
        st = csv_cell(out, cells[i], i + 1 == n);
    return st;
}

static enum ps_status csv_policy_row(struct ps_buf *out, const struct ps_cluster_run *run)
{
    const struct ps_cluster_result *r = run->result;
    char a[32], b[32], c[32], u[32], s[16], n[16];
    snprintf(s, sizeof s, "%d", r->started);
    snprintf(n, sizeof n, "%d", r->never_started);
    const char *cells[] = {run->policy,
                           num_text(r->avg_jct_s, a),
                           num_text(r->total_cost_usd, b),
                           num_text(r->makespan_s, c),
                           num_text(r->gpu_util, u),
                           s,
                           n};
    return csv_row(out, cells, 7);
}

static enum ps_status csv_job_row(struct ps_buf *out, const struct ps_cluster *c,
                                  const struct ps_cluster_run *run, int j)
{
    const struct ps_job_result *jr = &run->result->jobs[j];
    char sub[40], st[40] = "", en[40] = "", jct[40] = "", cost[32] = "";
    char path[512], gpus[512];
    sec_text(jr->submit_ns, sub);
    path[0] = gpus[0] = '\0';
    if (jr->started) {
        sec_text(jr->start_ns, st);
        sec_text(jr->end_ns, en);
        sec_text(jr->end_ns - jr->submit_ns, jct);
        num_text(jr->cost_usd, cost);
        path_text(c, &jr->placement, path, sizeof path, gpus, sizeof gpus);
    }
    const char *cells[] = {run->policy, c->jobs[j].name,           sub, st, en, jct, path, gpus,
                           cost,        jr->started ? "" : jr->why};
    return csv_row(out, cells, 10);
}

enum ps_status ps_export_cluster_csv(const struct ps_cluster *c, const struct ps_cluster_run *runs,
                                     size_t n, bool jobs, struct ps_buf *out)
{
    static const char *const policy_cols[] = {"policy",       "avg_jct_s", "total_cost_usd",
                                              "makespan_s",   "gpu_util",  "started",
                                              "never_started"};
    static const char *const job_cols[] = {"policy", "name", "submit_s", "start_s",  "end_s",
                                           "jct_s",  "path", "gpus",     "cost_usd", "why"};
    enum ps_status st = jobs ? csv_row(out, job_cols, 10) : csv_row(out, policy_cols, 7);
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        if (!jobs)
            st = csv_policy_row(out, &runs[i]);
        for (int j = 0; jobs && j < runs[i].result->n_jobs && st == PS_OK; j++)
            st = csv_job_row(out, c, &runs[i], j);
    }
    return st;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static enum ps_status json_placement(struct ps_buf *out, const struct ps_cluster *c,
                                     const struct ps_placement *p)
{
    enum ps_status st = ps_buf_printf(out, "\"path\": [");
    for (int i = 0; i < p->n && st == PS_OK; i++) {
        if (i > 0)
            st = ps_buf_printf(out, ", ");
        if (st == PS_OK)
            st = ps_buf_json_string(out, c->regions[p->region[i]].name);
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, "], \"gpus\": {");
    for (int i = 0; i < p->n && st == PS_OK; i++) {
        st = ps_buf_printf(out, "%s", i ? ", " : " ");
        if (st == PS_OK)
            st = ps_buf_json_string(out, c->regions[p->region[i]].name);
        if (st == PS_OK)
            st = ps_buf_printf(out, ": %d", p->gpus[i]);
    }
    return st == PS_OK ? ps_buf_printf(out, "%s}", p->n ? " " : "") : st;
}

static enum ps_status json_job(struct ps_buf *out, const struct ps_cluster *c,
                               const struct ps_cluster_run *run, int j, bool first)
{
    const struct ps_job_result *jr = &run->result->jobs[j];
    char a[40], b[40], e[40], f[40], g[32];
    enum ps_status st = ps_buf_printf(out, "%s\n    { \"policy\": ", first ? "" : ",");
    if (st == PS_OK)
        st = ps_buf_json_string(out, run->policy);
    if (st == PS_OK)
        st = ps_buf_printf(out, ", \"name\": ");
    if (st == PS_OK)
        st = ps_buf_json_string(out, c->jobs[j].name);
    if (st == PS_OK)
        st = ps_buf_printf(out, ", \"submit_s\": %s, ", sec_text(jr->submit_ns, a));
    if (st != PS_OK)
        return st;
    if (!jr->started) {
        st = ps_buf_printf(out, "\"start_s\": null, \"end_s\": null, \"jct_s\": null, "
                                "\"path\": [], \"gpus\": {}, \"cost_usd\": null, \"why\": ");
        if (st == PS_OK)
            st = ps_buf_json_string(out, jr->why);
        return st == PS_OK ? ps_buf_printf(out, " }") : st;
    }
    st = ps_buf_printf(out, "\"start_s\": %s, \"end_s\": %s, \"jct_s\": %s, ",
                       sec_text(jr->start_ns, b), sec_text(jr->end_ns, e),
                       sec_text(jr->end_ns - jr->submit_ns, f));
    if (st == PS_OK)
        st = json_placement(out, c, &jr->placement);
    if (st == PS_OK)
        st = ps_buf_printf(out, ", \"cost_usd\": %s }", num_text(jr->cost_usd, g));
    return st;
}

enum ps_status ps_export_cluster_json(const struct ps_cluster *c, const struct ps_cluster_run *runs,
                                      size_t n, bool jobs, struct ps_buf *out)
{
    enum ps_status st = ps_buf_printf(out, "{\n  \"cluster\": ");
    if (st == PS_OK)
        st = ps_buf_json_string(out, c->name);
    if (st == PS_OK)
        st = ps_buf_printf(out, ",\n  \"policies\": [");
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        const struct ps_cluster_result *r = runs[i].result;
        char a[32], b[32], m[32], u[32];
        st = ps_buf_printf(out, "%s\n    { \"policy\": ", i ? "," : "");
        if (st == PS_OK)
            st = ps_buf_json_string(out, runs[i].policy);
        if (st == PS_OK)
            st = ps_buf_printf(out,
                               ", \"avg_jct_s\": %s, \"total_cost_usd\": %s, \"makespan_s\": "
                               "%s, \"gpu_util\": %s, \"started\": %d, \"never_started\": %d }",
                               num_text(r->avg_jct_s, a), num_text(r->total_cost_usd, b),
                               num_text(r->makespan_s, m), num_text(r->gpu_util, u), r->started,
                               r->never_started);
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, "\n  ]");
    if (jobs && st == PS_OK) {
        st = ps_buf_printf(out, ",\n  \"jobs\": [");
        bool first = true;
        for (size_t i = 0; i < n && st == PS_OK; i++)
            for (int j = 0; j < runs[i].result->n_jobs && st == PS_OK; j++, first = false)
                st = json_job(out, c, &runs[i], j, first);
        if (st == PS_OK)
            st = ps_buf_printf(out, "\n  ]");
    }
    return st == PS_OK ? ps_buf_printf(out, "\n}\n") : st;
}

enum ps_status ps_export_cluster_allocation_json(const struct ps_cluster *c, int job,
                                                 const struct ps_placement *p, struct ps_buf *out)
{
    char u[32];
    enum ps_status st = ps_buf_printf(out, "{ \"job\": ");
    if (st == PS_OK)
        st = ps_buf_json_string(out, c->jobs[job].name);
    if (st == PS_OK)
        st = ps_buf_printf(out, ", ");
    if (st == PS_OK)
        st = json_placement(out, c, p);
    if (st == PS_OK)
        st = ps_buf_printf(out, ", \"usd_per_hour\": %s }\n",
                           num_text(ps_placement_usd_per_hour(c, p), u));
    return st;
}

static enum ps_status json_region(struct ps_buf *out, const struct ps_cluster *c, const char *key,
                                  int r)
{
    enum ps_status st = ps_buf_printf(out, "\"%s\": ", key);
    return st == PS_OK ? ps_buf_json_string(out, c->regions[r].name) : st;
}

enum ps_status ps_export_cluster_path_json(const struct ps_cluster *c,
                                           const struct ps_cluster_path_out *p, struct ps_buf *out)
{
    char a[32], b[32], e[32], f[32], g[32];
    enum ps_status st = ps_buf_printf(out, "{ \"job\": ");
    if (st == PS_OK)
        st = ps_buf_json_string(out, c->jobs[p->job].name);
    if (st == PS_OK)
        st = ps_buf_printf(out, ", \"k_star\": %d, \"t_stage_ms\": %s, ", p->k_star,
                           num_text(p->t_stage_ms, a));
    if (st == PS_OK)
        st = json_region(out, c, "seed", p->seed);
    if (st == PS_OK)
        st = ps_buf_printf(out, ", \"path\": [");
    for (int i = 0; i < p->n && st == PS_OK; i++) {
        st = ps_buf_printf(out, "%s", i ? ", " : "");
        if (st == PS_OK)
            st = ps_buf_json_string(out, c->regions[p->path[i]].name);
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, "], \"found\": %s, \"bottleneck\": ", p->found ? "true" : "false");
    if (st == PS_OK && p->bottleneck_a >= 0) {
        st = ps_buf_printf(out, "{ ");
        if (st == PS_OK)
            st = json_region(out, c, "from", p->bottleneck_a);
        if (st == PS_OK)
            st = ps_buf_printf(out, ", ");
        if (st == PS_OK)
            st = json_region(out, c, "to", p->bottleneck_b);
        if (st == PS_OK)
            st = ps_buf_printf(out, ", \"ratio\": %s }", num_text(p->bottleneck_ratio, a));
    } else if (st == PS_OK) {
        st = ps_buf_printf(out, "null");
    }
    if (st == PS_OK)
        st = ps_buf_printf(out, ",\n  \"links\": [");
    for (int i = 0; i < p->n_links && st == PS_OK; i++) {
        const struct ps_cluster_link_row *l = &p->links[i];
        st = ps_buf_printf(out, "%s\n    { ", i ? "," : "");
        if (st == PS_OK)
            st = json_region(out, c, "from", l->a);
        if (st == PS_OK)
            st = ps_buf_printf(out, ", ");
        if (st == PS_OK)
            st = json_region(out, c, "to", l->b);
        if (st == PS_OK)
            st = ps_buf_printf(out,
                               ", \"bandwidth_gbps\": %s, \"comm_ms\": %s, \"comp_ms\": %s, "
                               "\"ratio\": %s, \"feasible\": %s }",
                               num_text(l->bandwidth_gbps, b), num_text(l->comm_ms, e),
                               num_text(l->comp_ms, f), num_text(l->ratio, g),
                               l->feasible ? "true" : "false");
    }
    return st == PS_OK ? ps_buf_printf(out, "\n  ] }\n") : st;
}

/* ---- text ---------------------------------------------------------------------------- */

void ps_cluster_pareto(const double *x, const double *y, size_t n, bool *on_front)
{
    for (size_t i = 0; i < n; i++) {
        on_front[i] = isfinite(x[i]) && isfinite(y[i]);
        for (size_t k = 0; k < n && on_front[i]; k++)
            if (k != i && x[k] <= x[i] && y[k] <= y[i] && (x[k] < x[i] || y[k] < y[i]))
                on_front[i] = false;
    }
}

static enum ps_status table_jobs(struct ps_buf *out, const struct ps_cluster *c,
                                 const struct ps_cluster_run *run)
{
    enum ps_status st = PS_OK;
    for (int j = 0; j < run->result->n_jobs && st == PS_OK; j++) {
        const struct ps_job_result *jr = &run->result->jobs[j];
        if (!jr->started) {
            st = ps_buf_printf(out, "    %-22.22s %9.2f  never started: %s\n", c->jobs[j].name,
                               (double)jr->submit_ns / 3.6e12, jr->why);
            continue;
        }
        char path[512], gpus[512];
        path_text(c, &jr->placement, path, sizeof path, gpus, sizeof gpus);
        st = ps_buf_printf(out, "    %-22.22s %9.2f %9.2f %9.2f %9.2f %10.2f  %s (%s)\n",
                           c->jobs[j].name, (double)jr->submit_ns / 3.6e12,
                           (double)jr->start_ns / 3.6e12, (double)jr->end_ns / 3.6e12,
                           (double)(jr->end_ns - jr->submit_ns) / 3.6e12, jr->cost_usd, path, gpus);
    }
    return st;
}

enum ps_status ps_export_cluster_table(const struct ps_cluster *c,
                                       const struct ps_cluster_run *runs, size_t n, bool jobs,
                                       struct ps_buf *out)
{
    double best_jct = INFINITY, best_cost = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (runs[i].result->started > 0) {
            best_jct = fmin(best_jct, runs[i].result->avg_jct_s);
            best_cost = fmin(best_cost, runs[i].result->total_cost_usd);
        }
    enum ps_status st = ps_buf_printf(out, "%-22s %12s %15s %11s %8s %8s\n", "policy", "avg_jct_h",
                                      "total_cost_usd", "makespan_h", "gpu_util", "started");
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        const struct ps_cluster_result *r = runs[i].result;
        bool bj = r->started > 0 && r->avg_jct_s == best_jct;
        bool bc = r->started > 0 && r->total_cost_usd == best_cost;
        char started[32];
        snprintf(started, sizeof started, "%d/%d", r->started, r->n_jobs);
        st = ps_buf_printf(out, "%-22.22s %11.2f%s %14.2f%s %11.2f %7.1f%% %8s\n", runs[i].policy,
                           r->avg_jct_s / 3600, bj ? "*" : " ", r->total_cost_usd, bc ? "$" : " ",
                           r->makespan_s / 3600, 100 * r->gpu_util, started);
        if (jobs && st == PS_OK) {
            st = ps_buf_printf(out, "    %-22s %9s %9s %9s %9s %10s  %s\n", "job", "submit_h",
                               "start_h", "end_h", "jct_h", "cost_usd", "path (GPUs)");
            if (st == PS_OK)
                st = table_jobs(out, c, &runs[i]);
        }
    }
    if (st == PS_OK)
        st = ps_buf_printf(out,
                           "%s: %d jobs on %d regions (%lld GPUs); * lowest avg JCT, $ lowest "
                           "total cost\n",
                           c->name[0] ? c->name : "cluster", c->n_jobs, c->n_regions,
                           (long long)ps_cluster_total_gpus(c));
    return st;
}
