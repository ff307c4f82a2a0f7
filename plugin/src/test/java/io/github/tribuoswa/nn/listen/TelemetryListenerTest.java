package io.github.tribuoswa.nn.listen;

import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.FGETrainer;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.telemetry.GlobalTelemetry;
import io.github.tribuoswa.telemetry.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The span tree and metrics of traced runs, read back from the OpenTelemetry SDK's in-memory
 * exporters.
 */
public class TelemetryListenerTest {

    // 150 examples, batch 16: 10 steps an epoch; 6 epochs; SWA from epoch 2 (step 20)
    static final MutableDataset<Label> DATA = SyntheticData.classification(150, 11);

    static final class Sdk {
        final InMemorySpanExporter spans = InMemorySpanExporter.create();
        final InMemoryMetricReader metrics = InMemoryMetricReader.create();
        final OpenTelemetrySdk otel;

        Sdk(SpanExporter exporter) {
            otel = OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter == null ? spans : exporter)).build())
                    .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
        }

        List<SpanData> named(String name) {
            return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
        }
    }

    static SWATrainer<Label> swa(int cycle, CycleUnit unit, double rate) {
        return new SWATrainer<>(new MLPFactory(new int[]{12}, Activation.RELU, 0, true), new DenseConverter(), new LabelConverter(), 6, 16,
                new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4), new ConstantSchedule(0.05), 2, rate, rate / 5, cycle, unit,
                Averaging.EQUAL, 0.9, true, BatchNormMode.REFRESH, "", 3L, "cpu", 1, false);
    }

    private static MetricData metric(Collection<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no metric " + name));
    }

    @Test
    public void swaRunWithCyclesOfAnEpoch() {
        Sdk sdk = new Sdk(null);
        SWATrainer<Label> trainer = swa(1, CycleUnit.EPOCHS, 0.05);
        trainer.setOpenTelemetry(sdk.otel);
        trainer.train(DATA);

        List<SpanData> runs = sdk.named(Telemetry.SPAN_RUN);
        assertEquals(1, runs.size());
        SpanData run = runs.get(0);
        assertEquals("swa", run.getAttributes().get(Telemetry.METHOD));
        assertEquals(150L, run.getAttributes().get(Telemetry.DATASET_SIZE));
        assertEquals("2", run.getAttributes().get(AttributeKey.stringKey("tribuoswa.param.phaseStart")));
        assertEquals("cpu()", run.getAttributes().get(Telemetry.DEVICE));
        assertEquals(Telemetry.SCOPE, run.getInstrumentationScopeInfo().getName());

        List<SpanData> phases = sdk.named(Telemetry.SPAN_PHASE);
        assertEquals(List.of("sgd", "swa"), phases.stream().map(p -> p.getAttributes().get(Telemetry.PHASE)).collect(Collectors.toList()));
        phases.forEach(p -> assertEquals(run.getSpanId(), p.getParentSpanId()));

        // the SGD phase has no cycles: 2 epoch spans; the SWA phase: 4 cycles of 10 steps
        assertEquals(2, sdk.named(Telemetry.SPAN_EPOCH).size());
        List<SpanData> cycles = sdk.named(Telemetry.SPAN_CYCLE);
        assertEquals(4, cycles.size());
        for (int i = 0; i < 4; i++) {
            SpanData c = cycles.get(i);
            assertEquals(phases.get(1).getSpanId(), c.getParentSpanId());
            assertEquals(i + 1L, c.getAttributes().get(Telemetry.CYCLE_INDEX));
            assertEquals(21L + 10 * i, c.getAttributes().get(Telemetry.FIRST_ITERATION));
            assertEquals(30L + 10 * i, c.getAttributes().get(Telemetry.LAST_ITERATION));
            assertEquals(0.01, c.getAttributes().get(Telemetry.ALPHA2), 1e-12);
            assertEquals(0.9 * 0.05 + 0.1 * 0.01, c.getAttributes().get(Telemetry.ALPHA1), 1e-12);
            assertTrue(c.getAttributes().get(Telemetry.MEAN_LOSS) > 0);
        }
        // averages: w-hat (step 20) and the 4 cycle ends
        List<SpanData> averages = sdk.named(Telemetry.SPAN_AVERAGE);
        assertEquals(List.of(20L, 30L, 40L, 50L, 60L), averages.stream().map(a -> a.getAttributes().get(Telemetry.ITERATION)).collect(Collectors.toList()));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), averages.stream().map(a -> a.getAttributes().get(Telemetry.MODELS_AVERAGED)).collect(Collectors.toList()));
        List<SpanData> bn = sdk.named(Telemetry.SPAN_BN_REFRESH);
        assertEquals(1, bn.size());
        assertEquals(1L, bn.get(0).getAttributes().get(Telemetry.BN_LAYERS));
        assertEquals(run.getSpanId(), bn.get(0).getParentSpanId());
        sdk.spans.getFinishedSpanItems().forEach(s -> assertEquals(StatusCode.UNSET, s.getStatus().getStatusCode(), s.getName()));

        Collection<MetricData> metrics = sdk.metrics.collectAllMetrics();
        assertEquals(60L, metric(metrics, "tribuoswa.steps").getLongSumData().getPoints().iterator().next().getValue());
        assertEquals(5L, metric(metrics, "tribuoswa.averages").getLongSumData().getPoints().iterator().next().getValue());
        assertEquals(0.01, metric(metrics, "tribuoswa.learning_rate").getDoubleGaugeData().getPoints().iterator().next().getValue(), 1e-7);
        assertEquals(6L, metric(metrics, "tribuoswa.epoch.duration").getHistogramData().getPoints().iterator().next().getCount());
        double accuracy = metric(metrics, "tribuoswa.epoch.accuracy").getDoubleGaugeData().getPoints().iterator().next().getValue();
        assertTrue(accuracy > 0.5 && accuracy <= 1, "accuracy " + accuracy);
        metric(metrics, "tribuoswa.epoch.loss");
    }

    @Test
    public void cyclesShorterThanAnEpochAreReportedPerEpoch() {
        Sdk sdk = new Sdk(null);
        SWATrainer<Label> trainer = swa(5, CycleUnit.ITERATIONS, 0.05);
        trainer.setOpenTelemetry(sdk.otel);
        trainer.train(DATA);
        assertEquals(0, sdk.named(Telemetry.SPAN_CYCLE).size());
        List<SpanData> epochs = sdk.named(Telemetry.SPAN_EPOCH);
        assertEquals(6, epochs.size());
        // SWA-phase epochs carry the index of the cycle they start in: steps 21, 31, 41, 51 -> cycles 1, 3, 5, 7
        assertEquals(List.of(1L, 3L, 5L, 7L), epochs.subList(2, 6).stream().map(e -> e.getAttributes().get(Telemetry.CYCLE_INDEX)).collect(Collectors.toList()));
        assertEquals(9, sdk.named(Telemetry.SPAN_AVERAGE).size()); // 20, 25, ..., 60
    }

    @Test
    public void fgeSnapshotsAreSpans() {
        Sdk sdk = new Sdk(null);
        FGETrainer<Label> trainer = new FGETrainer<>(new MLPFactory(new int[]{12}, Activation.RELU, 0, false), new DenseConverter(),
                new LabelConverter(), 6, 16, new SGDFactory(), new ConstantSchedule(0.05), 2, 0.05, 0.005, 8, CycleUnit.ITERATIONS, "", 3L, "cpu", 1);
        trainer.setOpenTelemetry(sdk.otel);
        trainer.train(DATA);
        List<SpanData> snaps = sdk.named(Telemetry.SPAN_SNAPSHOT);
        assertEquals(List.of(24L, 32L, 40L, 48L, 56L), snaps.stream().map(s -> s.getAttributes().get(Telemetry.ITERATION)).collect(Collectors.toList()));
        assertEquals(0.005, snaps.get(0).getAttributes().get(Telemetry.LEARNING_RATE), 1e-12);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), snaps.stream().map(s -> s.getAttributes().get(Telemetry.SNAPSHOT_INDEX)).collect(Collectors.toList()));
        assertEquals(5L, metric(sdk.metrics.collectAllMetrics(), "tribuoswa.snapshots").getLongSumData().getPoints().iterator().next().getValue());
    }

    @Test
    public void failedRunEndsItsSpansWithError() {
        Sdk sdk = new Sdk(null);
        SWATrainer<Label> exploding = swa(1, CycleUnit.EPOCHS, 1e6);
        exploding.setOpenTelemetry(sdk.otel);
        assertThrows(IllegalStateException.class, () -> exploding.train(DATA));
        SpanData run = sdk.named(Telemetry.SPAN_RUN).get(0);
        assertEquals(StatusCode.ERROR, run.getStatus().getStatusCode());
        assertEquals(IllegalStateException.class.getName(), run.getAttributes().get(Telemetry.ERROR_TYPE));
        SpanData swaPhase = sdk.named(Telemetry.SPAN_PHASE).get(1);
        assertEquals(StatusCode.ERROR, swaPhase.getStatus().getStatusCode());
    }

    @Test
    public void tribuoSgdModelsWithSwaAreTraced() {
        Sdk sdk = new Sdk(null);
        io.github.tribuoswa.sgd.SWAOptimiser swa = new io.github.tribuoswa.sgd.SWAOptimiser(SGD.getSimpleSGD(1.0),
                new io.github.tribuoswa.schedule.SWASchedule(0.1, 300, new io.github.tribuoswa.schedule.CyclicSchedule(0.05, 0.005, 25)));
        swa.setOpenTelemetry(sdk.otel);
        new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new org.tribuo.classification.sgd.objectives.LogMulticlass(), swa, 4, -1, 1, 7L)
                .train(DATA);
        SpanData run = sdk.named(Telemetry.SPAN_RUN).get(0);
        assertEquals(600L, run.getAttributes().get(Telemetry.TOTAL_STEPS));
        List<SpanData> averages = sdk.named(Telemetry.SPAN_AVERAGE);
        assertEquals(13, averages.size()); // w-hat (step 300) and 12 cycle ends
        averages.forEach(a -> assertEquals(run.getSpanId(), a.getParentSpanId()));
        Collection<MetricData> metrics = sdk.metrics.collectAllMetrics();
        assertEquals(600L, metric(metrics, "tribuoswa.steps").getLongSumData().getPoints().iterator().next().getValue());
        assertEquals(0.005, metric(metrics, "tribuoswa.learning_rate").getDoubleGaugeData().getPoints().iterator().next().getValue(), 1e-12);
    }

    @Test
    public void tribuoSgdModelsWithLawaAndScheduleFreeAreTracedUnderTheirMethods() {
        Sdk sdk = new Sdk(null);
        io.github.tribuoswa.sgd.SWAOptimiser lawa = io.github.tribuoswa.sgd.SWAOptimiser.lawa(SGD.getSimpleSGD(1.0),
                new io.github.tribuoswa.schedule.ConstantSchedule(0.1), 5, 40);
        lawa.setOpenTelemetry(sdk.otel);
        new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new org.tribuo.classification.sgd.objectives.LogMulticlass(), lawa, 4, -1, 1, 7L)
                .train(DATA);
        io.github.tribuoswa.sgd.ScheduleFreeOptimiser free = new io.github.tribuoswa.sgd.ScheduleFreeOptimiser(
                new io.github.tribuoswa.schedule.ConstantSchedule(0.02), 0.9, 0);
        free.setOpenTelemetry(sdk.otel);
        new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new org.tribuo.classification.sgd.objectives.LogMulticlass(), free, 2, -1, 1, 7L)
                .train(DATA);
        List<SpanData> runs = sdk.named(Telemetry.SPAN_RUN);
        assertEquals(List.of("lawa", "schedulefree"), runs.stream().map(r -> r.getAttributes().get(Telemetry.METHOD)).collect(Collectors.toList()));
        assertEquals(List.of("SWAOptimiser", "ScheduleFreeOptimiser"),
                runs.stream().map(r -> r.getAttributes().get(Telemetry.TRAINER)).collect(Collectors.toList()));
        long steps = DATA.size();
        assertEquals(List.of(4 * steps, 2 * steps), runs.stream().map(r -> r.getAttributes().get(Telemetry.TOTAL_STEPS)).collect(Collectors.toList()));
        List<SpanData> averages = sdk.named(Telemetry.SPAN_AVERAGE);
        assertEquals(4 * steps / 40, averages.size(), "a span per LAWA copy, none for schedule-free");
        averages.forEach(a -> assertEquals(runs.get(0).getSpanId(), a.getParentSpanId()));
        assertEquals(5L, averages.get(averages.size() - 1).getAttributes().get(Telemetry.MODELS_AVERAGED), "the ring holds k = 5");
        runs.forEach(r -> assertEquals(StatusCode.UNSET, r.getStatus().getStatusCode()));
    }

    @Test
    public void xmlTrainerTakesTheGlobalInstanceThroughItsTelemetryComponent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path xml = tmp.resolve("traced.xml");
        java.nio.file.Files.writeString(xml, String.join("\n",
                "<config>",
                "  <component name=\"trainer\" type=\"io.github.tribuoswa.nn.DJLTrainer\">",
                "    <property name=\"network\" value=\"network\"/>",
                "    <property name=\"featureConverter\" value=\"dense\"/>",
                "    <property name=\"outputConverter\" value=\"labels\"/>",
                "    <property name=\"epochs\" value=\"2\"/>",
                "    <property name=\"batchSize\" value=\"16\"/>",
                "    <property name=\"device\" value=\"cpu\"/>",
                "    <property name=\"telemetry\" value=\"telemetry\"/>",
                "  </component>",
                "  <component name=\"network\" type=\"io.github.tribuoswa.nn.network.MLPFactory\"/>",
                "  <component name=\"dense\" type=\"io.github.tribuoswa.nn.convert.DenseConverter\"/>",
                "  <component name=\"labels\" type=\"io.github.tribuoswa.nn.convert.LabelConverter\"/>",
                "  <component name=\"telemetry\" type=\"io.github.tribuoswa.telemetry.GlobalTelemetry\"/>",
                "</config>"));
        Sdk sdk = new Sdk(null);
        io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
        io.opentelemetry.api.GlobalOpenTelemetry.set(sdk.otel);
        try {
            @SuppressWarnings("unchecked")
            org.tribuo.Trainer<Label> trainer = (org.tribuo.Trainer<Label>) new com.oracle.labs.mlrg.olcut.config.ConfigurationManager(xml.toString()).lookup("trainer");
            trainer.train(DATA);
        } finally {
            io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
        }
        SpanData run = sdk.named(Telemetry.SPAN_RUN).get(0);
        assertEquals("sgd", run.getAttributes().get(Telemetry.METHOD));
        assertTrue(run.getAttributes().get(AttributeKey.stringKey("tribuoswa.param.telemetry")).contains("io.github.tribuoswa.telemetry.GlobalTelemetry"), run.getAttributes().toString());
        assertEquals(1, sdk.named(Telemetry.SPAN_PHASE).size());
        assertEquals(2, sdk.named(Telemetry.SPAN_EPOCH).size());
    }

    @Test
    public void failingExporterNeverFailsTraining() {
        SpanExporter broken = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                throw new IllegalStateException("exporter down");
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        Sdk sdk = new Sdk(broken);
        SWATrainer<Label> traced = swa(1, CycleUnit.EPOCHS, 0.05);
        traced.setOpenTelemetry(sdk.otel);
        DJLModel<Label> a = traced.train(DATA);
        SWATrainer<Label> plain = swa(1, CycleUnit.EPOCHS, 0.05);
        plain.setOpenTelemetry(io.opentelemetry.api.OpenTelemetry.noop());
        DJLModel<Label> b = plain.train(DATA);
        assertArrayEquals(b.weights().getValues().toByteArray(), a.weights().getValues().toByteArray());
    }
}
