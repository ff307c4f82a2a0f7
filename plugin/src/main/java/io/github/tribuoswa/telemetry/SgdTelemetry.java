package io.github.tribuoswa.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * OpenTelemetry for the averaging optimisers of Tribuo's own SGD models
 * ({@link io.github.tribuoswa.sgd.SWAOptimiser}: methods {@code swa}, {@code ema}, {@code lawa};
 * {@link io.github.tribuoswa.sgd.ScheduleFreeOptimiser}: {@code schedulefree}, the names the
 * network trainers use): the run span, a short span per average update, and the learning-rate
 * gauge, step counter and average counter, with the plugin's {@link Instruments}. Never
 * fails training.
 */
public final class SgdTelemetry {

    private final Tracer tracer;
    private final Attributes metricAttributes;
    private final Instruments instruments;
    private Span run;

    /**
     * Starts the run span.
     * @param otel The instance.
     * @param method The method's name ({@code swa}, {@code ema}, {@code lawa}, {@code schedulefree}).
     * @param trainer The optimiser's class' simple name.
     * @param optimiser The optimiser's description (recorded on the span).
     * @param parameters The number of model parameters.
     */
    public SgdTelemetry(OpenTelemetry otel, String method, String trainer, String optimiser, int parameters) {
        this.tracer = Telemetry.tracer(otel);
        this.instruments = new Instruments(otel);
        this.metricAttributes = Attributes.of(Telemetry.METHOD, method);
        Telemetry.safely(() -> run = tracer.spanBuilder(Telemetry.SPAN_RUN)
                .setAttribute(Telemetry.METHOD, method)
                .setAttribute(Telemetry.TRAINER, trainer)
                .setAttribute(Telemetry.PREFIX + "param.optimiser", optimiser)
                .setAttribute(Telemetry.PREFIX + "parameters", (long) parameters)
                .startSpan());
    }

    /**
     * Records a step's learning rate.
     * @param rate The rate.
     */
    public void step(double rate) {
        Telemetry.safely(() -> {
            instruments.learningRate.set(rate, metricAttributes);
            instruments.steps.add(1, metricAttributes);
        });
    }

    /**
     * Records an average update.
     * @param k The step after which the weights were averaged.
     * @param count Models averaged so far.
     */
    public void averaged(long k, long count) {
        Telemetry.safely(() -> {
            if (run != null) {
                tracer.spanBuilder(Telemetry.SPAN_AVERAGE).setParent(Context.root().with(run))
                        .setAttribute(Telemetry.ITERATION, k).setAttribute(Telemetry.MODELS_AVERAGED, count).startSpan().end();
            }
            instruments.collections(Telemetry.METRIC_AVERAGES).add(1, metricAttributes);
        });
    }

    /**
     * Ends the run span.
     * @param stepsDone The steps run.
     * @param error The failure, or null.
     */
    public void end(long stepsDone, Throwable error) {
        Telemetry.safely(() -> {
            if (run != null) {
                run.setAttribute(Telemetry.TOTAL_STEPS, stepsDone);
                if (error != null) {
                    run.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                    run.setAttribute(Telemetry.ERROR_TYPE, error.getClass().getName());
                    run.recordException(error);
                }
                run.end();
                run = null;
            }
        });
    }
}
