/* Variable-length workloads (InfiniPipe, docs/model.md "Workloads"): the batch of sequence
 * lengths (a list, a file's contents, or a seeded generator), the cost model of Eq. 1-3
 * and 5-11 (time, message and activation memory of a chunk on a stage), chunks, and the
 * step that turns planned chunks into a scenario's microbatches. Planning itself
 * (granularity, ordering, checkpointing) lives in solvers/workload/. */
#ifndef PS_CORE_WORKLOAD_H
#define PS_CORE_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/scenario.h"
#include "core/status.h"

#define PS_WL_MAX_CAP 16777216 /* tokens */
#define PS_WL_MAX_SLICES 64
#define PS_WL_MAX_SP 1024
#define PS_WL_MAX_PIPELINES 64
#define PS_WL_FILE_MAX 256

enum ps_wl_source { PS_WL_SEQUENCES = 0, PS_WL_FILE, PS_WL_GENERATOR };
enum ps_wl_dist { PS_WL_FIXED = 0, PS_WL_UNIFORM, PS_WL_LOGNORMAL, PS_WL_ZIPF };
enum ps_granularity { PS_GRAN_BATCH = 0, PS_GRAN_TOKEN, PS_GRAN_ELASTIC, PS_GRAN_EVEN };
enum ps_ckpt_policy { PS_CKPT_NONE = 0, PS_CKPT_FULL, PS_CKPT_UNIFORM, PS_CKPT_ADAPTIVE };
enum ps_wl_order { PS_ORDER_LONGEST_FIRST = 0, PS_ORDER_GIVEN };

struct ps_wl_generator {
    enum ps_wl_dist dist;
    uint64_t seed;
    int tokens;                 /* fixed */
    int min_tokens, max_tokens; /* uniform, zipf */
    double median_tokens;       /* lognormal */
    double sigma;               /* lognormal */
    double exponent;            /* zipf */
};

/* One op kind's coefficients of Eq. 1 (whole model on one GPU; the model divides by N
 * and d_p): ms per token^2 (attention), ms per token (linear), ms per chunk (fixed). */
struct ps_cost_coef {
    double alpha1_ms, alpha2_ms, beta1_ms;
};

struct ps_wl_model {
    int layers, hidden, kv_hidden, vocab; /* L, D, D_kv, vocabulary */
    double bytes;                         /* e: bytes per element */
    double params_b;                      /* parameters, billions */
};

struct ps_wl_memory {
    double hbm_gb, reserve_gb;
    double model_states_gb, token_bytes, logits_bytes; /* when has_* */
    bool has_model_states, has_token_bytes, has_logits_bytes;
};

/* How planning turns the sequences into microbatches (solvers/workload/). */
struct ps_wl_plan {
    enum ps_granularity granularity;
    int slices;         /* K, 0 = auto */
    int max_slices;     /* the largest K auto tries */
    int token_capacity; /* 0 = cap_tokens */
    int slice_tokens;   /* token granularity's slice */
    enum ps_wl_order order;
    int pipelines; /* 0 = auto (Eq. 14's DP) */
    enum ps_ckpt_policy checkpoint;
    double ckpt_time_limit_s;
};

/* What the last planning chose (written for the reader, ignored when read). */
struct ps_wl_planned {
    bool valid;
    int slices, pipelines, chunks;
    double recompute_share; /* recomputed forward time / all compute time */
};

struct ps_workload {
    enum ps_wl_source source;
    char file[PS_WL_FILE_MAX]; /* PS_WL_FILE: the name as given (messages only) */
    struct ps_wl_generator gen;
    int n_seqs;   /* the batch: lengths[0..n_seqs-1], in the given order */
    int *lengths; /* heap; drawn from gen when source is PS_WL_GENERATOR */
    int batch;    /* generator: sequences to draw; else n_seqs */
    int cap_tokens;
    int sp; /* d_s */
    struct ps_wl_model model;
    struct ps_cost_coef fwd, bwd, wgt;
    double a2a_bandwidth_gbps, a2a_latency_ms;
    struct ps_wl_memory mem;
    struct ps_wl_plan plan;
    struct ps_wl_planned planned;
};

/* ---- lifetime -------------------------------------------------------------------------- */

/* A new workload with the illustrative defaults (docs/formats.md) and no sequences.
 * NULL on out of memory. */
struct ps_workload *ps_workload_new(void);
void ps_workload_free(struct ps_workload *w);
/* Deep copy; NULL on out of memory. */
struct ps_workload *ps_workload_dup(const struct ps_workload *w);

/* Replaces the lengths with a copy of lengths[0..n-1] (source unchanged). PS_ENOMEM. */
enum ps_status ps_workload_set_lengths(struct ps_workload *w, const int *lengths, int n);

/* Draws w->batch lengths from w->gen (truncated to cap_tokens) into w->lengths. Checks the
 * generator first (paths "generator.*"); PS_EINVAL with d filled, or PS_ENOMEM. */
enum ps_status ps_workload_draw(struct ps_workload *w, struct ps_diag *d);

/* Checks every field (paths relative to "workload.", e.g. "sequences.17"), for a pipeline
 * of n_stages stages: lengths in 1..cap, the generator's mass, the cost coefficients, the
 * memory room. PS_EINVAL with d filled. */
enum ps_status ps_workload_validate(const struct ps_workload *w, int n_stages, struct ps_diag *d);

/* Names for files and messages ("elastic", "adaptive", "lognormal", "longest_first");
 * parsers return -1 when unknown. */
const char *ps_granularity_str(enum ps_granularity g);
const char *ps_ckpt_policy_str(enum ps_ckpt_policy p);
const char *ps_wl_dist_str(enum ps_wl_dist d);
const char *ps_wl_order_str(enum ps_wl_order o);
int ps_granularity_parse(const char *s);
int ps_ckpt_policy_parse(const char *s);
int ps_wl_dist_parse(const char *s);
int ps_wl_order_parse(const char *s);

