#!/bin/sh
# make bench: the harness's iterations/s on the 2-thread and 64-thread
# up_ref/free scenarios (scenarios/updown-2.scn, updown-64.scn), each beside
# a hand-written loop making the same calls with a spin barrier, measured in
# the same process and printed as ratios (see stress/bench.c).
#
#   scripts/bench.sh [--seconds S]        SSLSTRESS=path/to/sslstress to pick a binary
#
# Exit status: sslstress bench's (0 every target met, 1 one missed, 2 error).
set -eu
cd "$(dirname "$0")/.."
bin=${SSLSTRESS:-}
if [ -z "$bin" ]; then
    for b in ./sslstress build/native/sslstress; do
        if [ -x "$b" ]; then bin=$b; break; fi
    done
fi
if [ -z "$bin" ]; then
    echo "bench.sh: no sslstress binary; run make first" >&2
    exit 2
fi
echo "bench.sh: $bin bench --dir scenarios $*"
echo "bench.sh: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$bin" bench --dir scenarios "$@"
