/* The built-in presets: scenario files compiled into the program, each with a line on
 * where it comes from (docs/presets.md). The calculated ones were written by
 * ps_scenario_from_model from the recipe at the end of their description, which the tests
 * rerun; the others are the papers' abstract settings. */
#include "presets/presets.h"
#include "presets/workloads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/suggest.h"

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

/* CrossPipe Fig. 8: the schedule sensitivity simulation, at T_lat = T_bw = T_F. */
static const char crosspipe_fig8_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"crosspipe-fig8\",\n"
    "  \"description\": \"CrossPipe Fig. 8 (schedule sensitivity simulation): 4 stages over "
    "two datacenters (2+2), 8 microbatches, F = B = W = 1 ms as in the paper's simulator "
    "(M_F = +2, M_D = M_W = -1: weight share 0.5), memory limited to the 1F1B budget that "
    "the paper gives dynamic and static schedules alike. The figure sweeps T_lat/T_F and "
    "T_bw/T_F; this preset sits at 1 and 1 (1 ms latency; the 1 MB message takes 1 ms at 8 "
    "Gb/s). Sweep with --set network.inter_dc.latency_ms=R and --set "
    "network.inter_dc.bandwidth_gbps=8/R.\",\n"
    "  \"stages\": 4,\n"
    "  \"microbatches\": 8,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 2 },\n"
    "    { \"name\": \"dc1\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 1, \"backward_ms\": 1, \"weight_ms\": 1 },\n"
    "  \"activation_mb\": 1,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 1, \"bandwidth_gbps\": 8 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 4, \"weight_share\": 0.5 }\n"
    "}\n";

/* CrossPipe Fig. 11, M8 at T_lat = 0 T_F, T_bw = 0 T_F (calculated). */
static const char m8_2dc_lat0_bw0_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m8-2dc-lat0-bw0\",\n"
    "  \"description\": \"CrossPipe Fig. 11 (M8 of Table 4): TP 2, 4 stages over two "
    "datacenters (2+2), DP 1, 8 microbatches (GBS 8), memory limited to the 1F1B budget; "
    "cross-DC latency 0 x T_F and transmission 0 x T_F. The paper gives no T_F for M8: the "
    "calculator runs it at the 383.4 TFLOP/s per GPU that M70's measured T_F = 38 ms implies "
    "(39% of a GH200's peak). Other delay ratios: change latr and bwr in the recipe. Recipe: "
    "--model m8 --cluster "
    "split=2+2,names=dc0+dc1,pp=4,tp=2,gpu=383.4,mb=8,mem=1f1b,intra=0.01/0,latr=0,bwr=0\",\n"
    "  \"stages\": 4,\n"
    "  \"microbatches\": 8,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 2 },\n"
    "    { \"name\": \"dc1\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 20.0745, \"backward_ms\": 22.2254, \"weight_ms\": "
    "18.6407 },\n"
    "  \"activation_mb\": 33.5544,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 4, \"weight_share\": 0.829268 }\n"
    "}\n";

/* CrossPipe Fig. 11, M8 at T_lat = 2 T_F, T_bw = 0 T_F (calculated). */
static const char m8_2dc_lat2_bw0_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m8-2dc-lat2-bw0\",\n"
    "  \"description\": \"CrossPipe Fig. 11 (M8 of Table 4): TP 2, 4 stages over two "
    "datacenters (2+2), DP 1, 8 microbatches (GBS 8), memory limited to the 1F1B budget; "
    "cross-DC latency 2 x T_F and transmission 0 x T_F. The paper gives no T_F for M8: the "
    "calculator runs it at the 383.4 TFLOP/s per GPU that M70's measured T_F = 38 ms implies "
    "(39% of a GH200's peak). Other delay ratios: change latr and bwr in the recipe. Recipe: "
    "--model m8 --cluster "
    "split=2+2,names=dc0+dc1,pp=4,tp=2,gpu=383.4,mb=8,mem=1f1b,intra=0.01/0,latr=2,bwr=0\",\n"
    "  \"stages\": 4,\n"
    "  \"microbatches\": 8,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 2 },\n"
    "    { \"name\": \"dc1\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 20.0745, \"backward_ms\": 22.2254, \"weight_ms\": "
    "18.6407 },\n"
    "  \"activation_mb\": 33.5544,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 40.149, \"bandwidth_gbps\": 0 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 4, \"weight_share\": 0.829268 }\n"
    "}\n";

