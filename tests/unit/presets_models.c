/* The calculator's front (presets/models.c) and user presets (presets/user.c): model and
 * cluster specs and files, their error messages, link classes, the scenario they make, and
 * the user preset folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "presets/presets.h"

static void fail_diag(const char *what, const struct ps_diag *d)
{
    char buf[600];
    print_error("%s: %s\n", what, ps_diag_format(d, NULL, buf, sizeof buf));
    fail();
}

static void make(const char *model, const char *cluster, struct ps_scenario *sc)
{
    struct ps_diag d;
    if (ps_scenario_from_model(model, cluster, sc, &d) != PS_OK)
        fail_diag(cluster, &d);
}

static void assert_near(double got, double want)
{
    if (fabs(got - want) > 1e-9 * fmax(1.0, fabs(want))) {
        print_error("got %.17g, want %.17g\n", got, want);
        fail();
    }
}

/* An error whose diagnostic names `path` and says `words`. */
static void assert_error(const char *model, const char *cluster, enum ps_status want,
                         const char *path, const char *words)
{
    struct ps_scenario sc;
    struct ps_diag d;
    enum ps_status st = ps_scenario_from_model(model, cluster, &sc, &d);
    if (st != want || strcmp(d.path, path) != 0 || strstr(d.msg, words) == NULL) {
        print_error("%s / %s: got status %d, path '%s', msg '%s'; want %d, '%s', '%s'\n", model,
                    cluster, st, d.path, d.msg, want, path, words);
        fail();
    }
    /* Nothing half-loaded. */
    assert_int_equal(sc.n_stages, 0);
    assert_null(sc.dcs);
    assert_null(sc.description);
}

static void test_link_classes(void **state)
{
    (void)state;
    struct ps_link l = {-1, -1};
    assert_int_equal(ps_link_class_find("campus", &l), PS_OK);
    assert_near(l.latency_ms, 0.01);
    assert_near(l.bandwidth_gbps, 800);
    assert_int_equal(ps_link_class_find("metro", &l), PS_OK);
    assert_near(l.latency_ms, 0.2);
    assert_near(l.bandwidth_gbps, 200);
    assert_int_equal(ps_link_class_find("region", &l), PS_OK);
    assert_near(l.latency_ms, 1);
    assert_near(l.bandwidth_gbps, 11.3);
    assert_int_equal(ps_link_class_find("cross-region", &l), PS_OK);
    assert_near(l.latency_ms, 50);
    assert_near(l.bandwidth_gbps, 3);
    assert_int_equal(ps_link_class_find("free", &l), PS_OK);
    assert_near(l.bandwidth_gbps, 0);
    l.latency_ms = 7;
    assert_int_equal(ps_link_class_find("mars", &l), PS_ENOTFOUND);
    assert_near(l.latency_ms, 7);
    char names[256];
    ps_link_class_list_names(names, sizeof names);
    assert_string_equal(names, "campus, metro, region, cross-region, free");
    assert_int_equal(ps_link_class_count(), 5);
    assert_string_equal(ps_link_class_at(3)->name, "cross-region");
    assert_null(ps_link_class_at(5));
}

static void test_models(void **state)
{
    (void)state;
    assert_int_equal(ps_model_count(), 12);
    const struct ps_model_info *mi = ps_model_find("m70");
    assert_non_null(mi);
    assert_int_equal(mi->model.layers + mi->model.extra_layers, 64); /* "62+2" */
    assert_int_equal(mi->model.hidden, 8192);
    assert_int_equal(mi->model.ffn, 28672);
    mi = ps_model_find("m8");
    assert_int_equal(mi->model.layers + mi->model.extra_layers, 32); /* "30+2" */
    assert_int_equal(mi->model.ffn, 14336);                          /* Table 4, not the 11008 */
    mi = ps_model_find("llama3-405b");
    assert_int_equal(mi->model.layers, 126);
    assert_int_equal(mi->model.kv_heads, 8);

    struct ps_calc_model m;
    char name[64];
    struct ps_diag d;
    assert_int_equal(ps_model_parse("llama3-8b,seq=4096,name=short", &m, name, sizeof name, &d),
                     PS_OK);
    assert_int_equal(m.seq, 4096);
    assert_int_equal(m.hidden, 4096);
    assert_string_equal(name, "short");
    assert_int_equal(ps_model_parse("layers=2,extra_layers=0,hidden=64,ffn=256,heads=4,"
                                    "kv_heads=2,vocab=100,seq=32",
                                    &m, name, sizeof name, &d),
                     PS_OK);
    assert_int_equal(m.kv_heads, 2);
    assert_string_equal(name, "model");
    assert_int_equal(ps_model_parse("layers=2,hidden=64", &m, name, sizeof name, &d), PS_EINVAL);
    assert_string_equal(d.path, "model.ffn");
    assert_int_equal(ps_model_parse("gpt5", &m, name, sizeof name, &d), PS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "llama3-70b"));
    assert_int_equal(ps_model_parse("m70,colour=red", &m, name, sizeof name, &d), PS_EINVAL);
    assert_string_equal(d.path, "model.colour");
    assert_int_equal(ps_model_parse("m70,seq=-1", &m, name, sizeof name, &d), PS_EINVAL);
    assert_string_equal(d.path, "model.seq");
}

