/* wc_basin_file_read.c — an HDF5 basin file to a validated wc_basin. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc_basin_file.h"
#include "wc_basin_h5.h"
#include "wc_basin_terrain.h"

static wc_status read_format(hid_t file) {
  WC_CHECK(H5Aexists(file, "wcsim_basin_format") > 0, WC_ERR_INPUT,
           "not a wcsim basin file: the root attribute wcsim_basin_format is missing (basin "
           "files are written by wcsim-import and 'wcsim basin make')");
  char *tag = NULL;
  WC_CALL(wc_bh5_attr_read_string(file, "/", "wcsim_basin_format", &tag));
  bool ours = strcmp(tag, WC_BASIN_FORMAT_TAG) == 0;
  wc_status status = WC_OK;
  if (!ours)
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "not a wcsim basin file: the root attribute wcsim_basin_format is "
                          "'%s', expected '%s'",
                          tag, WC_BASIN_FORMAT_TAG);
  free(tag);
  WC_CALL(status);
  int32_t version = 0;
  WC_CALL(wc_bh5_attr_read(file, "/", "format_version", WC_BH5_INT32, &version));
  WC_CHECK(version <= WC_BASIN_FORMAT_VERSION, WC_ERR_UNSUPPORTED,
           "basin file format version %d is newer than this wcsim reads (version %d); use a "
           "newer wcsim, or re-import the basin with this version's wcsim-import",
           (int)version, WC_BASIN_FORMAT_VERSION);
  WC_CHECK(version >= 1, WC_ERR_INPUT,
           "format_version %d is not a basin file format version (versions start at 1)",
           (int)version);
  return WC_OK;
}

static wc_status read_grid(hid_t file, wc_grid *grid, int32_t *epsg, char **wkt) {
  hid_t group = -1;
  WC_CALL(wc_bh5_group_open(file, "/grid", &group));
  wc_status status = WC_OK;
  WC_CALL_GOTO(status, done, wc_bh5_attr_read(group, "/grid", "rows", WC_BH5_INT32, &grid->rows));
  WC_CALL_GOTO(status, done, wc_bh5_attr_read(group, "/grid", "cols", WC_BH5_INT32, &grid->cols));
  WC_CALL_GOTO(status, done,
               wc_bh5_attr_read(group, "/grid", "x_left_m", WC_BH5_DOUBLE, &grid->x_left_m));
  WC_CALL_GOTO(status, done,
               wc_bh5_attr_read(group, "/grid", "y_top_m", WC_BH5_DOUBLE, &grid->y_top_m));
  WC_CALL_GOTO(status, done,
               wc_bh5_attr_read(group, "/grid", "cell_size_m", WC_BH5_DOUBLE, &grid->cell_size_m));
  WC_CALL_GOTO(status, done, wc_bh5_attr_read(group, "/grid", "epsg", WC_BH5_INT32, epsg));
  WC_CALL_GOTO(status, done, wc_bh5_attr_read_string_or(group, "/grid", "crs_wkt", "", wkt));
  status = wc_grid_check(grid);
  if (status != WC_OK) wc_basin_error_prefix(status, "/grid");
done:
  H5Gclose(group);
  return status;
}

static wc_status read_layers(hid_t file, wc_basin *b) {
  hid_t layers = -1;
  WC_CALL(wc_bh5_group_open(file, "/layers", &layers));
  wc_status status = WC_OK;
  for (int k = 0; k < WC_BASIN_LAYER_COUNT; k++) {
    const wc_basin_layer_info *info = &wc_basin_layers[k];
    wc_bh5_kind kind = wc_bh5_layer_kind(info->type);
    hsize_t dims[2] = {0, 0};
    WC_CALL_GOTO(status, done, wc_bh5_shape(layers, "/layers", info->name, kind, 2, dims));
    if (dims[0] != (hsize_t)b->grid.rows || dims[1] != (hsize_t)b->grid.cols) {
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "dataset /layers/%s is %llu x %llu cells but /grid is %d x %d (rows "
                            "x columns); every layer covers the whole grid",
                            info->name, (unsigned long long)dims[0], (unsigned long long)dims[1],
                            (int)b->grid.rows, (int)b->grid.cols);
      goto done;
    }
    WC_CALL_GOTO(status, done, wc_bh5_read(layers, "/layers", info->name, kind,
                                           wc_basin_layer_data(b, (wc_basin_layer_id)k)));
  }
  hid_t dset = -1;
  WC_BH5_GOTO(status, done, dset = H5Dopen2(layers, "channel", H5P_DEFAULT));
  status = wc_bh5_attr_read(dset, "/layers/channel", "threshold_km2", WC_BH5_DOUBLE,
                            &b->channel_threshold_km2);
  H5Dclose(dset);
  if (status != WC_OK) goto done;
  WC_BH5_GOTO(status, done, dset = H5Dopen2(layers, "slope", H5P_DEFAULT));
  status = wc_bh5_attr_read(dset, "/layers/slope", "min_slope", WC_BH5_DOUBLE, &b->min_slope);
  H5Dclose(dset);
done:
  H5Gclose(layers);
  return status;
}

/* ---- tables: columns read into arrays, then added through the model's checks ----------- */

