/* Cluster files ("format": "pipescope-cluster/1", docs/cluster.md section 1): read
 * strictly with every error naming its field path, written back exactly, and edited by
 * field path (--set). Model names stay text here: the calculator's catalogue is above this
 * layer (presets/cluster.h resolves them). */
#ifndef PS_CORE_IO_CLUSTER_IO_H
#define PS_CORE_IO_CLUSTER_IO_H

#include <stddef.h>

#include "core/cluster.h"
#include "core/status.h"

#define PS_CLUSTER_FORMAT "pipescope-cluster/1"

/* Parses a cluster file's text (len bytes). c is initialized by the call; on failure it is
 * left empty and d has the field path, or line/column for broken JSON. The result passes
 * ps_cluster_validate; its model jobs are not resolved yet (has_calc false). */
enum ps_status ps_cluster_parse(const char *text, size_t len, struct ps_cluster *c,
                                struct ps_diag *d);

/* Reads and parses a file ("-" = standard input). PS_EIO when it cannot be read. */
enum ps_status ps_cluster_load(const char *path, struct ps_cluster *c, struct ps_diag *d);

/* The cluster as a file (pretty JSON, "format" first). malloc'd, owned by the caller; NULL
 * on out of memory. Parsing it gives the same cluster (models unresolved). */
char *ps_cluster_to_json(const struct ps_cluster *c);

/* Sets one field by its path ("regions.2.gpus", "scale.bandwidth", "jobs.0.model") from
 * text, then re-reads and validates the whole cluster. On failure c is unchanged and d
 * names the path. On success the model jobs are unresolved again (resolve them again). */
enum ps_status ps_cluster_set_path(struct ps_cluster *c, const char *path, const char *value,
                                   struct ps_diag *d);

#endif