/* CrossPipe Fig. 11, M8 at T_lat = 0 T_F, T_bw = 2 T_F (calculated). */
static const char m8_2dc_lat0_bw2_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m8-2dc-lat0-bw2\",\n"
    "  \"description\": \"CrossPipe Fig. 11 (M8 of Table 4): TP 2, 4 stages over two "
    "datacenters (2+2), DP 1, 8 microbatches (GBS 8), memory limited to the 1F1B budget; "
    "cross-DC latency 0 x T_F and transmission 2 x T_F. The paper gives no T_F for M8: the "
    "calculator runs it at the 383.4 TFLOP/s per GPU that M70's measured T_F = 38 ms implies "
    "(39% of a GH200's peak). Other delay ratios: change latr and bwr in the recipe. Recipe: "
    "--model m8 --cluster "
    "split=2+2,names=dc0+dc1,pp=4,tp=2,gpu=383.4,mb=8,mem=1f1b,intra=0.01/0,latr=0,bwr=2\",\n"
    "  \"stages\": 4,\n"
    "  \"microbatches\": 8,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 2 },\n"
    "    { \"name\": \"dc1\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 20.0745, \"backward_ms\": 22.2254, \"weight_ms\": "
    "18.6407 },\n"
    "  \"activation_mb\": 33.5544,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 6.68597 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 4, \"weight_share\": 0.829268 }\n"
    "}\n";

/* CrossPipe Fig. 11 and Table 5, M70 over 2 DCs at T_lat = 0 T_F, T_bw = 0 T_F (calculated). */
static const char m70_2dc_lat0_bw0_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-2dc-lat0-bw0\",\n"
    "  \"description\": \"CrossPipe Fig. 11 and Table 5 case 1 (M70 of Table 4): TP 4, 8 "
    "stages over two datacenters (4+4), DP 1, 16 microbatches (GBS 16), memory limited to "
    "the 1F1B budget; T_F = 38 ms as the paper measured, B and W from the calculator's FLOP "
    "ratios; cross-DC latency 0 x T_F and transmission 0 x T_F of the 64 MiB message. Table "
    "5 case 2: replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=4+4,names=dc0+dc1,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=0,bwr=0\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 4 },\n"
    "    { \"name\": \"dc1\", \"stages\": 4 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Fig. 11, M70 over 2 DCs at T_lat = 0 T_F, T_bw = 2 T_F (calculated). */
static const char m70_2dc_lat0_bw2_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-2dc-lat0-bw2\",\n"
    "  \"description\": \"CrossPipe Fig. 11 case 1 (M70 of Table 4): TP 4, 8 stages over two "
    "datacenters (4+4), DP 1, 16 microbatches (GBS 16), memory limited to the 1F1B budget; "
    "T_F = 38 ms as the paper measured, B and W from the calculator's FLOP ratios; cross-DC "
    "latency 0 x T_F and transmission 2 x T_F of the 64 MiB message. This is the point of "
    "the paper's headline (up to 33.6% faster than the best static schedule). Table 5 case "
    "2: replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=4+4,names=dc0+dc1,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=0,bwr=2\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 4 },\n"
    "    { \"name\": \"dc1\", \"stages\": 4 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 7.06409 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Fig. 11, M70 over 2 DCs at T_lat = 2 T_F, T_bw = 0 T_F (calculated). */
