package io.github.tribuoswa.nn.core;

import ai.djl.training.Trainer;

/**
 * A training listener that also wants to know when a step of the {@link TrainingLoop} is
 * complete, after the optimiser's update: the one moment when every parameter, BatchNorm
 * statistics included, belongs to the same step (in {@code onTrainingBatch} the forward pass
 * of the step has already moved the BatchNorm statistics while the weights have not been
 * updated). Checkpoints are written then.
 */
public interface StepEndListener {

    /**
     * Called after the update of a step.
     * @param trainer The trainer.
     * @param stepsDone The steps done, this one included.
     */
    void onStepEnd(Trainer trainer, long stepsDone);
}
