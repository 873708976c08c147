#!/bin/sh
# Run Check test binaries; write each one's XML log beside it; print a
# closing line "N passed, N failed" over all of them.  Exit 1 on any failure.
set -u
total=0
failed=0
status=0
for bin in "$@"; do
    # a glob like build/X/tests/lib/test_* also names .o/.d/.xml files
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    out=$(CK_XML_LOG_FILE_NAME="$bin.xml" "$bin" 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed "s|^|$(basename "$bin"): |"
    line=$(printf '%s\n' "$out" | grep -E 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' | tail -n 1)
    if [ -z "$line" ]; then
        echo "$(basename "$bin"): no Check summary (exit $rc)" >&2
        failed=$((failed + 1)); total=$((total + 1)); status=1
        continue
    fi
    n=$(printf '%s' "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
    f=$(printf '%s' "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
    e=$(printf '%s' "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
    total=$((total + n))
    failed=$((failed + f + e))
    [ "$rc" -eq 0 ] || status=1
done
echo "unit: $((total - failed)) passed, $failed failed"
exit $status
