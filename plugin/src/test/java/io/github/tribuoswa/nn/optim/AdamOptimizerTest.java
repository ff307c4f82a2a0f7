package io.github.tribuoswa.nn.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.schedule.CyclicSchedule;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's Adam gives DJL's Adam's weights bit for bit, under a changing rate and with
 * weight decay, and follows Adam's formula (Kingma and Ba 2015, L2 decay in the gradient).
 */
public class AdamOptimizerTest {

    private static final float[][] GRADS = {{0.5f, -1f, 2f}, {0.25f, 0.5f, -0.5f}, {-1f, 1f, 0f}, {0.1f, 0.2f, 0.3f}, {2f, -2f, 1f}};

    @Test
    public void stepsAreDjlsAdamBitForBitAndAdamsFormula() {
        Tracker rate = new ScheduleTracker(new CyclicSchedule(0.2, 0.05, 3));
        Optimizer djl = Optimizer.adam().optLearningRateTracker(rate).optBeta1(0.8f).optBeta2(0.99f).optEpsilon(1e-6f).optWeightDecays(0.01f).build();
        AdamOptimizer ours = new AdamOptimizer(rate, 0.8f, 0.99f, 1e-6f, 0.01f, 0);
        double[] w = {1, -2, 0.5};
        double[] m = new double[3];
        double[] v = new double[3];
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            NDArray a = manager.create(new float[]{1f, -2f, 0.5f});
            NDArray b = manager.create(new float[]{1f, -2f, 0.5f});
            for (int t = 1; t <= GRADS.length; t++) {
                djl.update("w", a, manager.create(GRADS[t - 1]));
                ours.update("w", b, manager.create(GRADS[t - 1]));
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), "step " + t);
                double alpha = rate.getNewValue("w", t);
                for (int j = 0; j < 3; j++) {
                    double g = GRADS[t - 1][j] + 0.01 * w[j];
                    m[j] = 0.8 * m[j] + 0.2 * g;
                    v[j] = 0.99 * v[j] + 0.01 * g * g;
                    double mHat = m[j] / (1 - Math.pow(0.8, t));
                    double vHat = v[j] / (1 - Math.pow(0.99, t));
                    w[j] -= alpha * mHat / (Math.sqrt(vHat) + 1e-6 / Math.sqrt(1 - Math.pow(0.99, t)));
                }
                float[] got = b.toFloatArray();
                for (int j = 0; j < 3; j++) {
                    assertEquals(w[j], got[j], 1e-4, "step " + t + " weight " + j);
                }
            }
        }
    }

    @Test
    public void nonPositiveRateIsRefusedWithTheStep() {
        AdamOptimizer opt = new AdamOptimizer(Tracker.fixed(0f), 0.9f, 0.999f, 1e-8f, 0f, 0);
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            NDArray weight = manager.create(new float[]{1f, 2f});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.update("w", weight, manager.create(new float[]{0.5f, 0.5f})));
            assertTrue(e.getMessage().startsWith("learning rate = 0.0 at update 1 of w is out of range"), e.getMessage());
            assertEquals(1f, weight.toFloatArray()[0], "the weight is untouched");
        }
    }
}
