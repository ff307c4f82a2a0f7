package io.github.tribuoswa.averaging;

/**
 * The equal-weight running average of Algorithm 1 (Izmailov et al. 2018):
 * <pre>
 *   w_SWA &larr; (w_SWA·n_models + w) / (n_models + 1)
 * </pre>
 * computed in the equivalent, numerically stable form w_SWA &larr; w_SWA + (w &minus; w_SWA)/(n + 1)
 * in double precision. After n updates it is the arithmetic mean of the n vectors. Whether the
 * starting weights ŵ count as the first model is the caller's choice (see
 * {@link AveragingPoints}).
 */
public final class EqualAverage extends AbstractWeightAverage {

    /**
     * An empty average over vectors of the given length.
     * @param size The number of weights.
     */
    public EqualAverage(int size) {
        super(size, AverageRule.EQUAL);
    }

    @Override
    public String toString() {
        return "EqualAverage(size=" + size() + ",count=" + count() + ")";
    }
}
