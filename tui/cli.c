/* The command line's dispatcher and its small commands (presets, schedules, scenario,
 * help), the shared scenario options, and the helpers every command uses: messages,
 * output files, the terminal width. */
#include "tui/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/units.h"
#include "export/export.h"
#include "presets/presets.h"
#include "solvers/solver.h"
#include "tui/cli_internal.h"

const char ps_cli_scenario_help[] =
    "Scenario (one source; default: the preset \"default\"):\n"
    "  --scenario FILE        a scenario file (JSON, pipescope-scenario/1)\n"
    "  --preset NAME          a built-in scenario (see: pipescope presets)\n"
    "  --model M --cluster C  a model and a cluster for the calculator\n"
    "  --set PATH=VALUE       edit one field by its path, applied in order (repeatable),\n"
    "                         e.g. network.inter_dc.latency_ms=20,\n"
    "                         compute.per_stage.3.forward_ms=40, memory.limit=null\n";

/* ---- messages ---------------------------------------------------------------------- */

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("pipescope: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return PS_EXIT_FAILURE;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("pipescope: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (cmd)
        fprintf(stderr, "Try 'pipescope help %s'.\n", cmd);
    else
        fputs("Try 'pipescope --help'.\n", stderr);
    return PS_EXIT_USAGE;
}

int cli_fail_diag(const struct ps_diag *d, const char *prefix)
{
    char buf[1024];
    ps_diag_format(d, prefix, buf, sizeof(buf));
    return cli_fail("%s", buf);
}

void cli_getopt_reset(void)
{
    optind = 0; /* glibc: a full re-initialization, also of its internal state */
    opterr = 0; /* we print our own messages, with our own prefix */
}

int cli_getopt_error(const char *cmd, int opt, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "?";
    if (opt == ':')
        return cli_usage(cmd, "%s: option '%s' needs a value", cmd, arg);
    if (optopt && optopt < 0x100 && strncmp(arg, "--", 2) != 0)
        return cli_usage(cmd, "%s: unknown option '-%c'", cmd, optopt);
    return cli_usage(cmd, "%s: unknown option '%s'", cmd, arg);
}

/* ---- files and the terminal -------------------------------------------------------- */

int cli_check_output_path(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return PS_EXIT_OK;
    if (!*path)
        return cli_fail("-o: empty file name");
    const char *slash = strrchr(path, '/');
    if (!slash)
        return PS_EXIT_OK;
    size_t n = (size_t)(slash - path);
    char dir[4096];
    if (n == 0) {
        strcpy(dir, "/");
    } else {
        if (n >= sizeof(dir))
            return cli_fail("%s: path too long", path);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return cli_fail("cannot write %s: folder %s does not exist", path, dir);
        return cli_fail("cannot write %s: folder %s: %s", path, dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return cli_fail("cannot write %s: %s is not a folder", path, dir);
    return PS_EXIT_OK;
}

int cli_write_output(const char *path, const char *data, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if (len && fwrite(data, 1, len, stdout) != len)
            return cli_fail("cannot write to standard output: %s", strerror(errno));
        if (fflush(stdout) != 0)
            return cli_fail("cannot write to standard output: %s", strerror(errno));
        return PS_EXIT_OK;
    }
    int rc = cli_check_output_path(path);
    if (rc != PS_EXIT_OK)
        return rc;
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = ps_write_atomic(path, data, len, &d);
    if (st != PS_OK) {
        if (d.msg[0]) /* name the file once */
            return cli_fail_diag(&d, strstr(d.path, path) || strstr(d.msg, path) ? NULL : path);
        return cli_fail("cannot write %s: %s", path, ps_status_str(st));
    }
    return PS_EXIT_OK;
}

int cli_term_width(void)
{
    int w = 0;
    const char *cols = getenv("COLUMNS");
    if (cols && *cols) {
        char *end;
        long v = strtol(cols, &end, 10);
        if (*end == '\0' && v > 0 && v < 10000)
            w = (int)v;
    }
    if (w == 0) {
        struct winsize ws;
        if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
            w = ws.ws_col;
    }
    if (w == 0)
        w = 100;
    if (w < 60)
        w = 60;
    if (w > 1000)
        w = 1000;
    return w;
}

int cli_read_file(const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_fail("%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return cli_fail("%s: out of memory", path);
    }
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *bigger = cap > (SIZE_MAX - 1) / 2 ? NULL : realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                fclose(f);
                return cli_fail("%s: out of memory", path);
            }
            buf = bigger;
            cap *= 2;
        }
    }
    bool failed = ferror(f);
    int err = errno;
    fclose(f);
    if (failed) {
        free(buf);
        return cli_fail("%s: cannot read: %s", path, strerror(err));
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return PS_EXIT_OK;
}

