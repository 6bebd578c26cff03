/* Checkpoint policies of one pipeline group (docs/model.md, "Checkpoint policies"): the
 * exact memory windows of its 1F1B order on every stage become linear rows in the layer
 * counts; none / full / uniform read them directly, adaptive solves InfiniPipe's ILP
 * (Eq. 15-20: l(p,k) = C[b(k) + d_p - p], minimise sum C) with GLPK, or a greedy. */
#include "solvers/workload/plan.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL_GB 1e-9
#define MAX_ILP_VARS 4000
#define ILP_GAP 0.02   /* InfiniPipe solves to a 2 % gap */
#define ILP_NODES 1000 /* branch-and-bound nodes: a deterministic work limit */

/* One memory row: sum over terms of coef x var >= rhs (GB), at one event of one stage. */
struct row {
    int stage, first, n; /* terms[first .. first+n-1] */
    double rhs;          /* window's full memory minus the limit */
    double full;         /* window's full memory (for messages) */
    int window;          /* chunks in the window */
};

struct term {
    int var;
    double coef; /* save per layer, GB */
};

struct model {
    const struct ps_cost_ctx *cx;
    int n, S, lmax, n_vars;
    const struct ps_chunk **chunk; /* per local microbatch */
    int *brank;                    /* backward rank per local microbatch */
    int *var;                      /* n x S: variable of (m, s), -1 when fixed at 0 */
    struct row *rows;
    int n_rows, rows_cap;
    struct term *terms;
    int n_terms, terms_cap;
};

static int var_of(const struct model *md, enum ps_ckpt_policy p, int m, int s)
{
    switch (p) {
    case PS_CKPT_ADAPTIVE:
        return md->brank[m] + md->S - 1 - s; /* Eq. 16 with p = s + 1 */
    case PS_CKPT_UNIFORM:
    case PS_CKPT_FULL:
        return 0;
    case PS_CKPT_NONE:
        return -1;
    }
    return -1;
}

static int push_row(struct model *md, int stage)
{
    if (md->n_rows == md->rows_cap) {
        int cap = md->rows_cap ? 2 * md->rows_cap : 256;
        struct row *r = realloc(md->rows, (size_t)cap * sizeof *r);
        if (r == NULL)
            return -1;
        md->rows = r;
        md->rows_cap = cap;
    }
    md->rows[md->n_rows] = (struct row){.stage = stage, .first = md->n_terms};
    return md->n_rows++;
}

static bool push_term(struct model *md, int var, double coef)
{
    if (var < 0 || coef <= 0)
        return true;
    struct row *r = &md->rows[md->n_rows - 1];
    /* merge a repeated variable (uniform: every term is variable 0) */
    for (int i = r->first; i < r->first + r->n; i++) {
        if (md->terms[i].var == var) {
            md->terms[i].coef += coef;
            return true;
        }
    }
    if (md->n_terms == md->terms_cap) {
        int cap = md->terms_cap ? 2 * md->terms_cap : 1024;
        struct term *t = realloc(md->terms, (size_t)cap * sizeof *t);
        if (t == NULL)
            return false;
        md->terms = t;
        md->terms_cap = cap;
    }
    md->terms[md->n_terms++] = (struct term){var, coef};
    r->n++;
    return true;
}

/* Row a implies row b (b redundant): every term of a is in b with the same coefficient,
 * and a asks at least as much. Both are "sum coef x var >= rhs" with coef, var >= 0. */
static bool implies(const struct model *md, int a, int b)
{
    const struct row *ra = &md->rows[a], *rb = &md->rows[b];
    if (ra->rhs < rb->rhs - TOL_GB || ra->n > rb->n)
        return false;
    for (int i = ra->first; i < ra->first + ra->n; i++) {
        bool found = false;
        for (int j = rb->first; j < rb->first + rb->n && !found; j++)
            found = md->terms[j].var == md->terms[i].var && md->terms[j].coef == md->terms[i].coef;
        if (!found)
            return false;
    }
    return true;
}

