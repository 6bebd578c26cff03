/* The shown schedule's parameters: stepping by type, typed values, and the run after a
 * change (refused, with the old value back, when it fails on the new one). */
#include "tui/explorer/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/explorer/numbers.h"
#include "tui/explorer/results.h"
#include "tui/explorer/view.h"

void tui_param_set(struct tui_app *app, struct tui_result *r, const char *key, const char *value)
{
    struct ps_params p = r->params;
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = ps_params_set(&p, key, value);
    if (st == PS_OK)
        st = ps_params_check(r->sv, &p, &d);
    if (st != PS_OK) {
        char path[64];
        snprintf(path, sizeof(path), "param.%s", key);
        tui_refuse_diag(app, &d, path, st, value);
        return;
    }
    r->undo = r->params;
    snprintf(r->undo_key, sizeof(r->undo_key), "%s", key);
    snprintf(r->undo_value, sizeof(r->undo_value), "%s", value);
    r->params = p;
    size_t i = (size_t)(r - app->res);
    if (r->sv->slow) {
        tui_results_drop(r); /* its parameters changed: solve again on demand */
        tui_message(app, TUI_MSG_INFO, "%s: %s = %s (press r to solve)", r->sv->name, key, value);
    } else {
        /* A list parameter is parsed by the solver itself: a run that fails on it is a
         * refusal, and the old value comes back. */
        r->has_undo = true;
        tui_results_run(app, i);
        if (tui_result_failed_on_param(r, key))
            tui_result_undo_param(app, r);
        else if (r->pending)
            tui_message(app, TUI_MSG_OK, "%s: %s = %s (updating)", r->sv->name, key, value);
        else {
            r->has_undo = false;
            tui_message(app, r->sched ? TUI_MSG_OK : TUI_MSG_ERR, "%s: %s = %s%s%s", r->sv->name,
                        key, value, r->sched ? "" : ": ", r->sched ? "" : r->error);
        }
    }
    tui_view_clamp_cursor(app);
}

/* The choice after (dir > 0) or before cur in "a|b|c", cyclic, into buf; false when there
 * are no choices. Empty words between bars are skipped; at most 16 are read. */
static bool next_choice(const char *choices, const char *cur, int dir, char *buf, size_t size)
{
    const char *word[16];
    int len[16], n = 0;
    for (const char *p = choices; *p && n < 16;) {
        size_t l = strcspn(p, "|");
        if (l > 0) {
            word[n] = p;
            len[n++] = (int)l;
        }
        p += l;
        if (*p == '|')
            p++;
    }
    if (n == 0)
        return false;
    int at = 0;
    for (int i = 0; i < n; i++)
        if (cur && (int)strlen(cur) == len[i] && strncmp(word[i], cur, (size_t)len[i]) == 0)
            at = i;
    at = ((at + dir) % n + n) % n;
    snprintf(buf, size, "%.*s", len[at], word[at]);
    return true;
}

void tui_param_step(struct tui_app *app, int index, int dir)
{
    struct tui_result *r = &app->res[app->shown];
    const struct ps_param_def *pd = &r->sv->params[index];
    const char *cur = ps_params_get(r->sv, &r->params, pd->key);
    char buf[64];
    switch (pd->type) {
    case PS_PARAM_INT: {
        long v = cur ? strtol(cur, NULL, 10) + dir : 0;
        if (v < (long)pd->min || v > (long)pd->max) {
            char path[64], why[96], got[32];
            snprintf(path, sizeof(path), "param.%s", pd->key);
            snprintf(why, sizeof(why), "must be within %g..%g", pd->min, pd->max);
            snprintf(got, sizeof(got), "%ld", v);
            tui_refuse(app, path, why, got);
            return;
        }
        snprintf(buf, sizeof(buf), "%ld", v);
        break;
    }
    case PS_PARAM_FLOAT: {
        double v = cur ? strtod(cur, NULL) : 0;
        v = tui_ladder_step(v, dir, &tui_ladder_fine, pd->min > 0 ? pd->min : 0.1, pd->min <= 0);
        if (v > pd->max)
            v = pd->max;
        if (v < pd->min)
            v = pd->min;
        tui_fmt_num(buf, sizeof(buf), v);
        break;
    }
    case PS_PARAM_BOOL: {
        bool b =
            cur && (strcmp(cur, "true") == 0 || strcmp(cur, "1") == 0 || strcmp(cur, "yes") == 0);
        snprintf(buf, sizeof(buf), "%s", b ? "false" : "true");
        break;
    }
    case PS_PARAM_CHOICE:
        if (!next_choice(pd->choices ? pd->choices : "", cur, dir, buf, sizeof(buf)))
            return;
        break;
    default:
        tui_message(app, TUI_MSG_INFO, "press Enter to type %s", pd->key);
        return;
    }
    tui_param_set(app, r, pd->key, buf);
}
