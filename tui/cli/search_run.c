/* The layout search's engine: every point of the axes through the calculator (stage times,
 * memory limit from HBM, data-parallel times from the parameters and the links) and the
 * simulator (each candidate schedule), keeping the fastest within memory, or why none can. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schedule.h"
#include "presets/presets.h"
#include "tui/cli/common.h"
#include "tui/cli/search.h"

static const char *const axis_names[AXIS_COUNT] = {"pp",  "tp",           "dp", "mbs",
                                                   "seq", "pipeline_dcs", "dn"};

const char *search_axis_name(enum search_axis a)
{
    return (unsigned)a < AXIS_COUNT ? axis_names[a] : "?";
}

static int push(struct search_spec *sp, enum search_axis a, const char *v)
{
    if (sp->n[a] == SEARCH_MAX_VALUES)
        return cli_usage("search", "search: --%s: more than %d values", axis_names[a],
                         SEARCH_MAX_VALUES);
    if (strlen(v) >= sizeof sp->values[a][0])
        return cli_usage("search", "search: --%s: value '%s' too long", axis_names[a], v);
    snprintf(sp->values[a][sp->n[a]++], sizeof sp->values[a][0], "%.15s", v);
    return PS_EXIT_OK;
}

int search_axis_parse(struct search_spec *sp, enum search_axis a, const char *text)
{
    sp->n[a] = 0;
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        char item[32], *end;
        snprintf(item, sizeof item, "%.*s", (int)(len < 31 ? len : 31), p);
        long lo = strtol(item, &end, 10), hi = lo, step = 1;
        if (*end == ':') {
            hi = strtol(end + 1, &end, 10);
            if (*end == ':')
                step = strtol(end + 1, &end, 10);
        }
        int rc = PS_EXIT_OK;
        if (a == AXIS_DN && (strcmp(item, "auto") == 0 || strcmp(item, "search") == 0))
            rc = push(sp, a, item);
        else if (*end != '\0' || end == item || lo < (a == AXIS_DN ? 0 : 1) || hi < lo ||
                 step < 1 || hi > 100000000)
            return cli_usage("search",
                             "search: --%s '%s': expected whole numbers, ranges like "
                             "4:32:4%s",
                             axis_names[a], text, a == AXIS_DN ? ", auto or search" : "");
        for (long v = lo; rc == PS_EXIT_OK && v <= hi && item[0] != 'a' && item[0] != 's';
             v += step) {
            char num[24];
            snprintf(num, sizeof num, "%ld", v);
            rc = push(sp, a, num);
        }
        if (rc != PS_EXIT_OK)
            return rc;
        if (p[len] == '\0')
            return PS_EXIT_OK;
        p += len + 1;
    }
}

long search_points(const struct search_spec *sp)
{
    long n = 1;
    for (int a = 0; a < AXIS_COUNT; a++)
        if (sp->n[a] > 0 && (n *= sp->n[a]) > SEARCH_MAX_POINTS)
            return SEARCH_MAX_POINTS + 1;
    return n;
}

/* Calculator errors that say the point cannot be built on this cluster (a reason to show),
 * rather than that the specs are wrong (a reason to stop). */