/* The scenario from a cluster spec: DCs, stages, microbatches, links, memory. */
static void test_cluster_scenario(void **state)
{
    (void)state;
    struct ps_scenario sc;
    make("llama3-70b", "dcs=2,pp=8,tp=4,dp=16,gpu=500,util=0.5,link=cross-region,mem=1f1b,seq=4096",
         &sc);
    assert_int_equal(sc.n_stages, 8);
    assert_int_equal(sc.n_microbatches, 16); /* 2 x pp by default */
    assert_int_equal(sc.n_dcs, 2);
    assert_int_equal(sc.dcs[0].stages, 4);
    assert_string_equal(sc.dcs[1].name, "dc1");
    /* 82 counted layers over 8: 10 on stages 0-5, 11 on 6-7: per-stage times. */
    assert_non_null(sc.per_stage);
    /* (times are rounded to 6 significant digits) */
    assert_true(fabs(sc.per_stage[7].forward_ms / sc.per_stage[0].forward_ms - 1.1) < 1e-5);
    assert_near(sc.compute.forward_ms, sc.per_stage[7].forward_ms);
    /* 2 x 4096 x 8192 x 16 bytes */
    assert_near(sc.activation_mb, 1073.74);
    assert_near(sc.inter_dc.latency_ms, 50);
    assert_near(sc.inter_dc.bandwidth_gbps, 3);
    /* Intra-DC: campus, each of the 16 replicas with its own links. */
    assert_near(sc.intra_dc.latency_ms, 0.01);
    assert_near(sc.intra_dc.bandwidth_gbps, 800 * 16);
    assert_true(sc.has_memory_limit);
    assert_near(sc.memory_limit, 8);
    assert_true(sc.weight_share > 0.8 && sc.weight_share < 0.85);
    assert_non_null(strstr(sc.description, "llama3-70b"));
    ps_scenario_fini(&sc);

    /* Uneven DCs, names, explicit layers, gbs, delays as ratios of T_F. */
    make("m70",
         "split=3+3+2,names=a+b+c,layers=8+8+8+8+8+8+8+8,tp=4,gbs=24,dp=2,tf=38,"
         "latr=0.5,bwr=2,intra=free,mem=2x",
         &sc);
    assert_int_equal(sc.n_stages, 8);
    assert_int_equal(sc.n_dcs, 3);
    assert_int_equal(sc.dcs[2].stages, 2);
    assert_string_equal(sc.dcs[2].name, "c");
    assert_int_equal(sc.n_microbatches, 12); /* 24 / (dp 2 x mbs 1) */
    assert_null(sc.per_stage);
    assert_near(sc.compute.forward_ms, 38);
    assert_near(sc.inter_dc.latency_ms, 19);
    /* 134.218 MB in 2 x 38 ms */
    assert_near(sc.activation_mb, 134.218);
    assert_near(sc.inter_dc.bandwidth_gbps, 14.1282);
    assert_near(sc.intra_dc.bandwidth_gbps, 0);
    assert_near(sc.memory_limit, 16);
    ps_scenario_fini(&sc);

    /* Explicit link numbers, one DC, recomputation, memory from HBM. */
    make("m8", "dcs=1,pp=4,tp=2,mb=6,link=0.5/100,recompute=yes,hbm=96,w=0.5", &sc);
    assert_int_equal(sc.n_dcs, 1);
    assert_int_equal(sc.n_microbatches, 6);
    assert_near(sc.inter_dc.latency_ms, 0.5);
    assert_near(sc.inter_dc.bandwidth_gbps, 100);
    assert_near(sc.weight_share, 0.5);
    /* Recomputation: B = D + F. */
    struct ps_calc_model m = ps_model_find("m8")->model;
    double ratio = (ps_calc_layer_backward_flops(&m, 1) + ps_calc_layer_forward_flops(&m, 1)) /
                   ps_calc_layer_forward_flops(&m, 1);
    assert_true(fabs(sc.compute.backward_ms / sc.compute.forward_ms - ratio) < 1e-5);
    assert_true(sc.has_memory_limit && sc.memory_limit > 100);
    ps_scenario_fini(&sc);

    /* lat/bw override the class's numbers. */
    make("m8", "pp=4,link=region,lat=3", &sc);
    assert_near(sc.inter_dc.latency_ms, 3);
    assert_near(sc.inter_dc.bandwidth_gbps, 11.3);
    ps_scenario_fini(&sc);
}

