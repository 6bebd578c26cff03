/* pipescope's entry point: the command line's subcommands (tui/cli.c), and the explorer
 * (tui/explorer.c) when it is built in. */
#include <stddef.h>

#include "tui/cli.h"

/* Weak: the program still builds (and prints a comparison instead of opening the
 * explorer) while the explorer is not part of the build. */
extern int ps_tui_main(int argc, char **argv) __attribute__((weak));

int main(int argc, char **argv)
{
    return ps_cli_main(argc, argv, ps_tui_main);
}
