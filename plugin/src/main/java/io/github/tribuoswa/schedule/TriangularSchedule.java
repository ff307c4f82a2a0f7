package io.github.tribuoswa.schedule;

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
public final class TriangularSchedule extends AbstractCyclicSchedule {

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
        super(alpha1, alpha2, cycleLength);
        postConfig();
    }

    @Override
    public void postConfig() {
        if (cycleLength < 2 || cycleLength % 2 != 0) {
            throw Checks.outOfRange(this, "cycleLength", cycleLength, "even integer >= 2");
        }
        super.postConfig();
    }

    @Override
    protected double rateAt(double t) {
        if (t <= 0.5) {
            return (1 - 2 * t) * alpha1 + 2 * t * alpha2;
        } else {
            return (2 - 2 * t) * alpha2 + (2 * t - 1) * alpha1;
        }
    }

    @Override
    public LearningRateSchedule withCycleLength(long c) {
        return new TriangularSchedule(alpha1, alpha2, c);
    }
}
