/* The built-in workload presets' scenario texts (presets/workloads.c), listed by the preset
 * table in presets/builtin.c. Internal to presets/. */
#ifndef PS_PRESETS_WORKLOADS_H
#define PS_PRESETS_WORKLOADS_H

extern const char ps_preset_ip13_cc48k_json[];
extern const char ps_preset_ip30_gh96k_json[];
extern const char ps_preset_ip30_2dc_json[];

#endif
