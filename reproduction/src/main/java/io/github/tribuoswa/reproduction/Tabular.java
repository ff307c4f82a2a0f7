package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.calibration.Calibration;
import io.github.tribuoswa.data.Folds;
import io.github.tribuoswa.data.TabularData;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TabularSwa;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.convert.RegressorConverter;
import io.github.tribuoswa.util.AtomicFiles;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Issue 19's comparison on the two tabular data sets of {@link TabularData}: k-fold
 * cross-validation (folds of {@link Folds#assign}, seeds 1..R, the same folds the PyTorch side
 * computes), on every fold the plugin's MLP ({@link Recipes#tabular}) with SGD, SWA and FGE
 * against Tribuo's own trainers on the same folds, a linear model (Tribuo's linear SGD, AdaGrad,
 * 100 epochs, features standardised by a {@link TransformTrainer}) and a random forest (100 CART
 * trees, Tribuo's {@link RandomForestTrainer}). Scored on the held-out fold: RMSE and R&sup2; for
 * regression (diabetes), accuracy, NLL and ECE (15 bins) for classification (breast cancer).
 * One CSV row per (data, repeat, fold, method), appended as each finishes, so a killed run
 * resumes.
 * <pre>
 * usage: Tabular [--data DIR] [--folds 5] [--repeats 3] [--threads 1] [--methods MLP-SGD,...] [--out FILE]
 * </pre>
 */
public final class Tabular {

    static final String HEADER = "engine,data,repeat,fold,method,train_rows,test_rows,rmse,r2,accuracy,nll,ece,wall_s";
    static final List<String> METHODS = List.of("MLP-SGD", "MLP-SWA", "MLP-FGE", "Tribuo-Linear", "Tribuo-RandomForest");
    static final String USAGE = "Tabular [--data DIR] [--folds K >= 2] [--repeats R >= 1] [--threads T >= 1] [--methods "
            + String.join(",", METHODS) + "] [--out FILE]";

    private Tabular() {}

    /**
     * Runs the comparison.
     * @param args See the class documentation.
     * @throws Exception if it fails.
     */
    public static void main(String[] args) throws Exception {
        Options.main("Tabular", args, USAGE, () -> run(args));
    }

    static void run(String[] args) throws Exception {
        Options o = Options.parse(args, USAGE, "data", "folds", "repeats", "threads", "methods", "out");
        Path data = Path.of(o.get("data", "target/tabular"));
        int folds = o.getInt("folds", 5);
        int repeats = o.getInt("repeats", 3);
        int threads = o.getInt("threads", 1);
        List<String> methods = Arrays.asList(o.get("methods", String.join(",", METHODS)).split(","));
        Path out = Path.of(o.get("out", "docs/results/tabular-djl.csv"));
        if (folds < 2) {
            throw new IllegalArgumentException("--folds = " + folds + " is out of range; allowed: integer >= 2");
        }
        if (repeats < 1 || threads < 1) {
            throw new IllegalArgumentException("--repeats = " + repeats + ", --threads = " + threads + " are out of range; allowed: integers >= 1");
        }
        if (!METHODS.containsAll(methods)) {
            throw new IllegalArgumentException("--methods = " + String.join(",", methods) + " is out of range; allowed: a subset of "
                    + String.join(",", METHODS));
        }
        for (TabularData.Table t : TabularData.Table.values()) {
            if (!Files.isRegularFile(data.resolve(t.fileName() + ".csv"))) {
                TabularData.write(t, TabularData.sourceDirectory(), data);
            }
        }
        Set<String> done = existing(out);
        System.out.println("Tabular: " + folds + "-fold cross-validation x " + repeats + " repeats, " + threads + " thread(s), writing " + out);
        for (int r = 1; r <= repeats; r++) {
            for (int f = 0; f < folds; f++) {
                fold(TabularData.Table.DIABETES, new RegressionFactory(), new RegressorConverter(), data, r, f, folds, threads, methods, done, out);
                fold(TabularData.Table.BREAST_CANCER, new LabelFactory(), new LabelConverter(), data, r, f, folds, threads, methods, done, out);
            }
        }
    }

    private static Set<String> existing(Path out) throws IOException {
        Set<String> done = new HashSet<>();
        if (Files.exists(out)) {
            List<String> lines = Files.readAllLines(out);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                throw new IllegalArgumentException("--out = " + out + " is not a tabular CSV (first line must be " + HEADER + "); move it away");
            }
            for (String l : lines.subList(1, lines.size())) {
                String[] c = l.split(",");
                done.add(c[1] + "," + c[2] + "," + c[3] + "," + c[4]);
            }
        } else {
            AtomicFiles.write(out, tmp -> Files.writeString(tmp, HEADER + "\n"));
        }
        return done;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Output<T>> void fold(TabularData.Table table, OutputFactory<T> factory, OutputConverter<T> converter, Path data,
                                                   int repeat, int fold, int folds, int threads, List<String> methods, Set<String> done,
                                                   Path out) throws IOException {
        List<Example<T>> all = new ArrayList<>();
        new MutableDataset<>(TabularSwa.csv(data.resolve(table.fileName() + ".csv"), table, factory)).forEach(all::add);
        int[] assignment = Folds.assign(all.size(), folds, repeat);
        String name = table.fileName() + " repeat " + repeat + " fold " + fold + " of " + folds;
        MutableDataset<T> train = new MutableDataset<>(new SimpleDataSourceProvenance(name + " (training)", factory), factory);
        MutableDataset<T> test = new MutableDataset<>(new SimpleDataSourceProvenance(name + " (held out)", factory), factory);
        for (int i = 0; i < all.size(); i++) {
            (assignment[i] == fold ? test : train).add(all.get(i));
        }
        long seed = 100L * repeat + fold;
        for (String method : methods) {
            String key = table.fileName() + "," + repeat + "," + fold + "," + method;
            if (done.contains(key)) {
                continue;
            }
            long t0 = System.nanoTime();
            Model<T> model = trainer(method, converter, seed, threads, train.size()).train(train);
            double wall = (System.nanoTime() - t0) / 1e9;
            String scores;
            if (model.validate(Regressor.class)) {
                RegressionEvaluation e = new RegressionEvaluator().evaluate((Model<Regressor>) model, (Dataset<Regressor>) test);
                scores = String.format(Locale.ROOT, "%.4f,%.4f,,,", e.averageRMSE(), e.averageR2());
            } else {
                Model<Label> m = (Model<Label>) model;
                Calibration c = Calibration.of(m.predict((Dataset<Label>) test), m.getOutputIDInfo(), Calibration.DEFAULT_BINS);
                scores = String.format(Locale.ROOT, ",,%.4f,%.4f,%.4f", c.accuracy(), c.negativeLogLikelihood(), c.expectedCalibrationError());
            }
            String row = String.format(Locale.ROOT, "djl,%s,%d,%d,%s,%d,%d,%s,%.1f", table.fileName(), repeat, fold, method, train.size(),
                    test.size(), scores, wall);
            Files.writeString(out, row + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            System.out.println(row);
            if (model instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T extends Output<T>> Trainer<T> trainer(String method, OutputConverter<T> converter, long seed, int threads, int n) {
        boolean regression = converter instanceof RegressorConverter;
        Recipes<T> recipes = Recipes.tabular(converter, seed, threads);
        int epochs = Recipes.TABULAR_EPOCHS;
        int start = (int) Math.round(0.75 * epochs);
        int spe = recipes.stepsPerEpoch(n);
        switch (method) {
            case "MLP-SGD":
                return recipes.sgd(epochs, spe);
            case "MLP-SWA":
                return recipes.swa(epochs, start, spe, spe);
            case "MLP-FGE":
                return recipes.fge(epochs, start, spe, Recipes.evenSteps(spe, 2.0));
            case "Tribuo-Linear": {
                Trainer inner = regression
                        ? new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), new AdaGrad(1.0, 0.1), 100, seed)
                        : new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new LogMulticlass(), new AdaGrad(1.0, 0.1), 100, seed);
                return new TransformTrainer<>(inner, new TransformationMap(List.of(new MeanStdDevTransformation())), true);
            }
            case "Tribuo-RandomForest":
                if (regression) {
                    return (Trainer) new RandomForestTrainer<>(new CARTRegressionTrainer(Integer.MAX_VALUE, 5f, 0f, 1f / 3, false,
                            new MeanSquaredError(), seed), new AveragingCombiner(), 100, seed);
                }
                return (Trainer) new RandomForestTrainer<>(new CARTClassificationTrainer(Integer.MAX_VALUE, 1f, 0f, (float) Math.sqrt(30) / 30,
                        false, new GiniIndex(), seed), new FullyWeightedVotingCombiner(), 100, seed);
            default:
                throw new IllegalArgumentException("method = " + method + "; allowed: " + String.join(", ", METHODS));
        }
    }
}
