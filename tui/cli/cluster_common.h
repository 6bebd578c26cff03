/* What the `cluster` command's files share (cmd_cluster.c, cluster_steps.c): its options
 * and the planned cluster every step starts from. Not for use outside tui/cli/. */
#ifndef PS_TUI_CLI_CLUSTER_COMMON_H
#define PS_TUI_CLI_CLUSTER_COMMON_H

#include <stdbool.h>

#include "presets/cluster.h"
#include "solvers/cluster.h"

struct cli_cluster_opts {
    struct ps_cluster_source src; /* --cluster / --preset / --set */
    const char **sets;            /* owned array behind src.sets */
    const char *policies, *schedule, *job, *format, *figure, *out;
    const char *step; /* NULL, "path" or "allocate" */
    bool jobs;
    int width;
};

/* The effective cluster (scales applied, models resolved), its timer and its plans. */
struct cli_cluster_ctx {
    struct ps_cluster c;
    struct ps_cluster_timer *timer;
    struct ps_job_plan *plans;
};

/* Resolves, expands and plans the cluster of o. Returns an exit code (message printed);
 * x must be released with cli_cluster_ctx_fini whatever it returns. */
int cli_cluster_prepare(const struct cli_cluster_opts *o, struct cli_cluster_ctx *x);
void cli_cluster_ctx_fini(struct cli_cluster_ctx *x);

/* `cluster path` or `cluster allocate` for o->job on the empty cluster. */
int cli_cluster_step(const struct cli_cluster_opts *o, const struct cli_cluster_ctx *x);

#endif
