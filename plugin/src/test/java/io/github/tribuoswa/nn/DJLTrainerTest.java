package io.github.tribuoswa.nn;

import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.RegressorConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.AdamFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluator;

import static org.junit.jupiter.api.Assertions.assertTrue;

public class DJLTrainerTest {

    @Test
    public void smoke() {
        MutableDataset<Label> data = SyntheticData.classification(300, 1);
        DJLTrainer<Label> trainer = new DJLTrainer<>(new MLPFactory(new int[]{16}, Activation.RELU, 0, false), new DenseConverter(),
                new LabelConverter(), 5, 32, new SGDFactory(SGD.Momentum.NESTEROV, 0.9, 1e-4), new ConstantSchedule(0.05), 1L, "cpu", 1, true);
        DJLModel<Label> model = trainer.train(data);
        double acc = new LabelEvaluator().evaluate(model, data).accuracy();
        System.out.println("acc " + acc);
        assertTrue(acc > 0.8);
        MutableDataset<Regressor> reg = SyntheticData.regression(300, 2);
        DJLTrainer<Regressor> rt = new DJLTrainer<>(new MLPFactory(new int[]{16}, Activation.TANH, 0, true), new DenseConverter(),
                new RegressorConverter(), 10, 32, new AdamFactory(), new ConstantSchedule(0.01), 1L, "cpu", 1, false);
        DJLModel<Regressor> rm = rt.train(reg);
        double rmse = new RegressionEvaluator().evaluate(rm, reg).averageRMSE();
        System.out.println("rmse " + rmse);
    }
}
