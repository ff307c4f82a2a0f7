package io.github.tribuoswa.nn.listen;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.translate.Batchifier;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.TrainingLoop;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statistics' epoch loss is the example-weighted mean of the step losses, its accuracy the
 * share of arg-max hits; the divergence check stops the run at a non-finite loss, naming the
 * step; the statistics count on across a resume.
 */
public class EpochStatisticsTest {

    private static void step(TrainingListener logger, NDManager m, float[] logits, NDList labels, float loss) {
        int b = (int) labels.singletonOrThrow().getShape().get(0);
        NDList preds = new NDList(m.create(logits, new Shape(b, logits.length / b)));
        Batch batch = new Batch(m, new NDList(m.zeros(new Shape(b, 1))), labels, b, Batchifier.STACK, Batchifier.STACK, 0, 1);
        logger.onTrainingBatch(null, new TrainingLoop.StepData(batch, Device.cpu(), labels, preds, m.create(loss)));
    }

    @Test
    public void epochLossAndAccuracyAreExampleWeighted() {
        EpochStatistics logger = new EpochStatistics(0, 2, true);
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            // 3 examples, classes 0..2: arg-maxes 2, 0, 1 against labels 2, 1, 1 -> 2 hits
            step(logger, m, new float[]{0, 1, 5, 3, 1, 0, 0, 4, 1}, new NDList(m.create(new float[]{2, 1, 1})), 0.5f);
            // 1 example given as an int64 column: arg-max 0, label 0 -> 1 hit
            step(logger, m, new float[]{2, 1, 0}, new NDList(m.create(new long[]{0}, new Shape(1, 1))), 1.5f);
            logger.onEpoch(null);
        }
        assertEquals(3.0 / 4, logger.lastEpochAccuracy(), 1e-12);
        assertEquals((3 * 0.5 + 1 * 1.5) / 4, logger.lastEpochLoss(), 1e-7);
        assertEquals(1.5, logger.lastLoss(), 1e-7);
        assertEquals(1, logger.epochsDone());
        assertEquals(2, logger.stepsDone());
    }

    @Test
    public void aResumedRunCountsFromItsCheckpoint() {
        EpochStatistics stats = new EpochStatistics(7, 3, false);
        assertEquals(2, stats.epochsDone());
        assertEquals(7, stats.stepsDone());
        assertTrue(Double.isNaN(stats.lastEpochAccuracy()));
    }

    @Test
    public void aNonFiniteLossStopsTheRunNamingTheStep() {
        DivergenceCheck check = new DivergenceCheck(4, 3);
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            step(check, m, new float[]{0, 1}, new NDList(m.create(new float[]{1})), 2.5f);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> step(check, m, new float[]{0, 1}, new NDList(m.create(new float[]{1})), Float.POSITIVE_INFINITY));
            // steps 5 and 6 of a resumed run: epoch 2, step 3 of the epoch
            assertTrue(e.getMessage().contains("Infinity at epoch 2, iteration 6 (step 3 of the epoch)"), e.getMessage());
        }
    }
}