static const char m70_2dc_lat2_bw0_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-2dc-lat2-bw0\",\n"
    "  \"description\": \"CrossPipe Fig. 11 case 1 (M70 of Table 4): TP 4, 8 stages over two "
    "datacenters (4+4), DP 1, 16 microbatches (GBS 16), memory limited to the 1F1B budget; "
    "T_F = 38 ms as the paper measured, B and W from the calculator's FLOP ratios; cross-DC "
    "latency 2 x T_F and transmission 0 x T_F of the 64 MiB message. Table 5 case 2: replace "
    "mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set microbatches=32 --set "
    "memory.limit=16. Other delay ratios: change latr and bwr. Recipe: --model m70 --cluster "
    "split=4+4,names=dc0+dc1,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=2,bwr=0\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 4 },\n"
    "    { \"name\": \"dc1\", \"stages\": 4 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 76, \"bandwidth_gbps\": 0 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Table 5, M70 over 2 DCs at T_lat = 0.25 T_F, T_bw = 0.25 T_F (calculated). */
static const char m70_2dc_lat0_25_bw0_25_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-2dc-lat0.25-bw0.25\",\n"
    "  \"description\": \"CrossPipe Table 5 case 1 (M70 of Table 4): TP 4, 8 stages over two "
    "datacenters (4+4), DP 1, 16 microbatches (GBS 16), memory limited to the 1F1B budget; "
    "T_F = 38 ms as the paper measured, B and W from the calculator's FLOP ratios; cross-DC "
    "latency 0.25 x T_F and transmission 0.25 x T_F of the 64 MiB message. Table 5 case 2: "
    "replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=4+4,names=dc0+dc1,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=0.25,bwr=0.25\""
    ",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 4 },\n"
    "    { \"name\": \"dc1\", \"stages\": 4 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 9.5, \"bandwidth_gbps\": 56.5128 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Table 5, M70 over 2 DCs at T_lat = 0.25 T_F, T_bw = 2 T_F (calculated). */
static const char m70_2dc_lat0_25_bw2_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-2dc-lat0.25-bw2\",\n"
    "  \"description\": \"CrossPipe Table 5 case 1 (M70 of Table 4): TP 4, 8 stages over two "
    "datacenters (4+4), DP 1, 16 microbatches (GBS 16), memory limited to the 1F1B budget; "
    "T_F = 38 ms as the paper measured, B and W from the calculator's FLOP ratios; cross-DC "
    "latency 0.25 x T_F and transmission 2 x T_F of the 64 MiB message. Table 5 case 2: "
    "replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=4+4,names=dc0+dc1,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=0.25,bwr=2\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 4 },\n"
    "    { \"name\": \"dc1\", \"stages\": 4 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 9.5, \"bandwidth_gbps\": 7.06409 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Table 5, M70 over 2 DCs at T_lat = 2 T_F, T_bw = 0.25 T_F (calculated). */
static const char m70_2dc_lat2_bw0_25_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-2dc-lat2-bw0.25\",\n"
    "  \"description\": \"CrossPipe Table 5 case 1 (M70 of Table 4): TP 4, 8 stages over two "
    "datacenters (4+4), DP 1, 16 microbatches (GBS 16), memory limited to the 1F1B budget; "
    "T_F = 38 ms as the paper measured, B and W from the calculator's FLOP ratios; cross-DC "
    "latency 2 x T_F and transmission 0.25 x T_F of the 64 MiB message. Table 5 case 2: "
    "replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=4+4,names=dc0+dc1,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=2,bwr=0.25\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 4 },\n"
    "    { \"name\": \"dc1\", \"stages\": 4 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 76, \"bandwidth_gbps\": 56.5128 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Table 5, M70 over 2 DCs at T_lat = 2 T_F, T_bw = 2 T_F (calculated). */
static const char m70_2dc_lat2_bw2_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-2dc-lat2-bw2\",\n"
    "  \"description\": \"CrossPipe Table 5 case 1 (M70 of Table 4): TP 4, 8 stages over two "
    "datacenters (4+4), DP 1, 16 microbatches (GBS 16), memory limited to the 1F1B budget; "
    "T_F = 38 ms as the paper measured, B and W from the calculator's FLOP ratios; cross-DC "
    "latency 2 x T_F and transmission 2 x T_F of the 64 MiB message. Table 5 case 2: replace "
    "mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set microbatches=32 --set "
    "memory.limit=16. Other delay ratios: change latr and bwr. Recipe: --model m70 --cluster "
    "split=4+4,names=dc0+dc1,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=2,bwr=2\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 4 },\n"
    "    { \"name\": \"dc1\", \"stages\": 4 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 76, \"bandwidth_gbps\": 7.06409 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Table 6, M70 over 4 DCs at T_lat = 0 T_F, T_bw = 0 T_F (calculated). */
