/* The built-in long-context workloads (InfiniPipe, docs/presets.md): a 13B-class model at a
 * 48K cap on a CommonCrawl-like batch, a 30B-class model at 96K on a GitHub-like one, and
 * that 30B pipeline split over two datacenters. Their coefficients are illustrative
 * (docs/formats.md): a FLOP count at an effective 120 TFLOP/s per A800-like GPU, not
 * measurements. */
#include "presets/workloads.h"

/* 13B-class (LLaMA-13B shapes: 40 layers, hidden 5120), Ulysses d_s = 8 inside each of 4
 * stages (32 GPUs, as the paper's testbed), a 48K cap, 512 sequences whose lengths are
 * lognormal around 2,500 tokens with a long tail (CommonCrawl-like). */
const char ps_preset_ip13_cc48k_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"infinipipe-13b-cc48k\",\n"
    "  \"description\": \"InfiniPipe-like long-context training: a 13B-class model (40 layers, "
    "hidden 5120) on 4 pipeline stages of 8 GPUs (Ulysses d_s = 8), 512 CommonCrawl-like "
    "sequences (lognormal, median 2500 tokens, sigma 1.6) cut at 48K tokens, A800-like 80 GB. "
    "Illustrative coefficients (120 TFLOP/s effective).\",\n"
    "  \"stages\": 4,\n"
    "  \"datacenters\": [ { \"name\": \"dc\", \"stages\": 4 } ],\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 3200 },\n"
    "    \"inter_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 }\n"
    "  },\n"
    "  \"workload\": {\n"
    "    \"generator\": { \"distribution\": \"lognormal\", \"seed\": 1, \"median_tokens\": 2500, "
    "\"sigma\": 1.6 },\n"
    "    \"batch\": 512,\n"
    "    \"cap_tokens\": 49152,\n"
    "    \"sp\": 8,\n"
    "    \"model\": { \"layers\": 40, \"hidden\": 5120, \"kv_hidden\": 5120, \"bytes\": 2, "
    "\"params_b\": 13, \"vocab\": 32000 },\n"
    "    \"cost\": {\n"
    "      \"forward\": { \"alpha1_ms\": 3.4e-06, \"alpha2_ms\": 0.22, \"beta1_ms\": 40 },\n"
    "      \"backward\": { \"alpha1_ms\": 8.5e-06, \"alpha2_ms\": 0.22, \"beta1_ms\": 40 },\n"
    "      \"weight\": { \"alpha1_ms\": 0, \"alpha2_ms\": 0.22, \"beta1_ms\": 0 },\n"
    "      \"alltoall\": { \"bandwidth_gbps\": 1200, \"latency_ms\": 0.03 }\n"
    "    },\n"
    "    \"memory\": { \"hbm_gb\": 80, \"reserve_gb\": 4 }\n"
    "  }\n"
    "}\n";

/* The 30B-class workload of both 30B presets (LLaMA-30B shapes: 60 layers, hidden 6656,
 * 32.5 B parameters), 512 GitHub-like sequences: a power law of lengths from 256 tokens to
 * the 96K cap (many short files, repositories that fill the context). */
#define IP30_WORKLOAD                                                                              \
    "  \"workload\": {\n"                                                                          \
    "    \"generator\": { \"distribution\": \"zipf\", \"seed\": 7, \"min_tokens\": 256, "          \
    "\"max_tokens\": 98304, \"exponent\": 1.2 },\n"                                                \
    "    \"batch\": 512,\n"                                                                        \
    "    \"cap_tokens\": 98304,\n"                                                                 \
    "    \"sp\": 8,\n"                                                                             \
    "    \"model\": { \"layers\": 60, \"hidden\": 6656, \"kv_hidden\": 6656, \"bytes\": 2, "       \
    "\"params_b\": 32.5, \"vocab\": 32000 },\n"                                                    \
    "    \"cost\": {\n"                                                                            \
    "      \"forward\": { \"alpha1_ms\": 6.66e-06, \"alpha2_ms\": 0.542, \"beta1_ms\": 40 },\n"    \
    "      \"backward\": { \"alpha1_ms\": 1.665e-05, \"alpha2_ms\": 0.542, \"beta1_ms\": 40 },\n"  \
    "      \"weight\": { \"alpha1_ms\": 0, \"alpha2_ms\": 0.542, \"beta1_ms\": 0 },\n"             \
    "      \"alltoall\": { \"bandwidth_gbps\": 1200, \"latency_ms\": 0.03 }\n"                     \
    "    },\n"                                                                                     \
    "    \"memory\": { \"hbm_gb\": 80, \"reserve_gb\": 4 }\n"                                      \
    "  }\n"

const char ps_preset_ip30_gh96k_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"infinipipe-30b-gh96k\",\n"
    "  \"description\": \"InfiniPipe-like long-context training: a 30B-class model (60 layers, "
    "hidden 6656) on 4 pipeline stages of 8 GPUs (Ulysses d_s = 8), 512 GitHub-like sequences "
    "(a power law from 256 tokens to the 96K cap, exponent 1.2), A800-like 80 GB: long "
    "sequences do not fit whole. Illustrative coefficients (120 TFLOP/s effective).\",\n"
    "  \"stages\": 4,\n"
    "  \"datacenters\": [ { \"name\": \"dc\", \"stages\": 4 } ],\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 3200 },\n"
    "    \"inter_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 }\n"
    "  },\n" IP30_WORKLOAD "}\n";

const char ps_preset_ip30_2dc_json[] =
    "{\n"
    "  \"format\": \"pipescope-scenario/1\",\n"
    "  \"name\": \"infinipipe-30b-2dc\",\n"
    "  \"description\": \"The 30B-class GitHub-like workload of infinipipe-30b-gh96k with its 4 "
    "stages over two datacenters (2+2) joined by 200 Gb/s with 10 ms of latency: long split "
    "chunks hide the cross-DC hop better than batched ones (their compute grows faster than "
    "their message).\",\n"
    "  \"stages\": 4,\n"
    "  \"datacenters\": [ { \"name\": \"east\", \"stages\": 2 }, { \"name\": \"west\", "
    "\"stages\": 2 } ],\n"
    "  \"network\": {\n"
    "    \"intra_dc\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 3200 },\n"
    "    \"inter_dc\": { \"latency_ms\": 10, \"bandwidth_gbps\": 200 }\n"
    "  },\n" IP30_WORKLOAD "}\n";
