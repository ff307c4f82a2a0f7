package io.github.tribuoswa.nn.core;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.protobuf.ByteString;
import io.github.tribuoswa.protos.ParameterSpecProto;
import io.github.tribuoswa.protos.WeightsProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * One set of network weights (every parameter, BatchNorm statistics included) as a
 * {@link WeightsProto}: names and shapes, little-endian float32 values and their SHA-256.
 * Decoding checks everything against the network it is loaded into before a single value is
 * written, so truncated or corrupted bytes fail with a clear exception, never a native crash.
 */
public final class WeightsCodec {

    private WeightsCodec() {}

    /**
     * Encodes the weights of an initialised network.
     * @param block The network.
     * @return The proto.
     */
    public static WeightsProto encode(Block block) {
        return encode(block, NetworkWeights.read(block, NetworkWeights.Selection.ALL));
    }

    /**
     * Encodes a flat weight vector laid out as the network's parameters.
     * @param block The network (for names and shapes).
     * @param flat All parameters, as {@link NetworkWeights#read} lays them out.
     * @return The proto.
     */
    public static WeightsProto encode(Block block, float[] flat) {
        WeightsProto.Builder b = WeightsProto.newBuilder();
        for (Pair<String, Parameter> p : NetworkWeights.parameters(block, NetworkWeights.Selection.ALL)) {
            b.addSpecs(ParameterSpecProto.newBuilder().setName(p.getKey())
                    .addAllShape(Arrays.stream(p.getValue().getArray().getShape().getShape()).boxed().toList()));
        }
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(flat.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(flat);
        byte[] bytes = buf.array();
        return b.setValues(ByteString.copyFrom(bytes)).setSha256(ByteString.copyFrom(sha256(bytes))).build();
    }

    /**
     * Decodes weights for a network, checking names, shapes, length and checksum.
     * @param proto The proto.
     * @param block The initialised network they belong to.
     * @return The flat weights, in {@link NetworkWeights} order.
     * @throws IllegalArgumentException if anything does not match.
     */
    public static float[] decode(WeightsProto proto, Block block) {
        List<Pair<String, Parameter>> params = NetworkWeights.parameters(block, NetworkWeights.Selection.ALL);
        if (proto.getSpecsCount() != params.size()) {
            throw new IllegalArgumentException("Corrupt weights: " + proto.getSpecsCount() + " parameters stored, the network has " + params.size());
        }
        long total = 0;
        for (int i = 0; i < params.size(); i++) {
            ParameterSpecProto spec = proto.getSpecs(i);
            Shape expected = params.get(i).getValue().getArray().getShape();
            long[] stored = spec.getShapeList().stream().mapToLong(Long::longValue).toArray();
            if (!spec.getName().equals(params.get(i).getKey()) || !Arrays.equals(stored, expected.getShape())) {
                throw new IllegalArgumentException("Corrupt weights: parameter " + i + " is " + spec.getName() + Arrays.toString(stored)
                        + ", the network has " + params.get(i).getKey() + expected);
            }
            total += expected.size();
        }
        byte[] bytes = proto.getValues().toByteArray();
        if (bytes.length != total * 4) {
            throw new IllegalArgumentException("Corrupt weights: " + bytes.length + " bytes of values, expected " + (total * 4));
        }
        if (!Arrays.equals(sha256(bytes), proto.getSha256().toByteArray())) {
            throw new IllegalArgumentException("Corrupt weights: SHA-256 mismatch");
        }
        float[] flat = new float[(int) total];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(flat);
        return flat;
    }

    static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
