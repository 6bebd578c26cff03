/* The rows of the scenario panel: the table of what each kind of row is (its value, its
 * name in refusals, its step and its units), the list of rows for a scenario and the
 * shown schedule, and the detail line that says what a row edits and how it steps. */
#include "tui/explorer/fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the exact value behind each kind ----------------------------------------------- */

static bool get_n_dcs(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->n_dcs;
    return true;
}

static bool get_dc_stages(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    *v = sc->dcs[f->index].stages;
    return true;
}

static bool get_dc_scale(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    *v = sc->dcs[f->index].compute_scale;
    return true;
}

static bool get_stages(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->n_stages;
    return true;
}

static bool get_microbatches(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->n_microbatches;
    return true;
}

static bool get_forward(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->compute.forward_ms;
    return true;
}

static bool get_backward(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->compute.backward_ms;
    return true;
}

static bool get_weight(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->compute.weight_ms;
    return true;
}

static bool get_activation(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->activation_mb;
    return true;
}

static bool get_intra_lat(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->intra_dc.latency_ms;
    return true;
}

static bool get_intra_bw(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->intra_dc.bandwidth_gbps;
    return true;
}

static bool get_inter_lat(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->inter_dc.latency_ms;
    return true;
}

static bool get_inter_bw(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->inter_dc.bandwidth_gbps;
    return true;
}

static bool get_pair_lat(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    *v = ps_scenario_dc_link(sc, f->index, f->index2).latency_ms;
    return true;
}

static bool get_pair_bw(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    *v = ps_scenario_dc_link(sc, f->index, f->index2).bandwidth_gbps;
    return true;
}

static bool get_mem_limit(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->memory_limit;
    return sc->has_memory_limit;
}

static bool get_mem_mult(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->memory_limit / ps_scenario_1f1b_budget(sc);
    return sc->has_memory_limit;
}

static bool get_weight_share(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->weight_share;
    return true;
}

static bool get_allgather(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->allgather_ms;
    return sc->has_data_parallel;
}

static bool get_reduce_scatter(const struct ps_scenario *sc, const struct tui_field *f, double *v)
{
    (void)f;
    *v = sc->reduce_scatter_ms;
    return sc->has_data_parallel;
}

/* ---- the table ----------------------------------------------------------------------- */

#define LADDER(which, floor, zero)                                                                 \
    .step = TUI_STEP_LADDER, .ladder = &tui_ladder_##which, .lo = (floor), .zero_ok = (zero)
#define STEP_125 "+/- steps 1-2-5"
#define STEP_BW "+/- steps 1-2-5, above 1000 is unlimited (0)"

static const struct tui_field_def defs[TUI_FK_COUNT] = {
    [TUI_FK_SECTION] = {.step = TUI_STEP_NONE},
    [TUI_FK_DCS] = {.step = TUI_STEP_COUNT,
                    .get = get_n_dcs,
                    .name = "datacenters",
                    .about = "datacenters (count; a new DC copies the last one)",
                    .step_help = "+/- adds or removes the last DC"},
    [TUI_FK_DC_STAGES] = {.step = TUI_STEP_COUNT,
                          .get = get_dc_stages,
                          .step_help = "+/- by 1 (S follows)"},
    [TUI_FK_DC_SCALE] = {LADDER(fine, 0.1, false), .get = get_dc_scale},
    [TUI_FK_STAGES] = {.step = TUI_STEP_COUNT,
                       .get = get_stages,
                       .name = "stages",
                       .about = "stages (S, spread evenly over the DCs)",
                       .step_help = "+/- by 1"},
    [TUI_FK_MICROBATCHES] = {.step = TUI_STEP_COUNT,
                             .get = get_microbatches,
                             .name = "microbatches",
                             .about = "microbatches",
                             .step_help = "+/- by 1"},
    [TUI_FK_F] = {LADDER(fine, 0.01, false), .unit = TUI_UNIT_TIME, .get = get_forward},
    [TUI_FK_B] = {LADDER(fine, 0.01, false), .unit = TUI_UNIT_TIME, .get = get_backward},
    [TUI_FK_W] = {LADDER(fine, 0.01, true), .unit = TUI_UNIT_TIME, .get = get_weight},
    [TUI_FK_ACT_MB] = {LADDER(coarse, 1, true), .unit = TUI_UNIT_MB, .get = get_activation,
                       .step_help = STEP_125},
    [TUI_FK_INTRA_LAT] = {LADDER(coarse, 0.001, true), .unit = TUI_UNIT_TIME, .get = get_intra_lat,
                          .step_help = STEP_125},
    [TUI_FK_INTRA_BW] = {.step = TUI_STEP_BW,
                         .unit = TUI_UNIT_BW,
                         .get = get_intra_bw,
                         .step_help = STEP_BW},
    [TUI_FK_INTER_LAT] = {LADDER(coarse, 0.01, true), .unit = TUI_UNIT_TIME, .get = get_inter_lat,
                          .step_help = STEP_125},
    [TUI_FK_INTER_BW] = {.step = TUI_STEP_BW,
                         .unit = TUI_UNIT_BW,
                         .get = get_inter_bw,
                         .step_help = STEP_BW},
    [TUI_FK_PAIR_LAT] = {LADDER(coarse, 0.01, true), .unit = TUI_UNIT_TIME, .get = get_pair_lat,
                         .step_help = STEP_125},
    [TUI_FK_PAIR_BW] = {.step = TUI_STEP_BW,
                        .unit = TUI_UNIT_BW,
                        .get = get_pair_bw,
                        .step_help = STEP_BW},
    [TUI_FK_MEM_LIMIT] = {.step = TUI_STEP_MEM,
                          .unit = TUI_UNIT_MEM,
                          .get = get_mem_limit,
                          .step_help = "+/- by 1 unit; type none for no limit"},
    [TUI_FK_MEM_MULT] = {.step = TUI_STEP_MEM,
                         .as_multiple = true,
                         .unit = TUI_UNIT_MEM,
                         .get = get_mem_mult,
                         .name = "memory.limit",
                         .step_help = "+/- by 0.25x"},
    [TUI_FK_WSHARE] = {.step = TUI_STEP_SHARE, .get = get_weight_share, .step_help = "+/- by 0.05"},
    [TUI_FK_DP_AG] = {LADDER(fine, 1, true), .unit = TUI_UNIT_TIME, .get = get_allgather},
    [TUI_FK_DP_RS] = {LADDER(fine, 1, true), .unit = TUI_UNIT_TIME, .get = get_reduce_scatter},
    [TUI_FK_PARAM] = {.step = TUI_STEP_PARAM},
};

