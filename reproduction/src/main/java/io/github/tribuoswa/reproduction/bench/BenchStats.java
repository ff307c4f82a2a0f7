package io.github.tribuoswa.reproduction.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * The statistics the benchmark programs report: medians of runs, and the runs themselves
 * rounded for printing; and the ABBA order in which they compare two things side by side.
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

    /**
     * Times two things side by side in ABBA order (A B, B A, A B, …), so that a drift of the
     * machine's speed during the runs weighs on both alike.
     * @param pairs The number of pairs.
     * @param a The first thing: one run, returning its time.
     * @param b The second thing.
     * @return {times of a, times of b}, one per pair each.
     */
    static double[][] abba(int pairs, DoubleSupplier a, DoubleSupplier b) {
        double[] ta = new double[pairs];
        double[] tb = new double[pairs];
        for (int pair = 0; pair < pairs; pair++) {
            boolean bFirst = pair % 2 == 1;
            for (int k = 0; k < 2; k++) {
                if ((k == 0) == bFirst) {
                    tb[pair] = b.getAsDouble();
                } else {
                    ta[pair] = a.getAsDouble();
                }
            }
        }
        return new double[][]{ta, tb};
    }

    /**
     * The median time of an action in milliseconds, over {@code n} calls after n/4 warm-up calls.
     * @param n The calls timed.
     * @param action The action.
     * @return The median in ms.
     */
    static double medianMillis(int n, Runnable action) {
        for (int i = 0; i < n / 4; i++) {
            action.run();
        }
        double[] times = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            action.run();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        return median(times);
    }

    /**
     * How long a model takes to predict some examples (in one call, as Tribuo batches them).
     * @param model The model.
     * @param examples The examples.
     * @param <T> The output type.
     * @return Seconds.
     * @throws IllegalStateException if it returned another number of predictions.
     */
    static <T extends org.tribuo.Output<T>> double predictSeconds(org.tribuo.Model<T> model, java.util.List<org.tribuo.Example<T>> examples) {
        long start = System.nanoTime();
        java.util.List<org.tribuo.Prediction<T>> p = model.predict(examples);
        double s = (System.nanoTime() - start) / 1e9;
        if (p.size() != examples.size()) {
            throw new IllegalStateException("predicted " + p.size() + " of " + examples.size());
        }
        return s;
    }

    /**
     * A memory figure of this process from {@code /proc/self/status}.
     * @param key The field, e.g. {@code VmRSS} (resident now) or {@code VmHWM} (peak resident).
     * @return Its value in KiB.
     * @throws java.io.IOException if the file cannot be read.
     * @throws IllegalStateException if the field is missing (not Linux).
     */
    static long statusKiB(String key) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + key + " in /proc/self/status");
    }
}
