#!/usr/bin/env bash
# docs/cli.md's last section, "Reference: every command's help", is the binary's own help,
# command by command: this test rebuilds it from `pipescope --help` and `pipescope help CMD`
# and fails on any difference, so the reference cannot go stale. PS_BLESS=1 rewrites it.
set -u
P=${PIPESCOPE:?set by ctest}
DOC=${PS_SOURCE_DIR:?set by ctest}/docs/cli.md
HEAD='## Reference: every command'"'"'s help'
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

{
    echo "$HEAD"
    echo
    echo "The same text as \`pipescope help COMMAND\` or \`pipescope COMMAND --help\`, generated from"
    echo "the program (tests/e2e/docs_cli.sh checks it; \`PS_BLESS=1\` rewrites it)."
    echo
    echo '```console'
    echo '$ pipescope --help'
    COLUMNS=100 "$P" --help
    echo '```'
    for cmd in $(COLUMNS=100 "$P" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
        echo
        echo '```console'
        echo "\$ pipescope help $cmd"
        COLUMNS=100 "$P" help "$cmd"
        echo '```'
    done
} > "$TMP/reference.md"

# The document up to the reference section, then the generated one.
line=$(grep -n "^$HEAD" "$DOC" | cut -d: -f1)
if [ -z "$line" ]; then
    echo "FAIL: $DOC has no section '$HEAD'"
    exit 1
fi
head -n $((line - 1)) "$DOC" > "$TMP/new.md"
cat "$TMP/reference.md" >> "$TMP/new.md"

if [ "${PS_BLESS:-}" = 1 ]; then
    cp "$TMP/new.md" "$DOC"
    echo "rewrote the reference of $DOC"
    exit 0
fi
if ! diff -u "$DOC" "$TMP/new.md" > "$TMP/diff"; then
    echo "FAIL: docs/cli.md's help reference differs from the program's help (PS_BLESS=1 rewrites it):"
    head -n 60 "$TMP/diff"
    exit 1
fi
echo "docs/cli.md: the help reference matches the program"
