/* The optimal scheduler: a MILP of the split-backward model (SPEC 3-6) solved by GLPK's
 * branch-and-cut, started from the best schedule the other generators give. The solver
 * decides the order of the ops on every device and of the transmissions on every channel;
 * the simulator re-times those orders, so the reported times are exact. Each shape (loop
 * V=1, wave V=2) is its own model (shape.c), solved side by side; this file is the entry
 * point: parameters, the other generators' schedules, the threads and their merged
 * progress, and the answer with its status, never above another schedule within memory.
 * The rooms: internal.h. */
#include "solvers/optimal/internal.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/units.h"

static const struct {
    const char *name;
    unsigned bit;
} tighten_names[] = {
    {"mono", T_MONO}, {"window", T_WINDOW}, {"lb", T_LB},         {"energy", T_ENERGY},
    {"warm", T_WARM}, {"mir", T_MIR},       {"gmi", T_GMI},       {"cov", T_COV},
    {"clq", T_CLQ},   {"pch", T_PCH},       {"dfs", T_DFS},       {"mempre", T_MEMPRE},
    {"cint", T_CINT}, {"polish", T_POLISH}, {"bnb", T_BNB},       {"relax", T_RELAX},
    {"lns", T_LNS},   {"cycle", T_CYCLE},   {"anneal", T_ANNEAL}, {"propagate", T_PROP},
    {"sat", T_SAT},
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
    {"traversal", PS_PARAM_CHOICE, "auto",
     "the shape of the model: loop (one chunk per device), wave (V-shape, two), or auto (both, "
     "side by side on two threads; the shorter wins)",
     "auto|loop|wave", 0, 0},
    {"write_model", PS_PARAM_STRING, "",
     "write the MILP in CPLEX LP format to this file (with traversal=auto, the wave shape's "
     "to the same name with -wave before its extension)",
     NULL, 0, 0},
    {"formulation", PS_PARAM_CHOICE, "auto",
     "time: one binary per op and start slot (needs a common time unit); rounded: the same "
     "on a coarser slot with times rounded down (a bound, and orders re-timed exactly); "
     "order: order binaries and big-M; auto: time when the slot model is small, else order",
     "auto|time|rounded|order", 0, 0},
    {"tighten", PS_PARAM_LIST, "all",
     "model tightenings: all "
     "(window,lb,energy,warm,mempre,polish,bnb,relax,lns,cycle,anneal,propagate,sat), "
     "none, or "
     "a list of those and mono",
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

/* Reads and checks the shared parameters into r; *tr: the traversal asked for (-1 auto). */
static enum ps_status read_params(struct opt_run *r, const struct ps_params *p, int *tr,
                                  struct ps_diag *d)
{
    const struct ps_solver *self = &ps_solver_optimal;
    r->time_limit = ps_params_get_float(self, p, "time_limit");
    r->gap = ps_params_get_float(self, p, "gap");
    r->node_limit = ps_params_get_int(self, p, "node_limit");
    const char *trav = ps_params_get(self, p, "traversal");
    *tr = trav == NULL || strcmp(trav, "auto") == 0 ? -1 : ps_traversal_parse(trav);
    r->model_path = ps_params_get(self, p, "write_model");
    r->form = ps_params_get(self, p, "formulation");
    if (trav != NULL && strcmp(trav, "auto") != 0 && *tr < 0)
        return ps_diag_set(d, PS_EINVAL, "param.traversal", "must be auto, loop or wave");
    if (!parse_tighten(ps_params_get(self, p, "tighten"), &r->tighten))
        return ps_diag_set(d, PS_EINVAL, "param.tighten",
                           "must be all, none, or a list of "
                           "mono,window,lb,energy,warm,mempre,polish,bnb,relax,lns,cycle,anneal,"
                           "propagate,sat,cint "
                           "(and GLPK options mir,gmi,cov,clq,pch,dfs) (got %s)",
                           ps_params_get(self, p, "tighten"));
    if (!(r->time_limit >= 0) || !(r->gap >= 0))
        return ps_diag_set(d, PS_EINVAL, "param.time_limit", "must be >= 0");
    return PS_OK;
}

/* Records the parameters as resolved in s. */
static void record_params(const struct opt_run *r, struct ps_schedule *s, int tr)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%g", r->time_limit);
    ps_schedule_set_param(s, "time_limit", buf);
    snprintf(buf, sizeof buf, "%g", r->gap);
    ps_schedule_set_param(s, "gap", buf);
    ps_schedule_set_param(s, "traversal",
                          tr < 0 ? "auto" : ps_traversal_str((enum ps_traversal)tr));
}

/* Infeasible exactly when one microbatch's activations do not fit on some device: the
 * sequential order holds at most one microbatch per device. Says why in s and returns
 * true. */
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

/* Every fast generator's schedule within memory (with its defaults: the greedy's portfolio
 * times the fixed families too), kept in r->refs; the shortest (of the traversal asked for,
 * if one is) is r->best_ref. They are the answer's yardstick (never above one of them) and
 * the shapes' starting schedules. */
static enum ps_status reference(struct opt_run *r)
{
    r->best_ref = -1;
    r->refs = calloc(ps_solver_count(), sizeof *r->refs);
    if (r->refs == NULL)
        return PS_ENOMEM;
    for (size_t i = 0; i < ps_solver_count(); i++) {
        const struct ps_solver *sv = ps_solver_at(i);
        if (sv->slow)
            continue;
        struct ps_schedule *s = NULL;
        struct ps_diag d;
        enum ps_status st = ps_solver_run(sv, r->sc, NULL, NULL, &s, &d);
        if (st == PS_ENOMEM)
            return st;
        if (st != PS_OK || s == NULL || s->solver.status == PS_SOLVE_INFEASIBLE || !s->timed ||
            !s->memory_ok) {
            ps_schedule_free(s);
            continue;
        }
        /* with a traversal asked for, only schedules of that traversal are the yardstick */
        bool yardstick = r->want_tr < 0 || s->traversal == (enum ps_traversal)r->want_tr;
        if (yardstick && (r->best_ref < 0 || s->makespan_ns < r->refs[r->best_ref]->makespan_ns))
            r->best_ref = r->n_refs;
        r->refs[r->n_refs++] = s;
    }
    return PS_OK;
}

static int64_t ref_ns(const struct opt_run *r)
{
    return r->best_ref >= 0 ? r->refs[r->best_ref]->makespan_ns : INT64_MAX;
}

/* The merged progress, under r->mu: the shortest schedule so far (the shapes' and the other
 * generators'), and the bound that holds for the shapes (the least of theirs), or the
 * core's bound once a schedule of another shape is shorter than that. */
static void merged(const struct opt_run *r, struct ps_progress *p)
{
    int64_t inc = ref_ns(r), bound = INT64_MAX;
    long nodes = 0;
    for (int i = 0; i < r->n_jobs; i++) {
        const struct job *j = &r->jobs[i];
        if (j->p_inc >= 0 && j->p_inc < inc)
            inc = j->p_inc;
        if (j->p_bound < 0)
            bound = -1;
        else if (bound >= 0 && j->p_bound < bound)
            bound = j->p_bound;
        nodes += j->p_nodes;
    }
    if (inc == INT64_MAX || bound == INT64_MAX)
        bound = -1;
    if (bound >= 0 && inc < bound)
        bound = r->all_bound < inc ? r->all_bound : inc;
    p->incumbent_ns = inc == INT64_MAX ? -1 : inc;
    p->bound_ns = bound;
    p->gap = p->incumbent_ns > 0 && p->bound_ns >= 0
                 ? (double)(p->incumbent_ns - p->bound_ns) / (double)p->incumbent_ns
                 : -1;
    p->nodes = nodes;
    p->elapsed_ms = (opt_now_s() - r->t0) * 1e3;
}

/* Stops every shape whose bound is no better than a schedule already found (under r->mu):
 * it cannot give a shorter one. Not when the models are to be written: each shape then
 * builds its model whatever its bound. */
static void prune(struct opt_run *r)
{
    if (r->model_path != NULL && r->model_path[0] != '\0')
        return;
    int64_t inc = ref_ns(r);
    for (int i = 0; i < r->n_jobs; i++)
        if (r->jobs[i].p_inc >= 0 && r->jobs[i].p_inc < inc)
            inc = r->jobs[i].p_inc;
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        bool best_here = j->p_inc >= 0 && j->p_inc <= inc;
        if (!best_here && j->p_bound >= inc)
            atomic_store(&j->stop, 1);
    }
}