const struct tui_field_def *tui_field_def(enum tui_field_kind k)
{
    return &defs[k >= 0 && k < TUI_FK_COUNT ? k : TUI_FK_SECTION];
}

/* ---- the rows ------------------------------------------------------------------------ */

static void add_field(struct tui_field *out, int *n, int max, enum tui_field_kind k, int index,
                      int index2, const char *label, const char *value, const char *path)
{
    if (out == NULL || *n >= max) {
        (*n)++;
        return;
    }
    struct tui_field *f = &out[(*n)++];
    f->kind = k;
    f->index = index;
    f->index2 = index2;
    snprintf(f->label, sizeof(f->label), "%s", label);
    snprintf(f->value, sizeof(f->value), "%s", value);
    snprintf(f->path, sizeof(f->path), "%s", path ? path : "");
}

static void fmt_ms_unit(char *buf, size_t size, double ms)
{
    char t[32];
    tui_fmt_ms(t, sizeof(t), ms);
    snprintf(buf, size, "%s ms", t);
}

static void fmt_bw(char *buf, size_t size, double gbps)
{
    if (gbps <= 0)
        snprintf(buf, size, "unlimited");
    else {
        char t[32];
        tui_fmt_show(t, sizeof(t), gbps);
        snprintf(buf, size, "%s Gb/s", t);
    }
}

/* Index of the pair override from -> to, or -1. */
static int find_pair(const struct ps_scenario *sc, int from, int to)
{
    for (int i = 0; i < sc->n_pairs; i++)
        if (sc->pairs[i].from == from && sc->pairs[i].to == to)
            return i;
    return -1;
}