bool cli_word_in(const char *s, const char *choices)
{
    size_t n = strlen(s);
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, s, n) == 0)
            return true;
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

int cli_param_add(const char *cmd, struct ps_params *p, const char *kv)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return cli_usage(cmd, "--param '%s': expected KEY=VALUE", kv);
    if (ps_params_parse_kv(p, kv, &d) != PS_OK) {
        char buf[1024];
        ps_diag_format(&d, "--param", buf, sizeof(buf));
        return cli_usage(cmd, "%s", buf);
    }
    return PS_EXIT_OK;
}

/* ---- long solves ------------------------------------------------------------------- */

static atomic_int solve_cancel;
static volatile sig_atomic_t progress_on; /* a progress line is on stderr */

static void on_interrupt(int sig)
{
    (void)sig;
    if (atomic_load(&solve_cancel)) {
        /* the second Ctrl-C: quit now, ending the progress line first */
        if (progress_on && write(STDERR_FILENO, "\n", 1) < 0)
            _exit(130);
        _exit(130);
    }
    atomic_store(&solve_cancel, 1);
}

struct progress_state {
    const char *name;
    double last_ms;
    bool shown;
};

static void show_progress(const struct ps_progress *p, void *user)
{
    struct progress_state *ps = user;
    if (ps->shown && p->elapsed_ms - ps->last_ms < 250)
        return;
    ps->last_ms = p->elapsed_ms;
    ps->shown = true;
    progress_on = 1;
    char best[32] = "-", bound[32] = "-", gap[32] = "-";
    if (p->incumbent_ns >= 0)
        snprintf(best, sizeof(best), "%.2f ms", ps_ns_to_ms(p->incumbent_ns));
    if (p->bound_ns >= 0)
        snprintf(bound, sizeof(bound), "%.2f ms", ps_ns_to_ms(p->bound_ns));
    if (p->gap >= 0)
        snprintf(gap, sizeof(gap), "%.1f%%", p->gap * 100);
    fprintf(stderr,
            "\r\033[Kpipescope: %s: best %s, bound %s, gap %s, %ld nodes, %.1f s (Ctrl-C: stop)",
            ps->name, best, bound, gap, p->nodes, p->elapsed_ms / 1000);
    fflush(stderr);
}

enum ps_status cli_solver_run(const struct ps_solver *sv, const struct ps_scenario *sc,
                              const struct ps_params *params, struct ps_schedule **out,
                              struct ps_diag *d)
{
    if (!sv->slow)
        return ps_solver_run(sv, sc, params, NULL, out, d);
    struct progress_state ps = {.name = sv->name, .last_ms = 0, .shown = false};
    struct ps_solve_ctx ctx = {.cancel = &solve_cancel, .progress = NULL, .user = &ps};
    if (isatty(STDERR_FILENO))
        ctx.progress = show_progress;
    atomic_store(&solve_cancel, 0);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    enum ps_status st = ps_solver_run(sv, sc, params, &ctx, out, d);
    sigaction(SIGINT, &old, NULL);
    progress_on = 0;
    if (ps.shown)
        fputs("\r\033[K", stderr);
    if (st == PS_OK && *out && (*out)->solver.status == PS_SOLVE_CANCELLED)
        fprintf(stderr, "pipescope: %s: stopped by Ctrl-C%s\n", sv->name,
                (*out)->timed ? ": the best schedule found so far" : "; no schedule yet");
    return st;
}

