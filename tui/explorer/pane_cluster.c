/* The cluster screen (C): its layout (regions and job queue on the left, policies and the
 * cost-vs-JCT scatter on the right, the region Gantt chart below), its header, detail and
 * status lines, and its keys and clicks: Tab between the three tables, Left/Right pick a
 * column (or a policy), +/- step a cell, Enter types a value (or, on a job's name, opens
 * its pipeline on the pipeline screen), C or Esc go back. */
#include "tui/explorer/pane.h"

#include <stdio.h>
#include <string.h>

#include "tui/explorer/cluster_view.h"

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void tui_cluster_layout(const struct tui_app *app, struct tui_cluster_layout *lo)
{
    const struct tui_cluster *cl = app->cluster;
    int cols = app->cols, rows = app->rows;
    int n_reg = cl->eff.n_regions > 0 ? cl->eff.n_regions : 1;
    memset(lo, 0, sizeof *lo);
    lo->header = (struct tui_rect){0, 0, cols, 1};
    lo->detail = (struct tui_rect){0, rows - 2, cols, 1};
    lo->status = (struct tui_rect){0, rows - 1, cols, 1};
    int body = rows - 3;
    /* Regions beside the policies; the job queue across; the Gantt chart beside the
     * scatter. The Gantt chart takes up to three rows per region, the queue the rest. */
    int top = cl->file.n_regions > cl->n_pol ? cl->file.n_regions : cl->n_pol;
    int h1 = clampi(top + 3, 4, body * 2 / 5);
    int left = body - h1;
    int jh = clampi(cl->file.n_jobs + 3, 4, left - 6 > 4 ? left - 6 : 4);
    int gh = left - jh;
    if (gh > n_reg * 3 + 3) {
        jh += gh - (n_reg * 3 + 3);
        gh = n_reg * 3 + 3;
    }
    lo->gantt_sub = clampi((gh - 3) / n_reg, 1, 3);
    int rw = clampi(cols * 9 / 20, 40, cols - 68 > 40 ? cols - 68 : 40);
    int sw = clampi(cols / 3, 28, 60);
    lo->regions = (struct tui_rect){0, 1, rw, h1};
    lo->policies = (struct tui_rect){rw, 1, cols - rw, h1};
    lo->jobs = (struct tui_rect){0, 1 + h1, cols, jh};
    lo->gantt = (struct tui_rect){0, 1 + h1 + jh, cols - sw, gh};
    lo->scatter = (struct tui_rect){cols - sw, 1 + h1 + jh, sw, gh};
}

static void draw_header(const struct tui_app *app, const struct tui_rect *r, struct tui_canvas *c)
{
    const struct tui_cluster *cl = app->cluster;
    tui_canvas_fill(c, r->x, r->y, r->w, 1, TUI_S_HEADER);
    char text[512];
    snprintf(text, sizeof text,
             " pipescope cluster | %s (%s) | %d regions, %d jobs | schedule %s | alpha %s | "
             "planned in %.0f ms",
             cl->file.name[0] ? cl->file.name : "cluster", cl->source, cl->eff.n_regions,
             cl->eff.n_jobs, cl->eff.schedule,
             cl->file.policy.alpha_adaptive ? "adaptive" : "fixed", cl->run_ms);
    tui_canvas_text(c, r->x, r->y, r->w, TUI_S_HEADER, text);
}

/* What the selected row is, in a sentence. */
static void detail_text(const struct tui_app *app, char *buf, size_t size)
{
    const struct tui_cluster *cl = app->cluster;
    const struct ps_cluster_result *res = tui_cluster_shown(cl);
    if (cl->focus == TUI_CF_REGIONS && cl->region_sel < cl->eff.n_regions) {
        const struct ps_region *g = &cl->eff.regions[cl->region_sel];
        snprintf(buf, size,
                 "%s: %d GPUs at $%.3f/kWh x PUE %g, %g W each: $%.4f/h per GPU; WAN %g Gb/s "
                 "(a link: the mean of its two regions unless overridden)",
                 g->name, g->gpus, g->price_usd_per_kwh, g->pue, g->gpu_power_w,
                 ps_region_usd_per_hour(g, 1), g->bandwidth_gbps);
    } else if (cl->focus == TUI_CF_JOBS && cl->job_sel < cl->eff.n_jobs && cl->plans != NULL) {
        const struct ps_job_plan *pl = &cl->plans[cl->job_sel];
        const char *name = cl->eff.jobs[cl->job_sel].name;
        if (!pl->can_run)
            snprintf(buf, size, "%s can never run: %s", name, pl->why);
        else if (res != NULL && !res->jobs[cl->job_sel].started)
            snprintf(buf, size, "%s: K* %d (at least %d); never started under %s: %s", name,
                     pl->k_star, pl->k_min, cl->pol[cl->pol_sel].name, res->jobs[cl->job_sel].why);
        else
            snprintf(buf, size,
                     "%s: K* %d (at least %d), %.2f s per iteration alone, needs %.2f Gb/s per "
                     "link; cost $%.2f under %s. Enter on the name: its pipeline",
                     name, pl->k_star, pl->k_min, (double)pl->t_iter_ns / 1e9, pl->demand_gbps,
                     res != NULL ? res->jobs[cl->job_sel].cost_usd : 0.0,
                     cl->pol[cl->pol_sel].name);
    } else {
        snprintf(buf, size, "%s: %s", cl->pol[cl->pol_sel].name,
                 cl->pol[cl->pol_sel].summary ? cl->pol[cl->pol_sel].summary : "");
    }
}