static void test_cluster_errors(void **state)
{
    (void)state;
    assert_error("m70", "tp=4", PS_EINVAL, "cluster.pp", "missing");
    assert_error("m70", "pp=8,colour=red", PS_EINVAL, "cluster.colour", "unknown key");
    assert_error("m70", "pp=8,tp=x", PS_EINVAL, "cluster.tp", "integer");
    assert_error("m70", "pp=8,link=mars", PS_EINVAL, "cluster.link", "cross-region");
    assert_error("m70", "pp=8,split=3+3", PS_EINVAL, "cluster.split", "add up");
    assert_error("m70", "pp=8,dcs=3,split=4+4", PS_EINVAL, "cluster.split", "dcs=3");
    assert_error("m70", "pp=2,dcs=3", PS_EINVAL, "cluster.dcs", "at least");
    assert_error("m70", "pp=65", PS_EINVAL, "cluster.pp", "64 counted layers");
    assert_error("m70", "pp=8,gbs=10,dp=4", PS_EINVAL, "cluster.gbs", "multiple");
    assert_error("m70", "pp=8,lat=1,latr=1", PS_EINVAL, "cluster.latr", "not both");
    assert_error("m70", "pp=8,util=1.5", PS_EINVAL, "cluster.util", "(0, 1]");
    assert_error("m70", "pp=8,gpu=fast", PS_EINVAL, "cluster.gpu", "GPU name");
    assert_error("m70", "pp=8,mem=lots", PS_EINVAL, "cluster.mem", "1f1b");
    assert_error("m70", "pp=8,tp=1,hbm=10", PS_EINVAL, "cluster.hbm", "model states");
    assert_error("m70", "pp=8,layers=8+8", PS_EINVAL, "cluster.layers", "pp=8");
    assert_error("m70", "pp=8,names=a+b+c", PS_EINVAL, "cluster.names", "3 names");
    assert_error("m70", "pp=8,tp", PS_EINVAL, "cluster", "key=value");
    assert_error("nope", "pp=8", PS_ENOTFOUND, "model", "unknown model");
    assert_error("m70", "/nonexistent/cluster.json", PS_EIO, "cluster", "No such file");
}

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pipescope-presets-test-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Model and cluster as JSON files with the same keys as the spec strings. */
static void test_json_files(void **state)
{
    (void)state;
    char model[300], cluster[300];
    write_file("tiny.json", "{ \"layers\": 6, \"extra_layers\": 2, \"hidden\": 1024, \"ffn\": 4096,"
                            " \"heads\": 16, \"kv_heads\": 4, \"vocab\": 32000, \"seq\": 2048 }");
    write_file("c.json", "{ \"pp\": 4, \"tp\": 1, \"split\": [1, 3], \"names\": [\"x\", \"y\"],"
                         " \"link\": \"metro\", \"gpu\": \"h100\", \"util\": 0.4,"
                         " \"recompute\": false, \"mem\": null }");
    snprintf(model, sizeof model, "%s/tiny.json", tmpdir);
    snprintf(cluster, sizeof cluster, "%s/c.json", tmpdir);
    struct ps_scenario sc;
    make(model, cluster, &sc);
    assert_int_equal(sc.n_stages, 4);
    assert_int_equal(sc.dcs[0].stages, 1);
    assert_string_equal(sc.dcs[1].name, "y");
    assert_false(sc.has_memory_limit);
    assert_near(sc.inter_dc.latency_ms, 0.2);
    /* 2 counted layers per stage at 989 x 0.4 TFLOP/s */
    struct ps_calc_model m = {6, 2, 1024, 4096, 16, 4, 32000, 2048};
    double want = 2 * ps_calc_layer_forward_flops(&m, 1) / (989e12 * 0.4) * 1e3;
    assert_true(fabs(sc.compute.forward_ms - want) < 1e-5 * want);
    assert_non_null(strstr(sc.name, "tiny"));
    ps_scenario_fini(&sc);

    write_file("bad.json", "{ \"layers\": 6, ");
    snprintf(model, sizeof model, "%s/bad.json", tmpdir);
    assert_error(model, "pp=2", PS_EPARSE, "model", "not a JSON object");
    write_file("bad2.json", "{ \"layers\": {} }");
    snprintf(model, sizeof model, "%s/bad2.json", tmpdir);
    assert_error(model, "pp=2", PS_EINVAL, "model", "must be a number");
}

