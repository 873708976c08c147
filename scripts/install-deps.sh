#!/bin/sh
# Install the Debian packages that building and testing sslstress needs.
# Idempotent: asks dpkg what is missing and installs only that.
#   scripts/install-deps.sh          install what is missing
#   scripts/install-deps.sh --check  exit 1 if something is missing, install nothing
#   scripts/install-deps.sh --browser  also Debian's chromium (BROWSER_PKGS)
# On CI (CI=true in the environment, as .ci/run runs) the browser too.
set -eu

PKGS="make gcc clang llvm libclang-rt-14-dev valgrind check libsubunit-dev
pkg-config libssl-dev openssl libjansson-dev libxml2-utils python3
python3-jsonschema"

# Optional: `make check-reports` renders HTML reports in headless Chromium
# with it, and skips that, saying so, without it; so `make check` (whose
# deps step is --check) passes without it.  25 packages, 119 MB to
# download: `apt-get install -y --no-install-recommends chromium` took
# 65 s on a loaded 2-core machine.
BROWSER_PKGS="chromium"

check=
for a in "$@"; do
    case $a in
    --check) check=1 ;;
    --browser) PKGS="$PKGS $BROWSER_PKGS" ;;
    *) echo "install-deps: unknown option $a (--check, --browser)" >&2; exit 2 ;;
    esac
done
if [ "${CI:-}" = true ] && [ -z "$check" ]; then
    PKGS="$PKGS $BROWSER_PKGS"
fi

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi
if [ -n "$check" ]; then
    echo "missing packages:$missing" >&2
    exit 1
fi

echo "install-deps: installing$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-deps: not root and no sudo; run: apt-get install -y$missing" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