/* ---- scenario options -------------------------------------------------------------- */

void ps_cli_scenario_init(struct ps_cli_scenario *o)
{
    memset(o, 0, sizeof(*o));
}

void ps_cli_scenario_fini(struct ps_cli_scenario *o)
{
    free(o->sets);
    memset(o, 0, sizeof(*o));
}

static int scenario_source_conflict(const struct ps_cli_scenario *o, const char *given)
{
    const char *had = o->src.scenario_file ? "--scenario"
                      : o->src.preset      ? "--preset"
                      : o->src.model       ? "--model"
                                           : NULL;
    if (had && strcmp(had, given) != 0) {
        cli_usage(NULL, "%s and %s: give one scenario source", had, given);
        return -1;
    }
    return 0;
}

int ps_cli_scenario_opt(struct ps_cli_scenario *o, int opt, const char *arg)
{
    switch (opt) {
    case PS_CLI_OPT_SCENARIO:
        if (scenario_source_conflict(o, "--scenario"))
            return -1;
        o->src.scenario_file = arg;
        return 1;
    case PS_CLI_OPT_PRESET:
        if (scenario_source_conflict(o, "--preset"))
            return -1;
        o->src.preset = arg;
        return 1;
    case PS_CLI_OPT_MODEL:
        if (scenario_source_conflict(o, "--model"))
            return -1;
        o->src.model = arg;
        return 1;
    case PS_CLI_OPT_CLUSTER:
        o->src.cluster = arg;
        return 1;
    case PS_CLI_OPT_SET: {
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg) {
            cli_usage(NULL, "--set '%s': expected PATH=VALUE, e.g. --set microbatches=32", arg);
            return -1;
        }
        if (o->src.n_sets == o->cap_sets) {
            int cap = o->cap_sets ? o->cap_sets * 2 : 8;
            const char **bigger = realloc(o->sets, (size_t)cap * sizeof(*bigger));
            if (!bigger) {
                cli_fail("out of memory");
                return -1;
            }
            o->sets = bigger;
            o->cap_sets = cap;
        }
        o->sets[o->src.n_sets++] = arg;
        o->src.sets = o->sets;
        return 1;
    }
    default:
        return 0;
    }
}

int ps_cli_scenario_resolve(const struct ps_cli_scenario *o, struct ps_scenario *sc, char *err,
                            size_t err_size)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    if (o->src.cluster && !o->src.model) {
        ps_scenario_init(sc);
        const char *msg = "--cluster needs --model";
        if (err)
            snprintf(err, err_size, "%s", msg);
        else
            cli_usage(NULL, "%s", msg);
        return PS_EXIT_USAGE;
    }
    enum ps_status st = ps_scenario_resolve(&o->src, sc, &d);
    if (st == PS_OK)
        return PS_EXIT_OK;

    bool unknown_preset = st == PS_ENOTFOUND && strcmp(d.path, "preset") == 0;
    if (unknown_preset)
        d.path[0] = '\0'; /* "unknown preset 'x' (known: ...)" says it already */
    /* Name the file when the diagnostic does not already (a --set edit names itself). */
    const char *file = o->src.scenario_file;
    const char *prefix = NULL;
    if (file && !strstr(d.msg, file) && !strstr(d.path, file) && strncmp(d.path, "--set", 5) != 0)
        prefix = file;
    /* Likewise a model file's field (model.layers) gets the file's name. */
    const char *model = o->src.model;
    size_t ml = model ? strlen(model) : 0;
    if (!file && ml > 5 && strcasecmp(model + ml - 5, ".json") == 0 &&
        strncmp(d.path, "model", 5) == 0 && !strstr(d.msg, model))
        prefix = model;
    char buf[1024];
    if (!d.msg[0] && !d.path[0])
        snprintf(buf, sizeof(buf), "%s%s%s", prefix ? prefix : "", prefix ? ": " : "",
                 ps_status_str(st));
    else
        ps_diag_format(&d, prefix, buf, sizeof(buf));
    if (err)
        snprintf(err, err_size, "%s", buf);
    else
        cli_fail("%s", buf);
    /* An unknown preset name is a mistake on the command line, like an unknown schedule;
     * everything else (files, values) is a failure of the input. */
    return unknown_preset ? PS_EXIT_USAGE : PS_EXIT_FAILURE;
}