/* Reports the merged progress to the caller's callback: on the caller's thread only. */
static void report(struct opt_run *r, bool force)
{
    if (r->ctx == NULL || r->ctx->progress == NULL)
        return;
    double t = opt_now_s();
    if (!force && t - r->last_report < 0.1)
        return;
    r->last_report = t;
    struct ps_progress p;
    merged(r, &p);
    r->ctx->progress(&p, r->ctx->user);
}

void opt_run_progress(const struct ps_progress *p, void *user)
{
    struct job *j = user;
    struct opt_run *r = j->run;
    pthread_mutex_lock(&r->mu);
    j->p_inc = p->incumbent_ns;
    j->p_bound = p->bound_ns;
    j->p_nodes = p->nodes;
    prune(r);
    if (j->on_caller)
        report(r, false);
    pthread_mutex_unlock(&r->mu);
}

int64_t opt_run_cutoff(struct job *j)
{
    struct opt_run *r = j->run;
    pthread_mutex_lock(&r->mu);
    int64_t inc = ref_ns(r);
    for (int i = 0; i < r->n_jobs; i++)
        if (&r->jobs[i] != j && r->jobs[i].p_inc >= 0 && r->jobs[i].p_inc < inc)
            inc = r->jobs[i].p_inc;
    pthread_mutex_unlock(&r->mu);
    return inc;
}

