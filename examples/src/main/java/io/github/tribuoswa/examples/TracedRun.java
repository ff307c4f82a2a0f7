package io.github.tribuoswa.examples;

import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.schedule.BaselineSchedule;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.math.optimisers.SGD;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A traced SWA run, configured only by the standard OpenTelemetry environment variables: the
 * OpenTelemetry SDK's autoconfiguration reads {@code OTEL_SERVICE_NAME},
 * {@code OTEL_TRACES_EXPORTER} ({@code zipkin} or {@code otlp}),
 * {@code OTEL_EXPORTER_ZIPKIN_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf} and the rest, and installs itself as the
 * global instance, which the trainer takes when it is given none. Trains the BatchNorm CNN with
 * SWA on the embedded Fashion-MNIST subset and prints the trace id.
 * <p>
 * {@code scripts/telemetry/traced-run.sh} runs it against a local Zipkin.
 */
public final class TracedRun {

    private TracedRun() {}

    /**
     * Runs the example.
     * @param args Ignored.
     * @throws Exception if the data cannot be read.
     */
    public static void main(String[] args) throws Exception {
        AtomicReference<String> traceId = new AtomicReference<>();
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addTracerProviderCustomizer((builder, config) -> builder.addSpanProcessor(new SpanProcessor() {
                    @Override
                    public void onStart(io.opentelemetry.context.Context parent, io.opentelemetry.sdk.trace.ReadWriteSpan span) {
                        traceId.compareAndSet(null, span.getSpanContext().getTraceId());
                    }

                    @Override
                    public boolean isStartRequired() {
                        return true;
                    }

                    @Override
                    public void onEnd(ReadableSpan span) {
                    }

                    @Override
                    public boolean isEndRequired() {
                        return false;
                    }
                }))
                .setResultAsGlobal().build().getOpenTelemetrySdk();
        try {
            MutableDataset<Label> train = FashionMnist.load(FashionMnist.resolve(FashionMnist.EMBEDDED), FashionMnist.Split.TRAIN);
            MutableDataset<Label> test = FashionMnist.load(FashionMnist.resolve(FashionMnist.EMBEDDED), FashionMnist.Split.TEST);
            int stepsPerEpoch = (train.size() + 127) / 128;
            SWATrainer<Label> trainer = new SWATrainer<>(TrainNetwork.network("cnn"), new ImageConverter(1, 28, 28), new LabelConverter(),
                    6, 128, new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4), new BaselineSchedule(0.05, 3L * stepsPerEpoch, 0.2),
                    3, 0.02, 0.005, 1, CycleUnit.EPOCHS, Averaging.EQUAL, 0.9, true, BatchNormMode.REFRESH, "", 1L, "auto", 2, false);
            try (DJLModel<Label> model = trainer.train(train)) {
                System.out.printf(Locale.ROOT, "SWA CNN test accuracy %.4f%n", new LabelEvaluator().evaluate(model, test).accuracy());
            }
        } finally {
            sdk.close(); // flushes the exporters
        }
        System.out.println("trace id " + traceId.get());
    }
}
