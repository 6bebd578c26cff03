/* pipescope's entry point: the command line's subcommands (tui/cli/), and the explorer
 * (tui/explorer/) when it is part of the build. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tui/cli/cli.h"

/* The explorer lives in the ps_explorer static library. A weak reference alone would never
 * pull it out of the archive (the linker extracts members only for strong undefined
 * symbols), so the explorer's header, when present, makes the reference strong; without
 * it (a build of the command line alone) the weak one lets the program fall back to
 * printing a comparison. */
#if defined(__has_include)
#if __has_include("tui/explorer/explorer.h")
#include "tui/explorer/explorer.h"
#define PS_HAVE_EXPLORER 1
#endif
#endif
#ifndef PS_HAVE_EXPLORER
extern int ps_tui_main(int argc, char **argv) __attribute__((weak));
#endif

int main(int argc, char **argv)
{
    int rc = ps_cli_main(argc, argv, ps_tui_main);
    /* The last write error of standard output shows only when it is closed (a file system
     * that reports errors on close): checked, like every other write. */
    if (fclose(stdout) != 0 && errno != EPIPE && errno != EBADF && rc == 0) {
        fprintf(stderr, "pipescope: cannot write to standard output: %s\n", strerror(errno));
        rc = 1;
    }
    return rc;
}
