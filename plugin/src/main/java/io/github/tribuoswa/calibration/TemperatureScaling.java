package io.github.tribuoswa.calibration;

import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import java.util.List;

/**
 * Temperature scaling (Guo et al. 2017): one temperature T &gt; 0 that divides the log-probabilities
 * of every prediction, q_k = p_k^{1/T} / Σ_j p_j^{1/T} (for a network, the same as dividing its
 * logits by T), fitted on a validation set by minimising the NLL of the true classes. The NLL
 * is convex in β = 1/T, so {@link #fit} finds the root of its derivative by bisection in log β
 * over [10⁻³, 10³]. Probabilities below {@link Calibration#PROBABILITY_FLOOR} count as the floor.
 * Accuracy does not change (the order of the classes is kept); {@link TemperatureScaledModel}
 * applies a fitted T to any Tribuo classifier.
 */
public final class TemperatureScaling {

    private static final double LOWEST_BETA = 1e-3;
    private static final double HIGHEST_BETA = 1e3;

    private TemperatureScaling() {}

    /**
     * The temperature that minimises the NLL of these probabilities.
     * @param probabilities One row of probabilities per example.
     * @param labels The true classes.
     * @return T in [10⁻³, 10³].
     */
    public static double fit(double[][] probabilities, int[] labels) {
        Calibration.of(probabilities, labels, 1); // validates the inputs
        double[][] logs = new double[probabilities.length][];
        for (int i = 0; i < probabilities.length; i++) {
            logs[i] = new double[probabilities[i].length];
            for (int k = 0; k < logs[i].length; k++) {
                logs[i][k] = Math.log(Math.max(probabilities[i][k], Calibration.PROBABILITY_FLOOR));
            }
        }
        double lo = Math.log(LOWEST_BETA);
        double hi = Math.log(HIGHEST_BETA);
        if (slope(logs, labels, Math.exp(lo)) >= 0) {
            return 1 / LOWEST_BETA;
        }
        if (slope(logs, labels, Math.exp(hi)) <= 0) {
            return 1 / HIGHEST_BETA;
        }
        for (int it = 0; it < 200 && hi - lo > 1e-13; it++) {
            double mid = (lo + hi) / 2;
            if (slope(logs, labels, Math.exp(mid)) > 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return 1 / Math.exp((lo + hi) / 2);
    }

    /**
     * The temperature that minimises the NLL of a classifier's validation predictions.
     * @param validation Predictions with probabilities and true labels.
     * @param domain The model's output domain.
     * @return T.
     * @throws IllegalArgumentException if a prediction has no probabilities or a label outside the domain.
     */
    public static double fit(List<Prediction<Label>> validation, ImmutableOutputInfo<Label> domain) {
        Calibration.Labelled l = Calibration.labelled(validation, domain);
        return fit(l.probabilities(), l.labels());
    }

    /**
     * dNLL/dβ = (1/n) Σ_i (E_q[log p_i] &minus; log p_iy), with q = softmax(β·log p_i): increasing in β.
     */
    private static double slope(double[][] logs, int[] labels, double beta) {
        double s = 0;
        for (int i = 0; i < logs.length; i++) {
            double[] l = logs[i];
            double max = Double.NEGATIVE_INFINITY;
            for (double v : l) {
                max = Math.max(max, beta * v);
            }
            double z = 0;
            double weighted = 0;
            for (double v : l) {
                double e = Math.exp(beta * v - max);
                z += e;
                weighted += e * v;
            }
            s += weighted / z - l[labels[i]];
        }
        return s / logs.length;
    }

    /**
     * Applies a temperature to probabilities.
     * @param probabilities p, one per class.
     * @param temperature T &gt; 0.
     * @return q_k = p_k^{1/T} / Σ_j p_j^{1/T} (0 stays 0).
     */
    public static double[] scale(double[] probabilities, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature = " + temperature + " is out of range; allowed: finite real > 0");
        }
        double beta = 1 / temperature;
        double max = Double.NEGATIVE_INFINITY;
        for (double p : probabilities) {
            if (p > 0) {
                max = Math.max(max, beta * Math.log(p));
            }
        }
        double[] q = new double[probabilities.length];
        double z = 0;
        for (int k = 0; k < q.length; k++) {
            q[k] = probabilities[k] > 0 ? Math.exp(beta * Math.log(probabilities[k]) - max) : 0;
            z += q[k];
        }
        for (int k = 0; k < q.length; k++) {
            q[k] /= z;
        }
        return q;
    }
}
