/* Fuzz target: the cluster file parser, and on success the writer, --set edits, the model
 * names and the scaled cluster, must never crash or leak, whatever the bytes; what it
 * accepts writes and reads back identically. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "presets/cluster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ps_cluster c, again;
    struct ps_diag d;
    if (ps_cluster_parse((const char *)data, size, &c, &d) != PS_OK)
        return 0;
    char *json = ps_cluster_to_json(&c);
    if (json != NULL) {
        if (ps_cluster_parse(json, strlen(json), &again, &d) != PS_OK)
            abort(); /* the writer produced something the parser rejects */
        char *json2 = ps_cluster_to_json(&again);
        if (json2 != NULL && strcmp(json, json2) != 0)
            abort(); /* the round trip changed the cluster */
        free(json2);
        ps_cluster_fini(&again);
        free(json);
    }
    ps_cluster_resolve_models(&c, &d);
    ps_cluster_set(&c, "regions.0.name", "renamed", &d);
    ps_cluster_set(&c, "scale.jobs", "2", &d);
    if (ps_cluster_validate(&c, &d) != PS_OK)
        abort(); /* an edit that was accepted left an invalid cluster */
    struct ps_cluster e;
    if (ps_cluster_expand(&e, &c) == PS_OK) {
        for (int j = 0; j < e.n_jobs; j++)
            if (ps_cluster_job_k_min(&e, j) < 1 || ps_cluster_job_k_cap(&e, j) < 0)
                abort();
        ps_cluster_fini(&e);
    }
    ps_cluster_fini(&c);
    return 0;
}
