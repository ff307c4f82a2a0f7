package io.github.tribuoswa.nn.listen;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

import java.io.PrintStream;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * A DJL training listener that tells a person how a run goes: a progress bar on a terminal
 * (never when output is redirected) and a log line per epoch with the mean training loss,
 * accuracy (classification) and wall time, read from the run's {@link EpochStatistics}
 * (added to the training before it).
 */
public final class ProgressReporter extends TrainingListenerAdapter {

    private static final Logger logger = Logger.getLogger(ProgressReporter.class.getName());

    private final EpochStatistics stats;
    private final int epochs;
    private final int stepsPerEpoch;
    private final boolean bar;
    private final PrintStream out = System.err;
    private int lastDrawn = -1;

    /**
     * A reporter.
     * @param stats The run's statistics.
     * @param epochs The total number of epochs.
     * @param stepsPerEpoch Steps per epoch.
     * @param progressBar Whether to draw a bar when a terminal is attached.
     */
    public ProgressReporter(EpochStatistics stats, int epochs, int stepsPerEpoch, boolean progressBar) {
        this.stats = stats;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.bar = progressBar && System.console() != null;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (bar) {
            long inEpoch = stats.stepsDone() - (long) stats.epochsDone() * stepsPerEpoch;
            int pct = (int) (100L * inEpoch / stepsPerEpoch);
            if (pct != lastDrawn) {
                lastDrawn = pct;
                int filled = pct / 4;
                out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %3d%%", stats.epochsDone() + 1, epochs, "=".repeat(filled), " ".repeat(25 - filled),
                        pct);
                out.flush();
            }
        }
    }

    @Override
    public void onEpoch(Trainer trainer) {
        if (bar) {
            out.print("\r" + " ".repeat(50) + "\r");
        }
        lastDrawn = -1;
        String acc = stats.classification() ? String.format(Locale.ROOT, ", accuracy %.4f", stats.lastEpochAccuracy()) : "";
        logger.info(String.format(Locale.ROOT, "epoch %d/%d: training loss %.5f%s, %.1f s (%d iterations)",
                stats.epochsDone(), epochs, stats.lastEpochLoss(), acc, stats.lastEpochSeconds(), stats.stepsDone()));
    }
}
