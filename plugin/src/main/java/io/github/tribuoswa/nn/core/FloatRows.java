package io.github.tribuoswa.nn.core;

import java.nio.FloatBuffer;

/**
 * Rows of floats of one width, held in chunks of whole rows: a data set's features or targets
 * as the network trainers keep them, no longer bounded by one Java array (2<sup>31</sup>
 * values) but by the heap. Row {@code i} lives in chunk {@code i / rowsPerChunk} at offset
 * {@code (i % rowsPerChunk) · width}; a row never spans two chunks, so a converter fills it with
 * one call and a batch of rows in one chunk is wrapped without a copy.
 * <p>
 * The chunk size is the system property {@value #CHUNK_VALUES_PROPERTY} (values per chunk,
 * default {@value #DEFAULT_CHUNK_VALUES}, i.e. 256 MiB, allowed 1 &hellip;
 * {@value #MAX_CHUNK_VALUES}; a row wider than it gets a chunk of its own). The layout changes
 * no result: every reader sees the rows in the same order with the same values, which the tests
 * check bit for bit with chunks of a few rows.
 */
public final class FloatRows {

    /** The system property that sets the values per chunk. */
    public static final String CHUNK_VALUES_PROPERTY = "tribuoswa.data.chunkValues";

    /** The default values per chunk (2<sup>26</sup>: 256 MiB of floats). */
    public static final int DEFAULT_CHUNK_VALUES = 1 << 26;

    /** The largest chunk the JVM can allocate as one float array. */
    public static final int MAX_CHUNK_VALUES = Integer.MAX_VALUE - 8;

    private final float[][] chunks;
    private final int rows;
    private final int width;
    private final int rowsPerChunk;

    private FloatRows(float[][] chunks, int rows, int width, int rowsPerChunk) {
        this.chunks = chunks;
        this.rows = rows;
        this.width = width;
        this.rowsPerChunk = rowsPerChunk;
    }

    /**
     * Zero rows in chunks of the configured size ({@value #CHUNK_VALUES_PROPERTY}).
     * @param rows The number of rows (&ge; 0).
     * @param width The values per row (&ge; 1).
     * @return The rows.
     */
    public static FloatRows allocate(int rows, int width) {
        return allocate(rows, width, chunkValues());
    }

    /**
     * Zero rows in chunks of at most {@code chunkValues} values (whole rows, at least one).
     * @param rows The number of rows (&ge; 0).
     * @param width The values per row (&ge; 1).
     * @param chunkValues The values per chunk (1 &hellip; {@value #MAX_CHUNK_VALUES}).
     * @return The rows.
     */
    public static FloatRows allocate(int rows, int width, long chunkValues) {
        int perChunk = rowsPerChunk(width, chunkValues);
        if (rows < 0) {
            throw new IllegalArgumentException("rows = " + rows + " is out of range; allowed: integer >= 0");
        }
        int count = chunkCount(rows, perChunk);
        float[][] chunks = new float[count][];
        for (int c = 0; c < count; c++) {
            int r = Math.min(perChunk, rows - c * perChunk);
            chunks[c] = new float[r * width];
        }
        return new FloatRows(chunks, rows, width, perChunk);
    }

