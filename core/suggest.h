/* "Did you mean ...?": the one rule for every name a user types (presets, schedules,
 * fields, models, commands, formats): the known name at the smallest edit distance
 * (insertions, deletions, substitutions and swaps of neighbours, in any case), when at most
 * a third of the typed name (and at most 3 characters) is wrong. */
#ifndef PS_CORE_SUGGEST_H
#define PS_CORE_SUGGEST_H

#include <stddef.h>

/* Edit distance of two names, capped at 9 (and 9 for names longer than 63 bytes). */
int ps_name_distance(const char *a, const char *b);

/* A search for the name closest to `typed`: init, offer every known name, then read
 * best (NULL when none is close enough). Ties keep the first offered. */
struct ps_suggest {
    const char *typed;
    const char *best;
    int best_d;
};
void ps_suggest_init(struct ps_suggest *s, const char *typed);
void ps_suggest_offer(struct ps_suggest *s, const char *name);

/* The closest of n names (an array of strings), or NULL. */
const char *ps_suggest_among(const char *typed, const char *const *names, size_t n);

/* The closest of the names in a list separated by commas, spaces or bars ("a, b, c",
 * "a|b"), copied into out; NULL when none is close. */
const char *ps_suggest_in_list(const char *typed, const char *list, char *out, size_t size);

/* "; did you mean 'NAME'?" into buf for the closest name, or "" when there is none.
 * Returns buf. */
char *ps_suggest_hint(const struct ps_suggest *s, char *buf, size_t size);

#endif
