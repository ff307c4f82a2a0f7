package io.github.tribuoswa.nn.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.github.tribuoswa.averaging.AverageRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The SWAG posterior over a network's trainable weights (Maddox et al. 2019), kept on the
 * network's device: the running mean θ̄ of the collected weights (= w_SWA), the running mean s̄
 * of their squares, and the last K deviations θ_i &minus; θ̄_i (θ̄_i the mean after collection i),
 * the columns of D̂. A sample is
 * <pre>
 *   θ̃ = θ̄ + √scale · ( Σ_diag^{1/2} ⊙ z₁ + D̂·z₂ / √(k &minus; 1) ),   Σ_diag = max(s̄ &minus; θ̄ ⊙ θ̄, floor)
 * </pre>
 * with z₁ ~ N(0, I_d), z₂ ~ N(0, I_k), k the number of deviations held (the low-rank part needs
 * k &ge; 2; with {@link Covariance#DIAGONAL} it is left out), and scale = ½ giving the paper's
 * θ̄ + Σ_diag^{1/2}z₁/√2 + D̂z₂/√(2(K &minus; 1)) (the authors' code calls its sampler with
 * scale ½). The normal draws come from a seeded Java generator, so a sample is the same on any
 * device for the same seed; they reach the device once per sample.
 */
public final class SwagPosterior implements AutoCloseable {

    /**
     * Which covariance the samples use.
     */
    public enum Covariance {
        /**
         * Σ_diag only (SWAG-Diagonal).
         */
        DIAGONAL,
        /**
         * Σ_diag plus the low-rank part D̂D̂ᵀ/(K &minus; 1) (the paper's full SWAG).
         */
        LOW_RANK
    }

    private static final NDIndex ALL = new NDIndex("...");

    private final int maxRank;
    private final DeviceAverage mean;
    private final DeviceAverage squares;
    private final List<DeviceWeights> deviations = new ArrayList<>();

    /**
     * An empty posterior.
     * @param maxRank K, the number of deviations kept (&ge; 1).
     * @param precision The type of the moments on the device.
     */
    public SwagPosterior(int maxRank, DeviceAverage.Precision precision) {
        if (maxRank < 1) {
            throw new IllegalArgumentException("maxRank = " + maxRank + " is out of range; allowed: integer >= 1");
        }
        this.maxRank = maxRank;
        this.mean = new DeviceAverage(AverageRule.EQUAL, NetworkWeights.Selection.TRAINABLE, precision);
        this.squares = new DeviceAverage(AverageRule.EQUAL, NetworkWeights.Selection.TRAINABLE, precision);
    }

    /**
     * Collects the network's current trainable weights θ_i: updates θ̄ and s̄ and keeps
     * θ_i &minus; θ̄_i, dropping the oldest deviation beyond K.
     * @param block The network.
     */
    public void collect(Block block) {
        List<Parameter> params = NetworkWeights.parameters(block, NetworkWeights.Selection.TRAINABLE).stream().map(p -> p.getValue()).toList();
        mean.update(block);
        DeviceWeights deviation = DeviceWeights.copyOf(block, NetworkWeights.Selection.TRAINABLE);
        NoGrad.run(() -> {
            try (NDManager scratch = deviation.scratch()) {
                List<NDArray> sq = new ArrayList<>();
                for (Parameter p : params) {
                    NDArray s = p.getArray().square();
                    s.attach(scratch);
                    sq.add(s);
                }
                squares.update(sq, block);
                List<NDArray> current = mean.current(scratch);
                List<NDArray> d = deviation.arrays();
                for (int i = 0; i < d.size(); i++) {
                    NDArray m = current.get(i).getDataType() == d.get(i).getDataType() ? current.get(i)
                            : current.get(i).toType(d.get(i).getDataType(), false);
                    d.get(i).subi(m);
                }
            }
        });
        deviations.add(deviation);
        if (deviations.size() > maxRank) {
            deviations.remove(0).close();
        }
    }

    /**
     * Writes a sample θ̃ into the network's trainable weights (in place, on the device).
     * @param block The network.
     * @param rng The seeded generator the normal draws come from (z₁ first, then z₂).
     * @param covariance DIAGONAL or LOW_RANK.
     * @param scale The scale of the covariance (&gt; 0; ½ in the paper).
     * @param varianceFloor The floor of Σ_diag (&ge; 0; the authors clamp at 10⁻³⁰).
     */
    public void sample(Block block, Random rng, Covariance covariance, double scale, double varianceFloor) {
        if (mean.count() == 0) {
            throw new IllegalStateException("SWAG collected no weights");
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale = " + scale + " is out of range; allowed: finite real > 0");
        }
        if (!(varianceFloor >= 0) || Double.isInfinite(varianceFloor)) {
            throw new IllegalArgumentException("varianceFloor = " + varianceFloor + " is out of range; allowed: finite real >= 0");
        }
        List<Parameter> params = mean.scaledSum().checkedParameters(block);
        int k = deviations.size();
        boolean lowRank = covariance == Covariance.LOW_RANK && k >= 2;
        NoGrad.run(() -> {
            try (NDManager scratch = mean.scaledSum().scratch()) {
                List<NDArray> theta = mean.current(scratch);
                List<NDArray> second = squares.current(scratch);
                double[] z2 = new double[k];
                List<float[]> z1 = new ArrayList<>();
                for (Parameter p : params) {
                    float[] z = new float[Math.toIntExact(p.getArray().size())];
                    for (int j = 0; j < z.length; j++) {
                        z[j] = (float) rng.nextGaussian();
                    }
                    z1.add(z);
                }
                if (lowRank) {
                    for (int c = 0; c < k; c++) {
                        z2[c] = rng.nextGaussian();
                    }
                }
                double root = Math.sqrt(scale);
                for (int i = 0; i < params.size(); i++) {
                    NDArray w = params.get(i).getArray();
                    NDArray m = theta.get(i);
                    NDArray variance = second.get(i).sub(m.square()).maximum(varianceFloor);
                    variance.attach(scratch);
                    NDArray z = scratch.create(z1.get(i), w.getShape()).toDevice(w.getDevice(), false).toType(m.getDataType(), false);
                    z.attach(scratch);
                    NDArray noise = variance.sqrt().muli(z);
                    noise.attach(scratch);
                    if (lowRank) {
                        for (int c = 0; c < k; c++) {
                            NDArray column = deviations.get(c).arrays().get(i);
                            NDArray part = column.toType(m.getDataType(), false).mul(z2[c] / Math.sqrt(k - 1.0));
                            part.attach(scratch);
                            noise.addi(part);
                        }
                    }
                    NDArray sampled = m.add(noise.muli(root)).toType(w.getDataType(), false);
                    sampled.attach(scratch);
                    w.set(ALL, sampled);
                }
            }
        });
    }

    /**
     * The number of weights collected.
     * @return n.
     */
    public long collections() {
        return mean.count();
    }

    /**
     * The number of deviations held (min(n, K)).
     * @return k.
     */
    public int rank() {
        return deviations.size();
    }

    /**
     * K.
     * @return The most deviations kept.
     */
    public int maxRank() {
        return maxRank;
    }

    /**
     * θ̄ on the host (tests, inspection).
     * @return The mean, in double precision.
     */
    public double[] mean() {
        return mean.average();
    }

    /**
     * s̄ on the host.
     * @return The mean of the squares.
     */
    public double[] squares() {
        return squares.average();
    }

    /**
     * The deviations on the host, oldest first.
     * @return k arrays of the trainable weights' length.
     */
    public List<float[]> deviations() {
        List<float[]> out = new ArrayList<>();
        deviations.forEach(d -> out.add(d.toHost()));
        return out;
    }

    /**
     * The running mean θ̄ (= w_SWA) on the device.
     * @return The average.
     */
    public DeviceAverage meanAverage() {
        return mean;
    }

    /**
     * The running mean of the squares on the device.
     * @return The average.
     */
    public DeviceAverage squaresAverage() {
        return squares;
    }

    /**
     * The deviations on the device, oldest first (live; for a checkpoint).
     * @return The deviations.
     */
    public List<DeviceWeights> deviationWeights() {
        return java.util.Collections.unmodifiableList(deviations);
    }

    /**
     * Restores a saved state (taken over, not copied).
     * @param savedMean θ̄'s scaled sum.
     * @param savedSquares s̄'s scaled sum.
     * @param count n.
     * @param savedDeviations The deviations, oldest first (at most K).
     */
    public void restore(DeviceWeights savedMean, DeviceWeights savedSquares, long count, List<DeviceWeights> savedDeviations) {
        if (savedDeviations.size() > maxRank) {
            throw new IllegalArgumentException(savedDeviations.size() + " deviations; allowed: at most maxRank = " + maxRank);
        }
        mean.restore(savedMean, count);
        squares.restore(savedSquares, count);
        deviations.forEach(DeviceWeights::close);
        deviations.clear();
        deviations.addAll(savedDeviations);
    }

    /**
     * An independent copy on the same devices.
     * @return The copy.
     */
    public SwagPosterior duplicate() {
        SwagPosterior copy = new SwagPosterior(maxRank, mean.precision());
        if (mean.count() > 0) {
            List<DeviceWeights> devs = new ArrayList<>();
            deviations.forEach(d -> devs.add(d.duplicate()));
            copy.restore(mean.scaledSum().duplicate(), squares.scaledSum().duplicate(), mean.count(), devs);
        }
        return copy;
    }

    @Override
    public void close() {
        mean.close();
        squares.close();
        deviations.forEach(DeviceWeights::close);
        deviations.clear();
    }

    /**
     * The element type of the moments.
     * @return FLOAT32 or FLOAT64.
     */
    public DataType type() {
        return mean.precision().type();
    }
}
