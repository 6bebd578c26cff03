/* The scenario: one pipeline to schedule (SPEC section 2). Values are stored as the user
 * wrote them (milliseconds, megabytes, Gb/s); ps_scenario_*_ns() give the model's exact
 * integer durations. Validation names the offending field. */
#ifndef PS_CORE_SCENARIO_H
#define PS_CORE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define PS_MAX_STAGES 1024
#define PS_MAX_MICROBATCHES 16384
#define PS_MAX_CHUNKS 16
#define PS_MAX_DCS 64
#define PS_NAME_MAX 64

/* Compute time of one microbatch through one whole stage (all chunks), in ms. */
struct ps_compute {
    double forward_ms;
    double backward_ms; /* B: input-gradient backward (CrossPipe's D) */
    double weight_ms;   /* W: weight-gradient backward; may be 0 */
};

struct ps_link {
    double latency_ms;     /* >= 0 */
    double bandwidth_gbps; /* >= 0; 0 = unlimited (no transmission time, no occupancy) */
};

struct ps_dc {
    char name[PS_NAME_MAX];
    int stages;           /* >= 1 */
    double compute_scale; /* > 0, default 1 */
};

/* Override of inter_dc for one ordered DC pair (asymmetric links allowed). Only the
 * fields flagged has_* override; the others follow inter_dc whenever it changes (read the
 * effective link with ps_scenario_dc_link, never pair.link directly). */
struct ps_pair {
    int from, to; /* DC indices */
    struct ps_link link;
    bool has_latency;   /* link.latency_ms overrides inter_dc's */
    bool has_bandwidth; /* link.bandwidth_gbps overrides inter_dc's */
};

/* How sends and receives are posted (docs/model.md, "Communication arrangement"). */
enum ps_arrangement {
    PS_ARRANGE_DECOUPLED = 0, /* receives pre-posted: a transfer is ready at its producer's end */
    PS_ARRANGE_RENDEZVOUS,    /* it starts only once the receiver has posted its receive */
    PS_ARRANGE_BLOCKING,      /* rendezvous, and the sender is held until it has sent */
    PS_ARRANGE_COUNT
};

/* One microbatch's scales and, for workloads, its place in a sequence (docs/model.md,
 * Workloads). All-zero optional fields mean "not given", so a zeroed entry with
 * compute_scale = activation_scale = 1 is a plain microbatch. */
struct ps_mb_scale {
    double compute_scale;    /* > 0, default 1 */
    double activation_scale; /* >= 0, default 1 */
    double memory_scale;     /* > 0; equals compute_scale unless has_memory_scale */
    bool has_memory_scale;
    bool has_backward_scale, has_weight_scale;
    double backward_scale; /* > 0 when given: scales B instead of compute_scale */
    double weight_scale;   /* > 0 when given: scales W instead of compute_scale */
    bool continues;        /* holds the next token slice of microbatch m-1's sequence */
    int pipeline;          /* 1F1B pipeline (gradient-accumulation round), 0.. */
    int tokens;            /* information only: tokens of the chunk, 0 = not given */
    int context;           /* information only: context C of its slice (with tokens) */
};

/* One microbatch on one stage (workloads: per-stage memory and recomputation). */
struct ps_mb_stage {
    double memory_scale; /* > 0 when has_memory_scale; else the microbatch's */
    bool has_memory_scale;
    double recompute;        /* 0..1: share of the forward replayed (op R) before B */
    double recompute_memory; /* 0..memory: units F does not keep and R allocates again */
};

struct ps_workload; /* core/workload.h */

struct ps_scenario {
    char name[128];
    char *description; /* heap, may be NULL */

    int n_stages;       /* S */
    int n_microbatches; /* M */

    int n_dcs;
    struct ps_dc *dcs; /* n_dcs entries; stages placed contiguously in this order */

    struct ps_compute compute;
    struct ps_compute *per_stage; /* NULL, or n_stages overrides */

    double activation_mb; /* message between adjacent virtual stages, per microbatch */

    struct ps_link intra_dc;
    struct ps_link inter_dc;
    int n_pairs;
    struct ps_pair *pairs;           /* NULL when n_pairs == 0 */
    enum ps_arrangement arrangement; /* default PS_ARRANGE_DECOUPLED */

