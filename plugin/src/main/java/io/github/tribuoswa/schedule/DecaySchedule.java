package io.github.tribuoswa.schedule;

/**
 * A schedule without cycles, a warm-up and decay over a budget ({@link BaselineSchedule},
 * {@link CosineSchedule}, {@link WSDSchedule}): no step ends a cycle or is a cycle's mid-point,
 * so SWA and FGE take their points from a phase of their own, LAWA and EMA from their periods.
 */
public interface DecaySchedule extends LearningRateSchedule {

    @Override
    default boolean isCycleEnd(long iteration) {
        return false;
    }

    @Override
    default boolean isCycleMidpoint(long iteration) {
        return false;
    }
}
