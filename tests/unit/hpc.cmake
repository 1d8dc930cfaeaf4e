# Decomposition of the drainage graph and the halo plans (hpc/), serially. The exchange
# itself runs under mpiexec: tests/mpi/mpi.cmake.
wc_add_unit_test(NAME test_partition
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_partition.c
                 LIBS wcsim_hpc
                 LABELS unit)
