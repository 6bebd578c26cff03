/* One shape's solve (loop V=1 or wave V=2): the model's graph, the starting schedule, the
 * formulation, the MILP and GLPK's run, and this shape's schedule with the bound that holds
 * for every whole-op schedule of the shape. solvers/optimal/optimal.c runs one job per shape
 * (side by side on two threads with traversal=auto) and picks the answer. */
#include "solvers/optimal/internal.h"

#include <glpk.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"

void opt_set_outcome(struct ps_schedule *s, int64_t bound, bool proved, bool cancelled)
{
    int64_t obj = s->makespan_ns;
    if (proved || bound >= obj)
        bound = obj;
    s->solver.objective_ns = obj;
    s->solver.bound_ns = bound;
    s->solver.gap = obj > 0 ? (double)(obj - bound) / (double)obj : 0;
    s->solver.status = bound >= obj ? PS_SOLVE_OPTIMAL
                       : cancelled  ? PS_SOLVE_CANCELLED
                                    : PS_SOLVE_FEASIBLE;
}

enum ps_status opt_job_init(struct job *j, struct opt_run *r, int index, enum ps_traversal tr,
                            struct ps_diag *d)
{
    const struct ps_scenario *sc = r->sc;
    memset(j, 0, sizeof *j);
    j->run = r;
    j->index = index;
    j->tr = tr;
    j->V = tr == PS_TRAVERSAL_WAVE ? 2 : 1;
    j->p_inc = j->p_bound = -1;
    j->bound = -1;
    atomic_init(&j->stop, 0);
    atomic_init(&j->done, 0);
    j->ctx.cancel = r->ctx != NULL ? r->ctx->cancel : NULL;
    j->ctx.progress = opt_run_progress;
    j->ctx.user = j;
    long n_ops = (long)sc->n_stages * j->V * sc->n_microbatches * 3;
    if (n_ops > OPT_MAX_OPS)
        return ps_diag_set(d, PS_EUNSUPPORTED, "",
                           "the optimal solver takes at most %d ops (this scenario has %ld); "
                           "use the greedy",
                           OPT_MAX_OPS, n_ops);
    j->s = ps_schedule_new(sc, "optimal", j->V, tr, true);
    if (j->s == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    struct model *m = &j->m;
    m->sc = sc;
    m->shape = j->s;
    m->S = sc->n_stages;
    m->M = sc->n_microbatches;
    m->V = j->V;
    m->SV = m->S * j->V;
    m->tr = tr;
    m->tighten = r->tighten;
    m->brank = malloc((size_t)m->M * sizeof *m->brank);
    m->border = malloc((size_t)m->M * sizeof *m->border);
    if (m->brank == NULL || m->border == NULL)
        return PS_ENOMEM;
    ps_scenario_bwd_ranks(sc, m->brank, m->border);
    m->last_b = m->border[m->M - 1];
    return PS_OK;
}

void opt_job_fini(struct job *j)
{
    opt_model_free(&j->m);
    opt_warm_fini(&j->w);
    free(j->x0);
    j->x0 = NULL;
    ps_schedule_free(j->s);
    j->s = NULL;
    ps_schedule_free(j->ref_annealed);
    j->ref_annealed = NULL;
}

/* A progress report of the starting schedule and the static bound (never above it), before
 * the model is built. */
static void report_start(struct job *j)
{
    int64_t ub = j->w.ub;
    if (j->lb > ub)
        j->lb = ub;
    struct ps_progress pr = {ub, j->lb, ub > 0 ? (double)(ub - j->lb) / (double)ub : 0, 0,
                             (opt_now_s() - j->run->t0) * 1e3};
    j->ctx.progress(&pr, j->ctx.user);
}

/* The static bound (recorded as a param) and the first progress report. */
static void start_bound(struct job *j)
{
    const struct model *m = &j->m;
    j->uniform = true;
    for (int mb = 1; mb < m->M; mb++)
        if (ps_scenario_message_mb(m->sc, mb) != ps_scenario_message_mb(m->sc, 0))
            j->uniform = false;
    j->identical = j->uniform && opt_identical_mbs(m);
    j->lb = j->lb_parts = opt_static_bound(m);
    char buf[48];
    snprintf(buf, sizeof buf, "%.6f", ms(j->lb));
    ps_schedule_set_param(j->s, "static_bound", buf);
    if (m->tighten & T_CYCLE) {
        /* whole ops and parts alike */
        int dev;
        int64_t cyc = opt_memory_cycle_bound(m, &dev);
        if (dev >= 0) {
            snprintf(buf, sizeof buf, "%.3f ms (device %d)", ms(cyc), dev);
            ps_schedule_set_param(j->s, "memory_cycle", buf);
        }
        if (cyc > j->lb)
            j->lb = cyc;
        if (cyc > j->lb_parts)
            j->lb_parts = cyc;
    }
    report_start(j);
}

/* Rounded slots: as fine as the binaries allow, never coarser than the shortest op (each op
 * keeps at least one slot, or the bound would say little). */
static void choose_rounded(struct model *m, int64_t ub)
{
    int64_t shortest = INT64_MAX;
    for (int i = 0; i < m->n_ops; i++)
        if (m->ops[i].present && m->ops[i].dur > 0 && m->ops[i].dur < shortest)
            shortest = m->ops[i].dur;
    for (long slots = OPT_MAX_SLOTS; slots >= 8 && !m->ti; slots = slots * 2 / 3) {
        int64_t unit = (ub + slots - 1) / slots;
        if (unit > shortest)
            break;
        if (unit < 1)
            continue;
        opt_time_prepare(m, unit, true);
        m->ti = opt_time_count(m, ub) <= OPT_AUTO_TI_BINARIES;
    }
}

/* "auto" takes the exact slot model up to this many binaries (OPT_AUTO_TI_BINARIES was the
 * cap while its root LP started from the slack basis): from the starting schedule's basis
 * (glpk.c) the LP of S=4, M=8 waves with 3000-4200 binaries solves in 1000-4500 simplex
 * iterations, 0.3-2 s, and its bound is stronger than the order model's (latency 2: 35.5
 * against 33.5, which proves the loop's 35 optimal; docs/model.md). */
#define AUTO_TIME_BINARIES 6000

/* The branch-and-bound's budget in nodes (a count, so the result is the same on every
 * machine; node_limit caps it too): 0.1-0.5 s here; the shapes it proves (S=3-4 loops)
 * take under 10,000 */
#define BNB_NODES 50000L
/* ... and where the MILP would be the order model, whose bound rarely moves, a second
 * search from the start with this budget: 1-6 s here (the 4x5 heterogeneous wave finds
 * its optimum, which meets the static bound, after 732,018 nodes) */
#define BNB_NODES_ORDER 1500000L
/* The large-neighbourhood search's budget: nodes in all, and per window */
#define LNS_NODES 8000000L
/* The annealing's moves: this many per op of the shape, at most ANNEAL_EVALS (a re-timing
 * costs about 20-60 us on the 8-stage presets) */
#define ANNEAL_PER_OP 256L
#define ANNEAL_EVALS 400000L
/* Turns of the neighbourhood search and the annealing on one incumbent, at most */
#define SEARCH_ROUNDS 6
/* An annealing run: at most this many times its budget of moves, and it ends after one
 * budget without a shorter schedule */
#define ANNEAL_ROUNDS 24
#define LNS_WINDOW_NODES 20000L

/* The formulation: time-indexed when every duration is a multiple of a unit that keeps the
 * slot model small (its LP bound is far stronger), else order binaries; "rounded" only on
 * request. Sets m->ti (and its unit) and the makespan's grid. */
static enum ps_status choose_formulation(struct job *j, struct ps_diag *d)
{
    struct model *m = &j->m;
    int64_t ub = j->w.ub;
    const char *form = j->run->form;
    bool want_time = form != NULL && strcmp(form, "time") == 0;
    bool want_rounded = form != NULL && strcmp(form, "rounded") == 0;
    bool want_auto = form == NULL || strcmp(form, "auto") == 0;
    /* rounded is not in auto: rounding down every time along a path loses more than the
     * order model's big-M does (S=4, M=8 off the grid: bound 27.7 vs 28.0, 28.3 vs 29.3) */
    long cap = want_auto ? AUTO_TIME_BINARIES : OPT_MAX_BINARIES;
    if (want_time || want_auto) {
        int64_t unit = opt_time_unit(m, ub);
        if (unit > 0 && ub / unit <= OPT_MAX_SLOTS) {
            opt_time_prepare(m, unit, false);
            m->ti = opt_time_count(m, ub) <= cap;
        }
    }
    if (!m->ti && want_rounded)
        choose_rounded(m, ub);
    if (!m->ti && (want_time || want_rounded))
        return ps_diag_set(d, PS_EUNSUPPORTED, "param.formulation",
                           "%s: the slot model would be too large (at most %d slots and %d "
                           "binaries)%s",
                           form, OPT_MAX_SLOTS, OPT_MAX_BINARIES,
                           want_time ? ", or the durations have no common unit" : "");
    if (!m->ti) {
        /* count the binaries before building anything big */
        long n_bin = opt_order_count(m);
        if (n_bin > OPT_MAX_BINARIES)
            return ps_diag_set(d, PS_EUNSUPPORTED, "",
                               "the optimal solver's model would need %ld order variables "
                               "(limit %d); use fewer stages or microbatches, or the greedy",
                               n_bin, OPT_MAX_BINARIES);
    }
    ps_schedule_set_param(j->s, "formulation", !m->ti ? "order" : m->relaxed ? "rounded" : "time");
    if (m->ti) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.6g", ms(m->unit));
        ps_schedule_set_param(j->s, "slot_ms", buf);
    }
    /* every makespan is a sum of durations from 0: a multiple of their common divisor */
    m->grid = opt_grid_of(m, ub);
    m->c_unit_ms = 1;
    m->c_int = false;
    if ((m->tighten & T_CINT) && m->grid > 0 && ub / m->grid <= 1000000) {
        m->c_unit_ms = ms(m->grid);
        m->c_int = true;
    }
    return PS_OK;
}

