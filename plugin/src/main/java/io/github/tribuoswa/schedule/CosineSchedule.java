package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * Cosine decay over a budget (Loshchilov and Hutter 2017 without restarts; PyTorch's
 * {@code CosineAnnealingLR}), after an optional linear warm-up: with i counted from 1,
 * <pre>
 *   α(i) = α0·i / W                                                   for i &le; W
 *   α(i) = r·α0 + (1 &minus; r)·α0·(1 + cos(π·(i &minus; W &minus; 1)/(B &minus; W)))/2     for W &lt; i &le; B
 * </pre>
 * and the last rate after the budget; r·α0 is the rate the cosine approaches (r = 0 for
 * PyTorch's default {@code eta_min = 0}; the last step's rate is still above it). No cycles.
 */
public final class CosineSchedule implements DecaySchedule {

    @Config(mandatory = true, description = "α0, the rate after the warm-up (> 0).")
    private double initialLearningRate;

    @Config(mandatory = true, description = "The budget B in steps (>= 1).")
    private long budget;

    @Config(description = "W, the steps of the linear warm-up, in [0, budget - 1].")
    private long warmupSteps = 0;

    @Config(description = "r, the rate the cosine decays towards as a fraction of α0, in [0, 1).")
    private double finalRatio = 0.0;

    /**
     * For OLCUT.
     */
    private CosineSchedule() {}

    /**
     * A cosine schedule.
     * @param initialLearningRate α0 (&gt; 0).
     * @param budget B in steps (&ge; 1).
     * @param warmupSteps W in [0, B &minus; 1].
     * @param finalRatio r in [0, 1).
     */
    public CosineSchedule(double initialLearningRate, long budget, long warmupSteps, double finalRatio) {
        this.initialLearningRate = initialLearningRate;
        this.budget = budget;
        this.warmupSteps = warmupSteps;
        this.finalRatio = finalRatio;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.positive(this, "initialLearningRate", initialLearningRate);
        Checks.atLeast(this, "budget", budget, 1);
        if (warmupSteps < 0 || warmupSteps >= budget) {
            throw Checks.outOfRange(this, "warmupSteps", warmupSteps, "integer in [0, budget - 1 = " + (budget - 1) + "]");
        }
        Checks.fraction(this, "finalRatio", finalRatio);
    }

    @Override
    public double rate(long iteration) {
        long i = Math.min(Cycles.checkIteration(iteration), budget);
        if (i <= warmupSteps) {
            return initialLearningRate * i / warmupSteps;
        }
        double t = (double) (i - warmupSteps - 1) / (budget - warmupSteps);
        return initialLearningRate * (finalRatio + (1 - finalRatio) * (1 + Math.cos(Math.PI * t)) / 2);
    }

    @Override
    public String toString() {
        return "CosineSchedule(initialLearningRate=" + initialLearningRate + ",budget=" + budget + ",warmupSteps=" + warmupSteps
                + ",finalRatio=" + finalRatio + ")";
    }
}
