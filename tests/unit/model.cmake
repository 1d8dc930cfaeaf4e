# The water and nitrogen model.
wc_add_unit_test(NAME test_model_cell SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_model_cell.c LIBS wcsim_io)
