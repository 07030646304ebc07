# scalelab: one GNU Makefile. `make` builds build/scalelab; `make check` runs every test.
.DEFAULT_GOAL := all
.SUFFIXES:

CC       ?= cc
BUILD    ?= build
SAN      := $(BUILD)/san
VERSION  := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
PKGS     := jansson libmicrohttpd hiredis libcrypto libcurl libxxhash
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ljansson -lmicrohttpd)
# The Debian package of each pkg-config name, for the message when one is missing.
DEB_jansson := libjansson-dev
DEB_libmicrohttpd := libmicrohttpd-dev
DEB_hiredis := libhiredis-dev
DEB_libcrypto := libssl-dev
DEB_libcurl := libcurl4-openssl-dev
DEB_libxxhash := libxxhash-dev

WARN     := -Wall -Wextra -pedantic -Wstrict-prototypes -Wold-style-definition -Wpointer-arith \
            -Wvla -Wwrite-strings -Wformat-security -Wshadow -Wmissing-prototypes
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc $(WARN) \
             -fvisibility=hidden -MMD -MP $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS   := $(PKG_LIBS) -lm -lpthread
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

ifneq ($(V),1)
Q := @
endif

LIB_SRC  := $(sort $(wildcard src/lib/*.c))
CLI_SRC  := $(sort $(wildcard src/commands/*.c src/cli/*.c src/web/*.c src/lab/*.c))
WEB      := $(sort $(wildcard web/*.* web/js/*.js))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
DATA     := $(sort $(wildcard data/*.csv data/*.json data/*.txt))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/src/lib/assets.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o) $(BUILD)/version.o $(BUILD)/src/web/web_files.o
SLIB_OBJ := $(LIB_SRC:%.c=$(SAN)/%.o) $(SAN)/src/lib/assets.o
SCLI_OBJ := $(CLI_SRC:%.c=$(SAN)/%.o) $(SAN)/version.o $(SAN)/src/web/web_files.o
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(SAN)/tests/%)

.PHONY: all run check deps unit cli-tests web-tests bench soak lint clean san
.PHONY: fuzz fuzz-build fuzz-tests man
all: $(BUILD)/scalelab

$(BUILD)/libscalelab.a: $(LIB_OBJ)
	$(Q)$(AR) rcs $@ $^
$(BUILD)/scalelab: $(CLI_OBJ) $(BUILD)/libscalelab.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(BUILD)/cflags | dirs
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(BUILD)/src/lib/assets.o: src/lib/assets.S $(DATA) src/embed.h | dirs
	$(Q)$(CC) -Isrc -c -o $@ $<
$(BUILD)/src/web/web_files.o: src/web/web_files.S $(WEB) src/embed.h | dirs
	$(Q)$(CC) -Isrc -c -o $@ $<
# The version is compiled into its own object so that a new commit relinks only this file;
# version.c is rewritten only when the version changes, so an unchanged tree relinks nothing.
$(BUILD)/version.c: FORCE | dirs
	$(Q)printf 'const char *sl_cli_version = "%s";\n' "$(VERSION)" > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/version.o: $(BUILD)/version.c
	$(Q)$(CC) -c -o $@ $<
# Each build directory's compiler and flags (as git's GIT-CFLAGS): a change rebuilds every
# object of that directory, and nothing else does.
$(BUILD)/cflags: FORCE | dirs
	$(Q)echo '$(CC) $(ALL_CFLAGS)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(SAN)/cflags: FORCE | dirs
	$(Q)echo '$(CC) $(ALL_CFLAGS) $(SANFLAGS)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

# Sanitized build: the library, the CLI and the unit tests under ASan + UBSan.
san: $(SAN)/scalelab $(UNIT_BIN)
$(SAN)/libscalelab.a: $(SLIB_OBJ)
	$(Q)$(AR) rcs $@ $^
$(SAN)/scalelab: $(SCLI_OBJ) $(SAN)/libscalelab.a
	@echo "  LINK    $@ (asan+ubsan)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(SAN)/%.o: %.c $(SAN)/cflags | dirs
	@echo "  CC      $< (asan+ubsan)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) -Werror -c -o $@ $<
$(SAN)/src/lib/assets.o: src/lib/assets.S $(DATA) src/embed.h | dirs
	$(Q)$(CC) -Isrc -c -o $@ $<
$(SAN)/src/web/web_files.o: src/web/web_files.S $(WEB) src/embed.h | dirs
	$(Q)$(CC) -Isrc -c -o $@ $<
$(SAN)/version.o: $(BUILD)/version.c
	$(Q)$(CC) -c -o $@ $<
$(SAN)/tests/%: tests/unit/%.c tests/unit/sl_test.h $(SAN)/libscalelab.a | dirs
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) -Werror -Itests/unit -o $@ $< $(SAN)/libscalelab.a \
		-lcmocka $(LDLIBS)
# tests of the front ends (test_front_*.c) and of the lab's modules (test_lab_*.c) link the
# front ends too, without main()
SFRONT_OBJ   := $(filter-out $(SAN)/src/cli/main.o,$(SCLI_OBJ))
SFRONT_TESTS := $(filter $(SAN)/tests/test_front_% $(SAN)/tests/test_lab_%,$(UNIT_BIN))
$(SFRONT_TESTS): $(SAN)/tests/%: tests/unit/%.c tests/unit/sl_test.h $(SFRONT_OBJ) \
		$(SAN)/libscalelab.a | dirs
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) -Werror -Itests/unit -o $@ $< $(SFRONT_OBJ) \
		$(SAN)/libscalelab.a -lcmocka $(LDLIBS)

# libFuzzer targets (tests/fuzz/fuzz_<name>.c): the library and the front ends built again with
# clang, coverage instrumentation and ASan + UBSan in $(FUZZ); main.c stays out (libFuzzer has
# the main). check replays each committed corpus, `make fuzz` fuzzes each for FUZZ_SECONDS.
FUZZ         := $(BUILD)/fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=all
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ)/%)
FLIB_OBJ     := $(LIB_SRC:%.c=$(FUZZ)/%.o) $(FUZZ)/src/lib/assets.o
FCLI_OBJ     := $(filter-out $(FUZZ)/src/cli/main.o,$(CLI_SRC:%.c=$(FUZZ)/%.o)) \
                $(FUZZ)/version.o $(FUZZ)/src/web/web_files.o

ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
fuzz-build: $(FUZZ_BIN)
else
fuzz-build:
	@echo "  SKIP    fuzz targets: no $(FUZZ_CC) (scripts/install-deps installs it)"
endif
$(FUZZ)/libscalelab.a: $(FLIB_OBJ)
	$(Q)$(AR) rcs $@ $^
$(FUZZ)/libfront.a: $(FCLI_OBJ)
	$(Q)$(AR) rcs $@ $^
$(FUZZ)/%.o: %.c $(FUZZ)/cflags | fuzz-dirs
	@echo "  CC      $< (fuzz)"
	$(Q)$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ)/src/lib/assets.o: src/lib/assets.S $(DATA) src/embed.h | fuzz-dirs
	$(Q)$(CC) -Isrc -c -o $@ $<
$(FUZZ)/src/web/web_files.o: src/web/web_files.S $(WEB) src/embed.h | fuzz-dirs
	$(Q)$(CC) -Isrc -c -o $@ $<
$(FUZZ)/version.o: $(BUILD)/version.c | fuzz-dirs
	$(Q)$(CC) -c -o $@ $<
$(FUZZ)/cflags: FORCE | fuzz-dirs
	$(Q)echo '$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ)/libfront.a $(FUZZ)/libscalelab.a
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ)/libfront.a \
		$(FUZZ)/libscalelab.a $(LDLIBS)
fuzz-dirs:
	$(Q)mkdir -p $(FUZZ)/src/lib $(FUZZ)/src/commands $(FUZZ)/src/cli $(FUZZ)/src/web $(FUZZ)/src/lab
.PHONY: fuzz-dirs

# Fuzzes each target for FUZZ_SECONDS on a copy of its corpus in $(FUZZ)/corpus (FUZZ_MERGE=1
# also merges what adds coverage into tests/fuzz/corpus); FUZZ_TARGETS=web picks targets.
fuzz: fuzz-build
	$(Q)FUZZ_MERGE=$(FUZZ_MERGE) tests/fuzz/run $(FUZZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-tests: fuzz-build
	$(Q)FUZZ_DIR=$(FUZZ) tests/run-all $(SAN) fuzz

# A missing library is named with the Debian package that has it, before anything compiles.
MISSING_PKGS = $(strip $(foreach p,$(PKGS),$(if $(shell pkg-config --exists $(p) && echo y),,$(p))))
dirs:
ifneq ($(MISSING_PKGS),)
	@echo "scalelab: missing the development files of $(MISSING_PKGS):" \
		"apt-get install $(foreach p,$(MISSING_PKGS),$(DEB_$(p))) (or run make deps)" >&2
	@exit 1
endif
	$(Q)mkdir -p $(BUILD)/src/lib $(BUILD)/src/commands $(BUILD)/src/cli $(BUILD)/src/web $(BUILD)/src/lab \
		$(SAN)/src/lib $(SAN)/src/commands $(SAN)/src/cli $(SAN)/src/web $(SAN)/src/lab $(SAN)/tests
.PHONY: dirs

deps:
	$(Q)scripts/install-deps

# Serves the page on the embedded defaults (PORT=... to change the port).
PORT ?= 8080
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(BUILD)/scalelab serve --port $(PORT)

# Every suite runs even when one fails; tests/run-all prints the one summary line.
check: deps
	$(Q)scripts/lint
	$(Q)$(MAKE) --no-print-directory all san fuzz-build EXTRA_CFLAGS=-Werror
	$(Q)FUZZ_DIR=$(FUZZ) EXTRA_CFLAGS=-Werror tests/run-all $(SAN)

unit: san
	$(Q)tests/run-all $(SAN) unit
cli-tests: san
	$(Q)tests/run-all $(SAN) cli
web-tests: san
	$(Q)tests/run-all $(SAN) web

# Mixed heavy, light and hostile API traffic for SOAK_SECONDS: RSS over time, /healthz latency.
soak: all
	$(Q)bench/soak $(BUILD)/scalelab

bench: all $(BUILD)/bench_fit $(BUILD)/bench_coverage
	$(Q)scripts/install-deps bench
	$(Q)bench/run $(BUILD)
# $< and the library, not $^: -MMD adds the headers as prerequisites too
$(BUILD)/bench_coverage: bench/coverage.c $(BUILD)/libscalelab.a
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libscalelab.a $(LDLIBS)
$(BUILD)/bench_fit: bench/bench_fit.c $(BUILD)/libscalelab.a
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libscalelab.a $(LDLIBS)

lint:
	$(Q)scripts/lint

# make install PREFIX=/usr/local DESTDIR=...: the binary, its man page and bash completion, the
# model library, its headers and scalelab.pc; make uninstall removes exactly those files.
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
LIBDIR  := $(PREFIX)/lib
INCDIR  := $(PREFIX)/include
MANDIR  := $(PREFIX)/share/man/man1
COMPDIR := $(PREFIX)/share/bash-completion/completions
PCDIR   := $(LIBDIR)/pkgconfig
HEADERS := $(sort $(wildcard include/scalelab/*.h))
INSTALLED := $(BINDIR)/scalelab $(LIBDIR)/libscalelab.a $(MANDIR)/scalelab.1 \
             $(COMPDIR)/scalelab $(PCDIR)/scalelab.pc $(HEADERS:include/%=$(INCDIR)/%)
.PHONY: install uninstall
install: all
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/scalelab \
		$(DESTDIR)$(MANDIR) $(DESTDIR)$(COMPDIR) $(DESTDIR)$(PCDIR)
	$(Q)install -m 755 $(BUILD)/scalelab $(DESTDIR)$(BINDIR)/scalelab
	$(Q)install -m 644 $(BUILD)/libscalelab.a $(DESTDIR)$(LIBDIR)/libscalelab.a
	$(Q)install -m 644 $(HEADERS) $(DESTDIR)$(INCDIR)/scalelab/
	$(Q)install -m 644 docs/scalelab.1 $(DESTDIR)$(MANDIR)/scalelab.1
	$(Q)$(BUILD)/scalelab completion bash > $(DESTDIR)$(COMPDIR)/scalelab
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' scalelab.pc.in \
		> $(DESTDIR)$(PCDIR)/scalelab.pc
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)rmdir $(DESTDIR)$(INCDIR)/scalelab 2>/dev/null || true
# The manual page is generated from the command tables; tests/cli/1007 holds it equal to them.
man: $(BUILD)/scalelab
	$(Q)$(BUILD)/scalelab man >docs/scalelab.1.tmp && mv docs/scalelab.1.tmp docs/scalelab.1

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
