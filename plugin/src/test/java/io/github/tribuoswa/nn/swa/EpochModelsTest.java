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
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.math.optimisers.SGD;

import java.util.List;
import java.util.TreeMap;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The model a run delivers after epoch e is the model a run of e epochs returns, and delivering
 * it does not change the run.
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
        return new FGETrainer<>(mlp(), new DenseConverter(), new LabelConverter(), epochs, 16,
                new SGDFactory(SGD.Momentum.STANDARD, 0.9, 1e-4), new ConstantSchedule(0.05), 2, 0.05, 0.005, 4,
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
}
