/* Local search on the starting schedule (docs/model.md, "Polish"): moves one op a few
 * places earlier or later in its device's order, re-times the orders with the simulator
 * and keeps a move when the schedule stays within memory and gets shorter (or as short,
 * with every device ending no later in total). It runs before the MILP is built, so a
 * shorter start also narrows the model's windows; it never changes what is proved, only
 * the incumbent. Bounded by a number of re-timings (the same result on every machine) and
 * by the time limit. */
#include "solvers/optimal/internal.h"

#include <math.h>
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

/* ---- annealing --------------------------------------------------------------------------- */

/* Moves of the annealing: up to this many places either way. */
#define ANNEAL_REACH 3

/* A fixed-seed xorshift: the same moves on every machine. */
static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* The annealing's cost: the makespan plus ANNEAL_SPREAD times the mean end of the ops (all
 * devices, parts counted one by one). Among orders of one makespan it leans, gently, to
 * those that finish the rest of the work earlier: such orders leave the makespan's path
 * room to move, where a plain makespan walks its plateaus blindly (docs/model.md,
 * Annealing). */
#define ANNEAL_SPREAD 0.1

static double anneal_cost(const struct ps_schedule *c)
{
    double sum = 0;
    size_t n = 0;
    for (int d = 0; d < c->n_stages; d++) {
        const struct ps_op *ops = c->dev_ops[d];
        for (size_t i = 0; i < c->dev_n[d]; i++)
            sum += (double)ops[i].end_ns;
        n += c->dev_n[d];
    }
    return (double)c->makespan_ns + (n > 0 ? ANNEAL_SPREAD * sum / (double)n : 0);
}

enum ps_status opt_anneal(struct model *m, struct warm *w, int64_t lb, long evals, long patience,
                          int round, struct opt_anneal_result *res)
{
    memset(res, 0, sizeof *res);
    if (w->inc == NULL || w->ub <= lb || evals <= 0)
        return PS_OK;
    double t0 = opt_now_s();
    struct ps_schedule *c = ps_schedule_new(m->sc, "optimal", m->V, m->tr, true);
    struct ps_schedule *best = ps_schedule_new(m->sc, "optimal", m->V, m->tr, true);
    enum ps_status st = c != NULL && best != NULL ? PS_OK : PS_ENOMEM;
    if (st == PS_OK)
        st = opt_copy_exact(c, w->inc);
    if (st == PS_OK) {
        /* channels first-come-first-served: a move of one op keeps every order valid */
        free(c->xfer_rank);
        c->xfer_rank = NULL;
    }
    int64_t cur = 0;
    if (st == PS_OK && opt_sim_ok(c)) {
        cur = c->makespan_ns;
        st = opt_copy_exact(best, c);
    } else {
        evals = 0; /* not the incumbent's times without its channel orders: leave it */
    }
    res->from_ns = res->best_ns = cur;
    double cost = evals > 0 ? anneal_cost(c) : 0;
    /* a constant temperature: a fraction of the shortest op (a worse step of a whole op
     * is taken about once in e^64 tries, one of a hundredth of it every third try) */
    int64_t dmin = INT64_MAX;
    for (int i = 0; i < m->n_ops; i++)
        if (m->ops[i].present && m->ops[i].dur > 0 && m->ops[i].dur < dmin)
            dmin = m->ops[i].dur;
    double temp = dmin == INT64_MAX ? 1 : (double)dmin / 64;
    /* a fixed seed per round: a round from the last one's schedule makes other moves */
    uint64_t rng = 0x9e3779b97f4a7c15ull ^ (0x2545f4914f6cdd1dull * (uint64_t)round);
    if (rng == 0)
        rng = 0x9e3779b97f4a7c15ull;
    long last_best = 0; /* the move that last shortened the best */
    for (long e = 0; st == PS_OK && e < evals && res->best_ns > lb; e++) {
        if (patience > 0 && e - last_best > patience)
            break; /* nothing shorter for that long */
        if (e % 64 == 0 && opt_out_of_budget(m))
            break;
        int d = (int)(next_rand(&rng) % (uint64_t)c->n_stages);
        size_t n = c->dev_n[d];
        if (n < 2)
            continue;
        size_t i = (size_t)(next_rand(&rng) % n);
        long step = (long)(next_rand(&rng) % (2 * ANNEAL_REACH)) - ANNEAL_REACH;
        step += step >= 0; /* -REACH..-1, 1..REACH */
        long to = (long)i + step;
        if (to < 0 || to >= (long)n || passes_same_kind(c->dev_ops[d], i, (size_t)to))
            continue;
        res->moves++;
        move_op(c->dev_ops[d], i, (size_t)to);
        bool ok = opt_sim_ok(c);
        int64_t v = ok ? c->makespan_ns : INT64_MAX;
        double cv = ok ? anneal_cost(c) : 0;
        double u = (double)(next_rand(&rng) >> 11) / 9007199254740992.0;
        if (ok && (cv <= cost || u < exp(-(cv - cost) / temp))) {
            cur = v;
            cost = cv;
            res->accepted++;
            if (v < res->best_ns) {
                last_best = e;
                res->best_ns = v;
                st = opt_copy_exact(best, c);
            }
        } else {
            move_op(c->dev_ops[d], (size_t)to, i);
        }
    }
    res->seconds = opt_now_s() - t0;
    if (st == PS_OK && res->best_ns < w->ub && opt_sim_ok(best) && best->makespan_ns < w->ub) {
        ps_schedule_free(w->inc);
        w->inc = best;
        w->ub = best->makespan_ns;
        best = NULL;
    }
    ps_schedule_free(best);
    ps_schedule_free(c);
    return st;
}
