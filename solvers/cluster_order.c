/* Ordering policies of the cluster planner (docs/cluster.md section 3): first come first
 * served, shortest job first, and BACE's priority (1 - alpha)(1 - I_j) + alpha (1 - D_j)
 * with I and D min-max normalised over the waiting jobs and alpha fixed or following the
 * network utilisation. */
#include "solvers/cluster.h"

#include <assert.h>
#include <math.h>

double ps_cluster_priority(double alpha, double i_norm, double d_norm)
{
    return (1.0 - alpha) * (1.0 - i_norm) + alpha * (1.0 - d_norm);
}

double ps_cluster_network_utilisation(const struct ps_cluster_state *st)
{
    int n = st->c->n_regions;
    int pairs = n * (n - 1) / 2;
    double used = 0.0, total = 0.0;
    for (int q = 0; q < pairs; q++) {
        double bw = st->link_bw[q];
        total += bw;
        used += st->link_load[q] < bw ? st->link_load[q] : bw;
    }
    return total > 0.0 ? used / total : 0.0;
}

double ps_cluster_alpha(const struct ps_cluster_state *st)
{
    if (st->c->policy.alpha_adaptive)
        return ps_cluster_network_utilisation(st);
    return st->c->policy.alpha;
}

static double norm(double x, double lo, double hi)
{
    return hi > lo ? (x - lo) / (hi - lo) : 0.0;
}

void ps_cluster_normalised(const struct ps_cluster_state *st, int wi, double *i_norm,
                           double *d_norm)
{
    double ilo = INFINITY, ihi = -INFINITY, dlo = INFINITY, dhi = -INFINITY;
    for (int k = 0; k < st->n_waiting; k++) {
        const struct ps_job_plan *p = &st->plans[st->waiting[k]];
        ilo = fmin(ilo, p->work_gpu_s);
        ihi = fmax(ihi, p->work_gpu_s);
        dlo = fmin(dlo, p->demand_gbps);
        dhi = fmax(dhi, p->demand_gbps);
    }
    const struct ps_job_plan *p = &st->plans[st->waiting[wi]];
    *i_norm = norm(p->work_gpu_s, ilo, ihi);
    *d_norm = norm(p->demand_gbps, dlo, dhi);
}

/* Waiting jobs are kept in arrival order (submit time, then file order), so the first of
 * equal keys is the earlier arrival: strict comparisons keep it. */
static int pick_sjf(const struct ps_cluster_state *st)
{
    int best = 0;
    for (int k = 1; k < st->n_waiting; k++)
        if (st->plans[st->waiting[k]].solo_s < st->plans[st->waiting[best]].solo_s)
            best = k;
    return best;
}

static int pick_bace(const struct ps_cluster_state *st)
{
    double alpha = ps_cluster_alpha(st);
    double ilo = INFINITY, ihi = -INFINITY, dlo = INFINITY, dhi = -INFINITY;
    for (int k = 0; k < st->n_waiting; k++) {
        const struct ps_job_plan *p = &st->plans[st->waiting[k]];
        ilo = fmin(ilo, p->work_gpu_s);
        ihi = fmax(ihi, p->work_gpu_s);
        dlo = fmin(dlo, p->demand_gbps);
        dhi = fmax(dhi, p->demand_gbps);
    }
    int best = 0;
    double best_prio = -INFINITY;
    for (int k = 0; k < st->n_waiting; k++) {
        const struct ps_job_plan *p = &st->plans[st->waiting[k]];
        double prio = ps_cluster_priority(alpha, norm(p->work_gpu_s, ilo, ihi),
                                          norm(p->demand_gbps, dlo, dhi));
        if (prio > best_prio) {
            best_prio = prio;
            best = k;
        }
    }
    return best;
}

int ps_cluster_pick(enum ps_cluster_order order, const struct ps_cluster_state *st)
{
    assert(st->n_waiting >= 1);
    switch (order) {
    case PS_ORDER_SJF:
        return pick_sjf(st);
    case PS_ORDER_BACE:
        return pick_bace(st);
    case PS_ORDER_FCFS:
    default:
        return 0;
    }
}