int tui_fields(const struct tui_app *app, struct tui_field *out, int max)
{
    const struct ps_scenario *sc = &app->sc;
    int n = 0;
    char v[64], l[64], p[96];
    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Topology", "", NULL);
    snprintf(v, sizeof(v), "%d", sc->n_dcs);
    add_field(out, &n, max, TUI_FK_DCS, 0, 0, "datacenters", v, NULL);
    for (int i = 0; i < sc->n_dcs; i++) {
        snprintf(l, sizeof(l), " %.20s stages", sc->dcs[i].name);
        snprintf(v, sizeof(v), "%d", sc->dcs[i].stages);
        add_field(out, &n, max, TUI_FK_DC_STAGES, i, 0, l, v, NULL);
        snprintf(l, sizeof(l), " %.20s compute x", sc->dcs[i].name);
        tui_fmt_show(v, sizeof(v), sc->dcs[i].compute_scale);
        snprintf(p, sizeof(p), "datacenters.%d.compute_scale", i);
        add_field(out, &n, max, TUI_FK_DC_SCALE, i, 0, l, v, p);
    }
    snprintf(v, sizeof(v), "%d", sc->n_stages);
    add_field(out, &n, max, TUI_FK_STAGES, 0, 0, "stages S", v, NULL);
    snprintf(v, sizeof(v), "%d", sc->n_microbatches);
    add_field(out, &n, max, TUI_FK_MICROBATCHES, 0, 0, "microbatches M", v, NULL);

    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Compute per stage", "", NULL);
    fmt_ms_unit(v, sizeof(v), sc->compute.forward_ms);
    add_field(out, &n, max, TUI_FK_F, 0, 0, "forward F", v, "compute.forward_ms");
    fmt_ms_unit(v, sizeof(v), sc->compute.backward_ms);
    add_field(out, &n, max, TUI_FK_B, 0, 0, "backward B", v, "compute.backward_ms");
    fmt_ms_unit(v, sizeof(v), sc->compute.weight_ms);
    add_field(out, &n, max, TUI_FK_W, 0, 0, "weight W", v, "compute.weight_ms");
    tui_fmt_show(l, sizeof(l), sc->activation_mb);
    snprintf(v, sizeof(v), "%.20s MB", l);
    add_field(out, &n, max, TUI_FK_ACT_MB, 0, 0, "activation", v, "activation_mb");

    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Network", "", NULL);
    fmt_ms_unit(v, sizeof(v), sc->intra_dc.latency_ms);
    add_field(out, &n, max, TUI_FK_INTRA_LAT, 0, 0, "intra-DC latency", v,
              "network.intra_dc.latency_ms");
    fmt_bw(v, sizeof(v), sc->intra_dc.bandwidth_gbps);
    add_field(out, &n, max, TUI_FK_INTRA_BW, 0, 0, "intra-DC bandwidth", v,
              "network.intra_dc.bandwidth_gbps");
    if (sc->n_dcs > 1) {
        fmt_ms_unit(v, sizeof(v), sc->inter_dc.latency_ms);
        add_field(out, &n, max, TUI_FK_INTER_LAT, 0, 0, "inter-DC latency", v,
                  "network.inter_dc.latency_ms");
        fmt_bw(v, sizeof(v), sc->inter_dc.bandwidth_gbps);
        add_field(out, &n, max, TUI_FK_INTER_BW, 0, 0, "inter-DC bandwidth", v,
                  "network.inter_dc.bandwidth_gbps");
    }
    /* Per DC pair when there are more than two DCs (or overrides exist): the pipeline
     * only crosses between neighbouring DCs, in both directions. */
    if (sc->n_dcs > 2 || sc->n_pairs > 0) {
        for (int i = 0; i + 1 < sc->n_dcs; i++) {
            for (int dir = 0; dir < 2; dir++) {
                int from = dir ? i + 1 : i, to = dir ? i : i + 1;
                struct ps_link lk = ps_scenario_dc_link(sc, from, to);
                int pi = find_pair(sc, from, to);
                snprintf(l, sizeof(l), " %.12s>%.12s lat", sc->dcs[from].name, sc->dcs[to].name);
                fmt_ms_unit(v, sizeof(v), lk.latency_ms);
                if (pi < 0 || !sc->pairs[pi].has_latency)
                    strncat(v, "*", sizeof(v) - strlen(v) - 1);
                add_field(out, &n, max, TUI_FK_PAIR_LAT, from, to, l, v, NULL);
                snprintf(l, sizeof(l), " %.12s>%.12s bw", sc->dcs[from].name, sc->dcs[to].name);
                fmt_bw(v, sizeof(v), lk.bandwidth_gbps);
                if (pi < 0 || !sc->pairs[pi].has_bandwidth)
                    strncat(v, "*", sizeof(v) - strlen(v) - 1);
                add_field(out, &n, max, TUI_FK_PAIR_BW, from, to, l, v, NULL);
            }
        }
    }

    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Memory", "", NULL);
    double budget = ps_scenario_1f1b_budget(sc);
    if (sc->has_memory_limit) {
        tui_fmt_show(l, sizeof(l), sc->memory_limit);
        snprintf(v, sizeof(v), "%.20s units", l);
    } else
        snprintf(v, sizeof(v), "none");
    add_field(out, &n, max, TUI_FK_MEM_LIMIT, 0, 0, "limit", v, "memory.limit");
    if (sc->has_memory_limit && budget > 0)
        snprintf(v, sizeof(v), "%.3gx", sc->memory_limit / budget);
    else
        snprintf(v, sizeof(v), "-");
    add_field(out, &n, max, TUI_FK_MEM_MULT, 0, 0, "limit / 1F1B budget", v, NULL);
    tui_fmt_show(v, sizeof(v), sc->weight_share);
    add_field(out, &n, max, TUI_FK_WSHARE, 0, 0, "weight share w", v, "memory.weight_share");

    add_field(out, &n, max, TUI_FK_SECTION, 0, 0, "Data parallel (ZeRO-1)", "", NULL);
    if (sc->has_data_parallel)
        fmt_ms_unit(v, sizeof(v), sc->allgather_ms);
    else
        snprintf(v, sizeof(v), "off");
    add_field(out, &n, max, TUI_FK_DP_AG, 0, 0, "all-gather AG", v, "data_parallel.allgather_ms");
    if (sc->has_data_parallel)
        fmt_ms_unit(v, sizeof(v), sc->reduce_scatter_ms);
    add_field(out, &n, max, TUI_FK_DP_RS, 0, 0, "reduce-scatter RS", v,
              "data_parallel.reduce_scatter_ms");

    if (app->shown >= 0 && (size_t)app->shown < app->n_res) {
        const struct tui_result *r = &app->res[app->shown];
        snprintf(l, sizeof(l), "Schedule %s", r->sv->name);
        add_field(out, &n, max, TUI_FK_SECTION, 0, 0, l, "", NULL);
        for (size_t i = 0; i < r->sv->n_params; i++) {
            const struct ps_param_def *pd = &r->sv->params[i];
            const char *val = ps_params_get(r->sv, &r->params, pd->key);
            add_field(out, &n, max, TUI_FK_PARAM, (int)i, 0, pd->key, val ? val : "", NULL);
        }
        if (r->sv->n_params == 0)
            add_field(out, &n, max, TUI_FK_SECTION, 1, 0, " (no parameters)", "", NULL);
    }
    return n;
}

