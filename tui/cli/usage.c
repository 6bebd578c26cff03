/* The help texts of the command line, read from the command table the dispatcher passes
 * in: a command's help (with the scenario options when it takes them), the main help and
 * the list of command names. */
#include "tui/cli/common.h"

#include <stdio.h>
#include <string.h>

#include "core/version.h"

const struct cli_command *cli_find_command(const struct cli_env *env, const char *name)
{
    for (size_t i = 0; i < env->n_commands; i++)
        if (strcmp(env->commands[i].name, name) == 0)
            return &env->commands[i];
    return NULL;
}

void cli_print_main_help(const struct cli_env *env)
{
    printf("pipescope %s: pipeline-parallel training schedules across datacenters\n"
           "\n"
           "Usage: pipescope [COMMAND [OPTIONS]]\n"
           "\n"
           "With no command, opens the explorer on the default scenario.\n"
           "\n"
           "Commands:\n",
           PS_VERSION);
    for (size_t i = 0; i < env->n_commands; i++)
        printf("  %-10s %s\n", env->commands[i].name, env->commands[i].summary);
    printf("\n"
           "Options:\n"
           "  -h, --help     this help ('pipescope help COMMAND' for a command's)\n"
           "  -V, --version  print the version\n"
           "  --mono         the explorer without colour; --ascii: without Unicode\n"
           "                 (with scenario options: pipescope --preset NAME --mono)\n"
           "\n"
           "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

void cli_command_names(const struct cli_env *env, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < env->n_commands && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", env->commands[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int cli_print_help(const struct cli_env *env, const char *cmd)
{
    const struct cli_command *c = cli_find_command(env, cmd);
    if (!c) {
        cli_print_main_help(env);
        return PS_EXIT_OK;
    }
    fputs(c->help, stdout);
    if (strstr(c->help, "FIGURE OPTIONS")) {
        fputc('\n', stdout);
        fputs(cli_figure_help, stdout);
    }
    if (strstr(c->help, "SCENARIO OPTIONS")) {
        fputc('\n', stdout);
        fputs(ps_cli_scenario_help, stdout);
    }
    printf("\nExit status: 0 success, 1 failure, 2 usage error.\n");
    return PS_EXIT_OK;
}
