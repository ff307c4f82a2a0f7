package io.github.tribuoswa.calibration;

import com.google.protobuf.Any;
import com.oracle.labs.mlrg.olcut.util.Pair;
import io.github.tribuoswa.Messages;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.protos.TemperatureScaledModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.evaluation.CrossValidation;
import org.tribuo.evaluation.DescriptiveStats;
import org.tribuo.evaluation.EvaluationAggregator;
import org.tribuo.evaluation.metrics.MetricID;
import org.tribuo.impl.ArrayExample;
import org.tribuo.protos.core.ModelProto;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The calibration metrics and temperature scaling against values numpy and scipy computed
 * (calibration-fixture.txt, written by make_fixture.py next to it), to 1e-9; the evaluator on a
 * real Tribuo classifier; bad input.
 */
public class CalibrationTest {

    private static final double[][] P;
    private static final int[] Y;
    private static final Map<String, String> EXPECTED = new HashMap<>();

    static {
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(CalibrationTest.class.getResourceAsStream("calibration-fixture.txt"),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+", 2);
                if (f[0].equals("row")) {
                    String[] v = f[1].trim().split("\\s+");
                    labels.add(Integer.parseInt(v[0]));
                    rows.add(Arrays.stream(v, 1, v.length).mapToDouble(Double::parseDouble).toArray());
                } else {
                    EXPECTED.put(f[0], f[1]);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        P = rows.toArray(new double[0][]);
        Y = labels.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double expected(String key) {
        return Double.parseDouble(EXPECTED.get(key));
    }

    @Test
    public void metricsMatchNumpy() {
        assertEquals(500, P.length);
        for (int bins : new int[]{15, 10}) {
            Calibration c = Calibration.of(P, Y, bins);
            assertEquals(expected("nll"), c.negativeLogLikelihood(), 1e-9);
            assertEquals(expected("brier"), c.brier(), 1e-9);
            assertEquals(expected("ece" + bins), c.expectedCalibrationError(), 1e-9, "ECE, " + bins + " bins");
            assertEquals(expected("mce" + bins), c.maximumCalibrationError(), 1e-9, "MCE, " + bins + " bins");
            assertEquals(expected("accuracy"), c.accuracy(), 1e-12);
            int[] counts = Arrays.stream(EXPECTED.get("counts" + bins).split(" ")).mapToInt(Integer::parseInt).toArray();
            assertEquals(bins, c.reliability().size());
            for (int b = 0; b < bins; b++) {
                assertEquals(counts[b], c.reliability().get(b).count(), "bin " + b);
                assertEquals((double) b / bins, c.reliability().get(b).lower(), 1e-15);
            }
        }
    }

    @Test
    public void temperatureScalingMatchesScipy() {
        double[][] scaled = new double[P.length][];
        for (int i = 0; i < P.length; i++) {
            scaled[i] = TemperatureScaling.scale(P[i], 2.0);
        }
        assertEquals(expected("nll_t2"), Calibration.of(scaled, Y, 15).negativeLogLikelihood(), 1e-9);
        double t = TemperatureScaling.fit(P, Y);
        assertEquals(expected("temperature"), t, 1e-6, "fitted temperature");
        for (int i = 0; i < P.length; i++) {
            scaled[i] = TemperatureScaling.scale(P[i], t);
        }
        assertEquals(expected("nll_fitted"), Calibration.of(scaled, Y, 15).negativeLogLikelihood(), 1e-9);
        assertEquals(Calibration.of(P, Y, 15).accuracy(), Calibration.of(scaled, Y, 15).accuracy(), 0.0, "the classes' order is kept");
    }

    @Test
    public void handComputedBins() {
        // confidences 0.9 (right), 0.6 (wrong), 0.55 (right), 1.0 (right); bins of width 0.5: (0, .5], (.5, 1]
        double[][] p = {{0.9, 0.1}, {0.6, 0.4}, {0.45, 0.55}, {1.0, 0.0}};
        int[] y = {0, 1, 1, 0};
        Calibration c = Calibration.of(p, y, 2);
        double conf = (0.9 + 0.6 + 0.55 + 1.0) / 4;
        assertEquals(Math.abs(0.75 - conf), c.expectedCalibrationError(), 1e-15);
        assertEquals(0, c.reliability().get(0).count());
        assertTrue(Double.isNaN(c.reliability().get(0).accuracy()));
        assertEquals((0.01 + 0.01 + 0.36 + 0.36 + 0.2025 + 0.2025 + 0 + 0) / 4, c.brier(), 1e-15);
        assertEquals(-(Math.log(0.9) + Math.log(0.4) + Math.log(0.55) + Math.log(1.0)) / 4, c.negativeLogLikelihood(), 1e-15);
        // a probability of exactly 0 for the true class stays finite
        assertEquals(-Math.log(Calibration.PROBABILITY_FLOOR), Calibration.of(new double[][]{{1, 0}}, new int[]{1}, 15).negativeLogLikelihood(), 1e-9);
    }

    @Test
    public void evaluatorAndTemperatureScaledModelOnATribuoClassifier() throws Exception {
        MutableDataset<Label> train = SyntheticData.classification(600, 1);
        MutableDataset<Label> validation = SyntheticData.classification(300, 2);
        MutableDataset<Label> test = SyntheticData.classification(300, 3);
        Model<Label> model = new LogisticRegressionTrainer().train(train);
        CalibrationEvaluation e = new CalibrationEvaluator().evaluate(model, test);
        List<Prediction<Label>> predictions = model.predict(test);
        Calibration direct = Calibration.of(predictions, model.getOutputIDInfo(), 15);
        assertEquals(direct.expectedCalibrationError(), e.get(CalibrationEvaluation.metric(CalibrationEvaluation.ECE)), 0.0);
        assertEquals(direct.negativeLogLikelihood(), e.get(CalibrationEvaluation.metric(CalibrationEvaluation.NLL)), 0.0);
        assertEquals(new LabelEvaluator().evaluate(model, test).accuracy(), e.get(CalibrationEvaluation.metric(CalibrationEvaluation.ACCURACY)),
                1e-12, "the same accuracy as Tribuo's evaluator");
        assertEquals(model.getProvenance(), e.getProvenance().getModelProvenance());
        assertEquals(test.size(), e.getPredictions().size());

        TemperatureScaledModel scaled = TemperatureScaledModel.fit(model, model.predict(validation));
        assertTrue(scaled.temperature() > 0);
        double before = Calibration.of(model.predict(validation), model.getOutputIDInfo(), 15).negativeLogLikelihood();
        double after = Calibration.of(scaled.predict(validation), model.getOutputIDInfo(), 15).negativeLogLikelihood();
        assertTrue(after <= before + 1e-12, "NLL on the validation set it was fitted on: " + before + " -> " + after);
        List<Prediction<Label>> scaledTest = scaled.predict(test);
        for (int i = 0; i < scaledTest.size(); i++) {
            assertEquals(predictions.get(i).getOutput().getLabel(), scaledTest.get(i).getOutput().getLabel(), "same class, example " + i);
        }
        assertTrue(scaled.getProvenance().getInstanceProvenance().getMap().containsKey("temperature"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(scaled);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            TemperatureScaledModel back = (TemperatureScaledModel) in.readObject();
            assertEquals(scaled.temperature(), back.temperature(), 0.0);
            assertEquals(scaledTest.get(0).getOutputScores().get("class0").getScore(),
                    back.predict(test.getExample(0)).getOutputScores().get("class0").getScore(), 1e-12);
        }
    }

    @Test
    public void theEvaluatorWorksInTribuosCrossValidationAndAggregation() {
        MutableDataset<Label> data = SyntheticData.classification(300, 5);
        CrossValidation<Label, CalibrationEvaluation> cv = new CrossValidation<>(
                new LogisticRegressionTrainer(), data, new CalibrationEvaluator(10), 3, 1L);
        List<Pair<CalibrationEvaluation, Model<Label>>> folds = cv.evaluate();
        assertEquals(3, folds.size());
        Map<MetricID<Label>, DescriptiveStats> summary =
                EvaluationAggregator.summarizeCrossValidation(folds);
        double sum = 0;
        for (Pair<CalibrationEvaluation, Model<Label>> f : folds) {
            assertEquals(10, f.getA().calibration().reliability().size(), "the evaluator's 10 bins");
            sum += f.getA().calibration().expectedCalibrationError();
        }
        assertEquals(sum / 3, summary.get(CalibrationEvaluation.metric(CalibrationEvaluation.ECE)).getMean(), 1e-12);
        assertEquals(5, summary.size(), "nll, brier, ece, mce, accuracy");
    }

    @Test
    public void temperatureScaledModelProtobufRoundTrip() throws Exception {
        MutableDataset<Label> train = SyntheticData.classification(600, 1);
        MutableDataset<Label> test = SyntheticData.classification(300, 3);
        Model<Label> model = new LogisticRegressionTrainer().train(train);
        TemperatureScaledModel scaled = new TemperatureScaledModel("scaled", model, 1.7);
        ModelProto proto = scaled.serialize();
        Model<?> back = Model.deserialize(ModelProto.parseFrom(proto.toByteArray()));
        assertTrue(back instanceof TemperatureScaledModel, back.getClass().getName());
        TemperatureScaledModel b = (TemperatureScaledModel) back;
        assertEquals(1.7, b.temperature(), 0.0);
        assertEquals("scaled", b.getName());
        assertEquals(scaled.getProvenance(), b.getProvenance(), "provenance kept, not made anew");
        List<Prediction<Label>> expected = scaled.predict(test);
        List<Prediction<Label>> actual = b.predict(test);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).getOutput().getLabel(), actual.get(i).getOutput().getLabel());
            for (String c : new String[]{"class0", "class1", "class2"}) {
                assertEquals(expected.get(i).getOutputScores().get(c).getScore(), actual.get(i).getOutputScores().get(c).getScore(), 0.0,
                        "example " + i + " " + c);
            }
        }

        TemperatureScaledModelProto inner = proto.getSerializedData().unpack(TemperatureScaledModelProto.class);
        ModelProto negative = proto.toBuilder().setSerializedData(Any.pack(inner.toBuilder().setTemperature(-1).build())).build();
        Exception e = assertThrows(Exception.class, () -> Model.deserialize(negative));
        assertTrue(Messages.chain(e).contains("temperature = -1.0 is out of range"), Messages.chain(e));
        ModelProto future = proto.toBuilder().setVersion(TemperatureScaledModel.CURRENT_VERSION + 1).build();
        e = assertThrows(Exception.class, () -> Model.deserialize(future));
        assertTrue(Messages.chain(e).contains("Unknown version"), Messages.chain(e));
        MutableDataset<Label> twoClasses = new MutableDataset<>(train.getProvenance(), train.getOutputFactory());
        train.forEach(x -> {
            if (!x.getOutput().getLabel().equals("class2")) {
                twoClasses.add(x);
            }
        });
        Model<Label> other = new LogisticRegressionTrainer().train(twoClasses);
        ModelProto foreignInner = proto.toBuilder().setSerializedData(Any.pack(inner.toBuilder().setInner(other.serialize().toByteString())
                .build())).build();
        e = assertThrows(Exception.class, () -> Model.deserialize(foreignInner));
        assertTrue(Messages.chain(e).contains("are not the wrapped model's"), Messages.chain(e));
        ModelProto truncated = proto.toBuilder().setSerializedData(Any.pack(inner.toBuilder()
                .setInner(inner.getInner().substring(0, inner.getInner().size() / 2)).build())).build();
        assertThrows(Exception.class, () -> Model.deserialize(truncated));
    }

    @Test
    public void predictionsOfAClassOutsideTheDomainAreRefusedAndACopyKeepsItsProvenance() {
        MutableDataset<Label> train = SyntheticData.classification(300, 1);
        Model<Label> model = new LogisticRegressionTrainer().train(train);
        MutableDataset<Label> test = SyntheticData.classification(20, 3);
        ArrayExample<Label> stranger = new ArrayExample<>(new Label("class9"));
        test.getExample(0).forEach(f -> stranger.add(f.getName(), f.getValue()));
        List<Prediction<Label>> predictions = new ArrayList<>(model.predict(test));
        predictions.add(model.predict(stranger));
        for (Executable refused : new Executable[]{
            () -> TemperatureScaledModel.fit(model, predictions),
            () -> new CalibrationEvaluator().evaluate(model, predictions, test.getProvenance())}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, refused);
            assertTrue(e.getMessage().contains("prediction 20 has true label 'class9', not in the model's domain"), e.getMessage());
        }
        TemperatureScaledModel scaled = new TemperatureScaledModel("scaled", model, 2.5);
        Model<Label> copy = scaled.copy();
        assertEquals(scaled.getProvenance(), copy.getProvenance(), "a copy keeps the provenance it was given");
        assertEquals(scaled.predict(test.getExample(1)).getOutputScores().get("class1").getScore(),
                copy.predict(test.getExample(1)).getOutputScores().get("class1").getScore(), 0.0);
    }

