/* The model calculator: from a transformer, a parallel layout and the hardware to the
 * numbers a scenario needs (per-stage F, B, W times, the message size, memory per
 * microbatch), with CrossPipe's FLOP and activation formulas (docs/presets.md). Pure
 * arithmetic: no I/O, no allocation. */
#ifndef PS_CORE_CALC_H
#define PS_CORE_CALC_H

#include <stdbool.h>

#include "core/status.h"

/* A dense Llama-style transformer. */
struct ps_calc_model {
    int layers;       /* transformer layers */
    int extra_layers; /* embedding and output, counted as layers for balance (CrossPipe: 2) */
    int hidden;       /* d */
    int ffn;          /* d_MLP (SwiGLU intermediate size) */
    int heads;        /* attention heads */
    int kv_heads;     /* KV heads (GQA); == heads for multi-head attention */
    int vocab;        /* vocabulary size (embedding and output parameters) */
    int seq;          /* sequence length s */
};

/* How the model is cut and replicated. */
struct ps_calc_layout {
    int tp;                      /* tensor parallel (and sequence parallel) size, a stage's GPUs */
    int pp;                      /* pipeline stages */
    int dp;                      /* data-parallel replicas (ZeRO-1); their messages share links */
    int microbatch_size;         /* b */
    const int *layers_per_stage; /* NULL (even split) or pp counts, embedding/output included */
    bool recompute;              /* full layer recomputation */
};

struct ps_calc_hw {
    double peak_tflops;       /* per GPU */
    double util;              /* achieved share of the peak, in (0, 1] */
    double bytes_per_element; /* activations and weights, 2 for BF16 */
};

/* The numbers of one stage (one GPU of its TP group). */
struct ps_calc_stage {
    int layers;          /* counted layers, embedding/output included */
    bool has_embedding;  /* stage 0 */
    bool has_output;     /* stage pp-1 */
    double forward_ms;   /* F of one microbatch through the stage */
    double backward_ms;  /* B (input gradient), plus the recomputed forward if recompute */
    double weight_ms;    /* W (weight gradient) */
    double act_bytes;    /* activations one microbatch keeps on one GPU of the stage */
    double params;       /* parameters of the stage (all TP ranks) */
    double static_bytes; /* weights, gradients and optimizer states on one GPU */
};

/* FLOPs of one transformer layer for microbatch size b (CrossPipe section 1.6):
 * F = 2bs^2d + 4bsd^2 + 4a bsd^2 + 6bsd f, B = 5bs^2d + 4bsd^2 + 4a bsd^2 + 6bsd f,
 * W = 4bsd^2 + 4a bsd^2 + 6bsd f, with a = kv_heads/heads and f = ffn. */
double ps_calc_layer_forward_flops(const struct ps_calc_model *m, int b);
double ps_calc_layer_backward_flops(const struct ps_calc_model *m, int b);
double ps_calc_layer_weight_flops(const struct ps_calc_model *m, int b);

/* Activation bytes one layer keeps per microbatch on one GPU:
 * (12bsd + 4a bsd + 8bs f) / tp, or 2bsd / tp with recomputation (only the input). */
double ps_calc_layer_act_bytes(const struct ps_calc_model *m, int b, int tp, bool recompute);

/* Share of a layer's activations that stay until W: (12d + 4a d + 6f) / (12d + 4a d + 8f). */
double ps_calc_weight_share(const struct ps_calc_model *m);

/* Parameters of one transformer layer: 2(1 + a)d^2 + 3d f. */
double ps_calc_layer_params(const struct ps_calc_model *m);

/* The message between adjacent stages per microbatch, in bytes: bytes_per_element x b x s
 * x d, times dp (the replicas' messages share a cross-DC link). */
double ps_calc_message_bytes(const struct ps_calc_model *m, const struct ps_calc_layout *l,
                             const struct ps_calc_hw *hw);

/* Checks the three descriptions (positive sizes, kv_heads dividing heads, counts adding up
 * to layers + extra_layers, ...). PS_EINVAL with the field in d. */
enum ps_status ps_calc_check(const struct ps_calc_model *m, const struct ps_calc_layout *l,
                             const struct ps_calc_hw *hw, struct ps_diag *d);

/* Counted layers of each stage: the given layers_per_stage, or an even split of
 * layers + extra_layers in which the last stages take one more when it does not divide
 * (stage 0 keeps the most microbatches in flight). out has l->pp entries. */
void ps_calc_split_layers(const struct ps_calc_model *m, const struct ps_calc_layout *l, int *out);

/* Computes every stage (out has l->pp entries). The embedding and output layers cost
 * what a transformer layer costs (CrossPipe, following Llama 3's partitioning), and hold
 * vocab x d parameters each. Static memory per GPU: params/tp x (2 x bytes_per_element +
 * 12/dp), weights and gradients plus fp32 Adam states sharded over dp (ZeRO-1).
 * Returns PS_EINVAL (d names the field) when ps_calc_check fails. */
enum ps_status ps_calc_stages(const struct ps_calc_model *m, const struct ps_calc_layout *l,
                              const struct ps_calc_hw *hw, struct ps_calc_stage *out,
                              struct ps_diag *d);

/* The data-parallel (ZeRO-1) communication of one DC's stages (docs/presets.md 3.4). */
struct ps_calc_dp {
    int tp, dp;   /* tensor parallel size, replicas */
    int span_dcs; /* D >= 1: groups of DCs a DP group spans; divides dp */
    double bytes_per_element;
    double intra_latency_ms, intra_bandwidth_gbps; /* per GPU inside a DC; 0 = unlimited */
    double inter_latency_ms, inter_bandwidth_gbps; /* the DC's inter-DC link; 0 = unlimited */
};

/* All-gather (= reduce-scatter) time in ms of the slowest of the `count` stages st[first..]
 * that one DC holds: a ring over the dp/D replicas inside the DC, plus, when D > 1, the DC's
 * share of the D-group ring over its inter-DC link, which all its stages use at once.
 * Returns 0 when dp == 1. */
double ps_calc_dp_ms(const struct ps_calc_dp *dp, const struct ps_calc_stage *st, int first,
                     int count);

/* Memory limit in activation units (1 unit = one microbatch through a whole stage) that
 * hbm_gb (10^9 bytes) per GPU allows: min over stages of (hbm - static) / act, rounded
 * down to 1/1000. Returns a negative number when the static memory alone does not fit. */
double ps_calc_memory_limit(const struct ps_calc_stage *st, int pp, double hbm_gb);

#endif
