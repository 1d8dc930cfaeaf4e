# Basin tests (model/basin, io/basin, import/). Included from tests/CMakeLists.txt.
wc_add_unit_test(NAME test_basin
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_basin.c
                         ${CMAKE_CURRENT_LIST_DIR}/test_basin_common.c
                 LIBS wcsim_model
                 LABELS unit)
wc_add_unit_test(NAME test_basin_file
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_basin_file.c
                         ${CMAKE_CURRENT_LIST_DIR}/test_basin_common.c
                 LIBS wcsim_io
                 LABELS unit)

# wcsim-import end to end (needs GDAL; skipped when the importer is not built).
if(TARGET wcsim-import)
  set(WCSIM_IMPORT_SCRIPT ${PROJECT_SOURCE_DIR}/tests/import/test_import.sh)
  # Imports the hand-made valley of tests/import five ways; test_basin_import reads them.
  add_test(NAME import_valley
           COMMAND ${WCSIM_IMPORT_SCRIPT} good $<TARGET_FILE:wcsim-import> ${PROJECT_SOURCE_DIR}
                   ${PROJECT_BINARY_DIR}/test-scratch/import)
  set_tests_properties(import_valley PROPERTIES LABELS "unit;regression"
                       FIXTURES_SETUP basin_import_files)
  # Every kind of bad input: exit code, message, no basin file left behind.
  add_test(NAME import_bad_input
           COMMAND ${WCSIM_IMPORT_SCRIPT} bad $<TARGET_FILE:wcsim-import> ${PROJECT_SOURCE_DIR})
  set_tests_properties(import_bad_input PROPERTIES LABELS "unit;regression")
  wc_add_unit_test(NAME test_basin_import
                   SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_basin_import.c
                           ${CMAKE_CURRENT_LIST_DIR}/test_basin_common.c
                   LIBS wcsim_io
                   LABELS unit regression)
  set_tests_properties(test_basin_import PROPERTIES FIXTURES_REQUIRED basin_import_files)
endif()
