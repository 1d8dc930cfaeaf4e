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
