package io.github.tribuoswa.nn.core;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SWAG's moments and deviations against an independent computation from the stored snapshots,
 * the samples' mean and covariance against the formula (many samples, five standard errors),
 * the diagonal mode, K larger than the number of collections, seeded samples and the floor.
 */
public class SwagPosteriorTest {

    private static NDManager manager;
    private static Block block;
    private static int d;

    @BeforeAll
    static void build() {
        Engines.setIntraOpThreads(1);
        manager = Engines.pytorch().newBaseManager(Device.cpu());
        block = Linear.builder().setUnits(2).build();          // weight 2x3 and bias 2: d = 8
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
        d = NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static List<float[]> snapshots(int n, long seed) {
        Random rng = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] w = new float[d];
            for (int j = 0; j < d; j++) {
                w[j] = (float) (Math.cos(j) + 0.3 * rng.nextGaussian() * (1 + j % 3));
            }
            out.add(w);
        }
        return out;
    }

    private static SwagPosterior collect(List<float[]> snapshots, int maxRank) {
        SwagPosterior swag = new SwagPosterior(maxRank, DeviceAverage.Precision.FLOAT32);
        for (float[] w : snapshots) {
            NetworkWeights.write(block, NetworkWeights.Selection.TRAINABLE, w);
            swag.collect(block);
        }
        return swag;
    }

    @Test
    public void momentsAndDeviationsMatchTheSnapshots() {
        List<float[]> w = snapshots(7, 1);
        try (SwagPosterior swag = collect(w, 4)) {
            double[] mean = new double[d];
            double[] sq = new double[d];
            List<double[]> devs = new ArrayList<>();
            for (int i = 0; i < w.size(); i++) {
                double[] running = new double[d];
                for (int k = 0; k <= i; k++) {
                    for (int j = 0; j < d; j++) {
                        running[j] += w.get(k)[j] / (i + 1.0);
                    }
                }
                double[] dev = new double[d];
                for (int j = 0; j < d; j++) {
                    dev[j] = w.get(i)[j] - running[j];
                }
                devs.add(dev);
            }
            for (float[] s : w) {
                for (int j = 0; j < d; j++) {
                    mean[j] += s[j] / w.size();
                    sq[j] += (double) s[j] * s[j] / w.size();
                }
            }
            assertEquals(7, swag.collections());
            assertEquals(4, swag.rank());
            assertArrayEquals(mean, swag.mean(), 1e-6);
            assertArrayEquals(sq, swag.squares(), 1e-5);
            List<float[]> held = swag.deviations();
            for (int c = 0; c < 4; c++) {
                double[] expected = devs.get(3 + c);   // the last four, oldest first
                for (int j = 0; j < d; j++) {
                    assertEquals(expected[j], held.get(c)[j], 1e-5, "deviation " + c + " at " + j);
                }
            }
        }
    }

    /** The samples' covariance against scale·(diag(var) + D D^T/(k − 1)), within five standard errors. */
    private static void checkCovariance(SwagPosterior swag, SwagPosterior.Covariance covariance, int samples) {
        double scale = 0.5;
        double[] mean = swag.mean();
        double[] sq = swag.squares();
        List<float[]> dev = swag.deviations();
        int k = dev.size();
        double[][] expected = new double[d][d];
        for (int a = 0; a < d; a++) {
            expected[a][a] += scale * Math.max(sq[a] - mean[a] * mean[a], 1e-30);
            if (covariance == SwagPosterior.Covariance.LOW_RANK && k >= 2) {
                for (int b = 0; b < d; b++) {
                    for (float[] c : dev) {
                        expected[a][b] += scale * c[a] * c[b] / (k - 1);
                    }
                }
            }
        }
        double[] sum = new double[d];
        double[][] outer = new double[d][d];
        Random rng = new Random(11);
        for (int s = 0; s < samples; s++) {
            swag.sample(block, rng, covariance, scale, 1e-30);
            float[] t = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
            for (int a = 0; a < d; a++) {
                sum[a] += t[a];
                for (int b = 0; b < d; b++) {
                    outer[a][b] += (t[a] - mean[a]) * (t[b] - mean[b]);
                }
            }
        }
        for (int a = 0; a < d; a++) {
            double se = Math.sqrt(expected[a][a] / samples);
            assertEquals(mean[a], sum[a] / samples, 5 * se + 1e-7, "mean at " + a);
            for (int b = 0; b < d; b++) {
                double cov = outer[a][b] / samples;
                double seCov = Math.sqrt((expected[a][a] * expected[b][b] + expected[a][b] * expected[a][b]) / samples);
                assertEquals(expected[a][b], cov, 5 * seCov + 1e-9, covariance + " covariance (" + a + ", " + b + ")");
            }
        }
    }

    @Test
    public void samplesHaveTheFormulasCovariance() {
        try (SwagPosterior swag = collect(snapshots(6, 2), 20)) {   // K = 20 > 6 collections: rank 6
            assertEquals(6, swag.rank());
            checkCovariance(swag, SwagPosterior.Covariance.LOW_RANK, 20000);
            checkCovariance(swag, SwagPosterior.Covariance.DIAGONAL, 20000);
        }
    }

    @Test
    public void samplesAreSeededAndTheFloorHolds() {
        try (SwagPosterior swag = collect(snapshots(5, 3), 3)) {
            swag.sample(block, new Random(5), SwagPosterior.Covariance.LOW_RANK, 0.5, 1e-30);
            float[] first = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
            swag.sample(block, new Random(5), SwagPosterior.Covariance.LOW_RANK, 0.5, 1e-30);
            assertArrayEquals(first, NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE), 0f, "the same seed, the same sample");
            swag.sample(block, new Random(6), SwagPosterior.Covariance.LOW_RANK, 0.5, 1e-30);
            assertFalse(java.util.Arrays.equals(first, NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE)));
        }
        // identical snapshots: no variance and no deviation, so a diagonal sample is the mean plus floor noise
        List<float[]> same = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            same.add(snapshots(1, 4).get(0));
        }
        try (SwagPosterior swag = collect(same, 3)) {
            swag.sample(block, new Random(1), SwagPosterior.Covariance.DIAGONAL, 0.5, 0.0);
            assertArrayEquals(same.get(0), NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE), 1e-6f);
            double floor = 1e-2;
            double sumSq = 0;
            int n = 2000;
            Random rng = new Random(2);
            for (int s = 0; s < n; s++) {
                swag.sample(block, rng, SwagPosterior.Covariance.DIAGONAL, 0.5, floor);
                float[] t = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
                sumSq += (t[0] - same.get(0)[0]) * (t[0] - same.get(0)[0]);
            }
            double variance = sumSq / n;
            assertEquals(0.5 * floor, variance, 5 * 0.5 * floor * Math.sqrt(2.0 / n), "the floor's variance");
        }
    }

    @Test
    public void badInputIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SwagPosterior(0, DeviceAverage.Precision.FLOAT32));
        assertTrue(e.getMessage().contains("maxRank = 0") && e.getMessage().contains(">= 1"), e.getMessage());
        try (SwagPosterior empty = new SwagPosterior(2, DeviceAverage.Precision.FLOAT32)) {
            assertThrows(IllegalStateException.class, () -> empty.sample(block, new Random(1), SwagPosterior.Covariance.DIAGONAL, 0.5, 0));
        }
        try (SwagPosterior swag = collect(snapshots(2, 5), 2)) {
            e = assertThrows(IllegalArgumentException.class, () -> swag.sample(block, new Random(1), SwagPosterior.Covariance.DIAGONAL, 0, 0));
            assertTrue(e.getMessage().contains("scale = 0.0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> swag.sample(block, new Random(1), SwagPosterior.Covariance.DIAGONAL, 0.5, -1));
            assertTrue(e.getMessage().contains("varianceFloor = -1.0"), e.getMessage());
        }
    }
}
