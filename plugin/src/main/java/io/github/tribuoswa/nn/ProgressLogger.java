package io.github.tribuoswa.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A DJL training listener that logs each epoch's mean training loss (and accuracy, for
 * classification) and wall time, draws a progress bar on a terminal (never when output is
 * redirected), and stops the run when the loss is not finite, naming the epoch and iteration:
 * the step with the non-finite loss is not applied.
 */
public final class ProgressLogger extends TrainingListenerAdapter {

    private static final Logger logger = Logger.getLogger(ProgressLogger.class.getName());

    private final int epochs;
    private final int stepsPerEpoch;
    private final boolean classification;
    private final boolean bar;
    private final PrintStream out = System.err;

    private int epoch;
    private long iteration;
    private int stepInEpoch;
    private double lossSum;
    private double correct;
    private long seen;
    private long epochStart;
    private int lastDrawn = -1;
    private double lastLoss = Double.NaN;
    private double lastEpochLoss = Double.NaN;
    private double lastEpochAccuracy = Double.NaN;
    private double lastEpochSeconds = Double.NaN;

    /**
     * A progress logger.
     * @param startStep The steps already done (0, or more when resuming).
     * @param epochs The total number of epochs.
     * @param stepsPerEpoch Steps per epoch.
     * @param classification Whether to count accuracy (class-index labels).
     * @param progressBar Whether to draw a bar when a terminal is attached.
     */
    public ProgressLogger(long startStep, int epochs, int stepsPerEpoch, boolean classification, boolean progressBar) {
        this.epoch = (int) (startStep / stepsPerEpoch);
        this.iteration = startStep;
        this.stepInEpoch = (int) (startStep % stepsPerEpoch);
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.classification = classification;
        this.bar = progressBar && System.console() != null;
        this.epochStart = System.nanoTime();
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        iteration++;
        stepInEpoch++;
        for (Map.Entry<Device, NDList> e : batchData.getPredictions().entrySet()) {
            NDList labels = batchData.getLabels().get(e.getKey());
            NDList preds = e.getValue();
            long b = labels.singletonOrThrow().getShape().get(0);
            float loss = batchData instanceof TrainingLoop.StepData ? ((TrainingLoop.StepData) batchData).loss().getFloat()
                    : trainer.getLoss().evaluate(labels, preds).getFloat();
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "Training diverged: the loss is %s at epoch %d, iteration %d (step %d of the epoch); the step was not applied",
                        loss, epoch + 1, iteration, stepInEpoch));
            }
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
        if (bar) {
            int pct = (int) (100L * stepInEpoch / stepsPerEpoch);
            if (pct != lastDrawn) {
                lastDrawn = pct;
                int filled = pct / 4;
                out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %3d%%", epoch + 1, epochs, "=".repeat(filled), " ".repeat(25 - filled), pct);
                out.flush();
            }
        }
    }

    /**
     * The loss of the last batch.
     * @return The loss, NaN before the first batch.
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

    @Override
    public void onEpoch(Trainer trainer) {
        if (bar) {
            out.print("\r" + " ".repeat(50) + "\r");
        }
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        lastEpochLoss = lossSum / Math.max(1, seen);
        lastEpochAccuracy = classification ? correct / Math.max(1, seen) : Double.NaN;
        lastEpochSeconds = seconds;
        String acc = classification ? String.format(Locale.ROOT, ", accuracy %.4f", correct / Math.max(1, seen)) : "";
        logger.info(String.format(Locale.ROOT, "epoch %d/%d: training loss %.5f%s, %.1f s (%d iterations)",
                epoch + 1, epochs, lossSum / Math.max(1, seen), acc, seconds, iteration));
        epoch++;
        stepInEpoch = 0;
        lossSum = 0;
        correct = 0;
        seen = 0;
        lastDrawn = -1;
        epochStart = System.nanoTime();
    }
}
