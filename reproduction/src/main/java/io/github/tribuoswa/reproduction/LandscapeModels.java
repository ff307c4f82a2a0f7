package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.landscape.TrajectoryRecorder;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Initialisation;
import io.github.tribuoswa.nn.core.TrainingLoop;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.schedule.BaselineSchedule;
import io.github.tribuoswa.storage.ModelFiles;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains the two networks the loss-geometry figures compare, at the same budget of E epochs:
 * w_SGD (the papers' baseline schedule) and w_SWA (the baseline compressed into the first 75%,
 * then cyclic rates with one-epoch cycles, averaging at every cycle end), and records the SWA
 * phase's cycle-end iterates as a trajectory. Writes {@code sgd.tribuo}, {@code swa.tribuo} and
 * {@code trajectory/step-K.f32} to the output directory.
 * <pre>
 * usage: LandscapeModels --out DIR [--data embedded|full|DIR] [--network mlp] [--epochs E] [--threads T]
 * </pre>
 */
public final class LandscapeModels {

    private LandscapeModels() {}

    /**
     * Trains and saves the models.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read or the models written.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "LandscapeModels --out DIR [--data embedded|full|DIR] [--network mlp] [--epochs 20] [--threads 2]",
                "out", "data", "network", "epochs", "threads");
        Path out = o.get("out", null) == null ? null : Path.of(o.get("out", null));
        String data = o.get("data", null);
        String networkName = o.get("network", "mlp");
        int epochs = o.getInt("epochs", 20);
        int threads = o.getInt("threads", 2);
        if (out == null) {
            throw new IllegalArgumentException("--out is required");
        }
        Files.createDirectories(out);
        Path dir = FashionMnist.resolve(data);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        NetworkFactory network = TrainNetwork.network(networkName);
        int batch = 128;
        int spe = TrainingLoop.stepsPerEpoch(train.size(), batch);
        int swaStart = (int) Math.round(0.75 * epochs);
        ImageConverter images = new ImageConverter(1, 28, 28);
        SGDFactory sgd = new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4);

        DJLTrainer<Label> sgdTrainer = new DJLTrainer<>(network, images, new LabelConverter(), epochs, batch, sgd,
                new BaselineSchedule(0.05, (long) epochs * spe), 1L, "auto", threads, false);
        SWATrainer<Label> swaTrainer = new SWATrainer<>(network, images, new LabelConverter(), epochs, batch, sgd,
                new BaselineSchedule(0.05, (long) swaStart * spe, 0.2), swaStart, 0.05, 0.005, 1, CycleUnit.EPOCHS, Averaging.EQUAL, 0.9,
                true, BatchNormMode.REFRESH, "", 1L, "auto", threads, false);
        // the committed figures (docs/landscape.md) were made with DJL's initial weights
        sgdTrainer.setInitialisation(Initialisation.DJL);
        swaTrainer.setInitialisation(Initialisation.DJL);
        long s = (long) swaStart * spe;
        swaTrainer.addObserver(new TrajectoryRecorder(k -> k >= s && (k - s) % spe == 0, out.resolve("trajectory")));
        try (DJLModel<Label> wSgd = sgdTrainer.train(train); DJLModel<Label> wSwa = swaTrainer.train(train)) {
            ModelFiles.save(wSgd, out.resolve("sgd.tribuo"));
            ModelFiles.save(wSwa, out.resolve("swa.tribuo"));
            System.out.printf(Locale.ROOT, "%s on %d images, %d epochs: test accuracy SGD %.4f, SWA %.4f; SWA from step %d, cycle %d steps%n",
                    networkName, train.size(), epochs, new LabelEvaluator().evaluate(wSgd, test).accuracy(),
                    new LabelEvaluator().evaluate(wSwa, test).accuracy(), s, spe);
        }
    }
}
