/* UTF-8, as the scenario format and the reports read it.  A pure function
 * of its arguments: safe from any thread at any time. */
#ifndef ST_UTF8_H
#define ST_UTF8_H

#include <stddef.h>

/* Length (1 to 4) of the valid UTF-8 sequence at |s|, of which |n| > 0
 * bytes may be read; 0 when the bytes there are not one: truncated, a
 * continuation or invalid lead byte, an overlong form, a surrogate, or a
 * code point above U+10FFFF. */
size_t st_utf8_len(const unsigned char *s, size_t n);

#endif
