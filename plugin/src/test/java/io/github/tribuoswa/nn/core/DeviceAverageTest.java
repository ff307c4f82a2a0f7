package io.github.tribuoswa.nn.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import io.github.tribuoswa.averaging.AverageRule;
import io.github.tribuoswa.averaging.EqualAverage;
import io.github.tribuoswa.averaging.ExponentialMovingAverage;
import io.github.tribuoswa.averaging.WeightAverage;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device average against the double-precision host average over 1,000 updates, its
 * in-place updates, its state round trip, and the non-finite check.
 */
public class DeviceAverageTest {

    /**
     * The bound, relative to the largest weight, on how far the float32 device average may be
     * from the double-precision average after 1,000 updates (docs/swa.md quotes it).
     */
    static final double FLOAT32_BOUND = 2e-6;

    private static NDManager manager;
    private static Block block;

    @BeforeAll
    static void build() {
        Engines.setIntraOpThreads(1);
        manager = Engines.pytorch().newBaseManager(Device.cpu());
        block = new MLPFactory(new int[]{16}, Activation.RELU, 0, true).build(new Shape(20), 5);
        block.initialize(manager, DataType.FLOAT32, new Shape(4, 20));
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Weights drifting around a non-zero centre, as along an SGD trajectory. */
    private static List<float[]> trajectory(int n, int size, long seed) {
        Random rng = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            float[] w = new float[size];
            for (int j = 0; j < size; j++) {
                w[j] = (float) (3.0 + Math.sin(j) + 0.5 * rng.nextGaussian() + k * 1e-3);
            }
            out.add(w);
        }
        return out;
    }

    private static double worstError(double[] actual, double[] expected) {
        double worst = 0;
        double scale = 0;
        for (int j = 0; j < actual.length; j++) {
            worst = Math.max(worst, Math.abs(actual[j] - expected[j]));
            scale = Math.max(scale, Math.abs(expected[j]));
        }
        return worst / scale;
    }

    private static double[] run(DeviceAverage device, WeightAverage host, List<float[]> trajectory) {
        for (float[] w : trajectory) {
            NetworkWeights.write(block, device.selection(), w);
            device.update(block);
            host.update(w);
        }
        return host.average();
    }

