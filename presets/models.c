/* The calculator's front: built-in models, link classes, the model and cluster spec
 * strings (or JSON files), and ps_scenario_from_model, which turns a model and a cluster
 * into a scenario with core/calc. */
#include "presets/presets.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "core/io/file.h"
#include "core/suggest.h"

/* Llama 3: "The Llama 3 Herd of Models" (Table 3); Llama 2: its model cards; M8 and M70:
 * CrossPipe Table 4 (Llama-style, Llama 2 tokenizer, s = 4096). Every model counts its
 * embedding and output as two more layers, as CrossPipe does. */
static const struct ps_model_info models[] = {
    {"llama3-8b",
     "Llama 3 8B: 32 layers, d 4096, FFN 14336, 32/8 heads, vocab 128256, s 8192",
     {32, 2, 4096, 14336, 32, 8, 128256, 8192}},
    {"llama3-70b",
     "Llama 3 70B: 80 layers, d 8192, FFN 28672, 64/8 heads, vocab 128256, s 8192",
     {80, 2, 8192, 28672, 64, 8, 128256, 8192}},
    {"llama3-405b",
     "Llama 3 405B: 126 layers, d 16384, FFN 53248, 128/8 heads, vocab 128256, s 8192",
     {126, 2, 16384, 53248, 128, 8, 128256, 8192}},
    {"m8",
     "CrossPipe M8 (Table 4): 30+2 layers, d 4096, FFN 14336, 32/8 heads, s 4096",
     {30, 2, 4096, 14336, 32, 8, 32000, 4096}},
    {"m70",
     "CrossPipe M70 (Table 4): 62+2 layers, d 8192, FFN 28672, 64/8 heads, s 4096",
     {62, 2, 8192, 28672, 64, 8, 32000, 4096}},
    {"llama2-13b",
     "Llama 2 13B: 40 layers, d 5120, FFN 13824, 40/40 heads, vocab 32000, s 4096",
     {40, 2, 5120, 13824, 40, 40, 32000, 4096}},
    {"llama2-70b",
     "Llama 2 70B: 80 layers, d 8192, FFN 28672, 64/8 heads, vocab 32000, s 4096",
     {80, 2, 8192, 28672, 64, 8, 32000, 4096}},
    /* The BACE-Pipe paper's jobs (docs/cluster.md). Falcon and FLM have a GELU MLP of 4d
     * (two matrices): their FFN here is the SwiGLU size with the same parameters and FLOPs,
     * 2/3 x 4d. Gemma 3's heads are 128 wide (32 x 128 < d); the calculator's d x d
     * attention counts a little more than it has. */
    {"qwen2.5-14b",
     "Qwen2.5 14B: 48 layers, d 5120, FFN 13824, 40/8 heads, vocab 152064, s 4096",
     {48, 2, 5120, 13824, 40, 8, 152064, 4096}},
    {"qwen2.5-32b",
     "Qwen2.5 32B: 64 layers, d 5120, FFN 27648, 40/8 heads, vocab 152064, s 4096",
     {64, 2, 5120, 27648, 40, 8, 152064, 4096}},
    {"gemma3-27b",
     "Gemma 3 27B: 62 layers, d 5376, FFN 21504, 32/16 heads, vocab 262208, s 4096",
     {62, 2, 5376, 21504, 32, 16, 262208, 4096}},
    {"falcon-40b",
     "Falcon 40B: 60 layers, d 8192, GELU MLP 4d (SwiGLU-equivalent 21845), 128/8 heads, "
     "vocab 65024, s 2048",
     {60, 2, 8192, 21845, 128, 8, 65024, 2048}},
    {"flm-101b",
     "FLM-101B: 80 layers, d 10240, GELU MLP 4d (SwiGLU-equivalent 27307), 80/80 heads, "
     "vocab 100352, s 2048",
     {80, 2, 10240, 27307, 80, 80, 100352, 2048}},
};

/* CrossPipe section 2.3, one value per class (the upper end of a range for latency, its
 * middle for the cross-region bandwidth). */
static const struct ps_link_class link_classes[] = {
    {"campus", "same-campus clusters: 10 us, 800 Gb/s per port", {0.01, 800}},
    {"metro", "cross-campus (<= ~40 km, e.g. NVIDIA MetroX): 200 us, 200 Gb/s", {0.2, 200}},
    {"region", "same-region cloud: 1 ms, 11.3 Gb/s", {1, 11.3}},
    {"cross-region", "cross-region cloud: 50 ms, 3 Gb/s", {50, 3}},
    {"free", "no cost: no latency, unlimited bandwidth", {0, 0}},
};

/* BF16 dense peak TFLOP/s per GPU (vendor data sheets). */
static const struct {
    const char *name;
    double tflops;
} gpus[] = {
    {"a100", 312}, {"h100", 989}, {"h200", 989}, {"gh200", 989}, {"b200", 2250}, {"mi300x", 1307},
};

size_t ps_model_count(void)
{
    return sizeof models / sizeof models[0];
}

const struct ps_model_info *ps_model_at(size_t i)
{
    return i < ps_model_count() ? &models[i] : NULL;
}

const struct ps_model_info *ps_model_find(const char *name)
{
    for (size_t i = 0; i < ps_model_count(); i++)
        if (strcmp(models[i].name, name) == 0)
            return &models[i];
    return NULL;
}

size_t ps_link_class_count(void)
{
    return sizeof link_classes / sizeof link_classes[0];
}

const struct ps_link_class *ps_link_class_at(size_t i)
{
    return i < ps_link_class_count() ? &link_classes[i] : NULL;
}

enum ps_status ps_link_class_find(const char *name, struct ps_link *out)
{
    for (size_t i = 0; i < ps_link_class_count(); i++)
        if (strcmp(link_classes[i].name, name) == 0) {
            *out = link_classes[i].link;
            return PS_OK;
        }
    return PS_ENOTFOUND;
}

