#!/bin/sh
# Regenerate the generated sections of doc/boringssl-findings.md: what the
# scenario suite shows on BoringSSL, where its API departs from OpenSSL's
# manual page for SSL_new/SSL_dup/SSL_up_ref, and what Helgrind and DRD
# see in it.
#
#   scripts/boringssl-findings.sh             the suite natively, the API
#                                             tables; rewrite those sections
#   scripts/boringssl-findings.sh --valgrind  also the bounded Helgrind and
#                                             DRD runs (VG_ITER iterations
#                                             each, default 10; minutes)
#   scripts/boringssl-findings.sh --stdout    print the sections, change
#                                             nothing
#   scripts/boringssl-findings.sh --check     exit 1 if the document's
#                                             capability, SSL_new and suite
#                                             tables differ from a fresh run
#                                             (20 iterations per scenario;
#                                             the Valgrind section is kept)
#
# Binaries: SSLSTRESS_BORINGSSL (default build/boringssl/sslstress-boringssl),
# SSLSTRESS_OPENSSL (build/openssl/sslstress-openssl), SSLSTRESS_MINISSL
# (build/native/sslstress), made with make where absent; NATIVE_ITER
# iterations per scenario natively (default 200; --check: 20).
# tests/boringssl/newfindings.c is compiled against BoringSSL and against
# the system OpenSSL (pkg-config openssl) and run.  Only the text between
# each section's BEGIN/END markers is replaced; the prose around is kept.
set -eu

cd "$(dirname "$0")/.."
DOC=doc/boringssl-findings.md
B=build/boringssl-findings
CC=${CC:-gcc}
MAKE=${MAKE:-make}
WARN="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes"
BINC=${BORINGSSL_INC:-/usr/include/android}
BLIB=${BORINGSSL_LIB:-/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/android}
BS=${SSLSTRESS_BORINGSSL:-build/boringssl/sslstress-boringssl}
OS=${SSLSTRESS_OPENSSL:-build/openssl/sslstress-openssl}
MS=${SSLSTRESS_MINISSL:-build/native/sslstress}
mode=write
valgrind=0
case "${1:-}" in
    --stdout) mode=stdout ;;
    --check) mode=check ;;
    --valgrind) valgrind=1 ;;
    "") ;;
    *) echo "usage: $0 [--valgrind|--stdout|--check]" >&2; exit 2 ;;
esac
iter=${NATIVE_ITER:-$([ "$mode" = check ] && echo 20 || echo 200)}
[ -f "$BINC/openssl/is_boringssl.h" ] ||
    { echo "boringssl-findings: no BoringSSL headers in $BINC" >&2; exit 2; }
for bin in "$BS" "$OS" "$MS"; do
    [ -x "$bin" ] || $MAKE --no-print-directory -s "$bin"
done
mkdir -p "$B"

# The capability table of each backend.
"$MS" caps --tsv >"$B/caps-minissl.tsv"
"$OS" caps --tsv >"$B/caps-openssl.tsv"
"$BS" caps --tsv >"$B/caps-boringssl.tsv"
"$BS" -V >"$B/version.txt"
"$OS" -V >"$B/version-openssl.txt"
"$MS" -V >"$B/version-minissl.txt"

# SSL_new against the manual, on both libraries.
# WARN and pkg-config's output are lists of words.
# shellcheck disable=SC2046,SC2086
$CC $WARN -O1 -g -I"$BINC" tests/boringssl/newfindings.c -o "$B/newfindings-boringssl" \
    -L"$BLIB" -Wl,-rpath,"$BLIB" -lssl -lcrypto
# shellcheck disable=SC2046,SC2086
$CC $WARN -O1 -g $(pkg-config --cflags openssl) tests/boringssl/newfindings.c \
    -o "$B/newfindings-openssl" $(pkg-config --libs openssl)
"$B/newfindings-boringssl" >"$B/new-boringssl.tsv"
"$B/newfindings-openssl" >"$B/new-openssl.tsv"

# The suite natively; its text output (each skip with its reason) shown.
native_cmd="$BS run --no-color -n $iter -s 1 scenarios/"
if ! $native_cmd --json "$B/native.json" >"$B/native.txt" 2>&1; then
    cat "$B/native.txt"
    echo "boringssl-findings: the suite failed on BoringSSL ($B/native.json)" >&2
    exit 1
fi
cat "$B/native.txt"

