/* `pipescope tui`: the explorer on a scenario when it is built in, else the comparison
 * of that scenario. */
#include "tui/cli/common.h"

#include <stdio.h>
#include <string.h>

const char cli_help_tui[] =
    "Usage: pipescope tui [SCENARIO OPTIONS]\n"
    "\n"
    "Opens the explorer (interactive, full screen) on a scenario. 'pipescope' with no\n"
    "command does the same on the default scenario. When the explorer is not built in,\n"
    "prints the comparison of the scenario instead.\n"
    "\n"
    "Explorer options:\n"
    "  --mono                 draw without colour (so does a non-empty NO_COLOR)\n"
    "  --ascii                draw without Unicode (so does a non-UTF-8 locale)\n";

int cli_cmd_tui(const struct cli_env *env, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            if (!env->explorer)
                return cli_print_help(env, "tui");
    }
    if (env->explorer)
        return env->explorer(argc, argv);
    fputs("pipescope: the explorer is not built in; showing the comparison instead\n", stderr);
    return cli_cmd_compare(env, argc, argv);
}
