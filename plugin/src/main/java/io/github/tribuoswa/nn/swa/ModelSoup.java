package io.github.tribuoswa.nn.swa;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.Domains;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.protos.WeightsProto;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Model soups (Wortsman et al. 2022, "Model soups: averaging weights of multiple fine-tuned
 * models improves accuracy without increasing inference time"): one network whose weights are
 * the uniform average of its ingredients' (models of the same architecture: FGE snapshots, the
 * models of independent runs), its BatchNorm statistics refreshed on the given data.
 * <ul>
 *   <li>{@link #uniform}: every ingredient;</li>
 *   <li>{@link #greedy}: the ingredients sorted by their held-out score (best first, ties by
 *   position), the first one taken, each next one kept only if the soup's held-out score with it
 *   does not drop (Wortsman et al.'s Recipe 1).</li>
 * </ul>
 * Weights are averaged in double precision on the host (a soup is made once). The result is a
 * {@link DJLModel} (with ingredient 0's feature domain) whose provenance holds the recipe, which
 * ingredients were kept and each ingredient's own provenance. Ingredients must share the network,
 * the feature ids (input column j is the same feature), the output ids (row k of every output
 * layer is the same class) and the standardisation; otherwise their weights do not mean the same
 * thing and the soup is refused. Models trained on different data of the same features may be
 * mixed when they do not standardise (or standardise alike).
 */
public final class ModelSoup {

    private ModelSoup() {}

    /**
     * A soup and how it was made.
     * @param model The soup.
     * @param kept The positions (in the ingredient list) of the ingredients averaged, in the order they were added.
     * @param scores The held-out score of each ingredient (empty for a uniform soup).
     * @param soupScore The soup's held-out score (NaN for a uniform soup).
     * @param <T> The output type.
     */
    public record Soup<T extends Output<T>>(DJLModel<T> model, List<Integer> kept, List<Double> scores, double soupScore) {
    }

    /**
     * The uniform soup of every ingredient.
     * @param ingredients Models of one architecture (&ge; 1).
     * @param refreshData The examples BatchNorm statistics are refreshed on (the training data).
     * @param batchSize The refresh's batch size (&ge; 1).
     * @param trainer The provenance of what made the soup (a {@link SoupTrainer}'s), or null for the first ingredient's.
     * @param <T> The output type.
     * @return The soup.
     */
    public static <T extends Output<T>> Soup<T> uniform(List<DJLModel<T>> ingredients, Dataset<T> refreshData, int batchSize,
                                                       TrainerProvenance trainer) {
        List<Integer> all = IntStream.range(0, checked(ingredients).size()).boxed().collect(Collectors.toList());
        return new Soup<>(mix(ingredients, all, dense(ingredients.get(0), refreshData), batchSize, "UNIFORM", trainer), all, List.of(), Double.NaN);
    }

    /**
     * The greedy soup.
     * @param ingredients Models of one architecture (&ge; 1).
     * @param score The held-out score, higher is better (accuracy on held-out data, say).
     * @param refreshData The examples BatchNorm statistics are refreshed on.
     * @param batchSize The refresh's batch size (&ge; 1).
     * @param trainer The provenance of what made the soup, or null for the first ingredient's.
     * @param <T> The output type.
     * @return The soup.
     */
    public static <T extends Output<T>> Soup<T> greedy(List<DJLModel<T>> ingredients, ToDoubleFunction<Model<T>> score, Dataset<T> refreshData,
                                                      int batchSize, TrainerProvenance trainer) {
        checked(ingredients);
        List<Double> scores = new ArrayList<>();
        for (DJLModel<T> m : ingredients) {
            scores.add(score.applyAsDouble(m));
        }
        List<Integer> order = IntStream.range(0, ingredients.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores.get(i)).thenComparingInt(i -> i)).collect(Collectors.toList());
        List<Integer> kept = new ArrayList<>(List.of(order.get(0)));
        DenseData refresh = dense(ingredients.get(0), refreshData);
        DJLModel<T> soup = mix(ingredients, kept, refresh, batchSize, "GREEDY", trainer);
        double best = score.applyAsDouble(soup);
        for (int i : order.subList(1, order.size())) {
            List<Integer> candidate = new ArrayList<>(kept);
            candidate.add(i);
            DJLModel<T> tried = mix(ingredients, candidate, refresh, batchSize, "GREEDY", trainer);
            double s = score.applyAsDouble(tried);
            if (s >= best) {
                soup.close();
                soup = tried;
                kept = candidate;
                best = s;
            } else {
                tried.close();
            }
        }
        return new Soup<>(soup, List.copyOf(kept), List.copyOf(scores), best);
    }

    private static <T extends Output<T>> List<DJLModel<T>> checked(List<DJLModel<T>> ingredients) {
        if (ingredients.isEmpty()) {
            throw new IllegalArgumentException("ingredients is empty; allowed: at least one model");
        }
        DJLModel<T> first = ingredients.get(0);
        for (int i = 1; i < ingredients.size(); i++) {
            int position = i;
            Domains.difference("ingredient " + i, ingredients.get(i), "ingredient 0", first).ifPresent(d -> {
                throw new IllegalArgumentException("ingredient " + position + " differs from ingredient 0 (" + d + "); allowed: models of one"
                        + " network whose weights mean the same: the same features and outputs in the same order, the same standardisation");
            });
        }
        return ingredients;
    }

    /** The refresh data as the ingredients' network reads it (converted and standardised once per soup). */
    private static <T extends Output<T>> DenseData dense(DJLModel<T> like, Dataset<T> data) {
        List<Example<T>> examples = new ArrayList<>();
        data.forEach(examples::add);
        DenseData d = DenseData.of(examples, like.featureConverter(), like.outputConverter(), like.getFeatureIDMap(), like.getOutputIDInfo());
        if (like.standardiser() != null) {
            like.standardiser().apply(d.features());
        }
        return d;
    }

    /** The average of the chosen ingredients' weights, BatchNorm refreshed, as a model with the soup's provenance. */
    private static <T extends Output<T>> DJLModel<T> mix(List<DJLModel<T>> ingredients, List<Integer> chosen, DenseData refresh,
                                                        int batchSize, String recipe, TrainerProvenance trainer) {
        DJLModel<T> first = ingredients.get(0);
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            Block block = first.newNetwork(manager);
            double[] sum = null;
            for (int i : chosen) {
                float[] w = WeightsCodec.decode(ingredients.get(i).weights(), block);
                if (sum == null) {
                    sum = new double[w.length];
                }
                for (int j = 0; j < w.length; j++) {
                    sum[j] += w[j];
                }
            }
            float[] mean = new float[sum.length];
            for (int j = 0; j < sum.length; j++) {
                mean[j] = (float) (sum[j] / chosen.size());
            }
            WeightsProto averaged = WeightsCodec.encode(block, mean);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, mean);
            if (BatchNormRefresh.hasBatchNorm(block)) {
                BatchNormRefresh.refresh(block, manager, refresh.features(), refresh.exampleShape(), batchSize);
                averaged = WeightsCodec.encode(block);
            }
            return first.withWeights(recipe.toLowerCase(Locale.ROOT) + "-soup-of-" + chosen.size(), averaged,
                    provenance(ingredients, chosen, recipe, trainer));
        }
    }

    private static <T extends Output<T>> ModelProvenance provenance(List<DJLModel<T>> ingredients, List<Integer> chosen, String recipe,
                                                                   TrainerProvenance trainer) {
        ModelProvenance base = ingredients.get(0).getProvenance();
        Map<String, Provenance> run = new TreeMap<>();
        run.put("soup-recipe", new StringProvenance("soup-recipe", recipe));
        run.put("soup-kept", new StringProvenance("soup-kept", chosen.toString()));
        for (int i = 0; i < ingredients.size(); i++) {
            run.put(String.format(Locale.ROOT, "soup-ingredient-%03d", i), ingredients.get(i).getProvenance());
        }
        return new ModelProvenance(DJLModel.class.getName(), OffsetDateTime.now(), base.getDatasetProvenance(),
                trainer != null ? trainer : base.getTrainerProvenance(), run);
    }
}
