package io.github.tribuoswa.examples;

import io.github.tribuoswa.calibration.Calibration;
import io.github.tribuoswa.data.TabularData;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.convert.RegressorConverter;
import io.github.tribuoswa.storage.ModelFiles;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.columnar.FieldProcessor;
import org.tribuo.data.columnar.RowProcessor;
import org.tribuo.data.columnar.processors.field.DoubleFieldProcessor;
import org.tribuo.data.columnar.processors.response.FieldResponseProcessor;
import org.tribuo.data.csv.CSVDataSource;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tabular data from CSV to a saved SWA model, as docs/tabular.md walks through it: the diabetes
 * data (regression) and the Wisconsin breast cancer data (classification) that Debian's
 * {@code python3-sklearn} ships, written as CSV by {@link TabularData}, read with Tribuo's
 * {@link CSVDataSource} and {@link RowProcessor} (a {@link DoubleFieldProcessor} per feature
 * column, a {@link FieldResponseProcessor} for the target), an MLP with BatchNorm and dropout
 * trained with SGD and with SWA ({@link Recipes#tabular}: standardised features, and for
 * regression standardised targets), evaluated on the fixed test split, the SWA models saved with
 * {@link ModelFiles}.
 * <pre>
 * usage: TabularSwa [--data DIR] [--output DIR] [--threads T] [--seed S]
 * </pre>
 * {@code --data} holds (or receives) the CSV files (default {@code target/tabular}); the models go
 * to {@code --output} (default: the data directory) as {@code diabetes-swa.tribuo} and
 * {@code breast-cancer-swa.tribuo}.
 */
public final class TabularSwa {

    static final String USAGE = "TabularSwa [--data DIR] [--output DIR] [--threads T >= 1] [--seed S]";

    private TabularSwa() {}

    /**
     * A CSV file of a table as a Tribuo data source: every feature column a
     * {@link DoubleFieldProcessor} (the feature named as the column), the target column the
     * response of {@code factory}.
     * @param file The CSV file (with the header {@link TabularData#write} writes).
     * @param table The table.
     * @param factory {@link RegressionFactory} or {@link LabelFactory}.
     * @param <T> The output type.
     * @return The data source.
     */
    public static <T extends Output<T>> CSVDataSource<T> csv(Path file, TabularData.Table table, OutputFactory<T> factory) {
        Map<String, FieldProcessor> fields = new LinkedHashMap<>();
        for (String f : table.features()) {
            fields.put(f, new DoubleFieldProcessor(f, true, true));
        }
        FieldResponseProcessor<T> response = new FieldResponseProcessor<>(List.of(table.target()), List.of(""), factory, false, false);
        return new CSVDataSource<>(file, new RowProcessor<>(response, fields), true);
    }

    /**
     * Runs the example: {@code --help} prints the usage, a bad option is one line and exit code 2.
     * @param args See the class documentation.
     * @throws Exception if it fails otherwise.
     */
    public static void main(String[] args) throws Exception {
        Options.main("TabularSwa", args, USAGE, () -> run(args));
    }

    static void run(String[] args) throws Exception {
        Options o = Options.parse(args, USAGE, "data", "output", "threads", "seed");
        Path data = Path.of(o.get("data", "target/tabular"));
        Path output = Path.of(o.get("output", data.toString()));
        int threads = o.getInt("threads", 1);
        if (threads < 1) {
            throw new IllegalArgumentException("--threads = " + threads + " is out of range; allowed: integer >= 1");
        }
        long seed = o.getLong("seed", 1L);
        for (TabularData.Table t : TabularData.Table.values()) {
            if (!Files.isRegularFile(data.resolve(t.fileName() + "-train.csv"))) {
                System.out.println("writing " + TabularData.write(t, TabularData.sourceDirectory(), data) + " from python3-sklearn");
            }
        }
        compare(TabularData.Table.DIABETES, new RegressionFactory(), new RegressorConverter(), data, output, threads, seed);
        compare(TabularData.Table.BREAST_CANCER, new LabelFactory(), new LabelConverter(), data, output, threads, seed);
    }

    private static <T extends Output<T>> void compare(TabularData.Table table, OutputFactory<T> factory, OutputConverter<T> converter,
                                                      Path data, Path output, int threads, long seed) throws Exception {
        MutableDataset<T> train = new MutableDataset<>(csv(data.resolve(table.fileName() + "-train.csv"), table, factory));
        MutableDataset<T> test = new MutableDataset<>(csv(data.resolve(table.fileName() + "-test.csv"), table, factory));
        Recipes<T> recipes = Recipes.tabular(converter, seed, threads);
        int epochs = Recipes.TABULAR_EPOCHS;
        int start = (int) Math.round(0.75 * epochs);
        int spe = recipes.stepsPerEpoch(train.size());
        System.out.printf(Locale.ROOT, "%s: %d training and %d test rows, %d features, %d epochs of %d steps%n", table.fileName(), train.size(),
                test.size(), train.getFeatureMap().size(), epochs, spe);
        Map<String, Trainer<T>> trainers = new LinkedHashMap<>();
        trainers.put("SGD", recipes.sgd(epochs, spe));
        trainers.put("SWA", recipes.swa(epochs, start, spe, spe));
        for (Map.Entry<String, Trainer<T>> e : trainers.entrySet()) {
            long t0 = System.nanoTime();
            Model<T> model = e.getValue().train(train);
            System.out.printf(Locale.ROOT, "  %-4s %s (%.1f s)%n", e.getKey(), describe(model, test), (System.nanoTime() - t0) / 1e9);
            if (e.getKey().equals("SWA")) {
                Path file = output.resolve(table.fileName() + "-swa.tribuo");
                ModelFiles.save(model, file);
                System.out.println("       saved " + file);
            }
        }
    }

    /**
     * The test figures of a model: RMSE and R&sup2; (regression), accuracy, NLL and ECE (classification).
     * @param model The model.
     * @param test The test data.
     * @param <T> The output type.
     * @return One line.
     */
    @SuppressWarnings("unchecked")
    static <T extends Output<T>> String describe(Model<T> model, Dataset<T> test) {
        if (model.validate(Regressor.class)) {
            RegressionEvaluation e = new RegressionEvaluator().evaluate((Model<Regressor>) model, (Dataset<Regressor>) test);
            return String.format(Locale.ROOT, "RMSE %.2f, R^2 %.3f", e.averageRMSE(), e.averageR2());
        }
        Model<Label> m = (Model<Label>) model;
        Calibration c = Calibration.of(m.predict((Dataset<Label>) test), m.getOutputIDInfo(), Calibration.DEFAULT_BINS);
        return String.format(Locale.ROOT, "accuracy %.4f, NLL %.4f, ECE %.4f", c.accuracy(), c.negativeLogLikelihood(),
                c.expectedCalibrationError());
    }
}
