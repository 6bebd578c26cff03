/* Figures and traces: the SVG is well-formed XML with one block per op and escaped names,
 * stacked schedules share one axis; the Chrome trace parses, has one complete event per op
 * and per transfer, flows that start in the producer and end in the consumer, and memory
 * counters whose peaks are the simulator's. */
#include <setjmp.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "core/sim.h"
#include "core/units.h"
#include "export/export.h"
#include "presets/presets.h"
#include "solvers/solver.h"

/* ---- helpers ------------------------------------------------------------------------- */

static struct ps_schedule *run(const struct ps_scenario *sc, const char *name, const char *kv)
{
    struct ps_params p;
    memset(&p, 0, sizeof p);
    struct ps_diag d;
    ps_diag_clear(&d);
    if (kv)
        assert_int_equal(ps_params_parse_kv(&p, kv, &d), PS_OK);
    const struct ps_solver *sv = ps_solver_find(name);
    assert_non_null(sv);
    struct ps_schedule *s = NULL;
    enum ps_status st = ps_solver_run(sv, sc, &p, NULL, &s, &d);
    if (st != PS_OK)
        fprintf(stderr, "%s: %s: %s\n", name, d.path, d.msg);
    assert_int_equal(st, PS_OK);
    assert_non_null(s);
    assert_true(s->timed);
    return s;
}

static void load_preset(const char *name, struct ps_scenario *sc)
{
    struct ps_diag d;
    assert_int_equal(ps_preset_load(name, sc, &d), PS_OK);
}

static void parse_scenario(const char *json, struct ps_scenario *sc)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = ps_scenario_parse(json, strlen(json), sc, &d);
    if (st != PS_OK)
        fprintf(stderr, "scenario: %s: %s\n", d.path, d.msg);
    assert_int_equal(st, PS_OK);
}

/* Two DCs with names that need escaping, data parallel, per-microbatch scales (memory too),
 * a weight share, a slow inter-DC link and intra-DC links without a bandwidth limit (so
 * some transfers travel on no channel). */
static const char rich_json[] =
    "{ \"format\": \"pipescope-scenario/1\", \"name\": \"a<b & \\\"c\\\" 'd'\",\n"
    "  \"stages\": 4, \"microbatches\": 6,\n"
    "  \"datacenters\": [ {\"name\": \"<east>\", \"stages\": 2},\n"
    "                    {\"name\": \"w&st\", \"stages\": 2, \"compute_scale\": 1.25} ],\n"
    "  \"compute\": { \"forward_ms\": 1.5, \"backward_ms\": 2.25, \"weight_ms\": 0.75 },\n"
    "  \"activation_mb\": 12.5,\n"
    "  \"network\": { \"intra_dc\": {\"latency_ms\": 0.01, \"bandwidth_gbps\": 0},\n"
    "               \"inter_dc\": {\"latency_ms\": 2, \"bandwidth_gbps\": 50} },\n"
    "  \"memory\": { \"weight_share\": 0.4 },\n"
    "  \"data_parallel\": { \"allgather_ms\": 0.5, \"reduce_scatter_ms\": 0.7 },\n"
    "  \"per_microbatch\": [ {}, {\"compute_scale\": 1.1}, {\"activation_scale\": 0.5}, {},\n"
    "                      {\"memory_scale\": 2}, {} ] }\n";

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static size_t n_dp_ops(const struct ps_schedule *s)
{
    size_t n = 0;
    for (int d = 0; s->dp_n && d < s->n_stages; d++)
        n += s->dp_n[d];
    return n;
}

/* Transmissions the figure draws: on an inter-DC channel, with a length. */
static size_t n_drawn_transfers(const struct ps_schedule *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *t = &s->transfers[i];
        if (t->channel >= 0 && s->channels[t->channel].from_stage < 0 && t->end_ns > t->start_ns)
            n++;
    }
    return n;
}

/* ---- a small XML checker ------------------------------------------------------------- */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == ':' || c == '.';
}