/* Where this shape's model goes: the path as given for the first shape, with "-wave"
 * before its extension for the wave when both shapes are solved. */
static void model_path(const struct job *j, char *buf, size_t size)
{
    const char *p = j->run->model_path;
    if (j->run->n_jobs < 2 || j->tr != PS_TRAVERSAL_WAVE) {
        snprintf(buf, size, "%s", p);
        return;
    }
    const char *slash = strrchr(p, '/'), *dot = strrchr(p, '.');
    if (dot == NULL || (slash != NULL && dot < slash))
        snprintf(buf, size, "%s-wave", p);
    else
        snprintf(buf, size, "%.*s-wave%s", (int)(dot - p), p, dot);
}

/* Builds the MILP (and writes it when asked) and turns the starting schedule into GLPK's
 * first incumbent, checked against the model's rows. */
static enum ps_status build_model(struct job *j, struct ps_diag *d)
{
    struct model *m = &j->m;
    bool names = j->run->model_path != NULL && j->run->model_path[0] != '\0';
    glp_term_out(GLP_OFF);
    double tb = opt_now_s();
    enum ps_status st = m->ti ? opt_time_build(m, j->w.ub, j->lb, names)
                              : opt_order_build(m, ms(j->w.ub), ms(j->lb), j->uniform, names);
    if (st != PS_OK)
        return st;
    char buf[96];
    snprintf(buf, sizeof buf, "%.3f", (opt_now_s() - tb) * 1e3);
    ps_schedule_set_param(j->s, "build_ms", buf);
    snprintf(buf, sizeof buf, "%d", m->n_bin);
    ps_schedule_set_param(j->s, "binaries", buf);
    if (names) {
        char path[4096];
        model_path(j, path, sizeof path);
        st = opt_write_model(m->lp, path, d);
        if (st != PS_OK)
            return st;
        ps_schedule_set_param(j->s, "write_model", path);
    }
    j->x0 = calloc((size_t)m->n_cols + 1, sizeof *j->x0);
    if (j->x0 == NULL)
        return PS_ENOMEM;
    st = m->ti ? opt_time_incumbent(m, j->w.inc, j->x0) : opt_order_incumbent(m, j->w.inc, j->x0);
    if (st == PS_EINVAL) {
        /* off the slot grid: a bug; solve without the incumbent */
        free(j->x0);
        j->x0 = NULL;
        st = PS_OK;
    }
    if (st != PS_OK)
        return st;
    double viol = j->x0 != NULL ? opt_max_violation(m->lp, j->x0) : 0;
    if (viol > 1e-6) {
        /* the model and the simulator disagree: a bug; keep the incumbent out of GLPK and
         * say so in the result (never on the terminal: this runs on a worker thread) */
        snprintf(buf, sizeof buf, "rejected: violates the model by %g ms", viol);
        ps_schedule_set_param(j->s, "warm", buf);
        free(j->x0);
        j->x0 = NULL;
    }
    return PS_OK;
}

