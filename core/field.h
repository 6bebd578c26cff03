/* Scenario fields as data: one const table of every field a user can edit (its --set path,
 * label, unit, kind, range and step ladder, and where it lives in struct ps_scenario), and
 * the typed edits beside it. `--set`, `sweep --vary` and the explorer's scenario panel all
 * go through here, so a field has one meaning, one range and one resize rule everywhere
 * (docs/model.md, "Editing a scenario"). */
#ifndef PS_CORE_FIELD_H
#define PS_CORE_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/scenario.h"
#include "core/status.h"

enum ps_field_type {
    PS_FIELD_NUMBER, /* a finite number */
    PS_FIELD_COUNT,  /* a whole number whose change resizes the scenario */
    PS_FIELD_LIMIT,  /* a number, or none (unlimited) */
    PS_FIELD_TEXT,   /* free text */
    PS_FIELD_DC_REF, /* a datacenter, by name or index */
    PS_FIELD_LAYOUT, /* the datacenters: a count (3) or stage counts (4+4) */
    PS_FIELD_PART,   /* an optional part that can only be removed (none) */
    PS_FIELD_CHOICE, /* one of fixed words (its ladder's); an int at `offset` holds the index */
};

/* What one index of a field counts. */
enum ps_field_scope {
    PS_SCOPE_SCENARIO = 0,
    PS_SCOPE_DC,         /* index: datacenter */
    PS_SCOPE_PAIR,       /* index: from DC, index2: to DC (its entry in network.pairs) */
    PS_SCOPE_STAGE,      /* index: stage (compute.per_stage) */
    PS_SCOPE_MICROBATCH, /* index: microbatch (per_microbatch) */
};

enum ps_unit {
    PS_UNIT_NONE = 0,
    PS_UNIT_MS,     /* shown "38 ms"; typed also in s, us, or x (times T_F) */
    PS_UNIT_MB,     /* shown "10 MB"; typed also in GB */
    PS_UNIT_GBPS,   /* shown "40 Gb/s" or "unlimited" (0); typed also Gbps, GB/s, Mbps */
    PS_UNIT_MEMORY, /* activation units; typed also as x (times the 1F1B budget) */
    PS_UNIT_BUDGET, /* the memory limit as a multiple of the 1F1B budget ("1.5x") */
    PS_UNIT_FACTOR, /* a plain multiplier */
    PS_UNIT_SHARE,  /* a fraction 0..1 */
};

/* How + and - step a value: round numbers m x 10^k (the mantissas), or a plain step. */
struct ps_ladder {
    const double *mantissas;
    int n_mantissas;
    double linear;            /* > 0: step by this much instead (counts, shares) */
    double lo;                /* the smallest positive value a step gives */
    bool zero_ok;             /* stepping below lo gives 0 */
    double top;               /* > 0: one step above top is 0, meaning unlimited (bandwidth) */
    const char *const *words; /* CHOICE: its words, NULL-terminated, in index order; + and -
                                 go round them */
};

/* Flags of a field. */
#define PS_FIELD_VIEW 1u      /* a second view of another row's value: not found by its path */
#define PS_FIELD_MULTI_DC 2u  /* only meaningful with two or more datacenters */
#define PS_FIELD_INTEGER 4u   /* COUNT: the value is an int in the scenario */
#define PS_FIELD_OVERRIDEN 8u /* per-item values (per_stage, pairs) may override it */

struct ps_field_def {
    const char *path;    /* the --set path; '#' stands for an index ("datacenters.#.stages") */
    const char *label;   /* short, for screens: "inter-DC latency" */
    const char *section; /* the group it is shown in: "Network" */
    const char *help;    /* one line */
    enum ps_field_type type;
    enum ps_field_scope scope;
    enum ps_unit unit;
    double min, max; /* the range a value must be in (the validator has the last word) */
    bool min_open;   /* the value must be > min rather than >= min */
    const struct ps_ladder *ladder;
    size_t offset; /* of the double in its struct (NUMBER fields of the generic kinds), or of
                      the int index of a CHOICE */
    unsigned flags;
};

/* One field of one item: the table row and its indices (-1 where the scope has none). */
struct ps_field_ref {
    const struct ps_field_def *def;
    int index, index2;
};

/* The table, in display order. */
size_t ps_field_count(void);
const struct ps_field_def *ps_field_at(size_t i);

/* The field whose path is `path` exactly ("datacenters.#.stages"), NULL when none. */
const struct ps_field_def *ps_field_find(const char *path);

/* Resolves a concrete path ("datacenters.1.stages", "network.pairs.0.latency_ms") against
 * sc. PS_EINVAL with d naming the part that does not resolve: "unknown field (known: ...)"
 * or "index out of range (0..N)". */
enum ps_status ps_field_resolve(const struct ps_scenario *sc, const char *path,
                                struct ps_field_ref *out, struct ps_diag *d);

/* The number of items of def's scope in sc (1 for scenario fields; for pairs, the ordered
 * pairs of different datacenters), and the ref of the k-th (pairs: from-major order). */
