# Water and total nitrogen on the drainage graph (docs/model.md).
target_sources(wcsim_model PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/wc_parameters.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_model.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_cell_rhs.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_cell_jacobian.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_water_use.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_budget_rows.c)
target_include_directories(wcsim_model PUBLIC ${CMAKE_CURRENT_LIST_DIR})
# A rank's share of the model (MPI decomposition).
target_sources(wcsim_model PRIVATE ${CMAKE_CURRENT_LIST_DIR}/wc_model_local.c)
