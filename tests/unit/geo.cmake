# Basin geography: UTM against PROJ reference points, polygon tools, the built-in .geo
# files (areas against the published catchments), and file:line errors.
wc_add_unit_test(NAME test_geo SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_geo.c
                 LIBS wcsim_model LABELS unit)
