/* The explorer's actions without a terminal: edits recompute every schedule, invalid
 * values are refused with the field's name, schedules switch, files are written through
 * the prompts, the background solve reports and cancels, the mouse selects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/field.h"
#include "export/export.h"
#include "presets/presets.h"
#include "tui/explorer/app.h"
#include "tui/explorer/fields.h"
#include "tui/explorer/keys.h"
#include "tui/explorer/layout.h"
#include "tui/explorer/render.h"
#include "tui/explorer/undo.h"
#include "tui/explorer/sweep.h"
#include "tui/explorer/canvas.h"

#define MAX_FIELDS 1024 /* more than the test scenarios have */

static void setup_app(struct tui_app *app, const char *preset, int cols, int rows)
{
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load(preset, &sc, &d), PS_OK);
    assert_int_equal(tui_app_init(app, &sc, preset, cols, rows), PS_OK);
    struct tui_cmd cmd = {.action = TUI_A_RESIZE,
                          .ev = {.type = TUI_EV_RESIZE, .cols = cols, .rows = rows}};
    tui_apply(app, &cmd);
    tui_app_settle(app); /* generators the first frame did not wait for land */
}

static unsigned key(struct tui_app *app, int k)
{
    struct tui_event ev = {.type = TUI_EV_KEY, .key = k};
    struct tui_cmd cmd = tui_key_lookup(app, &ev);
    unsigned r = tui_apply(app, &cmd);
    tui_app_settle(app); /* a slow-ish solver's background lane lands */
    return r;
}

static void type(struct tui_app *app, const char *text)
{
    for (const char *p = text; *p; p++)
        key(app, (unsigned char)*p);
}

static void clear_prompt(struct tui_app *app)
{
    while (app->prompt_buf[0])
        key(app, TUI_KEY_BACKSPACE);
}

/* Selects the first panel row whose --set path (or parameter path) is path. */
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

/* The index of the first panel row labelled label (indent aside), -1 when none. */
static int find_label(const struct tui_app *app, const char *label)
{
    struct tui_field f[MAX_FIELDS];
    int n = tui_fields(app, f, MAX_FIELDS);
    for (int i = 0; i < n && i < MAX_FIELDS; i++) {
        char l[128];
        tui_field_label(app, &f[i], l, sizeof(l));
        const char *p = l;
        while (*p == ' ')
            p++;
        if (f[i].kind != TUI_FK_SECTION && strcmp(p, label) == 0)
            return i;
    }
    return -1;
}

static void select_label(struct tui_app *app, const char *label)
{
    int i = find_label(app, label);
    if (i < 0)
        fail_msg("no field labelled %s", label);
    app->field_sel = i;
    app->focus = TUI_FOCUS_PANEL;
}

/* How many panel rows are of the core field with this path template. */
static int count_def(const struct tui_app *app, const char *template_path)
{
    int n;
    struct tui_field *f = tui_fields_new(app, &n);
    assert_non_null(f);
    int k = 0;
    for (int i = 0; i < n; i++)
        k += f[i].kind == TUI_FK_FIELD && strcmp(f[i].ref.def->path, template_path) == 0;
    free(f);
    return k;
}

static int find_schedule(const struct tui_app *app, const char *name)
{
    for (size_t i = 0; i < app->n_res; i++)
        if (strcmp(app->res[i].sv->name, name) == 0)
            return (int)i;
    return -1;
}

static void test_every_fast_schedule_computed(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    assert_true(app.n_res >= 2);
    for (size_t i = 0; i < app.n_res; i++) {
        if (app.res[i].sv->slow)
            assert_null(app.res[i].sched);
        else
            assert_non_null(app.res[i].sched);
    }
    assert_string_equal(app.res[app.shown].sv->name, "1f1b");
    tui_app_fini(&app);
}

static void test_latency_step_changes_makespan(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    int64_t before = tui_shown(&app)->makespan_ns;
    double lat = app.sc.inter_dc.latency_ms;
    select_path(&app, "network.inter_dc.latency_ms");
    for (int i = 0; i < 4; i++)
        assert_true(key(&app, '+') & TUI_REDRAW);
    assert_true(app.sc.inter_dc.latency_ms > lat);
    assert_true(tui_shown(&app)->makespan_ns > before);
    /* Every fast schedule was recomputed on the new scenario. */
    for (size_t i = 0; i < app.n_res; i++)
        if (app.res[i].sched)
            assert_true(app.res[i].sched->sc->inter_dc.latency_ms == app.sc.inter_dc.latency_ms);
    /* And back down with the vi key. */
    for (int i = 0; i < 4; i++)
        key(&app, 'h');
    assert_true(app.sc.inter_dc.latency_ms == lat);
    assert_int_equal(tui_shown(&app)->makespan_ns, before);
    tui_app_fini(&app);
}

