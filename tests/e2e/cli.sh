#!/usr/bin/env bash
# End-to-end checks of the command line: every command's exit code and output, bad input
# (unknown names, bad --set, missing folders, broken JSON, invalid scenarios), and the
# round trip solve -> JSON file -> validate -> replay. Needs $PIPESCOPE (the binary).
set -u

E2E=cli
. "$(dirname "$0")/lib/cli.bash"

# ---- version, help ----------------------------------------------------------------------
run --version
VERSION=$(sed -n 's/^#define PS_VERSION "\(.*\)"$/\1/p' "$PS_SOURCE_DIR/core/version.h")
expect "--version" 0 "^pipescope ${VERSION//./\\.}\$"
run --help
expect "--help" 0 'Commands:'
for cmd in tui solve compare sweep validate replay presets schedules scenario help; do
    run help "$cmd"
    expect "help $cmd" 0 "Usage: pipescope $cmd"
    run "$cmd" --help
    expect "$cmd --help" 0 "[Uu]sage: pipescope \\[?$cmd"
done
run frobnicate
expect "unknown command" 2 '' "^pipescope: unknown command 'frobnicate'.*solve"
run help frobnicate
expect "help unknown command" 2 '' "unknown command"
run solve --frobnicate
expect "unknown option" 2 '' "^pipescope: solve: unknown option '--frobnicate'"
run solve --schedule
expect "option without its value" 2 '' "needs a value"

# ---- presets, schedules, scenario ---------------------------------------------------------
run presets
expect "presets" 0 '^default +CrossPipe'
check "presets lists teaching" grep -q '^teaching ' "$TMP/out"
run schedules
expect "schedules" 0 '^gpipe +combined'
check "schedules lists 1f1b" grep -qE '^1f1b +combined +loop V=1 +fast ' "$TMP/out"
run scenario
expect "scenario" 0 '"format":[[:space:]]*"pipescope-scenario/1"'
run scenario --preset teaching --set microbatches=12 --set network.inter_dc.latency_ms=3
expect "scenario with --set" 0 '"microbatches":[[:space:]]*12'
check "scenario --set latency" grep -qE '"inter_dc".*"latency_ms":[[:space:]]*3[^0-9.]' "$TMP/out"
run scenario --preset teaching -o "$TMP/teaching.json"
expect "scenario -o" 0
check "scenario -o wrote the file" grep -q 'pipescope-scenario/1' "$TMP/teaching.json"
run scenario --scenario "$TMP/teaching.json"
expect "scenario --scenario FILE" 0 '"name":[[:space:]]*"teaching"'

# ---- solve --------------------------------------------------------------------------------
run solve --schedule 1f1b
expect "solve text" 0 '1f1b'
check "solve text fits 100 columns" awk 'length($0) > 100 { exit 1 }' "$TMP/out"
run solve 1f1b --preset teaching
expect "solve with a positional schedule" 0 '1f1b'
run solve --schedule gpipe --format json -o "$TMP/gpipe.json"
expect "solve json -o" 0
check "solve json: format tag" grep -q '"pipescope-schedule/1"' "$TMP/gpipe.json"
run solve --schedule 1f1b -o "$TMP/1f1b.json"
expect "solve -o FILE.json picks json" 0
check "solve -o .json: format tag" grep -q '"pipescope-schedule/1"' "$TMP/1f1b.json"
run solve --schedule 1f1b --format csv
expect "solve csv" 0 '^record,kind,stage,chunk,microbatch,part,start_ms,end_ms,from_stage,to_stage,arrive_ms,value$'
check "solve csv has compute rows" grep -q '^compute,F,0,0,0,' "$TMP/out"
check "solve csv has transfer rows" grep -q '^transfer,activation,' "$TMP/out"
run solve --schedule 1f1b --format csv -o "$TMP/1f1b.csv"
expect "solve csv -o" 0
check "solve csv -o header" grep -qx $'record,kind,stage,chunk,microbatch,part,start_ms,end_ms,from_stage,to_stage,arrive_ms,value\r' "$TMP/1f1b.csv"
run solve --schedule 1f1b --format yaml
expect "solve bad format" 2 '' "format 'yaml'"
run solve
expect "solve without a schedule" 2 '' 'which schedule'

