/* Fuzz target: the calculator's model and cluster specs (two lines: model, then cluster)
 * must never crash or leak; a scenario they accept is valid and survives JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "presets/presets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Specs can name files: keep the fuzzer away from the file system (and /dev/zero). */
    if (size > 4096 || memchr(data, '/', size) != NULL || memchr(data, '\0', size) != NULL)
        return 0;
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *cluster = strchr(text, '\n');
    if (cluster != NULL)
        *cluster++ = '\0';

    struct ps_scenario sc, again;
    struct ps_diag d;
    if (ps_scenario_from_model(text, cluster, &sc, &d) == PS_OK) {
        if (ps_scenario_validate(&sc, &d) != PS_OK)
            abort(); /* the calculator made an invalid scenario */
        char *json = ps_scenario_to_json(&sc);
        if (json != NULL) {
            if (ps_scenario_parse(json, strlen(json), &again, &d) != PS_OK)
                abort();
            ps_scenario_fini(&again);
            free(json);
        }
        ps_scenario_fini(&sc);
    }
    free(text);
    return 0;
}
