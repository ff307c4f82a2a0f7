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
    default Optimizer create(Tracker learningRate) {
        return create(learningRate, 0);
    }

    /**
     * A new optimizer for a run that resumes after some steps.
     * @param learningRate The learning-rate tracker.
     * @param beginNumUpdate Steps already done (0 for a new run).
     * @return The optimizer.
     */
    Optimizer create(Tracker learningRate, int beginNumUpdate);

    @Override
    default ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "OptimiserFactory");
    }
}
