/* Cluster files: the JSON mapping of docs/cluster.md section 1 (strict: unknown keys and
 * wrong types are errors that name the field), the writer that gives the same cluster back,
 * and --set edits by field path. */
#include "core/io/cluster_io.h"
#include "core/io/file.h"
#include "core/io/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_LEN 160

static enum ps_status want(const cJSON *v, bool array, const char *path, struct ps_diag *d)
{
    if (array ? !cJSON_IsArray(v) : !cJSON_IsObject(v))
        return ps_diag_set(d, PS_EINVAL, path, "must be an %s (got %s)", array ? "array" : "object",
                           ps_json_type_name(v));
    return PS_OK;
}

/* An optional object member: NULL when absent or null, else checked to be an object with
 * only `keys`. */
static enum ps_status optional_object(const cJSON *root, const char *key, const char *const *keys,
                                      const cJSON **out, struct ps_diag *d)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    *out = NULL;
    if (v == NULL || cJSON_IsNull(v))
        return PS_OK;
    enum ps_status st;
    if ((st = want(v, false, key, d)) || (st = ps_json_check_keys(v, key, keys, d)))
        return st;
    *out = v;
    return PS_OK;
}

static enum ps_status read_int(const cJSON *obj, const char *key, const char *base, bool required,
                               int def, int min, int max, int *out, struct ps_diag *d)
{
    int64_t v;
    enum ps_status st = ps_json_get_int64(obj, key, base, required, def, min, max, &v, d);
    if (st == PS_OK)
        *out = (int)v;
    return st;
}

/* ---- top-level parts ----------------------------------------------------------------- */

static enum ps_status read_gpu_net(const cJSON *root, struct ps_cluster *c, struct ps_diag *d)
{
    static const char *const gpu_keys[] = {"name", "tflops", "util", "memory_gb", NULL};
    static const char *const link_keys[] = {"latency_ms", "bandwidth_gbps", NULL};
    const cJSON *g, *l;
    enum ps_status st;
    if ((st = optional_object(root, "gpu", gpu_keys, &g, d)))
        return st;
    if (g != NULL) {
        char name[PS_NAME_MAX];
        if ((st = ps_json_get_string(g, "name", "gpu", false, name, sizeof name, d)) ||
            (st =
                 ps_json_get_number(g, "tflops", "gpu", false, c->gpu.tflops, &c->gpu.tflops, d)) ||
            (st = ps_json_get_number(g, "util", "gpu", false, c->gpu.util, &c->gpu.util, d)) ||
            (st = ps_json_get_number(g, "memory_gb", "gpu", false, c->gpu.memory_gb,
                                     &c->gpu.memory_gb, d)))
            return st;
        if (name[0] != '\0')
            memcpy(c->gpu.name, name, sizeof name);
    }
    if ((st = optional_object(root, "intra_region", link_keys, &l, d)))
        return st;
    if (l != NULL && ((st = ps_json_get_number(l, "latency_ms", "intra_region", false, 0.0,
                                               &c->intra_region.latency_ms, d)) ||
                      (st = ps_json_get_number(l, "bandwidth_gbps", "intra_region", false, 0.0,
                                               &c->intra_region.bandwidth_gbps, d))))
        return st;
    char sched[sizeof c->schedule];
    if ((st = ps_json_get_string(root, "schedule", "", false, sched, sizeof sched, d)))
        return st;
    if (sched[0] != '\0')
        memcpy(c->schedule, sched, sizeof sched);
    return PS_OK;
}

