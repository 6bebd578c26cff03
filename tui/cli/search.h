/* The layout search (pipescope search): layouts of a model on a cluster, the calculator and
 * the simulator at every point, the best schedule within memory, and why a point cannot
 * run. An engine of its own so that tests/bench/bench_search.c times it without the command
 * line. Not for use outside tui/cli/ and the benchmark. */
#ifndef PS_TUI_CLI_SEARCH_H
#define PS_TUI_CLI_SEARCH_H

#include <stdbool.h>

#include "export/export.h"
#include "presets/presets.h"
#include "tui/cli/compare_common.h"

#define SEARCH_MAX_POINTS 200000
#define SEARCH_MAX_VALUES 256

/* The axes, in this order: cluster keys, then the extra warm-up. */
enum search_axis {
    AXIS_PP,
    AXIS_TP,
    AXIS_DP,
    AXIS_MBS,
    AXIS_SEQ,
    AXIS_PIPELINE_DCS,
    AXIS_DN,
    AXIS_COUNT
};

struct search_spec {
    struct ps_scenario_source src; /* --model, --cluster (all other keys), --set */
    int n[AXIS_COUNT];             /* values per axis (0: not an axis) */
    char values[AXIS_COUNT][SEARCH_MAX_VALUES][16];
    const struct cli_sched_list *l; /* candidates at every point (without dN) */
};

struct search_stats {
    long points, feasible, runs; /* schedules run */
    long skipped;                /* schedules whose order alone was over the memory limit */
    double ops;                  /* ops simulated */
};

/* The option name of an axis ("pp", ..., "dn"). */
const char *search_axis_name(enum search_axis a);

/* Parses "1,2,4" or "4:32:4" (integers; dN also auto and search) into the axis. Returns
 * PS_EXIT_OK or PS_EXIT_USAGE (message printed). */
int search_axis_parse(struct search_spec *sp, enum search_axis a, const char *text);

/* The number of points (the product of the axes' counts). */
long search_points(const struct search_spec *sp);

/* Runs every point into rows (search_points entries, in cartesian order, the last axis
 * fastest), marks the best; st (may be NULL) counts the work. Returns PS_EXIT_OK, or
 * PS_EXIT_FAILURE when the specs themselves are wrong (message printed, naming the point). */
int search_run(const struct search_spec *sp, struct ps_search_row *rows, struct search_stats *st);

#endif
