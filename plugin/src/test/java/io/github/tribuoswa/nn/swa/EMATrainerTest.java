package io.github.tribuoswa.nn.swa;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.averaging.AverageRule;
import io.github.tribuoswa.averaging.EmaDecay;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.StepEndListener;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EMA's decay sequences exactly (TensorFlow's and timm's warm-ups), the trained average
 * against one computed from the weights captured at the update steps, resume after a crash,
 * XML, and the refusals.
 */
public class EMATrainerTest {

    @Test
    public void decaySequencesAreTheFormulas() {
        EmaDecay tf = new EmaDecay(0.99, EmaDecay.Warmup.TENSORFLOW, 0, 1, 0.75);
        assertEquals(0.1, tf.at(0), 1e-15);
        assertEquals(2.0 / 11, tf.at(1), 1e-15);
        assertEquals(0.9, tf.at(80), 1e-15);
        assertEquals(0.99, tf.at(10_000), 0.0, "capped at δ");
        EmaDecay timm = new EmaDecay(0.9999, EmaDecay.Warmup.TIMM, 0.1, 1, 0.75);
        assertEquals(0.1, timm.at(0), 0.0, "1 - 1^-p = 0, clamped up to minDecay");
        assertEquals(1 - Math.pow(11, -0.75), timm.at(10), 1e-15);
        assertEquals(1 - Math.pow(1 + 1000 / 1.0, -0.75), timm.at(1000), 1e-15);
        assertEquals(0.9999, timm.at(100_000_000L), 0.0);
        EmaDecay gamma = new EmaDecay(0.9999, EmaDecay.Warmup.TIMM, 0, 4, 2.0 / 3);
        assertEquals(1 - Math.pow(1 + 10 / 4.0, -2.0 / 3), gamma.at(10), 1e-15);
        assertEquals(0.5, EmaDecay.constant(0.5).at(3), 0.0);
        // the rule of updates every 3 steps: the n-th update (n = previous count) uses t = (n + 1) * 3 - 1
        AverageRule r = tf.rule(3);
        assertEquals(1.0, r.incomingWeight(0), 0.0, "the first update copies");
        assertEquals(1 - tf.at(5), r.incomingWeight(1), 1e-15);
        assertEquals(1 - tf.at(8), r.incomingWeight(2), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EmaDecay(1, EmaDecay.Warmup.NONE, 0, 1, 1));
        assertTrue(e.getMessage().startsWith("emaDecay = 1.0 is out of range; allowed: real in [0, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EmaDecay(0.9, EmaDecay.Warmup.TIMM, 0.95, 1, 1));
        assertTrue(e.getMessage().startsWith("emaMinDecay = 0.95 is out of range; allowed: real in [0, emaDecay = 0.9]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EmaDecay(0.9, EmaDecay.Warmup.TIMM, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new EmaDecay(0.9, EmaDecay.Warmup.TIMM, 0, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> tf.rule(0));
    }

    private static EMATrainer.Builder<Label> ema(EmaDecay decay, long start, long every) {
        return EMATrainer.builder(new MLPFactory(new int[]{12}, Activation.TANH, 0, false), new DenseConverter(), new LabelConverter())
                .epochs(6).batchSize(16).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4)).schedule(new ConstantSchedule(0.05))
                .decay(decay).start(start).every(every).batchNormMode(BatchNormMode.NONE).seed(3L).device("cpu").intraOpThreads(1);
    }

    private static float[] trainable(DJLModel<?> model) {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block block = model.newNetwork(m);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
            return NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
        }
    }

    @Test
    public void theAverageIsTheRecurrenceOverTheCapturedWeights() {
        // 150 examples, batch 16: 10 steps per epoch, 60 steps; updates after steps 13, 16, ..., 58 (start 10, every 3)
        EmaDecay timm = new EmaDecay(0.95, EmaDecay.Warmup.TIMM, 0, 1, 0.75);
        long start = 10;
        long every = 3;
        WeightProbe probe = new WeightProbe(k -> k > start && (k - start) % every == 0, NetworkWeights.Selection.TRAINABLE, 60);
        EMATrainer<Label> trainer = ema(timm, start, every).build();
        trainer.setProgressBar(false);
        trainer.addObserver(probe);
        DJLModel<Label> model = trainer.train(SWAFGETrainerTest.DATA);
        assertEquals(16, probe.snapshots.size(), probe.snapshots.keySet().toString());
        double[] avg = null;
        for (java.util.Map.Entry<Long, float[]> s : probe.snapshots.entrySet()) {
            float[] w = s.getValue();
            if (avg == null) {
                avg = new double[w.length];
                for (int j = 0; j < w.length; j++) {
                    avg[j] = w[j];
                }
            } else {
                double d = timm.at(s.getKey() - start - 1);
                for (int j = 0; j < w.length; j++) {
                    avg[j] = d * avg[j] + (1 - d) * w[j];
                }
            }
        }
        float[] got = trainable(model);
        for (int j = 0; j < got.length; j++) {
            assertEquals(avg[j], got[j], 2e-6 * (1 + Math.abs(avg[j])), "weight " + j);
        }
        assertTrue(model.getProvenance().getTrainerProvenance().getConfiguredParameters().containsKey("emaWarmup"), "in the provenance");
    }

    @Test
    public void anInterruptedRunResumesBitIdentical(@TempDir Path tmp) {
        EmaDecay tf = new EmaDecay(0.99, EmaDecay.Warmup.TENSORFLOW, 0, 1, 0.75);
        EMATrainer<Label> plain = ema(tf, 5, 2).build();
        plain.setProgressBar(false);
        byte[] uninterrupted = plain.train(SWAFGETrainerTest.DATA).weights().getValues().toByteArray();
        for (long crashAt : new long[]{27, 41}) {
            Path dir = tmp.resolve("ema-" + crashAt);
            EMATrainer<Label> first = ema(tf, 5, 2).checkpointDirectory(dir.toString()).build();
            first.setProgressBar(false);
            first.addObserver(new io.github.tribuoswa.Crash(crashAt));
            assertThrows(IllegalStateException.class, () -> first.train(SWAFGETrainerTest.DATA));
            assertTrue(Files.exists(dir.resolve("run-0.checkpoint")));
            EMATrainer<Label> again = ema(tf, 5, 2).checkpointDirectory(dir.toString()).build();
            again.setProgressBar(false);
            assertArrayEquals(uninterrupted, again.train(SWAFGETrainerTest.DATA).weights().getValues().toByteArray(), "crash at " + crashAt);
        }
    }

    /** Counts the checkpoint file's contents changing, seen at every step end and epoch end (before the checkpoint listener). */
    private static final class WriteCounter extends TrainingListenerAdapter implements StepEndListener {
        private final Path file;
        private final List<Long> writesAt = new ArrayList<>();
        private byte[] last = new byte[0];
        private long steps;

        WriteCounter(Path file) {
            this.file = file;
        }

        private void look() {
            try {
                byte[] now = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
                if (!Arrays.equals(now, last)) {
                    writesAt.add(steps);
                    last = now;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void onStepEnd(Trainer trainer, long stepsDone) {
            look(); // what was written up to the previous step end
            steps = stepsDone;
        }

        @Override
        public void onTrainingEnd(Trainer trainer) {
            look();
        }
    }

    @Test
    public void anEmaOfEveryStepCheckpointsAboutTenTimesAnEpochNotEveryStep(@TempDir Path tmp) {
        // 150 examples in batches of 2: 75 steps an epoch, an EMA update after every one of them
        EmaDecay tf = new EmaDecay(0.99, EmaDecay.Warmup.TENSORFLOW, 0, 1, 0.75);
        EMATrainer<Label> ema = ema(tf, 0, 1).batchSize(2).epochs(3).checkpointDirectory(tmp.toString()).build();
        ema.setProgressBar(false);
        WriteCounter counter = new WriteCounter(tmp.resolve("run-0.checkpoint"));
        ema.addObserver(counter);
        byte[] checkpointed = ema.train(SWAFGETrainerTest.DATA).weights().getValues().toByteArray();
        for (int epoch = 0; epoch < 3; epoch++) {
            long from = epoch * 75L;
            long inEpoch = counter.writesAt.stream().filter(k -> k > from && k <= from + 75).count();
            // the epoch's own, the first collection after the previous epoch's, then one per 75 / 10 = 7 steps or more: at most 12
            assertTrue(inEpoch >= 10 && inEpoch <= 12, "writes in epoch " + (epoch + 1) + ": " + inEpoch + " at " + counter.writesAt);
        }
        assertTrue(counter.writesAt.contains(75L) && counter.writesAt.contains(150L) && counter.writesAt.contains(225L),
                "every epoch end is written: " + counter.writesAt);
        // and a crash between the spaced writes still resumes to the same weights
        EMATrainer<Label> plain = ema(tf, 0, 1).batchSize(2).epochs(3).build();
        plain.setProgressBar(false);
        assertArrayEquals(plain.train(SWAFGETrainerTest.DATA).weights().getValues().toByteArray(), checkpointed);
        Path dir = tmp.resolve("crash");
        EMATrainer<Label> first = ema(tf, 0, 1).batchSize(2).epochs(3).checkpointDirectory(dir.toString()).build();
        first.setProgressBar(false);
        first.addObserver(new io.github.tribuoswa.Crash(120));
        assertThrows(IllegalStateException.class, () -> first.train(SWAFGETrainerTest.DATA));
        EMATrainer<Label> again = ema(tf, 0, 1).batchSize(2).epochs(3).checkpointDirectory(dir.toString()).build();
        again.setProgressBar(false);
        assertArrayEquals(checkpointed, again.train(SWAFGETrainerTest.DATA).weights().getValues().toByteArray(), "crash at step 120");
    }

    @Test
    public void badValuesAreRefusedNamingTheParameter() {
        PropertyException e = assertThrows(PropertyException.class, () -> ema(EmaDecay.constant(0.9), 0, 1).every(0).build());
        assertTrue(e.getMessage().contains("emaEvery = 0 is out of range"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> ema(EmaDecay.constant(0.9), -1, 1).build());
        assertTrue(e.getMessage().contains("emaStart = -1 is out of range"), e.getMessage());
        EMATrainer<Label> late = ema(EmaDecay.constant(0.9), 59, 2).build();
        late.setProgressBar(false);
        e = assertThrows(PropertyException.class, () -> late.train(SWAFGETrainerTest.DATA));
        assertTrue(e.getMessage().contains("emaStart = 59 is out of range; allowed: integer with emaStart + emaEvery <= epochs x steps per epoch"
                + " = 6 x 10 = 60"), e.getMessage());
    }

    @Test
    public void configuresFromXmlAsADropInForDjlTrainer() throws Exception {
        ConfigurationManager cm = new ConfigurationManager(Path.of("..", "configs", "djl-ema.xml").toString());
        EMATrainer<?> t = (EMATrainer<?>) cm.lookup("trainer");
        String p = t.getProvenance().getConfiguredParameters().toString();
        assertTrue(p.contains("emaWarmup=TIMM") || p.contains("emaWarmup"), p);
        assertTrue(t.toString().contains("emaDecay=0.999") && t.toString().contains("emaWarmup=TIMM"), t.toString());
    }
}