struct tui_field *tui_fields_new(const struct tui_app *app, int *n)
{
    int count = tui_fields(app, NULL, 0);
    struct tui_field *f = malloc((size_t)(count > 0 ? count : 1) * sizeof(*f));
    *n = f ? tui_fields(app, f, count) : 0;
    return f;
}

bool tui_field_selected(const struct tui_app *app, struct tui_field *out)
{
    int n;
    struct tui_field *fields = tui_fields_new(app, &n);
    bool ok = fields && app->field_sel >= 0 && app->field_sel < n;
    if (ok)
        *out = fields[app->field_sel];
    free(fields);
    return ok;
}

bool tui_field_number(const struct tui_app *app, const struct tui_field *f, double *v)
{
    const struct tui_field_def *def = tui_field_def(f->kind);
    return def->get != NULL && def->get(&app->sc, f, v);
}

/* ---- names and the detail line ------------------------------------------------------- */

/* "network.pairs east->west latency_ms" */
static void pair_name(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    snprintf(buf, size, "network.pairs %.20s->%.20s %s", app->sc.dcs[f->index].name,
             app->sc.dcs[f->index2].name,
             f->kind == TUI_FK_PAIR_LAT ? "latency_ms" : "bandwidth_gbps");
}

void tui_field_path(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    const struct tui_field_def *def = tui_field_def(f->kind);
    if (f->kind == TUI_FK_DC_STAGES)
        snprintf(buf, size, "datacenters.%d.stages", f->index);
    else if (f->kind == TUI_FK_PAIR_LAT || f->kind == TUI_FK_PAIR_BW)
        pair_name(app, f, buf, size);
    else if (def->name)
        snprintf(buf, size, "%s", def->name);
    else
        snprintf(buf, size, "%s", f->path[0] ? f->path : f->label);
}

void tui_field_detail(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size)
{
    const struct tui_field_def *def = tui_field_def(f->kind);
    const char *step = def->step_help ? def->step_help : "+/- steps by x1.2-x2";
    char path[160];
    snprintf(path, sizeof(path), "%s", def->about ? def->about : f->path);
    if (f->kind == TUI_FK_DC_STAGES) {
        snprintf(path, sizeof(path), "datacenters.%d.stages", f->index);
    } else if (f->kind == TUI_FK_MEM_MULT) {
        snprintf(path, sizeof(path), "memory.limit as a multiple of the 1F1B budget (%g units)",
                 ps_scenario_1f1b_budget(&app->sc));
    } else if (f->kind == TUI_FK_PARAM) {
        const struct ps_solver *sv = app->res[app->shown].sv;
        const struct ps_param_def *pd = &sv->params[f->index];
        snprintf(path, sizeof(path), "param.%s: %s", pd->key, pd->help ? pd->help : "");
        step = pd->type == PS_PARAM_INT || pd->type == PS_PARAM_FLOAT     ? "+/- steps"
               : pd->type == PS_PARAM_LIST || pd->type == PS_PARAM_STRING ? "Enter types it"
                                                                          : "+/- cycles";
    } else if (f->kind == TUI_FK_PAIR_LAT || f->kind == TUI_FK_PAIR_BW) {
        char name[128];
        pair_name(app, f, name, sizeof(name));
        snprintf(path, sizeof(path), "%s%s", name,
                 strchr(f->value, '*') ? " (* = inherited from inter_dc)" : "");
    }
    snprintf(buf, size, "%s = %s  |  %s, Enter types a value", path, f->value, step);
}
