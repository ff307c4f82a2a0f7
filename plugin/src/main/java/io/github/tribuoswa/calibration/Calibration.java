package io.github.tribuoswa.calibration;

import com.oracle.labs.mlrg.olcut.util.Pair;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * How well a classifier's probabilities are calibrated, over n examples with K classes,
 * probabilities p_ik and true classes y_i:
 * <ul>
 *   <li>negative log-likelihood NLL = (1/n) Σ_i &minus;log max(p_iy_i, 10⁻¹²) (the floor keeps a
 *   probability of exactly 0 finite);</li>
 *   <li>the multi-class Brier score (Brier 1950) = (1/n) Σ_i Σ_k (p_ik &minus; 1[y_i = k])², in [0, 2];</li>
 *   <li>the expected calibration error ECE = Σ_b (n_b/n)·|acc_b &minus; conf_b| and the maximum
 *   calibration error MCE = max over non-empty bins of |acc_b &minus; conf_b| (Guo et al. 2017), with
 *   M equal-width bins B_b = ((b &minus; 1)/M, b/M] of the confidence c_i = max_k p_ik (c_i = 0 goes to
 *   the first bin), acc_b the fraction of examples in B_b whose predicted class is the true one,
 *   conf_b their mean confidence;</li>
 *   <li>the reliability diagram: (bin, count, accuracy, mean confidence) per bin.</li>
 * </ul>
 * The predicted class is the most probable one (the first of equal maxima).
 */
public final class Calibration {

    /**
     * The number of bins of Guo et al. (2017).
     */
    public static final int DEFAULT_BINS = 15;

    /**
     * The floor under the probability of the true class in the NLL.
     */
    public static final double PROBABILITY_FLOOR = 1e-12;

    /**
     * How far from 1 a row of probabilities may sum (float32 softmax, rounded scores).
     */
    public static final double SUM_TOLERANCE = 1e-3;

    /**
     * One bin of the reliability diagram.
     * @param lower Its lower edge (excluded, except 0 for the first bin).
     * @param upper Its upper edge (included).
     * @param count How many examples have a confidence in it.
     * @param accuracy The fraction of them predicted right (NaN if empty).
     * @param confidence Their mean confidence (NaN if empty).
     */
    public record Bin(double lower, double upper, int count, double accuracy, double confidence) {}

    private final int examples;
    private final double nll;
    private final double brier;
    private final double ece;
    private final double mce;
    private final double accuracy;
    private final List<Bin> bins;

    private Calibration(int examples, double nll, double brier, double ece, double mce, double accuracy, List<Bin> bins) {
        this.examples = examples;
        this.nll = nll;
        this.brier = brier;
        this.ece = ece;
        this.mce = mce;
        this.accuracy = accuracy;
        this.bins = Collections.unmodifiableList(bins);
    }

