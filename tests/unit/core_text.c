/* Text made safe to show (core/text.h): control characters, C1 controls and broken UTF-8
 * become \xHH escapes; valid UTF-8 stays; a cut never splits a character or an escape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"

static void test_escapes(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain name", "plain name"},
        {"evil\x1b]0;pwned\x07", "evil\\x1b]0;pwned\\x07"},
        {"\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"},
        {"two\nlines\r\ttab", "two\\x0alines\\x0d\\x09tab"},
        {"del\x7f", "del\\x7f"},
        {"c1 \xc2\x9b"
         "31m",
         "c1 \\xc2\\x9b31m"}, /* U+009B, a CSI to some terminals */
        {"lone \x9b"
         "31m",
         "lone \\x9b31m"}, /* not UTF-8 at all */
        {"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x99\x82", "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x99\x82"},
        {"nbsp\xc2\xa0ok", "nbsp\xc2\xa0ok"}, /* U+00A0 is not a control */
        {"cut \xe4\xb8", "cut \\xe4\\xb8"},   /* a sequence cut short */
        {"overlong \xc0\xaf", "overlong \\xc0\\xaf"},
        {"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[128];
        ps_text_safe(cases[i].in, buf, sizeof buf);
        assert_string_equal(buf, cases[i].out);
        assert_int_equal(ps_text_safe_len(cases[i].in), strlen(cases[i].out));
        assert_int_equal(ps_text_is_safe(cases[i].in), strcmp(cases[i].in, cases[i].out) == 0);
    }
}

static void test_cuts(void **state)
{
    (void)state;
    char buf[8];
    assert_string_equal(ps_text_safe("abcdefghij", buf, sizeof buf), "abcdefg");
    assert_string_equal(ps_text_safe("abcde\x1b", buf, sizeof buf), "abcde"); /* no "\x" */
    assert_string_equal(ps_text_safe("abc\xe4\xb8\xad\xe4\xb8\xad", buf, sizeof buf),
                        "abc\xe4\xb8\xad");
    char one[1];
    assert_string_equal(ps_text_safe("x", one, sizeof one), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_cuts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