/* The starting schedule (or the search's better one) as this shape's answer j->s, timed. */
static enum ps_status take_incumbent(struct job *j, struct ps_diag *d)
{
    enum ps_status st = opt_copy_exact(j->s, j->w.inc);
    if (st != PS_OK)
        return st;
    if (!opt_sim_ok(j->s))
        return ps_diag_set(d, PS_EINVAL, "", "internal: the incumbent does not simulate");
    return PS_OK;
}

/* The answer's orders: the MILP's when GLPK found a better solution, else the incumbent.
 * Sets *from_milp. */
static enum ps_status take_orders(struct job *j, int rc, bool *from_milp, struct ps_diag *d)
{
    struct model *m = &j->m;
    struct ps_schedule *s = j->s;
    *from_milp = false;
    if (rc == 0 || rc == GLP_ETMLIM || rc == GLP_ESTOP || rc == GLP_EMIPGAP) {
        int ms_st = glp_mip_status(m->lp);
        /* a relaxed objective is not a makespan: re-time and compare */
        if ((ms_st == GLP_OPT || ms_st == GLP_FEAS) &&
            (m->relaxed || glp_mip_obj_val(m->lp) * m->c_unit_ms < ms(j->w.ub) - 1e-6)) {
            enum ps_status st = m->ti ? opt_time_orders(m, s) : opt_order_orders(m, s);
            if (st != PS_OK)
                return st;
            if (opt_sim_ok(s) && s->makespan_ns <= j->w.ub)
                *from_milp = true;
        }
    }
    if (*from_milp)
        return PS_OK;
    return take_incumbent(j, d);
}

/* The proved bound: GLPK's best node (or the proof), never above the objective. */
static int64_t proved_bound(const struct job *j, const struct solve *so, int rc, bool proved,
                            int64_t obj)
{
    const struct model *m = &j->m;
    int64_t bound = proved ? obj : (int64_t)floor(so->best_bound * 1e6 * (1 - 1e-9));
    if (!proved && m->grid > 0) /* every makespan is a multiple of the grid */
        bound = (int64_t)ceil(so->best_bound * 1e6 / (double)m->grid - 1e-6) * m->grid;
    if (rc == GLP_EMIPGAP && !so->cancelled && !so->stopped) {
        /* stopped at the requested gap: GLPK's last bound */
        double g2 = glp_mip_obj_val(m->lp) * m->c_unit_ms * (1 - j->run->gap);
        if (g2 * 1e6 > (double)bound)
            bound = (int64_t)floor(g2 * 1e6 * (1 - 1e-9));
    }
    if (bound < j->lb)
        bound = j->lb; /* exact in ns; GLPK's is in ms */
    if (bound > obj)
        bound = obj;
    return bound;
}

/* This shape's schedule, its bound and whether it is proved optimal for the shape. */
static enum ps_status finish(struct job *j, struct solve *so, int rc, bool cancel_now,
                             struct ps_diag *d)
{
    struct model *m = &j->m;
    struct ps_schedule *s = j->s;
    bool from_milp;
    enum ps_status st = take_orders(j, rc, &from_milp, d);
    if (st != PS_OK)
        return st;
    int64_t obj = s->makespan_ns;
    bool proved = rc == 0 && !so->cancelled && !so->stopped && !m->relaxed;
    if (rc == 0 && !so->cancelled && !so->stopped && m->relaxed) {
        /* the relaxation's optimum bounds every schedule */
        double relaxed_opt = glp_mip_obj_val(m->lp) * m->c_unit_ms;
        if (relaxed_opt > so->best_bound)
            so->best_bound = relaxed_opt;
    }
    if (!so->cancelled && rc == -1 && ms(j->lb) >= ms(j->w.ub) * (1 - 1e-9) && !cancel_now)
        proved = true; /* the incumbent meets the lower bound */
    j->bound = proved_bound(j, so, rc, proved, obj);
    j->proved = proved || j->bound >= obj;
    j->cancelled = so->cancelled;
    j->stopped = so->stopped;
    opt_set_outcome(s, j->bound, j->proved, j->cancelled);
    if (!from_milp)
        ps_schedule_set_param(s, "start", j->w.from);
    so->incumbent = ms(obj);
    so->best_bound = ms(s->solver.bound_ns);
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", so->nodes);
    ps_schedule_set_param(s, "nodes", buf);
    opt_report(so, true);
    return PS_OK;
}

/* This shape's answer without its MILP: its starting schedule (the greedy of the shape if
 * none yet), with the static bound, and why in the result's error. */