/* '&' starts a known entity or a character reference. */
static bool entity_ok(const char *p)
{
    static const char *const known[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < 5; i++)
        if (strncmp(p, known[i], strlen(known[i])) == 0)
            return true;
    if (p[1] != '#')
        return false;
    const char *q = p + 2;
    while (*q && *q != ';' && q - p < 12)
        q++;
    return *q == ';' && q > p + 2;
}

/* Well-formed enough for our writer: one root, balanced tags, quoted attributes, no raw
 * '<' or stray '&' in text or attributes, no control characters. */
static bool xml_well_formed(const char *s)
{
    const char *stack[64];
    size_t len[64];
    int depth = 0, roots = 0;
    const char *p = s;
    if (strncmp(p, "<?xml", 5) == 0) {
        p = strstr(p, "?>");
        if (!p)
            return false;
        p += 2;
    }
    while (*p) {
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
            return false;
        if (*p == '&') {
            if (!entity_ok(p))
                return false;
            p++;
            continue;
        }
        if (*p != '<') {
            if (depth == 0 && *p != '\n' && *p != ' ')
                return false; /* text outside the root */
            p++;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            p = strstr(p, "-->");
            if (!p)
                return false;
            p += 3;
            continue;
        }
        bool end = p[1] == '/';
        const char *n = p + (end ? 2 : 1);
        const char *q = n;
        while (name_char(*q))
            q++;
        if (q == n)
            return false;
        size_t nlen = (size_t)(q - n);
        if (end) {
            while (*q == ' ')
                q++;
            if (*q != '>' || depth == 0 || len[depth - 1] != nlen ||
                strncmp(stack[depth - 1], n, nlen) != 0)
                return false;
            depth--;
            p = q + 1;
            continue;
        }
        /* Attributes: name="value" with no '<' and only valid '&' inside. */
        for (;;) {
            while (*q == ' ' || *q == '\n')
                q++;
            if (*q == '>' || (q[0] == '/' && q[1] == '>'))
                break;
            const char *an = q;
            while (name_char(*q))
                q++;
            if (q == an || *q != '=' || (q[1] != '"' && q[1] != '\''))
                return false;
            char quote = q[1];
            q += 2;
            while (*q && *q != quote) {
                if (*q == '<' || (*q == '&' && !entity_ok(q)))
                    return false;
                q++;
            }
            if (!*q)
                return false;
            q++;
        }
        if (depth == 0)
            roots++;
        if (*q == '/') {
            p = q + 2;
            continue;
        }
        if (depth == 64)
            return false;
        stack[depth] = n;
        len[depth] = nlen;
        depth++;
        p = q + 1;
    }
    return depth == 0 && roots == 1;
}

/* xmllint's verdict when it is installed; true (no opinion) when it is not. */
static bool xmllint_ok(const char *svg)
{
    if (system("xmllint --version >/dev/null 2>&1") != 0)
        return true;
    char path[] = "/tmp/ps_figure_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(svg);
    assert_int_equal(write(fd, svg, n), (ssize_t)n);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "xmllint --noout %s", path);
    int rc = system(cmd);
    unlink(path);
    return rc == 0;
}

static void check_svg(const char *svg)
{
    assert_true(xml_well_formed(svg));
    assert_true(xmllint_ok(svg));
    /* No NaN printed as a number ("provenance" has the letters too). */
    assert_null(strstr(svg, "\"nan"));
    assert_null(strstr(svg, "\"-nan"));
    assert_null(strstr(svg, ">nan"));
    assert_null(strstr(svg, " nan"));
    assert_null(strstr(svg, "inf\""));
    assert_int_equal(count(svg, "<svg "), 1);
}

/* ---- SVG ----------------------------------------------------------------------------- */

static void test_xml_checker(void **state)
{
    (void)state;
    assert_true(xml_well_formed("<a x=\"1\"><b/>t &amp; u</a>"));
    assert_false(xml_well_formed("<a><b></a></b>"));
    assert_false(xml_well_formed("<a>x < y</a>"));
    assert_false(xml_well_formed("<a>R&D</a>"));
    assert_false(xml_well_formed("<a t=\"<\"/>"));
    assert_false(xml_well_formed("<a></a><b></b>"));
    assert_false(xml_well_formed("<a>\x01</a>"));
}

