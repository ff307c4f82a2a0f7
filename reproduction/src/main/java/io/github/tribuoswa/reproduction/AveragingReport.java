package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.examples.Options;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The "averaging" section of docs/results.md from {@link AveragingMethods}' CSVs, on standard
 * output (for reproduction/python/update_doc_section.py), and the plot of the curves (mean test
 * accuracy over seeds of the model each method returns after every epoch), PNG and SVG: per
 * method the final test accuracy, NLL and ECE (mean ± sample std over seeds), the epochs (and
 * steps) after which its model first reaches the same seed's SGD baseline's final accuracy (over
 * the seeds whose SGD run is in; "no SGD baseline yet" when none is), and
 * per soup source the ensemble, the best single member and both soups.
 * <pre>
 * usage: AveragingReport [--curves FILE] [--soups FILE] [--figure PATH-WITHOUT-EXTENSION] [--command TEXT]
 * </pre>
 */
public final class AveragingReport {

    private AveragingReport() {}

    /**
     * Writes the figure and prints the section.
     * @param args See the class documentation.
     * @throws Exception if a file cannot be read or written.
     */
    public static void main(String[] args) throws Exception {
        Options.main("AveragingReport", args, "AveragingReport [--curves FILE] [--soups FILE] [--figure PATH] [--command TEXT]", () -> {
            Options o = Options.parse(args, "AveragingReport", "curves", "soups", "figure", "command");
            System.out.println(report(Path.of(o.get("curves", "docs/results/averaging-djl.csv")), Path.of(o.get("soups",
                    "docs/results/soups-djl.csv")), Path.of(o.get("figure", "docs/figures/averaging/curves")), o.get("command",
                    "scripts/reproduce/averaging.sh")));
        });
    }

    private static String cell(List<Double> v, double scale, int decimals) {
        if (v.isEmpty()) {
            return "–";
        }
        double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        String text = String.format(Locale.ROOT, "%." + decimals + "f", mean * scale);
        if (v.size() > 1) {
            double ss = 0;
            for (double x : v) {
                ss += (x - mean) * (x - mean);
            }
            text += String.format(Locale.ROOT, " ± %." + decimals + "f", Math.sqrt(ss / (v.size() - 1)) * scale);
        }
        return text;
    }

