/* Happens-before annotations for Valgrind's Helgrind and DRD.
 *
 * Both tools see pthread primitives but not the ordering that C11 atomics
 * give, so a reference count that hands an object from the last releasing
 * thread to the destroying one must declare that edge.  Including helgrind.h
 * before drd.h makes drd.h reuse Helgrind's client requests, which DRD also
 * implements, so one macro feeds both tools.  Outside Valgrind each
 * annotation is a handful of instructions that do nothing; ThreadSanitizer
 * understands the atomics themselves and needs none of these. */
#ifndef MS_ANNOTATE_H
#define MS_ANNOTATE_H

#include <valgrind/helgrind.h>
#include <valgrind/drd.h>

#define MS_HAPPENS_BEFORE(addr)       ANNOTATE_HAPPENS_BEFORE(addr)
#define MS_HAPPENS_AFTER(addr)        ANNOTATE_HAPPENS_AFTER(addr)
#define MS_HAPPENS_FORGET_ALL(addr)   ANNOTATE_HAPPENS_BEFORE_FORGET_ALL(addr)

#endif
