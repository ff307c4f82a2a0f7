package io.github.tribuoswa.spark;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.telemetry.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.tribuo.DataSource;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluator;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A sweep of one trainer configuration (OLCUT XML, as users write it) as an Apache Spark job:
 * each {@link Variation} (a seed and property overrides by {@code component.property} name) is
 * one task that builds the trainer from the configuration's text, reads its training and test
 * data itself (a path every executor can read: {@code embedded}, {@code full},
 * {@code fashion-mnist:DIR}, or {@code config:NAME}, a Tribuo {@code DataSource} of the
 * configuration), trains, scores the model on the test data (accuracy for labels, R² for
 * regression) and returns it as Tribuo protobuf bytes. A variation that fails (a bad override,
 * a diverging run) fails alone: its {@link Result} carries the error, unless the job is built
 * to stop. The same {@link #runOne} runs a variation outside Spark, so a sweep's models can be
 * compared with sequential runs bit for bit.
 * <p>
 * Each task trains with as many intra-op threads as Spark gives it ({@code spark.task.cpus},
 * via the trainer's {@code intraOpThreads}; an explicit {@code trainer.intraOpThreads} override
 * wins), so tasks sharing an executor do not oversubscribe its cores.
 * <p>
 * <b>One training at a time per JVM.</b> DJL's PyTorch engine allows one gradient collector per
 * process ("A PtGradientCollector is already collecting. Only one can be collecting at a time"),
 * and one random generator, so tasks that share an executor JVM take turns ({@link #TRAINING}): give executors one task
 * slot each ({@code spark.executor.cores = spark.task.cpus}) to train in parallel across
 * executors; in {@code local[N]} the tasks of one JVM run one after the other.
 */
public final class SweepJob implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The driver's span of a sweep. */
    public static final String SPAN_SWEEP = Telemetry.PREFIX + "sweep";

    private static final TextMapGetter<Map<String, String>> CARRIER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /**
     * Held while a task of this JVM runs: DJL's PyTorch engine trains one network at a time per
     * process, and its random generator (dropout, a network's initial draw) is one per process.
     */
    static final java.util.concurrent.locks.ReentrantLock TRAINING = new java.util.concurrent.locks.ReentrantLock();

    /**
     * One variation of the configuration.
     * @param name Its name in the results.
     * @param seed The trainer's {@code seed}.
     * @param overrides Property values by {@code component.property} (e.g. {@code trainer.epochs}).
     */
    public record Variation(String name, long seed, Map<String, String> overrides) implements Serializable {
        /**
         * A copy that keeps the overrides' order.
         */
        public Variation {
            overrides = new LinkedHashMap<>(overrides);
        }
    }

    /**
     * What a variation produced.
     * @param name The variation's name.
     * @param seed Its seed.
     * @param model The model as Tribuo protobuf bytes (empty if it failed).
     * @param score Test accuracy (labels) or R² (regression); NaN if it failed.
     * @param error The failure's message, or null.
     */
    public record Result(String name, long seed, byte[] model, double score, String error) implements Serializable {
        /**
         * Whether the variation trained.
         * @return True without an error.
         */
        public boolean succeeded() {
            return error == null;
        }

        /**
         * The model.
         * @return The deserialized Tribuo model.
         * @throws IllegalStateException if the variation failed.
         */
        public Model<?> toModel() {
            if (!succeeded()) {
                throw new IllegalStateException("variation " + name + " failed: " + error);
            }
            try {
                return Model.deserialize(org.tribuo.protos.core.ModelProto.parseFrom(model));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("variation " + name + ": corrupt model bytes", e);
            }
        }
    }

    private final String configXml;
    private final String trainerName;
    private final String trainData;
    private final String testData;
    private final boolean stopOnError;
    private final Map<String, String> globalProperties;
    private String checkpointRoot;
    private boolean childJvm;
    /** Fault injection for tests: a task's first attempt dies after this many steps (0: never). */
    private long failFirstAttemptAfter;

    /**
     * A sweep job.
     * @param configXml The OLCUT configuration's text.
     * @param trainerName The trainer component's name.
     * @param trainData Where each task reads its training data.
     * @param testData Where each task reads its test data.
     * @param stopOnError Whether one failing variation fails the whole job.
     */
    public SweepJob(String configXml, String trainerName, String trainData, String testData, boolean stopOnError) {
        this(configXml, Map.of(), trainerName, trainData, testData, stopOnError);
    }

    /**
     * A sweep job whose configuration's global properties ({@code ${NAME}} in its values) are set.
     * @param configXml The OLCUT configuration's text.
     * @param globalProperties Global property values by name.
     * @param trainerName The trainer component's name.
     * @param trainData Where each task reads its training data.
     * @param testData Where each task reads its test data.
     * @param stopOnError Whether one failing variation fails the whole job.
     */
    public SweepJob(String configXml, Map<String, String> globalProperties, String trainerName, String trainData, String testData,
                    boolean stopOnError) {
        this.configXml = configXml;
        this.globalProperties = new LinkedHashMap<>(globalProperties);
        this.trainerName = trainerName;
        this.trainData = trainData;
        this.testData = testData;
        this.stopOnError = stopOnError;
    }

    /**
     * A job whose tasks checkpoint into {@code root/<variation name>} (a directory every executor
     * can write): a task that dies mid-run (its executor lost) is retried by Spark and resumes from
     * its own last checkpoint, ending with the model an undisturbed task returns.
     * @param root The shared checkpoint directory.
     * @return This job, checkpointing.
     */
    public SweepJob checkpointingInto(String root) {
        this.checkpointRoot = root;
        return this;
    }

    /**
     * A job whose tasks train in child JVMs of their executor (the executor's Java, its class
     * path and the job's jars), so that tasks sharing an executor JVM train at the same time:
     * DJL's PyTorch engine trains one network per process. A child serves one task at a time
     * and stays for the slot's next task ({@link ChildJvms}: the JVM, engine and data are paid
     * once per slot); a child that dies is a failed task to Spark (retried in a new child); its
     * standard error goes to the executor's. Telemetry in the child is the
     * child's own {@code GlobalOpenTelemetry} (configure it with the OpenTelemetry agent or
     * {@code OTEL_*} variables, which the child inherits); the trace context still travels.
     * @param isolated Whether tasks train in child JVMs.
     * @return This job.
     */
    public SweepJob trainingInChildJvms(boolean isolated) {
        this.childJvm = isolated;
        return this;
    }

    /**
     * For tests of the retry: the first attempt of every task dies (an {@link Error}, as a lost
     * executor would end it, not a failed variation) after the given number of steps.
     * @param steps The steps (&gt; 0).
     * @return This job.
     */
    SweepJob failingFirstAttemptsAfter(long steps) {
        this.failFirstAttemptAfter = steps;
        return this;
    }

    /** What a dying executor does to its task, for {@link #failingFirstAttemptsAfter}. */
    static final class InjectedFault extends Error {
        private static final long serialVersionUID = 1L;

        InjectedFault(String message) {
            super(message);
        }
    }

    /**
     * Runs the variations as Spark tasks, one partition each, and collects the results in order.
     * @param spark The Spark context.
     * @param variations The variations.
     * @return One result per variation.
     */
    public List<Result> run(JavaSparkContext spark, List<Variation> variations) {
        return run(spark, variations, Telemetry.resolve(null));
    }

    /**
     * Runs the variations as Spark tasks under one trace: the driver's span {@value #SPAN_SWEEP}
     * is the parent of every task's run span (its context travels in the task as a W3C
     * {@code traceparent}), so a trace viewer shows the sweep as one tree when the executors
     * export to the same backend (their {@code GlobalOpenTelemetry}, e.g. the OpenTelemetry Java
     * agent, or the trainer's {@code telemetry} component).
     * @param spark The Spark context.
     * @param variations The variations.
     * @param otel The driver's OpenTelemetry.
     * @return One result per variation.
     */
    public List<Result> run(JavaSparkContext spark, List<Variation> variations, OpenTelemetry otel) {
        if (variations.isEmpty()) {
            throw new IllegalArgumentException("variations is empty; allowed: at least one variation");
        }
        Span sweep = otel.getTracer(Telemetry.SCOPE).spanBuilder(SPAN_SWEEP).setAttribute("tribuoswa.sweep.variations", variations.size())
                .setAttribute("tribuoswa.sweep.trainer", trainerName).startSpan();
        try (Scope ignored = sweep.makeCurrent()) {
            Map<String, String> carrier = new LinkedHashMap<>();
            W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
            SweepJob job = this;
            List<Result> results = spark.parallelize(new ArrayList<>(variations), variations.size())
                    .map(v -> job.childJvm ? job.runInChild(v, carrier) : job.runOne(v, carrier)).collect();
            long failed = results.stream().filter(r -> !r.succeeded()).count();
            sweep.setAttribute("tribuoswa.sweep.failed", failed);
            return results;
        } catch (RuntimeException e) {
            sweep.recordException(e);
            throw e;
        } finally {
            sweep.end();
        }
    }

    /**
     * Runs one variation in a child JVM ({@link #trainingInChildJvms}): the job, the variation,
     * the trace context and the task's cores go to it in a file, its result comes back in one.
     * @param v The variation.
     * @param carrier The parent's trace context.
     * @return Its result.
     * @throws IOException if the files cannot be written or read.
     * @throws InterruptedException if the task is interrupted.
     */
    Result runInChild(Variation v, Map<String, String> carrier) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tribuo-swa-sweep-task");
        try {
            Path in = dir.resolve("task.ser");
            Path out = dir.resolve("result.ser");
            TaskContext task = TaskContext.get();
            SweepJob copy = new SweepJob(configXml, globalProperties, trainerName, trainData, testData, stopOnError);
            copy.checkpointRoot = checkpointRoot;
            copy.failFirstAttemptAfter = task != null && task.attemptNumber() == 0 ? failFirstAttemptAfter : 0;
            copy.childCpus = task != null ? task.cpus() : 0;
            try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(Files.newOutputStream(in))) {
                o.writeObject(copy);
                o.writeObject(v);
                o.writeObject(new LinkedHashMap<>(carrier));
            }
            ChildJvms.Child child = ChildJvms.acquire(Path.of(System.getProperty("java.home"), "bin", "java"), childClassPath());
            boolean clean = false;
            String failed;
            try {
                failed = child.run(in, out, v.name());
                clean = true;
            } finally {
                if (clean) {
                    ChildJvms.release(child);
                } else {
                    ChildJvms.discard(child);
                }
            }
            if (failed != null) {
                throw new IllegalStateException(failed);
            }
            try (java.io.ObjectInputStream i = new java.io.ObjectInputStream(Files.newInputStream(out))) {
                return (Result) i.readObject();
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * The class path of a task's child JVM: the executor's own ({@code java.class.path}: Spark's jars) and what Spark loads the
     * application from (the job jar and {@code --jars}, in the task's {@link URLClassLoader}s, which {@code java.class.path} does
     * not name on a cluster), and the jar of this class.
     * @return The entries, joined by the path separator.
     */
    static String childClassPath() {
        Set<String> entries = new LinkedHashSet<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        List<ClassLoader> loaders = new ArrayList<>();
        for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
            loaders.add(l);
        }
        for (ClassLoader l = SweepJob.class.getClassLoader(); l != null; l = l.getParent()) {
            loaders.add(l);
        }
        for (ClassLoader l : loaders) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    fileOf(url).ifPresent(entries::add);
                }
            }
        }
        java.security.CodeSource source = SweepJob.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            fileOf(source.getLocation()).ifPresent(entries::add);
        }
        entries.remove("");
        return String.join(File.pathSeparator, entries);
    }

    private static Optional<String> fileOf(URL url) {
        if (!"file".equals(url.getProtocol())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(url.toURI()).toString());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A child JVM that ended without a result: to Spark, a failed task (retried). */
    static final class ChildLost extends Error {
        private static final long serialVersionUID = 1L;

        ChildLost(String message) {
            super(message);
        }
    }

    /** The cores the task of a child JVM had (its intra-op threads); 0 outside a child. */
    private int childCpus;

    /**
     * The cores a task trains with: Spark's {@code spark.task.cpus}, or what the parent task had.
     * @return The cores, or 0 when unknown (the configuration's own setting stays).
     */
    private int taskCpus() {
        TaskContext task = TaskContext.get();
        return task != null ? task.cpus() : childCpus;
    }

    /**
     * Runs one variation under a parent trace context (a W3C {@code traceparent} carrier).
     * @param v The variation.
     * @param carrier The parent's context, or an empty map for none.
     * @return Its result.
     */
    public Result runOne(Variation v, Map<String, String> carrier) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, CARRIER);
        try (Scope ignored = parent.makeCurrent()) {
            return runOne(v);
        }
    }

    /**
     * Runs one variation in this JVM (what each Spark task does).
     * @param v The variation.
     * @return Its result.
     */
    public Result runOne(Variation v) {
        try {
            ConfigurationManager cm = configuration();
            cm.overrideConfigurableProperty(trainerName, "seed", new SimpleProperty(Long.toString(v.seed())));
            TaskContext task = TaskContext.get();
            if (taskCpus() > 0) {
                cm.overrideConfigurableProperty(trainerName, "intraOpThreads", new SimpleProperty(Integer.toString(taskCpus())));
            }
            if (checkpointRoot != null) {
                cm.overrideConfigurableProperty(trainerName, "checkpointDirectory", new SimpleProperty(Path.of(checkpointRoot)
                        .resolve(v.name()).toString()));
            }
            for (Map.Entry<String, String> o : v.overrides().entrySet()) {
                int dot = o.getKey().indexOf('.');
                if (dot < 1 || dot == o.getKey().length() - 1) {
                    throw new IllegalArgumentException("override " + o.getKey() + " is out of range; allowed: component.property");
                }
                cm.overrideConfigurableProperty(o.getKey().substring(0, dot), o.getKey().substring(dot + 1), new SimpleProperty(o.getValue()));
            }
            Object component = cm.lookup(trainerName);
            if (!(component instanceof Trainer)) {
                throw new IllegalArgumentException("trainer = " + trainerName + " is not a Tribuo Trainer in the configuration");
            }
            if (failFirstAttemptAfter > 0 && (task == null || task.attemptNumber() == 0)
                    && component instanceof io.github.tribuoswa.nn.NetworkTrainer<?, ?> network) {
                long after = failFirstAttemptAfter;
                network.addObserver(new ai.djl.training.listener.TrainingListenerAdapter() {
                    private long steps;

                    @Override
                    public void onTrainingBatch(ai.djl.training.Trainer trainer, ai.djl.training.listener.TrainingListener.BatchData batchData) {
                        if (++steps > after) {
                            throw new InjectedFault("injected: the first attempt of " + v.name() + " dies after " + after + " steps");
                        }
                    }
                });
            }
            // the whole task holds the lock: besides the one gradient collector, the engine's random generator is one per
            // process, and a network built in another thread (a model loaded to score) would draw from it during this training
            TRAINING.lock();
            try {
                Dataset<?> train = load(trainData, cm, FashionMnist.Split.TRAIN);
                @SuppressWarnings({"unchecked", "rawtypes"})
                Model<?> model = ((Trainer) component).train(train);
                double score = score(model, load(testData, cm, FashionMnist.Split.TEST));
                byte[] bytes = model.serialize().toByteArray();
                if (model instanceof AutoCloseable c) {
                    c.close();
                }
                return new Result(v.name(), v.seed(), bytes, score, null);
            } finally {
                TRAINING.unlock();
            }
        } catch (Exception e) {
            if (stopOnError) {
                throw new IllegalStateException("variation " + v.name() + " failed: " + e.getMessage(), e);
            }
            return new Result(v.name(), v.seed(), new byte[0], Double.NaN, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private ConfigurationManager configuration() throws IOException {
        Path tmp = Files.createTempFile("tribuo-swa-sweep", ".xml");
        try {
            Files.writeString(tmp, configXml, StandardCharsets.UTF_8);
            ConfigurationManager cm = new ConfigurationManager(tmp.toString());
            globalProperties.forEach(cm::setGlobalProperty);
            return cm;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Data read by this JVM's last tasks, by split, directory and the size and time of its two files (so a file replaced
     * between jobs is read again); a {@code config:} source may depend on a variation's overrides, so it is read every time.
     * Read under {@link #TRAINING}.
     */
    private static final Map<String, Dataset<?>> READ = new LinkedHashMap<>(4, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Dataset<?>> eldest) {
            return size() > 2;
        }
    };

    static Dataset<?> load(String spec, ConfigurationManager cm, FashionMnist.Split split) {
        if (spec.startsWith("config:")) {
            return source(spec, cm);
        }
        Path dir = FashionMnist.resolve(spec.startsWith("fashion-mnist:") ? spec.substring("fashion-mnist:".length()) : spec);
        try {
            String key = split + "|" + dir.toAbsolutePath() + "|" + stamp(split.images(dir)) + "|" + stamp(split.labels(dir));
            Dataset<?> read = READ.get(key);
            if (read == null) {
                read = FashionMnist.load(dir, split);
                READ.put(key, read);
            }
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stamp(Path file) throws IOException {
        return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Dataset<?> source(String spec, ConfigurationManager cm) {
        Object source = cm.lookup(spec.substring("config:".length()));
        if (!(source instanceof DataSource)) {
            throw new IllegalArgumentException("data = " + spec + " is not a Tribuo DataSource of the configuration");
        }
        return new MutableDataset<>((DataSource) source);
    }

    @SuppressWarnings("unchecked")
    private static double score(Model<?> model, Dataset<?> test) {
        if (model.validate(Label.class)) {
            return new LabelEvaluator().evaluate((Model<Label>) model, (Dataset<Label>) test).accuracy();
        }
        if (model.validate(Regressor.class)) {
            return new RegressionEvaluator().evaluate((Model<Regressor>) model, (Dataset<Regressor>) test).averageR2();
        }
        throw new IllegalArgumentException("the model predicts neither Label nor Regressor");
    }
}