static enum ps_status start_answer(struct job *j, const char *why, struct ps_diag *d)
{
    struct model *m = &j->m;
    struct ps_schedule *s = j->s;
    if (j->w.inc == NULL) {
        /* before the start: the greedy of this shape */
        struct ps_params gp = {0};
        ps_params_set(&gp, "traversal", ps_traversal_str(j->tr));
        struct ps_schedule *g = NULL;
        enum ps_status st = ps_solver_run(&ps_solver_greedy, m->sc, &gp, NULL, &g, d);
        if (st != PS_OK)
            return st;
        g->solver = s->solver; /* the optimal solver's parameters */
        snprintf(g->name, sizeof g->name, "optimal");
        ps_schedule_free(j->s);
        j->s = s = g;
    } else {
        enum ps_status st = take_incumbent(j, d);
        if (st != PS_OK)
            return st;
    }
    int64_t obj = s->makespan_ns;
    j->bound =
        j->lb > 0 && j->lb <= obj ? j->lb : (j->run->all_bound < obj ? j->run->all_bound : obj);
    j->proved = j->bound >= obj;
    opt_set_outcome(s, j->bound, j->proved, j->cancelled);
    snprintf(s->solver.error, sizeof s->solver.error, "%s", why);
    return PS_OK;
}

/* The time limit ran out, the solve was cancelled or stopped while the model was being
 * built: this shape's answer is its starting schedule, with the static bound. */
static enum ps_status out_of_budget(struct job *j, struct ps_diag *d)
{
    struct model *m = &j->m;
    j->out_of_budget = true;
    j->cancelled = m->out == OPT_OUT_CANCEL;
    j->stopped = m->out == OPT_OUT_STOP;
    char why[256];
    snprintf(why, sizeof why, "%s while the model was being built (%.1f s): the starting schedule",
             j->cancelled ? "cancelled"
             : j->stopped ? "another shape's schedule was already shorter"
                          : "the time limit ran out",
             opt_now_s() - j->run->t0);
    return start_answer(j, why, d);
}

/* Our branch-and-bound (bnb.c) on a shape small enough, before any MILP: a complete search
 * proves the shape's best schedule optimal; an incomplete one may still have shortened the
 * start. Recorded as the param `bnb`. */
/* The search found a shorter schedule: progress now (a long search would otherwise say
 * nothing for seconds). */
static void searched_better(void *user)
{
    report_start(user);
}

static int64_t searched_cutoff(void *user)
{
    return opt_run_cutoff(user);
}

/* A node budget, no larger than the run's node_limit. */
static long capped(const struct job *j, long budget)
{
    return j->run->node_limit > 0 && j->run->node_limit < budget ? j->run->node_limit : budget;
}

/* When a search shortened the incumbent (from `before`): where it came from, reported. */
static void took_start(struct job *j, int64_t before, const char *from)
{
    if (j->w.ub < before) {
        snprintf(j->w.from, sizeof j->w.from, "%s", from);
        report_start(j);
    }
}

static enum ps_status search(struct job *j, long budget)
{
    struct model *m = &j->m;
    if (!opt_bnb_applies(m) || j->w.inc == NULL || j->lb >= j->w.ub)
        return PS_OK;
    int64_t before = j->w.ub;
    struct opt_bnb_result res;
    double t = opt_now_s();
    budget = capped(j, budget);
    struct opt_bnb_hooks hooks = {searched_better, searched_cutoff, j};
    enum ps_status st = opt_bnb(m, &j->w, j->lb, budget, &hooks, &res);
    if (st != PS_OK)
        return st;
    j->bnb_proved = res.complete && res.mismatches == 0;
    j->bnb_floor = res.floor;
    char buf[160];
    snprintf(buf, sizeof buf, "%s, %ld nodes (%ld dominated), %.3f s%s",
             j->bnb_proved ? "complete" : "stopped", res.nodes, res.memo_hits, opt_now_s() - t,
             res.mismatches ? ", simulator disagreed (a bug)" : "");
    ps_schedule_set_param(j->s, "bnb", buf);
    took_start(j, before, "branch-and-bound");
    return PS_OK;
}

/* The large-neighbourhood search (bnb.c) on the incumbent, LNS_NODES nodes in windows of
 * LNS_WINDOW_NODES a round; recorded, added up over the rounds, as the param `lns`. */
static enum ps_status neighbourhoods(struct job *j)
{
    struct model *m = &j->m;
    if (!opt_lns_applies(m) || j->w.inc == NULL || j->lb >= j->w.ub)
        return PS_OK;
    int64_t before = j->w.ub;
    long budget = capped(j, LNS_NODES);
    struct opt_lns_result res;
    double t = opt_now_s();
    struct opt_bnb_hooks hooks = {searched_better, searched_cutoff, j};
    enum ps_status st = opt_bnb_lns(m, &j->w, j->lb, budget, LNS_WINDOW_NODES, &hooks, &res);
    if (st != PS_OK)
        return st;
    struct opt_lns_result *sum = &j->lns_sum;
    sum->windows += res.windows;
    sum->better += res.better;
    sum->nodes += res.nodes;
    sum->mismatches += res.mismatches;
    j->lns_s += opt_now_s() - t;
    j->lns_rounds++;
    char buf[160], rounds[32] = "";
    if (j->lns_rounds > 1)
        snprintf(rounds, sizeof rounds, " in %d rounds", j->lns_rounds);
    snprintf(buf, sizeof buf, "%ld windows, %ld shorter, %ld nodes, %.3f s%s%s", sum->windows,
             sum->better, sum->nodes, j->lns_s, rounds,
             sum->mismatches ? ", simulator disagreed (a bug)" : "");
    ps_schedule_set_param(j->s, "lns", buf);
    took_start(j, before, "neighbourhood search");
    return PS_OK;
}

/* The annealing's moves on j's shape: ANNEAL_PER_OP an op, at most ANNEAL_EVALS, no more
 * than the run's node_limit. */
static long anneal_budget(const struct job *j)
{
    long evals = ANNEAL_PER_OP * j->m.n_live;
    return capped(j, evals < ANNEAL_EVALS ? evals : ANNEAL_EVALS);
}

/* One annealing run: ANNEAL_ROUNDS budgets at most (no more than the run's node_limit),
 * ending after a budget's moves without a shorter schedule. */
static long anneal_total(const struct job *j)
{
    return capped(j, anneal_budget(j) * ANNEAL_ROUNDS);
}

/* An annealing run on a thread of its own (the machine's other core). It reads only its
 * start, the model's durations and sizes, which nothing changes once the graph is built,
 * and the run's scenario; the budget's flags are its own model copy's (opt_out_of_budget
 * writes them). */
