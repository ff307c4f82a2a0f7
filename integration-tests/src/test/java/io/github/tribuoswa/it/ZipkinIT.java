package io.github.tribuoswa.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.telemetry.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;
import zipkin2.reporter.urlconnection.URLConnectionSender;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A traced SWA run arrives in a real Zipkin server (io.zipkin:zipkin-server, bound to
 * 127.0.0.1), read back over Zipkin's HTTP API; and a backend that is down never fails or
 * stalls training. The server is stopped afterwards whatever happens.
 */
public class ZipkinIT {

    private static Process zipkin;
    private static int port;
    private static Path log;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @BeforeAll
    static void startZipkin() throws Exception {
        Path jar = Path.of(System.getProperty("tribuoswa.zipkin.jar", "integration-tests/target/zipkin/zipkin-server.jar"));
        assertTrue(Files.exists(jar), "zipkin-server exec jar missing at " + jar);
        port = freePort();
        log = Files.createTempFile("zipkin", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        zipkin = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString(),
                "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].port=" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(zipkin.isAlive(), "Zipkin exited: " + Files.readString(log));
            try {
                if (get("/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Zipkin did not start within 120 s: " + Files.readString(log));
    }

    @AfterAll
    static void stopZipkin() throws Exception {
        if (zipkin != null) {
            zipkin.destroy();
            if (!zipkin.waitFor(20, TimeUnit.SECONDS)) {
                zipkin.destroyForcibly().waitFor();
            }
        }
    }

    private static SWATrainer<Label> trainer() {
        return new SWATrainer<>(new MLPFactory(new int[]{64}, Activation.RELU, 0, true), new ImageConverter(1, 28, 28), new LabelConverter(),
                4, 128, new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4), new ConstantSchedule(0.05), 2, 0.02, 0.005, 1, CycleUnit.EPOCHS,
                Averaging.EQUAL, 0.9, true, BatchNormMode.REFRESH, "", 5L, "cpu", 2, false);
    }

    private static MutableDataset<Label> data() throws IOException {
        return FashionMnist.load(FashionMnist.resolve(FashionMnist.EMBEDDED), FashionMnist.Split.TRAIN);
    }

    @Test
    public void tracedSwaRunArrivesInZipkin() throws Exception {
        InMemorySpanExporter memory = InMemorySpanExporter.create();
        ZipkinSpanExporter exporter = ZipkinSpanExporter.builder()
                .setSender(URLConnectionSender.create("http://127.0.0.1:" + port + "/api/v2/spans")).build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "tribuo-swa-it"))))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .addSpanProcessor(SimpleSpanProcessor.create(memory)).build()).build();
        SWATrainer<Label> trainer = trainer();
        trainer.setOpenTelemetry(sdk);
        trainer.train(data());
        sdk.getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
        String traceId = memory.getFinishedSpanItems().get(0).getTraceId();
        int expected = memory.getFinishedSpanItems().size();
        sdk.close();

        JsonArray spans = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/api/v2/trace/" + traceId);
            if (r.statusCode() == 200) {
                spans = JsonParser.parseString(r.body()).getAsJsonArray();
                if (spans.size() >= expected) {
                    break;
                }
            }
            Thread.sleep(500);
        }
        assertTrue(spans != null && spans.size() == expected, "Zipkin holds " + (spans == null ? 0 : spans.size()) + " of " + expected + " spans");
        List<JsonObject> runs = named(spans, Telemetry.SPAN_RUN);
        assertEquals(1, runs.size());
        JsonObject runTags = runs.get(0).getAsJsonObject("tags");
        assertEquals("swa", runTags.get("tribuoswa.method").getAsString());
        assertEquals("6000", runTags.get("tribuoswa.dataset.size").getAsString());
        assertEquals("2", runTags.get("tribuoswa.param.phaseStart").getAsString());
        assertEquals(Telemetry.SCOPE, runTags.get("otel.scope.name").getAsString());
        // SWA phase from epoch 2 of 4 with one-epoch cycles: 2 cycle spans, averages at w-hat and 2 cycle ends
        List<JsonObject> cycles = named(spans, Telemetry.SPAN_CYCLE);
        assertEquals(2, cycles.size());
        List<String> indices = new ArrayList<>();
        cycles.forEach(c -> indices.add(c.getAsJsonObject("tags").get("tribuoswa.cycle.index").getAsString()));
        assertTrue(indices.containsAll(List.of("1", "2")), indices.toString());
        for (JsonObject c : cycles) {
            assertTrue(c.getAsJsonObject("tags").has("tribuoswa.loss.mean") && c.getAsJsonObject("tags").has("tribuoswa.alpha2"), c.toString());
        }
        List<JsonObject> averages = named(spans, Telemetry.SPAN_AVERAGE);
        assertEquals(3, averages.size());
        List<String> models = new ArrayList<>();
        averages.forEach(a -> models.add(a.getAsJsonObject("tags").get("tribuoswa.models_averaged").getAsString()));
        assertTrue(models.containsAll(List.of("1", "2", "3")), models.toString());
        List<JsonObject> bn = named(spans, Telemetry.SPAN_BN_REFRESH);
        assertEquals(1, bn.size());
        assertEquals("1", bn.get(0).getAsJsonObject("tags").get("tribuoswa.batchnorm.layers").getAsString());
        assertEquals(runs.get(0).get("id").getAsString(), bn.get(0).get("parentId").getAsString());
    }

    private static List<JsonObject> named(JsonArray spans, String name) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : spans) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                out.add(e.getAsJsonObject());
            }
        }
        return out;
    }

    @Test
    public void backendDownNeverFailsOrStallsTraining() throws Exception {
        MutableDataset<Label> train = data();
        long start = System.nanoTime();
        DJLModel<Label> untraced = trainer().train(train);
        double plainSeconds = (System.nanoTime() - start) / 1e9;

        int closed = freePort(); // nothing listens there
        SpanExporter zipkinExporter = ZipkinSpanExporter.builder()
                .setSender(URLConnectionSender.create("http://127.0.0.1:" + closed + "/api/v2/spans")).build();
        Set<Thread> exporting = ConcurrentHashMap.newKeySet();
        SpanExporter watched = new SpanExporter() { // records which threads the (failing) exports run on
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                exporting.add(Thread.currentThread());
                return zipkinExporter.export(spans);
            }

            @Override
            public CompletableResultCode flush() {
                return zipkinExporter.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return zipkinExporter.shutdown();
            }
        };
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(BatchSpanProcessor.builder(watched).build()).build()).build();
        SWATrainer<Label> traced = trainer();
        traced.setOpenTelemetry(sdk);
        start = System.nanoTime();
        DJLModel<Label> model = traced.train(train);
        double tracedSeconds = (System.nanoTime() - start) / 1e9;
        sdk.close();
        assertArrayEquals(untraced.weights().getValues().toByteArray(), model.weights().getValues().toByteArray());
        System.out.printf("backend down: training took %.1f s traced vs %.1f s untraced%n", tracedSeconds, plainSeconds);
        // The structural promise, independent of the machine's load: the spans reached the exporter, and no export (a network
        // call that fails here, or hangs against a backend that accepts and never answers) ran on the training thread.
        assertFalse(exporting.isEmpty(), "the exporter was never called");
        assertFalse(exporting.contains(Thread.currentThread()), "an export ran on the training thread: " + exporting);
        // A backstop against a stall of another kind; loose, since a loaded machine (other JVMs on the 2 cores) slows either run
        assertTrue(tracedSeconds < 4 * plainSeconds + 30, "training stalled: " + tracedSeconds + " s vs " + plainSeconds + " s");
    }
}