static void test_svg_one_schedule(void **state)
{
    (void)state;
    struct ps_scenario sc;
    load_preset("default", &sc);
    struct ps_schedule *s = run(&sc, "1f1b", NULL);
    struct ps_buf b;
    ps_buf_init(&b);
    const struct ps_schedule *list[] = {s};
    assert_int_equal(ps_export_schedule_svg(list, 1, 900, &b), PS_OK);
    check_svg(b.data);
    assert_int_equal(count(b.data, "class=\"op "), ps_schedule_n_ops(s) + n_dp_ops(s));
    assert_int_equal(count(b.data, "class=\"op F\""), (size_t)(sc.n_stages * sc.n_microbatches));
    assert_int_equal(count(b.data, "class=\"xfer "), n_drawn_transfers(s));
    assert_true(n_drawn_transfers(s) > 0); /* the default preset has a slow inter-DC link */
    assert_non_null(strstr(b.data, "width=\"900\""));
    assert_non_null(strstr(b.data, ">1f1b</tspan>"));
    assert_non_null(strstr(b.data, "makespan"));
    assert_non_null(strstr(b.data, "lower bound"));
    assert_non_null(strstr(b.data, ">east</text>"));
    assert_int_equal(count(b.data, ">time (ms)</text>"), 1);
    assert_int_equal(count(b.data, "class=\"lower-bound\""), 1);
    /* Options: no channel rows, no numbers, no bound, a title of our own. */
    struct ps_buf c;
    ps_buf_init(&c);
    struct ps_svg_options opt = {.width_px = 100,
                                 .hide_channels = true,
                                 .hide_numbers = true,
                                 .hide_lower_bound = true,
                                 .title = "Figure 3"};
    assert_int_equal(ps_export_schedule_svg_opts(list, 1, &opt, &c), PS_OK);
    check_svg(c.data);
    assert_non_null(strstr(c.data, "width=\"320\"")); /* the smallest width */
    assert_int_equal(count(c.data, "class=\"xfer "), 0);
    assert_int_equal(count(c.data, "class=\"lower-bound\""), 0);
    assert_non_null(strstr(c.data, ">Figure 3</text>"));
    assert_true(c.len < b.len);
    ps_buf_fini(&c);
    /* The critical path: one outline per op on it, the same ops as the simulator's. */
    bool **on = calloc((size_t)s->n_stages, sizeof(*on));
    assert_non_null(on);
    for (int d = 0; d < s->n_stages; d++)
        assert_non_null(on[d] = calloc(s->dev_n[d] + 1, sizeof(bool)));
    size_t n_crit = ps_sim_critical_path(s, on);
    assert_true(n_crit >= (size_t)sc.n_stages);
    for (int d = 0; d < s->n_stages; d++)
        free(on[d]);
    free(on);
    struct ps_svg_options crit = {.width_px = 900, .critical_path = true};
    ps_buf_init(&c);
    assert_int_equal(ps_export_schedule_svg_opts(list, 1, &crit, &c), PS_OK);
    check_svg(c.data);
    assert_int_equal(count(c.data, "class=\"critical\""), n_crit);
    assert_int_equal(count(c.data, "class=\"op "), ps_schedule_n_ops(s) + n_dp_ops(s));
    assert_non_null(strstr(c.data, ">critical path</text>"));
    assert_null(strstr(b.data, "critical"));
    ps_buf_fini(&c);
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* The bubble by cause beside each row (a segment per device and cause with time), and a
 * device held by a blocking send drawn as such. */
static void test_svg_bubble_and_holds(void **state)
{
    (void)state;
    struct ps_scenario sc;
    load_preset("default", &sc);
    struct ps_schedule *s = run(&sc, "1f1b", NULL);
    const struct ps_schedule *list[] = {s};
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_svg(list, 1, 900, &b), PS_OK);
    check_svg(b.data);
    size_t segments = 0;
    for (int d = 0; d < s->n_stages; d++)
        for (int c = 0; c < PS_BUBBLE_COUNT; c++)
            segments += s->bubble_ns[(size_t)d * PS_BUBBLE_COUNT + c] > 0;
    assert_int_equal(count(b.data, "class=\"bubble "), segments);
    assert_true(count(b.data, "class=\"bubble memory\"") > 0); /* 1F1B waits on memory here */
    assert_non_null(strstr(b.data, ">idle by cause</text>"));
    assert_non_null(strstr(b.data, ">idle: cross-DC</text>"));
    assert_int_equal(count(b.data, "class=\"held\""), 0);
    ps_buf_fini(&b);
    struct ps_svg_options opt = {.width_px = 900, .hide_bubble = true};
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_svg_opts(list, 1, &opt, &b), PS_OK);
    assert_int_equal(count(b.data, "class=\"bubble "), 0);
    ps_buf_fini(&b);
    ps_schedule_free(s);
    /* blocking: one held bar per transfer with a transmission, on its sender's row */
    sc.arrangement = PS_ARRANGE_BLOCKING;
    s = run(&sc, "1f1b", NULL);
    list[0] = s;
    size_t held = 0;
    for (size_t i = 0; i < s->n_transfers; i++)
        held += s->transfers[i].end_ns > s->transfers[i].ready_ns;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_svg(list, 1, 900, &b), PS_OK);
    check_svg(b.data);
    assert_true(held > 0);
    assert_int_equal(count(b.data, "class=\"held\""), held);
    assert_non_null(strstr(b.data, ">held by a blocking send</text>"));
    assert_non_null(strstr(b.data, "class=\"bubble rendezvous\""));
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* The sweep plot: well-formed, a line per schedule in each panel, one ring per knee. */
static void test_svg_sweep_plot(void **state)
{
    (void)state;
    static const double bw[] = {50, 100, 200, 400, 800}, ms[] = {195, 147, 123, 121, 120};
    struct ps_compare_row rows[10];
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < 10; i++) {
        snprintf(rows[i].scenario, sizeof rows[i].scenario, "a & b");
        snprintf(rows[i].schedule, sizeof rows[i].schedule, "%s", i < 5 ? "1f1b" : "greedy");
        rows[i].makespan_ms = i < 5 ? ms[i] : 100;
        rows[i].bubble_ratio = i < 5 ? 0.1 * (5 - i) : 0.05;
        rows[i].n_extra = 1;
        snprintf(rows[i].extra[0].key, sizeof rows[i].extra[0].key, "bw");
        snprintf(rows[i].extra[0].value, sizeof rows[i].extra[0].value, "%g", bw[i % 5]);
    }
    rows[7].makespan_ms = NAN; /* a point that did not run: a gap, not a crash */
    ps_compare_knees(rows, 10, 0.05);
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_sweep_svg(rows, 10, "bw", "a & b", 700, &b), PS_OK);
    check_svg(b.data);
    assert_int_equal(count(b.data, "class=\"line\""), 4); /* 2 schedules x 2 panels */
    assert_int_equal(count(b.data, "class=\"knee\""), 2);
    assert_non_null(strstr(b.data, "knee of 1f1b at bw = 200"));
    assert_non_null(strstr(b.data, "bw (log scale)"));
    assert_non_null(strstr(b.data, "a &amp; b"));
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_sweep_svg(rows, 0, "bw", NULL, 700, &b), PS_EINVAL);
    ps_buf_fini(&b);
}

