package io.github.tribuoswa.averaging;

/**
 * A running average of weight vectors, engine-independent: the weights of any model are
 * handed over as one flat array (float for neural networks, double for Tribuo's linear
 * models), always in the same order.
 * <p>
 * The average is kept in double precision and updated incrementally, so it stays accurate
 * over many updates whatever the precision of the weights. An update whose weights contain a
 * NaN or an infinity is refused before anything changes: non-finite weights are never
 * averaged in.
 * <p>
 * Implementations are not thread-safe; each training run owns its average.
 */
public interface WeightAverage {

    /**
     * Adds a weight vector to the average, widened to double precision.
     * @param weights The weights, of length {@link #size()}.
     * @throws IllegalArgumentException if the length differs or a value is not finite.
     */
    default void update(float[] weights) {
        double[] widened = new double[weights.length];
        for (int j = 0; j < weights.length; j++) {
            widened[j] = weights[j];
        }
        update(widened);
    }

    /**
     * Adds a weight vector to the average.
     * @param weights The weights, of length {@link #size()}.
     * @throws IllegalArgumentException if the length differs or a value is not finite.
     */
    void update(double[] weights);

    /**
     * The number of weight vectors averaged so far (n_models of Algorithm 1).
     * @return The count.
     */
    long count();

    /**
     * The length of the weight vectors.
     * @return The number of weights.
     */
    int size();

    /**
     * Writes the average into an array.
     * @param destination An array of length {@link #size()}.
     * @throws IllegalStateException if nothing has been averaged yet.
     */
    void copyTo(float[] destination);

    /**
     * Writes the average into an array.
     * @param destination An array of length {@link #size()}.
     * @throws IllegalStateException if nothing has been averaged yet.
     */
    void copyTo(double[] destination);

    /**
     * Restores a saved state (for resuming from a checkpoint): the average and its count.
     * @param average The average, of length {@link #size()}.
     * @param count The number of vectors it averages (&ge; 1).
     */
    void restore(double[] average, long count);

    /**
     * A copy of the average.
     * @return The average, a new array.
     * @throws IllegalStateException if nothing has been averaged yet.
     */
    default double[] average() {
        double[] out = new double[size()];
        copyTo(out);
        return out;
    }
}
