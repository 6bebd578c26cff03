#!/usr/bin/env bash
# End-to-end checks of `pipescope cluster`: every output format and its keys, the path and
# allocate steps (seeds-others.md B4 and B5 on small cluster files), --set on the scale
# fields, and bad input (unknown region, negative GPUs or prices, unknown policy, preset,
# schedule or job, a job that can never run, a missing folder: nothing written). Needs
# $PIPESCOPE (the binary).
set -u

E2E=cluster
. "$(dirname "$0")/lib/cli.bash"

# B4's regions (100 / 50 / 25 Gb/s), A = 500 MB (4 Gbit), and t_comp such that a stage of
# the 3-GPU job computes 100 ms per microbatch: 300 ms over 3 stages.
cat >"$TMP/b4.json" <<'JSON'
{
  "format": "pipescope-cluster/1",
  "name": "b4",
  "regions": [
    { "name": "euw", "gpus": 1, "price_usd_per_kwh": 0.295, "bandwidth_gbps": 100 },
    { "name": "use2", "gpus": 1, "price_usd_per_kwh": 0.156, "bandwidth_gbps": 50 },
    { "name": "eae", "gpus": 1, "price_usd_per_kwh": 0.2, "bandwidth_gbps": 25 }
  ],
  "jobs": [
    { "name": "j", "submit_s": 0, "iterations": 10, "t_comp_ms": 300, "activation_mb": 500,
      "microbatches": 4, "k_max": 3 }
  ]
}
JSON
run cluster --cluster "$TMP/b4.json" path --job j
expect "path: B4 links" 0 "^euw +use2 +75\.00 +53\.333 +100\.0 +0\.533  yes"
expect "path: infeasible link" 0 "^use2 +eae +37\.50 +106\.667 +100\.0 +1\.067  no"
run cluster --cluster "$TMP/b4.json" path --job j --format json
expect "path json" 0 '"path": \['
grep -q '"feasible": false' "$TMP/out" || bad "path json: an infeasible link"

# B5: 64 GPUs on A ($0.156, 32), B ($0.295, 64), C ($0.200, 16) at 300 W: $3.8736/h. The
# pathfinder starts at the cheapest (A), C joins over the better link, then B.
cat >"$TMP/b5.json" <<'JSON'
{
  "format": "pipescope-cluster/1",
  "regions": [
    { "name": "A", "gpus": 32, "price_usd_per_kwh": 0.156, "bandwidth_gbps": 100 },
    { "name": "B", "gpus": 64, "price_usd_per_kwh": 0.295, "bandwidth_gbps": 50 },
    { "name": "C", "gpus": 16, "price_usd_per_kwh": 0.2, "bandwidth_gbps": 100 }
  ],
  "policy": { "seed": "cheapest" },
  "jobs": [
    { "name": "big", "submit_s": 0, "iterations": 5, "t_comp_ms": 6400, "activation_mb": 1,
      "microbatches": 8, "k_max": 64 }
  ]
}
JSON
run cluster --cluster "$TMP/b5.json" allocate --job big --format json
expect "allocate json" 0 '"path": \["A", "C", "B"\], "gpus": \{ "A": 32, "C": 16, "B": 16 \}'
grep -qE '"usd_per_hour": 3\.87(36|35999)' "$TMP/out" || bad "allocate: 3.8736 USD/h"
run cluster --cluster "$TMP/b5.json" allocate --job big
expect "allocate table" 0 "^total +64 +19\.20 +3\.8736"

# The preset, every format
run cluster --policy bace,ldf,cr-ldf
expect "table" 0 "^bace "
run cluster --policy all --format csv
expect "csv header" 0 "^policy,avg_jct_s,total_cost_usd,makespan_s,gpu_util,started,never_started$"
[ "$(wc -l <"$TMP/out")" -eq 10 ] || bad "csv: 9 policies"
run cluster --policy bace --jobs --format csv
expect "jobs csv" 0 "^policy,name,submit_s,start_s,end_s,jct_s,path,gpus,cost_usd,why$"
expect "jobs csv row" 0 "^bace,llama70b-alpaca,0,"
run cluster --policy bace,lcf --jobs --format json
expect "json" 0 '"policies": \['
expect "json job" 0 '\{ "policy": "bace", "name": "qwen14b-alpaca", "submit_s": 0, "start_s": [0-9.]+, "end_s": [0-9.]+, "jct_s": [0-9.]+, "path": \['
run cluster --policy bace -o "$TMP/g.svg"
expect "gantt svg" 0
grep -q 'class="hold"' "$TMP/g.svg" || bad "gantt: holds"
run cluster -o "$TMP/p.svg"
expect "pareto svg" 0
grep -q 'class="policy front"' "$TMP/p.svg" || bad "pareto: front"
run cluster --policy bace --set scale.jobs=3 --set scale.gpus=0.5 --format json
expect "scale" 0 '"started": 24, "never_started": 0'
run cluster --policy ldf --schedule zb-h1 --format csv
expect "schedule" 0 "^ldf,"

# Bad input
run cluster --policy nope
expect "unknown policy" 2 "" "unknown policy 'nope'"
run cluster --preset nope
expect "unknown preset" 2 "" "unknown cluster preset 'nope'"
run cluster path --job nobody
expect "unknown job" 2 "" "no job named 'nobody'"
run cluster path
expect "path without job" 2 "" "which job"
run cluster --policy bace --policy ldf
expect "an option given twice" 2 "" "--policy given twice"
run cluster --schedule nope
expect "unknown schedule" 2 "" "unknown schedule 'nope'"
run cluster --set regions.0.gpus=-2
expect "negative gpus" 1 "" "--set regions.0.gpus=-2: regions.0.gpus: must be in 0..100000 \(got -2\)"
run cluster --set links.0.to=nowhere
expect "unknown region" 1 "" "links.0.to: unknown region 'nowhere'"
run cluster --set regions.1.price_usd_per_kwh=-1
expect "negative price" 1 "" "regions.1.price_usd_per_kwh: must be >= 0"
sed 's/"k_max": 3/"k_max": 3, "memory_gb": 500/' "$TMP/b4.json" >"$TMP/never.json"
run cluster --cluster "$TMP/never.json" --policy ldf,bace --jobs
expect "never started" 0 "never started: needs at least 11 GPUs for its memory, the cluster has 3"
run cluster -o "$TMP/nofolder/x.csv"
expect "missing folder" 1 "" "folder .*nofolder does not exist"
[ ! -e "$TMP/nofolder" ] || bad "missing folder: nothing written"
echo '{"format": "pipescope-cluster/1", "regions": [' >"$TMP/broken.json"
run cluster --cluster "$TMP/broken.json"
expect "broken json" 1 "" "broken.json:"

e2e_done
