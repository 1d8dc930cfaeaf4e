# Built-in basins against the published drainage areas.
wc_add_unit_test(NAME test_builtin SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_builtin.c LIBS wcsim_model
                 LABELS "unit;regression")
