package io.github.tribuoswa.reproduction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's harness on the embedded subset with an MLP and 4 epochs: every method's curve, the
 * soups' rows, resume, refusals.
 */
public class AveragingMethodsTest {

    @Test
    public void everyMethodWritesItsCurveAndTheSoupsTheirRowsOnce(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("curves.csv");
        Path soups = tmp.resolve("soups.csv");
        String[] args = {"--data", "embedded", "--network", "mlp", "--epochs", "4", "--seeds", "1", "--threads", "1", "--validation", "1000",
            "--out", out.toString(), "--soups-out", soups.toString(), "--work", tmp.toString()};
        AveragingMethods.run(args);
        List<String> rows = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(AveragingMethods.HEADER, rows.get(0));
        for (String method : AveragingMethods.METHODS) {
            List<String> epochs = rows.stream().filter(r -> r.split(",")[3].equals(method)).map(r -> r.split(",")[5])
                    .collect(Collectors.toList());
            // SWA's model exists from its first average (epoch 3 of 4); the others' from epoch 1
            assertEquals(method.equals("SWA") ? List.of("3", "4") : List.of("1", "2", "3", "4"), epochs, method);
        }
        for (String r : rows.subList(1, rows.size())) {
            double accuracy = Double.parseDouble(r.split(",")[7]);
            assertTrue(accuracy > 0.5 && accuracy <= 1, r);
        }
        List<String> s = Files.readAllLines(soups, StandardCharsets.UTF_8);
        assertEquals(AveragingMethods.SOUP_HEADER, s.get(0));
        assertEquals(List.of("FGE,ENSEMBLE", "FGE,BEST_SINGLE", "FGE,UNIFORM_SOUP", "FGE,GREEDY_SOUP", "RUNS,ENSEMBLE", "RUNS,BEST_SINGLE",
                "RUNS,UNIFORM_SOUP", "RUNS,GREEDY_SOUP"), s.subList(1, s.size()).stream().map(r -> r.split(",")[3] + "," + r.split(",")[4])
                .collect(Collectors.toList()));
        assertTrue(s.get(5).split(",")[5].equals("4"), "4 runs: " + s.get(5));
        String md = AveragingReport.report(out, soups, tmp.resolve("fig").resolve("curves"), "test");
        for (String method : AveragingMethods.METHODS) {
            assertTrue(md.contains("| " + method + " | 1 | "), method + " in\n" + md);
        }
        assertTrue(md.contains("| SGD | 1 | ") && md.lines().filter(l -> l.startsWith("| SGD |")).findFirst().orElseThrow().endsWith("1 of 1) |"),
                "SGD reaches its own final accuracy at its last epoch:\n" + md);
        assertTrue(md.contains("| FGE snapshots | GREEDY_SOUP | 1 |") && md.contains("| 4 runs from one pre-trained point | ENSEMBLE | 1 | 4.0 |"), md);
        assertTrue(Files.size(tmp.resolve("fig").resolve("curves.png")) > 0 && Files.size(tmp.resolve("fig").resolve("curves.svg")) > 0);
        assertTrue(Files.size(tmp.resolve("fig").resolve("curves-nll.png")) > 0 && md.contains("curves-nll.png"), "the NLL curves too");
        AveragingMethods.run(args);
        assertEquals(rows, Files.readAllLines(out, StandardCharsets.UTF_8), "a second run finds every curve done");
        assertEquals(s, Files.readAllLines(soups, StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> AveragingMethods.run(new String[]{"--methods", "ADAM", "--out", out.toString()}));
        assertThrows(IllegalArgumentException.class, () -> AveragingMethods.run(new String[]{"--epochs", "3", "--out", out.toString()}));
    }
}