static void test_invalid_value_refused(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    double lat = app.sc.inter_dc.latency_ms;
    int64_t before = tui_shown(&app)->makespan_ns;
    select_path(&app, "network.inter_dc.latency_ms");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.mode, TUI_MODE_PROMPT);
    clear_prompt(&app);
    type(&app, "-5");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.mode, TUI_MODE_NORMAL);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);
    assert_non_null(strstr(app.msg, "latency_ms"));
    assert_true(app.sc.inter_dc.latency_ms == lat);
    assert_int_equal(tui_shown(&app)->makespan_ns, before);
    /* Not a number at all. */
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "fast");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);
    assert_non_null(strstr(app.msg, "must be a number"));
    assert_string_equal(app.msg,
                        "refused: network.inter_dc.latency_ms: must be a number (got fast)");
    /* A time in seconds is converted. */
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "0.002 s");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_true(app.sc.inter_dc.latency_ms > 2 - 1e-9 && app.sc.inter_dc.latency_ms < 2 + 1e-9);
    /* A count quotes what was typed, in the one refusal format. */
    select_path(&app, "microbatches");
    int m = app.sc.n_microbatches;
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "100000");
    key(&app, TUI_KEY_ENTER);
    assert_string_equal(app.msg, "refused: microbatches: must be between 1 and 16384 (got 100000)");
    assert_int_equal(app.sc.n_microbatches, m);
    select_path(&app, "datacenters.0.stages");
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "2000");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);
    assert_true(strncmp(app.msg, "refused: datacenters.0.stages: ", 31) == 0);
    assert_non_null(strstr(app.msg, "(got 2000)"));
    select_path(&app, "network.inter_dc.latency_ms");
    /* A good typed value is taken. */
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "40");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_true(app.sc.inter_dc.latency_ms == 40);
    assert_true(tui_shown(&app)->makespan_ns > before);
    tui_app_fini(&app);
}

/* The prompt starts from the exact value, not the rounded one on screen. */
static void test_enter_keeps_exact_value(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    select_path(&app, "activation_mb");
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "67.108864");
    key(&app, TUI_KEY_ENTER);
    assert_true(app.sc.activation_mb == 67.108864);
    key(&app, TUI_KEY_ENTER);
    assert_string_equal(app.prompt_buf, "67.108864");
    key(&app, TUI_KEY_ENTER);
    assert_true(app.sc.activation_mb == 67.108864);
    tui_app_fini(&app);
}

static void test_counts_reshape(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    int m = app.sc.n_microbatches, s = app.sc.n_stages;
    select_path(&app, "microbatches");
    key(&app, '+');
    assert_int_equal(app.sc.n_microbatches, m + 1);
    assert_int_equal(tui_shown(&app)->n_microbatches, m + 1);
    select_path(&app, "datacenters");
    key(&app, '+');
    /* One rule with --set datacenters=3: S stays and is spread over the DCs (3+3+2). */
    assert_int_equal(app.sc.n_dcs, 3);
    assert_int_equal(app.sc.n_stages, s);
    assert_int_equal(app.sc.dcs[0].stages, 3);
    assert_int_equal(app.sc.dcs[2].stages, 2);
    assert_int_equal(tui_shown(&app)->n_stages, app.sc.n_stages);
    /* Three DCs: the panel lists each neighbouring pair's link. */
    assert_int_equal(count_def(&app, "network.pairs.#.latency_ms"), 4);
    /* A pair's latency is its own override. */
    struct tui_field f[MAX_FIELDS];
    int n = tui_fields(&app, f, MAX_FIELDS);
    for (int i = 0; i < n; i++)
        if (f[i].kind == TUI_FK_FIELD &&
            strcmp(f[i].ref.def->path, "network.pairs.#.latency_ms") == 0) {
            app.field_sel = i;
            break;
        }
    key(&app, '+');
    assert_int_equal(app.sc.n_pairs, 1);
    assert_true(app.sc.pairs[0].link.latency_ms > app.sc.inter_dc.latency_ms);
    /* Stages spread over the DCs; too few stages are refused. */
    select_path(&app, "stages");
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "2");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);
    assert_int_equal(app.sc.n_dcs, 3);
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "9");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.sc.n_stages, 9);
    assert_int_equal(app.sc.dcs[0].stages + app.sc.dcs[1].stages + app.sc.dcs[2].stages, 9);
    /* Back to one DC. */
    select_path(&app, "datacenters");
    key(&app, '-');
    key(&app, '-');
    assert_int_equal(app.sc.n_dcs, 1);
    key(&app, '-');
    assert_int_equal(app.sc.n_dcs, 1);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);
    tui_app_fini(&app);
}

static void test_memory_limit(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    select_label(&app, "limit / 1F1B budget");
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "0.5");
    key(&app, TUI_KEY_ENTER);
    assert_true(app.sc.has_memory_limit);
    assert_true(app.sc.memory_limit == 0.5 * app.sc.n_stages);
    /* GPipe keeps every microbatch: over the limit, flagged, still shown. */
    int g = find_schedule(&app, "gpipe");
    if (g >= 0) {
        assert_non_null(app.res[g].sched);
        assert_false(app.res[g].sched->memory_ok);
    }
    select_path(&app, "memory.limit");
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "none");
    key(&app, TUI_KEY_ENTER);
    assert_false(app.sc.has_memory_limit);
    tui_app_fini(&app);
}

/* Data parallel: a first all-gather time turns it on; AG/RS ops appear on the lane. */
static void test_data_parallel(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 160, 48);
    assert_false(app.sc.has_data_parallel);
    select_path(&app, "data_parallel.allgather_ms");
    key(&app, '+');
    assert_true(app.sc.has_data_parallel);
    assert_true(app.sc.allgather_ms > 0);
    const struct ps_schedule *s = tui_shown(&app);
    assert_non_null(s);
    assert_non_null(s->dp_ops);
    assert_true(s->dp_n[0] > 0);
    assert_int_equal(s->dp_ops[0][0].kind, PS_OP_AG);
    tui_app_fini(&app);
}