    @Test
    public void badInputIsRefusedNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Calibration.of(P, Y, 0));
        assertTrue(e.getMessage().contains("bins = 0") && e.getMessage().contains(">= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[][]{{0.5, 0.5}}, new int[]{2}, 15));
        assertTrue(e.getMessage().contains("labels[0] = 2") && e.getMessage().contains("[0, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[][]{{1.5, -0.5}}, new int[]{0}, 15));
        assertTrue(e.getMessage().contains("probabilities[0][0] = 1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[][]{{Double.NaN, 1}}, new int[]{0}, 15));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[0][], new int[0], 15));
        assertTrue(e.getMessage().contains("at least one"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[][]{{0.5, 0.5}, {0.3, 0.3}}, new int[]{0, 1}, 15));
        assertTrue(e.getMessage().contains("probabilities[1] sums to 0.6") && e.getMessage().contains("within 0.001"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TemperatureScaling.fit(new double[][]{{0.9, 0.05}}, new int[]{0}));
        assertTrue(e.getMessage().contains("probabilities[0] sums to 0.95"), e.getMessage());
        // a float32 softmax's rounding is accepted
        assertEquals(1.0, Calibration.of(new double[][]{{0.5f + 1e-7, 0.5f}}, new int[]{0}, 15).accuracy(), 0.0);
        e = assertThrows(IllegalArgumentException.class, () -> TemperatureScaling.scale(new double[]{0.5, 0.5}, 0));
        assertTrue(e.getMessage().contains("temperature = 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CalibrationEvaluator(0));
    }
}
