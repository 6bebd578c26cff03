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
 * --fcfs is not an option of cmd), with the scenario options a torch CSV needs (into so).
 * Returns -1 to go on (*file set), else the exit code. */
int cli_file_args(const struct cli_env *env, const char *cmd, int argc, char **argv,
                  const char **file, bool *fcfs, struct ps_cli_scenario *so);

/* True when so names a scenario (a source or a --set). */
bool cli_scenario_given(const struct ps_cli_scenario *so);

/* A file as validate and replay read it: a pipescope schedule JSON (ls, rec), or a
 * torch.distributed.pipelining action CSV (*torch, untimed, on *sc built from so; info says
 * what it held). Exactly one of ls->sched and *torch is set on PS_EXIT_OK; the caller frees
 * both with cli_schedule_input_fini. Scenario options with a JSON file, or none with a
 * torch CSV, are usage errors. */
struct cli_schedule_input {
    struct ps_loaded_schedule ls;
    struct ps_recorded_metrics rec;
    struct ps_scenario sc;
    bool have_sc;
    struct ps_schedule *torch;
    struct ps_torch_info info;
};
int cli_load_schedule_input(const char *cmd, const char *file, const struct ps_cli_scenario *so,
                            bool fcfs, struct cli_schedule_input *in);
void cli_schedule_input_fini(struct cli_schedule_input *in);

/* "torch schedule (lowered, ...), 4 ranks x 1 chunk (loop), split backward, 8 microbatches,
 * scenario NAME" for a message. */
void cli_torch_summary(const struct cli_schedule_input *in, bool fcfs, char *buf, size_t size);

/* Reads and imports a schedule file into ls and rec (ls owned by the caller:
 * ps_loaded_schedule_fini). Returns PS_EXIT_OK, or PS_EXIT_FAILURE with the reason printed. */
int cli_load_schedule_file(const char *file, struct ps_loaded_schedule *ls,
                           struct ps_recorded_metrics *rec);

/* The number of ops of s, data-parallel ops included. */
size_t cli_count_ops(const struct ps_schedule *s);

/* Two milliseconds agree when they are within a nanosecond (files keep ns exactly). */
bool cli_same_ms(double a, double b);

#endif
