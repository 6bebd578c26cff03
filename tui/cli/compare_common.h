/* What compare and sweep share: the list of schedules to run with each one's parameters,
 * their options, and the writer of their rows. Not for use outside tui/cli/. */
#ifndef PS_TUI_CLI_COMPARE_COMMON_H
#define PS_TUI_CLI_COMPARE_COMMON_H

#include <stddef.h>

#include "tui/cli/common.h"

#define CLI_MAX_SCHEDULES 64
#define CLI_MAX_VARY 8

/* The schedules to run and each one's parameters. */
struct cli_sched_list {
    size_t n;
    const struct ps_solver *sv[CLI_MAX_SCHEDULES];
    struct ps_params params[CLI_MAX_SCHEDULES];
};

/* Fills l from "all", "all,optimal", "gpipe,1f1b", ... (NULL means "all"). Returns
 * PS_EXIT_OK or PS_EXIT_USAGE (message printed). */
int cli_parse_schedules(const char *cmd, const char *text, struct cli_sched_list *l);

/* Applies --param NAME.KEY=VALUE (that schedule) or KEY=VALUE (every listed schedule
 * having KEY), then checks each schedule's parameters. Returns PS_EXIT_OK or
 * PS_EXIT_USAGE (message printed). */
int cli_apply_params(const char *cmd, struct cli_sched_list *l, char **kvs, int n_kv);

/* Writes rows as a table, csv, json, latex or markdown to out (NULL or "-": standard
 * output); a table ends with `trailer` (may be NULL: none). Returns PS_EXIT_OK or
 * PS_EXIT_FAILURE (message printed). */
int cli_write_rows(enum ps_format fmt, const char *out, const struct ps_compare_row *rows, size_t n,
                   const char *trailer);

/* Options common to compare and sweep. */
struct cli_compare_opts {
    struct ps_cli_scenario so;
    const char *schedules, *format, *out;
    enum ps_format fmt;        /* the output format, once parsed */
    struct ps_svg_options fig; /* compare's figure */
    char **param_kv;           /* borrowed from argv */
    int n_param;
    char **vary; /* sweep only, borrowed from argv */
    int n_vary;
    const char *baseline;     /* --baseline NAME, or NULL */
    const char *arrangements; /* compare --arrangement LIST, or NULL */
    double knee_eps;          /* sweep --knee-eps (default 0.05) */
    const char *shard;        /* sweep --shard I/N, or NULL */
    bool no_timing;           /* sweep --no-timing: solve_ms left empty */
};

/* Sets up empty options for an argv of argc arguments (its lists may be NULL on out of
 * memory: check param_kv and vary). */
void cli_compare_opts_init(struct cli_compare_opts *o, int argc);
void cli_compare_opts_fini(struct cli_compare_opts *o);

/* Parses compare's or sweep's options (cmd says which); returns -1 to go on, else the
 * exit code (help printed, or a usage error). */
int cli_compare_opts_parse(const struct cli_env *env, const char *cmd, int argc, char **argv,
                           struct cli_compare_opts *o);

#endif
