/* Pieces shared by the fixed schedule families (gpipe, 1f1b, 1f1b-warmup, interleaved,
 * zb-h1, zb-h2, zb-v): internal to solvers/, not part of the registry API. */
#ifndef PS_SOLVERS_FIXED_H
#define PS_SOLVERS_FIXED_H

#include <stdbool.h>

#include "core/schedule.h"
#include "core/status.h"

/* Allocates the schedule a fixed family fills. On out of memory returns PS_ENOMEM with d
 * filled and *out NULL. */
enum ps_status ps_fixed_new(const struct ps_scenario *sc, const char *name, int chunks,
                            enum ps_traversal tr, bool split_backward, struct ps_schedule **out,
                            struct ps_diag *d);

/* Pushes W(chunk, microbatch) on `stage` when the stage has W ops (split backward and
 * weight_ms > 0); otherwise does nothing (B then frees all the memory). */
enum ps_status ps_fixed_push_w(struct ps_schedule *s, int stage, int chunk, int microbatch);

/* Pushes the backward of (chunk, microbatch) on `stage`: its R op first when the stage
 * replays part of that microbatch's forward (docs/model.md, recomputation), then B. */
enum ps_status ps_fixed_push_backward(struct ps_schedule *s, int stage, int chunk, int microbatch);

/* Builds every device's order of a one-chunk 1F1B-shaped schedule: stage s runs
 * min(warmup[s], M) forwards, then alternates F and B, then the remaining B. In a split
 * schedule W(k) goes right after B(k + w_delay[s]) (w_delay NULL: right after its B), and
 * the W still missing at the end follow the last B. The orders never deadlock when
 * warmup[s] >= warmup[s+1] for every s (callers make sure of it). Returns PS_ENOMEM.
 * Workloads (docs/model.md): each pipeline group runs as a 1F1B of its own, one after the
 * other; token slices (`continues`) run their backwards in backward rank, and before its
 * k-th backward a stage has run min(n, max(k+1, f(k)) + warmup[s]) forwards of the group
 * (ps_1f1b_events), which is 1F1B without slices. */
enum ps_status ps_fixed_push_1f1b(struct ps_schedule *s, const int *warmup, const int *w_delay);

/* The refusal of a family whose order has no rule for token slices (a sliced workload,
 * docs/model.md): PS_EUNSUPPORTED with a message naming the families that have one. */
enum ps_status ps_fixed_no_slices(const char *name, struct ps_diag *d);
/* The most warm-up forwards (forwards before the first B) a one-chunk 1F1B-shaped stage may
 * run within sc's memory limit. Such a stage holds at its peak the w+1 consecutive
 * microbatches k..k+w (fewer at the end), so its peak is the largest sum of memory scales
 * over w+1 consecutive microbatches; the same for every stage. Returns M-1 without a limit
 * and -1 when not even one microbatch fits. */
int ps_fixed_warmup_cap(const struct ps_scenario *sc);

/* GeoPipe's automatic extra warm-up (docs/model.md, 1f1b-warmup): fills extra[S] with, per
 * stage, the sum over the slow links downstream of it (between DCs, or every link with a
 * delay when all_links) of ceil(round trip / 1F1B period of the slowest stage). */
void ps_fixed_auto_extra(const struct ps_scenario *sc, bool all_links, int *extra);

/* Turns per-stage extra warm-up counts into warm-up forwards (S-s-1+extra[s]), raised so that
 * no stage runs fewer than the next one (otherwise the orders deadlock), and writes the
 * resolved extras back into extra. */
void ps_fixed_warmup_resolve(int S, int *extra, int *warmup);

/* Formats a list of S integers as "1,1,0,0" into buf (ending in "..." when it does not
 * fit). */
void ps_fixed_format_list(const int *v, int n, char *buf, size_t size);

#endif
