#!/usr/bin/env bash
# Fails when a C file of the project differs from its clang-format rendering.
set -u
cd "${PS_SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
    echo "clang-format not installed: style check skipped"
    exit 0
fi
bad=0
while IFS= read -r f; do
    if ! clang-format --style=file "$f" | cmp -s - "$f"; then
        echo "needs clang-format: $f"
        bad=1
    fi
done < <(git ls-files '*.c' '*.h' 2>/dev/null || find core solvers presets export tui tests -name '*.[ch]')
exit $bad
