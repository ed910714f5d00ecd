# Vigil build. `make` builds ./vigil; see README.md for the other targets.
# Every object tree lives under build/<variant>/ so release, sanitizer and
# fuzz builds never mix.

CC      ?= cc
PKGS    ?= libpcap libcrypto zlib libmagic jansson libidn2 libpsl libzip libarchive yara
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

.PHONY: check print-pkgs all clean test test-unit test-golden test-conformance test-fuzz demo bench fuzz deps asan variants

all: vigil

vigil: $(BUILD)/vigil
	@if [ "$(VARIANT)" = release ]; then cp $< $@; fi

# Tests link the library as an archive, so each pulls in only the modules it uses.
LIB_A    := $(BUILD)/libvigil.a

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/vigil: $(MAIN_OBJ) $(LIB_A)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DVIGIL_VERSION='"$(VERSION)"' -DVIGIL_DATADIR='"$(CURDIR)/data"' -c -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

$(GEN_BIN): $(GEN_SRC) $(BUILD)/src/util/addr.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

units: $(UNIT_BIN)
gen: $(GEN_BIN)

deps:
	@scripts/install-deps

# The whole suite: both compilers with -Werror, then every test under
# AddressSanitizer+UBSan, golden, conformance (when ../shared/corpus exists)
# and a short fuzz run.
test: deps
	@scripts/run-tests

test-unit test-golden test-conformance test-fuzz:
	@scripts/run-tests $(@:test-%=%)

# The source rules a script can check (docs/STYLE.md): banned functions,
# includes that point one way, module READMEs' "Depends on" lines.
check:
	@scripts/check-src

demo: deps
	@scripts/demo

bench: deps
	@scripts/bench

fuzz:
	@scripts/run-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The pkg-config packages, for scripts that link outside make.
print-pkgs:
	@echo $(PKGS)

clean:
	rm -rf build vigil

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
