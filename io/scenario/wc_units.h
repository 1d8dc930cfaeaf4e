/*
 * wc_units.h — physical quantities in scenario files.
 *
 * A quantity is written as a bare number (read in the dimension's canonical unit) or as
 * "NUMBER UNIT" (e.g. "180 kg/ha/yr", "1 km", "15 min"). Each dimension lists the units it
 * accepts; anything else is an error that names the accepted ones.
 */
#ifndef WC_UNITS_H
#define WC_UNITS_H

#include <stdbool.h>

typedef enum wc_dimension {
  WC_DIM_NONE = 0,        /* dimensionless: factors, fractions, coefficients */
  WC_DIM_LENGTH,          /* m */
  WC_DIM_AREA,            /* km2 */
  WC_DIM_DURATION,        /* s */
  WC_DIM_TEMPERATURE,     /* degC */
  WC_DIM_CONCENTRATION,   /* mg/L */
  WC_DIM_DISCHARGE,       /* m3/s */
  WC_DIM_VOLUME,          /* m3 */
  WC_DIM_AREAL_LOAD_RATE, /* kg/ha/yr: fertiliser, deposition */
  WC_DIM_MASS_RATE,       /* kg/day: point-source loads */
  WC_DIM_MONEY,           /* yuan */
  WC_DIM_MONEY_PER_VOLUME,/* yuan/m3 */
  WC_DIM_ANGLE,           /* degrees (longitude, latitude) */
  WC_DIM_VOLUME_RATE,     /* m3/yr: yearly water withdrawals */
  WC_DIM_COUNT
} wc_dimension;

/* The canonical unit's symbol ("" for dimensionless). */
const char *wc_dimension_unit(wc_dimension dimension);
/* Human name, e.g. "a length". */
const char *wc_dimension_name(wc_dimension dimension);
/* The accepted unit symbols, comma separated, for messages and docs. */
const char *wc_dimension_accepted_units(wc_dimension dimension);

/*
 * Read a quantity. Returns true and the value in the canonical unit, or false with `why`
 * pointing at a message (static or in `why_buffer`).
 */
bool wc_quantity_parse(const char *text, wc_dimension dimension, double *value, const char **why,
                       char *why_buffer, int why_size);

/* Read a plain finite number (no unit), as YAML would: "1e8", "-3.5", "12". */
bool wc_number_parse(const char *text, double *value);

#endif
