package io.github.tribuoswa.nn.listen;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.CollectionListener;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.telemetry.Instruments;
import io.github.tribuoswa.telemetry.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.util.Map;
import java.util.function.IntSupplier;

/**
 * OpenTelemetry for a DJL training run, as a DJL training listener: a trace whose root span is
 * the run, with a child span per phase (SGD, then SWA or FGE), under each phase a span per
 * learning-rate cycle (or per epoch when cycles are shorter than an epoch, or there are none),
 * and short spans for each SWA average update, FGE snapshot and the BatchNorm refresh. Per-step
 * data go to metrics only: the learning-rate gauge, the step counter; per epoch the loss and
 * accuracy gauges and the epoch duration histogram; counters of averages and snapshots. All
 * names start with {@value Telemetry#PREFIX}; metric attributes are the method only.
 * <p>
 * It reads the loss from the run's {@link EpochStatistics} (added to the training before it),
 * knows no averaging method (a collection's span and counter are named by the collector), and
 * never fails training: every call is guarded. Add it to a {@code TrainingConfig} after the
 * statistics, and register it with each weight collector
 * ({@link io.github.tribuoswa.nn.core.WeightCollector#addCollectionListener}).
 */
public final class TelemetryListener extends TrainingListenerAdapter implements CollectionListener {

    private final Tracer tracer;
    private final String method;
    private final String phaseAfterStart;
    private final Attributes metricAttributes;
    private final Attributes runAttributes;
    private final LearningRateSchedule schedule;
    private final int stepsPerEpoch;
    private final EpochStatistics stats;
    private final Instruments instruments;

    private Span run;
    private Span phase;
    private String phaseName;
    private Span unit;
    private boolean unitIsCycle;
    private long unitFirst;
    private long unitLast;
    private double unitLossSum;
    private long unitSteps;
    private double unitMaxRate;
    private double unitMinRate;
    private long step;
    private boolean ended;

    /**
     * Telemetry for one run.
     * @param otel The OpenTelemetry instance.
     * @param method The run's method (sgd, swa, fge, …): the {@code method} attribute, and the
     *               name of the phase after the schedule's swaStart unless it is sgd.
     * @param trainer The trainer's name.
     * @param hyperParameters The run's hyper-parameters (recorded on the run span).
     * @param datasetSize The number of training examples.
     * @param device The device.
     * @param schedule The run's schedule.
     * @param stepsPerEpoch Steps per epoch.
     * @param totalSteps Steps of the whole run.
     * @param startStep Steps already done (a resumed run).
     * @param stats The run's statistics, for the loss.
     */
    public TelemetryListener(OpenTelemetry otel, String method, String trainer, Map<String, String> hyperParameters, int datasetSize,
                             String device, LearningRateSchedule schedule, int stepsPerEpoch, long totalSteps, long startStep,
                             EpochStatistics stats) {
        this.tracer = Telemetry.tracer(otel);
        this.method = method;
        this.phaseAfterStart = "sgd".equals(method) ? null : method;
        this.schedule = schedule;
        this.stepsPerEpoch = stepsPerEpoch;
        this.stats = stats;
        this.step = startStep;
        this.metricAttributes = Attributes.of(Telemetry.METHOD, method);
        var b = Attributes.builder().put(Telemetry.METHOD, method).put(Telemetry.TRAINER, trainer)
                .put(Telemetry.DATASET_SIZE, (long) datasetSize).put(Telemetry.DEVICE, device)
                .put(Telemetry.TOTAL_STEPS, totalSteps).put(Telemetry.STEPS_PER_EPOCH, (long) stepsPerEpoch);
        hyperParameters.forEach((k, v) -> b.put(AttributeKey.stringKey(Telemetry.PREFIX + "param." + k), v));
        this.runAttributes = b.build();
        this.instruments = new Instruments(otel);
    }

    /**
     * Starts the run span (also done by {@code onTrainingBegin}).
     */
    public void begin() {
        Telemetry.safely(() -> {
            if (run == null) {
                run = tracer.spanBuilder(Telemetry.SPAN_RUN).setAllAttributes(runAttributes).startSpan();
            }
        });
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
        begin();
    }

    private String phaseOf(long i) {
        return phaseAfterStart == null || i <= schedule.swaStart() ? "sgd" : phaseAfterStart;
    }