static void test_switch_and_split(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 160, 48);
    key(&app, '1');
    assert_int_equal(app.shown, 0);
    key(&app, '2');
    assert_int_equal(app.shown, 1);
    key(&app, 'n');
    assert_int_equal(app.shown, 2);
    key(&app, 's');
    assert_int_equal(app.mode, TUI_MODE_PICKER);
    key(&app, 'k');
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.mode, TUI_MODE_NORMAL);
    assert_int_equal(app.shown, 1);
    key(&app, 'v');
    assert_true(app.split_b >= 0 && app.split_b != app.shown);
    struct tui_grow rows[256];
    int n = tui_gantt_rows(&app, rows, 256), titles = 0;
    for (int i = 0; i < n; i++)
        titles += rows[i].kind == TUI_GROW_TITLE;
    assert_int_equal(titles, 2);
    key(&app, 'v');
    assert_int_equal(app.split_b, -1);
    /* The table: moving and Enter shows a row. */
    app.focus = TUI_FOCUS_TABLE;
    key(&app, 'j');
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.shown, 2);
    /* A number past the registry is refused. */
    key(&app, '9');
    if (app.n_res < 9)
        assert_int_equal(app.msg_level, TUI_MSG_ERR);
    tui_app_fini(&app);
}

static void test_schedule_params(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 160, 48);
    int i = find_schedule(&app, "interleaved");
    if (i < 0)
        skip();
    app.shown = i;
    int chunks_at = find_label(&app, "chunks");
    assert_true(chunks_at >= 0);
    app.field_sel = chunks_at;
    int before = app.res[i].sched->chunks;
    key(&app, '+');
    assert_int_equal(app.res[i].sched->chunks, before + 1);
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "999");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);
    assert_non_null(strstr(app.msg, "chunks"));
    assert_int_equal(app.res[i].sched->chunks, before + 1);
    /* A list parameter the solver itself refuses keeps the old value. */
    int w = find_schedule(&app, "1f1b-warmup");
    if (w >= 0) {
        app.shown = w;
        select_label(&app, "extra_warmup");
        const char *old = ps_params_get(app.res[w].sv, &app.res[w].params, "extra_warmup");
        char was[64];
        snprintf(was, sizeof(was), "%s", old ? old : "");
        key(&app, TUI_KEY_ENTER);
        clear_prompt(&app);
        type(&app, "abc");
        key(&app, TUI_KEY_ENTER);
        assert_int_equal(app.msg_level, TUI_MSG_ERR);
        assert_true(strncmp(app.msg, "refused: param.extra_warmup: ", 29) == 0);
        assert_non_null(strstr(app.msg, "(got abc)"));
        assert_string_equal(ps_params_get(app.res[w].sv, &app.res[w].params, "extra_warmup"), was);
        assert_non_null(app.res[w].sched);
        /* The same on a background lane (a run that was slow last time): the refusal comes
         * when the lane lands. */
        app.res[w].last_ms = 1000;
        key(&app, TUI_KEY_ENTER);
        clear_prompt(&app);
        type(&app, "1,1");
        key(&app, TUI_KEY_ENTER); /* key() waits for the lane */
        assert_false(app.res[w].pending);
        assert_int_equal(app.msg_level, TUI_MSG_ERR);
        assert_true(strncmp(app.msg, "refused: param.extra_warmup: ", 29) == 0);
        assert_non_null(strstr(app.msg, "(got 1,1)"));
        assert_string_equal(ps_params_get(app.res[w].sv, &app.res[w].params, "extra_warmup"), was);
        assert_non_null(app.res[w].sched);
    }
    tui_app_fini(&app);
}

/* Many DCs: every field is listed (memory, data parallel and the schedule's parameters
 * after the per-pair rows), and End reaches the last one. */
static void test_many_dcs_fields(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    /* 40 datacenters need 40 stages first (datacenters=N keeps S). */
    select_path(&app, "stages");
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "40");
    key(&app, TUI_KEY_ENTER);
    select_path(&app, "datacenters");
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "40");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.sc.n_dcs, 40);
    int n;
    struct tui_field *f = tui_fields_new(&app, &n);
    assert_non_null(f);
    assert_true(n > 200);
    assert_int_equal(count_def(&app, "memory.limit"), 2);
    assert_int_equal(count_def(&app, "data_parallel.reduce_scatter_ms"), 1);
    int last = n - 1;
    while (last > 0 && f[last].kind == TUI_FK_SECTION)
        last--;
    free(f);
    key(&app, TUI_KEY_END);
    assert_int_equal(app.field_sel, last);
    tui_app_fini(&app);
}

static void test_gantt_cursor_zoom(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    key(&app, TUI_KEY_TAB);
    assert_int_equal(app.focus, TUI_FOCUS_GANTT);
    assert_true(app.cursor_on);
    key(&app, 'l');
    key(&app, 'j');
    assert_int_equal(app.cur_stage, 1);
    int64_t npc = app.view_ns_per_col;
    key(&app, 'z');
    assert_false(app.fit);
    assert_true(app.view_ns_per_col < npc);
    key(&app, TUI_KEY_END);
    /* The cursor op stays in view when zoomed. */
    const struct ps_schedule *s = tui_shown(&app);
    const struct ps_op *op = &s->dev_ops[app.cur_stage][app.cur_index];
    struct tui_layout lo;
    tui_layout(&app, &lo);
    assert_true(op->end_ns > app.view_t0);
    assert_true(op->start_ns < app.view_t0 + app.view_ns_per_col * lo.plot.w);
    key(&app, '>');
    key(&app, 'f');
    assert_true(app.fit);
    assert_int_equal(app.view_t0, 0);
    key(&app, 'x');
    assert_true(app.show_crit);
    assert_non_null(app.res[app.shown].crit);
    tui_app_fini(&app);
}

/* Whether the n bytes at buf hold text (binary files may hold NULs). */
static bool has_bytes(const char *buf, size_t n, const char *text)
{
    size_t k = strlen(text);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(buf + i, text, k) == 0)
            return true;
    return false;
}

