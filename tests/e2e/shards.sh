#!/usr/bin/env bash
# Sweeps that scale out: a sweep split with --shard I/N and joined by `pipescope merge` is
# the file one unsharded run writes, byte for byte (N = 1, 2, 7; csv, json, table), also
# when the shards run through GNU parallel as docs/cli.md shows; and merge refuses shards
# that do not make one whole sweep. Needs $PIPESCOPE; the parallel run needs GNU parallel.
set -u

E2E=shards
. "$(dirname "$0")/lib/cli.bash"

# scenario fields, a schedule parameter, a baseline: knees and baselines need every point
SWEEP=(sweep --schedules 1f1b,zb-h1,greedy --baseline 1f1b --no-timing
       --vary network.inter_dc.bandwidth_gbps=50,100,200,400 --vary microbatches=8,16
       --vary greedy.n_sub=1,2)
for fmt in csv json table; do
    ext=$fmt
    [ "$fmt" = table ] && ext=txt # the file name says the format (.txt: the table)
    "$PIPESCOPE" "${SWEEP[@]}" --format "$fmt" -o "$TMP/whole.$ext" 2>/dev/null
    for n in 1 2 7; do
        rm -f "$TMP"/s*.json
        for ((i = 0; i < n; i++)); do
            "$PIPESCOPE" "${SWEEP[@]}" --format "$fmt" --shard "$i/$n" -o "$TMP/s$i.json" 2>/dev/null
        done
        "$PIPESCOPE" merge "$TMP"/s*.json -o "$TMP/merged.$ext"
        check "$fmt, $n shards: merged = whole" cmp -s "$TMP/whole.$ext" "$TMP/merged.$ext"
    done
done

# a calculator setting varies: the model is calculated again at every point
CALC=(sweep --model m70 --cluster dcs=2,pp=8,tp=4,latr=1,bwr=1,mem=1f1b --schedules 1f1b,zb-h1
      --vary model.microbatch_size=1,2 --vary cluster.dp=1,2,4 --no-timing --format csv)
"$PIPESCOPE" "${CALC[@]}" -o "$TMP/calc.csv" 2>/dev/null
check "calculator sweep: 12 rows" [ "$(wc -l <"$TMP/calc.csv")" -eq 13 ]
for ((i = 0; i < 2; i++)); do
    "$PIPESCOPE" "${CALC[@]}" --shard "$i/2" -o "$TMP/c$i.json" 2>/dev/null
done
"$PIPESCOPE" merge "$TMP"/c0.json "$TMP"/c1.json -o "$TMP/calc-merged.csv"
check "calculator sweep: merged = whole" cmp -s "$TMP/calc.csv" "$TMP/calc-merged.csv"

# GNU parallel, as in docs/cli.md (locally: the same command line takes -S host1,host2)
if command -v parallel >/dev/null 2>&1; then
    rm -f "$TMP"/p*.json
    parallel --will-cite -j 2 "$PIPESCOPE" "${SWEEP[@]}" --format csv --shard {}/7 \
        -o "$TMP/p{}.json" 2>/dev/null ::: 0 1 2 3 4 5 6
    "$PIPESCOPE" merge "$TMP"/p*.json -o "$TMP/parallel.csv"
    check "GNU parallel, 7 shards: merged = whole" cmp -s "$TMP/whole.csv" "$TMP/parallel.csv"
else
    echo "shards.sh: GNU parallel not installed, its run skipped (make deps installs it)"
fi

# merge refuses what is not one whole sweep, and writes nothing
"$PIPESCOPE" "${SWEEP[@]}" --shard 0/2 -o "$TMP/a0.json" 2>/dev/null
"$PIPESCOPE" "${SWEEP[@]}" --shard 1/2 -o "$TMP/a1.json" 2>/dev/null
"$PIPESCOPE" "${SWEEP[@]}" --knee-eps 0.1 --shard 1/2 -o "$TMP/b1.json" 2>/dev/null
echo keep >"$TMP/keep.csv"
"$PIPESCOPE" merge "$TMP/a0.json" -o "$TMP/keep.csv" 2>"$TMP/err"
check "merge: a missing shard" grep -q "the sweep has 2 shards, 1 given" "$TMP/err"
"$PIPESCOPE" merge "$TMP/a0.json" "$TMP/a0.json" -o "$TMP/keep.csv" 2>"$TMP/err"
check "merge: a shard twice" grep -q "shard 0 of 2 given twice" "$TMP/err"
"$PIPESCOPE" merge "$TMP/a0.json" "$TMP/b1.json" -o "$TMP/keep.csv" 2>"$TMP/err"
check "merge: another sweep" grep -q "is a shard of another sweep" "$TMP/err"
"$PIPESCOPE" merge "$TMP/whole.csv" -o "$TMP/keep.csv" 2>"$TMP/err"
check "merge: not a shard" grep -q "merge: .*whole.csv" "$TMP/err"
check "merge: nothing written on failure" grep -qx keep "$TMP/keep.csv"
"$PIPESCOPE" sweep --vary microbatches=4,8 --shard 2/2 >/dev/null 2>"$TMP/err"
check "sweep: --shard out of range" grep -q "expected I/N with 0 <= I < N" "$TMP/err"

e2e_done
