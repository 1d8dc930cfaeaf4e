/* wc_data_path.c — data lookup that works in the build tree, installed, and relocated. */
#include "wc_data_path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int readable(const char *path) { return access(path, R_OK) == 0; }

wc_status wc_data_path_find(const char *relative, char *path, size_t size) {
  char tried[2048] = "";
  const char *env = getenv("WCSIM_DATA_DIR");
  if (env && env[0]) {
    snprintf(path, size, "%s/%s", env, relative);
    if (readable(path)) return WC_OK;
    snprintf(tried + strlen(tried), sizeof tried - strlen(tried), "%s, ", path);
  }
  char exe[1024];
  ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (length > 0) {
    exe[length] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    snprintf(path, size, "%s/../share/wcsim/scenarios/%s", exe, relative);
    if (readable(path)) return WC_OK;
    snprintf(tried + strlen(tried), sizeof tried - strlen(tried), "%s, ", path);
  }
  snprintf(path, size, "%s/%s", WCSIM_SOURCE_SCENARIOS_DIR, relative);
  if (readable(path)) return WC_OK;
  snprintf(tried + strlen(tried), sizeof tried - strlen(tried), "%s", path);
  WC_FAIL(WC_ERR_IO, "cannot find the data file '%s' (tried %s); set WCSIM_DATA_DIR to the scenarios folder",
          relative, tried);
}
