package io.github.tribuoswa.reproduction.bench;

import ai.djl.Device;
import ai.djl.Model;
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
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.CNNFactory;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.network.PreResNetFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.optim.ScheduleTracker;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (a program, not a test): training samples per second of the plugin's training loop
 * for the MLP and the BatchNorm CNN on Fashion-MNIST, the same networks and settings as
 * {@code reproduction/python/bench_pytorch.py}. The data are converted once before timing; each run builds
 * a fresh network and times {@link TrainingLoop#fit} alone; the first {@code warmup} runs per network
 * are not counted (the JIT compiles the loop meanwhile). Prints one line per network:
 * {@code RESULT engine=djl network=… device=… samples_per_s=…(median) runs=[…]}. {@code --device gpu} trains
 * on the first CUDA GPU (a CUDA build of libtorch is needed: docs/networks.md); each run then
 * ends by reading a value of the trained weights back, which waits for the GPU.
 * <pre>
 * usage: TrainingThroughput [--data embedded|DIR] [--networks mlp,cnn,preresnet8] [--epochs 1] [--runs 3] [--warmup 1] [--threads 2]
 *                           [--batch 128] [--device cpu|gpu|gpu:N]
 * </pre>
 */
public final class TrainingThroughput {

    private TrainingThroughput() {}

    /**
     * The benchmarked networks, matching the PyTorch script.
     * @param name mlp or cnn.
     * @return The factory.
     */
    static NetworkFactory network(String name) {
        switch (name) {
            case "mlp": return new MLPFactory(new int[]{256}, Activation.RELU, 0.0, false);
            case "cnn": return new CNNFactory(new int[]{32, 64}, 3, true, 128, 0.0);
            case "preresnet8": return new PreResNetFactory(8, 16);
            default: throw new IllegalArgumentException("network = " + name + "; allowed: mlp, cnn, preresnet8");
        }
    }

    /**
     * Runs the benchmark.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "TrainingThroughput [--data embedded|DIR] [--networks mlp,cnn] [--epochs 1] [--runs 3] "
                + "[--warmup 1] [--threads 2] [--batch 128] [--device cpu|gpu|gpu:N]", "data", "networks", "epochs", "runs", "warmup", "threads",
                "batch", "device");
        String data = o.get("data", null);
        String networks = o.get("networks", "mlp,cnn");
        int epochs = o.getInt("epochs", 1);
        int runs = o.getInt("runs", 3);
        int threads = o.getInt("threads", 2);
        int batch = o.getInt("batch", 128);
        int warmup = o.getInt("warmup", 1);
        Device device = Engines.device("TrainingThroughput", o.get("device", "cpu"));
        Path dir = FashionMnist.resolve(data);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        List<Example<Label>> list = new ArrayList<>();
        train.forEach(list::add);
        LabelConverter labels = new LabelConverter();
        DenseData dense = DenseData.of(list, new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE), labels,
                train.getFeatureIDMap(), train.getOutputIDInfo());
        Engines.setIntraOpThreads(threads);
        System.out.printf(Locale.ROOT, "data: %s, %d training images; threads %d, batch %d, %d epoch(s) per run, %d runs, device %s%n",
                FashionMnist.isEmbedded(dir) ? "embedded subset" : dir.toString(), dense.size(), threads, batch, epochs, runs, device);
        for (String name : networks.split(",")) {
            double[] rates = new double[runs];
            for (int r = -warmup; r < runs; r++) {
                Engines.pytorch().setRandomSeed(r + warmup);
                try (Model model = Model.newInstance("bench", device, Engines.ENGINE)) {
                    model.setBlock(network(name).build(dense.exampleShape(), 10));
                    Optimizer optimizer = new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4).create(new ScheduleTracker(new ConstantSchedule(0.05)));
                    DefaultTrainingConfig config = new DefaultTrainingConfig(labels.loss())
                            .optOptimizer(optimizer)
                            .optDevices(new Device[]{device});
                    try (Trainer trainer = model.newTrainer(config)) {
                        trainer.initialize(new ai.djl.ndarray.types.Shape(batch, 1, FashionMnist.SIDE, FashionMnist.SIDE));
                        long start = System.nanoTime();
                        TrainingLoop.fit(trainer, optimizer, dense, 0, epochs, batch, true, r + warmup);
                        if (!Device.cpu().equals(device)) {
                            // wait for the device: read one value of the trained weights back
                            try (ai.djl.ndarray.NDArray s = model.getBlock().getParameters().valueAt(0).getArray().sum()) {
                                s.getFloat();
                            }
                        }
                        double seconds = (System.nanoTime() - start) / 1e9;
                        if (r >= 0) {
                            rates[r] = (double) epochs * dense.size() / seconds; // runs before 0 warm up the JIT, not counted
                        }
                    }
                }
            }
            System.out.printf(Locale.ROOT, "RESULT engine=djl network=%s device=%s samples_per_s=%.0f runs=%s%n", name,
                    device.getDeviceType(), BenchStats.median(rates),
                    BenchStats.rounded(rates, 0));
        }
    }
}
