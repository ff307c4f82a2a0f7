package io.github.tribuoswa.nn.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.math.optimisers.SGD;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * MomentumSGD follows PyTorch's SGD exactly, also when the rate changes every step.
 */
public class MomentumSGDTest {

    @Test
    public void stepsMatchPyTorchFormulaUnderACyclicRate() {
        LearningRateSchedule schedule = new CyclicSchedule(0.2, 0.05, 3);
        float rho = 0.9f;
        float lambda = 0.01f;
        float[][] grads = {{0.5f, -1f, 2f}, {0.25f, 0.5f, -0.5f}, {-1f, 1f, 0f}, {0.1f, 0.2f, 0.3f}, {2f, -2f, 1f}};
        for (SGD.Momentum type : SGD.Momentum.values()) {
            MomentumSGD opt = new MomentumSGD(new ScheduleTracker(schedule), type, rho, lambda);
            double[] w = {1, -2, 0.5};
            double[] m = new double[3];
            try (NDManager manager = Engines.pytorch().newBaseManager()) {
                NDArray weight = manager.create(new float[]{1f, -2f, 0.5f});
                weight.setRequiresGradient(true);
                for (int step = 1; step <= grads.length; step++) {
                    double alpha = (float) schedule.rate(step);
                    NDArray grad = manager.create(grads[step - 1]);
                    opt.update("w", weight, grad);
                    for (int j = 0; j < 3; j++) {
                        double g = (double) grads[step - 1][j] + lambda * w[j];
                        double d;
                        switch (type) {
                            case STANDARD:
                                m[j] = rho * m[j] + g;
                                d = m[j];
                                break;
                            case NESTEROV:
                                m[j] = rho * m[j] + g;
                                d = g + rho * m[j];
                                break;
                            default:
                                d = g;
                        }
                        w[j] -= alpha * d;
                    }
                    float[] got = weight.toFloatArray();
                    for (int j = 0; j < 3; j++) {
                        assertEquals(w[j], got[j], 1e-5, type + " step " + step + " weight " + j);
                    }
                }
            }
        }
    }

