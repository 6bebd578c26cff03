/* Running schedules for the command line: --param KEY=VALUE, a solve that Ctrl-C stops
 * with the best schedule so far (progress on a terminal's stderr), and one comparison
 * row per schedule (compare, sweep). */
#include "tui/cli/common.h"

#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/sim.h"
#include "core/units.h"

int cli_param_add(const char *cmd, struct ps_params *p, const char *kv)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return cli_usage(cmd, "--param '%s': expected KEY=VALUE", kv);
    if (ps_params_parse_kv(p, kv, &d) != PS_OK) {
        char buf[1024];
        ps_diag_format(&d, "--param", buf, sizeof(buf));
        return cli_usage(cmd, "%s", buf);
    }
    return PS_EXIT_OK;
}

/* ---- long solves ------------------------------------------------------------------- */

/* The signal handler's state (a handler can reach nothing else). */
static atomic_int solve_cancel;
static volatile sig_atomic_t progress_on; /* a progress line is on stderr */

static void on_interrupt(int sig)
{
    (void)sig;
    if (atomic_load(&solve_cancel)) {
        /* the second Ctrl-C: quit now, ending the progress line first */
        if (progress_on && write(STDERR_FILENO, "\n", 1) < 0)
            _exit(130);
        _exit(130);
    }
    atomic_store(&solve_cancel, 1);
}

struct progress_state {
    const char *name;
    double last_ms;
    bool shown;
};

static void show_progress(const struct ps_progress *p, void *user)
{
    struct progress_state *ps = user;
    if (ps->shown && p->elapsed_ms - ps->last_ms < 250)
        return;
    ps->last_ms = p->elapsed_ms;
    ps->shown = true;
    progress_on = 1;
    char best[32] = "-", bound[32] = "-", gap[32] = "-";
    if (p->incumbent_ns >= 0)
        snprintf(best, sizeof(best), "%.2f ms", ps_ns_to_ms(p->incumbent_ns));
    if (p->bound_ns >= 0)
        snprintf(bound, sizeof(bound), "%.2f ms", ps_ns_to_ms(p->bound_ns));
    if (p->gap >= 0)
        ps_gap_str(p->gap, gap, sizeof(gap));
    fprintf(stderr,
            "\r\033[Kpipescope: %s: best %s, bound %s, gap %s, %ld nodes, %.1f s (Ctrl-C: stop)",
            ps->name, best, bound, gap, p->nodes, p->elapsed_ms / 1000);
    fflush(stderr);
}

enum ps_status cli_solver_run(const struct ps_solver *sv, const struct ps_scenario *sc,
                              const struct ps_params *params, struct ps_schedule **out,
                              struct ps_diag *d)
{
    if (!sv->slow)
        return ps_solver_run(sv, sc, params, NULL, out, d);
    struct progress_state ps = {.name = sv->name, .last_ms = 0, .shown = false};
    struct ps_solve_ctx ctx = {.cancel = &solve_cancel, .progress = NULL, .user = &ps};
    if (isatty(STDERR_FILENO))
        ctx.progress = show_progress;
    atomic_store(&solve_cancel, 0);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    enum ps_status st = ps_solver_run(sv, sc, params, &ctx, out, d);
    sigaction(SIGINT, &old, NULL);
    progress_on = 0;
    if (ps.shown)
        fputs("\r\033[K", stderr);
    if (st == PS_OK && *out && (*out)->solver.status == PS_SOLVE_CANCELLED)
        fprintf(stderr, "pipescope: %s: stopped by Ctrl-C%s\n", sv->name,
                (*out)->timed ? ": the best schedule found so far" : "; no schedule yet");
    return st;
}

/* ---- comparison rows --------------------------------------------------------------- */

bool cli_run_row(const struct ps_solver *sv, const struct ps_scenario *sc,
                 const struct ps_params *params, struct ps_compare_row *row)
{
    struct ps_schedule *s = NULL;
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = cli_solver_run(sv, sc, params, &s, &d);
    if (st == PS_OK && s) {
        ps_compare_row_from(row, s);
        ps_schedule_free(s);
        return true;
    }
    ps_schedule_free(s);
    char msg[1024];
    if (!d.msg[0] && !d.path[0])
        snprintf(d.msg, sizeof(d.msg), "%s", ps_status_str(st));
    ps_diag_format(&d, sv->name, msg, sizeof(msg));
    fprintf(stderr, "pipescope: %s\n", msg);
    ps_compare_row_error(row, sc, sv->name, msg);
    return false;
}
