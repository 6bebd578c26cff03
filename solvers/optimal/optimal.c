/* The optimal scheduler: a MILP of the split-backward model (SPEC 3-6) solved by GLPK's
 * branch-and-cut, started from the greedy's schedule. The solver decides the order of the
 * ops on every device and of the transmissions on every channel; the simulator re-times
 * those orders, so the reported times are exact. This file is the entry point: parameters,
 * the choice of formulation, and the answer with its status. The rooms: internal.h. */
#include "solvers/optimal/internal.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"

static const struct {
    const char *name;
    unsigned bit;
} tighten_names[] = {
    {"mono", T_MONO}, {"window", T_WINDOW}, {"lb", T_LB},   {"energy", T_ENERGY},
    {"warm", T_WARM}, {"mir", T_MIR},       {"gmi", T_GMI}, {"cov", T_COV},
    {"clq", T_CLQ},   {"pch", T_PCH},       {"dfs", T_DFS}, {"mempre", T_MEMPRE},
    {"cint", T_CINT},
};

/* Also declared in solvers/solver.h; repeated so this file stands on its own.
 */
extern const struct ps_solver ps_solver_optimal;

static const struct ps_param_def params[] = {
    {"time_limit", PS_PARAM_FLOAT, "10", "stop after this many seconds with the best so far", NULL,
     0, 86400},
    {"gap", PS_PARAM_FLOAT, "0", "stop at this relative gap (0: prove optimal)", NULL, 0, 1},
    {"node_limit", PS_PARAM_INT, "0",
     "stop after this many branch-and-bound nodes (0: no limit); unlike the time limit, the "
     "same result on every machine",
     NULL, 0, 1e9},
    {"traversal", PS_PARAM_CHOICE, "loop", "loop (one chunk per device) or wave (V-shape, two)",
     "loop|wave", 0, 0},
    {"write_model", PS_PARAM_STRING, "", "write the MILP in CPLEX LP format to this file", NULL, 0,
     0},
    {"formulation", PS_PARAM_CHOICE, "auto",
     "time: one binary per op and start slot (needs a common time unit); rounded: the same "
     "on a coarser slot with times rounded down (a bound, and orders re-timed exactly); "
     "order: order binaries and big-M; auto: time when the slot model is small, else order",
     "auto|time|rounded|order", 0, 0},
    {"tighten", PS_PARAM_LIST, "all",
     "model tightenings: all (window,lb,energy,warm,mempre), none, or a list of those and mono",
     NULL, 0, 0},
};

static bool parse_tighten(const char *text, unsigned *out)
{
    if (text == NULL || strcmp(text, "all") == 0 || text[0] == '\0') {
        *out = T_ALL;
        return true;
    }
    if (strcmp(text, "none") == 0) {
        *out = 0;
        return true;
    }
    unsigned bits = 0;
    const char *p = text;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        bool found = false;
        if (n == 3 && strncmp(p, "all", 3) == 0) {
            bits |= T_ALL;
            found = true;
        }
        for (size_t i = 0; i < sizeof tighten_names / sizeof tighten_names[0]; i++)
            if (strlen(tighten_names[i].name) == n && strncmp(p, tighten_names[i].name, n) == 0) {
                bits |= tighten_names[i].bit;
                found = true;
            }
        if (!found)
            return false;
        p += n;
        if (*p == ',')
            p++;
    }
    *out = bits;
    return true;
}

/* One solve: everything the phases below share. */
struct job {
    const struct ps_scenario *sc;
    const struct ps_solve_ctx *ctx;
    double t0, time_limit, gap;
    long node_limit;
    const char *form, *model_path;
    struct ps_schedule *s; /* the answer */
    struct model m;
    struct warm w;
    double *x0; /* the starting schedule as GLPK's values, NULL when none */
    int64_t lb;
    bool uniform; /* every message has the same size */
};

