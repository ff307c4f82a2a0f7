package io.github.tribuoswa.reproduction.bench;

import java.util.Arrays;

/**
 * The statistics the benchmark programs report: medians of runs, and the runs themselves
 * rounded for printing.
 */
final class BenchStats {

    private BenchStats() {}

    /**
     * The median.
     * @param values The values (not changed).
     * @return The median (the mean of the two middle values for an even count).
     */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * The values rounded to some decimals, as text.
     * @param values The values.
     * @param decimals Decimals to keep.
     * @return The rounded values, e.g. {@code [1.25, 3.5]}.
     */
    static String rounded(double[] values, int decimals) {
        double scale = Math.pow(10, decimals);
        return Arrays.toString(Arrays.stream(values).map(x -> Math.round(x * scale) / scale).toArray());
    }
}
