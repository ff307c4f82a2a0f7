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
 * The reproduction harnesses on the embedded subset: the rows they write, their resumption, and
 * the files they refuse.
 */
public class HarnessTest {

    private static String[] table1(Path csv) {
        return new String[]{"--data", "embedded", "--networks", "mlp:4", "--seeds", "1", "--threads", "1", "--out", csv.toString()};
    }

    @Test
    public void table1WritesEveryCellOnceAndResumesWhereItStopped(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("t.csv");
        Table1.main(table1(csv));
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(Table1.HEADER, rows.get(0));
        assertEquals(10, rows.size(), String.join("\n", rows)); // 3 methods x 3 budgets
        for (String method : List.of("SGD", "SWA", "FGE")) {
            List<String> cells = rows.stream().filter(r -> r.contains("," + method + ",")).collect(Collectors.toList());
            assertEquals(List.of("4", "5", "6"), cells.stream().map(r -> r.split(",")[5]).collect(Collectors.toList()), method);
            for (String r : cells) {
                double accuracy = Double.parseDouble(r.split(",")[6]);
                assertTrue(accuracy > 0.6 && accuracy <= 1, r);
            }
        }
        // FGE networks: snapshots every half epoch from epoch 3: 2, 4 and 6 at epochs 4, 5, 6
        assertEquals(List.of("2", "4", "6"), rows.stream().filter(r -> r.contains(",FGE,")).map(r -> r.split(",")[10]).collect(Collectors.toList()));

        // a second run has nothing to do
        Table1.main(table1(csv));
        assertEquals(rows, Files.readAllLines(csv, StandardCharsets.UTF_8));

        // without its FGE rows, a run adds exactly those again, with the same accuracies and NLLs
        List<String> withoutFge = rows.stream().filter(r -> !r.contains(",FGE,")).collect(Collectors.toList());
        Files.write(csv, withoutFge, StandardCharsets.UTF_8);
        Table1.main(table1(csv));
        List<String> again = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(10, again.size());
        List<String> fgeBefore = rows.stream().filter(r -> r.contains(",FGE,")).map(HarnessTest::metrics).collect(Collectors.toList());
        List<String> fgeAfter = again.stream().filter(r -> r.contains(",FGE,")).map(HarnessTest::metrics).collect(Collectors.toList());
        assertEquals(fgeBefore, fgeAfter);
    }

    private static String metrics(String row) {
        String[] f = row.split(",");
        return f[4] + "," + f[6] + "," + f[7];
    }

    @Test
    public void table1RefusesAForeignFileAndBadBudgetsWithoutWriting(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, "something,else\n1,2\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Table1.main(table1(csv)));
        assertTrue(e.getMessage().startsWith("out = " + csv + " is not a Table 1 CSV"), e.getMessage());
        assertEquals("something,else\n1,2\n", Files.readString(csv, StandardCharsets.UTF_8));

        Path fresh = tmp.resolve("fresh.csv");
        e = assertThrows(IllegalArgumentException.class, () -> Table1.main(new String[]{"--data", "embedded", "--networks", "mlp:6",
                "--out", fresh.toString()}));
        assertTrue(e.getMessage().contains("budget epochs = 6 is out of range; allowed: a multiple of 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Table1.main(new String[]{"--seeds"}));
        assertTrue(e.getMessage().startsWith("option --seeds needs a value"), e.getMessage());
    }

    @Test
    public void schedulesFigureWritesEverySchedulesPhaseAndThePlot(@TempDir Path tmp) throws Exception {
        SchedulesFigure.main(new String[]{"--data", "embedded", "--budget", "1", "--phase", "4", "--out", tmp.toString()});
        List<String> rows = Files.readAllLines(tmp.resolve("schedules.csv"), StandardCharsets.UTF_8);
        assertEquals(SchedulesFigure.HEADER, rows.get(0));
        // w-hat at epoch 0, then SGD and each SWA schedule at epochs 1 to 4 of the phase (the longest cycle is 4 epochs)
        assertEquals(1 + 4 * (1 + SchedulesFigure.SCHEDULES.length), rows.size() - 1, String.join("\n", rows));
        assertEquals(1, rows.stream().filter(r -> r.startsWith("w-hat,") && r.split(",")[4].equals("0")).count());
        for (Object[] s : SchedulesFigure.SCHEDULES) {
            assertEquals(List.of("1", "2", "3", "4"), rows.stream().filter(r -> r.startsWith(s[0] + ",")).map(r -> r.split(",")[4])
                    .collect(Collectors.toList()), (String) s[0]);
        }
        assertTrue(Files.size(tmp.resolve("schedules.png")) > 0);
        assertTrue(Files.size(tmp.resolve("schedules.svg")) > 0);
    }
}
