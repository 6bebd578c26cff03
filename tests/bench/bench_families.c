/* Prints every non-slow schedule family on the default preset (CrossPipe's headline
 * setting) as the cross-DC delay grows: latency alone (bandwidth unlimited) and then
 * transmission alone (latency 0), each at 0, 0.5, 1 and 2 times T_F. Makespans in ms,
 * plus each family's peak memory (units, stage max) and whether it fits the limit. */
#include <stdio.h>
#include <string.h>

#include "core/scenario.h"
#include "core/sim.h"
#include "core/units.h"
#include "presets/presets.h"
#include "solvers/solver.h"

static const double factors[] = {0, 0.5, 1, 2};
#define N_FACTORS (sizeof factors / sizeof factors[0])

/* Runs one solver; returns the makespan in ms, or -1 on error. */
static double run(const struct ps_solver *sv, const struct ps_scenario *sc, double *peak, bool *ok)
{
    struct ps_schedule *s = NULL;
    struct ps_diag d;
    if (ps_solver_run(sv, sc, NULL, NULL, &s, &d) != PS_OK) {
        fprintf(stderr, "%s: %s: %s\n", sv->name, d.path, d.msg);
        return -1;
    }
    double ms = ps_ns_to_ms(s->makespan_ns);
    *peak = 0;
    for (int i = 0; i < s->n_stages; i++)
        if (s->peak_memory[i] > *peak)
            *peak = s->peak_memory[i];
    *ok = s->memory_ok;
    if (s->solver.status == PS_SOLVE_INFEASIBLE)
        ms = -1;
    ps_schedule_free(s);
    return ms;
}

/* mode 0: the cross-DC delay is latency (bandwidth unlimited); mode 1: transmission. */
static void set_delay(struct ps_scenario *sc, int mode, double delay_ms)
{
    if (mode == 0) {
        sc->inter_dc.latency_ms = delay_ms;
        sc->inter_dc.bandwidth_gbps = 0;
    } else {
        sc->inter_dc.latency_ms = 0;
        sc->inter_dc.bandwidth_gbps = sc->activation_mb * 8 / delay_ms;
    }
}

int main(void)
{
    struct ps_scenario base;
    struct ps_diag d;
    if (ps_preset_load(PS_DEFAULT_PRESET, &base, &d) != PS_OK) {
        fprintf(stderr, "default preset: %s: %s\n", d.path, d.msg);
        return 1;
    }
    double tf = ps_scenario_max_forward_ms(&base);
    printf("default preset: S=%d, M=%d, T_F=%.1f ms, activation %.0f MB, memory limit %s\n",
           base.n_stages, base.n_microbatches, tf, base.activation_mb,
           base.has_memory_limit ? "set" : "none");
    printf("intra-DC links as in the preset; makespans in ms\n\n");
    printf("%-12s", "schedule");
    for (size_t i = 0; i < N_FACTORS; i++)
        printf(" lat%-4.1fTF", factors[i]);
    for (size_t i = 1; i < N_FACTORS; i++)
        printf("  tx%-4.1fTF", factors[i]);
    printf("  peak  fits\n");

    printf("%-12s", "lower bound");
    for (int mode = 0; mode < 2; mode++) {
        for (size_t i = (size_t)mode; i < N_FACTORS; i++) {
            struct ps_scenario sc;
            if (ps_scenario_copy(&sc, &base) != PS_OK)
                return 1;
            set_delay(&sc, mode, factors[i] * tf);
            printf(" %10.1f", ps_ns_to_ms(ps_lower_bound_ns(&sc)));
            ps_scenario_fini(&sc);
        }
    }
    printf("\n");

    for (size_t k = 0; k < ps_solver_count(); k++) {
        const struct ps_solver *sv = ps_solver_at(k);
        if (sv->slow)
            continue;
        printf("%-12s", sv->name);
        double peak = 0, worst_peak = 0;
        bool ok = true, all_ok = true;
        for (int mode = 0; mode < 2; mode++) {
            for (size_t i = (size_t)mode; i < N_FACTORS; i++) {
                struct ps_scenario sc;
                if (ps_scenario_copy(&sc, &base) != PS_OK)
                    return 1;
                set_delay(&sc, mode, factors[i] * tf);
                double ms = run(sv, &sc, &peak, &ok);
                if (ms < 0)
                    printf(" %10s", "-");
                else
                    printf(" %10.1f", ms);
                if (peak > worst_peak)
                    worst_peak = peak;
                all_ok = all_ok && ok;
                ps_scenario_fini(&sc);
            }
        }
        printf("  %4.1f  %s\n", worst_peak, all_ok ? "yes" : "no");
    }
    ps_scenario_fini(&base);
    return 0;
}