typedef struct table {
  hid_t group;
  const char *path;
  hsize_t rows;
  const char *first; /* the column that set `rows` */
  void *buffers[10];
  int n_buffers;
  char **strings[4];
  int n_strings;
} table;

static wc_status table_open(hid_t file, const char *path, const char *first, wc_bh5_kind kind,
                            table *t) {
  memset(t, 0, sizeof *t);
  t->group = -1;
  t->path = path;
  t->first = first;
  WC_CALL(wc_bh5_group_open(file, path, &t->group));
  WC_CALL(wc_bh5_shape(t->group, path, first, kind, 1, &t->rows));
  return WC_OK;
}

static void table_close(table *t) {
  for (int k = 0; k < t->n_buffers; k++) free(t->buffers[k]);
  for (int k = 0; k < t->n_strings; k++) {
    for (hsize_t i = 0; t->strings[k] && i < t->rows; i++) free(t->strings[k][i]);
    free(t->strings[k]);
  }
  if (t->group >= 0) H5Gclose(t->group);
}

/* Read a column of `t` into a buffer the table owns; NULL (and *status set) on failure.
 * Does nothing once *status is an error, so columns read as a simple sequence. */
static void *table_column(table *t, const char *name, wc_bh5_kind kind, wc_status *status) {
  if (*status != WC_OK) return NULL;
  size_t size = kind == WC_BH5_STRING ? sizeof(char *)
                : kind == WC_BH5_DOUBLE ? sizeof(double)
                                        : sizeof(int32_t);
  void *buffer = calloc(t->rows > 0 ? (size_t)t->rows : 1, size);
  if (buffer == NULL) {
    *status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for %s/%s",
                           t->path, name);
    return NULL;
  }
  if (kind == WC_BH5_STRING)
    t->strings[t->n_strings++] = buffer;
  else
    t->buffers[t->n_buffers++] = buffer;
  *status = wc_bh5_read_column(t->group, t->path, name, kind, t->rows, t->first, buffer);
  return *status == WC_OK ? buffer : NULL;
}

static wc_status read_land_use(hid_t file, wc_basin *b) {
  table t;
  int32_t *id = NULL;
  double *manning = NULL, *impervious = NULL;
  char **name = NULL, **crop = NULL;
  wc_status status = table_open(file, "/tables/land_use", "id", WC_BH5_INT32, &t);
  id = table_column(&t, "id", WC_BH5_INT32, &status);
  name = table_column(&t, "name", WC_BH5_STRING, &status);
  manning = table_column(&t, "manning_n", WC_BH5_DOUBLE, &status);
  crop = table_column(&t, "crop_class", WC_BH5_STRING, &status);
  impervious = table_column(&t, "impervious_fraction", WC_BH5_DOUBLE, &status);
  for (hsize_t i = 0; i < t.rows && status == WC_OK; i++) {
    wc_land_use_class cls = {id[i], name[i], manning[i], crop[i], impervious[i]};
    status = wc_basin_add_land_use(b, &cls);
    if (status != WC_OK) wc_basin_error_prefix(status, "%s row %llu", t.path, (unsigned long long)i);
  }
  table_close(&t);
  return status;
}