struct chain {
    struct model m;
    struct warm w;
    int64_t lb;
    long evals, patience;
    int round;
    struct opt_anneal_result res;
    enum ps_status st;
    pthread_t th;
    bool threaded;
};

static void *chain_run(void *arg)
{
    struct chain *c = arg;
    c->st = opt_anneal(&c->m, &c->w, c->lb, c->evals, c->patience, c->round, &c->res);
    return NULL;
}

/* Starts annealing a copy of `from` (makespan ub) on a thread (here, at once, when no
 * thread can be made). */
static enum ps_status chain_start(struct chain *c, const struct job *j,
                                  const struct ps_schedule *from, int64_t ub, long evals,
                                  long patience, int round)
{
    memset(c, 0, sizeof *c);
    c->m = j->m;
    c->m.out = 0;
    c->lb = j->lb;
    c->evals = evals;
    c->patience = patience;
    c->round = round;
    c->w.ub = ub;
    c->w.inc = ps_schedule_new(j->m.sc, from->name, j->V, j->tr, true);
    enum ps_status st = c->w.inc != NULL ? opt_copy_exact(c->w.inc, from) : PS_ENOMEM;
    if (st != PS_OK) {
        opt_warm_fini(&c->w);
        return st;
    }
    c->threaded = pthread_create(&c->th, NULL, chain_run, c) == 0;
    if (!c->threaded)
        chain_run(c);
    return PS_OK;
}

static enum ps_status chain_join(struct chain *c)
{
    if (c->threaded)
        pthread_join(c->th, NULL);
    c->threaded = false;
    return c->st;
}

/* The second chain's seeds: far from the first's rounds */
#define ANNEAL_SECOND 4096

/* Simulated annealing (polish.c) on what the searches left: two chains, this thread's and
 * another's, each ANNEAL_PER_OP moves an op a budget and on while it finds shorter
 * schedules (anneal_total); recorded, added up over the runs, as the param `anneal`. */
static enum ps_status annealing(struct job *j)
{
    if (j->w.inc == NULL || j->lb >= j->w.ub)
        return PS_OK;
    int64_t before = j->w.ub;
    /* two chains from the incumbent, one a core, with seeds of their own: the shorter
     * result is kept (on llama3-405b-fig9 one chain's result varies by 2% with the seed) */
    struct chain *c = malloc(sizeof *c);
    if (c == NULL)
        return PS_ENOMEM;
    enum ps_status st = chain_start(c, j, j->w.inc, j->w.ub, anneal_total(j), anneal_budget(j),
                                    j->anneal_rounds + ANNEAL_SECOND);
    if (st != PS_OK) {
        free(c);
        return st;
    }
    struct opt_anneal_result res;
    st = opt_anneal(&j->m, &j->w, j->lb, anneal_total(j), anneal_budget(j), j->anneal_rounds, &res);
    enum ps_status cst = chain_join(c);
    if (st == PS_OK)
        st = cst;
    if (st == PS_OK && c->w.ub < j->w.ub) {
        ps_schedule_free(j->w.inc);
        j->w.inc = c->w.inc;
        j->w.ub = c->w.ub;
        c->w.inc = NULL;
    }
    opt_warm_fini(&c->w);
    if (st != PS_OK) {
        free(c);
        return st;
    }
    struct opt_anneal_result *sum = &j->anneal_sum;
    if (j->anneal_rounds++ == 0)
        sum->from_ns = res.from_ns;
    sum->moves += res.moves + c->res.moves;
    sum->accepted += res.accepted + c->res.accepted;
    sum->seconds += res.seconds > c->res.seconds ? res.seconds : c->res.seconds;
    free(c);
    char buf[160], rounds[32] = "";
    if (j->anneal_rounds > 1)
        snprintf(rounds, sizeof rounds, " in %d rounds", j->anneal_rounds);
    snprintf(buf, sizeof buf, "%ld moves, %ld taken, %.3f -> %.3f ms, %.3f s%s", sum->moves,
             sum->accepted, ms(sum->from_ns), ms(j->w.ub), sum->seconds, rounds);
    ps_schedule_set_param(j->s, "anneal", buf);
    took_start(j, before, "annealing");
    return PS_OK;
}

static enum ps_status proved_by_search(struct job *j, struct ps_diag *d);

/* After a step that may have raised the bound or shortened the incumbent: *answered, with
 * the shape's answer in place, when the budget ran out or the bound reached the incumbent
 * or a schedule found elsewhere (proved, or beaten, without a MILP). */
static enum ps_status settle(struct job *j, bool *answered, struct ps_diag *d)
{
    *answered = true;
    if (j->m.out != 0)
        return out_of_budget(j, d);
    if (j->w.inc != NULL && (j->lb >= j->w.ub || j->lb >= opt_run_cutoff(j))) {
        j->bnb_floor = j->lb;
        return proved_by_search(j, d);
    }
    *answered = false;
    return PS_OK;
}

/* The shortest other generator's schedule, when it is of this shape but has ops cut into
 * parts (the model's searches only take whole ops) and is shorter than the incumbent:
 * annealed too (the same moves move parts), one budget's moves on a chain of its own (a
 * thread) while the shape's searches go on; it reads only the run's schedules, which no
 * job changes. Kept in j->ref_annealed when it got shorter, for the run to answer with
 * (optimal.c); recorded as the param `anneal_ref` when the shape's solve ends. */
struct ref_anneal {
    struct chain c;
    const struct ps_schedule *from;
};

static enum ps_status ref_anneal_start(struct job *j)
{
    struct opt_run *r = j->run;
    if (r->best_ref < 0)
        return PS_OK;
    const struct ps_schedule *g = r->refs[r->best_ref];
    if (!opt_has_parts(g) || g->traversal != j->tr || g->chunks != j->V || !g->split_backward ||
        g->makespan_ns >= j->w.ub)
        return PS_OK;
    struct ref_anneal *ra = calloc(1, sizeof *ra);
    if (ra == NULL)
        return PS_ENOMEM;
    ra->from = g;
    /* one budget: the whole-op chains take the cores after it */
    enum ps_status st = chain_start(&ra->c, j, g, g->makespan_ns, anneal_budget(j), 0, 0);
    if (st != PS_OK) {
        free(ra);
        return st;
    }
    j->ref = ra;
    return PS_OK;
}

