#!/usr/bin/env bash
# A teaching session in a real terminal (tmux), as golden frames: the explorer on the
# `teaching` preset shows 1F1B; t turns on teaching mode and Right steps the time cursor
# through the warm-up, event by event (t = 0, 1, 2, 3, 4, 6, 7 ms: the events are every op's
# and transfer's start and end). At each step the screen must
# show what every device runs, its memory, why it waits and what is in flight; the frames
# (without the status line, whose message expires) are compared with
# tests/e2e/golden/teaching/step_N.txt. PS_BLESS=1 writes them. Then Space plays, End goes
# to the end and t leaves. Every wait polls the screen with a deadline; nothing sleeps blindly.
set -euo pipefail

PIPESCOPE=${PIPESCOPE:-${PS_BINARY_DIR:-build}/pipescope}
SRC=${PS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
GOLDEN="$SRC/tests/e2e/golden/teaching"
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP: tmux is not installed"
    exit 0
fi
[ -x "$PIPESCOPE" ] || { echo "FAIL: no pipescope binary at $PIPESCOPE"; exit 1; }

work=$(mktemp -d)
sock="$work/tmux.sock"
session=psteach
cleanup() {
    tmux -S "$sock" kill-server >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

tm() { tmux -S "$sock" "$@"; }
pane() { tm capture-pane -p -t "$session"; }

wait_for() {
    local re=$1 limit=${2:-10} start=$SECONDS
    while ((SECONDS - start < limit)); do
        if pane | grep -Eq -- "$re"; then
            return 0
        fi
        sleep 0.05
    done
    echo "FAIL: timed out waiting for /$re/; the screen was:"
    pane
    exit 1
}

COLS=110 ROWS=32
tm -f /dev/null new-session -d -s "$session" -x $COLS -y $ROWS \
    "env LANG=C.UTF-8 TERM=xterm-256color '$PIPESCOPE' tui --preset teaching; echo EXPLORER-EXIT=\$?; sleep 30"
wait_for '│ 1f1b │ makespan 33 ms'
tm send-keys -t "$session" t
wait_for 'Teaching: 1f1b at t = 0 ms'

fail=0
mkdir -p "$GOLDEN"
for step in 0 1 2 3 4 5 6; do
    if [ "$step" -gt 0 ]; then
        tm send-keys -t "$session" Right
    fi
    wait_for "Teaching: 1f1b at t = [0-9.]+ ms of 33 \\(event $((step + 1)) of"
    frame="$work/step_$step.txt"
    pane | head -n $((ROWS - 1)) | sed 's/ *$//' >"$frame"
    # What a teacher points at: every device's line (running or idle, with its memory),
    # and the in-flight line.
    for d in 0 1 2 3; do
        grep -Eq "│ s$d (runs|idle|done)" "$frame" ||
            { echo "FAIL: step $step: no line for device s$d"; cat "$frame"; fail=1; }
    done
    grep -q 'in flight:' "$frame" || { echo "FAIL: step $step: no in-flight line"; fail=1; }
    if [ "${PS_BLESS:-}" = 1 ]; then
        cp "$frame" "$GOLDEN/step_$step.txt"
        echo "blessed $GOLDEN/step_$step.txt"
    elif ! diff -u "$GOLDEN/step_$step.txt" "$frame"; then
        echo "FAIL: step $step differs from its golden (PS_BLESS=1 rewrites it)"
        fail=1
    fi
done
# At 4 ms the warm-up is over on the last device: it runs the first backward while the
# others hold their forwards' activations (4, 3, 2 units) and wait for gradients.
grep -q 'at t = 4 ms' "$GOLDEN/step_4.txt" && grep -q 's3 runs B0' "$GOLDEN/step_4.txt" || { echo "FAIL: s3 does not run B0 at 4 ms"; fail=1; }
grep -Eq 's0 idle: fill +█+ 4 ' "$GOLDEN/step_4.txt" ||
    { echo "FAIL: s0 does not hold 4 units at 4 ms"; fail=1; }

# docs/explorer.md shows this step: its lines must be the golden frame's.
doc_block=$(awk '/^A session on the `teaching` preset/ { on = 1 } on && /^```$/ { n++; next }
                 on && n == 1 { print }' "$SRC/docs/explorer.md")
[ -n "$doc_block" ] || { echo "FAIL: docs/explorer.md has no teaching session"; fail=1; }
while IFS= read -r line; do
    grep -qxF -- "$line" "$GOLDEN/step_4.txt" || {
        echo "FAIL: docs/explorer.md's teaching session is stale: no line '$line' at 4 ms"
        fail=1
    }
done <<<"$doc_block"

# Space plays (the cursor moves on by itself past the warm-up); End jumps to the end (playing
# all of it takes 40 events x 0.6 s); t leaves teaching mode; q quits (nothing was edited).
tm send-keys -t "$session" Space
wait_for 'Teaching: 1f1b at t = (8|9|[1-3][0-9])(\.[0-9]+)? ms' 10
tm send-keys -t "$session" -l "$(printf '\033OF')" # End, as xterm sends it (TERM above)
wait_for 'Teaching: 1f1b at t = 33 ms' 10
tm send-keys -t "$session" t
wait_for 'teaching mode off'
tm send-keys -t "$session" q
wait_for 'EXPLORER-EXIT=0'
[ "$fail" = 0 ] || exit 1
echo "PASS: teaching session (7 golden frames through 1F1B's warm-up, played to the end)"
