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

/* "12.5" style milliseconds: ns precision, trailing zeros trimmed, one decimal kept. */
void ps_fmt_ms(int64_t ns, char *buf, size_t size);

#endif
