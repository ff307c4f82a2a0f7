package io.github.tribuoswa.averaging;

import io.github.tribuoswa.util.Checks;

/**
 * The state and checks shared by the host averages: a double-precision average, its count, and
 * the validation of incoming weights. The {@link AverageRule} says how one vector moves the
 * average.
 */
abstract class AbstractWeightAverage implements WeightAverage {

    /**
     * The current average.
     */
    protected final double[] mean;

    /**
     * The number of vectors averaged in.
     */
    protected long count;

    private final AverageRule rule;

    /**
     * Creates an empty average.
     * @param size The number of weights (&ge; 0).
     * @param rule How each vector is weighed.
     */
    AbstractWeightAverage(int size, AverageRule rule) {
        if (size < 0) {
            throw new IllegalArgumentException("size = " + size + " is out of range; allowed: integer >= 0");
        }
        this.mean = new double[size];
        this.rule = rule;
    }

    /**
     * The rule of this average.
     * @return How each vector is weighed.
     */
    public AverageRule rule() {
        return rule;
    }

    @Override
    public void update(double[] weights) {
        checkLength(weights.length);
        int bad = Checks.firstNonFinite(weights);
        if (bad >= 0) {
            throw nonFinite(bad, weights[bad]);
        }
        double beta = rule.incomingWeight(count);
        for (int j = 0; j < mean.length; j++) {
            mean[j] += beta * (weights[j] - mean[j]);
        }
        count++;
    }

    @Override
    public void restore(double[] average, long count) {
        checkLength(average.length);
        if (count < 1) {
            throw new IllegalArgumentException("count = " + count + " is out of range; allowed: integer >= 1");
        }
        int bad = Checks.firstNonFinite(average);
        if (bad >= 0) {
            throw nonFinite(bad, average[bad]);
        }
        System.arraycopy(average, 0, mean, 0, mean.length);
        this.count = count;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public int size() {
        return mean.length;
    }

    @Override
    public void copyTo(float[] destination) {
        checkReadable(destination.length);
        for (int j = 0; j < mean.length; j++) {
            destination[j] = (float) mean[j];
        }
    }

    @Override
    public void copyTo(double[] destination) {
        checkReadable(destination.length);
        System.arraycopy(mean, 0, destination, 0, mean.length);
    }

    private void checkLength(int length) {
        if (length != mean.length) {
            throw new IllegalArgumentException("weights has length " + length + ", the average has " + mean.length);
        }
    }

    private void checkReadable(int length) {
        if (count == 0) {
            throw new IllegalStateException("Nothing has been averaged yet (count = 0)");
        }
        checkLength(length);
    }

    static IllegalArgumentException nonFinite(int index, double value) {
        return new IllegalArgumentException("weights[" + index + "] = " + value + " is not finite; the vector was not averaged in");
    }
}