# ---- validate, replay ----------------------------------------------------------------------
for f in gpipe 1f1b; do
    run validate "$TMP/$f.json"
    expect "validate $f" 0 "^$TMP/$f.json: valid: $f, 16 microbatches x 8 stages, [0-9]+ ops, [0-9]+ transfers, makespan [0-9.]+ ms \(matches\)"
    run replay "$TMP/$f.json"
    expect "replay $f" 0 "replay matches"
done
# every registered schedule (but the slow ones) writes a file that validates and replays
"$PIPESCOPE" schedules >"$TMP/schedules.txt"
while read -r name _; do
    run solve --schedule "$name" --preset default -o "$TMP/all-$name.json"
    if [ "$RC" -ne 0 ]; then
        expect "solve $name" 0
        continue
    fi
    run validate "$TMP/all-$name.json"
    expect "validate $name" 0 'valid'
    run replay "$TMP/all-$name.json"
    expect "replay $name" 0 'replay matches'
done < <(grep -E '^[a-z0-9_-]+ ' "$TMP/schedules.txt" | grep -v '  slow  ')

# the slow solver too, on a small scenario (its channel orders are its own: replay uses them)
run solve --schedule optimal --preset crosspipe-fig8 --param node_limit=1 -o "$TMP/optimal.json"
expect "solve optimal" 0
run validate "$TMP/optimal.json"
expect "validate optimal" 0 'valid: optimal'
run replay "$TMP/optimal.json"
expect "replay optimal" 0 'replay matches'

# a tampered makespan and a tampered op time are caught
sed -E '0,/"makespan_ms":[[:space:]]*[0-9.eE+-]+/s//"makespan_ms": 1.5/' "$TMP/1f1b.json" >"$TMP/bad-makespan.json"
run validate "$TMP/bad-makespan.json"
expect "validate catches a wrong makespan" 1 'makespan'
sed -E '0,/"end_ms":[[:space:]]*[0-9.eE+-]+/s//"end_ms": 99999/' "$TMP/1f1b.json" >"$TMP/bad-op.json"
run validate "$TMP/bad-op.json"
expect "validate catches a wrong op end" 1 'invalid'
run replay "$TMP/bad-op.json"
expect "replay catches a wrong op end" 1 'replay differs|cannot'
printf '{ "format": "pipescope-schedule/1",\n  "ops": [ 1, 2,, ] }\n' >"$TMP/broken-schedule.json"
run validate "$TMP/broken-schedule.json"
expect "validate broken JSON" 1 '' "broken-schedule.json:2:[0-9]+"
run validate "$TMP/missing.json"
expect "validate a missing file" 1 '' "missing.json"
run validate
expect "validate without a file" 2 '' 'which file'

# ---- compare --------------------------------------------------------------------------------
run compare
expect "compare" 0 'gpipe'
check "compare shows 1f1b" grep -q '1f1b' "$TMP/out"
check "compare shows the lower bound" grep -qi 'lower bound' "$TMP/out"
run compare --schedules gpipe,1f1b --format csv
expect "compare csv" 0 '^scenario,schedule,status,makespan_ms,bubble_ratio,peak_memory,memory_ok,lower_bound_ms,ratio_to_lower_bound,solve_ms,bubble_fill,bubble_cross_dc,bubble_intra_dc,bubble_memory,bubble_rendezvous,bubble_dp,bubble_end,bound_ms,gap,status_text,params,scenario_hash,origin,edits,pipescope$'
check "compare csv: 3 lines" [ "$(wc -l <"$TMP/out")" -eq 3 ]
run compare --arrangement rendezvous,decoupled --schedules 1f1b,zb-h1,greedy --baseline 1f1b
expect "compare: CrossPipe's headline" 0 'under rendezvous .*: zb-h1 3520.0 ms, 30.6% less time \(CrossPipe: 33.6%\)'
check "compare: headline, decoupled" grep -qE 'under decoupled .*: zb-h1 3019.9 ms, 19.1% less time \(CrossPipe: 21.9%\)' "$TMP/out"
check "compare: baseline columns" grep -q 'bubble vs 1f1b  time vs 1f1b' "$TMP/out"
run compare --arrangement blocking --schedules zb-h2,1f1b
expect "compare: a blocking deadlock is an error row" 0 'zb-h2 +error' 'held by its blocking send'
run compare --arrangement eager
expect "compare: bad arrangement" 2 '' "expected decoupled, rendezvous, blocking"
run compare --baseline zb-v --schedules 1f1b
expect "compare: baseline not compared" 2 '' "add it to --schedules"
run compare --schedules gpipe,1f1b -o "$TMP/cmp.json"
expect "compare -o .json" 0
check "compare json rows" grep -q '"schedule":[[:space:]]*"1f1b"' "$TMP/cmp.json"
run compare --schedules nosuch
expect "compare unknown schedule" 2 '' "unknown schedule 'nosuch' \(known: .*gpipe.*1f1b"
run compare --preset nosuch
expect "compare unknown preset" 2 '' "unknown preset 'nosuch'.*default"
run compare --param gpipe.nosuch=1 --schedules gpipe
expect "compare unknown param" 2 '' "nosuch"
run compare --schedules gpipe --param nosuchkey=3
expect "compare param no schedule has" 2 '' "no compared schedule has a parameter 'nosuchkey'"
run compare --preset teaching --scenario "$TMP/teaching.json"
expect "two scenario sources" 2 '' "give one scenario source"

