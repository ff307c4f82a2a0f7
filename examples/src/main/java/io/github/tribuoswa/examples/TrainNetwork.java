package io.github.tribuoswa.examples;

import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.TrainingLoop;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.CNNFactory;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.network.PreResNetFactory;
import io.github.tribuoswa.nn.network.VGGFactory;
import io.github.tribuoswa.nn.network.WideResNetFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.BaselineSchedule;
import io.github.tribuoswa.storage.ModelFiles;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains one of the plugin's networks on Fashion-MNIST with {@link DJLTrainer} (SGD with
 * momentum 0.9, the papers' baseline schedule) and prints the test accuracy, then saves the
 * model as a Tribuo protobuf if asked.
 * <pre>
 * usage: TrainNetwork [--network mlp|cnn|vgg16|vgg16bn|preresnet8|preresnet20|wrn16-2] [--data embedded|DIR]
 *                     [--epochs E] [--batch B] [--lr A0] [--threads T] [--device auto|cpu|gpu] [--save FILE]
 * </pre>
 */
public final class TrainNetwork {

    private TrainNetwork() {}

    /**
     * The network of a name on the command line.
     * @param name The name.
     * @return The factory.
     */
    public static NetworkFactory network(String name) {
        switch (name) {
            case "mlp": return new MLPFactory(new int[]{256}, Activation.RELU, 0.0, false);
            case "cnn": return new CNNFactory(new int[]{32, 64}, 3, true, 128, 0.0);
            case "vgg16": return new VGGFactory(false, 8, 0.5);
            case "vgg16bn": return new VGGFactory(true, 8, 0.5);
            case "preresnet8": return new PreResNetFactory(8, 16);
            case "preresnet20": return new PreResNetFactory(20, 16);
            case "wrn16-2": return new WideResNetFactory(16, 2, 0.0);
            default: throw new IllegalArgumentException("network = " + name
                    + "; allowed: mlp, cnn, vgg16, vgg16bn, preresnet8, preresnet20, wrn16-2");
        }
    }

    /** The usage line. */
    static final String USAGE = "TrainNetwork [--network mlp|cnn|vgg16|vgg16bn|preresnet8|preresnet20|wrn16-2] "
                + "[--data embedded|DIR] [--epochs E] [--batch B] [--lr A0] [--threads T] [--device auto|cpu|gpu] [--save FILE]";

    /**
     * Runs the program from the command line: {@code --help} prints the usage, a bad option is one
     * line and exit code 2.
     * @param args See the class documentation.
     * @throws Exception if it fails otherwise.
     */
    public static void main(String[] args) throws Exception {
        Options.main("TrainNetwork", args, USAGE, () -> run(args));
    }

    /**
     * Runs the program.
     * @param args See the class documentation.
     * @throws Exception if it fails.
     */
    static void run(String[] args) throws Exception {
        Options o = Options.parse(args, USAGE,
                "network", "data", "epochs", "batch", "lr", "threads", "device", "save");
        String networkName = o.get("network", "mlp");
        String data = o.get("data", FashionMnist.EMBEDDED);
        int epochs = o.getInt("epochs", 2);
        int batch = o.getInt("batch", 128);
        double lr = o.getDouble("lr", 0.05);
        int threads = o.getInt("threads", 0);
        String device = o.get("device", "auto");
        String save = o.get("save", null);
        Path dir = FashionMnist.resolve(data);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        long steps = (long) epochs * TrainingLoop.stepsPerEpoch(train.size(), batch);
        DJLTrainer<Label> trainer = new DJLTrainer<>(network(networkName), new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE),
                new LabelConverter(), epochs, batch, new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4),
                new BaselineSchedule(lr, steps), 1L, device, threads, false);
        long start = System.nanoTime();
        try (DJLModel<Label> model = trainer.train(train)) {
            double seconds = (System.nanoTime() - start) / 1e9;
            LabelEvaluation eval = new LabelEvaluator().evaluate(model, test);
            System.out.printf(Locale.ROOT, "%s on %d images, %d epochs: test accuracy %.4f, training %.1f s%n",
                    networkName, train.size(), epochs, eval.accuracy(), seconds);
            if (save != null) {
                ModelFiles.save(model, Path.of(save));
                System.out.println("saved " + save);
            }
        }
    }
}
