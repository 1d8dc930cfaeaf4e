# Basin geography: .geo reader, UTM projection, polygon and polyline rasterizers.
# Plain C + libm, like the rest of wcsim_model.
target_sources(wcsim_model PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/wc_geo.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_polygon.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_utm.c)
target_include_directories(wcsim_model PUBLIC ${CMAKE_CURRENT_LIST_DIR})