# a schedule that cannot run is a row with status "error" and its reason on stderr (or, if
# the parameter check catches it first, a usage error naming it)
run compare --schedules gpipe,greedy --param greedy.n_sub=99 --format csv
if [ "$RC" -eq 2 ]; then
    expect "compare: a schedule that cannot run (caught early)" 2 '' "n_sub"
else
    expect "compare: a schedule that cannot run" 0 '^default,greedy,error,' "greedy: .*n_sub"
    check "compare: the others still run" grep -q '^default,gpipe,heuristic,' "$TMP/out"
    run compare --schedules greedy --param greedy.n_sub=99
    expect "compare: nothing ran" 1 '' "no schedule could run"
fi

# ---- bad input --------------------------------------------------------------------------------
run compare --set network.nosuch.latency_ms=3
expect "bad --set path" 1 '' "network.nosuch"
run compare --set microbatches=abc
expect "bad --set value" 1 '' "microbatches"
run compare --set microbatches
expect "--set without =" 2 '' "expected PATH=VALUE"
run compare --set microbatches=1000000000
expect "huge microbatch count refused" 1 '' "microbatches.*16384"
run compare --schedules gpipe -o "$TMP/no/such/folder/x.csv"
expect "-o into a missing folder" 1 '' "does not exist"
check "-o into a missing folder writes nothing" [ ! -e "$TMP/no" ]
run solve --schedule gpipe -o "$TMP/nofolder/x.json"
expect "solve -o into a missing folder" 1 '' "does not exist"
printf '{\n  "format": "pipescope-scenario/1",\n  "stages": 4,\n  "microbatches": [,\n}\n' >"$TMP/broken.json"
run compare --scenario "$TMP/broken.json"
expect "broken scenario JSON: line:col" 1 '' "broken.json:4:[0-9]+"
sed -E 's/"bandwidth_gbps":[[:space:]]*[0-9.]+/"bandwidth_gbps": -5/' "$TMP/teaching.json" >"$TMP/negbw.json"
run compare --scenario "$TMP/negbw.json"
expect "negative bandwidth" 1 '' "negbw.json: network\.(intra|inter)_dc\.bandwidth_gbps: "
run compare --scenario "$TMP/teaching.json" --set microbatches=abc
expect "bad --set on a file names the edit, not the file" 1 '' "^pipescope: --set microbatches=abc: microbatches: "
run solve --schedule gpipe --scenario "$TMP/negbw.json"
expect "negative bandwidth (solve)" 1 '' "bandwidth_gbps"
run compare --scenario "$TMP/nosuch.json"
expect "missing scenario file" 1 '' "nosuch.json"
run solve --schedule nosuch
expect "solve unknown schedule" 2 '' "unknown schedule 'nosuch' \(known: "

