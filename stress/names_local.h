/* The layout of names.c's constant tables, shared with names_x509.c (the
 * verify parameters' tables).  Internal to the two files. */
#ifndef ST_NAMES_LOCAL_H
#define ST_NAMES_LOCAL_H

struct st_const {
    const char *name;
    long long value;
};

/* An entry for macro PREFIXn, written n. */
#define C(prefix, n) { #n, (long long)(prefix##n) }

/* names_x509.c; each ends with { NULL, 0 }. */
extern const struct st_const st_verify_flags_tab[], st_hostflags_tab[],
    st_purpose_tab[], st_trust_tab[], st_dane_flags_tab[],
    st_verify_result_tab[];

#endif
