/* The file codecs of the model (the first room above core): scenario files (JSON,
 * "format": "pipescope-scenario/1") read strictly with every error naming its field path,
 * written back exactly, and --set edits by field path. It links cJSON privately; the
 * cJSON-level API for the other codecs is core/io/json.h. */
#ifndef PS_CORE_IO_IO_H
#define PS_CORE_IO_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/scenario.h"
#include "core/status.h"
#include "core/version.h"

#define PS_SCENARIO_FORMAT "pipescope-scenario/1"
#define PS_SCHEDULE_FORMAT "pipescope-schedule/1"
#define PS_WORKLOAD_FORMAT "pipescope-workload/1"

/* Parses a scenario from JSON text (a scenario file, or a schedule file whose "scenario"
 * member is read). sc is initialized by the call; on failure it is left empty and d has the
 * field path, or line/column for broken JSON. The result is validated
 * (ps_scenario_validate). */
enum ps_status ps_scenario_parse(const char *text, size_t len, struct ps_scenario *sc,
                                 struct ps_diag *d);

/* Reads and parses a file ("-" = standard input). PS_EIO when it cannot be read (d says
 * why). */
enum ps_status ps_scenario_load(const char *path, struct ps_scenario *sc, struct ps_diag *d);

/* Serializes sc as a scenario file (pretty JSON with "format"). Returns a malloc'd
 * NUL-terminated string owned by the caller, NULL on out of memory. Parsing it back gives
 * an identical scenario. */
char *ps_scenario_to_json(const struct ps_scenario *sc);

/* The scenario's canonical hash: 16 hex digits of the 64-bit FNV-1a of its scenario file
 * text (ps_scenario_to_json) with the name and the description left out, so it names the
 * model, not the label; equal scenarios hash equal, and a file read back hashes as it was
 * written. Empty on out of memory. Returns out. */
#define PS_SCENARIO_HASH_LEN 16
char *ps_scenario_hash(const struct ps_scenario *sc, char out[PS_SCENARIO_HASH_LEN + 1]);

/* Sets one field by its path ("network.inter_dc.latency_ms", "compute.per_stage.3.forward_ms",
 * "datacenters.1.stages", "memory.limit", "microbatches") from text, then validates the
 * whole scenario: --set PATH=VALUE. A plain value goes through the core table of fields
 * (core/field.h: units, none, layouts like 4+4); a JSON array or object replaces that part
 * as if the file said so. On failure sc is unchanged and d names the path. note (may be
 * NULL) gets a line when the edit did more than the field alone says ("" otherwise). */
enum ps_status ps_scenario_edit(struct ps_scenario *sc, const char *path, const char *value,
                                char *note, size_t note_size, struct ps_diag *d);

/* True when sc has a workload and path (or a part of it) is planned from it
 * (microbatches, compute, activation_mb, per_microbatch, memory.limit): ps_scenario_edit
 * refuses those; a front end that edits through core/field.h asks first. */
bool ps_scenario_path_derived(const struct ps_scenario *sc, const char *path);

/* The refusal of an edit of a derived path, for every front end. */
#define PS_DERIVED_MSG                                                                             \
    "derived from the workload; edit workload.* instead (or remove it: workload=null)"

/* ps_scenario_edit without the note. */
enum ps_status ps_scenario_set_path(struct ps_scenario *sc, const char *path, const char *value,
                                    struct ps_diag *d);

/* Reads a file of sequence lengths: one whole number per line, or CSV (comma, semicolon or
 * tab): the first field of each row, or, when a first row that is not a number (a header)
 * names a column length, lengths, len, tokens, num_tokens, n_tokens, seq_len,
 * sequence_length or token_count, that column. Blank lines and lines starting with '#'
 * are skipped. *lengths is malloc'd (caller frees), *n >= 1. Errors: PS_EIO
 * (cannot read), PS_EINVAL with the path "LINE" ("line 5: not a whole number of tokens
 * ('12.5')"); an empty file is an error. Lengths are not range-checked here. */
enum ps_status ps_lengths_parse(const char *text, size_t len, int **lengths, int *n,
                                struct ps_diag *d);
enum ps_status ps_lengths_load(const char *path, int **lengths, int *n, struct ps_diag *d);

/* Reads a workload file (--workload FILE): a JSON object with "format":
 * "pipescope-workload/1" and the fields of a scenario's workload section, or a file of
 * lengths (ps_lengths_parse: then the other fields take their defaults, or those of
 * `base` when it is not NULL). *out is new, owned by the caller. Paths start with
 * "workload." for JSON files. */
enum ps_status ps_workload_load(const char *path, const struct ps_workload *base,
                                struct ps_workload **out, struct ps_diag *d);

/* A workload as a workload file (pretty JSON with "format"); malloc'd, NULL on out of
 * memory. */
char *ps_workload_to_json(const struct ps_workload *w);

#endif
