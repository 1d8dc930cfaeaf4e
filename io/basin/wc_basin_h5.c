/* wc_basin_h5.c — HDF5 attribute and dataset helpers for the basin file. */
#include "wc_basin_h5.h"

#include "wc_basin.h"

#include <stdlib.h>
#include <string.h>

/* In-file types are fixed little-endian so a file reads the same everywhere. */
static hid_t file_type(wc_bh5_kind kind) {
  switch (kind) {
  case WC_BH5_INT8: return H5T_STD_I8LE;
  case WC_BH5_UINT8: return H5T_STD_U8LE;
  case WC_BH5_INT32: return H5T_STD_I32LE;
  case WC_BH5_DOUBLE: return H5T_IEEE_F64LE;
  case WC_BH5_STRING: break;
  }
  return -1;
}

static hid_t memory_type(wc_bh5_kind kind) {
  switch (kind) {
  case WC_BH5_INT8: return H5T_NATIVE_INT8;
  case WC_BH5_UINT8: return H5T_NATIVE_UINT8;
  case WC_BH5_INT32: return H5T_NATIVE_INT32;
  case WC_BH5_DOUBLE: return H5T_NATIVE_DOUBLE;
  case WC_BH5_STRING: break;
  }
  return -1;
}

static const char *kind_name(wc_bh5_kind kind) {
  switch (kind) {
  case WC_BH5_INT8:
  case WC_BH5_UINT8:
  case WC_BH5_INT32: return "integer";
  case WC_BH5_DOUBLE: return "number";
  case WC_BH5_STRING: return "string";
  }
  return "?";
}

/* Whether a stored type class can be read as `kind` without losing meaning. */
static bool class_fits(H5T_class_t cls, wc_bh5_kind kind) {
  switch (kind) {
  case WC_BH5_DOUBLE: return cls == H5T_FLOAT || cls == H5T_INTEGER;
  case WC_BH5_STRING: return cls == H5T_STRING;
  default: return cls == H5T_INTEGER;
  }
}

/* A variable-length UTF-8 string type (caller closes). */
static hid_t vlen_string_type(void) {
  hid_t type = H5Tcopy(H5T_C_S1);
  if (type < 0) return type;
  if (H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
    H5Tclose(type);
    return -1;
  }
  return type;
}

bool wc_bh5_exists(hid_t loc, const char *name) { return H5Lexists(loc, name, H5P_DEFAULT) > 0; }

wc_status wc_bh5_group_open(hid_t loc, const char *path, hid_t *group) {
  WC_CHECK(wc_bh5_exists(loc, path), WC_ERR_INPUT, "group %s is missing", path);
  WC_H5_ID(*group, H5Gopen2(loc, path, H5P_DEFAULT), path);
  return WC_OK;
}

/* ---- attributes -------------------------------------------------------------------------- */

wc_status wc_bh5_attr_write(hid_t obj, const char *name, wc_bh5_kind kind, const void *value) {
  hid_t space = -1, attr = -1;
  wc_status status = WC_OK;
  WC_BH5_GOTO(status, done, space = H5Screate(H5S_SCALAR));
  WC_BH5_GOTO(status, done,
              attr = H5Acreate2(obj, name, file_type(kind), space, H5P_DEFAULT, H5P_DEFAULT));
  WC_BH5_GOTO(status, done, H5Awrite(attr, memory_type(kind), value));
done:
  if (attr >= 0) H5Aclose(attr);
  if (space >= 0) H5Sclose(space);
  return status;
}

wc_status wc_bh5_attr_write_string(hid_t obj, const char *name, const char *value) {
  hid_t space = -1, type = -1, attr = -1;
  wc_status status = WC_OK;
  /* Fixed length (strlen + 1, NUL-terminated): what h5dump and netCDF show as text. */
  WC_BH5_GOTO(status, done, type = H5Tcopy(H5T_C_S1));
  WC_BH5_GOTO(status, done, H5Tset_size(type, strlen(value) + 1));
  WC_BH5_GOTO(status, done, H5Tset_strpad(type, H5T_STR_NULLTERM));
  WC_BH5_GOTO(status, done, H5Tset_cset(type, H5T_CSET_UTF8));
  WC_BH5_GOTO(status, done, space = H5Screate(H5S_SCALAR));
  WC_BH5_GOTO(status, done, attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
  WC_BH5_GOTO(status, done, H5Awrite(attr, type, value));
done:
  if (attr >= 0) H5Aclose(attr);
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  return status;
}

/* Open attribute `name`, checking that it exists, is a scalar (or one element) and holds
 * `kind` values. */
static wc_status attr_open(hid_t obj, const char *where, const char *name, wc_bh5_kind kind,
                           hid_t *attr) {
  *attr = -1;
  WC_CHECK(H5Aexists(obj, name) > 0, WC_ERR_INPUT, "attribute %s of %s is missing", name, where);
  hid_t a = -1, type = -1, space = -1;
  wc_status status = WC_OK;
  WC_BH5_GOTO(status, done, a = H5Aopen(obj, name, H5P_DEFAULT));
  WC_BH5_GOTO(status, done, type = H5Aget_type(a));
  WC_BH5_GOTO(status, done, space = H5Aget_space(a));
  hssize_t count = H5Sget_simple_extent_npoints(space);
  if (count != 1 || !class_fits(H5Tget_class(type), kind)) {
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "attribute %s of %s must be a single %s", name, where, kind_name(kind));
    goto done;
  }
  *attr = a;
  a = -1;
done:
  if (a >= 0) H5Aclose(a);
  if (type >= 0) H5Tclose(type);
  if (space >= 0) H5Sclose(space);
  return status;
}

