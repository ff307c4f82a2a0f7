package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.Metrics;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.examples.TrainNetwork;
import io.github.tribuoswa.landscape.Plots;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Initialisation;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.storage.ModelFiles;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SWA paper's schedules figure on Fashion-MNIST: test error of w_SWA over the SWA phase for
 * a constant rate and for cyclic rates (α1, α2, c), all started from the same pre-trained ŵ
 * (conventional SGD for the budget B), against conventional SGD trained for B plus the phase.
 * Every w_SWA is the model an SWA run of that many epochs returns
 * ({@link NetworkTrainer#addEpochModelListener}). Writes {@code schedules.csv} and
 * {@code schedules.png}/{@code .svg} to the output directory and prints the Markdown section
 * for docs/results.md. Resumable: schedules whose rows are all in the CSV are not run again.
 * <pre>
 * usage: SchedulesFigure [--data full|embedded|DIR] [--network mlp] [--budget 8] [--phase 16] [--lr 0.05]
 *                        [--threads 1] [--out docs/results]
 * </pre>
 */
public final class SchedulesFigure {

    static final String HEADER = "schedule,alpha1,alpha2,cycle_epochs,epoch,test_error,test_nll";

    /** The SWA-phase schedules: name, α1, α2, c in epochs (α1 = α2, c = 1: constant). */
    static final Object[][] SCHEDULES = {
            {"constant 0.01", 0.01, 0.01, 1},
            {"constant 0.05", 0.05, 0.05, 1},
            {"cyclic 0.05-0.0005 c=1", 0.05, 0.0005, 1},
            {"cyclic 0.1-0.001 c=1", 0.1, 0.001, 1},
            {"cyclic 0.05-0.005 c=4", 0.05, 0.005, 4},
    };

    private SchedulesFigure() {}

    private static String row(String name, double a1, double a2, int c, int epoch, Model<Label> model, MutableDataset<Label> test) {
        List<Prediction<Label>> p = model.predict(test);
        if (model instanceof AutoCloseable) {
            try {
                ((AutoCloseable) model).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%.4f,%.4f", name, a1, a2, c, epoch, 1 - Metrics.accuracy(p),
                Metrics.negativeLogLikelihood(p));
    }

    private static void run(NetworkTrainer<Label, ?> trainer, int epochs, String name, double a1, double a2, int c, int firstEpoch, int offset,
                            MutableDataset<Label> train, MutableDataset<Label> test, Path csv) throws Exception {
        List<String> rows = new ArrayList<>();
        trainer.setProgressBar(false);
        trainer.setInitialisation(Initialisation.DJL); // the committed figure was made with DJL's initial weights
        trainer.addEpochModelListener(e -> e >= firstEpoch, (e, m) -> rows.add(row(name, a1, a2, c, e - offset, m, test)));
        Model<Label> last = trainer.train(train);
        rows.add(row(name, a1, a2, c, epochs - offset, last, test));
        Files.writeString(csv, String.join("\n", rows) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        rows.forEach(System.out::println);
    }

    /**
     * Runs the experiment.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read or the outputs written.
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, "SchedulesFigure [--data full|embedded|DIR] [--network mlp] [--budget 8] [--phase 16] "
                + "[--lr 0.05] [--threads 1] [--out docs/results]", "data", "network", "budget", "phase", "lr", "threads", "out");
        String data = o.get("data", "full");
        String network = o.get("network", "mlp");
        int budget = o.getInt("budget", 8);
        int phase = o.getInt("phase", 16);
        double lr = o.getDouble("lr", 0.05);
        int threads = o.getInt("threads", 1);
        Path out = Path.of(o.get("out", "docs/results"));
        int longest = java.util.Arrays.stream(SCHEDULES).mapToInt(x -> (Integer) x[3]).max().orElse(1);
        if (budget < 1 || phase < Math.max(2, longest)) {
            throw new IllegalArgumentException("budget = " + budget + ", phase = " + phase + " are out of range; allowed: budget >= 1, phase >= "
                    + Math.max(2, longest) + " (the longest cycle, so that every schedule averages once after w-hat)");
        }
        Path dir = FashionMnist.resolve(data);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        Files.createDirectories(out);
        Path csv = out.resolve("schedules.csv");
        Map<String, Integer> done = new TreeMap<>();
        if (Files.exists(csv)) {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                throw new IllegalArgumentException("out = " + out + " holds a schedules.csv that is not this program's; move it away");
            }
            lines.subList(1, lines.size()).forEach(l -> done.merge(l.split(",")[0], 1, Integer::sum));
        } else {
            Files.writeString(csv, HEADER + "\n", StandardCharsets.UTF_8);
        }
        Recipes<Label> recipes = Recipes.images(TrainNetwork.network(network), lr, 0.01, 0.05, 128, 1L, threads, "cpu");
        int spe = recipes.stepsPerEpoch(train.size());
        if (done.getOrDefault("SGD", 0) < phase) {
            // conventional SGD for B + phase epochs, its epochs B..B+phase on the figure's axis
            run(recipes.sgd(budget + phase, spe), budget + phase, "SGD", lr, lr, 0, budget + 1, budget, train, test, csv);
        }
        Path pretrained = out.resolve("schedules-w-hat.tribuo");
        if (!Files.exists(pretrained)) {
            DJLTrainer<Label> pretraining = recipes.sgd(budget, spe);
        pretraining.setInitialisation(Initialisation.DJL);
        try (DJLModel<Label> wHat = pretraining.train(train)) {
                ModelFiles.save(wHat, pretrained);
            }
        }
        if (done.getOrDefault("w-hat", 0) == 0) {
            // the common start of every SWA phase, at epoch 0 of the figure
            @SuppressWarnings("unchecked")
            Model<Label> wHat = ModelFiles.load(pretrained, Model.class);
            String r = row("w-hat", 0, 0, 0, 0, wHat, test);
            Files.writeString(csv, r + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            System.out.println(r);
        }
        for (Object[] s : SCHEDULES) {
            String name = (String) s[0];
            if (done.getOrDefault(name, 0) >= phase) {
                continue;
            }
            double a1 = (Double) s[1];
            double a2 = (Double) s[2];
            int c = (Integer) s[3];
            SWATrainer<Label> swa = new SWATrainer<>(TrainNetwork.network(network), new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE),
                    new LabelConverter(), phase, 128, new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4), new ConstantSchedule(a1), 0, a1, a2, c,
                    CycleUnit.EPOCHS, Averaging.EQUAL, 0.9, true, BatchNormMode.REFRESH, pretrained.toString(), 1L, "cpu", threads, false);
            run(swa, phase, name, a1, a2, c, 1, 0, train, test, csv);
        }
        figure(csv, out, budget);
    }

    private static void figure(Path csv, Path out, int budget) throws Exception {
        Map<String, TreeMap<Integer, double[]>> series = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            series.computeIfAbsent(f[0], k -> new TreeMap<>()).put(Integer.parseInt(f[4]),
                    new double[]{Double.parseDouble(f[5]), Double.parseDouble(f[6])});
        }
        XYChart chart = new XYChartBuilder().width(900).height(600)
                .title("Fashion-MNIST: test error of w_SWA over the SWA phase, from w-hat after " + budget + " epochs of SGD")
                .xAxisTitle("epochs of the SWA phase (SGD: epochs after " + budget + ")").yAxisTitle("test error (%)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        StringBuilder md = new StringBuilder();
        md.append("<!-- schedules-swa:start -->\n## Schedules and SWA\n\n")
                .append("<!-- written by scripts/reproduce/schedules-figure.sh; do not edit by hand -->\n\n")
                .append("Test error of w_SWA after each epoch of the SWA phase, for a constant rate and cyclic rates (α1, α2, c),\n")
                .append("all started from the same ŵ (conventional SGD for ").append(budget).append(" epochs, the MLP's budget B), against\n")
                .append("conventional SGD trained for B plus the phase (its epochs after B). Data: [schedules.csv](results/schedules.csv).\n\n")
                .append("![schedules](results/schedules.png)\n\n")
                .append("| schedule | test error after 1 epoch (%) | after half the phase (%) | at the end (%) | best (%) | NLL at the end |\n")
                .append("|---|---|---|---|---|---|\n");
        TreeMap<Integer, double[]> start = series.remove("w-hat");
        if (start != null) {
            double error = 100 * start.firstEntry().getValue()[0];
            int last = series.values().stream().mapToInt(TreeMap::lastKey).max().orElse(1);
            chart.addSeries("w-hat (start of every SWA phase)", new double[]{1, last}, new double[]{error, error}).setMarker(SeriesMarkers.NONE);
            md.append(String.format(Locale.ROOT, "| ŵ, the start of every SWA phase (epoch 0) | %.2f | – | – | – | %.4f |%n", error,
                    start.firstEntry().getValue()[1]));
        }
        for (Map.Entry<String, TreeMap<Integer, double[]>> e : series.entrySet()) {
            TreeMap<Integer, double[]> s = e.getValue();
            double[] x = s.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] y = s.values().stream().mapToDouble(v -> 100 * v[0]).toArray();
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
            int mid = s.lastKey() / 2;
            double best = s.values().stream().mapToDouble(v -> v[0]).min().orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.4f |%n", e.getKey(), 100 * s.firstEntry().getValue()[0],
                    100 * s.floorEntry(mid).getValue()[0], 100 * s.lastEntry().getValue()[0], 100 * best, s.lastEntry().getValue()[1]));
        }
        md.append("<!-- schedules-swa:end -->");
        Plots.save(chart, out.resolve("schedules"));
        System.out.println(md);
    }
}
