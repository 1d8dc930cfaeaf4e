/* wc_basin_file_write.c — a wc_basin to an HDF5 basin file, atomically (write + rename). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_basin_file.h"
#include "wc_basin_h5.h"

static wc_status write_root_and_grid(hid_t file, const wc_basin *b) {
  int32_t version = WC_BASIN_FORMAT_VERSION;
  WC_CALL(wc_bh5_attr_write_string(file, "wcsim_basin_format", WC_BASIN_FORMAT_TAG));
  WC_CALL(wc_bh5_attr_write(file, "format_version", WC_BH5_INT32, &version));
  WC_CALL(wc_bh5_attr_write_string(file, "name", b->name));
  WC_CALL(wc_bh5_attr_write_string(file, "created_by", b->created_by));
  WC_CALL(wc_bh5_attr_write_string(file, "source", b->source));
  hid_t grid;
  WC_H5_ID(grid, H5Gcreate2(file, "grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/grid");
  wc_status status = WC_OK;
  WC_CALL_GOTO(status, done, wc_bh5_attr_write(grid, "rows", WC_BH5_INT32, &b->grid.rows));
  WC_CALL_GOTO(status, done, wc_bh5_attr_write(grid, "cols", WC_BH5_INT32, &b->grid.cols));
  WC_CALL_GOTO(status, done,
               wc_bh5_attr_write(grid, "x_left_m", WC_BH5_DOUBLE, &b->grid.x_left_m));
  WC_CALL_GOTO(status, done, wc_bh5_attr_write(grid, "y_top_m", WC_BH5_DOUBLE, &b->grid.y_top_m));
  WC_CALL_GOTO(status, done,
               wc_bh5_attr_write(grid, "cell_size_m", WC_BH5_DOUBLE, &b->grid.cell_size_m));
  WC_CALL_GOTO(status, done, wc_bh5_attr_write(grid, "epsg", WC_BH5_INT32, &b->epsg));
  WC_CALL_GOTO(status, done, wc_bh5_attr_write_string(grid, "crs_wkt", b->crs_wkt));
done:
  H5Gclose(grid);
  return status;
}

static wc_status write_layers(hid_t file, const wc_basin *b) {
  hid_t layers;
  WC_H5_ID(layers, H5Gcreate2(file, "layers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/layers");
  const hsize_t dims[2] = {(hsize_t)b->grid.rows, (hsize_t)b->grid.cols};
  const double nan = NAN;
  const int32_t minus_one = -1;
  const int8_t d8_nodata = WC_D8_NODATA;
  const uint8_t zero = 0;
  wc_status status = WC_OK;
  for (int k = 0; k < WC_BASIN_LAYER_COUNT; k++) {
    const wc_basin_layer_info *info = &wc_basin_layers[k];
    const void *nodata = info->type == WC_LAYER_F64   ? (const void *)&nan
                         : info->type == WC_LAYER_I32 ? (const void *)&minus_one
                         : info->type == WC_LAYER_I8  ? (const void *)&d8_nodata
                                                      : (const void *)&zero;
    wc_bh5_meta meta = {info->units, info->description, nodata, true};
    WC_CALL_GOTO(status, done,
                 wc_bh5_write(layers, info->name, wc_bh5_layer_kind(info->type), 2, dims,
                              wc_basin_layer_data_const(b, (wc_basin_layer_id)k), &meta));
  }
  /* The parameters that made two derived layers, kept beside them. */
  hid_t dset = -1;
  WC_BH5_GOTO(status, done, dset = H5Dopen2(layers, "channel", H5P_DEFAULT));
  status = wc_bh5_attr_write(dset, "threshold_km2", WC_BH5_DOUBLE, &b->channel_threshold_km2);
  H5Dclose(dset);
  if (status != WC_OK) goto done;
  WC_BH5_GOTO(status, done, dset = H5Dopen2(layers, "slope", H5P_DEFAULT));
  status = wc_bh5_attr_write(dset, "min_slope", WC_BH5_DOUBLE, &b->min_slope);
  H5Dclose(dset);
done:
  H5Gclose(layers);
  return status;
}

/* A table group of 1-D columns; each column's data is gathered by the caller. */
typedef struct column {
  const char *name;
  wc_bh5_kind kind;
  const char *units;
  const void *data;
} column;

static wc_status write_table(hid_t parent, const char *name, hsize_t rows, const column *columns,
                             int n_columns) {
  hid_t group;
  WC_H5_ID(group, H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name);
  wc_status status = WC_OK;
  for (int k = 0; k < n_columns && status == WC_OK; k++) {
    wc_bh5_meta meta = {columns[k].units, NULL, NULL, false};
    status = wc_bh5_write(group, columns[k].name, columns[k].kind, 1, &rows, columns[k].data,
                          &meta);
  }
  H5Gclose(group);
  return status;
}

/* Column buffers: one allocation per table, carved into typed arrays. */
typedef struct columns_buffer {
  int32_t *i32[4];
  double *f64[5];
  const char **str[3];
} columns_buffer;

