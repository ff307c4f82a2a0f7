/**
 * Ensembles of Tribuo models that predict in batches: {@link io.github.tribuoswa.ensemble.BatchedEnsembleModel},
 * what FGE (and any other method that combines several networks) returns. Plain Tribuo, no DJL.
 */
package io.github.tribuoswa.ensemble;
