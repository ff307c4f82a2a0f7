package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.calibration.Calibration;
import io.github.tribuoswa.landscape.Plots;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reliability diagram of a {@link Calibration} as an XChart bar chart (Guo et al. 2017,
 * Figure 1): for every confidence bin, the accuracy of its examples next to their mean
 * confidence (a calibrated model has the two equal); empty bins are drawn at 0 and their label
 * says n = 0. The title carries the ECE.
 */
public final class ReliabilityDiagram {

    private ReliabilityDiagram() {}

    /**
     * The chart.
     * @param calibration The calibration.
     * @param title The title (the method, say).
     * @return The chart: series "accuracy" and "confidence", one category per bin.
     */
    public static CategoryChart chart(Calibration calibration, String title) {
        List<String> bins = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        List<Double> confidence = new ArrayList<>();
        for (Calibration.Bin b : calibration.reliability()) {
            bins.add(String.format(Locale.ROOT, "%.2f (n = %d)", b.upper(), b.count()));
            accuracy.add(b.count() == 0 ? 0.0 : b.accuracy());
            confidence.add(b.count() == 0 ? 0.0 : b.confidence());
        }
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
                .title(String.format(Locale.ROOT, "%s: ECE %.4f, MCE %.4f", title, calibration.expectedCalibrationError(),
                        calibration.maximumCalibrationError()))
                .xAxisTitle("confidence bin (upper edge)").yAxisTitle("fraction").build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisLabelRotation(60);
        chart.addSeries("accuracy", bins, accuracy);
        chart.addSeries("confidence", bins, confidence);
        return chart;
    }

    /**
     * Saves the chart as {@code base.png} and {@code base.svg}.
     * @param calibration The calibration.
     * @param title The title.
     * @param base The path without extension.
     * @throws IOException if writing fails.
     */
    public static void save(Calibration calibration, String title, Path base) throws IOException {
        Plots.save(chart(calibration, title), base);
    }
}
