package io.github.tribuoswa.nn.optim;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;
import org.tribuo.math.optimisers.SGD;

/**
 * SGD with momentum (none, standard or Nesterov) and weight decay: {@link MomentumSGD}.
 * The papers train with standard momentum 0.9 and weight decay 5e-4 (3e-4 for WRN).
 */
public final class SGDFactory implements OptimiserFactory {

    @Config(description = "Momentum type: NONE, STANDARD or NESTEROV.")
    private SGD.Momentum momentum = SGD.Momentum.STANDARD;

    @Config(description = "Momentum factor ρ in [0, 1).")
    private double rho = 0.9;

    @Config(description = "L2 weight decay λ (>= 0).")
    private double weightDecay = 0.0;

    /**
     * SGD with standard momentum 0.9 and no weight decay.
     */
    public SGDFactory() {}

    /**
     * SGD.
     * @param momentum The momentum type.
     * @param rho ρ in [0, 1).
     * @param weightDecay λ &ge; 0.
     */
    public SGDFactory(SGD.Momentum momentum, double rho, double weightDecay) {
        this.momentum = momentum;
        this.rho = rho;
        this.weightDecay = weightDecay;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "momentum", momentum);
        Checks.fraction(this, "rho", rho);
        Checks.nonNegative(this, "weightDecay", weightDecay);
    }

    @Override
    public Optimizer create(Tracker learningRate, int beginNumUpdate) {
        return new MomentumSGD(learningRate, momentum, (float) rho, (float) weightDecay, beginNumUpdate);
    }

    @Override
    public String toString() {
        return "SGDFactory(momentum=" + momentum + ",rho=" + rho + ",weightDecay=" + weightDecay + ")";
    }
}
