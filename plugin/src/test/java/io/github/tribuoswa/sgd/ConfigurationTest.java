package io.github.tribuoswa.sgd;

import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.schedule.AnnealSchedule;
import io.github.tribuoswa.schedule.AnnealStrategy;
import io.github.tribuoswa.schedule.BaselineSchedule;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.CyclicSchedule;
import io.github.tribuoswa.schedule.SWASchedule;
import io.github.tribuoswa.schedule.TriangularSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.test.Helpers;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OLCUT configuration round trips, provenance rebuilds and model serialization with the SWA
 * optimiser inside Tribuo's trainers.
 */
public class ConfigurationTest {

    @Test
    public void componentsRoundTripThroughTheirConfiguration() {
        Helpers.testConfigurableRoundtrip(new ConstantSchedule(0.1, 3));
        Helpers.testConfigurableRoundtrip(new CyclicSchedule(0.1, 0.01, 7));
        Helpers.testConfigurableRoundtrip(new TriangularSchedule(0.1, 0.01, 8));
        Helpers.testConfigurableRoundtrip(new BaselineSchedule(0.1, 100, 0.05));
        Helpers.testConfigurableRoundtrip(new SWASchedule(0.1, 100, new CyclicSchedule(0.05, 0.01, 10)));
        Helpers.testConfigurableRoundtrip(new AnnealSchedule(new BaselineSchedule(0.1, 100), 50, 0.02, 5, AnnealStrategy.LINEAR, 10));
        Helpers.testConfigurableRoundtrip(new ScheduledSGD(new CyclicSchedule(0.1, 0.01, 7), SGD.Momentum.NESTEROV, 0.9));
        Helpers.testConfigurableRoundtrip(new ScheduledOptimiser(new AdaGrad(1.0, 0.1), new ConstantSchedule(0.5)));
        Helpers.testConfigurableRoundtrip(new SWAOptimiser(new AdaGrad(1.0, 0.1),
                new SWASchedule(0.1, 100, new ConstantSchedule(0.05, 10)), Averaging.EMA, 0.95, false));
    }

    private static <T extends org.tribuo.Output<T>> Trainer<T> rebuild(Model<T> model) {
        List<ConfigurationData> config = ProvenanceUtil.extractConfiguration(model.getProvenance());
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(config);
        String trainerClass = model.getProvenance().getTrainerProvenance().getClassName();
        String name = config.stream().filter(c -> c.getClassName().equals(trainerClass)).findFirst().orElseThrow().getName();
        @SuppressWarnings("unchecked")
        Trainer<T> trainer = (Trainer<T>) cm.lookup(name);
        return trainer;
    }

    private static <T extends org.tribuo.Output<T>> void assertSamePredictions(List<Prediction<T>> a, List<Prediction<T>> b) {
        assertEquals(a.size(), b.size());
        assertTrue(Helpers.predictionListDistributionEquals(a, b, 0.0), "predictions differ");
    }

    @Test
    public void provenanceRebuildsTheTrainerAndTrainingAgainGivesIdenticalPredictions() {
        MutableDataset<Label> data = SyntheticData.classification(150, 1);
        SWAOptimiser swa = new SWAOptimiser(SGD.getSimpleSGD(1.0, 0.9, SGD.Momentum.STANDARD),
                new SWASchedule(0.05, 300, new CyclicSchedule(0.02, 0.002, 25)), Averaging.EQUAL, 0.9, true);
        Model<Label> model = new LinearSGDTrainer(new LogMulticlass(), swa, 4, -1, 1, 17L).train(data);
        String provenance = model.getProvenance().toString();
        assertTrue(provenance.contains("SWAOptimiser") && provenance.contains("CyclicSchedule") && provenance.contains("swaStart"), provenance);

        Trainer<Label> rebuilt = rebuild(model);
        Model<Label> again = rebuilt.train(data);
        assertSamePredictions(model.predict(data), again.predict(data));
        assertEquals(model.getProvenance().getTrainerProvenance(), again.getProvenance().getTrainerProvenance());

        MutableDataset<Regressor> reg = SyntheticData.regression(150, 2);
        Model<Regressor> regModel = new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(),
                new SWAOptimiser(new AdaGrad(1.0, 0.1), new SWASchedule(0.5, 300, new ConstantSchedule(0.2, 30)), Averaging.EMA, 0.5, false),
                4, -1, 1, 3L).train(reg);
        assertSamePredictions(regModel.predict(reg), rebuild(regModel).train(reg).predict(reg));
    }

    @Test
    public void trainedModelsSerializeAndPredictTheSame() {
        MutableDataset<Label> data = SyntheticData.classification(150, 1);
        SWAOptimiser swa = new SWAOptimiser(SGD.getSimpleSGD(1.0), new SWASchedule(0.05, 300, new CyclicSchedule(0.02, 0.002, 25)));
        Model<Label> linear = new LinearSGDTrainer(new LogMulticlass(), swa, 4, -1, 1, 17L).train(data);
        Model<Label> fm = new FMClassificationTrainer(new LogMulticlass(), swa, 4, -1, 1, 1L, 3, 0.1).train(data);
        for (Model<Label> model : List.of(linear, fm)) {
            Model<Label> fromProto = Helpers.testModelProtoSerialization(model, Label.class, data);
            assertSamePredictions(model.predict(data), fromProto.predict(data));
            assertEquals(model.getProvenance(), fromProto.getProvenance());
            Helpers.testModelSerialization(model, Label.class);
        }
        MutableDataset<Regressor> reg = SyntheticData.regression(150, 2);
        Model<Regressor> regModel = new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(),
                new SWAOptimiser(SGD.getSimpleSGD(1.0), new SWASchedule(0.01, 300, new ConstantSchedule(0.005, 30))), 4, -1, 1, 3L).train(reg);
        Model<Regressor> regProto = Helpers.testModelProtoSerialization(regModel, Regressor.class, reg);
        assertSamePredictions(regModel.predict(reg), regProto.predict(reg));
        Helpers.testModelSerialization(regModel, Regressor.class);
    }
}
