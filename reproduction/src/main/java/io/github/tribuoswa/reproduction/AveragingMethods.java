package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.calibration.Calibration;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.FGETrainer;
import io.github.tribuoswa.nn.swa.ModelSoup;
import io.github.tribuoswa.nn.swa.SoupTrainer;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.storage.ModelFiles;
import io.github.tribuoswa.util.AtomicFiles;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.math.optimisers.SGD;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Issue 16's comparison: the averaging methods after SWA on full Fashion-MNIST (the last
 * {@code --validation} training images held out), each at the same budget of E epochs, the
 * papers' SGD recipe (momentum 0.9, weight decay 5e-4, batch 128) underneath:
 * <ul>
 *   <li>SGD: the papers' baseline schedule from 0.05; COSINE: cosine decay from 0.05 to 0; WSD:
 *   one epoch of warm-up to 0.05, constant, the last 20 % a 1 &minus; √τ cool-down;</li>
 *   <li>SWA: the baseline compressed into 75 % of the budget, then 0.01, an average per epoch;</li>
 *   <li>EMA: along the SGD run, after every step, δ = 0.9998 with timm's warm-up (p = 3/4),
 *   BatchNorm buffers averaged;</li>
 *   <li>LAWA: along a constant rate 0.05, the 5 latest end-of-epoch weights, BatchNorm refreshed;</li>
 *   <li>SCHEDULE-FREE: schedule-free SGD (β = 0.9, weight decay 5e-4 at y), one epoch of warm-up to
 *   0.5 (the SGD rate × 1/(1 &minus; 0.9): it has no momentum amplification), then constant; x with
 *   BatchNorm recomputed.</li>
 * </ul>
 * For each, the model the method would return after every epoch (its epoch models) is scored on
 * the test set: one row per epoch in {@code --out} (test accuracy, NLL, ECE with 15 bins), all rows
 * of a run appended once it ends. Every run checkpoints into {@code --work} (after every epoch and
 * collection; the rows of its epochs so far beside the checkpoint), so a killed harness resumes
 * its current run from the last checkpoint, bit for bit; {@code wall_s} adds the time earlier
 * attempts had reached at their last row. A run's directory is removed once its rows are written.
 * <p>
 * Soups ({@code --soups}): of FGE's snapshots (the last 25 % of the budget, cycles of half an
 * epoch) and of 4 fine-tuning runs from one shared pre-trained point (the compressed baseline over
 * 75 % of the budget, then 25 % at the constant 0.01 with seeds 1..4: the setting of Wortsman et
 * al., whose ingredients share their start), each against the ensemble of the same members and
 * the best single member (chosen on the held-out images): rows in {@code --soups-out}.
 * <pre>
 * usage: AveragingMethods [--data full|embedded|DIR] [--network cnn] [--epochs 15] [--seeds 1,2,3] [--threads 1]
 *                         [--methods SGD,COSINE,WSD,SWA,EMA,LAWA,SCHEDULE-FREE] [--soups FGE,RUNS] [--validation 5000]
 *                         [--out FILE] [--soups-out FILE] [--work DIR]
 * </pre>
 */
public final class AveragingMethods {

    static final String HEADER = "engine,network,seed,method,epochs,epoch,steps,test_accuracy,test_nll,test_ece,wall_s";
    static final String SOUP_HEADER = "engine,network,seed,source,model,members,test_accuracy,test_nll,test_ece,held_out_accuracy";
    static final List<String> METHODS = List.of("SGD", "COSINE", "WSD", "SWA", "EMA", "LAWA", "SCHEDULE-FREE");
    static final List<String> SOURCES = List.of("FGE", "RUNS");
    static final String USAGE = "AveragingMethods [--data full|embedded|DIR] [--network cnn] [--epochs E >= 4] [--seeds 1,2,3] [--threads T >= 1] "
            + "[--methods " + String.join(",", METHODS) + "] [--soups FGE,RUNS|none] [--validation N] [--out FILE] [--soups-out FILE] [--work DIR]";
    private static final double LR = 0.05;
    private static final double SWA_LR = 0.01;
    private static final int BATCH = 128;

    private AveragingMethods() {}

    /**
     * Runs the comparison.
     * @param args See the class documentation.
     * @throws Exception if it fails.
     */
    public static void main(String[] args) throws Exception {
        Options.main("AveragingMethods", args, USAGE, () -> run(args));
    }

    /** The run's fixed settings. */
    private record Setting(String network, int epochs, int threads, Dataset<Label> train, List<org.tribuo.Example<Label>> heldOut,
                           Dataset<Label> test, Path work) {
        int stepsPerEpoch() {
            return io.github.tribuoswa.nn.core.TrainingLoop.stepsPerEpoch(train.size(), BATCH);
        }
    }