static void test_svg_stacked(void **state)
{
    (void)state;
    struct ps_scenario sc;
    load_preset("default", &sc);
    const char *names[] = {"1f1b", "zb-v", "greedy", "interleaved"};
    struct ps_schedule *s[4];
    size_t ops = 0;
    for (int i = 0; i < 4; i++) {
        s[i] = run(&sc, names[i], NULL);
        ops += ps_schedule_n_ops(s[i]) + n_dp_ops(s[i]);
    }
    struct ps_buf one, all;
    ps_buf_init(&one);
    ps_buf_init(&all);
    const struct ps_schedule *const *list = (const struct ps_schedule *const *)s;
    assert_int_equal(ps_export_schedule_svg(list, 1, 1000, &one), PS_OK);
    assert_int_equal(ps_export_schedule_svg(list, 4, 1000, &all), PS_OK);
    check_svg(all.data);
    assert_int_equal(count(all.data, "class=\"op "), ops);
    for (int i = 0; i < 4; i++) {
        char title[64];
        snprintf(title, sizeof title, ">%s</tspan>", names[i]);
        assert_int_equal(count(all.data, title), 1);
    }
    /* One shared axis and legend; chunked schedules say so. */
    assert_int_equal(count(all.data, ">time (ms)</text>"), 1);
    assert_int_equal(count(all.data, ">forward (F)</text>"), 1);
    assert_non_null(strstr(all.data, "2 chunks, wave"));
    assert_non_null(strstr(all.data, "later chunk"));
    /* Heights: the stacked figure is taller. */
    double h1 = atof(strstr(one.data, "height=\"") + 8);
    double h4 = atof(strstr(all.data, "height=\"") + 8);
    assert_true(h4 > 3 * h1 * 0.8);
    ps_buf_fini(&one);
    ps_buf_fini(&all);
    for (int i = 0; i < 4; i++)
        ps_schedule_free(s[i]);
    ps_scenario_fini(&sc);
}

