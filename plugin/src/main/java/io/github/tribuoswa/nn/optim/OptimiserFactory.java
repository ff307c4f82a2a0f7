package io.github.tribuoswa.nn.optim;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * Makes the DJL optimizer of a training run; the learning rate comes from the run's schedule.
 */
public interface OptimiserFactory extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * A new optimizer with fresh state.
     * @param learningRate The learning-rate tracker.
     * @return The optimizer.
     */
    Optimizer create(Tracker learningRate);

    @Override
    default ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "OptimiserFactory");
    }
}
