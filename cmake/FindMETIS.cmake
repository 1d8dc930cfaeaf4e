# FindMETIS — the METIS graph partitioner (Debian: libmetis-dev).
#
# Defines METIS_FOUND, METIS_INCLUDE_DIR, METIS_LIBRARY and the imported target METIS::METIS.
# wcsim passes 32-bit indices (int32_t) to METIS, so a METIS built with IDXTYPEWIDTH 64 is
# reported as not found.
find_path(METIS_INCLUDE_DIR metis.h PATH_SUFFIXES metis)
find_library(METIS_LIBRARY metis)

set(METIS_IDX_32 FALSE)
if(METIS_INCLUDE_DIR)
  file(STRINGS "${METIS_INCLUDE_DIR}/metis.h" _metis_width REGEX "^#define IDXTYPEWIDTH ")
  if(_metis_width MATCHES "IDXTYPEWIDTH 32")
    set(METIS_IDX_32 TRUE)
  endif()
  file(STRINGS "${METIS_INCLUDE_DIR}/metis.h" _metis_major REGEX "^#define METIS_VER_MAJOR ")
  file(STRINGS "${METIS_INCLUDE_DIR}/metis.h" _metis_minor REGEX "^#define METIS_VER_MINOR ")
  string(REGEX REPLACE ".* ([0-9]+).*" "\\1" _metis_major "${_metis_major}")
  string(REGEX REPLACE ".* ([0-9]+).*" "\\1" _metis_minor "${_metis_minor}")
  set(METIS_VERSION "${_metis_major}.${_metis_minor}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(METIS REQUIRED_VARS METIS_LIBRARY METIS_INCLUDE_DIR METIS_IDX_32
                                  VERSION_VAR METIS_VERSION)
if(METIS_FOUND AND NOT TARGET METIS::METIS)
  add_library(METIS::METIS UNKNOWN IMPORTED)
  set_target_properties(METIS::METIS PROPERTIES IMPORTED_LOCATION "${METIS_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${METIS_INCLUDE_DIR}")
endif()
mark_as_advanced(METIS_INCLUDE_DIR METIS_LIBRARY)
