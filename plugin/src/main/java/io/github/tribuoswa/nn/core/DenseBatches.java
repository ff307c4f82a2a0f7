package io.github.tribuoswa.nn.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Dense data as batches of engine arrays: the one place where rows of floats ({@link FloatRows}
 * or a flat array) become an NDArray of shape (b, example shape…), for training, BatchNorm
 * refresh, loss landscapes and prediction alike.
 * <p>
 * {@link #slice} wraps consecutive rows (copying them only when they cross a chunk boundary);
 * an instance gathers rows in any order (a shuffled epoch) into one direct buffer that it
 * reuses, so the array it returns wraps that buffer without a copy on CPU and is valid until
 * the next call.
 */
public final class DenseBatches {

    private final int width;
    private final ByteBuffer buffer;
    private final FloatBuffer floats;

    /**
     * A gatherer of rows.
     * @param maxRows The largest batch.
     * @param width Values per row.
     */
    public DenseBatches(int maxRows, int width) {
        this.width = width;
        this.buffer = ByteBuffer.allocateDirect(Math.multiplyExact(maxRows, width) * Float.BYTES).order(ByteOrder.nativeOrder());
        this.floats = buffer.asFloatBuffer();
    }

    /**
     * The shape of a batch.
     * @param example The shape of one example.
     * @param rows The batch size.
     * @return (rows, example…).
     */
    public static Shape batchShape(Shape example, long rows) {
        long[] dims = new long[example.dimension() + 1];
        dims[0] = rows;
        System.arraycopy(example.getShape(), 0, dims, 1, example.dimension());
        return new Shape(dims);
    }

    /**
     * Rows {@code start … start + rows − 1} of flat data as one batch.
     * @param manager The manager that owns the array (close it after the step).
     * @param values The data, row after row (a whole number of rows; one chunk, see {@link FloatRows#wrap}).
     * @param example The shape of one row.
     * @param start The first row.
     * @param rows The number of rows.
     * @return The batch.
     */
    public static NDArray slice(NDManager manager, float[] values, Shape example, int start, int rows) {
        return slice(manager, FloatRows.wrap(values, Math.toIntExact(example.size())), example, start, rows);
    }

    /**
     * Rows {@code start … start + rows − 1} as one batch: wrapped when they lie in one chunk,
     * copied when they cross a chunk boundary (the same values either way).
     * @param manager The manager that owns the array (close it after the step).
     * @param values The data.
     * @param example The shape of one row (of {@code values.width()} values).
     * @param start The first row.
     * @param rows The number of rows (&ge; 1).
     * @return The batch.
     */
    public static NDArray slice(NDManager manager, FloatRows values, Shape example, int start, int rows) {
        int w = Math.toIntExact(example.size());
        if (w != values.width()) {
            throw new IllegalArgumentException("example shape " + example + " has " + w + " values, the rows " + values.width());
        }
        if (values.inOneChunk(start, rows)) {
            return manager.create(FloatBuffer.wrap(values.arrayOf(start), values.offsetOf(start), rows * w).slice(), batchShape(example, rows));
        }
        FloatBuffer copy = FloatBuffer.allocate(Math.multiplyExact(rows, w));
        values.copyRows(start, rows, copy);
        return manager.create(copy.flip(), batchShape(example, rows));
    }

    /**
     * The rows {@code order[start] … order[start + rows − 1]} of flat data as one batch, in
     * this gatherer's buffer.
     * @param manager The manager that owns the array (close it before the next call).
     * @param values The data, {@code width} values a row.
     * @param order The row order.
     * @param start The first position in the order.
     * @param rows The number of rows.
     * @param shape The batch's shape (rows first).
     * @return The batch.
     */
    public NDArray gather(NDManager manager, FloatRows values, int[] order, int start, int rows, Shape shape) {
        floats.clear();
        for (int k = 0; k < rows; k++) {
            int row = order[start + k];
            floats.put(values.arrayOf(row), values.offsetOf(row), width);
        }
        return manager.create(buffer.duplicate().position(0).limit(rows * width * Float.BYTES), shape, DataType.FLOAT32);
    }
}
