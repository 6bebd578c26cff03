/* Every field of a scenario file x every kind of bad value: each refusal names the field
 * that holds the bad value (never a neighbour), broken number syntax is a syntax error with
 * a line and column, and values that are fine are accepted. The two base scenarios hold
 * every optional part (pairs, per-stage times, per-microbatch scales, data parallelism, a
 * memory limit), so every field below exists and matters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "core/io/io.h"

#define MB_ENTRY "{\"compute_scale\": 1, \"activation_scale\": 1, \"memory_scale\": 1}"
#define STAGE_ENTRY "{\"forward_ms\": 1, \"backward_ms\": 1, \"weight_ms\": 1}"

static const char base_text[] =
    "{ \"format\": \"pipescope-scenario/1\", \"name\": \"base\", \"description\": \"d\",\n"
    "  \"stages\": 4, \"microbatches\": 4,\n"
    "  \"datacenters\": [ {\"name\": \"east\", \"stages\": 2, \"compute_scale\": 1},\n"
    "                    {\"name\": \"west\", \"stages\": 2, \"compute_scale\": 1} ],\n"
    "  \"compute\": { \"forward_ms\": 1, \"backward_ms\": 1, \"weight_ms\": 1 },\n"
    "  \"activation_mb\": 1,\n"
    "  \"network\": { \"intra_dc\": {\"latency_ms\": 0.1, \"bandwidth_gbps\": 100},\n"
    "               \"inter_dc\": {\"latency_ms\": 1, \"bandwidth_gbps\": 10},\n"
    "               \"pairs\": [ {\"from\": 0, \"to\": 1, \"latency_ms\": 2,\n"
    "                           \"bandwidth_gbps\": 5} ] },\n"
    "  \"memory\": { \"limit\": 8, \"weight_share\": 0.5 },\n"
    "  \"data_parallel\": { \"allgather_ms\": 1, \"reduce_scatter_ms\": 1 },\n"
    "  \"per_microbatch\": [ " MB_ENTRY ", " MB_ENTRY ", " MB_ENTRY ", " MB_ENTRY " ] }\n";

/* The same with per-stage times, which then decide every stage's compute. */
static const char per_stage_text[] =
    "{ \"format\": \"pipescope-scenario/1\", \"stages\": 4, \"microbatches\": 4,\n"
    "  \"datacenters\": [ {\"name\": \"east\", \"stages\": 2}, {\"name\": \"west\", "
    "\"stages\": 2} ],\n"
    "  \"compute\": { \"forward_ms\": 1, \"backward_ms\": 1, \"weight_ms\": 1,\n"
    "    \"per_stage\": [ " STAGE_ENTRY ", " STAGE_ENTRY ", " STAGE_ENTRY ", " STAGE_ENTRY " ] },\n"
    "  \"activation_mb\": 1,\n"
    "  \"network\": { \"inter_dc\": {\"latency_ms\": 1, \"bandwidth_gbps\": 10} } }\n";

/* Kinds of values, as raw JSON text. */
enum kind {
    K_STRING,
    K_TRUE,
    K_NULL,
    K_ARRAY,
    K_OBJECT,
    K_NEG,
    K_ZERO,
    K_HALF,
    K_ONE,
    K_BIG,
    K_NEGBIG,
    K_INF,
    K_NEGINF,
    K_TINY,
    K_HUGEINT,
    K_LEAD0,
    K_PLUS,
    K_DOT,
    K_TRAIL,
    K_HEX,
    K_NAN,
    K_COUNT
};
static const char *const kind_text[K_COUNT] = {
    "\"x\"", "true",   "null",   "[]",         "{}",  "-1", "0",  "0.5", "1",    "1e308", "-1e308",
    "1e999", "-1e999", "1e-300", "2147483648", "007", "+1", ".5", "1.",  "0x10", "NaN"};

/* What must happen: accepted; refused naming exactly the field; refused naming the field or
 * one below it; a syntax error (line and column); accepted or refused naming the field;
 * anything but a crash (a value that is fine alone but breaks a rule with another field:
 * the other field may be named). */
enum want { OK, BAD, BAD_BELOW, SYNTAX, EITHER, ANY };

