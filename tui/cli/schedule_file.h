/* What validate and replay share: their one FILE argument and the schedule file read
 * back (with a clear word when the file is another of pipescope's outputs). Not for use
 * outside tui/cli/. */
#ifndef PS_TUI_CLI_SCHEDULE_FILE_H
#define PS_TUI_CLI_SCHEDULE_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "export/export.h"
#include "tui/cli/common.h"

/* Parses the options and the one FILE argument of validate or replay (cmd; fcfs NULL:
 * --fcfs is not an option of cmd). Returns -1 to go on (*file set), else the exit code. */
int cli_file_args(const struct cli_env *env, const char *cmd, int argc, char **argv,
                  const char **file, bool *fcfs);

/* Reads and imports a schedule file into ls and rec (ls owned by the caller:
 * ps_loaded_schedule_fini). Returns PS_EXIT_OK, or PS_EXIT_FAILURE with the reason printed. */
int cli_load_schedule_file(const char *file, struct ps_loaded_schedule *ls,
                           struct ps_recorded_metrics *rec);

/* The number of ops of s, data-parallel ops included. */
size_t cli_count_ops(const struct ps_schedule *s);

/* Two milliseconds agree when they are within a nanosecond (files keep ns exactly). */
bool cli_same_ms(double a, double b);

#endif
