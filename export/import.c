/* Reads a schedule file (SPEC 7) back: the scenario through the scenario parser, then
 * every op and transfer with the times the file states, placed per device in start-time
 * order. It checks only what it needs to hold the data safely (types, indices in range);
 * whether the times obey the model is ps_schedule_validate's job. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "core/io/json_scan.h"
#include "core/io/json.h"

#define P 160

/* ps_diag_set with a "base.key" or "base[i].key" path built on the fly. */
static enum ps_status fail_at(struct ps_diag *d, enum ps_status st, const char *base,
                              const char *key, const char *msg)
{
    char p[P];
    if (key == NULL)
        snprintf(p, sizeof p, "%s", base);
    else if (base[0] == '\0')
        snprintf(p, sizeof p, "%s", key);
    else
        snprintf(p, sizeof p, "%.100s.%.50s", base, key);
    return ps_diag_set(d, st, p, "%s", msg);
}

static enum ps_status get_num(const cJSON *obj, const char *key, const char *base, bool null_ok,
                              double *out, bool *is_null, struct ps_diag *d)
{
    char msg[80];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (is_null != NULL)
        *is_null = false;
    if (v == NULL)
        return fail_at(d, PS_EINVAL, base, key, "missing (required)");
    if (null_ok && cJSON_IsNull(v)) {
        *is_null = true;
        *out = NAN;
        return PS_OK;
    }
    if (!cJSON_IsNumber(v)) {
        snprintf(msg, sizeof msg, "must be a number (got %s)", ps_json_type_name(v));
        return fail_at(d, PS_EINVAL, base, key, msg);
    }
    if (!isfinite(v->valuedouble))
        return fail_at(d, PS_EINVAL, base, key, "must be a finite number");
    *out = v->valuedouble;
    return PS_OK;
}

static bool ms_in_range(double ms)
{
    return ms >= -1e12 && ms <= 1e12;
}

static enum ps_status get_int(const cJSON *obj, const char *key, const char *base, int lo, int hi,
                              int *out, struct ps_diag *d)
{
    char msg[96];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return fail_at(d, PS_EINVAL, base, key, "missing (required)");
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)) {
        snprintf(msg, sizeof msg, "must be an integer (got %s)", ps_json_type_name(v));
        return fail_at(d, PS_EINVAL, base, key, msg);
    }
    if (!(v->valuedouble >= lo && v->valuedouble <= hi)) {
        snprintf(msg, sizeof msg, "out of range (%d..%d)", lo, hi);
        return fail_at(d, PS_EINVAL, base, key, msg);
    }
    *out = (int)v->valuedouble;
    return PS_OK;
}

static enum ps_status get_str(const cJSON *obj, const char *key, const char *base, const char **out,
                              struct ps_diag *d)
{
    char msg[80];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return fail_at(d, PS_EINVAL, base, key, "missing (required)");
    if (!cJSON_IsString(v)) {
        snprintf(msg, sizeof msg, "must be a string (got %s)", ps_json_type_name(v));
        return fail_at(d, PS_EINVAL, base, key, msg);
    }
    *out = v->valuestring;
    return PS_OK;
}

static enum ps_status get_bool(const cJSON *obj, const char *key, const char *base, bool *out,
                               struct ps_diag *d)
{
    char msg[80];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return fail_at(d, PS_EINVAL, base, key, "missing (required)");
    if (!cJSON_IsBool(v)) {
        snprintf(msg, sizeof msg, "must be true or false (got %s)", ps_json_type_name(v));
        return fail_at(d, PS_EINVAL, base, key, msg);
    }
    *out = cJSON_IsTrue(v);
    return PS_OK;
}

static enum ps_status get_object(const cJSON *obj, const char *key, const char *base,
                                 const cJSON **out, struct ps_diag *d)
{
    char msg[80];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return fail_at(d, PS_EINVAL, base, key, "missing (required)");
    if (!cJSON_IsObject(v)) {
        snprintf(msg, sizeof msg, "must be an object (got %s)", ps_json_type_name(v));
        return fail_at(d, PS_EINVAL, base, key, msg);
    }
    *out = v;
    return PS_OK;
}

/* ---- the scanned arrays: the same checks and messages on flat records ---- */

static const char *const op_fields[] = {"kind",  "stage",    "chunk",  "microbatch", "part",
                                        "parts", "start_ms", "end_ms", NULL};