static void *job_thread(void *arg)
{
    struct job *j = arg;
    j->st = opt_job_solve(j, &j->d);
    /* the problem lives in this thread's GLPK environment: free both here */
    if (j->m.lp != NULL)
        glp_delete_prob(j->m.lp);
    j->m.lp = NULL;
    glp_free_env();
    atomic_store(&j->done, 1);
    return NULL;
}

/* Runs the jobs: the first on the caller's thread, the others on threads of their own;
 * while they finish, the caller keeps reporting the merged progress. */
static void run_jobs(struct opt_run *r)
{
    /* detached, and waited for through their done flags: a solve abandoned at exit (the
     * explorer's q while it runs) leaves no joinable thread behind */
    bool started[OPT_MAX_SHAPES] = {false};
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) == 0) {
        bool detached = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0;
        for (int i = 1; i < r->n_jobs && detached; i++) {
            pthread_t th;
            started[i] = pthread_create(&th, &attr, job_thread, &r->jobs[i]) == 0;
        }
        pthread_attr_destroy(&attr);
    }
    r->jobs[0].on_caller = true;
    r->jobs[0].st = opt_job_solve(&r->jobs[0], &r->jobs[0].d);
    atomic_store(&r->jobs[0].done, 1);
    for (int i = 1; i < r->n_jobs; i++) {
        if (!started[i]) { /* no thread: here, after the first */
            r->jobs[i].on_caller = true;
            r->jobs[i].st = opt_job_solve(&r->jobs[i], &r->jobs[i].d);
            continue;
        }
        while (!atomic_load(&r->jobs[i].done)) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
            pthread_mutex_lock(&r->mu);
            report(r, false);
            pthread_mutex_unlock(&r->mu);
        }
    }
}

/* The shapes' results in a few words, for the `shapes` param ("loop: 27 optimal; wave:
 * 25.5 optimal"). */
static void shapes_text(const struct opt_run *r, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < r->n_jobs && used + 1 < size; i++) {
        const struct job *j = &r->jobs[i];
        int n;
        if (j->s == NULL || j->st != PS_OK)
            n = snprintf(buf + used, size - used, "%s%s: %s", i ? "; " : "",
                         ps_traversal_str(j->tr), j->st != PS_OK ? j->d.msg : "-");
        else
            n = snprintf(buf + used, size - used, "%s%s: %.3f ms %s", i ? "; " : "",
                         ps_traversal_str(j->tr), ms(j->s->makespan_ns),
                         j->proved    ? "optimal"
                         : j->stopped ? "beaten"
                                      : "feasible");
        if (n < 0)
            break;
        used += (size_t)n < size - used ? (size_t)n : size - used - 1;
    }
}

/* The bound that holds for every schedule of the shapes solved, with or without parts,
 * when g is of one of them: the least of their static bounds, which hold with parts when
 * every microbatch is the same (opt_identical_mbs); -1 otherwise. GLPK's bounds do not
 * count here: they hold for whole ops only. */
