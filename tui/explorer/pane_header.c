/* The header pane: the top bar with the scenario, the shown schedule and its figures
 * (makespan, bubble, ratio to the lower bound, memory), the solver's status or a
 * background solve's live progress, and the panes as tabs (the focused one lit). When
 * short of room the least important figures go first. */
#include "tui/explorer/pane.h"

#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "tui/explorer/numbers.h"
#include "tui/explorer/workload.h"

#define MAX_SEGS 10

struct seg {
    char text[160];
    enum tui_style st;
    int drop; /* 0: always shown; higher ones are left out first when short of room */
};

static void fmt_ms(char *buf, size_t size, int64_t ns)
{
    tui_fmt_ms(buf, size, ps_ns_to_ms(ns));
}

static struct seg *add_seg(struct seg *segs, int *n, enum tui_style st, int drop)
{
    struct seg *s = &segs[(*n)++];
    s->st = st;
    s->drop = drop;
    return s;
}

/* The shown schedule's figures, or why it has none. */
static void schedule_segs(const struct tui_app *app, struct seg *segs, int *n)
{
    const struct tui_result *r = &app->res[app->shown];
    const struct ps_schedule *s = r->sched;
    char a[32], b[32];
    if (s && s->timed && s->solver.status != PS_SOLVE_INFEASIBLE) {
        fmt_ms(a, sizeof(a), s->makespan_ns);
        snprintf(add_seg(segs, n, TUI_S_HEADER_HI, 0)->text, 160, "makespan %s ms", a);
        snprintf(add_seg(segs, n, TUI_S_HEADER, 4)->text, 160, "bubble %.1f%%",
                 s->bubble_ratio * 100);
        if (s->lower_bound_ns > 0) {
            fmt_ms(a, sizeof(a), s->lower_bound_ns);
            snprintf(add_seg(segs, n, TUI_S_HEADER, 5)->text, 160, "%.2fx LB (%s ms)",
                     (double)s->makespan_ns / (double)s->lower_bound_ns, a);
        }
        double pk = tui_peak_memory(s);
        struct seg *m =
            add_seg(segs, n, s->memory_ok ? TUI_S_HEADER : TUI_S_ERR, s->memory_ok ? 3 : 1);
        snprintf(a, sizeof(a), "%.4g", pk);
        if (app->sc.has_memory_limit) {
            snprintf(b, sizeof(b), "%.4g", app->sc.memory_limit);
            snprintf(m->text, sizeof(m->text), "mem %s/%s %s", a, b, s->memory_ok ? "ok" : "OVER");
        } else {
            snprintf(m->text, sizeof(m->text), "mem %s (no limit)", a);
        }
    } else if (s && s->solver.status == PS_SOLVE_INFEASIBLE) {
        snprintf(add_seg(segs, n, TUI_S_ERR, 0)->text, 160, "infeasible");
    } else if (r->pending) {
        snprintf(add_seg(segs, n, TUI_S_WARN, 0)->text, 160, "updating...");
    } else if (r->error[0]) {
        snprintf(add_seg(segs, n, TUI_S_ERR, 0)->text, 160, "error");
    }
}

/* The solver: live progress of a background solve, else the shown one's status. */
static void solver_seg(const struct tui_app *app, const struct tui_worker_state *ws,
                       struct seg *segs, int *n)
{
    const struct ps_schedule *s = app->res[app->shown].sched;
    if (ws->running) {
        char inc[32] = "-", bnd[32] = "-", gap[32] = "-";
        if (ws->has_progress && ws->progress.incumbent_ns >= 0)
            fmt_ms(inc, sizeof(inc), ws->progress.incumbent_ns);
        if (ws->has_progress && ws->progress.bound_ns >= 0)
            fmt_ms(bnd, sizeof(bnd), ws->progress.bound_ns);
        if (ws->has_progress && ws->progress.gap >= 0)
            ps_gap_str(ws->progress.gap, gap, sizeof(gap));
        snprintf(add_seg(segs, n, TUI_S_WARN, 0)->text, 160, "%s %s %.1fs inc %s bnd %s gap %s",
                 ws->sv->name, ws->cancelling ? "cancelling" : "solving", ws->elapsed_ms / 1000,
                 inc, bnd, gap);
    } else if (s && s->solver.status != PS_SOLVE_INFEASIBLE) {
        struct seg *g = add_seg(
            segs, n, s->solver.status == PS_SOLVE_OPTIMAL ? TUI_S_HEADER_HI : TUI_S_HEADER, 6);
        if (s->solver.status == PS_SOLVE_FEASIBLE || s->solver.status == PS_SOLVE_CANCELLED) {
            char bnd[32] = "-";
            if (s->solver.bound_ns >= 0)
                fmt_ms(bnd, sizeof(bnd), s->solver.bound_ns);
            char gp[16];
            ps_gap_str(s->solver.gap >= 0 ? s->solver.gap : 0.0, gp, sizeof(gp));
            snprintf(g->text, sizeof(g->text), "%s, bound %s gap %s",
                     ps_solve_status_str(s->solver.status), bnd, gp);
        } else
            snprintf(g->text, sizeof(g->text), "%s", ps_solve_status_str(s->solver.status));
    }
}

