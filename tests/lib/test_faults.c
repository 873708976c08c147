/* Suite faults: the seeded-fault switch of <minissl/fault.h>.  In a normal
 * build no fault can be switched on; in a faults build (VARIANT=faults)
 * each known name switches its fault on and off, and one fault is shown
 * to change the library's behaviour.  The scenarios that make each fault
 * visible are checked by scripts/check-faults.sh. */
#include <ctype.h>
#include <string.h>

#include <minissl/fault.h>
#include <minissl/inspect.h>

#include "testutil.h"

START_TEST(catalogue_lists_at_least_fourteen_faults_with_unique_identifier_names)
{
    size_t n, i, j;
    const struct minissl_fault_info *f = minissl_fault_list(&n);

    ck_assert_uint_ge(n, 14);
    for (i = 0; i < n; i++) {
        ck_assert_ptr_nonnull(f[i].name);
        ck_assert(isalpha((unsigned char)f[i].name[0]) || f[i].name[0] == '_');
        for (j = 0; f[i].name[j] != '\0'; j++)
            ck_assert(isalnum((unsigned char)f[i].name[j])
                      || f[i].name[j] == '_');
        ck_assert_uint_gt(strlen(f[i].about), 0);
        ck_assert_uint_gt(strlen(f[i].models), 0);
        for (j = 0; j < i; j++)
            ck_assert_str_ne(f[i].name, f[j].name);
    }
}
END_TEST

START_TEST(unknown_fault_name_is_refused)
{
    ck_assert_int_eq(minissl_fault_enable("no_such_fault"), 0);
    ck_assert_int_eq(minissl_fault_enable(NULL), 0);
    ck_assert_int_eq(minissl_fault_enabled("no_such_fault"), 0);
}
END_TEST

START_TEST(known_fault_switches_on_only_in_a_faults_build)
{
    size_t n;
    const struct minissl_fault_info *f = minissl_fault_list(&n);

    ck_assert_int_eq(minissl_fault_enable(f[0].name), minissl_faults_built());
    ck_assert_int_eq(minissl_fault_enabled(f[0].name), minissl_faults_built());
    minissl_fault_reset();
    ck_assert_int_eq(minissl_fault_enabled(f[0].name), 0);
}
END_TEST

START_TEST(dup_noref_fault_skips_the_reference_only_when_on)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx), *d;

    ck_assert_ptr_nonnull(s);
    minissl_SSL_force_not_initial(s, 1);
    d = SSL_dup(s);
    ck_assert_ptr_eq(d, s);
    ck_assert_int_eq(minissl_refcount(s), 2);     /* fault off */
    SSL_free(d);
    if (minissl_fault_enable("dup_noref")) {
        d = SSL_dup(s);
        ck_assert_ptr_eq(d, s);
        ck_assert_int_eq(minissl_refcount(s), 1); /* the seeded bug */
        minissl_fault_reset();
    }
    SSL_free(s);
    SSL_CTX_free(ctx);
}
END_TEST

Suite *make_suite(void)
{
    Suite *su = suite_create("faults");
    TCase *tc = tcase_create("switch");

    tu_add_leak_checks(tc);
    tcase_add_test(tc, catalogue_lists_at_least_fourteen_faults_with_unique_identifier_names);
    tcase_add_test(tc, unknown_fault_name_is_refused);
    tcase_add_test(tc, known_fault_switches_on_only_in_a_faults_build);
    tcase_add_test(tc, dup_noref_fault_skips_the_reference_only_when_on);
    suite_add_tcase(su, tc);
    return su;
}
