/* Typed edits of scenario fields: a value (or text with a unit, or a step on the field's
 * ladder) applied to a copy, the copy validated whole, and only then the scenario replaced.
 * The one resize rule for datacenters, stages and microbatches lives here too. */
#include "core/field.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SC(member) offsetof(struct ps_scenario, member)

static void note_set(char *note, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void note_set(char *note, size_t size, const char *fmt, ...)
{
    if (note == NULL || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, size, fmt, ap);
    va_end(ap);
}

static void put(void *base, size_t offset, double v)
{
    memcpy((char *)base + offset, &v, sizeof v);
}

static double get(const void *base, size_t offset)
{
    double v;
    memcpy(&v, (const char *)base + offset, sizeof v);
    return v;
}

/* Replaces sc with tmp when tmp validates; frees tmp otherwise. */
static enum ps_status commit(struct ps_scenario *sc, struct ps_scenario *tmp, struct ps_diag *d)
{
    enum ps_status st = ps_scenario_validate(tmp, d);
    if (st != PS_OK) {
        ps_scenario_fini(tmp);
        return st;
    }
    ps_scenario_fini(sc);
    *sc = *tmp;
    return PS_OK;
}

/* ---- the resize rule ------------------------------------------------------------------- */

static void unique_dc_name(struct ps_dc *dcs, int i)
{
    for (int k = i;; k++) {
        snprintf(dcs[i].name, sizeof dcs[i].name, "dc%d", k);
        bool clash = false;
        for (int j = 0; j < i && !clash; j++)
            clash = strcmp(dcs[j].name, dcs[i].name) == 0;
        if (!clash)
            return;
    }
}

/* Per-stage times for the new datacenter layout (see ps_scenario_reshape). */
static struct ps_compute *reshape_per_stage(const struct ps_scenario *old, int n_dcs,
                                            const int *dc_stages, int s_total)
{
    struct ps_compute *ps = malloc((size_t)s_total * sizeof *ps);
    if (ps == NULL)
        return NULL;
    if (s_total == old->n_stages) {
        memcpy(ps, old->per_stage, (size_t)s_total * sizeof *ps);
        return ps;
    }
    int at = 0;
    for (int i = 0; i < n_dcs; i++) {
        /* A datacenter that is new continues from the last stage before it. */
        int first = i < old->n_dcs ? ps_scenario_dc_first_stage(old, i) : old->n_stages;
        int had = i < old->n_dcs ? old->dcs[i].stages : 0;
        for (int k = 0; k < dc_stages[i]; k++) {
            int src = k < had ? first + k : (had > 0 ? first + had - 1 : at > 0 ? -1 : 0);
            ps[at] = src >= 0 ? old->per_stage[src] : ps[at - 1];
            at++;
        }
    }
    return ps;
}

static enum ps_status reshape(struct ps_scenario *sc, int n_dcs, const int *dc_stages, int m,
                              struct ps_diag *d)
{
    if (n_dcs < 1 || n_dcs > PS_MAX_DCS)
        return ps_diag_set(d, PS_EINVAL, "datacenters", "must be between 1 and %d (got %d)",
                           PS_MAX_DCS, n_dcs);
    long s_total = 0;
    for (int i = 0; i < n_dcs; i++) {
        if (dc_stages[i] < 1 || dc_stages[i] > PS_MAX_STAGES) {
            char p[64];
            snprintf(p, sizeof p, "datacenters.%d.stages", i);
            return ps_diag_set(d, PS_EINVAL, p, "must be between 1 and %d (got %d)", PS_MAX_STAGES,
                               dc_stages[i]);
        }
        s_total += dc_stages[i];
    }
    if (s_total > PS_MAX_STAGES)
        return ps_diag_set(d, PS_EINVAL, "stages",
                           "the datacenters' stages would add up to %ld (at most %d)", s_total,
                           PS_MAX_STAGES);
    if (m < 1 || m > PS_MAX_MICROBATCHES)
        return ps_diag_set(d, PS_EINVAL, "microbatches", "must be between 1 and %d (got %d)",
                           PS_MAX_MICROBATCHES, m);
    struct ps_scenario tmp;
    if (ps_scenario_copy(&tmp, sc) != PS_OK)
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    struct ps_dc *dcs = calloc((size_t)n_dcs, sizeof *dcs);
    struct ps_compute *ps =
        sc->per_stage != NULL ? reshape_per_stage(sc, n_dcs, dc_stages, (int)s_total) : NULL;
    struct ps_mb_scale *pm = NULL;
    if (sc->per_microbatch != NULL) {
        pm = malloc((size_t)m * sizeof *pm);
        if (pm != NULL)
            for (int i = 0; i < m; i++)
                pm[i] = i < sc->n_microbatches ? sc->per_microbatch[i]
                                               : (struct ps_mb_scale){.compute_scale = 1.0,
                                                                      .activation_scale = 1.0,
                                                                      .memory_scale = 1.0};
    }
    if (dcs == NULL || (sc->per_stage != NULL && ps == NULL) ||
        (sc->per_microbatch != NULL && pm == NULL)) {
        free(dcs);
        free(ps);
        free(pm);
        ps_scenario_fini(&tmp);
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    }
    for (int i = 0; i < n_dcs; i++) {
        if (i < sc->n_dcs) {
            dcs[i] = sc->dcs[i];
        } else {
            dcs[i].compute_scale = 1.0;
            unique_dc_name(dcs, i);
        }
        dcs[i].stages = dc_stages[i];
    }
    free(tmp.dcs);
    free(tmp.per_stage);
    free(tmp.per_microbatch);
    /* per-stage memory and recomputation of microbatches: kept where the shape holds (the
     * same stages), dropped otherwise (a workload derives them again) */
    if (tmp.mb_stage != NULL && ((int)s_total != sc->n_stages || pm == NULL)) {
        free(tmp.mb_stage);
        tmp.mb_stage = NULL;
    } else if (tmp.mb_stage != NULL && m != sc->n_microbatches) {
        struct ps_mb_stage *e = calloc((size_t)m * (size_t)s_total, sizeof *e);
        if (e != NULL) {
            int keep = m < sc->n_microbatches ? m : sc->n_microbatches;
            memcpy(e, tmp.mb_stage, (size_t)keep * (size_t)s_total * sizeof *e);
        }
        free(tmp.mb_stage);
        tmp.mb_stage = e;
    }
    tmp.dcs = dcs;
    tmp.n_dcs = n_dcs;
    tmp.per_stage = ps;
    tmp.per_microbatch = pm;
    tmp.n_stages = (int)s_total;
    tmp.n_microbatches = m;
    int kept = 0;
    for (int i = 0; i < tmp.n_pairs; i++)
        if (tmp.pairs[i].from < n_dcs && tmp.pairs[i].to < n_dcs)
            tmp.pairs[kept++] = tmp.pairs[i];
    tmp.n_pairs = kept;
    return commit(sc, &tmp, d);
}

/* S stages spread over n datacenters as evenly as possible, the first ones taking the rest. */
static void spread(int s, int n, int *out)
{
    for (int i = 0; i < n; i++)
        out[i] = s / n + (i < s % n ? 1 : 0);
}

static void layout_text(const struct ps_scenario *sc, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < sc->n_dcs && used + 12 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%d", i ? "+" : "", sc->dcs[i].stages);
}

static enum ps_status set_count(struct ps_scenario *sc, const struct ps_field_ref *r, long v,
                                char *note, size_t note_size, struct ps_diag *d)
{
    char path[64];
    ps_field_path(sc, r, path, sizeof path);
    int counts[PS_MAX_DCS];
    for (int i = 0; i < sc->n_dcs; i++)
        counts[i] = sc->dcs[i].stages;
    if (r->def->scope == PS_SCOPE_DC) {
        long room = PS_MAX_STAGES - (sc->n_stages - counts[r->index]);
        if (v < 1 || v > room)
            return ps_diag_set(d, PS_EINVAL, path,
                               "must be between 1 and %ld (S at most %d) (got %ld)", room,
                               PS_MAX_STAGES, v);
        counts[r->index] = (int)v;
        return reshape(sc, sc->n_dcs, counts, sc->n_microbatches, d);
    }
    if (strcmp(r->def->path, "microbatches") == 0) {
        if (v < 1 || v > PS_MAX_MICROBATCHES)
            return ps_diag_set(d, PS_EINVAL, path, "must be between 1 and %d (got %ld)",
                               PS_MAX_MICROBATCHES, v);
        return reshape(sc, sc->n_dcs, counts, (int)v, d);
    }
    /* stages: spread over the datacenters as they are. */
    if (v < sc->n_dcs || v > PS_MAX_STAGES)
        return ps_diag_set(d, PS_EINVAL, path,
                           "must be between %d (one per datacenter) and %d (got %ld)", sc->n_dcs,
                           PS_MAX_STAGES, v);
    spread((int)v, sc->n_dcs, counts);
    enum ps_status st = reshape(sc, sc->n_dcs, counts, sc->n_microbatches, d);
    if (st == PS_OK && sc->n_dcs > 1) {
        char lay[128];
        layout_text(sc, lay, sizeof lay);
        note_set(note, note_size, "the datacenters now have %s stages", lay);
    }
    return st;
}

/* "datacenters=N" keeps S and spreads it over N datacenters; "4+4" gives the counts. */
static enum ps_status set_layout(struct ps_scenario *sc, const char *text, char *note,
                                 size_t note_size, struct ps_diag *d)
{
    int counts[PS_MAX_DCS], n = 0;
    if (strchr(text, '+') == NULL) {
        char *end;
        errno = 0;
        long want = strtol(text, &end, 10);
        if (end == text || *end != '\0' || errno != 0 || want < 1 || want > PS_MAX_DCS)
            return ps_diag_set(d, PS_EINVAL, "datacenters",
                               "expected a datacenter count 1..%d or stage counts like 4+4 (got "
                               "'%.40s')",
                               PS_MAX_DCS, text);
        if (sc->n_stages < want)
            return ps_diag_set(d, PS_EINVAL, "datacenters",
                               "%ld datacenters need at least %ld stages (the scenario has %d; "
                               "set stages first, or give stage counts like 4+4)",
                               want, want, sc->n_stages);
        n = (int)want;
        spread(sc->n_stages, n, counts);
    } else {
        for (const char *p = text;;) {
            char *end;
            errno = 0;
            long v = strtol(p, &end, 10);
            if (end == p || !isdigit((unsigned char)*p) || errno != 0 || v < 1 ||
                v > PS_MAX_STAGES || n == PS_MAX_DCS || (*end != '\0' && *end != '+'))
                return ps_diag_set(d, PS_EINVAL, "datacenters",
                                   "expected stage counts like 4+4 (got '%.40s')", text);
            counts[n++] = (int)v;
            if (*end == '\0')
                break;
            p = end + 1;
        }
    }
    enum ps_status st = reshape(sc, n, counts, sc->n_microbatches, d);
    if (st == PS_OK) {
        char lay[128];
        layout_text(sc, lay, sizeof lay);
        note_set(note, note_size, "%d stage%s over %d datacenter%s: %s", sc->n_stages,
                 sc->n_stages == 1 ? "" : "s", sc->n_dcs, sc->n_dcs == 1 ? "" : "s", lay);
    }
    return st;
}

/* ---- numbers --------------------------------------------------------------------------- */

static enum ps_status check_range(const struct ps_scenario *sc, const struct ps_field_ref *r,
                                  double v, struct ps_diag *d)
{
    const struct ps_field_def *f = r->def;
    char path[96];
    ps_field_path(sc, r, path, sizeof path);
    if (!isfinite(v))
        return ps_diag_set(d, PS_EINVAL, path, "must be a finite number (got %g)", v);
    if (f->min_open ? !(v > f->min) : !(v >= f->min))
        return ps_diag_set(d, PS_EINVAL, path, "must be %s %g (got %g)",
                           f->min_open ? ">" : ">=", f->min, v);
    if (v > f->max)
        return ps_diag_set(d, PS_EINVAL, path, "must be <= %g (got %g)", f->max, v);
    return PS_OK;
}

/* A global time with per-stage times: the stages keep their proportions. */
static void scale_per_stage(struct ps_scenario *tmp, const struct ps_field_def *f, double old,
                            double v, char *note, size_t note_size)
{
    size_t off = f->offset - SC(compute);
    const char *what = strstr(f->path, "forward")    ? "forward"
                       : strstr(f->path, "backward") ? "backward"
                                                     : "weight";
    for (int s = 0; s < tmp->n_stages; s++) {
        double cur = get(&tmp->per_stage[s], off);
        put(&tmp->per_stage[s], off, old > 0 ? cur * (v / old) : v);
    }
    if (old > 0)
        note_set(note, note_size,
                 "per-stage times override %s: the %d per-stage %s times were scaled by %.4g",
                 f->path, tmp->n_stages, what, v / old);
    else
        note_set(note, note_size, "per-stage times override %s: all %d per-stage %s times set",
                 f->path, tmp->n_stages, what);
}

static void note_pairs(const struct ps_scenario *sc, const struct ps_field_def *f, char *note,
                       size_t note_size)
{
    bool latency = strstr(f->path, "latency") != NULL;
    int own = 0;
    for (int i = 0; i < sc->n_pairs; i++)
        own += latency ? sc->pairs[i].has_latency : sc->pairs[i].has_bandwidth;
    if (own > 0)
        note_set(note, note_size, "%d DC pair%s set%s %s own %s and keep%s it", own,
                 own == 1 ? "" : "s", own == 1 ? "s" : "", own == 1 ? "its" : "their",
                 latency ? "latency" : "bandwidth", own == 1 ? "s" : "");
}

static enum ps_status ensure_per_stage(struct ps_scenario *tmp)
{
    if (tmp->per_stage != NULL)
        return PS_OK;
    tmp->per_stage = malloc((size_t)tmp->n_stages * sizeof *tmp->per_stage);
    if (tmp->per_stage == NULL)
        return PS_ENOMEM;
    for (int s = 0; s < tmp->n_stages; s++)
        tmp->per_stage[s] = tmp->compute;
    return PS_OK;
}

static enum ps_status ensure_per_microbatch(struct ps_scenario *tmp)
{
    if (tmp->per_microbatch != NULL)
        return PS_OK;
    tmp->per_microbatch = malloc((size_t)tmp->n_microbatches * sizeof *tmp->per_microbatch);
    if (tmp->per_microbatch == NULL)
        return PS_ENOMEM;
    for (int m = 0; m < tmp->n_microbatches; m++)
        tmp->per_microbatch[m] = (struct ps_mb_scale){
            .compute_scale = 1.0, .activation_scale = 1.0, .memory_scale = 1.0};
    return PS_OK;
}

/* Sets a NUMBER field's value in tmp (a copy). */
static enum ps_status put_number(struct ps_scenario *tmp, const struct ps_field_ref *r, double v,
                                 char *note, size_t note_size)
{
    const struct ps_field_def *f = r->def;
    switch (f->scope) {
    case PS_SCOPE_DC:
        put(&tmp->dcs[r->index], f->offset, v);
        return PS_OK;
    case PS_SCOPE_PAIR:
        return ps_scenario_set_pair(tmp, r->index, r->index2,
                                    f->offset == offsetof(struct ps_link, latency_ms), v);
    case PS_SCOPE_STAGE:
        if (ensure_per_stage(tmp) != PS_OK)
            return PS_ENOMEM;
        put(&tmp->per_stage[r->index], f->offset, v);
        return PS_OK;
    case PS_SCOPE_MICROBATCH:
        if (ensure_per_microbatch(tmp) != PS_OK)
            return PS_ENOMEM;
        if (f->offset == offsetof(struct ps_mb_scale, memory_scale))
            tmp->per_microbatch[r->index].has_memory_scale = true;
        put(&tmp->per_microbatch[r->index], f->offset, v);
        return PS_OK;
    default:
        break;
    }
    if ((f->flags & PS_FIELD_OVERRIDEN) && f->offset >= SC(compute) &&
        f->offset < SC(compute) + sizeof(struct ps_compute) && tmp->per_stage != NULL)
        scale_per_stage(tmp, f, get(tmp, f->offset), v, note, note_size);
    if ((f->flags & PS_FIELD_OVERRIDEN) && f->offset >= SC(inter_dc) &&
        f->offset < SC(inter_dc) + sizeof(struct ps_link))
        note_pairs(tmp, f, note, note_size);
    if ((f->offset == SC(allgather_ms) || f->offset == SC(reduce_scatter_ms)) &&
        !tmp->has_data_parallel) {
        tmp->has_data_parallel = true;
        tmp->allgather_ms = tmp->reduce_scatter_ms = 0;
    }
    put(tmp, f->offset, v);
    return PS_OK;
}

/* ---- choices -------------------------------------------------------------------------- */

static int choice_count(const struct ps_field_def *f)
{
    int n = 0;
    while (f->ladder->words[n] != NULL)
        n++;
    return n;
}

static void choice_list(const struct ps_field_def *f, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; f->ladder->words[i] != NULL && used < size; i++)
        used +=
            (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", f->ladder->words[i]);
}

static enum ps_status set_choice(struct ps_scenario *sc, const struct ps_field_ref *r, int index,
                                 struct ps_diag *d)
{
    struct ps_scenario tmp;
    if (ps_scenario_copy(&tmp, sc) != PS_OK)
        return ps_diag_set(d, PS_ENOMEM, r->def->path, NULL);
    memcpy((char *)&tmp + r->def->offset, &index, sizeof index);
    return commit(sc, &tmp, d);
}

/* A CHOICE from text: one of its words in any case (a JSON string loses its quotes). */
static enum ps_status set_choice_text(struct ps_scenario *sc, const struct ps_field_ref *r,
                                      const char *path, const char *text, struct ps_diag *d)
{
    size_t len = strlen(text);
    if (len >= 2 && text[0] == '"' && text[len - 1] == '"') {
        text++;
        len -= 2;
    }
    for (int i = 0; r->def->ladder->words[i] != NULL; i++)
        if (strlen(r->def->ladder->words[i]) == len &&
            strncasecmp(r->def->ladder->words[i], text, len) == 0)
            return set_choice(sc, r, i, d);
    char list[160];
    choice_list(r->def, list, sizeof list);
    return ps_diag_set(d, PS_EINVAL, path, "must be one of %s (got '%.*s')", list,
                       (int)(len > 60 ? 60 : len), text);
}

static enum ps_status set_number(struct ps_scenario *sc, const struct ps_field_ref *r, double v,
                                 char *note, size_t note_size, struct ps_diag *d)
{
    const struct ps_field_def *f = r->def;
    char path[96];
    ps_field_path(sc, r, path, sizeof path);
    note_set(note, note_size, "%s", "");
    ps_diag_clear(d);
    if (f->type == PS_FIELD_COUNT) {
        if (!isfinite(v) || v != floor(v))
            return ps_diag_set(d, PS_EINVAL, path, "must be a whole number (got %g)", v);
        return set_count(sc, r,
                         v > 1e9    ? 1000000000L
                         : v < -1e9 ? -1000000000L
                                    : (long)v,
                         note, note_size, d);
    }
    if (f->type == PS_FIELD_CHOICE) {
        if (!(v >= 0 && v < choice_count(f) && v == floor(v))) {
            char list[160];
            choice_list(f, list, sizeof list);
            return ps_diag_set(d, PS_EINVAL, path, "must be one of %s (index 0..%d, got %g)", list,
                               choice_count(f) - 1, v);
        }
        return set_choice(sc, r, (int)v, d);
    }
    if (f->type != PS_FIELD_NUMBER && f->type != PS_FIELD_LIMIT)
        return ps_diag_set(d, PS_EINVAL, path, "takes text, not a number");
    if (!(f->type == PS_FIELD_LIMIT && isnan(v))) {
        enum ps_status st = check_range(sc, r, v, d);
        if (st != PS_OK)
            return st;
    }
    struct ps_scenario tmp;
    if (ps_scenario_copy(&tmp, sc) != PS_OK)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    if (f->type == PS_FIELD_LIMIT) {
        tmp.has_memory_limit = !isnan(v);
        tmp.memory_limit = isnan(v)                    ? 0
                           : f->unit == PS_UNIT_BUDGET ? v * ps_scenario_1f1b_budget(sc)
                                                       : v;
    } else if (put_number(&tmp, r, v, note, note_size) != PS_OK) {
        ps_scenario_fini(&tmp);
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    }
    return commit(sc, &tmp, d);
}

/* ---- text ------------------------------------------------------------------------------ */

/* A JSON number at the start of text (RFC 8259: no leading zeros, no '+', no bare '.');
 * *end after it. */
static bool json_number(const char *text, double *out, const char **end)
{
    const char *p = text;
    if (*p == '-')
        p++;
    if (*p == '0') {
        if (isdigit((unsigned char)p[1]))
            return false; /* a leading zero */
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (isdigit((unsigned char)*p))
            p++;
    } else {
        return false;
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        if (isdigit((unsigned char)*q)) {
            while (isdigit((unsigned char)*q))
                q++;
            p = q;
        }
    }
    errno = 0;
    *out = strtod(text, NULL);
    *end = p;
    return true;
}

/* One unit a field's kind accepts: its name and what it multiplies. */
struct unit_word {
    enum ps_unit unit;
    const char *word;
    double factor; /* < 0: a multiple of the scenario's T_F (-1) or 1F1B budget (-2) */
};

static const struct unit_word unit_words[] = {
    {PS_UNIT_MS, "ms", 1},        {PS_UNIT_MS, "s", 1000},      {PS_UNIT_MS, "us", 1e-3},
    {PS_UNIT_MS, "x", -1},        {PS_UNIT_MB, "MB", 1},        {PS_UNIT_MB, "GB", 1000},
    {PS_UNIT_MB, "KB", 1e-3},     {PS_UNIT_GBPS, "Gb/s", 1},    {PS_UNIT_GBPS, "Gbps", 1},
    {PS_UNIT_GBPS, "Gbit/s", 1},  {PS_UNIT_GBPS, "GB/s", 8},    {PS_UNIT_GBPS, "GBps", 8},
    {PS_UNIT_GBPS, "Mb/s", 1e-3}, {PS_UNIT_GBPS, "Mbps", 1e-3}, {PS_UNIT_GBPS, "MB/s", 8e-3},
    {PS_UNIT_GBPS, "Tb/s", 1000}, {PS_UNIT_GBPS, "Tbps", 1000}, {PS_UNIT_MEMORY, "units", 1},
    {PS_UNIT_MEMORY, "unit", 1},  {PS_UNIT_MEMORY, "x", -2},    {PS_UNIT_BUDGET, "x", 1},
    {PS_UNIT_FACTOR, "x", 1},     {PS_UNIT_SHARE, "%", 0.01},
};

static void unit_list(enum ps_unit u, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof unit_words / sizeof unit_words[0]; i++)
        if (unit_words[i].unit == u && used + 12 < size)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                                     unit_words[i].word);
}

