package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.examples.Options;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Prints the "engines" section of {@code docs/results.md} from the directories of engine checks (seeds of one recipe)
 * ({@link EngineAgreement}, then {@code reproduction/python/engine_agreement.py}) and draws its
 * figures: the relative difference of the two engines' training loss at every step, and the
 * test accuracy and NLL of both after every epoch.
 * <pre>
 * EngineAgreementReport --dirs DIR[,DIR...] --figure docs/figures/engines/agreement --command "COMMAND"
 *                       [--uncertainty docs/results/uncertainty-pytorch.csv]
 * </pre>
 */
public final class EngineAgreementReport {

    private EngineAgreementReport() {}

    /**
     * Prints the section.
     * @param args See the class documentation.
     * @throws Exception if a file cannot be read or a figure written.
     */
    public static void main(String[] args) throws Exception {
        String usage = "EngineAgreementReport --dirs DIR[,DIR...] --figure FILE_WITHOUT_EXTENSION --command COMMAND [--uncertainty PYTORCH_CSV]";
        Options.main("EngineAgreementReport", args, usage, () -> {
            Options o = Options.parse(args, usage, "dirs", "figure", "command", "uncertainty");
            String dirs = o.get("dirs", null);
            String figure = o.get("figure", null);
            if (dirs == null || figure == null) {
                throw new IllegalArgumentException("--dirs and --figure are required; usage: " + usage);
            }
            String uncertainty = o.get("uncertainty", null);
            System.out.println(report(Arrays.stream(dirs.split(",")).map(Path::of).toList(), Path.of(figure), o.get("command", ""),
                    uncertainty == null ? null : Path.of(uncertainty)));
        });
    }

    /**
     * The PyTorch runs that change one source of randomness at a time (engine_agreement.py --init, --order): torch.nn's
     * own initial draw with the plugin's order; the plugin's initial weights with PyTorch's seeded shuffle; both of
     * PyTorch's own (uncertainty_pytorch.py's SGD run of the seed).
     */
    /** The steps drawn in the loss figure. */
    static final int LOSS_STEPS = 200;

    static final List<String> CELLS = List.of("init-torch-order-plugin", "init-plugin-order-torch", "init-torch-order-torch");

    /** One engine check: its recipe, the PyTorch side's checks, and both engines' steps and epochs. */
    record Check(Map<String, String> run, Map<String, String> checks, List<double[]> djlSteps, List<double[]> ptSteps,
                 List<double[]> djlEpochs, List<double[]> ptEpochs, Map<String, double[]> cells) {

        static Check read(Path dir) throws IOException {
            for (String f : List.of("run.tsv", "steps-djl.csv", "epochs-djl.csv", "steps-pytorch.csv", "epochs-pytorch.csv",
                    "checks-pytorch.tsv")) {
                if (!Files.isRegularFile(dir.resolve(f))) {
                    throw new IllegalArgumentException("--dirs " + dir + " has no " + f + "; run EngineAgreement and then engine_agreement.py "
                            + "on it (scripts/reproduce/engines.sh) first");
                }
            }
            Check c = new Check(tsv(dir.resolve("run.tsv")), tsv(dir.resolve("checks-pytorch.tsv")),
                    csv(dir.resolve("steps-djl.csv"), EngineAgreement.STEPS_HEADER),
                    csv(dir.resolve("steps-pytorch.csv"), EngineAgreement.STEPS_HEADER),
                    csv(dir.resolve("epochs-djl.csv"), EngineAgreement.EPOCHS_HEADER),
                    csv(dir.resolve("epochs-pytorch.csv"), EngineAgreement.EPOCHS_HEADER), new LinkedHashMap<>());
            for (String cell : CELLS) {
                Path f = dir.resolve("epochs-pytorch-" + cell + ".csv");
                if (Files.isRegularFile(f)) {
                    List<double[]> rows = csv(f, EngineAgreement.EPOCHS_HEADER);
                    c.cells.put(cell, rows.get(rows.size() - 1));
                }
            }
            if (c.djlSteps.size() != c.ptSteps.size() || c.djlEpochs.size() != c.ptEpochs.size()) {
                throw new IllegalArgumentException(dir + ": the plugin has " + c.djlSteps.size() + " steps and " + c.djlEpochs.size()
                        + " epochs, PyTorch " + c.ptSteps.size() + " and " + c.ptEpochs.size() + "; run engine_agreement.py on it to the end");
            }
            return c;
        }

        String seed() {
            return run.get("seed");
        }

        String check(String key) {
            return checks.get(key);
        }

        double[] lastDjl() {
            return djlEpochs.get(djlEpochs.size() - 1);
        }

        double[] lastPt() {
            return ptEpochs.get(ptEpochs.size() - 1);
        }
    }

