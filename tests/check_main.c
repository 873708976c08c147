/* Runs the one suite that the linked tests/AREA/test_NAME.c defines.
 * Check reads CK_FORK, CK_RUN_CASE, CK_TIMEOUT_MULTIPLIER and
 * CK_XML_LOG_FILE_NAME / CK_TAP_LOG_FILE_NAME from the environment. */
#include <check.h>
#include <stdlib.h>

#include "testutil.h"

int main(void)
{
    SRunner *sr = srunner_create(make_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
