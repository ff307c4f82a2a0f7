package io.github.tribuoswa.averaging;

import io.github.tribuoswa.schedule.LearningRateSchedule;

/**
 * Which weights go into w_SWA, after Algorithm 1 (Izmailov et al. 2018): with s the schedule's
 * {@link LearningRateSchedule#swaStart() SWA start}, the weights after step k are averaged in
 * when
 * <ul>
 *   <li>k = s and the starting weights ŵ count as the first model (as in Algorithm 1, where
 *   w_SWA &larr; ŵ before the loop), or</li>
 *   <li>k &gt; s and step k ends a cycle of the schedule (mod(k &minus; s, c) = 0).</li>
 * </ul>
 * Steps are counted from 1; k = 0 names the initial weights.
 */
public final class AveragingPoints {

    private final LearningRateSchedule schedule;
    private final boolean countStartWeights;

    /**
     * The averaging points of a schedule.
     * @param schedule The schedule whose cycle ends are averaged.
     * @param countStartWeights Whether ŵ, the weights after swaStart steps, is the first model.
     */
    public AveragingPoints(LearningRateSchedule schedule, boolean countStartWeights) {
        this.schedule = schedule;
        this.countStartWeights = countStartWeights;
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
        return k > start && schedule.isCycleEnd(k);
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
        return "AveragingPoints(schedule=" + schedule + ",countStartWeights=" + countStartWeights + ")";
    }
}
