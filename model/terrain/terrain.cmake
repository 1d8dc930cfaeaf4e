# model/terrain: DEM conditioning, D8 directions, the drainage graph, sections.
# Included from model/CMakeLists.txt; CMAKE_CURRENT_LIST_DIR is this folder.
target_sources(wcsim_model PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/wc_grid.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_dem.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_flowdir.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_drainage_graph.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_flow_metrics.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_section.c)
target_include_directories(wcsim_model PUBLIC ${CMAKE_CURRENT_LIST_DIR})
