/* What the files of the command line (tui/cli/) share: the command table's row, the
 * context a command runs in, and the helpers every command uses (messages and help texts,
 * files and formats, long solves). Helpers never call commands. Not for use outside
 * tui/cli/. */
#ifndef PS_TUI_CLI_COMMON_H
#define PS_TUI_CLI_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "export/export.h"
#include "solvers/solver.h"
#include "tui/cli/cli.h"

struct cli_command;

/* What a command runs with: the command table (the one in dispatch.c, for the help texts)
 * and the explorer's entry point. */
struct cli_env {
    const struct cli_command *commands;
    size_t n_commands;
    int (*explorer)(int argc, char **argv); /* NULL when the explorer is not built in */
};

/* A command's entry point: argv[0] is the command's name. Returns the exit code. */
typedef int (*cli_command_fn)(const struct cli_env *env, int argc, char **argv);

/* One row of the command table: `pipescope help` lists name and summary, `pipescope help
 * NAME` and `NAME --help` print help, the dispatcher calls run. */
struct cli_command {
    const char *name;
    const char *summary;
    const char *help; /* full --help text (usage line first) */
    cli_command_fn run;
};

/* ---- messages (messages.c) ---------------------------------------------------------- */

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

/* "; did you mean 'NEAR'?" (a static buffer, valid until the next call), or "" when near
 * is NULL: the tail of every "unknown NAME" message. */
const char *cli_hint(const char *near);

/* Takes the value of an option that may be given once: stores arg in *slot and returns -1,
 * or, when *slot is already set, says "OPTION given twice" and returns PS_EXIT_USAGE (the
 * last one silently winning would hide a mistake). cmd may be NULL. */
int cli_once(const char *cmd, const char **slot, const char *option, const char *arg);

/* The message for a getopt_long error ('?' or ':'); returns PS_EXIT_USAGE. */
int cli_getopt_error(const char *cmd, int opt, char **argv);

/* Resets getopt for a new parse (glibc: optind = 0 re-initializes). */
void cli_getopt_reset(void);

/* ---- help texts (usage.c), read from the table in env ------------------------------- */

/* The row of the command called name, NULL when there is none. */
const struct cli_command *cli_find_command(const struct cli_env *env, const char *name);

/* Prints the help of a command on stdout (the main help when cmd is no command); returns
 * PS_EXIT_OK. */
int cli_print_help(const struct cli_env *env, const char *cmd);

/* Prints the main help: usage, the commands and their summaries, the options. */
void cli_print_main_help(const struct cli_env *env);

/* "tui, solve, compare, ..." into buf (cut at size). */
void cli_command_names(const struct cli_env *env, char *buf, size_t size);

/* ---- files, formats and the terminal (files.c) -------------------------------------- */

/* Writes data to path atomically (ps_write_atomic), or to stdout when path is NULL or
 * "-". Returns PS_EXIT_OK or PS_EXIT_FAILURE (message printed). */
int cli_write_output(const char *path, const char *data, size_t len);

/* Streaming output: opens path (NULL or "-": standard output) with the safe write and makes
 * buf a streaming buffer on it (the writers append, the file fills 64 KB at a time). Returns
 * PS_EXIT_OK, or the exit code with the message printed. cli_output_finish commits (or,
 * when the writer's status st is not PS_OK, abandons: the old file stays) and returns the
 * exit code; a writer's own failure (st) returns PS_EXIT_FAILURE without a message. */
int cli_output_open(const char *path, struct ps_buf *buf);
int cli_output_finish(const char *path, struct ps_buf *buf, enum ps_status st);

/* --force: the safe write replaces a read-only file. */
void cli_set_force(bool on);

/* True when standard output is a pipe (or socket) whose reader has gone: what was left to
 * write has no one to read it, and the command ends normally. */
bool cli_stdout_gone(void);

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

