/*
 * wc_parameters.h — the physical parameters of the water and nitrogen model.
 *
 * One table (wc_parameter_table) lists every basin-wide parameter with its unit, default,
 * allowed range and source; docs/model.md reproduces it. Defaults follow
 * ../shared/DOMAIN.md (SWAT+, HYPE, MM-PIHM, QUAL2E typical values) where it gives one;
 * the others are the usual textbook values and say so. Rates given per day in the table
 * are converted to per second where the equations use them.
 */
#ifndef WC_PARAMETERS_H
#define WC_PARAMETERS_H

#include <stddef.h>
#include <stdio.h>

typedef struct wc_parameters {
  /* snow */
  double snow_threshold_c;          /* rain/snow split centre: all snow 1 degC below, all rain 1 degC above */
  double melt_threshold_c;          /* melt starts above this temperature */
  double degree_day_mm_per_c_day;   /* melt factor */
  /* evapotranspiration */
  double et_soil_fraction_of_fc;    /* AET = PET below this share of field capacity it falls linearly */
  double open_water_pet_factor;     /* evaporation from reservoirs = factor * PET */
  /* soil and groundwater */
  double saturation_excess_exponent; /* beta of the variable-source-area curve */
  double percolation_exponent;      /* percolation = Ksat * ((W - FC) / (Wsat - FC))^c */
  double baseflow_recession_days;   /* groundwater linear reservoir time constant */
  /* routing */
  double channel_manning_n;         /* s m^-1/3 */
  double channel_width_coefficient_m; /* width = a * A_km2^b, at least 1 m */
  double channel_width_exponent;
  /* reservoirs */
  double reservoir_release_days;    /* time constant of the storage-proportional release */
  double reservoir_spill_days;      /* time constant of spill above capacity */
  double reservoir_initial_fraction;/* initial storage / capacity */
  double reservoir_tn_retention_per_day; /* first-order TN loss in a mixed reservoir */
  /* nitrogen */
  double mineralisation_per_day;    /* organic N -> inorganic N at 20 degC, moist soil */
  double denitrification_per_day;   /* inorganic N loss at 20 degC in saturated soil */
  double denitrification_wetness;   /* saturation share above which denitrification starts */
  double uptake_half_saturation_kg_per_ha; /* plant uptake limited by inorganic N */
  double litter_return_fraction;    /* share of uptake back to the organic pool (non-crop land) */
  double crop_residue_fraction;     /* share of crop uptake back to the organic pool */
  double runoff_n_extraction;       /* surface runoff carries this share of the soil-solution concentration */
  double groundwater_n_decay_per_day; /* slow denitrification in aquifers */
  double stream_retention_small_per_day; /* in-stream TN retention in a 1 km2 headwater */
  double stream_retention_large_per_day; /* floor for large rivers */
  double stream_retention_theta;    /* k(T) = k20 * theta^(T - 20) */
  /* initial state */
  double initial_soil_fraction_of_fc;
  double initial_groundwater_mm;
  double initial_organic_n_kg_per_ha;
  double initial_inorganic_n_kg_per_ha;
  double initial_groundwater_n_mg_per_l;
} wc_parameters;

typedef struct wc_parameter_info {
  const char *name;   /* key, e.g. "degree_day" */
  size_t offset;      /* in wc_parameters */
  const char *unit;
  double default_value, min, max;
  const char *meaning;
  const char *source;
} wc_parameter_info;

extern const wc_parameter_info wc_parameter_table[];
extern const size_t wc_parameter_count;

/* Every parameter at its default. */
wc_parameters wc_parameters_default(void);

/* The parameter table as Markdown (docs/model.md holds exactly this; a test checks). */
void wc_parameters_write_markdown(FILE *out);

/* Seasonal N demand of a crop class, kg N/ha over the year (uptake potential). */
double wc_crop_annual_uptake_kg_per_ha(const char *crop_class);

#endif
