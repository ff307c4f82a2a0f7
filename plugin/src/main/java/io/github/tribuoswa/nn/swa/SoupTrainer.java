package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;
import org.tribuo.regression.Regressor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.logging.Logger;

/**
 * A model soup (Wortsman et al. 2022) as a Tribuo trainer: it trains {@code trainer} (an
 * {@link FGETrainer}, whose snapshots are the ingredients, or an
 * {@link io.github.tribuoswa.ensemble.IndependentRunsTrainer} of network trainers, whose runs
 * are) and returns one network, {@link ModelSoup}'s uniform or greedy soup of the ensemble's
 * members, its BatchNorm statistics refreshed on the training data. The greedy soup holds out a
 * seeded {@code heldOutFraction} of the training data: the ingredients are trained on the rest and
 * scored on it (accuracy for labels, &minus;RMSE for regression). The model's provenance names this
 * trainer, the recipe, the ingredients kept and each ingredient's provenance.
 * @param <T> The output type.
 */
public final class SoupTrainer<T extends Output<T>> implements Trainer<T> {

    private static final Logger logger = Logger.getLogger(SoupTrainer.class.getName());

    /**
     * How the soup is made.
     */
    public enum Recipe {
        /** Every ingredient, averaged. */
        UNIFORM,
        /** Wortsman et al.'s greedy soup on held-out data. */
        GREEDY
    }

    @Config(mandatory = true, description = "The trainer of the ingredients: one returning an ensemble of DJL models (FGETrainer, "
            + "IndependentRunsTrainer of network trainers).")
    private Trainer<T> trainer;

    @Config(description = "UNIFORM or GREEDY.")
    private Recipe recipe = Recipe.UNIFORM;

    @Config(description = "GREEDY: the fraction of the training data held out to score the ingredients and soups, in (0, 1).")
    private double heldOutFraction = 0.1;

    @Config(description = "GREEDY: the seed of the held-out split.")
    private long seed = Trainer.DEFAULT_SEED;

    @Config(description = "Batch size of the soup's BatchNorm refresh (>= 1).")
    private int refreshBatchSize = 128;

    /**
     * For OLCUT.
     */
    private SoupTrainer() {}

    /**
     * A soup trainer.
     * @param trainer The trainer of the ingredients.
     * @param recipe UNIFORM or GREEDY.
     * @param heldOutFraction GREEDY's held-out fraction, in (0, 1).
     * @param seed GREEDY's split seed.
     */
    public SoupTrainer(Trainer<T> trainer, Recipe recipe, double heldOutFraction, long seed) {
        this.trainer = trainer;
        this.recipe = recipe;
        this.heldOutFraction = heldOutFraction;
        this.seed = seed;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "trainer", trainer);
        Checks.present(this, "recipe", recipe);
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw Checks.outOfRange(this, "heldOutFraction", heldOutFraction, "real in (0, 1)");
        }
        Checks.atLeast(this, "refreshBatchSize", refreshBatchSize, 1);
    }

    @Override
    public Model<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Model<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        Dataset<T> fit = examples;
        Dataset<T> heldOut = null;
        if (recipe == Recipe.GREEDY) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed));
            int held = (int) Math.round(heldOutFraction * examples.size());
            if (held < 1 || held >= examples.size()) {
                throw Checks.outOfRange(this, "heldOutFraction", heldOutFraction, "a fraction that holds out between 1 and n - 1 of the "
                        + examples.size() + " examples");
            }
            MutableDataset<T> f = new MutableDataset<>(examples.getProvenance(), examples.getOutputFactory());
            MutableDataset<T> h = new MutableDataset<>(examples.getProvenance(), examples.getOutputFactory());
            for (int r = 0; r < order.size(); r++) {
                (r < held ? h : f).add(examples.getExample(order.get(r)));
            }
            fit = f;
            heldOut = h;
        }
        Model<T> trained = trainer.train(fit, runProvenance, invocationCount);
        if (!(trained instanceof EnsembleModel)) {
            throw Checks.outOfRange(this, "trainer", trainer.getClass().getSimpleName(), "a trainer returning an ensemble of DJL models (it "
                    + "returned a " + trained.getClass().getSimpleName() + ")");
        }
        List<DJLModel<T>> ingredients = new ArrayList<>();
        for (Model<T> m : ((EnsembleModel<T>) trained).getModels()) {
            if (!(m instanceof DJLModel)) {
                throw Checks.outOfRange(this, "trainer", trainer.getClass().getSimpleName(), "a trainer whose ensemble members are DJL "
                        + "models (one is a " + m.getClass().getSimpleName() + ")");
            }
            ingredients.add((DJLModel<T>) m);
        }
        TrainerProvenance provenance = getProvenance();
        ModelSoup.Soup<T> soup;
        if (recipe == Recipe.UNIFORM) {
            soup = ModelSoup.uniform(ingredients, fit, refreshBatchSize, provenance);
        } else {
            Dataset<T> scoring = heldOut;
            soup = ModelSoup.greedy(ingredients, m -> score(m, scoring), fit, refreshBatchSize, provenance);
        }
        logger.info("Soup (" + recipe + ") of " + soup.kept().size() + " of " + ingredients.size() + " ingredients " + soup.kept()
                + (recipe == Recipe.GREEDY ? ", held-out score " + soup.soupScore() : ""));
        for (DJLModel<T> m : ingredients) {
            m.close();
        }
        return soup.model();
    }

    /** Accuracy for labels, minus the RMSE (over dimensions) for regression. */
    @SuppressWarnings("unchecked")
    static <T extends Output<T>> double score(Model<T> model, Dataset<T> data) {
        List<Prediction<T>> predictions = model.predict(data);
        if (model.validate(Label.class)) {
            long right = 0;
            for (Prediction<T> p : predictions) {
                if (((Label) p.getOutput()).getLabel().equals(((Label) p.getExample().getOutput()).getLabel())) {
                    right++;
                }
            }
            return (double) right / predictions.size();
        }
        if (model.validate(Regressor.class)) {
            double se = 0;
            long n = 0;
            for (Prediction<T> p : predictions) {
                Regressor predicted = (Regressor) p.getOutput();
                Regressor truth = (Regressor) p.getExample().getOutput();
                for (Regressor.DimensionTuple d : truth) {
                    double diff = predicted.getDimension(d.getName()).map(Regressor.DimensionTuple::getValue).orElse(Double.NaN) - d.getValue();
                    se += diff * diff;
                    n++;
                }
            }
            return -Math.sqrt(se / n);
        }
        throw new IllegalArgumentException("a soup's held-out score needs Label or Regressor outputs");
    }

    /**
     * The score function the greedy soup uses, for callers of {@link ModelSoup} directly.
     * @param data Held-out data.
     * @param <T> The output type.
     * @return Accuracy for labels, &minus;RMSE for regression.
     */
    public static <T extends Output<T>> ToDoubleFunction<Model<T>> heldOutScore(Dataset<T> data) {
        return m -> score(m, data);
    }

    @Override
    public int getInvocationCount() {
        return trainer.getInvocationCount();
    }

    @Override
    public void setInvocationCount(int invocationCount) {
        trainer.setInvocationCount(invocationCount);
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    @Override
    public String toString() {
        return "SoupTrainer(trainer=" + trainer + ",recipe=" + recipe + ",heldOutFraction=" + heldOutFraction + ",seed=" + seed
                + ",refreshBatchSize=" + refreshBatchSize + ")";
    }
}