wc_status wc_bh5_attr_read(hid_t obj, const char *where, const char *name, wc_bh5_kind kind,
                           void *value) {
  hid_t attr = -1;
  WC_CALL(attr_open(obj, where, name, kind, &attr));
  wc_status status = WC_OK;
  WC_BH5_GOTO(status, done, H5Aread(attr, memory_type(kind), value));
done:
  H5Aclose(attr);
  return status;
}

wc_status wc_bh5_attr_read_string(hid_t obj, const char *where, const char *name, char **value) {
  *value = NULL;
  hid_t attr = -1, type = -1, mem = -1;
  WC_CALL(attr_open(obj, where, name, WC_BH5_STRING, &attr));
  wc_status status = WC_OK;
  WC_BH5_GOTO(status, done, type = H5Aget_type(attr));
  WC_BH5_GOTO(status, done, mem = H5Tcopy(type));
  if (H5Tis_variable_str(type) > 0) {
    char *text = NULL;
    WC_BH5_GOTO(status, done, H5Aread(attr, mem, &text));
    *value = strdup(text ? text : "");
    H5free_memory(text);
  } else {
    size_t size = H5Tget_size(type);
    char *text = calloc(size + 1, 1);
    if (text == NULL) {
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for %s", name);
      goto done;
    }
    status = wc_hdf5_status(H5Aread(attr, mem, text), __FILE__, __LINE__, "H5Aread", NULL);
    if (status == WC_OK) *value = strdup(text);
    free(text);
    if (status != WC_OK) goto done;
  }
  if (*value == NULL)
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for %s", name);
done:
  if (mem >= 0) H5Tclose(mem);
  if (type >= 0) H5Tclose(type);
  H5Aclose(attr);
  return status;
}

wc_status wc_bh5_attr_read_string_or(hid_t obj, const char *where, const char *name,
                                     const char *fallback, char **value) {
  if (H5Aexists(obj, name) > 0) return wc_bh5_attr_read_string(obj, where, name, value);
  *value = strdup(fallback);
  WC_CHECK(*value != NULL, WC_ERR_MEMORY, "out of memory for %s", name);
  return WC_OK;
}

/* ---- datasets ---------------------------------------------------------------------------- */

static wc_status set_layout(hid_t dcpl, wc_bh5_kind kind, int rank, const hsize_t *dims,
                            const wc_bh5_meta *meta) {
  if (meta != NULL && meta->nodata != NULL && kind != WC_BH5_STRING)
    WC_H5_CALL(H5Pset_fill_value(dcpl, memory_type(kind), meta->nodata), NULL);
  bool empty = false;
  for (int d = 0; d < rank; d++) empty = empty || dims[d] == 0;
  if (meta == NULL || !meta->compress || empty) return WC_OK;
  /* 256 x 256 chunks: a few hundred kB, small enough that reading a sub-window is cheap. */
  hsize_t chunk[2];
  for (int d = 0; d < rank; d++) chunk[d] = dims[d] < 256 ? dims[d] : 256;
  WC_H5_CALL(H5Pset_chunk(dcpl, rank, chunk), NULL);
  if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
    WC_H5_CALL(H5Pset_shuffle(dcpl), NULL);
    WC_H5_CALL(H5Pset_deflate(dcpl, 4), NULL);
  }
  return WC_OK;
}

