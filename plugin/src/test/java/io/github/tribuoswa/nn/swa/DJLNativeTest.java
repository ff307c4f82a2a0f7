package io.github.tribuoswa.nn.swa;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.optim.ScheduleTracker;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.schedule.PhasedSchedule;
import io.github.tribuoswa.schedule.TriangularSchedule;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SWA and FGE in a plain DJL user's own training, with DJL's {@code EasyTrain.fit}: the user
 * adds the plugin's tracker and listeners to their {@code TrainingConfig}, nothing else.
 */
public class DJLNativeTest {

    @Test
    public void swaAndFgeListenersInEasyTrainFit() throws Exception {
        int n = 96;
        float[] x = new float[n * 4];
        float[] y = new float[n];
        Random rng = new Random(2);
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < 4; f++) {
                x[i * 4 + f] = (float) rng.nextGaussian();
            }
            y[i] = x[i * 4] + 2 * x[i * 4 + 1] > 0 ? 1 : 0;
        }
        Engines.setIntraOpThreads(1);
        Engines.pytorch().setRandomSeed(42);
        try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu());
             Model model = Model.newInstance("native", Device.cpu(), Engines.ENGINE)) {
            Block block = new SequentialBlock().add(Linear.builder().setUnits(8).build()).add(BatchNorm.builder().build())
                    .add(ai.djl.nn.Activation.reluBlock()).add(Linear.builder().setUnits(2).build());
            model.setBlock(block);
            ArrayDataset dataset = new ArrayDataset.Builder().setData(manager.create(x, new Shape(n, 4)))
                    .optLabels(manager.create(y, new Shape(n))).setSampling(16, false).build();   // 6 steps an epoch
            // SGD for 2 epochs (12 steps), then an SWA phase with 3-step cycles
            LearningRateSchedule schedule = new PhasedSchedule(new ConstantSchedule(0.1), 12, new CyclicSchedule(0.05, 0.01, 3));
            SWAListener swa = new SWAListener(schedule, true, Averaging.EQUAL, 0.9, false);
            FGEListener fge = new FGEListener(new PhasedSchedule(new ConstantSchedule(0.1), 12, new TriangularSchedule(0.05, 0.01, 4)));
            WeightProbe probe = new WeightProbe(k -> k == 12 || (k > 12 && (k - 12) % 3 == 0), NetworkWeights.Selection.TRAINABLE, 60);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(new ScheduleTracker(schedule)).build())
                    .optDevices(new Device[]{Device.cpu()})
                    .addTrainingListeners(swa, fge, probe);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(16, 4));
                EasyTrain.fit(trainer, 10, dataset, null); // 60 steps
            } // closing the trainer gives the listeners the weights after the last step
            assertEquals(17, swa.averagedModels());     // w-hat (12), 15, 18, ..., 60
            assertEquals(17, probe.snapshots.size());
            double[] expected = probe.mean();
            double[] got = swa.average().average();
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[j], got[j], 1e-6 * (1 + Math.abs(expected[j])));
            }
            assertEquals(java.util.List.of(14L, 18L, 22L, 26L, 30L, 34L, 38L, 42L, 46L, 50L, 54L, 58L), fge.snapshotSteps());

            swa.writeAverage(block);
            float[] trainable = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
            assertEquals(1, BatchNormRefresh.refresh(block, manager, x, new Shape(4), 16));
            float[] after = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
            assertTrue(java.util.Arrays.equals(trainable, after), "the refresh leaves the weights alone");
            NDArray out = block.forward(new ParameterStore(manager, false), new NDList(manager.create(x, new Shape(n, 4))), false).singletonOrThrow();
            float[] logits = out.toFloatArray();
            int correct = 0;
            for (int i = 0; i < n; i++) {
                int pred = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
                correct += pred == (int) y[i] ? 1 : 0;
            }
            assertTrue(correct > 0.65 * n, "w_SWA accuracy (chance is 0.5) " + correct + "/" + n);
        }
    }
}
