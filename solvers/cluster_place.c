/* Placement policies of the cluster planner (docs/cluster.md section 4): BACE's Prim-like
 * bandwidth-aware pathfinder (a link joins only while its communication time does not
 * exceed the job's computation time) and cost-min allocator (one GPU per region on the
 * path, the rest in ascending price), the paper's baselines LCF, LDF, CR-LCF, CR-LDF, and
 * the ablations. Every rule aims at K* GPUs and starts a job with at least K_min. */
#include "solvers/cluster.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double eff_price(const struct ps_cluster *c, int r)
{
    return c->regions[r].price_usd_per_kwh * c->regions[r].pue;
}

bool ps_cluster_link_feasible(double activation_mb, double bw_gbps, double t_stage_ms,
                              double *comm_ms)
{
    double comm = bw_gbps > 0.0 ? activation_mb * 8.0 / bw_gbps : 0.0;
    if (comm_ms != NULL)
        *comm_ms = comm;
    return comm <= t_stage_ms;
}

double ps_cluster_bw_avail(const struct ps_cluster_state *st, int a, int b)
{
    int q = ps_cluster_pair_index(st->c, a, b);
    return st->link_bw[q] / (1 + st->link_jobs[q]);
}

double ps_cluster_link_ratio(const struct ps_cluster_state *st, int j, int a, int b)
{
    const struct ps_job_plan *pl = &st->plans[j];
    double comm = 0.0;
    ps_cluster_link_feasible(pl->activation_mb, ps_cluster_bw_avail(st, a, b), pl->t_stage_ms,
                             &comm);
    return pl->t_stage_ms > 0.0 ? comm / pl->t_stage_ms : (comm > 0.0 ? INFINITY : 0.0);
}

/* ---- growing a chain ----------------------------------------------------------------- */

enum prefer { PREFER_BANDWIDTH, PREFER_CAPACITY };

struct chain {
    int n;
    int region[PS_CLUSTER_MAX_REGIONS]; /* pipeline order */
    int join[PS_CLUSTER_MAX_REGIONS];   /* order of joining */
    int free_total;
};

/* Is candidate (free f, bandwidth bw, region r) better than the best so far? */
static bool better(const struct ps_cluster *c, enum prefer pr, int f, double bw, int r, int bf,
                   double bbw, int br)
{
    if (br < 0)
        return true;
    if (pr == PREFER_BANDWIDTH) {
        if (bw != bbw)
            return bw > bbw;
        if (f != bf)
            return f > bf;
    } else {
        if (f != bf)
            return f > bf;
        if (bw != bbw)
            return bw > bbw;
    }
    if (eff_price(c, r) != eff_price(c, br))
        return eff_price(c, r) < eff_price(c, br);
    return r < br;
}

static int pick_seed(const struct ps_cluster_state *st, enum ps_cluster_seed seed)
{
    const struct ps_cluster *c = st->c;
    int best = -1;
    for (int r = 0; r < c->n_regions; r++) {
        int f = st->free_gpus[r];
        if (f <= 0)
            continue;
        if (best < 0) {
            best = r;
            continue;
        }
        int bf = st->free_gpus[best];
        double p = eff_price(c, r), bp = eff_price(c, best);
        bool win = seed == PS_SEED_CHEAPEST ? (p < bp || (p == bp && f > bf))
                                            : (f > bf || (f == bf && p < bp));
        if (win)
            best = r;
    }
    return best;
}

/* Grows a chain from the seed until it holds `want` free GPUs or nothing can join.
 * check: only feasible links join (t_stage, activation from job j's plan). */
static void grow_chain(const struct ps_cluster_state *st, int j, int seed, enum prefer pr,
                       bool check, int want, struct chain *ch)
{
    const struct ps_cluster *c = st->c;
    const struct ps_job_plan *pl = &st->plans[j];
    bool on[PS_CLUSTER_MAX_REGIONS] = {false};
    ch->n = 1;
    ch->region[0] = ch->join[0] = seed;
    ch->free_total = st->free_gpus[seed];
    on[seed] = true;
    while (ch->free_total < want && ch->n < c->n_regions) {
        int br = -1, bf = 0, bend = 0;
        double bbw = 0.0;
        for (int r = 0; r < c->n_regions; r++) {
            if (on[r] || st->free_gpus[r] <= 0)
                continue;
            /* Tail first, so a tie goes to the tail. */
            for (int end = 1; end >= 0; end--) {
                if (end == 0 && ch->n == 1)
                    break;
                int e = end ? ch->region[ch->n - 1] : ch->region[0];
                double bw = ps_cluster_bw_avail(st, e, r);
                if (check && !ps_cluster_link_feasible(pl->activation_mb, bw, pl->t_stage_ms, NULL))
                    continue;
                if (better(c, pr, st->free_gpus[r], bw, r, bf, bbw, br)) {
                    br = r;
                    bf = st->free_gpus[r];
                    bbw = bw;
                    bend = end;
                }
            }
        }
        if (br < 0)
            break;
        if (bend) {
            ch->region[ch->n] = br;
        } else {
            memmove(&ch->region[1], &ch->region[0], (size_t)ch->n * sizeof ch->region[0]);
            ch->region[0] = br;
        }
        ch->join[ch->n++] = br;
        ch->free_total += st->free_gpus[br];
        on[br] = true;
    }
}

