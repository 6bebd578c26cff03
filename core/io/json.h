/* The cJSON-level API of core/io for the other codecs: the scenario <-> cJSON mapping (a
 * schedule file carries its scenario as a nested object) and the JSON helpers every format
 * shares. Only libraries that link cJSON themselves (io, presets, export) include it. */
#ifndef PS_CORE_IO_JSON_H
#define PS_CORE_IO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/scenario.h"
#include "core/status.h"
#include "core/workload.h"

/* Reads a scenario from a parsed JSON object. `prefix` ("" or e.g. "scenario") starts every
 * field path in d. When require_format is true the "format" key must be present; when
 * present it must always be PS_SCENARIO_FORMAT. sc is initialized by the call; on failure
 * it is left empty. The result is validated (ps_scenario_validate). */
enum ps_status ps_scenario_from_cjson(const cJSON *obj, const char *prefix, bool require_format,
                                      struct ps_scenario *sc, struct ps_diag *d);

/* Builds the JSON object of a scenario (SPEC 2 key order, "format" first). Returns NULL on
 * out of memory; the caller owns the tree (cJSON_Delete). */
cJSON *ps_scenario_to_cjson(const struct ps_scenario *sc);

/* Reads a scenario's `workload` section (docs/formats.md) from a parsed object; `path`
 * ("workload" or "scenario.workload") starts every field path in d; a `file` is read
 * relative to base_dir (NULL: the working folder). *out is a new workload (lengths drawn
 * when it has a generator), NULL on failure. Not validated against a pipeline: the
 * scenario's validation does that (ps_workload_validate). */
enum ps_status ps_workload_from_cjson(const cJSON *obj, const char *path, const char *base_dir,
                                      struct ps_workload **out, struct ps_diag *d);

/* The JSON object of a workload section (a file's lengths written inline). NULL on out of
 * memory; the caller owns the tree. */
cJSON *ps_workload_to_cjson(const struct ps_workload *w);

/* Formats a double so that strtod gives it back exactly, with '.' as the decimal point
 * whatever the locale: integers without a fraction, others in the shortest of %.15g and
 * %.17g that round-trips. buf must hold 32 bytes. Returns buf. */
char *ps_json_number(double x, char *buf);

/* Parses JSON text (len bytes, not necessarily NUL-terminated) into a tree that the caller
 * frees with cJSON_Delete. Broken JSON or trailing text: PS_EPARSE with line and column
 * in d (1-based, counted in bytes). */
enum ps_status ps_json_parse_text(const char *text, size_t len, cJSON **out, struct ps_diag *d);

/* Pretty JSON text of a tree: 2-space indent, short containers of scalars on one line,
 * numbers as ps_json_number, a final newline. malloc'd, NULL on out of memory. */
char *ps_json_pretty(const cJSON *v);

/* The JSON type of a value for messages: "null", "boolean", "number", "string", "array",
 * "object"; "nothing" for NULL (an absent member). Static string. */
const char *ps_json_type_name(const cJSON *v);

/* ---- strict readers for the other codecs (core/io/json_field.c) ---- */

/* Field paths for messages: "base.key" / "base.N" (base may be ""), truncated to 160
 * bytes. out must hold 160 bytes. */
void ps_json_path_key(char *out, const char *base, const char *key);
void ps_json_path_index(char *out, const char *base, int i);

/* Refuses keys of obj not in `known` (NULL-terminated) and keys given twice; "comment" and
 * "_comment" are always allowed. PS_EINVAL with "unknown field (known: ...)". */
enum ps_status ps_json_check_keys(const cJSON *obj, const char *path, const char *const *known,
                                  struct ps_diag *d);

/* obj[key] as a finite number. Absent or null: an error when required, else *out = def. */
enum ps_status ps_json_get_number(const cJSON *obj, const char *key, const char *base,
                                  bool required, double def, double *out, struct ps_diag *d);

/* obj[key] as an integer in [min, max]. Absent or null: an error when required, else
 * *out = def. */
enum ps_status ps_json_get_int64(const cJSON *obj, const char *key, const char *base, bool required,
                                 int64_t def, int64_t min, int64_t max, int64_t *out,
                                 struct ps_diag *d);

/* obj[key] as a string shorter than size. Absent or null: an error when required, else "". */
enum ps_status ps_json_get_string(const cJSON *obj, const char *key, const char *base,
                                  bool required, char *out, size_t size, struct ps_diag *d);

/* Sets the value at a dotted field path ("regions.2.gpus") in root from text, as --set
 * does: the text is JSON when it parses as JSON, otherwise a string, and a field holding a
 * string takes the text as it is (quote it to force JSON). Missing objects on the way are
 * created; array indices must exist. PS_EINVAL names the path. The caller re-reads the tree
 * to validate it. */
enum ps_status ps_json_set_path(cJSON *root, const char *path, const char *value,
                                struct ps_diag *d);

#endif
