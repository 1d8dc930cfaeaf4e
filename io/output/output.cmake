# Outputs: CSV series and budgets (the HDF5 results file comes with the results issue).
target_sources(wcsim_io PRIVATE ${CMAKE_CURRENT_LIST_DIR}/wc_series_csv.c)
target_include_directories(wcsim_io PUBLIC ${CMAKE_CURRENT_LIST_DIR})