/* ---- allocation ---------------------------------------------------------------------- */

void ps_cluster_cost_min(const struct ps_cluster *c, const int *path, const int *free_gpus, int n,
                         int k, struct ps_placement *p)
{
    p->n = n;
    int left = k;
    for (int i = 0; i < n; i++) {
        p->region[i] = path[i];
        p->gpus[i] = 1;
        left--;
    }
    bool done[PS_CLUSTER_MAX_REGIONS] = {false};
    while (left > 0) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (!done[i] && (best < 0 || eff_price(c, path[i]) < eff_price(c, path[best])))
                best = i;
        if (best < 0)
            break;
        done[best] = true;
        int room = free_gpus[best] - p->gpus[best];
        int take = room < left ? room : left;
        p->gpus[best] += take;
        left -= take;
    }
}

/* k GPUs on the chain, filled in the order regions joined it (each region's free GPUs in
 * turn). Since a chain grows only while it holds fewer than K*, every region gets >= 1. */
static void fill_in_join_order(const struct ps_cluster_state *st, const struct chain *ch, int k,
                               struct ps_placement *p)
{
    p->n = ch->n;
    for (int i = 0; i < ch->n; i++) {
        p->region[i] = ch->region[i];
        p->gpus[i] = 0;
    }
    int left = k;
    for (int o = 0; o < ch->n && left > 0; o++)
        for (int i = 0; i < ch->n; i++)
            if (ch->region[i] == ch->join[o]) {
                int f = st->free_gpus[ch->region[i]];
                int take = f < left ? f : left;
                p->gpus[i] = take;
                left -= take;
            }
    /* Drop regions left without a GPU (only when k < the chain's size: not for chains). */
    int m = 0;
    for (int i = 0; i < p->n; i++)
        if (p->gpus[i] > 0) {
            p->region[m] = p->region[i];
            p->gpus[m++] = p->gpus[i];
        }
    p->n = m;
}

static bool too_few(int have, int need, const char *where, char *why, size_t size)
{
    if (have >= need)
        return false;
    snprintf(why, size, "%s %d free GPUs, it needs %d", where, have, need);
    return true;
}

static bool place_chain(const struct ps_cluster_state *st, int j, enum ps_cluster_place place,
                        struct ps_placement *p, char *why, size_t size)
{
    const struct ps_job_plan *pl = &st->plans[j];
    bool bace_path = place == PS_PLACE_BACE || place == PS_PLACE_NO_COSTMIN;
    int seed = pick_seed(st, bace_path ? st->c->policy.seed : PS_SEED_MOST_GPUS);
    if (seed < 0) {
        snprintf(why, size, "no free GPU");
        return false;
    }
    /* On the empty cluster the chain takes what it reaches, up to K*; that is the job's
     * size from then on, and later chains wait until they reach it. */
    int want = st->target != NULL ? st->target[j] : pl->k_star;
    struct chain ch;
    grow_chain(st, j, seed, bace_path ? PREFER_BANDWIDTH : PREFER_CAPACITY, bace_path, want, &ch);
    char where[96];
    snprintf(where, sizeof where, "the %spath from %s reaches", bace_path ? "feasible " : "",
             st->c->regions[seed].name);
    if (too_few(ch.free_total, st->target != NULL ? want : pl->k_min, where, why, size))
        return false;
    int k = ch.free_total < want ? ch.free_total : want;
    if (place == PS_PLACE_BACE || place == PS_PLACE_NO_PATHFINDER) {
        int free_on[PS_CLUSTER_MAX_REGIONS];
        for (int i = 0; i < ch.n; i++)
            free_on[i] = st->free_gpus[ch.region[i]];
        ps_cluster_cost_min(st->c, ch.region, free_on, ch.n, k, p);
    } else {
        fill_in_join_order(st, &ch, k, p);
    }
    return true;
}

/* One region. A job in region r takes min(K*, r's GPUs) of them, all at once: r qualifies
 * when it has at least K_min GPUs and that many free. lcf: the cheapest qualifying region;
 * ldf: the qualifying region with the most free GPUs. */
