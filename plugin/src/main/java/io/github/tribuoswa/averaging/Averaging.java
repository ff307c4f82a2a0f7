package io.github.tribuoswa.averaging;

/**
 * The kinds of weight average a trainer or optimiser can be configured with.
 */
public enum Averaging {
    /**
     * The equal running average of Algorithm 1: {@link EqualAverage}.
     */
    EQUAL,
    /**
     * An exponential moving average: {@link ExponentialMovingAverage}.
     */
    EMA;

    /**
     * The rule of this kind of average.
     * @param emaDecay The decay, used by {@link #EMA} only.
     * @return How each vector is weighed.
     */
    public AverageRule rule(double emaDecay) {
        return this == EMA ? AverageRule.exponential(emaDecay) : AverageRule.EQUAL;
    }

    /**
     * Creates an empty average of this kind.
     * @param size The number of weights.
     * @param emaDecay The decay, used by {@link #EMA} only.
     * @return The average.
     */
    public WeightAverage create(int size, double emaDecay) {
        switch (this) {
            case EMA:
                return new ExponentialMovingAverage(size, emaDecay);
            case EQUAL:
            default:
                return new EqualAverage(size);
        }
    }
}
