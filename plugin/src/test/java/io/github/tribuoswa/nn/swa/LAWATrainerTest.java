package io.github.tribuoswa.nn.swa;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LAWA's model is the uniform average of the k latest copies (captured independently), the ring
 * holds at most k, a killed run resumes bit-identical, XML, refusals.
 */
public class LAWATrainerTest {

    private static LAWATrainer.Builder<Label> lawa(int k, long every, CycleUnit unit, long start, double dropout) {
        return LAWATrainer.builder(new MLPFactory(new int[]{12}, Activation.TANH, dropout, false), new DenseConverter(), new LabelConverter())
                .epochs(6).batchSize(16).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4)).schedule(new ConstantSchedule(0.1))
                .latest(k).every(every, unit).start(start).batchNormMode(BatchNormMode.NONE).seed(3L).device("cpu").intraOpThreads(1);
    }

    private static float[] trainable(DJLModel<?> model) {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block block = model.newNetwork(m);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
            return NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
        }
    }

    @Test
    public void theModelIsTheMeanOfTheLatestKCopies() {
        // 10 steps an epoch, 60 steps; copies every 7 steps after step 4: 11, 18, ..., 60; the 3 latest: 46, 53, 60
        WeightProbe probe = new WeightProbe(k -> k > 4 && (k - 4) % 7 == 0, NetworkWeights.Selection.TRAINABLE, 60);
        LAWATrainer<Label> t = lawa(3, 7, CycleUnit.ITERATIONS, 4, 0).build();
        t.setProgressBar(false);
        t.addObserver(probe);
        DJLModel<Label> model = t.train(SWAFGETrainerTest.DATA);
        assertEquals(List.of(11L, 18L, 25L, 32L, 39L, 46L, 53L, 60L), new ArrayList<>(probe.snapshots.keySet()));
        List<float[]> last = new ArrayList<>();
        for (Map.Entry<Long, float[]> e : probe.snapshots.entrySet()) {
            if (e.getKey() >= 46) {
                last.add(e.getValue());
            }
        }
        float[] got = trainable(model);
        for (int j = 0; j < got.length; j++) {
            double mean = ((double) last.get(0)[j] + last.get(1)[j] + last.get(2)[j]) / 3;
            assertEquals(mean, got[j], 1e-6 * (1 + Math.abs(mean)), "weight " + j);
        }
        // k larger than the copies taken: all of them (copies at the ends of epochs 1..6 with every = 1 epoch)
        WeightProbe all = new WeightProbe(k -> k > 0 && k % 10 == 0, NetworkWeights.Selection.TRAINABLE, 60);
        LAWATrainer<Label> wide = lawa(50, 1, CycleUnit.EPOCHS, 0, 0).build();
        wide.setProgressBar(false);
        wide.addObserver(all);
        float[] w = trainable(wide.train(SWAFGETrainerTest.DATA));
        assertEquals(6, all.snapshots.size());
        double[] mean = all.mean();
        for (int j = 0; j < w.length; j++) {
            assertEquals(mean[j], w[j], 1e-6 * (1 + Math.abs(mean[j])), "weight " + j);
        }
    }

    @Test
    public void aKilledRunResumesBitIdentical(@TempDir Path tmp) {
        byte[] uninterrupted = lawa(3, 4, CycleUnit.ITERATIONS, 0, 0.2).build().train(SWAFGETrainerTest.DATA).weights().getValues()
                .toByteArray();
        for (long crashAt : new long[]{27, 41}) {
            Path dir = tmp.resolve("lawa-" + crashAt);
            LAWATrainer<Label> first = lawa(3, 4, CycleUnit.ITERATIONS, 0, 0.2).checkpointDirectory(dir.toString()).build();
            first.setProgressBar(false);
            first.addObserver(new io.github.tribuoswa.Crash(crashAt));
            assertThrows(IllegalStateException.class, () -> first.train(SWAFGETrainerTest.DATA));
            assertTrue(Files.exists(dir.resolve("run-0.checkpoint")));
            LAWATrainer<Label> again = lawa(3, 4, CycleUnit.ITERATIONS, 0, 0.2).checkpointDirectory(dir.toString()).build();
            again.setProgressBar(false);
            assertArrayEquals(uninterrupted, again.train(SWAFGETrainerTest.DATA).weights().getValues().toByteArray(), "crash at " + crashAt);
        }
    }

    @Test
    public void badValuesAreRefused() {
        PropertyException e = assertThrows(PropertyException.class, () -> lawa(0, 1, CycleUnit.EPOCHS, 0, 0).build());
        assertTrue(e.getMessage().contains("lawaLatest = 0 is out of range"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> lawa(2, 0, CycleUnit.EPOCHS, 0, 0).build());
        assertTrue(e.getMessage().contains("lawaEvery = 0 is out of range"), e.getMessage());
        LAWATrainer<Label> late = lawa(2, 2, CycleUnit.EPOCHS, 5, 0).build();
        late.setProgressBar(false);
        e = assertThrows(PropertyException.class, () -> late.train(SWAFGETrainerTest.DATA));
        assertTrue(e.getMessage().contains("lawaStart = 5 is out of range; allowed: a start with lawaStart + lawaEvery <= the run (EPOCHS: 50 + 20 "
                + "steps against epochs x steps per epoch = 6 x 10 = 60)"), e.getMessage());
    }

    @Test
    public void configuresFromXmlAsADropInForDjlTrainer() throws Exception {
        LAWATrainer<?> t = (LAWATrainer<?>) new ConfigurationManager(Path.of("..", "configs", "djl-lawa.xml").toString()).lookup("trainer");
        assertTrue(t.toString().contains("lawaLatest=3") && t.toString().contains("lawaUnit=EPOCHS"), t.toString());
    }
}
