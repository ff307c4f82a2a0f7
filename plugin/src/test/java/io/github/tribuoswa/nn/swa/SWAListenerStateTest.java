package io.github.tribuoswa.nn.swa;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.averaging.EqualAverage;
import io.github.tribuoswa.nn.core.DeviceAverage;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.Stateful.StateContext;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.util.ArrayStreams;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SWA listener's checkpoint state: version 2 (the device state G exactly) round trips bit
 * for bit in both precisions, version 1 (the first wave's double-precision host average) is still
 * read, and a state kept in another precision is refused.
 */
public class SWAListenerStateTest {

    private static SWAListener listener(DeviceAverage.Precision precision) {
        return new SWAListener(new ConstantSchedule(0.1), true, Averaging.EQUAL, 0.9, false, precision);
    }

    @Test
    public void statesRoundTripAndTheFirstWavesStateIsRead() throws Exception {
        Engines.setIntraOpThreads(1);
        try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
            Block block = new MLPFactory(new int[]{6}, Activation.RELU, 0, false).build(new Shape(4), 3);
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 4));
            int size = NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE);
            Random rng = new Random(4);
            for (DeviceAverage.Precision precision : DeviceAverage.Precision.values()) {
                SWAListener swa = listener(precision);
                EqualAverage reference = new EqualAverage(size);
                for (int k = 0; k < 5; k++) {   // five averaging points (collect is what the listener calls at each)
                    float[] w = new float[size];
                    for (int j = 0; j < size; j++) {
                        w[j] = (float) rng.nextGaussian();
                    }
                    NetworkWeights.write(block, NetworkWeights.Selection.TRAINABLE, w);
                    swa.collect(k, block);
                    reference.update(w);
                }
                StateContext run = new StateContext(block, swa.stepsDone());
                byte[] v2 = swa.saveState(run);
                SWAListener back = listener(precision);
                back.restoreState(2, v2, run);
                assertEquals(5, back.averagedModels());
                assertArrayEquals(swa.average().average(), back.average().average(), 0.0, precision + ": v2 is exact");

                // the first wave's state: next step, n_models, the average in double precision
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (DataOutputStream out = new DataOutputStream(bytes)) {
                    out.writeLong(swa.stepsDone());
                    out.writeLong(5);
                    ArrayStreams.writeDoubles(out, reference.average());
                }
                SWAListener old = listener(precision);
                old.restoreState(1, bytes.toByteArray(), run);
                double[] got = old.average().average();
                double[] expected = reference.average();
                for (int j = 0; j < size; j++) {
                    assertEquals(expected[j], got[j], 1e-6 * (1 + Math.abs(expected[j])), precision + " v1 at " + j);
                }

                SWAListener other = listener(precision == DeviceAverage.Precision.FLOAT32 ? DeviceAverage.Precision.FLOAT64
                        : DeviceAverage.Precision.FLOAT32);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.restoreState(2, v2, run));
                assertTrue(e.getCause() != null && e.getCause().getMessage().contains(precision.toString()), String.valueOf(e.getCause()));
                assertThrows(IllegalStateException.class, () -> other.restoreState(3, v2, run));
            }
        }
    }

    @Test
    public void nonFiniteWeightsAreNeverCollected() {
        Engines.setIntraOpThreads(1);
        try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
            Block block = new MLPFactory(new int[]{6}, Activation.RELU, 0, false).build(new Shape(4), 3);
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 4));
            SWAListener swa = listener(DeviceAverage.Precision.FLOAT32);
            FGEListener fge = new FGEListener(new ConstantSchedule(0.1));
            SWAGListener swag = new SWAGListener(new ConstantSchedule(0.1), true, 3, DeviceAverage.Precision.FLOAT32);
            swa.collect(0, block);
            fge.collect(0, block);
            swag.collect(0, block);
            float[] w = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
            w[w.length - 1] = Float.NaN;
            NetworkWeights.write(block, NetworkWeights.Selection.TRAINABLE, w);
            String last = NetworkWeights.parameters(block, NetworkWeights.Selection.TRAINABLE)
                    .get(NetworkWeights.parameters(block, NetworkWeights.Selection.TRAINABLE).size() - 1).getKey();
            for (Runnable collect : new Runnable[]{() -> swa.collect(7, block), () -> fge.collect(7, block), () -> swag.collect(7, block)}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, collect::run);
                assertTrue(e.getMessage().contains("after iteration 7") && e.getMessage().contains(last) && e.getMessage().contains("diverged"),
                        e.getMessage());
            }
            assertEquals(1, swa.collections());
            assertEquals(1, fge.collections());
            assertEquals(1, swag.collections());
            for (double v : swa.average().average()) {
                assertTrue(Double.isFinite(v), "nothing non-finite reached the average");
            }
        }
    }
}
