#!/usr/bin/env bash
# End-to-end checks of the hardening (issue 17), one per case the issue lists: -o never
# replaces what it should not (devices, FIFOs, symlinks, modes, read-only files, the file
# behind /dev/stdout), every write error exits 1 (a full disk behind standard output), a
# reader that leaves early is a normal end, special input files are refused at once, a
# tiny file claiming a huge scenario stays cheap, names never reach the terminal raw, and
# one exit code per kind of mistake (usage 2, data 1). Needs $PIPESCOPE (the binary).
set -u

E2E=harden
. "$(dirname "$0")/lib/cli.bash"
P=$PIPESCOPE

rc_of() { # rc_of ARGS...: runs pipescope, prints nothing, sets RC (stderr in $TMP/err)
    "$P" "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
}

# ---- -o: written to, never replaced --------------------------------------------------
cd "$TMP" || exit 1
if mknod dev c 1 3 2>/dev/null; then # a copy of /dev/null
    rc_of solve 1f1b --preset teaching -o dev --format json
    check "-o device: exit 0" [ "$RC" = 0 ]
    check "-o device: still a character device" [ -c dev ]
fi
mkfifo fifo
timeout 20 cat fifo >fifo.out &
reader=$!
rc_of solve 1f1b --preset teaching -o fifo --format json
wait $reader
check "-o FIFO: exit 0" [ "$RC" = 0 ]
check "-o FIFO: still a FIFO" [ -p fifo ]
check "-o FIFO: the reader got the schedule" grep -q '"format": "pipescope-schedule/1"' fifo.out
echo old >target.json
ln -s target.json link.json
rc_of solve 1f1b --preset teaching -o link.json
check "-o symlink: still a symlink" [ -L link.json ]
check "-o symlink: its target written" grep -q pipescope-schedule/1 target.json
echo secret >private.json
chmod 600 private.json
rc_of solve 1f1b --preset teaching -o private.json
check "-o 0600: mode kept" [ "$(stat -c %a private.json)" = 600 ]
echo keep >frozen.json
chmod 444 frozen.json
rc_of solve 1f1b --preset teaching -o frozen.json
check "-o read-only: exit 1" [ "$RC" = 1 ]
check "-o read-only: says so" grep -q "read-only" "$TMP/err"
check "-o read-only: untouched" [ "$(cat frozen.json)" = keep ]
rc_of solve 1f1b --preset teaching -o frozen.json --force
check "-o read-only --force: replaced" grep -q pipescope-schedule/1 frozen.json
check "-o read-only --force: mode kept" [ "$(stat -c %a frozen.json)" = 444 ]
# (HARDEN_OLD_BINARY=1 skips this one: a binary without the safe write would replace the
# system's /dev/stdout when run as root)
if [ -z "${HARDEN_OLD_BINARY:-}" ]; then
    : >redirected.csv
    ino=$(stat -c %i redirected.csv)
    "$P" solve 1f1b --preset teaching --format csv -o /dev/stdout >redirected.csv 2>"$TMP/err"
    check "-o /dev/stdout: the redirected file written" grep -q '^record,kind' redirected.csv
    check "-o /dev/stdout: not replaced" [ "$(stat -c %i redirected.csv)" = "$ino" ]
fi

# ---- write errors on standard output; a reader that leaves early ----------------------
"$P" solve 1f1b --preset teaching -o x.json 2>/dev/null
for cmd in "validate x.json" "replay x.json" "schedules" "presets" "help" "help solve" \
    "--version" "scenario --preset teaching" "compare --preset teaching" "solve 1f1b --preset teaching"; do
    # shellcheck disable=SC2086
    "$P" $cmd >/dev/full 2>"$TMP/err"
    rc=$?
    check "$cmd >/dev/full: exit 1 (got $rc)" [ "$rc" = 1 ]
    check "$cmd >/dev/full: says so" grep -q "cannot write to standard output" "$TMP/err"
done
"$P" solve greedy --set microbatches=512 --format json 2>"$TMP/err" | head -c 10 >/dev/null
check "solve | head: a normal end (exit ${PIPESTATUS[0]})" [ "${PIPESTATUS[0]}" = 0 ]
check "solve | head: no message" [ ! -s "$TMP/err" ]
"$P" schedules 2>"$TMP/err" | head -1 >/dev/null
check "schedules | head: a normal end" [ "${PIPESTATUS[0]}" = 0 ]

