#!/usr/bin/env bash
# `wcsim run` on several process counts gives the same results (docs/hpc.md, "Results that
# do not depend on the number of ranks"). Usage:
#   test_ranks.sh WCSIM SOURCE_DIR MPIEXEC WORK NP
# NP = 1 writes the reference run into WORK/np1 (a ctest fixture); NP > 1 runs the same
# scenario on NP ranks (oversubscribed beyond the cores) and checks, against it, with
# solver.method bdf (one CVODE system):
#   - sections and budgets: same layout, numbers within 1e-6 relative (tools/compare-outputs);
#   - budget closure below 1e-12 for the basin and every jurisdiction;
#   - STEM-partition.csv has one row per rank and its cells add up to the basin's;
#   - a solver failure is reported once, naming the same basin cell (row, column) as on 1 rank;
#   - cell by cell (solver.method cellwise): section series identical to 1 rank's, bit for
#     bit, budgets within 1e-12, and a failure reported once with exit 6.
set -u
wcsim=$1
source_dir=$2
mpiexec=$3
work=$4
np=$5
mkdir -p "$work"
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# Chaobai at 5 km for one year: 633 cells, a few seconds.
scenario() { # name dir [extra yaml]
  cat >"$work/$1.yaml" <<EOF2
include: $source_dir/scenarios/chaobai-baseline.yaml
name: $1
basin: {cell_size: 5 km}
period: {start: 2001-01-01, end: ${4:-2002-01-01}}
output: {path: $work/$2/run.h5, overwrite: true}
${3:-}
EOF2
}

run() { # np yaml stderr-file
  "$mpiexec" -n "$1" "$wcsim" run --log-level warn "$2" 2>"$3" >/dev/null
}

if [[ $np -eq 1 ]]; then
  scenario reference np1 "solver: {method: bdf}"
  run 1 "$work/reference.yaml" "$work/np1.err" || { cat "$work/np1.err"; exit 1; }
  scenario failure np1-failure "solver: {method: bdf, max_steps_per_interval: 10}" 2001-02-01
  run 1 "$work/failure.yaml" "$work/np1-failure.err"
  grep -o 'in cell row [0-9]*, column [0-9]*' "$work/np1-failure.err" | head -1 >"$work/np1-failure.cell"
  [[ -s "$work/np1-failure.cell" ]] || { echo "FAIL: the reference failure names no cell"; cat "$work/np1-failure.err"; exit 1; }
  scenario cellwise np1-cellwise "solver: {method: cellwise}"
  run 1 "$work/cellwise.yaml" "$work/np1-cellwise.err" || { cat "$work/np1-cellwise.err"; exit 1; }
  echo "reference written; failure $(cat "$work/np1-failure.cell")"
  exit 0
fi

[[ -f "$work/np1/run-sections.csv" ]] || { echo "FAIL: no reference run (fixture ranks_reference)"; exit 1; }
scenario "ranks$np" "np$np" "solver: {method: bdf}"
if run "$np" "$work/ranks$np.yaml" "$work/np$np.err"; then
  "$source_dir/tools/compare-outputs" "$work/np1/run" "$work/np$np/run" --rtol 1e-6 --closure 1e-12 ||
    fail "np $np differs from np 1"
  rows=$(($(wc -l <"$work/np$np/run-partition.csv") - 1))
  cells=$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$work/np$np/run-partition.csv")
  [[ $rows -eq $np && $cells -eq 633 ]] || fail "partition.csv: $rows rows, $cells cells (want $np, 633)"
else
  fail "np $np run failed"
  sed 's/^/  /' "$work/np$np.err" | head -20
fi

# A failure on np ranks: exit 6, reported once; the cell it names goes to WORK/npNP-NAME.cell.
failure_on_ranks() { # label name solver-yaml
  scenario "$2$np" "np$np-$2" "$3" 2001-02-01
  run "$np" "$work/$2$np.yaml" "$work/np$np-$2.err"
  local code=$?
  [[ $code -eq 6 ]] || fail "$1 on $np ranks: exit $code, want 6 (numerical error)"
  local count
  count=$(grep -c 'solver failed at' "$work/np$np-$2.err")
  [[ $count -eq 1 ]] || fail "$1 on $np ranks reported $count times, want once"
  grep -o 'in cell row [0-9]*, column [0-9]*' "$work/np$np-$2.err" | head -1 >"$work/np$np-$2.cell"
}

failure_on_ranks failure failure "solver: {method: bdf, max_steps_per_interval: 10}"
cell=$(cat "$work/np$np-failure.cell")
[[ "$cell" == "$(cat "$work/np1-failure.cell")" ]] || fail "failure on $np ranks names '$cell', on 1 rank '$(cat "$work/np1-failure.cell")'"

scenario "cellwise$np" "np$np-cellwise" "solver: {method: cellwise}"
if run "$np" "$work/cellwise$np.yaml" "$work/np$np-cellwise.err"; then
  cmp -s "$work/np1-cellwise/run-sections.csv" "$work/np$np-cellwise/run-sections.csv" ||
    fail "cellwise on $np ranks: section series differ from 1 rank's"
  "$source_dir/tools/compare-outputs" "$work/np1-cellwise/run" "$work/np$np-cellwise/run" --rtol 1e-12 --closure 1e-10 ||
    fail "cellwise on $np ranks differs from 1 rank"
else
  fail "cellwise run on $np ranks failed"
  sed 's/^/  /' "$work/np$np-cellwise.err" | head -20
fi
failure_on_ranks "cellwise failure" cwfail "solver: {method: cellwise, max_steps_per_interval: 10}"
[[ -s "$work/np$np-cwfail.cell" ]] || fail "cellwise failure names no cell"

# A bad observation met in the middle of the run (day 12): cell by cell the ranks agree a
# few intervals late (docs/hpc.md); still exit 4, the file and line reported once, and no
# output file left behind.
obs="$work/np$np-obs.csv"
{
  echo "time,station,precipitation_mm,temperature_c"
  for day in $(seq -w 1 20); do
    echo "2001-01-$day,miyun,$([[ $day == 12 ]] && echo nan || echo 1.0),-3.0"
    echo "2001-01-$day,gubeikou,0.5,-5.0"
  done
} >"$obs"
scenario "badobs$np" "np$np-badobs" "solver: {method: cellwise}
forcing: {source: stations, stations_file: $source_dir/tests/forcing/stations-lonlat.csv, observations_file: $obs}" \
  2001-01-20
run "$np" "$work/badobs$np.yaml" "$work/np$np-badobs.err"
code=$?
[[ $code -eq 4 ]] || fail "bad observation on $np ranks: exit $code, want 4 (input)"
count=$(grep -c "np$np-obs.csv:24: precipitation_mm 'nan'" "$work/np$np-badobs.err")
[[ $count -eq 1 ]] || { fail "bad observation on $np ranks reported $count times, want once"; head -5 "$work/np$np-badobs.err"; }
ls "$work/np$np-badobs"/run* >/dev/null 2>&1 && fail "bad observation on $np ranks left output files"
[[ $failed -eq 0 ]] && echo "np $np: same results as np 1; failure $cell, reported once"
exit $failed
