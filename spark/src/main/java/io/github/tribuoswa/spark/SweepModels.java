package io.github.tribuoswa.spark;

import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.swa.ModelSoup;
import io.github.tribuoswa.nn.swa.SoupTrainer;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the driver builds from a sweep's results: the best model by its test score, an ensemble
 * of the models (a Tribuo ensemble that predicts in batches; MultiSWAG or independent SWA runs
 * when the variations are seeds of SWAG or SWA), or a soup of them ({@link ModelSoup}). Failed
 * variations are left out; none left is an error naming the failures.
 */
public final class SweepModels {

    private SweepModels() {}

    private static List<SweepJob.Result> succeeded(List<SweepJob.Result> results) {
        List<SweepJob.Result> ok = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (SweepJob.Result r : results) {
            if (r.succeeded()) {
                ok.add(r);
            } else {
                failed.add(r.name() + " (" + r.error() + ")");
            }
        }
        if (ok.isEmpty()) {
            throw new IllegalArgumentException("results has no successful variation; failed: " + String.join(", ", failed));
        }
        return ok;
    }

    /**
     * The successful variation with the highest test score (the first of equals).
     * @param results The sweep's results.
     * @return That result.
     */
    public static SweepJob.Result best(List<SweepJob.Result> results) {
        return succeeded(results).stream().max(Comparator.comparingDouble(SweepJob.Result::score)).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Output<T>> List<DJLModel<T>> networks(List<SweepJob.Result> results) {
        List<DJLModel<T>> out = new ArrayList<>();
        for (SweepJob.Result r : succeeded(results)) {
            Model<?> m = r.toModel();
            if (!(m instanceof DJLModel)) {
                throw new IllegalArgumentException("variation " + r.name() + " trained a " + m.getClass().getSimpleName()
                        + "; allowed: DJL network models (one per variation) for an ensemble or a soup");
            }
            out.add((DJLModel<T>) m);
        }
        return out;
    }

    /**
     * The ensemble of the successful variations' networks, combined as their output type's
     * networks are (mean probabilities, mean values).
     * @param results The sweep's results.
     * @param data The training data (for the ensemble's provenance and domains).
     * @param <T> The output type.
     * @return The ensemble.
     */
    public static <T extends Output<T>> BatchedEnsembleModel<T> ensemble(List<SweepJob.Result> results, Dataset<T> data) {
        List<DJLModel<T>> members = networks(results);
        return BatchedEnsembleModel.of("sweep-ensemble", data, members.get(0).getProvenance().getTrainerProvenance(), members,
                members.get(0).outputConverter().ensembleCombiner());
    }

    /**
     * The uniform or greedy soup of the successful variations' networks (models of one
     * architecture, e.g. fine-tuning runs from one pre-trained point).
     * @param results The sweep's results.
     * @param recipe UNIFORM or GREEDY.
     * @param refreshData The data the soup's BatchNorm statistics are refreshed on.
     * @param heldOut GREEDY: the data the ingredients and soups are scored on.
     * @param <T> The output type.
     * @return The soup.
     */
    public static <T extends Output<T>> ModelSoup.Soup<T> soup(List<SweepJob.Result> results, SoupTrainer.Recipe recipe, Dataset<T> refreshData,
                                                              Dataset<T> heldOut) {
        List<DJLModel<T>> members = networks(results);
        return recipe == SoupTrainer.Recipe.UNIFORM ? ModelSoup.uniform(members, refreshData, 128, null)
                : ModelSoup.greedy(members, SoupTrainer.heldOutScore(heldOut), refreshData, 128, null);
    }
}