static void test_export_and_files(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    char dir[] = "/tmp/pstui-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];

    snprintf(path, sizeof(path), "%s/s.json", dir);
    key(&app, 'e');
    assert_int_equal(app.mode, TUI_MODE_PROMPT);
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "pipescope-schedule/1"));
    assert_non_null(strstr(buf, "\"1f1b\""));

    /* ~/ is the home folder. */
    const char *home = getenv("HOME");
    char saved_home[256];
    snprintf(saved_home, sizeof(saved_home), "%s", home ? home : "");
    setenv("HOME", dir, 1);
    key(&app, 'e');
    clear_prompt(&app);
    type(&app, "~/home.json");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    snprintf(path, sizeof(path), "%s/home.json", dir);
    assert_int_equal(access(path, R_OK), 0);
    remove(path);
    if (home)
        setenv("HOME", saved_home, 1);
    else
        unsetenv("HOME");

    /* The same name again: the explorer asks before replacing the file; n keeps it, y
     * replaces it (the safe write keeps its mode). */
    snprintf(path, sizeof(path), "%s/s.json", dir);
    FILE *keep = fopen(path, "w");
    assert_non_null(keep);
    fputs("keep me", keep);
    fclose(keep);
    chmod(path, 0600);
    key(&app, 'e');
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.mode, TUI_MODE_PROMPT);
    assert_int_equal(app.prompt_kind, TUI_PROMPT_CONFIRM);
    assert_non_null(strstr(app.prompt_label, "s.json exists. Replace it?"));
    type(&app, "n");
    key(&app, TUI_KEY_ENTER);
    f = fopen(path, "rb");
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_string_equal(buf, "keep me");
    key(&app, 'e');
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    type(&app, "y");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    f = fopen(path, "rb");
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "pipescope-schedule/1"));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* the scenario (w) asks too */
    key(&app, 'w');
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.prompt_kind, TUI_PROMPT_CONFIRM);
    key(&app, TUI_KEY_ESC);
    f = fopen(path, "rb");
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "pipescope-schedule/1"));

    snprintf(path, sizeof(path), "%s/s.csv", dir);
    key(&app, 'e');
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_int_equal(access(path, R_OK), 0);

    snprintf(path, sizeof(path), "%s/cmp.csv", dir);
    key(&app, 'E');
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_int_equal(access(path, R_OK), 0);

    /* The comparison as a paper's tables: the name's ending decides. */
    static const char *const tables[] = {"cmp.tex", "cmp.md", "cmp.txt", "cmp.JSON"};
    static const char *const table_marks[] = {"\\toprule", "| ", "makespan", "\"scenario_hash\""};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, tables[i]);
        key(&app, 'E');
        clear_prompt(&app);
        type(&app, path);
        key(&app, TUI_KEY_ENTER);
        assert_int_equal(app.msg_level, TUI_MSG_OK);
        f = fopen(path, "rb");
        assert_non_null(f);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        if (strstr(buf, table_marks[i]) == NULL)
            fail_msg("%s lacks %s:\n%s", tables[i], table_marks[i], buf);
    }

    /* What is on screen: the A/B pair with its critical path, as a figure (SVG, PDF,
     * PNG: one drawing), a trace and a pair of comparison rows; the message says where. */
    key(&app, 'v');
    assert_true(app.split_b >= 0);
    key(&app, 'x');
    assert_true(app.show_crit);
    static const char *const views[] = {"ab.svg",        "ab.pdf", "ab.png",
                                        "ab.trace.json", "ab.csv", "ab.txt"};
    static const char *const view_marks[] = {"critical path", "%PDF",          "PNG",
                                             "otherData",     "scenario_hash", "makespan"};
    for (size_t i = 0; i < 6; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, views[i]);
        key(&app, 'e');
        assert_non_null(strstr(app.prompt_label, "A/B"));
        clear_prompt(&app);
        type(&app, path);
        key(&app, TUI_KEY_ENTER);
        if (app.msg_level != TUI_MSG_OK)
            fail_msg("%s: %s", views[i], app.msg);
        assert_non_null(strstr(app.msg, path));
        assert_non_null(strstr(app.msg, " vs "));
        f = fopen(path, "rb");
        assert_non_null(f);
        static char whole[1 << 22];
        n = fread(whole, 1, sizeof(whole), f);
        fclose(f);
        assert_true(n > 100);
        if (!has_bytes(whole, n, view_marks[i]))
            fail_msg("%s lacks %s", views[i], view_marks[i]);
    }
    key(&app, 'x');
    key(&app, TUI_KEY_ESC); /* the split closes */

    /* A bad extension and a missing folder are refused with a reason. */
    key(&app, 'e');
    clear_prompt(&app);
    type(&app, "out.xyz");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);
    assert_non_null(strstr(app.msg, ".pdf"));
    key(&app, 'e');
    clear_prompt(&app);
    type(&app, "/nonexistent-dir/x.json");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);

    /* Save the edited scenario, then open it again. */
    select_path(&app, "microbatches");
    key(&app, '+');
    int m = app.sc.n_microbatches;
    snprintf(path, sizeof(path), "%s/sc.json", dir);
    key(&app, 'w');
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    key(&app, 'p');
    assert_int_equal(app.mode, TUI_MODE_PICKER);
    key(&app, 'j');
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_true(app.sc.n_microbatches != m || strcmp(app.sc.name, "default") != 0);
    key(&app, 'o');
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_int_equal(app.sc.n_microbatches, m);
    key(&app, 'o');
    clear_prompt(&app);
    type(&app, "/nonexistent.json");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);
    assert_int_equal(app.sc.n_microbatches, m);
    /* Esc cancels a prompt. */
    key(&app, 'e');
    key(&app, TUI_KEY_ESC);
    assert_int_equal(app.mode, TUI_MODE_NORMAL);
    tui_app_fini(&app);
    static const char *const files[] = {"s.json", "s.csv",         "cmp.csv",  "sc.json", "cmp.tex",
                                        "cmp.md", "cmp.txt",       "cmp.JSON", "ab.svg",  "ab.pdf",
                                        "ab.png", "ab.trace.json", "ab.csv",   "ab.txt"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* u and U walk the scenario's edits back and forth, provenance and all; a refused edit
 * leaves no step; loading a preset over unsaved edits asks first and can be undone; w saves
 * under the file's name; q asks before losing edits. */
static void test_undo_save_discard(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 120, 40);
    assert_false(tui_unsaved(&app));
    assert_int_equal(key(&app, 'q'), TUI_QUIT); /* nothing to lose */
    int m = app.sc.n_microbatches;
    select_path(&app, "microbatches");
    key(&app, '+');
    key(&app, '+');
    assert_int_equal(app.sc.n_microbatches, m + 2);
    assert_string_equal(app.sc.name, "default (edited)");
    assert_true(tui_unsaved(&app));
    key(&app, 'u');
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_non_null(strstr(app.msg, "undone: microbatches="));
    assert_int_equal(app.sc.n_microbatches, m + 1);
    key(&app, 'u');
    assert_int_equal(app.sc.n_microbatches, m);
    assert_string_equal(app.sc.name, "default");
    assert_null(app.sc.edits);
    assert_false(tui_unsaved(&app));
    key(&app, 'u');
    assert_non_null(strstr(app.msg, "nothing to undo"));
    key(&app, 'U');
    assert_int_equal(app.sc.n_microbatches, m + 1);
    assert_non_null(strstr(app.msg, "redone: microbatches="));
    assert_string_equal(app.sc.name, "default (edited)");
    /* A refused value leaves nothing to undo. */
    int depth = tui_undo_depth(&app);
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "lots");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_ERR);
    assert_int_equal(tui_undo_depth(&app), depth);
    assert_int_equal(app.sc.n_microbatches, m + 1);

    /* A preset over unsaved edits: asked; n keeps them, y loads, u comes back. */
    key(&app, 'p');
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.mode, TUI_MODE_PROMPT);
    assert_int_equal(app.prompt_kind, TUI_PROMPT_DISCARD);
    assert_non_null(strstr(app.prompt_label, "Lose them and load the preset?"));
    type(&app, "n");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.sc.n_microbatches, m + 1);
    key(&app, 'p');
    key(&app, TUI_KEY_ENTER);
    type(&app, "y");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_false(tui_unsaved(&app));
    assert_non_null(app.sc.origin);
    assert_non_null(strstr(app.sc.origin, "preset "));
    key(&app, 'u');
    assert_non_null(strstr(app.msg, "undone: loading preset "));
    assert_non_null(strstr(app.msg, "back to default (edited)"));
    assert_int_equal(app.sc.n_microbatches, m + 1);
    assert_string_equal(app.sc.name, "default (edited)");

    /* w offers NAME-edited.json and saves under the file's name, with what it was made
     * from in its description; the scenario is then clean. */
    char dir[] = "/tmp/pstui-XXXXXX";
    assert_non_null(mkdtemp(dir));
    key(&app, 'w');
    assert_string_equal(app.prompt_buf, "default-edited.json");
    char path[256];
    snprintf(path, sizeof(path), "%s/mine.json", dir);
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_string_equal(app.sc.name, "mine");
    assert_null(app.sc.edits);
    assert_false(tui_unsaved(&app));
    assert_non_null(strstr(app.sc.origin, "mine.json"));
    struct ps_scenario back;
    struct ps_diag d;
    assert_int_equal(ps_scenario_load(path, &back, &d), PS_OK);
    assert_string_equal(back.name, "mine");
    assert_int_equal(back.n_microbatches, m + 1);
    assert_non_null(back.description);
    char want[64];
    snprintf(want, sizeof want, "Made from preset default with: --set microbatches=%d", m + 1);
    if (strstr(back.description, want) == NULL)
        fail_msg("description: %s", back.description);
    ps_scenario_fini(&back);
    unlink(path);
    rmdir(dir);

    /* q over unsaved edits asks; y quits. */
    key(&app, '-');
    assert_true(tui_unsaved(&app));
    assert_int_equal(key(&app, 'q'), TUI_REDRAW);
    assert_int_equal(app.prompt_kind, TUI_PROMPT_DISCARD);
    assert_non_null(strstr(app.prompt_label, "Lose them and quit?"));
    type(&app, "y");
    assert_int_equal(key(&app, TUI_KEY_ENTER) & TUI_QUIT, TUI_QUIT);
    tui_app_fini(&app);
}

