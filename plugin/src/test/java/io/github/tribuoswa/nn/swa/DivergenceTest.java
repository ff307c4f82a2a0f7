package io.github.tribuoswa.nn.swa;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.Messages;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Checkpoints;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.protos.CheckpointProto;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Divergence stops a run before NaN: a loss beyond divergenceFactor times the first epoch's,
 * weights beyond weightBound; the last good checkpoint is kept and nothing diverged is averaged.
 */
public class DivergenceTest {

    private static final MutableDataset<Label> DATA = SyntheticData.classification(150, 11);
    private static final int STEPS_PER_EPOCH = 5; // 150 examples, batch 32

    private static MLPFactory mlp() {
        return new MLPFactory(new int[]{16}, Activation.RELU, 0.0, false);
    }

    private static SWATrainer.Builder<Label> swa(double phaseRate) {
        return SWATrainer.builder(mlp(), new DenseConverter(), new LabelConverter()).epochs(6).batchSize(32)
                .optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.05)).phaseStart(2)
                .phaseSchedule(new ConstantSchedule(phaseRate)).cycleUnit(CycleUnit.ITERATIONS).seed(1L).device("cpu").intraOpThreads(1);
    }

    @Test
    public void aLearningRateOfFiftyStopsTheRunNamingEpochAndIteration() {
        DJLTrainer<Label> t = DJLTrainer.builder(mlp(), new DenseConverter(), new LabelConverter()).epochs(5).batchSize(32)
                .optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(50)).seed(1L).device("cpu")
                .intraOpThreads(1).build();
        t.setProgressBar(false);
        RuntimeException e = assertThrows(RuntimeException.class, () -> t.train(DATA));
        String m = Messages.chain(e);
        assertTrue(m.contains("Training diverged") && m.contains("epoch 1, iteration"), m);
        assertTrue(m.contains("divergenceFactor = 100.0") || m.contains("is Infinity") || m.contains("is NaN"), m);
        // with the bound switched off, the same run still stops, later, at a non-finite loss or weight
        DJLTrainer<Label> off = DJLTrainer.builder(mlp(), new DenseConverter(), new LabelConverter()).epochs(5).batchSize(32)
                .optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(50)).seed(1L).device("cpu")
                .intraOpThreads(1).divergenceFactor(Double.POSITIVE_INFINITY).weightBound(Double.POSITIVE_INFINITY).build();
        off.setProgressBar(false);
        String later = Messages.chain(assertThrows(RuntimeException.class, () -> off.train(DATA)));
        assertFalse(later.contains("divergenceFactor"), later);
    }

    @Test
    public void aDivergingSwaPhaseKeepsTheLastGoodCheckpointAndAveragesNothingDiverged(@TempDir Path dir) throws Exception {
        SWATrainer<Label> t = swa(50).checkpointDirectory(dir.toString()).build();
        t.setProgressBar(false);
        String m = Messages.chain(assertThrows(RuntimeException.class, () -> t.train(DATA)));
        assertTrue(m.contains("Training diverged") && m.contains("epoch 3"), "it diverges in the SWA phase (epoch 3): " + m);
        Path file = dir.resolve("run-0.checkpoint");
        CheckpointProto cp = CheckpointProto.parseFrom(Files.readAllBytes(file));
        // the last good checkpoint: written after SWA took w-hat (the weights after step 10, seen in step 11), before the
        // step that diverged; every weight in it finite and within the bound
        int failing = Integer.parseInt(m.replaceAll("(?s).*iteration (\\d+).*", "$1"));
        assertTrue(cp.getStepsDone() >= 2 * STEPS_PER_EPOCH && cp.getStepsDone() < failing, cp.getStepsDone() + " steps, diverged at " + failing);
        for (float w : Checkpoints.floats(cp.getWeights().getValues())) {
            assertTrue(Float.isFinite(w) && Math.abs(w) < 1e6, "weight " + w);
        }
        // the SWA state holds the one collection before the phase diverged
        java.io.DataInputStream swaState = new java.io.DataInputStream(cp.getStatesList().stream()
                .filter(s -> s.getName().equals("swa")).findFirst().orElseThrow().getData().newInput());
        swaState.readLong();
        assertEquals(1, swaState.readLong(), "only w-hat was averaged");
    }

    @Test
    public void weightsBeyondTheBoundAreNeverCollected() {
        SWATrainer<Label> t = swa(0.05).weightBound(1e-3).build();
        t.setProgressBar(false);
        String m = Messages.chain(assertThrows(RuntimeException.class, () -> t.train(DATA)));
        assertTrue(m.contains("weightBound = 0.001"), m);
    }

    @Test
    public void badBoundsAreRefusedNamingTheParameter() {
        PropertyException e = assertThrows(PropertyException.class, () -> swa(0.05).divergenceFactor(1.0).build());
        assertTrue(e.getMessage().contains("divergenceFactor = 1.0 is out of range") && e.getMessage().contains("real > 1"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> swa(0.05).weightBound(0).build());
        assertTrue(e.getMessage().contains("weightBound = 0.0 is out of range"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> swa(0.05).weightBound(Double.NaN).build());
        assertTrue(e.getMessage().contains("weightBound = NaN is out of range"), e.getMessage());
    }

    @Test
    public void batchNormStatisticsOfRawInputsAreNotWeights(@TempDir Path dir) throws Exception {
        // inputs in the ten thousands (unstandardised tabular data): BatchNorm's running variance after the first layer is ~1e8,
        // far beyond weightBound = 1e6, and legitimate; only trainable weights are bounded, buffers only checked for being finite
        org.tribuo.MutableDataset<Label> raw = new org.tribuo.MutableDataset<>(DATA.getProvenance(), DATA.getOutputFactory());
        for (org.tribuo.Example<Label> e : DATA) {
            org.tribuo.impl.ArrayExample<Label> scaled = new org.tribuo.impl.ArrayExample<>(e.getOutput());
            for (org.tribuo.Feature f : e) {
                scaled.add(f.getName(), f.getValue() * 1e4);
            }
            raw.add(scaled);
        }
        SWATrainer<Label> t = SWATrainer.builder(new MLPFactory(new int[]{16}, Activation.RELU, 0.0, true), new DenseConverter(),
                        new LabelConverter()).epochs(4).batchSize(32).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0))
                .schedule(new ConstantSchedule(0.05)).phaseStart(2).phaseSchedule(new ConstantSchedule(0.01)).cycleUnit(CycleUnit.ITERATIONS)
                .seed(1L).device("cpu").intraOpThreads(1).checkpointDirectory(dir.toString()).build();
        t.setProgressBar(false);
        io.github.tribuoswa.nn.DJLModel<Label> model = t.train(raw);
        float[] buffers;
        try (ai.djl.ndarray.NDManager m = io.github.tribuoswa.nn.core.Engines.pytorch().newBaseManager()) {
            ai.djl.nn.Block block = model.newNetwork(m);
            io.github.tribuoswa.nn.core.NetworkWeights.write(block, io.github.tribuoswa.nn.core.NetworkWeights.Selection.ALL,
                    io.github.tribuoswa.nn.core.WeightsCodec.decode(model.weights(), block));
            buffers = io.github.tribuoswa.nn.core.NetworkWeights.read(block, io.github.tribuoswa.nn.core.NetworkWeights.Selection.BUFFERS);
        }
        double largest = 0;
        for (float b : buffers) {
            largest = Math.max(largest, Math.abs(b));
        }
        assertTrue(largest > 1e6, "the running variance exceeds the bound (" + largest + ") and the run still completed");
    }
}