/* Waits for the annealing of the other generator's schedule and takes its outcome. */
static enum ps_status ref_anneal_finish(struct job *j)
{
    struct ref_anneal *ra = j->ref;
    if (ra == NULL)
        return PS_OK;
    j->ref = NULL;
    enum ps_status st = chain_join(&ra->c);
    struct warm *w = &ra->c.w;
    const struct opt_anneal_result *res = &ra->c.res;
    const struct ps_schedule *g = ra->from;
    if (st == PS_OK && w->ub < g->makespan_ns && j->s != NULL) {
        char buf[192];
        snprintf(buf, sizeof buf,
                 "%s with ops cut into parts: %ld moves, %ld taken, %.3f -> %.3f ms, %.3f s",
                 g->name, res->moves, res->accepted, ms(g->makespan_ns), ms(w->ub), res->seconds);
        ps_schedule_set_param(j->s, "anneal_ref", buf);
    }
    if (st == PS_OK && w->ub < g->makespan_ns) {
        j->ref_annealed = w->inc;
        w->inc = NULL;
        snprintf(j->ref_annealed->name, sizeof j->ref_annealed->name, "%s", g->name);
    }
    opt_warm_fini(w);
    free(ra);
    return st;
}

/* The incumbent's searches, by turns while one shortens what the other left
 * (SEARCH_ROUNDS at most): the neighbourhood search, then the annealing, whose moves
 * through equal makespans open windows the neighbourhood search can shorten again.
 * `answered` when the bound is reached (proved, or beaten). */
static enum ps_status improve(struct job *j, bool *answered, struct ps_diag *d)
{
    /* [0] the neighbourhood search, [1] the annealing: switched on, and due to run */
    bool on[2] = {(j->m.tighten & T_LNS) != 0, (j->m.tighten & T_ANNEAL) != 0};
    bool due[2] = {on[0], on[1]};
    for (int round = 0; round < SEARCH_ROUNDS && (due[0] || due[1]); round++) {
        for (int k = 0; k < 2; k++) {
            if (!due[k])
                continue;
            int64_t before = j->w.ub;
            enum ps_status st = k == 0 ? neighbourhoods(j) : annealing(j);
            if (st != PS_OK)
                return st;
            due[k] = false;
            if (j->w.ub < before) {
                due[1 - k] = on[1 - k]; /* a shorter incumbent is news for the other one */
                due[1] = on[1];         /* and the annealing goes on from it, a new seed */
            }
            st = settle(j, answered, d);
            if (st != PS_OK || *answered)
                return st;
        }
    }
    return PS_OK;
}

/* The search ended: its best schedule is the shape's optimum, or no schedule of the shape
 * is shorter than one found elsewhere (the shape is beaten, its bound that schedule's
 * makespan). No MILP either way. */
static enum ps_status proved_by_search(struct job *j, struct ps_diag *d)
{
    struct ps_schedule *s = j->s;
    enum ps_status st = take_incumbent(j, d);
    if (st != PS_OK)
        return st;
    int64_t obj = s->makespan_ns;
    /* no schedule below the floor, nor below the bound */
    j->bound = j->bnb_floor > j->lb ? j->bnb_floor : j->lb;
    if (j->bound > obj)
        j->bound = obj;
    j->proved = j->bound >= obj;
    j->stopped = !j->proved;
    opt_set_outcome(s, j->bound, j->proved, false);
    ps_schedule_set_param(s, "start", j->w.from);
    if (j->stopped)
        snprintf(s->solver.error, sizeof s->solver.error,
                 "no schedule of this shape is shorter than %.3f ms, which another "
                 "schedule reaches",
                 ms(j->bound));
    struct ps_progress pr = {obj, j->bound, (double)(obj - j->bound) / (double)obj, 0,
                             (opt_now_s() - j->run->t0) * 1e3};
    j->ctx.progress(&pr, j->ctx.user);
    return PS_OK;
}

/* The one-device relaxations' budget, per device: nodes, and their work (a node of a
 * 48-op loop with one channel: about 4,000 steps); counts, so the same result on every
 * machine */
#define RELAX_NODES 400000L
#define RELAX_WORK 8e9

/* The one-device relaxations (relax.c) of every device, each up to RELAX_NODES nodes (and
 * node_limit): the largest optimum found raises the shape's bound (for whole ops; the
 * static bound alone holds with parts). Nothing below the incumbent nor below a schedule
 * found elsewhere is looked for, so a relaxation that reaches either proves the shape's
 * schedule or shows the shape beaten. Recorded as the param `relax`. */
static void relax_bound(struct job *j)
{
    struct model *m = &j->m;
    if (j->w.inc == NULL || j->lb >= j->w.ub)
        return;
    long budget = capped(j, RELAX_NODES), nodes = 0;
    double t = opt_now_s();
    struct opt_bnb_hooks hooks = {NULL, searched_cutoff, j};
    int complete = 0, best_d = -1;
    int64_t best = 0;
    for (int d = 0; d < m->S && !opt_out_of_budget(m); d++) {
        int64_t ub = opt_run_cutoff(j);
        if (ub > j->w.ub)
            ub = j->w.ub;
        struct opt_relax_result res;
        int64_t v = opt_relax_device(m, d, j->lb, ub, budget, RELAX_WORK, &hooks, &res);
        nodes += res.nodes;
        complete += res.complete;
        if (v > best) {
            best = v;
            best_d = d;
        }
    }
    char buf[160];
    if (best_d >= 0)
        snprintf(buf, sizeof buf, "%.3f ms (device %d), %d of %d devices exact, %ld nodes, %.3f s",
                 ms(best), best_d, complete, m->S, nodes, opt_now_s() - t);
    else
        snprintf(buf, sizeof buf, "none, %d of %d devices exact, %ld nodes, %.3f s", complete, m->S,
                 nodes, opt_now_s() - t);
    ps_schedule_set_param(j->s, "relax", buf);
    if (best > j->lb) {
        j->lb = best;
        report_start(j);
    }
}

