package io.github.tribuoswa.nn.optim;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * Adam (Kingma and Ba 2015) with weight decay: DJL's update, with state a checkpoint saves
 * ({@link AdamOptimizer}).
 */
public final class AdamFactory implements OptimiserFactory {

    @Config(description = "β1 in [0, 1).")
    private double beta1 = 0.9;

    @Config(description = "β2 in [0, 1).")
    private double beta2 = 0.999;

    @Config(description = "ε (> 0).")
    private double epsilon = 1e-8;

    @Config(description = "Weight decay (>= 0).")
    private double weightDecay = 0.0;

    /**
     * Adam with the usual defaults.
     */
    public AdamFactory() {}

    /**
     * Adam.
     * @param beta1 β1.
     * @param beta2 β2.
     * @param epsilon ε.
     * @param weightDecay Weight decay.
     */
    public AdamFactory(double beta1, double beta2, double epsilon, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.fraction(this, "beta1", beta1);
        Checks.fraction(this, "beta2", beta2);
        Checks.positive(this, "epsilon", epsilon);
        Checks.nonNegative(this, "weightDecay", weightDecay);
    }

    @Override
    public Optimizer create(Tracker learningRate, int beginNumUpdate) {
        return new AdamOptimizer(learningRate, (float) beta1, (float) beta2, (float) epsilon, (float) weightDecay, beginNumUpdate);
    }

    @Override
    public String toString() {
        return "AdamFactory(beta1=" + beta1 + ",beta2=" + beta2 + ",epsilon=" + epsilon + ",weightDecay=" + weightDecay + ")";
    }
}
