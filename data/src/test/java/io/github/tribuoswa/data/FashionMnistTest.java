package io.github.tribuoswa.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded subset and the LibSVM export.
 */
public class FashionMnistTest {

    @Test
    public void embeddedSubsetIsBalancedAndScaled() throws IOException {
        Path dir = FashionMnist.resolve(FashionMnist.EMBEDDED);
        assertTrue(FashionMnist.isEmbedded(dir));
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        assertEquals(6000, train.size());
        assertEquals(1000, test.size());
        Map<String, Integer> counts = new HashMap<>();
        for (Example<Label> e : train) {
            counts.merge(e.getOutput().getLabel(), 1, Integer::sum);
            for (Feature f : e) {
                assertTrue(f.getValue() > 0 && f.getValue() <= 1.0, f.toString());
                int p = FashionMnist.pixelIndex(f.getName());
                assertTrue(p >= 0 && p < FashionMnist.PIXELS);
            }
        }
        assertEquals(10, counts.size());
        counts.values().forEach(c -> assertEquals(600, c));
    }

    @Test
    public void libsvmExportKeepsPixelsAndLabels(@TempDir Path tmp) throws IOException {
        Path dir = FashionMnist.resolve(FashionMnist.EMBEDDED);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        Path out = tmp.resolve("test.libsvm");
        FashionMnist.writeLibSVM(test, out);
        List<String> lines = Files.readAllLines(out);
        assertEquals(test.size(), lines.size());
        Example<Label> first = test.getExample(0);
        String[] tokens = lines.get(0).split(" ");
        assertEquals(first.getOutput().getLabel(), tokens[0]);
        assertEquals(first.size(), tokens.length - 1);
        for (Feature f : first) {
            String expected = (FashionMnist.pixelIndex(f.getName()) + 1) + ":" + (float) f.getValue();
            assertTrue(lines.get(0).contains(" " + expected), expected);
        }
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    public void badLocationNamesTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.resolve("/nonexistent/fmnist"));
        assertTrue(e.getMessage().startsWith("data = /nonexistent/fmnist") && e.getMessage().contains("allowed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.pixelIndex("784"));
    }
}
