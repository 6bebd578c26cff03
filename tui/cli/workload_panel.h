/* The workload panel of `pipescope workload --compare` (tui/cli/workload_panel.c). Not for
 * use outside tui/cli/. */
#ifndef PS_TUI_CLI_WORKLOAD_PANEL_H
#define PS_TUI_CLI_WORKLOAD_PANEL_H

#include <stdbool.h>

#include "core/scenario.h"

/* Plans raw's workload with each variant of the panel (InfiniPipe's: batch, token, elastic,
 * w/o wbc, w/o ckpt, full ckpt; all 16 granularity/policy pairs with `pairs`), runs each as
 * `schedule` (NULL: 1f1b) and writes the table, csv, json or the svg of the variants that
 * fit to out (NULL or "-": standard output). Returns the exit code. */
int cli_workload_panel(const struct ps_scenario *raw, bool pairs, const char *schedule,
                       const char *format, const char *out, int width);

#endif
