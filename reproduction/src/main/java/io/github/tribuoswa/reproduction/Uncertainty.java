package io.github.tribuoswa.reproduction;

import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.calibration.Calibration;
import io.github.tribuoswa.calibration.TemperatureScaledModel;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.ensemble.IndependentRunsTrainer;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.core.SwagPosterior;
import io.github.tribuoswa.util.AtomicFiles;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.ensemble.EnsembleModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The comparison of issue 18 (a harness, not a test): SGD, SWA, FGE, SWAG-Diagonal, SWAG and
 * MultiSWAG at the same budget on Fashion-MNIST, each scored on the test set by accuracy, NLL,
 * Brier score, ECE and MCE (15 bins), before and after temperature scaling fitted on a validation
 * split held out from the training set; one CSV row per (network, seed, method), appended as each
 * finishes, so a run killed part-way resumes where it stopped. The recipes are the main job's:
 * the papers' SGD baseline; SWA/SWAG with the baseline compressed into the first 75 % of the
 * budget and a constant rate, one collection per epoch; FGE with cycles of half an epoch; SWAG
 * with K = 20 and S = 30; MultiSWAG as 3 SWAG runs of 10 samples (their own seeds).
 * Reliability diagrams of seed 1 go to {@code --figures} (PNG and SVG). With {@code --work DIR}
 * each row's trainer checkpoints into {@code DIR/NETWORK-SEED-METHOD} (after every epoch and
 * collection; MultiSWAG's three runs each their own file), so a row killed part-way resumes from
 * its last checkpoint, bit for bit, and its {@code wall_s} adds the time earlier attempts had
 * reached at their last epoch end; the directory is removed once the row is written.
 * <pre>
 * usage: Uncertainty [--data full|embedded|DIR] [--networks mlp:30,cnn:15] [--seeds 1,2,3] [--threads 2]
 *                    [--methods SGD,SWA,FGE,SWAG-Diagonal,SWAG,MultiSWAG] [--validation 5000] [--out FILE] [--figures DIR]
 *                    [--work DIR]
 * </pre>
 */
public final class Uncertainty {

    static final String HEADER = "engine,network,seed,method,epochs,test_accuracy,test_nll,test_brier,test_ece,test_mce,temperature,"
            + "ts_nll,ts_brier,ts_ece,models,wall_s";

    private Uncertainty() {}

