/*
 * wc_basin_h5.h — small HDF5 helpers for the basin file (private to io/basin).
 *
 * Each helper opens and closes its own HDF5 ids, so a failure leaks nothing but what the
 * caller holds. Errors name the object by its path in the file ("/layers/dem"); the basin
 * file functions put the file name in front. Scalars are int32 or double; strings are
 * UTF-8, variable-length in datasets and fixed-length in attributes (either is read).
 */
#ifndef WC_BASIN_H5_H
#define WC_BASIN_H5_H

#include <stdbool.h>
#include <stdint.h>

#include "wc_hdf5.h"
#include "wc_status.h"

typedef enum wc_bh5_kind {
  WC_BH5_INT8 = 0,
  WC_BH5_UINT8,
  WC_BH5_INT32,
  WC_BH5_DOUBLE,
  WC_BH5_STRING, /* data is an array of char * */
} wc_bh5_kind;

/* The HDF5 kind that stores a basin layer of `type` (reader and writer agree through it). */
wc_bh5_kind wc_bh5_layer_kind(int type);

/* Store the id returned by `expr` in `id`, or record the failure (WC_ERR_HDF5) in `status`
 * and jump to `label`; the helpers' cleanup idiom. */
#define WC_BH5_GOTO(status, label, expr)                                                     \
  do {                                                                                       \
    (status) = wc_hdf5_status((int64_t)(expr), __FILE__, __LINE__, #expr, NULL);            \
    if ((status) != WC_OK) goto label;                                                       \
  } while (0)

/* Existence of a link (group or dataset) `name` directly in `loc`. */
bool wc_bh5_exists(hid_t loc, const char *name);

/* Open a group that must exist: WC_ERR_INPUT "group /path is missing" otherwise. */
WC_NODISCARD wc_status wc_bh5_group_open(hid_t loc, const char *path, hid_t *group);

/* Scalar attributes. Writers create; readers fail with WC_ERR_INPUT naming `where` (the
 * object's path) when the attribute is missing or of the wrong kind. */
WC_NODISCARD wc_status wc_bh5_attr_write(hid_t obj, const char *name, wc_bh5_kind kind,
                                         const void *value);
WC_NODISCARD wc_status wc_bh5_attr_write_string(hid_t obj, const char *name, const char *value);
WC_NODISCARD wc_status wc_bh5_attr_read(hid_t obj, const char *where, const char *name,
                                        wc_bh5_kind kind, void *value);
/* *value is malloc'ed (caller frees). */
WC_NODISCARD wc_status wc_bh5_attr_read_string(hid_t obj, const char *where, const char *name,
                                               char **value);
/* As wc_bh5_attr_read_string, but a missing attribute gives a copy of `fallback`. */
WC_NODISCARD wc_status wc_bh5_attr_read_string_or(hid_t obj, const char *where, const char *name,
                                                  const char *fallback, char **value);

typedef struct wc_bh5_meta {
  const char *units;       /* "units" attribute, or NULL */
  const char *long_name;   /* "long_name" attribute, or NULL */
  const void *nodata;      /* one value of the dataset's kind: fill value + "nodata", or NULL */
  bool compress;           /* chunked + shuffle + deflate when the filter is available */
} wc_bh5_meta;

/* Create dataset `name` in `loc` (rank 1 or 2, dims may be 0) and write `data`. */
WC_NODISCARD wc_status wc_bh5_write(hid_t loc, const char *name, wc_bh5_kind kind, int rank,
                                    const hsize_t *dims, const void *data,
                                    const wc_bh5_meta *meta);

/* Shape of dataset `name` in `loc` (`where` is loc's path, for messages): WC_ERR_INPUT
 * when it is missing, not of rank `rank`, or its values are not of `kind` (a double
 * dataset may hold integers; an integer one may not hold floats). */
WC_NODISCARD wc_status wc_bh5_shape(hid_t loc, const char *where, const char *name,
                                    wc_bh5_kind kind, int rank, hsize_t *dims);

/* Read all of dataset `name` (shape checked by the caller with wc_bh5_shape) converting
 * to `kind`. WC_BH5_STRING: data is char *[count], each malloc'ed (caller frees). */
WC_NODISCARD wc_status wc_bh5_read(hid_t loc, const char *where, const char *name,
                                   wc_bh5_kind kind, void *data);

/* A 1-D column of a table group: checks it exists with `kind` values and `n` entries
 * (`first` names the column that set n, for the message), then reads it. */
WC_NODISCARD wc_status wc_bh5_read_column(hid_t group, const char *where, const char *name,
                                          wc_bh5_kind kind, hsize_t n, const char *first,
                                          void *data);

#endif /* WC_BASIN_H5_H */