void ps_link_class_list_names(char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < ps_link_class_count() && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", link_classes[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static void model_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ps_model_count() && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", models[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* ---- key=value lists, from a spec string or a flat JSON object ---- */

#define MAX_KV 48

struct kv {
    char key[32];
    char value[512];
};

struct kv_list {
    int n;
    struct kv kv[MAX_KV];
};

/* A spec names a JSON file when it ends in ".json", or when it is the path of an existing
 * file and not a built-in model's name. */
static bool is_json_file(const char *spec)
{
    size_t n = strlen(spec);
    struct stat st;
    if (n > 5 && strcmp(spec + n - 5, ".json") == 0)
        return true;
    return strchr(spec, '=') == NULL && strchr(spec, ',') == NULL && ps_model_find(spec) == NULL &&
           stat(spec, &st) == 0 && S_ISREG(st.st_mode);
}

/* A model file is small: 16 MB is far more than any model description needs. */
static char *read_text(const char *path, const char *what, struct ps_diag *d)
{
    char *text;
    size_t len;
    struct ps_diag fd;
    if (ps_file_read(path, (size_t)1 << 24, &text, &len, &fd) != PS_OK) {
        ps_diag_set(d, PS_EIO, what, "%s: %s", path, fd.msg);
        return NULL;
    }
    return text;
}

static enum ps_status kv_add(struct kv_list *l, const char *key, size_t klen, const char *value,
                             size_t vlen, const char *what, struct ps_diag *d)
{
    if (klen == 0)
        return ps_diag_set(d, PS_EINVAL, what, "empty key in '%.*s'", (int)vlen, value);
    if (l->n == MAX_KV)
        return ps_diag_set(d, PS_EINVAL, what, "too many keys (at most %d)", MAX_KV);
    if (klen >= sizeof l->kv[0].key || vlen >= sizeof l->kv[0].value)
        return ps_diag_set(d, PS_EINVAL, what, "key or value too long: '%.*s'", (int)klen, key);
    struct kv *e = &l->kv[l->n++];
    memcpy(e->key, key, klen);
    e->key[klen] = '\0';
    memcpy(e->value, value, vlen);
    e->value[vlen] = '\0';
    return PS_OK;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* "k=v,k=v,..." -> list. A first item without '=' is returned in *head (the model name). */
static enum ps_status kv_parse_spec(const char *spec, struct kv_list *l, char *head,
                                    size_t head_size, const char *what, struct ps_diag *d)
{
    const char *p = spec;
    bool first = true;
    l->n = 0;
    if (head != NULL)
        head[0] = '\0';
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        const char *item = p;
        trim(&item, &n);
        const char *eq = memchr(item, '=', n);
        if (n > 0) {
            if (eq == NULL) {
                if (!first || head == NULL)
                    return ps_diag_set(d, PS_EINVAL, what, "'%.*s' is not key=value", (int)n, item);
                if (n >= head_size)
                    return ps_diag_set(d, PS_EINVAL, what, "name too long");
                memcpy(head, item, n);
                head[n] = '\0';
            } else {
                const char *k = item, *v = eq + 1;
                size_t kn = (size_t)(eq - item), vn = n - kn - 1;
                trim(&k, &kn);
                trim(&v, &vn);
                enum ps_status st = kv_add(l, k, kn, v, vn, what, d);
                if (st != PS_OK)
                    return st;
            }
        }
        first = false;
        p = end != NULL ? end + 1 : p + strlen(p);
    }
    return PS_OK;
}

/* A flat JSON object -> list: numbers as %.17g, booleans as 1/0, arrays joined with '+'. */
static enum ps_status kv_parse_json_file(const char *path, struct kv_list *l, const char *what,
                                         struct ps_diag *d)
{
    char *text = read_text(path, what, d);
    if (text == NULL)
        return PS_EIO;
    const char *errp = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &errp, true);
    enum ps_status st = PS_OK;
    l->n = 0;
    if (root == NULL || !cJSON_IsObject(root)) {
        int line = 1;
        for (const char *q = text; errp != NULL && q < errp && *q; q++)
            line += *q == '\n';
        st = ps_diag_set(d, PS_EPARSE, what, "%s:%d: not a JSON object", path, line);
        goto out;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, root)
    {
        char val[512];
        if (cJSON_IsNumber(it)) {
            snprintf(val, sizeof val, "%.17g", it->valuedouble);
        } else if (cJSON_IsString(it)) {
            snprintf(val, sizeof val, "%s", it->valuestring);
        } else if (cJSON_IsBool(it)) {
            snprintf(val, sizeof val, "%d", cJSON_IsTrue(it) ? 1 : 0);
        } else if (cJSON_IsArray(it)) {
            size_t used = 0;
            const cJSON *e;
            val[0] = '\0';
            cJSON_ArrayForEach(e, it)
            {
                int n;
                if (cJSON_IsNumber(e))
                    n = snprintf(val + used, sizeof val - used, "%s%.17g", used ? "+" : "",
                                 e->valuedouble);
                else if (cJSON_IsString(e))
                    n = snprintf(val + used, sizeof val - used, "%s%s", used ? "+" : "",
                                 e->valuestring);
                else
                    n = -1;
                if (n < 0 || (size_t)n >= sizeof val - used) {
                    st = ps_diag_set(d, PS_EINVAL, what, "%s: %s: bad list", path, it->string);
                    goto out;
                }
                used += (size_t)n;
            }
        } else if (cJSON_IsNull(it)) {
            snprintf(val, sizeof val, "none");
        } else {
            st = ps_diag_set(d, PS_EINVAL, what, "%s: %s: must be a number, a string or a list",
                             path, it->string);
            goto out;
        }
        st = kv_add(l, it->string, strlen(it->string), val, strlen(val), what, d);
        if (st != PS_OK)
            goto out;
    }
out:
    cJSON_Delete(root);
    free(text);
    return st;
}

/* ---- value parsing ---- */

static enum ps_status parse_int(const char *what, const char *key, const char *v, int lo, int hi,
                                int *out, struct ps_diag *d)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno != 0)
        return ps_diag_set(d, PS_EINVAL, "", "%s.%s: must be an integer (got '%s')", what, key, v);
    if (x < lo || x > hi)
        return ps_diag_set(d, PS_EINVAL, "", "%s.%s: must be between %d and %d (got %ld)", what,
                           key, lo, hi, x);
    *out = (int)x;
    return PS_OK;
}

static enum ps_status parse_num(const char *what, const char *key, const char *v, double lo,
                                double *out, struct ps_diag *d)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end != '\0' || errno != 0 || !isfinite(x))
        return ps_diag_set(d, PS_EINVAL, "", "%s.%s: must be a number (got '%s')", what, key, v);
    if (x < lo)
        return ps_diag_set(d, PS_EINVAL, "", "%s.%s: must be >= %g (got %g)", what, key, lo, x);
    *out = x;
    return PS_OK;
}

static enum ps_status parse_bool(const char *what, const char *key, const char *v, bool *out,
                                 struct ps_diag *d)
{
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on")) {
        *out = true;
        return PS_OK;
    }
    if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off")) {
        *out = false;
        return PS_OK;
    }
    return ps_diag_set(d, PS_EINVAL, "", "%s.%s: must be 1/0, yes/no or true/false (got '%s')",
                       what, key, v);
}

