/* The explorer's entry point and event loop: resolve the scenario from the options, open
 * the terminal, then render / wait for an event / apply until q. The background solve is
 * polled on the input timeout, so input never waits for it. */
#include "tui/explorer/explorer.h"

#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/cli/cli.h"
#include "tui/explorer/app.h"
#include "tui/explorer/canvas.h"
#include "tui/explorer/keys.h"
#include "tui/explorer/render.h"
#include "tui/explorer/results.h"
#include "tui/explorer/term.h"
#include "tui/explorer/workload.h"

#define TICK_MS 100 /* input timeout while a background solve runs */

static const char usage[] =
    "usage: pipescope [tui] [--preset NAME | --scenario FILE] [--set PATH=VALUE]...\n"
    "                 [--mono] [--ascii]\n"
    "\n"
    "Opens the explorer: edit the scenario and watch every schedule's timeline change.\n"
    "Press ? inside for the keys.\n"
    "\n";

/* The explorer's options. */
struct options {
    struct ps_cli_scenario so;
    bool mono, ascii;
};

/* Parses the options; returns -1 to go on, else the exit code (help printed, or a usage
 * error). */
static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"mono", no_argument, NULL, 'm'},
        {"ascii", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0; /* our own message, in the words of the other commands */
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int taken = ps_cli_scenario_opt(&o->so, opt, optarg);
        if (taken < 0)
            return PS_EXIT_USAGE;
        if (taken > 0)
            continue;
        switch (opt) {
        case 'm':
            o->mono = true;
            break;
        case 'a':
            o->ascii = true;
            break;
        case 'h':
            fputs(usage, stdout);
            fputs(ps_cli_scenario_help, stdout);
            return PS_EXIT_OK;
        default:
            if (optind > 0 && optind <= argc && argv[optind - 1][0] == '-')
                fprintf(stderr, "pipescope: tui: unknown option '%s'\n", argv[optind - 1]);
            fputs("Try 'pipescope help tui'\n", stderr);
            return PS_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr,
                "pipescope: tui: unexpected argument '%s' (a preset? pipescope --preset %s)\n%s",
                argv[optind], argv[optind], usage);
        return PS_EXIT_USAGE;
    }
    return -1;
}

/* Where the scenario came from, for the panel's title. */
static void describe_source(const struct ps_cli_scenario *so, char *source, size_t size)
{
    if (so->src.scenario_file)
        snprintf(source, size, "%s", so->src.scenario_file);
    else if (so->src.model)
        snprintf(source, size, "model %s", so->src.model);
    else
        snprintf(source, size, "preset %s", so->src.preset ? so->src.preset : PS_DEFAULT_PRESET);
    if (so->src.n_sets > 0)
        strncat(source, " (edited)", size - strlen(source) - 1);
}

/* Renders, waits for an event and applies it until q or a quit signal; returns true on a
 * signal. */
static bool run_loop(struct tui_app *app, struct tui_term *term, struct tui_canvas *canvas)
{
    bool dirty = true;
    for (;;) {
        if (dirty) {
            tui_render(app, canvas);
            tui_term_present(term, canvas, app->unicode);
            dirty = false;
        }
        if (tui_term_interrupted())
            return true;
        struct tui_worker_state ws;
        tui_worker_peek(app->worker, &ws);
        /* play (teaching mode) steps on the timeout too */
        bool busy = ws.running || ws.has_result || tui_workload_running(app) || app->teach_play;
        int timeout = tui_app_pending(app) ? 2 : busy ? TICK_MS : 1000;
        struct tui_event ev = tui_term_next_event(term, timeout);
        struct tui_cmd cmd = tui_key_lookup(app, &ev);
        unsigned r = tui_apply(app, &cmd);
        if (r & TUI_QUIT)
            return false;
        if (cmd.action == TUI_A_REDRAW)
            tui_term_invalidate(term);
        dirty |= (r & TUI_REDRAW) != 0;
    }
}

