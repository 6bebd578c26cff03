/* Where a cluster comes from (docs/cluster.md): a cluster file or a built-in cluster preset
 * (`bace-paper`), then --set edits in order, then the jobs' model names resolved with the
 * calculator's catalogue (presets/models.c), which the codec in core/io cannot reach. */
#ifndef PS_PRESETS_CLUSTER_H
#define PS_PRESETS_CLUSTER_H

#include <stddef.h>

#include "core/cluster.h"
#include "core/io/cluster_io.h"
#include "core/status.h"

#define PS_DEFAULT_CLUSTER_PRESET "bace-paper"

struct ps_cluster_preset {
    const char *name;
    const char *summary;
    const char *json; /* cluster file text */
};

size_t ps_cluster_preset_count(void);
const struct ps_cluster_preset *ps_cluster_preset_at(size_t i);
const struct ps_cluster_preset *ps_cluster_preset_find(const char *name);

/* Fills every model job's calc from its model spec (ps_model_parse). On failure d names
 * the job ("jobs.3.model: unknown model ..."), and the jobs resolved so far stay so. */
enum ps_status ps_cluster_resolve_models(struct ps_cluster *c, struct ps_diag *d);

/* A cluster file or a preset (default PS_DEFAULT_CLUSTER_PRESET), then "PATH=VALUE" edits. */
struct ps_cluster_source {
    const char *file;   /* NULL, or a cluster file path ("-": standard input) */
    const char *preset; /* NULL, or a cluster preset name */
    int n_sets;
    const char *const *sets;
};

/* Builds the cluster of src (c initialized by the call), models resolved. Errors start with
 * their source so that ps_diag_format(d, NULL, ...) reads "FILE: path: reason" or
 * "--set PATH=VALUE: path: reason". */
enum ps_status ps_cluster_resolve(const struct ps_cluster_source *src, struct ps_cluster *c,
                                  struct ps_diag *d);

/* One --set edit with the models resolved again (the explorer's edits). On failure c is
 * unchanged. */
enum ps_status ps_cluster_set(struct ps_cluster *c, const char *path, const char *value,
                              struct ps_diag *d);

#endif
