# model/basin: the in-memory basin (layers, tables, drainage graph), the terrain pipeline
# applied to it, and its summary. Included from model/CMakeLists.txt.
target_sources(wcsim_model PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/wc_basin.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_basin_check.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_basin_terrain.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_basin_summary.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_jurisdiction_names.c)
target_include_directories(wcsim_model PUBLIC ${CMAKE_CURRENT_LIST_DIR})