static int64_t parts_bound(const struct opt_run *r, const struct ps_schedule *g)
{
    bool in_class = false;
    int64_t least = INT64_MAX;
    for (int i = 0; i < r->n_jobs; i++) {
        const struct job *j = &r->jobs[i];
        if (!j->identical || j->lb_parts <= 0)
            return -1;
        if (j->lb_parts < least)
            least = j->lb_parts;
        if (g->traversal == j->tr && g->chunks == j->V)
            in_class = true;
    }
    return in_class ? least : -1;
}

/* g's traversal and chunks are those of a shape solved. */
static bool cls_member(const struct opt_run *r, const struct ps_schedule *g)
{
    for (int i = 0; i < r->n_jobs; i++)
        if (g->traversal == r->jobs[i].tr && g->chunks == r->jobs[i].V)
            return true;
    return false;
}

/* The answer when another generator's schedule is shorter than every shape's: that
 * schedule, with the shapes' bound when it is one of the model's (whole ops of a shape
 * solved, which the search may have stopped short of), else (ops cut into parts,
 * interleaved chunks, ...) the shapes' static bound when it holds with parts, or the
 * core's bound that holds for every shape. */
static struct ps_schedule *other_answer(struct opt_run *r, const struct job *jb,
                                        int64_t class_bound, bool cancelled)
{
    struct ps_schedule *g = r->refs[r->best_ref];
    r->refs[r->best_ref] = NULL;
    r->best_ref = -1;
    char who[PS_SCHED_NAME_MAX + 16], shape[128];
    snprintf(who, sizeof who, "%s%s", g->name, r->ref_annealed ? ", annealed" : "");
    bool parts = opt_has_parts(g);
    snprintf(shape, sizeof shape, "%s: %s V=%d, %s backward%s", who, ps_traversal_str(g->traversal),
             g->chunks, g->split_backward ? "split" : "combined",
             parts ? ", ops cut into parts" : ", whole ops");
    int64_t whole = jb->s->makespan_ns;
    g->solver = jb->s->solver; /* the optimal solver's parameters */
    snprintf(g->name, sizeof g->name, "optimal");
    int64_t obj = g->makespan_ns, bound = r->all_bound;
    int64_t cls = parts_bound(r, g);
    if (cls > bound)
        bound = cls;
    /* a whole-op schedule of a shape solved is in the model: the shapes' bound holds */
    bool in_model = !parts && cls_member(r, g);
    if (in_model && class_bound > bound)
        bound = class_bound;
    if (bound > obj)
        bound = obj;
    g->solver.objective_ns = obj;
    g->solver.bound_ns = bound;
    g->solver.gap = obj > 0 ? (double)(obj - bound) / (double)obj : 0;
    g->solver.status = cancelled      ? PS_SOLVE_CANCELLED
                       : bound >= obj ? PS_SOLVE_OPTIMAL
                                      : PS_SOLVE_FEASIBLE;
    if (in_model)
        snprintf(g->solver.error, sizeof g->solver.error,
                 "%s's schedule (%.3f ms) is one of the model's, shorter than the shapes' own "
                 "(%.3f ms); the bound is the shapes'",
                 who, ms(obj), ms(whole));
    else
        snprintf(g->solver.error, sizeof g->solver.error,
                 "%s's schedule (%.3f ms) beats the best whole-op schedule of the model's shapes "
                 "(%.3f ms%s); %s",
                 who, ms(obj), ms(whole), class_bound >= whole ? ", proved optimal" : "",
                 cls >= 0 && cls >= r->all_bound
                     ? "the bound is the shapes' static bound, which holds with ops cut into parts"
                     : "the bound is the one for every shape");
    if (g->solver.status == PS_SOLVE_OPTIMAL && in_model)
        g->solver.error[0] = '\0';
    ps_schedule_set_param(g, "shape", shape);
    return g;
}

/* The answer: the shortest of the shapes' schedules and the other generators'. Optimal
 * when a shape's schedule is the shortest and every shape's bound reaches it (a stopped
 * shape's bound does); else feasible with the least of the shapes' bounds. */
