# Forcing (docs/forcing.md): the forcing object and its ops table, the weather generator
# with its .weather parameter reader, and the station interpolation math. Plain C + libm;
# the station CSV reader is in io/forcing/.
target_sources(wcsim_model PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/wc_forcing.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_idw.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_rng.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_weather_climate.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_weather_generator.c)
target_include_directories(wcsim_model PUBLIC ${CMAKE_CURRENT_LIST_DIR})