static void test_svg_escapes(void **state)
{
    (void)state;
    struct ps_scenario sc;
    parse_scenario(rich_json, &sc);
    struct ps_schedule *s = run(&sc, "zb-h1", NULL);
    struct ps_schedule *g = run(&sc, "greedy", NULL);
    const struct ps_schedule *list[] = {s, g};
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_svg(list, 2, 800, &b), PS_OK);
    check_svg(b.data);
    assert_int_equal(count(b.data, "class=\"op "),
                     ps_schedule_n_ops(s) + n_dp_ops(s) + ps_schedule_n_ops(g) + n_dp_ops(g));
    assert_true(n_dp_ops(s) > 0);
    size_t n_ag = 0;
    for (int i = 0; i < 2; i++)
        for (int d = 0; d < list[i]->n_stages; d++)
            for (size_t k = 0; k < list[i]->dp_n[d]; k++)
                n_ag += list[i]->dp_ops[d][k].kind == PS_OP_AG;
    assert_int_equal(n_ag, (size_t)(4 * s->chunks + 4 * g->chunks));
    assert_int_equal(count(b.data, "class=\"op AG\""), n_ag);
    assert_non_null(strstr(b.data, "&lt;east&gt;"));
    assert_non_null(strstr(b.data, "w&amp;st"));
    assert_non_null(strstr(b.data, "a&lt;b &amp; &quot;c&quot; &apos;d&apos;"));
    assert_null(strstr(b.data, "<east>"));
    /* A title with control characters, a broken UTF-8 byte and markup. */
    struct ps_svg_options opt = {.width_px = 800,
                                 .title = "bad \xff byte\x01 <x> & \xc3\xa9t\xc3\xa9"};
    struct ps_buf c;
    ps_buf_init(&c);
    assert_int_equal(ps_export_schedule_svg_opts(list, 1, &opt, &c), PS_OK);
    check_svg(c.data);
    assert_non_null(strstr(c.data, ">bad ? byte &lt;x&gt; &amp; \xc3\xa9t\xc3\xa9</text>"));
    ps_buf_fini(&c);
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_schedule_free(g);
    ps_scenario_fini(&sc);
}

