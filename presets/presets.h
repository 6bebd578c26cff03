/* The built-in presets, user presets, the model calculator's front and where a scenario
 * comes from (a file, a preset or a model, then --set edits). Scenario files themselves are
 * core/io's (included here for the front ends). */
#ifndef PS_PRESETS_PRESETS_H
#define PS_PRESETS_PRESETS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/calc.h"
#include "core/io/io.h"
#include "core/scenario.h"
#include "core/status.h"

#define PS_DEFAULT_PRESET "default"

/* Built-in presets, in display order. */
struct ps_preset {
    const char *name;    /* "default", "teaching", ... */
    const char *summary; /* one line: what it is and where it comes from */
    const char *json;    /* scenario file text */
};

size_t ps_preset_count(void);
const struct ps_preset *ps_preset_at(size_t i);
const struct ps_preset *ps_preset_find(const char *name);
void ps_preset_list_names(char *buf, size_t size);

/* Loads a preset by name into sc (initialized by the call). PS_ENOTFOUND lists the
 * known names in d. */
enum ps_status ps_preset_load(const char *name, struct ps_scenario *sc, struct ps_diag *d);

struct ps_calc_report;

/* Where a scenario comes from, as the command line and the explorer take it:
 * one of a file, a preset (default: PS_DEFAULT_PRESET) or a model description, then
 * `--set PATH=VALUE` edits applied in order. */
struct ps_scenario_source {
    const char *scenario_file; /* NULL, or a scenario file path */
    const char *preset;        /* NULL, or a preset name */
    const char *model;         /* NULL, or a model name/file for the calculator */
    const char *cluster;       /* NULL, or the calculator's cluster/layout spec */
    /* NULL, or a workload file (--workload: JSON workload or lengths) put on the scenario
     * before the edits; a lengths file keeps the scenario's own workload settings. */
    const char *workload_file;
    int n_sets;
    const char *const *sets; /* "PATH=VALUE" strings */
    /* Called for an edit that did more than its field says (ps_scenario_edit's note), with
     * the "PATH=VALUE" text; NULL: notes are dropped. */
    void (*on_note)(void *user, const char *set, const char *note);
    void *note_user;
    /* With a model: KEY=VALUE overrides of the model and cluster specs (a sweep's or a
     * search's point; see struct ps_model_source), and where the calculator reports what it
     * worked out (may be NULL). */
    const char *const *model_over;
    int n_model_over;
    const char *const *cluster_over;
    int n_cluster_over;
    struct ps_calc_report *report;
};

/* The source a scenario's origin (ps_scenario_resolve sets it: "preset NAME", "file PATH",
 * "model M, cluster C", each perhaps with ", workload F") names, so a file's provenance
 * rebuilds its scenario: src's strings point into buf (size bytes, a copy of origin).
 * False when origin is none of these. The edits go to src->sets by the caller. */
bool ps_scenario_source_from_origin(const char *origin, struct ps_scenario_source *src, char *buf,
                                    size_t size);

/* Builds the scenario described by src (sc initialized by the call). Errors name the
 * file, the preset or the --set path in d. */
enum ps_status ps_scenario_resolve(const struct ps_scenario_source *src, struct ps_scenario *sc,
                                   struct ps_diag *d);

/* The calculator behind src->model/src->cluster (presets/models.c): fills sc from a model
 * name or file and a cluster spec. */
enum ps_status ps_scenario_from_model(const char *model, const char *cluster,
                                      struct ps_scenario *sc, struct ps_diag *d);

/* A model and a cluster for the calculator, with KEY=VALUE overrides applied after each
 * spec's own keys (a sweep or a search point: "mbs=2", "pp=16"; model keys go to model_over,
 * cluster keys to cluster_over). The override lists may be NULL when their count is 0. */
struct ps_model_source {
    const char *model, *cluster;
    const char *const *model_over;
    int n_model_over;
    const char *const *cluster_over;
    int n_cluster_over;
};

/* What the calculator worked out besides the scenario (for the layout search). */
struct ps_calc_report {
    int pp, tp, dp, mbs, seq, microbatches;
    int dcs, pipeline_dcs; /* the cluster's DCs; those one pipeline spans */
    int gpus_per_dc;       /* GPUs the busiest DC needs */
    long gpus_total;       /* tp x pp x dp */
    double static_gb;      /* model states per GPU, largest stage */
    double act_gb;         /* activations of one microbatch per GPU, largest stage */
    double tokens;         /* per iteration: microbatches x mbs x seq x dp */
    double dp_ms;          /* the data-parallel collective's time, 0 when not modelled */
};

