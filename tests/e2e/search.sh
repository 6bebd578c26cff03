#!/usr/bin/env bash
# The layout search (pipescope search): a table with the best point marked and the
# infeasible ones with why (too few GPUs, out of HBM, tokens), every point marked feasible
# within memory (checked in the CSV), GeoPipe's dN axis, and bad command lines.
set -u

E2E=search
. "$(dirname "$0")/lib/cli.bash"
export COLUMNS=120

CL=dcs=2,gpus=256,hbm=80,gbs=512,gpu=h100,util=0.4,link=metro
"$PIPESCOPE" search --model llama3-70b --cluster "$CL" --pp 4,8,16 --tp 4,8 --dp 2,4,8 \
    --pipeline-dcs 1,2 >"$TMP/table" 2>"$TMP/err"
check "search: exit 0" [ $? -eq 0 ]
check "search: one best" [ "$(grep -cE ' \* +[0-9]' "$TMP/table")" -eq 1 ]
check "search: too few GPUs" grep -q 'too few GPUs: DC 0 needs 512' "$TMP/table"
check "search: out of HBM" grep -q 'out of HBM: activations need' "$TMP/table"
check "search: summary line" grep -qE '^[0-9]+ of 36 points feasible' "$TMP/table"

"$PIPESCOPE" search --model llama3-70b --cluster "$CL" --pp 2,4,8,16 --tp 2,4,8 --dp 1,2,4,8 \
    --mbs 1,2 --pipeline-dcs 1,2 --format csv -o "$TMP/s.csv"
check "search csv: a row per point" [ "$(wc -l <"$TMP/s.csv")" -eq 193 ]
if command -v python3 >/dev/null 2>&1; then
    check "search csv: every feasible point fits its memory and GPUs" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ok = [r for r in rows if r["feasible"] == "true"]
assert ok and len(ok) < len(rows)
for r in ok:
    assert float(r["peak_memory"]) <= float(r["memory_limit"]) + 1e-9, r
    assert float(r["static_gb"]) < 80 and int(r["gpus_per_dc"]) <= 256, r
for r in rows:
    assert (r["feasible"] == "true") == (r["why"] == ""), r
assert sum(r["best"] == "true" for r in rows) == 1
best = max(ok, key=lambda r: float(r["tokens_per_s"]))
assert best["best"] == "true"
' "$TMP/s.csv"
fi

# GeoPipe G4: microbatch size x sequence length x dN at a fixed number of tokens
"$PIPESCOPE" search --model llama2-70b --cluster split=3+3+2,tp=8,hbm=64,tokens=1048576,link=5/200 \
    --mbs 1,2 --seq 2048,4096 --dn 0,2,auto,search --format csv -o "$TMP/g4.csv"
check "search dN: 16 points" [ "$(wc -l <"$TMP/g4.csv")" -eq 17 ]
check "search dN: geopipe rows" grep -q ',search,.*,geopipe,' "$TMP/g4.csv"
check "search dN: tokens fixed" python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    assert int(r["microbatches"]) * int(r["mbs"]) * int(r["seq"]) * int(r["dp"]) == 1048576, r
' "$TMP/g4.csv"
"$PIPESCOPE" search --model llama2-70b --cluster split=3+3+2,tp=8,tokens=1000000 --seq 4096 \
    >"$TMP/tok" 2>&1
check "search: tokens not a whole number of microbatches" grep -q 'not a whole number' "$TMP/tok"

"$PIPESCOPE" search --preset default >/dev/null 2>"$TMP/err"
check "search: needs the calculator (exit 2)" [ $? -eq 2 ]
"$PIPESCOPE" search --model m70 --cluster pp=8 --dn 1 --schedules 1f1b >/dev/null 2>"$TMP/err"
check "search: --dn with --schedules (exit 2)" [ $? -eq 2 ]
"$PIPESCOPE" search --model m70 --cluster pp=8,foo=1 >/dev/null 2>"$TMP/err"
check "search: a bad cluster key fails (exit 1)" [ $? -eq 1 ]
check "search: names the key" grep -q 'cluster.foo: unknown key' "$TMP/err"
"$PIPESCOPE" search --model m70 --cluster dcs=2 --pp 0,4 >/dev/null 2>"$TMP/err"
check "search: bad axis (exit 2)" [ $? -eq 2 ]

e2e_done
