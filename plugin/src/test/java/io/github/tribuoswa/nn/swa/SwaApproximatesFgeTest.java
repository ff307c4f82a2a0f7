package io.github.tribuoswa.nn.swa;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SWA ≈ FGE (Izmailov et al. 2018, §3.5): with w_SWA the mean of the FGE points w_i and
 * Δ = max‖w_i &minus; w_SWA‖, the ensemble's mean prediction and the prediction at w_SWA differ
 * by O(Δ²). Halving the spread of the points around their mean divides the gap by about four.
 */
public class SwaApproximatesFgeTest {

    private static double[] softmax(float[] logits, int offset, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[offset + j]);
        }
        double[] p = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            p[j] = Math.exp(logits[offset + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < k; j++) {
            p[j] /= sum;
        }
        return p;
    }

    @Test
    public void ensembleGapShrinksQuadraticallyWithTheSpread() {
        int n = 64;
        int d = 6;
        int k = 3;
        int members = 4;
        Random rng = new Random(17);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            Block block = new MLPFactory(new int[]{10}, Activation.TANH, 0, false).build(new Shape(d), k);
            block.initialize(manager, DataType.FLOAT32, new Shape(n, d));
            float[] mean = NetworkWeights.read(block, NetworkWeights.Selection.ALL);
            // directions summing to zero, so the points' mean is exactly w_SWA; max norm 1
            double[][] dirs = new double[members][mean.length];
            for (int m = 0; m < members - 1; m++) {
                for (int j = 0; j < mean.length; j++) {
                    dirs[m][j] = rng.nextGaussian();
                    dirs[members - 1][j] -= dirs[m][j];
                }
            }
            double maxNorm = 0;
            for (double[] dir : dirs) {
                double s = 0;
                for (double v : dir) {
                    s += v * v;
                }
                maxNorm = Math.max(maxNorm, Math.sqrt(s));
            }
            float[] atMean = forward(block, manager, mean, x, n, d);
            double[] gaps = new double[4];
            double eps = 0.4;
            for (int g = 0; g < gaps.length; g++, eps /= 2) {
                double[][] ensemble = new double[n][k];
                for (double[] dir : dirs) {
                    float[] w = new float[mean.length];
                    for (int j = 0; j < w.length; j++) {
                        w[j] = (float) (mean[j] + eps * dir[j] / maxNorm);
                    }
                    float[] logits = forward(block, manager, w, x, n, d);
                    for (int i = 0; i < n; i++) {
                        double[] p = softmax(logits, i * k, k);
                        for (int c = 0; c < k; c++) {
                            ensemble[i][c] += p[c] / members;
                        }
                    }
                }
                double gap = 0;
                for (int i = 0; i < n; i++) {
                    double[] p = softmax(atMean, i * k, k);
                    for (int c = 0; c < k; c++) {
                        gap = Math.max(gap, Math.abs(ensemble[i][c] - p[c]));
                    }
                }
                gaps[g] = gap;
            }
            for (int g = 1; g < gaps.length; g++) {
                double ratio = gaps[g - 1] / gaps[g];
                assertTrue(ratio > 3.2 && ratio < 4.8, "halving the spread divided the gap by " + ratio
                        + " (O(Δ²) predicts 4); gaps " + java.util.Arrays.toString(gaps));
            }
        }
    }

    private static float[] forward(Block block, NDManager manager, float[] weights, float[] x, int n, int d) {
        NetworkWeights.write(block, NetworkWeights.Selection.ALL, weights);
        try (NDManager sub = manager.newSubManager()) {
            NDList out = block.forward(new ParameterStore(sub, false), new NDList(sub.create(x, new Shape(n, d))), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }
}
