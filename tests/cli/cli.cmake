# The executable as users meet it: exit codes, help, broken-file messages, MPI launch.
add_test(NAME cli_serial COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_cli.sh $<TARGET_FILE:wcsim> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli_serial PROPERTIES LABELS "unit;regression")
add_test(NAME cli_mpi_np2 COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_cli.sh $<TARGET_FILE:wcsim> ${PROJECT_SOURCE_DIR}
         ${MPIEXEC_EXECUTABLE})
set_tests_properties(cli_mpi_np2 PROPERTIES LABELS "mpi;regression" PROCESSORS 2 TIMEOUT 600
                     ENVIRONMENT "${WCSIM_MPI_TEST_ENV}")