    static String report(Path curves, Path soups, Path figure, String command) throws Exception {
        // method -> seed -> epoch -> {accuracy, nll, ece, steps}
        Map<String, Map<String, TreeMap<Integer, double[]>>> runs = new LinkedHashMap<>();
        String network = "";
        int epochs = 0;
        for (String line : readRows(curves)) {
            String[] f = line.split(",");
            network = f[1];
            epochs = Integer.parseInt(f[4]);
            runs.computeIfAbsent(f[3], k -> new TreeMap<>()).computeIfAbsent(f[2], k -> new TreeMap<>()).put(Integer.parseInt(f[5]),
                    new double[]{Double.parseDouble(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]), Double.parseDouble(f[6])});
        }
        StringBuilder md = new StringBuilder("<!-- averaging:start -->\n## After SWA: EMA, LAWA, WSD, schedule-free SGD, soups (issue 16)\n\n");
        md.append("Made by `").append(command).append("` from `").append(shown(curves)).append("` and `").append(shown(soups)).append("`: ")
                .append(network)
                .append(" on full Fashion-MNIST (the last 5,000 training images held out for the greedy soups), ").append(epochs)
                .append(" epochs for every method, mean ± sample std over seeds; the recipes are `examples.Recipes`' ")
                .append("(as `reproduction.AveragingMethods` picks them). ")
                .append("\"Epochs to SGD\": the first epoch whose model reaches the same seed's SGD baseline's final test accuracy ")
                .append("(the seeds that reach it, of the seeds whose SGD baseline is in).\n\n");
        if (!runs.isEmpty()) {
            Files.createDirectories(figure.toAbsolutePath().getParent());
            int seeds = runs.values().stream().mapToInt(Map::size).max().orElse(0);
            String of = " after every epoch (mean of " + seeds + (seeds == 1 ? " seed)" : " seeds)");
            XYChart chart = new XYChartBuilder().width(900).height(600).title("Fashion-MNIST, " + network + ": test accuracy" + of)
                    .xAxisTitle("epoch").yAxisTitle("test accuracy (%)").build();
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
            XYChart nllChart = new XYChartBuilder().width(900).height(600).title("Fashion-MNIST, " + network + ": test NLL" + of)
                    .xAxisTitle("epoch").yAxisTitle("test NLL (nats)").build();
            nllChart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
            md.append("| method | seeds | test accuracy (%) | NLL | ECE (%) | epochs (steps) to SGD's final accuracy |\n|---|---|---|---|---|---|\n");
            Map<String, TreeMap<Integer, double[]>> sgd = runs.getOrDefault("SGD", Map.of());
            for (Map.Entry<String, Map<String, TreeMap<Integer, double[]>>> m : runs.entrySet()) {
                List<Double> acc = new ArrayList<>();
                List<Double> nll = new ArrayList<>();
                List<Double> ece = new ArrayList<>();
                List<Double> reach = new ArrayList<>();
                List<Double> reachSteps = new ArrayList<>();
                int withBaseline = 0;
                TreeMap<Integer, List<double[]>> byEpoch = new TreeMap<>();
                for (Map.Entry<String, TreeMap<Integer, double[]>> seed : m.getValue().entrySet()) {
                    double[] last = seed.getValue().lastEntry().getValue();
                    acc.add(last[0]);
                    nll.add(last[1]);
                    ece.add(last[2]);
                    TreeMap<Integer, double[]> base = sgd.get(seed.getKey());
                    if (base != null) {
                        withBaseline++;
                        double target = base.lastEntry().getValue()[0];
                        seed.getValue().entrySet().stream().filter(e -> e.getValue()[0] >= target).findFirst().ifPresent(e -> {
                            reach.add((double) e.getKey());
                            reachSteps.add(e.getValue()[3]);
                        });
                    }
                    seed.getValue().forEach((e, v) -> byEpoch.computeIfAbsent(e, k -> new ArrayList<>()).add(v));
                }
                String toSgd = withBaseline == 0 ? "no SGD baseline yet" : String.format(Locale.ROOT, "%s (%s steps; %d of %d)", cell(reach, 1, 1),
                        cell(reachSteps, 1, 0), reach.size(), withBaseline);
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", m.getKey(), acc.size(), cell(acc, 100, 2), cell(nll, 1, 4),
                        cell(ece, 100, 2), toSgd));
                double[] x = byEpoch.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
                double[] y = byEpoch.values().stream().mapToDouble(v -> 100 * v.stream().mapToDouble(r -> r[0]).average().orElse(0)).toArray();
                double[] loss = byEpoch.values().stream().mapToDouble(v -> v.stream().mapToDouble(r -> r[1]).average().orElse(0)).toArray();
                chart.addSeries(m.getKey(), x, y).setMarker(SeriesMarkers.NONE);
                nllChart.addSeries(m.getKey(), x, loss).setMarker(SeriesMarkers.NONE);
            }
            Path nllFigure = figure.resolveSibling(figure.getFileName() + "-nll");
            for (Map.Entry<XYChart, Path> c : Map.of(chart, figure, nllChart, nllFigure).entrySet()) {
                BitmapEncoder.saveBitmap(c.getKey(), c.getValue().toString(), BitmapEncoder.BitmapFormat.PNG);
                VectorGraphicsEncoder.saveVectorGraphic(c.getKey(), c.getValue().toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            }
            Path docs = Path.of("docs").toAbsolutePath();
            md.append("\n![test accuracy after every epoch](").append(docs.relativize(figure.toAbsolutePath())).append(".png)\n")
                    .append("![test NLL after every epoch](").append(docs.relativize(nllFigure.toAbsolutePath())).append(".png)\n\n");
        }
        Map<String, Map<String, List<double[]>>> soup = new LinkedHashMap<>();
        for (String line : readRows(soups)) {
            String[] f = line.split(",");
            soup.computeIfAbsent(f[3], k -> new LinkedHashMap<>()).computeIfAbsent(f[4], k -> new ArrayList<>()).add(new double[]{
                Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8])});
        }
        if (!soup.isEmpty()) {
            md.append("| ingredients | model | seeds | members | test accuracy (%) | NLL | ECE (%) |\n|---|---|---|---|---|---|---|\n");
            for (Map.Entry<String, Map<String, List<double[]>>> src : soup.entrySet()) {
                for (Map.Entry<String, List<double[]>> m : src.getValue().entrySet()) {
                    List<double[]> v = m.getValue();
                    md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s |%n", src.getKey().equals("FGE") ? "FGE snapshots"
                            : "4 runs from one pre-trained point", m.getKey(), v.size(), cell(col(v, 0), 1, 1), cell(col(v, 1), 100, 2),
                            cell(col(v, 2), 1, 4), cell(col(v, 3), 100, 2)));
                }
            }
            md.append('\n');
        }
        return md.append("<!-- averaging:end -->").toString();
    }

    /** A path as the section shows it: relative to the working directory (the project's root) when it lies under it. */
    private static Path shown(Path p) {
        Path here = Path.of("").toAbsolutePath();
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(here) ? here.relativize(abs) : p;
    }

    private static List<Double> col(List<double[]> rows, int i) {
        List<Double> out = new ArrayList<>();
        rows.forEach(r -> out.add(r[i]));
        return out;
    }

    private static List<String> readRows(Path csv) throws java.io.IOException {
        if (!Files.exists(csv)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        return lines.isEmpty() ? List.of() : lines.subList(1, lines.size());
    }
}
