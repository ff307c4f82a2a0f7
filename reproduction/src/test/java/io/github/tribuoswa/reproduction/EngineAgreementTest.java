package io.github.tribuoswa.reproduction;

import io.github.tribuoswa.nn.core.TrainingLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's side of the engine check on the embedded subset: what it writes for the PyTorch
 * side (weights, batches, losses) is complete and consistent, and the report refuses a check
 * whose PyTorch side has not run.
 */
public class EngineAgreementTest {

    private static float[] floats(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(out);
        return out;
    }

    @Test
    public void writesTheWeightsBatchesAndLossesOfTheRun(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("check");
        int epochs = 2;
        EngineAgreement.main(new String[]{"--out", out.toString(), "--data", "embedded", "--network", "cnn", "--epochs", "" + epochs,
            "--validation", "500", "--threads", "1"});
        List<String> parameters = Files.readAllLines(out.resolve("parameters.tsv"), StandardCharsets.UTF_8);
        int values = parameters.stream().mapToInt(l -> Integer.parseInt(l.split("\t")[2])).sum();
        float[] initial = floats(out.resolve("initial.f32"));
        float[] afterFirst = floats(out.resolve("after-step-1.f32"));
        float[] last = floats(out.resolve("final.f32"));
        assertEquals(values, initial.length);
        assertEquals(values, afterFirst.length);
        assertEquals(values, last.length);
        // the first convolution's weights are still PyTorch's U(+-1/sqrt(fan_in)) draw, fan_in = 1 x 3 x 3, before the first step
        assertTrue(parameters.get(0).startsWith("01Conv2d_weight\t(32, 1, 3, 3)\t288"), parameters.get(0));
        for (int i = 0; i < 288; i++) {
            assertTrue(Math.abs(initial[i]) <= 1 / 3.0, "weight " + i + " = " + initial[i]);
        }
        assertFalse(Arrays.equals(Arrays.copyOf(initial, 288), Arrays.copyOf(afterFirst, 288)), "the first step moved the weights");
        assertFalse(Arrays.equals(afterFirst, last));

        int n = 5500; // the embedded training images, less the 500 held out
        int steps = TrainingLoop.stepsPerEpoch(n, 128);
        ByteBuffer rows = ByteBuffer.wrap(Files.readAllBytes(out.resolve("batches.i32"))).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(epochs * n * Integer.BYTES, rows.remaining());
        int[][] orders = new int[epochs][n];
        for (int e = 0; e < epochs; e++) {
            rows.asIntBuffer().position(e * n).get(orders[e]);
            int[] sorted = orders[e].clone();
            Arrays.sort(sorted);
            assertArrayEquals(IntStream.range(0, n).toArray(), sorted, "epoch " + e + " holds every training row once");
            assertFalse(Arrays.equals(sorted, orders[e]), "shuffled");
        }
        assertFalse(Arrays.equals(orders[0], orders[1]), "a shuffle per epoch");
        List<String> stepRows = Files.readAllLines(out.resolve("steps-djl.csv"), StandardCharsets.UTF_8);
        assertEquals(EngineAgreement.STEPS_HEADER, stepRows.get(0));
        assertEquals(epochs * steps, stepRows.size() - 1);
        for (int k = 1; k < stepRows.size(); k++) {
            String[] f = stepRows.get(k).split(",");
            assertEquals(k, Integer.parseInt(f[0]));
            assertEquals(TrainingLoop.batchRows((k - 1) % steps, n, 128), Integer.parseInt(f[1]));
            assertTrue(Double.parseDouble(f[2]) > 0 && Double.isFinite(Double.parseDouble(f[2])), stepRows.get(k));
        }
        // the mean cross-entropy of 10 classes from small random weights starts near ln 10
        assertEquals(Math.log(10), Double.parseDouble(stepRows.get(1).split(",")[2]), 0.3);
        List<String> epochRows = Files.readAllLines(out.resolve("epochs-djl.csv"), StandardCharsets.UTF_8);
        assertEquals(EngineAgreement.EPOCHS_HEADER, epochRows.get(0));
        assertEquals(epochs, epochRows.size() - 1);
        assertTrue(Double.parseDouble(epochRows.get(epochs).split(",")[1]) > 0.7, epochRows.get(epochs));
        List<String> run = Files.readAllLines(out.resolve("run.tsv"), StandardCharsets.UTF_8);
        assertTrue(run.contains("epochs\t" + epochs) && run.contains("validation\t500") && run.stream().anyMatch(l ->
                l.startsWith("train-images-idx3-ubyte.gz\t") && l.length() == "train-images-idx3-ubyte.gz\t".length() + 64), run.toString());

        // without the PyTorch side the report says what is missing
        Files.writeString(out.resolve("checks-pytorch.tsv"), "torch\t0\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineAgreementReport.report(List.of(out),
                tmp.resolve("figure"), "test", null));
        assertTrue(e.getMessage().contains("steps-pytorch.csv"), e.getMessage());
    }
}