    bool has_memory_limit;
    double memory_limit; /* activation units; meaningful when has_memory_limit */
    double weight_share; /* w in [0,1], default 0.5 */

    bool has_data_parallel;
    double allgather_ms;      /* per stage (whole stage; a chunk takes 1/V) */
    double reduce_scatter_ms; /* per stage */

    struct ps_mb_scale *per_microbatch; /* NULL, or n_microbatches entries */

    /* Provenance, not part of the model nor of a scenario file (docs/formats.md,
     * "Provenance"): where the scenario came from ("preset default", "file run.json",
     * "model llama3-70b, cluster dcs=2,pp=8") and the edits made since, one "PATH=VALUE" per
     * line in the form --set takes back, in order (a run of edits of one path keeps the
     * last). Heap strings, may be NULL. */
    char *origin;
    char *edits;
    /* NULL, or n_microbatches x n_stages entries (microbatch-major): per-stage memory and
     * recomputation; only with per_microbatch. */
    struct ps_mb_stage *mb_stage;

    struct ps_workload *workload; /* NULL, or the sequences the microbatches come from */
};

/* The suffix an edited scenario's name gets until it is saved under a new name. */
#define PS_EDITED_SUFFIX " (edited)"

/* Initializes sc to an empty-but-valid-shaped scenario (0 stages; not yet valid). */
void ps_scenario_init(struct ps_scenario *sc);

/* Releases everything sc owns and leaves it as after ps_scenario_init. */
void ps_scenario_fini(struct ps_scenario *sc);

/* Deep copy: dst is initialized by the call (any previous content is NOT freed).
 * Returns PS_ENOMEM on failure (dst then holds an empty scenario). */
enum ps_status ps_scenario_copy(struct ps_scenario *dst, const struct ps_scenario *src);

/* Sets where sc came from (a copy of origin; NULL clears it) and forgets its edits.
 * Returns PS_ENOMEM (then sc has no origin). */
enum ps_status ps_scenario_set_origin(struct ps_scenario *sc, const char *origin);

/* Records an edit that was made: appends "path=value" to sc->edits (replacing the last line
 * when it edits the same path) and, unless the edit is of the name itself, names sc
 * "NAME (edited)". The typed edits (core/field.h) and ps_scenario_edit record themselves;
 * a front end calls this only for changes made otherwise. Returns PS_ENOMEM (the edit list
 * then ends with a line saying edits were lost). */
enum ps_status ps_scenario_record_edit(struct ps_scenario *sc, const char *path, const char *value);

/* The scenario's name without PS_EDITED_SUFFIX, into buf. Returns buf. */
char *ps_scenario_base_name(const struct ps_scenario *sc, char *buf, size_t size);

/* Fills sc (initialized by the call) with a uniform scenario: n_dcs DCs of
 * stages_per_dc stages each (named dc0, dc1, ...), M microbatches, the given F/B/W,
 * activation 0, links free, no memory limit, weight_share 0.5. For tests and tools. */
enum ps_status ps_scenario_make_uniform(struct ps_scenario *sc, int n_dcs, int stages_per_dc,
                                        int microbatches, double f_ms, double b_ms, double w_ms);

/* Checks every rule of SPEC section 2. On failure fills d with the field path and
 * reason and returns PS_EINVAL. */
enum ps_status ps_scenario_validate(const struct ps_scenario *sc, struct ps_diag *d);

/* DC index of a stage (device). Requires a valid scenario. */
int ps_scenario_dc_of(const struct ps_scenario *sc, int stage);

/* First stage of DC `dc`. */
int ps_scenario_dc_first_stage(const struct ps_scenario *sc, int dc);

/* Link parameters between two devices a != b (intra_dc, pair override, or inter_dc). */
struct ps_link ps_scenario_link(const struct ps_scenario *sc, int from_stage, int to_stage);

/* Link parameters from DC a to DC b: intra_dc when a == b, else inter_dc with the fields
 * of the a -> b pair override (if any) put over it. */
struct ps_link ps_scenario_dc_link(const struct ps_scenario *sc, int from_dc, int to_dc);

