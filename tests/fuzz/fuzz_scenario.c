/* Fuzz target: the scenario parser, and on success the writer and a --set edit, must never
 * crash or leak, whatever the bytes; what it accepts writes and reads back identically. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "presets/presets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ps_scenario sc, again;
    struct ps_diag d;
    if (ps_scenario_parse((const char *)data, size, &sc, &d) != PS_OK)
        return 0;
    /* a valid scenario writes, reads back, and takes an edit */
    char *json = ps_scenario_to_json(&sc);
    if (json != NULL) {
        if (ps_scenario_parse(json, strlen(json), &again, &d) != PS_OK)
            abort(); /* the writer produced something the parser rejects */
        char *json2 = ps_scenario_to_json(&again);
        if (json2 != NULL && strcmp(json, json2) != 0)
            abort(); /* the round trip changed the scenario */
        free(json2);
        ps_scenario_fini(&again);
        free(json);
    }
    ps_scenario_set_path(&sc, "compute.per_stage.0.forward_ms", "2", &d);
    ps_scenario_set_path(&sc, "datacenters", "1+1", &d);
    ps_scenario_fini(&sc);
    return 0;
}