    static String report(List<Path> dirs, Path figure, String command, Path uncertainty) throws IOException {
        List<Check> checks = new ArrayList<>();
        for (Path d : dirs) {
            checks.add(Check.read(d));
        }
        Map<String, double[]> sgdRows = new LinkedHashMap<>(); // seed -> uncertainty_pytorch.py's SGD row of this recipe
        if (uncertainty != null && Files.isRegularFile(uncertainty)) {
            for (String line : Files.readAllLines(uncertainty, StandardCharsets.UTF_8)) {
                String[] f = line.split(",");
                if (f.length > 8 && f[0].equals("pytorch") && f[1].equals(checks.get(0).run.get("network")) && f[3].equals("SGD")
                        && f[4].equals(checks.get(0).run.get("epochs"))) {
                    sgdRows.put(f[2], new double[]{0, Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[8])});
                }
            }
        }
        Check first = checks.get(0);
        for (Check c : checks) {
            for (String k : List.of("network", "epochs", "validation", "batch", "lr")) {
                if (!c.run.get(k).equals(first.run.get(k))) {
                    throw new IllegalArgumentException("--dirs: the checks differ in " + k + " (" + first.run.get(k) + ", " + c.run.get(k)
                            + "); allowed: seeds of one recipe");
                }
            }
        }
        Files.createDirectories(figure.toAbsolutePath().getParent());
        String title = "Fashion-MNIST, " + first.run.get("network") + ", SGD, both engines from the same initial weights and batches";
        XYChart loss = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step (the first " + LOSS_STEPS + ")")
                .yAxisTitle("|loss(PyTorch) - loss(plugin)| / loss(plugin)").build();
        loss.getStyler().setXAxisTickMarkSpacingHint(60);
        loss.getStyler().setYAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideSE);
        XYChart curves = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("epoch").yAxisTitle("test accuracy (%)").build();
        curves.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        Color[] colours = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e)};
        for (int s = 0; s < checks.size(); s++) {
            Check c = checks.get(s);
            Color colour = colours[s % colours.length];
            int shown = Math.min(LOSS_STEPS, c.djlSteps.size()); // the divergence grows within these; later steps only stay apart
            double[] step = new double[shown];
            double[] relative = new double[shown];
            for (int i = 0; i < shown; i++) {
                step[i] = c.djlSteps.get(i)[0];
                // a difference of 0 (the same float) is drawn at the float32 resolution, 6e-8
                relative[i] = Math.max(Math.abs(c.ptSteps.get(i)[2] - c.djlSteps.get(i)[2]) / c.djlSteps.get(i)[2], 0x1p-24);
            }
            loss.addSeries("seed " + c.seed(), step, relative).setMarker(SeriesMarkers.NONE).setLineColor(colour);
            double[] epochs = c.djlEpochs.stream().mapToDouble(r -> r[0]).toArray();
            XYSeries plugin = curves.addSeries("plugin, seed " + c.seed(), epochs, c.djlEpochs.stream().mapToDouble(r -> 100 * r[1]).toArray());
            plugin.setLineColor(colour);
            plugin.setMarkerColor(colour);
            XYSeries pytorch = curves.addSeries("PyTorch, seed " + c.seed(), epochs, c.ptEpochs.stream().mapToDouble(r -> 100 * r[1]).toArray());
            pytorch.setLineStyle(SeriesLines.DASH_DASH);
            pytorch.setLineColor(colour);
            pytorch.setMarker(SeriesMarkers.NONE);
        }
        Path lossFigure = figure.resolveSibling(figure.getFileName() + "-loss");
        for (Map.Entry<XYChart, Path> c : Map.of(loss, lossFigure, curves, figure).entrySet()) {
            BitmapEncoder.saveBitmap(c.getKey(), c.getValue().toString(), BitmapEncoder.BitmapFormat.PNG);
            VectorGraphicsEncoder.saveVectorGraphic(c.getKey(), c.getValue().toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        }

        StringBuilder md = new StringBuilder("<!-- engines:start -->\n## The two engines from the same start (issue 18)\n\n");
        md.append("Made by `").append(command).append("`: the ").append(first.run.get("network"))
                .append(" of the uncertainty comparison with its SGD recipe (rate ").append(first.run.get("lr")).append(", batch ")
                .append(first.run.get("batch")).append(", ").append(first.run.get("epochs")).append(" epochs, the last ")
                .append(first.run.get("validation")).append(" training images held out), trained once by the plugin ")
                .append("(`reproduction.EngineAgreement`) and once by PyTorch ").append(first.check("torch"))
                .append(" (`engine_agreement.py`) from the plugin's initial weights, with the plugin's batches in the plugin's order; ")
                .append("one run per engine and seed, one thread each, on this machine; the files are in `docs/results/engines/`.\n\n");
        md.append("| seed | step 1: relative loss difference | after step 1: largest difference of a weight or BatchNorm statistic "
                + "| steps 1–10: largest relative loss difference | the plugin's final weights scored by PyTorch (accuracy, NLL) "
                + "| final test accuracy (%): plugin, PyTorch, difference | final NLL: plugin, PyTorch | final ECE (%): plugin, PyTorch |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        double sumAcc = 0;
        double sumNll = 0;
        for (Check c : checks) {
            String[] scored = c.check("plugin_final_scored_by_pytorch").split(",");
            double[] d = c.lastDjl();
            double[] p = c.lastPt();
            sumAcc += 100 * (p[1] - d[1]);
            sumNll += p[2] - d[2];
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1e (%s) | %s | %.2f %%, %s (the plugin: %.2f %%, %.4f) | %.2f, %.2f, %+.2f "
                            + "| %.4f, %.4f | %.2f, %.2f |%n", c.seed(), c.check("largest_relative_loss_difference_steps_1_1"),
                    Double.parseDouble(c.check("after_step_1_largest_difference")), c.check("after_step_1_parameter"),
                    c.check("largest_relative_loss_difference_steps_1_10"), 100 * Double.parseDouble(scored[0]), scored[1], 100 * d[1], d[2],
                    100 * d[1], 100 * p[1], 100 * (p[1] - d[1]), d[2], p[2], 100 * d[3], 100 * p[3]));
        }
        md.append(String.format(Locale.ROOT, "%nMean difference PyTorch − plugin over %d seed%s: %+.2f points of test accuracy, %+.4f NLL.%n%n",
                checks.size(), checks.size() == 1 ? "" : "s", sumAcc / checks.size(), sumNll / checks.size()));
        md.append("What moves PyTorch's end point: the same recipe in PyTorch with one source of randomness changed at a time "
                + "(`engine_agreement.py --init torch` and/or `--order torch`); each cell is test accuracy (%) / NLL / ECE (%) after the last "
                + "epoch; \"its own\" is `uncertainty_pytorch.py`'s SGD run of the seed (from its CSV row when not run here: the same "
                + "run, bit for bit).\n\n| seed | plugin | PyTorch, the plugin's initial weights and order | PyTorch, torch.nn's initial draw, "
                + "the plugin's order | PyTorch, the plugin's initial weights, its own shuffle | PyTorch, its own initial draw and shuffle |"
                + "\n|---|---|---|---|---|---|\n");
        for (Check c : checks) {
            md.append("| ").append(c.seed()).append(" | ").append(cell(c.lastDjl())).append(" | ").append(cell(c.lastPt()));
            for (String k : CELLS) {
                double[] v = c.cells.get(k);
                if (v == null && k.equals("init-torch-order-torch") && sgdRows.containsKey(c.seed())) {
                    md.append(" | ").append(cell(sgdRows.get(c.seed()))).append(" (CSV row)");
                } else {
                    md.append(" | ").append(v == null ? "not run" : cell(v));
                }
            }
            md.append(" |\n");
        }
        md.append('\n');
        md.append("| epoch | plugin: test accuracy (%) | PyTorch: test accuracy (%) | plugin: NLL | PyTorch: NLL |\n|---|---|---|---|---|\n");
        for (int i = 0; i < first.djlEpochs.size(); i++) {
            int e = i;
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", (int) first.djlEpochs.get(i)[0],
                    perSeed(checks, c -> 100 * c.djlEpochs.get(e)[1], 2), perSeed(checks, c -> 100 * c.ptEpochs.get(e)[1], 2),
                    perSeed(checks, c -> c.djlEpochs.get(e)[2], 4), perSeed(checks, c -> c.ptEpochs.get(e)[2], 4)));
        }
        Path docs = Path.of("docs").toAbsolutePath();
        md.append("\n(Each cell: the seeds in order.)\n\n![relative difference of the training loss at every step](")
                .append(docs.relativize(lossFigure.toAbsolutePath())).append(".png)\n![test accuracy after every epoch](")
                .append(docs.relativize(figure.toAbsolutePath())).append(".png)\n");
        return md.append("<!-- engines:end -->").toString();
    }

    private static String cell(double[] last) {
        return String.format(Locale.ROOT, "%.2f / %.4f / %.2f", 100 * last[1], last[2], 100 * last[3]);
    }

    private static String perSeed(List<Check> checks, ToDoubleFunction<Check> value, int decimals) {
        return checks.stream().map(c -> String.format(Locale.ROOT, "%." + decimals + "f", value.applyAsDouble(c))).collect(Collectors.joining(", "));
    }

    private static Map<String, String> tsv(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 2);
            if (f.length == 2) {
                out.put(f[0], f[1]);
            }
        }
        return out;
    }

    private static List<double[]> csv(Path file, String header) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            throw new IllegalArgumentException(file + " is not an engine-check file (its first line must be " + header + ")");
        }
        return lines.subList(1, lines.size()).stream().map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble)
                .toArray()).toList();
    }
}
