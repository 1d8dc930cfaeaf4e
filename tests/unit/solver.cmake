# Solver tests (solvers/): the N_Vector conformance suite and the integrator against
# analytic solutions. Included from tests/CMakeLists.txt. Both programs initialise MPI
# (the vector and the integrator live on a communicator), so they get the OpenMPI
# variables even when run serially, and run again under mpiexec -n 2.
wc_add_unit_test(NAME test_solver_nvector
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_solver_nvector.c
                 LIBS wcsim_solvers
                 LABELS unit)
wc_add_unit_test(NAME test_solver
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_solver.c
                 LIBS wcsim_solvers
                 LABELS unit)
set_tests_properties(test_solver_nvector test_solver PROPERTIES ENVIRONMENT "${WCSIM_MPI_TEST_ENV}")
add_mpi_test(NAME test_solver_nvector_np2 NPROCS 2 COMMAND $<TARGET_FILE:test_solver_nvector>)
add_mpi_test(NAME test_solver_np2 NPROCS 2 COMMAND $<TARGET_FILE:test_solver>)