/* "a+b+c" -> ints. Returns the count, or -1 (d set). */
static int parse_int_list(const char *what, const char *key, const char *v, int *out, int max,
                          struct ps_diag *d)
{
    int n = 0;
    const char *p = v;
    for (;;) {
        char *end;
        errno = 0;
        long x = strtol(p, &end, 10);
        if (end == p || errno != 0 || x < 1 || x > 1000000) {
            ps_diag_set(d, PS_EINVAL, "",
                        "%s.%s: must be positive integers joined by '+' (got '%s')", what, key, v);
            return -1;
        }
        if (n == max) {
            ps_diag_set(d, PS_EINVAL, "", "%s.%s: more than %d entries", what, key, max);
            return -1;
        }
        out[n++] = (int)x;
        if (*end == '\0')
            return n;
        if (*end != '+') {
            ps_diag_set(d, PS_EINVAL, "",
                        "%s.%s: must be positive integers joined by '+' (got '%s')", what, key, v);
            return -1;
        }
        p = end + 1;
    }
}

/* Rewrites "what.key: msg" diagnostics (built with an empty path) into path + msg. */
static enum ps_status fix_diag(enum ps_status st, struct ps_diag *d)
{
    if (st == PS_OK || d == NULL || d->path[0] != '\0')
        return st;
    char *colon = strstr(d->msg, ": ");
    if (colon == NULL)
        return st;
    size_t n = (size_t)(colon - d->msg);
    if (n >= sizeof d->path)
        n = sizeof d->path - 1;
    memcpy(d->path, d->msg, n);
    d->path[n] = '\0';
    memmove(d->msg, colon + 2, strlen(colon + 2) + 1);
    return st;
}

/* ---- models ---- */

bool ps_model_is_key(const char *key)
{
    static const char *const keys[] = {"layers", "extra_layers", "hidden", "ffn",
                                       "heads",  "kv_heads",     "vocab",  "seq"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0)
            return true;
    return false;
}

static enum ps_status model_set(struct ps_calc_model *m, const struct kv *e, bool *seen,
                                struct ps_diag *d)
{
    static const struct {
        const char *key;
        size_t off;
        int lo;
    } keys[] = {
        {"layers", offsetof(struct ps_calc_model, layers), 1},
        {"extra_layers", offsetof(struct ps_calc_model, extra_layers), 0},
        {"hidden", offsetof(struct ps_calc_model, hidden), 1},
        {"ffn", offsetof(struct ps_calc_model, ffn), 1},
        {"heads", offsetof(struct ps_calc_model, heads), 1},
        {"kv_heads", offsetof(struct ps_calc_model, kv_heads), 1},
        {"vocab", offsetof(struct ps_calc_model, vocab), 1},
        {"seq", offsetof(struct ps_calc_model, seq), 1},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(e->key, keys[i].key) == 0) {
            seen[i] = true;
            return parse_int("model", e->key, e->value, keys[i].lo, 100000000,
                             (int *)(void *)((char *)m + keys[i].off), d);
        }
    return ps_diag_set(d, PS_EINVAL, "",
                       "model.%s: unknown key (known: name, base, layers, "
                       "extra_layers, hidden, ffn, heads, kv_heads, vocab, seq)",
                       e->key);
}

enum ps_status ps_model_parse(const char *spec, struct ps_calc_model *out, char *name,
                              size_t name_size, struct ps_diag *d)
{
    struct kv_list *l = calloc(1, sizeof *l);
    char head[PS_NAME_MAX], label[PS_NAME_MAX] = "";
    bool seen[8] = {false};
    bool from_file = is_json_file(spec);
    enum ps_status st;
    struct ps_calc_model m = {0};

    ps_diag_clear(d);
    if (l == NULL)
        return ps_diag_set(d, PS_ENOMEM, "model", "out of memory");
    if (from_file) {
        st = kv_parse_json_file(spec, l, "model", d);
        head[0] = '\0';
    } else {
        st = kv_parse_spec(spec, l, head, sizeof head, "model", d);
    }
    if (st != PS_OK)
        goto out;
    /* A base model: the head of a spec string, or "base" in a file. */
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->kv[i].key, "base") == 0)
            snprintf(head, sizeof head, "%.63s", l->kv[i].value);
    if (head[0] != '\0') {
        const struct ps_model_info *mi = ps_model_find(head);
        if (mi == NULL) {
            char names[512];
            model_names(names, sizeof names);
            struct ps_suggest sg;
            ps_suggest_init(&sg, head);
            for (size_t i = 0; i < ps_model_count(); i++)
                ps_suggest_offer(&sg, ps_model_at(i)->name);
            char hint[96];
            st = ps_diag_set(d, PS_ENOTFOUND, "model",
                             "unknown model '%s' (known: %s; or a "
                             "JSON model file)%s",
                             head, names, ps_suggest_hint(&sg, hint, sizeof hint));
            goto out;
        }
        m = mi->model;
        memset(seen, 1, sizeof seen);
        snprintf(label, sizeof label, "%s", head);
    } else {
        m.extra_layers = 2;
        seen[1] = true;
    }
    for (int i = 0; i < l->n; i++) {
        const struct kv *e = &l->kv[i];
        if (strcmp(e->key, "base") == 0)
            continue;
        if (strcmp(e->key, "name") == 0) {
            snprintf(label, sizeof label, "%.63s", e->value);
            continue;
        }
        st = fix_diag(model_set(&m, e, seen, d), d);
        if (st != PS_OK)
            goto out;
    }
    static const char *const names_of[] = {"layers", "extra_layers", "hidden", "ffn",
                                           "heads",  "kv_heads",     "vocab",  "seq"};
    for (size_t i = 0; i < 8; i++)
        if (!seen[i]) {
            char path[48];
            snprintf(path, sizeof path, "model.%s", names_of[i]);
            st = ps_diag_set(d, PS_EINVAL, path,
                             "missing (start from a built-in model, or give every size)");
            goto out;
        }
    if (label[0] == '\0') {
        if (from_file) {
            const char *base = strrchr(spec, '/');
            base = base != NULL ? base + 1 : spec;
            snprintf(label, sizeof label, "%.*s", (int)(strcspn(base, ".")), base);
        } else {
            snprintf(label, sizeof label, "model");
        }
    }
    *out = m;
    if (name != NULL && name_size > 0)
        snprintf(name, name_size, "%s", label);
    st = PS_OK;
out:
    free(l);
    return st;
}

/* ---- clusters ---- */

enum mem_kind { MEM_NONE, MEM_UNITS, MEM_1F1B, MEM_HBM };

struct cluster {
    int dcs, pp, tp, dp, mbs, seq, mb, gbs;
    bool has_dcs;
    int n_split, split[PS_MAX_DCS];
    int n_layers, layers[PS_MAX_STAGES];
    char names[PS_MAX_DCS][PS_NAME_MAX];
    int n_names;
    struct ps_calc_hw hw;
    bool recompute;
    double tf; /* > 0: calibrate so that T_F equals it */
    enum mem_kind mem;
    double mem_value; /* units, 1F1B multiple, or HBM GB */
    struct ps_link inter, intra;
    bool has_lat, has_bw, has_latr, has_bwr;
    double lat, bw, latr, bwr;
    double w;         /* weight_share override, < 0 = calculator's */
    long tokens;      /* > 0: tokens per iteration, fixed (microbatches follow) */
    int gpus;         /* > 0: GPUs per DC (a layout that needs more is refused) */
    int pipeline_dcs; /* DCs one pipeline spans; 0 = all */
    int dpcomm;       /* -1 auto, 0 off, 1 on */
};