static bool infeasible_path(const char *path)
{
    static const char *const paths[] = {"cluster.gpus",   "cluster.hbm",  "cluster.tokens",
                                        "cluster.gbs",    "cluster.dp",   "cluster.pp",
                                        "cluster.mb",     "cluster.dcs",  "cluster.pipeline_dcs",
                                        "cluster.layers", "cluster.split"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (strcmp(path, paths[i]) == 0)
            return true;
    return false;
}

/* The candidate schedules of a point: the dN asked for, or the list. */
static size_t candidates(const struct search_spec *sp, const int *idx, const struct ps_solver **sv,
                         struct ps_params *params)
{
    if (sp->n[AXIS_DN] == 0) {
        for (size_t i = 0; i < sp->l->n; i++) {
            sv[i] = sp->l->sv[i];
            params[i] = sp->l->params[i];
        }
        return sp->l->n;
    }
    const char *dn = sp->values[AXIS_DN][idx[AXIS_DN]];
    memset(params, 0, sizeof *params);
    if (strcmp(dn, "search") == 0) {
        sv[0] = &ps_solver_geopipe;
    } else {
        sv[0] = &ps_solver_1f1b_warmup;
        ps_params_set(&params[0], "extra_warmup", dn);
    }
    return 1;
}

/* A fixed family's peak memory is its order's (ps_schedule_order_peak): when the order alone
 * is over the limit, the schedule cannot be the point's, and timing it is wasted (more than
 * half the work of a large search). Returns true then, keeping the least peak seen. */
static bool order_over(const struct ps_solver *sv, const struct ps_scenario *sc,
                       const struct ps_params *params, double *least_peak, struct search_stats *st)
{
    static const struct ps_solve_ctx no_ctx = {0};
    if (!sc->has_memory_limit || sv->adaptive)
        return false; /* an adaptive schedule's order follows the limit */
    struct ps_schedule *s = NULL;
    struct ps_diag d;
    bool over = false;
    if (ps_params_check(sv, params, &d) == PS_OK &&
        sv->generate(sc, params, &no_ctx, &s, &d) == PS_OK && s != NULL &&
        s->solver.status != PS_SOLVE_INFEASIBLE) {
        double peak = ps_schedule_order_peak(s, NULL);
        over = peak > sc->memory_limit + 1e-9;
        if (over && peak < *least_peak)
            *least_peak = peak;
        if (over && st != NULL)
            st->skipped++;
    }
    ps_schedule_free(s);
    return over;
}

/* Runs the candidates on sc; fills the row's schedule and numbers, or why none fits. */
static void evaluate(const struct search_spec *sp, const int *idx, const struct ps_scenario *sc,
                     const struct ps_calc_report *rep, struct ps_search_row *row,
                     struct search_stats *st)
{
    const struct ps_solver *sv[CLI_MAX_SCHEDULES];
    struct ps_params params[CLI_MAX_SCHEDULES];
    size_t n = candidates(sp, idx, sv, params);
    double least_peak = INFINITY;
    char error[200] = "";
    for (size_t i = 0; i < n; i++) {
        struct ps_schedule *s = NULL;
        struct ps_diag d;
        ps_diag_clear(&d);
        if (order_over(sv[i], sc, &params[i], &least_peak, st))
            continue; /* its order alone does not fit: no need to time it */
        if (ps_solver_run(sv[i], sc, &params[i], NULL, &s, &d) != PS_OK || s == NULL || !s->timed) {
            if (error[0] == '\0')
                snprintf(error, sizeof error, "%s: %.160s", sv[i]->name,
                         s != NULL && s->solver.error[0] ? s->solver.error : d.msg);
            ps_schedule_free(s);
            continue;
        }
        if (st != NULL) {
            st->runs++;
            st->ops += (double)ps_schedule_n_ops(s);
        }
        double peak = 0;
        for (int k = 0; k < s->n_stages; k++)
            peak = fmax(peak, s->peak_memory[k]);
        least_peak = fmin(least_peak, peak);
        double ms = (double)s->makespan_ns / 1e6;
        if (s->memory_ok && (!row->feasible || ms < row->makespan_ms)) {
            row->feasible = true;
            row->makespan_ms = ms;
            row->bubble_ratio = s->bubble_ratio;
            row->peak_memory = peak;
            snprintf(row->schedule, sizeof row->schedule, "%s", sv[i]->name);
        }
        ps_schedule_free(s);
    }
    if (row->feasible) {
        row->tokens_per_s = rep->tokens / (row->makespan_ms / 1000);
    } else if (isfinite(least_peak)) {
        snprintf(row->why, sizeof row->why,
                 "out of HBM: activations need %.4g units at the peak, the HBM leaves %.4g",
                 least_peak, sc->memory_limit);
    } else {
        snprintf(row->why, sizeof row->why, "%s", error[0] ? error : "no schedule ran");
    }
}

static void fill_layout(struct ps_search_row *row, const struct ps_calc_report *rep,
                        const struct search_spec *sp, const int *idx)
{
    row->pp = rep->pp;
    row->tp = rep->tp;
    row->dp = rep->dp;
    row->mbs = rep->mbs;
    row->seq = rep->seq;
    row->dcs = rep->dcs;
    row->pipeline_dcs = rep->pipeline_dcs;
    row->microbatches = rep->microbatches;
    row->gpus_per_dc = rep->gpus_per_dc;
    row->gpus = rep->gpus_total;
    row->static_gb = rep->static_gb;
    row->dp_ms = rep->dp_ms;
    /* an axis value the calculator never reached still names the point */
    int *const fields[] = {&row->pp, &row->tp, &row->dp, &row->mbs, &row->seq, &row->pipeline_dcs};
    for (int a = 0; a <= AXIS_PIPELINE_DCS; a++)
        if (sp->n[a] > 0 && *fields[a] == 0)
            *fields[a] = atoi(sp->values[a][idx[a]]);
    if (sp->n[AXIS_DN] > 0)
        snprintf(row->dn, sizeof row->dn, "%s", sp->values[AXIS_DN][idx[AXIS_DN]]);
    row->makespan_ms = row->tokens_per_s = row->bubble_ratio = row->peak_memory = NAN;
}

static int run_point(const struct search_spec *sp, const int *idx, struct ps_search_row *row,
                     struct search_stats *st)
{
    char over[AXIS_COUNT][48];
    const char *list[AXIS_COUNT];
    int k = 0;
    for (int a = 0; a <= AXIS_PIPELINE_DCS; a++)
        if (sp->n[a] > 0) {
            snprintf(over[k], sizeof over[k], "%s=%s", axis_names[a], sp->values[a][idx[a]]);
            list[k] = over[k];
            k++;
        }
    struct ps_calc_report rep;
    struct ps_scenario_source src = sp->src;
    src.cluster_over = list;
    src.n_cluster_over = k;
    src.report = &rep;
    src.on_note = NULL;
    struct ps_scenario sc;
    struct ps_diag d;
    memset(row, 0, sizeof *row);
    memset(&rep, 0, sizeof rep);
    enum ps_status rc = ps_scenario_resolve(&src, &sc, &d);
    fill_layout(row, &rep, sp, idx);
    if (rc != PS_OK) {
        if (!infeasible_path(d.path)) {
            char where[256] = "", msg[600];
            size_t used = 0;
            for (int j = 0; j < k && used < sizeof where; j++)
                used += (size_t)snprintf(where + used, sizeof where - used, "%s%s", j ? ", " : "",
                                         list[j]);
            ps_diag_format(&d, NULL, msg, sizeof msg);
            return cli_fail("search: point %s: %s", k ? where : "(the cluster)", msg);
        }
        snprintf(row->why, sizeof row->why, "%.190s", d.msg);
        return PS_EXIT_OK;
    }
    row->has_memory_limit = sc.has_memory_limit;
    row->memory_limit = sc.memory_limit;
    evaluate(sp, idx, &sc, &rep, row, st);
    ps_scenario_fini(&sc);
    return PS_EXIT_OK;
}

int search_run(const struct search_spec *sp, struct ps_search_row *rows, struct search_stats *st)
{
    long points = search_points(sp), best = -1;
    if (st != NULL)
        memset(st, 0, sizeof *st);
    for (long p = 0; p < points; p++) {
        int idx[AXIS_COUNT] = {0};
        long rest = p;
        for (int a = AXIS_COUNT - 1; a >= 0; a--)
            if (sp->n[a] > 0) {
                idx[a] = (int)(rest % sp->n[a]);
                rest /= sp->n[a];
            }
        int rc = run_point(sp, idx, &rows[p], st);
        if (rc != PS_EXIT_OK)
            return rc;
        if (rows[p].feasible && (best < 0 || rows[p].tokens_per_s > rows[best].tokens_per_s))
            best = p;
        if (st != NULL) {
            st->points++;
            st->feasible += rows[p].feasible;
        }
    }
    if (best >= 0)
        rows[best].best = true;
    return PS_EXIT_OK;
}