static wc_status read_jurisdictions(hid_t file, wc_basin *b) {
  table t;
  int32_t *id = NULL, *parent = NULL;
  char **name = NULL, **level = NULL;
  wc_status status = table_open(file, "/tables/jurisdictions", "id", WC_BH5_INT32, &t);
  id = table_column(&t, "id", WC_BH5_INT32, &status);
  name = table_column(&t, "name", WC_BH5_STRING, &status);
  level = table_column(&t, "level", WC_BH5_STRING, &status);
  parent = table_column(&t, "parent_id", WC_BH5_INT32, &status);
  for (hsize_t i = 0; i < t.rows && status == WC_OK; i++) {
    wc_jurisdiction j = {id[i], name[i], WC_JURISDICTION_COUNTY, parent[i]};
    if (!wc_jurisdiction_level_parse(level[i], &j.level)) {
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "%s row %llu: level '%s' of jurisdiction %d is not province, "
                            "prefecture or county",
                            t.path, (unsigned long long)i, level[i], (int)id[i]);
      break;
    }
    status = wc_basin_add_jurisdiction(b, &j);
    if (status != WC_OK) wc_basin_error_prefix(status, "%s row %llu", t.path, (unsigned long long)i);
  }
  table_close(&t);
  return status;
}

static wc_status read_reservoirs(hid_t file, wc_basin *b) {
  table t;
  int32_t *row = NULL, *col = NULL;
  double *capacity = NULL, *pool = NULL, *release = NULL, *area = NULL;
  char **name = NULL;
  wc_status status = table_open(file, "/reservoirs", "name", WC_BH5_STRING, &t);
  name = table_column(&t, "name", WC_BH5_STRING, &status);
  row = table_column(&t, "row", WC_BH5_INT32, &status);
  col = table_column(&t, "col", WC_BH5_INT32, &status);
  capacity = table_column(&t, "capacity_m3", WC_BH5_DOUBLE, &status);
  pool = table_column(&t, "normal_pool_level_m", WC_BH5_DOUBLE, &status);
  release = table_column(&t, "min_release_m3_per_s", WC_BH5_DOUBLE, &status);
  area = table_column(&t, "area_at_capacity_km2", WC_BH5_DOUBLE, &status);
  for (hsize_t i = 0; i < t.rows && status == WC_OK; i++) {
    wc_reservoir r = {name[i], row[i], col[i], capacity[i], pool[i], release[i], area[i]};
    status = wc_basin_add_reservoir(b, &r);
    if (status != WC_OK) wc_basin_error_prefix(status, "%s row %llu", t.path, (unsigned long long)i);
  }
  table_close(&t);
  return status;
}

static wc_status read_sections(hid_t file, wc_basin *b) {
  table t;
  int32_t *row = NULL, *col = NULL, *up = NULL, *down = NULL;
  double *x = NULL, *y = NULL, *moved = NULL;
  char **name = NULL;
  wc_status status = table_open(file, "/sections", "name", WC_BH5_STRING, &t);
  name = table_column(&t, "name", WC_BH5_STRING, &status);
  row = table_column(&t, "row", WC_BH5_INT32, &status);
  col = table_column(&t, "col", WC_BH5_INT32, &status);
  x = table_column(&t, "point_x_m", WC_BH5_DOUBLE, &status);
  y = table_column(&t, "point_y_m", WC_BH5_DOUBLE, &status);
  moved = table_column(&t, "snapped_distance_m", WC_BH5_DOUBLE, &status);
  up = table_column(&t, "upstream_jurisdiction", WC_BH5_INT32, &status);
  down = table_column(&t, "downstream_jurisdiction", WC_BH5_INT32, &status);
  for (hsize_t i = 0; i < t.rows && status == WC_OK; i++) {
    wc_section s = {name[i], x[i], y[i], row[i], col[i], moved[i], up[i], down[i]};
    status = wc_basin_add_section(b, &s);
    if (status != WC_OK) wc_basin_error_prefix(status, "%s row %llu", t.path, (unsigned long long)i);
  }
  table_close(&t);
  return status;
}

