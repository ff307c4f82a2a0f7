package io.github.tribuoswa.nn.swa;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.RegressorConverter;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.regression.Regressor;
import org.tribuo.test.Helpers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SWA and FGE trainers for DJL networks, checked against weights captured independently at the
 * steps the papers name.
 */
public class SWAFGETrainerTest {

    // 150 examples, batch 16: 10 steps an epoch
    static final int STEPS_PER_EPOCH = 10;
    static final MutableDataset<Label> DATA = SyntheticData.classification(150, 11);

    static MLPFactory mlp() {
        return new MLPFactory(new int[]{12}, Activation.TANH, 0, false);
    }

    static SWATrainer<Label> swa(Averaging averaging, boolean countStart, int cycle, CycleUnit unit, BatchNormMode bn) {
        return new SWATrainer<>(mlp(), new DenseConverter(), new LabelConverter(), 6, 16,
                new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4), new ConstantSchedule(0.05), 2, 0.05, 0.01, cycle, unit,
                averaging, 0.8, countStart, bn, "", 3L, "cpu", 1, false);
    }

    private static float[] trainable(DJLModel<?> model) {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block block = model.newNetwork(m);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
            return NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
        }
    }

    private static void assertClose(double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], tol * (1 + Math.abs(expected[j])), "weight " + j);
        }
    }

    @Test
    public void swaModelHoldsTheMeanOfAlgorithm1Snapshots() {
        long s = 2 * STEPS_PER_EPOCH;
        WeightProbe probe = new WeightProbe(k -> k == s || (k > s && (k - s) % 5 == 0), NetworkWeights.Selection.TRAINABLE, 60);
        SWATrainer<Label> trainer = swa(Averaging.EQUAL, true, 5, CycleUnit.ITERATIONS, BatchNormMode.NONE);
        trainer.addObserver(probe);
        DJLModel<Label> model = trainer.train(DATA);
        assertEquals(9, probe.snapshots.size(), probe.snapshots.keySet().toString()); // 20 (w-hat), 25, ..., 60
        assertClose(probe.mean(), trainable(model), 1e-6);
    }

    @Test
    public void emaAndUncountedStartFollowTheirDefinitions() {
        long s = 2 * STEPS_PER_EPOCH;
        WeightProbe probe = new WeightProbe(k -> k > s && (k - s) % STEPS_PER_EPOCH == 0, NetworkWeights.Selection.TRAINABLE, 60);
        SWATrainer<Label> trainer = swa(Averaging.EMA, false, 1, CycleUnit.EPOCHS, BatchNormMode.NONE);
        trainer.addObserver(probe);
        DJLModel<Label> model = trainer.train(DATA);
        assertEquals(4, probe.snapshots.size()); // 30, 40, 50, 60
        double[] ema = null;
        for (float[] w : probe.snapshots.values()) {
            if (ema == null) {
                ema = new double[w.length];
                for (int j = 0; j < w.length; j++) {
                    ema[j] = w[j];
                }
            } else {
                for (int j = 0; j < w.length; j++) {
                    ema[j] = 0.8 * ema[j] + 0.2 * w[j];
                }
            }
        }
        assertClose(ema, trainable(model), 1e-6);
    }

    static FGETrainer<Label> fge(int cycle, CycleUnit unit) {
        return new FGETrainer<>(mlp(), new DenseConverter(), new LabelConverter(), 6, 16,
                new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4), new ConstantSchedule(0.05), 2, 0.05, 0.005, cycle, unit, "",
                3L, "cpu", 1);
    }

    @Test
    public void fgeSnapshotsAreTakenExactlyAtCycleMidpoints() {
        long s = 2 * STEPS_PER_EPOCH;
        int c = 8;
        WeightProbe probe = new WeightProbe(k -> k > s && (k - s) % c == c / 2, NetworkWeights.Selection.ALL, 60);
        FGETrainer<Label> trainer = fge(c, CycleUnit.ITERATIONS);
        trainer.addObserver(probe);
        BatchedEnsembleModel<Label> ensemble = trainer.train(DATA);
        // mid-points after step 20 with c = 8: 24, 32, 40, 48, 56
        assertEquals(List.of(24L, 32L, 40L, 48L, 56L), new ArrayList<>(probe.snapshots.keySet()));
        assertEquals(5, ensemble.getNumModels());
        int i = 0;
        for (Map.Entry<Long, float[]> e : probe.snapshots.entrySet()) {
            DJLModel<?> member = (DJLModel<?>) ensemble.getModels().get(i++);
            assertTrue(member.getName().endsWith("-step-" + e.getKey()), member.getName());
            try (NDManager m = Engines.pytorch().newBaseManager()) {
                assertArrayEquals(e.getValue(), WeightsCodec.decode(member.weights(), member.newNetwork(m)));
            }
        }
    }

    @Test
    public void ensembleProbabilitiesAreTheMeanOfTheMembers() throws Exception {
        BatchedEnsembleModel<Label> ensemble = fge(8, CycleUnit.ITERATIONS).train(DATA);
        List<Prediction<Label>> combined = ensemble.predict(DATA);
        List<List<Prediction<Label>>> members = new ArrayList<>();
        for (Model<Label> m : ensemble.getModels()) {
            members.add(m.predict(DATA));
        }
        for (int e = 0; e < DATA.size(); e++) {
            for (String label : combined.get(e).getOutputScores().keySet()) {
                double mean = 0;
                for (List<Prediction<Label>> p : members) {
                    mean += p.get(e).getOutputScores().get(label).getScore();
                }
                mean /= members.size();
                assertEquals(mean, combined.get(e).getOutputScores().get(label).getScore(), 1e-6);
            }
        }
        // protobuf and Java serialization of the ensemble predict the same
        Model<Label> proto = Helpers.testModelProtoSerialization(ensemble, Label.class, DATA);
        assertTrue(Helpers.predictionListDistributionEquals(combined, proto.predict(DATA), 0.0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ensemble);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            Model<Label> java = (Model<Label>) in.readObject();
            assertTrue(Helpers.predictionListDistributionEquals(combined, java.predict(DATA), 0.0));
        }
        String provenance = ensemble.getProvenance().toString();
        assertTrue(provenance.contains("FGETrainer") && provenance.contains("alpha2") && provenance.contains("member"), provenance);
    }

    @Test
    public void regressionEnsembleAveragesValues() {
        MutableDataset<Regressor> reg = SyntheticData.regression(150, 12);
        FGETrainer<Regressor> trainer = new FGETrainer<>(mlp(), new DenseConverter(), new RegressorConverter(), 4, 16,
                new SGDFactory(), new ConstantSchedule(0.01), 1, 0.01, 0.002, 4, CycleUnit.ITERATIONS, "", 3L, "cpu", 1);
        BatchedEnsembleModel<Regressor> ensemble = trainer.train(reg);
        List<Prediction<Regressor>> combined = ensemble.predict(reg);
        for (int e = 0; e < 10; e++) {
            double[] mean = new double[2];
            for (Model<Regressor> m : ensemble.getModels()) {
                Regressor r = m.predict(reg.getExample(e)).getOutput();
                for (int d = 0; d < 2; d++) {
                    mean[d] += r.getValues()[d] / ensemble.getNumModels();
                }
            }
            assertArrayEquals(mean, combined.get(e).getOutput().getValues(), 1e-6);
        }
    }

    @Test
    public void provenanceRebuildsTheSwaTrainerWithIdenticalWeights() {
        DJLModel<Label> model = swa(Averaging.EQUAL, true, 1, CycleUnit.EPOCHS, BatchNormMode.REFRESH).train(DATA);
        List<ConfigurationData> config = ProvenanceUtil.extractConfiguration(model.getProvenance());
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(config);
        String name = config.stream().filter(c -> c.getClassName().equals(SWATrainer.class.getName())).findFirst().orElseThrow().getName();
        @SuppressWarnings("unchecked")
        Trainer<Label> rebuilt = (Trainer<Label>) cm.lookup(name);
        DJLModel<Label> again = (DJLModel<Label>) rebuilt.train(DATA);
        assertArrayEquals(model.weights().getValues().toByteArray(), again.weights().getValues().toByteArray());
        String provenance = model.getProvenance().toString();
        assertTrue(provenance.contains("phaseSchedule") && provenance.contains("CyclicSchedule") && provenance.contains("batchNormMode"), provenance);
    }

    @Test
    public void swaStartsFromAPreTrainedModel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        DJLModel<Label> pretrained = new io.github.tribuoswa.nn.DJLTrainer<>(mlp(), new DenseConverter(), new LabelConverter(), 3, 16,
                new SGDFactory(), new ConstantSchedule(0.05), 5L, "cpu", 1, false).train(DATA);
        java.nio.file.Path file = tmp.resolve("pretrained.tribuo");
        io.github.tribuoswa.storage.ModelFiles.save(pretrained, file);
        WeightProbe probe = new WeightProbe(k -> k == 0, NetworkWeights.Selection.TRAINABLE, 20);
        SWATrainer<Label> trainer = new SWATrainer<>(mlp(), new DenseConverter(), new LabelConverter(), 2, 16,
                new SGDFactory(), new ConstantSchedule(0.05), 0, 0.01, 0.01, 1, CycleUnit.EPOCHS, Averaging.EQUAL, 0.9, true,
                BatchNormMode.NONE, file.toString(), 3L, "cpu", 1, false);
        trainer.addObserver(probe);
        DJLModel<Label> model = trainer.train(DATA);
        assertArrayEquals(trainable(pretrained), probe.snapshots.get(0L), "w-hat is the pre-trained network");
        assertTrue(model.getProvenance().toString().contains("pretrained.tribuo"));
        SWATrainer<Label> wrongShape = new SWATrainer<>(new MLPFactory(new int[]{5}, Activation.TANH, 0, false), new DenseConverter(),
                new LabelConverter(), 2, 16, new SGDFactory(), new ConstantSchedule(0.05), 0, 0.01, 0.01, 1, CycleUnit.EPOCHS,
                Averaging.EQUAL, 0.9, true, BatchNormMode.NONE, file.toString(), 3L, "cpu", 1, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wrongShape.train(DATA));
        assertTrue(e.getMessage().contains("initialModel = " + file) && e.getMessage().contains("does not fit"), e.getMessage());
        // the same network, on data whose input columns or output rows are numbered otherwise: refused; other values of the same
        // features and classes (fine-tuning on new data): accepted
        String moved = DATA.getOutputIDInfo().getOutput(1).getLabel();
        for (String change : new String[]{"features", "classes", "values"}) {
            MutableDataset<Label> other = new MutableDataset<>(DATA.getProvenance(), DATA.getOutputFactory());
            for (org.tribuo.Example<Label> x : DATA) {
                Label y = change.equals("classes") && x.getOutput().getLabel().equals(moved) ? new Label("renamed") : x.getOutput();
                org.tribuo.impl.ArrayExample<Label> copy = new org.tribuo.impl.ArrayExample<>(y);
                x.forEach(f -> copy.add(change.equals("features") ? "g-" + f.getName() : f.getName(),
                        change.equals("values") ? 2 * f.getValue() : f.getValue()));
                other.add(copy);
            }
            if (change.equals("values")) {
                WeightProbe start = new WeightProbe(k -> k == 0, NetworkWeights.Selection.TRAINABLE, 20);
                trainer.addObserver(start);
                trainer.train(other);
                assertArrayEquals(trainable(pretrained), start.snapshots.get(0L), "fine-tuning on new values starts at w-hat");
                continue;
            }
            e = assertThrows(IllegalArgumentException.class, () -> trainer.train(other));
            assertTrue(e.getMessage().contains("initialModel = " + file + " numbers its inputs or outputs unlike the training data ("
                    + (change.equals("features") ? "feature 0 is 'g-f0' in the training data, 'f0' in initialModel" : "output ")), e.getMessage());
        }
    }

    @Test
    public void badHyperParametersNameTheParameterAndRange() {
        PropertyException e = assertThrows(PropertyException.class, () -> new SWATrainer<>(mlp(), new DenseConverter(), new LabelConverter(), 6, 16,
                new SGDFactory(), new ConstantSchedule(0.05), 6, 0.05, 0.01, 1, 3L, "cpu", 1));
        assertEquals("phaseStart", e.getProperty());
        assertTrue(e.getMessage().contains("[0, epochs - 1 = 5]"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new SWATrainer<>(mlp(), new DenseConverter(), new LabelConverter(), 6, 16,
                new SGDFactory(), new ConstantSchedule(0.05), 2, 0.01, 0.05, 1, 3L, "cpu", 1));
        assertEquals("alpha1", e.getProperty()); // CyclicSchedule(0.01, 0.05): α1 < α2
        e = assertThrows(PropertyException.class, () -> new FGETrainer<>(mlp(), new DenseConverter(), new LabelConverter(), 6, 16,
                new SGDFactory(), new ConstantSchedule(0.05), 2, 0.05, 0.005, 7, CycleUnit.ITERATIONS, "", 3L, "cpu", 1));
        assertEquals("cycleLength", e.getProperty());
        assertTrue(e.getMessage().contains("even"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new FGETrainer<>(mlp(), new DenseConverter(), new LabelConverter(), 6, 16,
                new SGDFactory(), new ConstantSchedule(0.05), 2, 0.001, 0.005, 2, CycleUnit.EPOCHS, "", 3L, "cpu", 1));
        assertEquals("alpha1", e.getProperty());
    }
}
