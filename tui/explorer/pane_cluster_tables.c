/* The cluster screen's tables: the regions (every column editable), the job queue (its
 * fields, then what the selected policy did with it: size, start, JCT, path) and the
 * policies (avg JCT, cost, makespan, utilisation; the best lit, the shown one marked). */
#include "tui/explorer/cluster_view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/explorer/numbers.h"

struct col {
    const char *head;
    int w;
    bool right;
};

int tui_cluster_table_rows(const struct tui_rect *r)
{
    int n = r->h - 3;
    return n > 0 ? n : 0;
}

/* The box, its title and the heading row; returns the x where columns start. */
static int frame(const struct tui_rect *r, bool focus, const char *title, const struct col *cols,
                 int n, struct tui_canvas *c)
{
    tui_canvas_box(c, r->x, r->y, r->w, r->h, focus ? TUI_S_BORDER_FOCUS : TUI_S_BORDER, title,
                   focus ? TUI_S_TITLE_FOCUS : TUI_S_TITLE);
    int x = r->x + 1;
    for (int i = 0; i < n && x < r->x + r->w - 1; i++) {
        int len = (int)strlen(cols[i].head);
        int cx = cols[i].right ? x + cols[i].w - 1 - len : x + 1;
        tui_canvas_text(c, cx, r->y + 1, r->x + r->w - 1 - cx, TUI_S_BOLD, cols[i].head);
        x += cols[i].w;
    }
    return r->x + 1;
}

/* One row of cells; sel_col >= 0 lights that cell (the focused table's cursor). */
static void row(const struct tui_rect *r, int y, const struct col *cols, int n, char cells[][96],
                const enum tui_style *styles, enum tui_style base, int sel_col,
                struct tui_canvas *c)
{
    int x = r->x + 1, right = r->x + r->w - 1;
    if (base != TUI_S_NORMAL)
        tui_canvas_fill(c, x, y, r->w - 2, 1, base);
    for (int i = 0; i < n && x < right; i++) {
        int w = cols[i].w;
        /* The last column takes the rest when it is text (the job's path). */
        if (x + w > right || (i == n - 1 && !cols[i].right))
            w = right - x;
        enum tui_style st = i == sel_col ? TUI_S_SEL : styles != NULL ? styles[i] : base;
        if (i == sel_col)
            tui_canvas_fill(c, x, y, w, 1, TUI_S_SEL);
        int len = (int)strlen(cells[i]);
        if (len > w - 1)
            len = w - 1;
        int cx = cols[i].right ? x + w - 1 - len : x + 1;
        tui_canvas_text(c, cx, y, w - 1, st, cells[i]);
        x += w;
    }
}

static void scroll_marks(const struct tui_rect *r, int scroll, int total, struct tui_canvas *c)
{
    int vis = tui_cluster_table_rows(r);
    if (scroll > 0)
        tui_canvas_glyph(c, r->x + r->w - 1, r->y + 2, TUI_G_ARROW_UP, TUI_S_TITLE);
    if (scroll + vis < total)
        tui_canvas_glyph(c, r->x + r->w - 1, r->y + r->h - 2, TUI_G_ARROW_DOWN, TUI_S_TITLE);
}

