package io.github.tribuoswa.reproduction.bench.jmh;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import io.github.tribuoswa.averaging.AverageRule;
import io.github.tribuoswa.averaging.EqualAverage;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.DeviceWeights;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * JMH microbenchmarks (programs, not tests): the cost of one update of an average kept on the
 * network's device ({@link DeviceAverage}: SWA's equal average and an EMA) against a plain device
 * copy of the same weights, at 1 and 2 intra-op threads; the finiteness check before an
 * update; the first wave's host average on a flat vector against a plain array copy; reading a
 * network's weights to the host; and the BatchNorm refresh. Divide ns/op by the size for ns per
 * parameter.
 * {@code scripts/bench/benchmark-jmh.sh} runs them and writes docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AveragingBenchmark {

    private static final NDIndex ALL = new NDIndex("...");

    /**
     * Flat vectors of a given size.
     */
    @State(Scope.Thread)
    public static class Vectors {
        @Param({"100000", "1000000"})
        public int size;

        float[] weights;
        float[] copy;
        EqualAverage average;

        /**
         * Draws the weights.
         */
        @Setup(Level.Trial)
        public void setup() {
            Random rng = new Random(1);
            weights = new float[size];
            for (int i = 0; i < size; i++) {
                weights[i] = (float) rng.nextGaussian();
            }
            copy = new float[size];
            average = new EqualAverage(size);
            average.update(weights);
        }
    }

    /**
     * The average update of Algorithm 1 on a flat vector.
     * @param v The state.
     * @return The average's count (so the work is not eliminated).
     */
    @Benchmark
    public long averageUpdate(Vectors v) {
        v.average.update(v.weights);
        return v.average.count();
    }

    /**
     * A plain copy of the same number of floats: the floor any update has.
     * @param v The state.
     * @return The copy.
     */
    @Benchmark
    public float[] arrayCopy(Vectors v) {
        System.arraycopy(v.weights, 0, v.copy, 0, v.size);
        return v.copy;
    }

    /**
     * One weight matrix of {@code size} values on the CPU device (a bias-free linear layer),
     * its copy target, and an equal average and an EMA of it on the device, at a given number
     * of intra-op threads.
     */
    @State(Scope.Thread)
    public static class OnDevice {
        @Param({"100000", "1000000"})
        public int size;

        @Param({"1", "2"})
        public int threads;

        NDManager manager;
        Block block;
        NDArray weight;
        NDArray copy;
        DeviceAverage equal;
        DeviceAverage ema;

        /**
         * Builds the layer and starts both averages.
         */
        @Setup(Level.Trial)
        public void setup() {
            Engines.setIntraOpThreads(threads);
            manager = Engines.pytorch().newBaseManager(Device.cpu());
            block = Linear.builder().setUnits(1000).optBias(false).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(1, size / 1000));
            weight = NetworkWeights.parameters(block, NetworkWeights.Selection.TRAINABLE).get(0).getValue().getArray();
            copy = weight.duplicate();
            equal = new DeviceAverage(AverageRule.EQUAL, NetworkWeights.Selection.TRAINABLE, DeviceAverage.Precision.FLOAT32);
            ema = new DeviceAverage(AverageRule.exponential(0.999), NetworkWeights.Selection.TRAINABLE, DeviceAverage.Precision.FLOAT32);
            equal.update(block);
            ema.update(block);
        }

        /**
         * Frees the native memory.
         */
        @TearDown(Level.Trial)
        public void close() {
            manager.close();
        }
    }

    /**
     * A plain copy of the weights into another array on the same device (libtorch's copy_):
     * the floor of any update of an average kept there.
     * @param d The state.
     * @return The copy.
     */
    @Benchmark
    public NDArray deviceCopy(OnDevice d) {
        d.copy.set(ALL, d.weight);
        return d.copy;
    }

    /**
     * One update of Algorithm 1's equal average on the device: G &larr; G + w.
     * @param d The state.
     * @return The model count.
     */
    @Benchmark
    public long deviceEqualUpdate(OnDevice d) {
        d.equal.update(d.block);
        return d.equal.count();
    }

    /**
     * One update of an EMA on the device: G &larr; δ·G + w.
     * @param d The state.
     * @return The model count.
     */
    @Benchmark
    public long deviceEmaUpdate(OnDevice d) {
        d.ema.update(d.block);
        return d.ema.count();
    }

    /**
     * The finiteness check (one reduction per parameter on the device, one small read back);
     * the listeners run {@code DeviceWeights.firstBeyond}, the same with max and min, before
     * each update.
     * @param d The state.
     * @return The name of a non-finite parameter (null).
     */
    @Benchmark
    public String finiteCheck(OnDevice d) {
        return DeviceWeights.firstNonFinite(d.block, NetworkWeights.Selection.TRAINABLE);
    }

    /**
     * An MLP 784-256(BN)-10 (203,530 trainable weights) and 1,024 examples.
     */
    @State(Scope.Thread)
    public static class Network {
        NDManager manager;
        Block block;
        float[] features;

        /**
         * Builds the network and draws the features.
         */
        @Setup(Level.Trial)
        public void setup() {
            Engines.setIntraOpThreads(2);
            manager = Engines.pytorch().newBaseManager(Device.cpu());
            block = new MLPFactory(new int[]{256}, Activation.RELU, 0, true).build(new Shape(784), 10);
            block.initialize(manager, DataType.FLOAT32, new Shape(128, 784));
            Random rng = new Random(2);
            features = new float[1024 * 784];
            for (int i = 0; i < features.length; i++) {
                features[i] = rng.nextFloat();
            }
        }

        /**
         * Frees the network's native memory.
         */
        @TearDown(Level.Trial)
        public void close() {
            manager.close();
        }
    }

    /**
     * Reading the trainable weights of a network into a flat vector (what an SWA listener
     * does before the update).
     * @param n The state.
     * @return The weights.
     */
    @Benchmark
    public float[] readNetworkWeights(Network n) {
        return NetworkWeights.read(n.block, NetworkWeights.Selection.TRAINABLE);
    }

    /**
     * The BatchNorm refresh over 1,024 examples in batches of 128.
     * @param n The state.
     * @return The number of layers refreshed.
     */
    @Benchmark
    public int batchNormRefresh(Network n) {
        return BatchNormRefresh.refresh(n.block, n.manager, n.features, new Shape(784), 128);
    }
}
