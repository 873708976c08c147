#!/bin/sh
# The detection matrix: every seeded fault x every detector (harness, TSan,
# ASan, Helgrind, DRD), 5 seeds each; writes doc/detection-matrix.md.
# Options are scripts/matrix.py's (--seeds N, --faults a,b, --detectors
# harness,tsan, --out FILE).  MATRIX_BUILD sets the build-dir prefix
# (default build/: build/faults, build/tsan-faults, build/asan-faults).
set -eu
cd "$(dirname "$0")/.."
exec python3 scripts/matrix.py "$@"
