package io.github.tribuoswa.averaging;

/**
 * An exponential moving average of weights with decay δ in [0, 1):
 * <pre>
 *   w_EMA &larr; w_1                          at the first update
 *   w_EMA &larr; δ·w_EMA + (1 &minus; δ)·w          afterwards
 * </pre>
 * so after updates w_1 &hellip; w_n, w_EMA = δ^(n&minus;1)·w_1 + Σ_{k=2..n} (1 &minus; δ)·δ^(n&minus;k)·w_k,
 * as PyTorch's {@code AveragedModel} with an EMA function (the first model is copied, not
 * decayed towards zero). δ = 0 keeps the last vector only.
 */
public final class ExponentialMovingAverage extends AbstractWeightAverage {

    private final double decay;

    /**
     * An empty exponential moving average.
     * @param size The number of weights.
     * @param decay δ, in [0, 1).
     */
    public ExponentialMovingAverage(int size, double decay) {
        super(size, AverageRule.exponential(decay));
        this.decay = decay;
    }

    /**
     * An empty exponential moving average whose decay may warm up ({@link EmaDecay}), updated every
     * {@code every} steps from its start.
     * @param size The number of weights.
     * @param decay δ and its warm-up.
     * @param every Steps between updates (&ge; 1).
     * @param firstAtStart Whether the first update is at the start (SWA's ŵ, counted).
     */
    public ExponentialMovingAverage(int size, EmaDecay decay, long every, boolean firstAtStart) {
        super(size, decay.rule(every, firstAtStart));
        this.decay = decay.decay();
    }

    /**
     * The decay δ.
     * @return δ.
     */
    public double decay() {
        return decay;
    }

    @Override
    public String toString() {
        return "ExponentialMovingAverage(size=" + size() + ",decay=" + decay + ",count=" + count() + ")";
    }
}
