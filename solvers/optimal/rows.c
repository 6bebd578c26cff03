/* GLPK rows for the optimal solver's formulations: rows are collected as (row, col,
 * value) triplets, with constants moved to the right-hand side, and loaded at once;
 * order literals ("a before b") become constants where the precedence graph decides them. */
#include "solvers/optimal/internal.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char opt_kind_ch[3] = {'F', 'B', 'W'};

static enum ps_status nz_reserve(struct model *m, size_t more)
{
    if (m->nz + more + 1 <= m->nz_cap)
        return PS_OK;
    size_t cap = m->nz_cap ? m->nz_cap : 4096;
    while (cap < m->nz + more + 1)
        cap *= 2;
    int *ia = realloc(m->ia, cap * sizeof *ia);
    if (ia == NULL)
        return PS_ENOMEM;
    m->ia = ia;
    int *ja = realloc(m->ja, cap * sizeof *ja);
    if (ja == NULL)
        return PS_ENOMEM;
    m->ja = ja;
    double *ar = realloc(m->ar, cap * sizeof *ar);
    if (ar == NULL)
        return PS_ENOMEM;
    m->ar = ar;
    m->nz_cap = cap;
    return PS_OK;
}

void opt_row_add(struct row *r, int col, double v)
{
    if (col <= 0 || v == 0)
        return;
    for (int i = 0; i < r->n; i++)
        if (r->cols[i] == col) {
            r->vals[i] += v;
            return;
        }
    for (int i = 0; i < r->xn; i++)
        if (r->xcols[i] == col) {
            r->xvals[i] += v;
            return;
        }
    if (r->n < 64) {
        r->cols[r->n] = col;
        r->vals[r->n++] = v;
        return;
    }
    if (r->xn == r->xcap) {
        int cap = r->xcap ? 2 * r->xcap : 64;
        int *c = realloc(r->xcols, (size_t)cap * sizeof *c);
        double *vv = c ? realloc(r->xvals, (size_t)cap * sizeof *vv) : NULL;
        if (c == NULL || vv == NULL) {
            if (c != NULL)
                r->xcols = c;
            r->oom = true;
            return;
        }
        r->xcols = c;
        r->xvals = vv;
        r->xcap = cap;
    }
    r->xcols[r->xn] = col;
    r->xvals[r->xn++] = v;
}

/* The order literal "a before b" on a device: a constant (precedence) or a
 * binary. Adds coef x literal to the row (constants go to rhs_shift). */
void opt_row_add_order(const struct model *m, struct row *r, int a, int b, double coef)
{
    const struct mop *oa = &m->ops[a], *ob = &m->ops[b];
    assert(oa->dev == ob->dev && a != b);
    if (reaches(m, a, b)) {
        r->rhs_shift += coef;
        return;
    }
    if (reaches(m, b, a))
        return;
    int n = m->dev_n[oa->dev];
    int col = m->pair[oa->dev][oa->local * n + ob->local];
    if (col > 0) {
        opt_row_add(r, col, coef);
    } else {
        /* stored on (b, a): a before b = 1 - x(b before a) */
        col = m->pair[oa->dev][ob->local * n + oa->local];
        assert(col > 0);
        r->rhs_shift += coef;
        opt_row_add(r, col, -coef);
    }
}

/* Adds sum(row) + rhs_shift in [lo, hi] (either may be +-HUGE_VAL). */
enum ps_status opt_row_end(struct model *m, struct row *r, double lo, double hi)
{
    enum ps_status st = PS_OK;
    if (r->oom) {
        st = PS_ENOMEM;
        goto out;
    }
    int n = r->n + r->xn;
    if (n == 0)
        goto out;
    if (nz_reserve(m, (size_t)n) != PS_OK) {
        st = PS_ENOMEM;
        goto out;
    }
    int row = glp_add_rows(m->lp, 1);
    for (int i = 0; i < r->n; i++) {
        m->nz++;
        m->ia[m->nz] = row;
        m->ja[m->nz] = r->cols[i];
        m->ar[m->nz] = r->vals[i];
    }
    for (int i = 0; i < r->xn; i++) {
        m->nz++;
        m->ia[m->nz] = row;
        m->ja[m->nz] = r->xcols[i];
        m->ar[m->nz] = r->xvals[i];
    }
    lo -= r->rhs_shift;
    hi -= r->rhs_shift;
    int type = lo == -HUGE_VAL ? (hi == HUGE_VAL ? GLP_FR : GLP_UP)
                               : (hi == HUGE_VAL ? GLP_LO : (lo == hi ? GLP_FX : GLP_DB));
    glp_set_row_bnds(m->lp, row, type, lo == -HUGE_VAL ? 0 : lo, hi == HUGE_VAL ? 0 : hi);
out:
    free(r->xcols);
    free(r->xvals);
    memset(r, 0, sizeof *r);
    return st;
}

void opt_row_drop(struct row *r)
{
    free(r->xcols);
    free(r->xvals);
    memset(r, 0, sizeof *r);
}

void opt_col_name(struct model *m, int col, bool names, const char *fmt, ...)
{
    if (!names)
        return;
    char buf[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    glp_set_col_name(m->lp, col, buf);
}

/* The makespan column, between lo and hi ms: in grid units and integer when the model
 * has a grid, so that GLPK may round its bounds. */
void opt_makespan_col(struct model *m, double lo, double hi, bool names)
{
    m->col_c = glp_add_cols(m->lp, 1);
    if (m->c_int) {
        lo = ceil(lo / m->c_unit_ms - 1e-6);
        hi = floor(hi / m->c_unit_ms + 1e-6);
        glp_set_col_kind(m->lp, m->col_c, GLP_IV);
    } else {
        lo /= m->c_unit_ms;
        hi /= m->c_unit_ms;
    }
    if (lo > hi)
        lo = hi;
    glp_set_col_bnds(m->lp, m->col_c, lo < hi ? GLP_DB : GLP_FX, lo, hi);
    glp_set_obj_coef(m->lp, m->col_c, 1.0);
    opt_col_name(m, m->col_c, names, "makespan");
}