static void columns_free(columns_buffer *c) {
  for (int k = 0; k < 4; k++) free(c->i32[k]);
  for (int k = 0; k < 5; k++) free(c->f64[k]);
  for (int k = 0; k < 3; k++) free(c->str[k]);
}

static wc_status columns_alloc(columns_buffer *c, int32_t n, int n_i32, int n_f64, int n_str) {
  memset(c, 0, sizeof *c);
  size_t rows = n > 0 ? (size_t)n : 1;
  for (int k = 0; k < n_i32; k++) c->i32[k] = calloc(rows, sizeof(int32_t));
  for (int k = 0; k < n_f64; k++) c->f64[k] = calloc(rows, sizeof(double));
  for (int k = 0; k < n_str; k++) c->str[k] = calloc(rows, sizeof(char *));
  bool ok = true;
  for (int k = 0; k < n_i32; k++) ok = ok && c->i32[k];
  for (int k = 0; k < n_f64; k++) ok = ok && c->f64[k];
  for (int k = 0; k < n_str; k++) ok = ok && c->str[k];
  if (!ok) {
    columns_free(c);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for a table of %d rows", (int)n);
  }
  return WC_OK;
}

static wc_status write_land_use_and_jurisdictions(hid_t tables, const wc_basin *b) {
  columns_buffer c;
  WC_CALL(columns_alloc(&c, b->n_land_use, 1, 2, 2));
  for (int32_t i = 0; i < b->n_land_use; i++) {
    const wc_land_use_class *l = &b->land_use_classes[i];
    c.i32[0][i] = l->id;
    c.str[0][i] = l->name;
    c.f64[0][i] = l->manning_n;
    c.str[1][i] = l->crop_class;
    c.f64[1][i] = l->impervious_fraction;
  }
  const column land_use[] = {
      {"id", WC_BH5_INT32, NULL, c.i32[0]},       {"name", WC_BH5_STRING, NULL, c.str[0]},
      {"manning_n", WC_BH5_DOUBLE, "s m-1/3", c.f64[0]},
      {"crop_class", WC_BH5_STRING, NULL, c.str[1]},
      {"impervious_fraction", WC_BH5_DOUBLE, "1", c.f64[1]},
  };
  wc_status status = write_table(tables, "land_use", (hsize_t)b->n_land_use, land_use, 5);
  columns_free(&c);
  WC_CALL(status);

  WC_CALL(columns_alloc(&c, b->n_jurisdictions, 2, 0, 2));
  for (int32_t i = 0; i < b->n_jurisdictions; i++) {
    const wc_jurisdiction *j = &b->jurisdictions[i];
    c.i32[0][i] = j->id;
    c.str[0][i] = j->name;
    c.str[1][i] = wc_jurisdiction_level_name(j->level);
    c.i32[1][i] = j->parent_id;
  }
  const column jurisdictions[] = {
      {"id", WC_BH5_INT32, NULL, c.i32[0]},
      {"name", WC_BH5_STRING, NULL, c.str[0]},
      {"level", WC_BH5_STRING, NULL, c.str[1]},
      {"parent_id", WC_BH5_INT32, NULL, c.i32[1]},
  };
  status = write_table(tables, "jurisdictions", (hsize_t)b->n_jurisdictions, jurisdictions, 4);
  columns_free(&c);
  return status;
}

static wc_status write_reservoirs(hid_t file, const wc_basin *b) {
  columns_buffer c;
  WC_CALL(columns_alloc(&c, b->n_reservoirs, 2, 4, 1));
  for (int32_t i = 0; i < b->n_reservoirs; i++) {
    const wc_reservoir *r = &b->reservoirs[i];
    c.str[0][i] = r->name;
    c.i32[0][i] = r->row;
    c.i32[1][i] = r->col;
    c.f64[0][i] = r->capacity_m3;
    c.f64[1][i] = r->normal_pool_level_m;
    c.f64[2][i] = r->min_release_m3_per_s;
    c.f64[3][i] = r->area_at_capacity_km2;
  }
  const column reservoirs[] = {
      {"name", WC_BH5_STRING, NULL, c.str[0]},
      {"row", WC_BH5_INT32, NULL, c.i32[0]},
      {"col", WC_BH5_INT32, NULL, c.i32[1]},
      {"capacity_m3", WC_BH5_DOUBLE, "m3", c.f64[0]},
      {"normal_pool_level_m", WC_BH5_DOUBLE, "m", c.f64[1]},
      {"min_release_m3_per_s", WC_BH5_DOUBLE, "m3/s", c.f64[2]},
      {"area_at_capacity_km2", WC_BH5_DOUBLE, "km2", c.f64[3]},
  };
  wc_status status = write_table(file, "reservoirs", (hsize_t)b->n_reservoirs, reservoirs, 7);
  columns_free(&c);
  return status;
}