static void test_svg_bad_input_and_infeasible(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 2, 1), PS_OK);
    struct ps_schedule *untimed = ps_schedule_new(&sc, "1f1b", 1, PS_TRAVERSAL_LOOP, false);
    struct ps_buf b;
    ps_buf_init(&b);
    const struct ps_schedule *list[] = {untimed};
    assert_int_equal(ps_export_schedule_svg(list, 1, 800, &b), PS_EINVAL);
    assert_int_equal(ps_export_schedule_svg(list, 0, 800, &b), PS_EINVAL);
    assert_int_equal(ps_export_schedule_trace(untimed, &b), PS_EINVAL);
    assert_int_equal(b.len, 0);
    /* An infeasible result: drawn as "no schedule", with its reason. */
    untimed->solver.status = PS_SOLVE_INFEASIBLE;
    snprintf(untimed->solver.error, sizeof untimed->solver.error, "limit 0.5 < 1 & more");
    struct ps_schedule *ok = run(&sc, "gpipe", NULL);
    const struct ps_schedule *two[] = {ok, untimed};
    assert_int_equal(ps_export_schedule_svg(two, 2, 800, &b), PS_OK);
    check_svg(b.data);
    assert_non_null(strstr(b.data, "no schedule: limit 0.5 &lt; 1 &amp; more"));
    assert_int_equal(count(b.data, "class=\"op "), ps_schedule_n_ops(ok));
    /* One DC: no boundary, no channel rows. */
    assert_int_equal(count(b.data, "class=\"xfer "), 0);
    ps_buf_fini(&b);
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_trace(untimed, &b), PS_OK);
    cJSON *j = cJSON_Parse(b.data);
    assert_non_null(j);
    cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItem(j, "traceEvents"))
        assert_string_equal(cJSON_GetObjectItem(ev, "ph")->valuestring, "M");
    cJSON_Delete(j);
    ps_buf_fini(&b);
    ps_schedule_free(ok);
    ps_schedule_free(untimed);
    ps_scenario_fini(&sc);
}

/* ---- trace --------------------------------------------------------------------------- */

static double num_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_non_null(v);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_non_null(v);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

/* The X event on (pid, tid) that encloses ts (in us), or NULL. */
static const cJSON *enclosing(const cJSON *events, double pid, double tid, double ts)
{
    const cJSON *ev;
    cJSON_ArrayForEach(ev, events)
    {
        if (strcmp(str_of(ev, "ph"), "X") != 0 || num_of(ev, "pid") != pid ||
            num_of(ev, "tid") != tid)
            continue;
        double t0 = num_of(ev, "ts"), d = num_of(ev, "dur");
        if (ts >= t0 && ts <= t0 + d && (d == 0 || (ts > t0 && ts < t0 + d)))
            return ev;
    }
    return NULL;
}