enum { OF_KIND, OF_STAGE, OF_CHUNK, OF_MB, OF_PART, OF_PARTS, OF_START, OF_END };
static const char *const xfer_fields[] = {"kind",   "from_stage", "to_stage",
                                          "chunk",  "microbatch", "start_ms",
                                          "end_ms", "arrive_ms",  NULL};
enum { XF_KIND, XF_FROM, XF_TO, XF_CHUNK, XF_MB, XF_START, XF_END, XF_ARRIVE };

static enum ps_status rget_ms(const struct js_record *r, int f, const char *base,
                              const char *const *fields, int64_t *out, struct ps_diag *d)
{
    char msg[80];
    if (r->type[f] == JS_MISSING)
        return fail_at(d, PS_EINVAL, base, fields[f], "missing (required)");
    if (r->type[f] != JS_NUMBER) {
        snprintf(msg, sizeof msg, "must be a number (got %s)", js_type_name(r->type[f]));
        return fail_at(d, PS_EINVAL, base, fields[f], msg);
    }
    if (!isfinite(r->num[f]))
        return fail_at(d, PS_EINVAL, base, fields[f], "must be a finite number");
    if (!ms_in_range(r->num[f]))
        return fail_at(d, PS_EINVAL, base, fields[f], "out of range (|ms| <= 1e12)");
    *out = ps_ms_to_ns(r->num[f]);
    return PS_OK;
}

static enum ps_status rget_int(const struct js_record *r, int f, const char *base,
                               const char *const *fields, int lo, int hi, int *out,
                               struct ps_diag *d)
{
    char msg[96];
    double x = r->num[f];
    if (r->type[f] == JS_MISSING)
        return fail_at(d, PS_EINVAL, base, fields[f], "missing (required)");
    if (r->type[f] != JS_NUMBER || x != floor(x)) {
        snprintf(msg, sizeof msg, "must be an integer (got %s)", js_type_name(r->type[f]));
        return fail_at(d, PS_EINVAL, base, fields[f], msg);
    }
    if (!(x >= lo && x <= hi)) {
        snprintf(msg, sizeof msg, "out of range (%d..%d)", lo, hi);
        return fail_at(d, PS_EINVAL, base, fields[f], msg);
    }
    *out = (int)x;
    return PS_OK;
}

/* Field 0 ("kind"): a string; NULL text when it is too long to be any known kind. */
static enum ps_status rget_kind(const struct js_record *r, const char *base, const char **out,
                                struct ps_diag *d)
{
    char msg[80];
    if (r->elem_type != JS_OBJECT) {
        snprintf(msg, sizeof msg, "must be an object (got %s)", js_type_name(r->elem_type));
        return fail_at(d, PS_EINVAL, base, NULL, msg);
    }
    if (r->type[0] == JS_MISSING)
        return fail_at(d, PS_EINVAL, base, "kind", "missing (required)");
    if (r->type[0] != JS_STRING) {
        snprintf(msg, sizeof msg, "must be a string (got %s)", js_type_name(r->type[0]));
        return fail_at(d, PS_EINVAL, base, "kind", msg);
    }
    *out = r->str_long ? "" : r->str;
    return PS_OK;
}

static enum ps_status want_array(const struct js_records *a, const char *key, struct ps_diag *d)
{
    char msg[80];
    if (a->type == JS_MISSING)
        return fail_at(d, PS_EINVAL, "", key, "missing (required)");
    if (a->type != JS_ARRAY) {
        snprintf(msg, sizeof msg, "must be an array (got %s)", js_type_name(a->type));
        return fail_at(d, PS_EINVAL, "", key, msg);
    }
    return PS_OK;
}

