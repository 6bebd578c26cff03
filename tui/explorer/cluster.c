/* The explorer's cluster screen state: the cluster (the default cluster preset, or a
 * file), every policy's run on it computed again after each edit, edits by field path with
 * refusals that name the field, a job's pipeline opened on the pipeline screen, and the
 * screen's files (export, save). Nothing here draws. */
#include "tui/explorer/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/cluster_export.h"
#include "tui/explorer/files.h"
#include "tui/explorer/numbers.h"

const char *const tui_cluster_region_fields[TUI_CLUSTER_REGION_COLS] = {
    "name", "gpus", "price_usd_per_kwh", "gpu_power_w", "pue", "bandwidth_gbps", "latency_ms"};
/* Column 0 (the name) opens the job's pipeline; column 5 is the profile's t_comp_ms for a
 * job without a model. */
const char *const tui_cluster_job_fields[TUI_CLUSTER_JOB_COLS] = {
    NULL, "submit_s", "iterations", "microbatches", "k_max", "model"};

static double wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

char tui_cluster_job_letter(int j)
{
    if (j < 26)
        return (char)('A' + j);
    if (j < 52)
        return (char)('a' + j - 26);
    return '#';
}

static void drop_runs(struct tui_cluster *cl)
{
    for (int i = 0; i < cl->n_pol; i++) {
        if (cl->ran[i])
            ps_cluster_result_fini(&cl->res[i]);
        cl->ran[i] = false;
    }
    free(cl->plans);
    cl->plans = NULL;
    ps_cluster_fini(&cl->eff);
}

void tui_cluster_free(struct tui_cluster *cl)
{
    if (cl == NULL)
        return;
    drop_runs(cl);
    ps_cluster_timer_free(cl->timer);
    ps_cluster_fini(&cl->file);
    free(cl);
}

/* Plans the cluster and runs every policy on it; on failure cl->error says why. */
static void recompute(struct tui_cluster *cl)
{
    double t0 = wall_ms();
    struct ps_diag d;
    ps_diag_clear(&d);
    drop_runs(cl);
    cl->error[0] = '\0';
    enum ps_status st = ps_cluster_expand(&cl->eff, &cl->file);
    if (st == PS_OK && cl->timer == NULL)
        st = ps_cluster_timer_new(cl->file.schedule, NULL, &cl->timer, &d);
    if (st == PS_OK) {
        cl->plans = calloc((size_t)(cl->eff.n_jobs ? cl->eff.n_jobs : 1), sizeof *cl->plans);
        st = cl->plans == NULL
                 ? PS_ENOMEM
                 : ps_cluster_plan_jobs(&cl->eff, ps_cluster_timer_fn, cl->timer, cl->plans, &d);
    }
    for (int i = 0; st == PS_OK && i < cl->n_pol; i++) {
        st = ps_cluster_run(&cl->eff, cl->plans, &cl->pol[i], cl->timer, &cl->res[i], &d);
        cl->ran[i] = st == PS_OK;
        if (st != PS_OK)
            ps_cluster_result_fini(&cl->res[i]);
    }
    if (st != PS_OK) {
        if (d.msg[0] == '\0')
            snprintf(d.msg, sizeof d.msg, "%s", ps_status_str(st));
        ps_diag_format(&d, NULL, cl->error, sizeof cl->error);
    }
    cl->run_ms = wall_ms() - t0;
}

/* The selections stay inside the tables. */
static void clamp(struct tui_cluster *cl)
{
    if (cl->region_sel >= cl->file.n_regions)
        cl->region_sel = cl->file.n_regions - 1;
    if (cl->job_sel >= cl->file.n_jobs)
        cl->job_sel = cl->file.n_jobs - 1;
    if (cl->region_sel < 0)
        cl->region_sel = 0;
    if (cl->job_sel < 0)
        cl->job_sel = 0;
}

/* A new state on cluster c (taken over). */
static struct tui_cluster *state_new(struct ps_cluster *c, const char *source)
{
    struct tui_cluster *cl = calloc(1, sizeof *cl);
    if (cl == NULL)
        return NULL;
    cl->file = *c;
    ps_cluster_init(c);
    ps_cluster_init(&cl->eff);
    snprintf(cl->source, sizeof cl->source, "%s", source);
    for (size_t i = 0; i < ps_cluster_policy_count() && i < TUI_CLUSTER_MAX_POL; i++)
        cl->pol[cl->n_pol++] = *ps_cluster_policy_at(i);
    cl->focus = TUI_CF_JOBS;
    recompute(cl);
    return cl;
}