/* The prompt is a line editor: the cursor moves by characters (UTF-8 whole), text goes in
 * at the cursor, C-u C-k C-w delete as in a shell, and Up and Down walk the values typed
 * before (file names have their own history). */
static void test_line_editor(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 120, 40);
    select_path(&app, "microbatches");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.mode, TUI_MODE_PROMPT);
    assert_int_equal(app.prompt_cur, strlen(app.prompt_buf)); /* at the end */
    key(&app, TUI_CTRL('u'));
    assert_string_equal(app.prompt_buf, "");
    type(&app, "24");
    key(&app, TUI_KEY_HOME);
    type(&app, "1");
    assert_string_equal(app.prompt_buf, "124");
    key(&app, TUI_KEY_RIGHT);
    key(&app, TUI_KEY_DELETE);
    assert_string_equal(app.prompt_buf, "12");
    key(&app, TUI_KEY_LEFT);
    key(&app, TUI_KEY_BACKSPACE);
    assert_string_equal(app.prompt_buf, "2");
    key(&app, TUI_CTRL('e'));
    type(&app, "0");
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.sc.n_microbatches, 20);
    /* Up brings back what was typed; Down past the newest returns to the line typed. */
    key(&app, TUI_KEY_ENTER);
    key(&app, TUI_CTRL('u'));
    type(&app, "3");
    key(&app, TUI_KEY_UP);
    assert_string_equal(app.prompt_buf, "20");
    key(&app, TUI_KEY_UP); /* nothing older */
    assert_string_equal(app.prompt_buf, "20");
    key(&app, TUI_KEY_DOWN);
    assert_string_equal(app.prompt_buf, "3");
    key(&app, TUI_KEY_ESC);
    /* UTF-8 is moved over and deleted whole; C-w takes a path back one folder at a time;
     * C-k cuts to the end. */
    key(&app, 'o');
    key(&app, TUI_CTRL('u'));
    type(&app, "/tmp/d");
    key(&app, 0xe9); /* é */
    type(&app, "j");
    key(&app, TUI_KEY_LEFT);
    key(&app, TUI_KEY_LEFT);
    key(&app, TUI_KEY_BACKSPACE);
    assert_string_equal(app.prompt_buf, "/tmp/\xc3\xa9j");
    key(&app, TUI_KEY_END);
    type(&app, "/x.json");
    key(&app, TUI_CTRL('w'));
    assert_string_equal(app.prompt_buf, "/tmp/\xc3\xa9j/");
    key(&app, TUI_CTRL('w'));
    assert_string_equal(app.prompt_buf, "/tmp/");
    key(&app, TUI_KEY_HOME);
    key(&app, TUI_KEY_RIGHT);
    key(&app, TUI_CTRL('k'));
    assert_string_equal(app.prompt_buf, "/");
    key(&app, TUI_KEY_UP); /* the file history is not the value history */
    assert_string_equal(app.prompt_buf, "/");
    /* The frame shows the cursor. */
    struct tui_canvas c;
    assert_true(tui_canvas_init(&c, app.cols, app.rows));
    tui_render(&app, &c);
    /* " LABEL /" and the cursor after the slash */
    assert_int_equal(tui_canvas_at(&c, (int)strlen("Open scenario file:") + 3, app.rows - 1)->style,
                     TUI_S_CURSOR);
    tui_canvas_fini(&c);
    key(&app, TUI_KEY_ESC);
    /* Messages expire: a note after TUI_MSG_MS, an error after longer. */
    tui_message(&app, TUI_MSG_INFO, "a note");
    struct tui_cmd tick = {.action = TUI_A_TICK, .ev = {.type = TUI_EV_TICK}};
    tui_apply(&app, &tick);
    assert_string_equal(app.msg, "a note");
    app.msg_at -= TUI_MSG_MS;
    assert_true(tui_apply(&app, &tick) & TUI_REDRAW);
    assert_string_equal(app.msg, "");
    tui_message(&app, TUI_MSG_ERR, "an error");
    app.msg_at -= TUI_MSG_MS;
    tui_apply(&app, &tick);
    assert_string_equal(app.msg, "an error");
    app.msg_at -= TUI_MSG_ERR_MS;
    tui_apply(&app, &tick);
    assert_string_equal(app.msg, "");
    tui_app_fini(&app);
}

