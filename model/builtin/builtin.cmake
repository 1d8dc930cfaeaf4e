# Built-in basins: terrain synthesized from real geography (scenarios/basins/*.geo).
target_sources(wcsim_model PRIVATE ${CMAKE_CURRENT_LIST_DIR}/wc_builtin_basin.c
                                   ${CMAKE_CURRENT_LIST_DIR}/wc_builtin_names.c)
target_include_directories(wcsim_model PUBLIC ${CMAKE_CURRENT_LIST_DIR})