static const char m70_4dc_lat0_bw0_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-4dc-lat0-bw0\",\n"
    "  \"description\": \"CrossPipe Table 6 case 1 (M70 of Table 4): TP 4, 8 stages over "
    "four datacenters of 2 stages with uniform cross-DC links, DP 1, 16 microbatches, memory "
    "limited to the 1F1B budget; T_F = 38 ms as the paper measured, B and W from the "
    "calculator's FLOP ratios; cross-DC latency 0 x T_F and transmission 0 x T_F. Case 2: "
    "replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=2+2+2+2,names=dc0+dc1+dc2+dc3,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=0,b"
    "wr=0\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 2 },\n"
    "    { \"name\": \"dc1\", \"stages\": 2 },\n"
    "    { \"name\": \"dc2\", \"stages\": 2 },\n"
    "    { \"name\": \"dc3\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Table 6, M70 over 4 DCs at T_lat = 0.25 T_F, T_bw = 0.25 T_F (calculated). */
static const char m70_4dc_lat0_25_bw0_25_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-4dc-lat0.25-bw0.25\",\n"
    "  \"description\": \"CrossPipe Table 6 case 1 (M70 of Table 4): TP 4, 8 stages over "
    "four datacenters of 2 stages with uniform cross-DC links, DP 1, 16 microbatches, memory "
    "limited to the 1F1B budget; T_F = 38 ms as the paper measured, B and W from the "
    "calculator's FLOP ratios; cross-DC latency 0.25 x T_F and transmission 0.25 x T_F. Case "
    "2: replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=2+2+2+2,names=dc0+dc1+dc2+dc3,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=0.2"
    "5,bwr=0.25\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 2 },\n"
    "    { \"name\": \"dc1\", \"stages\": 2 },\n"
    "    { \"name\": \"dc2\", \"stages\": 2 },\n"
    "    { \"name\": \"dc3\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 9.5, \"bandwidth_gbps\": 56.5128 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Table 6, M70 over 4 DCs at T_lat = 0.25 T_F, T_bw = 2 T_F (calculated). */
static const char m70_4dc_lat0_25_bw2_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-4dc-lat0.25-bw2\",\n"
    "  \"description\": \"CrossPipe Table 6 case 1 (M70 of Table 4): TP 4, 8 stages over "
    "four datacenters of 2 stages with uniform cross-DC links, DP 1, 16 microbatches, memory "
    "limited to the 1F1B budget; T_F = 38 ms as the paper measured, B and W from the "
    "calculator's FLOP ratios; cross-DC latency 0.25 x T_F and transmission 2 x T_F. Case 2: "
    "replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=2+2+2+2,names=dc0+dc1+dc2+dc3,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=0.2"
    "5,bwr=2\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 2 },\n"
    "    { \"name\": \"dc1\", \"stages\": 2 },\n"
    "    { \"name\": \"dc2\", \"stages\": 2 },\n"
    "    { \"name\": \"dc3\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 9.5, \"bandwidth_gbps\": 7.06409 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Table 6, M70 over 4 DCs at T_lat = 2 T_F, T_bw = 0.25 T_F (calculated). */
static const char m70_4dc_lat2_bw0_25_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-4dc-lat2-bw0.25\",\n"
    "  \"description\": \"CrossPipe Table 6 case 1 (M70 of Table 4): TP 4, 8 stages over "
    "four datacenters of 2 stages with uniform cross-DC links, DP 1, 16 microbatches, memory "
    "limited to the 1F1B budget; T_F = 38 ms as the paper measured, B and W from the "
    "calculator's FLOP ratios; cross-DC latency 2 x T_F and transmission 0.25 x T_F. Case 2: "
    "replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=2+2+2+2,names=dc0+dc1+dc2+dc3,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=2,b"
    "wr=0.25\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 2 },\n"
    "    { \"name\": \"dc1\", \"stages\": 2 },\n"
    "    { \"name\": \"dc2\", \"stages\": 2 },\n"
    "    { \"name\": \"dc3\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 76, \"bandwidth_gbps\": 56.5128 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Table 6, M70 over 4 DCs at T_lat = 2 T_F, T_bw = 2 T_F (calculated). */
