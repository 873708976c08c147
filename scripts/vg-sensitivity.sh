#!/bin/sh
# How often Helgrind or DRD reports the deliberately racy scenarios
# (scenarios/race/, `expect race`): one sslstress run per seed 1..N, each
# passing only when the detector reported the race.
#
#   scripts/vg-sensitivity.sh helgrind|drd [N]      (default N=10)
#
# Prints one line per seed and "TOOL: K/N reported"; exit status 0 when
# every run reported, 1 otherwise.  Uses ./sslstress (SSLSTRESS= to pick).
set -u
cd "$(dirname "$0")/.."
tool=${1:?usage: scripts/vg-sensitivity.sh helgrind|drd [N]}
n=${2:-10}
bin=${SSLSTRESS:-./sslstress}
[ -x "$bin" ] || { echo "vg-sensitivity.sh: no $bin; run make first" >&2; exit 2; }
logs=build/vg-sensitivity/$tool
# Valgrind's other options (VALGRIND_OPTS): mode count, as in make check.
eval "$(scripts/detector-env.sh count)"
ok=0
for s in $(seq 1 "$n"); do
    d=$logs/seed-$s
    rm -rf "$d"; mkdir -p "$d"
    SSLSTRESS_LOG_DIR=$d SSLSTRESS_DETECTOR=$tool \
    SSLSTRESS_VALGRIND_LOG="$d/vg.%p.log" \
        valgrind --tool="$tool" --log-file="$d/vg.%p.log" \
        "$bin" run --quiet --seed "$s" --json "$d/result.json" scenarios/race/ \
        >"$d/out" 2>&1
    rc=$?
    [ "$rc" = 0 ] && ok=$((ok + 1))
    echo "$tool seed $s: exit $rc ($d)"
done
echo "$tool: $ok/$n reported"
[ "$ok" = "$n" ]
