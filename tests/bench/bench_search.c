/* The layout search at scale (pipescope search; target: 10,000 layout points in under 10 s
 * on one core): Llama 3 70B on two DCs of 1024 H100s (80 GB), a global batch of 1024
 * sequences, over pp x tp x dp x microbatch size x sequence length x the DCs a pipeline
 * spans (11,520 points), with one, two and three candidate schedules per point. Prints the
 * points, how many are feasible, the schedules run and ops simulated, CPU seconds, and
 * checks that every point marked feasible fits its HBM (model states and activations). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/cli/search.h"

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int axis(struct search_spec *sp, enum search_axis a, const char *text)
{
    return search_axis_parse(sp, a, text);
}

int main(int argc, char **argv)
{
    static const char *const lists[] = {"1f1b", "1f1b,zb-h1", "1f1b,zb-h1,zb-v"};
    const char *model = "llama3-70b";
    const char *cluster = "dcs=2,gpus=1024,hbm=80,gbs=1024,gpu=h100,util=0.4,link=metro";
    int runs = argc > 1 ? atoi(argv[1]) : 3;
    printf("layout search: %s, --cluster %s\n", model, cluster);
    printf("axes: pp 2,3,4,6,8,12,16,24,32,48  tp 1,2,4,8  dp 1,2,3,4,6,8,12,16,24,32,48,64  "
           "mbs 1,2,4,8  seq 2048,4096,8192  pipeline_dcs 1,2\n\n");
    printf("%-16s %7s %8s %8s %12s %8s %9s %11s %8s\n", "schedules", "points", "feasible", "runs",
           "ops", "cpu_s", "us/point", "violations", "skipped");
    int bad = 0;
    for (size_t k = 0; k < sizeof lists / sizeof lists[0] && (int)k < runs; k++) {
        struct search_spec *sp = calloc(1, sizeof *sp);
        struct cli_sched_list *l = calloc(1, sizeof *l);
        if (!sp || !l || cli_parse_schedules("bench", lists[k], l) != 0)
            return 1;
        sp->src.model = model;
        sp->src.cluster = cluster;
        sp->l = l;
        if (axis(sp, AXIS_PP, "2,3,4,6,8,12,16,24,32,48") || axis(sp, AXIS_TP, "1,2,4,8") ||
            axis(sp, AXIS_DP, "1,2,3,4,6,8,12,16,24,32,48,64") || axis(sp, AXIS_MBS, "1,2,4,8") ||
            axis(sp, AXIS_SEQ, "2048,4096,8192") || axis(sp, AXIS_PIPELINE_DCS, "1,2"))
            return 1;
        long n = search_points(sp);
        struct ps_search_row *rows = calloc((size_t)n, sizeof *rows);
        struct search_stats st;
        double t0 = cpu_s();
        if (!rows || search_run(sp, rows, &st) != 0)
            return 1;
        double t = cpu_s() - t0;
        long violations = 0;
        for (long i = 0; i < n; i++)
            if (rows[i].feasible &&
                ((rows[i].has_memory_limit && rows[i].peak_memory > rows[i].memory_limit + 1e-9) ||
                 rows[i].static_gb >= 80 || rows[i].gpus_per_dc > 1024))
                violations++;
        bad += violations > 0;
        printf("%-16s %7ld %8ld %8ld %12.0f %8.2f %9.1f %11ld %8ld\n", lists[k], st.points,
               st.feasible, st.runs, st.ops, t, 1e6 * t / (double)n, violations, st.skipped);
        if (k + 1 == sizeof lists / sizeof lists[0] || (int)k + 1 == runs) {
            for (long i = 0; i < n; i++)
                if (rows[i].best)
                    printf("\nbest (%s): pp %d, tp %d, dp %d, mbs %d, seq %d, pipeline over %d of "
                           "%d DCs: %s, %.1f ms per iteration, %.0f tokens/s\n",
                           lists[k], rows[i].pp, rows[i].tp, rows[i].dp, rows[i].mbs, rows[i].seq,
                           rows[i].pipeline_dcs, rows[i].dcs, rows[i].schedule, rows[i].makespan_ms,
                           rows[i].tokens_per_s);
        }
        free(rows);
        free(l);
        free(sp);
    }
    return bad;
}