/* ---- presets, schedules, scenario -------------------------------------------------- */

static const char help_presets[] =
    "Usage: pipescope presets\n"
    "\n"
    "Lists the built-in scenarios (use one with --preset NAME), the user presets (scenario\n"
    "files NAME.json in $PIPESCOPE_PRESETS, else $XDG_CONFIG_HOME/pipescope/presets or\n"
    "~/.config/pipescope/presets; also --preset NAME), and the models and link classes of\n"
    "the calculator (--model NAME --cluster dcs=2,pp=8,...,link=CLASS).\n";

static int cmd_presets(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_print_help("presets");
        return cli_getopt_error("presets", c, argv);
    }
    if (optind < argc)
        return cli_usage("presets", "presets: unexpected argument '%s'", argv[optind]);

    struct ps_user_preset *user = NULL;
    size_t n_user = 0;
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status ust = ps_user_presets_list(&user, &n_user, &d);

    int width = 12;
    for (size_t i = 0; i < ps_preset_count(); i++)
        if ((int)strlen(ps_preset_at(i)->name) > width)
            width = (int)strlen(ps_preset_at(i)->name);
    for (size_t i = 0; i < n_user; i++)
        if ((int)strlen(user[i].name) > width)
            width = (int)strlen(user[i].name);
    for (size_t i = 0; i < ps_model_count(); i++)
        if ((int)strlen(ps_model_at(i)->name) > width)
            width = (int)strlen(ps_model_at(i)->name);

    for (size_t i = 0; i < ps_preset_count(); i++) {
        const struct ps_preset *p = ps_preset_at(i);
        printf("%-*s  %s\n", width, p->name, p->summary);
    }

    char dir[1024];
    const char *folder = ps_user_presets_dir(dir, sizeof(dir));
    printf("\nUser presets (%s):\n", folder ? folder : "no folder: set PIPESCOPE_PRESETS");
    if (ust != PS_OK) {
        char msg[1024];
        ps_diag_format(&d, NULL, msg, sizeof(msg));
        printf("  cannot list them: %s\n", msg);
    } else if (n_user == 0) {
        printf("  none\n");
    }
    for (size_t i = 0; i < n_user; i++)
        printf("%-*s  %s%s%s\n", width, user[i].name, user[i].valid ? "" : "(does not load) ",
               user[i].summary, user[i].shadowed ? " (hidden by the built-in preset)" : "");
    free(user);

    printf("\nModels for --model:\n");
    for (size_t i = 0; i < ps_model_count(); i++)
        printf("%-*s  %s\n", width, ps_model_at(i)->name, ps_model_at(i)->summary);
    printf("\nLink classes for --cluster link=CLASS:\n");
    for (size_t i = 0; i < ps_link_class_count(); i++)
        printf("%-*s  %s\n", width, ps_link_class_at(i)->name, ps_link_class_at(i)->summary);
    return PS_EXIT_OK;
}