enum cls {
    C_STAGES,     /* stages, microbatches */
    C_DC_STAGES,  /* datacenters.N.stages */
    C_POS_TIME,   /* forward_ms, backward_ms: > 0 */
    C_TIME,       /* weight_ms, latencies, data-parallel times: >= 0 */
    C_SIZE,       /* activation_mb */
    C_BANDWIDTH,  /* >= 0, 0 = unlimited */
    C_TIME_SCALE, /* compute_scale: > 0, multiplies times */
    C_ACT_SCALE,  /* activation_scale: >= 0, multiplies message sizes */
    C_MEM_SCALE,  /* memory_scale: > 0 */
    C_LIMIT,      /* memory.limit: > 0 or null */
    C_SHARE,      /* weight_share: 0..1 */
    C_TEXT,       /* name, description: a string or null */
    C_DC_NAME,    /* a required non-empty string */
    C_DC_REF,     /* a datacenter name or index */
    C_OBJ,        /* an optional object whose fields all have defaults */
    C_OBJ_REQ,    /* compute: a required object */
    C_ARR_REQ,    /* datacenters */
    C_ARR_OPT,    /* per_stage, per_microbatch: null or one entry per item */
    C_PAIRS,      /* network.pairs: null or any number of pairs */
};

static enum want expect(enum cls c, enum kind k)
{
    if (k >= K_LEAD0)
        return SYNTAX;
    bool number = k >= K_NEG && k <= K_HUGEINT;
    switch (c) {
    case C_STAGES:
        return k == K_ONE ? ANY : BAD;
    case C_DC_STAGES:
        return k == K_ONE ? ANY : BAD;
    case C_POS_TIME:
        return k == K_HALF || k == K_ONE ? OK : k == K_HUGEINT ? EITHER : BAD;
    case C_TIME:
        return k == K_ZERO || k == K_HALF || k == K_ONE ? OK : k == K_HUGEINT ? EITHER : BAD;
    case C_SIZE:
        return k == K_ZERO || k == K_HALF || k == K_ONE || k == K_TINY ? OK
               : k == K_HUGEINT                                        ? EITHER
                                                                       : BAD;
    case C_BANDWIDTH:
        return k == K_ZERO || k == K_HALF || k == K_ONE || k == K_BIG || k == K_HUGEINT ? OK : BAD;
    case C_TIME_SCALE:
        return k == K_HALF || k == K_ONE ? OK : k == K_HUGEINT ? EITHER : BAD;
    case C_ACT_SCALE:
        return k == K_ZERO || k == K_HALF || k == K_ONE || k == K_TINY ? OK
               : k == K_HUGEINT                                        ? EITHER
                                                                       : BAD;
    case C_MEM_SCALE:
        return k == K_HALF || k == K_ONE || k == K_TINY || k == K_BIG || k == K_HUGEINT ? OK : BAD;
    case C_LIMIT:
        return k == K_NULL || k == K_HALF || k == K_ONE || k == K_TINY || k == K_BIG ||
                       k == K_HUGEINT
                   ? OK
                   : BAD;
    case C_SHARE:
        return k == K_ZERO || k == K_HALF || k == K_ONE || k == K_TINY ? OK : BAD;
    case C_TEXT:
        return k == K_STRING || k == K_NULL ? OK : BAD;
    case C_DC_NAME:
        return k == K_STRING ? OK : BAD;
    case C_DC_REF:
        return k == K_ZERO || k == K_ONE ? ANY : BAD;
    case C_OBJ:
        return k == K_NULL || k == K_OBJECT ? OK : BAD;
    case C_OBJ_REQ:
        return k == K_OBJECT ? BAD_BELOW : BAD;
    case C_ARR_REQ:
        return BAD;
    case C_ARR_OPT:
        return k == K_NULL ? OK : BAD;
    case C_PAIRS:
        return k == K_NULL || k == K_ARRAY ? OK : BAD;
    }
    (void)number;
    return ANY;
}

struct field {
    const char *path;
    enum cls cls;
    bool per_stage_base; /* lives in the per-stage base */
};