    /**
     * The training images and the validation images held out of training: the last
     * {@code validationSize} of the training split, as the PyTorch side holds them out.
     * @param train The images to train on.
     * @param validation The held-out images (temperature scaling is fitted on them).
     */
    record Split(MutableDataset<Label> train, List<Example<Label>> validation) {
        /**
         * Holds out the last images of a split.
         * @param all The training split.
         * @param validationSize How many to hold out, in [1, all.size()).
         * @return The split.
         */
        static Split of(MutableDataset<Label> all, int validationSize) {
            if (validationSize < 1 || validationSize >= all.size()) {
                throw new IllegalArgumentException("validation = " + validationSize + " is out of range; allowed: integer in [1, " + all.size()
                        + ")");
            }
            MutableDataset<Label> train = new MutableDataset<>(all.getProvenance(), all.getOutputFactory());
            List<Example<Label>> validation = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (i < all.size() - validationSize) {
                    train.add(all.getExample(i));
                } else {
                    validation.add(all.getExample(i));
                }
            }
            return new Split(train, validation);
        }
    }

    /** The rate of SGD and of the first phase of the averaging methods (uncertainty_pytorch.py's LR). */
    static final double LR = 0.05;
    /** The batch size (uncertainty_pytorch.py's BATCH). */
    static final int BATCH = 128;

    /**
     * The recipes of this comparison: rate {@link #LR}, SWA rate 0.01, FGE cycles between it and a
     * tenth of it, batches of {@link #BATCH}, on the CPU.
     * @param network The network's name (TrainNetwork's).
     * @param seed The seed.
     * @param threads The intra-op threads.
     * @return The recipes.
     */
    static Recipes<Label> recipes(String network, long seed, int threads) {
        return Recipes.images(TrainNetwork.network(network), LR, 0.01, 0.1, BATCH, seed, threads, "cpu");
    }

    /**
     * The network trainer of a method (for MultiSWAG: one of its SWAG runs, with 10 samples).
     */
    private static NetworkTrainer<Label, ?> networkTrainer(String method, Recipes<Label> recipes, int epochs, int spe) {
        int start = (int) Math.round(0.75 * epochs);
        switch (method) {
            case "SGD": return recipes.sgd(epochs, spe);
            case "SWA": return recipes.swa(epochs, start, spe, spe);
            case "FGE": return recipes.fge(epochs, start, spe, Recipes.evenSteps(spe, 0.5));
            case "SWAG-Diagonal": return recipes.swag(epochs, start, spe, spe, 30, 20, SwagPosterior.Covariance.DIAGONAL);
            case "SWAG": return recipes.swag(epochs, start, spe, spe, 30, 20, SwagPosterior.Covariance.LOW_RANK);
            case "MultiSWAG": return recipes.swag(epochs, start, spe, spe, 10, 20, SwagPosterior.Covariance.LOW_RANK);
            default:
                throw new IllegalArgumentException("method = " + method + "; allowed: SGD, SWA, FGE, SWAG-Diagonal, SWAG, MultiSWAG");
        }
    }

    /**
     * The compute time of one row over every attempt: the time an earlier attempt had reached at
     * its last epoch end (when its checkpoint was written; read from {@code elapsed} in the row's
     * work directory) plus this attempt's; rewritten atomically at every epoch end.
     */
    private static final class RowClock extends TrainingListenerAdapter {
        private final Path file;
        private final double before;
        private final long start = System.nanoTime();

        RowClock(Path file) throws IOException {
            this.file = file;
            this.before = file != null && Files.exists(file) ? Double.parseDouble(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
        }

        double seconds() {
            return before + (System.nanoTime() - start) / 1e9;
        }

        @Override
        public void onEpoch(ai.djl.training.Trainer trainer) {
            if (file != null) {
                String seconds = Double.toString(seconds());
                try {
                    AtomicFiles.write(file, tmp -> Files.writeString(tmp, seconds, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /**
     * The first 16 hex digits of the SHA-256 of the predictions' scores (in output-id order), which
     * scripts/reliability/harness-resume.sh compares between a resumed and an uninterrupted run.
     */
    private static String digest(List<Prediction<Label>> predictions, Model<Label> model) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer b = ByteBuffer.allocate(Double.BYTES);
        for (Prediction<Label> p : predictions) {
            for (int i = 0; i < model.getOutputIDInfo().size(); i++) {
                b.clear();
                sha.update(b.putDouble(p.getOutputScores().get(model.getOutputIDInfo().getOutput(i).getLabel()).getScore()).array());
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void close(Model<Label> model) {
        if (model instanceof EnsembleModel) {
            ((EnsembleModel<Label>) model).getModels().forEach(Uncertainty::close);
        } else if (model instanceof DJLModel) {
            ((DJLModel<Label>) model).close();
        }
    }

    /**
     * Runs the comparison.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read or the CSV written.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "Uncertainty [--data full|embedded|DIR] [--networks mlp:30,cnn:15] [--seeds 1,2,3] [--threads 2] "
                + "[--methods SGD,SWA,FGE,SWAG-Diagonal,SWAG,MultiSWAG] [--validation 5000] [--out FILE] [--figures DIR] [--work DIR]",
                "data", "networks", "seeds", "threads", "methods", "validation", "out", "figures", "work");
        Path dir = FashionMnist.resolve(o.get("data", FashionMnist.FULL));
        MutableDataset<Label> all = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        Split split = Split.of(all, o.getInt("validation", 5000));
        MutableDataset<Label> train = split.train();
        List<Example<Label>> validation = split.validation();
        Path out = Path.of(o.get("out", "docs/results/uncertainty-djl.csv"));
        Path figures = o.get("figures", null) == null ? null : Path.of(o.get("figures", null));
        Path work = o.get("work", null) == null ? null : Path.of(o.get("work", null));
        Set<String> done = new HashSet<>();
        if (Files.exists(out)) {
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                throw new IllegalArgumentException("out = " + out + " is not an uncertainty CSV (its first line must be " + HEADER
                        + "); move it away");
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                done.add(f[1] + "|" + f[2] + "|" + f[3]);
            }
        } else {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, HEADER + "\n", StandardCharsets.UTF_8);
        }
        int threads = o.getInt("threads", 2);
        for (String spec : o.get("networks", "mlp:30,cnn:15").split(",")) {
            String network = spec.split(":")[0];
            int epochs = Integer.parseInt(spec.split(":")[1]);
            for (String s : o.get("seeds", "1,2,3").split(",")) {
                long seed = Long.parseLong(s.trim());
                for (String method : o.get("methods", "SGD,SWA,FGE,SWAG-Diagonal,SWAG,MultiSWAG").split(",")) {
                    Path rowWork = work == null ? null : work.resolve(network + "-" + seed + "-" + method);
                    if (done.contains(network + "|" + seed + "|" + method)) {
                        if (rowWork != null) { // a kill between the row and its clean-up leaves its directory
                            RunDirectories.remove(rowWork);
                        }
                        continue;
                    }
                    Recipes<Label> recipes = recipes(network, seed, threads);
                    NetworkTrainer<Label, ?> nt = networkTrainer(method, recipes, epochs, recipes.stepsPerEpoch(train.size()));
                    nt.setProgressBar(false);
                    if (rowWork != null) {
                        Files.createDirectories(rowWork);
                        nt.setCheckpointDirectory(rowWork.toString());
                    }
                    RowClock clock = new RowClock(rowWork == null ? null : rowWork.resolve("elapsed"));
                    nt.addObserver(clock);
                    Trainer<Label> t = method.equals("MultiSWAG") ? new IndependentRunsTrainer<>(nt, 3, new FullyWeightedVotingCombiner()) : nt;
                    Model<Label> model = t.train(train);
                    double wall = clock.seconds();
                    List<Prediction<Label>> predictions = model.predict(test);
                    Calibration before = Calibration.of(predictions, model.getOutputIDInfo(), Calibration.DEFAULT_BINS);
                    TemperatureScaledModel scaled = TemperatureScaledModel.fit(model, model.predict(validation));
                    Calibration after = Calibration.of(scaled.predict(test), model.getOutputIDInfo(), Calibration.DEFAULT_BINS);
                    int members = model instanceof EnsembleModel ? ((EnsembleModel<Label>) model).getNumModels() : 1;
                    String row = String.format(Locale.ROOT, "djl,%s,%d,%s,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,%.1f", network, seed,
                            method, epochs, before.accuracy(), before.negativeLogLikelihood(), before.brier(), before.expectedCalibrationError(),
                            before.maximumCalibrationError(), scaled.temperature(), after.negativeLogLikelihood(), after.brier(),
                            after.expectedCalibrationError(), members, wall);
                    Files.writeString(out, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    System.out.println(row);
                    System.out.println("# " + network + " " + seed + " " + method + " probabilities sha256 " + digest(predictions, model));
                    if (rowWork != null) {
                        RunDirectories.remove(rowWork);
                    }
                    if (figures != null && seed == 1) {
                        Files.createDirectories(figures);
                        ReliabilityDiagram.save(before, network + " " + method, figures.resolve("reliability-" + network + "-"
                                + method.toLowerCase(Locale.ROOT)));
                    }
                    close(model);
                }
            }
        }
    }
}