/* Ticks the app until the background solve is done (or the deadline passes). */
static bool wait_solve(struct tui_app *app, double seconds)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct tui_cmd cmd = {.action = TUI_A_TICK, .ev = {.type = TUI_EV_TICK}};
        tui_apply(app, &cmd);
        struct tui_worker_state ws;
        tui_worker_peek(app->worker, &ws);
        if (!ws.running && !ws.has_result)
            return true;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 > seconds)
            return false;
        usleep(20000);
    }
}

static void test_background_solve_and_cancel(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 160, 48);
    int o = -1;
    for (size_t i = 0; i < app.n_res; i++)
        if (app.res[i].sv->slow)
            o = (int)i;
    if (o < 0)
        skip();
    /* Small: it finishes; the UI stays responsive meanwhile (keys apply). */
    select_path(&app, "microbatches");
    key(&app, TUI_KEY_ENTER);
    clear_prompt(&app);
    type(&app, "3");
    key(&app, TUI_KEY_ENTER);
    key(&app, 'r');
    assert_int_equal(app.shown, o);
    key(&app, 'j');
    assert_true(wait_solve(&app, 60));
    assert_non_null(app.res[o].sched);
    /* An edit makes it stale: dropped, fast ones recomputed. */
    select_path(&app, "microbatches");
    key(&app, '+');
    assert_null(app.res[o].sched);
    /* Big: Esc cancels, and the app gets its answer quickly. */
    tui_app_fini(&app);
    setup_app(&app, "default", 160, 48);
    key(&app, 'r');
    struct tui_worker_state ws;
    tui_worker_peek(app.worker, &ws);
    assert_true(ws.running || ws.has_result);
    key(&app, TUI_KEY_ESC);
    assert_true(wait_solve(&app, 30));
    tui_app_fini(&app);
}

static void test_mouse(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 160, 48);
    struct tui_layout lo;
    tui_layout(&app, &lo);
    /* A click on the third table row shows that schedule. */
    struct tui_cmd cmd = {.action = TUI_A_MOUSE,
                          .ev = {.type = TUI_EV_MOUSE,
                                 .x = lo.table.x + 5,
                                 .y = lo.table.y + 2 + 2,
                                 .button = TUI_BTN_LEFT}};
    tui_apply(&app, &cmd);
    assert_int_equal(app.shown, 2);
    assert_int_equal(app.focus, TUI_FOCUS_TABLE);
    /* A click on a device row selects an op there. */
    cmd.ev.x = lo.plot.x + 3;
    cmd.ev.y = lo.plot.y + lo.dev_h; /* the first row of device 1 */
    tui_apply(&app, &cmd);
    assert_int_equal(app.focus, TUI_FOCUS_GANTT);
    assert_true(app.cursor_on);
    assert_int_equal(app.cur_stage, 1);
    /* A click in the panel selects a field. */
    cmd.ev.x = lo.panel.x + 3;
    cmd.ev.y = lo.panel.y + 3;
    tui_apply(&app, &cmd);
    assert_int_equal(app.focus, TUI_FOCUS_PANEL);
    assert_int_equal(app.field_sel, 2);
    tui_app_fini(&app);
}

