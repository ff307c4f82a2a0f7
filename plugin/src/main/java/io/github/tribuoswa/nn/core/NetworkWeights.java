package io.github.tribuoswa.nn.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the parameters of a DJL network as flat float arrays: the form that weight
 * averages, checkpoints, serialization and the loss-geometry tools work on.
 * <p>
 * Parameters are taken in the block's own order ({@link Block#getParameters()}). A
 * {@link Selection} says which: the trainable weights (those with
 * {@code requiresGradient()}), the BatchNorm running statistics (RUNNING_MEAN / RUNNING_VAR),
 * or all of them. Writes go into the existing arrays in place, so the network keeps its
 * arrays, devices and gradients.
 */
public final class NetworkWeights {

    /**
     * Which parameters to read or write.
     */
    public enum Selection {
        /**
         * Parameters with {@code requiresGradient()}: what SGD changes.
         */
        TRAINABLE,
        /**
         * Parameters without gradient: BatchNorm's running mean and variance.
         */
        BUFFERS,
        /**
         * Every parameter.
         */
        ALL;

        boolean includes(Parameter p) {
            switch (this) {
                case TRAINABLE:
                    return p.requiresGradient();
                case BUFFERS:
                    return !p.requiresGradient();
                case ALL:
                default:
                    return true;
            }
        }
    }

    private static final NDIndex ALL = new NDIndex("...");

    private NetworkWeights() {}

    /**
     * The selected, initialised parameters of a block in order.
     * @param block An initialised block.
     * @param selection Which parameters.
     * @return (name, parameter) pairs.
     */
    public static List<Pair<String, Parameter>> parameters(Block block, Selection selection) {
        List<Pair<String, Parameter>> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (selection.includes(p.getValue())) {
                if (!p.getValue().isInitialized()) {
                    throw new IllegalStateException("Parameter " + p.getKey() + " is not initialised");
                }
                out.add(p);
            }
        }
        return out;
    }

    /**
     * The number of values in the selected parameters.
     * @param block An initialised block.
     * @param selection Which parameters.
     * @return The count.
     */
    public static int size(Block block, Selection selection) {
        long n = 0;
        for (Pair<String, Parameter> p : parameters(block, selection)) {
            n += p.getValue().getArray().size();
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalStateException("Too many parameters for one flat array: " + n);
        }
        return (int) n;
    }

    /**
     * Copies the selected parameters into a new flat array.
     * @param block An initialised block.
     * @param selection Which parameters.
     * @return The flat weights.
     */
    public static float[] read(Block block, Selection selection) {
        float[] out = new float[size(block, selection)];
        int pos = 0;
        for (Pair<String, Parameter> p : parameters(block, selection)) {
            float[] values = p.getValue().getArray().toFloatArray();
            System.arraycopy(values, 0, out, pos, values.length);
            pos += values.length;
        }
        return out;
    }

    /**
     * Overwrites the selected parameters, in place, with a flat array.
     * @param block An initialised block.
     * @param selection Which parameters.
     * @param flat The weights, of length {@link #size(Block, Selection)}.
     */
    public static void write(Block block, Selection selection, float[] flat) {
        int expected = size(block, selection);
        if (flat.length != expected) {
            throw new IllegalArgumentException("flat has length " + flat.length + ", the network's " + selection + " parameters hold " + expected);
        }
        int pos = 0;
        for (Pair<String, Parameter> p : parameters(block, selection)) {
            NDArray array = p.getValue().getArray();
            copyInto(array, flat, pos);
            pos += Math.toIntExact(array.size());
        }
    }

    /**
     * Copies values into an existing array's storage, in place (on its device), with autograd
     * off: an in-place write into a parameter that requires a gradient is refused by libtorch
     * while the thread's grad mode is on (a model loaded in a thread that trains, say).
     * {@code NDArray.set(Buffer)} would instead re-point the storage at a Java buffer.
     * @param array The array.
     * @param flat The values.
     * @param offset Where the array's values start in {@code flat}.
     */
    public static void copyInto(NDArray array, float[] flat, int offset) {
        int n = Math.toIntExact(array.size());
        try (NDManager tmp = array.getManager().newSubManager()) {
            NDArray source = tmp.create(FloatBuffer.wrap(flat, offset, n).slice(), array.getShape());
            NoGrad.run(() -> array.set(ALL, source));
        }
    }
}
