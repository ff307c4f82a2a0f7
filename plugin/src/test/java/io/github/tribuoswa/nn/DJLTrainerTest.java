package io.github.tribuoswa.nn;

import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.RegressorConverter;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.Initialisation;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.AdamFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.CyclicSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluator;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DJLTrainer on synthetic data: it learns, it is deterministic, its provenance rebuilds it,
 * and bad input is rejected clearly.
 */
public class DJLTrainerTest {

    static DJLTrainer<Label> classifier(int epochs, long seed) {
        return new DJLTrainer<>(new MLPFactory(new int[]{16}, Activation.RELU, 0.1, true), new DenseConverter(), new LabelConverter(),
                epochs, 32, new SGDFactory(SGD.Momentum.NESTEROV, 0.9, 1e-4), new CyclicSchedule(0.05, 0.01, 5), seed, "cpu", 1, true);
    }

    static double nll(List<Prediction<Label>> predictions) {
        double sum = 0;
        for (Prediction<Label> p : predictions) {
            sum -= Math.log(p.getOutputScores().get(p.getExample().getOutput().getLabel()).getScore());
        }
        return sum / predictions.size();
    }

    @Test
    public void classificationLearns() {
        MutableDataset<Label> data = SyntheticData.classification(300, 1);
        DJLModel<Label> short1 = classifier(1, 1L).train(data);
        DJLModel<Label> longer = classifier(8, 1L).train(data);
        double before = nll(short1.predict(data));
        double after = nll(longer.predict(data));
        assertTrue(after < before, "loss did not decrease: " + before + " -> " + after);
        double accuracy = new LabelEvaluator().evaluate(longer, data).accuracy();
        assertTrue(accuracy > 0.8, "accuracy " + accuracy + " (chance is 0.33)");
        assertTrue(longer.generatesProbabilities());
        for (Prediction<Label> p : longer.predict(data)) {
            double total = p.getOutputScores().values().stream().mapToDouble(Label::getScore).sum();
            assertEquals(1.0, total, 1e-5);
        }
    }

    @Test
    public void regressionBeatsTheMeanPredictor() {
        MutableDataset<Regressor> data = SyntheticData.regression(300, 2);
        DJLTrainer<Regressor> trainer = new DJLTrainer<>(new MLPFactory(new int[]{16}, Activation.TANH, 0, false), new DenseConverter(),
                new RegressorConverter(), 20, 32, new AdamFactory(), new ConstantSchedule(0.01), 1L, "cpu", 1, false);
        DJLModel<Regressor> model = trainer.train(data);
        double rmse = new RegressionEvaluator().evaluate(model, data).averageRMSE();
        // the mean predictor's RMSE per dimension is the targets' standard deviation
        double[] sum = new double[2];
        double[] sq = new double[2];
        for (Example<Regressor> e : data) {
            double[] v = e.getOutput().getValues();
            String[] names = e.getOutput().getNames();
            for (int d = 0; d < 2; d++) {
                int k = names[d].equals("y1") ? 0 : 1;
                sum[k] += v[d];
                sq[k] += v[d] * v[d];
            }
        }
        double meanRmse = 0;
        for (int k = 0; k < 2; k++) {
            double m = sum[k] / data.size();
            meanRmse += Math.sqrt(sq[k] / data.size() - m * m) / 2;
        }
        assertTrue(rmse < 0.5 * meanRmse, "rmse " + rmse + " vs mean predictor " + meanRmse);
    }