static const char help_schedules[] =
    "Usage: pipescope schedules\n"
    "\n"
    "Lists the schedule generators: name, backward (split B/W or combined), traversal and\n"
    "chunks per device, speed, a summary, and the parameters (--param KEY=VALUE) with\n"
    "their defaults, wrapped to the terminal's width. Slow generators are left out of\n"
    "'compare --schedules all'.\n";

/* Prints text from column `col` (already printed), wrapped at `width` columns, each new
 * line indented by `indent`; ends with a newline. Words longer than a line are kept. */
static void print_wrapped(const char *text, int col, int indent, int width)
{
    const char *p = text;
    bool first_word = true;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        int len = (int)strcspn(p, " ");
        if (!first_word && col + 1 + len > width) {
            printf("\n%*s", indent, "");
            col = indent;
            first_word = true;
        }
        if (!first_word) {
            putchar(' ');
            col++;
        }
        printf("%.*s", len, p);
        col += len;
        p += len;
        first_word = false;
    }
    putchar('\n');
}

static void print_param(const struct ps_param_def *p, int width)
{
    char kind[160];
    switch (p->type) {
    case PS_PARAM_INT:
        snprintf(kind, sizeof(kind), "integer %g..%g", p->min, p->max);
        break;
    case PS_PARAM_FLOAT:
        snprintf(kind, sizeof(kind), "number %g..%g", p->min, p->max);
        break;
    case PS_PARAM_BOOL:
        snprintf(kind, sizeof(kind), "true|false");
        break;
    case PS_PARAM_CHOICE:
        snprintf(kind, sizeof(kind), "%s", p->choices ? p->choices : "choice");
        break;
    case PS_PARAM_LIST:
        snprintf(kind, sizeof(kind), "list");
        break;
    case PS_PARAM_STRING:
    default:
        snprintf(kind, sizeof(kind), "text");
        break;
    }
    char kv[96], text[600];
    snprintf(kv, sizeof(kv), "%s=%s", p->key, p->def ? p->def : "");
    snprintf(text, sizeof(text), "%s (%s)", p->help ? p->help : "", kind);
    int col = printf("    %-22s ", kv);
    print_wrapped(text, col, 27, width);
}

static int cmd_schedules(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_print_help("schedules");
        return cli_getopt_error("schedules", c, argv);
    }
    if (optind < argc)
        return cli_usage("schedules", "schedules: unexpected argument '%s'", argv[optind]);
    int width = 8, term = cli_term_width();
    for (size_t i = 0; i < ps_solver_count(); i++) {
        int n = (int)strlen(ps_solver_at(i)->name);
        if (n > width)
            width = n;
    }
    printf("%-*s  %-8s  %-17s  %-5s  %s\n", width, "NAME", "BACKWARD", "SHAPE", "SPEED", "SUMMARY");
    for (size_t i = 0; i < ps_solver_count(); i++) {
        const struct ps_solver *sv = ps_solver_at(i);
        char shape[64], chunks[24];
        if (sv->min_chunks == sv->max_chunks)
            snprintf(chunks, sizeof(chunks), "V=%d", sv->min_chunks);
        else
            snprintf(chunks, sizeof(chunks), "V=%d..%d", sv->min_chunks, sv->max_chunks);
        snprintf(
            shape, sizeof(shape), "%s%s%s %s", (sv->traversals & PS_TRAV_LOOP_BIT) ? "loop" : "",
            (sv->traversals & PS_TRAV_LOOP_BIT) && (sv->traversals & PS_TRAV_WAVE_BIT) ? "|" : "",
            (sv->traversals & PS_TRAV_WAVE_BIT) ? "wave" : "", chunks);
        int col =
            printf("%-*s  %-8s  %-17s  %-5s  ", width, sv->name,
                   sv->split_backward ? "split" : "combined", shape, sv->slow ? "slow" : "fast");
        print_wrapped(sv->summary, col, col, term);
        for (size_t k = 0; k < sv->n_params; k++)
            print_param(&sv->params[k], term);
    }
    printf("\nSlow schedules run in compare only when named: --schedules all,optimal.\n");
    return PS_EXIT_OK;
}

