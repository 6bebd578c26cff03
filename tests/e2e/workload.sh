#!/usr/bin/env bash
# End-to-end checks of variable-length workloads on the command line (docs/cli.md):
# --workload files (lengths and JSON) and their errors, planning settings as --param and
# --set, the derived fields refused, sliced and recomputing schedules through the file
# round trip (solve -> validate -> replay), and the workload command (report, panel in
# every format). Needs $PIPESCOPE (the binary).
set -u

E2E=workload
. "$(dirname "$0")/lib/cli.bash"

# A small workload: 2 stages, a 4-layer model, 3 sequences (one long), as a scenario with
# a workload section, and lengths as a CSV file.
cat >"$TMP/small.json" <<'JSON'
{ "format": "pipescope-scenario/1", "name": "small", "stages": 2,
  "datacenters": [ { "name": "a", "stages": 1 }, { "name": "b", "stages": 1 } ],
  "network": { "inter_dc": { "latency_ms": 5, "bandwidth_gbps": 100 } },
  "workload": { "sequences": [12000, 2500, 1500], "cap_tokens": 16384, "sp": 1,
    "model": { "layers": 4, "hidden": 1024, "kv_hidden": 256, "bytes": 2, "params_b": 0.05,
               "vocab": 1000 },
    "cost": { "forward": { "alpha1_ms": 1e-6, "alpha2_ms": 0.01, "beta1_ms": 1 },
              "backward": { "alpha1_ms": 2e-6, "alpha2_ms": 0.02, "beta1_ms": 1 },
              "weight": { "alpha1_ms": 0, "alpha2_ms": 0.01, "beta1_ms": 0 } },
    "memory": { "hbm_gb": 0.6, "reserve_gb": 0, "model_states_gb": 0 },
    "plan": { "slices": 3 } } }
JSON
printf 'id,length\n1,3000\n2,1200\n\n# a comment\n3,800\n' >"$TMP/lengths.csv"

# ---- planning -------------------------------------------------------------------------------
run scenario --scenario "$TMP/small.json"
expect "a workload scenario is planned" 0 '"continues": true'
check "the plan is recorded" grep -q '"planned"' "$TMP/out"
run solve --scenario "$TMP/small.json" --schedule 1f1b --param checkpoint=full -o "$TMP/full.json"
expect "solve with checkpoint=full" 0
check "R ops in the file" grep -q '"kind": "R"' "$TMP/full.json"
run validate "$TMP/full.json"
expect "validate a sliced, recomputing schedule" 0 'valid'
run replay "$TMP/full.json"
expect "replay a sliced, recomputing schedule" 0 'replay matches'
run solve --scenario "$TMP/small.json" --schedule greedy -o "$TMP/greedy.json"
expect "greedy on a sliced workload" 0
run validate "$TMP/greedy.json"
expect "validate the greedy's" 0 'valid'
run compare --scenario "$TMP/small.json" --param granularity=token --param slice_tokens=4096 --schedules 1f1b,zb-h1
expect "compare with planning params" 0 'zb-h1'
run solve --scenario "$TMP/small.json" --schedule interleaved
expect "interleaved refuses slices" 1 '' 'no order for token slices'
run scenario --scenario "$TMP/small.json" --set workload.memory.hbm_gb=0.05
expect "a budget no policy meets" 1 '' 'no plan fits the memory .*stage 0 needs'

# ---- --workload FILE and bad input ------------------------------------------------------------
run scenario --preset teaching --workload "$TMP/lengths.csv"
expect "--workload with a CSV of lengths (its length column)" 0 '"sequences": \[3000, 1200, 800\]'
run solve --preset teaching --workload "$TMP/lengths.csv" --schedule 1f1b
expect "solve on it" 0 'microbatches'
printf '100\nabc\n' >"$TMP/badlen.txt"
run scenario --workload "$TMP/badlen.txt"
expect "a length that is not a number" 1 '' "line 2: not a whole number of tokens \('abc'\)"
run scenario --scenario "$TMP/small.json" --set 'workload.sequences=[100,0]'
expect "a zero-length sequence" 1 '' 'workload.sequences.1: must be >= 1 token \(got 0\)'
run scenario --scenario "$TMP/small.json" --set 'workload.sequences=[100,20000]'
expect "a sequence longer than the cap" 1 '' 'workload.sequences.1: 20000 tokens is longer than cap_tokens \(16384\)'
cat >"$TMP/nomass.json" <<'JSON'
{ "format": "pipescope-workload/1",
  "generator": { "distribution": "uniform", "min_tokens": 5000, "max_tokens": 4000 } }
JSON
run scenario --workload "$TMP/nomass.json"
expect "a distribution with no mass" 1 '' 'workload.generator: uniform range \[5000, 4000\] is empty \(no mass\)'
run scenario --scenario "$TMP/small.json" --set workload.plan.granularity=fine
expect "an unknown granularity" 1 '' 'workload.plan.granularity: must be one of batch, token, elastic, even'
run scenario --scenario "$TMP/small.json" --set microbatches=5
expect "derived fields are refused" 1 '' 'microbatches: derived from the workload'
run workload --preset teaching
expect "workload without a workload" 1 '' 'has no workload'
run workload --scenario "$TMP/small.json" --param split_backward=true
expect "workload takes planning params only" 2 '' 'not a planning setting'

# ---- the workload command -----------------------------------------------------------------------
run workload --scenario "$TMP/small.json"
expect "workload report" 0 '^plan +elastic, K = 3 \(given\)'
check "the report lists chunks" grep -qE '^ +0 split ' "$TMP/out"
check "the report shows the hide ratio across DCs" grep -q 'hide' "$TMP/out"
run workload --scenario "$TMP/small.json" --compare --pairs
expect "the panel, every pair" 0 'elastic\+adaptive'
check "the panel marks the best" grep -q ' \* ' "$TMP/out"
run workload --scenario "$TMP/small.json" --compare -o "$TMP/panel.csv"
expect "panel csv" 0
check "panel csv header" grep -q '^scenario,variant,granularity,checkpoint,status,iteration_ms' "$TMP/panel.csv"
run workload --scenario "$TMP/small.json" --compare --format json
expect "panel json" 0 '"variant": "w/o ckpt"'
run workload --scenario "$TMP/small.json" --compare -o "$TMP/panel.svg"
expect "panel svg" 0
check "panel svg is svg" grep -q '<svg' "$TMP/panel.svg"
run workload --scenario "$TMP/small.json" --format csv
expect "csv needs --compare" 2 '' 'needs --compare'

e2e_done