/* Everything a trace of s must hold. */
static void check_trace(const struct ps_schedule *s)
{
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_trace(s, &b), PS_OK);
    assert_null(strstr(b.data, "displayTimeUnit"));
    cJSON *root = cJSON_Parse(b.data);
    assert_non_null(root);
    const cJSON *events = cJSON_GetObjectItem(root, "traceEvents");
    assert_true(cJSON_IsArray(events));
    const cJSON *other = cJSON_GetObjectItem(root, "otherData");
    assert_string_equal(str_of(other, "schedule"), s->name);
    assert_true(fabs(num_of(other, "makespan_ms") - ps_ns_to_ms(s->makespan_ns)) < 1e-9);

    size_t n_compute = 0, n_dp = 0, n_xfer = 0, n_proc = 0, n_dev_threads = 0;
    int n_flow = (int)s->n_transfers;
    int *starts = calloc((size_t)n_flow + 1, sizeof(int));
    int *ends = calloc((size_t)n_flow + 1, sizeof(int));
    double *peak = calloc((size_t)s->n_stages, sizeof(double));
    double *last = calloc((size_t)s->n_stages, sizeof(double));
    assert_non_null(starts);
    assert_non_null(ends);
    assert_non_null(peak);
    assert_non_null(last);
    const cJSON *ev;
    cJSON_ArrayForEach(ev, events)
    {
        const char *ph = str_of(ev, "ph");
        if (strcmp(ph, "M") == 0) {
            const char *name = str_of(ev, "name");
            n_proc += strcmp(name, "process_name") == 0;
            if (strcmp(name, "thread_name") == 0) {
                const char *tn = str_of(cJSON_GetObjectItem(ev, "args"), "name");
                n_dev_threads += strncmp(tn, "stage ", 6) == 0 && !strstr(tn, "data-parallel");
            }
        } else if (strcmp(ph, "X") == 0) {
            const char *cat = str_of(ev, "cat");
            const cJSON *args = cJSON_GetObjectItem(ev, "args");
            if (strcmp(cat, "transfer") == 0) {
                n_xfer++;
                continue;
            }
            /* The op it names is there with these times. */
            int stage = (int)num_of(args, "stage");
            bool dp = strcmp(cat, "dp") == 0;
            n_dp += dp;
            n_compute += !dp;
            assert_true(stage >= 0 && stage < s->n_stages);
            double ts = num_of(ev, "ts"), dur = num_of(ev, "dur");
            const struct ps_op *ops = dp ? s->dp_ops[stage] : s->dev_ops[stage];
            size_t n = dp ? s->dp_n[stage] : s->dev_n[stage];
            bool found = false;
            for (size_t k = 0; k < n && !found; k++)
                found = ops[k].microbatch == (int)num_of(args, "microbatch") &&
                        ops[k].chunk == (int)num_of(args, "chunk") &&
                        ops[k].part == (int)num_of(args, "part") &&
                        strcmp(ps_op_kind_str(ops[k].kind), str_of(args, "kind")) == 0 &&
                        fabs(ops[k].start_ns / 1e3 - ts) < 1e-6 &&
                        fabs((ops[k].end_ns - ops[k].start_ns) / 1e3 - dur) < 1e-6;
            assert_true(found);
        } else if (strcmp(ph, "s") == 0 || strcmp(ph, "f") == 0 || strcmp(ph, "t") == 0) {
            int id = (int)num_of(ev, "id");
            assert_true(id >= 0 && id < n_flow);
            const struct ps_transfer *t = &s->transfers[id];
            const cJSON *x =
                enclosing(events, num_of(ev, "pid"), num_of(ev, "tid"), num_of(ev, "ts"));
            assert_non_null(x);
            const cJSON *args = cJSON_GetObjectItem(x, "args");
            assert_int_equal((int)num_of(args, "microbatch"), t->microbatch);
            if (ph[0] == 't') {
                assert_string_equal(str_of(x, "cat"), "transfer");
                continue;
            }
            /* s: in the producer on the sender; f: in the consumer on the receiver. */
            bool start = ph[0] == 's';
            assert_int_equal((int)num_of(args, "stage"), start ? t->from_stage : t->to_stage);
            int v = (int)num_of(args, "vstage");
            int want =
                start ? t->from_vstage : t->from_vstage + (t->kind == PS_XFER_ACTIVATION ? 1 : -1);
            assert_int_equal(v, want);
            assert_string_equal(str_of(args, "kind"), t->kind == PS_XFER_ACTIVATION ? "F" : "B");
            if (start) {
                starts[id]++;
                assert_int_equal((int)num_of(args, "part"), (int)num_of(args, "parts") - 1);
            } else {
                ends[id]++;
                assert_int_equal((int)num_of(args, "part"), 0);
                assert_string_equal(str_of(ev, "bp"), "e");
            }
        } else if (strcmp(ph, "C") == 0) {
            int d = -1;
            assert_int_equal(sscanf(str_of(ev, "name"), "stage %d memory", &d), 1);
            assert_true(d >= 0 && d < s->n_stages);
            double v = num_of(cJSON_GetObjectItem(ev, "args"), "activations");
            assert_true(v >= -1e-9);
            if (v > peak[d])
                peak[d] = v;
            last[d] = v;
        } else {
            fail_msg("unexpected phase %s", ph);
        }
    }
    assert_int_equal(n_proc, (size_t)s->sc->n_dcs);
    assert_int_equal(n_dev_threads, (size_t)s->n_stages);
    assert_int_equal(n_compute, ps_schedule_n_ops(s));
    assert_int_equal(n_dp, n_dp_ops(s));
    assert_int_equal(n_xfer, s->n_transfers);
    for (int i = 0; i < n_flow; i++) {
        assert_int_equal(starts[i], 1);
        assert_int_equal(ends[i], 1);
    }
    for (int d = 0; d < s->n_stages; d++) {
        assert_true(fabs(peak[d] - s->peak_memory[d]) < 1e-9);
        assert_true(fabs(last[d]) < 1e-9); /* everything freed at the end */
    }
    free(starts);
    free(ends);
    free(peak);
    free(last);
    cJSON_Delete(root);
    ps_buf_fini(&b);
}

