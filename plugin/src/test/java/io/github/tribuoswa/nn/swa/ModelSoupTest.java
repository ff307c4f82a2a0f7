package io.github.tribuoswa.nn.swa;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.TriangularSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uniform and greedy soups: the weights are the mean of the ingredients kept, the greedy recipe
 * keeps exactly what does not lower the held-out score, BatchNorm is refreshed at the soup, the
 * provenance names the ingredients; the trainer form and its refusals.
 */
public class ModelSoupTest {

    private static FGETrainer<Label> fge(boolean batchNorm) {
        return FGETrainer.builder(new MLPFactory(new int[]{12}, Activation.RELU, 0, batchNorm), new DenseConverter(), new LabelConverter())
                .epochs(6).batchSize(16).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4)).schedule(new ConstantSchedule(0.05))
                .phaseStart(2).phaseSchedule(new TriangularSchedule(0.05, 0.005, 8)).cycleUnit(CycleUnit.ITERATIONS).seed(3L).device("cpu")
                .intraOpThreads(1).build();
    }

    @SuppressWarnings("unchecked")
    private static List<DJLModel<Label>> members(BatchedEnsembleModel<Label> e) {
        List<DJLModel<Label>> out = new ArrayList<>();
        for (Model<Label> m : e.getModels()) {
            out.add((DJLModel<Label>) m);
        }
        return out;
    }

    private static float[] all(DJLModel<?> model) {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            return WeightsCodec.decode(model.weights(), model.newNetwork(m));
        }
    }

    @Test
    public void theUniformSoupIsTheMeanOfItsIngredients() {
        FGETrainer<Label> t = fge(false);
        t.setProgressBar(false);
        List<DJLModel<Label>> ingredients = members(t.train(SWAFGETrainerTest.DATA));
        assertEquals(5, ingredients.size());
        ModelSoup.Soup<Label> soup = ModelSoup.uniform(ingredients, SWAFGETrainerTest.DATA, 32, null);
        float[] got = all(soup.model());
        double[] mean = new double[got.length];
        for (DJLModel<Label> m : ingredients) {
            float[] w = all(m);
            for (int j = 0; j < w.length; j++) {
                mean[j] += w[j] / 5.0;
            }
        }
        for (int j = 0; j < got.length; j++) {
            assertEquals(mean[j], got[j], 1e-6 * (1 + Math.abs(mean[j])), "weight " + j);
        }
        assertEquals(List.of(0, 1, 2, 3, 4), soup.kept());
        var run = soup.model().getProvenance().getInstanceProvenance().getMap();
        assertEquals("UNIFORM", run.get("soup-recipe").toString().replaceAll(".*=", ""));
        assertEquals(ingredients.get(3).getProvenance(), run.get("soup-ingredient-003"));
    }

    @Test
    public void theGreedySoupKeepsWhatDoesNotLowerTheHeldOutScore() {
        DJLTrainer<Label> sgd = DJLTrainer.builder(new MLPFactory(new int[]{12}, Activation.RELU, 0, false), new DenseConverter(),
                new LabelConverter()).epochs(6).batchSize(16).seed(3L).device("cpu").intraOpThreads(1).build();
        sgd.setProgressBar(false);
        DJLModel<Label> good = sgd.train(SWAFGETrainerTest.DATA);
        float[] noise = all(good);
        Random rng = new Random(1);
        for (int j = 0; j < noise.length; j++) {
            noise[j] = (float) (rng.nextGaussian() * 3);
        }
        DJLModel<Label> bad;
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            bad = good.withWeights("noise", WeightsCodec.encode(good.newNetwork(m), noise));
        }
        // ingredients: the noise first, then the good model twice; scores sorted: good (1), good (2), then noise
        List<DJLModel<Label>> ingredients = List.of(bad, good, good.withWeights("good-again", good.weights()));
        var score = SoupTrainer.heldOutScore(SWAFGETrainerTest.DATA);
        ModelSoup.Soup<Label> soup = ModelSoup.greedy(ingredients, score, SWAFGETrainerTest.DATA, 32, null);
        assertEquals(List.of(1, 2), soup.kept(), "both copies of the good model (the score does not drop), not the noise");
        assertEquals(score.applyAsDouble(bad), soup.scores().get(0), 0.0);
        assertEquals(score.applyAsDouble(good), soup.scores().get(1), 0.0);
        assertEquals(score.applyAsDouble(good), soup.soupScore(), 0.0);
        assertArrayEquals(all(good), all(soup.model()), "the mean of two copies of one model is that model");
        assertTrue(score.applyAsDouble(bad) < score.applyAsDouble(good));
    }

    @Test
    public void batchNormIsRefreshedAtTheSoup() {
        FGETrainer<Label> t = fge(true);
        t.setProgressBar(false);
        List<DJLModel<Label>> ingredients = members(t.train(SWAFGETrainerTest.DATA));
        DJLModel<Label> soup = ModelSoup.uniform(ingredients, SWAFGETrainerTest.DATA, 32, null).model();
        // independently: the averaged trainable weights in a fresh network, refreshed on the same data
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block block = soup.newNetwork(m);
            float[] sum = null;
            double[] acc = null;
            for (DJLModel<Label> i : ingredients) {
                float[] w = WeightsCodec.decode(i.weights(), block);
                if (acc == null) {
                    acc = new double[w.length];
                }
                for (int j = 0; j < w.length; j++) {
                    acc[j] += w[j];
                }
            }
            sum = new float[acc.length];
            for (int j = 0; j < acc.length; j++) {
                sum[j] = (float) (acc[j] / ingredients.size());
            }
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, sum);
            List<Example<Label>> ex = new ArrayList<>();
            SWAFGETrainerTest.DATA.forEach(ex::add);
            DenseData d = DenseData.of(ex, soup.featureConverter(), soup.outputConverter(), soup.getFeatureIDMap(), soup.getOutputIDInfo());
            BatchNormRefresh.refresh(block, m, d.features(), d.exampleShape(), 32);
            float[] expected = NetworkWeights.read(block, NetworkWeights.Selection.BUFFERS);
            Block got = soup.newNetwork(m);
            NetworkWeights.write(got, NetworkWeights.Selection.ALL, WeightsCodec.decode(soup.weights(), got));
            assertArrayEquals(expected, NetworkWeights.read(got, NetworkWeights.Selection.BUFFERS));
        }
    }

    @Test
    public void theTrainerFormAndItsRefusals() throws Exception {
        SoupTrainer<Label> uniform = new SoupTrainer<>(fge(false), SoupTrainer.Recipe.UNIFORM, 0.1, 1L);
        Model<Label> u = uniform.train(SWAFGETrainerTest.DATA);
        assertTrue(u instanceof DJLModel, u.getClass().toString());
        assertEquals(SoupTrainer.class.getName(), u.getProvenance().getTrainerProvenance().getClassName());
        SoupTrainer<Label> greedy = new SoupTrainer<>(fge(false), SoupTrainer.Recipe.GREEDY, 0.2, 1L);
        DJLModel<Label> g = (DJLModel<Label>) greedy.train(SWAFGETrainerTest.DATA);
        String kept = g.getProvenance().getInstanceProvenance().getMap().get("soup-kept").toString();
        assertTrue(kept.contains("["), kept);
        assertThrows(PropertyException.class, () -> new SoupTrainer<>(fge(false), SoupTrainer.Recipe.GREEDY, 1.0, 1L));
        DJLTrainer<Label> single = DJLTrainer.builder(new MLPFactory(new int[]{4}, Activation.RELU, 0, false), new DenseConverter(),
                new LabelConverter()).epochs(1).batchSize(32).seed(1L).device("cpu").intraOpThreads(1).build();
        PropertyException e = assertThrows(PropertyException.class, () -> new SoupTrainer<>(single, SoupTrainer.Recipe.UNIFORM, 0.1, 1L)
                .train(SWAFGETrainerTest.DATA));
        assertTrue(e.getMessage().contains("a trainer returning an ensemble of DJL models"), e.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ModelSoup.uniform(List.<DJLModel<Label>>of(), SWAFGETrainerTest.DATA, 32, null));
        assertTrue(empty.getMessage().contains("ingredients is empty"), empty.getMessage());
        DJLModel<Label> other = single.train(SWAFGETrainerTest.DATA);
        DJLModel<Label> one = members(fge(false).train(SWAFGETrainerTest.DATA)).get(0);
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> ModelSoup.uniform(List.of(one, other), SWAFGETrainerTest.DATA, 32, null));
        assertTrue(mixed.getMessage().contains("ingredient 1 differs from ingredient 0 (network MLPFactory(hiddenSizes=[4]"), mixed.getMessage());
        // the same network and features, but row 2 of the output layer is another class
        MutableDataset<Label> renamed = new MutableDataset<>(SWAFGETrainerTest.DATA.getProvenance(), new LabelFactory());
        for (Example<Label> x : SWAFGETrainerTest.DATA) {
            boolean moved = x.getOutput().getLabel().equals(SWAFGETrainerTest.DATA.getOutputIDInfo().getOutput(2).getLabel());
            ArrayExample<Label> copy = new ArrayExample<>(moved ? new Label("renamed") : x.getOutput());
            x.forEach(feature -> copy.add(feature.getName(), feature.getValue()));
            renamed.add(copy);
        }
        DJLModel<Label> stranger = members(fge(false).train(renamed)).get(0);
        mixed = assertThrows(IllegalArgumentException.class, () -> ModelSoup.uniform(List.of(one, stranger), SWAFGETrainerTest.DATA, 32, null));
        assertTrue(mixed.getMessage().contains("ingredient 1 differs from ingredient 0 (output "), mixed.getMessage());
        // the same network, standardised on other data
        FGETrainer<Label> standardised = FGETrainer.builder(new MLPFactory(new int[]{12}, Activation.RELU, 0, false), new DenseConverter(),
                new LabelConverter()).epochs(3).batchSize(16).standardise(true).schedule(new ConstantSchedule(0.05)).phaseStart(1)
                .phaseSchedule(new TriangularSchedule(0.05, 0.005, 8)).cycleUnit(CycleUnit.ITERATIONS).seed(3L).device("cpu").intraOpThreads(1)
                .build();
        MutableDataset<Label> shifted = new MutableDataset<>(SWAFGETrainerTest.DATA.getProvenance(), new LabelFactory());
        for (Example<Label> x : SWAFGETrainerTest.DATA) {
            ArrayExample<Label> copy = new ArrayExample<>(x.getOutput());
            x.forEach(feature -> copy.add(feature.getName(), feature.getValue() + 1));
            shifted.add(copy);
        }
        List<DJLModel<Label>> a = members(standardised.train(SWAFGETrainerTest.DATA));
        DJLModel<Label> b = members(standardised.train(shifted)).get(0);
        assertEquals(2, ModelSoup.uniform(a.subList(0, 2), SWAFGETrainerTest.DATA, 32, null).kept().size(), "one run's snapshots mix");
        mixed = assertThrows(IllegalArgumentException.class, () -> ModelSoup.uniform(List.of(a.get(0), b), SWAFGETrainerTest.DATA, 32, null));
        assertTrue(mixed.getMessage().contains("ingredient 1 differs from ingredient 0 (ingredient 1 standardises its inputs unlike ingredient 0"), mixed.getMessage());
        // different data of the same features, not standardised: they mix
        DJLModel<Label> plain = members(fge(false).train(shifted)).get(0);
        assertEquals(List.of(0, 1), ModelSoup.uniform(List.of(one, plain), SWAFGETrainerTest.DATA, 32, null).kept());
        // as many features, under other names
        MutableDataset<Label> otherFeatures = new MutableDataset<>(SWAFGETrainerTest.DATA.getProvenance(), new LabelFactory());
        for (Example<Label> x : SWAFGETrainerTest.DATA) {
            ArrayExample<Label> copy = new ArrayExample<>(x.getOutput());
            x.forEach(feature -> copy.add("other-" + feature.getName(), feature.getValue()));
            otherFeatures.add(copy);
        }
        DJLModel<Label> foreign = members(fge(false).train(otherFeatures)).get(0);
        mixed = assertThrows(IllegalArgumentException.class, () -> ModelSoup.uniform(List.of(one, foreign), SWAFGETrainerTest.DATA, 32, null));
        assertTrue(mixed.getMessage().contains("ingredient 1 differs from ingredient 0 (feature 0 is 'other-f0' in ingredient 1, 'f0' in ingredient 0)"), mixed.getMessage());
        SoupTrainer<?> xml = (SoupTrainer<?>) new ConfigurationManager(Path.of("..", "configs", "djl-soup.xml").toString()).lookup("trainer");
        assertTrue(xml.toString().contains("recipe=GREEDY"), xml.toString());
    }

    @Test
    public void aSoupSavesAndLoadsWithItsIngredientsProvenance(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        FGETrainer<Label> t = fge(true);
        t.setProgressBar(false);
        DJLModel<Label> soup = ModelSoup.uniform(members(t.train(SWAFGETrainerTest.DATA)), SWAFGETrainerTest.DATA, 32, null).model();
        for (io.github.tribuoswa.storage.ModelFiles.Format format : io.github.tribuoswa.storage.ModelFiles.Format.values()) {
            Path file = tmp.resolve("soup-" + format);
            io.github.tribuoswa.storage.ModelFiles.save(soup, file, format);
            @SuppressWarnings("unchecked")
            DJLModel<Label> back = io.github.tribuoswa.storage.ModelFiles.load(file, DJLModel.class);
            assertEquals(soup.getProvenance(), back.getProvenance(), format.toString());
            var a = soup.predict(SWAFGETrainerTest.DATA);
            var b = back.predict(SWAFGETrainerTest.DATA);
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).getOutputScores().toString(), b.get(i).getOutputScores().toString(), format + " example " + i);
            }
        }
    }
}