static enum ps_status read_solver(const cJSON *root, struct ps_schedule *s, struct ps_diag *d)
{
    const cJSON *so = NULL, *params = NULL;
    const char *status = NULL;
    double x;
    bool is_null;
    enum ps_status st;
    struct ps_solver_info *si = &s->solver;
    if ((st = get_object(root, "solver", "", &so, d)) ||
        (st = get_str(so, "status", "solver", &status, d)))
        return st;
    int parsed = ps_solve_status_parse(status);
    if (parsed < 0)
        return fail_at(d, PS_EINVAL, "solver", "status",
                       "unknown status (optimal, feasible, heuristic, infeasible, cancelled)");
    si->status = (enum ps_solve_status)parsed;
    if ((st = get_num(so, "objective_ms", "solver", true, &x, &is_null, d)))
        return st;
    if (!is_null && !ms_in_range(x))
        return fail_at(d, PS_EINVAL, "solver", "objective_ms", "out of range (|ms| <= 1e12)");
    si->objective_ns = is_null ? 0 : ps_ms_to_ns(x);
    if ((st = get_num(so, "bound_ms", "solver", true, &x, &is_null, d)))
        return st;
    if (!is_null && !ms_in_range(x))
        return fail_at(d, PS_EINVAL, "solver", "bound_ms", "out of range (|ms| <= 1e12)");
    si->bound_ns = is_null ? -1 : ps_ms_to_ns(x);
    if ((st = get_num(so, "gap", "solver", true, &x, &is_null, d)))
        return st;
    si->gap = is_null ? -1 : x;
    if ((st = get_num(so, "solve_ms", "solver", false, &si->solve_ms, NULL, d)))
        return st;
    params = cJSON_GetObjectItemCaseSensitive(so, "params");
    if (params == NULL || cJSON_IsNull(params))
        return PS_OK;
    if (!cJSON_IsObject(params))
        return fail_at(d, PS_EINVAL, "solver", "params", "must be an object");
    for (const cJSON *p = params->child; p != NULL; p = p->next) {
        char value[160], num[32];
        if (cJSON_IsString(p))
            snprintf(value, sizeof value, "%s", p->valuestring);
        else if (cJSON_IsNumber(p))
            snprintf(value, sizeof value, "%s", ps_json_number(p->valuedouble, num));
        else if (cJSON_IsBool(p))
            snprintf(value, sizeof value, "%s", cJSON_IsTrue(p) ? "true" : "false");
        else
            return fail_at(d, PS_EINVAL, "solver.params", p->string,
                           "must be a string or a number");
        if (si->n_params >= PS_PARAMS_MAX)
            return fail_at(d, PS_EINVAL, "solver", "params", "too many parameters");
        ps_schedule_set_param(s, p->string, value);
    }
    return PS_OK;
}

/* An op read from the file, before it is placed on its device. */
struct rop {
    struct ps_op op;
    size_t index; /* position in the file: ties in start time keep file order */
};

