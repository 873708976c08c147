/* Fresh seeds for runs started without --seed.  See prng.h. */
#include "prng.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

uint64_t st_random_seed(void)
{
    uint64_t s = 0;
    struct timespec ts;

    if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s))
        return s;
    clock_gettime(CLOCK_REALTIME, &ts);
    return st_mix64((uint64_t)ts.tv_sec * 1000000000ULL +
                    (uint64_t)ts.tv_nsec) ^ (uint64_t)getpid();
}
