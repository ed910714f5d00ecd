# Vigil build. `make` builds ./vigil; see README.md for the other targets.
# Every object tree lives under build/<variant>/ so release, sanitizer and
# fuzz builds never mix.

CC      ?= cc
PKGS    ?= libpcap libcrypto zlib libmagic jansson libidn2 libpsl libhs libpcre2-8 libzip libarchive yara libcap-ng rdkafka
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CSTD    := -std=c11 -D_GNU_SOURCE
OPT     ?= -O2 -g
VARIANT ?= release
BUILD   := build/$(VARIANT)
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(EXTRA_CFLAGS) -Isrc -Itests $(PKG_CFLAGS) -pthread -MMD -MP
LDLIBS_ALL = $(PKG_LIBS) -pthread -lm $(EXTRA_LDFLAGS)

LIB_SRC  := $(sort $(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/vigil.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
GEN_SRC  := $(sort $(wildcard tests/gen/*.c))
GEN_BIN  := $(BUILD)/vigil-gen

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# Every binary's own allocations go through src/util/alloc_wrap.c, which
# counts the failures (util/oom.h: a run never goes on silently without one).
LDLIBS_ALL += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
WRAP_OBJ   := $(BUILD)/src/util/alloc_wrap.o $(BUILD)/src/util/oom.o
# ALLOC_FAIL=1 (the sanitizer test build): every binary gets the allocation
# failure injector of tests/alloc/alloc_fail.c instead (it counts too),
# which does nothing unless VIGIL_ALLOC_FAIL or VIGIL_ALLOC_SITES is set.
ifeq ($(ALLOC_FAIL),1)
HOOK_OBJ   := $(BUILD)/tests/alloc/alloc_fail.o $(BUILD)/src/util/oom.o
LDLIBS_ALL += -ldl
endif

.PHONY: check install print-pkgs all clean test test-unit test-golden test-alloc test-conformance test-fuzz demo bench fuzz deps asan variants alloc-fail-all

all: vigil

vigil: $(BUILD)/vigil
	@if [ "$(VARIANT)" = release ]; then cp $< $@; fi

# Tests link the library as an archive, so each pulls in only the modules it uses.
LIB_A    := $(BUILD)/libvigil.a

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/vigil: $(MAIN_OBJ) $(HOOK_OBJ) $(LIB_A)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DVIGIL_VERSION='"$(VERSION)"' -DVIGIL_SOURCE_ROOT='"$(CURDIR)"' -c -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(HOOK_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

$(GEN_BIN): $(GEN_SRC) $(BUILD)/src/util/addr.o $(WRAP_OBJ) $(HOOK_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# The Kafka tests' broker: librdkafka's mock cluster on loopback (tests/kafka).
KAFKA_MOCK := $(BUILD)/kafka-mock
$(KAFKA_MOCK): tests/kafka/mock_cluster.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(PKG_LIBS) -pthread

units: $(UNIT_BIN)
gen: $(GEN_BIN)

deps:
	@scripts/install-deps

# The whole suite: both compilers with -Werror, then every test under
# AddressSanitizer+UBSan, golden, conformance (when ../shared/corpus exists)
# and a short fuzz run.
test: deps
	@scripts/run-tests

test-unit test-golden test-alloc test-conformance test-fuzz:
	@scripts/run-tests $(@:test-%=%)

# The allocation-failure walk over every (scenario, site) pair, not only each
# site once as `make test` does (needs the sanitizer build: make test-alloc).
alloc-fail-all:
	@scripts/alloc-fail --all

# The source rules a script can check (docs/STYLE.md): banned functions,
# includes that point one way, module READMEs' "Depends on" lines, and no
# call circle between the objects' files (so the objects are built first).
check: $(LIB_OBJ) $(MAIN_OBJ)
	@scripts/check-src --objects $(BUILD)

demo: deps
	@scripts/demo

bench: deps
	@scripts/bench

fuzz:
	@scripts/run-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# `make install` (PREFIX, DESTDIR as usual): the binary, the man page
# (doc/vigil.1, which scripts/gen-man writes from README.md's option table)
# and the shipped data/ and rules/ in $(PREFIX)/share/vigil, where the
# binary finds them (util/datadir: bin/../share/vigil).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/vigil
# The binary installed: the release build unless told (the tests install theirs).
INSTALL_BIN ?= vigil

install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/vigil
	install -m 0644 doc/vigil.1 $(DESTDIR)$(MANDIR)/man1/vigil.1
	install -d $(DESTDIR)$(SHAREDIR)
	cp -R data rules $(DESTDIR)$(SHAREDIR)/

# The pkg-config packages, for scripts that link outside make.
print-pkgs:
	@echo $(PKGS)

clean:
	rm -rf build vigil

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
