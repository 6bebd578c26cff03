/* `pipescope sweep`: compare over the cartesian product of scenario values, one extra
 * column per varied field; every point is built before any schedule runs. */
#include "tui/cli/common.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "presets/presets.h"
#include "tui/cli/compare_common.h"

#define MAX_VALUES 10000
#define MAX_POINTS 10000

const char cli_help_sweep[] =
    "Usage: pipescope sweep [SCENARIO OPTIONS] --vary PATH=V1,V2,... [--vary ...]\n"
    "                       [--schedules a,b,...|all] [--param [NAME.]KEY=VALUE ...]\n"
    "                       [--format csv|json|table] [-o FILE]\n"
    "\n"
    "Compares the schedules at every point of the cartesian product of the --vary values\n"
    "(each applied to the scenario like --set, in the order given), one row per (point,\n"
    "schedule), with one extra column per varied PATH holding the value set.\n"
    "\n"
    "  -v, --vary PATH=VALUES  values of one scenario field (at most 8 --vary, at most\n"
    "                         10000 points). VALUES is a comma-separated list whose items\n"
    "                         are a value (20, null), a range START:STOP:STEP (0:100:25 is\n"
    "                         0,25,50,75,100), or a multiple of the scenario's largest\n"
    "                         forward time T_F written NUMx (2x is 2 x T_F ms; for _ms\n"
    "                         fields only)\n"
    "  -s, --schedules LIST   as in compare (default: all)\n"
    "  -p, --param ...        as in compare\n"
    "  -f, --format FORMAT    csv (default), json or table\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
    "      --force            replace FILE even when it is read-only\n"
    "\n"
    "Every point is built before any schedule runs: an invalid point fails the sweep\n"
    "(naming the point) and writes nothing.\n";

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One varied field and its values (expanded to plain text). */
struct vary {
    char path[sizeof(((struct ps_kv *)0)->key)];
    int n;
    char (*values)[64];
};

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

static int vary_push(const char *cmd, struct vary *v, double num, const char *text)
{
    if (v->n == MAX_VALUES)
        return cli_usage(cmd, "%s: --vary %s: more than %d values", cmd, v->path, MAX_VALUES);
    if (text)
        snprintf(v->values[v->n], sizeof(v->values[0]), "%s", text);
    else
        snprintf(v->values[v->n], sizeof(v->values[0]), "%.10g", num);
    v->n++;
    return PS_EXIT_OK;
}

/* Expands "PATH=a,b,START:STOP:STEP,2x". */
static int parse_vary(const char *cmd, const char *arg, double t_f_ms, struct vary *v)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return cli_usage(cmd, "%s: --vary '%s': expected PATH=V1,V2,...", cmd, arg);
    size_t plen = (size_t)(eq - arg);
    /* The path becomes a column name: struct ps_kv keys hold 31 characters. */
    if (plen >= sizeof(((struct ps_kv *)0)->key))
        return cli_usage(cmd, "%s: --vary '%s': path longer than %zu characters", cmd, arg,
                         sizeof(((struct ps_kv *)0)->key) - 1);
    memcpy(v->path, arg, plen);
    v->path[plen] = '\0';
    v->values = calloc(MAX_VALUES, sizeof(*v->values));
    if (!v->values)
        return cli_fail("out of memory");
    const char *p = eq + 1;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            return cli_usage(cmd, "%s: --vary '%s': empty value", cmd, arg);
        if (len >= 64)
            return cli_usage(cmd, "%s: --vary '%s': value too long", cmd, arg);
        const char *c1 = memchr(p, ':', len);
        double a, b, step, x;
        int rc;
        if (c1) {
            const char *c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - p));
            if (!c2 || !parse_number(p, (size_t)(c1 - p), &a) ||
                !parse_number(c1 + 1, (size_t)(c2 - c1 - 1), &b) ||
                !parse_number(c2 + 1, len - (size_t)(c2 + 1 - p), &step) || step <= 0 || b < a)
                return cli_usage(cmd,
                                 "%s: --vary %s: range '%.*s': expected START:STOP:STEP with "
                                 "STEP > 0 and STOP >= START",
                                 cmd, v->path, (int)len, p);
            double count = floor((b - a) / step + 1e-9) + 1;
            if (count > MAX_VALUES)
                return cli_usage(cmd, "%s: --vary %s: more than %d values", cmd, v->path,
                                 MAX_VALUES);
            for (int i = 0; i < (int)count; i++)
                if ((rc = vary_push(cmd, v, a + i * step, NULL)) != PS_EXIT_OK)
                    return rc;
        } else if (p[len - 1] == 'x' && parse_number(p, len - 1, &x)) {
            if (!ends_with(v->path, "_ms"))
                return cli_usage(cmd, "%s: --vary %s: '%.*s' (times T_F) is for _ms fields only",
                                 cmd, v->path, (int)len, p);
            if ((rc = vary_push(cmd, v, x * t_f_ms, NULL)) != PS_EXIT_OK)
                return rc;
        } else {
            char text[64];
            memcpy(text, p, len);
            text[len] = '\0';
            if ((rc = vary_push(cmd, v, 0, text)) != PS_EXIT_OK)
                return rc;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return PS_EXIT_OK;
}

