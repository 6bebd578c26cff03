/* Snapshot tests of the explorer: rendered frames (our own cell grid, dumped as text)
 * compared with golden files in tests/tui/golden/. A missing golden fails; PS_BLESS=1
 * writes the current frames as the new goldens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "presets/presets.h"
#include "tui/explorer/app.h"
#include "tui/explorer/keys.h"
#include "tui/explorer/render.h"
#include "tui/explorer/canvas.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Compares the frame with golden/NAME.txt (or writes it under PS_BLESS=1). */
static void check_golden(const struct tui_app *app, const char *name)
{
    tui_app_settle((struct tui_app *)app);
    struct tui_canvas c;
    assert_true(tui_canvas_init(&c, app->cols, app->rows));
    tui_render(app, &c);
    char *frame = tui_canvas_dump(&c, app->unicode);
    assert_non_null(frame);
    const char *src = getenv("PS_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/tui/golden/%s.txt", src ? src : ".", name);
    const char *bless = getenv("PS_BLESS");
    if (bless && strcmp(bless, "1") == 0) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(frame, f);
        fclose(f);
        fprintf(stderr, "blessed %s\n", path);
    } else {
        char *want = read_all(path);
        if (want == NULL)
            fail_msg("missing golden %s (run with PS_BLESS=1 to create it)", path);
        if (strcmp(want, frame) != 0) {
            char actual[1100];
            snprintf(actual, sizeof(actual), "%s.actual", name);
            FILE *f = fopen(actual, "wb");
            if (f) {
                fputs(frame, f);
                fclose(f);
            }
            fprintf(stderr, "--- frame %s differs from %s; got (also in %s):\n%s", name, path,
                    actual, frame);
            free(want);
            free(frame);
            tui_canvas_fini(&c);
            fail_msg("frame %s differs from its golden", name);
        }
        free(want);
    }
    free(frame);
    tui_canvas_fini(&c);
}

static void setup_app_arranged(struct tui_app *app, const char *preset, int cols, int rows,
                               enum ps_arrangement arrangement)
{
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load(preset, &sc, &d), PS_OK);
    sc.arrangement = arrangement;
    char src[64];
    snprintf(src, sizeof(src), "preset %s", preset);
    assert_int_equal(tui_app_init(app, &sc, src, cols, rows), PS_OK);
    struct tui_cmd cmd = {.action = TUI_A_RESIZE,
                          .ev = {.type = TUI_EV_RESIZE, .cols = cols, .rows = rows}};
    tui_apply(app, &cmd);
}

static void setup_app(struct tui_app *app, const char *preset, int cols, int rows)
{
    setup_app_arranged(app, preset, cols, rows, PS_ARRANGE_DECOUPLED);
}

static unsigned key(struct tui_app *app, int k)
{
    struct tui_event ev = {.type = TUI_EV_KEY, .key = k};
    struct tui_cmd cmd = tui_key_lookup(app, &ev);
    unsigned r = tui_apply(app, &cmd);
    tui_app_settle(app); /* a slow-ish solver's background lane lands */
    return r;
}

static void test_default_80x24(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 80, 24);
    check_golden(&app, "default_80x24");
    tui_app_fini(&app);
}

static void test_default_160x48(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 160, 48);
    check_golden(&app, "default_160x48");
    tui_app_fini(&app);
}

static void test_mono_ascii_80x24(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "default", 80, 24);
    app.color = false;
    app.unicode = false;
    check_golden(&app, "default_mono_ascii_80x24");
    tui_app_fini(&app);
}

/* The teaching pipeline in the split view with the op cursor on the chart. */
static void test_split_cursor_160x48(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 160, 48);
    key(&app, 'v');
    key(&app, TUI_KEY_TAB); /* the chart: the cursor appears */
    key(&app, 'j');
    key(&app, 'l');
    key(&app, 'l');
    check_golden(&app, "teaching_split_160x48");
    tui_app_fini(&app);
}

static void test_help_80x24(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 80, 24);
    key(&app, '?');
    check_golden(&app, "help_80x24");
    tui_app_fini(&app);
}

/* The idle-by-cause bars beside the chart (b), on the crosspipe-fig8 pipeline (ZB-H1): the
 * fill, the cross-DC link and memory. */
static void test_bubble_bars_120x36(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "crosspipe-fig8", 120, 36);
    key(&app, '4'); /* zb-h1 */
    key(&app, 'b');
    check_golden(&app, "bubble_bars_120x36");
    tui_app_fini(&app);
}

/* network.arrangement=blocking on crosspipe-fig8 (1F1B): '=' where a send holds its
 * device. */
static void test_blocking_120x36(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app_arranged(&app, "crosspipe-fig8", 120, 36, PS_ARRANGE_BLOCKING);
    key(&app, '2'); /* 1f1b */
    check_golden(&app, "blocking_120x36");
    tui_app_fini(&app);
}

/* The sweep plot (S) of the teaching pipeline's microbatches. */
static void test_sweep_plot_120x36(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 120, 36);
    key(&app, 'S');
    check_golden(&app, "sweep_plot_120x36");
    key(&app, TUI_KEY_ESC);
    assert_false(app.sweep_screen);
    tui_app_fini(&app);
}

/* Teaching mode on the teaching pipeline's 1F1B: the time cursor four events in, during
 * the warm-up (what each device runs, its memory, why it waits, what is in flight), at a
 * wide size and at 80x24. */
static void test_teaching(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 160, 44);
    key(&app, 't');
    for (int i = 0; i < 4; i++)
        key(&app, TUI_KEY_RIGHT);
    check_golden(&app, "teaching_mode_160x44");
    struct tui_cmd cmd = {.action = TUI_A_RESIZE,
                          .ev = {.type = TUI_EV_RESIZE, .cols = 80, .rows = 24}};
    tui_apply(&app, &cmd);
    check_golden(&app, "teaching_mode_80x24");
    tui_app_fini(&app);
}

static void test_too_small(void **state)
{
    (void)state;
    struct tui_app app;
    setup_app(&app, "teaching", 50, 15);
    check_golden(&app, "too_small_50x15");
    tui_app_fini(&app);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_80x24),      cmocka_unit_test(test_default_160x48),
        cmocka_unit_test(test_mono_ascii_80x24),   cmocka_unit_test(test_split_cursor_160x48),
        cmocka_unit_test(test_help_80x24),         cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_bubble_bars_120x36), cmocka_unit_test(test_sweep_plot_120x36),
        cmocka_unit_test(test_blocking_120x36),    cmocka_unit_test(test_teaching),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
