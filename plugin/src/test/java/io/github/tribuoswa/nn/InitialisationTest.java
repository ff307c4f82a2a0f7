package io.github.tribuoswa.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.Initialisation;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.CNNFactory;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.network.NetworkFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PYTORCH initialisation draws torch.nn's default bounds, 1/sqrt(fan_in) for the weight and
 * the bias of each dense and convolution layer, from the run's seed; DJL leaves DJL's draw.
 */
public class InitialisationTest {

    /** The network's parameters after DJL's initialisation and then {@code init} with {@code seed}. */
    private static List<Pair<String, float[]>> initialise(NetworkFactory factory, Shape example, Initialisation init, long seed) {
        try (NDManager manager = Engines.pytorch().newBaseManager(ai.djl.Device.cpu())) {
            Engines.pytorch().setRandomSeed(7);
            Block block = factory.build(example, 10);
            long[] dims = new long[example.dimension() + 1];
            dims[0] = 2;
            System.arraycopy(example.getShape(), 0, dims, 1, example.dimension());
            block.initialize(manager, DataType.FLOAT32, new Shape(dims));
            init.apply(block, seed);
            List<Pair<String, float[]>> out = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                out.add(new Pair<>(p.getKey() + ":" + p.getValue().getType(), p.getValue().getArray().toFloatArray()));
            }
            return out;
        }
    }

    private static float[] replay(SplittableRandom rng, int n, long fanIn) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((2 * rng.nextDouble() - 1) / Math.sqrt(fanIn));
        }
        return v;
    }

    @Test
    public void mlpLayersGetTorchBoundsFromTheSeed() {
        List<Pair<String, float[]>> p = initialise(new MLPFactory(new int[]{256}, Activation.RELU, 0, false), new Shape(784),
                Initialisation.PYTORCH, 42);
        // weight 256x784, bias 256, weight 10x256, bias 10, in DJL's order
        assertEquals(4, p.size());
        SplittableRandom rng = new SplittableRandom(42);
        assertArrayEquals(replay(rng, 256 * 784, 784), p.get(0).getValue(), p.get(0).getKey());
        assertArrayEquals(replay(rng, 256, 784), p.get(1).getValue(), "the bias takes the layer's fan-in");
        assertArrayEquals(replay(rng, 10 * 256, 256), p.get(2).getValue(), p.get(2).getKey());
        assertArrayEquals(replay(rng, 10, 256), p.get(3).getValue(), p.get(3).getKey());
        float max = 0;
        for (float v : p.get(0).getValue()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= (float) (1 / Math.sqrt(784)) && max > 0.99 / Math.sqrt(784), "max |w| = " + max);
    }

    @Test
    public void convolutionFanInIsChannelsTimesKernelAndBatchNormIsLeftAlone() {
        List<Pair<String, float[]>> p = initialise(new CNNFactory(new int[]{4}, 3, true, 8, 0), new Shape(1, 8, 8),
                Initialisation.PYTORCH, 5);
        SplittableRandom rng = new SplittableRandom(5);
        int i = 0;
        assertArrayEquals(replay(rng, 4 * 9, 9), p.get(i++).getValue(), "conv weight, fan-in 1 x 3 x 3");
        if (p.get(i).getKey().endsWith(":BIAS")) {
            assertArrayEquals(replay(rng, 4, 9), p.get(i++).getValue(), "conv bias");
        }
        for (; !p.get(i).getKey().endsWith(":WEIGHT"); i++) {
            // BatchNorm: gamma 1, beta 0, running mean 0, running variance 1, as DJL draws them
            float expected = p.get(i).getKey().endsWith(":GAMMA") || p.get(i).getKey().endsWith(":RUNNING_VAR") ? 1f : 0f;
            for (float v : p.get(i).getValue()) {
                assertEquals(expected, v, p.get(i).getKey());
            }
        }
        int flat = 4 * 4 * 4;   // after one 2x2 pooling of 8x8
        assertArrayEquals(replay(rng, 8 * flat, flat), p.get(i++).getValue(), "dense weight");
        assertArrayEquals(replay(rng, 8, flat), p.get(i++).getValue(), "dense bias");
        assertArrayEquals(replay(rng, 10 * 8, 8), p.get(i++).getValue(), "output weight");
        assertArrayEquals(replay(rng, 10, 8), p.get(i++).getValue(), "output bias");
        assertEquals(p.size(), i, "every parameter checked");
    }

    @Test
    public void djlKeepsItsOwnDrawAndSeedsMatter() {
        MLPFactory mlp = new MLPFactory(new int[]{256}, Activation.RELU, 0, false);
        List<Pair<String, float[]>> djl = initialise(mlp, new Shape(784), Initialisation.DJL, 42);
        double sumSquares = 0;
        for (float v : djl.get(0).getValue()) {
            sumSquares += (double) v * v;
        }
        // DJL's default for weights: Kaiming-normal, N(0, 2 / fan_in); 200,704 draws estimate the std to 0.2%
        assertEquals(Math.sqrt(2.0 / 784), Math.sqrt(sumSquares / djl.get(0).getValue().length), 0.02 * Math.sqrt(2.0 / 784), "DJL's std");
        for (float v : djl.get(1).getValue()) {
            assertEquals(0f, v, "DJL's zero bias");
        }
        assertArrayEquals(initialise(mlp, new Shape(784), Initialisation.PYTORCH, 3).get(0).getValue(),
                initialise(mlp, new Shape(784), Initialisation.PYTORCH, 3).get(0).getValue(), "same seed, same weights");
        assertFalse(java.util.Arrays.equals(initialise(mlp, new Shape(784), Initialisation.PYTORCH, 3).get(0).getValue(),
                initialise(mlp, new Shape(784), Initialisation.PYTORCH, 4).get(0).getValue()), "another seed, other weights");
    }
}
