package io.github.tribuoswa.reproduction.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.github.tribuoswa.averaging.EqualAverage;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.NetworkFactory;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (a program, not a test): what SWA and FGE cost over SGD for the same epochs.
 * <ul>
 *   <li>{@code --mode wall}: wall time of SGD and SWA (and FGE) training of the same network for
 *   the same epochs, pairs run in ABBA order in this JVM after a warm-up; medians and the
 *   SWA/SGD ratio; then the cost of one SWA average update (reading the weights and updating
 *   the running mean) against one training step.</li>
 *   <li>{@code --mode memory --method sgd|swa|fge}: one run in a fresh JVM, printing the
 *   process's peak resident memory (VmHWM); {@code scripts/bench/benchmark-overhead.sh} starts one
 *   JVM per method.</li>
 * </ul>
 * <pre>
 * usage: SwaOverhead [--mode wall|memory] [--method sgd|swa|fge] [--network cnn|mlp] [--data embedded|full|DIR]
 *                    [--epochs E] [--runs R] [--threads T]
 * </pre>
 */
public final class SwaOverhead {

    private SwaOverhead() {}

    private static long vmHwmKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static NetworkTrainer<Label, ?> trainer(String method, NetworkFactory network, int epochs, int spe, int threads) {
        Recipes recipes = new Recipes(network, 0.05, 0.01, 0.1, 128, 1L, threads, "cpu");
        int swaStart = Math.min(epochs - 1, Math.max(1, (int) Math.round(0.75 * epochs)));
        NetworkTrainer<Label, ?> t;
        switch (method) {
            case "sgd": t = recipes.sgd(epochs, spe); break;
            case "swa": t = recipes.swa(epochs, swaStart, spe, spe); break;
            case "fge": t = recipes.fge(epochs, swaStart, spe, Recipes.evenSteps(spe, 0.5)); break;
            default: throw new IllegalArgumentException("method = " + method + "; allowed: sgd, swa, fge");
        }
        t.setProgressBar(false);
        return t;
    }

    /**
     * Runs the benchmark.
     * @param args See the class documentation.
     * @throws Exception if anything fails.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "SwaOverhead [--mode wall|memory] [--method sgd|swa|fge] [--network cnn] [--data embedded|full|DIR] "
                + "[--epochs 4] [--runs 3] [--threads 2]", "mode", "method", "network", "data", "epochs", "runs", "threads");
        String mode = o.get("mode", "wall");
        String method = o.get("method", "swa");
        String networkName = o.get("network", "cnn");
        String data = o.get("data", FashionMnist.EMBEDDED);
        int epochs = o.getInt("epochs", 4);
        int runs = o.getInt("runs", 3);
        int threads = o.getInt("threads", 2);
        MutableDataset<Label> train = FashionMnist.load(FashionMnist.resolve(data), FashionMnist.Split.TRAIN);
        NetworkFactory network = TrainNetwork.network(networkName);
        int spe = (train.size() + 127) / 128;
        if (mode.equals("memory")) {
            org.tribuo.Model<Label> model = trainer(method, network, epochs, spe, threads).train(train);
            int networks = model instanceof org.tribuo.ensemble.WeightedEnsembleModel
                    ? ((org.tribuo.ensemble.WeightedEnsembleModel<Label>) model).getNumModels() : 1;
            System.out.printf(Locale.ROOT, "RESULT method=%s peak_rss_kib=%d networks=%d%n", method, vmHwmKiB(), networks);
            return;
        }
        trainer("sgd", network, 2, spe, threads).train(train); // warm-up
        trainer("swa", network, 2, spe, threads).train(train);
        double[] sgd = new double[runs];
        double[] swa = new double[runs];
        for (int pair = 0; pair < runs; pair++) {
            for (int k = 0; k < 2; k++) {
                boolean swaRun = (k == 0) == (pair % 2 == 1);
                long start = System.nanoTime();
                trainer(swaRun ? "swa" : "sgd", network, epochs, spe, threads).train(train);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (swaRun) {
                    swa[pair] = seconds;
                } else {
                    sgd[pair] = seconds;
                }
            }
        }
        double mSgd = BenchStats.median(sgd);
        double mSwa = BenchStats.median(swa);
        System.out.printf(Locale.ROOT, "data: %d images, %s, %d epochs (%d steps), batch 128, %d threads, %d ABBA pairs%n",
                train.size(), network, epochs, epochs * spe, threads, runs);
        System.out.printf(Locale.ROOT, "RESULT sgd_seconds=%.2f runs=%s%n", mSgd, BenchStats.rounded(sgd, 2));
        System.out.printf(Locale.ROOT, "RESULT swa_seconds=%.2f runs=%s%n", mSwa, BenchStats.rounded(swa, 2));
        System.out.printf(Locale.ROOT, "RESULT swa_sgd_ratio=%.3f%n", mSwa / mSgd);
        System.out.printf(Locale.ROOT, "RESULT step_ms=%.3f%n", 1000 * mSgd / (epochs * spe));

        // one average update: read the trainable weights and fold them into the running mean
        DJLModel<Label> model = (DJLModel<Label>) trainer("sgd", network, 1, spe, threads).train(train);
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block block = model.newNetwork(m);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
            EqualAverage avg = new EqualAverage(NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE));
            List<Double> times = new ArrayList<>();
            for (int r = 0; r < 200; r++) {
                long start = System.nanoTime();
                avg.update(NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE));
                times.add((System.nanoTime() - start) / 1e6);
            }
            double med = BenchStats.median(times.subList(50, times.size()).stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf(Locale.ROOT, "RESULT average_update_ms=%.3f parameters=%d%n", med, avg.size());
            System.out.printf(Locale.ROOT, "RESULT average_update_over_step=%.3f%n", med / (1000 * mSgd / (epochs * spe)));

            // the BatchNorm refresh of w_SWA: one forward pass over the training data, batch 128
            List<org.tribuo.Example<Label>> examples = new ArrayList<>();
            train.forEach(examples::add);
            float[] features = DenseData.features(examples, new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE), train.getFeatureIDMap());
            double[] refresh = new double[3];
            for (int r = 0; r < refresh.length; r++) {
                long start = System.nanoTime();
                BatchNormRefresh.refresh(block, m, features, new ai.djl.ndarray.types.Shape(1, FashionMnist.SIDE, FashionMnist.SIDE), 128);
                refresh[r] = (System.nanoTime() - start) / 1e9;
            }
            double refreshSeconds = BenchStats.median(refresh);
            System.out.printf(Locale.ROOT, "RESULT refresh_seconds=%.3f runs=%s%n", refreshSeconds, BenchStats.rounded(refresh, 3));
            System.out.printf(Locale.ROOT, "RESULT refresh_over_epoch=%.3f%n", refreshSeconds / (mSgd / epochs));
        }
    }

}