# ---- sweep --------------------------------------------------------------------------------
run sweep --schedules gpipe,1f1b --vary network.inter_dc.latency_ms=1,10,100
expect "sweep csv" 0 '^scenario,schedule,status,makespan_ms,bubble_ratio,peak_memory,memory_ok,lower_bound_ms,ratio_to_lower_bound,solve_ms,bubble_fill,bubble_cross_dc,bubble_intra_dc,bubble_memory,bubble_rendezvous,bubble_dp,bubble_end,bound_ms,gap,status_text,params,scenario_hash,origin,edits,pipescope,network.inter_dc.latency_ms,knee:network.inter_dc.latency_ms$'
check "sweep: 1 + 3x2 lines" [ "$(wc -l <"$TMP/out")" -eq 7 ]
check "sweep: value column and its knee" grep -qE '^default \(edited\),1f1b,.*,100,1$' "$TMP/out"
run sweep --schedules 1f1b --vary microbatches=8:32:8 --vary network.inter_dc.latency_ms=1x,2x
expect "sweep range and xT_F" 0 ',microbatches,network.inter_dc.latency_ms,knee:microbatches,knee:network.inter_dc.latency_ms$'
check "sweep: 4x2 points" [ "$(wc -l <"$TMP/out")" -eq 9 ]
check "sweep: 2x is 2 T_F" grep -qE ',32,76,[0-9]+,[0-9.]+$' "$TMP/out"
run sweep --vary microbatches=4,abc
expect "sweep invalid point" 1 '' "point microbatches=abc"
run sweep --schedules gpipe
expect "sweep without --vary" 2 '' "nothing to vary"

# ---- files parse, round trips, determinism -------------------------------------------------
run scenario --preset default -o "$TMP/default.json"
run scenario --scenario "$TMP/default.json"
check "scenario file round trip" cmp -s "$TMP/out" <(tr -d '\r' <"$TMP/default.json")
"$PIPESCOPE" compare --format csv | cut -d, -f1-9 >"$TMP/cmp1.csv"
"$PIPESCOPE" compare --format csv | cut -d, -f1-9 >"$TMP/cmp2.csv"
check "compare is deterministic (but for solve_ms)" cmp -s "$TMP/cmp1.csv" "$TMP/cmp2.csv"
if command -v python3 >/dev/null 2>&1; then
    run sweep --schedules 1f1b,zb-h1 --vary microbatches=8,16 --format json
    check "sweep json parses, 4 rows with the swept column" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 4, rows
assert all("microbatches" in r and "makespan_ms" in r for r in rows), rows
' "$TMP/out"
    check "schedule json parses" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "pipescope-schedule/1" and d["schedule"] == "1f1b"
assert len(d["ops"]) == 2 * 16 * 8, len(d["ops"])
' "$TMP/1f1b.json"
else
    echo "python3 not found: JSON parse checks skipped"
fi

# ---- QA fixes: failing runs keep -o, messages that say what is wrong ----------------------
run compare --preset teaching -o "$TMP/good.csv"
expect "compare -o good.csv" 0
lines=$(wc -l <"$TMP/good.csv")
run compare --preset teaching --schedules greedy --param greedy.n_sub=99 -o "$TMP/good.csv"
expect "a compare where nothing runs fails" 1 '' "no schedule could run.*not written"
check "a failing compare leaves -o as it was" [ "$(wc -l <"$TMP/good.csv")" -eq "$lines" ]
run validate "$TMP/1f1b.csv"
expect "validate a schedule CSV says what it is" 1 '' "this is a schedule CSV; validate and replay read the schedule JSON"
run replay "$TMP/good.csv"
expect "replay a comparison CSV says what it is" 1 '' "this is a comparison CSV"
run compare --preset teachng
expect "unknown preset: did you mean" 2 '' "did you mean 'teaching'\\?.*see 'pipescope presets'\\)$"
run scenario --set datacenters=3
expect "datacenters=3 is three datacenters" 0 '"name": "dc2", "stages": 2'
check "datacenters=3 keeps 8 stages as 3+3+2" grep -q '"stages": 8,' "$TMP/out"
check "datacenters=3: east takes 3" grep -q '{ "name": "east", "stages": 3 }' "$TMP/out"
run scenario --set 'network.pairs=[{"from":"east","to":"west","latency_ms":9}]' --set network.inter_dc.bandwidth_gbps=10
expect "a pair keeps only the field it sets" 0 '"from": "east", "to": "west", "latency_ms": 9 }'
run solve 1f1b --preset teaching -o "$TMP/upper.JSON"
expect "solve -o FILE.JSON" 0
check "-o .JSON (upper case) writes JSON" grep -q '"pipescope-schedule/1"' "$TMP/upper.JSON"

# ---- the explorer's options -------------------------------------------------------------
# (the explorer itself is tested by tests/tui and its tmux script; here only what needs no
# terminal: its scenario options fail like the command line's)
run tui --preset nosuch
expect "tui with an unknown preset" 2 '' "unknown preset 'nosuch'"

e2e_done
