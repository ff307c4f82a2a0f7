package io.github.tribuoswa.landscape;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The SWA paper's three kinds of figures, drawn with XChart and saved as PNG and SVG: a heat
 * map of a value over the plane with the projected points, error against distance along rays,
 * and train loss and test error along the segment.
 */
public final class Plots {

    private static final int BANDS = 12;

    private Plots() {}

    /**
     * Saves a chart as {@code base.png} and {@code base.svg}.
     * @param chart The chart.
     * @param base The path without extension.
     * @throws IOException if writing fails.
     */
    public static void save(Chart<?, ?> chart, Path base) throws IOException {
        BitmapEncoder.saveBitmapWithDPI(chart, base.toString() + ".png", BitmapEncoder.BitmapFormat.PNG, 150);
        VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    }

    /**
     * A heat map of a value over a plane grid, in colour bands, with the projected points on
     * top.
     * @param grid The grid.
     * @param points Projected weight vectors (drawn and labelled in the legend).
     * @param value Which value (e.g. test error).
     * @param title The title.
     * @return The chart.
     */
    public static XYChart plane(List<Scans.PlanePoint> grid, List<Scans.Projected> points, ToDoubleFunction<LandscapeEvaluator.Evaluation> value,
                                String title) {
        XYChart chart = new XYChartBuilder().width(900).height(760).title(title).xAxisTitle("u (distance in weight space)")
                .yAxisTitle("v (distance in weight space)").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(11);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Scans.PlanePoint p : grid) {
            double v = value.applyAsDouble(p.value());
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        // log-spaced bands: the interesting region is near the minimum
        double lo = Math.max(min, 1e-6);
        double ratio = Math.pow(Math.max(max, lo * 1.0001) / lo, 1.0 / BANDS);
        Map<Integer, List<double[]>> bands = new LinkedHashMap<>();
        for (Scans.PlanePoint p : grid) {
            double v = Math.max(value.applyAsDouble(p.value()), lo);
            int band = Math.min(BANDS - 1, (int) Math.floor(Math.log(v / lo) / Math.log(ratio)));
            bands.computeIfAbsent(band, k -> new ArrayList<>()).add(new double[]{p.x(), p.y()});
        }
        for (int b = 0; b < BANDS; b++) {
            List<double[]> pts = bands.get(b);
            if (pts == null) {
                continue;
            }
            double from = lo * Math.pow(ratio, b);
            double to = lo * Math.pow(ratio, b + 1);
            float f = (float) b / (BANDS - 1);
            Color c = Color.getHSBColor(0.66f * (1 - f), 0.85f, 0.95f);
            XYSeries s = chart.addSeries(String.format(Locale.ROOT, "%.3f - %.3f", from, to),
                    pts.stream().mapToDouble(a -> a[0]).toArray(), pts.stream().mapToDouble(a -> a[1]).toArray());
            s.setMarker(SeriesMarkers.SQUARE);
            s.setMarkerColor(c);
        }
        // the defining points in black with distinct shapes; a trajectory ("step ...") as one line
        org.knowm.xchart.style.markers.Marker[] shapes = {SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.CROSS,
            SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.RECTANGLE};
        List<double[]> path = new ArrayList<>();
        int i = 0;
        for (Scans.Projected p : points) {
            if (p.name().startsWith("step ")) {
                path.add(new double[]{p.projection().x(), p.projection().y()});
                continue;
            }
            XYSeries s = chart.addSeries(p.name(), new double[]{p.projection().x()}, new double[]{p.projection().y()});
            s.setMarker(shapes[i++ % shapes.length]);
            s.setMarkerColor(Color.BLACK);
        }
        if (!path.isEmpty()) {
            XYSeries s = chart.addSeries("trajectory", path.stream().mapToDouble(a -> a[0]).toArray(),
                    path.stream().mapToDouble(a -> a[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(Color.DARK_GRAY);
            s.setLineColor(Color.DARK_GRAY);
        }
        return chart;
    }

    /**
     * Error against distance along rays: the mean over directions, for each start and for train
     * and test.
     * @param points The ray points.
     * @param title The title.
     * @return The chart.
     */
    public static XYChart rays(List<Scans.RayPoint> points, String title) {
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle("distance along a random unit direction")
                .yAxisTitle("error (%)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        Map<String, Map<Double, double[]>> byStart = new LinkedHashMap<>();
        for (Scans.RayPoint p : points) {
            double[] acc = byStart.computeIfAbsent(p.start(), k -> new java.util.TreeMap<>()).computeIfAbsent(p.distance(), k -> new double[3]);
            acc[0] += p.value().trainError();
            acc[1] += p.value().testError();
            acc[2]++;
        }
        for (Map.Entry<String, Map<Double, double[]>> e : byStart.entrySet()) {
            double[] t = e.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] train = e.getValue().values().stream().mapToDouble(a -> 100 * a[0] / a[2]).toArray();
            double[] test = e.getValue().values().stream().mapToDouble(a -> 100 * a[1] / a[2]).toArray();
            chart.addSeries(e.getKey() + " train", t, train).setMarker(SeriesMarkers.NONE);
            chart.addSeries(e.getKey() + " test", t, test).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /**
     * Train loss and test error along the segment t·w_SGD + (1 &minus; t)·w_SWA.
     * @param points The segment points.
     * @param title The title.
     * @return The chart.
     */
    public static XYChart segment(List<Scans.SegmentPoint> points, String title) {
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle("t (0: w_SWA, 1: w_SGD)").build();
        double[] t = points.stream().mapToDouble(Scans.SegmentPoint::t).toArray();
        XYSeries loss = chart.addSeries("train loss", t, points.stream().mapToDouble(p -> p.value().trainLoss()).toArray());
        loss.setMarker(SeriesMarkers.NONE);
        XYSeries err = chart.addSeries("test error (%)", t, points.stream().mapToDouble(p -> 100 * p.value().testError()).toArray());
        err.setMarker(SeriesMarkers.NONE);
        err.setYAxisGroup(1);
        chart.setYAxisGroupTitle(0, "train loss");
        chart.setYAxisGroupTitle(1, "test error (%)");
        return chart;
    }
}
