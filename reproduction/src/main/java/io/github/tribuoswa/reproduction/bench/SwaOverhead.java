package io.github.tribuoswa.reproduction.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.github.tribuoswa.averaging.AverageRule;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.averaging.EqualAverage;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.DeviceWeights;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

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
 *   <li>{@code --mode updates}: what the averages cost on the network's device: the median step
 *   of SGD runs, and on the trained network one SWA update (the weight check, finite and within weightBound, and
 *   G &larr; G + w), one EMA update (check, G &larr; δG + w, BatchNorm buffers included, as timm's EMA),
 *   the first wave's host update (read the weights, average in double precision) and a plain
 *   device copy of the same weights; then SGD against EMA every step, wall time in ABBA pairs.</li>
 *   <li>{@code --mode memory --method sgd|swa|fge}: one run in a fresh JVM, printing the
 *   process's peak resident memory (VmHWM); {@code scripts/bench/benchmark-overhead.sh} starts one
 *   JVM per method.</li>
 * </ul>
 * <pre>
 * usage: SwaOverhead [--mode wall|updates|memory] [--method sgd|swa|fge] [--network cnn|mlp] [--data embedded|full|DIR]
 *                    [--epochs E] [--runs R] [--threads T]
 * </pre>
 */
public final class SwaOverhead {

    private SwaOverhead() {}

    static NetworkTrainer<Label, ?> trainer(String method, NetworkFactory network, int epochs, int spe, int threads) {
        Recipes<Label> recipes = Recipes.images(network, 0.05, 0.01, 0.1, 128, 1L, threads, "cpu");
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
        Options o = Options.parse(args, "SwaOverhead [--mode wall|updates|memory] [--method sgd|swa|fge] [--network cnn] [--data embedded|full|DIR] "
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
            int networks = model instanceof org.tribuo.ensemble.EnsembleModel
                    ? ((org.tribuo.ensemble.EnsembleModel<Label>) model).getNumModels() : 1;
            System.out.printf(Locale.ROOT, "RESULT method=%s peak_rss_kib=%d networks=%d%n", method, BenchStats.statusKiB("VmHWM"), networks);
            return;
        }
        if (mode.equals("updates")) {
            updates(train, network, epochs, spe, runs, threads);
            return;
        }
        trainer("sgd", network, 2, spe, threads).train(train); // warm-up
        trainer("swa", network, 2, spe, threads).train(train);
        double[][] times = BenchStats.abba(runs, () -> seconds(trainer("sgd", network, epochs, spe, threads), train),
                () -> seconds(trainer("swa", network, epochs, spe, threads), train));
        double[] sgd = times[0];
        double[] swa = times[1];
        double mSgd = BenchStats.median(sgd);
        double mSwa = BenchStats.median(swa);
        System.out.printf(Locale.ROOT, "data: %d images, %s, %d epochs (%d steps), batch 128, %d threads, %d ABBA pairs%n",
                train.size(), network, epochs, epochs * spe, threads, runs);
        System.out.printf(Locale.ROOT, "RESULT sgd_seconds=%.2f runs=%s%n", mSgd, BenchStats.rounded(sgd, 2));
        System.out.printf(Locale.ROOT, "RESULT swa_seconds=%.2f runs=%s%n", mSwa, BenchStats.rounded(swa, 2));
        System.out.printf(Locale.ROOT, "RESULT swa_sgd_ratio=%.3f%n", mSwa / mSgd);
        System.out.printf(Locale.ROOT, "RESULT step_ms=%.3f%n", 1000 * mSgd / (epochs * spe));

        // one average update: the SWA listener's path, the check and the update on the device
        DJLModel<Label> model = (DJLModel<Label>) trainer("sgd", network, 1, spe, threads).train(train);
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block block = model.newNetwork(m);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
            DeviceAverage avg = new DeviceAverage(AverageRule.EQUAL, NetworkWeights.Selection.TRAINABLE, DeviceAverage.Precision.FLOAT32);
            double med = BenchStats.medianMillis(200, () -> {
                DeviceWeights.firstBeyond(block, NetworkWeights.Selection.TRAINABLE, WeightCollector.DEFAULT_WEIGHT_BOUND);
                avg.update(block);
            });
            System.out.printf(Locale.ROOT, "RESULT average_update_ms=%.3f parameters=%d%n", med,
                    NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE));
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

    /** The wall time of one training run in seconds. */
    private static double seconds(NetworkTrainer<Label, ?> trainer, MutableDataset<Label> train) {
        long start = System.nanoTime();
        trainer.train(train);
        return (System.nanoTime() - start) / 1e9;
    }


    /** SGD at a constant rate, or the same with an EMA of every parameter after every step. */
    private static NetworkTrainer<Label, ?> constantRate(boolean ema, NetworkFactory network, int epochs, int threads) {
        ImageConverter images = new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE);
        SGDFactory momentum = new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4);
        NetworkTrainer<Label, ?> t = ema
                ? SWATrainer.builder(network, images, new LabelConverter()).epochs(epochs).batchSize(128).optimiser(momentum)
                        .phaseStart(0).phaseSchedule(new ConstantSchedule(0.05)).cycleUnit(CycleUnit.ITERATIONS)
                        .averaging(Averaging.EMA).emaDecay(0.999).batchNormMode(BatchNormMode.AVERAGE_BUFFERS)
                        .seed(1L).device("cpu").intraOpThreads(threads).build()
                : DJLTrainer.builder(network, images, new LabelConverter()).epochs(epochs).batchSize(128).optimiser(momentum)
                        .schedule(new ConstantSchedule(0.05)).seed(1L).device("cpu").intraOpThreads(threads).build();
        t.setProgressBar(false);
        return t;
    }

    private static void updates(MutableDataset<Label> train, NetworkFactory network, int epochs, int spe, int runs, int threads) {
        constantRate(false, network, 1, threads).train(train); // warm-up
        constantRate(true, network, 1, threads).train(train);
        double[][] times = BenchStats.abba(runs, () -> seconds(constantRate(false, network, epochs, threads), train),
                () -> seconds(constantRate(true, network, epochs, threads), train));
        double[] sgd = times[0];
        double[] ema = times[1];
        double step = 1000 * BenchStats.median(sgd) / (epochs * spe);
        System.out.printf(Locale.ROOT, "data: %d images, %s, %d epochs (%d steps), batch 128, %d threads, %d ABBA pairs%n",
                train.size(), network, epochs, epochs * spe, threads, runs);
        System.out.printf(Locale.ROOT, "RESULT sgd_seconds=%.2f runs=%s%n", BenchStats.median(sgd), BenchStats.rounded(sgd, 2));
        System.out.printf(Locale.ROOT, "RESULT ema_seconds=%.2f runs=%s%n", BenchStats.median(ema), BenchStats.rounded(ema, 2));
        System.out.printf(Locale.ROOT, "RESULT ema_sgd_ratio=%.3f%n", BenchStats.median(ema) / BenchStats.median(sgd));
        System.out.printf(Locale.ROOT, "RESULT step_ms=%.3f%n", step);
        DJLModel<Label> model = (DJLModel<Label>) constantRate(false, network, 1, threads).train(train);
        try (NDManager m = Engines.pytorch().newBaseManager(ai.djl.Device.cpu())) {
            Block block = model.newNetwork(m);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
            try (DeviceAverage swa = new DeviceAverage(AverageRule.EQUAL, NetworkWeights.Selection.TRAINABLE, DeviceAverage.Precision.FLOAT32);
                 DeviceAverage emaAll = new DeviceAverage(AverageRule.exponential(0.999), NetworkWeights.Selection.ALL,
                         DeviceAverage.Precision.FLOAT32);
                 DeviceWeights copy = DeviceWeights.copyOf(block, NetworkWeights.Selection.TRAINABLE)) {
                double swaMs = BenchStats.medianMillis(400, () -> {
                    DeviceWeights.firstBeyond(block, NetworkWeights.Selection.TRAINABLE, WeightCollector.DEFAULT_WEIGHT_BOUND);
                    swa.update(block);
                });
                double emaMs = BenchStats.medianMillis(400, () -> {
                    DeviceWeights.firstBeyond(block, NetworkWeights.Selection.ALL, WeightCollector.DEFAULT_WEIGHT_BOUND);
                    emaAll.update(block);
                });
                EqualAverage host = new EqualAverage(NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE));
                double hostMs = BenchStats.medianMillis(400, () -> host.update(NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE)));
                double copyMs = BenchStats.medianMillis(400, () -> copy.writeTo(block));
                System.out.printf(Locale.ROOT, "RESULT parameters=%d all_parameters=%d%n",
                        NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE), NetworkWeights.size(block, NetworkWeights.Selection.ALL));
                System.out.printf(Locale.ROOT, "RESULT swa_update_ms=%.4f over_step=%.4f over_copy=%.2f%n", swaMs, swaMs / step, swaMs / copyMs);
                System.out.printf(Locale.ROOT, "RESULT ema_update_ms=%.4f over_step=%.4f%n", emaMs, emaMs / step);
                System.out.printf(Locale.ROOT, "RESULT host_update_ms=%.4f over_step=%.4f over_copy=%.2f%n", hostMs, hostMs / step,
                        hostMs / copyMs);
                System.out.printf(Locale.ROOT, "RESULT device_copy_ms=%.4f%n", copyMs);
            }
        }
    }
}
