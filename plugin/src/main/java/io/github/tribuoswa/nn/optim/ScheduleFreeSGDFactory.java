package io.github.tribuoswa.nn.optim;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * Creates {@link ScheduleFreeSGD} (Defazio et al. 2024) for a run; the trainer that returns its
 * average x is {@link io.github.tribuoswa.nn.swa.ScheduleFreeTrainer}.
 */
public class ScheduleFreeSGDFactory implements OptimiserFactory {

    @Config(description = "β, the interpolation between z and x where the gradient is taken, in [0, 1] (the paper's 0.9).")
    private double beta = 0.9;

    @Config(description = "λ, the L2 weight decay applied at y (>= 0).")
    private double weightDecay = 0.0;

    /**
     * β = 0.9, no weight decay.
     */
    public ScheduleFreeSGDFactory() {}

    /**
     * Schedule-free SGD.
     * @param beta β in [0, 1].
     * @param weightDecay λ (&ge; 0).
     */
    public ScheduleFreeSGDFactory(double beta, double weightDecay) {
        this.beta = beta;
        this.weightDecay = weightDecay;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.closedFraction(this, "beta", beta);
        Checks.nonNegative(this, "weightDecay", weightDecay);
    }

    @Override
    public Optimizer create(Tracker learningRate, int beginNumUpdate) {
        return new ScheduleFreeSGD(learningRate, (float) beta, (float) weightDecay, beginNumUpdate);
    }

    @Override
    public String toString() {
        return "ScheduleFreeSGDFactory(beta=" + beta + ",weightDecay=" + weightDecay + ")";
    }
}
