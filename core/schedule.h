/* A schedule: the per-device order of compute ops of one scenario (SPEC sections 3-5),
 * and, once simulated or loaded, the times of every op and transfer and the metrics.
 * Generators build one with ps_schedule_new + ps_schedule_push*, then ps_sim_run
 * (core/sim.h) times it. */
#ifndef PS_CORE_SCHEDULE_H
#define PS_CORE_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/scenario.h"
#include "core/status.h"

/* Compute ops first (F, B, W and R, the recomputation that replays part of a forward
 * before its backward, docs/model.md), then the data-parallel ops. */
enum ps_op_kind { PS_OP_F = 0, PS_OP_B, PS_OP_W, PS_OP_R, PS_OP_AG, PS_OP_RS, PS_OP_KIND_COUNT };
#define PS_COMPUTE_KINDS 4 /* F, B, W, R: the kinds that have a microbatch */
enum ps_traversal { PS_TRAVERSAL_LOOP = 0, PS_TRAVERSAL_WAVE };
enum ps_xfer_kind { PS_XFER_ACTIVATION = 0, PS_XFER_GRADIENT };

enum ps_solve_status {
    PS_SOLVE_HEURISTIC = 0, /* greedy and fixed schedules */
    PS_SOLVE_OPTIMAL,       /* proved optimal */
    PS_SOLVE_FEASIBLE,      /* stopped with a bound and a gap */
    PS_SOLVE_INFEASIBLE,    /* no schedule meets the memory limit: no ops */
    PS_SOLVE_CANCELLED,     /* stopped by the user; holds the best schedule found, if any */
};

/* Why a device is idle (docs/model.md, "Bubble breakdown"): each idle instant of a device is
 * charged to exactly one cause, in this order in files and on screen. */
enum ps_bubble_cause {
    PS_BUBBLE_FILL = 0,   /* waiting on another device's compute: warm-up, cool-down, imbalance */
    PS_BUBBLE_CROSS_DC,   /* on a transfer over a link between datacenters */
    PS_BUBBLE_INTRA_DC,   /* on a transfer inside a datacenter */
    PS_BUBBLE_MEMORY,     /* a forward was ready but did not fit the memory limit */
    PS_BUBBLE_RENDEZVOUS, /* a message held back until its receive was posted */
    PS_BUBBLE_DP,         /* the first forward of a chunk waiting for its all-gather */
    PS_BUBBLE_END,        /* after the device's last op, up to the makespan */
    PS_BUBBLE_COUNT
};

/* One compute (F/B/W) or data-parallel (AG/RS) op, or one part of a split op. */
struct ps_op {
    int64_t start_ns; /* set by the simulator or read from a file */
    int64_t end_ns;
    int64_t dur_ns;     /* duration of this part */
    int32_t microbatch; /* -1 for AG/RS */
    int16_t stage;      /* device */
    uint8_t chunk;
    uint8_t kind;  /* enum ps_op_kind */
    uint8_t part;  /* 0..parts-1 */
    uint8_t parts; /* >= 1 */
};

/* One message between two devices: exactly one per cross-device dependency. */
struct ps_transfer {
    int64_t ready_ns;  /* producer's end */
    int64_t start_ns;  /* transmission start */
    int64_t end_ns;    /* transmission end */
    int64_t arrive_ns; /* end + latency: the consumer may start */
    int32_t microbatch;
    int32_t channel; /* index in sched->channels, -1 when the link has unlimited bandwidth */
    int16_t from_stage, to_stage;
    int16_t from_vstage; /* producer's virtual stage */
    uint8_t kind;        /* enum ps_xfer_kind */
    uint8_t chunk;       /* chunk of the producing op */
};

/* A serial, directional transmission resource (SPEC 4). Inter-DC channels are per
 * ordered DC pair (from_stage = to_stage = -1); intra-DC ones per ordered device pair. */
struct ps_channel {
    int16_t from_dc, to_dc;
    int16_t from_stage, to_stage; /* -1 for inter-DC channels */
    struct ps_link link;
    int64_t busy_ns; /* total transmission time, after simulation */
    int n_transfers; /* after simulation */
};

#define PS_SCHED_NAME_MAX 32
#define PS_PARAMS_MAX 24

/* A solver parameter as the user gave it or as the solver resolved it. */
struct ps_kv {
    char key[32];
    char value[160];
};

struct ps_solver_info {
    enum ps_solve_status status;
    int64_t objective_ns; /* makespan the solver reported (== makespan once simulated) */
    int64_t bound_ns;     /* best proved bound, -1 when none */
    double gap;           /* relative gap, < 0 when none */
    double solve_ms;      /* wall time of the generator */
    int n_params;
    struct ps_kv params[PS_PARAMS_MAX];
    char error[256]; /* why, when infeasible or cancelled */
};

