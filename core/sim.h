/* The discrete-event simulator (SPEC 6): turns per-device orders (and optional channel
 * ranks) into exact times, builds the transfer records and the data-parallel lane, and
 * computes the metrics and the lower bound. Also the independent checker of timed
 * schedules (validate) and the explanations the explorer shows. */
#ifndef PS_CORE_SIM_H
#define PS_CORE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/schedule.h"
#include "core/status.h"

/* Times s: fills every op's start/end, s->transfers, s->channels, s->dp_ops, and the
 * metrics (makespan, bubble, busy, peak memory, memory_ok, lower bound), sets s->timed.
 * The orders must contain every op of the model exactly once (parts in order).
 * Every op's dur_ns is recomputed from the scenario as it is now.
 * Returns PS_EINVAL when the scenario is invalid (path "scenario.<field>") or an op is
 * missing, duplicated or out of its microbatch order, PS_EDEADLOCK when the orders can
 * never complete (d names a stuck op), PS_ENOMEM, PS_EUNSUPPORTED past 2^30 transfers.
 * Can be called again after the orders change. */
enum ps_status ps_sim_run(struct ps_schedule *s, struct ps_diag *d);

/* Times s as ps_sim_run does, with the metrics a solver compares candidates by (makespan,
 * busy time, peak memory, memory_ok, channel use) but not the lower bound nor the bubble
 * breakdown (s->lower_bound_ns and s->bubble_ns are left as they were): for generators that
 * time many candidate orders. Same return values as ps_sim_run. */
enum ps_status ps_sim_time(struct ps_schedule *s, struct ps_diag *d);

/* Recomputes only the metrics of an already timed schedule (used after loading a file):
 * makespan, bubble, busy, peak memory, memory_ok, lower bound, channel busy. */
enum ps_status ps_sim_metrics(struct ps_schedule *s);

/* The bubble breakdown of a timed schedule (docs/model.md, "Bubble breakdown"): fills
 * out[d * PS_BUBBLE_COUNT + cause] with device d's idle nanoseconds charged to each cause,
 * from the recorded times alone; a device's causes add up to makespan - its busy time.
 * The metrics (ps_sim_run, ps_sim_metrics) fill s->bubble_ns with it. PS_ENOMEM. */
enum ps_status ps_bubble_compute(const struct ps_schedule *s, int64_t *out);

/* Splits `cells` whole cells among the causes in proportion to share[cause] (finite,
 * non-negative, not all zero) by largest remainders, so the counts add up to `cells`:
 * the compare table's ten letters, the explorer's bars. */
void ps_bubble_cells(const double share[PS_BUBBLE_COUNT], int cells, int count[PS_BUBBLE_COUNT]);

/* The breakdown as of time t, for stepping through a schedule: cause_at[d] is the cause of
 * device d's idle instant t (an enum ps_bubble_cause; -1 while it computes, or from the
 * makespan on), and before (NULL: not wanted) gets [d * PS_BUBBLE_COUNT + cause] the idle
 * time charged to each cause before t. The same accounting as ps_bubble_compute. */
enum ps_status ps_bubble_at(const struct ps_schedule *s, int64_t t, int *cause_at, int64_t *before);

/* Device d's activation memory at time t (units), by the rule of the peak (docs/model.md):
 * a forward holds its share from its start, a recomputation from its start, a backward
 * frees its share (all of it, or 1 - w with W) at its end, a W the rest at its end. */
double ps_memory_at(const struct ps_schedule *s, int d, int64_t t);

/* The breakdown summed over the devices (from s->bubble_ns). */
void ps_bubble_totals(const struct ps_schedule *s, int64_t out[PS_BUBBLE_COUNT]);

/* The parts of the lower bound (docs/model.md, "Lower bound"). */
enum ps_bound_part {
    PS_BOUND_WORK = 0,   /* a device's work between its earliest start and least tail */
    PS_BOUND_ROUND_TRIP, /* one microbatch's round trip with its latencies */
    PS_BOUND_LINK,       /* the busiest link's transmissions */
    PS_BOUND_DP,         /* the data-parallel lane */
    PS_BOUND_MEMORY,     /* the microbatches the memory limit lets be in flight at once */
    PS_BOUND_COUNT
};

struct ps_bound {
    int64_t part[PS_BOUND_COUNT]; /* ns, 0 when it does not apply */
    int64_t value;                /* the largest part */
    enum ps_bound_part binds;     /* which part it is (the first of equal ones) */
};

/* A number no schedule of this scenario within its memory limit can beat, whatever its
 * chunks, traversal or split (SPEC 6): the max of per-device work, one microbatch's round
 * trip with its latencies and transmissions, the busiest link's transmissions, the
 * data-parallel lane and the memory part. Schedules over the memory limit are not bound by
 * the memory part. Never fails (0 parts when the scenario is empty or memory is short). */
void ps_lower_bound(const struct ps_scenario *sc, struct ps_bound *out);
int64_t ps_lower_bound_ns(const struct ps_scenario *sc);
/* The bound for schedules over the memory limit too: every part but memory. */
int64_t ps_bound_without_memory(const struct ps_bound *b);
/* "work", "round trip", "link", "data parallel", "memory". */
const char *ps_bound_part_str(enum ps_bound_part p);

/* Checks a timed schedule against the model without trusting its recorded metrics:
 * every op present once with its model duration, device and lane overlaps, every
 * dependency with its transfer (start >= producer end, duration = transmission time,
 * arrive = end + latency, consumer start >= arrive), channel overlaps, microbatch order,
 * memory limit, and that the recorded makespan matches. Returns PS_OK, or PS_EINVAL with
 * the first violation in d (path "stage 2, op 5" in dev_ops order, or "transfers[3]";
 * the reason with its numbers in ms); every violation is counted in *n_violations (may be
 * NULL). Times are compared with 1000 ns of tolerance (files hold text milliseconds). A
 * peak over the limit counts only when s->memory_ok claims it fits; the makespan is
 * compared when s->makespan_ns is not 0. An infeasible result without ops is valid. */
enum ps_status ps_schedule_validate(const struct ps_schedule *s, struct ps_diag *d,
                                    int *n_violations);

/* What op (stage, index in dev_ops[stage]) waited for before it started: fills buf with
 * e.g. "waited 38.0 ms for gradient of microbatch 5 from stage 4 over east->west" or
 * "started right after the previous op". Requires a timed schedule. */
void ps_sim_explain(const struct ps_schedule *s, int stage, size_t index, char *buf, size_t size);

/* Marks the ops on one critical path (a chain of zero-slack dependencies and device
 * order edges ending at the makespan): on_path[stage][index] set true. on_path must have
 * the same shape as s->dev_ops (caller-allocated, zeroed). Returns the number marked. */
size_t ps_sim_critical_path(const struct ps_schedule *s, bool **on_path);

#endif
