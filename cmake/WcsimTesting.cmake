# Test helpers: CUnit suites as ctest tests, with labels (unit, mpi, regression, slow).
#
# wc_add_unit_test(NAME n SOURCES s... [LIBS l...] [LABELS l...] [ARGS a...])
#   builds tests/<n> from the sources plus the CUnit runner, registers it with ctest.
# add_mpi_test(NAME n NPROCS p COMMAND cmd... [LABELS l...])
#   runs cmd under mpiexec -n p, with the OpenMPI root/oversubscribe variables set so it
#   runs as root in CI and with more ranks than cores.

set(WCSIM_MPI_TEST_ENV
    OMPI_ALLOW_RUN_AS_ROOT=1
    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    OMPI_MCA_rmaps_base_oversubscribe=1
    # Loopback-only machines: keep OpenMPI off interfaces it cannot use.
    OMPI_MCA_btl=self,vader
    OMPI_MCA_btl_vader_single_copy_mechanism=none)

if(NOT TARGET PkgConfig::CUNIT)
  message(FATAL_ERROR "CUnit not found (pkg-config cunit). On Debian: apt-get install libcunit1-dev")
endif()

add_library(wcsim_test_support STATIC ${PROJECT_SOURCE_DIR}/tests/support/wc_test.c)
target_include_directories(wcsim_test_support PUBLIC ${PROJECT_SOURCE_DIR}/tests/support)
target_link_libraries(wcsim_test_support PUBLIC PkgConfig::CUNIT wcsim_model MPI::MPI_C)
target_compile_definitions(wcsim_test_support PRIVATE
    WCSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}" WCSIM_BINARY_DIR="${PROJECT_BINARY_DIR}")

function(wc_add_unit_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE wcsim_test_support ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE
      WCSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}" WCSIM_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}"
      WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
endfunction()

function(add_mpi_test)
  cmake_parse_arguments(T "" "NAME;NPROCS;TIMEOUT" "COMMAND;LABELS" ${ARGN})
  add_test(NAME ${T_NAME}
           COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${T_NPROCS}
                   ${MPIEXEC_PREFLAGS} ${T_COMMAND} ${MPIEXEC_POSTFLAGS})
  if(NOT T_LABELS)
    set(T_LABELS mpi)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
      ENVIRONMENT "${WCSIM_MPI_TEST_ENV}" PROCESSORS ${T_NPROCS}
      WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
endfunction()
