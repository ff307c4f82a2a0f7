package io.github.tribuoswa.examples;

import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.schedule.BaselineSchedule;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.SWASchedule;
import io.github.tribuoswa.sgd.SWAOptimiser;
import io.github.tribuoswa.sgd.ScheduledSGD;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.optimisers.SGD;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The main job: logistic regression on Fashion-MNIST trained with plain SGD and with SWA, the
 * same budget for both, and a table of test accuracy, test NLL and wall time.
 * <p>
 * SGD follows the papers' baseline schedule over the whole budget of E epochs. SWA (budget 1 of
 * Izmailov et al. 2018) runs the same schedule compressed into the first 75% of the budget,
 * decaying to the SWA rate, then holds the SWA rate and averages ŵ and the weights at the end
 * of every cycle (by default ten per epoch).
 * <pre>
 * usage: SgdVsSwa [--data embedded|DIR] [--epochs E] [--lr A0] [--swa-lr A] [--cycles-per-epoch K] [--seed S]
 * </pre>
 * Without {@code --data} it uses the full data set when Debian's {@code dataset-fashion-mnist}
 * is installed, else the embedded 6,000/1,000 subset.
 */
public final class SgdVsSwa {

    private SgdVsSwa() {}

    /**
     * One row of the table.
     * @param method The method's name.
     * @param accuracy Test accuracy.
     * @param nll Mean negative log-likelihood of the true labels on the test set.
     * @param seconds Training wall time.
     */
    record Result(String method, double accuracy, double nll, double seconds) {}

    /** The usage line. */
    static final String USAGE = "SgdVsSwa [--data embedded|DIR] [--epochs E] [--lr A0] [--swa-lr A] [--cycles-per-epoch K] [--seed S]";

    /**
     * Runs the program from the command line: {@code --help} prints the usage, a bad option is one
     * line and exit code 2.
     * @param args See the class documentation.
     * @throws Exception if it fails otherwise.
     */
    public static void main(String[] args) throws Exception {
        Options.main("SgdVsSwa", args, USAGE, () -> run(args));
    }

    /**
     * Runs the program.
     * @param args See the class documentation.
     * @throws IOException if it fails.
     */
    static void run(String[] args) throws IOException {
        Options o = Options.parse(args, USAGE,
                "data", "epochs", "lr", "swa-lr", "cycles-per-epoch", "seed");
        String data = o.get("data", null);
        int epochs = o.getInt("epochs", 10);
        double lr = o.getDouble("lr", 0.01);
        double swaLr = o.getDouble("swa-lr", 0.01);
        int cyclesPerEpoch = o.getInt("cycles-per-epoch", 10);
        long seed = o.getLong("seed", 1L);
        if (epochs < 1 || cyclesPerEpoch < 1) {
            throw new IllegalArgumentException("epochs and cycles-per-epoch must be >= 1");
        }
        Path dir = FashionMnist.resolve(data);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        System.out.printf(Locale.ROOT, "Fashion-MNIST %s: %d train / %d test images%n",
                FashionMnist.isEmbedded(dir) ? "embedded subset" : "from " + dir, train.size(), test.size());

        long stepsPerEpoch = train.size(); // minibatch size 1: one step per example
        long budget = epochs * stepsPerEpoch;
        long swaStart = Math.round(0.75 * budget);
        long cycle = Math.max(1, stepsPerEpoch / cyclesPerEpoch);

        StochasticGradientOptimiser sgd = new ScheduledSGD(new BaselineSchedule(lr, budget));
        StochasticGradientOptimiser swa = new SWAOptimiser(SGD.getSimpleSGD(1.0),
                new SWASchedule(lr, swaStart, new ConstantSchedule(swaLr, cycle)));

        System.out.printf(Locale.ROOT, "Logistic regression, %d epochs (%d steps), minibatch 1, seed %d%n", epochs, budget, seed);
        System.out.printf(Locale.ROOT, "  SGD: %s%n  SWA: %s%n", sgd, swa);
        List<Result> results = List.of(
                run("SGD", new LinearSGDTrainer(new LogMulticlass(), sgd, epochs, -1, 1, seed), train, test),
                run("SWA", new LinearSGDTrainer(new LogMulticlass(), swa, epochs, -1, 1, seed), train, test));

        System.out.println();
        System.out.println("| method | test accuracy | test NLL | wall time (s) |");
        System.out.println("|--------|---------------|----------|---------------|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %-6s | %13.4f | %8.4f | %13.2f |%n", r.method(), r.accuracy(), r.nll(), r.seconds());
        }
    }

    private static Result run(String name, Trainer<Label> trainer, Dataset<Label> train, Dataset<Label> test) {
        long start = System.nanoTime();
        Model<Label> model = trainer.train(train);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Prediction<Label>> predictions = model.predict(test);
        double accuracy = new LabelEvaluator().evaluate(model, predictions, test.getProvenance()).accuracy();
        return new Result(name, accuracy, Metrics.negativeLogLikelihood(predictions), seconds);
    }
}