static void say_runs(struct tui_app *app, const char *what)
{
    struct tui_cluster *cl = app->cluster;
    if (cl->error[0]) {
        tui_message(app, TUI_MSG_ERR, "%s: the policies could not run: %s", what, cl->error);
        return;
    }
    const struct ps_cluster_result *r = tui_cluster_shown(cl);
    tui_message(app, TUI_MSG_OK,
                "%s: %d jobs on %d regions, %d policies in %.0f ms; %s: avg JCT "
                "%.2f h, $%.2f",
                what, cl->eff.n_jobs, cl->eff.n_regions, cl->n_pol, cl->run_ms,
                cl->pol[cl->pol_sel].name, r ? r->avg_jct_s / 3600 : 0.0,
                r ? r->total_cost_usd : 0.0);
}

void tui_cluster_toggle(struct tui_app *app)
{
    if (app->cluster_screen) {
        app->cluster_screen = false;
        tui_message(app, TUI_MSG_INFO, "pipeline screen (C: the cluster screen)");
        return;
    }
    if (app->cluster == NULL) {
        struct ps_cluster_source src = {.preset = PS_DEFAULT_CLUSTER_PRESET};
        struct ps_cluster c;
        struct ps_diag d;
        if (ps_cluster_resolve(&src, &c, &d) != PS_OK) {
            char buf[400];
            tui_message(app, TUI_MSG_ERR, "no cluster: %s",
                        ps_diag_format(&d, NULL, buf, sizeof buf));
            return;
        }
        app->cluster = state_new(&c, "preset " PS_DEFAULT_CLUSTER_PRESET);
        ps_cluster_fini(&c);
        if (app->cluster == NULL) {
            tui_message(app, TUI_MSG_ERR, "no cluster: out of memory");
            return;
        }
    }
    app->cluster_screen = true;
    say_runs(app, app->cluster->source);
}

void tui_cluster_open_file(struct tui_app *app, const char *path)
{
    struct ps_cluster_source src = {.file = path};
    struct ps_cluster c;
    struct ps_diag d;
    if (ps_cluster_resolve(&src, &c, &d) != PS_OK) {
        char buf[400];
        tui_message(app, TUI_MSG_ERR, "could not open: %s",
                    ps_diag_format(&d, NULL, buf, sizeof buf));
        return;
    }
    struct tui_cluster *cl = state_new(&c, path);
    ps_cluster_fini(&c);
    if (cl == NULL) {
        tui_message(app, TUI_MSG_ERR, "could not open %s: out of memory", path);
        return;
    }
    tui_cluster_free(app->cluster);
    app->cluster = cl;
    app->cluster_screen = true;
    say_runs(app, path);
}

const struct ps_cluster_result *tui_cluster_shown(const struct tui_cluster *cl)
{
    if (cl == NULL || cl->pol_sel < 0 || cl->pol_sel >= cl->n_pol || !cl->ran[cl->pol_sel])
        return NULL;
    return &cl->res[cl->pol_sel];
}

/* ---- edits --------------------------------------------------------------------------- */

/* The path and current text of the selected cell; false when it edits nothing. */
static bool cell(const struct tui_cluster *cl, char *path, size_t psize, char *value, size_t vsize)
{
    if (cl->focus == TUI_CF_REGIONS && cl->region_sel < cl->file.n_regions) {
        const struct ps_region *r = &cl->file.regions[cl->region_sel];
        const char *f = tui_cluster_region_fields[cl->region_col];
        const double nums[] = {0,      r->gpus,           r->price_usd_per_kwh, r->gpu_power_w,
                               r->pue, r->bandwidth_gbps, r->latency_ms};
        snprintf(path, psize, "regions.%d.%s", cl->region_sel, f);
        if (cl->region_col == 0)
            snprintf(value, vsize, "%s", r->name);
        else
            tui_fmt_num(value, vsize, nums[cl->region_col]);
        return true;
    }
    if (cl->focus == TUI_CF_JOBS && cl->job_sel < cl->file.n_jobs && cl->job_col > 0) {
        const struct ps_cluster_job *j = &cl->file.jobs[cl->job_sel];
        const char *f = tui_cluster_job_fields[cl->job_col];
        bool profile = j->model[0] == '\0';
        if (cl->job_col == 5 && profile)
            f = "t_comp_ms";
        snprintf(path, psize, "jobs.%d.%s", cl->job_sel, f);
        switch (cl->job_col) {
        case 1:
            tui_fmt_num(value, vsize, j->submit_s);
            break;
        case 2:
            snprintf(value, vsize, "%lld", (long long)j->iterations);
            break;
        case 3:
            snprintf(value, vsize, "%d", j->microbatches);
            break;
        case 4:
            if (j->k_max > 0)
                snprintf(value, vsize, "%d", j->k_max);
            else
                snprintf(value, vsize, "null");
            break;
        default:
            if (profile)
                tui_fmt_num(value, vsize, j->t_comp_ms);
            else
                snprintf(value, vsize, "%s", j->model);
            break;
        }
        return true;
    }
    return false;
}

