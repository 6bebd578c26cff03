/* The explorer: pipescope's ncurses front end (`pipescope`, `pipescope tui`). */
#ifndef PS_TUI_EXPLORER_H
#define PS_TUI_EXPLORER_H

/* Runs the explorer. argv[0] is "tui" (or the program name), then its options:
 * --preset NAME | --scenario FILE | --model/--cluster, --set PATH=VALUE..., --mono,
 * --ascii, --help. Returns the process exit code (0, 1 failure, 2 usage). */
int ps_tui_main(int argc, char **argv);

#endif
