package io.github.tribuoswa.nn.core;

import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.RegressorConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.regression.Regressor;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * An epoch's batches: ⌈n / b⌉ of b examples and a shorter last one, except that a last batch of
 * one example joins the one before (BatchNorm cannot train on one example); each batch names
 * the rows it holds.
 */
public class BatchingTest {

    @Test
    public void aLastBatchOfOneJoinsTheBatchBefore() {
        assertEquals(12, TrainingLoop.stepsPerEpoch(354, 32));
        assertEquals(2, TrainingLoop.batchRows(11, 354, 32));
        assertEquals(11, TrainingLoop.stepsPerEpoch(353, 32), "353 = 11 x 32 + 1");
        assertEquals(32, TrainingLoop.batchRows(9, 353, 32));
        assertEquals(33, TrainingLoop.batchRows(10, 353, 32));
        assertEquals(10, TrainingLoop.stepsPerEpoch(320, 32));
        assertEquals(32, TrainingLoop.batchRows(9, 320, 32));
        assertEquals(1, TrainingLoop.stepsPerEpoch(1, 32));
        assertEquals(1, TrainingLoop.batchRows(0, 1, 32));
        assertEquals(1, TrainingLoop.stepsPerEpoch(33, 32));
        assertEquals(33, TrainingLoop.batchRows(0, 33, 32));
        int total = 0;
        for (int s = 0; s < TrainingLoop.stepsPerEpoch(353, 32); s++) {
            total += TrainingLoop.batchRows(s, 353, 32);
        }
        assertEquals(353, total, "every example once");
    }

    @Test
    public void eachBatchNamesTheRowsItHolds() {
        MutableDataset<Regressor> data = SyntheticData.regression(65, 3); // batches of 32 and 33
        List<Example<Regressor>> list = new ArrayList<>();
        data.forEach(list::add);
        FloatRows features = DenseData.of(list, new DenseConverter(), new RegressorConverter(), data.getFeatureIDMap(), data.getOutputIDInfo())
                .features();
        List<List<Long>> epochs = new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>()));
        DJLTrainer<Regressor> t = DJLTrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, false), new DenseConverter(),
                new RegressorConverter()).epochs(2).batchSize(32).schedule(new ConstantSchedule(0.01)).seed(1L).device("cpu")
                .intraOpThreads(1).build();
        t.setProgressBar(false);
        t.addObserver(new TrainingListenerAdapter() {
            private int steps;

            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                List<?> rows = batchData.getBatch().getIndices();
                float[] x = batchData.getBatch().getData().head().toFloatArray();
                int width = features.width();
                assertEquals(x.length, rows.size() * width, "one index per example of the batch");
                for (int i = 0; i < rows.size(); i++) {
                    int row = Math.toIntExact((Long) rows.get(i));
                    for (int j = 0; j < width; j++) {
                        assertEquals(features.get(row, j), x[i * width + j], "batch row " + i + " is training row " + row);
                    }
                    epochs.get(steps / 2).add((long) row);
                }
                steps++;
            }
        });
        t.train(data);
        for (List<Long> epoch : epochs) {
            assertEquals(LongStream.range(0, 65).boxed().collect(Collectors.toList()), epoch.stream().sorted().collect(Collectors.toList()),
                    "every example once an epoch");
        }
        assertNotEquals(epochs.get(0), epochs.get(1), "each epoch has its own shuffle");
        assertNotEquals(epochs.get(0).stream().sorted().collect(Collectors.toList()), epochs.get(0), "shuffled");
    }

    @Test
    public void aBatchNormNetworkTrainsWhenOneExampleWouldBeLeftOver() {
        MutableDataset<Regressor> data = SyntheticData.regression(65, 3); // 65 = 2 x 32 + 1
        DJLTrainer<Regressor> t = DJLTrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, true), new DenseConverter(),
                new RegressorConverter()).epochs(2).batchSize(32).schedule(new ConstantSchedule(0.01)).seed(1L).device("cpu")
                .intraOpThreads(1).build();
        t.setProgressBar(false);
        DJLModel<Regressor> m = t.train(data);
        assertEquals(65, m.predict(data).size());
    }

    @Test
    public void batchNormNeedsTwoExamplesABatchAndSaysSo() {
        MutableDataset<Regressor> data = SyntheticData.regression(40, 3);
        DJLTrainer<Regressor> one = DJLTrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, true), new DenseConverter(),
                new RegressorConverter()).epochs(1).batchSize(1).seed(1L).device("cpu").intraOpThreads(1).build();
        one.setProgressBar(false);
        com.oracle.labs.mlrg.olcut.config.PropertyException e = org.junit.jupiter.api.Assertions.assertThrows(
                com.oracle.labs.mlrg.olcut.config.PropertyException.class, () -> one.train(data));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("batchSize = 1 is out of range; allowed: integer >= 2 for a network "
                + "with BatchNorm"), e.getMessage());
        MutableDataset<Regressor> single = SyntheticData.regression(1, 3);
        DJLTrainer<Regressor> t = DJLTrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, true), new DenseConverter(),
                new RegressorConverter()).epochs(1).batchSize(32).seed(1L).device("cpu").intraOpThreads(1).build();
        t.setProgressBar(false);
        IllegalArgumentException e2 = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> t.train(single));
        org.junit.jupiter.api.Assertions.assertTrue(e2.getMessage().contains("needs at least 2"), e2.getMessage());
        // without BatchNorm a batch of one trains
        DJLTrainer<Regressor> plain = DJLTrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, false), new DenseConverter(),
                new RegressorConverter()).epochs(1).batchSize(1).seed(1L).device("cpu").intraOpThreads(1).build();
        plain.setProgressBar(false);
        assertEquals(40, plain.train(data).predict(data).size());
    }
}
