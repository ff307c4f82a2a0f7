package io.github.tribuoswa.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.oracle.labs.mlrg.olcut.provenance.primitives.BooleanProvenance;
import io.github.tribuoswa.Messages;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.RegressorConverter;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.Standardiser;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression targets are standardised per dimension on the training data (on by default),
 * stored in the model, inverted at prediction: learning rates stop depending on the targets'
 * units, and every prediction is exactly the network's output mapped back.
 */
public class TargetStandardisationTest {

    /** Means and scales of the three targets: the 150 ± 77, a tiny one and a large negative one. */
    private static final double[] CENTRE = {150, 0.002, -5000};
    private static final double[] SCALE = {77, 0.001, 2000};

    /**
     * Six standardised-scale features, three nonlinear targets on very different scales.
     */
    static MutableDataset<Regressor> scaledRegression(int n, long seed) {
        RegressionFactory factory = new RegressionFactory();
        MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance("scaled targets seed " + seed, factory), factory);
        Random rng = new Random(seed);
        for (int i = 0; i < n; i++) {
            double[] x = new double[6];
            for (int f = 0; f < x.length; f++) {
                x[f] = rng.nextGaussian();
            }
            double[] z = {x[0] - 0.5 * x[1] + 0.3 * x[2] * x[2], Math.tanh(x[3]) + 0.5 * x[4], x[5] - x[0] * x[1] * 0.5};
            double[] y = new double[3];
            for (int d = 0; d < 3; d++) {
                y[d] = CENTRE[d] + SCALE[d] * (z[d] + 0.1 * rng.nextGaussian());
            }
            ArrayExample<Regressor> e = new ArrayExample<>(new Regressor(new String[]{"a", "b", "c"}, y));
            for (int f = 0; f < x.length; f++) {
                e.add("x" + f, x[f]);
            }
            data.add(e);
        }
        return data;
    }

    private static DJLTrainer.Builder<Regressor> trainer(double lr) {
        return DJLTrainer.builder(new MLPFactory(new int[]{32}, Activation.RELU, 0, false), new DenseConverter(), new RegressorConverter())
                .epochs(30).batchSize(32).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(lr))
                .seed(3L).device("cpu").intraOpThreads(1).standardise(true);
    }

    private static <M extends Model<Regressor>> M quiet(Trainer<Regressor> t, MutableDataset<Regressor> data) {
        ((NetworkConfiguration<?>) t).setProgressBar(false);
        @SuppressWarnings("unchecked")
        M m = (M) t.train(data);
        return m;
    }

    @Test
    public void standardiserStatisticsAndInverseAreExact() {
        float[] v = {1, 10, 7, 3, 30, 7, 5, 50, 7};
        Standardiser s = Standardiser.fit(v, 3, 3);
        assertArrayEquals(new float[]{3, 30, 7}, s.mean());
        assertArrayEquals(new float[]{(float) Math.sqrt(8.0 / 3), (float) Math.sqrt(800.0 / 3), 1f}, s.std(), "zero variance -> std 1");
        float[] w = v.clone();
        s.apply(w);
        assertEquals((1 - 3) / (float) Math.sqrt(8.0 / 3), w[0], 0f);
        assertEquals(0f, w[2], 0f);
        s.invert(w);
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], w[i], 1e-5f * Math.abs(v[i]));
        }
        assertThrows(IllegalArgumentException.class, () -> s.invert(new float[4]));
        assertThrows(IllegalArgumentException.class, () -> Standardiser.fit(v, 4, 3));
    }

    @Test
    public void theModelStoresTheTrainingTargetsStatisticsAndPredictsTheNetworksOutputMappedBack() {
        MutableDataset<Regressor> data = scaledRegression(320, 1);
        DJLModel<Regressor> model = quiet(trainer(0.01).build(), data);
        Standardiser t = model.targetStandardiser();
        // independent: per dimension (in the model's id order), the population mean and std of the targets
        for (int d = 0; d < 3; d++) {
            String name = model.getOutputIDInfo().getOutput(d).getNames()[0];
            double sum = 0;
            double sq = 0;
            for (Example<Regressor> e : data) {
                double y = e.getOutput().getDimension(name).get().getValue();
                sum += (float) y;
                sq += (double) (float) y * (float) y;
            }
            double mean = sum / data.size();
            double std = Math.sqrt(sq / data.size() - mean * mean);
            assertEquals(mean, t.mean()[d], 1e-6 * Math.abs(mean) + 1e-9, name);
            assertEquals(std, t.std()[d], 1e-5 * std, name);
        }
        List<Example<Regressor>> some = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            some.add(data.getExample(i));
        }
        float[] x = DenseData.features(some, model.featureConverter(), model.getFeatureIDMap());
        model.standardiser().apply(x);
        float[] raw = model.forward(x, some.size());
        List<Prediction<Regressor>> predictions = model.predict(some);
        for (int i = 0; i < some.size(); i++) {
            for (int d = 0; d < 3; d++) {
                String name = model.getOutputIDInfo().getOutput(d).getNames()[0];
                float expected = raw[i * 3 + d] * t.std()[d] + t.mean()[d];
                assertEquals(expected, predictions.get(i).getOutput().getDimension(name).get().getValue(), 0.0, "example " + i + " " + name);
            }
        }
        // it learns every dimension, whatever its scale
        RegressionEvaluation eval = new RegressionEvaluator().evaluate(model, scaledRegression(200, 2));
        for (Regressor dim : model.getOutputIDInfo().getDomain()) {
            assertTrue(eval.r2(dim) > 0.8, dim.getNames()[0] + " R^2 = " + eval.r2(dim));
        }
        assertEquals(new BooleanProvenance("standardiseTargets", true),
                model.getProvenance().getTrainerProvenance().getConfiguredParameters().get("standardiseTargets"));
    }

    @Test
    public void withoutTargetStandardisationTheSameRateDivergesOrLearnsNothing() {
        MutableDataset<Regressor> data = scaledRegression(320, 1);
        DJLTrainer<Regressor> off = trainer(0.01).standardiseTargets(false).build();
        off.setProgressBar(false);
        try {
            DJLModel<Regressor> m = off.train(data);
            assertNull(m.targetStandardiser());
            RegressionEvaluation eval = new RegressionEvaluator().evaluate(m, scaledRegression(200, 2));
            double worst = Double.POSITIVE_INFINITY;
            for (Regressor dim : m.getOutputIDInfo().getDomain()) {
                worst = Math.min(worst, eval.r2(dim));
            }
            assertTrue(worst < 0.5, "on the targets' own scales one dimension is not learnt: worst R^2 " + worst);
        } catch (RuntimeException e) {
            assertTrue(Messages.chain(e).contains("Training diverged"), Messages.chain(e));
        }
        assertEquals(new BooleanProvenance("standardiseTargets", false),
                off.getProvenance().getConfiguredParameters().get("standardiseTargets"));
    }

    @Test
    public void serializationKeepsTheStatisticsAndThePredictions() throws Exception {
        MutableDataset<Regressor> data = scaledRegression(160, 4);
        DJLModel<Regressor> model = quiet(trainer(0.01).epochs(2).build(), data);
        @SuppressWarnings("unchecked")
        DJLModel<Regressor> back = (DJLModel<Regressor>) Model.deserialize(model.serialize());
        assertArrayEquals(model.targetStandardiser().mean(), back.targetStandardiser().mean());
        assertArrayEquals(model.targetStandardiser().std(), back.targetStandardiser().std());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        Object java;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            java = in.readObject();
        }
        @SuppressWarnings("unchecked")
        DJLModel<Regressor> viaJava = (DJLModel<Regressor>) java;
        List<Prediction<Regressor>> a = model.predict(data);
        List<Prediction<Regressor>> b = back.predict(data);
        List<Prediction<Regressor>> c = viaJava.predict(data);
        for (int i = 0; i < data.size(); i++) {
            assertArrayEquals(a.get(i).getOutput().getValues(), b.get(i).getOutput().getValues(), 0.0);
            assertArrayEquals(a.get(i).getOutput().getValues(), c.get(i).getOutput().getValues(), 0.0);
        }
        // a model whose statistics do not fit its outputs is refused
        ModelProto proto = model.serialize();
        io.github.tribuoswa.protos.DJLModelProto inner = proto.getSerializedData().unpack(io.github.tribuoswa.protos.DJLModelProto.class);
        ModelProto oneMissing = proto.toBuilder().setSerializedData(com.google.protobuf.Any.pack(inner.toBuilder().clearTargetStd()
                .addAllTargetStd(inner.getTargetStdList().subList(0, 2)).build())).build();
        String m1 = Messages.chain(assertThrows(RuntimeException.class, () -> Model.deserialize(oneMissing)));
        assertTrue(m1.contains("3 target_mean values but 2 target_std"), m1);
        ModelProto narrow = proto.toBuilder().setSerializedData(com.google.protobuf.Any.pack(inner.toBuilder().clearTargetStd().clearTargetMean()
                .addTargetMean(1).addTargetStd(1).build())).build();
        String m2 = Messages.chain(assertThrows(RuntimeException.class, () -> Model.deserialize(narrow)));
        assertTrue(m2.contains("1 target statistics for 3 outputs"), m2);
    }

    @Test
    public void classificationIsNeverStandardisedAndAMismatchedConverterIsRefused() {
        MutableDataset<Label> labels = SyntheticData.classification(64, 5);
        DJLTrainer<Label> classifier = DJLTrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, false), new DenseConverter(),
                new LabelConverter()).epochs(1).batchSize(32).seed(1L).device("cpu").intraOpThreads(1).build();
        classifier.setProgressBar(false);
        assertNull(classifier.train(labels).targetStandardiser());
        @SuppressWarnings({"unchecked", "rawtypes"})
        DJLTrainer<Label> wrong = (DJLTrainer) DJLTrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, false),
                new DenseConverter(), new RegressorConverter()).epochs(1).batchSize(32).seed(1L).device("cpu").intraOpThreads(1).build();
        String m = Messages.chain(assertThrows(IllegalArgumentException.class, () -> wrong.train(labels)));
        assertTrue(m.contains("outputConverter = RegressorConverter() is for Regressor outputs, but the dataset's outputs are Label"), m);
    }

    @Test
    public void swaOnATabularBatchNormNetworkRefreshesTheStatisticsAtTheAverage() {
        MutableDataset<Regressor> data = scaledRegression(160, 6); // 5 batches of 32: the mean of batch means is the mean
        int h = 16;
        SWATrainer<Regressor> swa = SWATrainer.builder(new MLPFactory(new int[]{h}, Activation.RELU, 0.1, true), new DenseConverter(),
                        new RegressorConverter()).epochs(6).batchSize(32).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0))
                .schedule(new ConstantSchedule(0.02)).phaseStart(3).phaseSchedule(new ConstantSchedule(0.01, 1)).cycleUnit(CycleUnit.EPOCHS)
                .batchNormMode(BatchNormMode.REFRESH).seed(2L).device("cpu").intraOpThreads(1).standardise(true).build();
        DJLModel<Regressor> model = quiet(swa, data);
        List<Example<Regressor>> all = new ArrayList<>();
        data.forEach(all::add);
        float[] x = DenseData.features(all, model.featureConverter(), model.getFeatureIDMap());
        model.standardiser().apply(x);
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            Block block = model.newNetwork(manager);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
            float[] trainable = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
            float[] buffers = NetworkWeights.read(block, NetworkWeights.Selection.BUFFERS);
            assertEquals(2 * h, buffers.length, "running mean and variance of the one BatchNorm layer");
            int d = 6;
            // the first layer's pre-activations at w_SWA (weight h x d, then bias h), averaged over the training data
            for (int j = 0; j < h; j++) {
                double mean = 0;
                for (int i = 0; i < all.size(); i++) {
                    double a = trainable[d * h + j];
                    for (int f = 0; f < d; f++) {
                        a += trainable[j * d + f] * x[i * d + f];
                    }
                    mean += a / all.size();
                }
                assertEquals(mean, buffers[j], 1e-4 * (1 + Math.abs(mean)), "running mean " + j);
            }
        }
        assertTrue(model.targetStandardiser() != null);
        double r2 = new RegressionEvaluator().evaluate(model, scaledRegression(200, 7)).averageR2();
        assertTrue(r2 > 0.5, "SWA's tabular regression learns: average R^2 " + r2);
    }

    @Test
    public void swagForRegressionPredictsTheMeanOfItsSamplesValuesInTheTargetsUnits() {
        MutableDataset<Regressor> data = scaledRegression(160, 8);
        io.github.tribuoswa.nn.swa.SWAGTrainer<Regressor> swag = io.github.tribuoswa.nn.swa.SWAGTrainer.builder(
                        new MLPFactory(new int[]{16}, Activation.RELU, 0, true), new DenseConverter(), new RegressorConverter())
                .epochs(6).batchSize(32).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.02))
                .phaseStart(3).phaseSchedule(new ConstantSchedule(0.01, 1)).cycleUnit(CycleUnit.EPOCHS).samples(4).maxRank(5)
                .sampleSeed(1L).seed(2L).device("cpu").intraOpThreads(1).standardise(true).build();
        org.tribuo.ensemble.EnsembleModel<Regressor> model = quiet(swag, data);
        assertEquals(4, model.getNumModels());
        List<Example<Regressor>> some = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            some.add(data.getExample(i));
        }
        List<Prediction<Regressor>> combined = model.predict(some);
        for (int i = 0; i < some.size(); i++) {
            for (Regressor dim : model.getOutputIDInfo().getDomain()) {
                String name = dim.getNames()[0];
                double mean = 0;
                for (Model<Regressor> member : model.getModels()) {
                    assertTrue(((DJLModel<Regressor>) member).targetStandardiser() != null, "every sample maps back to the targets' units");
                    mean += member.predict(some.get(i)).getOutput().getDimension(name).get().getValue() / model.getNumModels();
                }
                assertEquals(mean, combined.get(i).getOutput().getDimension(name).get().getValue(), 1e-6 * (1 + Math.abs(mean)), name);
            }
        }
    }

    @Test
    public void emaLawaAndSoupsOfRegressorsPredictInTheTargetsUnits() {
        MutableDataset<Regressor> data = scaledRegression(320, 9);
        MutableDataset<Regressor> test = scaledRegression(200, 10);
        MLPFactory net = new MLPFactory(new int[]{32}, Activation.RELU, 0, false);
        io.github.tribuoswa.nn.swa.EMATrainer<Regressor> ema = io.github.tribuoswa.nn.swa.EMATrainer.builder(net, new DenseConverter(),
                        new RegressorConverter()).epochs(30).batchSize(32).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0))
                .schedule(new ConstantSchedule(0.01)).decay(new io.github.tribuoswa.averaging.EmaDecay(0.99,
                        io.github.tribuoswa.averaging.EmaDecay.Warmup.TIMM, 0, 1, 0.75)).seed(3L).device("cpu").intraOpThreads(1)
                .standardise(true).build();
        DJLModel<Regressor> e = quiet(ema, data);
        assertTrue(e.targetStandardiser() != null);
        assertTrue(new RegressionEvaluator().evaluate(e, test).averageR2() > 0.8, "EMA");
        io.github.tribuoswa.nn.swa.LAWATrainer<Regressor> lawa = io.github.tribuoswa.nn.swa.LAWATrainer.builder(net, new DenseConverter(),
                        new RegressorConverter()).epochs(30).batchSize(32).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0))
                .schedule(new ConstantSchedule(0.01)).latest(5).every(1, CycleUnit.EPOCHS).seed(3L).device("cpu").intraOpThreads(1)
                .standardise(true).build();
        assertTrue(new RegressionEvaluator().evaluate(quiet(lawa, data), test).averageR2() > 0.8, "LAWA");
        io.github.tribuoswa.nn.swa.FGETrainer<Regressor> fge = io.github.tribuoswa.nn.swa.FGETrainer.builder(net, new DenseConverter(),
                        new RegressorConverter()).epochs(30).batchSize(32).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0))
                .schedule(new ConstantSchedule(0.01)).phaseStart(25).phaseSchedule(new io.github.tribuoswa.schedule.TriangularSchedule(0.01,
                        0.001, 4)).cycleUnit(CycleUnit.ITERATIONS).seed(3L).device("cpu").intraOpThreads(1).standardise(true).build();
        io.github.tribuoswa.nn.swa.SoupTrainer<Regressor> soup = new io.github.tribuoswa.nn.swa.SoupTrainer<>(fge,
                io.github.tribuoswa.nn.swa.SoupTrainer.Recipe.GREEDY, 0.2, 1L);
        DJLModel<Regressor> s = (DJLModel<Regressor>) soup.train(data);
        assertTrue(s.targetStandardiser() != null, "the soup keeps the targets' standardisation");
        assertTrue(new RegressionEvaluator().evaluate(s, test).averageR2() > 0.8, "greedy soup (scored by -RMSE)");
    }
}