/* Builds the scenario of point `point` (mixed-radix index over the varies). */
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

static int build_point(const struct ps_scenario *base, const struct vary *vs, int n_vary,
                       long point, struct ps_scenario *out, int *idx)
{
    long rest = point;
    for (int k = n_vary - 1; k >= 0; k--) {
        idx[k] = (int)(rest % vs[k].n);
        rest /= vs[k].n;
    }
    if (ps_scenario_copy(out, base) != PS_OK)
        return cli_fail("out of memory");
    for (int k = 0; k < n_vary; k++) {
        struct ps_diag d;
        ps_diag_clear(&d);
        if (ps_scenario_set_path(out, vs[k].path, vs[k].values[idx[k]], &d) != PS_OK) {
            char where[512] = "", msg[1024];
            size_t used = 0;
            /* snprintf returns what it would have written: stop at the end of where */
            for (int j = 0; j < n_vary && used < sizeof(where); j++)
                used += (size_t)snprintf(where + used, sizeof(where) - used, "%s%s=%s",
                                         j ? ", " : "", vs[j].path, vs[j].values[idx[j]]);
            ps_diag_format(&d, NULL, msg, sizeof(msg));
            ps_scenario_fini(out);
            return cli_fail("sweep: point %s: %s", where, msg);
        }
    }
    return PS_EXIT_OK;
}

