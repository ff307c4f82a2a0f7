/**
 * Stochastic Weight Averaging and Fast Geometric Ensembling for networks: one DJL listener each
 * (SWAListener, FGEListener), which plain DJL users add to their own training, and one Tribuo
 * trainer each (SWATrainer returns w_SWA, FGETrainer a BatchedEnsembleModel), taking the
 * averaging phase the same way (phaseStart, phaseSchedule).
 */
package io.github.tribuoswa.nn.swa;