static const char m70_4dc_lat2_bw2_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"m70-4dc-lat2-bw2\",\n"
    "  \"description\": \"CrossPipe Table 6 case 1 (M70 of Table 4): TP 4, 8 stages over "
    "four datacenters of 2 stages with uniform cross-DC links, DP 1, 16 microbatches, memory "
    "limited to the 1F1B budget; T_F = 38 ms as the paper measured, B and W from the "
    "calculator's FLOP ratios; cross-DC latency 2 x T_F and transmission 2 x T_F. Case 2: "
    "replace mb=16,mem=1f1b by mb=32,recompute=1 in the recipe; case 3: --set "
    "microbatches=32 --set memory.limit=16. Other delay ratios: change latr and bwr. Recipe: "
    "--model m70 --cluster "
    "split=2+2+2+2,names=dc0+dc1+dc2+dc3,pp=8,tp=4,tf=38,mb=16,mem=1f1b,intra=0.01/0,latr=2,b"
    "wr=2\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 16,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 2 },\n"
    "    { \"name\": \"dc1\", \"stages\": 2 },\n"
    "    { \"name\": \"dc2\", \"stages\": 2 },\n"
    "    { \"name\": \"dc3\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 38, \"backward_ms\": 40.1509, \"weight_ms\": 36.566 "
    "},\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 76, \"bandwidth_gbps\": 7.06409 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.82716 }\n"
    "}\n";

/* CrossPipe Fig. 9: Llama 3 405B over 2 DCs (calculated; T_F = 108.85 ms). */
static const char llama3_405b_fig9_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"llama3-405b-fig9\",\n"
    "  \"description\": \"CrossPipe Fig. 9 (cross-DC PP vs DP): Llama 3 405B, TP 8, 16 "
    "stages over two datacenters (8+8), DP 64, sequence 8192, GBS = 2 x 16 x 64 (32 "
    "microbatches per replica), 500 TFLOP/s per GPU, so T_F = 108.85 ms (the paper: about "
    "109 ms). The 64 replicas' messages (17.2 GB per microbatch together) share one 64 GB/s "
    "(512 Gb/s) link with 32 ms latency, where the paper finds PP only 1.3x slower than one "
    "DC; the figure sweeps 4-128 ms and 4-1024 GB/s (--set "
    "network.inter_dc.bandwidth_gbps=8*GB/s). Memory limited to the 1F1B budget. Recipe: "
    "--model llama3-405b --cluster "
    "split=8+8,names=dc0+dc1,pp=16,tp=8,dp=64,gpu=500,mb=32,mem=1f1b,lat=32,bw=512,intra=0.01"
    "/0\",\n"
    "  \"stages\": 16,\n"
    "  \"microbatches\": 32,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 8 },\n"
    "    { \"name\": \"dc1\", \"stages\": 8 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 108.852, \"backward_ms\": 115.449, \"weight_ms\": "
    "104.454 },\n"
    "  \"activation_mb\": 17179.9,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 32, \"bandwidth_gbps\": 512 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 16, \"weight_share\": 0.830065 }\n"
    "}\n";

/* CrossPipe Fig. 15: delays accumulate through static schedules. */
static const char crosspipe_fig15_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"crosspipe-fig15\",\n"
    "  \"description\": \"CrossPipe Fig. 15 (Appendix C, bubble strides of static "
    "schedules): 16 stages over two datacenters (8+8), 32 microbatches, F = B = W = 1 ms, "
    "cross-DC latency 1.5 x T_F and unlimited bandwidth, memory limited to the 1F1B budget. "
    "The delay accumulates through 1F1B, interleaved 1F1B, ZB-H1 and ZB-V instead of being "
    "absorbed (1F1B: 141 -> 180 ms).\",\n"
    "  \"stages\": 16,\n"
    "  \"microbatches\": 32,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"dc0\", \"stages\": 8 },\n"
    "    { \"name\": \"dc1\", \"stages\": 8 }\n"
    "  ],\n"
    "  \"compute\": { \"forward_ms\": 1, \"backward_ms\": 1, \"weight_ms\": 1 },\n"
    "  \"activation_mb\": 1,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 1.5, \"bandwidth_gbps\": 0 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 16, \"weight_share\": 0.5 }\n"
    "}\n";

