/* `pipescope schedules`: the schedule generators, their shapes and speeds, and their
 * parameters with defaults, wrapped to the terminal's width. */
#include "tui/cli/common.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "solvers/solver.h"

const char cli_help_schedules[] =
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

int cli_cmd_schedules(const struct cli_env *env, int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_print_help(env, "schedules");
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
