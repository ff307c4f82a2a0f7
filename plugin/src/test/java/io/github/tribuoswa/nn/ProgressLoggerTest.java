package io.github.tribuoswa.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The logger's epoch loss is the example-weighted mean of the step losses, its accuracy the
 * share of arg-max hits; a non-finite loss stops the run.
 */
public class ProgressLoggerTest {

    private static void step(ProgressLogger logger, NDManager m, float[] logits, NDList labels, float loss) {
        int b = (int) labels.singletonOrThrow().getShape().get(0);
        NDList preds = new NDList(m.create(logits, new Shape(b, logits.length / b)));
        Batch batch = new Batch(m, new NDList(m.zeros(new Shape(b, 1))), labels, b, Batchifier.STACK, Batchifier.STACK, 0, 1);
        logger.onTrainingBatch(null, new TrainingLoop.StepData(batch, Device.cpu(), labels, preds, m.create(loss)));
    }

    @Test
    public void epochLossAndAccuracyAreExampleWeighted() {
        ProgressLogger logger = new ProgressLogger(0, 1, 2, true, false);
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
    }

    @Test
    public void aNonFiniteLossStopsTheRunNamingTheStep() {
        ProgressLogger logger = new ProgressLogger(0, 1, 2, true, false);
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> step(logger, m, new float[]{0, 1}, new NDList(m.create(new float[]{1})), Float.NaN));
            assertTrue(e.getMessage().contains("NaN at epoch 1, iteration 1"), e.getMessage());
        }
    }
}
