package io.github.tribuoswa.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * What the cyclic schedules of SWA and FGE share: two rates α1 &ge; α2 &gt; 0, a cycle length c,
 * the position t(i) = (mod(i &minus; 1, c) + 1)/c in the cycle, and the cycle ends and
 * mid-points. A subclass gives the rate as a function of t.
 */
public abstract class AbstractCyclicSchedule implements LearningRateSchedule {

    /**
     * α1.
     */
    @Config(mandatory = true, description = "α1, the rate at the start of each cycle (>= alpha2).")
    protected double alpha1;

    /**
     * α2.
     */
    @Config(mandatory = true, description = "α2, the lowest rate of each cycle (> 0).")
    protected double alpha2;

    /**
     * c, in steps.
     */
    @Config(mandatory = true, description = "Cycle length c in steps.")
    protected long cycleLength;

    /**
     * For OLCUT.
     */
    protected AbstractCyclicSchedule() {}

    /**
     * Sets the parameters; the subclass constructor calls {@link #postConfig()}.
     * @param alpha1 α1.
     * @param alpha2 α2.
     * @param cycleLength c.
     */
    protected AbstractCyclicSchedule(double alpha1, double alpha2, long cycleLength) {
        this.alpha1 = alpha1;
        this.alpha2 = alpha2;
        this.cycleLength = cycleLength;
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

    /**
     * The rate at position t of a cycle.
     * @param t t(i) in (0, 1].
     * @return α(i).
     */
    protected abstract double rateAt(double t);

    @Override
    public double rate(long iteration) {
        return rateAt(Cycles.position(Cycles.checkIteration(iteration), cycleLength));
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
    public long cycleLength() {
        return cycleLength;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(alpha1=" + alpha1 + ",alpha2=" + alpha2 + ",cycleLength=" + cycleLength + ")";
    }
}
