package io.github.tribuoswa.nn.listen;

import ai.djl.Device;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.nn.core.TrainingLoop;

import java.util.Locale;

/**
 * A DJL training listener that stops a run when a step's loss is not finite, naming the epoch
 * and iteration. It runs in {@code onTrainingBatch}, before the optimiser's update, so the
 * step with the non-finite loss is never applied (and no collector sees its weights when it
 * is added before them).
 */
public final class DivergenceCheck extends TrainingListenerAdapter {

    private final int stepsPerEpoch;
    private long iteration;

    /**
     * A divergence check.
     * @param startStep The steps already done.
     * @param stepsPerEpoch Steps per epoch.
     */
    public DivergenceCheck(long startStep, int stepsPerEpoch) {
        this.iteration = startStep;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        iteration++;
        for (Device device : batchData.getPredictions().keySet()) {
            float loss = TrainingLoop.loss(trainer, batchData, device);
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "Training diverged: the loss is %s at epoch %d, iteration %d (step %d of the epoch); the step was not applied",
                        loss, (iteration - 1) / stepsPerEpoch + 1, iteration, (iteration - 1) % stepsPerEpoch + 1));
            }
        }
    }
}