static void draw_lines(const struct tui_app *app, const struct tui_cluster_layout *lo,
                       struct tui_canvas *c)
{
    char buf[600];
    detail_text(app, buf, sizeof buf);
    tui_canvas_text(c, 0, lo->detail.y, app->cols, TUI_S_DIM, buf);
    tui_status_line(app, c, lo->status.y,
                    "  Tab table  Enter edit/open  +/- step  o open  w save  e export  "
                    "E scatter  C back  ? help");
}

static void draw(const struct tui_app *app, const struct tui_frame *fr, struct tui_canvas *c)
{
    (void)fr;
    if (app->cluster == NULL)
        return;
    struct tui_cluster_layout lo;
    tui_cluster_layout(app, &lo);
    draw_header(app, &lo.header, c);
    tui_cluster_draw_regions(app, &lo.regions, c);
    tui_cluster_draw_jobs(app, &lo.jobs, c);
    tui_cluster_draw_policies(app, &lo.policies, c);
    tui_cluster_draw_scatter(app, &lo.scatter, c);
    tui_cluster_draw_gantt(app, &lo.gantt, lo.gantt_sub, c);
    draw_lines(app, &lo, c);
}

/* ---- keys ---------------------------------------------------------------------------- */

/* Keeps the selections visible in their tables. */
static void fix_scroll(struct tui_app *app)
{
    struct tui_cluster *cl = app->cluster;
    struct tui_cluster_layout lo;
    tui_cluster_layout(app, &lo);
    int vr = tui_cluster_table_rows(&lo.regions), vj = tui_cluster_table_rows(&lo.jobs);
    vr = vr > 0 ? vr : 1;
    vj = vj > 0 ? vj : 1;
    if (cl->region_sel < cl->region_scroll)
        cl->region_scroll = cl->region_sel;
    if (cl->region_sel >= cl->region_scroll + vr)
        cl->region_scroll = cl->region_sel - vr + 1;
    if (cl->job_sel < cl->job_scroll)
        cl->job_scroll = cl->job_sel;
    if (cl->job_sel >= cl->job_scroll + vj)
        cl->job_scroll = cl->job_sel - vj + 1;
}

/* Up/Down (dir -1/+1) or to the first/last (dir -2/+2) in the focused table. */
static void move(struct tui_cluster *cl, int dir)
{
    int *sel = cl->focus == TUI_CF_REGIONS ? &cl->region_sel
               : cl->focus == TUI_CF_JOBS  ? &cl->job_sel
                                           : &cl->pol_sel;
    int n = cl->focus == TUI_CF_REGIONS ? cl->file.n_regions
            : cl->focus == TUI_CF_JOBS  ? cl->file.n_jobs
                                        : cl->n_pol;
    int t = dir == -2 ? 0 : dir == 2 ? n - 1 : *sel + dir;
    if (t >= 0 && t < n)
        *sel = t;
}

static void column(struct tui_app *app, int dir)
{
    struct tui_cluster *cl = app->cluster;
    if (cl->focus == TUI_CF_POLICIES) {
        move(cl, dir);
        return;
    }
    int *col = cl->focus == TUI_CF_REGIONS ? &cl->region_col : &cl->job_col;
    int n = cl->focus == TUI_CF_REGIONS ? TUI_CLUSTER_REGION_COLS : TUI_CLUSTER_JOB_COLS;
    *col = (*col + dir + n) % n;
}

static void enter(struct tui_app *app)
{
    struct tui_cluster *cl = app->cluster;
    if (cl->focus == TUI_CF_JOBS && cl->job_col == 0)
        tui_cluster_open_job(app, cl->job_sel);
    else if (cl->focus == TUI_CF_POLICIES)
        tui_message(app, TUI_MSG_INFO, "%s: the Gantt chart and the job table show its run",
                    cl->pol[cl->pol_sel].name);
    else
        tui_cluster_edit_start(app);
}