static void test_help_and_quit(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 80, 24);
    char lines[80][96];
    int n = tui_help_lines(lines, 80);
    assert_true(n > 20);
    bool has_quit = false;
    for (int i = 0; i < n; i++)
        has_quit |= strncmp(lines[i], "q ", 2) == 0;
    assert_true(has_quit);
    key(&app, '?');
    assert_int_equal(app.mode, TUI_MODE_HELP);
    assert_false(key(&app, 'q') & TUI_QUIT); /* q closes the help first */
    assert_int_equal(app.mode, TUI_MODE_NORMAL);
    /* A resize below the minimum says so. */
    struct tui_cmd cmd = {.action = TUI_A_RESIZE,
                          .ev = {.type = TUI_EV_RESIZE, .cols = 40, .rows = 10}};
    tui_apply(&app, &cmd);
    struct tui_canvas c;
    tui_canvas_init(&c, 40, 10);
    tui_render(&app, &c);
    char *dump = tui_canvas_dump(&c, true);
    assert_non_null(strstr(dump, "at least"));
    free(dump);
    tui_canvas_fini(&c);
    assert_true(key(&app, 'q') & TUI_QUIT);
    tui_app_fini(&app);
}

/* The value a panel row shows (the row of a concrete --set path). */
static void row_value(struct tui_app *app, const char *path, char *buf, size_t size)
{
    select_path(app, path);
    struct tui_field f;
    assert_true(tui_field_selected(app, &f));
    tui_field_value(app, &f, buf, size);
}

static void type_value(struct tui_app *app, const char *text)
{
    key(app, TUI_KEY_ENTER);
    assert_int_equal(app->mode, TUI_MODE_PROMPT);
    clear_prompt(app);
    type(app, text);
    key(app, TUI_KEY_ENTER);
}

/* Per-stage times: a group that opens; each stage's time shows (* while it follows the
 * global one) and is edited on its own; a global time then scales them and says so;
 * none removes them. */
static void test_per_stage_rows(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    assert_int_equal(count_def(&app, "compute.per_stage.#.forward_ms"), 0);
    select_path(&app, "compute.per_stage");
    key(&app, '+');
    assert_int_equal(count_def(&app, "compute.per_stage.#.forward_ms"), app.sc.n_stages);
    char v[64];
    row_value(&app, "compute.per_stage.3.forward_ms", v, sizeof(v));
    assert_string_equal(v, "38 ms*");
    int64_t before = tui_shown(&app)->makespan_ns;
    type_value(&app, "60");
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_non_null(app.sc.per_stage);
    assert_true(app.sc.per_stage[3].forward_ms == 60);
    assert_true(app.sc.per_stage[2].forward_ms == 38);
    assert_true(tui_shown(&app)->makespan_ns > before);
    row_value(&app, "compute.per_stage.3.forward_ms", v, sizeof(v));
    assert_string_equal(v, "60 ms");
    /* The global forward time now scales every stage, and the message says so. */
    select_path(&app, "compute.forward_ms");
    type_value(&app, "76");
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_non_null(strstr(app.msg, "scaled by 2"));
    assert_true(app.sc.per_stage[3].forward_ms == 120);
    assert_true(app.sc.per_stage[2].forward_ms == 76);
    /* So does the detail line, before any edit. */
    struct tui_field f;
    assert_true(tui_field_selected(&app, &f));
    char detail[512];
    tui_field_detail(&app, &f, detail, sizeof(detail));
    assert_non_null(strstr(detail, "per-stage times override it"));
    /* none removes them; - hides the rows. */
    select_path(&app, "compute.per_stage");
    type_value(&app, "none");
    assert_null(app.sc.per_stage);
    key(&app, '-');
    assert_int_equal(count_def(&app, "compute.per_stage.#.forward_ms"), 0);
    tui_app_fini(&app);
}

/* The silent no-op: a preset whose per-stage times override F/B/W. + on weight W
 * changes the schedules and says why the per-stage times moved. */
static void test_global_time_over_per_stage(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "geopipe-llama2-72b", 160, 48);
    assert_non_null(app.sc.per_stage);
    double w0 = app.sc.per_stage[0].weight_ms;
    int64_t before = tui_shown(&app)->makespan_ns;
    select_path(&app, "compute.weight_ms");
    key(&app, '+');
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_true(app.sc.per_stage[0].weight_ms > w0);
    assert_true(tui_shown(&app)->makespan_ns != before);
    assert_non_null(strstr(app.msg, "per-stage times override compute.weight_ms"));
    tui_app_fini(&app);
}

/* Per-microbatch scales: a group; a scale set on one microbatch creates the others at 1. */
static void test_per_microbatch_rows(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 160, 48);
    select_path(&app, "per_microbatch");
    key(&app, '+');
    assert_int_equal(count_def(&app, "per_microbatch.#.compute_scale"), app.sc.n_microbatches);
    int64_t before = tui_shown(&app)->makespan_ns;
    select_path(&app, "per_microbatch.2.compute_scale");
    type_value(&app, "3x");
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_non_null(app.sc.per_microbatch);
    assert_true(app.sc.per_microbatch[2].compute_scale == 3);
    assert_true(app.sc.per_microbatch[1].compute_scale == 1);
    assert_true(tui_shown(&app)->makespan_ns > before);
    /* The memory scale follows the compute scale until it is set. */
    char v[64];
    row_value(&app, "per_microbatch.2.memory_scale", v, sizeof(v));
    assert_string_equal(v, "3*");
    tui_app_fini(&app);
}

