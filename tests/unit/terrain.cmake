# Terrain unit tests (model/terrain). Included from tests/CMakeLists.txt.
wc_add_unit_test(NAME test_terrain
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_terrain.c
                 LIBS wcsim_model
                 LABELS unit)
# 2000 x 2000 DEM through the whole pipeline: prints timings, checks conservation only
# (no timing assertion). Kept out of the default unit run.
wc_add_unit_test(NAME test_terrain_bench
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_terrain_bench.c
                 LIBS wcsim_model
                 LABELS slow)