    private Span child(String name, Span parent) {
        return tracer.spanBuilder(name).setParent(Context.root().with(parent)).startSpan();
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        Telemetry.safely(() -> {
            begin();
            long i = ++step;
            String name = phaseOf(i);
            if (phase == null || !name.equals(phaseName)) {
                endUnit();
                if (phase != null) {
                    phase.end();
                }
                phaseName = name;
                phase = child(Telemetry.SPAN_PHASE, run);
                phase.setAttribute(Telemetry.PHASE, name);
            }
            long c = schedule.cycleLength();
            boolean cycles = !name.equals("sgd") && c >= stepsPerEpoch;
            if (unit == null) {
                unitIsCycle = cycles;
                unit = child(unitIsCycle ? Telemetry.SPAN_CYCLE : Telemetry.SPAN_EPOCH, phase);
                unitFirst = i;
                unitLossSum = 0;
                unitSteps = 0;
                unitMaxRate = Double.NEGATIVE_INFINITY;
                unitMinRate = Double.POSITIVE_INFINITY;
                if (!name.equals("sgd") && c > 0) {
                    unit.setAttribute(Telemetry.CYCLE_INDEX, (i - schedule.swaStart() + c - 1) / c);
                }
                unit.setAttribute(Telemetry.EPOCH_INDEX, (i - 1) / stepsPerEpoch + 1);
            }
            double rate = schedule.rate(i);
            unitMaxRate = Math.max(unitMaxRate, rate);
            unitMinRate = Math.min(unitMinRate, rate);
            unitLast = i;
            double loss = stats == null ? Double.NaN : stats.lastLoss();
            if (Double.isFinite(loss)) {
                unitLossSum += loss;
                unitSteps++;
            }
            instruments.learningRate.set(rate, metricAttributes);
            instruments.steps.add(1, metricAttributes);
            if (unitIsCycle && schedule.isCycleEnd(i)) {
                endUnit();
            }
        });
    }

    private void endUnit() {
        if (unit != null) {
            unit.setAttribute(Telemetry.FIRST_ITERATION, unitFirst);
            unit.setAttribute(Telemetry.LAST_ITERATION, unitLast);
            unit.setAttribute(Telemetry.ALPHA1, unitMaxRate);
            unit.setAttribute(Telemetry.ALPHA2, unitMinRate);
            if (unitSteps > 0) {
                unit.setAttribute(Telemetry.MEAN_LOSS, unitLossSum / unitSteps);
            }
            unit.end();
            unit = null;
        }
    }

    @Override
    public void onEpoch(Trainer trainer) {
        Telemetry.safely(() -> {
            if (stats != null) {
                if (Double.isFinite(stats.lastEpochLoss())) {
                    instruments.epochLoss.set(stats.lastEpochLoss(), metricAttributes);
                }
                if (Double.isFinite(stats.lastEpochAccuracy())) {
                    instruments.epochAccuracy.set(stats.lastEpochAccuracy(), metricAttributes);
                }
                if (Double.isFinite(stats.lastEpochSeconds())) {
                    instruments.epochDuration.record(stats.lastEpochSeconds(), metricAttributes);
                }
            }
            if (unit != null && !unitIsCycle) {
                endUnit();
            }
        });
    }

    /**
     * Records a weight collection (an SWA average update, an FGE snapshot, …) as a short span
     * under the current cycle or epoch, named and attributed as the collector says, and counts it.
     * @param collection What was collected.
     */
    @Override
    public void collected(CollectionEvent collection) {
        Telemetry.safely(() -> {
            Span parent = unit != null ? unit : (phase != null ? phase : run);
            if (parent == null) {
                return;
            }
            Span s = child(collection.name(), parent);
            s.setAttribute(Telemetry.ITERATION, collection.step());
            collection.attributes().forEach((k, v) -> {
                String key = k;
                if (v instanceof Long || v instanceof Integer) {
                    s.setAttribute(AttributeKey.longKey(key), ((Number) v).longValue());
                } else if (v instanceof Number) {
                    s.setAttribute(AttributeKey.doubleKey(key), ((Number) v).doubleValue());
                } else {
                    s.setAttribute(AttributeKey.stringKey(key), String.valueOf(v));
                }
            });
            s.end();
            instruments.collections(collection.counter()).add(1, metricAttributes);
        });
    }

    /**
     * Runs the BatchNorm refresh inside its span.
     * @param refresh The refresh; returns the number of layers refreshed.
     * @return What the refresh returned.
     */
    public int batchNormRefresh(IntSupplier refresh) {
        Span[] span = new Span[1];
        Telemetry.safely(() -> span[0] = child(Telemetry.SPAN_BN_REFRESH, run));
        try {
            int layers = refresh.getAsInt();
            Telemetry.safely(() -> {
                span[0].setAttribute(Telemetry.BN_LAYERS, (long) layers);
                span[0].end();
            });
            return layers;
        } catch (RuntimeException e) {
            Telemetry.safely(() -> fail(span[0], e));
            throw e;
        }
    }

    private static void fail(Span span, Throwable error) {
        if (span != null) {
            span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
            span.setAttribute(Telemetry.ERROR_TYPE, error.getClass().getName());
            span.recordException(error);
            span.end();
        }
    }

    /**
     * Ends every open span of a failed run with status ERROR and {@code error.type}.
     * @param error The failure.
     */
    public void fail(Throwable error) {
        Telemetry.safely(() -> {
            if (!ended) {
                ended = true;
                fail(unit, error);
                unit = null;
                fail(phase, error);
                phase = null;
                fail(run, error);
            }
        });
    }

    /**
     * Ends every open span of a finished run (also done by {@code onTrainingEnd}).
     */
    public void end() {
        Telemetry.safely(() -> {
            if (!ended) {
                ended = true;
                endUnit();
                if (phase != null) {
                    phase.end();
                }
                if (run != null) {
                    run.end();
                }
            }
        });
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        end();
    }
}
