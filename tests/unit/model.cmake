# The water and nitrogen model.
wc_add_unit_test(NAME test_model_cell SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_model_cell.c LIBS wcsim_io)
if(TARGET wcsim_solvers)
  wc_add_unit_test(NAME test_model_physics SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_model_physics.c
                   LIBS wcsim_solvers wcsim_io LABELS "unit;regression")
endif()
if(TARGET wcsim_solvers)
  wc_add_unit_test(NAME test_simulation SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_simulation.c
                   LIBS wcsim_solvers wcsim_io LABELS "unit;regression")
endif()
