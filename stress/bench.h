/* `sslstress bench`: the harness's iteration rate on the 2-thread and
 * 64-thread up_ref/free scenarios (scenarios/updown-2.scn, updown-64.scn,
 * or the same text built in when the files are not found), each beside a
 * hand-written loop that makes the same calls between two crossings of a
 * plain spin barrier, measured in the same process; printed as ratios.
 * Exit 0 when every target holds, 1 when one does not, 2 on usage or
 * setup errors. */
#ifndef ST_BENCH_H
#define ST_BENCH_H

int st_bench_main(int argc, char **argv);

#endif
