package io.github.tribuoswa.cli;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.calibration.Calibration;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.data.TabularData;
import io.github.tribuoswa.examples.SgdSwaFge;
import io.github.tribuoswa.landscape.cli.LandscapeCli;
import io.github.tribuoswa.nn.NetworkConfiguration;
import io.github.tribuoswa.storage.ModelFiles;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code tribuo-swa} command, for what users run without writing Java:
 * <pre>
 *   tribuo-swa train        --config FILE [--set NAME=VALUE]... [--trainer NAME] --train DATA [--test DATA] [--outputs LABEL|REGRESSION]
 *                           [--output MODEL] [--format protobuf|java]
 *   tribuo-swa evaluate     --model MODEL --test DATA [--config FILE [--set NAME=VALUE]...] [--outputs LABEL|REGRESSION]
 *   tribuo-swa sweep        --config FILE [--set NAME=VALUE]... --train DATA --test DATA --seeds 1,2,3,4 [--override C.P=V]...
 *                           [--master local[2]] [--build best|ensemble|soup-uniform] [--output MODEL] [--stop-on-error]
 *   tribuo-swa tabular-data --output DIR [--source DIR]
 *   tribuo-swa main         [the main job's options]
 *   tribuo-swa landscape    plane|rays|segment ...
 * </pre>
 * DATA is one of {@value DataSpec#ALLOWED}. Classifiers are reported by accuracy, NLL, Brier
 * score and ECE; regressors by RMSE, MAE and R&sup2; (per dimension when there are several).
 * Every command has {@code --help}. A usage error
 * (an unknown option, a value out of range, a missing file, a configuration OLCUT refuses) is
 * one line on standard error and exit code 2; a failure while running (a diverging run, an
 * unreadable model) is one line and exit code 1; {@code --verbose} adds the stack trace.
 */
@Command(name = "tribuo-swa", mixinStandardHelpOptions = true, version = "tribuo-swa 0.1.0-SNAPSHOT",
        description = "Weight averaging for Tribuo: train from an OLCUT XML configuration, evaluate a saved model, the main job, loss geometry.",
        subcommands = {TribuoSwaCli.Train.class, TribuoSwaCli.Evaluate.class, TribuoSwaCli.Sweep.class, TribuoSwaCli.TabularDataCommand.class,
            TribuoSwaCli.MainJob.class})
public final class TribuoSwaCli implements Runnable {

    /** Exit code of a usage error. */
    public static final int USAGE = 2;
    /** Exit code of a failure while running. */
    public static final int FAILURE = 1;

    /** OLCUT's refusal of an unknown enum constant, which names the enum class. */
    private static final Pattern NOT_A_CONSTANT = Pattern.compile(" is not a value of class ([\\w.$]+)");

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * {@code --verbose}, on every command.
     */
    static final class Verbosity {
        @Option(names = "--verbose", description = "print the stack trace of an error")
        boolean verbose;
    }

    /**
     * Runs the command and exits with its code.
     * @param args The arguments.
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command.
     * @param args The arguments.
     * @param out Standard output.
     * @param err Standard error.
     * @return The exit code: 0, {@link #USAGE} or {@link #FAILURE}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        PrintStream stdout = System.out;
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        try {
            System.setOut(out); // the main job and the landscape commands print to System.out
            CommandLine cmd = new CommandLine(new TribuoSwaCli());
            cmd.addSubcommand("landscape", new LandscapeCli());
            cmd.setOut(outWriter);
            cmd.setErr(errWriter);
            cmd.setParameterExceptionHandler((e, a) -> {
                err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage() + " (try --help)");
                return USAGE;
            });
            cmd.setExecutionExceptionHandler((e, c, parsed) -> {
                boolean usage = isUsageError(e);
                err.println(c.getCommandName() + ": " + oneLine(e) + (usage ? " (try --help)" : ""));
                if (verbose) {
                    e.printStackTrace(err);
                }
                return usage ? USAGE : FAILURE;
            });
            return cmd.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
            System.setOut(stdout);
        }
    }

    private static boolean isUsageError(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof PropertyException || e instanceof NoSuchFileException
                || e instanceof com.oracle.labs.mlrg.olcut.config.io.ConfigLoaderException;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof NoSuchFileException) {
            m = "no such file: " + m;
        }
        int nl = m.indexOf('\n');
        return allowedConstants(nl < 0 ? m : m.substring(0, nl));
    }

    /**
     * OLCUT refuses an unknown enum constant without naming the allowed ones: they are added.
     */
    private static String allowedConstants(String message) {
        Matcher m = NOT_A_CONSTANT.matcher(message);
        if (!m.find()) {
            return message;
        }
        try {
            Class<?> c = Class.forName(m.group(1), false, TribuoSwaCli.class.getClassLoader());
            if (!c.isEnum()) {
                return message;
            }
            return message + "; allowed: " + Arrays.stream(c.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
        } catch (ClassNotFoundException e) {
            return message;
        }
    }

    /**
     * Prints the test figures of a classifier or a regressor.
     * @param out Where to.
     * @param model The model.
     * @param test The test data (of the model's output type).
     */
    @SuppressWarnings("unchecked")
    static void report(PrintStream out, Model<?> model, Dataset<?> test) {
        requireSameOutputs(model, test);
        if (model.validate(Label.class)) {
            Model<Label> m = (Model<Label>) model;
            Calibration c = Calibration.of(m.predict((Dataset<Label>) test), m.getOutputIDInfo(), Calibration.DEFAULT_BINS);
            out.printf(Locale.ROOT, "test: %d examples, accuracy %.4f, NLL %.4f, Brier %.4f, ECE %.4f%n", test.size(), c.accuracy(),
                    c.negativeLogLikelihood(), c.brier(), c.expectedCalibrationError());
        } else if (model.validate(Regressor.class)) {
            Model<Regressor> m = (Model<Regressor>) model;
            RegressionEvaluation e = new RegressionEvaluator().evaluate(m, (Dataset<Regressor>) test);
            out.printf(Locale.ROOT, "test: %d examples, RMSE %.4f, MAE %.4f, R^2 %.4f%n", test.size(), e.averageRMSE(), e.averageMAE(),
                    e.averageR2());
            if (m.getOutputIDInfo().size() > 1) {
                for (Regressor d : m.getOutputIDInfo().getDomain()) {
                    out.printf(Locale.ROOT, "  %s: RMSE %.4f, MAE %.4f, R^2 %.4f%n", d.getNames()[0], e.rmse(d), e.mae(d), e.r2(d));
                }
            }
        } else {
            throw new IllegalArgumentException("the model predicts " + outputName(model.getOutputIDInfo().getDomain().iterator().next())
                    + "; allowed: Label or Regressor models");
        }
    }

    private static String outputName(Object output) {
        return output instanceof Regressor ? "Regressor" : output.getClass().getSimpleName();
    }

    private static void requireSameOutputs(Model<?> model, Dataset<?> test) {
        String a = outputName(model.getOutputIDInfo().getDomain().iterator().next());
        String b = outputName(test.getOutputInfo().getDomain().iterator().next());
        if (!a.equals(b)) {
            throw new IllegalArgumentException("--test has " + b + " outputs but the model predicts " + a
                    + "; allowed: test data of the model's output type (--outputs)");
        }
    }

    /**
     * An OLCUT configuration with its global properties set from {@code --set NAME=VALUE}.
     * @param config The file.
     * @param set The properties.
     * @return The configuration.
     * @throws IllegalArgumentException naming the option if the file or a property is bad.
     */
    static ConfigurationManager configuration(Path config, Map<String, String> set) {
        DataSpec.requireFile("--config", config);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        for (Map.Entry<String, String> e : set.entrySet()) {
            if (e.getKey().isBlank()) {
                throw new IllegalArgumentException("--set " + e.getKey() + "=" + e.getValue() + " is out of range; allowed: NAME=VALUE");
            }
            cm.setGlobalProperty(e.getKey(), e.getValue());
        }
        return cm;
    }

    /**
     * {@code train}: a trainer from an OLCUT XML configuration, on data the command reads.
     */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train the trainer component of an OLCUT XML configuration (e.g. configs/djl-swa.xml) and save the model.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the OLCUT XML configuration")
        Path config;

        @Option(names = "--set", description = "set a global property of the configuration (${NAME} in its values), e.g. --set data=DIR")
        Map<String, String> set = new java.util.LinkedHashMap<>();

        @Option(names = "--trainer", defaultValue = "trainer", description = "the trainer component's name; default ${DEFAULT-VALUE}")
        String trainer;

        @Option(names = "--train", required = true, description = "the training data: " + DataSpec.ALLOWED)
        String train;

        @Option(names = "--test", description = "test data to report on (classifiers: accuracy, NLL, Brier, ECE; regressors: RMSE, MAE, R^2): "
                + DataSpec.ALLOWED)
        String test;

        @Option(names = "--outputs", description = "the output type of IDX, LibSVM and CSV data: ${COMPLETION-CANDIDATES}; default: the "
                + "network trainer's output converter's, else LABEL")
        DataSpec.Outputs outputs;

        @Option(names = "--output", description = "where to save the model (ModelFiles: atomic, checksummed)")
        Path output;

        @Option(names = "--format", defaultValue = "PROTOBUF", description = "the model file's format: ${COMPLETION-CANDIDATES}; default "
                + "${DEFAULT-VALUE}")
        ModelFiles.Format format;

        @Mixin
        Verbosity verbosity;

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Integer call() throws Exception {
            DataSpec.requireFile("--config", config);
            DataSpec trainData = DataSpec.parse("--train", train);
            DataSpec testData = test == null ? null : DataSpec.parse("--test", test);
            ConfigurationManager cm = configuration(config, set);
            if (!cm.getComponentNames().contains(trainer)) {
                throw new IllegalArgumentException("--trainer = " + trainer + " is out of range; allowed: a component of " + config + " ("
                        + String.join(", ", cm.getComponentNames()) + ")");
            }
            Object component = cm.lookup(trainer);
            if (!(component instanceof Trainer)) {
                throw new IllegalArgumentException("--trainer = " + trainer + " is a " + component.getClass().getName()
                        + ", not a Tribuo Trainer");
            }
            DataSpec.Outputs kind = outputs != null ? outputs : component instanceof NetworkConfiguration<?> n
                    && n.outputConverter().outputType() == Regressor.class ? DataSpec.Outputs.REGRESSION : DataSpec.Outputs.LABEL;
            PrintStream out = System.out;
            MutableDataset<? extends Output<?>> data = trainData.load("--train", FashionMnist.Split.TRAIN, kind, cm);
            long start = System.nanoTime();
            Model<?> model = ((Trainer) component).train(data);
            out.printf(Locale.ROOT, "trained %s on %d examples in %.1f s%n", component.getClass().getSimpleName(), data.size(),
                    (System.nanoTime() - start) / 1e9);
            if (testData != null) {
                report(out, model, testData.load("--test", FashionMnist.Split.TEST, kind, cm));
            }
            if (output != null) {
                ModelFiles.save(model, output, format);
                out.println("saved " + output + " (" + format + ")");
            }
            if (model instanceof AutoCloseable c) {
                c.close();
            }
            return 0;
        }
    }

    /**
     * {@code evaluate}: a saved classifier or regressor on test data.
     */
    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Evaluate a saved model (any Tribuo classifier or regressor saved by ModelFiles) on test data: "
                    + "accuracy, NLL, Brier, ECE; or RMSE, MAE, R^2.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "the model file")
        Path model;

        @Option(names = "--test", required = true, description = "the test data: " + DataSpec.ALLOWED)
        String test;

        @Option(names = "--config", description = "the OLCUT XML configuration that defines a config:NAME data source")
        Path config;

        @Option(names = "--set", description = "set a global property of the configuration, e.g. --set data=DIR")
        Map<String, String> set = new java.util.LinkedHashMap<>();

        @Option(names = "--outputs", description = "the output type of IDX, LibSVM and CSV data: ${COMPLETION-CANDIDATES}; default: the "
                + "model's")
        DataSpec.Outputs outputs;

        @Mixin
        Verbosity verbosity;

        @Override
        public Integer call() throws Exception {
            DataSpec.requireFile("--model", model);
            DataSpec testData = DataSpec.parse("--test", test);
            ConfigurationManager cm = config == null ? null : configuration(config, set);
            Model<?> m = ModelFiles.load(model, Model.class);
            DataSpec.Outputs kind = outputs != null ? outputs : m.validate(Regressor.class) ? DataSpec.Outputs.REGRESSION : DataSpec.Outputs.LABEL;
            report(System.out, m, testData.load("--test", FashionMnist.Split.TEST, kind, cm));
            if (m instanceof AutoCloseable c) {
                c.close();
            }
            return 0;
        }
    }

    /**
     * {@code sweep}: seeds (and overrides) of one configuration as a Spark job ({@link io.github.tribuoswa.spark.SweepJob}).
     */
    @Command(name = "sweep", mixinStandardHelpOptions = true,
            description = {"Train seeds of the trainer of an OLCUT XML configuration as Spark tasks (each reads its own data) and build the "
                    + "best model, their ensemble or their uniform soup. On Java 17 Spark needs the --add-opens flags of scripts/tribuo-swa.sh."})
    static final class Sweep implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the OLCUT XML configuration")
        Path config;

        @Option(names = "--set", description = "set a global property of the configuration, e.g. --set data=DIR")
        Map<String, String> set = new java.util.LinkedHashMap<>();

        @Option(names = "--trainer", defaultValue = "trainer", description = "the trainer component's name; default ${DEFAULT-VALUE}")
        String trainer;

        @Option(names = "--train", required = true, description = "the training data each task reads: embedded, full, fashion-mnist:DIR or "
                + "config:NAME")
        String train;

        @Option(names = "--test", required = true, description = "the test data each task scores on (same forms)")
        String test;

        @Option(names = "--seeds", required = true, split = ",", description = "the seeds, one task each, e.g. 1,2,3,4")
        List<Long> seeds;

        @Option(names = "--override", description = "a property of every variation, component.property=value, e.g. trainer.epochs=5")
        Map<String, String> overrides = new java.util.LinkedHashMap<>();

        @Option(names = "--master", description = "the Spark master; default: spark-submit's (spark.master), else local[2]")
        String master;

        @Option(names = "--build", defaultValue = "best", description = "what to build from the results: best, ensemble or soup-uniform; "
                + "default ${DEFAULT-VALUE}")
        String build;

        @Option(names = "--output", description = "where to save the model built (ModelFiles)")
        Path output;

        @Option(names = "--stop-on-error", description = "fail the job when one variation fails (default: it fails alone)")
        boolean stopOnError;

        @Option(names = "--checkpoints", description = "a directory every executor can write: each task checkpoints into DIR/<variation>, "
                + "so a retried task resumes")
        String checkpoints;

        @Option(names = "--child-jvms", description = "train each task in a child JVM of its executor, so tasks that share an executor "
                + "train at once (DJL's PyTorch engine trains one network per JVM at a time)")
        boolean childJvms;

        @Mixin
        Verbosity verbosity;

        @Override
        public Integer call() throws Exception {
            DataSpec.requireFile("--config", config);
            for (String spec : new String[]{train, test}) {
                if (!(spec.equals(FashionMnist.EMBEDDED) || spec.equals(FashionMnist.FULL) || spec.startsWith("fashion-mnist:")
                        || spec.startsWith("config:"))) {
                    throw new IllegalArgumentException("--train/--test = " + spec + " is out of range; allowed: embedded, full, fashion-mnist:DIR "
                            + "or config:NAME (each task reads it itself)");
                }
            }
            if (!List.of("best", "ensemble", "soup-uniform").contains(build)) {
                throw new IllegalArgumentException("--build = " + build + " is out of range; allowed: best, ensemble or soup-uniform");
            }
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("--seeds is empty; allowed: one or more seeds, e.g. 1,2,3,4");
            }
            configuration(config, set); // the configuration and its properties load here before any task starts
            io.github.tribuoswa.spark.SweepJob job = new io.github.tribuoswa.spark.SweepJob(java.nio.file.Files.readString(config), set, trainer,
                    train, test, stopOnError).trainingInChildJvms(childJvms);
            if (checkpoints != null) {
                job.checkpointingInto(checkpoints);
            }
            List<io.github.tribuoswa.spark.SweepJob.Variation> variations = new ArrayList<>();
            for (long seed : seeds) {
                variations.add(new io.github.tribuoswa.spark.SweepJob.Variation("seed-" + seed, seed, overrides));
            }
            // new SparkConf() reads spark-submit's settings (spark.* system properties): its master unless --master is given
            org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf().setIfMissing("spark.master", "local[2]")
                    .setIfMissing("spark.app.name", "tribuo-swa sweep").setIfMissing("spark.ui.enabled", "false");
            if (master != null) {
                conf.setMaster(master);
            }
            List<io.github.tribuoswa.spark.SweepJob.Result> results;
            try (org.apache.spark.api.java.JavaSparkContext sc = new org.apache.spark.api.java.JavaSparkContext(conf)) {
                results = job.run(sc, variations);
            }
            PrintStream out = System.out;
            for (io.github.tribuoswa.spark.SweepJob.Result r : results) {
                out.println(r.succeeded() ? String.format(Locale.ROOT, "%s: test score %.4f", r.name(), r.score()) : r.name() + ": failed: "
                        + r.error());
            }
            Model<?> model;
            if (build.equals("best")) {
                io.github.tribuoswa.spark.SweepJob.Result best = io.github.tribuoswa.spark.SweepModels.best(results);
                out.printf(Locale.ROOT, "best: %s (%.4f)%n", best.name(), best.score());
                model = best.toModel();
            } else {
                @SuppressWarnings({"unchecked", "rawtypes"})
                Dataset data = DataSpec.parse("--train", train).load("--train", FashionMnist.Split.TRAIN, DataSpec.Outputs.LABEL,
                        configuration(config, set));
                @SuppressWarnings("unchecked")
                Model<?> built = build.equals("ensemble") ? io.github.tribuoswa.spark.SweepModels.ensemble(results, data)
                        : io.github.tribuoswa.spark.SweepModels.soup(results, io.github.tribuoswa.nn.swa.SoupTrainer.Recipe.UNIFORM, data, data)
                        .model();
                model = built;
                out.println(build + " of " + results.stream().filter(io.github.tribuoswa.spark.SweepJob.Result::succeeded).count() + " models");
            }
            if (output != null) {
                ModelFiles.save(model, output);
                out.println("saved " + output);
            }
            return results.stream().allMatch(io.github.tribuoswa.spark.SweepJob.Result::succeeded) ? 0 : FAILURE;
        }
    }

    /**
     * {@code tabular-data}: the tabular data sets of python3-sklearn as CSV files.
     */
    @Command(name = "tabular-data", mixinStandardHelpOptions = true,
            description = {"Write the diabetes (regression) and breast cancer (classification) data sets that Debian's python3-sklearn ships "
                    + "as CSV files with a header: NAME.csv, NAME-train.csv and NAME-test.csv (a fixed 80/20 split), "
                    + "for configs/tabular-*.xml."})
    static final class TabularDataCommand implements Callable<Integer> {
        @Option(names = "--output", required = true, description = "the directory to write to")
        Path output;

        @Option(names = "--source", description = "the package's data directory; default " + TabularData.SKLEARN_DATA_DIRECTORY)
        Path source;

        @Mixin
        Verbosity verbosity;

        @Override
        public Integer call() throws Exception {
            Path from = source != null ? source : TabularData.sourceDirectory();
            if (!java.nio.file.Files.isDirectory(from)) {
                throw new IllegalArgumentException("--source = " + from + " is not a directory (the tabular data sets come from Debian's "
                        + "python3-sklearn: apt-get install python3-sklearn)");
            }
            for (TabularData.Table t : TabularData.Table.values()) {
                Path file = TabularData.write(t, from, output);
                System.out.println("wrote " + file + " (" + t.rows() + " rows, target " + t.target() + ") and its -train/-test split");
            }
            return 0;
        }
    }

    /**
     * {@code main}: the main job (SGD, SWA and FGE on Fashion-MNIST), its options passed on.
     */
    @Command(name = "main", description = {"The main job: SGD, SWA and FGE on Fashion-MNIST at the same budget.",
            "Options: [--data embedded|full|DIR] [--network cnn|mlp|vgg16bn|preresnet20|wrn16-2] [--epochs E >= 4] [--lr A0 > 0] "
                    + "[--swa-lr A > 0] [--batch B >= 1] [--threads T >= 0] [--seed S]"})
    static final class MainJob implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;

        @Mixin
        Verbosity verbosity;

        @Unmatched
        List<String> options = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            SgdSwaFge.run(options.toArray(new String[0]));
            return 0;
        }
    }
}