static enum ps_status parse_link(const char *key, const char *v, struct ps_link *out,
                                 struct ps_diag *d)
{
    if (ps_link_class_find(v, out) == PS_OK)
        return PS_OK;
    /* LATENCY_MS/BANDWIDTH_GBPS */
    const char *slash = strchr(v, '/');
    if (slash != NULL) {
        char a[64];
        size_t n = (size_t)(slash - v);
        if (n < sizeof a) {
            memcpy(a, v, n);
            a[n] = '\0';
            char *e1, *e2;
            double lat = strtod(a, &e1), bw = strtod(slash + 1, &e2);
            if (e1 != a && *e1 == '\0' && e2 != slash + 1 && *e2 == '\0' && lat >= 0 && bw >= 0 &&
                isfinite(lat) && isfinite(bw)) {
                out->latency_ms = lat;
                out->bandwidth_gbps = bw;
                return PS_OK;
            }
        }
    }
    char names[256];
    ps_link_class_list_names(names, sizeof names);
    return ps_diag_set(d, PS_EINVAL, "",
                       "cluster.%s: unknown link '%s' (a class: %s; or "
                       "LATENCY_MS/BANDWIDTH_GBPS)",
                       key, v, names);
}

/* The keys of a cluster spec whose value needs more than a number (names, a GPU, memory,
 * links, the weight share, tokens, DP communication). */
static enum ps_status set_names(struct cluster *c, const char *k, const char *v, struct ps_diag *d)
{
    (void)k;
    c->n_names = 0;
    const char *p = v;
    while (c->n_names < PS_MAX_DCS) {
        size_t n = strcspn(p, "+");
        if (n == 0 || n >= PS_NAME_MAX)
            return ps_diag_set(d, PS_EINVAL, "cluster.names",
                               "DC names joined by '+', each 1..%d characters (got '%s')",
                               PS_NAME_MAX - 1, v);
        memcpy(c->names[c->n_names], p, n);
        c->names[c->n_names++][n] = '\0';
        if (p[n] == '\0')
            return PS_OK;
        p += n + 1;
    }
    return ps_diag_set(d, PS_EINVAL, "cluster.names", "more than %d names", PS_MAX_DCS);
}

static enum ps_status set_gpu(struct cluster *c, const char *k, const char *v, struct ps_diag *d)
{
    for (size_t i = 0; i < sizeof gpus / sizeof gpus[0]; i++)
        if (!strcmp(v, gpus[i].name)) {
            c->hw.peak_tflops = gpus[i].tflops;
            return PS_OK;
        }
    enum ps_status st = parse_num("cluster", k, v, 0, &c->hw.peak_tflops, d);
    if (st != PS_OK && d != NULL)
        snprintf(d->msg, sizeof d->msg,
                 "cluster.gpu: must be peak TFLOP/s per GPU or a GPU name (a100, h100, h200, "
                 "gh200, b200, mi300x) (got '%.60s')",
                 v);
    return st;
}

static enum ps_status set_hbm(struct cluster *c, const char *k, const char *v, struct ps_diag *d)
{
    c->mem = MEM_HBM;
    return parse_num("cluster", k, v, 0, &c->mem_value, d);
}

static enum ps_status set_mem(struct cluster *c, const char *k, const char *v, struct ps_diag *d)
{
    size_t n = strlen(v);
    if (!strcmp(v, "none")) {
        c->mem = MEM_NONE;
        return PS_OK;
    }
    if (!strcmp(v, "1f1b")) {
        c->mem = MEM_1F1B;
        c->mem_value = 1;
        return PS_OK;
    }
    if (n > 1 && v[n - 1] == 'x') {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(n - 1), v);
        c->mem = MEM_1F1B;
        return parse_num("cluster", k, tmp, 0, &c->mem_value, d);
    }
    c->mem = MEM_UNITS;
    enum ps_status st = parse_num("cluster", k, v, 0, &c->mem_value, d);
    if (st != PS_OK && d != NULL)
        snprintf(d->msg, sizeof d->msg,
                 "cluster.mem: must be none, 1f1b, a multiple of it (2x) or activation "
                 "units (got '%.60s')",
                 v);
    return st;
}

static enum ps_status set_inter(struct cluster *c, const char *k, const char *v, struct ps_diag *d)
{
    return parse_link(k, v, &c->inter, d);
}

static enum ps_status set_intra(struct cluster *c, const char *k, const char *v, struct ps_diag *d)
{
    return parse_link(k, v, &c->intra, d);
}

static enum ps_status set_w(struct cluster *c, const char *k, const char *v, struct ps_diag *d)
{
    enum ps_status st = parse_num("cluster", k, v, 0, &c->w, d);
    if (st == PS_OK && c->w > 1)
        return ps_diag_set(d, PS_EINVAL, "cluster.w", "must be in [0, 1] (got %g)", c->w);
    return st;
}

static enum ps_status set_tokens(struct cluster *c, const char *k, const char *v, struct ps_diag *d)
{
    int t = 0;
    enum ps_status st = parse_int("cluster", k, v, 1, 2000000000, &t, d);
    if (st == PS_OK)
        c->tokens = t;
    return st;
}

static enum ps_status set_dpcomm(struct cluster *c, const char *k, const char *v, struct ps_diag *d)
{
    if (!strcmp(v, "auto")) {
        c->dpcomm = -1;
        return PS_OK;
    }
    bool on = false;
    enum ps_status st = parse_bool("cluster", k, v, &on, d);
    if (st == PS_OK)
        c->dpcomm = on ? 1 : 0;
    if (st != PS_OK && d != NULL)
        snprintf(d->msg, sizeof d->msg, "cluster.dpcomm: must be auto, on or off (got '%.60s')", v);
    return st;
}

enum cluster_kind { CK_INT, CK_NUM, CK_BOOL, CK_LIST, CK_OTHER };

#define CL(member) offsetof(struct cluster, member)
#define NO_FLAG ((size_t)-1)