/* Applies path = value to the cluster and runs the policies again, or says why not. */
static void apply(struct tui_app *app, const char *path, const char *value)
{
    struct tui_cluster *cl = app->cluster;
    struct ps_diag d;
    ps_diag_clear(&d);
    const struct ps_cluster_result *r = tui_cluster_shown(cl);
    double before = r != NULL ? r->avg_jct_s : -1;
    enum ps_status st = ps_cluster_set(&cl->file, path, value, &d);
    if (st != PS_OK) {
        tui_refuse_diag(app, &d, path, st, value);
        return;
    }
    if (strcmp(path, "schedule") == 0) { /* a new schedule times the jobs: a new cache */
        ps_cluster_timer_free(cl->timer);
        cl->timer = NULL;
    }
    recompute(cl);
    clamp(cl);
    r = tui_cluster_shown(cl);
    if (cl->error[0])
        tui_message(app, TUI_MSG_ERR, "%s = %s: the policies could not run: %s", path, value,
                    cl->error);
    else if (r != NULL && before >= 0)
        tui_message(app, TUI_MSG_OK, "%s = %s: %s avg JCT %.2f -> %.2f h, $%.2f", path, value,
                    cl->pol[cl->pol_sel].name, before / 3600, r->avg_jct_s / 3600,
                    r->total_cost_usd);
    else
        tui_message(app, TUI_MSG_OK, "%s = %s", path, value);
}

bool tui_cluster_edit_start(struct tui_app *app)
{
    struct tui_cluster *cl = app->cluster;
    char value[300], label[200];
    if (!cell(cl, cl->edit_path, sizeof cl->edit_path, value, sizeof value)) {
        tui_message(app, TUI_MSG_INFO, "nothing to edit here (Left/Right picks a column)");
        return false;
    }
    snprintf(label, sizeof label, "%s =", cl->edit_path);
    tui_prompt_open(app, TUI_PROMPT_CLUSTER_VALUE, label, value);
    return true;
}

void tui_cluster_edit_enter(struct tui_app *app, const char *text)
{
    if (app->cluster == NULL || app->cluster->edit_path[0] == '\0')
        return;
    char path[sizeof app->cluster->edit_path];
    snprintf(path, sizeof path, "%s", app->cluster->edit_path);
    apply(app, path, text);
}

void tui_cluster_edit_step(struct tui_app *app, int dir)
{
    struct tui_cluster *cl = app->cluster;
    char path[160], value[300];
    if (!cell(cl, path, sizeof path, value, sizeof value)) {
        tui_message(app, TUI_MSG_INFO, "nothing to step here");
        return;
    }
    const char *field = strrchr(path, '.') + 1;
    if (strcmp(field, "name") == 0 || strcmp(field, "model") == 0) {
        tui_message(app, TUI_MSG_INFO, "%s is text: Enter types it", path);
        return;
    }
    double v = strcmp(value, "null") == 0 ? 0 : strtod(value, NULL), next;
    bool count = strcmp(field, "gpus") == 0 || strcmp(field, "microbatches") == 0 ||
                 strcmp(field, "k_max") == 0;
    if (count)
        next = v + dir;
    else if (strcmp(field, "iterations") == 0)
        next = tui_ladder_step(v, dir, &tui_ladder_coarse, 1, false);
    else
        next = tui_ladder_step(v, dir, &tui_ladder_fine, strcmp(field, "pue") == 0 ? 1 : 0.001,
                               strcmp(field, "pue") != 0 && strcmp(field, "t_comp_ms") != 0 &&
                                   strcmp(field, "bandwidth_gbps") != 0);
    char text[64];
    if (strcmp(field, "k_max") == 0 && next < 1)
        snprintf(text, sizeof text, "null");
    else
        tui_fmt_num(text, sizeof text, next);
    apply(app, path, text);
}

/* ---- a job on the pipeline screen, files --------------------------------------------- */

