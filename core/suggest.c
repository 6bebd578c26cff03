/* Suggestions for mistyped names (see suggest.h). */
#include "core/suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int ps_name_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 9;
    int dp[64][64];
    for (size_t i = 0; i <= la; i++)
        for (size_t j = 0; j <= lb; j++) {
            if (i == 0 || j == 0) {
                dp[i][j] = (int)(i + j);
                continue;
            }
            int sub = dp[i - 1][j - 1] +
                      (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            int best = sub;
            if (dp[i - 1][j] + 1 < best)
                best = dp[i - 1][j] + 1;
            if (dp[i][j - 1] + 1 < best)
                best = dp[i][j - 1] + 1;
            if (i > 1 && j > 1 &&
                tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
                dp[i - 2][j - 2] + 1 < best)
                best = dp[i - 2][j - 2] + 1;
            dp[i][j] = best;
        }
    return dp[la][lb] < 9 ? dp[la][lb] : 9;
}

void ps_suggest_init(struct ps_suggest *s, const char *typed)
{
    s->typed = typed ? typed : "";
    s->best = NULL;
    /* At most a third of the name wrong, and never more than 3 characters. */
    s->best_d = (int)strlen(s->typed) / 3 + 1;
    if (s->best_d > 3)
        s->best_d = 3;
}

void ps_suggest_offer(struct ps_suggest *s, const char *name)
{
    if (name == NULL || *name == '\0' || *s->typed == '\0')
        return;
    int d = ps_name_distance(s->typed, name);
    if (d == 0 && strcmp(s->typed, name) == 0)
        return; /* the same name is no suggestion */
    if (d <= s->best_d && (s->best == NULL || d < s->best_d)) {
        s->best = name;
        s->best_d = d;
    }
}

const char *ps_suggest_among(const char *typed, const char *const *names, size_t n)
{
    struct ps_suggest s;
    ps_suggest_init(&s, typed);
    for (size_t i = 0; i < n; i++)
        ps_suggest_offer(&s, names[i]);
    return s.best;
}

char *ps_suggest_hint(const struct ps_suggest *s, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    if (s->best)
        snprintf(buf, size, "; did you mean '%s'?", s->best);
    else
        buf[0] = '\0';
    return buf;
}

const char *ps_suggest_in_list(const char *typed, const char *list, char *out, size_t size)
{
    struct ps_suggest s;
    ps_suggest_init(&s, typed);
    char name[64];
    const char *best_at = NULL;
    size_t best_len = 0;
    for (const char *p = list; p && *p;) {
        p += strspn(p, ", |");
        size_t len = strcspn(p, ", |");
        if (len == 0)
            break;
        if (len < sizeof name) {
            memcpy(name, p, len);
            name[len] = '\0';
            const char *before = s.best;
            ps_suggest_offer(&s, name);
            if (s.best != before) { /* the offer won: remember where it is in list */
                best_at = p;
                best_len = len;
                s.best = best_at; /* keep a pointer that outlives `name` */
            }
        }
        p += len;
    }
    if (best_at == NULL || size == 0)
        return NULL;
    snprintf(out, size, "%.*s", (int)best_len, best_at);
    return out;
}
