/* wc_parameters.c — defaults, ranges and sources of the model parameters. */
#include "wc_parameters.h"

#include <stdio.h>
#include <string.h>

#define P(field, unit, def, lo, hi, meaning, source) \
  {#field, offsetof(wc_parameters, field), unit, def, lo, hi, meaning, source}

const wc_parameter_info wc_parameter_table[] = {
    P(snow_threshold_c, "degC", 0.5, -3, 3, "rain/snow split (linear over +-1 degC around it)", "HBV/HYPE usual 0-1 degC"),
    P(melt_threshold_c, "degC", 0.0, -3, 3, "temperature above which snow melts", "degree-day models, usual 0 degC"),
    P(degree_day_mm_per_c_day, "mm/degC/day", 3.0, 1, 8, "degree-day melt factor", "HBV/SWAT typical 2-5"),
    P(et_soil_fraction_of_fc, "1", 0.7, 0.3, 1, "AET = PET above this share of field capacity, linear below", "HBV LP parameter, usual 0.6-0.8"),
    P(open_water_pet_factor, "1", 1.0, 0.5, 1.5, "evaporation from reservoir surfaces per unit PET", "open water ~ reference ET"),
    P(saturation_excess_exponent, "1", 2.0, 0.5, 6, "beta of the variable-source-area curve", "HBV/ARNO, usual 1-4"),
    P(percolation_exponent, "1", 3.0, 1, 8, "exponent of relative drainable water in percolation", "Brooks-Corey-like drainage"),
    P(preferential_recharge_fraction, "1", 0.5, 0, 1, "share of the saturation excess that recharges groundwater through macropores and fractures instead of running off", "HBV routes all of it to groundwater; estimate for fractured-rock mountains"),
    P(baseflow_recession_days, "day", 60.0, 5, 1000, "groundwater linear reservoir time constant", "North China baseflow recession, estimate"),
    P(channel_manning_n, "s m^-1/3", 0.035, 0.015, 0.15, "Manning n of channels", "Chow (1959), natural streams 0.03-0.05"),
    P(channel_width_coefficient_m, "m", 2.0, 0.2, 20, "channel width a in a * A_km2^b", "hydraulic geometry, estimate"),
    P(channel_width_exponent, "1", 0.35, 0.1, 0.6, "channel width exponent b", "Leopold-Maddock, width ~ Q^0.5 ~ A^0.3-0.4"),
    P(reservoir_release_days, "day", 1825.0, 30, 10000, "storage-proportional release time constant", "illustrative: Miyun holds about 5 years of inflow"),
    P(reservoir_spill_days, "day", 1.0, 0.01, 30, "spill time constant above capacity", "numerical: spill is fast"),
    P(reservoir_initial_fraction, "1", 0.5, 0, 1, "initial storage as share of capacity", "illustrative"),
    P(reservoir_tn_retention_per_day, "1/day", 0.001, 0, 0.1, "first-order TN loss in a mixed reservoir", "settling/denitrification, reservoirs retain 30-60% of TN"),
    P(water_use_half_depth_m, "m", 0.02, 0.01, 1, "river depth at which a withdrawal gets half its demand (demand * S/(S+k))", "estimate: intakes and pumps fail as a river falls to a few cm"),
    P(pumping_half_storage_mm, "mm", 10.0, 1, 1000, "groundwater storage at which pumping gets half its demand", "estimate: wells fail as the shallow aquifer drains"),
    P(mineralisation_cropland_per_day, "1/day", 0.002, 0, 0.01, "mineralisation of active organic N at 20 degC in moist tilled cropland", "DOMAIN.md: active humus 0.0003-0.003 (SWAT cmn 0.0003); tillage speeds it up: upper half"),
    P(mineralisation_natural_per_day, "1/day", 0.0005, 0, 0.01, "the same under forest, grassland and other untilled land", "DOMAIN.md range, lower half: litter with a high C:N mineralises slowly (HYPE: per land use)"),
    P(active_organic_fraction, "1", 0.02, 0.005, 0.2, "active share of soil organic N at the start (the stable rest is not simulated)", "SWAT nactfr 0.02"),
    P(fertiliser_volatilisation_fraction, "1", 0.2, 0, 0.4, "share of applied inorganic fertiliser and manure N lost as ammonia", "Ju et al. (2009, PNAS): 19% (wheat) and 24% (maize) on the calcareous soils of the North China Plain"),
    P(denitrification_per_day, "1/day", 0.03, 0, 1, "soil denitrification at 20 degC, saturated", "HYPE denitrification 0.01-0.1/day"),
    P(denitrification_wetness, "1", 0.6, 0.3, 0.95, "relative saturation where denitrification starts", "HYPE/SWAT: active when wet"),
    P(uptake_half_saturation_kg_per_ha, "kg/ha", 5.0, 0.1, 100, "inorganic N at which uptake is half the demand", "Michaelis-Menten, estimate"),
    P(litter_return_fraction, "1", 0.9, 0, 1, "share of uptake returned as litter to the active pool (non-crop land)", "near steady state in forests and grassland"),
    P(crop_residue_fraction, "1", 0.3, 0, 1, "share of crop uptake returned as residue", "harvest removes most crop N"),
    P(runoff_n_extraction, "1", 0.1, 0, 1, "share of the soil-solution concentration carried by surface runoff", "SWAT nperco ~0.1 (DOMAIN.md)"),
    P(groundwater_denitrification_per_day, "1/day", 0.02, 0, 0.05, "first-order N loss (denitrification) in groundwater", "estimate: aquifer denitrification half-lives of months to years"),
    P(riparian_removal_fraction, "1", 0.6, 0, 0.95, "share of groundwater-discharge N denitrified in the riparian zone", "riparian buffers remove ~2/3 of subsurface nitrate on average (Mayer et al. 2007); less on steep narrow valleys"),
    P(stream_retention_small_per_day, "1/day", 0.45, 0, 2, "in-stream TN retention k20 in a 1 km2 stream", "DOMAIN.md: 0.45/day small streams"),
    P(stream_retention_large_per_day, "1/day", 0.005, 0, 0.5, "floor of k20 in large rivers", "DOMAIN.md: 0.005/day large rivers"),
    P(stream_retention_theta, "1", 1.047, 1, 1.1, "temperature correction k20 * theta^(T-20)", "QUAL2E/DOMAIN.md"),
    P(initial_soil_fraction_of_fc, "1", 0.35, 0, 1.5, "initial soil water as share of field capacity", "spin-up start near the long-run level (about 100 mm of the built-in 280 mm)"),
    P(initial_groundwater_mm, "mm", 5.0, 0, 5000, "initial groundwater storage", "spin-up start near the long-run level (recharge x recession time, a few mm)"),
    P(soil_organic_n_cropland_kg_per_ha, "kg/ha", 3000.0, 0, 20000, "soil organic N of the root zone under cropland", "~1 g N/kg x 1.3 t/m3 x 0.3 m = 3900 kg/ha; cultivation lowers it (estimate)"),
    P(soil_organic_n_grassland_kg_per_ha, "kg/ha", 4000.0, 0, 20000, "the same under grassland (and urban, water)", "estimate, typical topsoil 1000-5000 kg/ha"),
    P(soil_organic_n_forest_kg_per_ha, "kg/ha", 5000.0, 0, 20000, "the same under forest", "estimate: forest topsoils hold more organic matter"),
    P(initial_inorganic_n_kg_per_ha, "kg/ha", 10.0, 0, 1000, "initial soil inorganic N under forest, grassland and other land", "typical 10-50 kg/ha"),
    P(initial_inorganic_n_cropland_kg_per_ha, "kg/ha", 120.0, 0, 1000, "initial soil inorganic N under cropland (the surplus of earlier years)", "root-zone nitrate of fertilised North China fields, typically 100-300 kg/ha (Ju et al. 2009: large residual nitrate)"),
    P(initial_groundwater_n_mg_per_l, "mg/L", 2.0, 0, 100, "initial groundwater TN", "estimate"),
};
const size_t wc_parameter_count = sizeof wc_parameter_table / sizeof wc_parameter_table[0];

wc_parameters wc_parameters_default(void) {
  wc_parameters parameters;
  for (size_t i = 0; i < wc_parameter_count; ++i)
    *(double *)((char *)&parameters + wc_parameter_table[i].offset) = wc_parameter_table[i].default_value;
  return parameters;
}

/* Yearly N uptake potential by land use (kg N/ha/yr): regional winter-wheat/maize rotations
 * take up 150-250; grassland and forest 40-80 (estimates; docs/model.md). */
double wc_crop_annual_uptake_kg_per_ha(const char *crop_class) {
  static const struct {
    const char *name;
    double uptake;
  } table[] = {{"cropland", 180.0}, {"pasture", 60.0}, {"grassland", 60.0}, {"forest", 50.0},
               {"urban", 20.0},     {"water", 0.0},    {"none", 50.0}};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; ++i)
    if (crop_class && strcmp(crop_class, table[i].name) == 0) return table[i].uptake;
  return 50.0;
}

void wc_parameters_write_markdown(FILE *out) {
  fputs("| parameter | unit | default | range | meaning | source |\n|---|---|---|---|---|---|\n", out);
  for (size_t i = 0; i < wc_parameter_count; ++i) {
    const wc_parameter_info *p = &wc_parameter_table[i];
    fprintf(out, "| `%s` | %s | %g | %g – %g | %s | %s |\n", p->name, p->unit, p->default_value, p->min, p->max,
            p->meaning, p->source);
  }
}
