/* wc_jurisdiction_names.c — jurisdiction names as scenario files write them. */
#include "wc_jurisdiction_names.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Length of `name` that `query` covers ignoring case, or 0 if it is not a prefix of it. */
static size_t prefix_length(const char *name, const char *query) {
  size_t n = 0;
  while (query[n]) {
    if (tolower((unsigned char)name[n]) != tolower((unsigned char)query[n])) return 0;
    ++n;
  }
  return n;
}

int wc_jurisdiction_name_find(const char *const *names, int count, const char *query) {
  if (!query || !query[0]) return WC_NAME_NOT_FOUND;
  int found = WC_NAME_NOT_FOUND;
  for (int k = 0; k < count; ++k) {
    size_t n = prefix_length(names[k], query);
    if (n == 0) continue;
    if (names[k][n] == '\0') return k; /* the whole name */
    if (names[k][n] != ' ') continue;  /* only whole leading words */
    found = found == WC_NAME_NOT_FOUND ? k : WC_NAME_AMBIGUOUS;
  }
  return found;
}

void wc_jurisdiction_names_list(const char *const *names, int count, char *out, size_t size) {
  if (size == 0) return;
  out[0] = '\0';
  for (int k = 0; k < count; ++k) {
    const char *remark = strstr(names[k], " (");
    int length = remark ? (int)(remark - names[k]) : (int)strlen(names[k]);
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%s%.*s", k ? ", " : "", length, names[k]);
  }
}