# Helgrind and DRD, bounded, on the scenarios BoringSSL runs.
if [ "$valgrind" = 1 ]; then
    vg_iter=${VG_ITER:-10}
    runnable=$(python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    if r["verdict"] != "skip": print(r["file"])' "$B/native.json")
    eval "$(scripts/detector-env.sh count)"
    for tool in helgrind drd; do
        rm -rf "${B:?}/$tool"
        mkdir -p "$B/$tool"
        start=$(date +%s)
        # shellcheck disable=SC2086
        SSLSTRESS_DETECTOR=$tool SSLSTRESS_VALGRIND_LOG="$B/$tool/vg.%p.log" \
            SSLSTRESS_LOG_DIR="$B/$tool/logs" \
            valgrind --tool=$tool --log-file="$B/$tool/vg.%p.log" \
            "$BS" run -q --no-color -n "$vg_iter" -s 1 --json "$B/$tool.json" \
            $runnable >"$B/$tool.txt" 2>&1 || true
        echo "$(( $(date +%s) - start ))" >"$B/$tool.seconds"
        # Sensitivity: scenarios/race/ races setters on one SSL on purpose;
        # the tool must report it inside libssl.
        SSLSTRESS_DETECTOR=$tool SSLSTRESS_VALGRIND_LOG="$B/$tool/vg.%p.log" \
            SSLSTRESS_LOG_DIR="$B/$tool/race-logs" \
            valgrind --tool=$tool --log-file="$B/$tool/vg.%p.log" \
            "$BS" run -q --no-color -s 1 --json "$B/$tool-race.json" \
            scenarios/race/ >"$B/$tool-race.txt" 2>&1 || true
        echo "valgrind --tool=$tool $BS run -q -n $vg_iter -s 1 SCENARIOS" >"$B/$tool.cmd"
        [ -s "$B/$tool.json" ] ||
            { echo "boringssl-findings: $tool wrote no results ($B/$tool.txt)" >&2; exit 1; }
    done
fi

python3 - "$B" "$DOC" "$mode" "$valgrind" "$native_cmd" <<'EOF'
import json, os, sys

b, doc, mode, valgrind, native_cmd = sys.argv[1:6]

def tsv(name):
    return [l.rstrip("\n").split("\t") for l in open(os.path.join(b, name))]

def esc(t):
    return t.replace("|", "\\|")

caps = {k: {r[0]: r for r in tsv("caps-%s.tsv" % k)}
        for k in ("minissl", "openssl", "boringssl")}
version = open(os.path.join(b, "version.txt")).read().strip()
oversion = open(os.path.join(b, "version-openssl.txt")).read().strip()
mversion = open(os.path.join(b, "version-minissl.txt")).read().strip()
sections = {}

# -- the capability table
def lib_of(v):     # "sslstress 1.0 (backend NAME: LIBRARY)" -> LIBRARY
    return v[v.index(": ") + 2:-1]
out = ["Backends: %s; %s; %s." % (lib_of(version), lib_of(oversion),
                                  lib_of(mversion)), "",
       "Command: `sslstress caps --tsv` of each backend (`stress/backend_caps.h`).", "",
       "| capability | calls | minissl | OpenSSL | BoringSSL | where it is missing |",
       "|---|---|---|---|---|---|"]
for name, row in caps["boringssl"].items():
    have = [caps[k][name][1] for k in ("minissl", "openssl", "boringssl")]
    lacking = sorted({caps[k][name][4] for k in caps if caps[k][name][1] == "lacks"})
    kind = row[2]
    what = "; ".join(lacking)
    if what:
        what = ("the harness: " if kind == "harness" else "a scenario that needs it skips: ") + what
    out.append("| `%s` | %s | %s | %s |" % (name, esc(row[3]),
               " | ".join("**lacks**" if h == "lacks" else "has" for h in have), esc(what)))
sections["caps"] = "\n".join(out) + "\n"

# -- SSL_new against the manual
def rows(name):
    info, r = {}, []
    for f in tsv(name):
        if f[0] == "INFO":
            info[f[1]] = f[2]
        elif f[0] == "ROW":
            r.append(f[1:])
    return info, r
oi, orows = rows("new-openssl.tsv")
bi, brows = rows("new-boringssl.tsv")
out = ["Command: `scripts/boringssl-findings.sh` (source: `tests/boringssl/newfindings.c`, "
       "compiled against %s and against %s)." % (bi.get("library", "?"), oi.get("library", "?")), "",
       "| SSL_new.pod says | OpenSSL | BoringSSL |", "|---|---|---|"]
for o, x in zip(orows, brows):
    out.append("| %s | %s | %s |" % (esc(o[0]), esc(o[1]), esc(x[1])))
sections["ssl-new"] = "\n".join(out) + "\n"

# -- the suite natively
nat = json.load(open(os.path.join(b, "native.json")))
res = nat["results"]
counts = {}
for r in res:
    counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
out = ["Command: `%s`" % native_cmd, "",
       "%d scenarios: %s." % (len(res), ", ".join("%d %s" % (counts[k], k)
                              for k in ("pass", "fail", "skip", "error") if k in counts)), "",
       "| scenario | verdict | why (a skip's reason, a failure's first message) |",
       "|---|---|---|"]
for r in sorted(res, key=lambda r: (r["verdict"] != "pass", r["name"])):
    why = r["reason"] or ""
    if r["failures"]:
        why = r["failures"][0]["message"]
    out.append("| `%s` | %s | %s |" % (r["name"], r["verdict"].upper(), esc(why)))
sections["native"] = "\n".join(out) + "\n"

# -- Helgrind and DRD
if valgrind == "1":
    out = []
    for tool in ("helgrind", "drd"):
        j = json.load(open(os.path.join(b, tool + ".json")))
        cmd = open(os.path.join(b, tool + ".cmd")).read().strip()
        secs = open(os.path.join(b, tool + ".seconds")).read().strip()
        ran = [r for r in j["results"] if r["verdict"] != "skip"]
        rep = [r for r in ran if (r.get("detector_reports") or 0) > 0]
        out.append("**%s** (`%s`, the %d scenarios that run natively; %s s): "
                   "%d with reports." % (tool.capitalize() if tool != "drd" else "DRD",
                                         cmd, len(ran), secs, len(rep)))
        out.append("")
        if rep:
            out.append("| scenario | reports | first report |")
            out.append("|---|---|---|")
            for r in rep:
                out.append("| `%s` | %d | %s |" % (r["name"], r["detector_reports"],
                                                    esc(r.get("detector_summary") or "")))
            out.append("")
        race = json.load(open(os.path.join(b, tool + "-race.json")))["results"]
        for r in race:
            out.append("Sensitivity, `scenarios/race/%s.scn` (setters on one SSL from two "
                       "threads, `expect race`): %s, %d reports, the first: %s." % (
                       r["name"], r["verdict"].upper(), r.get("detector_reports") or 0,
                       esc(r.get("detector_summary") or "none")))
        out.append("")
        bad = [r for r in ran if r["verdict"] not in ("pass",) and not r.get("detector_reports")]
        for r in bad:
            msg = r["failures"][0]["message"] if r["failures"] else (r["reason"] or "")
            out.append("- `%s`: %s (%s)" % (r["name"], r["verdict"].upper(), esc(msg)))
        if bad:
            out.append("")
    sections["valgrind"] = "\n".join(out)

if mode == "stdout":
    for k, v in sections.items():
        print("<!-- %s -->\n%s" % (k, v))
    sys.exit(0)

text = open(doc).read()
new = text
for k, v in sections.items():
    begin = "<!-- BEGIN %s: generated by scripts/boringssl-findings.sh, do not edit -->" % k
    end = "<!-- END %s -->" % k
    if begin not in new or end not in new:
        sys.exit("%s: no %s ... %s block" % (doc, begin, end))
    head, rest = new.split(begin, 1)
    _, tail = rest.split(end, 1)
    new = head + begin + "\n" + v + end + tail

def comparable(t):
    # Not the iteration count of the command, nor the library's version
    # line: the findings are what must match.
    return [l for l in t.splitlines()
            if not l.startswith("Command: `") and not l.startswith("Backends: ")]
if mode == "check":
    if comparable(new) == comparable(text):
        print("%s: the capability, SSL_new and suite tables match a fresh run" % doc)
        sys.exit(0)
    import difflib
    sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True),
                                               doc, doc + " (fresh run)"))
    sys.exit("%s: the tables differ from a fresh run (regenerate: scripts/boringssl-findings.sh)" % doc)
open(doc, "w").write(new)
print("wrote %s (%s)" % (doc, ", ".join(sections)))
EOF
