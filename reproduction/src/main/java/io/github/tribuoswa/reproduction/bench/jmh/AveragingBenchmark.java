package io.github.tribuoswa.reproduction.bench.jmh;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.tribuoswa.averaging.EqualAverage;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
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
 * JMH microbenchmarks (programs, not tests): the cost of one SWA average update on a flat weight
 * vector and of reading a network's weights into one, against a plain array copy of the same
 * size; and of the BatchNorm refresh. Divide ns/op by the size for ns per parameter.
 * {@code scripts/bench/benchmark-jmh.sh} runs them and writes docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AveragingBenchmark {

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
