/* Benchmark of the optimal solver: time to prove optimality on the issue's S=4, M=8 grid
 * (both formulations), model build time against the number of binaries, the S=8, M=16
 * gap, and (with --ablation) what each tightening buys. Prints tables; asserts nothing.
 *   bench_optimal             the short run (about a minute on one free core)
 *   bench_optimal --long      adds S=8, M=16 with a 60 s limit
 *   bench_optimal --ablation  adds the tightening table (a few minutes)
 *   bench_optimal --presets [LIMIT [PARAMS [CASE]]]  every built-in preset (a workload
 *                             planned as the front ends plan it; CASE: only the presets
 *                             whose name contains it) with a time limit of
 *                             LIMIT s (default 60) and the optimal solver's PARAMS: status,
 *                             makespan, bound, gap, wall and CPU seconds, against the best
 *                             other schedule within memory (every fast generator)
 *   bench_optimal --issue [LIMIT [PARAMS [CASE]]]  the issue's small and mid-size cases (the
 *                             same columns); CASE: only the cases whose label contains it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/units.h"
#include "presets/presets.h"
#include "solvers/solver.h"
#include "solvers/workload/plan.h"

/* 2 DCs of S/2 stages, F = B = W = 1 ms, w = 0.5; the inter-DC delay as a latency or as a
 * transmission time (1 MB over the matching bandwidth). */
static void make_2dc(struct ps_scenario *sc, int S, int M, double lat, double tx, double limit)
{
    ps_scenario_make_uniform(sc, 2, S / 2, M, 1, 1, 1);
    sc->inter_dc.latency_ms = lat;
    if (tx > 0) {
        sc->activation_mb = 1;
        sc->inter_dc.bandwidth_gbps = 8.0 / tx;
    }
    if (limit > 0) {
        sc->has_memory_limit = true;
        sc->memory_limit = limit;
    }
}

static const char *param(const struct ps_schedule *s, const char *key)
{
    for (int i = 0; i < s->solver.n_params; i++)
        if (strcmp(s->solver.params[i].key, key) == 0)
            return s->solver.params[i].value;
    return "-";
}

struct first_report {
    double first_ms; /* elapsed at the first progress report */
    int calls;
};

static void on_progress(const struct ps_progress *p, void *user)
{
    struct first_report *r = user;
    if (r->calls++ == 0)
        r->first_ms = p->elapsed_ms;
}

/* Runs a solver; NULL on error (printed). */
static struct ps_schedule *run(const char *name, const struct ps_scenario *sc, const char *kvs,
                               struct first_report *rep)
{
    struct ps_params p = {0};
    struct ps_diag d;
    memset(&d, 0, sizeof d);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", kvs != NULL ? kvs : "");
    for (char *save = NULL, *kv = strtok_r(buf, " ", &save); kv != NULL;
         kv = strtok_r(NULL, " ", &save))
        if (ps_params_parse_kv(&p, kv, &d) != PS_OK) {
            fprintf(stderr, "bad param %s: %s\n", kv, d.msg);
            return NULL;
        }
    struct ps_solve_ctx ctx = {NULL, on_progress, rep};
    struct ps_schedule *s = NULL;
    if (ps_solver_run(ps_solver_find(name), sc, &p, rep != NULL ? &ctx : NULL, &s, &d) != PS_OK) {
        fprintf(stderr, "%s: %s\n", name, d.msg);
        return NULL;
    }
    return s;
}

static void table_grid(void)
{
    printf("S=4, M=8, 2 DCs, F=B=W=1 ms, memory limit 4: time to prove (time limit 10 s)\n");
    printf("%-14s %-6s %8s %8s %8s %-10s %7s %9s %8s\n", "delay", "model", "greedy", "optimal",
           "bound", "status", "binary", "build_ms", "solve_s");
    const double delays[] = {0, 0.5, 1, 2};
    for (int kind = 0; kind < 2; kind++)
        for (int i = 0; i < 4; i++) {
            if (kind == 1 && delays[i] == 0)
                continue;
            struct ps_scenario sc;
            make_2dc(&sc, 4, 8, kind == 0 ? delays[i] : 0, kind == 1 ? delays[i] : 0, 4);
            struct ps_schedule *g = run("greedy", &sc, "traversal=loop", NULL);
            for (int f = 0; f < 2; f++) {
                struct ps_schedule *s =
                    run("optimal", &sc,
                        f == 0 ? "time_limit=10" : "time_limit=10 formulation=order", NULL);
                if (s == NULL || g == NULL)
                    continue;
                char label[32];
                snprintf(label, sizeof label, "%s %.1f", kind == 0 ? "latency" : "transmit",
                         delays[i]);
                printf("%-14s %-6s %8.3f %8.3f %8.3f %-10s %7s %9s %8.2f\n", label,
                       param(s, "formulation"), ps_ns_to_ms(g->makespan_ns),
                       ps_ns_to_ms(s->makespan_ns), ps_ns_to_ms(s->solver.bound_ns),
                       ps_solve_status_str(s->solver.status), param(s, "binaries"),
                       param(s, "build_ms"), s->solver.solve_ms / 1e3);
                fflush(stdout);
                ps_schedule_free(s);
            }
            ps_schedule_free(g);
            ps_scenario_fini(&sc);
        }
    printf("\n");
}

