package io.github.tribuoswa.examples;

import io.github.tribuoswa.calibration.Calibration;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import java.util.List;

/**
 * Test metrics the examples print.
 */
public final class Metrics {

    private Metrics() {}

    /**
     * The mean negative log-likelihood of the true labels, in nats, with probabilities floored at
     * {@link Calibration#PROBABILITY_FLOOR}: the NLL of {@link Calibration}, from predictions alone.
     * @param predictions Predictions with probabilities and their examples.
     * @return The NLL.
     */
    public static double negativeLogLikelihood(List<Prediction<Label>> predictions) {
        double sum = 0;
        for (Prediction<Label> p : predictions) {
            Label truth = p.getExample().getOutput();
            double prob = p.getOutputScores().get(truth.getLabel()).getScore();
            sum -= Math.log(Math.max(prob, Calibration.PROBABILITY_FLOOR));
        }
        return sum / predictions.size();
    }

    /**
     * The fraction of predictions whose label is the true one.
     * @param predictions Predictions and their examples.
     * @return The accuracy.
     */
    public static double accuracy(List<Prediction<Label>> predictions) {
        long correct = predictions.stream().filter(p -> p.getOutput().getLabel().equals(p.getExample().getOutput().getLabel())).count();
        return (double) correct / predictions.size();
    }
}
