/* Solver parameters: key=value text given by the user, checked against a solver's
 * definitions (type, range, choices) and read back with the solver's defaults. */
#include "solvers/solver.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/suggest.h"

static const struct ps_param_def *find_def(const struct ps_solver *sv, const char *key)
{
    for (size_t i = 0; i < sv->n_params; i++)
        if (strcmp(sv->params[i].key, key) == 0)
            return &sv->params[i];
    return NULL;
}

static const char *find_value(const struct ps_params *p, const char *key)
{
    if (p == NULL)
        return NULL;
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->kv[i].key, key) == 0)
            return p->kv[i].value;
    return NULL;
}

/* Parses a whole string as a long; false on junk, empty text or overflow. */
static bool parse_long(const char *text, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    while (*end == ' ')
        end++;
    if (end == text || *end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (*end == ' ')
        end++;
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* true/false, 1/0, yes/no, on/off (any case). */
static bool parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "on"};
    static const char *const no[] = {"false", "0", "no", "off"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Is `text` one of the '|'-separated `choices`? */
static bool is_choice(const char *choices, const char *text)
{
    size_t n = strlen(text);
    const char *c = choices;
    while (c != NULL && *c != '\0') {
        const char *bar = strchr(c, '|');
        size_t len = bar != NULL ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, text, n) == 0)
            return true;
        c = bar != NULL ? bar + 1 : NULL;
    }
    return false;
}

/* A range is checked only when the definition gives one (max > min). */
static bool has_range(const struct ps_param_def *def)
{
    return def->max > def->min;
}

static void known_keys(const struct ps_solver *sv, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sv->n_params && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", sv->params[i].key);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static enum ps_status check_one(const struct ps_solver *sv, const struct ps_kv *kv,
                                struct ps_diag *d)
{
    char path[64];
    snprintf(path, sizeof path, "param.%s", kv->key);
    const struct ps_param_def *def = find_def(sv, kv->key);
    if (def == NULL) {
        if (sv->n_params == 0)
            return ps_diag_set(d, PS_EINVAL, path, "unknown parameter: schedule %s has none",
                               sv->name);
        char known[200];
        known_keys(sv, known, sizeof known);
        struct ps_suggest sg;
        ps_suggest_init(&sg, kv->key);
        for (size_t i = 0; i < sv->n_params; i++)
            ps_suggest_offer(&sg, sv->params[i].key);
        char hint[96];
        return ps_diag_set(d, PS_EINVAL, path, "unknown parameter of schedule %s; known: %s%s",
                           sv->name, known, ps_suggest_hint(&sg, hint, sizeof hint));
    }
    const char *v = kv->value;
    switch (def->type) {
    case PS_PARAM_INT: {
        long x;
        if (!parse_long(v, &x))
            return ps_diag_set(d, PS_EINVAL, path, "must be an integer (got \"%s\")", v);
        if (has_range(def) && ((double)x < def->min || (double)x > def->max))
            return ps_diag_set(d, PS_EINVAL, path, "must be within %g..%g (got %ld)", def->min,
                               def->max, x);
        break;
    }
    case PS_PARAM_FLOAT: {
        double x;
        if (!parse_double(v, &x))
            return ps_diag_set(d, PS_EINVAL, path, "must be a number (got \"%s\")", v);
        if (has_range(def) && (x < def->min || x > def->max))
            return ps_diag_set(d, PS_EINVAL, path, "must be within %g..%g (got %g)", def->min,
                               def->max, x);
        break;
    }
    case PS_PARAM_BOOL: {
        bool b;
        if (!parse_bool(v, &b))
            return ps_diag_set(d, PS_EINVAL, path, "must be true or false (got \"%s\")", v);
        break;
    }
    case PS_PARAM_CHOICE:
        if (!is_choice(def->choices, v))
            return ps_diag_set(d, PS_EINVAL, path, "must be one of %s (got \"%s\")", def->choices,
                               v);
        break;
    case PS_PARAM_LIST:
    case PS_PARAM_STRING:
        /* Free text: the solver parses it and names this same path on error. */
        break;
    }
    return PS_OK;
}

enum ps_status ps_params_check(const struct ps_solver *sv, const struct ps_params *p,
                               struct ps_diag *d)
{
    assert(sv != NULL);
    if (p == NULL)
        return PS_OK;
    for (int i = 0; i < p->n; i++) {
        enum ps_status st = check_one(sv, &p->kv[i], d);
        if (st != PS_OK)
            return st;
    }
    return PS_OK;
}

enum ps_status ps_params_set(struct ps_params *p, const char *key, const char *value)
{
    assert(p != NULL && key != NULL && value != NULL);
    if (key[0] == '\0' || strlen(key) >= sizeof p->kv[0].key ||
        strlen(value) >= sizeof p->kv[0].value)
        return PS_EINVAL;
    int i = 0;
    while (i < p->n && strcmp(p->kv[i].key, key) != 0)
        i++;
    if (i == p->n) {
        if (p->n == PS_PARAMS_MAX)
            return PS_EINVAL;
        p->n++;
    }
    snprintf(p->kv[i].key, sizeof p->kv[i].key, "%s", key);
    snprintf(p->kv[i].value, sizeof p->kv[i].value, "%s", value);
    return PS_OK;
}

enum ps_status ps_params_parse_kv(struct ps_params *p, const char *kv, struct ps_diag *d)
{
    assert(p != NULL && kv != NULL);
    const char *eq = strchr(kv, '=');
    if (eq == NULL || eq == kv)
        return ps_diag_set(d, PS_EINVAL, "param", "expected KEY=VALUE (got \"%s\")", kv);
    char key[sizeof p->kv[0].key];
    size_t klen = (size_t)(eq - kv);
    char path[64];
    if (klen >= sizeof key)
        return ps_diag_set(d, PS_EINVAL, "param", "parameter name too long (\"%.*s\")", (int)klen,
                           kv);
    memcpy(key, kv, klen);
    key[klen] = '\0';
    snprintf(path, sizeof path, "param.%s", key);
    if (strlen(eq + 1) >= sizeof p->kv[0].value)
        return ps_diag_set(d, PS_EINVAL, path, "value too long (at most %zu characters)",
                           sizeof p->kv[0].value - 1);
    if (ps_params_set(p, key, eq + 1) != PS_OK)
        return ps_diag_set(d, PS_EINVAL, path, "too many parameters (at most %d)", PS_PARAMS_MAX);
    return PS_OK;
}

const char *ps_params_get(const struct ps_solver *sv, const struct ps_params *p, const char *key)
{
    assert(sv != NULL && key != NULL);
    const struct ps_param_def *def = find_def(sv, key);
    if (def == NULL)
        return NULL;
    const char *v = find_value(p, key);
    return v != NULL ? v : def->def;
}

long ps_params_get_int(const struct ps_solver *sv, const struct ps_params *p, const char *key)
{
    const char *v = ps_params_get(sv, p, key);
    long x = 0;
    if (v != NULL && !parse_long(v, &x))
        x = 0;
    return x;
}

double ps_params_get_float(const struct ps_solver *sv, const struct ps_params *p, const char *key)
{
    const char *v = ps_params_get(sv, p, key);
    double x = 0;
    if (v != NULL && !parse_double(v, &x))
        x = 0;
    return x;
}

bool ps_params_get_bool(const struct ps_solver *sv, const struct ps_params *p, const char *key)
{
    const char *v = ps_params_get(sv, p, key);
    bool b = false;
    if (v != NULL && !parse_bool(v, &b))
        b = false;
    return b;
}
