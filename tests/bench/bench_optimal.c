/* Benchmark of the optimal solver: time to prove optimality on the S=4, M=8 grid
 * (both formulations), model build time against the number of binaries, the S=8, M=16
 * gap, and (with --ablation) what each tightening buys. Prints tables; asserts nothing.
 *   bench_optimal             the short run (about a minute on one free core)
 *   bench_optimal --long      adds S=8, M=16 with a 60 s limit
 *   bench_optimal --ablation  adds the tightening table (a few minutes) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/units.h"
#include "solvers/solver.h"

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

static void table_build(void)
{
    printf("Model build time against binaries (latency 1, memory limit S; time_limit=0)\n");
    printf("%4s %4s %-6s %8s %9s %12s\n", "S", "M", "model", "binary", "build_ms", "us/binary");
    const int shapes[][2] = {{2, 4}, {4, 4}, {4, 8}, {4, 16}, {8, 8}, {8, 16}, {8, 32}, {16, 16}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        for (int f = 0; f < 2; f++) {
            struct ps_scenario sc;
            make_2dc(&sc, shapes[i][0], shapes[i][1], 1, 0, shapes[i][0]);
            struct ps_schedule *s = run(
                "optimal", &sc,
                f == 0 ? "time_limit=0 formulation=time" : "time_limit=0 formulation=order", NULL);
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

int main(int argc, char **argv)
{
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
