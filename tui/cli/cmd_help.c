/* `pipescope help [COMMAND]`: the list of commands, or one command's help. */
#include "tui/cli/common.h"

#include <stdio.h>
#include <string.h>

const char cli_help_help[] = "Usage: pipescope help [COMMAND]\n"
                             "\n"
                             "Prints the help of a command, or the list of commands.\n";

int cli_cmd_help(const struct cli_env *env, int argc, char **argv)
{
    if (argc < 2) {
        cli_print_main_help(env);
        return PS_EXIT_OK;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
        return cli_print_help(env, "help");
    if (argc > 2)
        return cli_usage("help", "help: one command at a time");
    if (!cli_find_command(env, argv[1])) {
        char names[512];
        cli_command_names(env, names, sizeof(names));
        return cli_usage(NULL, "help: unknown command '%s' (commands: %s)", argv[1], names);
    }
    return cli_print_help(env, argv[1]);
}
