/* Suite refcount: the counting and misuse rules of lib/src/refcount.h. */
#include <signal.h>

#include "refcount.h"
#include "testutil.h"

START_TEST(down_reports_zero_only_for_the_last_reference)
{
    struct ms_ref r;

    ms_ref_init(&r, 1);
    ck_assert_int_eq(ms_ref_up(&r, "TEST", 1), 1);
    ck_assert_int_eq(ms_ref_get(&r), 2);
    ck_assert_int_eq(ms_ref_down(&r, "TEST", 1), 1);
    ck_assert_int_eq(ms_ref_down(&r, "TEST", 1), 0);
}
END_TEST

START_TEST(free_of_a_dead_count_aborts)
{
    struct ms_ref r;

    ms_ref_init(&r, 1);
    ms_ref_down(&r, "TEST", 2);
    ms_ref_down(&r, "TEST", 2);          /* double free: must abort */
}
END_TEST

START_TEST(up_ref_of_a_dead_count_aborts)
{
    struct ms_ref r;

    ms_ref_init(&r, 1);
    ms_ref_down(&r, "TEST", 3);
    ms_ref_up(&r, "TEST", 3);
}
END_TEST

START_TEST(up_ref_at_saturation_aborts)
{
    struct ms_ref r;

    ms_ref_init(&r, MS_REF_SATURATED);
    ms_ref_up(&r, "TEST", 4);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("refcount");
    TCase *tc = tcase_create("counting");
    TCase *mis = tcase_create("misuse");

    tcase_add_test(tc, down_reports_zero_only_for_the_last_reference);
    tcase_add_test_raise_signal(mis, free_of_a_dead_count_aborts, SIGABRT);
    tcase_add_test_raise_signal(mis, up_ref_of_a_dead_count_aborts, SIGABRT);
    tcase_add_test_raise_signal(mis, up_ref_at_saturation_aborts, SIGABRT);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, mis);
    return s;
}
