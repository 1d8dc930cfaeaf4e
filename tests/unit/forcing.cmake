# Forcing (docs/forcing.md): the weather generator and its climate files (model), station
# CSV files interpolated to cells (io). Test data: tests/forcing/.
wc_add_unit_test(NAME test_forcing_generator
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_forcing_generator.c
                 LIBS wcsim_model LABELS unit)
wc_add_unit_test(NAME test_forcing_stations
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_forcing_stations.c
                 LIBS wcsim_io LABELS unit)
