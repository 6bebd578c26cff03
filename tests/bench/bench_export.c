/* Memory of simulate + export at the documented limits: each case runs in a child process
 * (peak RSS is per process), generates a schedule with a registry solver, simulates it and
 * streams it as JSON, CSV or a trace through the safe write to /dev/null (written to, not
 * replaced; no disk traffic). Prints peak RSS per op against the target of 200 bytes/op,
 * and the schedule alone (no export) for comparison. Default shape S=512, M=16384 over two
 * DCs; `bench_export S M [SCHEDULES] [FORMATS]` for others, e.g. `bench_export 512 16384
 * greedy none` measures the greedy at that size (target: under 20 s). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/io/file.h"
#include "core/sim.h"
#include "export/export.h"
#include "solvers/solver.h"

struct result {
    int ok;
    size_t ops, transfers, bytes;
    double gen_s, export_s;
};

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int make_scenario(struct ps_scenario *sc, int S, int M)
{
    if (ps_scenario_make_uniform(sc, 2, S / 2, M, 1, 1, 1) != PS_OK)
        return -1;
    sc->activation_mb = 1;
    sc->inter_dc.latency_ms = 1;
    sc->inter_dc.bandwidth_gbps = 8; /* 1 ms per message: a channel between the DCs */
    snprintf(sc->name, sizeof sc->name, "bench-export");
    return 0;
}

/* The child: one schedule, one format ("none": the schedule alone). */
static struct result run_case(int S, int M, const char *schedule, const char *format)
{
    struct result r = {0};
    struct ps_scenario sc;
    struct ps_diag d;
    if (make_scenario(&sc, S, M) != 0)
        return r;
    const struct ps_solver *sv = ps_solver_find(schedule);
    struct ps_params p = {0};
    struct ps_schedule *s = NULL;
    double t0 = wall_s();
    if (sv == NULL || ps_solver_run(sv, &sc, &p, NULL, &s, &d) != PS_OK || s == NULL) {
        fprintf(stderr, "%s: %s %s\n", schedule, d.path, d.msg);
        return r;
    }
    r.gen_s = wall_s() - t0;
    r.ops = ps_schedule_n_ops(s);
    for (int dev = 0; dev < s->n_stages; dev++)
        r.ops += s->dp_n[dev];
    r.transfers = s->n_transfers;
    if (strcmp(format, "none") != 0) {
        struct ps_out *o;
        if (ps_out_open("/dev/null", 0, &o, &d) != PS_OK)
            return r;
        struct ps_buf b;
        ps_buf_init_sink(&b, o);
        t0 = wall_s();
        enum ps_status st = strcmp(format, "json") == 0  ? ps_export_schedule_json(s, &b)
                            : strcmp(format, "csv") == 0 ? ps_export_schedule_csv(s, &b)
                                                         : ps_export_schedule_trace(s, &b);
        r.bytes = ps_buf_total(&b);
        if (ps_buf_finish(&b, st, &d) != PS_OK)
            return r;
        r.export_s = wall_s() - t0;
    }
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
    r.ok = 1;
    return r;
}

int main(int argc, char **argv)
{
    int S = argc > 1 ? atoi(argv[1]) : 512, M = argc > 2 ? atoi(argv[2]) : 16384;
    char schedules[256], formats[64];
    snprintf(schedules, sizeof schedules, "%s", argc > 3 ? argv[3] : "1f1b,zb-h1,zb-v");
    snprintf(formats, sizeof formats, "%s", argc > 4 ? argv[4] : "none,json,csv,trace");
    printf("S = %d, M = %d (2 DCs); peak RSS of a process that generates, simulates and "
           "streams to /dev/null; target < 200 bytes/op\n",
           S, M);
    printf("%-8s %-6s %10s %10s %10s %9s %8s %8s %9s\n", "schedule", "format", "ops", "transfers",
           "out_MB", "peak_MB", "B/op", "gen_s", "export_s");
    for (char *save1 = NULL, *sched = strtok_r(schedules, ",", &save1); sched != NULL;
         sched = strtok_r(NULL, ",", &save1)) {
        char fmts[64];
        snprintf(fmts, sizeof fmts, "%s", formats);
        for (char *save2 = NULL, *fmt = strtok_r(fmts, ",", &save2); fmt != NULL;
             fmt = strtok_r(NULL, ",", &save2)) {
            int fds[2];
            if (pipe(fds) != 0)
                return 1;
            fflush(stdout);
            pid_t pid = fork();
            if (pid == 0) {
                close(fds[0]);
                struct result r = run_case(S, M, sched, fmt);
                _exit(write(fds[1], &r, sizeof r) == sizeof r ? 0 : 1);
            }
            close(fds[1]);
            struct result r = {0};
            if (read(fds[0], &r, sizeof r) != sizeof r)
                r.ok = 0;
            close(fds[0]);
            int status;
            struct rusage ru;
            wait4(pid, &status, 0, &ru);
            double peak = (double)ru.ru_maxrss * 1024.0; /* kB on Linux */
            if (!r.ok) {
                printf("%-8s %-6s failed\n", sched, fmt);
                continue;
            }
            printf("%-8s %-6s %10zu %10zu %10.1f %9.1f %8.1f %8.2f %9.2f\n", sched, fmt, r.ops,
                   r.transfers, (double)r.bytes / 1e6, peak / 1e6, peak / (double)r.ops, r.gen_s,
                   r.export_s);
        }
    }
    return 0;
}
