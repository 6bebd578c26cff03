/* The explorer on a workload scenario without a terminal: the unplanned scenario is planned
 * in the background and its microbatches become the plan's chunks; W opens the workload
 * screen (settings, lengths, memory per stage against the HBM, the chunk list); a setting
 * changed there plans again; the planned fields are refused on the panel and another edit
 * plans again (a new stage count too); a preset without a workload closes the screen; the
 * memory pane draws the HBM and the Gantt's legend names R when a plan recomputes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/io/io.h"
#include "presets/presets.h"
#include "tui/explorer/app.h"
#include "tui/explorer/canvas.h"
#include "tui/explorer/fields.h"
#include "tui/explorer/files.h"
#include "tui/explorer/keys.h"
#include "tui/explorer/render.h"
#include "tui/explorer/workload.h"

#define MAX_FIELDS 512

/* The 13B preset with a smaller batch (the test stays quick). */
static void setup_app(struct tui_app *app, int batch)
{
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("infinipipe-13b-cc48k", &sc, &d), PS_OK);
    char b[16];
    snprintf(b, sizeof b, "%d", batch);
    assert_int_equal(ps_scenario_set_path(&sc, "workload.batch", b, &d), PS_OK);
    assert_false(sc.workload->planned.valid); /* the unplanned view */
    assert_int_equal(sc.n_microbatches, batch);
    assert_int_equal(tui_app_init(app, &sc, "test", 160, 48), PS_OK);
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

static void select_path(struct tui_app *app, const char *path)
{
    struct tui_field f[MAX_FIELDS];
    int n = tui_fields(app, f, MAX_FIELDS);
    for (int i = 0; i < n && i < MAX_FIELDS; i++) {
        char p[160];
        tui_field_path(app, &f[i], p, sizeof(p));
        if (f[i].kind != TUI_FK_SECTION && strcmp(p, path) == 0) {
            app->field_sel = i;
            app->focus = TUI_FOCUS_PANEL;
            return;
        }
    }
    fail_msg("no field %s", path);
}

static void test_planned(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, 96);
    assert_false(tui_workload_running(&app));
    assert_non_null(app.wl);
    assert_true(app.wl->has_plan);
    assert_true(app.sc.workload->planned.valid);
    assert_int_equal(app.sc.n_microbatches, app.wl->rep.chunks);
    assert_int_equal(app.wl->rep.chunking.n, app.wl->rep.chunks);
    assert_non_null(strstr(app.msg, "workload planned"));
    char *text = frame(&app);
    assert_non_null(strstr(text, "elastic K"));                /* the header's segment */
    assert_non_null(strstr(text, "Peak memory GB of HBM 80")); /* the memory pane */
    free(text);

    key(&app, 'W');
    assert_true(app.workload_screen);
    text = frame(&app);
    assert_non_null(strstr(text, "pipescope workload"));
    assert_non_null(strstr(text, "96 sequences"));
    assert_non_null(strstr(text, "granularity  elastic"));
    assert_non_null(strstr(text, "checkpoint   adaptive"));
    assert_non_null(strstr(text, "Lengths"));
    assert_non_null(strstr(text, "Peak memory GB"));
    char want[64];
    snprintf(want, sizeof want, "Chunks (%d, microbatch order", app.wl->rep.chunks);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "split"));
    free(text);

    /* granularity - : token, planned again */
    key(&app, '-');
    assert_int_equal(app.sc.workload->plan.granularity, PS_GRAN_TOKEN);
    assert_true(app.wl->has_plan);
    assert_int_equal(app.sc.n_microbatches, app.wl->rep.chunks);
    assert_true(app.sc.workload->planned.valid);
    text = frame(&app);
    assert_non_null(strstr(text, "granularity  token"));
    free(text);
    /* checkpoint: full replays every layer */
    key(&app, 'j');
    assert_int_equal(app.wl->sel, TUI_WL_CHECKPOINT);
    key(&app, '-'); /* adaptive -> uniform */
    key(&app, '-'); /* -> full */
    assert_int_equal(app.sc.workload->plan.checkpoint, PS_CKPT_FULL);
    assert_true(app.sc.workload->planned.recompute_share > 0);
    assert_true(ps_scenario_has_recompute(&app.sc));
    /* the chunk list scrolls */
    key(&app, TUI_KEY_PGDN);
    assert_true(app.wl->scroll > 0);
    key(&app, TUI_KEY_HOME);
    assert_int_equal(app.wl->scroll, 0);
    key(&app, 'W');
    assert_false(app.workload_screen);
    text = frame(&app);
    assert_non_null(strstr(text, " R ")); /* the legend names the recompute op */
    free(text);
    tui_app_fini(&app);
}

