# Foundation unit tests.
wc_add_unit_test(NAME test_core SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_core.c LIBS wcsim_model)
wc_add_unit_test(NAME test_scenario SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_scenario.c LIBS wcsim_io)
