package io.github.tribuoswa.landscape;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Directions in weight space for the rays of the SWA paper's figures (w(t, d) = w + t·d) and the
 * segment between two solutions.
 */
public final class Directions {

    private Directions() {}

    /**
     * N random unit directions, drawn from a seeded isotropic Gaussian and normalised: uniform on
     * the sphere.
     * @param dimension The number of weights.
     * @param n How many directions.
     * @param seed The seed.
     * @return n unit vectors.
     */
    public static double[][] randomUnit(int dimension, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] out = new double[n][dimension];
        for (double[] d : out) {
            double norm = 0;
            for (int j = 0; j < dimension; j++) {
                d[j] = gaussian(rng);
                norm += d[j] * d[j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < dimension; j++) {
                d[j] /= norm;
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Filter-normalises a direction (Li et al. 2018, "Visualizing the loss landscape"): within
     * each parameter, each filter (slice along the first axis) of the direction is rescaled to
     * the norm of the same filter of the weights; parameters of one axis (biases, BatchNorm)
     * are zeroed, as the authors do.
     * @param direction A direction laid out as the weights.
     * @param weights The weights it starts from.
     * @param shapes The parameters' shapes, in the weights' order.
     * @return The filter-normalised direction (a new array).
     */
    public static double[] filterNormalised(double[] direction, float[] weights, List<long[]> shapes) {
        double[] out = new double[direction.length];
        int pos = 0;
        for (long[] shape : shapes) {
            int size = 1;
            for (long d : shape) {
                size = Math.multiplyExact(size, (int) d);
            }
            if (shape.length > 1) {
                int filters = (int) shape[0];
                int per = size / filters;
                for (int f = 0; f < filters; f++) {
                    int start = pos + f * per;
                    double dn = 0;
                    double wn = 0;
                    for (int j = start; j < start + per; j++) {
                        dn += direction[j] * direction[j];
                        wn += (double) weights[j] * weights[j];
                    }
                    double scale = dn > 0 ? Math.sqrt(wn) / Math.sqrt(dn) : 0;
                    for (int j = start; j < start + per; j++) {
                        out[j] = direction[j] * scale;
                    }
                }
            }
            pos += size;
        }
        if (pos != direction.length) {
            throw new IllegalArgumentException("the shapes hold " + pos + " values, the direction has " + direction.length);
        }
        return out;
    }

    /**
     * A point w + t·d.
     * @param w The start.
     * @param d The direction.
     * @param t The distance along d (for a unit d).
     * @return The weights.
     */
    public static float[] along(float[] w, double[] d, double t) {
        float[] out = new float[w.length];
        for (int j = 0; j < w.length; j++) {
            out[j] = (float) (w[j] + t * d[j]);
        }
        return out;
    }

    /**
     * The point of the segment between two solutions: t·wSgd + (1 &minus; t)·wSwa, so t = 0 is
     * w_SWA, t = 1 is w_SGD, and t outside [0, 1] extends the line beyond them.
     * @param wSgd w_SGD.
     * @param wSwa w_SWA.
     * @param t The position.
     * @return The weights.
     */
    public static float[] segment(float[] wSgd, float[] wSwa, double t) {
        if (wSgd.length != wSwa.length) {
            throw new IllegalArgumentException("weight vectors of different lengths: " + wSgd.length + ", " + wSwa.length);
        }
        float[] out = new float[wSgd.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (t * wSgd[j] + (1 - t) * wSwa[j]);
        }
        return out;
    }
}