static enum ps_status read_policy_scale(const cJSON *root, struct ps_cluster *c, struct ps_diag *d)
{
    static const char *const policy_keys[] = {"alpha", "seed", NULL};
    static const char *const scale_keys[] = {"bandwidth", "gpus", "jobs", NULL};
    const cJSON *p, *s;
    enum ps_status st;
    if ((st = optional_object(root, "policy", policy_keys, &p, d)))
        return st;
    if (p != NULL) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(p, "alpha");
        if (cJSON_IsString(a)) {
            if (strcmp(a->valuestring, "adaptive") != 0)
                return ps_diag_set(d, PS_EINVAL, "policy.alpha",
                                   "must be a number in [0, 1] or \"adaptive\" (got '%.40s')",
                                   a->valuestring);
        } else if (a != NULL && !cJSON_IsNull(a)) {
            if ((st = ps_json_get_number(p, "alpha", "policy", true, 0, &c->policy.alpha, d)))
                return st;
            c->policy.alpha_adaptive = false;
        }
        char seed[32];
        if ((st = ps_json_get_string(p, "seed", "policy", false, seed, sizeof seed, d)))
            return st;
        if (strcmp(seed, "cheapest") == 0)
            c->policy.seed = PS_SEED_CHEAPEST;
        else if (seed[0] != '\0' && strcmp(seed, "most-gpus") != 0)
            return ps_diag_set(d, PS_EINVAL, "policy.seed",
                               "must be \"most-gpus\" or \"cheapest\" (got '%s')", seed);
    }
    if ((st = optional_object(root, "scale", scale_keys, &s, d)))
        return st;
    if (s != NULL &&
        ((st = ps_json_get_number(s, "bandwidth", "scale", false, 1.0, &c->scale.bandwidth, d)) ||
         (st = ps_json_get_number(s, "gpus", "scale", false, 1.0, &c->scale.gpus, d)) ||
         (st = read_int(s, "jobs", "scale", false, 1, 1, PS_CLUSTER_MAX_SCALE_JOBS, &c->scale.jobs,
                        d))))
        return st;
    return PS_OK;
}

static enum ps_status read_regions(const cJSON *root, struct ps_cluster *c, struct ps_diag *d)
{
    static const char *const keys[] = {"name", "gpus",           "price_usd_per_kwh", "gpu_power_w",
                                       "pue",  "bandwidth_gbps", "latency_ms",        NULL};
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "regions");
    enum ps_status st;
    if (v == NULL)
        return ps_diag_set(d, PS_EINVAL, "regions", "missing (required)");
    if ((st = want(v, true, "regions", d)))
        return st;
    int n = cJSON_GetArraySize(v);
    if (n < 1 || n > PS_CLUSTER_MAX_REGIONS)
        return ps_diag_set(d, PS_EINVAL, "regions", "must have 1 to %d regions (got %d)",
                           PS_CLUSTER_MAX_REGIONS, n);
    c->regions = calloc((size_t)n, sizeof *c->regions);
    if (c->regions == NULL)
        return ps_diag_set(d, PS_ENOMEM, "regions", "out of memory");
    c->n_regions = n;
    int i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        struct ps_region *r = &c->regions[i];
        char p[PATH_LEN];
        ps_region_init(r);
        ps_json_path_index(p, "regions", i);
        if ((st = want(e, false, p, d)) || (st = ps_json_check_keys(e, p, keys, d)) ||
            (st = ps_json_get_string(e, "name", p, true, r->name, sizeof r->name, d)) ||
            (st = read_int(e, "gpus", p, true, 0, 0, PS_CLUSTER_MAX_GPUS, &r->gpus, d)) ||
            (st = ps_json_get_number(e, "price_usd_per_kwh", p, true, 0, &r->price_usd_per_kwh,
                                     d)) ||
            (st = ps_json_get_number(e, "gpu_power_w", p, false, 300, &r->gpu_power_w, d)) ||
            (st = ps_json_get_number(e, "pue", p, false, 1, &r->pue, d)) ||
            (st = ps_json_get_number(e, "bandwidth_gbps", p, true, 0, &r->bandwidth_gbps, d)) ||
            (st = ps_json_get_number(e, "latency_ms", p, false, 0, &r->latency_ms, d)))
            return st;
    }
    return PS_OK;
}