/* GeoPipe-like: Llama-2 70B class over three regions, memory limit from 64 GB HBM (calculated). */
static const char geopipe_llama2_72b_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"geopipe-llama2-72b\",\n"
    "  \"description\": \"GeoPipe-like geo-distributed pipeline (Dai et al., ACP 2025): a "
    "Llama-2 70B-class model (the paper's summaries say 72B) on 8 nodes of 8 NPUs with 64 GB "
    "HBM each, TP 8, 8 stages over three regions (3+3+2), DP 1. Not published, so assumed: "
    "32 microbatches, 320 TFLOP/s per NPU at 40% utilisation, 5 ms and 400 Gb/s between "
    "regions. The 82 counted layers split 10 per stage with 11 on the last two stages. The "
    "memory limit is what 64 GB leaves after weights, gradients and Adam states, in "
    "microbatches of the largest stage. Recipe: --model llama2-70b --cluster "
    "split=3+3+2,names=region-a+region-b+region-c,pp=8,tp=8,gpu=320,util=0.4,hbm=64,mb=32,lat"
    "=5,bw=400,intra=0.01/0\",\n"
    "  \"stages\": 8,\n"
    "  \"microbatches\": 32,\n"
    "  \"datacenters\": [\n"
    "    { \"name\": \"region-a\", \"stages\": 3 },\n"
    "    { \"name\": \"region-b\", \"stages\": 3 },\n"
    "    { \"name\": \"region-c\", \"stages\": 2 }\n"
    "  ],\n"
    "  \"compute\": {\n"
    "    \"forward_ms\": 78.2489,\n"
    "    \"backward_ms\": 82.6781,\n"
    "    \"weight_ms\": 75.2961,\n"
    "    \"per_stage\": [\n"
    "      { \"forward_ms\": 71.1354, \"backward_ms\": 75.1619, \"weight_ms\": 68.451 },\n"
    "      { \"forward_ms\": 71.1354, \"backward_ms\": 75.1619, \"weight_ms\": 68.451 },\n"
    "      { \"forward_ms\": 71.1354, \"backward_ms\": 75.1619, \"weight_ms\": 68.451 },\n"
    "      { \"forward_ms\": 71.1354, \"backward_ms\": 75.1619, \"weight_ms\": 68.451 },\n"
    "      { \"forward_ms\": 71.1354, \"backward_ms\": 75.1619, \"weight_ms\": 68.451 },\n"
    "      { \"forward_ms\": 71.1354, \"backward_ms\": 75.1619, \"weight_ms\": 68.451 },\n"
    "      { \"forward_ms\": 78.2489, \"backward_ms\": 82.6781, \"weight_ms\": 75.2961 },\n"
    "      { \"forward_ms\": 78.2489, \"backward_ms\": 82.6781, \"weight_ms\": 75.2961 }\n"
    "    ]\n"
    "  },\n"
    "  \"activation_mb\": 67.1089,\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 0 },\n"
    "    \"inter_dc\": { \"latency_ms\": 5, \"bandwidth_gbps\": 400 }\n"
    "  },\n"
    "  \"memory\": { \"limit\": 24.176, \"weight_share\": 0.82716 }\n"
    "}\n";

