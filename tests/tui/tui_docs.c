/* The keys in docs/explorer.md cannot go stale: its "## Keys" block is the help screen's
 * list (tui_help_lines, from the one key table), checked here; PS_BLESS=1 rewrites it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/explorer/keys.h"

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void test_keys_block(void **state)
{
    (void)state;
    static char lines[TUI_HELP_LINES][96];
    int n = tui_help_lines(lines, TUI_HELP_LINES);
    assert_true(n < TUI_HELP_LINES); /* room to spare: nothing cut */
    assert_true(n > 10);
    size_t size = 256 * 100, used = 0;
    char *want = calloc(1, size);
    for (int i = 0; i < n; i++) {
        size_t l = strlen(lines[i]);
        while (l > 0 && lines[i][l - 1] == ' ')
            l--;
        used += (size_t)snprintf(want + used, size - used, "%.*s\n", (int)l, lines[i]);
    }
    const char *src = getenv("PS_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/explorer.md", src ? src : ".");
    size_t len;
    char *doc = read_all(path, &len);
    assert_non_null(doc);
    char *keys = strstr(doc, "\n## Keys\n");
    assert_non_null(keys);
    char *open = strstr(keys, "\n```\n");
    assert_non_null(open);
    char *body = open + 5;
    char *close = strstr(body, "```\n");
    assert_non_null(close);
    const char *bless = getenv("PS_BLESS");
    if (bless && strcmp(bless, "1") == 0) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(doc, 1, (size_t)(body - doc), f);
        fputs(want, f);
        fputs(close, f);
        fclose(f);
        fprintf(stderr, "blessed the keys of %s\n", path);
    } else if ((size_t)(close - body) != strlen(want) ||
               strncmp(body, want, (size_t)(close - body)) != 0) {
        fprintf(stderr, "docs/explorer.md's keys differ from the key table; they are:\n%s", want);
        fail_msg("docs/explorer.md \"## Keys\" is stale (PS_BLESS=1 rewrites it)");
    }
    free(doc);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_keys_block)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