/* A link's "from"/"to": a region name or index. */
static enum ps_status read_region_ref(const cJSON *obj, const char *key, const char *base,
                                      const struct ps_cluster *c, int *out, struct ps_diag *d)
{
    char p[PATH_LEN];
    ps_json_path_key(p, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return ps_diag_set(d, PS_EINVAL, p, "missing (required)");
    if (cJSON_IsString(v)) {
        *out = ps_cluster_region_find(c, v->valuestring);
        if (*out < 0)
            return ps_diag_set(d, PS_EINVAL, p, "unknown region '%.64s'", v->valuestring);
        return PS_OK;
    }
    if (!cJSON_IsNumber(v))
        return ps_diag_set(d, PS_EINVAL, p, "must be a region name or index (got %s)",
                           ps_json_type_name(v));
    return read_int(obj, key, base, true, 0, 0, c->n_regions - 1, out, d);
}

static enum ps_status read_links(const cJSON *root, struct ps_cluster *c, struct ps_diag *d)
{
    static const char *const keys[] = {"from", "to", "bandwidth_gbps", "latency_ms", NULL};
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "links");
    enum ps_status st;
    if (v == NULL || cJSON_IsNull(v))
        return PS_OK;
    if ((st = want(v, true, "links", d)))
        return st;
    /* Duplicates are named by the validator; this only bounds the allocation. */
    int n = cJSON_GetArraySize(v), max = PS_CLUSTER_MAX_REGIONS * PS_CLUSTER_MAX_REGIONS;
    if (n > max)
        return ps_diag_set(d, PS_EINVAL, "links", "too many links (%d)", n);
    if (n == 0)
        return PS_OK;
    c->links = calloc((size_t)n, sizeof *c->links);
    if (c->links == NULL)
        return ps_diag_set(d, PS_ENOMEM, "links", "out of memory");
    c->n_links = n;
    int i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        struct ps_region_link *l = &c->links[i];
        char p[PATH_LEN];
        ps_json_path_index(p, "links", i);
        if ((st = want(e, false, p, d)) || (st = ps_json_check_keys(e, p, keys, d)) ||
            (st = read_region_ref(e, "from", p, c, &l->a, d)) ||
            (st = read_region_ref(e, "to", p, c, &l->b, d)) ||
            (st = ps_json_get_number(e, "bandwidth_gbps", p, false, 0, &l->bandwidth_gbps, d)) ||
            (st = ps_json_get_number(e, "latency_ms", p, false, 0, &l->latency_ms, d)))
            return st;
        const cJSON *bw = cJSON_GetObjectItemCaseSensitive(e, "bandwidth_gbps");
        const cJSON *lat = cJSON_GetObjectItemCaseSensitive(e, "latency_ms");
        l->has_bandwidth = bw != NULL && !cJSON_IsNull(bw);
        l->has_latency = lat != NULL && !cJSON_IsNull(lat);
    }
    return PS_OK;
}

static bool present(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return v != NULL && !cJSON_IsNull(v);
}

static enum ps_status read_job(const cJSON *e, const char *p, struct ps_cluster_job *j,
                               struct ps_diag *d)
{
    static const char *const keys[] = {"name",      "submit_s",      "iterations", "model",
                                       "t_comp_ms", "activation_mb", "memory_gb",  "microbatches",
                                       "k_max",     "recompute",     NULL};
    enum ps_status st;
    char q[PATH_LEN];
    ps_cluster_job_init(j);
    if ((st = want(e, false, p, d)) || (st = ps_json_check_keys(e, p, keys, d)) ||
        (st = ps_json_get_string(e, "name", p, true, j->name, sizeof j->name, d)) ||
        (st = ps_json_get_number(e, "submit_s", p, true, 0, &j->submit_s, d)) ||
        (st = ps_json_get_int64(e, "iterations", p, true, 0, 1, 1000000000, &j->iterations, d)) ||
        (st = ps_json_get_string(e, "model", p, false, j->model, sizeof j->model, d)) ||
        (st = ps_json_get_number(e, "t_comp_ms", p, false, 0, &j->t_comp_ms, d)) ||
        (st = ps_json_get_number(e, "activation_mb", p, false, 0, &j->activation_mb, d)) ||
        (st = ps_json_get_number(e, "memory_gb", p, false, 0, &j->memory_gb, d)) ||
        (st = read_int(e, "microbatches", p, true, 0, 1, PS_MAX_MICROBATCHES, &j->microbatches,
                       d)) ||
        (st = read_int(e, "k_max", p, false, 0, 1, PS_MAX_STAGES, &j->k_max, d)))
        return st;
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(e, "recompute");
    if (rc != NULL && !cJSON_IsNull(rc)) {
        ps_json_path_key(q, p, "recompute");
        if (!cJSON_IsBool(rc))
            return ps_diag_set(d, PS_EINVAL, q, "must be true or false (got %s)",
                               ps_json_type_name(rc));
        j->recompute = cJSON_IsTrue(rc);
    }
    bool model = present(e, "model");
    if (model &&
        (present(e, "t_comp_ms") || present(e, "activation_mb") || present(e, "memory_gb"))) {
        ps_json_path_key(q, p,
                         present(e, "t_comp_ms")       ? "t_comp_ms"
                         : present(e, "activation_mb") ? "activation_mb"
                                                       : "memory_gb");
        return ps_diag_set(d, PS_EINVAL, q,
                           "not with a model (the calculator derives it): give either a model "
                           "or a profile (t_comp_ms, activation_mb, memory_gb)");
    }
    if (model && j->model[0] == '\0') {
        ps_json_path_key(q, p, "model");
        return ps_diag_set(d, PS_EINVAL, q, "must not be empty");
    }
    if (!model && !present(e, "t_comp_ms"))
        return ps_diag_set(d, PS_EINVAL, p, "give a model or a profile (t_comp_ms, ...)");
    return PS_OK;
}