    /**
     * The calibration of probability vectors.
     * @param probabilities One row of K probabilities per example (each in [0, 1], the row summing
     *                      to 1 within {@link #SUM_TOLERANCE}).
     * @param labels The true class of each example, in [0, K).
     * @param binCount M, the number of confidence bins (&ge; 1).
     * @return The metrics.
     * @throws IllegalArgumentException if the inputs are empty, ragged, out of range or of different lengths.
     */
    public static Calibration of(double[][] probabilities, int[] labels, int binCount) {
        if (binCount < 1) {
            throw new IllegalArgumentException("bins = " + binCount + " is out of range; allowed: integer >= 1");
        }
        if (probabilities.length == 0 || probabilities.length != labels.length) {
            throw new IllegalArgumentException(probabilities.length + " probability rows and " + labels.length
                    + " labels; allowed: the same number, at least one");
        }
        int k = probabilities[0].length;
        int n = probabilities.length;
        int[] count = new int[binCount];
        double[] hits = new double[binCount];
        double[] confidence = new double[binCount];
        double nll = 0;
        double brier = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            double[] p = probabilities[i];
            if (p.length != k || k == 0) {
                throw new IllegalArgumentException("probabilities[" + i + "] has " + p.length + " classes; allowed: " + k
                        + " (as row 0), at least 1");
            }
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is out of range; allowed: integer in [0, " + k + ")");
            }
            int top = 0;
            double sum = 0;
            for (int c = 0; c < k; c++) {
                if (!(p[c] >= 0 && p[c] <= 1)) {
                    throw new IllegalArgumentException("probabilities[" + i + "][" + c + "] = " + p[c]
                            + " is out of range; allowed: real in [0, 1]");
                }
                sum += p[c];
                if (p[c] > p[top]) {
                    top = c;
                }
                double d = p[c] - (c == labels[i] ? 1 : 0);
                brier += d * d;
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new IllegalArgumentException("probabilities[" + i + "] sums to " + sum + "; allowed: a distribution, summing to 1 within "
                        + SUM_TOLERANCE);
            }
            nll -= Math.log(Math.max(p[labels[i]], PROBABILITY_FLOOR));
            double conf = p[top];
            int b = Math.min(binCount - 1, Math.max(0, (int) Math.ceil(conf * binCount) - 1));
            count[b]++;
            confidence[b] += conf;
            if (top == labels[i]) {
                hits[b]++;
                correct++;
            }
        }
        List<Bin> bins = new ArrayList<>(binCount);
        double ece = 0;
        double mce = 0;
        for (int b = 0; b < binCount; b++) {
            double acc = count[b] == 0 ? Double.NaN : hits[b] / count[b];
            double conf = count[b] == 0 ? Double.NaN : confidence[b] / count[b];
            bins.add(new Bin((double) b / binCount, (double) (b + 1) / binCount, count[b], acc, conf));
            if (count[b] > 0) {
                double gap = Math.abs(acc - conf);
                ece += (double) count[b] / n * gap;
                mce = Math.max(mce, gap);
            }
        }
        return new Calibration(n, nll / n, brier / n, ece, mce, (double) correct / n, bins);
    }

    /**
     * The calibration of Tribuo predictions with probabilities and true labels.
     * @param predictions Predictions of a model that generates probabilities, each with its
     *                    example's true label.
     * @param domain The model's output domain (the classes, in id order).
     * @param binCount M, the number of confidence bins (&ge; 1).
     * @return The metrics.
     * @throws IllegalArgumentException if a prediction has no probabilities or a label outside the domain.
     */
    public static Calibration of(List<Prediction<Label>> predictions, ImmutableOutputInfo<Label> domain, int binCount) {
        Labelled l = labelled(predictions, domain);
        return of(l.probabilities(), l.labels(), binCount);
    }

    /**
     * Predictions as probability rows in the domain's id order and true-class ids.
     * @param probabilities One row per prediction.
     * @param labels The id of each prediction's true label.
     */
    record Labelled(double[][] probabilities, int[] labels) {}

    /**
     * Reads predictions with probabilities and true labels.
     * @param predictions The predictions.
     * @param domain The model's output domain.
     * @return Their probabilities and true-class ids.
     * @throws IllegalArgumentException if a prediction has no probabilities or a label outside the domain.
     */
    static Labelled labelled(List<Prediction<Label>> predictions, ImmutableOutputInfo<Label> domain) {
        int k = domain.size();
        double[][] p = new double[predictions.size()][k];
        int[] y = new int[predictions.size()];
        for (int i = 0; i < predictions.size(); i++) {
            Prediction<Label> pred = predictions.get(i);
            if (!pred.hasProbabilities()) {
                throw new IllegalArgumentException("prediction " + i + " has no probabilities; calibration needs a model that generates them");
            }
            p[i] = probabilities(pred, domain);
            Label truth = pred.getExample().getOutput();
            int id = domain.getID(truth);
            if (id < 0) {
                throw new IllegalArgumentException("prediction " + i + " has true label '" + truth.getLabel() + "', not in the model's domain "
                        + domain.getDomain());
            }
            y[i] = id;
        }
        return new Labelled(p, y);
    }

    /**
     * A prediction's probabilities in the domain's id order (0 for a class it does not score).
     * @param prediction The prediction.
     * @param domain The output domain.
     * @return One probability per class id.
     */
    static double[] probabilities(Prediction<Label> prediction, ImmutableOutputInfo<Label> domain) {
        double[] p = new double[domain.size()];
        Map<String, Label> scores = prediction.getOutputScores();
        for (Pair<Integer, Label> e : domain) {
            Label score = scores.get(e.getB().getLabel());
            p[e.getA()] = score == null ? 0 : score.getScore();
        }
        return p;
    }

    /**
     * The number of examples.
     * @return n.
     */
    public int examples() {
        return examples;
    }

    /**
     * The mean negative log-likelihood of the true classes, in nats.
     * @return NLL.
     */
    public double negativeLogLikelihood() {
        return nll;
    }

    /**
     * The multi-class Brier score.
     * @return Brier, in [0, 2].
     */
    public double brier() {
        return brier;
    }

    /**
     * The expected calibration error.
     * @return ECE, in [0, 1].
     */
    public double expectedCalibrationError() {
        return ece;
    }

    /**
     * The maximum calibration error over non-empty bins.
     * @return MCE, in [0, 1].
     */
    public double maximumCalibrationError() {
        return mce;
    }

    /**
     * The fraction of examples whose most probable class is the true one.
     * @return The accuracy.
     */
    public double accuracy() {
        return accuracy;
    }

    /**
     * The reliability diagram's data, one entry per bin in order.
     * @return The bins (read-only).
     */
    public List<Bin> reliability() {
        return bins;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "Calibration(n=%d,accuracy=%.4f,nll=%.4f,brier=%.4f,ece=%.4f,mce=%.4f,bins=%d)", examples,
                accuracy, nll, brier, ece, mce, bins.size());
    }
}
