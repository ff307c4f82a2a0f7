package io.github.tribuoswa.reproduction.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.TrainingLoop;
import io.github.tribuoswa.nn.listen.EpochStatistics;
import io.github.tribuoswa.nn.listen.TelemetryListener;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.optim.ScheduleTracker;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.opentelemetry.api.OpenTelemetry;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark (a program, not a test): the cost of the telemetry listener when no OpenTelemetry
 * SDK is installed. Trains the MLP of {@link TrainingThroughput} (the network whose steps are
 * shortest, so any per-step overhead shows most) with the training loop and its epoch
 * statistics, with and without a {@link TelemetryListener} on {@code OpenTelemetry.noop()}, runs
 * interleaved (ABBA) after three warm-up runs of each, and prints steps/s of each and their ratio
 * (medians); then times the listener alone, called a million times, to give its cost per step
 * without the noise of training.
 * <pre>
 * usage: TelemetryOverhead [--data embedded|DIR] [--epochs 2] [--runs 5] [--threads 2]
 * </pre>
 */
public final class TelemetryOverhead {

    private TelemetryOverhead() {}

    /**
     * Runs the benchmark.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "TelemetryOverhead [--data embedded|DIR] [--epochs 2] [--runs 5] [--threads 2]",
                "data", "epochs", "runs", "threads");
        String data = o.get("data", FashionMnist.EMBEDDED);
        int epochs = o.getInt("epochs", 2);
        int runs = o.getInt("runs", 5);
        int threads = o.getInt("threads", 2);
        MutableDataset<Label> train = FashionMnist.load(FashionMnist.resolve(data), FashionMnist.Split.TRAIN);
        List<Example<Label>> list = new ArrayList<>();
        train.forEach(list::add);
        LabelConverter labels = new LabelConverter();
        DenseData dense = DenseData.of(list, new ImageConverter(1, 28, 28), labels, train.getFeatureIDMap(), train.getOutputIDInfo());
        Engines.setIntraOpThreads(threads);
        int batch = 128;
        int steps = TrainingLoop.stepsPerEpoch(dense.size(), batch);
        double[] without = new double[runs];
        double[] with = new double[runs];
        for (int w = 1; w <= 3; w++) { // warm-up, both ways: the first runs of a JVM are slower
            run(dense, labels, epochs, batch, steps, false, -w);
            run(dense, labels, epochs, batch, steps, true, -w);
        }
        // pairs in ABBA order, so a drift of the machine's speed falls on both sides alike
        for (int pair = 0; pair < runs; pair++) {
            boolean tracedFirst = pair % 2 == 1;
            for (int k = 0; k < 2; k++) {
                boolean traced = (k == 0) == tracedFirst;
                double rate = run(dense, labels, epochs, batch, steps, traced, pair);
                if (traced) {
                    with[pair] = rate;
                } else {
                    without[pair] = rate;
                }
            }
        }
        // the listener's own cost per step, called directly (no training around it)
        TelemetryListener alone = new TelemetryListener(OpenTelemetry.noop(), "swa", "benchmark", Map.of(), dense.size(), "cpu()",
                new CyclicSchedule(0.05, 0.01, steps), steps, Long.MAX_VALUE, 0, null);
        double nsPerStep = 0;
        for (int rep = 0; rep < 5; rep++) {
            long start = System.nanoTime();
            for (int i = 1; i <= 1_000_000; i++) {
                alone.onTrainingBatch(null, null);
                if (i % steps == 0) {
                    alone.onEpoch(null);
                }
            }
            nsPerStep = (System.nanoTime() - start) / 1e6;
        }
        double a = BenchStats.median(without);
        double b = BenchStats.median(with);
        System.out.printf(Locale.ROOT, "data: %d images, MLP, batch %d, %d epochs (%d steps) per run, %d runs each, %d threads%n",
                dense.size(), batch, epochs, epochs * steps, runs, threads);
        System.out.printf(Locale.ROOT, "RESULT without_telemetry_steps_per_s=%.1f runs=%s%n", a, BenchStats.rounded(without, 1));
        System.out.printf(Locale.ROOT, "RESULT noop_telemetry_steps_per_s=%.1f runs=%s%n", b, BenchStats.rounded(with, 1));
        System.out.printf(Locale.ROOT, "RESULT ratio=%.3f%n", b / a);
        System.out.printf(Locale.ROOT, "RESULT listener_ns_per_step=%.1f%n", nsPerStep);
        System.out.printf(Locale.ROOT, "RESULT listener_share_of_step=%.6f%n", nsPerStep * 1e-9 * a);
    }

    private static double run(DenseData dense, LabelConverter labels, int epochs, int batch, int steps, boolean traced, int seed) {
        LearningRateSchedule schedule = new CyclicSchedule(0.05, 0.01, steps);
        Engines.pytorch().setRandomSeed(seed);
        try (Model model = Model.newInstance("overhead", Device.cpu(), Engines.ENGINE)) {
            model.setBlock(TrainingThroughput.network("mlp").build(dense.exampleShape(), 10));
            EpochStatistics progress = new EpochStatistics(0, steps, true);
            Optimizer optimizer = new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4).create(new ScheduleTracker(schedule));
            DefaultTrainingConfig config = new DefaultTrainingConfig(labels.loss())
                    .optOptimizer(optimizer)
                    .optDevices(new Device[]{Device.cpu()})
                    .addTrainingListeners(progress);
            if (traced) {
                config.addTrainingListeners(new TelemetryListener(OpenTelemetry.noop(), "swa", "benchmark", Map.of(), dense.size(), "cpu()",
                        schedule, steps, (long) epochs * steps, 0, progress));
            }
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(batch, 1, 28, 28));
                long start = System.nanoTime();
                TrainingLoop.fit(trainer, optimizer, dense, 0, epochs, batch, true, seed);
                return (double) epochs * steps / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

}
