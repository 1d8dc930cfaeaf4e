# The time loop over forcing intervals (wc_simulation): forcing -> model -> integrator.
target_sources(wcsim_solvers PRIVATE ${CMAKE_CURRENT_LIST_DIR}/wc_simulation.c)
