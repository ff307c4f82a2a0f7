package io.github.tribuoswa.cli;

import io.github.tribuoswa.storage.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tribuo-swa command as a user runs it: help on every command, training from the repository's
 * XML configurations on Fashion-MNIST, CSV and LibSVM data, evaluation of the saved model, and
 * errors that are one line with exit code 2 (1 for a failing run), stack traces only with
 * --verbose.
 */
public class TribuoSwaCliTest {

    private static final Path CONFIGS = Path.of("..", "configs");

    /** What one run printed and returned. */
    record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TribuoSwaCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertUsageError(Result r, String... phrases) {
        assertEquals(TribuoSwaCli.USAGE, r.code(), r.toString());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line: " + r.err());
        for (String p : phrases) {
            assertTrue(lines.get(0).contains(p), "'" + p + "' in " + lines.get(0));
        }
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    public void everyCommandHasHelp() {
        Result top = run("--help");
        assertEquals(0, top.code());
        for (String sub : new String[]{"train", "evaluate", "main", "landscape"}) {
            assertTrue(top.out().contains(sub), sub + " in " + top.out());
            Result r = run(sub, "--help");
            assertEquals(0, r.code(), sub + ": " + r);
            assertTrue(r.out().contains("Usage:"), sub + ": " + r.out());
        }
        assertEquals(0, run("landscape", "plane", "--help").code());
    }

    /** A small CSV of two separable classes, and the same examples as LibSVM. */
    private static void writeData(Path csv, Path libsvm) throws Exception {
        Random rng = new Random(5);
        List<String> rows = new ArrayList<>(List.of("f1,f2,f3,label"));
        List<String> svm = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int c = i % 2;
            double[] x = {rng.nextGaussian() + 2 * c, rng.nextGaussian() - 2 * c, rng.nextGaussian()};
            rows.add(String.format(Locale.ROOT, "%.5f,%.5f,%.5f,%s", x[0], x[1], x[2], c == 0 ? "neg" : "pos"));
            svm.add(String.format(Locale.ROOT, "%d 1:%.5f 2:%.5f 3:%.5f", c, x[0], x[1], x[2]));
        }
        Files.write(csv, rows);
        Files.write(libsvm, svm);
    }

    @Test
    public void trainsFromXmlOnCsvAndLibSvmAndEvaluatesTheSavedModel(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("train.csv");
        Path libsvm = tmp.resolve("train.svm");
        writeData(csv, libsvm);
        String config = CONFIGS.resolve("logistic-sgd.xml").toString();
        for (String data : new String[]{"csv:" + csv + ":label", "libsvm:" + libsvm}) {
            Path model = tmp.resolve("model-" + data.substring(0, data.indexOf(':')) + ".tribuo");
            Result trained = run("train", "--config", config, "--train", data, "--test", data, "--output", model.toString());
            assertEquals(0, trained.code(), trained.toString());
            assertTrue(trained.out().contains("trained LinearSGDTrainer on 200 examples"), trained.out());
            String line = trained.out().lines().filter(l -> l.startsWith("test: ")).findFirst().orElseThrow();
            double accuracy = Double.parseDouble(line.replaceAll(".*accuracy ([0-9.]+),.*", "$1"));
            assertTrue(accuracy > 0.9, line);
            Result evaluated = run("evaluate", "--model", model.toString(), "--test", data);
            assertEquals(0, evaluated.code(), evaluated.toString());
            assertEquals(line, evaluated.out().lines().filter(l -> l.startsWith("test: ")).findFirst().orElseThrow(),
                    "the saved model evaluates as the trained one did");
            assertTrue(ModelFiles.load(model, Model.class).validate(org.tribuo.classification.Label.class));
        }
    }

