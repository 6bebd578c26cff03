/* Internal helpers shared by schedule.c and sim.c (not part of the public API). */
#ifndef PS_CORE_SCHED_INTERNAL_H
#define PS_CORE_SCHED_INTERNAL_H

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

#endif