static wc_status write_sections(hid_t file, const wc_basin *b) {
  columns_buffer c;
  WC_CALL(columns_alloc(&c, b->n_sections, 4, 3, 1));
  for (int32_t i = 0; i < b->n_sections; i++) {
    const wc_section *s = &b->sections[i];
    c.str[0][i] = s->name;
    c.i32[0][i] = s->row;
    c.i32[1][i] = s->col;
    c.f64[0][i] = s->point_x_m;
    c.f64[1][i] = s->point_y_m;
    c.f64[2][i] = s->snapped_distance_m;
    c.i32[2][i] = s->upstream_jurisdiction;
    c.i32[3][i] = s->downstream_jurisdiction;
  }
  const column sections[] = {
      {"name", WC_BH5_STRING, NULL, c.str[0]},
      {"row", WC_BH5_INT32, NULL, c.i32[0]},
      {"col", WC_BH5_INT32, NULL, c.i32[1]},
      {"point_x_m", WC_BH5_DOUBLE, "m", c.f64[0]},
      {"point_y_m", WC_BH5_DOUBLE, "m", c.f64[1]},
      {"snapped_distance_m", WC_BH5_DOUBLE, "m", c.f64[2]},
      {"upstream_jurisdiction", WC_BH5_INT32, NULL, c.i32[2]},
      {"downstream_jurisdiction", WC_BH5_INT32, NULL, c.i32[3]},
  };
  wc_status status = write_table(file, "sections", (hsize_t)b->n_sections, sections, 8);
  columns_free(&c);
  return status;
}

static wc_status write_graph(hid_t file, const wc_basin *b) {
  const wc_drainage_graph *g = b->graph;
  hid_t group;
  WC_H5_ID(group, H5Gcreate2(file, "graph", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/graph");
  const hsize_t n = (hsize_t)g->n;
  wc_bh5_meta order_meta = {NULL, "grid cell (row * cols + col) of each node, upstream first",
                            NULL, true};
  wc_bh5_meta down_meta = {NULL, "node each node drains to (> its own index), -1 for an outlet",
                           NULL, true};
  wc_status status = WC_OK;
  WC_CALL_GOTO(status, done, wc_bh5_attr_write(group, "n_cells", WC_BH5_INT32, &g->n));
  WC_CALL_GOTO(status, done, wc_bh5_attr_write(group, "n_outlets", WC_BH5_INT32, &g->n_outlets));
  WC_CALL_GOTO(status, done, wc_bh5_write(group, "order", WC_BH5_INT32, 1, &n, g->cell, &order_meta));
  WC_CALL_GOTO(status, done,
               wc_bh5_write(group, "downstream", WC_BH5_INT32, 1, &n, g->downstream, &down_meta));
done:
  H5Gclose(group);
  return status;
}

static wc_status write_contents(hid_t file, const wc_basin *b) {
  WC_CALL(write_root_and_grid(file, b));
  WC_CALL(write_layers(file, b));
  hid_t tables;
  WC_H5_ID(tables, H5Gcreate2(file, "tables", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/tables");
  wc_status status = write_land_use_and_jurisdictions(tables, b);
  H5Gclose(tables);
  WC_CALL(status);
  WC_CALL(write_reservoirs(file, b));
  WC_CALL(write_sections(file, b));
  WC_CALL(write_graph(file, b));
  return WC_OK;
}

wc_status wc_basin_file_write(const char *path, const wc_basin *basin) {
  WC_CHECK(path != NULL && basin != NULL, WC_ERR_INTERNAL, "wc_basin_file_write: NULL argument");
  wc_status status = wc_basin_check(basin);
  if (status != WC_OK) return wc_basin_error_prefix(status, "basin to write to %s", path);
  wc_hdf5_quiet();

  size_t length = strlen(path) + sizeof ".partial";
  char *partial = malloc(length);
  WC_CHECK(partial != NULL, WC_ERR_MEMORY, "out of memory for a file name");
  snprintf(partial, length, "%s.partial", path);
  /* Create it with stdio first: a missing directory or a permission problem is then an
   * I/O error with the system's reason, not an HDF5 stack. */
  FILE *probe = fopen(partial, "wb");
  if (probe == NULL) {
    status = wc_error_set(WC_ERR_IO, __FILE__, __LINE__, "cannot create the basin file %s: %s",
                          partial, strerror(errno));
    free(partial);
    return status;
  }
  fclose(probe);

  hid_t fapl = -1, file = -1;
  /* Strong close: closing the file closes whatever a failed step left open. */
  WC_BH5_GOTO(status, done, fapl = H5Pcreate(H5P_FILE_ACCESS));
  WC_BH5_GOTO(status, done, H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG));
  WC_BH5_GOTO(status, done, file = H5Fcreate(partial, H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  status = write_contents(file, basin);
done:
  if (file >= 0) {
    wc_status close_status =
        wc_hdf5_status(H5Fclose(file), __FILE__, __LINE__, "H5Fclose", NULL);
    if (status == WC_OK) status = close_status;
  }
  if (fapl >= 0) H5Pclose(fapl);
  if (status == WC_OK && rename(partial, path) != 0)
    status = wc_error_set(WC_ERR_IO, __FILE__, __LINE__, "cannot rename %s to %s: %s", partial,
                          path, strerror(errno));
  if (status != WC_OK) {
    remove(partial);
    if (wc_error_status() != WC_ERR_IO) wc_basin_error_prefix(status, "writing %s", path);
  }
  free(partial);
  return status;
}
