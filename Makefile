# nsp — build, test and run. See README.md.
#   make          build build/nsp
#   make check    install what is missing, build, run every test suite (also under ASan/UBSan)
#   make demo     install what is missing, build, create demo.db and serve it

CC      ?= cc
PKGS    := sqlite3 libmicrohttpd libsodium jansson xlsxwriter liboath libqrencode gnutls cairo pangocairo libcurl
BUILD   ?= build
SAN     ?=
OPT     ?= -O2
CFLAGS  += $(OPT) -std=c11 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla \
	   -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$(BUILD)/gen $(SAN)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS  += $(PKG_LIBS) -lpthread -lm

LIB_SRC  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/schema_sql.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all check unit api browser asan demo deps clean bench fuzz crash install man-lint deploy-test
all: $(BUILD)/nsp

# ---- web pages: src/web/static/* embedded into the binary by scripts/embed-static, and the
# browser test (tests/browser/run.js: Debian's chromium driven by playwright-core, installed by
# scripts/install-deps --browser; screenshots of the main pages land in $(BUILD)/screenshots/).
STATIC_FILES := $(sort $(wildcard src/web/static/*))
LIB_OBJ      += $(BUILD)/gen/static_assets.o
$(BUILD)/gen/static_assets.c: $(STATIC_FILES) scripts/embed-static
	@mkdir -p $(dir $@)
	scripts/embed-static $(STATIC_FILES) > $@
$(BUILD)/gen/static_assets.o: $(BUILD)/gen/static_assets.c | $(DEPS_OK)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@
browser: $(BUILD)/nsp
	@scripts/install-deps --browser
	@node tests/browser/run.js --nsp $(BUILD)/nsp --shots $(BUILD)/screenshots
# ---- end of web pages

deps: $(DEPS_OK)
$(DEPS_OK): scripts/install-deps
	@scripts/install-deps
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/gen/schema_sql.c: src/store/schema.sql scripts/embed-sql
	@mkdir -p $(dir $@)
	scripts/embed-sql nsp_schema_sql < $< > $@

# Later migrations: src/store/migration_N.sql becomes `const char nsp_migration_N_sql[]`.
MIGRATIONS := $(sort $(wildcard src/store/migration_*.sql))
LIB_OBJ    += $(MIGRATIONS:src/store/%.sql=$(BUILD)/gen/%_sql.o)
$(BUILD)/gen/migration_%_sql.c: src/store/migration_%.sql scripts/embed-sql
	@mkdir -p $(dir $@)
	scripts/embed-sql nsp_migration_$*_sql < $< > $@
$(BUILD)/gen/%_sql.o: $(BUILD)/gen/%_sql.c
	$(CC) $(CFLAGS) -c $< -o $@

# ---- strong login: data/common-passwords.txt becomes `const char nsp_common_passwords[]`
# (src/util/password.c refuses the passwords on it).
LIB_OBJ += $(BUILD)/gen/common_passwords.o
$(BUILD)/gen/common_passwords.c: data/common-passwords.txt scripts/embed-sql
	@mkdir -p $(dir $@)
	scripts/embed-sql nsp_common_passwords < $< > $@
$(BUILD)/gen/common_passwords.o: $(BUILD)/gen/common_passwords.c
	$(CC) $(CFLAGS) -c $< -o $@
# ---- end of strong login

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
# tests/lsan.supp: the font and layout libraries' own caches (decision letters) are not nsp's leaks.
asan:
	@LSAN_OPTIONS="suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0" \
		$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		unit api

# ---- crash safety (tests/crash/crash.py): SIGKILL the server under concurrent writes, restart,
# and check that every acknowledged write is there, the ledger balances, integrity_check and
# nsp audit verify pass. crash-quick (5 kills, plus a self-test that an injected loss is caught)
# runs in make check; crash (60 kills) is the long run. Both use a fixed seed.
.PHONY: crash crash-quick
crash: $(BUILD)/nsp
	@python3 tests/crash/crash.py --nsp $(BUILD)/nsp --kills 60 --seed 20250101
crash-quick: $(BUILD)/nsp
	@python3 tests/crash/crash.py --nsp $(BUILD)/nsp --kills 5 --seed 20250101
	@python3 tests/crash/crash.py --nsp $(BUILD)/nsp --kills 3 --seed 7 --inject-loss \
		> $(BUILD)/crash-selftest.log 2>&1 || { cat $(BUILD)/crash-selftest.log; exit 1; }
	@tail -n 1 $(BUILD)/crash-selftest.log
# ---- end of crash safety

# ---- mechanical hygiene (scripts/checksrc): banned calls, sqlite3_* only in the store, a pure
# domain, no trailing white space; .clang-format is the one formatter configuration for editors
# (clang-format -i FILE), not enforced on the older files.
.PHONY: checksrc
checksrc:
	@scripts/checksrc
	@scripts/rule-callers --check

# docs/schema.sql: every table's current shape after all migrations (scripts/schema-doc);
# schema-check, in make check, fails when a migration landed without `make schema`.
.PHONY: schema schema-check
schema: $(BUILD)/nsp
	@scripts/schema-doc $(BUILD)/nsp > docs/schema.sql
schema-check: $(BUILD)/nsp
	@scripts/schema-doc $(BUILD)/nsp | diff -u docs/schema.sql - \
		|| { echo "docs/schema.sql is out of date: run make schema" >&2; exit 1; }
# ---- end of mechanical hygiene

# ---- any day (scripts/check-dates): the date-sensitive suites with nsp's clock set by
# libfaketime to 00:20 Stockholm time on each of the days that break date arithmetic (leap
# days, the turn of the year, the clock changes) and the real today. check-dates-quick,
# two days of unit and API tests, runs in make check; the whole sweep takes ~30 minutes.
.PHONY: check-dates check-dates-quick
check-dates: $(BUILD)/nsp $(UNIT_BIN)
	@scripts/install-deps --browser
	@scripts/check-dates --nsp $(BUILD)/nsp --suites unit,api,crash,browser
check-dates-quick: $(BUILD)/nsp $(UNIT_BIN)
	@scripts/check-dates --nsp $(BUILD)/nsp --suites unit,api --quick
# ---- end of any day

check: $(DEPS_OK)
	@$(MAKE) --no-print-directory checksrc
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory schema-check
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory api
	@$(MAKE) --no-print-directory check-dates-quick
	@$(MAKE) --no-print-directory browser
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory crash-quick
	@$(MAKE) --no-print-directory fuzz-replay
	@$(MAKE) --no-print-directory man-lint
	@$(MAKE) --no-print-directory deploy-test
	@echo "make check: all suites passed"

demo: $(BUILD)/nsp
	$(BUILD)/nsp demo --db demo.db

# ---- make install (issue 18): the binary, nsp(1), the systemd unit nsp.service with its user
# (sysusers.d) and an example /etc/nsp/nsp.conf, which is never overwritten. PREFIX, DESTDIR and
# the directories below as usual; the unit is made from dist/nsp.service.in with these paths.
#   make man-lint      mandoc -Tlint on man/nsp.1 (part of make check)
#   make deploy-test   make install DESTDIR=$(BUILD)/destdir PREFIX=/usr, then runs the installed
#                      binary (tests/deploy/installed.py; part of make check)
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
install: $(BUILD)/nsp
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(SYSCONFDIR)/nsp
	install -m 0755 $(BUILD)/nsp $(DESTDIR)$(BINDIR)/nsp
	install -m 0644 man/nsp.1 $(DESTDIR)$(MANDIR)/man1/nsp.1
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@SYSUSERSDIR@|$(SYSUSERSDIR)|g' \
		dist/nsp.service.in > $(DESTDIR)$(UNITDIR)/nsp.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/nsp.service
	install -m 0644 dist/nsp.sysusers $(DESTDIR)$(SYSUSERSDIR)/nsp.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/nsp/nsp.conf ] || install -m 0644 dist/nsp.conf $(DESTDIR)$(SYSCONFDIR)/nsp/nsp.conf
man-lint: $(DEPS_OK)
	@mandoc -Tlint man/nsp.1 && echo "== man/nsp.1: mandoc -Tlint clean"
deploy-test: $(BUILD)/nsp
	@rm -rf $(BUILD)/destdir
	@$(MAKE) --no-print-directory install DESTDIR=$(abspath $(BUILD))/destdir PREFIX=/usr >/dev/null
	@python3 tests/deploy/installed.py --root $(abspath $(BUILD))/destdir
# ---- end of make install

# ---- benchmarks (bench/, issue 7); not part of make check.
#   make bench-linkage         precision and recall of the duplicate hints (bench/linkage.c, issue 19)
#   make bench                 10,000 persons and 100,000 ledger rows (BENCH_PERSONS=N for another size)
#   make bench BENCH_FULL=1    1,000,000 persons and 10,000,000 ledger rows
# bench/run generates the database once per size into $(BUILD)/bench/ (kept for the next run), runs
# each benchmark next to its baseline and writes one Markdown table to $(BUILD)/bench.md and stdout.
# wrk and the sqlite3 shell come from scripts/install-deps --bench.
# bench-gen: the deterministic synthetic data generator (bench/gen.c),
#   build/bench-gen --db FILE --persons N [--seed S] [--years Y] [--ledger-rows N]
.PHONY: bench-gen
bench-gen: $(BUILD)/bench-gen
$(BUILD)/bench-gen: bench/gen.c $(BUILD)/libnsp.a | $(DEPS_OK)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libnsp.a $(LDLIBS)
BENCH_PERSONS ?= 10000
ifdef BENCH_FULL
BENCH_PERSONS := 1000000
endif
BENCH_LEDGER ?= $(shell echo $$(( $(BENCH_PERSONS) * 10 )))
# The baselines: raw SQLite writes, a bare libmicrohttpd server, and the report's SQL for the shell.
BENCH_BIN := $(BUILD)/bench/baseline_sqlite $(BUILD)/bench/bare_mhd $(BUILD)/bench/report_sql $(BUILD)/bench/linkage
$(BUILD)/bench/%: bench/%.c $(BUILD)/libnsp.a | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libnsp.a $(LDLIBS)
bench: $(BUILD)/nsp $(BUILD)/bench-gen $(BENCH_BIN)
	@scripts/install-deps --bench
	@bench/run --build $(BUILD) --persons $(BENCH_PERSONS) --ledger-rows $(BENCH_LEDGER)
	@$(BUILD)/bench/linkage --sweep | tee $(BUILD)/bench-linkage.md
# The duplicate hints alone (issue 19): precision and recall on 10,000 generated persons.
.PHONY: bench-linkage
bench-linkage: $(BUILD)/bench/linkage
	@$(BUILD)/bench/linkage --sweep | tee $(BUILD)/bench-linkage.md
# ---- end of benchmarks

# ---- fuzzing: libFuzzer targets fuzz/fuzz_*.c, seed corpora fuzz/corpus/<target>/ and
# dictionaries fuzz/<target>.dict. Built with clang (ASan, UBSan, coverage) in build-fuzz/
# from the library's own sources, never from the gcc build.
#   make fuzz          runs each target for FUZZ_SECONDS (default 60) on a copy of its corpus
#                      (build-fuzz/corpus-work/<target>: the committed corpus stays small);
#                      findings land in build-fuzz/findings/<target>/
#   make fuzz-replay   runs each target once over its committed corpus (part of make check)
#   FUZZ_TARGETS="fuzz_csv fuzz_form" limits either to some targets.
# The library is compiled without -Werror here: clang warns about things gcc does not, and
# the gcc build is the one that gates warnings. fuzz/ itself gets -Werror.
FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_CFLAGS  := -std=c11 -g -O1 -Wall -Wextra -Wshadow -Wformat=2 -Wvla \
		-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$(BUILD)/gen \
		-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ     := $(patsubst $(BUILD)/%,$(FUZZ_BUILD)/%,$(LIB_OBJ))

.PHONY: fuzz fuzz-build fuzz-replay
# Generated sources come from the gcc build's rules in $(BUILD)/gen; make must not delete
# them as intermediates after compiling them here (the gcc build may be reading them).
FUZZ_GEN_SRC := $(patsubst $(FUZZ_BUILD)/gen/%.o,$(BUILD)/gen/%.c,$(filter $(FUZZ_BUILD)/gen/%,$(FUZZ_OBJ)))
.SECONDARY: $(FUZZ_GEN_SRC)
$(FUZZ_BUILD)/gen/%.o: $(BUILD)/gen/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@
$(FUZZ_BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(FUZZ_BUILD)/libnsp.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^
$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_BUILD)/libnsp.a | $(DEPS_OK)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer $(PKG_CFLAGS) -MMD -MP -o $@ $< \
		$(FUZZ_BUILD)/libnsp.a $(LDLIBS)
fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

fuzz: fuzz-build
	@fail=0; for t in $(FUZZ_TARGETS); do \
		work=$(FUZZ_BUILD)/corpus-work/$$t; found=$(FUZZ_BUILD)/findings/$$t; \
		log=$(FUZZ_BUILD)/$$t.log; dict=; \
		mkdir -p $$work $$found && cp fuzz/corpus/$$t/* $$work/; \
		[ -f fuzz/$$t.dict ] && dict=-dict=fuzz/$$t.dict; \
		echo "== $$t: $(FUZZ_SECONDS) s (log $$log)"; \
		if $(FUZZ_BUILD)/$$t $$dict -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-print_final_stats=1 -artifact_prefix=$$found/ $$work >$$log 2>&1; then \
			grep -E '^#[0-9]+ +DONE|^Done ' $$log; \
		else \
			fail=1; echo "$$t: FINDING; the end of $$log:"; tail -n 30 $$log; \
		fi; \
		ls $$found | sed "s|^|   finding: $$found/|"; \
	done; exit $$fail

fuzz-replay: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		log=$(FUZZ_BUILD)/$$t.replay.log; \
		if $(FUZZ_BUILD)/$$t -runs=0 fuzz/corpus/$$t >$$log 2>&1; then \
			echo "== $$t: $$(ls fuzz/corpus/$$t | wc -l) corpus inputs pass"; \
		else \
			echo "== $$t: FAILED; the end of $$log:"; tail -n 30 $$log; exit 1; \
		fi; \
	done

-include $(shell find $(FUZZ_BUILD) -name '*.d' -type f 2>/dev/null)
# ---- end of fuzzing

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