/* A workload: planning, or the plan's granularity and policy (W shows it). */
static void workload_seg(const struct tui_app *app, struct seg *segs, int *n)
{
    const struct ps_workload *w = app->sc.workload;
    if (w == NULL)
        return;
    if (tui_workload_running(app)) {
        snprintf(add_seg(segs, n, TUI_S_WARN, 2)->text, 160, "planning workload...");
        return;
    }
    if (app->wl != NULL && app->wl->error[0]) {
        snprintf(add_seg(segs, n, TUI_S_ERR, 2)->text, 160, "workload: no plan (W)");
        return;
    }
    if (!w->planned.valid) {
        snprintf(add_seg(segs, n, TUI_S_HEADER, 7)->text, 160, "workload unplanned (W)");
        return;
    }
    char k[16] = "";
    if (w->planned.slices > 0)
        snprintf(k, sizeof(k), " K%d", w->planned.slices);
    snprintf(add_seg(segs, n, TUI_S_HEADER, 7)->text, 160, "%s%s %s ckpt (W)",
             ps_granularity_str(w->plan.granularity), k, ps_ckpt_policy_str(w->plan.checkpoint));
}

/* Short of room: the least important segments go first (memory stays longest). */
static void drop_segs(struct seg *segs, int n, int width)
{
    int total = 11;
    for (int i = 0; i < n; i++)
        total += 3 + (int)strlen(segs[i].text);
    while (total > width) {
        int worst = -1;
        for (int i = 0; i < n; i++)
            if (segs[i].drop > 0 && segs[i].text[0] &&
                (worst < 0 || segs[i].drop > segs[worst].drop))
                worst = i;
        if (worst < 0)
            break;
        total -= 3 + (int)strlen(segs[worst].text);
        segs[worst].text[0] = '\0';
    }
}

/* The panes as tabs on the right, the focused one lit (Tab moves), if they fit after x. */
static void draw_tabs(const struct tui_app *app, const struct tui_layout *lo, int x,
                      struct tui_canvas *c)
{
    static const char *const names[] = {"scenario", "chart", "schedules"};
    int tw = 0;
    for (int i = 0; i < TUI_FOCUS_COUNT; i++)
        tw += (int)strlen(names[i]) + 2;
    if (x + tw + 2 > lo->header.w)
        return;
    int tx = lo->header.w - tw - 1;
    for (int i = 0; i < TUI_FOCUS_COUNT; i++) {
        enum tui_style st = i == (int)app->focus ? TUI_S_SEL : TUI_S_HEADER;
        int len = (int)strlen(names[i]);
        tui_canvas_put(c, tx, 0, ' ', st);
        tui_canvas_text(c, tx + 1, 0, len, st, names[i]);
        tui_canvas_put(c, tx + 1 + len, 0, ' ', st);
        tx += len + 2;
    }
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    const struct tui_layout *lo = &fr->lo;
    tui_canvas_fill(c, 0, lo->header.y, lo->header.w, 1, TUI_S_HEADER);
    struct seg segs[MAX_SEGS];
    memset(segs, 0, sizeof(segs));
    int n = 0;
    snprintf(add_seg(segs, &n, TUI_S_HEADER_HI, 0)->text, 160, "%s",
             app->sc.name[0] ? app->sc.name : "scenario");
    snprintf(add_seg(segs, &n, TUI_S_HEADER_HI, 0)->text, 160, "%s", app->res[app->shown].sv->name);
    schedule_segs(app, segs, &n);
    solver_seg(app, &fr->ws, segs, &n);
    workload_seg(app, segs, &n);
    drop_segs(segs, n, lo->header.w);
    int x = 0;
    x += tui_canvas_text(c, x, 0, -1, TUI_S_HEADER_HI, " pipescope ");
    for (int i = 0; i < n; i++) {
        int len = (int)strlen(segs[i].text); /* ASCII text */
        if (len == 0)
            continue;
        if (x + 3 + len > lo->header.w)
            break;
        tui_canvas_glyph(c, x + 1, 0, TUI_G_VLINE, TUI_S_HEADER);
        x += 3;
        x += tui_canvas_text(c, x, 0, len, segs[i].st, segs[i].text);
    }
    draw_tabs(app, lo, x, c);
}

const struct tui_pane tui_pane_header = {.name = "header", .draw = draw};
