package io.github.tribuoswa.averaging;

/**
 * How a running average weighs each incoming vector, whatever holds it (Java arrays for
 * Tribuo's linear models, engine arrays on a network's device): after t updates
 * <pre>
 *   avg_t = (1 &minus; β_t)·avg_{t&minus;1} + β_t·w_t,    β_1 = 1
 * </pre>
 * {@link #incomingWeight} gives β_t. Algorithm 1's equal average (Izmailov et al. 2018) has
 * β_t = 1/t; an exponential moving average with decay δ has β_t = 1 &minus; δ for t &ge; 2 (the first
 * vector is copied, as PyTorch's {@code AveragedModel} does).
 * <p>
 * A device average keeps the scaled sum G_t = avg_t/β_t instead of avg_t, which moves with one
 * or two in-place operations: G_t = κ_t·G_{t&minus;1} + w_t with the {@link #carry} κ_t =
 * (1 &minus; β_t)·β_{t&minus;1}/β_t, which is 1 for the equal average (G is then the plain sum) and δ
 * for an EMA from t = 3 on.
 */
public interface AverageRule {

    /**
     * The equal average of Algorithm 1: β_t = 1/t, κ_t = 1.
     */
    AverageRule EQUAL = new AverageRule() {
        @Override
        public double incomingWeight(long previousCount) {
            return 1.0 / (previousCount + 1);
        }

        @Override
        public double carry(long previousCount) {
            return previousCount == 0 ? 0.0 : 1.0;
        }

        @Override
        public String toString() {
            return "EQUAL";
        }
    };

    /**
     * β_t, the weight of the incoming vector in the new average.
     * @param previousCount t &minus; 1, the number of vectors averaged before this one (&ge; 0).
     * @return β_t in (0, 1]; 1 when previousCount = 0.
     */
    double incomingWeight(long previousCount);

    /**
     * κ_t = (1 &minus; β_t)·β_{t&minus;1}/β_t, the factor of the scaled sum G = avg/β before the
     * incoming vector is added (0 for the first vector, which has nothing to carry).
     * @param previousCount t &minus; 1 (&ge; 0).
     * @return κ_t &ge; 0.
     */
    default double carry(long previousCount) {
        if (previousCount == 0) {
            return 0.0;
        }
        double beta = incomingWeight(previousCount);
        return (1.0 - beta) * incomingWeight(previousCount - 1) / beta;
    }

    /**
     * An exponential moving average with decay δ: β_1 = 1, then β_t = 1 &minus; δ.
     * @param decay δ in [0, 1).
     * @return The rule.
     * @throws IllegalArgumentException if δ is outside [0, 1).
     */
    static AverageRule exponential(double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("emaDecay = " + decay + " is out of range; allowed: real in [0, 1)");
        }
        return new AverageRule() {
            @Override
            public double incomingWeight(long previousCount) {
                return previousCount == 0 ? 1.0 : 1.0 - decay;
            }

            @Override
            public String toString() {
                return "EMA(decay=" + decay + ")";
            }
        };
    }
}
