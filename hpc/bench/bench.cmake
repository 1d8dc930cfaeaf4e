# Benchmarks: programs that print figures (never timed tests). Included from the top-level
# CMakeLists.txt; CMAKE_CURRENT_LIST_DIR is this folder. Built with the project, run by hand:
#   build/hpc/bench/wc_bench_solver --cells 1000,10000 --days 365
add_executable(wc_bench_solver ${CMAKE_CURRENT_LIST_DIR}/wc_bench_solver.c)
target_link_libraries(wc_bench_solver PRIVATE wcsim_solvers)
set_target_properties(wc_bench_solver PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/hpc/bench)

# Partition methods on the built-in basins (docs/hpc.md, "Decomposition"):
#   build/hpc/bench/wc_bench_partition --cell-sizes 1000,500 --ranks 2,4,16,64,256,1000
add_executable(wc_bench_partition ${CMAKE_CURRENT_LIST_DIR}/wc_bench_partition.c)
target_link_libraries(wc_bench_partition PRIVATE wcsim_hpc)
target_compile_definitions(wc_bench_partition PRIVATE WCSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
set_target_properties(wc_bench_partition PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/hpc/bench)

# One halo exchange three ways (persistent p2p, Ineighbor_alltoallv, Neighbor_alltoallv):
#   mpiexec -n 2 build/hpc/bench/wc_bench_halo --basin chaobai --cell-size 1000
add_executable(wc_bench_halo ${CMAKE_CURRENT_LIST_DIR}/wc_bench_halo.c)
target_link_libraries(wc_bench_halo PRIVATE wcsim_hpc)
target_compile_definitions(wc_bench_halo PRIVATE WCSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
set_target_properties(wc_bench_halo PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/hpc/bench)