static enum ps_status read_jobs(const cJSON *root, struct ps_cluster *c, struct ps_diag *d)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "jobs");
    enum ps_status st;
    if (v == NULL)
        return ps_diag_set(d, PS_EINVAL, "jobs", "missing (required)");
    if ((st = want(v, true, "jobs", d)))
        return st;
    int n = cJSON_GetArraySize(v);
    if (n > PS_CLUSTER_MAX_JOBS)
        return ps_diag_set(d, PS_EINVAL, "jobs", "at most %d jobs (got %d)", PS_CLUSTER_MAX_JOBS,
                           n);
    if (n == 0)
        return PS_OK;
    c->jobs = calloc((size_t)n, sizeof *c->jobs);
    if (c->jobs == NULL)
        return ps_diag_set(d, PS_ENOMEM, "jobs", "out of memory");
    c->n_jobs = n;
    int i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        char p[PATH_LEN];
        ps_json_path_index(p, "jobs", i);
        if ((st = read_job(e, p, &c->jobs[i], d)))
            return st;
    }
    return PS_OK;
}

static enum ps_status read_cluster(const cJSON *root, struct ps_cluster *c, struct ps_diag *d)
{
    static const char *const keys[] = {"format",       "name",     "description", "gpu",
                                       "intra_region", "schedule", "policy",      "scale",
                                       "regions",      "links",    "jobs",        NULL};
    enum ps_status st;
    if ((st = want(root, false, "", d)) || (st = ps_json_check_keys(root, "", keys, d)))
        return st;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (f == NULL)
        return ps_diag_set(d, PS_EINVAL, "format", "missing (required: \"%s\")", PS_CLUSTER_FORMAT);
    if (!cJSON_IsString(f) || strcmp(f->valuestring, PS_CLUSTER_FORMAT) != 0)
        return ps_diag_set(d, PS_EINVAL, "format", "must be \"%s\"", PS_CLUSTER_FORMAT);
    if ((st = ps_json_get_string(root, "name", "", false, c->name, sizeof c->name, d)))
        return st;
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(root, "description");
    if (desc != NULL && !cJSON_IsNull(desc)) {
        if (!cJSON_IsString(desc))
            return ps_diag_set(d, PS_EINVAL, "description", "must be a string (got %s)",
                               ps_json_type_name(desc));
        c->description = strdup(desc->valuestring);
        if (c->description == NULL)
            return ps_diag_set(d, PS_ENOMEM, "description", "out of memory");
    }
    if ((st = read_gpu_net(root, c, d)) || (st = read_policy_scale(root, c, d)) ||
        (st = read_regions(root, c, d)) || (st = read_links(root, c, d)) ||
        (st = read_jobs(root, c, d)))
        return st;
    return ps_cluster_validate(c, d);
}

static enum ps_status from_cjson(const cJSON *root, struct ps_cluster *c, struct ps_diag *d)
{
    ps_cluster_init(c);
    enum ps_status st = read_cluster(root, c, d);
    if (st != PS_OK)
        ps_cluster_fini(c);
    return st;
}

