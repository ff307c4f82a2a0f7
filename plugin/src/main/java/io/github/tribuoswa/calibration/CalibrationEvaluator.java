package io.github.tribuoswa.calibration;

import org.tribuo.DataSource;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.evaluation.Evaluator;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.EvaluationProvenance;

import java.util.List;

/**
 * A Tribuo {@link Evaluator} of calibration, for any classifier that generates probabilities:
 * {@code new CalibrationEvaluator().evaluate(model, testData)} gives NLL, Brier, ECE, MCE and
 * the reliability diagram ({@link Calibration}), with {@link Calibration#DEFAULT_BINS} bins
 * unless told otherwise.
 */
public final class CalibrationEvaluator implements Evaluator<Label, CalibrationEvaluation> {

    private final int bins;

    /**
     * An evaluator with 15 confidence bins.
     */
    public CalibrationEvaluator() {
        this(Calibration.DEFAULT_BINS);
    }

    /**
     * An evaluator.
     * @param bins The number of equal-width confidence bins (&ge; 1).
     */
    public CalibrationEvaluator(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins = " + bins + " is out of range; allowed: integer >= 1");
        }
        this.bins = bins;
    }

    @Override
    public CalibrationEvaluation evaluate(Model<Label> model, Dataset<Label> dataset) {
        return evaluate(model, model.predict(dataset), dataset.getProvenance());
    }

    @Override
    public CalibrationEvaluation evaluate(Model<Label> model, DataSource<Label> datasource) {
        return evaluate(model, new MutableDataset<>(datasource));
    }

    @Override
    public CalibrationEvaluation evaluate(Model<Label> model, List<Prediction<Label>> predictions, DataProvenance dataProvenance) {
        if (!model.generatesProbabilities()) {
            throw new IllegalArgumentException("model " + model.getName() + " does not generate probabilities; calibration needs them");
        }
        Calibration c = Calibration.of(predictions, model.getOutputIDInfo(), bins);
        return new CalibrationEvaluation(c, predictions, new EvaluationProvenance(model.getProvenance(), dataProvenance));
    }

    @Override
    public String toString() {
        return "CalibrationEvaluator(bins=" + bins + ")";
    }
}
