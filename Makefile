# Report server for Linux: build, run and test.
#
#   make            build the release binaries into bin/
#   make run        install missing Debian packages, build, create a demo
#                   state root under ./demo and start the services; the
#                   banner (URLs, password file, trust) comes last, logs go
#                   to demo/log/, Ctrl-C stops everything (status 0)
#   make test       install missing packages, build release and
#                   ASan+UBSan, run unit and integration tests
#   make bench      benchmarks against their real peers (not tests)
#   make install    binaries, man pages, systemd units, bash completion
#                   under PREFIX (/usr/local), DESTDIR honoured; make
#                   uninstall removes them (docs/operations.md)
#
# Layout: every src/<module>/*.c is library code, one static library per
# module; src/<daemon>/main.c becomes bin/<daemon> and src/tools/<tool>.c
# becomes bin/<tool>.  tests/unit/test_*.c are cmocka programs.

CC       ?= gcc
VERSION  := 0.1.0
PKGS     := libssl libcrypto sqlite3 libxml-2.0 libpq libh2o-evloop libsystemd xlsxwriter \
            cairo cairo-pdf cairo-png pangocairo fontconfig icu-i18n libcurl icu-uc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN     := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wvla
# libh2o-evloop's .pc file leaves out the flag that selects its own loop.
DEFS     := -D_GNU_SOURCE -DH2O_USE_LIBUV=0 -DRS_VERSION='"$(VERSION)"'
CFLAGS_release := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS_asan    := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
                  -fno-sanitize-recover=undefined
LDFLAGS_asan   := -fsanitize=address,undefined

NPROC    := $(shell nproc 2>/dev/null || echo 2)
MODE     ?= release
BUILDDIR ?= build
OUT      := $(BUILDDIR)/$(MODE)
BINDIR   := $(if $(filter release:build,$(MODE):$(BUILDDIR)),bin,$(OUT)/bin)
CFLAGS_ALL := -std=c17 $(WARN) $(DEFS) $(CFLAGS_$(MODE)) -Isrc $(PKG_CFLAGS) $(CFLAGS)
LIBS     := -Wl,--as-needed $(PKG_LIBS) -lpam -lcrypt -lz -lm -lpthread

