/* The explorer's cluster screen without a terminal: C opens it on bace-paper with every
 * policy run, the frame shows the three tables and both charts, an edit through the prompt
 * runs the policies again (a bad value is refused with its field), +/- steps a cell, the
 * policy selection moves the Gantt chart, Enter on a job's name opens its pipeline whose
 * 1F1B makespan is the job's iteration time, and C comes back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "presets/presets.h"
#include "tui/explorer/app.h"
#include "tui/explorer/canvas.h"
#include "tui/explorer/cluster.h"
#include "tui/explorer/keys.h"
#include "tui/explorer/render.h"

static void setup_app(struct tui_app *app, int cols, int rows)
{
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("teaching", &sc, &d), PS_OK);
    assert_int_equal(tui_app_init(app, &sc, "teaching", cols, rows), PS_OK);
    app->sync_only = true;
    tui_app_settle(app);
}

static void key(struct tui_app *app, int k)
{
    struct tui_event ev = {.type = TUI_EV_KEY, .key = k};
    struct tui_cmd cmd = tui_key_lookup(app, &ev);
    tui_apply(app, &cmd);
    tui_app_settle(app);
}

static void type(struct tui_app *app, const char *text)
{
    while (app->prompt_buf[0])
        key(app, TUI_KEY_BACKSPACE);
    for (const char *p = text; *p; p++)
        key(app, (unsigned char)*p);
}

static char *frame(const struct tui_app *app)
{
    struct tui_canvas c;
    assert_true(tui_canvas_init(&c, app->cols, app->rows));
    tui_render(app, &c);
    char *text = tui_canvas_dump(&c, true);
    tui_canvas_fini(&c);
    assert_non_null(text);
    return text;
}

static void test_screen(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, 160, 48);
    key(&app, 'C');
    assert_true(app.cluster_screen);
    struct tui_cluster *cl = app.cluster;
    assert_non_null(cl);
    assert_string_equal(cl->error, "");
    assert_int_equal(cl->n_pol, 9);
    for (int i = 0; i < cl->n_pol; i++)
        assert_true(cl->ran[i] && cl->res[i].started == 8);
    char *text = frame(&app);
    assert_non_null(strstr(text, "Regions (336 GPUs)"));
    assert_non_null(strstr(text, "Job queue (8) under bace"));
    assert_non_null(strstr(text, "bace-no-pathfinder"));
    assert_non_null(strstr(text, "Region Gantt: bace"));
    assert_non_null(strstr(text, "Cost vs avg JCT"));
    assert_non_null(strstr(text, "A llama70b-wikitext"));
    free(text);

    /* The policies table moves the Gantt chart's policy. */
    key(&app, TUI_KEY_TAB); /* jobs -> policies */
    assert_int_equal(cl->focus, TUI_CF_POLICIES);
    key(&app, TUI_KEY_DOWN);
    key(&app, TUI_KEY_DOWN);
    key(&app, TUI_KEY_DOWN);
    assert_int_equal(cl->pol_sel, 3);
    text = frame(&app);
    assert_non_null(strstr(text, "Region Gantt: ldf"));
    free(text);
    key(&app, TUI_KEY_HOME);
    assert_int_equal(cl->pol_sel, 0);

    /* An edit through the prompt: the iterations of the first OpenWebText job. */
    key(&app, TUI_KEY_BTAB); /* policies -> jobs */
    assert_int_equal(cl->focus, TUI_CF_JOBS);
    cl->job_sel = 2;
    cl->job_col = 2;
    double before = cl->res[0].avg_jct_s;
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.mode, TUI_MODE_PROMPT);
    assert_string_equal(app.prompt_buf, "72479");
    type(&app, "500");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(cl->file.jobs[2].iterations, 500);
    assert_true(cl->res[0].avg_jct_s < before);
    assert_non_null(strstr(app.msg, "jobs.2.iterations = 500: bace avg JCT"));
    /* A bad value is refused with its field, the cluster unchanged. */
    key(&app, TUI_KEY_ENTER);
    type(&app, "-3");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(cl->file.jobs[2].iterations, 500);
    assert_non_null(strstr(app.msg, "refused: jobs.2.iterations"));
    /* + steps a region's GPUs by one. */
    cl->focus = TUI_CF_REGIONS;
    cl->region_sel = 1;
    cl->region_col = 1;
    key(&app, '+');
    assert_int_equal(cl->file.regions[1].gpus, 33);
    assert_int_equal(ps_cluster_total_gpus(&cl->eff), 337);

    /* Enter on a job's name: its pipeline on the pipeline screen. */
    cl->focus = TUI_CF_JOBS;
    cl->job_sel = 0;
    cl->job_col = 0;
    const struct ps_job_result *jr = &cl->res[0].jobs[0];
    int64_t iter = jr->first_iter_ns;
    int stages = ps_placement_gpus(&jr->placement);
    key(&app, TUI_KEY_ENTER);
    assert_false(app.cluster_screen);
    assert_int_equal(app.sc.n_stages, stages);
    assert_int_equal(app.sc.n_dcs, jr->placement.n);
    const struct ps_schedule *s = NULL;
    for (size_t i = 0; i < app.n_res; i++)
        if (strcmp(app.res[i].sv->name, "1f1b") == 0)
            s = app.res[i].sched;
    assert_non_null(s);
    assert_int_equal(s->makespan_ns, iter);

    /* C comes back to the same cluster. */
    key(&app, 'C');
    assert_true(app.cluster_screen);
    assert_ptr_equal(app.cluster, cl);
    key(&app, TUI_KEY_ESC);
    assert_false(app.cluster_screen);
    tui_app_fini(&app);
}

/* A small terminal still draws every part without crashing. */
static void test_small(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, 80, 24);
    key(&app, 'C');
    char *text = frame(&app);
    assert_non_null(strstr(text, "Regions"));
    assert_non_null(strstr(text, "Region Gantt"));
    free(text);
    tui_app_fini(&app);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screen),
        cmocka_unit_test(test_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