/* The rows of one stage: at every F start (the window with the new chunk) and every R
 * start (the window with the replayed chunk at full size). */
static enum ps_status stage_rows(struct model *md, enum ps_ckpt_policy p, int s, const bool *cont,
                                 int *ev, int *resident)
{
    const struct ps_cost_ctx *cx = md->cx;
    int n = md->n, nres = 0;
    ps_1f1b_events(n, cont, md->S - s - 1, ev);
    for (int i = 0; i < 2 * n; i++) {
        int m = ev[i] >= 0 ? ev[i] : -1 - ev[i];
        bool is_f = ev[i] >= 0;
        if (is_f)
            resident[nres++] = m;
        int r = push_row(md, s);
        if (r < 0)
            return PS_ENOMEM;
        double full = 0;
        for (int k = 0; k < nres; k++) {
            int j = resident[k];
            full += ps_cost_full_gb(cx, md->chunk[j], s);
            if (!is_f && j == m)
                continue; /* replayed: at full size */
            if (!push_term(md, var_of(md, p, j, s), md->chunk[j]->save_gb))
                return PS_ENOMEM;
        }
        md->rows[r].full = full;
        md->rows[r].window = nres;
        md->rows[r].rhs = full - cx->limit_gb;
        if (!is_f) {
            for (int k = 0; k < nres; k++) {
                if (resident[k] == m) {
                    resident[k] = resident[--nres];
                    break;
                }
            }
        }
        if (md->rows[r].rhs <= TOL_GB) { /* always satisfied: drop it */
            md->n_terms = md->rows[r].first;
            md->n_rows--;
        } else if (r > 0 && md->rows[r - 1].stage == s && implies(md, r, r - 1)) {
            /* the previous row says nothing more (an F's window, then the R of one of its
             * chunks over the same window): keep only this one */
            struct row keep = md->rows[r];
            int from = md->rows[r - 1].first;
            if (keep.n > 0)
                memmove(&md->terms[from], &md->terms[keep.first],
                        (size_t)keep.n * sizeof *md->terms);
            keep.first = from;
            md->rows[r - 1] = keep;
            md->n_terms = from + keep.n;
            md->n_rows--;
        }
    }
    return PS_OK;
}

static double row_value(const struct model *md, const struct row *r, const int *x)
{
    double v = 0;
    for (int i = r->first; i < r->first + r->n; i++)
        v += md->terms[i].coef * x[md->terms[i].var];
    return v;
}

static bool all_fit(const struct model *md, const int *x)
{
    for (int i = 0; i < md->n_rows; i++)
        if (row_value(md, &md->rows[i], x) < md->rows[i].rhs - TOL_GB)
            return false;
    return true;
}

/* Names every stage some window of which does not fit with x (full recomputation). */
static void explain_misfit(const struct model *md, const int *x, const char *how, char *why,
                           size_t size)
{
    size_t used = 0;
    why[0] = '\0';
    for (int s = 0; s < md->S; s++) {
        double worst = 0;
        int win = 0;
        for (int i = 0; i < md->n_rows; i++) {
            const struct row *r = &md->rows[i];
            if (r->stage != s)
                continue;
            double need = r->full - row_value(md, r, x);
            if (need > worst) {
                worst = need;
                win = r->window;
            }
        }
        if (worst > md->cx->limit_gb + TOL_GB && used + 1 < size) {
            int k = snprintf(why + used, size - used,
                             "%sstage %d needs %.1f GB for its window of %d chunks %s (limit "
                             "%.1f GB)",
                             used ? "; " : "", s, worst, win, how, md->cx->limit_gb);
            if (k > 0)
                used += (size_t)k < size - used ? (size_t)k : size - used - 1;
        }
    }
}

/* ---- adaptive: greedy and GLPK ------------------------------------------------------------ */