# Each module is one static library.  A program links the modules named in
# DEPS_<program> (set in src/<module>/module.mk), in that order: a module
# before the modules it uses, common last.  Keeping the lists explicit keeps
# the dependency direction visible, and a module being edited cannot break
# the build of programs that do not use it.
MODULES  := $(filter-out tools,$(notdir $(wildcard src/*)))
-include $(wildcard src/*/module.mk)
MAINS    := $(wildcard src/*/main.c)
TOOLS    := $(wildcard src/tools/*.c)
modsrc    = $(filter-out src/$(1)/main.c,$(wildcard src/$(1)/*.c))
modlib    = $(OUT)/lib/lib$(1).a
PROGS    := $(patsubst src/%/main.c,$(BINDIR)/%,$(MAINS)) \
            $(patsubst src/tools/%.c,$(BINDIR)/%,$(TOOLS))
UNITSRC  := $(wildcard tests/unit/test_*.c)
UNITBIN  := $(UNITSRC:tests/unit/%.c=$(OUT)/tests/%)
deplibs   = $(foreach d,$(or $(DEPS_$(1)),common),$(call modlib,$(d)))

.PHONY: all build deps run test unit bench clean check
all: build
build: $(PROGS)

define module_rule
$(call modlib,$(1)): $(patsubst %.c,$(OUT)/%.o,$(call modsrc,$(1)))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call module_rule,$(m))))

$(OUT)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

define prog_rule
$(2): $(3) $$(call deplibs,$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS_$$(MODE)) -o $$@ $$^ $$(LIBS) $(4)
endef
$(foreach p,$(MAINS),$(eval $(call prog_rule,$(patsubst src/%/main.c,%,$(p)),$(patsubst src/%/main.c,$(BINDIR)/%,$(p)),$(OUT)/$(p:.c=.o))))
$(foreach p,$(TOOLS),$(eval $(call prog_rule,$(notdir $(p:.c=)),$(BINDIR)/$(notdir $(p:.c=)),$(OUT)/$(p:.c=.o))))
$(foreach p,$(UNITSRC),$(eval $(call prog_rule,$(notdir $(p:.c=)),$(OUT)/tests/$(notdir $(p:.c=)),$(OUT)/$(p:.c=.o),-lcmocka)))

unit: $(UNITBIN)

deps:
	@./scripts/deps.sh

# The test build: release binaries (what users run) and an ASan+UBSan
# build that the whole suite runs against.
test:
	@./scripts/deps.sh --test
	$(MAKE) -j$(NPROC) build
	$(MAKE) -j$(NPROC) MODE=asan build unit
	@RS_TEST_BUILD=$(abspath $(BUILDDIR))/asan ./tests/run.sh

# Run only the tests whose path contains T, e.g. make check T=certstore
check:
	$(MAKE) -j$(NPROC) MODE=asan build unit
	@RS_TEST_BUILD=$(abspath $(BUILDDIR))/asan ./tests/run.sh $(T)

# The build is quiet (errors and warnings still show) so that the demo's
# banner is what the terminal ends with.
run: deps
	@echo "make run: building (make build)"
	@$(MAKE) -s --no-print-directory -j$(NPROC) build
	@./scripts/demo.sh

bench:
	@./scripts/deps.sh --bench
	$(MAKE) -j$(NPROC) build
	@./bench/run.sh

clean:
	rm -rf build bin

# ---- Installing (docs/operations.md) ----
#
#   make install [PREFIX=/usr/local] [DESTDIR=] [STATEDIR=/var/lib/reportserver]
#       the release binaries into PREFIX/bin, man pages into
#       PREFIX/share/man, systemd units, sysusers.d and tmpfiles.d entries
#       into PREFIX/lib (where systemd looks for /usr and /usr/local),
#       bash completion into PREFIX/share/bash-completion/completions,
#       a logrotate entry into /etc/logrotate.d (logrotatedir: logrotate
#       reads no other folder).
#       DESTDIR is prepended to every path (packaging, tests); the units
#       name PREFIX/bin without it.
#   make uninstall [PREFIX=...] [DESTDIR=...]   removes exactly those files.
# Every program goes to bin/, the daemons too: rsconfig start runs the
# reportserver found next to itself.
PREFIX      ?= /usr/local
STATEDIR    ?= /var/lib/reportserver
bindir      ?= $(PREFIX)/bin
mandir      ?= $(PREFIX)/share/man
unitdir     ?= $(PREFIX)/lib/systemd/system
sysusersdir ?= $(PREFIX)/lib/sysusers.d
tmpfilesdir ?= $(PREFIX)/lib/tmpfiles.d
bashcompdir ?= $(PREFIX)/share/bash-completion/completions
logrotatedir ?= /etc/logrotate.d
PROGNAMES   := $(notdir $(patsubst src/%/main.c,%,$(MAINS)) $(TOOLS:.c=))
MANPAGES    := $(wildcard dist/man/*.[18])
UNITS       := httpsvc.service httpsvc.socket reportserver.service
SUBST        = sed -e 's|@BINDIR@|$(bindir)|g' -e 's|@STATEDIR@|$(STATEDIR)|g'

.PHONY: install uninstall
install: build
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 \
	    $(DESTDIR)$(mandir)/man8 $(DESTDIR)$(unitdir) \
	    $(DESTDIR)$(sysusersdir) $(DESTDIR)$(tmpfilesdir) \
	    $(DESTDIR)$(bashcompdir) $(DESTDIR)$(logrotatedir)
	install -m 0755 $(addprefix $(BINDIR)/,$(PROGNAMES)) $(DESTDIR)$(bindir)
	for m in $(MANPAGES); do \
	    install -m 0644 $$m $(DESTDIR)$(mandir)/man$${m##*.}/ || exit 1; \
	done
	for u in $(UNITS); do \
	    f=dist/systemd/$$u; [ -f $$f ] || f=$$f.in; \
	    $(SUBST) $$f >$(DESTDIR)$(unitdir)/$$u && \
	    chmod 0644 $(DESTDIR)$(unitdir)/$$u || exit 1; \
	done
	install -m 0644 dist/systemd/reportserver.sysusers \
	    $(DESTDIR)$(sysusersdir)/reportserver.conf
	$(SUBST) dist/systemd/reportserver.tmpfiles.in \
	    >$(DESTDIR)$(tmpfilesdir)/reportserver.conf
	chmod 0644 $(DESTDIR)$(tmpfilesdir)/reportserver.conf
	$(SUBST) dist/logrotate/reportserver.in \
	    >$(DESTDIR)$(logrotatedir)/reportserver
	chmod 0644 $(DESTDIR)$(logrotatedir)/reportserver
	for p in $(PROGNAMES); do \
	    install -m 0644 dist/completion/reportserver.bash \
	        $(DESTDIR)$(bashcompdir)/$$p || exit 1; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(bindir)/,$(PROGNAMES)) \
	    $(addprefix $(DESTDIR)$(bashcompdir)/,$(PROGNAMES)) \
	    $(addprefix $(DESTDIR)$(unitdir)/,$(UNITS)) \
	    $(DESTDIR)$(sysusersdir)/reportserver.conf \
	    $(DESTDIR)$(tmpfilesdir)/reportserver.conf \
	    $(DESTDIR)$(logrotatedir)/reportserver
	for m in $(notdir $(MANPAGES)); do \
	    rm -f $(DESTDIR)$(mandir)/man$${m##*.}/$$m; \
	done

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)
.SECONDARY:

# ---- Fuzzing (tests/fuzz/, docs/TESTING.md) ----
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="urlres rdl"]
#       builds each tests/fuzz/fuzz_<name>.c with clang and libFuzzer
#       (-fsanitize=fuzzer,address,undefined) into build/fuzz/ and runs it
#       for FUZZ_SECONDS from its seeds; prints runs, execs/s, coverage and
#       crashes per target.  Crashing inputs are kept in build/fuzz/crashes/.
#   make unit (so make test and make check)
#       also builds test_fuzz_<name>: the same target linked with
#       tests/fuzz/driver.c instead of libFuzzer (gcc, ASan+UBSan), which
#       tests/run.sh runs to replay tests/fuzz/corpus/<name>/,
#       tests/fuzz/regress/<name>/ and the seeds generated below.
# tests/fuzz/fuzz.mk sets DEPS_fuzz_<name>, the modules each target links.
-include tests/fuzz/fuzz.mk
FUZZ_ALL     := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SECONDS ?= 60
FUZZ_SEEDS   := $(OUT)/fuzz-seeds/.stamp
CFLAGS_fuzz  := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
                -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_fuzz := -fsanitize=fuzzer,address,undefined
fuzzobj       = $(OUT)/tests/fuzz/fuzz_$(1).o $(OUT)/tests/fuzz/util.o

$(foreach t,$(FUZZ_ALL),$(eval DEPS_fuzz_$(t) ?= common))
$(foreach t,$(FUZZ_ALL),$(eval DEPS_test_fuzz_$(t) := $(DEPS_fuzz_$(t))))
ifeq ($(MODE),fuzz)
# CFLAGS_ALL is fixed above, so the fuzz flags are added here.  clang
# warns where gcc does not (-Wformat-nonliteral in the vsnprintf wrappers,
# -Wstring-concatenation); the gcc builds are the -Werror gate, so those
# stay warnings here rather than stop a fuzzing run.
CFLAGS_ALL += $(CFLAGS_fuzz) -Wno-error
$(foreach t,$(FUZZ_ALL),$(eval $(call prog_rule,fuzz_$(t),$(OUT)/fuzz/fuzz_$(t),$(call fuzzobj,$(t)),)))
else
$(foreach t,$(FUZZ_ALL),$(eval $(call prog_rule,test_fuzz_$(t),$(OUT)/tests/test_fuzz_$(t),$(call fuzzobj,$(t)) $(OUT)/tests/fuzz/driver.o,)))
# replay_selftest fails on purpose (tests/integration/fuzz/replay.sh).
$(eval $(call prog_rule,replay_selftest,$(OUT)/tests/fuzz/replay_selftest,$(OUT)/tests/fuzz/selftest.o $(OUT)/tests/fuzz/util.o $(OUT)/tests/fuzz/driver.o,))
unit: $(FUZZ_ALL:%=$(OUT)/tests/test_fuzz_%) $(FUZZ_SEEDS) \
    $(OUT)/tests/fuzz/replay_selftest
endif

# Seeds that must not live in git (private keys: STYLE B10) are made here.
$(FUZZ_SEEDS): tests/fuzz/gen-seeds.sh
	@./tests/fuzz/gen-seeds.sh $(@D)
	@touch $@

.PHONY: fuzz fuzz-build
fuzz:
	@./scripts/deps.sh --fuzz
	$(MAKE) -j$(NPROC) MODE=fuzz CC=clang fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/fuzz/run.sh \
	    $(abspath $(BUILDDIR))/fuzz $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_ALL:%=$(OUT)/fuzz/fuzz_%) $(FUZZ_SEEDS)

# Adds to tests/fuzz/corpus/<name>/ the inputs of the corpus "make fuzz"
# grew that cover something the seeds do not (libFuzzer -merge=1).
.PHONY: fuzz-merge
fuzz-merge:
	$(MAKE) -j$(NPROC) MODE=fuzz CC=clang fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    [ -d $(BUILDDIR)/fuzz/corpus/$$t ] || continue; \
	    $(BUILDDIR)/fuzz/fuzz/fuzz_$$t -merge=1 tests/fuzz/corpus/$$t \
	        $(BUILDDIR)/fuzz/corpus/$$t 2>&1 | grep '^MERGE-OUTER: [0-9]* new' \
	        | sed "s/^/$$t: /"; \
	done
