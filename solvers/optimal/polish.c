/* Local search on the starting schedule (docs/model.md, "Polish"): moves one op a few
 * places earlier or later in its device's order, re-times the orders with the simulator
 * and keeps a move when the schedule stays within memory and gets shorter (or as short,
 * with every device ending no later in total). It runs before the MILP is built, so a
 * shorter start also narrows the model's windows; it never changes what is proved, only
 * the incumbent. Bounded by a number of re-timings (the same result on every machine) and
 * by the time limit. */
#include "solvers/optimal/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"

/* Moves of one op: up to this many places either way. */
#define POLISH_REACH 8
/* Passes over every device's ops; each pass tries every op's moves once. */
#define POLISH_PASSES 40

struct score {
    int64_t makespan, ends; /* ends: the devices' last ends added up (the tie-break) */
};

static bool better(struct score a, struct score b)
{
    return a.makespan < b.makespan || (a.makespan == b.makespan && a.ends < b.ends);
}

/* Re-times s; false when its orders break a rule or it goes over the memory limit. */
static bool evaluate(struct ps_schedule *s, struct score *out)
{
    if (!opt_sim_ok(s))
        return false;
    out->makespan = s->makespan_ns;
    out->ends = 0;
    for (int d = 0; d < s->n_stages; d++)
        if (s->dev_n[d] > 0)
            out->ends += s->dev_ops[d][s->dev_n[d] - 1].end_ns;
    return true;
}

/* Moves ops[from] to position `to` in one device's order, the ops between shifting by
 * one. */
static void move_op(struct ps_op *ops, size_t from, size_t to)
{
    struct ps_op o = ops[from];
    if (from < to)
        memmove(&ops[from], &ops[from + 1], (to - from) * sizeof *ops);
    else
        memmove(&ops[to + 1], &ops[to], (from - to) * sizeof *ops);
    ops[to] = o;
}

/* Two ops of one kind and chunk keep their microbatch order: no move passes one over
 * another (the simulator would refuse it anyway; this saves the re-timing). */
static bool passes_same_kind(const struct ps_op *ops, size_t from, size_t to)
{
    size_t lo = from < to ? from + 1 : to, hi = from < to ? to : from - 1;
    for (size_t k = lo; k <= hi; k++)
        if (ops[k].kind == ops[from].kind && ops[k].chunk == ops[from].chunk)
            return true;
    return false;
}

enum ps_status opt_polish(struct model *m, struct warm *w, int64_t lb)
{
    if (w->inc == NULL || w->ub <= lb)
        return PS_OK;
    struct ps_schedule *c = ps_schedule_new(m->sc, "optimal", m->V, m->tr, true);
    if (c == NULL)
        return PS_ENOMEM;
    enum ps_status st = opt_copy_exact(c, w->inc);
    struct score best;
    if (st != PS_OK || !evaluate(c, &best)) {
        ps_schedule_free(c);
        return st;
    }
    long tries = 0;
    bool improved = false;
    for (int pass = 0; pass < POLISH_PASSES && best.makespan > lb; pass++) {
        bool moved = false;
        for (int d = 0; d < c->n_stages; d++) {
            size_t n = c->dev_n[d];
            for (size_t i = 0; i < n; i++) {
                for (int step = -POLISH_REACH; step <= POLISH_REACH; step++) {
                    if (step == 0 || (step < 0 && (size_t)-step > i) ||
                        (step > 0 && i + (size_t)step >= n))
                        continue;
                    size_t to = (size_t)((long)i + step);
                    if (passes_same_kind(c->dev_ops[d], i, to))
                        continue;
                    if (++tries % 64 == 0 && opt_out_of_budget(m))
                        goto done;
                    move_op(c->dev_ops[d], i, to);
                    struct score sc;
                    if (evaluate(c, &sc) && better(sc, best)) {
                        best = sc;
                        moved = true;
                        improved |= sc.makespan < w->ub;
                    } else {
                        move_op(c->dev_ops[d], to, i);
                    }
                }
            }
        }
        if (!moved)
            break;
    }
done:
    /* the orders as they stand are the best found (a rejected move is always undone) */
    if (improved && evaluate(c, &best) && best.makespan < w->ub) {
        ps_schedule_free(w->inc);
        w->inc = c;
        w->ub = best.makespan;
        char from[sizeof w->from];
        snprintf(from, sizeof from, "%.40s, polished", w->from);
        snprintf(w->from, sizeof w->from, "%s", from);
        return PS_OK;
    }
    ps_schedule_free(c);
    return PS_OK;
}
