package io.github.tribuoswa.cli;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.calibration.Calibration;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.SgdSwaFge;
import io.github.tribuoswa.landscape.cli.LandscapeCli;
import io.github.tribuoswa.storage.ModelFiles;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
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
import java.util.concurrent.Callable;

/**
 * The {@code tribuo-swa} command, for what users run without writing Java:
 * <pre>
 *   tribuo-swa train     --config FILE [--trainer NAME] --train DATA [--test DATA] [--output MODEL] [--format protobuf|java]
 *   tribuo-swa evaluate  --model MODEL --test DATA
 *   tribuo-swa main      [the main job's options]
 *   tribuo-swa landscape plane|rays|segment ...
 * </pre>
 * DATA is one of {@value DataSpec#ALLOWED}. Every command has {@code --help}. A usage error
 * (an unknown option, a value out of range, a missing file, a configuration OLCUT refuses) is
 * one line on standard error and exit code 2; a failure while running (a diverging run, an
 * unreadable model) is one line and exit code 1; {@code --verbose} adds the stack trace.
 */
@Command(name = "tribuo-swa", mixinStandardHelpOptions = true, version = "tribuo-swa 0.1.0-SNAPSHOT",
        description = "Weight averaging for Tribuo: train from an OLCUT XML configuration, evaluate a saved model, the main job, loss geometry.",
        subcommands = {TribuoSwaCli.Train.class, TribuoSwaCli.Evaluate.class, TribuoSwaCli.MainJob.class})
public final class TribuoSwaCli implements Runnable {

    /** Exit code of a usage error. */
    public static final int USAGE = 2;
    /** Exit code of a failure while running. */
    public static final int FAILURE = 1;

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
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static void report(PrintStream out, Model<Label> model, MutableDataset<Label> test) {
        Calibration c = Calibration.of(model.predict(test), model.getOutputIDInfo(), Calibration.DEFAULT_BINS);
        out.printf(Locale.ROOT, "test: %d examples, accuracy %.4f, NLL %.4f, Brier %.4f, ECE %.4f%n", test.size(), c.accuracy(),
                c.negativeLogLikelihood(), c.brier(), c.expectedCalibrationError());
    }

    /**
     * {@code train}: a trainer from an OLCUT XML configuration, on data the command reads.
     */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train the trainer component of an OLCUT XML configuration (e.g. configs/djl-swa.xml) and save the model.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the OLCUT XML configuration")
        Path config;

        @Option(names = "--trainer", defaultValue = "trainer", description = "the trainer component's name; default ${DEFAULT-VALUE}")
        String trainer;

        @Option(names = "--train", required = true, description = "the training data: " + DataSpec.ALLOWED)
        String train;

        @Option(names = "--test", description = "test data to report accuracy, NLL, Brier and ECE on: " + DataSpec.ALLOWED)
        String test;

        @Option(names = "--output", description = "where to save the model (ModelFiles: atomic, checksummed)")
        Path output;

        @Option(names = "--format", defaultValue = "PROTOBUF", description = "the model file's format: ${COMPLETION-CANDIDATES}; default "
                + "${DEFAULT-VALUE}")
        ModelFiles.Format format;

        @Mixin
        Verbosity verbosity;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            DataSpec.requireFile("--config", config);
            DataSpec trainData = DataSpec.parse("--train", train);
            DataSpec testData = test == null ? null : DataSpec.parse("--test", test);
            ConfigurationManager cm = new ConfigurationManager(config.toString());
            if (!cm.getComponentNames().contains(trainer)) {
                throw new IllegalArgumentException("--trainer = " + trainer + " is out of range; allowed: a component of " + config + " ("
                        + String.join(", ", cm.getComponentNames()) + ")");
            }
            Object component = cm.lookup(trainer);
            if (!(component instanceof Trainer)) {
                throw new IllegalArgumentException("--trainer = " + trainer + " is a " + component.getClass().getName()
                        + ", not a Tribuo Trainer");
            }
            PrintStream out = System.out;
            MutableDataset<Label> data = trainData.load("--train", FashionMnist.Split.TRAIN);
            long start = System.nanoTime();
            Model<Label> model = ((Trainer<Label>) component).train(data);
            out.printf(Locale.ROOT, "trained %s on %d examples in %.1f s%n", component.getClass().getSimpleName(), data.size(),
                    (System.nanoTime() - start) / 1e9);
            if (testData != null) {
                report(out, model, testData.load("--test", FashionMnist.Split.TEST));
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
     * {@code evaluate}: a saved classifier on test data.
     */
    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Evaluate a saved classifier (any Tribuo model saved by ModelFiles) on test data: accuracy, NLL, Brier, ECE.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "the model file")
        Path model;

        @Option(names = "--test", required = true, description = "the test data: " + DataSpec.ALLOWED)
        String test;

        @Mixin
        Verbosity verbosity;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            DataSpec.requireFile("--model", model);
            DataSpec testData = DataSpec.parse("--test", test);
            Model<?> m = ModelFiles.load(model, Model.class);
            if (!m.validate(Label.class)) {
                throw new IllegalArgumentException("--model = " + model + " is not a classifier (it predicts "
                        + m.getOutputIDInfo().getDomain().iterator().next().getClass().getSimpleName() + ")");
            }
            report(System.out, (Model<Label>) m, testData.load("--test", FashionMnist.Split.TEST));
            if (m instanceof AutoCloseable c) {
                c.close();
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