void tui_cluster_open_job(struct tui_app *app, int j)
{
    struct tui_cluster *cl = app->cluster;
    const struct ps_cluster_result *r = tui_cluster_shown(cl);
    if (r == NULL || j < 0 || j >= r->n_jobs) {
        tui_message(app, TUI_MSG_ERR, "no run to open a job from");
        return;
    }
    const struct ps_job_result *jr = &r->jobs[j];
    if (!jr->started) {
        tui_message(app, TUI_MSG_ERR, "%s never started under %s: %s", cl->eff.jobs[j].name,
                    cl->pol[cl->pol_sel].name, jr->why);
        return;
    }
    struct ps_scenario sc;
    struct ps_diag d;
    if (ps_cluster_job_scenario(&cl->eff, j, &jr->placement, jr->share_gbps, &sc, &d) != PS_OK) {
        char buf[400];
        tui_message(app, TUI_MSG_ERR, "cannot open %s: %s", cl->eff.jobs[j].name,
                    ps_diag_format(&d, NULL, buf, sizeof buf));
        return;
    }
    char source[256];
    snprintf(source, sizeof source, "cluster job %.60s (%.30s)", cl->eff.jobs[j].name,
             cl->pol[cl->pol_sel].name);
    tui_files_use_scenario(app, &sc, source);
    app->cluster_screen = false;
    tui_message(app, TUI_MSG_OK,
                "%s under %s: %d stages over %d regions with the link shares it started with; "
                "one iteration under %s took %.3f s there (C: back to the cluster)",
                cl->eff.jobs[j].name, cl->pol[cl->pol_sel].name, app->sc.n_stages, app->sc.n_dcs,
                cl->eff.schedule, (double)jr->first_iter_ns / 1e9);
}

void tui_cluster_export(struct tui_app *app, const char *path, bool pareto)
{
    struct tui_cluster *cl = app->cluster;
    struct ps_cluster_run runs[TUI_CLUSTER_MAX_POL];
    size_t n = 0;
    for (int i = 0; i < cl->n_pol; i++)
        if (cl->ran[i])
            runs[n++] = (struct ps_cluster_run){cl->pol[i].name, &cl->res[i]};
    const struct ps_cluster_result *shown = tui_cluster_shown(cl);
    if (n == 0 || shown == NULL) {
        tui_message(app, TUI_MSG_ERR, "nothing to export: %s", cl->error[0] ? cl->error : "no run");
        return;
    }
    static const enum ps_format tables[] = {PS_FMT_CSV, PS_FMT_JSON, PS_FMT_SVG,
                                            PS_FMT_PDF, PS_FMT_PNG,  PS_FMT_NONE};
    static const enum ps_format figures[] = {PS_FMT_SVG, PS_FMT_PDF, PS_FMT_PNG, PS_FMT_NONE};
    enum ps_format fmt;
    if (!tui_files_format(app, path, pareto ? figures : tables,
                          pareto ? "the scatter's files" : "the cluster's files", &fmt))
        return;
    if (tui_files_ask_first(app, pareto ? TUI_PROMPT_CLUSTER_PARETO : TUI_PROMPT_CLUSTER_EXPORT,
                            path))
        return;
    struct ps_buf b;
    ps_buf_init(&b);
    enum ps_status st;
    const char *what;
    bool figure = fmt == PS_FMT_SVG || fmt == PS_FMT_PDF || fmt == PS_FMT_PNG;
    if (pareto) {
        st = ps_export_cluster_pareto_svg(&cl->eff, runs, n, 0, &b);
        what = "the cost-vs-JCT scatter";
    } else if (figure) {
        st = ps_export_cluster_gantt_svg(&cl->eff, cl->pol[cl->pol_sel].name, shown, 0, &b);
        what = "the region Gantt chart";
    } else if (fmt == PS_FMT_CSV) {
        st = ps_export_cluster_csv(&cl->eff, runs, n, true, &b);
        what = "the job table (CSV)";
    } else {
        st = ps_export_cluster_json(&cl->eff, runs, n, true, &b);
        what = "the policy and job tables (JSON)";
    }
    if (st != PS_OK)
        tui_message(app, TUI_MSG_ERR, "export failed: %s", ps_status_str(st));
    else if (figure) /* one drawing: the SVG, or PDF and PNG rendered from it */
        tui_files_write_figure(app, path, fmt, &b, what);
    else
        tui_files_write(app, path, &b, what);
    ps_buf_fini(&b);
}

void tui_cluster_save(struct tui_app *app, const char *path)
{
    if (tui_files_ask_first(app, TUI_PROMPT_CLUSTER_SAVE, path))
        return;
    char *json = ps_cluster_to_json(&app->cluster->file);
    if (json == NULL) {
        tui_message(app, TUI_MSG_ERR, "save failed: out of memory");
        return;
    }
    struct ps_buf b = {.data = json, .len = strlen(json), .cap = strlen(json) + 1};
    tui_files_write(app, path, &b, "the cluster");
    free(json);
}