/* Every key of a cluster spec: a number, a flag or a list at an offset, or a setter. */
static const struct cluster_key {
    const char *name, *alias;
    enum cluster_kind kind;
    size_t off;  /* the value (CK_LIST: the list, its count at off_n) */
    size_t flag; /* a bool set when the key is given, or NO_FLAG */
    double lo, hi;
    size_t off_n;
    enum ps_status (*set)(struct cluster *c, const char *k, const char *v, struct ps_diag *d);
} cluster_keys[] = {
    {"dcs", NULL, CK_INT, CL(dcs), CL(has_dcs), 1, PS_MAX_DCS, 0, NULL},
    {"split", NULL, CK_LIST, CL(split), NO_FLAG, 0, PS_MAX_DCS, CL(n_split), NULL},
    {"names", NULL, CK_OTHER, 0, NO_FLAG, 0, 0, 0, set_names},
    {"pp", "stages", CK_INT, CL(pp), NO_FLAG, 1, PS_MAX_STAGES, 0, NULL},
    {"tp", NULL, CK_INT, CL(tp), NO_FLAG, 1, 1 << 20, 0, NULL},
    {"dp", NULL, CK_INT, CL(dp), NO_FLAG, 1, 1 << 20, 0, NULL},
    {"mbs", NULL, CK_INT, CL(mbs), NO_FLAG, 1, 1 << 20, 0, NULL},
    {"seq", NULL, CK_INT, CL(seq), NO_FLAG, 1, 100000000, 0, NULL},
    {"mb", "microbatches", CK_INT, CL(mb), NO_FLAG, 1, PS_MAX_MICROBATCHES, 0, NULL},
    {"gbs", NULL, CK_INT, CL(gbs), NO_FLAG, 1, 1 << 30, 0, NULL},
    {"tokens", NULL, CK_OTHER, 0, NO_FLAG, 0, 0, 0, set_tokens},
    {"layers", NULL, CK_LIST, CL(layers), NO_FLAG, 0, PS_MAX_STAGES, CL(n_layers), NULL},
    {"gpu", NULL, CK_OTHER, 0, NO_FLAG, 0, 0, 0, set_gpu},
    {"util", NULL, CK_NUM, CL(hw.util), NO_FLAG, 0, 0, 0, NULL},
    {"bytes", NULL, CK_NUM, CL(hw.bytes_per_element), NO_FLAG, 0, 0, 0, NULL},
    {"tf", NULL, CK_NUM, CL(tf), NO_FLAG, 0, 0, 0, NULL},
    {"recompute", NULL, CK_BOOL, CL(recompute), NO_FLAG, 0, 0, 0, NULL},
    {"mem", NULL, CK_OTHER, 0, NO_FLAG, 0, 0, 0, set_mem},
    {"hbm", NULL, CK_OTHER, 0, NO_FLAG, 0, 0, 0, set_hbm},
    {"gpus", NULL, CK_INT, CL(gpus), NO_FLAG, 1, 1 << 30, 0, NULL},
    {"pipeline_dcs", NULL, CK_INT, CL(pipeline_dcs), NO_FLAG, 1, PS_MAX_DCS, 0, NULL},
    {"dpcomm", NULL, CK_OTHER, 0, NO_FLAG, 0, 0, 0, set_dpcomm},
    {"link", "inter", CK_OTHER, 0, NO_FLAG, 0, 0, 0, set_inter},
    {"intra", NULL, CK_OTHER, 0, NO_FLAG, 0, 0, 0, set_intra},
    {"lat", NULL, CK_NUM, CL(lat), CL(has_lat), 0, 0, 0, NULL},
    {"bw", NULL, CK_NUM, CL(bw), CL(has_bw), 0, 0, 0, NULL},
    {"latr", NULL, CK_NUM, CL(latr), CL(has_latr), 0, 0, 0, NULL},
    {"bwr", NULL, CK_NUM, CL(bwr), CL(has_bwr), 0, 0, 0, NULL},
    {"w", "weight_share", CK_OTHER, 0, NO_FLAG, 0, 0, 0, set_w},
};

static enum ps_status cluster_set(struct cluster *c, const struct kv *e, struct ps_diag *d)
{
    const char *k = e->key, *v = e->value;
    char *base = (char *)c;
    for (size_t i = 0; i < sizeof cluster_keys / sizeof cluster_keys[0]; i++) {
        const struct cluster_key *ck = &cluster_keys[i];
        if (strcmp(k, ck->name) != 0 && (ck->alias == NULL || strcmp(k, ck->alias) != 0))
            continue;
        if (ck->flag != NO_FLAG)
            *(bool *)(base + ck->flag) = true;
        switch (ck->kind) {
        case CK_INT:
            return parse_int("cluster", k, v, (int)ck->lo, (int)ck->hi, (int *)(base + ck->off), d);
        case CK_NUM:
            return parse_num("cluster", k, v, ck->lo, (double *)(base + ck->off), d);
        case CK_BOOL:
            return parse_bool("cluster", k, v, (bool *)(base + ck->off), d);
        case CK_LIST: {
            int n = parse_int_list("cluster", k, v, (int *)(base + ck->off), (int)ck->hi, d);
            *(int *)(base + ck->off_n) = n;
            return n < 0 ? PS_EINVAL : PS_OK;
        }
        case CK_OTHER:
            return ck->set(c, k, v, d);
        }
    }
    char known[512];
    size_t used = 0;
    for (size_t i = 0; i < sizeof cluster_keys / sizeof cluster_keys[0] && used < sizeof known; i++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                 cluster_keys[i].name);
    return ps_diag_set(d, PS_EINVAL, "", "cluster.%s: unknown key (known: %s)", k, known);
}

/* Six significant digits: the numbers a calculator can honestly claim, and readable JSON. */
static double round6(double x)
{
    if (x == 0.0 || !isfinite(x))
        return x;
    double mag = floor(log10(fabs(x)));
    double scale = pow(10.0, 5.0 - mag);
    return round(x * scale) / scale;
}

static void describe(char *buf, size_t size, const char *model_name, const char *model_spec,
                     const char *cluster_spec, const struct ps_calc_stage *st, int pp, double tf_ms,
                     double msg_mb, int dp)
{
    double act = 0, stat = 0;
    char named[PS_NAME_MAX + 8] = "", shared[96] = "";
    for (int s = 0; s < pp; s++) {
        if (st[s].act_bytes > act)
            act = st[s].act_bytes;
        if (st[s].static_bytes > stat)
            stat = st[s].static_bytes;
    }
    if (strcmp(model_name, model_spec) != 0)
        snprintf(named, sizeof named, " (%s)", model_name);
    if (dp > 1)
        snprintf(shared, sizeof shared, ", the messages of %d data-parallel replicas together", dp);
    snprintf(buf, size,
             "Calculated by pipescope from --model %s%s --cluster %s: T_F = %.6g ms, %.6g MB "
             "per microbatch between stages%s; per GPU of the largest stage, activations of "
             "%.4g GB per microbatch and model states of %.4g GB.",
             model_spec, named, cluster_spec, tf_ms, msg_mb, shared, act / 1e9, stat / 1e9);
}

