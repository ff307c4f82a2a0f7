package io.github.tribuoswa.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.CNNFactory;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.network.PreResNetFactory;
import io.github.tribuoswa.nn.network.VGGFactory;
import io.github.tribuoswa.nn.network.WideResNetFactory;
import org.junit.jupiter.api.Test;
import org.tribuo.test.Helpers;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every network factory builds a network whose output is (batch, outputs), is rebuilt from its
 * configuration, and rejects bad sizes.
 */
public class NetworkFactoryTest {

    private static long parameters(Block block) {
        return block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    private static Block check(NetworkFactory factory, Shape example, int outputs) {
        try (NDManager manager = Engines.pytorch().newBaseManager(ai.djl.Device.cpu())) {
            Block block = factory.build(example, outputs);
            long[] dims = new long[example.dimension() + 1];
            dims[0] = 3;
            System.arraycopy(example.getShape(), 0, dims, 1, example.dimension());
            block.initialize(manager, DataType.FLOAT32, new Shape(dims));
            NDArray x = manager.randomNormal(new Shape(dims));
            NDList y = block.forward(new ParameterStore(manager, false), new NDList(x), false);
            assertEquals(new Shape(3, outputs), y.singletonOrThrow().getShape(), factory.toString());
            // flat weights round trip through the network
            float[] w = NetworkWeights.read(block, NetworkWeights.Selection.ALL);
            assertEquals(parameters(block), w.length);
            float[] shifted = w.clone();
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] += 0.5f;
            }
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, shifted);
            assertArrayEquals(shifted, NetworkWeights.read(block, NetworkWeights.Selection.ALL));
            return block;
        }
    }

    @Test
    public void everyFamilyBuilds() {
        check(new MLPFactory(new int[]{32, 16}, Activation.GELU, 0.2, true), new Shape(20), 4);
        check(new MLPFactory(new int[]{}, Activation.RELU, 0, false), new Shape(7), 2);
        check(new CNNFactory(new int[]{8, 16}, 3, true, 32, 0.1), new Shape(1, 28, 28), 10);
        check(new VGGFactory(false, 16, 0.5), new Shape(1, 28, 28), 10);
        check(new VGGFactory(true, 16, 0.5), new Shape(3, 32, 32), 10);
        check(new PreResNetFactory(20, 4), new Shape(1, 28, 28), 10);
        check(new PreResNetFactory(56, 2), new Shape(3, 32, 32), 10);
        check(new WideResNetFactory(10, 1, 0.3), new Shape(1, 28, 28), 10);
    }

    @Test
    public void paperSizedNetworksHaveThePapersParameterCounts() {
        // PreResNet-164 (bottleneck, n = 18) and WRN-28-10 on CIFAR-10 as in the SWA paper: ~1.7M and ~36.5M weights
        Block preresnet = check(new PreResNetFactory(164, 16), new Shape(3, 32, 32), 10);
        long trainable = NetworkWeights.size(preresnet, NetworkWeights.Selection.TRAINABLE);
        assertTrue(trainable > 1_650_000 && trainable < 1_750_000, "PreResNet-164 has " + trainable);
        Block wrn = new WideResNetFactory(28, 10, 0).build(new Shape(3, 32, 32), 10);
        try (NDManager manager = Engines.pytorch().newBaseManager(ai.djl.Device.cpu())) {
            wrn.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            long w = NetworkWeights.size(wrn, NetworkWeights.Selection.TRAINABLE);
            assertTrue(w > 36_000_000 && w < 37_000_000, "WRN-28-10 has " + w);
        }
    }

    @Test
    public void factoriesRoundTripThroughConfiguration() {
        for (NetworkFactory f : List.of(new MLPFactory(new int[]{32, 16}, Activation.TANH, 0.2, true), new CNNFactory(new int[]{8}, 5, false, 16, 0),
                new VGGFactory(true, 8, 0.4), new PreResNetFactory(110, 16), new WideResNetFactory(16, 4, 0.1))) {
            Helpers.testConfigurableRoundtrip(f);
        }
    }

    @Test
    public void badSizesAreRejected() {
        assertEquals("depth", assertThrows(PropertyException.class, () -> new PreResNetFactory(21, 16)).getProperty());
        assertEquals("depth", assertThrows(PropertyException.class, () -> new PreResNetFactory(50, 16)).getProperty());
        assertEquals("depth", assertThrows(PropertyException.class, () -> new WideResNetFactory(27, 10, 0)).getProperty());
        assertEquals("kernelSize", assertThrows(PropertyException.class, () -> new CNNFactory(new int[]{8}, 4, true, 16, 0)).getProperty());
        assertEquals("dropout", assertThrows(PropertyException.class, () -> new MLPFactory(new int[]{8}, Activation.RELU, 1.0, false)).getProperty());
        assertEquals("hiddenSizes", assertThrows(PropertyException.class, () -> new MLPFactory(new int[]{0}, Activation.RELU, 0, false)).getProperty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CNNFactory(new int[]{8}, 3, true, 16, 0).build(new Shape(784), 10));
        assertTrue(e.getMessage().contains("(channels, height, width)"), e.getMessage());
    }
}