/* ---- the cost model ---------------------------------------------------------------------- */

enum ps_chunk_type { PS_CHUNK_BATCHED = 0, PS_CHUNK_SPLIT, PS_CHUNK_HYBRID };

/* A chunk {C, S}: the slice s0 of sequence `seq` at context C (split and hybrid), and
 * whole short sequences (batched and hybrid) listed in the chunking's `members`. */
struct ps_chunk {
    enum ps_chunk_type type;
    int seq;      /* the sliced sequence, -1 for batched */
    int slice;    /* its slice index, 0 first */
    int n_slices; /* slices of that sequence */
    int context;  /* C */
    int s0;       /* tokens of the slice (0 for batched) */
    int first, n; /* short sequences: members[first .. first+n-1] */
    int tokens;   /* sum(S) */
    /* per stage, from the cost model (ps_workload_cost_chunk): */
    double f_ms, b_ms, w_ms;    /* F, B, W (the combined backward is b + w) */
    double a2a_ms;              /* all-to-all share inside f_ms and b_ms (each) */
    double msg_mb;              /* message between stages */
    double mem_gb, mem_last_gb; /* activations on a stage / on the last stage */
    double save_gb;             /* memory one checkpointed layer saves (>= 0) */
};

struct ps_chunking {
    int n, cap;
    struct ps_chunk *chunks;
    int n_members, members_cap;
    int *members; /* short sequence indices */
    int slices;   /* K used (0 when the granularity has none) */
};

void ps_chunking_init(struct ps_chunking *c);
void ps_chunking_fini(struct ps_chunking *c);
void ps_chunking_clear(struct ps_chunking *c);
/* Appends a chunk (members appended separately with ps_chunking_add_member, which adds to
 * the last chunk). PS_ENOMEM. */
enum ps_status ps_chunking_push(struct ps_chunking *c, enum ps_chunk_type type, int seq, int slice,
                                int n_slices, int context, int s0);
enum ps_status ps_chunking_add_member(struct ps_chunking *c, int seq, int tokens);
/* A chunk's sequence and slice as a table shows them: a slice of sequence 7, "7" and
 * "2/4"; one short sequence, its index and "-"; several packed, "3x" and "-". */
void ps_chunk_labels(const struct ps_chunking *c, const struct ps_chunk *ch, char seq[16],
                     char slice[16]);

/* The constants of the cost model for a pipeline of n_stages stages. */
struct ps_cost_ctx {
    const struct ps_workload *w;
    int dp, ds, n_gpus;
    double layers_per_stage;
    double token_bytes, logits_bytes, model_states_gb;
    double limit_gb; /* hbm - model states - reserve */
};

void ps_cost_ctx_init(struct ps_cost_ctx *cx, const struct ps_workload *w, int n_stages);

/* Eq. 1 for one coefficient set: a slice s0 at context C plus short sequences, in ms per
 * stage (without the all-to-all). */
double ps_cost_comp_ms(const struct ps_cost_ctx *cx, const struct ps_cost_coef *k, int context,
                       int s0, const int *shorts, int n_shorts);
/* Eq. 3: all-to-all time per stage for `tokens` tokens, ms (0 when d_s = 1). */
double ps_cost_a2a_ms(const struct ps_cost_ctx *cx, int tokens);
/* Forward time per stage of a whole sequence of `tokens` tokens (its own chunk). */
double ps_cost_seq_fwd_ms(const struct ps_cost_ctx *cx, int tokens);

/* Fills every cost field of chunk c (lengths from w). */
void ps_cost_chunk(const struct ps_cost_ctx *cx, const struct ps_chunking *ch, struct ps_chunk *c);

/* Memory the chunk keeps on stage `stage` with `layers` layers checkpointed (Eq. 10), GB. */
double ps_cost_kept_gb(const struct ps_cost_ctx *cx, const struct ps_chunk *c, int stage,
                       int layers);
/* The whole layers a stage may checkpoint: floor(L / d_p). */
int ps_cost_max_layers(const struct ps_cost_ctx *cx);
/* The chunk's full activations on a stage (Eq. 5), GB. */
double ps_cost_full_gb(const struct ps_cost_ctx *cx, const struct ps_chunk *c, int stage);

/* ---- from chunks to microbatches ------------------------------------------------------- */

/* What planning decided, for ps_workload_apply: the chunks in microbatch order (order[i] is
 * a chunk index), each one's pipeline, and the checkpointed layers per (microbatch,
 * stage) (NULL: none). */
struct ps_wl_result {
    const struct ps_chunking *chunks;
    const int *order;    /* n */
    const int *pipeline; /* n, non-decreasing from 0 */
    const int *layers;   /* n x n_stages (microbatch-major), or NULL */
    int slices, pipelines;
};

/* Rewrites sc's microbatches from a plan: microbatches = chunks, compute = the mean chunk
 * times with per-microbatch scales, activation_mb = the mean message, memory.limit = the
 * workload's room in GB (1 activation unit = 1 GB), per-stage memory (the last stage's
 * logits) and recomputation, `continues` between the slices of a sequence, `pipeline`.
 * sc->workload->planned records the summary. PS_ENOMEM, or PS_EINVAL past 16384 chunks. */
enum ps_status ps_workload_apply(struct ps_scenario *sc, const struct ps_wl_result *r,
                                 struct ps_diag *d);

/* The unplanned view: one microbatch per sequence (whole sequences, no recomputation),
 * given order. What a workload scenario holds before a front end plans it. */
enum ps_status ps_workload_apply_raw(struct ps_scenario *sc, struct ps_diag *d);

#endif
