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
  double preferential_recharge_fraction; /* share of the saturation excess that recharges groundwater */
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
  /* water use (scenario management.water_use): how supply fails as the sources run dry */
  double water_use_half_depth_m;    /* river depth at which a withdrawal gets half its demand */
  double pumping_half_storage_mm;   /* groundwater storage at which pumping gets half its demand */
  /* nitrogen: the organic pool O is the active part of soil organic N (fresh residue and
   * active humus); the stable humus is inert over decades and not simulated */
  double mineralisation_cropland_per_day; /* active organic N -> inorganic N at 20 degC, moist, tilled */
  double mineralisation_natural_per_day;  /* the same under forest, grassland and other untilled land */
  double active_organic_fraction;   /* active share of soil organic N at the start */
  double fertiliser_volatilisation_fraction; /* share of applied inorganic N lost as ammonia */
  double denitrification_per_day;   /* inorganic N loss at 20 degC in saturated soil */
  double denitrification_wetness;   /* saturation share above which denitrification starts */
  double uptake_half_saturation_kg_per_ha; /* plant uptake limited by inorganic N */
  double litter_return_fraction;    /* share of uptake back to the active pool (non-crop land) */
  double crop_residue_fraction;     /* share of crop uptake back to the active pool */
  double runoff_n_extraction;       /* surface runoff carries this share of the soil-solution concentration */
  double groundwater_denitrification_per_day; /* first-order N loss in the aquifer */
  double riparian_removal_fraction; /* share of groundwater-discharge N denitrified on its way into streams */
  double stream_retention_small_per_day; /* in-stream TN retention in a 1 km2 headwater */
  double stream_retention_large_per_day; /* floor for large rivers */
  double stream_retention_theta;    /* k(T) = k20 * theta^(T - 20) */
  /* initial state */
  double initial_soil_fraction_of_fc;
  double initial_groundwater_mm;
  double soil_organic_n_cropland_kg_per_ha;  /* total soil organic N of the root zone, by land use */
  double soil_organic_n_grassland_kg_per_ha; /* (also urban and water cells) */
  double soil_organic_n_forest_kg_per_ha;
  double initial_inorganic_n_kg_per_ha;          /* non-crop land */
  double initial_inorganic_n_cropland_kg_per_ha; /* cropland: decades of surplus are already in the root zone */
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