/* Column view of the rows: for each variable, the (row, coef) pairs it appears in. */
struct columns {
    int *start; /* n_vars + 1 */
    int *row;
    double *coef;
};

static bool columns_build(const struct model *md, struct columns *c)
{
    c->start = calloc((size_t)md->n_vars + 1, sizeof *c->start);
    c->row = malloc((size_t)(md->n_terms > 0 ? md->n_terms : 1) * sizeof *c->row);
    c->coef = malloc((size_t)(md->n_terms > 0 ? md->n_terms : 1) * sizeof *c->coef);
    if (c->start == NULL || c->row == NULL || c->coef == NULL)
        return false;
    for (int t = 0; t < md->n_terms; t++)
        c->start[md->terms[t].var + 1]++;
    for (int j = 0; j < md->n_vars; j++)
        c->start[j + 1] += c->start[j];
    int *fill = malloc((size_t)(md->n_vars > 0 ? md->n_vars : 1) * sizeof *fill);
    if (fill == NULL)
        return false;
    memcpy(fill, c->start, (size_t)md->n_vars * sizeof *fill);
    for (int i = 0; i < md->n_rows; i++) {
        const struct row *r = &md->rows[i];
        for (int t = r->first; t < r->first + r->n; t++) {
            int k = fill[md->terms[t].var]++;
            c->row[k] = i;
            c->coef[k] = md->terms[t].coef;
        }
    }
    free(fill);
    return true;
}

static void columns_free(struct columns *c)
{
    free(c->start);
    free(c->row);
    free(c->coef);
}

/* Raises the variable whose layers remove the most violated memory (summed over the
 * violated rows it enters, each row counted up to its excess), by as many layers as it takes
 * to satisfy the least violated of those rows; repeats until every row holds. Then lowers
 * every variable that can go down without breaking a row (a layer raised early may have
 * become unnecessary). */
static void greedy(const struct model *md, int *x)
{
    int nr = md->n_rows, nv = md->n_vars;
    double *slack = malloc((size_t)(nr > 0 ? nr : 1) * sizeof *slack);
    double *gain = calloc((size_t)(nv > 0 ? nv : 1), sizeof *gain);
    struct columns col = {0};
    if (slack == NULL || gain == NULL || !columns_build(md, &col)) {
        for (int j = 0; j < nv; j++)
            x[j] = md->lmax;
        goto done;
    }
    /* gain[j] = sum over the violated rows of min(coef, excess), kept up to date row by
     * row as the excesses change */
    for (int i = 0; i < nr; i++) {
        const struct row *r = &md->rows[i];
        slack[i] = row_value(md, r, x) - r->rhs;
        if (slack[i] < -TOL_GB)
            for (int t = r->first; t < r->first + r->n; t++)
                gain[md->terms[t].var] += fmin(md->terms[t].coef, -slack[i]);
    }
    for (;;) {
        int best = -1;
        for (int j = 0; j < nv; j++)
            if (x[j] < md->lmax && gain[j] > TOL_GB && (best < 0 || gain[j] > gain[best]))
                best = j;
        if (best < 0)
            break; /* every row holds, or nothing is left to raise */
        /* layers to satisfy the least violated row it enters */
        int step = md->lmax - x[best];
        for (int k = col.start[best]; k < col.start[best + 1]; k++) {
            int i = col.row[k];
            if (slack[i] < -TOL_GB) {
                int need = (int)ceil((-slack[i] - TOL_GB) / col.coef[k]);
                if (need >= 1 && need < step)
                    step = need;
            }
        }
        x[best] += step;
        for (int k = col.start[best]; k < col.start[best + 1]; k++) {
            int i = col.row[k];
            double before = slack[i] < -TOL_GB ? -slack[i] : 0;
            slack[i] += step * col.coef[k];
            double after = slack[i] < -TOL_GB ? -slack[i] : 0;
            if (before == after)
                continue;
            const struct row *r = &md->rows[i];
            for (int t = r->first; t < r->first + r->n; t++) {
                double c = md->terms[t].coef;
                gain[md->terms[t].var] += fmin(c, after) - fmin(c, before);
            }
        }
        if (x[best] >= md->lmax)
            gain[best] = 0;
    }
    for (int j = nv - 1; j >= 0; j--) {
        while (x[j] > 0) {
            bool ok = true;
            for (int k = col.start[j]; k < col.start[j + 1] && ok; k++)
                ok = slack[col.row[k]] - col.coef[k] >= -TOL_GB;
            if (!ok)
                break;
            x[j]--;
            for (int k = col.start[j]; k < col.start[j + 1]; k++)
                slack[col.row[k]] -= col.coef[k];
        }
    }
done:
    columns_free(&col);
    free(slack);
    free(gain);
}

