/* The optimal solver against an exhaustive search over every per-device order, on the
 * small cases of tests/unit/solvers_small_cases.h: every case (or, by default, the heavy
 * ones the unit test leaves out: millions of combinations), with the same checks as the
 * unit test, the node count and the time of each formulation. Prints a table; exit status
 * 1 when a check fails.
 *   bench_exhaustive          the heavy cases only
 *   bench_exhaustive --all    every case */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/unit/solvers_small_cases.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    bool all = argc > 1 && strcmp(argv[1], "--all") == 0;
    if (argc > 2 || (argc == 2 && !all)) {
        fprintf(stderr, "usage: %s [--all]\n", argv[0]);
        return 2;
    }
    printf("%-16s %8s %9s %9s | %-5s %9s %7s %8s | %9s %7s %8s | %9s %7s %8s | %7s %5s\n", "case",
           "orders", "exhaust.", "greedy", "auto", "makespan", "nodes", "ms", "order", "nodes",
           "ms", "rounded", "nodes", "ms", "total_s", "check");
    int failed = 0;
    for (size_t i = 0; i < SMALL_N_CASES; i++) {
        const struct small_case *c = &small_cases[i];
        struct ps_scenario sc;
        struct ps_diag d;
        if (small_make(&sc, c, &d) != PS_OK)
            return 1;
        struct orders *per = NULL;
        long combos = small_orders(&sc, c->wave ? 2 : 1,
                                   c->wave ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP, &per);
        small_orders_free(per, sc.n_stages);
        ps_scenario_fini(&sc);
        if (!all && combos <= SMALL_SUITE_MAX_COMBOS)
            continue;
        struct small_result r;
        char err[512];
        double t0 = now_s();
        const char *fail =
            small_check(c, true, "time_limit=86400 node_limit=50000", &r, err, sizeof err);
        double t = now_s() - t0;
        printf("%-16s %8ld %9.3f %9.3f | %-5s %9.3f %7ld %8.1f | %9.3f %7ld %8.1f | %9.3f %7ld "
               "%8.1f | %7.2f %5s\n",
               c->id, r.combos, ps_ns_to_ms(r.exhaustive), ps_ns_to_ms(r.greedy),
               r.ran[0] ? r.form[0] : "-", ps_ns_to_ms(r.optimal[0]), r.nodes[0], r.solve_ms[0],
               ps_ns_to_ms(r.optimal[1]), r.nodes[1], r.solve_ms[1], ps_ns_to_ms(r.optimal[2]),
               r.nodes[2], r.solve_ms[2], t, fail == NULL ? "ok" : "FAIL");
        if (fail != NULL) {
            printf("  %s\n", fail);
            failed++;
        }
        fflush(stdout);
    }
    return failed > 0 ? 1 : 0;
}
