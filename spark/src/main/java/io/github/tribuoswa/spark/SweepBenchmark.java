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
 * threads, and as a Spark job in {@code local[2]} with a child JVM per task at 1 thread each;
 * the wall times, the speed-ups against the sequential runs, and Spark's start-up (a context and
 * a one-task job). Prints the "spark" section of docs/benchmarks.md.
 * <pre>
 * usage: SweepBenchmark [--config FILE] [--epochs 5] [--command TEXT]
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
        String command = "scripts/bench/benchmark-spark.sh";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[i + 1]);
                case "--epochs" -> epochs = args[i + 1];
                case "--command" -> command = args[i + 1];
                default -> throw new IllegalArgumentException(args[i] + " is not an option; allowed: --config, --epochs, --command");
            }
        }
        String xml = Files.readString(config);
        SweepJob job = new SweepJob(xml, "trainer", "embedded", "embedded", true);
        double[] sequential = new double[3];
        for (int threads : new int[]{1, 2}) {
            List<SweepJob.Variation> vs = variations(epochs, threads);
            long start = System.nanoTime();
            for (SweepJob.Variation v : vs) {
                job.runOne(v);
            }
            sequential[threads] = seconds(start);
            System.err.printf(Locale.ROOT, "sequential, %d thread(s): %.1f s%n", threads, sequential[threads]);
        }
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("tribuo-swa-sweep-benchmark").set("spark.ui.enabled", "false")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        long startup = System.nanoTime();
        double contextSeconds;
        double firstJob;
        double spark;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            contextSeconds = seconds(startup);
            long t = System.nanoTime();
            sc.parallelize(List.of(1), 1).map(x -> x + 1).collect();
            firstJob = seconds(t);
            List<SweepJob.Variation> vs = variations(epochs, 0);
            long start = System.nanoTime();
            new SweepJob(xml, "trainer", "embedded", "embedded", true).trainingInChildJvms(true).run(sc, vs);
            spark = seconds(start);
        }
        System.err.printf(Locale.ROOT, "local[2], child JVMs, 1 thread each: %.1f s%n", spark);
        StringBuilder md = new StringBuilder("<!-- spark:start -->\n## Sweeps on Spark (issue 17)\n\n");
        md.append("Made by `").append(command).append("` (`io.github.tribuoswa.spark.SweepBenchmark`), one run each, on this project's 2-core ")
                .append("machine: 4 runs of `").append(config).append("` (seeds 1–4, ").append(epochs).append(" epochs, the embedded ")
                .append("6,000 images), each timed from building the trainer to its scored model.\n\n")
                .append("| how | wall time (s) | speed-up against 1-thread sequential |\n|---|---|---|\n")
                .append(String.format(Locale.ROOT, "| sequential, one JVM, 1 intra-op thread | %.1f | 1.00 |%n", sequential[1]))
                .append(String.format(Locale.ROOT, "| sequential, one JVM, 2 intra-op threads | %.1f | %.2f |%n", sequential[2],
                        sequential[1] / sequential[2]))
                .append(String.format(Locale.ROOT, "| Spark `local[2]`, a child JVM per task, 1 intra-op thread each | %.1f | %.2f |%n", spark,
                        sequential[1] / spark))
                .append(String.format(Locale.ROOT, "%nSpark's start-up: %.1f s for the context, %.2f s for a first one-task job (not in the "
                        + "times above). A child JVM per task is needed because DJL's PyTorch engine trains one network per process; what "
                        + "the Spark job takes beyond half the 1-thread sequential time, %.1f s over 2 tasks a core, is about %.1f s a "
                        + "task: the child's JVM, engine and data loading, and Spark's scheduling; it is why short runs do not gain.%n",
                        contextSeconds, firstJob, spark - sequential[1] / 2, (spark - sequential[1] / 2) / 2))
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