    @Test
    public void nonPositiveRateIsRefusedWithTheStep() {
        MomentumSGD opt = new MomentumSGD(ai.djl.training.tracker.Tracker.fixed(0f), SGD.Momentum.STANDARD, 0.9f, 0f);
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            NDArray weight = manager.create(new float[]{1f, 2f});
            weight.setRequiresGradient(true);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> opt.update("w", weight, manager.create(new float[]{0.5f, 0.5f})));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("learning rate = 0.0 at update 1 of w is out of range"), e.getMessage());
            assertEquals(1f, weight.toFloatArray()[0], "the weight is untouched");
        }
    }

    @Test
    public void updatesWorkWhateverTheThreadsGradMode() {
        boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        ai.djl.pytorch.jni.JniUtils.setGradMode(true); // libtorch's default in a new thread
        Engines.setIntraOpThreads(2);
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            for (SGD.Momentum type : SGD.Momentum.values()) {
                for (long inPlaceMinSize : new long[]{Long.MAX_VALUE, 0}) {   // the Java kernel, the in-place passes
                    MomentumSGD opt = new MomentumSGD(new ScheduleTracker(new CyclicSchedule(0.2, 0.05, 3)), type, 0.9f, 0.01f);
                    opt.inPlaceMinSize = inPlaceMinSize;
                    NDArray weight = manager.create(new float[]{1f, -2f});
                    weight.setRequiresGradient(true);
                    opt.update("w", weight, manager.create(new float[]{0.5f, 0.5f}));
                    opt.update("w", weight, manager.create(new float[]{0.5f, -0.5f}));
                    org.junit.jupiter.api.Assertions.assertTrue(ai.djl.pytorch.jni.JniUtils.isGradMode(), type + " leaves grad mode as it was");
                    org.junit.jupiter.api.Assertions.assertNotEquals(1f, weight.toFloatArray()[0], type + " moved the weight");
                }
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(gradMode);
            Engines.setIntraOpThreads(threads);
        }
    }

    /** Runs five updates under a cyclic rate with the Java kernel on or off; returns the weights. */
    private static float[] fiveSteps(SGD.Momentum type, boolean direct, boolean transposed) {
        return fiveSteps(type, direct, transposed, 2, 3);
    }

    private static float[] fiveSteps(SGD.Momentum type, boolean direct, boolean transposed, int rows, int cols) {
        return fiveSteps(type, direct, Long.MAX_VALUE, transposed, rows, cols);
    }

    private static float[] fiveSteps(SGD.Momentum type, boolean direct, long inPlaceMinSize, boolean transposed, int rows, int cols) {
        MomentumSGD opt = new MomentumSGD(new ScheduleTracker(new CyclicSchedule(0.2, 0.05, 3)), type, 0.9f, 0.01f);
        opt.directUpdates = direct;
        opt.inPlaceMinSize = inPlaceMinSize;
        int n = rows * cols;
        float[] start = new float[n];
        for (int j = 0; j < n; j++) {
            start[j] = (float) Math.cos(3 * j + 1) * 2;
        }
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            NDArray base = manager.create(start, new ai.djl.ndarray.types.Shape(rows, cols));
            NDArray weight = transposed ? base.transpose() : base;
            weight.setRequiresGradient(true);
            for (int step = 1; step <= 5; step++) {
                float[] g = new float[n];
                for (int j = 0; j < n; j++) {
                    g[j] = (float) Math.sin(step * 7 + j);
                }
                opt.update("w", weight, manager.create(g, weight.getShape()));
            }
            return weight.toFloatArray();
        }
    }

    @Test
    public void javaKernelEqualsTheEnginesFusedUpdateBitForBit() {
        for (SGD.Momentum type : new SGD.Momentum[]{SGD.Momentum.NONE, SGD.Momentum.STANDARD}) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(fiveSteps(type, false, false), fiveSteps(type, true, false), type.toString());
            // 3,000 values: a size that is not a multiple of any vector width
            org.junit.jupiter.api.Assertions.assertArrayEquals(fiveSteps(type, false, false, 3, 1000), fiveSteps(type, true, false, 3, 1000),
                    type + ", 3000 values");
        }
        float[] composed = fiveSteps(SGD.Momentum.NESTEROV, false, false);
        float[] direct = fiveSteps(SGD.Momentum.NESTEROV, true, false);
        for (int j = 0; j < composed.length; j++) {
            assertEquals(composed[j], direct[j], 1e-6, "NESTEROV weight " + j);
        }
    }

    @Test
    public void inPlaceEnginePassesEqualTheJavaKernelToRounding() {
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        Engines.setIntraOpThreads(2);  // the in-place passes are taken only with more than one thread
        try {
            for (SGD.Momentum type : SGD.Momentum.values()) {
                float[] kernel = fiveSteps(type, true, Long.MAX_VALUE, false, 3, 1000);
                float[] passes = fiveSteps(type, true, 0, false, 3, 1000);
                float[] small = fiveSteps(type, true, 3001, false, 3, 1000);   // below the size: the Java kernel
                org.junit.jupiter.api.Assertions.assertArrayEquals(kernel, small, type + " below the size");
                for (int j = 0; j < kernel.length; j++) {
                    assertEquals(kernel[j], passes[j], 1e-6, type + " weight " + j);
                }
                org.junit.jupiter.api.Assertions.assertNotEquals((float) Math.cos(1) * 2, passes[0], type + " moved the weight");
                // the passes round differently (g + lambda * w is no fused multiply-add there): they ran
                org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(kernel, passes), type + " took the in-place passes");
            }
            Engines.setIntraOpThreads(1);  // one thread: always the Java kernel
            org.junit.jupiter.api.Assertions.assertArrayEquals(fiveSteps(SGD.Momentum.STANDARD, true, Long.MAX_VALUE, false, 3, 1000),
                    fiveSteps(SGD.Momentum.STANDARD, true, 0, false, 3, 1000), "one thread");
        } finally {
            Engines.setIntraOpThreads(threads);
        }
    }

    @Test
    public void aNonContiguousWeightIsUpdatedInItsOwnMemory() {
        for (SGD.Momentum type : SGD.Momentum.values()) {
            float[] viewed = fiveSteps(type, true, true);   // its direct buffer would be a copy: not the Java kernel
            float[] reference = fiveSteps(type, false, true);
            for (int j = 0; j < viewed.length; j++) {
                assertEquals(reference[j], viewed[j], 1e-6, type + " weight " + j);
            }
            org.junit.jupiter.api.Assertions.assertNotEquals(1f, viewed[0], type + " moved the weight");
        }
    }

    @Test
    public void aNonContiguousWeightIsCheckedOnceNotEveryStep() {
        MomentumSGD opt = new MomentumSGD(new ScheduleTracker(new CyclicSchedule(0.2, 0.05, 3)), SGD.Momentum.STANDARD, 0.9f, 0.01f);
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            NDArray weight = manager.create(new float[]{1f, -2f, 0.5f, 3f, -0.25f, 0.125f}, new ai.djl.ndarray.types.Shape(2, 3)).transpose();
            weight.setRequiresGradient(true);
            try (NDManager grads = manager.newSubManager()) {
                opt.update("w", weight, grads.create(new float[]{1, 1, 1, 1, 1, 1}, weight.getShape()));
            }
            int afterFirst = manager.getManagedArrays().size();
            for (int step = 0; step < 5; step++) {
                try (NDManager grads = manager.newSubManager()) {
                    opt.update("w", weight, grads.create(new float[]{1, 1, 1, 1, 1, 1}, weight.getShape()));
                }
            }
            assertEquals(afterFirst, manager.getManagedArrays().size(), "no new arrays after the first step's check");
        }
    }
}
