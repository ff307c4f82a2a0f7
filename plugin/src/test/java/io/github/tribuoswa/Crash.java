package io.github.tribuoswa;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

/**
 * Stops a run by throwing in a chosen step's {@code onTrainingBatch} (after the listeners added
 * before it, before the update), as a crash would.
 */
public final class Crash extends TrainingListenerAdapter {
    private final long atStep;
    private long steps;

    /**
     * A crash in the given step of the run it observes (counted from 1, from where it starts).
     * @param atStep The step.
     */
    public Crash(long atStep) {
        this.atStep = atStep;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (++steps == atStep) {
            throw new IllegalStateException("simulated crash at step " + atStep);
        }
    }
}