    @Test
    public void sameSeedGivesTheSameWeights() {
        MutableDataset<Label> data = SyntheticData.classification(150, 3);
        byte[] a = classifier(2, 7L).train(data).weights().getValues().toByteArray();
        byte[] b = classifier(2, 7L).train(data).weights().getValues().toByteArray();
        byte[] c = classifier(2, 8L).train(data).weights().getValues().toByteArray();
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c), "another seed gives other weights");
    }

    @Test
    public void provenanceRebuildsTheTrainerWithIdenticalWeights() {
        MutableDataset<Label> data = SyntheticData.classification(150, 4);
        DJLModel<Label> model = classifier(2, 5L).train(data);
        rebuildsIdentically(model, data);
    }

    @Test
    public void djlInitialisationIsRecordedAndRebuiltAndTorchsIsTheDefault() {
        MutableDataset<Label> data = SyntheticData.classification(150, 4);
        DJLTrainer<Label> trainer = classifier(2, 5L);
        trainer.setInitialisation(Initialisation.DJL);
        DJLModel<Label> model = trainer.train(data);
        DJLModel<Label> byDefault = classifier(2, 5L).train(data);
        assertEquals("PYTORCH", byDefault.getProvenance().getTrainerProvenance().getConfiguredParameters().get("initialisation").toString());
        assertEquals("DJL", model.getProvenance().getTrainerProvenance().getConfiguredParameters().get("initialisation").toString());
        assertTrue(!java.util.Arrays.equals(byDefault.weights().getValues().toByteArray(),
                model.weights().getValues().toByteArray()), "DJL's draw starts elsewhere than torch.nn's");
        rebuildsIdentically(model, data);
    }

    private static void rebuildsIdentically(DJLModel<Label> model, MutableDataset<Label> data) {
        List<ConfigurationData> config = ProvenanceUtil.extractConfiguration(model.getProvenance());
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(config);
        String name = config.stream().filter(c -> c.getClassName().equals(DJLTrainer.class.getName())).findFirst().orElseThrow().getName();
        @SuppressWarnings("unchecked")
        Trainer<Label> rebuilt = (Trainer<Label>) cm.lookup(name);
        DJLModel<Label> again = (DJLModel<Label>) rebuilt.train(data);
        assertArrayEquals(model.weights().getValues().toByteArray(), again.weights().getValues().toByteArray());
        assertEquals(model.getProvenance().getTrainerProvenance(), again.getProvenance().getTrainerProvenance());
    }

    @Test
    public void badInputIsRejectedClearly() {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> empty = new MutableDataset<>(new SimpleDataSourceProvenance("empty", factory), factory);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier(1, 1L).train(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());

        DJLTrainer<Label> images = new DJLTrainer<>(new MLPFactory(new int[]{4}, Activation.RELU, 0, false), new ImageConverter(1, 2, 2),
                new LabelConverter(), 1, 8, new SGDFactory(), new ConstantSchedule(0.01), 1L, "cpu", 1, false);
        e = assertThrows(IllegalArgumentException.class, () -> images.train(SyntheticData.classification(30, 1)));
        assertTrue(e.getMessage().contains("'f0'") && e.getMessage().contains("1x2x2"), e.getMessage());

        PropertyException p = assertThrows(PropertyException.class, () -> new DJLTrainer<>(new MLPFactory(new int[]{4}, Activation.RELU, 0, false),
                new DenseConverter(), new LabelConverter(), 1, 8, new SGDFactory(), new ConstantSchedule(0.01), 1L, "tpu", 1, false));
        assertEquals("device", p.getProperty());
        assertTrue(p.getMessage().contains("tpu") && p.getMessage().contains("auto, cpu, gpu"), p.getMessage());

        p = assertThrows(PropertyException.class, () -> new DJLTrainer<>(new MLPFactory(new int[]{4}, Activation.RELU, 0, false),
                new DenseConverter(), new LabelConverter(), 1, 0, new SGDFactory(), new ConstantSchedule(0.01), 1L, "cpu", 1, false));
        assertEquals("batchSize", p.getProperty());
        assertTrue(p.getMessage().contains("batchSize = 0"), p.getMessage());

        assertEquals("epochs", assertThrows(PropertyException.class, () -> new DJLTrainer<>(new MLPFactory(new int[]{4}, Activation.RELU, 0, false),
                new DenseConverter(), new LabelConverter(), 0, 8, new SGDFactory(), new ConstantSchedule(0.01), 1L, "cpu", 1, false)).getProperty());

        if (Engines.pytorch().getGpuCount() == 0) {
            DJLTrainer<Label> gpu = new DJLTrainer<>(new MLPFactory(new int[]{4}, Activation.RELU, 0, false), new DenseConverter(),
                    new LabelConverter(), 1, 8, new SGDFactory(), new ConstantSchedule(0.01), 1L, "gpu", 1, false);
            p = assertThrows(PropertyException.class, () -> gpu.train(SyntheticData.classification(30, 1)));
            assertTrue(p.getMessage().contains("device = gpu") && p.getMessage().contains("0 GPU"), p.getMessage());
        }
    }
}