static enum ps_status answer(struct opt_run *r, struct ps_schedule **out, struct ps_diag *d)
{
    int best = -1;
    int64_t class_bound = INT64_MAX;
    bool cancelled = false;
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        if (j->st != PS_OK || j->s == NULL)
            continue;
        cancelled |= j->cancelled;
        if (j->bound < class_bound)
            class_bound = j->bound;
        if (best < 0 || j->s->makespan_ns < r->jobs[best].s->makespan_ns)
            best = i;
    }
    if (best < 0) {
        /* every shape failed: the first one's error */
        for (int i = 0; i < r->n_jobs; i++)
            if (r->jobs[i].st != PS_OK) {
                *d = r->jobs[i].d;
                return r->jobs[i].st;
            }
        return ps_diag_set(d, PS_EINVAL, "", "internal: no shape solved");
    }
    struct job *jb = &r->jobs[best];
    /* a job's annealing of the shortest other schedule (ops in parts) replaces it */
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        if (r->best_ref >= 0 && j->ref_annealed != NULL &&
            j->ref_annealed->makespan_ns < ref_ns(r)) {
            ps_schedule_free(r->refs[r->best_ref]);
            r->refs[r->best_ref] = j->ref_annealed;
            j->ref_annealed = NULL;
            r->ref_annealed = true;
        }
    }
    char shapes[160];
    shapes_text(r, shapes, sizeof shapes);
    if (r->best_ref >= 0 && ref_ns(r) < jb->s->makespan_ns) {
        *out = other_answer(r, jb, class_bound, cancelled);
    } else {
        struct ps_schedule *s = jb->s;
        jb->s = NULL;
        opt_set_outcome(s, class_bound, false, cancelled);
        if (s->solver.status == PS_SOLVE_OPTIMAL)
            s->solver.error[0] = '\0';
        char buf[64];
        snprintf(buf, sizeof buf, "%s V=%d, split backward, whole ops", ps_traversal_str(jb->tr),
                 jb->V);
        ps_schedule_set_param(s, "shape", buf);
        *out = s;
    }
    if (r->n_jobs > 1)
        ps_schedule_set_param(*out, "shapes", shapes);
    return PS_OK;
}

static void run_fini(struct opt_run *r)
{
    for (int i = 0; i < r->n_jobs; i++)
        opt_job_fini(&r->jobs[i]);
    free(r->jobs);
    for (int i = 0; i < r->n_refs; i++)
        ps_schedule_free(r->refs[i]);
    free(r->refs);
    pthread_mutex_destroy(&r->mu);
}

/* One job per shape asked for (traversal=auto: loop and wave); a shape too large for the
 * model is left out while another remains. */
static enum ps_status setup_jobs(struct opt_run *r, int tr, struct ps_diag *d)
{
    enum ps_traversal trs[OPT_MAX_SHAPES] = {PS_TRAVERSAL_LOOP, PS_TRAVERSAL_WAVE};
    int n = 2;
    if (tr >= 0) {
        trs[0] = (enum ps_traversal)tr;
        n = 1;
    }
    r->jobs = calloc(OPT_MAX_SHAPES, sizeof *r->jobs);
    if (r->jobs == NULL)
        return PS_ENOMEM;
    enum ps_status first = PS_OK;
    for (int i = 0; i < n; i++) {
        struct job *j = &r->jobs[r->n_jobs];
        struct ps_diag jd;
        memset(&jd, 0, sizeof jd);
        enum ps_status st = opt_job_init(j, r, r->n_jobs, trs[i], &jd);
        if (st == PS_OK) {
            record_params(r, j->s, tr);
            r->n_jobs++;
            continue;
        }
        opt_job_fini(j);
        if (st != PS_EUNSUPPORTED)
            return ps_diag_set(d, st, jd.path, "%s", jd.msg);
        if (first == PS_OK) {
            first = st;
            *d = jd;
        }
    }
    return r->n_jobs > 0 ? PS_OK : first;
}

/* Outside the model (too large, or recomputation; why in d): the shortest other schedule
 * within memory, with the bound that holds for every schedule (the core's), so the answer
 * still says how far from optimal it can be; PS_EUNSUPPORTED (d kept) when there is none. */