static int cmp_rop(const void *a, const void *b)
{
    const struct rop *x = a, *y = b;
    if (x->op.stage != y->op.stage)
        return x->op.stage < y->op.stage ? -1 : 1;
    if (x->op.start_ns != y->op.start_ns)
        return x->op.start_ns < y->op.start_ns ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static enum ps_status read_ops(const struct js_records *arr, struct ps_schedule *s,
                               struct ps_diag *d)
{
    int S = s->n_stages, M = s->n_microbatches, V = s->chunks;
    size_t n = arr->n, i;
    struct rop *all = n > 0 ? malloc(n * sizeof *all) : NULL;
    if (n > 0 && all == NULL)
        return ps_diag_set(d, PS_ENOMEM, "ops", NULL);
    enum ps_status st = PS_OK;
    for (i = 0; i < n; i++) {
        const struct js_record *e = &arr->r[i];
        char base[P];
        const char *kind;
        int stage, chunk, mb, part, parts;
        int64_t start, end;
        snprintf(base, sizeof base, "ops[%zu]", i);
        if ((st = rget_kind(e, base, &kind, d)))
            break;
        int k = ps_op_kind_parse(kind);
        if (k < 0) {
            st = fail_at(d, PS_EINVAL, base, "kind", "unknown op kind (F, B, W, R, AG, RS)");
            break;
        }
        bool dp = k == PS_OP_AG || k == PS_OP_RS;
        const char *const *F = op_fields;
        if ((st = rget_int(e, OF_STAGE, base, F, 0, S - 1, &stage, d)) ||
            (st = rget_int(e, OF_CHUNK, base, F, 0, V - 1, &chunk, d)) ||
            (st = rget_int(e, OF_MB, base, F, dp ? -1 : 0, dp ? -1 : M - 1, &mb, d)) ||
            (st = rget_int(e, OF_PARTS, base, F, 1, 255, &parts, d)) ||
            (st = rget_int(e, OF_PART, base, F, 0, parts - 1, &part, d)) ||
            (st = rget_ms(e, OF_START, base, F, &start, d)) ||
            (st = rget_ms(e, OF_END, base, F, &end, d)))
            break;
        if (end < start) {
            st = fail_at(d, PS_EINVAL, base, "end_ms", "must be >= start_ms");
            break;
        }
        struct ps_op *op = &all[i].op;
        memset(op, 0, sizeof *op);
        op->start_ns = start;
        op->end_ns = end;
        op->dur_ns = end - start;
        op->microbatch = mb;
        op->stage = (int16_t)stage;
        op->chunk = (uint8_t)chunk;
        op->kind = (uint8_t)k;
        op->part = (uint8_t)part;
        op->parts = (uint8_t)parts;
        all[i].index = i;
    }
    if (st != PS_OK) {
        free(all);
        return st;
    }
    if (n > 1)
        qsort(all, n, sizeof *all, cmp_rop);

    /* Count per device, then fill each order (compute) and lane (data parallel). */
    size_t *nc = calloc((size_t)S, sizeof *nc);
    if (nc == NULL && S > 0) {
        free(all);
        return ps_diag_set(d, PS_ENOMEM, "ops", NULL);
    }
    for (i = 0; i < n; i++) {
        const struct ps_op *op = &all[i].op;
        if (op->kind == PS_OP_AG || op->kind == PS_OP_RS) {
            if (s->dp_n[op->stage] >= 2 * (size_t)V) {
                char base[P];
                snprintf(base, sizeof base, "ops[%zu]", all[i].index);
                st = fail_at(d, PS_EINVAL, base, NULL,
                             "more than one AG and one RS per chunk on this stage");
                break;
            }
            s->dp_ops[op->stage][s->dp_n[op->stage]++] = *op;
        } else {
            nc[op->stage]++;
        }
    }
    for (int dv = 0; st == PS_OK && dv < S; dv++) {
        free(s->dev_ops[dv]);
        s->dev_ops[dv] = NULL;
        s->dev_n[dv] = s->dev_cap[dv] = 0;
        if (nc[dv] == 0)
            continue;
        s->dev_ops[dv] = malloc(nc[dv] * sizeof **s->dev_ops);
        if (s->dev_ops[dv] == NULL)
            st = ps_diag_set(d, PS_ENOMEM, "ops", NULL);
        else
            s->dev_cap[dv] = nc[dv];
    }
    for (i = 0; st == PS_OK && i < n; i++) {
        const struct ps_op *op = &all[i].op;
        if (op->kind != PS_OP_AG && op->kind != PS_OP_RS)
            s->dev_ops[op->stage][s->dev_n[op->stage]++] = *op;
    }
    free(nc);
    free(all);
    return st;
}

/* Producer end times, by (kind, virtual stage, microbatch): the last part of each F and B. */
struct pend {
    int64_t key, end_ns;
};

static int cmp_pend(const void *a, const void *b)
{
    const struct pend *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

static int64_t xkey(const struct ps_schedule *s, int kind, int vstage, int mb)
{
    return ((int64_t)kind * ps_schedule_vstages(s) + vstage) * s->n_microbatches + mb;
}

static int cmp_xfer(const void *a, const void *b)
{
    const struct ps_transfer *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->from_vstage != y->from_vstage)
        return x->from_vstage < y->from_vstage ? -1 : 1;
    return x->microbatch < y->microbatch ? -1 : x->microbatch > y->microbatch;
}

static enum ps_status read_transfers(const struct js_records *arr, struct ps_schedule *s,
                                     struct ps_diag *d)
{
    int S = s->n_stages, M = s->n_microbatches, V = s->chunks, SV = ps_schedule_vstages(s);
    size_t n = arr->n, i;
    free(s->transfers);
    s->transfers = n > 0 ? calloc(n, sizeof *s->transfers) : NULL;
    s->n_transfers = 0;
    if (n > 0 && s->transfers == NULL)
        return ps_diag_set(d, PS_ENOMEM, "transfers", NULL);

    /* Producer ends, to fill each transfer's ready time. */
    size_t np = 0;
    for (int dv = 0; dv < S; dv++)
        np += s->dev_n[dv];
    struct pend *pe = np > 0 ? malloc(np * sizeof *pe) : NULL;
    if (np > 0 && pe == NULL)
        return ps_diag_set(d, PS_ENOMEM, "transfers", NULL);
    np = 0;
    for (int dv = 0; dv < S; dv++)
        for (size_t j = 0; j < s->dev_n[dv]; j++) {
            const struct ps_op *op = &s->dev_ops[dv][j];
            if ((op->kind != PS_OP_F && op->kind != PS_OP_B) || op->part != op->parts - 1)
                continue;
            int v = ps_vstage_of(dv, op->chunk, S, V, s->traversal);
            pe[np].key = xkey(s, op->kind == PS_OP_F ? PS_XFER_ACTIVATION : PS_XFER_GRADIENT, v,
                              op->microbatch);
            pe[np++].end_ns = op->end_ns;
        }
    if (np > 1)
        qsort(pe, np, sizeof *pe, cmp_pend);

    enum ps_status st = PS_OK;
    for (i = 0; i < n; i++) {
        const struct js_record *e = &arr->r[i];
        char base[P], msg[96];
        const char *kind;
        int from, to, chunk, mb;
        struct ps_transfer *t = &s->transfers[i];
        snprintf(base, sizeof base, "transfers[%zu]", i);
        if ((st = rget_kind(e, base, &kind, d)))
            break;
        int k = strcmp(kind, "activation") == 0 ? PS_XFER_ACTIVATION
                : strcmp(kind, "gradient") == 0 ? PS_XFER_GRADIENT
                                                : -1;
        if (k < 0) {
            st = fail_at(d, PS_EINVAL, base, "kind", "must be \"activation\" or \"gradient\"");
            break;
        }
        const char *const *F = xfer_fields;
        if ((st = rget_int(e, XF_FROM, base, F, 0, S - 1, &from, d)) ||
            (st = rget_int(e, XF_TO, base, F, 0, S - 1, &to, d)) ||
            (st = rget_int(e, XF_CHUNK, base, F, 0, V - 1, &chunk, d)) ||
            (st = rget_int(e, XF_MB, base, F, 0, M - 1, &mb, d)) ||
            (st = rget_ms(e, XF_START, base, F, &t->start_ns, d)) ||
            (st = rget_ms(e, XF_END, base, F, &t->end_ns, d)) ||
            (st = rget_ms(e, XF_ARRIVE, base, F, &t->arrive_ns, d)))
            break;
        int v = ps_vstage_of(from, chunk, S, V, s->traversal);
        int dest = k == PS_XFER_ACTIVATION ? v + 1 : v - 1;
        if (dest < 0 || dest >= SV) {
            st = fail_at(d, PS_EINVAL, base, "kind",
                         k == PS_XFER_ACTIVATION ? "no activation leaves the last virtual stage"
                                                 : "no gradient leaves the first virtual stage");
            break;
        }
        int want = ps_vstage_device(dest, S, V, s->traversal);
        if (to != want) {
            snprintf(msg, sizeof msg, "must be %d (the device of virtual stage %d)", want, dest);
            st = fail_at(d, PS_EINVAL, base, "to_stage", msg);
            break;
        }
        t->kind = (uint8_t)k;
        t->from_stage = (int16_t)from;
        t->to_stage = (int16_t)to;
        t->chunk = (uint8_t)chunk;
        t->microbatch = mb;
        t->from_vstage = (int16_t)v;
        t->channel = -1;
        struct pend key = {xkey(s, k, v, mb), 0};
        const struct pend *hit = np > 0 ? bsearch(&key, pe, np, sizeof *pe, cmp_pend) : NULL;
        /* Without a producer in the file (validate reports it) the transfer is ready when
         * it starts. */
        t->ready_ns = hit != NULL ? hit->end_ns : t->start_ns;
        s->n_transfers++;
    }
    free(pe);
    if (st != PS_OK)
        return st;
    if (s->n_transfers > 1)
        qsort(s->transfers, s->n_transfers, sizeof *s->transfers, cmp_xfer);
    st = ps_schedule_assign_channels(s);
    if (st == PS_EINVAL)
        return ps_diag_set(d, st, "transfers", "a transfer between invalid stages");
    if (st != PS_OK)
        return ps_diag_set(d, st, "transfers", NULL);
    return PS_OK;
}

static enum ps_status read_metrics(const cJSON *root, struct ps_schedule *s,
                                   struct ps_recorded_metrics *rec, struct ps_diag *d)
{
    const cJSON *me = NULL;
    bool is_null;
    enum ps_status st;
    if ((st = get_object(root, "metrics", "", &me, d)) ||
        (st = get_num(me, "bubble_ratio", "metrics", true, &rec->bubble_ratio, &is_null, d)) ||
        (st = get_num(me, "lower_bound_ms", "metrics", false, &rec->lower_bound_ms, NULL, d)) ||
        (st = get_bool(me, "memory_ok", "metrics", &rec->memory_ok, d)))
        return st;
    if (!ms_in_range(rec->lower_bound_ms))
        return fail_at(d, PS_EINVAL, "metrics", "lower_bound_ms", "out of range (|ms| <= 1e12)");
    s->bubble_ratio = is_null ? 0 : rec->bubble_ratio;
    s->lower_bound_ns = ps_ms_to_ns(rec->lower_bound_ms);
    s->memory_ok = rec->memory_ok;
    const cJSON *peak = cJSON_GetObjectItemCaseSensitive(me, "peak_memory");
    if (peak != NULL && !cJSON_IsArray(peak))
        return fail_at(d, PS_EINVAL, "metrics", "peak_memory", "must be an array");
    if (peak != NULL && cJSON_GetArraySize(peak) == s->n_stages) {
        int i = 0;
        for (const cJSON *e = peak->child; e != NULL; e = e->next, i++) {
            char base[P];
            snprintf(base, sizeof base, "metrics.peak_memory[%d]", i);
            if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble))
                return fail_at(d, PS_EINVAL, base, NULL, "must be a number");
            s->peak_memory[i] = e->valuedouble;
        }
    }
    return PS_OK;
}

