/* The rows of the timeline plot, computed from the state. */
#include "tui/explorer/rows.h"

#include <stdlib.h>

/* Where rows go: an array of max (may be NULL: only counted). */
struct sink {
    struct tui_grow *out;
    int max, n, n_dev;
};

static void add(struct sink *k, enum tui_grow_kind kind, int sched, int index, int sub)
{
    if (k->out && k->n < k->max)
        k->out[k->n] = (struct tui_grow){kind, sched, index, sub};
    k->n++;
    k->n_dev += kind == TUI_GROW_DEVICE;
}

/* Index of the inter-DC channel from -> to in s, or -1. */
static int dc_channel(const struct ps_schedule *s, int from, int to)
{
    for (int i = 0; i < s->n_channels; i++) {
        const struct ps_channel *c = &s->channels[i];
        if (c->from_stage < 0 && c->from_dc == from && c->to_dc == to)
            return i;
    }
    return -1;
}

/* The DC boundary before DC d: the links that cross it, or a plain separator. */
static void boundary_rows(const struct tui_app *app, const struct ps_schedule *s, int r, int d,
                          struct sink *k)
{
    int added = 0;
    if (app->show_channels && s && s->timed) {
        int c1 = dc_channel(s, d - 1, d), c2 = dc_channel(s, d, d - 1);
        if (c1 >= 0) {
            add(k, TUI_GROW_CHANNEL, r, c1, 0);
            added++;
        }
        if (c2 >= 0) {
            add(k, TUI_GROW_CHANNEL, r, c2, 0);
            added++;
        }
    }
    if (!added)
        add(k, TUI_GROW_SEP, r, d, 0);
}

static void sched_rows(const struct tui_app *app, int r, bool title, int dev_h, struct sink *k)
{
    const struct ps_scenario *sc = &app->sc;
    const struct ps_schedule *s = app->res[r].sched;
    if (title)
        add(k, TUI_GROW_TITLE, r, 0, 0);
    if (title && r != app->shown && (s == NULL || !s->timed))
        return; /* B without a schedule: its title says why */
    for (int d = 0; d < sc->n_dcs; d++) {
        if (d > 0)
            boundary_rows(app, s, r, d, k);
        int first = ps_scenario_dc_first_stage(sc, d);
        for (int st = first; st < first + sc->dcs[d].stages; st++)
            for (int sub = 0; sub < dev_h; sub++)
                add(k, TUI_GROW_DEVICE, r, st, sub);
    }
}

int tui_rows_build(const struct tui_app *app, int dev_h, struct tui_grow *out, int max, int *n_dev)
{
    struct sink k = {.out = out, .max = max, .n = 0, .n_dev = 0};
    if (app->n_res > 0 && app->sc.n_stages > 0) {
        bool split = app->split_b >= 0 && (size_t)app->split_b < app->n_res;
        sched_rows(app, app->shown, split, dev_h, &k);
        if (split)
            sched_rows(app, app->split_b, true, dev_h, &k);
    }
    if (n_dev)
        *n_dev = k.n_dev;
    return k.n;
}

struct tui_grow *tui_rows_new(const struct tui_app *app, int dev_h, int *n)
{
    int count = tui_rows_build(app, dev_h, NULL, 0, NULL);
    struct tui_grow *rows = count > 0 ? malloc((size_t)count * sizeof(*rows)) : NULL;
    *n = rows ? tui_rows_build(app, dev_h, rows, count, NULL) : 0;
    return rows;
}
