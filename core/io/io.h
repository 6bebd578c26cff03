/* The file codecs of the model (the first room above core): scenario files (JSON,
 * "format": "pipescope-scenario/1") read strictly with every error naming its field path,
 * written back exactly, and --set edits by field path. It links cJSON privately; the
 * cJSON-level API for the other codecs is core/io/json.h. */
#ifndef PS_CORE_IO_IO_H
#define PS_CORE_IO_IO_H

#include <stddef.h>

#include "core/scenario.h"
#include "core/status.h"
#include "core/version.h"

#define PS_SCENARIO_FORMAT "pipescope-scenario/1"
#define PS_SCHEDULE_FORMAT "pipescope-schedule/1"

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

/* Sets one field by its path ("network.inter_dc.latency_ms", "compute.per_stage.3.forward_ms",
 * "datacenters.1.stages", "memory.limit", "microbatches") from text, then validates the
 * whole scenario: --set PATH=VALUE. A plain value goes through the core table of fields
 * (core/field.h: units, none, layouts like 4+4); a JSON array or object replaces that part
 * as if the file said so. On failure sc is unchanged and d names the path. note (may be
 * NULL) gets a line when the edit did more than the field alone says ("" otherwise). */
enum ps_status ps_scenario_edit(struct ps_scenario *sc, const char *path, const char *value,
                                char *note, size_t note_size, struct ps_diag *d);

/* ps_scenario_edit without the note. */
enum ps_status ps_scenario_set_path(struct ps_scenario *sc, const char *path, const char *value,
                                    struct ps_diag *d);

#endif