struct ilp_out {
    bool solved, proved;
    double gap;
};

struct ilp_cb {
    const double *start; /* the greedy's solution, 1-based, offered once */
    bool offered;
    double bound; /* the best bound GLPK proved so far */
    int node_limit;
};

/* GLPK's branch-and-cut callback: the greedy's assignment is the first incumbent, so the
 * answer is never worse than the greedy's. */
static void ilp_callback(glp_tree *tree, void *info)
{
    struct ilp_cb *cb = info;
    if (glp_ios_reason(tree) == GLP_IHEUR && !cb->offered) {
        cb->offered = true;
        glp_ios_heur_sol(tree, cb->start);
    }
    int best = glp_ios_best_node(tree);
    if (best != 0) {
        double b = glp_ios_node_bound(tree, best);
        if (b > cb->bound)
            cb->bound = b;
    }
    /* a deterministic work limit: the same plan whatever the machine's load (the time
     * limit is only a safety net) */
    int a_cnt, n_cnt, t_cnt;
    glp_ios_tree_size(tree, &a_cnt, &n_cnt, &t_cnt);
    if (t_cnt >= cb->node_limit)
        glp_ios_terminate(tree);
}

/* Solves the ILP to `gap` (relative, 0.02 as InfiniPipe) within the time limit, from the
 * greedy's assignment x (on return: the best assignment found). */