/* Applies "KEY=VALUE" overrides to a parsed model (after its spec's own keys). */
static enum ps_status model_override(struct ps_calc_model *m, const char *const *over, int n,
                                     struct ps_diag *d)
{
    bool seen[8];
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(over[i], '=');
        struct kv e;
        size_t kn = eq != NULL ? (size_t)(eq - over[i]) : 0;
        if (eq == NULL || kn == 0 || kn >= sizeof e.key || strlen(eq + 1) >= sizeof e.value)
            return ps_diag_set(d, PS_EINVAL, "model", "'%.60s' is not KEY=VALUE", over[i]);
        memcpy(e.key, over[i], kn);
        e.key[kn] = '\0';
        snprintf(e.value, sizeof e.value, "%s", eq + 1);
        enum ps_status st = fix_diag(model_set(m, &e, seen, d), d);
        if (st != PS_OK)
            return st;
    }
    return PS_OK;
}

/* The cluster: defaults, then the spec's keys, then the overrides (last one wins). */
static enum ps_status cluster_parse(const char *cluster, const char *const *over, int n_over,
                                    struct cluster *c, struct ps_diag *d)
{
    struct kv_list *l = calloc(1, sizeof *l);
    if (l == NULL)
        return ps_diag_set(d, PS_ENOMEM, "cluster", "out of memory");
    /* Defaults: two DCs over a metro link, one GPU per stage at CrossPipe's simulated
     * 500 TFLOP/s, BF16, 2 x pp microbatches (CrossPipe's default GBS), no memory limit. */
    c->dcs = 2;
    c->pp = 0;
    c->tp = c->dp = c->mbs = 1;
    c->hw = (struct ps_calc_hw){500, 1, 2};
    c->inter = link_classes[1].link;
    c->intra = link_classes[0].link;
    c->w = -1;
    c->dpcomm = -1;
    enum ps_status rc = PS_OK;
    if (cluster != NULL && cluster[0] != '\0')
        rc = is_json_file(cluster) ? kv_parse_json_file(cluster, l, "cluster", d)
                                   : kv_parse_spec(cluster, l, NULL, 0, "cluster", d);
    for (int i = 0; i < n_over && rc == PS_OK; i++) {
        const char *eq = strchr(over[i], '=');
        rc = eq != NULL
                 ? kv_add(l, over[i], (size_t)(eq - over[i]), eq + 1, strlen(eq + 1), "cluster", d)
                 : ps_diag_set(d, PS_EINVAL, "cluster", "'%.60s' is not KEY=VALUE", over[i]);
    }
    for (int i = 0; i < l->n && rc == PS_OK; i++)
        rc = fix_diag(cluster_set(c, &l->kv[i], d), d);
    free(l);
    return rc;
}

/* Stages, DCs and names: the checks between keys. */
static enum ps_status cluster_shape(struct cluster *c, struct ps_diag *d)
{
    if (c->pp == 0)
        c->pp = c->n_layers;
    int K = c->pipeline_dcs > 0 ? c->pipeline_dcs : c->dcs;
    if (c->n_split > 0) {
        int sum = 0;
        for (int i = 0; i < c->n_split; i++)
            sum += c->split[i];
        if (c->pp == 0)
            c->pp = sum;
        if (c->pipeline_dcs > 0 ? c->n_split != K : c->has_dcs && c->n_split != c->dcs)
            return ps_diag_set(d, PS_EINVAL, "cluster.split", "has %d DCs but %s=%d", c->n_split,
                               c->pipeline_dcs > 0 ? "pipeline_dcs" : "dcs",
                               c->pipeline_dcs > 0 ? K : c->dcs);
        if (c->pipeline_dcs == 0)
            c->dcs = K = c->n_split;
        if (sum != c->pp)
            return ps_diag_set(d, PS_EINVAL, "cluster.split",
                               "the DCs' stages add up to %d, but pp=%d", sum, c->pp);
    }
    if (c->pp == 0)
        return ps_diag_set(d, PS_EINVAL, "cluster.pp", "missing: how many pipeline stages?");
    if (c->pp > PS_MAX_STAGES)
        return ps_diag_set(d, PS_EINVAL, "cluster.pp", "at most %d stages (got %d)", PS_MAX_STAGES,
                           c->pp);
    if (K > c->dcs || c->dcs % K != 0)
        return ps_diag_set(d, PS_EINVAL, "cluster.pipeline_dcs", "must divide the %d DCs (got %d)",
                           c->dcs, K);
    if (c->dp % (c->dcs / K) != 0)
        return ps_diag_set(d, PS_EINVAL, "cluster.dp",
                           "the replicas must spread evenly over the %d DC groups a DP group "
                           "spans (got dp=%d)",
                           c->dcs / K, c->dp);
    if (K > c->pp)
        return ps_diag_set(d, PS_EINVAL,
                           c->pipeline_dcs > 0 ? "cluster.pipeline_dcs" : "cluster.dcs",
                           "%d DCs need at least %d stages (pp=%d)", K, K, c->pp);
    if (c->n_layers > 0 && c->n_layers != c->pp)
        return ps_diag_set(d, PS_EINVAL, "cluster.layers", "has %d stages but pp=%d", c->n_layers,
                           c->pp);
    if (c->n_names > 0 && c->n_names != K && c->n_names != c->dcs)
        return ps_diag_set(d, PS_EINVAL, "cluster.names", "has %d names for %d DCs", c->n_names, K);
    if (c->has_lat && c->has_latr)
        return ps_diag_set(d, PS_EINVAL, "cluster.latr", "give lat (ms) or latr (x T_F), not both");
    if (c->has_bw && c->has_bwr)
        return ps_diag_set(d, PS_EINVAL, "cluster.bwr", "give bw (Gb/s) or bwr (x T_F), not both");
    c->pipeline_dcs = K;
    return PS_OK;
}