/* One resize rule: the explorer's + on stages and typed datacenters give the scenario
 * that --set gives (core's ps_field_set_path), per-stage times included. */
static void test_one_resize_rule(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "geopipe-llama2-72b", 160, 48);
    struct ps_scenario want;
    struct ps_diag d;
    char note[256];
    assert_int_equal(ps_scenario_copy(&want, &app.sc), PS_OK);
    assert_int_equal(ps_field_set_path(&want, "stages", "9", note, sizeof(note), &d), PS_OK);
    assert_int_equal(ps_field_set_path(&want, "datacenters", "2", note, sizeof(note), &d), PS_OK);
    select_path(&app, "stages");
    key(&app, '+');
    select_path(&app, "datacenters");
    type_value(&app, "2");
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    assert_int_equal(app.sc.n_stages, want.n_stages);
    assert_int_equal(app.sc.n_dcs, want.n_dcs);
    for (int i = 0; i < want.n_dcs; i++)
        assert_int_equal(app.sc.dcs[i].stages, want.dcs[i].stages);
    assert_non_null(app.sc.per_stage);
    for (int s = 0; s < want.n_stages; s++) {
        assert_true(app.sc.per_stage[s].forward_ms == want.per_stage[s].forward_ms);
        assert_true(app.sc.per_stage[s].weight_ms == want.per_stage[s].weight_ms);
    }
    ps_scenario_fini(&want);
    tui_app_fini(&app);
}

/* b shows the idle bars beside the chart (the plot gives them room); S opens the sweep plot
 * on the selected field, Left/Right change the field, +/- the range, e exports it; Esc goes
 * back. */
static void test_bubble_bars_and_sweep(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    struct tui_layout lo;
    tui_layout(&app, &lo);
    int plot_w = lo.plot.w;
    assert_int_equal(lo.bubble.w, 0);
    key(&app, 'b');
    assert_true(app.show_bubble);
    tui_layout(&app, &lo);
    assert_true(lo.bubble.w > 0 && lo.plot.w < plot_w);
    key(&app, 'b');
    assert_false(app.show_bubble);

    select_path(&app, "network.inter_dc.latency_ms");
    key(&app, 'S');
    assert_true(app.sweep_screen);
    assert_non_null(app.sweep);
    assert_string_equal(app.sweep->path, "network.inter_dc.latency_ms");
    int n = app.sweep->n_values;
    assert_true(n >= 5);
    assert_true(app.sweep->values[app.sweep->current] == 1); /* the preset's own value */
    for (int v = 1; v < n; v++)
        assert_true(app.sweep->values[v] > app.sweep->values[v - 1]);
    size_t knees = 0;
    for (size_t k = 0; k < app.sweep->n_rows; k++)
        knees += app.sweep->rows[k].has_knee[0];
    assert_int_equal(knees, app.sweep->n_rows); /* every row knows its line's knee */
    key(&app, '+');
    assert_true(app.sweep->n_values > n);
    key(&app, TUI_KEY_RIGHT);
    assert_string_equal(app.sweep->path, "network.inter_dc.bandwidth_gbps");

    char dir[] = "/tmp/pstui-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/plot.svg", dir);
    key(&app, 'e');
    assert_int_equal(app.mode, TUI_MODE_PROMPT);
    clear_prompt(&app);
    type(&app, path);
    key(&app, TUI_KEY_ENTER);
    assert_int_equal(app.msg_level, TUI_MSG_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[256];
    size_t got = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[got] = '\0';
    assert_non_null(strstr(buf, "<svg"));
    remove(path);
    /* The same plot as PDF, the rows as a LaTeX table: the name's ending decides. */
    static const char *const more[] = {"plot.pdf", "rows.tex"};
    static const char *const marks[] = {"%PDF", "% pipescope"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, more[i]);
        key(&app, 'e');
        clear_prompt(&app);
        type(&app, path);
        key(&app, TUI_KEY_ENTER);
        assert_int_equal(app.msg_level, TUI_MSG_OK);
        f = fopen(path, "rb");
        assert_non_null(f);
        got = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[got] = '\0';
        if (strstr(buf, marks[i]) == NULL)
            fail_msg("%s lacks %s", more[i], marks[i]);
        remove(path);
    }
    rmdir(dir);
    key(&app, TUI_KEY_ESC);
    assert_false(app.sweep_screen);
    tui_app_fini(&app);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_fast_schedule_computed),
        cmocka_unit_test(test_latency_step_changes_makespan),
        cmocka_unit_test(test_invalid_value_refused),
        cmocka_unit_test(test_enter_keeps_exact_value),
        cmocka_unit_test(test_counts_reshape),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_data_parallel),
        cmocka_unit_test(test_switch_and_split),
        cmocka_unit_test(test_schedule_params),
        cmocka_unit_test(test_many_dcs_fields),
        cmocka_unit_test(test_per_stage_rows),
        cmocka_unit_test(test_global_time_over_per_stage),
        cmocka_unit_test(test_per_microbatch_rows),
        cmocka_unit_test(test_one_resize_rule),
        cmocka_unit_test(test_gantt_cursor_zoom),
        cmocka_unit_test(test_export_and_files),
        cmocka_unit_test(test_undo_save_discard),
        cmocka_unit_test(test_line_editor),
        cmocka_unit_test(test_background_solve_and_cancel),
        cmocka_unit_test(test_mouse),
        cmocka_unit_test(test_help_and_quit),
        cmocka_unit_test(test_bubble_bars_and_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
