package io.github.tribuoswa.nn.swa;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.github.tribuoswa.Crash;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.ensemble.BatchedEnsembleModel;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.protos.CheckpointProto;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints: a run interrupted at any step resumes to the same weights; corrupt or foreign
 * checkpoints are refused and left as they are; divergence keeps the last good checkpoint.
 */
public class CheckpointTest {

    static SWATrainer<Label> swa(Path dir, double dropout) {
        SWATrainer<Label> t = new SWATrainer<>(new MLPFactory(new int[]{12}, Activation.RELU, dropout, true), new DenseConverter(),
                new LabelConverter(), 6, 16, new SGDFactory(SGD.Momentum.NESTEROV, 0.9, 1e-4), new ConstantSchedule(0.05), 2, 0.05, 0.01,
                5, CycleUnit.ITERATIONS, Averaging.EQUAL, 0.9, true, BatchNormMode.REFRESH, "", 3L, "cpu", 1, false);
        if (dir != null) {
            t.setCheckpointDirectory(dir.toString());
        }
        return t;
    }

    static FGETrainer<Label> fge(Path dir) {
        FGETrainer<Label> t = new FGETrainer<>(new MLPFactory(new int[]{12}, Activation.RELU, 0.2, false), new DenseConverter(),
                new LabelConverter(), 6, 16, new SGDFactory(), new ConstantSchedule(0.05), 2, 0.05, 0.005, 8, CycleUnit.ITERATIONS, "",
                3L, "cpu", 1);
        if (dir != null) {
            t.setCheckpointDirectory(dir.toString());
        }
        return t;
    }

    @Test
    public void interruptedSwaRunsResumeToTheSameWeights(@TempDir Path tmp) {
        byte[] uninterrupted = swa(null, 0.2).train(SWAFGETrainerTest.DATA).weights().getValues().toByteArray();
        // crash inside an epoch (step 27, after the average at step 25 was checkpointed) and at
        // the first step of an epoch (step 41, just after the epoch-4 checkpoint)
        for (long crashAt : new long[]{27, 41, 3}) {
            Path dir = tmp.resolve("swa-" + crashAt);
            SWATrainer<Label> first = swa(dir, 0.2);
            first.addObserver(new Crash(crashAt));
            assertThrows(IllegalStateException.class, () -> first.train(SWAFGETrainerTest.DATA));
            assertTrue(Files.exists(dir.resolve("run-0.checkpoint")) || crashAt < 10);
            DJLModel<Label> resumed = swa(dir, 0.2).train(SWAFGETrainerTest.DATA);
            assertArrayEquals(uninterrupted, resumed.weights().getValues().toByteArray(), "crash at step " + crashAt);
        }
    }

    @Test
    public void interruptedFgeRunsResumeToTheSameEnsemble(@TempDir Path tmp) throws Exception {
        BatchedEnsembleModel<Label> uninterrupted = fge(null).train(SWAFGETrainerTest.DATA);
        FGETrainer<Label> first = fge(tmp);
        first.addObserver(new Crash(45));
        assertThrows(IllegalStateException.class, () -> first.train(SWAFGETrainerTest.DATA));
        CheckpointProto cp = CheckpointProto.parseFrom(Files.readAllBytes(tmp.resolve("run-0.checkpoint")));
        // the checkpoint holds the optimiser's, the divergence check's and the FGE listener's own states, nothing named by the format
        assertEquals(java.util.List.of("optimiser", "divergence", "fge"), cp.getStatesList().stream().map(s -> s.getName()).toList());
        FGEListener restored = new FGEListener(new ConstantSchedule(0.05));
        try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
            Block network = ((DJLModel<?>) uninterrupted.getModels().get(0)).newNetwork(manager);
            restored.restoreState(cp.getStates(2).getVersion(), cp.getStates(2).getData().toByteArray(),
                    new io.github.tribuoswa.nn.core.Stateful.StateContext(network, cp.getStepsDone()));
            assertEquals(3, restored.collections()); // snapshots after steps 24, 32, 40
            assertEquals(java.util.List.of(24L, 32L, 40L), restored.snapshotSteps());
            // the snapshots are engine arrays on the network's device
            assertEquals(NetworkWeights.size(network, NetworkWeights.Selection.ALL), restored.snapshots().get(0).size());
        }
        BatchedEnsembleModel<Label> resumed = fge(tmp).train(SWAFGETrainerTest.DATA);
        assertEquals(uninterrupted.getNumModels(), resumed.getNumModels());
        for (int i = 0; i < resumed.getNumModels(); i++) {
            assertArrayEquals(((DJLModel<?>) uninterrupted.getModels().get(i)).weights().getValues().toByteArray(),
                    ((DJLModel<?>) resumed.getModels().get(i)).weights().getValues().toByteArray(), "member " + i);
        }
    }

    @Test
    public void corruptCheckpointIsRefusedAndLeftUntouched(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("run-0.checkpoint");
        byte[] garbage = "not a checkpoint at all".getBytes();
        Files.write(file, garbage);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> swa(tmp, 0).train(SWAFGETrainerTest.DATA));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("left untouched"), e.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(file));

        // a valid checkpoint with one flipped byte
        Path dir = tmp.resolve("flipped");
        SWATrainer<Label> crashing = swa(dir, 0);
        crashing.addObserver(new Crash(15));
        assertThrows(IllegalStateException.class, () -> crashing.train(SWAFGETrainerTest.DATA));
        Path cp = dir.resolve("run-0.checkpoint");
        byte[] bytes = Files.readAllBytes(cp);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(cp, bytes);
        e = assertThrows(IllegalStateException.class, () -> swa(dir, 0).train(SWAFGETrainerTest.DATA));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(cp));
    }

    @Test
    public void checkpointOfAnotherConfigurationIsRefused(@TempDir Path tmp) throws Exception {
        SWATrainer<Label> crashing = swa(tmp, 0);
        crashing.addObserver(new Crash(15));
        assertThrows(IllegalStateException.class, () -> crashing.train(SWAFGETrainerTest.DATA));
        byte[] before = Files.readAllBytes(tmp.resolve("run-0.checkpoint"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> swa(tmp, 0.3).train(SWAFGETrainerTest.DATA));
        assertTrue(e.getMessage().contains("another configuration"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(tmp.resolve("run-0.checkpoint")));
    }

    @Test
    public void divergenceStopsWithEpochAndIterationAndKeepsTheLastGoodCheckpoint(@TempDir Path tmp) throws Exception {
        SWATrainer<Label> exploding = new SWATrainer<>(new MLPFactory(new int[]{12}, Activation.RELU, 0, false), new DenseConverter(),
                new LabelConverter(), 6, 16, new SGDFactory(SGD.Momentum.NONE, 0, 0), new ConstantSchedule(0.05), 2, 1e6, 1e6,
                1, CycleUnit.EPOCHS, Averaging.EQUAL, 0.9, true, BatchNormMode.NONE, "", 3L, "cpu", 1, false);
        exploding.setCheckpointDirectory(tmp.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> exploding.train(SWAFGETrainerTest.DATA));
        assertTrue(e.getMessage().contains("epoch 3") && e.getMessage().contains("iteration"), e.getMessage());
        CheckpointProto cp = CheckpointProto.parseFrom(Files.readAllBytes(tmp.resolve("run-0.checkpoint")));
        assertTrue(cp.getStepsDone() >= 20, "the checkpoint of the SGD phase is kept: " + cp.getStepsDone());
        for (float w : io.github.tribuoswa.nn.core.Checkpoints.floats(cp.getWeights().getValues())) {
            assertTrue(Float.isFinite(w));
        }
    }
}