    /**
     * Rows held in one array (not copied).
     * @param values The rows, row after row; its length a multiple of {@code width}.
     * @param width The values per row (&ge; 1).
     * @return The rows.
     */
    public static FloatRows wrap(float[] values, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width = " + width + " is out of range; allowed: integer >= 1");
        }
        if (values.length % width != 0) {
            throw new IllegalArgumentException("array length " + values.length + " is not a multiple of the row width " + width);
        }
        int rows = values.length / width;
        return new FloatRows(rows == 0 ? new float[0][] : new float[][]{values}, rows, width, Math.max(rows, 1));
    }

    /**
     * The rows a chunk holds for a width and chunk size.
     * @param width The values per row (&ge; 1).
     * @param chunkValues The values per chunk (1 &hellip; {@value #MAX_CHUNK_VALUES}).
     * @return The whole rows that fit in a chunk, at least 1.
     */
    public static int rowsPerChunk(int width, long chunkValues) {
        if (width < 1) {
            throw new IllegalArgumentException("width = " + width + " is out of range; allowed: integer >= 1");
        }
        if (chunkValues < 1 || chunkValues > MAX_CHUNK_VALUES) {
            throw new IllegalArgumentException("chunkValues = " + chunkValues + " is out of range; allowed: 1 <= chunkValues <= " + MAX_CHUNK_VALUES);
        }
        return (int) Math.max(1, chunkValues / width);
    }

    /**
     * The chunks of a layout.
     * @param rows The number of rows (&ge; 0).
     * @param rowsPerChunk The rows per chunk (&ge; 1).
     * @return &lceil;rows / rowsPerChunk&rceil;.
     */
    public static int chunkCount(int rows, int rowsPerChunk) {
        return (int) (((long) rows + rowsPerChunk - 1) / rowsPerChunk);
    }

    /**
     * The configured values per chunk.
     * @return {@value #CHUNK_VALUES_PROPERTY}, or {@value #DEFAULT_CHUNK_VALUES} when unset.
     * @throws IllegalArgumentException if the property is not an integer in 1 &hellip; {@value #MAX_CHUNK_VALUES}.
     */
    public static long chunkValues() {
        String v = System.getProperty(CHUNK_VALUES_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_CHUNK_VALUES;
        }
        long parsed;
        try {
            parsed = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            parsed = -1;
        }
        if (parsed < 1 || parsed > MAX_CHUNK_VALUES) {
            throw new IllegalArgumentException("system property " + CHUNK_VALUES_PROPERTY + " = " + v
                    + " is out of range; allowed: integer 1 <= chunkValues <= " + MAX_CHUNK_VALUES);
        }
        return parsed;
    }

    /**
     * The number of rows.
     * @return n.
     */
    public int rows() {
        return rows;
    }

    /**
     * The values per row.
     * @return The width.
     */
    public int width() {
        return width;
    }

    /**
     * The total number of values.
     * @return rows &middot; width (may exceed an int).
     */
    public long values() {
        return (long) rows * width;
    }

    /**
     * The rows per chunk (the last chunk may hold fewer).
     * @return The rows per chunk.
     */
    public int rowsPerChunk() {
        return rowsPerChunk;
    }

    /**
     * The number of chunks.
     * @return The chunks.
     */
    public int chunkCount() {
        return chunks.length;
    }

    /**
     * A chunk: its rows, row after row.
     * @param c The chunk.
     * @return The backing array (not a copy).
     */
    public float[] chunk(int c) {
        return chunks[c];
    }

    /**
     * The array that holds a row.
     * @param row The row.
     * @return The backing array (not a copy); the row starts at {@link #offsetOf(int)}.
     */
    public float[] arrayOf(int row) {
        return chunks[row / rowsPerChunk];
    }

    /**
     * Where a row starts in {@link #arrayOf(int)}.
     * @param row The row.
     * @return The offset.
     */
    public int offsetOf(int row) {
        return (row % rowsPerChunk) * width;
    }

    /**
     * One value.
     * @param row The row.
     * @param column The column (0 &hellip; width &minus; 1).
     * @return The value.
     */
    public float get(int row, int column) {
        return arrayOf(row)[offsetOf(row) + column];
    }

    /**
     * Whether consecutive rows lie in one chunk (and so can be wrapped without a copy).
     * @param start The first row.
     * @param count The number of rows (&ge; 1).
     * @return True if rows {@code start … start + count − 1} share a chunk.
     */
    public boolean inOneChunk(int start, int count) {
        return start / rowsPerChunk == (start + count - 1) / rowsPerChunk;
    }

    /**
     * Copies consecutive rows, across chunks, into a buffer at its position.
     * @param start The first row.
     * @param count The number of rows.
     * @param dst The buffer (advanced by count &middot; width).
     */
    public void copyRows(int start, int count, FloatBuffer dst) {
        if (start < 0 || count < 0 || (long) start + count > rows) {
            throw new IndexOutOfBoundsException("rows " + start + " … " + ((long) start + count - 1) + " of " + rows);
        }
        int row = start;
        int end = start + count;
        while (row < end) {
            int inChunk = Math.min(end - row, rowsPerChunk - row % rowsPerChunk);
            dst.put(arrayOf(row), offsetOf(row), inChunk * width);
            row += inChunk;
        }
    }
}