static const struct field fields[] = {
    {"name", C_TEXT, false},
    {"description", C_TEXT, false},
    {"stages", C_STAGES, false},
    {"microbatches", C_STAGES, false},
    {"datacenters", C_ARR_REQ, false},
    {"datacenters.0.name", C_DC_NAME, false},
    {"datacenters.1.name", C_DC_NAME, false},
    {"datacenters.0.stages", C_DC_STAGES, false},
    {"datacenters.1.stages", C_DC_STAGES, false},
    {"datacenters.0.compute_scale", C_TIME_SCALE, false},
    {"datacenters.1.compute_scale", C_TIME_SCALE, false},
    {"compute", C_OBJ_REQ, false},
    {"compute.forward_ms", C_POS_TIME, false},
    {"compute.backward_ms", C_POS_TIME, false},
    {"compute.weight_ms", C_TIME, false},
    {"compute.per_stage", C_ARR_OPT, true},
    {"compute.per_stage.0.forward_ms", C_POS_TIME, true},
    {"compute.per_stage.3.backward_ms", C_POS_TIME, true},
    {"compute.per_stage.2.weight_ms", C_TIME, true},
    {"activation_mb", C_SIZE, false},
    {"network", C_OBJ, false},
    {"network.intra_dc", C_OBJ, false},
    {"network.inter_dc", C_OBJ, false},
    {"network.intra_dc.latency_ms", C_TIME, false},
    {"network.intra_dc.bandwidth_gbps", C_BANDWIDTH, false},
    {"network.inter_dc.latency_ms", C_TIME, false},
    {"network.inter_dc.bandwidth_gbps", C_BANDWIDTH, false},
    {"network.pairs", C_PAIRS, false},
    {"network.pairs.0.from", C_DC_REF, false},
    {"network.pairs.0.to", C_DC_REF, false},
    {"network.pairs.0.latency_ms", C_TIME, false},
    {"network.pairs.0.bandwidth_gbps", C_BANDWIDTH, false},
    {"memory", C_OBJ, false},
    {"memory.limit", C_LIMIT, false},
    {"memory.weight_share", C_SHARE, false},
    {"data_parallel", C_OBJ, false},
    {"data_parallel.allgather_ms", C_TIME, false},
    {"data_parallel.reduce_scatter_ms", C_TIME, false},
    {"per_microbatch", C_ARR_OPT, false},
    {"per_microbatch.0.compute_scale", C_TIME_SCALE, false},
    {"per_microbatch.3.compute_scale", C_TIME_SCALE, false},
    {"per_microbatch.1.activation_scale", C_ACT_SCALE, false},
    {"per_microbatch.2.memory_scale", C_MEM_SCALE, false},
};

/* The base text with the value at `path` replaced by the raw text `raw`. */
static char *with_value(const char *base, const char *path, const char *raw)
{
    cJSON *root = cJSON_Parse(base);
    assert_non_null(root);
    cJSON *parent = NULL, *cur = root;
    char toks[160], last[64] = "";
    snprintf(toks, sizeof toks, "%s", path);
    for (char *save = NULL, *t = strtok_r(toks, ".", &save); t != NULL;
         t = strtok_r(NULL, ".", &save)) {
        parent = cur;
        snprintf(last, sizeof last, "%s", t);
        cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(t))
                                 : cJSON_GetObjectItemCaseSensitive(cur, t);
        if (cur == NULL)
            fail_msg("%s: not in the base", path);
    }
    cJSON *mark = cJSON_CreateString("@@VALUE@@");
    if (cJSON_IsArray(parent))
        cJSON_ReplaceItemInArray(parent, atoi(last), mark);
    else
        cJSON_ReplaceItemInObjectCaseSensitive(parent, last, mark);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char *at = strstr(text, "\"@@VALUE@@\"");
    assert_non_null(at);
    size_t head = (size_t)(at - text), tail = strlen(at + 11);
    char *out = malloc(head + strlen(raw) + tail + 1);
    memcpy(out, text, head);
    strcpy(out + head, raw);
    strcpy(out + head + strlen(raw), at + 11);
    free(text);
    return out;
}

static const char *const want_name[] = {"accepted",
                                        "refused naming it",
                                        "refused below it",
                                        "a syntax error",
                                        "accepted or refused naming it",
                                        "anything"};

