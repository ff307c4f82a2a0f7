package io.github.tribuoswa.telemetry;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The plugin's OpenTelemetry conventions: instrumentation scope, names and attribute keys, and
 * the rule that telemetry never fails a training run. The plugin depends on
 * {@code opentelemetry-api} only; without an SDK every call is a no-op.
 */
public final class Telemetry {

    private static final Logger logger = Logger.getLogger(Telemetry.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /**
     * The instrumentation scope: the root package.
     */
    public static final String SCOPE = "io.github.tribuoswa";

    /**
     * The instrumentation scope version: the plugin's.
     */
    public static final String VERSION = loadVersion();

    /**
     * The prefix of every span, metric and attribute name of the plugin.
     */
    public static final String PREFIX = "tribuoswa.";

    /** Span of a whole training run. */
    public static final String SPAN_RUN = PREFIX + "train";
    /** Span of a phase (sgd, swa, fge, swag, ema, …). */
    public static final String SPAN_PHASE = PREFIX + "phase";
    /** Span of a learning-rate cycle. */
    public static final String SPAN_CYCLE = PREFIX + "cycle";
    /** Span of an epoch (when cycles are shorter than an epoch, or there are none). */
    public static final String SPAN_EPOCH = PREFIX + "epoch";
    /** Span of one SWA average update. */
    public static final String SPAN_AVERAGE = PREFIX + "average_update";
    /** Span of one FGE snapshot. */
    public static final String SPAN_SNAPSHOT = PREFIX + "snapshot";
    /** Span of the BatchNorm refresh. */
    public static final String SPAN_BN_REFRESH = PREFIX + "batchnorm_refresh";

    /** Counter of SWA average updates. */
    public static final String METRIC_AVERAGES = PREFIX + "averages";
    /** Counter of FGE snapshots. */
    public static final String METRIC_SNAPSHOTS = PREFIX + "snapshots";

    /** Method: sgd, swa, fge, swag, ema, … (the trainer's method()). */
    public static final AttributeKey<String> METHOD = AttributeKey.stringKey(PREFIX + "method");
    /** Trainer class. */
    public static final AttributeKey<String> TRAINER = AttributeKey.stringKey(PREFIX + "trainer");
    /** Phase name. */
    public static final AttributeKey<String> PHASE = AttributeKey.stringKey(PREFIX + "phase");
    /** Number of training examples. */
    public static final AttributeKey<Long> DATASET_SIZE = AttributeKey.longKey(PREFIX + "dataset.size");
    /** Device. */
    public static final AttributeKey<String> DEVICE = AttributeKey.stringKey(PREFIX + "device");
    /** Steps of the whole run. */
    public static final AttributeKey<Long> TOTAL_STEPS = AttributeKey.longKey(PREFIX + "steps.total");
    /** Steps per epoch. */
    public static final AttributeKey<Long> STEPS_PER_EPOCH = AttributeKey.longKey(PREFIX + "steps.per_epoch");
    /** Cycle index, from 1 within the phase. */
    public static final AttributeKey<Long> CYCLE_INDEX = AttributeKey.longKey(PREFIX + "cycle.index");
    /** Epoch index, from 1. */
    public static final AttributeKey<Long> EPOCH_INDEX = AttributeKey.longKey(PREFIX + "epoch.index");
    /** First step of a span's range. */
    public static final AttributeKey<Long> FIRST_ITERATION = AttributeKey.longKey(PREFIX + "iteration.first");
    /** Last step of a span's range. */
    public static final AttributeKey<Long> LAST_ITERATION = AttributeKey.longKey(PREFIX + "iteration.last");
    /** The highest rate in the span (α1 of a cycle). */
    public static final AttributeKey<Double> ALPHA1 = AttributeKey.doubleKey(PREFIX + "alpha1");
    /** The lowest rate in the span (α2 of a cycle). */
    public static final AttributeKey<Double> ALPHA2 = AttributeKey.doubleKey(PREFIX + "alpha2");
    /** Mean training loss over the span's steps. */
    public static final AttributeKey<Double> MEAN_LOSS = AttributeKey.doubleKey(PREFIX + "loss.mean");
    /** The step after which weights were averaged or snapshotted. */
    public static final AttributeKey<Long> ITERATION = AttributeKey.longKey(PREFIX + "iteration");
    /** Models averaged so far (n_models). */
    public static final AttributeKey<Long> MODELS_AVERAGED = AttributeKey.longKey(PREFIX + "models_averaged");
    /** Snapshot index, from 0. */
    public static final AttributeKey<Long> SNAPSHOT_INDEX = AttributeKey.longKey(PREFIX + "snapshot.index");
    /** The learning rate at a step. */
    public static final AttributeKey<Double> LEARNING_RATE = AttributeKey.doubleKey(PREFIX + "learning_rate");
    /** BatchNorm layers refreshed. */
    public static final AttributeKey<Long> BN_LAYERS = AttributeKey.longKey(PREFIX + "batchnorm.layers");
    /** The standard attribute of a failed operation. */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private Telemetry() {}

    private static String loadVersion() {
        Properties p = new Properties();
        try (InputStream in = Telemetry.class.getResourceAsStream("/io/github/tribuoswa/tribuo-swa.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }

    /**
     * The instance to use: the given one, else the global one (a no-op without an SDK).
     * @param given An instance, or null.
     * @return The instance.
     */
    public static OpenTelemetry resolve(OpenTelemetry given) {
        return given != null ? given : GlobalOpenTelemetry.getOrNoop();
    }

    /**
     * The plugin's tracer.
     * @param otel The instance.
     * @return The tracer.
     */
    public static Tracer tracer(OpenTelemetry otel) {
        return otel.tracerBuilder(SCOPE).setInstrumentationVersion(VERSION).build();
    }

    /**
     * The plugin's meter.
     * @param otel The instance.
     * @return The meter.
     */
    public static Meter meter(OpenTelemetry otel) {
        return otel.meterBuilder(SCOPE).setInstrumentationVersion(VERSION).build();
    }

    /**
     * Runs telemetry code so that it can never fail training: a failure is logged once and
     * swallowed.
     * @param action The telemetry code.
     */
    public static void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | LinkageError e) {
            if (WARNED.compareAndSet(false, true)) {
                logger.log(Level.WARNING, "Telemetry failed; training goes on without it", e);
            }
        }
    }
}
