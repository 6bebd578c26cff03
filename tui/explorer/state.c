/* The core of the explorer's state that every file may use: the status line's messages
 * and refusals, the shown schedule, and opening the prompt line. */
#include "tui/explorer/state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t tui_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void tui_message(struct tui_app *app, enum tui_msg_level lv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->msg, sizeof(app->msg), fmt, ap);
    va_end(ap);
    app->msg_level = lv;
    app->msg_at = tui_now_ms();
}

bool tui_message_expire(struct tui_app *app)
{
    if (app->msg[0] == '\0')
        return false;
    int64_t ttl = app->msg_level == TUI_MSG_ERR ? TUI_MSG_ERR_MS : TUI_MSG_MS;
    if (tui_now_ms() - app->msg_at < ttl)
        return false;
    app->msg[0] = '\0';
    return true;
}

void tui_refuse(struct tui_app *app, const char *path, const char *reason, const char *typed)
{
    char r[400];
    snprintf(r, sizeof(r), "%s", reason);
    char *got = strstr(r, " (got ");
    if (typed != NULL && got != NULL)
        *got = '\0';
    if (typed != NULL)
        tui_message(app, TUI_MSG_ERR, "refused: %s: %s (got %s)", path, r, typed);
    else
        tui_message(app, TUI_MSG_ERR, "refused: %s: %s", path, r);
}

void tui_refuse_diag(struct tui_app *app, const struct ps_diag *d, const char *path,
                     enum ps_status st, const char *typed)
{
    tui_refuse(app, d->path[0] ? d->path : path, d->msg[0] ? d->msg : ps_status_str(st), typed);
}

const struct ps_schedule *tui_shown(const struct tui_app *app)
{
    if (app->shown < 0 || (size_t)app->shown >= app->n_res)
        return NULL;
    return app->res[app->shown].sched;
}

int64_t tui_shown_makespan(const struct tui_app *app)
{
    const struct ps_schedule *s = tui_shown(app);
    return s && s->timed ? s->makespan_ns : -1;
}

/* The scenario's provenance as one string: origin, a newline, edits (malloc'd). */
static char *provenance(const struct ps_scenario *sc)
{
    const char *o = sc->origin ? sc->origin : "", *e = sc->edits ? sc->edits : "";
    size_t n = strlen(o) + strlen(e) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s\n%s", o, e);
    return p;
}

bool tui_unsaved(const struct tui_app *app)
{
    if (app->sc.edits == NULL)
        return false;
    char *now = provenance(&app->sc);
    bool differs = now == NULL || app->clean == NULL || strcmp(now, app->clean) != 0;
    free(now);
    return differs;
}

void tui_mark_clean(struct tui_app *app)
{
    free(app->clean);
    app->clean = provenance(&app->sc);
}

void tui_prompt_open(struct tui_app *app, enum tui_prompt_kind k, const char *label,
                     const char *initial)
{
    app->mode = TUI_MODE_PROMPT;
    app->prompt_kind = k;
    snprintf(app->prompt_label, sizeof(app->prompt_label), "%s", label);
    snprintf(app->prompt_buf, sizeof(app->prompt_buf), "%s", initial ? initial : "");
    app->prompt_cur = strlen(app->prompt_buf);
    for (int i = 0; i < 2; i++)
        tui_line_history_reset(&app->prompt_hist[i]);
}
