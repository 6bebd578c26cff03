/* The built-in cluster presets: cluster files compiled into the program. `bace-paper` is
 * the BACE-Pipe paper's evaluation setting as far as the sources give it; every number
 * they do not give is assumed and said so (docs/presets.md, section 5). */
#include "presets/cluster.h"

#include <string.h>

static const char bace_paper_json[] =
    "{\n"
    "  \"format\": \"pipescope-cluster/1\",\n"
    "  \"name\": \"bace-paper\",\n"
    "  \"description\": \"BACE-Pipe's evaluation (arXiv 2605.25375): six regions of RTX A6000 "
    "GPUs (16-128 each) with real electricity prices ($0.156-0.295/kWh) and 25-100 Gb/s WAN "
    "ports, eight training jobs of 14B-101B submitted together, whose lengths come from their "
    "datasets (Alpaca, "
    "WikiText-103, OpenWebText). Assumed where the paper is silent: which region has which "
    "price, GPUs and bandwidth, the latencies, the draw of datasets and the arrivals.\",\n"
    "  \"gpu\": { \"name\": \"A6000\", \"tflops\": 154.8, \"util\": 0.4, \"memory_gb\": 48 },\n"
    "  \"intra_region\": { \"latency_ms\": 0.01, \"bandwidth_gbps\": 100 },\n"
    "  \"schedule\": \"1f1b\",\n"
    "  \"policy\": { \"alpha\": \"adaptive\", \"seed\": \"most-gpus\" },\n"
    "  \"scale\": { \"bandwidth\": 1, \"gpus\": 1, \"jobs\": 1 },\n"
    "  \"regions\": [\n"
    "    { \"name\": \"eu-west\", \"gpus\": 128, \"price_usd_per_kwh\": 0.295, "
    "\"bandwidth_gbps\": 100 },\n"
    "    { \"name\": \"us-east-2\", \"gpus\": 32, \"price_usd_per_kwh\": 0.156, "
    "\"bandwidth_gbps\": 50 },\n"
    "    { \"name\": \"eu-central\", \"gpus\": 64, \"price_usd_per_kwh\": 0.262, "
    "\"bandwidth_gbps\": 100 },\n"
    "    { \"name\": \"ea-east\", \"gpus\": 64, \"price_usd_per_kwh\": 0.205, "
    "\"bandwidth_gbps\": 50 },\n"
    "    { \"name\": \"sea-south\", \"gpus\": 16, \"price_usd_per_kwh\": 0.236, "
    "\"bandwidth_gbps\": 25 },\n"
    "    { \"name\": \"oc-east\", \"gpus\": 32, \"price_usd_per_kwh\": 0.181, "
    "\"bandwidth_gbps\": 25 }\n"
    "  ],\n"
    "  \"links\": [\n"
    "    { \"from\": \"eu-west\", \"to\": \"us-east-2\", \"latency_ms\": 38 },\n"
    "    { \"from\": \"eu-west\", \"to\": \"eu-central\", \"latency_ms\": 12 },\n"
    "    { \"from\": \"eu-west\", \"to\": \"ea-east\", \"latency_ms\": 105 },\n"
    "    { \"from\": \"eu-west\", \"to\": \"sea-south\", \"latency_ms\": 85 },\n"
    "    { \"from\": \"eu-west\", \"to\": \"oc-east\", \"latency_ms\": 130 },\n"
    "    { \"from\": \"us-east-2\", \"to\": \"eu-central\", \"latency_ms\": 47 },\n"
    "    { \"from\": \"us-east-2\", \"to\": \"ea-east\", \"latency_ms\": 80 },\n"
    "    { \"from\": \"us-east-2\", \"to\": \"sea-south\", \"latency_ms\": 108 },\n"
    "    { \"from\": \"us-east-2\", \"to\": \"oc-east\", \"latency_ms\": 98 },\n"
    "    { \"from\": \"eu-central\", \"to\": \"ea-east\", \"latency_ms\": 112 },\n"
    "    { \"from\": \"eu-central\", \"to\": \"sea-south\", \"latency_ms\": 80 },\n"
    "    { \"from\": \"eu-central\", \"to\": \"oc-east\", \"latency_ms\": 140 },\n"
    "    { \"from\": \"ea-east\", \"to\": \"sea-south\", \"latency_ms\": 35 },\n"
    "    { \"from\": \"ea-east\", \"to\": \"oc-east\", \"latency_ms\": 52 },\n"
    "    { \"from\": \"sea-south\", \"to\": \"oc-east\", \"latency_ms\": 46 }\n"
    "  ],\n"
    "  \"jobs\": [\n"
    "    { \"name\": \"llama70b-wikitext\", \"submit_s\": 0, \"iterations\": 954, "
    "\"model\": \"llama3-70b,seq=4096\", \"recompute\": true, \"microbatches\": 32 },\n"
    "    { \"name\": \"qwen14b-alpaca\", \"submit_s\": 0, \"iterations\": 95, "
    "\"model\": \"qwen2.5-14b\", \"recompute\": true, \"microbatches\": 32 },\n"
    "    { \"name\": \"qwen32b-openwebtext\", \"submit_s\": 0, \"iterations\": 72479, "
    "\"model\": \"qwen2.5-32b\", \"recompute\": true, \"microbatches\": 32 },\n"
    "    { \"name\": \"falcon40b-wikitext\", \"submit_s\": 0, \"iterations\": 1907, "
    "\"model\": \"falcon-40b\", \"recompute\": true, \"microbatches\": 32 },\n"
    "    { \"name\": \"gemma27b-alpaca\", \"submit_s\": 0, \"iterations\": 95, "
    "\"model\": \"gemma3-27b\", \"recompute\": true, \"microbatches\": 32 },\n"
    "    { \"name\": \"flm101b-wikitext\", \"submit_s\": 0, \"iterations\": 1907, "
    "\"model\": \"flm-101b\", \"recompute\": true, \"microbatches\": 32 },\n"
    "    { \"name\": \"qwen14b-openwebtext\", \"submit_s\": 0, \"iterations\": 72479, "
    "\"model\": \"qwen2.5-14b\", \"recompute\": true, \"microbatches\": 32 },\n"
    "    { \"name\": \"llama70b-alpaca\", \"submit_s\": 0, \"iterations\": 95, "
    "\"model\": \"llama3-70b,seq=4096\", \"recompute\": true, \"microbatches\": 32 }\n"
    "  ]\n"
    "}\n";

static const struct ps_cluster_preset cluster_presets[] = {
    {"bace-paper",
     "BACE-Pipe's evaluation: six regions of A6000 GPUs ($0.156-0.295/kWh, 25-100 Gb/s), "
     "eight jobs of 14B-101B",
     bace_paper_json},
};

size_t ps_cluster_preset_count(void)
{
    return sizeof cluster_presets / sizeof cluster_presets[0];
}

const struct ps_cluster_preset *ps_cluster_preset_at(size_t i)
{
    return i < ps_cluster_preset_count() ? &cluster_presets[i] : NULL;
}

const struct ps_cluster_preset *ps_cluster_preset_find(const char *name)
{
    for (size_t i = 0; i < ps_cluster_preset_count(); i++)
        if (strcmp(cluster_presets[i].name, name) == 0)
            return &cluster_presets[i];
    return NULL;
}
