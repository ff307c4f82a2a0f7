package io.github.tribuoswa.nn.listen;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.nn.core.TrainingLoop;

import java.util.Map;

/**
 * A DJL training listener that keeps the statistics of a run: the loss of the last step, and
 * of each finished epoch its example-weighted mean training loss, its training accuracy (the
 * share of arg-max hits, for classification) and its wall time. Other listeners (progress,
 * telemetry) read them; it prints nothing and never stops a run.
 */
public final class EpochStatistics extends TrainingListenerAdapter {

    private final boolean classification;
    private int epochsDone;
    private long stepsDone;
    private double lossSum;
    private double correct;
    private long seen;
    private long epochStart;
    private double lastLoss = Double.NaN;
    private double lastEpochLoss = Double.NaN;
    private double lastEpochAccuracy = Double.NaN;
    private double lastEpochSeconds = Double.NaN;

    /**
     * Statistics of a run.
     * @param startStep The steps already done (0, or more when resuming).
     * @param stepsPerEpoch Steps per epoch.
     * @param classification Whether to count accuracy (class-index labels).
     */
    public EpochStatistics(long startStep, int stepsPerEpoch, boolean classification) {
        this.epochsDone = (int) (startStep / stepsPerEpoch);
        this.stepsDone = startStep;
        this.classification = classification;
        this.epochStart = System.nanoTime();
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        stepsDone++;
        for (Map.Entry<Device, NDList> e : batchData.getPredictions().entrySet()) {
            NDList labels = batchData.getLabels().get(e.getKey());
            NDList preds = e.getValue();
            long b = labels.singletonOrThrow().getShape().get(0);
            float loss = TrainingLoop.loss(trainer, batchData, e.getKey());
            lastLoss = loss;
            lossSum += (double) loss * b;
            seen += b;
            if (classification) {
                // two small copies compared in Java: fewer native calls than counting on the device
                long[] predicted = preds.singletonOrThrow().argMax(1).toLongArray();
                float[] truth = labels.singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < predicted.length; i++) {
                    if (predicted[i] == truth[i]) {
                        correct++;
                    }
                }
            }
        }
    }

    @Override
    public void onEpoch(Trainer trainer) {
        lastEpochSeconds = (System.nanoTime() - epochStart) / 1e9;
        lastEpochLoss = lossSum / Math.max(1, seen);
        lastEpochAccuracy = classification ? correct / Math.max(1, seen) : Double.NaN;
        epochsDone++;
        lossSum = 0;
        correct = 0;
        seen = 0;
        epochStart = System.nanoTime();
    }

    /**
     * The loss of the last step.
     * @return The loss, NaN before the first step.
     */
    public double lastLoss() {
        return lastLoss;
    }

    /**
     * The mean training loss of the last finished epoch.
     * @return The loss, NaN before the first epoch ends.
     */
    public double lastEpochLoss() {
        return lastEpochLoss;
    }

    /**
     * The training accuracy of the last finished epoch (classification).
     * @return The accuracy, NaN for regression or before the first epoch ends.
     */
    public double lastEpochAccuracy() {
        return lastEpochAccuracy;
    }

    /**
     * The wall time of the last finished epoch.
     * @return Seconds, NaN before the first epoch ends.
     */
    public double lastEpochSeconds() {
        return lastEpochSeconds;
    }

    /**
     * Whether accuracy is counted.
     * @return True for classification.
     */
    public boolean classification() {
        return classification;
    }

    /**
     * The epochs finished, counting those before a resume.
     * @return The count.
     */
    public int epochsDone() {
        return epochsDone;
    }

    /**
     * The steps seen, counting those before a resume.
     * @return The count.
     */
    public long stepsDone() {
        return stepsDone;
    }
}
