package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * The triangular cyclical rate of Fast Geometric Ensembling (Garipov et al. 2018, §3.2): with
 * the same t(i) = (mod(i &minus; 1, c) + 1) / c as {@link CyclicSchedule},
 * <pre>
 *   α(i) = (1 &minus; 2t)·α1 + 2t·α2          for t &le; 1/2
 *   α(i) = (2 &minus; 2t)·α2 + (2t &minus; 1)·α1    for t &gt; 1/2
 * </pre>
 * The rate falls from α1 to α2 over the first half-cycle and climbs back to α1 over the second.
 * The cycle length c is even, so the minimum α2 falls on the step mod(i, c) = c/2, the
 * {@link #isCycleMidpoint(long) mid-point} where FGE collects a snapshot.
 */
public final class TriangularSchedule implements LearningRateSchedule {

    @Config(mandatory = true, description = "α1, the rate at the start and end of each cycle (>= alpha2).")
    private double alpha1;

    @Config(mandatory = true, description = "α2, the rate at each cycle's mid-point (> 0).")
    private double alpha2;

    @Config(mandatory = true, description = "Cycle length c in steps (even, >= 2).")
    private long cycleLength;

    /**
     * For OLCUT.
     */
    private TriangularSchedule() {}

    /**
     * The FGE triangular schedule.
     * @param alpha1 α1, the rate at a cycle's ends (&ge; α2).
     * @param alpha2 α2, the rate at a cycle's mid-point (&gt; 0).
     * @param cycleLength c, in steps (even, &ge; 2).
     */
    public TriangularSchedule(double alpha1, double alpha2, long cycleLength) {
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
        if (cycleLength < 2 || cycleLength % 2 != 0) {
            throw Checks.outOfRange(this, "cycleLength", cycleLength, "even integer >= 2");
        }
    }

    @Override
    public double rate(long iteration) {
        double t = Cycles.position(Cycles.checkIteration(iteration), cycleLength);
        if (t <= 0.5) {
            return (1 - 2 * t) * alpha1 + 2 * t * alpha2;
        } else {
            return (2 - 2 * t) * alpha2 + (2 * t - 1) * alpha1;
        }
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
        return "TriangularSchedule(alpha1=" + alpha1 + ",alpha2=" + alpha2 + ",cycleLength=" + cycleLength + ")";
    }
}