enum ps_status ps_cluster_parse(const char *text, size_t len, struct ps_cluster *c,
                                struct ps_diag *d)
{
    cJSON *root;
    ps_cluster_init(c);
    ps_diag_clear(d);
    enum ps_status st = ps_json_parse_text(text, len, &root, d);
    if (st != PS_OK)
        return st;
    st = from_cjson(root, c, d);
    cJSON_Delete(root);
    return st;
}

enum ps_status ps_cluster_load(const char *path, struct ps_cluster *c, struct ps_diag *d)
{
    ps_cluster_init(c);
    /* the bounded reader: a FIFO or a device is refused at once, the size checked first */
    char *buf;
    size_t len;
    enum ps_status st = ps_file_read(path, PS_FILE_MAX, &buf, &len, d);
    if (st != PS_OK)
        return st;
    st = ps_cluster_parse(buf, len, c, d);
    free(buf);
    return st;
}

/* ---- writing ------------------------------------------------------------------------- */

static bool num(cJSON *o, const char *key, double x)
{
    return cJSON_AddNumberToObject(o, key, x) != NULL;
}

static bool str(cJSON *o, const char *key, const char *s)
{
    return cJSON_AddStringToObject(o, key, s) != NULL;
}

static cJSON *child(cJSON *o, const char *key, bool array)
{
    cJSON *c = array ? cJSON_CreateArray() : cJSON_CreateObject();
    if (c != NULL)
        cJSON_AddItemToObject(o, key, c);
    return c;
}

static bool build_top(cJSON *root, const struct ps_cluster *c)
{
    bool ok = str(root, "format", PS_CLUSTER_FORMAT) && str(root, "name", c->name);
    if (ok && c->description != NULL)
        ok = str(root, "description", c->description);
    cJSON *g = ok ? child(root, "gpu", false) : NULL;
    ok = g != NULL && str(g, "name", c->gpu.name) && num(g, "tflops", c->gpu.tflops) &&
         num(g, "util", c->gpu.util) && num(g, "memory_gb", c->gpu.memory_gb);
    cJSON *l = ok ? child(root, "intra_region", false) : NULL;
    ok = l != NULL && num(l, "latency_ms", c->intra_region.latency_ms) &&
         num(l, "bandwidth_gbps", c->intra_region.bandwidth_gbps) &&
         str(root, "schedule", c->schedule);
    cJSON *p = ok ? child(root, "policy", false) : NULL;
    ok = p != NULL &&
         (c->policy.alpha_adaptive ? str(p, "alpha", "adaptive")
                                   : num(p, "alpha", c->policy.alpha)) &&
         str(p, "seed", c->policy.seed == PS_SEED_CHEAPEST ? "cheapest" : "most-gpus");
    cJSON *s = ok ? child(root, "scale", false) : NULL;
    return s != NULL && num(s, "bandwidth", c->scale.bandwidth) && num(s, "gpus", c->scale.gpus) &&
           num(s, "jobs", c->scale.jobs);
}

