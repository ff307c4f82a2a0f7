package io.github.tribuoswa.data;

import io.github.tribuoswa.util.AtomicFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Two real tabular data sets that Debian's {@code python3-sklearn} package ships as files
 * (nothing is downloaded), written as plain CSV files with a header for Tribuo's
 * {@code CSVDataSource}/{@code RowProcessor} or {@code CSVLoader}:
 * <ul>
 *   <li>{@link Table#DIABETES}: Efron et al. (2004), 442 patients, 10 baseline variables (age,
 *   sex, body-mass index, blood pressure, six blood serum measurements; raw units) and the
 *   regression target {@code progression}, a measure of the disease's progression one year
 *   later (25 to 346, mean 152, std 77);</li>
 *   <li>{@link Table#BREAST_CANCER}: the Wisconsin diagnostic breast cancer data (Street,
 *   Wolberg and Mangasarian 1993), 569 tumours, 30 features of their cell nuclei and the class
 *   {@code diagnosis}, {@code malignant} (212) or {@code benign} (357).</li>
 * </ul>
 * {@link #write} makes {@code NAME.csv} (every row, in the package's order) and a fixed split
 * into {@code NAME-train.csv} and {@code NAME-test.csv} ({@link #testRows}: a fifth of the rows,
 * chosen by {@link Folds} with seed 0), which the configurations in {@code configs/} read.
 */
public final class TabularData {

    /** Where {@code python3-sklearn} installs its data files. */
    public static final String SKLEARN_DATA_DIRECTORY = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

    /** The system property that names another directory holding the same files. */
    public static final String DIRECTORY_PROPERTY = "tribuoswa.sklearn.data";

    private TabularData() {}

    /**
     * The tables.
     */
    public enum Table {
        /** Diabetes progression (regression). */
        DIABETES("diabetes", "progression", new String[]{"age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"}, 442),
        /** Wisconsin diagnostic breast cancer (classification). */
        BREAST_CANCER("breast-cancer", "diagnosis", breastCancerFeatures(), 569);

        private final String fileName;
        private final String target;
        private final String[] features;
        private final int rows;

        Table(String fileName, String target, String[] features, int rows) {
            this.fileName = fileName;
            this.target = target;
            this.features = features;
            this.rows = rows;
        }

        /**
         * The base name of the CSV files.
         * @return e.g. {@code diabetes}.
         */
        public String fileName() {
            return fileName;
        }

        /**
         * The target column's name.
         * @return The column.
         */
        public String target() {
            return target;
        }

        /**
         * The feature columns' names, in file order.
         * @return A copy.
         */
        public String[] features() {
            return features.clone();
        }

        /**
         * The number of rows.
         * @return n.
         */
        public int rows() {
            return rows;
        }
    }

    private static String[] breastCancerFeatures() {
        String[] kinds = {"radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity", "concave_points", "symmetry",
            "fractal_dimension"};
        List<String> names = new ArrayList<>();
        for (String k : kinds) {
            names.add("mean_" + k);
        }
        for (String k : kinds) {
            names.add(k + "_error");
        }
        for (String k : kinds) {
            names.add("worst_" + k);
        }
        return names.toArray(new String[0]);
    }

    /**
     * The directory of the package's files: the {@value #DIRECTORY_PROPERTY} system property,
     * else {@value #SKLEARN_DATA_DIRECTORY}.
     * @return The directory.
     */
    public static Path sourceDirectory() {
        return Path.of(System.getProperty(DIRECTORY_PROPERTY, SKLEARN_DATA_DIRECTORY));
    }

    /**
     * The rows of a table as read from the package: features as written there, then the target.
     * @param table The table.
     * @param source The package's data directory.
     * @return One array of strings per row (features, then target), in the package's order.
     * @throws IOException if a file is missing or not what the package ships.
     */
    public static List<String[]> read(Table table, Path source) throws IOException {
        List<String[]> out = new ArrayList<>();
        if (table == Table.DIABETES) {
            List<String> x = lines(source.resolve("diabetes_data_raw.csv.gz"));
            List<String> y = lines(source.resolve("diabetes_target.csv.gz"));
            check(x.size() == table.rows && y.size() == table.rows, source, "diabetes files of " + table.rows + " rows each, found "
                    + x.size() + " and " + y.size());
            for (int i = 0; i < x.size(); i++) {
                String[] f = x.get(i).trim().split("\\s+");
                check(f.length == table.features.length, source, "10 values per row of diabetes_data_raw.csv.gz, row " + (i + 1) + " has "
                        + f.length);
                String[] row = Arrays.copyOf(f, f.length + 1);
                row[f.length] = number(y.get(i).trim());
                out.add(row);
            }
        } else {
            List<String> x = lines(source.resolve("breast_cancer.csv"));
            check(!x.isEmpty() && x.get(0).startsWith(table.rows + "," + table.features.length + ","), source,
                    "breast_cancer.csv to start with the line '569,30,malignant,benign'");
            String[] classes = x.get(0).split(",");
            for (int i = 1; i < x.size(); i++) {
                String[] f = x.get(i).split(",");
                check(f.length == table.features.length + 1, source, "31 values per row of breast_cancer.csv, row " + (i + 1) + " has "
                        + f.length);
                int c = Integer.parseInt(f[table.features.length]);
                f[table.features.length] = classes[2 + c];
                out.add(f);
            }
            check(out.size() == table.rows, source, table.rows + " rows in breast_cancer.csv, found " + out.size());
        }
        return out;
    }

    /**
     * The rows of the fixed test split: a fifth of the table, {@code Folds.assign(rows, 5, 0)}'s fold 0.
     * @param table The table.
     * @return Sorted row indices.
     */
    public static List<Integer> testRows(Table table) {
        int[] folds = Folds.assign(table.rows, 5, 0);
        List<Integer> test = new ArrayList<>();
        for (int i = 0; i < folds.length; i++) {
            if (folds[i] == 0) {
                test.add(i);
            }
        }
        return Collections.unmodifiableList(test);
    }

    /**
     * Writes {@code NAME.csv}, {@code NAME-train.csv} and {@code NAME-test.csv} of a table into a
     * directory (each file replaced only by a complete new one).
     * @param table The table.
     * @param source The package's data directory.
     * @param directory The output directory (created if missing).
     * @return The full table's file.
     * @throws IOException if the package's files are missing or a file cannot be written.
     */
    public static Path write(Table table, Path source, Path directory) throws IOException {
        List<String[]> rows = read(table, source);
        Files.createDirectories(directory);
        String header = String.join(",", table.features) + "," + table.target;
        List<Integer> test = testRows(table);
        StringBuilder all = new StringBuilder(header).append('\n');
        StringBuilder train = new StringBuilder(header).append('\n');
        StringBuilder testPart = new StringBuilder(header).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            String line = String.join(",", rows.get(i)) + "\n";
            all.append(line);
            (Collections.binarySearch(test, i) >= 0 ? testPart : train).append(line);
        }
        Path full = directory.resolve(table.fileName + ".csv");
        writeText(full, all);
        writeText(directory.resolve(table.fileName + "-train.csv"), train);
        writeText(directory.resolve(table.fileName + "-test.csv"), testPart);
        return full;
    }

    private static void writeText(Path file, CharSequence text) throws IOException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, tmp -> Files.write(tmp, bytes));
    }

    private static String number(String s) {
        double v = Double.parseDouble(s);
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.1f", v) : Double.toString(v);
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Missing " + file + ": the tabular data sets come from Debian's python3-sklearn package (apt-get install "
                    + "python3-sklearn), or set -D" + DIRECTORY_PROPERTY + " to a directory with its data files");
        }
        List<String> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    private static void check(boolean ok, Path source, String expected) throws IOException {
        if (!ok) {
            throw new IOException("Not python3-sklearn's data in " + source + ": expected " + expected);
        }
    }
}
