package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * The cyclical learning rate of SWA (Izmailov et al. 2018, eq. 2):
 * <pre>
 *   α(i) = (1 &minus; t(i))·α1 + t(i)·α2,   t(i) = (mod(i &minus; 1, c) + 1) / c
 * </pre>
 * with α1 &ge; α2 &gt; 0 and cycle length c &ge; 1. Within a cycle the rate falls linearly from
 * near α1 to exactly α2 at the cycle's end i = k·c, where SWA averages the weights. c = 1 gives
 * the constant rate α2.
 */
public final class CyclicSchedule implements LearningRateSchedule {

    @Config(mandatory = true, description = "α1, the rate at the start of each cycle (>= alpha2).")
    private double alpha1;

    @Config(mandatory = true, description = "α2, the rate at the end of each cycle (> 0).")
    private double alpha2;

    @Config(mandatory = true, description = "Cycle length c in steps (>= 1).")
    private long cycleLength;

    /**
     * For OLCUT.
     */
    private CyclicSchedule() {}

    /**
     * The SWA cyclical schedule.
     * @param alpha1 α1, the rate a cycle starts near (&ge; α2).
     * @param alpha2 α2, the rate at a cycle's end (&gt; 0).
     * @param cycleLength c, in steps (&ge; 1).
     */
    public CyclicSchedule(double alpha1, double alpha2, long cycleLength) {
        this.alpha1 = alpha1;
        this.alpha2 = alpha2;
        this.cycleLength = cycleLength;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.positive(this, "alpha2", alpha2);
        Checks.positive(this, "alpha1", alpha1);
        if (alpha1 < alpha2) {
            throw Checks.outOfRange(this, "alpha1", alpha1, "finite real >= alpha2 = " + alpha2);
        }
        Checks.atLeast(this, "cycleLength", cycleLength, 1);
    }

    @Override
    public double rate(long iteration) {
        double t = Cycles.position(Cycles.checkIteration(iteration), cycleLength);
        return (1 - t) * alpha1 + t * alpha2;
    }

    @Override
    public boolean isCycleEnd(long iteration) {
        return Cycles.isEnd(iteration, cycleLength);
    }

    @Override
    public boolean isCycleMidpoint(long iteration) {
        return Cycles.isMidpoint(iteration, cycleLength);
    }

    @Override
    public String toString() {
        return "CyclicSchedule(alpha1=" + alpha1 + ",alpha2=" + alpha2 + ",cycleLength=" + cycleLength + ")";
    }
}
