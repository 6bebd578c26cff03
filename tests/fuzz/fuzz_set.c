/* Fuzz target: the --set path language. Each line of the input is a PATH=VALUE edit
 * applied to a preset (the first line may name it: "preset NAME"); every edit either
 * succeeds, leaving a scenario that validates and survives a write and read back, or
 * fails leaving the scenario exactly as it was. Never a crash, a leak or a hang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/io.h"
#include "presets/presets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *json_of(const struct ps_scenario *sc)
{
    char *j = ps_scenario_to_json(sc);
    if (j == NULL)
        abort();
    return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ps_scenario sc;
    struct ps_diag d;
    char *line = text, *nl = strchr(line, '\n');
    if (nl != NULL)
        *nl = '\0';
    const char *preset = strncmp(line, "preset ", 7) == 0 ? line + 7 : "teaching";
    if (ps_preset_load(preset, &sc, &d) != PS_OK && ps_preset_load("teaching", &sc, &d) != PS_OK)
        abort();
    if (strncmp(line, "preset ", 7) == 0)
        line = nl != NULL ? nl + 1 : line + strlen(line);
    else if (nl != NULL)
        *nl = '\n';
    for (int edits = 0; *line != '\0' && edits < 16; edits++) {
        nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        char *eq = strchr(line, '=');
        if (eq != NULL) {
            *eq = '\0';
            char *before = json_of(&sc), note[256];
            enum ps_status st = ps_scenario_edit(&sc, line, eq + 1, note, sizeof note, &d);
            char *after = json_of(&sc);
            if (st != PS_OK && strcmp(before, after) != 0)
                abort(); /* a refused edit changed the scenario */
            if (st == PS_OK) {
                struct ps_scenario back;
                if (ps_scenario_validate(&sc, &d) != PS_OK)
                    abort(); /* an accepted edit left an invalid scenario */
                if (ps_scenario_parse(after, strlen(after), &back, &d) != PS_OK)
                    abort(); /* ... or one that does not read back */
                char *again = json_of(&back);
                if (strcmp(again, after) != 0)
                    abort();
                free(again);
                ps_scenario_fini(&back);
            }
            free(before);
            free(after);
        }
        if (nl == NULL)
            break;
        line = nl + 1;
    }
    ps_scenario_fini(&sc);
    free(text);
    return 0;
}