void tui_cluster_draw_regions(const struct tui_app *app, const struct tui_rect *r,
                              struct tui_canvas *c)
{
    static const struct col cols[] = {{"region", 13, false}, {"gpus", 6, true}, {"$/kWh", 7, true},
                                      {"W", 6, true},        {"PUE", 5, true},  {"Gb/s", 7, true},
                                      {"ms", 6, true}};
    const struct tui_cluster *cl = app->cluster;
    bool focus = cl->focus == TUI_CF_REGIONS;
    char title[96];
    snprintf(title, sizeof title, "Regions (%lld GPUs%s)",
             (long long)ps_cluster_total_gpus(&cl->eff),
             cl->file.scale.gpus != 1 || cl->file.scale.bandwidth != 1 ? ", scaled" : "");
    frame(r, focus, title, cols, 7, c);
    int vis = tui_cluster_table_rows(r);
    for (int k = 0; k < vis && cl->region_scroll + k < cl->file.n_regions; k++) {
        int i = cl->region_scroll + k;
        const struct ps_region *g = &cl->file.regions[i];
        char cells[7][96];
        snprintf(cells[0], 96, "%s", g->name);
        snprintf(cells[1], 96, "%d", g->gpus);
        snprintf(cells[2], 96, "%.3f", g->price_usd_per_kwh);
        tui_fmt_num(cells[3], 96, g->gpu_power_w);
        tui_fmt_num(cells[4], 96, g->pue);
        tui_fmt_num(cells[5], 96, g->bandwidth_gbps);
        tui_fmt_num(cells[6], 96, g->latency_ms);
        bool sel = i == cl->region_sel;
        enum tui_style base = sel && focus ? TUI_S_SEL_DIM : TUI_S_NORMAL;
        row(r, r->y + 2 + k, cols, 7, cells, NULL, base, sel && focus ? cl->region_col : -1, c);
    }
    scroll_marks(r, cl->region_scroll, cl->file.n_regions, c);
}

/* The selected run's path of job j as "eu-west:50>oc-east:32". */
static void placement_text(const struct tui_cluster *cl, const struct ps_job_result *jr, char *buf,
                           size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < jr->placement.n && used < size; k++) {
        int n = snprintf(buf + used, size - used, "%s%s:%d", k ? ">" : "",
                         cl->eff.regions[jr->placement.region[k]].name, jr->placement.gpus[k]);
        used += n > 0 ? (size_t)n : 0;
    }
}

void tui_cluster_draw_jobs(const struct tui_app *app, const struct tui_rect *r,
                           struct tui_canvas *c)
{
    static const struct col cols[] = {
        {"job", 22, false}, {"submit_s", 9, true},         {"iters", 7, true}, {"mb", 5, true},
        {"k_max", 6, true}, {"model / t_comp", 24, false}, {"K*", 5, true},    {"start_h", 9, true},
        {"jct_h", 9, true}, {"path (GPUs)", 40, false}};
    const struct tui_cluster *cl = app->cluster;
    const struct ps_cluster_result *res = tui_cluster_shown(cl);
    bool focus = cl->focus == TUI_CF_JOBS;
    char title[128];
    snprintf(title, sizeof title, "Job queue (%d%s) under %s", cl->eff.n_jobs,
             cl->file.scale.jobs > 1 ? " with copies" : "", cl->pol[cl->pol_sel].name);
    frame(r, focus, title, cols, 10, c);
    int vis = tui_cluster_table_rows(r);
    for (int k = 0; k < vis && cl->job_scroll + k < cl->file.n_jobs; k++) {
        int j = cl->job_scroll + k;
        const struct ps_cluster_job *job = &cl->file.jobs[j];
        const struct ps_job_plan *pl = cl->plans != NULL ? &cl->plans[j] : NULL;
        char cells[10][96];
        enum tui_style styles[10];
        for (int i = 0; i < 10; i++)
            styles[i] = TUI_S_NORMAL;
        snprintf(cells[0], 96, "%c %s", tui_cluster_job_letter(j), job->name);
        styles[0] = tui_cluster_job_style(j);
        tui_fmt_num(cells[1], 96, job->submit_s);
        snprintf(cells[2], 96, "%lld", (long long)job->iterations);
        snprintf(cells[3], 96, "%d", job->microbatches);
        snprintf(cells[4], 96, "%s", job->k_max > 0 ? "" : "-");
        if (job->k_max > 0)
            snprintf(cells[4], 96, "%d", job->k_max);
        if (job->model[0] != '\0')
            snprintf(cells[5], 96, "%.80s%s", job->model, job->recompute ? " rc" : "");
        else
            snprintf(cells[5], 96, "%.6g ms", job->t_comp_ms);
        snprintf(cells[6], 96, "%s", pl != NULL && pl->can_run ? "" : "-");
        if (pl != NULL && pl->can_run)
            snprintf(cells[6], 96, "%d", pl->k_star);
        cells[7][0] = cells[8][0] = cells[9][0] = '\0';
        if (res != NULL && j < res->n_jobs && res->jobs[j].started) {
            const struct ps_job_result *jr = &res->jobs[j];
            snprintf(cells[7], 96, "%.2f", (double)jr->start_ns / 3.6e12);
            snprintf(cells[8], 96, "%.2f", (double)(jr->end_ns - jr->submit_ns) / 3.6e12);
            placement_text(cl, jr, cells[9], 96);
        } else if (res != NULL && j < res->n_jobs) {
            snprintf(cells[9], 96, "never: %.80s", res->jobs[j].why);
            styles[9] = TUI_S_ERR;
        }
        bool sel = j == cl->job_sel;
        enum tui_style base = sel && focus ? TUI_S_SEL_DIM : TUI_S_NORMAL;
        row(r, r->y + 2 + k, cols, 10, cells, sel && focus ? NULL : styles, base,
            sel && focus ? cl->job_col : -1, c);
    }
    scroll_marks(r, cl->job_scroll, cl->file.n_jobs, c);
}

