#!/bin/sh
# The instrumented-OpenSSL path from the fixture tarball, end to end
# (`make check-tsan-openssl`; minutes: not part of `make check`):
#
#   1. scripts/build-openssl.sh ../shared/fixtures/openssl-3.0.22.tar.gz
#      tsan DEST (reused when DEST already holds that build);
#   2. make VARIANT=tsan OPENSSL_PREFIX=DEST openssl;
#   3. the binary names the library it runs on (OpenSSL 3.0.22);
#   4. the edges the backend restates for an uninstrumented libssl are off
#      (ST_LIBSSL_INSTRUMENTED): it registers no ex_data index at start-up,
#      so SSL_dup of an SSL with app data fails as on a native build
#      (tests/openssl/scenarios/dup-app-data-no-ex-index.scn; the
#      uninstrumented TSan build, whose free callbacks need the indexes,
#      passes it);
#   5. TSan sees inside libssl: scenarios/dup-racing-handshake.scn passes by
#      its known races, and a report names a line of libssl's source
#      (an uninstrumented libssl has none to give).
#
# Without the fixture it says so and exits 0 (skipped).
#
# Environment: OSSL_TSAN_PREFIX (DEST; default build/ossl-src/tsan-3.0.22),
# FIXTURE (default ../shared/fixtures/openssl-3.0.22.tar.gz).
set -eu
cd "$(dirname "$0")/../.."
FIXTURE=${FIXTURE:-../shared/fixtures/openssl-3.0.22.tar.gz}
DEST=${OSSL_TSAN_PREFIX:-build/ossl-src/tsan-3.0.22}
MAKE=${MAKE:-make}

say() { printf '%s\n' "== check-tsan-openssl: $*"; }
fail() { printf '%s\n' "check-tsan-openssl: FAILED: $*" >&2; exit 1; }

if [ ! -f "$FIXTURE" ]; then
    say "skipped: the fixture $FIXTURE is absent (an OpenSSL 3.0.22 tarball)"
    exit 0
fi
case $DEST in /*) ;; *) DEST=$(pwd)/$DEST ;; esac

say "building OpenSSL's libraries (tsan) into $DEST"
t0=$(date +%s)
scripts/build-openssl.sh "$FIXTURE" tsan "$DEST"
say "build-openssl.sh took $(( $(date +%s) - t0 )) s"

out=$($MAKE --no-print-directory VARIANT=tsan OPENSSL_PREFIX="$DEST" openssl |
      sed -n 's/: against .*//p' | tail -n 1)
[ -x "$out" ] || fail "make did not say where sslstress-openssl went"
say "$out"

v=$("$out" -V | head -n 1)
case $v in
    *"OpenSSL 3.0.22 "*) say "$v" ;;
    *) fail "$out -V: $v (wanted OpenSSL 3.0.22)" ;;
esac

eval "$(scripts/detector-env.sh count)"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

if SSLSTRESS_LOG_DIR="$logs" "$out" run -q --no-color -n 20 -s 1 \
       tests/openssl/scenarios/dup-app-data-no-ex-index.scn >"$logs/exdata.out" 2>&1; then
    cat "$logs/exdata.out" >&2
    fail "dup-app-data-no-ex-index passed: an ex_data index exists at start-up (the uninstrumented-libssl edges are on)"
fi
grep -q 'malloc failure' "$logs/exdata.out" ||
    { cat "$logs/exdata.out" >&2; fail "dup-app-data-no-ex-index failed, but not in SSL_dup"; }
say "no ex_data index at start-up: SSL_dup with app data fails as natively (edges off)"

SSLSTRESS_LOG_DIR="$logs" "$out" run -q --no-color -n 100 -s 1 \
    --json "$logs/race.json" scenarios/dup-racing-handshake.scn >"$logs/race.out" 2>&1 ||
    { cat "$logs/race.out" >&2; fail "dup-racing-handshake under TSan (log in $logs)"; }
python3 - "$logs/race.json" <<'EOF' || fail "no expected race with a frame in libssl's source"
import json, re, sys
r = json.load(open(sys.argv[1]))["results"][0]
seen = [x for x in r.get("expected_races", []) if x["reports"] > 0]
lines = [x["summary"] for x in seen
         if re.search(r"\((ssl_lib|statem|statem_lib|statem_clnt|s3_lib|ssl_cert)\.c:\d+\)",
                      x["summary"] or "")]
for x in seen:
    print("   %d report(s): %s" % (x["reports"], x["summary"]))
sys.exit(0 if lines else 1)
EOF
say "TSan reported inside libssl's source; the known races took the reports"
say "passed"
