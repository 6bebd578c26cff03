/* The built-in presets: scenario files compiled into the program, each with a line on
 * where it comes from. */
#include "presets/presets.h"

#include <stdio.h>
#include <string.h>

/* CrossPipe's headline setting (M70 on 8 stages over 2 DCs, 16 microbatches, T_F = 38 ms,
 * cross-DC transfer about 2 x T_F: 1 GB of activations at 105 Gb/s is 76.2 ms). */
static const char default_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"default\",\n"
    "  \"description\": \"CrossPipe's headline setting: M70 on 8 stages over two datacenters "
    "(4+4), 16 microbatches, T_F = 38 ms, a cross-DC transfer of about 2 x T_F (1 GB at 105 "
    "Gb/s), memory limited to the 1F1B budget.\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [ { \"name\": \"east\", \"stages\": 4 }, { \"name\": \"west\", "
    "\"stages\": 4 } ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 38, \"weight_ms\": 38 },\n"
    "  \"activation_mb\": 1000,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 1, \"bandwidth_gbps\": 105 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.5 }\n"
    "}\n";

/* A clean teaching pipeline: 4 stages, 8 microbatches, unit times, no delays. */
static const char teaching_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"teaching\",\n"
    "  \"description\": \"A teaching pipeline: 4 stages in one datacenter, 8 microbatches, "
    "F = B = W = 1 ms, no communication cost.\",\n"
    "  \"stages\": 4,\n"
    "  \"microbatches\": 8,\n"
    "  \"datacenters\": [ { \"name\": \"dc\", \"stages\": 4 } ],\n"
    "  \"compute\": { \"forward_ms\": 1, \"backward_ms\": 1, \"weight_ms\": 1 },\n"
    "  \"activation_mb\": 0,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": null, \"weight_share\": 0.5 }\n"
    "}\n";

static const struct ps_preset presets[] = {
    {"default", "CrossPipe headline: M70, 8 stages over 2 DCs, 16 microbatches, transfer 2 x T_F",
     default_json},
    {"teaching", "4 stages, 8 microbatches, F = B = W = 1 ms, no delays", teaching_json},
};

size_t ps_preset_count(void)
{
    return sizeof(presets) / sizeof(presets[0]);
}

const struct ps_preset *ps_preset_at(size_t i)
{
    return i < ps_preset_count() ? &presets[i] : NULL;
}

const struct ps_preset *ps_preset_find(const char *name)
{
    for (size_t i = 0; i < ps_preset_count(); i++)
        if (strcmp(presets[i].name, name) == 0)
            return &presets[i];
    return NULL;
}

void ps_preset_list_names(char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < ps_preset_count() && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", presets[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

enum ps_status ps_preset_load(const char *name, struct ps_scenario *sc, struct ps_diag *d)
{
    const struct ps_preset *p = ps_preset_find(name);
    if (p == NULL) {
        char names[1024];
        ps_scenario_init(sc);
        ps_preset_list_names(names, sizeof(names));
        return ps_diag_set(d, PS_ENOTFOUND, "preset", "unknown preset '%s' (known: %s)", name,
                           names);
    }
    return ps_scenario_parse(p->json, strlen(p->json), sc, d);
}
