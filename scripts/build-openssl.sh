#!/bin/sh
# Build OpenSSL's libraries (libcrypto, libssl) for sslstress-openssl.
#
#   scripts/build-openssl.sh [options] SRC [tsan|asan|plain] DEST [-- CONFIGURE-ARGS...]
#
#   SRC    an OpenSSL source tree (a directory with Configure) or a tarball
#          (.tar.gz/.tgz), e.g. ../shared/fixtures/openssl-3.0.22.tar.gz
#   tsan   clang -fsanitize=thread -g -O1                 (default; static)
#   asan   clang -fsanitize=address,undefined -g -O1      (static)
#   plain  the compiler's default (CC, else cc) -O2 -g    (shared and static)
#   DEST   where headers, libraries and the pkg-config files (openssl.pc,
#          libssl.pc, libcrypto.pc) go: DEST/include, DEST/lib,
#          DEST/lib/pkgconfig.  Then: make OPENSSL_PREFIX=DEST ...
#
#   --shared / --static   override the flavour's default linkage
#   -j N                  parallel jobs (default: the number of CPUs)
#   --force               rebuild even if DEST holds a finished build
#   -- ARGS               extra arguments for OpenSSL's Configure
#
# Only the libraries are built (`make build_libs`: no apps, no tests, no
# docs), out of tree in a temporary directory (SRC is never written), then
# installed with `make install_dev` into a staging directory that is renamed
# to DEST when everything succeeded: DEST either holds a finished build or
# does not exist.  A tarball's source stays in DEST/src, where the
# sanitizers' stack frames point.  A finished DEST records what it was built from
# (DEST/sslstress-build.txt); run again with the same SRC, flavour and
# arguments and it is reused, with other ones it is an error (or --force).
# A source tree is identified by its path and version, not its contents:
# after editing it, rebuild with --force.
#
# Why sanitizer builds are static (no-shared): the harness then carries the
# instrumented libssl inside its executable, so no run can pick up the
# system's uninstrumented libssl.so.3 (same soname) through the loader's
# search path, and no shared object needs the sanitizer runtime, which clang
# links only into executables.  no-module for the same reason (no loadable
# provider modules; the default provider is built in either way).
set -eu

prog=build-openssl.sh
die() { echo "$prog: error: $*" >&2; exit 1; }
usage() {
    echo "usage: scripts/$prog [--shared|--static] [-j N] [--force] SRC [tsan|asan|plain] DEST [-- CONFIGURE-ARGS...]" >&2
    exit 2
}

linkage=""
jobs=$(nproc 2>/dev/null || echo 2)
force=0
while [ $# -gt 0 ]; do
    case "$1" in
        --shared) linkage=shared; shift ;;
        --static) linkage=static; shift ;;
        --force) force=1; shift ;;
        -j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
        -j*) jobs=${1#-j}; shift ;;
        -h|--help) usage ;;
        -*) echo "$prog: unknown option '$1'" >&2; usage ;;
        *) break ;;
    esac
done
case "$jobs" in
    ''|*[!0-9]*) die "-j wants a number of jobs, not '$jobs'" ;;
esac

# Positional: SRC [FLAVOUR] DEST, then optionally -- CONFIGURE-ARGS.
[ $# -ge 2 ] || usage
src=$1
shift
case "$1" in
    tsan|asan|plain) flavour=$1; shift ;;
    *) if [ $# -ge 2 ] && [ "$2" != "--" ]; then
           die "unknown flavour '$1': choose tsan, asan or plain"
       fi
       flavour=tsan ;;
esac
[ $# -ge 1 ] || usage
case "$1" in
    --) usage ;;
    tsan|asan|plain|-*) die "DEST expected, got '$1' (usage: SRC [tsan|asan|plain] DEST)" ;;
esac
dest=$1
shift
if [ $# -gt 0 ]; then
    [ "$1" = "--" ] || die "unexpected argument '$1' (Configure arguments go after --)"
    shift
fi
# The remaining "$@" are extra Configure arguments.

# ---- what to build ------------------------------------------------------

if [ -d "$src" ]; then
    [ -f "$src/Configure" ] || die "$src: not an OpenSSL source tree (no Configure)"
    # Its generated headers would mix with the build's own.
    [ ! -f "$src/configdata.pm" ] ||
        die "$src has been configured in place (configdata.pm): run 'make distclean' there first"
    src=$(cd "$src" && pwd)
    kind=tree
elif [ -f "$src" ]; then
    case "$src" in
        *.tar.gz|*.tgz) ;;
        *) die "$src: not a directory or a .tar.gz/.tgz tarball" ;;
    esac
    src=$(cd "$(dirname "$src")" && pwd)/$(basename "$src")
    kind=tarball
else
    die "$src: no such file or directory"
fi

