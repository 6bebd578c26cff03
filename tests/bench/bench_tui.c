/* Keypress-to-frame benchmark of the explorer, headless: replays a key sequence on
 * scenarios of up to S = 16 stages and M = 64 microbatches and times each key from
 * tui_apply to a finished frame in the cell grid. Edit keys recompute every fixed family
 * and the greedy; view keys only redraw. Prints a table; the target is < 16 ms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/scenario.h"
#include "tui/explorer/app.h"
#include "tui/explorer/fields.h"
#include "tui/explorer/keys.h"
#include "tui/explorer/render.h"
#include "tui/explorer/results.h"
#include "tui/explorer/canvas.h"

#define MAX_FIELDS 1024 /* more than the benchmark scenarios have */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct stats {
    int n;
    double v[512];
};

static void add(struct stats *s, double ms)
{
    if (s->n < 512)
        s->v[s->n++] = ms;
}

static double pct(struct stats *s, double p)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, (size_t)s->n, sizeof(double), cmp_double);
    int i = (int)(p * (s->n - 1) + 0.5);
    return s->v[i];
}

/* Selects the panel row of a scenario field by its --set path. */
static void select_path(struct tui_app *app, const char *path)
{
    struct tui_field f[MAX_FIELDS];
    int n = tui_fields(app, f, MAX_FIELDS);
    for (int i = 0; i < n && i < MAX_FIELDS; i++) {
        char p[160];
        tui_field_path(app, &f[i], p, sizeof(p));
        if (f[i].kind == TUI_FK_FIELD && strcmp(p, path) == 0) {
            app->field_sel = i;
            return;
        }
    }
}

/* One key: apply and render; returns the elapsed ms to that frame, and in *settled_ms
 * the time until the frame with every schedule (background lanes landed). */
static double press(struct tui_app *app, struct tui_canvas *c, int key, double *settled_ms)
{
    struct tui_event ev = {.type = TUI_EV_KEY, .key = key};
    double t0 = now_ms();
    struct tui_cmd cmd = tui_key_lookup(app, &ev);
    tui_apply(app, &cmd);
    tui_render(app, c);
    double first = now_ms() - t0;
    if (tui_app_pending(app)) {
        tui_app_settle(app);
        tui_render(app, c);
    }
    if (settled_ms)
        *settled_ms = now_ms() - t0;
    return first;
}

int main(void)
{
    static const int stages[] = {4, 8, 16};
    static const int mbs[] = {8, 16, 32, 64};
    printf("explorer keypress -> finished frame (160x48 cell grid), ms; target < 16 ms\n");
    printf("edit = a scenario edit: the frame right after it (fixed families recomputed; a\n"
           "  generator whose last run took > %.0f ms, in practice the greedy's portfolio, is\n"
           "  recomputed on a background lane); all = until the frame with every schedule,\n"
           "  greedy included; fixed/greedy = the generators' own times; view = cursor/zoom\n\n",
           TUI_ASYNC_MS);
    printf("%4s %4s %5s | %8s %8s %8s | %9s %10s | %8s %8s | %8s %8s | %s\n", "S", "M", "sched",
           "edit p50", "edit p95", "edit max", "all p50", "all max", "fixed p50", "greedy p50",
           "view p50", "view max", "ops (1f1b)");
    printf("----------------------------------------------------------------------------------"
           "---------------------------------------\n");
    for (size_t si = 0; si < sizeof(stages) / sizeof(stages[0]); si++) {
        for (size_t mi = 0; mi < sizeof(mbs) / sizeof(mbs[0]); mi++) {
            int S = stages[si], M = mbs[mi];
            struct ps_scenario sc;
            /* Two DCs with a real cross-DC link, like the default preset. */
            if (ps_scenario_make_uniform(&sc, 2, S / 2, M, 38, 38, 38) != PS_OK)
                return 1;
            sc.activation_mb = 1000;
            sc.inter_dc.latency_ms = 1;
            sc.inter_dc.bandwidth_gbps = 105;
            sc.has_memory_limit = true;
            sc.memory_limit = S;
            struct tui_app app;
            if (tui_app_init(&app, &sc, "bench", 160, 48) != PS_OK)
                return 1;
            struct tui_canvas c;
            tui_canvas_init(&c, 160, 48);
            tui_render(&app, &c);
            struct stats edit = {0}, view = {0}, fixed = {0}, greedy = {0}, full = {0};
            /* Edits: inter-DC latency up and down, microbatches down and up, F up/down. */
            static const char *const kinds[] = {"network.inter_dc.latency_ms", "microbatches",
                                                "compute.forward_ms",
                                                "network.inter_dc.bandwidth_gbps"};
            for (int rep = 0; rep < 3; rep++)
                for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
                    app.focus = TUI_FOCUS_PANEL;
                    select_path(&app, kinds[k]);
                    for (int dir = 0; dir < 2; dir++) {
                        double settled;
                        add(&edit, press(&app, &c, dir ? '-' : '+', &settled));
                        add(&full, settled);
                        /* Where the time went: the generators' own wall times. */
                        double f = 0, g = 0;
                        for (size_t i = 0; i < app.n_res; i++) {
                            const struct ps_schedule *r = app.res[i].sched;
                            if (r == NULL || app.res[i].sv->slow)
                                continue;
                            if (strcmp(app.res[i].sv->name, "greedy") == 0)
                                g += r->solver.solve_ms;
                            else
                                f += r->solver.solve_ms;
                        }
                        add(&fixed, f);
                        add(&greedy, g);
                    }
                }
            /* View keys on the chart. */
            app.focus = TUI_FOCUS_GANTT;
            static const int vkeys[] = {'l', 'l', 'j', 'j', 'z', 'l', 'k', 'Z', 'x', 'f', 'h', 'c'};
            for (int rep = 0; rep < 2; rep++)
                for (size_t k = 0; k < sizeof(vkeys) / sizeof(vkeys[0]); k++)
                    add(&view, press(&app, &c, vkeys[k], NULL));
            size_t n_fast = 0, n_ops = 0;
            for (size_t i = 0; i < app.n_res; i++)
                n_fast += !app.res[i].sv->slow;
            const struct ps_schedule *s = tui_shown(&app);
            for (int st = 0; s && st < s->n_stages; st++)
                n_ops += s->dev_n[st];
            printf("%4d %4d %5zu | %8.2f %8.2f %8.2f | %9.2f %10.2f | %8.2f %8.2f | %8.2f %8.2f | "
                   "%zu\n",
                   S, M, n_fast, pct(&edit, 0.5), pct(&edit, 0.95), pct(&edit, 1.0),
                   pct(&full, 0.5), pct(&full, 1.0), pct(&fixed, 0.5), pct(&greedy, 0.5),
                   pct(&view, 0.5), pct(&view, 1.0), n_ops);
            tui_canvas_fini(&c);
            tui_app_fini(&app);
        }
    }
    return 0;
}