/* Reads and checks the parameters into j and the model's shape; records them in j->s. */
static enum ps_status read_params(struct job *j, const struct ps_params *p, struct ps_diag *d)
{
    const struct ps_solver *self = &ps_solver_optimal;
    const struct ps_scenario *sc = j->sc;
    j->time_limit = ps_params_get_float(self, p, "time_limit");
    j->gap = ps_params_get_float(self, p, "gap");
    j->node_limit = ps_params_get_int(self, p, "node_limit");
    int tr = ps_traversal_parse(ps_params_get(self, p, "traversal"));
    j->model_path = ps_params_get(self, p, "write_model");
    j->form = ps_params_get(self, p, "formulation");
    unsigned tighten;
    if (tr < 0)
        return ps_diag_set(d, PS_EINVAL, "param.traversal", "must be loop or wave");
    if (!parse_tighten(ps_params_get(self, p, "tighten"), &tighten))
        return ps_diag_set(
            d, PS_EINVAL, "param.tighten",
            "must be all, none, or a list of mono,window,lb,energy,warm,mempre (and GLPK "
            "options mir,gmi,cov,clq,pch,dfs) (got %s)",
            ps_params_get(self, p, "tighten"));
    if (!(j->time_limit >= 0) || !(j->gap >= 0))
        return ps_diag_set(d, PS_EINVAL, "param.time_limit", "must be >= 0");
    int V = tr == PS_TRAVERSAL_WAVE ? 2 : 1;
    if (ps_scenario_has_recompute(sc))
        return ps_diag_set(d, PS_EUNSUPPORTED, "",
                           "the optimal solver does not model recomputation (R ops, which "
                           "allocate memory at a backward's start); plan the workload with "
                           "checkpoint=none, or use the greedy");
    if ((long)sc->n_stages * V * sc->n_microbatches * 3 > OPT_MAX_OPS)
        return ps_diag_set(d, PS_EUNSUPPORTED, "",
                           "the optimal solver takes at most %d ops (this scenario has %ld); "
                           "use the greedy",
                           OPT_MAX_OPS, (long)sc->n_stages * V * sc->n_microbatches * 3);
    j->s = ps_schedule_new(sc, "optimal", V, (enum ps_traversal)tr, true);
    if (j->s == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    char buf[64];
    snprintf(buf, sizeof buf, "%g", j->time_limit);
    ps_schedule_set_param(j->s, "time_limit", buf);
    snprintf(buf, sizeof buf, "%g", j->gap);
    ps_schedule_set_param(j->s, "gap", buf);
    ps_schedule_set_param(j->s, "traversal", ps_traversal_str((enum ps_traversal)tr));
    struct model *m = &j->m;
    m->sc = sc;
    m->shape = j->s;
    m->S = sc->n_stages;
    m->M = sc->n_microbatches;
    m->V = V;
    m->SV = m->S * V;
    m->tr = (enum ps_traversal)tr;
    m->tighten = tighten;
    m->brank = malloc((size_t)m->M * sizeof *m->brank);
    m->border = malloc((size_t)m->M * sizeof *m->border);
    if (m->brank == NULL || m->border == NULL)
        return PS_ENOMEM;
    ps_scenario_bwd_ranks(sc, m->brank, m->border);
    m->last_b = m->border[m->M - 1];
    return PS_OK;
}

/* Infeasible exactly when one microbatch's activations do not fit on some device: the
 * sequential order holds at most one microbatch per device. Marks s and returns true. */
static bool memory_infeasible(const struct ps_scenario *sc, struct ps_schedule *s)
{
    if (!sc->has_memory_limit)
        return false;
    /* a sequence cut into token slices goes through whole: all its slices at once */
    for (int d = 0; d < sc->n_stages; d++) {
        for (int mb = 0; mb < sc->n_microbatches;) {
            int first = mb;
            double a = 0;
            do {
                a += ps_scenario_stage_memory(sc, d, mb);
                mb++;
            } while (mb < sc->n_microbatches && ps_scenario_continues(sc, mb));
            if (a > sc->memory_limit + 1e-9) {
                s->solver.status = PS_SOLVE_INFEASIBLE;
                snprintf(s->solver.error, sizeof s->solver.error,
                         "memory limit %g is below one microbatch's activations (%g) of "
                         "microbatch %d%s on stage %d: no schedule fits",
                         sc->memory_limit, a, first,
                         mb - first > 1 ? " and the token slices that continue it" : "", d);
                return true;
            }
        }
    }
    return false;
}

/* The static bound, and the first progress report (the starting schedule and the bound,
 * before the model is built). */
static void start_bound(struct job *j)
{
    const struct model *m = &j->m;
    int64_t ub = j->w.ub;
    j->uniform = true;
    for (int mb = 1; mb < m->M; mb++)
        if (ps_scenario_message_mb(j->sc, mb) != ps_scenario_message_mb(j->sc, 0))
            j->uniform = false;
    j->lb = opt_static_bound(m);
    if (j->lb > ub)
        j->lb = ub;
    if (j->ctx != NULL && j->ctx->progress != NULL) {
        struct ps_progress pr = {ub, j->lb, ub > 0 ? (double)(ub - j->lb) / (double)ub : 0, 0,
                                 (opt_now_s() - j->t0) * 1e3};
        j->ctx->progress(&pr, j->ctx->user);
    }
}

/* The formulation: time-indexed when every duration is a multiple of a unit that keeps the
 * slot model small (its LP bound is far stronger), else order binaries; "rounded" only on
 * request. Sets m->ti (and its unit) and the makespan's grid. */
static enum ps_status choose_formulation(struct job *j, struct ps_diag *d)
{
    struct model *m = &j->m;
    int64_t ub = j->w.ub;
    const char *form = j->form;
    bool want_time = form != NULL && strcmp(form, "time") == 0;
    bool want_rounded = form != NULL && strcmp(form, "rounded") == 0;
    bool want_auto = form == NULL || strcmp(form, "auto") == 0;
    /* rounded is not in auto: rounding down every time along a path loses more than the
     * order model's big-M does (S=4, M=8 off the grid: bound 27.7 vs 28.0, 28.3 vs 29.3) */
    long cap = want_auto ? OPT_AUTO_TI_BINARIES : OPT_MAX_BINARIES;
    if (want_time || want_auto) {
        int64_t unit = opt_time_unit(m, ub);
        if (unit > 0 && ub / unit <= OPT_MAX_SLOTS) {
            opt_time_prepare(m, unit, false);
            m->ti = opt_time_count(m, ub) <= cap;
        }
    }
    if (!m->ti && want_rounded) {
        /* rounded slots: as fine as the binaries allow, never coarser than the shortest op
         * (each op keeps at least one slot, or the bound would say little) */
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

/* Builds the MILP (and writes it when asked) and turns the starting schedule into GLPK's
 * first incumbent, checked against the model's rows. */
static enum ps_status build_model(struct job *j, struct ps_diag *d)
{
    struct model *m = &j->m;
    bool names = j->model_path != NULL && j->model_path[0] != '\0';
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
        st = opt_write_model(m->lp, j->model_path, d);
        if (st != PS_OK)
            return st;
        ps_schedule_set_param(j->s, "write_model", j->model_path);
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
    enum ps_status st = opt_copy_exact(s, j->w.inc);
    if (st != PS_OK)
        return st;
    if (!opt_sim_ok(s))
        return ps_diag_set(d, PS_EINVAL, "", "internal: the incumbent does not simulate");
    return PS_OK;
}

/* The proved bound: GLPK's best node (or the proof), never above the objective. */
static int64_t proved_bound(const struct job *j, const struct solve *so, int rc, bool proved,
                            int64_t obj)
{
    const struct model *m = &j->m;
    int64_t bound = proved ? obj : (int64_t)floor(so->best_bound * 1e6 * (1 - 1e-9));
    if (!proved && m->grid > 0) /* every makespan is a multiple of the grid */
        bound = (int64_t)ceil(so->best_bound * 1e6 / (double)m->grid - 1e-6) * m->grid;
    if (rc == GLP_EMIPGAP && !so->cancelled) {
        /* stopped at the requested gap: GLPK's last bound */
        double g2 = glp_mip_obj_val(m->lp) * m->c_unit_ms * (1 - j->gap);
        if (g2 * 1e6 > (double)bound)
            bound = (int64_t)floor(g2 * 1e6 * (1 - 1e-9));
    }
    if (bound < j->lb)
        bound = j->lb; /* exact in ns; GLPK's is in ms */
    if (bound > obj)
        bound = obj;
    return bound;
}

/* The answer with its status; the greedy's schedule with parts when it stays shorter. */
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
    bool proved = rc == 0 && !so->cancelled && !m->relaxed;
    if (rc == 0 && !so->cancelled && m->relaxed) {
        /* the relaxation's optimum bounds every schedule */
        double relaxed_opt = glp_mip_obj_val(m->lp) * m->c_unit_ms;
        if (relaxed_opt > so->best_bound)
            so->best_bound = relaxed_opt;
    }
    if (!so->cancelled && rc == -1 && ms(j->lb) >= ms(j->w.ub) * (1 - 1e-9) && !cancel_now)
        proved = true; /* the incumbent meets the lower bound */
    int64_t bound = proved_bound(j, so, rc, proved, obj);
    s->solver.objective_ns = obj;
    s->solver.bound_ns = bound;
    s->solver.gap = obj > 0 ? (double)(obj - bound) / (double)obj : 0;
    if (j->w.parted != NULL && j->w.parted->makespan_ns < obj) {
        /* the greedy's schedule cuts ops into parts, which this model does not; it stays
         * shorter, so it is the answer, with the bound that holds for parts too */
        int64_t whole = obj;
        st = opt_copy_exact(s, j->w.parted);
        if (st != PS_OK)
            return st;
        if (!opt_sim_ok(s))
            return ps_diag_set(d, PS_EINVAL, "",
                               "internal: the greedy's schedule does not simulate");
        obj = s->makespan_ns;
        bound = ps_lower_bound_ns(j->sc);
        if (bound > obj)
            bound = obj;
        s->solver.objective_ns = obj;
        s->solver.bound_ns = bound;
        s->solver.gap = obj > 0 ? (double)(obj - bound) / (double)obj : 0;
        s->solver.status = so->cancelled ? PS_SOLVE_CANCELLED : PS_SOLVE_FEASIBLE;
        snprintf(s->solver.error, sizeof s->solver.error,
                 "the greedy's schedule with ops cut into parts (%.3f ms) beats the best "
                 "schedule of whole ops (%.3f ms%s)",
                 ms(obj), ms(whole), proved ? ", proved optimal" : "");
    } else if (so->cancelled) {
        s->solver.status = PS_SOLVE_CANCELLED;
        snprintf(s->solver.error, sizeof s->solver.error,
                 "cancelled: the best schedule found so far (%s)",
                 from_milp ? "from the solver" : "the starting schedule");
    } else if (proved || bound >= obj) {
        s->solver.status = PS_SOLVE_OPTIMAL;
        s->solver.bound_ns = obj;
        s->solver.gap = 0;
    } else {
        s->solver.status = PS_SOLVE_FEASIBLE;
    }
    so->incumbent = ms(obj);
    so->best_bound = ms(s->solver.bound_ns);
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", so->nodes);
    ps_schedule_set_param(s, "nodes", buf);
    opt_report(so, true);
    return PS_OK;
}

/* Model, start, formulation, GLPK, answer. */
/* The time limit ran out or the solve was cancelled while the model was being built: the
 * answer is the greedy's schedule (what the optimal solver starts from), status feasible
 * (time limit) or cancelled, with the static bound when there is one. */
static enum ps_status out_of_budget(struct job *j, struct ps_diag *d)
{
    struct ps_params gp = {0};
    ps_params_set(&gp, "traversal", ps_traversal_str(j->m.tr));
    struct ps_schedule *g = NULL;
    enum ps_status st = ps_solver_run(&ps_solver_greedy, j->sc, &gp, NULL, &g, d);
    if (st != PS_OK)
        return st;
    snprintf(g->name, sizeof g->name, "optimal");
    g->solver = j->s->solver; /* the optimal solver's parameters */
    bool cancelled = j->m.out == OPT_OUT_CANCEL;
    g->solver.status = cancelled ? PS_SOLVE_CANCELLED : PS_SOLVE_FEASIBLE;
    g->solver.bound_ns = j->lb > 0 ? j->lb : -1;
    g->solver.gap = -1;
    snprintf(g->solver.error, sizeof g->solver.error,
             "%s while the model was being built (%.1f s): the greedy's schedule",
             cancelled ? "cancelled" : "the time limit ran out", opt_now_s() - j->t0);
    ps_schedule_free(j->s);
    j->s = g;
    return PS_OK;
}

static enum ps_status solve(struct job *j, struct ps_diag *d)
{
    /* the budget holds from the start: the graph, the warm start and the rows can each
     * take seconds on a large scenario (the GLPK run has its own limits) */
    j->m.deadline = j->time_limit > 0 ? j->t0 + j->time_limit : 0;
    j->m.cancel = j->ctx != NULL ? j->ctx->cancel : NULL;
    enum ps_status st = opt_build_graph(&j->m);
    if (st == PS_OK && j->m.out != 0)
        return out_of_budget(j, d);
    if (st == PS_OK)
        st = opt_warm_start(&j->m, &j->w, d);
    if (st != PS_OK)
        return st;
    start_bound(j);
    st = choose_formulation(j, d);
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
    so.ctx = j->ctx;
    so.x0 = j->x0;
    so.t0 = j->t0;
    so.best_bound = ms(j->lb);
    so.incumbent = ms(j->w.ub);
    so.node_limit = j->node_limit;
    so.last_report = opt_now_s();
    int rc = -1;
    const struct ps_solve_ctx *ctx = j->ctx;
    bool cancel_now = ctx != NULL && ctx->cancel != NULL && atomic_load(ctx->cancel);
    double left = j->time_limit - (opt_now_s() - j->t0);
    if (cancel_now)
        so.cancelled = true;
    else if (left > 0 && ms(j->lb) < ms(j->w.ub) * (1 - 1e-9))
        rc = opt_glpk_solve(&so, j->time_limit, j->gap);
    if (!so.cancelled && ctx != NULL && ctx->cancel != NULL && atomic_load(ctx->cancel))
        so.cancelled = true;
    return finish(j, &so, rc, cancel_now, d);
}

static enum ps_status generate(const struct ps_scenario *sc, const struct ps_params *p,
                               const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                               struct ps_diag *d)
{
    struct job j;
    memset(&j, 0, sizeof j);
    j.sc = sc;
    j.ctx = ctx;
    j.t0 = opt_now_s();
    *out = NULL;
    enum ps_status st = read_params(&j, p, d);
    if (st == PS_OK && !memory_infeasible(sc, j.s))
        st = solve(&j, d);
    if (st == PS_ENOMEM && d != NULL && d->msg[0] == '\0')
        ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    opt_model_free(&j.m);
    opt_warm_fini(&j.w);
    free(j.x0);
    if (st != PS_OK) {
        ps_schedule_free(j.s);
        return st;
    }
    *out = j.s;
    return PS_OK;
}

const struct ps_solver ps_solver_optimal = {
    .name = "optimal",
    .summary = "MILP on GLPK: proved-optimal orders of ops and transmissions, "
               "from the greedy",
    .split_backward = true,
    .traversals = PS_TRAV_LOOP_BIT | PS_TRAV_WAVE_BIT,
    .min_chunks = 1,
    .max_chunks = 2,
    .slow = true,
    .adaptive = true,
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    .generate = generate,
};
