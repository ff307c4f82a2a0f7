package io.github.tribuoswa.nn.core;

/**
 * Per-input standardisation, x' = (x &minus; mean) / std, with statistics computed on the
 * training data and stored in the model, so prediction applies the same transform.
 * Inputs with zero variance get std 1.
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
        int d = data.featureWidth();
        double[] sum = new double[d];
        double[] sq = new double[d];
        float[] x = data.features();
        for (int i = 0; i < data.size(); i++) {
            for (int j = 0; j < d; j++) {
                double v = x[i * d + j];
                sum[j] += v;
                sq[j] += v * v;
            }
        }
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int j = 0; j < d; j++) {
            double m = sum[j] / data.size();
            double var = Math.max(0, sq[j] / data.size() - m * m);
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
