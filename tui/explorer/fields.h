/* The rows of the scenario panel and what each kind of row is: a section title, a
 * scenario field or a schedule parameter; its exact value, the name refusals give it,
 * how + and - step it and which units a typed value may carry (one table, fields.c).
 * Read from the state only; edit.c changes the scenario through these rows. Together
 * with edit.c this is the explorer's scenario edit path. */
#ifndef PS_TUI_EXPLORER_FIELDS_H
#define PS_TUI_EXPLORER_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/explorer/state.h"
#include "tui/explorer/numbers.h"

/* One row of the left panel: a section title, a scenario field or a schedule parameter. */
enum tui_field_kind {
    TUI_FK_SECTION = 0,
    TUI_FK_DCS,
    TUI_FK_DC_STAGES, /* index: DC */
    TUI_FK_DC_SCALE,  /* index: DC */
    TUI_FK_STAGES,
    TUI_FK_MICROBATCHES,
    TUI_FK_F,
    TUI_FK_B,
    TUI_FK_W,
    TUI_FK_ACT_MB,
    TUI_FK_INTRA_LAT,
    TUI_FK_INTRA_BW,
    TUI_FK_INTER_LAT,
    TUI_FK_INTER_BW,
    TUI_FK_PAIR_LAT, /* index: from DC, index2: to DC */
    TUI_FK_PAIR_BW,
    TUI_FK_MEM_LIMIT,
    TUI_FK_MEM_MULT,
    TUI_FK_WSHARE,
    TUI_FK_DP_AG,
    TUI_FK_DP_RS,
    TUI_FK_PARAM, /* index: param of the shown schedule's solver */
    TUI_FK_COUNT
};

struct tui_field {
    enum tui_field_kind kind;
    int index, index2;
    char label[64];
    char value[64];
    char path[96]; /* the --set path when the field has one, else "" */
};

/* How + and - change a kind of row. */
enum tui_step {
    TUI_STEP_NONE = 0, /* a section: nothing */
    TUI_STEP_COUNT,    /* a count by 1; the per-item arrays follow (edit.c) */
    TUI_STEP_LADDER,   /* along a ladder of round numbers */
    TUI_STEP_BW,       /* bandwidth: 1-2-5 up to 1000 Gb/s, then unlimited (0) */
    TUI_STEP_MEM,      /* the memory limit by mem_unit (1 unit, or 1/4 of the 1F1B budget) */
    TUI_STEP_SHARE,    /* a share in 0..1 by 0.05 */
    TUI_STEP_PARAM,    /* a schedule parameter by its type (params.c) */
};

/* The units a typed value may carry (besides none). */
enum tui_unit {
    TUI_UNIT_NONE = 0,
    TUI_UNIT_TIME, /* ms, s, us */
    TUI_UNIT_BW,   /* Gb/s; "unlimited" */
    TUI_UNIT_MB,   /* MB */
    TUI_UNIT_MEM,  /* units, or x (a multiple of the 1F1B budget); "none" */
};

/* What a kind of row is. */
struct tui_field_def {
    enum tui_step step;
    const struct tui_ladder *ladder; /* TUI_STEP_LADDER: the ladder, its floor lo, and */
    double lo;                       /* whether 0 comes below it */
    bool zero_ok;
    bool as_multiple; /* TUI_STEP_MEM: in quarters of the 1F1B budget, typed as x */
    enum tui_unit unit;
    /* The exact value behind the row; false when it has none (no limit, DP off). NULL
     * for sections and parameters. */
    bool (*get)(const struct ps_scenario *sc, const struct tui_field *f, double *v);
    const char *name;      /* what refusals call it when the row has no --set path */
    const char *about;     /* the detail line's description (NULL: the --set path) */
    const char *step_help; /* the detail line's word on + and - (NULL: x1.2-x2 steps) */
};

/* The table row of a kind. */
const struct tui_field_def *tui_field_def(enum tui_field_kind k);

/* The rows of the left panel for the current scenario and shown schedule: fills at most
 * max of them and returns how many there are (out NULL: only counts). */
int tui_fields(const struct tui_app *app, struct tui_field *out, int max);

/* All rows of the left panel in a new array (free it); *n their count. NULL on out of
 * memory (then *n is 0). */
struct tui_field *tui_fields_new(const struct tui_app *app, int *n);

/* Copies the selected row into *out; false when there is none. */
bool tui_field_selected(const struct tui_app *app, struct tui_field *out);

/* The exact number behind a row; false for rows without one (none, off, text). */
bool tui_field_number(const struct tui_app *app, const struct tui_field *f, double *v);

/* The name a refusal gives the row: its --set path, or what it changes. */
void tui_field_path(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size);

/* The detail line of the selected row: what it edits and how it steps. */
void tui_field_detail(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size);

#endif
