/* A sweep's points: --vary values expanded (lists, ranges, multiples of T_F), each path
 * classified (a scenario field, a calculator setting, a schedule parameter), every point
 * built from them, and the fingerprint that ties the shards of one sweep together. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/field.h"
#include "presets/presets.h"
#include "tui/cli/common.h"
#include "tui/cli/sweep.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool parse_number(const char *s, size_t len, double *out)
{
    char tmp[64];
    if (len == 0 || len >= sizeof(tmp))
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (*end != '\0' || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static int vary_push(struct sweep_vary *v, double num, const char *text)
{
    if (v->n == SWEEP_MAX_VALUES)
        return cli_usage("sweep", "sweep: --vary %s: more than %d values", v->path,
                         SWEEP_MAX_VALUES);
    if (text)
        snprintf(v->values[v->n], sizeof(v->values[0]), "%s", text);
    else
        snprintf(v->values[v->n], sizeof(v->values[0]), "%.10g", num);
    v->n++;
    return PS_EXIT_OK;
}

/* Expands one item: a value, START:STOP:STEP, or NUMx (times T_F, for _ms fields). */
static int parse_item(struct sweep_vary *v, const char *arg, const char *p, size_t len,
                      double t_f_ms)
{
    const char *c1 = memchr(p, ':', len);
    double a, b, step, x;
    int rc = PS_EXIT_OK;
    if (len == 0)
        return cli_usage("sweep", "sweep: --vary '%s': empty value", arg);
    if (len >= 64)
        return cli_usage("sweep", "sweep: --vary '%s': value too long", arg);
    if (c1) {
        const char *c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - p));
        if (!c2 || !parse_number(p, (size_t)(c1 - p), &a) ||
            !parse_number(c1 + 1, (size_t)(c2 - c1 - 1), &b) ||
            !parse_number(c2 + 1, len - (size_t)(c2 + 1 - p), &step) || step <= 0 || b < a)
            return cli_usage("sweep",
                             "sweep: --vary %s: range '%.*s': expected START:STOP:STEP with "
                             "STEP > 0 and STOP >= START",
                             v->path, (int)len, p);
        double count = floor((b - a) / step + 1e-9) + 1;
        if (count > SWEEP_MAX_VALUES)
            return cli_usage("sweep", "sweep: --vary %s: more than %d values", v->path,
                             SWEEP_MAX_VALUES);
        for (int i = 0; i < (int)count && rc == PS_EXIT_OK; i++)
            rc = vary_push(v, a + i * step, NULL);
        return rc;
    }
    if (p[len - 1] == 'x' && parse_number(p, len - 1, &x)) {
        if (!ends_with(v->path, "_ms"))
            return cli_usage("sweep", "sweep: --vary %s: '%.*s' (times T_F) is for _ms fields only",
                             v->path, (int)len, p);
        return vary_push(v, x * t_f_ms, NULL);
    }
    char text[64];
    memcpy(text, p, len);
    text[len] = '\0';
    return vary_push(v, 0, text);
}

/* Expands "PATH=a,b,START:STOP:STEP,2x". */
static int parse_vary(const char *arg, double t_f_ms, struct sweep_vary *v)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return cli_usage("sweep", "sweep: --vary '%s': expected PATH=V1,V2,...", arg);
    size_t plen = (size_t)(eq - arg);
    /* The path becomes a column name: struct ps_kv keys hold 31 characters. */
    if (plen >= sizeof(v->path))
        return cli_usage("sweep", "sweep: --vary '%s': path longer than %zu characters", arg,
                         sizeof(v->path) - 1);
    memcpy(v->path, arg, plen);
    v->path[plen] = '\0';
    v->values = calloc(SWEEP_MAX_VALUES, sizeof(*v->values));
    if (!v->values)
        return cli_fail("out of memory");
    for (const char *p = eq + 1;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int rc = parse_item(v, arg, p, len, t_f_ms);
        if (rc != PS_EXIT_OK)
            return rc;
        if (!comma)
            return PS_EXIT_OK;
        p = comma + 1;
    }
}

static bool solver_has_param(const struct ps_solver *sv, const char *key)
{
    for (size_t i = 0; i < sv->n_params; i++)
        if (strcmp(sv->params[i].key, key) == 0)
            return true;
    return false;
}

/* What a path varies (docs/cli.md, sweep): model.KEY / cluster.KEY for the calculator,
 * SCHEDULE.KEY or a bare parameter KEY for schedules, else a scenario field. */
