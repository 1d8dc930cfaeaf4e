# MPI tests: the same program on several process counts (oversubscribed where needed).
add_executable(test_mpi_agree ${CMAKE_CURRENT_LIST_DIR}/test_mpi_agree.c)
target_link_libraries(test_mpi_agree PRIVATE wcsim_test_support wcsim_hpc)
foreach(np 1 2 3)
  add_mpi_test(NAME test_mpi_agree_np${np} NPROCS ${np} COMMAND $<TARGET_FILE:test_mpi_agree>)
endforeach()

# Halo exchange of the partitioned drainage graph: known values and a forward pass against
# the serial one, on 1..4 ranks (3 and 4 oversubscribe a 2-core machine).
add_executable(test_halo ${CMAKE_CURRENT_LIST_DIR}/test_halo.c)
target_link_libraries(test_halo PRIVATE wcsim_test_support wcsim_hpc)
foreach(np 1 2 3 4)
  add_mpi_test(NAME test_halo_np${np} NPROCS ${np} COMMAND $<TARGET_FILE:test_halo>)
endforeach()

# wcsim run on 1..4 ranks gives the same sections and budgets (within 1e-6 relative; in
# fact bit for bit), budgets close, a failure names the same cell once. np 1 writes the
# reference (fixture); 3 and 4 oversubscribe a 2-core machine.
set(WCSIM_RANKS_WORK ${PROJECT_BINARY_DIR}/tests/ranks)
add_test(NAME ranks_reference
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_ranks.sh $<TARGET_FILE:wcsim> ${PROJECT_SOURCE_DIR}
                 ${MPIEXEC_EXECUTABLE} ${WCSIM_RANKS_WORK} 1)
set_tests_properties(ranks_reference PROPERTIES LABELS "mpi;regression" FIXTURES_SETUP ranks TIMEOUT 120
                     ENVIRONMENT "${WCSIM_MPI_TEST_ENV}")
foreach(np 2 3 4)
  add_test(NAME ranks_np${np}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_ranks.sh $<TARGET_FILE:wcsim> ${PROJECT_SOURCE_DIR}
                   ${MPIEXEC_EXECUTABLE} ${WCSIM_RANKS_WORK} ${np})
  set_tests_properties(ranks_np${np} PROPERTIES LABELS "mpi;regression" FIXTURES_REQUIRED ranks TIMEOUT 180
                       PROCESSORS ${np} ENVIRONMENT "${WCSIM_MPI_TEST_ENV}")
endforeach()

# One basin over the ranks against one process: the outflow contract, rank-local model and
# forcing (Chaobai 5 km), the integrator's halo and pipelined sweep (bit for bit), block
# Jacobi + GMRES, budgets, failures named by global node, cyclic rank graphs refused.
add_executable(test_distributed ${CMAKE_CURRENT_LIST_DIR}/test_distributed.c)
target_link_libraries(test_distributed PRIVATE wcsim_test_support wcsim_solvers wcsim_io wcsim_hpc)
foreach(np 1 2 3 4)
  add_mpi_test(NAME test_distributed_np${np} NPROCS ${np} COMMAND $<TARGET_FILE:test_distributed>
               LABELS "mpi;regression")
endforeach()