/* The MILP's own tightenings: without the searches and bounds that answer first, so the
 * model is always built (time_limit=0 then skips GLPK's run). */
#define BUILD_TIGHTEN "tighten=window,lb,energy,warm,mempre"

static void table_build(void)
{
    printf("Model build time against binaries (latency 1, memory limit S; time_limit=0)\n");
    printf("%4s %4s %-6s %8s %9s %12s\n", "S", "M", "model", "binary", "build_ms", "us/binary");
    const int shapes[][2] = {{2, 4}, {4, 4}, {4, 8}, {4, 16}, {8, 8}, {8, 16}, {8, 32}, {16, 16}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        for (int f = 0; f < 2; f++) {
            struct ps_scenario sc;
            make_2dc(&sc, shapes[i][0], shapes[i][1], 1, 0, shapes[i][0]);
            struct ps_schedule *s = run("optimal", &sc,
                                        f == 0 ? "time_limit=0 formulation=time " BUILD_TIGHTEN
                                               : "time_limit=0 formulation=order " BUILD_TIGHTEN,
                                        NULL);
            if (s != NULL) {
                double b = atof(param(s, "binaries")), ms = atof(param(s, "build_ms"));
                printf("%4d %4d %-6s %8.0f %9.3f %12.2f\n", shapes[i][0], shapes[i][1],
                       param(s, "formulation"), b, ms, b > 0 ? ms * 1e3 / b : 0);
            }
            ps_schedule_free(s);
            ps_scenario_fini(&sc);
        }
    printf("\n");
}

static void table_big(double limit)
{
    printf("S=8, M=16, 2 DCs, F=B=W=1, memory limit 8, latency 1: the greedy at once, gap at "
           "%.0f s\n",
           limit);
    printf("%-6s %10s %8s %8s %8s %-10s %8s\n", "model", "first_ms", "greedy", "optimal", "bound",
           "status", "gap");
    struct ps_scenario sc;
    make_2dc(&sc, 8, 16, 1, 0, 8);
    struct ps_schedule *g = run("greedy", &sc, "traversal=loop", NULL);
    for (int f = 0; f < 2; f++) {
        char kv[96];
        snprintf(kv, sizeof kv, "time_limit=%g formulation=%s", limit, f == 0 ? "auto" : "time");
        struct first_report rep = {0};
        struct ps_schedule *s = run("optimal", &sc, kv, &rep);
        if (s != NULL && g != NULL)
            printf("%-6s %10.1f %8.3f %8.3f %8.3f %-10s %7.1f%%\n", param(s, "formulation"),
                   rep.first_ms, ps_ns_to_ms(g->makespan_ns), ps_ns_to_ms(s->makespan_ns),
                   ps_ns_to_ms(s->solver.bound_ns), ps_solve_status_str(s->solver.status),
                   100 * s->solver.gap);
        fflush(stdout);
        ps_schedule_free(s);
    }
    ps_schedule_free(g);
    ps_scenario_fini(&sc);
    printf("\n");
}

static void table_ablation(void)
{
    printf("What each tightening buys (time limit 10 s; all = window,lb,energy,warm,mempre; "
           "'-x' = all but x)\n");
    printf("%-28s %-6s %-16s %8s %8s %-10s %8s\n", "scenario", "model", "tightenings", "binary",
           "bound", "status", "solve_s");
    struct variant {
        const char *label, *list;
    };
    const struct variant vars[] = {
        {"all", "all"},
        {"+mono", "all,mono"},
        {"-window", "lb,energy,warm,mempre"},
        {"-lb", "window,energy,warm,mempre"},
        {"-energy", "window,lb,warm,mempre"},
        {"-mempre", "window,lb,energy,warm"},
        {"-warm", "window,lb,energy,mempre"},
        {"none", "none"},
        {"all+cuts", "all,mir,gmi,cov,clq"},
    };
    struct bench_case {
        const char *label;
        int S, M;
        double lat, tx, limit, f, b, w;
        const char *form;
    };
    const struct bench_case cases[] = {
        {"S=4 M=6 lat 1 mem 4", 4, 6, 1, 0, 4, 1, 1, 1, "order"},
        {"S=4 M=6 lat 2 mem 4", 4, 6, 2, 0, 4, 1, 1, 1, "order"},
        {"S=4 M=5 off-grid lat 1.13", 4, 5, 1.13, 0, 4, 1.03, 0.97, 1.01, "order"},
        {"S=4 M=8 lat 0.5 mem 4", 4, 8, 0.5, 0, 4, 1, 1, 1, "time"},
        {"S=4 M=8 tx 0.5 mem 4", 4, 8, 0, 0.5, 4, 1, 1, 1, "time"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct ps_scenario sc;
        make_2dc(&sc, cases[c].S, cases[c].M, cases[c].lat, cases[c].tx, cases[c].limit);
        sc.compute.forward_ms = cases[c].f;
        sc.compute.backward_ms = cases[c].b;
        sc.compute.weight_ms = cases[c].w;
        for (size_t v = 0; v < sizeof vars / sizeof vars[0]; v++) {
            char kv[160];
            snprintf(kv, sizeof kv, "time_limit=10 formulation=%s tighten=%s", cases[c].form,
                     vars[v].list);
            struct ps_schedule *s = run("optimal", &sc, kv, NULL);
            if (s == NULL)
                continue;
            printf("%-28s %-6s %-16s %8s %8.3f %-10s %8.2f\n", cases[c].label, cases[c].form,
                   vars[v].label, param(s, "binaries"), ps_ns_to_ms(s->solver.bound_ns),
                   ps_solve_status_str(s->solver.status), s->solver.solve_ms / 1e3);
            fflush(stdout);
            ps_schedule_free(s);
        }
        ps_scenario_fini(&sc);
    }
    printf("\n");
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The shortest schedule within memory of every fast generator; its name in *who. */
static double best_other_ms(const struct ps_scenario *sc, const char **who)
{
    double best = -1;
    *who = "-";
    for (size_t i = 0; i < ps_solver_count(); i++) {
        const struct ps_solver *sv = ps_solver_at(i);
        if (sv->slow)
            continue;
        struct ps_schedule *s = NULL;
        struct ps_diag d;
        if (ps_solver_run(sv, sc, NULL, NULL, &s, &d) == PS_OK && s != NULL &&
            s->solver.status != PS_SOLVE_INFEASIBLE && s->memory_ok) {
            double ms = ps_ns_to_ms(s->makespan_ns);
            if (best < 0 || ms < best) {
                best = ms;
                *who = sv->name;
            }
        }
        ps_schedule_free(s);
    }
    return best;
}

static void row_header(void)
{
    printf("%-24s %4s %4s %10s %-9s %10s %10s %10s %7s %7s %7s %s\n", "case", "S", "M", "other",
           "(which)", "optimal", "bound", "status", "gap", "wall_s", "cpu_s", "shape/formulation");
}

/* Only the rows whose label contains this (NULL: every row). */
static const char *only_case;

/* One row: the optimal solver on sc with time limit `limit` and params `kvs`. */
static void row(const char *label, const struct ps_scenario *sc, double limit, const char *kvs)
{
    if (only_case != NULL && strstr(label, only_case) == NULL)
        return;
    const char *who;
    double other = best_other_ms(sc, &who);
    char kv[256];
    snprintf(kv, sizeof kv, "time_limit=%g %s", limit, kvs != NULL ? kvs : "");
    double w0 = wall_s(), c0 = cpu_s();
    struct ps_diag d;
    memset(&d, 0, sizeof d);
    struct ps_schedule *s = run("optimal", sc, kv, NULL);
    double w = wall_s() - w0, c = cpu_s() - c0;
    if (s == NULL) {
        printf("%-24s %4d %4d %10.2f %-9s %10s (refused)\n", label, sc->n_stages,
               sc->n_microbatches, other, who, "-");
        fflush(stdout);
        return;
    }
    double ms = ps_ns_to_ms(s->makespan_ns);
    char shape[800];
    snprintf(shape, sizeof shape,
             "%s %s (%s bin, root LP %s; search %s; neighbourhoods %s; windows %s) [%s]",
             param(s, "shape"), param(s, "formulation"), param(s, "binaries"), param(s, "root_lp"),
             param(s, "bnb"), param(s, "lns"), param(s, "propagate"), param(s, "shapes"));
    printf("%-24s %4d %4d %10.2f %-9s %10.2f %10.2f %10s %6.2f%% %7.1f %7.1f %s%s\n", label,
           sc->n_stages, sc->n_microbatches, other, who, ms, ps_ns_to_ms(s->solver.bound_ns),
           ps_solve_status_str(s->solver.status), 100 * s->solver.gap, w, c, shape,
           s->solver.status == PS_SOLVE_OPTIMAL && other >= 0 && ms > other + 1e-6
               ? "  OPTIMAL ABOVE ANOTHER"
               : "");
    fflush(stdout);
    ps_schedule_free(s);
}

static void table_presets(double limit, const char *kvs)
{
    printf("Every built-in preset, time limit %g s%s%s\n", limit, kvs ? ", " : "", kvs ? kvs : "");
    row_header();
    for (size_t i = 0; i < ps_preset_count(); i++) {
        struct ps_scenario sc;
        struct ps_diag d;
        if (ps_preset_load(ps_preset_at(i)->name, &sc, &d) != PS_OK)
            continue;
        if (sc.workload != NULL) {
            /* as the front ends open it: the workload's plan (its chunks are the
             * microbatches) */
            struct ps_scenario planned;
            enum ps_status st = ps_workload_plan(&sc, &planned, NULL, &d);
            ps_scenario_fini(&sc);
            if (st != PS_OK) {
                printf("%-24s (plan failed: %s)\n", ps_preset_at(i)->name, d.msg);
                continue;
            }
            sc = planned;
        }
        row(ps_preset_at(i)->name, &sc, limit, kvs);
        ps_scenario_fini(&sc);
    }
    printf("\n");
}

/* The issue's cases: S=4, M=8 unit times (latency 1), S=8, M=16 unit times two DCs latency
 * 1 limit 8, and small heterogeneous and three-DC ones (3-4 stages, 5-6 microbatches). */
static void table_issue(double limit, const char *kvs)
{
    printf("The issue's cases, time limit %g s\n", limit);
    row_header();
    struct ps_scenario sc;
    make_2dc(&sc, 4, 8, 1, 0, 4);
    row("4x8 unit lat 1", &sc, limit, kvs);
    ps_scenario_fini(&sc);
    make_2dc(&sc, 4, 8, 0, 2, 4);
    row("4x8 unit tx 2", &sc, limit, kvs);
    ps_scenario_fini(&sc);
    make_2dc(&sc, 8, 16, 1, 0, 8);
    row("8x16 unit lat 1", &sc, limit, kvs);
    ps_scenario_fini(&sc);
    static const double f[4] = {0.8, 1.3, 1.1, 0.9}, b[4] = {1.0, 1.5, 1.2, 0.9},
                        w[4] = {0.7, 1.1, 0.9, 0.8};
    for (int S = 3; S <= 4; S++)
        for (int M = 5; M <= 6; M++) {
            char label[48];
            make_2dc(&sc, 4, M, 0.5, 0, 0);
            sc.dcs[0].stages = S == 3 ? 1 : 2;
            sc.n_stages = S;
            sc.per_stage = calloc((size_t)S, sizeof *sc.per_stage);
            for (int i = 0; i < S; i++)
                sc.per_stage[i] = (struct ps_compute){f[i], b[i], w[i]};
            sc.has_memory_limit = true;
            sc.memory_limit = S;
            snprintf(label, sizeof label, "%dx%d hetero lat 0.5", S, M);
            row(label, &sc, limit, kvs);
            ps_scenario_fini(&sc);
            ps_scenario_make_uniform(&sc, 3, 1, M, 1, 1, 1);
            if (S == 4)
                sc.dcs[2].stages = 2;
            sc.n_stages = S;
            sc.inter_dc.latency_ms = 1;
            sc.activation_mb = 1;
            sc.inter_dc.bandwidth_gbps = 16; /* 0.5 ms */
            sc.has_memory_limit = true;
            sc.memory_limit = S;
            snprintf(label, sizeof label, "%dx%d 3dc lat 1 tx 0.5", S, M);
            row(label, &sc, limit, kvs);
            ps_scenario_fini(&sc);
        }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--presets") == 0) {
        only_case = argc > 4 ? argv[4] : NULL;
        table_presets(argc > 2 ? atof(argv[2]) : 60, argc > 3 ? argv[3] : NULL);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--issue") == 0) {
        only_case = argc > 4 ? argv[4] : NULL;
        table_issue(argc > 2 ? atof(argv[2]) : 60, argc > 3 ? argv[3] : NULL);
        return 0;
    }
    bool long_run = false, ablation = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--long") == 0)
            long_run = true;
        else if (strcmp(argv[i], "--ablation") == 0)
            ablation = true;
        else {
            fprintf(stderr, "usage: %s [--long] [--ablation]\n", argv[0]);
            return 2;
        }
    }
    table_grid();
    table_build();
    table_big(long_run ? 60 : 10);
    if (ablation)
        table_ablation();
    return 0;
}
