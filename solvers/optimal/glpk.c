/* The optimal solver's glue to GLPK: the root LP in slices and the branch-and-cut run,
 * the callback that hands over the starting schedule, follows the bound and the incumbent
 * and sees a cancel, progress reports to the caller's callback (the only output of a
 * solve: nothing is printed), the incumbent's self-check and the model file. */
#include "solvers/optimal/internal.h"

#include <errno.h>
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/units.h"

void opt_report(struct solve *so, bool force)
{
    double t = opt_now_s();
    if (so->ctx == NULL || so->ctx->progress == NULL)
        return;
    if (!force && t - so->last_report < 0.1)
        return;
    so->last_report = t;
    struct ps_progress p;
    p.incumbent_ns = so->incumbent < HUGE_VAL ? ps_ms_to_ns(so->incumbent) : -1;
    p.bound_ns = so->best_bound > -HUGE_VAL ? (int64_t)floor(so->best_bound * 1e6) : -1;
    p.gap = (p.incumbent_ns > 0 && p.bound_ns >= 0)
                ? (double)(p.incumbent_ns - p.bound_ns) / (double)p.incumbent_ns
                : -1;
    if (p.gap < 0 && p.gap != -1)
        p.gap = 0;
    p.nodes = so->nodes;
    p.elapsed_ms = (t - so->t0) * 1e3;
    so->ctx->progress(&p, so->ctx->user);
}

static void callback(glp_tree *tree, void *info)
{
    struct solve *so = info;
    int reason = glp_ios_reason(tree);
    if (reason == GLP_IHEUR && !so->gave && so->x0 != NULL) {
        so->gave = true;
        glp_ios_heur_sol(tree, so->x0);
    }
    if (reason == GLP_IBINGO && !so->m->relaxed) {
        double obj = glp_mip_obj_val(glp_ios_get_prob(tree)) * so->m->c_unit_ms;
        if (obj < so->incumbent)
            so->incumbent = obj;
    }
    int best = glp_ios_best_node(tree);
    if (best != 0) {
        double b = glp_ios_node_bound(tree, best) * so->m->c_unit_ms;
        if (b > so->best_bound)
            so->best_bound = b;
    }
    int a_cnt, n_cnt, t_cnt;
    glp_ios_tree_size(tree, &a_cnt, &n_cnt, &t_cnt);
    so->nodes = t_cnt;
    if (so->ctx != NULL && so->ctx->cancel != NULL && atomic_load(so->ctx->cancel)) {
        so->cancelled = true;
        glp_ios_terminate(tree);
    } else if (so->stop != NULL && atomic_load(so->stop)) {
        so->stopped = true;
        glp_ios_terminate(tree);
    } else if (so->node_limit > 0 && t_cnt >= so->node_limit && !so->node_capped) {
        /* a deterministic limit on the work, unlike the time limit */
        so->node_capped = true;
        glp_ios_terminate(tree);
    }
    opt_report(so, false);
}

/* Largest violation of a row or column bound by x (for the self-check of
 * incumbents). */
double opt_max_violation(glp_prob *lp, const double *x)
{
    double worst = 0;
    int nr = glp_get_num_rows(lp), nc = glp_get_num_cols(lp);
    int *ind = malloc(((size_t)nc + 1) * sizeof *ind);
    double *val = malloc(((size_t)nc + 1) * sizeof *val);
    if (ind == NULL || val == NULL) {
        free(ind);
        free(val);
        return HUGE_VAL;
    }
    for (int i = 1; i <= nr; i++) {
        int len = glp_get_mat_row(lp, i, ind, val);
        double act = 0;
        for (int k = 1; k <= len; k++)
            act += val[k] * x[ind[k]];
        int type = glp_get_row_type(lp, i);
        double lo = glp_get_row_lb(lp, i), hi = glp_get_row_ub(lp, i);
        if ((type == GLP_LO || type == GLP_DB || type == GLP_FX) && lo - act > worst)
            worst = lo - act;
        if ((type == GLP_UP || type == GLP_DB || type == GLP_FX) && act - hi > worst)
            worst = act - hi;
    }
    for (int j = 1; j <= nc; j++) {
        int type = glp_get_col_type(lp, j);
        double lo = glp_get_col_lb(lp, j), hi = glp_get_col_ub(lp, j);
        if ((type == GLP_LO || type == GLP_DB || type == GLP_FX) && lo - x[j] > worst)
            worst = lo - x[j];
        if ((type == GLP_UP || type == GLP_DB || type == GLP_FX) && x[j] - hi > worst)
            worst = x[j] - hi;
    }
    free(ind);
    free(val);
    return worst;
}

/* Writes the model atomically: a temporary file next to the target, then rename. A
 * target that exists and is not a regular file (/dev/null, a FIFO) is written to as it
 * is: renaming over it would replace the device with a file (as root, the system's). */
enum ps_status opt_write_model(glp_prob *lp, const char *path, struct ps_diag *d)
{
    struct stat sb;
    glp_term_out(GLP_OFF);
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode) || glp_write_lp(lp, NULL, path) != 0)
            return ps_diag_set(d, PS_EIO, "param.write_model", "cannot write %s%s", path,
                               S_ISDIR(sb.st_mode) ? ": a directory" : "");
        return PS_OK;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (tmp == NULL)
        return PS_ENOMEM;
    snprintf(tmp, n + 32, "%s.tmp%ld", path, (long)getpid());
    glp_term_out(GLP_OFF);
    if (glp_write_lp(lp, NULL, tmp) != 0) {
        remove(tmp);
        free(tmp);
        return ps_diag_set(d, PS_EIO, "param.write_model", "cannot write %s", path);
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        free(tmp);
        return ps_diag_set(d, PS_EIO, "param.write_model", "cannot write %s: %s", path,
                           strerror(e));
    }
    free(tmp);
    return PS_OK;
}

