package io.github.tribuoswa.reproduction.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.DeviceWeights;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.SwagPosterior;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.NetworkFactory;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark (a program, not a test): what SWAG costs, each figure against what the issue
 * compares it with, measured side by side in one JVM.
 * <ul>
 *   <li>Memory ({@code --mode memory}, a JVM of its own): the native memory the posterior takes once it holds K deviations (the process's
 *   resident memory before and after, {@code VmRSS}) against the same measure for K + 2 plain
 *   weight copies, and both against the bytes of their arrays. Resident memory measures native
 *   allocations only when the Java heap does not move and freed native memory is not reused:
 *   run with {@code -Xms} = {@code -Xmx} and {@code -XX:+AlwaysPreTouch}, and
 *   {@code MALLOC_MMAP_THRESHOLD_=65536} (every array its own mapping), as
 *   {@code scripts/bench/benchmark-swag.sh} does.</li>
 *   <li>The rest ({@code --mode time}, the default): time of one collection (the listener's weight check and {@link SwagPosterior#collect})
 *   against one training step (a run of SGD epochs divided by its steps), in ABBA order.</li>
 *   <li>Prediction of the test set by the model of S samples ({@link BatchedEnsembleModel}) against
 *   one of its members, ABBA, medians; and the cost of making the model: one sample drawn on
 *   the device, and its BatchNorm refresh (one forward pass over the training data) against
 *   one epoch.</li>
 * </ul>
 * <pre>
 * usage: SwagCosts [--train embedded|full|DIR] [--test embedded|full|DIR] [--network cnn] [--rank 20] [--samples 30]
 *                  [--runs 5] [--threads 2] [--mode time|memory]
 * </pre>
 * The SWAG model is a real {@code SWAGTrainer} run on the training data (four epochs, the last
 * two its SWAG phase, a collection every half epoch); how well it predicts does not change what
 * it costs.
 */
public final class SwagCosts {

    private SwagCosts() {}



    /** The posterior holding K deviations against K + 2 copies, as resident memory. */
    private static void memory(Recipes<Label> recipes, int spe, MutableDataset<Label> train, int rank) throws Exception {
        var sgd = recipes.sgd(1, spe);
        sgd.setProgressBar(false);
        try (DJLModel<Label> model = sgd.train(train); NDManager m = Engines.pytorch().newBaseManager(ai.djl.Device.cpu())) {
            Block block = model.newNetwork(m);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
            long parameters = NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE);
            long before = BenchStats.statusKiB("VmRSS");
            long posteriorKiB;
            try (SwagPosterior posterior = new SwagPosterior(rank, DeviceAverage.Precision.FLOAT32)) {
                for (int i = 0; i < rank + 2; i++) {
                    posterior.collect(block);
                }
                posteriorKiB = BenchStats.statusKiB("VmRSS") - before;
            }
            before = BenchStats.statusKiB("VmRSS");
            List<DeviceWeights> copies = new ArrayList<>();
            for (int i = 0; i < rank + 2; i++) {
                copies.add(DeviceWeights.copyOf(block, NetworkWeights.Selection.TRAINABLE));
            }
            long copiesKiB = BenchStats.statusKiB("VmRSS") - before;
            copies.forEach(DeviceWeights::close);
            System.out.printf(Locale.ROOT, "data: %s, %d trainable parameters (float32), K = %d%n", recipes.network(), parameters, rank);
            System.out.printf(Locale.ROOT, "RESULT parameters=%d copy_kib=%.1f arrays_kib=%.1f%n", parameters, 4 * parameters / 1024.0,
                    (rank + 2) * 4 * parameters / 1024.0);
            System.out.printf(Locale.ROOT, "RESULT posterior_rss_kib=%d copies_rss_kib=%d posterior_over_copies=%.3f%n", posteriorKiB, copiesKiB,
                    posteriorKiB / (double) copiesKiB);
        }
    }

    /**
     * Runs the benchmark.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "SwagCosts [--train embedded|full|DIR] [--test embedded|full|DIR] [--network cnn] [--rank 20] "
                + "[--samples 30] [--runs 5] [--threads 2] [--mode time|memory]", "train", "test", "network", "rank", "samples", "runs", "threads",
                "mode");
        MutableDataset<Label> train = FashionMnist.load(FashionMnist.resolve(o.get("train", FashionMnist.EMBEDDED)), FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(FashionMnist.resolve(o.get("test", FashionMnist.EMBEDDED)), FashionMnist.Split.TEST);
        NetworkFactory network = TrainNetwork.network(o.get("network", "cnn"));
        int rank = o.getInt("rank", 20);
        int samples = o.getInt("samples", 30);
        int runs = o.getInt("runs", 5);
        int threads = o.getInt("threads", 2);
        if (rank < 1 || samples < 1 || runs < 1) {
            throw new IllegalArgumentException("rank = " + rank + ", samples = " + samples + ", runs = " + runs
                    + " are out of range; allowed: integers >= 1");
        }
        Recipes<Label> recipes = Recipes.images(network, 0.05, 0.01, 0.1, 128, 1L, threads, "cpu");
        int spe = recipes.stepsPerEpoch(train.size());
        if (o.get("mode", "time").equals("memory")) {
            memory(recipes, spe, train, rank);
            return;
        } else if (!o.get("mode", "time").equals("time")) {
            throw new IllegalArgumentException("mode = " + o.get("mode", "time") + " is out of range; allowed: time, memory");
        }
        int stepEpochs = 4;
        var swagTrainer = recipes.swag(4, 2, spe, Recipes.evenSteps(spe, 0.5), samples, rank, SwagPosterior.Covariance.LOW_RANK);
        swagTrainer.setProgressBar(false);
        BatchedEnsembleModel<Label> swag = swagTrainer.train(train);
        DJLModel<Label> one = (DJLModel<Label>) swag.getModels().get(0);
        System.out.printf(Locale.ROOT, "data: %s, %d training images (%d steps per epoch, batch 128), %d test images, %d threads, K = %d, "
                + "S = %d, %d ABBA pairs%n", network, train.size(), spe, test.size(), threads, rank, samples, runs);

        try (NDManager m = Engines.pytorch().newBaseManager(ai.djl.Device.cpu());
             SwagPosterior posterior = new SwagPosterior(rank, DeviceAverage.Precision.FLOAT32)) {
            Block block = one.newNetwork(m);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(one.weights(), block));
            for (int i = 0; i < rank + 2; i++) {
                posterior.collect(block);
            }
            // one collection against one training step, side by side
            double[][] times = BenchStats.abba(runs, () -> {
                var sgd = recipes.sgd(stepEpochs, spe);
                sgd.setProgressBar(false);
                long start = System.nanoTime();
                sgd.train(train).close();
                return (System.nanoTime() - start) / 1e6 / (stepEpochs * spe);
            }, () -> BenchStats.medianMillis(200, () -> {
                DeviceWeights.firstBeyond(block, NetworkWeights.Selection.TRAINABLE, WeightCollector.DEFAULT_WEIGHT_BOUND);
                posterior.collect(block);
            }));
            double step = BenchStats.median(times[0]);
            double collect = BenchStats.median(times[1]);
            System.out.printf(Locale.ROOT, "RESULT step_ms=%.3f runs=%s%n", step, BenchStats.rounded(times[0], 3));
            System.out.printf(Locale.ROOT, "RESULT collect_ms=%.3f runs=%s collect_over_step=%.3f%n", collect, BenchStats.rounded(times[1], 3),
                    collect / step);

            // making the model: one sample, one BatchNorm refresh against an epoch
            Random rng = new Random(1);
            double sample = BenchStats.medianMillis(20, () -> posterior.sample(block, rng, SwagPosterior.Covariance.LOW_RANK, 0.5, 1e-30));
            List<Example<Label>> examples = new ArrayList<>();
            train.forEach(examples::add);
            float[] features = DenseData.features(examples, new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE), train.getFeatureIDMap());
            Shape image = new Shape(1, FashionMnist.SIDE, FashionMnist.SIDE);
            double refresh = BenchStats.medianMillis(4, () -> BatchNormRefresh.refresh(block, m, features, image, 128));
            double epoch = step * spe;
            System.out.printf(Locale.ROOT, "RESULT sample_ms=%.3f over_step=%.3f%n", sample, sample / step);
            System.out.printf(Locale.ROOT, "RESULT refresh_ms=%.1f over_epoch=%.3f model_over_epoch=%.3f%n", refresh, refresh / epoch,
                    samples * (sample + refresh) / epoch);
        }

        // prediction: S samples against one of them
        List<Example<Label>> testExamples = new ArrayList<>();
        test.forEach(testExamples::add);
        BenchStats.predictSeconds(swag, testExamples); // warm-up: every member builds its network
        BenchStats.predictSeconds(one, testExamples);
        double[][] p = BenchStats.abba(runs, () -> BenchStats.predictSeconds(one, testExamples), () -> BenchStats.predictSeconds(swag, testExamples));
        double mOne = BenchStats.median(p[0]);
        double mAll = BenchStats.median(p[1]);
        System.out.printf(Locale.ROOT, "RESULT one_seconds=%.3f runs=%s%n", mOne, BenchStats.rounded(p[0], 3));
        System.out.printf(Locale.ROOT, "RESULT samples_seconds=%.3f runs=%s samples_over_one=%.2f over_s_one=%.3f%n", mAll,
                BenchStats.rounded(p[1], 3), mAll / mOne, mAll / (samples * mOne));
        swag.getModels().forEach(x -> ((DJLModel<Label>) x).close());
    }
}
