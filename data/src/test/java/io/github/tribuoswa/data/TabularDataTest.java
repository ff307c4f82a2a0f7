package io.github.tribuoswa.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tabular data sets from python3-sklearn's files, and the folds both engines compute.
 */
public class TabularDataTest {

    @Test
    public void foldsAreTheSplitmixRankingModuloK() {
        // splitmix64 of 0 (the first output of a generator seeded 0): a published value
        assertEquals(0xE220A8397B1DCDAFL, Folds.splitmix64(0));
        int[] f = Folds.assign(442, 5, 1);
        int[] sizes = new int[5];
        for (int v : f) {
            sizes[v]++;
        }
        assertArrayEquals(new int[]{89, 89, 88, 88, 88}, sizes);
        assertArrayEquals(f, Folds.assign(442, 5, 1), "deterministic");
        assertTrue(!java.util.Arrays.equals(f, Folds.assign(442, 5, 2)), "another seed, other folds");
        // fold 0 of seed 0 on 5 rows: the row with the smallest unsigned key
        long best = Long.MAX_VALUE;
        int arg = -1;
        for (int i = 0; i < 5; i++) {
            long k = Folds.splitmix64(i) ^ Long.MIN_VALUE;
            if (k < best) {
                best = k;
                arg = i;
            }
        }
        int[] small = Folds.assign(5, 5, 0);
        assertEquals(0, small[arg]);
        assertThrows(IllegalArgumentException.class, () -> Folds.assign(3, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> Folds.assign(10, 1, 0));
    }

    @Test
    public void writesTheTwoTablesWithHeadersAndAFixedSplit(@TempDir Path dir) throws IOException {
        Path source = TabularData.sourceDirectory();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(source), "python3-sklearn is installed (test.sh installs it)");
        Path diabetes = TabularData.write(TabularData.Table.DIABETES, source, dir);
        List<String> lines = Files.readAllLines(diabetes);
        assertEquals("age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,progression", lines.get(0));
        assertEquals(443, lines.size());
        assertEquals("59,2,32.1,101.0,157,93.2,38.0,4.0,4.8598,87,151.0", lines.get(1), "the package's first patient");
        int test = Files.readAllLines(dir.resolve("diabetes-test.csv")).size() - 1;
        int train = Files.readAllLines(dir.resolve("diabetes-train.csv")).size() - 1;
        assertEquals(TabularData.testRows(TabularData.Table.DIABETES).size(), test);
        assertEquals(442, test + train);
        Path cancer = TabularData.write(TabularData.Table.BREAST_CANCER, source, dir);
        List<String> c = Files.readAllLines(cancer);
        assertEquals(570, c.size());
        assertTrue(c.get(0).startsWith("mean_radius,mean_texture,") && c.get(0).endsWith(",worst_fractal_dimension,diagnosis"), c.get(0));
        assertTrue(c.get(1).startsWith("17.99,10.38,") && c.get(1).endsWith(",malignant"), c.get(1));
        assertEquals(212, c.stream().filter(l -> l.endsWith(",malignant")).count());
        assertEquals(357, c.stream().filter(l -> l.endsWith(",benign")).count());
    }

    @Test
    public void aMissingOrForeignSourceIsRefused(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> TabularData.write(TabularData.Table.DIABETES, dir, dir.resolve("out")));
        assertTrue(missing.getMessage().contains("apt-get install python3-sklearn"), missing.getMessage());
        Files.writeString(dir.resolve("breast_cancer.csv"), "1,2,3\n4,5,6\n");
        IOException foreign = assertThrows(IOException.class, () -> TabularData.read(TabularData.Table.BREAST_CANCER, dir));
        assertTrue(foreign.getMessage().contains("Not python3-sklearn's data"), foreign.getMessage());
        assertTrue(!Files.exists(dir.resolve("out")), "nothing written");
    }
}
