package io.github.tribuoswa.landscape.cli;

import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.landscape.Directions;
import io.github.tribuoswa.landscape.LandscapeEvaluator;
import io.github.tribuoswa.landscape.Plane;
import io.github.tribuoswa.landscape.Plots;
import io.github.tribuoswa.landscape.Scans;
import io.github.tribuoswa.landscape.TrajectoryRecorder;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.core.Checkpoints;
import io.github.tribuoswa.storage.ModelFiles;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;

/**
 * The loss-geometry command line: the SWA paper's plane, rays and segment figures for saved
 * Fashion-MNIST classifiers ({@link DJLModel} protobuf files), as CSV data and PNG/SVG plots.
 * <pre>
 *   landscape plane   --points swa.tribuo,sgd.tribuo,cycle.f32 [--trajectory DIR] --out DIR
 *   landscape rays    --swa swa.tribuo --sgd sgd.tribuo --out DIR
 *   landscape segment --swa swa.tribuo --sgd sgd.tribuo --out DIR
 * </pre>
 * A point is a saved model or a {@code .f32} file of trainable weights written by
 * {@link TrajectoryRecorder}. Data: {@code --data} as {@link FashionMnist#resolve(String)}.
 */
@Command(name = "landscape", mixinStandardHelpOptions = true, version = "tribuo-swa landscape",
        description = "Loss planes, rays and segments of saved networks (SWA paper, figures 1, 3, 4).",
        subcommands = {LandscapeCli.PlaneCommand.class, LandscapeCli.RaysCommand.class, LandscapeCli.SegmentCommand.class})
