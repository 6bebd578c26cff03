/* The command line: pipescope's subcommands (solve, compare, sweep, validate, replay,
 * presets, schedules, scenario; one file each in tui/cli/), and the scenario options that
 * the command line and the explorer share (--scenario, --preset, --model, --cluster,
 * --set). The only header of tui/cli/ for use outside it. */
#ifndef PS_TUI_CLI_CLI_H
#define PS_TUI_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/scenario.h"
#include "presets/presets.h"

/* Exit codes of every command. */
enum {
    PS_EXIT_OK = 0,      /* success */
    PS_EXIT_FAILURE = 1, /* the command ran and failed (bad file, invalid scenario, ...) */
    PS_EXIT_USAGE = 2,   /* the command line is wrong (unknown option, command or name) */
};

/* getopt_long values of the scenario options; above every character value. */
enum {
    PS_CLI_OPT_SCENARIO = 0x1000,
    PS_CLI_OPT_PRESET,
    PS_CLI_OPT_MODEL,
    PS_CLI_OPT_CLUSTER,
    PS_CLI_OPT_SET,
    PS_CLI_OPT_WORKLOAD,
};

/* The scenario options as `struct option` initializers, to put in a getopt_long table:
 *
 *     static const struct option opts[] = {
 *         PS_CLI_SCENARIO_LONG_OPTIONS,
 *         {"help", no_argument, NULL, 'h'},
 *         {0, 0, 0, 0},
 *     };
 */
#define PS_CLI_SCENARIO_LONG_OPTIONS                                                               \
    {"scenario", required_argument, NULL, PS_CLI_OPT_SCENARIO},                                    \
        {"preset", required_argument, NULL, PS_CLI_OPT_PRESET},                                    \
        {"model", required_argument, NULL, PS_CLI_OPT_MODEL},                                      \
        {"cluster", required_argument, NULL, PS_CLI_OPT_CLUSTER},                                  \
        {"workload", required_argument, NULL, PS_CLI_OPT_WORKLOAD},                                \
    {                                                                                              \
        "set", required_argument, NULL, PS_CLI_OPT_SET                                             \
    }

/* Help lines for those options (ends with a newline), for a command's --help. */
extern const char ps_cli_scenario_help[];

/* Where the scenario comes from, as given on the command line. Strings are borrowed from
 * argv (they must outlive the struct); the list of --set edits is owned. */
struct ps_cli_scenario {
    struct ps_scenario_source src; /* what ps_scenario_resolve takes */
    const char **sets;             /* owned array of "PATH=VALUE", src.sets points here */
    int cap_sets;
    char **owned; /* the texts of the workload --param edits (owned) */
    int n_owned;
    bool no_plan; /* keep a workload's unplanned view (one microbatch per sequence) */
};

/* The --param keys that are workload planning settings rather than a schedule's
 * (granularity, checkpoint, slices, ...): true for "granularity=elastic". */
bool ps_cli_is_plan_param(const char *kv);

/* Takes a workload --param ("checkpoint=full") as the edit workload.plan.KEY=VALUE, after
 * the --set edits given before it. Returns 1, or -1 on out of memory (message printed). */
int ps_cli_scenario_plan_param(struct ps_cli_scenario *o, const char *kv);

/* Empty options: the default preset, no edits. */
void ps_cli_scenario_init(struct ps_cli_scenario *o);

/* Frees the --set list. */
void ps_cli_scenario_fini(struct ps_cli_scenario *o);

/* Takes one getopt_long result. Returns 1 when opt was a scenario option and was taken,
 * 0 when opt is not a scenario option (the caller handles it), -1 on a usage error (two
 * sources given, a --set without '=', out of memory): the message "pipescope: ..." is
 * already on stderr and the caller should exit with PS_EXIT_USAGE. */
int ps_cli_scenario_opt(struct ps_cli_scenario *o, int opt, const char *arg);

/* Builds the scenario (sc initialized by the call; on failure it is left empty). A
 * scenario with a workload is planned (solvers/workload/plan.h): its microbatches are the
 * plan's chunks, unless o->no_plan. A workload that no plan fits is a failure of the input.
 * Returns PS_EXIT_OK, PS_EXIT_FAILURE (unreadable or invalid file, a --set path or value
 * the scenario rejects) or PS_EXIT_USAGE (unknown preset). On failure the message is
 * written into err (when err is not NULL, "FILE: field.path: reason", no newline) or
 * else printed on stderr as "pipescope: ...". */
int ps_cli_scenario_resolve(const struct ps_cli_scenario *o, struct ps_scenario *sc, char *err,
                            size_t err_size);

/* Runs the command line: argv[0] is the program, argv[1] the command (none: the
 * explorer, or the comparison of the default scenario when the explorer is not built
 * in). Returns the process exit code. tui_main is the explorer's entry point, or NULL;
 * it is called with argv[0] = "tui" (or the program name) followed by its options. */
int ps_cli_main(int argc, char **argv, int (*tui_main)(int argc, char **argv));

#endif
