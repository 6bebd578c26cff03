/* Internal helpers shared by schedule.c and sim.c (not part of the public API). */
#ifndef PS_CORE_SCHED_INTERNAL_H
#define PS_CORE_SCHED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/schedule.h"

/* Boundary index of a transfer kind leaving virtual stage v: kind * S*V + v. */
static inline int ps_boundary(const struct ps_schedule *s, int kind, int from_vstage)
{
    return kind * ps_schedule_vstages(s) + from_vstage;
}

/* Rebuilds s->channels (busy and counts zeroed) and fills bch[2*S*V] with the channel of
 * every cross-device boundary: -1 when the boundary stays on one device, when its link
 * is unlimited or when activation_mb is 0. Channels are created in boundary order, so
 * the numbering is the same for the simulator and the loader. Returns PS_ENOMEM. */
enum ps_status ps_build_channels(struct ps_schedule *s, int *bch);

/* Destination virtual stage of a boundary, or -1 when there is none. */
int ps_boundary_to(const struct ps_schedule *s, int kind, int from_vstage);

/* The dependency rules (SPEC 3, and recomputation), one row per kind of edge: an op of kind
 * `from` on virtual stage v feeds the op of kind `to` of the same microbatch on stage
 * v + dv, when `when` holds; across devices through a transfer of kind `xfer`. `to` may be
 * PS_DEP_BWD, the backward's entry: R when the consumer's device replays the microbatch,
 * else B. A rule with `if_r` exists only for microbatches the device replays. `main` marks
 * an op's main input (ps_input_of); R's own forward is a second input. The simulator
 * compiles the rows into per-(kind, vstage) outputs and input counts, ps_input_of and the
 * deadlock report read them backwards; a new kind of op or edge is a new row here. */
enum ps_dep_when {
    PS_DEP_ALWAYS = 0,
    PS_DEP_NOT_LAST_V,  /* v < SV-1 */
    PS_DEP_LAST_V,      /* v == SV-1 */
    PS_DEP_NOT_FIRST_V, /* v > 0 */
    PS_DEP_HAS_W,       /* the stage has W ops */
};

#define PS_DEP_BWD 7 /* pseudo kind: R when replayed, else B */

struct ps_dep_rule {
    uint8_t from, to; /* enum ps_op_kind, or PS_DEP_BWD */
    int8_t dv;        /* consumer vstage - producer vstage */
    int8_t xfer;      /* enum ps_xfer_kind when the edge crosses devices, -1: never does */
    uint8_t when;     /* enum ps_dep_when */
    bool if_r;        /* only where the (producer's and consumer's) device replays the mb */
    bool main;        /* the consumer's main input */
};

extern const struct ps_dep_rule ps_dep_rules[];
extern const size_t ps_n_dep_rules;

/* True when rule r gives producer vstage v (of SV) an output; has_w: v's device has W. */
bool ps_dep_applies(const struct ps_dep_rule *r, int v, int SV, bool has_w);

/* The kind rule r feeds when the consumer's device replays the microbatch (replayed) or
 * not; -1 when the rule does not exist then. */
int ps_dep_target(const struct ps_dep_rule *r, bool replayed);

/* The main input of op (kind, vstage v) by the rules, replayed: v's device replays this
 * microbatch. Its producer's kind and vstage, and the transfer kind the edge takes when it
 * crosses devices (-1: it never does). False when the op has none (F of vstage 0). */
bool ps_dep_input(int kind, int v, int SV, bool replayed, int *pkind, int *pv, int *xkind);

/* ps_sim_run with options, for tests: PS_SIM_ALL_GENERAL puts every channel on the
 * general (event-ordered) path, which must give the same times. */
#define PS_SIM_ALL_GENERAL 1u
/* ps_sim_time: no lower bound, no bubble breakdown */
#define PS_SIM_TIMES_ONLY 2u
enum ps_status ps_sim_run_mode(struct ps_schedule *s, struct ps_diag *d, unsigned mode);

/* Where each op and transfer of a (timed) schedule sits, by model key. */
struct ps_lookup {
    int S, V, SV, M;
    uint8_t *has_r; /* S*M: the device replays that microbatch (R ops), NULL: none */
    int *rank;      /* M: backward rank (docs/model.md, token slices) */
    int *dev_of_v;  /* SV */
    int *vtab;      /* S*V: (stage, chunk) -> vstage */
    int32_t *first; /* 4*SV*M (F, B, W, R): index in dev_ops[device] of part 0, -1 absent */
    int32_t *last;  /* 4*SV*M: index of the last part */
    int32_t *xfer;  /* 2*SV*M (ps_xfer_key): index in s->transfers, -1 */
};

static inline size_t ps_op_key(const struct ps_lookup *L, int kind, int v, int mb)
{
    return ((size_t)kind * (size_t)L->SV + (size_t)v) * (size_t)L->M + (size_t)mb;
}

/* Builds the tables from dev_ops order, skipping malformed entries (first one wins).
 * Returns PS_ENOMEM. */
enum ps_status ps_lookup_build(struct ps_lookup *L, const struct ps_schedule *s);
void ps_lookup_fini(struct ps_lookup *L);

/* ps_bubble_compute with the tables already built (the simulator fills them while it
 * times the ops, which saves a pass over the whole schedule). */
void ps_bubble_compute_with(const struct ps_schedule *s, const struct ps_lookup *L, int64_t *out);

/* The producer of op (kind, v, mb) for its main input: F(v-1); the backward's input
 * B(v+1) or, on the last vstage, F(v) for R, and for B without R; R(v) for B with R; B(v)
 * for W. (R's other input, F(v) on its own device, is checked apart.) Returns false when
 * there is none (F of vstage 0). Sets *xkind to the transfer kind when the edge crosses
 * devices (else -1). */
bool ps_input_of(const struct ps_lookup *L, int kind, int v, int mb, int *pkind, int *pv,
                 int *xkind);

/* True when (device of v, mb) has an R op. */
static inline bool ps_lookup_has_r(const struct ps_lookup *L, int v, int mb)
{
    return L->has_r != NULL && L->has_r[(size_t)L->dev_of_v[v] * (size_t)L->M + (size_t)mb];
}

/* A sort record for the time-ordered checks and lookups (ops on a lane, transfers on a
 * channel): ordered by key, then t0, then t1, then id. */
struct ps_span {
    int64_t key, t0, t1;
    int32_t id;
};
int ps_span_cmp(const void *a, const void *b);

/* "12.5" style milliseconds: ns precision, trailing zeros trimmed, one decimal kept. */
void ps_fmt_ms(int64_t ns, char *buf, size_t size);

#endif