/* The stored order must be the one the directions give: a reader may trust either. */
static wc_status check_graph(hid_t file, const wc_basin *b) {
  const wc_drainage_graph *g = b->graph;
  table t;
  int32_t *order = NULL, *downstream = NULL;
  wc_status status = table_open(file, "/graph", "order", WC_BH5_INT32, &t);
  if (status == WC_OK && t.rows != (hsize_t)g->n)
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "dataset /graph/order has %llu nodes but /layers/flow_direction has %d "
                          "basin cells",
                          (unsigned long long)t.rows, (int)g->n);
  order = table_column(&t, "order", WC_BH5_INT32, &status);
  downstream = table_column(&t, "downstream", WC_BH5_INT32, &status);
  for (int32_t i = 0; i < g->n && status == WC_OK; i++) {
    if (order[i] == g->cell[i] && downstream[i] == g->downstream[i]) continue;
    char where[WC_CELL_NAME_MAX];
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "/graph node %d is cell %d draining to node %d, but "
                          "/layers/flow_direction puts %s there, draining to node %d; the graph "
                          "does not match the directions (was the file edited?)",
                          (int)i, (int)order[i], (int)downstream[i],
                          wc_grid_cell_name(&b->grid, g->cell[i], where, sizeof where),
                          (int)g->downstream[i]);
  }
  table_close(&t);
  return status;
}

static wc_status read_contents(hid_t file, wc_basin **basin) {
  WC_CALL(read_format(file));
  wc_grid grid;
  int32_t epsg = 0;
  char *wkt = NULL;
  WC_CALL(read_grid(file, &grid, &epsg, &wkt));
  wc_basin *b = NULL;
  wc_status status = wc_basin_create(&grid, &b);
  if (status == WC_OK) status = wc_basin_set_crs(b, epsg, wkt);
  free(wkt);
  if (status == WC_OK) {
    char *text[3] = {NULL, NULL, NULL};
    const char *names[3] = {"name", "created_by", "source"};
    char **fields[3] = {&b->name, &b->created_by, &b->source};
    for (int k = 0; k < 3 && status == WC_OK; k++) {
      status = wc_bh5_attr_read_string_or(file, "/", names[k], "", &text[k]);
      if (status == WC_OK) {
        free(*fields[k]);
        *fields[k] = text[k];
      }
    }
  }
  if (status == WC_OK) status = read_layers(file, b);
  if (status == WC_OK) {
    status = wc_basin_build_graph(b);
    if (status != WC_OK) wc_basin_error_prefix(status, "/layers/flow_direction");
  }
  if (status == WC_OK) wc_basin_clear_outside(b);
  if (status == WC_OK) status = read_land_use(file, b);
  if (status == WC_OK) status = read_jurisdictions(file, b);
  if (status == WC_OK) status = read_reservoirs(file, b);
  if (status == WC_OK) status = read_sections(file, b);
  if (status == WC_OK) status = check_graph(file, b);
  if (status == WC_OK) status = wc_basin_check(b);
  if (status != WC_OK) {
    wc_basin_destroy(&b);
    return status;
  }
  *basin = b;
  return WC_OK;
}

wc_status wc_basin_file_read(const char *path, wc_basin **basin) {
  WC_CHECK(path != NULL && basin != NULL, WC_ERR_INTERNAL, "wc_basin_file_read: NULL argument");
  *basin = NULL;
  WC_CHECK(access(path, R_OK) == 0, WC_ERR_IO, "cannot read the basin file %s: %s", path,
           strerror(errno));
  wc_hdf5_quiet();
  htri_t is_hdf5 = H5Fis_hdf5(path);
  H5Eclear2(H5E_DEFAULT);
  WC_CHECK(is_hdf5 > 0, WC_ERR_INPUT,
           "%s is not an HDF5 file, so not a basin file (basin files are written by "
           "wcsim-import and 'wcsim basin make')",
           path);
  hid_t fapl = -1, file = -1;
  wc_status status = WC_OK;
  WC_BH5_GOTO(status, done, fapl = H5Pcreate(H5P_FILE_ACCESS));
  WC_BH5_GOTO(status, done, H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG));
  WC_BH5_GOTO(status, done, file = H5Fopen(path, H5F_ACC_RDONLY, fapl));
  status = read_contents(file, basin);
done:
  if (file >= 0) H5Fclose(file);
  if (fapl >= 0) H5Pclose(fapl);
  if (status != WC_OK) wc_basin_error_prefix(status, "%s", path);
  return status;
}