/* ps_scenario_from_model with overrides, filling *rep (may be NULL; also filled as far as it
 * got when the layout does not fit). A layout that does not fit is PS_EINVAL with the path
 * "cluster.gpus" (too few GPUs), "cluster.hbm" (out of HBM) or "cluster.tokens" (tokens not a
 * whole number of microbatches). */
enum ps_status ps_scenario_from_model_ex(const struct ps_model_source *src, struct ps_scenario *sc,
                                         struct ps_calc_report *rep, struct ps_diag *d);

/* The calculator's spec strings, models and link classes are described in docs/presets.md.
 * model: a built-in name ("llama3-70b"), optionally followed by ",key=value" overrides
 * ("llama3-70b,seq=4096"), or a JSON model file. cluster: "key=value,..." (e.g.
 * "dcs=2,pp=8,tp=4,dp=16,gpu=500,util=0.5,link=cross-region") or a JSON file with the same
 * keys. On failure sc is left empty and d names the key ("cluster.pp: ..."). */

/* A built-in transformer for the calculator. */
struct ps_model_info {
    const char *name;    /* "llama3-70b" */
    const char *summary; /* one line, with its source */
    struct ps_calc_model model;
};

size_t ps_model_count(void);
const struct ps_model_info *ps_model_at(size_t i);
const struct ps_model_info *ps_model_find(const char *name);

/* True when key is one of a model's sizes (layers, hidden, seq, ...), as opposed to a
 * cluster key (pp, mbs, ...). */
bool ps_model_is_key(const char *key);

/* Fills *out from a model spec (see above). PS_ENOTFOUND lists the built-in names in d. */
enum ps_status ps_model_parse(const char *spec, struct ps_calc_model *out, char *name,
                              size_t name_size, struct ps_diag *d);

/* Named link classes (CrossPipe section 2.3), usable for any link: "campus" (10 us,
 * 800 Gb/s), "metro" (200 us, 200 Gb/s), "region" (1 ms, 11.3 Gb/s), "cross-region"
 * (50 ms, 3 Gb/s), "free" (0, unlimited). */
struct ps_link_class {
    const char *name;
    const char *summary;
    struct ps_link link;
};

size_t ps_link_class_count(void);
const struct ps_link_class *ps_link_class_at(size_t i);

/* Looks a link class up by name; PS_ENOTFOUND (out untouched) when unknown. */
enum ps_status ps_link_class_find(const char *name, struct ps_link *out);

/* Writes "campus, metro, ..." into buf. */
void ps_link_class_list_names(char *buf, size_t size);

/* User presets: scenario files (*.json) in $PIPESCOPE_PRESETS, or else
 * $XDG_CONFIG_HOME/pipescope/presets (~/.config/pipescope/presets). The name of a preset
 * is its file name without ".json"; a built-in preset of the same name wins. */
struct ps_user_preset {
    char name[PS_NAME_MAX];
    char path[1024];
    char summary[256]; /* the file's description (first line), or why it does not load */
    bool valid;        /* it parses and validates */
    bool shadowed;     /* a built-in preset has the same name */
};

/* The user preset folder in buf (it may not exist). Returns buf, or NULL when no folder
 * can be named (no PIPESCOPE_PRESETS, XDG_CONFIG_HOME nor HOME). */
const char *ps_user_presets_dir(char *buf, size_t size);

/* Lists the user presets, sorted by name, in a malloc'd array *out (caller frees with
 * free(); NULL when *n == 0). A missing folder gives no presets and PS_OK; files that do
 * not load are listed with valid == false. PS_ENOMEM, or PS_EIO when the folder exists but
 * cannot be read. */
enum ps_status ps_user_presets_list(struct ps_user_preset **out, size_t *n, struct ps_diag *d);

/* Loads the user preset `name` into sc (initialized by the call). PS_ENOTFOUND when there
 * is no such file. ps_preset_load falls back to it when no built-in has that name. */
enum ps_status ps_user_preset_load(const char *name, struct ps_scenario *sc, struct ps_diag *d);

#endif