/* The output format of a command, by the one rule (ps_format_of_path, the explorer's too):
 * --format when given (a note when the file name says another), else the file name's
 * (in any case), else dflt. allowed lists the command's formats ("text|json|csv"); a .txt
 * name means "table" where there is no "text". Refused (usage error, message printed): a
 * format the command does not write, a name whose extension is none of ours, a binary
 * format (pdf, png) to a terminal. Returns PS_EXIT_OK (*fmt set) or PS_EXIT_USAGE. */
int cli_output_format(const char *cmd, const char *given, const char *out, const char *allowed,
                      enum ps_format dflt, enum ps_format *fmt);

/* ---- figures (figure.c) ---------------------------------------------------------------- */

/* getopt_long values of the figure options, above the scenario options'. */
enum {
    CLI_OPT_TITLE = 0x2000,
    CLI_OPT_CRITICAL_PATH,
    CLI_OPT_HIDE_CHANNELS,
    CLI_OPT_HIDE_NUMBERS,
    CLI_OPT_HIDE_LOWER_BOUND,
};

/* The figure options as struct option initializers (--width is 'w'). */
#define CLI_FIGURE_LONG_OPTIONS                                                                    \
    {"width", required_argument, NULL, 'w'}, {"title", required_argument, NULL, CLI_OPT_TITLE},    \
        {"critical-path", no_argument, NULL, CLI_OPT_CRITICAL_PATH},                               \
        {"hide-channels", no_argument, NULL, CLI_OPT_HIDE_CHANNELS},                               \
        {"hide-numbers", no_argument, NULL, CLI_OPT_HIDE_NUMBERS},                                 \
    {                                                                                              \
        "hide-lower-bound", no_argument, NULL, CLI_OPT_HIDE_LOWER_BOUND                            \
    }

/* Their help lines. */
extern const char cli_figure_help[];

/* Takes one figure option into o: 1 taken, 0 not a figure option, -1 a usage error
 * (message printed). arg is borrowed (argv outlives the command). */
int cli_figure_opt(const char *cmd, struct ps_svg_options *o, int opt, const char *arg);

/* Draws n schedules on one time axis and writes the figure as svg, pdf or png (rendered
 * from the same svg, with the title and the provenance inside). Returns PS_EXIT_OK or
 * PS_EXIT_FAILURE (message printed). */
int cli_write_figure(const char *cmd, enum ps_format fmt, const char *out,
                     const struct ps_schedule *const *scheds, size_t n,
                     const struct ps_svg_options *o);

/* ---- schedules (solve_run.c) --------------------------------------------------------- */

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

/* ---- the commands (cmd_NAME.c: its entry point and its help text) ------------------- */

int cli_cmd_tui(const struct cli_env *env, int argc, char **argv);
int cli_cmd_solve(const struct cli_env *env, int argc, char **argv);
int cli_cmd_compare(const struct cli_env *env, int argc, char **argv);
int cli_cmd_sweep(const struct cli_env *env, int argc, char **argv);
int cli_cmd_merge(const struct cli_env *env, int argc, char **argv);
int cli_cmd_search(const struct cli_env *env, int argc, char **argv);
int cli_cmd_validate(const struct cli_env *env, int argc, char **argv);
int cli_cmd_replay(const struct cli_env *env, int argc, char **argv);
int cli_cmd_presets(const struct cli_env *env, int argc, char **argv);
int cli_cmd_schedules(const struct cli_env *env, int argc, char **argv);
int cli_cmd_scenario(const struct cli_env *env, int argc, char **argv);
int cli_cmd_cluster(const struct cli_env *env, int argc, char **argv);
int cli_cmd_workload(const struct cli_env *env, int argc, char **argv);
int cli_cmd_help(const struct cli_env *env, int argc, char **argv);

extern const char cli_help_tui[];
extern const char cli_help_solve[];
extern const char cli_help_compare[];
extern const char cli_help_sweep[];
extern const char cli_help_merge[];
extern const char cli_help_search[];
extern const char cli_help_validate[];
extern const char cli_help_replay[];
extern const char cli_help_presets[];
extern const char cli_help_schedules[];
extern const char cli_help_scenario[];
extern const char cli_help_cluster[];
extern const char cli_help_workload[];
extern const char cli_help_help[];

#endif
