package io.github.tribuoswa.examples;

import io.github.tribuoswa.calibration.Calibration;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.network.NetworkFactory;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.EnsembleModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The main job: a network trained on Fashion-MNIST with SGD, SWA and FGE at the same budget of
 * E epochs (the papers' budget 1), and a table of test accuracy, NLL, Brier score, ECE (15 bins,
 * {@link Calibration}) and wall time.
 * <ul>
 *   <li>SGD: the papers' baseline schedule (α0, linear decay from half the budget to 1% at 90%).</li>
 *   <li>SWA: the baseline compressed into the first 75% of the budget, decaying to the SWA rate,
 *   then a constant rate, averaging once per epoch, then a BatchNorm refresh of w_SWA.</li>
 *   <li>FGE: the same first 75%, then triangular cycles of half an epoch between the SWA rate
 *   and a tenth of it, a snapshot at every cycle's mid-point; the ensemble averages the
 *   snapshots' probabilities.</li>
 * </ul>
 * <pre>
 * usage: SgdSwaFge [--data embedded|full|DIR] [--network cnn|mlp|vgg16bn|preresnet20|wrn16-2] [--epochs E]
 *                  [--lr A0] [--swa-lr A] [--batch B] [--threads T] [--seed S]
 * </pre>
 * By default: the BatchNorm CNN on the embedded 6,000/1,000 subset, 10 epochs (a few minutes
 * on 2 cores); {@code --data full} runs the full comparison on Debian's full data set.
 */
public final class SgdSwaFge {

    private SgdSwaFge() {}

    /** The usage line of the main job. */
    static final String USAGE = "SgdSwaFge [--data embedded|full|DIR] [--network cnn|mlp|vgg16bn|preresnet20|wrn16-2] [--epochs E >= 4] "
            + "[--lr A0 > 0] [--swa-lr A > 0] [--batch B >= 1] [--threads T >= 0] [--seed S]";

    /**
     * Runs the comparison from the command line: a bad option is one line on standard error and
     * exit code 2 (no stack trace); {@code --help} prints the usage.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read or a run fails.
     */
    public static void main(String[] args) throws Exception {
        Options.main("SgdSwaFge", args, USAGE, () -> run(args));
    }

    /**
     * Runs the comparison.
     * @param args See the class documentation.
     * @throws IllegalArgumentException naming the option and its allowed values if one is bad.
     * @throws Exception if the data cannot be read or a run fails.
     */
    public static void run(String[] args) throws Exception {
        Options o = Options.parse(args, USAGE, "data", "network", "epochs", "lr", "swa-lr", "batch", "threads", "seed");
        String data = o.get("data", FashionMnist.EMBEDDED);
        String networkName = o.get("network", "cnn");
        int epochs = o.getInt("epochs", 10);
        double lr = o.getDouble("lr", 0.05);
        double swaLr = o.getDouble("swa-lr", 0.01);
        int batch = o.getInt("batch", 128);
        int threads = o.getInt("threads", 2);
        long seed = o.getLong("seed", 1L);
        if (epochs < 4) {
            throw new IllegalArgumentException("--epochs = " + epochs + " is out of range; allowed: integer >= 4 (SWA and FGE take the last "
                    + "quarter of the budget, at least one epoch)");
        }
        o.requirePositive("lr", lr);
        o.requirePositive("swa-lr", swaLr);
        if (batch < 1) {
            throw new IllegalArgumentException("--batch = " + batch + " is out of range; allowed: integer >= 1");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads = " + threads + " is out of range; allowed: integer >= 0 (0: one per core)");
        }
        TrainNetwork.network(networkName); // an unknown network fails here, before the data is read
        Path dir = FashionMnist.resolve(data);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        NetworkFactory network = TrainNetwork.network(networkName);
        Recipes<Label> recipes = Recipes.images(network, lr, swaLr, 0.1, batch, seed, threads, "auto");
        int stepsPerEpoch = recipes.stepsPerEpoch(train.size());
        int swaStart = (int) Math.round(0.75 * epochs);
        long budget = (long) epochs * stepsPerEpoch;
        List<NetworkTrainer<Label, ?>> trainers = List.of(
                recipes.sgd(epochs, stepsPerEpoch),
                recipes.swa(epochs, swaStart, stepsPerEpoch, stepsPerEpoch),
                recipes.fge(epochs, swaStart, stepsPerEpoch, Recipes.evenSteps(stepsPerEpoch, 0.5)));
        String[] names = {"SGD", "SWA", "FGE"};
        System.out.printf(Locale.ROOT, "Fashion-MNIST %s: %d train / %d test images; %s, budget %d epochs (%d steps), "
                        + "SWA/FGE from epoch %d, %d threads%n", FashionMnist.isEmbedded(dir) ? "embedded subset" : "from " + dir,
                train.size(), test.size(), network, epochs, budget, swaStart, threads);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < trainers.size(); i++) {
            NetworkTrainer<Label, ?> trainer = trainers.get(i);
            trainer.setProgressBar(true);
            long start = System.nanoTime();
            Model<Label> model = trainer.train(train);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Prediction<Label>> predictions = model.predict(test);
            int members = model instanceof EnsembleModel ? ((EnsembleModel<Label>) model).getNumModels() : 1;
            Calibration c = Calibration.of(predictions, model.getOutputIDInfo(), Calibration.DEFAULT_BINS);
            rows.add(String.format(Locale.ROOT, "| %-6s | %13.4f | %8.4f | %10.4f | %8.4f | %13.1f | %8d |", names[i],
                    c.accuracy(), c.negativeLogLikelihood(), c.brier(), c.expectedCalibrationError(), seconds, members));
        }
        System.out.println();
        System.out.println("| method | test accuracy | test NLL | test Brier | test ECE | wall time (s) | networks |");
        System.out.println("|--------|---------------|----------|------------|----------|---------------|----------|");
        rows.forEach(System.out::println);
    }
}
