/**
 * Learning-rate schedules, per optimiser step: constant, the SWA paper's cyclical rate (Izmailov
 * et al. 2018), FGE's triangular rate (Garipov et al. 2018), the papers' SGD baseline, the
 * whole-run SWA schedule, a phased schedule and a SWALR-style anneal. Each formula is in its
 * class's javadoc and in docs/schedules.md.
 */
package io.github.tribuoswa.schedule;
