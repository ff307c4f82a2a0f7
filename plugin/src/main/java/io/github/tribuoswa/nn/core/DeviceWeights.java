package io.github.tribuoswa.nn.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import io.github.tribuoswa.util.ArrayStreams;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Engine arrays that shadow a network's selected parameters one for one, each on its
 * parameter's device: an FGE snapshot, the saved weights of an epoch model, the state of a
 * {@link DeviceAverage}. Copies from and to the network run on the device; values reach the host
 * only through {@link #toHost()} (a model, a checkpoint).
 * <p>
 * The arrays belong to a sub-manager of the network's own manager, so they are freed by
 * {@link #close()} or, at the latest, with the network.
 */
public final class DeviceWeights implements AutoCloseable {

    private static final NDIndex ALL = new NDIndex("...");

    private final NDManager manager;
    private final NetworkWeights.Selection selection;
    private final List<NDArray> arrays;

    private DeviceWeights(NDManager manager, NetworkWeights.Selection selection, List<NDArray> arrays) {
        this.manager = manager;
        this.selection = selection;
        this.arrays = arrays;
    }

    private static List<Parameter> parameters(Block block, NetworkWeights.Selection selection) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : NetworkWeights.parameters(block, selection)) {
            out.add(p.getValue());
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("The network has no " + selection + " parameters");
        }
        return out;
    }

    /**
     * Copies the selected parameters on their devices.
     * @param block An initialised network.
     * @param selection Which parameters.
     * @param type The element type of the copies (FLOAT32, or FLOAT64 for a double-precision state).
     * @return The copies.
     */
    public static DeviceWeights copyOf(Block block, NetworkWeights.Selection selection, DataType type) {
        List<Parameter> params = parameters(block, selection);
        NDManager manager = params.get(0).getArray().getManager().newSubManager();
        return NoGrad.get(() -> {
            List<NDArray> copies = new ArrayList<>(params.size());
            for (Parameter p : params) {
                NDArray w = p.getArray();
                NDArray copy = w.getDataType() == type ? w.duplicate() : w.toType(type, true);
                copy.attach(manager);
                copies.add(copy);
            }
            return new DeviceWeights(manager, selection, copies);
        });
    }

    /**
     * Copies the selected float32 parameters on their devices.
     * @param block An initialised network.
     * @param selection Which parameters.
     * @return The copies.
     */
    public static DeviceWeights copyOf(Block block, NetworkWeights.Selection selection) {
        return copyOf(block, selection, DataType.FLOAT32);
    }

    /**
     * Arrays shaped like the selected parameters, on their devices, holding host values (a
     * restored checkpoint).
     * @param block An initialised network.
     * @param selection Which parameters.
     * @param flat The values, parameter after parameter, of length {@link NetworkWeights#size}.
     * @return The arrays (float32).
     */
    public static DeviceWeights fromHost(Block block, NetworkWeights.Selection selection, float[] flat) {
        return fromHost(block, selection, flat.length, (m, p, offset) ->
                m.create(FloatBuffer.wrap(flat, offset, Math.toIntExact(p.getArray().size())).slice(), p.getArray().getShape(),
                        DataType.FLOAT32).toDevice(p.getArray().getDevice(), false));
    }

    /**
     * Arrays shaped like the selected parameters, on their devices, holding host values in
     * double precision.
     * @param block An initialised network.
     * @param selection Which parameters.
     * @param flat The values, parameter after parameter.
     * @return The arrays (float64).
     */
    public static DeviceWeights fromHost(Block block, NetworkWeights.Selection selection, double[] flat) {
        return fromHost(block, selection, flat.length, (m, p, offset) -> {
            double[] part = new double[Math.toIntExact(p.getArray().size())];
            System.arraycopy(flat, offset, part, 0, part.length);
            return m.create(part, p.getArray().getShape()).toDevice(p.getArray().getDevice(), false);
        });
    }

    /** Makes the array of one parameter from the host values starting at an offset. */
    private interface Maker {
        NDArray make(NDManager manager, Parameter parameter, int offset);
    }

    private static DeviceWeights fromHost(Block block, NetworkWeights.Selection selection, int length, Maker maker) {
        int expected = NetworkWeights.size(block, selection);
        if (length != expected) {
            throw new IllegalArgumentException("flat has length " + length + ", the network's " + selection + " parameters hold " + expected);
        }
        List<Parameter> params = parameters(block, selection);
        NDManager manager = params.get(0).getArray().getManager().newSubManager();
        List<NDArray> arrays = new ArrayList<>(params.size());
        int offset = 0;
        for (Parameter p : params) {
            NDArray a = maker.make(manager, p, offset);
            a.attach(manager);
            arrays.add(a);
            offset += Math.toIntExact(p.getArray().size());
        }
        return new DeviceWeights(manager, selection, arrays);
    }

    /**
     * Overwrites the selected parameters of a network with these values, in place on the device
     * (converted to the parameters' type).
     * @param block A network of the same architecture.
     */
    public void writeTo(Block block) {
        List<Parameter> params = checkedParameters(block);
        NoGrad.run(() -> {
            for (int i = 0; i < params.size(); i++) {
                NDArray w = params.get(i).getArray();
                NDArray a = arrays.get(i);
                if (a.getDataType() == w.getDataType()) {
                    w.set(ALL, a);
                } else {
                    try (NDArray cast = a.toType(w.getDataType(), true)) {
                        w.set(ALL, cast);
                    }
                }
            }
        });
    }

    /**
     * The selected parameters of a network, checked against these arrays' shapes.
     * @param block The network.
     * @return Its parameters, in order.
     */
    List<Parameter> checkedParameters(Block block) {
        List<Parameter> params = parameters(block, selection);
        if (params.size() != arrays.size()) {
            throw new IllegalArgumentException("The network has " + params.size() + " " + selection + " parameters, these weights "
                    + arrays.size());
        }
        for (int i = 0; i < params.size(); i++) {
            if (!params.get(i).getArray().getShape().equals(arrays.get(i).getShape())) {
                throw new IllegalArgumentException("Parameter " + i + " has shape " + params.get(i).getArray().getShape()
                        + ", these weights " + arrays.get(i).getShape());
            }
        }
        return params;
    }

    /**
     * The values on the host, as float32, parameter after parameter (the layout of
     * {@link NetworkWeights#read}).
     * @return A new array.
     */
    public float[] toHost() {
        float[] out = new float[size()];
        int pos = 0;
        for (NDArray a : arrays) {
            float[] values = a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : toFloat(a);
            System.arraycopy(values, 0, out, pos, values.length);
            pos += values.length;
        }
        return out;
    }

    private static float[] toFloat(NDArray a) {
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    /**
     * The values on the host in double precision.
     * @return A new array.
     */
    public double[] toHostDoubles() {
        double[] out = new double[size()];
        int pos = 0;
        for (NDArray a : arrays) {
            double[] values;
            if (a.getDataType() == DataType.FLOAT64) {
                values = a.toDoubleArray();
            } else {
                try (NDArray d = a.toType(DataType.FLOAT64, true)) {
                    values = d.toDoubleArray();
                }
            }
            System.arraycopy(values, 0, out, pos, values.length);
            pos += values.length;
        }
        return out;
    }

    /**
     * Writes the values in their own type (floats, or doubles for a float64 state) for a
     * checkpoint: what {@link #read} reads back.
     * @param out The stream.
     * @throws IOException if the stream fails.
     */
    public void write(DataOutputStream out) throws IOException {
        if (type() == DataType.FLOAT64) {
            ArrayStreams.writeDoubles(out, toHostDoubles());
        } else {
            ArrayStreams.writeFloats(out, toHost());
        }
    }

    /**
     * Reads what {@link #write} wrote, into arrays shaped like the selected parameters on their
     * devices.
     * @param in The stream.
     * @param block The network.
     * @param selection Which parameters.
     * @param type FLOAT32 or FLOAT64, as written.
     * @return The arrays.
     * @throws IOException if the bytes end early or do not fit the network.
     */
    public static DeviceWeights read(DataInputStream in, Block block, NetworkWeights.Selection selection, DataType type) throws IOException {
        try {
            return type == DataType.FLOAT64 ? fromHost(block, selection, ArrayStreams.readDoubles(in, Integer.MAX_VALUE / Double.BYTES))
                    : fromHost(block, selection, ArrayStreams.readFloats(in, Integer.MAX_VALUE / Float.BYTES));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * An independent copy on the same devices.
     * @return The copy.
     */
    public DeviceWeights duplicate() {
        NDManager m = manager.getParentManager().newSubManager();
        return NoGrad.get(() -> {
            List<NDArray> copies = new ArrayList<>(arrays.size());
            for (NDArray a : arrays) {
                NDArray c = a.duplicate();
                c.attach(m);
                copies.add(c);
            }
            return new DeviceWeights(m, selection, copies);
        });
    }

    /**
     * The arrays, one per selected parameter in the network's order (for in-place updates).
     * @return The arrays (read-only list; the arrays themselves are live).
     */
    List<NDArray> arrays() {
        return Collections.unmodifiableList(arrays);
    }

    /**
     * A manager for scratch arrays next to these ones (close it after use).
     * @return A new sub-manager.
     */
    NDManager scratch() {
        return manager.newSubManager();
    }

    /**
     * A 0-d CPU array in these arrays' manager, freed with them (a scalar operand whose value
     * is written through {@link NDArray#toByteBuffer(boolean)}).
     * @param type Its element type.
     * @return The array.
     */
    NDArray scratchArray(DataType type) {
        NDArray a = manager.zeros(new Shape(), type, Device.cpu());
        if (!a.toByteBuffer(true).isDirect()) {
            throw new IllegalStateException("a 0-d CPU array whose memory is not direct");
        }
        return a;
    }

    /**
     * Which parameters these arrays shadow.
     * @return The selection.
     */
    public NetworkWeights.Selection selection() {
        return selection;
    }

    /**
     * The number of values.
     * @return The count.
     */
    public int size() {
        long n = 0;
        for (NDArray a : arrays) {
            n += a.size();
        }
        return Math.toIntExact(n);
    }

    /**
     * The element type of the arrays.
     * @return FLOAT32 or FLOAT64.
     */
    public DataType type() {
        return arrays.get(0).getDataType();
    }

    /**
     * The first selected parameter of a network holding a NaN or an infinity, found with one
     * reduction per parameter on the device and one small read back.
     * @param block An initialised network.
     * @param selection Which parameters.
     * @return Its name, or null if all are finite.
     */
    public static String firstNonFinite(Block block, NetworkWeights.Selection selection) {
        return first(block, selection, Double.POSITIVE_INFINITY);
    }

    /**
     * The first selected parameter of a network holding a NaN, an infinity or, for a trainable
     * parameter, a value whose magnitude exceeds a bound, found with two reductions (max and min)
     * per trainable parameter and one (the sum) per buffer on the device and one small read back.
     * Buffers (BatchNorm's running statistics) are only checked for being finite: their scale is
     * the data's (a running variance of raw inputs in the thousands squared is no divergence).
     * With an infinite bound it is {@link #firstNonFinite}.
     * @param block An initialised network.
     * @param selection Which parameters.
     * @param bound The largest magnitude allowed (&gt; 0, may be infinite).
     * @return Its name, or null if every value is finite and within the bound.
     */
    public static String firstBeyond(Block block, NetworkWeights.Selection selection, double bound) {
        return first(block, selection, bound);
    }

    /**
     * The check of both: per parameter its sum (a NaN or infinity makes it non-finite) when the
     * bound is infinite, else its max and min.
     */
    private static String first(Block block, NetworkWeights.Selection selection, double bound) {
        List<Pair<String, Parameter>> params = NetworkWeights.parameters(block, selection);
        if (params.isEmpty()) {
            return null;
        }
        boolean finiteBound = !Double.isInfinite(bound);
        NDManager tmp = params.get(0).getValue().getArray().getManager().newSubManager();
        try (tmp) {
            return NoGrad.get(() -> {
                NDList reductions = new NDList(params.size() * 2);
                List<Integer> owner = new ArrayList<>();
                List<Boolean> bounded = new ArrayList<>();
                for (int j = 0; j < params.size(); j++) {
                    Parameter p = params.get(j).getValue();
                    NDArray w = p.getArray();
                    boolean extremes = finiteBound && p.requiresGradient();
                    for (NDArray r : extremes ? new NDArray[]{w.max(), w.min()} : new NDArray[]{w.sum()}) {
                        r.attach(tmp);
                        reductions.add(r);
                        owner.add(j);
                        bounded.add(extremes);
                    }
                }
                NDArray all = NDArrays.stack(reductions);
                all.attach(tmp);
                double[] values = all.toType(DataType.FLOAT64, false).toDoubleArray();
                for (int i = 0; i < values.length; i++) {
                    if (!Double.isFinite(values[i]) || (bounded.get(i) && Math.abs(values[i]) > bound)) {
                        return params.get(owner.get(i)).getKey();
                    }
                }
                return null;
            });
        }
    }

    /**
     * Frees the arrays.
     */
    @Override
    public void close() {
        manager.close();
    }
}
