/* Fuzz target: the explorer's state machine, without a terminal. Each input byte is a key
 * (arrows, Enter, Esc, Tab, Backspace, ... and the printable keys), a resize or a mouse
 * event applied to the explorer on the teaching preset; after every event the frame is
 * rendered into the off-screen cell grid. Never a crash, a leak, a hang, or a state the
 * renderer cannot draw. Keys that touch files or start background threads (e, E, o, w:
 * prompts for paths; r: the optimal solver) are left out, and an input stops once the
 * scenario has grown past 2048 ops per schedule kind (edits can make it large on purpose). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "presets/presets.h"
#include "tui/explorer/app.h"
#include "tui/explorer/canvas.h"
#include "tui/explorer/keys.h"
#include "tui/explorer/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int special[] = {
    TUI_KEY_UP,   TUI_KEY_DOWN,   TUI_KEY_LEFT,      TUI_KEY_RIGHT,  TUI_KEY_PGUP, TUI_KEY_PGDN,
    TUI_KEY_HOME, TUI_KEY_END,    TUI_KEY_ENTER,     TUI_KEY_ESC,    TUI_KEY_TAB,  TUI_KEY_BTAB,
    TUI_KEY_F1,   TUI_KEY_CTRL_L, TUI_KEY_BACKSPACE, TUI_KEY_DELETE,
};
#define N_SPECIAL (int)(sizeof special / sizeof special[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ps_scenario sc;
    struct ps_diag d;
    if (ps_preset_load("teaching", &sc, &d) != PS_OK)
        abort();
    static struct tui_app app;
    memset(&app, 0, sizeof app);
    int cols = 100, rows = 30;
    if (tui_app_init(&app, &sc, "preset teaching", cols, rows) != PS_OK)
        abort();
    app.sync_only = true; /* no background lanes: deterministic, no threads */
    struct tui_canvas canvas;
    if (!tui_canvas_init(&canvas, cols, rows))
        abort();
    for (size_t i = 0; i < size; i++) {
        uint8_t b = data[i];
        struct tui_event ev = {.type = TUI_EV_KEY};
        if (b < N_SPECIAL) {
            ev.key = special[b];
        } else if (b == N_SPECIAL && i + 2 < size) {
            ev.type = TUI_EV_RESIZE;
            ev.cols = 1 + data[++i] % 240;
            ev.rows = 1 + data[++i] % 80;
        } else if (b == N_SPECIAL + 1 && i + 3 < size) {
            ev.type = TUI_EV_MOUSE;
            ev.x = data[++i] % 250;
            ev.y = data[++i] % 90;
            static const int buttons[] = {TUI_BTN_LEFT, TUI_BTN_WHEEL_UP, TUI_BTN_WHEEL_DOWN};
            ev.button = buttons[data[++i] % 3];
        } else if (b == N_SPECIAL + 2) {
            ev.type = TUI_EV_TICK;
        } else if (b >= 0x20 && b < 0x7f && strchr("eEowrq", b) == NULL) {
            ev.key = b;
        } else if (b >= 0xc0) {
            ev.key = 0x100 + b; /* a code point beyond ASCII, typed into a prompt */
        } else {
            continue;
        }
        struct tui_cmd cmd = tui_key_lookup(&app, &ev);
        if (cmd.action == TUI_A_QUIT || cmd.action == TUI_A_SOLVE || cmd.action == TUI_A_SAVE ||
            cmd.action == TUI_A_EXPORT || cmd.action == TUI_A_EXPORT_CMP ||
            cmd.action == TUI_A_OPEN)
            continue;
        tui_apply(&app, &cmd);
        if (ev.type == TUI_EV_RESIZE && !tui_canvas_resize(&canvas, ev.cols, ev.rows))
            abort();
        tui_render(&app, &canvas);
        if ((long)app.sc.n_stages * app.sc.n_microbatches > 2048)
            break;
    }
    tui_canvas_fini(&canvas);
    tui_app_fini(&app);
    return 0;
}