static const struct ps_preset presets[] = {
    {"default", "CrossPipe headline: M70, 8 stages over 2 DCs, 16 microbatches, transfer 2 x T_F",
     default_json},
    {"teaching", "4 stages, 8 microbatches, F = B = W = 1 ms, no delays", teaching_json},
    {"crosspipe-fig8",
     "CrossPipe Fig. 8: 4 stages over 2 DCs, 8 microbatches, unit times, T_lat = T_bw = T_F",
     crosspipe_fig8_json},
    {"m8-2dc-lat0-bw0",
     "CrossPipe Fig. 11: M8, 2 DCs x 2 stages, 8 mb, T_lat = 0 T_F, T_bw = 0 T_F",
     m8_2dc_lat0_bw0_json},
    {"m8-2dc-lat2-bw0",
     "CrossPipe Fig. 11: M8, 2 DCs x 2 stages, 8 mb, T_lat = 2 T_F, T_bw = 0 T_F",
     m8_2dc_lat2_bw0_json},
    {"m8-2dc-lat0-bw2",
     "CrossPipe Fig. 11: M8, 2 DCs x 2 stages, 8 mb, T_lat = 0 T_F, T_bw = 2 T_F",
     m8_2dc_lat0_bw2_json},
    {"m70-2dc-lat0-bw0",
     "CrossPipe Fig. 11 and Table 5: M70, 2 DCs x 4 stages, 16 mb, T_lat = 0 T_F, T_bw = 0 T_F",
     m70_2dc_lat0_bw0_json},
    {"m70-2dc-lat0-bw2",
     "CrossPipe Fig. 11: M70, 2 DCs x 4 stages, 16 mb, T_lat = 0 T_F, T_bw = 2 T_F",
     m70_2dc_lat0_bw2_json},
    {"m70-2dc-lat2-bw0",
     "CrossPipe Fig. 11: M70, 2 DCs x 4 stages, 16 mb, T_lat = 2 T_F, T_bw = 0 T_F",
     m70_2dc_lat2_bw0_json},
    {"m70-2dc-lat0.25-bw0.25",
     "CrossPipe Table 5: M70, 2 DCs x 4 stages, 16 mb, T_lat = 0.25 T_F, T_bw = 0.25 T_F",
     m70_2dc_lat0_25_bw0_25_json},
    {"m70-2dc-lat0.25-bw2",
     "CrossPipe Table 5: M70, 2 DCs x 4 stages, 16 mb, T_lat = 0.25 T_F, T_bw = 2 T_F",
     m70_2dc_lat0_25_bw2_json},
    {"m70-2dc-lat2-bw0.25",
     "CrossPipe Table 5: M70, 2 DCs x 4 stages, 16 mb, T_lat = 2 T_F, T_bw = 0.25 T_F",
     m70_2dc_lat2_bw0_25_json},
    {"m70-2dc-lat2-bw2",
     "CrossPipe Table 5: M70, 2 DCs x 4 stages, 16 mb, T_lat = 2 T_F, T_bw = 2 T_F",
     m70_2dc_lat2_bw2_json},
    {"m70-4dc-lat0-bw0",
     "CrossPipe Table 6: M70, 4 DCs x 2 stages, 16 mb, T_lat = 0 T_F, T_bw = 0 T_F",
     m70_4dc_lat0_bw0_json},
    {"m70-4dc-lat0.25-bw0.25",
     "CrossPipe Table 6: M70, 4 DCs x 2 stages, 16 mb, T_lat = 0.25 T_F, T_bw = 0.25 T_F",
     m70_4dc_lat0_25_bw0_25_json},
    {"m70-4dc-lat0.25-bw2",
     "CrossPipe Table 6: M70, 4 DCs x 2 stages, 16 mb, T_lat = 0.25 T_F, T_bw = 2 T_F",
     m70_4dc_lat0_25_bw2_json},
    {"m70-4dc-lat2-bw0.25",
     "CrossPipe Table 6: M70, 4 DCs x 2 stages, 16 mb, T_lat = 2 T_F, T_bw = 0.25 T_F",
     m70_4dc_lat2_bw0_25_json},
    {"m70-4dc-lat2-bw2",
     "CrossPipe Table 6: M70, 4 DCs x 2 stages, 16 mb, T_lat = 2 T_F, T_bw = 2 T_F",
     m70_4dc_lat2_bw2_json},
    {"llama3-405b-fig9",
     "CrossPipe Fig. 9: Llama 3 405B, 16 stages (TP 8, DP 64), 2 DCs, 32 mb, 64 GB/s, 32 ms",
     llama3_405b_fig9_json},
    {"crosspipe-fig15",
     "CrossPipe Fig. 15: 16 stages over 2 DCs, 32 microbatches, unit times, latency 1.5 T_F",
     crosspipe_fig15_json},
    {"geopipe-llama2-72b",
     "GeoPipe-like: Llama-2 72B class, 8 stages (TP 8) over 3 regions, 64 GB HBM -> memory limit",
     geopipe_llama2_72b_json},
    {"infinipipe-13b-cc48k",
     "InfiniPipe-like: 13B-class, 4 stages x 8 GPUs, 512 CommonCrawl-like sequences, 48K cap",
     ps_preset_ip13_cc48k_json},
    {"infinipipe-30b-gh96k",
     "InfiniPipe-like: 30B-class, 4 stages x 8 GPUs, 512 GitHub-like sequences, 96K cap",
     ps_preset_ip30_gh96k_json},
    {"infinipipe-30b-2dc",
     "InfiniPipe-like 30B over two DCs (2+2, 200 Gb/s, 10 ms): the cross-DC hide ratio",
     ps_preset_ip30_2dc_json},
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
    /* Whole names only: a list that does not fit ends with ", ..." (room for it is kept). */
    for (size_t i = 0; i < ps_preset_count(); i++) {
        size_t len = strlen(presets[i].name) + (i ? 2 : 0);
        bool last = i + 1 == ps_preset_count();
        if (used + len + (last ? 0 : 5) >= size) {
            if (used + 5 < size)
                snprintf(buf + used, size - used, "%s...", i ? ", " : "");
            break;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", presets[i].name);
    }
}

/* The built-in preset closest to a mistyped name, or NULL when none is close. */
static const char *near_preset(const char *name)
{
    struct ps_suggest sg;
    ps_suggest_init(&sg, name);
    for (size_t i = 0; i < ps_preset_count(); i++)
        ps_suggest_offer(&sg, presets[i].name);
    /* User presets too: a name typed after seeing `pipescope presets`. The result points
     * into a static copy, since the list is freed here. */
    static char user_best[PS_NAME_MAX];
    struct ps_user_preset *users = NULL;
    size_t n_users = 0;
    if (ps_user_presets_list(&users, &n_users, NULL) == PS_OK) {
        const char *before = sg.best;
        for (size_t i = 0; i < n_users; i++)
            ps_suggest_offer(&sg, users[i].name);
        if (sg.best != before && sg.best != NULL) {
            snprintf(user_best, sizeof user_best, "%s", sg.best);
            sg.best = user_best;
        }
    }
    free(users);
    return sg.best;
}

enum ps_status ps_preset_load(const char *name, struct ps_scenario *sc, struct ps_diag *d)
{
    const struct ps_preset *p = ps_preset_find(name);
    /* Not built in: a user preset of that name, if any. */
    enum ps_status st = p != NULL ? ps_scenario_parse(p->json, strlen(p->json), sc, d)
                                  : ps_user_preset_load(name, sc, d);
    if (st == PS_OK) {
        /* Where it came from, for the provenance of what is computed from it. */
        char origin[200];
        snprintf(origin, sizeof origin, "preset %.180s", name);
        if (ps_scenario_set_origin(sc, origin) != PS_OK) {
            ps_scenario_fini(sc);
            return ps_diag_set(d, PS_ENOMEM, "", NULL);
        }
    }
    if (p != NULL || st != PS_ENOTFOUND)
        return st;
    char dir[160], hint[96] = "";
    if (ps_user_presets_dir(dir, sizeof dir) == NULL)
        snprintf(dir, sizeof dir, "none: HOME is not set");
    const char *near = near_preset(name);
    if (near != NULL)
        snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
    return ps_diag_set(d, PS_ENOTFOUND, "preset",
                       "unknown preset '%.40s'%s (%zu built in, e.g. %s, %s; user presets: %s; "
                       "see 'pipescope presets')",
                       name, hint, ps_preset_count(), presets[0].name, presets[1].name, dir);
}