static bool place_single(const struct ps_cluster_state *st, int j, bool cheapest,
                         struct ps_placement *p, char *why, size_t size)
{
    const struct ps_cluster *c = st->c;
    const struct ps_job_plan *pl = &st->plans[j];
    int best = -1, biggest = 0;
    for (int r = 0; r < c->n_regions; r++) {
        int cap = c->regions[r].gpus, f = st->free_gpus[r];
        biggest = cap > biggest ? cap : biggest;
        int need = cap < pl->k_star ? cap : pl->k_star;
        if (cap < pl->k_min || f < need)
            continue;
        if (best < 0) {
            best = r;
            continue;
        }
        int bf = st->free_gpus[best];
        double pr = eff_price(c, r), bp = eff_price(c, best);
        bool win = cheapest ? (pr < bp || (pr == bp && f > bf)) : (f > bf || (f == bf && pr < bp));
        if (win)
            best = r;
    }
    if (best < 0) {
        if (biggest < pl->k_min)
            snprintf(why, size, "needs %d GPUs in one region, the largest has %d", pl->k_min,
                     biggest);
        else
            snprintf(why, size, "no region that can hold it has its GPUs free");
        return false;
    }
    int cap = c->regions[best].gpus;
    p->n = 1;
    p->region[0] = best;
    p->gpus[0] = cap < pl->k_star ? cap : pl->k_star;
    return true;
}

/* Regions in ascending price, aggregated until K*, filled in that order. */
static bool place_cr_lcf(const struct ps_cluster_state *st, int j, struct ps_placement *p,
                         char *why, size_t size)
{
    const struct ps_cluster *c = st->c;
    const struct ps_job_plan *pl = &st->plans[j];
    struct chain ch = {0};
    bool used[PS_CLUSTER_MAX_REGIONS] = {false};
    while (ch.free_total < (st->target != NULL ? st->target[j] : pl->k_star)) {
        int best = -1;
        for (int r = 0; r < c->n_regions; r++) {
            if (used[r] || st->free_gpus[r] <= 0)
                continue;
            double pr = eff_price(c, r);
            if (best < 0 || pr < eff_price(c, best) ||
                (pr == eff_price(c, best) && st->free_gpus[r] > st->free_gpus[best]))
                best = r;
        }
        if (best < 0)
            break;
        used[best] = true;
        ch.region[ch.n] = ch.join[ch.n] = best;
        ch.n++;
        ch.free_total += st->free_gpus[best];
    }
    int want = st->target != NULL ? st->target[j] : pl->k_star;
    if (too_few(ch.free_total, st->target != NULL ? want : pl->k_min, "the cluster has", why, size))
        return false;
    fill_in_join_order(st, &ch, ch.free_total < want ? ch.free_total : want, p);
    return true;
}

bool ps_cluster_place(enum ps_cluster_place place, const struct ps_cluster_state *st, int j,
                      struct ps_placement *p, char *why, size_t why_size)
{
    memset(p, 0, sizeof *p);
    switch (place) {
    case PS_PLACE_LCF:
        return place_single(st, j, true, p, why, why_size);
    case PS_PLACE_LDF:
        return place_single(st, j, false, p, why, why_size);
    case PS_PLACE_CR_LCF:
        return place_cr_lcf(st, j, p, why, why_size);
    case PS_PLACE_BACE:
    case PS_PLACE_CR_LDF:
    case PS_PLACE_NO_PATHFINDER:
    case PS_PLACE_NO_COSTMIN:
    default:
        return place_chain(st, j, place, p, why, why_size);
    }
}

void ps_cluster_path_report(const struct ps_cluster_state *st, int j, struct ps_path_report *r)
{
    memset(r, 0, sizeof *r);
    r->bottleneck_a = r->bottleneck_b = -1;
    r->seed = pick_seed(st, st->c->policy.seed);
    if (r->seed < 0) {
        snprintf(r->why, sizeof r->why, "no free GPU");
        return;
    }
    struct chain ch;
    grow_chain(st, j, r->seed, PREFER_BANDWIDTH, true, st->plans[j].k_star, &ch);
    r->n = ch.n;
    memcpy(r->region, ch.region, sizeof ch.region);
    memcpy(r->join, ch.join, sizeof ch.join);
    r->free_on_path = ch.free_total;
    char where[96];
    snprintf(where, sizeof where, "the feasible path from %s reaches",
             st->c->regions[r->seed].name);
    r->found = !too_few(ch.free_total, st->plans[j].k_min, where, r->why, sizeof r->why);
    for (int i = 0; i + 1 < ch.n; i++) {
        double x = ps_cluster_link_ratio(st, j, ch.region[i], ch.region[i + 1]);
        if (r->bottleneck_a < 0 || x > r->bottleneck_ratio) {
            r->bottleneck_a = ch.region[i];
            r->bottleneck_b = ch.region[i + 1];
            r->bottleneck_ratio = x;
        }
    }
}
