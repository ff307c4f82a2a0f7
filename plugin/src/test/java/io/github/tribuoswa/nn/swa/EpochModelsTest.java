package io.github.tribuoswa.nn.swa;

import ai.djl.ndarray.NDManager;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.NetworkTrainer;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model a run delivers after epoch e is the model a run of e epochs returns, and delivering
 * it does not change the run; a checkpointed run killed after an epoch's model and before that
 * epoch's checkpoint delivers it again on resuming.
 */
public class EpochModelsTest {

    // 150 examples, batch 16: 10 steps an epoch; a BatchNorm MLP so that the SWA model's
    // refreshed statistics must be undone before training goes on
    static final MutableDataset<Label> DATA = SyntheticData.classification(150, 11);
    static final int EPOCHS = 6;

    static MLPFactory mlp() {
        return new MLPFactory(new int[]{12}, Activation.TANH, 0, true);
    }

    static SWATrainer<Label> swa(int epochs) {
        return new SWATrainer<>(mlp(), new DenseConverter(), new LabelConverter(), epochs, 16,
                new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4), new ConstantSchedule(0.05), 2, 0.05, 0.01, 1, CycleUnit.EPOCHS,
                Averaging.EQUAL, 0.9, true, BatchNormMode.REFRESH, "", 3L, "cpu", 1, false);
    }

    static FGETrainer<Label> fge(int epochs) {
        // c = 4 steps from step 20: mid-points 22, 26, 30, ... so one falls on the end of epoch 3
        return fge(epochs, 4);
    }

    static FGETrainer<Label> fge(int epochs, int cycle) {
        return new FGETrainer<>(mlp(), new DenseConverter(), new LabelConverter(), epochs, 16,
                new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4), new ConstantSchedule(0.05), 2, 0.05, 0.005, cycle,
                CycleUnit.ITERATIONS, "", 3L, "cpu", 1);
    }

    static DJLTrainer<Label> sgd(int epochs) {
        return new DJLTrainer<>(mlp(), new DenseConverter(), new LabelConverter(), epochs, 16,
                new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4), new ConstantSchedule(0.05), 3L, "cpu", 1, false);
    }

    private static float[] weights(Model<Label> model) {
        DJLModel<Label> djl = (DJLModel<Label>) model;
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            return WeightsCodec.decode(djl.weights(), djl.newNetwork(m));
        }
    }

    private static List<float[]> members(Model<Label> model) {
        if (model instanceof EnsembleModel) {
            return ((EnsembleModel<Label>) model).getModels().stream().map(EpochModelsTest::weights).toList();
        }
        return List.of(weights(model));
    }

    private static <M extends Model<Label>> void check(IntFunction<NetworkTrainer<Label, M>> trainer,
                                                       int from, List<Integer> expectedEpochs) {
        TreeMap<Integer, List<float[]>> delivered = new TreeMap<>();
        NetworkTrainer<Label, M> observed = trainer.apply(EPOCHS);
        observed.addEpochModelListener(e -> e >= from, (e, m) -> delivered.put(e, members(m)));
        M last = observed.train(DATA);
        assertEquals(expectedEpochs, List.copyOf(delivered.keySet()));
        for (int e : delivered.keySet()) {
            List<float[]> separate = members(trainer.apply(e).train(DATA));
            List<float[]> got = delivered.get(e);
            assertEquals(separate.size(), got.size(), "members after epoch " + e);
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(separate.get(i), got.get(i), "epoch " + e + ", member " + i);
            }
        }
        List<float[]> unobserved = members(trainer.apply(EPOCHS).train(DATA));
        List<float[]> observedLast = members(last);
        assertEquals(unobserved.size(), observedLast.size());
        for (int i = 0; i < unobserved.size(); i++) {
            assertArrayEquals(unobserved.get(i), observedLast.get(i), "the observed run is unchanged, member " + i);
        }
    }

    @Test
    public void swaEpochModelIsTheModelOfAShorterRun() {
        // SWA starts after epoch 2 (ŵ), then averages every epoch end; epoch 6 is the returned model
        check(EpochModelsTest::swa, 3, List.of(3, 4, 5));
    }

    @Test
    public void fgeEpochModelIsTheEnsembleOfAShorterRun() {
        // no snapshot yet at the end of epoch 2 (step 20): skipped
        check(EpochModelsTest::fge, 2, List.of(3, 4, 5));
    }

    @Test
    public void sgdEpochModelIsTheModelOfAShorterRun() {
        check(EpochModelsTest::sgd, 2, List.of(2, 3, 4, 5));
    }

    private static <M extends Model<Label>> void killedBetweenEpochModelAndCheckpoint(IntFunction<NetworkTrainer<Label, M>> trainer, int killedAt,
                                                                                        Path dir) {
        TreeMap<Integer, List<float[]>> beforeKill = new TreeMap<>();
        NetworkTrainer<Label, M> killed = trainer.apply(EPOCHS);
        killed.setCheckpointDirectory(dir.toString());
        killed.addEpochModelListener(e -> e >= 3, (e, m) -> {
            beforeKill.put(e, members(m));
            if (e == killedAt) {
                throw new IllegalStateException("killed after the model of epoch " + killedAt);
            }
        });
        RuntimeException kill = assertThrows(RuntimeException.class, () -> killed.train(DATA));
        assertTrue(String.valueOf(kill.getMessage()).contains("killed after the model of epoch " + killedAt), kill.toString());
        TreeMap<Integer, List<float[]>> resumed = new TreeMap<>();
        NetworkTrainer<Label, M> again = trainer.apply(EPOCHS);
        again.setCheckpointDirectory(dir.toString());
        again.addEpochModelListener(e -> e >= 3, (e, m) -> resumed.put(e, members(m)));
        M last = again.train(DATA);
        assertEquals(java.util.stream.IntStream.range(killedAt, EPOCHS).boxed().toList(), List.copyOf(resumed.keySet()),
                "the resumed run hands over epoch " + killedAt + " again, then the later ones");
        assertEquals(beforeKill.get(killedAt).size(), resumed.get(killedAt).size());
        for (int i = 0; i < resumed.get(killedAt).size(); i++) {
            assertArrayEquals(beforeKill.get(killedAt).get(i), resumed.get(killedAt).get(i), "epoch " + killedAt + " again, member " + i);
        }
        List<float[]> uninterrupted = members(trainer.apply(EPOCHS).train(DATA));
        List<float[]> got = members(last);
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(uninterrupted.get(i), got.get(i), "the resumed run ends as an uninterrupted one, member " + i);
        }
    }

    @Test
    public void anSwaRunKilledAfterAnEpochModelHandsItOverAgain(@TempDir Path dir) {
        killedBetweenEpochModelAndCheckpoint(EpochModelsTest::swa, 4, dir);
    }

    @Test
    public void anFgeRunKilledAfterAnEpochModelHandsItOverAgain(@TempDir Path dir) {
        // c = 6 from step 20: the snapshot of the weights after step 29 is taken as step 30 (epoch 3's last) begins, so the
        // checkpoint of that collection falls at the end of epoch 3 and must wait for the epoch's model
        killedBetweenEpochModelAndCheckpoint(e -> fge(e, 6), 3, dir);
    }

    @Test
    public void anSgdRunKilledAfterAnEpochModelHandsItOverAgain(@TempDir Path dir) {
        killedBetweenEpochModelAndCheckpoint(EpochModelsTest::sgd, 4, dir);
    }
}