static unsigned key(struct tui_app *app, const struct tui_cmd *cmd)
{
    struct tui_cluster *cl = app->cluster;
    switch (cmd->action) {
    case TUI_A_UP:
    case TUI_A_DOWN:
        move(cl, cmd->action == TUI_A_UP ? -1 : 1);
        break;
    case TUI_A_HOME:
    case TUI_A_PGUP:
        move(cl, -2);
        break;
    case TUI_A_END:
    case TUI_A_PGDN:
        move(cl, 2);
        break;
    case TUI_A_LEFT:
    case TUI_A_RIGHT:
        column(app, cmd->action == TUI_A_LEFT ? -1 : 1);
        break;
    case TUI_A_INC:
    case TUI_A_DEC:
        if (cl->focus != TUI_CF_POLICIES)
            tui_cluster_edit_step(app, cmd->action == TUI_A_INC ? 1 : -1);
        break;
    case TUI_A_ENTER:
        enter(app);
        break;
    case TUI_A_NEXT_PANE:
    case TUI_A_PREV_PANE:
        cl->focus = (enum tui_cfocus)(
            (cl->focus + TUI_CF_COUNT + (cmd->action == TUI_A_NEXT_PANE ? 1 : -1)) % TUI_CF_COUNT);
        break;
    case TUI_A_ESC:
    case TUI_A_CLUSTER:
        tui_cluster_toggle(app);
        break;
    case TUI_A_OPEN:
        tui_prompt_open(app, TUI_PROMPT_CLUSTER_OPEN, "Open cluster file:", "");
        break;
    case TUI_A_SAVE:
        tui_prompt_open(app, TUI_PROMPT_CLUSTER_SAVE, "Save cluster to:", "cluster.json");
        break;
    case TUI_A_EXPORT:
        tui_prompt_open(app, TUI_PROMPT_CLUSTER_EXPORT,
                        "Export the runs (.csv .json tables; .svg .pdf .png region Gantt):",
                        "pipescope-cluster.csv");
        break;
    case TUI_A_EXPORT_CMP:
        tui_prompt_open(app, TUI_PROMPT_CLUSTER_PARETO,
                        "Export the cost-vs-JCT scatter (.svg .pdf .png):", "pipescope-pareto.svg");
        break;
    case TUI_A_QUIT:
    case TUI_A_HELP:
    case TUI_A_REDRAW:
        return 0; /* the keys every screen shares */
    default:
        return TUI_REDRAW; /* the pipeline screen's keys do nothing here */
    }
    fix_scroll(app);
    return TUI_REDRAW;
}

/* A click selects a table's row (and focuses the table); the wheel moves the selection. */
static unsigned mouse(struct tui_app *app, const struct tui_layout *unused,
                      const struct tui_event *ev)
{
    (void)unused;
    struct tui_cluster *cl = app->cluster;
    struct tui_cluster_layout lo;
    tui_cluster_layout(app, &lo);
    const struct tui_rect *boxes[TUI_CF_COUNT] = {&lo.regions, &lo.jobs, &lo.policies};
    for (int f = 0; f < TUI_CF_COUNT; f++) {
        if (!tui_rect_has(boxes[f], ev->x, ev->y))
            continue;
        cl->focus = (enum tui_cfocus)f;
        if (ev->button == TUI_BTN_WHEEL_UP || ev->button == TUI_BTN_WHEEL_DOWN) {
            move(cl, ev->button == TUI_BTN_WHEEL_UP ? -1 : 1);
        } else {
            int scroll = f == TUI_CF_REGIONS ? cl->region_scroll
                         : f == TUI_CF_JOBS  ? cl->job_scroll
                                             : 0;
            int i = scroll + ev->y - boxes[f]->y - 2;
            int n = f == TUI_CF_REGIONS ? cl->file.n_regions
                    : f == TUI_CF_JOBS  ? cl->file.n_jobs
                                        : cl->n_pol;
            int *sel = f == TUI_CF_REGIONS ? &cl->region_sel
                       : f == TUI_CF_JOBS  ? &cl->job_sel
                                           : &cl->pol_sel;
            if (i >= 0 && i < n)
                *sel = i;
        }
        fix_scroll(app);
        return TUI_REDRAW;
    }
    return 0;
}

const struct tui_pane tui_pane_cluster = {
    .name = "cluster", .draw = draw, .key = key, .mouse = mouse};
