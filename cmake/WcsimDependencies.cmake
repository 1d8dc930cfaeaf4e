# Every external dependency, found once, as imported targets.
find_package(PkgConfig REQUIRED)

find_package(MPI REQUIRED COMPONENTS C)

# Parallel HDF5: the simulator writes collectively, so a serial HDF5 is an error, not a
# fallback. (GDAL links the serial library; it stays in wcsim-import.)
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "The HDF5 found (${HDF5_C_LIBRARIES}) is serial; wcsim needs parallel HDF5.\n"
    "On Debian: apt-get install libhdf5-openmpi-dev (tools/install-deps does this).")
endif()
if(NOT TARGET HDF5::HDF5)
  add_library(HDF5::HDF5 INTERFACE IMPORTED)
  target_include_directories(HDF5::HDF5 INTERFACE ${HDF5_C_INCLUDE_DIRS})
  target_link_libraries(HDF5::HDF5 INTERFACE ${HDF5_C_LIBRARIES})
  target_compile_definitions(HDF5::HDF5 INTERFACE ${HDF5_C_DEFINITIONS})
endif()

# SUNDIALS: CVODES (CVODE plus quadratures, which integrate the budgets) and the MPI-parallel
# N_Vector. 6.4's nvecparallel target carries no MPI
# usage requirements, so whoever links it also links MPI::MPI_C.
find_package(SUNDIALS REQUIRED COMPONENTS cvodes nvecparallel
             HINTS /usr/lib/x86_64-linux-gnu/cmake/sundials)
if(SUNDIALS_VERSION VERSION_LESS 6.0)
  message(FATAL_ERROR "wcsim needs SUNDIALS >= 6.0 (found ${SUNDIALS_VERSION})")
endif()

pkg_check_modules(CUNIT IMPORTED_TARGET cunit)
pkg_check_modules(FYAML REQUIRED IMPORTED_TARGET libfyaml)

find_library(MATH_LIBRARY m)
