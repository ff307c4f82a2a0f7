package io.github.tribuoswa.averaging;

import io.github.tribuoswa.util.Checks;

import java.util.Arrays;

/**
 * LAWA, latest weight averaging (Kaddour 2022; Sanyal et al. 2023): the uniform average of the
 * k latest vectors handed over, kept as a ring buffer of k copies in double precision. Before k
 * vectors have arrived it averages all of them. The average is formed when read, summing the
 * copies oldest first and dividing by their number.
 * <p>
 * {@link #count()} is the number of vectors the average holds, min(n, k) after n updates.
 * It cannot be restored from an average alone ({@link #restore} throws): its state is its copies.
 */
public final class LatestAverage implements WeightAverage {

    private final double[][] ring;
    private final int size;
    private long updates;

    /**
     * An empty average of the k latest vectors.
     * @param size The number of weights (&ge; 0).
     * @param latest k, the vectors kept (&ge; 1).
     */
    public LatestAverage(int size, int latest) {
        if (size < 0) {
            throw new IllegalArgumentException("size = " + size + " is out of range; allowed: integer >= 0");
        }
        if (latest < 1) {
            throw new IllegalArgumentException("latest = " + latest + " is out of range; allowed: integer >= 1");
        }
        this.size = size;
        this.ring = new double[latest][];
    }

    @Override
    public void update(double[] weights) {
        if (weights.length != size) {
            throw new IllegalArgumentException("weights has length " + weights.length + ", the average has " + size);
        }
        int bad = Checks.firstNonFinite(weights);
        if (bad >= 0) {
            throw AbstractWeightAverage.nonFinite(bad, weights[bad]);
        }
        int slot = (int) (updates % ring.length);
        if (ring[slot] == null) {
            ring[slot] = new double[size];
        }
        System.arraycopy(weights, 0, ring[slot], 0, size);
        updates++;
    }

    /**
     * The number of vectors the average holds: min(updates, k).
     * @return The count.
     */
    @Override
    public long count() {
        return Math.min(updates, ring.length);
    }

    /**
     * k, the number of latest vectors averaged.
     * @return k.
     */
    public int latest() {
        return ring.length;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void copyTo(double[] destination) {
        if (updates == 0) {
            throw new IllegalStateException("Nothing has been averaged yet (count = 0)");
        }
        if (destination.length != size) {
            throw new IllegalArgumentException("destination has length " + destination.length + ", the average has " + size);
        }
        int held = (int) count();
        Arrays.fill(destination, 0);
        for (int i = 0; i < held; i++) {
            double[] w = ring[(int) ((updates - held + i) % ring.length)];
            for (int j = 0; j < size; j++) {
                destination[j] += w[j];
            }
        }
        for (int j = 0; j < size; j++) {
            destination[j] /= held;
        }
    }

    @Override
    public void copyTo(float[] destination) {
        if (destination.length != size) {
            throw new IllegalArgumentException("destination has length " + destination.length + ", the average has " + size);
        }
        double[] mean = new double[size];
        copyTo(mean);
        for (int j = 0; j < size; j++) {
            destination[j] = (float) mean[j];
        }
    }

    /**
     * Not supported: the k copies are the state, a mean and a count do not determine them.
     * @param average Ignored.
     * @param count Ignored.
     * @throws UnsupportedOperationException always.
     */
    @Override
    public void restore(double[] average, long count) {
        throw new UnsupportedOperationException("a LatestAverage holds its k latest vectors; it cannot be restored from their mean");
    }

    @Override
    public String toString() {
        return "LatestAverage(size=" + size + ",latest=" + ring.length + ",count=" + count() + ")";
    }
}
