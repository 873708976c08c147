# sslstress: minissl (lib/), the harness (stress/), tests and detector builds.
#
#   make                      build lib/libminissl.a, lib/libminissl.so, sslstress
#   make check                unit suites + scenarios (+ detector runs); non-zero on failure
#   make stress               the default scenario suite, about two minutes
#   make gen                  rewrite scenarios/generated/ from the contract table
#   make mutation             mutation analysis of lib/ (doc/mutation.md)
#   make V=1                  show full commands
#   make CC=clang CFLAGS='-O1 -g'   CC/CFLAGS/CPPFLAGS/LDFLAGS are honoured
#   make VARIANT=tsan|asan|faults|sched   same sources, own object dir build/VARIANT
#   make OPENSSL_PREFIX=DIR openssl   sslstress-openssl against another OpenSSL build
#                             (scripts/build-openssl.sh makes one; README says how)
#
# Parallel by default: the three backends compile the harness three times
# (about a minute on one core).  A -j given on the command line, or by a
# parent make through MAKEFLAGS, wins.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif

# Every variant keeps its objects in build/$(VARIANT); the native one also
# publishes lib/libminissl.a, lib/libminissl.so and ./sslstress.

VARIANT ?= native
V ?= 0
ifeq ($(V),0)
Q := @
else
Q :=
endif

# CC=cc is make's built-in default; keep a user's choice, else gcc.
ifeq ($(origin CC),default)
CC := gcc
endif
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local
DESTDIR ?=

VARIANTS := native tsan asan faults sched tsan-faults asan-faults
ifeq ($(filter $(VARIANT),$(VARIANTS)),)
$(error unknown VARIANT '$(VARIANT)': choose one of $(VARIANTS))
endif

VFLAGS :=
TSAN_FLAGS := -fsanitize=thread -g -O1
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g -O1
ifneq ($(filter tsan%,$(VARIANT)),)
CC := clang
VFLAGS := $(TSAN_FLAGS)
endif
ifneq ($(filter asan%,$(VARIANT)),)
CC := clang
VFLAGS := $(ASAN_FLAGS)
endif
ifneq ($(filter %faults,$(VARIANT)),)
VFLAGS += -DMINISSL_FAULTS
endif
# sched: yield points for controlled scheduling, with the seeded faults so
# that `--schedule` can be shown to find them (doc/controlled-scheduling.md).
ifeq ($(VARIANT),sched)
VFLAGS := -DMINISSL_SCHED -DMINISSL_FAULTS
endif

BUILDDIR ?= build/$(VARIANT)
B := $(BUILDDIR)
WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
ALL_CPPFLAGS := -D_GNU_SOURCE -Ilib/include $(CPPFLAGS)
ALL_CFLAGS := $(WARN) $(CFLAGS) $(VFLAGS) -pthread -fPIC -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(VFLAGS) -pthread

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)
JANSSON_LIBS := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)

