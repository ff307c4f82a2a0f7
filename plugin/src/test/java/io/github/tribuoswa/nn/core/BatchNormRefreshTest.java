package io.github.tribuoswa.nn.core;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
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
        double[][] expected = meanOfBatchStatistics(x, n, d, batch);
        double[] meanOfMeans = expected[0];
        double[] meanOfVars = expected[1];

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

    /**
     * The direct computation: per column of an n × d matrix, the mean over batches of each
     * batch's mean and unbiased variance.
     */
    private static double[][] meanOfBatchStatistics(float[] x, int n, int d, int batch) {
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
        return new double[][]{meanOfMeans, meanOfVars};
    }

    @Test
    public void theForwardPassStopsAtTheLastBatchNormLayer() {
        int n = 12;
        int d = 5;
        int h = 3;
        int batch = 5;
        float[] x = new float[n * d];
        Random rng = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        int[] tailCalls = {0};
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            Linear linear = Linear.builder().setUnits(h).build();
            // the last BatchNorm inside a nested sequential block, a counting block and a linear layer after it
            Block block = new SequentialBlock()
                    .add(linear)
                    .add(new SequentialBlock().add(BatchNorm.builder().optMomentum(0.9f).build())
                            .add(new LambdaBlock(list -> {
                                tailCalls[0]++;
                                return list;
                            })).add(Linear.builder().setUnits(2).build()));
            block.initialize(manager, DataType.FLOAT32, new Shape(batch, d));
            tailCalls[0] = 0; // initialisation runs it to infer shapes
            assertEquals(2, BatchNormRefresh.toLastBatchNorm(block).size(), "the linear layer, then the BatchNorm layer");
            assertEquals(1, BatchNormRefresh.refresh(block, manager, x, new Shape(d), batch));
            assertEquals(0, tailCalls[0], "nothing after the last BatchNorm layer ran");

            // the statistics are those of the linear layer's outputs, computed here directly
            float[] w = linear.getParameters().get("weight").getArray().toFloatArray();   // h × d
            float[] bias = linear.getParameters().get("bias").getArray().toFloatArray();
            float[] y = new float[n * h];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < h; k++) {
                    double v = bias[k];
                    for (int j = 0; j < d; j++) {
                        v += (double) x[i * d + j] * w[k * d + j];
                    }
                    y[i * h + k] = (float) v;
                }
            }
            double[][] expected = meanOfBatchStatistics(y, n, h, batch);
            float[] buffers = NetworkWeights.read(block, NetworkWeights.Selection.BUFFERS);
            for (int k = 0; k < h; k++) {
                assertEquals(expected[0][k], buffers[k], 1e-5 * (1 + Math.abs(expected[0][k])), "mean " + k);
                assertEquals(expected[1][k], buffers[h + k], 1e-5 * (1 + expected[1][k]), "var " + k);
            }
            try (NDManager sub = manager.newSubManager()) {
                block.forward(new ai.djl.training.ParameterStore(sub, false),
                        new ai.djl.ndarray.NDList(sub.create(new float[batch * d], new Shape(batch, d))), false);
            }
            assertEquals(1, tailCalls[0], "the counting block is part of the network's own forward pass");
        }
    }
}