static int classify(struct sweep *w, struct sweep_vary *v)
{
    const char *p = v->path, *dot = strchr(p, '.');
    bool model = strncmp(p, "model.", 6) == 0, cluster = strncmp(p, "cluster.", 8) == 0;
    if (model || cluster) {
        const char *key = p + (model ? 6 : 8);
        if (!w->o->so.src.model)
            return cli_usage("sweep",
                             "sweep: --vary %s: calculator settings need --model and --cluster", p);
        /* the brief's names for the two settings GeoPipe varies */
        if (strcmp(key, "microbatch_size") == 0)
            key = "mbs";
        else if (strcmp(key, "sequence_length") == 0)
            key = "seq";
        v->kind = model && ps_model_is_key(key) ? VARY_MODEL : VARY_CLUSTER;
        snprintf(v->key, sizeof v->key, "%s", key);
        w->calc = true;
        return PS_EXIT_OK;
    }
    if (dot) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(dot - p), p);
        const struct ps_solver *sv = ps_solver_find(name);
        if (sv) {
            bool listed = false;
            for (size_t i = 0; i < w->l->n; i++)
                listed |= w->l->sv[i] == sv;
            if (!listed)
                return cli_usage("sweep", "sweep: --vary %s: schedule %s is not compared", p,
                                 sv->name);
            if (!solver_has_param(sv, dot + 1))
                return cli_usage("sweep",
                                 "sweep: --vary %s: %s has no parameter '%s' (see: "
                                 "pipescope schedules)",
                                 p, sv->name, dot + 1);
            v->kind = VARY_PARAM;
            v->sv = sv;
            snprintf(v->key, sizeof v->key, "%s", dot + 1);
            return PS_EXIT_OK;
        }
    }
    struct ps_field_ref r;
    struct ps_diag d;
    if (ps_field_resolve(&w->base, p, &r, &d) != PS_OK) {
        for (size_t i = 0; i < w->l->n; i++)
            if (solver_has_param(w->l->sv[i], p)) {
                v->kind = VARY_PARAM;
                snprintf(v->key, sizeof v->key, "%s", p);
                return PS_EXIT_OK;
            }
    }
    v->kind = VARY_SCENARIO; /* a bad path fails when the points are built, naming it */
    return PS_EXIT_OK;
}

/* Which part of the pipeline's shape a --vary path changes: 1 the stage layout, 2 the
 * microbatches, 0 neither. */
static int vary_shape(const char *p)
{
    if (strcmp(p, "stages") == 0 || strcmp(p, "datacenters") == 0 ||
        (strncmp(p, "datacenters.", 12) == 0 && ends_with(p, ".stages")) ||
        strncmp(p, "compute.per_stage", 17) == 0)
        return 1;
    if (strcmp(p, "microbatches") == 0 || strncmp(p, "per_microbatch", 14) == 0)
        return 2;
    return 0;
}

/* Two --vary paths where the later can rewrite what the earlier set. */
static bool vary_overlap(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la < lb && strncmp(a, b, la) == 0 && b[la] == '.') ||
        (lb < la && strncmp(a, b, lb) == 0 && a[lb] == '.'))
        return true;
    return vary_shape(a) != 0 && vary_shape(a) == vary_shape(b);
}

int sweep_setup(struct sweep *w, const struct cli_compare_opts *o, struct cli_sched_list *l)
{
    memset(w, 0, sizeof(*w));
    w->o = o;
    w->l = l;
    int rc = ps_cli_scenario_resolve(&o->so, &w->base, NULL, 0);
    if (rc != PS_EXIT_OK)
        return rc;
    w->has_base = true;
    double t_f = ps_scenario_max_forward_ms(&w->base);
    w->points = 1;
    for (int k = 0; k < o->n_vary; k++) {
        struct sweep_vary *v = &w->vs[k];
        w->n_vary = k + 1; /* sweep_fini frees its values whatever happens below */
        if ((rc = parse_vary(o->vary[k], t_f, v)) != PS_EXIT_OK ||
            (rc = classify(w, v)) != PS_EXIT_OK)
            return rc;
        for (int j = 0; j < k; j++) {
            if (strcmp(w->vs[j].path, v->path) == 0)
                return cli_usage("sweep", "sweep: --vary %s given twice", v->path);
            if (v->kind == VARY_SCENARIO && w->vs[j].kind == VARY_SCENARIO &&
                vary_overlap(w->vs[j].path, v->path))
                fprintf(stderr,
                        "pipescope: sweep: note: --vary %s is applied after --vary %s and may "
                        "change what it set; the %s column shows the value asked for\n",
                        v->path, w->vs[j].path, w->vs[j].path);
        }
        w->points *= v->n;
        if (w->points > SWEEP_MAX_POINTS)
            return cli_usage("sweep", "sweep: more than %d points", SWEEP_MAX_POINTS);
    }
    return PS_EXIT_OK;
}

void sweep_fini(struct sweep *w)
{
    for (int k = 0; k < w->n_vary; k++)
        free(w->vs[k].values);
    if (w->has_base)
        ps_scenario_fini(&w->base);
    memset(w, 0, sizeof(*w));
}

static int point_fail(const struct sweep *w, const int *idx, const struct ps_diag *d,
                      const char *who)
{
    char where[512] = "", msg[1024];
    size_t used = 0;
    for (int j = 0; j < w->n_vary && used < sizeof(where); j++)
        used += (size_t)snprintf(where + used, sizeof(where) - used, "%s%s=%s", j ? ", " : "",
                                 w->vs[j].path, w->vs[j].values[idx[j]]);
    ps_diag_format(d, who, msg, sizeof(msg));
    return cli_fail("sweep: point %s: %s", where, msg);
}

