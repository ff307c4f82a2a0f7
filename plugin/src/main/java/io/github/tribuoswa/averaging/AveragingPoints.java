package io.github.tribuoswa.averaging;

import io.github.tribuoswa.schedule.LearningRateSchedule;

/**
 * Which weights go into w_SWA, after Algorithm 1 (Izmailov et al. 2018): with s the schedule's
 * {@link LearningRateSchedule#swaStart() SWA start}, the weights after step k are averaged in
 * when
 * <ul>
 *   <li>k = s and the starting weights ŵ count as the first model (as in Algorithm 1, where
 *   w_SWA &larr; ŵ before the loop), or</li>
 *   <li>k &gt; s and step k ends a cycle of the schedule (mod(k &minus; s, c) = 0), or, with a
 *   period p of its own, mod(k &minus; s, p) = 0 whatever the schedule's cycles (LAWA's "every s
 *   steps" along any schedule).</li>
 * </ul>
 * Steps are counted from 1; k = 0 names the initial weights.
 */
public final class AveragingPoints {

    private final LearningRateSchedule schedule;
    private final boolean countStartWeights;
    private final long period;

    /**
     * The averaging points of a schedule.
     * @param schedule The schedule whose cycle ends are averaged.
     * @param countStartWeights Whether ŵ, the weights after swaStart steps, is the first model.
     */
    public AveragingPoints(LearningRateSchedule schedule, boolean countStartWeights) {
        this(schedule, countStartWeights, 0);
    }

    /**
     * Averaging points every p steps after the schedule's swaStart.
     * @param schedule The schedule (its swaStart is s).
     * @param countStartWeights Whether ŵ, the weights after s steps, is the first model.
     * @param period p &ge; 1 steps between points, or 0 for the schedule's cycle ends.
     */
    public AveragingPoints(LearningRateSchedule schedule, boolean countStartWeights, long period) {
        if (period < 0) {
            throw new IllegalArgumentException("period = " + period + " is out of range; allowed: integer >= 0 (0: the schedule's cycle ends)");
        }
        this.schedule = schedule;
        this.countStartWeights = countStartWeights;
        this.period = period;
    }

    /**
     * Whether the weights after k steps are averaged in.
     * @param k The number of steps done (&ge; 0).
     * @return True if they are.
     */
    public boolean includes(long k) {
        long start = schedule.swaStart();
        if (k == start) {
            return countStartWeights;
        }
        return k > start && (period > 0 ? (k - start) % period == 0 : schedule.isCycleEnd(k));
    }

    /**
     * The schedule's SWA start s.
     * @return s, in steps.
     */
    public long swaStart() {
        return schedule.swaStart();
    }

    @Override
    public String toString() {
        return "AveragingPoints(schedule=" + schedule + ",countStartWeights=" + countStartWeights + (period > 0 ? ",period=" + period : "") + ")";
    }
}
