package io.github.tribuoswa.nn.convert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import io.github.tribuoswa.nn.core.Engines;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The regression loss: its value and gradient are exact, and stay exact when the garbage
 * collector runs between the forward and the backward pass and the freed native memory is
 * reused (DJL's {@code L2Loss} keeps an array over a Java buffer in the graph, which then holds
 * NaN: how regression runs diverged now and then).
 */
public class SquaredErrorTest {

    /** Collects garbage, then fills freshly allocated small native buffers (where freed ones are reused first) with NaN. */
    static List<ByteBuffer> collectAndSpray() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        System.gc();
        Thread.sleep(200);
        List<ByteBuffer> keep = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 4)).order(ByteOrder.nativeOrder());
            for (int j = 0; j < b.capacity() / 4; j++) {
                b.putFloat(4 * j, Float.NaN);
            }
            keep.add(b);
        }
        return keep;
    }

    static float[] gradient(Supplier<Loss> loss, float[] p, float[] y) throws InterruptedException {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            NDArray prediction = m.create(p).reshape(p.length, 1);
            NDArray labels = m.create(y);
            prediction.setRequiresGradient(true);
            List<ByteBuffer> keep;
            try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
                NDArray value = loss.get().evaluate(new NDList(labels), new NDList(prediction));
                double expected = 0;
                for (int i = 0; i < p.length; i++) {
                    expected += (double) (y[i] - p[i]) * (y[i] - p[i]) / p.length;
                }
                assertEquals(expected, value.getFloat(), 1e-6, "mean squared error");
                keep = collectAndSpray();
                collector.backward(value);
            }
            keep.clear();
            return prediction.getGradient().toFloatArray();
        }
    }

    @Test
    public void theGradientIsExactEvenWhenTheCollectorRunsBeforeTheBackwardPass() throws InterruptedException {
        float[] p = {0.5f, -1.25f, 2f, 0.125f};
        float[] y = {1f, -1f, 0.5f, 0.75f};
        for (int round = 0; round < 3; round++) {
            float[] g = gradient(SquaredError::new, p, y);
            for (int i = 0; i < p.length; i++) {
                assertEquals(2.0 * (p[i] - y[i]) / p.length, g[i], 1e-6, "round " + round + ", d/dp[" + i + "]");
            }
        }
    }

    @Test
    public void theValueIsTheMeanSquaredErrorAndMismatchedShapesAreRefused() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            NDArray prediction = m.create(new float[]{0.5f, -1.25f, 2f, 0.125f}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray label = m.create(new float[]{1f, -1f, 0.5f, 0.75f}); // (4): as many values, another shape
            double expected = (0.25 + 0.0625 + 2.25 + 0.390625) / 4;
            assertEquals(expected, new SquaredError().evaluate(new NDList(label), new NDList(prediction)).getFloat(), 1e-7);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SquaredError().evaluate(new NDList(m.create(new float[]{1f, 2f, 3f})), new NDList(prediction)));
            assertTrue(e.getMessage().startsWith("predictions of shape (2, 2) and labels of shape (3) do not match"), e.getMessage());
        }
    }
}