int ps_field_items(const struct ps_field_def *def, const struct ps_scenario *sc);
struct ps_field_ref ps_field_item(const struct ps_field_def *def, const struct ps_scenario *sc,
                                  int k);

/* The concrete path of a ref ("datacenters.1.stages"); a pair without an entry yet is named
 * by the index it will get. */
void ps_field_path(const struct ps_scenario *sc, const struct ps_field_ref *r, char *buf,
                   size_t size);

/* The screen label of a ref: the table's label after the item ("east stages",
 * "east>west latency", "stage 3 forward", "mb 7 compute x"). */
void ps_field_label(const struct ps_scenario *sc, const struct ps_field_ref *r, char *buf,
                    size_t size);

/* The value as the model uses it (a per-stage time without per_stage is the global one; a
 * pair field it does not set follows inter_dc; a CHOICE gives the index of its word).
 * *is_none (may be NULL) is set for a LIMIT that is unlimited or a part that is absent.
 * TEXT, DC_REF, LAYOUT: NAN. */
double ps_field_get(const struct ps_scenario *sc, const struct ps_field_ref *r, bool *is_none);

/* True when the item has no value of its own and shows an inherited one (a pair field
 * following inter_dc, a per-stage time without per_stage, a memory scale following the
 * compute scale, data parallel off). */
bool ps_field_inherited(const struct ps_scenario *sc, const struct ps_field_ref *r);

/* The value for a screen, with its unit ("38 ms", "40 Gb/s", "unlimited", "4 units",
 * "1.5x", "off", "4+4"). */
void ps_field_format(const struct ps_scenario *sc, const struct ps_field_ref *r, char *buf,
                     size_t size);

/* The value in the form --set takes back exactly, in the field's own unit (ms, MB, Gb/s,
 * activation units): the shortest number that reads back the same double, "none" for no
 * limit or an absent part, names as they are, the datacenters as stage counts ("4+4"; a
 * single datacenter as its stage count, which --set reads as a count of datacenters, so
 * callers pair it with stages). The memory limit's budget view gives memory.limit's
 * units. Returns buf. */
char *ps_field_value_text(const struct ps_scenario *sc, const struct ps_field_ref *r, char *buf,
                          size_t size);

/* Milliseconds for a screen, one rounding rule everywhere: one decimal from 100 ms, two
 * from 1 ms, three significant digits below; trailing zeros trimmed ("38", "1.25"). */
void ps_fmt_ms_short(char *buf, size_t size, double ms);

/* ---- typed edits ----------------------------------------------------------------------- */

/* Every edit works on a copy, validates the whole scenario and only then replaces sc: on
 * failure sc is unchanged and d names the path and the reason. `note` (may be NULL) gets a
 * line when the edit did more or less than the field alone says (per-stage times scaled
 * with a global time, pairs that keep their own value, a count that reshaped the
 * datacenters); "" otherwise. */

/* Sets a NUMBER, COUNT or LIMIT field (for a LIMIT, NAN means none: unlimited), or a CHOICE
 * by the index of its word. */
enum ps_status ps_field_set(struct ps_scenario *sc, const struct ps_field_ref *r, double v,
                            char *note, size_t note_size, struct ps_diag *d);

/* Sets a field from text as a user types it: a number with an optional unit of the field's
 * kind ("20", "20ms", "0.02 s", "2x", "10 Gbps", "1.25 GB/s", "unlimited", "none"), a name, a
 * datacenter, a layout ("3", "4+4") or one of a CHOICE's words (in any case). Refusals quote
 * the text. */
enum ps_status ps_field_set_text(struct ps_scenario *sc, const struct ps_field_ref *r,
                                 const char *text, char *note, size_t note_size, struct ps_diag *d);

/* One step up (dir > 0) or down on the field's ladder; a CHOICE goes to the next or
 * previous word, round. A refusal says why (below the minimum, already unlimited). */
enum ps_status ps_field_step(struct ps_scenario *sc, const struct ps_field_ref *r, int dir,
                             char *note, size_t note_size, struct ps_diag *d);

/* Resolves `path` and sets it from text: the one way `--set PATH=VALUE` edits. */
enum ps_status ps_field_set_path(struct ps_scenario *sc, const char *path, const char *text,
                                 char *note, size_t note_size, struct ps_diag *d);

/* The one resize rule for datacenters, stages and microbatches (docs/model.md): sc gets
 * n_dcs datacenters with dc_stages[i] stages each (S their sum) and m microbatches.
 * Existing datacenters keep their names and scales, new ones are named dc<i> (unique) with
 * scale 1; pair overrides of datacenters that are gone are dropped. Per-stage times: when S
 * does not change they stay with their stage; otherwise each datacenter keeps its first
 * stages' times, and a new stage copies the last stage of its datacenter. Per-microbatch
 * scales: the first m are kept, new microbatches get scales 1. Validates like every edit;
 * sc is unchanged on failure. */
enum ps_status ps_scenario_reshape(struct ps_scenario *sc, int n_dcs, const int *dc_stages, int m,
                                   struct ps_diag *d);

#endif
