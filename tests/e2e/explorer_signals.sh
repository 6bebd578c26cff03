#!/usr/bin/env bash
# The terminal is put back on every signal that ends the explorer (issue 17): for each one,
# the explorer runs in tmux, gets the signal, and afterwards the pane is out of the
# alternate screen, the cursor shows, mouse tracking is off and echo is on; the exit code
# is the signal's (or 130 after Ctrl-C/SIGTERM/SIGHUP, 0 after SIGPIPE: a normal end).
# Then q while background jobs still run: the explorer exits at once, every thread joined
# or detached (the ThreadSanitizer build, make test-tsan, reports any left behind).
# Needs $PIPESCOPE and tmux; polls capture-pane instead of sleeping.
set -u

PIPESCOPE=${PIPESCOPE:-$(dirname "$0")/../../build/pipescope}
if ! command -v tmux >/dev/null; then
    echo "explorer_signals.sh: tmux is missing" >&2
    exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ps-e2e-sig.XXXXXX")
SOCK="$TMP/tmux.sock"
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
pass=0
fail=0
S=sig # the session the helpers look at

check() {
    local name=$1
    shift
    if "$@"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name"
        tmux -S "$SOCK" capture-pane -p -t "$S" 2>/dev/null | grep -v '^$' | tail -5 | sed 's/^/  | /'
    fi
}

# wait_for TEXT [SECONDS]: polls the pane of session $S until it shows TEXT
wait_for() {
    local i
    for ((i = 0; i < ${2:-30} * 10; i++)); do
        tmux -S "$SOCK" capture-pane -p -t "$S" 2>/dev/null | grep -q -- "$1" && return 0
        sleep 0.1
    done
    return 1
}

flag() { tmux -S "$SOCK" display -p -t "$S" "#{$1}"; }

# start SESSION ARGS...: the explorer in a fresh session; afterwards the shell prints its
# exit code and whether echo is on, and waits
start() {
    local s=$1
    shift
    tmux -S "$SOCK" new-session -d -s "$s" -x 120 -y 40 \
        "ulimit -c 0; '$PIPESCOPE' $*; echo \"EXIT=\$?\"; stty -a | tr ' ;' '\n\n' | grep -x -- '-\?echo' | sed 's/^/ECHO:/'; sleep 60"
}

explorer_pid() {
    pgrep -P "$(flag pane_pid)" -x pipescope | head -1
}

# Every signal at once, each in its own session (the suite keeps its time).
SIGNALS="QUIT ILL TRAP ABRT BUS FPE SEGV SYS XCPU XFSZ USR1 USR2 ALRM PROF VTALRM IO INT TERM HUP PIPE"
for sig in $SIGNALS; do
    start "s$sig" --preset teaching
done
for sig in $SIGNALS; do
    S="s$sig"
    if wait_for "makespan" 30; then
        kill -s "$sig" "$(explorer_pid)"
    else
        check "SIG$sig: the explorer starts" false
    fi
done
for sig in $SIGNALS; do
    S="s$sig"
    check "SIG$sig: the explorer ends" wait_for "EXIT=" 20
    case $sig in
    INT | TERM | HUP) want=130 ;;
    PIPE) want=0 ;;
    *) want=$((128 + $(kill -l "$sig"))) ;;
    esac
    check "SIG$sig: exit $want" wait_for "EXIT=$want" 1
    check "SIG$sig: out of the alternate screen" [ "$(flag alternate_on)" = 0 ]
    check "SIG$sig: the cursor shows" [ "$(flag cursor_flag)" = 1 ]
    check "SIG$sig: mouse tracking off" [ "$(flag mouse_any_flag)" = 0 ]
    check "SIG$sig: echo on" wait_for "ECHO:echo" 2
done

# q while every background lane still computes a large schedule: the explorer leaves at once
S=big
start big --preset default --set microbatches=4096
if wait_for "makespan" 60; then
    tmux -S "$SOCK" send-keys -t big '+'
    tmux -S "$SOCK" send-keys -t big q
    # the edit is not saved: the explorer asks first
    wait_for "Lose them and quit" 10 && tmux -S "$SOCK" send-keys -t big y Enter
    check "q with jobs running: ends at once, exit 0" wait_for "EXIT=0" 20
else
    check "the explorer starts on a large scenario" false
fi

echo "explorer_signals.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
