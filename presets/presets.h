/* Scenario files (JSON, "format": "pipescope-scenario/1") and the built-in presets. The
 * JSON mapping is the one of SPEC section 2; --set edits any field by its path. */
#ifndef PS_PRESETS_PRESETS_H
#define PS_PRESETS_PRESETS_H

#include <stddef.h>

#include "core/scenario.h"
#include "core/status.h"

#define PS_SCENARIO_FORMAT "pipescope-scenario/1"
#define PS_DEFAULT_PRESET "default"

/* Parses a scenario from JSON text (a scenario file, or the "scenario" object of a
 * schedule file when it has no "format" key). sc is initialized by the call; on failure
 * it is left empty and d has the field path, or line/column for broken JSON. The result
 * is validated (ps_scenario_validate). */
enum ps_status ps_scenario_parse(const char *text, size_t len, struct ps_scenario *sc,
                                 struct ps_diag *d);

/* Reads and parses a file. PS_EIO when it cannot be read (d says why). */
enum ps_status ps_scenario_load(const char *path, struct ps_scenario *sc, struct ps_diag *d);

/* Serializes sc as a scenario file (pretty JSON with "format"). Returns a malloc'd
 * NUL-terminated string owned by the caller, NULL on out of memory. Parsing it back gives
 * an identical scenario. */
char *ps_scenario_to_json(const struct ps_scenario *sc);

/* Sets one field by its path ("network.inter_dc.latency_ms", "compute.per_stage.3.forward_ms",
 * "datacenters.1.stages", "memory.limit" (null allowed), "microbatches") from text, then
 * validates the whole scenario. On failure sc is unchanged and d names the path. */
enum ps_status ps_scenario_set_path(struct ps_scenario *sc, const char *path, const char *value,
                                    struct ps_diag *d);

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

/* Where a scenario comes from, as the command line and the explorer take it:
 * one of a file, a preset (default: PS_DEFAULT_PRESET) or a model description, then
 * `--set PATH=VALUE` edits applied in order. */
struct ps_scenario_source {
    const char *scenario_file; /* NULL, or a scenario file path */
    const char *preset;        /* NULL, or a preset name */
    const char *model;         /* NULL, or a model name/file for the calculator */
    const char *cluster;       /* NULL, or the calculator's cluster/layout spec */
    int n_sets;
    const char *const *sets; /* "PATH=VALUE" strings */
};

/* Builds the scenario described by src (sc initialized by the call). Errors name the
 * file, the preset or the --set path in d. */
enum ps_status ps_scenario_resolve(const struct ps_scenario_source *src, struct ps_scenario *sc,
                                   struct ps_diag *d);

/* The calculator behind src->model/src->cluster (presets/models.c): fills sc from a model
 * name or file and a cluster spec. */
enum ps_status ps_scenario_from_model(const char *model, const char *cluster,
                                      struct ps_scenario *sc, struct ps_diag *d);

/* User presets: scenario files (*.json) in $PIPESCOPE_PRESETS, or else
 * $XDG_CONFIG_HOME/pipescope/presets (~/.config/pipescope/presets). */
#endif
