/* wc_units.c — the unit table: every accepted symbol and its factor to canonical. */
#include "wc_units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct unit_entry {
  wc_dimension dimension;
  const char *symbol;
  double factor; /* canonical = value * factor */
} unit_entry;

/* Per-year units use the Julian year of 365.25 days. */
static const unit_entry unit_table[] = {
    {WC_DIM_LENGTH, "m", 1.0},
    {WC_DIM_LENGTH, "km", 1000.0},
    {WC_DIM_LENGTH, "cm", 0.01},
    {WC_DIM_LENGTH, "mm", 0.001},
    {WC_DIM_AREA, "km2", 1.0},
    {WC_DIM_AREA, "ha", 0.01},
    {WC_DIM_AREA, "m2", 1e-6},
    {WC_DIM_DURATION, "s", 1.0},
    {WC_DIM_DURATION, "min", 60.0},
    {WC_DIM_DURATION, "h", 3600.0},
    {WC_DIM_DURATION, "hour", 3600.0},
    {WC_DIM_DURATION, "hours", 3600.0},
    {WC_DIM_DURATION, "day", 86400.0},
    {WC_DIM_DURATION, "days", 86400.0},
    {WC_DIM_TEMPERATURE, "degC", 1.0},
    {WC_DIM_TEMPERATURE, "°C", 1.0},
    {WC_DIM_CONCENTRATION, "mg/L", 1.0},
    {WC_DIM_CONCENTRATION, "g/m3", 1.0},
    {WC_DIM_CONCENTRATION, "ug/L", 0.001},
    {WC_DIM_DISCHARGE, "m3/s", 1.0},
    {WC_DIM_DISCHARGE, "L/s", 0.001},
    {WC_DIM_DISCHARGE, "m3/day", 1.0 / 86400.0},
    {WC_DIM_VOLUME, "m3", 1.0},
    {WC_DIM_VOLUME, "hm3", 1e6},
    {WC_DIM_VOLUME, "km3", 1e9},
    {WC_DIM_AREAL_LOAD_RATE, "kg/ha/yr", 1.0},
    {WC_DIM_AREAL_LOAD_RATE, "t/km2/yr", 10.0},
    {WC_DIM_AREAL_LOAD_RATE, "g/m2/yr", 10.0},
    {WC_DIM_MASS_RATE, "kg/day", 1.0},
    {WC_DIM_MASS_RATE, "kg/yr", 1.0 / 365.25},
    {WC_DIM_MASS_RATE, "t/yr", 1000.0 * 1.0 / 365.25},
    {WC_DIM_MONEY, "yuan", 1.0},
    {WC_DIM_MONEY, "wan_yuan", 1e4},
    {WC_DIM_MONEY, "yi_yuan", 1e8},
    {WC_DIM_MONEY_PER_VOLUME, "yuan/m3", 1.0},
    {WC_DIM_ANGLE, "deg", 1.0},
    /* Chinese statistics give water volumes in wan (10^4) and yi (10^8) m3. */
    {WC_DIM_VOLUME_RATE, "m3/yr", 1.0},
    {WC_DIM_VOLUME_RATE, "wan_m3/yr", 1e4},
    {WC_DIM_VOLUME_RATE, "hm3/yr", 1e6},
    {WC_DIM_VOLUME_RATE, "yi_m3/yr", 1e8},
    {WC_DIM_VOLUME_RATE, "km3/yr", 1e9},
    {WC_DIM_VOLUME_RATE, "m3/s", 365.25 * 86400.0},
};

static const char *const dimension_names[WC_DIM_COUNT] = {
    [WC_DIM_NONE] = "a plain number",
    [WC_DIM_LENGTH] = "a length",
    [WC_DIM_AREA] = "an area",
    [WC_DIM_DURATION] = "a duration",
    [WC_DIM_TEMPERATURE] = "a temperature",
    [WC_DIM_CONCENTRATION] = "a concentration",
    [WC_DIM_DISCHARGE] = "a discharge",
    [WC_DIM_VOLUME] = "a volume",
    [WC_DIM_AREAL_LOAD_RATE] = "a load per area per year",
    [WC_DIM_MASS_RATE] = "a mass rate",
    [WC_DIM_MONEY] = "an amount of money",
    [WC_DIM_MONEY_PER_VOLUME] = "a price per volume",
    [WC_DIM_ANGLE] = "an angle in degrees",
    [WC_DIM_VOLUME_RATE] = "a volume per year",
};

const char *wc_dimension_unit(wc_dimension dimension) {
  for (size_t i = 0; i < sizeof unit_table / sizeof unit_table[0]; ++i)
    if (unit_table[i].dimension == dimension) return unit_table[i].symbol;
  return "";
}

const char *wc_dimension_name(wc_dimension dimension) {
  return dimension < WC_DIM_COUNT ? dimension_names[dimension] : "a quantity";
}

const char *wc_dimension_accepted_units(wc_dimension dimension) {
  static char lists[WC_DIM_COUNT][128];
  char *list = lists[dimension < WC_DIM_COUNT ? dimension : 0];
  if (list[0]) return list;
  for (size_t i = 0; i < sizeof unit_table / sizeof unit_table[0]; ++i) {
    if (unit_table[i].dimension != dimension) continue;
    size_t used = strlen(list);
    snprintf(list + used, 128 - used, "%s%s", used ? ", " : "", unit_table[i].symbol);
  }
  return list;
}

bool wc_number_parse(const char *text, double *value) {
  if (!text || !*text || isspace((unsigned char)*text)) return false;
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) return false;
  /* strtod accepts hex floats and "inf"/"nan"; scenario numbers are decimal. */
  for (const char *c = text; *c; ++c)
    if (*c == 'x' || *c == 'X' || *c == 'n' || *c == 'N' || *c == 'i' || *c == 'I') return false;
  *value = v;
  return true;
}

bool wc_quantity_parse(const char *text, wc_dimension dimension, double *value, const char **why,
                       char *why_buffer, int why_size) {
  char *end = NULL;
  errno = 0;
  double number = strtod(text, &end);
  if (end == text || !isfinite(number) || errno == ERANGE) {
    snprintf(why_buffer, (size_t)why_size, "expected %s%s%s%s", wc_dimension_name(dimension),
             dimension == WC_DIM_NONE ? "" : " such as '", dimension == WC_DIM_NONE ? "" : "1 ",
             dimension == WC_DIM_NONE ? "" : wc_dimension_unit(dimension));
    if (dimension != WC_DIM_NONE) strncat(why_buffer, "'", (size_t)why_size - strlen(why_buffer) - 1);
    *why = why_buffer;
    return false;
  }
  while (*end == ' ') ++end;
  if (*end == '\0') {
    double check;
    if (!wc_number_parse(text, &check)) {
      *why = "expected a decimal number";
      return false;
    }
    *value = number; /* bare number: canonical unit */
    return true;
  }
  if (dimension == WC_DIM_NONE) {
    snprintf(why_buffer, (size_t)why_size, "'%s' is a plain number and takes no unit", text);
    *why = why_buffer;
    return false;
  }
  for (size_t i = 0; i < sizeof unit_table / sizeof unit_table[0]; ++i) {
    if (unit_table[i].dimension == dimension && strcmp(unit_table[i].symbol, end) == 0) {
      *value = number * unit_table[i].factor;
      return true;
    }
  }
  snprintf(why_buffer, (size_t)why_size, "unit '%s' is not %s; use one of: %s", end,
           wc_dimension_name(dimension), wc_dimension_accepted_units(dimension));
  *why = why_buffer;
  return false;
}
