package io.github.tribuoswa.calibration;

import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.evaluation.Evaluation;
import org.tribuo.evaluation.metrics.MetricID;
import org.tribuo.evaluation.metrics.MetricTarget;
import org.tribuo.provenance.EvaluationProvenance;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Tribuo {@link Evaluation} of a classifier's calibration: the metrics of {@link Calibration}
 * under Tribuo metric ids (overall metrics, with the micro-average target as Tribuo's accuracy
 * has), the reliability diagram, the predictions and the provenance of model and data.
 */
public final class CalibrationEvaluation implements Evaluation<Label> {

    /**
     * The metric names, as {@link #asMap()} keys them.
     */
    public static final String NLL = "nll";
    /**
     * Multi-class Brier score.
     */
    public static final String BRIER = "brier";
    /**
     * Expected calibration error.
     */
    public static final String ECE = "ece";
    /**
     * Maximum calibration error.
     */
    public static final String MCE = "mce";
    /**
     * Accuracy of the most probable class.
     */
    public static final String ACCURACY = "accuracy";

    private final Calibration calibration;
    private final List<Prediction<Label>> predictions;
    private final EvaluationProvenance provenance;

    CalibrationEvaluation(Calibration calibration, List<Prediction<Label>> predictions, EvaluationProvenance provenance) {
        this.calibration = calibration;
        this.predictions = Collections.unmodifiableList(predictions);
        this.provenance = provenance;
    }

    /**
     * The id of an overall metric.
     * @param name One of the names above.
     * @return Its Tribuo metric id.
     */
    public static MetricID<Label> metric(String name) {
        return new MetricID<>(MetricTarget.<Label>microAverageTarget(), name);
    }

    @Override
    public Map<MetricID<Label>, Double> asMap() {
        Map<MetricID<Label>, Double> m = new LinkedHashMap<>();
        m.put(metric(NLL), calibration.negativeLogLikelihood());
        m.put(metric(BRIER), calibration.brier());
        m.put(metric(ECE), calibration.expectedCalibrationError());
        m.put(metric(MCE), calibration.maximumCalibrationError());
        m.put(metric(ACCURACY), calibration.accuracy());
        return Collections.unmodifiableMap(m);
    }

    /**
     * The metrics and the reliability diagram.
     * @return The calibration.
     */
    public Calibration calibration() {
        return calibration;
    }

    @Override
    public List<Prediction<Label>> getPredictions() {
        return predictions;
    }

    @Override
    public EvaluationProvenance getProvenance() {
        return provenance;
    }

    @Override
    public String toString() {
        return calibration.toString();
    }
}
