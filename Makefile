# Thin wrapper around CMake. `make run` and `make test` install what is missing first.
BUILD ?= build
# CI=true (set by CI) turns warnings into errors.
CMAKE_FLAGS ?= $(if $(CI),-DPS_WERROR=ON,)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# librsvg2-dev and libcairo2-dev render the figures as PDF and PNG; poppler-utils (pdfinfo)
# lets the tests check those PDFs.
PACKAGES = cmake pkg-config gcc make libncurses-dev libglpk-dev libcadical-dev libcjson-dev libcsv-dev \
           libcmocka-dev tmux clang-format parallel librsvg2-dev libcairo2-dev poppler-utils

# Where `make install` puts bin/pipescope and share/doc/pipescope.
PREFIX ?= /usr/local

.PHONY: all deps build build-release run test test-asan test-tsan bench install uninstall clean

all: build

deps:
	@sh tests/install-deps.sh $(PACKAGES)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The Release build (-O3, other warnings than -O2 shows); CI builds it with -Werror.
build-release: deps
	cmake -S . -B $(BUILD)-release -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD)-release -j $(JOBS)

run: build
	./$(BUILD)/pipescope

test: build
	cd $(BUILD) && ctest --output-on-failure --no-tests=error -j $(JOBS)

test-asan: deps
	cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPS_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ctest --output-on-failure --no-tests=error -j $(JOBS)

# The threaded code under ThreadSanitizer: the solver tests, the explorer's (background
# lanes and solves) and the explorer end to end (quit with jobs running, signals). A data
# race or a thread left neither joined nor detached fails the run.
test-tsan: deps
	cmake -S . -B $(BUILD)-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPS_TSAN=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD)-tsan -j $(JOBS)
	cd $(BUILD)-tsan && TSAN_OPTIONS="halt_on_error=1 report_thread_leaks=1 exitcode=66 suppressions=$(CURDIR)/tests/tsan.supp" \
	  ctest --output-on-failure --no-tests=error -j $(JOBS) --timeout 1500 \
	  -R '^(solvers|tui)[.]|^e2e[.]explorer'

bench: build
	@for b in $(BUILD)/bench/bench_*; do echo "== $$b"; $$b; done

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

uninstall:
	rm -f $(PREFIX)/bin/pipescope
	rm -rf $(PREFIX)/share/doc/pipescope

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-release $(BUILD)-tsan