LIB_SRC := $(sort $(wildcard lib/src/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
ST_SRC := $(sort $(wildcard stress/*.c))
ST_OBJ := $(ST_SRC:%.c=$(B)/%.o)
ST_LIBOBJ := $(filter-out $(B)/stress/main.o,$(ST_OBJ))

TLIB_SRC := $(sort $(wildcard tests/lib/test_*.c))
TST_SRC := $(sort $(wildcard tests/stress/test_*.c))
TLIB_BIN := $(TLIB_SRC:tests/%.c=$(B)/tests/%)
TST_BIN := $(TST_SRC:tests/%.c=$(B)/tests/%)
TUTIL_OBJ := $(B)/tests/check_main.o $(B)/tests/testutil.o

# sslstress-openssl: the same harness sources against the system OpenSSL
# (pkg-config openssl), without minissl's headers or inspect.h.
#
# Or against another build of libssl/libcrypto (README, "Building against
# another OpenSSL"): OPENSSL_PREFIX=DIR (DIR/lib/pkgconfig/openssl.pc, as
# scripts/build-openssl.sh installs it) or OPENSSL_PC=FILE.  Its objects go
# to build/ossl-NAME-SUM[-VARIANT] (NAME: the prefix's last component, SUM:
# a checksum of the .pc's path), so they never mix with the system
# OpenSSL's or another build's.  A build that has libssl.so is linked to
# it with an rpath, one with only libssl.a statically; OPENSSL_LINK=static
# picks the .a files where both exist.
ifneq ($(OPENSSL_PREFIX),)
OPENSSL_PC ?= $(firstword $(wildcard $(OPENSSL_PREFIX)/lib/pkgconfig/openssl.pc \
	$(OPENSSL_PREFIX)/lib64/pkgconfig/openssl.pc))
ifeq ($(OPENSSL_PC),)
$(error OPENSSL_PREFIX=$(OPENSSL_PREFIX) has no lib/pkgconfig/openssl.pc (nor lib64/): give OPENSSL_PC=FILE, or build it with scripts/build-openssl.sh)
endif
endif
ifneq ($(OPENSSL_PC),)
ifeq ($(wildcard $(OPENSSL_PC)),)
$(error OPENSSL_PC=$(OPENSSL_PC): no such file)
endif
OSSL_PCFILE := $(abspath $(OPENSSL_PC))
# The .pc's Requires (libssl, libcrypto) must come from its own directory.
OSSL_PKGCONFIG := PKG_CONFIG_PATH='$(dir $(OSSL_PCFILE))$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))' pkg-config
OSSL_LIBDIR := $(shell $(OSSL_PKGCONFIG) --variable=libdir '$(OSSL_PCFILE)')
OSSL_PREFIX_DIR := $(shell $(OSSL_PKGCONFIG) --variable=prefix '$(OSSL_PCFILE)')
OSSL_CFLAGS := $(shell $(OSSL_PKGCONFIG) --cflags '$(OSSL_PCFILE)')
OPENSSL_LINK ?= $(if $(wildcard $(OSSL_LIBDIR)/libssl.so),shared,static)
ifeq ($(OPENSSL_LINK),shared)
OSSL_LIBS := $(shell $(OSSL_PKGCONFIG) --libs '$(OSSL_PCFILE)') -Wl,-rpath,$(OSSL_LIBDIR)
else ifeq ($(OPENSSL_LINK),static)
OSSL_LIBS := $(OSSL_LIBDIR)/libssl.a $(OSSL_LIBDIR)/libcrypto.a \
	$(filter-out -L% -lssl -lcrypto,$(shell $(OSSL_PKGCONFIG) --static --libs '$(OSSL_PCFILE)'))
else
$(error unknown OPENSSL_LINK '$(OPENSSL_LINK)': choose shared or static)
endif
# What scripts/build-openssl.sh built it with (tsan, asan, plain), if it did.
OSSL_FLAVOUR := $(shell sed -n 's/^flavour: //p' '$(OSSL_PREFIX_DIR)/sslstress-build.txt' 2>/dev/null)
OSSL_NAME := ossl-$(notdir $(patsubst %/,%,$(OSSL_PREFIX_DIR)))-$(firstword $(shell printf '%s' '$(OSSL_PCFILE)' | cksum))
else
OSSL_CFLAGS := $(shell pkg-config --cflags openssl 2>/dev/null)
OSSL_LIBS := $(shell pkg-config --libs openssl 2>/dev/null || echo -lssl -lcrypto)
OSSL_NAME := openssl
endif
# A libssl that TSan sees inside (built with -fsanitize=thread): the backend
# drops the edges it restates for an uninstrumented one (backend.c).
# LIBSSL_INSTRUMENTED=yes|no overrides what sslstress-build.txt says.
LIBSSL_INSTRUMENTED ?= $(if $(filter tsan,$(OSSL_FLAVOUR)),yes,no)
OSSL_DEFS := $(if $(filter yes,$(LIBSSL_INSTRUMENTED)),-DST_LIBSSL_INSTRUMENTED)
# A sanitizer build of libssl needs the same sanitizer in the harness.
OSSL_MISMATCH := $(if $(filter tsan asan,$(OSSL_FLAVOUR)),$(if $(filter $(OSSL_FLAVOUR)%,$(VARIANT)),,$(OSSL_PREFIX_DIR) is a $(OSSL_FLAVOUR) build of OpenSSL: build with VARIANT=$(OSSL_FLAVOUR)$(if $(filter tsan,$(OSSL_FLAVOUR)), (or make tsan-openssl))))
# The object dir of sslstress-openssl for variant $(1).
# With BUILDDIR= given, its own subdirectory, so parallel builds never share.
ifeq ($(origin BUILDDIR),file)
ossl_dir = build/$(OSSL_NAME)$(if $(filter-out native,$(1)),-$(1))
else
ossl_dir = $(BUILDDIR)/$(OSSL_NAME)
endif
OSSL_B := $(call ossl_dir,$(VARIANT))
OSSL_OBJ := $(ST_SRC:%.c=$(OSSL_B)/%.o)
SSLSTRESS_OSSL := $(OSSL_B)/sslstress-openssl

# sslstress-boringssl: the same sources against BoringSSL, as Debian 12's
# android-libboringssl-dev ships it: no pkg-config file, the headers in
# /usr/include/android, the libraries in /usr/lib/MULTIARCH/android (linked
# with an rpath to them).  BORINGSSL_INC=DIR and BORINGSSL_LIB=DIR take
# another copy.  Built by `all` where the headers exist; `make boringssl`
# says what is missing otherwise, and check-boringssl skips, saying so.
BORINGSSL_INC ?= /usr/include/android
BORINGSSL_LIB ?= /usr/lib/$(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/android
HAVE_BORINGSSL := $(wildcard $(BORINGSSL_INC)/openssl/is_boringssl.h)
BSSL_PKG := $(shell dpkg-query -W -f='android-libboringssl-dev $${Version}' android-libboringssl-dev 2>/dev/null)
ifeq ($(origin BUILDDIR),file)
BSSL_B := build/boringssl$(if $(filter-out native,$(VARIANT)),-$(VARIANT))
else
BSSL_B := $(BUILDDIR)/boringssl
endif
BSSL_CFLAGS := -I$(BORINGSSL_INC) -DST_LIB_PACKAGE='"$(BSSL_PKG)"'
BSSL_LIBS := -L$(BORINGSSL_LIB) -Wl,-rpath,$(BORINGSSL_LIB) -lssl -lcrypto
BSSL_OBJ := $(ST_SRC:%.c=$(BSSL_B)/%.o)
SSLSTRESS_BSSL := $(BSSL_B)/sslstress-boringssl

LIBA := $(B)/libminissl.a
LIBSO := $(B)/libminissl.so
SSLSTRESS := $(B)/sslstress

.PHONY: boringssl check-boringssl boringssl-findings backend-diff print-backends
.PHONY: gen check-sched check-replay check-reports reproduce matrix openssl stress-openssl tsan-openssl helgrind-openssl drd-openssl check-tsan-openssl check-openssl all deps check unit stress bench tsan asan helgrind drd fuzz install clean
.DEFAULT_GOAL := all
.SECONDARY:

all: $(LIBA) $(LIBSO) $(if $(ST_SRC),$(SSLSTRESS) $(SSLSTRESS_OSSL)) $(TLIB_BIN) $(TST_BIN)
ifeq ($(VARIANT)$(BUILDDIR),nativebuild/native)
all: lib/libminissl.a lib/libminissl.so $(if $(ST_SRC),sslstress)
lib/libminissl.a: $(LIBA)
	$(Q)cp $< $@
lib/libminissl.so: $(LIBSO)
	$(Q)cp $< $@
sslstress: $(SSLSTRESS)
	$(Q)cp $< $@
endif

deps:
	$(Q)scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh

# The harness compiled against minissl may use minissl/inspect.h.
$(B)/stress/%.o $(B)/tests/stress/%.o: ALL_CPPFLAGS += -DST_BACKEND_MINISSL

# The names of the harness's source files (stress/ and tests/), compiled
# into detlog.c: a tool that prints a frame's file without its directory
# (Valgrind) names the harness's frames by them.  From the tree, so that a
# new file is the harness's without a list kept by hand; detlog.o is
# rebuilt when the list changes (build/harness-files.txt holds it).
comma := ,
HARNESS_FILES := $(sort $(notdir $(wildcard stress/*.[ch] tests/*.[ch] tests/*/*.[ch])))
HARNESS_LIST := build/harness-files.txt
ifneq ($(file <$(HARNESS_LIST)),$(HARNESS_FILES))
$(shell mkdir -p build)
$(file >$(HARNESS_LIST),$(HARNESS_FILES))
endif
HARNESS_DEF := '-DST_HARNESS_FILES=$(subst " ","$(comma)",$(patsubst %,"%",$(HARNESS_FILES)))'
$(B)/stress/detlog.o: ALL_CPPFLAGS += $(HARNESS_DEF)
$(B)/stress/detlog.o: $(HARNESS_LIST)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [$(VARIANT)] $<")
	$(Q)$(CC) $(ALL_CPPFLAGS) $(CHECK_CFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@$(if $(Q),echo "  AR [$(VARIANT)] $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBSO): $(LIB_OBJ)
	@$(if $(Q),echo "  LD [$(VARIANT)] $@")
	$(Q)$(CC) -shared $(ALL_LDFLAGS) -o $@ $^

$(SSLSTRESS): $(ST_OBJ) $(LIBA)
	@$(if $(Q),echo "  LD [$(VARIANT)] $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(ST_OBJ) $(LIBA) $(JANSSON_LIBS) -lm

$(OSSL_B)/%.o: %.c
	$(if $(OSSL_MISMATCH),@echo "make: *** $(OSSL_MISMATCH)" >&2; exit 1)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [$(notdir $(OSSL_B))] $<")
	$(Q)$(CC) -D_GNU_SOURCE $(OSSL_DEFS) $(OSSL_CFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(OSSL_B)/stress/detlog.o: CPPFLAGS += $(HARNESS_DEF)
$(OSSL_B)/stress/detlog.o: $(HARNESS_LIST)

$(SSLSTRESS_OSSL): $(OSSL_OBJ)
	$(if $(OSSL_MISMATCH),@echo "make: *** $(OSSL_MISMATCH)" >&2; exit 1)
	@$(if $(Q),echo "  LD [$(notdir $(OSSL_B))] $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(OSSL_OBJ) $(OSSL_LIBS) $(JANSSON_LIBS) -lm

openssl: $(SSLSTRESS_OSSL)
ifneq ($(OPENSSL_PC),)
	@echo "$(SSLSTRESS_OSSL): against $(OSSL_PCFILE) ($(OPENSSL_LINK))"
endif
ifeq ($(VARIANT)$(BUILDDIR)$(OPENSSL_PC),nativebuild/native)
all: sslstress-openssl
sslstress-openssl: $(SSLSTRESS_OSSL)
	$(Q)cp $< $@
endif

$(BSSL_B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [$(notdir $(BSSL_B))] $<")
	$(Q)$(CC) -D_GNU_SOURCE $(BSSL_CFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BSSL_B)/stress/detlog.o: CPPFLAGS += $(HARNESS_DEF)
$(BSSL_B)/stress/detlog.o: $(HARNESS_LIST)

$(SSLSTRESS_BSSL): $(BSSL_OBJ)
	@$(if $(Q),echo "  LD [$(notdir $(BSSL_B))] $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(BSSL_OBJ) $(BSSL_LIBS) $(JANSSON_LIBS) -lm

ifneq ($(HAVE_BORINGSSL),)
boringssl: $(SSLSTRESS_BSSL)
ifeq ($(VARIANT)$(BUILDDIR),nativebuild/native)
all: sslstress-boringssl
sslstress-boringssl: $(SSLSTRESS_BSSL)
	$(Q)cp $< $@
endif
else
boringssl:
	@echo "make: no BoringSSL headers in $(BORINGSSL_INC) (apt-get install android-libboringssl-dev, or give BORINGSSL_INC= and BORINGSSL_LIB=)" >&2; exit 1
endif

$(B)/tests/lib/%: $(B)/tests/lib/%.o $(TUTIL_OBJ) $(LIBA)
	@$(if $(Q),echo "  LD [$(VARIANT)] $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TUTIL_OBJ) $(LIBA) $(CHECK_LIBS)

$(B)/tests/stress/%: $(B)/tests/stress/%.o $(TUTIL_OBJ) $(B)/tests/stress_util.o $(ST_LIBOBJ) $(LIBA)
	@$(if $(Q),echo "  LD [$(VARIANT)] $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TUTIL_OBJ) $(B)/tests/stress_util.o $(ST_LIBOBJ) $(LIBA) $(JANSSON_LIBS) $(CHECK_LIBS)

# Each test file defines suite NAME in tests/*/test_NAME.c; check_main runs it.
# -iquote: project headers are found for "..." only, so stress/sched.h can
# never shadow the system <sched.h>.
$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [$(VARIANT)] $<")
	$(Q)$(CC) $(ALL_CPPFLAGS) -iquote lib/src -iquote stress -iquote tests $(CHECK_CFLAGS) $(ALL_CFLAGS) \
		-DSUITE_NAME=$(patsubst test_%,%,$(notdir $*)) -c $< -o $@

unit: all
	$(Q)scripts/run-tests.sh $(TLIB_BIN) $(TST_BIN)

# Detector runs: each builds its own variant and runs the concurrency
# tests and the scenario suite under it (scripts/detect.sh says how).
DETECTORS := tsan asan helgrind drd
$(DETECTORS): deps
	$(Q)scripts/detect.sh $@

check: deps
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)scripts/gen.sh --check
	$(Q)$(MAKE) --no-print-directory check-openssl
	$(Q)$(MAKE) --no-print-directory check-boringssl
	$(Q)scripts/check-faults.sh
	$(Q)scripts/detect.sh check
	$(Q)scripts/gen.sh --run
	$(Q)tests/scripts/check-reports.sh
	$(Q)$(MAKE) --no-print-directory check-sched
	$(Q)scripts/replay-check.sh
	$(Q)$(MAKE) --no-print-directory fuzz-check
	$(Q)$(MAKE) --no-print-directory mutation-sample

# Every JSON report validates against doc/sslstress-report.schema.json and
# every HTML report draws its pictures in headless Chromium (skipped, and
# said, without /usr/bin/chromium); tests/scripts/check-reports.sh.
check-reports: deps all
	$(Q)tests/scripts/check-reports.sh

# Controlled scheduling (doc/controlled-scheduling.md): the unit suites in
# the sched build (yield points compiled in), then scripts/sched-eval.sh:
# dfs and pct find each seeded race, every found schedule replays 100/100,
# and the correct minissl passes dfs:preemptions=2 on the suite's 2- and
# 3-thread scenarios: exhaustively, or every schedule explored in
# EXHAUST_BUDGET seconds where they do not all fit (4 here, to keep make
# check within its 10 minutes; scripts/sched-eval.sh alone takes 10).
EXHAUST_BUDGET ?= 4
check-sched:
	$(Q)$(MAKE) --no-print-directory VARIANT=sched unit
	$(Q)BUILD=build/sched EXHAUST_BUDGET=$(EXHAUST_BUDGET) scripts/sched-eval.sh

# Every failure replays (doc/controlled-scheduling.md, "History"): each
# seeded bug, free-running and under random, pct and dfs, prints a replay
# that fails again 20 times out of 20.
check-replay: deps
	$(Q)scripts/replay-check.sh

stress: deps all
	$(Q)scripts/stress.sh $(DETECTOR)

# Scenarios generated from the thread-safety contract table
# (doc/generated-scenarios.md): `make gen` rewrites scenarios/generated/
# and the table in that page; `make check` fails when either is not what
# the table gives, then runs them natively and under TSan (scripts/gen.sh).
gen: all
	$(Q)scripts/gen.sh

# The suite against the system OpenSSL (see doc/openssl-findings.md).
STRESS_OUT = --max-failures 1 --json build/stress/$(1).json \
	--junit build/stress/$(1).xml --html build/stress/$(1).html
stress-openssl: deps $(SSLSTRESS_OSSL)
	$(Q)mkdir -p build/stress
	$(Q)$(SSLSTRESS_OSSL) run --duration $(or $(DURATION),2m) \
		--jitter $(or $(JITTER),low) $(call STRESS_OUT,$(OSSL_NAME)) scenarios/

tsan-openssl: deps
	$(Q)$(MAKE) --no-print-directory VARIANT=tsan $(call ossl_dir,tsan)/sslstress-openssl
	$(Q)mkdir -p build/stress
	$(Q)eval "$$(scripts/detector-env.sh count)" && \
		$(call ossl_dir,tsan)/sslstress-openssl run --duration $(or $(DURATION),2m) \
		--jitter $(or $(JITTER),low) $(call STRESS_OUT,$(OSSL_NAME)-tsan) scenarios/

# The bounded suite (VG_ITER iterations, default 10) and scenarios/race/
# against OpenSSL under Helgrind or DRD (scripts/detect.sh): minutes, not
# part of `make check`.
helgrind-openssl drd-openssl: deps $(SSLSTRESS_OSSL)
	$(Q)SSLSTRESS_OSSL=$(SSLSTRESS_OSSL) scripts/detect.sh $@

# Build OpenSSL 3.0.22 with TSan from the fixture tarball (or reuse
# OSSL_TSAN_PREFIX), build the harness against it and check that TSan sees
# inside libssl with the uninstrumented-libssl edges off
# (tests/scripts/check-tsan-openssl.sh; skipped, saying so, without the
# fixture).  Minutes: not part of `make check`.
check-tsan-openssl: deps
	$(Q)tests/scripts/check-tsan-openssl.sh

check-openssl: $(SSLSTRESS_OSSL)
	$(Q)$(SSLSTRESS_OSSL) run -q --no-color -n 200 -s 1 scenarios/ \
		tests/openssl/scenarios/handshake-states.scn
	$(Q)scripts/openssl-findings.sh --check

# The suite against BoringSSL (doc/boringssl-findings.md), bounded: 20
# iterations per scenario, each skip printed with its reason, and the
# findings document's generated tables against that run
# (scripts/boringssl-findings.sh --check).  Without the headers: skipped,
# saying so.
check-boringssl: $(SSLSTRESS) $(SSLSTRESS_OSSL)
ifneq ($(HAVE_BORINGSSL),)
	$(Q)$(MAKE) --no-print-directory $(SSLSTRESS_BSSL)
	$(Q)SSLSTRESS_BORINGSSL=$(SSLSTRESS_BSSL) SSLSTRESS_OPENSSL=$(SSLSTRESS_OSSL) \
		SSLSTRESS_MINISSL=$(SSLSTRESS) scripts/boringssl-findings.sh --check
else
	@echo "check-boringssl: SKIPPED: no BoringSSL headers in $(BORINGSSL_INC) (apt-get install android-libboringssl-dev, or BORINGSSL_INC=/BORINGSSL_LIB=)"
endif

# doc/boringssl-findings.md: the native suite, the API table and (slow,
# minutes) the bounded Helgrind and DRD runs, regenerated.
boringssl-findings: boringssl $(SSLSTRESS) $(SSLSTRESS_OSSL)
	$(Q)SSLSTRESS_BORINGSSL=$(SSLSTRESS_BSSL) SSLSTRESS_OPENSSL=$(SSLSTRESS_OSSL) \
		SSLSTRESS_MINISSL=$(SSLSTRESS) scripts/boringssl-findings.sh --valgrind

# The harness binaries of this VARIANT, one per backend it builds (for
# scripts/backend-diff.sh): minissl, OpenSSL, and BoringSSL where its
# headers exist.
print-backends:
	@echo $(SSLSTRESS) $(SSLSTRESS_OSSL) $(if $(HAVE_BORINGSSL),$(SSLSTRESS_BSSL))

# Every built backend on the same scenarios, and where they differ
# (scripts/backend-diff.sh; doc/boringssl-findings.md, "Across backends").
backend-diff: all
	$(Q)scripts/backend-diff.sh $(BACKEND_DIFF_ARGS)

# Seeded bugs (doc/seeded-bugs.md): `make reproduce BUG=NAME`, the
# catalogue without BUG; `make matrix` rewrites doc/detection-matrix.md.
reproduce: deps
	$(Q)BUILD=$(or $(BUILD),build/faults) scripts/reproduce.sh $(BUG)

matrix: deps
	$(Q)scripts/matrix.sh

bench: deps all
	$(Q)scripts/bench.sh


install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/openssl \
		$(DESTDIR)$(PREFIX)/include/minissl $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(LIBA) $(LIBSO) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 lib/include/openssl/*.h $(DESTDIR)$(PREFIX)/include/openssl/
	install -m 644 lib/include/minissl/*.h $(DESTDIR)$(PREFIX)/include/minissl/
	install -m 755 $(SSLSTRESS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 doc/sslstress.1 $(DESTDIR)$(PREFIX)/share/man/man1/


clean:
	rm -rf build lib/libminissl.a lib/libminissl.so sslstress sslstress-openssl \
		sslstress-boringssl

-include $(BSSL_OBJ:.o=.d) $(OSSL_OBJ:.o=.d) $(LIB_OBJ:.o=.d) $(ST_OBJ:.o=.d) $(TLIB_BIN:=.d) $(TST_BIN:=.d) $(TUTIL_OBJ:.o=.d) $(B)/tests/stress_util.d

# ---- fuzzing ----------------------------------------------------------------
# libFuzzer targets tests/fuzz/fuzz_NAME.c -> build/fuzz/fuzz_NAME, built by
# clang with ASan+UBSan: `record` over minissl's sources, the others over the
# harness's too (every stress/*.c but main.c, against minissl, as the
# tests/stress binaries link).  scripts/fuzz.sh makes each target's seeds
# from the tree and runs them (doc/fuzzing.md):
#   make fuzz         every target, one at a time, FUZZ_SECONDS (300) each,
#                     or FUZZ_RUNS executions each (then no time bound
#                     unless FUZZ_SECONDS is given too)
#   make fuzz-check   (part of make check) every target for 20 s, two at a
#                     time; a crash fails it and prints its reproducer;
#                     skipped, saying so, where clang cannot link libFuzzer
FUZZ_CC ?= clang
FUZZ_B := build/fuzz
FUZZ_CPPFLAGS := -D_GNU_SOURCE -Ilib/include $(CPPFLAGS)
FUZZ_CFLAGS := $(WARN) -g -O1 -fno-omit-frame-pointer -pthread -MMD -MP \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_B)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_B)/%.o)
FUZZ_ST_OBJ := $(filter-out $(FUZZ_B)/stress/main.o,$(ST_SRC:%.c=$(FUZZ_B)/%.o))
FUZZ_OBJ := $(FUZZ_LIB_OBJ) $(FUZZ_ST_OBJ) $(FUZZ_SRC:%.c=$(FUZZ_B)/%.o)

.PHONY: fuzz-build fuzz-check
fuzz-build: $(FUZZ_BIN)

FUZZ_ENV = MAKE="$(MAKE)" FUZZ_CC="$(FUZZ_CC)" SSLSTRESS=$(SSLSTRESS)
fuzz: deps fuzz-build $(SSLSTRESS)
	$(Q)$(FUZZ_ENV) scripts/fuzz.sh --no-build \
		$(if $(FUZZ_RUNS),-n $(FUZZ_RUNS)) \
		$(if $(FUZZ_SECONDS)$(if $(FUZZ_RUNS),,x),-t $(or $(FUZZ_SECONDS),300))

# No fuzz-build prerequisite: without clang's libFuzzer fuzz.sh --if-clang
# skips before it builds.
fuzz-check: deps
	$(Q)$(FUZZ_ENV) scripts/fuzz.sh --if-clang -t 20 -p 2

$(FUZZ_B)/stress/%.o $(FUZZ_B)/tests/fuzz/%.o: FUZZ_CPPFLAGS += -DST_BACKEND_MINISSL
$(FUZZ_B)/tests/fuzz/%.o: FUZZ_CPPFLAGS += -iquote lib/src -iquote stress
$(FUZZ_B)/stress/detlog.o: FUZZ_CPPFLAGS += $(HARNESS_DEF)
$(FUZZ_B)/stress/detlog.o: $(HARNESS_LIST)

$(FUZZ_B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [fuzz] $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/fuzz_record: $(FUZZ_B)/tests/fuzz/fuzz_record.o $(FUZZ_LIB_OBJ)
	@$(if $(Q),echo "  LD [fuzz] $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

$(FUZZ_B)/fuzz_%: $(FUZZ_B)/tests/fuzz/fuzz_%.o $(FUZZ_ST_OBJ) $(FUZZ_LIB_OBJ)
	@$(if $(Q),echo "  LD [fuzz] $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(JANSSON_LIBS) -lm

-include $(FUZZ_OBJ:.o=.d)


# Mutation analysis (doc/mutation.md, scripts/mutation.py): mutants of
# lib/src/ judged by the scenario suite natively, then the survivors under
# TSan and controlled scheduling.  `make mutation` runs the whole set and
# rewrites doc/mutation.md and doc/mutation-results.json; `make
# mutation-sample` (part of make check) draws MUTATION_SAMPLE mutants
# (default 10, by MUTATION_SEED) from those the recorded run killed and
# fails unless each is killed again in the same tier.  Both work in
# build/mutation/ and take MUTATION_FLAGS (e.g. --jobs 1).
MUTATION_SAMPLE ?= 10
MUTATION_SEED ?= 1
.PHONY: mutation mutation-sample
mutation: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory VARIANT=tsan build/tsan/sslstress
	$(Q)$(MAKE) --no-print-directory VARIANT=sched build/sched/sslstress
	$(Q)scripts/mutation.py --json doc/mutation-results.json \
		--report doc/mutation.md $(MUTATION_FLAGS)

mutation-sample: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory VARIANT=tsan build/tsan/sslstress
	$(Q)$(MAKE) --no-print-directory VARIANT=sched build/sched/sslstress
	$(Q)scripts/mutation.py --sample $(MUTATION_SAMPLE) --seed $(MUTATION_SEED) \
		--expect doc/mutation-results.json --workdir build/mutation/sample \
		--json build/mutation/sample/results.json \
		$(MUTATION_FLAGS)
