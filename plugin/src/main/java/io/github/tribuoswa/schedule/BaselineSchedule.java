package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * The conventional SGD schedule the SWA and FGE papers compare against (the authors'
 * {@code learning_rate_schedule}): with budget B steps and t = (i &minus; 1) / B,
 * <pre>
 *   α(i) = α0                                     for t &le; 0.5
 *   α(i) = α0·(1 &minus; (1 &minus; r)·(t &minus; 0.5) / 0.4)        for 0.5 &lt; t &le; 0.9
 *   α(i) = r·α0                                   for t &gt; 0.9
 * </pre>
 * α0 for the first half of the budget, a linear decay to r·α0 by 90% of it, then constant.
 * The authors evaluate it once per epoch with t = epoch / epochs; here it is evaluated per
 * step, which is the same curve at finer resolution. The schedule has no cycles.
 */
public final class BaselineSchedule implements DecaySchedule {

    @Config(mandatory = true, description = "α0, the initial learning rate (> 0).")
    private double initialLearningRate;

    @Config(mandatory = true, description = "The budget B in steps (>= 1) over which the rate decays.")
    private long budget;

    @Config(description = "r, the final rate as a fraction of α0 (> 0); the papers use 0.01.")
    private double finalRatio = 0.01;

    /**
     * For OLCUT.
     */
    private BaselineSchedule() {}

    /**
     * The baseline schedule with the papers' final ratio r = 0.01.
     * @param initialLearningRate α0 (&gt; 0).
     * @param budget B, in steps (&ge; 1).
     */
    public BaselineSchedule(double initialLearningRate, long budget) {
        this(initialLearningRate, budget, 0.01);
    }

    /**
     * The baseline schedule.
     * @param initialLearningRate α0 (&gt; 0).
     * @param budget B, in steps (&ge; 1).
     * @param finalRatio r (&gt; 0).
     */
    public BaselineSchedule(double initialLearningRate, long budget, double finalRatio) {
        this.initialLearningRate = initialLearningRate;
        this.budget = budget;
        this.finalRatio = finalRatio;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.positive(this, "initialLearningRate", initialLearningRate);
        Checks.atLeast(this, "budget", budget, 1);
        Checks.positive(this, "finalRatio", finalRatio);
    }

    /**
     * The baseline's factor α(i)/α0 at the fraction t of the budget.
     * @param t The fraction of the budget done, (i &minus; 1) / B.
     * @param ratio r, the final factor.
     * @return The factor.
     */
    private static double factor(double t, double ratio) {
        if (t <= 0.5) {
            return 1.0;
        } else if (t <= 0.9) {
            return 1.0 - (1.0 - ratio) * (t - 0.5) / 0.4;
        } else {
            return ratio;
        }
    }

    @Override
    public double rate(long iteration) {
        double t = (double) (Cycles.checkIteration(iteration) - 1) / budget;
        return initialLearningRate * factor(t, finalRatio);
    }

    @Override
    public String toString() {
        return "BaselineSchedule(initialLearningRate=" + initialLearningRate + ",budget=" + budget + ",finalRatio=" + finalRatio + ")";
    }
}