    @Test
    public void float32AverageStaysWithinTheBoundOfTheDoubleAverageOver1000Updates() {
        int size = NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE);
        List<float[]> trajectory = trajectory(1000, size, 42);
        try (DeviceAverage equal = new DeviceAverage(AverageRule.EQUAL, NetworkWeights.Selection.TRAINABLE, DeviceAverage.Precision.FLOAT32);
             DeviceAverage ema = new DeviceAverage(AverageRule.exponential(0.99), NetworkWeights.Selection.TRAINABLE,
                     DeviceAverage.Precision.FLOAT32);
             DeviceAverage equal64 = new DeviceAverage(AverageRule.EQUAL, NetworkWeights.Selection.TRAINABLE, DeviceAverage.Precision.FLOAT64)) {
            double[] reference = run(equal, new EqualAverage(size), trajectory);
            double e32 = worstError(equal.average(), reference);
            double[] emaReference = run(ema, new ExponentialMovingAverage(size, 0.99), trajectory);
            double eEma = worstError(ema.average(), emaReference);
            run(equal64, new EqualAverage(size), trajectory);
            double e64 = worstError(equal64.average(), reference);
            System.out.printf("device average after 1000 updates, worst error / largest weight: float32 equal %.3g, float32 EMA %.3g, "
                    + "float64 equal %.3g%n", e32, eEma, e64);
            assertEquals(1000, equal.count());
            assertTrue(e32 < FLOAT32_BOUND, "float32 equal average: " + e32);
            assertTrue(eEma < FLOAT32_BOUND, "float32 EMA: " + eEma);
            assertTrue(e64 < 1e-12, "float64 equal average: " + e64);
            assertTrue(e32 > 0, "the float32 state does round (else this test checks nothing)");
        }
    }

    @Test
    public void updatesInPlaceOnTheNetworksDeviceAndWritesTheAverage() {
        int size = NetworkWeights.size(block, NetworkWeights.Selection.ALL);
        List<float[]> trajectory = trajectory(5, size, 7);
        try (DeviceAverage avg = new DeviceAverage(AverageRule.EQUAL, NetworkWeights.Selection.ALL, DeviceAverage.Precision.FLOAT32)) {
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, trajectory.get(0));
            avg.update(block);
            List<NDArray> state = new ArrayList<>(avg.scaledSum().arrays());
            List<Long> handles = new ArrayList<>();
            for (NDArray a : state) {
                assertTrue(a instanceof PtNDArray, "an engine array");
                assertEquals(Device.cpu(), a.getDevice());
                handles.add(((PtNDArray) a).getHandle());
            }
            for (int k = 1; k < trajectory.size(); k++) {
                NetworkWeights.write(block, NetworkWeights.Selection.ALL, trajectory.get(k));
                avg.update(block);
            }
            for (int i = 0; i < state.size(); i++) {
                assertSame(state.get(i), avg.scaledSum().arrays().get(i), "the same arrays, updated in place");
                assertEquals(handles.get(i), ((PtNDArray) avg.scaledSum().arrays().get(i)).getHandle());
            }
            float[] expected = new float[size];
            for (int j = 0; j < size; j++) {
                double s = 0;
                for (float[] w : trajectory) {
                    s += w[j];
                }
                expected[j] = (float) (s / trajectory.size());
            }
            avg.writeTo(block);
            assertArrayEquals(expected, NetworkWeights.read(block, NetworkWeights.Selection.ALL), 1e-5f);
        }
    }

    @Test
    public void stateRoundTripContinuesBitIdentically() {
        int size = NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE);
        List<float[]> trajectory = trajectory(8, size, 3);
        for (DeviceAverage.Precision precision : DeviceAverage.Precision.values()) {
            AverageRule rule = AverageRule.exponential(0.5);
            try (DeviceAverage whole = new DeviceAverage(rule, NetworkWeights.Selection.TRAINABLE, precision);
                 DeviceAverage resumed = new DeviceAverage(rule, NetworkWeights.Selection.TRAINABLE, precision)) {
                for (int k = 0; k < 4; k++) {
                    NetworkWeights.write(block, NetworkWeights.Selection.TRAINABLE, trajectory.get(k));
                    whole.update(block);
                }
                DeviceWeights saved = precision == DeviceAverage.Precision.FLOAT64
                        ? DeviceWeights.fromHost(block, NetworkWeights.Selection.TRAINABLE, whole.scaledSum().toHostDoubles())
                        : DeviceWeights.fromHost(block, NetworkWeights.Selection.TRAINABLE, whole.scaledSum().toHost());
                resumed.restore(saved, whole.count());
                for (int k = 4; k < trajectory.size(); k++) {
                    NetworkWeights.write(block, NetworkWeights.Selection.TRAINABLE, trajectory.get(k));
                    whole.update(block);
                    resumed.update(block);
                }
                assertArrayEquals(whole.average(), resumed.average(), 0.0, precision.toString());
                DeviceAverage copy = whole.duplicate();
                NetworkWeights.write(block, NetworkWeights.Selection.TRAINABLE, trajectory.get(0));
                whole.update(block);
                assertArrayEquals(resumed.average(), copy.average(), 0.0, "the copy is independent");
                copy.close();
            }
        }
        DeviceAverage empty = new DeviceAverage(AverageRule.EQUAL, NetworkWeights.Selection.TRAINABLE, DeviceAverage.Precision.FLOAT32);
        assertThrows(IllegalStateException.class, () -> empty.writeTo(block));
        DeviceWeights wrongType = DeviceWeights.copyOf(block, NetworkWeights.Selection.TRAINABLE, DataType.FLOAT64);
        assertThrows(IllegalArgumentException.class, () -> empty.restore(wrongType, 3));
        assertThrows(IllegalArgumentException.class, () -> empty.restore(DeviceWeights.copyOf(block, NetworkWeights.Selection.TRAINABLE), 0));
        wrongType.close();
    }

    @Test
    public void nonFiniteParametersAreNamed() {
        int size = NetworkWeights.size(block, NetworkWeights.Selection.ALL);
        float[] w = trajectory(1, size, 9).get(0);
        NetworkWeights.write(block, NetworkWeights.Selection.ALL, w);
        assertNull(DeviceWeights.firstNonFinite(block, NetworkWeights.Selection.ALL));
        String last = NetworkWeights.parameters(block, NetworkWeights.Selection.TRAINABLE).get(3).getKey();
        int offset = 0;
        for (int i = 0; i < 3; i++) {
            offset += Math.toIntExact(NetworkWeights.parameters(block, NetworkWeights.Selection.TRAINABLE).get(i).getValue().getArray().size());
        }
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] t = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
            float keep = t[offset + 1];
            t[offset + 1] = bad;
            NetworkWeights.write(block, NetworkWeights.Selection.TRAINABLE, t);
            assertEquals(last, DeviceWeights.firstNonFinite(block, NetworkWeights.Selection.TRAINABLE));
            t[offset + 1] = keep;
            NetworkWeights.write(block, NetworkWeights.Selection.TRAINABLE, t);
        }
        assertNull(DeviceWeights.firstNonFinite(block, NetworkWeights.Selection.TRAINABLE));
    }
}