/* The windows bound (window.c) between the shape's bound and the incumbent (or a schedule
 * found elsewhere, which it need not look past): raises the bound for whole ops. Recorded
 * as the param `propagate`. */
/* The branching search's budget: nodes (each narrows the windows again) and steps of the
 * rules (default: 20,000 nodes, 0.37 x 10^9 steps, 6 s; a node of llama3-405b-fig9's 1,536
 * ops takes about 0.6 x 10^6): counts, so the same on every machine */
#define WINDOW_NODES 20000L
#define WINDOW_WORK 4e8
#define WINDOW_FIRST_WORK 1e8

/* The windows bound (window.c) below the incumbent and any schedule found elsewhere:
 * raises the bound for whole ops; with `nodes`, its branching may also shorten the
 * incumbent or prove it. Recorded as the param `propagate`. The first time, with every
 * microbatch the same, also the bound for ops cut into parts (`propagate_parts`). */
static enum ps_status window_bound(struct job *j, long nodes, double work)
{
    struct model *m = &j->m;
    if (j->w.inc == NULL || j->lb >= j->w.ub)
        return PS_OK;
    int64_t before = j->w.ub;
    struct opt_window_result res;
    int64_t ub = opt_run_cutoff(j);
    if (ub > j->w.ub)
        ub = j->w.ub;
    /* the searches start from the bound the first call bisected (j->lb) */
    int64_t v = opt_window_bound(m, j->uniform, false, nodes == 0, j->lb, ub, &j->w,
                                 capped(j, nodes), work, &res);
    if (res.st != PS_OK)
        return res.st;
    if (nodes == 0 && j->identical && j->lb_parts < v && !opt_out_of_budget(m)) {
        /* with ops cut into parts (the other generators' schedules may have them) */
        struct opt_window_result pr;
        int64_t vp = opt_window_bound(m, j->uniform, true, true, j->lb_parts, ub, NULL, 0, 0, &pr);
        char pb[120];
        snprintf(pb, sizeof pb, "%.3f ms, %d trials, %ld steps, %.3f s", ms(vp), pr.trials,
                 pr.steps, pr.seconds);
        ps_schedule_set_param(j->s, "propagate_parts", pb);
        if (vp > j->lb_parts)
            j->lb_parts = vp;
    }
    char buf[200];
    if (res.branched > 0)
        snprintf(buf, sizeof buf,
                 "%.3f ms, %d trials, %ld nodes, %ld leaves (%ld shorter), %ld steps, %.3f s",
                 ms(v), res.trials, res.nodes, res.leaves, res.better, res.steps, res.seconds);
    else
        snprintf(buf, sizeof buf, "%.3f ms, %d trials, %ld steps, %.3f s", ms(v), res.trials,
                 res.steps, res.seconds);
    ps_schedule_set_param(j->s, "propagate", buf);
    took_start(j, before, "windows search");
    if (v > j->lb) {
        j->lb = v;
        report_start(j);
    }
    return PS_OK;
}

/* window_bound, then settle. */
static enum ps_status window_step(struct job *j, long nodes, double work, bool *answered,
                                  struct ps_diag *d)
{
    enum ps_status st = window_bound(j, nodes, work);
    if (st != PS_OK)
        return st;
    return settle(j, answered, d);
}

/* The slot model by satisfiability (sat.c): per question SAT_CONFLICTS conflicts, at most
 * SAT_CALLS questions (counts, the same on every machine) */
#define SAT_CONFLICTS 200000L
#define SAT_CALLS 8
/* and a first, short try before the windows search (which spends 10^8 steps) on a small
 * formula, where a conflict is cheap (the 4x8 unit waves: 7,000 variables, decided in
 * 0.04-0.23 s; the 4x6 heterogeneous wave's 44,000 spent 2.4 s on 20,000 conflicts without
 * an answer, and its windows search proves it in 0.03 s) */
#define SAT_FIRST_CONFLICTS 20000L
#define SAT_FIRST_CALLS 2
#define SAT_FIRST_VARS 20000L

/* Where a slot divides every time: CaDiCaL asked whether the shape has a schedule ending at
 * the bound, then a slot later while refuted (each refusal raises the bound), within
 * `conflicts` a question, `calls` questions and formulas of max_vars variables (0: the
 * size limits only); a schedule found is optimal. Recorded as the param `sat`. */
static enum ps_status sat_step(struct job *j, long conflicts, int calls, long max_vars,
                               bool *answered, struct ps_diag *d)
{
    struct model *m = &j->m;
    *answered = false;
    if (j->w.inc == NULL || j->lb >= j->w.ub || !opt_sat_applies(m, j->w.ub))
        return PS_OK;
    int64_t before = j->w.ub;
    struct opt_sat_result res;
    int64_t v =
        opt_sat_search(m, j->uniform, j->lb, &j->w, capped(j, conflicts), calls, max_vars, &res);
    if (res.st != PS_OK && res.st != PS_EINVAL)
        return res.st;
    char buf[200];
    snprintf(buf, sizeof buf,
             "%s%.3f ms, %d questions (%d refuted%s), slot %.3f ms, %ld variables, %ld "
             "clauses, %.3f s",
             res.too_big ? "too large; " : "", ms(v), res.calls, res.refuted,
             res.found ? ", last satisfied" : "", ms(res.unit), res.vars, res.clauses, res.seconds);
    if (res.st == PS_EINVAL || res.mismatches > 0)
        snprintf(buf, sizeof buf, "a model the simulator does not time within it (a bug)");
    if (!(res.too_big && max_vars > 0)) /* past the first try's size: left to the second */
        ps_schedule_set_param(j->s, "sat", buf);
    took_start(j, before, "satisfiability");
    if (v > j->lb) {
        j->lb = v;
        report_start(j);
    }
    return settle(j, answered, d);
}

/* A search of `budget` nodes; *answered when it ended the shape's solve (proved, beaten, or
 * out of budget), with the shape's answer in place. */
