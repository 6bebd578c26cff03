/* The curses backend, headless: newterm on a pipe (keys in) and /dev/null (output), a
 * frame presented and read back from curses' virtual screen, keys and a resize turned
 * into events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "presets/presets.h"
#include "tui/explorer/app.h"
#include "tui/explorer/render.h"
#include "tui/explorer/canvas.h"
#include "tui/explorer/term.h"

static void test_newterm_on_a_pipe(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    FILE *in = fdopen(fds[0], "r");
    FILE *out = fopen("/dev/null", "w");
    assert_non_null(in);
    assert_non_null(out);
    char err[256];
    struct tui_term *t = tui_term_open(out, in, "xterm-256color", false, err, sizeof(err));
    assert_non_null(t);
    tui_term_resize(t, 100, 30);
    int cols, rows;
    tui_term_size(t, &cols, &rows);
    assert_int_equal(cols, 100);
    assert_int_equal(rows, 30);

    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("teaching", &sc, &d), PS_OK);
    struct tui_app app;
    assert_int_equal(tui_app_init(&app, &sc, "preset teaching", cols, rows), PS_OK);
    app.color = tui_term_has_color(t);
    app.unicode = false; /* the test's locale is "C" */
    struct tui_canvas c;
    tui_canvas_init(&c, cols, rows);
    tui_render(&app, &c);
    tui_term_present(t, &c, app.unicode);
    char line[1024];
    tui_term_read_row(t, 0, line, sizeof(line));
    assert_non_null(strstr(line, "pipescope"));
    assert_non_null(strstr(line, "teaching"));
    /* The Gantt rows are on screen: the first device of "dc". */
    bool found = false;
    for (int y = 1; y < rows && !found; y++) {
        tui_term_read_row(t, y, line, sizeof(line));
        found = strstr(line, "dc") != NULL && strstr(line, "|") != NULL;
    }
    assert_true(found);

    /* Keys written into the pipe come back as events: a letter, an arrow, Enter. */
    assert_int_equal(write(fds[1], "j\033OA\r", 5), 5);
    /* resizeterm queued a resize event first: it carries the new size. */
    struct tui_event ev = tui_term_next_event(t, 1000);
    if (ev.type == TUI_EV_RESIZE) {
        assert_int_equal(ev.cols, 100);
        assert_int_equal(ev.rows, 30);
        ev = tui_term_next_event(t, 1000);
    }
    assert_int_equal(ev.type, TUI_EV_KEY);
    assert_int_equal(ev.key, 'j');
    ev = tui_term_next_event(t, 1000);
    assert_int_equal(ev.type, TUI_EV_KEY);
    assert_int_equal(ev.key, TUI_KEY_UP);
    ev = tui_term_next_event(t, 1000);
    assert_int_equal(ev.key, TUI_KEY_ENTER);
    /* A mouse click in xterm's SGR encoding (1-based column 5, row 3). */
    const char *click = "\033[<0;5;3M\033[<0;5;3m";
    assert_int_equal(write(fds[1], click, strlen(click)), (ssize_t)strlen(click));
    ev = tui_term_next_event(t, 1000);
    assert_int_equal(ev.type, TUI_EV_MOUSE);
    assert_int_equal(ev.button, TUI_BTN_LEFT);
    assert_int_equal(ev.x, 4);
    assert_int_equal(ev.y, 2);
    /* The release is not a click of its own. */
    ev = tui_term_next_event(t, 50);
    assert_true(ev.type != TUI_EV_MOUSE);
    /* Nothing more: a tick after the timeout. */
    ev = tui_term_next_event(t, 10);
    assert_int_equal(ev.type, TUI_EV_TICK);

    tui_canvas_fini(&c);
    tui_app_fini(&app);
    tui_term_close(t);
    fclose(in);
    fclose(out);
    close(fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newterm_on_a_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
