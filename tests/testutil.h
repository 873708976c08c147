/* Shared test helpers.  Each tests/<area>/test_NAME.c defines make_suite(),
 * which builds the Check suite NAME. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <check.h>

Suite *make_suite(void);

#endif