# ---- input files -------------------------------------------------------------------------
mkfifo in.fifo
timeout 10 "$P" compare --scenario in.fifo >/dev/null 2>"$TMP/err"
rc=$?
check "--scenario FIFO: refused at once, exit 1 (got $rc)" [ "$rc" = 1 ]
check "--scenario FIFO: says it is a FIFO" grep -q "named pipe (FIFO)" "$TMP/err"
timeout 10 "$P" compare --scenario /dev/zero >/dev/null 2>"$TMP/err"
rc=$?
check "--scenario /dev/zero: refused at once (got $rc)" [ "$rc" = 1 ]
timeout 10 "$P" validate in.fifo >/dev/null 2>"$TMP/err"
rc=$?
check "validate FIFO: refused at once (got $rc)" [ "$rc" = 1 ]
rc_of scenario --scenario ''
check "--scenario '': usage (exit 2, got $RC)" [ "$RC" = 2 ]
check "--scenario '': names the option" grep -q -- "--scenario ''" "$TMP/err"
# 2 KB claiming S = 1024, M = 16384 and no ops: refused within 300 MB (it took 1 GB)
"$P" scenario --preset teaching --set stages=1024 --set microbatches=16384 >big.json
sed -e '1s/^{/{"format": "pipescope-schedule\/1", "generator": {"name": "x", "version": "1"}, "schedule": "zb-v", "chunks": 2, "traversal": "wave", "solver": {"status": "heuristic", "objective_ms": 1, "bound_ms": null, "gap": null, "solve_ms": 1, "params": {}}, "split_backward": true, "makespan_ms": 1, "metrics": {"bubble_ratio": 0.5, "lower_bound_ms": 1, "peak_memory": [], "memory_limit": null, "memory_ok": true, "busy_ms": []}, "channels": [], "ops": [], "transfers": [], "scenario": {/' \
    -e '$s/}$/}}/' big.json >claim.json
# (a sanitizer build maps terabytes of shadow memory: no address-space limit there)
limit="ulimit -v 300000"
ldd "$P" 2>/dev/null | grep -q 'libasan\|libtsan' && limit=:
for cmd in validate replay; do
    ($limit && "$P" $cmd claim.json >"$TMP/err" 2>&1)
    rc=$?
    check "$cmd huge claim: refused (exit 1, got $rc)" [ "$rc" = 1 ]
    check "$cmd huge claim: names the first missing op" grep -q "F of microbatch 0 (chunk 0) is missing" "$TMP/err"
done

# ---- escape sequences never reach the terminal ----------------------------------------
esc=$(printf '\033')
# (--set refuses control characters; a file may still hold them, as JSON escapes; the name
# comes last, since an edit after it would name the scenario "EVIL (edited)")
"$P" scenario --preset teaching --set datacenters.0.name=RED --set name=EVIL |
    sed -e 's/"EVIL"/"evil\\u001b]0;pwned\\u0007"/' -e 's/"RED"/"\\u001b[31mred"/' >evil.json
no_esc() { ! grep -q "$esc\|$(printf '\007')" "$1"; }
"$P" solve 1f1b --scenario evil.json >out.txt 2>&1
check "solve text: no raw ESC" no_esc out.txt
check "solve text: the escape shown" grep -q 'evil\\x1b]0;pwned\\x07' out.txt
"$P" compare --scenario evil.json --format table >out.txt 2>&1
check "compare table: no raw ESC" no_esc out.txt
"$P" compare --scenario evil.json --format csv >out.txt 2>&1
check "compare CSV: no raw ESC" no_esc out.txt
mkdir presets
sed "s/\"description\": \"[^\"]*\"/\"description\": \"bad \\\\u001b[2J one\"/" evil.json >presets/evil.json
PIPESCOPE_PRESETS=$TMP/presets "$P" presets >out.txt 2>&1
check "presets: no raw ESC" no_esc out.txt
"$P" compare --preset "$(printf 'x\033[2J')" >out.txt 2>&1
check "error message: no raw ESC" no_esc out.txt
"$P" compare --scenario "$(printf 'no\033[2Jfile')" >out.txt 2>&1
check "file name in a message: no raw ESC" no_esc out.txt

# ---- one exit code per kind of mistake -------------------------------------------------
expect_rc() { # expect_rc CODE ARGS...
    local want=$1
    shift
    rc_of "$@"
    check "exit $want: $*  (got $RC)" [ "$RC" = "$want" ]
}
expect_rc 2 compare --model nosuch --cluster dcs=2,pp=8
expect_rc 2 compare --preset nosuch
expect_rc 2 compare --model llama3-70b
expect_rc 2 compare --cluster dcs=2,pp=8
expect_rc 2 compare --preset teaching --preset default
expect_rc 2 compare --model m70 --model llama3-70b --cluster dcs=2,pp=8
expect_rc 2 solve --schedule 1f1b --schedule gpipe --preset teaching
expect_rc 2 solve 1f1b --preset teaching -o a.json -o b.json
expect_rc 2 compare --format csv --format json --preset teaching
expect_rc 2 compare --schedules 1f1b --schedules gpipe --preset teaching
expect_rc 2 scenario -o a.json -o b.json
expect_rc 2 --version extra
expect_rc 2 --help extra
expect_rc 2 solve 1f1b gpipe --preset teaching
expect_rc 2 compare stray --preset teaching
expect_rc 2 solve 1f1b --preset teaching -o ''
expect_rc 1 compare --scenario missing.json
expect_rc 1 compare --model missing.json --cluster dcs=2,pp=8
expect_rc 1 compare --set microbatches=0
# a failed point whose description is longer than the message room (8 long values)
v=1.000000000000000000000000000000000000000000000000000000000000
expect_rc 1 sweep --preset teaching --schedules 1f1b --vary compute.forward_ms=-$v \
    --vary compute.backward_ms=$v --vary compute.weight_ms=$v --vary activation_mb=$v \
    --vary network.inter_dc.latency_ms=$v --vary network.intra_dc.latency_ms=$v \
    --vary network.inter_dc.bandwidth_gbps=$v --vary network.intra_dc.bandwidth_gbps=$v

e2e_done