wc_status wc_bh5_write(hid_t loc, const char *name, wc_bh5_kind kind, int rank,
                       const hsize_t *dims, const void *data, const wc_bh5_meta *meta) {
  hid_t space = -1, dcpl = -1, dset = -1, type = -1;
  wc_status status = WC_OK;
  hsize_t count = 1;
  for (int d = 0; d < rank; d++) count *= dims[d];
  if (kind == WC_BH5_STRING) {
    WC_BH5_GOTO(status, done, type = vlen_string_type());
  } else {
    WC_BH5_GOTO(status, done, type = H5Tcopy(file_type(kind)));
  }
  WC_BH5_GOTO(status, done, space = H5Screate_simple(rank, dims, NULL));
  WC_BH5_GOTO(status, done, dcpl = H5Pcreate(H5P_DATASET_CREATE));
  WC_CALL_GOTO(status, done, set_layout(dcpl, kind, rank, dims, meta));
  WC_BH5_GOTO(status, done, dset = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl,
                                              H5P_DEFAULT));
  if (count > 0) {
    hid_t mem = kind == WC_BH5_STRING ? type : memory_type(kind);
    WC_BH5_GOTO(status, done, H5Dwrite(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
  }
  if (meta != NULL && meta->units != NULL)
    WC_CALL_GOTO(status, done, wc_bh5_attr_write_string(dset, "units", meta->units));
  if (meta != NULL && meta->long_name != NULL)
    WC_CALL_GOTO(status, done, wc_bh5_attr_write_string(dset, "long_name", meta->long_name));
  if (meta != NULL && meta->nodata != NULL && kind != WC_BH5_STRING)
    WC_CALL_GOTO(status, done, wc_bh5_attr_write(dset, "nodata", kind, meta->nodata));
done:
  if (dset >= 0) H5Dclose(dset);
  if (dcpl >= 0) H5Pclose(dcpl);
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  return status;
}

wc_status wc_bh5_shape(hid_t loc, const char *where, const char *name, wc_bh5_kind kind,
                       int rank, hsize_t *dims) {
  const char *sep = strcmp(where, "/") == 0 ? "" : "/";
  WC_CHECK(wc_bh5_exists(loc, name), WC_ERR_INPUT, "dataset %s%s%s is missing", where, sep,
           name);
  hid_t dset = -1, type = -1, space = -1;
  wc_status status = WC_OK;
  WC_BH5_GOTO(status, done, dset = H5Dopen2(loc, name, H5P_DEFAULT));
  WC_BH5_GOTO(status, done, type = H5Dget_type(dset));
  WC_BH5_GOTO(status, done, space = H5Dget_space(dset));
  int stored_rank = H5Sget_simple_extent_ndims(space);
  if (stored_rank != rank) {
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "dataset %s%s%s has %d dimension(s); it must have %d", where, sep, name,
                          stored_rank, rank);
    goto done;
  }
  H5Sget_simple_extent_dims(space, dims, NULL);
  if (!class_fits(H5Tget_class(type), kind))
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "dataset %s%s%s must hold %s values", where, sep, name,
                          kind_name(kind));
done:
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  if (dset >= 0) H5Dclose(dset);
  return status;
}

/* Strings of either layout, copied into malloc'ed C strings. */
static wc_status read_strings(hid_t dset, hid_t type, hssize_t count, char **out) {
  hid_t mem = -1;
  wc_status status = WC_OK;
  void *buffer = NULL;
  WC_BH5_GOTO(status, done, mem = H5Tcopy(type));
  bool variable = H5Tis_variable_str(type) > 0;
  size_t width = variable ? sizeof(char *) : H5Tget_size(type);
  buffer = calloc((size_t)count, width + (variable ? 0 : 1));
  if (buffer == NULL) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for %lld strings",
                          (long long)count);
    goto done;
  }
  WC_BH5_GOTO(status, done, H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer));
  for (hssize_t i = 0; i < count && status == WC_OK; i++) {
    const char *text = variable ? ((char **)buffer)[i] : (char *)buffer + (size_t)i * width;
    out[i] = variable ? strdup(text ? text : "") : strndup(text, width);
    if (out[i] == NULL)
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for a string");
  }
  if (variable) {
    hid_t space = H5Dget_space(dset);
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, buffer);
    H5Sclose(space);
  }
done:
  free(buffer);
  if (mem >= 0) H5Tclose(mem);
  return status;
}

wc_status wc_bh5_read(hid_t loc, const char *where, const char *name, wc_bh5_kind kind,
                      void *data) {
  (void)where;
  hid_t dset = -1, type = -1, space = -1;
  wc_status status = WC_OK;
  WC_BH5_GOTO(status, done, dset = H5Dopen2(loc, name, H5P_DEFAULT));
  WC_BH5_GOTO(status, done, space = H5Dget_space(dset));
  hssize_t count = H5Sget_simple_extent_npoints(space);
  if (count <= 0) goto done;
  if (kind == WC_BH5_STRING) {
    WC_BH5_GOTO(status, done, type = H5Dget_type(dset));
    WC_CALL_GOTO(status, done, read_strings(dset, type, count, data));
  } else {
    WC_BH5_GOTO(status, done, H5Dread(dset, memory_type(kind), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                      data));
  }
done:
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  if (dset >= 0) H5Dclose(dset);
  return status;
}

wc_status wc_bh5_read_column(hid_t group, const char *where, const char *name, wc_bh5_kind kind,
                             hsize_t n, const char *first, void *data) {
  hsize_t dims[1] = {0};
  WC_CALL(wc_bh5_shape(group, where, name, kind, 1, dims));
  WC_CHECK(dims[0] == n, WC_ERR_INPUT,
           "dataset %s/%s has %llu entries but %s/%s has %llu; every column of a table has one "
           "entry per row",
           where, name, (unsigned long long)dims[0], where, first, (unsigned long long)n);
  WC_CALL(wc_bh5_read(group, where, name, kind, data));
  return WC_OK;
}

wc_bh5_kind wc_bh5_layer_kind(int type) {
  switch ((wc_basin_layer_type)type) {
  case WC_LAYER_F64: return WC_BH5_DOUBLE;
  case WC_LAYER_I32: return WC_BH5_INT32;
  case WC_LAYER_I8: return WC_BH5_INT8;
  case WC_LAYER_U8: return WC_BH5_UINT8;
  }
  return WC_BH5_DOUBLE;
}
