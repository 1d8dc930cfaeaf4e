#!/usr/bin/env bash
# wcsim-import as a user meets it.
#
#   test_import.sh good WCSIM_IMPORT SOURCE_DIR OUT_DIR
#       imports the hand-made valley (tests/import) five ways into OUT_DIR; test_basin_import
#       then reads those files and checks them against values worked out by hand.
#   test_import.sh bad WCSIM_IMPORT SOURCE_DIR
#       every kind of bad input: the exit code (docs/errors.md), the message naming the
#       file, line or cell, and no basin file (nor a .partial) left behind.
set -u
mode=$1
importer=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") # the script cds below
source_dir=$3
out_dir=${4:-}
passed=0
failed=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$source_dir/tests/import" || exit 1

run() { # name expected_exit args...
  local name=$1 expected=$2
  shift 2
  "$importer" "$@" >"$scratch/out" 2>"$scratch/err"
  local code=$?
  if [[ $code -eq $expected ]]; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "FAIL $name: exit $code, expected $expected"
    sed 's/^/  stderr: /' "$scratch/err" | head -5
  fi
}

expect_text() { # name file text
  if grep -qF -- "$3" "$2"; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "FAIL $1: '$3' not found in $(basename "$2")"
    sed 's/^/  got: /' "$2" | head -5
  fi
}

expect_no_file() { # name path
  if [[ ! -e "$2" && ! -e "$2.partial" ]]; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "FAIL $1: $2 (or its .partial) was left behind"
  fi
}

