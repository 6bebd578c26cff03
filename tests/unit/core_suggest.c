/* "Did you mean": edit distances (swaps count once, case does not count), the third-of-the-
 * name rule, the list form, and no suggestion of the name itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/suggest.h"

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(ps_name_distance("teaching", "teaching"), 0);
    assert_int_equal(ps_name_distance("teachng", "teaching"), 1);
    assert_int_equal(ps_name_distance("1fb1", "1f1b"), 1); /* a swap */
    assert_int_equal(ps_name_distance("ZB-V", "zb-v"), 0);
    assert_int_equal(ps_name_distance("", "abc"), 3);
    assert_int_equal(ps_name_distance("completely", "different-name"), 9);
}

static void test_suggest(void **state)
{
    (void)state;
    static const char *const names[] = {"gpipe", "1f1b", "zb-h1", "zb-h2", "greedy"};
    assert_string_equal(ps_suggest_among("gredy", names, 5), "greedy");
    assert_string_equal(ps_suggest_among("zb-h", names, 5), "zb-h1"); /* the first tie */
    assert_null(ps_suggest_among("xyz", names, 5));
    assert_null(ps_suggest_among("greedy", names, 5)); /* the name itself */
    assert_null(ps_suggest_among("", names, 5));
    assert_null(ps_suggest_among("ab", names, 5));
    char out[32];
    assert_string_equal(ps_suggest_in_list("latncy_ms", "latency_ms, bandwidth_gbps", out, 32),
                        "latency_ms");
    assert_string_equal(ps_suggest_in_list("loop2", "auto|loop|wave", out, 32), "loop");
    assert_null(ps_suggest_in_list("zzzz", "auto|loop|wave", out, 32));
    struct ps_suggest s;
    ps_suggest_init(&s, "comapre");
    ps_suggest_offer(&s, "solve");
    ps_suggest_offer(&s, "compare");
    char hint[64];
    assert_string_equal(ps_suggest_hint(&s, hint, sizeof hint), "; did you mean 'compare'?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