static void test_every_field_every_kind(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_scenario_parse(base_text, strlen(base_text), &sc, &d), PS_OK);
    ps_scenario_fini(&sc);
    assert_int_equal(ps_scenario_parse(per_stage_text, strlen(per_stage_text), &sc, &d), PS_OK);
    ps_scenario_fini(&sc);
    int failures = 0, cases = 0;
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        for (int k = 0; k < K_COUNT; k++) {
            const struct field *fd = &fields[f];
            char *text =
                with_value(fd->per_stage_base ? per_stage_text : base_text, fd->path, kind_text[k]);
            enum ps_status st = ps_scenario_parse(text, strlen(text), &sc, &d);
            ps_scenario_fini(&sc);
            free(text);
            enum want w = expect(fd->cls, (enum kind)k);
            size_t plen = strlen(fd->path);
            bool named = st != PS_OK && st != PS_EPARSE && strcmp(d.path, fd->path) == 0;
            bool below = st != PS_OK && st != PS_EPARSE && strncmp(d.path, fd->path, plen) == 0 &&
                         (d.path[plen] == '\0' || d.path[plen] == '.');
            bool good = w == OK          ? st == PS_OK
                        : w == BAD       ? named
                        : w == SYNTAX    ? st == PS_EPARSE && d.line > 0 && d.column > 0
                        : w == EITHER    ? st == PS_OK || named
                        : w == BAD_BELOW ? below
                                         : true;
            cases++;
            if (!good) {
                failures++;
                print_message("%s = %s: want %s, got %s%s%s%s\n", fd->path, kind_text[k],
                              want_name[w], st == PS_OK ? "accepted" : d.path,
                              st == PS_OK ? "" : ": ", st == PS_OK ? "" : d.msg,
                              st == PS_EPARSE ? " (syntax)" : "");
            }
        }
    }
    print_message("%d cases, %d wrong\n", cases, failures);
    assert_int_equal(failures, 0);
}

/* The messages themselves, for the cases the issue names. */
static void test_messages(void **state)
{
    (void)state;
    static const struct {
        const char *path, *raw, *msg;
    } cases[] = {
        {"stages", "1e999", "stages: must be an integer (got a number too large to represent)"},
        {"compute.forward_ms", "1e999",
         "compute.forward_ms: must be a finite number (got a number too large to represent)"},
        {"compute.forward_ms", "1e-300",
         "compute.forward_ms: must be at least 0.000001 (1 ns), the model's time step (got "
         "1e-300)"},
        {"compute.weight_ms", "1e-300",
         "compute.weight_ms: must be 0 or at least 0.000001 (1 ns), the model's time step (got "
         "1e-300)"},
        {"datacenters.0.compute_scale", "1e308",
         "datacenters.0.compute_scale: times are too "
         "large"},
        {"datacenters.1.compute_scale", "1e-12",
         "datacenters.1.compute_scale: makes a time shorter than 1 ns"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = with_value(base_text, cases[i].path, cases[i].raw);
        struct ps_scenario sc;
        struct ps_diag d;
        enum ps_status st = ps_scenario_parse(text, strlen(text), &sc, &d);
        free(text);
        assert_int_not_equal(st, PS_OK);
        char msg[600];
        ps_diag_format(&d, NULL, msg, sizeof msg);
        if (strncmp(msg, cases[i].msg, strlen(cases[i].msg)) != 0)
            fail_msg("%s = %s: got '%s', want '%s...'", cases[i].path, cases[i].raw, msg,
                     cases[i].msg);
    }
}

/* Nesting, NUL and control characters in strings: said as such. */
static void test_syntax_messages(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    char deep[3000];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "{ \"name\": ");
    for (int i = 0; i < 1200; i++)
        deep[n++] = '[';
    deep[n] = '\0';
    assert_int_equal(ps_scenario_parse(deep, n, &sc, &d), PS_EPARSE);
    assert_non_null(strstr(d.msg, "nested too deep"));
    assert_int_equal(d.line, 1);

    const char *nul = "{ \"format\": \"pipescope-scenario/1\", \"name\": \"a\\u0000b\" }";
    assert_int_equal(ps_scenario_parse(nul, strlen(nul), &sc, &d), PS_EPARSE);
    assert_non_null(strstr(d.msg, "NUL"));
    const char raw_nul[] = "{ \"name\": \"a\0b\" }";
    assert_int_equal(ps_scenario_parse(raw_nul, sizeof raw_nul - 1, &sc, &d), PS_EPARSE);
    assert_non_null(strstr(d.msg, "control character"));
    const char *lead = "{ \"stages\": 04 }";
    assert_int_equal(ps_scenario_parse(lead, strlen(lead), &sc, &d), PS_EPARSE);
    assert_non_null(strstr(d.msg, "leading zero"));
    assert_int_equal(d.column, 13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field_every_kind),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_syntax_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