static void test_edits(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, 64);
    int planned = app.sc.n_microbatches;
    /* a planned field is refused, naming the workload screen */
    select_path(&app, "microbatches");
    key(&app, '+');
    assert_int_equal(app.sc.n_microbatches, planned);
    assert_non_null(strstr(app.msg, "refused: microbatches: planned from the workload"));
    select_path(&app, "compute.forward_ms");
    key(&app, TUI_KEY_ENTER);
    key(&app, TUI_KEY_ENTER);
    assert_non_null(strstr(app.msg, "planned from the workload"));
    /* another field plans again */
    select_path(&app, "network.intra_dc.latency_ms");
    key(&app, '+');
    assert_true(app.sc.workload->planned.valid);
    assert_int_equal(app.sc.n_microbatches, app.wl->rep.chunks);
    /* a new stage count: the unplanned view, then a plan of the new stages */
    int stages = app.sc.n_stages;
    select_path(&app, "stages");
    key(&app, '+');
    assert_int_equal(app.sc.n_stages, stages + 1);
    assert_true(app.sc.workload->planned.valid);
    assert_int_equal(app.sc.n_microbatches, app.wl->rep.chunks);
    assert_int_equal(app.sc.has_memory_limit, true);
    /* a preset without a workload closes the screen and forgets the plan */
    key(&app, 'W');
    assert_true(app.workload_screen);
    tui_files_load_preset(&app, "teaching");
    /* the edits above are not saved: the explorer asks first */
    assert_int_equal(app.prompt_kind, TUI_PROMPT_DISCARD);
    key(&app, 'y');
    key(&app, TUI_KEY_ENTER);
    tui_app_settle(&app);
    assert_false(app.workload_screen);
    assert_false(app.wl->has_plan);
    key(&app, 'W');
    assert_false(app.workload_screen);
    assert_non_null(strstr(app.msg, "no workload in this scenario"));
    tui_app_fini(&app);
}

/* Nothing fits: the screen says which stage, the unplanned view stays. */
static void test_no_plan(void **state)
{
    (void)state;
    struct tui_app app;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("infinipipe-13b-cc48k", &sc, &d), PS_OK);
    assert_int_equal(ps_scenario_set_path(&sc, "workload.batch", "32", &d), PS_OK);
    assert_int_equal(ps_scenario_set_path(&sc, "workload.memory.hbm_gb", "12", &d), PS_OK);
    assert_int_equal(tui_app_init(&app, &sc, "test", 120, 40), PS_OK);
    app.sync_only = true;
    tui_app_settle(&app);
    assert_false(app.wl->has_plan);
    assert_non_null(strstr(app.wl->error, "stage"));
    assert_non_null(strstr(app.msg, "workload: no plan"));
    assert_false(app.sc.workload->planned.valid);
    key(&app, 'W');
    assert_true(app.workload_screen);
    char *text = frame(&app);
    assert_non_null(strstr(text, "no plan:"));
    free(text);
    tui_app_fini(&app);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planned),
        cmocka_unit_test(test_edits),
        cmocka_unit_test(test_no_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
