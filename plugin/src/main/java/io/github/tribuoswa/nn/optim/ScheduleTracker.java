package io.github.tribuoswa.nn.optim;

import ai.djl.training.tracker.Tracker;
import io.github.tribuoswa.schedule.LearningRateSchedule;

/**
 * A DJL {@link Tracker} that gives a DJL optimizer the rate of a {@link LearningRateSchedule}:
 * DJL's optimizers ask for the value at update number 1, 2, … (the step count), which is the
 * schedule's iteration i.
 */
public final class ScheduleTracker implements Tracker {

    private final LearningRateSchedule schedule;

    /**
     * A tracker for a schedule.
     * @param schedule The schedule.
     */
    public ScheduleTracker(LearningRateSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public float getNewValue(int numUpdate) {
        return (float) schedule.rate(Math.max(1, numUpdate));
    }

    /**
     * The schedule.
     * @return The schedule.
     */
    public LearningRateSchedule schedule() {
        return schedule;
    }
}
