# Section and reservoir-inflow series, water and nitrogen budgets.
target_sources(wcsim_model PRIVATE ${CMAKE_CURRENT_LIST_DIR}/wc_accounting.c)
target_include_directories(wcsim_model PUBLIC ${CMAKE_CURRENT_LIST_DIR})
# Stations restricted to a rank's cells (MPI decomposition).
target_sources(wcsim_model PRIVATE ${CMAKE_CURRENT_LIST_DIR}/wc_accounting_local.c)
