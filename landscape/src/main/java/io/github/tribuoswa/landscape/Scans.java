package io.github.tribuoswa.landscape;

import io.github.tribuoswa.util.AtomicFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * The three analyses of the SWA paper's figures, each a list of evaluated points: the plane
 * through three weight vectors on an (x, y) grid (with other vectors projected onto it), rays
 * from a point along random directions, and the segment between w_SGD and w_SWA.
 */
public final class Scans {

    private Scans() {}

    /**
     * One grid point of a plane.
     * @param x The û coordinate.
     * @param y The v̂ coordinate.
     * @param value The evaluation.
     */
    public record PlanePoint(double x, double y, LandscapeEvaluator.Evaluation value) {}

    /**
     * A named weight vector projected onto a plane.
     * @param name Its name.
     * @param projection Its coordinates and distance.
     */
    public record Projected(String name, Plane.Projection projection) {}

    /**
     * One point on a ray.
     * @param start The name of the ray's start (e.g. SWA, SGD).
     * @param direction The direction's index.
     * @param distance The distance t along the unit direction.
     * @param value The evaluation.
     */
    public record RayPoint(String start, int direction, double distance, LandscapeEvaluator.Evaluation value) {}

    /**
     * One point on the segment t·w_SGD + (1 &minus; t)·w_SWA.
     * @param t The position.
     * @param value The evaluation.
     */
    public record SegmentPoint(double t, LandscapeEvaluator.Evaluation value) {}

    /**
     * n evenly spaced values from a to b inclusive.
     * @param a The first.
     * @param b The last.
     * @param n How many (&ge; 2).
     * @return The values.
     */
    public static double[] linspace(double a, double b, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("n = " + n + " is out of range; allowed: integer >= 2");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a + (b - a) * i / (n - 1);
        }
        return out;
    }

    /**
     * Evaluates the plane on a size&times;size grid covering the given points (the three that
     * define it, and any others to be shown on it) with a margin (a fraction of the points'
     * extent on each side).
     * @param evaluator The evaluator.
     * @param plane The plane.
     * @param points The points the grid must cover.
     * @param size Grid points per axis (&ge; 2).
     * @param margin The margin, a fraction of the extent (&ge; 0).
     * @param progress Told the number of points done after each one.
     * @return The grid, row by row (y outer, x inner).
     */
    public static List<PlanePoint> plane(LandscapeEvaluator evaluator, Plane plane, List<float[]> points, int size, double margin,
                                         IntConsumer progress) {
        if (margin < 0 || !Double.isFinite(margin)) {
            throw new IllegalArgumentException("margin = " + margin + " is out of range; allowed: finite real >= 0");
        }
        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        for (float[] p : points) {
            Plane.Projection pr = plane.project(p);
            xmin = Math.min(xmin, pr.x());
            xmax = Math.max(xmax, pr.x());
            ymin = Math.min(ymin, pr.y());
            ymax = Math.max(ymax, pr.y());
        }
        double dx = (xmax - xmin) * margin;
        double dy = (ymax - ymin) * margin;
        double[] xs = linspace(xmin - dx, xmax + dx, size);
        double[] ys = linspace(ymin - dy, ymax + dy, size);
        List<PlanePoint> out = new ArrayList<>();
        for (double y : ys) {
            for (double x : xs) {
                out.add(new PlanePoint(x, y, evaluator.evaluate(plane.point(x, y))));
                progress.accept(out.size());
            }
        }
        return out;
    }

    /**
     * Evaluates rays w(t, d) = w + t·d from a start along unit directions.
     * @param evaluator The evaluator.
     * @param name The start's name.
     * @param start The start.
     * @param directions Unit directions.
     * @param distances The distances t.
     * @param progress Told the number of points done after each one.
     * @return The points.
     */
    public static List<RayPoint> rays(LandscapeEvaluator evaluator, String name, float[] start, double[][] directions, double[] distances,
                                      IntConsumer progress) {
        List<RayPoint> out = new ArrayList<>();
        for (int d = 0; d < directions.length; d++) {
            for (double t : distances) {
                out.add(new RayPoint(name, d, t, evaluator.evaluate(Directions.along(start, directions[d], t))));
                progress.accept(out.size());
            }
        }
        return out;
    }

    /**
     * Evaluates the segment t·w_SGD + (1 &minus; t)·w_SWA.
     * @param evaluator The evaluator.
     * @param wSgd w_SGD (t = 1).
     * @param wSwa w_SWA (t = 0).
     * @param ts The positions (may extend beyond [0, 1]).
     * @param progress Told the number of points done after each one.
     * @return The points.
     */
    public static List<SegmentPoint> segment(LandscapeEvaluator evaluator, float[] wSgd, float[] wSwa, double[] ts, IntConsumer progress) {
        List<SegmentPoint> out = new ArrayList<>();
        for (double t : ts) {
            out.add(new SegmentPoint(t, evaluator.evaluate(Directions.segment(wSgd, wSwa, t))));
            progress.accept(out.size());
        }
        return out;
    }

    private static String values(LandscapeEvaluator.Evaluation e) {
        return String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f", e.trainLoss(), e.trainError(), e.testLoss(), e.testError());
    }

    private static void csv(Path file, String header, List<String> rows) throws IOException {
        AtomicFiles.write(file, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(header);
                w.newLine();
                for (String r : rows) {
                    w.write(r);
                    w.newLine();
                }
            }
        });
    }

    /**
     * Writes a plane grid and projected points as CSV.
     * @param grid The grid.
     * @param projected Projected weight vectors.
     * @param gridFile The grid's file.
     * @param pointsFile The points' file.
     * @throws IOException if writing fails.
     */
    public static void writePlane(List<PlanePoint> grid, List<Projected> projected, Path gridFile, Path pointsFile) throws IOException {
        List<String> rows = new ArrayList<>();
        grid.forEach(p -> rows.add(String.format(Locale.ROOT, "%.6f,%.6f,", p.x(), p.y()) + values(p.value())));
        csv(gridFile, "x,y,train_loss,train_error,test_loss,test_error", rows);
        List<String> pts = new ArrayList<>();
        projected.forEach(p -> pts.add(String.format(Locale.ROOT, "%s,%.6f,%.6f,%.6f", p.name(), p.projection().x(), p.projection().y(),
                p.projection().distance())));
        csv(pointsFile, "name,x,y,distance_from_plane", pts);
    }

    /**
     * Writes ray points as CSV.
     * @param points The points.
     * @param file The file.
     * @throws IOException if writing fails.
     */
    public static void writeRays(List<RayPoint> points, Path file) throws IOException {
        List<String> rows = new ArrayList<>();
        points.forEach(p -> rows.add(String.format(Locale.ROOT, "%s,%d,%.6f,", p.start(), p.direction(), p.distance()) + values(p.value())));
        csv(file, "start,direction,distance,train_loss,train_error,test_loss,test_error", rows);
    }

    /**
     * Writes segment points as CSV.
     * @param points The points.
     * @param file The file.
     * @throws IOException if writing fails.
     */
    public static void writeSegment(List<SegmentPoint> points, Path file) throws IOException {
        List<String> rows = new ArrayList<>();
        points.forEach(p -> rows.add(String.format(Locale.ROOT, "%.6f,", p.t()) + values(p.value())));
        csv(file, "t,train_loss,train_error,test_loss,test_error", rows);
    }
}