static bool cancel_requested(const struct solve *so)
{
    return so->ctx != NULL && so->ctx->cancel != NULL && atomic_load(so->ctx->cancel);
}

/* The slot model's starting basis: every slack basic and every column nonbasic at the
 * bound the starting schedule puts it on (its binaries are all 0 or 1), so the primal
 * simplex starts from that schedule, feasible, and only has to show that nothing in the
 * LP is better. On the S=4, M=8 wave (3098 binaries) this takes 1031 iterations
 * instead of 7826 from the bare slack basis (docs/model.md). A column off its bounds (the
 * makespan when the start ends before the incumbent bound) starts at its lower bound;
 * the basis stays valid (all slacks basic) and phase 1 repairs it. */
static void incumbent_basis(struct solve *so)
{
    glp_prob *lp = so->m->lp;
    glp_std_basis(lp);
    int nc = glp_get_num_cols(lp);
    for (int j = 1; j <= nc; j++) {
        int type = glp_get_col_type(lp, j);
        double hi = glp_get_col_ub(lp, j);
        if (type == GLP_FX)
            glp_set_col_stat(lp, j, GLP_NS);
        else if (type == GLP_FR)
            glp_set_col_stat(lp, j, GLP_NF);
        else if (type == GLP_UP || (type == GLP_DB && fabs(so->x0[j] - hi) <= 1e-9))
            glp_set_col_stat(lp, j, GLP_NU);
        else
            glp_set_col_stat(lp, j, GLP_NL);
    }
}

/* The root LP in slices (each resumes from the last basis), so that a cancel is seen and
 * progress keeps coming while a large LP solves. A slice is a number of simplex iterations
 * scaled to the LP's size (about 0.1 s here), not a time, so the path of the simplex and
 * hence the whole solve is the same on every machine unless the time limit ends it. True
 * when the LP is optimal. */
static bool root_lp(struct solve *so, double time_limit)
{
    struct model *m = so->m;
    double left = time_limit - (opt_now_s() - so->t0);
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = GLP_MSG_OFF;
    smcp.presolve = GLP_OFF;
    double size = (double)glp_get_num_nz(m->lp) + glp_get_num_rows(m->lp) + glp_get_num_cols(m->lp);
    double iters = 1e7 / (size > 1 ? size : 1);
    smcp.it_lim = iters < 50 ? 50 : iters > 100000 ? 100000 : (int)iters;
    double t_lp = opt_now_s();
    if (m->ti && so->x0 != NULL)
        incumbent_basis(so);
    int src;
    for (;;) {
        smcp.tm_lim = left * 1e3 < 1 ? 1 : left * 1e3 > 2e9 ? 2000000000 : (int)(left * 1e3);
        glp_term_out(GLP_OFF);
        src = glp_simplex(m->lp, &smcp);
        if (src == GLP_EBADB || src == GLP_ESING || src == GLP_ECOND) {
            /* a starting basis GLPK cannot factorize: from the slack basis instead */
            glp_std_basis(m->lp);
            src = glp_simplex(m->lp, &smcp);
        }
        if (src != GLP_EITLIM)
            break;
        if (cancel_requested(so)) {
            so->cancelled = true;
            break;
        }
        if (so->stop != NULL && atomic_load(so->stop)) {
            so->stopped = true;
            break;
        }
        left = time_limit - (opt_now_s() - so->t0);
        if (left <= 0)
            break;
        opt_report(so, false);
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%d iterations, %.3f s", glp_get_it_cnt(m->lp), opt_now_s() - t_lp);
    ps_schedule_set_param(m->shape, "root_lp", buf);
    return src == 0 && glp_get_status(m->lp) == GLP_OPT && !so->cancelled && !so->stopped;
}

int opt_glpk_solve(struct solve *so, double time_limit, double gap)
{
    struct model *m = so->m;
    if (!root_lp(so, time_limit))
        return -1;
    double root = glp_get_obj_val(m->lp) * m->c_unit_ms;
    if (root > so->best_bound)
        so->best_bound = root;
    double left = time_limit - (opt_now_s() - so->t0);
    unsigned tighten = m->tighten;
    glp_iocp iocp;
    glp_init_iocp(&iocp);
    iocp.msg_lev = GLP_MSG_OFF;
    iocp.presolve = GLP_OFF; /* the callback's incumbent uses our column numbers */
    iocp.tm_lim = (int)(left * 1e3 > 2e9 ? 2e9 : (left > 0.001 ? left * 1e3 : 1));
    iocp.mip_gap = gap;
    iocp.cb_func = callback;
    iocp.cb_info = so;
    iocp.br_tech = (tighten & T_PCH) ? GLP_BR_PCH : GLP_BR_DTH;
    iocp.bt_tech = (tighten & T_DFS) ? GLP_BT_DFS : GLP_BT_BLB;
    iocp.mir_cuts = (tighten & T_MIR) ? GLP_ON : GLP_OFF;
    iocp.gmi_cuts = (tighten & T_GMI) ? GLP_ON : GLP_OFF;
    iocp.cov_cuts = (tighten & T_COV) ? GLP_ON : GLP_OFF;
    iocp.clq_cuts = (tighten & T_CLQ) ? GLP_ON : GLP_OFF;
    glp_term_out(GLP_OFF);
    return glp_intopt(m->lp, &iocp);
}
