# nsp — build, test and run. See README.md.
#   make          build build/nsp
#   make check    install what is missing, build, run every test suite (also under ASan/UBSan)
#   make demo     install what is missing, build, create demo.db and serve it

CC      ?= cc
PKGS    := sqlite3 libmicrohttpd libsodium jansson xlsxwriter
BUILD   ?= build
SAN     ?=
CFLAGS  ?= -O2
CFLAGS  += -std=c11 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla \
	   -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$(BUILD)/gen $(SAN)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS  += $(PKG_LIBS) -lpthread -lm

LIB_SRC  := $(wildcard src/domain/*.c src/util/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) 
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all check unit api browser asan demo deps clean bench fuzz crash
all: $(BUILD)/nsp

deps: $(DEPS_OK)
$(DEPS_OK): scripts/install-deps
	@scripts/install-deps
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/gen/schema_sql.c: src/store/schema.sql scripts/embed-sql
	@mkdir -p $(dir $@)
	scripts/embed-sql nsp_schema_sql < $< > $@

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libnsp.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/nsp: $(BUILD)/src/cli/main.o $(BUILD)/libnsp.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libnsp.a | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests -o $@ $< $(BUILD)/libnsp.a $(LDLIBS) -lcmocka

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

api: $(BUILD)/nsp
	@python3 tests/api/run.py --nsp $(BUILD)/nsp

# The same suites under AddressSanitizer and UndefinedBehaviorSanitizer, in their own folder.
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="-O1" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		unit api

check: $(DEPS_OK)

	@$(MAKE) --no-print-directory unit
	@echo "make check: all suites passed"

demo: $(BUILD)/nsp
	$(BUILD)/nsp demo --db demo.db

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