/* The scenario's provenance, when the file has it (files from before 0.2 do not): where it
 * came from and its edits go back into the scenario, so that a file read and written again
 * says the same. */
static enum ps_status read_provenance(const cJSON *root, struct ps_scenario *sc, struct ps_diag *d)
{
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(root, "provenance");
    if (pv == NULL || cJSON_IsNull(pv))
        return PS_OK;
    if (!cJSON_IsObject(pv))
        return ps_diag_set(d, PS_EINVAL, "provenance", "must be an object (got %s)",
                           ps_json_type_name(pv));
    const cJSON *origin = cJSON_GetObjectItemCaseSensitive(pv, "origin");
    if (origin != NULL && !cJSON_IsNull(origin) && !cJSON_IsString(origin))
        return ps_diag_set(d, PS_EINVAL, "provenance.origin", "must be a string or null");
    if (ps_scenario_set_origin(sc, cJSON_IsString(origin) ? origin->valuestring : NULL) != PS_OK)
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    const cJSON *edits = cJSON_GetObjectItemCaseSensitive(pv, "edits");
    if (edits == NULL || cJSON_IsNull(edits))
        return PS_OK;
    if (!cJSON_IsArray(edits))
        return ps_diag_set(d, PS_EINVAL, "provenance.edits", "must be an array of strings");
    size_t len = 0;
    for (const cJSON *e = edits->child; e != NULL; e = e->next) {
        if (!cJSON_IsString(e) || strchr(e->valuestring, '\n') || !strchr(e->valuestring, '='))
            return ps_diag_set(d, PS_EINVAL, "provenance.edits",
                               "must hold PATH=VALUE strings, one line each");
        len += strlen(e->valuestring) + 1;
    }
    if (len == 0)
        return PS_OK;
    sc->edits = malloc(len);
    if (sc->edits == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    size_t at = 0;
    for (const cJSON *e = edits->child; e != NULL; e = e->next) {
        size_t n = strlen(e->valuestring);
        memcpy(sc->edits + at, e->valuestring, n);
        at += n;
        sc->edits[at++] = e->next ? '\n' : '\0';
    }
    return PS_OK;
}

static enum ps_status import(const cJSON *root, const struct js_records *ops,
                             const struct js_records *xfers, struct ps_loaded_schedule *out,
                             struct ps_recorded_metrics *rec, struct ps_diag *d)
{
    const char *format = NULL, *name = NULL, *trav = NULL;
    int chunks = 1;
    bool split, is_null;
    enum ps_status st;
    if (!cJSON_IsObject(root))
        return ps_diag_set(d, PS_EINVAL, "(top level)", "must be an object (got %s)",
                           ps_json_type_name(root));
    if ((st = get_str(root, "format", "", &format, d)))
        return st;
    if (strcmp(format, PS_SCHEDULE_FORMAT) != 0)
        return ps_diag_set(d, PS_EINVAL, "format", "unsupported format '%.64s' (expected \"%s\")",
                           format, PS_SCHEDULE_FORMAT);
    const cJSON *scj = cJSON_GetObjectItemCaseSensitive(root, "scenario");
    if (scj == NULL)
        return ps_diag_set(d, PS_EINVAL, "scenario", "missing (required)");
    if ((st = ps_scenario_from_cjson(scj, "scenario", false, &out->sc, d)) ||
        (st = read_provenance(root, &out->sc, d)))
        return st;
    if ((st = get_str(root, "schedule", "", &name, d)) ||
        (st = get_int(root, "chunks", "", 1, PS_MAX_CHUNKS, &chunks, d)) ||
        (st = get_str(root, "traversal", "", &trav, d)) ||
        (st = get_bool(root, "split_backward", "", &split, d)))
        return st;
    if (strlen(name) >= PS_SCHED_NAME_MAX)
        return ps_diag_set(d, PS_EINVAL, "schedule", "too long (at most %d characters)",
                           PS_SCHED_NAME_MAX - 1);
    int tr = ps_traversal_parse(trav);
    if (tr < 0)
        return ps_diag_set(d, PS_EINVAL, "traversal", "must be \"loop\" or \"wave\"");
    if (tr == PS_TRAVERSAL_WAVE && chunks != 2)
        return ps_diag_set(d, PS_EINVAL, "chunks", "must be 2 for the wave traversal");
    out->sched = ps_schedule_new(&out->sc, name, chunks, (enum ps_traversal)tr, split);
    if (out->sched == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    struct ps_schedule *s = out->sched;

    double makespan;
    if ((st = read_solver(root, s, d)) ||
        (st = get_num(root, "makespan_ms", "", true, &makespan, &is_null, d)) ||
        (st = read_metrics(root, s, rec, d)) || (st = want_array(ops, "ops", d)) ||
        (st = want_array(xfers, "transfers", d)))
        return st;
    /* No result: infeasible, or cancelled before any schedule was found. */
    bool infeasible = s->solver.status == PS_SOLVE_INFEASIBLE;
    bool cancelled = s->solver.status == PS_SOLVE_CANCELLED;
    if (is_null && !infeasible && !cancelled)
        return ps_diag_set(d, PS_EINVAL, "makespan_ms", "must be a number (got null)");
    if (!is_null && (makespan < 0 || makespan > 1e12))
        return ps_diag_set(d, PS_EINVAL, "makespan_ms", "out of range");
    rec->makespan_ms = makespan;
    s->makespan_ns = is_null ? 0 : ps_ms_to_ns(makespan);
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (err != NULL && !cJSON_IsNull(err)) {
        if (!cJSON_IsString(err))
            return ps_diag_set(d, PS_EINVAL, "error", "must be a string");
        snprintf(s->solver.error, sizeof s->solver.error, "%s", err->valuestring);
    }
    if ((st = read_ops(ops, s, d)) || (st = read_transfers(xfers, s, d)))
        return st;
    s->timed = !infeasible && !is_null;
    return PS_OK;
}

enum ps_status ps_import_schedule_json(const char *text, size_t len, struct ps_loaded_schedule *out,
                                       struct ps_recorded_metrics *recorded, struct ps_diag *d)
{
    struct ps_recorded_metrics dummy;
    struct ps_recorded_metrics *rec = recorded != NULL ? recorded : &dummy;
    memset(rec, 0, sizeof *rec);
    ps_scenario_init(&out->sc);
    out->sched = NULL;
    ps_diag_clear(d);
    cJSON *root;
    struct js_records ops = {0}, xfers = {0};
    const struct js_array_spec specs[] = {{"ops", op_fields, &ops},
                                          {"transfers", xfer_fields, &xfers}};
    enum ps_status st = js_scan_top(text, len, specs, 2, &root, d);
    if (st != PS_OK)
        return st;
    st = import(root, &ops, &xfers, out, rec, d);
    cJSON_Delete(root);
    js_records_fini(&ops);
    js_records_fini(&xfers);
    if (st != PS_OK)
        ps_loaded_schedule_fini(out);
    return st;
}

void ps_loaded_schedule_fini(struct ps_loaded_schedule *ls)
{
    ps_schedule_free(ls->sched);
    ls->sched = NULL;
    ps_scenario_fini(&ls->sc);
}