/* Index in sc->pairs of the from -> to override, or -1. */
int ps_scenario_find_pair(const struct ps_scenario *sc, int from_dc, int to_dc);

/* Sets one field (latency_ms when `latency`, else bandwidth_gbps) of the from -> to pair
 * override, adding the pair if there is none; the other field keeps following inter_dc
 * unless the pair already set it. Does not validate. PS_ENOMEM on allocation failure. */
enum ps_status ps_scenario_set_pair(struct ps_scenario *sc, int from_dc, int to_dc, bool latency,
                                    double value);

/* Effective compute of one stage (per-stage override if any), before scales. */
struct ps_compute ps_scenario_stage_compute(const struct ps_scenario *sc, int stage);

enum ps_time_kind { PS_TIME_F = 0, PS_TIME_B, PS_TIME_W, PS_TIME_B_COMBINED, PS_TIME_R };

/* Whole-stage (all chunks together) duration in ns of one microbatch's op kind on a
 * stage, with the DC and microbatch compute scales applied, rounded to nearest ns. */
int64_t ps_scenario_stage_time_ns(const struct ps_scenario *sc, int stage, int microbatch,
                                  enum ps_time_kind kind);

/* Duration in ns of chunk c (of V) of that op: the whole-stage time is split so that the
 * V chunk durations add up exactly to ps_scenario_stage_time_ns. */
int64_t ps_scenario_chunk_time_ns(const struct ps_scenario *sc, int stage, int microbatch,
                                  enum ps_time_kind kind, int chunk, int chunks);

/* Splits total_ns into `parts` parts that add up exactly; returns the part-th one. */
int64_t ps_split_ns(int64_t total_ns, int part, int parts);

/* Message size in MB of a microbatch's transfer (activation_mb x activation_scale). */
double ps_scenario_message_mb(const struct ps_scenario *sc, int microbatch);

/* Memory scale `a` of a microbatch (SPEC 5). */
double ps_scenario_memory_scale(const struct ps_scenario *sc, int microbatch);

/* Memory `a` of a microbatch on one stage: the per-stage override, else the microbatch's. */
double ps_scenario_stage_memory(const struct ps_scenario *sc, int stage, int microbatch);

/* Share of the forward a stage replays before the microbatch's backward (0: no R op), and
 * the units that R allocates again (F keeps the rest). */
double ps_scenario_recompute(const struct ps_scenario *sc, int stage, int microbatch);
double ps_scenario_recompute_memory(const struct ps_scenario *sc, int stage, int microbatch);

/* True when some microbatch has an R op on some stage. */
bool ps_scenario_has_recompute(const struct ps_scenario *sc);

/* True when microbatch m holds the next token slice of microbatch m-1's sequence. */
bool ps_scenario_continues(const struct ps_scenario *sc, int microbatch);

/* True when some microbatch continues its predecessor (a sliced workload). */
bool ps_scenario_has_slices(const struct ps_scenario *sc);

/* The 1F1B pipeline (gradient-accumulation group) of a microbatch, 0 without. */
int ps_scenario_pipeline(const struct ps_scenario *sc, int microbatch);

/* Backward ranks (docs/model.md, token slices): rank[m] = m, except inside a run a..b of
 * continued slices, where rank[m] = a + b - m. Fills rank[M] and, when order is not NULL,
 * order[r] = the microbatch of rank r. */
void ps_scenario_bwd_ranks(const struct ps_scenario *sc, int *rank, int *order);

/* Data-parallel op duration for one chunk of V on a stage (0 when no data parallel). */
int64_t ps_scenario_dp_ns(const struct ps_scenario *sc, int stage, bool allgather, int chunk,
                          int chunks);

/* The 1F1B memory budget in units: S (stage 0 keeps S microbatches in flight). */
double ps_scenario_1f1b_budget(const struct ps_scenario *sc);

/* "decoupled", "rendezvous", "blocking"; and back (-1 when unknown). */
const char *ps_arrangement_str(enum ps_arrangement a);
int ps_arrangement_parse(const char *word);

/* The largest per-stage forward time in ms, with scales (CrossPipe's T_F). */
double ps_scenario_max_forward_ms(const struct ps_scenario *sc);

#endif