    @Test
    public void trainsTheSwaNetworkConfigOnFashionMnistInJavaFormat(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("swa.ser");
        Result r = run("train", "--config", CONFIGS.resolve("djl-swa.xml").toString(), "--train", "embedded", "--test", "embedded",
                "--output", model.toString(), "--format", "JAVA");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("trained SWATrainer on 6000 examples") && r.out().contains("saved "), r.out());
        assertEquals(ModelFiles.Format.JAVA, ModelFiles.format(model));
        Result e = run("evaluate", "--model", model.toString(), "--test", "embedded");
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().contains("test: 1000 examples, accuracy 0.8"), e.out());
    }

    @Test
    public void usageErrorsAreOneLineWithExitCodeTwo(@TempDir Path tmp) throws Exception {
        String config = CONFIGS.resolve("logistic-sgd.xml").toString();
        assertUsageError(run("train", "--config", config, "--train", "embedded", "--bogus", "1"), "--bogus");
        assertUsageError(run("train", "--config", config, "--train", "nonsense"), "--train = nonsense is out of range", "csv:FILE:COLUMN");
        assertUsageError(run("train", "--config", tmp.resolve("missing.xml").toString(), "--train", "embedded"), "--config", "missing.xml");
        assertUsageError(run("train", "--config", config, "--trainer", "nope", "--train", "embedded"), "--trainer = nope", "trainer");
        assertUsageError(run("train", "--config", config, "--train", "libsvm:" + tmp.resolve("none.svm")), "--train", "none.svm");
        assertUsageError(run("train", "--config", config, "--train", "embedded", "--format", "yaml"), "--format");
        assertUsageError(run("main", "--batch", "0"), "--batch = 0 is out of range", "integer >= 1");
        assertUsageError(run("main", "--swa-lr", "-1"), "--swa-lr = -1.0 is out of range", "> 0");
        assertUsageError(run("main", "--epochs", "2"), "--epochs = 2 is out of range", "integer >= 4");
        Path lowRank = Files.writeString(tmp.resolve("swag.xml"), Files.readString(CONFIGS.resolve("djl-swag.xml"))
                .replace("\"covariance\" value=\"LOW_RANK\"", "\"covariance\" value=\"FULL\""));
        assertUsageError(run("train", "--config", lowRank.toString(), "--train", "embedded"), "Property: covariance, FULL is not a value",
                "allowed: DIAGONAL, LOW_RANK");
        Path bad = Files.write(tmp.resolve("bad.tribuo"), new byte[]{1, 2, 3});
        assertUsageError(run("evaluate", "--model", bad.toString(), "--test", "embedded"), bad.toString(), "no checksum");
        Result verbose = run("evaluate", "--model", bad.toString(), "--test", "embedded", "--verbose");
        assertEquals(TribuoSwaCli.USAGE, verbose.code());
        assertTrue(verbose.err().contains("\tat "), "--verbose prints the stack trace: " + verbose.err());
    }

    @Test
    public void aDivergingRunFailsWithExitCodeOne(@TempDir Path tmp) throws Exception {
        String xml = Files.readString(CONFIGS.resolve("djl-sgd.xml")).replace("<property name=\"initialLearningRate\" value=\"0.05\"/>",
                "<property name=\"initialLearningRate\" value=\"50\"/>");
        assertTrue(xml.contains("value=\"50\""), "the test changed the learning rate");
        Path config = Files.writeString(tmp.resolve("diverging.xml"), xml);
        Result r = run("train", "--config", config.toString(), "--train", "embedded");
        assertEquals(TribuoSwaCli.FAILURE, r.code(), r.toString());
        assertTrue(r.err().contains("Training diverged") && r.err().contains("epoch"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private static double figure(String line, String name) {
        return Double.parseDouble(line.replaceAll(".*" + java.util.regex.Pattern.quote(name) + " (-?[0-9.]+).*", "$1"));
    }

    private static String testLine(Result r) {
        return r.out().lines().filter(l -> l.startsWith("test: ")).findFirst().orElseThrow(() -> new AssertionError(r.toString()));
    }

    @Test
    public void theTabularConfigsTrainFromCsvThroughTribuosRowProcessor(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(io.github.tribuoswa.data.TabularData.sourceDirectory()),
                "python3-sklearn is installed (test.sh installs it)");
        Path data = tmp.resolve("tabular");
        Result written = run("tabular-data", "--output", data.toString());
        assertEquals(0, written.code(), written.toString());
        assertTrue(Files.isRegularFile(data.resolve("diabetes-train.csv")) && Files.isRegularFile(data.resolve("breast-cancer-test.csv")));

        // regression: the CSVDataSource of the configuration, then the saved model on the same test split read by CSVLoader
        String diabetes = CONFIGS.resolve("tabular-diabetes-swa.xml").toString();
        Path model = tmp.resolve("diabetes.tribuo");
        Result r = run("train", "--config", diabetes, "--set", "data=" + data, "--train", "config:train-data", "--test", "config:test-data",
                "--output", model.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("trained SWATrainer on 353 examples"), r.out());
        String line = testLine(r);
        assertTrue(line.startsWith("test: 89 examples, RMSE "), line);
        double r2 = figure(line, "R^2");
        assertTrue(r2 > 0.2 && figure(line, "RMSE") < 77, "better than the mean predictor (std 77): " + line);
        Result again = run("evaluate", "--model", model.toString(), "--test", "csv:" + data.resolve("diabetes-test.csv") + ":progression");
        assertEquals(0, again.code(), again.toString());
        assertEquals(line, testLine(again), "the saved regressor evaluates as the trained one did, on the same rows read by CSVLoader");

        // classification
        String cancer = CONFIGS.resolve("tabular-breast-cancer-swa.xml").toString();
        Result c = run("train", "--config", cancer, "--set", "data=" + data, "--train", "config:train-data", "--test", "config:test-data");
        assertEquals(0, c.code(), c.toString());
        assertTrue(c.out().contains("trained SWATrainer on 455 examples"), c.out());
        assertTrue(figure(testLine(c), "accuracy") > 0.93, testLine(c));

        // the same recipe on the raw targets (the configuration's global property) diverges in its first epoch
        Result raw = run("train", "--config", diabetes, "--set", "data=" + data, "--set", "standardiseTargets=false", "--train",
                "config:train-data");
        assertEquals(TribuoSwaCli.FAILURE, raw.code(), raw.toString());
        assertTrue(raw.err().contains("Training diverged") && raw.err().contains("at epoch 1,"), raw.err());

        // CSV data without a configuration's data source: the network trainer's converter says it is regression
        Result csv = run("train", "--config", diabetes, "--train", "csv:" + data.resolve("diabetes-train.csv") + ":progression");
        assertEquals(0, csv.code(), csv.toString());

        // errors name the option
        assertUsageError(run("train", "--config", diabetes, "--set", "data=" + data, "--train", "config:nope"), "--train = config:nope",
                "train-data");
        assertUsageError(run("train", "--config", diabetes, "--set", "data=" + data, "--train", "config:rows"), "not a Tribuo DataSource");
        assertUsageError(run("evaluate", "--model", model.toString(), "--test", "config:test-data"), "needs --config");
        assertUsageError(run("evaluate", "--model", model.toString(), "--test", "csv:" + data.resolve("breast-cancer-test.csv") + ":diagnosis",
                "--outputs", "LABEL"), "--test has Label outputs but the model predicts Regressor");
        assertUsageError(run("train", "--config", diabetes, "--train", "embedded"), "Fashion-MNIST", "--outputs LABEL");
        assertUsageError(run("train", "--config", cancer, "--set", "data=" + tmp.resolve("none"), "--train", "config:train-data"), "none");
    }

    @Test
    public void aSweepOfTwoSeedsRunsAsASparkJobAndSavesTheirEnsemble(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("ensemble.tribuo");
        Result r = run("sweep", "--config", CONFIGS.resolve("djl-swa.xml").toString(), "--train", "embedded", "--test", "embedded",
                "--seeds", "1,2", "--override", "trainer.epochs=5", "--override", "trainer.progressBar=false", "--master", "local[2]",
                "--build", "ensemble", "--output", model.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("seed-1: test score 0.") && r.out().contains("seed-2: test score 0.") && r.out().contains("ensemble of 2"),
                r.out());
        assertEquals(2, ModelFiles.load(model, org.tribuo.ensemble.EnsembleModel.class).getNumModels());
        Result bad = run("sweep", "--config", CONFIGS.resolve("djl-swa.xml").toString(), "--train", "csv:x.csv:y", "--test", "embedded",
                "--seeds", "1");
        assertUsageError(bad, "--train/--test = csv:x.csv:y is out of range");
        assertUsageError(run("sweep", "--config", CONFIGS.resolve("djl-swa.xml").toString(), "--train", "embedded", "--test", "embedded",
                "--seeds", "1", "--build", "mean"), "--build = mean is out of range");
    }
}