/* The point's scenario: the base, or the calculator again with the point's settings. */
static int point_scenario(const struct sweep *w, const int *idx, struct ps_scenario *out)
{
    if (!w->calc)
        return ps_scenario_copy(out, &w->base) == PS_OK ? PS_EXIT_OK : cli_fail("out of memory");
    char over[CLI_MAX_VARY][96];
    const char *model_over[CLI_MAX_VARY], *cluster_over[CLI_MAX_VARY];
    int nm = 0, nc = 0;
    for (int k = 0; k < w->n_vary; k++) {
        const struct sweep_vary *v = &w->vs[k];
        if (v->kind != VARY_MODEL && v->kind != VARY_CLUSTER)
            continue;
        snprintf(over[k], sizeof over[k], "%s=%s", v->key, v->values[idx[k]]);
        if (v->kind == VARY_MODEL)
            model_over[nm++] = over[k];
        else
            cluster_over[nc++] = over[k];
    }
    struct ps_scenario_source src = w->o->so.src;
    src.on_note = NULL; /* the base scenario said them once */
    src.model_over = model_over;
    src.n_model_over = nm;
    src.cluster_over = cluster_over;
    src.n_cluster_over = nc;
    struct ps_diag d;
    if (ps_scenario_resolve(&src, out, &d) != PS_OK)
        return point_fail(w, idx, &d, NULL);
    return PS_EXIT_OK;
}

int sweep_point(const struct sweep *w, long point, struct ps_scenario *out,
                struct ps_params *params, int *idx)
{
    long rest = point;
    for (int k = w->n_vary - 1; k >= 0; k--) {
        idx[k] = (int)(rest % w->vs[k].n);
        rest /= w->vs[k].n;
    }
    int rc = point_scenario(w, idx, out);
    if (rc != PS_EXIT_OK)
        return rc;
    struct ps_diag d;
    for (int k = 0; k < w->n_vary; k++) {
        const struct sweep_vary *v = &w->vs[k];
        ps_diag_clear(&d);
        if (v->kind == VARY_SCENARIO &&
            ps_scenario_set_path(out, v->path, v->values[idx[k]], &d) != PS_OK) {
            ps_scenario_fini(out);
            return point_fail(w, idx, &d, NULL);
        }
    }
    for (size_t i = 0; i < w->l->n; i++) {
        params[i] = w->l->params[i];
        for (int k = 0; k < w->n_vary; k++) {
            const struct sweep_vary *v = &w->vs[k];
            if (v->kind != VARY_PARAM ||
                (v->sv ? v->sv != w->l->sv[i] : !solver_has_param(w->l->sv[i], v->key)))
                continue;
            if (ps_params_set(&params[i], v->key, v->values[idx[k]]) != PS_OK) {
                ps_scenario_fini(out);
                return cli_fail("sweep: %s: too many parameters", w->l->sv[i]->name);
            }
        }
        ps_diag_clear(&d);
        if (ps_params_check(w->l->sv[i], &params[i], &d) != PS_OK) {
            ps_scenario_fini(out);
            return point_fail(w, idx, &d, w->l->sv[i]->name);
        }
    }
    return PS_EXIT_OK;
}

/* FNV-1a, 64 bits: not cryptographic, only to tell the shards of two sweeps apart. */
static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(1099511628211);
    }
    return (h ^ 0xff) * UINT64_C(1099511628211); /* a separator between fields */
}

void sweep_fingerprint(const struct sweep *w, char *out)
{
    const struct cli_compare_opts *o = w->o;
    uint64_t h = UINT64_C(14695981039346656037);
    char *json = ps_scenario_to_json(&w->base);
    h = fnv(h, json ? json : "");
    free(json);
    h = fnv(h, o->so.src.model ? o->so.src.model : "");
    h = fnv(h, o->so.src.cluster ? o->so.src.cluster : "");
    for (int i = 0; i < o->so.src.n_sets; i++)
        h = fnv(h, o->so.src.sets[i]);
    for (size_t i = 0; i < w->l->n; i++) {
        h = fnv(h, w->l->sv[i]->name);
        for (int k = 0; k < w->l->params[i].n; k++) {
            h = fnv(h, w->l->params[i].kv[k].key);
            h = fnv(h, w->l->params[i].kv[k].value);
        }
    }
    for (int k = 0; k < w->n_vary; k++) {
        h = fnv(h, w->vs[k].path);
        for (int j = 0; j < w->vs[k].n; j++)
            h = fnv(h, w->vs[k].values[j]);
    }
    char misc[128];
    snprintf(misc, sizeof misc, "%.17g|%s|%s|%d", o->knee_eps, o->baseline ? o->baseline : "",
             o->format, o->no_timing);
    h = fnv(h, misc);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}
