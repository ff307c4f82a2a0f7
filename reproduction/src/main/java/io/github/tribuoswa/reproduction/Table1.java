package io.github.tribuoswa.reproduction;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.Metrics;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.core.Initialisation;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.EnsembleModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The harness of the papers' Table 1 at Fashion-MNIST scale: SGD, SWA and FGE at training
 * budgets 1, 1.25 and 1.5 for several networks and seeds, one CSV row per (network, seed,
 * method, budget) with test accuracy, test NLL, wall time and samples/s.
 * <p>
 * A budget B is the number of epochs of conventional SGD; a budget b is round(b·B) epochs.
 * SGD runs once per budget (its schedule depends on the budget). SWA and FGE start from the
 * same 0.75·B epochs of SGD (the papers' recipe: SWA at budget 1 runs SGD for 0.75 of the
 * budget) and run once to 1.5·B: their models at budgets 1 and 1.25 are the models the run
 * would have returned at those epochs ({@link NetworkTrainer#addEpochModelListener}, which
 * gives exactly the model of a shorter run), their wall times are the run's time up to there,
 * including the BatchNorm refresh of that model but not the forming and testing of earlier ones.
 * SWA averages every half epoch at a constant rate; FGE takes a snapshot every half epoch.
 * <p>
 * Resumable: rows already in the CSV are not run again, so a killed run resumes with the next
 * missing (network, seed, method). The report ({@code reproduction/python/table1_report.py}) turns the
 * CSV of this program and of {@code reproduction/python/table1_pytorch.py} into {@code docs/results.md}.
 * <pre>
 * usage: Table1 [--data full|embedded|DIR] [--networks mlp:8,cnn:4,preresnet8:4] [--seeds 1,2,3]
 *               [--threads 1] [--lr 0.05] [--swa-lr 0.01] [--fge-ratio 0.05] [--out FILE]
 *               [--methods SGD,SWA,FGE] [--sgd-budgets 1,1.25,1.5] [--initialisation DJL|PYTORCH]
 * </pre>
 * {@code --initialisation PYTORCH} draws the initial weights as {@code torch.nn} does (see
 * {@link Initialisation}); {@code --methods} runs only some of the methods and
 * {@code --sgd-budgets} only some of SGD's budgets (SWA and FGE always run to 1.5).
 */
public final class Table1 {

    /** The budgets, as fractions of B. */
    static final double[] BUDGETS = {1.0, 1.25, 1.5};
    static final String HEADER = "engine,network,seed,method,budget,epochs,test_accuracy,test_nll,wall_s,samples_per_s,models,threads";

    private Table1() {}

    private static int budgetEpochs(double b, int budget) {
        double e = b * budget;
        if (Math.abs(e - Math.rint(e)) > 1e-9) {
            throw new IllegalArgumentException("budget epochs = " + budget
                    + " is out of range; allowed: a multiple of 4 (so that 0.75, 1.25 and 1.5 budgets are whole epochs)");
        }
        return (int) Math.rint(e);
    }

    private static final class Csv {
        private final Path file;
        private final Set<String> done = new HashSet<>();

        Csv(Path file) throws IOException {
            this.file = file;
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                    throw new IllegalArgumentException("out = " + file + " is not a Table 1 CSV (its first line must be " + HEADER
                            + "); move it away");
                }
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(",");
                    done.add(key(f[1], Long.parseLong(f[2]), f[3], Double.parseDouble(f[4])));
                }
            } else {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
            }
        }

        static String key(String network, long seed, String method, double budget) {
            return network + "|" + seed + "|" + method + "|" + budget;
        }

        boolean has(String network, long seed, String method, double budget) {
            return done.contains(key(network, seed, method, budget));
        }

        void add(String network, long seed, String method, double budget, int epochs, Model<Label> model, MutableDataset<Label> test,
                 double wallSeconds, int trainSize, int threads) throws IOException {
            if (has(network, seed, method, budget)) {
                return;
            }
            List<Prediction<Label>> predictions = model.predict(test);
            int members = model instanceof EnsembleModel ? ((EnsembleModel<Label>) model).getNumModels() : 1;
            String row = String.format(Locale.ROOT, "djl,%s,%d,%s,%.2f,%d,%.4f,%.4f,%.1f,%.0f,%d,%d", network, seed, method, budget, epochs,
                    Metrics.accuracy(predictions), Metrics.negativeLogLikelihood(predictions), wallSeconds,
                    (double) epochs * trainSize / wallSeconds, members, threads);
            Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            done.add(key(network, seed, method, budget));
            System.out.println(row);
            close(model);
        }
    }

    private static void close(Model<Label> model) {
        if (model instanceof EnsembleModel) {
            ((EnsembleModel<Label>) model).getModels().forEach(Table1::close);
        } else if (model instanceof AutoCloseable) {
            try {
                ((AutoCloseable) model).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Runs one SWA or FGE run to 1.5·B epochs, recording its models at every budget.
     */
    private static <M extends Model<Label>> void phased(Csv csv, String network, long seed, String method, NetworkTrainer<Label, M> trainer,
                                                         int budget, MutableDataset<Label> train, MutableDataset<Label> test,
                                                         int threads) throws IOException {
        Map<Integer, Double> budgetOf = new LinkedHashMap<>();
        for (double b : BUDGETS) {
            budgetOf.put(budgetEpochs(b, budget), b);
        }
        double[] excluded = {0};
        long[] epochEnd = {0};
        long start = System.nanoTime();
        trainer.addObserver(new TrainingListenerAdapter() {
            @Override
            public void onEpoch(Trainer t) {
                epochEnd[0] = System.nanoTime();
            }
        });
        trainer.addEpochModelListener(budgetOf::containsKey, (e, model) -> {
            double wall = (System.nanoTime() - start) / 1e9 - excluded[0];
            try {
                csv.add(network, seed, method, budgetOf.get(e), e, model, test, wall, train.size(), threads);
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
            excluded[0] += (System.nanoTime() - epochEnd[0]) / 1e9;
        });
        M last = trainer.train(train);
        double wall = (System.nanoTime() - start) / 1e9 - excluded[0];
        csv.add(network, seed, method, BUDGETS[BUDGETS.length - 1], budgetEpochs(BUDGETS[BUDGETS.length - 1], budget), last, test,
                wall, train.size(), threads);
    }

    /** The trainer without a progress bar, drawing its weights as asked. */
    private static NetworkTrainer<Label, ?> quiet(NetworkTrainer<Label, ?> trainer, Initialisation init) {
        trainer.setProgressBar(false);
        trainer.setInitialisation(init);
        return trainer;
    }

    /**
     * Runs the harness.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read or the CSV written.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "Table1 [--data full|embedded|DIR] [--networks mlp:8,cnn:4,preresnet8:4] [--seeds 1,2,3] "
                + "[--threads 1] [--lr 0.05] [--swa-lr 0.01] [--fge-ratio 0.05] [--out FILE] [--methods SGD,SWA,FGE] "
                + "[--sgd-budgets 1,1.25,1.5] [--initialisation DJL|PYTORCH]",
                "data", "networks", "seeds", "threads", "lr", "swa-lr", "fge-ratio", "out", "methods", "sgd-budgets", "initialisation");
        String data = o.get("data", "full");
        String networks = o.get("networks", "mlp:8,cnn:4,preresnet8:4");
        String seeds = o.get("seeds", "1,2,3");
        int threads = o.getInt("threads", 1);
        double lr = o.getDouble("lr", 0.05);
        double swaLr = o.getDouble("swa-lr", 0.01);
        double fgeRatio = o.getDouble("fge-ratio", 0.05);
        Path out = Path.of(o.get("out", "docs/results/table1-djl.csv"));
        Set<String> methods = Set.of(o.get("methods", "SGD,SWA,FGE").split(","));
        if (!Set.of("SGD", "SWA", "FGE").containsAll(methods)) {
            throw new IllegalArgumentException("methods = " + o.get("methods", "")
                    + " is out of range; allowed: a comma-separated subset of SGD,SWA,FGE");
        }
        List<Double> sgdBudgets = new ArrayList<>();
        for (String b : o.get("sgd-budgets", "1,1.25,1.5").split(",")) {
            double v;
            try {
                v = Double.parseDouble(b);
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            double budget = v;
            if (Arrays.stream(BUDGETS).noneMatch(x -> x == budget)) {
                throw new IllegalArgumentException("sgd-budgets = " + b + " is out of range; allowed: 1, 1.25, 1.5");
            }
            sgdBudgets.add(budget);
        }
        Initialisation init;
        try {
            init = Initialisation.valueOf(o.get("initialisation", "DJL"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("initialisation = " + o.get("initialisation", "DJL") + " is out of range; allowed: DJL, PYTORCH", e);
        }
        Path dir = FashionMnist.resolve(data);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        Csv csv = new Csv(out);
        List<String[]> plan = new ArrayList<>();
        for (String spec : networks.split(",")) {
            String[] p = spec.split(":");
            if (p.length != 2) {
                throw new IllegalArgumentException("networks = " + networks + "; allowed: name:budgetEpochs,... e.g. mlp:8,cnn:4");
            }
            budgetEpochs(0.25, Integer.parseInt(p[1]));
            plan.add(p);
        }
        System.out.printf(Locale.ROOT, "Table 1 on %s (%d train / %d test), %d threads, writing %s%n", dir, train.size(), test.size(), threads, out);
        for (String[] p : plan) {
            String name = p[0];
            int budget = Integer.parseInt(p[1]);
            for (String s : seeds.split(",")) {
                long seed = Long.parseLong(s.trim());
                Recipes<Label> recipes = Recipes.images(TrainNetwork.network(name), lr, swaLr, fgeRatio, 128, seed, threads, "cpu");
                int spe = recipes.stepsPerEpoch(train.size());
                int start = budgetEpochs(0.75, budget);
                int last = budgetEpochs(BUDGETS[BUDGETS.length - 1], budget);
                int cycle = Recipes.evenSteps(spe, 0.5);
                for (double b : sgdBudgets) {
                    if (methods.contains("SGD") && !csv.has(name, seed, "SGD", b)) {
                        NetworkTrainer<Label, ?> sgd = quiet(recipes.sgd(budgetEpochs(b, budget), spe), init);
                        long t0 = System.nanoTime();
                        Model<Label> model = sgd.train(train);
                        csv.add(name, seed, "SGD", b, budgetEpochs(b, budget), model, test, (System.nanoTime() - t0) / 1e9, train.size(), threads);
                    }
                }
                if (methods.contains("SWA") && !csv.has(name, seed, "SWA", BUDGETS[BUDGETS.length - 1])) {
                    NetworkTrainer<Label, ?> swa = quiet(recipes.swa(last, start, spe, cycle), init);
                    phased(csv, name, seed, "SWA", swa, budget, train, test, threads);
                }
                if (methods.contains("FGE") && !csv.has(name, seed, "FGE", BUDGETS[BUDGETS.length - 1])) {
                    NetworkTrainer<Label, ?> fge = quiet(recipes.fge(last, start, spe, cycle), init);
                    phased(csv, name, seed, "FGE", fge, budget, train, test, threads);
                }
            }
        }
    }
}
