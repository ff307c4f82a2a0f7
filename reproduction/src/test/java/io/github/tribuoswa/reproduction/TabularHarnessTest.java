package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.data.Folds;
import io.github.tribuoswa.data.TabularData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tabular harness writes one row per (data, repeat, fold, method), resumes, refuses bad
 * input; the PyTorch side's folds are the plugin's.
 */
public class TabularHarnessTest {

    @Test
    public void writesEveryFoldOnceAndResumes(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(TabularData.sourceDirectory()), "python3-sklearn is installed (test.sh installs it)");
        Path csv = tmp.resolve("t.csv");
        String[] args = {"--data", tmp.resolve("data").toString(), "--folds", "2", "--repeats", "1", "--methods", "MLP-SWA,Tribuo-Linear",
            "--out", csv.toString()};
        Tabular.run(args);
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(Tabular.HEADER, rows.get(0));
        assertEquals(1 + 2 * 2 * 2, rows.size(), String.join("\n", rows)); // 2 data sets x 2 folds x 2 methods
        for (String r : rows.subList(1, rows.size())) {
            String[] c = r.split(",", -1);
            if (c[1].equals("diabetes")) {
                assertEquals(442, Integer.parseInt(c[5]) + Integer.parseInt(c[6]), r);
                assertTrue(Double.parseDouble(c[7]) < 77 && Double.parseDouble(c[8]) > 0.2, "better than the mean predictor: " + r);
            } else {
                assertEquals(569, Integer.parseInt(c[5]) + Integer.parseInt(c[6]), r);
                assertTrue(Double.parseDouble(c[9]) > 0.9 && c[7].isEmpty(), r);
            }
        }
        Tabular.run(args);
        assertEquals(rows, Files.readAllLines(csv, StandardCharsets.UTF_8), "a second run finds every row done");
        assertThrows(IllegalArgumentException.class, () -> Tabular.run(new String[]{"--methods", "MLP-XGB", "--out", csv.toString()}));
        assertThrows(IllegalArgumentException.class, () -> Tabular.run(new String[]{"--folds", "1", "--out", csv.toString()}));
        Path foreign = Files.writeString(tmp.resolve("f.csv"), "a,b\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tabular.run(new String[]{"--data",
            tmp.resolve("data").toString(), "--out", foreign.toString()}));
        assertTrue(e.getMessage().contains("is not a tabular CSV"), e.getMessage());
        assertEquals("a,b\n", Files.readString(foreign));
    }

    @Test
    public void thePythonFoldsAreThePlugins() throws Exception {
        Path script = Path.of("python", "folds.py");
        Process p = new ProcessBuilder("python3", script.toString(), "442", "5", "3").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Assumptions.assumeTrue(p.waitFor() == 0 || !out.contains("Traceback"), "python3 runs: " + out);
        assertEquals(0, p.exitValue(), out);
        assertEquals(Arrays.stream(Folds.assign(442, 5, 3)).mapToObj(Integer::toString).collect(Collectors.joining(",")), out);
    }

    @Test
    public void theWorkedExampleGoesFromCsvToSavedModelsThatLoad(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(TabularData.sourceDirectory()), "python3-sklearn is installed (test.sh installs it)");
        io.github.tribuoswa.examples.TabularSwa.main(new String[]{"--data", tmp.toString()});
        for (TabularData.Table t : TabularData.Table.values()) {
            Path file = tmp.resolve(t.fileName() + "-swa.tribuo");
            org.tribuo.Model<?> model = io.github.tribuoswa.storage.ModelFiles.load(file, org.tribuo.Model.class);
            assertTrue(model.validate(t == TabularData.Table.DIABETES ? org.tribuo.regression.Regressor.class
                    : org.tribuo.classification.Label.class), t + " " + model);
            assertTrue(model.getProvenance().getTrainerProvenance().getClassName().endsWith("SWATrainer"), t.toString());
            if (model instanceof AutoCloseable c) {
                c.close();
            }
        }
    }
}
