/* Helpers shared by the command line's files (cli*.c): messages, option errors, output
 * files, the terminal width, schedule lists. Not for use outside the command line. */
#ifndef PS_TUI_CLI_INTERNAL_H
#define PS_TUI_CLI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "export/export.h"
#include "solvers/solver.h"
#include "tui/cli.h"

/* One subcommand: its entry point gets argv[0] = the command name. */
struct cli_command {
    const char *name;
    const char *summary;
    const char *help; /* full --help text (usage line first) */
    int (*run)(int argc, char **argv);
};

/* Prints "pipescope: MESSAGE" on stderr; returns PS_EXIT_FAILURE. */
int cli_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Prints "pipescope: MESSAGE" and "Try 'pipescope help CMD'." on stderr; returns
 * PS_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Prints a diagnostic as "pipescope: PREFIX: path: msg"; returns PS_EXIT_FAILURE. */
int cli_fail_diag(const struct ps_diag *d, const char *prefix);

/* The message for a getopt_long error ('?' or ':'); returns PS_EXIT_USAGE. */
int cli_getopt_error(const char *cmd, int opt, char **argv);

/* Prints the help of a command on stdout; returns PS_EXIT_OK. */
int cli_print_help(const char *cmd);

/* Resets getopt for a new parse (glibc: optind = 0 re-initializes). */
void cli_getopt_reset(void);

/* Writes data to path atomically (ps_write_atomic), or to stdout when path is NULL or
 * "-". Returns PS_EXIT_OK or PS_EXIT_FAILURE (message printed). */
int cli_write_output(const char *path, const char *data, size_t len);

/* Checks, before any work, that -o's folder exists, so a long run does not end in a
 * failed write. Returns PS_EXIT_OK or PS_EXIT_FAILURE (message printed). */
int cli_check_output_path(const char *path);

/* Terminal width for text output: $COLUMNS, else the width of stdout's terminal, else
 * 100; at least 60. */
int cli_term_width(void);

/* Reads a whole file (NUL-terminated, owned by the caller). Returns PS_EXIT_OK or
 * PS_EXIT_FAILURE (message printed). */
int cli_read_file(const char *path, char **text, size_t *len);

/* True when s is exactly one of the '|'-separated words of choices. */
bool cli_word_in(const char *s, const char *choices);

/* The output format a file name implies ("svg", "json", "csv", and "trace" for
 * NAME.trace.json when trace_ok), matched in any case; NULL when none. */
const char *cli_format_of_path(const char *path, bool trace_ok);

/* Parses "KEY=VALUE" into a params set for solver sv (NULL: no check of the key) and
 * reports a bad one. Returns PS_EXIT_OK or PS_EXIT_USAGE (message printed). */
int cli_param_add(const char *cmd, struct ps_params *p, const char *kv);

/* ps_solver_run for the command line: for slow solvers, Ctrl-C stops the solve with the
 * best schedule so far (a second Ctrl-C quits), and progress is shown on stderr when it
 * is a terminal. Same contract as ps_solver_run. */
enum ps_status cli_solver_run(const struct ps_solver *sv, const struct ps_scenario *sc,
                              const struct ps_params *params, struct ps_schedule **out,
                              struct ps_diag *d);

/* Runs one solver and fills a comparison row; on error the row has status "error" and
 * the reason is printed on stderr. Returns true when the solver ran (also when it found
 * the scenario infeasible). */
bool cli_run_row(const struct ps_solver *sv, const struct ps_scenario *sc,
                 const struct ps_params *params, struct ps_compare_row *row);

/* The commands (one file each, or grouped). */
int cli_cmd_solve(int argc, char **argv);
int cli_cmd_compare(int argc, char **argv);
int cli_cmd_sweep(int argc, char **argv);
int cli_cmd_validate(int argc, char **argv);
int cli_cmd_replay(int argc, char **argv);

extern const char cli_help_solve[];
extern const char cli_help_compare[];
extern const char cli_help_sweep[];
extern const char cli_help_validate[];
extern const char cli_help_replay[];

#endif