/* Microbatches per replica: mb, gbs / (dp x mbs), tokens / (seq x mbs x dp), or 2 x pp. */
static enum ps_status cluster_microbatches(const struct cluster *c, int seq, int *mb,
                                           struct ps_diag *d)
{
    int given = (c->mb > 0) + (c->gbs > 0) + (c->tokens > 0);
    if (given > 1)
        return ps_diag_set(d, PS_EINVAL, c->tokens > 0 ? "cluster.tokens" : "cluster.gbs",
                           "give one of mb, gbs and tokens");
    *mb = c->mb > 0 ? c->mb : 2 * c->pp;
    if (c->gbs > 0) {
        if (c->gbs % (c->dp * c->mbs) != 0 || c->gbs / (c->dp * c->mbs) > PS_MAX_MICROBATCHES)
            return ps_diag_set(d, PS_EINVAL, "cluster.gbs",
                               "must be a multiple of dp x mbs = %d giving at most %d "
                               "microbatches (got %d)",
                               c->dp * c->mbs, PS_MAX_MICROBATCHES, c->gbs);
        *mb = c->gbs / (c->dp * c->mbs);
    }
    if (c->tokens > 0) {
        long per = (long)seq * c->mbs * c->dp;
        if (c->tokens % per != 0 || c->tokens / per > PS_MAX_MICROBATCHES)
            return ps_diag_set(d, PS_EINVAL, "cluster.tokens",
                               "%ld tokens are not a whole number of microbatches of seq x mbs x "
                               "dp = %d x %d x %d tokens (at most %d)",
                               c->tokens, seq, c->mbs, c->dp, PS_MAX_MICROBATCHES);
        *mb = (int)(c->tokens / per);
    }
    if (*mb > PS_MAX_MICROBATCHES)
        return ps_diag_set(d, PS_EINVAL, "cluster.mb", "at most %d microbatches (got %d)",
                           PS_MAX_MICROBATCHES, *mb);
    return PS_OK;
}

/* The stages of the pipeline's DC i. */
static int dc_stages(const struct cluster *c, int i)
{
    int K = c->pipeline_dcs;
    return c->n_split > 0 ? c->split[i] : c->pp / K + (i < c->pp % K ? 1 : 0);
}

/* GPUs per DC (against gpus=) and model states against HBM (hbm=): the layout fits or d says
 * why not ("too few GPUs", "out of HBM"). Fills the report's counts. */
static enum ps_status cluster_fit(const struct cluster *c, const struct ps_calc_stage *st,
                                  struct ps_calc_report *rep, struct ps_diag *d)
{
    int D = c->dcs / c->pipeline_dcs, need = 0, busiest = 0;
    for (int i = 0; i < c->pipeline_dcs; i++) {
        long g = (long)c->tp * dc_stages(c, i) * (c->dp / D);
        if (g > need) {
            need = g > INT32_MAX ? INT32_MAX : (int)g;
            busiest = i;
        }
    }
    double states = 0, act = 0;
    for (int s = 0; s < c->pp; s++) {
        if (st[s].static_bytes > states)
            states = st[s].static_bytes;
        if (st[s].act_bytes > act)
            act = st[s].act_bytes;
    }
    if (rep != NULL) {
        rep->gpus_per_dc = need;
        rep->gpus_total = (long)c->tp * c->pp * c->dp;
        rep->static_gb = states / 1e9;
        rep->act_gb = act / 1e9;
    }
    if (c->gpus > 0 && need > c->gpus)
        return ps_diag_set(d, PS_EINVAL, "cluster.gpus",
                           "too few GPUs: DC %d needs %d (tp %d x %d stages x %d replicas), it "
                           "has %d",
                           busiest, need, c->tp, dc_stages(c, busiest), c->dp / D, c->gpus);
    if (c->mem == MEM_HBM && states >= c->mem_value * 1e9)
        return ps_diag_set(d, PS_EINVAL, "cluster.hbm",
                           "out of HBM: model states take %.4g GB per GPU, more than %g GB; "
                           "raise tp, pp or dp",
                           states / 1e9, c->mem_value);
    return PS_OK;
}

/* The scenario's links, memory limit and data-parallel times from the cluster. */
static enum ps_status fill_network(const struct cluster *c, const struct ps_calc_model *m,
                                   const struct ps_calc_stage *st, double tf, double msg_mb,
                                   struct ps_scenario *sc, struct ps_calc_report *rep,
                                   struct ps_diag *d)
{
    /* Inside a DC every replica has its own links, so the dp-fold message of one channel
     * crosses dp links at once: bandwidth x dp gives each its true time. */
    sc->intra_dc = c->intra;
    sc->intra_dc.bandwidth_gbps = round6(c->intra.bandwidth_gbps * c->dp);
    sc->inter_dc = c->inter;
    if (c->has_lat)
        sc->inter_dc.latency_ms = c->lat;
    if (c->has_bw)
        sc->inter_dc.bandwidth_gbps = c->bw;
    if (c->has_latr)
        sc->inter_dc.latency_ms = round6(c->latr * tf);
    if (c->has_bwr)
        sc->inter_dc.bandwidth_gbps =
            c->bwr > 0 && msg_mb > 0 ? round6(msg_mb * 8.0 / (c->bwr * tf)) : 0.0;

    sc->weight_share = c->w >= 0 ? c->w : round6(ps_calc_weight_share(m));
    switch (c->mem) {
    case MEM_NONE:
        sc->has_memory_limit = false;
        break;
    case MEM_UNITS:
        sc->has_memory_limit = true;
        sc->memory_limit = c->mem_value;
        break;
    case MEM_1F1B:
        sc->has_memory_limit = true;
        sc->memory_limit = c->mem_value * c->pp;
        break;
    case MEM_HBM: {
        double lim = ps_calc_memory_limit(st, c->pp, c->mem_value);
        double need = 0;
        for (int s = 0; s < c->pp; s++)
            if (st[s].static_bytes > need)
                need = st[s].static_bytes;
        if (lim < 1.0)
            return ps_diag_set(d, PS_EINVAL, "cluster.hbm",
                               "out of HBM: %g GB per GPU leaves room for %s microbatch (model "
                               "states alone take %.4g GB); raise tp, pp or dp",
                               c->mem_value, lim < 0 ? "not even one" : "less than one",
                               need / 1e9);
        sc->has_memory_limit = true;
        sc->memory_limit = lim;
        break;
    }
    }

    int D = c->dcs / c->pipeline_dcs;
    bool dpcomm = c->dpcomm < 0 ? D > 1 : c->dpcomm == 1;
    if (dpcomm && c->dp > 1) {
        /* The DP link between DC groups is the cross-DC link (with lat/bw overrides). */
        struct ps_calc_dp net = {c->tp,
                                 c->dp,
                                 D,
                                 c->hw.bytes_per_element,
                                 c->intra.latency_ms,
                                 c->intra.bandwidth_gbps,
                                 sc->inter_dc.latency_ms,
                                 sc->inter_dc.bandwidth_gbps};
        double worst = 0;
        for (int i = 0, first = 0; i < c->pipeline_dcs; first += dc_stages(c, i), i++) {
            double t = ps_calc_dp_ms(&net, st, first, dc_stages(c, i));
            if (t > worst)
                worst = t;
        }
        sc->has_data_parallel = true;
        sc->allgather_ms = sc->reduce_scatter_ms = round6(worst);
        if (rep != NULL)
            rep->dp_ms = sc->allgather_ms;
    }
    return PS_OK;
}

