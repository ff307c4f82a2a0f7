package io.github.tribuoswa.reproduction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link AveragingReport}'s table on hand-made curves: the "epochs to SGD" column counts only the
 * seeds whose SGD baseline is in, and says so when none is.
 */
public class AveragingReportTest {

    private static String row(String md, String method) {
        return md.lines().filter(l -> l.startsWith("| " + method + " |")).findFirst().orElseThrow(() -> new AssertionError(method + " in\n" + md));
    }

    @Test
    public void epochsToSgdCountOnlySeedsWithABaseline(@TempDir Path tmp) throws Exception {
        Path curves = tmp.resolve("curves.csv");
        Files.write(curves, List.of(AveragingMethods.HEADER,
                "djl,cnn,1,SGD,2,1,100,0.80,0.60,0.05,1",
                "djl,cnn,1,SGD,2,2,200,0.90,0.40,0.03,2",
                "djl,cnn,1,EMA,2,1,100,0.91,0.30,0.02,1",
                "djl,cnn,1,EMA,2,2,200,0.92,0.20,0.01,2",
                "djl,cnn,2,EMA,2,1,100,0.85,0.50,0.04,1",
                "djl,cnn,2,EMA,2,2,200,0.95,0.10,0.03,2",
                "djl,cnn,3,LAWA,2,1,100,0.97,0.50,0.04,1",
                "djl,cnn,3,LAWA,2,2,200,0.98,0.10,0.03,2"), StandardCharsets.UTF_8);
        String md = AveragingReport.report(curves, tmp.resolve("no-soups.csv"), tmp.resolve("fig").resolve("curves"), "test");
        // seed 1 reaches SGD's 0.90 at epoch 1; seed 2 has no SGD run, so it is not counted as "not reaching"
        assertEquals("| EMA | 2 | 93.50 ± 2.12 | 0.1500 ± 0.0707 | 2.00 ± 1.41 | 1.0 (100 steps; 1 of 1) |", row(md, "EMA"));
        assertEquals("| SGD | 1 | 90.00 | 0.4000 | 3.00 | 2.0 (200 steps; 1 of 1) |", row(md, "SGD"));
        // LAWA's only seed has no baseline: no count rather than "0 of 1"
        assertEquals("| LAWA | 1 | 98.00 | 0.1000 | 3.00 | no SGD baseline yet |", row(md, "LAWA"));
    }
}
