/* Orders into schedules for the optimal solver: keyed sorts of a solution's ops and
 * transmissions into device orders and channel ranks, copies between schedules of one
 * shape, and the simulator's check that a schedule completes within memory. */
#include "solvers/optimal/internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/sim.h"

static int cmp_keyed(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return (a->tie > b->tie) - (a->tie < b->tie);
}

/* Key buffer large enough for the longest device or channel of the model (free()). */
struct keyed *opt_keys_new(const struct model *m)
{
    return malloc((size_t)opt_max_machine_ops(m) * sizeof(struct keyed));
}

/* Sorts device d's keyed ops and appends them to its order in s. */
enum ps_status opt_push_keyed(const struct model *m, struct ps_schedule *s, int d, struct keyed *k,
                              int n)
{
    qsort(k, (size_t)n, sizeof *k, cmp_keyed);
    for (int j = 0; j < n; j++) {
        const struct mop *o = &m->ops[k[j].id];
        enum ps_status st = ps_schedule_push(s, d, (enum ps_op_kind)o->kind, o->chunk, o->mb);
        if (st != PS_OK)
            return st;
    }
    return PS_OK;
}

/* Makes s carry explicit channel ranks, every transfer unranked for now. */
enum ps_status opt_ranks_begin(struct ps_schedule *s)
{
    if (s->xfer_rank == NULL && ps_schedule_enable_ranks(s) != PS_OK)
        return PS_ENOMEM;
    for (size_t i = 0; i < ps_schedule_xfer_keys(s); i++)
        s->xfer_rank[i] = INT64_MAX;
    return PS_OK;
}

/* Sorts one channel's keyed transfers and ranks them in that order. */
void opt_rank_keyed(const struct model *m, struct ps_schedule *s, struct keyed *k, int n)
{
    qsort(k, (size_t)n, sizeof *k, cmp_keyed);
    for (int j = 0; j < n; j++) {
        const struct mxfer *x = &m->xfers[k[j].id];
        s->xfer_rank[ps_xfer_key(s, (enum ps_xfer_kind)x->kind, x->from_v, x->mb)] = j;
    }
}

/* Pushes the whole ops of `src` (a schedule of the same shape, maybe with
 * parts: an op goes where its last part was, which keeps every precedence and
 * never raises memory) into `dst`. */
enum ps_status opt_copy_orders(struct ps_schedule *dst, const struct ps_schedule *src)
{
    ps_schedule_clear(dst);
    for (int d = 0; d < src->n_stages; d++)
        for (size_t i = 0; i < src->dev_n[d]; i++) {
            const struct ps_op *o = &src->dev_ops[d][i];
            if (o->part != o->parts - 1)
                continue;
            enum ps_status st =
                ps_schedule_push(dst, d, (enum ps_op_kind)o->kind, o->chunk, o->microbatch);
            /* a combined backward becomes B then its W at once (no later, and it frees its
             * memory no later) */
            if (st == PS_OK && o->kind == PS_OP_B && !src->split_backward && dst->split_backward &&
                ps_schedule_has_w(dst, d))
                st = ps_schedule_push(dst, d, PS_OP_W, o->chunk, o->microbatch);
            if (st != PS_OK)
                return st;
        }
    return PS_OK;
}

/* Copies src's orders (parts included) and channel ranks into dst (same shape).
 */
enum ps_status opt_copy_exact(struct ps_schedule *dst, const struct ps_schedule *src)
{
    ps_schedule_clear(dst);
    for (int d = 0; d < src->n_stages; d++)
        for (size_t i = 0; i < src->dev_n[d]; i++) {
            const struct ps_op *o = &src->dev_ops[d][i];
            enum ps_status st = ps_schedule_push_part(dst, d, (enum ps_op_kind)o->kind, o->chunk,
                                                      o->microbatch, o->part, o->parts);
            if (st != PS_OK)
                return st;
        }
    free(dst->xfer_rank);
    dst->xfer_rank = NULL;
    if (src->xfer_rank != NULL) {
        if (ps_schedule_enable_ranks(dst) != PS_OK)
            return PS_ENOMEM;
        memcpy(dst->xfer_rank, src->xfer_rank, ps_schedule_xfer_keys(dst) * sizeof *dst->xfer_rank);
    }
    return PS_OK;
}

bool opt_has_parts(const struct ps_schedule *s)
{
    for (int d = 0; d < s->n_stages; d++)
        for (size_t i = 0; i < s->dev_n[d]; i++)
            if (s->dev_ops[d][i].parts > 1)
                return true;
    return false;
}

/* Simulates s; true when it completed and meets the memory limit. */
bool opt_sim_ok(struct ps_schedule *s)
{
    /* no diagnostics: the searches only ask whether, and a deadlock's message (which op
     * waits for which) took most of an annealing move's time */
    return ps_sim_time(s, NULL) == PS_OK && s->memory_ok;
}
