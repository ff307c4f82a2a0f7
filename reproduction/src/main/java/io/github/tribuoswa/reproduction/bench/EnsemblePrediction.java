package io.github.tribuoswa.reproduction.bench;

import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.network.NetworkFactory;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.WeightedEnsembleModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (a program, not a test): how long an FGE ensemble of K networks takes to predict a
 * test set, against one of its networks, both batched, in ABBA order in one JVM (medians); and
 * Tribuo's {@code WeightedEnsembleModel} of the same members, which asks every member about one
 * example at a time, on the first {@code --tribuo} test images.
 * <pre>
 * usage: EnsemblePrediction [--train embedded|full|DIR] [--test embedded|full|DIR] [--network cnn] [--runs R]
 *                           [--threads T] [--tribuo N]
 * </pre>
 * The ensemble is a real FGE run on the training data (four epochs, FGE cycles of half an epoch
 * in the last two: K = 4 snapshots); how well it predicts does not change what it costs.
 */
public final class EnsemblePrediction {

    private EnsemblePrediction() {}


    /**
     * Runs the benchmark.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "EnsemblePrediction [--train embedded|full|DIR] [--test embedded|full|DIR] [--network cnn] "
                + "[--runs 5] [--threads 2] [--tribuo 1000]", "train", "test", "network", "runs", "threads", "tribuo");
        MutableDataset<Label> train = FashionMnist.load(FashionMnist.resolve(o.get("train", FashionMnist.EMBEDDED)), FashionMnist.Split.TRAIN);
        String testData = o.get("test", FashionMnist.systemDataAvailable() ? FashionMnist.FULL : FashionMnist.EMBEDDED);
        MutableDataset<Label> test = FashionMnist.load(FashionMnist.resolve(testData), FashionMnist.Split.TEST);
        NetworkFactory network = TrainNetwork.network(o.get("network", "cnn"));
        int runs = o.getInt("runs", 5);
        int threads = o.getInt("threads", 2);
        int tribuo = o.getInt("tribuo", 1000);
        Recipes<Label> recipes = Recipes.images(network, 0.05, 0.01, 0.1, 128, 1L, threads, "cpu");
        int spe = recipes.stepsPerEpoch(train.size());
        var trainer = recipes.fge(4, 2, spe, Recipes.evenSteps(spe, 0.5));
        trainer.setProgressBar(false);
        BatchedEnsembleModel<Label> ensemble = trainer.train(train);
        Model<Label> one = ensemble.getModels().get(0);
        List<Example<Label>> examples = new ArrayList<>();
        test.forEach(examples::add);
        BenchStats.predictSeconds(ensemble, examples); // warm-up: every member builds its network
        BenchStats.predictSeconds(one, examples);
        double[][] times = BenchStats.abba(runs, () -> BenchStats.predictSeconds(one, examples), () -> BenchStats.predictSeconds(ensemble, examples));
        double[] single = times[0];
        double[] all = times[1];
        int k = ensemble.getNumModels();
        double mOne = BenchStats.median(single);
        double mAll = BenchStats.median(all);
        System.out.printf(Locale.ROOT, "data: FGE of %s trained on %d images, K = %d members, predicting %d test images, %d threads, %d ABBA runs%n",
                network, train.size(), k, examples.size(), threads, runs);
        System.out.printf(Locale.ROOT, "RESULT one_seconds=%.3f runs=%s%n", mOne, BenchStats.rounded(single, 3));
        System.out.printf(Locale.ROOT, "RESULT ensemble_seconds=%.3f runs=%s%n", mAll, BenchStats.rounded(all, 3));
        System.out.printf(Locale.ROOT, "RESULT members=%d ensemble_over_k_one=%.3f%n", k, mAll / (k * mOne));
        if (tribuo > 0) {
            List<Example<Label>> some = examples.subList(0, Math.min(tribuo, examples.size()));
            WeightedEnsembleModel<Label> weighted = ensemble.toWeightedEnsemble();
            BenchStats.predictSeconds(weighted, some.subList(0, Math.min(50, some.size()))); // warm-up
            double w = BenchStats.predictSeconds(weighted, some);
            double b = BenchStats.predictSeconds(ensemble, some);
            System.out.printf(Locale.ROOT, "RESULT tribuo_examples=%d tribuo_seconds=%.3f batched_seconds=%.3f speedup=%.1f%n",
                    some.size(), w, b, w / b);
        }
        ensemble.getModels().forEach(m -> ((DJLModel<Label>) m).close());
    }
}
