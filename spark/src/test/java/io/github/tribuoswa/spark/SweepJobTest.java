package io.github.tribuoswa.spark;

import io.github.tribuoswa.nn.DJLModel;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep of 4 seeds of configs/djl-swa.xml in local[2] returns the models sequential runs in
 * one JVM return, bit for bit; a misconfigured variation fails alone.
 */
public class SweepJobTest {

    @Test
    public void fourSeedsOfSwaInLocalModeAreTheSequentialRuns() throws Exception {
        String xml = Files.readString(Path.of("..", "configs", "djl-swa.xml"));
        SweepJob job = new SweepJob(xml, "trainer", "embedded", "embedded", false);
        List<SweepJob.Variation> variations = new ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            variations.add(new SweepJob.Variation("seed-" + seed, seed, Map.of("trainer.epochs", "5", "trainer.progressBar", "false", "trainer.intraOpThreads", "1")));
        }
        variations.add(new SweepJob.Variation("broken", 9, Map.of("trainer.epochs", "0")));
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("tribuo-swa-sweep-test").set("spark.ui.enabled", "false")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        List<SweepJob.Result> results;
        io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter spans = io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
        io.opentelemetry.sdk.OpenTelemetrySdk sdk = io.opentelemetry.sdk.OpenTelemetrySdk.builder().setTracerProvider(
                io.opentelemetry.sdk.trace.SdkTracerProvider.builder().addSpanProcessor(
                        io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(spans)).build()).build();
        io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
        io.opentelemetry.api.GlobalOpenTelemetry.set(sdk); // what the tasks' trainers take (one JVM in local mode)
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            results = job.run(sc, variations, sdk);
        } finally {
            io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
        }
        // one trace: the driver's sweep span is the parent of the run span of every variation that trained
        var finished = spans.getFinishedSpanItems();
        var sweep = finished.stream().filter(s -> s.getName().equals(SweepJob.SPAN_SWEEP)).findFirst().orElseThrow();
        var runs = finished.stream().filter(s -> s.getName().equals(io.github.tribuoswa.telemetry.Telemetry.SPAN_RUN)).toList();
        assertEquals(4, runs.size(), "the broken variation is refused before its run starts");
        for (var run : runs) {
            assertEquals(sweep.getTraceId(), run.getTraceId());
            assertEquals(sweep.getSpanId(), run.getParentSpanId());
        }
        assertEquals(1L, sweep.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("tribuoswa.sweep.failed")));
        assertEquals(5, results.size());
        SweepJob.Result broken = results.get(4);
        assertTrue(!broken.succeeded() && broken.error().contains("epochs"), String.valueOf(broken.error()));
        for (int i = 0; i < 4; i++) {
            SweepJob.Result r = results.get(i);
            assertTrue(r.succeeded(), r.error());
            assertTrue(r.score() > 0.7, r.name() + " accuracy " + r.score());
            // the same variation in this JVM, outside Spark (one intra-op thread, as each task had)
            SweepJob.Result sequential = job.runOne(variations.get(i));
            DJLModel<?> a = (DJLModel<?>) r.toModel();
            DJLModel<?> b = (DJLModel<?>) sequential.toModel();
            assertArrayEquals(b.weights().getValues().toByteArray(), a.weights().getValues().toByteArray(), r.name());
            assertEquals(sequential.score(), r.score(), 0.0);
        }
        // the driver's builders: the best by test score, the ensemble, a soup; the failure is left out
        SweepJob.Result best = SweepModels.best(results);
        for (SweepJob.Result r : results.subList(0, 4)) {
            assertTrue(best.score() >= r.score(), best.name() + " vs " + r.name());
        }
        org.tribuo.MutableDataset<org.tribuo.classification.Label> data = io.github.tribuoswa.data.FashionMnist.load(
                io.github.tribuoswa.data.FashionMnist.resolve("embedded"), io.github.tribuoswa.data.FashionMnist.Split.TEST);
        assertEquals(4, SweepModels.ensemble(results, data).getNumModels());
        assertEquals(List.of(0, 1, 2, 3), SweepModels.soup(results, io.github.tribuoswa.nn.swa.SoupTrainer.Recipe.UNIFORM, data, data).kept());
        IllegalArgumentException none = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SweepModels.best(List.of(broken)));
        assertTrue(none.getMessage().contains("no successful variation; failed: broken"), none.getMessage());
    }

    @Test
    public void aTaskWhoseChildJvmDiesOnItsFirstAttemptResumesFromItsCheckpointAndEndsTheSame(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        String xml = Files.readString(Path.of("..", "configs", "djl-swa.xml"));
        List<SweepJob.Variation> variations = new ArrayList<>();
        for (long seed = 1; seed <= 2; seed++) {
            variations.add(new SweepJob.Variation("seed-" + seed, seed, Map.of("trainer.epochs", "5", "trainer.progressBar", "false",
                    "trainer.intraOpThreads", "1")));
        }
        // the first attempt of each task dies after 130 steps (epoch 3 of 5, 47 steps an epoch); Spark retries it (local[2,2])
        // each task in a child JVM (the mode that trains in parallel); the child dies, Spark retries the task
        SweepJob job = new SweepJob(xml, "trainer", "embedded", "embedded", false).checkpointingInto(tmp.resolve("checkpoints").toString())
                .failingFirstAttemptsAfter(130).trainingInChildJvms(true);
        SparkConf conf = new SparkConf().setMaster("local[2,2]").setAppName("tribuo-swa-retry-test").set("spark.ui.enabled", "false")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        List<SweepJob.Result> results;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            results = job.run(sc, variations);
        }
        SweepJob undisturbed = new SweepJob(xml, "trainer", "embedded", "embedded", false);
        for (int i = 0; i < 2; i++) {
            SweepJob.Result r = results.get(i);
            assertTrue(r.succeeded(), r.error());
            assertTrue(Files.exists(tmp.resolve("checkpoints").resolve(r.name()).resolve("run-0.checkpoint")), "its own checkpoint");
            DJLModel<?> a = (DJLModel<?>) r.toModel();
            DJLModel<?> b = (DJLModel<?>) undisturbed.runOne(variations.get(i)).toModel();
            assertArrayEquals(b.weights().getValues().toByteArray(), a.weights().getValues().toByteArray(), r.name() + " resumed bit-identical");
        }
        // the children that died were dropped; the retries' children stay for the slots' next tasks
        assertEquals(2, ChildJvms.alive(), "one child per slot");
        List<SweepJob.Variation> misconfigured = List.of(new SweepJob.Variation("zero-a", 1, Map.of("trainer.epochs", "0")),
                new SweepJob.Variation("zero-b", 2, Map.of("trainer.epochs", "0")), new SweepJob.Variation("zero-c", 3, Map.of("trainer.epochs", "0")));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            List<SweepJob.Result> again = new SweepJob(xml, "trainer", "embedded", "embedded", false).trainingInChildJvms(true).run(sc, misconfigured);
            for (SweepJob.Result r : again) {
                assertTrue(!r.succeeded() && r.error().contains("epochs"), r.name() + ": " + r.error());
            }
            assertEquals(2, ChildJvms.alive(), "the next job's tasks ran in the same children");
            // with stop-on-error the task fails (its child lives on) and Spark fails the job
            Exception stop = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> new SweepJob(xml, "trainer", "embedded",
                    "embedded", true).trainingInChildJvms(true).run(sc, misconfigured.subList(0, 1)));
            assertTrue(String.valueOf(stop.getMessage()).contains("zero-a"), stop.getMessage());
            assertEquals(2, ChildJvms.alive(), "a task that failed by itself keeps its child");
        }
    }

    @Test
    public void aSweepReadsTheConfigurationsOwnCsvDataSources(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(io.github.tribuoswa.data.TabularData.sourceDirectory()),
                "python3-sklearn is installed (test.sh installs it)");
        for (io.github.tribuoswa.data.TabularData.Table t : io.github.tribuoswa.data.TabularData.Table.values()) {
            io.github.tribuoswa.data.TabularData.write(t, io.github.tribuoswa.data.TabularData.sourceDirectory(), tmp);
        }
        String xml = Files.readString(Path.of("..", "configs", "tabular-diabetes-swa.xml"));
        SweepJob job = new SweepJob(xml, Map.of("data", tmp.toString()), "trainer", "config:train-data", "config:test-data", false);
        List<SweepJob.Variation> variations = List.of(new SweepJob.Variation("seed-1", 1, Map.of("trainer.intraOpThreads", "1")),
                new SweepJob.Variation("seed-2", 2, Map.of("trainer.intraOpThreads", "1")));
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("tribuo-swa-csv-sweep-test").set("spark.ui.enabled", "false")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        List<SweepJob.Result> results;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            results = job.run(sc, variations);
        }
        for (int i = 0; i < 2; i++) {
            SweepJob.Result r = results.get(i);
            assertTrue(r.succeeded(), r.error());
            assertTrue(r.score() > 0.1 && r.score() < 1, r.name() + " test R^2 " + r.score());
            assertTrue(r.toModel().validate(org.tribuo.regression.Regressor.class));
            assertEquals(job.runOne(variations.get(i)).score(), r.score(), 0.0, "the same R^2 as in this JVM");
        }
    }

    @Test
    public void aJvmReadsItsDataOnceUntilAFileChanges(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path embedded = io.github.tribuoswa.data.FashionMnist.embeddedDirectory();
        try (var files = Files.list(embedded)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, tmp.resolve(f.getFileName()));
            }
        }
        String spec = "fashion-mnist:" + tmp;
        var split = io.github.tribuoswa.data.FashionMnist.Split.TEST;
        Object first = SweepJob.load(spec, null, split);
        assertTrue(first == SweepJob.load(spec, null, split), "the second task's read is the first's");
        Path labels = split.labels(tmp);
        Files.setLastModifiedTime(labels, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(labels).toMillis() - 60_000));
        Object again = SweepJob.load(spec, null, split);
        assertTrue(first != again, "a replaced file is read again");
        assertEquals(((org.tribuo.Dataset<?>) first).size(), ((org.tribuo.Dataset<?>) again).size());
    }
}
