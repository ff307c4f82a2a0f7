package io.github.tribuoswa.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The BatchNorm refresh equals the equal-weight mean of the batches' statistics, computed
 * directly, and leaves the weights alone.
 */
public class BatchNormRefreshTest {

    @Test
    public void refreshEqualsTheMeanOfBatchStatistics() {
        int n = 10;
        int d = 3;
        int batch = 4;
        float[] x = new float[n * d];
        Random rng = new Random(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * (1 + i % d) + i % d);
        }
        // direct computation: mean over batches of each batch's mean and unbiased variance
        double[] meanOfMeans = new double[d];
        double[] meanOfVars = new double[d];
        int batches = 0;
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int i = start; i < start + b; i++) {
                    s += x[i * d + j];
                }
                double m = s / b;
                double ss = 0;
                for (int i = start; i < start + b; i++) {
                    ss += (x[i * d + j] - m) * (x[i * d + j] - m);
                }
                meanOfMeans[j] += m;
                meanOfVars[j] += ss / (b - 1);
            }
            batches++;
        }
        for (int j = 0; j < d; j++) {
            meanOfMeans[j] /= batches;
            meanOfVars[j] /= batches;
        }

        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            Block block = new SequentialBlock().add(BatchNorm.builder().optMomentum(0.7f).build()).add(Linear.builder().setUnits(2).build());
            block.initialize(manager, DataType.FLOAT32, new Shape(batch, d));
            float[] weightsBefore = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
            boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            try {
                assertEquals(1, BatchNormRefresh.refresh(block, manager, x, new Shape(d), batch));
                assertTrue(ai.djl.pytorch.jni.JniUtils.isGradMode(), "the refresh restores autograd's grad mode");
            } finally {
                ai.djl.pytorch.jni.JniUtils.setGradMode(gradMode);
            }
            float[] buffers = NetworkWeights.read(block, NetworkWeights.Selection.BUFFERS);
            assertEquals(2 * d, buffers.length);
            for (int j = 0; j < d; j++) {
                assertEquals(meanOfMeans[j], buffers[j], 1e-5 * (1 + Math.abs(meanOfMeans[j])), "mean " + j);
                assertEquals(meanOfVars[j], buffers[d + j], 1e-5 * (1 + meanOfVars[j]), "var " + j);
            }
            assertArrayEquals(weightsBefore, NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE), "weights untouched");
        }
    }

    @Test
    public void networksWithoutBatchNormAreLeftAlone() {
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            Block block = new SequentialBlock().add(Linear.builder().setUnits(2).build());
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            assertTrue(!BatchNormRefresh.hasBatchNorm(block));
            assertEquals(0, BatchNormRefresh.refresh(block, manager, new float[6], new Shape(3), 2));
        }
    }
}