static void test_trace_default_preset(void **state)
{
    (void)state;
    struct ps_scenario sc;
    load_preset("default", &sc);
    const char *names[] = {"1f1b", "gpipe", "zb-h2", "zb-v", "greedy"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct ps_schedule *s = run(&sc, names[i], NULL);
        assert_true(s->n_transfers > 0);
        check_trace(s);
        ps_schedule_free(s);
    }
    struct ps_schedule *s = run(&sc, "interleaved", "chunks=3");
    check_trace(s);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_trace_rich_scenario(void **state)
{
    (void)state;
    struct ps_scenario sc;
    parse_scenario(rich_json, &sc);
    const char *names[] = {"1f1b", "zb-h1", "greedy"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct ps_schedule *s = run(&sc, names[i], NULL);
        size_t free_links = 0;
        for (size_t k = 0; k < s->n_transfers; k++)
            free_links += s->transfers[k].channel < 0;
        assert_true(free_links > 0); /* intra-DC links without a bandwidth limit */
        assert_true(n_dp_ops(s) > 0);
        check_trace(s);
        ps_schedule_free(s);
    }
    /* Names are JSON-escaped. */
    struct ps_schedule *s = run(&sc, "1f1b", NULL);
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_trace(s, &b), PS_OK);
    cJSON *root = cJSON_Parse(b.data);
    assert_non_null(root);
    assert_string_equal(str_of(cJSON_GetObjectItem(root, "otherData"), "scenario"),
                        "a<b & \"c\" 'd'");
    assert_non_null(strstr(b.data, "\"DC <east>\""));
    cJSON_Delete(root);
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

static void test_trace_one_dc_uniform(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 4, 8, 1, 2, 1), PS_OK);
    struct ps_schedule *s = run(&sc, "zb-h1", NULL);
    check_trace(s);
    /* Whole microseconds are written as integers, fractions exactly. */
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_trace(s, &b), PS_OK);
    assert_non_null(strstr(b.data, "\"ts\":1000,\"dur\":1000,"));
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

/* A schedule file read back (with its metrics recomputed, as validate and replay do)
 * draws and traces exactly as the schedule that wrote it. */
static void test_figures_of_a_file(void **state)
{
    (void)state;
    struct ps_scenario sc;
    parse_scenario(rich_json, &sc);
    struct ps_schedule *s = run(&sc, "greedy", NULL);
    struct ps_buf json, a, b;
    ps_buf_init(&json);
    ps_buf_init(&a);
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_json(s, &json), PS_OK);
    struct ps_loaded_schedule ls;
    struct ps_diag d;
    assert_int_equal(ps_import_schedule_json(json.data, json.len, &ls, NULL, &d), PS_OK);
    assert_int_equal(ps_sim_metrics(ls.sched), PS_OK);
    const struct ps_schedule *one[] = {s}, *back[] = {ls.sched};
    assert_int_equal(ps_export_schedule_svg(one, 1, 700, &a), PS_OK);
    assert_int_equal(ps_export_schedule_svg(back, 1, 700, &b), PS_OK);
    assert_string_equal(a.data, b.data);
    ps_buf_fini(&a);
    ps_buf_fini(&b);
    assert_int_equal(ps_export_schedule_trace(s, &a), PS_OK);
    assert_int_equal(ps_export_schedule_trace(ls.sched, &b), PS_OK);
    assert_string_equal(a.data, b.data);
    check_trace(ls.sched);
    ps_buf_fini(&a);
    ps_buf_fini(&b);
    ps_buf_fini(&json);
    ps_loaded_schedule_fini(&ls);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_checker),
        cmocka_unit_test(test_svg_one_schedule),
        cmocka_unit_test(test_svg_stacked),
        cmocka_unit_test(test_svg_bubble_and_holds),
        cmocka_unit_test(test_svg_sweep_plot),
        cmocka_unit_test(test_svg_escapes),
        cmocka_unit_test(test_svg_bad_input_and_infeasible),
        cmocka_unit_test(test_trace_default_preset),
        cmocka_unit_test(test_trace_rich_scenario),
        cmocka_unit_test(test_trace_one_dc_uniform),
        cmocka_unit_test(test_figures_of_a_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
