package io.github.tribuoswa.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleGauge;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plugin's metric instruments, declared once for every kind of run (DJL networks and
 * Tribuo's SGD models): the learning-rate gauge, the step counter, the epoch loss, accuracy
 * and duration, and a counter per kind of weight collection ({@code averages},
 * {@code snapshots}, or any other method's). Names start with {@value Telemetry#PREFIX}.
 */
public final class Instruments {

    private static final Map<String, String[]> KNOWN_COUNTERS = Map.of(
            Telemetry.METRIC_AVERAGES, new String[]{"SWA average updates", "{update}"},
            Telemetry.METRIC_SNAPSHOTS, new String[]{"FGE snapshots", "{snapshot}"});

    private final Meter meter;
    private final Map<String, LongCounter> counters = new ConcurrentHashMap<>();

    /** Learning rate of the current step. */
    public final DoubleGauge learningRate;
    /** Optimiser steps. */
    public final LongCounter steps;
    /** Mean training loss of the last epoch. */
    public final DoubleGauge epochLoss;
    /** Training accuracy of the last epoch. */
    public final DoubleGauge epochAccuracy;
    /** Wall time of an epoch. */
    public final DoubleHistogram epochDuration;

    /**
     * The instruments of an OpenTelemetry instance's meter for the plugin's scope.
     * @param otel The instance.
     */
    public Instruments(OpenTelemetry otel) {
        this.meter = Telemetry.meter(otel);
        this.learningRate = meter.gaugeBuilder(Telemetry.PREFIX + "learning_rate").setDescription("Learning rate of the current step").build();
        this.steps = meter.counterBuilder(Telemetry.PREFIX + "steps").setDescription("Optimiser steps").setUnit("{step}").build();
        this.epochLoss = meter.gaugeBuilder(Telemetry.PREFIX + "epoch.loss").setDescription("Mean training loss of the last epoch").build();
        this.epochAccuracy = meter.gaugeBuilder(Telemetry.PREFIX + "epoch.accuracy").setDescription("Training accuracy of the last epoch").build();
        this.epochDuration = meter.histogramBuilder(Telemetry.PREFIX + "epoch.duration").setDescription("Wall time of an epoch").setUnit("s").build();
    }

    /**
     * The counter of a kind of weight collection.
     * @param name The counter's name ({@link Telemetry#METRIC_AVERAGES},
     *             {@link Telemetry#METRIC_SNAPSHOTS}, or another with the prefix).
     * @return The counter.
     */
    public LongCounter collections(String name) {
        return counters.computeIfAbsent(name, n -> {
            String[] known = KNOWN_COUNTERS.getOrDefault(n, new String[]{"Weight collections: " + n, "{collection}"});
            return meter.counterBuilder(n).setDescription(known[0]).setUnit(known[1]).build();
        });
    }
}