if [[ $mode == good ]]; then
  mkdir -p "$out_dir" && rm -f "$out_dir"/*.h5
  run "full import" 0 --dem valley.asc --landuse valley_landuse.asc --landuse-table landuse.csv \
    --jurisdictions valley_jurisdictions.asc --jurisdiction-table jurisdictions.csv \
    --sections sections_xy.csv --channel-threshold 0.05 --snap-radius 150 -o "$out_dir/valley.h5"
  expect_text "snap report" "$scratch/err" \
    "section 'mid' (sections_xy.csv:2) moved 142.1 m to row 2, column 2 (x=500250.0, y=4400150.0 m), contributing area 0.080 km2"
  expect_text "summary line" "$scratch/err" "19 basin cells (0.190 km2), 1 outlet(s), 2 channel cells, 2 section(s)"
  run "lon/lat sections" 0 --dem valley.asc --sections sections_lonlat.csv --channel-threshold 0.05 \
    --snap-radius 150 -o "$out_dir/valley_lonlat.h5"
  expect_text "default land use" "$scratch/err" "no land-use map: one default class for every cell"
  run "polygon jurisdictions" 0 -q --dem valley.asc --jurisdictions jurisdictions.geojson \
    --channel-threshold 0.05 -o "$out_dir/valley_polygons.h5"
  [[ ! -s "$scratch/err" ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL --quiet printed"; }
  run "given directions (ESRI codes)" 0 -q --dem valley.asc --flow-direction valley_flowdir.asc \
    --channel-threshold 0.05 -o "$out_dir/valley_flowdir.h5"
  run "lon/lat DEM reprojected" 0 --dem valley_lonlat.asc --epsg 32650 --cell-size 100 \
    --channel-threshold 0.05 --name reprojected -o "$out_dir/valley_reprojected.h5"
  expect_text "reprojection note" "$scratch/err" "reprojected the DEM to EPSG:32650"
  run "help" 0 --help
  expect_text "help usage" "$scratch/out" "Usage: wcsim-import --dem DEM [OPTIONS] -o BASIN.h5"
else
  out="$scratch/basin.h5"
  bad() { # name expected_exit message args...
    local name=$1 code=$2 message=$3
    shift 3
    run "$name" "$code" "$@"
    expect_text "$name message" "$scratch/err" "$message"
    expect_no_file "$name" "$out"
  }
  bad "interior nodata hole" 4 \
    "wcsim-import: error: bad/hole.asc: DEM has an interior nodata hole of 1 cell(s) at row 2, column 2 (x=500250.0, y=4400250.0 m)" \
    --dem bad/hole.asc -o "$out"
  bad "non-square cells" 4 \
    "wcsim-import: error: the DEM bad/nonsquare.asc has non-square cells of 100 x 50 m (width x height)" \
    --dem bad/nonsquare.asc -o "$out"
  bad "flat DEM" 4 "wcsim-import: error: bad/flat.asc: DEM has no relief: all 20 valid cells have elevation 7 m" \
    --dem bad/flat.asc -o "$out"
  bad "all-nodata DEM" 4 "wcsim-import: error: bad/allnodata.asc: DEM has no relief: it has no valid cell at all" \
    --dem bad/allnodata.asc -o "$out"
  bad "land use on another grid" 4 \
    "the land-use raster bad/landuse_wronggrid.asc is not on the DEM's grid: it has 3 x 5 cells of 100 m from (x=500000.000, y=4400400.000 m), the DEM valley.asc has 4 x 5 cells of 100 m" \
    --dem valley.asc --landuse bad/landuse_wronggrid.asc -o "$out"
  bad "jurisdictions on another grid" 4 "the jurisdiction raster bad/landuse_wronggrid.asc is not on the DEM's grid" \
    --dem valley.asc --jurisdictions bad/landuse_wronggrid.asc -o "$out"
  bad "section outside the grid" 4 \
    "bad/sections_outside.csv:3: section 'far': section point (x=400000.0, y=4400000.0 m) lies outside the grid" \
    --dem valley.asc --sections bad/sections_outside.csv -o "$out"
  bad "section beyond the radius" 4 \
    "bad/sections_corner.csv:3: section 'corner': section point (x=500050.0, y=4400350.0 m) lies outside the basin (nodata cell row 0, column 0); the nearest basin cell is row 1, column 0 (x=500050.0, y=4400250.0 m) at 100.0 m, beyond the search radius of 50.0 m" \
    --dem valley.asc --sections bad/sections_corner.csv --snap-radius 50 -o "$out"
  bad "sections line too short" 4 "bad/sections_short_line.csv:3: 2 field(s), but the header has 3 columns" \
    --dem valley.asc --sections bad/sections_short_line.csv -o "$out"
  bad "sections bad number" 4 "bad/sections_not_number.csv:4: x '5002x0' is not a number" \
    --dem valley.asc --sections bad/sections_not_number.csv -o "$out"
  bad "sections bad header" 4 "bad/sections_bad_header.csv:1: unknown column 'east' in the header" \
    --dem valley.asc --sections bad/sections_bad_header.csv -o "$out"
  bad "direction cycle" 4 \
    "wcsim-import: error: bad/flowdir_cycle.asc: flow directions form a cycle of 2 cells through row 0, column 2 (x=500250.0, y=4400350.0 m), which points S to row 1, column 2" \
    --dem valley.asc --flow-direction bad/flowdir_cycle.asc -o "$out"
  bad "geographic DEM without --epsg" 4 "the DEM valley_lonlat.asc is in geographic coordinates" \
    --dem valley_lonlat.asc -o "$out"
  bad "land-use class not in the table" 4 \
    "the land-use raster valley_landuse.asc has class 2 at row 2, column 0 (x=500050.0, y=4400150.0 m), which the land-use table bad/landuse_one_class.csv does not list" \
    --dem valley.asc --landuse valley_landuse.asc --landuse-table bad/landuse_one_class.csv -o "$out"
  bad "jurisdiction parent unknown" 4 \
    "bad/jurisdictions_bad_parent.csv:3: parent_id 77 of jurisdiction 1 ('Chengde') is not in the table" \
    --dem valley.asc --jurisdiction-table bad/jurisdictions_bad_parent.csv -o "$out"
  bad "missing DEM" 5 "wcsim-import: error: cannot read the DEM no-such.asc: No such file or directory" \
    --dem no-such.asc -o "$out"
  bad "not a raster" 4 "the DEM landuse.csv is not a raster GDAL can read" --dem landuse.csv -o "$out"
  bad "unknown option" 2 "unknown option '--demm'; did you mean '--dem'?" --demm valley.asc -o "$out"
  bad "no output" 2 "no output given: -o BASIN.h5 is required" --dem valley.asc
  bad "bad number option" 2 "--snap-radius: 'far' is not a number" --dem valley.asc --snap-radius far -o "$out"
  bad "stray argument" 2 "unexpected argument 'valley.asc'" valley.asc -o "$out"
  run "unwritable output" 5 --dem valley.asc -o "$scratch/no-such-dir/basin.h5"
  expect_text "unwritable message" "$scratch/err" "cannot create the basin file $scratch/no-such-dir/basin.h5.partial: No such file or directory"
  # A failed import leaves an existing basin file as it was.
  echo "previous basin" >"$out"
  run "failure keeps the old file" 4 --dem bad/hole.asc -o "$out"
  [[ $(cat "$out") == "previous basin" && ! -e "$out.partial" ]] && passed=$((passed + 1)) || {
    failed=$((failed + 1)); echo "FAIL the old file was touched"; }
fi

echo "test_import.sh $mode: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
