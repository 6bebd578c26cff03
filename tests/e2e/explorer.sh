#!/usr/bin/env bash
# End-to-end test of the explorer in a real terminal (tmux): open it, raise the inter-DC
# latency, see the makespan change, switch the schedule, export a JSON file through the
# prompt, quit, and validate the file with `pipescope validate`. Every wait polls
# `tmux capture-pane` with a deadline; nothing sleeps blindly.
set -euo pipefail

PIPESCOPE=${PIPESCOPE:-${PS_BINARY_DIR:-build}/pipescope}
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP: tmux is not installed"
    exit 0
fi
[ -x "$PIPESCOPE" ] || { echo "FAIL: no pipescope binary at $PIPESCOPE"; exit 1; }

work=$(mktemp -d)
sock="$work/tmux.sock"
session=pse2e
cleanup() {
    tmux -S "$sock" kill-server >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

tm() { tmux -S "$sock" "$@"; }
pane() { tm capture-pane -p -t "$session"; }

# wait_for REGEX [SECONDS]: polls the screen until a line matches.
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

# The header's makespan of the shown schedule.
makespan() { pane | head -1 | sed -nE 's/.*makespan ([0-9.]+) ms.*/\1/p'; }

tm -f /dev/null new-session -d -s "$session" -x 160 -y 48 \
    "env LANG=C.UTF-8 TERM=xterm-256color '$PIPESCOPE'; echo EXPLORER-EXIT=\$?; sleep 30"
wait_for 'makespan [0-9.]+ ms'
wait_for 'Schedules'
before=$(makespan)
echo "makespan before: $before ms"

# Walk the scenario panel to the inter-DC latency (the detail line names the field).
for _ in $(seq 1 40); do
    if pane | grep -q 'network.inter_dc.latency_ms ='; then
        break
    fi
    tm send-keys -t "$session" j
    sleep 0.02
done
wait_for 'network.inter_dc.latency_ms ='
# Type a new value: 40 ms.
tm send-keys -t "$session" Enter
wait_for 'inter-DC latency:'
for _ in $(seq 1 12); do tm send-keys -t "$session" BSpace; done
tm send-keys -t "$session" -l 40
tm send-keys -t "$session" Enter
wait_for 'inter-DC latency +40 ms'
start=$SECONDS
after=$before
while [ "$after" = "$before" ] && ((SECONDS - start < 10)); do
    sleep 0.05
    after=$(makespan)
done
echo "makespan after raising the inter-DC latency to 40 ms: $after ms"
[ "$after" != "$before" ] || { echo "FAIL: the makespan did not change"; pane; exit 1; }

# A mouse click (SGR encoding, as xterm sends it) on the table's gpipe row shows it.
row=$(pane | grep -n '│ *[0-9]\+ gpipe ' | head -1 | cut -d: -f1)
[ -n "$row" ] || { echo "FAIL: no gpipe row in the table"; pane; exit 1; }
col=$(pane | sed -n "${row}p" | awk '{ print index($0, "gpipe") }')
tm send-keys -t "$session" -l $'\e[<0;'"$col;$row"'M'
tm send-keys -t "$session" -l $'\e[<0;'"$col;$row"'m'
wait_for '^ pipescope +│ [^│]+│ gpipe │'

# Switch to the greedy schedule by its number in the comparison table.
num=$(pane | sed -nE 's/.*│ *>?([0-9]+) greedy .*/\1/p' | head -1)
[ -n "$num" ] || { echo "FAIL: no greedy row in the table"; pane; exit 1; }
tm send-keys -t "$session" "$num"
wait_for '^ pipescope +│ [^│]+│ greedy │'

# Export the shown schedule as JSON through the prompt.
out="$work/greedy.json"
tm send-keys -t "$session" e
wait_for 'Export \(\.json'
for _ in $(seq 1 40); do tm send-keys -t "$session" BSpace; done
tm send-keys -t "$session" -l "$out"
tm send-keys -t "$session" Enter
wait_for 'wrote greedy \(json\) to /'

# Quit: the edit is not saved, so the explorer asks first; n keeps it, then y quits. The
# terminal is restored and the exit status is 0.
tm send-keys -t "$session" q
wait_for 'Unsaved edits \(w saves, u undoes\)\. Lose them and quit\? \(y/n\)'
tm send-keys -t "$session" n Enter
wait_for 'kept the edits'
tm send-keys -t "$session" q
wait_for 'Lose them and quit'
tm send-keys -t "$session" y Enter
wait_for 'EXPLORER-EXIT=0'

"$PIPESCOPE" validate "$out"
echo "PASS: explorer end to end (makespan $before -> $after ms, exported and validated)"
