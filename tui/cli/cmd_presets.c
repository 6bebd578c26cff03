/* `pipescope presets`: the built-in scenarios, the user presets (with why one does not
 * load), and the models and link classes of the calculator. */
#include "tui/cli/common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "presets/cluster.h"
#include "presets/presets.h"
#include "core/text.h"

const char cli_help_presets[] =
    "Usage: pipescope presets\n"
    "\n"
    "Lists the built-in scenarios (use one with --preset NAME), the user presets (scenario\n"
    "files NAME.json in $PIPESCOPE_PRESETS, else $XDG_CONFIG_HOME/pipescope/presets or\n"
    "~/.config/pipescope/presets; also --preset NAME), and the models and link classes of\n"
    "the calculator (--model NAME --cluster dcs=2,pp=8,...,link=CLASS), and the clusters of\n"
    "the cluster planner (pipescope cluster --preset NAME).\n";

int cli_cmd_presets(const struct cli_env *env, int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_print_help(env, "presets");
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
    /* user presets are files: their names, descriptions, folder and errors are shown with
     * their control characters escaped */
    char safe[4 * 1024], safe2[4 * 1024];
    printf("\nUser presets (%s):\n",
           folder ? ps_text_safe(folder, safe, sizeof safe) : "no folder: set PIPESCOPE_PRESETS");
    if (ust != PS_OK) {
        char msg[1024];
        ps_diag_format(&d, NULL, msg, sizeof(msg));
        printf("  cannot list them: %s\n", ps_text_safe(msg, safe, sizeof safe));
    } else if (n_user == 0) {
        printf("  none\n");
    }
    for (size_t i = 0; i < n_user; i++)
        printf("%-*s  %s%s%s\n", width, ps_text_safe(user[i].name, safe, sizeof safe),
               user[i].valid ? "" : "(does not load) ",
               ps_text_safe(user[i].summary, safe2, sizeof safe2),
               user[i].shadowed ? " (hidden by the built-in preset)" : "");
    free(user);

    printf("\nModels for --model:\n");
    for (size_t i = 0; i < ps_model_count(); i++)
        printf("%-*s  %s\n", width, ps_model_at(i)->name, ps_model_at(i)->summary);
    printf("\nClusters for pipescope cluster --preset NAME:\n");
    for (size_t i = 0; i < ps_cluster_preset_count(); i++)
        printf("%-*s  %s\n", width, ps_cluster_preset_at(i)->name,
               ps_cluster_preset_at(i)->summary);
    printf("\nLink classes for --cluster link=CLASS:\n");
    for (size_t i = 0; i < ps_link_class_count(); i++)
        printf("%-*s  %s\n", width, ps_link_class_at(i)->name, ps_link_class_at(i)->summary);
    return PS_EXIT_OK;
}
