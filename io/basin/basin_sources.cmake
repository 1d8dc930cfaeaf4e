# The basin-file sources, listed once: basin_io.cmake builds them into wcsim_io (parallel
# HDF5) and import/CMakeLists.txt builds them again against the serial HDF5 that GDAL uses.
set(WCSIM_BASIN_FILE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/wc_basin_h5.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_basin_file_write.c
  ${CMAKE_CURRENT_LIST_DIR}/wc_basin_file_read.c)