int cli_cmd_sweep(const struct cli_env *env, int argc, char **argv)
{
    struct cli_compare_opts o;
    cli_compare_opts_init(&o, argc);
    struct cli_sched_list *l = calloc(1, sizeof(*l));
    struct vary vs[CLI_MAX_VARY];
    memset(vs, 0, sizeof(vs));
    struct ps_compare_row *rows = NULL;
    struct ps_scenario base;
    bool have_base = false;
    int rc, idx[CLI_MAX_VARY];
    if (!o.param_kv || !o.vary || !l) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if ((rc = cli_compare_opts_parse(env, "sweep", argc, argv, &o)) >= 0)
        goto done;
    if (o.n_vary == 0) {
        rc = cli_usage("sweep", "sweep: nothing to vary: --vary PATH=V1,V2,...");
        goto done;
    }
    if ((rc = cli_parse_schedules("sweep", o.schedules, l)) != PS_EXIT_OK)
        goto done;
    if ((rc = cli_apply_params("sweep", l, o.param_kv, o.n_param)) != PS_EXIT_OK)
        goto done;
    if ((rc = cli_check_output_path(o.out)) != PS_EXIT_OK)
        goto done;
    if ((rc = ps_cli_scenario_resolve(&o.so, &base, NULL, 0)) != PS_EXIT_OK)
        goto done;
    have_base = true;

    double t_f = ps_scenario_max_forward_ms(&base);
    long points = 1;
    for (int k = 0; k < o.n_vary; k++) {
        if ((rc = parse_vary("sweep", o.vary[k], t_f, &vs[k])) != PS_EXIT_OK)
            goto done;
        for (int j = 0; j < k; j++) {
            if (strcmp(vs[j].path, vs[k].path) == 0) {
                rc = cli_usage("sweep", "sweep: --vary %s given twice", vs[k].path);
                goto done;
            }
            if (vary_overlap(vs[j].path, vs[k].path))
                fprintf(stderr,
                        "pipescope: sweep: note: --vary %s is applied after --vary %s and may "
                        "change what it set; the %s column shows the value asked for\n",
                        vs[k].path, vs[j].path, vs[j].path);
        }
        points *= vs[k].n;
        if (points > MAX_POINTS) {
            rc = cli_usage("sweep", "sweep: more than %d points", MAX_POINTS);
            goto done;
        }
    }

    /* Every point first, so that an invalid one fails before any work or output. */
    bool any_multi_dc = false;
    for (long pt = 0; pt < points; pt++) {
        struct ps_scenario sc;
        if ((rc = build_point(&base, vs, o.n_vary, pt, &sc, idx)) != PS_EXIT_OK)
            goto done;
        any_multi_dc |= sc.n_dcs > 1;
        ps_scenario_fini(&sc);
    }
    for (int k = 0; k < o.n_vary && !any_multi_dc; k++)
        if (strncmp(vs[k].path, "network.inter_dc", 16) == 0 ||
            strncmp(vs[k].path, "network.pairs", 13) == 0)
            fprintf(stderr,
                    "pipescope: sweep: note: every point has one datacenter, so no message "
                    "crosses an inter-DC link and --vary %s changes nothing\n",
                    vs[k].path);

    size_t n_rows = (size_t)points * l->n, r = 0, ran = 0;
    rows = calloc(n_rows ? n_rows : 1, sizeof(*rows));
    if (!rows) {
        rc = cli_fail("out of memory");
        goto done;
    }
    bool show = isatty(STDERR_FILENO) && points > 1, shown = false;
    double last = now_ms();
    for (long pt = 0; pt < points; pt++) {
        struct ps_scenario sc;
        if (show && now_ms() - last >= 200) {
            /* Long sweeps say where they are (a terminal only; scripts get no noise). */
            fprintf(stderr, "\r\033[Kpipescope: sweep: point %ld of %ld", pt + 1, points);
            fflush(stderr);
            last = now_ms();
            shown = true;
        }
        if ((rc = build_point(&base, vs, o.n_vary, pt, &sc, idx)) != PS_EXIT_OK)
            goto done;
        for (size_t i = 0; i < l->n; i++, r++) {
            if (cli_run_row(l->sv[i], &sc, &l->params[i], &rows[r]))
                ran++;
            rows[r].n_extra = o.n_vary;
            for (int k = 0; k < o.n_vary; k++) {
                /* Same size: the path was checked to fit a column name. */
                memcpy(rows[r].extra[k].key, vs[k].path, sizeof(rows[r].extra[k].key));
                snprintf(rows[r].extra[k].value, sizeof(rows[r].extra[k].value), "%s",
                         vs[k].values[idx[k]]);
            }
        }
        ps_scenario_fini(&sc);
    }
    if (shown)
        fputs("\r\033[K", stderr);
    if (ran == 0 && o.out != NULL && strcmp(o.out, "-") != 0) {
        rc = cli_fail("sweep: no schedule could run at any point (%s not written)", o.out);
        goto done;
    }
    rc = cli_write_rows(o.format, o.out, rows, n_rows);
    if (rc == PS_EXIT_OK && ran == 0)
        rc = cli_fail("sweep: no schedule could run at any point");
done:
    for (int k = 0; k < CLI_MAX_VARY; k++)
        free(vs[k].values);
    free(rows);
    free(l);
    if (have_base)
        ps_scenario_fini(&base);
    cli_compare_opts_fini(&o);
    return rc;
}