/* Reads "NUMBER [UNIT]" for field f into *v (in the field's own unit). */
static enum ps_status read_number(const struct ps_scenario *sc, const struct ps_field_ref *r,
                                  const char *path, const char *text, double *v, struct ps_diag *d)
{
    const char *end;
    if (!json_number(text, v, &end))
        return ps_diag_set(d, PS_EINVAL, path, "must be a %s (got '%.60s')",
                           r->def->type == PS_FIELD_COUNT ? "whole number" : "number", text);
    if (errno == ERANGE && fabs(*v) > 1)
        return ps_diag_set(d, PS_EINVAL, path, "is out of range (got '%.60s')", text);
    while (isspace((unsigned char)*end))
        end++;
    if (*end == '\0')
        return PS_OK;
    for (size_t i = 0; i < sizeof unit_words / sizeof unit_words[0]; i++) {
        const struct unit_word *w = &unit_words[i];
        if (w->unit != r->def->unit || strcmp(w->word, end) != 0)
            continue;
        if (w->factor == -1)
            *v *= ps_scenario_max_forward_ms(sc);
        else if (w->factor == -2)
            *v *= ps_scenario_1f1b_budget(sc);
        else
            *v *= w->factor;
        return PS_OK;
    }
    char list[128];
    unit_list(r->def->unit, list, sizeof list);
    if (list[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, path, "takes a plain number (got '%.60s')", text);
    return ps_diag_set(d, PS_EINVAL, path, "unknown unit '%.20s' (use %s) (got '%.60s')", end, list,
                       text);
}

static enum ps_status set_name(struct ps_scenario *sc, const struct ps_field_ref *r,
                               const char *path, const char *text, struct ps_diag *d)
{
    size_t len = strlen(text);
    char buf[4096];
    /* A JSON string ('"x"') is taken without its quotes. */
    if (len >= 2 && text[0] == '"' && text[len - 1] == '"') {
        snprintf(buf, sizeof buf, "%.*s", (int)(len - 2), text + 1);
        text = buf;
        len = strlen(text);
    }
    for (const char *p = text; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return ps_diag_set(d, PS_EINVAL, path, "must not hold control characters");
    struct ps_scenario tmp;
    if (ps_scenario_copy(&tmp, sc) != PS_OK)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    if (r->def->scope == PS_SCOPE_DC) {
        if (len >= sizeof tmp.dcs[0].name) {
            ps_scenario_fini(&tmp);
            return ps_diag_set(d, PS_EINVAL, path, "at most %d characters (got %zu)",
                               (int)sizeof tmp.dcs[0].name - 1, len);
        }
        snprintf(tmp.dcs[r->index].name, sizeof tmp.dcs[r->index].name, "%s", text);
    } else if (strcmp(r->def->path, "name") == 0) {
        if (len >= sizeof tmp.name) {
            ps_scenario_fini(&tmp);
            return ps_diag_set(d, PS_EINVAL, path, "at most %d characters (got %zu)",
                               (int)sizeof tmp.name - 1, len);
        }
        snprintf(tmp.name, sizeof tmp.name, "%s", text);
    } else {
        free(tmp.description);
        tmp.description = len > 0 ? strdup(text) : NULL;
        if (len > 0 && tmp.description == NULL) {
            ps_scenario_fini(&tmp);
            return ps_diag_set(d, PS_ENOMEM, path, NULL);
        }
    }
    return commit(sc, &tmp, d);
}

/* A pair's from/to: a datacenter name or index. */
static enum ps_status set_dc_ref(struct ps_scenario *sc, const struct ps_field_ref *r,
                                 const char *path, const char *text, struct ps_diag *d)
{
    int dc = -1;
    for (int i = 0; i < sc->n_dcs && dc < 0; i++)
        if (strcmp(sc->dcs[i].name, text) == 0)
            dc = i;
    char *end;
    long idx = strtol(text, &end, 10);
    if (dc < 0 && end != text && *end == '\0' && idx >= 0 && idx < sc->n_dcs)
        dc = (int)idx;
    if (dc < 0)
        return ps_diag_set(d, PS_EINVAL, path, "unknown datacenter '%.64s'", text);
    int i = ps_scenario_find_pair(sc, r->index, r->index2);
    if (i < 0)
        return ps_diag_set(d, PS_EINVAL, path, "no such pair");
    struct ps_scenario tmp;
    if (ps_scenario_copy(&tmp, sc) != PS_OK)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    if (strstr(r->def->path, ".from") != NULL)
        tmp.pairs[i].from = dc;
    else
        tmp.pairs[i].to = dc;
    return commit(sc, &tmp, d);
}

/* "none" (or null) on an optional part removes it. */
static enum ps_status remove_part(struct ps_scenario *sc, const struct ps_field_ref *r,
                                  const char *path, const char *text, struct ps_diag *d)
{
    if (strcmp(text, "null") != 0 && strcmp(text, "none") != 0)
        return ps_diag_set(d, PS_EINVAL, path,
                           "only none (null) removes it; set its fields one by one (got '%.60s')",
                           text);
    struct ps_scenario tmp;
    if (ps_scenario_copy(&tmp, sc) != PS_OK)
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    const char *p = r->def->path;
    if (strcmp(p, "compute.per_stage") == 0) {
        free(tmp.per_stage);
        tmp.per_stage = NULL;
    } else if (strcmp(p, "per_microbatch") == 0) {
        free(tmp.per_microbatch);
        tmp.per_microbatch = NULL;
    } else if (strcmp(p, "network.pairs") == 0) {
        free(tmp.pairs);
        tmp.pairs = NULL;
        tmp.n_pairs = 0;
    } else {
        tmp.has_data_parallel = false;
        tmp.allgather_ms = tmp.reduce_scatter_ms = 0;
    }
    return commit(sc, &tmp, d);
}

static bool is_word(const char *text, const char *const *words)
{
    for (; *words != NULL; words++)
        if (strcmp(text, *words) == 0)
            return true;
    return false;
}

static enum ps_status set_text(struct ps_scenario *sc, const struct ps_field_ref *r,
                               const char *text, char *note, size_t note_size, struct ps_diag *d)
{
    static const char *const none_words[] = {"none", "null", "unlimited", "-", "", NULL};
    static const char *const inf_words[] = {"unlimited", "inf", "none", NULL};
    const struct ps_field_def *f = r->def;
    char path[96], trimmed[4096];
    ps_field_path(sc, r, path, sizeof path);
    note_set(note, note_size, "%s", "");
    ps_diag_clear(d);
    while (isspace((unsigned char)*text))
        text++;
    snprintf(trimmed, sizeof trimmed, "%s", text);
    for (size_t n = strlen(trimmed); n > 0 && isspace((unsigned char)trimmed[n - 1]);)
        trimmed[--n] = '\0';
    switch (f->type) {
    case PS_FIELD_TEXT:
        return set_name(sc, r, path, trimmed, d);
    case PS_FIELD_DC_REF:
        return set_dc_ref(sc, r, path, trimmed, d);
    case PS_FIELD_LAYOUT:
        return set_layout(sc, trimmed, note, note_size, d);
    case PS_FIELD_PART:
        return remove_part(sc, r, path, trimmed, d);
    case PS_FIELD_CHOICE:
        return set_choice_text(sc, r, path, trimmed, d);
    case PS_FIELD_LIMIT:
        if (is_word(trimmed, none_words))
            return set_number(sc, r, NAN, note, note_size, d);
        break;
    default:
        if (trimmed[0] == '\0')
            return ps_diag_set(d, PS_EINVAL, path, "no value given");
        if (f->unit == PS_UNIT_GBPS && is_word(trimmed, inf_words))
            return set_number(sc, r, 0, note, note_size, d);
        break;
    }
    double v = 0;
    enum ps_status st = read_number(sc, r, path, trimmed, &v, d);
    if (st == PS_OK)
        st = set_number(sc, r, v, note, note_size, d);
    /* Quote what was typed, not the number it became. */
    char *got = st != PS_OK ? strstr(d->msg, " (got ") : NULL;
    if (got != NULL && strstr(got + 1, " (got ") == NULL)
        snprintf(got, sizeof d->msg - (size_t)(got - d->msg), " (got '%.60s')", trimmed);
    return st;
}

enum ps_status ps_field_set_path(struct ps_scenario *sc, const char *path, const char *text,
                                 char *note, size_t note_size, struct ps_diag *d)
{
    struct ps_field_ref r;
    enum ps_status st = ps_field_resolve(sc, path, &r, d);
    if (st != PS_OK)
        return st;
    return ps_field_set_text(sc, &r, text, note, note_size, d);
}

/* ---- steps ----------------------------------------------------------------------------- */

/* The next round number m x 10^k above (dir > 0) or below v. */
static double ladder_step(const struct ps_ladder *l, double v, int dir)
{
    if (l->top > 0) { /* bandwidth: 0 is unlimited, above the top */
        if (v <= 0)
            return dir > 0 ? 0 : l->top;
        if (dir > 0 && v >= l->top)
            return 0;
    }
    if (v <= 0)
        return dir > 0 ? l->lo : 0;
    double e = floor(log10(v));
    if (dir > 0) {
        for (double k = e - 1; k <= e + 1; k++)
            for (int i = 0; i < l->n_mantissas; i++) {
                double c = l->mantissas[i] * pow(10, k);
                if (c > v * (1 + 1e-9))
                    return c;
            }
        return v * 2;
    }
    for (double k = e + 1; k >= e - 1; k--)
        for (int i = l->n_mantissas - 1; i >= 0; i--) {
            double c = l->mantissas[i] * pow(10, k);
            if (c < v * (1 - 1e-9))
                return c < l->lo * (1 - 1e-9) ? (l->zero_ok ? 0 : l->lo) : c;
        }
    return l->zero_ok ? 0 : l->lo;
}

static enum ps_status step_limit(struct ps_scenario *sc, const struct ps_field_ref *r, int dir,
                                 char *note, size_t note_size, struct ps_diag *d)
{
    double budget = ps_scenario_1f1b_budget(sc);
    if (!sc->has_memory_limit) {
        if (dir > 0)
            return ps_diag_set(d, PS_EINVAL, "memory.limit", "already unlimited");
        struct ps_field_ref units = {ps_field_find("memory.limit"), -1, -1};
        return set_number(sc, &units, budget, note, note_size, d);
    }
    double unit = r->def->unit == PS_UNIT_BUDGET ? budget / 4 : 1.0;
    double q = sc->memory_limit / unit;
    double v = (dir > 0 ? floor(q + 1e-9) + 1 : ceil(q - 1e-9) - 1) * unit;
    if (v <= 0)
        return ps_diag_set(d, PS_EINVAL, "memory.limit", "must be > 0 (got %g)", v);
    struct ps_field_ref units = {ps_field_find("memory.limit"), -1, -1};
    return set_number(sc, &units, v, note, note_size, d);
}

static enum ps_status step(struct ps_scenario *sc, const struct ps_field_ref *r, int dir,
                           char *note, size_t note_size, struct ps_diag *d)
{
    const struct ps_field_def *f = r->def;
    char path[96];
    ps_field_path(sc, r, path, sizeof path);
    dir = dir > 0 ? 1 : -1;
    if (f->type == PS_FIELD_LAYOUT) {
        char text[16];
        snprintf(text, sizeof text, "%d", sc->n_dcs + dir);
        note_set(note, note_size, "%s", "");
        return set_layout(sc, text, note, note_size, d);
    }
    if (f->type == PS_FIELD_LIMIT)
        return step_limit(sc, r, dir, note, note_size, d);
    if (f->type == PS_FIELD_CHOICE) {
        int n = choice_count(f), i = (int)ps_field_get(sc, r, NULL);
        note_set(note, note_size, "%s", "");
        return set_choice(sc, r, ((i + dir) % n + n) % n, d);
    }
    if (f->ladder == NULL)
        return ps_diag_set(d, PS_EINVAL, path, "has no steps: type a value");
    double v = ps_field_get(sc, r, NULL);
    if (f->ladder->linear > 0) {
        v += dir * f->ladder->linear;
        if (f->unit == PS_UNIT_SHARE)
            v = fmin(1, fmax(0, round(v * 100) / 100));
    } else {
        v = ladder_step(f->ladder, v, dir);
    }
    return set_number(sc, r, v, note, note_size, d);
}

/* ---- the public edits: each records itself (ps_scenario_record_edit) ------------------- */

/* Records the edit of r that just succeeded, in the --set form of the value it left. */
static void record(struct ps_scenario *sc, const struct ps_field_ref *r)
{
    char path[96], value[512];
    const struct ps_field_def *f = r->def;
    if (f->type == PS_FIELD_LIMIT) {
        snprintf(path, sizeof path, "memory.limit"); /* the budget view edits the limit */
    } else if (f->type == PS_FIELD_LAYOUT && sc->n_dcs == 1) {
        /* A lone count means datacenters; the stage count follows. */
        ps_scenario_record_edit(sc, "datacenters", "1");
        snprintf(value, sizeof value, "%d", sc->n_stages);
        ps_scenario_record_edit(sc, "stages", value);
        return;
    } else {
        ps_field_path(sc, r, path, sizeof path);
    }
    ps_field_value_text(sc, r, value, sizeof value);
    ps_scenario_record_edit(sc, path, value);
}

enum ps_status ps_field_set(struct ps_scenario *sc, const struct ps_field_ref *r, double v,
                            char *note, size_t note_size, struct ps_diag *d)
{
    enum ps_status st = set_number(sc, r, v, note, note_size, d);
    if (st == PS_OK)
        record(sc, r);
    return st;
}

enum ps_status ps_field_set_text(struct ps_scenario *sc, const struct ps_field_ref *r,
                                 const char *text, char *note, size_t note_size, struct ps_diag *d)
{
    enum ps_status st = set_text(sc, r, text, note, note_size, d);
    if (st == PS_OK)
        record(sc, r);
    return st;
}

enum ps_status ps_field_step(struct ps_scenario *sc, const struct ps_field_ref *r, int dir,
                             char *note, size_t note_size, struct ps_diag *d)
{
    enum ps_status st = step(sc, r, dir, note, note_size, d);
    if (st == PS_OK)
        record(sc, r);
    return st;
}

enum ps_status ps_scenario_reshape(struct ps_scenario *sc, int n_dcs, const int *dc_stages, int m,
                                   struct ps_diag *d)
{
    int old_m = sc->n_microbatches;
    enum ps_status st = reshape(sc, n_dcs, dc_stages, m, d);
    if (st != PS_OK)
        return st;
    struct ps_field_ref layout = {ps_field_find("datacenters"), -1, -1};
    if (layout.def != NULL)
        record(sc, &layout);
    if (m != old_m) {
        char value[16];
        snprintf(value, sizeof value, "%d", m);
        ps_scenario_record_edit(sc, "microbatches", value);
    }
    return PS_OK;
}
