package io.github.tribuoswa;

import io.github.tribuoswa.schedule.LearningRateSchedule;

/**
 * Schedules the library does not offer, as a user might write them, for tests of refusals.
 */
public final class TestSchedules {

    private TestSchedules() {}

    /**
     * A rate falling linearly from {@code rate} to exactly 0 at step {@code steps} (and 0 after),
     * without cycles.
     * @param rate The rate before the first step.
     * @param steps The step whose rate is 0.
     * @return The schedule.
     */
    public static LearningRateSchedule linearToZero(double rate, long steps) {
        return new LearningRateSchedule() {
            @Override
            public double rate(long iteration) {
                return rate * Math.max(0, steps - iteration) / steps;
            }

            @Override
            public boolean isCycleEnd(long iteration) {
                return false;
            }

            @Override
            public boolean isCycleMidpoint(long iteration) {
                return false;
            }

            @Override
            public String toString() {
                return "linearToZero(" + rate + "," + steps + ")";
            }
        };
    }
}
