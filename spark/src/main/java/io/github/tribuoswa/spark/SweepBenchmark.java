package io.github.tribuoswa.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 17's benchmark: the same 4 runs (seeds 1..4 of a configuration, configs/djl-swa.xml by
 * default, on the embedded subset) one after the other in this JVM at 1 and at 2 intra-op
 * threads, and as a Spark job in {@code local[2]} with child JVMs (one per slot) at 1 thread each;
 * the wall times, the speed-ups against the sequential runs, and Spark's start-up (a context and
 * a one-task job). Prints the "spark" section of docs/benchmarks.md.
 * <pre>
 * usage: SweepBenchmark [--config FILE] [--epochs 5] [--runs 1] [--command TEXT]
 * </pre>
 */
public final class SweepBenchmark {

    private SweepBenchmark() {}

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Runs the benchmark.
     * @param args See the class documentation.
     * @throws Exception if it fails.
     */
    public static void main(String[] args) throws Exception {
        Path config = Path.of("configs", "djl-swa.xml");
        String epochs = "5";
        int runs = 1;
        String command = "scripts/bench/benchmark-spark.sh";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[i + 1]);
                case "--epochs" -> epochs = args[i + 1];
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--command" -> command = args[i + 1];
                default -> throw new IllegalArgumentException(args[i] + " is not an option; allowed: --config, --epochs, --runs, --command");
            }
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs = " + runs + " is out of range; allowed: integer >= 1");
        }
        String xml = Files.readString(config);
        SweepJob job = new SweepJob(xml, "trainer", "embedded", "embedded", true);
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("tribuo-swa-sweep-benchmark").set("spark.ui.enabled", "false")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        // each round measures the three side by side: 1-thread sequential, 2-thread sequential, the Spark job
        double[][] times = new double[3][runs];
        double contextSeconds;
        double firstJob;
        long startup = System.nanoTime();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            contextSeconds = seconds(startup);
            long t = System.nanoTime();
            sc.parallelize(List.of(1), 1).map(x -> x + 1).collect();
            firstJob = seconds(t);
            for (int r = 0; r < runs; r++) {
                for (int threads : new int[]{1, 2}) {
                    long start = System.nanoTime();
                    for (SweepJob.Variation v : variations(epochs, threads)) {
                        job.runOne(v);
                    }
                    times[threads - 1][r] = seconds(start);
                    System.err.printf(Locale.ROOT, "round %d, sequential, %d thread(s): %.1f s%n", r + 1, threads, times[threads - 1][r]);
                }
                long start = System.nanoTime();
                new SweepJob(xml, "trainer", "embedded", "embedded", true).trainingInChildJvms(true).run(sc, variations(epochs, 0));
                times[2][r] = seconds(start);
                ChildJvms.stopIdle(); // the next round's job starts its children again
                System.err.printf(Locale.ROOT, "round %d, local[2], child JVMs, 1 thread each: %.1f s%n", r + 1, times[2][r]);
            }
        }
        String[] how = {"sequential, one JVM, 1 intra-op thread", "sequential, one JVM, 2 intra-op threads",
            "Spark `local[2]`, child JVMs (one per slot, kept for its next task), 1 intra-op thread each"};
        StringBuilder md = new StringBuilder("<!-- spark:start -->\n## Sweeps on Spark (issue 17)\n\n");
        md.append("Made by `").append(command).append("` (`io.github.tribuoswa.spark.SweepBenchmark`) on this project's 2-core machine: 4 runs ")
                .append("of `").append(config).append("` (seeds 1–4, ").append(epochs).append(" epochs, the embedded 6,000 images), each ")
                .append("timed from building the trainer to its scored model; ").append(runs).append(" round(s), each measuring the three ")
                .append("side by side in one JVM (the Spark context started once); the speed-up is the ratio within a round.\n\n")
                .append("| how | wall time per round (s) | speed-up against 1-thread sequential, per round |\n|---|---|---|\n");
        for (int k = 0; k < 3; k++) {
            StringBuilder t = new StringBuilder();
            StringBuilder x = new StringBuilder();
            for (int r = 0; r < runs; r++) {
                t.append(r > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.1f", times[k][r]));
                x.append(r > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.2f", times[0][r] / times[k][r]));
            }
            md.append("| ").append(how[k]).append(" | ").append(t).append(" | ").append(x).append(" |\n");
        }
        double excess = 0;
        for (int r = 0; r < runs; r++) {
            excess += (times[2][r] - times[0][r] / 2) / runs;
        }
        md.append(String.format(Locale.ROOT, "%nSpark's start-up: %.1f s for the context, %.2f s for a first one-task job (not in the "
                        + "times above). Child JVMs are needed because DJL's PyTorch engine trains one network per process; each slot "
                        + "starts one child (a JVM, the engine, the data) and keeps it for its next tasks. What the Spark job takes beyond "
                        + "half the 1-thread sequential time is %.1f s on average: the children's start, Spark's scheduling, and two "
                        + "trainings sharing the machine's caches and memory bandwidth. Sequential runs read the data once (a JVM keeps "
                        + "the last data sets it read), as each child does. Round 1 compares cold with cold: its sequential runs include "
                        + "this JVM's one-time start (the engine, the data, the JIT; %.1f s more than round %d's), as every round's "
                        + "Spark time includes the children's; from round 2 on the sequential runs are warm and the children are not, "
                        + "which is the conservative ratio.%n", contextSeconds, firstJob, excess,
                        times[0][0] - times[0][runs - 1], runs))
                .append("<!-- spark:end -->");
        System.out.println(md);
    }

    private static List<SweepJob.Variation> variations(String epochs, int threads) {
        List<SweepJob.Variation> vs = new ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            Map<String, String> o = threads > 0 ? Map.of("trainer.epochs", epochs, "trainer.progressBar", "false", "trainer.intraOpThreads",
                    Integer.toString(threads)) : Map.of("trainer.epochs", epochs, "trainer.progressBar", "false");
            vs.add(new SweepJob.Variation("seed-" + seed, seed, o));
        }
        return vs;
    }
}
