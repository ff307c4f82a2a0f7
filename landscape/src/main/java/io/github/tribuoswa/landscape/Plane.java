package io.github.tribuoswa.landscape;

/**
 * The plane through three weight vectors w1, w2, w3, as in the SWA paper's figures (Izmailov
 * et al. 2018, §3.1, after Garipov et al. 2018):
 * <pre>
 *   u = w2 &minus; w1,   v = (w3 &minus; w1) &minus; ⟨w3 &minus; w1, w2 &minus; w1⟩ / ‖w2 &minus; w1‖² · (w2 &minus; w1)
 *   û = u / ‖u‖,   v̂ = v / ‖v‖,   P(x, y) = w1 + x·û + y·v̂
 * </pre>
 * Coordinates are distances in weight space: w1 is at (0, 0), w2 at (‖u‖, 0), w3 at
 * (⟨w3 &minus; w1, û⟩, ‖v‖). Any other weight vector w projects to
 * (⟨w &minus; w1, û⟩, ⟨w &minus; w1, v̂⟩) at distance ‖w &minus; P(x, y)‖ from the plane. The basis is
 * kept in double precision.
 */
public final class Plane {

    private final double[] origin;
    private final double[] uHat;
    private final double[] vHat;

    /**
     * The plane through three weight vectors.
     * @param w1 The origin.
     * @param w2 The second point (defines û).
     * @param w3 The third point.
     * @throws IllegalArgumentException if the lengths differ or the points are collinear.
     */
    public Plane(float[] w1, float[] w2, float[] w3) {
        if (w1.length != w2.length || w1.length != w3.length) {
            throw new IllegalArgumentException("weight vectors of different lengths: " + w1.length + ", " + w2.length + ", " + w3.length);
        }
        int n = w1.length;
        origin = new double[n];
        double[] u = new double[n];
        double[] d3 = new double[n];
        for (int j = 0; j < n; j++) {
            origin[j] = w1[j];
            u[j] = (double) w2[j] - w1[j];
            d3[j] = (double) w3[j] - w1[j];
        }
        double uu = dot(u, u);
        if (!(uu > 0)) {
            throw new IllegalArgumentException("w1 and w2 are the same point; the plane needs three points not on a line");
        }
        double coef = dot(d3, u) / uu;
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = d3[j] - coef * u[j];
        }
        double vv = dot(v, v);
        if (!(vv > 1e-24 * Math.max(1, dot(d3, d3)))) {
            throw new IllegalArgumentException("w1, w2 and w3 lie on a line; the plane needs three points not on a line");
        }
        double un = Math.sqrt(uu);
        double vn = Math.sqrt(vv);
        uHat = new double[n];
        vHat = new double[n];
        for (int j = 0; j < n; j++) {
            uHat[j] = u[j] / un;
            vHat[j] = v[j] / vn;
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /**
     * The number of weights.
     * @return The dimension.
     */
    public int dimension() {
        return origin.length;
    }

    /**
     * The unit vector û.
     * @return A copy.
     */
    public double[] uHat() {
        return uHat.clone();
    }

    /**
     * The unit vector v̂.
     * @return A copy.
     */
    public double[] vHat() {
        return vHat.clone();
    }

    /**
     * The point P(x, y) = w1 + x·û + y·v̂.
     * @param x The û coordinate.
     * @param y The v̂ coordinate.
     * @return The weights.
     */
    public float[] point(double x, double y) {
        float[] out = new float[origin.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (origin[j] + x * uHat[j] + y * vHat[j]);
        }
        return out;
    }

    /**
     * The projection of a weight vector onto the plane.
     * @param w The weights.
     * @return Its coordinates and its distance from the plane.
     */
    public Projection project(float[] w) {
        if (w.length != origin.length) {
            throw new IllegalArgumentException("weights of length " + w.length + ", the plane's dimension is " + origin.length);
        }
        double x = 0;
        double y = 0;
        for (int j = 0; j < w.length; j++) {
            double d = w[j] - origin[j];
            x += d * uHat[j];
            y += d * vHat[j];
        }
        double dist = 0;
        for (int j = 0; j < w.length; j++) {
            double r = w[j] - origin[j] - x * uHat[j] - y * vHat[j];
            dist += r * r;
        }
        return new Projection(x, y, Math.sqrt(dist));
    }

    /**
     * A weight vector's place relative to a plane.
     * @param x The û coordinate.
     * @param y The v̂ coordinate.
     * @param distance The distance from the plane.
     */
    public record Projection(double x, double y, double distance) {}
}
