package io.github.tribuoswa.nn.convert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import io.github.tribuoswa.nn.core.Engines;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loss is −(1/B) Σ log softmax(z_b)[y_b], with DJL's value and gradient.
 */
public class SparseSoftmaxCrossEntropyTest {

    private static final int B = 7;
    private static final int K = 5;

    private static float[] logits() {
        Random rng = new Random(3);
        float[] z = new float[B * K];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (rng.nextGaussian() * 3);
        }
        return z;
    }

    private static final float[] LABELS = {0, 4, 2, 2, 1, 3, 0};

    @Test
    public void valueIsTheMeanNegativeLogSoftmaxOfTheTrueClass() {
        float[] z = logits();
        double expected = 0;
        for (int b = 0; b < B; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < K; k++) {
                max = Math.max(max, z[b * K + k]);
            }
            double sum = 0;
            for (int k = 0; k < K; k++) {
                sum += Math.exp(z[b * K + k] - max);
            }
            expected -= z[b * K + (int) LABELS[b]] - max - Math.log(sum);
        }
        expected /= B;
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            NDArray pred = m.create(z, new Shape(B, K));
            NDList p = new NDList(pred);
            assertEquals(expected, new SparseSoftmaxCrossEntropy().evaluate(new NDList(m.create(LABELS)), p).getFloat(), 1e-5);
            long[] asLong = new long[B];
            for (int b = 0; b < B; b++) {
                asLong[b] = (long) LABELS[b];
            }
            NDArray int64Column = m.create(asLong, new Shape(B, 1));
            assertEquals(expected, new SparseSoftmaxCrossEntropy().evaluate(new NDList(int64Column), p).getFloat(), 1e-5, "int64 (B, 1) labels");
        }
    }

    @Test
    public void valueAndGradientEqualDjlsSparseSoftmaxCrossEntropy() {
        float[][] grads = new float[2][];
        float[] values = new float[2];
        for (int which = 0; which < 2; which++) {
            try (NDManager m = Engines.pytorch().newBaseManager()) {
                NDArray pred = m.create(logits(), new Shape(B, K));
                pred.setRequiresGradient(true);
                try (GradientCollector c = m.getEngine().newGradientCollector()) {
                    NDList labels = new NDList(m.create(LABELS));
                    NDArray loss = which == 0 ? new SparseSoftmaxCrossEntropy().evaluate(labels, new NDList(pred))
                            : new SoftmaxCrossEntropyLoss("SoftmaxCrossEntropy", 1, -1, true, true).evaluate(labels, new NDList(pred));
                    values[which] = loss.getFloat();
                    c.backward(loss);
                }
                grads[which] = pred.getGradient().toFloatArray();
            }
        }
        assertEquals(values[1], values[0], 1e-6);
        assertArrayEquals(grads[1], grads[0], 1e-7f);
    }

    @Test
    public void mismatchedShapesAreRefusedWithBothShapes() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            NDArray pred = m.create(logits(), new Shape(B, K));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SparseSoftmaxCrossEntropy().evaluate(new NDList(m.create(new float[]{1, 2}, new Shape(2))), new NDList(pred)));
            assertTrue(e.getMessage().contains("(7, 5)") && e.getMessage().contains("(2)"), e.getMessage());
        }
    }
}
