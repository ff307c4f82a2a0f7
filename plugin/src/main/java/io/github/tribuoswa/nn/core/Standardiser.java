package io.github.tribuoswa.nn.core;

import java.util.Arrays;

/**
 * Per-column standardisation, x' = (x &minus; mean) / std, with statistics computed on the
 * training data and stored in the model, so prediction applies the same transform: of the
 * inputs ({@link #fit(DenseData)}, {@link #apply}) and of regression targets
 * ({@link #fitTargets}: the network learns standardised targets, {@link #invert} maps its
 * outputs back to the targets' units). Columns with zero variance get std 1.
 */
public final class Standardiser {

    private final float[] mean;
    private final float[] std;

    /**
     * A standardiser with given statistics.
     * @param mean The means.
     * @param std The standard deviations (&gt; 0).
     */
    public Standardiser(float[] mean, float[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std lengths differ: " + mean.length + " vs " + std.length);
        }
        for (int j = 0; j < std.length; j++) {
            if (!(std[j] > 0) || !Float.isFinite(std[j]) || !Float.isFinite(mean[j])) {
                throw new IllegalArgumentException("std[" + j + "] = " + std[j] + ", mean[" + j + "] = " + mean[j] + "; std must be finite and > 0");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Computes the statistics of the training features (in double precision).
     * @param data The data.
     * @return The standardiser.
     */
    public static Standardiser fit(DenseData data) {
        return fit(data.features());
    }

    /**
     * Computes the statistics of the training targets (regression: one column per dimension).
     * @param data The data.
     * @return The standardiser.
     */
    public static Standardiser fitTargets(DenseData data) {
        return fit(data.targets());
    }

    /**
     * Computes per-column means and (population) standard deviations in double precision.
     * @param values Rows of {@code width} values, row after row.
     * @param rows The number of rows (&ge; 1).
     * @param width The number of columns (&ge; 1).
     * @return The standardiser.
     */
    public static Standardiser fit(float[] values, int rows, int width) {
        if (rows < 1 || width < 1 || values.length < (long) rows * width) {
            throw new IllegalArgumentException("rows = " + rows + ", width = " + width + " with " + values.length
                    + " values; allowed: rows >= 1, width >= 1, rows * width <= values");
        }
        return fit(FloatRows.wrap(values.length == rows * width ? values : Arrays.copyOf(values, rows * width), width));
    }

    /**
     * Computes per-column means and (population) standard deviations in double precision,
     * row after row (the same sums, so the same statistics, for any chunk layout).
     * @param values The rows (at least one).
     * @return The standardiser.
     */
    public static Standardiser fit(FloatRows values) {
        int rows = values.rows();
        int width = values.width();
        if (rows < 1) {
            throw new IllegalArgumentException("rows = " + rows + "; allowed: rows >= 1");
        }
        double[] sum = new double[width];
        double[] sq = new double[width];
        for (int i = 0; i < rows; i++) {
            float[] a = values.arrayOf(i);
            int o = values.offsetOf(i);
            for (int j = 0; j < width; j++) {
                double v = a[o + j];
                sum[j] += v;
                sq[j] += v * v;
            }
        }
        float[] mean = new float[width];
        float[] std = new float[width];
        for (int j = 0; j < width; j++) {
            double m = sum[j] / rows;
            double var = Math.max(0, sq[j] / rows - m * m);
            mean[j] = (float) m;
            std[j] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
        }
        return new Standardiser(mean, std);
    }

    /**
     * Standardises examples in place.
     * @param x Features, example after example.
     */
    public void apply(float[] x) {
        int d = mean.length;
        if (x.length % d != 0) {
            throw new IllegalArgumentException("feature array length " + x.length + " is not a multiple of " + d);
        }
        for (int i = 0; i < x.length; i += d) {
            for (int j = 0; j < d; j++) {
                x[i + j] = (x[i + j] - mean[j]) / std[j];
            }
        }
    }

    /**
     * Standardises rows in place, chunk by chunk.
     * @param x The rows ({@link #width()} values each).
     */
    public void apply(FloatRows x) {
        if (x.width() != mean.length) {
            throw new IllegalArgumentException("rows of width " + x.width() + ", the standardiser's width is " + mean.length);
        }
        for (int c = 0; c < x.chunkCount(); c++) {
            apply(x.chunk(c));
        }
    }

    /**
     * Maps standardised values back in place, x = x' &middot; std + mean (a network's outputs
     * for standardised targets back to the targets' units).
     * @param x Values, row after row.
     */
    public void invert(float[] x) {
        int d = mean.length;
        if (x.length % d != 0) {
            throw new IllegalArgumentException("array length " + x.length + " is not a multiple of " + d);
        }
        for (int i = 0; i < x.length; i += d) {
            for (int j = 0; j < d; j++) {
                x[i + j] = x[i + j] * std[j] + mean[j];
            }
        }
    }

    /**
     * The number of columns.
     * @return The width.
     */
    public int width() {
        return mean.length;
    }

    /**
     * The means.
     * @return A copy.
     */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * The standard deviations.
     * @return A copy.
     */
    public float[] std() {
        return std.clone();
    }
}
