package io.github.tribuoswa.nn.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.github.tribuoswa.averaging.AverageRule;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A running average of a network's selected parameters kept as engine arrays on the
 * parameters' devices and updated there in place: what PyTorch's {@code AveragedModel} keeps,
 * for SWA's equal average, an EMA, or any other {@link AverageRule}. Nothing crosses to the host
 * until {@link #average()} or {@link #scaledSum()} is called (a model or a checkpoint).
 * <p>
 * It holds the scaled sum G_t = avg_t/β_t (see {@link AverageRule}): an update is
 * G &larr; κ_t·G + w, one in-place addition for the equal average (G is the plain sum of the
 * models) and a multiplication and an addition for an EMA, against the three passes of
 * avg &larr; avg + β·(w &minus; avg) (DJL has no fused {@code lerp}); the average is β_n·G, formed when
 * it is written. Precision: {@link Precision#FLOAT32} (the default, the weights' own type)
 * stays within a few float32 roundings per update of the double-precision average: the tests
 * bound it over 1,000 updates; {@link Precision#FLOAT64} keeps G in double precision on the
 * device (twice the memory) for very long runs.
 * <p>
 * It does not check its input: callers refuse non-finite weights first
 * ({@link DeviceWeights#firstNonFinite}), as the SWA listener does.
 */
public final class DeviceAverage implements AutoCloseable {

    /**
     * The element type of the state on the device.
     */
    public enum Precision {
        /**
         * float32, the type of the weights.
         */
        FLOAT32(DataType.FLOAT32),
        /**
         * float64: G accumulates in double precision.
         */
        FLOAT64(DataType.FLOAT64);

        private final DataType type;

        Precision(DataType type) {
            this.type = type;
        }

        /**
         * The engine type.
         * @return FLOAT32 or FLOAT64.
         */
        public DataType type() {
            return type;
        }
    }

    private static final NDIndex ALL = new NDIndex("...");

    private final AverageRule rule;
    private final NetworkWeights.Selection selection;
    private final Precision precision;
    private DeviceWeights sum;
    private long count;
    private NDArray carry;
    private ByteBuffer carryBytes;

    /**
     * An empty average.
     * @param rule How each model is weighed.
     * @param selection Which parameters are averaged.
     * @param precision The type of the state on the device.
     */
    public DeviceAverage(AverageRule rule, NetworkWeights.Selection selection, Precision precision) {
        this.rule = rule;
        this.selection = selection;
        this.precision = precision;
    }

    /**
     * Averages in the network's current parameters, in place on the device.
     * @param block The network.
     */
    public void update(Block block) {
        if (sum == null) {
            sum = DeviceWeights.copyOf(block, selection, precision.type());
            count = 1;
            return;
        }
        List<NDArray> values = new ArrayList<>();
        for (Parameter p : sum.checkedParameters(block)) {
            values.add(p.getArray());
        }
        update(values);
    }

    /**
     * Averages in a copy of weights taken earlier (a LAWA checkpoint, an FGE snapshot), in place.
     * @param weights The copy, of this average's selection.
     * @param like The network the copy was taken from (for the first update's shapes and devices).
     * @throws IllegalArgumentException if the copy holds another selection.
     */
    public void update(DeviceWeights weights, Block like) {
        if (weights.selection() != selection) {
            throw new IllegalArgumentException("a copy of the " + weights.selection() + " parameters for an average of the " + selection);
        }
        update(weights.arrays(), like);
    }

    /**
     * Averages in arrays shaped like the selected parameters (SWAG's squares, say), in place.
     * The first update copies them.
     * @param values One array per selected parameter, in order, on the parameters' devices.
     * @param like The network the arrays shadow (for the first update's shapes and devices).
     */
    void update(List<NDArray> values, Block like) {
        if (sum == null) {
            sum = DeviceWeights.copyOf(like, selection, precision.type());
            List<NDArray> g = sum.arrays();
            NoGrad.run(() -> {
                for (int i = 0; i < g.size(); i++) {
                    g.get(i).set(ALL, values.get(i).getDataType() == g.get(i).getDataType() ? values.get(i)
                            : values.get(i).toType(g.get(i).getDataType(), false));
                }
            });
            count = 1;
            return;
        }
        update(values);
    }

    private void update(List<NDArray> values) {
        double kappa = rule.carry(count);
        List<NDArray> g = sum.arrays();
        if (values.size() != g.size()) {
            throw new IllegalArgumentException(values.size() + " arrays for an average of " + g.size());
        }
        NoGrad.run(() -> {
            NDArray k = kappa == 1.0 ? null : carry(kappa);
            for (int i = 0; i < g.size(); i++) {
                NDArray gi = g.get(i);
                if (k != null) {
                    gi.muli(k);
                }
                gi.addi(values.get(i));
            }
        });
        count++;
    }

    /**
     * The average as engine arrays, one per selected parameter (new arrays in a manager the
     * caller closes).
     * @param manager Where the arrays go.
     * @return β_n·G.
     */
    List<NDArray> current(NDManager manager) {
        checkNotEmpty();
        double beta = rule.incomingWeight(count - 1);
        List<NDArray> out = new ArrayList<>();
        for (NDArray gi : sum.arrays()) {
            NDArray a = precision == Precision.FLOAT64 ? gi.mul(beta) : gi.mul((float) beta);
            a.attach(manager);
            out.add(a);
        }
        return out;
    }

    /**
     * The carry as a 0-d CPU array of the state's type, made once and rewritten through its
     * memory: libtorch takes a 0-d CPU tensor as a scalar on any device, so an update allocates
     * nothing and copies nothing to the device.
     */
    private NDArray carry(double value) {
        if (carry == null || carry.isReleased()) {
            carry = sum.scratchArray(precision.type());
            carryBytes = carry.toByteBuffer(true).order(ByteOrder.nativeOrder());
        }
        if (precision == Precision.FLOAT64) {
            carryBytes.putDouble(0, value);
        } else {
            carryBytes.putFloat(0, (float) value);
        }
        return carry;
    }

    /**
     * Writes the average β_n·G into the network's selected parameters, in place on the device.
     * @param block The network.
     * @throws IllegalStateException if nothing has been averaged.
     */
    public void writeTo(Block block) {
        checkNotEmpty();
        List<Parameter> params = sum.checkedParameters(block);
        NoGrad.run(() -> {
            try (NDManager scratch = sum.scratch()) {
                List<NDArray> avg = current(scratch);
                for (int i = 0; i < params.size(); i++) {
                    NDArray w = params.get(i).getArray();
                    NDArray a = avg.get(i);
                    if (a.getDataType() != w.getDataType()) {
                        a = a.toType(w.getDataType(), false);
                        a.attach(scratch);
                    }
                    w.set(ALL, a);
                }
            }
        });
    }

    /**
     * The average on the host, in double precision (for tests and inspection).
     * @return avg_n = β_n·G_n, parameter after parameter.
     */
    public double[] average() {
        checkNotEmpty();
        double[] g = sum.toHostDoubles();
        double beta = rule.incomingWeight(count - 1);
        for (int i = 0; i < g.length; i++) {
            g[i] *= beta;
        }
        return g;
    }

    /**
     * The state G exactly as the device holds it (for a checkpoint).
     * @return The scaled sum, or null before the first update.
     */
    public DeviceWeights scaledSum() {
        return sum;
    }

    /**
     * Restores a saved state: the scaled sum and the number of models in it.
     * @param scaledSum G, in this average's precision and selection (taken over, not copied).
     * @param models The count (&ge; 1).
     */
    public void restore(DeviceWeights scaledSum, long models) {
        if (models < 1) {
            throw new IllegalArgumentException("count = " + models + " is out of range; allowed: integer >= 1");
        }
        if (scaledSum.type() != precision.type() || scaledSum.selection() != selection) {
            throw new IllegalArgumentException("the state holds " + scaledSum.type() + " " + scaledSum.selection() + " parameters, this average "
                    + precision + " " + selection);
        }
        close();
        this.sum = scaledSum;
        this.count = models;
    }

    /**
     * An independent copy on the same devices.
     * @return The copy.
     */
    public DeviceAverage duplicate() {
        DeviceAverage copy = new DeviceAverage(rule, selection, precision);
        if (sum != null) {
            copy.sum = sum.duplicate();
            copy.count = count;
        }
        return copy;
    }

    /**
     * The number of models averaged.
     * @return n.
     */
    public long count() {
        return count;
    }

    /**
     * The rule.
     * @return How each model is weighed.
     */
    public AverageRule rule() {
        return rule;
    }

    /**
     * The precision of the state.
     * @return FLOAT32 or FLOAT64.
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Which parameters are averaged.
     * @return The selection.
     */
    public NetworkWeights.Selection selection() {
        return selection;
    }

    private void checkNotEmpty() {
        if (sum == null) {
            throw new IllegalStateException("Nothing has been averaged yet (count = 0)");
        }
    }

    /**
     * Frees the state on the device; the average is empty afterwards.
     */
    @Override
    public void close() {
        if (sum != null) {
            sum.close();
            sum = null;
            count = 0;
        }
    }

    @Override
    public String toString() {
        return "DeviceAverage(rule=" + rule + ",selection=" + selection + ",precision=" + precision + ",count=" + count + ")";
    }
}
