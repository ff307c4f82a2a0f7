package io.github.tribuoswa.util;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Length-prefixed float and double arrays on data streams (big-endian, as
 * {@link java.io.DataOutputStream} writes): the building block of the state that collectors
 * and optimisers save into checkpoints.
 */
public final class ArrayStreams {

    private ArrayStreams() {}

    /**
     * Writes the length, then the values.
     * @param out The stream.
     * @param values The values.
     * @throws IOException if the stream fails.
     */
    public static void writeFloats(DataOutput out, float[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES);
        buf.asFloatBuffer().put(values);
        out.writeInt(values.length);
        out.write(buf.array());
    }

    /**
     * Reads what {@link #writeFloats} wrote.
     * @param in The stream.
     * @param maxLength The largest length accepted (guards against a corrupt length).
     * @return The values.
     * @throws IOException if the stream ends early or the length is out of range.
     */
    public static float[] readFloats(DataInput in, int maxLength) throws IOException {
        int n = readLength(in, maxLength);
        byte[] bytes = new byte[n * Float.BYTES];
        in.readFully(bytes);
        float[] out = new float[n];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(out);
        return out;
    }

    /**
     * Writes the length, then the values.
     * @param out The stream.
     * @param values The values.
     * @throws IOException if the stream fails.
     */
    public static void writeDoubles(DataOutput out, double[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Double.BYTES);
        buf.asDoubleBuffer().put(values);
        out.writeInt(values.length);
        out.write(buf.array());
    }

    /**
     * Reads what {@link #writeDoubles} wrote.
     * @param in The stream.
     * @param maxLength The largest length accepted.
     * @return The values.
     * @throws IOException if the stream ends early or the length is out of range.
     */
    public static double[] readDoubles(DataInput in, int maxLength) throws IOException {
        int n = readLength(in, maxLength);
        byte[] bytes = new byte[n * Double.BYTES];
        in.readFully(bytes);
        double[] out = new double[n];
        ByteBuffer.wrap(bytes).asDoubleBuffer().get(out);
        return out;
    }

    private static int readLength(DataInput in, int maxLength) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > maxLength) {
            throw new IOException("array length " + n + " is out of range; allowed: [0, " + maxLength + "]");
        }
        return n;
    }
}
