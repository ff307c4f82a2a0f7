package io.github.tribuoswa.schedule;

/**
 * The cyclical learning rate of SWA (Izmailov et al. 2018, eq. 2):
 * <pre>
 *   α(i) = (1 &minus; t(i))·α1 + t(i)·α2,   t(i) = (mod(i &minus; 1, c) + 1) / c
 * </pre>
 * with α1 &ge; α2 &gt; 0 and cycle length c &ge; 1. Within a cycle the rate falls linearly from
 * near α1 to exactly α2 at the cycle's end i = k·c, where SWA averages the weights. c = 1 gives
 * the constant rate α2.
 */
public final class CyclicSchedule extends AbstractCyclicSchedule {

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
        super(alpha1, alpha2, cycleLength);
        postConfig();
    }

    @Override
    protected double rateAt(double t) {
        return (1 - t) * alpha1 + t * alpha2;
    }

    @Override
    public LearningRateSchedule withCycleLength(long c) {
        return new CyclicSchedule(alpha1, alpha2, c);
    }
}