static const char help_scenario[] =
    "Usage: pipescope scenario [SCENARIO OPTIONS] [-o FILE]\n"
    "\n"
    "Prints the resolved scenario (after every --set) as a scenario file (JSON).\n"
    "\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n";

static int cmd_scenario(int argc, char **argv)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    struct ps_cli_scenario so;
    ps_cli_scenario_init(&so);
    const char *out = NULL;
    int c, rc = PS_EXIT_OK;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        int taken = ps_cli_scenario_opt(&so, c, optarg);
        if (taken < 0) {
            rc = PS_EXIT_USAGE;
            goto done;
        }
        if (taken)
            continue;
        if (c == 'o') {
            out = optarg;
        } else if (c == 'h') {
            rc = cli_print_help("scenario");
            goto done;
        } else {
            rc = cli_getopt_error("scenario", c, argv);
            goto done;
        }
    }
    if (optind < argc) {
        rc = cli_usage("scenario", "scenario: unexpected argument '%s'", argv[optind]);
        goto done;
    }
    if ((rc = cli_check_output_path(out)) != PS_EXIT_OK)
        goto done;
    struct ps_scenario sc;
    if ((rc = ps_cli_scenario_resolve(&so, &sc, NULL, 0)) != PS_EXIT_OK)
        goto done;
    char *json = ps_scenario_to_json(&sc);
    if (!json)
        rc = cli_fail("out of memory");
    else
        rc = cli_write_output(out, json, strlen(json));
    free(json);
    ps_scenario_fini(&sc);
done:
    ps_cli_scenario_fini(&so);
    return rc;
}

/* ---- dispatch ---------------------------------------------------------------------- */

static const char help_tui[] =
    "Usage: pipescope tui [SCENARIO OPTIONS]\n"
    "\n"
    "Opens the explorer (interactive, full screen) on a scenario. 'pipescope' with no\n"
    "command does the same on the default scenario. When the explorer is not built in,\n"
    "prints the comparison of the scenario instead.\n"
    "\n"
    "Explorer options:\n"
    "  --mono                 draw without colour (so does a non-empty NO_COLOR)\n"
    "  --ascii                draw without Unicode (so does a non-UTF-8 locale)\n";

static const char help_help[] = "Usage: pipescope help [COMMAND]\n"
                                "\n"
                                "Prints the help of a command, or the list of commands.\n";

static int cmd_help(int argc, char **argv);
static int tui_fallback(int argc, char **argv);