static bool build_lists(cJSON *root, const struct ps_cluster *c)
{
    cJSON *regions = child(root, "regions", true);
    for (int i = 0; regions != NULL && i < c->n_regions; i++) {
        const struct ps_region *r = &c->regions[i];
        cJSON *o = cJSON_CreateObject();
        if (o == NULL)
            return false;
        cJSON_AddItemToArray(regions, o);
        if (!str(o, "name", r->name) || !num(o, "gpus", r->gpus) ||
            !num(o, "price_usd_per_kwh", r->price_usd_per_kwh) ||
            !num(o, "gpu_power_w", r->gpu_power_w) || !num(o, "pue", r->pue) ||
            !num(o, "bandwidth_gbps", r->bandwidth_gbps) || !num(o, "latency_ms", r->latency_ms))
            return false;
    }
    cJSON *links = regions != NULL && c->n_links > 0 ? child(root, "links", true) : NULL;
    for (int i = 0; links != NULL && i < c->n_links; i++) {
        const struct ps_region_link *l = &c->links[i];
        cJSON *o = cJSON_CreateObject();
        if (o == NULL)
            return false;
        cJSON_AddItemToArray(links, o);
        if (!str(o, "from", c->regions[l->a].name) || !str(o, "to", c->regions[l->b].name) ||
            (l->has_bandwidth && !num(o, "bandwidth_gbps", l->bandwidth_gbps)) ||
            (l->has_latency && !num(o, "latency_ms", l->latency_ms)))
            return false;
    }
    cJSON *jobs = regions != NULL ? child(root, "jobs", true) : NULL;
    for (int i = 0; jobs != NULL && i < c->n_jobs; i++) {
        const struct ps_cluster_job *j = &c->jobs[i];
        cJSON *o = cJSON_CreateObject();
        if (o == NULL)
            return false;
        cJSON_AddItemToArray(jobs, o);
        bool ok = str(o, "name", j->name) && num(o, "submit_s", j->submit_s) &&
                  num(o, "iterations", (double)j->iterations);
        if (j->model[0] != '\0')
            ok = ok && str(o, "model", j->model) &&
                 (!j->recompute || cJSON_AddTrueToObject(o, "recompute") != NULL);
        else
            ok = ok && num(o, "t_comp_ms", j->t_comp_ms) &&
                 num(o, "activation_mb", j->activation_mb) && num(o, "memory_gb", j->memory_gb);
        ok = ok && num(o, "microbatches", j->microbatches) &&
             (j->k_max == 0 || num(o, "k_max", j->k_max));
        if (!ok)
            return false;
    }
    return jobs != NULL;
}

static cJSON *to_cjson(const struct ps_cluster *c)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL || !build_top(root, c) || !build_lists(root, c)) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

char *ps_cluster_to_json(const struct ps_cluster *c)
{
    cJSON *root = to_cjson(c);
    if (root == NULL)
        return NULL;
    char *text = ps_json_pretty(root);
    cJSON_Delete(root);
    return text;
}

/* After "regions.N.name=NEW", links that named the region by its old name follow it. */
static void rename_links(cJSON *root, const struct ps_cluster *c, const char *path)
{
    int r;
    char tail[16];
    if (sscanf(path, "regions.%d.%15s", &r, tail) != 2 || strcmp(tail, "name") != 0 || r < 0 ||
        r >= c->n_regions)
        return;
    const cJSON *regions = cJSON_GetObjectItemCaseSensitive(root, "regions");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(regions, r), "name");
    cJSON *links = cJSON_GetObjectItemCaseSensitive(root, "links");
    if (!cJSON_IsString(name) || !cJSON_IsArray(links))
        return;
    for (cJSON *l = links->child; l != NULL; l = l->next)
        for (int e = 0; e < 2; e++) {
            const char *key = e ? "to" : "from";
            const cJSON *ref = cJSON_GetObjectItemCaseSensitive(l, key);
            if (cJSON_IsString(ref) && strcmp(ref->valuestring, c->regions[r].name) == 0)
                cJSON_ReplaceItemInObjectCaseSensitive(l, key,
                                                       cJSON_CreateString(name->valuestring));
        }
}

enum ps_status ps_cluster_set_path(struct ps_cluster *c, const char *path, const char *value,
                                   struct ps_diag *d)
{
    ps_diag_clear(d);
    cJSON *root = to_cjson(c);
    if (root == NULL)
        return ps_diag_set(d, PS_ENOMEM, path != NULL ? path : "", "out of memory");
    /* policy.alpha is a number or "adaptive": the old value's type must not decide how
     * the text reads (a string field would keep "0.3" as text). */
    cJSON *policy = cJSON_GetObjectItemCaseSensitive(root, "policy");
    if (path != NULL && strcmp(path, "policy.alpha") == 0 && cJSON_IsObject(policy))
        cJSON_DeleteItemFromObjectCaseSensitive(policy, "alpha");
    enum ps_status st = ps_json_set_path(root, path, value, d);
    if (st == PS_OK)
        rename_links(root, c, path);
    if (st == PS_OK) {
        struct ps_cluster fresh;
        st = from_cjson(root, &fresh, d);
        if (st == PS_OK) {
            ps_cluster_fini(c);
            *c = fresh;
        }
    }
    cJSON_Delete(root);
    return st;
}