/* Names, stages and per-stage times of the pipeline's DCs. */
static enum ps_status fill_stages(const struct cluster *c, const struct ps_calc_stage *st, int mb,
                                  struct ps_scenario *sc)
{
    int K = c->pipeline_dcs;
    sc->n_stages = c->pp;
    sc->n_microbatches = mb;
    sc->n_dcs = K;
    sc->dcs = calloc((size_t)K, sizeof *sc->dcs);
    if (sc->dcs == NULL)
        return PS_ENOMEM;
    for (int i = 0; i < K; i++) {
        /* Even split, the first DCs taking one more stage when it does not divide. */
        sc->dcs[i].stages = dc_stages(c, i);
        sc->dcs[i].compute_scale = 1;
        if (c->n_names > 0)
            snprintf(sc->dcs[i].name, sizeof sc->dcs[i].name, "%s", c->names[i]);
        else
            snprintf(sc->dcs[i].name, sizeof sc->dcs[i].name, "dc%d", i);
    }
    bool uniform = true;
    int big = 0;
    for (int s = 1; s < c->pp; s++) {
        if (st[s].forward_ms != st[0].forward_ms || st[s].backward_ms != st[0].backward_ms ||
            st[s].weight_ms != st[0].weight_ms)
            uniform = false;
        if (st[s].forward_ms > st[big].forward_ms)
            big = s;
    }
    sc->compute.forward_ms = round6(st[big].forward_ms);
    sc->compute.backward_ms = round6(st[big].backward_ms);
    sc->compute.weight_ms = round6(st[big].weight_ms);
    if (!uniform) {
        sc->per_stage = calloc((size_t)c->pp, sizeof *sc->per_stage);
        if (sc->per_stage == NULL)
            return PS_ENOMEM;
        for (int s = 0; s < c->pp; s++)
            sc->per_stage[s] = (struct ps_compute){
                round6(st[s].forward_ms), round6(st[s].backward_ms), round6(st[s].weight_ms)};
    }
    return PS_OK;
}

/* The recipe's cluster text: the spec and the overrides after it. */
static void recipe_cluster(const char *cluster, const char *const *over, int n, char *buf,
                           size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "%s", cluster != NULL ? cluster : "(defaults)");
    for (int i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, ",%s", over[i]);
}

enum ps_status ps_scenario_from_model_ex(const struct ps_model_source *src, struct ps_scenario *sc,
                                         struct ps_calc_report *rep, struct ps_diag *d)
{
    struct ps_calc_model m;
    char model_name[PS_NAME_MAX];
    struct cluster *c = NULL;
    struct ps_calc_stage *st = NULL;
    enum ps_status rc;

    ps_scenario_init(sc);
    ps_diag_clear(d);
    if (rep != NULL)
        memset(rep, 0, sizeof *rep);
    if (src->model == NULL || src->model[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, "model", "no model given");
    rc = ps_model_parse(src->model, &m, model_name, sizeof model_name, d);
    if (rc == PS_OK)
        rc = model_override(&m, src->model_over, src->n_model_over, d);
    if (rc != PS_OK)
        return rc;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return ps_diag_set(d, PS_ENOMEM, "cluster", "out of memory");
    rc = cluster_parse(src->cluster, src->cluster_over, src->n_cluster_over, c, d);
    if (rc == PS_OK)
        rc = cluster_shape(c, d);
    if (rc != PS_OK)
        goto fail;
    if (c->seq > 0)
        m.seq = c->seq;
    if (rep != NULL) { /* the layout, also for a point that turns out not to fit */
        rep->pp = c->pp;
        rep->tp = c->tp;
        rep->dp = c->dp;
        rep->mbs = c->mbs;
        rep->seq = m.seq;
        rep->dcs = c->dcs;
        rep->pipeline_dcs = c->pipeline_dcs;
    }
    int mb = 0;
    if ((rc = cluster_microbatches(c, m.seq, &mb, d)) != PS_OK)
        goto fail;
    if (rep != NULL)
        rep->microbatches = mb;

    struct ps_calc_layout lay = {
        c->tp, c->pp, c->dp, c->mbs, c->n_layers > 0 ? c->layers : NULL, c->recompute};
    st = calloc((size_t)c->pp, sizeof *st);
    if (st == NULL) {
        rc = ps_diag_set(d, PS_ENOMEM, "cluster", "out of memory");
        goto fail;
    }
    if ((rc = ps_calc_stages(&m, &lay, &c->hw, st, d)) != PS_OK ||
        (rc = cluster_fit(c, st, rep, d)) != PS_OK)
        goto fail;
    double tf = 0;
    for (int s = 0; s < c->pp; s++)
        if (st[s].forward_ms > tf)
            tf = st[s].forward_ms;
    if (c->tf > 0) {
        /* Calibrate to a measured T_F: the achieved throughput, not the FLOPs, is unknown. */
        double k = c->tf / tf;
        for (int s = 0; s < c->pp; s++) {
            st[s].forward_ms *= k;
            st[s].backward_ms *= k;
            st[s].weight_ms *= k;
        }
        tf = c->tf;
    }
    /* Delay ratios refer to the T_F written into the scenario, so that a preset's latency
     * is exactly its ratio times its own T_F. */
    tf = round6(tf);
    double msg_mb = round6(ps_calc_message_bytes(&m, &lay, &c->hw) / 1e6);
    if (fill_stages(c, st, mb, sc) != PS_OK) {
        rc = ps_diag_set(d, PS_ENOMEM, "cluster", "out of memory");
        goto fail;
    }
    sc->activation_mb = msg_mb;
    if ((rc = fill_network(c, &m, st, tf, msg_mb, sc, rep, d)) != PS_OK)
        goto fail;

    snprintf(sc->name, sizeof sc->name, "%s pp%d tp%d dp%d, %d DC%s", model_name, c->pp, c->tp,
             c->dp, c->pipeline_dcs, c->pipeline_dcs == 1 ? "" : "s");
    char desc[1024], recipe[600];
    recipe_cluster(src->cluster, src->cluster_over, src->n_cluster_over, recipe, sizeof recipe);
    describe(desc, sizeof desc, model_name, src->model, recipe, st, c->pp, tf, msg_mb, c->dp);
    sc->description = strdup(desc);
    if (sc->description == NULL) {
        rc = ps_diag_set(d, PS_ENOMEM, "cluster", "out of memory");
        goto fail;
    }
    if (rep != NULL)
        rep->tokens = (double)mb * c->mbs * m.seq * c->dp;
    rc = ps_scenario_validate(sc, d);
    if (rc != PS_OK)
        goto fail;
    free(st);
    free(c);
    return PS_OK;

fail:
    ps_scenario_fini(sc);
    free(st);
    free(c);
    return rc;
}

enum ps_status ps_scenario_from_model(const char *model, const char *cluster,
                                      struct ps_scenario *sc, struct ps_diag *d)
{
    struct ps_model_source src = {.model = model, .cluster = cluster};
    return ps_scenario_from_model_ex(&src, sc, NULL, d);
}