/* The exit code after the loop: 130 after Ctrl-C, SIGTERM or SIGHUP, as a shell expects;
 * 0 after q, or after SIGPIPE (a pipe closed early is a normal end). */
static int exit_code(bool interrupted)
{
    return interrupted && tui_term_quit_signal() != SIGPIPE ? 130 : PS_EXIT_OK;
}

/* The explorer on a terminal for the scenario sc (taken); returns the exit code. */
static int explore(struct ps_scenario *sc, const char *source, const struct options *o)
{
    char err[512];
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "pipescope: the explorer needs a terminal; for scripts use "
                        "`pipescope compare` or `pipescope solve`\n");
        ps_scenario_fini(sc);
        return PS_EXIT_FAILURE;
    }
    struct tui_term *term = tui_term_open(stdout, stdin, NULL, o->mono, err, sizeof(err));
    if (term == NULL) {
        fprintf(stderr, "pipescope: %s\n", err);
        ps_scenario_fini(sc);
        return PS_EXIT_FAILURE;
    }
    int cols, rows;
    tui_term_size(term, &cols, &rows);

    /* Static: when q leaves a job running, the process exits without tui_app_fini, and
     * everything stays reachable (no leak report) while the threads are torn down. */
    static struct tui_app app;
    if (tui_app_init(&app, sc, source, cols, rows) != PS_OK) {
        tui_term_close(term);
        fprintf(stderr, "pipescope: out of memory\n");
        ps_scenario_fini(sc);
        return PS_EXIT_FAILURE;
    }
    app.color = tui_term_has_color(term);
    const char *codeset = nl_langinfo(CODESET);
    app.unicode = !o->ascii && codeset && strcmp(codeset, "UTF-8") == 0;

    struct tui_canvas canvas;
    tui_canvas_init(&canvas, cols, rows);
    /* A first apply settles the view (fit, scroll) for the terminal size. */
    struct tui_cmd first = {.action = TUI_A_RESIZE,
                            .ev = {.type = TUI_EV_RESIZE, .cols = cols, .rows = rows}};
    tui_apply(&app, &first);
    /* Ctrl-C or SIGTERM: exit 130, as a shell expects. */
    bool interrupted = run_loop(&app, term, &canvas);
    tui_canvas_fini(&canvas);
    tui_term_close(term); /* the terminal is back before anything else happens */
    struct tui_worker_state ws;
    tui_worker_peek(app.worker, &ws);
    if (ws.running || tui_app_pending(&app) || tui_workload_running(&app)) {
        /* A solve is still running: do not make q wait for it to notice the cancel; the
         * process exits and takes the thread with it. Every thread is joined (finished)
         * or detached (running), never left behind unjoined. */
        tui_worker_release(app.worker);
        tui_workload_release(app.wl);
        for (size_t i = 0; i < app.n_res; i++)
            tui_worker_release(app.res[i].lane);
        return exit_code(interrupted);
    }
    tui_app_fini(&app);
    return exit_code(interrupted);
}

int ps_tui_main(int argc, char **argv)
{
    setlocale(LC_CTYPE, "");
    struct options o;
    memset(&o, 0, sizeof(o));
    ps_cli_scenario_init(&o.so);
    o.so.no_plan = true; /* a workload is planned in the background (workload.c) */
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0) {
        ps_cli_scenario_fini(&o.so);
        return rc;
    }
    /* The scenario first: a bad file is reported on a normal terminal. */
    struct ps_scenario sc;
    char err[512];
    rc = ps_cli_scenario_resolve(&o.so, &sc, err, sizeof(err));
    if (rc != PS_EXIT_OK) {
        fprintf(stderr, "pipescope: %s\n", err);
        ps_cli_scenario_fini(&o.so);
        return rc;
    }
    char source[256];
    describe_source(&o.so, source, sizeof(source));
    ps_cli_scenario_fini(&o.so);
    return explore(&sc, source, &o);
}
