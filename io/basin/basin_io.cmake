# io/basin: the HDF5 basin file (docs/basin-file.md). Included from io/CMakeLists.txt.
include(${CMAKE_CURRENT_LIST_DIR}/basin_sources.cmake)
target_sources(wcsim_io PRIVATE ${WCSIM_BASIN_FILE_SOURCES})
target_include_directories(wcsim_io PUBLIC ${CMAKE_CURRENT_LIST_DIR})