    static void run(String[] args) throws Exception {
        Options o = Options.parse(args, USAGE, "data", "network", "epochs", "seeds", "threads", "methods", "soups", "validation", "out",
                "soups-out", "work");
        int epochs = o.getInt("epochs", 15);
        int threads = o.getInt("threads", 1);
        if (epochs < 4) {
            throw new IllegalArgumentException("--epochs = " + epochs + " is out of range; allowed: integer >= 4");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads = " + threads + " is out of range; allowed: integer >= 1");
        }
        List<String> methods = List.of(o.get("methods", String.join(",", METHODS)).split(","));
        String soupSpec = o.get("soups", String.join(",", SOURCES));
        List<String> sources = soupSpec.equals("none") ? List.of() : List.of(soupSpec.split(","));
        if (!METHODS.containsAll(methods)) {
            throw new IllegalArgumentException("--methods = " + String.join(",", methods) + " is out of range; allowed: a subset of "
                    + String.join(",", METHODS));
        }
        if (!SOURCES.containsAll(sources)) {
            throw new IllegalArgumentException("--soups = " + soupSpec + " is out of range; allowed: a subset of FGE,RUNS, or none");
        }
        Path out = Path.of(o.get("out", "docs/results/averaging-djl.csv"));
        Path soupsOut = Path.of(o.get("soups-out", "docs/results/soups-djl.csv"));
        Set<String> done = existing(out, HEADER, 4);
        Set<String> soupsDone = existing(soupsOut, SOUP_HEADER, 4);
        Path dir = FashionMnist.resolve(o.get("data", FashionMnist.FULL));
        MutableDataset<Label> all = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        int validation = o.getInt("validation", 5000);
        if (validation < 1 || validation >= all.size()) {
            throw new IllegalArgumentException("--validation = " + validation + " is out of range; allowed: integer in [1, " + all.size() + ")");
        }
        MutableDataset<Label> train = new MutableDataset<>(all.getProvenance(), all.getOutputFactory());
        List<org.tribuo.Example<Label>> heldOut = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i < all.size() - validation) {
                train.add(all.getExample(i));
            } else {
                heldOut.add(all.getExample(i));
            }
        }
        Path work = Path.of(o.get("work", System.getProperty("java.io.tmpdir"))).resolve("tribuo-swa-averaging");
        Files.createDirectories(work);
        Setting s = new Setting(o.get("network", "cnn"), epochs, threads, train, heldOut, FashionMnist.load(dir, FashionMnist.Split.TEST), work);
        System.out.println("AveragingMethods: " + s.network() + ", " + epochs + " epochs of " + s.stepsPerEpoch() + " steps, " + train.size()
                + " training / " + heldOut.size() + " held-out / " + s.test().size() + " test images, " + threads + " thread(s)");
        for (String seedText : o.get("seeds", "1,2,3").split(",")) {
            long seed = Long.parseLong(seedText.trim());
            for (String method : methods) {
                if (!done.contains(s.network() + "," + seed + "," + method)) {
                    curve(s, seed, method, out);
                } else { // a kill between the rows and the clean-up leaves the run's directory
                    RunDirectories.remove(runDirectory(s, seed, "curve-" + method));
                }
            }
            for (String source : sources) {
                if (!soupsDone.contains(s.network() + "," + seed + "," + source)) {
                    soups(s, seed, source, soupsOut);
                } else {
                    removeSoupRuns(s, seed, source);
                }
            }
        }
    }

    private static Set<String> existing(Path out, String header, int keyColumns) throws IOException {
        Set<String> done = new HashSet<>();
        if (Files.exists(out)) {
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(header)) {
                throw new IllegalArgumentException("out = " + out + " is not this harness's CSV (first line must be " + header + "); move it away");
            }
            for (String l : lines.subList(1, lines.size())) {
                String[] c = l.split(",");
                done.add(String.join(",", List.of(c).subList(1, keyColumns)));
            }
        } else {
            AtomicFiles.write(out, tmp -> Files.writeString(tmp, header + "\n"));
        }
        return done;
    }

    private static NetworkFactory network(Setting s) {
        return TrainNetwork.network(s.network());
    }

    private static SGDFactory momentum() {
        return new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4);
    }

    /** The trainer of a method, for a run of the setting's budget. */
    static NetworkTrainer<Label, ?> trainer(Setting s, long seed, String method) {
        int spe = s.stepsPerEpoch();
        Recipes<Label> recipes = Recipes.images(network(s), LR, SWA_LR, 0.1, BATCH, seed, s.threads(), "cpu");
        switch (method) {
            case "SGD":
                return recipes.sgd(s.epochs(), spe);
            case "COSINE":
                return recipes.cosine(s.epochs(), spe);
            case "WSD":
                return recipes.wsd(s.epochs(), spe);
            case "SWA":
                return recipes.swa(s.epochs(), (int) Math.round(0.75 * s.epochs()), spe, spe);
            case "EMA":
                return recipes.ema(s.epochs(), spe);
            case "LAWA":
                return recipes.lawa(s.epochs(), 5);
            case "SCHEDULE-FREE":
                return recipes.scheduleFree(s.epochs(), spe);
            default:
                throw new IllegalArgumentException("method = " + method + "; allowed: " + String.join(", ", METHODS));
        }
    }

    private static String scores(Model<Label> model, Dataset<Label> test) {
        Calibration c = Calibration.of(model.predict(test), model.getOutputIDInfo(), Calibration.DEFAULT_BINS);
        return String.format(Locale.ROOT, "%.4f,%.4f,%.4f", c.accuracy(), c.negativeLogLikelihood(), c.expectedCalibrationError());
    }

    /** A run's checkpoint directory in the work directory (removed once its rows are written). */
    private static Path runDirectory(Setting s, long seed, String kind) {
        return s.work().resolve(kind + "-" + s.network() + "-" + seed + "-" + s.epochs());
    }

    private static void curve(Setting s, long seed, String method, Path out) throws IOException {
        NetworkTrainer<Label, ?> trainer = trainer(s, seed, method);
        trainer.setProgressBar(false);
        int spe = s.stepsPerEpoch();
        Path run = runDirectory(s, seed, "curve-" + method);
        trainer.setCheckpointDirectory(run.toString());
        // the rows of the epochs done so far, kept with the checkpoint; an epoch repeated after a kill between its row and its
        // checkpoint keeps its first row (the same model)
        Path partial = run.resolve("rows.csv");
        TreeMap<Integer, String> rows = new TreeMap<>();
        if (Files.exists(partial)) {
            for (String line : Files.readAllLines(partial, StandardCharsets.UTF_8)) {
                rows.put(Integer.parseInt(line.split(",")[5]), line);
            }
        }
        String lastRow = rows.isEmpty() ? null : rows.lastEntry().getValue();
        double before = lastRow == null ? 0 : Double.parseDouble(lastRow.substring(lastRow.lastIndexOf(',') + 1));
        long start = System.nanoTime();
        trainer.addEpochModelListener(e -> !rows.containsKey(e), (epoch, model) -> {
            rows.put(epoch, String.format(Locale.ROOT, "djl,%s,%d,%s,%d,%d,%d,%s,%.1f", s.network(), seed, method, s.epochs(), epoch,
                    (long) epoch * spe, scores(model, s.test()), before + (System.nanoTime() - start) / 1e9));
            close(model);
            try {
                AtomicFiles.write(partial, tmp -> Files.writeString(tmp, String.join("\n", rows.values()) + "\n", StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Model<Label> last = trainer.train(s.train());
        rows.put(s.epochs(), String.format(Locale.ROOT, "djl,%s,%d,%s,%d,%d,%d,%s,%.1f", s.network(), seed, method, s.epochs(), s.epochs(),
                (long) s.epochs() * spe, scores(last, s.test()), before + (System.nanoTime() - start) / 1e9));
        close(last);
        Files.writeString(out, String.join("\n", rows.values()) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        rows.values().forEach(System.out::println);
        RunDirectories.remove(run);
    }

    @SuppressWarnings("unchecked")
    private static void soups(Setting s, long seed, String source, Path out) throws Exception {
        int spe = s.stepsPerEpoch();
        int start = (int) Math.round(0.75 * s.epochs());
        Recipes<Label> recipes = Recipes.images(network(s), LR, SWA_LR, 0.1, BATCH, seed, s.threads(), "cpu");
        List<DJLModel<Label>> members = new ArrayList<>();
        Model<Label> ensemble;
        if (source.equals("FGE")) {
            FGETrainer<Label> fge = recipes.fge(s.epochs(), start, spe, Recipes.evenSteps(spe, 0.5));
            fge.setProgressBar(false);
            fge.setCheckpointDirectory(runDirectory(s, seed, "soup-FGE").toString());
            ensemble = fge.train(s.train());
            for (Model<Label> m : ((EnsembleModel<Label>) ensemble).getModels()) {
                members.add((DJLModel<Label>) m);
            }
        } else {
            // one pre-trained point (the compressed baseline over 75 % of the budget), then 4 fine-tuning runs from it
            Path pretrained = s.work().resolve("pretrained-" + s.network() + "-" + seed + "-" + s.epochs() + ".tribuo");
            Path preRun = runDirectory(s, seed, "soup-RUNS-pretrain");
            if (!Files.exists(pretrained)) {
                DJLTrainer<Label> pre = DJLTrainer.builder(network(s), new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE),
                        new LabelConverter()).epochs(start).batchSize(BATCH).optimiser(momentum())
                        .schedule(new io.github.tribuoswa.schedule.BaselineSchedule(LR, (long) start * spe, SWA_LR / LR)).seed(seed)
                        .device("cpu").intraOpThreads(s.threads()).build();
                pre.setProgressBar(false);
                pre.setCheckpointDirectory(preRun.toString());   // 75 % of the budget: a kill resumes it too
                ModelFiles.save(pre.train(s.train()), pretrained);
            }
            RunDirectories.remove(preRun);   // also after a kill between the save and this line
            List<Model<Label>> runs = new ArrayList<>();
            for (int r = 1; r <= 4; r++) {
                DJLTrainer<Label> fine = DJLTrainer.builder(network(s), new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE),
                        new LabelConverter()).epochs(s.epochs() - start).batchSize(BATCH).optimiser(momentum())
                        .schedule(new ConstantSchedule(SWA_LR)).initialModel(pretrained.toString()).seed(seed * 100 + r).device("cpu")
                        .intraOpThreads(s.threads()).build();
                fine.setProgressBar(false);
                fine.setCheckpointDirectory(runDirectory(s, seed, "soup-RUNS-" + r).toString());
                DJLModel<Label> m = fine.train(s.train());
                members.add(m);
                runs.add(m);
            }
            ensemble = io.github.tribuoswa.ensemble.BatchedEnsembleModel.of("runs", s.train(), members.get(0).getProvenance()
                    .getTrainerProvenance(), runs, new org.tribuo.classification.ensemble.FullyWeightedVotingCombiner());
        }
        MutableDataset<Label> heldOut = new MutableDataset<>(s.train().getProvenance(), s.train().getOutputFactory());
        s.heldOut().forEach(heldOut::add);
        ToDoubleFunction<Model<Label>> score = SoupTrainer.heldOutScore(heldOut);
        List<String> rows = new ArrayList<>();
        rows.add(row(s, seed, source, "ENSEMBLE", members.size(), ensemble, score));
        DJLModel<Label> best = members.get(0);
        double bestScore = Double.NEGATIVE_INFINITY;
        for (DJLModel<Label> m : members) {
            double h = score.applyAsDouble(m);
            if (h > bestScore) {
                bestScore = h;
                best = m;
            }
        }
        rows.add(row(s, seed, source, "BEST_SINGLE", 1, best, score));
        ModelSoup.Soup<Label> uniform = ModelSoup.uniform(members, s.train(), BATCH, null);
        rows.add(row(s, seed, source, "UNIFORM_SOUP", uniform.kept().size(), uniform.model(), score));
        ModelSoup.Soup<Label> greedy = ModelSoup.greedy(members, score, s.train(), BATCH, null);
        rows.add(row(s, seed, source, "GREEDY_SOUP", greedy.kept().size(), greedy.model(), score));
        Files.writeString(out, String.join("\n", rows) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        rows.forEach(System.out::println);
        removeSoupRuns(s, seed, source);
        close(uniform.model());
        close(greedy.model());
        close(ensemble);
    }

    private static void removeSoupRuns(Setting s, long seed, String source) throws IOException {
        if (source.equals("FGE")) {
            RunDirectories.remove(runDirectory(s, seed, "soup-FGE"));
        } else {
            for (int r = 1; r <= 4; r++) {
                RunDirectories.remove(runDirectory(s, seed, "soup-RUNS-" + r));
            }
        }
    }

    private static String row(Setting s, long seed, String source, String model, int members, Model<Label> m,
                              ToDoubleFunction<Model<Label>> heldOut) {
        return String.format(Locale.ROOT, "djl,%s,%d,%s,%s,%d,%s,%.4f", s.network(), seed, source, model, members, scores(m, s.test()),
                heldOut.applyAsDouble(m));
    }

    private static void close(Model<Label> model) {
        if (model instanceof EnsembleModel) {
            ((EnsembleModel<Label>) model).getModels().forEach(AveragingMethods::close);
        } else if (model instanceof DJLModel) {
            ((DJLModel<Label>) model).close();
        }
    }
}
