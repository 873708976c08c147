# sslstress: minissl (lib/), the harness (stress/), tests and detector builds.
#
#   make                      build lib/libminissl.a, lib/libminissl.so, sslstress
#   make check                unit suites + scenarios (+ detector runs); non-zero on failure
#   make stress               the default scenario suite, about two minutes
#   make mutation             mutation analysis of lib/ (doc/mutation.md)
#   make V=1                  show full commands
#   make CC=clang CFLAGS='-O1 -g'   CC/CFLAGS/CPPFLAGS/LDFLAGS are honoured
#   make VARIANT=tsan|asan|faults|sched   same sources, own object dir build/VARIANT
#
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
# With BUILDDIR= given, its own subdirectory, so parallel builds never share.
ifeq ($(origin BUILDDIR),file)
OSSL_B := build/openssl$(if $(filter-out native,$(VARIANT)),-$(VARIANT))
else
OSSL_B := $(BUILDDIR)/openssl
endif
OSSL_CFLAGS := $(shell pkg-config --cflags openssl 2>/dev/null)
OSSL_LIBS := $(shell pkg-config --libs openssl 2>/dev/null || echo -lssl -lcrypto)
OSSL_OBJ := $(ST_SRC:%.c=$(OSSL_B)/%.o)
SSLSTRESS_OSSL := $(OSSL_B)/sslstress-openssl

LIBA := $(B)/libminissl.a
LIBSO := $(B)/libminissl.so
SSLSTRESS := $(B)/sslstress

.PHONY: check-sched check-reports reproduce matrix openssl stress-openssl tsan-openssl check-openssl all deps check unit stress bench tsan asan helgrind drd fuzz install clean
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
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [openssl$(if $(filter-out native,$(VARIANT)),-$(VARIANT))] $<")
	$(Q)$(CC) -D_GNU_SOURCE $(OSSL_CFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(SSLSTRESS_OSSL): $(OSSL_OBJ)
	@$(if $(Q),echo "  LD [openssl] $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(OSSL_OBJ) $(OSSL_LIBS) $(JANSSON_LIBS) -lm

openssl: $(SSLSTRESS_OSSL)
ifeq ($(VARIANT)$(BUILDDIR),nativebuild/native)
all: sslstress-openssl
sslstress-openssl: $(SSLSTRESS_OSSL)
	$(Q)cp $< $@
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
	$(Q)$(MAKE) --no-print-directory check-openssl
	$(Q)scripts/check-faults.sh
	$(Q)scripts/detect.sh check
	$(Q)tests/scripts/check-reports.sh
	$(Q)$(MAKE) --no-print-directory check-sched
	$(Q)$(MAKE) --no-print-directory mutation-sample

# Every JSON report validates against doc/sslstress-report.schema.json and
# every HTML report draws its pictures in headless Chromium (skipped, and
# said, without /usr/bin/chromium); tests/scripts/check-reports.sh.
check-reports: deps all
	$(Q)tests/scripts/check-reports.sh

# Controlled scheduling (doc/controlled-scheduling.md): the unit suites in
# the sched build (yield points compiled in), then scripts/sched-eval.sh:
# dfs and pct find each seeded race, every found schedule replays 100/100,
# and the correct minissl passes dfs:preemptions=2 exhaustively on the
# suite's 2- and 3-thread scenarios.
check-sched:
	$(Q)$(MAKE) --no-print-directory VARIANT=sched unit
	$(Q)BUILD=build/sched scripts/sched-eval.sh

stress: deps all
	$(Q)scripts/stress.sh $(DETECTOR)

# The suite against the system OpenSSL (see doc/openssl-findings.md).
STRESS_OUT = --max-failures 1 --json build/stress/$(1).json \
	--junit build/stress/$(1).xml --html build/stress/$(1).html
stress-openssl: deps $(SSLSTRESS_OSSL)
	$(Q)mkdir -p build/stress
	$(Q)$(SSLSTRESS_OSSL) run --duration $(or $(DURATION),2m) \
		--jitter $(or $(JITTER),low) $(call STRESS_OUT,openssl) scenarios/

tsan-openssl: deps
	$(Q)$(MAKE) --no-print-directory VARIANT=tsan build/openssl-tsan/sslstress-openssl
	$(Q)mkdir -p build/stress
	$(Q)eval "$$(scripts/detector-env.sh count)" && \
		build/openssl-tsan/sslstress-openssl run --duration $(or $(DURATION),2m) \
		--jitter $(or $(JITTER),low) $(call STRESS_OUT,openssl-tsan) scenarios/

check-openssl: $(SSLSTRESS_OSSL)
	$(Q)$(SSLSTRESS_OSSL) run -q --no-color -n 200 -s 1 scenarios/ \
		tests/openssl/scenarios/handshake-states.scn
	$(Q)scripts/openssl-findings.sh --check

# Seeded bugs (doc/seeded-bugs.md): `make reproduce BUG=NAME`, the
# catalogue without BUG; `make matrix` rewrites doc/detection-matrix.md.
reproduce: deps
	$(Q)BUILD=$(or $(BUILD),build/faults) scripts/reproduce.sh $(BUG)

matrix: deps
	$(Q)scripts/matrix.sh

bench: deps all
	$(Q)scripts/bench.sh

fuzz: deps
	$(Q)scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)

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
	rm -rf build lib/libminissl.a lib/libminissl.so sslstress sslstress-openssl

-include $(OSSL_OBJ:.o=.d) $(LIB_OBJ:.o=.d) $(ST_OBJ:.o=.d) $(TLIB_BIN:=.d) $(TST_BIN:=.d) $(TUTIL_OBJ:.o=.d) $(B)/tests/stress_util.d

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
