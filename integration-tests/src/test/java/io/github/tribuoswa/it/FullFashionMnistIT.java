package io.github.tribuoswa.it;

import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.schedule.BaselineSchedule;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.SWASchedule;
import io.github.tribuoswa.sgd.SWAOptimiser;
import io.github.tribuoswa.sgd.ScheduledSGD;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SWA logistic regression on the real, full Fashion-MNIST of Debian's
 * {@code dataset-fashion-mnist} (installed by {@code .ci/run}).
 */
public class FullFashionMnistIT {

    @Test
    public void swaLogisticRegressionOnFullFashionMnist() throws Exception {
        Path dir = Path.of(System.getProperty("tribuoswa.fashion.mnist.dir", FashionMnist.SYSTEM_DIRECTORY_NAME));
        assertTrue(FashionMnist.systemDataAvailable() || !dir.toString().equals(FashionMnist.SYSTEM_DIRECTORY_NAME),
                "Full Fashion-MNIST is missing: run `apt-get install -y dataset-fashion-mnist` (the README's test command does)");
        dir = FashionMnist.resolve(dir.toString());
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());

        int epochs = 3;
        long budget = (long) epochs * train.size();
        long swaStart = Math.round(0.75 * budget);
        Model<Label> sgd = new LinearSGDTrainer(new LogMulticlass(), new ScheduledSGD(new BaselineSchedule(0.01, budget)),
                epochs, -1, 1, 1L).train(train);
        Model<Label> swa = new LinearSGDTrainer(new LogMulticlass(),
                new SWAOptimiser(SGD.getSimpleSGD(1.0), new SWASchedule(0.01, swaStart, new ConstantSchedule(0.01, train.size() / 10))),
                epochs, -1, 1, 1L).train(train);
        double sgdAccuracy = new LabelEvaluator().evaluate(sgd, test).accuracy();
        double swaAccuracy = new LabelEvaluator().evaluate(swa, test).accuracy();
        System.out.printf("full Fashion-MNIST logistic regression, %d epochs: SGD %.4f, SWA %.4f%n", epochs, sgdAccuracy, swaAccuracy);
        assertTrue(sgdAccuracy > 0.82, "SGD accuracy " + sgdAccuracy);
        assertTrue(swaAccuracy > 0.82, "SWA accuracy " + swaAccuracy);
    }
}