static enum ps_status outside_answer(struct opt_run *r, int tr, struct ps_schedule **out,
                                     struct ps_diag *d)
{
    if (r->best_ref < 0)
        return PS_EUNSUPPORTED;
    struct ps_schedule *g = r->refs[r->best_ref];
    r->refs[r->best_ref] = NULL;
    r->best_ref = -1;
    char who[PS_SCHED_NAME_MAX], shape[96];
    snprintf(who, sizeof who, "%s", g->name);
    snprintf(shape, sizeof shape, "%s: %s V=%d, %s backward", who, ps_traversal_str(g->traversal),
             g->chunks, g->split_backward ? "split" : "combined");
    memset(&g->solver, 0, sizeof g->solver);
    snprintf(g->name, sizeof g->name, "optimal");
    record_params(r, g, tr);
    int64_t obj = g->makespan_ns, bound = r->all_bound < obj ? r->all_bound : obj;
    g->solver.objective_ns = obj;
    g->solver.bound_ns = bound;
    g->solver.gap = obj > 0 ? (double)(obj - bound) / (double)obj : 0;
    g->solver.status = bound >= obj ? PS_SOLVE_OPTIMAL : PS_SOLVE_FEASIBLE;
    g->solver.solve_ms = (opt_now_s() - r->t0) * 1e3;
    snprintf(g->solver.error, sizeof g->solver.error,
             "%.130s; here: %s's schedule, with the bound that holds for every schedule", d->msg,
             who);
    ps_schedule_set_param(g, "shape", shape);
    memset(d, 0, sizeof *d);
    *out = g;
    return PS_OK;
}

static bool model_path_set(const struct opt_run *r)
{
    return r->model_path != NULL && r->model_path[0] != '\0';
}

static enum ps_status generate(const struct ps_scenario *sc, const struct ps_params *p,
                               const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                               struct ps_diag *d)
{
    struct opt_run r;
    memset(&r, 0, sizeof r);
    pthread_mutex_init(&r.mu, NULL);
    r.sc = sc;
    r.ctx = ctx;
    r.t0 = opt_now_s();
    r.best_ref = -1;
    *out = NULL;
    int tr = -1;
    enum ps_status st = read_params(&r, p, &tr, d);
    if (st == PS_OK && sc->has_memory_limit && !ps_scenario_has_recompute(sc)) {
        struct ps_schedule *inf =
            ps_schedule_new(sc, "optimal", tr == PS_TRAVERSAL_WAVE ? 2 : 1,
                            tr == PS_TRAVERSAL_WAVE ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP, true);
        if (inf == NULL) {
            st = PS_ENOMEM;
        } else if (memory_infeasible(sc, inf)) {
            record_params(&r, inf, tr);
            *out = inf;
            run_fini(&r);
            return PS_OK;
        }
        ps_schedule_free(inf);
    }
    r.want_tr = tr;
    if (st == PS_OK) {
        r.all_bound = ps_lower_bound_ns(sc);
        st = reference(&r);
    }
    if (st == PS_OK && ps_scenario_has_recompute(sc)) {
        ps_diag_set(d, PS_EUNSUPPORTED, "",
                    "the optimal solver does not model recomputation (R ops); plan the "
                    "workload with checkpoint=none for a proof, or use the greedy");
        st = model_path_set(&r) ? PS_EUNSUPPORTED : outside_answer(&r, tr, out, d);
    } else if (st == PS_OK) {
        st = setup_jobs(&r, tr, d);
        /* (a model asked for cannot be written: the refusal stands) */
        if (st == PS_EUNSUPPORTED && d->path[0] == '\0' && !model_path_set(&r))
            st = outside_answer(&r, tr, out, d);
        else if (st == PS_OK) {
            run_jobs(&r);
            st = answer(&r, out, d);
        }
    }
    if (st == PS_OK && ctx != NULL && ctx->progress != NULL) {
        /* the last report: the answer itself */
        const struct ps_solver_info *si = &(*out)->solver;
        struct ps_progress pr = {(*out)->makespan_ns, si->bound_ns, si->gap, 0,
                                 (opt_now_s() - r.t0) * 1e3};
        for (int i = 0; i < r.n_jobs; i++)
            pr.nodes += r.jobs[i].p_nodes;
        ctx->progress(&pr, ctx->user);
    }
    if (st == PS_ENOMEM && d != NULL && d->msg[0] == '\0')
        ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    run_fini(&r);
    return st;
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
