/* The rows of the scenario panel: section titles, the scenario's fields (each a row of
 * core's field table, core/field.h, for one item: a datacenter, a pair, a stage, a
 * microbatch), the groups of per-stage and per-microbatch values (shown or hidden), and
 * the shown schedule's parameters. Rows hold no text: their label, value, path and detail
 * line are formatted from the state when drawn, so a long list (every microbatch's scales)
 * costs nothing until it is on screen. Read from the state only; edit.c changes the
 * scenario through these rows. */
#ifndef PS_TUI_EXPLORER_FIELDS_H
#define PS_TUI_EXPLORER_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/field.h"
#include "tui/explorer/state.h"

enum tui_field_kind {
    TUI_FK_SECTION = 0, /* a title (index 0), a note (index 1) or the schedule's (index 2) */
    TUI_FK_FIELD,       /* a scenario field of one item: ref */
    TUI_FK_GROUP,       /* an optional part whose items can be shown: ref (PS_FIELD_PART) */
    TUI_FK_PARAM,       /* index: a parameter of the shown schedule's solver */
};

/* The section title rows' index. */
#define TUI_SECTION_TITLE 0
#define TUI_SECTION_NOTE 1
#define TUI_SECTION_SCHEDULE 2

struct tui_field {
    enum tui_field_kind kind;
    struct ps_field_ref ref; /* FIELD, GROUP */
    int index;               /* PARAM: the parameter; SECTION: TUI_SECTION_* */
    int depth;               /* 0: a top row, 1: an item's row (a DC's, a pair's), 2: in a group */
    const char *text;        /* SECTION: the title or note (static) */
};

/* The rows of the left panel for the current scenario and shown schedule: fills at most
 * max of them and returns how many there are (out NULL: only counts). */
int tui_fields(const struct tui_app *app, struct tui_field *out, int max);

/* All rows of the left panel in a new array (free it); *n their count. NULL on out of
 * memory (then *n is 0). */
struct tui_field *tui_fields_new(const struct tui_app *app, int *n);

/* Copies the selected row into *out; false when there is none. */
bool tui_field_selected(const struct tui_app *app, struct tui_field *out);

/* Whether a group's rows are shown. */
bool tui_field_expanded(const struct tui_app *app, const struct ps_field_def *part);

/* The row's label, indented by its depth ("forward F", " east stages", "  stage 3
 * forward"). */
void tui_field_label(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size);

/* The row's value as the panel shows it ("38 ms", "unlimited", "5 ms*": * marks a value an
 * item follows from elsewhere). Empty for titles. */
void tui_field_value(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size);

/* The text the value prompt starts from: the exact value ("67.108864"), "none" for no
 * memory limit, "" when the field has none (data parallel off, a part). */
void tui_field_exact(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size);

/* The name a refusal gives the row: its --set path, or the parameter's. */
void tui_field_path(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size);

/* The detail line of the selected row: its path and value, what overrides it, and how
 * + and - step it. */
void tui_field_detail(const struct tui_app *app, const struct tui_field *f, char *buf, size_t size);

#endif
