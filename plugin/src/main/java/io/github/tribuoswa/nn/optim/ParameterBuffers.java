package io.github.tribuoswa.nn.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.util.ArrayStreams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An optimiser's state kept per parameter (momentum, Adam's moments): engine arrays on the
 * parameter's device, keyed by parameter id, created as zeros on first use. It saves and
 * restores itself in the network's parameter order, because parameter ids are drawn anew in
 * every run.
 */
final class ParameterBuffers {

    private final Map<String, NDArray> buffers = new ConcurrentHashMap<>();

    /**
     * The buffer of a parameter, created as zeros of the weight's shape, type and device in
     * the weight's manager (contiguous, whatever the weight's strides).
     * @param parameterId The parameter.
     * @param weight Its weight array.
     * @return The buffer.
     */
    NDArray get(String parameterId, NDArray weight) {
        return buffers.computeIfAbsent(parameterId, k -> weight.getManager().zeros(weight.getShape(), weight.getDataType(), weight.getDevice()));
    }

    /**
     * The buffer of a parameter, created as a copy of the weight on first use (schedule-free
     * SGD's z and x start at the initial weights).
     * @param parameterId The parameter.
     * @param weight Its weight array.
     * @return The buffer.
     */
    NDArray getOrCopy(String parameterId, NDArray weight) {
        return buffers.computeIfAbsent(parameterId, k -> weight.duplicate());
    }

    /**
     * The buffer of a parameter if it exists.
     * @param parameterId The parameter.
     * @return The buffer, or null.
     */
    NDArray peek(String parameterId) {
        return buffers.get(parameterId);
    }

    private static List<Parameter> trainable(Block network) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : NetworkWeights.parameters(network, NetworkWeights.Selection.TRAINABLE)) {
            out.add(p.getValue());
        }
        return out;
    }

    /**
     * The buffers of every trainable parameter, in network order, one set after another
     * within each parameter (an absent buffer as an empty array).
     * @param network The network.
     * @param sets The buffer sets (e.g. Adam's first and second moments).
     * @return The bytes.
     */
    static byte[] save(Block network, ParameterBuffers... sets) {
        List<Parameter> parameters = trainable(network);
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(parameters.size());
            out.writeInt(sets.length);
            for (Parameter p : parameters) {
                for (ParameterBuffers set : sets) {
                    NDArray b = set.peek(p.getId());
                    ArrayStreams.writeFloats(out, b == null ? new float[0] : b.toFloatArray());
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Restores what {@link #save} wrote into the buffer sets of a network's parameters.
     * @param name The state's name (for errors).
     * @param state The bytes.
     * @param network The network (the same architecture).
     * @param sets The buffer sets, in the order they were saved.
     * @throws IllegalStateException if the bytes do not fit the network.
     */
    static void restore(String name, byte[] state, Block network, ParameterBuffers... sets) {
        List<Parameter> parameters = trainable(network);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int n = in.readInt();
            int k = in.readInt();
            if (n != parameters.size() || k != sets.length) {
                throw new IllegalStateException("state '" + name + "' holds " + k + " buffers for each of " + n + " parameters; this optimiser keeps "
                        + sets.length + " for each of the network's " + parameters.size());
            }
            for (int i = 0; i < n; i++) {
                NDArray weight = parameters.get(i).getArray();
                for (ParameterBuffers set : sets) {
                    float[] values = ArrayStreams.readFloats(in, Math.toIntExact(weight.size()));
                    if (values.length == 0) {
                        continue;
                    }
                    if (values.length != weight.size()) {
                        throw new IllegalStateException("state '" + name + "' of parameter " + i + " has " + values.length
                                + " values; the parameter has " + weight.size());
                    }
                    set.buffers.put(parameters.get(i).getId(), weight.getManager().create(values, weight.getShape()));
                }
            }
            if (in.available() != 0) {
                throw new IllegalStateException("state '" + name + "' has " + in.available() + " bytes more than the network's buffers");
            }
        } catch (IOException e) {
            throw new IllegalStateException("state '" + name + "' is truncated or corrupt: " + e.getMessage(), e);
        }
    }
}
