#!/usr/bin/env bash
# The wcsim command line as a user meets it: exit codes (docs/errors.md), help, and one
# precise message for each broken scenario file. Usage: test_cli.sh WCSIM SOURCE_DIR [MPIEXEC]
# With MPIEXEC, the same checks run under `mpiexec -n 2` and every message must appear once.
set -u
wcsim=$1
source_dir=$2
launcher=${3:-}
[[ -n "$launcher" ]] && wcsim_cmd=("$launcher" -n 2 "$wcsim") || wcsim_cmd=("$wcsim")
passed=0
failed=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

check() { # name expected_exit command...
  local name=$1 expected=$2
  shift 2
  "$@" >"$scratch/out" 2>"$scratch/err"
  local code=$?
  if [[ $code -eq $expected ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $code, expected $expected"
    grep -i 'error' "$scratch/err" | sed 's/^/  stderr: /' | head -5
  fi
}

expect_text() { # name file text
  if grep -qF -- "$3" "$2"; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "FAIL $1: '$3' not found in $(basename "$2")"
    sed 's/^/  got: /' "$2" | head -5
  fi
}

check "no command" 2 "${wcsim_cmd[@]}"
expect_text "no command message" "$scratch/err" "no command given"
check "top help" 0 "${wcsim_cmd[@]}" --help
expect_text "top help lists run" "$scratch/out" "run        run a scenario"
for sub in run version; do
  check "$sub --help" 0 "${wcsim_cmd[@]}" $sub --help
  expect_text "$sub help usage" "$scratch/out" "Usage: wcsim $sub"
done
check "basin --help" 0 "${wcsim_cmd[@]}" basin --help
expect_text "basin help" "$scratch/out" "Usage: wcsim basin"
check "unknown command" 2 "${wcsim_cmd[@]}" frobnicate
expect_text "unknown command message" "$scratch/err" "unknown command 'frobnicate'"
check "unknown option" 2 "${wcsim_cmd[@]}" run --print-scenaro x.yaml
expect_text "unknown option suggestion" "$scratch/err" "did you mean '--print-scenario'?"
check "bad log level" 2 "${wcsim_cmd[@]}" run --log-level loud x.yaml
check "missing scenario argument" 2 "${wcsim_cmd[@]}" run
check "unreadable scenario" 5 "${wcsim_cmd[@]}" run "$scratch/none.yaml"
expect_text "unreadable message" "$scratch/err" "cannot read the scenario file: No such file or directory"
check "version" 0 "${wcsim_cmd[@]}" version
expect_text "version names SUNDIALS" "$scratch/out" "SUNDIALS"

for scenario in "$source_dir"/scenarios/*.yaml; do
  check "check $(basename "$scenario")" 0 "${wcsim_cmd[@]}" run --check "$scenario"
done
check "print scenario" 0 "${wcsim_cmd[@]}" run --print-scenario "$source_dir/scenarios/chaobai-baseline.yaml"
expect_text "printed scenario" "$scratch/out" "rate: 180 kg/ha/yr"
[[ $(grep -c '^name:' "$scratch/out") -eq 1 ]] && passed=$((passed + 1)) || {
  failed=$((failed + 1)); echo "FAIL print scenario: printed more than once"; }

# Built-in basins: make a small one, read it back, refuse to overwrite, JSON parses.
check "basin make" 0 "${wcsim_cmd[@]}" basin make chaobai --cell-size 5km -o "$scratch/cb.h5"
[[ -f "$scratch/cb.h5" && ! -e "$scratch/cb.h5.partial" ]] && passed=$((passed + 1)) || {
  failed=$((failed + 1)); echo "FAIL basin make: no complete file"; }
check "basin make refuses to overwrite" 2 "${wcsim_cmd[@]}" basin make chaobai --cell-size 5km -o "$scratch/cb.h5"
expect_text "overwrite message" "$scratch/err" "exists; pass --overwrite"
check "basin make bad size" 2 "${wcsim_cmd[@]}" basin make chaobai --cell-size 50m -o "$scratch/x.h5"
check "basin make unknown" 2 "${wcsim_cmd[@]}" basin make huai -o "$scratch/x.h5"
check "basin info file" 0 "${wcsim_cmd[@]}" basin info "$scratch/cb.h5"
expect_text "basin info sections" "$scratch/out" "Chao River at Gubeikou"
expect_text "basin info drainage density" "$scratch/out" "drainage density 0."
check "basin info json" 0 "${wcsim_cmd[@]}" basin info yongding --cell-size 5km --json
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any("Cuizhihuiying" in s["name"] for s in d["sections"])' "$scratch/out"; then
  passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL basin info json: not valid JSON with sections"; fi
check "basin info missing file" 5 "${wcsim_cmd[@]}" basin info "$scratch/none.h5"

# A short real run: outputs complete, nothing partial left, refuses to overwrite.
cat >"$scratch/short.yaml" <<EOF2
include: $source_dir/scenarios/chaobai-baseline.yaml
name: short
basin: {cell_size: 5 km, channel_threshold: 100 km2}
period: {start: 2001-06-01, end: 2001-07-01}
output: {path: $scratch/results/short.h5}
EOF2
check "short run" 0 "${wcsim_cmd[@]}" run "$scratch/short.yaml"
cp "$scratch/err" "$scratch/short.err"
rows=$(grep -c 'Chao River at Gubeikou' "$scratch/results/short-sections.csv" 2>/dev/null || echo 0)
[[ $rows -eq 30 && -f "$scratch/results/short-budget.csv" && -z $(ls "$scratch/results" | grep partial) ]] &&
  passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL short run: $rows daily rows, outputs: $(ls "$scratch/results")"; }
check "run refuses to overwrite" 5 "${wcsim_cmd[@]}" run "$scratch/short.yaml"
expect_text "overwrite hint" "$scratch/err" "set output.overwrite: true"

# The short run was cell by cell (solver.method cellwise, the default): its budgets close,
# and the same month with one CVODE BDF system (method bdf) gives the month's volume at
# Gubeikou within 1%, on one rank and on two.
expect_text "cellwise by default" "$scratch/short.err" "cell by cell: per cell and interval"
closure=$(sed -n 's/.*basin: water \([^,]*\), TN \([^;]*\);.*/\1 \2/p' "$scratch/short.err")
awk -v c="$closure" 'BEGIN {split(c, x, " "); exit !(c != "" && x[1] < 1e-10 && x[1] > -1e-10 && x[2] < 1e-10 && x[2] > -1e-10)}' &&
  passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL cellwise closure: '$closure'"; }
cat >"$scratch/bdf.yaml" <<EOF2
include: $scratch/short.yaml
name: bdf
solver: {method: bdf}
output: {path: $scratch/results/bdf.h5}
EOF2
check "bdf run" 0 "${wcsim_cmd[@]}" run "$scratch/bdf.yaml"
expect_text "bdf log" "$scratch/err" "linear iterations"
month() { awk -F, '/Chao River at Gubeikou/ {v += $6} END {print v}' "$1"; }
cellwise=$(month "$scratch/results/short-sections.csv")
bdf=$(month "$scratch/results/bdf-sections.csv")
awk -v a="$bdf" -v b="$cellwise" 'BEGIN {d = (b - a) / a; exit !(a > 0 && d < 0.01 && d > -0.01)}' &&
  passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL cellwise month at Gubeikou: $cellwise m3 against BDF's $bdf"; }

# Each broken file: exit 3 and exactly the expected message, once (also under MPI).
cd "$source_dir/tests/scenarios/broken" || exit 1
for expected in *.expected; do
scenario=${expected%.expected}.yaml
check "broken $scenario" 3 "${wcsim_cmd[@]}" run "$scenario"
# mpiexec adds its own banner ("---- Primary job terminated ...") after a non-zero exit;
# what wcsim printed is everything before it, and must be the message exactly once.
sed -n '/^-----/q;p' "$scratch/err" >"$scratch/ours"
if diff -q "$expected" "$scratch/ours" >/dev/null; then passed=$((passed + 1)); else
  failed=$((failed + 1))
  echo "FAIL broken $scenario: message differs"
  diff "$expected" "$scratch/ours" | head -6 | sed 's/^/  /'
fi
done

# hpc/bench/compare (docs/performance.md): its report, and whether it tells equal results
# from different ones (B a wrapper that loosens the tolerance). Serial only.
if [[ -z "$launcher" ]]; then
  printf 'include: %s\nperiod: {start: 2000-06-01, end: 2000-06-11}\n' \
    "$source_dir/scenarios/chaobai-quickstart.yaml" >"$scratch/ten-days.yaml"
  check "compare" 0 "$source_dir/hpc/bench/compare" --runs 2 "$scratch/ten-days.yaml" "$wcsim"
  expect_text "compare reports both" "$scratch/out" "B/A: best"
  expect_text "compare same results" "$scratch/out" "the same bit for bit"
  printf '#!/usr/bin/env bash\nprintf "solver: {relative_tolerance: 1e-3}\\n" >>"$2"\nexec "%s" "$@"\n' \
    "$wcsim" >"$scratch/looser"
  chmod +x "$scratch/looser"
  check "compare looser" 0 "$source_dir/hpc/bench/compare" --runs 1 "$scratch/ten-days.yaml" "$wcsim" "$scratch/looser"
  expect_text "compare different results" "$scratch/out" "results (section series and budgets of the first runs): differ"
  check "compare bad runs" 2 "$source_dir/hpc/bench/compare" --runs 0 "$scratch/ten-days.yaml" "$wcsim"
  expect_text "compare bad runs message" "$scratch/err" "--runs must be a whole number >= 1"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