struct ps_schedule {
    const struct ps_scenario *sc; /* borrowed: must outlive the schedule */
    char name[PS_SCHED_NAME_MAX]; /* registry name, e.g. "1f1b" */
    int n_stages, n_microbatches;
    int chunks; /* V, 1..16 */
    enum ps_traversal traversal;
    bool split_backward;

    /* Compute ops per device, in execution order: dev_ops[s][0..dev_n[s]-1]. */
    struct ps_op **dev_ops;
    size_t *dev_n, *dev_cap;

    /* Data-parallel lane per device (AG/RS), in order; filled by the simulator. */
    struct ps_op **dp_ops;
    size_t *dp_n;

    /* Optional explicit channel order: rank per transfer key (see ps_xfer_key); a
     * channel then sends its transfers in increasing rank instead of first-come
     * first-served. NULL = FCFS (SPEC 6). Sized by ps_schedule_xfer_keys(). */
    int64_t *xfer_rank;

    /* Filled by the simulator (or the loader): */
    bool timed;
    size_t n_transfers;
    struct ps_transfer *transfers; /* ordered by (kind, from_vstage, microbatch) */
    int n_channels;
    struct ps_channel *channels;

    int64_t makespan_ns;
    int64_t lower_bound_ns;
    int lower_bound_binds; /* enum ps_bound_part (core/sim.h): the part that binds */
    double bubble_ratio;
    int64_t *busy_ns;    /* per device: compute busy time */
    double *peak_memory; /* per device, activation units */
    bool memory_ok;      /* peak <= limit on every device (true when unlimited) */
    /* Idle time per device and cause, bubble_ns[d * PS_BUBBLE_COUNT + cause]; the causes of
     * a device add up to makespan - busy_ns[d]. */
    int64_t *bubble_ns;

    struct ps_solver_info solver;

    /* A cache for ps_schedule_op_ns, [(stage * 5 + time kind) * chunks + chunk], filled by
     * ps_schedule_new when every microbatch is alike (no per-microbatch scales, so no
     * replays); NULL otherwise. The scenario must not change under a schedule. */
    int64_t *op_ns_table;
};

/* Number of virtual stages S*V. */
static inline int ps_schedule_vstages(const struct ps_schedule *s)
{
    return s->n_stages * s->chunks;
}

/* Virtual stage -> device (SPEC 3: loop v = c*S + s; wave v = s / 2S-1-s). */
int ps_vstage_device(int v, int n_stages, int chunks, enum ps_traversal tr);
/* Virtual stage -> chunk on its device. */
int ps_vstage_chunk(int v, int n_stages, int chunks, enum ps_traversal tr);
/* (device, chunk) -> virtual stage. */
int ps_vstage_of(int stage, int chunk, int n_stages, int chunks, enum ps_traversal tr);

/* Allocates an empty schedule for sc (borrowed). Returns NULL on out of memory or when
 * chunks/traversal are not allowed (wave requires chunks == 2). */
struct ps_schedule *ps_schedule_new(const struct ps_scenario *sc, const char *name, int chunks,
                                    enum ps_traversal tr, bool split_backward);

/* Frees s and everything it owns. NULL is a no-op. */
void ps_schedule_free(struct ps_schedule *s);

/* Appends a whole op (kind F/B/W, its model duration) to device `stage`'s order.
 * Returns PS_ENOMEM or PS_EINVAL (kind not allowed: W in a combined schedule, ...). */
enum ps_status ps_schedule_push(struct ps_schedule *s, int stage, enum ps_op_kind kind, int chunk,
                                int microbatch);

/* Appends part `part` of `parts` of an op; its duration is ps_split_ns(op duration, part,
 * parts). Parts of one op must be pushed in order, on its device (not necessarily back
 * to back); ps_sim_run checks that. */
enum ps_status ps_schedule_push_part(struct ps_schedule *s, int stage, enum ps_op_kind kind,
                                     int chunk, int microbatch, int part, int parts);

/* True when stage's ops include R(chunk, microbatch): the scenario has it replay part of
 * that microbatch's forward before its backward (every chunk of the device does). */
bool ps_schedule_has_r(const struct ps_schedule *s, int stage, int microbatch);

/* True when stage's ops include W ops: the schedule splits the backward and the stage's
 * weight_ms is > 0 (SPEC 3: "when weight_ms is 0, no schedule emits W ops"; a split stage
 * without W frees all of B's memory at B's end). Generators must test this before
 * pushing W: pushing W where it is false returns PS_EINVAL. */