static const char user_json[] =
    "{ \"format\": \"pipescope-scenario/1\", \"name\": \"mine\",\n"
    "  \"description\": \"My cluster\\nsecond line\",\n"
    "  \"stages\": 2, \"microbatches\": 4,\n"
    "  \"datacenters\": [ { \"name\": \"a\", \"stages\": 1 }, { \"name\": \"b\", \"stages\": 1 } "
    "],\n"
    "  \"compute\": { \"forward_ms\": 1, \"backward_ms\": 2, \"weight_ms\": 0 },\n"
    "  \"activation_mb\": 0,\n"
    "  \"network\": { \"intra_dc\": { \"latency_ms\": 0, \"bandwidth_gbps\": 0 },\n"
    "               \"inter_dc\": { \"latency_ms\": 3, \"bandwidth_gbps\": 0 } },\n"
    "  \"memory\": { \"limit\": null, \"weight_share\": 0.5 } }\n";

static void test_user_presets(void **state)
{
    (void)state;
    char dir[512];
    write_file("mine.json", user_json);
    write_file("default.json", user_json);
    write_file("broken.json", "{ \"format\": \"pipescope-scenario/1\", \"stages\": -1 }");
    write_file("notes.txt", "not a preset");
    setenv("PIPESCOPE_PRESETS", tmpdir, 1);
    assert_string_equal(ps_user_presets_dir(dir, sizeof dir), tmpdir);

    struct ps_user_preset *list;
    size_t n;
    struct ps_diag d;
    assert_int_equal(ps_user_presets_list(&list, &n, &d), PS_OK);
    /* Sorted, *.json only (tiny.json and c.json of the other test are scenario-invalid). */
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            assert_true(strcmp(list[i - 1].name, list[i].name) < 0);
        if (!strcmp(list[i].name, "mine")) {
            found++;
            assert_true(list[i].valid);
            assert_false(list[i].shadowed);
            assert_string_equal(list[i].summary, "My cluster");
        } else if (!strcmp(list[i].name, "default")) {
            found++;
            assert_true(list[i].shadowed);
        } else if (!strcmp(list[i].name, "broken")) {
            found++;
            assert_false(list[i].valid);
            /* the reason, which the listing shows */
            assert_true(strlen(list[i].summary) > 5);
        }
        assert_string_not_equal(list[i].name, "notes");
    }
    assert_int_equal(found, 3);
    free(list);

    /* Loaded by name, directly or through ps_preset_load; the built-in wins on a clash. */
    struct ps_scenario sc;
    assert_int_equal(ps_user_preset_load("mine", &sc, &d), PS_OK);
    assert_near(sc.inter_dc.latency_ms, 3);
    ps_scenario_fini(&sc);
    assert_int_equal(ps_preset_load("mine", &sc, &d), PS_OK);
    assert_int_equal(sc.n_stages, 2);
    ps_scenario_fini(&sc);
    assert_int_equal(ps_preset_load("default", &sc, &d), PS_OK);
    assert_int_equal(sc.n_stages, 8);
    ps_scenario_fini(&sc);
    assert_int_equal(ps_preset_load("broken", &sc, &d), PS_EINVAL);
    assert_non_null(strstr(d.path, "broken.json"));
    assert_int_equal(ps_user_preset_load("../etc/passwd", &sc, &d), PS_ENOTFOUND);
    assert_int_equal(ps_user_preset_load("absent", &sc, &d), PS_ENOTFOUND);
    assert_non_null(strstr(d.msg, tmpdir));

    /* The XDG folder, then ~/.config; a missing folder lists nothing. */
    unsetenv("PIPESCOPE_PRESETS");
    setenv("XDG_CONFIG_HOME", "/nonexistent/xdg", 1);
    assert_string_equal(ps_user_presets_dir(dir, sizeof dir), "/nonexistent/xdg/pipescope/presets");
    assert_int_equal(ps_user_presets_list(&list, &n, &d), PS_OK);
    assert_int_equal(n, 0);
    assert_null(list);
    setenv("XDG_CONFIG_HOME", "relative/ignored", 1);
    setenv("HOME", "/nonexistent/home", 1);
    assert_string_equal(ps_user_presets_dir(dir, sizeof dir),
                        "/nonexistent/home/.config/pipescope/presets");
    unsetenv("XDG_CONFIG_HOME");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_classes),     cmocka_unit_test(test_models),
        cmocka_unit_test(test_cluster_scenario), cmocka_unit_test(test_cluster_errors),
        cmocka_unit_test(test_json_files),       cmocka_unit_test(test_user_presets),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