static struct ilp_out solve_ilp(const struct model *md, double time_limit_s, double gap, int *x)
{
    struct ilp_out o = {0};
    int nv = md->n_vars, nz = md->n_terms;
    int *ia = malloc((size_t)(nz + 1) * sizeof *ia), *ja = malloc((size_t)(nz + 1) * sizeof *ja);
    double *ar = malloc((size_t)(nz + 1) * sizeof *ar);
    double *start = malloc((size_t)(nv + 1) * sizeof *start);
    glp_term_out(GLP_OFF);
    glp_prob *lp = glp_create_prob();
    if (ia == NULL || ja == NULL || ar == NULL || start == NULL)
        goto done;
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_cols(lp, nv);
    for (int j = 1; j <= nv; j++) {
        glp_set_col_kind(lp, j, GLP_IV);
        glp_set_col_bnds(lp, j, md->lmax > 0 ? GLP_DB : GLP_FX, 0, md->lmax);
        glp_set_obj_coef(lp, j, 1.0);
        start[j] = x[j - 1];
    }
    if (md->n_rows > 0)
        glp_add_rows(lp, md->n_rows);
    int k = 0;
    for (int i = 0; i < md->n_rows; i++) {
        const struct row *r = &md->rows[i];
        glp_set_row_bnds(lp, i + 1, GLP_LO, r->rhs, 0);
        for (int t = r->first; t < r->first + r->n; t++) {
            k++;
            ia[k] = i + 1;
            ja[k] = md->terms[t].var + 1;
            ar[k] = md->terms[t].coef;
        }
    }
    glp_load_matrix(lp, k, ia, ja, ar);
    /* the LP relaxation first: its value is the bound the gap is measured against */
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.tm_lim = (int)fmin(time_limit_s * 1e3, 2e9);
    if (glp_simplex(lp, &sm) != 0 || glp_get_status(lp) != GLP_OPT)
        goto done;
    struct ilp_cb cb = {.start = start, .bound = glp_get_obj_val(lp), .node_limit = ILP_NODES};
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.tm_lim = (int)fmin(time_limit_s * 1e3, 2e9);
    parm.mip_gap = gap;
    parm.gmi_cuts = GLP_ON;
    parm.mir_cuts = GLP_ON;
    parm.cb_func = ilp_callback;
    parm.cb_info = &cb;
    int rc = glp_intopt(lp, &parm);
    int status = glp_mip_status(lp);
    if ((rc == 0 || rc == GLP_ETMLIM || rc == GLP_EMIPGAP || rc == GLP_ESTOP) &&
        (status == GLP_OPT || status == GLP_FEAS)) {
        int *y = malloc((size_t)(nv > 0 ? nv : 1) * sizeof *y);
        if (y != NULL) {
            for (int j = 0; j < nv; j++)
                y[j] = (int)llround(glp_mip_col_val(lp, j + 1));
            if (all_fit(md, y)) {
                memcpy(x, y, (size_t)nv * sizeof *y);
                o.solved = true;
            }
            free(y);
        }
        /* a closed tree proves its incumbent; else the best open node bounds it (the
         * objective is a whole number of layers, so the bound rounds up) */
        double obj = glp_mip_obj_val(lp);
        bool closed = rc == 0 && status == GLP_OPT;
        double bound = closed ? obj : fmin(obj, ceil(cb.bound - 1e-6));
        o.gap = o.solved && obj > 0 ? fmax(0, (obj - bound) / obj) : 0;
        o.proved = o.solved && o.gap == 0;
    }
done:
    free(ia);
    free(ja);
    free(ar);
    free(start);
    glp_delete_prob(lp);
    return o;
}

/* ---- entry ------------------------------------------------------------------------------------
 */

static void model_free(struct model *md)
{
    free(md->chunk);
    free(md->brank);
    free(md->var);
    free(md->rows);
    free(md->terms);
}

static enum ps_status model_build(struct model *md, const struct ps_cost_ctx *cx,
                                  const struct ps_chunking *ch, const int *mbs, int n,
                                  enum ps_ckpt_policy p)
{
    memset(md, 0, sizeof *md);
    md->cx = cx;
    md->n = n;
    md->S = cx->dp;
    md->lmax = ps_cost_max_layers(cx);
    md->n_vars = p == PS_CKPT_ADAPTIVE ? n + md->S - 1 : p == PS_CKPT_NONE ? 0 : 1;
    md->chunk = malloc((size_t)n * sizeof *md->chunk);
    md->brank = malloc((size_t)n * sizeof *md->brank);
    bool *cont = malloc((size_t)n * sizeof *cont);
    int *resident = malloc((size_t)n * sizeof *resident);
    int *ev = malloc(2 * (size_t)n * sizeof *ev);
    enum ps_status st = PS_OK;
    if (md->chunk == NULL || md->brank == NULL || cont == NULL || resident == NULL || ev == NULL) {
        st = PS_ENOMEM;
        goto done;
    }
    for (int m = 0; m < n; m++) {
        md->chunk[m] = &ch->chunks[mbs[m]];
        const struct ps_chunk *c = md->chunk[m], *prev = m > 0 ? md->chunk[m - 1] : NULL;
        cont[m] = prev != NULL && c->seq >= 0 && prev->seq == c->seq && prev->slice == c->slice - 1;
    }
    for (int a = 0; a < n;) {
        int b = a;
        while (b + 1 < n && cont[b + 1])
            b++;
        for (int m = a; m <= b; m++)
            md->brank[m] = a + b - m;
        a = b + 1;
    }
    for (int s = 0; s < md->S && st == PS_OK; s++)
        st = stage_rows(md, p, s, cont, ev, resident);
done:
    free(cont);
    free(resident);
    free(ev);
    return st;
}