bool ps_schedule_has_w(const struct ps_schedule *s, int stage);

/* The peak activation memory of each device's order (SPEC 5: F allocates at the start of
 * its first part, B and W free at the end of their last part), which does not depend on the
 * times, since a device runs its ops one after another: fills peak[d] for every device
 * (peak may be NULL) and returns the largest. The simulator's metrics give the same. */
double ps_schedule_order_peak(const struct ps_schedule *s, double *peak);

/* Number of ops (parts) across all devices. */
size_t ps_schedule_n_ops(const struct ps_schedule *s);

/* A budget before work: the checks of ps_sim_run and ps_schedule_validate use tables of
 * 3 x S x V x M entries, which a small file claiming a large scenario (S = 1024,
 * M = 16384, no ops) would make gigabytes. When those tables would be large and some
 * device holds fewer ops than the model needs there, this names the first missing op the
 * way the full check does ("stage 3": "F of microbatch 0 (chunk 0) is missing"), using one
 * bitmap of one device at a time, and returns PS_EINVAL; *n_missing (may be NULL) gets the
 * number of missing ops. PS_OK when the counts could be complete (the full check decides). */
enum ps_status ps_schedule_precheck(const struct ps_schedule *s, struct ps_diag *d,
                                    size_t *n_missing);

/* Empties every device order (keeps the buffers) and marks the schedule untimed, so a
 * generator can rebuild it. */
void ps_schedule_clear(struct ps_schedule *s);

/* For loaders: (re)builds s->channels from the scenario and sets every transfer's
 * channel index from its from/to stages (-1 when its transmission takes no time).
 * Returns PS_ENOMEM or PS_EINVAL (a transfer between invalid stages). */
enum ps_status ps_schedule_assign_channels(struct ps_schedule *s);

/* Model duration of a whole op (F, B, W, R; B is combined B+W in a combined schedule). */
int64_t ps_schedule_op_ns(const struct ps_schedule *s, int stage, enum ps_op_kind kind, int chunk,
                          int microbatch);

/* Transfer keys: an index 0..ps_schedule_xfer_keys(s)-1 for (kind, from_vstage, mb).
 * Activations leave vstage v (v < SV-1) for v+1; gradients leave v (v > 0) for v-1. */
size_t ps_schedule_xfer_keys(const struct ps_schedule *s);
size_t ps_xfer_key(const struct ps_schedule *s, enum ps_xfer_kind kind, int from_vstage,
                   int microbatch);

/* Allocates s->xfer_rank (all INT64_MAX = "after every ranked transfer, FCFS among
 * themselves") so that a generator can fix channel orders. Returns PS_ENOMEM. */
enum ps_status ps_schedule_enable_ranks(struct ps_schedule *s);

/* Sets a solver parameter to report in s->solver.params (replaces an existing key). */
void ps_schedule_set_param(struct ps_schedule *s, const char *key, const char *value);

/* An op for messages: "F of microbatch 3 (chunk 0)", "B of microbatch 3 (chunk 1, part 2 of
 * 4)". */
void ps_op_describe(const struct ps_op *op, char *buf, size_t size);

/* Human-readable name of a channel, e.g. "east->west" or "stage 2->3". */
void ps_channel_name(const struct ps_schedule *s, int channel, char *buf, size_t size);

/* Static names: "F", "B", "W", "R", "AG", "RS"; "loop"/"wave"; "activation"/"gradient";
 * "heuristic", "optimal", "feasible", "infeasible", "cancelled". */
const char *ps_op_kind_str(enum ps_op_kind k);
const char *ps_traversal_str(enum ps_traversal t);
const char *ps_xfer_kind_str(enum ps_xfer_kind k);
const char *ps_solve_status_str(enum ps_solve_status st);
/* A relative gap as a percentage for people: one decimal ("1.7%"), two below 0.1%
 * ("0.04%"), "<0.01%" below that, so a gap that is not zero never reads "0.0%". */
void ps_gap_str(double gap, char *buf, size_t size);
/* "fill", "cross_dc", "intra_dc", "memory", "rendezvous", "dp", "end" (file names); and a
 * short label for screens ("fill", "cross-DC", "intra-DC", ..., "all-gather", "end"). */
const char *ps_bubble_cause_str(enum ps_bubble_cause c);
const char *ps_bubble_cause_label(enum ps_bubble_cause c);
/* Parses those names back; return -1 when unknown. */
int ps_op_kind_parse(const char *str);
int ps_traversal_parse(const char *str);
int ps_solve_status_parse(const char *str);

#endif