void tui_cluster_draw_policies(const struct tui_app *app, const struct tui_rect *r,
                               struct tui_canvas *c)
{
    static const struct col cols[] = {{"#", 3, false},          {"policy", 20, false},
                                      {"avg_jct_h", 10, true},  {"cost_usd", 10, true},
                                      {"makespan_h", 11, true}, {"util", 7, true},
                                      {"ran", 6, true}};
    const struct tui_cluster *cl = app->cluster;
    bool focus = cl->focus == TUI_CF_POLICIES;
    frame(r, focus, "Policies (Up/Down: the Gantt chart's)", cols, 7, c);
    double best_jct = INFINITY, best_cost = INFINITY;
    for (int i = 0; i < cl->n_pol; i++)
        if (cl->ran[i] && cl->res[i].started > 0) {
            best_jct = fmin(best_jct, cl->res[i].avg_jct_s);
            best_cost = fmin(best_cost, cl->res[i].total_cost_usd);
        }
    int vis = tui_cluster_table_rows(r);
    for (int i = 0; i < vis && i < cl->n_pol; i++) {
        char cells[7][96];
        enum tui_style styles[7] = {TUI_S_NORMAL, TUI_S_NORMAL, TUI_S_NORMAL, TUI_S_NORMAL,
                                    TUI_S_NORMAL, TUI_S_NORMAL, TUI_S_NORMAL};
        snprintf(cells[0], 96, "%s%d", i == cl->pol_sel ? ">" : " ", i + 1);
        snprintf(cells[1], 96, "%s", cl->pol[i].name);
        if (cl->ran[i]) {
            const struct ps_cluster_result *res = &cl->res[i];
            snprintf(cells[2], 96, "%.2f", res->avg_jct_s / 3600);
            snprintf(cells[3], 96, "%.2f", res->total_cost_usd);
            snprintf(cells[4], 96, "%.2f", res->makespan_s / 3600);
            snprintf(cells[5], 96, "%.1f%%", 100 * res->gpu_util);
            snprintf(cells[6], 96, "%d/%d", res->started, res->n_jobs);
            if (res->started > 0 && res->avg_jct_s == best_jct)
                styles[2] = TUI_S_OK;
            if (res->started > 0 && res->total_cost_usd == best_cost)
                styles[3] = TUI_S_OK;
            if (res->never_started > 0)
                styles[6] = TUI_S_WARN;
        } else {
            for (int k = 2; k < 7; k++)
                snprintf(cells[k], 96, "-");
        }
        if (i == cl->pol_sel)
            styles[0] = TUI_S_TITLE_FOCUS;
        bool sel = i == cl->pol_sel && focus;
        row(r, r->y + 2 + i, cols, 7, cells, sel ? NULL : styles, sel ? TUI_S_SEL : TUI_S_NORMAL,
            -1, c);
    }
}
