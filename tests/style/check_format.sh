#!/usr/bin/env bash
# Fails when a C file of the project differs from its clang-format rendering.
set -u
cd "${PS_SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
    echo "clang-format not installed: style check skipped"
    exit 0
fi
# One clang-format process per batch of files, on every core (--dry-run --Werror names each
# file that differs).
files() { git ls-files '*.c' '*.h' 2>/dev/null || find core solvers presets export tui tests -name '*.[ch]'; }
out=$(files | xargs -P "$(nproc 2>/dev/null || echo 2)" -n 40 clang-format --style=file --dry-run \
    --Werror 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u)
[ -z "$out" ] && exit 0
printf 'needs clang-format: %s\n' $out
exit 1