/* Layers per (microbatch, stage) from the variables, and the recomputation summaries. */
static void fill_layers(const struct model *md, enum ps_ckpt_policy p, const int *x,
                        struct ps_ckpt_result *out)
{
    int S = md->S, nd = md->n + S - 1;
    double *diag = calloc((size_t)nd, sizeof *diag);
    out->replay_ms = 0;
    out->bubble_ms = 0;
    for (int m = 0; m < md->n; m++) {
        for (int s = 0; s < S; s++) {
            int v = var_of(md, p, m, s);
            int l = v >= 0 ? x[v] : 0;
            out->layers[(size_t)m * (size_t)S + (size_t)s] = l;
            double t = l / md->cx->layers_per_stage * md->chunk[m]->f_ms;
            out->replay_ms += t;
            int dj = md->brank[m] + S - 1 - s;
            if (diag != NULL && t > diag[dj])
                diag[dj] = t;
        }
    }
    for (int j = 0; diag != NULL && j < nd; j++)
        out->bubble_ms += diag[j];
    free(diag);
    out->layers_sum = 0;
    for (int j = 0; j < md->n_vars; j++)
        out->layers_sum += x[j];
}

enum ps_status ps_wl_checkpoint(const struct ps_cost_ctx *cx, const struct ps_chunking *ch,
                                const int *mbs, int n, enum ps_ckpt_policy policy, bool ilp,
                                double time_limit_s, struct ps_ckpt_result *out)
{
    memset(out, 0, sizeof *out);
    out->layers = calloc((size_t)n * (size_t)cx->dp, sizeof *out->layers);
    struct model md;
    enum ps_status st = out->layers != NULL ? model_build(&md, cx, ch, mbs, n, policy) : PS_ENOMEM;
    if (st != PS_OK) {
        if (out->layers != NULL)
            model_free(&md);
        free(out->layers);
        out->layers = NULL;
        return PS_ENOMEM;
    }
    out->n_vars = md.n_vars;
    int *x = calloc((size_t)(md.n_vars > 0 ? md.n_vars : 1), sizeof *x);
    int *top = calloc((size_t)(md.n_vars > 0 ? md.n_vars : 1), sizeof *top);
    if (x == NULL || top == NULL) {
        st = PS_ENOMEM;
        goto done;
    }
    for (int j = 0; j < md.n_vars; j++)
        top[j] = md.lmax;
    /* memory only falls as layers rise: a group fits with some assignment exactly when it
     * fits with every variable at its bound */
    if (policy == PS_CKPT_NONE ? !all_fit(&md, x) : !all_fit(&md, top)) {
        explain_misfit(&md, policy == PS_CKPT_NONE ? x : top,
                       policy == PS_CKPT_NONE ? "without recomputation"
                                              : "even with full recomputation",
                       out->why, sizeof out->why);
        fill_layers(&md, policy, policy == PS_CKPT_NONE ? x : top, out);
        goto done;
    }
    out->fits = true;
    switch (policy) {
    case PS_CKPT_NONE:
        break;
    case PS_CKPT_FULL:
        x[0] = md.lmax;
        break;
    case PS_CKPT_UNIFORM:
        while (x[0] < md.lmax && !all_fit(&md, x))
            x[0]++;
        break;
    case PS_CKPT_ADAPTIVE: {
        /* the greedy first: GLPK's first incumbent, and the answer for big instances */
        greedy(&md, x);
        if (md.n_vars <= MAX_ILP_VARS && ilp) {
            struct ilp_out o = solve_ilp(&md, time_limit_s, ILP_GAP, x);
            out->used_ilp = o.solved;
            out->proved = o.proved;
            out->gap = o.gap;
        }
        break;
    }
    }
    fill_layers(&md, policy, x, out);
done:
    free(x);
    free(top);
    model_free(&md);
    return st;
}