public final class LandscapeCli implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * Runs the command line.
     * @param args The arguments.
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LandscapeCli()).execute(args));
    }

    /**
     * Options every analysis shares.
     */
    static class Common {
        @Option(names = "--data", description = "embedded, a directory of Fashion-MNIST IDX files, or empty: the full data if installed")
        String data;

        @Option(names = "--train-subset", defaultValue = "10000",
                description = "training examples evaluated at each point (0: all); default ${DEFAULT-VALUE}")
        int trainSubset;

        @Option(names = "--test-subset", defaultValue = "10000",
                description = "test examples evaluated at each point (0: all); default ${DEFAULT-VALUE}")
        int testSubset;

        @Option(names = "--batch", defaultValue = "2000", description = "forward batch size; default ${DEFAULT-VALUE}")
        int batch;

        @Option(names = "--seed", defaultValue = "1", description = "seed of the subsets and directions; default ${DEFAULT-VALUE}")
        long seed;

        @Option(names = "--out", required = true, description = "output directory")
        Path out;

        LandscapeEvaluator evaluator(DJLModel<Label> architecture) throws IOException {
            Path dir = FashionMnist.resolve(data);
            MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
            MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
            Files.createDirectories(out);
            return new LandscapeEvaluator(architecture, train, test, trainSubset, testSubset, seed, batch);
        }
    }

    /**
     * The two solutions the rays and the segment compare.
     */
    static class SwaAndSgd {
        @Option(names = "--swa", required = true, description = "the SWA model file")
        Path swa;

        @Option(names = "--sgd", required = true, description = "the SGD model file")
        Path sgd;

        /**
         * Loads both solutions and an evaluator of their (the SWA model's) architecture.
         */
        Solutions open(Common common) throws IOException {
            DJLModel<Label> arch = model(swa);
            try {
                LandscapeEvaluator ev = common.evaluator(arch);
                return new Solutions(arch, ev, weights(swa, ev), weights(sgd, ev));
            } catch (IOException | RuntimeException e) {
                arch.close();
                throw e;
            }
        }
    }

    /**
     * w_SWA and w_SGD with the evaluator of their network.
     */
    record Solutions(DJLModel<Label> architecture, LandscapeEvaluator evaluator, float[] wSwa, float[] wSgd) implements AutoCloseable {
        @Override
        public void close() {
            evaluator.close();
            architecture.close();
        }
    }

    @SuppressWarnings("unchecked")
    static DJLModel<Label> model(Path file) throws IOException {
        DJLModel<?> m = ModelFiles.load(file, DJLModel.class);
        if (!m.validate(Label.class)) {
            throw new IllegalArgumentException(file + " is not a DJLModel classifier");
        }
        return (DJLModel<Label>) m;
    }

    static float[] weights(Path file, LandscapeEvaluator evaluator) throws IOException {
        if (file.toString().endsWith(".f32")) {
            float[] w = Checkpoints.floats(com.google.protobuf.ByteString.copyFrom(Files.readAllBytes(file)));
            if (w.length != evaluator.dimension()) {
                throw new IllegalArgumentException(file + " holds " + w.length + " weights, the network has " + evaluator.dimension());
            }
            return w;
        }
        try (DJLModel<Label> m = model(file)) {
            return evaluator.weightsOf(m);
        }
    }

    static IntConsumer progress(String what, int total) {
        boolean bar = System.console() != null;
        long start = System.nanoTime();
        return done -> {
            if (bar) {
                int filled = (int) (30L * done / total);
                System.err.printf(Locale.ROOT, "\r%s [%s%s] %d/%d", what, "=".repeat(filled), " ".repeat(30 - filled), done, total);
                if (done == total) {
                    System.err.println();
                }
            } else if (done == total || done % Math.max(1, total / 10) == 0) {
                System.err.printf(Locale.ROOT, "%s: %d/%d points, %.0f s%n", what, done, total, (System.nanoTime() - start) / 1e9);
            }
        };
    }

    /**
     * The plane through three points, with a trajectory projected onto it.
     */
    @Command(name = "plane", mixinStandardHelpOptions = true,
            description = "Train loss, train error and test error on the plane through three points.")
    static final class PlaneCommand implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--points", required = true, split = ",",
                description = "three points (model files or .f32 weights); the first model file fixes the network")
        List<Path> points;

        @Option(names = "--names", split = ",", description = "names of the three points in the plot (default: file names)")
        List<String> names;

        @Option(names = "--trajectory", description = "a directory of step-K.f32 weights to project onto the plane")
        Path trajectory;

        @Option(names = "--grid", defaultValue = "21", description = "grid points per axis; default ${DEFAULT-VALUE}")
        int grid;

        @Option(names = "--margin", defaultValue = "0.2",
                description = "margin around the points, a fraction of their extent; default ${DEFAULT-VALUE}")
        double margin;

        @Override
        public Integer call() throws Exception {
            if (points.size() != 3) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--points needs exactly three points, found " + points.size());
            }
            Path archFile = points.stream().filter(p -> !p.toString().endsWith(".f32")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--points needs at least one model file"));
            try (DJLModel<Label> arch = model(archFile); LandscapeEvaluator ev = common.evaluator(arch)) {
                List<float[]> w = new ArrayList<>();
                for (Path p : points) {
                    w.add(weights(p, ev));
                }
                Plane plane = new Plane(w.get(0), w.get(1), w.get(2));
                List<Scans.Projected> projected = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String name = names != null && names.size() == 3 ? names.get(i) : points.get(i).getFileName().toString();
                    projected.add(new Scans.Projected(name, plane.project(w.get(i))));
                }
                List<float[]> covered = new ArrayList<>(w);
                if (trajectory != null) {
                    for (Map.Entry<Long, float[]> e : TrajectoryRecorder.read(trajectory).entrySet()) {
                        projected.add(new Scans.Projected("step " + e.getKey(), plane.project(e.getValue())));
                        covered.add(e.getValue());
                    }
                }
                List<Scans.PlanePoint> result = Scans.plane(ev, plane, covered, grid, margin, progress("plane", grid * grid));
                Scans.writePlane(result, projected, common.out.resolve("plane.csv"), common.out.resolve("plane-points.csv"));
                Map<String, ToDoubleFunction<LandscapeEvaluator.Evaluation>> values = Map.of(
                        "train-loss", LandscapeEvaluator.Evaluation::trainLoss,
                        "test-error", e -> 100 * e.testError());
                for (Map.Entry<String, ToDoubleFunction<LandscapeEvaluator.Evaluation>> v : values.entrySet()) {
                    Plots.save(Plots.plane(result, projected, v.getValue(), "plane: " + v.getKey()), common.out.resolve("plane-" + v.getKey()));
                }
                System.out.println("wrote plane.csv, plane-points.csv, plane-train-loss.{png,svg}, plane-test-error.{png,svg} to " + common.out);
            }
            return 0;
        }
    }

    /**
     * Rays from w_SWA and w_SGD along random directions.
     */
    @Command(name = "rays", mixinStandardHelpOptions = true, description = "Train and test error along random rays from w_SWA and w_SGD.")
    static final class RaysCommand implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @CommandLine.Mixin
        SwaAndSgd models = new SwaAndSgd();

        @Option(names = "--directions", defaultValue = "10", description = "random unit directions; default ${DEFAULT-VALUE}")
        int directions;

        @Option(names = "--max-distance", defaultValue = "50", description = "largest distance along a ray; default ${DEFAULT-VALUE}")
        double maxDistance;

        @Option(names = "--steps", defaultValue = "21", description = "distances per ray, from 0; default ${DEFAULT-VALUE}")
        int steps;

        @Option(names = "--filter-normalised", description = "filter-normalise the directions (Li et al. 2018)")
        boolean filterNormalised;

        @Override
        public Integer call() throws Exception {
            try (Solutions sol = models.open(common)) {
                LandscapeEvaluator ev = sol.evaluator();
                double[][] dirs = Directions.randomUnit(ev.dimension(), directions, common.seed);
                double[] ts = Scans.linspace(0, maxDistance, steps);
                List<Scans.RayPoint> all = new ArrayList<>();
                IntConsumer bar = progress("rays", 2 * directions * steps);
                int offset = 0;
                for (Object[] start : new Object[][]{{"SWA", sol.wSwa()}, {"SGD", sol.wSgd()}}) {
                    float[] w = (float[]) start[1];
                    double[][] d = dirs;
                    if (filterNormalised) {
                        d = new double[dirs.length][];
                        for (int i = 0; i < dirs.length; i++) {
                            d[i] = Directions.filterNormalised(dirs[i], w, ev.trainableShapes());
                        }
                    }
                    int base = offset;
                    all.addAll(Scans.rays(ev, (String) start[0], w, d, ts, k -> bar.accept(base + k)));
                    offset += directions * steps;
                }
                Scans.writeRays(all, common.out.resolve("rays.csv"));
                Plots.save(Plots.rays(all, "error along random rays"), common.out.resolve("rays"));
                System.out.println("wrote rays.csv and rays.{png,svg} to " + common.out);
            }
            return 0;
        }
    }

    /**
     * The segment between w_SWA and w_SGD, extended beyond both.
     */
    @Command(name = "segment", mixinStandardHelpOptions = true, description = "Train loss and test error along t·w_SGD + (1 - t)·w_SWA.")
    static final class SegmentCommand implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @CommandLine.Mixin
        SwaAndSgd models = new SwaAndSgd();

        @Option(names = "--from", defaultValue = "-0.5", description = "first t; default ${DEFAULT-VALUE}")
        double from;

        @Option(names = "--to", defaultValue = "1.5", description = "last t; default ${DEFAULT-VALUE}")
        double to;

        @Option(names = "--steps", defaultValue = "41", description = "points; default ${DEFAULT-VALUE}")
        int steps;

        @Override
        public Integer call() throws Exception {
            try (Solutions sol = models.open(common)) {
                List<Scans.SegmentPoint> points = Scans.segment(sol.evaluator(), sol.wSgd(), sol.wSwa(), Scans.linspace(from, to, steps),
                        progress("segment", steps));
                Scans.writeSegment(points, common.out.resolve("segment.csv"));
                Plots.save(Plots.segment(points, "from w_SWA (t = 0) to w_SGD (t = 1)"), common.out.resolve("segment"));
                System.out.println("wrote segment.csv and segment.{png,svg} to " + common.out);
            }
            return 0;
        }
    }
}
