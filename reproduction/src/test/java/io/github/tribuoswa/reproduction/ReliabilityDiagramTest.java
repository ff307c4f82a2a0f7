package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.calibration.Calibration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reliability diagram draws each bin's accuracy and confidence and writes PNG and SVG.
 */
public class ReliabilityDiagramTest {

    @Test
    public void barsAreTheBinsAccuracyAndConfidence(@TempDir Path tmp) throws Exception {
        double[][] p = {{0.9, 0.1}, {0.6, 0.4}, {0.45, 0.55}, {1.0, 0.0}};
        int[] y = {0, 1, 1, 0};
        Calibration c = Calibration.of(p, y, 2);
        CategoryChart chart = ReliabilityDiagram.chart(c, "test");
        CategorySeries accuracy = chart.getSeriesMap().get("accuracy");
        CategorySeries confidence = chart.getSeriesMap().get("confidence");
        List<Double> acc = new ArrayList<>();
        accuracy.getYData().forEach(v -> acc.add(v.doubleValue()));
        List<Double> conf = new ArrayList<>();
        confidence.getYData().forEach(v -> conf.add(v.doubleValue()));
        assertEquals(List.of(0.0, 0.75), acc);
        assertEquals(0.0, conf.get(0), 0.0);
        assertEquals((0.9 + 0.6 + 0.55 + 1.0) / 4, conf.get(1), 1e-15);
        assertTrue(chart.getTitle().contains(String.format(java.util.Locale.ROOT, "ECE %.4f", c.expectedCalibrationError())));
        ReliabilityDiagram.save(c, "test", tmp.resolve("reliability"));
        assertTrue(Files.size(tmp.resolve("reliability.png")) > 0 && Files.size(tmp.resolve("reliability.svg")) > 0);
    }
}