static enum ps_status search_step(struct job *j, long budget, bool *answered, struct ps_diag *d)
{
    enum ps_status st = search(j, budget);
    *answered = st == PS_OK && (j->bnb_proved || j->m.out != 0);
    if (!*answered)
        return st;
    return j->bnb_proved ? proved_by_search(j, d) : out_of_budget(j, d);
}

static enum ps_status job_solve(struct job *j, struct ps_diag *d);

enum ps_status opt_job_solve(struct job *j, struct ps_diag *d)
{
    enum ps_status st = job_solve(j, d);
    enum ps_status rst = ref_anneal_finish(j);
    return st != PS_OK ? st : rst;
}

static enum ps_status job_solve(struct job *j, struct ps_diag *d)
{
    struct opt_run *r = j->run;
    /* the budget holds from the start: the graph, the warm start and the rows can each
     * take seconds on a large scenario (the GLPK run has its own limits) */
    j->m.deadline = r->time_limit > 0 ? r->t0 + r->time_limit : 0;
    j->m.cancel = j->ctx.cancel;
    j->m.stop = &j->stop;
    enum ps_status st = opt_build_graph(&j->m);
    if (st == PS_OK && j->m.out != 0)
        return out_of_budget(j, d);
    if (st == PS_OK)
        st = opt_warm_start(&j->m, r->refs, r->n_refs, &j->w, d);
    if (st != PS_OK)
        return st;
    start_bound(j);
    if (j->m.tighten & T_POLISH) {
        int64_t before = j->w.ub;
        st = opt_polish(&j->m, &j->w, j->lb);
        if (st != PS_OK)
            return st;
        if (j->m.out != 0)
            return out_of_budget(j, d);
        if (j->w.ub < before)
            report_start(j); /* the shorter start */
    }
    /* a model asked for is built and written whatever the search would find */
    bool want_model = j->run->model_path != NULL && j->run->model_path[0] != '\0';
    bool answered = false;
    if ((j->m.tighten & T_PROP) && !want_model) {
        st = window_step(j, 0, 0, &answered, d);
        if (st != PS_OK || answered)
            return st;
    }
    if ((j->m.tighten & T_RELAX) && !want_model) {
        relax_bound(j);
        st = settle(j, &answered, d);
        if (st != PS_OK || answered)
            return st;
    }
    bool searching = (j->m.tighten & T_BNB) && !want_model;
    if (searching) {
        st = search_step(j, BNB_NODES, &answered, d);
        if (st != PS_OK || answered)
            return st;
    }
    if ((j->m.tighten & T_SAT) && !want_model) {
        st = sat_step(j, SAT_FIRST_CONFLICTS, SAT_FIRST_CALLS, SAT_FIRST_VARS, &answered, d);
        if (st != PS_OK || answered)
            return st;
    }
    if (!want_model) {
        /* a shorter incumbent first: the MILP's windows and the second search's cuts
         * come from it */
        if (j->m.tighten & T_ANNEAL)
            st = ref_anneal_start(j); /* the answer so far, when it has parts */
        if (st != PS_OK)
            return st;
        if (j->m.out != 0)
            return out_of_budget(j, d);
        if (j->m.tighten & T_PROP) {
            /* a first search, on a smaller budget: it may prove the incumbent before the
             * neighbourhoods and the annealing spend seconds shortening it */
            st = window_step(j, WINDOW_NODES, WINDOW_FIRST_WORK, &answered, d);
            if (st != PS_OK || answered)
                return st;
        }
        if (j->m.tighten & T_SAT) {
            /* where a slot divides every time: the slot model decides the makespans
             * from the bound up */
            st = sat_step(j, SAT_CONFLICTS, SAT_CALLS, 0, &answered, d);
            if (st != PS_OK || answered)
                return st;
        }
        int64_t before_improve = j->w.ub;
        st = improve(j, &answered, d);
        if (st != PS_OK || answered)
            return st;
        if ((j->m.tighten & T_PROP) && j->w.ub < before_improve) {
            /* again, from the shorter incumbent */
            st = window_step(j, WINDOW_NODES, WINDOW_WORK, &answered, d);
            if (st != PS_OK || answered)
                return st;
        }
    }
    st = choose_formulation(j, d);
    if (st == PS_OK && searching && !j->m.ti) {
        /* the order model rarely raises the bound (docs/model.md): the search gets more */
        st = search_step(j, BNB_NODES_ORDER, &answered, d);
        if (st != PS_OK || answered)
            return st;
    }
    if (st == PS_EUNSUPPORTED && d->path[0] == '\0') {
        /* too many order variables for the MILP: the shape still counts with its static
         * bound (a shape left out would leave its schedules unbounded) */
        char why[256];
        snprintf(why, sizeof why, "%.180s: the starting schedule with the static bound", d->msg);
        memset(d, 0, sizeof *d);
        return start_answer(j, why, d);
    }
    if (st == PS_OK && opt_out_of_budget(&j->m))
        return out_of_budget(j, d);
    if (st == PS_OK)
        st = build_model(j, d);
    if (st == PS_OK && j->m.out != 0)
        return out_of_budget(j, d);
    if (st != PS_OK)
        return st;
    struct solve so = {0};
    so.m = &j->m;
    so.ctx = &j->ctx;
    so.x0 = j->x0;
    so.t0 = r->t0;
    so.best_bound = ms(j->lb);
    so.incumbent = ms(j->w.ub);
    so.node_limit = r->node_limit;
    so.last_report = opt_now_s();
    so.stop = &j->stop;
    int rc = -1;
    bool cancel_now = j->ctx.cancel != NULL && atomic_load(j->ctx.cancel);
    double left = r->time_limit - (opt_now_s() - r->t0);
    if (cancel_now)
        so.cancelled = true;
    else if (left > 0 && ms(j->lb) < ms(j->w.ub) * (1 - 1e-9))
        rc = opt_glpk_solve(&so, r->time_limit, r->gap);
    if (!so.cancelled && j->ctx.cancel != NULL && atomic_load(j->ctx.cancel))
        so.cancelled = true;
    return finish(j, &so, rc, cancel_now, d);
}
