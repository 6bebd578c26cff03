# The harness the command-line scripts of tests/e2e share (sourced, not a test itself:
# CTest runs tests/e2e/*.sh only). Before sourcing, set E2E to the script's name; after,
# $PIPESCOPE is the binary, $TMP a folder removed at exit, and the helpers below count
# passes and failures; end the script with e2e_done.
#   run ARGS...                 runs pipescope: stdout in $TMP/out (CRs dropped: CSV rows
#                               end in CRLF), stderr in $TMP/err, exit code in $RC
#   expect NAME CODE [OUT-RE] [ERR-RE]  the last run's exit code and output
#   check NAME COMMAND...       a plain assertion
PIPESCOPE=${PIPESCOPE:-$(dirname "$0")/../../build/pipescope}
if [ ! -x "$PIPESCOPE" ]; then
    echo "$E2E.sh: no pipescope binary at '$PIPESCOPE' (set PIPESCOPE)" >&2
    exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ps-e2e-$E2E.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export COLUMNS=100

pass=0
fail=0
RC=0

run() {
    "$PIPESCOPE" "$@" >"$TMP/out.raw" 2>"$TMP/err"
    RC=$?
    tr -d '\r' <"$TMP/out.raw" >"$TMP/out"
}

ok() { pass=$((pass + 1)); }

bad() {
    fail=$((fail + 1))
    echo "FAIL: $1"
    echo "  exit $RC"
    [ -s "$TMP/out" ] && echo "  stdout: $(head -c 600 "$TMP/out")"
    [ -s "$TMP/err" ] && echo "  stderr: $(head -c 600 "$TMP/err")"
    return 0
}

expect() {
    local name=$1 code=$2 pat_out=${3:-} pat_err=${4:-}
    if [ "$RC" -ne "$code" ]; then
        bad "$name: expected exit $code"
        return
    fi
    if [ -n "$pat_out" ] && ! grep -qE -- "$pat_out" "$TMP/out"; then
        bad "$name: stdout does not match /$pat_out/"
        return
    fi
    if [ -n "$pat_err" ] && ! grep -qE -- "$pat_err" "$TMP/err"; then
        bad "$name: stderr does not match /$pat_err/"
        return
    fi
    ok
}

check() {
    local name=$1
    shift
    if "$@"; then ok; else bad "$name"; fi
}

e2e_done() {
    echo "$E2E.sh: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