static const struct cli_command commands[] = {
    {"tui", "open the explorer on a scenario", help_tui, tui_fallback},
    {"solve", "compute one schedule: summary and Gantt chart, or a JSON/CSV file", cli_help_solve,
     cli_cmd_solve},
    {"compare", "every schedule side by side with the lower bound", cli_help_compare,
     cli_cmd_compare},
    {"sweep", "compare over a grid of scenario values (one column per varied field)",
     cli_help_sweep, cli_cmd_sweep},
    {"validate", "re-check a schedule file against the model", cli_help_validate, cli_cmd_validate},
    {"replay", "re-simulate a schedule file's orders and compare the times", cli_help_replay,
     cli_cmd_replay},
    {"presets", "list the built-in scenarios", help_presets, cmd_presets},
    {"schedules", "list the schedule generators and their parameters", help_schedules,
     cmd_schedules},
    {"scenario", "print the resolved scenario as JSON", help_scenario, cmd_scenario},
    {"help", "help on a command", help_help, cmd_help},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_main_help(void)
{
    printf("pipescope %s: pipeline-parallel training schedules across datacenters\n"
           "\n"
           "Usage: pipescope [COMMAND [OPTIONS]]\n"
           "\n"
           "With no command, opens the explorer on the default scenario.\n"
           "\n"
           "Commands:\n",
           PS_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++)
        printf("  %-10s %s\n", commands[i].name, commands[i].summary);
    printf("\n"
           "Options:\n"
           "  -h, --help     this help ('pipescope help COMMAND' for a command's)\n"
           "  -V, --version  print the version\n"
           "  --mono         the explorer without colour; --ascii: without Unicode\n"
           "                 (with scenario options: pipescope --preset NAME --mono)\n"
           "\n"
           "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

static void print_command_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_COMMANDS && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", commands[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int cli_print_help(const char *cmd)
{
    const struct cli_command *c = find_command(cmd);
    if (!c) {
        print_main_help();
        return PS_EXIT_OK;
    }
    fputs(c->help, stdout);
    if (strstr(c->help, "SCENARIO OPTIONS")) {
        fputc('\n', stdout);
        fputs(ps_cli_scenario_help, stdout);
    }
    printf("\nExit status: 0 success, 1 failure, 2 usage error.\n");
    return PS_EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help();
        return PS_EXIT_OK;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
        return cli_print_help("help");
    if (argc > 2)
        return cli_usage("help", "help: one command at a time");
    if (!find_command(argv[1])) {
        char names[512];
        print_command_names(names, sizeof(names));
        return cli_usage(NULL, "help: unknown command '%s' (commands: %s)", argv[1], names);
    }
    return cli_print_help(argv[1]);
}

static int (*tui_entry)(int argc, char **argv);

/* `pipescope tui ...`: the explorer when it is built in, else the comparison. */
static int tui_fallback(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            if (!tui_entry)
                return cli_print_help("tui");
    }
    if (tui_entry)
        return tui_entry(argc, argv);
    fputs("pipescope: the explorer is not built in; showing the comparison instead\n", stderr);
    return cli_cmd_compare(argc, argv);
}

static bool is_scenario_option(const char *arg)
{
    static const char *const names[] = {"--scenario", "--preset", "--model", "--cluster", "--set"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = strlen(names[i]);
        if (strncmp(arg, names[i], n) == 0 && (arg[n] == '\0' || arg[n] == '='))
            return true;
    }
    return false;
}

int ps_cli_main(int argc, char **argv, int (*tui_main)(int argc, char **argv))
{
    tui_entry = tui_main;
    /* Messages say "pipescope", whatever path the program was started by. */
    static char program[] = "pipescope";
    if (argc > 0)
        argv[0] = program;
    if (argc < 2) {
        if (tui_main)
            return tui_main(argc, argv);
        static char arg0[] = "compare";
        char *args[] = {arg0, NULL};
        return cli_cmd_compare(1, args);
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("pipescope %s\n", PS_VERSION);
        return PS_EXIT_OK;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_main_help();
        return PS_EXIT_OK;
    }
    const struct cli_command *c = find_command(name);
    if (!c &&
        (is_scenario_option(name) || strcmp(name, "--mono") == 0 || strcmp(name, "--ascii") == 0))
        return tui_fallback(argc, argv); /* pipescope --preset NAME: the explorer on it */
    if (!c) {
        char names[512];
        print_command_names(names, sizeof(names));
        if (name[0] == '-')
            return cli_usage(NULL, "unknown option '%s'", name);
        return cli_usage(NULL, "unknown command '%s' (commands: %s)", name, names);
    }
    return c->run(argc - 1, argv + 1);
}

const char *cli_format_of_path(const char *path, bool trace_ok)
{
    if (path == NULL)
        return NULL;
    size_t n = strlen(path);
    if (trace_ok && n > 11 && strcasecmp(path + n - 11, ".trace.json") == 0)
        return "trace";
    if (n > 4 && strcasecmp(path + n - 4, ".svg") == 0)
        return "svg";
    if (n > 5 && strcasecmp(path + n - 5, ".json") == 0)
        return "json";
    if (n > 4 && strcasecmp(path + n - 4, ".csv") == 0)
        return "csv";
    return NULL;
}