case "$dest" in
    /*) ;;
    *) dest=$(pwd)/$dest ;;
esac
dest=${dest%/}
[ -n "$dest" ] || die "DEST may not be /"

case "$flavour" in
    tsan) cc=clang; cflags="-fsanitize=thread -fno-omit-frame-pointer -g -O1"
          default_linkage=static ;;
    asan) cc=clang
          cflags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
          default_linkage=static ;;
    plain) cc=${CC:-cc}; cflags="-O2 -g"; default_linkage=shared ;;
esac
linkage=${linkage:-$default_linkage}
command -v "$cc" >/dev/null 2>&1 || die "$flavour needs the compiler '$cc', which is not installed"
command -v perl >/dev/null 2>&1 || die "OpenSSL's Configure needs perl, which is not installed"
command -v make >/dev/null 2>&1 || die "make is not installed"

if [ "$kind" = tarball ]; then
    # sha256sum prints "HASH  FILE".
    ident="tarball sha256 $(sha256sum "$src" | cut -d' ' -f1)"
else
    ver=$(sed -n 's/^\(MAJOR\|MINOR\|PATCH\|PRE_RELEASE_TAG\)=\(.*\)/\2/p' \
          "$src/VERSION.dat" 2>/dev/null | tr '\n' ' ')
    ident="tree $src version ${ver:-unknown}"
fi
shared_opt=no-shared
[ "$linkage" = shared ] && shared_opt=shared
# --libdir=lib: OpenSSL 3 would pick lib64 on x86_64.
set -- --prefix="$dest" --openssldir="$dest/ssl" --libdir=lib \
    "$shared_opt" no-module no-tests "$@"
stamp="source: $ident
flavour: $flavour
linkage: $linkage
cc: $cc
cflags: $cflags
configure: $*"

# ---- reuse a finished build ----------------------------------------------

if [ -e "$dest" ]; then
    if [ -f "$dest/sslstress-build.txt" ]; then
        if [ "$force" = 0 ]; then
            if [ "$(cat "$dest/sslstress-build.txt")" = "$stamp" ]; then
                echo "$prog: $dest is already a finished $flavour build of this source; reusing it"
                exit 0
            fi
            {
                echo "$prog: error: $dest holds a different build:"
                sed 's/^/    /' "$dest/sslstress-build.txt"
                echo "  not this one:"
                echo "$stamp" | sed 's/^/    /'
                echo "  choose another DEST, remove it, or pass --force"
            } >&2
            exit 1
        fi
    elif [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
        die "$dest exists and is not a build made by this script; refusing to overwrite it"
    fi
fi
mkdir -p "$(dirname "$dest")" || die "cannot create $(dirname "$dest")"

# ---- build -----------------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/build-openssl.XXXXXX") || die "mktemp failed"
log=$work/build.log
ok=0
cleanup() {
    if [ "$ok" = 1 ]; then
        rm -rf "$work"
    else
        echo "$prog: failed; the build directory and its log are kept: $log" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# step NAME CMD...: run CMD with its output in the log; on failure show the
# log's end and stop.
step() {
    name=$1
    shift
    echo "  $name" >&2
    echo "+ $*" >>"$log"
    if ! "$@" >>"$log" 2>&1; then
        tail -n 25 "$log" >&2
        die "$name failed (full log: $log)"
    fi
}

start=$(date +%s)
echo "$prog: $flavour ($linkage) build of $src into $dest, make -j$jobs" >&2
if [ "$kind" = tarball ]; then
    step "unpack" tar -xzf "$src" -C "$work"
    top=$(find "$work" -mindepth 2 -maxdepth 2 -name Configure -type f | head -n 1)
    [ -n "$top" ] || die "$src: no OpenSSL source tree (no */Configure) in the tarball"
    srcdir=$(dirname "$top")
else
    srcdir=$src
fi
mkdir "$work/obj" "$work/stage"
# A tarball's source is kept in DEST/src, so that the file names in the
# debug information (what TSan and ASan print in their frames) lead to it
# after the temporary directory is gone: Configure names sources relative
# to the build directory, and that prefix is mapped to where they stay.
if [ "$kind" = tarball ]; then
    keep=$dest/src
else
    keep=$srcdir
fi
rel=$(perl -MFile::Spec -e 'print File::Spec->abs2rel($ARGV[0], $ARGV[1])' \
      "$srcdir" "$work/obj")
# Configure reads CC and CFLAGS from the environment; -fsanitize in CFLAGS
# also tells it which sanitizers are on.
cd "$work/obj"
step "configure" env CC="$cc" CFLAGS="$cflags -fdebug-prefix-map=$rel=$keep" \
    perl "$srcdir/Configure" "$@"
step "make build_libs" make -j"$jobs" build_libs
step "make install_dev" make DESTDIR="$work/stage" install_dev
[ -f "$work/stage$dest/lib/pkgconfig/openssl.pc" ] ||
    die "install_dev left no lib/pkgconfig/openssl.pc (full log: $log)"

if [ "$kind" = tarball ]; then
    mv "$srcdir" "$work/stage$dest/src"   # out of tree: still pristine
fi
echo "$stamp" >"$work/stage$dest/sslstress-build.txt"
cp "$log" "$work/stage$dest/sslstress-build.log"
rm -rf "$dest"
mv "$work/stage$dest" "$dest" || die "cannot move the installed build to $dest"
ok=1
end=$(date +%s)
version=$(sed -n 's/^Version: *//p' "$dest/lib/pkgconfig/openssl.pc")
echo "$prog: OpenSSL $version ($flavour, $linkage) in $dest after $((end - start)) s"
case "$flavour" in
    tsan) echo "  then: make tsan-openssl OPENSSL_PREFIX=$dest  (or make VARIANT=tsan OPENSSL_PREFIX=$dest openssl)" ;;
    asan) echo "  then: make VARIANT=asan OPENSSL_PREFIX=$dest openssl" ;;
    plain) echo "  then: make OPENSSL_PREFIX=$dest openssl" ;;
esac
