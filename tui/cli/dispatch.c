/* The command line's dispatcher: the one command table (name, summary, help, entry
 * point) that the help texts read too, and pipescope's arguments to a command. */
#include "tui/cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "core/suggest.h"
#include "core/version.h"
#include "tui/cli/common.h"

static const struct cli_command commands[] = {
    {"tui", "open the explorer on a scenario", cli_help_tui, cli_cmd_tui},
    {"solve", "compute one schedule: summary and Gantt chart, or a JSON/CSV file", cli_help_solve,
     cli_cmd_solve},
    {"compare", "every schedule side by side with the lower bound", cli_help_compare,
     cli_cmd_compare},
    {"sweep", "compare over a grid of scenario values (one column per varied field)",
     cli_help_sweep, cli_cmd_sweep},
    {"merge", "join the shards of a sweep (sweep --shard I/N) into the sweep's file",
     cli_help_merge, cli_cmd_merge},
    {"search", "the layouts of a model on a cluster: the best within memory, why the rest fail",
     cli_help_search, cli_cmd_search},
    {"validate", "re-check a schedule file against the model", cli_help_validate, cli_cmd_validate},
    {"replay", "re-simulate a schedule file's orders and compare the times", cli_help_replay,
     cli_cmd_replay},
    {"presets", "list the built-in scenarios", cli_help_presets, cli_cmd_presets},
    {"schedules", "list the schedule generators and their parameters", cli_help_schedules,
     cli_cmd_schedules},
    {"scenario", "print the resolved scenario as JSON", cli_help_scenario, cli_cmd_scenario},
    {"cluster", "plan a queue of jobs over regions: policies, JCT and electricity cost",
     cli_help_cluster, cli_cmd_cluster},
    {"workload", "variable-length sequences: lengths, the plan, chunks; --compare the panel",
     cli_help_workload, cli_cmd_workload},
    {"help", "help on a command", cli_help_help, cli_cmd_help},
};

static bool is_scenario_option(const char *arg)
{
    static const char *const names[] = {"--scenario", "--preset", "--model",
                                        "--cluster",  "--set",    "--workload"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = strlen(names[i]);
        if (strncmp(arg, names[i], n) == 0 && (arg[n] == '\0' || arg[n] == '='))
            return true;
    }
    return false;
}

static int dispatch(const struct cli_env *env, int argc, char **argv)
{
    int (*tui_main)(int, char **) = env->explorer;
    if (argc < 2) {
        if (tui_main)
            return tui_main(argc, argv);
        static char arg0[] = "compare";
        char *args[] = {arg0, NULL};
        return cli_cmd_compare(env, 1, args);
    }
    const char *name = argv[1];
    bool version = strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0;
    bool help = strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0;
    if ((version || help) && argc > 2)
        return cli_usage(NULL, "%s: unexpected argument '%s'", name, argv[2]);
    if (version) {
        printf("pipescope %s\n", PS_VERSION);
        return PS_EXIT_OK;
    }
    if (help) {
        cli_print_main_help(env);
        return PS_EXIT_OK;
    }
    const struct cli_command *c = cli_find_command(env, name);
    if (!c &&
        (is_scenario_option(name) || strcmp(name, "--mono") == 0 || strcmp(name, "--ascii") == 0))
        return cli_cmd_tui(env, argc, argv); /* pipescope --preset NAME: the explorer on it */
    if (!c) {
        char names[512];
        cli_command_names(env, names, sizeof(names));
        if (name[0] == '-')
            return cli_usage(NULL, "unknown option '%s'", name);
        struct ps_suggest sg;
        ps_suggest_init(&sg, name);
        for (size_t i = 0; i < env->n_commands; i++)
            ps_suggest_offer(&sg, env->commands[i].name);
        return cli_usage(NULL, "unknown command '%s' (commands: %s)%s", name, names,
                         cli_hint(sg.best));
    }
    return c->run(env, argc - 1, argv + 1);
}

int ps_cli_main(int argc, char **argv, int (*tui_main)(int argc, char **argv))
{
    const struct cli_env env = {
        .commands = commands,
        .n_commands = sizeof(commands) / sizeof(commands[0]),
        .explorer = tui_main,
    };
    /* Messages say "pipescope", whatever path the program was started by. */
    static char program[] = "pipescope";
    if (argc > 0)
        argv[0] = program;
    /* A reader that leaves early (`pipescope presets | head -1`) is a normal end: writes
     * fail with EPIPE instead of killing the program, and the check below lets it go. */
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
    cli_set_force(false);
    int rc = dispatch(&env, argc, argv);
    /* Every command's output, printed or written: a full disk behind standard output is a
     * failure, not a success with a truncated result. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int err = errno ? errno : EIO;
        clearerr(stdout);
        if (!cli_stdout_gone()) {
            cli_fail("cannot write to standard output: %s", strerror(err));
            if (rc == PS_EXIT_OK)
                rc = PS_EXIT_FAILURE;
        }
    }
    signal(SIGPIPE, old_pipe);
    return rc;
}
