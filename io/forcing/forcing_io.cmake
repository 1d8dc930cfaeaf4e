# io/forcing: station CSV files read into a wc_forcing (docs/forcing.md). Included from
# io/CMakeLists.txt. Plain stdio; the interpolation math lives in model/forcing.
target_sources(wcsim_io PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/wc_station_csv.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_forcing_stations.c)
target_include_directories(wcsim_io PUBLIC ${CMAKE_CURRENT_LIST_DIR})
