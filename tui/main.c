/* pipescope's entry point: dispatches the subcommands (placeholder until the command line
 * lands). */
#include <stdio.h>

int main(void)
{
    fputs("pipescope: the command line is being built\n", stderr);
    return 1;
}
